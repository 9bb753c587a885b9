"""Idempotency-Key on creating POSTs: replay, mismatch, per-client keys, and 50 concurrent requests → one report."""
import io
import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from cases.models import IdempotencyRecord
from reports.models import Evidence, Report
from tests.test_api import client_for, issue, png_bytes, report_body
from tests.workflow_support import ensure_reference_data


@pytest.mark.django_db
def test_same_key_same_body_replays_the_first_response():
    _token, key = issue("regency")
    api = client_for(key)
    first = api.post("/api/v1/reports/", report_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/reports/", report_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_same_key_different_body_is_422_and_creates_nothing():
    _token, key = issue("regency")
    api = client_for(key)
    api.post("/api/v1/reports/", report_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = api.post("/api/v1/reports/", report_body(place="Instagram"), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["fields"] and "isi berbeda" in other.json()["fields"]["Idempotency-Key"][0]
    english = client_for(key, "en").post("/api/v1/reports/", report_body(place="X"), format="json",
                                         HTTP_IDEMPOTENCY_KEY="k-2")
    assert "different body" in english.json()["fields"]["Idempotency-Key"][0]
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_failed_request_is_not_remembered_and_keys_are_per_client():
    _token, key = issue("regency")
    api = client_for(key)
    bad = api.post("/api/v1/reports/", report_body(description="pendek"), format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert bad.status_code == 422 and not IdempotencyRecord.objects.exists()
    assert api.post("/api/v1/reports/", report_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-3").status_code == 201
    _other, other_key = issue("province")
    assert client_for(other_key).post("/api/v1/reports/", report_body(), format="json",
                                      HTTP_IDEMPOTENCY_KEY="k-3").status_code == 201
    assert Report.objects.count() == 2
    invalid = api.post("/api/v1/reports/", report_body(), format="json", HTTP_IDEMPOTENCY_KEY="kunci dengan spasi")
    assert invalid.status_code == 422 and "Idempotency-Key" in invalid.json()["fields"]


@pytest.mark.django_db
def test_evidence_upload_with_a_key_is_stored_once():
    _token, key = issue("regency")
    api = client_for(key)
    pk = api.post("/api/v1/reports/", report_body(), format="json").json()["id"]
    responses = []
    for _ in range(2):
        upload = io.BytesIO(png_bytes())
        upload.name = "foto.png"
        responses.append(api.post(f"/api/v1/reports/{pk}/evidence/", {"file": upload}, format="multipart",
                                  HTTP_IDEMPOTENCY_KEY="bukti-1"))
    assert [r.status_code for r in responses] == [201, 201] and responses[0].json() == responses[1].json()
    assert Evidence.objects.filter(report_id=pk).count() == 1


@pytest.mark.django_db
def test_action_with_a_key_is_not_repeated():
    from cases.models import CaseStatus
    from tests.workflow_support import build_case, make_users

    case = build_case(CaseStatus.UNDER_EXAMINATION, make_users("idem"))
    _token, key = issue("regency")
    api = client_for(key)
    url = f"/api/v1/cases/{case.pk}/actions/forward/"
    first = api.post(url, {"conclusion": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="aksi-1")
    again = api.post(url, {"conclusion": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="aksi-1")
    assert first.status_code == again.status_code == 200  # the retry is a replay, not a 409
    assert case.events.filter(code="case.forwarded").count() == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_posts_with_one_key_create_one_report():
    ensure_reference_data()
    _token, key = issue("regency")
    body = report_body()
    barrier = threading.Barrier(50)
    results = []

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        try:
            barrier.wait()
            response = client.post("/api/v1/reports/", body, format="json", HTTP_IDEMPOTENCY_KEY="serentak-1")
            results.append((response.status_code, response.json()["id"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 50
    assert {status for status, _id in results} == {201}
    assert len({pk for _status, pk in results}) == 1
    assert Report.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_example_client_pushes_a_report_with_evidence_and_reads_its_status(live_server, tmp_path):
    """docs/api_client_example.py against a live server; running it twice creates nothing new."""
    import importlib.util
    import json
    from pathlib import Path

    ensure_reference_data()
    _token, key = issue("regency")
    spec = importlib.util.spec_from_file_location(
        "api_client_example", Path(__file__).resolve().parents[1] / "docs" / "api_client_example.py")
    client = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(client)
    client.BASE, client.TOKEN = live_server.url + "/api/v1", key
    report_file, photo = tmp_path / "laporan.json", tmp_path / "foto.png"
    report_file.write_text(json.dumps(report_body()))
    photo.write_bytes(png_bytes())
    first = client.main(str(report_file), str(photo), once=True)
    again = client.main(str(report_file), str(photo), once=True)
    assert first["status"] == "submitted" and len(first["evidence"]) == 1
    assert again["id"] == first["id"] and Report.objects.count() == 1 and Evidence.objects.count() == 1
    report_file.write_text(json.dumps(report_body(description="pendek")))
    with pytest.raises(client.ApiError, match="description"):
        client.main(str(report_file), once=True)
