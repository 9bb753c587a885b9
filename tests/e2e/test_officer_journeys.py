"""Playwright journeys in Debian Chromium, one per role, from the login page to the role's main task.

Screenshots land in test-artifacts/e2e/. The browser drives a real live server and real PostgreSQL.
"""

import pytest
from django.utils import timezone

from cases import workflow
from cases.models import Agency, Case, CaseStatus, ElectionPeriod, Region, Role
from tests.factories import UserFactory, make_nip
from tests.workflow_support import ensure_reference_data

pytestmark = [pytest.mark.e2e]
from tests.e2e.conftest import ARTIFACTS, sign_in

PASSWORD = "rahasia-uji-123"


@pytest.fixture
def reference(transactional_db):
    """Transactional tests flush tables between tests: reload reference data and the role groups."""
    ensure_reference_data()  # the rows migrate + load_reference left, copied back (tests/conftest.py)


def user(role, agency, region, username):
    return UserFactory(roles=[role], agency=Agency.objects.get(code=agency), region=Region.objects.get(code=region),
                       username=username)


@pytest.fixture
def people(reference):
    return {
        "bawaslu": user(Role.BAWASLU, "BAWASLU-33.01", "33.01", "bawaslu_cilacap"),
        "analyst": user(Role.ANALYST, "BKN", "00", "analis"),
        "approver": user(Role.APPROVER, "BKN", "00", "penyetuju"),
        "ppk": user(Role.PPK_LIAISON, "PEMKAB-33.01", "33.01", "ppk_cilacap"),
        "bkn": user(Role.BKN, "BKN", "00", "bkn"),
    }


def new_case(actor, name="Bambang Sutrisno"):
    return workflow.case_open(
        actor=actor, election=ElectionPeriod.objects.get(slug="pilkada-2024"), region=Region.objects.get(code="33.01"),
        title="Kepala desa mengunggah foto bersama pasangan calon",
        description="Unggahan Instagram dengan simbol jari nomor urut pasangan calon.",
        respondents=[{"nip": make_nip(), "name": name, "position": "Kepala Seksi", "agency": Agency.objects.get(code="PEMKAB-33.01")}],
        register=False)


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def login(page, username):
    sign_in(page, page.base, username, PASSWORD)  # both steps for the roles that need the second one
    page.wait_for_url(page.base + "/")


def logout(page):
    page.click("header .who button[type=submit]")


def open_action(page, label):
    page.click(f"details.action summary:has-text('{label}')")


def test_bawaslu_officer_finds_and_forwards_a_case(page, people):
    case = new_case(people["bawaslu"])
    login(page, "bawaslu_cilacap")
    shot(page, "bawaslu-01-home")
    page.click("nav >> text=Daftar perkara")
    page.fill("#f-q", "Bambang Sutrisno")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#queue-results >> text={case.number}")
    shot(page, "bawaslu-02-queue-search")
    page.click(f"text={case.number}")
    page.wait_for_selector("h1:has-text('%s')" % case.number)
    open_action(page, "Teruskan ke lembaga pengawas")
    page.fill("#id_forward-conclusion", "Terbukti memenuhi unsur pelanggaran netralitas.")
    shot(page, "bawaslu-03-confirm-forward")
    page.click("button:has-text('Ya, Teruskan ke lembaga pengawas')")
    page.wait_for_selector("text=Berhasil")
    shot(page, "bawaslu-04-forwarded")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.FORWARDED


