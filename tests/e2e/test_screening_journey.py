"""Playwright journey in Debian Chromium: a screening reviewer logs in, reads the queue and confirms a post as a finding.

Screenshots land in test-artifacts/e2e/."""
import json

import pytest
from django.core.management import call_command

from cases.models import Agency, Region, Role
from reports.models import Channel, Report
from reports.screening.services.accounts import account_register
from reports.screening.models import Verdict
from tests.factories import RespondentFactory, UserFactory
from tests.workflow_support import ensure_reference_data

pytestmark = [pytest.mark.e2e]
from tests.e2e.conftest import ARTIFACTS

PASSWORD = "rahasia-uji-123"
POSTS = [
    {"post_id": "e1", "account": "budi_asn", "followers": 4200,
     "text": "Ayo coblos nomor 2 Prabowo Gibran, menang satu putaran! #PrabowoGibran2024"},
    {"post_id": "e2", "account": "siti_guru", "followers": 80,
     "text": "Dukung terus paslon 01 Anies Muhaimin, AMIN pasti menang!"},
    {"post_id": "e3", "account": "andi_dinas", "followers": 300,
     "text": "Pagi ini hujan deras di Cilacap, jangan lupa bawa payung ya teman-teman"},
]


@pytest.fixture
def screened(transactional_db, tmp_path):
    ensure_reference_data()  # the rows migrate + load_reference left, copied back (tests/conftest.py)
    call_command("screening_load_lexicon", verbosity=0)
    reviewer = UserFactory(roles=[Role.SCREENING], agency=Agency.objects.get(code="BKN"),
                           region=Region.objects.get(code="00"), username="peninjau_e2e")
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(json.dumps({"platform": "x", "election": "pemilu-2024",
                                          "url": f"https://x.com/{p['account']}/status/{p['post_id']}", **p})
                              for p in POSTS) + "\n", encoding="utf-8")
    call_command("screening_import", str(path), verbosity=0)
    respondent = RespondentFactory(name="Budi Santoso")
    account_register(actor=reviewer, platform="x", handle="budi_asn", nip=respondent.nip)
    call_command("screening_score", "--sync", verbosity=0)
    return reviewer


def test_reviewer_confirms_a_post_as_a_finding(page, screened):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(page.base + "/login/")
    page.fill("input[name=username]", screened.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(page.base + "/")  # the home page: what needs the reviewer now
    card = page.locator("section", has=page.locator("#h-screening"))
    assert "@budi_asn" in card.inner_text()
    page.screenshot(path=str(ARTIFACTS / "screening-00-home.png"), full_page=True)
    card.get_by_role("link", name="Buka antrean penapisan").click()
    page.wait_for_url("**/screening/")
    first = page.locator("article.hit").first
    assert "@budi_asn" in first.inner_text() and "Budi Santoso" in first.inner_text()
    assert first.locator("mark", has_text="satu putaran").count() == 1
    assert page.locator("article.hit", has_text="@siti_guru").locator(".unverified").count() == 1
    assert page.locator("article.hit", has_text="@andi_dinas").count() == 0
    page.screenshot(path=str(ARTIFACTS / "screening-01-queue.png"), full_page=True)

    first.locator("select[name=violation_type]").select_option(label="SOSMED_POST — Membuat posting terkait pemenangan bakal calon")
    first.locator("input[name=note]").fill("Ajakan mencoblos paslon oleh ASN")
    first.get_by_role("button", name="Konfirmasi sebagai temuan").click()
    page.wait_for_selector(".msg.success")
    message = page.locator(".msg.success").inner_text()
    finding = Report.objects.get(channel=Channel.SCREENING)
    assert finding.tracking_code_display in message and "antrean penerimaan Bawaslu" in message
    assert page.locator("article.hit", has_text="@budi_asn").count() == 0
    page.screenshot(path=str(ARTIFACTS / "screening-02-confirmed.png"), full_page=True)
    verdict = Verdict.objects.get()
    assert verdict.finding == finding and verdict.note == "Ajakan mencoblos paslon oleh ASN"
