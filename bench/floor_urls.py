"""The least any page of this kind must do, served through the project's own settings and middleware.

Only bench/bench_floor.py loads this (DJANGO_SETTINGS_MODULE=bench.floor_settings); the application never does.

- /floor/page/: a signed-in page that does nothing: session, user, CSRF, locale, the whole middleware stack, and a
  body as long as the queue page's.
- /floor/sql/?<queue query>: the same, plus the one statement the queue runs for that query (built by the
  application's own selectors once per query string, then only executed), each row written as one line of HTML.
- /floor/helpdesk/?<queue query>&page=N (peer, not a floor): the same queue page served the way django-helpdesk
  serves its ticket list: the same scoped FilterSet, then Django's Paginator (an exact COUNT(*), the page by
  OFFSET) over model instances, rendered through a template, so the design's keyset queue shows as a ratio.
- /floor/intake/: a token POST that reads the token from the cache, parses the JSON body and INSERTs it in a
  transaction (committed, as the real intake's report), answering 201 with JSON.
- /floor/intake-drf/: the same INSERT behind the project's REST framework defaults, as every API view has them:
  the API token authentication, the per-client throttle, the JSON parser and renderer, the error handler.
"""
import functools
import json

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from rest_framework.response import Response
from rest_framework.views import APIView

from kasn_cases.urls import urlpatterns as project_urls

BODY_BYTES = 38_000  # about the queue page's length (third page, 50 rows)
FLOOR_TABLE = "bench_floor_intake"


@login_required
def page(request):
    return HttpResponse("<!doctype html><title>floor</title>" + "x" * BODY_BYTES)


@functools.lru_cache(maxsize=64)
def _queue_sql(user_id, query_string):
    """The SQL and parameters of the queue's row query for this user and query string (compiled once)."""
    from django.http import QueryDict

    from cases import selectors
    from cases.models import User
    from cases.pagination import CASE_SORTS, _after, decode_cursor

    data = QueryDict(query_string)
    filterset = selectors.case_queue(User.objects.get(pk=user_id), data)
    filterset.is_valid()
    sort = filterset.sort_value
    key = CASE_SORTS[sort]
    qs = selectors.queue_rows(filterset.qs, key.field)
    if key.nullable:
        qs = qs.filter(**{f"{key.field}__isnull": False})
    if data.get("cursor"):
        _phase, value, pk = decode_cursor(data["cursor"], sort, key)
        qs = _after(qs, key, value, pk)
    return qs.order_by(*key.order_by())[:51].query.sql_with_params()


@login_required
def sql(request):
    statement, params = _queue_sql(request.user.pk, request.META.get("QUERY_STRING", ""))
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    html = "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % escape(v) for v in row) for row in rows[:50])
    return HttpResponse("<!doctype html><title>floor</title><table>" + html + "</table>"
                        + "x" * max(0, BODY_BYTES - len(html)))


PEER_TEMPLATE = """{% load i18n %}<!doctype html><title>{% translate "Daftar perkara" %}</title>
<p>{{ page.paginator.count }} perkara · {{ page.number }} / {{ page.paginator.num_pages }}</p><table>
{% for c in page %}<tr><td><a href="{% url 'cases:detail' c.pk %}">{{ c.number }}</a></td><td>{{ c.title|truncatechars:110 }}</td>
<td>{{ c.get_status_display }}</td><td>{{ c.region.name }} {{ c.region_code }}</td><td>{{ c.election.name }}</td>
<td>{{ c.next_due|date:"j M Y" }}</td></tr>{% endfor %}</table>
{% if page.has_next %}<a href="?page={{ page.next_page_number }}">{% translate "Halaman berikutnya" %}</a>{% endif %}"""


@login_required
def helpdesk(request):
    """The peer row: page numbers (OFFSET) and an exact COUNT(*) over the queue's own filters and scope."""
    from django.core.paginator import Paginator
    from django.template import engines

    from cases import selectors
    from cases.pagination import CASE_SORTS

    filterset = selectors.case_queue(request.user, request.GET, request=request)
    filterset.is_valid()
    key = CASE_SORTS[filterset.sort_value]
    page = Paginator(filterset.qs.order_by(*key.order_by()), 50).get_page(request.GET.get("page"))
    return HttpResponse(engines["django"].from_string(PEER_TEMPLATE).render({"page": page}, request))


def _insert(body) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FLOOR_TABLE} (body) VALUES (%s) RETURNING id", [json.dumps(body)])
        return cursor.fetchone()[0]


@csrf_exempt
def intake(request):
    token = request.headers.get("Authorization", "").removeprefix("Token ")
    if request.method != "POST" or cache.get("floor-token:" + token) is None:
        return JsonResponse({"code": "unauthorized"}, status=401)
    return JsonResponse({"id": _insert(json.loads(request.body)), "status": "received"}, status=201)


class DrfIntake(APIView):
    def post(self, request):
        return Response({"id": _insert(request.data), "status": "received"}, status=201)


urlpatterns = [path("floor/page/", page), path("floor/sql/", sql), path("floor/helpdesk/", helpdesk),
               path("floor/intake/", intake),
               path("floor/intake-drf/", DrfIntake.as_view()), *project_urls]
