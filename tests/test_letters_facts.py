"""A letter states only what the case's record holds, and is signed by the officer who acts.

Each test flips one recorded fact (clarification, reminder, acknowledgement, election type, the letter's date, PPPK
respondent, signing on behalf, decree) and reads the issued PDF back with pdftotext.
"""
import datetime as dt
import re
import subprocess

import pytest
from django.utils import timezone

from cases import workflow
from cases.letters.issue import letter_issue
from cases.models import (
    Agency, CaseStatus, EmployeeType, Letter, LetterKind, LetterSigner, Respondent, SigningMode, TrackStatus,
)
from tests.workflow_support import build_case, make_users

S = CaseStatus
K = LetterKind
pytestmark = pytest.mark.django_db


def text_of(letter) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=bytes(letter.pdf), capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


@pytest.fixture
def users(db):
    return make_users("fx")


def issue(users, kind, case, *, who="approver", on=None, agency=None):
    tracks = list(case.tracks.select_related("respondent", "agency", "case").order_by("id"))
    actor = users[who]
    return letter_issue(actor=actor, kind=kind, agency=agency or actor.agency, case=case, tracks=tracks, on=on)


# --- facts from the record ------------------------------------------------------------------------------------

def test_forwarding_states_clarification_only_when_it_was_held(users, django_capture_on_commit_callbacks):
    direct = build_case(S.RECEIVED, users)
    examined = build_case(S.REGISTERED, users)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_forward(actor=users["bawaslu"], case=direct)
        workflow.case_start_examination(actor=users["bawaslu"], case=examined)
        workflow.case_forward(actor=users["bawaslu"], case=examined, conclusion="Memenuhi unsur Pasal 283.")
    direct_text = text_of(Letter.objects.get(case=direct, kind=K.FORWARDING))
    examined_text = text_of(Letter.objects.get(case=examined, kind=K.FORWARDING))
    assert "tanpa registrasi dan tanpa klarifikasi" in direct_text
    assert "klarifikasi serta kajian dimulai" not in direct_text and "Kesimpulan" not in direct_text
    today = timezone.localdate()
    from cases.letters.dates import format_tanggal
    assert f"klarifikasi serta kajian dimulai pada tanggal {format_tanggal(today)}" in examined_text.replace(
        "Klarifikasi", "klarifikasi")
    assert "Kesimpulan: Memenuhi unsur Pasal 283." in examined_text
    assert "tanpa registrasi" not in examined_text


def test_president_report_says_reminded_only_after_a_reminder(users, django_capture_on_commit_callbacks):
    silent = build_case(S.OVERDUE, users)
    reminded = build_case(S.OVERDUE, users)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_send_reminder(actor=users["approver"], case=reminded)
        workflow.case_report_to_president(actor=users["approver"], case=silent, out_of_order_reason="Semua langkah pada hari yang sama (uji surat)")
        workflow.case_report_to_president(actor=users["approver"], case=reminded, out_of_order_reason="Semua langkah pada hari yang sama (uji surat)")
    silent_text = text_of(Letter.objects.get(case=silent, kind=K.PRESIDENT_REPORT))
    reminded_text = text_of(Letter.objects.get(case=reminded, kind=K.PRESIDENT_REPORT))
    reminder = Letter.objects.get(case=reminded, kind=K.REMINDER)
    assert "diingatkan" not in silent_text
    assert f"telah diingatkan dengan surat Badan Kepegawaian Negara Nomor {reminder.number}" in reminded_text


def test_reminder_states_the_acknowledged_receipt_only_when_recorded(users):
    case = build_case(S.AWAITING_FOLLOW_UP, users)
    assert "Penerimaan rekomendasi" not in text_of(issue(users, K.REMINDER, case))
    workflow.case_acknowledge(actor=users["ppk"], case=case)
    assert "Penerimaan rekomendasi tersebut telah dikonfirmasi" in text_of(issue(users, K.REMINDER, case))


def test_unblock_notice_cites_the_recorded_decree(users, django_capture_on_commit_callbacks):
    case = build_case(S.OVERDUE, users)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_request_block(actor=users["approver"], case=case, out_of_order_reason="Semua langkah pada hari yang sama (uji surat)")
        workflow.case_record_block(actor=users["bkn"], case=case)
        workflow.case_record_sanction(actor=users["ppk"], case=case, sanction_type="PP94_MOD_TUKIN25_6M",
                                      decree_number="800/77/2026", decree_date=timezone.localdate(),
                                      signer_name="Sekretaris Daerah", reason="Pertama kali melanggar")
        workflow.case_accept_decision(actor=users["approver"], case=case, reason="Alasan PPK dapat diterima")
        workflow.case_unblock(actor=users["bkn"], case=case)
    text = text_of(Letter.objects.get(case=case, kind=K.UNBLOCK_NOTICE))
    assert "Keputusan Nomor 800/77/2026" in text and "telah dibuka pada tanggal" in text
    assert Letter.objects.get(case=case, kind=K.UNBLOCK_NOTICE).issued_by == users["bkn"]


