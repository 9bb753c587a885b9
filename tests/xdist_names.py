"""Per-process names for what the suite's processes share besides the database, when pytest-xdist runs it in
several (make test: -n 2).

Loaded with `-p tests.xdist_names` (pytest.ini), so it runs before pytest-django reads the settings: the settings
and every process a test starts (Celery workers, gunicorn) take these names from the environment. pytest-django
already gives each xdist worker its own test database (test_<name>_gw0, ...); RabbitMQ tests make a virtual host
per test (tests/brokers.py). Redis is one database for all of them, so each xdist worker gets a cache key prefix
and a Celery queue of its own, and clears only those between tests (tests/conftest.py, clear_own_redis_keys).
Without xdist nothing changes.
"""
import os

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

if WORKER:
    os.environ["CACHE_PREFIX"] = f"{os.environ.get('CACHE_PREFIX', 'kasn')}-{WORKER}"
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = f"{os.environ.get('CELERY_TASK_DEFAULT_QUEUE', 'celery')}-{WORKER}"
