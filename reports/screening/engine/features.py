"""Feature extraction for the screening model.

The classifier never sees candidate names, pair numbers, party names or
slogans themselves: lexicon matches in the normalised text are replaced by
generic placeholder tokens by kind (``__cand__``, ``__pairno__``,
``__party__``, ``__slogan__``, ``__gesture__``), and numbers by ``__n__`` /
``__year__`` / ``__num__``.  Election-neutral campaign verbs (``coblos``,
``dukung`` ...) stay as words.  This lets the model generalise to elections
and candidates it was not trained on: it learns "ajakan + __cand__", not a
name.

Sparse part: hashed word 1-2-grams + hashed character 4-grams (within word
boundaries, like scikit-learn's ``char_wb``) over the placeholder text, each
block L2-normalised.  Hashing is MurmurHash3 (as in ``HashingVectorizer``)
with per-token caches, so a word seen before costs a dict lookup.  Dense part: lexicon counts per kind,
maximum weight, and a few generic patterns.  Pure Python + scikit-learn.
"""
from __future__ import annotations

import gc
import math
import re
import struct
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.utils import murmurhash3_32
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

from .lexicon import Lexicon
from .normalise import normalise

__all__ = ["PLACEHOLDER", "FeatureConfig", "Featuriser", "Prepared", "DENSE_NAMES", "STANCE_NAMES", "STANCE2_NAMES",
           "no_gc"]


