"""The intake officer's card on the home page: reports received and not yet checked, overdue reviews first, then
the oldest."""
from cases.home import register
from reports import clocks, selectors
from reports.models import ReportStatus

HOME_REPORTS = 8
COUNT_UP_TO = 1000  # counted exactly up to here ("more than 1,000" beyond): never a COUNT over every report
CARD = {"template": "reports/_home_reports.html", "heading_id": "h-intake"}


@register
def reports_to_check(user):
    if not user.has_perm("reports.intake"):
        return None
    waiting = (selectors.reports_visible_to(user).filter(status__in=ReportStatus.checkable())
               .select_related("region").order_by("received_at", "id"))
    rows = clocks.overdue_first(clocks.with_review_clocks(waiting.select_related("election")[:HOME_REPORTS]))
    total = len(rows) if len(rows) < HOME_REPORTS else waiting.order_by().values("pk")[:COUNT_UP_TO + 1].count()
    return {**CARD, "reports": rows, "total": total, "more": total > COUNT_UP_TO, "cap": COUNT_UP_TO}
