"""Statistics selectors: scoped, filtered case aggregates computed in SQL (GROUP BY, FILTER, windows, percentiles).

Every function starts from `cases.selectors.cases_visible_to(user)`; nothing loops over case rows in
Python. Results are plain dicts (JSON-safe) so the dashboard can cache them and every table can be
downloaded as CSV. Every count carries the link to the case list behind it, using the queue's filter
names (status, election, region, agency, violation, sanction_category, clock_state, q) plus
`reached` for the funnel steps (see REACHED).
"""
import datetime as dt
import hashlib
import json
import time
from urllib.parse import urlencode

from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Aggregate, BooleanField, Count, Exists, ExpressionWrapper, F, FloatField, Func, OuterRef, Q
from django.db.models.expressions import Window
from django.db.models.functions import Left, TruncMonth
from django.db.models.functions.window import Rank
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from cases.models import (
    Case, CaseRespondent, CaseStatus, Clock, ClockState, DeadlineRule, ElectionPeriod, ElectionType,
    Recommendation, Region, Role, SanctionCategory, SanctionRecord, TrackStatus,
)
from cases.filters import REACHED
from cases.permissions import NATIONAL_ROLES, REGIONAL_ROLES, sees_every_respondent, track_scope_q
from cases.selectors import case_queue

CACHE_SECONDS = getattr(settings, "STATS_CACHE_SECONDS", 120)
PUBLIC_CACHE_SECONDS = getattr(settings, "STATS_PUBLIC_CACHE_SECONDS", 600)
PUBLIC_MIN_COUNT = 5
CACHE_VERSION = "v3"

OPEN_STATUSES = [s for s in CaseStatus.values if s not in CaseStatus.closed()]

# Funnel steps come from the queue's filters (one definition), so a funnel number and the case list
# behind its link always agree.
FUNNEL_LABELS = {
    "reported": gettext_lazy("Dilaporkan"),
    "registered": gettext_lazy("Teregistrasi"),
    "forwarded": gettext_lazy("Diteruskan"),
    "recommended": gettext_lazy("Direkomendasikan"),
    "sanctioned": gettext_lazy("Ditindaklanjuti PPK (sanksi)"),
}

# Time at each step: (key, label, from field, to field, deadline rule code).
STEPS = [
    ("registered", gettext_lazy("Diterima → teregistrasi"), "received_at", "registered_at", "INITIAL_REVIEW"),
    ("forwarded", gettext_lazy("Teregistrasi → diteruskan"), "registered_at", "forwarded_at", "BAWASLU_DECISION"),
    ("recommended", gettext_lazy("Diteruskan → rekomendasi"), "forwarded_at", "recommended_at", "SUPERVISOR_EXAM"),
    ("sanctioned", gettext_lazy("Rekomendasi → tindak lanjut PPK"), "recommended_at", "followed_up_at", "PPK_FOLLOW_UP"),
]
PPK_CLOCK = "PPK_FOLLOW_UP"

# ---------------------------------------------------------------------------------------------
# Filters: the case queue's FilterSet, so a number and the queue page it links to always agree
# ---------------------------------------------------------------------------------------------
def case_filters(user, data):
    """The case queue's FilterSet over `user`'s scope, bound to `data` (a QueryDict, or a dict of query values
    such as CaseFilterSet.active() gives)."""
    if not isinstance(data, QueryDict):
        data = QueryDict(urlencode(data, doseq=True))
    return case_queue(user, data, request=SimpleNamespace(user=user))  # the request names whom "assigned=me" means


def respondent_scope(user) -> Q | None:
    """None when the user sees every respondent of their cases, else the Q of those they may see."""
    if sees_every_respondent(user):
        return None
    q = track_scope_q(user)
    return Q(pk__in=[]) if q is None else q


def filtered_cases(user, f: dict):
    """The cases of `user`'s scope that the filters `f` (CaseFilterSet.active() of a valid FilterSet) select."""
    return case_filters(user, f).qs


