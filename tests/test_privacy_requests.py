"""Requests from the people concerned (issue #26 point 4): a reporter (code + PIN) withdraws consent, or asks to
restrict or delete their identity, from the tracking page; an officer records a respondent's request to see their
data. Each runs a 3x24-hour clock from its DeadlineRule row (legal basis UU 27/2022), shows on the responsible
officer's home, is recorded in the privacy trail, and its outcome is sent to the requester."""
import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Notification, Outbox, Respondent
from reports.privacy.models import PrivacyEvent, PrivacyRequest
from reports.privacy.retention import ANONYMISED
from tests.test_intake_support import intake_settings, public_report
from tests.test_respondent_scope import make_nip

pytestmark = pytest.mark.django_db
__all__ = ["intake_settings"]


def _login(user, language=None):
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


@pytest.fixture
def tracked(intake_settings):
    report, pin = public_report(Client(), anonymity="confidential")
    client = Client()
    assert client.post(reverse("reports:track"), {"code": report.tracking_code, "pin": pin}).status_code == 302
    return report, pin, client


def test_a_wrong_pin_or_no_choice_gets_a_clear_message_and_nothing_is_recorded(tracked):
    report, pin, client = tracked
    url = reverse("privacy:track_request")
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"kind": "delete_identity", "pin": "00000000" if pin != "00000000" else "11111111",
                              "note": "Tolong hapus nama saya."})
    page = wrong.content.decode()
    assert wrong.status_code == 400 and "PIN salah. Permintaan tidak dicatat" in page
    assert "Tolong hapus nama saya." in page  # what was typed is kept
    empty = client.post(url, {"pin": pin})
    assert empty.status_code == 400 and "Pilih salah satu permintaan." in empty.content.decode()
    assert not PrivacyRequest.objects.exists() and not PrivacyEvent.objects.exists()


def test_a_reporter_request_runs_a_72_hour_clock_and_reaches_the_officers_home(tracked, bawaslu_officer,
                                                                                bawaslu_other_regency):
    report, pin, client = tracked
    response = client.post(reverse("privacy:track_request"), {"kind": "delete_identity", "pin": pin, "note": ""})
    assert response.status_code == 302 and response.url == reverse("reports:track_status")
    request = PrivacyRequest.objects.get()
    assert request.rule.code == "PDP_DELETE" and request.rule.legal_basis.startswith("UU 27/2022")
    assert request.due_at - request.received_at == dt.timedelta(hours=72)
    assert PrivacyEvent.objects.get().code == "privacy.request.received"
    assert Notification.objects.filter(user=bawaslu_officer, kind="privacy.request").exists()
    assert not Notification.objects.filter(user=bawaslu_other_regency).exists()  # another regency's office
    home = _login(bawaslu_officer).get("/").content.decode()
    assert 'id="h-privacy-requests"' in home and "Menghapus identitas" in home
    assert 'id="h-privacy-requests"' not in _login(bawaslu_other_regency).get("/").content.decode()
    tracking = client.get(reverse("reports:track_status")).content.decode()
    assert "Menghapus identitas" in tracking and "dijawab paling lambat" in tracking
    again = client.post(reverse("privacy:track_request"), {"kind": "delete_identity", "pin": pin})
    assert again.status_code == 409 and "Permintaan yang sama masih diproses" in again.content.decode()


def test_fulfilling_a_deletion_removes_the_identity_and_sends_the_outcome(tracked, bawaslu_officer):
    report, pin, client = tracked
    client.post(reverse("privacy:track_request"), {"kind": "delete_identity", "pin": pin})
    request = PrivacyRequest.objects.get()
    officer = _login(bawaslu_officer)
    url = reverse("privacy:request_detail", args=[request.pk])
    page = officer.get(url).content.decode()
    assert "UU 27/2022 Pasal 43" in page
    blank = officer.post(url, {"status": "done", "outcome": ""})
    assert blank.status_code == 400 and "Tulis jawaban yang dikirim kepada pemohon." in blank.content.decode()
    Outbox.objects.all().delete()
    done = officer.post(url, {"status": "done", "outcome": "Identitas Anda sudah dihapus."})
    assert done.status_code == 302
    report.reporter.refresh_from_db()
    assert (report.reporter.name, report.reporter.email, report.reporter.phone) == (ANONYMISED, "", "")
    mail = Outbox.objects.get()
    assert mail.to == "siti@example.test" and "Identitas Anda sudah dihapus." in mail.body
    assert "Identitas Anda sudah dihapus." in client.get(reverse("reports:track_status")).content.decode()
    assert [e.code for e in PrivacyEvent.objects.order_by("id")] == ["privacy.request.received", "privacy.request.done"]
    again = officer.post(url, {"status": "refused", "outcome": "x"})
    assert again.status_code == 409 and PrivacyRequest.objects.get().status == "done"


def test_an_anonymous_reporter_has_no_identity_to_ask_about(intake_settings):
    report, pin = public_report(Client(), anonymity="anonymous")
    client = Client()
    client.post(reverse("reports:track"), {"code": report.tracking_code, "pin": pin})
    assert client.get(reverse("privacy:track_request")).status_code == 404
    assert Client().get(reverse("privacy:track_request")).status_code == 302  # no tracking session: sign in first


