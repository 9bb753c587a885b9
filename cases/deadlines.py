"""The one deadline calculator: working/calendar-day arithmetic over the Holiday table, and statutory clocks.

Counting choices (domain.md §4 leaves both open, so both are marked UNCONFIRMED here):
- The start day is not counted: a 7-day clock started on Monday counts Tuesday as day 1 (UNCONFIRMED;
  the usual reading of "paling lama N hari sejak ...").
- Whether a *cuti bersama* day is a working day is a property of each DeadlineRule (`cuti_bersama_working`,
  default: not a working day; UNCONFIRMED).
- A regional holiday (a Holiday row with a region, e.g. a Pilkada voting day) is a day off for the clocks of
  cases in that region or below it, and for no other case.
Lengths and units come only from DeadlineRule rows; no length is written in this module.
"""
import datetime as dt
import threading
from dataclasses import dataclass, field

import holidays as holiday_package
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Min
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case, Clock, ClockState, DayUnit, DeadlineRule, Holiday
from cases.models.case import today as local_today
from cases.labels import CLOCK_LABELS
from cases.services import event_record, notify, responsible_users

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


@dataclass
class HolidayTable:
    """The Holiday table as one snapshot: national days, cuti bersama and regional days, with derived views."""

    national: frozenset
    cuti: frozenset
    regional: dict  # region code -> frozenset of dates
    _views: dict = field(default_factory=dict, repr=False)

    def view(self, region_code: str = "", cuti_working: bool = False) -> WorkCalendar:
        """The working calendar for a case's region and a rule's reading of cuti bersama (memoised)."""
        key = (region_code, cuti_working)
        if key not in self._views:
            days = set(self.national)
            if not cuti_working:
                days |= self.cuti
            for code, dates in self.regional.items():
                if region_code == code or region_code.startswith(code + "."):
                    days |= dates
            self._views[key] = WorkCalendar(frozenset(days))
        return self._views[key]

    def for_clock(self, clock: Clock) -> WorkCalendar:
        return self.view(clock.case.region_code, clock.rule.cuti_bersama_working)


_cache_lock = threading.Lock()
_cache: dict = {"fingerprint": None, "table": None}

# md5 of the whole (small: ~25 rows a year) table: changes on any insert, delete or edit, and follows
# the current transaction, so a rolled-back edit never leaves a stale calendar in this process.
_FINGERPRINT_SQL = (
    "SELECT md5(coalesce(string_agg(date::text || cuti_bersama::text || coalesce(region_id::text, ''), ',' "
    "ORDER BY date, region_id), '')) FROM cases_holiday"
)


def holiday_table() -> HolidayTable:
    """The Holiday table as it stands now, cached per process until the table changes."""
    with connection.cursor() as cur:
        cur.execute(_FINGERPRINT_SQL)
        fingerprint = cur.fetchone()[0]
    with _cache_lock:
        if _cache["fingerprint"] == fingerprint:
            return _cache["table"]
    national, cuti, regional = set(), set(), {}
    for day, is_cuti, code in Holiday.objects.values_list("date", "cuti_bersama", "region__code"):
        if code:
            regional.setdefault(code, set()).add(day)
        else:
            (cuti if is_cuti else national).add(day)
    table = HolidayTable(frozenset(national), frozenset(cuti),
                         {code: frozenset(days) for code, days in regional.items()})
    with _cache_lock:
        _cache.update(fingerprint=fingerprint, table=table)
    return table


def calendar(region_code: str = "", cuti_working: bool = False) -> WorkCalendar:
    """The working calendar of a region (national when empty), cuti bersama as days off unless told."""
    return holiday_table().view(region_code, cuti_working)


def add_days(start: dt.date, length: int, unit: str, *, region_code: str = "", cuti_working: bool = False) -> dt.date:
    return calendar(region_code, cuti_working).add_days(start, length, unit)


def rule_add_days(rule: DeadlineRule, start: dt.date, *, region_code: str = "") -> dt.date:
    """The due date of `rule` counted from `start` for a case in `region_code`."""
    return add_days(start, rule.length, rule.unit, region_code=region_code, cuti_working=rule.cuti_bersama_working)


def working_days_between(a: dt.date, b: dt.date) -> int:
    return calendar().working_days_between(a, b)


# --- clocks ---------------------------------------------------------------------------------------------------

