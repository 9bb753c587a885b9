"""Every status × every action × every role: allowed → the table's status and exactly one event;
refused → ActionNotAllowed (403) or InvalidTransition (409) and nothing changed."""
import datetime as dt

import pytest
from django.utils import timezone

from cases.models import CaseStatus, SanctionRecord, SanctionType, TrackStatus
from cases.workflow import (
    DIRECT_ESCALATION_FROM, REOPEN_OWNER, Action, ActionNotAllowed, InvalidTransition, TRANSITIONS, perform,
)
from cases.permissions import may_act
from tests.workflow_support import CLOSED_FROM, block, build_case, make_users, snapshot

pytestmark = pytest.mark.django_db

ACTORS = [None, "bawaslu", "bawaslu_province", "bawaslu_other", "analyst", "approver", "ppk", "ppk_other", "bkn",
          "kemendagri", "kemenpanrb", "screening", "auditor", "admin"]


LADDER_SKIP = "PPK adalah calon petahana (konflik kepentingan)"  # the matrix takes ladder steps in any order


def params(action, users, case):
    """Valid input for each action, so that only role and status decide the outcome."""
    today = timezone.localdate()
    return {
        Action.ASSIGN: {"officer": users["bawaslu"], "reason": "Pembagian beban kerja"},
        Action.EXTEND_DECISION: {"reason": "Perlu keterangan saksi tambahan"},
        Action.DISMISS: {"reason": "Terlapor bukan ASN"},
        Action.REQUEST_INFORMATION: {"questions": "Mohon salinan SK jabatan terlapor", "addressee": "BKD Cilacap"},
        Action.DRAFT_RECOMMENDATION: {"proven": True, "violation_types": ["SOSMED_POST"], "category": "both",
                                      "moral_level": "open", "discipline_level": "moderate"},
        Action.RECORD_SANCTION: {"sanction_type": SanctionType.objects.filter(SanctionType.in_force_q(today)).first(),
                                 "decree_number": "800/123/2024", "decree_date": today, "signer_name": "Sekda"},
        Action.RECORD_PPK_WARNING: {"reason": "Teguran tertulis kepada Bupati", "out_of_order_reason": LADDER_SKIP},
        Action.SEND_REMINDER: {"out_of_order_reason": LADDER_SKIP},
        Action.REQUEST_BLOCK: {"out_of_order_reason": LADDER_SKIP},
        Action.ESCALATE: {"out_of_order_reason": LADDER_SKIP},
        Action.REPORT_TO_PRESIDENT: {"out_of_order_reason": LADDER_SKIP},
        Action.UNBLOCK: {"track": case.tracks.order_by("id").first()},
        Action.CLOSE_OTHER: {"reason": "Terlapor pensiun"},
        Action.RECORD_NOT_PROVEN: {"reason": "Unggahan bukan milik terlapor"},
        Action.REOPEN: {"reason": "Bukti baru dari pelapor"},
        Action.ACCEPT_DECISION: {"reason": "Alasan PPK dapat diterima"},
        Action.RECORD_DELIVERY: {"delivered_on": today, "proof": "Tanda terima No. 12/TU/2026"},
        Action.REQUEST_UNBLOCK: {"reason": "SK sudah diterima dalam bentuk kertas"},
        Action.REFER_GAKKUMDU: {"violation_type": "DECISION_FAVOUR", "referred_on": today, "reference": "01/GKD/2026"},
        Action.RETURN_DECISION: {"reason": "Hukuman lebih ringan tanpa dasar"},
    }.get(action, {})


def prepare(action, case, users):
    """Rows an action needs beyond the status (a block to record or lift)."""
    track = case.tracks.order_by("id").first()
    if action == Action.RECORD_BLOCK:
        block(track, users, recorded=False)
    if action == Action.REQUEST_UNBLOCK:
        block(track, users)
    if action == Action.UNBLOCK:
        block(track, users, lift_requested=True)  # left by a standing decision, the supervisory body or the closing
    if action in (Action.ACCEPT_DECISION, Action.RETURN_DECISION):
        _pending_lighter_decision(case, track, users)
    if action in (Action.RECORD_DELIVERY, Action.PRESUME_RECEIPT) and track.status == TrackStatus.RECOMMENDED:
        from cases import deadlines
        track.received_on = None  # issued, not yet received: the receipt clock runs
        track.save()
        case.clocks.filter(track=track).delete()
        deadlines.clock_start(case, "PPK_RECEIPT", on=timezone.localdate() - dt.timedelta(days=30), track=track)


