"""Letters to reporters: a receipt when a report is submitted; a status notice when it is registered, found not
registrable (with the reason) or forwarded; a completion request when it is incomplete; a closing notice (the
outcome) when its case ends.

Receipts go through an outbox: report_submit sets Report.receipt_due in the submitting transaction, and a worker
run (queued at most once a second per web process, and by the beat every minute) issues the due receipts.

Lives on the reports side because cases never imports reports. The reporter's identity is printed only for
reports filed with identity; confidential and anonymous reports get letters that name no one.
"""
import logging
import threading
import time

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from cases.letters.context import bawaslu_agency, bawaslu_for_region, nip_display, supervisory_agency
from cases.letters.dates import format_tanggal
from cases.letters.issue import letter_issue
from cases.models import CaseStatus, Letter, LetterKind, Role
from cases.services import register_event_hook
from reports import services
from reports.models import Anonymity, InfoRequest, Report

log = logging.getLogger(__name__)

# The outcome each closing status records; a reason is added only as the closing event recorded it.
OUTCOMES = {
    CaseStatus.CLOSED_SANCTIONED: "Pejabat Pembina Kepegawaian telah menyampaikan keputusan penjatuhan sanksi atas "
                                  "terlapor yang terbukti melakukan pelanggaran netralitas Pegawai ASN.",
    CaseStatus.CLOSED_NOT_PROVEN: "berdasarkan hasil pemeriksaan lembaga pengawas, dugaan pelanggaran netralitas "
                                  "Pegawai ASN dinyatakan tidak terbukti.",
    CaseStatus.DISMISSED: "penanganan dihentikan oleh Bawaslu",
    CaseStatus.CLOSED_OTHER: "penanganan perkara ditutup",
}
REASON_SHOWN = {CaseStatus.DISMISSED, CaseStatus.CLOSED_OTHER}


def outcome_text(event) -> str:
    text = OUTCOMES.get(event.to_status, OUTCOMES[CaseStatus.CLOSED_OTHER])
    if event.to_status in REASON_SHOWN or event.to_status not in OUTCOMES:
        reason = (event.reason or "").strip().rstrip(".")
        return f"{text} dengan alasan: {reason}." if reason else f"{text}."
    return text


def reporter_context(report: Report) -> dict:
    """Addressee and reporter block: a name only when the reporter filed with identity."""
    reporter = getattr(report, "reporter", None) if report.anonymity == Anonymity.NAMED else None
    if reporter is not None:
        addressee = {"position": f"Sdr. {reporter.name}", "place": reporter.address}
        name = reporter.name
    elif report.anonymity == Anonymity.CONFIDENTIAL:
        addressee, name = {"position": "Pelapor (identitas dirahasiakan)"}, ""
    else:
        addressee, name = {"position": "Pemberi Informasi"}, ""
    return {"addressee": addressee, "reporter": {"name": name, "tracking_code": report.tracking_code_display}}


def receipt_context(report: Report) -> dict:
    evidence = list(report.evidence.all())
    named = report.anonymity == Anonymity.NAMED
    return {
        **reporter_context(report),
        "received_at": timezone.localtime(report.received_at), "time_zone": "WIB",
        "case": {"election": report.election.name, "region": report.region.name},
        "respondents": [{"name": report.respondent_name, "nip": nip_display(report.respondent_nip),
                         "position": report.respondent_position, "agency": report.respondent_agency_name,
                         "violations": []}],
        # File names can carry the reporter's name: only identified reporters see theirs.
        "evidence": [e.original_name if named else f"Berkas bukti {i} ({e.content_type})"
                     for i, e in enumerate(evidence, 1)],
    }


def receipt_issue(report: Report) -> Letter | None:
    """The receipt for a submitted report (once per report), recorded in the report's own trail."""
    ref = f"report:{report.pk}"
    if Letter.objects.filter(kind=LetterKind.RECEIPT, subject_ref=ref).exists():
        return None
    report = Report.objects.select_related("election", "region", "respondent_agency").get(pk=report.pk)
    letter = letter_issue(actor=report.recorded_by, kind=LetterKind.RECEIPT, agency=bawaslu_for_region(report.region_code),
                          extra=receipt_context(report), subject_ref=ref, on=timezone.localdate(report.received_at))
    services.event_record(report=report, code="letter.issued", actor=report.recorded_by,
                          payload={"letter": letter.pk, "kind": letter.kind, "number": letter.number, "sha256": letter.sha256})
    return letter


