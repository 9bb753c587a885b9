"""Template filters: `{{ clock.code|clock_label }}`, `{{ event.code|event_label }}`, `{{ status|status_label }}`."""
from django import template

from cases.labels import CLOCK_LABELS, EVENT_LABELS
from cases.models import CaseStatus

register = template.Library()


@register.filter
def clock_label(code):
    return CLOCK_LABELS.get(code, code)


@register.filter
def event_label(code):
    return EVENT_LABELS.get(code, code)


@register.filter
def status_label(value):
    try:
        return CaseStatus(value).label
    except ValueError:
        return value
