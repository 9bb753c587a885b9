"""Case side effects: the one audit writer, notifications with their e-mails (outbox), event hooks."""
import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from cases.models import AccessKind, AccessRecord, Case, CaseEvent, Notification, Outbox, Role, User

log = logging.getLogger(__name__)

# Other modules (letters) register here: EVENT_HOOKS["case.recommendation.issued"].append(fn).
# Each hook runs after the commit that wrote the event, with the event as its only argument.
EVENT_HOOKS: dict[str, list[Callable]] = {}


def register_event_hook(code: str, fn: Callable) -> None:
    EVENT_HOOKS.setdefault(code, [])
    if fn not in EVENT_HOOKS[code]:
        EVENT_HOOKS[code].append(fn)


def run_event_hooks(event: CaseEvent) -> None:
    for fn in EVENT_HOOKS.get(event.code, []):
        try:
            fn(event)
        except Exception:  # a failing letter must not undo the committed change; it is logged and retried by hand
            log.exception("event hook %r failed for %s (event %s)", fn, event.code, event.pk)


def event_record(*, case: Case, code: str, actor=None, action: str = "", from_status: str = "",
                 to_status: str = "", reason: str = "", payload: dict | None = None) -> CaseEvent:
    """Append one CaseEvent; registered hooks run once the transaction commits."""
    event = CaseEvent.objects.create(
        case=case, code=code, actor=actor, actor_agency_id=getattr(actor, "agency_id", None), action=action,
        from_status=from_status, to_status=to_status, reason=reason, payload=payload or {})
    if EVENT_HOOKS.get(code):
        transaction.on_commit(lambda: run_event_hooks(event))
    return event


def access_record(*, actor, kind: str, object_id, label: str = "", via: str = "", case=None) -> AccessRecord:
    """Record one display or download of something confidential: the one writer of AccessRecord (append-only)."""
    return AccessRecord.objects.create(
        user=actor, user_agency_id=getattr(actor, "agency_id", None), case_id=getattr(case, "pk", case),
        kind=kind, object_id=str(object_id)[:40], label=(label or "")[:255], via=(via or "")[:200])


def access_records_many(*, actor, kind: str, objects: Iterable[tuple], via: str = "") -> int:
    """Record a display of several objects at once (a list page, a case page's respondents): one INSERT.
    `objects` are (object_id, label, case) triples."""
    rows = [AccessRecord(user=actor, user_agency_id=getattr(actor, "agency_id", None),
                         case_id=getattr(case, "pk", case), kind=kind, object_id=str(object_id)[:40],
                         label=(label or "")[:255], via=(via or "")[:200]) for object_id, label, case in objects]
    AccessRecord.objects.bulk_create(rows)
    return len(rows)


def respondents_shown(*, actor, case, tracks, via: str = "") -> int:
    """Record that a case page showed these respondents' records in full (masked rows are not a display). The label
    is the record's key (NIP, else the respondent row), never more personal data than the record already names."""
    shown = [t for t in tracks if not getattr(t, "masked", False)]
    return access_records_many(actor=actor, kind=AccessKind.RESPONDENT_RECORD, via=via, objects=[
        (t.respondent_id, t.respondent.nip or f"respondent:{t.respondent_id}", case) for t in shown])


def letter_opened(*, actor, letter, via: str = "") -> None:
    """Record the download of a confidential ("Rahasia") letter; other letters are not recorded."""
    if letter.is_confidential:
        access_record(actor=actor, kind=AccessKind.LETTER_CONFIDENTIAL, object_id=letter.pk, label=letter.number,
                      via=via, case=letter.case_id)


def request_origin(request) -> str:
    """The page or endpoint a request came through, for an access record: its URL name, else its path."""
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match and match.view_name else request.path)[:200]


# --- notifications and outbox ---------------------------------------------------------------------------------

def users_with_role(role: str, **filters):
    return User.objects.filter(groups__name=role, is_active=True, **filters).distinct()


