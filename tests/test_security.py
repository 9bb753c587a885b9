"""Security suite (issue 11): role x agency x region x endpoint scope matrix (0 leaks), CSRF on every POST form,
open redirects, session cookie flags, HTML/script injection in free text shown back, and the confidential
reporter's identity absent from everything other roles can fetch. Run with -s to read the counts."""
import csv
import datetime as dt
import hashlib
import io
import re
import secrets
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.workflow import _search_document
from cases.models import Agency, Case, CaseStatus, Letter, LetterKind, Notification, Region
from tests.test_intake_support import event_step, fill_steps, intake_settings, reporter_step, respondent_step, submit
from tests.workflow_support import build_case, make_users

pytestmark = pytest.mark.django_db
__all__ = ["intake_settings"]
S = CaseStatus

ROLES = ["bawaslu_officer", "bawaslu_other_regency", "bawaslu_province", "supervisor_analyst", "supervisor_approver",
         "ppk_liaison", "bkn_officer", "kemendagri_officer", "kemenpanrb_officer", "screening_reviewer", "auditor",
         "administrator"]
ALL = {"A", "B", "C", "D"}
# Written down from the domain rules, not computed from cases.permissions:
#   A: Kab. Cilacap (33.01), Pemkab Cilacap, recommendation issued;  B: same, still under review (pre-recommendation);
#   C: Kab. Banyumas (33.02), Pemkab Banyumas, recommendation issued;  D: Jakarta Pusat (31.71), Kemenkeu (central).
EXPECTED = {
    "bawaslu_officer": {"A", "B"}, "bawaslu_other_regency": {"C"}, "bawaslu_province": {"A", "B", "C"},
    "supervisor_analyst": ALL, "supervisor_approver": ALL, "bkn_officer": ALL, "administrator": ALL,
    "ppk_liaison": {"A"}, "kemendagri_officer": {"A", "C"}, "kemenpanrb_officer": {"D"}, "screening_reviewer": set(),
    "auditor": {"A", "B", "C"},
}
EXPORTERS = {"bawaslu_officer", "bawaslu_other_regency", "bawaslu_province", "supervisor_analyst", "supervisor_approver",
             "bkn_officer", "auditor", "administrator"}


@pytest.fixture
def locmem_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": secrets.token_hex(4)}}


def _letter(case, n):
    track = case.tracks.first()
    pdf = b"%PDF-1.4\n% surat uji " + case.number.encode() + b"\n%%EOF\n"
    return Letter.objects.create(kind=LetterKind.RECOMMENDATION, case=case, track=track, agency=Agency.objects.get(code="BKN"),
                                 year=2099, seq=9000 + n, number=f"R-{9000 + n}/SEC/2099", hal=f"Rekomendasi {case.number}",
                                 pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), verify_token=secrets.token_hex(16))


@pytest.fixture
def world(db, locmem_cache):
    u = make_users("sec")
    specs = {"A": (S.AWAITING_FOLLOW_UP, "PEMKAB-33.01", "33.01"), "B": (S.UNDER_REVIEW, "PEMKAB-33.01", "33.01"),
             "C": (S.AWAITING_FOLLOW_UP, "PEMKAB-33.02", "33.02"), "D": (S.AWAITING_FOLLOW_UP, "KEMENKEU", "31.71")}
    cases = {}
    for i, (key, (status, agency, region)) in enumerate(specs.items()):
        case = build_case(status, u, agency_code=agency)
        Case.objects.filter(pk=case.pk).update(region=Region.objects.get(code=region), region_code=region,
                                               number=f"NTR-SEC{key}-{case.pk:07d}Q",
                                               title=f"Perkara matriks kasus{key}penanda")
        case.refresh_from_db()
        Case.objects.filter(pk=case.pk).update(search_document=_search_document(case))
        case.letter = _letter(case, i)
        case.nip = case.tracks.get().respondent.nip
        cases[key] = case
    return cases


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig", "replace")
    return response.content.decode("utf-8", "replace")


def _xlsx_text(response) -> str:
    from openpyxl import load_workbook

    data = b"".join(response.streaming_content) if response.streaming else response.content
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return repr([row for ws in wb.worksheets for row in ws.iter_rows(values_only=True)])


