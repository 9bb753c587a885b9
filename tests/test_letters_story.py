"""One case walked through the workflow issues every letter kind from database data alone; no letter carries an
internal code, a certainty marker or English.

With LETTERS_DOCS_DIR=docs/letters the first page of each kind is written there as <KIND>.png (pdftoppm):
    LETTERS_DOCS_DIR=docs/letters .venv/bin/python -m pytest tests/test_letters_story.py
"""
import datetime as dt
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from cases import workflow
from cases.letters.issue import letter_issue, verify_code_display
from cases.models import (
    Agency, CaseStatus, ElectionPeriod, Letter, Letterhead, LetterKind, LetterSigner, Region, SigningMode,
)
from reports.models import Report
from reports.services import report_submit
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


SAME_DAY = "Semua langkah pada hari yang sama (uji surat)"  # out of the escalation ladder's order


def walk(u):
    agency = Agency.objects.get(code="PEMKAB-33.01")
    election, region = ElectionPeriod.objects.get(slug="pilkada-2024"), Region.objects.get(code="33.01")
    report = report_submit(fields={
        "election": election, "region": region, "respondent_name": "Drs. Sutrisno Wibowo, M.Si.",
        "respondent_nip": "197103151996031002", "respondent_position": "Kepala Dinas Pendidikan",
        "respondent_agency": agency, "place": "Kantor Dinas Pendidikan Kabupaten Cilacap",
        "description": "Terlapor mengunggah foto bersama bakal calon bupati dengan ajakan memilih di Facebook."},
        anonymity="named", pin=None, reporter={"name": "Yohanes Prasetyo", "address": "Jalan Kenanga 4, Cilacap"})
    case = workflow.case_open(
        actor=u["bawaslu"], election=election, region=region, title="Kepala dinas mengunggah ajakan memilih bakal calon",
        description=report.description, place=report.place, occurred_on=election.voting_date,
        respondents=[{"nip": "197103151996031002", "name": "Drs. Sutrisno Wibowo, M.Si.",
                      "position": "Kepala Dinas Pendidikan", "agency": agency}])
    Report.objects.filter(pk=report.pk).update(case=case)
    steps = [
        ("start_examination", "bawaslu", {}),
        ("forward", "bawaslu", {"conclusion": "Perbuatan terlapor memenuhi unsur pelanggaran netralitas Pegawai ASN."}),
        ("start_review", "analyst", {}),
        ("draft_recommendation", "analyst", {"violation_types": ["SOSMED_POST"], "category": "both",
                                             "moral_level": "open", "discipline_level": "moderate"}),
        ("issue_recommendation", "approver", {}),
    ]
    for action, who, params in steps:
        workflow.perform(action, actor=u[who], case=case, **params)
    workflow.case_mark_overdue(case=case)
    workflow.perform("send_reminder", actor=u["approver"], case=case)
    workflow.perform("request_block", actor=u["approver"], case=case, out_of_order_reason=SAME_DAY)
    workflow.perform("record_block", actor=u["bkn"], case=case)
    workflow.perform("escalate", actor=u["approver"], case=case)
    workflow.perform("record_ppk_warning", actor=u["kemendagri"], case=case, reason="Teguran tertulis")
    workflow.perform("report_to_president", actor=u["approver"], case=case, out_of_order_reason=SAME_DAY)
    # One decision per recommended item (issue #22); a decree cannot predate the recommendation it follows.
    workflow.perform("record_sanction", actor=u["ppk"], case=case, sanction_type="MORAL_OPEN",
                     decree_number="800.1.6.4/111/2024", decree_date=timezone.localdate(), signer_name="Sekretaris Daerah")
    workflow.perform("record_sanction", actor=u["ppk"], case=case, sanction_type="PP94_MOD_TUKIN25_6M",
                     decree_number="800.1.6.4/112/2024", decree_date=timezone.localdate(), signer_name="Sekretaris Daerah",
                     employee_type="pns")
    workflow.perform("unblock", actor=u["bkn"], case=case)
    workflow.perform("close_sanctioned", actor=u["approver"], case=case)
    return case, report


INTERNAL = re.compile(r"\b[A-Z][A-Z0-9]+_[A-Z0-9_]+\b|UNCONFIRMED|sub-kode|pemetaan|\[[RV]\]")
ENGLISH = re.compile(r"\b(the|and|of|with|from|letter|report|case|signed|issued|not|none|null)\b")


def pdf_words(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


def test_every_kind_from_one_case(django_capture_on_commit_callbacks):
    u = make_users("story")
    letterheads(u)
    with django_capture_on_commit_callbacks(execute=True):
        case, report = walk(u)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED_SANCTIONED
    track = case.tracks.select_related("respondent").get()
    # A block request is the supervisor writing to BKN: the KASN era (BKN supervises itself since 2024).
    kasn = u["approver"].__class__.objects.get(pk=u["analyst"].pk)
    kasn.agency = Agency.objects.get(code="KASN")
    kasn.save(update_fields=["agency"])
    letter_issue(actor=kasn, kind=LetterKind.BLOCK_REQUEST, agency=kasn.agency, case=case, track=track,
                 on=dt.date(2023, 5, 2))
    # This report was complete: the completion request (issued on report.checked.incomplete, see
    # test_letters_facts) is written here as Bawaslu would have for it.
    letter_issue(actor=u["bawaslu"], kind=LetterKind.COMPLETION_REQUEST, agency=u["bawaslu"].agency, case=case,
                 extra={"missing_items": ["Fotokopi KTP pelapor"], "due_date": dt.date(2024, 11, 20),
                        "addressee": {"position": "Sdr. Yohanes Prasetyo", "place": "Jalan Kenanga 4, Cilacap"},
                        "reporter": {"tracking_code": report.tracking_code_display}})

    letters = {lt.kind: lt for lt in Letter.objects.filter(case=case)}
    letters[LetterKind.RECEIPT] = Letter.objects.get(subject_ref=f"report:{report.pk}")
    assert set(letters) == set(LetterKind.values)
    out_dir = os.environ.get("LETTERS_DOCS_DIR")
    texts = {}
    for kind, letter in letters.items():
        text = texts[kind] = pdf_words(bytes(letter.pdf))
        assert letter.number in text and verify_code_display(letter.verify_token) in text, kind
        assert not INTERNAL.findall(text), (kind, INTERNAL.findall(text))
        assert not ENGLISH.findall(text), (kind, ENGLISH.findall(text))
        if out_dir:
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