@contextmanager
def no_gc():
    """Pause the cyclic garbage collector while a batch is featurised.

    A batch allocates hundreds of thousands of small, acyclic objects (token
    lists, hit tuples, dicts); the collector's generation-0/1 passes over them
    cost about 20 % of scoring time and free nothing.  Reference counting
    still frees everything; the previous GC state is restored afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()

PLACEHOLDER = {
    "candidate": "__cand__",
    "pair_number": "__pairno__",
    "party": "__party__",
    "slogan": "__slogan__",
    "hashtag": "__slogan__",
    "gesture": "__gesture__",
    # campaign_verb: kept as words (election-neutral)
}

_NUM = re.compile(r"(?<![\w])\d+(?![\w])")


_HAS_DIGIT = re.compile(r"\d")
_NO_CHARS = np.zeros(0, dtype=np.int32)
_INT32 = struct.Struct("=i").pack  # a hash as the bytes of one native int32
_third = itemgetter(2)
def _num_sub(m: re.Match) -> str:
    s = m.group(0)
    if len(s) <= 2:
        return "__n__"
    if len(s) == 4 and s[:2] in ("19", "20"):
        return "__year__"
    return "__num__"


# generic, election-independent patterns over the placeholder text
_PAT_PAIRNO = re.compile(r"\b(?:no|nomor|nomer|nmr|urut|paslon|pasangan|calon|cagub|capres|cabup|cawalkot|coblos|pilih) __n__\b")
_PAT_VOTECALL = re.compile(
    r"\b(?:ayo|mari|yuk|ayok|jangan lupa|wajib|harus)\b.{0,40}\b(?:pilih|coblos|dukung|menangkan|nyoblos|kawal)\b"
)
_PAT_NEGCALL = re.compile(r"\b(?:jangan|tolak|ogah|haram)\b (?:pilih|coblos|dukung)\b")
_PAT_POSSESS = re.compile(r"\b(?:presidenku|gubernurku|pilihanku|calonku|capresku|idolaku|jagoanku|jagoan)\b")

def _has_verb_stem(text: str) -> bool:
    return "pilih" in text or "coblos" in text or "dukung" in text or "menang" in text or "kawal" in text


DENSE_NAMES = (
    "n_cand", "n_pairno", "n_party", "n_slogan", "n_verb", "n_gesture",
    "max_w", "max_w_target", "verb_and_target", "n_sides", "any_hit",
    "pat_pairno", "pat_votecall", "pat_negcall", "pat_possess",
)
_KIND_IDX = {"candidate": 0, "pair_number": 1, "party": 2, "slogan": 3, "hashtag": 3, "campaign_verb": 4, "gesture": 5}


# Stance and address, election-independent (``FeatureConfig.stance``, version 3): who is addressed and how,
# praise or mockery, a candidate's record, election context.  Measured by leave-one-election-out (loeo.md).
#
# Each group is a list of alternatives with the meaning of the regular expression ``\b(?:a|b|...)\b`` counted with
# ``findall`` over the placeholder text (``_stance_pattern`` builds that expression; the tests compare against it).
# They are computed in the one token pass instead: a count is the number of word runs (``\w+``) that an
# alternative matches whole, looked up per token in a cache; only a post that contains one of a group's
# two-word phrases (rare) is counted with the group's expression, since a phrase takes its words out of the count.
_ST_GROUPS = (
    ("call", ("ayo+k?", "yu+k", "mari", "jangan", "ja?ngan lupa", "pilih(?:lah)?", "coblos", "dukung(?:lah)?",
              "menangkan", "kawal", "lanjutkan", "gas+(?:poll?)?", "all in", "wajib", "harus")),
    ("we", ("kita", "kami", "rakyat", "warga")),
    ("you", ("kamu", "anda", "kalian", "lu", "lo", "elo", "loe", "kau", "mu")),
    ("praise", ("hebat", "keren", "mantap", "mantul", "terbaik", "tulus", "merakyat", "pantas", "layak", "cerdas",
                "jenius", "berani", "tegas", "juara", "istimewa", "bangga", "optimis", "amanah", "jujur", "peduli",
                "sukses", "berhasil", "luar biasa", "idola", "idolaku", "jagoan", "sayang", "cinta", "semangat",
                "bersih", "santun", "pemimpin sejati", "negarawan", "menang", "kemenangan", "unggul")),
    ("mock", ("bodoh", "dungu", "goblok", "goblog", "tolol", "bego", "oon", "gagal", "bohong", "pembohong", "boong",
              "ngibul", "curang", "kecurangan", "penjahat", "dinasti", "karbitan", "planga", "plonga", "omon",
              "gimik", "gimmick", "culik", "penculik", "pecundang", "blunder", "rakus", "licik", "haus kekuasaan",
              "pencitraan", "munafik", "penjilat", "jilat", "antek", "boneka", "kosong", "takut", "cacat", "kalah",
              "tumbang", "nyungsep", "keok", "mangkrak", "ngawur", "payah", "memalukan", "sontoloyo")),
    ("record", ("program", "janji", "janjinya", "prestasi", "kinerja", "rekam jejak", "track record", "pengalaman",
                "terbukti", "bukti", "kerja nyata", "gagasan", "visi", "misi", "wali ?kota", "gubernur", "menteri",
                "mantan", "bapaknya", "anaknya", "anak presiden", "paman", "keluarga", "gaji", "utang", "hutang",
                "ekonomi", "debat")),
    ("election", ("pilpres", "pemilu", "pilkada", "pilgub", "pileg", "capres", "cawapres", "cagub", "cawagub",
                  "cabup", "paslon", "pasangan calon", "kampanye", "putaran", "survei", "survey", "elektabilitas",
                  "suara", "tps", "nyoblos", "nomor urut", "calon presiden", "calon pemimpin", "pemimpin",
                  "presiden")),
    # the word half of the news-style pattern below (a trailing " - source" is the other half)
    ("news", ("kata", "ujar", "menurut", "mengatakan", "menyebut", "dinilai", "sebut")),
)
_ST_NEWS = re.compile(r"(?:^|\s)-\s+\S+(?:\.com|news|pos|tv|times)?\s*$|\bkata\b|\bujar\b|\bmenurut\b|\bmengatakan\b|"
                      r"\bmenyebut\b|\bdinilai\b|\bsebut\b")


def _stance_pattern(alternatives) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


_ST_PATTERN = tuple(_stance_pattern(alts) for _, alts in _ST_GROUPS)
_ST_WHOLE = tuple(re.compile("(?:" + "|".join(alts) + ")").fullmatch for _, alts in _ST_GROUPS)
# what a post must contain for one of a group's two-word phrases to change its count, as plain substrings found
# with ``in``.  "jangan lupa" is counted as "jangan" (an earlier alternative of the same group wins), so only
# "jngan lupa" needs the expression; "walikota" is one word run, counted like any word.
_ST_PHRASE_HINTS = (
    ("jngan lupa", 0), ("all in", 0), ("luar biasa", 3), ("pemimpin sejati", 3), ("haus kekuasaan", 4),
    ("rekam jejak", 5), ("track record", 5), ("kerja nyata", 5), ("wali kota", 5), ("anak presiden", 5),
    ("pasangan calon", 6), ("nomor urut", 6), ("calon presiden", 6), ("calon pemimpin", 6),
)
# Words the generic patterns above need (a match needs one of each), so that a post without them skips the
# expression: openers and verbs of ``_PAT_VOTECALL``, the negations of ``_PAT_NEGCALL`` ("jangan lupa" starts with
# "jangan"), and the possessives of ``_PAT_POSSESS``, whose count is the feature itself.
_GATE_GROUPS = (
    ("open", ("ayo", "mari", "yuk", "ayok", "jangan", "wajib", "harus")),
    ("verb", ("pilih", "coblos", "dukung", "menangkan", "nyoblos", "kawal")),
    ("neg", ("jangan", "tolak", "ogah", "haram")),
    ("possess", ("presidenku", "gubernurku", "pilihanku", "calonku", "capresku", "idolaku", "jagoanku", "jagoan")),
    # the last words of the phrases of ``_ST_PHRASE_HINTS``: a phrase ends in a whole word run, so a post
    # without any of them needs no phrase check
    ("phrase_end", ("lupa", "in", "biasa", "sejati", "kekuasaan", "jejak", "record", "nyata", "kota", "presiden",
                    "calon", "urut", "pemimpin")),
)
_G_OPEN, _G_VERB, _G_NEG, _G_POSSESS, _G_PHRASE_END = range(len(_ST_GROUPS), len(_ST_GROUPS) + len(_GATE_GROUPS))
# Negative and camp evidence (``FeatureConfig.stance2``, version 4), one word each (no phrases), aimed at what the
# model raised wrongly on unseen elections (customer complaints full of @mentions, product ads with hashtag lists,
# a neutral mention of the office holder, news naming candidates) and at the camp talk of implicit partisan posts.
_ST2_GROUPS = (
    ("commerce", ("harga", "promo", "diskon", "jual", "dijual", "jualan", "order", "ready", "stok", "stock", "ongkir",
                  "cod", "murah", "termurah", "beli", "belanja", "shopee", "tokopedia", "lazada", "testimoni", "joki",
                  "reseller", "grosir", "produk", "sale", "voucher", "cashback", "garansi", "dm", "wa", "whatsapp",
                  "katalog", "menu", "resto", "restoran", "enak", "porsi", "hotel", "tiket")),
    ("complaint", ("kecewa", "mengecewakan", "pelayanan", "layanan", "keluhan", "komplain", "refund", "paket",
                   "pesanan", "tagihan", "gangguan", "pulsa", "sinyal", "admin", "cs", "respon", "lambat", "lemot",
                   "rusak", "error", "kurir", "aplikasi", "akun", "transaksi", "saldo", "internet", "mohon", "tolong")),
    ("office", ("meresmikan", "peresmian", "meninjau", "kunjungan", "kunjungi", "mengunjungi", "rapat", "melantik",
                "pelantikan", "ktt", "menghadiri", "sidang", "kabinet", "kebijakan", "instruksi", "menginstruksikan",
                "memerintahkan", "menandatangani", "membuka", "menyerahkan", "bantuan")),
    ("head", ("presiden", "wapres", "gubernur", "wagub", "bupati", "walikota", "menteri", "pemerintah", "istana")),
    ("camp", ("kubu", "pendukung", "pendukungnya", "buzzer", "buzzerrp", "relawan", "timses", "jurkam", "lawan",
              "rival", "kandidat", "simpatisan", "kader", "kampret", "cebong", "kadrun", "berudu", "bani", "petahana",
              "penantang", "koalisi", "oposisi", "pilihanmu", "pilihanku", "pilihannya", "nyapres", "nyagub",
              "dicapreskan", "mencalonkan", "memimpin", "kepemimpinan", "pantas", "layak", "cocok", "mumpuni")),
)
(_G2_COMMERCE, _G2_COMPLAINT, _G2_OFFICE, _G2_HEAD,
 _G2_CAMP) = range(len(_ST_GROUPS) + len(_GATE_GROUPS), len(_ST_GROUPS) + len(_GATE_GROUPS) + len(_ST2_GROUPS))
_WORD_RUN = re.compile(r"\w+")
_WHOLE = _ST_WHOLE + tuple(re.compile("(?:" + "|".join(alts) + ")").fullmatch
                           for _, alts in _GATE_GROUPS + _ST2_GROUPS)
# A token's counts per group are packed into one integer, 16 bits a group, so that a post's counts are one
# ``sum`` over its tokens' codes; a post long enough to carry past 16 bits is counted group by group instead.
_BITS = 16
_FIELD = (1 << _BITS) - 1
_SHIFTS = tuple(_BITS * g for g in range(len(_WHOLE)))
_N_BYTES = _BITS // 8 * len(_WHOLE)
_unpack_fields = struct.Struct(f"<{len(_WHOLE)}H").unpack  # the 16-bit fields of a post's total, lowest first
_CODE_CACHE: dict[str, int] = {}
# ``_Token.code`` is a token's packed counts plus this flag (above every count's field) when numbers in the token
# were replaced: a post's sum says at once whether its text needs the replaced forms
_COUNTS = (1 << (_BITS * len(_WHOLE))) - 1
_NUMBER_FLAG = _COUNTS + 1
_CODE_CACHE_MAX = 300_000

STANCE_NAMES = ("st_call", "st_we", "st_you", "st_praise", "st_mock", "st_record", "st_election", "st_news",
                "st_praise_target", "st_mock_target", "st_call_election", "st_mentions", "st_hashtags", "st_url",
                "st_len")
STANCE2_NAMES = ("st2_commerce", "st2_complaint", "st2_office", "st2_head", "st2_camp", "st2_news_target",
                 "st2_tags_notarget", "st2_mentions_nopol", "st2_mention_density", "st2_tag_density",
                 "st2_head_neutral", "st2_eval_untargeted", "st2_camp_eval")


def _token_counts(tok: str) -> list[int]:
    runs = (tok,) if tok.isascii() and tok.isalnum() else _WORD_RUN.findall(tok)
    return [sum(1 for r in runs if whole(r)) for whole in _WHOLE]


def _token_code(tok: str) -> int:
    """The packed counts per group of one space-separated token (0 when it counts nowhere), memoised."""
    r = sum(c << s for c, s in zip(_token_counts(tok), _SHIFTS))
    if len(_CODE_CACHE) > _CODE_CACHE_MAX:
        _CODE_CACHE.clear()
    _CODE_CACHE[tok] = r
    return r


def word_counts(ph_text: str, toks: list[str]) -> list[int]:
    """Counts per group (``_ST_GROUPS`` then ``_GATE_GROUPS``) over the placeholder text ``ph_text`` split into
    ``toks`` (``ph_text.split()``): the stance groups count as their expressions do with ``findall``."""
    total = None
    if len(ph_text) < _FIELD:
        codes = list(map(_CODE_CACHE.get, toks))
        try:  # a token not seen before is a None, which ``sum`` refuses (cheaper than looking for it first)
            total = sum(codes)
        except TypeError:
            total = sum(c if c is not None else _token_code(t) for c, t in zip(codes, toks))
    return _unpacked_counts(ph_text, toks, total)


def _unpacked_counts(ph_text: str, toks: list[str], total: int | None) -> list[int]:
    """``word_counts`` given the sum of the tokens' packed codes (``None``: a post too long to pack)."""
    if total is None or len(ph_text) >= _FIELD:
        counts = [sum(col) for col in zip(*map(_token_counts, toks))] if toks else [0] * len(_WHOLE)
    else:
        counts = list(_unpack_fields(total.to_bytes(_N_BYTES, "little"))) if total else [0] * len(_WHOLE)
    if counts[_G_PHRASE_END]:
        for hint, g in _ST_PHRASE_HINTS:
            if hint in ph_text:
                counts[g] = len(_ST_PATTERN[g].findall(ph_text))
    return counts


