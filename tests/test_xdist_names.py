"""The suite's processes under pytest-xdist share one Redis database: between tests each clears only its own cache
keys and Celery queue (tests/conftest.py clear_cache, tests/xdist_names.py), never the other's."""
from django.conf import settings
from django.core.cache import cache

import tests.conftest


def test_a_worker_clears_its_own_keys_and_queue_and_leaves_the_others(redis_client, monkeypatch):
    monkeypatch.setattr(tests.conftest, "WORKER", tests.conftest.WORKER or "gw0")  # the xdist branch, also in one process
    other_key, other_queue = "kasn-gw9:1:rate-limit", "celery-gw9"
    own_queue = settings.CELERY_TASK_DEFAULT_QUEUE
    cache.set("counter", 3)
    redis_client.rpush(own_queue, "a task no worker took")
    redis_client.set(other_key, 1)
    redis_client.rpush(other_queue, "the other worker's task")
    try:
        tests.conftest.clear_cache()
        assert cache.get("counter") is None and redis_client.llen(own_queue) == 0
        assert redis_client.get(other_key) == b"1" and redis_client.llen(other_queue) == 1
    finally:
        redis_client.delete(other_key, other_queue)
