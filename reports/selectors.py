"""Intake reads: scoped report lists, the formal/material assessment, duplicates, masked identities, public status."""
import datetime as dt
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.deadlines import rule_add_days
from cases.models import DeadlineRule, Role
from cases.selectors import cases_visible_to, case_for_user, hidden_track_ids
from reports import tracking
from reports.models import Anonymity, Evidence, Report, ReportKind, ReportStatus, Standing

DUPLICATE_DAYS = 14
DUPLICATE_SIMILARITY = 0.3


# --- scope ----------------------------------------------------------------------------------------------------

def reports_visible_to(user):
    """Reports an intake officer may see: their region and below (administrators: all)."""
    if not user.is_authenticated or not user.has_perm("reports.intake"):
        return Report.objects.none()
    if user.has_role(Role.ADMIN) or (user.region_id and user.region.is_national):
        return Report.objects.all()
    if not user.region_id:
        return Report.objects.none()
    return Report.objects.filter(user.region.scope_q("region_code"))


def report_for_user(user, pk) -> Report:
    """One report in scope, else 404 (the user may not know it exists)."""
    try:
        return reports_visible_to(user).select_related(
            "election", "stage", "region", "respondent_agency", "case", "merged_into").get(pk=pk)
    except (Report.DoesNotExist, ValueError):
        raise Http404


def evidence_for_user(user, pk) -> Evidence:
    """An evidence file the user may open, else 404: intake officers for the reports in their region; those who
    decide a case (`reports.view_evidence`: Bawaslu, supervisory analyst and approver, auditors) for the evidence
    of its reports when the case is in their scope and they see every respondent in it (cases.selectors)."""
    evidence = Evidence.objects.select_related("report", "report__merged_into").filter(
        pk=pk if str(pk).isascii() and str(pk).isdigit() else None).first()
    if evidence is None:
        raise Http404
    report = evidence.report
    if reports_visible_to(user).filter(pk=report.pk).exists():
        return evidence
    case_id = report.case_id or (report.merged_into.case_id if report.merged_into_id else None)
    if case_id is None or not user.has_perm("reports.view_evidence"):
        raise Http404
    evidence.case = case_for_user(user, case_id)  # 404 outside the user's scope
    if hidden_track_ids(user, evidence.case):
        raise Http404
    return evidence


def waiting_for_check(user):
    """Reports in scope still waiting for the initial review, oldest first."""
    return (reports_visible_to(user).filter(status__in=[ReportStatus.SUBMITTED, ReportStatus.FORMAL_CHECK])
            .select_related("election", "region").order_by("received_at", "id"))


def intake_queue(user, status: str | None = None):
    qs = reports_visible_to(user).select_related("election", "region")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


# --- identity -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReporterView:
    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    standing: str = ""
    masked: bool = False
    anonymous: bool = False


def reporter_identity(user, report: Report) -> ReporterView | None:
    """The reporter as this user may see them: confidential identities only with `cases.view_reporter_identity`."""
    if report.anonymity == Anonymity.ANONYMOUS:
        return ReporterView(name=_("Anonim"), anonymous=True)
    reporter = getattr(report, "reporter", None) if hasattr(report, "reporter") else None
    if reporter is None:
        return None
    if report.anonymity == Anonymity.CONFIDENTIAL and not user.has_perm("cases.view_reporter_identity"):
        return ReporterView(name=_("Dirahasiakan"), standing=standing_label(reporter.standing), masked=True)
    return ReporterView(reporter.name, reporter.address, reporter.phone, reporter.email,
                        standing_label(reporter.standing))


_STANDINGS = {value: label for value, label in Standing.choices}


def standing_label(value: str) -> str:
    """reporter.get_standing_display(), in the active language, without rebuilding the choices dict per call
    (two fifths of the time spent building an API submission's answer, by cProfile)."""
    label = _STANDINGS.get(value)
    return value if label is None else str(label)


# --- formal and material check --------------------------------------------------------------------------------

@dataclass
class Check:
    label: str
    ok: bool
    message: str = ""


@dataclass
class Assessment:
    checks: list = field(default_factory=list)
    timely: bool | None = None
    due_on: dt.date | None = None
    late_reason: str = ""
    suggestion: str = ""

    @property
    def ok(self):
        return all(check.ok for check in self.checks)


def _window(report: Report):
    """The REPORT_WINDOW rule (FINDING_DECLARE for a finding) in force when the violation became known."""
    code = "FINDING_DECLARE" if report.kind == ReportKind.TEMUAN else "REPORT_WINDOW"
    return DeadlineRule.for_clock(code, report.election.election_type, report.known_on)


def timeliness(report: Report) -> tuple[bool | None, dt.date | None, str]:
    """(timely, last day, reason if late), with the legal basis taken from the DeadlineRule row."""
    if report.known_on is None:
        return None, None, _("Tanggal diketahui belum diisi; ketepatan waktu tidak dapat diperiksa.")
    rule = _window(report)
    if rule is None:
        return None, None, _("Tidak ada aturan batas waktu pelaporan yang berlaku pada tanggal itu.")
    due = rule_add_days(rule, report.known_on, region_code=report.region_code)
    received = timezone.localtime(report.received_at).date()
    if received <= due:
        return True, due, ""
    noun = _("Temuan") if report.kind == ReportKind.TEMUAN else _("Laporan")
    return False, due, _("%(noun)s melewati batas %(n)s %(unit)s sejak diketahui (%(basis)s): diketahui %(known)s, "
                         "batas %(due)s, diterima %(received)s.") % {
        "noun": noun, "n": rule.length, "unit": rule.get_unit_display(), "basis": rule.legal_basis,
        "known": report.known_on.strftime("%d-%m-%Y"), "due": due.strftime("%d-%m-%Y"),
        "received": received.strftime("%d-%m-%Y")}