def test_analyst_drafts_and_approver_signs(page, people):
    case = new_case(people["bawaslu"], name="Sutrisno Hadi")
    workflow.perform("forward", actor=people["bawaslu"], case=case, conclusion="Memenuhi unsur.")
    login(page, "analis")
    page.goto(page.base + f"/cases/{case.pk}/")
    open_action(page, "Mulai pemeriksaan")
    page.click("button:has-text('Ya, Mulai pemeriksaan')")
    page.wait_for_selector("text=Berhasil")
    open_action(page, "Susun draf rekomendasi")
    page.check("input[name='draft_recommendation-proven'][value='true']")  # the analyst states the finding
    # tick boxes in two groups, by name (#25.7: was a Ctrl-click list of 24 codes)
    boxes = page.locator("fieldset.check-fieldset input[name='draft_recommendation-violation_types']")
    assert boxes.count() >= 20
    assert page.locator("fieldset.check-fieldset legend").inner_text().strip() == "Jenis pelanggaran"
    page.check("input[name='draft_recommendation-violation_types'][value='SOSMED_PHOTO']")
    page.select_option("#id_draft_recommendation-category", "disciplinary")
    page.select_option("#id_draft_recommendation-discipline_level", "heavy")
    page.fill("#id_draft_recommendation-reasoning", "Foto dengan simbol nomor urut pasangan calon.")
    shot(page, "analyst-01-draft")
    page.click("button:has-text('Ya, Susun draf rekomendasi')")
    page.wait_for_selector("text=Berhasil: Susun draf rekomendasi")
    logout(page)
    login(page, "penyetuju")
    page.click("a.bell")
    page.wait_for_selector("text=menunggu persetujuan")
    shot(page, "approver-01-notifications")
    page.click(f"ul.notifications a:has-text('{case.number}')")
    open_action(page, "Setujui dan terbitkan rekomendasi")
    page.wait_for_selector("text=Tidak dapat ditarik kembali")
    page.click("button:has-text('Ya, Setujui dan terbitkan rekomendasi')")
    page.wait_for_selector("text=Berhasil")
    shot(page, "approver-02-issued")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.AWAITING_FOLLOW_UP


def _awaiting(people, name):
    case = new_case(people["bawaslu"], name=name)
    workflow.perform("forward", actor=people["bawaslu"], case=case)
    workflow.perform("start_review", actor=people["analyst"], case=case)
    workflow.perform("draft_recommendation", actor=people["analyst"], case=case, violation_types=["SOSMED_POST"],
                     category="disciplinary", discipline_level="moderate")
    workflow.perform("issue_recommendation", actor=people["approver"], case=case)
    return Case.objects.get(pk=case.pk)


def test_ppk_liaison_records_sanction_with_decree(page, people, tmp_path):
    case = _awaiting(people, "Wahyu Nugroho")
    decree = tmp_path / "sk-bupati.pdf"
    decree.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    login(page, "ppk_cilacap")
    page.click("nav >> text=Portal PPK")
    page.wait_for_selector(f"text={case.number}")
    shot(page, "ppk-01-portal")
    page.click(f"text={case.number}")
    open_action(page, "Konfirmasi penerimaan rekomendasi")
    page.click("button:has-text('Ya, Konfirmasi penerimaan rekomendasi')")
    page.wait_for_selector("text=Berhasil")
    open_action(page, "Catat keputusan sanksi")
    page.select_option("#id_record_sanction-sanction_type", "PP94_MOD_TUKIN25_6M")
    page.select_option("#id_record_sanction-employee_type", "pns")
    page.fill("#id_record_sanction-decree_number", "800/045/2026")
    page.fill("#id_record_sanction-decree_date", timezone.localdate().isoformat())
    page.fill("#id_record_sanction-signer_name", "Bupati Cilacap")
    page.set_input_files("#id_record_sanction-document", str(decree))
    shot(page, "ppk-02-sanction-form")
    page.click("button:has-text('Ya, Catat keputusan sanksi')")
    page.wait_for_selector("text=Berhasil")
    shot(page, "ppk-03-sanction-recorded")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.FOLLOWED_UP
    assert page.locator("text=SHA-256").count() >= 1


def test_bkn_officer_records_a_block(page, people):
    case = _awaiting(people, "Agus Salim")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.OVERDUE)
    case.refresh_from_db()
    workflow.perform("request_block", actor=people["approver"], case=case,
                     out_of_order_reason="Uji: PPK tidak menanggapi; blokir diminta tanpa menunggu pengingat.")
    login(page, "bkn")
    page.click("nav >> text=Blokir data")
    page.wait_for_selector(f"text={case.number}")
    shot(page, "bkn-01-block-requests")
    page.click(f"text={case.number}")
    open_action(page, "Catat pemblokiran data")
    page.wait_for_selector("text=tidak ada kenaikan pangkat")
    page.click("button:has-text('Ya, Catat pemblokiran data')")
    page.wait_for_selector("text=Berhasil")
    shot(page, "bkn-02-blocked")
    assert case.tracks.get().block_state == "recorded"


