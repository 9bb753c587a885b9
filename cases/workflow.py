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
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import deadlines
from cases.models import (
    AgencyKind, Case, CaseEvent, CaseRespondent, CaseStatus, ClockState, Recommendation, Respondent, Role,
    SanctionCategory, SanctionRecord, SanctionType, SupervisoryBody, TrackStatus, ViolationType,
)
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
    RECORD_SANCTION = "record_sanction", gettext_lazy("Catat keputusan sanksi")
    MARK_OVERDUE = "mark_overdue", gettext_lazy("Tandai terlambat")
    SEND_REMINDER = "send_reminder", gettext_lazy("Kirim surat pengingat")
    REQUEST_BLOCK = "request_block", gettext_lazy("Minta pemblokiran data ke BKN")
    RECORD_BLOCK = "record_block", gettext_lazy("Catat pemblokiran data")
    UNBLOCK = "unblock", gettext_lazy("Buka blokir data")
    ESCALATE = "escalate", gettext_lazy("Eskalasi ke KemenPAN-RB / Kemendagri")
    RECORD_PPK_WARNING = "record_ppk_warning", gettext_lazy("Catat teguran kepada PPK")
    REPORT_TO_PRESIDENT = "report_to_president", gettext_lazy("Laporkan kepada Presiden")
    CLOSE_SANCTIONED = "close_sanctioned", gettext_lazy("Tutup: sanksi dijatuhkan")
    CLOSE_OTHER = "close_other", gettext_lazy("Tutup: alasan lain")
    REOPEN = "reopen", gettext_lazy("Buka kembali")


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
    Action.ACKNOWLEDGE:          T(PPK_STAGE,                                 None,                  [PPK],       "case.recommendation.acknowledged"),
    # Moves to followed_up once every recommended respondent has a sanction; before that the status stays.
    Action.RECORD_SANCTION:      T(PPK_STAGE,                                 S.FOLLOWED_UP,         [PPK],       "case.sanction.recorded"),
    Action.MARK_OVERDUE:         T({S.AWAITING_FOLLOW_UP},                    S.OVERDUE,             [],          "case.overdue"),
    Action.SEND_REMINDER:        T(PPK_STAGE,                                 None,                  [AP],        "case.reminder.sent"),
    Action.REQUEST_BLOCK:        T({S.OVERDUE},                               None,                  [AP],        "case.block.requested"),
    Action.RECORD_BLOCK:         T({S.OVERDUE},                               None,                  [BKN],       "case.block.recorded"),
    Action.UNBLOCK:              T(PPK_STAGE | {S.FOLLOWED_UP},               None,                  [BKN],       "case.unblocked"),
    # Conflict of interest (the PPK is the respondent, sits with them, or is a candidate): the escalation
    # goes to KemenPAN-RB / Kemendagri directly, already from awaiting_follow_up (see DIRECT_ESCALATION_FROM).
    Action.ESCALATE:             T({S.OVERDUE},                               None,                  [AP],        "case.escalated"),
    Action.RECORD_PPK_WARNING:   T(PPK_STAGE,                                 None,                  [Role.KEMENPANRB, Role.KEMENDAGRI], "case.ppk.warned"),
    Action.REPORT_TO_PRESIDENT:  T({S.OVERDUE},                               None,                  [AP],        "case.reported_to_president"),
    Action.CLOSE_SANCTIONED:     T({S.FOLLOWED_UP},                           S.CLOSED_SANCTIONED,   [AP],        "case.closed"),
    Action.CLOSE_OTHER:          T({S.FORWARDED, S.UNDER_REVIEW, S.INFO_REQUESTED} | PPK_STAGE | {S.FOLLOWED_UP},
                                                                              S.CLOSED_OTHER,        [AP],        "case.closed"),
    # Back to the status the case had before it closed (read from the closing event).
    Action.REOPEN:               T(S.closed(),                                None,                  [AP],        "case.reopened"),
}
DIRECT_ESCALATION_FROM = {S.AWAITING_FOLLOW_UP}
ESCALATION_TARGET = {AgencyKind.CENTRAL: "KEMENPANRB", AgencyKind.REGIONAL: "KEMENDAGRI"}
MINISTRY_ROLE_KIND = {Role.KEMENPANRB: AgencyKind.CENTRAL, Role.KEMENDAGRI: AgencyKind.REGIONAL}

# The clock each status waits on, restarted when a case is reopened into it.
STATUS_CLOCK = {S.RECEIVED: "INITIAL_REVIEW", S.REGISTERED: "BAWASLU_DECISION", S.UNDER_EXAMINATION: "BAWASLU_DECISION",
                S.FORWARDED: "SUPERVISOR_EXAM", S.UNDER_REVIEW: "SUPERVISOR_EXAM", S.INFO_REQUESTED: "INFO_REQUEST"}
