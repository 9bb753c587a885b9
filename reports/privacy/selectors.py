"""Reads of the privacy app: the access record in an auditor's scope, the count a confidential reporter sees,
open requests for the responsible officer, and the persons behind access records (breach notices)."""
import datetime as dt

from django.db.models import CharField, Q
from django.db.models.functions import Cast

from cases.models import AccessKind, AccessRecord, Respondent, Role, CaseRespondent, Letter
from cases.selectors import cases_visible_to
from reports.models import Anonymity, Evidence, Report, Reporter
from reports.privacy.models import PrivacyRequest, RequestKind, RequestStatus
from reports.selectors import reports_visible_to

ACCESS_COLUMNS = ["at", "user", "agency", "kind", "object_id", "label", "case", "via"]


def access_records_visible_to(user):
    """The access record an auditor (or administrator) may read: records of cases in their scope, and records of
    reports without a case from their region (the reporter's identity, the evidence originals); nothing for
    anyone else."""
    if not user.is_authenticated or not user.has_perm("cases.view_access_records"):
        return AccessRecord.objects.none()
    qs = AccessRecord.objects.select_related("user", "user_agency")
    if user.has_role(Role.ADMIN) or (user.region_id and user.region.is_national):
        return qs
    if not user.region_id:
        return qs.none()
    in_region = Report.objects.filter(user.region.scope_q("region_code"))
    reports = in_region.annotate(key=Cast("pk", CharField())).values("key")
    evidence = Evidence.objects.filter(report__in=in_region).annotate(key=Cast("pk", CharField())).values("key")
    return qs.filter(Q(case__in=cases_visible_to(user).values("pk"))
                     | Q(case__isnull=True, kind=AccessKind.REPORTER_IDENTITY, object_id__in=reports)
                     | Q(case__isnull=True, kind=AccessKind.EVIDENCE_ORIGINAL, object_id__in=evidence))


def access_records_filtered(qs, *, username: str = "", kind: str = "", start: dt.datetime | None = None,
                            end: dt.datetime | None = None):
    if username:
        qs = qs.filter(user__username=username)
    if kind:
        qs = qs.filter(kind=kind)
    if start:
        qs = qs.filter(at__gte=start)
    if end:
        qs = qs.filter(at__lt=end)
    return qs.order_by("-at", "-id")


def access_row(record) -> list:
    return [record.at.isoformat(), record.user.username, record.user_agency.code if record.user_agency_id else "",
            record.kind, record.object_id, record.label, record.case_id or "", record.via]


def identity_viewers(report: Report) -> int | None:
    """How many officers have seen this reporter's identity; only for a reporter who asked for confidentiality
    (others get None: their name is on the letters anyway)."""
    if report.anonymity != Anonymity.CONFIDENTIAL:
        return None
    return (AccessRecord.objects.filter(kind=AccessKind.REPORTER_IDENTITY, object_id=str(report.pk))
            .values("user_id").distinct().count())


def requests_of_report(report: Report):
    return PrivacyRequest.objects.filter(report=report).select_related("rule").order_by("-received_at", "-id")


def requests_for(user):
    """Requests this officer answers for: reporters' requests of reports in their intake scope, respondents'
    requests recorded by their agency; administrators all."""
    qs = PrivacyRequest.objects.select_related("report", "respondent", "rule", "handled_by")
    if not user.is_authenticated:
        return qs.none()
    if user.has_role(Role.ADMIN):
        return qs
    parts = Q(pk__in=[])
    if user.has_perm("reports.intake"):
        parts |= Q(report__in=reports_visible_to(user).values("pk"))
    if user.agency_id and user.has_perm("privacy.record_request"):
        parts |= Q(kind=RequestKind.ACCESS, agency_id=user.agency_id)
    return qs.filter(parts)


def open_requests_for(user):
    """The open ones, earliest due first (the home card)."""
    return requests_for(user).filter(status=RequestStatus.OPEN).order_by("due_at", "id")


def persons_seen(records) -> list[dict]:
    """The persons whose data the given access records opened, one row per object (for a breach notice): the
    reporter behind a reporter identity or an evidence original (name and contact as stored now, or what
    retention left of them), the respondent of a respondent record, the respondents of a confidential letter."""
    wanted = {}
    for r in records:
        wanted.setdefault((r.kind, r.object_id), []).append(r)

    def ids(kind):
        return {int(o) for k, o in wanted if k == kind and o.isdigit()}

    evidence_report = dict(Evidence.objects.filter(pk__in=ids(AccessKind.EVIDENCE_ORIGINAL)).values_list("pk", "report_id"))
    reporters = {r.report_id: r for r in Reporter.objects.filter(
        report_id__in=ids(AccessKind.REPORTER_IDENTITY) | set(evidence_report.values()))}
    respondents = Respondent.objects.in_bulk(ids(AccessKind.RESPONDENT_RECORD))
    letter_case = dict(Letter.objects.filter(pk__in=ids(AccessKind.LETTER_CONFIDENTIAL)).values_list("pk", "case_id"))
    case_people = {}
    for case_id, name, nip in (CaseRespondent.objects.filter(case_id__in=set(letter_case.values()))
                               .values_list("case_id", "respondent__name", "respondent__nip")):
        case_people.setdefault(case_id, []).append(f"{name} ({nip})" if nip else name)
    rows = []
    for (kind, object_id), seen in sorted(wanted.items()):
        key = int(object_id) if object_id.isdigit() else None
        person, contact = f"{kind}:{object_id}", ""
        if kind in (AccessKind.REPORTER_IDENTITY, AccessKind.EVIDENCE_ORIGINAL):
            report_id = key if kind == AccessKind.REPORTER_IDENTITY else evidence_report.get(key)
            reporter = reporters.get(report_id)
            person = reporter.name if reporter else f"report:{report_id}"
            contact = " ".join(x for x in (reporter.email, reporter.phone) if x) if reporter else ""
        elif kind == AccessKind.RESPONDENT_RECORD and key in respondents:
            person, contact = respondents[key].name, respondents[key].nip or ""
        elif kind == AccessKind.LETTER_CONFIDENTIAL and key in letter_case:
            person = "; ".join(case_people.get(letter_case[key], []))
        rows.append({"kind": kind, "object_id": object_id, "person": person, "contact": contact,
                     "times": len(seen), "first": min(r.at for r in seen), "last": max(r.at for r in seen),
                     "users": sorted({r.user.username for r in seen})})
    return rows
