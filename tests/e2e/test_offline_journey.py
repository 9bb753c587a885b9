"""Offline drafting (#27.3) in Debian Chromium with a persistent profile, so closing the browser is real.

A Bawaslu officer drafts a finding (temuan) with a photo while offline; the browser is closed and opened again, still
offline, and the draft is still waiting; back online it is sent once: the server holds one report with its photo and
the device holds nothing. The public one-page form, in English, takes the same path. Screenshots of the waiting
state land in test-artifacts/e2e/offline-*.png (desktop and 390 px).
"""
import os
from pathlib import Path

import pytest
from django.utils import timezone

from cases.models import Agency, Region, Role
from reports.models import Evidence, Report, ReportKind
from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.factories import UserFactory
from tests.test_intake_support import ensure_reference, intake_settings, png_bytes

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
__all__ = ["intake_settings"]
PASSWORD = "rahasia-uji-123"
DESKTOP, PHONE = {"width": 1280, "height": 1000}, {"width": 390, "height": 844}

DEVICE_STATE = """async () => {
  const db = await new Promise((ok, ko) => { const r = indexedDB.open("kasn-outbox", 1);
    r.onupgradeneeded = () => r.result.createObjectStore("drafts", {keyPath: "key"});
    r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });
  const drafts = await new Promise((ok) => { const q = db.transaction("drafts").objectStore("drafts").getAll();
    q.onsuccess = () => ok(q.result); });
  db.close();
  const cached = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const body = (await (await cache.match(request)).text());
      cached.push({method: request.method, url: new URL(request.url).pathname, body: body});
    }
  }
  return {drafts: drafts.map((d) => ({key: d.key, files: d.files.map((f) => [f.name, f.blob.size, f.blob instanceof Blob])})),
          cached: cached};
}"""


OTHER_OFFICERS_DRAFT = """async () => {
  const db = await new Promise((ok) => { const r = indexedDB.open("kasn-outbox", 1);
    r.onupgradeneeded = () => r.result.createObjectStore("drafts", {keyPath: "key"}); r.onsuccess = () => ok(r.result); });
  await new Promise((ok) => { const t = db.transaction("drafts", "readwrite");
    t.objectStore("drafts").put({key: "draft-of-officer-999", url: "/intake/baru/", owner: "999", label: "Temuan Kroya",
      fields: [["kind", "temuan"]], files: [], saved: Date.now(), state: "waiting", errors: null});
    t.oncomplete = ok; });
  db.close();
}"""


PROBLEMS = []


@pytest.fixture
def profile(tmp_path, live_server, intake_settings):
    ensure_reference()
    PROBLEMS.clear()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return tmp_path / "chromium-profile"


def launch(driver, profile: Path, base: str, viewport=DESKTOP):
    context = driver.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, viewport=viewport,
        locale="id-ID")
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(20000)
    page.base = base
    page.problems = PROBLEMS  # a Content-Security-Policy violation or a script error, from any page of the journey
    page.on("console", lambda m: PROBLEMS.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: PROBLEMS.append(str(e)))
    return context, page


def kept(page, path):
    """Wait until the service worker controls the page and holds the form's page."""
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null "
                           "|| navigator.serviceWorker.ready.then(() => false)")
    page.wait_for_function(f"async () => !!(await caches.match('{path}'))")


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"offline-{name}.png"), full_page=True)


