"""Review thresholds for an election: without labels, then from reviewers' verdicts.

Without labels the threshold comes from the election's own score distribution.
The model's probabilities are calibrated on the elections it was trained on; on
a new election its partisan scores are compressed, so a raw threshold learnt
elsewhere misses partisan posts there.  What the model still estimates well is
which posts are everyday posts (P(other)), and the false-alarm target (at most
2 % of everyday posts flagged) is what bounds the review queue.
``election_threshold`` therefore takes the lowest score threshold at which the
expected share of everyday posts flagged -- the P(other) mass above the
threshold over the election's whole P(other) mass -- stays within 2 %.

An EM prior-shift correction (Saerens, Latinne & Decaestecker 2002) was
measured first and not adopted: on the held-out elections its estimate ran to
0 or 1 (the three-class probabilities are not calibrated there), see
``reports/screening/data/loeo.md``.

With verdicts, ``verdict_threshold`` applies the review rule (precision >= 0.60,
false alarms <= 2 %, recall >= 0.90, else the best recall) to the decided posts,
each weighted by the inverse of the rate at which its score band was sampled
for review (the calibration posts mixed into the queue come from lower bands).
Pure numpy; no Django.
"""
from __future__ import annotations

import numpy as np

__all__ = ["expected_false_alarms", "election_threshold", "verdict_threshold", "MIN_POSTS", "MIN_VERDICTS"]

MIN_POSTS = 100  # fewer scored posts than this: the model's own threshold is used
MIN_VERDICTS = 30  # and at least 5 of each side, before verdicts set the threshold
MAX_FAR = 0.02
TARGET_RECALL = 0.90


def expected_false_alarms(proba) -> tuple[np.ndarray, np.ndarray]:
    """(P(partisan) sorted descending, expected share of everyday posts flagged when cutting there).
    ``proba``: (n, 3) probabilities, columns partisan, political, other."""
    proba = np.asarray(proba, dtype=float)
    s = proba[:, 0]
    order = np.argsort(-s, kind="stable")
    other = proba[order, 2]
    return s[order], np.cumsum(other) / max(other.sum(), 1e-12)


def election_threshold(proba, default: float | None = None, max_far: float = MAX_FAR) -> float:
    """Lowest threshold whose expected false alarms on everyday posts stay within ``max_far``; ``default``
    (the model's own threshold) when there are fewer than ``MIN_POSTS`` posts."""
    proba = np.asarray(proba, dtype=float)
    fallback = float(default if default is not None else 0.5)
    if len(proba) < MIN_POSTS:
        return fallback
    s, far = expected_false_alarms(proba)
    # a cut at score t flags every post scoring t or more: only the last post of each run of equal scores
    # is a place to cut
    last_of_tie = np.append(s[1:] < s[:-1], True)
    ok = np.flatnonzero(last_of_tie & (far <= max_far))
    return float(s[ok[-1]]) if len(ok) else fallback


def _weighted_at(scores, labels, weights, t) -> tuple[float, float, float]:
    pred = scores >= t
    pos, oth = labels == "partisan", labels == "other"
    tp = weights[pred & pos].sum()
    fp = weights[pred & ~pos].sum()
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / weights[pos].sum() if weights[pos].sum() else 0.0
    far = weights[pred & oth].sum() / weights[oth].sum() if weights[oth].sum() else 0.0
    return prec, rec, far


def verdict_threshold(scores, labels, weights=None, min_precision=0.60, max_far=0.02,
                      target_recall=TARGET_RECALL) -> float | None:
    """Threshold from decided posts (label partisan / political / other), or None if too few."""
    s = np.asarray(scores, dtype=float)
    lab = np.asarray(labels)
    w = np.ones(len(s)) if weights is None else np.asarray(weights, dtype=float)
    if len(s) < MIN_VERDICTS or (lab == "partisan").sum() < 5 or (lab != "partisan").sum() < 5:
        return None
    ok = []
    for t in np.unique(np.round(s, 4)):
        prec, rec, far = _weighted_at(s, lab, w, t)
        if prec >= min_precision and far <= max_far:
            ok.append((t, rec))
    if not ok:
        return None
    hit = [t for t, rec in ok if rec >= target_recall]
    return float(max(hit)) if hit else float(max(ok, key=lambda x: (x[1], x[0]))[0])
