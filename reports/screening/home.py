"""The screening reviewer's card on the home page: the newest undecided hits, highest priority first."""
from cases.home import register
from reports.screening import selectors
from reports.screening.services.common import ScreeningError

HOME_HITS = 5
CARD = {"template": "screening/_home_hits.html", "heading_id": "h-screening"}


@register
def screening_hits(user):
    if not user.has_perm("screening.review"):
        return None
    try:
        items, groups = selectors.review_queue(page=1)
    except ScreeningError as exc:  # no trained model yet: say so instead of hiding the card
        return {**CARD, "items": [], "groups": 0, "problem": str(exc), "empty": False}
    return {**CARD, "items": items[:HOME_HITS], "groups": groups}
