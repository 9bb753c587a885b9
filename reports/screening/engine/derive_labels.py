"""Derive training labels (partisan / political / other) for the shipped data.

Weak supervision: rules over the text of each row (lexicon hits, campaign
hashtags, support/opposition phrases, political topic words), plus hand labels
from ``reports/screening/data/hand_labels.csv`` which override the rules.
Writes ``train_labels.csv`` with columns ``file,row_id,label,how`` and NO text.

row_id = 0-based data-row index in the shared CSV (header excluded) for every
file, so one convention holds for all sources (several files have no id or a
mangled one).

Hold-out files (``stance_political_figures_2016.csv`` - Pilkada DKI Jakarta
2017 - and ``nusax_senti_id.csv``) are never labelled here; NusaX is read only
to drop its near-duplicates from SmSA.  Training rows that name a Pilkada DKI
2017 contestant (the hold-out election) are dropped (``HOLDOUT_ELECTION``), so
the model never sees that election.

    python -m reports.screening.engine.derive_labels --data ../shared/data/screening
"""
from __future__ import annotations

import argparse
import csv
import os
import re
from collections import Counter
from pathlib import Path

from .lexicon import load_seed
from .near_dup import group_near_duplicates
from .normalise import normalise, split_hashtag

ENGINE_DIR = Path(__file__).resolve().parent
SCREENING_DIR = ENGINE_DIR.parent
DATA_OUT = SCREENING_DIR / "data"
REPO_ROOT = SCREENING_DIR.parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "screening"

HOLDOUT_FILES = ("stance_political_figures_2016.csv", "nusax_senti_id.csv")
TRAIN_LEXICONS = ("lexicon.csv", "lexicon_pilkada2018.csv")

# Pilkada DKI Jakarta 2017 (the hold-out election): its contestants, their
# running mates and its race words.  Used ONLY to drop rows from training (not
# as a label rule, not as a feature).  Anies Baswedan is not listed for the
# Pemilu 2024 files, where he is a 2024 candidate (delexicalised by the 2024
# lexicon like every other candidate); he is listed for the 2018 tweets.
_DKI2017 = (r"ahok|basuki|btp|djarot|sandiaga|sandi|sandy|agus|ahy|sylvi|sylviana|silvi|silvy|sylvy|yusril|badja|"
            r"(?:pilkada|pilgub|cagub|gubernur|debat final pilkada) (?:dki|jakarta|jkt)|dki 1|teman ahok|ahokers")
HOLDOUT_ELECTION = re.compile(r"\b(?:" + _DKI2017 + r")\b")
# Pilpres 2019 is reserved for independent evaluation: 2018-era rows that still
# allude to it (camel-case hashtags joining a 2019 candidate name to a name or the year slipped
# through the source filter) are dropped from the 2018 tweets and SmSA.
PILPRES2019 = re.compile(r"\b(?:jokowi|joko widodo|widodo|prabowo|ma ?ruf|cebong|kampret|2019|join|"
                         r"capres|cawapres|wapres|ganti presiden|periode|pilpres)\b")
HOLDOUT_ELECTION_2018 = re.compile(r"\b(?:" + _DKI2017 + r"|anies|baswedan)\b")

# file -> text column
TRAIN_FILES = {
    "pemilu2024_prabowo_gibran_tweets.csv": "text",
    "pemilu2024_figures_tweets.csv": "text",
    "pemilu2024_aspect_labelled.csv": "full_text",
    "pemilu2024_prabowo_gibran_news_headlines.csv": "judul_berita",
    "smsa_sentiment.csv": "text",
    "ibrohim_budi_2019_hatespeech_abusive.csv": "Tweet",
}
FILE_ELECTION = {"ibrohim_budi_2019_hatespeech_abusive.csv": "pilkada-2018"}

_LEAD_MENTIONS = re.compile(r"^(?:\s*@\w+)+\s*")
_HASHTAG = re.compile(r"#(\w+)")