_log1p = math.log1p
# the fields of ``_Token`` (``itemgetter`` is the cheapest reader of a tuple's field)
_form_of, _code_of, _word_of, _chars_of = (itemgetter(i) for i in range(4))


def stance_features(ph_text: str, raw: str, has_target: bool, toks: list[str] | None = None,
                    counts: list[int] | None = None, news_raw: bool = False) -> list[float]:
    """Election-independent stance/address features over the placeholder text (names already replaced).

    ``st_news`` is meant to fire on a news word or a headline ending in " - source"; the source half looks for
    the dash in the placeholder text, where the normaliser has dropped it, so up to features v4 only the words
    count (the saved models were trained so).  ``news_raw`` (features v5) reads the source on the raw text."""
    if toks is None:
        toks = ph_text.split()
    if counts is None:
        counts = word_counts(ph_text, toks)
    call, we, you, praise, mock, record, election, news = counts[:len(_ST_GROUPS)]
    if "-" in ph_text:  # never true (see above); kept so that v3 / v4 features stay what the models learnt
        news = 1 if _ST_NEWS.search(ph_text) else 0
    if news_raw and not news and ("-" in raw or "|" in raw or "\u2013" in raw or "\u2014" in raw):
        news = 1 if _RAW_SOURCE.search(raw) else 0
    call, praise, mock = _log1p(call), _log1p(praise), _log1p(mock)
    target = has_target or record > 0 or "__cand__" in ph_text
    election = _log1p(election)
    return [call, _log1p(we), _log1p(you), praise, mock, _log1p(record), election,
            1.0 if news else 0.0,
            praise if target else 0.0, mock if target else 0.0, call * election,
            _log1p(raw.count("@")), _log1p(raw.count("#")), 1.0 if "http" in raw or "urltoken" in ph_text else 0.0,
            _log1p(len(toks)) / 5.0]


