"""The life of a case: one TRANSITIONS table and one service function per action.

Every action runs in one transaction: lock the case row, check the role (ActionNotAllowed → 403) and the
status (InvalidTransition → 409), write the change and exactly one CaseEvent, start/stop the statutory
clocks, and leave side effects (notifications, e-mails, letters via EVENT_HOOKS) to the commit.
Scope (a case the user may not see → 404) is the caller's job, through cases.selectors.
"""
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import deadlines
from cases.models import (
    ACTIVE_BLOCK, NONE_SET, AgencyKind, DataBlock, EscalationStep, GakkumduReferral, ReceiptBasis, Case, CaseEvent, CaseRespondent, CaseStatus, ClockState, DecisionReview, Deviation,
    EmployeeRegime, Note, Recommendation, Respondent, Role, SanctionCategory, SanctionRecord, SanctionType,
    SupervisoryBody, TrackStatus, ViolationType,
)
from cases.models.people import EmployeeType
from cases.models.case import today as local_today
from cases.nip import normalise_nip, parse_nip
from cases.permissions import may_act
from cases.services import event_record, notify, responsible_users, system_language

S = CaseStatus


class InvalidTransition(Exception):
    """The action does not apply to the case's current status (HTTP 409); nothing was changed."""

    def __init__(self, message, *, action=None, status=None):
        super().__init__(message)
        self.message, self.action, self.status = str(message), action, status


class ActionNotAllowed(Exception):
    """The user sees the case but may not take this action (HTTP 403); nothing was changed."""

    def __init__(self, message, *, action=None):
        super().__init__(message)
        self.message, self.action = str(message), action


class StaleCase(Exception):
    """The case moved on (another action was taken) since the page or representation the actor acted from; nothing
    was changed. `event` is that latest action: what changed, by whom, when."""

    def __init__(self, event):
        super().__init__(getattr(event, "code", ""))
        self.event = event


class Action(models.TextChoices):
    REGISTER = "register", gettext_lazy("Registrasi")
    ASSIGN = "assign", gettext_lazy("Tetapkan petugas")
    EXTEND_DECISION = "extend_decision", gettext_lazy("Perpanjang batas putusan (keterangan tambahan)")
    START_EXAMINATION = "start_examination", gettext_lazy("Mulai klarifikasi dan kajian")
    FORWARD = "forward", gettext_lazy("Teruskan ke lembaga pengawas")
    DISMISS = "dismiss", gettext_lazy("Hentikan")
    START_REVIEW = "start_review", gettext_lazy("Mulai pemeriksaan")
    REQUEST_INFORMATION = "request_information", gettext_lazy("Minta keterangan tambahan")
    RECEIVE_INFORMATION = "receive_information", gettext_lazy("Terima keterangan tambahan")
    DRAFT_RECOMMENDATION = "draft_recommendation", gettext_lazy("Susun draf rekomendasi")
    ISSUE_RECOMMENDATION = "issue_recommendation", gettext_lazy("Setujui dan terbitkan rekomendasi")
    RECORD_NOT_PROVEN = "record_not_proven", gettext_lazy("Nyatakan tidak terbukti")
    ACKNOWLEDGE = "acknowledge", gettext_lazy("Konfirmasi penerimaan rekomendasi")
    RECORD_DELIVERY = "record_delivery", gettext_lazy("Catat pengiriman rekomendasi (dengan bukti)")
    PRESUME_RECEIPT = "presume_receipt", gettext_lazy("Anggap rekomendasi diterima")
    RECORD_SANCTION = "record_sanction", gettext_lazy("Catat keputusan sanksi")
    ACCEPT_DECISION = "accept_decision", gettext_lazy("Terima keputusan yang tidak sesuai rekomendasi")
    RETURN_DECISION = "return_decision", gettext_lazy("Kembalikan keputusan kepada PPK")
    MARK_OVERDUE = "mark_overdue", gettext_lazy("Tandai terlambat")
    SEND_REMINDER = "send_reminder", gettext_lazy("Kirim surat pengingat")
    REQUEST_BLOCK = "request_block", gettext_lazy("Minta pemblokiran data ke BKN")
    RECORD_BLOCK = "record_block", gettext_lazy("Catat pemblokiran data")
    REQUEST_UNBLOCK = "request_unblock", gettext_lazy("Putuskan buka blokir data (lembaga pengawas)")
    UNBLOCK = "unblock", gettext_lazy("Buka blokir data")
    ESCALATE = "escalate", gettext_lazy("Eskalasi ke KemenPAN-RB / Kemendagri")
    RECORD_PPK_WARNING = "record_ppk_warning", gettext_lazy("Catat teguran kepada PPK")
    REPORT_TO_PRESIDENT = "report_to_president", gettext_lazy("Laporkan kepada Presiden")
    CLOSE_SANCTIONED = "close_sanctioned", gettext_lazy("Tutup: sanksi dijatuhkan")
    CLOSE_OTHER = "close_other", gettext_lazy("Tutup: alasan lain")
    REOPEN = "reopen", gettext_lazy("Buka kembali")
    REFER_GAKKUMDU = "refer_gakkumdu", gettext_lazy("Catat penerusan ke Gakkumdu (tindak pidana)")


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str | None  # None: the status stays
    roles: tuple  # empty: only the system (deadline sweep) takes it
    code: str  # the dotted CaseEvent code


def T(sources, target, roles, code):
    return Transition(frozenset(sources), target, tuple(roles), code)


OPEN = set(S.values) - S.closed()
PPK_STAGE = {S.AWAITING_FOLLOW_UP, S.OVERDUE}
B, AN, AP, PPK, BKN = Role.BAWASLU, Role.ANALYST, Role.APPROVER, Role.PPK_LIAISON, Role.BKN

TRANSITIONS = {
    # action                 from statuses                                   to status              who may      event code
    Action.REGISTER:             T({S.RECEIVED},                              S.REGISTERED,          [B],         "case.registered"),
    Action.ASSIGN:               T(OPEN,                                      None,                  [B, AP, Role.ADMIN], "case.assigned"),
    Action.EXTEND_DECISION:      T({S.REGISTERED, S.UNDER_EXAMINATION},       None,                  [B],         "case.decision.extended"),
    Action.START_EXAMINATION:    T({S.REGISTERED},                            S.UNDER_EXAMINATION,   [B],         "case.examination.started"),
    # Bawaslu may forward straight after the initial review, without registering (Perbawaslu 7/2022 Pasal 22).
    Action.FORWARD:              T({S.RECEIVED, S.UNDER_EXAMINATION},         S.FORWARDED,           [B],         "case.forwarded"),
    Action.DISMISS:              T({S.RECEIVED, S.REGISTERED, S.UNDER_EXAMINATION}, S.DISMISSED,     [B],         "case.dismissed"),
    Action.START_REVIEW:         T({S.FORWARDED},                             S.UNDER_REVIEW,        [AN, AP],    "case.review.started"),
    Action.REQUEST_INFORMATION:  T({S.UNDER_REVIEW},                          S.INFO_REQUESTED,      [AN],        "case.information.requested"),
    Action.RECEIVE_INFORMATION:  T({S.INFO_REQUESTED},                        S.UNDER_REVIEW,        [AN],        "case.information.received"),
    Action.DRAFT_RECOMMENDATION: T({S.UNDER_REVIEW},                          None,                  [AN],        "case.recommendation.drafted"),
    # Four-eyes: the approver who signs may not be the analyst who drafted.
    Action.ISSUE_RECOMMENDATION: T({S.UNDER_REVIEW},                          S.AWAITING_FOLLOW_UP,  [AP],        "case.recommendation.issued"),
    Action.RECORD_NOT_PROVEN:    T({S.UNDER_REVIEW},                          S.CLOSED_NOT_PROVEN,   [AP],        "case.closed"),
    # The PPK clock starts at receipt: the liaison's acknowledgement, a delivery date with proof recorded by the
    # sender, or (the sweep) the presumed-receipt rule PPK_RECEIPT, whichever comes first.
    Action.ACKNOWLEDGE:          T(PPK_STAGE,                                 None,                  [PPK],       "case.recommendation.acknowledged"),
    Action.RECORD_DELIVERY:      T(PPK_STAGE,                                 None,                  [AN, AP],    "case.recommendation.delivered"),
    Action.PRESUME_RECEIPT:      T(PPK_STAGE,                                 None,                  [],          "case.recommendation.presumed_received"),
    # One decision per recommended item; moves to followed_up once every item of every respondent has one.
    Action.RECORD_SANCTION:      T(PPK_STAGE,                                 S.FOLLOWED_UP,         [PPK],       "case.sanction.recorded"),
    # A decision "tidak sesuai rekomendasi" waits for the supervisory body: accepted with a reason, or returned
    # (the respondent's track reopens, the case goes back to awaiting_follow_up from followed_up).
    Action.ACCEPT_DECISION:      T(PPK_STAGE | {S.FOLLOWED_UP},               None,                  [AP],        "case.decision.accepted"),
    Action.RETURN_DECISION:      T(PPK_STAGE | {S.FOLLOWED_UP},               S.AWAITING_FOLLOW_UP,  [AP],        "case.decision.returned"),
    Action.MARK_OVERDUE:         T({S.AWAITING_FOLLOW_UP},                    S.OVERDUE,             [],          "case.overdue"),
    Action.SEND_REMINDER:        T(PPK_STAGE,                                 None,                  [AP],        "case.reminder.sent"),
    Action.REQUEST_BLOCK:        T({S.OVERDUE},                               None,                  [AP],        "case.block.requested"),
    Action.RECORD_BLOCK:         T({S.OVERDUE},                               None,                  [BKN],       "case.block.recorded"),
    # BKN lifts a block on a request to lift it (DataBlock.lift_requested_at), made by whoever ends the reason for it:
    # the PPK recording a conforming decision, the supervisory body accepting a non-conforming one or deciding to
    # lift, or closing the case (any reason); the request stays on BKN's desk after the case closed.
    Action.REQUEST_UNBLOCK:      T(PPK_STAGE | {S.FOLLOWED_UP},               None,                  [AP],        "case.unblock.requested"),
    Action.UNBLOCK:              T(PPK_STAGE | {S.FOLLOWED_UP, S.CLOSED_OTHER, S.CLOSED_SANCTIONED}, None, [BKN], "case.unblocked"),
    # Conflict of interest (the PPK is the respondent, sits with them, or is a candidate): the escalation
    # goes to KemenPAN-RB / Kemendagri directly, already from awaiting_follow_up (see DIRECT_ESCALATION_FROM).
    Action.ESCALATE:             T({S.OVERDUE},                               None,                  [AP],        "case.escalated"),
    Action.RECORD_PPK_WARNING:   T(PPK_STAGE,                                 None,                  [Role.KEMENPANRB, Role.KEMENDAGRI], "case.ppk.warned"),
    Action.REPORT_TO_PRESIDENT:  T({S.OVERDUE},                               None,                  [AP],        "case.reported_to_president"),
    Action.CLOSE_SANCTIONED:     T({S.FOLLOWED_UP},                           S.CLOSED_SANCTIONED,   [AP],        "case.closed"),
    Action.CLOSE_OTHER:          T({S.FORWARDED, S.UNDER_REVIEW, S.INFO_REQUESTED} | PPK_STAGE | {S.FOLLOWED_UP},
                                                                              S.CLOSED_OTHER,        [AP],        "case.closed"),
    # Back to the status the case had before it closed (read from the closing event), by the institution that
    # closed it: Bawaslu for its dismissals, the supervisory body for its own closures (REOPEN_OWNER).
    Action.REOPEN:               T(S.closed(),                                None,                  [B, AP],     "case.reopened"),
    # The criminal track runs in parallel (UU 7/2017 Pasal 494; UU 1/2015 Pasal 188): recorded, status unchanged.
    Action.REFER_GAKKUMDU:       T(OPEN,                                      None,                  [B, AP],     "case.gakkumdu.referred"),
}
DIRECT_ESCALATION_FROM = {S.AWAITING_FOLLOW_UP}
REOPEN_OWNER = {S.DISMISSED: (B,), S.CLOSED_NOT_PROVEN: (AP,), S.CLOSED_SANCTIONED: (AP,), S.CLOSED_OTHER: (AP,)}


