"""The case queue stays cheap as it grows: a bounded number of queries whatever the page holds, and the rows
and <option> lists built in Python (cases/templatetags/queue_rows.py, queue_form.py) are the same HTML the
template loops produced."""
import datetime as dt

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases.filters import CLOCK_STATES, SORTS
from cases.models import Case, CaseStatus, Notification, Role, SanctionCategory, User
from cases.page_user import load_page_user
from cases.selectors import queue_rows
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("cases:queue")
# session, user, the page user (roles, region, agency, unread count: one query) + rows, total, officers, elections:
# none of them per row
MAX_QUERIES = 10


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


# The loop the tag replaced, from templates/cases/_queue_rows.html before the change (plus the q-* cell classes
# the phone layout places, #25.4).
TEMPLATE_LOOP = """{% load i18n %}{% url 'cases:queue' as case_base %}
  {% for c in rows %}
    <tr>
      {% if may_assign %}<td class="q-pick"><input type="checkbox" name="case" value="{{ c.pk }}" aria-labelledby="n-{{ c.pk }}"></td>{% endif %}
      <td class="nowrap q-num"><a href="{{ case_base }}{{ c.pk }}/" id="n-{{ c.pk }}">{{ c.number }}</a></td>
      <td class="q-title">{{ c.title|truncatechars:110 }}</td>
      <td class="q-status"><span class="status s-{{ c.status }}">{{ c.get_status_display }}</span></td>
      <td class="q-region">{{ c.region.name }} <span class="muted mono">{{ c.region_code }}</span></td>
      <td class="q-election">{{ c.election.name }}</td>
      <td class="nowrap q-due">{% if c.next_due %}<span class="badge {% if c.next_due < today %}overdue{% endif %}">{{ c.next_due|date:"j M Y" }}</span>{% elif c.status == 'overdue' %}<span class="badge overdue">{{ overdue_label }}</span>{% else %}<span class="muted">—</span>{% endif %}</td>
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
    cases = list(Case.objects.select_related("election", "region").order_by("id"))
    rows = list(queue_rows(Case.objects.order_by("id")))
    with translation.override(language):
        for loop_rows, tag_rows in ((cases, rows), ([], [])):
            context = {"may_assign": may_assign, "today": today, "overdue_label": translation.gettext("terlambat")}
            expected = Template(TEMPLATE_LOOP).render(Context({**context, "rows": loop_rows}))
            assert Template(TAG).render(Context({**context, "rows": tag_rows})) == expected
            assert expected.count("<tr>") == (4 if loop_rows else 1)
    assert "&lt;b&gt;&quot;memilih&quot;&lt;/b&gt; &amp; &#x27;dukungan&#x27;" in Template(TAG).render(Context({"rows": rows}))


# The filter form's and bulk-assign select's loops the tags replaced, verbatim from templates/cases/queue.html
# and _queue_rows.html before the change.
OPTION_LOOPS = """{% for v, l in statuses %}<option value="{{ v }}" {% if v in form.status.value %}selected{% endif %}>{{ l }}</option>{% endfor %}
{% for slug, name in elections %}<option value="{{ slug }}" {% if form.election.value == slug %}selected{% endif %}>{{ name }}</option>{% endfor %}
{% for v, l in sanction_categories %}<option value="{{ v }}" {% if form.sanction_category.value == v %}selected{% endif %}>{{ l }}</option>{% endfor %}
{% for v, l in clock_states %}<option value="{{ v }}" {% if form.clock_state.value == v %}selected{% endif %}>{{ l }}</option>{% endfor %}
{% for v, l in sorts %}<option value="{{ v }}" {% if form.sort.value == v %}selected{% endif %}>{{ l }}</option>{% endfor %}
{% for o in officers %}<option value="{{ o.pk }}">{{ o.get_full_name|default:o.username }} ({{ o.username }})</option>{% endfor %}"""
OPTION_TAGS = """{% load queue_form %}{% filter_options "status" %}
{% filter_options "election" elections %}
{% filter_options "sanction_category" %}
{% filter_options "clock_state" %}
{% filter_options "sort" %}
{% officer_options officers %}"""


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("params", [
    {}, {"status": ["overdue", "registered"], "clock_state": "due_week", "sort": "-due", "sanction_category": "both"},
    {"status": "nope", "election": "<x>", "sort": "bogus", "clock_state": "paused"}, {"sort": "", "election": "pilkada"},
])
def test_option_tags_render_what_the_template_loops_did(rf, bawaslu_officer, language, params):
    from cases.selectors import case_queue

    UserFactory(username="o&apos", first_name="Sri <b>", last_name="Wahyuni", roles=[Role.BAWASLU])
    UserFactory(username="nameless", first_name="", last_name="", roles=[Role.ANALYST])
    form = case_queue(bawaslu_officer, rf.get(QUEUE, params).GET).form
    officers_qs = User.objects.filter(is_active=True).order_by("username")
    elections = [("pilkada", "Pilkada <2026> & \"serentak\""), ("pemilu", "Pemilu")]
    with translation.override(language):
        expected = Template(OPTION_LOOPS).render(Context({
            "form": form, "statuses": CaseStatus.choices, "elections": elections, "clock_states": CLOCK_STATES,
            "sorts": SORTS, "sanction_categories": SanctionCategory.choices, "officers": list(officers_qs)}))
        shown = Template(OPTION_TAGS).render(Context({
            "form": form, "elections": elections,
            "officers": list(officers_qs.values_list("id", "username", "first_name", "last_name"))}))
    assert shown == expected
    assert "Sri &lt;b&gt; Wahyuni (o&amp;apos)" in shown and ("selected" in shown) == bool(params)


@pytest.mark.parametrize("fixture", ["bawaslu_officer", "supervisor_analyst", "ppk_liaison", "administrator"])
def test_page_user_is_read_in_one_query_and_agrees_with_the_model(request, fixture):
    user = request.getfixturevalue(fixture)
    Notification.objects.create(user=user, kind="assigned", message="a")
    Notification.objects.create(user=user, kind="assigned", message="b", read_at=timezone.now())
    fresh = User.objects.get(pk=user.pk)
    loaded = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as ctx:
        load_page_user(loaded)
        roles, region, agency = loaded.roles, loaded.region, loaded.agency
    assert len(ctx.captured_queries) == 1
    assert roles == fresh.roles and region == fresh.region and agency == fresh.agency
    assert loaded.unread_notifications == 1 == fresh.notifications.filter(read_at__isnull=True).count()
    if agency is not None:
        assert agency.short_name == fresh.agency.short_name and agency.kind == fresh.agency.kind
    fresh.is_superuser = True
    fresh.save()
    assert Role.ADMIN in load_page_user(User.objects.get(pk=user.pk)).roles == User.objects.get(pk=user.pk).roles
    fresh.is_active = False
    fresh.save()
    inactive = User.objects.get(pk=user.pk)
    assert load_page_user(inactive).roles == frozenset() == User.objects.get(pk=user.pk).roles


def test_signed_in_page_reads_its_user_once_with_roles_region_and_count(client, bawaslu_officer):
    """The session's user row and the page data (roles, region, agency, unread count) come in one statement:
    no second query for the user alone, none for its groups."""
    from cases.models import User as UserModel

    Notification.objects.create(user=bawaslu_officer, kind="assigned", message="a")
    client.force_login(bawaslu_officer)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(QUEUE, {"received_from": "2000-01-03"}).content.decode()
    from cases.selectors import assignable_officers

    user_table = connection.ops.quote_name(UserModel._meta.db_table)
    officers_query = assignable_officers(None).select_related(None).values_list("id", "username", "first_name", "last_name")
    officers = officers_query.query.sql_with_params()[0].split(" WHERE ")[0]  # the "assigned" filter's list of officers
    queries = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(officers)]
    assert len(queries) == len(ctx.captured_queries) - 1
    reads = [sql for sql in queries if f"FROM {user_table}" in sql]
    assert len(reads) == 1 and "ARRAY(SELECT" in reads[0]
    assert not any("auth_group" in sql and "ARRAY(SELECT" not in sql for sql in queries)
    assert "Notifikasi: 1 belum dibaca" in body  # the bell counts the one unread notification


def test_session_user_that_was_deactivated_or_removed_is_signed_out(client, bawaslu_officer):
    client.force_login(bawaslu_officer)
    assert client.get(QUEUE).status_code == 200
    User.objects.filter(pk=bawaslu_officer.pk).update(is_active=False)
    assert client.get(QUEUE).status_code == 302  # to the login page, not a page for an inactive account
    session = client.session
    session["_auth_user_id"] = "999999999"  # a user removed since
    session.save()
    assert client.get(QUEUE).status_code == 302


def test_bell_after_marking_read_counts_again(client, bawaslu_officer):
    note = Notification.objects.create(user=bawaslu_officer, kind="assigned", message="a")
    client.force_login(bawaslu_officer)
    before = client.get(reverse("cases:notifications_bell")).content.decode()
    after = client.post(reverse("cases:notifications_read"), {"id": note.pk}, HTTP_HX_REQUEST="true",
                        HTTP_HX_TARGET="bell").content.decode()
    assert "Notifikasi: 1 belum dibaca" in before and "Notifikasi: 0 belum dibaca" in after


# The menu the tag replaced, verbatim from templates/base.html before the change (plus the auditors' access record, #26.2).
MENU_TEMPLATE = """{% load i18n %}    <a href="{% url 'home' %}">{% translate "Beranda" %}</a>
    <a href="{% url 'cases:queue' %}">{% translate "Daftar perkara" %}</a>
    {% if Role.PPK_LIAISON in user_roles or Role.ADMIN in user_roles %}<a href="{% url 'cases:ppk' %}">{% translate "Portal PPK" %}</a>{% endif %}
    {% if Role.BKN in user_roles or Role.ADMIN in user_roles %}<a href="{% url 'cases:bkn' %}">{% translate "Blokir data" %}</a>{% endif %}
    {% if Role.KEMENPANRB in user_roles or Role.KEMENDAGRI in user_roles or Role.ADMIN in user_roles %}<a href="{% url 'cases:ministry' %}">{% translate "PPK terlambat" %}</a>{% endif %}
    {% if Role.BAWASLU in user_roles or Role.ANALYST in user_roles or Role.APPROVER in user_roles or Role.ADMIN in user_roles %}<a href="{% url 'cases:workload' %}">{% translate "Beban kerja" %}</a>{% endif %}
    {% if nav_may.reports_intake %}<a href="{% url 'reports:intake_queue' %}">{% translate "Penerimaan laporan" %}</a>{% endif %}
    {% if nav_may.cases_export or Role.KEMENPANRB in user_roles or Role.KEMENDAGRI in user_roles %}<a href="{% url 'stats:dashboard' %}">{% translate "Statistik" %}</a>{% endif %}
    {% if Role.BAWASLU in user_roles or Role.ANALYST in user_roles or Role.APPROVER in user_roles or Role.ADMIN in user_roles %}<a href="{% url 'letters:batch' %}">{% translate "Cetak surat massal" %}</a>{% endif %}
    {% if nav_may.screening_review %}<a href="{% url 'screening:queue' %}">{% translate "Penapisan" %}</a>{% endif %}
    {% if Role.ADMIN in user_roles %}<a href="{% url 'cases:calendar' %}">{% translate "Kalender kerja" %}</a>{% endif %}
    {% if Role.AUDITOR in user_roles or Role.ADMIN in user_roles %}<a href="{% url 'privacy:access' %}">{% translate "Catatan akses" %}</a>{% endif %}
