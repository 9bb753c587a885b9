"""Intake services: submit, track, check, register, merge, request information. Every write lives here."""
import contextlib
import datetime as dt
import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import deadlines, workflow
from cases.models import Case, DeadlineRule, Outbox, Role
from cases.services import notify, system_language, users_with_role
from cases.tasks import flush_outbox_task
from cases.workflow import InvalidTransition
from reports import clocks
from reports.evidence import StoredFile
from reports.fastpath import insert_submission
from reports.tracking import report_finished
from reports.models import (
    Anonymity, Channel, CheckOutcome, Evidence, InfoRequest, InfoRequestStatus, Report, ReportEvent, ReportKind, ReportStatus,
    Reporter, normalise_tracking_code,
)

log = logging.getLogger(__name__)

# Called with the report once a submission commits (the letters module adds the PDF receipt here).
on_report_submitted_hooks: list[Callable[[Report], None]] = []
# Report events that call for something after commit (letters to the reporter): code -> [fn(event)].
REPORT_EVENT_HOOKS: dict[str, list[Callable]] = {}


def register_report_event_hook(code: str, fn: Callable) -> None:
    REPORT_EVENT_HOOKS.setdefault(code, [])
    if fn not in REPORT_EVENT_HOOKS[code]:
        REPORT_EVENT_HOOKS[code].append(fn)


def _run_report_event_hooks(event) -> None:
    for fn in REPORT_EVENT_HOOKS.get(event.code, []):
        try:
            fn(event)
        except Exception:  # a failing letter must not undo the committed decision; logged, issued again by hand
            log.exception("report event hook %r failed for %s (event %s)", fn, event.code, event.pk)

REPORT_FIELDS = (
    "election", "stage", "region", "respondent_name", "respondent_nip", "respondent_position", "respondent_agency",
    "respondent_agency_text", "occurred_on", "known_on", "place", "description", "links",
)
REPORTER_FIELDS = ("name", "address", "phone", "email", "standing")
# Hashed against when a tracking code is unknown, so a wrong code costs as long as a wrong PIN.
_DUMMY_PIN_HASH = make_password("00000000")


class InvalidReportTransition(InvalidTransition):
    """The report is not in a status that allows this action (views and the API answer 409)."""


# --- audit and side effects -------------------------------------------------------------------------------------

def event_record(*, report: Report, code: str, actor=None, from_status: str = "", to_status: str = "",
                 note: str = "", payload: dict | None = None) -> ReportEvent:
    event = ReportEvent.objects.create(report=report, code=code, actor=actor, from_status=from_status,
                                       to_status=to_status, note=note, payload=payload or {})
    if REPORT_EVENT_HOOKS.get(code):
        transaction.on_commit(lambda: _run_report_event_hooks(event))
    return event


def _set_status(report: Report, status: str, *, actor, code: str, note: str = "", payload=None, fields=()):
    before = report.status
    report.status = status
    report.save(update_fields=["status", "updated_at", *fields])
    return event_record(report=report, code=code, actor=actor, from_status=before, to_status=status,
                        note=note, payload=payload)


def _schedule_outbox_flush() -> None:
    """Ask a worker to send now; if the broker (or result store) is down the row waits for the beat retry."""
    try:
        flush_outbox_task.apply_async(ignore_result=True)
    except Exception as exc:  # kombu, redis and Celery backend errors differ; none may fail a saved report
        log.warning("outbox flush not queued (broker unavailable): %s", exc)


def _mail_reporter(report: Report, subject: str, body: str) -> None:
    """Outbox row in the caller's transaction; sent after commit."""
    reporter = getattr(report, "reporter", None) if report.anonymity != Anonymity.ANONYMOUS else None
    if not reporter or not reporter.email:
        return
    track_url = settings.SITE_URL.rstrip("/") + reverse("reports:track")
    body = body + "\n\n" + _("Kode pelacakan: %(code)s\nPantau laporan Anda di %(url)s") % {
        "code": report.tracking_code_display, "url": track_url}
    Outbox.objects.create(to=reporter.email, subject=subject[:300], body=body)
    transaction.on_commit(_schedule_outbox_flush)


