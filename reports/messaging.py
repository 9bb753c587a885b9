"""Two-way messages between a reporter (code + PIN, anonymous included) and the officers handling the report.

Officers write from the report or case page, the reporter from the tracking page. A message is part of the audit
(a report event, and a case event once the report belongs to a case), is scoped like the report or its case, and
notifies the other side: the officers' bell, and the reporter by e-mail where they left one (without the text:
the tracking page is where it is read). A completion request is a message with a date; the reporter's next reply
answers it.
"""
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import CaseStatus, Role
from cases.selectors import cases_visible_to
from cases.services import event_record as case_event_record
from cases.services import notify, responsible_users, system_language, users_with_role
from reports import services
from reports.evidence import StoredFile
from reports.models import (
    Anonymity,
    InfoRequest,
    InfoRequestStatus,
    MessageDirection,
    Report,
    ReportMessage,
    ReportStatus,
)
from reports.selectors import reports_visible_to
from reports.tracking import report_finished

WRITE_PERM, READ_PERM = "reports.message_reporter", "reports.read_reporter_messages"  # rules in cases.permissions

# Case statuses in which Bawaslu holds the case; in the others the supervisory body does.
BAWASLU_STATUSES = {CaseStatus.RECEIVED, CaseStatus.REGISTERED, CaseStatus.UNDER_EXAMINATION, CaseStatus.DISMISSED}


class MessageRefused(Exception):
    """A message that cannot be sent in the report's state (views answer 409 with this text)."""


# --- scope ----------------------------------------------------------------------------------------------------

def case_of(report: Report):
    """The case the reporter's report is handled in (through a merge), or None."""
    primary = report.primary()
    return primary.case if primary.case_id and primary.status in ReportStatus.with_case() else None


def report_for_messaging(user, pk) -> Report:
    """A report whose conversation this officer may read: the case's scope once there is a case, the intake scope
    before; 404 otherwise (the officer may not know it exists)."""
    report = Report.objects.select_related("case", "merged_into", "region").filter(pk=pk).first()
    if report is None or not user.has_perm(READ_PERM):
        raise Http404
    case = case_of(report)
    visible = (cases_visible_to(user).filter(pk=case.pk).exists() if case is not None
               else reports_visible_to(user).filter(pk=report.pk).exists())
    if not visible:
        raise Http404
    return report


def conversation(report: Report):
    """The messages of one report, oldest first, with their attachments and completion requests."""
    return (report.messages.select_related("author", "author_agency", "info_request")
            .prefetch_related("attachments").order_by("created_at", "id"))


def open_request(report: Report) -> InfoRequest | None:
    return report.info_requests.filter(status=InfoRequestStatus.OPEN).order_by("due_on", "id").first()


def contactable(report: Report) -> bool:
    """Only a reporter holding a tracking PIN can read a message."""
    return bool(report.pin_hash)


# --- writes ---------------------------------------------------------------------------------------------------

def message_to_reporter(*, actor, report: Report, body: str, stored: list[StoredFile] = (), due_on=None) -> ReportMessage:
    """An officer writes to the reporter; with `due_on` the message is a completion request to answer by that date."""
    report = report_for_messaging(actor, report.pk)
    if not actor.has_perm(WRITE_PERM):
        raise PermissionDenied
    if not contactable(report):
        raise MessageRefused(_("Pelapor tidak mempunyai PIN pelacakan, sehingga tidak dapat menerima pesan."))
    # A completion request before the check's outcome e-mails its own notice (report_request_info).
    mailed = bool(due_on) and report.status in ReportStatus.checkable() and report.anonymity != Anonymity.ANONYMOUS
    with transaction.atomic():
        info = _completion_request(actor, report, body, due_on) if due_on else None
        message = ReportMessage.objects.create(report=report, direction=MessageDirection.TO_REPORTER, body=body,
                                               author=actor, author_agency_id=actor.agency_id, info_request=info)
        _attach(message, stored, actor)
        _audit(message, actor, "sent")
        if not mailed:
            with system_language():
                services.mail_reporter(report, _("Pesan baru tentang laporan Anda"), _(
                    "Ada pesan baru dari %(agency)s tentang laporan Anda. Baca dan balas di halaman pelacakan "
                    "dengan kode pelacakan dan PIN Anda.") % {"agency": _agency_name(message)})
    return message


def message_from_reporter(*, report: Report, body: str, stored: list[StoredFile] = ()) -> ReportMessage:
    """The reporter writes (tracking page); the reply answers the open completion request, if there is one."""
    if stored and report_finished(report):
        raise MessageRefused(_("Penanganan laporan sudah selesai; lampiran tidak dapat ditambahkan lagi."))
    with transaction.atomic():
        info = open_request(report)
        if info is not None:
            services.info_request_answer(report=report, info_request=info, answer=body)
        message = ReportMessage.objects.create(report=report, direction=MessageDirection.FROM_REPORTER, body=body,
                                               info_request=info)
        _attach(message, stored, None)
        _audit(message, None, "received")
        _notify_officers(message)
    return message


def _completion_request(actor, report: Report, question: str, due_on) -> InfoRequest:
    """Before the check's outcome, a named reporter's request makes the report «incomplete» (and may lapse); an
    anonymous reporter, or one whose report is past the check, is asked without changing the report's status."""
    if due_on < timezone.localdate():
        raise MessageRefused(_("Batas waktu kelengkapan tidak boleh sebelum hari ini."))
    if report.status in ReportStatus.checkable() and report.anonymity != Anonymity.ANONYMOUS:
        return services.report_request_info(actor=actor, report=report, question=question, due_on=due_on)
    info = InfoRequest.objects.create(report=report, question=question, due_on=due_on, asked_by=actor)
    services.event_record(report=report, code="report.info.requested", actor=actor,
                          payload={"info_request": info.pk, "due_on": due_on.isoformat()})
    return info


def _attach(message: ReportMessage, stored, actor) -> None:
    for item in stored:
        message.attachments.add(services.evidence_store(report=message.report, stored=item, actor=actor))


def _audit(message: ReportMessage, actor, verb: str) -> None:
    payload = {"message": message.pk, "attachments": [e.sha256 for e in message.attachments.all()],
               "info_request": message.info_request_id}
    services.event_record(report=message.report, code=f"report.message.{verb}", actor=actor, payload=payload)
    case = case_of(message.report)
    if case is not None:
        case_event_record(case=case, code=f"case.message.{verb}", actor=actor,
                          payload={**payload, "report": message.report_id})


def _agency_name(message: ReportMessage) -> str:
    return message.author_agency.name if message.author_agency_id else _("Petugas")


def _notify_officers(message: ReportMessage) -> None:
    """The officers who wrote in this conversation and those holding the report or case now."""
    report = message.report
    case = case_of(report)
    writers = set(report.messages.filter(direction=MessageDirection.TO_REPORTER).values_list("author_id", flat=True))
    holders = Q(pk__in=writers)
    if case is not None:
        party = "bawaslu" if case.status in BAWASLU_STATUSES else "supervisor"
        holders |= Q(pk__in=responsible_users(case, party).values("pk"))
    elif report.checked_by_id:
        holders |= Q(pk=report.checked_by_id)
    else:
        holders |= Q(pk__in=users_with_role(Role.BAWASLU, region_id=report.region_id).values("pk"))
    users = get_user_model().objects.filter(holders, is_active=True).distinct()
    notify(users=users, case=case, kind="reporter_message", dedupe=f"msg:{message.pk}",
           message=gettext_lazy("Pesan baru dari pelapor laporan %(code)s"),
           params={"code": report.tracking_code_display})

