"""Tests for what lets screening hold on an election it has never seen (issue #30): role tokens from the
election's lexicon, stance features, the threshold of an election without verdicts, recalibration from
verdicts and the leave-one-election-out harness.  Pure engine (no database); every post below was written
for these tests."""
from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest

from reports.screening.engine.features import DENSE_NAMES, STANCE2_NAMES, STANCE_NAMES, FeatureConfig, Featuriser
from reports.screening.engine.lexicon import Lexicon, load_seed
from reports.screening.engine.model import LEXICON_PATH, Scorer
from reports.screening.engine.threshold import (MIN_POSTS, MIN_VERDICTS, election_threshold,
                                                expected_false_alarms, verdict_threshold)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "reports" / "screening" / "data"
DATA_DIR = Path(os.environ.get("SCREENING_DATA_DIR") or REPO.parent / "shared" / "data" / "screening")
needs_data = pytest.mark.skipif(not DATA_DIR.is_dir() and os.environ.get("REQUIRE_SERVICES") != "1",
                                reason=f"shared screening data not found at {DATA_DIR}")

# a made-up regional race: two pairs, numbers, a slogan
NEW_ELECTION = [
    ("pilkada-2029", "Budi Santoso", "candidate", "kota-x:01-budi-ani", 0.6),
    ("pilkada-2029", "Budi-Ani", "candidate", "kota-x:01-budi-ani", 0.8),
    ("pilkada-2029", "Citra Lestari", "candidate", "kota-x:02-citra-dodi", 0.6),
    ("pilkada-2029", "Citra-Dodi", "candidate", "kota-x:02-citra-dodi", 0.8),
    ("pilkada-2029", "Kota X Bangkit", "slogan", "kota-x:01-budi-ani", 0.8),
    ("pilkada-2029", "Partai Maju Jaya", "party", "party:pmj", 0.5),
]


def _lexicon():
    from reports.screening.engine.lexicon import read_rows

    return Lexicon([*read_rows(LEXICON_PATH), *NEW_ELECTION])


# --- role tokens ---------------------------------------------------------------------------------------------
def test_election_lexicon_turns_names_into_role_tokens():
    feat = Featuriser(_lexicon())
    p = feat.prepare("Ayo coblos Budi-Ani, Kota X Bangkit! Partai Maju Jaya nomor 1", "pilkada-2029")
    assert "budi" not in p.placeholder and "kota x" not in p.placeholder and "maju jaya" not in p.placeholder
    assert "__cand__" in p.placeholder and "__slogan__" in p.placeholder and "__party__" in p.placeholder
    # the same words are kept as words for an election whose lexicon does not hold them
    assert "budi" in feat.prepare("Ayo coblos Budi-Ani", "pemilu-2024").placeholder


def test_support_for_either_candidate_scores_the_same():
    """The model sees 'support for a candidate', not who: swapping the candidate changes nothing."""
    s = Scorer().with_lexicon(_lexicon())
    a, b = s.score_batch(["Ayo warga, coblos Budi-Ani, pemimpin yang sudah terbukti kerjanya!",
                          "Ayo warga, coblos Citra-Dodi, pemimpin yang sudah terbukti kerjanya!"], "pilkada-2029")
    assert a["score"] == pytest.approx(b["score"], abs=1e-12)
    assert {sp["term"] for sp in a["spans"]} == {"Budi-Ani", "coblos"}