_RAW_SOURCE = re.compile(r"\s[-|\u2013\u2014]\s*[A-Za-z][\w.]*(?: [\w.]+){0,3}\s*(?:https?://\S+\s*)*$")


def stance2_features(ph_text: str, raw: str, has_target: bool, toks: list[str], counts: list[int]) -> list[float]:
    """Negative and camp evidence (version 4): commerce, complaint and office-act words, camp talk, and the
    conjunctions a linear model cannot form itself (news naming a candidate, hashtags or @mentions with nothing
    political, the office holder named with no praise, mockery or call, praise or mockery of a record with no
    named target)."""
    call, _we, _you, praise, mock, record, election, news = counts[:len(_ST_GROUPS)]
    commerce, complaint, office, head, camp = (counts[_G2_COMMERCE], counts[_G2_COMPLAINT], counts[_G2_OFFICE],
                                               counts[_G2_HEAD], counts[_G2_CAMP])
    if not news and ("-" in raw or "|" in raw or "\u2013" in raw):
        # " - source" at the end of a headline, read on the raw text (the normaliser drops the dash)
        news = 1 if _RAW_SOURCE.search(raw) else 0
    named = has_target or "__cand__" in ph_text
    n_tok = max(1, len(toks))
    n_at, n_tag = raw.count("@"), raw.count("#")
    political = named or election or camp or praise or mock or call
    evaluative = praise + mock
    return [_log1p(commerce), _log1p(complaint), _log1p(office), _log1p(head), _log1p(camp),
            1.0 if news and named else 0.0,
            _log1p(n_tag) if not (named or election or camp) else 0.0,
            _log1p(n_at) if not political else 0.0,
            min(1.0, n_at / n_tok), min(1.0, n_tag / n_tok),
            1.0 if head and not (evaluative or call or named or camp) else 0.0,
            _log1p(evaluative) if record and not named else 0.0,
            _log1p(camp) * _log1p(evaluative)]