def responsible_users(case: Case, party: str, *, tracks=None):
    """Who answers for a step: an assigned owner first, else everyone holding the role for the case.

    For the PPK side, `tracks` names the respondents the step is about: only their agencies' liaisons are told
    (a message naming a respondent must not reach another agency's liaison; issue #28)."""
    if party == "bawaslu":
        if case.bawaslu_owner_id:
            return User.objects.filter(pk=case.bawaslu_owner_id, is_active=True)
        if case.bawaslu_office_id:
            return users_with_role(Role.BAWASLU, agency_id=case.bawaslu_office_id)
        return users_with_role(Role.BAWASLU, region_id=case.region_id)
    if party == "supervisor":
        if case.supervisor_owner_id:
            return User.objects.filter(pk=case.supervisor_owner_id, is_active=True)
        return users_with_role(Role.ANALYST)
    if party == "approver":
        return users_with_role(Role.APPROVER)
    if party == "ppk":
        agencies = case.tracks.values("agency_id") if tracks is None else [t.agency_id for t in tracks]
        return users_with_role(Role.PPK_LIAISON, agency_id__in=agencies)
    role = {"bkn": Role.BKN, "kemenpanrb": Role.KEMENPANRB, "kemendagri": Role.KEMENDAGRI}[party]
    return users_with_role(role)


@contextmanager
def system_language():
    """Build what is stored or sent for other people (notifications, e-mails, closing reasons) in the site's
    language, Indonesian: the recipients did not choose the acting officer's language, and a record must not change
    language with whoever happened to act. Error messages for the acting user stay in their own language."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


# A notification's kind shown as a label on the notifications page. Other apps add theirs from AppConfig.ready with
# register_notification_kind, as they add menu links: cases does not name them.
NOTIFICATION_KINDS = {
    "assigned": gettext_lazy("Penugasan"), "mention": gettext_lazy("Disebut"), "forwarded": gettext_lazy("Diteruskan"),
    "recommendation_drafted": gettext_lazy("Draf rekomendasi"), "recommendation_issued": gettext_lazy("Rekomendasi"),
    "sanction_recorded": gettext_lazy("Sanksi"), "closed": gettext_lazy("Ditutup"), "due_soon": gettext_lazy("Segera jatuh tempo"),
    "overdue": gettext_lazy("Terlambat"), "information_received": gettext_lazy("Permintaan dijawab"),
    "decision_returned": gettext_lazy("Keputusan dikembalikan"), "reopened": gettext_lazy("Dibuka kembali"),
}


def register_notification_kind(kind: str, label) -> None:
    """Name another app's notification kind (a gettext_lazy label) for the notifications page."""
    NOTIFICATION_KINDS[kind] = label


def notify(*, users: Iterable, case: Case | None, kind: str, message, params: dict | None = None,
           dedupe: str | None = None) -> int:
    """In-app notification plus an outbox e-mail per user, in the caller's transaction.

    `message` is a gettext_lazy template (with `params` for its %(name)s fields), written in the site's language
    whatever language the acting user reads (see system_language); a plain str is stored as it is.

    With `dedupe`, each (dedupe, user) is written at most once even from concurrent transactions:
    the unique index makes the second writer wait, then fail, and it skips the e-mail too.
    """
    with system_language():
        message = str(message) % params if params is not None else str(message)
    written = 0
    for user in users:
        key = f"{dedupe}:u{user.pk}" if dedupe else None
        try:
            with transaction.atomic():
                Notification.objects.create(user=user, case=case, kind=kind, message=message[:400], dedupe_key=key)
        except IntegrityError:
            continue
        written += 1
        if user.email:
            subject = f"[{case.number}] {message}" if case else message
            Outbox.objects.create(to=user.email, subject=subject[:300], body=message)
    return written


def outbox_flush(*, limit: int = 100, max_attempts: int = 5) -> int:
    """Send unsent e-mails; rows locked with SKIP LOCKED so parallel flushers never send the same row."""
    sent = 0
    with transaction.atomic():
        rows = list(Outbox.objects.select_for_update(skip_locked=True)
                    .filter(sent_at__isnull=True, attempts__lt=max_attempts).order_by("id")[:limit])
        for row in rows:
            row.attempts += 1
            try:
                send_mail(row.subject, row.body, settings.DEFAULT_FROM_EMAIL, [row.to])
            except Exception as exc:  # SMTP errors vary by backend; the row stays unsent for the next run
                row.last_error = str(exc)[:2000]
                row.save(update_fields=["attempts", "last_error"])
                continue
            row.sent_at = timezone.now()
            row.save(update_fields=["attempts", "sent_at"])
            sent += 1
    return sent