def mail_reporter(report: Report, subject: str, body: str) -> None:
    """An e-mail to the reporter, if they left an address (messages, notices): outbox row in the caller's transaction."""
    _mail_reporter(report, subject, body)


def _run_submitted_hooks(report: Report) -> None:
    for hook in list(on_report_submitted_hooks):
        try:
            hook(report)
        except Exception:  # a failing receipt must not undo a saved report
            log.exception("report submitted hook %r failed for report %s", hook, report.pk)


def _require_intake(actor, report: Report | None = None) -> None:
    """Officer intake: the intake permission and, for an existing report, its region in scope."""
    if not actor.has_perm("reports.intake"):
        raise PermissionDenied(_("Hanya petugas Bawaslu yang dapat memproses laporan."))
    if report is not None and not actor.has_role(Role.ADMIN):
        if not actor.region_id or not actor.region.covers(report.region_code):
            raise PermissionDenied(_("Laporan ini di luar wilayah Anda."))


def finding_region_error(actor, region) -> str | None:
    """Why `actor` (an officer, or an API token's service user) may not file a finding (temuan) in `region`, or
    None: a Bawaslu office supervises its own region and those below it (its user's region, else its agency's);
    administrators everywhere."""
    if actor is None or actor.has_role(Role.ADMIN):
        return None
    scope = actor.region if actor.region_id else getattr(actor.agency, "region", None) if actor.agency_id else None
    if scope is not None and scope.covers(region.code):
        return None
    return _("Temuan hanya dapat dicatat untuk wilayah pengawasan instansi Anda (%(scope)s) dan wilayah di bawahnya; "
             "%(region)s (%(code)s) di luar wilayah itu. Teruskan informasinya kepada Bawaslu setempat.") % {
        "scope": scope.name if scope is not None else _("tidak ada wilayah"), "region": region.name, "code": region.code}


# --- submission -----------------------------------------------------------------------------------------------

def _lock_key(key: str) -> None:
    """Serialise concurrent submissions of one form token until the transaction ends."""
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [digest])


def _new_report(fields: dict, *, anonymity: str, kind: str | None, channel: str) -> Report:
    report = Report(**{name: fields.get(name) for name in REPORT_FIELDS if name in fields})
    for name in ("respondent_nip", "respondent_position", "respondent_agency_text", "place", "links"):
        setattr(report, name, getattr(report, name) or "")
    report.region_code = report.region.code
    report.anonymity = anonymity
    report.channel = channel
    if anonymity == Anonymity.ANONYMOUS:
        report.kind, report.status = ReportKind.LEAD, ReportStatus.LEAD
    else:
        report.kind = kind or ReportKind.LAPORAN
    return report


