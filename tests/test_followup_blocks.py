"""Issue #22 point 4: a data block has a life of its own per respondent (requested → recorded → lifted, each with
who, when and reason), is lifted after a standing decision, on the supervisory body's decision, or when the case
closes for another reason; no block is left that nobody can lift, and no action is offered that would fail."""
import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseStatus
from cases.selectors import bkn_block_queue
from cases.workflow import InvalidTransition, allowed_actions, perform
from tests.workflow_support import build_case, make_users

pytestmark = pytest.mark.django_db
S = CaseStatus


SKIP = "Ultimatum sudah disampaikan dalam rapat"  # these tests start at the block; the ladder has its own tests


@pytest.fixture
def u(db):
    return make_users("bl")


def blocked_case(u):
    case = build_case(S.OVERDUE, u)
    case = perform("request_block", actor=u["approver"], case=case, reason="PPK tidak menanggapi pengingat",
                   out_of_order_reason=SKIP)
    return perform("record_block", actor=u["bkn"], case=case), case.tracks.get()


def test_block_life_and_only_possible_actions_offered(u):
    case = build_case(S.OVERDUE, u)
    assert "request_block" in allowed_actions(u["approver"], case)
    assert "record_block" not in allowed_actions(u["bkn"], case) and "unblock" not in allowed_actions(u["bkn"], case)
    case = perform("request_block", actor=u["approver"], case=case, reason="PPK tidak menanggapi pengingat",
                   out_of_order_reason=SKIP)
    assert "request_block" not in allowed_actions(u["approver"], case)
    assert "record_block" in allowed_actions(u["bkn"], case)
    case = perform("record_block", actor=u["bkn"], case=case)
    track = case.tracks.get()
    assert track.block_state == "recorded"
    assert "record_block" not in allowed_actions(u["bkn"], case)  # after a block is recorded, "record block" is gone
    assert "unblock" not in allowed_actions(u["bkn"], case)  # nothing allows lifting it yet
    events = list(case.events.filter(code__startswith="case.block").values_list("code", "actor", "reason"))
    assert events == [("case.block.requested", u["approver"].pk, "PPK tidak menanggapi pengingat"),
                      ("case.block.recorded", u["bkn"].pk, "")]


def test_the_supervisory_body_decides_to_lift_a_block(u):
    case, track = blocked_case(u)
    with pytest.raises(InvalidTransition):  # no decision, no request: BKN may not lift it by itself
        perform("unblock", actor=u["bkn"], case=case, track=track)
    case = perform("request_unblock", actor=u["approver"], case=case, track=track,
                   reason="SK hukuman diterima dalam bentuk kertas")
    assert "request_unblock" not in allowed_actions(u["approver"], case)
    assert [t.pk for t in bkn_block_queue(u["bkn"])["to_unblock"]] == [track.pk]
    case = perform("unblock", actor=u["bkn"], case=case, track=track)
    track.refresh_from_db()
    assert track.block_state == "lifted"
    assert case.events.order_by("-id").first().payload["basis"] == "unblock_request"


def test_closing_for_another_reason_leaves_the_unblock_on_bkns_desk(u, client):
    case, track = blocked_case(u)
    case = perform("close_other", actor=u["approver"], case=case, reason="Terlapor pensiun per 1 Maret 2026")
    track.refresh_from_db()
    assert case.status == S.CLOSED_OTHER and track.block_state == "lift_requested"
    assert track.unblock_reason == "Terlapor pensiun per 1 Maret 2026"
    assert case.events.order_by("-id").first().payload["unblock_requested"] == [track.pk]
    assert u["bkn"].notifications.filter(case=case, kind="unblock_requested").exists()
    client.force_login(u["bkn"])
    page = client.get(reverse("cases:bkn")).content.decode()
    assert case.number in page and "buka blokir diminta" in page
    assert "unblock" in allowed_actions(u["bkn"], case)
    case = perform("unblock", actor=u["bkn"], case=case, track=track)
    track.refresh_from_db()
    assert case.status == S.CLOSED_OTHER and not track.is_blocked
    assert "unblock" not in allowed_actions(u["bkn"], case)


def test_closing_withdraws_a_block_request_not_yet_recorded(u):
    case = build_case(S.OVERDUE, u)
    case = perform("request_block", actor=u["approver"], case=case, out_of_order_reason=SKIP)
    case = perform("close_other", actor=u["approver"], case=case, reason="Terlapor meninggal dunia")
    track = case.tracks.get()
    assert track.block_state == "" and not bkn_block_queue(u["bkn"])["to_block"]
    assert case.events.order_by("-id").first().payload["block_requests_withdrawn"] == [track.pk]


def test_a_decision_withdraws_a_pending_block_request(u):
    case = build_case(S.OVERDUE, u)
    case = perform("request_block", actor=u["approver"], case=case, out_of_order_reason=SKIP)
    perform("record_sanction", actor=u["ppk"], case=case, sanction_type="PP94_HEAVY_DEMOTION",
            decree_number="800/1/2026", decree_date=timezone.localdate(), signer_name="Bupati")
    assert case.tracks.get().block_state == ""
