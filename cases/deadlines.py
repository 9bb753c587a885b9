"""The one deadline calculator: working/calendar-day arithmetic over the Holiday table, and statutory clocks.

Counting choices (domain.md §4 leaves both open, so both are marked UNCONFIRMED here):
- The start day is not counted: a 7-day clock started on Monday counts Tuesday as day 1 (UNCONFIRMED;
  the usual reading of "paling lama N hari sejak ...").
- *Cuti bersama* are non-working days unless settings.CLOCKS_CUTI_BERSAMA_IS_WORKING is True (UNCONFIRMED).
Lengths and units come only from DeadlineRule rows; no length is written in this module.
"""
import datetime as dt
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Min
from django.utils.translation import gettext as _

from cases.models import Case, Clock, ClockState, DayUnit, DeadlineRule, Holiday
from cases.models.case import today as local_today

ONE_DAY = dt.timedelta(days=1)


# --- calendar -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WorkCalendar:
    """Non-working dates (weekends are implicit); pure arithmetic, no database access."""

    holidays: frozenset

    def is_working(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def add_days(self, start: dt.date, length: int, unit: str) -> dt.date:
        """The due date `length` units after `start` (start day not counted)."""
        if unit == DayUnit.CALENDAR:
            return start + dt.timedelta(days=length)
        if unit == DayUnit.HOURS:
            return start + dt.timedelta(days=-(-length // 24))
        day, left = start, length
        while left > 0:
            day += ONE_DAY
            if self.is_working(day):
                left -= 1
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]; negative when b is before a."""
        if b < a:
            return -self.working_days_between(b, a)
        return sum(1 for i in range(1, (b - a).days + 1) if self.is_working(a + dt.timedelta(days=i)))

    def days_between(self, a: dt.date, b: dt.date, unit: str) -> int:
        if unit == DayUnit.WORKING:
            return self.working_days_between(a, b)
        return (b - a).days


_cache_lock = threading.Lock()
_cache: dict = {"fingerprint": None, "calendar": None}

# md5 of the whole (small: ~25 rows a year) table: changes on any insert, delete or edit, and follows
# the current transaction, so a rolled-back edit never leaves a stale calendar in this process.
_FINGERPRINT_SQL = (
    "SELECT md5(coalesce(string_agg(date::text || cuti_bersama::text, ',' ORDER BY date), '')) "
    "FROM cases_holiday"
)


def _skip_cuti_bersama() -> bool:
    return not getattr(settings, "CLOCKS_CUTI_BERSAMA_IS_WORKING", False)


def calendar() -> WorkCalendar:
    """The working calendar as the Holiday table stands now, cached per process until the table changes."""
    with connection.cursor() as cur:
        cur.execute(_FINGERPRINT_SQL)
        fingerprint = (cur.fetchone()[0], _skip_cuti_bersama())
    with _cache_lock:
        if _cache["fingerprint"] == fingerprint:
            return _cache["calendar"]
    rows = Holiday.objects.all()
    if not _skip_cuti_bersama():
        rows = rows.filter(cuti_bersama=False)
    cal = WorkCalendar(frozenset(rows.values_list("date", flat=True)))
    with _cache_lock:
        _cache.update(fingerprint=fingerprint, calendar=cal)
    return cal


def add_days(start: dt.date, length: int, unit: str) -> dt.date:
    return calendar().add_days(start, length, unit)


def working_days_between(a: dt.date, b: dt.date) -> int:
    return calendar().working_days_between(a, b)


# --- clocks ---------------------------------------------------------------------------------------------------

def rule_for(case: Case, code: str, on: dt.date) -> DeadlineRule | None:
    return DeadlineRule.for_clock(code, case.election.election_type, on)


def clock_due(clock: Clock, cal: WorkCalendar | None = None) -> dt.date:
    """Due date: rule length plus the days spent paused, counted from the start."""
    cal = cal or calendar()
    return cal.add_days(clock.started_on, clock.rule.length + clock.paused_days, clock.rule.unit)


def clock_start(case: Case, code: str, *, on: dt.date | None = None, track=None) -> Clock | None:
    """Start the clock `code` for the case's election type; None when no rule is in force (nothing to count)."""
    on = on or local_today()
    rule = rule_for(case, code, on)
    if rule is None:
        return None
    clock = Clock(case=case, track=track, rule=rule, code=code, started_on=on, due_on=on)
    clock.due_on = clock_due(clock)
    clock.save()
    return clock


def open_clocks(case: Case, codes=None, track=None):
    qs = case.clocks.filter(state__in=[ClockState.RUNNING, ClockState.PAUSED])
    if codes is not None:
        qs = qs.filter(code__in=codes)
    if track is not None:
        qs = qs.filter(track=track)
    return qs


def clock_stop(case: Case, codes, *, on: dt.date | None = None, track=None, state: str | None = None) -> list:
    """Finish open clocks: met if finished by the due date, else missed (or an explicit state, e.g. stopped)."""
    on = on or local_today()
    stopped = []
    for clock in open_clocks(case, codes, track).select_for_update():
        clock.state = state or (ClockState.MET if on <= clock.due_on else ClockState.MISSED)
        clock.finished_on = on
        clock.save(update_fields=["state", "finished_on"])
        stopped.append(clock)
    return stopped


def clock_stop_all(case: Case, *, on: dt.date | None = None, state: str = ClockState.STOPPED) -> list:
    return clock_stop(case, None, on=on, state=state)


def clock_pause(case: Case, code: str, *, on: dt.date | None = None) -> list:
    on = on or local_today()
    clocks = list(case.clocks.filter(code=code, state=ClockState.RUNNING).select_for_update())
    for clock in clocks:
        clock.state, clock.paused_on = ClockState.PAUSED, on
        clock.save(update_fields=["state", "paused_on"])
    return clocks


def clock_resume(case: Case, code: str, *, on: dt.date | None = None) -> list:
    """Resume: the days in (paused_on, on] (in the rule's unit) are added to the due date."""
    on = on or local_today()
    cal = calendar()
    clocks = list(case.clocks.filter(code=code, state=ClockState.PAUSED).select_for_update())
    for clock in clocks:
        clock.paused_days += max(0, cal.days_between(clock.paused_on, on, clock.rule.unit))
        clock.state, clock.paused_on = ClockState.RUNNING, None
        clock.due_on = clock_due(clock, cal)
        clock.save(update_fields=["paused_days", "state", "paused_on", "due_on"])
    return clocks


def next_due(case: Case) -> dt.date | None:
    """Earliest due date among the running clocks (Case.next_due, used to sort queues)."""
    return case.clocks.filter(state=ClockState.RUNNING).aggregate(d=Min("due_on"))["d"]


def clock_status(clock: Clock, *, today: dt.date | None = None, cal: WorkCalendar | None = None) -> dict:
    """What a case page shows for one clock: remaining days and a badge (overdue, due_soon, paused, met, missed)."""
    today = today or local_today()
    cal = cal or calendar()
    if not clock.is_open:
        return {"badge": clock.state, "remaining": None}
    if clock.state == ClockState.PAUSED:
        return {"badge": "paused", "remaining": None}
    remaining = cal.days_between(today, clock.due_on, clock.rule.unit)
    if clock.due_on < today:
        badge = "overdue"
    elif cal.working_days_between(today, clock.due_on) <= settings.DUE_SOON_WORKING_DAYS:
        badge = "due_soon"
    else:
        badge = "running"
    return {"badge": badge, "remaining": remaining}


# --- holiday edits --------------------------------------------------------------------------------------------

def recompute_open_clocks(reason: str, *, actor=None) -> int:
    """Re-compute the due date of every open clock after a calendar change; one event per affected case."""
    from cases.services import event_record  # services imports this module

    cal = calendar()
    changes: dict[int, list] = {}
    for clock in Clock.objects.filter(state__in=[ClockState.RUNNING, ClockState.PAUSED]).select_related("rule"):
        due = clock_due(clock, cal)
        if due != clock.due_on:
            changes.setdefault(clock.case_id, []).append({"clock": clock.code, "clock_id": clock.pk,
                                                          "from": clock.due_on, "to": due})
    # Lock each case before touching its clocks: the workflow's order (case, then clock), so no deadlock.
    for case in Case.objects.filter(pk__in=changes).select_for_update().order_by("pk"):
        for change in changes[case.pk]:
            Clock.objects.filter(pk=change["clock_id"]).update(due_on=change["to"])
        case.next_due = next_due(case)
        case.save(update_fields=["next_due", "updated_at"])
        event_record(case=case, actor=actor, code="case.clock.recomputed", reason=reason,
                     payload={"changes": changes[case.pk]})
    return len(changes)


def holiday_save(*, actor, date: dt.date, name: str, cuti_bersama: bool = False, holiday: Holiday | None = None,
                 source: str = "officer") -> Holiday:
    """Create or edit a holiday, then re-compute open clocks (recorded on each affected case)."""
    if not isinstance(date, dt.date):
        raise ValidationError({"date": _("Tanggal hari libur wajib diisi.")})
    if not (name or "").strip():
        raise ValidationError({"name": _("Nama hari libur wajib diisi.")})
    if Holiday.objects.filter(date=date).exclude(pk=getattr(holiday, "pk", None)).exists():
        raise ValidationError({"date": _("Tanggal %(d)s sudah tercatat sebagai hari libur.") % {"d": date}})
    with transaction.atomic():
        holiday = holiday or Holiday()
        before = f"{holiday.date} {holiday.name}" if holiday.pk else ""
        holiday.date, holiday.name, holiday.cuti_bersama, holiday.source = date, name, cuti_bersama, source
        holiday.save()
        reason = (_("Hari libur diubah: %(before)s → %(after)s") % {"before": before, "after": holiday}
                  if before else _("Hari libur ditambahkan: %(after)s") % {"after": holiday})
        recompute_open_clocks(reason, actor=actor)
    return holiday


def holiday_delete(*, actor, holiday: Holiday) -> None:
    with transaction.atomic():
        reason = _("Hari libur dihapus: %(h)s") % {"h": holiday}
        holiday.delete()
        recompute_open_clocks(reason, actor=actor)