def _summary_total(response) -> int:
    rows = list(csv.reader(io.StringIO(_body(response))))
    return int(next(r for r in rows if r and r[0] == "Semua perkara")[1])


def test_scope_matrix_has_zero_leaks(world, request, client):
    from cases import stats

    stats.summary_refresh()  # the dashboard reads the summary views when the scope fits them
    cells, leaks = 0, []

    def check(role, endpoint, key, seen, expect):
        nonlocal cells
        cells += 1
        if seen != expect:
            leaks.append((role, endpoint, key, seen, expect))

    for role in ROLES:
        user = request.getfixturevalue(role)
        client.force_login(user)
        visible = EXPECTED[role]
        # Lists: present exactly when in scope.
        pages = {"queue": client.get("/cases/"), "home": client.get("/"),
                 "api_cases": client.get("/api/v1/cases/"), "api_letters": client.get("/api/v1/letters/")}
        bodies = {name: _body(r) for name, r in pages.items()}
        for key, case in world.items():
            expect = key in visible
            for name, body in bodies.items():
                if name == "home":  # the home page lists only urgent work: it may omit, never leak
                    if not expect:
                        check(role, name, key, case.number in body, False)
                    continue
                marker = case.number if name != "api_letters" else case.letter.number
                check(role, name, key, marker in body, expect)
            # the query is echoed in the search box: look for the case's title marker instead
            marker = f"kasus{key}penanda"
            search = _body(client.get("/cases/", {"q": case.nip}))
            check(role, "queue?q=", key, marker in search, expect)
            api_search = _body(client.get("/api/v1/cases/", {"q": case.nip}))
            check(role, "api?search=", key, marker in api_search, expect)
            for name, url in (("detail", f"/cases/{case.pk}/"), ("print", f"/cases/{case.pk}/print/"),
                              ("letter_pdf", f"/letters/{case.letter.pk}/pdf/"),
                              ("api_case", f"/api/v1/cases/{case.pk}/"),
                              ("api_timeline", f"/api/v1/cases/{case.pk}/timeline/"),
                              ("api_letter", f"/api/v1/letters/{case.letter.pk}/"),
                              ("api_letter_pdf", f"/api/v1/letters/{case.letter.pk}/pdf/"),
                              ("api_respondent", f"/api/v1/respondents/{case.nip}/")):
                response = client.get(url)
                assert response.status_code in (200, 403, 404), (role, url, response.status_code)
                check(role, name, key, response.status_code == 200, expect)
                if response.status_code != 200:
                    check(role, name + ":body", key, case.number in _body(response), False)
        # Exports: rows only from scope; roles without the permission get 403.
        for fmt in ("csv", "xlsx"):
            response = client.get("/stats/export/", {"format": fmt})
            if role not in EXPORTERS:
                check(role, f"export_{fmt}", "*", response.status_code == 200, False)
                continue
            text = _body(response) if fmt == "csv" else _xlsx_text(response)
            for key, case in world.items():
                check(role, f"export_{fmt}", key, case.number in text, key in visible)
        # Statistics: the dashboard's own total counts only cases in scope.
        dashboard = client.get("/stats/")
        check(role, "dashboard", "*", dashboard.status_code in (200, 403), True)
        if dashboard.status_code == 200:
            for case in world.values():
                check(role, "dashboard:numbers", case.number, case.number in _body(dashboard), False)
            total = _summary_total(client.get("/stats/table/summary.csv"))
            check(role, "dashboard:total", "*", total, len(visible))
        client.logout()

    # Notifications: each page lists the user's own only.
    admin = request.getfixturevalue("administrator")
    for key, case in world.items():
        Notification.objects.create(user=admin, case=case, kind="assigned", message=f"Untuk admin {case.number}")
    for role in ROLES:
        client.force_login(request.getfixturevalue(role))
        body = _body(client.get("/cases/notifications/"))
        for key, case in world.items():
            check(role, "notifications", key, f"Untuk admin {case.number}" in body, role == "administrator")
        client.logout()

    print(f"\nMatriks cakupan: {cells} sel (peran x instansi x wilayah x titik akhir), {len(leaks)} kebocoran")
    assert not leaks, "\n".join(map(str, leaks))


