"""Working-day clocks: Idul Fitri cuti bersama, weekends, pausing, and a holiday edited mid-clock."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases import deadlines
from cases.deadlines import add_days, holiday_delete, holiday_save, working_days_between
from cases.models import CaseStatus, ClockState, DayUnit, DeadlineRule, Holiday
from cases.workflow import case_receive_information, case_request_information
from tests.workflow_support import build_case, make_users

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def users(db):
    return make_users("dl")


def test_idul_fitri_2024_rows_are_in_the_holiday_table():
    rows = {h.date: h.cuti_bersama for h in Holiday.objects.filter(date__range=(D(2024, 4, 8), D(2024, 4, 15)))}
    assert rows == {D(2024, 4, 8): True, D(2024, 4, 9): True, D(2024, 4, 10): False, D(2024, 4, 11): False,
                    D(2024, 4, 12): True, D(2024, 4, 15): True}


def test_seven_working_days_across_idul_fitri_cuti_bersama():
    # Friday 5 April 2024; 8–15 April are Idul Fitri and cuti bersama, so day 1 is Tuesday 16 April.
    assert add_days(D(2024, 4, 5), 7, DayUnit.WORKING) == D(2024, 4, 24)
    assert working_days_between(D(2024, 4, 5), D(2024, 4, 24)) == 7


def test_seven_working_days_across_a_weekend_start_day_not_counted():
    assert not Holiday.objects.filter(date__range=(D(2024, 10, 3), D(2024, 10, 14))).exists()
    assert add_days(D(2024, 10, 3), 7, DayUnit.WORKING) == D(2024, 10, 14)  # Thu → Mon of the next week + 1
    assert add_days(D(2024, 10, 4), 1, DayUnit.WORKING) == D(2024, 10, 7)  # Friday + 1 = Monday
    assert add_days(D(2024, 10, 5), 0, DayUnit.WORKING) == D(2024, 10, 5)


def test_calendar_days_ignore_weekends_and_holidays():
    assert add_days(D(2024, 4, 9), 3, DayUnit.CALENDAR) == D(2024, 4, 12)


def test_decision_clock_lengths_come_from_rules_per_election(users):
    pemilu = build_case(CaseStatus.REGISTERED, users, election="pemilu-2024", on=D(2024, 4, 5))
    pilkada = build_case(CaseStatus.REGISTERED, users, election="pilkada-2024", on=D(2024, 10, 3))
    assert pemilu.clocks.get(code="BAWASLU_DECISION").due_on == D(2024, 4, 24)  # 7 working days
    assert pilkada.clocks.get(code="BAWASLU_DECISION").due_on == D(2024, 10, 6)  # 3 calendar days
    assert pemilu.next_due == D(2024, 4, 24)


def test_clock_paused_three_working_days_is_due_three_working_days_later(users):
    case = build_case(CaseStatus.UNDER_REVIEW, users, on=D(2024, 10, 7))
    clock = case.clocks.get(code="SUPERVISOR_EXAM")
    rule = DeadlineRule.for_clock("SUPERVISOR_EXAM", "pemilu", D(2024, 10, 7))
    assert clock.due_on == add_days(D(2024, 10, 7), rule.length, DayUnit.WORKING)
    first_due = clock.due_on
    analyst = users["analyst"]
    case_request_information(actor=analyst, case=case, questions="Mohon SK jabatan", on=D(2024, 10, 8))
    clock.refresh_from_db()
    assert clock.state == ClockState.PAUSED
    assert case.clocks.get(code="INFO_REQUEST").state == ClockState.RUNNING
    case_receive_information(actor=analyst, case=case, summary="SK diterima", on=D(2024, 10, 11))  # Wed, Thu, Fri
    clock.refresh_from_db()
    assert clock.state == ClockState.RUNNING and clock.paused_days == 3
    assert clock.due_on == add_days(first_due, 3, DayUnit.WORKING)
    assert case.clocks.get(code="INFO_REQUEST").state == ClockState.MET


def test_holiday_added_mid_clock_moves_the_due_date_and_is_recorded(users):
    case = build_case(CaseStatus.REGISTERED, users, on=D(2024, 10, 3))
    clock = case.clocks.get(code="BAWASLU_DECISION")
    assert clock.due_on == D(2024, 10, 14)
    holiday = holiday_save(actor=users["admin"], date=D(2024, 10, 9), name="Libur daerah (uji)")
    clock.refresh_from_db()
    case.refresh_from_db()
    assert clock.due_on == D(2024, 10, 15)
    assert case.next_due == D(2024, 10, 15)
    event = case.events.get(code="case.clock.recomputed")
    assert event.actor == users["admin"] and "Libur daerah" in event.reason
    assert event.payload["to"] == "2024-10-15" and event.payload["clock"] == "BAWASLU_DECISION"

    holiday_save(actor=users["admin"], holiday=holiday, date=D(2024, 10, 19), name="Libur daerah (Sabtu)")
    clock.refresh_from_db()
    assert clock.due_on == D(2024, 10, 14)
    holiday_delete(actor=users["admin"], holiday=holiday)
    assert case.events.filter(code="case.clock.recomputed").count() == 2  # moving to a Saturday changed nothing


def test_holiday_on_an_existing_date_is_refused_naming_the_field(users):
    with pytest.raises(ValidationError) as err:
        holiday_save(actor=users["admin"], date=D(2024, 4, 10), name="Duplikat")
    assert "date" in err.value.message_dict


def test_calendar_cache_follows_the_table():
    day = D(2031, 3, 3)  # a Monday with no holiday rows loaded
    assert deadlines.calendar().is_working(day)
    Holiday.objects.create(date=day, name="Uji cache")
    assert not deadlines.calendar().is_working(day)
    Holiday.objects.filter(date=day).update(cuti_bersama=True)
    assert not deadlines.calendar().is_working(day)
    Holiday.objects.filter(date=day).delete()
    assert deadlines.calendar().is_working(day)