# hashtags that are campaign material (support or attack) once split into words
_HT_PARTISAN = re.compile(
    r"\b(?:prabowo|gibran|anies|amin|muhaimin|imin|ganjar|mahfud|gemoy|kodekita|te12depan|"
    r"bersama indonesia maju|waktunya indonesia maju|indonesia maju|menang|putaran|all ?in|tolak|"
    r"aja dulu|saja dulu|salam perubahan|pelanggar|curang|dinasti|nepotisme|patriot|relawan|"
    r"lanjut gan|pilihan rakyat|mending|unggul|juara|m3nang|dukung)\b"
)
# explicit support / call to vote / opposition
_SUPPORT = re.compile(
    r"\b(?:dukung|mendukung|dukungan (?:kami|saya|kita|untuk)|menangkan|memenangkan|pilih|memilih|pilihlah|coblos|"
    r"nyoblos|all in|satu putaran|seputaran|lanjutkan|terdepan|siap menang|pasti menang|presidenku|"
    r"wapresku|pilihanku|jagoanku|jagoan|kawal|amanah|idaman|layak jadi|pantas jadi|cocok jadi|"
    r"presiden kita|pemimpin masa depan|menang|no ?2|nomor 2|no ?1|nomor 1|no ?3|nomor 3|0[123]|"
    r"jangan pilih|tolak|ogah|gak akan pilih|ga akan pilih|tidak akan pilih|lengserkan|"
    r"indonesia maju|perubahan|gemoy)\b"
)
_EVAL = re.compile(
    r"\b(?:hebat|terbaik|mantap|keren|tulus|tegas|cerdas|pintar|peduli|merakyat|santun|jujur|"
    r"dungu|bodoh|goblok|bego|tolol|penjahat|pelanggar ham|penculik|begal|karbitan|bocil|"
    r"dinasti|nepotisme|curang|pembohong|bohong|pengkhianat|plonga plongo|haus kekuasaan|"
    r"anak haram|haram|gila|sakit jiwa|arogan|emosian|baperan|pecundang|boneka|antek)\b"
)
_POLITICAL = re.compile(
    r"\b(?:pemilu|pilpres|pileg|pilkada|pilgub|capres|cawapres|caleg|calon presiden|calon wakil|"
    r"debat|kpu|bawaslu|tkn|tpn|timnas|survei|survey|elektabilitas|kampanye|partai|koalisi|"
    r"mk|mahkamah|konstitusi|presiden|wapres|menteri|dpr|dprd|mpr|demokrasi|politik|politisi|"
    r"pemerintah|rezim|oposisi|gubernur|bupati|walikota|wali kota|jokowi|megawati|puan|kaesang|"
    r"golkar|gerindra|pdip|pdi|pks|pkb|nasdem|demokrat|psi|pan|ppp|perindo|hanura|paslon|"
    r"dinasti|tps|suara|relawan|netral|netralitas|asn|pns|korupsi|koruptor|kpk|ham|"
    r"anwar usman|hukum|pejabat|negara|rakyat|mega|jk|ikn|cawapresmu|capresmu|kebijakan|pilihan|buzzer|"
    r"pendukung|kader|cebong|kampret|kadrun|bahlil|luhut|sby|anies|ganjar|prabowo|gibran|imin|mahfud)\b"
)
# non-political sources: any of these words excludes the row from `other`
_POLITICAL_STRICT = re.compile(
    r"\b(?:pemilu|pilpres|pileg|pilkada|pilgub|capres|cawapres|caleg|calon|debat|kpu|bawaslu|"
    r"kampanye|partai|koalisi|presiden|wapres|menteri|dpr|dprd|mpr|demokrasi|politik|politisi|"
    r"pemerintah|pemerintahan|rezim|oposisi|gubernur|bupati|walikota|wali kota|pilih|coblos|"
    r"golkar|gerindra|pdip|pdi|pks|pkb|nasdem|demokrat|psi|ppp|perindo|hanura|paslon|"
    r"anies|ridwan|emil|khofifah|ganjar|jokowi|prabowo|"
    r"dukung|mendukung|dukungan|suara|relawan|tps|dinasti|umat|ulama|habib|fpi|hti|pki|"
    r"islam|kafir|cina|aseng|asing|korupsi|kpk|negara|rakyat|pejabat|dki|jakarta)\b"
)


def _strip(text: str) -> str:
    return _LEAD_MENTIONS.sub("", text or "").strip()


def label_election_post(text: str, lex, election: str = "pemilu-2024") -> tuple[str | None, str]:
    """Rule label for a Pemilu 2024 post. Returns (label or None, rule name)."""
    body = _strip(text)
    hashtags = [split_hashtag(h) for h in _HASHTAG.findall(body)]
    norm = normalise(body)
    hits = lex.match(body, election, norm)
    target = [m for m in hits if m.kind in ("candidate", "pair_number", "slogan", "hashtag", "gesture")
              and m.side != "neutral_verb"]
    verbs = [m for m in hits if m.kind == "campaign_verb"]
    if any(_HT_PARTISAN.search(h) for h in hashtags):
        return "partisan", "campaign_hashtag"
    if any(m.kind in ("slogan", "hashtag") and m.weight >= 0.7 for m in target):
        return "partisan", "lexicon_slogan"
    if any(m.kind == "pair_number" and m.weight >= 0.8 for m in target):
        return "partisan", "lexicon_vote_instruction"
    if target and (verbs and max(v.weight for v in verbs) >= 0.4 or _SUPPORT.search(norm)):
        return "partisan", "target+support_phrase"
    if target and _EVAL.search(norm):
        return "partisan", "target+evaluation"
    if target or _POLITICAL.search(norm) or lex.match(body, None, norm):
        return "political", "political_topic"
    toks = norm.split()
    content = [t for t in toks if t not in ("mentiontoken", "urltoken", "rt")]
    if len(content) >= 4:
        return "other", "no_political_content"
    return None, "too_short"


def _has_target(text: str, lex, election: str = "pemilu-2024") -> bool:
    return any(m.kind in ("candidate", "pair_number", "slogan", "hashtag") and m.side != "neutral_verb"
               for m in lex.match(_strip(text), election))