DECISION_CLOCKS = ["INITIAL_REVIEW", "BAWASLU_DECISION", "BAWASLU_DECISION_EXT"]
PPK_CLOCKS = ["PPK_FOLLOW_UP", "REMINDER_RESPONSE"]


def allowed_actions(user, case) -> list[str]:
    """Actions this user may take on the case now (for buttons; the service functions check again)."""
    return [a for a, t in TRANSITIONS.items()
            if t.roles and _status_allows(a, case) and may_act(user, case, t.roles)]


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


def case_add_respondent(*, actor, case, nip=None, name, position="", agency) -> CaseRespondent:
    """Add a respondent to an open case (an event `case.respondent.added`, no status change)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not may_act(actor, case, (B, AN, AP, Role.ADMIN)):
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


def case_assign(*, actor, case, officer) -> Case:
    """Assign (or reassign) the Bawaslu or supervisory officer who owns the case."""
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
        setattr(case, field, officer)
        _finish(case, Action.ASSIGN, actor, payload={"field": field, "from": previous, "to": officer.pk})
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
    if category in (SanctionCategory.DISCIPLINARY, SanctionCategory.BOTH) and \
            discipline_level not in ("light", "moderate", "heavy", "ptdh"):
        errors["discipline_level"] = _("Tingkat hukuman disiplin harus ringan, sedang, berat, atau PTDH (PP 94/2021 Pasal 8).")
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
            if rec.proven:
                deadlines.clock_start(case, "PPK_FOLLOW_UP", on=on, track=track)
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


def case_acknowledge(*, actor, case, track=None) -> Case:
    with transaction.atomic():
        case = _begin(Action.ACKNOWLEDGE, actor, case)
        track = _liaison_track(case, track, actor, Action.ACKNOWLEDGE)
        if track.acknowledged_at:
            _refuse(_("Penerimaan rekomendasi sudah dikonfirmasi."), Action.ACKNOWLEDGE, case)
        track.acknowledged_at = timezone.now()
        track.save(update_fields=["acknowledged_at"])
        _finish(case, Action.ACKNOWLEDGE, actor, payload={"track": track.pk})
    return case


def case_record_sanction(*, actor, case, track=None, sanction_type, decree_number, decree_date, signer_name,
                         signer_position="", document=None, document_sha256="", on=None) -> Case:
    """The PPK's decree for one respondent; the case is followed up once every recommended respondent has one."""
    with transaction.atomic():
        case = _begin(Action.RECORD_SANCTION, actor, case)
        track = _liaison_track(case, track, actor, Action.RECORD_SANCTION)
        on = _today(on)
        sanction_type = _check_sanction(sanction_type, decree_number, decree_date, signer_name, on)
        record = SanctionRecord.objects.create(
            track=track, sanction_type=sanction_type, decree_number=decree_number.strip(), decree_date=decree_date,
            signer_name=signer_name.strip(), signer_position=signer_position, document_sha256=document_sha256,
            recorded_by=actor, **({"document": document} if document else {}))
        track.status = TrackStatus.SANCTIONED
        track.save(update_fields=["status"])
        deadlines.clock_stop(case, PPK_CLOCKS, on=on, track=track)
        waiting = case.tracks.filter(status=TrackStatus.RECOMMENDED).exists()
        if not waiting:
            case.followed_up_at = timezone.now()
        _finish(case, Action.RECORD_SANCTION, actor, to=None if waiting else S.FOLLOWED_UP, payload={
            "track": track.pk, "sanction_type": sanction_type.code, "decree_number": record.decree_number,
            "decree_date": decree_date, "signer": record.signer_name})
        notify(users=responsible_users(case, "supervisor"), case=case, kind="sanction_recorded",
               message=gettext_lazy("PPK mencatat keputusan sanksi pada perkara %(n)s."), params={"n": case.number})
    return case


def _check_sanction(sanction_type, decree_number, decree_date, signer_name, on):
    errors = {}
    code = getattr(sanction_type, "code", sanction_type)
    found = SanctionType.objects.filter(code=code).first()
    if found is None:
        errors["sanction_type"] = _("Jenis sanksi tidak ada dalam daftar.")
    elif decree_date and not SanctionType.objects.filter(SanctionType.in_force_q(decree_date), pk=found.pk).exists():
        errors["sanction_type"] = _("Jenis sanksi %(s)s tidak berlaku pada tanggal SK.") % {"s": found.name_id}
    if not (decree_number or "").strip():
        errors["decree_number"] = _("Nomor SK wajib diisi.")
    if not isinstance(decree_date, dt.date):
        errors["decree_date"] = _("Tanggal SK wajib diisi.")
    elif decree_date > on:
        errors["decree_date"] = _("Tanggal SK tidak boleh setelah hari ini.")
    if not (signer_name or "").strip():
        errors["signer_name"] = _("Nama pejabat yang menandatangani SK wajib diisi (PP 94/2021 Pasal 16\u201323).")
    if errors:
        raise ValidationError(errors)
    return found


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


