"""Case queue benchmark at scale (design §10: p95 <= 25 ms server time, >= 600 req/s on 2 cores).

    DATABASE_URL=... REDIS_URL=... python bench/bench_queue.py

Starts gunicorn (2 sync workers, one per core; BENCH_QUEUE_WORKERS / BENCH_QUEUE_THREADS) against the database named by DATABASE_URL (load it first with
`manage.py load_demo --cases 1000000`), logs in demo users, and measures two pages:
- the queue filtered (province officer, status awaiting_follow_up, sorted by due date), third keyset page;
- a search (analyst, "sri wahyuni": Indonesian full text over the whole country).
Server time is read from the `Server-Timing: app;dur=` header (cases.middleware.ServerTimingMiddleware when
installed; otherwise this script's WSGI wrapper adds the same header). Throughput comes from `wrk` when
installed (keep-alive, session cookie), else from the Python load generator. Bounded in requests and time.

``run()`` returns a list of ``{"name", "value", "unit", "target", "met"}``.
"""
from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.procs import server_cpu_seconds  # noqa: E402

P95_TARGET_MS = 25.0
RPS_TARGET = 600.0
SAMPLES = 300  # timed requests per page for the p95
WRK_SECONDS = 8
# gunicorn on 2 cores: 2 sync workers, one per core. The pages are CPU-bound Python: a second thread in a worker
# only waits for the GIL, and that wait counted as server time (2026-12-02, same machine, same minute: 2 workers x
# 2 threads gave queue p95 19.0 ms at 229 req/s, 2 sync workers 10.8 ms at 227 req/s; search 52.3 -> 23.8 ms at
# 112 -> 102 req/s). The client-side p95 is printed too: it includes the wait for a free worker. Override to compare.
WORKERS = int(os.environ.get("BENCH_QUEUE_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_QUEUE_THREADS", "1"))
CLIENTS = 4
PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-netralitas-2026")
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


# --- WSGI wrapper (gunicorn loads bench.bench_queue:application) --------------------------------------------------

def _make_application():
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    if "cases.middleware.ServerTimingMiddleware" in settings.MIDDLEWARE:
        return app

    def timed(environ, start_response):
        start = time.perf_counter()

        def capture(status, headers, exc_info=None):
            capture.args = (status, headers, exc_info)
            return lambda data: None

        body = app(environ, capture)
        status, headers, exc_info = capture.args
        headers = list(headers) + [("Server-Timing", "app;dur=%.2f" % ((time.perf_counter() - start) * 1000))]
        start_response(status, headers, exc_info)
        return body

    return timed


if os.environ.get("BENCH_QUEUE_SERVER") == "1":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasn_cases.settings")
    application = _make_application()


# --- client side -------------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """A keep-alive HTTP client holding one session cookie."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        return response, data

    def login(self, username):
        self.request("GET", "/login/")
        body = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.cookies["csrftoken"]})
        response, _ = self.request("POST", "/login/", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/login/"})
        if response.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} failed ({response.status}); are the demo users loaded?")
        return self


NEXT_RE = re.compile(r'rel="next" href="\?([^"]+)"')


def third_page(client, query) -> str:
    path = "/cases/?" + query
    for _ in range(2):
        response, data = client.request("GET", path)
        match = NEXT_RE.search(data.decode())
        if response.status != 200 or not match:
            raise RuntimeError(f"no next page for {path} ({response.status})")
        path = "/cases/?" + match.group(1).replace("&amp;", "&")
    return path


