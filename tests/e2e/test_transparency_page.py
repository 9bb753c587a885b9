"""The public transparency page draws a chart beside each table, on a desktop and a 390 px phone, in both languages
(Chromium; screenshots test-artifacts/e2e/public-*.png); axe finds no serious violation."""
import datetime as dt
import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases import stats
from cases.models import CaseStatus, ElectionPeriod, Region
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import ARTIFACTS
from tests.factories import CaseFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
STATUSES = [CaseStatus.REGISTERED, CaseStatus.UNDER_REVIEW, CaseStatus.AWAITING_FOLLOW_UP, CaseStatus.CLOSED_SANCTIONED,
            CaseStatus.CLOSED_NOT_PROVEN, CaseStatus.DISMISSED]


@pytest.fixture
def figures(transactional_db):
    call_command("load_reference", verbosity=0)
    regions = [Region.objects.get(code=c) for c in ("33.01", "33.02", "32.01", "35.01")]
    elections = list(ElectionPeriod.objects.filter(slug__in=["pilkada-2024", "pemilu-2024"]))
    start = timezone.now() - dt.timedelta(days=90)
    for i in range(84):
        status = STATUSES[i % len(STATUSES)]
        received = start + dt.timedelta(days=i % 30)
        stamps = {"registered_at": received + dt.timedelta(days=2), "forwarded_at": received + dt.timedelta(days=6)}
        if status in (CaseStatus.AWAITING_FOLLOW_UP, CaseStatus.CLOSED_SANCTIONED, CaseStatus.CLOSED_NOT_PROVEN):
            stamps["recommended_at"] = received + dt.timedelta(days=20)
        if status == CaseStatus.CLOSED_SANCTIONED:
            stamps["followed_up_at"] = received + dt.timedelta(days=35)
        CaseFactory(region=regions[i % 4 if i < 81 else 3], election=elections[i % 2], status=status,
                    received_at=received, **stamps)
    stats.summary_refresh()


@pytest.mark.parametrize("width,language", [(1280, "id"), (390, "id"), (390, "en")])
def test_each_figure_has_a_chart_beside_its_table(browser, live_server, figures, width, language):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500, bypass_csp=True)
    ctx.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = ctx.new_page()
    page.goto(live_server.url + "/transparansi/")
    page.wait_for_function("document.querySelectorAll('canvas[data-figure]').length === 5 && "
                           "Array.from(document.querySelectorAll('canvas[data-figure]')).every(c => Chart.getChart(c))")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"public-{width}-{language}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    ctx.close()
