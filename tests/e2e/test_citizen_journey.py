"""A citizen on a phone reports anonymously, is refused a disguised file, and tracks the report (Chromium)."""
import datetime as dt
import os
import re

import pytest
from django.utils import timezone

from tests.e2e.conftest import ARTIFACTS
from tests.test_intake_support import (
    EXE_BYTES,
    ensure_reference,
    intake_settings,
    png_bytes,
)

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body are safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
__all__ = ["intake_settings"]


@pytest.fixture
def phone(browser, live_server, intake_settings):
    ensure_reference()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


def test_anonymous_report_on_a_phone_becomes_a_trackable_lead(phone, live_server, tmp_path, settings):
    from playwright.sync_api import expect

    settings.EVIDENCE_MAX_BYTES = 1024 * 1024  # 1 MB here, so the file over it stays small for the test

    page = phone
    page.goto(live_server.url + "/lapor/")
    expect(page.get_by_role("heading", name="Lapor pelanggaran netralitas ASN")).to_be_visible()
    page.get_by_label("Anonim").check()
    expect(page.locator("#identity")).to_be_hidden()
    expect(page.locator("#anon-notice")).to_contain_text("tidak dapat diregistrasi sebagai laporan")
    page.screenshot(path=str(ARTIFACTS / "01_anonymity_choice.png"), full_page=True)
    page.get_by_role("button", name="Lanjut").click()

    page.get_by_label("Nama ASN terlapor").fill("Bambang Sutrisno")
    page.get_by_label("Jabatan").fill("Camat Kroya")
    page.get_by_label("Instansi", exact=True).select_option(label="Pemerintah Kabupaten Cilacap")
    page.get_by_role("button", name="Lanjut").click()

    known = timezone.localdate() - dt.timedelta(days=1)
    page.get_by_label("Pemilihan").select_option(label="Pemilihan Serentak Nasional 2024 (Gubernur, Bupati, Wali Kota)")
    page.get_by_label("Wilayah kejadian").select_option(label="Kabupaten Cilacap")
    page.get_by_label("Tanggal kejadian").fill(known.isoformat())
    page.get_by_label("Tanggal Anda mengetahui kejadian").fill(known.isoformat())
    page.get_by_label("Tempat kejadian").fill("Balai Desa Kroya")
    page.get_by_label("Apa yang terjadi").fill("Camat mengajak para kepala desa memilih pasangan calon nomor 2.")
    page.get_by_role("button", name="Lanjut").click()

    disguised = tmp_path / "foto_kampanye.jpg"
    disguised.write_bytes(EXE_BYTES)
    page.locator("#id_evidence").set_input_files(str(disguised))
    page.get_by_role("button", name="Unggah", exact=True).click()
    expect(page.locator("#upload-errors")).to_contain_text("«foto_kampanye.jpg» berisi program")
    expect(page.locator(".summary")).to_contain_text("Bambang Sutrisno")  # the draft survived
    page.screenshot(path=str(ARTIFACTS / "02_disguised_file_refused.png"), full_page=True)

    photo = tmp_path / "tangkapan_layar.png"
    photo.write_bytes(png_bytes((60, 40)))
    video = tmp_path / "video_besar.mp4"
    video.write_bytes(b"\0" * (1536 * 1024))
    # The file over the limit is taken out before anything is sent, with a message naming it (#25.7).
    page.locator("#id_evidence").set_input_files([str(video), str(photo)])
    expect(page.locator("#id_evidence-too-large")).to_have_text(
        "Berkas «video_besar.mp4» berukuran 1,5 MB, melebihi batas 1 MB per berkas. Pilih berkas yang lebih kecil; "
        "berkas lain yang dipilih tetap dikirim.")
    assert page.locator("#id_evidence").evaluate("el => Array.from(el.files).map(f => f.name)") == ["tangkapan_layar.png"]
    assert "id_evidence-too-large" in page.locator("#id_evidence").get_attribute("aria-describedby")
    page.screenshot(path=str(ARTIFACTS / "02b_file_too_large_refused_before_upload.png"), full_page=True)
    page.get_by_role("button", name="Unggah", exact=True).click()
    expect(page.locator("#evidence-list")).to_contain_text("tangkapan_layar.png")
    page.get_by_label("Saya menyatakan keterangan ini benar").check()
    page.get_by_role("button", name="Kirim laporan").click()

    code = page.locator("#tracking-code").inner_text().strip()
    pin = page.locator("#pin").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", code) and re.fullmatch(r"\d{8}", pin)
    expect(page.get_by_text("PIN hanya ditampilkan sekali")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "03_receipt.png"), full_page=True)
    page.reload()
    expect(page.locator("#pin")).to_have_count(0)

    page.goto(live_server.url + "/lacak/")
    page.get_by_label("Kode pelacakan").fill(code.lower().replace("-", " "))
    page.get_by_label("PIN").fill(pin)
    page.get_by_role("button", name="Lihat tahapan").click()
    expect(page.locator("#stage")).to_have_text("Informasi awal (lead)")
    expect(page.locator("#status")).to_contain_text("temuan")
    expect(page.locator("#evidence-list")).to_contain_text("tangkapan_layar.png")
    page.screenshot(path=str(ARTIFACTS / "04_tracking_lead.png"), full_page=True)

    from reports.models import Report

    report = Report.objects.get()
    assert report.status == "lead" and report.submitted_ip is None and report.submitted_user_agent == ""
    assert not hasattr(report, "reporter") or report.reporter is None
