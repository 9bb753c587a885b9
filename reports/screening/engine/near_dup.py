"""Near-duplicate grouping with MinHash LSH (datasketch).

``group_near_duplicates([(id, text), ...], threshold=0.8)`` returns
``{id: group_key}`` where ``group_key`` is the id of the first item of the
group (in input order), so one campaign message shared by 300 accounts is
reviewed once.  Shingles are word 1-2-grams of the normalised text with
mention/URL tokens removed (so the same text addressed to different accounts
still groups), plus character 4-grams for very short posts.
"""
from __future__ import annotations

from datasketch import MinHash, MinHashLSH

from .normalise import tokens

__all__ = ["group_near_duplicates", "shingles"]

_DROP = {"mentiontoken", "urltoken", "rt"}


def shingles(text: str) -> set[bytes]:
    toks = [t for t in tokens(text) if t not in _DROP]
    out = {t.encode() for t in toks}
    out.update((a + " " + b).encode() for a, b in zip(toks, toks[1:]))
    if len(toks) < 4:
        s = " ".join(toks)
        out.update(s[i:i + 4].encode() for i in range(max(1, len(s) - 3)))
    return out or {b"\x00empty"}


def group_near_duplicates(items, threshold: float = 0.8, num_perm: int = 64) -> dict:
    items = list(items)
    if not items:
        return {}
    ids = [i for i, _ in items]
    sh = [shingles(t or "") for _, t in items]
    mhs = MinHash.bulk(sh, num_perm=num_perm)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    parent = list(range(len(items)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    exact: dict[frozenset, int] = {}
    for k, (m, s) in enumerate(zip(mhs, sh)):
        fs = frozenset(s)
        if fs in exact:  # identical shingle sets: same group, skip LSH
            parent[find(k)] = find(exact[fs])
            continue
        exact[fs] = k
        for j in lsh.query(m):
            if m.jaccard(mhs[j]) >= threshold:
                a, b = find(k), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        lsh.insert(k, m)
    return {ids[k]: ids[find(k)] for k in range(len(items))}
