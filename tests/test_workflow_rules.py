"""Workflow rules beyond the matrix: four-eyes, per-respondent tracks, escalation targets, conflict of interest,
direct forwarding, decision-clock extension, reopening, letter hooks, and bad input."""
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import CaseStatus, ClockState, DeadlineRule, TrackStatus
from cases.services import register_event_hook
from cases.workflow import ActionNotAllowed, InvalidTransition, allowed_actions, perform
from tests.workflow_support import block, build_case, make_users, snapshot

pytestmark = pytest.mark.django_db
S = CaseStatus
DRAFT = {"proven": True, "violation_types": ["SOSMED_SHARE"], "category": "moral", "moral_level": "closed"}


@pytest.fixture
def u(db):
    return make_users("r")


def test_four_eyes_approver_may_not_sign_own_draft(u):
    case = build_case(S.UNDER_REVIEW, u)
    approver_drafts = u["approver"]
    approver_drafts.groups.add(*u["analyst"].groups.all())
    from cases.models import User
    approver_drafts = User.objects.get(pk=approver_drafts.pk)
    perform("draft_recommendation", actor=approver_drafts, case=case, **DRAFT)
    before = snapshot(case)
    with pytest.raises(ActionNotAllowed, match="empat mata"):
        perform("issue_recommendation", actor=approver_drafts, case=case)
    assert snapshot(case) == before


def test_recommendation_per_respondent_and_case_closes_when_every_track_is_closed(u):
    case = build_case(S.UNDER_REVIEW, u, respondents=2)
    first, second = case.tracks.order_by("id")
    perform("draft_recommendation", actor=u["analyst"], case=case, track=second, proven=False, reasoning="Akun palsu")
    with pytest.raises(ValidationError) as err:
        perform("draft_recommendation", actor=u["analyst"], case=case)
    assert "track" in err.value.message_dict
    case = perform("issue_recommendation", actor=u["approver"], case=case)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == (TrackStatus.RECOMMENDED, TrackStatus.NOT_PROVEN)
    assert case.status == S.AWAITING_FOLLOW_UP
    # the PPK's clock waits for receipt of the recommendation (issue #22): only the receipt clock runs
    assert list(case.clocks.filter(code="PPK_RECEIPT").values_list("track", flat=True)) == [first.pk]
    assert not case.clocks.filter(code="PPK_FOLLOW_UP").exists()
    case = perform("record_sanction", actor=u["ppk"], case=case, track=first, sanction_type="PP94_HEAVY_DEMOTION",
                   decree_number="800/1/2024", decree_date=timezone.localdate(case.recommended_at), signer_name="Bupati")
    assert case.status == S.FOLLOWED_UP
    case = perform("close_sanctioned", actor=u["approver"], case=case)
    assert case.status == S.CLOSED_SANCTIONED and case.respondents_all_closed()


def test_sanction_for_one_of_two_respondents_keeps_case_waiting(u):
    case = build_case(S.AWAITING_FOLLOW_UP, u, respondents=2)
    first = case.tracks.order_by("id").first()
    case = perform("record_sanction", actor=u["ppk"], case=case, track=first, sanction_type="PP94_HEAVY_DEMOTION",
                   decree_number="800/2/2024", decree_date=timezone.localdate(first.recommendation.approved_at), signer_name="Bupati")
    assert case.status == S.AWAITING_FOLLOW_UP
    assert case.events.last().code == "case.sanction.recorded" and case.events.last().to_status == S.AWAITING_FOLLOW_UP
    with pytest.raises(InvalidTransition):
        perform("record_sanction", actor=u["ppk"], case=case, track=first, sanction_type="PP94_HEAVY_DEMOTION",
                decree_number="800/3/2024", decree_date=timezone.localdate(first.recommendation.approved_at), signer_name="Bupati")


