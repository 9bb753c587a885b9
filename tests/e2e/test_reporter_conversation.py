"""Reporters on a phone talk with the officers handling their report and follow it to its outcome (Chromium).

Screenshots in test-artifacts/e2e/ (conv-*), in Indonesian and English; axe finds no serious or critical violation
on the tracking page with messages, on the public form showing its errors, and on the officers' dashboard.
"""
import datetime as dt
import os

import pytest
from django.test import Client

from cases import workflow
from cases.models import Agency, Notification, Region, Role
from reports import services
from reports.models import InfoRequestStatus, Report, ReportMessage
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import ARTIFACTS, sign_in
from tests.factories import UserFactory
from tests.workflow_support import ensure_reference_data
from tests.test_intake_support import fill_steps, intake_settings, public_report, reporter_step

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
__all__ = ["intake_settings"]
PASSWORD = "rahasia-uji-123"


@pytest.fixture
def officers(intake_settings):
    ensure_reference_data()  # the rows migrate + load_reference left, copied back (tests/conftest.py)

    def user(role, agency, region, username):
        return UserFactory(roles=[role], agency=Agency.objects.get(code=agency), region=Region.objects.get(code=region),
                           username=username)

    return {"bawaslu": user(Role.BAWASLU, "BAWASLU-33.01", "33.01", "bawaslu_cilacap")}


def context(browser, live_server, *, phone=False, language="id"):
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    ctx = browser.new_context(viewport=size, is_mobile=phone, has_touch=phone, locale="id-ID", bypass_csp=True)
    ctx.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = ctx.new_page()
    page.set_default_timeout(20000)
    return ctx, page


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"conv-{name}.png"), full_page=True)


def login(page, base, username):
    sign_in(page, base, username, PASSWORD)
    page.wait_for_url(base + "/")


def track(page, base, report, pin):
    page.goto(base + "/lacak/")
    page.fill("#id_code", report.tracking_code_display)
    page.fill("#id_pin", pin)
    page.click("form button[type=submit]")
    page.wait_for_url(base + "/lacak/status/")


def test_a_phone_reporter_talks_with_bawaslu_and_reads_the_outcome(browser, live_server, officers):
    from playwright.sync_api import expect

    officer = officers["bawaslu"]
    report, pin = public_report(Client())
    services.report_start_check(actor=officer, report=report)
    case = services.report_register(actor=officer, report=Report.objects.get(pk=report.pk))

    desk_ctx, desk = context(browser, live_server)
    login(desk, live_server.url, officer.username)
    desk.goto(f"{live_server.url}/cases/{case.pk}/")
    desk.click(f"#conv-{report.pk} summary")
    desk.fill(f"#id_msg{report.pk}-body", "Selamat siang. Apakah Anda bersedia hadir untuk klarifikasi pada hari Senin?")
    desk.click(f"#conv-{report.pk} button[type=submit]")
    expect(desk.locator(f"#conv-{report.pk} .thread")).to_contain_text("bersedia hadir untuk klarifikasi")
    shot(desk, "01-officer-case-page-message")

    phone_ctx, phone = context(browser, live_server, phone=True)
    track(phone, live_server.url, report, pin)
    expect(phone.locator("#stage")).to_have_text("Ditangani Bawaslu")
    expect(phone.locator("#messages .thread")).to_contain_text("Bawaslu Kabupaten Cilacap")
    expect(phone.locator("#messages .thread")).not_to_contain_text(officer.username)
    phone.fill("#id_msg-body", "Bersedia. Saya bisa hadir Senin pukul 10.00.")
    phone.click("#messages button[type=submit]")
    expect(phone.locator("#messages .thread")).to_contain_text("Saya bisa hadir Senin")
    shot(phone, "02-reporter-phone-messages-id")
    assert serious_violations(phone) == []

    assert Notification.objects.filter(user=officer, kind="reporter_message").exists()
    desk.goto(f"{live_server.url}/pesan/{report.pk}/")
    expect(desk.locator(".thread")).to_contain_text("Saya bisa hadir Senin")

    workflow.perform("dismiss", actor=officer, case=case, reason="Terlapor sudah tidak berstatus ASN sejak Agustus.")
    phone.goto(live_server.url + "/lacak/status/")
    expect(phone.locator("#stage")).to_have_text("Selesai: dihentikan Bawaslu")
    expect(phone.locator("#timeline")).to_contain_text("Penanganan dihentikan oleh Bawaslu")
    expect(phone.locator("#timeline")).to_contain_text("Terlapor sudah tidak berstatus ASN")
    expect(phone.locator("#evidence-closed")).to_be_visible()
    shot(phone, "03-reporter-phone-outcome-id")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the tracking page scrolls sideways on a phone ({width} px)"

    phone_ctx.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    phone.goto(live_server.url + "/lacak/status/")
    expect(phone.locator("#stage")).to_have_text("Ended: stopped by Bawaslu")
    expect(phone.locator("#timeline")).to_contain_text("Handling stopped by Bawaslu")
    shot(phone, "04-reporter-phone-outcome-en")
    assert serious_violations(phone) == []
    desk_ctx.close()
    phone_ctx.close()


