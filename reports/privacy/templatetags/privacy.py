"""The tracking page's privacy card: how many officers saw a confidential reporter's identity (a count only), the
reporter's requests with their outcomes, and the way to make one. Reads only."""
from django import template

from reports.privacy.requests import reporter_may_ask
from reports.privacy.selectors import identity_viewers, requests_of_report

register = template.Library()


@register.inclusion_tag("privacy/_track_panel.html")
def privacy_panel(report):
    return {"viewers": identity_viewers(report), "requests": list(requests_of_report(report)),
            "may_ask": reporter_may_ask(report)}
