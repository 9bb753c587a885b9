"""What a reporter sees on the tracking page: one status headline, what happens next and by when, a dated timeline.

Everything here is read from the report's and its case's audit trail and clocks, in words a citizen understands.
The reporter never sees an officer's name, another reporter's data, or a respondent other than the one they named:
case events are shown by a whitelist of codes, worded without their payload, and only from the day this report
joined the case.
"""
import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import CaseStatus, ClockState, Letter, LetterKind
from reports.clocks import review_due
from reports.models import InfoRequestStatus, Report, ReportStatus

# --- the headline -------------------------------------------------------------------------------------------------

# (headline, explanation) per case status; the report's own status decides before a case exists.
CASE_HEADLINES = {
    CaseStatus.RECEIVED: (gettext_lazy("Kajian awal"), gettext_lazy(
        "Bawaslu sedang memeriksa syarat formal dan materiel laporan Anda.")),
    CaseStatus.REGISTERED: (gettext_lazy("Ditangani Bawaslu"), gettext_lazy(
        "Laporan Anda sudah diregistrasi. Bawaslu mengklarifikasi dan mengkaji kejadian yang dilaporkan.")),
    CaseStatus.UNDER_EXAMINATION: (gettext_lazy("Ditangani Bawaslu"), gettext_lazy(
        "Bawaslu sedang mengklarifikasi pihak-pihak dan mengkaji kejadian yang dilaporkan.")),
    CaseStatus.FORWARDED: (gettext_lazy("Diperiksa lembaga pengawas ASN"), gettext_lazy(
        "Bawaslu menilai ada dugaan pelanggaran netralitas ASN dan meneruskannya ke lembaga pengawas ASN.")),
    CaseStatus.UNDER_REVIEW: (gettext_lazy("Diperiksa lembaga pengawas ASN"), gettext_lazy(
        "Lembaga pengawas ASN sedang memeriksa dugaan pelanggaran.")),
    CaseStatus.INFO_REQUESTED: (gettext_lazy("Diperiksa lembaga pengawas ASN"), gettext_lazy(
        "Lembaga pengawas ASN meminta keterangan tambahan; pemeriksaan berlanjut setelah keterangan diterima.")),
    CaseStatus.AWAITING_FOLLOW_UP: (gettext_lazy("Menunggu sanksi dari atasan terlapor"), gettext_lazy(
        "Pelanggaran terbukti. Lembaga pengawas merekomendasikan sanksi kepada Pejabat Pembina Kepegawaian "
        "(PPK) instansi terlapor, yang wajib menjatuhkannya.")),
    CaseStatus.OVERDUE: (gettext_lazy("Sanksi terlambat dijatuhkan"), gettext_lazy(
        "PPK belum menjatuhkan sanksi sampai batas waktu. Lembaga pengawas menempuh langkah penegakan: pengingat, "
        "pemblokiran data kepegawaian oleh BKN, dan teguran kepada PPK.")),
    CaseStatus.FOLLOWED_UP: (gettext_lazy("Sanksi dijatuhkan"), gettext_lazy(
        "PPK sudah menjatuhkan sanksi. Lembaga pengawas memeriksa keputusannya sebelum perkara ditutup.")),
    CaseStatus.CLOSED_SANCTIONED: (gettext_lazy("Selesai: sanksi dijatuhkan"), gettext_lazy(
        "Pelanggaran terbukti dan sanksi sudah dijatuhkan. Penanganan selesai.")),
    CaseStatus.CLOSED_NOT_PROVEN: (gettext_lazy("Selesai: tidak terbukti"), gettext_lazy(
        "Berdasarkan pemeriksaan lembaga pengawas ASN, dugaan pelanggaran tidak terbukti. Penanganan selesai.")),
    CaseStatus.DISMISSED: (gettext_lazy("Selesai: dihentikan Bawaslu"), gettext_lazy(
        "Bawaslu menghentikan penanganan karena unsur pelanggaran netralitas ASN tidak terpenuhi.")),
    CaseStatus.CLOSED_OTHER: (gettext_lazy("Selesai"), gettext_lazy("Penanganan perkara sudah ditutup.")),
}

