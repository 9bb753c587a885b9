"""`{% filter_options "status" %}`, `{% stage_options stages %}` and `{% officer_options officers %}`: the queue's
<option> lists, built in Python.

Through the template engine every option re-resolved the chosen value (`{% if v in form.status.value %}` builds
the BoundField value once per option) and rendered a lazily translated label; the form has ~40 options, the
bulk-assign select one per officer. Here the chosen value is read once per select and the fixed lists' escaped
labels are kept per language (they are constants of the code and its translation catalogue, nothing from the
database). The HTML is the same as the template loops they replace (tests/test_queue_perf.py compares them).

Measured alone against those template loops (bench_instructions, queue page, 2026-12-07, demo of 20,000 cases):
31.92 M instructions per request here, 42.37 M with the loops (+33 %), past the 20 % a replacement of the
template engine's own way must gain to stay.
"""
import html

from django import template
from django.conf import settings
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from cases.filters import CLOCK_STATES, SORTS
from cases.models import CaseStatus, SanctionCategory

register = template.Library()

OPTION = '<option value="{}" {}>{}</option>'

# The fixed choices of the filter form (parameter name -> choices); the elections come from the database.
FIXED_CHOICES = {
    "status": lambda: CaseStatus.choices,
    "sanction_category": lambda: SanctionCategory.choices,
    "clock_state": lambda: CLOCK_STATES,
    "sort": lambda: SORTS,
}
MULTIPLE = {"status"}  # `{% if v in form.status.value %}`; the others compared with ==
_escaped = {}  # (name, language) -> [(value, escaped value, escaped label)], and the status labels by value


def escape(value) -> str:
    """What `{{ value }}` autoescaping writes: django.utils.html.escape without its wrapper for lazy arguments
    (callers pass str() of a lazy label, so it is translated once)."""
    return html.escape(str(value))


def _fixed(name):
    key = (name, get_language())
    options = _escaped.get(key)
    if options is None:
        options = _escaped[key] = [(value, escape(value), escape(str(label)))  # str(): translate now, not lazily
                                   for value, label in FIXED_CHOICES[name]()]
    return options


def status_labels() -> dict:
    """{status value: escaped label} in the active language."""
    key = ("status-labels", get_language())
    labels = _escaped.get(key)
    if labels is None:
        labels = _escaped[key] = {value: label for value, _, label in _fixed("status")}
    return labels


def _is_chosen(value, chosen, multiple):
    try:  # as the template's `in` / `==` operators: an error (e.g. `in None`) means not chosen
        return value in chosen if multiple else chosen == value
    except Exception:
        return False


@register.simple_tag(takes_context=True)
def filter_options(context, name, choices=None):
    """<option>s of the filter `name` with the form's value chosen; `choices` (value, label) for the non-fixed lists."""
    chosen = context["form"][name].value()
    multiple = name in MULTIPLE
    options = _fixed(name) if choices is None else [(value, escape(value), escape(str(label))) for value, label in choices]
    return mark_safe("".join(OPTION.format(html_value, "selected" if _is_chosen(value, chosen, multiple) else "", label)
                             for value, html_value, label in options))


def stage_groups_html(groups) -> str:
    """An <optgroup> per election with its stages' <option>s, none chosen, from (election name, [(id, name), ...])
    groups (kept in the cache as HTML: only the chosen option changes from request to request)."""
    out = []
    for election, rows in groups:
        out.append('<optgroup label="%s">' % escape(election))
        out += [OPTION.format(int(pk), "", escape(name)) for pk, name in rows]
        out.append("</optgroup>")
    return "".join(out)


@register.simple_tag(takes_context=True)
def stage_options(context, groups_html):
    """The stage filter's options (stage_groups_html) with the form's stage chosen."""
    chosen = str(context["form"]["stage"].value() or "")
    if chosen.isascii() and chosen.isdigit():
        groups_html = groups_html.replace(OPTION.format(chosen, "", "")[:-len("</option>")],
                                          OPTION.format(chosen, "selected", "")[:-len("</option>")], 1)
    return mark_safe(groups_html)


def officer_label(first_name, last_name, username) -> str:
    """How an officer is named in the queue's selects: "Full Name (username)", the username alone without a name."""
    full_name = ("%s %s" % (first_name, last_name)).strip()  # User.get_full_name()
    return "%s (%s)" % (full_name or username, username)


@register.simple_tag
def officer_options(officers):
    """<option>s of the bulk-assign select from (id, username, first_name, last_name) rows."""
    number_text = formats.localize if settings.USE_THOUSAND_SEPARATOR else str
    out = []
    for pk, username, first_name, last_name in officers:
        out.append('<option value="%s">%s</option>' % (escape(number_text(pk)),
                                                     escape(officer_label(first_name, last_name, username))))
    return mark_safe("".join(out))