"""


@pytest.mark.parametrize("language", ["id", "en"])
def test_menu_tag_renders_what_the_template_did(language):
    import itertools

    may_sets = [{}, {"reports_intake": True, "cases_export": True, "screening_review": True},
                {"cases_export": True, "reports_intake": False}, {"screening_review": True}]
    role_sets = [frozenset()] + [frozenset({r}) for r in Role] + [frozenset(c) for c in itertools.combinations(
        [Role.BAWASLU, Role.PPK_LIAISON, Role.KEMENDAGRI, Role.ADMIN], 2)]
    with translation.override(language):
        for roles, may in itertools.product(role_sets, may_sets):
            context = {"Role": Role, "user_roles": roles, "nav_may": may}
            expected = Template(MENU_TEMPLATE).render(Context(context))
            assert Template("{% load main_nav %}    {% main_nav %}\n").render(Context(context)) == expected, (roles, may)


def test_bulk_assign_officers_are_the_selectors_list(bawaslu_officer, supervisor_analyst, ppk_liaison):
    from cases.selectors import assignable_officer_options, assignable_officers

    UserFactory(username="nonaktif", roles=[Role.BAWASLU], is_active=False)
    UserFactory(username="dua_peran", roles=[Role.BAWASLU, Role.ANALYST])
    expected = list(assignable_officers(bawaslu_officer).values_list("id", "username", "first_name", "last_name"))
    assert assignable_officer_options(bawaslu_officer) == expected
    names = [row[1] for row in expected]
    assert names == sorted(names) and "dua_peran" in names and "nonaktif" not in names and "ppk_cilacap" not in names


@pytest.mark.django_db
def test_filterset_instances_share_no_filter_and_methods_run_on_their_own_filterset():
    """The per-request copy of the filters is shallow (cheaper); two requests must still not share a filter, and a
    method filter must call the method of its own FilterSet, with its own data."""
    from django.http import QueryDict

    from cases.filters import CaseFilterSet
    from cases.models import Region

    cilacap = CaseFactory(region=Region.objects.get(code="33.01"))
    jakarta = CaseFactory(region=Region.objects.get(code="31.71"))
    a = CaseFilterSet(QueryDict("region=33"), queryset=Case.objects.all())
    b = CaseFilterSet(QueryDict("region=31"), queryset=Case.objects.all())
    assert a.filters["region"] is not b.filters["region"]
    assert a.filters["region"].filter.f is a.filters["region"] and a.filters["region"].parent is a
    assert "parent" not in CaseFilterSet.base_filters["region"].__dict__
    assert a.is_valid() and b.is_valid()
    assert set(a.qs.values_list("pk", flat=True)) == {cilacap.pk}
    assert set(b.qs.values_list("pk", flat=True)) == {jakarta.pk}


@pytest.mark.django_db
def test_filter_forms_share_no_field_state_between_requests():
    """The filter form's fields are copied without their choice lists (cheaper); one request's errors, widget
    attributes or bound values must never show on another's form."""
    from django.http import QueryDict

    from cases.filters import CaseFilterSet

    bad = CaseFilterSet(QueryDict("sort=nonsense&status=nonsense&received_from=2024-13-01"), queryset=Case.objects.all())
    good = CaseFilterSet(QueryDict("sort=due&status=awaiting_follow_up"), queryset=Case.objects.all())
    assert not bad.is_valid() and {"sort", "status", "received_from"} <= set(bad.form.errors)
    bad.form.fields["sort"].widget.attrs["aria-invalid"] = "true"
    bad.form.fields["sort"].error_messages["invalid_choice"] = "changed"
    assert good.is_valid() and not good.form.errors
    for name in ("sort", "status", "received_from"):
        assert good.form.fields[name] is not bad.form.fields[name]
        assert good.form.fields[name].widget is not bad.form.fields[name].widget
    assert "aria-invalid" not in good.form.fields["sort"].widget.attrs
    assert good.form.fields["sort"].error_messages["invalid_choice"] != "changed"
    fresh = CaseFilterSet(QueryDict("sort=nonsense"), queryset=Case.objects.all())
    assert not fresh.is_valid() and "changed" not in str(fresh.form.errors["sort"])
    assert [c for c, _label in good.form.fields["status"].choices] == [c for c, _label in CaseStatus.choices]
    assert good.form.cleaned_data["status"] == ["awaiting_follow_up"] and good.form.cleaned_data["sort"] == "due"
