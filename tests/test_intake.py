"""Public and Bawaslu intake: the form, tracking, the formal/material check, registration, duplicates, identity."""
import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Agency, CaseStatus, ElectionPeriod, Outbox, Region, Respondent
from reports import selectors, services
from reports.models import Anonymity, InfoRequest, Report, ReportEvent, ReportKind, ReportStatus, Reporter
from tests.test_intake_support import (
    event_step, fill_steps, intake_settings, public_report, random_ip, reporter_step, respondent_step, submit,
)

pytestmark = pytest.mark.django_db
__all__ = ["intake_settings"]
NIP = "198503152010011002"


@pytest.fixture(autouse=True)
def _settings(intake_settings):
    return intake_settings


def track(client, report, pin):
    response = client.post(reverse("reports:track"), {"code": report.tracking_code_display.lower(), "pin": pin})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(reverse("reports:track_status"))


# --- public form ------------------------------------------------------------------------------------------------

def test_named_report_shows_code_and_pin_once_and_mails_the_pin(client):
    report, pin = public_report(client)
    first = client.get(reverse("reports:receipt")).content.decode()
    assert report.tracking_code_display in first and pin in first
    again = client.get(reverse("reports:receipt")).content.decode()
    assert report.tracking_code_display in again and pin not in again
    assert report.status == ReportStatus.SUBMITTED and report.kind == ReportKind.LAPORAN
    assert report.reporter.name == "Siti Rahmawati" and report.submitted_ip == "127.0.0.1"
    assert set(report.tracking_code) <= set("23456789ABCDEFGHJKMNPQRSTUVWXYZ") and len(report.tracking_code) == 10
    assert pin not in report.pin_hash
    mail = Outbox.objects.get(to="siti@example.test")
    assert pin in mail.body and report.tracking_code_display in mail.body
    assert list(report.events.values_list("code", flat=True)) == ["report.submitted"]


def test_anonymous_report_is_a_lead_and_stores_no_ip_user_agent_or_reporter(client):
    fill_steps(client, anonymity="anonymous", reporter=reporter_step("anonymous", name="Tidak Disimpan"))
    pin = client.session["report_draft"]["pin"]
    response = client.post(reverse("reports:step", args=[4]), {
        "action": "submit", "confirm": "on", "form_token": client.session["report_draft"]["token"]},
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) UjiPeramban")
    assert response.status_code == 302
    report = Report.objects.get(pk=client.session["report_receipt"]["id"])
    assert (report.kind, report.status, report.anonymity) == (ReportKind.LEAD, ReportStatus.LEAD, Anonymity.ANONYMOUS)
    with connection.cursor() as cur:
        cur.execute("SELECT submitted_ip, submitted_user_agent FROM reports_report WHERE id = %s", [report.pk])
        assert cur.fetchone() == (None, "")
        cur.execute("SELECT count(*) FROM reports_reporter WHERE report_id = %s", [report.pk])
        assert cur.fetchone() == (0,)
        cur.execute("SELECT count(*) FROM reports_report r WHERE r.id = %s AND (r::text ILIKE %s OR r::text ILIKE %s)",
                    [report.pk, "%UjiPeramban%", "%Tidak Disimpan%"])
        assert cur.fetchone() == (0,)
    page = track(client, report, pin).content.decode()
    assert "Informasi awal (lead)" in page and "tidak dapat diregistrasi" in page


def test_a_failed_step_keeps_the_draft_and_names_the_field(client):
    response = client.post(reverse("reports:step", args=[1]), reporter_step(address=""))
    assert response.status_code == 400
    assert "Alamat wajib diisi untuk laporan dengan identitas" in response.content.decode()
    assert client.get(reverse("reports:step", args=[3])).url == reverse("reports:step", args=[1])
    fill_steps(client)
    bad = event_step(occurred_on=(timezone.localdate() + dt.timedelta(days=3)).isoformat())
    response = client.post(reverse("reports:step", args=[3]), bad)
    assert response.status_code == 400 and "Tanggal kejadian tidak boleh setelah hari ini" in response.content.decode()
    assert "Siti Rahmawati" in client.get(reverse("reports:step", args=[1])).content.decode()
    assert client.get(reverse("reports:step", args=[4])).status_code == 200  # the earlier valid step 3 is still kept