def _block_q(**kw):
    """A respondent's track has a block in force (matching kw)."""
    return models.Exists(DataBlock.objects.filter(ACTIVE_BLOCK, track=models.OuterRef("pk"), **kw))


SUBJECT_NEEDED = {
    Action.ACKNOWLEDGE: models.Q(status=TrackStatus.RECOMMENDED, acknowledged_at__isnull=True),
    Action.RECORD_DELIVERY: models.Q(status=TrackStatus.RECOMMENDED, received_on__isnull=True),
    Action.ACCEPT_DECISION: models.Q(decisions__active=True, decisions__review=DecisionReview.PENDING),
    Action.RETURN_DECISION: models.Q(decisions__active=True, decisions__review=DecisionReview.PENDING),
    Action.REQUEST_BLOCK: models.Q(status=TrackStatus.RECOMMENDED) & ~_block_q(),
    Action.RECORD_BLOCK: _block_q(recorded_at__isnull=True),
    Action.REQUEST_UNBLOCK: _block_q(recorded_at__isnull=False, lift_requested_at__isnull=True),
    Action.UNBLOCK: _block_q(recorded_at__isnull=False, lift_requested_at__isnull=False),
}
SUBJECT_FORBIDDEN = {
    Action.CLOSE_SANCTIONED: models.Q(decisions__active=True, decisions__review=DecisionReview.PENDING),
}
ESCALATION_TARGET = {AgencyKind.CENTRAL: "KEMENPANRB", AgencyKind.REGIONAL: "KEMENDAGRI"}
MINISTRY_ROLE_KIND = {Role.KEMENPANRB: AgencyKind.CENTRAL, Role.KEMENDAGRI: AgencyKind.REGIONAL}

# The clock each status waits on, restarted when a case is reopened into it.
STATUS_CLOCK = {S.RECEIVED: "INITIAL_REVIEW", S.REGISTERED: "BAWASLU_DECISION", S.UNDER_EXAMINATION: "BAWASLU_DECISION",
                S.FORWARDED: "SUPERVISOR_EXAM", S.UNDER_REVIEW: "SUPERVISOR_EXAM", S.INFO_REQUESTED: "INFO_REQUEST"}
DECISION_CLOCKS = ["INITIAL_REVIEW", "BAWASLU_DECISION", "BAWASLU_DECISION_EXT"]
PPK_CLOCKS = ["PPK_RECEIPT", "PPK_FOLLOW_UP", "REMINDER_RESPONSE"]
# The clocks of the ladder's later steps run for the case until the PPK has decided (or the case closes).
ESCALATION_CLOCKS = ["MINISTRY_WARNING", "WARNING_RESPONSE"]
# Steps whose clock runs per respondent (the reminder's answer, BKN recording each block): started by the step itself.
PER_TRACK_STEPS = {Action.SEND_REMINDER, Action.REQUEST_BLOCK}


def allowed_actions(user, case) -> list[str]:
    """Actions this user may take on the case now (for buttons; the service functions check again)."""
    return [a for a, t in TRANSITIONS.items()
            if t.roles and _status_allows(a, case) and may_act(user, case, t.roles) and _has_subject(a, case)
            and ACTION_ALSO.get(a, _anyone)(user, case)]


def _anyone(user, case) -> bool:
    return True


def _has_subject(action, case) -> bool:
    """Actions that need something on a respondent's track are offered only when it is there, and those a track's
    state forbids only when it is not (a button that could only fail is not shown); the service functions check
    again under the lock."""
    need, forbidden = SUBJECT_NEEDED.get(action), SUBJECT_FORBIDDEN.get(action)
    return ((need is None or case.tracks.filter(need).exists())
            and (forbidden is None or not case.tracks.filter(forbidden).exists()))


def _status_allows(action, case) -> bool:
    if case.status in TRANSITIONS[action].sources:
        return True
    return action == Action.ESCALATE and case.conflict_of_interest and case.status in DIRECT_ESCALATION_FROM


# --- opening a case -------------------------------------------------------------------------------------------

def _next_case_id() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence('cases_case', 'id'))")
        return cur.fetchone()[0]


def case_open(*, actor, election, region, title, description="", occurred_on=None, place="", is_finding=False,
              social_media=False, respondents=(), bawaslu_office=None, received_at=None, register=True,
              search_text="", stage=None) -> Case:
    """Create a case (status received), its respondents' tracks, and optionally register it.

    respondents: dicts {"nip": str | None, "name", "position", "agency": Agency}; an unknown or missing NIP
    gives an unverified respondent instead of a refusal.
    """
    received_at = received_at or timezone.now()
    with transaction.atomic():
        pk = _next_case_id()
        case = Case.objects.create(
            pk=pk, number=f"NTR-{timezone.localtime(received_at).year}-{pk:06d}", election=election, stage=stage,
            region=region,
            region_code=region.code, bawaslu_office=bawaslu_office or _actor_bawaslu_office(actor),
            title=title, description=description, occurred_on=occurred_on, place=place, is_finding=is_finding,
            social_media=social_media, received_at=received_at, status=S.RECEIVED)
        for spec in respondents:
            _add_track(case, **spec)
        _refresh_conflict(case)
        case.search_document = _search_document(case, search_text)
        deadlines.clock_start(case, "INITIAL_REVIEW", on=timezone.localdate(received_at))
        case.next_due = deadlines.next_due(case)
        case.save()
        event_record(case=case, actor=actor, code="case.received", to_status=S.RECEIVED,
                     payload={"respondents": case.tracks.count(), "finding": is_finding})
        if register:
            case = case_register(actor=actor, case=case)
    return case


def _actor_bawaslu_office(actor):
    agency = getattr(actor, "agency", None)
    return agency if agency is not None and agency.kind == AgencyKind.BAWASLU_OFFICE else None


def may_add_respondent(actor, case) -> bool:
    """Who may add a respondent to a case: its Bawaslu office, the supervisory body's analysts and approvers, admins."""
    return may_act(actor, case, (B, AN, AP, Role.ADMIN))


def case_add_respondent(*, actor, case, nip=None, name, position="", agency) -> CaseRespondent:
    """Add a respondent to an open case (an event `case.respondent.added`, no status change)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not may_add_respondent(actor, case):
            raise ActionNotAllowed(_("Anda tidak berwenang menambah terlapor pada perkara ini."), action="add_respondent")
        if case.is_closed:
            raise InvalidTransition(_("Perkara %(n)s sudah ditutup: terlapor tidak dapat ditambahkan.") % {"n": case.number},
                                    action="add_respondent", status=case.status)
        track = _add_track(case, nip=nip, name=name, position=position, agency=agency)
        _refresh_conflict(case)
        case.save(update_fields=["conflict_of_interest", "conflict_reason", "updated_at"])
        case_append_search_text(case, " ".join(filter(None, [track.respondent.name, track.respondent.nip, agency.name])))
        event_record(case=case, actor=actor, code="case.respondent.added", action="add_respondent",
                     payload={"track": track.pk, "respondent": track.respondent_id, "nip": track.respondent.nip,
                              "verified": track.respondent.verified})
    return track


def _respondent_for(nip, name, position, agency) -> Respondent:
    nip = normalise_nip(nip) if nip else ""
    if not nip:
        return Respondent.objects.create(name=name, position=position, agency=agency, verified=False)
    try:
        parse_nip(nip)
    except ValidationError as err:
        raise ValidationError({"nip": err.messages})
    respondent, _created = Respondent.objects.get_or_create(
        nip=nip, defaults={"name": name, "position": position, "agency": agency, "verified": False})
    return respondent


def _add_track(case, *, nip=None, name, position="", agency, **_ignored) -> CaseRespondent:
    respondent = _respondent_for(nip, name, position, agency)
    track, _created = CaseRespondent.objects.get_or_create(
        case=case, respondent=respondent, defaults={"agency": agency, "position_at_time": position})
    return track


def _refresh_conflict(case):
    """Flag a conflict of interest: respondent is the PPK or sits in the PPK's office, or the PPK is a candidate."""
    reasons = []
    for track in case.tracks.select_related("respondent", "agency"):
        who = track.respondent.name
        if track.respondent.is_ppk:
            reasons.append(_("%(who)s adalah PPK instansinya") % {"who": who})
        elif track.respondent.in_ppk_office:
            reasons.append(_("%(who)s bertugas di kantor PPK") % {"who": who})
        if track.agency.ppk_is_candidate:
            reasons.append(_("PPK %(agency)s menjadi calon dalam pemilihan") % {"agency": track.agency.short_name or track.agency.name})
    case.conflict_of_interest = bool(reasons)
    case.conflict_reason = "; ".join(dict.fromkeys(reasons))[:300]


