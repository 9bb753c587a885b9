"""Calibrated linear classifier (partisan / political / other) and the Scorer.

A saved model lives in ``reports/screening/model/<version>/`` as
``model.joblib`` (classifier + feature config + thresholds) and
``metrics.json``; ``reports/screening/model/ACTIVE`` names the default
version.  Pure Python + scikit-learn; no Django.
"""
from __future__ import annotations

import json
from pathlib import Path

import joblib
import numpy as np

from . import threshold
from .features import FeatureConfig, Featuriser, no_gc
from .lexicon import Lexicon, Match, load_seed

Match_fields = Match._fields

__all__ = ["LABELS", "Scorer", "MODEL_DIR", "LEXICON_PATH", "active_version", "save_model"]

LABELS = ("partisan", "political", "other")
ENGINE_DIR = Path(__file__).resolve().parent
MODEL_DIR = ENGINE_DIR.parent / "model"
DATA_DIR = ENGINE_DIR.parent / "data"
LEXICON_PATH = DATA_DIR / "lexicon.csv"


def active_version(model_dir=MODEL_DIR) -> str:
    p = Path(model_dir) / "ACTIVE"
    if not p.exists():
        raise FileNotFoundError(f"no trained model: {p} missing (run the train command)")
    return p.read_text(encoding="utf-8").strip()


def save_model(out_dir, version: str, clf, config: FeatureConfig, thresholds: dict, metrics: dict,
               set_active: bool = True, prior=None) -> Path:
    d = Path(out_dir) / version
    d.mkdir(parents=True, exist_ok=True)
    joblib.dump(
        {"clf": clf, "config": config.to_dict(), "labels": list(clf.classes_),
         "thresholds": thresholds, "version": version, "prior": prior},
        d / "model.joblib", compress=3,
    )
    (d / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if set_active:
        (Path(out_dir) / "ACTIVE").write_text(version + "\n", encoding="utf-8")
    return d


class Scorer:
    """Full screening: normalise + lexicon + model.

    ``Scorer.score_batch(texts, election_slug)`` -> list of dicts with
    ``score`` (P(partisan), 0-1), ``label``, ``probs``, ``spans`` (lexicon
    evidence; ``start``/``end`` index the raw text, -1 when only found in the
    normalised text), ``model_version``, ``review`` / ``priority`` flags.
    """

    def __init__(self, model_dir=MODEL_DIR, version: str | None = None, lexicon: Lexicon | None = None,
                 lexicon_paths=None, clf=None, config: FeatureConfig | None = None, thresholds=None, prior=None):
        if clf is None:
            version = version or active_version(model_dir)
            blob = joblib.load(Path(model_dir) / version / "model.joblib")
            clf = blob["clf"]
            cfg = dict(blob["config"])
            cfg["char_ngram"] = tuple(cfg.get("char_ngram", (4, 4)))
            config = FeatureConfig(**cfg)
            thresholds = blob.get("thresholds", {})
            version = blob.get("version", version)
            prior = blob.get("prior")
        if lexicon is None:
            lexicon = load_seed(*(lexicon_paths or [LEXICON_PATH]))
        self.clf = clf
        self.version = version or "unsaved"
        self.config = config or FeatureConfig()
        self.lexicon = lexicon
        self.featuriser = Featuriser(lexicon, self.config)
        self.thresholds = dict(thresholds or {})
        # training label shares (partisan, political, other) the probabilities are calibrated to; models saved
        # before they were recorded get the shares of their training labels (LABELS.md)
        self.prior = list(prior) if prior is not None else [0.2156, 0.2558, 0.5286]
        classes = list(clf.classes_)
        self._ip = classes.index("partisan")
        self._classes = classes

    @property
    def review_threshold(self) -> float:
        return float(self.thresholds.get("review", 0.5))

    @property
    def priority_threshold(self) -> float:
        return float(self.thresholds.get("priority", 0.9))

    def with_lexicon(self, lexicon: Lexicon) -> "Scorer":
        """Same model, another lexicon (e.g. a reviewer-edited one)."""
        return Scorer(lexicon=lexicon, clf=self.clf, config=self.config, thresholds=self.thresholds,
                      version=self.version, prior=self.prior)

    def predict_proba(self, texts, election_slug: str | None = None) -> np.ndarray:
        with no_gc():
            prep = [self.featuriser.prepare(t, election_slug, with_raw=True) for t in texts]
            return self.clf.predict_proba(self.featuriser.matrix(prep))

    def proba3(self, texts, election_slug: str | None = None) -> np.ndarray:
        """(n, 3) probabilities in LABELS order (partisan, political, other)."""
        p = self.predict_proba(texts, election_slug) if texts else np.zeros((0, len(self._classes)))
        return p[:, [self._classes.index(k) for k in LABELS]]

    def election_threshold(self, proba3) -> float:
        """Review threshold for an election from its posts' probabilities (no labels; ``threshold``)."""
        return threshold.election_threshold(proba3, default=self.review_threshold)

    def scores(self, texts, election_slug: str | None = None) -> np.ndarray:
        """P(partisan) only (fast path for evaluation)."""
        if not texts:
            return np.zeros(0)
        return self.predict_proba(texts, election_slug)[:, self._ip]

    def score_batch(self, texts, election_slug: str | None = None) -> list[dict]:
        texts = list(texts)
        if not texts:
            return []
        with no_gc():
            return self._score_batch(texts, election_slug)

    def _score_batch(self, texts, election_slug):
        f = self.featuriser
        prep = [f.prepare(t, election_slug, with_raw=True) for t in texts]
        proba = self.clf.predict_proba(f.matrix(prep))
        lex = self.lexicon
        classes = self._classes
        ip = self._ip
        rv, pr = self.review_threshold, self.priority_threshold
        version = self.version
        # plain Python floats once per batch (numpy scalar access per cell is slow)
        rows = proba.tolist()
        best = proba.argmax(1).tolist()
        evidence = lex.evidence
        out = []
        for p, row, k in zip(prep, rows, best):
            spans = evidence(p.text, p.raw_hits, p.norm_hits) if p.raw_hits or p.norm_hits else []
            s = row[ip]
            out.append({
                "score": s,
                "label": classes[k],
                "probs": dict(zip(classes, row)),
                "spans": spans,
                "model_version": version,
                "review": s >= rv,
                "priority": s >= pr,
            })
        return out

    def score(self, texts, election: str | None = None):
        """``score("one post")`` -> dict; ``score([...])`` -> list of dicts."""
        if isinstance(texts, str):
            return self.score_batch([texts], election)[0]
        return self.score_batch(texts, election)
