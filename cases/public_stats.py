"""Figures for the public transparency page: national aggregates by election, stage, region, outcome and time to
each step, read from the statistics summary views; no personal data, counts from 1 to 4 shown as "<5".

Each figure is a small table (a label column and one or more number columns) that the page shows beside its chart.
"""
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseStatus, ElectionPeriod, Region
from cases.stats import PUBLIC_CACHE_SECONDS, STEPS, suppress

CACHE_KEY = "public-figures:v1"

# The outcome a member of the public asks about, by case status.
OUTCOMES = [
    (_("Masih ditangani"), {CaseStatus.RECEIVED, CaseStatus.REGISTERED, CaseStatus.UNDER_EXAMINATION,
                            CaseStatus.FORWARDED, CaseStatus.UNDER_REVIEW, CaseStatus.INFO_REQUESTED}),
    (_("Menunggu sanksi PPK"), {CaseStatus.AWAITING_FOLLOW_UP, CaseStatus.OVERDUE}),
    (_("Sanksi dijatuhkan"), {CaseStatus.FOLLOWED_UP, CaseStatus.CLOSED_SANCTIONED}),
    (_("Tidak terbukti"), {CaseStatus.CLOSED_NOT_PROVEN}),
    (_("Dihentikan Bawaslu"), {CaseStatus.DISMISSED}),
    (_("Ditutup karena alasan lain"), {CaseStatus.CLOSED_OTHER}),
]
FUNNEL = [("n", _("Perkara")), ("forwarded", _("Diteruskan")), ("recommended", _("Direkomendasikan")),
          ("sanctioned", _("Sanksi dijatuhkan"))]


def _rows(sql, params) -> list[dict]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        names = [c.name for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]


@dataclass
class Figure:
    key: str
    title: str
    chart: str  # hbar, doughnut
    columns: list
    rows: list = field(default_factory=list)  # [{"label": str, "values": [int | "<5" | None]}]
    note: str = ""


def _funnel_rows(rows, label) -> list:
    return [{"label": label(r), "values": [suppress(int(r[k] or 0)) for k, _l in FUNNEL]} for r in rows]


def by_election() -> Figure:
    rows = _rows("SELECT election_id, sum(n) AS n, sum(forwarded) AS forwarded, sum(recommended) AS recommended, "
                 "sum(sanctioned) AS sanctioned FROM stats_case_counts WHERE level = 0 AND election_id <> 0 "
                 "GROUP BY election_id HAVING sum(n) > 0", [])
    names = dict(ElectionPeriod.objects.values_list("id", "name"))
    rows.sort(key=lambda r: -int(r["n"]))
    return Figure("election", str(_("Perkara per pemilihan dan sejauh mana ditangani")), "hbar",
                  [str(label) for _k, label in FUNNEL], _funnel_rows(rows, lambda r: names.get(r["election_id"], "?")))


def by_region() -> Figure:
    rows = _rows("SELECT area, sum(n) AS n, sum(forwarded) AS forwarded, sum(recommended) AS recommended, "
                 "sum(sanctioned) AS sanctioned FROM stats_case_counts WHERE level = 1 AND election_id = 0 "
                 "GROUP BY area HAVING sum(n) > 0", [])
    names = dict(Region.objects.filter(level="province").values_list("code", "name"))
    rows.sort(key=lambda r: -int(r["n"]))
    return Figure("region", str(_("Perkara per provinsi")), "hbar", [str(label) for _k, label in FUNNEL],
                  _funnel_rows(rows, lambda r: names.get(r["area"], r["area"])))


def by_outcome() -> Figure:
    counts = {r["status"]: int(r["n"]) for r in _rows(
        "SELECT status, sum(n) AS n FROM stats_case_counts WHERE level = 0 AND election_id = 0 GROUP BY status", [])}
    rows = [{"label": str(label), "values": [suppress(sum(counts.get(s, 0) for s in statuses))]}
            for label, statuses in OUTCOMES]
    return Figure("outcome", str(_("Hasil penanganan")), "doughnut", [str(_("Perkara"))],
                  [r for r in rows if r["values"][0] != 0])


def by_stage() -> Figure:
    rows = (Case.objects.order_by().values("stage__name").annotate(n=Count("id")).order_by("-n"))
    return Figure("stage", str(_("Perkara per tahapan pemilihan saat kejadian")), "hbar", [str(_("Perkara"))],
                  [{"label": r["stage__name"] or str(_("Tidak dicatat")), "values": [suppress(r["n"])]} for r in rows])


def step_times() -> Figure:
    found = _rows("SELECT * FROM stats_step_times WHERE area = '*' AND election_id = 0 AND status = '*'", [])
    values = found[0] if found else {}

    def days(key, q):
        n, v = int(values.get(f"{key}_n") or 0), values.get(f"{key}_{q}")
        return None if v is None or n < 5 else round(float(v), 1)  # a median of fewer than 5 cases is not shown

    rows = [{"label": str(label), "values": [days(key, "p50"), days(key, "p90")]} for key, label, *_rest in STEPS]
    return Figure("steps", str(_("Lama setiap tahap (hari kalender)")), "hbar",
                  [str(_("Median (hari)")), str(_("9 dari 10 perkara selesai dalam (hari)"))], rows,
                  str(_("Dihitung dari perkara yang sudah melewati tahap itu; tahap dengan kurang dari 5 perkara tidak "
                        "ditampilkan.")))


def public_figures() -> list[Figure]:
    return [by_election(), by_stage(), by_region(), by_outcome(), step_times()]


def public_figures_cached(language: str) -> list[Figure]:
    """Per language (the titles are translated), for as long as the public page's own figures."""
    return cache.get_or_set(f"{CACHE_KEY}:{language}", public_figures, PUBLIC_CACHE_SECONDS)
