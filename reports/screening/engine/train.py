"""Train the screening model.

    python -m reports.screening.engine.train --data ../shared/data/screening [--out DIR] [--no-activate]
        [--recipe NAME] [--no-loeo]

Learns from the derived labels ``reports/screening/data/train_labels.csv`` (rules, with hand labels
overriding them), the hand labels of the stance excerpts and NusaX (``hand_labels.csv``), and optional
``extra_labelled`` [(text, label)] (reviewers' verdicts), with a recipe of ``recipes.RECIPES``.

Before the final fit, the recipe is measured leave-one-election-out (``loeo``): one model per election
in the data, trained without it (verdicts are in every fold's training) and measured on its hand-read
posts.  Those figures go to ``metrics.json`` beside the version, so an administrator sees them before
activating it.  The model's own review threshold, used for an election with too few scored posts to
set its own, is chosen on the pooled held-out scores (each post scored by a model that never saw its
election) by the review rule: highest threshold with precision >= 0.60, false alarms on everyday
posts <= 2 % and recall >= 0.90, else the best recall.  ``prior`` (the training label shares) is
saved for ``threshold.election_threshold``.  Seeded; about two minutes on one core with LOEO.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn import __version__ as sklearn_version
from sklearn.metrics import average_precision_score

from .evaluate import choose_threshold, metrics_at
from .features import Featuriser, no_gc
from .lexicon import load_seed
from .loeo import HAND_PATH, LABELS_PATH, LEXICONS, Row, dataset, format_table
from .loeo import run as loeo_run
from .model import MODEL_DIR, save_model
from .recipes import CANDIDATE, LABELS, RECIPES
from .sources import default_data_dir, read_texts

__all__ = ["train", "LABELS_PATH", "HOLDOUT_LEXICON_PATH", "extra_rows"]

HOLDOUT_LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon_holdout_elections.csv"


def extra_rows(extra_labelled) -> tuple[list[Row], list[str]]:
    """Verdicts as training rows: in every fold's training, never tested."""
    rows, texts = [], []
    for k, (text, label) in enumerate(extra_labelled or ()):
        if label in LABELS:
            rows.append(Row("extra", k, label, True, "extra"))
            texts.append(text)
    return rows, texts


def _thresholds(pooled) -> tuple[float, float]:
    """(review, priority) from pooled held-out scores: the review rule, then the lowest threshold above it
    with precision >= 0.90."""
    if not pooled:
        return 0.5, 0.9
    scores = np.concatenate([p for p, _ in pooled])
    labels = [lab for _, ls in pooled for lab in ls]
    review = choose_threshold(scores, labels)
    for t in np.unique(np.round(scores, 4)):
        if t > review and metrics_at(scores, labels, t)["precision"] >= 0.90:
            return review, float(t)
    return review, max(review, 0.9)


def train(data_dir=None, out_dir=MODEL_DIR, extra_labelled=(), labels_path=LABELS_PATH, recipe=None,
          activate: bool = True, loeo: bool = True, folds=None, hand_path=HAND_PATH):
    """Train, save and return ``(version, metrics)``."""
    t_start, c_start = time.perf_counter(), time.process_time()
    data_dir = Path(data_dir or default_data_dir())
    recipe = recipe or RECIPES[CANDIDATE]
    rows = dataset(labels_path, hand_path)
    xrows, xtexts = extra_rows(extra_labelled)
    metrics: dict = {"recipe": {"name": recipe.name, "note": recipe.note}}
    pooled: list = []
    if loeo:
        res = loeo_run(recipe, data_dir, rows, folds=folds, extra=(xrows, xtexts), collect=pooled)
        metrics["loeo"] = res
        metrics["loeo_table"] = format_table(res)
    review, priority = _thresholds(pooled)

    feat = Featuriser(load_seed(*LEXICONS), recipe.config)
    all_rows = rows + xrows
    texts = [read_texts(str(data_dir), r.file)[r.row_id] for r in rows] + xtexts
    with no_gc():
        prepared = [feat.prepare(t, r.slug) for t, r in zip(texts, all_rows)]
    fitted = recipe.fit(feat, prepared, all_rows)

    h = hashlib.sha256()
    for p in (labels_path, hand_path, *LEXICONS):
        h.update(Path(p).read_bytes())
    h.update(json.dumps(recipe.config.to_dict(), sort_keys=True).encode())
    h.update(repr((recipe.name, recipe.C, recipe.hand_weight, recipe.seed, sorted(xtexts), loeo)).encode())
    if recipe.rule_weight:
        h.update(repr(recipe.rule_weight).encode())
    version = f"v{_dt.date.today():%Y%m%d}-{h.hexdigest()[:8]}"
    y = np.array([r.label for r in all_rows])
    w = recipe.rows_weights(all_rows)
    thresholds = {"review": review, "priority": priority}
    metrics.update({
        "version": version,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "labels": list(LABELS),
        "n_train": int((w > 0).sum()),
        "n_by_label": {k: int(((y == k) & (w > 0)).sum()) for k in LABELS},
        "n_hand": int(sum(1 for r, wk in zip(all_rows, w) if r.hand and wk > 0)),
        "n_extra_labelled": len(xrows),
        "prior": [round(float(x), 6) for x in fitted.prior],
        "thresholds": thresholds,
        "threshold_rule": ("model default (an election with fewer scored posts than threshold.MIN_POSTS and no "
                           "verdicts): review rule on the pooled leave-one-election-out scores"
                           if pooled else "no LOEO run: fixed 0.5 / 0.9"),
        "model": {"type": "LogisticRegression(multinomial, class_weight=balanced) + "
                          "CalibratedClassifierCV(sigmoid, cv=3, ensemble=False)",
                  "C": recipe.C, "hand_weight": recipe.hand_weight, "rule_weight": dict(recipe.rule_weight),
                  "features": recipe.config.to_dict(),
                  "sklearn": sklearn_version},
    })
    if pooled:
        scores = np.concatenate([p for p, _ in pooled])
        labels = [lab for _, ls in pooled for lab in ls]
        pm = metrics_at(scores, labels, review)
        pm["pr_auc"] = float(average_precision_score(np.array(labels) == "partisan", scores))
        pm["n"] = len(labels)
        metrics["loeo_pooled_at_default_threshold"] = pm
    metrics["train_seconds"] = round(time.perf_counter() - t_start, 1)
    metrics["train_cpu_seconds"] = round(time.process_time() - c_start, 1)
    save_model(out_dir, version, fitted.clf, recipe.config, thresholds, metrics, set_active=activate,
               prior=metrics["prior"])
    return version, metrics


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Train the screening model")
    ap.add_argument("--data", default=None)
    ap.add_argument("--out", default=str(MODEL_DIR))
    ap.add_argument("--labels", default=str(LABELS_PATH))
    ap.add_argument("--recipe", default=CANDIDATE, choices=sorted(RECIPES))
    ap.add_argument("--no-activate", action="store_true")
    ap.add_argument("--no-loeo", action="store_true", help="skip the leave-one-election-out figures")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    version, metrics = train(a.data, a.out, labels_path=a.labels, recipe=RECIPES[a.recipe],
                             activate=not a.no_activate, loeo=not a.no_loeo)
    if a.json:
        print(json.dumps(metrics, ensure_ascii=False))
    else:
        print("version", version, "thresholds", metrics["thresholds"])
        print(metrics.get("loeo_table", ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
