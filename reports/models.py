"""Intake models: reports (laporan/temuan/lead), reporters, evidence, report audit, information requests."""
import secrets

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Agency, Case, ElectionPeriod, ElectionStage, Region

# Short and unambiguous: no 0/O, 1/I/L.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 10


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(TRACKING_LENGTH))


def normalise_tracking_code(raw: str) -> str:
    """What a reporter types ("abcde-fghjk", with spaces) to the stored form."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def new_pin() -> str:
    return f"{secrets.randbelow(10 ** 8):08d}"


class ReportKind(models.TextChoices):
    LAPORAN = "laporan", _("Laporan")
    TEMUAN = "temuan", _("Temuan")
    LEAD = "lead", _("Informasi awal")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Diterima")
    FORMAL_CHECK = "formal_check", _("Kajian awal")
    REGISTERED = "registered", _("Teregistrasi")
    # Perbawaslu 7/2022 Pasal 22: after the initial review, straight to the supervisory body, not registered.
    FORWARDED = "forwarded", _("Diteruskan ke lembaga pengawas tanpa registrasi")
    INCOMPLETE = "incomplete", _("Perlu dilengkapi")
    NOT_REGISTRABLE = "not_registrable", _("Tidak dapat diregistrasi")
    MERGED = "merged", _("Digabung")
    LEAD = "lead", _("Informasi awal (lead)")

    @classmethod
    def checkable(cls):
        """Statuses from which an officer may decide the outcome of the formal/material check."""
        return {cls.SUBMITTED, cls.FORMAL_CHECK, cls.INCOMPLETE}

    @classmethod
    def with_case(cls):
        """Outcomes that hand the report to a case: registered, or forwarded without registration."""
        return {cls.REGISTERED, cls.FORWARDED}


class CheckOutcome(models.TextChoices):
    """Every exit of the initial review the law has (Perbawaslu 7/2022; domain.md §3)."""

    REGISTER = "register", _("Registrasi")
    FORWARD = "forward", _("Teruskan ke lembaga pengawas tanpa registrasi (Perbawaslu 7/2022 Pasal 22)")
    INCOMPLETE = "incomplete", _("Minta dilengkapi")
    NOT_REGISTRABLE = "not_registrable", _("Tidak dapat diregistrasi")
    MERGE = "merge", _("Gabungkan dengan laporan lain")
    LEAD = "lead", _("Jadikan informasi awal")


class Anonymity(models.TextChoices):
    NAMED = "named", _("Dengan identitas")
    CONFIDENTIAL = "confidential", _("Identitas dirahasiakan")
    ANONYMOUS = "anonymous", _("Anonim")


class Channel(models.TextChoices):
    WEB = "web", _("Formulir daring")
    OFFICE = "office", _("Diterima di kantor Bawaslu")
    FINDING = "finding", _("Pengawasan Bawaslu")
    SCREENING = "screening", _("Penapisan media sosial")
    API = "api", _("API")
    REGISTER = "register", _("Impor register sumber lain")  # reports.registers: the source is on its RegisterEntry


class Standing(models.TextChoices):
    VOTER = "voter", _("Warga negara yang mempunyai hak pilih")
    MONITOR = "monitor", _("Pemantau pemilihan")
    PARTICIPANT = "participant", _("Peserta pemilihan")


class Report(models.Model):
    tracking_code = models.CharField(_("kode pelacakan"), max_length=TRACKING_LENGTH, unique=True, default=new_tracking_code)
    pin_hash = models.CharField(max_length=128, blank=True)
    kind = models.CharField(max_length=10, choices=ReportKind.choices, default=ReportKind.LAPORAN)
    status = models.CharField(max_length=20, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    anonymity = models.CharField(_("identitas pelapor"), max_length=15, choices=Anonymity.choices, default=Anonymity.NAMED)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)

    election = models.ForeignKey(ElectionPeriod, on_delete=models.PROTECT, related_name="reports", verbose_name=_("pemilihan"))
    stage = models.ForeignKey(ElectionStage, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("tahapan"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="reports", verbose_name=_("wilayah kejadian"))
    region_code = models.CharField(max_length=13)  # denormalised for prefix scope filters

    respondent_name = models.CharField(_("nama terlapor"), max_length=200)
    respondent_nip = models.CharField(_("NIP terlapor"), max_length=18, blank=True)
    respondent_position = models.CharField(_("jabatan terlapor"), max_length=200, blank=True)
    respondent_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("instansi terlapor"))
    respondent_agency_text = models.CharField(_("instansi terlapor (jika tidak ada di daftar)"), max_length=200, blank=True)

    occurred_on = models.DateField(_("tanggal kejadian"), null=True, blank=True)
    known_on = models.DateField(_("tanggal diketahui"), null=True, blank=True)
    place = models.CharField(_("tempat kejadian"), max_length=200, blank=True)
    description = models.TextField(_("uraian kejadian"))
    links = models.TextField(_("tautan unggahan"), blank=True, help_text=_("Satu tautan per baris"))

    received_at = models.DateTimeField(_("tanggal diterima"), default=timezone.now)
    submitted_ip = models.GenericIPAddressField(null=True, blank=True)  # never for anonymous reports
    submitted_user_agent = models.CharField(max_length=300, blank=True)  # never for anonymous reports
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # Outbox of receipts: set in the submitting transaction, cleared once the receipt letter is issued
    # (reports.letters.receipts_issue_due). The database default keeps inserts without it valid.
    receipt_due = models.BooleanField(default=False, db_default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_reports")
    decision_reason = models.TextField(_("alasan"), blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    failed_pin_attempts = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("laporan")
        verbose_name_plural = _("laporan")
        indexes = [
            models.Index(fields=["region_code", "status", "-id"], name="report_region_status_id",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "int8_ops"]),
            models.Index(fields=["election", "respondent_nip"], name="report_election_nip"),
            GinIndex(fields=["description"], name="report_description_trgm", opclasses=["gin_trgm_ops"]),
            models.Index(fields=["id"], condition=models.Q(receipt_due=True), name="report_receipt_due"),
            # The home page's "awaiting the check" card: the waiting reports oldest first (reports.home).
            models.Index(fields=["received_at", "id"], include=["region_code"], name="report_waiting_received",
                         condition=models.Q(status__in=[ReportStatus.SUBMITTED, ReportStatus.FORMAL_CHECK,
                                                        ReportStatus.INCOMPLETE])),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(anonymity="anonymous") | (models.Q(submitted_ip__isnull=True) & models.Q(submitted_user_agent="")),
                name="report_anonymous_no_ip_ua"),
        ]

    def __str__(self):
        return self.tracking_code_display

    @property
    def tracking_code_display(self):
        return f"{self.tracking_code[:5]}-{self.tracking_code[5:]}"

    @property
    def respondent_agency_name(self):
        return self.respondent_agency.name if self.respondent_agency_id else self.respondent_agency_text

    @property
    def link_list(self):
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    @property
    def is_locked(self):
        return bool(self.locked_until and self.locked_until > timezone.now())

    def primary(self):
        """The report whose stage a merged report's tracker sees (follows merge chains)."""
        report, seen = self, set()
        while report.merged_into_id and report.pk not in seen:
            seen.add(report.pk)
            report = report.merged_into
        return report


