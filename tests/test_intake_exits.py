"""Every exit of the initial review, from the web and the API (#24.1): forward without registration
(Perbawaslu 7/2022 Pasal 22) with the letter and notice it produces, the completion window from its rule row,
merge by tracking code, and the API's refusals (422 naming the field, 404 outside the region, 409 twice)."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import deadlines
from cases.models import Agency, CaseStatus, DeadlineRule, Letter, LetterKind, Outbox
from reports.models import InfoRequest, Report, ReportStatus
from tests.test_api import client_for, issue
from tests.test_intake import NIP, decide, officer_client, track
from tests.test_intake_support import intake_settings, public_report, respondent_step  # noqa: F401

pytestmark = pytest.mark.django_db
CILACAP = "PEMKAB-33.01"


@pytest.fixture(autouse=True)
def _settings(intake_settings):  # noqa: F811
    return intake_settings


def _pdf_text(letter) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=bytes(letter.pdf), capture_output=True,
                          check=True).stdout.decode()


def test_web_forward_without_registration_opens_a_forwarded_case_and_tells_the_reporter(
        client, bawaslu_officer, django_capture_on_commit_callbacks):
    report, pin = public_report(client, respondent=respondent_step(respondent_nip=NIP))
    officer = officer_client(bawaslu_officer)
    page = officer.get(reverse("reports:intake_detail", args=[report.pk])).content.decode()
    assert "Perbawaslu 7/2022 Pasal 22" in page  # the exit is offered with its legal basis
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(officer, report, outcome="forward", reason="Unggahan ajakan memilih; bukti cukup.",
                          respondent_agency=Agency.objects.get(code=CILACAP).pk)
    assert response.status_code == 302, response.content.decode()[:3000]
    report.refresh_from_db()
    case = report.case
    assert report.status == ReportStatus.FORWARDED and case.status == CaseStatus.FORWARDED
    assert case.registered_at is None
    codes = list(case.events.values_list("code", flat=True))
    assert codes[:2] == ["case.received", "case.forwarded"] and "case.registered" not in codes
    assert case.events.get(code="case.forwarded").payload["direct"] is True
    assert report.events.filter(code="report.forwarded").exists()
    assert Outbox.objects.filter(to="siti@example.test", subject__icontains="diteruskan").exists()
    tracking = track(client, report, pin).content.decode()
    assert "Laporan diteruskan kepada lembaga pengawas ASN tanpa registrasi" in tracking
    letter = Letter.objects.get(case=case, kind=LetterKind.FORWARDING)
    text = " ".join(_pdf_text(letter).split())
    assert "Unggahan ajakan memilih" in text
    assert "tanpa registrasi dan tanpa klarifikasi" in text and "telah dilakukan klarifikasi" not in text


def test_web_forward_needs_the_conclusion_naming_the_field(client, bawaslu_officer):
    report, _pin = public_report(client)
    response = decide(officer_client(bawaslu_officer), report, outcome="forward", reason="",
                      respondent_agency=Agency.objects.get(code=CILACAP).pk)
    assert response.status_code == 400
    assert "dasar penerusan tanpa registrasi" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.case_id is None


def test_completion_window_comes_from_its_rule_row(client, bawaslu_officer):
    report, _pin = public_report(client)
    response = decide(officer_client(bawaslu_officer), report, outcome="incomplete", question="Lampirkan tangkapan layar.")
    assert response.status_code == 302
    info = InfoRequest.objects.get(report=report)
    asked_on = timezone.localdate(info.asked_at)  # the day in Indonesia (WIB), not UTC's: after 17:00 UTC they differ
    rule = DeadlineRule.for_clock("COMPLETION_WINDOW", report.election.election_type, asked_on)
    assert info.due_on == deadlines.rule_add_days(rule, asked_on, region_code=report.region_code)


def test_merge_exit_by_tracking_code(client, bawaslu_officer):
    first, _pin = public_report(client)
    second, _pin2 = public_report(client)
    response = decide(officer_client(bawaslu_officer), second, outcome="merge", into=first.tracking_code_display)
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == ReportStatus.MERGED and second.merged_into_id == first.pk
    bad = decide(officer_client(bawaslu_officer), first, outcome="merge", into="ZZZZZ-ZZZZZ")
    assert bad.status_code == 400 and "ZZZZZZZZZZ" in bad.content.decode()


def test_api_decision_forward_register_and_refusals(client):
    key = issue("regency")[1]
    api = client_for(key)
    report, _pin = public_report(client)
    url = f"/api/v1/reports/{report.pk}/decision/"

    bad = api.post(url, {"outcome": "teleport"}, format="json")
    assert bad.status_code == 422 and "outcome" in bad.json()["fields"]
    missing = api.post(url, {"outcome": "forward", "respondent_agency": CILACAP}, format="json")
    assert missing.status_code == 422 and "reason" in missing.json()["fields"]
    unknown_agency = api.post(url, {"outcome": "forward", "reason": "x", "respondent_agency": "NOPE"}, format="json")
    assert unknown_agency.status_code == 422 and "respondent_agency" in unknown_agency.json()["fields"]

    done = api.post(url, {"outcome": "forward", "reason": "Cukup bukti.", "respondent_agency": CILACAP},
                    format="json")
    assert done.status_code == 200, done.content
    body = done.json()
    report.refresh_from_db()
    assert body == {"report": report.pk, "status": "forwarded", "case": report.case.number}
    assert report.case.status == CaseStatus.FORWARDED

    again = api.post(url, {"outcome": "register", "respondent_agency": CILACAP}, format="json")
    assert again.status_code == 409

    other = client_for(issue("liaison")[1]).post(url, {"outcome": "lead"}, format="json")
    assert other.status_code in (403, 404)


def test_api_decision_outside_the_region_is_404(client, bawaslu_other_regency):
    report, _pin = public_report(client)
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(bawaslu_other_regency)
    response = api.post(f"/api/v1/reports/{report.pk}/decision/", {"outcome": "lead"}, format="json")
    assert response.status_code == 404
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_api_decision_incomplete_uses_the_rule_when_no_date_is_given(client):
    api = client_for(issue("regency")[1])
    report, _pin = public_report(client)
    response = api.post(f"/api/v1/reports/{report.pk}/decision/",
                        {"outcome": "incomplete", "question": "Sebutkan tanggal kejadian."}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "incomplete"
    assert InfoRequest.objects.get(report=report).due_on >= dt.date.today()


# --- clocks from receipt (#24.2) ----------------------------------------------------------------------------------

def _pilkada_report(officer_user, received):
    from cases.models import ElectionPeriod, Region
    from reports.models import Anonymity, ReportKind

    fields = {"election": ElectionPeriod.objects.get(slug="pilkada-2024"), "stage": None,
              "region": Region.objects.get(code="33.01"), "respondent_name": "Sutrisno", "respondent_nip": "",
              "respondent_position": "Camat", "respondent_agency": Agency.objects.get(code=CILACAP),
              "respondent_agency_text": "", "occurred_on": received.date(), "known_on": received.date(),
              "place": "Cilacap", "description": "Camat mengajak memilih pasangan calon nomor 2.", "links": ""}
    from reports import services

    return services.report_record(actor=officer_user, fields=fields, anonymity=Anonymity.NAMED,
                                  kind=ReportKind.TEMUAN, received_at=received, reporter=None, evidence=[], pin=None,
                                  idempotency_key=None)


def test_a_pilkada_report_left_four_days_is_overdue_shown_first_and_notified_once(client, bawaslu_officer,
                                                                                  bawaslu_other_regency):
    import datetime as dt

    from django.utils import timezone as tz

    from cases.models import Notification
    from reports import clocks, services

    received = tz.now() - dt.timedelta(days=4)
    late = _pilkada_report(bawaslu_officer, received)
    fresh = _pilkada_report(bawaslu_officer, tz.now())
    clock = clocks.review_clock(late)
    assert clock.badge == "overdue" and clock.due_on == tz.localdate(received) + dt.timedelta(days=3)
    assert clocks.review_clock(fresh).badge in ("running", "due_soon")

    assert services.sweep_report_clocks() == 1
    assert services.sweep_report_clocks() == 0  # once
    assert late.events.filter(code="report.clock.overdue").count() == 1
    told = Notification.objects.filter(user=bawaslu_officer, kind="clock_overdue")
    assert told.count() == 1 and late.tracking_code_display in told.get().message
    assert not Notification.objects.filter(user=bawaslu_other_regency, kind="clock_overdue").exists()

    officer = officer_client(bawaslu_officer)
    queue = officer.get(reverse("reports:intake_queue")).content.decode()
    assert "Kajian awal melewati batas waktu" in queue
    assert queue.index(late.tracking_code_display) < queue.index(fresh.tracking_code_display)
    home = officer.get("/").content.decode()
    assert home.index(late.tracking_code_display) < home.index(fresh.tracking_code_display)
    detail = officer.get(reverse("reports:intake_detail", args=[late.pk])).content.decode()
    assert "Tenggat sejak laporan diterima" in detail and "terlambat" in detail

    # registration carries the clock into the case, counted from the same day of receipt: missed
    services_register(bawaslu_officer, late)
    late.refresh_from_db()
    review = late.case.clocks.get(code="INITIAL_REVIEW")
    assert review.started_on == tz.localdate(received) and review.state == "missed"


def services_register(officer_user, report):
    from reports import services

    services.report_register(actor=officer_user, report=report)


def test_a_holiday_entered_later_moves_a_waiting_reports_review_clock(client, bawaslu_officer):
    import datetime as dt

    from django.utils import timezone as tz

    from cases.deadlines import holiday_save
    from cases.models import Region
    from reports import clocks

    from cases.models import ElectionPeriod

    report, _pin = public_report(client)
    Report.objects.filter(pk=report.pk).update(election=ElectionPeriod.objects.get(slug="pemilu-2024"))
    report.refresh_from_db()  # Pemilu: 2 working days
    before = clocks.review_clock(report).due_on
    cal = deadlines.calendar()
    day = tz.localdate(report.received_at) + dt.timedelta(days=1)
    while not cal.is_working(day):
        day += dt.timedelta(days=1)
    holiday_save(actor=bawaslu_officer, date=day, name="Libur daerah (uji)", region=Region.objects.get(code="33.01"))
    assert clocks.review_clock(report).due_on > before