@shared_task(acks_late=True, name="reports.letters.receipt_issue_task")
def receipt_issue_task(report_id):
    """Kept for messages queued before the receipt outbox; issues one report's receipt."""
    report = Report.objects.filter(pk=report_id).first()
    letter = receipt_issue(report) if report else None
    if report:
        Report.objects.filter(pk=report.pk, receipt_due=True).update(receipt_due=False)
    return letter.number if letter else None


def _issue_due_receipt(report_id) -> bool:
    """One report's receipt and its outbox flag, in one transaction; a report another worker holds is skipped."""
    with transaction.atomic():
        report = Report.objects.select_for_update(skip_locked=True).filter(pk=report_id, receipt_due=True).first()
        if report is None:
            return False
        receipt_issue(report)  # issues nothing when the receipt already exists
        Report.objects.filter(pk=report_id).update(receipt_due=False)
    return True


def receipts_issue_due(limit: int = 500) -> int:
    """Issue the receipts still due (reports submitted since the last run), oldest first; returns the count.
    A receipt that fails to render keeps its flag and is tried again on the next run."""
    issued = 0
    due = list(Report.objects.filter(receipt_due=True).order_by("id").values_list("pk", flat=True)[:limit])
    for report_id in due:
        try:
            issued += _issue_due_receipt(report_id)
        except Exception:
            log.exception("receipt for report %s not issued; retried on the next run", report_id)
    return issued


@shared_task(acks_late=True, name="reports.letters.receipts_issue_due_task")
def receipts_issue_due_task():
    return receipts_issue_due()


# A submission asks a worker for the due receipts at most once per RECEIPT_BATCH_SECONDS per process: the task is
# queued to run that long after the first submission of the window, so every report of the window has committed
# before it reads the flags. The beat runs it as well (a lost message, a broker that was down).
RECEIPT_BATCH_SECONDS = 1.0
_batch_lock = threading.Lock()
_batch_window_ends = [0.0]


def on_report_submitted(report: Report) -> None:
    """After the report commits: make sure a receipt run is queued; without a broker, issue this receipt here."""
    if receipts_issue_due_task.app.conf.task_always_eager:  # tasks run in-process, at once: this receipt only
        _issue_due_receipt(report.pk)
        return
    now = time.monotonic()
    with _batch_lock:
        if now < _batch_window_ends[0]:
            return  # a run already queued starts after this commit
        _batch_window_ends[0] = now + RECEIPT_BATCH_SECONDS * 0.9  # margin against clock drift to the worker
    try:
        receipts_issue_due_task.apply_async(countdown=RECEIPT_BATCH_SECONDS, ignore_result=True)
    except Exception as exc:  # kombu/redis errors vary; the receipt must still be issued
        with _batch_lock:
            _batch_window_ends[0] = 0.0
        log.warning("receipt run not queued (%s); issuing inline", exc)
        _issue_due_receipt(report.pk)


def on_case_closed(event):
    """A closing notice (outcome only) to each reporter of the case who left an identity or a confidential one."""
    case = event.case
    for report in Report.objects.filter(case=case).exclude(anonymity=Anonymity.ANONYMOUS).select_related("reporter"):
        if not hasattr(report, "reporter"):
            continue
        ref = f"event:{event.pk}:r{report.pk}"
        if Letter.objects.filter(kind=LetterKind.CLOSING_NOTICE, subject_ref=ref).exists():
            continue
        extra = {**reporter_context(report), "outcome": outcome_text(event)}
        office = bawaslu_agency(case)
        # Bawaslu writes to its reporter; an officer of another agency who closed the case does not sign for it.
        actor = event.actor if office and event.actor_agency_id == office.pk else None
        letter_issue(actor=actor, kind=LetterKind.CLOSING_NOTICE, agency=office, case=case,
                     extra=extra, subject_ref=ref, on=timezone.localdate(event.at), upto=event.pk)


# --- status notices and completion requests ---------------------------------------------------------------------

def _reachable(report) -> bool:
    """A reporter who left an identity (named or confidential) can be written to; an anonymous one cannot."""
    return report.anonymity != Anonymity.ANONYMOUS and hasattr(report, "reporter")


