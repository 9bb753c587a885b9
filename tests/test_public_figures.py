"""Public transparency figures: each equals a direct count, small counts are suppressed, the page draws a chart from
the table beside it (script files only, nothing inline)."""
import re

import pytest
from django.db.models import Q

from cases import public_stats, stats
from cases.models import Case, CaseStatus, Region
from tests.factories import CaseFactory
from tests.test_stats import seeded

pytestmark = pytest.mark.django_db
__all__ = ["seeded"]


def values(figure) -> dict:
    return {row["label"]: row["values"] for row in figure.rows}


def test_each_figure_equals_a_direct_count_and_suppresses_small_ones(seeded):
    for _i in range(3):
        CaseFactory(region=Region.objects.get(code="35.01"), status=CaseStatus.DISMISSED)
    stats.summary_refresh()
    election = values(public_stats.by_election())
    assert election["Pemilihan Serentak Nasional 2024 (Gubernur, Bupati, Wali Kota)"][0] == \
        Case.objects.filter(election__slug="pilkada-2024").count()
    region = values(public_stats.by_region())
    assert region["Jawa Tengah"][0] == Case.objects.filter(region_code__startswith="33").count()
    assert region["Jawa Timur"] == ["<5", 0, 0, 0]  # three cases: shown as <5, never 3
    outcome = values(public_stats.by_outcome())
    assert outcome["Dihentikan Bawaslu"] == [Case.objects.filter(status=CaseStatus.DISMISSED).count()]
    sanctioned = Case.objects.filter(Q(status=CaseStatus.FOLLOWED_UP) | Q(status=CaseStatus.CLOSED_SANCTIONED)).count()
    assert outcome["Sanksi dijatuhkan"] == [stats.suppress(sanctioned)]
    for figure in public_stats.public_figures():
        for row in figure.rows:
            assert all(v in (None, "<5", 0) or v >= 5 or isinstance(v, float) for v in row["values"]), row
    steps = values(public_stats.step_times())
    assert all(v is None or v >= 0 for row in steps.values() for v in row)


def test_the_page_shows_a_chart_and_a_table_per_figure_in_both_languages(seeded, client):
    stats.summary_refresh()
    html = client.get("/transparansi/").content.decode()
    for key in ("election", "stage", "region", "outcome", "steps"):
        assert f'data-figure="{key}"' in html and f'id="t-{key}"' in html
    assert "js/public_stats.js" in html and "chart.umd.min.js" in html
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html)  # no inline script
    client.cookies["django_language"] = "en"
    english = client.get("/transparansi/").content.decode()
    assert "Cases per province" in english and "Outcome" in english
