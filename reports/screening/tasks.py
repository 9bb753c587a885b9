"""Celery tasks for batch scoring: one task per chunk, acknowledged only after the chunk's transaction commits.

A worker killed mid-chunk rolls the chunk back and the message comes back (acks_late, reject_on_worker_lost);
a worker that restarts queues every unfinished chunk again on its own queue, and a chunk already done is skipped,
so no post is lost and none is scored twice (Score is unique per post and model version).

Only the worker needs this module (and the scoring engine it loads): services.runs and services.uploads send
their tasks by name. An uploaded post file is imported here too (import_upload_task).
"""
import logging
import os
import time

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from cases.models import User
from reports.screening.services.images import READ_IMAGE_TASK, post_image_read
from reports.screening.services.runs import SCORE_CHUNK_TASK, scoring_resume
from reports.screening.services.scoring import chunk_process
from reports.screening.services.training import TRAIN_TASK, model_train
from reports.screening.services.uploads import IMPORT_UPLOAD_TASK, upload_process

log = logging.getLogger(__name__)


def _pause_seconds() -> float:
    """Optional pause after each chunk, to leave CPU to the web server on a small machine."""
    return float(getattr(settings, "SCREENING_CHUNK_PAUSE_SECONDS", os.environ.get("SCREENING_CHUNK_PAUSE_SECONDS", 0)))


@shared_task(name=SCORE_CHUNK_TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def score_chunk_task(chunk_id: int) -> int:
    scored = chunk_process(chunk_id=chunk_id)
    pause = _pause_seconds()
    if pause:
        time.sleep(pause)
    return scored


@shared_task(name=IMPORT_UPLOAD_TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def import_upload_task(upload_id: int) -> None:
    upload_process(upload_id=upload_id)


@shared_task(name=TRAIN_TASK, ignore_result=True)
def train_model_task(actor_id: int | None = None) -> str:
    """Retrain (shipped data + verdicts, with leave-one-election-out figures) and register the version inactive."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return model_train(actor=actor).version


@shared_task(name=READ_IMAGE_TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def read_post_image_task(post_id: int) -> None:
    post_image_read(post_id=post_id)


@worker_ready.connect
def resume_unfinished_runs(sender=None, **kwargs):
    """On start, queue the chunks a dead worker left unfinished (on a queue this worker consumes)."""
    try:
        queues = list(sender.app.amqp.queues.consume_from or {}) if sender is not None else []
        resumed = scoring_resume(queue=queues[0] if queues else None)
        if resumed:
            log.warning("screening: %d unfinished chunk(s) queued again", resumed)
    except Exception:  # a worker must start even if the database is not reachable yet
        log.exception("screening: resuming unfinished runs failed")
