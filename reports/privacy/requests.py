"""Requests of the people concerned (UU 27/2022): a reporter withdraws consent, or asks to restrict or delete their
identity (tracking page, code + PIN); an officer records a respondent's request to see their data. Each request
runs a clock from its DeadlineRule row (3 x 24 hours, legal basis on the row), is listed on the responsible
officers' home, is recorded in the privacy trail, and its outcome is sent to the requester."""
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import deadlines
from cases.models import DayUnit, DeadlineRule, Outbox, Respondent, Role, User
from cases.nip import parse_nip
from cases.services import notify, users_with_role
from reports import services as report_services
from reports.models import Anonymity, Report
from reports.privacy.models import REQUEST_CLOCKS, PrivacyEvent, PrivacyRequest, RequestKind, RequestStatus
from reports.privacy.retention import anonymise_reporters
from reports.privacy.services import privacy_event


class WrongPin(Exception):
    """The PIN typed with a request is not the report's: nothing is recorded."""


class RequestConflict(Exception):
    """The request cannot be taken in this state (one of the same kind is open, or it was already answered)."""


def request_due(rule: DeadlineRule | None, received_at: dt.datetime) -> dt.datetime | None:
    """The end of the request's clock: hours counted from the moment received; days by the working calendar."""
    if rule is None:
        return None
    if rule.unit == DayUnit.HOURS:
        return received_at + dt.timedelta(hours=rule.length)
    day = deadlines.rule_add_days(rule, timezone.localdate(received_at))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _open(*, kind, report=None, respondent=None, actor=None, note="", reply_to="", agency=None) -> PrivacyRequest:
    now = timezone.now()
    rule = DeadlineRule.for_clock(REQUEST_CLOCKS[kind], "any", timezone.localdate(now))
    request = PrivacyRequest.objects.create(
        kind=kind, report=report, respondent=respondent, agency=agency, note=note, reply_to=reply_to,
        received_at=now, rule=rule, due_at=request_due(rule, now), recorded_by=actor)
    privacy_event(code="privacy.request.received", actor=actor, subject=f"request:{request.pk}", payload={
        "kind": kind, "report": getattr(report, "pk", None), "respondent": getattr(respondent, "pk", None),
        "due_at": request.due_at, "legal_basis": rule.legal_basis if rule else ""})
    return request


def reporter_request(*, report: Report, kind: str, pin: str, note: str = "") -> PrivacyRequest:
    """A reporter's request from the tracking page, confirmed with the PIN again (a wrong PIN records nothing but
    counts towards the tracking lock-out like any wrong PIN)."""
    if kind not in (RequestKind.WITHDRAW_CONSENT, RequestKind.RESTRICT, RequestKind.DELETE_IDENTITY):
        raise ValidationError({"kind": _("Pilih salah satu permintaan yang tersedia.")})
    if report_services.report_authenticate(code=report.tracking_code, pin=pin) is None:
        raise WrongPin()
    with transaction.atomic():
        Report.objects.select_for_update().get(pk=report.pk)
        if PrivacyRequest.objects.filter(report=report, kind=kind, status=RequestStatus.OPEN).exists():
            raise RequestConflict(_("Permintaan yang sama masih diproses; jawabannya tampil di halaman ini."))
        request = _open(kind=kind, report=report, note=note)
        notify(users=_responsible_for_report(report), case=report.case, kind="privacy.request",
               message=gettext_lazy("Permintaan data pribadi pelapor %(code)s: %(kind)s; jawab dalam 3 x 24 jam"),
               params={"code": report.tracking_code_display, "kind": request.get_kind_display()})
    return request


def respondent_request(*, actor, nip: str, note: str = "", reply_to: str = "") -> PrivacyRequest:
    """A respondent's request to see their data, recorded by an officer of the agency that received it, with the
    e-mail address the outcome is sent to."""
    if not (reply_to or "").strip():
        raise ValidationError({"reply_to": _("Isian «E-mail» wajib diisi: jawaban atas permintaan dikirim ke alamat "
                                             "ini.")})
    try:
        parsed = parse_nip(nip)
    except ValidationError as err:
        raise ValidationError({"nip": err.messages}) from None
    respondent = Respondent.objects.filter(nip=parsed.nip).first()
    if respondent is None:
        raise ValidationError({"nip": _("NIP %(nip)s tidak tercatat sebagai terlapor.") % {"nip": parsed.display}})
    with transaction.atomic():
        return _open(kind=RequestKind.ACCESS, respondent=respondent, actor=actor, note=note, reply_to=reply_to,
                     agency=actor.agency)