def test_a_wrong_nip_is_refused_naming_the_faulty_part(client):
    client.post(reverse("reports:step", args=[1]), reporter_step())
    response = client.post(reverse("reports:step", args=[2]), respondent_step(respondent_nip="198513452010011002"))
    assert response.status_code == 400
    assert "Digit 1–8 NIP" in response.content.decode()


def test_links_must_be_web_addresses(client):
    fill_steps(client)
    response = client.post(reverse("reports:step", args=[3]), event_step(links="javascript:alert(1)"))
    assert response.status_code == 400 and "bukan alamat web yang sah" in response.content.decode()


def test_honeypot_filled_is_refused_and_nothing_kept(client):
    response = client.post(reverse("reports:step", args=[1]), {**reporter_step(), "website": "http://spam.test"})
    assert response.status_code == 400
    assert client.session["report_draft"]["steps"] == {}


def test_csrf_is_required():
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("reports:step", args=[1]), reporter_step()).status_code == 403


def test_double_submit_returns_the_same_report(client):
    fill_steps(client)
    token = client.session["report_draft"]["token"]
    first = submit(client)
    second = client.post(reverse("reports:step", args=[4]), {"action": "submit", "confirm": "on", "form_token": token})
    assert first.status_code == second.status_code == 302 and second.url == reverse("reports:receipt")
    assert Report.objects.filter(idempotency_key=token).count() == 1
    assert Report.objects.count() == 1


def test_submit_is_rate_limited_per_ip_and_the_draft_survives(settings):
    settings.REPORT_SUBMIT_RATE = "2/h"  # an hour window: a minute boundary mid-test cannot reset the count
    client = Client(REMOTE_ADDR=random_ip())
    for _i in range(2):
        public_report(client)
    fill_steps(client)
    response = submit(client)
    assert response.status_code == 429 and "Terlalu banyak" in response.content.decode()
    assert client.session["report_draft"]["steps"]["3"]["place"] == "Balai Desa Kroya"


def test_confirmation_is_required_before_sending(client):
    fill_steps(client)
    response = submit(client, confirm="")
    assert response.status_code == 400 and "Centang pernyataan" in response.content.decode()
    assert not Report.objects.exists()


# --- tracking ---------------------------------------------------------------------------------------------------

def test_wrong_pins_lock_the_code_and_unknown_codes_say_the_same(client, settings):
    settings.TRACKING_MAX_PIN_FAILURES = 3
    report, pin = public_report(client)
    visitor = Client(REMOTE_ADDR=random_ip())
    unknown = visitor.post(reverse("reports:track"), {"code": "ZZZZZ-ZZZZZ", "pin": "12345678"}).content.decode()
    for _i in range(2):
        wrong = visitor.post(reverse("reports:track"), {"code": report.tracking_code, "pin": "00000001"})
        assert wrong.status_code == 400 and "Kode pelacakan atau PIN salah" in wrong.content.decode()
    assert "Kode pelacakan atau PIN salah" in unknown
    visitor.post(reverse("reports:track"), {"code": report.tracking_code, "pin": "00000001"})
    locked = visitor.post(reverse("reports:track"), {"code": report.tracking_code, "pin": pin})
    assert locked.status_code == 400 and "Terlalu banyak PIN salah" in locked.content.decode()
    assert report.events.filter(code="report.tracking.locked").count() == 1
    Report.objects.filter(pk=report.pk).update(locked_until=None)
    assert visitor.post(reverse("reports:track"), {"code": report.tracking_code, "pin": pin}).status_code == 302


def test_tracking_is_rate_limited_per_ip(settings):
    settings.TRACKING_RATE = "3/h"  # a minute window could open a new window between the four requests
    visitor = Client(REMOTE_ADDR=random_ip())
    codes = [visitor.post(reverse("reports:track"), {"code": "ABCDE-FGHJK", "pin": "1"}).status_code for _i in range(4)]
    assert codes == [400, 400, 400, 429]