def test_api_reports_scope(world, request, client, intake_settings):
    """Intake reports by API: an intake officer sees their region and below, nobody else sees any."""
    from reports import services
    from reports.models import Anonymity

    reports = {}
    for code in ("33.01", "33.02", "31.71"):
        fields = {"election": world["A"].election, "region": Region.objects.get(code=code),
                  "respondent_name": f"Terlapor laporan {code}", "respondent_agency": Agency.objects.get(code="PEMKAB-33.01"),
                  "description": "Uraian uji cakupan laporan.", "occurred_on": timezone.localdate() - dt.timedelta(days=2),
                  "known_on": timezone.localdate() - dt.timedelta(days=1), "place": "Kantor"}
        reports[code] = services.report_submit(fields=fields, anonymity=Anonymity.NAMED, pin="123456",
                                               reporter={"name": f"Pelapor {code}", "address": "Jl. Uji", "phone": "0812",
                                                         "email": "p@example.test"})
    expected = {"bawaslu_officer": {"33.01"}, "bawaslu_other_regency": {"33.02"}, "bawaslu_province": {"33.01", "33.02"},
                "administrator": {"33.01", "33.02", "31.71"}}
    cells = 0
    for role in ROLES:
        client.force_login(request.getfixturevalue(role))
        listing = client.get("/api/v1/reports/")
        body = _body(listing) if listing.status_code == 200 else ""
        for code, report in reports.items():
            expect = code in expected.get(role, set())
            detail = client.get(f"/api/v1/reports/{report.pk}/")
            assert (detail.status_code == 200) == expect, (role, code, detail.status_code)
            assert (report.tracking_code in body) == expect, (role, code)
            page = client.get(reverse("reports:intake_detail", args=[report.pk]))
            assert (page.status_code == 200) == expect, (role, code, page.status_code)
            cells += 3
        client.logout()
    print(f"\nMatriks laporan: {cells} sel")


# --- CSRF -------------------------------------------------------------------------------------------------------

def csrf_targets(world_case, report_pk):
    return [
        ("login", "/login/"), ("logout", "/logout/"), ("intake step 1", reverse("reports:step", args=[1])),
        ("intake step 4", reverse("reports:step", args=[4])), ("tracking", reverse("reports:track")),
        ("tracking logout", reverse("reports:track_logout")),
        ("intake new", reverse("reports:intake_new")),
        ("intake start", reverse("reports:intake_start_check", args=[report_pk])),
        ("intake decide", reverse("reports:intake_decide", args=[report_pk])),
        ("intake merge", reverse("reports:intake_merge", args=[report_pk])),
        ("intake finding", reverse("reports:intake_to_finding", args=[report_pk])),
        ("intake evidence", reverse("reports:intake_add_evidence", args=[report_pk])),
        ("case action", reverse("cases:act", args=[world_case.pk])),
        ("case note", reverse("cases:note_create", args=[world_case.pk])),
        ("bulk assign", reverse("cases:bulk_assign")), ("notifications read", reverse("cases:notifications_read")),
        ("letters batch", reverse("letters:batch")), ("batch cancel", reverse("letters:batch_cancel", args=["x" * 32])),
        ("verify upload", reverse("letters:verify", args=[world_case.letter.verify_token])),
        ("verify lookup", reverse("letters:verify_lookup")),
        ("stats export", reverse("stats:export")), ("language", "/i18n/setlang/"),
        ("password reset", reverse("password_reset")),
        ("api case action", f"/api/v1/cases/{world_case.pk}/actions/register/"), ("api reports", "/api/v1/reports/"),
    ]


