"""The per-request connection check (kasn_cases.db): a connection the server ended is replaced before the request
uses it, and a healthy one is reused without a statement sent to ask."""
import json
import tempfile
import time

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django import db as django_db
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory

from cases.api.auth import api_token_issue
from cases.models import Agency, Role
from kasn_cases.settings import prepare_threshold

pytestmark = pytest.mark.django_db(transaction=True)


def wsgi_get(path: str, key: str) -> tuple[str, dict]:
    """One request through Django's WSGI handler, as gunicorn calls it: request_started closes or flags old
    connections (the test client leaves that step out)."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET", HTTP_AUTHORIZATION=f"Token {key}",
                                             HTTP_HOST="testserver")
    status = []
    response = WSGIHandler()(environ, lambda s, headers, exc_info=None: status.append(s))
    try:
        body = b"".join(response)
    finally:
        response.close()  # request_finished: Django keeps the connection (CONN_MAX_AGE) for the next request
    return status[0], json.loads(body)


@pytest.fixture
def key():
    _token, key = api_token_issue(actor=None, name="klien uji koneksi", agency=Agency.objects.get(code="BAWASLU-33.01"),
                                  role=Role.BAWASLU)
    return key


def backend_pid() -> int:
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def test_a_connection_the_server_ended_is_replaced_before_the_next_request(key, settings):
    status, _body = wsgi_get("/api/v1/elections/", key)
    assert status.startswith("200")
    old_pid = backend_pid()
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k not in ("cursor_factory", "context")},
                         autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [old_pid]).fetchone()[0] is True
    deadline = time.monotonic() + 5  # PostgreSQL ends the backend asynchronously
    while time.monotonic() < deadline and connection.is_usable():
        time.sleep(0.02)

    status, body = wsgi_get("/api/v1/elections/", key)

    assert status.startswith("200"), body  # not the 503 "database unavailable" answer
    assert any(e["slug"] == "pilkada-2024" for e in body["results"])
    assert backend_pid() != old_pid


def test_a_healthy_connection_is_reused_without_asking_the_server(key):
    assert wsgi_get("/api/v1/elections/", key)[0].startswith("200")
    pid = backend_pid()
    with tempfile.TemporaryFile() as trace:  # libpq's protocol trace: every message sent to the server
        connection.connection.pgconn.trace(trace.fileno())
        try:
            assert connection.is_usable()
        finally:
            connection.connection.pgconn.untrace()
        trace.seek(0)
        assert trace.read() == b""  # no SELECT 1
    assert wsgi_get("/api/v1/elections/", key)[0].startswith("200")
    assert backend_pid() == pid


def test_a_connection_left_in_a_failed_transaction_is_not_taken_as_usable():
    connection.ensure_connection()
    raw = connection.connection
    raw.execute("BEGIN")
    with pytest.raises(psycopg.errors.DivisionByZero):
        raw.execute("SELECT 1 / 0")
    try:
        assert not connection.is_usable()  # as Django's own check: SELECT 1 fails in an aborted transaction
    finally:
        raw.execute("ROLLBACK")
    assert connection.is_usable()


@pytest.mark.parametrize("in_transaction", [False, True])
def test_a_prepared_query_survives_a_migration_that_changes_a_column_type(in_transaction):
    """A statement run five times is prepared; another connection then widens a column it returns (as a migration
    would). Outside a transaction the query still answers; inside one it fails once, and after the rollback it
    answers again, on the same connection."""
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k not in ("cursor_factory", "context")},
                         autocommit=True) as other:
        other.execute("CREATE TABLE test_replan (id int, name varchar(10))")
        other.execute("INSERT INTO test_replan VALUES (1, 'Cilacap')")
        try:
            def read():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT id, name FROM test_replan WHERE id = %s", [1])
                    return cursor.fetchall()

            for _ in range(6):
                assert read() == [(1, "Cilacap")]
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%test_replan%%'")
                assert cursor.fetchone()[0] == 1
            other.execute("ALTER TABLE test_replan ALTER COLUMN name TYPE varchar(40)")
            if in_transaction:
                with pytest.raises(django_db.NotSupportedError, match="result type"):
                    with django_db.transaction.atomic():
                        read()
            assert read() == [(1, "Cilacap")]
            assert read() == [(1, "Cilacap")]
        finally:
            connection.close()
            other.execute("DROP TABLE test_replan")


@pytest.mark.parametrize("raw, expected", [("5", 5), (" 0 ", 0), ("off", None), ("OFF", None), ("", None),
                                           ("none", None)])
def test_the_prepare_threshold_setting_reads_a_count_or_off(raw, expected):
    assert prepare_threshold(raw) == expected


@pytest.mark.parametrize("raw", ["lima", "-1", "2.5", "yes"])
def test_a_bad_prepare_threshold_names_the_variable_and_the_rule(raw):
    with pytest.raises(ImproperlyConfigured, match=r"DB_PREPARE_THRESHOLD=.*bilangan bulat 0 atau lebih.*off"):
        prepare_threshold(raw)
