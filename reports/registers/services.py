"""Register import: upload and check a file, save a source's column mapping, dry run, then the worker's import.

The dry run and the import read the file the same way (plan_rows); the import plans again inside its transaction,
so what it writes follows the database as it is then, and every row of the file is written in that one transaction
or none is. New rows go through intake's own report_submit (numbered, scoped, clocked like any report), are marked
with their source (channel «register» and a RegisterEntry) and audited with source and row number.
"""
import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from celery import current_app
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import services as intake
from reports.models import Anonymity, Channel, Report, ReportStatus
from reports.registers.files import RegisterFileError, is_blank, read_table
from reports.registers.models import ImportStatus, RegisterEntry, RegisterImport, RegisterSource, RowAction
from reports.registers.rows import FIELDS_BY_KEY, Resolver, guess_mapping, mapping_problems, parse_row

log = logging.getLogger(__name__)
IMPORT_TASK = "reports.registers.tasks.register_import_task"
PROGRESS_EVERY = 50
UPDATABLE = ("respondent_name", "respondent_nip", "respondent_position", "respondent_agency", "respondent_agency_text",
             "occurred_on", "place", "description")


def _require_admin(actor) -> None:
    if not actor.has_perm("registers.import"):
        raise PermissionDenied(_("Hanya administrator yang dapat mengimpor register."))


# --- upload and mapping --------------------------------------------------------------------------------------

def import_upload(*, actor, source: RegisterSource, election, name: str, data: bytes) -> RegisterImport:
    """Check that the file is a readable table and keep it; RegisterFileError says what is wrong with it."""
    _require_admin(actor)
    name = Path(name).name[:200]
    table = read_table(data, name)
    imp = RegisterImport.objects.create(
        source=source, election=election, name=name, content=data, sha256=hashlib.sha256(data).hexdigest(),
        headers=table.headers, total_rows=sum(1 for _n, values in table.rows if not is_blank(values)),
        uploaded_by=actor)
    if not mapping_problems(guess_mapping(table.headers, source.mapping), table.headers) and source.mapping:
        import_dry_run(actor=actor, register_import=imp)
    return imp


def mapping_save(*, actor, register_import: RegisterImport, mapping: dict) -> RegisterImport:
    """Save the column mapping on the source (used for its next files too), then run the dry run."""
    _require_admin(actor)
    mapping = {k: v for k, v in mapping.items() if k in FIELDS_BY_KEY and v}
    problems = mapping_problems(mapping, register_import.headers)
    if problems:
        raise RegisterFileError(" ".join(problems))
    source = register_import.source
    source.mapping, source.mapping_updated_at, source.mapping_updated_by = mapping, timezone.now(), actor
    source.save(update_fields=["mapping", "mapping_updated_at", "mapping_updated_by"])
    return import_dry_run(actor=actor, register_import=register_import)


# --- the plan: what each row would do -------------------------------------------------------------------------

@dataclass
class PlannedRow:
    row: object  # rows.ParsedRow
    action: str
    report_id: int | None = None  # the report updated or joined
    into_row: int | None = None  # a row earlier in this file that creates the report this one joins
    entry: RegisterEntry | None = None

    def as_json(self) -> dict:
        f = self.row.fields
        return {"row": self.row.number, "action": self.action, "reference": self.row.reference,
                "respondent": f.get("respondent_name", ""), "nip": f.get("respondent_nip", ""),
                "region": f["region"].name if f.get("region") else "",
                "occurred_on": f["occurred_on"].strftime("%d-%m-%Y") if f.get("occurred_on") else "",
                "report": self.report_id, "into_row": self.into_row,
                "errors": [{"field": str(FIELDS_BY_KEY[k].label), "message": m} for k, m in self.row.errors]}


def _parsed_rows(imp: RegisterImport):
    table = read_table(bytes(imp.content), imp.name)
    resolver, today, mapping = Resolver(), timezone.localdate(), imp.source.mapping
    return [parse_row(number, values, mapping, resolver, today) for number, values in table.rows
            if not is_blank(values)]


