"""Random action sequences (Hypothesis state machine) keep the workflow's invariants.

Each example runs inside its own transaction, rolled back at teardown; users are made once per test.
"""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from cases.models import (
    ACTIVE_BLOCK, Agency, Case, CaseStatus, ClockState, DataBlock, ElectionPeriod, Region, SanctionRecord, TrackStatus,
)
from cases.tasks import sweep_deadlines
from cases.models import Role
from cases.workflow import TRANSITIONS, Action, ActionNotAllowed, InvalidTransition, case_open, perform
from tests.workflow_support import make_users

ACTORS = ["bawaslu", "bawaslu_other", "analyst", "approver", "ppk", "bkn", "kemendagri", "kemenpanrb", "auditor"]
PARAMS = {
    Action.ASSIGN: lambda m: {"officer": m.users["analyst"]},
    Action.EXTEND_DECISION: lambda m: {"reason": "Keterangan saksi"},
    Action.DISMISS: lambda m: {"reason": "Bukan ASN"},
    Action.REQUEST_INFORMATION: lambda m: {"questions": "Mohon SK jabatan"},
    Action.DRAFT_RECOMMENDATION: lambda m: {"track": m.pick_track(), "proven": m.data.draw(st.booleans()),
                                            "violation_types": ["SOSMED_LIKE"], "category": "disciplinary",
                                            "discipline_level": "light"},
    Action.RECORD_NOT_PROVEN: lambda m: {"reason": "Tidak terbukti"},
    Action.ACKNOWLEDGE: lambda m: {"track": m.pick_track()},
    Action.RECORD_DELIVERY: lambda m: {"track": m.pick_track(), "delivered_on": m.day if m.day <= timezone.localdate()
                                       else timezone.localdate(), "proof": "Tanda terima 1/2026"},
    Action.ACCEPT_DECISION: lambda m: {"reason": "Dapat diterima"},
    Action.REQUEST_UNBLOCK: lambda m: {"track": m.pick_track(), "reason": "SK diterima"},
    Action.REFER_GAKKUMDU: lambda m: {"violation_type": "DECISION_FAVOUR", "referred_on": timezone.localdate(),
                                      "reference": "01/GKD"},
    Action.RETURN_DECISION: lambda m: {"reason": "Terlalu ringan"},
    Action.RECORD_SANCTION: lambda m: {"track": m.pick_track(),
                                       "sanction_type": m.data.draw(st.sampled_from(["PP94_LIGHT_ORAL", "MORAL_OPEN", ""])),
                                       "decree_number": "800/7/2024", "decree_date": timezone.localdate(),
                                       "signer_name": "Bupati", "employee_type": "pns",
                                       "reason": m.data.draw(st.sampled_from(["", "Pertama kali"]))},
    Action.REQUEST_BLOCK: lambda m: {"track": m.pick_track(), "out_of_order_reason": m.data.draw(st.sampled_from(["", "Mendesak"]))},
    Action.RECORD_BLOCK: lambda m: {"track": m.pick_track()},
    Action.UNBLOCK: lambda m: {"track": m.pick_track()},
    Action.RECORD_PPK_WARNING: lambda m: {"reason": "Teguran", "out_of_order_reason": m.data.draw(st.sampled_from(["", "Mendesak"]))},
    Action.ESCALATE: lambda m: {"out_of_order_reason": m.data.draw(st.sampled_from(["", "Mendesak"]))},
    Action.REPORT_TO_PRESIDENT: lambda m: {"out_of_order_reason": m.data.draw(st.sampled_from(["", "Mendesak"]))},
    Action.CLOSE_OTHER: lambda m: {"reason": "Dicabut"},
    Action.REOPEN: lambda m: {"reason": "Bukti baru"},
}
HUMAN_ACTIONS = [a for a in Action if a not in (Action.MARK_OVERDUE, Action.PRESUME_RECEIPT)]
PROGRESS = {Action.REGISTER, Action.START_EXAMINATION, Action.FORWARD, Action.START_REVIEW, Action.DRAFT_RECOMMENDATION,
            Action.ISSUE_RECOMMENDATION, Action.ACKNOWLEDGE, Action.RECORD_SANCTION, Action.SEND_REMINDER,
            Action.REQUEST_BLOCK, Action.RECORD_BLOCK, Action.UNBLOCK, Action.ESCALATE, Action.CLOSE_SANCTIONED}
ROLE_KEYS = {Role.BAWASLU: "bawaslu", Role.ANALYST: "analyst", Role.APPROVER: "approver", Role.PPK_LIAISON: "ppk",
             Role.BKN: "bkn", Role.KEMENDAGRI: "kemendagri", Role.KEMENPANRB: "kemenpanrb"}