REPORT_HEADLINES = {
    ReportStatus.SUBMITTED: (gettext_lazy("Diterima"), gettext_lazy(
        "Laporan Anda sudah kami terima dan menunggu kajian awal oleh Bawaslu.")),
    ReportStatus.FORMAL_CHECK: (gettext_lazy("Kajian awal"), gettext_lazy(
        "Bawaslu sedang memeriksa syarat formal dan materiel laporan Anda.")),
    ReportStatus.INCOMPLETE: (gettext_lazy("Perlu dilengkapi"), gettext_lazy(
        "Bawaslu meminta Anda melengkapi laporan sebelum batas waktu di bawah.")),
    ReportStatus.REGISTERED: (gettext_lazy("Teregistrasi"), gettext_lazy(
        "Laporan Anda memenuhi syarat dan sudah diregistrasi untuk ditangani.")),
    ReportStatus.FORWARDED: (gettext_lazy("Diteruskan"), gettext_lazy(
        "Bawaslu meneruskan laporan Anda kepada lembaga pengawas ASN setelah kajian awal, tanpa registrasi.")),
    ReportStatus.NOT_REGISTRABLE: (gettext_lazy("Tidak dapat diregistrasi"), gettext_lazy(
        "Laporan Anda tidak memenuhi syarat untuk diregistrasi.")),
    ReportStatus.LEAD: (gettext_lazy("Informasi awal (lead)"), gettext_lazy(
        "Laporan tanpa identitas pelapor diterima sebagai informasi awal: tidak dapat diregistrasi sebagai laporan, "
        "tetapi Bawaslu dapat menindaklanjutinya sebagai temuan dari pengawasannya sendiri.")),
}

# What the reporter waits for while a clock runs.
NEXT_STEPS = {
    "INITIAL_REVIEW": gettext_lazy("Bawaslu menyelesaikan kajian awal"),
    "BAWASLU_DECISION": gettext_lazy("Bawaslu memutuskan: meneruskan ke lembaga pengawas ASN atau menghentikan"),
    "BAWASLU_DECISION_EXT": gettext_lazy("Bawaslu memutuskan: meneruskan ke lembaga pengawas ASN atau menghentikan"),
    "SUPERVISOR_EXAM": gettext_lazy("Lembaga pengawas ASN menyelesaikan pemeriksaan"),
    "INFO_REQUEST": gettext_lazy("Keterangan tambahan disampaikan kepada lembaga pengawas ASN"),
    "PPK_RECEIPT": gettext_lazy("Rekomendasi sampai kepada PPK (batas tindak lanjut PPK dihitung sejak diterima)"),
    "PPK_FOLLOW_UP": gettext_lazy("PPK menjatuhkan sanksi sesuai rekomendasi"),
    "REMINDER_RESPONSE": gettext_lazy("PPK menanggapi pengingat dari lembaga pengawas"),
}


@dataclass
class PublicStatus:
    label: str
    explanation: str
    reason: str = ""
    merged: bool = False
    closed: bool = False
    next_step: str = ""
    next_due: dt.date | None = None
    next_paused: bool = False
    # Kept for callers of the old shape: the case's stage is now the headline itself.
    case_stage: str = ""


def public_status(report: Report, *, detail: bool = True) -> PublicStatus:
    """One headline for the report: the case's stage once registered, else the report's; never two stages.

    With `detail`, also the reason and what happens next (a few queries: the tracking page, not the API's lists).
    """
    primary = report.primary()
    case = primary.case if primary.status in ReportStatus.with_case() and primary.case_id else None
    if case is not None:
        label, explanation = CASE_HEADLINES.get(case.status, (case.get_status_display(), ""))
    else:
        label, explanation = REPORT_HEADLINES.get(primary.status, (primary.get_status_display(), ""))
    status = PublicStatus(str(label), str(explanation), merged=primary.pk != report.pk)
    if not detail:
        return status
    status.closed = report_finished(report)
    if case is not None:
        if case.status == CaseStatus.DISMISSED:
            status.reason = _dismissal_reason(case)
        _next_from_clocks(status, case)
    else:
        if primary.status == ReportStatus.NOT_REGISTRABLE:
            status.reason = primary.decision_reason
        _next_from_report(status, report, primary)
    return status


def report_finished(report: Report) -> bool:
    """Handling is over (not registrable, or its case closed): nothing more is taken from the reporter."""
    primary = report.primary()
    if primary.status == ReportStatus.NOT_REGISTRABLE:
        return True
    return primary.status in ReportStatus.with_case() and primary.case_id is not None and primary.case.is_closed


def _dismissal_reason(case) -> str:
    event = case.events.filter(code="case.dismissed").order_by("-id").first()
    return event.reason if event else ""


def _next_from_clocks(status: PublicStatus, case) -> None:
    clock = (case.clocks.filter(state__in=[ClockState.RUNNING, ClockState.PAUSED], code__in=NEXT_STEPS)
             .order_by("due_on", "id").first())
    if clock is not None:
        status.next_step = str(NEXT_STEPS[clock.code])
        status.next_due, status.next_paused = clock.due_on, clock.state == ClockState.PAUSED
    elif case.status in (CaseStatus.FORWARDED, CaseStatus.UNDER_REVIEW):
        status.next_step = _("Lembaga pengawas ASN menyelesaikan pemeriksaan (peraturan tidak menetapkan batas waktu)")
    elif case.status == CaseStatus.OVERDUE:
        status.next_step = _("Lembaga pengawas menempuh langkah penegakan terhadap PPK")
    elif case.status == CaseStatus.FOLLOWED_UP:
        status.next_step = _("Lembaga pengawas memeriksa keputusan sanksi dan menutup perkara")


