"""Register import (issue #27.1) and reconciliation (#27.2): a team-made register of a few hundred rows with every
kind of bad row, dry run then import, the same file twice, broken files, matching across two sources."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import Channel, Report, ReportEvent, ReportStatus
from reports.registers import sample
from reports.registers.models import ImportStatus, RegisterEntry, RegisterImport, RegisterSource
from reports.registers.rows import RowError, parse_date
from reports.registers.services import import_run

pytestmark = pytest.mark.django_db
N_GOOD = 300

# Every kind of bad row: (row values by Bawaslu heading, field label shown, rule shown)
BAD = [
    ({"No. Register": ""}, "Nomor di sumber", "wajib diisi."),
    ({"No. Register": "REG-00001/PS.01/K.JT-01/2024"}, "Nomor di sumber", "sudah dipakai baris 3 berkas ini"),
    ({"Nama Terlapor": ""}, "Nama terlapor", "wajib diisi."),
    ({"Nama Terlapor": "x" * 201}, "Nama terlapor", "paling banyak 200 karakter (tertulis 201)."),
    ({"NIP": "19680411 199303 1 00"}, "NIP terlapor", "NIP harus 18 digit (tertulis 17 digit)."),
    ({"NIP": "196804111993131009"}, "NIP terlapor", "Digit 13–14 NIP (bulan pengangkatan 13)"),
    ({"Kabupaten/Kota": "Kabupaten Antah Berantah"}, "Wilayah kejadian (kode atau nama)",
     "wilayah 'Kabupaten Antah Berantah' tidak dikenal"),
    ({"Kabupaten/Kota": "Semarang"}, "Wilayah kejadian (kode atau nama)",
     "nama wilayah 'Semarang' ambigu: Kabupaten Semarang (33.22), Kota Semarang (33.74)"),
    ({"Kabupaten/Kota": "99.99"}, "Wilayah kejadian (kode atau nama)", "kode wilayah 99.99 tidak dikenal."),
    ({"Kabupaten/Kota": ""}, "Wilayah kejadian (kode atau nama)", "wajib diisi."),
    ({"Tanggal Kejadian": "31/02/2024"}, "Tanggal kejadian", "'31/02/2024' bukan tanggal yang ada di kalender."),
    ({"Tanggal Kejadian": "kemarin sore"}, "Tanggal kejadian", "'kemarin sore' bukan tanggal; tulis 17/08/2024"),
    ({"Tanggal Kejadian": "17 Agustus 2099", "Tanggal Diterima": ""}, "Tanggal kejadian",
     "tanggal 17/08/2099 belum terjadi."),
    ({"Tanggal Kejadian": "20/09/2024", "Tanggal Diterima": "1 September 2024"}, "Tanggal diterima di sumber",
     "tanggal diterima lebih awal dari tanggal kejadian."),
    ({"Uraian": "  "}, "Uraian kejadian", "wajib diisi."),
    ({"Jenis": "aduan"}, "Jenis (laporan/temuan)", "harus 'laporan' atau 'temuan', tertulis 'aduan'."),
]


def _bad_row(i, changes):
    row = dict(zip(sample.BAWASLU_HEADERS, sample.bawaslu_row(10_000 + i)))
    row.update(changes)
    return [row[h] for h in sample.BAWASLU_HEADERS]


def register_rows():
    """300 good rows, an empty line every 50 rows, then every kind of bad row."""
    rows = []
    for i in range(N_GOOD):
        rows.append(sample.bawaslu_row(i))
        if i % 50 == 49:
            rows.append([""] * len(sample.BAWASLU_HEADERS))
    return rows + [_bad_row(i, changes) for i, (changes, _f, _m) in enumerate(BAD)]


def _upload(client, data, name="register.csv", source="bawaslu", election="pilkada-2024"):
    return client.post(reverse("registers:index"), {
        "source": source, "election": election, "file": SimpleUploadedFile(name, data)})


BAWASLU_MAPPING = {"reference": "No. Register", "respondent_name": "Nama Terlapor", "respondent_nip": "NIP",
                   "respondent_position": "Jabatan", "respondent_agency": "Instansi", "region": "Kabupaten/Kota",
                   "occurred_on": "Tanggal Kejadian", "received_on": "Tanggal Diterima", "place": "Tempat",
                   "description": "Uraian", "kind": "Jenis", "reporter_name": "Pelapor"}


@pytest.fixture
def run_eagerly(django_capture_on_commit_callbacks):
    """The import as the worker runs it, in this process (the broker plays no part in what it writes)."""
    from kasn_cases.celery import app
    from reports.registers.tasks import register_import_task

    assert register_import_task.name in app.tasks

    def run(client, pk):
        app.conf.task_always_eager = True
        try:
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(reverse("registers:run", args=[pk]))
        finally:
            app.conf.task_always_eager = False
        assert response.status_code == 302
        return RegisterImport.objects.get(pk=pk)

    return run


def test_dry_run_then_import_of_a_register_with_every_kind_of_bad_row(client, administrator, run_eagerly):
    client.force_login(administrator)
    response = _upload(client, sample.to_csv(sample.BAWASLU_HEADERS, register_rows()))
    imp = RegisterImport.objects.get()
    # First file of this source: the columns are mapped once (guessed from the headings), then saved on the source
    assert response.status_code == 302 and response.url == reverse("registers:mapping", args=[imp.pk])
    page = client.get(response.url).content.decode()
    assert "Pemetaan kolom: Register Bawaslu" in page and 'value="No. Register" selected' in page
    response = client.post(reverse("registers:mapping", args=[imp.pk]), BAWASLU_MAPPING)
    assert response.status_code == 302 and response.url == reverse("registers:detail", args=[imp.pk])
    assert RegisterSource.objects.get(code="bawaslu").mapping == BAWASLU_MAPPING

    imp.refresh_from_db()
    assert imp.status == ImportStatus.CHECKED and imp.total_rows == N_GOOD + len(BAD)  # empty lines are no rows
    assert imp.counts == {"create": N_GOOD, "update": 0, "merge": 0, "unchanged": 0, "reject": len(BAD)}
    assert not Report.objects.exists() and not RegisterEntry.objects.exists()  # the dry run writes nothing
    rejected = {r["row"]: r["errors"] for r in imp.plan if r["action"] == "reject"}
    first_bad = N_GOOD + N_GOOD // 50 + 2  # header row, good rows, empty lines
    for offset, (_changes, label, rule) in enumerate(BAD):
        errors = rejected[first_bad + offset]
        assert any(e["field"] == label and rule in e["message"] for e in errors), (offset, errors)
    page = client.get(reverse("registers:detail", args=[imp.pk])).content.decode()
    assert "Uji coba: belum ada yang disimpan." in page and "Jalankan impor" in page
    assert "bukan tanggal yang ada di kalender" in page and "ambigu" in page

    imp = run_eagerly(client, imp.pk)
    assert imp.status == ImportStatus.DONE and imp.counts["create"] == N_GOOD and imp.content == b""
    reports = Report.objects.filter(channel=Channel.REGISTER)
    assert reports.count() == N_GOOD == RegisterEntry.objects.filter(created_report=True).count()
    first = RegisterEntry.objects.get(reference=sample.bawaslu_row(0)[0]).report
    assert first.respondent_nip == sample.nip(0) and first.region_code == "33.01"  # "19680411 ..." with spaces
    assert first.occurred_on == sample.occurred(0) and first.status == ReportStatus.SUBMITTED
    assert first.kind == "temuan" and not hasattr(first, "reporter") and first.receipt_due is False
    second = RegisterEntry.objects.get(reference=sample.bawaslu_row(1)[0]).report
    assert second.region_code == "33.02" and second.reporter.name == "Warga Pelapor 1"  # "Kab Banyumas"
    assert second.respondent_agency is None and second.respondent_agency_text == "Pemda Kabupaten Banyumas"
    assert first.respondent_agency.code == "PEMKAB-33.01"
    assert timezone_date(second.received_at) == sample.occurred(1) + dt.timedelta(days=2)  # the source's date
    event = ReportEvent.objects.get(report=second, code="report.imported")
    assert event.actor == administrator and event.payload["source"] == "bawaslu" and event.payload["row"] == 3
    assert event.payload["reference"] == sample.bawaslu_row(1)[0] and "Warga" not in str(event.payload)
    assert ReportEvent.objects.filter(code="report.submitted", report__channel=Channel.REGISTER).count() == N_GOOD


def timezone_date(value):
    from django.utils import timezone

    return timezone.localtime(value).date()


def _import_file(client, data, run_eagerly, name="register.csv", source="bawaslu"):
    response = _upload(client, data, name=name, source=source)
    assert response.status_code == 302, response.content.decode()[-2000:]
    imp = RegisterImport.objects.latest("id")
    assert imp.status == ImportStatus.CHECKED
    return imp, run_eagerly(client, imp.pk)


def test_the_same_file_twice_changes_nothing_and_a_changed_row_is_an_update(client, administrator, run_eagerly):
    RegisterSource.objects.filter(code="bawaslu").update(mapping=BAWASLU_MAPPING)
    client.force_login(administrator)
    rows = [sample.bawaslu_row(i) for i in range(40)]
    data = sample.to_csv(sample.BAWASLU_HEADERS, rows)
    _import_file(client, data, run_eagerly)
    events = ReportEvent.objects.count()
    checked, done = _import_file(client, data, run_eagerly)
    assert checked.counts["unchanged"] == 40 and checked.counts["create"] == 0
    assert done.counts == {"create": 0, "update": 0, "merge": 0, "unchanged": 40, "reject": 0}
    assert Report.objects.count() == 40 and ReportEvent.objects.count() == events

    rows[5][9] = "Uraian diperbaiki oleh Bawaslu setelah klarifikasi."
    rows[6][1] = "Nama Diperbaiki"
    _checked, done = _import_file(client, sample.to_csv(sample.BAWASLU_HEADERS, rows), run_eagerly)
    assert done.counts["update"] == 2 and done.counts["unchanged"] == 38 and Report.objects.count() == 40
    report = RegisterEntry.objects.get(reference=rows[5][0]).report
    assert report.description == "Uraian diperbaiki oleh Bawaslu setelah klarifikasi."
    assert ReportEvent.objects.get(report=report, code="report.import.updated").payload["fields"] == ["description"]


def test_a_row_whose_report_was_already_reviewed_is_not_overwritten(client, administrator, run_eagerly):
    RegisterSource.objects.filter(code="bawaslu").update(mapping=BAWASLU_MAPPING)
    client.force_login(administrator)
    rows = [sample.bawaslu_row(i) for i in range(1, 3)]
    _import_file(client, sample.to_csv(sample.BAWASLU_HEADERS, rows), run_eagerly)
    report = RegisterEntry.objects.get(reference=rows[0][0]).report
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.REGISTERED)
    rows[0][9] = "Uraian lain"
    checked, done = _import_file(client, sample.to_csv(sample.BAWASLU_HEADERS, rows), run_eagerly)
    assert done.counts["reject"] == 1 and "sudah dikaji petugas" in done.plan[0]["errors"][0]["message"]
    report.refresh_from_db()
    assert report.description != "Uraian lain"


@pytest.mark.parametrize("name, data, message", [
    ("register.csv", "No. Register,Nama Terlapor\nR1,Budi Café\n".encode("cp1252"),
     "bukan teks UTF-8: byte ke-"),
    ("register.xlsx", b"PK\x03\x04 not really a workbook", "bukan berkas XLSX yang dapat dibaca"),
    ("register.pdf", b"%PDF-1.7", "bukan lembar kerja: unggah berkas .csv atau .xlsx"),
    ("register.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "bukan berkas CSV (berisi data biner)"),
    ("register.csv", b"No. Register,Nama Terlapor\n", "tidak memuat satu baris data pun"),
    ("register.csv", b"No. Register,Nama Terlapor\nR1,Budi,Cilacap,lebih\n", "Baris 2 memuat 4 sel"),
    ("register.csv", b"Nama,Nama\nBudi,Budi\n", "Judul kolom ganda: Nama"),
])
def test_a_broken_file_is_refused_with_a_clear_message_and_nothing_is_kept(client, administrator, name, data,
                                                                              message):
    client.force_login(administrator)
    response = _upload(client, data, name=name)
    assert response.status_code == 400 and message in response.content.decode()
    assert not RegisterImport.objects.exists() and not Report.objects.exists()


def test_wrong_columns_are_named_on_the_mapping_page(client, administrator):
    client.force_login(administrator)
    _upload(client, b"Kolom A,Kolom B\n1,2\n")
    imp = RegisterImport.objects.get()
    response = client.post(reverse("registers:mapping", args=[imp.pk]), {"reference": "Kolom A"})
    page = response.content.decode()
    assert response.status_code == 400 and "Pilih kolom berkas untuk Nama terlapor (wajib)." in page
    assert RegisterImport.objects.get().status == ImportStatus.UPLOADED and not Report.objects.exists()


def test_matching_across_two_sources_and_the_reconciliation_page(client, administrator, run_eagerly,
                                                                  bawaslu_officer):
    RegisterSource.objects.filter(code="bawaslu").update(mapping=BAWASLU_MAPPING)
    client.force_login(administrator)
    # Bawaslu has respondents 0-29; LAPOR! has 20-39, written its own way (upper-case names, other region spellings)
    _import_file(client, sample.to_xlsx(sample.BAWASLU_HEADERS, [sample.bawaslu_row(i, native_dates=True)
                                                                for i in range(30)]), run_eagerly, name="bws.xlsx")
    response = _upload(client, sample.to_csv(sample.LAPOR_HEADERS, [sample.lapor_row(i) for i in range(20, 40)],
                                             delimiter=";"), source="lapor")
    imp = RegisterImport.objects.latest("id")
    assert response.url == reverse("registers:mapping", args=[imp.pk])
    client.post(reverse("registers:mapping", args=[imp.pk]), sample.LAPOR_MAPPING)
    imp.refresh_from_db()
    assert imp.counts == {"create": 10, "update": 0, "merge": 10, "unchanged": 0, "reject": 0}, imp.plan[:2]
    imp = run_eagerly(client, imp.pk)
    assert Report.objects.count() == 40
    matched = RegisterEntry.objects.get(source__code="lapor", reference="LAPOR-9020")
    assert not matched.created_report and matched.report.register_entries.get(source__code="bawaslu")
    assert ReportEvent.objects.filter(report=matched.report, code="report.import.matched").count() == 1

    page = client.get(reverse("registers:reconcile") + "?pemilihan=pilkada-2024").content.decode()
    assert "40 laporan berbeda dalam pemilihan ini; 10 di antaranya tercatat di dua sumber" in page
    assert "Hanya di Register Bawaslu (20)" in page and "Hanya di LAPOR! / SP4N (10)" in page
    assert "LAPOR-9035" in page and "LAPOR-9020" not in page  # listed only while unmatched

    client.force_login(bawaslu_officer)  # Kab. Cilacap: its own region's reports only
    page = client.get(reverse("registers:reconcile") + "?pemilihan=pilkada-2024").content.decode()
    cilacap = Report.objects.filter(region_code="33.01").count()
    assert f"{cilacap} laporan berbeda" in page and "Kota Semarang" not in page
    assert client.get(reverse("registers:index")).status_code == 403


def test_progress_is_read_from_the_worker_while_its_transaction_runs(client, administrator):
    from django.core.cache import cache

    from reports.registers.services import progress_key

    RegisterSource.objects.filter(code="bawaslu").update(mapping=BAWASLU_MAPPING)
    client.force_login(administrator)
    _upload(client, sample.to_csv(sample.BAWASLU_HEADERS, [sample.bawaslu_row(i) for i in range(200)]))
    imp = RegisterImport.objects.get()
    RegisterImport.objects.filter(pk=imp.pk).update(status=ImportStatus.RUNNING)
    cache.set(progress_key(imp.pk), 50)
    state = client.get(reverse("registers:status", args=[imp.pk])).json()
    assert state["state"] == "running" and state["percent"] == 25 and state["processed"] == 50
    imp = import_run(register_import_id=imp.pk)  # what the task runs
    assert imp.status == ImportStatus.DONE and Report.objects.count() == 200
    state = client.get(reverse("registers:status", args=[imp.pk])).json()
    assert state["percent"] == 100 and state["counts"]["create"] == 200
    assert import_run(register_import_id=imp.pk) is None  # a redelivered message does nothing
    page = client.get(reverse("registers:detail", args=[imp.pk])).content.decode()
    assert "<progress" in page and "Selesai" in page


@pytest.mark.parametrize("written, expected", [
    ("17 Agustus 2024", dt.date(2024, 8, 17)), ("17/08/2024", dt.date(2024, 8, 17)),
    ("Sabtu, 17 Agustus 2024", dt.date(2024, 8, 17)), ("1 Mei 2024", dt.date(2024, 5, 1)),
    ("17 Agt 2024", dt.date(2024, 8, 17)), ("2024-08-17 00:00:00", dt.date(2024, 8, 17)),
    ("17-08-2024", dt.date(2024, 8, 17)), (dt.datetime(2024, 8, 17, 9), dt.date(2024, 8, 17)), ("", None),
])
def test_indonesian_dates(written, expected):
    assert parse_date(written, "occurred_on") == expected


def test_a_date_that_is_not_one_names_the_format():
    with pytest.raises(RowError, match="tulis 17/08/2024 atau 17 Agustus 2024"):
        parse_date("17 Agustusan 2024", "occurred_on")


def test_a_row_joins_the_report_of_a_case_that_already_has_its_respondent(client, administrator, run_eagerly):
    """Merged into an existing case (#27.1): the case's respondent NIP, incident date and region, even when the
    report in it was filed without the NIP (a citizen who did not know it)."""
    from cases import workflow
    from cases.models import Agency, ElectionPeriod, Region
    from reports import services as intake

    RegisterSource.objects.filter(code="bawaslu").update(mapping=BAWASLU_MAPPING)
    client.force_login(administrator)
    code = sample.REGIONS[3 % len(sample.REGIONS)][0]
    election, region = ElectionPeriod.objects.get(slug="pilkada-2024"), Region.objects.get(code=code)
    citizen = intake.report_submit(fields={
        "election": election, "region": region, "respondent_name": "Pak Camat", "respondent_nip": "",
        "respondent_agency_text": "Pemda", "occurred_on": sample.occurred(3), "known_on": sample.occurred(3),
        "place": "Balai desa", "description": "Camat mengajak warga memilih pasangan calon tertentu."},
        anonymity="anonymous", pin=None)
    case = workflow.case_open(actor=administrator, election=election, region=region, title="Camat berkampanye",
                              occurred_on=sample.occurred(3), register=False, respondents=[{
                                  "nip": sample.nip(3), "name": "Camat", "position": "Camat",
                                  "agency": Agency.objects.get(code="PEMKAB-33.01")}])
    Report.objects.filter(pk=citizen.pk).update(case=case, status=ReportStatus.REGISTERED)

    response = _upload(client, sample.to_csv(sample.BAWASLU_HEADERS, [sample.bawaslu_row(3), sample.bawaslu_row(4)]))
    imp = RegisterImport.objects.get()
    assert response.status_code == 302 and imp.counts["merge"] == 1 and imp.counts["create"] == 1
    page = client.get(reverse("registers:detail", args=[imp.pk])).content.decode()
    assert citizen.tracking_code_display in page and case.number in page
    imp = run_eagerly(client, imp.pk)
    assert imp.status == ImportStatus.DONE and Report.objects.count() == 2
    joined = RegisterEntry.objects.get(reference=sample.bawaslu_row(3)[0])
    assert joined.report_id == citizen.pk and not joined.created_report
    assert ReportEvent.objects.filter(report=citizen, code="report.import.matched").count() == 1


def test_an_import_that_fails_on_a_row_leaves_nothing_half_imported(client, administrator):
    """A row the database itself refuses (a real PostgreSQL trigger, row 151 of 200): the whole import is rolled
    back, the page says so, and no report, entry or event of it stays."""
    from django.db import connection

    RegisterSource.objects.filter(code="bawaslu").update(mapping=BAWASLU_MAPPING)
    client.force_login(administrator)
    rows = [sample.bawaslu_row(i) for i in range(200)]
    rows[150][1] = "Ditolak Pangkalan Data"
    _upload(client, sample.to_csv(sample.BAWASLU_HEADERS, rows))
    imp = RegisterImport.objects.get()
    assert imp.counts["create"] == 200
    events = ReportEvent.objects.count()
    with connection.cursor() as cur:
        cur.execute("""CREATE FUNCTION test_refuse_report() RETURNS trigger LANGUAGE plpgsql AS $$
                       BEGIN IF NEW.respondent_name = 'Ditolak Pangkalan Data' THEN
                         RAISE EXCEPTION 'refused by the test trigger'; END IF; RETURN NEW; END $$""")
        cur.execute("CREATE TRIGGER test_refuse BEFORE INSERT ON reports_report FOR EACH ROW "
                    "EXECUTE FUNCTION test_refuse_report()")
    RegisterImport.objects.filter(pk=imp.pk).update(status=ImportStatus.QUEUED)
    imp = import_run(register_import_id=imp.pk)
    assert imp.status == ImportStatus.FAILED and "tidak ada baris yang disimpan" in imp.error
    assert not Report.objects.exists() and not RegisterEntry.objects.exists()
    assert ReportEvent.objects.count() == events
    page = client.get(reverse("registers:detail", args=[imp.pk])).content.decode()
    assert "Impor gagal dan dibatalkan seluruhnya" in page
