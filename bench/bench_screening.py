"""Screening throughput benchmark (single process, one core).

    python bench/bench_screening.py

``run()`` returns a list of ``{"name", "value", "unit", "target", "met"}``.
Posts are synthetic (generated here from short templates, ~200 characters),
so the benchmark needs no third-party data.  The figures are posts per CPU second
of this process; the machine reference of ``bench.run_all`` (plain-Python work
measured the same way) is printed beside them, since the same code measured 3x
apart on two machines.
"""
from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

N_POSTS = 20_000
BATCH = 1_000

_OPEN = ["Ayo", "Mari", "Yuk", "Jangan lupa", "Hari ini", "Pagi ini", "Menurut saya", "Kabarnya", "@warga_rt05",
         "Info:", "Wkwkwk", "Bangeeet", "Gw rasa"]
_MID = ["coblos nomor 2 ya", "dukung Prabowo-Gibran", "harga cabai naik lagi di pasar", "KPU umumkan jadwal debat",
        "makan bakso enak bgt", "jalanan macet parah", "#AMINAjaDulu sampai menang", "salam metal buat Ganjar",
        "rapat RT nanti malam", "kerja bakti di lapangan desa", "Bawaslu ingatkan netralitas ASN",
        "nonton bola bareng", "hujan deres dari subuh", "Gibran hadir di acara warga", "anak sekolah libur panjang"]
_END = ["🙏", "😂😂", "https://t.co/abc123", "#infowarga", "sampai jumpa", "semoga lancar", "!!!", "ya guys",
        "#PrabowoGibran2024", "setuju gak?", "mantaaap"]


def synthetic_posts(n: int = N_POSTS, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = []
        while sum(len(p) + 1 for p in parts) < 190:
            parts += [rng.choice(_OPEN), rng.choice(_MID), rng.choice(_END)]
        out.append(" ".join(parts)[:220])
    return out


def _rate(fn, posts, repeat: int = 3) -> float:
    """Posts per CPU-second of this process (= per core), best of ``repeat``
    passes as ``timeit`` does: CPU time is robust to other load on the machine,
    which only stretches wall-clock time, but a busy neighbour still costs cache
    and turbo headroom, and the fastest pass is the one least disturbed."""
    fn(posts[:500])  # warm caches
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn(posts)
        best = min(best, time.process_time() - t0)
    return len(posts) / best


def run(n_posts: int = N_POSTS) -> list[dict]:
    from reports.screening.engine.lexicon import load_seed
    from reports.screening.engine.model import LEXICON_PATH, Scorer
    from reports.screening.engine.normalise import normalise

    posts = synthetic_posts(n_posts)
    lex = load_seed(LEXICON_PATH)
    scorer = Scorer()

    def lexicon_pass(ps):
        for p in ps:
            lex.match_raw(p, "pemilu-2024")

    def normalise_pass(ps):
        for p in ps:
            normalise(p)

    def full(ps):
        for i in range(0, len(ps), BATCH):
            scorer.score_batch(ps[i:i + BATCH], "pemilu-2024")

    results = []
    for name, fn, target in (
        ("lexicon_pass_posts_per_s", lexicon_pass, 100_000),
        ("normalise_posts_per_s", normalise_pass, 40_000),
        ("full_screening_posts_per_s", full, 15_000),
    ):
        v = _rate(fn, posts)
        results.append({"name": name, "value": round(v, 1), "unit": "posts/s/core", "target": target, "met": v >= target})
    return results


if __name__ == "__main__":
    from bench.run_all import machine_reference

    for r in run():
        print(f"{r['name']:30s} {r['value']:>12,.0f} {r['unit']}  target {r['target']:,}  {'OK' if r['met'] else 'MISSED'}")
    for r in machine_reference():
        print(f"{r['name']:34s} {r['value']:>8.3f} {r['unit']}  (the same code runs faster where these are lower)")
