"""Issue #22 point 5: the escalation ladder is data (EscalationStep rows: order, least working days after the step
before, who acts next, clock); a step out of order needs a stated reason and is shown as such."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cases.models import CaseStatus, EscalationStep
from cases.workflow import perform
from tests.workflow_support import build_case, make_users, snapshot

pytestmark = pytest.mark.django_db
S = CaseStatus
WIB = ZoneInfo("Asia/Jakarta")


def at(day):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10)).replace(tzinfo=WIB), tick=False)


@pytest.fixture
def u(db):
    return make_users("ld")


def test_the_ladder_is_editable_data():
    steps = list(EscalationStep.objects.order_by("order").values_list("action", "min_working_days", "certainty"))
    assert [s[0] for s in steps] == ["send_reminder", "request_block", "escalate", "record_ppk_warning",
                                     "report_to_president"]
    assert all(s[2] == "UNCONFIRMED" for s in steps)


@pytest.mark.parametrize("language, message", [("id", "di luar urutan eskalasi"), ("en", "out of the escalation order")])
def test_report_to_the_president_straight_from_overdue_needs_a_reason(u, language, message):
    case = build_case(S.OVERDUE, u)
    before = snapshot(case)
    with translation.override(language), pytest.raises(ValidationError) as err:
        perform("report_to_president", actor=u["approver"], case=case)
    text = err.value.message_dict["out_of_order_reason"][0]
    assert message in text
    assert snapshot(case) == before
    case = perform("report_to_president", actor=u["approver"], case=case,
                   out_of_order_reason="PPK menyatakan menolak menindaklanjuti secara terbuka")
    ladder = case.events.order_by("-id").first().payload["ladder"]
    assert ladder["in_order"] is False and ladder["missing"] == ["REMINDER", "BLOCK_REQUEST", "MINISTRY_WARNING",
                                                                 "MINISTRY_WARNING_RECORDED"]
    assert ladder["next_actor"].startswith("Presiden")


def test_steps_in_order_with_their_least_days_and_who_acts_next(u, client):
    monday = dt.date(2026, 3, 2)
    with at(monday):
        case = build_case(S.OVERDUE, u, on=monday)
        case = perform("send_reminder", actor=u["approver"], case=case)
        assert case.clocks.filter(code="REMINDER_RESPONSE").exists()
        with pytest.raises(ValidationError) as err:  # the PPK's 3 working days to answer the reminder
            perform("request_block", actor=u["approver"], case=case)
        assert "paling sedikit 3" in err.value.message_dict["out_of_order_reason"][0]
    with at(monday + dt.timedelta(days=3)):  # Thursday: 3 working days after Monday
        case = perform("request_block", actor=u["approver"], case=case)
    ladder = case.events.order_by("-id").first().payload["ladder"]
    assert ladder["in_order"] and ladder["days_since_previous"] == 3 and ladder["next_actor"].startswith("BKN")
    with at(monday + dt.timedelta(days=4)):
        with pytest.raises(ValidationError):  # the ministry's warning before the escalation reached it
            perform("record_ppk_warning", actor=u["kemendagri"], case=case, reason="Teguran")
        case = perform("escalate", actor=u["approver"], case=case, reason="PPK tidak menanggapi")
        case = perform("record_ppk_warning", actor=u["kemendagri"], case=case, reason="Teguran tertulis")
    assert all(e.payload["ladder"]["in_order"] for e in case.events.filter(payload__has_key="ladder"))
    client.force_login(u["approver"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Berikutnya" in page and "KemenPAN-RB" in page


def test_out_of_order_step_is_shown_as_such(u, client):
    case = build_case(S.OVERDUE, u)
    case = perform("request_block", actor=u["approver"], case=case, out_of_order_reason="Terlapor akan dimutasi besok")
    client.force_login(u["approver"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-flag="out-of-order"' in page and "Terlapor akan dimutasi besok" in page


def test_conflict_of_interest_is_a_stated_reason_for_the_direct_escalation(u):
    case = build_case(S.AWAITING_FOLLOW_UP, u, conflict=True)
    case = perform("escalate", actor=u["approver"], case=case)
    ladder = case.events.order_by("-id").first().payload["ladder"]
    assert ladder["in_order"] is False and ladder["out_of_order_reason"].startswith("konflik kepentingan")


def test_each_step_names_who_acts_next_and_starts_its_clock(u):
    """Reminder → the PPK's answer; block request → BKN recording it; escalation → the ministry's warning; warning →
    the PPK's follow-up; each clock ends when that party acted, and the ministry's and PPK's when the PPK decided."""
    monday = dt.date(2026, 3, 2)
    steps = [("send_reminder", {}, "REMINDER_RESPONSE", "PPK"), ("request_block", {}, "BKN_BLOCK_RECORD", "BKN"),
             ("escalate", {"reason": "PPK diam"}, "MINISTRY_WARNING", "KemenPAN-RB"),
             ("record_ppk_warning", {"reason": "Teguran tertulis"}, "WARNING_RESPONSE", "PPK")]
    with at(monday):
        case = build_case(S.OVERDUE, u, on=monday)
    for i, (action, params, clock, actor) in enumerate(steps):
        who = u["kemendagri"] if action == "record_ppk_warning" else u["approver"]
        with at(monday + dt.timedelta(days=7 * i)):
            case = perform(action, actor=who, case=case, **params)
        ladder = case.events.order_by("-id").first().payload["ladder"]
        assert ladder["next_actor"].startswith(actor), (action, ladder["next_actor"])
        assert case.clocks.filter(code=clock, state="running").exists(), action
        assert case.next_due is not None
        if action == "request_block":
            with at(monday + dt.timedelta(days=7 * i + 1)):
                case = perform("record_block", actor=u["bkn"], case=case)
            assert case.clocks.get(code="BKN_BLOCK_RECORD").state == "met"
    assert case.clocks.get(code="MINISTRY_WARNING").state == "met"
    with at(monday + dt.timedelta(days=45)):
        case = perform("record_sanction", actor=u["ppk"], case=case, sanction_type="PP94_HEAVY_DEMOTION",
                       decree_number="800/9/2026", decree_date=monday + dt.timedelta(days=44), signer_name="Bupati")
    # only BKN has something left to do: lift the block the decision ended (its own clock)
    assert list(case.clocks.filter(state="running").values_list("code", flat=True)) == ["BKN_UNBLOCK_RECORD"]
    assert case.clocks.get(code="WARNING_RESPONSE").state == "missed"  # 7 working days had passed
