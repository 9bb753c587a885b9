"""Reading what a client sent."""


def whole_number(raw: str) -> int | None:
    """`raw` as a database id or version when it is one (ASCII digits, at most 18: a bigint), else None; never the
    ValueError or out-of-range query a bare int() or pk=raw would give for "zz" or a 30-digit number."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None
