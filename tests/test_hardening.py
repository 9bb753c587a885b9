"""Hardening (issue 28, point 7): a Content-Security-Policy with the project's own assets only and no inline script
or style, in the header and in every template; `Cache-Control: no-store` on evidence, letters and pages with
personal data; evidence rows append-only in the database (a raw UPDATE or DELETE is refused)."""
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.utils import IntegrityError, InternalError
from django.test import Client

from cases.models import CaseStatus
from reports.models import Evidence
from tests.test_api import add_letter, client_for, issue, png_bytes, report_body
from tests.test_intake_support import intake_settings, public_report
from tests.workflow_support import build_case, make_users

pytestmark = pytest.mark.django_db
__all__ = ["intake_settings"]

# json_script data blocks (type="application/json") are data, never run: CSP does not apply to them.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.I)
# Every template a browser renders: the project's folder and the apps' own (PDF templates left out: no browser).
BROWSER_TEMPLATES = [p for folder in ("templates", "cases", "reports") for p in (Path(settings.BASE_DIR) / folder).rglob("*.html")
                     if "templates" in p.parts and "letters" not in p.parts
                     and p.name not in {"summary_pdf.html", "_pdf_table.html"}]


def _directives(response) -> dict:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def evidence(intake_settings):
    _token, key = issue("province", throttle_rate="100000/min")
    api = client_for(key)
    report = api.post("/api/v1/reports/", report_body(), format="json").json()
    upload = io.BytesIO(png_bytes())
    upload.name = "bukti.png"
    response = api.post(f"/api/v1/reports/{report['id']}/evidence/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    return Evidence.objects.get(report_id=report["id"])


def test_policy_allows_only_own_assets_and_no_inline_script(client):
    response = client.get("/lapor/")
    policy = _directives(response)
    assert policy["default-src"] == ["'self'"] and policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not [v for values in policy.values() for v in values if "unsafe" in v or v in ("*", "http:", "https:")]


def test_no_template_holds_inline_script_handlers_or_styles():
    offenders = []
    for template in BROWSER_TEMPLATES:
        text = template.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE):
            offenders += [f"{template.relative_to(settings.BASE_DIR)}: {m.group(0)[:60]}" for m in pattern.finditer(text)]
    assert len(BROWSER_TEMPLATES) > 40
    assert offenders == []


def _officer(users):
    officer = Client()
    officer.force_login(users["admin"])
    return officer


def test_rendered_pages_carry_the_policy_and_no_inline_script(client, admin_client):
    users = make_users("csp")
    case = build_case(CaseStatus.AWAITING_FOLLOW_UP, users)
    officer = _officer(users)
    pages = {"/lapor/langkah/1/": client, "/lacak/": client, "/transparansi/": client, "/verify/": client,
             "/api/v1/docs/": client, "/cases/": officer, f"/cases/{case.pk}/": officer,
             "/stats/": officer, "/admin/": admin_client, "/login/": client}
    for path, who in pages.items():
        response = who.get(path)
        assert response.status_code == 200, path
        assert "Content-Security-Policy" in response, path
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (path, INLINE_SCRIPT.search(html).group(0))
        assert not INLINE_HANDLER.search(html), (path, INLINE_HANDLER.search(html).group(0))
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


def test_personal_data_is_never_stored_by_a_cache(client, evidence):
    users = make_users("cc")
    admin_client = _officer(users)
    case = build_case(CaseStatus.AWAITING_FOLLOW_UP, users)
    letter = add_letter(case, 4242)
    report, _pin = public_report(client)
    responses = {
        "evidence original": admin_client.get(f"/intake/bukti/{evidence.pk}/"),
        "letter pdf": admin_client.get(f"/letters/{letter.pk}/pdf/"),
        "api letter pdf": admin_client.get(f"/api/v1/letters/{letter.pk}/pdf/"),
        "case page": admin_client.get(f"/cases/{case.pk}/"),
        "case print": admin_client.get(f"/cases/{case.pk}/print/"),
        "report page": admin_client.get(f"/intake/{evidence.report_id}/"),
        "receipt": client.get("/lapor/selesai/"),
        "tracking": client.get("/lacak/"),
        "api case": admin_client.get(f"/api/v1/cases/{case.pk}/"),
    }
    for name, response in responses.items():
        assert response.status_code == 200, name
        assert "no-store" in response["Cache-Control"], name
    static = client.get(settings.STATIC_URL + "css/app.css")
    assert "no-store" not in static.get("Cache-Control", ""), "static files stay cacheable"


@pytest.mark.parametrize("sql", [
    "UPDATE reports_evidence SET sha256 = repeat('0', 64) WHERE id = %s",
    "UPDATE reports_evidence SET original_name = 'lain.png' WHERE id = %s",
    "UPDATE reports_evidence SET uploaded_by_id = NULL WHERE id = %s",
    "DELETE FROM reports_evidence WHERE id = %s",
])
def test_raw_sql_cannot_change_or_delete_evidence(evidence, sql):
    before = Evidence.objects.filter(pk=evidence.pk).values().get()
    with pytest.raises((IntegrityError, InternalError), match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [evidence.pk])
    assert Evidence.objects.filter(pk=evidence.pk).values().get() == before


def test_only_the_derived_preview_may_be_regenerated(evidence):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_evidence SET preview = 'evidence/previews/baru.jpg' WHERE id = %s", [evidence.pk])
    assert Evidence.objects.get(pk=evidence.pk).preview.name == "evidence/previews/baru.jpg"
