"""Services of the officer workspace: notes with @mentions, the one door to a workflow action for the case page
and the API, marking notifications read, and checking an uploaded decree before it is stored."""
import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case, Note, Notification, User
from cases.selectors import cases_visible_to
from cases.services import event_record, notify
from cases.workflow import Action, perform

MENTION_RE = re.compile(r"(?<![\w@])@([\w.\-]{2,150})")
NOTE_MAX = 5000


def _sees_case(user, case) -> bool:
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


def case_act(*, actor, case: Case, action: str, params: dict, version: int | None = None):
    """One workflow action from the case page or the API, `params` as the action's form (cases.workspace_forms)
    cleaned them: an uploaded decree is checked before anything is stored, then cases.workflow.perform runs it."""
    params = dict(params)
    if action == Action.RECORD_SANCTION:
        params["document"], params["document_sha256"] = decree_checked(params.pop("document", None))
    return perform(action, actor=actor, case=case, version=version, **params)


def stale_message(exc) -> str:
    """What changed on the case since the page was shown, by whom and when; nothing was done."""
    event = exc.event
    if event is None:  # a version that was never the case's
        return _("Versi perkara yang dikirim tidak cocok dengan keadaan sekarang; tidak ada yang diubah. Muat ulang "
                 "perkara lalu ulangi.")
    who = (event.actor.get_full_name() or event.actor.username) if event.actor_id else _("sistem")
    return _("Perkara ini telah berubah sejak halaman dibuka: \u201c%(what)s\u201d oleh %(who)s pada %(when)s. "
             "Tidak ada yang diubah; periksa keadaan terbaru lalu ulangi bila masih perlu.") % {
        "what": Action(event.action).label, "who": who,
        "when": formats.date_format(timezone.localtime(event.at), "j M Y H:i")}


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
