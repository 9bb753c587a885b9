"""Issued letters: numbers, stored PDFs with their facts, hooks on workflow events, verification, download, void,
escaping of user text, receipts that protect the reporter, the harfbuzz start-up warning."""
import datetime as dt
import hashlib
import io
import subprocess
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from cases import workflow
from cases.letters import checks, render
from cases.letters.issue import letter_issue, letter_void, verify_code_display
from cases.letters.numbering import number_format
from cases.models import Agency, CaseEvent, CaseStatus, Letter, LetterKind, LetterSequence
from tests.workflow_support import build_case, make_users

S = CaseStatus
pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode()


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def users(db):
    return make_users("lt")


@pytest.fixture
def bkn():
    return Agency.objects.get(code="BKN")


def recommend(users, bkn, case=None, **kw):
    case = case or build_case(S.AWAITING_FOLLOW_UP, users)
    track = case.tracks.select_related("respondent", "agency").get()
    letter = letter_issue(actor=users["approver"], kind=LetterKind.RECOMMENDATION, agency=bkn, case=case, track=track,
                          sifat="Rahasia", **kw)
    return case, track, letter


# --- numbering -------------------------------------------------------------------------------------------------

def test_number_pattern_fills_every_placeholder():
    on = dt.date(2026, 4, 15)
    assert number_format("{sifat}-{seq}/{code}/{month}/{year}", sifat="Rahasia", seq=1194, code="KASN", on=on) \
        == "R-1194/KASN/4/2026"
    assert number_format("{sifat}/{seq}/S.SM.00.01/{roman_month}/{year}", sifat="Biasa", seq=26, code="X", on=on) \
        == "B/26/S.SM.00.01/IV/2026"
    assert number_format("", sifat="Sangat Segera", seq=3, code="BKN", on=on) == "SS-3/BKN/4/2026"


@pytest.mark.parametrize("pattern,field", [("{nomor}/{year}", "number_pattern"), ("{sifat}/{year}", "number_pattern"),
                                           ("{seq}/{code", "number_pattern")])
def test_bad_number_pattern_is_refused_with_a_message(pattern, field):
    with pytest.raises(ValidationError) as err:
        number_format(pattern, sifat="Biasa", seq=1, code="BKN", on=dt.date(2026, 1, 5))
    assert field in err.value.message_dict and "{seq}" in err.value.message_dict[field][0]


def test_unknown_sifat_is_refused(users, bkn):
    with pytest.raises(ValidationError) as err:
        letter_issue(actor=users["approver"], kind="RECOMMENDATION", agency=bkn, sifat="Penting")
    assert "sifat" in err.value.message_dict
    assert not Letter.objects.filter(agency=bkn).exists()


def test_unknown_kind_is_refused(users, bkn):
    with pytest.raises(ValidationError) as err:
        letter_issue(actor=users["approver"], kind="LOVE_LETTER", agency=bkn)
    assert "kind" in err.value.message_dict


# --- issue -----------------------------------------------------------------------------------------------------

def test_recommendation_pdf_carries_number_respondent_nip_sanction_and_code(users, bkn):
    case, track, letter = recommend(users, bkn)
    text = flat(pdf_text(bytes(letter.pdf)))
    year = dt.date.today().year
    assert letter.number == f"R-{letter.seq}/BKN/{letter.issued_at.astimezone().month}/{year}"
    assert letter.number in text
    assert track.respondent.name in text
    assert track.respondent.nip_display in text
    assert "hukuman disiplin berat" in text
    assert verify_code_display(letter.verify_token) in text
    assert "Bupati Cilacap" in text  # the PPK of the respondent's agency is the addressee
    assert "Menteri Dalam Negeri" in text  # tembusan: regional PPK -> Kemendagri
    assert "14 (empat belas) hari kerja" in text  # PPK_FOLLOW_UP rule in force
    assert letter.sha256 == hashlib.sha256(bytes(letter.pdf)).hexdigest()