# ---------------------------------------------------------------------------------------------
# SQL helpers
# ---------------------------------------------------------------------------------------------
class PercentileCont(Aggregate):
    """PostgreSQL ordered-set aggregate: percentile_cont(p) WITHIN GROUP (ORDER BY expr)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def days_between(start, end):
    """Elapsed days (fractional, calendar) between two timestamp columns, in SQL."""
    return Func(F(end) - F(start), template="EXTRACT(EPOCH FROM %(expressions)s) / 86400.0", output_field=FloatField())


def _as_bool(q):
    return ExpressionWrapper(q, output_field=BooleanField())


# ---------------------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------------------
def case_list_url(filters: dict, **extra) -> str | None:
    """The case queue showing exactly the cases a number counts: the dashboard's filters and the row's own; None
    when the queue cannot apply both (two different agencies, say)."""
    params = dict(filters)
    for key, value in extra.items():
        if value is None:
            continue
        params[key] = value if params.get(key) in (None, value) else _both(key, params[key], value)
        if params[key] is None:
            return None
    return reverse("cases:queue") + ("?" + urlencode(params, doseq=True) if params else "")


def _both(key, mine, row):
    """One queue parameter meaning both values of `key`, or None."""
    if key == "status":
        mine, row = ([v] if isinstance(v, str) else list(v) for v in (mine, row))
        return [status for status in row if status in mine] or None
    if key == "region":
        return _narrower(mine, row)
    return None


def cell(value, filters=None, **link):
    """One number of a table, with the case list behind it (None when no list matches it exactly)."""
    return {"v": value, "href": case_list_url(filters, **link) if filters is not None else None}


def text_cell(value):
    """A non-count cell (a name, a code, a duration)."""
    return {"v": value, "href": None, "text": True}


def _table(key, title, columns, rows, chart=None, note="", ranked=False):
    """A dashboard table; `ranked` tables print each row's rank before its label."""
    return {"key": key, "title": str(title), "columns": [str(c) for c in columns], "rows": rows,
            "chart": chart, "note": str(note), "ranked": ranked}


# ---------------------------------------------------------------------------------------------
# Case-level counts: one scan with GROUPING SETS
# ---------------------------------------------------------------------------------------------
_SETS = {"total": (), "election": ("election_id",), "status": ("status",), "province": ("province",),
         "social": ("social_media",), "month": ("month",)}
_SET_COLUMNS = ["election_id", "status", "province", "social_media", "month"]


def _grouped_counts(base) -> dict:
    """Counts by election, status, province, social media and month, plus funnel and open/overdue
    per group, from one pass over the scoped, filtered cases."""
    inner = base.annotate(
        province=Left("region_code", 2),
        month=TruncMonth("received_at"),
        is_open=_as_bool(Q(status__in=OPEN_STATUSES)),
        is_overdue=_as_bool(Q(status=CaseStatus.OVERDUE)),
        **{f"r_{k}": _as_bool(q) for k, q in REACHED.items()},
    ).values("election_id", "status", "province", "social_media", "month", "is_open", "is_overdue",
             *[f"r_{k}" for k in REACHED]).order_by()
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # a user with no case in scope
        return {name: [] for name in _SETS}
    grouping_sets = ", ".join("(" + ", ".join(cols) + ")" for cols in _SETS.values())
    funnel = ", ".join(f"count(*) FILTER (WHERE r_{k}) AS {k}" for k in REACHED)
    query = (f"SELECT GROUPING({', '.join(_SET_COLUMNS)}) AS g, {', '.join(_SET_COLUMNS)}, count(*) AS n, "
             f"count(*) FILTER (WHERE is_open) AS open, count(*) FILTER (WHERE is_overdue) AS overdue, {funnel} "
             f"FROM ({sql}) AS c GROUP BY GROUPING SETS ({grouping_sets})")
    with connection.cursor() as cur:
        cur.execute(query, params)
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
    # GROUPING() bitmask: bit set = column not grouped; the last listed column is the lowest bit.
    full = (1 << len(_SET_COLUMNS)) - 1
    mask = {name: full & ~sum(1 << (len(_SET_COLUMNS) - 1 - _SET_COLUMNS.index(c)) for c in cols)
            for name, cols in _SETS.items()}
    by_mask = {v: k for k, v in mask.items()}
    out = {name: [] for name in _SETS}
    for r in rows:  # one row per group (a few hundred at most), not per case
        out[by_mask[r["g"]]].append(r)
    return out


def _month_label(month) -> str:
    if isinstance(month, dt.datetime) and timezone.is_aware(month):
        month = timezone.localtime(month)
    return month.strftime("%Y-%m")


