"""Playwright: an administrator adds a cuti bersama day for next year on the calendar page and sees an open
case's due date move on the case page. Screenshots in test-artifacts/e2e/."""
import datetime as dt

import pytest
from django.utils import timezone

from cases import deadlines
from cases.models import CaseStatus, Role
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_officer_journeys import login, new_case, reference, user  # noqa: F401  (fixture)
from tests.workflow_support import make_users

pytestmark = [pytest.mark.e2e]


def shot(page, name, width=None):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if width:
        page.set_viewport_size({"width": width, "height": 900})
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def first_working_day_after(day):
    cal = deadlines.calendar()
    day += dt.timedelta(days=1)
    while not cal.is_working(day):
        day += dt.timedelta(days=1)
    return day


def test_admin_adds_cuti_bersama_next_year_and_the_case_due_date_moves(page, reference):
    admin = user(Role.ADMIN, "BKN", "00", "admin_kalender")
    officer = make_users("e2ecal")["bawaslu"]
    case = new_case(officer)
    next_year = timezone.localdate().year + 1
    # An open clock that runs into next year: registered on the last working days of this year.
    start = dt.date(next_year - 1, 12, 28)
    clock = deadlines.clock_start(case, "SUPERVISOR_EXAM", on=start)
    day = first_working_day_after(dt.date(next_year, 1, 5))
    assert start < day <= clock.due_on
    before = clock.due_on

    login(page, admin.username)
    page.goto(page.base + f"/cases/kalender/?year={next_year}")
    shot(page, "calendar_year_desktop")
    page.fill("#id_date", day.isoformat())
    page.fill("#id_name", "Cuti bersama (uji)")
    page.check("#id_cuti_bersama")
    page.click("text=Simpan dan hitung ulang tenggat")
    page.wait_for_selector(".msg.success")
    assert "tenggat yang masih berjalan bergeser" in page.inner_text(".msg.success")
    shot(page, "calendar_after_add_desktop")
    shot(page, "calendar_after_add_phone", width=390)
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => {
        const r = e.getBoundingClientRect(); return r.right > 391 && !(e.parentElement && e.parentElement.closest('.table-wrap')); })
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 12)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide  # nothing wider than a phone

    clock.refresh_from_db()
    assert clock.due_on == first_working_day_after(before) and clock.due_on != before
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(page.base + f"/cases/{case.pk}/")
    body = page.inner_text("main")
    assert f"{clock.due_on.day} " in body and str(clock.due_on.year) in body
    assert case.status == CaseStatus.RECEIVED
