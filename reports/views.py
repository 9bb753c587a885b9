"""Intake views: public multi-step form, receipt, tracking; officer entry, check screen, evidence download.

Thin: each parses, authorises, calls one service or selector, and renders.
"""
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseBadRequest, HttpResponseGone, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from cases.params import whole_number
from cases import selectors as case_selectors
from cases.models import AccessKind
from cases.services import access_record, request_origin
from reports.privacy.services import identity_shown
from cases.workflow import ActionNotAllowed, InvalidTransition
from reports import clocks, messaging, outbox, selectors, services, tracking, views_messages
from reports.evidence import EvidenceRejected, StoredFile, discard, store_upload
from reports.forms import (
    AnswerForm, CheckForm, EventStepForm, MessageForm, OfficerReportForm, Outcome, ReporterStepForm, RespondentStepForm,
    ReviewStepForm, TrackForm,
)
from reports.models import Anonymity, Evidence, InfoRequest, MessageDirection, Report, ReportKind, ReportStatus, new_pin

DRAFT = "report_draft"
RECEIPT = "report_receipt"
TRACKED = "tracked_report"
STEPS = {1: ReporterStepForm, 2: RespondentStepForm, 3: EventStepForm}
STEP_TITLES = {1: gettext_lazy("Identitas pelapor"), 2: gettext_lazy("Terlapor"), 3: gettext_lazy("Kejadian"),
               4: gettext_lazy("Bukti dan kirim")}  # lazy: a module constant, translated per request


def _rate(setting, default):
    return lambda group, request: getattr(settings, setting, default)


def _limited(request, group, setting, default) -> bool:
    return is_ratelimited(request, group=group, key="ip", rate=_rate(setting, default), method="POST", increment=True)


def _too_many(request):
    return render(request, "reports/rate_limited.html", status=429)


# --- public form --------------------------------------------------------------------------------------------

def _draft(request) -> dict:
    draft = request.session.get(DRAFT)
    if not draft:
        draft = {"token": secrets.token_urlsafe(24), "pin": new_pin(), "steps": {}, "evidence": []}
        request.session[DRAFT] = draft
    return draft


def _save_draft(request, draft):
    request.session[DRAFT] = draft
    request.session.modified = True


def _bound_steps(draft):
    return {n: cls(data=draft["steps"].get(str(n), {})) for n, cls in STEPS.items()}


def _first_invalid_step(draft, upto: int) -> int | None:
    for n, form in _bound_steps(draft).items():
        if n < upto and not form.is_valid():
            return n
    return None


def report_start(request):
    return redirect("reports:step", step=1)


def report_step(request, step):
    """Steps 1–3: each valid step is kept in the session draft; a failed step keeps what was typed."""
    if step == 4:
        return report_review(request)
    if step not in STEPS:
        raise Http404
    draft = _draft(request)
    missing = _first_invalid_step(draft, step)
    if missing:
        return redirect("reports:step", step=missing)
    form_class = STEPS[step]
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_bot():
            return HttpResponseBadRequest(_("Permintaan ditolak."))
        if form.is_valid():
            draft["steps"][str(step)] = {k: request.POST.get(k, "") for k in form.fields if k != "website"}
            _save_draft(request, draft)
            return redirect("reports:step", step=step + 1)
        status = 400
    else:
        form, status = form_class(initial=draft["steps"].get(str(step), {})), 200
    return render(request, "reports/step.html", _step_context(draft, step, form), status=status)


def _step_context(draft, step, form, **extra):
    return {"form": form, "step": step, "steps": STEP_TITLES, "step_title": STEP_TITLES[step], "draft": draft,
            "anonymous": draft["steps"].get("1", {}).get("anonymity") == Anonymity.ANONYMOUS, **extra}


def _store_files(request, draft) -> list:
    """Store each acceptable file now; refused files get a message and the rest of the draft stays."""
    errors = []
    for upload in request.FILES.getlist("evidence"):
        try:
            draft["evidence"].append(store_upload(upload).as_dict())
        except EvidenceRejected as exc:
            errors.append(str(exc))
    _save_draft(request, draft)
    return errors


def _remove_file(request, draft):
    try:
        stored = draft["evidence"].pop(int(request.POST.get("remove", "")))
    except (ValueError, IndexError):
        return
    discard(StoredFile(**stored))
    _save_draft(request, draft)