def _counts_tables(groups, f, lookups) -> list:
    total = groups["total"][0] if groups["total"] else {"n": 0, "open": 0, "overdue": 0, **{k: 0 for k in REACHED}}
    summary = _table("summary", _("Ringkasan"), [_("Ukuran"), _("Jumlah")], [
        {"label": _("Semua perkara"), "cells": [cell(total["n"], f)]},
        {"label": _("Masih berjalan"), "cells": [cell(total["open"], f, status=OPEN_STATUSES)]},
        {"label": _("Tindak lanjut PPK terlambat"), "cells": [cell(total["overdue"], f, status=CaseStatus.OVERDUE)]},
        {"label": _("Selesai"), "cells": [cell(total["n"] - total["open"], f, status=sorted(CaseStatus.closed()))]},
    ])
    funnel_rows = [{"label": str(FUNNEL_LABELS["reported"]), "cells": [cell(total["n"], f)]}]
    funnel_rows += [{"label": str(FUNNEL_LABELS[k]), "cells": [cell(total[k], f, reached=k)]} for k in REACHED]
    funnel = _table("funnel", _("Alur perkara"), [_("Tahap"), _("Perkara")], funnel_rows, chart="funnel")

    elections = sorted(groups["election"], key=lambda r: (-r["n"], r["election_id"]))
    by_election = _table("election", _("Per pemilihan"), [_("Pemilihan"), _("Perkara"), _("Berjalan"), _("Terlambat")], [
        {"label": lookups["elections"].get(r["election_id"], ("", "?"))[1],
         "cells": [cell(r["n"], f, election=lookups["elections"].get(r["election_id"], ("",))[0]),
                   cell(r["open"], f, election=lookups["elections"].get(r["election_id"], ("",))[0], status=OPEN_STATUSES),
                   cell(r["overdue"], f, election=lookups["elections"].get(r["election_id"], ("",))[0],
                        status=CaseStatus.OVERDUE)]}
        for r in elections], chart="bar")

    status_order = {s: i for i, s in enumerate(CaseStatus.values)}
    by_status = _table("status", _("Per status"), [_("Status"), _("Perkara")], [
        {"label": str(CaseStatus(r["status"]).label) if r["status"] in status_order else r["status"],
         "cells": [cell(r["n"], f, status=r["status"])]}
        for r in sorted(groups["status"], key=lambda r: status_order.get(r["status"], 99))], chart="bar")

    provinces = sorted(groups["province"], key=lambda r: (-r["n"], r["province"]))
    top = provinces[0]["n"] if provinces else 0
    by_province = _table("province", _("Per provinsi (peringkat)"),
                         [_("Peringkat"), _("Provinsi"), _("Perkara"), _("Berjalan"), _("Terlambat"), _("Sanksi")], [
        {"label": lookups["provinces"].get(r["province"], r["province"]), "code": r["province"],
         "share": round(r["n"] / top, 3) if top else 0,
         "rank": 1 + sum(1 for p in provinces if p["n"] > r["n"]),
         "cells": [cell(r["n"], f, region=r["province"]),
                   cell(r["open"], f, region=r["province"], status=OPEN_STATUSES),
                   cell(r["overdue"], f, region=r["province"], status=CaseStatus.OVERDUE),
                   cell(r["sanctioned"], f, region=r["province"], reached="sanctioned")]}
        for r in provinces], chart="hbar",
        note=_("Peta koroplet tidak ditampilkan: tidak ada GeoJSON provinsi berlisensi bebas di paket yang tersedia; "
               "warna latar menunjukkan besarnya angka."), ranked=True)

    social = {r["social_media"]: r["n"] for r in groups["social"]}
    by_social = _table("social", _("Media sosial vs lainnya"), [_("Jenis"), _("Perkara")], [
        {"label": _("Media sosial"), "cells": [cell(social.get(True, 0), None)]},
        {"label": _("Lainnya"), "cells": [cell(social.get(False, 0), None)]},
    ], chart="doughnut", note=_("Tanda media sosial ada pada perkara; daftar perkara belum dapat disaring menurut tanda ini."))

    months = sorted((r for r in groups["month"] if r["month"]), key=lambda r: r["month"])[-24:]
    trend = _table("trend", _("Tren bulanan (tanggal diterima)"), [_("Bulan"), _("Perkara"), _("Sanksi")], [
        {"label": _month_label(r["month"]), "cells": [cell(r["n"], None), cell(r["sanctioned"], None)]}
        for r in months], chart="line", note=_("Daftar perkara belum dapat disaring per bulan; angka tren tidak bertautan."))
    return [summary, funnel, by_election, by_status, by_province, by_social, trend]


# ---------------------------------------------------------------------------------------------
# Track-level tables (institution, violation type, sanction category, PPK compliance, repeats)
# ---------------------------------------------------------------------------------------------
def _tracks_in(qs, tracks, field):
    """qs narrowed to the respondents in `tracks` (through `field`), or as it is when tracks is None."""
    return qs if tracks is None else qs.filter(**{f"{field}__in": tracks.values("pk")})


def _by_agency(base, f, tracks=None):
    rows = (_tracks_in(CaseRespondent.objects.filter(case__in=base.values("pk")), tracks, "pk")
            .values("agency__code", "agency__name", "agency__short_name")
            .annotate(n=Count("case_id", distinct=True), tracks=Count("id"))
            .order_by("-n", "agency__code")[:25])
    return _agency_table(rows, f)


def _agency_table(rows, f):
    return _table("agency", _("Per instansi (25 teratas)"), [_("Instansi"), _("Perkara"), _("Terlapor per perkara")], [
        {"label": r["agency__short_name"] or r["agency__name"], "code": r["agency__code"],
         "cells": [cell(r["n"], f, agency=r["agency__code"]), cell(r["tracks"], None)]}
        for r in rows], chart="hbar",
        note=_("Terlapor per perkara: satu terlapor dalam dua perkara dihitung dua kali."))


def _by_violation(base, f, tracks=None):
    through = Recommendation.violation_types.through
    rows = (_tracks_in(through.objects.filter(recommendation__track__case__in=base.values("pk")), tracks,
                       "recommendation__track")
            .values("violationtype__code", "violationtype__name_id", "violationtype__social_media")
            .annotate(n=Count("recommendation__track__case_id", distinct=True))
            .order_by("-n", "violationtype__code"))
    return _violation_table(rows, f)