def test_every_post_form_refuses_a_missing_csrf_token(world, administrator, intake_settings):
    from reports import services
    from reports.models import Anonymity

    report = services.report_submit(fields={
        "election": world["A"].election, "region": Region.objects.get(code="33.01"), "respondent_name": "X",
        "respondent_agency": Agency.objects.get(code="PEMKAB-33.01"), "description": "Uraian.",
        "occurred_on": timezone.localdate(), "known_on": timezone.localdate()}, anonymity=Anonymity.NAMED, pin="123456",
        reporter={"name": "Y", "address": "Z", "phone": "1", "email": "y@example.test"})
    targets = csrf_targets(world["A"], report.pk)
    anonymous, logged_in = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    logged_in.force_login(administrator)
    refused = []
    for name, url in targets:
        for who, client in (("anonim", anonymous), ("admin", logged_in)):
            response = client.post(url, {"action": "register", "body": "x", "username": "admin_uji",
                                         "password": "rahasia-uji-123", "code": "ABCD", "pin": "1"})
            # An API endpoint that reads only JSON refuses this form body with 415 while DRF's CSRF check reads it
            # (nothing is accepted either way); a JSON body without the token is refused 403 below.
            if response.status_code in (403, 405) or (url.startswith("/api/") and (
                    (who == "anonim" and response.status_code == 401) or response.status_code == 415)):
                refused.append((name, who, response.status_code))
            else:
                raise AssertionError(f"{name} ({url}) as {who} accepted a POST without a CSRF token: "
                                     f"{response.status_code}")
    json_without_token = logged_in.post("/api/v1/reports/", '{"kind": "laporan"}', content_type="application/json")
    assert json_without_token.status_code == 403 and "CSRF" in json_without_token.json()["message"]
    posts = [r for r in refused if r[2] == 403]
    print(f"\nCSRF: {len(posts)} POST tanpa token ditolak 403 dari {len(targets)} URL x 2 klien")
    assert len(posts) >= 2 * (len(targets) - 3)
    assert Case.objects.get(pk=world["A"].pk).status == S.AWAITING_FOLLOW_UP


def test_session_authenticated_api_posts_need_csrf(world, administrator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)
    response = client.post(f"/api/v1/cases/{world['B'].pk}/actions/record_not_proven/", {"reason": "x"},
                           content_type="application/json")
    assert response.status_code == 403
    assert Case.objects.get(pk=world["B"].pk).status == S.UNDER_REVIEW


# --- redirects and session -----------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/", "/\\evil.example"])
def test_notifications_read_does_not_redirect_off_site(client, bawaslu_officer, target):
    client.force_login(bawaslu_officer)
    response = client.post(reverse("cases:notifications_read"), {"next": target})
    assert response.status_code == 302 and "evil.example" not in response["Location"]


def test_notifications_read_keeps_a_local_next(client, bawaslu_officer):
    client.force_login(bawaslu_officer)
    response = client.post(reverse("cases:notifications_read"), {"next": "/cases/?status=registered"})
    assert response["Location"] == "/cases/?status=registered"


def test_session_and_csrf_cookies_are_httponly_lax_and_expire(client, bawaslu_officer, settings):
    response = client.post("/login/", {"username": "bawaslu_cilacap", "password": "rahasia-uji-123"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and not cookie["max-age"]  # dies with the browser
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600  # and server-side after one working day at most
    assert client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE
    # the session id is rotated at login (no fixation)
    fixed = Client()
    fixed.get("/login/")
    fixed.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32
    fixed.post("/login/", {"username": "bawaslu_cilacap", "password": "rahasia-uji-123"})
    assert fixed.cookies[settings.SESSION_COOKIE_NAME].value != "a" * 32


def test_production_settings_mark_cookies_secure():
    """Under production variables (DEBUG off) every cookie is Secure and HTTPS is enforced."""
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
                                                                     "SECURE_"))}
    env.update(DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="kasn.example")
    out = subprocess.run([sys.executable, "manage.py", "diffsettings", "--all"], env=env, capture_output=True,
                         text=True, timeout=120, cwd=os.path.dirname(os.path.dirname(__file__)))
    assert out.returncode == 0, out.stderr[-2000:]
    values = dict(re.findall(r"^(?:### )?(\w+) = (.*)$", out.stdout, re.M))
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_HTTPONLY",
                 "SECURE_CONTENT_TYPE_NOSNIFF"):
        assert values[name] == "True", name
    assert int(values["SECURE_HSTS_SECONDS"]) >= 31536000
    assert values["SESSION_COOKIE_SAMESITE"] == "'Lax'" and values["DEBUG"] == "False"