def report_review(request):
    """Step 4: upload evidence, review everything, submit once (the form token makes retries idempotent)."""
    token = request.POST.get("form_token", "")
    receipt = request.session.get(RECEIPT)
    if request.method == "POST" and receipt and token and receipt["token"] == token:
        return redirect("reports:receipt")  # a double click after success
    draft = _draft(request)
    missing = _first_invalid_step(draft, 4)
    if missing:
        return redirect("reports:step", step=missing)
    form, errors = ReviewStepForm(request.POST or None), []
    if request.method == "POST":
        if form.is_bot():
            return HttpResponseBadRequest(_("Permintaan ditolak."))
        action = "remove" if "remove" in request.POST else request.POST.get("action", "upload")
        if action == "remove":
            _remove_file(request, draft)
            return redirect("reports:step", step=4)
        errors = _store_files(request, draft)
        if action == "submit" and not errors and form.is_valid():
            if _limited(request, "reports.submit", "REPORT_SUBMIT_RATE", "20/h"):
                return _too_many(request)
            return _submit(request, draft)
        if action == "upload" and not errors:
            return redirect("reports:step", step=4)
    context = _step_context(draft, 4, form, upload_errors=errors, summary=_summary(draft),
                            max_mb=settings.EVIDENCE_MAX_BYTES // (1024 * 1024))
    return render(request, "reports/review.html", context, status=400 if errors or form.errors else 200)


def _summary(draft) -> dict:
    forms = _bound_steps(draft)
    return {n: f.cleaned_data for n, f in forms.items() if f.is_valid()}


def _client_ip(request):
    return request.META.get("REMOTE_ADDR") or None


def _submit(request, draft):
    data = _summary(draft)
    reporter, fields = data[1], {**data[2], **data[3]}
    report = services.report_submit(
        fields=fields, anonymity=reporter["anonymity"], pin=draft["pin"], reporter=reporter,
        evidence=[StoredFile(**e) for e in draft["evidence"]], idempotency_key=draft["token"],
        ip=_client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""))
    request.session[RECEIPT] = {"token": draft["token"], "id": report.pk, "pin": draft["pin"]}
    request.session.pop(DRAFT, None)
    return redirect("reports:receipt")


def report_receipt(request):
    """Tracking code and PIN, the PIN shown once; printable."""
    receipt = request.session.get(RECEIPT)
    if not receipt:
        return redirect("reports:track")
    report = get_object_or_404(Report.objects.select_related("election", "region"), pk=receipt["id"])
    pin = receipt.pop("pin", None)
    request.session[RECEIPT] = receipt
    return render(request, "reports/receipt.html", {
        "report": report, "pin": pin, "status": selectors.public_status(report),
        "has_email": hasattr(report, "reporter") and bool(report.reporter.email)})


# --- tracking -----------------------------------------------------------------------------------------------

def track_login(request):
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _limited(request, "reports.track", "TRACKING_RATE", "30/h"):
            return _too_many(request)
        try:
            report = services.report_authenticate(code=form.cleaned_data["code"], pin=form.cleaned_data["pin"])
        except services.ReportLocked as exc:
            form.add_error(None, _("Terlalu banyak PIN salah untuk kode ini. Coba lagi setelah pukul %(t)s.")
                           % {"t": timezone.localtime(exc.until).strftime("%H:%M")})
        else:
            if report is not None:
                request.session.cycle_key()
                request.session[TRACKED] = report.pk
                return redirect("reports:track_status")
            form.add_error(None, _("Kode pelacakan atau PIN salah. Periksa kembali tanda terima Anda."))
    status = 400 if form.errors else 200
    return render(request, "reports/track_login.html", {"form": form}, status=status)


def _tracked(request) -> Report | None:
    pk = request.session.get(TRACKED)
    return Report.objects.select_related("election", "merged_into").filter(pk=pk).first() if pk else None


