"""Case-list exports: CSV and XLSX content, scope, no reporter identity, background job with progress, command."""
import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from cases import exports
from cases.models import Case, Region
from cases.tasks_stats import export_cases_task
from tests.factories import CaseFactory
from tests.test_stats import fresh_cache, seeded  # noqa: F401  (shared fixtures)


def csv_rows(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(data: bytes):
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


@pytest.fixture
def reported_case(seeded):
    """A case with a named reporter whose identity must never leave the system."""
    from reports.models import Report, Reporter

    case = Case.objects.filter(region_code="33.01").order_by("id").first()
    report = Report.objects.create(election=case.election, region=case.region, region_code=case.region_code,
                                   respondent_name="Terlapor X", description="Uraian laporan", case=case)
    Reporter.objects.create(report=report, name="Siti Pelapor Rahasia", phone="081299990000",
                            email="siti.rahasia@example.test", address="Jalan Kenanga 7")
    return case


def test_csv_export_streams_every_case_in_scope(seeded, client, supervisor_analyst):
    client.force_login(supervisor_analyst)
    response = client.get("/stats/export/", {"format": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv") and ".csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:3] == ["Nomor perkara", "Pemilihan", "Status"]
    assert len(rows) - 1 == Case.objects.count()
    case = Case.objects.filter(status="closed_sanctioned").order_by("id").first()
    row = next(r for r in rows if r[0] == case.number)
    header = rows[0]
    assert row[header.index("Status")] == "Selesai: sanksi dijatuhkan"
    assert row[header.index("Wilayah")] == case.region.name
    assert row[header.index("Jumlah terlapor")] == "1"
    assert row[header.index("Instansi terlapor")] == f"PEMKAB-{case.region_code}"
    assert row[header.index("Jenis pelanggaran")] in ("SOSMED_CAMPAIGN", "BANNER_INSTALL")


def test_csv_export_respects_scope_and_filters(seeded, client, bawaslu_officer):
    client.force_login(bawaslu_officer)
    rows = csv_rows(client.get("/stats/export/", {"format": "csv"}))[1:]
    assert {r[3] for r in rows} == {"33.01"} and len(rows) == Case.objects.filter(region_code="33.01").count()
    rows = csv_rows(client.get("/stats/export/", {"format": "csv", "status": "followed_up"}))[1:]
    assert len(rows) == Case.objects.filter(region_code="33.01", status="followed_up").count() == 3
    assert csv_rows(client.get("/stats/export/", {"format": "csv", "region": "32"}))[1:] == []  # out of scope: empty


def test_xlsx_export_content_and_scope(seeded, client, bawaslu_province):
    client.force_login(bawaslu_province)
    response = client.get("/stats/export/", {"format": "xlsx", "election": "pemilu-2024"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = xlsx_rows(b"".join(response.streaming_content))
    expected = Case.objects.filter(region_code__startswith="33.", election__slug="pemilu-2024")
    assert len(rows) - 1 == expected.count()
    assert {r[0] for r in rows[1:]} == set(expected.values_list("number", flat=True))
    assert rows[1][rows[0].index("Diterima")].year == 2024  # real dates, not text


def test_no_reporter_identity_in_any_export(reported_case, client, bawaslu_officer):
    client.force_login(bawaslu_officer)
    csv_body = b"".join(client.get("/stats/export/", {"format": "csv"}).streaming_content).decode("utf-8-sig")
    xlsx_body = repr(xlsx_rows(b"".join(client.get("/stats/export/", {"format": "xlsx"}).streaming_content)))
    assert reported_case.number in csv_body and reported_case.number in xlsx_body
    for secret in ("Siti Pelapor Rahasia", "081299990000", "siti.rahasia@example.test", "Jalan Kenanga 7", "Uraian laporan"):
        assert secret not in csv_body and secret not in xlsx_body


def test_formula_cells_are_neutralised(db, client, supervisor_analyst):
    CaseFactory(title="=HYPERLINK(\"http://evil\")")
    client.force_login(supervisor_analyst)
    rows = csv_rows(client.get("/stats/export/", {"format": "csv"}))
    assert rows[1][5] == "'=HYPERLINK(\"http://evil\")"


def test_export_refused_without_export_permission(seeded, client, ppk_liaison, screening_reviewer):
    for user in (ppk_liaison, screening_reviewer):
        client.force_login(user)
        assert client.get("/stats/export/", {"format": "csv"}).status_code == 403


def test_export_bad_input_names_the_field(seeded, client, supervisor_analyst):
    client.force_login(supervisor_analyst)
    response = client.get("/stats/export/", {"format": "pdf"})
    assert response.status_code == 400 and "pdf" in response.content.decode()
    response = client.get("/stats/export/", {"format": "csv", "election": "pemilu-1955"})
    assert response.status_code == 400 and "Pemilihan" in response.content.decode()


def test_background_export_reports_progress_and_serves_the_file(seeded, client, bawaslu_province, bawaslu_officer,
                                                                   django_capture_on_commit_callbacks, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                          "OPTIONS": {"location": str(tmp_path)}}}
    client.force_login(bawaslu_province)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.get("/stats/export/", {"format": "xlsx", "mode": "background", "region": "33.02"})
    assert response.status_code == 302 and len(callbacks) == 1  # the task is queued after commit
    job_url = response["Location"]
    job_id = job_url.rstrip("/").rsplit("/", 1)[-1]
    page = client.get(job_url)
    assert page.status_code == 200 and "export-progress" in page.content.decode()
    status = client.get(job_url + "status/").json()
    assert status["state"] == "pending" and status["percent"] == 0 and status["total"] == 12
    assert client.get(job_url + "download/").status_code == 409

    export_cases_task.apply(args=[job_id])  # what the worker runs

    status = client.get(job_url + "status/").json()
    assert status["state"] == "done" and status["percent"] == 100 and status["done"] == 12
    download = client.get(status["download"])
    rows = xlsx_rows(b"".join(download.streaming_content))
    assert len(rows) == 13 and {r[3] for r in rows[1:]} == {"33.02"}
    client.force_login(bawaslu_officer)  # another user's job does not exist for them
    assert client.get(job_url).status_code == 404
    assert client.get(job_url + "download/").status_code == 404


def test_large_xlsx_goes_to_background(seeded, client, supervisor_analyst, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(exports, "SYNC_XLSX_LIMIT", 10)
    client.force_login(supervisor_analyst)
    with django_capture_on_commit_callbacks():
        response = client.get("/stats/export/", {"format": "xlsx"})
    assert response.status_code == 302 and "/stats/export/" in response["Location"]


def test_export_command_writes_filtered_scoped_files(seeded, bawaslu_province, tmp_path):
    out = tmp_path / "perkara.csv"
    call_command("export_cases", "--output", str(out), "--region", "33", "--status", "overdue", "--status", "followed_up",
                 stderr=io.StringIO())
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    assert len(rows) - 1 == Case.objects.filter(region_code__startswith="33.", status__in=["overdue", "followed_up"]).count()
    xlsx = tmp_path / "perkara.xlsx"
    err = io.StringIO()
    call_command("export_cases", "--format", "xlsx", "--output", str(xlsx), "--user", bawaslu_province.username, stderr=err)
    assert len(xlsx_rows(xlsx.read_bytes())) - 1 == Case.objects.filter(region_code__startswith="33.").count()
    assert "24/24" in err.getvalue()
    with pytest.raises(CommandError, match="Kode wilayah"):
        call_command("export_cases", "--output", str(out), "--region", "99.99")
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("export_cases", "--output", str(out), "--user", "nobody")


def test_export_of_large_list_streams_in_chunks(db, supervisor_analyst):
    region = Region.objects.get(code="33.01")
    CaseFactory.create_batch(1200, region=region)
    chunks = list(exports.csv_chunks(Case.objects.all()))
    assert len(chunks) > 3  # header, then several chunks: the response never holds the whole file
    assert sum(c.count("\n") for c in chunks) == 1201
