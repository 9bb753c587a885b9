"""Post files uploaded on the screening pages: checked at once (type, size, encoding, columns), imported by a
worker with progress, all rows or none, then queued for scoring.

A file is read twice by the worker: first every row is checked (the progress bar follows this pass), then, only if
no row is bad, all rows are saved in one transaction. A refused file leaves nothing behind but its row errors.
"""
import csv
import hashlib
import io
from pathlib import Path

from celery import current_app
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import ElectionPeriod
from reports.screening.models import Post, PostUpload, UploadStatus
from reports.screening.services.common import ScreeningError, require_reviewer
from reports.screening.services.ingest import posts_import
from reports.screening.services.rows import PostFieldError, parse_post_row, read_rows
from reports.screening.services.runs import scoring_run_create

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SUFFIXES = (".csv", ".jsonl", ".ndjson")
# Each required column with the spellings the import accepts for it (rows.parse_post_row).
REQUIRED_COLUMNS = (("platform",), ("post_id", "id"), ("account", "account_handle", "handle"), ("text",))
PROGRESS_EVERY = 200
MAX_ERRORS_KEPT = 100
IMPORT_UPLOAD_TASK = "reports.screening.tasks.import_upload_task"


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScreeningError(_("Berkas %(name)s bukan teks UTF-8: byte ke-%(pos)d tidak sah. Simpan ulang berkas "
                               "sebagai UTF-8 lalu unggah lagi.") % {"name": name, "pos": exc.start + 1})


def _check_columns(text: str, name: str) -> None:
    if Path(name).suffix.lower() != ".csv":
        return
    header = next(csv.reader(io.StringIO(text, newline="")), [])
    present = {h.strip() for h in header}
    missing = [spellings[0] for spellings in REQUIRED_COLUMNS if not present & set(spellings)]
    if missing:
        raise ScreeningError(_("Kolom wajib tidak ada: %(missing)s. Kepala kolom berkas: %(found)s. Kolom yang "
                               "dikenal: platform, post_id, account, text, url, posted_at, followers, likes, shares, "
                               "media_ref, election.") % {"missing": ", ".join(missing),
                                                          "found": ", ".join(h for h in header if h) or "-"})


def _rows(upload: PostUpload):
    text = bytes(upload.content).decode("utf-8-sig")
    return read_rows(io.StringIO(text, newline=""), upload.name)


def upload_create(*, actor, name: str, data: bytes, election: ElectionPeriod | None = None) -> PostUpload:
    """Check what can be checked at once and queue the import; ScreeningError says what is wrong with the file."""
    require_reviewer(actor)
    name = Path(name).name[:200]
    if not name.lower().endswith(SUFFIXES):
        raise ScreeningError(_("Berkas %(name)s: gunakan .csv atau .jsonl.") % {"name": name})
    if len(data) > MAX_UPLOAD_BYTES:
        raise ScreeningError(_("Berkas lebih besar dari %(mb)d MB; bagi menjadi beberapa berkas.")
                             % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
    text = _decode(data, name)
    _check_columns(text, name)
    total = sum(1 for _row in read_rows(io.StringIO(text, newline=""), name))
    if not total:
        raise ScreeningError(_("Berkas %(name)s tidak memuat satu unggahan pun.") % {"name": name})
    upload = PostUpload.objects.create(name=name, content=data, sha256=hashlib.sha256(data).hexdigest(),
                                       election=election, total_rows=total, uploaded_by=actor)
    transaction.on_commit(lambda: current_app.signature(IMPORT_UPLOAD_TASK, args=(upload.pk,)).apply_async())
    return upload


def _check_rows(upload: PostUpload) -> tuple[list[str], set]:
    """(row errors, (platform, post id) keys): every row parsed as the import would; progress is written as it
    goes (outside any transaction, so the page polling it sees it)."""
    elections = {e.slug: e for e in ElectionPeriod.objects.all()}
    errors, keys = [], set()
    for done, (line, row, error) in enumerate(_rows(upload), start=1):
        if error is None:
            try:
                post = parse_post_row(row, elections)
                keys.add((post.platform, post.post_id))
            except PostFieldError as exc:
                error = str(exc)
        if error is not None:
            errors.append(_("baris %(line)d: %(message)s") % {"line": line, "message": error})
        if done % PROGRESS_EVERY == 0:
            PostUpload.objects.filter(pk=upload.pk).update(processed_rows=done)
    return errors, keys


def upload_process(*, upload_id: int) -> PostUpload | None:
    """The worker's part: check every row, then save all of them in one transaction and queue their scoring."""
    upload = PostUpload.objects.filter(pk=upload_id, status__in=[UploadStatus.QUEUED, UploadStatus.RUNNING]).first()
    if upload is None:
        return None  # already finished (a redelivered message)
    PostUpload.objects.filter(pk=upload.pk).update(status=UploadStatus.RUNNING, processed_rows=0)
    errors, keys = _check_rows(upload)
    if errors:
        PostUpload.objects.filter(pk=upload.pk).update(
            status=UploadStatus.REFUSED, errors=errors[:MAX_ERRORS_KEPT], processed_rows=upload.total_rows,
            finished_at=timezone.now())
        return PostUpload.objects.get(pk=upload.pk)
    with transaction.atomic():
        result = posts_import(rows=_rows(upload), election=upload.election)
        ids = [pk for platform, post_id, pk in Post.objects.filter(post_id__in={k[1] for k in keys})
               .values_list("platform", "post_id", "pk") if (platform, post_id) in keys]
        try:
            run = scoring_run_create(actor=upload.uploaded_by, post_ids=ids)
        except ScreeningError:
            run = None  # no trained model: the posts are kept and scored by the next run
        PostUpload.objects.filter(pk=upload.pk).update(
            status=UploadStatus.DONE, created=result.created, existing=result.existing, run=run,
            processed_rows=upload.total_rows, finished_at=timezone.now())
    return PostUpload.objects.get(pk=upload.pk)