class Reporter(models.Model):
    """Who filed a report; a separate table so identity can be protected (never made for anonymous reports)."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="reporter")
    name = models.CharField(_("nama pelapor"), max_length=200)
    address = models.CharField(_("alamat pelapor"), max_length=300, blank=True)
    phone = models.CharField(_("telepon"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    standing = models.CharField(_("kedudukan pelapor"), max_length=15, choices=Standing.choices, blank=True)

    class Meta:
        verbose_name = _("pelapor")
        verbose_name_plural = _("pelapor")

    def __str__(self):
        return self.name

    def clean(self):
        if self.report.anonymity == Anonymity.ANONYMOUS:
            raise ValidationError(_("Laporan anonim tidak menyimpan identitas pelapor."))


def evidence_path(instance, filename):
    now = timezone.now()
    return f"evidence/{now:%Y/%m}/{secrets.token_hex(16)}"


class Evidence(models.Model):
    """An uploaded original: stored privately, type checked by content, hashed while stored, never altered."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    preview = models.FileField(max_length=200, blank=True)  # derived, metadata stripped
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("bukti")
        verbose_name_plural = _("bukti")

    def __str__(self):
        return self.original_name

    @property
    def uploader_label(self):
        return str(self.uploaded_by) if self.uploaded_by_id else _("pelapor")

    @property
    def is_image(self):
        return self.content_type.startswith("image/")

    def save(self, *args, **kwargs):
        if self.pk and not kwargs.get("update_fields") == ["preview"]:
            raise ValidationError(_("Bukti asli tidak boleh diubah."))
        super().save(*args, **kwargs)


class ReportEvent(models.Model):
    """Append-only audit of a report (a database trigger refuses UPDATE and DELETE)."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=80)  # dotted, stable: report.submitted
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["report", "id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.code}"


class InfoRequestStatus(models.TextChoices):
    OPEN = "open", _("Menunggu jawaban")
    ANSWERED = "answered", _("Dijawab")
    LAPSED = "lapsed", _("Tidak dijawab sampai batas waktu")


class InfoRequest(models.Model):
    """An officer asks the reporter to complete the report; the reporter answers on the tracking page."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="info_requests")
    question = models.TextField(_("yang perlu dilengkapi"))
    due_on = models.DateField(_("batas waktu"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=InfoRequestStatus.choices, default=InfoRequestStatus.OPEN)
    answer = models.TextField(_("jawaban"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name = _("permintaan keterangan")
        verbose_name_plural = _("permintaan keterangan")


class MessageDirection(models.TextChoices):
    TO_REPORTER = "to_reporter", _("Kepada pelapor")
    FROM_REPORTER = "from_reporter", _("Dari pelapor")


class ReportMessage(models.Model):
    """One message between the reporter (tracking code + PIN, anonymous included) and the officers handling the report.

    Written only by reports.messaging, which records each in the report's audit (and the case's, once there is one).
    The reporter sees the sending agency, never the officer's name.
    """

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="messages")
    direction = models.CharField(max_length=15, choices=MessageDirection.choices)
    body = models.TextField(_("pesan"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    author_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    info_request = models.ForeignKey(InfoRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="messages")
    attachments = models.ManyToManyField(Evidence, blank=True, related_name="messages")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["report", "created_at"])]
        verbose_name = _("pesan")
        verbose_name_plural = _("pesan")
        constraints = [
            models.CheckConstraint(condition=models.Q(direction="from_reporter", author__isnull=True)
                                   | models.Q(direction="to_reporter", author__isnull=False),
                                   name="report_message_author_matches_direction"),
        ]

    def __str__(self):
        return f"{self.report} {self.direction} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def from_reporter(self):
        return self.direction == MessageDirection.FROM_REPORTER