def _search_document(case, extra="") -> str:
    parts = [case.number, case.title, case.description, case.place, extra]
    for track in case.tracks.select_related("respondent", "agency"):
        parts += [track.respondent.name, track.respondent.nip or "", track.position_at_time, track.agency.name]
    return " ".join(p for p in parts if p)


def case_append_search_text(case, text: str) -> None:
    """Append words (e.g. a merged report's text) to the case's search document, in one UPDATE."""
    if text:
        Case.objects.filter(pk=case.pk).update(search_document=Concat(F("search_document"), Value(" " + text)))


# --- the transition machinery ---------------------------------------------------------------------------------

def _begin(action, actor, case, *, also=None) -> Case:
    """Lock the case, then check role (403; `also` adds a rule about this case) and status (409)."""
    spec = TRANSITIONS[action]
    locked = Case.objects.select_for_update(of=("self",)).select_related("election").get(pk=case.pk)
    if not spec.roles:
        if actor is not None:
            raise ActionNotAllowed(_("Tindakan \u201c%(a)s\u201d hanya dijalankan oleh sistem.") % {"a": Action(action).label},
                                   action=action)
    elif actor is None or not may_act(actor, locked, spec.roles) or (also and not also(actor, locked)):
        raise ActionNotAllowed(_("Anda tidak berwenang melakukan \u201c%(a)s\u201d pada perkara %(n)s.")
                               % {"a": Action(action).label, "n": locked.number}, action=action)
    if not _status_allows(action, locked):
        raise InvalidTransition(
            _("\u201c%(a)s\u201d tidak dapat dilakukan pada perkara berstatus \u201c%(s)s\u201d.")
            % {"a": Action(action).label, "s": locked.get_status_display()}, action=action, status=locked.status)
    return locked


def _refuse(message, action, case):
    raise InvalidTransition(message, action=action, status=case.status)


_TABLE = object()


def _finish(case, action, actor, *, to=_TABLE, reason="", payload=None) -> CaseEvent:
    """Write the status (the table's target unless `to` says otherwise; None stays), next_due and one event."""
    spec = TRANSITIONS[action]
    from_status = case.status
    if to is _TABLE:
        to = spec.target
    if to is not None:
        case.status = to
    case.next_due = deadlines.next_due(case)
    case.save()
    return event_record(case=case, actor=actor, code=spec.code, action=action, from_status=from_status,
                        to_status=case.status, reason=reason, payload=payload or {})


def _require_reason(reason, action, field="reason"):
    if not (reason or "").strip():
        raise ValidationError({field: _("Alasan wajib diisi untuk \u201c%(a)s\u201d.") % {"a": Action(action).label}})
    return reason.strip()


def _track(case, track, action):
    """The track named by the caller, or the case's only open track."""
    if track is None:
        tracks = list(case.tracks.all())
        if len(tracks) != 1:
            raise ValidationError({"track": _("Pilih terlapor: perkara ini memiliki %(n)d terlapor.") % {"n": len(tracks)}})
        return tracks[0]
    track_id = getattr(track, "pk", track)
    try:
        return case.tracks.select_related("respondent", "agency").get(pk=track_id)
    except (CaseRespondent.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"track": _("Terlapor tidak termasuk dalam perkara ini.")})


def _today(on):
    return on or local_today()


# --- Bawaslu --------------------------------------------------------------------------------------------------

def case_register(*, actor, case, on: dt.date | None = None) -> Case:
    """Register the report: the decision clock starts (from registration in Pemilu, from receipt in Pilkada)."""
    with transaction.atomic():
        case = _begin(Action.REGISTER, actor, case)
        on = _today(on)
        case.registered_at = timezone.now()
        deadlines.clock_stop(case, ["INITIAL_REVIEW"], on=on)
        _start_decision_clock(case, "BAWASLU_DECISION", on)
        _finish(case, Action.REGISTER, actor)
    return case


def _start_decision_clock(case, code, on):
    rule = deadlines.rule_for(case, code, on)
    if rule is None:
        return None
    start = timezone.localdate(case.received_at) if rule.start_event == "report_received" else (
        timezone.localdate(case.registered_at) if case.registered_at else on)
    return deadlines.clock_start(case, code, on=start)


def case_assign(*, actor, case, officer, reason="") -> Case:
    """Assign (or reassign) the Bawaslu or supervisory officer who owns the case; taking a case from its officer
    needs a reason, kept on the event and as a note on the case."""
    with transaction.atomic():
        case = _begin(Action.ASSIGN, actor, case)
        if officer.has_role(Role.BAWASLU):
            field = "bawaslu_owner"
            if not officer.region_id or not officer.region.covers(case.region_code):
                raise ValidationError({"officer": _("Petugas Bawaslu harus dari wilayah perkara ini.")})
        elif officer.has_role(Role.ANALYST, Role.APPROVER):
            field = "supervisor_owner"
        else:
            raise ValidationError({"officer": _("Petugas harus petugas Bawaslu atau analis/penyetuju lembaga pengawas.")})
        previous = getattr(case, f"{field}_id")
        reason = (reason or "").strip()
        if previous and previous != officer.pk and not reason:
            raise ValidationError({"reason": _("Alasan pengalihan wajib diisi bila perkara sudah punya petugas.")})
        setattr(case, field, officer)
        _finish(case, Action.ASSIGN, actor, reason=reason, payload={"field": field, "from": previous, "to": officer.pk})
        if reason:
            Note.objects.create(case=case, author=actor,
                                body=_("Dialihkan kepada %(who)s: %(why)s") % {"who": officer.username, "why": reason})
        notify(users=[officer], case=case, kind="assigned",
               message=gettext_lazy("Anda ditetapkan menangani perkara %(n)s."), params={"n": case.number})
    return case


def case_extend_decision(*, actor, case, reason="", on=None) -> Case:
    """More information needed: the decision clock becomes the extended one, same start (not 7 + 14)."""
    with transaction.atomic():
        case = _begin(Action.EXTEND_DECISION, actor, case)
        reason = _require_reason(reason, Action.EXTEND_DECISION)
        if deadlines.open_clocks(case, ["BAWASLU_DECISION_EXT"]).exists():
            _refuse(_("Batas putusan sudah diperpanjang."), Action.EXTEND_DECISION, case)
        old = deadlines.clock_stop(case, ["BAWASLU_DECISION"], on=_today(on), state=ClockState.STOPPED)
        start = old[0].started_on if old else _today(on)
        clock = deadlines.clock_start(case, "BAWASLU_DECISION_EXT", on=start)
        _finish(case, Action.EXTEND_DECISION, actor, reason=reason, payload={"due": clock.due_on if clock else None})
    return case


def case_start_examination(*, actor, case) -> Case:
    with transaction.atomic():
        case = _begin(Action.START_EXAMINATION, actor, case)
        _finish(case, Action.START_EXAMINATION, actor)
    return case


def case_forward(*, actor, case, conclusion="", on=None) -> Case:
    """Forward to the supervisory body in force (also straight from received, without registration)."""
    with transaction.atomic():
        case = _begin(Action.FORWARD, actor, case)
        on = _today(on)
        body = SupervisoryBody.in_force(on)
        direct = case.status == S.RECEIVED
        case.forwarded_at = timezone.now()
        deadlines.clock_stop(case, DECISION_CLOCKS, on=on)
        deadlines.clock_start(case, "SUPERVISOR_EXAM", on=on)
        _finish(case, Action.FORWARD, actor, reason=conclusion,
                payload={"direct": direct, "supervisory_body": body.code if body else None})
        notify(users=responsible_users(case, "supervisor"), case=case, kind="forwarded",
               message=gettext_lazy("Perkara %(n)s diteruskan kepada lembaga pengawas."), params={"n": case.number})
    return case


def case_dismiss(*, actor, case, reason="", on=None) -> Case:
    with transaction.atomic():
        case = _begin(Action.DISMISS, actor, case)
        reason = _require_reason(reason, Action.DISMISS)
        on = _today(on)
        deadlines.clock_stop(case, DECISION_CLOCKS, on=on)
        deadlines.clock_stop_all(case, on=on)
        prior = _close_tracks(case, TrackStatus.CLOSED_OTHER)
        case.closed_at, case.close_reason = timezone.now(), reason[:200]
        _finish(case, Action.DISMISS, actor, to=S.DISMISSED, reason=reason, payload={"tracks": prior})
    return case


# --- supervisory body -----------------------------------------------------------------------------------------

def case_start_review(*, actor, case) -> Case:
    with transaction.atomic():
        case = _begin(Action.START_REVIEW, actor, case)
        if case.supervisor_owner_id is None:
            case.supervisor_owner = actor
        _finish(case, Action.START_REVIEW, actor, to=S.UNDER_REVIEW)
    return case


def case_request_information(*, actor, case, addressee="", questions="", on=None) -> Case:
    """Ask for documents or clarification: the examination clock pauses and an answer clock starts."""
    with transaction.atomic():
        case = _begin(Action.REQUEST_INFORMATION, actor, case)
        questions = _require_reason(questions, Action.REQUEST_INFORMATION, field="questions")
        on = _today(on)
        deadlines.clock_pause(case, "SUPERVISOR_EXAM", on=on)
        deadlines.clock_start(case, "INFO_REQUEST", on=on)
        _finish(case, Action.REQUEST_INFORMATION, actor, to=S.INFO_REQUESTED, reason=questions,
                payload={"addressee": addressee})
    return case


def case_receive_information(*, actor, case, summary="", on=None) -> Case:
    with transaction.atomic():
        case = _begin(Action.RECEIVE_INFORMATION, actor, case)
        on = _today(on)
        deadlines.clock_stop(case, ["INFO_REQUEST"], on=on)
        deadlines.clock_resume(case, "SUPERVISOR_EXAM", on=on)
        _finish(case, Action.RECEIVE_INFORMATION, actor, to=S.UNDER_REVIEW, reason=summary)
    return case