def test_login_lockout_does_not_enumerate_users_or_lock_out_the_owner(db, bawaslu_officer, settings):
    """Complements test_foundation: the lock holds for the attacker's username+IP pair, an unknown username locks
    the same way (no hint whether an account exists), and the real officer on another IP is not locked out."""
    settings.AXES_FAILURE_LIMIT = 3
    attacker = Client(REMOTE_ADDR="10.9.9.9")
    for _i in range(3):
        attacker.post("/login/", {"username": "bawaslu_cilacap", "password": "salah"})
    assert "dikunci" in attacker.post("/login/", {"username": "bawaslu_cilacap", "password": "rahasia-uji-123"}).content.decode()
    ghost = Client(REMOTE_ADDR="10.9.9.8")
    for _i in range(3):
        ghost.post("/login/", {"username": "tidak_ada_orang", "password": "salah"})
    assert "dikunci" in ghost.post("/login/", {"username": "tidak_ada_orang", "password": "salah"}).content.decode()
    # the real officer on their own IP is not locked out by the attacker
    office = Client(REMOTE_ADDR="10.1.1.1")
    assert office.post("/login/", {"username": "bawaslu_cilacap", "password": "rahasia-uji-123"}).status_code == 302


def test_tracking_pin_lockout_holds_across_clients(client, intake_settings, settings):
    """test_intake checks the lock from one client; a second browser (new session, other IP) is locked too."""
    from tests.test_intake_support import public_report

    settings.TRACKING_MAX_PIN_FAILURES = 3
    report, pin = public_report(client)
    for i in range(3):
        Client(REMOTE_ADDR=f"10.7.7.{i + 1}").post(reverse("reports:track"), {"code": report.tracking_code, "pin": "000000"})
    other = Client(REMOTE_ADDR="10.8.8.8")
    response = other.post(reverse("reports:track"), {"code": report.tracking_code, "pin": pin})
    assert response.status_code == 400 and "Terlalu banyak PIN salah" in response.content.decode()
    assert other.get(reverse("reports:track_status")).status_code != 200  # no tracking session was opened


# --- injection ------------------------------------------------------------------------------------------------

PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "{{7*7}}", "javascript:alert(1)"]
XSS = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def assert_escaped(html: str, where: str):
    assert "<script>alert(1)" not in html, where
    assert "<img src=x onerror" not in html, where
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", html, re.I), where


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def injected_case(db, intake_settings, client, django_capture_on_commit_callbacks):
    """A public report with payloads in every free-text field, registered and walked to a recommendation letter."""
    from reports import services
    from reports.models import Report

    u = make_users("xss")
    text = " ".join(PAYLOADS)
    fill_steps(client, reporter=reporter_step(anonymity="confidential", name=f"Pelapor {IMG}", address=f"Jl. {XSS}"),
               respondent=respondent_step(respondent_name=f"Budi {XSS}", respondent_position=f"Camat {IMG} {{{{7*7}}}}"),
               event=event_step(place=f"Balai {XSS} {IMG}", description=f"Uraian panjang kejadian: {text} " * 2,
                                links="https://example.test/a?x=%22%3E%3Cscript%3E"))
    pin = client.session["report_draft"]["pin"]
    check = client.get(reverse("reports:step", args=[4]))
    assert check.status_code == 200
    assert_escaped(check.content.decode(), "intake check screen")
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(client).status_code == 302
    report = Report.objects.latest("id")
    services.report_start_check(actor=u["bawaslu"], report=report)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.report_register(actor=u["bawaslu"], report=report)
    return u, case, report, pin