def _next_from_report(status: PublicStatus, report: Report, primary: Report) -> None:
    if primary.status in (ReportStatus.SUBMITTED, ReportStatus.FORMAL_CHECK):
        status.next_step = str(NEXT_STEPS["INITIAL_REVIEW"])
        status.next_due = initial_review_due(primary)
    elif primary.status == ReportStatus.INCOMPLETE:
        open_requests = report.info_requests.filter(status=InfoRequestStatus.OPEN)
        due = max((r.due_on for r in open_requests), default=None)
        if due is not None:
            status.next_step, status.next_due = _("Anda melengkapi laporan (jawab permintaan di bawah)"), due
        else:
            status.next_step = str(NEXT_STEPS["INITIAL_REVIEW"])
    elif primary.status == ReportStatus.NOT_REGISTRABLE:
        status.next_step = _("Anda dapat menyampaikan laporan baru bila kejadian masih dalam batas waktu pelaporan.")


def initial_review_due(report: Report) -> dt.date | None:
    """The initial review's last day by the rule in force on receipt (the same rule the case clock would use)."""
    return review_due(report)


# --- the timeline -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    at: dt.datetime
    title: str
    detail: str = ""
    kind: str = "report"  # report, case, letter, outcome (an outcome is drawn emphasised)
    url: str = ""


# Report events the reporter sees on their own report; {due}/{reason} come from the event.
OWN_EVENTS = {
    "report.submitted": gettext_lazy("Laporan diterima"),
    "report.checked.started": gettext_lazy("Bawaslu memulai kajian awal"),
    "report.checked.incomplete": gettext_lazy("Bawaslu meminta Anda melengkapi laporan"),
    "report.info.requested": gettext_lazy("Bawaslu meminta Anda melengkapi laporan"),
    "report.info.answered": gettext_lazy("Anda mengirim kelengkapan laporan"),
    "report.evidence.added": gettext_lazy("Bukti ditambahkan"),
    "report.merged": gettext_lazy("Digabung dengan laporan lain tentang kejadian yang sama"),
}
# Outcomes of the check, also shown from the primary report a merged report follows.
OUTCOME_EVENTS = {
    "report.registered": gettext_lazy("Laporan diregistrasi"),
    "report.forwarded": gettext_lazy("Laporan diteruskan kepada lembaga pengawas ASN tanpa registrasi"),
    "report.checked.not_registrable": gettext_lazy("Laporan tidak dapat diregistrasi"),
    "report.incomplete.lapsed": gettext_lazy("Laporan tidak dapat diregistrasi"),
    "report.checked.lead": gettext_lazy("Diterima sebagai informasi awal"),
    "report.lead.converted": gettext_lazy("Bawaslu menindaklanjuti informasi Anda sebagai temuan"),
}
CASE_EVENTS = {
    "case.decision.extended": gettext_lazy("Bawaslu memperpanjang waktu kajian karena memerlukan keterangan tambahan"),
    "case.examination.started": gettext_lazy("Bawaslu memulai klarifikasi dan kajian"),
    "case.forwarded": gettext_lazy("Diteruskan ke lembaga pengawas ASN"),
    "case.dismissed": gettext_lazy("Penanganan dihentikan oleh Bawaslu"),
    "case.review.started": gettext_lazy("Lembaga pengawas ASN memulai pemeriksaan"),
    "case.information.requested": gettext_lazy("Lembaga pengawas ASN meminta keterangan tambahan"),
    "case.information.received": gettext_lazy("Keterangan tambahan diterima lembaga pengawas ASN"),
    "case.recommendation.issued": gettext_lazy("Pelanggaran terbukti: rekomendasi sanksi dikirim kepada PPK"),
    "case.recommendation.acknowledged": gettext_lazy("PPK menyatakan telah menerima rekomendasi"),
    "case.overdue": gettext_lazy("PPK belum menjatuhkan sanksi sampai batas waktu"),
    "case.reminder.sent": gettext_lazy("Lembaga pengawas mengirim pengingat kepada PPK"),
    "case.block.requested": gettext_lazy("Lembaga pengawas meminta BKN memblokir data kepegawaian terlapor"),
    "case.block.recorded": gettext_lazy("BKN memblokir data kepegawaian terlapor"),
    "case.unblocked": gettext_lazy("BKN membuka blokir data kepegawaian"),
    "case.escalated": gettext_lazy("Lembaga pengawas meminta kementerian menegur PPK"),
    "case.ppk.warned": gettext_lazy("Kementerian menegur PPK"),
    "case.reported_to_president": gettext_lazy("PPK dilaporkan kepada Presiden"),
    "case.sanction.recorded": gettext_lazy("PPK menjatuhkan sanksi"),
    "case.reopened": gettext_lazy("Penanganan dibuka kembali"),
}
CLOSED_TITLES = {
    CaseStatus.CLOSED_SANCTIONED: gettext_lazy("Selesai: pelanggaran terbukti dan sanksi dijatuhkan"),
    CaseStatus.CLOSED_NOT_PROVEN: gettext_lazy("Selesai: dugaan pelanggaran tidak terbukti"),
    CaseStatus.CLOSED_OTHER: gettext_lazy("Selesai: perkara ditutup"),
}
REPORTER_LETTERS = [LetterKind.RECEIPT, LetterKind.COMPLETION_REQUEST, LetterKind.STATUS_NOTICE, LetterKind.CLOSING_NOTICE]
OUTCOME_CODES = {"report.registered", "report.forwarded", "report.checked.not_registrable", "report.incomplete.lapsed", "case.dismissed",
                 "case.closed", "case.recommendation.issued", "case.sanction.recorded"}