def test_tracking_status_needs_a_pin_session(client):
    assert client.get(reverse("reports:track_status")).url == reverse("reports:track")


# --- officer check ----------------------------------------------------------------------------------------------

def officer_client(user):
    client = Client()
    client.force_login(user)
    return client


def decide(client, report, **data):
    return client.post(reverse("reports:intake_decide", args=[report.pk]), data)


def test_named_report_checked_and_registered_opens_a_case_with_clocks(client, bawaslu_officer):
    from cases.models import ElectionStage

    report, pin = public_report(client, respondent=respondent_step(respondent_nip=NIP))
    campaign = ElectionStage.objects.get(election=report.election, slug="campaign")
    Report.objects.filter(pk=report.pk).update(stage=campaign)  # the stage the reporter chose
    officer = officer_client(bawaslu_officer)
    page = officer.get(reverse("reports:intake_detail", args=[report.pk])).content.decode()
    assert "Siti Rahmawati" in page and "Tepat waktu" in page
    officer.post(reverse("reports:intake_start_check", args=[report.pk]))
    response = decide(officer, report, outcome="register",
                      respondent_agency=Agency.objects.get(code="PEMKAB-33.01").pk)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.REGISTERED and report.case is not None
    case = report.case
    assert case.status == CaseStatus.REGISTERED and case.region.code == "33.01"
    assert case.stage == campaign  # the queue's stage filter finds it
    assert case.bawaslu_owner == bawaslu_officer and case.events.filter(code="case.assigned").count() == 1  # 'Perkara saya'
    assert case.clocks.exists()
    respondent = Respondent.objects.get(nip=NIP)
    assert not respondent.verified and case.tracks.filter(respondent=respondent).exists()
    codes = list(report.events.values_list("code", flat=True))
    assert codes == ["report.submitted", "report.checked.started", "report.registered"]
    assert Outbox.objects.filter(to="siti@example.test", subject__icontains="diregistrasi").exists()
    assert "Laporan diregistrasi" in track(client, report, pin).content.decode()


def test_late_report_is_not_registrable_with_the_legal_reason(client, bawaslu_officer):
    report, pin = public_report(client, event=event_step(known_days_ago=20))
    officer = officer_client(bawaslu_officer)
    page = officer.get(reverse("reports:intake_detail", args=[report.pk])).content.decode()
    reason = selectors.report_assessment(report).late_reason
    assert reason.startswith("Laporan melewati batas 7 hari kalender sejak diketahui (UU 1/2015 Pasal 134 ayat (4)")
    assert "Laporan melewati batas 7 hari kalender" in page
    assert decide(officer, report, outcome="not_registrable", reason=reason).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.NOT_REGISTRABLE and report.case is None
    status_page = track(client, report, pin).content.decode()
    assert "Tidak dapat diregistrasi" in status_page and "UU 1/2015 Pasal 134 ayat (4)" in status_page
    assert Outbox.objects.filter(subject__icontains="tidak dapat diregistrasi", body__contains="Pasal 134").exists()


def _office_report(officer, *, election, known_on, received_on):
    fields = {"election": ElectionPeriod.objects.get(slug=election), "region": Region.objects.get(code="33.01"),
              "respondent_name": "Dewi", "respondent_agency": Agency.objects.get(code="PEMKAB-33.01"),
              "known_on": known_on, "occurred_on": known_on, "place": "Cilacap",
              "description": "ASN memasang alat peraga kampanye di kantor kecamatan."}
    received = timezone.make_aware(dt.datetime.combine(received_on, dt.time(10)))
    return services.report_record(actor=officer, fields=fields, anonymity=Anonymity.NAMED, kind=ReportKind.LAPORAN,
                                  received_at=received, reporter={"name": "Andi", "address": "Cilacap",
                                                                  "standing": "monitor"}, pin="12345678")