def case_send_reminder(*, actor, case, on=None) -> Case:
    """Reminder to the PPK of every respondent still without a sanction; a response clock starts per respondent."""
    with transaction.atomic():
        case = _begin(Action.SEND_REMINDER, actor, case)
        on = _today(on)
        tracks = _pending_tracks(case, Action.SEND_REMINDER)
        for track in tracks:
            deadlines.clock_stop(case, ["REMINDER_RESPONSE"], on=on, track=track, state=ClockState.STOPPED)
            deadlines.clock_start(case, "REMINDER_RESPONSE", on=on, track=track)
        _finish(case, Action.SEND_REMINDER, actor, payload={"tracks": [t.pk for t in tracks]})
        notify(users=responsible_users(case, "ppk", tracks=tracks), case=case, kind="reminder",
               message=gettext_lazy("Pengingat: rekomendasi perkara %(n)s belum ditindaklanjuti."), params={"n": case.number})
    return case


def case_request_block(*, actor, case, track=None) -> Case:
    """Ask BKN to block the personnel data of a respondent whose PPK has not acted."""
    with transaction.atomic():
        case = _begin(Action.REQUEST_BLOCK, actor, case)
        track = _track(case, track, Action.REQUEST_BLOCK)
        if track.status != TrackStatus.RECOMMENDED or track.block_requested_at and not track.unblocked_at:
            _refuse(_("Pemblokiran untuk %(who)s tidak dapat diminta (sudah diminta atau sudah ditindaklanjuti).")
                    % {"who": track.respondent.name}, Action.REQUEST_BLOCK, case)
        track.block_requested_at, track.blocked_at, track.unblocked_at = timezone.now(), None, None
        track.save(update_fields=["block_requested_at", "blocked_at", "unblocked_at"])
        _finish(case, Action.REQUEST_BLOCK, actor, payload={"track": track.pk, "nip": track.respondent.nip})
        notify(users=responsible_users(case, "bkn"), case=case, kind="block_requested",
               message=gettext_lazy("Permintaan pemblokiran data %(who)s (perkara %(n)s)."), params={"who": track.respondent.name, "n": case.number})
    return case


def case_record_block(*, actor, case, track=None) -> Case:
    with transaction.atomic():
        case = _begin(Action.RECORD_BLOCK, actor, case)
        track = _track(case, track, Action.RECORD_BLOCK)
        if not track.block_requested_at or track.blocked_at:
            _refuse(_("Tidak ada permintaan pemblokiran yang menunggu untuk %(who)s.") % {"who": track.respondent.name},
                    Action.RECORD_BLOCK, case)
        track.blocked_at = timezone.now()
        track.save(update_fields=["blocked_at"])
        _finish(case, Action.RECORD_BLOCK, actor, payload={"track": track.pk, "nip": track.respondent.nip})
        notify(users=responsible_users(case, "ppk", tracks=[track]), case=case, kind="blocked",
               message=gettext_lazy("Data kepegawaian %(who)s diblokir sampai rekomendasi ditindaklanjuti."), params={"who": track.respondent.name})
    return case


def case_unblock(*, actor, case, track=None) -> Case:
    """Lift a block once the PPK's decree is recorded for that respondent."""
    with transaction.atomic():
        case = _begin(Action.UNBLOCK, actor, case)
        track = _track(case, track, Action.UNBLOCK)
        if not track.is_blocked:
            _refuse(_("Data %(who)s tidak sedang diblokir.") % {"who": track.respondent.name}, Action.UNBLOCK, case)
        if track.status != TrackStatus.SANCTIONED:
            _refuse(_("Blokir baru dapat dibuka setelah keputusan sanksi untuk %(who)s dicatat.")
                    % {"who": track.respondent.name}, Action.UNBLOCK, case)
        track.unblocked_at = timezone.now()
        track.save(update_fields=["unblocked_at"])
        _finish(case, Action.UNBLOCK, actor, payload={"track": track.pk, "nip": track.respondent.nip})
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