def _violation_table(rows, f):
    return _table("violation", _("Per jenis pelanggaran (terbukti)"), [_("Jenis"), _("Perkara"), _("Media sosial")], [
        {"label": r["violationtype__name_id"], "code": r["violationtype__code"],
         "cells": [cell(r["n"], f, violation=r["violationtype__code"]),
                   text_cell(_("ya") if r["violationtype__social_media"] else _("tidak"))]}
        for r in rows], chart="hbar")


def _by_sanction(base, f, tracks=None):
    rows = (_tracks_in(Recommendation.objects.filter(track__case__in=base.values("pk"), proven=True), tracks, "track")
            .exclude(category="")
            .values("category").annotate(n=Count("track__case_id", distinct=True), tracks=Count("id"))
            .order_by("category"))
    return _sanction_table(rows, f)


def _sanction_table(rows, f):
    return _table("sanction", _("Per kategori sanksi yang direkomendasikan"), [_("Kategori"), _("Perkara"), _("Terlapor")], [
        {"label": str(SanctionCategory(r["category"]).label) if r["category"] in SanctionCategory.values else r["category"],
         "cells": [cell(r["n"], f, sanction_category=r["category"]), cell(r["tracks"], None)]}
        for r in rows], chart="doughnut")


def _ppk_compliance(base, f, tracks=None):
    missed = Q(state=ClockState.MISSED)
    decided = Exists(SanctionRecord.objects.filter(track=OuterRef("track"), active=True))
    done_late = missed & (Q(decided) | Q(track__status=TrackStatus.SANCTIONED))
    qs = (_tracks_in(Clock.objects.filter(code=PPK_CLOCK, track__isnull=False, case__in=base.values("pk")), tracks, "track")
          .values("track__agency__code", "track__agency__name", "track__agency__short_name")
          .annotate(total=Count("id"),
                    on_time=Count("id", filter=Q(state=ClockState.MET)),
                    late=Count("id", filter=done_late),
                    none=Count("id", filter=missed & ~(Q(decided) | Q(track__status=TrackStatus.SANCTIONED))),
                    open=Count("id", filter=Q(state__in=[ClockState.RUNNING, ClockState.PAUSED])))
          .annotate(rank=Window(Rank(), order_by=[F("none").desc(), F("late").desc()]))
          .order_by("rank", "-total", "track__agency__code")[:25])
    return _ppk_table(qs, f)


def _ppk_table(qs, f):
    rows = []
    for r in qs:  # at most 25 agencies
        code = r["track__agency__code"]
        decided = r["total"] - r["open"]
        rows.append({"label": r["track__agency__short_name"] or r["track__agency__name"], "code": code, "rank": r["rank"],
                     "cells": [cell(r["total"], None),  # respondents' clocks, not cases: no case list to link
                               cell(r["on_time"], None), cell(r["late"], None), cell(r["none"], None),
                               cell(r["open"], None),
                               {"v": f"{100 * r['on_time'] / decided:.0f}%" if decided else "–", "href": None}]})
    return _table("ppk", _("Kepatuhan PPK atas rekomendasi (terburuk di atas)"),
                  [_("Peringkat"), _("Instansi"), _("Rekomendasi"), _("Tepat waktu"), _("Terlambat"), _("Tidak ditindaklanjuti"),
                   _("Masih berjalan"), _("Tepat waktu (%)")], rows, chart="stacked", ranked=True,
                  note=_("Dari batas waktu tindak lanjut PPK per terlapor: terpenuhi = tepat waktu; terlewat lalu ada SK = "
                         "terlambat; terlewat tanpa SK = tidak ditindaklanjuti."))


def _nonconforming(base, f, tracks=None):
    """Decisions "tidak sesuai rekomendasi" per PPK: every standing one, and those still awaiting the supervisory
    body (issue #22: shown on the dashboard as a count per PPK)."""
    rows = (_tracks_in(SanctionRecord.objects.filter(track__case__in=base.values("pk"), active=True), tracks, "track")
            .exclude(deviation="")
            .values("track__agency__code", "track__agency__name", "track__agency__short_name")
            .annotate(n=Count("id"), pending=Count("id", filter=Q(review="pending")))
            .order_by("-n", "track__agency__code")[:25])
    return _table("nonconforming", _("Keputusan PPK tidak sesuai rekomendasi (per instansi)"),
                  [_("Instansi"), _("Keputusan"), _("Menunggu penilaian")], [
        {"label": r["track__agency__short_name"] or r["track__agency__name"], "code": r["track__agency__code"],
         "cells": [cell(r["n"], f, agency=r["track__agency__code"]), cell(r["pending"], None)]} for r in rows],
        chart="hbar", note=_("Lebih ringan, lebih berat, jenis lain, atau butir tidak dijatuhkan; keputusan yang "
                             "dikembalikan kepada PPK tidak dihitung."))