def test_escalation_goes_to_kemenpanrb_for_a_central_ppk(u):
    case = build_case(S.OVERDUE, u, agency_code="KEMENAG")
    case = perform("escalate", actor=u["approver"], case=case, out_of_order_reason="Menteri menolak secara terbuka")
    assert list(case.events.last().payload["targets"]) == ["KEMENPANRB"]
    with pytest.raises(ActionNotAllowed):
        perform("record_ppk_warning", actor=u["kemendagri"], case=case, reason="Teguran")
    perform("record_ppk_warning", actor=u["kemenpanrb"], case=case, reason="Teguran kepada Menteri Agama",
            out_of_order_reason="Eskalasi langsung (lihat di atas)")


def test_conflict_of_interest_escalates_directly_from_awaiting_follow_up(u):
    plain = build_case(S.AWAITING_FOLLOW_UP, u)
    with pytest.raises(InvalidTransition):
        perform("escalate", actor=u["approver"], case=plain)
    conflicted = build_case(S.AWAITING_FOLLOW_UP, u, conflict=True)
    assert "escalate" in allowed_actions(u["approver"], conflicted)
    case = perform("escalate", actor=u["approver"], case=conflicted)
    assert case.events.last().payload["direct"] is True and case.status == S.AWAITING_FOLLOW_UP


def test_direct_forward_without_registration(u):
    case = build_case(S.RECEIVED, u)
    case = perform("forward", actor=u["bawaslu"], case=case)
    assert case.status == S.FORWARDED and case.registered_at is None
    assert case.events.last().payload["direct"] is True
    assert case.clocks.get(code="INITIAL_REVIEW").state == ClockState.MET
    assert case.clocks.get(code="SUPERVISOR_EXAM").state == ClockState.RUNNING


def test_pemilu_decision_extension_is_fourteen_in_total_from_the_same_start(u):
    case = build_case(S.REGISTERED, u, election="pemilu-2024")
    first = case.clocks.get(code="BAWASLU_DECISION")
    case = perform("extend_decision", actor=u["bawaslu"], case=case, reason="Perlu keterangan saksi")
    ext = case.clocks.get(code="BAWASLU_DECISION_EXT")
    from cases.deadlines import add_days
    assert ext.started_on == first.started_on
    assert ext.due_on == add_days(first.started_on, DeadlineRule.for_clock("BAWASLU_DECISION_EXT", "pemilu", ext.started_on).length, "working")
    assert case.clocks.get(code="BAWASLU_DECISION").state == ClockState.STOPPED
    with pytest.raises(InvalidTransition):
        perform("extend_decision", actor=u["bawaslu"], case=case, reason="lagi")


def test_reopen_needs_a_reason_and_restores_the_previous_status(u):
    case = build_case(S.CLOSED_OTHER, u)
    with pytest.raises(ValidationError) as err:
        perform("reopen", actor=u["approver"], case=case, reason="  ")
    assert "reason" in err.value.message_dict and "Alasan" in err.value.message_dict["reason"][0]
    with pytest.raises(ActionNotAllowed):
        perform("reopen", actor=u["analyst"], case=case, reason="Bukti baru")
    case = perform("reopen", actor=u["approver"], case=case, reason="Bukti baru")
    assert case.status == S.AWAITING_FOLLOW_UP
    assert set(case.tracks.values_list("status", flat=True)) == {TrackStatus.RECOMMENDED}
    assert case.clocks.filter(code="PPK_FOLLOW_UP", state=ClockState.RUNNING).exists()
    assert case.events.last().reason == "Bukti baru"


def test_closing_while_data_still_blocked_leaves_the_unblock_on_bkns_desk(u):
    case = build_case(S.FOLLOWED_UP, u)
    track = case.tracks.get()
    blocked = block(track, u)
    case = perform("close_sanctioned", actor=u["approver"], case=case)
    blocked.refresh_from_db()
    assert case.status == S.CLOSED_SANCTIONED and blocked.state == "lift_requested"
    assert blocked.lift_requested_by == u["approver"] and blocked.lift_reason == "Perkara ditutup: sanksi dijatuhkan."
    assert "unblock" in allowed_actions(u["bkn"], case)


def test_closing_stops_every_clock(u):
    case = build_case(S.INFO_REQUESTED, u)
    case = perform("close_other", actor=u["approver"], case=case, reason="Terlapor meninggal dunia")
    assert not case.clocks.filter(state__in=[ClockState.RUNNING, ClockState.PAUSED]).exists()
    assert case.next_due is None and case.respondents_all_closed()