def case_draft_recommendation(*, actor, case, track=None, proven=True, violation_types=(), category="",
                              moral_level="", discipline_level="", reasoning="") -> Recommendation:
    """The analyst's draft for one respondent (redrafting replaces an unsigned draft)."""
    with transaction.atomic():
        case = _begin(Action.DRAFT_RECOMMENDATION, actor, case)
        track = _track(case, track, Action.DRAFT_RECOMMENDATION)
        if track.status != TrackStatus.OPEN:
            _refuse(_("Rekomendasi untuk %(who)s sudah diterbitkan.") % {"who": track.respondent.name},
                    Action.DRAFT_RECOMMENDATION, case)
        types = _check_recommendation(proven, violation_types, category, moral_level, discipline_level)
        rec, _created = Recommendation.objects.update_or_create(track=track, defaults={
            "proven": proven, "category": category if proven else "", "moral_level": moral_level if proven else "",
            "discipline_level": discipline_level if proven else "", "reasoning": reasoning, "drafted_by": actor,
            "drafted_at": timezone.now(), "approved_by": None, "approved_at": None})
        rec.violation_types.set(types)
        _finish(case, Action.DRAFT_RECOMMENDATION, actor, payload={
            "track": track.pk, "proven": proven, "category": rec.category,
            "violation_types": [v.code for v in types]})
        notify(users=responsible_users(case, "approver"), case=case, kind="recommendation_drafted",
               message=gettext_lazy("Draf rekomendasi perkara %(n)s menunggu persetujuan."), params={"n": case.number})
    return rec


def _check_recommendation(proven, violation_types, category, moral_level, discipline_level):
    if not proven:
        return []
    codes = [getattr(v, "code", v) for v in violation_types]
    types = list(ViolationType.objects.filter(code__in=codes))
    errors = {}
    if not types or len(types) != len(set(codes)):
        errors["violation_types"] = _("Pilih sedikitnya satu jenis pelanggaran dari katalog SKB.")
    if category not in SanctionCategory.values:
        errors["category"] = _("Kategori sanksi harus moral, disiplin, atau keduanya.")
    if category in (SanctionCategory.MORAL, SanctionCategory.BOTH) and moral_level not in ("closed", "open"):
        errors["moral_level"] = _("Sanksi moral harus pernyataan tertutup atau terbuka (PP 42/2004 Pasal 15).")
    disciplinary = category in (SanctionCategory.DISCIPLINARY, SanctionCategory.BOTH)
    if disciplinary and discipline_level not in ("light", "moderate", "heavy", "ptdh", NONE_SET):
        errors["discipline_level"] = _("Tingkat hukuman disiplin harus ringan, sedang, berat, PTDH, atau \u201ctidak "
                                       "ada tingkat hukuman\u201d (PP 94/2021 Pasal 8).")
    elif disciplinary and discipline_level != NONE_SET and types and \
            all(t.discipline_default == NONE_SET for t in types):
        errors["discipline_level"] = _("%(v)s: PP 94/2021 tidak menetapkan tingkat hukuman disiplin untuk perbuatan "
                                       "ini (tidak tercantum di Pasal 12\u201314); pilih \u201ctidak ada tingkat "
                                       "hukuman\u201d.") % {"v": ", ".join(t.name_id for t in types)}
    if errors:
        raise ValidationError(errors)
    return types


def _drafts(case, action, actor):
    tracks = list(case.tracks.filter(status=TrackStatus.OPEN).select_related("respondent"))
    missing = [t.respondent.name for t in tracks if not Recommendation.objects.filter(track=t).exists()]
    if missing:
        _refuse(_("Draf rekomendasi belum ada untuk: %(who)s.") % {"who": ", ".join(missing)}, action, case)
    recs = [t.recommendation for t in tracks]
    if any(r.drafted_by_id == actor.pk for r in recs):
        raise ActionNotAllowed(_("Prinsip empat mata: penyetuju tidak boleh menyetujui draf yang disusunnya sendiri."),
                               action=action)
    return tracks, recs


def case_issue_recommendation(*, actor, case, on=None) -> Case:
    """Approve every respondent's draft; proven ones start the PPK follow-up clock per respondent."""
    with transaction.atomic():
        case = _begin(Action.ISSUE_RECOMMENDATION, actor, case)
        on = _today(on)
        tracks, recs = _drafts(case, Action.ISSUE_RECOMMENDATION, actor)
        if not any(r.proven for r in recs):
            _refuse(_("Tidak ada terlapor yang terbukti: gunakan \u201cNyatakan tidak terbukti\u201d."),
                    Action.ISSUE_RECOMMENDATION, case)
        body = SupervisoryBody.in_force(on)
        for track, rec in zip(tracks, recs):
            rec.approved_by, rec.approved_at, rec.supervisory_body = actor, timezone.now(), body
            rec.save(update_fields=["approved_by", "approved_at", "supervisory_body"])
            track.status = TrackStatus.RECOMMENDED if rec.proven else TrackStatus.NOT_PROVEN
            track.save(update_fields=["status"])
            if rec.proven:  # the follow-up clock waits for receipt (case_acknowledge, case_record_delivery, sweep)
                deadlines.clock_start(case, "PPK_RECEIPT", on=on, track=track)
        deadlines.clock_stop(case, ["SUPERVISOR_EXAM", "INFO_REQUEST"], on=on)
        case.recommended_at = timezone.now()
        _finish(case, Action.ISSUE_RECOMMENDATION, actor, to=S.AWAITING_FOLLOW_UP, payload={
            "supervisory_body": body.code if body else None,
            "tracks": {t.pk: {"proven": r.proven, "sanction": r.sanction_text()} for t, r in zip(tracks, recs)}})
        message = gettext_lazy("Rekomendasi perkara %(n)s diterbitkan: mohon tindak lanjut.")
        proven = [t for t, r in zip(tracks, recs) if r.proven]
        for party in ("ppk", "bawaslu"):
            notify(users=responsible_users(case, party, tracks=proven), case=case, kind="recommendation_issued",
                   message=message, params={"n": case.number})
    return case


def case_record_not_proven(*, actor, case, reason="", on=None) -> Case:
    with transaction.atomic():
        case = _begin(Action.RECORD_NOT_PROVEN, actor, case)
        reason = _require_reason(reason, Action.RECORD_NOT_PROVEN)
        on = _today(on)
        if case.tracks.filter(recommendation__drafted_by=actor).exists():
            raise ActionNotAllowed(_("Prinsip empat mata: penyetuju tidak boleh menyetujui draf yang disusunnya sendiri."),
                                   action=Action.RECORD_NOT_PROVEN)
        deadlines.clock_stop(case, ["SUPERVISOR_EXAM", "INFO_REQUEST"], on=on)
        deadlines.clock_stop_all(case, on=on)
        prior = _close_tracks(case, TrackStatus.NOT_PROVEN)
        case.closed_at, case.close_reason = timezone.now(), reason[:200]
        _finish(case, Action.RECORD_NOT_PROVEN, actor, to=S.CLOSED_NOT_PROVEN, reason=reason,
                payload={"outcome": S.CLOSED_NOT_PROVEN, "tracks": prior})
        notify(users=responsible_users(case, "bawaslu"), case=case, kind="closed",
               message=gettext_lazy("Perkara %(n)s dinyatakan tidak terbukti."), params={"n": case.number})
    return case


# --- PPK follow-up --------------------------------------------------------------------------------------------

def _liaison_track(case, track, actor, action):
    track = _track(case, track, action)
    if actor.agency_id != track.agency_id:
        raise ActionNotAllowed(_("Terlapor yang dipilih bukan pegawai instansi Anda."), action=action)
    if track.status != TrackStatus.RECOMMENDED:
        _refuse(_("Tidak ada rekomendasi yang menunggu tindak lanjut untuk %(who)s.") % {"who": track.respondent.name},
                action, case)
    return track


def case_acknowledge(*, actor, case, track=None, received_on=None) -> Case:
    """The liaison confirms receipt (on `received_on`, default today); the PPK clock starts then unless the
    recommendation already counted as received (delivery proof or presumption)."""
    with transaction.atomic():
        case = _begin(Action.ACKNOWLEDGE, actor, case)
        track = _liaison_track(case, track, actor, Action.ACKNOWLEDGE)
        if track.acknowledged_at:
            _refuse(_("Penerimaan rekomendasi sudah dikonfirmasi."), Action.ACKNOWLEDGE, case)
        on = _receipt_date(track, received_on, "received_on")
        track.acknowledged_at = timezone.now()
        track.save(update_fields=["acknowledged_at"])
        started = _receive(case, track, on, ReceiptBasis.ACKNOWLEDGED)
        _finish(case, Action.ACKNOWLEDGE, actor, payload={"track": track.pk, "received_on": track.received_on,
                                                          "receipt_basis": track.receipt_basis, "clock_started": started})
    return case


def case_record_delivery(*, actor, case, track=None, delivered_on=None, proof="") -> Case:
    """Paper delivery: the sender records the date the PPK received the letter, with its proof (receipt number,
    courier tracking, signed expedition book); the PPK clock starts on that date."""
    with transaction.atomic():
        case = _begin(Action.RECORD_DELIVERY, actor, case)
        track = _track(case, track, Action.RECORD_DELIVERY)
        if track.status != TrackStatus.RECOMMENDED or track.received_on:
            _refuse(_("Rekomendasi untuk %(who)s sudah tercatat diterima PPK.") % {"who": track.respondent.name},
                    Action.RECORD_DELIVERY, case)
        proof = _require_reason(proof, Action.RECORD_DELIVERY, field="proof")
        on = _receipt_date(track, delivered_on, "delivered_on", required=True)
        _receive(case, track, on, ReceiptBasis.DELIVERED, proof=proof)
        _finish(case, Action.RECORD_DELIVERY, actor, reason=proof, payload={"track": track.pk, "received_on": on})
    return case


def case_presume_receipt(*, actor=None, case, clock=None) -> Case:
    """The sweep (system): no acknowledgement and no delivery proof by the PPK_RECEIPT rule's due date, so the
    recommendation counts as received on that date and the PPK clock starts from it."""
    with transaction.atomic():
        case = _begin(Action.PRESUME_RECEIPT, actor, case)
        clocks = deadlines.open_clocks(case, ["PPK_RECEIPT"]).select_related("track")
        if clock is not None:
            clocks = clocks.filter(pk=clock.pk)
        clocks = [c for c in clocks if c.track_id and c.track.status == TrackStatus.RECOMMENDED and not c.track.received_on]
        if not clocks:
            _refuse(_("Tidak ada rekomendasi yang menunggu penerimaan."), Action.PRESUME_RECEIPT, case)
        for c in clocks:
            _receive(case, c.track, c.due_on, ReceiptBasis.PRESUMED)
        _finish(case, Action.PRESUME_RECEIPT, None, payload={
            "tracks": [c.track_id for c in clocks], "received_on": clocks[0].due_on, "rule": clocks[0].rule_id})
    return case


