"""Shared Playwright fixtures: Debian Chromium, headless, one browser per test process, one context per test."""
import os
from pathlib import Path

import pytest

from tests.conftest import require_service

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def playwright_driver():
    """Playwright's sync API, once per test process: a second one cannot start while the first runs."""
    from playwright import sync_api

    with sync_api.sync_playwright() as p:
        yield p
        # While Playwright's event loop runs in this thread, asgiref's thread-critical Local gives Django's
        # connections a context-variable store apart from the thread's own: the ORM calls of the browser tests open
        # a second connection of the main thread, which nothing else closes. Left open, it kept the test database
        # from being dropped at the end of the run ("being accessed by other users"; tests/conftest.py names it).
        from django.db import connections

        connections.close_all()


@pytest.fixture(scope="session")
def browser(playwright_driver):
    """One Chromium for the run (per xdist worker): each test still gets a fresh context, with its own cookies,
    storage and cache."""
    require_service("Debian Chromium (/usr/bin/chromium)", Path(CHROMIUM).exists())
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base = live_server.url
    yield page
    context.close()


def sign_in(page, base: str, username: str, password: str) -> None:
    """Sign in through both steps as an officer does: the password, then, for someone who needs the second step,
    either enrolment (the key read off the enrolment page, as one types it into an authenticator app; the
    recovery codes page passed) or a code of the enrolled authenticator, computed from the device's key
    (tests/otp_support.py). Ends on the page the sign-in leads to."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.otp_support import code_from_secret, totp_now

    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    if "/login/dua-langkah/" in page.url:
        page.fill("#id_token", code_from_secret(page.text_content(".secret code")))
        with page.expect_navigation(url="**/akun/dua-langkah/kode-pemulihan/**"):
            page.click("form button[type=submit]")
        with page.expect_navigation():
            page.click("a.button.primary")
    elif "/login/verifikasi/" in page.url:
        page.fill("#id_token", totp_now(TOTPDevice.objects.get(user__username=username, confirmed=True)))
        with page.expect_navigation():
            page.click("form button[type=submit]")