def _repeat_respondents(base, f, tracks=None):
    mine = _tracks_in(CaseRespondent.objects.filter(case__in=base.values("pk")), tracks, "pk")
    grouped = (mine
               .values("respondent_id").annotate(n=Count("case_id", distinct=True)).filter(n__gt=1))
    total = grouped.count()
    rows = (mine
            .values("respondent_id", "respondent__name", "respondent__nip", "respondent__agency__short_name")
            .annotate(n=Count("case_id", distinct=True)).filter(n__gt=1).order_by("-n", "respondent__name")[:20])
    return _repeat_table(rows, total, f)


def _repeat_table(rows, total, f):
    table = _table("repeat", _("Terlapor berulang (lebih dari satu perkara)"), [_("Terlapor"), _("NIP"), _("Instansi"), _("Perkara")], [
        {"label": r["respondent__name"],
         "cells": [text_cell(r["respondent__nip"] or "–"), text_cell(r["respondent__agency__short_name"] or "–"),
                   cell(r["n"], f, q=r["respondent__nip"]) if r["respondent__nip"] else cell(r["n"], None)]}
        for r in rows], note=_("Jumlah terlapor berulang: %(n)s (20 teratas ditampilkan).") % {"n": total})
    table["total"] = total
    return table


# ---------------------------------------------------------------------------------------------
# Time at each step against the legal deadline
# ---------------------------------------------------------------------------------------------
def _deadline_text(code):
    today = timezone.localdate()
    parts = []
    for etype in ElectionType:
        rule = DeadlineRule.for_clock(code, etype.value, today)
        if rule and rule.length:
            parts.append(f"{etype.label}: {rule.length} {rule.get_unit_display()}")
    return "; ".join(parts) or _("tidak ada tenggat tetap")


def _step_times(base, f):
    aggs = {}
    for key, _label, start, end, _code in STEPS:
        done = Q(**{f"{start}__isnull": False, f"{end}__isnull": False})
        aggs[f"{key}_n"] = Count("pk", filter=done)
        aggs[f"{key}_p50"] = PercentileCont(days_between(start, end), 0.5, filter=done)
        aggs[f"{key}_p90"] = PercentileCont(days_between(start, end), 0.9, filter=done)
    values = base.order_by().aggregate(**aggs)
    clocks = dict(((r["code"], r["state"]), r["n"]) for r in
                  Clock.objects.filter(case__in=base.values("pk"), code__in=[s[4] for s in STEPS])
                  .values("code", "state").annotate(n=Count("id")).order_by())
    return _steps_table(values, clocks, f)


def _steps_table(values, clocks, f):
    def fmt(x):
        return "–" if x is None else f"{x:.1f}"

    rows = [{"label": str(label),
             "cells": [cell(values[f"{key}_n"], None), {"v": fmt(values[f"{key}_p50"]), "href": None},
                       {"v": fmt(values[f"{key}_p90"]), "href": None}, text_cell(_deadline_text(code)),
                       {"v": clocks.get((code, ClockState.MET), 0), "href": None},
                       {"v": clocks.get((code, ClockState.MISSED), 0), "href": None}],
             "p50": values[f"{key}_p50"], "p90": values[f"{key}_p90"]}
            for key, label, _s, _e, code in STEPS]
    return _table("steps", _("Lama setiap tahap (hari kalender)"),
                  [_("Tahap"), _("Perkara"), _("Median"), _("P90"), _("Tenggat menurut aturan"),
                   _("Jam tenggat terpenuhi"), _("Jam tenggat terlewat")], rows, chart="steps",
                  note=_("Median dan P90 dihitung dengan percentile_cont di basis data; tenggat hari kerja tidak "
                         "dikonversi, bandingkan dengan kolom jam tenggat."))


# ---------------------------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------------------------
def _lookups(groups):
    elections = {e["id"]: (e["slug"], e["name"]) for e in
                 ElectionPeriod.objects.filter(id__in=[r["election_id"] for r in groups["election"]]).values("id", "slug", "name")}
    provinces = dict(Region.objects.filter(code__in=[r["province"] for r in groups["province"]])
                     .values_list("code", "name"))
    return {"elections": elections, "provinces": provinces}


def dashboard_data(user, f: dict) -> dict:
    """Every dashboard table for this user and these filters (uncached): from the summary views when
    the scope and filters fit them, else from live queries."""
    plan = summary_plan(user, f)
    if plan is None:
        return dashboard_live(user, f)
    if plan["area"] == NO_AREA:
        return dashboard_from_summary(plan, lambda: Case.objects.none(), f)
    return dashboard_from_summary(plan, lambda: filtered_cases(user, f), f)


def dashboard_live(user, f: dict) -> dict:
    track_q = respondent_scope(user)
    tracks = None if track_q is None else CaseRespondent.objects.filter(track_q)
    return dashboard_for_queryset(filtered_cases(user, f), f, tracks=tracks)