def test_issue_writes_one_audit_event_with_number_and_hash(users, bkn):
    case, _track, letter = recommend(users, bkn)
    event = CaseEvent.objects.get(case=case, code="letter.issued")
    assert event.payload["number"] == letter.number and event.payload["sha256"] == letter.sha256
    assert event.actor == users["approver"]


def test_redownload_returns_the_same_bytes(client, users, bkn):
    _case, _track, letter = recommend(users, bkn)
    client.force_login(users["bawaslu"])
    url = reverse("letters:download", args=[letter.pk])
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content == bytes(Letter.objects.get(pk=letter.pk).pdf)
    assert first["Content-Type"] == "application/pdf"
    assert hashlib.sha256(first.content).hexdigest() == letter.sha256


def test_download_outside_scope_is_404(client, users, bkn, bawaslu_other_regency):
    _case, _track, letter = recommend(users, bkn)
    client.force_login(bawaslu_other_regency)
    assert client.get(reverse("letters:download", args=[letter.pk])).status_code == 404
    assert client.get(reverse("letters:download", args=[999999999])).status_code == 404
    client.logout()
    assert client.get(reverse("letters:download", args=[letter.pk])).status_code == 302  # to the login page


def test_failed_render_returns_the_number(users, bkn, monkeypatch):
    def broken(kind, context, **kw):
        raise RuntimeError("renderer down")
    case = build_case(S.AWAITING_FOLLOW_UP, users)
    monkeypatch.setattr("cases.letters.issue.render_letter_pdf", broken)
    with pytest.raises(RuntimeError):
        letter_issue(actor=users["approver"], kind="REMINDER", agency=bkn, case=case)
    monkeypatch.undo()
    letter = letter_issue(actor=users["approver"], kind="REMINDER", agency=bkn, case=case)
    assert letter.seq == LetterSequence.objects.get(agency=bkn, year=letter.year).last
    assert not Letter.objects.filter(agency=bkn, year=letter.year).exclude(pk=letter.pk).filter(seq=letter.seq).exists()
    assert not CaseEvent.objects.filter(case=case, code="letter.issued").exclude(payload__letter=letter.pk).exists()


# --- user text --------------------------------------------------------------------------------------------------

HOSTILE = ('<b>tebal</b> <img src="file:///etc/passwd"> <style>body{background:url(http://evil.test/x.png)}</style> '
           'url(file:///etc/shadow) <link rel="stylesheet" href="http://evil.test/a.css">')


def test_user_text_renders_as_text_and_nothing_outside_the_allowlist_is_fetched(users, bkn):
    case = build_case(S.AWAITING_FOLLOW_UP, users)
    case.description = HOSTILE
    case.place = '<script>alert(1)</script>'
    case.save()
    render.REQUESTED_URLS.clear()
    render.REFUSED_URLS.clear()
    _case, _track, letter = recommend(users, bkn, case=case, extra={"body_extra": HOSTILE})
    text = flat(pdf_text(bytes(letter.pdf)))
    assert "<b>tebal</b>" in text and "file:///etc/passwd" in text and "<script>alert(1)</script>" in text
    assert render.REFUSED_URLS == []
    allowed = (render.STATIC_DIR / "fonts").as_uri(), (render.STATIC_DIR / "letters").as_uri()
    assert all(u.startswith("data:") or u.startswith(allowed) for u in render.REQUESTED_URLS), render.REQUESTED_URLS
    assert b"/JavaScript" not in bytes(letter.pdf) and b"/EmbeddedFile" not in bytes(letter.pdf)


# --- void ------------------------------------------------------------------------------------------------------

def test_void_keeps_the_number_and_the_next_letter_takes_the_next_one(client, users, bkn):
    case, track, letter = recommend(users, bkn)
    voided = letter_void(actor=users["approver"], letter=letter, reason="Salah alamat PPK")
    assert voided.void and voided.number == letter.number and bytes(voided.pdf) == bytes(letter.pdf)
    event = CaseEvent.objects.get(case=case, code="letter.voided")
    assert event.payload["number"] == letter.number
    _c, _t, again = recommend(users, bkn, case=case)
    assert again.seq == letter.seq + 1 and again.number != letter.number
    page = client.get(reverse("letters:verify", args=[letter.verify_token]))
    assert "DIBATALKAN" in page.content.decode() and letter.number in page.content.decode()