def report_submit(*, fields: dict, anonymity: str, pin: str | None, reporter: dict | None = None,
                  evidence: list[StoredFile] = (), idempotency_key: str | None = None, actor=None,
                  channel: str = Channel.WEB, kind: str | None = None, received_at=None,
                  ip: str | None = None, user_agent: str = "") -> Report:
    """Save a report, its reporter and evidence in one transaction; a repeated form token returns the first report.

    Anonymous reports become leads and keep no reporter, IP address or user agent. A submission without evidence,
    PIN or form token is one statement (reports.fastpath.insert_submission), atomic by itself: outside a transaction it runs as its
    own, without the BEGIN and COMMIT round trips of an atomic block (the API's intake is such a submission).
    """
    if kind == ReportKind.TEMUAN and actor is not None:
        refusal = finding_region_error(actor, fields["region"])
        if refusal:
            raise ValidationError({"region": refusal})
    single_statement = not (idempotency_key or evidence or pin)
    with contextlib.nullcontext() if single_statement else transaction.atomic():
        if idempotency_key:
            _lock_key(idempotency_key)
            existing = Report.objects.filter(idempotency_key=idempotency_key).first()
            if existing:
                return existing
        report = _new_report(fields, anonymity=anonymity, kind=kind, channel=channel)
        report.idempotency_key = idempotency_key
        report.pin_hash = make_password(pin) if pin else ""
        report.recorded_by = actor
        report.received_at = received_at or timezone.now()
        report.receipt_due = True  # the receipt outbox (reports.letters): committed with the report or not at all
        if anonymity != Anonymity.ANONYMOUS:
            report.submitted_ip, report.submitted_user_agent = ip, (user_agent or "")[:300]
        identity = None
        if anonymity != Anonymity.ANONYMOUS and reporter:
            identity = Reporter(report=report, **{k: reporter.get(k) or "" for k in REPORTER_FIELDS})
        event = ReportEvent(report=report, code="report.submitted", actor=actor, to_status=report.status,
                            payload={"channel": channel, "kind": report.kind, "evidence": len(evidence)})
        insert_submission(report, identity, event)
        for stored in evidence:
            _evidence_create(report, stored, actor=actor)
        if pin:
            _mail_reporter(report, _("Laporan Anda telah diterima"), _(
                "Laporan Anda telah kami terima.\nPIN rahasia: %(pin)s\nSimpan PIN ini; petugas tidak akan pernah "
                "menanyakannya.") % {"pin": pin})
        transaction.on_commit(lambda: _run_submitted_hooks(report))
    return report


def report_record(*, actor, fields: dict, anonymity: str, kind: str, received_at, reporter: dict | None,
                  evidence: list[StoredFile] = (), pin: str | None = None, idempotency_key: str | None = None) -> Report:
    """An officer records a report received at the office, or a finding (temuan) of their own supervision."""
    _require_intake(actor)
    channel = Channel.FINDING if kind == ReportKind.TEMUAN else Channel.OFFICE
    if kind == ReportKind.TEMUAN:
        anonymity, reporter, pin = Anonymity.NAMED, None, None
    return report_submit(fields=fields, anonymity=anonymity, pin=pin, reporter=reporter, evidence=evidence,
                         idempotency_key=idempotency_key, actor=actor, channel=channel, kind=kind,
                         received_at=received_at)


# --- evidence -------------------------------------------------------------------------------------------------

def _evidence_create(report: Report, stored: StoredFile, *, actor=None) -> Evidence:
    return Evidence.objects.create(
        report=report, file=stored.name, original_name=stored.original_name, content_type=stored.content_type,
        size=stored.size, sha256=stored.sha256, preview=stored.preview, uploaded_by=actor)


def evidence_store(*, report: Report, stored: StoredFile, actor=None) -> Evidence:
    """A checked, stored file as evidence of the report, audited by the caller (a message lists its attachments)."""
    return _evidence_create(report, stored, actor=actor)


def evidence_add(*, report: Report, stored: StoredFile, actor=None, client=None) -> Evidence:
    """Add a checked, stored file to a report: the reporter from the tracking page (no actor), an intake officer
    (`actor`, whose permission and region are checked), or the API client that submitted the report (`client`,
    its token's service user). The uploader is recorded for officers and clients alike."""
    if actor is not None:
        _require_intake(actor, report)
    elif report_finished(report):
        raise InvalidReportTransition(_("Penanganan laporan sudah selesai; bukti tidak dapat ditambahkan lagi."))
    uploader = actor or client
    by = "officer" if actor else "client" if client else "reporter"
    with transaction.atomic():
        evidence = _evidence_create(report, stored, actor=uploader)
        event_record(report=report, code="report.evidence.added", actor=uploader,
                     payload={"evidence": evidence.pk, "sha256": stored.sha256, "by": by})
    return evidence


# --- tracking -------------------------------------------------------------------------------------------------