def _receipt_date(track, given, field, *, required=False):
    """A receipt date: not in the future, not before the recommendation was issued."""
    if given is None and not required:
        return local_today()
    if not isinstance(given, dt.date):
        raise ValidationError({field: _("Tanggal diterima wajib diisi.")})
    recommended_on = _recommended_on(track)
    if given > local_today():
        raise ValidationError({field: _("Tanggal diterima tidak boleh setelah hari ini.")})
    if recommended_on and given < recommended_on:
        raise ValidationError({field: _("Tanggal diterima (%(d)s) sebelum rekomendasi diterbitkan (%(r)s).")
                               % {"d": given, "r": recommended_on}})
    return given


def _receive(case, track, on, basis, *, proof="") -> bool:
    """Record receipt once and start the PPK follow-up clock on that day; False when it was already received."""
    if track.received_on:
        return False
    track.received_on, track.receipt_basis, track.delivery_proof = on, basis, proof[:300]
    track.save(update_fields=["received_on", "receipt_basis", "delivery_proof"])
    deadlines.clock_stop(case, ["PPK_RECEIPT"], on=on, track=track, state=ClockState.MET)
    deadlines.clock_start(case, "PPK_FOLLOW_UP", on=on, track=track)
    return True


def case_record_sanction(*, actor, case, track=None, item="", sanction_type=None, decree_number="", decree_date=None,
                         signer_name="", signer_position="", document=None, document_sha256="", reason="",
                         employee_type="", on=None) -> Case:
    """The PPK's decision on one recommended item of one respondent (sanction_type None: the item is not imposed).

    Refused, naming the rule: a sanction type of the other employee regime, one not in force on the act's or the
    decree's date, a decree dated before the recommendation, a disciplinary level for an act without one. A decision
    that differs from the item (lighter, heavier, other kind, not imposed) needs a reason and waits for the
    supervisory body. The track is followed up when every item has a decision; the case when every track is.
    """
    with transaction.atomic():
        case = _begin(Action.RECORD_SANCTION, actor, case)
        track = _liaison_track(case, track, actor, Action.RECORD_SANCTION)
        on = _today(on)
        rec_item, sanction_type = _check_decision(case, track, item, sanction_type, decree_number, decree_date,
                                                  signer_name, employee_type, on)
        deviation = rec_item.deviation(sanction_type)
        if deviation and not (reason or "").strip():
            raise ValidationError({"reason": _("Keputusan %(d)s (rekomendasi: %(r)s): tidak sesuai rekomendasi, "
                                               "alasan wajib diisi.") % {"d": Deviation(deviation).label,
                                                                          "r": rec_item.text()}})
        record = SanctionRecord.objects.create(
            track=track, item_kind=rec_item.kind, item_level=rec_item.level, sanction_type=sanction_type,
            decree_number=(decree_number or "").strip(), decree_date=decree_date, signer_name=(signer_name or "").strip(),
            signer_position=signer_position or "", document_sha256=document_sha256, recorded_by=actor,
            deviation=deviation, reason=(reason or "").strip(), review=DecisionReview.PENDING if deviation else "",
            **({"document": document} if document else {}))
        _receive(case, track, on, ReceiptBasis.ACKNOWLEDGED)  # a decision shows the recommendation arrived
        _finish_decision(case, track, record, actor, on)
    return case


def _finish_decision(case, track, record, actor, on):
    """Close the track when its last item is decided, the case when its last track is; one event."""
    undecided = _undecided_items(track)
    blocks = {}
    if not undecided:
        track.status = TrackStatus.SANCTIONED
        track.save(update_fields=["status"])
        deadlines.clock_stop(case, PPK_CLOCKS, on=on, track=track)
        with system_language():  # stored, read later by others
            blocks = _blocks_on_decision(track, actor, _("Keputusan PPK atas rekomendasi berlaku (SK %(n)s).")
                                         % {"n": record.decree_number or "-"})
    waiting = case.tracks.filter(status=TrackStatus.RECOMMENDED).exists()
    if not waiting:
        case.followed_up_at = timezone.now()
        deadlines.clock_stop(case, ESCALATION_CLOCKS, on=on)
    _finish(case, Action.RECORD_SANCTION, actor, to=None if waiting else S.FOLLOWED_UP, reason=record.reason, payload={
        "track": track.pk, "decision": record.pk, "item": record.item_kind, "item_level": record.item_level,
        "sanction_type": record.sanction_type.code if record.sanction_type else None,
        "decree_number": record.decree_number, "decree_date": record.decree_date, "signer": record.signer_name,
        "conforms": record.conforms, "deviation": record.deviation, "undecided": [i.kind for i in undecided],
        **_block_payload(blocks)})
    _tell_bkn_to_lift(case, blocks.get("lifts", []))
    if record.deviation:
        message = gettext_lazy("PPK mencatat keputusan TIDAK SESUAI REKOMENDASI pada perkara %(n)s: mohon dinilai.")
    else:
        message = gettext_lazy("PPK mencatat keputusan sanksi pada perkara %(n)s.")
    notify(users=responsible_users(case, "supervisor"), case=case, kind="sanction_recorded", message=message,
           params={"n": case.number})


def _undecided_items(track):
    rec = getattr(track, "recommendation", None)
    decided = set(track.decisions.filter(active=True).values_list("item_kind", flat=True))
    return [i for i in (rec.items() if rec else []) if i.kind not in decided]


def _pick_item(track, item, sanction_type):
    """The recommended item the decision is for: named, else the only undecided one, else the one of the
    sanction's kind."""
    undecided = _undecided_items(track)
    if item:
        found = [i for i in undecided if i.kind == item]
        if not found:
            raise ValidationError({"item": _("Butir rekomendasi \u201c%(i)s\u201d tidak ada atau sudah diputus untuk "
                                             "%(who)s.") % {"i": item, "who": track.respondent.name}})
        return found[0]
    if len(undecided) == 1:
        return undecided[0]
    kind = getattr(sanction_type, "category", None)
    found = [i for i in undecided if i.kind == kind]
    if len(found) == 1:
        return found[0]
    raise ValidationError({"item": _("Pilih butir rekomendasi yang diputus (%(items)s).")
                           % {"items": "; ".join(i.text() for i in undecided)}})


def _check_decision(case, track, item, sanction_type, decree_number, decree_date, signer_name, employee_type, on):
    """(recommended item, SanctionType or None); ValidationError naming each field and its rule."""
    found = None
    if sanction_type not in (None, ""):
        code = getattr(sanction_type, "code", sanction_type)
        found = SanctionType.objects.filter(code=code).first()
        if found is None:
            raise ValidationError({"sanction_type": _("Jenis sanksi tidak ada dalam daftar.")})
    rec_item = _pick_item(track, item, found)
    errors = {}
    if found is not None:
        errors.update(_decree_errors(decree_number, decree_date, signer_name, track, on))
        errors.update(_sanction_type_errors(case, track, rec_item, found, decree_date, employee_type))
    elif decree_date and isinstance(decree_date, dt.date) and decree_date > on:
        errors["decree_date"] = _("Tanggal SK tidak boleh setelah hari ini.")
    if errors:
        raise ValidationError(errors)
    return rec_item, found


def _decree_errors(decree_number, decree_date, signer_name, track, on) -> dict:
    errors = {}
    if not (decree_number or "").strip():
        errors["decree_number"] = _("Nomor SK wajib diisi.")
    recommended_on = _recommended_on(track)
    if not isinstance(decree_date, dt.date):
        errors["decree_date"] = _("Tanggal SK wajib diisi.")
    elif decree_date > on:
        errors["decree_date"] = _("Tanggal SK tidak boleh setelah hari ini.")
    elif recommended_on and decree_date < recommended_on:
        errors["decree_date"] = _("Tanggal SK (%(d)s) sebelum tanggal rekomendasi (%(r)s): SK tindak lanjut tidak "
                                  "mungkin mendahului rekomendasinya.") % {"d": decree_date, "r": recommended_on}
    if not (signer_name or "").strip():
        errors["signer_name"] = _("Nama pejabat yang menandatangani SK wajib diisi (PP 94/2021 Pasal 16\u201323).")
    return errors


def _recommended_on(track):
    rec = getattr(track, "recommendation", None)
    return timezone.localdate(rec.approved_at) if rec and rec.approved_at else None


def _sanction_type_errors(case, track, rec_item, found, decree_date, employee_type) -> dict:
    if rec_item.none_set and found.category == SanctionCategory.DISCIPLINARY:
        return {"sanction_type": _("Pelanggaran ini tidak memiliki tingkat hukuman disiplin dalam PP 94/2021 (tidak "
                                   "tercantum di Pasal 12\u201314): hukuman disiplin \u201c%(s)s\u201d tidak dapat "
                                   "dijatuhkan.") % {"s": found.name_id}}
    kind = _employee_type(track, employee_type)
    if found.employee_type != "any":
        if kind == EmployeeType.UNKNOWN:
            return {"employee_type": _("Jenis kepegawaian %(who)s (PNS atau PPPK) belum diketahui: isi jenis "
                                       "kepegawaian, karena hukuman disiplin PNS dan PPPK diatur peraturan yang "
                                       "berbeda.") % {"who": track.respondent.name}}
        if found.employee_type != kind:
            return {"sanction_type": _refused_for_regime(found, kind, decree_date)}
    when = isinstance(decree_date, dt.date) and decree_date
    for label, day in ((_("tanggal SK"), when), (_("tanggal kejadian"), case.occurred_on)):
        if day and not SanctionType.objects.filter(SanctionType.in_force_q(day), pk=found.pk).exists():
            return {"sanction_type": _("Jenis sanksi \u201c%(s)s\u201d tidak berlaku pada %(l)s %(d)s (berlaku "
                                       "%(f)s\u2013%(t)s; %(b)s).") % {
                "s": found.name_id, "l": label, "d": day, "f": found.valid_from or "\u2026",
                "t": found.valid_to or "\u2026", "b": found.legal_basis[:120]}}
    return {}