def _matches(imp: RegisterImport, rows) -> dict:
    """Reports of this election already holding a row's respondent NIP, incident date and region (oldest first);
    then reports registered into a case that has them (the case's respondent, incident date and region: the report
    itself may lack the NIP, e.g. a citizen who did not know it). A row joins the report; through it, the case."""
    nips = {r.fields["respondent_nip"] for r in rows if r.match_key}
    found = {}
    live = Report.objects.exclude(status=ReportStatus.MERGED).order_by("id")
    by_report = live.filter(election=imp.election, respondent_nip__in=nips, occurred_on__isnull=False).values_list(
        "pk", "respondent_nip", "occurred_on", "region_code")
    by_case = live.filter(case__election=imp.election, case__tracks__respondent__nip__in=nips,
                          case__occurred_on__isnull=False).values_list(
        "pk", "case__tracks__respondent__nip", "case__occurred_on", "case__region_code")
    for qs in (by_report, by_case):
        for pk, nip, occurred, region in qs:
            found.setdefault((nip, occurred, region), pk)
    return found


def _plan_one(row, entries, matches, seen_refs, created_keys, locked) -> PlannedRow:
    if row.reference and row.reference in seen_refs:
        row.errors.append(("reference", _("nomor %(ref)s sudah dipakai baris %(row)d berkas ini.")
                           % {"ref": row.reference, "row": seen_refs[row.reference]}))
    if row.errors:
        return PlannedRow(row, RowAction.REJECT)
    seen_refs[row.reference] = row.number
    entry = entries.get(row.reference)
    if entry is not None:
        if entry.row_hash == row.row_hash:
            return PlannedRow(row, RowAction.UNCHANGED, report_id=entry.report_id, entry=entry)
        if entry.created_report and entry.report_id in locked:
            row.errors.append(("reference", _("laporan dari baris ini sudah dikaji petugas; perubahannya tidak "
                                              "diterapkan. Ubah langsung di sistem bila perlu.")))
            return PlannedRow(row, RowAction.REJECT, report_id=entry.report_id)
        return PlannedRow(row, RowAction.UPDATE, report_id=entry.report_id, entry=entry)
    key = row.match_key
    if key in matches:
        return PlannedRow(row, RowAction.MERGE, report_id=matches[key])
    if key in created_keys:
        return PlannedRow(row, RowAction.MERGE, into_row=created_keys[key])
    if key:
        created_keys[key] = row.number
    return PlannedRow(row, RowAction.CREATE)


def plan_rows(imp: RegisterImport) -> list[PlannedRow]:
    rows = _parsed_rows(imp)
    entries = {e.reference: e for e in RegisterEntry.objects.filter(
        source=imp.source, reference__in=[r.reference for r in rows if r.reference])}
    checkable = ReportStatus.checkable()
    locked = set(Report.objects.filter(pk__in=[e.report_id for e in entries.values()])
                 .exclude(status__in=checkable).values_list("pk", flat=True))
    matches, seen_refs, created_keys = _matches(imp, rows), {}, {}
    return [_plan_one(row, entries, matches, seen_refs, created_keys, locked) for row in rows]


def _counts(plan) -> dict:
    counts = {action.value: 0 for action in RowAction}
    for p in plan:
        counts[p.action] += 1
    return counts


def import_dry_run(*, actor, register_import: RegisterImport) -> RegisterImport:
    """What the import would do, row by row; writes nothing but this import's plan."""
    _require_admin(actor)
    imp = register_import
    if imp.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKED):
        return imp
    plan = plan_rows(imp)
    imp.plan, imp.counts, imp.status = [p.as_json() for p in plan], _counts(plan), ImportStatus.CHECKED
    imp.save(update_fields=["plan", "counts", "status"])
    return imp


def import_start(*, actor, register_import: RegisterImport) -> RegisterImport:
    """After the dry run: queue the import for a worker (a second click queues nothing more)."""
    _require_admin(actor)
    with transaction.atomic():
        imp = RegisterImport.objects.select_for_update().get(pk=register_import.pk)
        if imp.status != ImportStatus.CHECKED:
            return imp
        imp.status, imp.processed_rows = ImportStatus.QUEUED, 0
        imp.save(update_fields=["status", "processed_rows"])
        transaction.on_commit(lambda: current_app.signature(IMPORT_TASK, args=(imp.pk,)).apply_async())
    return imp


# --- the worker's part ---------------------------------------------------------------------------------------

def progress_key(pk: int) -> str:
    return f"registers:import:{pk}:processed"


def processed_rows(imp: RegisterImport) -> int:
    """Rows done so far: the running transaction cannot show them, so the worker writes them to the cache too."""
    if imp.status == ImportStatus.RUNNING:
        return cache.get(progress_key(imp.pk)) or imp.processed_rows
    return imp.processed_rows


