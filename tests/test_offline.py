"""Offline drafting (#27.3), server side: a draft sent twice with one Idempotency-Key makes one report, the forms
still need their CSRF token, a refused draft names the field and the rule, and the service worker's scope and list."""
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.models import Evidence, Report, ReportKind
from tests.test_intake_support import event_step, intake_settings, png_bytes, reporter_step, respondent_step

pytestmark = pytest.mark.django_db
__all__ = ["intake_settings"]
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _settings(intake_settings):
    return intake_settings


def public_draft(**extra):
    return {**reporter_step(), **respondent_step(), **event_step(), "confirm": "on", **extra}


def photo(name="foto.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def test_public_draft_sent_twice_with_one_key_is_one_report_with_one_photo(client):
    key = str(uuid.uuid4())
    first = client.post(reverse("reports:offline"), {**public_draft(), "evidence": [photo()]},
                        HTTP_IDEMPOTENCY_KEY=key, **JSON)
    assert 'id="pin"' in client.get(reverse("reports:receipt")).content.decode()  # shown once
    again = client.post(reverse("reports:offline"), {**public_draft(), "evidence": [photo()]},
                        HTTP_IDEMPOTENCY_KEY=key, **JSON)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and first.json()["url"] == reverse("reports:receipt")
    report = Report.objects.get()
    assert report.idempotency_key == key and report.kind == ReportKind.LAPORAN
    assert Evidence.objects.filter(report=report).count() == 1
    assert report.events.filter(code="report.submitted").count() == 1
    receipt = client.get(reverse("reports:receipt")).content.decode()
    assert report.tracking_code_display in receipt and "PIN sudah ditampilkan" in receipt  # the replay shows no PIN


def test_public_draft_first_answer_shows_the_pin_once_even_when_that_answer_was_lost(client):
    key = str(uuid.uuid4())
    client.post(reverse("reports:offline"), public_draft(), HTTP_IDEMPOTENCY_KEY=key, **JSON)  # answer lost
    response = client.post(reverse("reports:offline"), public_draft(), HTTP_IDEMPOTENCY_KEY=key, **JSON)
    assert response.status_code == 200 and Report.objects.count() == 1
    receipt = client.get(response.json()["url"]).content.decode()
    assert 'id="pin"' in receipt and response.json()["tracking_code"] in receipt
    assert 'id="pin"' not in client.get(response.json()["url"]).content.decode()


def test_officer_finding_sent_twice_with_one_key_is_one_finding(bawaslu_officer):
    officer = Client()
    officer.force_login(bawaslu_officer)
    key = str(uuid.uuid4())
    data = {**respondent_step(), **event_step(), "kind": "temuan", "received_on": timezone.localdate().isoformat(),
            "form_token": key}
    answers = [officer.post(reverse("reports:intake_new"), {**data, "evidence": [photo()]},
                            HTTP_IDEMPOTENCY_KEY=key, **JSON) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200] and answers[0].json() == answers[1].json()
    finding = Report.objects.get()
    assert finding.kind == ReportKind.TEMUAN and finding.recorded_by == bawaslu_officer
    assert answers[0].json()["url"] == reverse("reports:intake_detail", args=[finding.pk])
    assert finding.evidence.count() == 1 and finding.events.filter(code="report.submitted").count() == 1


def test_a_refused_draft_names_the_field_and_the_rule_and_creates_nothing(client, bawaslu_officer):
    response = client.post(reverse("reports:offline"), public_draft(description="pendek", confirm=""),
                           HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), **JSON)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["description"]["label"] == "Apa yang terjadi" and "20" in errors["description"]["messages"][0]
    assert "Centang pernyataan" in errors["confirm"]["messages"][0]
    bad_key = client.post(reverse("reports:offline"), public_draft(), HTTP_IDEMPOTENCY_KEY="kunci dengan spasi", **JSON)
    assert bad_key.status_code == 400 and "Idempotency-Key" in bad_key.json()["errors"]
    officer = Client()
    officer.force_login(bawaslu_officer)
    refused = officer.post(reverse("reports:intake_new"), {**respondent_step(), **event_step(), "kind": "temuan",
                                                           "received_on": "2999-01-01"},
                           HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), **JSON)
    assert refused.status_code == 400 and "received_on" in refused.json()["errors"]
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.cookies["django_language"] = "en"
    answer = english.post(reverse("reports:offline"), public_draft(confirm=""), HTTP_IDEMPOTENCY_KEY="x y", **JSON)
    assert "Idempotency-Key" in answer.json()["errors"]["Idempotency-Key"]["messages"][0]
    assert not Report.objects.exists()


def test_a_queued_send_still_needs_the_csrf_token(bawaslu_officer):
    strict = Client(enforce_csrf_checks=True)
    refused = strict.post(reverse("reports:offline"), public_draft(), HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), **JSON)
    assert refused.status_code == 403
    page = strict.get(reverse("reports:offline")).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    accepted = strict.post(reverse("reports:offline"), {**public_draft(), "csrfmiddlewaretoken": token},
                           HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), HTTP_X_CSRFTOKEN=token, **JSON)
    assert accepted.status_code == 200 and Report.objects.count() == 1


def test_plain_post_without_script_still_works(client):
    page = client.get(reverse("reports:offline"))
    assert page.status_code == 200 and 'data-offline-form="lapor"' in page.content.decode()
    response = client.post(reverse("reports:offline"), {**public_draft(), "form_token": "tanpa-skrip-1"})
    assert response.status_code == 302 and response.url == reverse("reports:receipt")
    missing = client.post(reverse("reports:offline"), public_draft(respondent_name=""))
    assert missing.status_code == 400 and "Nama ASN terlapor" in missing.content.decode()
    assert Report.objects.count() == 1


def test_service_worker_is_served_from_the_root_with_its_cache_list(client):
    response = client.get("/sw.js")
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache" and response["Service-Worker-Allowed"] == "/"
    assert '"/lapor/luring/"' in body and "/static/js/offline.js" in body and "/static/css/reports.css" in body
    assert 'if (request.method !== "GET") return;' in body  # POSTs are never stored
    assert "{%" not in body and "{{" not in body
    manifest = client.get("/static/pwa/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest["Content-Type"] == "application/manifest+json"
    data = json.loads(b"".join(manifest.streaming_content))
    assert data["start_url"] == "/lapor/" and data["scope"] == "/"
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}


@pytest.mark.django_db(transaction=True)
def test_eight_sends_of_one_draft_at_once_make_one_report_and_leave_no_stray_file(intake_settings):
    """Two tabs (or a retry while the first send still runs) send the same draft together: one report, one photo,
    and the files the other sends had stored are removed at once."""
    import threading
    from pathlib import Path

    from django.db import connection

    from tests.test_intake_support import ensure_reference

    ensure_reference()
    key, results = str(uuid.uuid4()), []
    data = public_draft()
    barrier = threading.Barrier(8)

    def send():
        try:
            client = Client()
            barrier.wait()
            answer = client.post(reverse("reports:offline"), {**data, "evidence": [photo()]},
                                 HTTP_IDEMPOTENCY_KEY=key, **JSON)
            results.append((answer.status_code, answer.json()["tracking_code"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and {status for status, _code in results} == {200}
    assert len({code for _status, code in results}) == 1
    report = Report.objects.get()
    evidence = report.evidence.get()
    root = Path(intake_settings.STORAGES["default"]["OPTIONS"]["location"])
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert files == sorted(name for name in (evidence.file.name, evidence.preview.name) if name)
