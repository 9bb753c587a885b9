"""A recipient checks a signed letter on the public /verify/ page in Chromium: the original passes (signer and time
named), a copy with one byte changed fails; desktop and a 390 px phone."""
import os

import pytest

from cases.letters.issue import letter_issue
from cases.models import Agency, CaseStatus, LetterKind
from tests.e2e.conftest import ARTIFACTS
from tests.workflow_support import build_case, ensure_reference_data, make_users

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def letter(transactional_db):
    ensure_reference_data()
    users = make_users("e2e_verify")
    case = build_case(CaseStatus.AWAITING_FOLLOW_UP, users)
    return letter_issue(actor=users["approver"], kind=LetterKind.RECOMMENDATION, agency=Agency.objects.get(code="BKN"),
                        case=case, track=case.tracks.select_related("respondent", "agency").get())


def check(page, url, pdf_path, shot):
    page.goto(url)
    page.set_input_files("#copy", str(pdf_path))
    page.click("button[type=submit]")
    page.wait_for_selector("#signature-result")
    page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    return page.inner_text("#signature-result"), page.inner_text("#verify-result")


def test_original_passes_and_a_changed_copy_fails(browser, live_server, letter, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    original, changed = tmp_path / "surat.pdf", tmp_path / "surat-diubah.pdf"
    original.write_bytes(bytes(letter.pdf))
    body = bytearray(letter.pdf)
    body[len(body) // 3] ^= 0x01
    changed.write_bytes(bytes(body))
    url = f"{live_server.url}/verify/{letter.verify_token}/"

    desktop = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="id-ID").new_page()
    signature, digest = check(desktop, url, original, "letters_verify_original_desktop.png")
    assert "TANDA TANGAN ELEKTRONIK SAH: ditandatangani oleh Badan Kepegawaian Negara" in signature
    assert "COCOK" in digest and "TIDAK" not in digest

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                locale="id-ID").new_page()
    signature, digest = check(phone, url, changed, "letters_verify_changed_phone.png")
    assert "TANDA TANGAN ELEKTRONIK TIDAK SAH" in signature and "diubah setelah ditandatangani" in signature
    assert "TIDAK COCOK" in digest
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
