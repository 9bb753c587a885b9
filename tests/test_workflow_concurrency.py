"""Ten threads fire the same transition at one case: exactly one succeeds and one event is written."""
import threading

import pytest
from django.db import connection
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStatus, Clock
from cases.workflow import InvalidTransition, perform
from tests.workflow_support import build_case, ensure_reference_data, make_users


def _fire(n, fn):
    barrier = threading.Barrier(n)
    outcomes = []

    def run():
        try:
            barrier.wait()
            fn()
            outcomes.append("ok")
        except Exception as exc:  # each thread's outcome is what the test asserts on
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("status, action, actor, params, code", [
    (CaseStatus.RECEIVED, "register", "bawaslu", {}, "case.registered"),
    (CaseStatus.AWAITING_FOLLOW_UP, "record_sanction", "ppk",
     {"sanction_type": "PP94_HEAVY_DEMOTION", "decree_number": "800/5/2024", "signer_name": "Bupati"}, "case.sanction.recorded"),
])
def test_ten_threads_one_success_one_event(status, action, actor, params, code):
    ensure_reference_data()
    users = make_users("cc")
    case = build_case(status, users)
    if action == "record_sanction":
        params = {**params, "decree_date": timezone.localdate(case.created_at)}
    events_before = case.events.count()
    outcomes = _fire(10, lambda: perform(action, actor=users[actor], case=Case(pk=case.pk), **params))
    assert outcomes.count("ok") == 1
    assert all(isinstance(o, InvalidTransition) for o in outcomes if o != "ok"), outcomes
    assert CaseEvent.objects.filter(case=case).count() == events_before + 1
    assert CaseEvent.objects.filter(case=case, code=code).count() == 1
    if action == "register":
        assert Clock.objects.filter(case=case, code="BAWASLU_DECISION").count() == 1
