"""What a case's record says happened, read from its events and rows, for the sentences of a letter.

A letter states a fact (clarification held, reminder sent, receipt acknowledged, data blocked, sanction imposed)
only when it is found here; a missing event leaves the key empty and the template leaves the sentence out.
Nothing here renders or writes.
"""
from django.utils import timezone

from cases.letters.dates import format_tanggal
from cases.models import CaseEvent, Letter, LetterKind, SanctionRecord

K = LetterKind


def _day(value):
    return format_tanggal(timezone.localdate(value)) if value else ""


def _events(case, upto=None):
    qs = CaseEvent.objects.filter(case=case).select_related("actor_agency").order_by("id")
    return list(qs.filter(pk__lte=upto) if upto else qs)


def _concerns(event, track_ids) -> bool:
    """An event concerns these tracks when its payload names one of them (or names none: a case-wide act)."""
    payload = event.payload or {}
    named = payload.get("tracks") if isinstance(payload.get("tracks"), list) else None
    if named is None and payload.get("track") is not None:
        named = [payload["track"]]
    return named is None or not track_ids or bool(set(named) & set(track_ids))


def letter_ref(letter) -> str:
    """"surat Badan Kepegawaian Negara Nomor R-12/BKN/4/2026 tanggal 3 April 2026"."""
    return (f"surat {letter.agency.name} Nomor {letter.number} "
            f"tanggal {format_tanggal(timezone.localdate(letter.issued_at))}")


def _letters(case, kind, track_ids):
    qs = (Letter.objects.filter(case=case, kind=kind, void=False).select_related("agency").defer("pdf")
          .order_by("issued_at", "id"))
    rows = list(qs)
    mine = [lt for lt in rows if lt.track_id in track_ids] if track_ids else rows
    return mine or [lt for lt in rows if lt.track_id is None]


def latest_letter_ref(case, kind, track_ids) -> str:
    """The reference of the latest letter of a kind about these respondents ("" when none was issued)."""
    rows = _letters(case, kind, track_ids)
    return letter_ref(rows[-1]) if rows else ""


LIFT_BASIS = {"case.sanction.recorded": "decision", "case.decision.accepted": "accepted",
              "case.unblock.requested": "supervisor", "case.closed": "closed"}


def lift_facts(event) -> dict:
    """Why a block is to be lifted, as the event that asked for it records it: a standing decision of the PPK, a
    decision accepted or taken by the supervisory body, or the case closed (with its reason)."""
    return {"basis": LIFT_BASIS.get(event.code, ""), "reason": event.reason, "on": _day(event.at),
            "by": event.actor_agency.name if event.actor_agency_id else ""}


def case_facts(case, tracks=(), upto=None) -> dict:
    """Dates and references of what happened in the case, up to event `upto` (the event that issues the letter)."""
    track_ids = [t.pk for t in tracks]
    events = _events(case, upto)
    by_code = {}
    for event in events:
        by_code.setdefault(event.code, []).append(event)
    forwarded = (by_code.get("case.forwarded") or [None])[-1]
    examined = (by_code.get("case.examination.started") or [None])[0]
    mine = {code: [e for e in rows if _concerns(e, track_ids)] for code, rows in by_code.items()}
    return {
        "registered_on": _day(by_code["case.registered"][0].at) if by_code.get("case.registered") else "",
        # Clarification is held in the examination stage; a direct forward (from received) has no such event.
        "clarification_on": _day(examined.at) if examined else "",
        "forwarded_on": _day(forwarded.at) if forwarded else "",
        "forwarded_direct": bool(forwarded and forwarded.payload.get("direct")),
        "forward_conclusion": forwarded.reason if forwarded else "",
        "forwarded_by": forwarded.actor_agency.name if forwarded and forwarded.actor_agency_id else "",
        "acknowledged_on": _day(min((t.acknowledged_at for t in tracks if t.acknowledged_at), default=None)),
        "reminders": [letter_ref(lt) for lt in _letters(case, K.REMINDER, track_ids)],
        "reminded_on": [_day(e.at) for e in mine.get("case.reminder.sent", [])],
        "block_requested_on": _day(mine["case.block.requested"][-1].at) if mine.get("case.block.requested") else "",
        "blocked_on": _day(mine["case.block.recorded"][-1].at) if mine.get("case.block.recorded") else "",
        "unblocked_on": _day(mine["case.unblocked"][-1].at) if mine.get("case.unblocked") else "",
        "escalated_on": _day(by_code["case.escalated"][-1].at) if by_code.get("case.escalated") else "",
        # A warning letter is issued by its own event: it does not cite itself.
        "warnings": [{"by": e.actor_agency.name if e.actor_agency_id else "", "on": _day(e.at)}
                     for e in mine.get("case.ppk.warned", []) if e.pk != upto],
    }


def sanctions_imposed(tracks) -> dict:
    """Track id -> the PPK's recorded decree, as a letter cites it (the latest one), and under "all" every decision
    in force that imposed a sanction (one per recommended item). A returned decision is no longer the PPK's."""
    out = {}
    records = (SanctionRecord.objects.filter(track__in=tracks, active=True, sanction_type__isnull=False)
               .select_related("sanction_type").order_by("id"))
    for record in records:
        row = {
            "sanction": record.sanction_type.name_id[:1].lower() + record.sanction_type.name_id[1:],
            "decree": f"Keputusan Nomor {record.decree_number} tanggal {format_tanggal(record.decree_date)}",
            "recorded_on": _day(record.recorded_at),
        }
        out[record.track_id] = {**row, "all": [*out.get(record.track_id, {}).get("all", []), row]}
    return out
