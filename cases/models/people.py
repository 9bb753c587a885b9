"""Users (officers attached to an agency and region) and respondents (reported ASN)."""
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cases.nip import validate_nip

from .reference import Agency, Region


class Role(models.TextChoices):
    """Roles of design §3; each is a Django group of the same name."""

    BAWASLU = "bawaslu_officer", _("Petugas Bawaslu")
    ANALYST = "supervisor_analyst", _("Analis lembaga pengawas")
    APPROVER = "supervisor_approver", _("Pejabat penandatangan lembaga pengawas")
    PPK_LIAISON = "ppk_liaison", _("Penghubung PPK")
    BKN = "bkn_officer", _("Petugas BKN")
    KEMENPANRB = "kemenpanrb_officer", _("Petugas KemenPAN-RB")
    KEMENDAGRI = "kemendagri_officer", _("Petugas Kemendagri")
    SCREENING = "screening_reviewer", _("Peninjau penapisan")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "administrator", _("Administrator")


class User(AbstractUser):
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="users")

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    @cached_property
    def roles(self) -> frozenset:
        return self.roles_from(self.groups.values_list("name", flat=True) if self.is_active else ())

    def roles_from(self, group_names) -> frozenset:
        """The role rule, given the user's group names: none when inactive, administrator for a superuser.
        (cases.page_user.load_page_user reads the names in its one page query and applies the same rule.)"""
        if not self.is_active:
            return frozenset()
        names = set(group_names)
        if self.is_superuser:
            names.add(Role.ADMIN)
        return frozenset(names)

    def has_role(self, *roles) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def region_code(self):
        return self.region.code if self.region_id else "00"


class EmployeeType(models.TextChoices):
    PNS = "pns", _("PNS")
    PPPK = "pppk", _("PPPK")
    UNKNOWN = "unknown", _("Belum diketahui")


class Respondent(models.Model):
    """A reported civil servant: one record across elections so repeat violations show."""

    nip = models.CharField(_("NIP"), max_length=18, unique=True, null=True, blank=True, validators=[validate_nip])
    legacy_nip = models.CharField(max_length=9, blank=True)
    name = models.CharField(_("nama"), max_length=200)
    employee_type = models.CharField(max_length=10, choices=EmployeeType.choices, default=EmployeeType.UNKNOWN)
    position = models.CharField(_("jabatan"), max_length=200, blank=True)
    position_class = models.CharField(max_length=40, blank=True, help_text="jpt, administrator, pengawas, fungsional, pelaksana, kepala_wilayah")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="respondents")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="respondents")
    verified = models.BooleanField(_("NIP terverifikasi"), default=False)
    is_ppk = models.BooleanField(_("responden adalah PPK"), default=False)
    in_ppk_office = models.BooleanField(_("bertugas di kantor PPK"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("terlapor")
        verbose_name_plural = _("terlapor")
        indexes = [models.Index(fields=["agency", "name"])]

    def __str__(self):
        return f"{self.name} ({self.nip or _('NIP belum diketahui')})"

    @property
    def nip_display(self):
        n = self.nip or ""
        return f"{n[:8]} {n[8:14]} {n[14]} {n[15:]}" if len(n) == 18 else n
