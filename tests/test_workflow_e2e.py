"""One real-looking case from registration to closed_sanctioned, through an overdue PPK, a BKN block and the
unblock; its timeline is printed (run with -s to read it)."""
import datetime as dt

import pytest
import time_machine
from zoneinfo import ZoneInfo

from cases.models import Agency, CaseStatus, ClockState, ElectionPeriod, Notification, Region, TrackStatus
from cases.services import register_event_hook
from cases.tasks import sweep_deadlines
from cases.timeline import case_timeline
from cases.workflow import perform
from tests.workflow_support import make_users

pytestmark = pytest.mark.django_db


WIB = ZoneInfo("Asia/Jakarta")


def at(stamp):
    """Travel to a moment of the story (Asia/Jakarta), so events, clocks and dates follow the calendar."""
    return time_machine.travel(dt.datetime.fromisoformat(stamp).replace(tzinfo=WIB), tick=False)


def test_registration_to_closed_sanctioned(django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr("cases.services.EVENT_HOOKS", {})
    letters = []
    for code in ("case.recommendation.issued", "case.reminder.sent", "case.block.requested", "case.escalated"):
        register_event_hook(code, lambda event: letters.append(event.code))
    u = make_users("e2e")
    with django_capture_on_commit_callbacks(execute=True):
        case = _walk(u)
    case.refresh_from_db()

    print(f"\nLini masa perkara {case.number}: {case.title}")
    for entry in case_timeline(case):
        print(" ", entry)

    assert case.status == CaseStatus.CLOSED_SANCTIONED
    track = case.tracks.get()
    assert track.status == TrackStatus.SANCTIONED and track.block_state == "lifted"
    assert track.sanction.sanction_type.code == "PP94_MOD_TUKIN25_6M" and track.sanction.signer_name == "Sekretaris Daerah"
    assert track.recommendation.approved_by == u["approver"] and track.recommendation.drafted_by == u["analyst"]
    assert track.recommendation.supervisory_body.code == "BKN"  # in force on 15 October 2024
    assert not case.clocks.filter(state__in=[ClockState.RUNNING, ClockState.PAUSED]).exists()
    ppk = case.clocks.get(code="PPK_FOLLOW_UP")
    assert (ppk.started_on, ppk.due_on, ppk.state, ppk.finished_on) == (
        dt.date(2024, 10, 17), dt.date(2024, 11, 6), ClockState.MISSED, dt.date(2024, 11, 25))
    exam = case.clocks.get(code="SUPERVISOR_EXAM")
    assert exam.paused_days == 3 and exam.state == ClockState.MET
    codes = list(case.events.values_list("code", flat=True))
    assert codes == [
        "case.received", "case.registered", "case.assigned", "case.examination.started", "case.forwarded",
        "case.review.started", "case.information.requested", "case.information.received",
        "case.recommendation.drafted", "case.recommendation.issued", "case.recommendation.acknowledged",
        "case.overdue", "case.reminder.sent", "case.clock.overdue", "case.block.requested", "case.block.recorded",
        "case.escalated", "case.ppk.warned", "case.sanction.recorded", "case.unblocked", "case.closed"]
    assert letters == ["case.recommendation.issued", "case.reminder.sent", "case.block.requested", "case.escalated"]
    escalation = case.events.get(code="case.escalated")
    assert list(escalation.payload["targets"]) == ["KEMENDAGRI"]
    assert Notification.objects.filter(user=u["kemendagri"], case=case, kind="escalated").exists()
    assert Notification.objects.filter(user=u["ppk"], case=case, kind="clock_overdue").exists()
    timeline = case_timeline(case)
    assert [e.kind for e in timeline].count("event") == len(codes)
    assert [e.day for e in timeline] == sorted(e.day for e in timeline)


def _walk(u):
    agency = Agency.objects.get(code="PEMKAB-33.01")
    with at("2024-10-03 09:00"):
        case = perform_open(u, agency)
    with at("2024-10-03 09:30"):
        case = perform("assign", actor=u["bawaslu"], case=case, officer=u["bawaslu"])
    with at("2024-10-04 10:00"):
        case = perform("start_examination", actor=u["bawaslu"], case=case)
    with at("2024-10-04 15:00"):
        case = perform("forward", actor=u["bawaslu"], case=case, conclusion="Terbukti mengunggah ajakan memilih")
    with at("2024-10-07 09:00"):
        case = perform("start_review", actor=u["analyst"], case=case)
    with at("2024-10-08 09:00"):
        case = perform("request_information", actor=u["analyst"], case=case, addressee="BKPSDM Kabupaten Cilacap",
                       questions="Mohon salinan SK jabatan terlapor")
    with at("2024-10-11 14:00"):
        case = perform("receive_information", actor=u["analyst"], case=case, summary="SK jabatan diterima")
    with at("2024-10-14 10:00"):
        perform("draft_recommendation", actor=u["analyst"], case=case, proven=True, violation_types=["SOSMED_POST"],
                category="disciplinary", discipline_level="moderate", reasoning="Unggahan 3 Oktober 2024, 1.200 tanda suka")
    with at("2024-10-15 11:00"):
        case = perform("issue_recommendation", actor=u["approver"], case=case)
    with at("2024-10-17 08:00"):
        case = perform("acknowledge", actor=u["ppk"], case=case)
    # The PPK clock runs from receipt (17 October), not from the issue: 14 working days end on 6 November.
    with at("2024-11-07 01:00"):
        assert sweep_deadlines()["cases_overdue"] == 1
    with at("2024-11-07 10:00"):
        case = perform("send_reminder", actor=u["approver"], case=case)
    with at("2024-11-13 01:00"):
        assert sweep_deadlines()["overdue"] == 1
    with at("2024-11-13 10:00"):
        case = perform("request_block", actor=u["approver"], case=case)
    with at("2024-11-14 10:00"):
        case = perform("record_block", actor=u["bkn"], case=case)
    with at("2024-11-15 10:00"):
        case = perform("escalate", actor=u["approver"], case=case, reason="PPK tidak menanggapi pengingat")
    with at("2024-11-18 10:00"):
        case = perform("record_ppk_warning", actor=u["kemendagri"], case=case,
                       reason="Teguran tertulis kepada Bupati Cilacap")
    with at("2024-11-25 10:00"):
        case = perform("record_sanction", actor=u["ppk"], case=case, sanction_type="PP94_MOD_TUKIN25_6M",
                       decree_number="800.1.6.4/117/2024", decree_date=dt.date(2024, 11, 22),
                       signer_name="Sekretaris Daerah", signer_position="Sekretaris Daerah Kabupaten Cilacap",
                       employee_type="pns")
    with at("2024-11-26 10:00"):
        case = perform("unblock", actor=u["bkn"], case=case)
    with at("2024-11-28 10:00"):
        return perform("close_sanctioned", actor=u["approver"], case=case)


def perform_open(u, agency):
    from cases.workflow import case_open

    return case_open(
        actor=u["bawaslu"], election=ElectionPeriod.objects.get(slug="pilkada-2024"),
        region=Region.objects.get(code="33.01"), title="Kepala Dinas mengunggah ajakan memilih pasangan calon",
        description="Unggahan Facebook berisi foto bersama pasangan calon dan ajakan memilih.",
        place="Facebook", social_media=True,
        respondents=[{"nip": "196804111993031009", "name": "Drs. Ahmad Santoso", "position": "Kepala Dinas Pendidikan",
                      "agency": agency}])
