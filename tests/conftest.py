"""Shared fixtures: reference data loaded once, one user per role, service checks."""
import os

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm
from django.core.management import call_command
from django.test import Client

from cases.models import Agency, Region, Role
from tests.factories import UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # tests/xdist_names.py


def _force_login_both_steps(self, user, backend=None):
    """force_login skips the password; the second step is still passed, with a real code (tests/otp_support.py)."""
    from tests.otp_support import pass_second_step

    _force_login(self, user, backend)
    pass_second_step(self, user)


_force_login = Client.force_login
Client.force_login = _force_login_both_steps

# PBKDF2 at a thousandth of production's iterations for the users tests create and sign in (tests/hashers.py), in
# place of Django's own (which would ask to re-hash each test password on sign-in).
settings.PASSWORD_HASHERS = ["tests.hashers.TestPBKDF2PasswordHasher" if h.endswith(".PBKDF2PasswordHasher") else h
                             for h in settings.PASSWORD_HASHERS]
get_hashers.cache_clear(), get_hashers_by_algorithm.cache_clear()


def require_service(name: str, available: bool):
    """Skip when a service is missing locally; fail when CI says services are required."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{name} is required (REQUIRE_SERVICES=1) but not reachable")
    pytest.skip(f"{name} not reachable")


@pytest.fixture(scope="session", autouse=True)
def letter_signing_test_ca(tmp_path_factory):
    """Letters are signed by a TEST certification authority of this run, under a temp dir (a worker started by a
    test reads the same directory from the environment)."""
    from django.conf import settings

    directory = tmp_path_factory.mktemp("pki")
    os.environ["LETTER_SIGNING_DIR"] = str(directory)
    settings.LETTER_SIGNING_DIR, settings.LETTER_SIGNING_TEST_CA = directory, True
    return directory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)
        snapshot_reference()
    yield
    with django_db_blocker.unblock():
        report_lingering_connections()


def report_lingering_connections():
    """Before the test database is dropped, name any other session still connected to it (CI runs warned "database
    test_kasn_ci_gw1 is being accessed by other users" at teardown): its client port, age and last statement, so
    the test that left it open can be found. A warning, so that pytest-xdist relays it from its worker to the
    run's warnings summary (a worker's stderr is not shown)."""
    import warnings

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid, client_port, backend_start, state, left(query, 160) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        rows = cursor.fetchall()
    for pid, port, started, state, query in rows:
        warnings.warn(f"[conftest] {WORKER or 'main'}: a session is still connected to the test database at "
                      f"teardown: pid {pid}, client port {port}, since {started:%H:%M:%S}, {state}, last: {query!r}",
                      stacklevel=1)


@pytest.fixture
def redis_client():
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        client.ping()
        ok = True
    except redis.RedisError:
        ok = False
    require_service("Redis", ok)
    return client


def _user(role, agency_code, region_code, **kw):
    return UserFactory(roles=[role], agency=Agency.objects.get(code=agency_code),
                       region=Region.objects.get(code=region_code), **kw)


@pytest.fixture
def bawaslu_officer(db):
    """Bawaslu officer of Kabupaten Cilacap (33.01)."""
    return _user(Role.BAWASLU, "BAWASLU-33.01", "33.01", username="bawaslu_cilacap")


@pytest.fixture
def bawaslu_other_regency(db):
    return _user(Role.BAWASLU, "BAWASLU-33.02", "33.02", username="bawaslu_banyumas")


@pytest.fixture
def bawaslu_province(db):
    return _user(Role.BAWASLU, "BAWASLU-33", "33", username="bawaslu_jateng")


@pytest.fixture
def supervisor_analyst(db):
    return _user(Role.ANALYST, "BKN", "00", username="analis")


@pytest.fixture
def supervisor_approver(db):
    return _user(Role.APPROVER, "BKN", "00", username="penyetuju")


@pytest.fixture
def ppk_liaison(db):
    return _user(Role.PPK_LIAISON, "PEMKAB-33.01", "33.01", username="ppk_cilacap")


@pytest.fixture
def bkn_officer(db):
    return _user(Role.BKN, "BKN", "00", username="bkn")


@pytest.fixture
def kemendagri_officer(db):
    return _user(Role.KEMENDAGRI, "KEMENDAGRI", "00", username="kemendagri")


@pytest.fixture
def kemenpanrb_officer(db):
    return _user(Role.KEMENPANRB, "KEMENPANRB", "00", username="kemenpanrb")


@pytest.fixture
def screening_reviewer(db):
    return _user(Role.SCREENING, "BKN", "00", username="peninjau")


@pytest.fixture
def auditor(db):
    return _user(Role.AUDITOR, "BAWASLU-33", "33", username="auditor")


@pytest.fixture
def administrator(db):
    return _user(Role.ADMIN, "BKN", "00", username="admin_uji", is_staff=True, is_superuser=True)


def _reference_present():
    from django.contrib.auth.models import Group

    return Region.objects.exists() and Group.objects.filter(name=Role.BAWASLU).exists()


# The rows migrate + load_reference left in the tables a flush empties, copied out of PostgreSQL once per run (binary
# COPY) and copied back after each flush: a tenth of a second instead of the 3-4 s of load_reference, which ran after
# each of about 35 transactional tests. Content types and permissions are left out: the flush's post_migrate puts
# them back itself.
_reference_rows: dict[str, bytes] = {}
_REFILLED_BY_FLUSH = {"django_content_type", "auth_permission"}


def _table_has_rows(cursor, table: str) -> bool:
    from django.db import connection

    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")
    return cursor.fetchone()[0]


def snapshot_reference():
    from django.db import connection

    _reference_rows.clear()
    tables = set(connection.introspection.django_table_names(only_existing=True, include_views=False))
    with connection.cursor() as cursor:
        for table in sorted(tables - _REFILLED_BY_FLUSH):
            if _table_has_rows(cursor, table):
                with cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT (FORMAT binary)") as copy:
                    _reference_rows[table] = b"".join(bytes(block) for block in copy)


def _copy_reference_back() -> None:
    """Put the snapshot's rows, ids included, into the tables that are empty, and move those tables' id sequences
    past them (a test may have reset the sequences)."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection, transaction

    restored = set()
    with transaction.atomic(), connection.cursor() as cursor:  # foreign keys are checked at commit, order is free
        for table, rows in _reference_rows.items():
            if not _table_has_rows(cursor, table):
                with cursor.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN (FORMAT binary)") as copy:
                    copy.write(rows)
                restored.add(table)
        models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in restored]
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def restore_reference():
    """Reference data and role groups, as after migrate + load_reference."""
    from django.contrib.auth.models import Group

    if not Region.objects.exists():
        if _reference_rows:
            _copy_reference_back()
        else:
            call_command("load_reference", verbosity=0)
    for role in Role.values:
        Group.objects.get_or_create(name=role)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test's flush empties every table: put reference data back for the next test."""
    yield
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in names or "live_server" in names or (
        marker is not None and marker.kwargs.get("transaction"))
    if not transactional or nextitem is None:  # after the last test the test database is already gone
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        if not _reference_present():
            restore_reference()


def reset_celery_connections():
    """Fresh broker connections for the in-process Celery app.

    A test that points the app at another broker closes its pools; kombu keeps
    producer pools in a global registry, so drop those too before sending tasks.
    """
    import kombu.pools

    from kasn_cases.celery import app

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


def clear_cache() -> None:
    """Empty the cache and drop the Celery messages no worker took. One process: cache.clear() (FLUSHDB). Under
    xdist the other worker's keys share the Redis database, so only this worker's are deleted: its cache prefix
    and its Celery queue (tests/xdist_names.py)."""
    import redis
    from django.conf import settings
    from django.core.cache import cache

    if not WORKER:
        cache.clear()
        return
    client, queue = redis.Redis.from_url(settings.REDIS_URL), settings.CELERY_TASK_DEFAULT_QUEUE
    for pattern in (f"{cache.key_prefix}:*", queue, f"{queue}\x06\x16*"):  # kombu's priority queues: name + sep
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
    client.close()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters, cached totals and dashboards must not leak between tests (or runs sharing Redis)."""
    try:
        clear_cache()
    except Exception:  # a test about a missing Redis reports that itself
        pass


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a page requested in English activates English for the thread (as
    Django's LocaleMiddleware does), and a service test run after it would otherwise build English messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