def test_stance_features_are_opt_in_and_election_independent():
    lex = _lexicon()
    old = Featuriser(lex).prepare("Ayo kita menangkan pemimpin hebat ini!", "pilkada-2029")
    assert len(old.dense) == len(DENSE_NAMES)  # saved models (features v2) keep their width
    feat = Featuriser(lex, FeatureConfig(stance=True, version=3))
    call = feat.prepare("Ayo kita coblos Budi-Ani, pemimpin hebat yang terbukti kerjanya!", "pilkada-2029")
    mock = feat.prepare("Programnya gagal, janjinya bohong, pemimpin karbitan", "pilkada-2029")
    ads = feat.prepare("Promo diskon 50% #promo #diskon #murah #belanja @toko_a @toko_b", "pilkada-2029")
    st = {k: dict(zip(STANCE_NAMES, p.dense[len(DENSE_NAMES):])) for k, p in
          (("call", call), ("mock", mock), ("ads", ads))}
    assert len(call.dense) == len(DENSE_NAMES) + len(STANCE_NAMES)
    assert st["call"]["st_call"] > 0 and st["call"]["st_we"] > 0 and st["call"]["st_praise_target"] > 0
    assert st["mock"]["st_mock_target"] > 0 and st["mock"]["st_call"] == 0
    assert st["ads"]["st_hashtags"] > st["call"]["st_hashtags"] and st["ads"]["st_praise"] == 0
    assert feat.matrix([call, mock, ads]).shape[1] == 2 ** 18 + 2 ** 17 + len(DENSE_NAMES) + len(STANCE_NAMES)


def test_negative_evidence_features_name_what_the_model_raised_wrongly():
    """Features v4 (`stance2`): complaints full of @mentions, ads with hashtag lists, a neutral mention of the office
    holder and news naming a candidate each light their own feature; a call for a candidate lights none of them."""
    feat = Featuriser(_lexicon(), FeatureConfig(stance=True, stance2=True, version=4))
    posts = {
        "complaint": "@bank_a @bank_cs @ojk tolong saldo saya hilang, pelayanan lambat, kecewa",
        "ads": "Ready stok! Harga promo, order via DM #promo #diskon #murah #belanja #jualan",
        "office": "Presiden meresmikan bendungan dan meninjau sawah warga",
        "news": "Budi-Ani kunjungi pasar, janji turunkan harga - kotax.com",
        "call": "Ayo kita coblos Budi-Ani, pemimpin hebat yang terbukti kerjanya! #BudiAni @warga",
        "camp": "Pendukung sebelah makin panik, programnya gagal dan janjinya bohong",
    }
    st = {k: dict(zip(STANCE2_NAMES, feat.prepare(t, "pilkada-2029").dense[len(DENSE_NAMES) + len(STANCE_NAMES):]))
          for k, t in posts.items()}
    assert st["complaint"]["st2_complaint"] > 0 and st["complaint"]["st2_mentions_nopol"] > 0
    assert st["ads"]["st2_commerce"] > 0 and st["ads"]["st2_tags_notarget"] > 0
    assert st["office"]["st2_head_neutral"] == 1.0 and st["office"]["st2_office"] > 0
    assert st["news"]["st2_news_target"] == 1.0
    assert st["camp"]["st2_camp"] > 0 and st["camp"]["st2_eval_untargeted"] > 0 and st["camp"]["st2_camp_eval"] > 0
    call = st["call"]
    assert call["st2_mentions_nopol"] == call["st2_tags_notarget"] == call["st2_head_neutral"] == 0
    assert call["st2_news_target"] == call["st2_commerce"] == call["st2_complaint"] == 0
    width = 2 ** 18 + 2 ** 17 + len(DENSE_NAMES) + len(STANCE_NAMES) + len(STANCE2_NAMES)
    assert feat.matrix([feat.prepare(t, "pilkada-2029") for t in posts.values()]).shape == (len(posts), width)
    # models saved with features v3 keep their width
    assert len(Featuriser(_lexicon(), FeatureConfig(stance=True, version=3)).prepare(posts["call"]).dense) == \
        len(DENSE_NAMES) + len(STANCE_NAMES)


