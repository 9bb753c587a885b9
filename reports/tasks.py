"""Celery tasks of intake: clean up evidence uploaded to drafts that were never submitted."""
from celery import shared_task

from reports.evidence import purge_abandoned_uploads


@shared_task(name="reports.tasks.purge_abandoned_uploads_task")
def purge_abandoned_uploads_task(older_than_hours: int = 48) -> int:
    return purge_abandoned_uploads(older_than_hours=older_than_hours)
