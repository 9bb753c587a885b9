"""Reconciliation reads: for an election, reports per source, how many are matched across sources, and the rest.

Scope first: only the reports the user may see (reports.selectors.reports_visible_to) are counted or listed.
A report's sources are the registers whose rows became or joined it, plus «this system» when it was filed here
(any channel but «register»).
"""
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import ArrayAgg
from django.utils.translation import gettext_lazy as _

from reports.models import Channel, Report
from reports.registers.models import RegisterEntry, RegisterSource
from reports.selectors import reports_visible_to

APP = "app"
APP_LABEL = _("Sistem ini (diterima langsung)")
UNMATCHED_SHOWN = 100


@dataclass
class SourceLine:
    code: str
    name: str
    total: int = 0
    matched: int = 0
    unmatched_ids: list = field(default_factory=list)
    unmatched_rows: list = field(default_factory=list)  # filled for the rows shown

    @property
    def unmatched(self) -> int:
        return self.total - self.matched


@dataclass
class Reconciliation:
    election: object
    lines: list
    reports: int  # distinct reports, all sources together
    matched_reports: int  # reports found in two sources or more


def _origins(reports) -> list[tuple[int, set]]:
    rows = reports.annotate(sources=ArrayAgg("register_entries__source__code", distinct=True, default=[])).order_by(
        "id").values_list("pk", "sources", "channel")
    return [(pk, {s for s in sources if s} | (set() if channel == Channel.REGISTER else {APP}))
            for pk, sources, channel in rows]


def reconciliation(user, election) -> Reconciliation:
    reports = reports_visible_to(user).filter(election=election)
    lines = {APP: SourceLine(APP, str(APP_LABEL))}
    for source in RegisterSource.objects.all():
        lines[source.code] = SourceLine(source.code, source.name)
    origins = _origins(reports)
    for pk, codes in origins:
        for code in codes:
            line = lines[code]
            line.total += 1
            if len(codes) > 1:
                line.matched += 1
            else:
                line.unmatched_ids.append(pk)
    _fill_unmatched(lines)
    return Reconciliation(election=election, lines=list(lines.values()), reports=len(origins),
                          matched_reports=sum(1 for _pk, codes in origins if len(codes) > 1))


def _fill_unmatched(lines: dict) -> None:
    shown = {pk for line in lines.values() for pk in line.unmatched_ids[:UNMATCHED_SHOWN]}
    reports = Report.objects.filter(pk__in=shown).select_related("region").in_bulk()
    references = dict(RegisterEntry.objects.filter(report_id__in=shown).values_list("report_id", "reference"))
    for line in lines.values():
        line.unmatched_rows = [(reports[pk], references.get(pk, "")) for pk in line.unmatched_ids[:UNMATCHED_SHOWN]]


def tracking_codes(report_ids) -> dict:
    """Report id -> tracking code as shown («ABCDE-FGHJK»), for the rows of a dry run that name a report."""
    return {pk: f"{code[:5]}-{code[5:]}" for pk, code in
            Report.objects.filter(pk__in=set(report_ids)).values_list("pk", "tracking_code")}


def case_numbers(report_ids) -> dict:
    """Report id -> the number of the case it is registered in, for dry-run rows that join a case's report."""
    return dict(Report.objects.filter(pk__in=set(report_ids), case__isnull=False).values_list("pk", "case__number"))