def dashboard_for_queryset(base, f: dict, tracks=None) -> dict:
    """Every dashboard table for an already scoped and filtered case queryset (live SQL); the tables about
    respondents count only `tracks` (the respondents the user may see) when given."""
    groups = _grouped_counts(base)
    tables = _counts_tables(groups, f, _lookups(groups))
    tables += [_step_times(base, f), _by_agency(base, f, tracks), _by_violation(base, f, tracks),
               _by_sanction(base, f, tracks), _ppk_compliance(base, f, tracks), _nonconforming(base, f, tracks),
               _repeat_respondents(base, f, tracks)]
    return {"tables": tables, "generated_at": timezone.now().isoformat(), "source": "live"}


# ---------------------------------------------------------------------------------------------
# Summary views (migration cases/0005_stats_summary): counts per area x election x status
# ---------------------------------------------------------------------------------------------
SUMMARY_FILTERS = {"status", "election", "region"}
NATIONAL_PLAN = {"area": "*", "election_id": 0, "statuses": []}
NO_AREA = "-"  # matches no summary row
SUMMARY_VIEWS = ["stats_case_counts", "stats_step_times", "stats_clock_counts", "stats_track_counts",
                 "stats_violation_counts", "stats_sanction_counts", "stats_repeat_respondents"]
SCOPE_WIDENING_ROLES = {Role.PPK_LIAISON, Role.KEMENPANRB, Role.KEMENDAGRI}


def _narrower(a: str, b: str):
    """The region covered by both prefix codes ("00" = national), or None when they are disjoint."""
    if a == "00":
        return b
    if b == "00" or a == b or a.startswith(b + "."):
        return a
    if b.startswith(a + "."):
        return b
    return None


def summary_plan(user, f: dict):
    """Where the summary rows answer this request exactly: {"area", "election_id", "statuses"}, or None
    (live queries). Scope uses the same prefix rule as cases.permissions.case_scope_q: national roles see
    area '*', Bawaslu/auditors their region; scopes that join tracks (PPK liaison, ministries) and
    regions below regency level go live (they are small)."""
    if set(f) - SUMMARY_FILTERS or not user.is_authenticated or not user.is_active:
        return None
    roles = user.roles
    if roles & NATIONAL_ROLES:
        scope = "00"
    elif roles & REGIONAL_ROLES and not roles & SCOPE_WIDENING_ROLES and user.region_id:
        scope = user.region_code
    else:
        return None
    code = _narrower(scope, f.get("region") or "00")
    if code is None:  # a region outside the user's scope: no case, and no query over cases either
        code = NO_AREA
    elif len(code) > 5:
        return None
    election_id = 0
    if f.get("election"):
        election_id = ElectionPeriod.objects.filter(slug=f["election"]).values_list("id", flat=True).first()
        if election_id is None:
            return None
    return {"area": "*" if code == "00" else code, "election_id": election_id,
            "statuses": sorted(f.get("status") or [])}


def _rows(sql, params) -> list:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]


def _where(plan, election=True) -> tuple:
    sql, params = "area = %s", [plan["area"]]
    if election:
        sql += " AND election_id = %s"
        params.append(plan["election_id"])
    if plan["statuses"]:
        sql += " AND status = ANY(%s)"
        params.append(plan["statuses"])
    return sql, params


_MEASURES = ("sum(n)::int AS n, coalesce(sum(n) FILTER (WHERE status = ANY(%s)), 0)::int AS open, "
             "coalesce(sum(n) FILTER (WHERE status = 'overdue'), 0)::int AS overdue, "
             + ", ".join(f"sum({k})::int AS {k}" for k in REACHED))


def _summary_groups(plan) -> dict:
    """The same groups as _grouped_counts, from stats_case_counts."""
    where, params = _where(plan)
    rows = _rows(f"SELECT GROUPING(status, social_media, month) AS g, status, social_media, month, {_MEASURES} "
                 f"FROM stats_case_counts WHERE {where} "
                 f"GROUP BY GROUPING SETS ((), (status), (social_media), (month)) HAVING sum(n) > 0",
                 [OPEN_STATUSES, *params])
    kind = {0b111: "total", 0b011: "status", 0b101: "social", 0b110: "month"}
    out = {name: [] for name in _SETS}
    for r in rows:
        out[kind[r["g"]]].append(r)
    e_where, e_params = _where({**plan, "election_id": None}, election=False)
    e_where += " AND election_id <> 0" + (" AND election_id = %s" if plan["election_id"] else "")
    e_params += [plan["election_id"]] if plan["election_id"] else []
    out["election"] = _rows(f"SELECT election_id, {_MEASURES} FROM stats_case_counts WHERE {e_where} "
                            f"GROUP BY election_id HAVING sum(n) > 0", [OPEN_STATUSES, *e_params])
    if plan["area"] == "*":
        p_params = [OPEN_STATUSES, plan["election_id"]]
        status_sql = ""
        if plan["statuses"]:
            status_sql = " AND status = ANY(%s)"
            p_params.append(plan["statuses"])
        out["province"] = _rows(f"SELECT area AS province, {_MEASURES} FROM stats_case_counts "
                                f"WHERE level = 1 AND election_id = %s{status_sql} GROUP BY area HAVING sum(n) > 0",
                                p_params)
    else:
        out["province"] = [{**r, "province": plan["area"][:2]} for r in out["total"]]
    return out


