"""Training recipes compared by leave-one-election-out (``loeo``) and used by ``train``.

A recipe says which labelled rows are learnt from, how they are weighted, which
features are built and which classifier is fitted.  ``RECIPES["active"]`` is how
model ``v20261125-a45c7f52`` was trained (rule labels, Pemilu 2024 / 2018 / SmSA only,
calibrated multinomial logistic regression); the others are the variants measured
in ``reports/screening/data/loeo.md``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression

from .features import FeatureConfig

__all__ = ["Recipe", "Fitted", "RECIPES", "CANDIDATE"]

FORMER_HOLDOUT = ("stance_political_figures_2016.csv", "nusax_senti_id.csv")


LABELS = ("partisan", "political", "other")


@dataclass
class Fitted:
    clf: object
    prior: np.ndarray  # share of partisan / political / other in the (weighted) training rows
    fixed_threshold: float = 0.3533  # the active model's raw review threshold, for comparison

    def proba(self, X) -> np.ndarray:
        """Columns in LABELS order."""
        p = self.clf.predict_proba(X)
        classes = list(self.clf.classes_)
        return p[:, [classes.index(k) for k in LABELS]]


@dataclass
class Recipe:
    name: str
    config: FeatureConfig = field(default_factory=FeatureConfig)
    C: float = 1.0
    hand_weight: float = 1.0
    use_former_holdout: bool = True  # train on the stance excerpts and NusaX (hand labels) too
    only_hand_of: tuple = ()  # files whose rule labels are ignored (hand labels only)
    seed: int = 13
    rule_weight: tuple = ()  # (rule name suffix, weight) pairs: rule-labelled rows whose `how` ends so weigh this
    note: str = ""

    def rows_weights(self, rows) -> np.ndarray:
        w = np.ones(len(rows))
        for k, r in enumerate(rows):
            if (r.file in FORMER_HOLDOUT and not self.use_former_holdout) or (r.file in self.only_hand_of and not r.hand):
                w[k] = 0.0
            elif r.hand:
                w[k] = self.hand_weight
            else:
                how = getattr(r, "how", "")
                for suffix, weight in self.rule_weight:
                    if how.endswith(suffix):
                        w[k] = weight
                        break
        return w

    def make_clf(self):
        base = LogisticRegression(C=self.C, max_iter=1000, tol=1e-3, class_weight="balanced", random_state=self.seed)
        return CalibratedClassifierCV(base, method="sigmoid", cv=3, ensemble=False)

    def fit(self, feat, prepared, rows, texts=None) -> Fitted:
        w = self.rows_weights(rows)
        keep = np.flatnonzero(w > 0)
        X = feat.matrix([prepared[i] for i in keep])
        y = np.array([rows[i].label for i in keep])
        clf = self.make_clf().fit(X, y, sample_weight=w[keep])
        prior = np.array([w[keep][y == k].sum() for k in LABELS]) / w[keep].sum()
        return Fitted(clf, prior)


_ACTIVE = Recipe("active", use_former_holdout=False,
                 note="model v20261125-a45c7f52: rule labels (+484 hand rows), no stance/NusaX, features v2")
RECIPES = {
    "active": _ACTIVE,
    "hand": replace(_ACTIVE, name="hand", use_former_holdout=True,
                    note="+ the 2,037 new hand labels (rules overridden) + stance/NusaX hand labels"),
    "hand3": replace(_ACTIVE, name="hand3", use_former_holdout=True, hand_weight=3.0,
                     note="as hand, hand-read rows weigh 3"),
    "stance": replace(_ACTIVE, name="stance", use_former_holdout=True, hand_weight=3.0,
                      config=FeatureConfig(stance=True, version=3),
                      note="as hand3 + stance/address features (calls, we/you, praise/insult, record words)"),
    "nochar": replace(_ACTIVE, name="nochar", use_former_holdout=True, hand_weight=3.0,
                      config=FeatureConfig(use_char=False),
                      note="as hand3 without character 4-grams"),
    "stance_nochar": replace(_ACTIVE, name="stance_nochar", use_former_holdout=True, hand_weight=3.0,
                             config=FeatureConfig(use_char=False, stance=True, version=3),
                             note="as stance without character 4-grams (they carry names and spellings of one election)"),
    "stance_c03": replace(_ACTIVE, name="stance_c03", use_former_holdout=True, hand_weight=3.0, C=0.3,
                          config=FeatureConfig(stance=True, version=3),
                          note="as stance, three times stronger L2 regularisation (C 0.3)"),
    "stance_c01": replace(_ACTIVE, name="stance_c01", use_former_holdout=True, hand_weight=3.0, C=0.1,
                          config=FeatureConfig(stance=True, version=3),
                          note="as stance, ten times stronger L2 regularisation (C 0.1)"),
    "stance_h6": replace(_ACTIVE, name="stance_h6", use_former_holdout=True, hand_weight=6.0,
                         config=FeatureConfig(stance=True, version=3),
                         note="as stance, hand-read rows weigh 6 instead of 3"),
    "stance_h10": replace(_ACTIVE, name="stance_h10", use_former_holdout=True, hand_weight=10.0,
                          config=FeatureConfig(stance=True, version=3),
                          note="as stance, hand-read rows weigh 10 instead of 3 (is stance_h6's rise a trend?)"),
    "stance_tagrule03": replace(_ACTIVE, name="stance_tagrule03", use_former_holdout=True, hand_weight=3.0,
                                config=FeatureConfig(stance=True, version=3),
                                rule_weight=(("campaign_hashtag", 0.3), ("lexicon_slogan", 0.3)),
                                note="as stance, partisan rule labels that rest on a hashtag or slogan alone weigh 0.3"),
    "stance_partrule03": replace(_ACTIVE, name="stance_partrule03", use_former_holdout=True, hand_weight=3.0,
                                 config=FeatureConfig(stance=True, version=3),
                                 rule_weight=(("campaign_hashtag", 0.3), ("lexicon_slogan", 0.3),
                                              ("support_phrase", 0.3), ("evaluation", 0.3),
                                              ("polar_sentiment", 0.3), ("vote_instruction", 0.3)),
                                 note="as stance, every partisan rule label weighs 0.3 (hand-read partisan rows 3)"),
    "stance2_h10": replace(_ACTIVE, name="stance2_h10", use_former_holdout=True, hand_weight=10.0,
                           config=FeatureConfig(stance=True, stance2=True, version=4),
                           note="as stance_h10 + negative and camp evidence (commerce, complaint, office acts, camp "
                                "talk; news naming a candidate, tags or @mentions with nothing political); not adopted: "
                                "Pilkada 2018 PR-AUC 0.53 -> 0.49 (loeo.md)"),
    "stance_h10_news": replace(_ACTIVE, name="stance_h10_news", use_former_holdout=True, hand_weight=10.0,
                               config=FeatureConfig(stance=True, news_raw=True, version=5),
                               note="as stance_h10 with features v5: st_news also fires on a headline's "
                                    "\" - source\" read on the raw text (the normaliser drops the dash); not adopted: with the "
                                    "current labels Pilkada 2018 PR-AUC 0.53 -> 0.50 against the active model "
                                    "(loeo.md)"),
}
CANDIDATE = "stance_h10"