def track_status(request):
    report = _tracked(request)
    if report is None:
        return redirect("reports:track")
    upload_errors, answer_forms, conflict = [], {}, False
    message_form, message_errors = MessageForm(), []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "message":
            message_form, message_errors, conflict = views_messages.reporter_post(request, report)
            if message_form is None:
                return redirect(reverse("reports:track_status") + "#messages")
        elif action == "answer":
            info_id = whole_number(request.POST.get("info", ""))
            if info_id is None:
                raise Http404(_("Permintaan keterangan tidak ditemukan."))
            info = get_object_or_404(InfoRequest, pk=info_id, report=report)
            form = AnswerForm(request.POST)
            if form.is_valid():
                try:
                    services.info_request_answer(report=report, info_request=info, answer=form.cleaned_data["answer"])
                except services.InvalidReportTransition as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(request, _("Jawaban Anda sudah terkirim."))
                return redirect("reports:track_status")
            answer_forms[info.pk] = form
        elif action == "evidence" and tracking.report_finished(report):
            upload_errors, conflict = [_("Penanganan laporan sudah selesai; bukti tidak dapat ditambahkan lagi.")], True
        elif action == "evidence":
            upload_errors = _track_upload(request, report)
            if not upload_errors:
                return redirect("reports:track_status")
    status = tracking.public_status(report)
    return render(request, "reports/track_status.html", {
        "report": report, "status": status, "timeline": tracking.reporter_timeline(report),
        "upload_errors": upload_errors,
        "info_requests": [(info, answer_forms.get(info.pk) or AnswerForm()) for info in report.info_requests.all()],
        "evidence": report.evidence.exclude(messages__direction=MessageDirection.TO_REPORTER),
        "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        "thread": messaging.conversation(report), "message_form": message_form, "message_errors": message_errors,
        "open_request": messaging.open_request(report),
    }, status=409 if conflict else 400 if upload_errors or answer_forms or message_errors or message_form.errors
        else 200)


def track_attachment(request, pk):
    """A file the officers attached to a message for the tracked report."""
    report = _tracked(request)
    if report is None:
        return redirect("reports:track")
    return views_messages.reporter_attachment(request, report, pk)


def _track_upload(request, report) -> list:
    files = request.FILES.getlist("evidence")
    if not files:
        return [_("Pilih sedikitnya satu berkas bukti.")]
    errors = []
    for upload in files:
        try:
            services.evidence_add(report=report, stored=store_upload(upload))
        except EvidenceRejected as exc:
            errors.append(str(exc))
    if len(errors) < len(files):
        messages.success(request, _("Bukti sudah ditambahkan."))
    return errors


@require_POST
def track_logout(request):
    request.session.pop(TRACKED, None)
    return redirect("reports:track")


# --- officer intake -----------------------------------------------------------------------------------------

OVERDUE_SCAN = 300  # the oldest waiting reports looked at for overdue reviews (the oldest are late first)


def _require_intake(request):
    if not request.user.has_perm("reports.intake"):
        raise PermissionDenied


@login_required
def intake_queue(request):
    _require_intake(request)
    status = request.GET.get("status") or ""
    if status and status not in ReportStatus.values:
        status = ""
    reports = clocks.with_review_clocks(selectors.intake_queue(request.user, status)[:100])
    waiting = clocks.with_review_clocks(selectors.waiting_for_check(request.user)[:OVERDUE_SCAN])
    overdue = [r for r in clocks.overdue_first(waiting) if r.review_clock and r.review_clock.badge == "overdue"]
    return render(request, "reports/intake_queue.html", {
        "reports": reports, "overdue": overdue[:20], "overdue_more": len(overdue) > 20, "status": status,
        "statuses": ReportStatus.choices})


@login_required
def intake_new(request):
    """A report received at the office, or a finding; the reporter gets a tracking code and PIN on the receipt."""
    _require_intake(request)
    form = OfficerReportForm(request.POST or None, initial={"received_on": timezone.localdate()})
    errors = []
    key, key_error = outbox.idempotency_key(request)  # a draft sent from the device's outbox carries a key
    if key_error:
        form.add_error(None, key_error)
    elif request.method == "POST" and form.is_valid():
        replay = key and Report.objects.filter(idempotency_key=key, recorded_by=request.user).first()
        if replay:
            return _recorded(request, replay, pin=None)
        stored = []
        for upload in request.FILES.getlist("evidence"):
            try:
                stored.append(store_upload(upload))
            except EvidenceRejected as exc:
                errors.append(str(exc))
        if not errors:
            try:
                return _record(request, form.cleaned_data, stored, key)
            except ValidationError as exc:  # a rule of the service (e.g. a finding outside the office's region)
                for field, messages_ in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages_)
        for item in stored:
            discard(item)
    if request.method == "POST" and outbox.wants_json(request):
        return outbox.form_errors(form, {"evidence": (_("Berkas bukti"), errors)} if errors else None)
    status = 400 if request.method == "POST" else 200
    token = request.POST.get("form_token") or secrets.token_urlsafe(24)
    return render(request, "reports/intake_new.html", {"form": form, "upload_errors": errors, "form_token": token},
                  status=status)