def report_authenticate(*, code: str, pin: str) -> Report | None:
    """The report for a tracking code and PIN, or None; repeated wrong PINs lock the code for a while."""
    code = normalise_tracking_code(code)
    pin = "".join(ch for ch in (pin or "") if ch.isdigit())
    report = Report.objects.filter(tracking_code=code).exclude(pin_hash="").first()
    if report is None:
        check_password(pin, _DUMMY_PIN_HASH)
        return None
    if report.is_locked:
        raise ReportLocked(report.locked_until)
    if check_password(pin, report.pin_hash):
        if report.failed_pin_attempts:
            Report.objects.filter(pk=report.pk).update(failed_pin_attempts=0, locked_until=None)
        return report
    _record_failed_pin(report)
    return None


class ReportLocked(Exception):
    """Too many wrong PINs for one tracking code."""

    def __init__(self, until):
        super().__init__(until)
        self.until = until


def _record_failed_pin(report: Report) -> None:
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        locked.failed_pin_attempts += 1
        if locked.failed_pin_attempts >= getattr(settings, "TRACKING_MAX_PIN_FAILURES", 5):
            minutes = getattr(settings, "TRACKING_LOCKOUT_MINUTES", 30)
            locked.locked_until = timezone.now() + dt.timedelta(minutes=minutes)
            locked.failed_pin_attempts = 0
            event_record(report=locked, code="report.tracking.locked")
        locked.save(update_fields=["failed_pin_attempts", "locked_until"])


def info_request_answer(*, report: Report, info_request: InfoRequest, answer: str) -> InfoRequest:
    """The reporter answers an officer's request; the report goes back to the check."""
    with transaction.atomic():
        info = InfoRequest.objects.select_for_update().get(pk=info_request.pk, report=report)
        if info.status != InfoRequestStatus.OPEN:
            raise InvalidReportTransition(_("Permintaan ini sudah dijawab."))
        info.answer, info.status, info.answered_at = answer, InfoRequestStatus.ANSWERED, timezone.now()
        info.save(update_fields=["answer", "status", "answered_at"])
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status == ReportStatus.INCOMPLETE and not report.info_requests.filter(status=InfoRequestStatus.OPEN).exists():
            _set_status(report, ReportStatus.FORMAL_CHECK, actor=None, code="report.info.answered",
                        payload={"info_request": info.pk})
        else:
            event_record(report=report, code="report.info.answered", payload={"info_request": info.pk})
    return info


# --- formal and material check ----------------------------------------------------------------------------------

def _locked_report(report: Report, allowed: set, action: str) -> Report:
    fresh = Report.objects.select_for_update().get(pk=report.pk)
    if fresh.status not in allowed:
        raise InvalidReportTransition(_("Laporan berstatus «%(status)s»; tindakan «%(action)s» tidak dapat dilakukan.")
                                      % {"status": fresh.get_status_display(), "action": action})
    return fresh


def report_start_check(*, actor, report: Report) -> Report:
    _require_intake(actor, report)
    with transaction.atomic():
        report = _locked_report(report, {ReportStatus.SUBMITTED}, _("mulai kajian awal"))
        _set_status(report, ReportStatus.FORMAL_CHECK, actor=actor, code="report.checked.started")
    return report


def _decided(report: Report, actor, reason: str = "") -> None:
    report.checked_at, report.checked_by, report.decision_reason = timezone.now(), actor, reason


def completion_due(report: Report, on: dt.date | None = None) -> dt.date | None:
    """The last day to complete a report asked today, by the COMPLETION_WINDOW rule of its election type."""
    on = on or timezone.localdate()
    rule = DeadlineRule.for_clock("COMPLETION_WINDOW", report.election.election_type, on)
    return deadlines.rule_add_days(rule, on, region_code=report.region_code) if rule else None


