"""The case timeline selector: events, clocks and letters in one time-ordered list (case page and API)."""
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from cases.models import Case


@dataclass(frozen=True)
class TimelineEntry:
    day: dt.date  # local date, the first sort key
    at: dt.datetime | None  # exact time where known (events, letters); None for clock dates
    kind: str  # "event", "clock", "letter"
    code: str  # event code, "clock.started" / "clock.<state>", or the letter kind
    text: str
    obj: Any = field(compare=False, repr=False)

    def __str__(self):
        when = timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M") if self.at else f"{self.day:%Y-%m-%d}      "
        return f"{when}  {self.kind:<6}  {self.code:<34}  {self.text}"


_SHOWN = ("clock", "due", "targets", "sanction_type", "decree_number", "outcome", "nip")


def _payload_text(payload) -> str:
    """The few payload fields a reader of the timeline needs (the full payload stays on the event)."""
    parts = []
    ladder = (payload or {}).get("ladder") or {}
    if ladder and not ladder.get("in_order"):
        parts.append(f"di luar urutan eskalasi: {ladder.get('out_of_order_reason', '')}")
    for key in _SHOWN:
        value = (payload or {}).get(key)
        if value:
            parts.append(f"{key}={','.join(value) if isinstance(value, dict) else value}")
    return " ".join(parts)


def case_timeline(case: Case) -> list[TimelineEntry]:
    """Everything that happened to a case, oldest first.

    Clocks carry dates, not times: on a given day they sort after that day's events (the event started them).
    """
    entries = []
    for ev in case.events.select_related("actor").order_by("id"):
        who = ev.actor.get_full_name() or ev.actor.username if ev.actor_id else "sistem"
        status = f"{ev.from_status or '-'} → {ev.to_status}" if ev.to_status != ev.from_status else ""
        text = "; ".join(p for p in (who, status, ev.reason, _payload_text(ev.payload)) if p)
        entries.append((timezone.localdate(ev.at), 0, ev.at, ev.pk, TimelineEntry(
            timezone.localdate(ev.at), ev.at, "event", ev.code, text, ev)))
    for clock in case.clocks.select_related("rule", "track__respondent"):
        who = f" ({clock.track.respondent.name})" if clock.track_id else ""
        entries.append((clock.started_on, 1, None, clock.pk, TimelineEntry(
            clock.started_on, None, "clock", "clock.started",
            f"{clock.code}{who}: {clock.rule.length} {clock.rule.get_unit_display()}, jatuh tempo {clock.due_on}", clock)))
        if clock.finished_on:
            entries.append((clock.finished_on, 2, None, clock.pk, TimelineEntry(
                clock.finished_on, None, "clock", f"clock.{clock.state}",
                f"{clock.code}{who}: {clock.get_state_display()} (jatuh tempo {clock.due_on})", clock)))
    for letter in case.letters.defer("pdf").order_by("issued_at", "id"):
        entries.append((timezone.localdate(letter.issued_at), 0, letter.issued_at, letter.pk, TimelineEntry(
            timezone.localdate(letter.issued_at), letter.issued_at, "letter", letter.kind,
            f"{letter.number} {letter.hal}", letter)))
    epoch = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    entries.sort(key=lambda e: (e[0], e[1], e[2] or epoch, e[3]))
    return [e[-1] for e in entries]
