"""The one token pass computes what the regular expressions it replaced computed (#30.7).

Stance counts, the gates of the generic patterns and the normaliser's split into tokens are computed from
per-token caches for speed; the committed model was trained on the expressions' values, so these tests hold
the fast code to the expressions (kept here as the reference) on posts written for the tests, on generated
posts that put every alternative and phrase next to punctuation, hyphens and other words, and on every post
of the shared data when it is present.  Pure Python, no database.
"""
from __future__ import annotations

import math
import os
import random
import re
from pathlib import Path

import pytest

from reports.screening.engine import features as F
from reports.screening.engine.lexicon import load_seed
from reports.screening.engine.model import LEXICON_PATH
from reports.screening.engine.normalise import normalise, tokens
from reports.screening.engine.sources import TEXT_COLUMN, read_texts

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("SCREENING_DATA_DIR") or REPO.parent / "shared" / "data" / "screening")

# the expressions of features v3 as the committed model was trained with them
_OLD_VERBS = ("pilih", "coblos", "dukung", "menang", "kawal")


def _reference_stance(ph: str, raw: str, has_target: bool) -> list[float]:
    def n(g):
        return math.log1p(len(F._ST_PATTERN[g].findall(ph)))

    record = F._ST_PATTERN[5]
    target = has_target or "__cand__" in ph or bool(record.search(ph))
    call, praise, mock, election = n(0), n(3), n(4), n(6)
    return [call, n(1), n(2), praise, mock, n(5), election, 1.0 if F._ST_NEWS.search(ph) else 0.0,
            praise if target else 0.0, mock if target else 0.0, call * election,
            math.log1p(raw.count("@")), math.log1p(raw.count("#")), 1.0 if "http" in raw or "urltoken" in ph else 0.0,
            math.log1p(len(ph.split())) / 5.0]


def _reference_patterns(ph: str) -> list[float]:
    has_verb = any(v in ph for v in _OLD_VERBS)
    return [1.0 if "__n__" in ph and F._PAT_PAIRNO.search(ph) else 0.0,
            1.0 if has_verb and F._PAT_VOTECALL.search(ph) else 0.0,
            1.0 if has_verb and F._PAT_NEGCALL.search(ph) else 0.0,
            1.0 if ("ku " in ph or "jagoan" in ph) and F._PAT_POSSESS.search(ph + " ") else 0.0]


def _generated_posts(n: int = 3000, seed: int = 11) -> list[str]:
    """Every alternative of every group (with its regex spelled out: ``ayooo``, ``gass``, ``walikota``), the
    two-word phrases (also misspelt and split by punctuation), glued to hyphens, apostrophes and suffixes."""
    rng = random.Random(seed)
    words = ["ayooo", "ayok", "yuuk", "gass", "gaspol", "gaspoll", "pilihlah", "dukunglah", "walikota", "wali kota",
             "wali-kota", "jngan lupa", "jangan lupa", "jangan  lupa", "jangan, lupa", "all in", "luar biasa",
             "pemimpin sejati", "haus kekuasaan", "rekam jejak", "track record", "kerja nyata", "anak presiden",
             "pasangan calon", "nomor urut", "calon presiden", "calon pemimpin", "kita-kita", "kamu2", "__cand__",
             "presidenku", "jagoan", "jagoanku", "no 2", "coblos 1", "jangan pilih", "tolak dukung", "ayo kita pilih",
             "- detik.com", "kata dia", "menurut", "😂", "'", "mu'", "gubernur'nya", "harus", "wajib", "#x", "@y",
             "http://t.co/a"]
    for _, alts in F._ST_GROUPS + F._GATE_GROUPS:
        words += [a.replace("?", "").replace("+", "").replace("(:", "").replace("(", "").replace(")", "")
                  for a in alts]
        words += list(alts[:3])
    filler = ["dan", "yang", "ini", "pak", "bu", "rakyatnya", "kitab", "mantapp", "di", "ke", "2024", "x"]
    out = []
    for _ in range(n):
        k = rng.randint(1, 14)
        out.append(" ".join(rng.choice(words if rng.random() < 0.6 else filler) for _ in range(k)))
    return out


def _shared_posts() -> list[str]:
    if not DATA_DIR.is_dir():
        return []
    out = []
    for fname in TEXT_COLUMN:
        if (DATA_DIR / fname).exists():
            out.extend(read_texts(str(DATA_DIR), fname))
    return out


