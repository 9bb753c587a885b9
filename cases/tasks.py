"""Celery tasks of the case core: the deadline sweep and the e-mail outbox (both safe to run twice or at once)."""
import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cases import deadlines
from cases.labels import CLOCK_LABELS
from cases.models import Case, CaseStatus, Clock, ClockState, DayUnit
from cases.models.case import today as local_today
from cases.services import event_record, notify, outbox_flush, responsible_users
from cases.workflow import InvalidTransition, case_mark_overdue, case_presume_receipt, escalation_targets

# Who answers for each clock (services.responsible_users parties).


def sweep_deadlines(today: dt.date | None = None) -> dict:
    """Mark running clocks due-soon and overdue, once each: notify, record, and for the PPK propose escalation.

    Each clock is handled in its own transaction holding the case row lock (case first, then clock: the same
    order as the workflow), and re-checks its flags under the lock, so concurrent sweeps do the work once.
    """
    today = today or local_today()
    soon_limit = deadlines.calendar().add_days(today, settings.DUE_SOON_WORKING_DAYS, DayUnit.WORKING)
    todo = (Clock.objects.filter(state=ClockState.RUNNING)
            .filter(Q(due_on__lt=today, overdue_notified=False) | Q(due_on__lte=soon_limit, due_soon_notified=False))
            .order_by("case_id", "id").values_list("pk", "case_id"))
    counts = {"due_soon": 0, "overdue": 0, "cases_overdue": 0}  # "presumed_received" when the sweep presumed any
    for clock_id, case_id in list(todo):
        outcome = _sweep_clock(clock_id, case_id, today, soon_limit)
        for key in outcome:
            counts[key] = counts.get(key, 0) + 1
    return counts


def _sweep_clock(clock_id, case_id, today, soon_limit) -> list[str]:
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("election").get(pk=case_id)
        clock = Clock.objects.select_for_update(of=("self",)).select_related("rule", "track__respondent").get(pk=clock_id)
        if clock.state != ClockState.RUNNING:
            return []
        if clock.code == "PPK_RECEIPT":
            return _sweep_receipt(case, clock, today)
        if clock.due_on < today and not clock.overdue_notified:
            clock.overdue_notified = clock.due_soon_notified = True
            clock.save(update_fields=["overdue_notified", "due_soon_notified"])
            if clock.code == "PPK_FOLLOW_UP" and case.status == CaseStatus.AWAITING_FOLLOW_UP:
                case = case_mark_overdue(case=case, clock=clock)
                _notify_clock(case, clock, "overdue", _escalation_proposal(case))
                return ["overdue", "cases_overdue"]
            event_record(case=case, code="case.clock.overdue", payload=_clock_payload(clock))
            _notify_clock(case, clock, "overdue", _next_step(case, clock))
            return ["overdue"]
        if clock.due_on <= soon_limit and not clock.due_soon_notified and clock.due_on >= today:
            clock.due_soon_notified = True
            clock.save(update_fields=["due_soon_notified"])
            event_record(case=case, code="case.clock.due_soon", payload=_clock_payload(clock))
            _notify_clock(case, clock, "due_soon", "")
            return ["due_soon"]
    return []


def _sweep_receipt(case, clock, today) -> list[str]:
    """Receipt is presumed the day after its rule's due date passes (the PPK clock then starts on that due date);
    nobody is told "due soon" about a letter's arrival."""
    clock.due_soon_notified = True
    clock.save(update_fields=["due_soon_notified"])
    if clock.due_on >= today:
        return []
    try:
        case_presume_receipt(case=case, clock=clock)
    except InvalidTransition:  # closed meanwhile: nothing to presume
        return []
    return ["presumed_received"]


def _clock_payload(clock):
    return {"clock": clock.code, "clock_id": clock.pk, "due": clock.due_on, "track": clock.track_id}


def _notify_clock(case, clock, kind, proposal):
    who = f" ({clock.track.respondent.name})" if clock.track_id else ""
    if kind == "overdue":
        message = _("Tenggat %(clock)s perkara %(n)s%(who)s terlewat (jatuh tempo %(due)s).")
    else:
        message = _("Tenggat %(clock)s perkara %(n)s%(who)s segera jatuh tempo (%(due)s).")
    message = message % {"clock": CLOCK_LABELS.get(clock.code, clock.code), "n": case.number, "who": who, "due": clock.due_on.strftime("%d-%m-%Y")}
    if proposal:
        message = f"{message} {proposal}"
    parties = deadlines.CLOCK_PARTIES.get(clock.code, ["supervisor"])
    if kind == "overdue" and clock.code in ("PPK_FOLLOW_UP", "REMINDER_RESPONSE"):
        parties = parties + ["approver"]
    for party in parties:
        tracks = [clock.track] if clock.track_id and party == "ppk" else None
        notify(users=responsible_users(case, party, tracks=tracks), case=case, kind=f"clock_{kind}", message=message,
               dedupe=f"clock{clock.pk}:{kind}:{party}")


def _ministries(case):
    names = {"KEMENPANRB": "KemenPAN-RB", "KEMENDAGRI": "Kemendagri"}
    return " / ".join(names[c] for c in escalation_targets(case)) or "KemenPAN-RB / Kemendagri"


def _escalation_proposal(case):
    if case.conflict_of_interest:
        return _("Usulan: eskalasi langsung kepada %(m)s (konflik kepentingan: %(r)s).") % {
            "m": _ministries(case), "r": case.conflict_reason}
    return _("Usulan: kirim surat pengingat kepada PPK, lalu minta pemblokiran data ke BKN atau eskalasi kepada %(m)s.") % {
        "m": _ministries(case)}


def _next_step(case, clock):
    if clock.code == "REMINDER_RESPONSE":
        return _("Usulan: minta pemblokiran data ke BKN atau eskalasi kepada %(m)s.") % {"m": _ministries(case)}
    return ""


@shared_task(name="cases.tasks.sweep_deadlines_task")
def sweep_deadlines_task():
    return sweep_deadlines()


@shared_task(name="cases.tasks.flush_outbox_task")
def flush_outbox_task():
    return outbox_flush()