def _employee_type(track, given):
    """The respondent's employee type; a liaison may state it when it is still unknown (their agency knows it)."""
    respondent = track.respondent
    if respondent.employee_type == EmployeeType.UNKNOWN and given in (EmployeeType.PNS, EmployeeType.PPPK):
        respondent.employee_type = given
        respondent.save(update_fields=["employee_type"])
    return respondent.employee_type


def _refused_for_regime(found, kind, on):
    regime = EmployeeRegime.in_force(kind, on if isinstance(on, dt.date) else local_today())
    return _("Hukuman \u201c%(s)s\u201d tidak berlaku untuk %(k)s (%(r)s); jenis sanksi ini untuk %(own)s.") % {
        "s": found.name_id, "k": kind.upper(), "r": regime.regulation if regime else "?", "own": found.employee_type.upper()}


def _pending_decision(case, decision, track, action):
    qs = SanctionRecord.objects.select_for_update().filter(track__case=case, active=True,
                                                          review=DecisionReview.PENDING).select_related("track")
    if decision is not None:
        qs = qs.filter(pk=getattr(decision, "pk", decision))
    elif track is not None:
        qs = qs.filter(track_id=getattr(track, "pk", track))
    found = list(qs[:2])
    if not found:
        _refuse(_("Tidak ada keputusan PPK yang menunggu penilaian pada perkara ini."), action, case)
    if len(found) > 1:
        raise ValidationError({"decision": _("Pilih keputusan yang dinilai: lebih dari satu menunggu penilaian.")})
    return found[0]


def case_accept_decision(*, actor, case, decision=None, track=None, reason="") -> Case:
    """The supervisory body accepts a decision that differs from the recommendation, with its reason."""
    with transaction.atomic():
        case = _begin(Action.ACCEPT_DECISION, actor, case)
        reason = _require_reason(reason, Action.ACCEPT_DECISION)
        record = _pending_decision(case, decision, track, Action.ACCEPT_DECISION)
        record.review, record.reviewed_by, record.reviewed_at, record.review_reason = (
            DecisionReview.ACCEPTED, actor, timezone.now(), reason)
        record.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_reason"])
        blocks = {}
        if record.track.status == TrackStatus.SANCTIONED:
            with system_language():
                blocks = _blocks_on_decision(record.track, actor, _("Keputusan PPK diterima lembaga pengawas: %(r)s")
                                             % {"r": reason})
        _finish(case, Action.ACCEPT_DECISION, actor, reason=reason, payload={
            "track": record.track_id, "decision": record.pk, "deviation": record.deviation, **_block_payload(blocks)})
        _tell_bkn_to_lift(case, blocks.get("lifts", []))
    return case


def case_return_decision(*, actor, case, decision=None, track=None, reason="", on=None) -> Case:
    """The supervisory body returns a non-conforming decision: it stays on record, inactive; the item is open
    again, the respondent's track waits for the PPK with a new follow-up clock from today."""
    with transaction.atomic():
        case = _begin(Action.RETURN_DECISION, actor, case)
        reason = _require_reason(reason, Action.RETURN_DECISION)
        on = _today(on)
        record = _pending_decision(case, decision, track, Action.RETURN_DECISION)
        record.review, record.reviewed_by, record.reviewed_at, record.review_reason, record.active = (
            DecisionReview.RETURNED, actor, timezone.now(), reason, False)
        record.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_reason", "active"])
        track = record.track
        track.status = TrackStatus.RECOMMENDED
        track.save(update_fields=["status"])
        deadlines.clock_start(case, "PPK_FOLLOW_UP", on=on, track=track)
        case.followed_up_at = None
        _finish(case, Action.RETURN_DECISION, actor, to=S.AWAITING_FOLLOW_UP if case.status == S.FOLLOWED_UP else None,
                reason=reason, payload={"track": track.pk, "decision": record.pk, "deviation": record.deviation})
        notify(users=responsible_users(case, "ppk", tracks=[track]), case=case, kind="decision_returned",
               message=gettext_lazy("Keputusan PPK pada perkara %(n)s dikembalikan oleh lembaga pengawas: %(r)s"),
               params={"n": case.number, "r": reason[:200]})
    return case


def case_mark_overdue(*, actor=None, case, clock=None) -> Case:
    """The deadline sweep (actor None: the system) records that the PPK follow-up clock lapsed."""
    with transaction.atomic():
        case = _begin(Action.MARK_OVERDUE, actor, case)
        payload = {"clock": clock.code, "clock_id": clock.pk, "due": clock.due_on} if clock else {}
        _finish(case, Action.MARK_OVERDUE, None, to=S.OVERDUE, payload=payload)
    return case


def _pending_tracks(case, action):
    tracks = list(case.tracks.filter(status=TrackStatus.RECOMMENDED).select_related("respondent", "agency"))
    if not tracks:
        _refuse(_("Tidak ada terlapor yang menunggu tindak lanjut PPK."), action, case)
    return tracks


def _ladder(case, action, out_of_order_reason, on) -> dict:
    """Where an escalation step stands on the ladder (EscalationStep rows in force): every step before it taken on
    this case since it last went overdue, and at least its working days after the last of them. Out of order needs
    a stated reason (a conflict of interest is one, for the direct escalation); the event records which it was."""
    steps = list(EscalationStep.objects.filter(EscalationStep.in_force_q(on)).order_by("order"))
    mine = next((s for s in steps if s.action == action), None)
    if mine is None:
        return {}
    taken = _steps_taken(case, [s.action for s in steps])
    earlier = [s for s in steps if s.order < mine.order]
    missing = [s for s in earlier if s.action not in taken]
    last = max((taken[s.action] for s in earlier if s.action in taken), key=lambda e: e.pk, default=None)
    days = deadlines.working_days_between(timezone.localdate(last.at), on) if last else None
    problems = []
    if missing:
        problems.append(_("belum dilakukan: %(s)s") % {"s": ", ".join(str(Action(s.action).label) for s in missing)})
    if last is not None and days < mine.min_working_days:
        problems.append(_("baru %(d)d hari kerja sejak \u201c%(p)s\u201d, paling sedikit %(m)d") % {
            "d": days, "p": Action(last.action).label, "m": mine.min_working_days})
    reason = (out_of_order_reason or "").strip()
    if not reason and action == Action.ESCALATE and case.conflict_of_interest:
        reason = _("konflik kepentingan: %(r)s") % {"r": case.conflict_reason}
    if problems and not reason:
        raise ValidationError({"out_of_order_reason": _(
            "\u201c%(a)s\u201d di luar urutan eskalasi (%(p)s): isi alasan langkah di luar urutan.") % {
            "a": Action(action).label, "p": "; ".join(problems)}})
    return {"ladder": {"step": mine.code, "order": mine.order, "in_order": not problems,
                       "out_of_order_reason": reason if problems else "", "missing": [s.code for s in missing],
                       "days_since_previous": days, "next_actor": mine.next_actor, "rule": mine.pk}}


def _steps_taken(case, actions) -> dict:
    """{action: its latest event} among the ladder's actions since the case last went overdue."""
    events = case.events.filter(action__in=actions)
    lapsed = case.events.filter(code="case.overdue").order_by("-id").values_list("pk", flat=True).first()
    if lapsed:
        events = events.filter(pk__gt=lapsed)
    return {e.action: e for e in events.order_by("id")}


def _ladder_clock(case, ladder, on):
    rule = (ladder or {}).get("ladder", {}).get("rule")  # _ladder's answer: {"ladder": {..., "rule": step id}}
    step = EscalationStep.objects.filter(pk=rule).first() if rule else None
    if step and step.clock and step.action not in PER_TRACK_STEPS:
        deadlines.clock_start(case, step.clock, on=on)


def case_send_reminder(*, actor, case, on=None, out_of_order_reason="") -> Case:
    """Reminder to the PPK of every respondent still without a sanction; a response clock starts per respondent."""
    with transaction.atomic():
        case = _begin(Action.SEND_REMINDER, actor, case)
        on = _today(on)
        ladder = _ladder(case, Action.SEND_REMINDER, out_of_order_reason, on)
        tracks = _pending_tracks(case, Action.SEND_REMINDER)
        for track in tracks:
            deadlines.clock_stop(case, ["REMINDER_RESPONSE"], on=on, track=track, state=ClockState.STOPPED)
            deadlines.clock_start(case, "REMINDER_RESPONSE", on=on, track=track)
        _finish(case, Action.SEND_REMINDER, actor, payload={"tracks": [t.pk for t in tracks], **ladder})
        notify(users=responsible_users(case, "ppk", tracks=tracks), case=case, kind="reminder",
               message=gettext_lazy("Pengingat: rekomendasi perkara %(n)s belum ditindaklanjuti."), params={"n": case.number})
    return case


def _active_block(track):
    """The track's block in force (the case row is locked by the caller, so no other action changes it)."""
    return DataBlock.objects.filter(ACTIVE_BLOCK, track=track).first()


def case_request_block(*, actor, case, track=None, reason="", out_of_order_reason="") -> Case:
    """Ask BKN to block the personnel data of a respondent whose PPK has not acted: a new block cycle."""
    with transaction.atomic():
        case = _begin(Action.REQUEST_BLOCK, actor, case)
        track = _track(case, track, Action.REQUEST_BLOCK)
        ladder = _ladder(case, Action.REQUEST_BLOCK, out_of_order_reason, local_today())
        if track.status != TrackStatus.RECOMMENDED or _active_block(track):
            _refuse(_("Pemblokiran untuk %(who)s tidak dapat diminta (sudah diminta atau sudah ditindaklanjuti).")
                    % {"who": track.respondent.name}, Action.REQUEST_BLOCK, case)
        block = DataBlock.objects.create(track=track, requested_by=actor, request_reason=(reason or "").strip())
        deadlines.clock_start(case, "BKN_BLOCK_RECORD", on=local_today(), track=track)  # BKN acts next
        _finish(case, Action.REQUEST_BLOCK, actor, reason=block.request_reason,
                payload={"track": track.pk, "block": block.pk, "nip": track.respondent.nip, **ladder})
        notify(users=responsible_users(case, "bkn"), case=case, kind="block_requested",
               message=gettext_lazy("Permintaan pemblokiran data %(who)s (perkara %(n)s)."), params={"who": track.respondent.name, "n": case.number})
    return case


