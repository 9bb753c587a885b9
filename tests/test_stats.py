"""Statistics dashboard: every number against a direct count, scope, links, cache, public page, summaries."""
import csv
import datetime as dt
import io
import statistics
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils import timezone

from cases import stats
from cases.selectors import cases_visible_to
from cases.models import (
    Agency, Case, CaseStatus, Clock, ClockState, DeadlineRule, ElectionPeriod, Recommendation,
    Region, SanctionCategory, SanctionRecord, SanctionType, TrackStatus, ViolationType,
)
from tests.conftest import clear_cache
from tests.factories import CaseFactory, RespondentFactory, TrackFactory

S = CaseStatus
STATUS_CYCLE = [S.RECEIVED, S.REGISTERED, S.UNDER_EXAMINATION, S.FORWARDED, S.DISMISSED, S.UNDER_REVIEW,
                S.CLOSED_NOT_PROVEN, S.AWAITING_FOLLOW_UP, S.OVERDUE, S.FOLLOWED_UP, S.CLOSED_SANCTIONED, S.CLOSED_OTHER]
LEVEL = {S.RECEIVED: 0, S.CLOSED_OTHER: 0, S.REGISTERED: 1, S.UNDER_EXAMINATION: 1, S.DISMISSED: 1, S.FORWARDED: 2,
         S.UNDER_REVIEW: 2, S.CLOSED_NOT_PROVEN: 2, S.AWAITING_FOLLOW_UP: 3, S.OVERDUE: 3, S.FOLLOWED_UP: 4,
         S.CLOSED_SANCTIONED: 4}
