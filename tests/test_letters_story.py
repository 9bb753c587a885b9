"""One case walked through the workflow issues every letter kind from database data alone; no letter carries an
internal code, a certainty marker or English.

With LETTERS_DOCS_DIR=docs/letters the first page of each kind is written there as <KIND>.png (pdftoppm):
    LETTERS_DOCS_DIR=docs/letters .venv/bin/python -m pytest tests/test_letters_story.py

The main case is a Pilkada 2024 case in the BKN era, each step on its own day (time-machine) from October 2024 to
February 2025; the block request, which only the KASN era has, comes from a Pemilu 2024 case KASN handled in early
2024. Every letter is dated on the day of its step and cites only letters issued before it.
"""
import contextlib
import datetime as dt
import os
import re
import subprocess
from pathlib import Path

from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases import workflow
from cases.letters.dates import BULAN, format_tanggal
from cases.letters.issue import verify_code_display
from cases.models import (
    Agency, CaseStatus, ElectionPeriod, Letter, Letterhead, LetterKind, LetterSigner, Region, SigningMode,
)
from reports.models import Report
from reports.services import report_request_info, report_submit
from tests.workflow_support import make_users

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager_celery(monkeypatch):
    from kasn_cases.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def letterheads(u):
    """What an administrator fills in: letterheads per agency, and each signing officer's authority."""
    Letterhead.objects.update_or_create(agency=Agency.objects.get(code="BAWASLU-33.01"), defaults=dict(
        address="Jalan Gatot Subroto Nomor 28, Cilacap, Jawa Tengah 53212", phone="(0282) 534567",
        website="cilacap.bawaslu.go.id", email="set.cilacap@bawaslu.go.id"))
    Letterhead.objects.update_or_create(agency=Agency.objects.get(code="PEMKAB-33.01"), defaults=dict(
        address="Jalan Jenderal Sudirman Nomor 32, Cilacap, Jawa Tengah 53211", phone="(0282) 533089",
        website="cilacapkab.go.id"))
    Agency.objects.filter(code="BAWASLU-33.01").update(number_pattern="{seq}/PM.01/K.JT-{code}/{month}/{year}")
    signers = {
        "bawaslu": dict(mode=SigningMode.HEAD, position="Ketua Bawaslu Kabupaten Cilacap"),
        "approver": dict(mode=SigningMode.ON_BEHALF, position="Deputi Bidang Pengawasan dan Pengendalian",
                         nip="196904011996031001"),
        "bkn": dict(mode=SigningMode.FOR_HIM, position="Direktur Pengolahan Data Kepegawaian",
                    behalf_position="Deputi Bidang Sistem Informasi Kepegawaian", nip="197205121998031002"),
        "kemendagri": dict(mode=SigningMode.ON_BEHALF, position="Direktur Jenderal Otonomi Daerah",
                           nip="196703101990011001"),
        "ppk": dict(mode=SigningMode.ON_BEHALF, position="Sekretaris Daerah", nip="196808171994031005"),
    }
    names = {"bawaslu": "Rina Kartikasari, S.H.", "approver": "Dr. Haryanto Wibisono, M.Si.",
             "bkn": "Sri Wahyuni, S.Kom., M.T.", "kemendagri": "Drs. Akmal Harahap, M.Si.",
             "ppk": "Ir. Bambang Setiawan, M.M."}
    for key, fields in signers.items():
        u[key].first_name, u[key].last_name = names[key], ""
        u[key].save(update_fields=["first_name", "last_name"])
        LetterSigner.objects.update_or_create(user=u[key], defaults=fields)


WIB = ZoneInfo("Asia/Jakarta")


@contextlib.contextmanager
def on_day(day: dt.date, capture):
    """The workflow acts on `day` (09:00 WIB, the clock standing still); letters are issued when it commits."""
    with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=WIB), tick=False), capture(execute=True):
        yield