def test_void_refusals(users, bkn, bawaslu_officer):
    _case, _track, letter = recommend(users, bkn)
    with pytest.raises(ValidationError):
        letter_void(actor=users["approver"], letter=letter, reason=" ")
    with pytest.raises(workflow.ActionNotAllowed):
        letter_void(actor=bawaslu_officer, letter=letter, reason="bukan instansi penerbit")
    letter_void(actor=users["approver"], letter=letter, reason="salah ketik")
    with pytest.raises(workflow.InvalidTransition):
        letter_void(actor=users["approver"], letter=letter, reason="lagi")


# --- verification ----------------------------------------------------------------------------------------------

def _upload(client, letter, content, name="surat.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("letters:verify", args=[letter.verify_token]),
                       {"copy": SimpleUploadedFile(name, content, content_type="application/pdf")})


def test_verify_page_shows_the_facts_and_no_personal_data(client, users, bkn):
    _case, track, letter = recommend(users, bkn)
    page = client.get(reverse("letters:verify", args=[letter.verify_token]))
    body = page.content.decode()
    assert page.status_code == 200
    for shown in (letter.number, "Badan Kepegawaian Negara", "Rekomendasi", letter.sha256, "berlaku"):
        assert shown in body
    for hidden in (track.respondent.name, track.respondent.nip, track.respondent.nip_display, "Cilacap"):
        assert hidden not in body


