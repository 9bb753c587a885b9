"""Application cost per request in CPU instructions (valgrind's cachegrind), for figures that do not move with the
machine: the same code measured 2.5-3.5 times apart in wall-clock terms on two sessions' machines, and by 40 %
within one session, while its instruction count repeats to within 1 %.

    DATABASE_URL=... REDIS_URL=... python bench/bench_instructions.py

For each scenario (the queue's filtered third page and the search of bench_queue, and the API intake POST of
bench_intake) a child process serves requests through Django's test client, in process: once with 0 timed
requests and once with N, both after the same warm-up; the difference over N is the instructions one request
costs the application (Python, Django, drivers). Not counted: PostgreSQL and Redis (other processes), the
kernel's side of system calls, and gunicorn. Lower is better; compare with earlier runs of the same scenario.
Needs `valgrind` (Debian package); skipped with a message when it is missing.
``run()`` returns [{"name", "value", "unit", "target", "met"}].
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMED = int(os.environ.get("BENCH_INSTRUCTIONS_REQUESTS", "40"))
SCENARIOS = ("queue", "search", "intake")
NEXT_RE = re.compile(r'rel="next" href="\?([^"]+)"')


def child(scenario: str, n: int) -> None:
    """Runs inside valgrind: warm up, then `n` requests of `scenario`."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasn_cases.settings")
    import gc

    import django

    django.setup()
    gc.freeze()  # as kasn_cases.gunicorn_conf.post_worker_init does in each worker
    from django.test import Client

    from cases.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    if scenario == "intake":
        from bench.bench_intake import report_body

        key = os.environ["BENCH_INSTRUCTIONS_TOKEN"]
        body = json.dumps(report_body())

        def one():
            response = client.post("/api/v1/reports/", body, content_type="application/json",
                                   HTTP_AUTHORIZATION=f"Token {key}")
            assert response.status_code == 201, response.content
    else:
        if scenario == "queue":
            client.force_login(User.objects.get(username="bawaslu.jateng"))
            path = "/cases/?status=awaiting_follow_up&sort=due"
            for _ in range(2):  # the third keyset page, as bench_queue
                path = "/cases/?" + NEXT_RE.search(client.get(path).content.decode()).group(1).replace("&amp;", "&")
        else:
            client.force_login(User.objects.get(username="analis.bkn"))
            path = "/cases/?q=sri+wahyuni"

        def one():
            response = client.get(path)
            assert response.status_code == 200, response.status_code

    from django.db import close_old_connections

    for _ in range(5 + n):
        close_old_connections()  # as Django's WSGI handler does per request (the test client leaves it out)
        one()


def instructions(scenario: str, n: int, env: dict) -> int:
    out = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                          sys.executable, __file__, "--child", scenario, str(n)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    match = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
    if out.returncode != 0 or not match:
        raise RuntimeError(f"{scenario}: valgrind run failed ({out.returncode}): {out.stderr[-800:]}")
    return int(match.group(1).replace(",", ""))


def run() -> list[dict]:
    if not shutil.which("valgrind"):
        print("[skip] valgrind is not installed (apt-get install valgrind)")
        return []
    sys.path.insert(0, str(ROOT))
    from bench.bench_intake import _setup, issue_token

    _setup()
    env = dict(os.environ, PYTHONHASHSEED="0", DEBUG="0", SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0",
               CSRF_COOKIE_SECURE="0", LOG_LEVEL="ERROR", BENCH_INSTRUCTIONS_TOKEN=issue_token())
    results = []
    for scenario in SCENARIOS:
        base, timed = instructions(scenario, 0, env), instructions(scenario, TIMED, env)
        per = (timed - base) / TIMED / 1e6
        print(f"{scenario}: {per:.2f} M instructions per request ({TIMED} requests)", flush=True)
        results.append({"name": f"{scenario} app instructions per request", "value": round(per, 2),
                        "unit": "M instr", "target": "lower; compare runs", "met": True})
    return results


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasn_cases.settings")
        for row in run():
            print(row)
