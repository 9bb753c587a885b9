"""Indonesian date and number wording for official letters (naskah dinas).

Pure functions, no Django needed:

>>> import datetime
>>> format_tanggal(datetime.date(2026, 11, 4))
'4 November 2026'
>>> terbilang(14)
'empat belas'
>>> angka_terbilang(14)
'14 (empat belas)'
"""
from __future__ import annotations

import datetime as _dt

BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

_SATUAN = (
    "nol", "satu", "dua", "tiga", "empat", "lima",
    "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas",
)


def format_tanggal(value: _dt.date | _dt.datetime | None) -> str:
    """``date(2026, 11, 24)`` -> ``"24 November 2026"`` (no leading zero).

    ``None`` gives ``""`` so templates can print optional dates safely.
    """
    if value is None:
        return ""
    if not isinstance(value, _dt.date):
        raise TypeError(f"format_tanggal expects a date, got {type(value).__name__}")
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def format_hari_tanggal(value: _dt.date | _dt.datetime | None) -> str:
    """``date(2026, 11, 24)`` -> ``"Selasa, 24 November 2026"``."""
    if value is None:
        return ""
    return f"{HARI[value.weekday()]}, {format_tanggal(value)}"


def format_waktu(value: _dt.datetime | None, zone: str = "") -> str:
    """``datetime(2026, 11, 24, 9, 5)`` -> ``"24 November 2026 pukul 09.05"``.

    Indonesian usage separates hours and minutes with a dot.  ``zone`` (e.g.
    ``"WIB"``) is appended when given.
    """
    if value is None:
        return ""
    if not isinstance(value, _dt.datetime):
        return format_tanggal(value)
    text = f"{format_tanggal(value)} pukul {value.hour:02d}.{value.minute:02d}"
    return f"{text} {zone}".rstrip()


def terbilang(n: int) -> str:
    """Spell a non-negative integer in Indonesian: 14 -> ``"empat belas"``.

    Handles ``sebelas``, ``seratus``, ``seribu`` and scales up to triliun.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("terbilang expects an int")
    if n < 0:
        return "minus " + terbilang(-n)
    if n < 12:
        return _SATUAN[n]
    if n < 20:
        return f"{_SATUAN[n - 10]} belas"
    if n < 100:
        tens, rest = divmod(n, 10)
        return f"{_SATUAN[tens]} puluh" + (f" {_SATUAN[rest]}" if rest else "")
    if n < 200:
        return "seratus" + (f" {terbilang(n - 100)}" if n > 100 else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_SATUAN[hundreds]} ratus" + (f" {terbilang(rest)}" if rest else "")
    if n < 2000:
        return "seribu" + (f" {terbilang(n - 1000)}" if n > 1000 else "")
    for scale, word in ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu")):
        if n >= scale:
            head, rest = divmod(n, scale)
            return f"{terbilang(head)} {word}" + (f" {terbilang(rest)}" if rest else "")
    raise AssertionError("unreachable")  # pragma: no cover


def angka_terbilang(n: int) -> str:
    """14 -> ``"14 (empat belas)"``, the form used for deadlines and counts."""
    return f"{n} ({terbilang(n)})"
