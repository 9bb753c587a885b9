"""Template filter `{{ event.code|report_event_label }}`: a report event in words (reports.labels)."""
from django import template

from reports.labels import REPORT_EVENT_LABELS

register = template.Library()


@register.filter
def report_event_label(code):
    return REPORT_EVENT_LABELS.get(code, code)
