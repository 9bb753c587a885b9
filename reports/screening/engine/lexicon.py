"""Per-election lexicon matched with Aho-Corasick (pyahocorasick).

A :class:`Lexicon` is built from rows ``(election, term, kind, side, weight)``.
Terms are matched on word boundaries over

* the raw text, lower-cased (spans are offsets into the raw text), and
* the normalised text (:func:`normalise`), which catches split hashtags,
  slang and elongated spellings; those spans are offsets into the normalised
  string and are reported with ``start = end = -1`` in raw-text evidence when
  the raw pass did not find the same term.

Short all-capital candidate acronyms (``AMIN``, ``RIDO``, ``KDM``) are matched
case-sensitively on the raw text only, because ``amin`` is also a prayer word.

Pure Python, no Django imports.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from operator import itemgetter
from typing import Iterable, NamedTuple

import ahocorasick

from .normalise import normalise

__all__ = ["Term", "Match", "Lexicon", "load_seed", "read_rows", "KINDS"]

_CAPS = re.compile(r"[A-Z]{2}")
_third = itemgetter(2)  # case-sensitive acronyms need at least two capitals

KINDS = ("candidate", "pair_number", "party", "slogan", "hashtag", "campaign_verb", "gesture")
ANY = "any"


@dataclass(frozen=True)
class Term:
    election: str
    term: str
    kind: str
    side: str
    weight: float


class Match(NamedTuple):
    start: int  # offset in the raw text (or -1 if only found in normalised text)
    end: int
    term: str
    kind: str
    side: str
    weight: float
    election: str

    def as_dict(self) -> dict:
        return self._asdict()


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _raw_variants(term: str) -> set[str]:
    t = " ".join(term.lower().split())
    out = {t}
    if "-" in t:
        out.add(t.replace("-", " "))
        out.add(t.replace("-", " - "))
        out.add(t.replace("-", ""))
    if "'" in t:
        out.add(t.replace("'", ""))
        out.add(t.replace("'", "’"))
    return {v for v in out if v}


class Lexicon:
    """Aho-Corasick lexicon.  ``rows``: iterables or dicts with keys
    ``election, term, kind, side, weight``."""

    def __init__(self, rows: Iterable):
        self.terms: list[Term] = []
        seen = set()
        for r in rows:
            if isinstance(r, dict):
                r = (r["election"], r["term"], r["kind"], r.get("side", ""), r.get("weight", 0.5))
            election, term, kind, side, weight = r[:5]
            term = (term or "").strip()
            if not term:
                continue
            key = (election, term.lower(), kind, side)
            if key in seen:
                continue
            seen.add(key)
            self.terms.append(Term(str(election), term, str(kind), str(side or ""), float(weight or 0)))
        self.elections = sorted({t.election for t in self.terms})
        self._allowed: dict[str | None, frozenset[int] | None] = {None: None}
        self._templates: list[dict] | None = None  # evidence dicts per entry, made on first use
        self._few_case_keys: dict = {}
        self._build()

    # -- construction -------------------------------------------------------
    def _build(self) -> None:
        raw: dict[str, list[int]] = {}
        case: dict[str, list[int]] = {}
        norm: dict[str, list[int]] = {}
        for i, t in enumerate(self.terms):
            if t.kind == "candidate" and t.term.isupper() and t.term.isalpha() and len(t.term) <= 5:
                case.setdefault(t.term, []).append(i)
                continue
            for v in _raw_variants(t.term):
                raw.setdefault(v, []).append(i)
            n = normalise(t.term)
            if n:
                norm.setdefault(" " + n + " ", []).append(i)
        self._norm_of = [" " + normalise(t.term) + " " for t in self.terms]
        self._negw = [-t.weight for t in self.terms]
        self._keys = (raw, case, norm)
        self._raw, self._case, self._norm = (self._automaton(d) for d in self._keys)
        # automata holding only one election's entries (+ "any"), built on first use:
        # a scan then never walks, checks and drops another election's hits
        self._scoped: dict[frozenset | None, tuple] = {None: (self._raw, self._case, self._norm)}

    def _automata(self, allowed: frozenset[int] | None) -> tuple:
        """(raw, case, norm) automata restricted to ``allowed`` entry ids."""
        if allowed is None:
            return self._raw, self._case, self._norm
        got = self._scoped.get(allowed)
        if got is None:
            got = tuple(self._automaton({k: [i for i in ids if i in allowed] for k, ids in d.items()})
                        for d in self._keys)
            self._scoped[allowed] = got
        return got

    def _automaton(self, d: dict[str, list[int]]):
        if not d:
            return None
        d = {k: ids for k, ids in d.items() if ids}
        if not d:
            return None
        a = ahocorasick.Automaton()
        negw = self._negw
        for k, ids in d.items():
            # (length, entries, whether the key starts / ends with a word character: a match's own first and last
            # characters are the key's, so only its neighbours need looking at)
            a.add_word(k, (len(k), tuple(sorted(ids, key=lambda i: (negw[i], i))), _is_word(k[0]), _is_word(k[-1])))
        a.make_automaton()
        return a

    def allowed_ids(self, election: str | None) -> frozenset[int] | None:
        """Entry ids valid for ``election`` (its own terms plus ``any``);
        ``None`` = all elections; ``"a,b"`` = several elections."""
        try:
            return self._allowed[election]
        except KeyError:
            wanted = {e.strip() for e in election.split(",")} | {ANY}
            ids = frozenset(i for i, t in enumerate(self.terms) if t.election in wanted)
            self._allowed[election] = ids
            return ids

    # -- matching -----------------------------------------------------------
    @staticmethod
    def _scan(auto, text: str, boundary: bool) -> list[tuple[int, int, int]]:
        """Return (start, end, entry_id) hits: longest non-overlapping first,
        all entries kept when several share one span (a key's entries are
        stored sorted by descending weight, then id)."""
        if auto is None:
            return []
        found = []
        if boundary:  # a raw-text key must not start or end inside a word
            n = len(text)
            for end_idx, (klen, ids, word_start, word_end) in auto.iter(text):
                start = end_idx - klen + 1
                if word_start and start > 0:
                    a = text[start - 1]
                    if a.isalnum() or a == "_":
                        continue
                if word_end and end_idx + 1 < n:
                    a = text[end_idx + 1]
                    if a.isalnum() or a == "_":
                        continue
                found.append((start, -klen, end_idx + 1, ids))
        else:  # keys are space-padded: report the inner span
            found = [(end_idx - klen + 2, -klen, end_idx, ids) for end_idx, (klen, ids, _, _) in auto.iter(text)]
        if len(found) > 1:
            found.sort()
        kept, last_end = [], -1
        append = kept.append
        for s, _, e, ids in found:
            if s >= last_end:
                for i in ids:  # a plain loop: a comprehension is a function call per kept span in Python 3.11
                    append((s, e, i))
                last_end = e
        return kept

    def _case_keys(self, allowed) -> tuple[str, ...] | None:
        """The case-sensitive keys valid for ``allowed`` when there are few (a post holding none of them as a
        substring skips the case-sensitive scan, which could find nothing in it), else ``None``.  Each key is at
        least two capitals, so a post holding one needs no ``_CAPS`` check; with a shorter key, ``None``."""
        try:
            return self._few_case_keys[allowed]
        except KeyError:
            keys = tuple(k for k, ids in self._keys[1].items() if allowed is None or any(i in allowed for i in ids))
            few = len(keys) <= 16 and all(_CAPS.match(k) for k in keys)
            self._few_case_keys[allowed] = got = keys if few else None
            return got

    def _raw_hits(self, text: str, allowed) -> list[tuple[int, int, int]]:
        raw, case, _ = self._scoped.get(allowed) or self._automata(allowed)
        hits = self._scan(raw, text.lower(), True)
        if case is None:
            return hits
        few = self._few_case_keys.get(allowed, ()) or self._case_keys(allowed)
        if few is None:
            if not _CAPS.search(text):
                return hits
        elif not any(map(text.__contains__, few)):
            return hits
        extra = self._scan(case, text, True)
        if extra:
            hits = [h for h in extra if not any(s <= h[0] and h[1] <= e for s, e, _ in hits)] + hits
            hits.sort()
        return hits

    def match_raw(self, text: str, election: str | None = None) -> list[Match]:
        """Lexicon pass over the raw text only (spans are raw offsets)."""
        hits = self._raw_hits(text, self.allowed_ids(election))
        T = self.terms
        return [Match(s, e, T[i].term, T[i].kind, T[i].side, T[i].weight, T[i].election) for s, e, i in hits]

    def hits_normalised(self, norm: str, election: str | None = None) -> list[tuple[int, int, int]]:
        """(start, end, entry_id); offsets index ``" " + norm + " "``."""
        return self._scan(self._automata(self.allowed_ids(election))[2], " " + norm + " ", False)

    def hits_padded(self, padded: str, allowed) -> list[tuple[int, int, int]]:
        """``hits_normalised`` given ``" " + norm + " "`` and ``allowed_ids(election)``."""
        return self._scan((self._scoped.get(allowed) or self._automata(allowed))[2], padded, False)

    def match(self, text: str, election: str | None = None, normalised: str | None = None) -> list[Match]:
        """Matches over raw and normalised text, raw spans first.  Terms only
        found in the normalised text get ``start = end = -1``."""
        allowed = self.allowed_ids(election)
        if normalised is None:
            normalised = normalise(text)
        return self.combine(text, self._raw_hits(text, allowed), self.hits_normalised(normalised, election))

    def combine(self, text: str, raw_hits, norm_hits) -> list[Match]:
        """Merge raw-text hits and normalised-text hits into evidence."""
        T = self.terms
        out = [Match(s, e, T[i].term, T[i].kind, T[i].side, T[i].weight, T[i].election) for s, e, i in raw_hits]
        for i in self._normalised_only(raw_hits, norm_hits):
            t = T[i]
            out.append(Match(-1, -1, t.term, t.kind, t.side, t.weight, t.election))
        return out

    def _normalised_only(self, raw_hits, norm_hits):
        """The terms found in the normalised text alone, each once, without those that are part of a longer term
        already found in the raw text."""
        found = set(map(_third, raw_hits))
        raw_norms = list(map(self._norm_of.__getitem__, found))
        for _, _, i in norm_hits:
            if i not in found:
                found.add(i)
                if not any(self._norm_of[i] in rn for rn in raw_norms):
                    yield i

    def evidence(self, text: str, raw_hits, norm_hits) -> list[dict]:
        """``combine`` as dicts (``Match._asdict`` for each), each copied from a per-entry template."""
        tpl = self._templates
        if tpl is None:
            tpl = self._templates = [Match(-1, -1, t.term, t.kind, t.side, t.weight, t.election)._asdict()
                                     for t in self.terms]
        out = []
        for s, e, i in raw_hits:
            d = tpl[i].copy()
            d["start"], d["end"] = s, e
            out.append(d)
        if norm_hits:
            out += [tpl[i].copy() for i in self._normalised_only(raw_hits, norm_hits)]
        return out

    def __len__(self) -> int:
        return len(self.terms)


def read_rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if (r.get("term") or "").strip()]


def load_seed(*paths) -> Lexicon:
    """Build a :class:`Lexicon` from one or more CSV files with columns
    ``election,term,kind,side,weight[,note]`` (e.g. ``lexicon_seed.csv``)."""
    rows: list[dict] = []
    for p in paths:
        rows.extend(read_rows(p))
    return Lexicon(rows)
