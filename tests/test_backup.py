"""Backup and restore into an empty database: every case, event and hash comes back."""
import hashlib

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from cases.backup import backup, restore
from cases.models import Case, CaseEvent, Letter


def _rows(conninfo, sql):
    with psycopg.connect(conninfo) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.django_db(transaction=True)
def test_backup_restores_every_case_event_and_hash(tmp_path, settings):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    (tmp_path / "private" / "evidence").mkdir(parents=True)
    evidence = tmp_path / "private" / "evidence" / "bukti.jpg"
    evidence.write_bytes(b"\xff\xd8\xff bukti asli")
    call_command("load_demo", cases=120, verbosity=0)
    folder = backup(tmp_path / "backups")

    params = connection.get_connection_params()
    admin = {k: v for k, v in params.items() if k in ("host", "port", "user", "password") and v}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute("DROP DATABASE IF EXISTS kasn_restore_test")
        conn.execute("CREATE DATABASE kasn_restore_test")
    try:
        restore(folder, dbname="kasn_restore_test", private_root=tmp_path / "restored")
        conninfo = " ".join(f"{k}={v}" for k, v in {**admin, "dbname": "kasn_restore_test"}.items())
        cases = _rows(conninfo, "SELECT number, status FROM cases_case ORDER BY id")
        assert cases == list(Case.objects.order_by("id").values_list("number", "status"))
        events = _rows(conninfo, "SELECT id, code, to_status FROM cases_caseevent ORDER BY id")
        assert events == list(CaseEvent.objects.order_by("id").values_list("id", "code", "to_status"))
        letters = _rows(conninfo, "SELECT number, sha256 FROM cases_letter ORDER BY id")
        assert letters == list(Letter.objects.order_by("id").values_list("number", "sha256"))
        restored = (tmp_path / "restored" / "evidence" / "bukti.jpg").read_bytes()
        assert hashlib.sha256(restored).hexdigest() == hashlib.sha256(evidence.read_bytes()).hexdigest()
        # The append-only trigger comes back too.
        with psycopg.connect(conninfo) as conn, pytest.raises(psycopg.errors.RaiseException):
            conn.execute("UPDATE cases_caseevent SET code = 'x'")
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute("DROP DATABASE IF EXISTS kasn_restore_test WITH (FORCE)")