def test_pemilu_counts_working_days_and_pilkada_calendar_days(bawaslu_officer):
    friday = dt.date(2024, 1, 5)
    timely = _office_report(bawaslu_officer, election="pemilu-2024", known_on=friday, received_on=dt.date(2024, 1, 16))
    late = _office_report(bawaslu_officer, election="pemilu-2024", known_on=friday, received_on=dt.date(2024, 1, 17))
    pilkada = _office_report(bawaslu_officer, election="pilkada-2024", known_on=friday, received_on=dt.date(2024, 1, 16))
    assert selectors.timeliness(timely)[:2] == (True, dt.date(2024, 1, 16))
    ok, _due, reason = selectors.timeliness(late)
    assert not ok and reason.startswith("Laporan melewati batas 7 hari kerja sejak diketahui (UU 7/2017 Pasal 454 ayat (6))")
    assert selectors.timeliness(pilkada)[0] is False


def test_duplicate_is_suggested_and_merged_and_its_reporter_follows_the_primary(client, bawaslu_officer):
    first, _pin = public_report(client, respondent=respondent_step(respondent_nip=NIP))
    other = Client()
    second, pin2 = public_report(other, reporter=reporter_step(name="Budi", email="budi@example.test"),
                                 respondent=respondent_step(respondent_nip=NIP, respondent_name="Bambang S."),
                                 event=event_step(description="Camat Kroya mengajak kepala desa memilih paslon 2 "
                                                              "saat rapat dinas di balai desa."))
    officer = officer_client(bawaslu_officer)
    dupes = selectors.likely_duplicates(bawaslu_officer, second)
    assert [d.report.pk for d in dupes] == [first.pk] and "NIP terlapor sama" in dupes[0].reasons
    page = officer.get(reverse("reports:intake_detail", args=[second.pk])).content.decode()
    assert first.tracking_code_display in page and "gabungkan" in page
    response = officer.post(reverse("reports:intake_merge", args=[second.pk]), {"into": first.pk})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == ReportStatus.MERGED and second.merged_into_id == first.pk
    decide(officer, first, outcome="register", respondent_agency=Agency.objects.get(code="PEMKAB-33.01").pk)
    status_page = track(other, second, pin2).content.decode()
    assert "Ditangani Bawaslu" in status_page and "Laporan diregistrasi" in status_page and "digabung" in status_page
    assert "Siti" not in status_page  # the primary's reporter stays hidden


def test_register_into_an_existing_case_adds_the_respondent_once(client, bawaslu_officer):
    agency = Agency.objects.get(code="PEMKAB-33.01").pk
    first, _pin = public_report(client, respondent=respondent_step(respondent_nip=NIP))
    officer = officer_client(bawaslu_officer)
    decide(officer, first, outcome="register", respondent_agency=agency)
    first.refresh_from_db()
    second, _pin = public_report(Client(), respondent=respondent_step(respondent_nip=NIP))
    assert list(selectors.candidate_cases(bawaslu_officer, second)) == [first.case]
    assert decide(officer, second, outcome="register", respondent_agency=agency,
                  case_number=first.case.number).status_code == 302
    second.refresh_from_db()
    assert second.case_id == first.case_id and first.case.tracks.count() == 1
    bad = decide(officer, public_report(Client())[0], outcome="register", case_number="NTR-0000-999999")
    assert bad.status_code == 400 and "tidak ditemukan di wilayah Anda" in bad.content.decode()


