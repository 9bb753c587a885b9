"""Celery tasks of intake: clean up evidence of drafts never submitted; close lapsed incomplete reports; mark
overdue initial reviews."""
from celery import shared_task

from reports.evidence import purge_abandoned_uploads
from reports.services import lapse_incomplete_reports, sweep_report_clocks


@shared_task(name="reports.tasks.purge_abandoned_uploads_task")
def purge_abandoned_uploads_task(older_than_hours: int = 48) -> int:
    return purge_abandoned_uploads(older_than_hours=older_than_hours)


@shared_task(name="reports.tasks.lapse_incomplete_reports_task")
def lapse_incomplete_reports_task() -> int:
    return lapse_incomplete_reports()


@shared_task(name="reports.tasks.sweep_report_clocks_task")
def sweep_report_clocks_task() -> int:
    return sweep_report_clocks()
