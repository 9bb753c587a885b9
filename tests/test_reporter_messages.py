"""Two-way messages between the reporter (code + PIN, anonymous included) and the officers handling the report."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse

from cases.models import CaseEvent, Notification, Outbox
from cases.workflow import perform
from reports import services
from reports.models import InfoRequestStatus, Report, ReportEvent, ReportMessage, ReportStatus
from tests.test_intake_support import (
    EXE_BYTES, fill_steps, intake_settings, png_bytes, public_report, reporter_step, respondent_step,
)
from tests.workflow_support import make_users

pytestmark = pytest.mark.django_db
__all__ = ["intake_settings"]


@pytest.fixture(autouse=True)
def _settings(intake_settings):
    return intake_settings


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def tracker(report, pin):
    client = Client()
    assert client.post(reverse("reports:track"), {"code": report.tracking_code, "pin": pin}).status_code == 302
    return client


def officer_writes(client, report, body, **extra):
    return client.post(reverse("reports:conversation", args=[report.pk]), {"msg-body": body, **extra})


def reporter_writes(client, body, **extra):
    return client.post(reverse("reports:track_status"), {"action": "message", "msg-body": body, **extra})


def anonymous_report(client):
    fill_steps(client, anonymity="anonymous", reporter=reporter_step("anonymous"))
    pin = client.session["report_draft"]["pin"]
    client.post(reverse("reports:step", args=[4]), {"action": "submit", "confirm": "on",
                                                     "form_token": client.session["report_draft"]["token"]})
    return Report.objects.get(pk=client.session["report_receipt"]["id"]), pin


def test_officer_and_named_reporter_exchange_messages_with_attachments_audit_and_notifications(client):
    u = make_users("msg")
    report, pin = public_report(client)
    officer = logged_in(u["bawaslu"])
    photo = SimpleUploadedFile("formulir.png", png_bytes((30, 20)), content_type="image/png")
    sent = officer_writes(officer, report, "Mohon kirim foto undangan rapat.", attachments=[photo])
    assert sent.status_code == 302
    message = ReportMessage.objects.get(report=report)
    assert message.author == u["bawaslu"] and message.attachments.count() == 1
    mail = Outbox.objects.filter(to="siti@example.test", subject__icontains="Pesan baru").get()
    assert "Mohon kirim" not in mail.body and report.tracking_code_display in mail.body  # the text stays on the page

    reporter = tracker(report, pin)
    page = reporter.get(reverse("reports:track_status")).content.decode()
    assert "Mohon kirim foto undangan rapat." in page and "Bawaslu Kabupaten Cilacap" in page
    assert "Msg_Bawaslu" not in page and "msg_bawaslu" not in page and "Bawaslu" in page  # agency, not the officer
    attachment = message.attachments.get()
    download = reporter.get(reverse("reports:track_attachment", args=[attachment.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert "formulir.png" not in page.split('id="evidence-list"')[1]  # an officer's file is not the report's evidence

    reply = reporter_writes(reporter, "Foto undangan terlampir.",
                            attachments=[SimpleUploadedFile("undangan.png", png_bytes((40, 30)), content_type="image/png")])
    assert reply.status_code == 302
    answer = ReportMessage.objects.filter(report=report).last()
    assert answer.from_reporter and answer.author is None and answer.attachments.get().sha256
    assert Notification.objects.filter(user=u["bawaslu"], kind="reporter_message").exists()
    codes = list(ReportEvent.objects.filter(report=report).values_list("code", flat=True))
    assert codes.count("report.message.sent") == 1 and codes.count("report.message.received") == 1
    thread = officer.get(reverse("reports:conversation", args=[report.pk])).content.decode()
    assert "Foto undangan terlampir." in thread and "undangan.png" in thread


def test_an_anonymous_reporter_answers_a_completion_request_in_the_conversation(client):
    u = make_users("anon")
    report, pin = anonymous_report(client)
    assert report.status == ReportStatus.LEAD
    due = dt.date.today() + dt.timedelta(days=2)
    officer = logged_in(u["bawaslu"])
    response = officer_writes(officer, report, "Di mana rapat itu diadakan?", **{"msg-due_on": due.isoformat()})
    assert response.status_code == 302
    info = report.info_requests.get()
    assert info.status == InfoRequestStatus.OPEN and info.due_on == due
    assert Report.objects.get(pk=report.pk).status == ReportStatus.LEAD  # an anonymous lead stays a lead

    reporter = tracker(report, pin)
    page = reporter.get(reverse("reports:track_status")).content.decode()
    assert 'id="open-request"' in page and "Di mana rapat itu diadakan?" in page
    assert reporter_writes(reporter, "Di aula kecamatan Kroya.").status_code == 302
    info.refresh_from_db()
    assert info.status == InfoRequestStatus.ANSWERED and info.answer == "Di aula kecamatan Kroya."
    assert ReportMessage.objects.filter(report=report, info_request=info).count() == 2
    assert 'id="open-request"' not in reporter.get(reverse("reports:track_status")).content.decode()


def test_bad_input_names_the_field_keeps_the_text_and_sends_nothing(client):
    u = make_users("bad")
    report, pin = public_report(client)
    reporter = tracker(report, pin)
    empty = reporter_writes(reporter, "")
    assert empty.status_code == 400 and "Bidang ini harus diisi" in empty.content.decode()
    disguised = SimpleUploadedFile("foto.jpg", EXE_BYTES, content_type="image/jpeg")
    refused = reporter_writes(reporter, "Teks yang tidak boleh hilang.", attachments=[disguised])
    page = refused.content.decode()
    assert refused.status_code == 400 and "«foto.jpg» berisi program" in page and "Teks yang tidak boleh hilang." in page
    officer = logged_in(u["bawaslu"])
    past = officer_writes(officer, report, "Lengkapi.", **{"msg-due_on": "2020-01-01"})
    assert past.status_code == 400 and "tidak boleh sebelum hari ini" in past.content.decode()
    assert not ReportMessage.objects.exists() and not report.evidence.exists()


def test_messages_are_scoped_like_the_report_then_the_case_and_recorded_in_the_case_audit(client):
    u = make_users("scp")
    report, pin = public_report(client, respondent=respondent_step(respondent_nip="198503152010011002"))
    url = reverse("reports:conversation", args=[report.pk])
    assert logged_in(u["bawaslu_other"]).get(url).status_code == 404  # another regency
    assert logged_in(u["analyst"]).get(url).status_code == 404  # not yet the supervisory body's
    services.report_start_check(actor=u["bawaslu"], report=report)
    case = services.report_register(actor=u["bawaslu"], report=Report.objects.get(pk=report.pk))
    perform("start_examination", actor=u["bawaslu"], case=case)
    perform("forward", actor=u["bawaslu"], case=case, conclusion="Cukup bukti")
    analyst = logged_in(u["analyst"])
    assert officer_writes(analyst, report, "Apakah Anda bersedia diklarifikasi?").status_code == 302
    assert CaseEvent.objects.filter(case=case, code="case.message.sent").exists()
    assert logged_in(u["ppk"]).get(url).status_code == 404  # the PPK never reads the reporter
    assert logged_in(u["bawaslu_other"]).get(url).status_code == 404
    assert logged_in(u["auditor"]).get(url).status_code == 200  # reads, in its region
    assert logged_in(u["auditor"]).post(url, {"msg-body": "x"}).status_code == 403

    assert reporter_writes(tracker(report, pin), "Bersedia.").status_code == 302
    assert CaseEvent.objects.filter(case=case, code="case.message.received").exists()
    assert Notification.objects.filter(user=u["analyst"], case=case, kind="reporter_message").exists()
    case_page = analyst.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Percakapan dengan pelapor" in case_page and "Bersedia." in case_page


def test_messages_are_append_only():
    u = make_users("app")
    report, _pin = public_report(Client())
    with pytest.raises(DatabaseError), transaction.atomic():
        message = ReportMessage.objects.create(report=report, direction="to_reporter", body="x", author=u["bawaslu"])
        ReportMessage.objects.filter(pk=message.pk).update(body="diubah")