def walk(u, capture):
    """A Pilkada 2024 case in the BKN era (KASN dissolved mid-2024, domain.md §1): every step on its own day,
    in the escalation ladder's order, from a report during the campaign to the case closed in February 2025."""
    agency = Agency.objects.get(code="PEMKAB-33.01")
    election, region = ElectionPeriod.objects.get(slug="pilkada-2024"), Region.objects.get(code="33.01")
    with on_day(dt.date(2024, 10, 14), capture):
        report = report_submit(fields={
            "election": election, "region": region, "respondent_name": "Drs. Sutrisno Wibowo, M.Si.",
            "respondent_nip": "197103151996031002", "respondent_position": "Kepala Dinas Pendidikan",
            "respondent_agency": agency, "place": "Kantor Dinas Pendidikan Kabupaten Cilacap",
            "description": "Terlapor mengunggah foto bersama bakal calon bupati dengan ajakan memilih di Facebook."},
            anonymity="named", pin="kenanga-4412",
            reporter={"name": "Yohanes Prasetyo", "address": "Jalan Kenanga 4, Cilacap"})
        report_request_info(actor=u["bawaslu"], report=report, question="Fotokopi KTP pelapor",
                            due_on=dt.date(2024, 10, 17))
    with on_day(dt.date(2024, 10, 16), capture):
        case = workflow.case_open(
            actor=u["bawaslu"], election=election, region=region,
            title="Kepala dinas mengunggah ajakan memilih bakal calon", description=report.description,
            place=report.place, occurred_on=dt.date(2024, 10, 12),
            respondents=[{"nip": "197103151996031002", "name": "Drs. Sutrisno Wibowo, M.Si.",
                          "position": "Kepala Dinas Pendidikan", "agency": agency}])
        Report.objects.filter(pk=report.pk).update(case=case)
        workflow.perform("start_examination", actor=u["bawaslu"], case=case)
    steps = [
        (dt.date(2024, 10, 23), "forward", "bawaslu",
         {"conclusion": "Perbuatan terlapor memenuhi unsur pelanggaran netralitas Pegawai ASN."}),
        (dt.date(2024, 10, 28), "start_review", "analyst", {}),
        (dt.date(2024, 10, 31), "draft_recommendation", "analyst",
         {"violation_types": ["SOSMED_POST"], "category": "both", "moral_level": "open",
          "discipline_level": "moderate"}),
        (dt.date(2024, 11, 4), "issue_recommendation", "approver", {}),
    ]
    for day, action, who, params in steps:
        with on_day(day, capture):
            workflow.perform(action, actor=u[who], case=case, **params)
    with on_day(dt.date(2024, 11, 6), capture):
        workflow.perform("acknowledge", actor=u["ppk"], case=case)
    with on_day(dt.date(2024, 12, 16), capture):
        workflow.case_mark_overdue(case=case)
        workflow.perform("send_reminder", actor=u["approver"], case=case)
    with on_day(dt.date(2025, 1, 6), capture):
        workflow.perform("request_block", actor=u["approver"], case=case)  # BKN's own: no letter to itself
    with on_day(dt.date(2025, 1, 7), capture):
        workflow.perform("record_block", actor=u["bkn"], case=case)
    with on_day(dt.date(2025, 1, 20), capture):
        workflow.perform("escalate", actor=u["approver"], case=case)
    with on_day(dt.date(2025, 1, 27), capture):
        workflow.perform("record_ppk_warning", actor=u["kemendagri"], case=case, reason="Teguran tertulis")
    with on_day(dt.date(2025, 2, 10), capture):
        workflow.perform("report_to_president", actor=u["approver"], case=case)
    # One decision per recommended item (issue #22), dated the day the PPK records it.
    with on_day(dt.date(2025, 2, 17), capture):
        workflow.perform("record_sanction", actor=u["ppk"], case=case, sanction_type="MORAL_OPEN",
                         decree_number="800.1.6.4/111/2025", decree_date=dt.date(2025, 2, 17),
                         signer_name="Sekretaris Daerah")
        workflow.perform("record_sanction", actor=u["ppk"], case=case, sanction_type="PP94_MOD_TUKIN25_6M",
                         decree_number="800.1.6.4/112/2025", decree_date=dt.date(2025, 2, 17),
                         signer_name="Sekretaris Daerah", employee_type="pns")
    with on_day(dt.date(2025, 2, 19), capture):
        workflow.perform("unblock", actor=u["bkn"], case=case)
    with on_day(dt.date(2025, 2, 24), capture):
        workflow.perform("close_sanctioned", actor=u["approver"], case=case)
    return case, report


def walk_kasn_era(capture):
    """A Pemilu 2024 case while KASN still supervised (until mid-2024): KASN recommends, reminds, and asks the
    head of BKN to block the respondent's data, a block request from one agency to another."""
    u = make_users("kasn")
    kasn = Agency.objects.get(code="KASN")
    for key in ("analyst", "approver"):
        u[key].agency = kasn
        u[key].save(update_fields=["agency"])
    u["approver"].first_name, u["approver"].last_name = "Prof. Dr. Wahyu Santoso, M.A.", ""
    u["approver"].save(update_fields=["first_name", "last_name"])
    LetterSigner.objects.update_or_create(user=u["approver"], defaults=dict(
        mode=SigningMode.HEAD, position="Ketua Komisi Aparatur Sipil Negara", nip=""))
    agency = Agency.objects.get(code="PEMKAB-33.01")
    with on_day(dt.date(2023, 12, 11), capture):
        case = workflow.case_open(
            actor=u["bawaslu"], election=ElectionPeriod.objects.get(slug="pemilu-2024"),
            region=Region.objects.get(code="33.01"), title="Camat hadir dalam kampanye calon anggota DPRD",
            description="Terlapor berpidato dalam kampanye calon anggota DPRD Kabupaten Cilacap.",
            place="Lapangan Kecamatan Kesugihan", occurred_on=dt.date(2023, 12, 8),
            respondents=[{"nip": "197508212001121003", "name": "Agus Pramono, S.Sos., M.Si.",
                          "position": "Camat Kesugihan", "agency": agency}])
        workflow.perform("start_examination", actor=u["bawaslu"], case=case)
    steps = [
        (dt.date(2023, 12, 18), "forward", "bawaslu",
         {"conclusion": "Perbuatan terlapor memenuhi unsur pelanggaran netralitas Pegawai ASN."}),
        (dt.date(2024, 1, 3), "start_review", "analyst", {}),
        (dt.date(2024, 1, 8), "draft_recommendation", "analyst",
         {"violation_types": ["SOSMED_POST"], "category": "moral", "moral_level": "open"}),
        (dt.date(2024, 1, 15), "issue_recommendation", "approver", {}),
    ]
    for day, action, who, params in steps:
        with on_day(day, capture):
            workflow.perform(action, actor=u[who], case=case, **params)
    with on_day(dt.date(2024, 1, 17), capture):
        workflow.perform("acknowledge", actor=u["ppk"], case=case)
    with on_day(dt.date(2024, 2, 26), capture):
        workflow.case_mark_overdue(case=case)
        workflow.perform("send_reminder", actor=u["approver"], case=case)
    with on_day(dt.date(2024, 3, 18), capture):
        workflow.perform("request_block", actor=u["approver"], case=case)
    return case


