"""Every issued letter carries a PAdES signature of its agency's certificate (here: this run's TEST authority).

Checked with pyHanko's validator and with poppler's pdfsig against the test CA, on the public /verify/ page with the
original, with one byte changed, and with letters of a revoked and of an expired certificate.
"""
import datetime as dt
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.letters import pki, signing
from cases.letters.issue import letter_issue
from cases.models import Agency, CaseStatus, LetterKind
from tests.workflow_support import build_case, make_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(db):
    return make_users("sg")


def issue(users, agency_code="BKN"):
    case = build_case(CaseStatus.AWAITING_FOLLOW_UP, users)
    track = case.tracks.select_related("respondent", "agency").get()
    return letter_issue(actor=users["approver"], kind=LetterKind.RECOMMENDATION,
                        agency=Agency.objects.get(code=agency_code), case=case, track=track)


def upload(client, letter, body: bytes):
    return client.post(reverse("letters:verify", args=[letter.verify_token]),
                       {"copy": SimpleUploadedFile("surat.pdf", body, content_type="application/pdf")})


def test_issued_letter_is_signed_by_its_agency_and_validates_with_pyhanko(users):
    letter = issue(users)
    check = signing.pdf_verify(bytes(letter.pdf))
    assert check.valid and check.signer == "Badan Kepegawaian Negara" and not check.revoked
    assert letter.signer_subject == "Badan Kepegawaian Negara" and letter.signed_at is not None
    assert abs((check.signed_at - letter.signed_at).total_seconds()) < 5


def test_pdfsig_validates_the_signature_against_the_test_authority(users, tmp_path):
    if not shutil.which("certutil"):
        pytest.fail("certutil (libnss3-tools) is needed to give pdfsig the test authority")
    letter = issue(users)
    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{nss}", "-n", "test-ca", "-t", "CT,C,C",
                    "-i", str(signing.signing_dir() / "test-ca.pem")], check=True)
    pdf = tmp_path / "surat.pdf"
    pdf.write_bytes(bytes(letter.pdf))
    out = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(pdf)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in out, out
    assert "Certificate is Trusted." in out, out
    assert "Badan Kepegawaian Negara" in out and "TEST" in out, out  # the signer, named as a test certificate
    assert "Total document signed" in out, out


def test_verify_page_names_the_signer_and_rejects_one_changed_byte(client, users):
    letter = issue(users)
    ok = upload(client, letter, bytes(letter.pdf)).content.decode()
    assert "TANDA TANGAN ELEKTRONIK SAH: ditandatangani oleh Badan Kepegawaian Negara" in ok
    changed = bytearray(letter.pdf)
    changed[len(changed) // 3] ^= 0x01
    bad = upload(client, letter, bytes(changed)).content.decode()
    assert "TIDAK COCOK" in bad and "TANDA TANGAN ELEKTRONIK TIDAK SAH" in bad and "SAH: ditandatangani" not in bad


@pytest.mark.parametrize("authority_made", ["today", "on the past day"])
def test_a_letter_issued_on_a_past_day_verifies(client, users, settings, tmp_path, authority_made):
    """Demo stories and tests issue letters on past days (time_machine): the test authority's certificates and
    revocation list cover them, whether they were made today or on that past day, so such a letter verifies today."""
    import time_machine

    if authority_made == "today":
        issue(users)  # the authority and the agency's certificate exist before the past day is visited
    else:
        settings.LETTER_SIGNING_DIR = tmp_path  # a fresh authority, made while the clock says 2024
    with time_machine.travel(dt.datetime(2024, 10, 14, 2, tzinfo=dt.timezone.utc), tick=False):
        letter = issue(users)
    check = signing.pdf_verify(bytes(letter.pdf))
    assert check.valid and not check.expired and check.signed_at.date() == dt.date(2024, 10, 14), check
    assert "TANDA TANGAN ELEKTRONIK SAH" in upload(client, letter, bytes(letter.pdf)).content.decode()
    assert signing.pdf_verify(bytes(issue(users).pdf)).valid  # and today's letters too


def test_a_letter_of_a_revoked_certificate_is_reported_as_revoked(client, users):
    letter = issue(users, "KEMENPANRB")
    pki.pki_revoke(signing.signing_dir(), "KEMENPANRB")
    try:
        page = upload(client, letter, bytes(letter.pdf)).content.decode()
        assert signing.pdf_verify(bytes(letter.pdf)).revoked
        assert "sertifikat penanda tangan telah dicabut" in page
    finally:
        (signing.signing_dir() / pki.p12_name("KEMENPANRB")).unlink()  # later letters get a fresh certificate


def test_a_letter_of_an_expired_certificate_is_reported_as_expired(client, users):
    directory = signing.signing_dir()
    pki.agency_certificate_issue(directory, "KEMENDAGRI", "Kementerian Dalam Negeri", valid_days=30,
                                 not_before=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=400))
    try:
        letter = issue(users, "KEMENDAGRI")
        check = signing.pdf_verify(bytes(letter.pdf))
        assert check.expired and not check.valid
        assert "kedaluwarsa" in upload(client, letter, bytes(letter.pdf)).content.decode()
    finally:
        (directory / pki.p12_name("KEMENDAGRI")).unlink()


def test_without_the_test_authority_a_missing_certificate_stops_the_letter(users, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    Agency.objects.create(code="UJI-TANPA-SERTIFIKAT", name="Instansi Uji", kind="skb")
    monkeypatch.setattr(settings, "LETTER_SIGNING_TEST_CA", False)
    with pytest.raises(ImproperlyConfigured, match="No signing certificate for agency UJI-TANPA-SERTIFIKAT"):
        issue(users, "UJI-TANPA-SERTIFIKAT")


def test_a_long_agency_name_still_gets_a_test_certificate(tmp_path):
    """X.509 names are bounded at 64 UTF-8 bytes, and the TEST label's em dash takes three: make run once stopped
    at the first demo agency with a long name."""
    name = "Badan Kepegawaian Negara (pengawasan netralitas dan kode etik pegawai)"
    pki.ca_ensure(tmp_path)
    pki.agency_certificate_issue(tmp_path, "PANJANG", name)
    assert (tmp_path / pki.p12_name("PANJANG")).exists()