def test_headline_source_counts_as_news_from_features_v5_only():
    """The normaliser drops the dash of " - source", so up to features v4 ``st_news`` only saw the news words
    (the saved models were trained so and keep it); v5 (``news_raw``) reads the source on the raw text."""
    i = len(DENSE_NAMES) + STANCE_NAMES.index("st_news")
    v3 = Featuriser(_lexicon(), FeatureConfig(stance=True, version=3))
    v5 = Featuriser(_lexicon(), FeatureConfig(stance=True, news_raw=True, version=5))
    headline = "Budi-Ani kunjungi pasar, janji turunkan harga - Kompas"
    for text in (headline, "Budi-Ani kunjungi pasar | kotax.com https://t.co/x", "Harga naik \u2014 Detik"):
        assert v3.prepare(text, "pilkada-2029").dense[i] == 0.0, text
        assert v5.prepare(text, "pilkada-2029").dense[i] == 1.0, text
    for text in ("Budi-Ani kunjungi pasar, warga senang", "Ayo coblos Budi-Ani - kota kita maju terus bersama"):
        assert v5.prepare(text, "pilkada-2029").dense[i] == 0.0, text
    # the news words count in both versions, and the rest of the features are v3's
    worded = "Harga naik, kata Budi"
    assert v3.prepare(worded, "pilkada-2029").dense[i] == v5.prepare(worded, "pilkada-2029").dense[i] == 1.0
    a, b = v3.prepare(headline, "pilkada-2029").dense, v5.prepare(headline, "pilkada-2029").dense
    assert a[:i] + a[i + 1:] == b[:i] + b[i + 1:] and len(a) == len(b)


# --- threshold of an election without verdicts --------------------------------------------------------------
def _unseen_election():
    """Probabilities (partisan, political, other) of 250 posts of an election the model never saw: 150 everyday
    posts it is sure about, 60 political ones, and 40 partisan posts it scores low (compressed)."""
    proba = np.array([[0.01, 0.04, 0.95]] * 150 + [[0.05, 0.90, 0.05]] * 60 + [[0.15, 0.80, 0.05]] * 40)
    labels = np.array(["other"] * 150 + ["political"] * 60 + ["partisan"] * 40)
    return proba, labels


def test_threshold_of_an_election_comes_from_its_own_scores():
    """The model's own threshold (0.353) flags none of the compressed partisan posts; the election's threshold,
    from its score distribution and no labels, flags them and keeps everyday posts out."""
    proba, labels = _unseen_election()
    t = election_threshold(proba, default=0.353)
    assert t == pytest.approx(0.15)
    flagged = proba[:, 0] >= t
    assert (labels[flagged] == "partisan").all() and flagged[labels == "partisan"].all()
    assert not (proba[:, 0] >= 0.353).any()
    s, fa = expected_false_alarms(proba)
    assert np.all(np.diff(s) <= 0) and np.all(np.diff(fa) >= 0) and fa[-1] == pytest.approx(1.0)
    assert fa[39] == pytest.approx(2.0 / 147.5)  # 40 posts x P(other) 0.05 over the whole P(other) mass


def test_too_few_posts_keep_the_models_own_threshold():
    proba, _labels = _unseen_election()
    assert election_threshold(proba[:MIN_POSTS - 1], default=0.353) == 0.353


# --- recalibration from verdicts ----------------------------------------------------------------------------
def test_verdicts_set_the_threshold_once_there_are_enough():
    rng = np.random.default_rng(3)
    assert verdict_threshold([0.9] * (MIN_VERDICTS - 1), ["partisan"] * (MIN_VERDICTS - 1)) is None
    scores = np.concatenate([rng.uniform(0.05, 0.3, 40), rng.uniform(0.0, 0.06, 60)])
    labels = ["partisan"] * 40 + ["other"] * 60
    t = verdict_threshold(scores, labels)
    # partisan posts of this election score low; the cut follows them down to 90 % recall, no everyday post above
    assert t is not None and 0.06 < t < 0.1
    assert (scores[:40] >= t).mean() >= 0.9 and not (scores[40:] >= t).any()
    # an everyday post at 0.2, reviewed as a calibration sample drawn 1 in 10 from its band, stands for 10 such
    # posts: counted once it is a 1.6 % false alarm, counted ten times it is 14 %, and the cut moves above it
    scores = np.concatenate([np.linspace(0.1, 0.5, 40), np.linspace(0.0, 0.05, 60), [0.2]])
    labels = ["partisan"] * 40 + ["other"] * 61
    w = np.ones(len(scores))
    w[-1] = 10.0
    t, t_w = verdict_threshold(scores, labels), verdict_threshold(scores, labels, weights=w)
    assert t < 0.2 < t_w


