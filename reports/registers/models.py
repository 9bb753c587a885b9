"""Register sources (with their saved column mapping), uploaded register files and the rows they brought in."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import ElectionPeriod
from reports.models import Report


class RegisterSource(models.Model):
    """A register kept outside this system (Bawaslu register, LAPOR!, SIGAP, BKN): data, added by an administrator.

    `mapping` is the column mapping saved once per source: system field -> column heading in that source's files.
    """

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama sumber"), max_length=120)
    description = models.TextField(_("keterangan"), blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    mapping_updated_at = models.DateTimeField(null=True, blank=True)
    mapping_updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("sumber register")
        verbose_name_plural = _("sumber register")

    def __str__(self):
        return self.name


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Menunggu pemetaan kolom")
    CHECKED = "checked", _("Uji coba selesai")
    QUEUED = "queued", _("Dalam antrean")
    RUNNING = "running", _("Sedang diimpor")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal: tidak ada yang disimpan")


class RowAction(models.TextChoices):
    CREATE = "create", _("Laporan baru")
    UPDATE = "update", _("Diperbarui")
    MERGE = "merge", _("Digabung ke laporan yang ada")
    UNCHANGED = "unchanged", _("Sudah ada, tidak berubah")
    REJECT = "reject", _("Ditolak")


class RegisterImport(models.Model):
    """One uploaded register file: checked (dry run) first, then imported by a worker, all rows in one transaction.

    The file itself is kept only until the import ends (it may name reporters); its SHA-256 stays.
    """

    source = models.ForeignKey(RegisterSource, on_delete=models.PROTECT, related_name="imports",
                               verbose_name=_("sumber"))
    election = models.ForeignKey(ElectionPeriod, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("pemilihan"))
    name = models.CharField(_("nama berkas"), max_length=200)
    content = models.BinaryField(default=bytes)
    sha256 = models.CharField("SHA-256", max_length=64)
    headers = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    # The dry run: one entry per row ({"row", "action", "reference", "respondent", "errors", "report"}).
    plan = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("impor register")
        verbose_name_plural = _("impor register")

    def __str__(self):
        return f"{self.source} · {self.name}"

    @property
    def percent(self) -> int:
        if self.status in (ImportStatus.DONE, ImportStatus.FAILED):
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class RegisterEntry(models.Model):
    """A row of a source's register, by its reference in that source, and the report it became or joined.

    Unique per (source, reference): importing the same row again finds it here and changes nothing.
    """

    source = models.ForeignKey(RegisterSource, on_delete=models.PROTECT, related_name="entries")
    reference = models.CharField(_("nomor di sumber"), max_length=100)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="register_entries")
    created_report = models.BooleanField(default=False)  # False: the row joined a report that already existed
    row_hash = models.CharField(max_length=64)
    row_number = models.PositiveIntegerField()
    register_import = models.ForeignKey(RegisterImport, on_delete=models.PROTECT, related_name="entries")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["source", "reference"]
        constraints = [models.UniqueConstraint(fields=["source", "reference"], name="register_entry_source_ref")]
        indexes = [models.Index(fields=["report", "source"], name="register_entry_report")]

    def __str__(self):
        return f"{self.source.code}:{self.reference}"
