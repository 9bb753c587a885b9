"""Issued letters and their gap-free per-agency, per-year numbering."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .case import Case, CaseRespondent
from .reference import Agency


class LetterKind(models.TextChoices):
    RECEIPT = "RECEIPT", _("Tanda terima laporan")
    COMPLETION_REQUEST = "COMPLETION_REQUEST", _("Permintaan kelengkapan")
    STATUS_NOTICE = "STATUS_NOTICE", _("Pemberitahuan status laporan")
    FORWARDING = "FORWARDING", _("Penerusan")
    RECOMMENDATION = "RECOMMENDATION", _("Rekomendasi")
    REMINDER = "REMINDER", _("Pengingat")
    BLOCK_REQUEST = "BLOCK_REQUEST", _("Permintaan pemblokiran data")
    UNBLOCK_NOTICE = "UNBLOCK_NOTICE", _("Pemberitahuan buka blokir")
    ESCALATION_WARNING = "ESCALATION_WARNING", _("Peringatan kepada PPK")
    PRESIDENT_REPORT = "PRESIDENT_REPORT", _("Laporan kepada Presiden")
    CLOSING_NOTICE = "CLOSING_NOTICE", _("Pemberitahuan penutupan")


class LetterSequence(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="uniq_letter_seq")]


class Letter(models.Model):
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="letters")
    track = models.ForeignKey(CaseRespondent, null=True, blank=True, on_delete=models.PROTECT, related_name="letters")
    subject_ref = models.CharField(max_length=60, blank=True, help_text="e.g. report:123 for receipts")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="letters")
    year = models.PositiveIntegerField()
    seq = models.PositiveIntegerField()
    number = models.CharField(max_length=100)
    sifat = models.CharField(max_length=20, default="Biasa")
    hal = models.CharField(max_length=300)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    verify_token = models.CharField(max_length=40, unique=True)
    void = models.BooleanField(default=False)
    void_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["agency", "year", "seq"], name="uniq_letter_number")]

    def __str__(self):
        return self.number
