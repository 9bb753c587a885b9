"""Services of the officer workspace that are not case transitions: notes with @mentions, reassignment
with a reason, marking notifications read, and checking an uploaded decree before it is stored."""
import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case, Note, Notification, User
from cases.services import event_record, notify

MENTION_RE = re.compile(r"(?<![\w@])@([\w.\-]{2,150})")
NOTE_MAX = 5000


def _sees_case(user, case) -> bool:
    from cases.selectors import cases_visible_to

    return cases_visible_to(user).filter(pk=case.pk).exists()


def note_add(*, actor, case: Case, body: str) -> Note:
    """An internal note; each @username who may see the case is notified (others are ignored, silently:
    naming the case to someone outside its scope would disclose it)."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Catatan tidak boleh kosong.")})
    if len(body) > NOTE_MAX:
        raise ValidationError({"body": _("Catatan paling banyak %(n)d karakter.") % {"n": NOTE_MAX}})
    names = {m.rstrip(".").lower() for m in MENTION_RE.findall(body)}
    candidates = User.objects.filter(username__in=[n for n in names], is_active=True).exclude(pk=actor.pk) if names else []
    mentioned = [u for u in candidates if _sees_case(u, case)]
    with transaction.atomic():
        note = Note.objects.create(case=case, author=actor, body=body)
        if mentioned:
            note.mentions.set(mentioned)
            who = actor.get_full_name() or actor.username
            notify(users=mentioned, case=case, kind="mention",
                   message=gettext_lazy("%(who)s menyebut Anda dalam catatan perkara %(n)s."), params={"who": who, "n": case.number})
        event_record(case=case, actor=actor, code="case.note.added",
                     payload={"note": note.pk, "mentions": [u.username for u in mentioned]})
    return note


def case_reassign(*, actor, case: Case, officer: User, reason: str) -> Case:
    """Reassign through the workflow's `assign` action; the reason is kept as a note on the case."""
    from cases.workflow import Action, perform

    reason = (reason or "").strip()
    if not reason and (case.bawaslu_owner_id or case.supervisor_owner_id):
        raise ValidationError({"reason": _("Alasan pengalihan wajib diisi bila perkara sudah punya petugas.")})
    with transaction.atomic():
        case = perform(Action.ASSIGN, actor=actor, case=case, officer=officer)
        if reason:
            Note.objects.create(case=case, author=actor,
                                body=_("Dialihkan kepada %(who)s: %(why)s") % {"who": officer.username, "why": reason})
    return case


def notifications_mark_read(*, actor, ids=None) -> int:
    """Mark the actor's notifications read (all unread, or only `ids`); someone else's ids are ignored."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


PDF_MAGIC = b"%PDF-"


def decree_checked(upload) -> tuple:
    """An uploaded decree (SK): a PDF within the size limit. Returns (file, sha256); refuses before storing."""
    if upload is None:
        return None, ""
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError({"document": _("Berkas SK terlalu besar: paling besar %(mb)d MB.")
                               % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}})
    head = upload.read(5)
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError({"document": _("Berkas SK harus PDF (isi berkas bukan PDF).")})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return upload, digest.hexdigest()
