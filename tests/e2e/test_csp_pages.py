"""Under the Content-Security-Policy the pages still work in Chromium, with no violation reported (issue 28, point 7):
Swagger UI, the public form's anonymity switch, the language switcher, the statistics charts and their shaded
tables, the print page. Screenshots (desktop and 390 px) land in test-artifacts/e2e/csp_*.png."""
import pytest

from cases import stats
from cases.models import CaseStatus, Role
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_officer_journeys import login, reference, user  # noqa: F401 (reference is a fixture)
from tests.workflow_support import build_case, make_users

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def watched(page):
    """The page, plus every CSP violation and script error it reports."""
    problems = []
    # (Chromium's own /favicon.ico probe is a console error with no page response: not counted.)
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.problems = problems
    return page


def shots(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"csp_{name}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / f"csp_{name}_390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 1000})


def test_pages_work_under_the_policy(watched, reference):
    from playwright.sync_api import expect

    page = watched
    response = page.goto(page.base + "/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".opblock").first).to_be_visible()
    shots(page, "swagger")

    page.goto(page.base + "/lapor/langkah/1/")
    page.get_by_label("Anonim").check()
    expect(page.locator("#identity")).to_be_hidden()
    page.locator("#lang-select").select_option("en")  # the switcher submits its form from static/js/site.js
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("#lang-select").select_option("id")
    expect(page.locator("html")).to_have_attribute("lang", "id")

    officer = user(Role.ADMIN, "BKN", "00", "admin_csp")
    case = build_case(CaseStatus.AWAITING_FOLLOW_UP, make_users("csp"))
    stats.summary_refresh()  # the dashboard reads the summary views
    login(page, officer.username)
    page.goto(page.base + "/stats/")
    expect(page.locator("canvas").first).to_be_visible()
    shaded = page.locator("tr.shaded[data-share]").first  # the bar behind each row's label, set by site.js
    assert page.evaluate("el => el.style.getPropertyValue('--share')", shaded.element_handle()) != ""
    shots(page, "stats")

    page.goto(page.base + f"/cases/{case.pk}/print/")  # a page of its own, outside base.html
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Cetak").click()
    assert page.evaluate("window.printed") is True
    assert page.problems == []