def _record(request, data, stored, key):
    kind = data["kind"]
    pin = new_pin() if kind == ReportKind.LAPORAN and data["anonymity"] != Anonymity.ANONYMOUS else None
    received = timezone.make_aware(timezone.datetime.combine(data["received_on"], timezone.datetime.min.time()))
    if data["received_on"] == timezone.localdate():
        received = timezone.now()
    report = services.report_record(
        actor=request.user, fields=data, anonymity=data["anonymity"], kind=kind, received_at=received,
        reporter=data, evidence=stored, pin=pin, idempotency_key=key)
    outbox.discard_unused(report, stored)
    return _recorded(request, report, pin=pin)


def _recorded(request, report, *, pin):
    """Where the officer goes next: the reporter's receipt (a report with a PIN), else the finding's page."""
    if pin or (report.kind == ReportKind.LAPORAN and report.pin_hash):
        request.session[RECEIPT] = {"token": "", "id": report.pk, "pin": pin}
        url = reverse("reports:receipt")
    else:
        messages.success(request, _("Temuan %(code)s tercatat.") % {"code": report.tracking_code_display})
        url = reverse("reports:intake_detail", args=[report.pk])
    if outbox.wants_json(request):
        return JsonResponse({"url": url, "tracking_code": report.tracking_code_display})
    return redirect(url)


@login_required
def intake_detail(request, pk, check_form=None, status=200):
    """The formal/material check screen: assessment, duplicates, evidence, outcome."""
    _require_intake(request)
    report = selectors.report_for_user(request.user, pk)
    assessment = selectors.report_assessment(report) if report.status != ReportStatus.MERGED else None
    reporter = selectors.reporter_identity(request.user, report)
    identity_shown(actor=request.user, report=report, view=reporter, via=request_origin(request))
    initial = {"outcome": assessment.suggestion if assessment else "", "respondent_agency": report.respondent_agency,
               "reason": assessment.late_reason if assessment else "",
               "due_on": services.completion_due(report) if report.status in ReportStatus.checkable() else None}
    return render(request, "reports/intake_detail.html", {
        "report": report, "assessment": assessment,
        "reporter": reporter,
        "duplicates": selectors.likely_duplicates(request.user, report),
        "candidate_cases": selectors.candidate_cases(request.user, report),
        "nip_other_name": case_selectors.respondent_under_other_name(report.respondent_nip, report.respondent_name),
        "evidence": report.evidence.select_related("uploaded_by"),
        "merged_reports": report.merged_reports.all(),
        "events": report.events.select_related("actor"),
        "info_requests": report.info_requests.all(),
        "check_form": check_form or CheckForm(initial=initial),
        "clocks": [c for c in (clocks.review_clock(report), clocks.window_clock(report)) if c],
        "can_check": report.status in ReportStatus.checkable(),
    }, status=status)


@login_required
@require_POST
def intake_start_check(request, pk):
    report = selectors.report_for_user(request.user, pk)
    try:
        services.report_start_check(actor=request.user, report=report)
    except services.InvalidReportTransition as exc:
        return _conflict_409(request, report, exc)
    return redirect("reports:intake_detail", pk=pk)


def _conflict_409(request, report, exc):
    return render(request, "reports/conflict.html", {"report": report, "message": str(exc)}, status=409)


