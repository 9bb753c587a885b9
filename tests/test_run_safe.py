"""`make run` safe by default (issue 28, point 4): DEBUG off with branded 400/403/404/500 pages in Indonesian and
English (site header, a way back, no URL list or traceback); plain HTTP on localhost without an HTTPS redirect or
secure-only cookies; production variables still give HTTPS everything (tests/test_foundation.py runs check --deploy)."""
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]

PAGES = {  # path: (status, Indonesian heading, English heading)
    "/tidak-ada/": (404, "Halaman tidak ditemukan", "Page not found"),
    "/cases/999999999/": (404, "Halaman tidak ditemukan", "Page not found"),
    "/uji/403/": (403, "Akses ditolak", "Access denied"),
    "/uji/400/": (400, "Permintaan tidak dapat diproses", "The request cannot be processed"),
    "/uji/500/": (500, "Terjadi kesalahan pada server", "A server error occurred"),
}
DEBUG_MARKERS = ("URLconf", "urlpatterns", "Traceback", "Django tried these URL patterns", "Request Method", "uji: kesalahan")


@pytest.fixture
def production_pages(settings):
    settings.DEBUG = False
    return settings


def _client(language, user=None):
    client = Client(raise_request_exception=False)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    if user:
        client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["id", "en"])
def test_error_pages_are_branded_with_a_way_back_in_the_users_language(production_pages, language, bawaslu_officer):
    for who in (None, bawaslu_officer):
        client = _client(language, who)
        for path, (status, heading_id, heading_en) in PAGES.items():
            if path.startswith("/cases/") and who is None:
                continue  # the login page first: an anonymous visitor learns nothing about case numbers
            response = client.get(path)
            body = response.content.decode()
            assert response.status_code == status, (path, body[:300])
            assert (heading_id if language == "id" else heading_en) in body, (path, language)
            assert 'class="topbar"' in body and 'class="brand"' in body, path  # the site header
            assert 'href="/"' in body, path  # a way back
            assert not [m for m in DEBUG_MARKERS if m in body], path
            assert f'<html lang="{language}">' in body


def test_the_403_page_says_why(production_pages):
    body = _client("id").get("/uji/403/").content.decode()
    assert "Peran Anda tidak berwenang membuka bukti laporan ini." in body


def test_a_wrong_host_and_a_stale_form_get_branded_pages(production_pages):
    wrong_host = Client(raise_request_exception=False).get("/", HTTP_HOST="penyerang.example")
    assert wrong_host.status_code == 400 and "Permintaan tidak dapat diproses" in wrong_host.content.decode()
    stale = Client(enforce_csrf_checks=True).post("/login/", {"username": "a", "password": "b"})
    assert stale.status_code == 403 and "Formulir kedaluwarsa" in stale.content.decode()
    assert "Kembali ke beranda" in stale.content.decode()


def test_api_paths_keep_json_errors_with_debug_off(production_pages):
    response = _client("id").get("/api/v1/tidak-ada/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def _settings_in(env_over: dict) -> dict:
    """The settings a fresh process computes from these variables (as gunicorn under `make run` would)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(env_over)
    code = ("import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({k: "
            "getattr(s, k) for k in ('DEBUG', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
            "'SECURE_HSTS_SECONDS', 'WHITENOISE_USE_FINDERS', 'LETTER_SIGNING_TEST_CA')}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=django_settings.BASE_DIR, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_make_run_serves_plain_http_on_localhost_with_debug_off():
    from kasn_cases import gunicorn_conf

    assert gunicorn_conf.bind.startswith("127.0.0.1:") or os.environ.get("HOST")
    local = _settings_in({"KASN_EMBEDDED": "1"})  # what kasn_cases/run.py sets for its children
    assert local == {"DEBUG": False, "SECURE_SSL_REDIRECT": False, "SESSION_COOKIE_SECURE": False,
                     "CSRF_COOKIE_SECURE": False, "SECURE_HSTS_SECONDS": 0, "WHITENOISE_USE_FINDERS": False,
                     "LETTER_SIGNING_TEST_CA": True}
    production = _settings_in({"SECRET_KEY": "p" * 60, "ALLOWED_HOSTS": "netralitas.example.go.id"})
    assert production["DEBUG"] is False and production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SECURE_HSTS_SECONDS"] >= 31536000 and production["LETTER_SIGNING_TEST_CA"] is False
    assert _settings_in({"DEBUG": "true"})["DEBUG"] is True  # development stays possible