def case_record_block(*, actor, case, track=None, reference="") -> Case:
    """BKN records the block in SIASN (with its own reference, when it gives one)."""
    with transaction.atomic():
        case = _begin(Action.RECORD_BLOCK, actor, case)
        track = _track(case, track, Action.RECORD_BLOCK)
        block = _active_block(track)
        if block is None or block.recorded_at:
            _refuse(_("Tidak ada permintaan pemblokiran yang menunggu untuk %(who)s.") % {"who": track.respondent.name},
                    Action.RECORD_BLOCK, case)
        block.recorded_at, block.recorded_by, block.record_reference = timezone.now(), actor, (reference or "").strip()[:200]
        block.save(update_fields=["recorded_at", "recorded_by", "record_reference"])
        deadlines.clock_stop(case, ["BKN_BLOCK_RECORD"], on=local_today(), track=track)
        _finish(case, Action.RECORD_BLOCK, actor, payload={"track": track.pk, "block": block.pk,
                                                           "nip": track.respondent.nip, "reference": block.record_reference})
        notify(users=responsible_users(case, "ppk", tracks=[track]), case=case, kind="blocked",
               message=gettext_lazy("Data kepegawaian %(who)s diblokir sampai rekomendasi ditindaklanjuti."), params={"who": track.respondent.name})
    return case


def case_request_unblock(*, actor, case, track=None, reason="") -> Case:
    """The supervisory body decides a block is to be lifted (e.g. the decree arrived on paper, the block was wrong):
    the request waits on BKN's desk."""
    with transaction.atomic():
        case = _begin(Action.REQUEST_UNBLOCK, actor, case)
        reason = _require_reason(reason, Action.REQUEST_UNBLOCK)
        track = _track(case, track, Action.REQUEST_UNBLOCK)
        block = _active_block(track)
        if block is None or not block.recorded_at or block.lift_requested_at:
            _refuse(_("Data %(who)s tidak sedang diblokir atau buka blokirnya sudah diminta.")
                    % {"who": track.respondent.name}, Action.REQUEST_UNBLOCK, case)
        _ask_lift(block, actor, reason)
        _finish(case, Action.REQUEST_UNBLOCK, actor, reason=reason, payload={
            "track": track.pk, "block": block.pk, "nip": track.respondent.nip, **_block_payload({"lifts": [block]})})
        _tell_bkn_to_lift(case, [block])
    return case


def _ask_lift(block, actor, reason):
    block.lift_requested_at, block.lift_requested_by, block.lift_reason = timezone.now(), actor, reason[:2000]
    block.save(update_fields=["lift_requested_at", "lift_requested_by", "lift_reason"])
    # BKN acts next, even on a case that closes in this step (its other clocks were stopped before this one starts).
    deadlines.clock_start(block.track.case, "BKN_UNBLOCK_RECORD", on=local_today(), track=block.track)


def _withdraw(block, actor, reason):
    block.withdrawn_at, block.withdrawn_by, block.withdraw_reason = timezone.now(), actor, reason[:2000]
    block.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    deadlines.clock_stop(block.track.case, ["BKN_BLOCK_RECORD"], on=local_today(), track=block.track,
                         state=ClockState.STOPPED)


def _tell_bkn_to_lift(case, blocks):
    for block in blocks:
        notify(users=responsible_users(case, "bkn"), case=case, kind="unblock_requested",
               message=gettext_lazy("Buka blokir data %(who)s (perkara %(n)s): %(r)s"),
               params={"who": block.track.respondent.name, "n": case.number, "r": block.lift_reason[:300]})


def _blocks_on_ending(tracks, actor, reason) -> dict:
    """The reason for a block ended (the case closes, a decision stands): a request BKN has not recorded is withdrawn
    in the same step, a recorded block gets a request to lift it on BKN's desk, in the acting officer's name (its
    agency's letter follows the event). Never a block that nobody can lift."""
    withdrawn, lifts = [], []
    for block in DataBlock.objects.filter(ACTIVE_BLOCK, track__in=tracks).select_related("track__respondent"):
        if block.recorded_at is None:
            _withdraw(block, actor, reason)
            withdrawn.append(block)
        elif block.lift_requested_at is None:
            _ask_lift(block, actor, reason)
            lifts.append(block)
    return {"withdrawn": withdrawn, "lifts": lifts}


def _blocks_on_decision(track, actor, reason) -> dict:
    """Every item decided: a block request not yet recorded is withdrawn; a recorded block is asked to be lifted only
    when every decision stands (conforming, or accepted by the supervisory body)."""
    if all(d.standing for d in track.decisions.filter(active=True)):
        return _blocks_on_ending([track], actor, reason)
    pending = DataBlock.objects.filter(ACTIVE_BLOCK, track=track, recorded_at__isnull=True).first()
    if pending:
        _withdraw(pending, actor, reason)
    return {"withdrawn": [pending] if pending else [], "lifts": []}


def _block_payload(blocks) -> dict:
    """What the event records of the blocks its action ended (the hook issues the letter asking BKN to lift)."""
    if not blocks.get("withdrawn") and not blocks.get("lifts"):
        return {}
    return {"block_requests_withdrawn": [b.track_id for b in blocks.get("withdrawn", [])],
            "unblock_requested": [b.track_id for b in blocks.get("lifts", [])],
            "lift_blocks": [b.pk for b in blocks.get("lifts", [])]}


def case_unblock(*, actor, case, track=None) -> Case:
    """BKN lifts a block on the request waiting on its desk (after a standing decision, on the supervisory body's
    decision, or because the case closed)."""
    with transaction.atomic():
        case = _begin(Action.UNBLOCK, actor, case)
        track = _track(case, track, Action.UNBLOCK)
        block = _active_block(track)
        if block is None or not block.recorded_at:
            _refuse(_("Data %(who)s tidak sedang diblokir.") % {"who": track.respondent.name}, Action.UNBLOCK, case)
        if not block.lift_requested_at:
            _refuse(_("Belum ada permintaan buka blokir untuk %(who)s: blokir dibuka setelah keputusan PPK yang "
                      "berlaku, keputusan lembaga pengawas, atau penutupan perkara.") % {"who": track.respondent.name},
                    Action.UNBLOCK, case)
        block.lifted_at, block.lifted_by = timezone.now(), actor
        block.save(update_fields=["lifted_at", "lifted_by"])
        deadlines.clock_stop(case, ["BKN_UNBLOCK_RECORD"], on=local_today(), track=track)
        _finish(case, Action.UNBLOCK, actor, reason=block.lift_reason, payload={
            "track": track.pk, "block": block.pk, "nip": track.respondent.nip, "basis": "unblock_request"})
        notify(users=responsible_users(case, "ppk", tracks=[track]), case=case, kind="unblocked",
               message=gettext_lazy("Blokir data %(who)s dibuka."), params={"who": track.respondent.name})
    return case


def escalation_targets(case) -> dict[str, list[int]]:
    """Agency code of the ministry (KemenPAN-RB for central PPKs, Kemendagri for regional) → track ids."""
    targets: dict[str, list[int]] = {}
    for track in case.tracks.filter(status=TrackStatus.RECOMMENDED).select_related("agency"):
        code = ESCALATION_TARGET.get(track.agency.kind)
        if code:
            targets.setdefault(code, []).append(track.pk)
    return targets


def case_escalate(*, actor, case, reason="", out_of_order_reason="") -> Case:
    """Warn the PPK through the ministry chosen from the PPK's agency kind (direct when conflict of interest)."""
    with transaction.atomic():
        case = _begin(Action.ESCALATE, actor, case)
        targets = escalation_targets(case)
        if not targets:
            _refuse(_("Tidak ada PPK yang dapat dieskalasi pada perkara ini."), Action.ESCALATE, case)
        ladder = _ladder(case, Action.ESCALATE, out_of_order_reason, local_today())
        _ladder_clock(case, ladder, local_today())
        _finish(case, Action.ESCALATE, actor, reason=reason, payload={
            "targets": targets, "direct": case.status in DIRECT_ESCALATION_FROM,
            "conflict_of_interest": case.conflict_of_interest, **ladder})
        for code in targets:
            party = "kemenpanrb" if code == "KEMENPANRB" else "kemendagri"
            notify(users=responsible_users(case, party), case=case, kind="escalated",
                   message=gettext_lazy("Eskalasi: PPK belum menindaklanjuti rekomendasi perkara %(n)s."), params={"n": case.number})
    return case


def _ministry_kinds(actor) -> set:
    return {MINISTRY_ROLE_KIND[r] for r in actor.roles if r in MINISTRY_ROLE_KIND}


def _ministry_reaches(actor, case) -> bool:
    """KemenPAN-RB acts on central PPKs, Kemendagri on regional ones."""
    return case.tracks.filter(agency__kind__in=_ministry_kinds(actor)).exists()


def case_record_ppk_warning(*, actor, case, reason="", out_of_order_reason="") -> Case:
    """KemenPAN-RB / Kemendagri record their warning to a PPK of their kind (central / regional)."""
    with transaction.atomic():
        case = _begin(Action.RECORD_PPK_WARNING, actor, case, also=_ministry_reaches)
        reason = _require_reason(reason, Action.RECORD_PPK_WARNING)
        kinds = _ministry_kinds(actor)
        tracks = [t.pk for t in _pending_tracks(case, Action.RECORD_PPK_WARNING) if t.agency.kind in kinds]
        if not tracks:
            _refuse(_("Tidak ada PPK instansi %(k)s yang menunggu tindak lanjut.") % {"k": "/".join(kinds)},
                    Action.RECORD_PPK_WARNING, case)
        ladder = _ladder(case, Action.RECORD_PPK_WARNING, out_of_order_reason, local_today())
        deadlines.clock_stop(case, ["MINISTRY_WARNING"], on=local_today())
        _ladder_clock(case, ladder, local_today())
        _finish(case, Action.RECORD_PPK_WARNING, actor, reason=reason, payload={"tracks": tracks, **ladder})
    return case


def case_report_to_president(*, actor, case, reason="", out_of_order_reason="") -> Case:
    with transaction.atomic():
        case = _begin(Action.REPORT_TO_PRESIDENT, actor, case)
        tracks = _pending_tracks(case, Action.REPORT_TO_PRESIDENT)
        ladder = _ladder(case, Action.REPORT_TO_PRESIDENT, out_of_order_reason, local_today())
        _ladder_clock(case, ladder, local_today())
        _finish(case, Action.REPORT_TO_PRESIDENT, actor, reason=reason, payload={
            "agencies": sorted({t.agency.code for t in tracks}), **ladder})
    return case