def _summary_steps(plan, live, f):
    if len(plan["statuses"]) > 1:  # medians cannot be added up: several statuses at once go live
        return _step_times(live(), f)
    status = plan["statuses"][0] if plan["statuses"] else "*"
    found = _rows("SELECT * FROM stats_step_times WHERE area = %s AND election_id = %s AND status = %s",
                  [plan["area"], plan["election_id"], status])
    values = found[0] if found else {}
    values = {f"{key}_{m}": values.get(f"{key}_{m}", 0 if m == "n" else None) for key, *_r in STEPS for m in ("n", "p50", "p90")}
    where, params = _where(plan)
    clocks = {(r["code"], r["state"]): r["n"] for r in
              _rows(f"SELECT code, state, sum(n)::int AS n FROM stats_clock_counts WHERE {where} GROUP BY code, state", params)}
    return _steps_table(values, clocks, f)


def _summary_tracks(plan, f):
    where, params = _where(plan)
    agency = _rows(
        "SELECT a.code AS agency__code, a.name AS agency__name, a.short_name AS agency__short_name, s.n, s.tracks "
        f"FROM (SELECT agency_id, sum(cases)::int AS n, sum(tracks)::int AS tracks FROM stats_track_counts WHERE {where} "
        "GROUP BY agency_id HAVING sum(cases) > 0) s JOIN cases_agency a ON a.id = s.agency_id "
        "ORDER BY s.n DESC, a.code LIMIT 25", params)
    ppk = _rows(
        "SELECT a.code AS track__agency__code, a.name AS track__agency__name, a.short_name AS track__agency__short_name, "
        "s.total, s.on_time, s.late, s.none, s.open, rank() OVER (ORDER BY s.none DESC, s.late DESC) AS rank "
        "FROM (SELECT agency_id, sum(ppk_total)::int AS total, sum(ppk_on_time)::int AS on_time, sum(ppk_late)::int AS late, "
        f"sum(ppk_none)::int AS none, sum(ppk_open)::int AS open FROM stats_track_counts WHERE {where} "
        "GROUP BY agency_id HAVING sum(ppk_total) > 0) s JOIN cases_agency a ON a.id = s.agency_id "
        "ORDER BY rank, s.total DESC, a.code LIMIT 25", params)
    violation = _rows(
        "SELECT v.code AS violationtype__code, v.name_id AS violationtype__name_id, v.social_media AS violationtype__social_media, s.n "
        f"FROM (SELECT violationtype_id, sum(cases)::int AS n FROM stats_violation_counts WHERE {where} "
        "GROUP BY violationtype_id HAVING sum(cases) > 0) s JOIN cases_violationtype v ON v.id = s.violationtype_id "
        "ORDER BY s.n DESC, v.code", params)
    sanction = _rows(f"SELECT category, sum(cases)::int AS n, sum(recommendations)::int AS tracks FROM stats_sanction_counts "
                     f"WHERE {where} GROUP BY category HAVING sum(cases) > 0 ORDER BY category", params)
    return [_agency_table(agency, f), _violation_table(violation, f), _sanction_table(sanction, f), _ppk_table(ppk, f)]


def _summary_repeats(plan, live, f):
    if len(plan["statuses"]) > 1:  # repeats are not additive over statuses: several statuses at once go live
        return _repeat_respondents(live(), f)
    key = [plan["area"], plan["election_id"], plan["statuses"][0] if plan["statuses"] else "*"]
    total = _rows("SELECT count(*) AS n FROM stats_repeat_respondents WHERE area = %s AND election_id = %s AND status = %s",
                  key)[0]["n"]
    rows = _rows(
        "SELECT r.name AS respondent__name, r.nip AS respondent__nip, a.short_name AS respondent__agency__short_name, s.n "
        "FROM stats_repeat_respondents s JOIN cases_respondent r ON r.id = s.respondent_id "
        "LEFT JOIN cases_agency a ON a.id = r.agency_id "
        "WHERE s.area = %s AND s.election_id = %s AND s.status = %s AND s.n >= coalesce((SELECT n FROM stats_repeat_respondents "
        "  WHERE area = %s AND election_id = %s AND status = %s ORDER BY n DESC OFFSET 19 LIMIT 1), 0) "
        "ORDER BY s.n DESC, r.name LIMIT 20", key + key)
    return _repeat_table(rows, total, f)


def summary_refreshed_at():
    """When the summary views were last refreshed (None before the first refresh)."""
    try:
        found = _rows("SELECT refreshed_at FROM stats_refreshed", [])
    except Exception:  # the migration is not applied (never in a migrated database)
        return None
    return found[0]["refreshed_at"] if found else None


