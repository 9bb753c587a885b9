"""Who saw what (issue #26 point 2): every display of a reporter's identity (report page, API) and of a respondent's
record (case page, API) is recorded in the append-only access record; auditors read it in scope and export it
as CSV; a reporter who asked for confidentiality sees how many officers have seen their identity (a count)."""
import csv
import io

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from cases.models import AccessRecord, CaseStatus
from tests.test_api import client_for, issue
from tests.test_intake_support import intake_settings, public_report
from tests.test_respondent_scope import three_agency_case
from tests.workflow_support import build_case, make_users

pytestmark = pytest.mark.django_db
__all__ = ["intake_settings"]


def _client(user, language=None):
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


@pytest.fixture
def confidential(intake_settings):
    report, pin = public_report(Client(), anonymity="confidential")
    return report, pin


def _identity_records(report):
    return list(AccessRecord.objects.filter(kind="reporter.identity", object_id=str(report.pk)).order_by("id"))


def test_report_page_records_each_display_of_the_identity_without_the_name(confidential, bawaslu_officer,
                                                                            supervisor_analyst):
    report, _pin = confidential
    page = _client(bawaslu_officer).get(reverse("reports:intake_detail", args=[report.pk]))
    assert page.status_code == 200 and "Siti Rahmawati" in page.content.decode()
    [record] = _identity_records(report)
    assert (record.user, record.label, record.via, record.case_id) == (
        bawaslu_officer, report.tracking_code, "reports:intake_detail", None)
    assert "Siti" not in record.label + record.via  # the record names the report, never the reporter


def test_the_api_records_identities_it_sends_and_not_masked_ones(confidential, intake_settings):
    report, _pin = confidential
    _token, key = issue("regency")  # Bawaslu: may see confidential identities
    api = client_for(key)
    assert api.get(f"/api/v1/reports/{report.pk}/").json()["reporter"]["name"] == "Siti Rahmawati"
    assert api.get("/api/v1/reports/").status_code == 200
    records = _identity_records(report)
    assert [r.via for r in records] == ["api-report-detail", "api-report-list"]
    # A masked or anonymous reporter in an answer is no display of an identity.
    from reports.privacy.services import identities_in_answer

    masked = [{"id": report.pk, "reporter": {"name": "Dirahasiakan", "masked": True, "anonymous": False}},
              {"id": report.pk, "reporter": {"name": "Anonim", "masked": False, "anonymous": True}},
              {"id": report.pk, "reporter": None}]
    assert identities_in_answer(actor=records[0].user, reports=masked) == 0
    assert len(_identity_records(report)) == 2


def test_case_page_and_api_record_the_respondents_shown_and_not_the_masked_ones(ppk_liaison, intake_settings):
    world = three_agency_case()
    case, tracks = world["case"], world["tracks"]
    assert _client(ppk_liaison).get(reverse("cases:detail", args=[case.pk])).status_code == 200
    shown = AccessRecord.objects.filter(kind="respondent.record", user=ppk_liaison)
    assert [(r.object_id, r.case_id, r.via) for r in shown] == [
        (str(tracks["P"].respondent_id), case.pk, "cases:detail")]  # the two other agencies' rows are masked
    _token, key = issue("national")
    nip = tracks["Q"].respondent.nip
    assert client_for(key).get(f"/api/v1/respondents/{nip}/").status_code == 200
    record = AccessRecord.objects.filter(kind="respondent.record").exclude(user=ppk_liaison).get()
    assert (record.object_id, record.label, record.via) == (str(tracks["Q"].respondent_id), nip, "api-respondent")


def test_the_access_record_stays_append_only_outside_retention(confidential, bawaslu_officer):
    report, _pin = confidential
    _client(bawaslu_officer).get(reverse("reports:intake_detail", args=[report.pk]))
    for sql in ("UPDATE cases_accessrecord SET label = 'x'", "DELETE FROM cases_accessrecord"):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessRecord.objects.count() == 1


def test_a_confidential_reporter_sees_how_many_officers_saw_their_identity(confidential, bawaslu_officer,
                                                                          bawaslu_province):
    report, pin = confidential
    tracker = Client()
    tracker.post(reverse("reports:track"), {"code": report.tracking_code, "pin": pin})
    page = tracker.get(reverse("reports:track_status")).content.decode()
    assert "Sejauh ini 0 petugas telah melihat identitas Anda." in page
    for officer in (bawaslu_officer, bawaslu_officer, bawaslu_province):
        _client(officer).get(reverse("reports:intake_detail", args=[report.pk]))
    page = tracker.get(reverse("reports:track_status")).content.decode()
    assert "Sejauh ini 2 petugas telah melihat identitas Anda." in page  # officers, not displays
    assert bawaslu_officer.username not in page


def test_a_named_reporter_gets_no_count(intake_settings, bawaslu_officer):
    report, pin = public_report(Client(), anonymity="named")
    _client(bawaslu_officer).get(reverse("reports:intake_detail", args=[report.pk]))
    tracker = Client()
    tracker.post(reverse("reports:track"), {"code": report.tracking_code, "pin": pin})
    assert 'id="identity-viewers"' not in tracker.get(reverse("reports:track_status")).content.decode()


def test_auditors_read_and_export_the_record_in_their_scope(confidential, bawaslu_officer, auditor, ppk_liaison):
    report, _pin = confidential
    _client(bawaslu_officer).get(reverse("reports:intake_detail", args=[report.pk]))
    other = build_case(CaseStatus.UNDER_REVIEW, make_users("acc"))
    from cases.models import Case, Region
    from cases.services import access_record

    Case.objects.filter(pk=other.pk).update(region=Region.objects.get(code="32.01"), region_code="32.01")
    access_record(actor=bawaslu_officer, kind="evidence.original", object_id=99, label="lain.png", case=other)
    page = _client(auditor).get(reverse("privacy:access"))  # auditor of Jawa Tengah (33)
    body = page.content.decode()
    assert page.status_code == 200 and report.tracking_code in body and "lain.png" not in body
    exported = _client(auditor).get(reverse("privacy:access") + "?kind=reporter.identity&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert rows[0] == ["at", "user", "agency", "kind", "object_id", "label", "case", "via"]
    assert [r[1:] for r in rows[1:]] == [[bawaslu_officer.username, "BAWASLU-33.01", "reporter.identity",
                                          str(report.pk), report.tracking_code, "", "reports:intake_detail"]]
    assert _client(ppk_liaison).get(reverse("privacy:access")).status_code == 403


def test_bad_filters_get_a_message_naming_the_field(auditor):
    response = _client(auditor).get(reverse("privacy:access"), {"start": "kemarin", "end": ""})
    assert response.status_code == 400
    assert "Isian «Dari» harus tanggal dan jam" in response.content.decode()
    response = _client(auditor, "en").get(reverse("privacy:access"),
                                          {"start": "2026-12-02 08:00", "end": "2026-12-01 08:00"})
    assert response.status_code == 400 and "must be after" in response.content.decode()