# --- leave-one-election-out harness -------------------------------------------------------------------------
def test_loeo_folds_cover_the_elections_and_keep_everyday_posts_apart():
    from reports.screening.engine.loeo import FOLDS, dataset

    rows = dataset()
    assert set(FOLDS) == {"pemilu-2024", "pilkada-2018", "pilkada-dki-2017+pilpres-2014"}
    folds = {r.fold for r in rows}
    assert folds == set(FOLDS)
    for name in FOLDS:
        test = [r for r in rows if r.fold == name and r.hand]
        assert sum(r.label == "partisan" for r in test) >= 90, name
        assert sum(r.everyday and r.label == "other" for r in test) >= 100, name
    everyday = [r for r in rows if r.everyday]
    assert len({r.fold for r in everyday}) == 3


def test_a_recipe_weighs_rule_labels_by_the_rule_that_derived_them():
    """`rule_weight` lowers the rows a named rule labelled (a hashtag alone); hand-read rows keep the hand weight."""
    from reports.screening.engine.loeo import dataset
    from reports.screening.engine.recipes import RECIPES

    rows = dataset()
    w = RECIPES["stance_tagrule03"].rows_weights(rows)
    by_how = {}
    for r, wk in zip(rows, w):
        by_how.setdefault(r.how.split(":")[-1], set()).add(float(wk))
    assert by_how["campaign_hashtag"] == {0.3} and by_how["lexicon_slogan"] == {0.3}
    assert by_how["hand"] == {3.0} and by_how["political_topic"] == {1.0}


def test_hand_labels_guide_and_counts():
    rows = list(csv.DictReader(open(DATA / "hand_labels.csv", encoding="utf-8")))
    assert set(rows[0]) == {"file", "row_id", "label", "pool"}
    assert len({(r["file"], r["row_id"]) for r in rows}) == len(rows)
    new = [r for r in rows if r["pool"] not in ("read-2026-11", "holdout-2026-11") and r["label"] != "skip"]
    assert len(new) >= 2000
    files = {r["file"] for r in new}
    assert {"pemilu2024_prabowo_gibran_tweets.csv", "ibrohim_budi_2019_hatespeech_abusive.csv",
            "stance_political_figures_2016.csv", "smsa_sentiment.csv", "nusax_senti_id.csv"} <= files
    guide = (DATA / "LABELS.md").read_text(encoding="utf-8")
    assert "Hand-labelling guide" in guide and "Borderline cases" in guide


@needs_data
def test_loeo_on_a_small_recipe_reports_every_figure(tmp_path):
    from dataclasses import replace

    from reports.screening.engine.loeo import dataset, run
    from reports.screening.engine.recipes import RECIPES

    rows = dataset()
    rng = np.random.default_rng(0)
    keep = [r for r in rows if r.hand or rng.random() < 0.05]  # a quick run: all hand labels, 5 % of the rest
    res = run(replace(RECIPES["active"], use_former_holdout=True), rows=keep, folds=["pilkada-2018"],
              save_dir=tmp_path)
    m = res["pilkada-2018"]
    assert 0 <= m["pr_auc"] <= 1 and m["n"] >= 500
    for k in ("best", "best_far2", "at_threshold", "fixed_threshold"):
        assert {"precision", "recall", "false_alarm_rate"} <= set(m[k])
    assert (tmp_path / "active-pilkada-2018.npz").is_file()
    assert res["mean"]["pr_auc"] == pytest.approx(m["pr_auc"])