def report_request_info(*, actor, report: Report, question: str, due_on=None) -> InfoRequest:
    """Outcome «incomplete»: the reporter is asked to complete the report by a date (by default the rule's)."""
    _require_intake(actor, report)
    due_on = due_on or completion_due(report)
    if due_on is None:
        raise ValidationError({"due_on": _("Tidak ada aturan batas melengkapi yang berlaku; isi batas waktunya.")})
    with transaction.atomic():
        report = _locked_report(report, ReportStatus.checkable(), _("minta kelengkapan"))
        if report.anonymity == Anonymity.ANONYMOUS or not report.pin_hash:
            raise InvalidReportTransition(_("Pelapor tidak dapat dihubungi untuk melengkapi laporan."))
        info = InfoRequest.objects.create(report=report, question=question, due_on=due_on, asked_by=actor)
        _decided(report, actor)
        _set_status(report, ReportStatus.INCOMPLETE, actor=actor, code="report.checked.incomplete", note=question,
                    payload={"info_request": info.pk, "due_on": due_on.isoformat()},
                    fields=("checked_at", "checked_by", "decision_reason"))
        with system_language():
            _mail_reporter(report, _("Laporan Anda perlu dilengkapi"), _(
                "Bawaslu meminta Anda melengkapi laporan paling lambat %(due)s:\n\n%(q)s\n\n"
                "Jawab melalui halaman pelacakan dengan kode dan PIN Anda.") % {"due": due_on.strftime("%d-%m-%Y"), "q": question})
    return info


def report_mark_not_registrable(*, actor, report: Report, reason: str) -> Report:
    """Outcome «not registrable»: the reason is shown to the reporter (and e-mailed)."""
    _require_intake(actor, report)
    with transaction.atomic():
        report = _locked_report(report, ReportStatus.checkable(), _("tidak dapat diregistrasi"))
        _decided(report, actor, reason)
        _set_status(report, ReportStatus.NOT_REGISTRABLE, actor=actor, code="report.checked.not_registrable",
                    note=reason, fields=("checked_at", "checked_by", "decision_reason"))
        with system_language():
            _mail_reporter(report, _("Laporan Anda tidak dapat diregistrasi"),
                           _("Laporan Anda tidak dapat diregistrasi.\nAlasan: %(r)s") % {"r": reason})
    return report


def report_mark_lead(*, actor, report: Report, reason: str = "") -> Report:
    """Outcome «lead»: kept as information Bawaslu may pursue as its own finding."""
    _require_intake(actor, report)
    with transaction.atomic():
        report = _locked_report(report, ReportStatus.checkable(), _("jadikan informasi awal"))
        report.kind = ReportKind.LEAD
        _decided(report, actor, reason)
        _set_status(report, ReportStatus.LEAD, actor=actor, code="report.checked.lead", note=reason,
                    fields=("kind", "checked_at", "checked_by", "decision_reason"))
    return report


def report_set_respondent_agency(*, actor, report: Report, agency) -> Report:
    """The officer picks the respondent's agency from the list (the reporter may have typed a free name)."""
    _require_intake(actor, report)
    with transaction.atomic():
        report = _locked_report(report, ReportStatus.checkable(), _("ubah instansi terlapor"))
        before = report.respondent_agency_name
        report.respondent_agency = agency
        report.save(update_fields=["respondent_agency", "updated_at"])
        event_record(report=report, code="report.respondent.agency_set", actor=actor,
                     payload={"from": before, "to": agency.code})
    return report


def _respondent_entry(report: Report) -> dict:
    return {"nip": report.respondent_nip or None, "name": report.respondent_name,
            "position": report.respondent_position, "agency": report.respondent_agency}


def _search_text(report: Report) -> str:
    return " ".join(filter(None, [report.tracking_code, report.respondent_name, report.respondent_nip,
                                  report.respondent_agency_name, report.place, report.description]))