def _pending_lighter_decision(case, track, users):
    """A decision "tidak sesuai rekomendasi" waiting for the supervisory body (a second respondent still waits when
    the case is at the PPK stage)."""
    if track.status == TrackStatus.RECOMMENDED:
        from tests.factories import RespondentFactory
        case.tracks.create(respondent=RespondentFactory(agency=track.agency), agency=track.agency,
                           status=TrackStatus.RECOMMENDED)
        track.status = TrackStatus.SANCTIONED
        track.save()
        SanctionRecord.objects.create(track=track, item_kind="disciplinary", item_level="heavy",
                                      sanction_type=SanctionType.objects.get(code="PP94_LIGHT_WRITTEN"),
                                      decree_number="2", decree_date=timezone.localdate(), signer_name="Bupati",
                                      recorded_by=users["ppk"])
    SanctionRecord.objects.filter(track=track, active=True).update(deviation="lighter", review="pending",
                                                                   reason="Terlapor baru pertama kali")


# Refusals decided inside the function, on top of the table: a ministry acts only on PPKs of its kind
# (the test case's PPK is a regency, so Kemendagri's).
EXTRA_FORBIDDEN = {(Action.RECORD_PPK_WARNING, "kemenpanrb")}


def expected(action, status, actor_key, user, case):
    spec = TRANSITIONS[action]
    if actor_key is None:
        role_ok = not spec.roles
    else:
        roles = REOPEN_OWNER.get(status, spec.roles) if action == Action.REOPEN else spec.roles
        role_ok = bool(spec.roles) and may_act(user, case, roles) and (action, actor_key) not in EXTRA_FORBIDDEN
    if not role_ok:
        return ActionNotAllowed
    if status in spec.sources:
        return "ok"
    return InvalidTransition


def target(action, status):
    if action == Action.REOPEN:
        return CLOSED_FROM[status]
    if action == Action.RETURN_DECISION and status != CaseStatus.FOLLOWED_UP:
        return status  # back to awaiting_follow_up only from followed_up; at the PPK stage the status stays
    return TRANSITIONS[action].target or status


@pytest.fixture
def users(db):
    return make_users()


@pytest.mark.parametrize("action", list(Action))
def test_matrix(action, users):
    failures = []

    def fresh(status):
        case = build_case(status, users)
        prepare(action, case, users)
        return case, snapshot(case)

    for status in CaseStatus:
        shared, shared_before = fresh(status)  # refusals change nothing, so they can share one case
        for actor_key in ACTORS:
            user = users[actor_key] if actor_key else None
            want = expected(action, status, actor_key, user, shared)
            case, before = fresh(status) if want == "ok" else (shared, shared_before)
            try:
                perform(action, actor=user, case=case, **params(action, users, case))
                got = "ok"
            except (ActionNotAllowed, InvalidTransition) as exc:
                got = type(exc)
            after = snapshot(case)
            where = f"{action} from {status} by {actor_key}"
            if got != want:
                failures.append(f"{where}: expected {getattr(want, '__name__', want)}, got {getattr(got, '__name__', got)}")
            elif want == "ok":
                if after["status"] != target(action, status):
                    failures.append(f"{where}: status {after['status']} != {target(action, status)}")
                if after["events"] != before["events"] + 1:
                    failures.append(f"{where}: {after['events'] - before['events']} events written")
                elif case.events.order_by("-id").first().code != TRANSITIONS[action].code:
                    failures.append(f"{where}: wrong event code")
            elif after != before:
                failures.append(f"{where}: refused but changed {[k for k in before if before[k] != after[k]]}")
    assert not failures, "\n".join(failures)


def test_every_status_has_a_way_forward_or_is_closed():
    """Every open status leads, through the table's transitions, to a closed one; every closed status may be
    reopened to the status it was closed from. (A transition without a target keeps the status.)"""
    moves = {status: {t.target for t in TRANSITIONS.values() if status in t.sources and t.target not in (None, status)}
             for status in CaseStatus.values}
    closed = CaseStatus.closed()
    for status in set(CaseStatus.values) - closed:
        assert moves[status], f"{status} has no transition to another status"
        seen, frontier = {status}, [status]
        while frontier:
            frontier = [n for s in frontier for n in moves[s] if n not in seen]
            seen.update(frontier)
        assert seen & closed, f"no closed status is reachable from {status}"
    assert {status for status in closed if status in TRANSITIONS[Action.REOPEN].sources} == closed
    assert DIRECT_ESCALATION_FROM <= set(CaseStatus.values)
