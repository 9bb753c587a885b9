"""The ceiling of this machine for the figures of design §10, measured the way bench_queue and bench_intake measure.

    DATABASE_URL=... REDIS_URL=... python bench/bench_floor.py

The same gunicorn, configuration, load generator, database and middleware as the real benchmarks, serving
bench/floor_urls.py instead of the application's views:
- the least a signed-in page can cost (session, user, middleware, a body as long as the queue page's);
- that, plus the one SQL statement the queue page or the search runs for the benchmark's query, rows written bare
  (no filter form, no template, no count, no menu): what any Django page showing those rows must at least do;
- the least an intake POST can cost (token from the cache, JSON body, one INSERT committed, JSON answer), bare
  and behind the REST framework defaults every API view has (token authentication, per-client throttle).

If the floor is below a target, no change to the application's code reaches it on this machine: the figures say
how far the application is from its floor, and the floor from the target.
``run()`` returns [{"name", "value", "unit", "target", "met"}].
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import bench_intake, bench_queue  # noqa: E402

SETTINGS = "bench.floor_settings"


def _page_floors() -> list[dict]:
    port = bench_queue._free_port()
    server = bench_queue.start_server(port, settings_module=SETTINGS)
    rows = []
    try:
        for name, username, make_path in bench_queue.SCENARIOS:
            client = bench_queue.Client(port).login(username)
            query = urlsplit(make_path(client)).query
            for label, path in ((f"floor: signed-in page doing nothing ({name} user)", "/floor/page/"),
                                (f"floor: {name} SQL only, rows bare", "/floor/sql/?" + query)):
                measured = bench_queue.wrk_rps(port, path, client.cookies["sessionid"])
                if measured is None:
                    raise RuntimeError("wrk is not installed (make sysdeps)")
                rows.append({"name": label, "value": round(measured[0], 1), "unit": "req/s",
                             "target": f"above {bench_queue.RPS_TARGET:.0f}", "met": measured[0] >= bench_queue.RPS_TARGET})
            if name == "queue_filtered_page3":
                rows.append(_peer_row(port, client, query))
    finally:
        server.terminate()
        server.wait(timeout=20)
    return rows


PEER_LABEL = "peer: queue page 3 the django-helpdesk way (page numbers, OFFSET, exact COUNT(*))"


def _peer_row(port, client, query) -> dict:
    """The same filtered queue page served with Django's Paginator, as django-helpdesk serves its ticket list:
    the design (§10) asks the keyset queue for at least 3 times its throughput (run_all prints the ratio)."""
    params = "&".join(p for p in query.split("&") if not p.startswith("cursor="))
    measured = bench_queue.wrk_rps(port, f"/floor/helpdesk/?{params}&page=3", client.cookies["sessionid"])
    if measured is None:
        raise RuntimeError("wrk is not installed (make sysdeps)")
    return {"name": PEER_LABEL, "value": round(measured[0], 1), "unit": "req/s", "target": "reference for the ratio",
            "met": True}


def _intake_floor() -> list[dict]:
    bench_intake._setup()
    from django.core.cache import cache
    from django.db import connection

    from bench.floor_urls import FLOOR_TABLE

    key = "floor-bench-token"
    cache.set("floor-token:" + key, {"agency": "BAWASLU-33.01"}, 600)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} (id bigserial PRIMARY KEY, body jsonb NOT NULL,"
                       " created_at timestamptz NOT NULL DEFAULT now())")
    port = bench_intake.free_port()
    env_settings = os.environ.get("DJANGO_SETTINGS_MODULE")
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS  # read by start_gunicorn's environment
    try:
        proc = bench_intake.start_gunicorn(port, log_name="gunicorn-floor.log")
    finally:
        os.environ["DJANGO_SETTINGS_MODULE"] = env_settings or "kasn_cases.settings"
    base = f"http://127.0.0.1:{port}/floor/"
    try:
        bench_intake.wrk(base + "intake/", key, 2)
        plain = bench_intake.wrk(base + "intake/", key, bench_intake.SECONDS)
        drf_key = bench_intake.issue_token()  # a real API token, throttle lifted as for the real intake bench
        bench_intake.wrk(base + "intake-drf/", drf_key, 2)
        drf = bench_intake.wrk(base + "intake-drf/", drf_key, bench_intake.SECONDS)
    finally:
        bench_intake.stop(proc)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
    rows = []
    for label, figures in (("intake POST (token, JSON, one INSERT)", plain),
                           ("intake POST through the API's REST framework defaults", drf)):
        if figures["errors"]:
            raise RuntimeError(f"floor {label}: {figures['errors']} errors")
        rows += [{"name": f"floor: {label}", "value": round(figures["rps"], 1), "unit": "req/s",
                  "target": "above 500", "met": figures["rps"] >= 500},
                 {"name": f"floor: {label}, p95", "value": round(figures["p95_ms"], 1), "unit": "ms",
                  "target": "below 50", "met": figures["p95_ms"] <= 50}]
    return rows


def run() -> list[dict]:
    return _page_floors() + _intake_floor()


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:<60}{row['value']:>10} {row['unit']}")