@dataclass
class FeatureConfig:
    word_features: int = 2 ** 18
    char_features: int = 2 ** 17
    char_ngram: tuple = (4, 4)
    use_char: bool = True
    dense_scale: float = 1.0
    version: int = 2
    stance: bool = False  # version 3: + STANCE_NAMES dense features
    stance2: bool = False  # version 4: + STANCE2_NAMES dense features (after STANCE_NAMES)
    news_raw: bool = False  # version 5: ``st_news`` also fires on a headline's " - source" read on the raw text

    def to_dict(self) -> dict:
        return {**self.__dict__, "char_ngram": list(self.char_ngram)}


@dataclass(slots=True)
class Prepared:
    """Intermediate results for one post."""
    text: str
    normalised: str
    placeholder: str
    raw_hits: list = field(default_factory=list)
    norm_hits: list = field(default_factory=list)
    dense: list = field(default_factory=list)
    tokens: list | None = None  # ``placeholder.split()``, made once for the stance features and the matrix
    records: list | None = None  # ``Featuriser._tok`` of each token before numbers were replaced


class _Token(NamedTuple):
    """One placeholder token as the features read it (``Featuriser._tok``)."""
    form: str  # the token with numbers replaced, as in ``Prepared.tokens``
    code: int  # its counts per word group, packed (``_token_code``), + ``_NUMBER_FLAG`` if ``form`` differs
    word: bytes  # hash of ``form`` in the word block, int32 bytes
    chars: bytes  # hashes of its character n-grams in the char block, int32 bytes


