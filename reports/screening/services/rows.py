"""Reading post files (CSV, JSONL) and parsing one post row into an unsaved Post, with the field named on error.

The API (reports/screening/api.py) parses its posts with the same parse_post_row, so a file and a request obey
the same rules.
"""
import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from reports.screening.models import Post, normalise_handle
from reports.screening.services.common import ScreeningError


@dataclass
class LineError:
    line: int
    message: str

    def __str__(self):
        return _("baris %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportResult:
    created: int = 0
    existing: int = 0
    errors: list = field(default_factory=list)

    @property
    def read(self):
        return self.created + self.existing + len(self.errors)


def read_rows(fh, name: str):
    """Yield (line number, dict or None, error message) from a CSV or JSONL text stream."""
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        yield from read_csv(fh)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _read_jsonl(fh)
    else:
        raise ScreeningError(_("Berkas %(name)s: format tidak dikenal. Gunakan berkas .csv atau .jsonl.") % {"name": name})


def read_csv(fh):
    reader = csv.DictReader(fh)
    try:
        header = reader.fieldnames
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ScreeningError(_("Berkas CSV tidak dapat dibaca: %(e)s") % {"e": exc})
    if not header:
        raise ScreeningError(_("Berkas CSV kosong: baris pertama harus berisi nama kolom."))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, None, _("CSV rusak (%(e)s)") % {"e": exc}
            continue
        if None in row:
            yield reader.line_num, None, _("jumlah kolom lebih banyak dari kepala kolom")
            continue
        yield reader.line_num, {k.strip(): (v or "") for k, v in row.items() if k}, None


def _read_jsonl(fh):
    for number, line in enumerate(fh, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, _("JSON tidak sah (%(e)s)") % {"e": exc.msg}
            continue
        if not isinstance(row, dict):
            yield number, None, _("setiap baris harus berupa objek JSON")
            continue
        yield number, row, None


def open_text(path) -> io.TextIOBase:
    try:
        return open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ScreeningError(_("Berkas %(name)s tidak dapat dibuka: %(e)s") % {"name": path, "e": exc.strerror})


class PostFieldError(ValueError):
    """A bad field in one post row; `field` names it (the API reports "<index>.<field>"), str() is the message."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


MAX_COUNT = 2 ** 63 - 1  # PositiveBigIntegerField


def _text(row: dict, name: str) -> str:
    """A field as stripped text; JSON objects/lists and NUL characters (PostgreSQL refuses them) are refused."""
    value = row.get(name)
    if isinstance(value, (dict, list)):
        raise PostFieldError(name, _("kolom %(f)s harus teks atau angka, bukan objek/daftar") % {"f": name})
    value = str(value if value is not None else "").strip()
    if "\x00" in value:
        raise PostFieldError(name, _("kolom %(f)s tidak boleh memuat karakter NUL") % {"f": name})
    return value


def _count(row: dict, name: str) -> int:
    raw = _text(row, name)
    if not raw:
        return 0
    try:
        value = int(float(raw))
    except (ValueError, OverflowError):
        raise PostFieldError(name, _("kolom %(f)s harus bilangan bulat, tertulis '%(v)s'") % {"f": name, "v": raw[:40]})
    if value < 0:
        raise PostFieldError(name, _("kolom %(f)s tidak boleh negatif") % {"f": name})
    if value > MAX_COUNT:
        raise PostFieldError(name, _("kolom %(f)s terlalu besar") % {"f": name})
    return value


def _posted_at(row: dict) -> dt.datetime | None:
    raw = _text(row, "posted_at")
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "T", 1) if len(raw) > 10 else raw + "T00:00:00")
    except ValueError:
        value = None
    if value is None:
        raise PostFieldError("posted_at", _("kolom posted_at harus tanggal-waktu ISO 8601 (mis. "
                                            "2024-11-20T08:15:00+07:00), tertulis '%(v)s'") % {"v": raw[:40]})
    if timezone.is_aware(value):
        offset = value.utcoffset()
        if not -dt.timedelta(hours=12) <= offset <= dt.timedelta(hours=14):  # real zones span UTC-12 to UTC+14
            raise PostFieldError("posted_at", _("zona waktu kolom posted_at di luar rentang -12:00 sampai +14:00, "
                                                "tertulis '%(v)s'") % {"v": raw[:40]})
        return value
    return timezone.make_aware(value)


def _required(row: dict, *names) -> str:
    for name in names:
        value = _text(row, name)
        if value:
            return value
    name = next((n for n in names if n in row), names[0])  # the spelling the input used
    raise PostFieldError(name, _("kolom %(f)s wajib diisi") % {"f": name})


_url = URLValidator(schemes=["http", "https"])


def parse_post_row(row: dict, elections: dict) -> Post:
    """One input row (CSV, JSONL or API) to an unsaved Post; PostFieldError names the faulty field."""
    url = _text(row, "url")
    if url:
        try:
            _url(url)
        except ValidationError:
            raise PostFieldError("url", _("kolom url harus alamat http(s) yang sah"))
    slug = _text(row, "election")
    if slug and slug not in elections:
        raise PostFieldError("election", _("kolom election: pemilihan '%(s)s' tidak dikenal") % {"s": slug[:40]})
    post = Post(
        platform=_required(row, "platform").lower()[:20], post_id=_required(row, "post_id", "id")[:100],
        account_handle=normalise_handle(_required(row, "account", "account_handle", "handle"))[:100],
        url=url[:500], text=_required(row, "text"), posted_at=_posted_at(row),
        followers=_count(row, "followers"), likes=_count(row, "likes"), shares=_count(row, "shares"),
        media_ref=_text(row, "media_ref")[:500], election=elections.get(slug))
    post.sha256 = post.compute_sha256()
    return post