def test_liaison_of_another_agency_may_not_act(u):
    case = build_case(S.AWAITING_FOLLOW_UP, u)
    with pytest.raises(ActionNotAllowed):
        perform("acknowledge", actor=u["ppk_other"], case=case)


@pytest.mark.parametrize("field, kwargs", [
    ("decree_number", {"decree_number": " "}),
    ("signer_name", {"signer_name": ""}),
    ("sanction_type", {"sanction_type": "TIDAK_ADA"}),
    ("sanction_type", {"sanction_type": "PP53_LIGHT_ORAL"}),  # repealed before the decree date
    ("decree_date", {"decree_date": None}),
])
def test_bad_sanction_input_names_the_field_and_changes_nothing(u, field, kwargs):
    case = build_case(S.AWAITING_FOLLOW_UP, u)
    params = {"sanction_type": "PP94_LIGHT_WRITTEN", "decree_number": "800/9/2024",
              "decree_date": timezone.localdate(case.created_at), "signer_name": "Bupati", **kwargs}
    before = snapshot(case)
    with pytest.raises(ValidationError) as err:
        perform("record_sanction", actor=u["ppk"], case=case, **params)
    assert field in err.value.message_dict
    assert snapshot(case) == before


@pytest.mark.parametrize("kwargs, field", [
    ({"violation_types": []}, "violation_types"),
    ({"violation_types": ["BUKAN_KODE"]}, "violation_types"),
    ({"category": "keras"}, "category"),
    ({"category": "moral", "moral_level": ""}, "moral_level"),
    ({"category": "disciplinary", "discipline_level": "sangat"}, "discipline_level"),
])
def test_bad_draft_names_the_field(u, kwargs, field):
    case = build_case(S.UNDER_REVIEW, u)
    with pytest.raises(ValidationError) as err:
        perform("draft_recommendation", actor=u["analyst"], case=case, **{**DRAFT, **kwargs})
    assert field in err.value.message_dict


def test_unknown_action_is_refused(u):
    with pytest.raises(ValueError):
        perform("teleport", actor=u["approver"], case=build_case(S.RECEIVED, u))


def test_hooks_run_after_commit_only(u, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr("cases.services.EVENT_HOOKS", {})
    seen = []
    register_event_hook("case.reminder.sent", lambda event: seen.append(event.pk))
    case = build_case(S.OVERDUE, u)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        perform("send_reminder", actor=u["approver"], case=case)
    assert seen == [] and len(callbacks) == 1
    callbacks[0]()
    assert seen == [case.events.get(code="case.reminder.sent").pk]


def test_bawaslu_province_reaches_regency_case_but_neighbour_does_not(u):
    case = build_case(S.REGISTERED, u)
    assert "start_examination" in allowed_actions(u["bawaslu_province"], case)
    assert allowed_actions(u["bawaslu_other"], case) == []
    assert allowed_actions(u["auditor"], case) == []


def test_timeline_merges_events_clocks_and_letters_in_time_order(u):
    import datetime as dt

    from django.utils import timezone

    from cases.models import Agency, Letter
    from cases.timeline import case_timeline

    case = build_case(S.RECEIVED, u)
    case = perform("register", actor=u["bawaslu"], case=case)
    Letter.objects.create(kind="RECEIPT", case=case, agency=Agency.objects.get(code="BAWASLU-33.01"), year=2024, seq=1,
                          number="001/PM.01/K.1/10/2024", hal="Tanda terima laporan", pdf=b"%PDF",
                          sha256="0" * 64, verify_token="tok-timeline", issued_at=timezone.now() + dt.timedelta(days=1))
    timeline = case_timeline(case)
    assert [e.kind for e in timeline][-1] == "letter"
    assert [e.code for e in timeline if e.kind == "event"] == ["case.registered"]
    assert {e.code for e in timeline if e.kind == "clock"} >= {"clock.started", "clock.met"}
    assert [e.day for e in timeline] == sorted(e.day for e in timeline)
    assert "001/PM.01/K.1/10/2024" in str(timeline[-1])
