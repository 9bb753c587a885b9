"""Playwright journey (#26.1): an approver enrols an authenticator on first sign-in (QR code, recovery codes), signs
in again with the second step (a reused code refused, a fresh one accepted) and signs a recommendation.

The codes are computed from the key the enrolment page shows, as an authenticator app does (tests/otp_support.py).
Screenshots of the enrolment page at desktop width and at 390 px land in test-artifacts/e2e/.
"""
import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import workflow
from cases.models import Case, CaseEvent, CaseStatus
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_officer_journeys import PASSWORD, logout, new_case, open_action, people, reference  # noqa: F401
from tests.otp_support import code_from_secret, totp_now

pytestmark = [pytest.mark.e2e]


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"otp-{name}.png"), full_page=True)


def password_step(page, base, username="penyetuju"):
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def drafted_case(people):
    case = new_case(people["bawaslu"], name="Sutrisno Hadi")
    workflow.perform("forward", actor=people["bawaslu"], case=case, conclusion="Memenuhi unsur.")
    workflow.perform("start_review", actor=people["analyst"], case=case)
    workflow.perform("draft_recommendation", actor=people["analyst"], case=case, proven=True,
                     violation_types=["SOSMED_PHOTO"], category="disciplinary", discipline_level="heavy",
                     reasoning="Foto dengan simbol nomor urut pasangan calon.")
    return Case.objects.get(pk=case.pk)


def test_enrolment_page_at_390_px(browser, live_server, people):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="id-ID",
                              bypass_csp=True)
    phone = ctx.new_page()
    password_step(phone, live_server.url)
    phone.wait_for_url("**/login/dua-langkah/")
    phone.click("details summary")  # the key as text, for a phone that cannot scan its own screen
    shot(phone, "enrol-390")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    qr = phone.locator("figure.qr svg").bounding_box()
    assert qr["width"] >= 150 and qr["x"] + qr["width"] <= 390
    assert serious_violations(phone) == []
    ctx.close()


def test_approver_enrols_signs_in_with_the_second_step_and_signs(page, live_server, people):
    case = drafted_case(people)
    base = page.base

    # first sign-in: the password leads to enrolment, not into the system
    password_step(page, base)
    page.wait_for_url(base + "/login/dua-langkah/")
    assert page.locator("figure.qr svg").is_visible()
    assert page.goto(base + "/cases/").url.startswith(base + "/login/")  # nothing opens before the second step
    page.goto(base + "/login/dua-langkah/")
    secret = page.text_content(".secret code")
    page.fill("#id_token", "123")
    page.click("form button[type=submit]")
    assert "Kode harus 6 angka" in page.text_content("p.error")
    shot(page, "enrol-desktop")
    enrol_code = code_from_secret(secret)
    page.fill("#id_token", enrol_code)
    page.click("form button[type=submit]")
    page.wait_for_url("**/akun/dua-langkah/kode-pemulihan/**")
    codes = page.locator("ol.recovery-codes code").all_text_contents()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", c) for c in codes)
    shot(page, "recovery-codes")
    page.click("a.button.primary")
    page.wait_for_url(base + "/")
    logout(page)

    # next sign-in: the second step; the code already used at enrolment is refused by name, a fresh one accepted
    password_step(page, base)
    page.wait_for_url(base + "/login/verifikasi/")
    page.fill("#id_token", enrol_code)
    page.click("form button[type=submit]")
    assert "Kode ini sudah dipakai" in page.text_content("p.error")
    shot(page, "verify-reused")
    page.fill("#id_token", totp_now(TOTPDevice.objects.get(user=people["approver"], confirmed=True)))
    page.click("form button[type=submit]")
    page.wait_for_url(base + "/")

    # and signs the recommendation
    page.goto(base + f"/cases/{case.pk}/")
    open_action(page, "Setujui dan terbitkan rekomendasi")
    page.wait_for_selector("text=Tidak dapat ditarik kembali")
    page.click("button:has-text('Ya, Setujui dan terbitkan rekomendasi')")
    page.wait_for_selector("text=Berhasil")
    shot(page, "approver-signed")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.AWAITING_FOLLOW_UP
    issued = CaseEvent.objects.filter(case=case, code="case.recommendation.issued").get()
    assert issued.actor == people["approver"]
