"""A report's clocks while it waits at intake, from the day it was received (domain.md §3).

The initial-review clock (INITIAL_REVIEW: 2 working days for Pemilu, 3 calendar days for Pilkada, as rule rows)
runs from the date of receipt; the reporting window (REPORT_WINDOW / FINDING_DECLARE) was met or missed at
receipt, counted from the day the act became known. Both are worked out from the rule rows and the working
calendar when read, so a holiday entered later moves them at once and the intake hot path writes nothing more.
Registration carries the review clock into the case (cases.workflow.case_open starts it from the same date);
reports.services.sweep_report_clocks records and notifies an overdue review once. This module only reads.
"""
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cases import deadlines
from cases.labels import CLOCK_LABELS
from cases.models import DeadlineRule
from reports.models import Report, ReportStatus

REVIEW = "INITIAL_REVIEW"


@dataclass(frozen=True)
class ReportClock:
    code: str
    label: str
    started_on: dt.date
    due_on: dt.date
    badge: str  # running, due_soon, overdue, met, missed
    remaining: int | None
    legal_basis: str


class Rules:
    """Rule rows looked up once per (code, election type, date) for a list of reports."""

    def __init__(self):
        self._rows = {}

    def get(self, code: str, election_type: str, on: dt.date) -> DeadlineRule | None:
        key = (code, election_type, on)
        if key not in self._rows:
            self._rows[key] = DeadlineRule.for_clock(code, election_type, on)
        return self._rows[key]


def _received_on(report: Report) -> dt.date:
    return timezone.localdate(report.received_at)


def review_due(report: Report, *, rules: Rules | None = None, table=None) -> dt.date | None:
    """The initial review's last day by the rule in force on the day of receipt (the case clock's rule too)."""
    start = _received_on(report)
    rule = (rules or Rules()).get(REVIEW, report.election.election_type, start)
    if rule is None:
        return None
    return (table or deadlines.holiday_table()).view(report.region_code, rule.cuti_bersama_working).add_days(
        start, rule.length, rule.unit)


def review_clock(report: Report, *, today: dt.date | None = None, rules: Rules | None = None,
                 table=None) -> ReportClock | None:
    """The initial-review clock of a report still waiting for its check (None once decided, or no rule)."""
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.FORMAL_CHECK):
        return None
    today = today or timezone.localdate()
    start = _received_on(report)
    rule = (rules or Rules()).get(REVIEW, report.election.election_type, start)
    if rule is None:
        return None
    cal = (table or deadlines.holiday_table()).view(report.region_code, rule.cuti_bersama_working)
    due = cal.add_days(start, rule.length, rule.unit)
    if due < today:
        badge = "overdue"
    elif cal.working_days_between(today, due) <= 1:
        badge = "due_soon"
    else:
        badge = "running"
    return ReportClock(REVIEW, str(CLOCK_LABELS.get(REVIEW, REVIEW)), start, due, badge,
                       cal.days_between(today, due, rule.unit), rule.legal_basis)


def window_clock(report: Report, *, rules: Rules | None = None, table=None) -> ReportClock | None:
    """The reporting window, counted from the day the act became known and checked against the day of receipt."""
    if report.known_on is None:
        return None
    code = "FINDING_DECLARE" if report.kind == "temuan" else "REPORT_WINDOW"
    rule = (rules or Rules()).get(code, report.election.election_type, report.known_on)
    if rule is None:
        return None
    cal = (table or deadlines.holiday_table()).view(report.region_code, rule.cuti_bersama_working)
    due = cal.add_days(report.known_on, rule.length, rule.unit)
    badge = "met" if _received_on(report) <= due else "missed"
    return ReportClock(code, str(CLOCK_LABELS.get(code, code)), report.known_on, due, badge, None, rule.legal_basis)


def with_review_clocks(reports, *, today: dt.date | None = None) -> list:
    """Attach `review_clock` to each report of a list (one rule lookup per election type and date)."""
    rules, table = Rules(), deadlines.holiday_table()
    rows = list(reports)
    for report in rows:
        report.review_clock = review_clock(report, today=today, rules=rules, table=table)
    return rows


def overdue_first(reports) -> list:
    """Overdue reviews first (earliest due first), then the rest in the order given."""
    rows = list(reports)
    late = sorted((r for r in rows if r.review_clock and r.review_clock.badge == "overdue"),
                  key=lambda r: r.review_clock.due_on)
    return late + [r for r in rows if r not in late]
