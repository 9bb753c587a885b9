"""Screening operations: the election a confirmed post defaults to, the candidate-list import into an election's
lexicon, the demo posts of a first run, and the post upload page. All posts and names here are invented."""
import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.models import ElectionPeriod, ViolationType
from reports.screening import selectors
from reports.screening.models import Score, Verdict
from reports.screening.services.runs import scoring_run_create
from reports.screening.services.scoring import chunk_process

pytestmark = pytest.mark.django_db

CSV_HEADER = "platform,post_id,account,text,posted_at,followers\n"
PARTISAN = "Ayo coblos nomor 2 Prabowo Gibran, menang satu putaran! #PrabowoGibran2024"


@pytest.fixture
def lexicon(db):
    call_command("screening_load_lexicon", verbosity=0)


def score_all():
    run = scoring_run_create(chunk_size=50, enqueue=False)
    for chunk in run.chunks.all():
        chunk_process(chunk_id=chunk.pk)


def import_posts(tmp_path, lines):
    path = tmp_path / "posts.csv"
    path.write_text(CSV_HEADER + "".join(lines), encoding="utf-8")
    call_command("screening_import", str(path), verbosity=0)


# --- the election a post without one defaults to -----------------------------------------------------------------

@pytest.mark.parametrize("posted, slug", [
    ("2024-02-10T09:00:00+07:00", "pemilu-2024"),   # held by Pemilu 2024 and Pilkada 2024: Pemilu votes nearer
    ("2024-10-01T09:00:00+07:00", "pilkada-2024"),  # held by both: Pilkada votes nearer
    ("2020-11-01T09:00:00+07:00", "pilkada-2020"),  # held by one only, not the latest election
    ("2026-05-01T09:00:00+07:00", None),            # between elections: the reviewer must choose
])
def test_confirm_defaults_to_the_election_whose_dates_hold_the_post(client, tmp_path, lexicon, screening_reviewer,
                                                                     posted, slug):
    import_posts(tmp_path, [f'x,9001,rina_asn,"{PARTISAN}",{posted},300\n'])
    score_all()
    hit = Score.objects.get(post__post_id="9001")
    assert hit.post.election is None
    client.force_login(screening_reviewer)
    page = client.get(reverse("screening:queue")).content.decode()
    select = page[page.index(f'id="el-{hit.pk}"'):]
    select = select[:select.index("</select>")]
    if slug:
        assert f'value="{slug}" selected' in select and select.count("selected") == 1
    else:
        assert '<option value="" selected>' in select
    response = client.post(reverse("screening:confirm", args=[hit.pk]),
                           {"violation_type": ViolationType.objects.get(code="SOSMED_POST").pk, "election": ""})
    if slug:
        assert response.status_code == 302
        assert Verdict.objects.get(post=hit.post).finding.election == ElectionPeriod.objects.get(slug=slug)
    else:
        assert response.status_code == 400 and "Pilih pemilihan untuk temuan ini" in response.content.decode()
        assert not Verdict.objects.exists()


def test_election_holding_reads_the_local_date():
    evening_utc = dt.datetime(2017, 8, 16, 20, 0, tzinfo=dt.timezone.utc)  # 17 Aug 03:00 in Jakarta: Pemilu 2019 began
    assert selectors.election_holding(evening_utc).slug == "pemilu-2019"
    assert selectors.election_holding(evening_utc - dt.timedelta(hours=8)) is None