# --- closing and reopening ------------------------------------------------------------------------------------

def _close_tracks(case, status) -> dict:
    """Close every open track; returns their prior statuses (kept in the event so reopening can restore them)."""
    prior = {}
    for track in case.tracks.exclude(status__in=TrackStatus.closed()):
        prior[str(track.pk)] = track.status
        track.status = status
        track.save(update_fields=["status"])
    return prior


def case_close_sanctioned(*, actor, case, on=None) -> Case:
    with transaction.atomic():
        case = _begin(Action.CLOSE_SANCTIONED, actor, case)
        if not case.respondents_all_closed():
            _refuse(_("Masih ada terlapor yang belum selesai."), Action.CLOSE_SANCTIONED, case)
        pending = SanctionRecord.objects.filter(track__case=case, active=True, review=DecisionReview.PENDING)
        if pending.exists():
            _refuse(_("Keputusan PPK yang tidak sesuai rekomendasi masih menunggu penilaian lembaga pengawas: terima "
                      "atau kembalikan terlebih dahulu."), Action.CLOSE_SANCTIONED, case)
        deadlines.clock_stop_all(case, on=_today(on))
        with system_language():  # stored, read later by others
            case.close_reason = str(S.CLOSED_SANCTIONED.label)
            blocks = _blocks_on_ending(case.tracks.all(), actor, _("Perkara ditutup: sanksi dijatuhkan."))
        case.closed_at = timezone.now()
        _finish(case, Action.CLOSE_SANCTIONED, actor, to=S.CLOSED_SANCTIONED,
                payload={"outcome": S.CLOSED_SANCTIONED, "tracks": {}, **_block_payload(blocks)})
        _tell_bkn_to_lift(case, blocks["lifts"])
        notify(users=responsible_users(case, "bawaslu"), case=case, kind="closed",
               message=gettext_lazy("Perkara %(n)s selesai: sanksi dijatuhkan."), params={"n": case.number})
    return case


def case_close_other(*, actor, case, reason="", on=None) -> Case:
    """Close for another reason (withdrawn, out of service, cancelled, rejected); every open track closes too."""
    with transaction.atomic():
        case = _begin(Action.CLOSE_OTHER, actor, case)
        reason = _require_reason(reason, Action.CLOSE_OTHER)
        deadlines.clock_stop_all(case, on=_today(on))
        prior = _close_tracks(case, TrackStatus.CLOSED_OTHER)
        blocks = _blocks_on_ending(case.tracks.all(), actor, reason)
        case.closed_at, case.close_reason = timezone.now(), reason[:200]
        _finish(case, Action.CLOSE_OTHER, actor, to=S.CLOSED_OTHER, reason=reason,
                payload={"outcome": S.CLOSED_OTHER, "tracks": prior, **_block_payload(blocks)})
        _tell_bkn_to_lift(case, blocks["lifts"])
        notify(users=responsible_users(case, "bawaslu"), case=case, kind="closed",
               message=gettext_lazy("Perkara %(n)s ditutup: %(r)s"), params={"n": case.number, "r": reason})
    return case


def case_reopen(*, actor, case, reason="", on=None) -> Case:
    """Back to the status before closing; tracks closed by that closing reopen, and that status's clock restarts."""
    with transaction.atomic():
        case = _begin(Action.REOPEN, actor, case, also=_closed_it)
        reason = _require_reason(reason, Action.REOPEN)
        closing = case.events.filter(to_status=case.status).exclude(from_status=case.status).order_by("-id").first()
        if closing is None or not closing.from_status:
            _refuse(_("Status sebelum penutupan tidak diketahui."), Action.REOPEN, case)
        for track_id, status in (closing.payload.get("tracks") or {}).items():
            case.tracks.filter(pk=track_id).update(status=status)
        target = closing.from_status
        on = _today(on)
        if target in STATUS_CLOCK:
            deadlines.clock_start(case, STATUS_CLOCK[target], on=on)
        for track in case.tracks.filter(status=TrackStatus.RECOMMENDED):
            deadlines.clock_start(case, "PPK_FOLLOW_UP" if track.received_on else "PPK_RECEIPT", on=on, track=track)
        case.closed_at, case.close_reason = None, ""
        _finish(case, Action.REOPEN, actor, to=target, reason=reason, payload={"closing_event": closing.pk})
        notify(users=responsible_users(case, "bawaslu" if target in BAWASLU_STAGE else "supervisor"), case=case,
               kind="reopened", message=gettext_lazy("Perkara %(n)s dibuka kembali: %(r)s"),
               params={"n": case.number, "r": reason[:200]})
    return case


BAWASLU_STAGE = {S.RECEIVED, S.REGISTERED, S.UNDER_EXAMINATION}


def _closed_it(actor, case) -> bool:
    """Only the institution that closed a case reopens it: Bawaslu its dismissals, the supervisory body the rest."""
    owner = REOPEN_OWNER.get(case.status)
    return owner is None or may_act(actor, case, owner)  # an open case: the status check answers (409)


def case_refer_gakkumdu(*, actor, case, violation_type=None, referred_on=None, reference="") -> Case:
    """Record that an act with a criminal basis in the catalogue was referred to Gakkumdu, with date and reference."""
    with transaction.atomic():
        case = _begin(Action.REFER_GAKKUMDU, actor, case)
        errors = {}
        code = getattr(violation_type, "code", violation_type) or ""
        found = ViolationType.objects.filter(code=code).first()
        if found is None or not found.criminal_basis:
            criminal = ", ".join(ViolationType.objects.exclude(criminal_basis="").values_list("code", flat=True))
            errors["violation_type"] = _("Penerusan ke Gakkumdu hanya untuk perbuatan yang juga tindak pidana menurut "
                                         "katalog (dasar pidana terisi: %(codes)s).") % {"codes": criminal}
        if not isinstance(referred_on, dt.date):
            errors["referred_on"] = _("Tanggal penerusan ke Gakkumdu wajib diisi.")
        elif referred_on > local_today():
            errors["referred_on"] = _("Tanggal penerusan tidak boleh setelah hari ini.")
        if not (reference or "").strip():
            errors["reference"] = _("Nomor atau rujukan penerusan ke Gakkumdu wajib diisi.")
        if errors:
            raise ValidationError(errors)
        referral = GakkumduReferral.objects.create(case=case, violation_type=found, referred_on=referred_on,
                                                   reference=reference.strip()[:200], recorded_by=actor)
        _finish(case, Action.REFER_GAKKUMDU, actor, payload={
            "referral": referral.pk, "violation_type": found.code, "criminal_basis": found.criminal_basis,
            "referred_on": referred_on, "reference": referral.reference})
    return case


# --- dispatcher -----------------------------------------------------------------------------------------------

ACTIONS = {
    Action.REGISTER: case_register,
    Action.ASSIGN: case_assign,
    Action.EXTEND_DECISION: case_extend_decision,
    Action.START_EXAMINATION: case_start_examination,
    Action.FORWARD: case_forward,
    Action.DISMISS: case_dismiss,
    Action.START_REVIEW: case_start_review,
    Action.REQUEST_INFORMATION: case_request_information,
    Action.RECEIVE_INFORMATION: case_receive_information,
    Action.DRAFT_RECOMMENDATION: case_draft_recommendation,
    Action.ISSUE_RECOMMENDATION: case_issue_recommendation,
    Action.RECORD_NOT_PROVEN: case_record_not_proven,
    Action.ACKNOWLEDGE: case_acknowledge,
    Action.RECORD_DELIVERY: case_record_delivery,
    Action.PRESUME_RECEIPT: case_presume_receipt,
    Action.RECORD_SANCTION: case_record_sanction,
    Action.ACCEPT_DECISION: case_accept_decision,
    Action.RETURN_DECISION: case_return_decision,
    Action.MARK_OVERDUE: case_mark_overdue,
    Action.SEND_REMINDER: case_send_reminder,
    Action.REQUEST_BLOCK: case_request_block,
    Action.RECORD_BLOCK: case_record_block,
    Action.REQUEST_UNBLOCK: case_request_unblock,
    Action.UNBLOCK: case_unblock,
    Action.ESCALATE: case_escalate,
    Action.RECORD_PPK_WARNING: case_record_ppk_warning,
    Action.REPORT_TO_PRESIDENT: case_report_to_president,
    Action.CLOSE_SANCTIONED: case_close_sanctioned,
    Action.CLOSE_OTHER: case_close_other,
    Action.REOPEN: case_reopen,
    Action.REFER_GAKKUMDU: case_refer_gakkumdu,
}
assert set(ACTIONS) == set(TRANSITIONS), "every action in TRANSITIONS has its function"
# The rule about the case some functions add to the table's roles (their `also` in _begin), so buttons follow it.
ACTION_ALSO = {Action.REOPEN: _closed_it, Action.RECORD_PPK_WARNING: _ministry_reaches}


def case_version(case) -> int:
    """The id of the case's latest action event (0 before any). A page or API representation carries it; an action
    sent with an older one is refused (StaleCase)."""
    return CaseEvent.objects.filter(case_id=case.pk).exclude(action="").aggregate(v=Max("id"))["v"] or 0


def latest_action_event(case):
    """The case's latest action event (what case_version names), with its actor; None before any."""
    return CaseEvent.objects.filter(case_id=case.pk).exclude(action="").select_related("actor").order_by("-id").first()


def check_may(action, *, actor, case) -> None:
    """Raise what the action would raise for this actor and the case's current status (403, then 409), without
    changing anything: callers check this before complaining about the input."""
    with transaction.atomic():
        _begin(Action(action), actor, case)


def perform(action, *, actor, case, version=None, **params):
    """Run one action by name (views and the API call this); unknown action → ValueError. With `version` (what
    case_version gave when the actor's page was made), a case that has moved on since is refused (StaleCase)."""
    try:
        fn = ACTIONS[Action(action)]
    except ValueError:
        raise ValueError(f"unknown case action {action!r}")
    with transaction.atomic():
        if version is not None:
            list(Case.objects.select_for_update(of=("self",)).filter(pk=case.pk).values_list("pk"))  # no action between
            if case_version(case) != version:
                raise StaleCase(latest_action_event(case))
        return fn(actor=actor, case=case, **params)