def test_incomplete_report_reporter_answers_and_adds_evidence(client, bawaslu_officer):
    from tests.test_intake_support import png_bytes
    from django.core.files.uploadedfile import SimpleUploadedFile

    report, pin = public_report(client)
    officer = officer_client(bawaslu_officer)
    due = timezone.localdate() + dt.timedelta(days=2)
    response = decide(officer, report, outcome="incomplete", question="Lampirkan foto undangan rapat.",
                      due_on=due.isoformat())
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.INCOMPLETE
    page = track(client, report, pin).content.decode()
    assert "Lampirkan foto undangan rapat." in page and due.strftime("%d-%m-%Y") in page
    info = InfoRequest.objects.get(report=report)
    bad = client.post(reverse("reports:track_status"), {"action": "answer", "info": info.pk, "answer": ""})
    assert bad.status_code == 400
    client.post(reverse("reports:track_status"), {"action": "answer", "info": info.pk,
                                                  "answer": "Foto undangan terlampir."})
    upload = SimpleUploadedFile("undangan.png", png_bytes(), content_type="image/png")
    assert client.post(reverse("reports:track_status"), {"action": "evidence", "evidence": upload}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.FORMAL_CHECK
    assert report.evidence.get().original_name == "undangan.png"
    detail = officer.get(reverse("reports:intake_detail", args=[report.pk])).content.decode()
    assert "Foto undangan terlampir." in detail and "undangan.png" in detail
    assert {"report.info.answered", "report.evidence.added"} <= set(report.events.values_list("code", flat=True))


def test_incomplete_needs_a_question_and_a_due_date_not_in_the_past(client, bawaslu_officer):
    report, _pin = public_report(client)
    response = decide(officer_client(bawaslu_officer), report, outcome="incomplete",
                      due_on=(timezone.localdate() - dt.timedelta(days=1)).isoformat())
    assert response.status_code == 400
    body = response.content.decode()
    assert "Tuliskan apa yang perlu dilengkapi" in body and "tidak boleh sebelum hari ini" in body


def test_anonymous_lead_cannot_be_registered_but_becomes_a_finding_without_identity(client, bawaslu_officer):
    lead, _pin = public_report(client, anonymity="anonymous")
    officer = officer_client(bawaslu_officer)
    refused = officer.post(reverse("reports:intake_start_check", args=[lead.pk]))
    assert refused.status_code == 409
    response = officer.post(reverse("reports:intake_to_finding", args=[lead.pk]))
    assert response.status_code == 302
    finding = Report.objects.exclude(pk=lead.pk).get()
    assert (finding.kind, finding.channel, finding.anonymity) == (ReportKind.TEMUAN, "finding", Anonymity.NAMED)
    assert not Reporter.objects.filter(report=finding).exists() and finding.pin_hash == ""
    assert finding.merged_into is None and finding.idempotency_key is None
    assert lead.events.filter(code="report.lead.converted").exists()
    decide(officer, finding, outcome="register", respondent_agency=Agency.objects.get(code="PEMKAB-33.01").pk)
    finding.refresh_from_db()
    assert finding.case.is_finding


def test_officer_records_office_report_with_pin_and_a_finding_without_reporter(bawaslu_officer):
    officer = officer_client(bawaslu_officer)
    data = {**reporter_step(), **respondent_step(), **event_step(), "kind": "laporan",
            "received_on": timezone.localdate().isoformat(), "form_token": "tok-office-1"}
    response = officer.post(reverse("reports:intake_new"), data)
    assert response.status_code == 302 and response.url == reverse("reports:receipt")
    report = Report.objects.get(idempotency_key="tok-office-1")
    assert report.channel == "office" and report.recorded_by == bawaslu_officer and report.reporter.name
    assert "PIN rahasia" in officer.get(reverse("reports:receipt")).content.decode()
    finding = {**respondent_step(), **event_step(), "kind": "temuan", "name": "Tidak dipakai",
               "received_on": timezone.localdate().isoformat(), "form_token": "tok-finding-1"}
    assert officer.post(reverse("reports:intake_new"), finding).status_code == 302
    temuan = Report.objects.get(idempotency_key="tok-finding-1")
    assert temuan.kind == ReportKind.TEMUAN and not Reporter.objects.filter(report=temuan).exists()
    bad = officer.post(reverse("reports:intake_new"), {**data, "received_on": "2999-01-01", "form_token": "x"})
    assert bad.status_code == 400 and "Tanggal diterima tidak boleh setelah hari ini" in bad.content.decode()


def test_confidential_identity_is_masked_without_the_permission(client, bawaslu_officer, auditor, administrator):
    report, _pin = public_report(client, reporter=reporter_step("confidential"))
    assert selectors.reporter_identity(bawaslu_officer, report).name == "Siti Rahmawati"
    assert selectors.reporter_identity(administrator, report).name == "Siti Rahmawati"
    masked = selectors.reporter_identity(auditor, report)
    assert masked.masked and masked.name == "Dirahasiakan" and masked.address == ""
    assert officer_client(auditor).get(reverse("reports:intake_detail", args=[report.pk])).status_code == 403


def test_out_of_region_officer_gets_404_and_queue_is_scoped(client, bawaslu_officer, bawaslu_other_regency,
                                                           bawaslu_province):
    report, _pin = public_report(client)
    other = officer_client(bawaslu_other_regency)
    assert other.get(reverse("reports:intake_detail", args=[report.pk])).status_code == 404
    assert other.post(reverse("reports:intake_decide", args=[report.pk]), {"outcome": "lead"}).status_code == 404
    assert report.tracking_code_display not in other.get(reverse("reports:intake_queue")).content.decode()
    assert report.tracking_code_display in officer_client(bawaslu_province).get(
        reverse("reports:intake_queue")).content.decode()


def test_home_page_lists_reports_awaiting_the_check_for_intake_officers_in_scope(client, bawaslu_officer,
                                                                                 bawaslu_other_regency, auditor):
    home = reverse("home")
    assert "Tidak ada laporan yang menunggu kajian." in officer_client(bawaslu_officer).get(home).content.decode()
    report, _pin = public_report(client)
    page = officer_client(bawaslu_officer).get(home).content.decode()
    card = page.split('id="h-intake"')[1].split("</section>")[0]
    assert report.tracking_code_display in card and "1 laporan, yang terlambat dan terlama di atas" in card
    assert reverse("reports:intake_detail", args=[report.pk]) in card
    assert report.tracking_code_display not in officer_client(bawaslu_other_regency).get(home).content.decode()
    assert 'id="h-intake"' not in officer_client(auditor).get(home).content.decode()  # no intake permission
    decide(officer_client(bawaslu_officer), report, outcome="lead")  # decided: no longer waiting
    assert report.tracking_code_display not in officer_client(bawaslu_officer).get(home).content.decode()


def test_home_page_counts_waiting_reports_only_up_to_a_cap(client, bawaslu_officer, monkeypatch):
    from reports import home as reports_home

    monkeypatch.setattr(reports_home, "HOME_REPORTS", 1)
    monkeypatch.setattr(reports_home, "COUNT_UP_TO", 1)
    first, _pin = public_report(client)
    client.cookies.clear()
    second, _pin = public_report(client)
    card = officer_client(bawaslu_officer).get(reverse("home")).content.decode().split('id="h-intake"')[1]
    assert "lebih dari 1 laporan, yang terlambat dan terlama di atas" in card
    assert first.tracking_code_display in card and second.tracking_code_display not in card  # the oldest first


def test_wrong_status_answers_409_and_changes_nothing(client, bawaslu_officer):
    report, _pin = public_report(client)
    officer = officer_client(bawaslu_officer)
    decide(officer, report, outcome="lead")
    response = decide(officer, report, outcome="not_registrable", reason="x")
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.status == ReportStatus.LEAD


def test_report_events_are_append_only(client):
    report, _pin = public_report(client)
    with pytest.raises(DatabaseError), transaction.atomic():
        ReportEvent.objects.filter(report=report).update(code="report.tampered")


def test_incomplete_report_lapses_to_not_registrable_the_day_after_its_completion_date(client, bawaslu_officer):
    """Domain §3 step 2a: not completed within the window → not registered. The sweep does it the day after the
    date the reporter was given (not on it), as the system's act, tells the reporter why, and closes the request."""
    from reports.tasks import lapse_incomplete_reports_task

    report, pin = public_report(client)
    officer = officer_client(bawaslu_officer)
    due = timezone.localdate() + dt.timedelta(days=2)
    assert decide(officer, report, outcome="incomplete", question="Lampirkan foto undangan rapat.",
                  due_on=due.isoformat()).status_code == 302
    Outbox.objects.all().delete()

    assert services.lapse_incomplete_reports(today=due) == 0  # the last day is still the reporter's
    report.refresh_from_db()
    assert report.status == ReportStatus.INCOMPLETE

    assert services.lapse_incomplete_reports(today=due + dt.timedelta(days=1)) == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.NOT_REGISTRABLE and report.case is None
    assert due.strftime("%d-%m-%Y") in report.decision_reason
    event = report.events.get(code="report.incomplete.lapsed")
    assert event.actor is None and event.from_status == ReportStatus.INCOMPLETE
    mail = Outbox.objects.get(to="siti@example.test")
    assert "tidak dilengkapi sampai batas waktu" in mail.body and report.tracking_code_display in mail.body
    info = InfoRequest.objects.get(report=report)
    assert info.status == "lapsed"
    # the reporter's late answer is refused with a plain message, and nothing changes
    page = track(client, report, pin).content.decode()
    assert "Tidak dapat diregistrasi" in page
    late = client.post(reverse("reports:track_status"), {"action": "answer", "info": info.pk, "answer": "Terlambat."})
    assert late.status_code in (302, 400)
    report.refresh_from_db()
    assert report.status == ReportStatus.NOT_REGISTRABLE
    assert InfoRequest.objects.get(pk=info.pk).answer == ""
    # running again (the beat runs hourly) changes nothing
    assert lapse_incomplete_reports_task.apply().get() == 0
    assert report.events.filter(code="report.incomplete.lapsed").count() == 1


def test_answered_report_does_not_lapse(client, bawaslu_officer):
    report, pin = public_report(client)
    officer = officer_client(bawaslu_officer)
    due = timezone.localdate() + dt.timedelta(days=1)
    decide(officer, report, outcome="incomplete", question="Sebutkan tanggal kejadian.", due_on=due.isoformat())
    info = InfoRequest.objects.get(report=report)
    track(client, report, pin)
    client.post(reverse("reports:track_status"), {"action": "answer", "info": info.pk, "answer": "12 Januari 2024."})
    assert services.lapse_incomplete_reports(today=due + dt.timedelta(days=5)) == 0
    report.refresh_from_db()
    assert report.status == ReportStatus.FORMAL_CHECK


def test_a_nip_on_record_under_another_name_is_flagged_before_registration(client, bawaslu_officer):
    """#25.7: the same NIP with two names gave no warning, and registration silently used the recorded name."""
    Respondent.objects.create(nip="197806102005011012", name="Drs. Hartono Wibisono",
                              agency=Agency.objects.get(code="PEMKAB-33.01"))
    other, _pin = public_report(Client(), respondent=respondent_step(
        respondent_name="Sugeng Riyadi", respondent_nip="197806102005011012"))
    same, _pin = public_report(Client(), respondent=respondent_step(
        respondent_name="hartono wibisono, S.Pd.", respondent_nip="1978 0610 2005 01 1 012"))
    officer = Client()
    officer.force_login(bawaslu_officer)
    page = officer.get(reverse("reports:intake_detail", args=[other.pk])).content.decode()
    assert 'id="nip-other-name"' in page and "sudah tercatat atas nama «Drs. Hartono Wibisono»" in page
    page = officer.get(reverse("reports:intake_detail", args=[same.pk])).content.decode()
    assert 'id="nip-other-name"' not in page  # the same person, written with titles and another case


@pytest.mark.parametrize("step", [1, 2, 3])
def test_each_public_step_with_errors_has_a_summary_and_describedby_ids_that_exist(client, step):
    """#25.7: steps 2-3 said only 'Bidang ini harus diisi.' with no summary; aria-describedby named missing ids."""
    import re

    for earlier in range(1, step):
        data = {1: reporter_step(), 2: respondent_step()}[earlier]
        assert client.post(reverse("reports:step", args=[earlier]), data).status_code == 302
    body = client.post(reverse("reports:step", args=[step]), {"anonymity": "named"} if step == 1 else {}).content.decode()
    assert 'id="error-summary"' in body and 'role="alert"' in body
    ids = set(re.findall(r'\bid="([^"]+)"', body))
    described = {i for attr in re.findall(r'aria-describedby="([^"]+)"', body) for i in attr.split()}
    assert described and described <= ids, described - ids
    for anchor in re.findall(r'<a href="#(f-[\w-]+)"', body):
        assert anchor in ids
