"""One case walked through the workflow issues every letter kind from database data alone.

With LETTERS_DOCS_DIR=docs/letters the first page of each kind is written there as <KIND>.png (pdftoppm):
    LETTERS_DOCS_DIR=docs/letters .venv/bin/python -m pytest tests/test_letters_story.py
"""
import os
import subprocess
from pathlib import Path

import pytest

from cases import workflow
from cases.letters.issue import letter_issue, verify_code_display
from cases.models import Agency, CaseStatus, ElectionPeriod, Letter, LetterKind, Region
from reports.models import Report
from reports.services import report_submit
from tests.workflow_support import make_users

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager_celery(monkeypatch):
    from kasn_cases.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def letterheads():
    """What an administrator fills in per agency (admin pages): address, signer, number pattern."""
    Agency.objects.filter(code="BKN").update(
        address="Jalan Mayjen Sutoyo Nomor 12, Cililitan, Jakarta Timur 13640", phone="(021) 8093008",
        website="www.bkn.go.id", signer_name="Dr. Haryomo Dwi Putranto, S.E., M.Si.",
        signer_position="Kepala Badan Kepegawaian Negara", signer_nip="196904011996031001")
    Agency.objects.filter(code="BAWASLU-33.01").update(
        address="Jalan Gatot Subroto Nomor 28, Cilacap, Jawa Tengah 53212", phone="(0282) 534567",
        website="cilacap.bawaslu.go.id", signer_name="Rina Kartikasari, S.H.",
        signer_position="Ketua Bawaslu Kabupaten Cilacap", number_pattern="{seq}/PM.01/K.JT-{code}/{month}/{year}")
    Agency.objects.filter(code="KEMENDAGRI").update(
        address="Jalan Medan Merdeka Utara Nomor 7, Jakarta Pusat 10110", phone="(021) 3450038",
        website="www.kemendagri.go.id", signer_name="Drs. Bima Arya Sugiarto, M.A.",
        signer_position="Wakil Menteri Dalam Negeri")


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
    for action in ("send_reminder", "request_block", "escalate", "report_to_president"):
        workflow.perform(action, actor=u["approver"], case=case)
    workflow.perform("close_other", actor=u["approver"], case=case, reason="Terlapor memasuki masa pensiun")
    return case, report


def test_every_kind_from_one_case(django_capture_on_commit_callbacks):
    letterheads()
    u = make_users("story")
    with django_capture_on_commit_callbacks(execute=True):
        case, report = walk(u)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED_OTHER
    track = case.tracks.select_related("respondent").get()
    # The kinds no workflow event issues (yet) are issued by hand, as an officer would from the case page.
    extra = {LetterKind.STATUS_NOTICE: ("BAWASLU-33.01", {"status": "Teregistrasi", "reporter": {"tracking_code": report.tracking_code_display}}),
             LetterKind.COMPLETION_REQUEST: ("BAWASLU-33.01", {"missing_items": ["Fotokopi KTP pelapor"],
                                                               "reporter": {"tracking_code": report.tracking_code_display}}),
             LetterKind.UNBLOCK_NOTICE: ("BKN", {})}
    for kind, (code, ctx) in extra.items():
        letter_issue(actor=u["approver"], kind=kind, agency=Agency.objects.get(code=code), case=case, track=track,
                     extra=ctx)

    letters = {lt.kind: lt for lt in Letter.objects.filter(case=case)}
    letters[LetterKind.RECEIPT] = Letter.objects.get(subject_ref=f"report:{report.pk}")
    assert set(letters) == set(LetterKind.values)
    out_dir = os.environ.get("LETTERS_DOCS_DIR")
    for kind, letter in letters.items():
        text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=bytes(letter.pdf), capture_output=True,
                                       check=True).stdout.decode().split())
        assert letter.number in text and verify_code_display(letter.verify_token) in text, kind
        if out_dir:
            Path(out_dir).mkdir(parents=True, exist_ok=True)
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", "-",
                            str(Path(out_dir) / kind)], input=bytes(letter.pdf), check=True)
    rec = " ".join(subprocess.run(["pdftotext", "-", "-"], input=bytes(letters["RECOMMENDATION"].pdf),
                                  capture_output=True, check=True).stdout.decode().split())
    assert "197103151996031002"[:8] + " 199603 1 002" in rec
    assert "sanksi moral pernyataan secara terbuka dan hukuman disiplin sedang" in rec
    assert "Yohanes Prasetyo" in " ".join(subprocess.run(["pdftotext", "-", "-"], input=bytes(letters["RECEIPT"].pdf),
                                                         capture_output=True, check=True).stdout.decode().split())