def rule_for(case: Case, code: str, on: dt.date) -> DeadlineRule | None:
    return DeadlineRule.for_clock(code, case.election.election_type, on)


def clock_due(clock: Clock, table: HolidayTable | None = None) -> dt.date:
    """Due date: rule length plus the days spent paused, counted from the start, on the case's calendar."""
    cal = (table or holiday_table()).for_clock(clock)
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
    table = holiday_table()
    clocks = list(case.clocks.filter(code=code, state=ClockState.PAUSED).select_for_update())
    for clock in clocks:
        clock.case = case
        clock.paused_days += max(0, table.for_clock(clock).days_between(clock.paused_on, on, clock.rule.unit))
        clock.state, clock.paused_on = ClockState.RUNNING, None
        clock.due_on = clock_due(clock, table)
        clock.save(update_fields=["paused_days", "state", "paused_on", "due_on"])
    return clocks


def next_due(case: Case) -> dt.date | None:
    """Earliest due date among the running clocks (Case.next_due, used to sort queues)."""
    return case.clocks.filter(state=ClockState.RUNNING).aggregate(d=Min("due_on"))["d"]


def clock_status(clock: Clock, *, today: dt.date | None = None, table: HolidayTable | None = None) -> dict:
    """What a case page shows for one clock: remaining days and a badge (overdue, due_soon, paused, met, missed)."""
    today = today or local_today()
    cal = (table or holiday_table()).for_clock(clock)
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
    # "late": the days past the due date, as a positive number (a page says "3 hari terlambat", not "sisa -3").
    return {"badge": badge, "remaining": remaining, "late": -remaining if remaining is not None and remaining < 0 else None}


# --- holiday edits --------------------------------------------------------------------------------------------

# Who is told when a clock's due date moves: the party that must act before it (same map as the sweep's).
CLOCK_PARTIES = {
    "INITIAL_REVIEW": ["bawaslu"], "BAWASLU_DECISION": ["bawaslu"], "BAWASLU_DECISION_EXT": ["bawaslu"],
    "SUPERVISOR_EXAM": ["supervisor"], "INFO_REQUEST": ["supervisor"],
    "PPK_FOLLOW_UP": ["ppk", "supervisor"], "REMINDER_RESPONSE": ["ppk", "supervisor"],
    "BKN_BLOCK_RECORD": ["bkn", "supervisor"], "BKN_UNBLOCK_RECORD": ["bkn", "supervisor"], "MINISTRY_WARNING": ["supervisor"],
    "WARNING_RESPONSE": ["ppk", "supervisor"],
}


def recompute_open_clocks(reason: str, *, actor=None) -> int:
    """Re-compute the due date of every open clock after a calendar change.

    Each moved clock gets one `case.clock.recomputed` event and its responsible people a notification; clocks
    already met, missed or stopped keep their dates. Returns the number of moved clocks.
    """
    table = holiday_table()
    moved: dict[int, list] = {}
    for clock in (Clock.objects.filter(state__in=[ClockState.RUNNING, ClockState.PAUSED])
                  .select_related("rule", "case").only("case__region_code", "rule__length", "rule__unit",
                                                        "rule__cuti_bersama_working", "code", "started_on",
                                                        "paused_days", "due_on", "case_id")):
        due = clock_due(clock, table)
        if due != clock.due_on:
            moved.setdefault(clock.case_id, []).append((clock.pk, clock.code, clock.due_on, due))
    # Lock each case before touching its clocks: the workflow's order (case, then clock), so no deadlock.
    for case in Case.objects.filter(pk__in=moved).select_for_update(of=("self",)).order_by("pk"):
        for clock_id, code, before, after in moved[case.pk]:
            Clock.objects.filter(pk=clock_id).update(due_on=after, due_soon_notified=False,
                                                     overdue_notified=False)
            event_record(case=case, actor=actor, code="case.clock.recomputed", reason=reason,
                         payload={"clock": code, "clock_id": clock_id, "from": before, "to": after})
            for party in CLOCK_PARTIES.get(code, ["supervisor"]):
                notify(users=responsible_users(case, party), case=case, kind="clock_moved",
                       message=gettext_lazy("Tenggat %(clock)s perkara %(n)s berubah dari %(from)s menjadi %(to)s: "
                                            "%(reason)s"),
                       params={"clock": CLOCK_LABELS.get(code, code), "n": case.number,
                               "from": before.strftime("%d-%m-%Y"), "to": after.strftime("%d-%m-%Y"),
                               "reason": reason})
        case.next_due = next_due(case)
        case.save(update_fields=["next_due", "updated_at"])
    return sum(len(changes) for changes in moved.values())