def report_assessment(report: Report) -> Assessment:
    """Formal (identity, standing, respondent, time limit) and material (time, place, account, evidence) checks."""
    result = Assessment()
    result.timely, result.due_on, reason = timeliness(report)
    result.late_reason = reason if result.timely is False else ""
    result.checks.append(Check(_("Tepat waktu"), result.timely is True, reason or _("Batas: %(d)s") % {
        "d": result.due_on.strftime("%d-%m-%Y") if result.due_on else "-"}))
    if report.kind != ReportKind.TEMUAN:
        reporter = getattr(report, "reporter", None) if hasattr(report, "reporter") else None
        anonymous = report.anonymity == Anonymity.ANONYMOUS
        result.checks.append(Check(_("Identitas pelapor (nama dan alamat)"),
                                   bool(reporter and reporter.name and reporter.address),
                                   _("Laporan anonim adalah informasi awal, bukan laporan.") if anonymous else ""))
        result.checks.append(Check(_("Kedudukan pelapor (pemilih, pemantau, atau peserta)"),
                                   bool(reporter and reporter.standing)))
    result.checks.append(Check(_("Identitas terlapor"), bool(report.respondent_name)))
    result.checks.append(Check(_("Instansi terlapor dari daftar"), report.respondent_agency_id is not None,
                               report.respondent_agency_text))
    result.checks.append(Check(_("Waktu dan tempat kejadian"), bool(report.occurred_on and report.place)))
    result.checks.append(Check(_("Uraian kejadian"), len(report.description.strip()) >= 20))
    result.checks.append(Check(_("Bukti (berkas atau tautan)"), report.evidence.exists() or bool(report.link_list)))
    result.suggestion = _suggest(report, result)
    return result


def _suggest(report: Report, result: Assessment) -> str:
    if report.anonymity == Anonymity.ANONYMOUS:
        return "lead"
    if result.timely is False:
        return "not_registrable"
    return "register" if result.ok else "incomplete"


# --- duplicates -----------------------------------------------------------------------------------------------

@dataclass
class Duplicate:
    report: Report
    similarity: float
    reasons: list


def likely_duplicates(user, report: Report, limit: int = 10) -> list[Duplicate]:
    """Reports of the same election naming the same respondent, or telling a similar story, within 14 days."""
    same_person = Q(pk__in=[])
    if report.respondent_nip:
        same_person |= Q(respondent_nip=report.respondent_nip)
    if report.respondent_name:
        agency = (Q(respondent_agency=report.respondent_agency) if report.respondent_agency_id
                  else Q(respondent_agency_text__iexact=report.respondent_agency_text or "\x00"))
        same_person |= Q(respondent_name__iexact=report.respondent_name) & agency
    qs = (reports_visible_to(user).filter(election=report.election).exclude(pk=report.pk)
          .exclude(status=ReportStatus.MERGED)
          .annotate(similarity=TrigramSimilarity("description", report.description))
          .filter(same_person | Q(similarity__gte=DUPLICATE_SIMILARITY)))
    if report.occurred_on:
        window = dt.timedelta(days=DUPLICATE_DAYS)
        qs = qs.filter(Q(occurred_on__isnull=True)
                       | Q(occurred_on__range=(report.occurred_on - window, report.occurred_on + window)))
    found = []
    for other in qs.select_related("case").order_by("-similarity", "-id")[:limit]:
        found.append(Duplicate(other, round(other.similarity or 0, 2), _reasons(report, other)))
    return found


def _reasons(report: Report, other: Report) -> list:
    reasons = []
    if report.respondent_nip and other.respondent_nip == report.respondent_nip:
        reasons.append(_("NIP terlapor sama"))
    elif other.respondent_name.lower() == report.respondent_name.lower():
        reasons.append(_("nama dan instansi terlapor sama"))
    if other.similarity and other.similarity >= DUPLICATE_SIMILARITY:
        reasons.append(_("uraian mirip (%(p)d%%)") % {"p": round(other.similarity * 100)})
    return reasons


def candidate_cases(user, report: Report, limit: int = 10):
    """Open cases of the same election that already name this respondent (to add the report to)."""
    person = Q(pk__in=[])
    if report.respondent_nip:
        person |= Q(tracks__respondent__nip=report.respondent_nip)
    if report.respondent_agency_id:
        person |= Q(tracks__respondent__name__iexact=report.respondent_name, tracks__agency=report.respondent_agency)
    return (cases_visible_to(user).filter(person, election=report.election).distinct().order_by("-id")[:limit])


# --- what the reporter sees ----------------------------------------------------------------------------------

def public_status(report: Report):
    """The headline the reporter reads (label and explanation only; the tracking page adds the rest)."""
    return tracking.public_status(report, detail=False)
