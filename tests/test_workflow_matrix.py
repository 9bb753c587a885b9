"""Every status × every action × every role: allowed → the table's status and exactly one event;
refused → ActionNotAllowed (403) or InvalidTransition (409) and nothing changed."""
import pytest
from django.utils import timezone

from cases.models import CaseStatus, SanctionRecord, SanctionType, TrackStatus
from cases.workflow import (
    DIRECT_ESCALATION_FROM, Action, ActionNotAllowed, InvalidTransition, TRANSITIONS, perform,
)
from cases.permissions import may_act
from tests.workflow_support import CLOSED_FROM, build_case, make_users, snapshot

pytestmark = pytest.mark.django_db

ACTORS = [None, "bawaslu", "bawaslu_province", "bawaslu_other", "analyst", "approver", "ppk", "ppk_other", "bkn",
          "kemendagri", "kemenpanrb", "screening", "auditor", "admin"]


def params(action, users, case):
    """Valid input for each action, so that only role and status decide the outcome."""
    today = timezone.localdate()
    return {
        Action.ASSIGN: {"officer": users["bawaslu"]},
        Action.EXTEND_DECISION: {"reason": "Perlu keterangan saksi tambahan"},
        Action.DISMISS: {"reason": "Terlapor bukan ASN"},
        Action.REQUEST_INFORMATION: {"questions": "Mohon salinan SK jabatan terlapor", "addressee": "BKD Cilacap"},
        Action.DRAFT_RECOMMENDATION: {"proven": True, "violation_types": ["SOSMED_POST"], "category": "both",
                                      "moral_level": "open", "discipline_level": "moderate"},
        Action.RECORD_SANCTION: {"sanction_type": SanctionType.objects.filter(SanctionType.in_force_q(today)).first(),
                                 "decree_number": "800/123/2024", "decree_date": today, "signer_name": "Sekda"},
        Action.RECORD_PPK_WARNING: {"reason": "Teguran tertulis kepada Bupati"},
        Action.UNBLOCK: {"track": case.tracks.order_by("id").first()},
        Action.CLOSE_OTHER: {"reason": "Terlapor pensiun"},
        Action.RECORD_NOT_PROVEN: {"reason": "Unggahan bukan milik terlapor"},
        Action.REOPEN: {"reason": "Bukti baru dari pelapor"},
    }.get(action, {})


def prepare(action, case, users):
    """Rows an action needs beyond the status (a block to record or lift)."""
    track = case.tracks.order_by("id").first()
    if action == Action.RECORD_BLOCK:
        track.block_requested_at = timezone.now()
        track.save()
    if action == Action.UNBLOCK:
        track.block_requested_at = track.blocked_at = timezone.now()
        if track.status == TrackStatus.RECOMMENDED:  # one respondent sanctioned, the other still waiting
            from tests.factories import RespondentFactory
            case.tracks.create(respondent=RespondentFactory(agency=track.agency), agency=track.agency,
                               status=TrackStatus.RECOMMENDED)
            track.status = TrackStatus.SANCTIONED
            SanctionRecord.objects.create(track=track, sanction_type=SanctionType.objects.first(), decree_number="1",
                                          decree_date=timezone.localdate(), signer_name="Bupati", recorded_by=users["ppk"])
        track.save()


# Refusals decided inside the function, on top of the table: a ministry acts only on PPKs of its kind
# (the test case's PPK is a regency, so Kemendagri's).
EXTRA_FORBIDDEN = {(Action.RECORD_PPK_WARNING, "kemenpanrb")}


def expected(action, status, actor_key, user, case):
    spec = TRANSITIONS[action]
    if actor_key is None:
        role_ok = not spec.roles
    else:
        role_ok = bool(spec.roles) and may_act(user, case, spec.roles) and (action, actor_key) not in EXTRA_FORBIDDEN
    if not role_ok:
        return ActionNotAllowed
    if status in spec.sources:
        return "ok"
    return InvalidTransition


def target(action, status):
    if action == Action.REOPEN:
        return CLOSED_FROM[status]
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
    reachable = {s for t in TRANSITIONS.values() for s in t.sources if t.target or True}
    assert reachable == set(CaseStatus.values)
    assert DIRECT_ESCALATION_FROM <= set(CaseStatus.values)
