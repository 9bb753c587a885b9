"""Celery: the daily retention run (beat: 02:30 Asia/Jakarta, kasn_cases.settings)."""
from celery import shared_task


@shared_task
def retention_apply_task() -> dict:
    from reports.privacy.retention import retention_apply

    return retention_apply()