def report_register(*, actor, report: Report, case: Case | None = None) -> Case:
    """Outcome «registered»: open a case (clocks start) or add this report to an existing one."""
    _require_intake(actor, report)
    with transaction.atomic():
        report = _locked_report(report, ReportStatus.checkable(), _("registrasi"))
        if report.anonymity == Anonymity.ANONYMOUS:
            raise InvalidReportTransition(_("Laporan anonim tidak dapat diregistrasi; jadikan temuan bila perlu."))
        if report.respondent_agency_id is None:
            raise InvalidReportTransition(_("Pilih instansi terlapor dari daftar sebelum registrasi."))
        if case is None:
            case = workflow.case_open(
                actor=actor, election=report.election, stage=report.stage, region=report.region, title=_title(report),
                description=report.description, occurred_on=report.occurred_on, place=report.place,
                is_finding=report.kind == ReportKind.TEMUAN, social_media=bool(report.link_list),
                respondents=[_respondent_entry(report)], bawaslu_office=_office(actor),
                received_at=report.received_at, search_text=_search_text(report))
            case = _owner_is_registrar(actor, case)
        else:
            _attach_to_case(actor, report, case)
        report.case = case
        _decided(report, actor)
        _set_status(report, ReportStatus.REGISTERED, actor=actor, code="report.registered",
                    payload={"case": case.pk, "case_number": case.number},
                    fields=("case", "checked_at", "checked_by", "decision_reason"))
        with system_language():
            _mail_reporter(report, _("Laporan Anda telah diregistrasi"),
                           _("Laporan Anda telah diregistrasi dan sedang ditangani Bawaslu."))
    return case


def report_forward(*, actor, report: Report, conclusion: str) -> Case:
    """Outcome «forwarded»: straight to the supervisory body after the initial review, without registration
    (Perbawaslu 7/2022 Pasal 22). A case is opened unregistered and forwarded in the same transaction."""
    _require_intake(actor, report)
    if not (conclusion or "").strip():
        raise ValidationError({"reason": _("Tuliskan kesimpulan kajian awal: dasar penerusan tanpa registrasi.")})
    with transaction.atomic():
        report = _locked_report(report, ReportStatus.checkable(), _("teruskan tanpa registrasi"))
        if report.anonymity == Anonymity.ANONYMOUS:
            raise InvalidReportTransition(_("Laporan anonim tidak dapat diteruskan; jadikan temuan bila perlu."))
        if report.respondent_agency_id is None:
            raise InvalidReportTransition(_("Pilih instansi terlapor dari daftar sebelum meneruskan."))
        case = workflow.case_open(
            actor=actor, election=report.election, stage=report.stage, region=report.region, title=_title(report),
            description=report.description, occurred_on=report.occurred_on, place=report.place,
            is_finding=report.kind == ReportKind.TEMUAN, social_media=bool(report.link_list),
            respondents=[_respondent_entry(report)], bawaslu_office=_office(actor), register=False,
            received_at=report.received_at, search_text=_search_text(report))
        case = workflow.case_forward(actor=actor, case=case, conclusion=conclusion.strip())
        report.case = case
        _decided(report, actor, conclusion.strip())
        _set_status(report, ReportStatus.FORWARDED, actor=actor, code="report.forwarded", note=conclusion.strip(),
                    payload={"case": case.pk, "case_number": case.number, "registered": False},
                    fields=("case", "checked_at", "checked_by", "decision_reason"))
        with system_language():
            _mail_reporter(report, _("Laporan Anda diteruskan kepada lembaga pengawas ASN"), _(
                "Setelah kajian awal, Bawaslu meneruskan laporan Anda kepada lembaga pengawas ASN tanpa registrasi "
                "(Perbawaslu 7/2022 Pasal 22). Ikuti perkembangannya di halaman pelacakan."))
    return case