class CaseMachine(RuleBasedStateMachine):
    users: dict = {}
    reached: set = set()  # statuses seen across all examples: the exploration must reach every one

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.day = timezone.localdate()  # clocks start on the real today; the sweep looks ahead from it
        self.seen_events = []

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def pick_track(self):
        return self.data.draw(st.sampled_from(self.tracks))

    @initialize(respondents=st.integers(min_value=1, max_value=2), pilkada=st.booleans())
    def open_case(self, respondents, pilkada):
        people = [{"nip": None, "name": f"Terlapor {i}", "position": "Staf",
                   "agency": Agency.objects.get(code="PEMKAB-33.01")} for i in range(respondents)]
        election = ElectionPeriod.objects.get(slug="pilkada-2024" if pilkada else "pemilu-2024")
        self.case = case_open(actor=self.users["bawaslu"], election=election, region=Region.objects.get(code="33.01"),
                              title="Uji mesin status", respondents=people, register=False)
        self.tracks = list(self.case.tracks.order_by("id").values_list("pk", flat=True))

    @rule(data=st.data())
    def step(self, data):
        """One step: usually an action, sometimes time passing (the deadline sweep runs)."""
        self.data = data
        if data.draw(st.integers(0, 9)) < 2:
            self.day += dt.timedelta(days=data.draw(st.integers(1, 30)))
            sweep_deadlines(self.day)
            return
        # Mostly an action the status allows (forward-moving ones weighted up) by a role the table names, so that
        # 30 steps reach the PPK stage; otherwise anything by anyone, which is mostly refused.
        status = Case.objects.values_list("status", flat=True).get(pk=self.case.pk)
        fitting = [a for a in HUMAN_ACTIONS if status in TRANSITIONS[a].sources for _ in range(4 if a in PROGRESS else 1)]
        steer = data.draw(st.integers(0, 4)) > 0
        action = data.draw(st.sampled_from(fitting if steer and fitting else HUMAN_ACTIONS))
        keys = [ROLE_KEYS[r] for r in TRANSITIONS[action].roles if r in ROLE_KEYS] or ACTORS
        actor = data.draw(st.sampled_from(keys if steer else ACTORS))
        params = PARAMS.get(action, lambda m: {})(self)
        before = self.case.events.count()
        try:
            perform(action, actor=self.users[actor], case=self.case, **params)
        except (ActionNotAllowed, InvalidTransition, ValidationError):
            assert self.case.events.count() == before, "a refused action wrote an event"
            return
        assert self.case.events.count() == before + 1, "a successful action writes exactly one event"

    @invariant()
    def events_append_only_and_ordered(self):
        rows = list(self.case.events.order_by("id").values_list("id", "at", "code", "to_status"))
        assert rows[:len(self.seen_events)] == self.seen_events, "an earlier event changed or vanished"
        assert [r[1] for r in rows] == sorted(r[1] for r in rows)
        self.seen_events = rows
        case = Case.objects.get(pk=self.case.pk)
        CaseMachine.reached.add(case.status)
        moved = [r for r in rows if r[3]]
        assert moved[-1][3] == case.status, "the status is the last event's to-status"

    @invariant()
    def closed_case_has_closed_tracks_and_no_running_clock(self):
        case = Case.objects.get(pk=self.case.pk)
        if case.is_closed:
            assert set(case.tracks.values_list("status", flat=True)) <= TrackStatus.closed()
            assert not case.clocks.filter(state__in=[ClockState.RUNNING, ClockState.PAUSED]).exists()

    @invariant()
    def no_block_nobody_can_lift_on_a_closed_case(self):
        case = Case.objects.get(pk=self.case.pk)
        if case.is_closed:
            for block in DataBlock.objects.filter(ACTIVE_BLOCK, track__case=case):
                assert block.recorded_at, "a block request left on a closed case"
                assert block.lift_requested_at, "an active block nobody is asked to lift"

    @invariant()
    def a_standing_decision_asks_bkn_to_lift(self):
        for track in self.case.tracks.filter(status=TrackStatus.SANCTIONED).prefetch_related("blocks", "decisions"):
            if all(d.standing for d in track.decisions.all() if d.active) and track.active_block:
                assert track.active_block.lift_requested_at, "a block outlives a standing decision unasked"

    @invariant()
    def no_track_followed_up_with_an_item_undecided(self):
        for track in self.case.tracks.filter(status=TrackStatus.SANCTIONED).select_related("recommendation"):
            decided = set(track.decisions.filter(active=True).values_list("item_kind", flat=True))
            assert {i.kind for i in track.recommendation.items()} <= decided, "followed up with an item undecided"

    @invariant()
    def ppk_clock_only_from_receipt(self):
        for clock in self.case.clocks.filter(code="PPK_FOLLOW_UP").select_related("track"):
            assert clock.track.received_on is not None, "a PPK clock started before the recommendation was received"

    @invariant()
    def sanction_only_after_an_issued_recommendation(self):
        for sanction in SanctionRecord.objects.filter(track__case=self.case).select_related("track__recommendation"):
            rec = sanction.track.recommendation
            assert rec.approved_at is not None and rec.proven and rec.approved_at <= sanction.recorded_at
            assert rec.approved_by_id != rec.drafted_by_id


@pytest.mark.django_db
def test_random_action_sequences_keep_invariants():
    CaseMachine.users = make_users("sm")
    run_state_machine_as_test(CaseMachine, settings=settings(
        max_examples=200, stateful_step_count=30, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    assert CaseMachine.reached == set(CaseStatus.values), set(CaseStatus.values) - CaseMachine.reached