class Featuriser:
    def __init__(self, lexicon: Lexicon, config: FeatureConfig | None = None):
        self.lexicon = lexicon
        self.config = config or FeatureConfig()
        self.delex_token = " "
        self._tok_cache: dict[str, _Token] = {}  # placeholder token -> what the features read of it
        self._bi_cache: dict[tuple, bytes] = {}
        self._lex_dense: dict[tuple, list] = {}  # entries hit -> ``_lexicon_dense``
        # per lexicon entry, what the features read of it: its placeholder, and (kind index, weight, the side it
        # counts for or "" when it counts for none, whether it is a target)
        self._ph_of = [PLACEHOLDER.get(t.kind) for t in lexicon.terms]
        self._info = []
        for t in lexicon.terms:
            k = _KIND_IDX.get(t.kind, 4)
            self._info.append((k, t.weight, t.side if k != 4 and t.side != "neutral_verb" else "", k != 4))

    _CACHE_MAX = 400_000

    def _tok(self, t: str) -> _Token:
        """What the features read of one space-separated token of the placeholder text, memoised: its form with
        numbers replaced (``_NUM.sub(_num_sub, t)``; a number never spans a space), its packed stance counts (``word_counts``), and the hashes of that
        form (word, character n-grams)."""
        c = self.config
        form = _NUM.sub(_num_sub, t) if _HAS_DIGIT.search(t) else t
        code = _CODE_CACHE.get(form)
        if code is None:
            code = _token_code(form)
        w = _INT32(murmurhash3_32(form, seed=0, positive=True) % c.word_features)
        if c.use_char:
            n = c.char_ngram[0]
            s = " " + form + " "
            grams = [s[i:i + n] for i in range(max(1, len(s) - n + 1))]
            ch = np.fromiter((murmurhash3_32(g, seed=1, positive=True) % c.char_features for g in grams), np.int32)
        else:
            ch = _NO_CHARS
        if form != t:
            code += _NUMBER_FLAG
        # the hashes as the bytes of int32 values: a post's and then a batch's are joined with ``bytes.join``, a
        # memory copy, and read back with ``np.frombuffer``
        r = _Token(form, code, w, ch.tobytes())
        if len(self._tok_cache) > self._CACHE_MAX:
            self._tok_cache.clear()
        self._tok_cache[t] = r
        return r

    def _bigram(self, key: tuple) -> bytes:
        r = _INT32(murmurhash3_32(key[0] + " " + key[1], seed=0, positive=True) % self.config.word_features)
        if len(self._bi_cache) > self._CACHE_MAX:
            self._bi_cache.clear()
        self._bi_cache[key] = r
        return r

    def _lexicon_dense(self, key: tuple) -> list:
        """The lexicon's dense features (``DENSE_NAMES[:11]``) of a post whose hits are the entries ``key`` (raw
        hits, -1, normalised hits; sums, maxima and a set, so the union is what counts), then ``has_target``."""
        counts = [0, 0, 0, 0, 0, 0]
        max_w = max_wt = 0.0
        sides = set()
        seen = set(key)
        seen.discard(-1)
        info = self._info
        for i in seen:
            k, w, side, target = info[i]
            counts[k] += 1
            if w > max_w:
                max_w = w
            if target:
                if w > max_wt:
                    max_wt = w
                if side:
                    sides.add(side)
        has_target = counts[0] + counts[1] + counts[3] + counts[5] > 0
        log1p = math.log1p
        r = [log1p(counts[0]), log1p(counts[1]), log1p(counts[2]), log1p(counts[3]), log1p(counts[4]),
             log1p(counts[5]), max_w, max_wt, 1.0 if (has_target and counts[4]) else 0.0, log1p(len(sides)),
             1.0 if seen else 0.0, has_target]
        if len(self._lex_dense) > self._CACHE_MAX:
            self._lex_dense.clear()
        self._lex_dense[key] = r
        return r

    # -- per post -----------------------------------------------------------
    def prepare(self, text: str, election: str | None = None, with_raw: bool = True, delex: bool = False) -> Prepared:
        """Normalise, match the lexicon, build placeholder text and dense
        features.  ``delex=True`` (training augmentation) simulates an
        election whose candidates are not in the lexicon: election-specific
        matches are deleted instead of replaced by placeholders, and only the
        election-neutral campaign verbs count in the dense features."""
        text = text or ""
        lex = self.lexicon
        norm = normalise(text)
        padded = " " + norm + " "
        allowed = lex.allowed_ids(election)
        nh = lex.hits_padded(padded, allowed)
        terms = lex.terms
        if delex:
            drop = [h for h in nh if terms[h[2]].kind in PLACEHOLDER]
            if drop:
                parts, last = [], 0
                for s, e, _ in drop:
                    if s < last:
                        continue
                    parts.append(padded[last:s])
                    parts.append(self.delex_token)
                    last = e
                parts.append(padded[last:])
                norm = " ".join("".join(parts).split())
                padded = " " + norm + " "
            nh = [h for h in lex.hits_normalised(norm, election) if terms[h[2]].kind not in PLACEHOLDER]
        # placeholder text
        if nh:
            ph_of = self._ph_of
            parts, last = [], 0
            for s, e, i in nh:
                if s < last:
                    continue
                ph = ph_of[i]
                if ph is None:
                    continue
                parts.append(padded[last:s])
                parts.append(ph)
                last = e
            parts.append(padded[last:])
            ph_text = "".join(parts).strip()
        else:
            ph_text = norm
        # one pass over the tokens: numbers replaced, stance counts and the matrix's hashes, from per-token records
        toks = ph_text.split()
        recs = list(map(self._tok_cache.get, toks))
        try:  # a token not seen before is a None, which the getter refuses (cheaper than looking for it first)
            total = sum(map(_code_of, recs))
        except TypeError:
            recs = [r or self._tok(t) for r, t in zip(recs, toks)]
            total = sum(map(_code_of, recs))
        if total > _COUNTS:  # a token held a number: __n__ / __year__ / __num__
            toks = list(map(_form_of, recs))
            ph_text = " ".join(toks)
            total &= _COUNTS
        rh = lex._raw_hits(text, allowed) if with_raw else []
        if delex:
            rh = [h for h in rh if terms[h[2]].kind not in PLACEHOLDER]
        # dense lexicon features from the union of raw and normalised hits, memoised per sequence of entries
        key = (*map(_third, rh), -1, *map(_third, nh))
        lex_dense = self._lex_dense.get(key)
        if lex_dense is None:
            lex_dense = self._lexicon_dense(key)
        has_target = lex_dense[-1]
        words = _unpacked_counts(ph_text, toks, total)  # the expressions below run only on posts holding their words
        dense = lex_dense[:-1] + [
            1.0 if "__n__" in ph_text and _PAT_PAIRNO.search(ph_text) else 0.0,
            # behind the gate the model was trained with: a verb stem in the text ("nyoblos" holds none)
            1.0 if words[_G_OPEN] and words[_G_VERB] and _has_verb_stem(ph_text) and _PAT_VOTECALL.search(ph_text)
            else 0.0,
            1.0 if words[_G_NEG] and words[_G_VERB] and _PAT_NEGCALL.search(ph_text) else 0.0,
            # as ``_PAT_POSSESS.search(ph_text + " ")`` behind the gate the model was trained with
            1.0 if words[_G_POSSESS] and ("ku " in ph_text or "jagoan" in ph_text) else 0.0,
        ]
        if self.config.stance:
            dense += stance_features(ph_text, text, has_target, toks, words, self.config.news_raw)
        if self.config.stance2:
            dense += stance2_features(ph_text, text, has_target, toks, words)
        return Prepared(text, norm, ph_text, rh, nh, dense, toks, recs)

    # -- batch -> matrix ----------------------------------------------------
    def matrix(self, prepared: list[Prepared]):
        c = self.config
        tget, bget = self._tok_cache.get, self._bi_cache.get
        tok, bigram = self._tok, self._bigram
        join = b"".join
        # per post the int32 bytes of its word (and word bigram) hashes and of its char n-gram hashes; the offsets
        # of each post's end, in bytes
        w_parts, c_parts = [], []
        w_ptr, c_ptr = [0], [0]
        w_len = c_len = 0
        for p in prepared:
            toks, recs = p.tokens, p.records
            if recs is None:
                toks = p.placeholder.split()
                recs = [tget(t) or tok(t) for t in toks]
            w = join(map(_word_of, recs))
            # the bigrams' pairs straight from ``zip`` into the lookup: ``zip`` reuses its tuple when nothing keeps it
            bs = list(map(bget, zip(toks, toks[1:])))
            try:  # a bigram not seen before is a None, which ``join`` refuses
                b = join(bs)
            except TypeError:
                b = join([h or bigram(k) for h, k in zip(bs, zip(toks, toks[1:]))])
            ch = join(map(_chars_of, recs))
            w_parts += (w, b)
            c_parts.append(ch)
            w_len += len(w) + len(b)
            c_len += len(ch)
            w_ptr.append(w_len)
            c_ptr.append(c_len)
        n = len(prepared)
        blocks = [self._block(np.frombuffer(join(w_parts), dtype=np.int32), np.asarray(w_ptr) // 4, n,
                              c.word_features)]
        if c.use_char:
            blocks.append(self._block(np.frombuffer(join(c_parts), dtype=np.int32), np.asarray(c_ptr) // 4, n,
                                      c.char_features))
        width = len(DENSE_NAMES) + (len(STANCE_NAMES) if c.stance else 0) + (len(STANCE2_NAMES) if c.stance2 else 0)
        dense = np.asarray([p.dense for p in prepared], dtype=np.float32).reshape(n, width)
        blocks.append(sp.csr_matrix(dense * c.dense_scale))
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    @staticmethod
    def _block(ind, ptr, n, width):
        """Rows of hashed indices (``ind[ptr[r]:ptr[r + 1]]``) as a CSR matrix of counts, each row of unit length.

        Counting duplicates is one sort of the keys ``row * width + index`` (numpy's vectorised sort) instead of
        ``csr_matrix.sum_duplicates``, which sorts row by row; the result is the same canonical matrix.  The keys
        are int32 when they fit (a batch of up to 8,191 rows of 2 ** 18 columns), which numpy sorts in two thirds
        of the time it takes for int64."""
        dtype = np.int32 if n * width < 2 ** 31 else np.int64
        ind = np.asarray(ind, dtype=dtype)
        if len(ind):
            key = np.repeat(np.arange(n, dtype=dtype) * width, np.diff(np.asarray(ptr, dtype=dtype))) + ind
            key.sort()
            first = np.empty(len(key), dtype=bool)
            first[0] = True
            np.not_equal(key[1:], key[:-1], out=first[1:])
            starts = np.flatnonzero(first)
            counts = np.diff(np.append(starts, len(key))).astype(np.float32)
            rows, cols = np.divmod(key[starts], width)
            indptr = np.searchsorted(rows, np.arange(n + 1)).astype(np.int32)
            m = sp.csr_matrix((counts, cols.astype(np.int32), indptr), shape=(n, width))
        else:
            m = sp.csr_matrix((n, width), dtype=np.float32)
        # what ``sklearn.preprocessing.normalize(m, "l2", copy=False)`` does for a float32 CSR matrix, without
        # its argument validation (a tenth of the matrix's cost)
        inplace_csr_row_normalize_l2(m)
        return m

    def transform(self, texts, election: str | None = None):
        with no_gc():
            return self.matrix([self.prepare(t, election, with_raw=True) for t in texts])
