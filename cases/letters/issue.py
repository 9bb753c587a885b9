"""Issuing and voiding letters: number, render once, store with its SHA-256, audit (services)."""
import base64
import hashlib
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.letters import signing
from cases.letters.context import letter_context
from cases.letters.numbering import number_format, sequence_next
from cases.letters.render import DEFAULT_HAL, render_letter_pdf
from cases.models import Letter, LetterKind, Role
from cases.services import event_record
from cases.workflow import ActionNotAllowed, InvalidTransition

_CODE_RE = re.compile(r"[^A-Z2-7]")


def verify_token_new() -> str:
    """80 random bits in base32 (A-Z, 2-7): 16 characters a person can read out and type without ambiguity."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii")


def verify_code_display(token: str) -> str:
    """"ABCDEFGHIJKLMNOP" -> "ABCD-EFGH-IJKL-MNOP" (the short code printed on every page)."""
    return "-".join(token[i:i + 4] for i in range(0, len(token), 4))


def verify_code_normalise(text: str) -> str:
    """What a person typed ("abcd efgh-ijkl…") back to the token."""
    return _CODE_RE.sub("", (text or "").upper())


def verify_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("letters:verify", args=[token])


def letter_issue(*, actor, kind, agency, case=None, track=None, tracks=None, sifat="Biasa", extra=None,
                 subject_ref="", on=None, upto=None, to=None) -> Letter:
    """Number, render and store one letter in one transaction; a case letter writes `letter.issued`.

    The agency's sequence row stays locked from numbering to commit, so a failed render rolls the number back
    and parallel issuers get consecutive numbers. `extra` overrides context keys (e.g. body_extra, reporter);
    `upto` is the event that issues the letter (its facts end there), `to` an addressee agency.
    """
    try:
        kind = LetterKind(kind)
    except ValueError:
        raise ValidationError({"kind": _("Jenis surat \u201c%(k)s\u201d tidak dikenal.") % {"k": kind}})
    tracks = list(tracks if tracks is not None else ([track] if track is not None else []))
    on = on or timezone.localdate()
    with translation.override("id"):  # an official letter is Indonesian, whatever language its issuer reads
        context = letter_context(kind, agency=agency, actor=actor, case=case, tracks=tracks, on=on, upto=upto, to=to)
    context.update(extra or {})
    token = verify_token_new()
    context.update(sifat=sifat, verify_url=verify_url(token), verify_code=verify_code_display(token))
    # The signature block says the letter is signed electronically, and under whose certification.
    context["signer"] = {**context.get("signer", {}), "electronic": True,
                         "certificate": signing.certificate_authority(agency)}
    with transaction.atomic():
        seq = sequence_next(agency=agency, year=on.year)
        context["number"] = number_format(agency.number_pattern, sifat=sifat, seq=seq, code=agency.code, on=on)
        pdf, signer_subject, signed_at = signing.pdf_sign(render_letter_pdf(kind, context), agency,
                                                          location=context.get("place", ""))
        letter = Letter.objects.create(
            kind=kind, case=case, track=tracks[0] if len(tracks) == 1 else None, subject_ref=subject_ref[:60],
            agency=agency, year=on.year, seq=seq, number=context["number"], sifat=sifat,
            hal=(context.get("hal") or DEFAULT_HAL[kind])[:300], issued_by=actor, pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(), verify_token=token, signer_subject=signer_subject[:300],
            signed_at=signed_at)
        letter.tracks.set(tracks)
        if case is not None:
            event_record(case=case, code="letter.issued", actor=actor, payload={
                "letter": letter.pk, "kind": kind, "number": letter.number, "sha256": letter.sha256,
                "tracks": [t.pk for t in tracks]})
    return letter


def _may_void(actor, letter) -> bool:
    return actor is not None and (actor.has_role(Role.ADMIN) or (
        actor.agency_id == letter.agency_id and actor.has_role(Role.APPROVER, Role.BAWASLU, Role.BKN,
                                                               Role.KEMENPANRB, Role.KEMENDAGRI)))


def letter_void(*, actor, letter, reason) -> Letter:
    """Cancel a letter: it keeps its number (no gap, no reuse) and its stored bytes; verification shows it void."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Alasan pembatalan surat wajib diisi.")})
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if not _may_void(actor, letter):
            raise ActionNotAllowed(_("Hanya petugas instansi penerbit yang dapat membatalkan surat %(n)s.")
                                   % {"n": letter.number}, action="void_letter")
        if letter.void:
            raise InvalidTransition(_("Surat %(n)s sudah dibatalkan.") % {"n": letter.number}, action="void_letter")
        letter.void, letter.void_reason = True, reason[:300]
        letter.save(update_fields=["void", "void_reason"])
        if letter.case_id:
            event_record(case=letter.case, code="letter.voided", actor=actor, reason=reason,
                         payload={"letter": letter.pk, "kind": letter.kind, "number": letter.number,
                                  "sha256": letter.sha256})
    return letter
