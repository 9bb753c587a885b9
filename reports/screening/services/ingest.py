"""Storing posts: from CSV/JSONL files (bad rows reported, never fatal) and from the API (reported by field).

Both are idempotent on (platform, post id) and link each new post to its registered account.
"""
import logging
from dataclasses import dataclass

from django.db import transaction

from cases.models import ElectionPeriod
from reports.screening.models import Account, Post, ScoringRun
from reports.screening.services.common import ScreeningError
from reports.screening.services.rows import ImportResult, LineError, PostFieldError, parse_post_row
from reports.screening.services.runs import enqueue_chunks, scoring_run_create

log = logging.getLogger(__name__)

IMPORT_BATCH = 500


def posts_import(*, rows, election: ElectionPeriod | None = None, progress=None) -> ImportResult:
    """Import (line, row, error) triples; idempotent on (platform, post id); bad rows are reported, never fatal."""
    result = ImportResult()
    elections = {e.slug: e for e in ElectionPeriod.objects.all()}
    batch = []
    for line, row, error in rows:
        if error is None:
            try:
                post = parse_post_row(row, elections)
                post.election = post.election or election
                batch.append(post)
            except ValueError as exc:
                error = str(exc)
        if error is not None:
            result.errors.append(LineError(line, error))
        if progress:
            progress(1)
        if len(batch) >= IMPORT_BATCH:
            _save_posts(batch, result)
            batch = []
    _save_posts(batch, result)
    return result


def _save_posts(batch: list, result: ImportResult) -> None:
    if not batch:
        return
    unique = {}
    for post in batch:
        unique.setdefault((post.platform, post.post_id), post)
    existing = set(Post.objects.filter(post_id__in=[k[1] for k in unique]).values_list("platform", "post_id"))
    new = [p for k, p in unique.items() if k not in existing]
    _link_accounts(new)
    with transaction.atomic():
        created = Post.objects.bulk_create(new, ignore_conflicts=True)  # a parallel import may have won a row
    result.created += len(created)
    result.existing += len(batch) - len(created)


def _link_accounts(posts: list) -> None:
    accounts = {(a.platform, a.handle): a.pk for a in
                Account.objects.filter(handle__in={p.account_handle for p in posts})}
    for post in posts:
        post.account_id = accounts.get((post.platform, post.account_handle))


def _stored_ids(keys) -> dict:
    """(platform, post id) → pk of the stored posts among `keys`."""
    rows = Post.objects.filter(post_id__in={k[1] for k in keys}).values_list("platform", "post_id", "pk")
    return {(platform, post_id): pk for platform, post_id, pk in rows if (platform, post_id) in keys}


@dataclass
class IngestResult:
    """One outcome per input position: ("created" | "duplicate", post pk) or ("rejected", {field: [messages]})."""

    outcomes: list
    run: ScoringRun | None = None


def posts_ingest(*, actor, rows: list) -> IngestResult:
    """Store posts sent through the API, each parsed as an import row (same rules as CSV/JSONL): bad rows are
    reported by field, valid ones saved in one transaction. An existing (platform, post id) is a duplicate and
    is left unchanged; the stored posts not yet scored are queued for batch scoring after commit."""
    elections = {e.slug: e for e in ElectionPeriod.objects.all()}
    parsed = []
    for row in rows:
        try:
            parsed.append(parse_post_row(row, elections))
        except PostFieldError as exc:
            parsed.append({exc.field: [str(exc)]})
    keys = {(p.platform, p.post_id) for p in parsed if isinstance(p, Post)}
    with transaction.atomic():
        existing = _stored_ids(keys)
        new = {}
        for post in parsed:
            if isinstance(post, Post) and (post.platform, post.post_id) not in existing:
                new.setdefault((post.platform, post.post_id), post)
        _link_accounts(list(new.values()))
        Post.objects.bulk_create(new.values(), ignore_conflicts=True)  # a parallel request may have won a row
        stored = _stored_ids(keys)
        result, first = IngestResult(outcomes=[]), set()
        for post in parsed:
            if not isinstance(post, Post):
                result.outcomes.append(("rejected", post))
                continue
            key = (post.platform, post.post_id)
            created = key in new and key not in first
            first.add(key)
            result.outcomes.append(("created" if created else "duplicate", stored[key]))
        result.run = _queue_scoring(actor, sorted(set(stored.values())))
    return result


def _queue_scoring(actor, post_ids: list) -> ScoringRun | None:
    """A scoring run for these posts, sent to the workers after commit; a broker outage loses nothing (the
    chunks stay in the database and a starting worker queues them again), nor does a missing model."""
    try:
        run = scoring_run_create(actor=actor, post_ids=post_ids, enqueue=False) if post_ids else None
    except ScreeningError as exc:
        log.warning("screening: posts stored but not queued for scoring: %s", exc)
        return None
    if run is not None:
        chunk_ids = list(run.chunks.values_list("pk", flat=True))
        transaction.on_commit(lambda: enqueue_chunks(chunk_ids), robust=True)
    return run