def dashboard_from_summary(plan, live, f: dict) -> dict:
    """Every dashboard table from the summary views; `live()` gives the scoped, filtered queryset for the
    one or two tables the summary cannot answer for this plan."""
    groups = _summary_groups(plan)
    tables = _counts_tables(groups, f, _lookups(groups))
    steps = _summary_steps(plan, live, f)
    agency, violation, sanction, ppk = _summary_tracks(plan, f)
    tables += [steps, agency, violation, sanction, ppk, _nonconforming(live(), f), _summary_repeats(plan, live, f)]
    at = summary_refreshed_at() or timezone.now()
    return {"tables": tables, "generated_at": at.isoformat(), "source": "summary"}


def summary_refresh() -> float:
    """Refresh every summary view (CONCURRENTLY: readers keep the old rows meanwhile); seconds taken."""
    t0 = time.monotonic()
    with connection.cursor() as cur:
        for view in SUMMARY_VIEWS:
            cur.execute(f"REFRESH MATERIALIZED VIEW CONCURRENTLY {view}")
        cur.execute("REFRESH MATERIALIZED VIEW stats_refreshed")
    cache.set(f"stats:{CACHE_VERSION}:refreshed", timezone.now().isoformat(), None)
    return time.monotonic() - t0


def scope_key(user) -> str:
    """Users with the same roles, region and agency see the same numbers, so they share a cache entry."""
    return f"{','.join(sorted(user.roles))}|{user.region_code}|{user.agency_id or '-'}"


def cache_key(user, f: dict) -> str:
    raw = json.dumps([scope_key(user), f], sort_keys=True, default=str)
    return f"stats:{CACHE_VERSION}:dash:" + hashlib.sha256(raw.encode()).hexdigest()


def page_cache_key(user, query, language) -> str:
    """The rendered dashboard body for this scope, raw query string and language (no filter parsing,
    no database query beyond the user's roles and region on a hit)."""
    raw = json.dumps([scope_key(user), sorted((k, sorted(v)) for k, v in query.lists()), language])
    return f"stats:{CACHE_VERSION}:page:" + hashlib.sha256(raw.encode()).hexdigest()


def dashboard_cached(user, f: dict) -> dict:
    key = cache_key(user, f)
    data = cache.get(key)
    if data is None:
        data = dashboard_data(user, f)
        cache.set(key, data, CACHE_SECONDS)
    return data


def table_by_key(data: dict, key: str):
    return next((t for t in data["tables"] if t["key"] == key), None)


# ---------------------------------------------------------------------------------------------
# Public transparency page: national, no personal data, small counts suppressed
# ---------------------------------------------------------------------------------------------
def suppress(n: int):
    """Counts from 1 to 4 could point at a person: shown as "<5"."""
    return "<5" if 0 < n < PUBLIC_MIN_COUNT else n


def public_data() -> dict:
    """Provinces x elections from the summary view (the same counts as a GROUP BY over cases)."""
    rows = _rows("SELECT area AS province, election_id, sum(n)::int AS n, sum(forwarded)::int AS forwarded, "
                 "sum(recommended)::int AS recommended, sum(sanctioned)::int AS sanctioned FROM stats_case_counts "
                 "WHERE level = 1 AND election_id <> 0 GROUP BY area, election_id HAVING sum(n) > 0", [])
    names = dict(Region.objects.filter(level="province").values_list("code", "name"))
    elections = list(ElectionPeriod.objects.filter(id__in={r["election_id"] for r in rows}).values("id", "name", "voting_date"))
    elections.sort(key=lambda e: e["voting_date"] or timezone.localdate(), reverse=True)
    cells = {(r["province"], r["election_id"]): r for r in rows}
    empty = {"n": 0, "forwarded": 0, "recommended": 0, "sanctioned": 0}
    provinces = sorted({r["province"] for r in rows}, key=lambda c: names.get(c, c))
    pivot = [{"province": names.get(code, code),
              "cells": [{k: suppress(v) for k, v in {**empty, **cells.get((code, e["id"]), {})}.items() if k in empty}
                        for e in elections]}
             for code in provinces]  # provinces x elections, already grouped in SQL
    at = summary_refreshed_at() or timezone.now()
    return {"rows": pivot, "elections": [e["name"] for e in elections], "generated_at": at.isoformat()}


def public_cached() -> dict:
    key = f"stats:{CACHE_VERSION}:public"
    data = cache.get(key)
    if data is None:
        data = public_data()
        cache.set(key, data, PUBLIC_CACHE_SECONDS)
    return data


__all__ = ["REACHED", "case_filters", "filtered_cases", "dashboard_data", "dashboard_for_queryset",
           "dashboard_cached", "dashboard_live", "summary_plan", "summary_refresh", "summary_refreshed_at",
           "public_data", "public_cached", "suppress", "table_by_key", "PercentileCont"]