def _issuer(actor, report):
    """The acting officer's Bawaslu office; the report's regional office when the system acted."""
    if actor is not None and actor.agency_id:
        return actor, actor.agency
    return None, bawaslu_for_region(report.region_code)


def _report_letter(report, kind, *, actor, at, ref, extra, case=None):
    if Letter.objects.filter(kind=kind, subject_ref=ref).exists():
        return None
    actor, agency = _issuer(actor, report)
    context = {**reporter_context(report), **extra, "case": {
        "number": case.number if case else "", "election": report.election.name, "region": report.region.name}}
    letter = letter_issue(actor=actor, kind=kind, agency=agency, case=case, extra=context, subject_ref=ref,
                          on=timezone.localdate(at))
    services.event_record(report=report, code="letter.issued", actor=actor,
                          payload={"letter": letter.pk, "kind": letter.kind, "number": letter.number,
                                   "sha256": letter.sha256})
    return letter


def _event_report(event):
    return Report.objects.select_related("election", "region", "reporter").get(pk=event.report_id)


def on_report_registered(event):
    report = _event_report(event)
    if _reachable(report):
        _report_letter(report, LetterKind.STATUS_NOTICE, actor=event.actor, at=event.at, ref=f"revent:{event.pk}",
                       extra={"status": "Teregistrasi", "status_date": timezone.localdate(event.at),
                              "case_number": event.payload.get("case_number", "")})


def on_report_not_registrable(event):
    report = _event_report(event)
    if _reachable(report):
        _report_letter(report, LetterKind.STATUS_NOTICE, actor=event.actor, at=event.at, ref=f"revent:{event.pk}",
                       extra={"status": "Tidak dapat diregistrasi", "status_date": timezone.localdate(event.at),
                              "status_reason": event.note})


def on_report_incomplete(event):
    report = _event_report(event)
    info = InfoRequest.objects.filter(pk=event.payload.get("info_request")).first()
    if info is None or not _reachable(report):
        return
    _report_letter(report, LetterKind.COMPLETION_REQUEST, actor=event.actor, at=event.at, ref=f"revent:{event.pk}",
                   extra={"missing_items": [info.question], "due_date": info.due_on})


def on_case_forwarded(event):
    """Each reachable reporter of the case hears that it went to the supervisory body, and on which date."""
    body = supervisory_agency(timezone.localdate(event.at))
    for report in Report.objects.filter(case=event.case).select_related("election", "region", "reporter"):
        if _reachable(report):
            reason = f"Laporan diteruskan kepada {body.name} pada tanggal {format_tanggal(timezone.localdate(event.at))}." \
                if body else ""
            _report_letter(report, LetterKind.STATUS_NOTICE, actor=event.actor, at=event.at,
                           ref=f"event:{event.pk}:r{report.pk}", case=event.case,
                           extra={"status": "Diteruskan kepada lembaga pengawas", "status_reason": reason,
                                  "status_date": timezone.localdate(event.at)})


def on_case_reopened(event):
    """Each reachable reporter hears that the case was reopened (issue #22): the status and the date only, never the
    internal reason; Bawaslu writes, whoever reopened it."""
    actor = event.actor if event.actor is not None and event.actor.has_role(Role.BAWASLU) else None
    for report in Report.objects.filter(case=event.case).select_related("election", "region", "reporter"):
        if _reachable(report):
            day = timezone.localdate(event.at)
            _report_letter(report, LetterKind.STATUS_NOTICE, actor=actor, at=event.at,
                           ref=f"event:{event.pk}:r{report.pk}", case=event.case,
                           extra={"status": "Dibuka kembali", "status_date": day,
                                  "status_reason": f"Penanganan laporan dilanjutkan sejak tanggal {format_tanggal(day)}."})


services.register_report_event_hook("report.registered", on_report_registered)
services.register_report_event_hook("report.checked.not_registrable", on_report_not_registrable)
services.register_report_event_hook("report.incomplete.lapsed", on_report_not_registrable)
services.register_report_event_hook("report.checked.incomplete", on_report_incomplete)
register_event_hook("case.forwarded", on_case_forwarded)
register_event_hook("case.reopened", on_case_reopened)

if on_report_submitted not in services.on_report_submitted_hooks:
    services.on_report_submitted_hooks.append(on_report_submitted)
register_event_hook("case.closed", on_case_closed)
register_event_hook("case.dismissed", on_case_closed)
