"""API intake (POST /api/v1/reports/): the created answer is the report as read back, a taken tracking code is
retried, validation messages as before, and the receipt letter follows through the receipt outbox and a worker."""
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cases.models import Letter, LetterKind
from reports import fastpath, letters, services
from reports.letters import receipts_issue_due
from reports.models import Report, ReportEvent, Reporter
from reports.selectors import standing_label
from tests.test_api import client_for, issue, report_body
from tests.test_intake_reliability import broker, isolated_redis_url
from tests.workflow_support import ensure_reference_data


@pytest.mark.django_db
@pytest.mark.parametrize("over", [{}, {"anonymity": "confidential"}, {"kind": "temuan", "reporter": None},
                                  {"respondent_agency": None, "respondent_agency_text": "Dinas Uji", "links": []}])
def test_created_answer_equals_the_report_read_back(over):
    _token, key = issue("regency")
    api = client_for(key)
    created = api.post("/api/v1/reports/", report_body(**over), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert created["Location"] == f"/api/v1/reports/{body['id']}/"
    assert api.get(f"/api/v1/reports/{body['id']}/").json() == body


@pytest.mark.django_db
def test_report_reporter_and_event_are_written_in_one_statement():
    _token, key = issue("regency")
    api = client_for(key)
    api.post("/api/v1/reports/", report_body(), format="json")  # token and reference caches filled
    with CaptureQueriesContext(connection) as queries:
        created = api.post("/api/v1/reports/", report_body(), format="json")
    assert created.status_code == 201
    writes = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert len(writes) == 1 and all(f'INSERT INTO "{table}"' in writes[0]
                                    for table in ("reports_report", "reports_reporter", "reports_reportevent"))
    # No transaction block of its own (no savepoint inside the test's): the one statement is atomic by itself.
    assert not any(q["sql"].startswith("SAVEPOINT") for q in queries.captured_queries)
    report = Report.objects.get(pk=created.json()["id"])
    assert report.receipt_due and Reporter.objects.filter(report=report, name="Siti Aminah").exists()
    assert ReportEvent.objects.filter(report=report, code="report.submitted").count() == 1


@pytest.mark.django_db
def test_a_submission_repeated_on_one_connection_runs_as_a_prepared_statement():
    """psycopg prepares a statement a connection has run five times (DB_PREPARE_THRESHOLD); Django would turn that
    off. PostgreSQL then keeps the submission's plan instead of parsing and planning it on every POST."""
    _token, key = issue("regency")
    api = client_for(key)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    connection.connection._prepared.clear()

    def prepared_inserts():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
            return [s for (s,) in cursor.fetchall() if 'INSERT INTO "reports_report"' in s]

    for _ in range(4):
        assert api.post("/api/v1/reports/", report_body(), format="json").status_code == 201
    assert prepared_inserts() == []
    for _ in range(2):
        assert api.post("/api/v1/reports/", report_body(), format="json").status_code == 201
    assert len(prepared_inserts()) == 1
    assert Report.objects.count() == 6


@pytest.mark.django_db
def test_a_taken_tracking_code_is_replaced_not_refused(monkeypatch):
    _token, key = issue("regency")
    api = client_for(key)
    first = api.post("/api/v1/reports/", report_body(), format="json").json()
    field = Report._meta.get_field("tracking_code")
    codes = iter([first["tracking_code"], first["tracking_code"]])
    monkeypatch.setattr(field, "_get_default", lambda: next(codes))  # the next report draws the taken code
    second = api.post("/api/v1/reports/", report_body(), format="json")
    assert second.status_code == 201
    assert second.json()["tracking_code"] not in ("", first["tracking_code"])
    assert Report.objects.count() == 2 and ReportEvent.objects.filter(code="report.submitted").count() == 2


@pytest.mark.django_db
def test_validation_messages_name_the_field():
    _token, key = issue("regency")
    api = client_for(key)
    missing = api.post("/api/v1/reports/", {"election": "pilkada-2024"}, format="json").json()["fields"]
    assert {"region", "respondent_name", "occurred_on", "known_on", "place", "description"} <= set(missing)
    rules = api.post("/api/v1/reports/", report_body(reporter={"name": "X"}, election="tidak-ada",
                                                     known_on="2000-01-01"), format="json")
    fields = rules.json()["fields"]
    assert rules.status_code == 422 and {"reporter.address", "reporter.standing", "election", "known_on"} <= set(fields)
    assert "wajib diisi untuk laporan dengan identitas" in fields["reporter.address"][0]
    assert "sebelum tanggal kejadian" in fields["known_on"][0]
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_receipt_run_issues_each_due_receipt_once(django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(services, "on_report_submitted_hooks", [])  # no worker here: the run is called below
    _token, key = issue("regency")
    api = client_for(key)
    with django_capture_on_commit_callbacks(execute=True):
        pk = api.post("/api/v1/reports/", report_body(), format="json").json()["id"]
    assert Report.objects.get(pk=pk).receipt_due
    assert receipts_issue_due() == 1 and receipts_issue_due() == 0
    letter = Letter.objects.get(kind=LetterKind.RECEIPT, subject_ref=f"report:{pk}")
    assert not Report.objects.get(pk=pk).receipt_due
    assert ReportEvent.objects.filter(report_id=pk, code="letter.issued", payload__number=letter.number).count() == 1


@pytest.mark.django_db(transaction=True)
def test_api_submission_gets_its_receipt_from_a_worker(settings, monkeypatch):
    """A real broker and worker: the committed report's receipt letter is issued after the POST has answered."""
    from celery.contrib.testing.worker import start_worker

    monkeypatch.setattr(letters, "_batch_window_ends", [0.0])  # no run queued by an earlier test of this process
    ensure_reference_data()
    _token, key = issue("regency")
    api = client_for(key)
    with broker(isolated_redis_url(settings.CELERY_BROKER_URL, db=12)) as app, \
            start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        pk = api.post("/api/v1/reports/", report_body(), format="json").json()["id"]
        deadline = time.monotonic() + 30
        while Report.objects.filter(pk=pk, receipt_due=True).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    letter = Letter.objects.get(kind=LetterKind.RECEIPT, subject_ref=f"report:{pk}")
    assert letter.pdf and not Report.objects.get(pk=pk).receipt_due
    assert ReportEvent.objects.filter(report_id=pk, code="letter.issued").count() == 1


@pytest.mark.django_db(transaction=True)
def test_broker_down_the_receipt_is_issued_in_the_request(monkeypatch):
    monkeypatch.setattr(letters, "_batch_window_ends", [0.0])
    ensure_reference_data()
    _token, key = issue("regency")
    with broker("redis://127.0.0.1:1/0"):  # nothing listens there: publishing fails
        created = client_for(key).post("/api/v1/reports/", report_body(), format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert Letter.objects.filter(kind=LetterKind.RECEIPT, subject_ref=f"report:{pk}").exists()
    assert not Report.objects.get(pk=pk).receipt_due


@pytest.mark.django_db
def test_insert_parameters_are_what_django_would_save_for_every_field():
    """reports.fastpath._db_values keeps str/bool/int attributes as they are and sends everything else through
    Field.get_db_prep_save(Field.pre_save()): the parameters must equal Django's for every field and value kind."""
    import datetime as dt

    import time_machine
    from django.utils.translation import gettext_lazy

    from cases.models import ElectionPeriod, Region

    def django_values(obj, skip=()):
        return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fastpath._insert_fields(type(obj))
                if f.name not in skip]

    ensure_reference_data()
    report = Report(election=ElectionPeriod.objects.get(slug="pilkada-2024"), region=Region.objects.get(code="33.01"),
                    region_code="33.01", respondent_name=gettext_lazy("Nama terlapor"), respondent_nip="",
                    description="Uraian " * 5, occurred_on=dt.date(2024, 10, 1), known_on=None,
                    received_at=dt.datetime(2024, 10, 2, 9, 30, tzinfo=dt.timezone.utc), submitted_ip="10.1.2.3",
                    receipt_due=True, failed_pin_attempts=0, idempotency_key=None, links="")
    reporter = Reporter(report=report, name="Siti", address="Jl. Merdeka 1", email="")
    event = ReportEvent(report=report, code="report.submitted", to_status="submitted", payload={"kind": "laporan", "n": 1})
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.timezone.utc), tick=False):
        for obj, skip in ((report, ()), (reporter, {"report"}), (event, {"report"})):
            fast, full = fastpath._db_values(obj, skip=skip), django_values(obj, skip=skip)
            assert [repr(v) for v in fast] == [repr(v) for v in full], type(obj).__name__


@pytest.mark.django_db
def test_a_lone_surrogate_in_any_text_field_is_refused_naming_the_field_in_both_languages():
    import json as _json

    ensure_reference_data()
    _token, key = issue("regency")
    body = report_body(respondent_name="Budi \ud83d", reporter={"name": "Siti \ud83d", "address": "Jl. Merdeka 1",
                                                                "standing": "voter"},
                       links=["https://x.com/\ud83d"])
    response = client_for(key).post("/api/v1/reports/", _json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.content
    fields = response.json()["fields"]
    expected = ["Teks berisi karakter surrogate U+D83D yang tidak sah; kirim teks Unicode yang utuh."]
    assert fields["respondent_name"] == expected and fields["reporter.name"] == expected
    assert fields["links.0"] == expected
    english = client_for(key, lang="en").post("/api/v1/reports/", _json.dumps(body), content_type="application/json")
    assert english.status_code == 422 and "surrogate character U+D83D" in english.json()["fields"]["respondent_name"][0]
    assert not Report.objects.exists()


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("value", ["voter", "monitor", "participant", "", "lain"])
def test_standing_label_is_the_models_display_value(value, language):
    with translation.override(language):
        assert standing_label(value) == Reporter(standing=value).get_standing_display()