def test_an_officer_records_a_respondents_request_and_answers_it(supervisor_analyst, ppk_liaison):
    respondent = Respondent.objects.create(nip=make_nip(), name="Terlapor Uji Akses")
    analyst = _login(supervisor_analyst)
    url = reverse("privacy:requests")
    bad = analyst.post(url, {"nip": "12345", "reply_to": "bukan-email"})
    text = bad.content.decode()
    assert bad.status_code == 400 and "Isian «E-mail» harus alamat e-mail yang sah." in text
    unknown = analyst.post(url, {"nip": make_nip(), "reply_to": "terlapor@example.test"})
    assert unknown.status_code == 400 and "tidak tercatat sebagai terlapor" in unknown.content.decode()
    nowhere = analyst.post(url, {"nip": respondent.nip, "reply_to": ""})  # the outcome must reach the requester
    assert nowhere.status_code == 400 and "Isian «E-mail» wajib diisi" in nowhere.content.decode()
    assert not PrivacyRequest.objects.exists()
    made = analyst.post(url, {"nip": respondent.nip, "reply_to": "terlapor@example.test", "note": "Minta salinan data."})
    request = PrivacyRequest.objects.get()
    assert made.status_code == 302 and (request.kind, request.respondent, request.rule.code) == (
        "access", respondent, "PDP_ACCESS")
    assert request.due_at - request.received_at == dt.timedelta(hours=72)
    assert "Melihat data pribadi yang disimpan" in analyst.get("/").content.decode()
    Outbox.objects.all().delete()
    analyst.post(reverse("privacy:request_detail", args=[request.pk]),
                 {"status": "done", "outcome": "Salinan data terlampir dalam surat."})
    assert Outbox.objects.get().to == "terlapor@example.test"
    assert _login(ppk_liaison).get(url).status_code == 403
    english = _login(supervisor_analyst, "en").post(url, {"nip": "12345"})
    assert english.status_code == 400


def test_a_request_past_its_72_hours_is_flagged_once_to_those_who_answer_it(tracked, bawaslu_officer,
                                                                            bawaslu_other_regency, supervisor_analyst):
    from django.conf import settings

    from reports.privacy.requests import sweep_overdue_requests

    report, pin, client = tracked
    client.post(reverse("privacy:track_request"), {"kind": "restrict", "pin": pin})
    respondent = Respondent.objects.create(nip=make_nip(), name="Terlapor Uji Tenggat")
    _login(supervisor_analyst).post(reverse("privacy:requests"), {"nip": respondent.nip, "reply_to": "t@example.test"})
    reporter_request, respondent_request = PrivacyRequest.objects.order_by("pk")
    due = max(reporter_request.due_at, respondent_request.due_at)
    assert sweep_overdue_requests(now=reporter_request.due_at - dt.timedelta(minutes=1)) == 0
    assert sweep_overdue_requests(now=due + dt.timedelta(minutes=1)) == 2
    assert sweep_overdue_requests(now=due + dt.timedelta(hours=1)) == 0  # once each: safe to run twice
    note = Notification.objects.get(user=bawaslu_officer, kind="clock_overdue")
    assert "melewati batas 3 x 24 jam" in note.message and "UU 27/2022" in note.message
    assert report.tracking_code_display in note.message
    assert not Notification.objects.filter(user=bawaslu_other_regency, kind="clock_overdue").exists()
    assert respondent.nip in Notification.objects.get(user=supervisor_analyst, kind="clock_overdue").message
    events = PrivacyEvent.objects.filter(code="privacy.request.overdue").order_by("pk")
    assert [e.subject for e in events] == [f"request:{reporter_request.pk}", f"request:{respondent_request.pk}"]
    assert events[0].payload["legal_basis"].startswith("UU 27/2022")
    assert settings.CELERY_BEAT_SCHEDULE["privacy-requests-sweep"]["task"] == \
        "reports.privacy.tasks.sweep_overdue_requests_task"


def test_an_answered_request_is_not_flagged(tracked, bawaslu_officer):
    from reports.privacy.requests import sweep_overdue_requests

    report, pin, client = tracked
    client.post(reverse("privacy:track_request"), {"kind": "restrict", "pin": pin})
    request = PrivacyRequest.objects.get()
    _login(bawaslu_officer).post(reverse("privacy:request_detail", args=[request.pk]),
                                 {"status": "refused", "outcome": "Identitas diperlukan untuk klarifikasi."})
    assert sweep_overdue_requests(now=request.due_at + dt.timedelta(days=1)) == 0


def test_a_restriction_granted_makes_a_named_identity_confidential(intake_settings, bawaslu_officer,
                                                                   supervisor_analyst):
    """Before, granting a restriction only recorded the answer: the identity was processed as before."""
    from reports.models import Report
    from reports.selectors import reporter_identity

    report, pin = public_report(Client(), anonymity="named")
    client = Client()
    client.post(reverse("reports:track"), {"code": report.tracking_code, "pin": pin})
    client.post(reverse("privacy:track_request"), {"kind": "restrict", "pin": pin})
    assert reporter_identity(supervisor_analyst, report).masked is False
    request = PrivacyRequest.objects.get()
    _login(bawaslu_officer).post(reverse("privacy:request_detail", args=[request.pk]),
                                 {"status": "done", "outcome": "Identitas Anda kini dirahasiakan."})
    report = Report.objects.get(pk=report.pk)
    assert report.anonymity == "confidential" and report.reporter.name  # kept, not removed
    assert reporter_identity(supervisor_analyst, report).masked is True
    assert reporter_identity(bawaslu_officer, report).masked is False  # the officer who must handle it
    assert report.events.filter(code="report.identity.restricted", actor=bawaslu_officer).exists()
    assert PrivacyEvent.objects.get(code="privacy.request.done").payload["identity_restricted"] is True
    assert 'id="identity-viewers"' in client.get(reverse("reports:track_status")).content.decode()
