"""A real Celery worker scoring a 500-post batch is killed (SIGKILL) twice — its pool child, then the whole worker —
and restarted: every post ends up scored exactly once. On Redis and on RabbitMQ (the production broker), each on a
queue or virtual host of its own."""
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

import psutil
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from kasn_cases.celery import app as celery_app
from reports.screening.services.runs import scoring_run_create
from reports.screening.models import Post, Score, ScoringRun
from tests.brokers import broker_kind, celery_broker, rabbitmq_vhost  # noqa: F401 (broker_kind is a fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.reliability]
ROOT = Path(__file__).resolve().parents[1]
N_POSTS = 500
TEMPLATES = [
    "Ayo coblos nomor 2, menang satu putaran! pesan ke-{i}",
    "Dukung terus paslon 01, pasti menang! catatan {i}",
    "Pagi ini hujan deras, jangan lupa bawa payung, hari ke-{i}",
    "Rapat dinas membahas anggaran sekolah nomor {i}",
]


def _database_url() -> str:
    d = connection.settings_dict
    host = d.get("OPTIONS", {}).get("host")
    netloc = f"{urllib.parse.quote(d['USER'])}:{urllib.parse.quote(d['PASSWORD'] or '')}@{d['HOST'] or ''}"
    netloc += f":{d['PORT']}" if d["PORT"] else ""
    return f"postgresql://{netloc}/{d['NAME']}" + (f"?host={host}" if host else "")


class Worker:
    """`celery -A kasn_cases worker -P prefork -c 1` on a queue of its own, in its own process group."""

    def __init__(self, queue, log_path, broker_url=None):
        self.queue, self.log_path = queue, log_path
        self.env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL,
                    "CELERY_BROKER_URL": broker_url or settings.CELERY_BROKER_URL,
                    "DJANGO_SETTINGS_MODULE": "kasn_cases.settings", "PYTHONPATH": str(ROOT),
                    # a short pause after each chunk so the kill lands mid-batch, not after it
                    "SCREENING_CHUNK_PAUSE_SECONDS": "0.1"}
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "kasn_cases", "worker", "-P", "prefork", "-c", "1", "-Q", self.queue,
             "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING"],
            cwd=ROOT, env=self.env, stdout=self.log_path.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""

    def pool_child(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            children = psutil.Process(self.proc.pid).children()
            if children:
                return children[0]
            time.sleep(0.1)
        raise AssertionError("the worker started no pool process")

    def kill_all(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=20)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.kill_all()


def scored() -> int:
    return Score.objects.count()


def wait_for(predicate, what, worker, limit=240):
    deadline = time.monotonic() + limit  # a guard against a hung worker, not a timing assertion
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what} (scored {scored()} of {N_POSTS})\n{worker.log_tail()}")


@pytest.fixture
def worker(redis_client, tmp_path, broker_kind):
    queue = f"screening-test-{uuid.uuid4().hex[:8]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    with contextlib.ExitStack() as stack:
        url = settings.CELERY_BROKER_URL if broker_kind == "redis" else stack.enter_context(rabbitmq_vhost())
        stack.enter_context(celery_broker(url))  # this process queues the chunks there too
        w = Worker(queue, tmp_path / "worker.log", broker_url=url)
        try:
            yield w
        finally:
            celery_app.conf.task_default_queue = previous
            w.stop()
            redis_client.delete(queue)


def test_killed_worker_loses_no_post_and_scores_none_twice(worker):
    call_command("screening_load_lexicon", verbosity=0)
    Post.objects.bulk_create([
        Post(platform="x", post_id=str(i), account_handle=f"akun{i % 37}", text=TEMPLATES[i % 4].format(i=i),
             sha256=f"{i:064d}") for i in range(N_POSTS)])
    worker.start()
    run = scoring_run_create(chunk_size=10)  # 50 chunks, queued on commit
    assert run.total_posts == N_POSTS

    # 1. the pool process dies mid-chunk: the parent rejects the message back to the queue (reject_on_worker_lost)
    wait_for(lambda: scored() >= 50, "the first chunks", worker)
    worker.pool_child().send_signal(signal.SIGKILL)
    wait_for(lambda: scored() >= 150, "progress after the pool process was killed", worker)

    # 2. the whole worker dies: unacknowledged chunks stay unfinished in the database
    worker.kill_all()
    at_kill = scored()
    assert 150 <= at_kill < N_POSTS, "the kill must land in the middle of the batch"

    # 3. a restarted worker queues the unfinished chunks again and finishes the batch
    worker.start()
    wait_for(lambda: ScoringRun.objects.get(pk=run.pk).status == "done", "the batch to finish", worker)
    assert scored() == N_POSTS
    per_post = Score.objects.values("post_id").annotate(n=Count("id"))
    assert {row["n"] for row in per_post} == {1} and per_post.count() == N_POSTS
    assert not run.chunks.filter(done_at__isnull=True).exists()
    assert sum(run.chunks.values_list("scored", flat=True)) == N_POSTS  # no chunk counted a post another had scored
    assert Score.objects.filter(post__text__startswith="Ayo coblos", label="partisan").exists()
