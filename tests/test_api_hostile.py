"""Hostile and malformed bodies a client can send to the API: each gets a 4xx in the API's {code, message, fields}
shape, in Indonesian by default and English on request; never a 500. Plus: every REST framework message has an
Indonesian translation (issue 28, point 5)."""
import gettext
import io
import json
from pathlib import Path

import pytest
import rest_framework
from django.utils import translation

from tests.test_api import client_for, issue, png_bytes, report_body

pytestmark = pytest.mark.django_db
JSON_ENDPOINTS = ["/api/v1/reports/", "/api/v1/screening/posts/"]
NESTED_2_4_KB = "[" * 1200 + "]" * 1200  # the body of the report: RecursionError inside json.loads


@pytest.fixture
def api():
    _token, key = issue("province", throttle_rate="100000/min")
    client = client_for(key)
    client.raise_request_exception = False  # a 500 must show up as a status, as a real client would see it
    return client


def _error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["message"], body
    return body


@pytest.mark.parametrize("path", JSON_ENDPOINTS)
def test_deeply_nested_json_is_a_400_naming_the_limit(api, path, settings):
    body = _error(api.post(path, NESTED_2_4_KB, content_type="application/json"), 400)
    assert body["code"] == "json_too_deep"
    assert f"lebih dari {settings.API_JSON_MAX_DEPTH} tingkat" in body["message"]
    just_over = {"links": json.loads("[" * settings.API_JSON_MAX_DEPTH + "]" * settings.API_JSON_MAX_DEPTH)}
    assert _error(api.post(path, just_over, format="json"), 400)["code"] == "json_too_deep"
    english = api.post(path, NESTED_2_4_KB, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert f"nests more than {settings.API_JSON_MAX_DEPTH} levels" in _error(english, 400)["message"]


def test_a_report_within_the_nesting_limit_is_still_accepted(api):
    assert api.post("/api/v1/reports/", report_body(), format="json").status_code == 201


@pytest.mark.parametrize("path", JSON_ENDPOINTS)
def test_a_body_over_the_upload_limit_is_a_413_in_the_api_shape(api, path, settings):
    oversized = json.dumps({"description": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    body = _error(api.post(path, oversized, content_type="application/json"), 413)
    assert body["code"] == "payload_too_large"
    assert str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) in body["message"]


def test_unknown_api_paths_are_a_json_404(api):
    for method in ("get", "post", "delete"):
        body = _error(getattr(api, method)("/api/v1/tidak-ada/"), 404)
        assert body["code"] == "not_found" and "/api/v1/docs/" in body["message"]
    assert _error(api.get("/api/v2/cases/"), 404)["code"] == "not_found"
    anonymous = client_for("x")
    anonymous.credentials()
    assert _error(anonymous.post("/api/v1/nope/", {"a": 1}, format="json"), 404)["code"] == "not_found"  # no CSRF page
    no_slash = _error(api.post("/api/v1/reports", report_body(), format="json"), 404)
    assert "/api/v1/reports/" in no_slash["message"]
    english = _error(api.get("/api/v1/tidak-ada/", HTTP_ACCEPT_LANGUAGE="en"), 404)
    assert english["message"].startswith("There is no API address")


HOSTILE_BODIES = [
    ("application/json", NESTED_2_4_KB),
    ("application/json", '{"a":' * 600 + "1" + "}" * 600),
    ("application/json", "[" * 100_000),
    ("application/json", b"\xff\xfe\x00{not utf-8"),
    ("application/json", '{"description": "\\ud800"}'),
    ("application/json", "NaN"),
    ("application/json", "1e999999"),
    ("application/json", '"a string"'),
    ("application/json", "[]"),
    ("application/json", "null"),
    ("application/json", ""),
    ("application/json", '{"links": [' + ",".join(['"https://a.id/"'] * 5000) + "]}"),
    ("application/json", '{"reporter": ' + json.dumps([{"name": "x"}] * 200) + "}"),
    ("application/json", json.dumps([{"platform": "x", "text": ["a"] * 5}] * 600)),
    ("multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc"),
    ("multipart/form-data", b"no boundary"),
    ("text/plain", "halo"),
    ("application/x-www-form-urlencoded", "a=1&" * 2000),
]


@pytest.mark.parametrize("path", [*JSON_ENDPOINTS, "/api/v1/cases/1/actions/forward/", "/api/v1/letters/verify/"])
def test_hostile_bodies_never_cause_a_server_error(api, path):
    statuses = []
    for content_type, body in HOSTILE_BODIES:
        response = api.post(path, body, content_type=content_type)
        statuses.append(response.status_code)
        assert response.status_code < 500, (content_type, body[:40], response.content[:300])
        _error(response, response.status_code)
    assert not [s for s in statuses if s >= 500]


def test_evidence_upload_with_hostile_multipart_is_refused_cleanly(api):
    report = api.post("/api/v1/reports/", report_body(), format="json").json()
    url = f"/api/v1/reports/{report['id']}/evidence/"
    for content_type, body in HOSTILE_BODIES:
        response = api.post(url, body, content_type=content_type)
        assert response.status_code < 500, (content_type, body[:40], response.content[:300])
    upload = io.BytesIO(png_bytes())
    upload.name = "bukti.png"
    assert api.post(url, {"file": upload}, format="multipart").status_code == 201


def _drf_msgids():
    mo = Path(rest_framework.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    return sorted({key if isinstance(key, str) else key[0] for key in catalog} - {""})


# "Token" is the same word in Indonesian; the plural form of the throttling wait is checked through ngettext below.
SAME_IN_INDONESIAN = {"Token", "Expected available in {wait} seconds."}


def test_every_rest_framework_message_is_indonesian():
    msgids = _drf_msgids()
    assert len(msgids) > 100
    with translation.override("id"):
        untranslated = [m for m in msgids if translation.gettext(m) == m and m not in SAME_IN_INDONESIAN]
        wait = translation.ngettext("Expected available in {wait} second.", "Expected available in {wait} seconds.", 3)
    assert untranslated == []
    assert wait == "Coba lagi dalam {wait} detik."
