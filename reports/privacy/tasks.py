"""Celery: the daily retention run (beat: 02:30 Asia/Jakarta, kasn_cases.settings) and the sweep of requests whose
3 x 24-hour clock ran out (beat: every 15 minutes)."""
from celery import shared_task

from reports.privacy.requests import sweep_overdue_requests
from reports.privacy.retention import retention_apply


@shared_task
def retention_apply_task() -> dict:
    return retention_apply()


@shared_task(name="reports.privacy.tasks.sweep_overdue_requests_task")
def sweep_overdue_requests_task() -> int:
    return sweep_overdue_requests()