def login(page, username):
    page.goto(page.base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(page.base + "/")


def test_finding_with_a_photo_drafted_offline_survives_closing_the_browser_and_is_sent_once(
        playwright_driver, profile, live_server, tmp_path):
    UserFactory(roles=[Role.BAWASLU], agency=Agency.objects.get(code="BAWASLU-33.01"),
                region=Region.objects.get(code="33.01"), username="bawaslu_cilacap")
    context, page = launch(playwright_driver, profile, live_server.url)
    login(page, "bawaslu_cilacap")
    page.goto(page.base + "/intake/baru/")
    kept(page, "/intake/baru/")
    page.reload()  # now under the worker's control
    kept(page, "/static/js/offline.js")

    control = Agency.objects.get(code="PEMKAB-33.01")
    Agency.objects.filter(pk=control.pk).update(name="Pemerintah Kabupaten Cilacap (nama baru di server)")
    context.set_offline(True)
    answer = page.goto(page.base + "/intake/baru/")
    assert answer.from_service_worker and "nama baru di server" not in page.content()  # kept copy, not the server
    Agency.objects.filter(pk=control.pk).update(name=control.name)
    assert page.locator("#offline-note").is_visible()
    page.select_option("#id_kind", "temuan")
    page.fill("#id_respondent_name", "Bambang Sutrisno")
    page.select_option("#id_respondent_agency", label="Pemerintah Kabupaten Cilacap")
    page.select_option("#id_election", index=1)
    page.select_option("#id_region", value=str(Region.objects.get(code="33.01").pk))
    day = timezone.localdate().isoformat()
    page.fill("#id_occurred_on", day)
    page.fill("#id_known_on", day)
    page.fill("#id_place", "Lapangan Desa Kroya")
    page.fill("#id_description", "Camat hadir berseragam dinas dalam kampanye pasangan calon nomor 2 di lapangan desa.")
    photo = tmp_path / "foto-kampanye.png"
    photo.write_bytes(png_bytes((64, 48), noise=True))
    page.set_input_files("#id_evidence", str(photo))
    page.click("#offline-form button[type=submit]")
    page.wait_for_selector("#outbox:not([hidden]) #outbox-list li")
    text = page.inner_text("#outbox")
    assert "Menunggu dikirim" in text and "Bambang Sutrisno" in text and "foto-kampanye.png" in text
    assert "Perangkat sedang luring" in text
    shot(page, "temuan-waiting-desktop")
    state = page.evaluate(DEVICE_STATE)
    assert len(state["drafts"]) == 1 and state["drafts"][0]["files"][0][0] == "foto-kampanye.png"
    assert state["drafts"][0]["files"][0][1] == photo.stat().st_size and state["drafts"][0]["files"][0][2]
    assert not Report.objects.exists()
    context.close()  # the browser is closed with the draft on the device

    context, page = launch(playwright_driver, profile, live_server.url, viewport=PHONE)
    context.set_offline(True)
    assert page.goto(page.base + "/intake/baru/").from_service_worker
    page.wait_for_selector("#outbox:not([hidden]) #outbox-list li")
    assert "Bambang Sutrisno" in page.inner_text("#outbox-list")
    shot(page, "temuan-waiting-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not Report.objects.exists()

    context.set_offline(False)  # the `online` event sends it; a closed browser may have lost the session
    page.wait_for_function("() => !document.querySelector('#outbox-list .outbox-item-state')"
                           " || document.querySelector('#outbox-list').innerText.includes('Sesi Anda berakhir')")
    if "Sesi Anda berakhir" in page.inner_text("#outbox-list"):
        assert not Report.objects.exists()
        login(page, "bawaslu_cilacap")
        page.goto(page.base + "/intake/baru/")  # the next load sends it
    page.wait_for_selector("#outbox-list li.outbox-sent")
    assert "Terkirim" in page.inner_text("#outbox-list")
    finding = Report.objects.get()
    assert finding.kind == ReportKind.TEMUAN and finding.respondent_name == "Bambang Sutrisno"
    assert Evidence.objects.get(report=finding).original_name == "foto-kampanye.png"
    state = page.evaluate(DEVICE_STATE)
    assert state["drafts"] == []
    assert all(c["method"] == "GET" for c in state["cached"])
    assert not any("Lapangan Desa Kroya" in c["body"] or "Bambang" in c["body"] for c in state["cached"])
    page.reload()
    page.wait_for_load_state("networkidle")
    assert Report.objects.count() == 1  # a reload sends nothing again
    page.click("header .who button[type=submit]")  # signing out drops the officer's kept page from the device
    page.wait_for_url("**/login/**")
    assert page.evaluate("async () => !(await caches.match('/intake/baru/'))")
    assert page.evaluate("async () => !!(await caches.match('/lapor/luring/'))")
    assert PROBLEMS == []
    context.close()


def test_public_report_written_offline_in_english_is_sent_once_with_its_receipt(
        playwright_driver, profile, live_server, tmp_path):
    context, page = launch(playwright_driver, profile, live_server.url, viewport=PHONE)
    page.goto(page.base + "/lapor/")
    page.select_option("#lang-select", "en")
    page.wait_for_load_state("load")
    kept(page, "/lapor/luring/")
    page.goto(page.base + "/lapor/luring/")  # network first: the worker keeps the English page
    page.wait_for_function("async () => (await (await caches.match('/lapor/luring/')).text()).includes('One-page form')")

    page.evaluate(OTHER_OFFICERS_DRAFT)  # an officer's draft left on a shared phone: neither shown nor sent here
    page.goto(page.base + "/lapor/langkah/1/")
    context.set_offline(True)  # the connection drops in the middle of the step-by-step form: the step stays
    page.fill("#id_name", "Siti Rahmawati")
    page.click("button[type=submit].primary")
    assert page.url.endswith("/lapor/langkah/1/") and page.input_value("#id_name") == "Siti Rahmawati"
    assert page.locator("#offline-note").is_visible() and "one-page form" in page.inner_text("#offline-note")
    answer = page.goto(page.base + "/lapor/")  # the step-by-step form needs the server: the one-page form stands in
    assert answer.from_service_worker and "One-page form" in page.content()
    page.check("input[name=anonymity][value=named]")
    page.fill("#id_name", "Siti Rahmawati")
    page.fill("#id_address", "Jl. Merdeka 10, Cilacap")
    page.select_option("#id_standing", index=1)
    page.fill("#id_respondent_name", "Dwi Hartono")
    page.select_option("#id_respondent_agency", label="Pemerintah Kabupaten Cilacap")
    page.select_option("#id_election", index=1)
    page.select_option("#id_region", value=str(Region.objects.get(code="33.01").pk))
    day = timezone.localdate().isoformat()
    page.fill("#id_occurred_on", day)
    page.fill("#id_known_on", day)
    page.fill("#id_place", "Facebook: akun Dwi Hartono")
    page.fill("#id_description", "Kepala dinas mengunggah ajakan memilih pasangan calon nomor 1 di akun pribadinya.")
    shotfile = tmp_path / "tangkapan.png"
    shotfile.write_bytes(png_bytes((40, 40), noise=True))
    page.set_input_files("#id_evidence", str(shotfile))
    page.check("#id_confirm")
    page.click("#submit-report")
    page.wait_for_selector("#outbox:not([hidden]) #outbox-list li")
    text = page.inner_text("#outbox")
    assert "Waiting to be sent" in text and "This device is offline" in text and "tangkapan.png" in text
    shot(page, "lapor-waiting-390-en")
    page.set_viewport_size(DESKTOP)
    shot(page, "lapor-waiting-desktop-en")
    assert not Report.objects.exists()

    context.set_offline(False)
    page.wait_for_selector("#outbox-list li.outbox-sent")
    report = Report.objects.get()
    assert report.respondent_name == "Dwi Hartono" and report.evidence.count() == 1
    assert page.evaluate(DEVICE_STATE)["drafts"] == [{"key": "draft-of-officer-999", "files": []}]
    assert "Kroya" not in page.inner_text("#outbox")
    page.click("#outbox-list li.outbox-sent a")
    assert report.tracking_code_display in page.inner_text("#tracking-code") and page.locator("#pin").is_visible()
    page.goto(page.base + "/lapor/luring/")
    page.wait_for_load_state("networkidle")
    assert Report.objects.count() == 1
    assert PROBLEMS == []
    context.close()


def test_axe_finds_nothing_serious_in_the_waiting_state(playwright_driver, profile, live_server):
    from tests.e2e.axe import serious_violations

    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # axe is injected inline
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(live_server.url + "/lapor/luring/")
    kept(page, "/lapor/luring/")
    context.set_offline(True)
    page.check("input[name=anonymity][value=anonymous]")
    page.fill("#id_respondent_name", "Dwi Hartono")
    page.click("#submit-report")
    page.wait_for_selector("#outbox:not([hidden]) #outbox-list li")
    assert serious_violations(page) == []
    context.close()
    browser.close()
