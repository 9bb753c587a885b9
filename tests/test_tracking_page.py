"""The reporter's tracking page: one headline, what happens next with its legal date, a dated timeline in plain words."""
import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Agency, CaseStatus, ClockState
from cases.workflow import perform
from reports import services, tracking
from reports.models import Report, ReportStatus
from tests.test_intake_support import intake_settings, public_report, respondent_step
from tests.workflow_support import make_users

pytestmark = pytest.mark.django_db
__all__ = ["intake_settings"]


@pytest.fixture(autouse=True)
def _settings(intake_settings):
    return intake_settings


RANDOM_VALUES = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[A-Za-z0-9+/=_-]+')


def track(client, report, pin):
    response = client.post(reverse("reports:track"), {"code": report.tracking_code, "pin": pin})
    assert response.status_code == 302
    return client.get(reverse("reports:track_status")).content.decode()


def fresh(report):
    return Report.objects.get(pk=report.pk)


def registered(client, users):
    report, pin = public_report(client, respondent=respondent_step(respondent_nip="198503152010011002"))
    services.report_start_check(actor=users["bawaslu"], report=report)
    services.report_register(actor=users["bawaslu"], report=Report.objects.get(pk=report.pk))
    report.refresh_from_db()
    return report, pin


def test_a_fresh_report_says_received_and_when_the_initial_review_ends(client):
    report, pin = public_report(client)
    page = track(Client(), report, pin)
    status = tracking.public_status(fresh(report))
    assert status.label == "Diterima" and status.next_due == tracking.initial_review_due(report)
    assert "Langkah berikutnya" in page and "Bawaslu menyelesaikan kajian awal" in page
    assert f'datetime="{status.next_due:%Y-%m-%d}"' in page
    assert "Laporan diterima" in page  # first step of the timeline


def test_one_headline_follows_the_case_and_the_timeline_tells_the_outcome_without_officer_names(client):
    u = make_users("trk")
    report, pin = registered(client, u)
    case = report.case
    perform("start_examination", actor=u["bawaslu"], case=case)
    perform("forward", actor=u["bawaslu"], case=case, conclusion="Terbukti mengunggah ajakan memilih")
    perform("start_review", actor=u["analyst"], case=case)
    perform("draft_recommendation", actor=u["analyst"], case=case, proven=True, violation_types=["SOSMED_POST"],
            category="disciplinary", discipline_level="moderate", reasoning="Unggahan bukti")
    case = perform("issue_recommendation", actor=u["approver"], case=case)

    status = tracking.public_status(fresh(report))
    # The PPK's clock runs from receipt of the recommendation (issue #22): until then the receipt clock is shown.
    ppk_clock = case.clocks.get(code="PPK_RECEIPT", state=ClockState.RUNNING)
    assert status.label == "Menunggu sanksi dari atasan terlapor"
    assert status.next_step.startswith("Rekomendasi sampai kepada PPK") and status.next_due == ppk_clock.due_on
    page = track(Client(), report, pin)
    assert page.count('class="stage"') == 1 and "Teregistrasi" not in page  # no second, older stage line

    perform("record_sanction", actor=u["ppk"], case=case, sanction_type="PP94_MOD_TUKIN25_6M",
            decree_number="800/1/2024", decree_date=dt.date.today(), signer_name="Sekretaris Daerah", employee_type="pns")
    perform("close_sanctioned", actor=u["approver"], case=case)
    page = track(Client(), report, pin)
    titles = [step.title for step in tracking.reporter_timeline(fresh(report))]
    assert titles[:3] == ["Laporan diterima", "Bawaslu memulai kajian awal", "Laporan diregistrasi"]
    outcome = ["Pelanggaran terbukti: rekomendasi sanksi dikirim kepada PPK", "PPK menjatuhkan sanksi",
               "Selesai: pelanggaran terbukti dan sanksi dijatuhkan"]
    assert [t for t in titles if t in outcome] == outcome
    assert "Diteruskan ke lembaga pengawas ASN" in titles and "Lembaga pengawas ASN memulai pemeriksaan" in titles
    assert "Selesai: sanksi dijatuhkan" in page
    shown = RANDOM_VALUES.sub("", page)  # a CSRF token or nonce may spell "Ppk" by chance
    for name in ("trk_", "Analyst", "Approver", "Ppk", "800/1/2024", "Sekretaris Daerah"):
        assert name not in shown  # no officer, no decree details
    # handling is over: no more evidence is taken, and a POST is refused with 409
    assert 'name="action" value="evidence"' not in page and "bukti tidak dapat ditambahkan lagi" in page
    visitor = Client()
    track(visitor, report, pin)
    refused = visitor.post(reverse("reports:track_status"), {"action": "evidence"})
    assert refused.status_code == 409 and report.evidence.count() == 0


def test_a_dismissal_shows_its_reason_and_the_reporter_letters_are_listed(client, django_capture_on_commit_callbacks):
    u = make_users("dis")
    report, pin = registered(client, u)
    with django_capture_on_commit_callbacks(execute=True):
        perform("dismiss", actor=u["bawaslu"], case=report.case, reason="Terlapor bukan ASN.")
    status = tracking.public_status(fresh(report))
    assert status.label == "Selesai: dihentikan Bawaslu" and status.reason == "Terlapor bukan ASN." and status.closed
    steps = tracking.reporter_timeline(fresh(report))
    dismissed = next(s for s in steps if s.title == "Penanganan dihentikan oleh Bawaslu")
    assert dismissed.detail == "Terlapor bukan ASN." and dismissed.kind == "outcome"
    notice = fresh(report).case.letters.get(kind="CLOSING_NOTICE")
    letter = next(s for s in steps if s.kind == "letter" and notice.number in s.detail)
    assert letter.title == "Surat «Pemberitahuan penutupan» diterbitkan" and notice.verify_token in letter.url
    assert fresh(report).case.status == CaseStatus.DISMISSED


def test_a_report_in_another_reporters_case_sees_the_case_only_from_when_it_joined(client):
    u = make_users("join")
    first, _pin = registered(client, u)
    perform("start_examination", actor=u["bawaslu"], case=first.case)
    second, pin2 = public_report(Client(), respondent=respondent_step(respondent_nip="198503152010011002"))
    services.report_register(actor=u["bawaslu"], report=second, case=first.case)
    titles = [s.title for s in tracking.reporter_timeline(Report.objects.get(pk=second.pk))]
    assert "Bawaslu memulai klarifikasi dan kajian" not in titles
    assert Agency.objects.filter(code="PEMKAB-33.01").exists()


def test_incomplete_report_asks_for_completion_by_its_date(client):
    u = make_users("inc")
    report, pin = public_report(client)
    due = dt.date.today() + dt.timedelta(days=2)
    services.report_request_info(actor=u["bawaslu"], report=report, question="Lampirkan tangkapan layar.", due_on=due)
    status = tracking.public_status(Report.objects.get(pk=report.pk))
    assert status.label == "Perlu dilengkapi" and status.next_due == due
    assert Report.objects.get(pk=report.pk).status == ReportStatus.INCOMPLETE
    page = track(Client(), report, pin)
    assert "Bawaslu meminta Anda melengkapi laporan" in page and due.strftime("%d-%m-%Y") in page