def reporter_timeline(report: Report) -> list[Step]:
    """Everything the reporter may know about their report, oldest first."""
    primary = report.primary()
    steps = [_report_step(ev) for ev in report.events.filter(code__in=[*OWN_EVENTS, *OUTCOME_EVENTS])]
    if primary.pk != report.pk:
        steps += [_report_step(ev) for ev in primary.events.filter(code__in=OUTCOME_EVENTS)]
    if primary.case_id and primary.status in ReportStatus.with_case():
        joined = primary.events.filter(code__in=["report.registered", "report.forwarded"]).order_by("-id").values_list("at", flat=True).first()
        steps += _case_steps(primary.case, since=joined)
    steps += _letter_steps(report)
    return sorted(steps, key=lambda s: s.at)


def _report_step(ev) -> Step:
    title = str(OWN_EVENTS.get(ev.code) or OUTCOME_EVENTS[ev.code])
    detail = ""
    if ev.code in ("report.checked.incomplete", "report.info.requested") and ev.payload.get("due_on"):
        detail = _("Batas waktu: %(d)s") % {"d": dt.date.fromisoformat(ev.payload["due_on"]).strftime("%d-%m-%Y")}
    elif ev.code in ("report.checked.not_registrable", "report.incomplete.lapsed"):
        detail = ev.note
    elif ev.code == "report.evidence.added":
        detail = _("oleh Anda") if ev.payload.get("by") == "reporter" else _("oleh Bawaslu")
    return Step(ev.at, title, detail, "outcome" if ev.code in OUTCOME_CODES else "report")


def _case_steps(case, since) -> list[Step]:
    events = case.events.filter(Q(code__in=CASE_EVENTS) | Q(code="case.closed"))
    if since is not None:
        events = events.filter(at__gte=since)
    steps, seen = [], set()
    for ev in events.order_by("id"):
        # A case with several respondents repeats an event per respondent the same day: the reporter sees it once.
        key = (ev.code, timezone.localdate(ev.at))
        if key in seen:
            continue
        seen.add(key)
        if ev.code == "case.closed":
            title = CLOSED_TITLES.get(ev.to_status, CLOSED_TITLES[CaseStatus.CLOSED_OTHER])
        else:
            title = CASE_EVENTS[ev.code]
        detail = ev.reason if ev.code == "case.dismissed" else ""
        steps.append(Step(ev.at, str(title), detail, "outcome" if ev.code in OUTCOME_CODES else "case"))
    return steps


def reporter_letters(report: Report):
    """Letters addressed to this reporter: the receipt and notices naming the report (report:<id>[...] or ...:r<id>)."""
    ref = f"report:{report.pk}"
    return (Letter.objects.filter(kind__in=REPORTER_LETTERS, void=False)
            .filter(Q(subject_ref=ref) | Q(subject_ref__startswith=ref + ":") | Q(subject_ref__endswith=f":r{report.pk}"))
            .defer("pdf").order_by("issued_at", "id"))


def _letter_steps(report: Report) -> list[Step]:
    return [Step(letter.issued_at, _("Surat «%(kind)s» diterbitkan") % {"kind": letter.get_kind_display()},
                 _("Nomor %(n)s") % {"n": letter.number}, "letter", reverse("letters:verify", args=[letter.verify_token]))
            for letter in reporter_letters(report)]
