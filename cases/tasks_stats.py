"""Celery tasks for statistics: background case exports and the weekly PDF summary for leaders."""
import datetime as dt

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone

from cases import exports, stats
from cases.letters.render import STATIC_BASE_URL, _fetcher_class  # the one allowlisting fetcher
from cases.models import Case

SUMMARY_DIR = "summaries"


@shared_task(name="cases.tasks_stats.export_cases_task")
def export_cases_task(job_id):
    """Write one export file; the job (user, filters, format) was stored in the cache by the view."""
    job = exports.job_get(job_id)
    if not job:
        return None
    user = get_user_model().objects.get(pk=job["user_id"])
    try:
        exports.export_job_run(job_id, stats.filtered_cases(user, job["filters"]))
    except Exception as exc:  # the page shows the failure instead of polling forever
        exports.job_set(job_id, state="failed", error=str(exc)[:300])
        raise
    return job_id


@shared_task(name="cases.tasks_stats.refresh_stats_task")
def refresh_stats_task():
    """Refresh the statistics summary views (Celery beat, every few minutes); seconds taken."""
    return stats.summary_refresh()


def summary_name(on: dt.date) -> str:
    year, week, _day = on.isocalendar()
    return f"{SUMMARY_DIR}/ringkasan-mingguan-{year}-W{week:02d}.pdf"


def summary_context(on: dt.date) -> dict:
    """National figures (leaders' summary), plus the cases received in the 7 days before `on`."""
    cases = Case.objects.all()
    data = stats.dashboard_from_summary(stats.NATIONAL_PLAN, lambda: cases, {})  # refreshed every few minutes
    week_start = on - dt.timedelta(days=7)
    new_cases = cases.filter(received_at__date__gte=week_start, received_at__date__lt=on).count()
    tables = {t["key"]: t for t in data["tables"]}
    for key in ("province", "agency", "ppk"):
        tables[key] = {**tables[key], "rows": tables[key]["rows"][:10]}
    return {"on": on, "week_start": week_start, "new_cases": new_cases, "tables": tables,
            "generated_at": timezone.localtime()}


def render_summary_pdf(on: dt.date) -> bytes:
    from weasyprint import HTML  # heavy (about a second and 100 MB): loaded only when a summary PDF is made

    html = render_to_string("stats/summary_pdf.html", summary_context(on))
    return HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=_fetcher_class()()).write_pdf()


def summary_write(on: dt.date | None = None) -> str:
    """Render and store the summary for the week ending on `on` (idempotent: replaces the same week)."""
    on = on or timezone.localdate()
    name = summary_name(on)
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(render_summary_pdf(on)))


@shared_task(name="cases.tasks_stats.weekly_summary_task")
def weekly_summary_task():
    return summary_write()


def summaries_list() -> list:
    """Stored summaries, newest first."""
    if not default_storage.exists(SUMMARY_DIR):
        return []
    _dirs, files = default_storage.listdir(SUMMARY_DIR)
    return [{"name": f, "size": default_storage.size(f"{SUMMARY_DIR}/{f}")}
            for f in sorted((f for f in files if f.endswith(".pdf")), reverse=True)]