def test_a_kasn_era_block_request_goes_from_kasn_to_the_head_of_bkn(users, django_capture_on_commit_callbacks):
    case = build_case(S.OVERDUE, users)
    kasn = Agency.objects.get(code="KASN")
    users["approver"].agency = kasn
    users["approver"].save(update_fields=["agency"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_request_block(actor=users["approver"], case=case, out_of_order_reason="Semua langkah pada hari yang sama (uji surat)")
    letter = Letter.objects.get(case=case, kind=K.BLOCK_REQUEST)
    assert letter.agency == kasn and "/KASN/" in letter.number
    assert "Yth. Kepala Badan Kepegawaian Negara" in text_of(letter)


# --- legal basis by date, election type and employment type -------------------------------------------------

def test_recommendation_cites_the_asn_law_in_force_on_its_date(users):
    case = build_case(S.AWAITING_FOLLOW_UP, users)
    before = text_of(issue(users, K.RECOMMENDATION, case, on=dt.date(2023, 5, 2)))
    after = text_of(issue(users, K.RECOMMENDATION, case, on=dt.date(2026, 5, 4)))
    assert "Undang-Undang Nomor 5 Tahun 2014" in before and "Nomor 20 Tahun 2023" not in before
    assert "Undang-Undang Nomor 20 Tahun 2023" in after and "Nomor 5 Tahun 2014" not in after


def test_recommendation_cites_the_election_law_of_the_election_type(users):
    pemilu = text_of(issue(users, K.RECOMMENDATION, build_case(S.AWAITING_FOLLOW_UP, users, election="pemilu-2024")))
    pilkada = text_of(issue(users, K.RECOMMENDATION, build_case(S.AWAITING_FOLLOW_UP, users, election="pilkada-2024")))
    assert "Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum, Pasal 280" in pemilu
    assert "Pasal 71 ayat (1)" not in pemilu
    assert "Pasal 70 ayat (1) huruf b dan Pasal 71 ayat (1)" in pilkada and "Nomor 7 Tahun 2017" not in pilkada
    # the article breached, in the conclusion, from the same rows
    assert "terbukti melakukan pelanggaran netralitas Pegawai ASN sebagaimana diatur dalam Pasal 71 ayat (1)" in pilkada


def test_pppk_respondent_gets_the_pppk_regulation_and_number_label(users):
    pns_case = build_case(S.AWAITING_FOLLOW_UP, users)
    pppk_case = build_case(S.AWAITING_FOLLOW_UP, users)
    Respondent.objects.filter(tracks__case=pns_case).update(employee_type=EmployeeType.PNS)
    Respondent.objects.filter(tracks__case=pppk_case).update(employee_type=EmployeeType.PPPK)
    pns, pppk = text_of(issue(users, K.RECOMMENDATION, pns_case)), text_of(issue(users, K.RECOMMENDATION, pppk_case))
    assert "Peraturan Pemerintah Nomor 94 Tahun 2021" in pns and "Nomor 49 Tahun 2018" not in pns
    assert "Peraturan Pemerintah Nomor 49 Tahun 2018" in pppk and "Nomor 94 Tahun 2021" not in pppk
    assert "NI PPPK" in pppk and "NI PPPK" not in pns


# --- the issuer signs ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode,expected,absent", [
    (SigningMode.HEAD, ["Kepala Badan Kepegawaian Negara, Approver"], ["a.n.", "u.b."]),
    (SigningMode.ON_BEHALF, ["a.n. Kepala Badan Kepegawaian Negara Deputi Bidang Pengawasan dan Pengendalian, "
                             "Approver NIP 19700101 199503 1 001"], ["u.b."]),
    (SigningMode.FOR_HIM, ["a.n. Kepala Badan Kepegawaian Negara Deputi Bidang Pengawasan dan Pengendalian, u.b. "
                           "Direktur Pengawasan Netralitas, Approver"], []),
])
def test_signature_block_follows_the_officers_recorded_authority(users, mode, expected, absent):
    position = "Direktur Pengawasan Netralitas" if mode == SigningMode.FOR_HIM else "Deputi Bidang Pengawasan dan Pengendalian"
    LetterSigner.objects.create(user=users["approver"], mode=mode, position=position, nip="197001011995031001",
                                behalf_position="Deputi Bidang Pengawasan dan Pengendalian")
    text = text_of(issue(users, K.RECOMMENDATION, build_case(S.AWAITING_FOLLOW_UP, users)))
    text = re.sub(r"Ditandatangani secara elektronik .*?resmi\) ", "", text)  # the certificate line (test CA)
    for phrase in expected:
        assert phrase in text
    signature = text[text.index("Demikian"):]
    for phrase in absent:
        assert phrase not in signature


