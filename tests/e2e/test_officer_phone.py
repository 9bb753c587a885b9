"""Officers' main pages on a 390 px phone (Chromium): nothing scrolls sideways, no word is broken mid-word in the
case page's facts, and the case actions are reachable near the top. Screenshots in test-artifacts/e2e/phone-*."""
import os

import pytest
from django.core.management import call_command

from cases import workflow
from cases.models import Agency, ElectionPeriod, Region, Role
from tests.e2e.conftest import ARTIFACTS, sign_in, sign_in
from tests.factories import UserFactory, make_nip
from tests.workflow_support import ensure_reference_data

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "rahasia-uji-123"
ROLES = {  # username: (role, agency, region, main page)
    "bawaslu_cilacap": (Role.BAWASLU, "BAWASLU-33.01", "33.01", "/cases/"),
    "analis": (Role.ANALYST, "BKN", "00", "/cases/"),
    "ppk_cilacap": (Role.PPK_LIAISON, "PEMKAB-33.01", "33.01", "/cases/ppk/"),
    "bkn": (Role.BKN, "BKN", "00", "/cases/bkn/"),
    "kemendagri": (Role.KEMENDAGRI, "KEMENDAGRI", "00", "/cases/ministry/"),
}


@pytest.fixture
def people(transactional_db):
    ensure_reference_data()  # the rows migrate + load_reference left, copied back (tests/conftest.py)
    return {name: UserFactory(roles=[role], agency=Agency.objects.get(code=agency), region=Region.objects.get(code=region),
                              username=name) for name, (role, agency, region, _page) in ROLES.items()}


@pytest.fixture
def phone(browser, live_server):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="id-ID")
    page = ctx.new_page()
    page.set_default_timeout(20000)
    yield page
    ctx.close()


def login(page, base, username):
    page.context.clear_cookies()
    sign_in(page, base, username, PASSWORD)
    page.wait_for_url(base + "/")


def sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def broken_words(page, selector) -> list[str]:
    """Texts in `selector` cells that a line break splits inside a word (narrower than their longest word)."""
    return page.evaluate("""sel => Array.from(document.querySelectorAll(sel)).filter(el => {
        const longest = Math.max(0, ...el.textContent.split(/\\s+/).map(w => w.length));
        const probe = document.createElement("span");
        probe.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap;font:inherit";
        probe.textContent = el.textContent.split(/\\s+/).sort((a, b) => b.length - a.length)[0] || "";
        el.appendChild(probe);
        const tooNarrow = longest > 0 && probe.offsetWidth > el.clientWidth + 1;
        probe.remove();
        return tooNarrow;
    }).map(el => el.textContent.trim().slice(0, 40))""", selector)


def test_each_role_main_page_and_the_case_page_work_at_390_px(phone, live_server, people):
    case = workflow.case_open(
        actor=people["bawaslu_cilacap"], election=ElectionPeriod.objects.get(slug="pilkada-2024"),
        region=Region.objects.get(code="33.01"), title="Kepala Dinas Pendidikan mengunggah ajakan memilih pasangan calon",
        description="Unggahan Facebook berisi foto bersama pasangan calon dan ajakan memilih.", place="Facebook",
        respondents=[{"nip": make_nip(), "name": "Drs. Ahmad Santoso", "position": "Kepala Dinas Pendidikan",
                      "agency": Agency.objects.get(code="PEMKAB-33.01")}])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for username, (_role, _agency, _region, main) in ROLES.items():
        login(phone, live_server.url, username)
        phone.goto(live_server.url + main)
        phone.screenshot(path=str(ARTIFACTS / f"phone-{username}-main.png"), full_page=True)
        assert sideways(phone) <= 390, f"{main} for {username} scrolls sideways ({sideways(phone)} px)"

    login(phone, live_server.url, "bawaslu_cilacap")
    phone.goto(f"{live_server.url}/cases/{case.pk}/")
    phone.screenshot(path=str(ARTIFACTS / "phone-case-page.png"), full_page=True)
    assert sideways(phone) <= 390
    actions_top = phone.locator(".case-actions").bounding_box()["y"]
    assert actions_top < 900, f"the actions start {actions_top:.0f} px down the page"
    assert broken_words(phone, "dl.facts dd") == []
    value_width = phone.locator("dl.facts dd").first.bounding_box()["width"]
    assert value_width > 250, f"the value column is {value_width:.0f} px wide"


# Each demo role's main pages (#25.4), with the demo's stories loaded so the tables and lists have rows.
DEMO_PAGES = {
    "bawaslu.cilacap": ["/", "/cases/", "/intake/"], "bawaslu.jateng": ["/"], "bawaslu.ri": ["/"],
    "analis.bkn": ["/", "/cases/"], "penyetuju.bkn": ["/"], "ppk.cilacap": ["/", "/cases/ppk/"],
    "bkn.data": ["/", "/cases/bkn/"], "kemenpanrb": ["/", "/cases/ministry/"], "kemendagri": ["/", "/cases/ministry/"],
    "peninjau": ["/"], "auditor": ["/", "/cases/"], "admin": ["/"],
}


@pytest.fixture
def demo(transactional_db):
    ensure_reference_data()
    call_command("load_demo", cases=150, verbosity=0)
    call_command("load_demo_stories", verbosity=0)


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_demo_desk_at_390_px_has_no_sideways_scroll(browser, live_server, demo, language):
    """No page-level horizontal scroll on any role's home, queue or portal at 390 px; the queue's first case and
    each portal's first row on the first screen; tracking codes and case numbers never broken inside."""
    from cases.management.commands.load_demo import DEFAULT_PASSWORD

    from reports.demo_stories import DEMO_TRACKING_CODE
    from reports.models import Report

    story = Report.objects.get(tracking_code=DEMO_TRACKING_CODE).case_id  # the case page, with a conversation
    pages = {**DEMO_PAGES, "bawaslu.cilacap": [*DEMO_PAGES["bawaslu.cilacap"], f"/cases/{story}/"]}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    ctx.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = ctx.new_page()
    page.set_default_timeout(20000)
    problems = []
    for username, paths in pages.items():
        ctx.clear_cookies()
        ctx.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        sign_in(page, live_server.url, username, DEFAULT_PASSWORD)  # the approver and admin pass the second step
        for path in paths:
            page.goto(live_server.url + path)
            name = f"phone-{language}-{username}-{path.strip('/').replace('/', '-') or 'home'}.png"
            page.screenshot(path=str(ARTIFACTS / name), full_page=True)
            if sideways(page) > 390:
                problems.append(f"{username} {path}: page is {sideways(page)} px wide")
            broken = broken_words(page, "table.queue td.q-num, table.list td.nowrap, table.list td.mono")
            if broken:
                problems.append(f"{username} {path}: broken inside a word: {broken}")
            first = {f"/cases/{story}/": ".case-actions", "/cases/": "table.queue tbody tr", "/cases/ppk/": "table.list tbody tr",
                     "/cases/bkn/": "table.list tbody tr", "/cases/ministry/": "table.list tbody tr"}.get(path)
            if first:
                top = page.locator(first).first.bounding_box()["y"]
                if top > 844:
                    problems.append(f"{username} {path}: the first row starts {top:.0f} px down")
    ctx.close()
    assert problems == []
