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


@pytest.mark.django_db
def test_demo_stories_give_every_desk_work_on_first_use(django_capture_on_commit_callbacks):
    """#25.6: after the demo loads, waiting block requests, issued letters, each officer's bell, a reporter
    conversation (known code + PIN), overdue clocks; the stories are added once."""
    from cases.models import Clock, ClockState, DataBlock, Letter, Notification
    from reports.demo_stories import DEMO_PIN, DEMO_TRACKING_CODE
    from reports.models import MessageDirection, Report
    from reports.services import report_authenticate

    call_command("load_demo", cases=200, verbosity=0)
    with django_capture_on_commit_callbacks(execute=True):  # the letters are issued once their action commits
        call_command("load_demo_stories", verbosity=0)
    call_command("load_demo_stories", verbosity=0)  # idempotent
    assert Report.objects.filter(tracking_code=DEMO_TRACKING_CODE).count() == 1
    # Every case number has the width case_open gives a new case.
    assert {len(n.rsplit("-", 1)[1]) for n in Case.objects.values_list("number", flat=True)} == {6}
    # BKN's desk: a block request not yet recorded; the ministries: escalations of their kind.
    assert DataBlock.objects.filter(recorded_at__isnull=True, withdrawn_at__isnull=True, requested_by__isnull=False).exists()
    assert CaseEvent.objects.filter(code="case.escalated", case__tracks__agency__kind="central").exists()
    assert CaseEvent.objects.filter(code="case.escalated", case__tracks__agency__kind="regional").exists()
    # Issued letters of each follow-up kind, signed and stored.
    kinds = set(Letter.objects.values_list("kind", flat=True))
    assert {"FORWARDING", "RECOMMENDATION", "REMINDER", "BLOCK_NOTICE", "ESCALATION_REQUEST"} <= kinds
    # A bell for each officer role whose work is cases (the screening reviewer's desk is the screening queue).
    with_bell = set(Notification.objects.filter(read_at__isnull=True).values_list("user__username", flat=True))
    officers = {u[0] for u in DEMO_USERS} - {"peninjau"}
    assert officers <= with_bell, officers - with_bell
    # The reporter conversation opens with the printed code and PIN, and has both sides.
    report = report_authenticate(code=DEMO_TRACKING_CODE, pin=DEMO_PIN)
    assert report is not None and report.case is not None
    directions = list(report.messages.values_list("direction", flat=True))
    assert MessageDirection.TO_REPORTER in directions and MessageDirection.FROM_REPORTER in directions
    assert Notification.objects.filter(user__username="bawaslu.cilacap", kind="reporter_message", read_at=None).exists()
    # Overdue clocks, in the stories as in the bulk.
    assert Clock.objects.filter(state=ClockState.MISSED).exists()
    assert Clock.objects.filter(state=ClockState.RUNNING, due_on__lt=timezone.localdate()).exists() or \
        Case.objects.filter(status=CaseStatus.OVERDUE, events__actor__isnull=False).exists()


AUDIT_OR_RULE_CODE = r"\b(?:case|report|letter)\.[a-z_]+(?:\.[a-z_]+)*\b|\b[A-Z]{3,}(?:_[A-Z]+)+\b|belum dibaca|Jatimnow"


@pytest.mark.django_db
def test_officer_pages_show_words_not_internal_codes(client, django_capture_on_commit_callbacks):
    """#25.7: audit codes (report.submitted, case.note.added, letter.issued), clock codes (PPK_FOLLOW_UP) and the
    research notes of the reference data never reach the text of an officer's page; the code stays in a title."""
    import re

    from django.utils.html import strip_tags

    from cases.demo.users import ensure_demo_users
    from reports.demo_stories import DEMO_TRACKING_CODE
    from reports.models import Report

    ensure_demo_users("x")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_stories", verbosity=0)
    report = Report.objects.get(tracking_code=DEMO_TRACKING_CODE)
    overdue = Case.objects.filter(status=CaseStatus.OVERDUE).order_by("id")
    pages = {"bawaslu.cilacap": ["/", f"/intake/{report.pk}/", f"/cases/{report.case_id}/", "/cases/notifications/"],
             "ppk.cilacap": ["/cases/ppk/", f"/cases/{overdue.last().pk}/", "/cases/notifications/"],
             "penyetuju.bkn": [f"/cases/{overdue.first().pk}/", "/cases/notifications/"],
             "bkn.data": ["/cases/bkn/"], "kemendagri": ["/cases/ministry/"]}
    for username, paths in pages.items():
        client.force_login(User.objects.get(username=username))
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            body = response.content.decode()
            main = body[body.index("<main"):body.index("</main>")]
            text = strip_tags(re.sub(r"<(script|style)\b.*?</\1>", "", main, flags=re.S))
            text = text.replace("Hanya yang belum dibaca", "")  # the notifications page's own filter: "unread only"
            assert re.findall(AUDIT_OR_RULE_CODE, text) == [], (username, path)
