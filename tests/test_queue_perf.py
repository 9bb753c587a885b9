"""The case queue stays cheap as it grows: a bounded number of queries whatever the page holds, and the rows
built in Python (cases/templatetags/queue_rows.py) are the same HTML the template loop produced."""
import datetime as dt

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Case, CaseStatus
from cases.selectors import QUEUE_ROW_FIELDS
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("cases:queue")
MAX_QUERIES = 12  # session/user/roles/region/notifications/agency + rows, total, officers: none of them per row


def queue_queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(QUEUE, params)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


@pytest.mark.parametrize("extra", [{}, {"q": "mengunggah dukungan"}, {"sort": "due"}])
def test_queue_queries_do_not_grow_with_the_page(client, bawaslu_officer, extra):
    client.force_login(bawaslu_officer)
    client.get(QUEUE)  # fills the process-wide caches (elections list) so both measurements start alike
    CaseFactory.create_batch(3, next_due=timezone.localdate(), search_document="ASN mengunggah dukungan")
    # A distinct filter value per measurement, so the briefly cached total is counted each time.
    small, small_n = queue_queries(client, {**extra, "received_from": "2000-01-01"})
    CaseFactory.create_batch(70, next_due=timezone.localdate() + dt.timedelta(days=2),
                            search_document="ASN mengunggah dukungan")
    full, full_n = queue_queries(client, {**extra, "received_from": "2000-01-02"})
    assert small.content.decode().count('name="case"') == 3
    assert full.content.decode().count('name="case"') == 50 and 'rel="next"' in full.content.decode()
    # 50 rows cost no more than 3 (a short "due" page may add one query for the rows without a deadline).
    assert full_n <= small_n <= MAX_QUERIES
    # The next page (keyset cursor) and the repeat with the total already counted stay bounded as well.
    cursor = full.content.decode().split("cursor=")[1].split('"')[0]
    _, next_n = queue_queries(client, {**extra, "received_from": "2000-01-02", "cursor": cursor})
    _, again_n = queue_queries(client, {**extra, "received_from": "2000-01-02"})
    assert next_n <= full_n and again_n <= full_n


def test_typo_search_still_falls_back_to_similar_names(client, bawaslu_officer):
    """The full-text match runs once; the trigram fallback only when it found nothing (as before)."""
    case = CaseFactory(search_document="NTR-T Suharjono Wibisono camat")
    other = CaseFactory(search_document="Ratna Dewi")
    client.force_login(bawaslu_officer)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(QUEUE, {"q": "Suharjono"}).content.decode()
    assert case.number in body and other.number not in body
    assert sum("to_tsvector" in q["sql"] for q in ctx.captured_queries if "EXPLAIN" not in q["sql"]
               and "COUNT" not in q["sql"]) == 1  # the page; no separate EXISTS probe
    assert case.number in client.get(QUEUE, {"q": "Suharjno"}).content.decode()  # typo: similarity still finds it


# The loop the tag replaced, verbatim from templates/cases/_queue_rows.html before the change.
TEMPLATE_LOOP = """{% load i18n %}{% url 'cases:queue' as case_base %}
  {% for c in rows %}
    <tr>
      {% if may_assign %}<td><input type="checkbox" name="case" value="{{ c.pk }}" aria-labelledby="n-{{ c.pk }}"></td>{% endif %}
      <td class="nowrap"><a href="{{ case_base }}{{ c.pk }}/" id="n-{{ c.pk }}">{{ c.number }}</a></td>
      <td>{{ c.title|truncatechars:110 }}</td>
      <td><span class="status s-{{ c.status }}">{{ c.get_status_display }}</span></td>
      <td>{{ c.region.name }} <span class="muted mono">{{ c.region_code }}</span></td>
      <td>{{ c.election.name }}</td>
      <td class="nowrap">{% if c.next_due %}<span class="badge {% if c.next_due < today %}overdue{% endif %}">{{ c.next_due|date:"j M Y" }}</span>{% elif c.status == 'overdue' %}<span class="badge overdue">{{ overdue_label }}</span>{% else %}<span class="muted">—</span>{% endif %}</td>
    </tr>
  {% empty %}
    <tr><td colspan="7">{% translate "Tidak ada perkara yang sesuai dengan filter." %}</td></tr>
  {% endfor %}
"""
TAG = """{% load queue_rows %}
  {% queue_rows rows %}
"""


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("may_assign", [True, False])
def test_rows_tag_renders_what_the_template_loop_did(language, may_assign):
    today = timezone.localdate()
    CaseFactory(title='Ajakan <b>"memilih"</b> & \'dukungan\'', next_due=today - dt.timedelta(days=2))
    CaseFactory(title="Panjang " * 30, next_due=today + dt.timedelta(days=40), status=CaseStatus.AWAITING_FOLLOW_UP)
    CaseFactory(status=CaseStatus.OVERDUE, next_due=None)
    CaseFactory(status=CaseStatus.CLOSED_SANCTIONED, next_due=None, title="Cafe\u0301 ASN")  # combining accent
    rows = list(Case.objects.select_related("election", "region").only(*QUEUE_ROW_FIELDS).order_by("id"))
    with translation.override(language):
        for shown in (rows, []):
            context = {"rows": shown, "may_assign": may_assign, "today": today,
                       "overdue_label": translation.gettext("terlambat")}
            expected = Template(TEMPLATE_LOOP).render(Context(context))
            assert Template(TAG).render(Context(context)) == expected
