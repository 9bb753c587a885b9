"""Keyset (cursor) pagination on (sort key, id) and cheap totals, for the HTML queue and the API.

Never OFFSET: each page continues from the last row's (key, id) with a row comparison that a composite
index serves as a range scan. A nullable key (next_due) is paginated in two phases: the rows with a
value, then the rows without one (ordered by id), so "no deadline" comes last in both directions.
Totals are exact up to settings.QUEUE_EXACT_COUNT_LIMIT; beyond that the planner's estimate is shown
as "sekitar N" instead of running a slow COUNT(*).
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F
from django.db.models.fields.tuple_lookups import TupleGreaterThan, TupleLessThan


class InvalidCursor(ValueError):
    """The cursor in the URL was altered or belongs to another sort order."""


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False
    nullable: bool = False
    kind: str = "str"  # how a cursor value is decoded: str, date, datetime

    def order_by(self):
        sign = "-" if self.descending else ""
        return [f"{sign}{self.field}", f"{sign}id"]

    def decode(self, raw):
        if raw is None:
            return None
        if self.kind == "date":
            return dt.date.fromisoformat(raw)
        if self.kind == "datetime":
            return dt.datetime.fromisoformat(raw)
        if self.kind == "int":
            return int(raw)
        return str(raw)

    def encode(self, value):
        return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


# The queue's sort orders (parameter `sort`); each has a composite index on (key, id).
CASE_SORTS = {
    "": SortKey("id", descending=True, kind="int"),
    "due": SortKey("next_due", nullable=True, kind="date"),
    "-due": SortKey("next_due", descending=True, nullable=True, kind="date"),
    "age": SortKey("received_at", kind="datetime"),
    "region": SortKey("region_code"),
}


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    is_first: bool
    per_page: int
    extra: dict = field(default_factory=dict)

    @property
    def has_next(self):
        return self.next_cursor is not None


def encode_cursor(sort: str, phase: int, value, pk: int) -> str:
    raw = json.dumps([sort, phase, value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str, key: SortKey):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        c_sort, phase, value, pk = json.loads(raw)
        if c_sort != sort or phase not in (0, 1) or not isinstance(pk, int):
            raise InvalidCursor
        return phase, (None if phase == 1 else key.decode(value)), pk
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise InvalidCursor from exc


def _after(qs, key: SortKey, value, pk):
    """Rows strictly after (value, pk) in the key's direction: one row comparison, index-friendly."""
    lookup = TupleLessThan if key.descending else TupleGreaterThan
    if key.field == "id":
        return qs.filter(id__lt=pk) if key.descending else qs.filter(id__gt=pk)
    return qs.filter(lookup((F(key.field), F("id")), (value, pk)))


def keyset_paginate(qs, *, sort: str = "", cursor: str | None = None, per_page: int = 50,
                    sorts: dict = CASE_SORTS) -> KeysetPage:
    """One page of `qs` in the order `sort`, continuing after `cursor` (None for the first page).

    Rows may be model instances or named tuples (values_list(named=True)) holding `id` and the sort fields.
    """
    key = sorts.get(sort)
    if key is None:
        raise InvalidCursor
    phase, value, pk = decode_cursor(cursor, sort, key) if cursor else (0, None, None)
    rows = []
    if phase == 0:
        part = qs.filter(**{f"{key.field}__isnull": False}) if key.nullable else qs
        if pk is not None:
            part = _after(part, key, value, pk)
        rows = list(part.order_by(*key.order_by())[: per_page + 1])
    if key.nullable and len(rows) <= per_page:
        # Second phase: the rows without a key value, by id in the same direction.
        part = qs.filter(**{f"{key.field}__isnull": True})
        if phase == 1:
            part = part.filter(id__lt=pk) if key.descending else part.filter(id__gt=pk)
        need = per_page + 1 - len(rows)
        tail = list(part.order_by("-id" if key.descending else "id")[:need])
        rows += tail
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    next_cursor = None
    if has_next and rows:
        last = rows[-1]
        last_value = getattr(last, key.field)
        last_phase = 1 if key.nullable and last_value is None else 0
        next_cursor = encode_cursor(sort, last_phase, None if last_phase else key.encode(last_value), last.id)
    return KeysetPage(rows=rows, next_cursor=next_cursor, is_first=cursor is None, per_page=per_page)


# --- totals -------------------------------------------------------------------------------------------------

_ROWS_RE = re.compile(r"rows=(\d+)")


def estimated_count(qs) -> int:
    """The planner's row estimate for the query (EXPLAIN, no execution): statistics × selectivity."""
    try:
        sql, params = qs.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # e.g. .none() for a role that sees no case: nothing to estimate
        return 0
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        first = cursor.fetchone()[0]
    match = _ROWS_RE.search(first)
    return int(match.group(1)) if match else 0


@dataclass(frozen=True)
class Total:
    value: int
    exact: bool


def bounded_count(qs, limit: int | None = None) -> Total:
    """Exact count when small (COUNT over at most limit+1 rows), else the planner's estimate.

    The estimate is asked first, so a filter matching half a million rows never runs a bounded count
    that would read limit+1 rows only to give up.
    """
    limit = settings.QUEUE_EXACT_COUNT_LIMIT if limit is None else limit
    estimate = estimated_count(qs)
    if estimate <= limit * 2:
        n = qs.order_by().values("pk")[: limit + 1].count()
        if n <= limit:
            return Total(n, True)
    return Total(max(estimate, limit), False)