def _holiday_label(holiday: Holiday) -> str:
    kind = _("cuti bersama") if holiday.cuti_bersama else _("hari libur")
    where = holiday.region.name if holiday.region_id else _("nasional")
    return f"{holiday.date:%d-%m-%Y} {holiday.name} ({kind}, {where})"


def holiday_save(*, actor, date: dt.date, name: str, cuti_bersama: bool = False, holiday: Holiday | None = None,
                 region=None, source: str = "officer") -> Holiday:
    """Create or edit a holiday, then re-compute the open clocks it affects (recorded on each moved clock)."""
    if not isinstance(date, dt.date):
        raise ValidationError({"date": _("Tanggal hari libur wajib diisi.")})
    if not (name or "").strip():
        raise ValidationError({"name": _("Nama hari libur wajib diisi.")})
    same_day = Holiday.objects.filter(date=date, region=region).exclude(pk=getattr(holiday, "pk", None))
    if same_day.exists():
        raise ValidationError({"date": _("Tanggal %(d)s sudah tercatat sebagai hari libur di wilayah ini.")
                               % {"d": date.strftime("%d-%m-%Y")}})
    with transaction.atomic():
        holiday = holiday or Holiday()
        before = _holiday_label(holiday) if holiday.pk else ""
        holiday.date, holiday.name, holiday.cuti_bersama = date, name.strip(), cuti_bersama
        holiday.region, holiday.source = region, source
        holiday.save()
        after = _holiday_label(holiday)
        reason = (_("Hari libur diubah: %(before)s → %(after)s") % {"before": before, "after": after}
                  if before else _("Hari libur ditambahkan: %(after)s") % {"after": after})
        holiday.moved_clocks = recompute_open_clocks(reason, actor=actor)
    return holiday


def holiday_delete(*, actor, holiday: Holiday) -> int:
    """Delete a holiday and re-compute the open clocks; returns how many moved."""
    with transaction.atomic():
        reason = _("Hari libur dihapus: %(h)s") % {"h": _holiday_label(holiday)}
        holiday.delete()
        return recompute_open_clocks(reason, actor=actor)


def holidays_of_year(year: int) -> list[dict]:
    """National holidays and *cuti bersama* of a year from the `holidays` package, for review before saving."""
    days = holiday_package.country_holidays("ID", categories=("public", "government"), years=[year], language="id")
    government = holiday_package.country_holidays("ID", categories=("government",), years=[year], language="id")
    return [{"date": day, "name": name[:200], "cuti_bersama": day in government} for day, name in sorted(days.items())]


def holidays_import(*, actor, rows: list[dict], source: str = "holidays") -> tuple[list[Holiday], int]:
    """Save reviewed national rows (dates already in the table are skipped), then re-compute open clocks once.

    Returns the rows created and the number of open clocks that moved."""
    moved = 0
    with transaction.atomic():
        existing = set(Holiday.objects.filter(region__isnull=True).values_list("date", flat=True))
        created = Holiday.objects.bulk_create([
            Holiday(date=row["date"], name=row["name"][:200], cuti_bersama=row["cuti_bersama"], source=source)
            for row in rows if row["date"] not in existing])
        if created:
            reason = _("%(n)d hari libur diimpor (%(first)s … %(last)s)") % {
                "n": len(created), "first": f"{created[0].date:%d-%m-%Y}", "last": f"{created[-1].date:%d-%m-%Y}"}
            moved = recompute_open_clocks(reason, actor=actor)
    return created, moved


def rule_set_cuti_bersama(*, actor, rule: DeadlineRule, working: bool) -> int:
    """Say whether cuti bersama counts as working days for one clock rule; returns how many open clocks moved."""
    with transaction.atomic():
        rule = DeadlineRule.objects.select_for_update().get(pk=rule.pk)
        if rule.cuti_bersama_working == working:
            return 0
        rule.cuti_bersama_working = working
        rule.save(update_fields=["cuti_bersama_working"])
        reason = (_("Aturan %(rule)s: cuti bersama dihitung hari kerja") if working
                  else _("Aturan %(rule)s: cuti bersama bukan hari kerja")) % {"rule": rule}
        return recompute_open_clocks(reason, actor=actor)
