"""Normaliser for Indonesian social-media text.

Pure Python (no Django).  Steps, in order:

1. byte-escape emoji written as text (``\\xf0\\x9f\\x98\\x82``) are decoded;
2. URLs -> ``urltoken``; @mentions (and the ``USER``/``URL`` placeholders of
   anonymised corpora) -> ``mentiontoken`` / ``urltoken``;
3. hashtags are split into words (camelCase, digit boundaries, and a
   dictionary split for all-lower-case tags): ``#PrabowoGibran2024`` ->
   ``prabowo gibran 2024``;
4. lower case, tokenise into words, numbers and emoji (each emoji is a token);
5. per word: repeated letters squeezed to at most two, then to one if that
   gives a dictionary word; slang mapped with ``indoNLP``'s ``SLANG_DATA``
   (MIT).  Results are memoised per token, so the cost is a dict lookup for
   words already seen.
"""
from __future__ import annotations

import re
from functools import lru_cache

try:  # MIT-licensed slang list shipped in the indonlp package
    from indoNLP.preprocessing.slang_data import SLANG_DATA as _SLANG_SRC
    from indoNLP.preprocessing.stopwords_data import STOPWORDS as _STOP_SRC
except Exception:  # pragma: no cover - package missing
    _SLANG_SRC, _STOP_SRC = {}, set()

__all__ = ["normalise", "tokens", "split_hashtag", "squeeze", "VOCAB", "SLANG"]

# Slang entries that would damage political signal or are wrong for our use.
_SLANG_SKIP = {"amin", "pilih", "coblos", "no", "nomor", "paslon", "capres", "cawapres"}
SLANG: dict[str, str] = {k: v for k, v in _SLANG_SRC.items() if k not in _SLANG_SKIP and k != v}

# Small hand-written list of words common in political / everyday posts; used
# by the hashtag splitter and the repeated-letter check (together with the
# formal side of the slang list and the stop words).
_EXTRA_WORDS = """
ganti presiden wakil calon capres cawapres cagub cawagub pilkada pilpres pemilu pilgub pileg
partai koalisi kampanye relawan menang menangkan kemenangan dukung dukungan pilih coblos nyoblos
rakyat indonesia jakarta jabar jateng jatim sumut bandung surabaya medan solo semarang maju adil makmur
perubahan lanjutkan lanjut periode putaran satu dua tiga empat lima nomor urut paslon pasangan
damai pemimpin baru bersatu tetap lagi aja dulu saja menang salam jari metal gemoy gibran prabowo
anies ganjar mahfud imin muhaimin amin cak gus mas pak bu bang abah kang ahok djarot agus sylvi
sandi yusril ridwan kamil emil khofifah ipul puti deddy dedi sudrajat syaikhu asyik rindu hasanah
edy djoss eramas sudirman ida taj yasin pramono rano dharma kun andika hendi luthfi risma hans
kawal istana suara hak tolak anti pro bela umat bangsa negara merdeka hebat keren cinta sayang
banget sekali mantap semangat bisa pasti yakin jujur bersih kerja nyata bukti janji program
debat survei hoax hoaks golput tps kpu bawaslu asn pns netral netralitas gubernur bupati walikota
menteri dpr dprd mpr demokrasi politik presidenku pilihanku idola kita kami mereka untuk dan
yang di ke dari ini itu juga tidak bukan jangan mau harus wajib hari selamat pagi malam siang
makan minum enak murah mahal kopi nasi ayam rumah kantor sekolah kuliah kerja libur jalan macet
hujan panas cuaca bola main game film musik lagu video foto berita info update viral trending
muda milenial gen rakyat petani nelayan buruh guru dokter ibu bapak anak keluarga teman sahabat
""".split()

VOCAB: frozenset[str] = frozenset(
    set(_EXTRA_WORDS)
    | {w for w in _STOP_SRC if w.isalpha()}
    | {w for v in SLANG.values() for w in v.split() if w.isalpha()}
)

