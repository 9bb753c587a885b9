"""Run every benchmark, print one table with the targets, write var/bench/results.json.

Uses a separate database (kasn_bench on the embedded server, or BENCH_DATABASE_URL)
holding 1,000,000 demo cases, created on first run.
"""
import importlib
import json
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
MODULES = ["bench.bench_floor", "bench.bench_queue", "bench.bench_intake", "bench.bench_instructions", "bench.bench_letters", "bench.bench_screening", "bench.bench_ocr", "bench.bench_import",
           "bench.bench_dashboard", "bench.bench_api_fuzz"]
BENCH_CASES = int(os.environ.get("BENCH_CASES", "1000000"))


def bench_database_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    sys.path.insert(0, str(ROOT))
    from kasn_cases import embedded

    url = embedded.postgres_url()  # starts the server, ensures the main database
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    subprocess.run([sys.executable, "-c", f"""
import psycopg
with psycopg.connect({admin!r}, autocommit=True) as c:
    if not c.execute("SELECT 1 FROM pg_database WHERE datname='kasn_bench'").fetchone():
        c.execute("CREATE DATABASE kasn_bench")
"""], check=True)
    return urlunsplit(parts._replace(path="/kasn_bench"))


def _add_loop():
    s = 0
    for i in range(10_000_000):
        s += i


def _dict_work():
    d = {}
    for i in range(1_000_000):
        d[str(i)] = i
    s = 0
    for k in list(d):
        s += d[k]


def machine_reference() -> list[dict]:
    """How fast this machine runs plain Python, so that figures from different machines can be compared: the
    same, unchanged code (the lexicon pass) measured 126,000 posts/s on one session's machine and 39,000 on the
    next one's. Two workloads, best of 5 passes each, in CPU seconds of this process: ten million integer
    additions in a function (arithmetic) and one million string keys put into a dict and read back (memory and
    hashing, which is what the application mostly does). On the slow machine of 2026-11-25, where every figure
    was 2.5 to 3.5 times lower than the day before, they read 0.36-0.58 s and 1.19 s; compare figures only
    between runs with similar references."""
    rows = []
    for name, fn in (("machine reference: 10M additions", _add_loop),
                     ("machine reference: 1M dict keys", _dict_work)):
        best = float("inf")
        for _ in range(5):
            t0 = time.process_time()
            fn()
            best = min(best, time.process_time() - t0)
        rows.append({"name": name, "value": round(best, 3), "unit": "CPU s", "target": "reference only", "met": True})
    return rows


def prepare(env):
    manage = [sys.executable, "manage.py"]
    subprocess.run(manage + ["migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run(manage + ["load_reference"], env=env, check=True, cwd=ROOT)
    started = time.monotonic()
    subprocess.run(manage + ["load_demo", "--cases", str(BENCH_CASES), "--at-least"], env=env, check=True, cwd=ROOT)
    return time.monotonic() - started


def main():
    env = dict(os.environ)
    env["DATABASE_URL"] = bench_database_url()
    if not env.get("REDIS_URL"):
        from kasn_cases import embedded

        env["REDIS_URL"] = embedded.redis_url()
    os.environ.update(env)
    load_seconds = prepare(env)
    results = machine_reference()
    results += [{"name": f"load_demo up to {BENCH_CASES:,} cases", "value": round(load_seconds, 1), "unit": "s",
                "target": "minutes", "met": load_seconds < 600}]
    only = sys.argv[1:]
    for name in MODULES:
        if only and not any(o in name for o in only):
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            print(f"[skip] {name}: {exc}")
            continue
        print(f"== {name}", flush=True)
        try:
            results.extend(module.run())
        except Exception:  # one broken bench must not hide the others' figures
            traceback.print_exc()
            results.append({"name": name, "value": None, "unit": "", "target": "runs", "met": False})
    results += peer_ratio(results)
    print_table(results)
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\nwritten: {out / 'results.json'}")


def peer_ratio(results) -> list[dict]:
    """The keyset queue's throughput over the same page served the django-helpdesk way (design §10: at least 3x)."""
    from bench.bench_floor import PEER_LABEL

    by_name = {r["name"]: r["value"] for r in results}
    queue, peer = by_name.get("queue_filtered_page3_throughput"), by_name.get(PEER_LABEL)
    if not queue or not peer:
        return []
    ratio = round(queue / peer, 2)
    return [{"name": "queue / peer (helpdesk way) throughput", "value": ratio, "unit": "x", "target": 3.0,
             "met": ratio >= 3.0}]


def print_table(results):
    width = max(len(r["name"]) for r in results) + 2
    print(f"\n{'figure'.ljust(width)}{'value':>14}  {'unit':<10}{'target':<22}met")
    for r in results:
        value = "-" if r["value"] is None else f"{r['value']:,}" if isinstance(r["value"], int) else f"{r['value']:,.2f}"
        print(f"{r['name'].ljust(width)}{value:>14}  {r['unit']:<10}{str(r['target']):<22}{'yes' if r['met'] else 'NO'}")


if __name__ == "__main__":
    main()