def _check(feat: F.Featuriser, texts) -> int:
    k = len(F.DENSE_NAMES)
    checked = 0
    for t in texts:
        p = feat.prepare(t, "pemilu-2024")
        ph = p.placeholder
        assert p.tokens == ph.split()
        assert p.dense[11:15] == _reference_patterns(ph), (t, ph)
        has_target = sum(math.expm1(p.dense[i]) for i in (0, 1, 3, 5)) > 0.5
        assert p.dense[k:] == _reference_stance(ph, t, has_target), (t, ph)
        checked += 1
    return checked


def test_token_pass_matches_the_expressions_on_generated_posts():
    feat = F.Featuriser(load_seed(LEXICON_PATH), F.FeatureConfig(stance=True, version=3))
    posts = _generated_posts() + ["Ayo kita coblos Budi-Ani, pemimpin hebat yang terbukti kerjanya!",
                                  "Jngan lupa ya, wali kota kita gagal total", "presidenku", "jagoan",
                                  "", "   ", "2024", "Harga cabai naik - kompas.com"]
    assert _check(feat, posts) == len(posts)


def test_stance_counts_match_findall_per_group():
    for ph in _generated_posts(800, seed=3):
        counts = F.word_counts(ph, ph.split())
        for g in range(len(F._ST_GROUPS)):
            assert counts[g] == len(F._ST_PATTERN[g].findall(ph)), (g, ph)


def test_negative_evidence_counts_match_findall_per_group():
    """The one-word groups of features v4 are counted in the same token pass as the stance groups."""
    first = len(F._ST_GROUPS) + len(F._GATE_GROUPS)
    words = [a for _, alts in F._ST2_GROUPS for a in alts] + ["tolong-menolong", "admin's", "harga2", "@cs", "#promo"]
    rng = random.Random(5)
    for _ in range(500):
        ph = " ".join(rng.choice(words + ["dan", "yang", "kita"]) for _ in range(rng.randint(1, 12)))
        counts = F.word_counts(ph, ph.split())
        for g, (_, alts) in enumerate(F._ST2_GROUPS):
            assert counts[first + g] == len(F._stance_pattern(alts).findall(ph)), (g, ph)


def test_a_very_long_post_is_counted_without_overflow():
    ph = "kita " * 70_000
    assert F.word_counts(ph, ph.split())[1] == 70_000


@pytest.mark.parametrize("text", [
    "don't 'abc' a'b'c x''y 12ab34 ''' ' ok", "Caf\u00e9 \u212a k", "", "''", "a  b", "\x7f\x00a\tb",
    "AYOOO coblos no.2!!! #Ganjar2024 @x http://a.co/x www.b.id t.co/z", "x\ud800y 😂😂mantaaap🙏 ÉCOLE İstanbul",
    "ＡＢＣ ٣ 😂\u200d", "pagi2 sdh macet\\xf0\\x9f\\x98\\x82 USER URL",
])
def test_normalise_joins_the_tokens(text):
    assert normalise(text) == " ".join(tokens(text))


@pytest.mark.skipif(not DATA_DIR.is_dir() and os.environ.get("REQUIRE_SERVICES") != "1",
                    reason=f"shared screening data not found at {DATA_DIR}")  # CI (REQUIRE_SERVICES=1) fails instead
def test_token_pass_matches_the_expressions_on_every_shared_post():
    posts = _shared_posts()
    assert len(posts) > 30_000
    feat = F.Featuriser(load_seed(LEXICON_PATH), F.FeatureConfig(stance=True, version=3))
    assert _check(feat, posts) == len(posts)
    assert all(normalise(t) == " ".join(tokens(t)) for t in posts)


def test_reference_expressions_are_the_groups():
    """The reference above builds on the groups; the gate words are the ones the patterns need."""
    assert F._PAT_VOTECALL.pattern.startswith(r"\b(?:ayo|mari|yuk|ayok|jangan lupa|wajib|harus)\b")
    for w in ("ayo", "mari", "yuk", "ayok", "jangan", "wajib", "harus"):
        assert F._WHOLE[F._G_OPEN](w)
    for w in re.search(r"\(\?:([a-z|]+)\)\\b$", F._PAT_VOTECALL.pattern).group(1).split("|"):
        assert F._WHOLE[F._G_VERB](w)
    for w in ("jangan", "tolak", "ogah", "haram"):
        assert F._WHOLE[F._G_NEG](w)


