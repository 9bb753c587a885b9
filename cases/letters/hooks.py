"""Issue the letter each workflow event calls for, once its transaction has committed (cases.services.EVENT_HOOKS).

Case-level letters only: receipts and closing notices to reporters live in reports.letters (cases never imports
reports). Each letter records `event:<id>` as its subject, so a hook run twice for one event issues nothing new.
"""
from django.utils import timezone

from cases.letters import context as C
from cases.letters import facts as F
from cases.letters.issue import letter_issue
from cases.models import Agency, CaseEvent, DataBlock, Letter, LetterKind, TrackStatus
from cases.services import register_event_hook

K = LetterKind

SIFAT = {K.RECOMMENDATION: "Rahasia", K.REMINDER: "Segera", K.ESCALATION_WARNING: "Segera",
         K.ESCALATION_REQUEST: "Segera", K.BLOCK_REQUEST: "Segera", K.BLOCK_NOTICE: "Segera",
         K.PRESIDENT_REPORT: "Rahasia", K.UNBLOCK_REQUEST: "Segera"}


def _issue(event: CaseEvent, kind, *, agency, tracks=(), extra=None, part="", to=None):
    """One letter for the event (idempotent per event and part), dated and fact-bounded by the event."""
    ref = f"event:{event.pk}{part}"
    if agency is None or Letter.objects.filter(case=event.case_id, kind=kind, subject_ref=ref).exists():
        return None
    return letter_issue(actor=event.actor, kind=kind, agency=agency, case=event.case, tracks=list(tracks),
                        sifat=SIFAT.get(kind, "Biasa"), extra=extra, subject_ref=ref,
                        on=timezone.localdate(event.at), upto=event.pk, to=to)


def issuer_of(event, fallback):
    """The agency of the officer who took the action: a letter is issued in its name, letterhead and number
    series. The fallback serves only events without an acting officer's agency."""
    return event.actor_agency if event.actor_agency_id else fallback


def _tracks(event, ids):
    return list(event.case.tracks.filter(pk__in=ids).select_related("respondent", "agency", "case").order_by("id"))


def _by_agency(tracks) -> dict:
    groups = {}
    for track in tracks:
        groups.setdefault(track.agency_id, []).append(track)
    return groups


def _supervisor(event):
    return C.supervisory_agency(timezone.localdate(event.at))


def on_forwarded(event):
    tracks = list(event.case.tracks.select_related("respondent", "agency", "case").order_by("id"))
    _issue(event, K.FORWARDING, agency=issuer_of(event, C.bawaslu_agency(event.case)), tracks=tracks)


def on_recommendation_issued(event):
    """One recommendation per proven respondent, to that respondent's PPK, from the approver's agency."""
    proven = [int(pk) for pk, row in (event.payload.get("tracks") or {}).items() if row.get("proven")]
    for track in _tracks(event, proven):
        rec = getattr(track, "recommendation", None)
        body = rec.supervisory_body if rec and rec.supervisory_body_id else None
        fallback = body.agency if body and body.agency_id else _supervisor(event)
        _issue(event, K.RECOMMENDATION, agency=issuer_of(event, fallback), tracks=[track], part=f":t{track.pk}")


def on_reminder_sent(event):
    """One reminder per PPK (respondents grouped by agency)."""
    tracks = _tracks(event, event.payload.get("tracks") or [])
    for agency_id, group in _by_agency(tracks).items():
        _issue(event, K.REMINDER, agency=issuer_of(event, _supervisor(event)), tracks=group, part=f":a{agency_id}")


def _on_block(event, field, letter):
    """The block cycle the event acted on keeps the letter it issued (request, notice, lift notice)."""
    block = (event.payload or {}).get("block")
    if letter is not None and block:
        DataBlock.objects.filter(pk=block).update(**{field: letter})


def on_block_requested(event):
    """A request to BKN; when the acting officer is BKN's own, there is nobody to write to: BKN's order is the
    block notice issued when its data officer records the block."""
    agency = issuer_of(event, _supervisor(event))
    if agency is None or agency.code == "BKN":
        return
    _on_block(event, "request_letter",
              _issue(event, K.BLOCK_REQUEST, agency=agency, tracks=_tracks(event, [event.payload.get("track")])))


def on_block_recorded(event):
    """BKN tells the PPK that the respondent's personnel data is blocked (BKN's own act, its officer signs)."""
    bkn = Agency.objects.filter(code="BKN").first()
    _on_block(event, "record_letter", _issue(event, K.BLOCK_NOTICE, agency=issuer_of(event, bkn),
                                             tracks=_tracks(event, [event.payload.get("track")])))


def on_unblocked(event):
    bkn = Agency.objects.filter(code="BKN").first()
    _on_block(event, "lift_letter", _issue(event, K.UNBLOCK_NOTICE, agency=issuer_of(event, bkn),
                                           tracks=_tracks(event, [event.payload.get("track")])))


def on_lift_requested(event):
    """Whoever ended the reason for a block (the PPK's standing decision, the supervisory body's acceptance or
    decision, the closing of the case) asks BKN to lift it, in its own agency's name, letterhead and number series;
    BKN's own officer has nobody to write to."""
    ids = (event.payload or {}).get("lift_blocks") or []
    agency = issuer_of(event, _supervisor(event))
    if not ids or agency is None or agency.code == "BKN":
        return
    blocks = DataBlock.objects.filter(pk__in=ids, track__case=event.case_id)
    letter = _issue(event, K.UNBLOCK_REQUEST, agency=agency, tracks=_tracks(event, [b.track_id for b in blocks]),
                    to=Agency.objects.filter(code="BKN").first(), extra={"lift": F.lift_facts(event)})
    if letter is not None:
        blocks.update(lift_request_letter=letter)


def on_escalated(event):
    """The supervisory body asks each ministry (KemenPAN-RB for central PPKs, Kemendagri for regional) to warn the
    PPK: a request letter in the supervisor's own name, never a warning in the ministry's."""
    for code, ids in (event.payload.get("targets") or {}).items():
        ministry = Agency.objects.filter(code=code).first()
        if ministry is None:
            continue
        _issue(event, K.ESCALATION_REQUEST, agency=issuer_of(event, _supervisor(event)), tracks=_tracks(event, ids),
               to=ministry, part=f":{code}")


def on_ppk_warned(event):
    """The ministry's own warning to each PPK, issued when its officer records it from their desk."""
    if not event.actor_agency_id:
        return
    for agency_id, group in _by_agency(_tracks(event, event.payload.get("tracks") or [])).items():
        _issue(event, K.ESCALATION_WARNING, agency=event.actor_agency, tracks=group, part=f":a{agency_id}")


def on_reported_to_president(event):
    tracks = list(event.case.tracks.filter(status=TrackStatus.RECOMMENDED)
                  .select_related("respondent", "agency", "case").order_by("id"))
    _issue(event, K.PRESIDENT_REPORT, agency=issuer_of(event, _supervisor(event)), tracks=tracks)


HOOKS = {
    "case.forwarded": on_forwarded,
    "case.recommendation.issued": on_recommendation_issued,
    "case.reminder.sent": on_reminder_sent,
    "case.block.requested": on_block_requested,
    "case.block.recorded": on_block_recorded,
    "case.unblocked": on_unblocked,
    "case.escalated": on_escalated,
    "case.ppk.warned": on_ppk_warned,
    "case.reported_to_president": on_reported_to_president,
}

for _code, _fn in HOOKS.items():
    register_event_hook(_code, _fn)
for _code in F.LIFT_BASIS:
    register_event_hook(_code, on_lift_requested)
