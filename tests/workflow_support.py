"""Test helpers for the workflow: fast role users and a case built directly in any status (rows, not actions)."""
import datetime as dt

from django.contrib.auth.models import Group
from django.utils import timezone

from cases import deadlines
from cases.models import (
    Agency, Case, CaseEvent, CaseRespondent, CaseStatus, ClockState, DataBlock, ElectionPeriod, Recommendation, Region,
    Respondent, Role, SanctionRecord, SanctionType, TrackStatus, User, ViolationType,
)
from tests.factories import make_nip

S = CaseStatus

# (username, role, agency code, region code)
USERS = {
    "bawaslu": (Role.BAWASLU, "BAWASLU-33.01", "33.01"),
    "bawaslu_province": (Role.BAWASLU, "BAWASLU-33", "33"),
    "bawaslu_other": (Role.BAWASLU, "BAWASLU-33.02", "33.02"),
    "analyst": (Role.ANALYST, "BKN", "00"),
    "drafter": (Role.ANALYST, "BKN", "00"),
    "approver": (Role.APPROVER, "BKN", "00"),
    "ppk": (Role.PPK_LIAISON, "PEMKAB-33.01", "33.01"),
    "ppk_other": (Role.PPK_LIAISON, "PEMKAB-33.02", "33.02"),
    "bkn": (Role.BKN, "BKN", "00"),
    "kemendagri": (Role.KEMENDAGRI, "KEMENDAGRI", "00"),
    "kemenpanrb": (Role.KEMENPANRB, "KEMENPANRB", "00"),
    "screening": (Role.SCREENING, "BKN", "00"),
    "auditor": (Role.AUDITOR, "BAWASLU-33", "33"),
    "admin": (Role.ADMIN, "BKN", "00"),
}


def make_users(prefix="wf") -> dict[str, User]:
    """One user per role (no password hashing: these users never log in)."""
    users = {}
    for key, (role, agency, region) in USERS.items():
        user = User(username=f"{prefix}_{key}", email=f"{prefix}_{key}@example.test",
                    first_name=key.replace("_", " ").title(), agency=Agency.objects.get(code=agency),
                    region=Region.objects.get(code=region))
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=role))
        users[key] = User.objects.get(pk=user.pk)  # fresh: roles cached_property unset
    return users


# The status a case came from when it reached a closed one (for the closing event that reopen reads).
CLOSED_FROM = {S.DISMISSED: S.UNDER_EXAMINATION, S.CLOSED_NOT_PROVEN: S.UNDER_REVIEW,
               S.CLOSED_SANCTIONED: S.FOLLOWED_UP, S.CLOSED_OTHER: S.AWAITING_FOLLOW_UP}
TRACK_STATUS = {S.AWAITING_FOLLOW_UP: TrackStatus.RECOMMENDED, S.OVERDUE: TrackStatus.RECOMMENDED,
                S.FOLLOWED_UP: TrackStatus.SANCTIONED, S.CLOSED_SANCTIONED: TrackStatus.SANCTIONED,
                S.CLOSED_NOT_PROVEN: TrackStatus.NOT_PROVEN, S.DISMISSED: TrackStatus.CLOSED_OTHER,
                S.CLOSED_OTHER: TrackStatus.CLOSED_OTHER}
CASE_CLOCKS = {S.RECEIVED: ["INITIAL_REVIEW"], S.REGISTERED: ["BAWASLU_DECISION"],
               S.UNDER_EXAMINATION: ["BAWASLU_DECISION"], S.FORWARDED: ["SUPERVISOR_EXAM"],
               S.UNDER_REVIEW: ["SUPERVISOR_EXAM"], S.INFO_REQUESTED: ["SUPERVISOR_EXAM", "INFO_REQUEST"]}
_n = [0]


