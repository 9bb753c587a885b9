"""Case-list exports: streamed CSV, openpyxl write-only XLSX, and background jobs with progress.

The columns are fixed here and carry no reporter identity (the reporter lives in `reports`, which
`cases` never reads) and no free text written by the public (the description). Cells that a
spreadsheet would run as a formula are neutralised. The agency, violation and sanction columns cover every
respondent of a case: only roles that see every respondent of their cases may export (`cases.export` in
cases.permissions; tests/test_security.py checks that no respondent-scoped role holds it).
"""
import csv
import datetime as dt
import tempfile
import uuid

from django.contrib.postgres.aggregates import StringAgg
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from openpyxl import Workbook

from cases.models import ACTIVE_BLOCK, CaseRespondent, CaseStatus, DataBlock, Recommendation, SanctionCategory

CHUNK = 2000
SYNC_XLSX_LIMIT = 5000  # larger XLSX exports run as a background job with a progress bar
JOB_TTL = 24 * 3600
EXPORT_DIR = "exports"

COLUMNS = [
    ("number", gettext_lazy("Nomor perkara")),
    ("election__name", gettext_lazy("Pemilihan")),
    ("status", gettext_lazy("Status")),
    ("region_code", gettext_lazy("Kode wilayah")),
    ("region__name", gettext_lazy("Wilayah")),
    ("title", gettext_lazy("Ringkasan")),
    ("is_finding", gettext_lazy("Temuan")),
    ("social_media", gettext_lazy("Media sosial")),
    ("received_at", gettext_lazy("Diterima")),
    ("registered_at", gettext_lazy("Teregistrasi")),
    ("forwarded_at", gettext_lazy("Diteruskan")),
    ("recommended_at", gettext_lazy("Direkomendasikan")),
    ("followed_up_at", gettext_lazy("Ditindaklanjuti PPK")),
    ("closed_at", gettext_lazy("Selesai")),
    ("next_due", gettext_lazy("Tenggat berikutnya")),
    ("respondent_count", gettext_lazy("Jumlah terlapor")),
    ("agencies", gettext_lazy("Instansi terlapor")),
    ("violations", gettext_lazy("Jenis pelanggaran")),
    ("sanction_categories", gettext_lazy("Kategori sanksi")),
    ("blocks_in_force", gettext_lazy("Blokir data berlaku")),
    ("block_cycles", gettext_lazy("Siklus blokir data")),
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _count(rows):
    return Coalesce(Subquery(rows.annotate(n=Count("id")).values("n"), output_field=IntegerField()), 0)


def export_queryset(cases):
    """The export rows, one per case, with per-case aggregates as correlated subqueries."""
    tracks = CaseRespondent.objects.filter(case=OuterRef("pk")).order_by().values("case")
    recs = Recommendation.objects.filter(track__case=OuterRef("pk")).order_by().values("track__case")
    blocks = DataBlock.objects.filter(track__case=OuterRef("pk")).order_by().values("track__case")
    return (cases.order_by("id").annotate(
        respondent_count=_count(tracks),
        agencies=Subquery(tracks.annotate(s=StringAgg("agency__code", ", ", distinct=True)).values("s")),
        violations=Subquery(recs.annotate(s=StringAgg("violation_types__code", ", ", distinct=True)).values("s")),
        sanction_categories=Subquery(recs.exclude(category="").annotate(s=StringAgg("category", ", ", distinct=True)).values("s")),
        blocks_in_force=_count(blocks.filter(ACTIVE_BLOCK, recorded_at__isnull=False)),
        block_cycles=_count(blocks),
    ).values_list(*[c for c, _l in COLUMNS]))


_STATUS = dict(CaseStatus.choices)
_CATEGORY = dict(SanctionCategory.choices)


def _text(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _converters(naive_datetimes):
    """One converter per column, chosen once per export instead of per cell."""
    tz = timezone.get_current_timezone()
    yes, no = _("ya"), _("tidak")

    def status(v):
        return str(_STATUS.get(v, v))

    def categories(v):
        return ", ".join(str(_CATEGORY.get(c, c)) for c in v.split(", ")) if v else v

    def other(v):
        if isinstance(v, bool):
            return yes if v else no
        if isinstance(v, dt.datetime):
            v = v.astimezone(tz)
            return v.replace(tzinfo=None) if naive_datetimes else v.strftime("%Y-%m-%d %H:%M")
        if isinstance(v, dt.date) and not naive_datetimes:
            return v.isoformat()
        return v

    return [status if name == "status" else categories if name == "sanction_categories" else other
            for name, _l in COLUMNS]


def _row(values, *, naive_datetimes=False, converters=None):
    out = []
    for convert, value in zip(converters or _converters(naive_datetimes), values):
        if value is None:
            out.append("")
            continue
        value = convert(value)
        out.append(_text(value) if value is not None else "")
    return out


def header():
    return [str(label) for _c, label in COLUMNS]


class _Echo:
    def write(self, value):
        return value


def csv_chunks(cases, progress=None):
    """CSV text in chunks (a UTF-8 BOM first so spreadsheet programs read the encoding)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header())
    buf, done = [], 0
    converters = _converters(False)
    for values in export_queryset(cases).iterator(chunk_size=CHUNK):
        buf.append(writer.writerow(_row(values, converters=converters)))
        if len(buf) >= 500:
            done += len(buf)
            yield "".join(buf)
            buf = []
            if progress:
                progress(done)
    if buf:
        yield "".join(buf)
    if progress:
        progress(done + len(buf))


def write_xlsx(cases, fileobj, progress=None):
    """Write an XLSX with openpyxl's write-only mode (constant memory)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("Perkara")[:31])
    ws.append(header())
    done = 0
    converters = _converters(True)
    for values in export_queryset(cases).iterator(chunk_size=CHUNK):
        ws.append(_row(values, converters=converters))
        done += 1
        if progress and done % 1000 == 0:
            progress(done)
    wb.save(fileobj)
    if progress:
        progress(done)


def export_filename(fmt):
    return f"perkara-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"


# ---------------------------------------------------------------------------------------------
# Background jobs: the state lives in the cache, the file in private storage under exports/
# ---------------------------------------------------------------------------------------------
def _job_key(job_id):
    return f"stats:export:{job_id}"


def job_get(job_id):
    return cache.get(_job_key(job_id))


def job_set(job_id, **changes):
    job = {**(job_get(job_id) or {}), **changes}
    cache.set(_job_key(job_id), job, JOB_TTL)
    return job


def export_job_create(*, actor, filters: dict, fmt: str, total: int) -> str:
    job_id = uuid.uuid4().hex
    job_set(job_id, user_id=actor.pk, fmt=fmt, filters=filters, total=total, done=0, state="pending", path=None, error="")
    return job_id


def export_job_run(job_id, cases):
    """Write the export file for a job, reporting progress into the cache."""
    job = job_get(job_id)
    fmt = job["fmt"]
    job_set(job_id, state="running")

    def progress(done):
        job_set(job_id, done=done)

    with tempfile.TemporaryFile() as tmp:
        if fmt == "csv":
            for chunk in csv_chunks(cases, progress):
                tmp.write(chunk.encode("utf-8"))
        else:
            write_xlsx(cases, tmp, progress)
        tmp.seek(0)
        path = default_storage.save(f"{EXPORT_DIR}/{job_id}/{export_filename(fmt)}", File(tmp))
    return job_set(job_id, state="done", path=path)


__all__ = ["COLUMNS", "SYNC_XLSX_LIMIT", "csv_chunks", "write_xlsx", "export_queryset", "export_filename",
           "export_job_create", "export_job_run", "job_get", "job_set"]