def test_script_payloads_are_escaped_everywhere_they_are_shown(injected_case, client, django_capture_on_commit_callbacks):
    from cases.workflow import perform

    u, case, report, pin = injected_case
    fields = 5  # respondent name, position, place, description, links (from the public form)
    with django_capture_on_commit_callbacks(execute=True):
        case = perform("assign", actor=u["bawaslu"], case=case, officer=u["bawaslu"])
        case = perform("start_examination", actor=u["bawaslu"], case=case)
        case = perform("extend_decision", actor=u["bawaslu"], case=case, reason=f"Perpanjang {XSS}")
        case = perform("forward", actor=u["bawaslu"], case=case, conclusion=f"Kesimpulan {XSS} {IMG}")
        case = perform("start_review", actor=u["analyst"], case=case)
        case = perform("request_information", actor=u["analyst"], case=case, addressee=f"BKPSDM {IMG}",
                       questions=f"Pertanyaan {XSS}")
        case = perform("receive_information", actor=u["analyst"], case=case, summary=f"Ringkasan {XSS}")
        perform("draft_recommendation", actor=u["analyst"], case=case, proven=True, violation_types=["SOSMED_POST"],
                category="disciplinary", discipline_level="moderate", reasoning=f"Pertimbangan {XSS} {IMG}")
        case = perform("issue_recommendation", actor=u["approver"], case=case)
        case = perform("acknowledge", actor=u["ppk"], case=case)
        case = perform("record_sanction", actor=u["ppk"], case=case, sanction_type="PP94_MOD_TUKIN25_6M",
                       decree_number=f"800/{XSS}/2024"[:60], decree_date=timezone.localdate(),
                       signer_name=f"Sekda {IMG}", signer_position=f"Sekretaris {XSS}", employee_type="pns")
    fields += 10  # extend reason, conclusion, addressee, questions, summary, reasoning, decree no., signer, position, note
    from cases.workspace import note_add

    note_add(actor=u["analyst"], case=case, body=f"Catatan {XSS} {IMG} javascript:alert(1)")
    Notification.objects.create(user=u["analyst"], case=case, kind="assigned", message=f"Pesan {XSS} {IMG}")
    fields += 1
    pages = 0
    for key, url in (("analyst", f"/cases/{case.pk}/"), ("analyst", f"/cases/{case.pk}/print/"),
                     ("analyst", "/cases/notifications/"), ("analyst", f"/cases/?q={case.number}"),
                     ("bawaslu", f"/cases/{case.pk}/"), ("ppk", f"/cases/{case.pk}/"), ("ppk", "/cases/ppk/"),
                     ("bawaslu", reverse("reports:intake_detail", args=[report.pk])), ("analyst", "/")):
        client.force_login(u[key])
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_escaped(html, url)
        pages += 1
    client.force_login(u["analyst"])
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail  # shown, as text
    assert "{{7*7}}" in detail  # user text is never evaluated as a template
    api = client.get(f"/api/v1/cases/{case.pk}/")
    assert api["Content-Type"].startswith("application/json")
    csv_body = _body(client.get("/stats/export/", {"format": "csv"}))
    assert not any(cell.startswith(("=", "+", "@")) for row in csv.reader(io.StringIO(csv_body)) for cell in row)
    pages += 2
    # tracking page of the reporter
    tracker = Client()
    assert tracker.post(reverse("reports:track"), {"code": report.tracking_code, "pin": pin}).status_code == 302
    assert_escaped(tracker.get(reverse("reports:track_status")).content.decode(), "tracking")
    pages += 1
    # letters: the PDF text carries the payload as literal text, and no letter contains a JS action
    letters = list(Letter.objects.filter(case=case))
    assert letters
    texts = []
    for letter in letters:
        raw = bytes(letter.pdf)
        assert b"/JavaScript" not in raw and b"/JS " not in raw and b"/OpenAction" not in raw
        texts.append(" ".join(pdf_text(raw).split()))
    assert any("Budi <script>alert(1)</script>" in t for t in texts)  # printed as literal text, not markup
    pages += len(letters)
    print(f"\nInjeksi: {fields} isian bebas x {pages} halaman/berkas diperiksa")


def test_javascript_links_are_refused_or_not_linked(injected_case, client):
    u, case, report, _pin = injected_case
    Case.objects.filter(pk=case.pk).update(place="javascript:alert(1)")
    client.force_login(u["bawaslu"])
    for url in (f"/cases/{case.pk}/", reverse("reports:intake_detail", args=[report.pk])):
        html = client.get(url).content.decode()
        assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", html, re.I), url


