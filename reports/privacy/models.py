"""Privacy models: the retention schedule (one row per class of data), the privacy audit trail, destroyed evidence
files, and requests from the people concerned (UU 27/2022)."""
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Agency, DeadlineRule, Respondent


class DataClass(models.TextChoices):
    """The classes of personal data the retention schedule covers; each has one handler in retention.py."""

    REPORTER_CONTACT = "reporter_contact", _("Kontak pelapor (alamat, telepon, e-mail, alamat IP)")
    ANONYMOUS_MESSAGES = "anonymous_messages", _("Pesan pelapor anonim")
    UNREGISTERED_EVIDENCE = "unregistered_evidence", _("Berkas bukti asli laporan yang tidak diregistrasi")
    DISMISSED_POSTS = "dismissed_posts", _("Unggahan hasil penapisan yang ditolak")
    CLOSED_CASE_PERSONAL = "closed_case_personal", _("Data pribadi pelapor pada perkara yang sudah selesai")
    ACCESS_RECORDS = "access_records", _("Catatan akses data pribadi")


class RetentionAction(models.TextChoices):
    ANONYMISE = "anonymise", _("Anonimkan")
    DELETE = "delete", _("Hapus")


class Certainty(models.TextChoices):
    V = "V", _("V: dibaca dalam teks hukum")
    R = "R", _("R: dinyatakan lembaga resmi")
    UNCONFIRMED = "UNCONFIRMED", _("UNCONFIRMED: belum diperiksa terhadap teks primer")


class RetentionRule(models.Model):
    """How long one class of personal data is kept and what happens after: data an administrator edits (the
    periods are UNCONFIRMED until an archive schedule (JRA) is adopted), read by retention_apply."""

    data_class = models.CharField(_("kelas data"), max_length=40, choices=DataClass.choices, unique=True)
    period_days = models.PositiveIntegerField(_("masa simpan (hari)"))
    starts_from = models.CharField(_("dihitung sejak"), max_length=200)
    action = models.CharField(_("tindakan"), max_length=10, choices=RetentionAction.choices)
    purpose = models.CharField(_("tujuan pemrosesan"), max_length=300)
    legal_basis = models.CharField(_("dasar hukum"), max_length=300)
    certainty = models.CharField(_("kepastian"), max_length=12, choices=Certainty.choices, default=Certainty.UNCONFIRMED)
    seen_by = models.CharField(_("yang melihat"), max_length=300)
    note = models.TextField(_("catatan"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("aturan retensi")
        verbose_name_plural = _("jadwal retensi")

    def __str__(self):
        return f"{self.get_data_class_display()}: {self.period_days} {_('hari')}, {self.get_action_display()}"


class PrivacyEvent(models.Model):
    """The privacy audit trail outside any case: retention runs, requests and their outcomes. Append-only like
    CaseEvent (a database trigger refuses UPDATE and DELETE); written only through privacy.services.privacy_event."""

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=80)  # dotted, stable: privacy.retention.applied
    subject = models.CharField(max_length=80, blank=True)  # report:12, respondent:3, request:5
    payload = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["code", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.code}"


class DestroyedEvidence(models.Model):
    """An evidence original whose file was removed from storage by the retention schedule. The evidence row (name,
    size, SHA-256) stays untouched: its table is append-only (reports 0008) and letters still verify against the
    hash; this row says the content is gone, when, and under which rule."""

    evidence = models.OneToOneField("reports.Evidence", on_delete=models.PROTECT, related_name="destroyed")
    destroyed_at = models.DateTimeField(default=timezone.now)
    data_class = models.CharField(max_length=40, choices=DataClass.choices)


class RequestKind(models.TextChoices):
    WITHDRAW_CONSENT = "withdraw_consent", _("Menarik persetujuan pemrosesan data")
    RESTRICT = "restrict", _("Membatasi pemrosesan identitas")
    DELETE_IDENTITY = "delete_identity", _("Menghapus identitas")
    ACCESS = "access", _("Melihat data pribadi yang disimpan")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Diproses")
    DONE = "done", _("Dipenuhi")
    REFUSED = "refused", _("Ditolak")


# The clock of each kind: a DeadlineRule row (cases/data/deadline_rules.csv), so length and basis are data.
REQUEST_CLOCKS = {
    RequestKind.WITHDRAW_CONSENT: "PDP_WITHDRAW_CONSENT",
    RequestKind.RESTRICT: "PDP_RESTRICT",
    RequestKind.DELETE_IDENTITY: "PDP_DELETE",
    RequestKind.ACCESS: "PDP_ACCESS",
}


class PrivacyRequest(models.Model):
    """A request of the person concerned: a reporter (from the tracking page, code + PIN) about their identity,
    or a respondent (recorded by an officer) to see their data. Each runs a 3x24-hour clock."""

    kind = models.CharField(_("jenis permintaan"), max_length=20, choices=RequestKind.choices)
    report = models.ForeignKey("reports.Report", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="privacy_requests")
    respondent = models.ForeignKey(Respondent, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="privacy_requests", verbose_name=_("terlapor"))
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("keterangan pemohon"), blank=True)
    reply_to = models.EmailField(_("e-mail pemohon untuk jawaban"), blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    rule = models.ForeignKey(DeadlineRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    outcome = models.TextField(_("jawaban kepada pemohon"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [models.CheckConstraint(
            condition=models.Q(report__isnull=False) | models.Q(respondent__isnull=False), name="privacy_request_subject")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def overdue(self):
        return self.status == RequestStatus.OPEN and self.due_at is not None and self.due_at < timezone.now()
