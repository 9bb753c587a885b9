"""Issue #22 point 3: the PPK clock runs from receipt of the recommendation ("sejak surat ini diterima"): the
liaison's acknowledgement, a delivery date with proof recorded by the sender, or the presumed-receipt rule
(DeadlineRule PPK_RECEIPT, UNCONFIRMED, editable); never from the issue date."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cases import deadlines
from cases.models import CaseStatus, ClockState, DeadlineRule, ReceiptBasis
from cases.tasks import sweep_deadlines
from cases.workflow import InvalidTransition, perform
from tests.workflow_support import build_case, make_users, snapshot

pytestmark = pytest.mark.django_db
S = CaseStatus
WIB = ZoneInfo("Asia/Jakarta")
ISSUED = dt.date(2026, 3, 2)  # a Monday


def at(day, hour=10):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour)).replace(tzinfo=WIB), tick=False)


@pytest.fixture
def u(db):
    return make_users("rc")


@pytest.fixture
def issued(u):
    """A Pilkada case whose recommendation was issued on ISSUED."""
    with at(ISSUED, 9):
        case = build_case(S.UNDER_REVIEW, u, election="pilkada-2024", on=ISSUED)
        return perform("issue_recommendation", actor=u["approver"], case=case, on=ISSUED)


def follow_up_clock(case):
    return case.clocks.filter(code="PPK_FOLLOW_UP").first()


def test_issue_starts_only_the_receipt_clock(issued):
    rule = DeadlineRule.objects.get(code="PPK_RECEIPT")
    assert rule.certainty == "UNCONFIRMED" and rule.legal_basis
    receipt = issued.clocks.get(code="PPK_RECEIPT")
    assert receipt.state == ClockState.RUNNING and receipt.due_on == deadlines.add_days(ISSUED, rule.length, rule.unit)
    assert follow_up_clock(issued) is None
    assert issued.tracks.get().received_on is None


def test_acknowledged_receipt_starts_the_ppk_clock_on_that_day(issued, u):
    received = ISSUED + dt.timedelta(days=3)
    with at(ISSUED + dt.timedelta(days=4)):
        case = perform("acknowledge", actor=u["ppk"], case=issued, received_on=received)
    track = case.tracks.get()
    assert (track.received_on, track.receipt_basis) == (received, ReceiptBasis.ACKNOWLEDGED)
    clock = follow_up_clock(case)
    assert clock.started_on == received and clock.due_on == deadlines.add_days(received, clock.rule.length, clock.rule.unit)
    assert case.clocks.get(code="PPK_RECEIPT").state == ClockState.MET
    assert case.events.order_by("-id").first().payload["received_on"] == received.isoformat()


def test_paper_delivery_with_proof_starts_the_clock_and_acknowledgement_later_moves_nothing(issued, u):
    delivered = ISSUED + dt.timedelta(days=2)
    with at(ISSUED + dt.timedelta(days=5)):
        before = snapshot(issued)
        with pytest.raises(ValidationError) as err:
            perform("record_delivery", actor=u["approver"], case=issued, delivered_on=delivered, proof="")
        assert "proof" in err.value.message_dict
        assert snapshot(issued) == before
        case = perform("record_delivery", actor=u["approver"], case=issued, delivered_on=delivered,
                       proof="Tanda terima ekspedisi No. 45/TU/III/2026")
        with pytest.raises(InvalidTransition):  # received once
            perform("record_delivery", actor=u["analyst"], case=case, delivered_on=delivered, proof="lagi")
        case = perform("acknowledge", actor=u["ppk"], case=case)
    track = case.tracks.get()
    assert (track.received_on, track.receipt_basis) == (delivered, ReceiptBasis.DELIVERED)
    assert follow_up_clock(case).started_on == delivered
    assert case.clocks.filter(code="PPK_FOLLOW_UP").count() == 1
    assert case.events.order_by("-id").first().payload["clock_started"] is False


@pytest.mark.parametrize("language, message", [("id", "sebelum rekomendasi diterbitkan"),
                                               ("en", "before the recommendation was issued")])
def test_a_receipt_date_before_the_recommendation_is_refused(issued, u, language, message):
    with at(ISSUED + dt.timedelta(days=1)), translation.override(language), pytest.raises(ValidationError) as err:
        perform("record_delivery", actor=u["approver"], case=issued, delivered_on=ISSUED - dt.timedelta(days=1),
                proof="Resi 123")
    assert message in err.value.message_dict["delivered_on"][0]


def test_without_receipt_the_sweep_presumes_it_and_only_then_can_the_ppk_be_overdue(issued, u):
    receipt = issued.clocks.get(code="PPK_RECEIPT")
    # Fourteen days after the issue the old clock (from issue) would have lapsed: now nothing is overdue.
    with at(receipt.due_on):
        assert sweep_deadlines(receipt.due_on).get("presumed_received") is None
    day_after = receipt.due_on + dt.timedelta(days=1)
    with at(day_after, 1):
        assert sweep_deadlines(day_after)["presumed_received"] == 1
    issued.refresh_from_db()
    track = issued.tracks.get()
    assert (track.received_on, track.receipt_basis) == (receipt.due_on, ReceiptBasis.PRESUMED)
    clock = follow_up_clock(issued)
    assert clock.started_on == receipt.due_on
    assert issued.events.order_by("-id").first().code == "case.recommendation.presumed_received"
    with at(clock.due_on):
        sweep_deadlines(clock.due_on)
    issued.refresh_from_db()
    assert issued.status == S.AWAITING_FOLLOW_UP  # due today: not yet overdue
    late = clock.due_on + dt.timedelta(days=1)
    with at(late, 1):
        assert sweep_deadlines(late)["cases_overdue"] == 1
    issued.refresh_from_db()
    assert issued.status == S.OVERDUE


def test_screens_show_the_due_date_from_receipt(issued, u, client):
    client.force_login(u["ppk"])
    receipt = issued.clocks.get(code="PPK_RECEIPT")
    with at(ISSUED + dt.timedelta(days=1)):
        page = client.get(reverse("cases:ppk")).content.decode()
    assert "dianggap diterima" in page and f"{receipt.due_on.day} Mar 2026" in page
    with at(ISSUED + dt.timedelta(days=3)):
        case = perform("acknowledge", actor=u["ppk"], case=issued)
        page = client.get(reverse("cases:ppk")).content.decode()
    due = follow_up_clock(case).due_on
    assert f"{due.day} Mar 2026" in page or f"{due.day} Apr 2026" in page
    assert "diterima 5 Mar 2026" in page