# --- confidential reporter identity ----------------------------------------------------------------------------

NAME, PHONE, EMAIL, ADDRESS = "Wulandari Kusumaningtyas", "0877-1357-9246", "wulan.rahasia@pelapor.test", \
    "Jl. Kenanga Rahasia 77"


def test_confidential_reporter_identity_never_reaches_other_roles(db, intake_settings, client, request,
                                                                  django_capture_on_commit_callbacks):
    from cases.letters.issue import letter_issue
    from cases.workflow import perform
    from reports import services
    from reports.models import Report

    fill_steps(client, reporter=reporter_step(anonymity="confidential", name=NAME, phone=PHONE, email=EMAIL,
                                              address=ADDRESS))
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(client).status_code == 302
    report = Report.objects.latest("id")
    assert report.anonymity == "confidential"
    intake = request.getfixturevalue("bawaslu_officer")
    services.report_start_check(actor=intake, report=report)
    u = make_users("conf")
    with django_capture_on_commit_callbacks(execute=True):
        case = services.report_register(actor=intake, report=report)
        case = perform("assign", actor=intake, case=case, officer=intake)
        case = perform("start_examination", actor=intake, case=case)
        case = perform("forward", actor=intake, case=case, conclusion="Terbukti")
        case = perform("start_review", actor=u["analyst"], case=case)
        perform("draft_recommendation", actor=u["analyst"], case=case, proven=True, violation_types=["SOSMED_POST"],
                category="disciplinary", discipline_level="moderate", reasoning="Terbukti")
        case = perform("issue_recommendation", actor=u["approver"], case=case)
    letter_issue(actor=u["approver"], kind=LetterKind.RECOMMENDATION, agency=Agency.objects.get(code="BKN"), case=case,
                 track=case.tracks.get(), sifat="Rahasia")
    secrets_ = [NAME, PHONE, EMAIL, ADDRESS, "Wulandari", "13579246", "wulan.rahasia", "Kenanga Rahasia"]
    letters = list(Letter.objects.filter(case=case))
    assert letters
    fetched = 0
    # intake officers of the report's region (Cilacap and the province above it) and administrators may see it
    others = [r for r in ROLES if r not in ("bawaslu_officer", "bawaslu_province", "administrator")]
    for role in others:
        user = request.getfixturevalue(role)
        client.force_login(user)
        urls = ["/", "/cases/", f"/cases/?q={case.number}", f"/cases/{case.pk}/", f"/cases/{case.pk}/print/",
                "/cases/notifications/", "/cases/ppk/", "/cases/bkn/", "/cases/ministry/", "/stats/",
                "/api/v1/cases/", f"/api/v1/cases/{case.pk}/", f"/api/v1/cases/{case.pk}/timeline/", "/api/v1/letters/",
                "/api/v1/reports/", f"/api/v1/reports/{report.pk}/", reverse("reports:intake_queue"),
                reverse("reports:intake_detail", args=[report.pk]), "/stats/export/?format=csv"]
        urls += [f"/letters/{letter.pk}/pdf/" for letter in letters]
        urls += [f"/api/v1/letters/{letter.pk}/" for letter in letters]
        for url in urls:
            response = client.get(url)
            fetched += 1
            if response.status_code != 200:
                continue
            body = _body(response) if not response.get("Content-Type", "").startswith("application/pdf") \
                else pdf_text(response.content)
            for secret in secrets_:
                assert secret.lower() not in body.lower(), (role, url, secret)
        xlsx = client.get("/stats/export/", {"format": "xlsx"})
        if xlsx.status_code == 200:
            text = _xlsx_text(xlsx)
            assert not any(s in text for s in secrets_), role
        fetched += 1
        client.logout()
    for letter in letters:
        text = pdf_text(bytes(letter.pdf))
        assert not any(s in text for s in secrets_), letter.number
    # the intake officer does see it (the check above is not vacuous)
    client.force_login(intake)
    assert NAME in client.get(reverse("reports:intake_detail", args=[report.pk])).content.decode()
    print(f"\nIdentitas rahasia: {fetched} respons dari {len(others)} peran, 0 memuat identitas pelapor")
