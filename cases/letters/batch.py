"""Batch printing: many issued letters -> one merged PDF or a ZIP in private storage, with progress and cancel.

The stored bytes of each letter are printed as issued (never re-rendered: the hash must keep matching).
A letter whose stored PDF is damaged (hash mismatch, unreadable) is reported and skipped; the rest print.
Progress lives in the Django cache so the browser, the task and the management command share one record.
"""
import datetime as dt
import hashlib
import io
import re
import time
import uuid
import zipfile
from dataclasses import dataclass, field

from celery import shared_task
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Letter

FORMATS = ("pdf", "zip")
STATE_TTL = 24 * 3600
CHUNK = 50


@dataclass
class BatchResult:
    content: bytes = b""
    printed: int = 0
    pages: int = 0
    failures: list = field(default_factory=list)
    cancelled: bool = False


# --- selection ------------------------------------------------------------------------------------------------

def letters_for_batch(*, cases=None, kind=None, day: dt.date | None = None, case_ids=None, letters=None):
    """Issued, non-void letters, oldest first: of a queryset of cases (already scoped by the caller), of
    case ids, of one kind, issued on one day (e.g. "all recommendations of 24 November 2026"); among `letters`
    (the letters the user may read, cases.selectors.letters_visible_to) when given."""
    qs = (Letter.objects.all() if letters is None else letters).filter(void=False).defer("pdf")
    if cases is not None:
        qs = qs.filter(case__in=cases.values("pk"))
    if case_ids:
        qs = qs.filter(case_id__in=list(case_ids))
    if kind:
        qs = qs.filter(kind=kind)
    if day:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        qs = qs.filter(issued_at__gte=start, issued_at__lt=start + dt.timedelta(days=1))
    return qs.order_by("issued_at", "id")


# --- building -------------------------------------------------------------------------------------------------

def _file_name(letter) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", f"{letter.kind}_{letter.number}")[:120] + ".pdf"


def _checked_pdf(letter) -> bytes:
    pdf = bytes(letter.pdf)
    if hashlib.sha256(pdf).hexdigest() != letter.sha256:
        raise ValueError(_("isi PDF tersimpan tidak cocok dengan SHA-256 yang dicatat"))
    return pdf


def batch_build(letter_ids, fmt="pdf", *, progress=None, cancelled=None) -> BatchResult:
    """Merge (pdf) or pack (zip) the letters; `progress(done, total)` after each, `cancelled()` polled."""
    from pypdf import PdfReader, PdfWriter  # heavy: loaded only when a batch is merged, not by every worker

    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    ids = list(letter_ids)
    result, total = BatchResult(), len(ids)
    writer = PdfWriter() if fmt == "pdf" else None
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) if fmt == "zip" else None
    done = 0
    for start in range(0, total, CHUNK):
        rows = {lt.pk: lt for lt in Letter.objects.filter(pk__in=ids[start:start + CHUNK])}
        for pk in ids[start:start + CHUNK]:
            if cancelled and cancelled():
                result.cancelled = True
                break
            letter = rows.get(pk)
            try:
                if letter is None:
                    raise ValueError(_("surat tidak ditemukan"))
                pdf = _checked_pdf(letter)
                pages = len(PdfReader(io.BytesIO(pdf)).pages)
                if writer is not None:
                    writer.append(io.BytesIO(pdf))
                else:
                    archive.writestr(_file_name(letter), pdf)
                result.printed += 1
                result.pages += pages
            except Exception as exc:  # one damaged letter is reported; the others still print
                result.failures.append({"letter": pk, "number": getattr(letter, "number", ""), "error": str(exc)[:200]})
            done += 1
            if progress:
                progress(done, total)
        if result.cancelled:
            break
    if archive is not None:
        if result.failures:
            archive.writestr("GAGAL.txt", "\n".join(f"{f['number'] or f['letter']}: {f['error']}" for f in result.failures))
        archive.close()
        result.content = buffer.getvalue()
    elif result.printed:
        writer.write(buffer)
        result.content = buffer.getvalue()
    return result


# --- progress record ------------------------------------------------------------------------------------------

def _key(batch_id):
    return f"letters:batch:{batch_id}"


def batch_state(batch_id) -> dict | None:
    return cache.get(_key(batch_id))


def _save_state(batch_id, **changes) -> dict:
    state = batch_state(batch_id) or {}
    state.update(changes)
    cache.set(_key(batch_id), state, STATE_TTL)
    return state


def batch_start(*, actor, letter_ids, fmt="pdf") -> str:
    """Record a queued batch and hand it to a worker after commit; returns the batch id."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    ids = [int(pk) for pk in letter_ids]
    batch_id = uuid.uuid4().hex
    _save_state(batch_id, id=batch_id, owner=getattr(actor, "pk", None), state="queued", format=fmt, total=len(ids),
                done=0, printed=0, percent=0, eta_seconds=None, failures=[], file=None, started=time.time())
    transaction.on_commit(lambda: print_letters_task.delay(batch_id, ids, fmt))
    return batch_id


@shared_task(acks_late=True, name="cases.letters.tasks.print_letters_task")  # the name queued messages carry
def print_letters_task(batch_id, letter_ids, fmt="pdf"):
    state = batch_run(batch_id, letter_ids, fmt)
    return {"state": state.get("state"), "printed": state.get("printed"), "failures": len(state.get("failures") or [])}


def batch_cancel(batch_id) -> None:
    cache.set(_key(batch_id) + ":cancel", True, STATE_TTL)
    state = batch_state(batch_id)
    if state and state.get("state") == "queued":
        _save_state(batch_id, state="cancelled")


def batch_is_cancelled(batch_id) -> bool:
    return bool(cache.get(_key(batch_id) + ":cancel"))


def batch_run(batch_id, letter_ids, fmt) -> dict:
    """The worker's side: build, store in private storage, and keep the progress record current."""
    if batch_is_cancelled(batch_id):
        return _save_state(batch_id, state="cancelled")
    began = time.monotonic()
    _save_state(batch_id, state="running", total=len(letter_ids))

    def progress(done, total):
        elapsed = time.monotonic() - began
        eta = round(elapsed / done * (total - done), 1) if done else None
        _save_state(batch_id, done=done, percent=int(done * 100 / total) if total else 100, eta_seconds=eta)

    result = batch_build(letter_ids, fmt, progress=progress, cancelled=lambda: batch_is_cancelled(batch_id))
    path = None
    if result.content and not result.cancelled:
        path = default_storage.save(f"letters/batches/{batch_id}.{fmt}", ContentFile(result.content))
    final = "cancelled" if result.cancelled else ("done" if path else "failed")
    return _save_state(batch_id, state=final, printed=result.printed, pages=result.pages, failures=result.failures,
                       file=path, percent=100 if final == "done" else (batch_state(batch_id) or {}).get("percent", 0),
                       eta_seconds=0 if final == "done" else None)