def report_decide(*, actor, report: Report, outcome: str, data: dict):
    """The outcome of the initial review, one door for the web form and the API (fields as CheckForm cleans
    them). Returns the case, the info request, or the report the outcome produced."""
    if outcome == CheckOutcome.REGISTER:
        if data.get("respondent_agency") and data["respondent_agency"] != report.respondent_agency:
            report_set_respondent_agency(actor=actor, report=report, agency=data["respondent_agency"])
        return report_register(actor=actor, report=report, case=data.get("case"))
    if outcome == CheckOutcome.FORWARD:
        if data.get("respondent_agency") and data["respondent_agency"] != report.respondent_agency:
            report_set_respondent_agency(actor=actor, report=report, agency=data["respondent_agency"])
        return report_forward(actor=actor, report=report, conclusion=data.get("reason", ""))
    if outcome == CheckOutcome.INCOMPLETE:
        return report_request_info(actor=actor, report=report, question=data["question"], due_on=data.get("due_on"))
    if outcome == CheckOutcome.NOT_REGISTRABLE:
        return report_mark_not_registrable(actor=actor, report=report, reason=data["reason"])
    if outcome == CheckOutcome.MERGE:
        return report_merge(actor=actor, report=report, into=data["into_report"])
    return report_mark_lead(actor=actor, report=report, reason=data.get("reason", ""))


def _owner_is_registrar(actor, case: Case) -> Case:
    """The Bawaslu officer who registers a new case owns it ('Perkara saya'), through the audited assignment."""
    if case.bawaslu_owner_id or not actor.has_role(Role.BAWASLU):
        return case
    try:
        return workflow.case_assign(actor=actor, case=case, officer=actor)
    except (ValidationError, PermissionDenied, workflow.InvalidTransition, workflow.ActionNotAllowed):
        return case  # an officer outside the case's region registers it without owning it


def _title(report: Report) -> str:
    agency = report.respondent_agency_name
    return (_("Dugaan pelanggaran netralitas ASN oleh %(name)s") % {"name": report.respondent_name}
            + (f" ({agency})" if agency else ""))[:300]


def _office(actor):
    return actor.agency if actor.agency_id and actor.agency.kind == "bawaslu_office" else None


def _attach_to_case(actor, report: Report, case: Case) -> None:
    entry = _respondent_entry(report)
    nip = entry["nip"]
    already = case.tracks.filter(respondent__nip=nip).exists() if nip else case.tracks.filter(
        respondent__name__iexact=entry["name"], agency=entry["agency"]).exists()
    if not already:
        workflow.case_add_respondent(actor=actor, case=case, **entry)
    workflow.case_append_search_text(case, _search_text(report))


def report_merge(*, actor, report: Report, into: Report) -> Report:
    """A duplicate joins another report; its reporter keeps tracking and sees the primary's stage."""
    _require_intake(actor, report)
    _require_intake(actor, into)
    primary = into.primary()
    if primary.pk == report.pk:
        raise InvalidReportTransition(_("Laporan tidak dapat digabung ke dirinya sendiri."))
    with transaction.atomic():
        report = _locked_report(report, ReportStatus.checkable() | {ReportStatus.LEAD}, _("gabungkan"))
        report.merged_into = primary
        _decided(report, actor)
        _set_status(report, ReportStatus.MERGED, actor=actor, code="report.merged",
                    payload={"into": primary.pk, "into_code": primary.tracking_code},
                    fields=("merged_into", "checked_at", "checked_by", "decision_reason"))
        event_record(report=primary, code="report.merge.received", actor=actor, payload={"from": report.pk})
    return primary


def report_convert_to_finding(*, actor, report: Report) -> Report:
    """Bawaslu declares a lead as its own finding: a new temuan carrying the facts, never the reporter."""
    _require_intake(actor, report)
    with transaction.atomic():
        lead = _locked_report(report, {ReportStatus.LEAD}, _("jadikan temuan"))
        fields = {name: getattr(lead, name) for name in REPORT_FIELDS}
        fields["known_on"] = timezone.localdate()  # Bawaslu's own discovery starts the finding window
        finding = report_submit(fields=fields, anonymity=Anonymity.NAMED, pin=None, actor=actor,
                                channel=Channel.FINDING, kind=ReportKind.TEMUAN)
        # Only the lead records the link; the finding carries no path back to any reporter.
        event_record(report=lead, code="report.lead.converted", actor=actor, payload={"finding": finding.pk})
    return finding


# --- completion window lapsed (domain §3, step 2a: not completed → not registered) -------------------------------

