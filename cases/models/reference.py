"""Reference data: regions, agencies, elections, violation catalogue, sanctions, clocks, holidays.

Every legal value is a row with its basis and validity dates, editable in the admin.
"""
import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


_EPOCH = dt.date(1900, 1, 1)


class RegionLevel(models.TextChoices):
    NATIONAL = "national", _("Nasional")
    PROVINCE = "province", _("Provinsi")
    REGENCY = "regency", _("Kabupaten/Kota")


class Region(models.Model):
    """A Kemendagri region; `code` prefixes nest ("11" ⊃ "11.01"), national is "00"."""

    code = models.CharField(max_length=13, unique=True)
    name = models.CharField(max_length=120)
    level = models.CharField(max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")

    def __str__(self):
        return self.name

    @property
    def is_national(self):
        return self.level == RegionLevel.NATIONAL

    def covers(self, code: str) -> bool:
        """True if a region code lies in this region (itself or below)."""
        return self.is_national or code == self.code or code.startswith(self.code + ".")

    def scope_q(self, field: str) -> Q:
        """Filter on a denormalised region-code field for this region and its children."""
        if self.is_national:
            return Q()
        return Q(**{field: self.code}) | Q(**{f"{field}__startswith": self.code + "."})

    @property
    def province_code(self):
        return self.code.split(".")[0]


class Dated(models.Model):
    """Validity window and legal basis shared by every legal reference row."""

    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    legal_basis = models.TextField(blank=True)

    class Meta:
        abstract = True

    @classmethod
    def in_force_q(cls, on):
        return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


class AgencyKind(models.TextChoices):
    SKB = "skb", _("Lembaga SKB")
    BAWASLU_OFFICE = "bawaslu_office", _("Kantor Bawaslu")
    CENTRAL = "central", _("Instansi pusat")
    REGIONAL = "regional", _("Instansi daerah")
    PRESIDENT = "president", _("Presiden")


class Agency(Dated):
    """An institution: SKB body, Bawaslu office or *instansi* with its PPK."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="agencies")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    ppk_title = models.CharField(_("jabatan PPK"), max_length=200, blank=True)
    ppk_name = models.CharField(_("nama PPK"), max_length=200, blank=True)
    ppk_is_candidate = models.BooleanField(_("PPK menjadi calon dalam pemilihan"), default=False)
    # Letterhead and numbering, editable per agency without code changes.
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=60, blank=True)
    website = models.CharField(max_length=120, blank=True)
    place = models.CharField(_("tempat surat"), max_length=80, blank=True, default="Jakarta")
    letterhead_image = models.CharField(max_length=200, blank=True, help_text=_("Path di static/, mis. letters/emblem.svg"))
    number_pattern = models.CharField(max_length=100, blank=True, default="{sifat}-{seq}/{code}/{month}/{year}")
    # Who signs is not the agency's: it is the acting officer's recorded authority (cases.models.LetterSigner).

    class Meta:
        ordering = ["code"]
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")

    def __str__(self):
        return self.name

    @property
    def is_regional(self):
        return self.kind == AgencyKind.REGIONAL


class SupervisoryBody(Dated):
    """The body that examines forwarded cases, in force on a date (KASN, then BKN, ...)."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    certainty = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("lembaga pengawas")
        verbose_name_plural = _("lembaga pengawas")

    def __str__(self):
        return self.name

    @classmethod
    def in_force(cls, on):
        """The body recorded (with its agency) as starting last on or before `on`.

        A body stays in force until an administrator records its successor with a start date: the law sets a
        deadline for creating the next body, not the day it starts, so no row switches over by itself.
        """
        started = Q(valid_from__isnull=True) | Q(valid_from__lte=on)
        return cls.objects.filter(started, agency__isnull=False).select_related("agency").order_by(
            models.F("valid_from").desc(nulls_last=True)).first()


class ElectionType(models.TextChoices):
    NATIONAL = "pemilu", _("Pemilu")
    REGIONAL = "pilkada", _("Pilkada")


class ElectionPeriod(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    election_type = models.CharField(max_length=10, choices=ElectionType.choices)
    voting_date = models.DateField(null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    region_scope = models.CharField(max_length=120, blank=True)
    screening_review_threshold = models.FloatField(null=True, blank=True)
    screening_priority_threshold = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-voting_date"]
        verbose_name = _("pemilihan")
        verbose_name_plural = _("pemilihan")

    def __str__(self):
        return self.name


class ElectionStage(models.Model):
    election = models.ForeignKey(ElectionPeriod, on_delete=models.CASCADE, related_name="stages")
    slug = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["election", "starts_on"]
        constraints = [models.UniqueConstraint(fields=["election", "slug"], name="uniq_stage_slug")]
        verbose_name = _("tahapan")
        verbose_name_plural = _("tahapan")

    def __str__(self):
        return f"{self.election} – {self.name}"


class ViolationType(Dated):
    """One row of the SKB Annex II catalogue, with ethics and discipline defaults."""

    code = models.CharField(max_length=40, unique=True)
    name_id = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300, blank=True)
    social_media = models.BooleanField(default=False)
    ethics_default = models.CharField(max_length=20, blank=True)
    discipline_default = models.CharField(max_length=20, blank=True)
    criminal_basis = models.CharField(max_length=200, blank=True)
    certainty = models.CharField(max_length=20, blank=True)
    phase = models.CharField(max_length=60, blank=True)
    election_types = models.CharField(max_length=40, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = _("jenis pelanggaran")
        verbose_name_plural = _("jenis pelanggaran")

    def __str__(self):
        return self.name_id


class SanctionType(Dated):
    code = models.CharField(max_length=40, unique=True)
    name_id = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300, blank=True)
    category = models.CharField(max_length=20)
    level = models.CharField(max_length=20)
    employee_type = models.CharField(max_length=10, default="any")
    certainty = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["category", "level", "code"]
        verbose_name = _("jenis sanksi")
        verbose_name_plural = _("jenis sanksi")

    def __str__(self):
        return self.name_id


class EmployeeRegime(Dated):
    """The regulation that governs the discipline of one employee type (PNS: PP 94/2021; PPPK: PP 49/2018), named in
    the message that refuses a sanction type of the other regime."""

    employee_type = models.CharField(max_length=10, help_text="pns or pppk")
    regulation = models.CharField(_("peraturan"), max_length=120)
    certainty = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["employee_type", "valid_from"]
        verbose_name = _("peraturan disiplin per jenis pegawai")
        verbose_name_plural = _("peraturan disiplin per jenis pegawai")

    def __str__(self):
        return f"{self.employee_type}: {self.regulation}"

    @classmethod
    def in_force(cls, employee_type, on):
        return cls.objects.filter(cls.in_force_q(on), employee_type=employee_type).order_by("-valid_from").first()


class EscalationStep(Dated):
    """One rung of the escalation ladder after a PPK lapses (reminder → block request → warning via KemenPAN-RB or
    Kemendagri → report to the President): its order, the least working days after the step before it, who must
    act next, and the clock it starts. A step taken out of order needs a stated reason."""

    code = models.CharField(max_length=40, unique=True)
    order = models.PositiveSmallIntegerField()
    action = models.CharField(max_length=40, help_text="cases.workflow.Action value")
    min_working_days = models.PositiveIntegerField(default=0, help_text=_("hari kerja paling sedikit sejak langkah sebelumnya"))
    next_actor = models.CharField(_("yang harus bertindak berikutnya"), max_length=200)
    clock = models.CharField(max_length=40, blank=True, help_text=_("kode DeadlineRule yang dimulai langkah ini"))
    certainty = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("langkah eskalasi")
        verbose_name_plural = _("langkah eskalasi")

    def __str__(self):
        return f"{self.order}. {self.code}"


class DayUnit(models.TextChoices):
    WORKING = "working", _("hari kerja")
    CALENDAR = "calendar", _("hari kalender")
    HOURS = "hours", _("jam")


class DeadlineRule(Dated):
    """One statutory clock: length and unit per election type, with its legal basis."""

    code = models.CharField(max_length=40)
    election_type = models.CharField(max_length=10, help_text="pemilu, pilkada or any")
    length = models.PositiveIntegerField()
    unit = models.CharField(max_length=10, choices=DayUnit.choices)
    start_event = models.CharField(max_length=200, blank=True)
    certainty = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    # Whether a *cuti bersama* day counts as a working day for this clock. The law does not say (UNCONFIRMED):
    # the default treats it as a day off, as government offices are closed; an administrator sets it per rule.
    cuti_bersama_working = models.BooleanField(_("cuti bersama dihitung hari kerja"), default=False)

    class Meta:
        ordering = ["code", "election_type"]
        verbose_name = _("aturan tenggat")
        verbose_name_plural = _("aturan tenggat")

    def __str__(self):
        return f"{self.code} ({self.election_type}): {self.length} {self.get_unit_display()}"

    @classmethod
    def for_clock(cls, code, election_type, on):
        """The rule in force on a date, preferring the election-specific row over `any`."""
        rows = cls.objects.filter(cls.in_force_q(on), code=code, election_type__in=[election_type, "any"])
        rows = sorted(rows, key=lambda r: (r.election_type == "any", -(r.valid_from or _EPOCH).toordinal()))
        return rows[0] if rows else None


class Holiday(models.Model):
    """A non-working day; officers edit this table, which is what the clocks read.

    `region` empty: a national day. A region (e.g. a Pilkada voting day declared a local holiday) applies to the
    clocks of cases in that region and below it.
    """

    date = models.DateField()
    name = models.CharField(max_length=200)
    cuti_bersama = models.BooleanField(_("cuti bersama"), default=False)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="holidays",
                               verbose_name=_("wilayah (kosong: nasional)"))
    source = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["date", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["date"], condition=Q(region__isnull=True), name="holiday_national_date"),
            models.UniqueConstraint(fields=["date", "region"], name="holiday_region_date"),
        ]
        verbose_name = _("hari libur")
        verbose_name_plural = _("hari libur")

    def __str__(self):
        where = f" ({self.region.name})" if self.region_id else ""
        return f"{self.date} {self.name}{where}"