def test_an_anonymous_reporter_answers_a_completion_request(browser, live_server, officers):
    from playwright.sync_api import expect

    client = Client()
    fill_steps(client, anonymity="anonymous", reporter=reporter_step("anonymous"))
    pin = client.session["report_draft"]["pin"]
    client.post("/lapor/langkah/4/", {"action": "submit", "confirm": "on",
                                      "form_token": client.session["report_draft"]["token"]})
    report = Report.objects.get(pk=client.session["report_receipt"]["id"])

    desk_ctx, desk = context(browser, live_server)
    login(desk, live_server.url, officers["bawaslu"].username)
    desk.goto(f"{live_server.url}/pesan/{report.pk}/")
    desk.fill("#id_msg-body", "Mohon sebutkan nama desa tempat rapat itu diadakan.")
    desk.fill("#id_msg-due_on", (dt.date.today() + dt.timedelta(days=2)).isoformat())
    desk.click("#messages button[type=submit]")
    expect(desk.locator(".thread")).to_contain_text("Permintaan kelengkapan")
    shot(desk, "05-officer-completion-request")

    phone_ctx, phone = context(browser, live_server, phone=True, language="en")
    track(phone, live_server.url, report, pin)
    expect(phone.locator("#open-request")).to_contain_text("Your reply below answers that request")
    shot(phone, "06-anonymous-phone-request-en")
    phone.fill("#id_msg-body", "Desa Kroya Lor, di balai desa.")
    phone.click("#messages button[type=submit]")
    expect(phone.locator("#open-request")).to_have_count(0)
    shot(phone, "07-anonymous-phone-answered-en")
    info = report.info_requests.get()
    assert info.status == InfoRequestStatus.ANSWERED and info.answer == "Desa Kroya Lor, di balai desa."
    assert ReportMessage.objects.filter(report=report).count() == 2
    desk_ctx.close()
    phone_ctx.close()


def test_axe_finds_nothing_serious_on_the_public_form_with_errors_and_the_dashboard(browser, live_server, officers):
    from playwright.sync_api import expect

    ctx, page = context(browser, live_server, phone=True)
    page.goto(live_server.url + "/lapor/")
    page.click("form button.primary")  # step 1 sent empty
    expect(page.locator(".errorlist").first).to_be_visible()
    shot(page, "08-public-form-errors-id")
    assert serious_violations(page) == []
    ctx.close()

    ctx, page = context(browser, live_server)
    login(page, live_server.url, officers["bawaslu"].username)
    page.goto(live_server.url + "/stats/")
    shot(page, "09-dashboard")
    assert serious_violations(page) == []
    ctx.close()


@pytest.mark.parametrize("language", ["id", "en"])
def test_dashboard_filters_and_public_form_errors_in_both_languages(browser, live_server, officers, language):
    """Done when (#25): the dashboard filters (an empty choice means all, then a status), and axe finds nothing
    serious on the dashboard and on the public form with its errors, in Indonesian and in English."""
    from playwright.sync_api import expect

    from cases import stats
    from cases.models import CaseStatus
    from tests.workflow_support import build_case, make_users

    users = make_users(f"df{language}")
    for status in (CaseStatus.REGISTERED, CaseStatus.OVERDUE, CaseStatus.OVERDUE, CaseStatus.CLOSED_SANCTIONED):
        build_case(status, users)
    stats.summary_refresh()
    ctx, page = context(browser, live_server, language=language)
    login(page, live_server.url, officers["bawaslu"].username)
    page.goto(live_server.url + "/stats/")
    page.select_option("#f-election", "pemilu-2024")
    page.select_option("#f-status", "")  # "Semua" / "All": was 400 'Masukkan pilihan yang valid'
    page.click(".stats-filters button[type=submit]")
    expect(page.locator(".stats-filters .msg.error")).to_have_count(0)
    expect(page.locator(".tiles .tile").first).to_contain_text("4")
    page.select_option("#f-status", "overdue")
    page.click(".stats-filters button[type=submit]")
    assert "status=overdue" in page.url and "election=pemilu-2024" in page.url
    expect(page.locator(".stats-filters .msg.error")).to_have_count(0)
    expect(page.locator(".tiles .tile").first).to_contain_text("2")
    shot(page, f"10-dashboard-filtered-{language}")
    assert serious_violations(page) == []
    ctx.close()

    ctx, page = context(browser, live_server, phone=True, language=language)
    page.goto(live_server.url + "/lapor/")
    page.click("form button.primary")  # step 1 sent empty
    expect(page.locator("#error-summary")).to_be_visible()
    shot(page, f"11-public-form-errors-{language}")
    assert serious_violations(page) == []
    ctx.close()
