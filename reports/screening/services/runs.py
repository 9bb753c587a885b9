"""Scoring runs: the posts the active model has not scored, split into chunks that the workers score, and
how far a run has got.

Chunks are sent to the workers by task name (Celery's signature falls back to send_task when the task is not
registered in this process), so the web process that creates a run never imports tasks.py and, through it, the
scoring engine and scikit-learn (measured: +5 s and +100 MB at the start of every web process on this machine).
"""
from celery import current_app
from django.db import transaction
from django.db.models import Count, Q

from cases.models import ElectionPeriod
from reports.screening.models import Post, RunStatus, ScoringChunk, ScoringRun
from reports.screening.services.versions import model_version_active

DEFAULT_CHUNK_SIZE = 200
SCORE_CHUNK_TASK = "reports.screening.tasks.score_chunk_task"


def scoring_run_create(*, actor=None, election: ElectionPeriod | None = None, post_ids=None,
                       chunk_size: int = DEFAULT_CHUNK_SIZE, enqueue: bool = True) -> ScoringRun | None:
    """Split the posts the active model has not scored into chunks and queue one task per chunk."""
    mv = model_version_active()
    qs = Post.objects.exclude(scores__model_version=mv)
    if election is not None:
        qs = qs.filter(election=election)
    if post_ids is not None:
        qs = qs.filter(pk__in=post_ids)
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return None
    with transaction.atomic():
        run = ScoringRun.objects.create(model_version=mv, election=election, total_posts=len(ids), created_by=actor)
        ScoringChunk.objects.bulk_create([ScoringChunk(run=run, seq=i, post_ids=ids[s:s + chunk_size])
                                          for i, s in enumerate(range(0, len(ids), chunk_size))])
        if enqueue:
            transaction.on_commit(lambda: enqueue_chunks(run.chunks.values_list("pk", flat=True)))
    return run


def run_progress(run: ScoringRun) -> dict:
    chunks = run.chunks.aggregate(total=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
    percent = int(100 * chunks["done"] / chunks["total"]) if chunks["total"] else 100
    return {"state": run.status, "percent": percent, "chunks_done": chunks["done"], "chunks": chunks["total"],
            "posts": run.total_posts}


def enqueue_chunks(chunk_ids, queue: str | None = None) -> None:
    options = {"queue": queue} if queue else {}
    for pk in chunk_ids:
        current_app.signature(SCORE_CHUNK_TASK, args=(pk,)).apply_async(**options)


def scoring_resume(queue: str | None = None) -> int:
    """Queue again every unfinished chunk (after a worker restart; a chunk done meanwhile is skipped)."""
    ids = list(ScoringChunk.objects.filter(done_at__isnull=True, run__status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
               .values_list("pk", flat=True))
    enqueue_chunks(ids, queue)
    return len(ids)
