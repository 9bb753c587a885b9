"""The branded error pages as a person sees them with DEBUG off (issue 28, point 4): 404, 403 and 500 in Indonesian
and English at 1280 and 390 px (test-artifacts/e2e/error_*.png), each with the site header and a way back."""
import pytest

from tests.e2e.conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.urls("tests.error_urls")]


def test_error_pages_in_chromium(page, settings, transactional_db):
    from playwright.sync_api import expect

    settings.DEBUG = False
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for language, back in (("id", "Kembali ke beranda"), ("en", "Back to the home page")):
        page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base}])
        for path, code in (("/tidak-ada/", 404), ("/uji/403/", 403), ("/uji/500/", 500)):
            response = page.goto(page.base + path)
            assert response.status == code
            expect(page.get_by_role("link", name=back)).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / f"error_{code}_{language}.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(ARTIFACTS / f"error_{code}_{language}_390.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.set_viewport_size({"width": 1280, "height": 1000})
        page.get_by_role("link", name=back).click()
        expect(page).to_have_url(page.base + "/")