def test_queue_is_usable_on_a_phone_and_by_keyboard(page, people):
    for i in range(3):
        new_case(people["bawaslu"], name=f"Terlapor Ponsel {i}")
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "bawaslu_cilacap")
    page.goto(page.base + "/cases/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip"
    shot(page, "mobile-01-queue")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_bawaslu_officer_prints_the_ticked_cases_in_one_tab_and_their_letters(page, people):
    first, second = new_case(people["bawaslu"], name="Terlapor Cetak Satu"), new_case(people["bawaslu"], name="Terlapor Cetak Dua")
    login(page, "bawaslu_cilacap")
    page.goto(page.base + "/cases/")
    page.check(f"input[name=case][value='{first.pk}']")
    page.check(f"input[name=case][value='{second.pk}']")
    with page.context.expect_page() as opened:
        page.click("button:has-text('Cetak halaman perkara terpilih')")
    printed = opened.value
    printed.wait_for_load_state()
    assert printed.locator("article.print-case").count() == 2
    assert printed.locator(f"h1:has-text('{first.number}')").count() == 1
    assert printed.locator(f"h1:has-text('{second.number}')").count() == 1
    printed.screenshot(path=str(ARTIFACTS / "bawaslu-05-print-selected.png"), full_page=True)
    assert len(page.context.pages) == 2  # the queue and one print tab, not a tab per case
    printed.close()
    page.click("button:has-text('Cetak surat perkara terpilih')")
    page.wait_for_selector("h1:has-text('Cetak surat massal')")
    assert sorted(page.input_value("input[name=case_ids]").split(",")) == sorted([str(first.pk), str(second.pk)])
    shot(page, "bawaslu-06-batch-letters")


@pytest.mark.parametrize("width", [1280, 390])
def test_officer_adds_a_respondent_and_is_warned_of_a_nip_on_record_under_another_name(page, people, width):
    """The case page's «Tambah terlapor»: a malformed NIP is refused naming the field, the typed values stay; a NIP
    on record under another name is shown first and added only once the officer ticks the confirmation."""
    from cases.models import Respondent

    page.set_viewport_size({"width": width, "height": 900})
    case = new_case(people["bawaslu"], name="Bambang Sutrisno")
    recorded = make_nip()
    Respondent.objects.create(nip=recorded, name="Siti Rahmawati", position="Camat",
                              agency=Agency.objects.get(code="PEMKAB-33.01"))
    login(page, "bawaslu_cilacap")
    page.goto(page.base + f"/cases/{case.pk}/")
    page.click("#respondent-add summary")
    page.fill("#respondent-add [name=name]", "Sri Wahyuni")
    page.fill("#respondent-add [name=nip]", "12345")
    page.fill("#respondent-add [name=position]", "Lurah")
    page.select_option("#respondent-add [name=agency]", label="Pemerintah Kabupaten Cilacap")
    page.click("#respondent-add button[type=submit]")
    page.wait_for_selector("#respondent-add[open] .error")
    error = page.locator("#respondent-add").inner_text()
    assert "NIP" in error and page.input_value("#respondent-add [name=name]") == "Sri Wahyuni"
    assert page.input_value("#respondent-add [name=position]") == "Lurah"
    shot(page, f"respondent-add-01-bad-nip-{width}")
    page.fill("#respondent-add [name=nip]", recorded)
    page.click("#respondent-add button[type=submit]")
    page.wait_for_selector("#nip-other-name")
    assert "Siti Rahmawati" in page.inner_text("#nip-other-name")
    assert case.tracks.count() == 1  # nothing added before the officer confirms
    shot(page, f"respondent-add-02-other-name-{width}")
    page.check("#respondent-add [name=confirm_other_name]")
    page.click("#respondent-add button[type=submit]")
    page.wait_for_selector("text=Terlapor ditambahkan")
    assert page.locator("section[aria-labelledby=h-resp]").inner_text().count("Siti Rahmawati") == 1
    shot(page, f"respondent-add-03-added-{width}")
    assert sorted(case.tracks.values_list("respondent__name", flat=True)) == ["Bambang Sutrisno", "Siti Rahmawati"]
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the case page scrolls sideways at {width} px"
