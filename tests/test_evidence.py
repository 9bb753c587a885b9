"""Evidence: type by content, size and image-bomb limits, SHA-256, private originals, stripped previews."""
import hashlib
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from reports.models import Evidence, Report
from tests.test_intake_support import (
    EXE_BYTES, PDF_BYTES, ZIP_BYTES, bomb_png, fill_steps, intake_settings, png_bytes, public_report, submit,
)

pytestmark = pytest.mark.django_db
__all__ = ["intake_settings"]


@pytest.fixture(autouse=True)
def _settings(intake_settings):
    return intake_settings


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_files(client, *files, action="upload"):
    return client.post(reverse("reports:step", args=[4]), {
        "action": action, "confirm": "on", "form_token": client.session["report_draft"]["token"],
        "evidence": list(files)})


BAD_UPLOADS = [
    ("foto_kampanye.jpg", EXE_BYTES, "berisi program, bukan gambar, PDF, atau video. Jenis berkas diperiksa dari isinya"),
    ("bom.png", bomb_png(), "piksel (perlindungan terhadap gambar «bom dekompresi»)"),
    ("kosong.jpg", b"", "kosong (0 bita)"),
    ("arsip.pdf", ZIP_BYTES, "berjenis ZIP, yang tidak diterima sebagai bukti"),
    ("catatan.txt", b"hanya teks biasa, bukan bukti gambar", "tidak dikenali dari isinya"),
    ("rusak.png", png_bytes()[:40], "rusak atau tidak dapat dibaca"),
]


@pytest.mark.parametrize("name,content,rule", BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS])
def test_bad_upload_is_refused_by_name_and_rule_and_the_draft_survives(client, name, content, rule):
    fill_steps(client)
    good = post_files(client, upload("bukti.png", png_bytes(), "image/png"))
    assert good.status_code == 302
    response = post_files(client, upload(name, content, "image/jpeg"), action="submit")
    body = response.content.decode()
    assert response.status_code == 400
    assert f"«{name}»" in body and rule in body
    assert not Report.objects.exists()
    draft = client.session["report_draft"]
    assert [e["original_name"] for e in draft["evidence"]] == ["bukti.png"]
    assert draft["steps"]["1"]["name"] == "Siti Rahmawati" and "Balai Desa Kroya" in body
    assert submit(client).status_code == 302
    assert list(Report.objects.get().evidence.values_list("original_name", flat=True)) == ["bukti.png"]


