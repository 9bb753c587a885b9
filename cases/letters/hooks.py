"""Issue the letter each workflow event calls for, once its transaction has committed (cases.services.EVENT_HOOKS).

Case-level letters only: receipts and closing notices to reporters live in reports.letters (cases never imports
reports). Each letter records `event:<id>` as its subject, so a hook run twice for one event issues nothing new.
"""
from django.utils import timezone

from cases.letters import context as C
from cases.letters.issue import letter_issue
from cases.models import Agency, CaseEvent, Letter, LetterKind, TrackStatus
from cases.services import register_event_hook

K = LetterKind

SIFAT = {K.RECOMMENDATION: "Rahasia", K.REMINDER: "Segera", K.ESCALATION_WARNING: "Segera",
         K.BLOCK_REQUEST: "Segera", K.PRESIDENT_REPORT: "Rahasia"}


def _issue(event: CaseEvent, kind, *, agency, tracks=(), extra=None, part=""):
    """One letter for the event (idempotent per event and part)."""
    ref = f"event:{event.pk}{part}"
    if agency is None or Letter.objects.filter(case=event.case_id, kind=kind, subject_ref=ref).exists():
        return None
    return letter_issue(actor=event.actor, kind=kind, agency=agency, case=event.case, tracks=list(tracks),
                        sifat=SIFAT.get(kind, "Biasa"), extra=extra, subject_ref=ref,
                        on=timezone.localdate(event.at))


def _tracks(event, ids):
    return list(event.case.tracks.filter(pk__in=ids).select_related("respondent", "agency", "case").order_by("id"))


def _by_agency(tracks) -> dict:
    groups = {}
    for track in tracks:
        groups.setdefault(track.agency_id, []).append(track)
    return groups


def on_forwarded(event):
    tracks = list(event.case.tracks.select_related("respondent", "agency", "case").order_by("id"))
    extra = {"conclusion": event.reason} if event.reason else None
    _issue(event, K.FORWARDING, agency=C.bawaslu_agency(event.case), tracks=tracks, extra=extra)


def on_recommendation_issued(event):
    """One recommendation per proven respondent, to that respondent's PPK."""
    proven = [int(pk) for pk, row in (event.payload.get("tracks") or {}).items() if row.get("proven")]
    for track in _tracks(event, proven):
        rec = getattr(track, "recommendation", None)
        body = rec.supervisory_body if rec and rec.supervisory_body_id else None
        agency = body.agency if body and body.agency_id else C.supervisory_agency(timezone.localdate(event.at))
        _issue(event, K.RECOMMENDATION, agency=agency, tracks=[track], part=f":t{track.pk}")


def on_reminder_sent(event):
    """One reminder per PPK (respondents grouped by agency)."""
    tracks = _tracks(event, event.payload.get("tracks") or [])
    for agency_id, group in _by_agency(tracks).items():
        _issue(event, K.REMINDER, agency=C.supervisory_agency(), tracks=group, part=f":a{agency_id}")


def on_block_requested(event):
    tracks = _tracks(event, [event.payload.get("track")])
    _issue(event, K.BLOCK_REQUEST, agency=C.supervisory_agency(), tracks=tracks)


def on_escalated(event):
    """A warning from each ministry (KemenPAN-RB for central PPKs, Kemendagri for regional) to each PPK."""
    for code, ids in (event.payload.get("targets") or {}).items():
        ministry = Agency.objects.filter(code=code).first()
        for agency_id, group in _by_agency(_tracks(event, ids)).items():
            extra = {"reference": f"informasi dari {C.supervisory_agency().name}"}
            _issue(event, K.ESCALATION_WARNING, agency=ministry, tracks=group, extra=extra, part=f":{code}:a{agency_id}")


def on_reported_to_president(event):
    tracks = list(event.case.tracks.filter(status=TrackStatus.RECOMMENDED)
                  .select_related("respondent", "agency", "case").order_by("id"))
    _issue(event, K.PRESIDENT_REPORT, agency=C.supervisory_agency(), tracks=tracks)


HOOKS = {
    "case.forwarded": on_forwarded,
    "case.recommendation.issued": on_recommendation_issued,
    "case.reminder.sent": on_reminder_sent,
    "case.block.requested": on_block_requested,
    "case.escalated": on_escalated,
    "case.reported_to_president": on_reported_to_president,
}

for _code, _fn in HOOKS.items():
    register_event_hook(_code, _fn)