def lapse_incomplete_reports(today=None) -> int:
    """Reports still «incomplete» the day after the completion date of every open request become «not
    registrable», recorded as the system's act with the date, and the reporter is told why. Returns the count."""
    today = today or timezone.localdate()
    candidates = (InfoRequest.objects.filter(status=InfoRequestStatus.OPEN, due_on__lt=today,
                                             report__status=ReportStatus.INCOMPLETE)
                  .values_list("report_id", flat=True).distinct())
    lapsed = 0
    for report_id in list(candidates):
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=report_id)
            open_requests = list(report.info_requests.select_for_update().filter(status=InfoRequestStatus.OPEN))
            if report.status != ReportStatus.INCOMPLETE or not open_requests \
                    or any(r.due_on >= today for r in open_requests):
                continue  # answered or re-asked meanwhile, or another request is still within its window
            due = max(r.due_on for r in open_requests)
            InfoRequest.objects.filter(pk__in=[r.pk for r in open_requests]).update(status=InfoRequestStatus.LAPSED)
            reason = _("Laporan tidak dilengkapi sampai batas waktu %(due)s.") % {"due": due.strftime("%d-%m-%Y")}
            report.checked_at, report.decision_reason = timezone.now(), reason
            _set_status(report, ReportStatus.NOT_REGISTRABLE, actor=None, code="report.incomplete.lapsed",
                        note=reason, payload={"due_on": due.isoformat(), "info_requests": [r.pk for r in open_requests]},
                        fields=("checked_at", "decision_reason"))
            with system_language():
                _mail_reporter(report, _("Laporan Anda tidak dapat diregistrasi"), _(
                    "Laporan Anda tidak dapat diregistrasi karena tidak dilengkapi sampai batas waktu %(due)s.\n"
                    "Anda dapat menyampaikan laporan baru bila pelanggaran masih dalam batas waktu pelaporan.")
                    % {"due": due.strftime("%d-%m-%Y")})
            lapsed += 1
    return lapsed


# --- intake clocks (reports.clocks reads them; this records an overdue review once) ----------------------------

OVERDUE_EVENT = "report.clock.overdue"


def sweep_report_clocks(today: dt.date | None = None) -> int:
    """Record and notify, once each, the waiting reports whose initial review is overdue. Returns the count."""
    today = today or timezone.localdate()
    waiting = (Report.objects.filter(status__in=[ReportStatus.SUBMITTED, ReportStatus.FORMAL_CHECK],
                                     received_at__date__lt=today)
               .exclude(events__code=OVERDUE_EVENT).select_related("election", "region").order_by("id"))
    done = 0
    for report in clocks.with_review_clocks(waiting, today=today):
        if report.review_clock and report.review_clock.badge == "overdue":
            done += _mark_overdue(report.pk, today)
    return done


def _covering_regions(code: str) -> list[str]:
    """The region codes whose officers cover `code`: national, the province, the regency itself."""
    parts = code.split(".")
    return ["00", *(".".join(parts[:i]) for i in range(1, len(parts) + 1))]


def _mark_overdue(report_id: int, today: dt.date) -> int:
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("election", "region").get(
            pk=report_id)
        clock = clocks.review_clock(report, today=today)
        if clock is None or clock.badge != "overdue" or report.events.filter(code=OVERDUE_EVENT).exists():
            return 0
        event_record(report=report, code=OVERDUE_EVENT, payload={
            "clock": clock.code, "due": clock.due_on.isoformat(), "legal_basis": clock.legal_basis})
        officers = users_with_role(Role.BAWASLU, region__code__in=_covering_regions(report.region_code))
        notify(users=officers, case=None, kind="clock_overdue", dedupe=f"report{report.pk}:review_overdue",
               message=gettext_lazy("Kajian awal laporan %(code)s melewati batas %(due)s (%(basis)s)."),
               params={"code": report.tracking_code_display, "due": clock.due_on.strftime("%d-%m-%Y"),
                       "basis": clock.legal_basis})
    return 1