def test_verify_accepts_the_original_and_rejects_a_one_byte_change(client, users, bkn):
    _case, _track, letter = recommend(users, bkn)
    original = bytes(letter.pdf)
    ok = _upload(client, letter, original)
    assert ok.status_code == 200 and "COCOK: berkas Anda identik" in ok.content.decode()
    changed = bytearray(original)
    changed[len(changed) // 2] ^= 0x01
    bad = _upload(client, letter, bytes(changed))
    assert "TIDAK COCOK" in bad.content.decode() and "identik" not in bad.content.decode()


def test_verify_bad_input(client, users, bkn, monkeypatch):
    _case, _track, letter = recommend(users, bkn)
    url = reverse("letters:verify", args=[letter.verify_token])
    missing = client.post(url, {})
    assert missing.status_code == 400 and "wajib dipilih" in missing.content.decode()
    monkeypatch.setattr("cases.letters.views.VERIFY_MAX_BYTES", 1024)
    big = _upload(client, letter, b"%PDF" + b"x" * 4096)
    assert big.status_code == 413 and "melebihi batas" in big.content.decode()
    unknown = client.get(reverse("letters:verify", args=["AAAAAAAAAAAAAAAA"]))
    assert unknown.status_code == 404 and "tidak dikenal" in unknown.content.decode()


def test_verify_lookup_accepts_the_printed_code(client, users, bkn):
    _case, _track, letter = recommend(users, bkn)
    typed = verify_code_display(letter.verify_token).lower().replace("-", " ")
    response = client.get(reverse("letters:verify_lookup"), {"code": typed})
    assert response.status_code == 302 and response["Location"].endswith(f"/verify/{letter.verify_token}/")
    assert client.get(reverse("letters:verify_lookup"), {"code": ""}).status_code == 400


# --- concurrency -----------------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_issues_get_twenty_consecutive_numbers():
    users = make_users("par")
    case = build_case(S.AWAITING_FOLLOW_UP, users)
    agency = Agency.objects.get(code="KEMENDAGRI")
    numbers, errors, barrier = [], [], threading.Barrier(20)

    def issue():
        try:
            barrier.wait()
            letter = letter_issue(actor=users["kemendagri"], kind="ESCALATION_WARNING", agency=agency, case=case,
                                  tracks=list(case.tracks.select_related("respondent", "agency")))
            numbers.append((letter.seq, letter.number))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = sorted(s for s, _n in numbers)
    assert seqs == list(range(seqs[0], seqs[0] + 20))
    assert len({n for _s, n in numbers}) == 20
    assert Letter.objects.filter(agency=agency).count() == 20
    assert CaseEvent.objects.filter(case=case, code="letter.issued").count() == 20


# --- hooks on workflow events ----------------------------------------------------------------------------------

def test_issuing_a_recommendation_issues_one_letter_per_proven_respondent(users, django_capture_on_commit_callbacks):
    case = build_case(S.UNDER_REVIEW, users, respondents=2)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_issue_recommendation(actor=users["approver"], case=case)
    letters = list(Letter.objects.filter(case=case, kind=LetterKind.RECOMMENDATION).select_related("track__respondent"))
    assert len(letters) == 2 and {lt.track_id for lt in letters} == set(case.tracks.values_list("pk", flat=True))
    for letter in letters:
        text = flat(pdf_text(bytes(letter.pdf)))
        assert letter.track.respondent.name in text and letter.number in text
        assert letter.number.startswith("R-")  # sifat Rahasia
    assert CaseEvent.objects.filter(case=case, code="letter.issued").count() == 2


def test_forwarding_reminder_block_escalation_and_president_letters(users, django_capture_on_commit_callbacks):
    case = build_case(S.UNDER_EXAMINATION, users)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_forward(actor=users["bawaslu"], case=case, conclusion="Terbukti memenuhi unsur.")
    forwarding = Letter.objects.get(case=case, kind=LetterKind.FORWARDING)
    assert forwarding.agency.code == "BAWASLU-33.01"
    assert "Terbukti memenuhi unsur." in flat(pdf_text(bytes(forwarding.pdf)))

    overdue = build_case(S.OVERDUE, users)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_send_reminder(actor=users["approver"], case=overdue)
        workflow.case_request_block(actor=users["approver"], case=overdue, out_of_order_reason="Semua langkah pada hari yang sama (uji surat)")
        workflow.case_record_block(actor=users["bkn"], case=overdue)
        workflow.case_escalate(actor=users["approver"], case=overdue)
        workflow.case_record_ppk_warning(actor=users["kemendagri"], case=overdue, reason="Teguran tertulis")
        workflow.case_report_to_president(actor=users["approver"], case=overdue, out_of_order_reason="Semua langkah pada hari yang sama (uji surat)")
    kinds = dict(Letter.objects.filter(case=overdue).values_list("kind", "agency__code"))
    # BKN (the supervisor since 2024) does not write to its own head: its block order is the notice to the PPK.
    # The supervisor asks Kemendagri to warn; Kemendagri's warning is issued by its own officer.
    assert kinds == {"REMINDER": "BKN", "BLOCK_NOTICE": "BKN", "ESCALATION_REQUEST": "BKN",
                     "ESCALATION_WARNING": "KEMENDAGRI", "PRESIDENT_REPORT": "BKN"}
    block = flat(pdf_text(bytes(Letter.objects.get(case=overdue, kind="BLOCK_NOTICE").pdf)))
    assert "Bupati Cilacap" in block and overdue.tracks.get().respondent.nip_display in block
    request = flat(pdf_text(bytes(Letter.objects.get(case=overdue, kind="ESCALATION_REQUEST").pdf)))
    assert "Yth. Menteri Dalam Negeri" in request and "Badan Kepegawaian Negara" in request
    warning = Letter.objects.get(case=overdue, kind="ESCALATION_WARNING")
    assert warning.issued_by == users["kemendagri"]
    assert "Kementerian Dalam Negeri," in flat(pdf_text(bytes(warning.pdf)))  # signed under its own agency


def test_a_hook_run_twice_issues_nothing_new(users, django_capture_on_commit_callbacks):
    from cases.letters.hooks import on_forwarded

    case = build_case(S.UNDER_EXAMINATION, users)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_forward(actor=users["bawaslu"], case=case)
    on_forwarded(CaseEvent.objects.get(case=case, code="case.forwarded"))
    assert Letter.objects.filter(case=case, kind="FORWARDING").count() == 1


# --- receipts and closing notices for reporters ---------------------------------------------------------------

@pytest.fixture(autouse=True)
def eager_celery(monkeypatch):
    """Receipts are rendered by a task; here it runs in-process (the batch tests use a real worker)."""
    from kasn_cases.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def _submit(anonymity, name):
    from cases.models import ElectionPeriod, Region
    from reports.services import report_submit

    fields = {"election": ElectionPeriod.objects.get(slug="pilkada-2024"), "region": Region.objects.get(code="33.01"),
              "respondent_name": "Bambang Terlapor", "respondent_nip": "198005122006041001",
              "description": "Memasang baliho calon di kantor dinas.", "place": "Cilacap"}
    reporter = {"name": name, "address": "Jl. Mawar 1", "email": ""} if anonymity != "anonymous" else None
    return report_submit(fields=fields, anonymity=anonymity, pin=None, reporter=reporter)


@pytest.mark.parametrize("anonymity,name_printed", [("named", True), ("confidential", False), ("anonymous", False)])
def test_receipt_names_the_reporter_only_when_filed_with_identity(anonymity, name_printed,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = _submit(anonymity, "Siti Pelapor")
    letter = Letter.objects.get(kind=LetterKind.RECEIPT, subject_ref=f"report:{report.pk}")
    text = flat(pdf_text(bytes(letter.pdf)))
    assert report.tracking_code_display in text and letter.number in text and "Bambang Terlapor" in text
    assert ("Siti Pelapor" in text) is name_printed and ("Mawar" in text) is name_printed
    assert letter.agency.code == "BAWASLU-33.01" and letter.case is None
    assert report.events.filter(code="letter.issued", payload__number=letter.number).exists()


def test_closing_notice_goes_to_the_reporter_without_identity_when_confidential(users, django_capture_on_commit_callbacks):
    from reports.models import Report

    with django_capture_on_commit_callbacks(execute=True):
        report = _submit("confidential", "Siti Rahasia")
    case = build_case(S.UNDER_EXAMINATION, users)
    Report.objects.filter(pk=report.pk).update(case=case)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_dismiss(actor=users["bawaslu"], case=case, reason="Bukan ASN")
    letter = Letter.objects.get(case=case, kind=LetterKind.CLOSING_NOTICE)
    text = flat(pdf_text(bytes(letter.pdf)))
    assert report.tracking_code_display in text and "dihentikan" in text and "Siti Rahasia" not in text


def test_receipt_download_only_for_the_issuing_office(client, bawaslu_officer, bawaslu_other_regency,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = _submit("named", "Siti Pelapor")
    letter = Letter.objects.get(subject_ref=f"report:{report.pk}")
    client.force_login(bawaslu_officer)
    assert client.get(reverse("letters:download", args=[letter.pk])).content == bytes(letter.pdf)
    client.force_login(bawaslu_other_regency)
    assert client.get(reverse("letters:download", args=[letter.pk])).status_code == 404


# --- start-up check --------------------------------------------------------------------------------------------

def test_missing_harfbuzz_subset_warns_at_start_up(monkeypatch):
    assert checks.harfbuzz_subset_check() == []  # installed on this machine (Makefile sysdeps)
    monkeypatch.setattr(checks, "harfbuzz_subset_available", lambda: False)
    [warning] = checks.harfbuzz_subset_check()
    assert warning.msg == "Surat PDF akan dua kali lebih lambat: pasang libharfbuzz-subset0"


def test_pdf_pages_open_with_pypdf(users, bkn):
    _case, _track, letter = recommend(users, bkn)
    reader = PdfReader(io.BytesIO(bytes(letter.pdf)))
    assert len(reader.pages) >= 1
