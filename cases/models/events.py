"""Append-only audit trail of a case (a database trigger refuses UPDATE and DELETE)."""
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .case import Case
from .reference import Agency


class CaseEvent(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=80)  # dotted, stable: case.forwarded
    action = models.CharField(max_length=40, blank=True)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["case", "id"]), models.Index(fields=["code", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.code}"


class AccessKind(models.TextChoices):
    """What was opened. Codes are dotted and stable, like event codes."""

    EVIDENCE_ORIGINAL = "evidence.original", _("Berkas bukti asli")
    LETTER_CONFIDENTIAL = "letter.confidential", _("Surat rahasia")
    REPORTER_IDENTITY = "reporter.identity", _("Identitas pelapor")
    RESPONDENT_RECORD = "respondent.record", _("Data lengkap terlapor")


class AccessRecord(models.Model):
    """One display or download of something confidential: who (a person, or an API token's service user), when,
    which object (kind, id, and its name at the time), through which page or endpoint, and the case it belongs
    to. Append-only like CaseEvent (a database trigger refuses UPDATE and DELETE); written only through
    cases.services.access_record."""

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    user_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="access_records")
    kind = models.CharField(max_length=40, choices=AccessKind.choices)
    object_id = models.CharField(max_length=40)
    label = models.CharField(max_length=255, blank=True)
    via = models.CharField(max_length=200, blank=True, help_text="URL name or path of the page or endpoint")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["case", "id"]), models.Index(fields=["user", "at"]),
                   models.Index(fields=["kind", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.object_id}"
