"""Reading post texts from the shared screening data by (file, row_id).

row_id is the 0-based data-row index of the CSV (header excluded).  The
licence of the shared files forbids committing their text, so the repository
holds only labels keyed by (file, row_id) and reads the text from the data
folder at run time.
"""
from __future__ import annotations

import csv
import os
from functools import lru_cache
from pathlib import Path

ENGINE_DIR = Path(__file__).resolve().parent
REPO_ROOT = ENGINE_DIR.parents[2]
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "screening"

TEXT_COLUMN = {
    "pemilu2024_prabowo_gibran_tweets.csv": "text",
    "pemilu2024_figures_tweets.csv": "text",
    "pemilu2024_aspect_labelled.csv": "full_text",
    "pemilu2024_prabowo_gibran_news_headlines.csv": "judul_berita",
    "smsa_sentiment.csv": "text",
    "nusax_senti_id.csv": "text",
    "ibrohim_budi_2019_hatespeech_abusive.csv": "Tweet",
    "stance_political_figures_2016.csv": None,  # title + first paragraph
}

# the election each file belongs to (used as election_slug when scoring)
FILE_ELECTION = {
    "pemilu2024_prabowo_gibran_tweets.csv": "pemilu-2024",
    "pemilu2024_figures_tweets.csv": "pemilu-2024",
    "pemilu2024_aspect_labelled.csv": "pemilu-2024",
    "pemilu2024_prabowo_gibran_news_headlines.csv": "pemilu-2024",
    # training: collected in 2018 (Pilkada 2018 campaign); rows naming the
    # Pilkada DKI 2017 race are dropped from training (derive_labels)
    "ibrohim_budi_2019_hatespeech_abusive.csv": "pilkada-2018",
    # hold-out (Pilkada DKI Jakarta 2017): everyday NusaX posts are screened
    # with the same election, as a reviewer screening that race would
    "stance_political_figures_2016.csv": "pilkada-2017",
    "nusax_senti_id.csv": "pilkada-2017",
}


def default_data_dir() -> Path:
    return Path(os.environ.get("SCREENING_DATA_DIR") or DEFAULT_DATA_DIR)


def stance_text(row: dict, max_chars: int = 600) -> str:
    """Title + first paragraph of a blog article (a post-sized excerpt)."""
    paras = [p.strip() for p in (row.get("content") or "").split("\n") if len(p.strip()) > 40]
    first = paras[0] if paras else (row.get("content") or "").strip()
    return ((row.get("title") or "").strip() + ". " + first)[:max_chars]


@lru_cache(maxsize=16)
def read_texts(data_dir: str, fname: str) -> tuple[str, ...]:
    path = Path(data_dir) / fname
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    col = TEXT_COLUMN.get(fname, "text")
    if col is None:
        return tuple(stance_text(r) for r in rows)
    return tuple(r.get(col) or "" for r in rows)


def read_labelled(labels_csv, data_dir=None) -> list[tuple[str, str, str, int]]:
    """[(text, label, file, row_id)] for a labels CSV keyed by (file,row_id)."""
    data_dir = str(data_dir or default_data_dir())
    out = []
    with open(labels_csv, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            f, i = r["file"], int(r["row_id"])
            out.append((read_texts(data_dir, f)[i], r["label"], f, i))
    return out