# --- regexes (compiled once) -------------------------------------------------
_BYTE_ESC = re.compile(r"(?:\\x[0-9a-fA-F]{2})+")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[a-z0-9.-]+\.(?:com|id|co|net|org|ly)/\S*", re.I)
_URL_PH = re.compile(r"\bURL\b")
_MENTION = re.compile(r"@\w+")
_USER_PH = re.compile(r"\bUSER\b")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_EMOJI_RANGES = (
    "\U0001F000-\U0001FAFF"  # pictographs, emoticons, transport, symbols, flags
    "\u2600-\u27BF"  # misc symbols, dingbats
    "\u2B00-\u2BFF"  # arrows, stars
    "\u2300-\u23FF"  # technical (watch, hourglass)
)
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+|[" + _EMOJI_RANGES + "]")
_LEET = re.compile(r"(?<=[A-Za-z])[0134](?=[A-Za-z])")
_LEET_MAP = {"0": "o", "1": "i", "3": "e", "4": "a"}
_REPEAT3 = re.compile(r"(.)\1{2,}")
_REPEAT2 = re.compile(r"(.)\1")


def _decode_byte_escapes(m: re.Match) -> str:
    s = m.group(0)
    try:
        return " " + bytes(int(s[i + 2 : i + 4], 16) for i in range(0, len(s), 4)).decode("utf-8") + " "
    except (UnicodeDecodeError, ValueError):
        return " "


@lru_cache(maxsize=65536)
def _dict_split(word: str) -> tuple[str, ...] | None:
    """Split an all-lower-case string into the fewest dictionary words (DP).

    Returns ``None`` if the string cannot be fully covered."""
    n = len(word)
    best: list[tuple[int, int] | None] = [None] * (n + 1)  # (pieces, prev)
    best[0] = (0, 0)
    for i in range(1, n + 1):
        for j in range(max(0, i - 20), i):
            if best[j] is None:
                continue
            piece = word[j:i]
            if (len(piece) >= 2 and piece in VOCAB) or piece.isdigit():
                cand = (best[j][0] + 1, j)
                if best[i] is None or cand[0] < best[i][0]:
                    best[i] = cand
    if best[n] is None:
        return None
    out, i = [], n
    while i > 0:
        j = best[i][1]
        out.append(word[j:i])
        i = j
    return tuple(reversed(out))


@lru_cache(maxsize=65536)
def split_hashtag(tag: str) -> str:
    """``PrabowoGibran2024`` -> ``prabowo gibran 2024``; ``gantipresiden`` ->
    ``ganti presiden`` (dictionary split).  The leading ``#`` is optional."""
    tag = tag.lstrip("#")
    tag = _LEET.sub(lambda m: _LEET_MAP[m.group(0)], tag)  # #AyoM3nang -> AyoMenang
    parts = _CAMEL.findall(tag) or [tag]
    out: list[str] = []
    for p in parts:
        low = p.lower()
        if p.isdigit() or len(low) < 6 or low in VOCAB or not low.isalpha():
            out.append(low)
            continue
        sp = _dict_split(low)
        out.extend(sp if sp else (low,))
    return " ".join(out)


def _hashtag_sub(m: re.Match) -> str:
    return " " + split_hashtag(m.group(1)) + " "


def squeeze(tok: str) -> str:
    """Squeeze repeated letters: at most two, then one if that is a word."""
    t = _REPEAT3.sub(r"\1\1", tok)
    if t in VOCAB or t in SLANG:
        return t
    if _REPEAT2.search(t):
        t1 = _REPEAT2.sub(r"\1", t)
        if t1 in VOCAB or t1 in SLANG:
            return t1
        if t != tok:  # was elongated and no dictionary hit: keep the 1-letter form
            return t1 if len(t1) >= 2 else t
    return t


_TOKCACHE: dict[str, str] = {}
_TOKCACHE_MAX = 300_000


