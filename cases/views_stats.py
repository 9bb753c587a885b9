"""Statistics views: officers' dashboard, per-table CSV, case exports with progress, weekly summaries."""
import csv
import datetime as dt
import re
import tempfile

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from cases import exports, public_stats, stats
from cases.filters import CLOCK_STATES
from cases.models import CaseStatus, ElectionPeriod, Region, SanctionCategory, ViolationType
from cases.permissions import NATIONAL_ROLES
from cases.tasks_stats import SUMMARY_DIR, export_cases_task, summaries_list

EXPORT_FORMATS = ("csv", "xlsx")
SUMMARY_NAME_RE = re.compile(r"^ringkasan-mingguan-\d{4}-W\d{2}\.pdf$")


def _filters_or_errors(request):
    """(the queue's filter form, the filters in use), or (form, None) when a filter is wrong; an empty choice
    ("Semua") is no filter."""
    filterset = stats.case_filters(request.user, request.GET)
    if not filterset.is_valid():
        return filterset.form, None
    return filterset.form, filterset.active()


def _form_options():
    return {
        "elections": ElectionPeriod.objects.values_list("slug", "name"),
        "provinces": Region.objects.filter(level="province").values_list("code", "name"),
        "violations": ViolationType.objects.values_list("code", "name_id"),
        "statuses": CaseStatus.choices,
        "sanction_categories": SanctionCategory.choices,
        "clock_states": CLOCK_STATES,
    }


@login_required
@require_GET
def dashboard(request):
    """The rendered body (filters, tiles, tables) is cached per scope, query and language: a hit costs one
    cache read and no statistics or filter query."""
    key = stats.page_cache_key(request.user, request.GET, get_language())
    body = cache.get(key)
    if body is None:
        form, filters = _filters_or_errors(request)
        context = {"form": form, "filters": filters, **_form_options(), "may_export": request.user.has_perm("cases.export"),
                   "export_query": request.GET.urlencode()}
        if filters is None:
            body = render_to_string("stats/_dashboard_body.html", context, request=request)
            return render(request, "stats/dashboard.html", {"body": mark_safe(body)}, status=400)
        data = stats.dashboard_cached(request.user, filters)
        context.update(data=data, tables={t["key"]: t for t in data["tables"]},
                       generated_at=dt.datetime.fromisoformat(data["generated_at"]), summary=data.get("source") == "summary")
        body = render_to_string("stats/_dashboard_body.html", context, request=request)
        cache.set(key, body, stats.CACHE_SECONDS)
    return render(request, "stats/dashboard.html", {"body": mark_safe(body)})  # noqa: S308 (our own rendered template)


@login_required
@require_GET
def table_csv(request, key):
    _form, filters = _filters_or_errors(request)
    if filters is None:
        return HttpResponse(_("Saringan tidak sah; periksa pesan di dasbor."), status=400, content_type="text/plain; charset=utf-8")
    table = stats.table_by_key(stats.dashboard_cached(request.user, filters), key)
    if table is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statistik-{key}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(table["columns"])
    for row in table["rows"]:
        rank = [row["rank"]] if table["ranked"] else []
        writer.writerow(rank + [row["label"]] + [c["v"] for c in row["cells"]])
    return response


@login_required
@require_GET
def export(request):
    if not request.user.has_perm("cases.export"):
        raise PermissionDenied(_("Peran Anda tidak berwenang mengekspor daftar perkara."))
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        return HttpResponse(_("Format ekspor \u201c%(fmt)s\u201d tidak dikenal; pilih csv atau xlsx.") % {"fmt": fmt[:20]},
                            status=400, content_type="text/plain; charset=utf-8")
    form, filters = _filters_or_errors(request)
    if filters is None:
        errors = "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items())
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    cases = stats.filtered_cases(request.user, filters)
    if request.GET.get("mode") == "background" or (fmt == "xlsx" and cases.count() > exports.SYNC_XLSX_LIMIT):
        return _start_job(request, filters, fmt, cases.count())
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_chunks(cases), content_type="text/csv; charset=utf-8")
    else:
        tmp = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
        exports.write_xlsx(cases, tmp)
        tmp.seek(0)
        response = FileResponse(tmp, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename(fmt)}"'
    return response


def _start_job(request, filters, fmt, total):
    job_id = exports.export_job_create(actor=request.user, filters=filters, fmt=fmt, total=total)
    transaction.on_commit(lambda: export_cases_task.delay(job_id))
    return redirect("stats:export_job", job_id=job_id)


def _own_job(request, job_id):
    job = exports.job_get(job_id)
    if not job or job["user_id"] != request.user.pk:
        raise Http404
    return job


@login_required
@require_GET
def export_job(request, job_id):
    job = _own_job(request, job_id)
    return render(request, "stats/export_job.html", {"job": job, "job_id": job_id})


@login_required
@require_GET
@cache_control(no_store=True)
def export_job_status(request, job_id):
    job = _own_job(request, job_id)
    percent = 100 if job["state"] == "done" else int(100 * job["done"] / job["total"]) if job["total"] else 0
    return JsonResponse({"state": job["state"], "done": job["done"], "total": job["total"], "percent": percent,
                         "error": job.get("error", ""),
                         "download": reverse("stats:export_download", args=[job_id]) if job["state"] == "done" else None})


@login_required
@require_GET
def export_download(request, job_id):
    job = _own_job(request, job_id)
    if job["state"] != "done":
        return HttpResponse(_("Berkas ekspor belum selesai dibuat; tunggu hingga bilah kemajuan penuh."), status=409,
                            content_type="text/plain; charset=utf-8")
    return FileResponse(default_storage.open(job["path"], "rb"), as_attachment=True,
                        filename=job["path"].rsplit("/", 1)[-1])


def _require_leader(user):
    if not user.roles & (NATIONAL_ROLES | {"auditor"}) or (not user.roles & NATIONAL_ROLES and user.region_code != "00"):
        raise PermissionDenied(_("Ringkasan mingguan berisi angka nasional; hanya peran nasional yang dapat membukanya."))


@login_required
@require_GET
def summaries(request):
    _require_leader(request.user)
    return render(request, "stats/summaries.html", {"summaries": summaries_list()})


@login_required
@require_GET
def summary_download(request, name):
    _require_leader(request.user)
    path = f"{SUMMARY_DIR}/{name}"
    if not SUMMARY_NAME_RE.match(name) or not default_storage.exists(path):
        raise Http404
    return FileResponse(default_storage.open(path, "rb"), as_attachment=True, filename=name,
                        content_type="application/pdf")


@require_GET
def public(request):
    data = stats.public_cached()
    figures = public_stats.public_figures_cached(get_language())
    return render(request, "stats/public.html", {
        "data": data, "figures": figures, "generated_at": dt.datetime.fromisoformat(data["generated_at"])})
