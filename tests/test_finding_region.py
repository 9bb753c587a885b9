"""Findings stay in their region (issue #28, point 6): a temuan from an API token or an officer is filed only for the
regions of that Bawaslu office (refused with the field and the rule named, nothing stored), and evidence added to
it records who uploaded it, user or token."""
import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import Evidence, Report, ReportEvent
from tests.test_api import client_for, issue, png_bytes, report_body
from tests.test_intake import officer_client
from tests.test_intake_support import event_step, intake_settings, respondent_step

pytestmark = pytest.mark.django_db
__all__ = ["intake_settings"]
RULE = "Temuan hanya dapat dicatat untuk wilayah pengawasan instansi Anda"


@pytest.mark.parametrize("scope,region,allowed", [
    ("regency", "33.01", True), ("regency", "33.02", False), ("regency", "31.71", False),
    ("province", "33.02", True), ("province", "31.71", False),
])
def test_a_token_files_findings_only_in_its_region(intake_settings, scope, region, allowed):
    _token, key = issue(scope)
    response = client_for(key).post("/api/v1/reports/", report_body(kind="temuan", reporter=None, region=region),
                                    format="json")
    if allowed:
        assert response.status_code == 201, response.content
        assert Report.objects.get().region_code == region
        return
    body = response.json()
    assert response.status_code == 422 and body["code"] == "invalid"
    assert RULE in body["fields"]["region"][0] and f"({region})" in body["fields"]["region"][0]
    assert not Report.objects.exists()


def test_the_refusal_is_in_english_for_an_english_client(intake_settings):
    _token, key = issue("regency")
    response = client_for(key, lang="en").post("/api/v1/reports/", report_body(kind="temuan", reporter=None,
                                                                               region="31.71"), format="json")
    assert response.status_code == 422
    assert "A finding can only be filed for the supervision area of your agency" in response.json()["fields"]["region"][0]


def test_a_laporan_from_elsewhere_is_still_accepted(intake_settings):
    """Only findings are the office's own supervision; a public report may be passed on from anywhere."""
    _token, key = issue("regency")
    assert client_for(key).post("/api/v1/reports/", report_body(region="31.71"), format="json").status_code == 201


def test_an_officer_files_findings_only_in_their_region_and_the_form_keeps_the_input(intake_settings, bawaslu_officer):
    officer = officer_client(bawaslu_officer)
    from cases.models import Region

    finding = {**respondent_step(), **event_step(), "kind": "temuan", "received_on": timezone.localdate().isoformat()}
    outside = {**finding, "region": str(Region.objects.get(code="31.71").pk), "form_token": "tok-out"}
    refused = officer.post(reverse("reports:intake_new"), outside)
    page = refused.content.decode()
    assert refused.status_code == 400 and RULE in page and "(31.71)" in page
    assert respondent_step()["respondent_name"] in page  # nothing typed is lost
    assert not Report.objects.exists()
    inside = {**finding, "form_token": "tok-in"}
    assert officer.post(reverse("reports:intake_new"), inside).status_code == 302
    assert Report.objects.get().region_code == "33.01"


def test_evidence_added_by_a_token_records_the_token_as_uploader(intake_settings):
    token, key = issue("regency")
    api = client_for(key)
    created = api.post("/api/v1/reports/", report_body(kind="temuan", reporter=None), format="json")
    pk = created.json()["id"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("temuan.png", png_bytes(), content_type="image/png")
    assert api.post(f"/api/v1/reports/{pk}/evidence/", {"file": photo}, format="multipart").status_code == 201
    evidence = Evidence.objects.get()
    assert evidence.uploaded_by == token.user and evidence.uploaded_by.api_token == token
    event = ReportEvent.objects.get(code="report.evidence.added")
    assert event.actor == token.user and event.payload["by"] == "officer"


def test_a_client_adding_to_its_own_report_outside_intake_scope_is_recorded_too(intake_settings):
    """A public report a regency client passed on from another region: the client is not that region's intake
    officer, but the file it adds is still recorded as its upload."""
    token, key = issue("regency")
    api = client_for(key)
    pk = api.post("/api/v1/reports/", report_body(region="31.71"), format="json").json()["id"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("bukti.png", png_bytes(), content_type="image/png")
    assert api.post(f"/api/v1/reports/{pk}/evidence/", {"file": photo}, format="multipart").status_code == 201
    evidence = Evidence.objects.get()
    assert evidence.uploaded_by == token.user
    assert ReportEvent.objects.get(code="report.evidence.added").payload["by"] == "client"
