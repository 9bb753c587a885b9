"""`{% queue_rows page.rows %}`: the case queue's table rows, built in Python.

The queue shows 50 rows on every request; through the template engine each row cost ~40 variable
lookups, filters and a `get_status_display()` (which rebuilds and hashes the translated choice list), about
half of the page's server time. Labels, the detail URL prefix and dates are resolved once per render here and
each row is a single string format, with every value escaped exactly as `{{ }}` autoescaping does, so the
HTML is the same as the template loop it replaces (tests/test_queue_perf.py compares the two).

Kept by measurement (issue #29.6, 2026-12-07, bench/bench_instructions.py): the rows and the menu as Django
templates again (a {% for %} over these tuples with |truncatechars, |date and |status_label; an inclusion tag
for the menu) took the queue page from 44.88 M to 90.86 M instructions per request (+102 %).

Rows are cases.selectors.queue_rows tuples (id, number, ..., election_name, region_name), not model instances.
"""
import unicodedata

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from cases.models import CaseStatus
from cases.templatetags.queue_form import escape, status_labels

register = template.Library()

TITLE_CHARS = 110  # as `|truncatechars:110` did

CHECKBOX = '<td class="q-pick"><input type="checkbox" name="case" value="{pk}" aria-labelledby="n-{pk}"></td>'
# The q-* classes place the cells on a phone (static/css/app.css): number and deadline, then title, then status.
ROW = ('\n    <tr>\n      {checkbox}\n      <td class="nowrap q-num"><a href="{base}{pk}/" id="n-{pk}">{number}</a></td>\n'
       '      <td class="q-title">{title}</td>\n'
       '      <td class="q-status"><span class="status s-{status}">{status_label}</span></td>\n'
       '      <td class="q-region">{region} <span class="muted mono">{region_code}</span></td>\n'
       '      <td class="q-election">{election}</td>\n'
       '      <td class="nowrap q-due">{due}</td>\n    </tr>\n  ')
EMPTY = '\n    <tr><td colspan="7">{}</td></tr>\n  '


def _title(value: str) -> str:
    text = unicodedata.normalize("NFC", value)
    return text if len(text) <= TITLE_CHARS else Truncator(value).chars(TITLE_CHARS)


@register.simple_tag(takes_context=True)
def queue_rows(context, rows):
    """Rows of the queue table for `rows` (cases.selectors.queue_rows tuples)."""
    from django.utils.translation import gettext

    if not rows:
        return mark_safe(EMPTY.format(escape(gettext("Tidak ada perkara yang sesuai dengan filter."))))
    may_assign, today = context.get("may_assign"), context.get("today")
    overdue = '<span class="badge overdue">%s</span>' % escape(context.get("overdue_label", ""))
    base = escape(reverse("cases:queue"))
    localize_numbers = settings.USE_THOUSAND_SEPARATOR
    labels = status_labels()
    dates, names, statuses = {}, {}, {}
    out = []
    for c in rows:
        due = c.next_due
        if due is not None:
            shown = dates.get(due)
            if shown is None:
                shown = dates[due] = escape(formats.date_format(due, "j M Y"))
            due_html = '<span class="badge %s">%s</span>' % ("overdue" if today is not None and due < today else "", shown)
        elif c.status == CaseStatus.OVERDUE:
            due_html = overdue
        else:
            due_html = '<span class="muted">—</span>'
        pk = escape(formats.localize(c.id)) if localize_numbers else str(c.id)  # digits: nothing to escape
        region = names.get(("r", c.region_id))
        if region is None:
            region = names[("r", c.region_id)] = escape(c.region_name)
        election = names.get(("e", c.election_id))
        if election is None:
            election = names[("e", c.election_id)] = escape(c.election_name)
        status = statuses.get(c.status)
        if status is None:
            status = statuses[c.status] = escape(c.status)
        out.append(ROW.format(
            checkbox=CHECKBOX.format(pk=pk) if may_assign else "", base=base, pk=pk, number=escape(c.number),
            title=escape(_title(c.title)), status=status, status_label=labels.get(c.status) or status,
            region=region, region_code=escape(c.region_code), election=election, due=due_html))
    return mark_safe("".join(out))