def _norm_token(tok: str) -> str:
    r = _TOKCACHE.get(tok)
    if r is not None:
        return r
    if tok[0].isalpha():
        t = tok
        if t not in SLANG and t not in VOCAB:
            t = squeeze(t)
        r = SLANG.get(t, t)
    else:
        r = tok
    if len(_TOKCACHE) > _TOKCACHE_MAX:
        _TOKCACHE.clear()
    _TOKCACHE[tok] = r
    return r


def _url_sub(text: str) -> str:
    """``_URL.sub(" urltoken ", text)`` with runs of whitespace made single spaces (the tokens do not change).

    Every part of ``_URL`` is non-whitespace, so a match lies inside one whitespace-free chunk, and a chunk
    without "/" or "." can hold none; at a chunk's ends ``\b`` and ``\S`` see what they see at the text's ends.
    So only the few chunks that may hold a link go through the expression (on the whole text it tried every
    word start: a third of the normaliser's time on posts with a link)."""
    return " ".join([_URL.sub(" urltoken ", c) if "/" in c or "." in c else c for c in text.split()])


def _prepare(text: str) -> str:
    """Steps 1-3 of the module docstring, in place in the text."""
    if "\\x" in text:
        text = _BYTE_ESC.sub(_decode_byte_escapes, text)
    if "/" in text or "www." in text:
        text = _url_sub(text)
    if "URL" in text:
        text = _URL_PH.sub(" urltoken ", text)
    if "@" in text:
        text = _MENTION.sub(" mentiontoken ", text)
    if "USER" in text:  # placeholder of anonymised corpora
        text = _USER_PH.sub(" mentiontoken ", text)
    if "#" in text:
        text = _HASHTAG.sub(_hashtag_sub, text)
    return text


def tokens(text: str) -> list[str]:
    """Normalised tokens of ``text``."""
    if not text:
        return []
    return _tokens_lower(_prepare(text).lower())


def _tokens_lower(low: str) -> list[str]:
    raw = _TOKEN.findall(low)
    out = list(map(_TOKCACHE.get, raw))  # memoised per token
    if None in out:
        out = [o if o is not None else _norm_token(t) for o, t in zip(out, raw)]
    return out


# ``_TOKEN`` matches only letters a-z, digits, apostrophes and non-ASCII characters (emoji), and nothing across
# any other ASCII character, so ``normalise`` cuts the UTF-8 text into runs at those characters (a bytes
# translation: ``str.translate`` costs ten times more; a UTF-8 sequence is all bytes >= 0x80, so a run is whole
# characters) and looks each run's normalised form up; only a run not seen before goes through ``_TOKEN``.
_RUN_BYTES = bytes(c if (0x61 <= c <= 0x7A or 0x30 <= c <= 0x39 or c == 0x27 or c >= 0x80) else 0x20
                   for c in range(256))
_RUNCACHE: dict[bytes, str] = {}


def _norm_run(run: bytes) -> str:
    r = " ".join([_TOKCACHE.get(t) or _norm_token(t) for t in _TOKEN.findall(run.decode("utf-8", "surrogatepass"))])
    if len(_RUNCACHE) > _TOKCACHE_MAX:
        _RUNCACHE.clear()
    _RUNCACHE[run] = r
    return r


def normalise(text: str) -> str:
    """Normalised, space-joined form of ``text`` (see module docstring): ``" ".join(tokens(text))``."""
    if not text:
        return ""
    runs = _prepare(text).lower().encode("utf-8", "surrogatepass").translate(_RUN_BYTES).split()
    out = list(map(_RUNCACHE.get, runs))
    try:  # a run not seen before is a None, which ``join`` refuses (cheaper than looking for it first)
        s = " ".join(out)
    except TypeError:
        out = [o if o is not None else _norm_run(t) for o, t in zip(out, runs)]
        s = " ".join(out)
    # a run without a token (apostrophes, other scripts) is "" and leaves a double space or one at an end; a
    # token is never empty and holds no such spaces
    if "  " in s or s[:1] == " " or s[-1:] == " ":
        s = " ".join(filter(None, out))
    return s
