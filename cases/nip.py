"""NIP (PNS) and NI PPPK parsing per Perka BKN 22/2007: each part checked, errors name the part."""
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ParsedNip:
    nip: str
    birth_date: dt.date
    appointment: str  # YYYYMM for PNS, YYYY + two digits for PPPK
    sex: str  # "1" male, "2" female
    sequence: str
    pppk_pattern: bool
    warnings: tuple

    @property
    def display(self) -> str:
        n = self.nip
        return f"{n[:8]} {n[8:14]} {n[14]} {n[15:]}"


def normalise_nip(raw: str) -> str:
    return re.sub(r"[\s.\-]", "", raw or "")


def parse_nip(raw: str) -> ParsedNip:
    """Parse an 18-digit NIP; raise ValidationError naming the faulty part."""
    nip = normalise_nip(raw)
    if not re.fullmatch(r"[0-9]+", nip):  # str.isdigit() would accept "¹" and other Unicode digits
        raise ValidationError(_("NIP hanya boleh berisi angka."), code="nip_digits")
    if len(nip) != 18:
        raise ValidationError(_("NIP harus 18 digit (tertulis %(n)d digit).") % {"n": len(nip)}, code="nip_length")
    try:
        birth = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValidationError(_("Digit 1–8 NIP (tanggal lahir %(v)s) bukan tanggal yang sah.") % {"v": nip[:8]},
                              code="nip_birth_date")
    year, month = int(nip[8:12]), nip[12:14]
    pppk = month == "21"
    if not pppk and not ("01" <= month <= "12"):
        raise ValidationError(_("Digit 13–14 NIP (bulan pengangkatan %(v)s) harus 01–12 (atau 21 untuk PPPK).")
                              % {"v": month}, code="nip_appointment_month")
    if year < birth.year or year > dt.date.today().year + 1:
        raise ValidationError(_("Digit 9–12 NIP (tahun pengangkatan %(v)s) tidak masuk akal untuk tanggal lahir.")
                              % {"v": year}, code="nip_appointment_year")
    if nip[14] not in "12":
        raise ValidationError(_("Digit 15 NIP (jenis kelamin) harus 1 atau 2, tertulis %(v)s.") % {"v": nip[14]},
                              code="nip_sex")
    if nip[15:] == "000":
        raise ValidationError(_("Digit 16–18 NIP (nomor urut) tidak boleh 000."), code="nip_sequence")
    warnings = ()
    if year - birth.year < 18:
        warnings = (_("Pengangkatan sebelum usia 18 tahun: periksa kembali NIP."),)
    return ParsedNip(nip, birth, nip[8:14], nip[14], nip[15:], pppk, warnings)


def validate_nip(value: str) -> None:
    """Django field validator."""
    parse_nip(value)
