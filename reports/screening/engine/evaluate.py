"""Evaluate a scorer on labelled posts.

    python -m reports.screening.engine.evaluate FILE.csv [--election SLUG] [--json]
        [--threshold T] [--data DIR] [--lexicon EXTRA.csv ...] [--version V]

FILE.csv has columns ``text,label`` or ``file,row_id,label`` (texts are then
read from the shared data folder, ``--data``, default
``../shared/data/screening``).  ``--json`` prints one JSON object on the last
line.  Labels: partisan / political / other.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time

import numpy as np
from sklearn.metrics import average_precision_score, f1_score

from .model import MODEL_DIR, LEXICON_PATH, Scorer
from .sources import FILE_ELECTION, default_data_dir, read_labelled

__all__ = ["evaluate", "metrics_at", "choose_threshold", "load_eval_rows"]


def load_eval_rows(csv_path, data_dir=None) -> list[tuple[str, str, str | None]]:
    """[(text, label, file-or-None)]"""
    with open(csv_path, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh), [])
    if "text" in header:
        with open(csv_path, encoding="utf-8", newline="") as fh:
            return [(r["text"], r["label"].strip(), None) for r in csv.DictReader(fh)]
    return [(t, lab, f) for t, lab, f, _ in read_labelled(csv_path, data_dir)]


def metrics_at(scores: np.ndarray, labels: list[str], threshold: float) -> dict:
    y = np.array([lab == "partisan" for lab in labels])
    other = np.array([lab == "other" for lab in labels])
    pred = scores >= threshold
    tp = int((pred & y).sum())
    fp = int((pred & ~y).sum())
    fn = int((~pred & y).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    far = float((pred & other).sum() / other.sum()) if other.sum() else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "false_alarm_rate": far, "threshold": float(threshold)}


def choose_threshold(scores, labels, min_precision=0.60, max_far=0.02, target_recall=0.90) -> float:
    """Review threshold from a validation split: among thresholds with
    precision >= min_precision and false-alarm rate <= max_far, the highest
    one that still reaches target_recall; if none reaches it, the one with the
    best recall.  Falls back to the best-F1 threshold."""
    cands = np.unique(np.round(scores, 4))
    ok = []
    for t in cands:
        m = metrics_at(scores, labels, t)
        if m["precision"] >= min_precision and m["false_alarm_rate"] <= max_far:
            ok.append((t, m))
    if ok:
        hit = [t for t, m in ok if m["recall"] >= target_recall]
        if hit:
            return float(max(hit))
        return float(max(ok, key=lambda x: (x[1]["recall"], x[0]))[0])
    return float(max(cands, key=lambda t: metrics_at(scores, labels, t)["f1"]))


def evaluate(csv_path, scorer, election_slug=None, threshold=None, data_dir=None, rows=None) -> dict:
    """Scores the posts in ``csv_path`` and returns precision/recall/f1 for
    ``partisan`` at the review threshold, PR-AUC (average precision), macro-F1
    over the three labels (argmax), false-alarm rate on ``other``, posts/s."""
    if rows is None:
        rows = load_eval_rows(csv_path, data_dir)
    texts = [r[0] for r in rows]
    labels = [r[1] for r in rows]
    scorer.predict_proba(texts[:50], election_slug)  # warm up (lazy automata, caches): posts/s is steady state
    t0 = time.perf_counter()
    if election_slug is None and any(r[2] for r in rows):
        # score per source file with that file's election (None if unknown)
        proba = np.zeros((len(rows), len(scorer._classes)))
        groups: dict = {}
        for k, r in enumerate(rows):
            groups.setdefault(FILE_ELECTION.get(r[2]) if r[2] else None, []).append(k)
        for el, idx in groups.items():
            proba[idx] = scorer.predict_proba([texts[k] for k in idx], el)
    else:
        proba = scorer.predict_proba(texts, election_slug)
    dt = time.perf_counter() - t0
    classes = scorer._classes
    scores = proba[:, scorer._ip]
    thr = scorer.review_threshold if threshold is None else float(threshold)
    m = metrics_at(scores, labels, thr)
    y = np.array([lab == "partisan" for lab in labels])
    m["pr_auc"] = float(average_precision_score(y, scores)) if y.any() else 0.0
    pred = [classes[k] for k in proba.argmax(1)]
    m["macro_f1"] = float(f1_score(labels, pred, labels=["partisan", "political", "other"], average="macro", zero_division=0))
    m["posts_per_s"] = len(texts) / dt if dt > 0 else 0.0
    m["n"] = len(texts)
    m["n_by_label"] = {k: labels.count(k) for k in ("partisan", "political", "other")}
    m["model_version"] = scorer.version
    return m


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Evaluate the screening model on a labelled CSV")
    ap.add_argument("csv")
    ap.add_argument("--election", default=None)
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--data", default=None, help="shared data folder for file,row_id label files")
    ap.add_argument("--lexicon", action="append", default=[], help="extra lexicon CSV (repeatable)")
    ap.add_argument("--model-dir", default=str(MODEL_DIR))
    ap.add_argument("--version", default=None)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    scorer = Scorer(model_dir=a.model_dir, version=a.version, lexicon_paths=[LEXICON_PATH, *a.lexicon])
    m = evaluate(a.csv, scorer, a.election, a.threshold, data_dir=a.data or default_data_dir())
    if a.json:
        print(json.dumps(m, ensure_ascii=False))
    else:
        for k in ("n", "precision", "recall", "f1", "pr_auc", "macro_f1", "false_alarm_rate", "threshold", "posts_per_s"):
            v = m[k]
            print(f"{k:18s} {v:.4f}" if isinstance(v, float) else f"{k:18s} {v}")
        print(f"{'n_by_label':18s} {m['n_by_label']}")
        print(f"{'model_version':18s} {m['model_version']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
