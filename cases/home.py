"""Sections other apps add to the officers' home page ("what needs me now"), so that cases imports none of them.

A section is a callable taking the signed-in user and returning None (nothing for this user) or a dict with
"template" (rendered in a card on the home page) and that template's context.
"""
from collections.abc import Callable

from cases.selectors import decisions_awaiting_review

SECTIONS: list[Callable] = []


def register(section: Callable) -> Callable:
    SECTIONS.append(section)
    return section


def sections_for(user) -> list[dict]:
    """The user's sections; "empty" (unless the section says) when every list it shows is empty."""
    out = [ctx for ctx in (section(user) for section in SECTIONS) if ctx]
    for ctx in out:
        lists = [v for v in ctx.values() if isinstance(v, (list, tuple))]
        ctx.setdefault("empty", bool(lists) and not any(lists))
    return out


@register
def decisions_to_review(user):
    """The supervisory body's card: PPK decisions "tidak sesuai rekomendasi" waiting to be accepted or returned."""
    if not user.has_role("supervisor_analyst", "supervisor_approver", "administrator"):
        return None
    return {"template": "cases/_home_decisions.html", "heading_id": "h-decisions",
            "decisions": list(decisions_awaiting_review(user)[:10])}