def build_case(status, users, *, agency_code="PEMKAB-33.01", election="pemilu-2024", respondents=1,
               on: dt.date | None = None, conflict=False) -> Case:
    """A case in `status` with the rows that status implies: tracks, drafts/recommendations, sanctions, clocks."""
    on = on or timezone.localdate()
    _n[0] += 1
    agency = Agency.objects.get(code=agency_code)
    case = Case.objects.create(
        number=f"NTR-T-{status[:6]}-{_n[0]:06d}-{Case.objects.count()}", election=ElectionPeriod.objects.get(slug=election),
        region=Region.objects.get(code="33.01"), region_code="33.01",
        bawaslu_office=Agency.objects.get(code="BAWASLU-33.01"), status=status,
        title="Kepala dinas mengunggah ajakan memilih", received_at=timezone.now(),
        conflict_of_interest=conflict, conflict_reason="uji" if conflict else "")
    sanction_type = SanctionType.objects.get(code="PP94_HEAVY_DEMOTION")  # conforms to the heavy recommendation below
    for i in range(respondents):
        respondent = Respondent.objects.create(nip=make_nip(), name=f"Terlapor {_n[0]}-{i}", agency=agency, verified=True,
                                               employee_type="pns")
        track = CaseRespondent.objects.create(case=case, respondent=respondent, agency=agency,
                                              status=TRACK_STATUS.get(status, TrackStatus.OPEN))
        if track.status not in (TrackStatus.OPEN, TrackStatus.NOT_PROVEN) and status != S.DISMISSED:
            track.received_on, track.receipt_basis = on, "acknowledged"  # the PPK clock runs from receipt
            track.save()
        if status in (S.UNDER_REVIEW, S.INFO_REQUESTED) or track.status != TrackStatus.OPEN and status != S.DISMISSED:
            rec = Recommendation.objects.create(track=track, proven=True, category="disciplinary",
                                                discipline_level="heavy", drafted_by=users["drafter"])
            rec.violation_types.set(ViolationType.objects.filter(code="SOSMED_POST")[:1] or ViolationType.objects.all()[:1])
            if track.status != TrackStatus.OPEN:
                rec.approved_by, rec.approved_at = users["approver"], timezone.now()
                rec.save()
        if track.status == TrackStatus.SANCTIONED:
            SanctionRecord.objects.create(track=track, item_kind="disciplinary", item_level="heavy",
                                          sanction_type=sanction_type, decree_number=f"800/{_n[0]}/2024",
                                          decree_date=on, signer_name="Bupati", recorded_by=users["ppk"])
        if status in (S.AWAITING_FOLLOW_UP, S.OVERDUE):
            deadlines.clock_start(case, "PPK_FOLLOW_UP", on=on, track=track)
    for code in CASE_CLOCKS.get(status, []):
        deadlines.clock_start(case, code, on=on)
    if status == S.INFO_REQUESTED:
        deadlines.clock_pause(case, "SUPERVISOR_EXAM", on=on)
    if status in CLOSED_FROM:
        prior = {str(t.pk): TRACK_STATUS.get(CLOSED_FROM[status], TrackStatus.OPEN)
                 for t in case.tracks.all() if status != S.CLOSED_SANCTIONED}
        CaseEvent.objects.create(case=case, code="case.closed", from_status=CLOSED_FROM[status], to_status=status,
                                 payload={"tracks": prior})
    case.next_due = deadlines.next_due(case)
    case.save()
    return case


def snapshot(case) -> dict:
    """What a refused action must leave untouched."""
    case = Case.objects.get(pk=case.pk)
    return {
        "status": case.status,
        "events": case.events.count(),
        "clocks": list(case.clocks.order_by("id").values_list("id", "code", "state", "due_on", "paused_days")),
        "tracks": list(case.tracks.order_by("id").values_list("id", "status", "acknowledged_at", "received_on")),
        "blocks": list(DataBlock.objects.filter(track__case=case).order_by("id").values_list(
            "id", "recorded_at", "lift_requested_at", "lifted_at", "withdrawn_at")),
        "recommendations": list(Recommendation.objects.filter(track__case=case).order_by("id")
                                .values_list("id", "approved_by", "drafted_by")),
        "sanctions": list(SanctionRecord.objects.filter(track__case=case).order_by("id")
                          .values_list("id", "active", "review", "deviation")),
        "next_due": case.next_due,
    }


def open_clock_codes(case):
    return set(case.clocks.filter(state__in=[ClockState.RUNNING, ClockState.PAUSED]).values_list("code", flat=True))


def ensure_reference_data():
    """Transactional tests start from a flushed database: put reference rows and role groups back."""
    from tests.conftest import restore_reference

    restore_reference()


def block(track, users, *, recorded=True, lift_requested=False) -> DataBlock:
    """A block cycle of the track as the actions leave it: requested by the approver, recorded by BKN, and (when
    asked) with a request to lift it on BKN's desk."""
    now = timezone.now()
    return DataBlock.objects.create(
        track=track, requested_by=users["approver"], request_reason="PPK tidak menindaklanjuti",
        recorded_at=now if recorded else None, recorded_by=users["bkn"] if recorded else None,
        lift_requested_at=now if lift_requested else None, lift_requested_by=users["approver"] if lift_requested else None,
        lift_reason="Terlapor pensiun" if lift_requested else "")