def request_answer(*, actor, request: PrivacyRequest, status: str, outcome: str) -> PrivacyRequest:
    """Record the outcome and send it to the requester. Fulfilling a withdrawal of consent or a deletion removes
    the reporter's identity (reports, events, numbers and hashes stay); fulfilling a restriction makes a named
    identity confidential."""
    if status not in (RequestStatus.DONE, RequestStatus.REFUSED):
        raise ValidationError({"status": _("Pilih hasil: dipenuhi atau ditolak.")})
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Tulis jawaban yang dikirim kepada pemohon.")})
    with transaction.atomic():
        request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.OPEN:
            raise RequestConflict(_("Permintaan ini sudah dijawab."))
        request.status, request.outcome = status, outcome.strip()
        request.handled_by, request.handled_at = actor, timezone.now()
        request.save(update_fields=["status", "outcome", "handled_by", "handled_at"])
        _send_outcome(request)  # first: the e-mail address may be what is removed next
        removed = restricted = 0
        if status == RequestStatus.DONE and request.kind in (RequestKind.WITHDRAW_CONSENT, RequestKind.DELETE_IDENTITY):
            removed = anonymise_reporters([request.report_id])
        elif status == RequestStatus.DONE and request.kind == RequestKind.RESTRICT:
            restricted = _restrict_identity(actor=actor, request=request)
        privacy_event(code=f"privacy.request.{status}", actor=actor, subject=f"request:{request.pk}", payload={
            "kind": request.kind, "late": request.handled_at > request.due_at if request.due_at else None,
            "identity_removed": bool(removed), "identity_restricted": bool(restricted)})
    return request


def _restrict_identity(*, actor, request: PrivacyRequest) -> int:
    """A restriction granted: a named reporter's identity becomes confidential, so only the officers who must
    handle it (cases.view_reporter_identity) see it, each view recorded and counted on their tracking page; the
    identity itself is kept. Already confidential: nothing further to restrict. Returns 1 when it changed."""
    changed = Report.objects.filter(pk=request.report_id, anonymity=Anonymity.NAMED).update(
        anonymity=Anonymity.CONFIDENTIAL)
    if changed:
        report_services.event_record(report=Report.objects.get(pk=request.report_id), code="report.identity.restricted",
                                     actor=actor, payload={"request": request.pk, "from": Anonymity.NAMED,
                                                           "to": Anonymity.CONFIDENTIAL})
    return changed


def _send_outcome(request: PrivacyRequest) -> None:
    """The reporter reads it on the tracking page (and by e-mail if they left one, before any removal); a
    respondent by the e-mail recorded with the request."""
    subject = _("Jawaban atas permintaan data pribadi Anda: %(kind)s") % {"kind": request.get_kind_display()}
    body = f"{request.get_status_display()}.\n\n{request.outcome}"
    if request.report_id:
        report_services.mail_reporter(request.report, subject, body)
    elif request.reply_to:
        Outbox.objects.create(to=request.reply_to, subject=subject[:300], body=body)


OVERDUE_EVENT = "privacy.request.overdue"


def sweep_overdue_requests(now: dt.datetime | None = None) -> int:
    """Record and notify, once each, the open requests whose 3 x 24-hour clock has run out: the officers who
    answer for it (those whose home lists it) are told, the privacy trail records it with the legal basis. Safe
    to run twice (beat: every 15 minutes, with the other clock sweeps). Returns how many were marked."""
    now = now or timezone.now()
    due = PrivacyRequest.objects.filter(status=RequestStatus.OPEN, due_at__lt=now).values_list("pk", flat=True)
    return sum(_mark_overdue(pk, now) for pk in due)


def _mark_overdue(pk: int, now: dt.datetime) -> int:
    with transaction.atomic():
        request = (PrivacyRequest.objects.select_for_update(of=("self",)).select_related("report", "respondent", "rule")
                   .get(pk=pk))
        subject = f"request:{request.pk}"
        if request.status != RequestStatus.OPEN or PrivacyEvent.objects.filter(code=OVERDUE_EVENT, subject=subject).exists():
            return 0
        basis = request.rule.legal_basis if request.rule_id else ""
        privacy_event(code=OVERDUE_EVENT, subject=subject, payload={
            "kind": request.kind, "due_at": request.due_at, "legal_basis": basis})
        who = (request.report.tracking_code_display if request.report_id
               else request.respondent.nip or f"respondent:{request.respondent_id}")
        notify(users=_responsible_for(request), case=getattr(request.report, "case", None), kind="clock_overdue",
               dedupe=f"privacy{request.pk}:overdue",
               message=gettext_lazy("Permintaan data pribadi %(who)s (%(kind)s) melewati batas 3 x 24 jam pada %(due)s "
                                    "(%(basis)s); jawab segera."),
               params={"who": who, "kind": request.get_kind_display(), "basis": basis,
                       "due": timezone.localtime(request.due_at).strftime("%d-%m-%Y %H:%M")})
    return 1


def _responsible_for(request: PrivacyRequest):
    """Who answers a request (the officers whose home lists it: reports.privacy.selectors.requests_for)."""
    if request.report_id:
        return _responsible_for_report(request.report)
    recorders = [u for u in User.objects.filter(is_active=True, agency_id=request.agency_id)
                 if u.has_perm("privacy.record_request")] if request.agency_id else []
    return {*recorders, *users_with_role(Role.ADMIN)}


def _responsible_for_report(report: Report):
    """The Bawaslu officers of the report's region and above (their intake scope), and administrators."""
    code = report.region_code
    prefixes = {code[:i] for i in range(2, len(code) + 1) if i == len(code) or code[i] == "."}
    regions = Q(region__code__in=prefixes) | Q(region__code="00")
    return (users_with_role(Role.BAWASLU).filter(regions) | users_with_role(Role.ADMIN)).distinct()


def reporter_may_ask(report: Report) -> bool:
    """Only a reporter who left an identity has one to withdraw, restrict or delete."""
    return report.anonymity != Anonymity.ANONYMOUS and hasattr(report, "reporter")