def _received_at(day: dt.date | None):
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))  # midday: the day stays the day everywhere


def _audit(report, imp, planned, code, **extra):
    intake.event_record(report=report, code=code, actor=imp.uploaded_by, payload={
        "source": imp.source.code, "reference": planned.row.reference, "row": planned.row.number,
        "import": imp.pk, "file_sha256": imp.sha256, **extra})


def _create(imp, planned) -> Report:
    row = planned.row
    report = intake.report_submit(
        fields={**row.fields, "election": imp.election}, anonymity=Anonymity.NAMED, pin=None,
        reporter={"name": row.reporter_name} if row.reporter_name else None, actor=imp.uploaded_by,
        channel=Channel.REGISTER, kind=row.kind, received_at=_received_at(row.received_on))
    # The source gave its own receipt: this system issues none for a report it did not receive.
    Report.objects.filter(pk=report.pk).update(receipt_due=False)
    _audit(report, imp, planned, "report.imported")
    return report


def _update(imp, planned) -> None:
    entry = planned.entry
    report = Report.objects.select_for_update().get(pk=entry.report_id)
    changed = []
    if entry.created_report:
        for name in UPDATABLE:
            if getattr(report, name) != planned.row.fields[name]:
                setattr(report, name, planned.row.fields[name])
                changed.append(name)
        if changed:
            report.save(update_fields=[*changed, "updated_at"])
    _audit(report, imp, planned, "report.import.updated", fields=changed)
    entry.row_hash, entry.row_number, entry.register_import, entry.updated_at = (
        planned.row.row_hash, planned.row.number, imp, timezone.now())
    entry.save(update_fields=["row_hash", "row_number", "register_import", "updated_at"])


def _apply(imp, planned, created_by_row) -> None:
    row = planned.row
    if planned.action == RowAction.CREATE:
        report = _create(imp, planned)
        created_by_row[row.number] = report.pk
        RegisterEntry.objects.create(source=imp.source, reference=row.reference, report=report, created_report=True,
                                     row_hash=row.row_hash, row_number=row.number, register_import=imp)
    elif planned.action == RowAction.MERGE:
        report_id = planned.report_id or created_by_row[planned.into_row]
        report = Report.objects.get(pk=report_id)
        RegisterEntry.objects.create(source=imp.source, reference=row.reference, report=report, created_report=False,
                                     row_hash=row.row_hash, row_number=row.number, register_import=imp)
        _audit(report, imp, planned, "report.import.matched")
    elif planned.action == RowAction.UPDATE:
        _update(imp, planned)


def _lock_source(source: RegisterSource) -> None:
    """One import per source at a time: two files of one source must not both create the same reference."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7207, source.pk])


def import_run(*, register_import_id: int) -> RegisterImport | None:
    """The worker's part: plan again and write every row in one transaction; a failure writes nothing."""
    claimed = RegisterImport.objects.filter(pk=register_import_id, status__in=[ImportStatus.QUEUED,
                                                                               ImportStatus.RUNNING])
    if not claimed.update(status=ImportStatus.RUNNING, processed_rows=0):
        return None  # already finished (a redelivered message)
    imp = RegisterImport.objects.select_related("source", "election", "uploaded_by").get(pk=register_import_id)
    try:
        with transaction.atomic():
            _lock_source(imp.source)
            plan = plan_rows(imp)
            created_by_row = {}
            for done, planned in enumerate(plan, start=1):
                _apply(imp, planned, created_by_row)
                if done % PROGRESS_EVERY == 0:
                    cache.set(progress_key(imp.pk), done, timeout=3600)
            RegisterImport.objects.filter(pk=imp.pk).update(
                status=ImportStatus.DONE, plan=[p.as_json() for p in plan], counts=_counts(plan), content=b"",
                processed_rows=len(plan), finished_at=timezone.now())
    except Exception as exc:  # the transaction rolled back: say so on the page, keep the file for another try
        log.exception("register import %s failed; nothing was saved", imp.pk)
        RegisterImport.objects.filter(pk=imp.pk).update(
            status=ImportStatus.FAILED, finished_at=timezone.now(),
            error=_("Impor gagal dan dibatalkan seluruhnya; tidak ada baris yang disimpan (%(why)s).")
            % {"why": type(exc).__name__})
    cache.delete(progress_key(imp.pk))
    return RegisterImport.objects.get(pk=imp.pk)