def _reference_matrix(feat: F.Featuriser, prepared):
    """The per-post matrix construction the batch construction replaced, hashing each post's tokens afresh as
    ``HashingVectorizer`` does (words and word bigrams with seed 0, character n-grams within spaces with seed 1)."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.utils import murmurhash3_32

    c = feat.config
    n_char = c.char_ngram[0]

    def h(s, seed, width):
        return murmurhash3_32(s, seed=seed, positive=True) % width

    w_ind, c_ind, w_ptr, c_ptr = [], [], [0], [0]
    for p in prepared:
        toks = p.placeholder.split()
        w_ind += [h(t, 0, c.word_features) for t in toks]
        w_ind += [h(a + " " + b, 0, c.word_features) for a, b in zip(toks, toks[1:])]
        for t in toks:
            s = " " + t + " "
            c_ind += [h(s[i:i + n_char], 1, c.char_features) for i in range(max(1, len(s) - n_char + 1))]
        w_ptr.append(len(w_ind))
        c_ptr.append(len(c_ind))
    n = len(prepared)

    def block(ind, ptr, width):
        from sklearn.preprocessing import normalize

        m = sp.csr_matrix((np.ones(len(ind), dtype=np.float32), np.asarray(ind, dtype=np.int32),
                           np.asarray(ptr, dtype=np.int32)), shape=(n, width))
        m.sum_duplicates()
        return normalize(m, norm="l2", copy=False)

    blocks = [block(w_ind, w_ptr, c.word_features),
              block(c_ind, c_ptr, c.char_features)]
    dense = np.asarray([p.dense for p in prepared], dtype=np.float32).reshape(n, -1)
    blocks.append(sp.csr_matrix(dense * c.dense_scale))
    return sp.hstack(blocks, format="csr", dtype=np.float32)


@pytest.mark.parametrize("batch", [
    ["", "kita", "", "ayo coblos __cand__ ya", "satu dua tiga", ""],
    ["x"], [""], ["ayo kita kita kita pilih pilih", "a b", "a b"],
])
def test_batch_matrix_is_the_per_post_matrix(batch):
    feat = F.Featuriser(load_seed(LEXICON_PATH), F.FeatureConfig(stance=True, version=3))
    posts = batch + _generated_posts(200, seed=5)
    prepared = [feat.prepare(t, "pemilu-2024") for t in posts]
    got, want = feat.matrix(prepared), _reference_matrix(feat, prepared)
    assert got.shape == want.shape
    assert (got.indptr == want.indptr).all() and (got.indices == want.indices).all()
    assert (got.data == want.data).all()


def test_batch_too_large_for_int32_keys_is_the_per_post_matrix():
    """8,200 rows of 2 ** 18 word columns need int64 sort keys, the char block's still fit int32."""
    feat = F.Featuriser(load_seed(LEXICON_PATH), F.FeatureConfig(stance=True, version=3))
    words = ["kita", "ayo", "pilih", "2024", "x", "dan", "😂", "mantap"]
    posts = [" ".join(words[(i + k) % len(words)] for k in range(i % 5)) for i in range(8_200)]
    prepared = [feat.prepare(t, "pemilu-2024") for t in posts]
    got, want = feat.matrix(prepared), _reference_matrix(feat, prepared)
    assert got.shape == want.shape
    assert (got.indptr == want.indptr).all() and (got.indices == want.indices).all()
    assert (got.data == want.data).all()


def test_phrase_hints_and_their_last_words_cover_every_phrase():
    """Each two-word alternative of a stance group is found by one of its group's hints, and its last word is a
    phrase-end word (the gate in front of the hints)."""
    for g, (_, alts) in enumerate(F._ST_GROUPS):
        for a in alts:
            if " " not in a:
                continue
            last = a.replace(" ?", " ").rsplit(" ", 1)[1]
            assert F._WHOLE[F._G_PHRASE_END](last), a
            spelt = re.sub(r".\?", "", a.replace(" ?", " "))  # the shortest spelling: "jngan lupa", "wali kota"
            assert any(h in spelt or h in a.replace("?", "") for h, gg in F._ST_PHRASE_HINTS if gg == g), a


def test_batch_of_empty_posts():
    feat = F.Featuriser(load_seed(LEXICON_PATH), F.FeatureConfig(stance=True, version=3))
    prepared = [feat.prepare(t, "pemilu-2024") for t in ("", "  ", "!!!")]
    got, want = feat.matrix(prepared), _reference_matrix(feat, prepared)
    assert got.shape == want.shape and got.nnz == want.nnz
    assert (got.toarray() == want.toarray()).all()


@pytest.mark.parametrize("text", [
    "lihat https://t.co/abc?x=1 dan WWW.Situs.ID/halo serta x.com/y\tz\u3000www.a.b", "a/b", "kompas.com/berita-1 ok",
    "http://", "www.", "..//", "foo.bar.co/ https:/x", "(https://a.id/x)", "Kunjungi:detik.com/a,b 😂https://x.ly/q",
])
def test_links_are_replaced_chunk_by_chunk_as_on_the_whole_text(text):
    from reports.screening.engine.normalise import _URL, _url_sub

    assert _url_sub(text).split() == _URL.sub(" urltoken ", text).split()
