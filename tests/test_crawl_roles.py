"""Every page a signed-in officer can reach by following links answers without a server error, for every demo
role, and so does every form on those pages (GET and POST) filled with nonsense.

What the independent browser journeys do by hand, done for all roles at once: start from the home page of the
demo (cases, stories, screening posts), follow every same-site link (a few of each URL shape), and send each
form back with a value no form offers in each field (its hidden fields as the page gave them; a POST form once
per shape, since an accepted one changes the case). A 4xx is an answer; a 5xx is a bug. The letters batch
page answered 500 to queue filters for one commit (160e8df) with no journey passing through it: this test
would have found it.
"""
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from cases.demo.users import DEMO_USERS
from cases.models import Case, Role, User
from cases.selectors import cases_visible_to, tracks_visible_to
from reports.models import Report
from reports.screening.models import Account

PAGES_PER_ROLE = 120
PER_SHAPE = 2  # /cases/12/ and /cases/34/ are one shape; two of each are visited
SKIP = re.compile(r"^/(?:static|media)/|/logout/?$|/keluar/?$|^/i18n/")
NONSENSE = ["zz<'\"", "-1", "99999999999999999999", "2026-02-31", "\u202e\u0000x"]


class _Links(HTMLParser):
    """Same-site hrefs, and each form: (method, action, hidden fields with their values, other field names)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[str, str, dict, list[str]]] = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = ((attrs.get("method") or "get").lower(), attrs.get("action") or "", {}, [])
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea", "button") and self._form is not None and attrs.get("name"):
            if attrs.get("type") == "hidden" or (tag == "button" and attrs.get("value")):
                self._form[2][attrs["name"]] = attrs.get("value") or ""
            elif tag != "button" and attrs.get("type") not in ("submit", "button"):
                self._form[3].append(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _shape(path: str) -> str:
    return re.sub(r"/[0-9a-f-]{6,}/|/\d+/", "/N/", urlsplit(path).path)


def _local(href: str, here: str) -> str | None:
    if href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    path = parts.path if parts.path.startswith("/") else urlsplit(here).path.rsplit("/", 1)[0] + "/" + parts.path
    if not path or SKIP.search(path):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    call_command("screening_load_lexicon", verbosity=0)
    call_command("load_demo", cases=120, verbosity=0)
    call_command("screening_load_demo", verbosity=0)
    with django_capture_on_commit_callbacks(execute=True):  # the stories' letters are issued once their actions commit
        call_command("load_demo_stories", verbosity=0)


def _crawl(client, *start: str) -> tuple[list, set]:
    """Follow links from `start` and send every form back with nonsense; (the 5xx answers, the URLs visited)."""
    seen, shapes, errors, visited, posted = set(), Counter(), [], 0, set()
    queue = deque(start)
    while queue and visited < PAGES_PER_ROLE:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        visited += 1
        if response.status_code >= 500:
            errors.append((url, response.status_code))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode("utf-8", "replace"))
        for href in parser.links:
            target = _local(href, url)
            if target and target not in seen and shapes[_shape(target)] < PER_SHAPE:
                shapes[_shape(target)] += 1
                queue.append(target)
        for method, action, hidden, names in parser.forms:
            target = _local(action, url) if action else url
            if not target or not names:
                continue
            path, keep = urlsplit(target).path, dict(parse_qsl(urlsplit(target).query))
            if method == "post":  # each form once (its path's shape and fields): the first answer may change state
                key = (_shape(path), tuple(sorted(names)),
                       tuple(sorted((k, v) for k, v in hidden.items() if k != "csrfmiddlewaretoken")))
                if key in posted:
                    continue
                posted.add(key)
            for value in NONSENSE:
                fields = {**hidden, **{name: value for name in names}}
                if method == "post":
                    bad = client.post(target, fields)
                    sent = f"POST {target} {fields}"
                else:
                    query = urlencode({**keep, **fields})
                    bad = client.get(path, QUERY_STRING=query)
                    sent = f"{path}?{query}"
                if bad.status_code >= 500:
                    errors.append((sent, bad.status_code))
    return errors, seen


@pytest.mark.django_db
def test_every_linked_page_and_form_answers_without_a_server_error(demo):
    """All roles on one load of the demo (10 s each otherwise); a role's accepted forms stay for the next ones."""
    errors, reached = {}, {}
    # a report in each status (the intake desk's forms differ by status; one outside a role's scope answers 404)
    reports = [f"/intake/{pk}/" for pk in Report.objects.order_by("status", "-pk").distinct("status")
               .values_list("pk", flat=True)]
    for i, username in enumerate(u[0] for u in DEMO_USERS):
        client = Client(raise_request_exception=False)  # a 500 is recorded with its URL, and the crawl goes on
        if i % 2:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # every other role in English
        user = User.objects.get(username=username)
        client.force_login(user)
        # a case page in each status the role sees: each status shows other action forms
        cases = [f"/cases/{pk}/" for pk in cases_visible_to(user).order_by("status", "-pk")
                 .distinct("status").values_list("pk", flat=True)]
        found, seen = _crawl(client, "/", *cases, *reports)
        reached[username] = len(seen)
        if found:
            errors[username] = found
    assert min(reached.values()) >= 3, reached
    assert errors == {}, errors