def test_a_letter_is_issued_in_the_acting_officers_agency(users, django_capture_on_commit_callbacks):
    case = build_case(S.UNDER_REVIEW, users)
    kasn = Agency.objects.get(code="KASN")
    users["approver"].agency = kasn
    users["approver"].save(update_fields=["agency"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_issue_recommendation(actor=users["approver"], case=case)
    letter = Letter.objects.get(case=case, kind=K.RECOMMENDATION)
    assert letter.agency == kasn and "/KASN/" in letter.number and letter.issued_by == users["approver"]
    assert case.tracks.get().status == TrackStatus.RECOMMENDED


# --- letters to the reporter where each belongs ----------------------------------------------------------------

@pytest.fixture(autouse=True)
def eager_celery(monkeypatch):
    from kasn_cases.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def submitted(anonymity="named"):
    from cases.models import ElectionPeriod, Region
    from reports.services import report_submit

    fields = {"election": ElectionPeriod.objects.get(slug="pilkada-2024"), "region": Region.objects.get(code="33.01"),
              "respondent_name": "Bambang Terlapor", "respondent_nip": "198005122006041001",
              "respondent_agency": Agency.objects.get(code="PEMKAB-33.01"),
              "description": "Memasang baliho calon di kantor dinas.", "place": "Cilacap"}
    reporter = {"name": "Siti Pelapor", "address": "Jl. Mawar 1", "email": ""} if anonymity != "anonymous" else None
    return report_submit(fields=fields, anonymity=anonymity, pin="rahasia-7391" if reporter else None,
                         reporter=reporter)


def reporter_letters(report, kind):
    return [lt for lt in Letter.objects.filter(kind=kind).order_by("id")
            if report.events.filter(code="letter.issued", payload__letter=lt.pk).exists()]


def test_registration_and_forwarding_send_status_notices(users, django_capture_on_commit_callbacks):
    from reports.services import report_register

    with django_capture_on_commit_callbacks(execute=True):
        report = submitted()
        case = report_register(actor=users["bawaslu"], report=report)
        workflow.case_start_examination(actor=users["bawaslu"], case=case)
        workflow.case_forward(actor=users["bawaslu"], case=case)
    registered, forwarded = reporter_letters(report, K.STATUS_NOTICE)
    text = text_of(registered)
    assert "Status laporan: Teregistrasi" in text and case.number in text and "Siti Pelapor" in text
    assert registered.agency.code == "BAWASLU-33.01" and registered.issued_by == users["bawaslu"]
    text = text_of(forwarded)
    assert "Diteruskan kepada lembaga pengawas" in text and "Laporan diteruskan kepada Badan Kepegawaian Negara" in text


def test_not_registrable_notice_gives_the_reason_and_completion_request_the_items(users,
                                                                                 django_capture_on_commit_callbacks):
    from reports.services import report_mark_not_registrable, report_request_info

    with django_capture_on_commit_callbacks(execute=True):
        refused, incomplete = submitted(), submitted("confidential")
        report_mark_not_registrable(actor=users["bawaslu"], report=refused, reason="Dilaporkan lewat 7 hari.")
        report_request_info(actor=users["bawaslu"], report=incomplete, question="Fotokopi KTP pelapor",
                            due_on=dt.date(2026, 12, 15))
    [notice] = reporter_letters(refused, K.STATUS_NOTICE)
    assert "Tidak dapat diregistrasi" in text_of(notice) and "Keterangan: Dilaporkan lewat 7 hari." in text_of(notice)
    [request] = reporter_letters(incomplete, K.COMPLETION_REQUEST)
    text = text_of(request)
    assert "Fotokopi KTP pelapor" in text and "tanggal 15 Desember 2026" in text
    assert "Siti Pelapor" not in text  # confidential: the letter names no one



@pytest.mark.parametrize("kind,who", [(K.REMINDER, "approver"), (K.BLOCK_NOTICE, "bkn"), (K.ESCALATION_REQUEST, "approver"),
                                      (K.ESCALATION_WARNING, "kemendagri"), (K.PRESIDENT_REPORT, "approver")])
def test_every_follow_up_kind_mentions_a_reminder_only_after_one(users, kind, who, django_capture_on_commit_callbacks):
    silent, reminded = build_case(S.OVERDUE, users), build_case(S.OVERDUE, users)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_send_reminder(actor=users["approver"], case=reminded)
    reminder = Letter.objects.get(case=reminded, kind=K.REMINDER)
    assert "diingatkan" not in text_of(issue(users, kind, silent, who=who))
    assert f"telah diingatkan dengan surat Badan Kepegawaian Negara Nomor {reminder.number}" in text_of(
        issue(users, kind, reminded, who=who))


def test_an_uploaded_emblem_is_printed_on_the_letterhead(users, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from cases.letters import render
    from cases.letters.context import issuer_context
    from cases.models import Letterhead

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 30, 30)).save(buffer, "PNG")
    head = Letterhead.objects.get(agency__code="BKN")
    head.emblem = SimpleUploadedFile("garuda-bkn.png", buffer.getvalue(), content_type="image/png")
    head.email = "persuratan@bkn.go.id"
    head.save()
    assert issuer_context(head.agency)["emblem_uri"].startswith("data:image/jpeg;base64,")  # see EMBLEM_JPEG_QUALITY
    render.REFUSED_URLS.clear()
    text = text_of(issue(users, K.RECOMMENDATION, build_case(S.AWAITING_FOLLOW_UP, users)))
    assert "Pos-el persuratan@bkn.go.id" in text and render.REFUSED_URLS == []
