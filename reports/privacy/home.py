"""The responsible officer's card on the home page: requests of the people concerned, each with its 3x24-hour
clock, earliest due first."""
from cases.home import register
from reports.privacy.selectors import open_requests_for

HOME_ROWS = 8


@register
def privacy_requests(user):
    rows = list(open_requests_for(user)[:HOME_ROWS + 1])
    if not rows:
        return None
    return {"template": "privacy/_home_requests.html", "heading_id": "h-privacy-requests",
            "requests": rows[:HOME_ROWS], "more": len(rows) > HOME_ROWS}