@pytest.mark.django_db
def test_the_public_and_a_signed_in_reporter_get_no_server_error_either(demo):
    """The citizen's side: the public pages from the home page (in English too), then the demo reporter's tracking page (code and
    PIN), its message and answer forms included."""
    from reports.demo_stories import DEMO_PIN, DEMO_TRACKING_CODE

    english = Client(raise_request_exception=False)
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switcher's choice
    errors, seen = _crawl(english, "/")
    assert len(seen) >= 3 and errors == [], errors
    client = Client(raise_request_exception=False)
    errors, seen = _crawl(client, "/")
    assert len(seen) >= 3 and errors == [], errors
    signed_in = client.post("/lacak/", {"code": DEMO_TRACKING_CODE, "pin": DEMO_PIN})
    assert signed_in.status_code == 302 and "/lacak/status/" in signed_in["Location"]
    errors, seen = _crawl(client, "/lacak/status/")
    assert errors == [], errors
    assert client.post("/lacak/status/", {"action": "answer", "info": "zz", "answer": "jawaban"}).status_code == 404


@pytest.mark.django_db
def test_a_nul_in_a_query_parameter_is_refused_with_the_parameter_named(client):
    """PostgreSQL text holds no NUL: such a filter value is refused before any view, 400 on a page, 422 in the
    API's error shape, in Indonesian unless English is asked for; the same page without it answers as usual."""
    client.force_login(User.objects.create_user("nul", password="x"))
    page = client.get("/screening/akun/", {"q": "ab\x00c", "page": "1"})
    assert page.status_code == 400
    assert "Parameter \u201cq\u201d memuat karakter NUL (0x00)" in page.content.decode()
    api = client.get("/api/v1/cases/", {"q": "\x00", "status": "registered"}, HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 422
    assert api.json()["fields"] == {"q": ["The NUL character (0x00) is not allowed."]}
    assert api.json()["code"] == "invalid" and "\u201cq\u201d" in api.json()["message"]
    assert client.get("/api/v1/cases/", {"q": "%00 as text"}).status_code != 422  # the text "%00" itself is fine
    posted = client.post("/cases/bulk-assign/", {"case": "1", "officer": "1", "reason": "alasan\x00"})
    assert posted.status_code == 400 and "Parameter \u201creason\u201d" in posted.content.decode()
    assert client.post("/cases/bulk-assign/", {"case": "1", "officer": "zz"}).status_code == 302  # a message, no 500


NIP = re.compile(r"(?<![\d.])(\d{8})[ \u00a0]?(\d{6})[ \u00a0]?(\d)[ \u00a0]?(\d{3})(?![\d.])")


@pytest.mark.django_db
def test_no_role_sees_a_respondents_nip_outside_its_scope_on_any_page_the_administrator_reaches(demo):
    """Scope checked from outside: every page the administrator reaches (so every object URL of the demo), asked
    for by each other role; on each page that answers, every NIP shown belongs to a respondent that role may see
    in full (cases.selectors.tracks_visible_to), or for the screening reviewer an account holder of the screening
registry. A PPK liaison reads only its own agency's respondents, even in a
    case shared with another agency."""
    admin = Client(raise_request_exception=False)
    admin.force_login(User.objects.get(username="admin"))
    cases = [f"/cases/{pk}/" for pk in Case.objects.order_by("status", "-pk").distinct("status")
             .values_list("pk", flat=True)]
    _errors, urls = _crawl(admin, "/", *cases)
    leaks, seen_any = {}, Counter()
    for username in [u[0] for u in DEMO_USERS if u[0] != "admin"]:
        user = User.objects.get(username=username)
        allowed = set(tracks_visible_to(user).values_list("respondent__nip", flat=True))
        if user.has_role(Role.SCREENING):  # the account registry: which civil servant holds which account
            allowed |= set(Account.objects.values_list("respondent__nip", flat=True))
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for url in sorted(urls):
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            shown = {"".join(m) for m in NIP.findall(response.content.decode("utf-8", "replace"))}
            seen_any[username] += len(shown)
            if shown - allowed:
                leaks.setdefault(username, []).append((url, sorted(shown - allowed)[:3]))
    assert leaks == {}, leaks
    assert seen_any["ppk.cilacap"] and seen_any["bawaslu.cilacap"], seen_any  # the check looked at real NIPs