def server_times(port, username, path, n=SAMPLES, threads=CLIENTS):
    """n requests over `threads` keep-alive connections; returns server times (ms), client-side times (ms, with
    the wait for a free worker), wall-clock req/s and a session id."""
    times, client_times, lock, counter = [], [], threading.Lock(), iter(range(n))
    clients = [Client(port).login(username) for _ in range(threads)]

    def worker(client):
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            sent = time.perf_counter()
            response, _ = client.request("GET", path)
            waited = (time.perf_counter() - sent) * 1000
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
            dur = float(response.headers["Server-Timing"].split("dur=")[1])
            with lock:
                times.append(dur)
                client_times.append(waited)

    for c in clients:  # warm up each worker's connection, caches and templates
        for _ in range(5):
            c.request("GET", path)
    start = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    elapsed = time.perf_counter() - start
    return times, client_times, len(times) / elapsed, clients[0].cookies["sessionid"]


def wrk_rps(port, path, session) -> tuple[float, int] | None:
    """(req/s, requests) from wrk, or None when wrk is not installed."""
    if not shutil.which("wrk"):
        return None
    out = subprocess.run(["wrk", "-t2", "-c8", f"-d{WRK_SECONDS}s", "-H", f"Cookie: sessionid={session}",
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, timeout=WRK_SECONDS + 30).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    done = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"wrk saw {non2xx.group(1)} error responses on {path}")
    return (float(match.group(1)), int(done.group(1))) if match and done else None


def p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


# (figure name, demo user, the page's path from a signed-in client); bench/bench_floor.py measures the same ones.
SCENARIOS = [
    ("queue_filtered_page3", "bawaslu.jateng", lambda c: third_page(c, "status=awaiting_follow_up&sort=due")),
    ("search", "analis.bkn", lambda c: "/cases/?" + urlencode({"q": "sri wahyuni"})),
]


def start_server(port, settings_module="kasn_cases.settings"):
    env = dict(os.environ, BENCH_QUEUE_SERVER="1", BENCH_TIMING="1", SECURE_SSL_REDIRECT="0",
               SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0", DEBUG="0", AXES_FAILURE_LIMIT="1000",
               DJANGO_SETTINGS_MODULE=settings_module)
    proc = subprocess.Popen([str(GUNICORN), "bench.bench_queue:application", "-w", str(WORKERS), "--threads", str(THREADS),
                             "-b", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=ROOT, env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("gunicorn did not start")


def run() -> list[dict]:
    port = _free_port()
    server = start_server(port)
    results = []
    try:
        for name, username, make_path in SCENARIOS:
            path = make_path(Client(port).login(username))
            times, client_times, rps_py, session = server_times(port, username, path)
            cpu_before = server_cpu_seconds(server)
            measured = wrk_rps(port, path, session)
            rps, cpu_ms = rps_py, None
            if measured:  # the app's CPU per request (gunicorn processes only; PostgreSQL and wrk not included)
                rps, requests = measured
                cpu_ms = (server_cpu_seconds(server) - cpu_before) * 1000 / max(requests, 1)
            value = round(p95(times), 2)
            results.append({"name": f"{name}_p95_server_ms", "value": value, "unit": "ms", "target": P95_TARGET_MS,
                            "met": value <= P95_TARGET_MS})
            results.append({"name": f"{name}_p50_server_ms", "value": round(statistics.median(times), 2), "unit": "ms",
                            "target": None, "met": None})
            results.append({"name": f"{name}_p95_client_ms ({CLIENTS} clients)", "value": round(p95(client_times), 2),
                            "unit": "ms", "target": None, "met": None})
            results.append({"name": f"{name}_throughput", "value": round(rps, 1), "unit": "req/s", "target": RPS_TARGET,
                            "met": rps >= RPS_TARGET})
            if cpu_ms is not None:
                results.append({"name": f"{name}_app_cpu_per_request", "value": round(cpu_ms, 2), "unit": "ms",
                                "target": None, "met": None})
    finally:
        server.terminate()
        server.wait(timeout=20)
    return results


if __name__ == "__main__":
    for row in run():
        mark = "" if row["met"] is None else ("OK " if row["met"] else "MISS ")
        target = f" (target {row['target']})" if row["target"] is not None else ""
        print(f"{mark}{row['name']}: {row['value']} {row['unit']}{target}")