REGIONS = ["33.01", "33.02", "32.01"]
# Days after receipt at which each step happens (so the medians are known).
STEP_DAYS = {"registered_at": 2, "forwarded_at": 5, "recommended_at": 15, "followed_up_at": 30}


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """A private cache namespace per test: numbers cached by one test never leak into another."""
    caches = {k: dict(v) for k, v in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-stats-{uuid.uuid4().hex}"
    settings.CACHES = caches
    yield


@pytest.fixture
def seeded(db, supervisor_approver):
    """36 cases over Cilacap (33.01), Banyumas (33.02) and Bogor (32.01), two elections, every status."""
    elections = [ElectionPeriod.objects.get(slug="pilkada-2024"), ElectionPeriod.objects.get(slug="pemilu-2024")]
    rule = DeadlineRule.objects.filter(code="PPK_FOLLOW_UP").first()
    sanction_type = SanctionType.objects.first()
    violations = [ViolationType.objects.get(code="SOSMED_CAMPAIGN"), ViolationType.objects.get(code="BANNER_INSTALL")]
    regions = {code: Region.objects.get(code=code) for code in REGIONS}
    agencies = {code: Agency.objects.get(code=f"PEMKAB-{code}") for code in REGIONS}
    repeat = RespondentFactory(name="Terlapor Berulang", agency=agencies["33.01"])
    cross = RespondentFactory(name="Terlapor Lintas Provinsi", agency=agencies["33.01"])
    base = timezone.make_aware(dt.datetime(2024, 9, 2, 9, 0))
    categories = [SanctionCategory.MORAL, SanctionCategory.DISCIPLINARY, SanctionCategory.BOTH]
    for i in range(36):
        status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
        code = REGIONS[i % 3]
        received = base + dt.timedelta(days=i)
        stamps = {f: received + dt.timedelta(days=d) for n, (f, d) in enumerate(STEP_DAYS.items()) if LEVEL[status] > n}
        case = CaseFactory(region=regions[code], election=elections[(i // 3) % 2], status=status,
                           social_media=i % 4 == 0, received_at=received, title=f"Perkara uji {i}", **stamps)
        respondent = repeat if i in (0, 3, 6) else cross if i in (1, 2) else RespondentFactory(agency=agencies[code])
        track = TrackFactory(case=case, respondent=respondent, agency=agencies[code])
        if LEVEL[status] < 3:
            continue
        rec = Recommendation.objects.create(track=track, category=categories[i % 3], drafted_by=supervisor_approver,
                                            approved_by=supervisor_approver, approved_at=stamps["recommended_at"])
        rec.violation_types.add(violations[i % 2])
        sanctioned = LEVEL[status] == 4
        state = (ClockState.RUNNING if status == S.AWAITING_FOLLOW_UP else ClockState.MISSED if status == S.OVERDUE
                 else ClockState.MET if i % 2 else ClockState.MISSED)
        Clock.objects.create(case=case, track=track, rule=rule, code="PPK_FOLLOW_UP", state=state,
                             started_on=stamps["recommended_at"].date(), due_on=stamps["recommended_at"].date() + dt.timedelta(days=20))
        if sanctioned:
            track.status = TrackStatus.SANCTIONED
            track.save(update_fields=["status"])
            SanctionRecord.objects.create(track=track, sanction_type=sanction_type, decree_number=f"SK-{i}",
                                          decree_date=stamps["followed_up_at"].date(), signer_name="Bupati",
                                          recorded_by=supervisor_approver)
    stats.summary_refresh()  # the dashboard reads the summary views: bring them up to date first
    return Case.objects.all()


def table(data, key):
    return stats.table_by_key(data, key)


def first_col(data, key):
    """label -> first number of each row."""
    return {row["label"]: row["cells"][0]["v"] for row in table(data, key)["rows"]}


def in_province(code):
    return Case.objects.filter(region_code__startswith=code + ".")


# --- every number against a direct count -----------------------------------------------------

def test_summary_and_status_counts_equal_direct_counts(seeded, supervisor_analyst):
    data = stats.dashboard_data(supervisor_analyst, {})
    summary = first_col(data, "summary")
    assert summary["Semua perkara"] == Case.objects.count() == 36
    assert summary["Masih berjalan"] == Case.objects.exclude(status__in=S.closed()).count()
    assert summary["Tindak lanjut PPK terlambat"] == Case.objects.filter(status=S.OVERDUE).count() == 3
    assert summary["Selesai"] == Case.objects.filter(status__in=S.closed()).count()
    by_status = first_col(data, "status")
    for status in S:
        expected = Case.objects.filter(status=status).count()
        assert by_status.get(str(status.label), 0) == expected, status


def test_election_province_and_social_counts(seeded, supervisor_analyst):
    data = stats.dashboard_data(supervisor_analyst, {})
    by_election = first_col(data, "election")
    for election in ElectionPeriod.objects.filter(cases__isnull=False).distinct():
        assert by_election[election.name] == Case.objects.filter(election=election).count()
    by_province = first_col(data, "province")
    assert by_province == {"Jawa Tengah": in_province("33").count(), "Jawa Barat": in_province("32").count()}
    ranks = {row["label"]: row["rank"] for row in table(data, "province")["rows"]}
    assert ranks == {"Jawa Tengah": 1, "Jawa Barat": 2}
    social = first_col(data, "social")
    assert social["Media sosial"] == Case.objects.filter(social_media=True).count() == 9
    assert social["Lainnya"] == Case.objects.filter(social_media=False).count()


def test_funnel_equals_timestamp_counts(seeded, supervisor_analyst):
    funnel = first_col(stats.dashboard_data(supervisor_analyst, {}), "funnel")
    assert list(funnel.values()) == [
        Case.objects.count(),
        Case.objects.filter(registered_at__isnull=False).count(),
        Case.objects.filter(forwarded_at__isnull=False).count(),
        Case.objects.filter(recommended_at__isnull=False).count(),
        Case.objects.filter(status__in=[S.FOLLOWED_UP, S.CLOSED_SANCTIONED]).count(),
    ]
    assert list(funnel.values()) == [36, 30, 21, 12, 6]


def test_step_times_median_and_p90(seeded, supervisor_analyst):
    rows = {row["label"]: row for row in table(stats.dashboard_data(supervisor_analyst, {}), "steps")["rows"]}
    reg = rows["Diterima → teregistrasi"]
    assert reg["cells"][0]["v"] == Case.objects.filter(registered_at__isnull=False).count()
    assert reg["p50"] == pytest.approx(2.0) and reg["p90"] == pytest.approx(2.0)
    ppk = rows["Rekomendasi → tindak lanjut PPK"]
    durations = [(c.followed_up_at - c.recommended_at).days for c in Case.objects.filter(followed_up_at__isnull=False)]
    assert ppk["p50"] == pytest.approx(statistics.median(durations)) == pytest.approx(15.0)
    assert "hari kerja" in ppk["cells"][3]["v"]  # the legal deadline, from the DeadlineRule table


def test_track_tables_equal_direct_counts(seeded, supervisor_analyst):
    data = stats.dashboard_data(supervisor_analyst, {})
    agency = {row["code"]: row["cells"][0]["v"] for row in table(data, "agency")["rows"]}
    for code in agency:
        assert agency[code] == Case.objects.filter(tracks__agency__code=code).distinct().count()
    violation = {row["code"]: row["cells"][0]["v"] for row in table(data, "violation")["rows"]}
    assert violation == {
        code: Case.objects.filter(tracks__recommendation__violation_types__code=code).distinct().count()
        for code in ("SOSMED_CAMPAIGN", "BANNER_INSTALL")}
    sanction = first_col(data, "sanction")
    for cat in SanctionCategory:
        assert sanction[str(cat.label)] == Recommendation.objects.filter(category=cat).count()


def test_ppk_compliance_ranking(seeded, supervisor_analyst):
    rows = {row["code"]: [c["v"] for c in row["cells"]] + [row["rank"]]
            for row in table(stats.dashboard_data(supervisor_analyst, {}), "ppk")["rows"]}
    for code, (total, on_time, late, none, still_open, _pct, _rank) in rows.items():
        clocks = Clock.objects.filter(code="PPK_FOLLOW_UP", track__agency__code=code)
        assert total == clocks.count()
        assert on_time == clocks.filter(state=ClockState.MET).count()
        assert late == clocks.filter(state=ClockState.MISSED, track__decisions__isnull=False).count()
        assert none == clocks.filter(state=ClockState.MISSED, track__decisions__isnull=True).count()
        assert still_open == clocks.filter(state=ClockState.RUNNING).count()
    worst = min(rows.values(), key=lambda r: r[-1])
    assert worst[3] == max(r[3] for r in rows.values())  # rank 1 = most recommendations not followed up


def test_repeat_respondents(seeded, supervisor_analyst, bawaslu_province):
    national = table(stats.dashboard_data(supervisor_analyst, {}), "repeat")
    assert national["total"] == 2
    assert {r["label"]: r["cells"][2]["v"] for r in national["rows"]} == {"Terlapor Berulang": 3, "Terlapor Lintas Provinsi": 2}
    # Within Central Java the cross-province respondent has only one case: not a repeat there.
    province = table(stats.dashboard_data(bawaslu_province, {}), "repeat")
    assert province["total"] == 1 and province["rows"][0]["label"] == "Terlapor Berulang"


# --- scope -----------------------------------------------------------------------------------

def test_province_officer_numbers_cover_only_their_province(seeded, bawaslu_province):
    data = stats.dashboard_data(bawaslu_province, {})
    assert first_col(data, "summary")["Semua perkara"] == in_province("33").count() == 24
    assert set(first_col(data, "province")) == {"Jawa Tengah"}
    assert sum(first_col(data, "funnel").values()) == sum(
        [in_province("33").count()] + [in_province("33").filter(**{f"{f}__isnull": False}).count()
                                       for f in ("registered_at", "forwarded_at", "recommended_at", "followed_up_at")])
    agencies = {row["code"] for row in table(data, "agency")["rows"]}
    assert agencies == {"PEMKAB-33.01", "PEMKAB-33.02"}


def test_regency_officer_sees_only_their_regency(seeded, bawaslu_officer):
    data = stats.dashboard_data(bawaslu_officer, {})
    assert first_col(data, "summary")["Semua perkara"] == Case.objects.filter(region_code="33.01").count() == 12


def test_out_of_scope_filter_gives_zero_not_other_data(seeded, bawaslu_province):
    data = stats.dashboard_data(bawaslu_province, {"region": "32"})
    assert first_col(data, "summary")["Semua perkara"] == 0
    assert table(data, "province")["rows"] == [] and table(data, "agency")["rows"] == []
    assert table(data, "repeat")["total"] == 0


def test_filters_narrow_every_number(seeded, supervisor_analyst):
    data = stats.dashboard_data(supervisor_analyst, {"election": "pemilu-2024", "region": "33"})
    expected = in_province("33").filter(election__slug="pemilu-2024")
    assert first_col(data, "summary")["Semua perkara"] == expected.count()
    data = stats.dashboard_data(supervisor_analyst, {"sanction_category": "moral"})
    assert first_col(data, "summary")["Semua perkara"] == Recommendation.objects.filter(category="moral").count()
    data = stats.dashboard_data(supervisor_analyst, {"agency": "PEMKAB-32.01", "clock_state": "missed"})
    assert first_col(data, "summary")["Semua perkara"] == Case.objects.filter(
        tracks__agency__code="PEMKAB-32.01", clocks__state="missed").distinct().count()


def test_user_without_case_scope_sees_zeros(seeded, screening_reviewer):
    assert first_col(stats.dashboard_data(screening_reviewer, {}), "summary")["Semua perkara"] == 0


# --- the page --------------------------------------------------------------------------------

def test_dashboard_page_links_every_count_to_the_case_list(seeded, client, bawaslu_province):
    client.force_login(bawaslu_province)
    response = client.get("/stats/", {"election": "pilkada-2024"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Statistik perkara" in html and "chart.umd.min.js" in html
    assert 'href="/cases/?election=pilkada-2024&amp;region=33"' in html
    assert "reached=sanctioned" in html and "status=overdue" in html
    assert "region=32" not in html and "PEMKAB-32" not in html  # no other province's numbers in a scoped dashboard


EVERY_FILTER_EMPTY = {name: "" for name in ("status", "election", "stage", "region", "agency", "violation",
                                            "sanction_category", "clock_state", "assigned", "received_from",
                                            "received_to", "reached", "q")}


@pytest.mark.parametrize("user_fixture", ["supervisor_analyst", "bawaslu_province"])
@pytest.mark.parametrize("query", [
    {}, EVERY_FILTER_EMPTY, {**EVERY_FILTER_EMPTY, "election": "pilkada-2024"},
    {"status": ["", "overdue", "awaiting_follow_up"], "region": "33"},
    {"agency": "PEMKAB-33.01", "reached": "recommended"}, {"sanction_category": "both", "clock_state": "missed"},
    {"q": "Terlapor Berulang"}, {"q": "perkara uji", "received_from": "2024-09-10", "received_to": "2024-09-30"},
])
def test_every_dashboard_count_equals_the_queue_page_it_links_to(seeded, client, request, user_fixture, query):
    """Every count with a link, in every table, is the total the case queue shows for that link; an empty choice
    ("Semua") is no filter on either page."""
    for case in seeded.prefetch_related("tracks__respondent"):  # what the workflow's search document holds
        words = [case.number, case.title] + [w for t in case.tracks.all() for w in (t.respondent.name, t.respondent.nip)]
        Case.objects.filter(pk=case.pk).update(search_document=" ".join(filter(None, words)))
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    assert client.get("/stats/", query).status_code == 200
    filters = stats.case_filters(user, query)
    assert filters.is_valid(), filters.form.errors
    links = [(table["key"], row.get("label"), c) for table in stats.dashboard_data(user, filters.active())["tables"]
             for row in table["rows"] for c in row["cells"] if c.get("href")]
    assert links
    for key, label, c in links:
        response = client.get(c["href"])
        assert response.status_code == 200, c["href"]
        total = response.context["total"]
        assert total.exact and total.value == c["v"], (key, label, c["href"], c["v"], total)


def test_dashboard_bad_filter_says_which_field_and_rule(seeded, client, bawaslu_province):
    client.force_login(bawaslu_province)
    response = client.get("/stats/", {"region": "99.99", "status": "bogus"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Kode wilayah" in html and "99.99" in html
    assert "bogus" in html  # the status choice error names the value


def test_dashboard_requires_login(client):
    response = client.get("/stats/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_table_csv_has_the_same_numbers(seeded, client, supervisor_analyst):
    client.force_login(supervisor_analyst)
    response = client.get("/stats/table/province.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Peringkat", "Provinsi", "Perkara"]
    assert rows[1][:3] == ["1", "Jawa Tengah", str(in_province("33").count())]
    assert client.get("/stats/table/nope.csv").status_code == 404
    assert client.get("/stats/table/province.csv", {"region": "xx"}).status_code == 400


def test_numbers_are_cached_per_scope(seeded, supervisor_analyst, bawaslu_province):
    national = stats.dashboard_cached(supervisor_analyst, {})
    CaseFactory(region=Region.objects.get(code="33.01"))
    stats.summary_refresh()
    assert stats.dashboard_cached(supervisor_analyst, {}) == national  # served from the cache
    fresh = stats.dashboard_cached(bawaslu_province, {})  # another scope: its own entry
    assert first_col(fresh, "summary")["Semua perkara"] == in_province("33").count()
    clear_cache()
    assert first_col(stats.dashboard_cached(supervisor_analyst, {}), "summary")["Semua perkara"] == 37


# --- public transparency page ----------------------------------------------------------------

def test_public_page_suppresses_small_counts_and_has_no_personal_data(seeded, client):
    small = Region.objects.get(code="35.01")
    for _i in range(3):
        TrackFactory(case=CaseFactory(region=small, title="Rahasia kecil"), respondent__name="Nama Sangat Pribadi")
    stats.summary_refresh()
    response = client.get("/transparansi/")
    assert response.status_code == 200
    html = response.content.decode()
    data = stats.public_data()
    east = next(r for r in data["rows"] if r["province"] == "Jawa Timur")
    assert east["cells"][data["elections"].index("Pemilihan Serentak Nasional 2024 (Gubernur, Bupati, Wali Kota)")]["n"] == "<5"
    central = next(r for r in data["rows"] if r["province"] == "Jawa Tengah")
    assert sum(c["n"] for c in central["cells"] if c["n"] != "<5") >= 5
    assert "&lt;5" in html and "Jawa Timur" in html
    for secret in ["Nama Sangat Pribadi", "Rahasia kecil", "Terlapor Berulang", "NTR-T-", "Perkara uji"]:
        assert secret not in html
    for row in data["rows"]:
        for c in row["cells"]:
            assert all(v == "<5" or v == 0 or v >= 5 for v in c.values())


def test_public_page_is_cached(seeded, client):
    first = stats.public_cached()
    client.get("/transparansi/")  # the page's figures are cached too
    CaseFactory(region=Region.objects.get(code="35.01"))
    stats.summary_refresh()
    assert stats.public_cached() == first
    assert "Jawa Timur" not in client.get("/transparansi/").content.decode()


def test_public_suppress_rule():
    assert [stats.suppress(n) for n in (0, 1, 4, 5, 120)] == [0, "<5", "<5", 5, 120]


# --- weekly summary --------------------------------------------------------------------------

def test_weekly_summary_pdf_is_stored_and_listed(seeded, client, supervisor_approver, bawaslu_province, settings, tmp_path):
    from cases.tasks_stats import summary_write, weekly_summary_task

    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                          "OPTIONS": {"location": str(tmp_path)}}}
    name = summary_write(dt.date(2024, 12, 2))
    assert name == "summaries/ringkasan-mingguan-2024-W49.pdf"
    pdf = (tmp_path / name).read_bytes()
    assert pdf.startswith(b"%PDF")
    import subprocess
    text = subprocess.run(["pdftotext", str(tmp_path / name), "-"], capture_output=True, text=True).stdout
    assert "Ringkasan mingguan" in text and "Jawa Tengah" in text and "36" in text
    assert summary_write(dt.date(2024, 12, 2)) == name  # same week again replaces, not duplicates
    weekly_summary_task.apply()
    client.force_login(supervisor_approver)
    listing = client.get("/stats/summaries/").content.decode()
    assert "ringkasan-mingguan-2024-W49.pdf" in listing
    download = client.get("/stats/summaries/ringkasan-mingguan-2024-W49.pdf")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert client.get("/stats/summaries/..%2Fsecret.pdf").status_code == 404
    assert client.get("/stats/summaries/ringkasan-mingguan-1999-W01.pdf").status_code == 404
    client.force_login(bawaslu_province)  # national figures: not for a province officer
    assert client.get("/stats/summaries/").status_code == 403


def test_anonymous_user_has_no_numbers():
    assert cases_visible_to(AnonymousUser()).count() == 0


# --- summary views: same numbers as the live queries, fallbacks, freshness, page cache ----------

def _comparable(data):
    return [{k: v for k, v in t.items()} for t in data["tables"]]


@pytest.mark.parametrize("user_fixture,filters", [
    ("supervisor_analyst", {}),
    ("supervisor_analyst", {"election": "pemilu-2024"}),
    ("supervisor_analyst", {"status": ["overdue"]}),
    ("supervisor_analyst", {"status": ["overdue", "followed_up", "registered"], "region": "33"}),
    ("supervisor_analyst", {"region": "33.02", "election": "pilkada-2024"}),
    ("bawaslu_province", {}),
    ("bawaslu_province", {"region": "33.01"}),
    ("bawaslu_province", {"region": "32"}),
    ("bawaslu_officer", {"election": "pilkada-2024"}),
])
def test_summary_tables_equal_live_tables(seeded, request, user_fixture, filters):
    user = request.getfixturevalue(user_fixture)
    plan = stats.summary_plan(user, filters)
    assert plan is not None
    summary = stats.dashboard_from_summary(plan, lambda: stats.filtered_cases(user, filters), filters)
    live = stats.dashboard_live(user, filters)
    assert summary["source"] == "summary" and live["source"] == "live"
    for got, expected in zip(_comparable(summary), _comparable(live), strict=True):
        assert got == expected, got["key"]


def test_summary_plan_scope_and_fallbacks(seeded, supervisor_analyst, bawaslu_province, bawaslu_officer, ppk_liaison,
                                          kemendagri_officer):
    assert stats.summary_plan(supervisor_analyst, {})["area"] == "*"
    assert stats.summary_plan(bawaslu_province, {})["area"] == "33"
    assert stats.summary_plan(bawaslu_province, {"region": "33.02"})["area"] == "33.02"
    assert stats.summary_plan(bawaslu_officer, {"region": "33"})["area"] == "33.01"  # never wider than scope
    assert stats.summary_plan(bawaslu_officer, {"region": "33.02"})["area"] == "-"  # disjoint: nothing
    assert stats.summary_plan(supervisor_analyst, {"q": "x"}) is None  # free text: live
    assert stats.summary_plan(supervisor_analyst, {"agency": "PEMKAB-33.01"}) is None
    assert stats.summary_plan(ppk_liaison, {}) is None  # scope joins tracks: live
    assert stats.summary_plan(kemendagri_officer, {}) is None
    liaison = stats.dashboard_data(ppk_liaison, {})
    assert liaison["source"] == "live"
    assert first_col(liaison, "summary")["Semua perkara"] == cases_visible_to(ppk_liaison).count()


def test_dashboard_numbers_change_after_refresh_and_show_freshness(seeded, client, supervisor_analyst):
    from django.core.management import call_command

    from cases.tasks_stats import refresh_stats_task

    before = first_col(stats.dashboard_data(supervisor_analyst, {}), "summary")["Semua perkara"]
    CaseFactory(region=Region.objects.get(code="33.01"))
    assert first_col(stats.dashboard_data(supervisor_analyst, {}), "summary")["Semua perkara"] == before  # not yet
    out = io.StringIO()
    call_command("refresh_stats", stdout=out)
    assert "diperbarui" in out.getvalue()
    assert first_col(stats.dashboard_data(supervisor_analyst, {}), "summary")["Semua perkara"] == before + 1 == Case.objects.count()
    refresh_stats_task.apply()
    refreshed = timezone.localtime(stats.summary_refreshed_at())
    client.force_login(supervisor_analyst)
    html = client.get("/stats/").content.decode()
    assert f"Data per {refreshed:%H:%M}" in html
    from django.conf import settings
    assert settings.CELERY_BEAT_SCHEDULE["stats-refresh"]["task"] == "cases.tasks_stats.refresh_stats_task"


def _without_csrf(html):
    import re

    return re.sub(r'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html)


def test_cached_dashboard_page_runs_no_statistics_query(seeded, client, bawaslu_province):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(bawaslu_province)
    first = client.get("/stats/", {"election": "pilkada-2024"}).content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/stats/", {"election": "pilkada-2024"}).content.decode()
    assert _without_csrf(second) == _without_csrf(first)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "stats_" not in sql and "cases_case" not in sql and "cases_electionperiod" not in sql
    other = client.get("/stats/", {"election": "pemilu-2024"}).content.decode()  # another query: its own entry
    assert other != first
