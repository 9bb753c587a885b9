"""Letter numbers: the gap-free per-agency, per-year sequence (row lock) and the agency's number pattern."""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cases.models import Agency, LetterSequence

SIFAT_CODES = {"Biasa": "B", "Segera": "S", "Sangat Segera": "SS", "Rahasia": "R"}
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
DEFAULT_PATTERN = "{sifat}-{seq}/{code}/{month}/{year}"
PLACEHOLDERS = ("sifat", "seq", "code", "month", "roman_month", "year")


def number_format(pattern: str, *, sifat: str, seq: int, code: str, on) -> str:
    """Fill an agency's pattern, e.g. "{sifat}-{seq}/{code}/{month}/{year}" -> "R-12/KASN/4/2020"."""
    if sifat not in SIFAT_CODES:
        raise ValidationError({"sifat": _("Sifat surat harus salah satu dari: %(s)s.") % {"s": ", ".join(SIFAT_CODES)}})
    values = {"sifat": SIFAT_CODES[sifat], "seq": seq, "code": code, "month": on.month,
              "roman_month": ROMAN_MONTHS[on.month - 1], "year": on.year}
    try:
        number = (pattern or DEFAULT_PATTERN).format_map(values)
    except (KeyError, ValueError, IndexError, AttributeError):
        raise ValidationError({"number_pattern": _(
            "Pola nomor surat \u201c%(p)s\u201d tidak valid: gunakan hanya %(ph)s.")
            % {"p": pattern, "ph": ", ".join("{%s}" % p for p in PLACEHOLDERS)}})
    if "{seq" not in (pattern or DEFAULT_PATTERN):
        raise ValidationError({"number_pattern": _("Pola nomor surat wajib memuat {seq} agar nomor tidak berulang.")})
    return number


def sequence_next(*, agency: Agency, year: int) -> int:
    """The next number of the agency's sequence for the year; the row stays locked until the caller's
    transaction ends, so a rollback returns the number and concurrent issuers wait their turn (no gaps)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sequence_next must run inside the issuing transaction")
    for _attempt in range(3):
        try:
            # get_or_create re-reads after a concurrent insert of the same (agency, year) row.
            row, _created = LetterSequence.objects.select_for_update().get_or_create(agency=agency, year=year)
            break
        except IntegrityError:  # pragma: no cover - get_or_create already retries once
            continue
    else:  # pragma: no cover
        raise IntegrityError("letter sequence row could not be created")
    row.last += 1
    row.save(update_fields=["last"])
    return row.last