@login_required
@require_POST
def intake_decide(request, pk):
    report = selectors.report_for_user(request.user, pk)
    form = CheckForm(request.POST, cases=selectors.cases_visible_to(request.user),
                     reports=selectors.reports_visible_to(request.user))
    if not form.is_valid():
        return intake_detail(request, pk, check_form=form, status=400)
    outcome = form.cleaned_data["outcome"]
    try:
        result = services.report_decide(actor=request.user, report=report, outcome=outcome, data=form.cleaned_data)
    except (services.InvalidReportTransition, InvalidTransition) as exc:
        return _conflict_409(request, report, exc)
    except ActionNotAllowed as exc:
        raise PermissionDenied(str(exc))
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return intake_detail(request, pk, check_form=form, status=400)
    messages.success(request, _("Hasil kajian awal tersimpan."))
    if outcome == Outcome.MERGE:
        return redirect("reports:intake_detail", pk=result.pk)
    return redirect("reports:intake_detail", pk=pk)


@login_required
@require_POST
def intake_merge(request, pk):
    report = selectors.report_for_user(request.user, pk)
    into = selectors.report_for_user(request.user, request.POST.get("into"))
    try:
        primary = services.report_merge(actor=request.user, report=report, into=into)
    except services.InvalidReportTransition as exc:
        return _conflict_409(request, report, exc)
    messages.success(request, _("Laporan digabung ke %(code)s.") % {"code": primary.tracking_code_display})
    return redirect("reports:intake_detail", pk=primary.pk)


@login_required
@require_POST
def intake_to_finding(request, pk):
    report = selectors.report_for_user(request.user, pk)
    try:
        finding = services.report_convert_to_finding(actor=request.user, report=report)
    except services.InvalidReportTransition as exc:
        return _conflict_409(request, report, exc)
    messages.success(request, _("Temuan %(code)s dibuat dari informasi awal.") % {"code": finding.tracking_code_display})
    return redirect("reports:intake_detail", pk=finding.pk)


@login_required
@require_POST
def intake_add_evidence(request, pk):
    report = selectors.report_for_user(request.user, pk)
    for upload in request.FILES.getlist("evidence"):
        try:
            services.evidence_add(report=report, stored=store_upload(upload), actor=request.user)
        except EvidenceRejected as exc:
            messages.error(request, str(exc))
    return redirect("reports:intake_detail", pk=pk)


def _open_evidence(request, pk, *, record: bool) -> Evidence:
    """The evidence file if this user may open it (403 for a role that never may, 404 outside scope); opening
    the original is recorded (who, when, which file, through which page) for the case's auditors. The preview,
    a stripped thumbnail shown on the intake page, is not recorded: the page would add one row per view."""
    if not request.user.has_perm("reports.view_evidence"):
        raise PermissionDenied(_("Peran Anda tidak berwenang membuka bukti laporan; bukti hanya dibuka oleh "
                                 "petugas yang memutus perkara (Bawaslu, lembaga pengawas, auditor)."))
    evidence = selectors.evidence_for_user(request.user, pk)
    if hasattr(evidence, "destroyed"):  # removed by the retention schedule: the row and hash stay, the file is gone
        raise EvidenceDestroyed(evidence.destroyed)
    if record:
        case = getattr(evidence, "case", None) or evidence.report.case_id
        access_record(actor=request.user, kind=AccessKind.EVIDENCE_ORIGINAL, object_id=evidence.pk,
                      label=evidence.original_name, via=request_origin(request), case=case)
    return evidence


@login_required
def evidence_download(request, pk):
    """The untouched original, always as an attachment (never rendered inline by the browser)."""
    try:
        evidence = _open_evidence(request, pk, record=True)
    except EvidenceDestroyed as gone:
        return HttpResponseGone(_("Berkas bukti ini sudah dimusnahkan sesuai jadwal retensi pada %(d)s; nama, ukuran, "
                                  "dan hash SHA-256-nya tetap tercatat.") % {"d": gone.args[0].destroyed_at.strftime("%d-%m-%Y")},
                                content_type="text/plain; charset=utf-8")
    return FileResponse(default_storage.open(evidence.file.name, "rb"), as_attachment=True,
                        filename=evidence.original_name, content_type=evidence.content_type)


class EvidenceDestroyed(Exception):
    """The original was destroyed by the retention schedule (reports.privacy.retention)."""


@login_required
def evidence_preview(request, pk):
    """The derived, metadata-free preview of an image."""
    try:
        evidence = _open_evidence(request, pk, record=False)
    except EvidenceDestroyed:
        raise Http404 from None
    if not evidence.preview:
        raise Http404
    response = FileResponse(default_storage.open(evidence.preview.name, "rb"), content_type="image/jpeg")
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response
