"""Demo data: one login per role, realistic spread, idempotent re-run."""
import datetime as dt

import pytest
from django.utils import timezone
from django.db.models import F
from django.core.management import call_command

from cases.demo.users import DEMO_USERS
from cases.models import Case, CaseEvent, CaseStatus, User
from cases.nip import parse_nip
from cases.selectors import cases_visible_to


@pytest.mark.django_db
def test_load_demo_creates_consistent_cases_and_is_idempotent():
    call_command("load_demo", cases=400, verbosity=0)
    assert Case.objects.count() == 400
    call_command("load_demo", cases=400, if_empty=True, verbosity=0)
    assert Case.objects.count() == 400
    assert User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).count() == len(DEMO_USERS)
    statuses = set(Case.objects.values_list("status", flat=True))
    assert len(statuses) >= 10
    for case in Case.objects.all()[:50]:
        for track in case.tracks.all():
            parse_nip(track.respondent.nip)  # every demo NIP is valid
        assert CaseEvent.objects.filter(case=case).exists()
    sanctioned = Case.objects.filter(status=CaseStatus.CLOSED_SANCTIONED).first()
    assert sanctioned.tracks.get().sanction.decree_number
    # The follow-up stage as the workflow leaves it: received by the PPK before its clock runs, and one decision
    # of the recommended kind and level for every recommended item of a sanctioned respondent.
    from cases.models import CaseRespondent, Clock
    for track in CaseRespondent.objects.filter(case__status__in=[CaseStatus.CLOSED_SANCTIONED, CaseStatus.FOLLOWED_UP]):
        items = {(i.kind, i.level) for i in track.recommendation.items()}
        decided = {(d.item_kind, d.item_level) for d in track.decisions.select_related("sanction_type")}
        assert items and items == decided
        assert all((d.sanction_type.category, d.sanction_type.level) == (d.item_kind, d.item_level)
                   and d.decree_date >= track.received_on for d in track.decisions.all())
    waiting = CaseRespondent.objects.filter(case__status__in=[CaseStatus.AWAITING_FOLLOW_UP, CaseStatus.OVERDUE])
    assert waiting.exists() and not waiting.filter(received_on__isnull=True).exists()
    for clock in Clock.objects.filter(code="PPK_FOLLOW_UP").select_related("track"):
        assert clock.started_on == clock.track.received_on
        assert clock.due_on > clock.started_on or clock.track.received_on >= timezone.localdate() - dt.timedelta(days=1)
    # Every demo case has a stage of its own election (the queue's stage filter finds them), most in the campaign.
    assert not Case.objects.filter(stage__isnull=True).exists()
    assert not Case.objects.exclude(stage__election=F("election")).exists()
    assert Case.objects.filter(stage__slug="campaign").count() > Case.objects.count() / 3


@pytest.mark.django_db
def test_demo_users_each_see_their_scope():
    call_command("load_demo", cases=600, verbosity=0)
    cilacap = User.objects.get(username="bawaslu.cilacap")
    mine = cases_visible_to(cilacap)
    assert mine.exists()
    assert not mine.exclude(region_code="33.01").exists()
    ppk = User.objects.get(username="ppk.cilacap")
    assert not cases_visible_to(ppk).exclude(tracks__agency__code="PEMKAB-33.01").exists()


@pytest.mark.django_db
def test_bulk_load_rebuilds_every_index_it_dropped(monkeypatch):
    from django.db import connection

    from cases.demo import generate

    def index_defs():
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1",
                           [list(generate.BULK_TABLES)])
            return cursor.fetchall()

    before = index_defs()
    monkeypatch.setattr(generate, "BULK_INDEX_THRESHOLD", 10)
    call_command("load_demo", cases=50, verbosity=0)
    assert Case.objects.count() == 50
    assert index_defs() == before