def test_oversize_file_is_refused_before_it_is_stored(client, settings, tmp_path):
    settings.EVIDENCE_MAX_BYTES = 4000
    fill_steps(client)
    big = png_bytes((64, 64), noise=True)
    assert len(big) > 4000
    response = post_files(client, upload("besar.png", big, "image/png"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "«besar.png» berukuran" in body and "melebihi batas 3,9 KB per berkas" in body
    assert not any(p.is_file() for p in (tmp_path / "private").rglob("*"))
    assert client.session["report_draft"]["evidence"] == []


def test_original_is_hashed_kept_untouched_private_and_the_preview_has_no_metadata(client, bawaslu_officer,
                                                                                   bawaslu_other_regency):
    photo = png_bytes((40, 30), exif_gps=True)
    assert Image.open(io.BytesIO(photo)).getexif()  # the original carries camera and GPS tags
    fill_steps(client)
    post_files(client, upload("IMG_0001.jpg", photo, "image/jpeg"), upload("surat.pdf", PDF_BYTES, "application/pdf"))
    assert submit(client).status_code == 302
    report = Report.objects.get()
    image, pdf = report.evidence.order_by("id")
    assert image.sha256 == hashlib.sha256(photo).hexdigest() and image.size == len(photo)
    assert (image.content_type, pdf.content_type) == ("image/jpeg", "application/pdf")
    with default_storage.open(image.file.name, "rb") as fh:
        assert fh.read() == photo
    with default_storage.open(image.preview.name, "rb") as fh:
        preview = Image.open(io.BytesIO(fh.read()))
        assert not preview.getexif() and "exif" not in preview.info
    assert image.sha256 in client.get(reverse("reports:receipt")).content.decode()
    assert not image.file.name.startswith("media") and "IMG_0001" not in image.file.name

    assert Client().get(reverse("reports:evidence_download", args=[image.pk])).status_code == 302  # login first
    other = Client()
    other.force_login(bawaslu_other_regency)
    assert other.get(reverse("reports:evidence_download", args=[image.pk])).status_code == 404
    officer = Client()
    officer.force_login(bawaslu_officer)
    response = officer.get(reverse("reports:evidence_download", args=[image.pk]))
    assert response["Content-Disposition"].startswith("attachment") and "IMG_0001.jpg" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == photo
    preview_response = officer.get(reverse("reports:evidence_preview", args=[image.pk]))
    assert preview_response["Content-Type"] == "image/jpeg"


def test_evidence_rows_cannot_be_altered(client):
    fill_steps(client)
    post_files(client, upload("a.png", png_bytes(), "image/png"))
    submit(client)
    evidence = Evidence.objects.get()
    evidence.sha256 = "0" * 64
    with pytest.raises(Exception, match="tidak boleh diubah"):
        evidence.save()


def test_removing_a_pending_file_before_submit(client):
    fill_steps(client)
    post_files(client, upload("a.png", png_bytes(), "image/png"), upload("b.pdf", PDF_BYTES))
    client.post(reverse("reports:step", args=[4]), {"remove": "0", "form_token": client.session["report_draft"]["token"]})
    assert [e["original_name"] for e in client.session["report_draft"]["evidence"]] == ["b.pdf"]


def test_tracking_page_refuses_a_disguised_file_with_a_message(client):
    report, pin = public_report(client)
    client.post(reverse("reports:track"), {"code": report.tracking_code, "pin": pin})
    response = client.post(reverse("reports:track_status"), {
        "action": "evidence", "evidence": upload("video.mp4", EXE_BYTES, "video/mp4")})
    assert response.status_code == 400 and "«video.mp4» berisi program" in response.content.decode()
    assert not report.evidence.exists()
    empty = client.post(reverse("reports:track_status"), {"action": "evidence"})
    assert empty.status_code == 400 and "Pilih sedikitnya satu berkas" in empty.content.decode()


def test_uploads_of_abandoned_drafts_are_purged_but_submitted_evidence_stays(client, tmp_path):
    from django.core.management import call_command

    fill_steps(client)
    post_files(client, upload("dikirim.png", png_bytes(), "image/png"))
    submit(client)
    abandoned = Client()
    fill_steps(abandoned)
    post_files(abandoned, upload("ditinggal.png", png_bytes((20, 20)), "image/png"))
    left = abandoned.session["report_draft"]["evidence"][0]
    call_command("purge_report_uploads", "--older-than-hours=0")
    kept = Evidence.objects.get()
    assert default_storage.exists(kept.file.name) and default_storage.exists(kept.preview.name)
    assert not default_storage.exists(left["name"]) and not default_storage.exists(left["preview"])


def test_an_evidence_file_past_the_limit_is_not_kept_while_it_streams_in(rf, settings):
    """#25.7: the upload handler stops keeping an evidence file once it passes the limit (before, 30 MB were written
    in full, then refused); the other fields and non-evidence files are read as usual."""
    from reports.uploads import TooLargeUpload

    settings.EVIDENCE_MAX_BYTES = 4000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # the temporary-file handler, as for a real 30 MB file
    request = rf.post("/lapor/langkah/4/", {
        "evidence": [upload("besar.mp4", b"\0" * 300_000, "video/mp4"), upload("kecil.png", png_bytes(), "image/png")],
        "document": upload("sk.pdf", b"%PDF-" + b"x" * 300_000, "application/pdf"), "name": "Siti"})
    big, small = request.FILES.getlist("evidence")
    assert isinstance(big, TooLargeUpload) and big.size == 300_000 and big.read() == b""
    assert small.size == len(png_bytes()) and small.read() == png_bytes()
    assert request.FILES["document"].size == 300_005 and request.POST["name"] == "Siti"