INTERNAL = re.compile(r"\b[A-Z][A-Z0-9]+_[A-Z0-9_]+\b|UNCONFIRMED|sub-kode|pemetaan|\[[RV]\]")
ENGLISH = re.compile(r"\b(the|and|of|with|from|letter|report|case|signed|issued|not|none|null)\b")


CITED = re.compile(r"Nomor \S+ tanggal (\d{1,2} [A-Z][a-z]+ \d{4})")


def tanggal_parse(text: str) -> dt.date:
    day, month, year = text.split()
    return dt.date(int(year), BULAN.index(month) + 1, int(day))


def pdf_words(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


def reporter_letters(report):
    return {lt.kind: lt for lt in Letter.objects.filter(pk__in=[
        e.payload["letter"] for e in report.events.filter(code="letter.issued")])}


def test_every_kind_from_one_case(django_capture_on_commit_callbacks):
    u = make_users("story")
    letterheads(u)
    case, report = walk(u, django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED_SANCTIONED
    # A block request is the supervisor writing to BKN: only the KASN era has one (BKN supervises itself since
    # 2024 and its own order is the block notice).
    kasn_case = walk_kasn_era(django_capture_on_commit_callbacks)

    letters = {lt.kind: lt for lt in Letter.objects.filter(case=case)}
    assert LetterKind.BLOCK_REQUEST not in letters
    letters.update(reporter_letters(report))  # the receipt and the completion request, before the case
    kasn_letters = {lt.kind: lt for lt in Letter.objects.filter(case=kasn_case)}
    letters[LetterKind.BLOCK_REQUEST] = kasn_letters[LetterKind.BLOCK_REQUEST]
    assert set(letters) == set(LetterKind.values)
    all_letters = [*letters.items(), *((f"KASN {k}", lt) for k, lt in kasn_letters.items())]
    for kind, letter in all_letters:  # each letter dated on the day of the step that issued it, in its agency's era
        day = letter.issued_at.astimezone(WIB).date()
        assert dt.date(2023, 12, 1) <= day <= dt.date(2025, 2, 28), kind
        assert (letter.agency.code == "KASN") == (letter.case_id == kasn_case.pk and letter.kind != "FORWARDING"), kind
    out_dir = os.environ.get("LETTERS_DOCS_DIR")
    texts = {}
    for kind, letter in all_letters:
        text = texts[kind] = pdf_words(bytes(letter.pdf))
        day = letter.issued_at.astimezone(WIB).date()
        assert format_tanggal(day) in text, kind
        for cited in CITED.findall(text):  # a letter cites only letters issued before or on its own date
            assert tanggal_parse(cited) <= day, (kind, cited)
        assert letter.number in text and verify_code_display(letter.verify_token) in text, kind
        assert not INTERNAL.findall(text), (kind, INTERNAL.findall(text))
        assert not ENGLISH.findall(text), (kind, ENGLISH.findall(text))
        if out_dir and kind in LetterKind.values:
            Path(out_dir).mkdir(parents=True, exist_ok=True)
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", "-",
                            str(Path(out_dir) / kind)], input=bytes(letter.pdf), check=True)
    rec = texts["RECOMMENDATION"]
    assert "197103151996031002"[:8] + " 199603 1 002" in rec
    assert "sanksi moral pernyataan secara terbuka dan hukuman disiplin sedang" in rec
    assert "a.n. Kepala Badan Kepegawaian Negara Deputi Bidang Pengawasan dan Pengendalian," in rec
    assert "Yohanes Prasetyo" in texts["RECEIPT"]
    assert "Menteri Dalam Negeri" not in texts["ESCALATION_WARNING"].split("Demikian")[1].split("Tembusan")[0] \
        or "a.n. Menteri Dalam Negeri Direktur Jenderal Otonomi Daerah" in texts["ESCALATION_WARNING"]
