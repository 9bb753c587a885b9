"""Leave-one-election-out (LOEO) evaluation of a training recipe.

    python -m reports.screening.engine.loeo [--data DIR] [--recipe NAME ...] [--json]

The elections present in the shared data are the folds: Pemilu 2024 (four
tweet/headline files), Pilkada 2018 (the 2018 tweets) and Pilkada DKI 2017 /
Pilpres 2014 (the stance blog excerpts).  For each fold a model is trained on
every other election plus two thirds of the everyday posts (SmSA, NusaX; a
fixed hash puts each everyday post in one fold), and measured on the held-out
election's hand-read posts plus that fold's hand-read everyday posts, scored
with the held-out election's lexicon as a reviewer would load it.  Rule labels
are used for training only; every test label was read by a person.

Per fold: PR-AUC of partisan, the best recall at precision >= 0.60 (and the
false alarms on everyday posts there), the best recall at precision >= 0.60
with at most 2 % false alarms, and precision / recall / false alarms at the
threshold the system would use for that election with no verdicts yet
(``threshold.election_threshold`` on the held-out posts' scores, no labels).
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score

from .evaluate import metrics_at
from .features import Featuriser, no_gc
from .lexicon import load_seed
from .recipes import RECIPES
from .sources import default_data_dir, read_texts
from .threshold import election_threshold

__all__ = ["FOLDS", "Row", "dataset", "run", "fold_metrics", "format_table"]

DATA = Path(__file__).resolve().parent.parent / "data"
LABELS_PATH = DATA / "train_labels.csv"
HAND_PATH = DATA / "hand_labels.csv"
LEXICONS = (DATA / "lexicon.csv", DATA / "lexicon_pilkada2018.csv", DATA / "lexicon_holdout_elections.csv")

# fold name -> (files, election slug used for scoring its posts)
FOLDS = {
    "pemilu-2024": (("pemilu2024_prabowo_gibran_tweets.csv", "pemilu2024_figures_tweets.csv",
                     "pemilu2024_aspect_labelled.csv", "pemilu2024_prabowo_gibran_news_headlines.csv"), "pemilu-2024"),
    "pilkada-2018": (("ibrohim_budi_2019_hatespeech_abusive.csv",), "pilkada-2018"),
    "pilkada-dki-2017+pilpres-2014": (("stance_political_figures_2016.csv",), "pilkada-2017,pemilu-2014"),
}
EVERYDAY_FILES = ("smsa_sentiment.csv", "nusax_senti_id.csv")
FILE_FOLD = {f: name for name, (files, _slug) in FOLDS.items() for f in files}
FOLD_SLUG = {name: slug for name, (_files, slug) in FOLDS.items()}


@dataclass(frozen=True, slots=True)
class Row:
    file: str
    row_id: int
    label: str
    hand: bool
    fold: str  # the election fold; an everyday post's fold is where it is tested
    how: str = ""  # the rule that derived a rule label (train_labels.csv "how"); "hand" for hand-read rows

    @property
    def everyday(self) -> bool:
        return self.file in EVERYDAY_FILES

    @property
    def slug(self) -> str | None:
        """Election slug a training row is featurised with (everyday posts: every election, as before)."""
        return None if self.everyday else FOLD_SLUG.get(self.fold)  # verdicts ("extra"): every election


def _everyday_fold(file: str, row_id: int) -> str:
    names = list(FOLDS)
    return names[zlib.crc32(f"{file}:{row_id}".encode()) % len(names)]


def _row(file, row_id, label, hand, how="") -> Row:
    fold = _everyday_fold(file, row_id) if file in EVERYDAY_FILES else FILE_FOLD[file]
    return Row(file, int(row_id), label, hand, fold, "hand" if hand else how)


def dataset(labels_path=LABELS_PATH, hand_path=HAND_PATH) -> list[Row]:
    """Derived training labels (rules + hand) and the hand labels of the files the derivation skips
    (stance excerpts, NusaX)."""
    rows, seen = [], set()
    with open(labels_path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            rows.append(_row(r["file"], r["row_id"], r["label"], r.get("how") == "hand", r.get("how") or ""))
            seen.add((r["file"], int(r["row_id"])))
    with open(hand_path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            key = (r["file"], int(r["row_id"]))
            if key in seen or r["label"] not in ("partisan", "political", "other"):
                continue
            if r["file"] in ("stance_political_figures_2016.csv", "nusax_senti_id.csv"):
                rows.append(_row(r["file"], r["row_id"], r["label"], True))
    return rows


def _texts(rows, data_dir) -> list[str]:
    return [read_texts(str(data_dir), r.file)[r.row_id] for r in rows if r.file != "extra"]


def best_recall(scores, labels, min_precision=0.60, max_far=None) -> dict:
    """Highest recall over thresholds with precision >= min_precision (and false alarms <= max_far)."""
    best = {"recall": 0.0, "precision": 0.0, "false_alarm_rate": 0.0, "threshold": 1.0}
    for t in np.unique(np.round(scores, 4)):
        m = metrics_at(scores, labels, t)
        if m["precision"] >= min_precision and (max_far is None or m["false_alarm_rate"] <= max_far) \
                and m["recall"] > best["recall"]:
            best = m
    return best


def fold_metrics(scores, labels, threshold) -> dict:
    y = np.array([lab == "partisan" for lab in labels])
    return {
        "n": len(labels), "n_partisan": int(y.sum()), "n_other": labels.count("other"),
        "pr_auc": float(average_precision_score(y, scores)) if y.any() else 0.0,
        "best": best_recall(scores, labels),
        "best_far2": best_recall(scores, labels, max_far=0.02),
        "at_threshold": metrics_at(scores, labels, threshold),
    }


def run(recipe, data_dir=None, rows=None, train_rows=None, folds=None, save_dir=None, extra=None,
        collect=None) -> dict:
    """LOEO for ``recipe`` (a :class:`recipes.Recipe`): {fold: metrics} plus the mean.  ``rows`` give the
    test posts (their hand labels); ``train_rows`` (default ``rows``) what is learnt from, e.g. an older
    labels file to measure the model trained on it.  ``extra`` = (rows, texts) learnt in every fold
    (reviewers' verdicts).  ``collect`` (a list) receives each fold's (P(partisan), labels)."""
    data_dir = Path(data_dir or default_data_dir())
    rows = rows if rows is not None else dataset()
    train_rows = train_rows if train_rows is not None else rows
    feat = Featuriser(load_seed(*LEXICONS), recipe.config)
    train_texts = _texts(train_rows, data_dir)
    if extra and extra[0]:
        train_rows, train_texts = list(train_rows) + list(extra[0]), train_texts + list(extra[1])
    with no_gc():
        prepared = [feat.prepare(t, r.slug) for t, r in zip(train_texts, train_rows)]
    texts = _texts(rows, data_dir)
    out = {}
    for name in folds or FOLDS:
        t0 = time.process_time()
        train = [i for i, r in enumerate(train_rows) if r.fold != name]
        test = [i for i, r in enumerate(rows) if r.fold == name and r.hand]
        model = recipe.fit(feat, [prepared[i] for i in train], [train_rows[i] for i in train])
        slug = FOLD_SLUG[name]
        with no_gc():
            # everyday posts are screened with the held-out election's lexicon, as its reviewer would
            prep_test = [feat.prepare(texts[i], slug) for i in test]
        proba = model.proba(feat.matrix(prep_test))
        scores = proba[:, 0]
        labels = [rows[i].label for i in test]
        if collect is not None:
            collect.append((scores, labels))
        if save_dir:
            np.savez(Path(save_dir) / f"{recipe.name}-{name}.npz", proba=proba, labels=np.array(labels),
                     prior=model.prior)
        thr = election_threshold(proba, default=model.fixed_threshold)
        m = fold_metrics(scores, labels, thr)
        m["threshold_rule"] = "threshold.election_threshold (no labels)"
        m["fixed_threshold"] = metrics_at(scores, labels, model.fixed_threshold)
        m["train_cpu_s"] = round(time.process_time() - t0, 1)
        m["n_train"] = len(train)
        out[name] = m
    out["mean"] = _mean([out[n] for n in folds or FOLDS])
    return out


def from_saved(save_dir, recipe_name: str, fixed_threshold: float = 0.3533) -> dict:
    """The LOEO figures again from a run's saved probabilities (``--save-scores``), with today's threshold
    rule: the probabilities do not depend on it, so a rule can be changed without refitting."""
    out = {}
    for name in FOLDS:
        path = Path(save_dir) / f"{recipe_name}-{name}.npz"
        if not path.exists():
            continue
        d = np.load(path)
        proba, labels = d["proba"], [str(x) for x in d["labels"]]
        m = fold_metrics(proba[:, 0], labels, election_threshold(proba, default=fixed_threshold))
        m["threshold_rule"] = "threshold.election_threshold (no labels)"
        m["fixed_threshold"] = metrics_at(proba[:, 0], labels, fixed_threshold)
        out[name] = m
    out["mean"] = _mean([out[n] for n in FOLDS if n in out])
    return out


def _mean(ms: list[dict]) -> dict:
    def avg(get):
        return float(np.mean([get(m) for m in ms]))
    return {
        "pr_auc": avg(lambda m: m["pr_auc"]),
        "best": {k: avg(lambda m, k=k: m["best"][k]) for k in ("recall", "precision", "false_alarm_rate")},
        "best_far2": {k: avg(lambda m, k=k: m["best_far2"][k]) for k in ("recall", "precision", "false_alarm_rate")},
        "at_threshold": {k: avg(lambda m, k=k: m["at_threshold"][k]) for k in ("precision", "recall", "false_alarm_rate")},
    }


def format_table(results: dict) -> str:
    """Markdown table: one row per held-out election and the mean."""
    head = ("| held-out election | n (partisan / other) | PR-AUC | recall at P>=0.60 (false alarms) | "
            "recall at P>=0.60 and FA<=2 % | at the election's threshold: P / R / FA |\n|---|---|---|---|---|---|\n")
    lines = []
    for name, m in results.items():
        b, b2, t = m["best"], m["best_far2"], m["at_threshold"]
        n = f"{m['n']} ({m['n_partisan']} / {m['n_other']})" if "n" in m else ""
        lines.append(f"| {name} | {n} | {m['pr_auc']:.2f} | {b['recall']:.2f} ({100 * b['false_alarm_rate']:.1f} %) | "
                     f"{b2['recall']:.2f} | {t['precision']:.2f} / {t['recall']:.2f} / {100 * t['false_alarm_rate']:.1f} % |")
    return head + "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Leave-one-election-out evaluation")
    ap.add_argument("--data", default=None)
    ap.add_argument("--recipe", action="append", default=None, help=f"one of {', '.join(RECIPES)}")
    ap.add_argument("--train-labels", default=None,
                    help="labels file to learn from (default: train_labels.csv), e.g. an older one")
    ap.add_argument("--save-scores", default=None, help="folder for each fold's probabilities and labels (.npz)")
    ap.add_argument("--from-saved", default=None, help="recompute the tables from a folder of saved scores")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    if a.from_saved:
        for name in a.recipe or ["active"]:
            print(f"## {name}\n\n" + format_table(from_saved(a.from_saved, name)))
        return 0
    rows = dataset()
    train_rows = dataset(a.train_labels) if a.train_labels else rows
    for name in a.recipe or ["active"]:
        res = run(RECIPES[name], a.data, rows, train_rows, save_dir=a.save_scores)
        print(f"## {name}\n\n" + format_table(res))
        if a.json:
            print(json.dumps({name: res}, ensure_ascii=False))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
