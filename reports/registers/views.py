"""Register pages: upload, map columns, dry run, import with progress; reconciliation per election."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases.models import ElectionPeriod
from reports.registers import selectors, services
from reports.registers.files import MAX_FILE_BYTES, RegisterFileError
from reports.registers.forms import MappingForm, RegisterUploadForm
from reports.registers.models import ImportStatus, RegisterImport, RegisterSource, RowAction
from reports.registers.rows import guess_mapping

PLAN_SHOWN = 100  # rows listed per outcome; the counts cover them all


def perm_required(perm, message):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)
        return wrapped
    return decorator


admin_only = perm_required("registers.import", gettext_lazy("Hanya administrator yang dapat mengimpor register."))


def _import(pk) -> RegisterImport:
    return get_object_or_404(RegisterImport.objects.select_related("source", "election", "uploaded_by")
                             .defer("content"), pk=pk)


@admin_only
def index(request):
    form, status = RegisterUploadForm(), 200
    if request.method == "POST":
        form, status = RegisterUploadForm(request.POST, request.FILES), 400
        if form.is_valid():
            f = form.cleaned_data["file"]
            try:
                if f.size > MAX_FILE_BYTES:  # refused before it is read into memory
                    raise RegisterFileError(_("Berkas lebih besar dari %(mb)d MB; bagi menjadi beberapa berkas.")
                                            % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
                imp = services.import_upload(actor=request.user, source=form.cleaned_data["source"],
                                             election=form.cleaned_data["election"], name=f.name, data=f.read())
            except RegisterFileError as exc:
                form.add_error("file", str(exc))
            else:
                if imp.status == ImportStatus.UPLOADED:
                    return redirect("registers:mapping", pk=imp.pk)
                return redirect("registers:detail", pk=imp.pk)
    return render(request, "registers/index.html", {
        "form": form, "sources": RegisterSource.objects.all(),
        "imports": RegisterImport.objects.select_related("source", "election", "uploaded_by").defer(
            "content", "plan")[:15]}, status=status)


@admin_only
def mapping(request, pk):
    imp = _import(pk)
    if imp.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKED):
        return redirect("registers:detail", pk=imp.pk)
    initial = guess_mapping(imp.headers, imp.source.mapping)
    form, status = MappingForm(headers=imp.headers, initial_mapping=initial), 200
    if request.method == "POST":
        form, status = MappingForm(request.POST, headers=imp.headers, initial_mapping=initial), 400
        if form.is_valid():
            try:
                services.mapping_save(actor=request.user, register_import=RegisterImport.objects.get(pk=imp.pk),
                                      mapping=form.cleaned_data)
            except RegisterFileError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("registers:detail", pk=imp.pk)
    return render(request, "registers/mapping.html", {"imp": imp, "form": form}, status=status)


def _state(imp: RegisterImport) -> dict:
    processed = services.processed_rows(imp)
    percent = imp.percent if imp.status != ImportStatus.RUNNING else (
        int(100 * processed / imp.total_rows) if imp.total_rows else 0)
    return {"state": imp.status, "label": imp.get_status_display(), "percent": percent, "rows": imp.total_rows,
            "processed": processed, "counts": imp.counts, "error": imp.error}


@admin_only
def detail(request, pk):
    imp = _import(pk)
    if imp.status == ImportStatus.UPLOADED:
        return redirect("registers:mapping", pk=imp.pk)
    labels = dict(RowAction.choices)
    action = request.GET.get("aksi") or ""
    action = action if action in labels else ""
    rows = [r for r in imp.plan if r["action"] == action] if action else imp.plan
    rejected = [r for r in imp.plan if r["action"] == RowAction.REJECT]
    codes = selectors.tracking_codes(r["report"] for r in rows[:PLAN_SHOWN] if r["report"])
    cases = selectors.case_numbers(codes)
    return render(request, "registers/detail.html", {
        "imp": imp, "state": _state(imp), "rejected": rejected[:PLAN_SHOWN],
        "rows": [{**r, "label": labels[r["action"]], "report_code": codes.get(r["report"], ""),
                  "case_number": cases.get(r["report"], "")} for r in rows[:PLAN_SHOWN]],
        "rows_more": max(0, len(rows) - PLAN_SHOWN), "action_label": labels.get(action, ""),
        "summary": [(value, label, imp.counts.get(value, 0)) for value, label in RowAction.choices]})


@admin_only
@require_POST
def run(request, pk):
    services.import_start(actor=request.user, register_import=_import(pk))
    return redirect("registers:detail", pk=pk)


@admin_only
def status(request, pk):
    return JsonResponse(_state(_import(pk)))


@perm_required("registers.reconcile", gettext_lazy("Rekonsiliasi hanya untuk petugas penerimaan laporan."))
def reconcile(request):
    elections = ElectionPeriod.objects.all()
    slug = request.GET.get("pemilihan") or ""
    election = elections.filter(slug=slug).first() if slug else elections.first()
    if election is None:
        return render(request, "registers/reconcile.html", {
            "elections": elections, "error": _("Pemilihan '%(slug)s' tidak dikenal.") % {"slug": slug}}, status=400)
    return render(request, "registers/reconcile.html", {
        "elections": elections, "election": election, "result": selectors.reconciliation(request.user, election),
        "shown": selectors.UNMATCHED_SHOWN})