def case_escalate(*, actor, case, reason="") -> Case:
    """Warn the PPK through the ministry chosen from the PPK's agency kind (direct when conflict of interest)."""
    with transaction.atomic():
        case = _begin(Action.ESCALATE, actor, case)
        targets = escalation_targets(case)
        if not targets:
            _refuse(_("Tidak ada PPK yang dapat dieskalasi pada perkara ini."), Action.ESCALATE, case)
        _finish(case, Action.ESCALATE, actor, reason=reason, payload={
            "targets": targets, "direct": case.status in DIRECT_ESCALATION_FROM,
            "conflict_of_interest": case.conflict_of_interest})
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


def case_record_ppk_warning(*, actor, case, reason="") -> Case:
    """KemenPAN-RB / Kemendagri record their warning to a PPK of their kind (central / regional)."""
    with transaction.atomic():
        case = _begin(Action.RECORD_PPK_WARNING, actor, case, also=_ministry_reaches)
        reason = _require_reason(reason, Action.RECORD_PPK_WARNING)
        kinds = _ministry_kinds(actor)
        tracks = [t.pk for t in _pending_tracks(case, Action.RECORD_PPK_WARNING) if t.agency.kind in kinds]
        if not tracks:
            _refuse(_("Tidak ada PPK instansi %(k)s yang menunggu tindak lanjut.") % {"k": "/".join(kinds)},
                    Action.RECORD_PPK_WARNING, case)
        _finish(case, Action.RECORD_PPK_WARNING, actor, reason=reason, payload={"tracks": tracks})
    return case


def case_report_to_president(*, actor, case, reason="") -> Case:
    with transaction.atomic():
        case = _begin(Action.REPORT_TO_PRESIDENT, actor, case)
        tracks = _pending_tracks(case, Action.REPORT_TO_PRESIDENT)
        _finish(case, Action.REPORT_TO_PRESIDENT, actor, reason=reason, payload={
            "agencies": sorted({t.agency.code for t in tracks})})
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
        blocked = [t.respondent.name for t in case.tracks.select_related("respondent") if t.is_blocked]
        if blocked:
            _refuse(_("Data %(who)s masih diblokir: buka blokir terlebih dahulu.") % {"who": ", ".join(blocked)},
                    Action.CLOSE_SANCTIONED, case)
        deadlines.clock_stop_all(case, on=_today(on))
        with system_language():  # stored, read later by others
            case.close_reason = str(S.CLOSED_SANCTIONED.label)
        case.closed_at = timezone.now()
        _finish(case, Action.CLOSE_SANCTIONED, actor, to=S.CLOSED_SANCTIONED,
                payload={"outcome": S.CLOSED_SANCTIONED, "tracks": {}})
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
        case.closed_at, case.close_reason = timezone.now(), reason[:200]
        _finish(case, Action.CLOSE_OTHER, actor, to=S.CLOSED_OTHER, reason=reason,
                payload={"outcome": S.CLOSED_OTHER, "tracks": prior})
        notify(users=responsible_users(case, "bawaslu"), case=case, kind="closed",
               message=gettext_lazy("Perkara %(n)s ditutup: %(r)s"), params={"n": case.number, "r": reason})
    return case


def case_reopen(*, actor, case, reason="", on=None) -> Case:
    """Back to the status before closing; tracks closed by that closing reopen, and that status's clock restarts."""
    with transaction.atomic():
        case = _begin(Action.REOPEN, actor, case)
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
            deadlines.clock_start(case, "PPK_FOLLOW_UP", on=on, track=track)
        case.closed_at, case.close_reason = None, ""
        _finish(case, Action.REOPEN, actor, to=target, reason=reason, payload={"closing_event": closing.pk})
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
    Action.RECORD_SANCTION: case_record_sanction,
    Action.MARK_OVERDUE: case_mark_overdue,
    Action.SEND_REMINDER: case_send_reminder,
    Action.REQUEST_BLOCK: case_request_block,
    Action.RECORD_BLOCK: case_record_block,
    Action.UNBLOCK: case_unblock,
    Action.ESCALATE: case_escalate,
    Action.RECORD_PPK_WARNING: case_record_ppk_warning,
    Action.REPORT_TO_PRESIDENT: case_report_to_president,
    Action.CLOSE_SANCTIONED: case_close_sanctioned,
    Action.CLOSE_OTHER: case_close_other,
    Action.REOPEN: case_reopen,
}
assert set(ACTIONS) == set(TRANSITIONS), "every action in TRANSITIONS has its function"


def perform(action, *, actor, case, **params):
    """Run one action by name (views and the API call this); unknown action → ValueError."""
    try:
        fn = ACTIONS[Action(action)]
    except ValueError:
        raise ValueError(f"unknown case action {action!r}")
    return fn(actor=actor, case=case, **params)
