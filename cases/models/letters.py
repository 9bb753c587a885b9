"""Issued letters, their gap-free per-agency, per-year numbering, and the data a letter is built from:
letterheads, dated legal bases, and each officer's recorded authority to sign."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .case import Case, CaseRespondent
from .reference import Agency, Dated


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
    BLOCK_NOTICE = "BLOCK_NOTICE", _("Pemberitahuan pemblokiran data")
    ESCALATION_REQUEST = "ESCALATION_REQUEST", _("Permintaan teguran kepada PPK")
    UNBLOCK_REQUEST = "UNBLOCK_REQUEST", _("Permohonan buka blokir data")


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
    # Every respondent the letter names (track is set only when it names one): who may read a letter is decided
    # per respondent (cases.selectors.letters_visible_to).
    tracks = models.ManyToManyField(CaseRespondent, blank=True, related_name="+")
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
    # The certified electronic signature (PAdES) over `pdf`: who signed, and when by the signer's clock.
    signer_subject = models.CharField(max_length=300, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["agency", "year", "seq"], name="uniq_letter_number")]

    def __str__(self):
        return self.number

    @property
    def is_confidential(self) -> bool:
        """A "Rahasia" letter (recommendations, reports to the President): each download is recorded."""
        return self.sifat == "Rahasia"


class SigningMode(models.TextChoices):
    """How an officer signs (Peraturan ANRI 5/2021 naskah dinas): as the head, on behalf of the head (a.n.), or
    on behalf of the official who signs on behalf of the head (a.n. ... u.b.)."""

    HEAD = "head", _("Sebagai pimpinan instansi")
    ON_BEHALF = "an", _("Atas nama pimpinan (a.n.)")
    FOR_HIM = "ub", _("Untuk beliau (a.n. ... u.b.)")


class LetterSigner(models.Model):
    """An officer's recorded authority to sign letters of their agency: position, NIP and a.n./u.b. mode."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="letter_signer")
    position = models.CharField(_("jabatan penandatangan"), max_length=200,
                                help_text=_("Mis. Deputi Bidang Pengawasan dan Pengendalian"))
    nip = models.CharField(_("NIP penandatangan"), max_length=30, blank=True,
                           help_text=_("Kosongkan bila penandatangan bukan pegawai negeri sipil."))
    mode = models.CharField(_("cara menandatangani"), max_length=4, choices=SigningMode.choices,
                            default=SigningMode.ON_BEHALF)
    behalf_position = models.CharField(
        _("jabatan yang memberi kuasa u.b."), max_length=200, blank=True,
        help_text=_("Hanya untuk u.b.: jabatan pejabat yang menandatangani atas nama pimpinan."))
    basis = models.CharField(_("dasar kewenangan"), max_length=300, blank=True,
                             help_text=_("Mis. nomor keputusan pendelegasian wewenang penandatanganan."))

    class Meta:
        verbose_name = _("kewenangan tanda tangan surat")
        verbose_name_plural = _("kewenangan tanda tangan surat")

    def __str__(self):
        return f"{self.user} ({self.get_mode_display()})"


class Letterhead(models.Model):
    """An agency's letterhead (kop surat) as an administrator enters it."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="letterhead")
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    phone = models.CharField(_("telepon"), max_length=60, blank=True)
    website = models.CharField(_("laman"), max_length=120, blank=True)
    email = models.CharField(_("pos-el"), max_length=120, blank=True)
    emblem = models.ImageField(_("lambang"), upload_to="letterheads/", blank=True,
                               help_text=_("PNG, JPEG atau SVG; kosong: lambang Garuda bawaan."))
    source = models.CharField(_("sumber"), max_length=300, blank=True)
    certainty = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("kop surat")
        verbose_name_plural = _("kop surat")

    def __str__(self):
        return str(self.agency)


class LegalBasis(Dated):
    """One instrument (and its articles) a letter may cite, chosen by the letter's date, the election's type and
    the respondent's employment type. `citation` is printed as written; source and certainty never are."""

    code = models.CharField(max_length=40, unique=True)
    topic = models.CharField(max_length=20, help_text="asn_law, election_law, discipline, ethics, skb, procedure")
    citation = models.TextField(_("kutipan dalam surat"))
    conduct = models.CharField(_("pasal larangan"), max_length=300, blank=True,
                               help_text=_("Pasal yang dilanggar, dikutip pada kesimpulan rekomendasi."))
    election_type = models.CharField(max_length=10, default="any", help_text="pemilu, pilkada or any")
    employee_type = models.CharField(max_length=10, default="any", help_text="pns, pppk or any")
    letter_kinds = models.CharField(max_length=300, blank=True, help_text="letter kinds separated by ';'")
    order = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(_("sumber"), max_length=300, blank=True)
    certainty = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("dasar hukum surat")
        verbose_name_plural = _("dasar hukum surat")

    def __str__(self):
        return self.code
