"""The deadline sweep: due-soon and overdue marked once, people notified once, PPK lapse → overdue + proposal."""
import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from cases.models import Case, CaseEvent, CaseStatus, Notification, Outbox
from cases.services import outbox_flush
from cases.tasks import flush_outbox_task, sweep_deadlines, sweep_deadlines_task
from cases.deadlines import add_days
from tests.workflow_support import build_case, ensure_reference_data, make_users

D = dt.date
START = D(2024, 10, 1)  # PPK_FOLLOW_UP: 14 working days → due 2024-10-21


@pytest.fixture
def users(db):
    return make_users("sw")


def _ppk_case(users, **kw):
    case = build_case(CaseStatus.AWAITING_FOLLOW_UP, users, on=START, **kw)
    clock = case.clocks.get(code="PPK_FOLLOW_UP")
    assert clock.due_on == add_days(START, clock.rule.length, "working")
    return case, clock


@pytest.mark.django_db
def test_ppk_lapse_makes_case_overdue_and_proposes_escalation_once(users):
    case, clock = _ppk_case(users)
    counts = sweep_deadlines(clock.due_on + dt.timedelta(days=1))
    assert counts == {"due_soon": 0, "overdue": 1, "cases_overdue": 1}
    case.refresh_from_db()
    assert case.status == CaseStatus.OVERDUE
    assert list(case.events.values_list("code", flat=True)) == ["case.overdue"]
    notes = Notification.objects.filter(case=case, kind="clock_overdue")
    assert {n.user.username for n in notes} >= {"sw_ppk", "sw_approver", "sw_analyst"}
    assert all("Kemendagri" in n.message and "pengingat" in n.message for n in notes)
    assert Outbox.objects.filter(to="sw_ppk@example.test").count() == 1

    assert sweep_deadlines(clock.due_on + dt.timedelta(days=2)) == {"due_soon": 0, "overdue": 0, "cases_overdue": 0}
    assert case.events.count() == 1 and notes.count() == Notification.objects.filter(case=case).count()


@pytest.mark.django_db
def test_conflict_of_interest_proposes_direct_escalation(users):
    case, clock = _ppk_case(users, conflict=True)
    sweep_deadlines(clock.due_on + dt.timedelta(days=1))
    message = Notification.objects.filter(case=case, user=users["approver"]).get().message
    assert "eskalasi langsung" in message and "konflik kepentingan" in message


@pytest.mark.django_db
def test_due_soon_within_two_working_days(users, settings):
    settings.DUE_SOON_WORKING_DAYS = 2
    case, clock = _ppk_case(users)
    assert clock.due_on == D(2024, 10, 21)  # a Monday
    assert sweep_deadlines(D(2024, 10, 16))["due_soon"] == 0  # Thu, Fri, Mon: 3 working days left
    assert sweep_deadlines(D(2024, 10, 17))["due_soon"] == 1  # Fri, Mon: 2 working days left
    assert case.events.get().code == "case.clock.due_soon"
    assert Notification.objects.filter(case=case, kind="clock_due_soon", user=users["ppk"]).count() == 1
    clock.refresh_from_db()
    assert clock.due_soon_notified and not clock.overdue_notified


@pytest.mark.django_db
def test_other_clock_overdue_writes_clock_event_and_status_stays(users):
    case = build_case(CaseStatus.REGISTERED, users, on=START)
    due = case.clocks.get(code="BAWASLU_DECISION").due_on
    assert sweep_deadlines(due + dt.timedelta(days=1))["overdue"] == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED
    assert case.events.get().code == "case.clock.overdue"
    assert Notification.objects.filter(case=case, user=users["bawaslu"]).exists()


@pytest.mark.django_db
def test_paused_and_finished_clocks_are_left_alone(users):
    case = build_case(CaseStatus.INFO_REQUESTED, users, on=START)
    sweep_deadlines(START + dt.timedelta(days=90))
    paused = case.clocks.get(code="SUPERVISOR_EXAM")
    assert not paused.overdue_notified
    assert set(case.events.values_list("payload__clock", flat=True)) == {"INFO_REQUEST"}


@pytest.mark.django_db
def test_management_command_and_task(users, capsys):
    case, clock = _ppk_case(users)
    call_command("sweep_deadlines", "--today", (clock.due_on + dt.timedelta(days=1)).isoformat())
    assert "1 perkara menjadi terlambat" in capsys.readouterr().out
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("sweep_deadlines", "--today", "21-10-2024")
    assert sweep_deadlines_task.apply().get() == {"due_soon": 0, "overdue": 0, "cases_overdue": 0}


@pytest.mark.django_db
def test_outbox_flush_sends_each_mail_once(users):
    Outbox.objects.create(to="a@example.test", subject="Uji", body="Isi")
    assert flush_outbox_task.apply().get() == 1
    assert outbox_flush() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@example.test"]
    assert Outbox.objects.get().sent_at is not None


def _in_threads(n, fn):
    barrier = threading.Barrier(n)
    errors, results = [], []

    def run():
        try:
            barrier.wait()
            results.append(fn())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_do_the_work_once():
    ensure_reference_data()
    users = make_users("swc")
    cases = [build_case(CaseStatus.AWAITING_FOLLOW_UP, users, on=START) for _ in range(3)]
    soon = build_case(CaseStatus.REGISTERED, users, on=D(2024, 10, 18))  # due Tue 29 Oct
    today = D(2024, 10, 25)
    results, errors = _in_threads(2, lambda: sweep_deadlines(today))
    assert errors == []
    assert sum(r["cases_overdue"] for r in results) == 3
    for case in cases:
        assert Case.objects.get(pk=case.pk).status == CaseStatus.OVERDUE
        assert CaseEvent.objects.filter(case=case, code="case.overdue").count() == 1
    assert CaseEvent.objects.filter(case=soon, code="case.clock.due_soon").count() == 1
    keys = list(Notification.objects.values_list("dedupe_key", flat=True))
    assert len(keys) == len(set(keys)) > 0
    assert Outbox.objects.count() == Notification.objects.count()  # one mail per notification, no duplicates
    assert sweep_deadlines(today) == {"due_soon": 0, "overdue": 0, "cases_overdue": 0}


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_outbox_flushes_send_each_row_once():
    for i in range(30):
        Outbox.objects.create(to=f"u{i}@example.test", subject="Uji", body="Isi")
    results, errors = _in_threads(2, outbox_flush)
    assert errors == [] and sum(results) == 30
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"u{i}@example.test" for i in range(30))