def _nusax_near_dups(data_dir: Path, smsa_texts: list[str]) -> set[int]:
    """SmSA row indices that are near-duplicates of any NusaX row (NusaX is
    built from SmSA-style text and is held out)."""
    path = data_dir / "nusax_senti_id.csv"
    if not path.exists():
        return set()
    with open(path, encoding="utf-8", newline="") as fh:
        nus = [r.get("text") or "" for r in csv.DictReader(fh)]
    items = [(("n", i), normalise(t)) for i, t in enumerate(nus)] + \
            [(("s", i), normalise(t)) for i, t in enumerate(smsa_texts)]
    groups = group_near_duplicates(items, threshold=0.7)
    tainted = {g for k, g in groups.items() if k[0] == "n"}
    return {k[1] for k, g in groups.items() if k[0] == "s" and g in tainted}


def derive(data_dir, lexicon_path=None, hand_path=None) -> list[dict]:
    data_dir = Path(data_dir)
    lex = load_seed(*([lexicon_path] if lexicon_path else [DATA_OUT / f for f in TRAIN_LEXICONS]))
    hand = {}
    hp = Path(hand_path or DATA_OUT / "hand_labels.csv")
    if hp.exists():
        with open(hp, encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                hand[(r["file"], int(r["row_id"]))] = r["label"]
    out: list[dict] = []
    for fname, col in TRAIN_FILES.items():
        path = data_dir / fname
        if not path.exists():
            continue
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        near_nusax = _nusax_near_dups(data_dir, [r.get(col) or "" for r in rows]) if fname == "smsa_sentiment.csv" else set()
        election = FILE_ELECTION.get(fname, "pemilu-2024")
        dki = HOLDOUT_ELECTION_2018 if fname in ("ibrohim_budi_2019_hatespeech_abusive.csv", "smsa_sentiment.csv") \
            else HOLDOUT_ELECTION
        for i, r in enumerate(rows):
            text = r.get(col) or ""
            key = (fname, i)
            if i in near_nusax:
                continue  # near-duplicate of a held-out NusaX post
            if dki.search(normalise(text)) or dki.search(text.lower()):
                continue  # names the hold-out election (Pilkada DKI 2017)
            if fname in ("ibrohim_budi_2019_hatespeech_abusive.csv", "smsa_sentiment.csv") and \
                    (PILPRES2019.search(normalise(text)) or PILPRES2019.search(text.lower())):
                continue  # alludes to the 2019 presidential race (reserved)
            if key in hand:
                lab, how = hand[key], "hand"
                if lab in ("skip", ""):
                    continue
            elif fname == "pemilu2024_prabowo_gibran_news_headlines.csv":
                lab, how = "political", "news_headline"
            elif fname == "ibrohim_budi_2019_hatespeech_abusive.csv":
                lab, how = label_election_post(text, lex, election)
                if how == "campaign_hashtag" and not _has_target(text, lex, election):
                    # 2018 hashtags without a lexicon target are mostly not campaign
                    # material (football "juara" tags): fall back to the topic rule
                    lab = "political" if _POLITICAL.search(normalise(text)) else "other"
                    how = "hashtag_without_target"
                how = "ibrohim:" + how
            elif fname == "smsa_sentiment.csv":
                if _POLITICAL_STRICT.search(normalise(text)) or lex.match(text, None):
                    continue  # political rows left out (may concern the hold-out era)
                lab, how = "other", "non_political_review_corpus"
            elif fname == "pemilu2024_aspect_labelled.csv":
                lab, how = label_election_post(text, lex)
                if lab == "other":
                    # aspect rows all talk about leadership; treat as political
                    lab = "political"
                how = "aspect:" + how
            else:
                lab, how = label_election_post(text, lex)
                if fname == "pemilu2024_prabowo_gibran_tweets.csv":
                    if lab == "other":
                        # replies inside political threads: context-dependent, not used
                        continue
                    if lab == "political" and how == "political_topic" and _has_target(text, lex) \
                            and r.get("sentiment_label") in ("positif", "negatif") and not r.get("text", "").count("http"):
                        lab, how = "partisan", "target+polar_sentiment"
                elif lab == "other" and r.get("query", "").startswith("tokoh:"):
                    continue  # name-query crawl: off-topic rows are unreliable
            if lab is None:
                continue
            out.append({"file": fname, "row_id": i, "label": lab, "how": how})
    return out


def write(rows: list[dict], path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["file", "row_id", "label", "how"])
        w.writeheader()
        w.writerows(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.environ.get("SCREENING_DATA_DIR", str(DEFAULT_DATA)))
    ap.add_argument("--out", default=str(DATA_OUT / "train_labels.csv"))
    a = ap.parse_args(argv)
    rows = derive(a.data)
    write(rows, a.out)
    c = Counter((r["file"], r["label"]) for r in rows)
    for k in sorted(c):
        print(f"{k[0]:50s} {k[1]:10s} {c[k]}")
    print("total", len(rows), "->", a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
