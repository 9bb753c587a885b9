"""Issue #22 story tests: a Pilkada case from the recommendation through receipt → overdue → reminder → block →
a decision "tidak sesuai rekomendasi" → returned → a conforming decision → unblock → closed; and a second case
closed for retirement while its respondent is blocked. Timelines are printed (run with -s to read them)."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.models import Agency, CaseStatus, ClockState, ElectionPeriod, Region, TrackStatus
from cases.tasks import sweep_deadlines
from cases.timeline import case_timeline
from cases.workflow import case_open, perform
from tests.workflow_support import make_users

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
S = CaseStatus


def at(stamp):
    return time_machine.travel(dt.datetime.fromisoformat(stamp).replace(tzinfo=WIB), tick=False)


def sweep(day):
    with at(f"{day} 01:00"):
        return sweep_deadlines(dt.date.fromisoformat(day))


def recommended(u, name, nip):
    """Registered on 2 Nov 2026, forwarded, recommended (heavy discipline) on 9 Nov 2026 (a Monday)."""
    agency = Agency.objects.get(code="PEMKAB-33.01")
    with at("2026-11-02 09:00"):
        case = case_open(actor=u["bawaslu"], election=ElectionPeriod.objects.get(slug="pilkada-2024"),
                         region=Region.objects.get(code="33.01"), title=f"{name} mengunggah ajakan memilih",
                         respondents=[{"nip": nip, "name": name, "position": "Kepala Bidang", "agency": agency}])
        track = case.tracks.get()
        track.respondent.employee_type = "pns"
        track.respondent.save()
        case = perform("start_examination", actor=u["bawaslu"], case=case)
        case = perform("forward", actor=u["bawaslu"], case=case, conclusion="Terbukti")
    with at("2026-11-05 10:00"):
        case = perform("start_review", actor=u["analyst"], case=case)
        perform("draft_recommendation", actor=u["analyst"], case=case, proven=True, violation_types=["SOSMED_POST"],
                category="disciplinary", discipline_level="heavy", reasoning="Unggahan dengan 900 tanda suka")
    with at("2026-11-09 10:00"):
        return perform("issue_recommendation", actor=u["approver"], case=case)


def print_timeline(case):
    print(f"\nLini masa perkara {case.number}")
    for entry in case_timeline(case):
        print(" ", entry)


def test_pilkada_case_from_recommendation_to_closed():
    u = make_users("st1")
    case = recommended(u, "Drs. Bambang Riyadi", "196804111993031009")
    assert case.clocks.get(code="PPK_RECEIPT").state == ClockState.RUNNING
    assert not case.clocks.filter(code="PPK_FOLLOW_UP").exists()  # nothing counts before the letter arrives
    with at("2026-11-12 10:00"):  # the liaison confirms the letter arrived on 11 November
        case = perform("acknowledge", actor=u["ppk"], case=case, received_on=dt.date(2026, 11, 11))
    clock = case.clocks.get(code="PPK_FOLLOW_UP")
    assert clock.started_on == dt.date(2026, 11, 11)
    assert sweep(str(clock.due_on))["cases_overdue"] == 0
    assert sweep(str(clock.due_on + dt.timedelta(days=1)))["cases_overdue"] == 1
    case.refresh_from_db()
    assert case.status == S.OVERDUE
    day = clock.due_on + dt.timedelta(days=1)
    with at(f"{day} 10:00"):
        case = perform("send_reminder", actor=u["approver"], case=case)
    sweep(str(day + dt.timedelta(days=6)))  # the reminder's answer clock lapses
    with at(f"{day + dt.timedelta(days=6)} 10:00"):  # at least 3 working days after the reminder (the ladder)
        case = perform("request_block", actor=u["approver"], case=case, reason="Tidak ada tanggapan PPK")
    with at(f"{day + dt.timedelta(days=7)} 10:00"):
        case = perform("record_block", actor=u["bkn"], case=case)
    with at(f"{day + dt.timedelta(days=9)} 10:00"):
        case = perform("record_sanction", actor=u["ppk"], case=case, sanction_type="PP94_LIGHT_WRITTEN",
                       decree_number="800/311/2026", decree_date=day + dt.timedelta(days=8), signer_name="Bupati Cilacap",
                       reason="Terlapor baru pertama kali melanggar")
    assert case.status == S.FOLLOWED_UP and case.tracks.get().is_blocked
    with at(f"{day + dt.timedelta(days=10)} 10:00"):
        case = perform("return_decision", actor=u["approver"], case=case,
                       reason="Rekomendasi hukuman disiplin berat; teguran tertulis tanpa dasar")
    assert case.status == S.AWAITING_FOLLOW_UP and case.tracks.get().status == TrackStatus.RECOMMENDED
    with at(f"{day + dt.timedelta(days=16)} 10:00"):
        case = perform("record_sanction", actor=u["ppk"], case=case, sanction_type="PP94_HEAVY_DEMOTION",
                       decree_number="800/350/2026", decree_date=day + dt.timedelta(days=15), signer_name="Bupati Cilacap")
        case = perform("unblock", actor=u["bkn"], case=case)
        case = perform("close_sanctioned", actor=u["approver"], case=case)
    print_timeline(case)
    track = case.tracks.get()
    assert case.status == S.CLOSED_SANCTIONED and track.block_state == "lifted"
    assert [(d.sanction_type.code, d.active, d.review) for d in track.decisions.order_by("id")] == [
        ("PP94_LIGHT_WRITTEN", False, "returned"), ("PP94_HEAVY_DEMOTION", True, "")]
    codes = [c for c in case.events.values_list("code", flat=True) if not c.startswith("case.clock")]
    assert codes[codes.index("case.recommendation.issued"):] == [
        "case.recommendation.issued", "case.recommendation.acknowledged", "case.overdue", "case.reminder.sent",
        "case.block.requested", "case.block.recorded", "case.sanction.recorded", "case.decision.returned",
        "case.sanction.recorded", "case.unblocked", "case.closed"]
    assert not case.clocks.filter(state__in=[ClockState.RUNNING, ClockState.PAUSED]).exists()


def test_case_closed_for_retirement_while_blocked():
    u = make_users("st2")
    case = recommended(u, "Sri Lestari, S.Pd.", "197002152000032001")
    receipt = case.clocks.get(code="PPK_RECEIPT")
    assert sweep(str(receipt.due_on + dt.timedelta(days=1)))["presumed_received"] == 1  # no confirmation: presumed
    clock = case.clocks.get(code="PPK_FOLLOW_UP")
    assert clock.started_on == receipt.due_on
    late = clock.due_on + dt.timedelta(days=1)
    sweep(str(late))
    with at(f"{late} 10:00"):
        case = perform("send_reminder", actor=u["approver"], case=case)
    with at(f"{late + dt.timedelta(days=6)} 10:00"):
        case = perform("request_block", actor=u["approver"], case=case)
        case = perform("record_block", actor=u["bkn"], case=case)
    with at(f"{late + dt.timedelta(days=7)} 10:00"):
        case = perform("close_other", actor=u["approver"], case=case, reason="Terlapor pensiun (BUP) per 1 Desember 2026")
    track = case.tracks.get()
    assert case.status == S.CLOSED_OTHER and track.block_state == "lift_requested"
    with at(f"{late + dt.timedelta(days=8)} 10:00"):
        case = perform("unblock", actor=u["bkn"], case=case)
    print_timeline(case)
    track.refresh_from_db()
    assert case.status == S.CLOSED_OTHER and not track.is_blocked and track.block_state == "lifted"
    assert case.events.order_by("-id").first().reason == "Terlapor pensiun (BUP) per 1 Desember 2026"
