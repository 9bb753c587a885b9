"""A register row turned into report fields: the system's fields, Indonesian dates, NIPs, region and agency names.

Every problem is a (field label, rule) pair in Indonesian, so the dry run can say which field broke which rule.
"""
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.letters.dates import BULAN
from cases.models import Agency, Region
from cases.nip import normalise_nip, parse_nip
from reports.models import ReportKind


@dataclass(frozen=True)
class SystemField:
    key: str
    label: str
    required: bool = False
    max_length: int | None = None
    spellings: tuple = ()  # column headings guessed for it on a first mapping (lower case)


FIELDS = (
    SystemField("reference", gettext_lazy("Nomor di sumber"), True, 100,
                ("nomor", "no", "id", "nomor laporan", "no laporan", "nomor register", "no register", "no. register",
                 "nomor registrasi", "nomor tiket", "id laporan", "kode")),
    SystemField("respondent_name", gettext_lazy("Nama terlapor"), True, 200,
                ("nama terlapor", "terlapor", "nama asn", "nama")),
    SystemField("respondent_nip", gettext_lazy("NIP terlapor"), False, None, ("nip", "nip terlapor")),
    SystemField("respondent_position", gettext_lazy("Jabatan terlapor"), False, 200, ("jabatan", "jabatan terlapor")),
    SystemField("respondent_agency", gettext_lazy("Instansi terlapor"), False, 200,
                ("instansi", "instansi terlapor", "unit kerja")),
    SystemField("region", gettext_lazy("Wilayah kejadian (kode atau nama)"), True, None,
                ("wilayah", "kabupaten/kota", "kab/kota", "daerah", "lokasi", "kode wilayah")),
    SystemField("occurred_on", gettext_lazy("Tanggal kejadian"), False, None,
                ("tanggal kejadian", "tgl kejadian", "waktu kejadian")),
    SystemField("received_on", gettext_lazy("Tanggal diterima di sumber"), False, None,
                ("tanggal diterima", "tgl diterima", "tanggal laporan", "tanggal")),
    SystemField("place", gettext_lazy("Tempat kejadian"), False, 200, ("tempat", "tempat kejadian")),
    SystemField("description", gettext_lazy("Uraian kejadian"), True, None,
                ("uraian", "uraian kejadian", "isi laporan", "keterangan", "dugaan pelanggaran")),
    SystemField("kind", gettext_lazy("Jenis (laporan/temuan)"), False, None, ("jenis", "jenis laporan")),
    SystemField("reporter_name", gettext_lazy("Nama pelapor"), False, 200, ("pelapor", "nama pelapor")),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}


def guess_mapping(headers: list[str], saved: dict) -> dict:
    """The saved mapping where its columns are in this file, else a heading spelled like one of the field's."""
    lower = {h.lower().strip(" .:"): h for h in headers}
    mapping = {}
    for f in FIELDS:
        if saved.get(f.key) in headers:
            mapping[f.key] = saved[f.key]
        elif f.key in lower or str(f.label).lower() in lower:
            mapping[f.key] = lower.get(f.key) or lower[str(f.label).lower()]
        else:
            mapping[f.key] = next((lower[s] for s in f.spellings if s in lower), "")
    return mapping


def mapping_problems(mapping: dict, headers: list[str]) -> list[str]:
    """Why this mapping cannot be used with a file of these headings (empty when it can)."""
    problems = [_("%(field)s: pilih kolom berkas (wajib).") % {"field": f.label}
                for f in FIELDS if f.required and not mapping.get(f.key)]
    problems += [_("%(field)s: kolom %(col)s tidak ada di berkas ini.") % {"field": FIELDS_BY_KEY[k].label, "col": c}
                 for k, c in mapping.items() if c and k in FIELDS_BY_KEY and c not in headers]
    return problems


# --- values --------------------------------------------------------------------------------------------------

MONTHS = {name.lower(): i for i, name in enumerate(BULAN, start=1)}
MONTHS.update({name.lower()[:3]: i for i, name in enumerate(BULAN, start=1)})
MONTHS.update({"agt": 8, "ags": 8, "nop": 11, "sept": 9, "pebruari": 2, "nopember": 11,
               "may": 5, "aug": 8, "oct": 10, "dec": 12})  # old spellings and English exports
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?")
_WORDS = re.compile(r"(?:[A-Za-z']+,\s*)?(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})")  # "Sabtu, 17 Agustus 2024"


class RowError(Exception):
    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key, self.message = key, message


def parse_date(value, key: str) -> dt.date | None:
    if value is None or isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = " ".join(str(value).split())
    try:
        if m := _DMY.fullmatch(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if m := _ISO.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if (m := _WORDS.fullmatch(text)) and m[2].lower() in MONTHS:
            return dt.date(int(m[3]), MONTHS[m[2].lower()], int(m[1]))
    except ValueError:
        raise RowError(key, _("'%(v)s' bukan tanggal yang ada di kalender.") % {"v": text})
    raise RowError(key, _("'%(v)s' bukan tanggal; tulis 17/08/2024 atau 17 Agustus 2024.") % {"v": text})


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet number cell: 1234.0 -> "1234"
    return " ".join(str(value).split()) if not isinstance(value, str) or "\n" not in value else value.strip()


_REGION_PREFIXES = (("kab. ", "kabupaten "), ("kab ", "kabupaten "), ("kota adm. ", "kota administrasi "),
                    ("prov. ", ""), ("provinsi ", ""), ("dki ", "daerah khusus ibukota "))


def _region_key(name: str) -> str:
    key = " ".join(name.lower().split())
    for short, full in _REGION_PREFIXES:
        if key.startswith(short):
            key = full + key[len(short):]
    return key


def _bare(key: str) -> str:
    return re.sub(r"^(kabupaten|kota administrasi|kota) ", "", key)


class Resolver:
    """Regions and agencies by code or name, read once per file."""

    def __init__(self):
        self.regions = {r.code: r for r in Region.objects.all()}
        self.region_names, bare = {}, {}
        for region in self.regions.values():
            self.region_names[_region_key(region.name)] = region
            bare.setdefault(_bare(_region_key(region.name)), []).append(region)
        self.region_bare = bare
        self.agencies = {}
        for agency in Agency.objects.all().only("pk", "code", "name", "short_name"):
            for name in (agency.code, agency.name, agency.short_name):
                if name:
                    self.agencies.setdefault(name.lower(), agency)

    def region(self, value: str):
        value = value.strip()
        digits = re.sub(r"\D", "", value)
        if value.replace(".", "").isdigit() and len(digits) in (2, 4):
            code = digits if len(digits) == 2 else f"{digits[:2]}.{digits[2:]}"
            if code in self.regions:
                return self.regions[code]
            raise RowError("region", _("kode wilayah %(v)s tidak dikenal.") % {"v": value})
        key = _region_key(value)
        if key in self.region_names:
            return self.region_names[key]
        matches = self.region_bare.get(_bare(key), [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise RowError("region", _("nama wilayah '%(v)s' ambigu: %(options)s; tulis nama lengkap atau kodenya.") % {
                "v": value, "options": ", ".join(f"{r.name} ({r.code})" for r in matches)})
        raise RowError("region", _("wilayah '%(v)s' tidak dikenal; tulis nama kabupaten/kota/provinsi atau kodenya "
                                   "(mis. Kabupaten Cilacap atau 33.01).") % {"v": value})

    def agency(self, value: str):
        return self.agencies.get(value.lower()) if value else None


# --- one row -------------------------------------------------------------------------------------------------

@dataclass
class ParsedRow:
    number: int
    reference: str = ""
    fields: dict = field(default_factory=dict)  # reports.services.REPORT_FIELDS values, election excepted
    kind: str = ReportKind.LAPORAN
    reporter_name: str = ""
    received_on: dt.date | None = None
    errors: list = field(default_factory=list)  # [(field key, message)]
    row_hash: str = ""

    @property
    def match_key(self):
        """Same respondent NIP, incident date and region: the same report, whichever register it came from."""
        f = self.fields
        if self.errors or not f.get("respondent_nip") or not f.get("occurred_on"):
            return None
        return (f["respondent_nip"], f["occurred_on"], f["region"].code)


def _value(values: dict, mapping: dict, key: str):
    column = mapping.get(key)
    return values.get(column) if column else None


def _check(row: ParsedRow, key: str, fn):
    try:
        return fn()
    except RowError as exc:
        row.errors.append((exc.key, exc.message))
    except ValidationError as exc:
        row.errors.append((key, " ".join(exc.messages)))
    return None


def _texts(row: ParsedRow, values: dict, mapping: dict) -> dict:
    out = {}
    for f in FIELDS:
        if f.key in ("region", "occurred_on", "received_on"):
            continue
        value = text(_value(values, mapping, f.key))
        if f.required and not value:
            row.errors.append((f.key, _("wajib diisi.")))
        elif f.max_length and len(value) > f.max_length:
            row.errors.append((f.key, _("paling banyak %(n)d karakter (tertulis %(len)d).")
                               % {"n": f.max_length, "len": len(value)}))
        out[f.key] = value
    return out


def parse_row(number: int, values: dict, mapping: dict, resolver: Resolver, today: dt.date | None = None) -> ParsedRow:
    today = today or timezone.localdate()
    row = ParsedRow(number=number)
    t = _texts(row, values, mapping)
    row.reference, row.reporter_name = t["reference"], t["reporter_name"]
    nip = normalise_nip(t["respondent_nip"])
    if nip:
        _check(row, "respondent_nip", lambda: parse_nip(nip))
    kind = t["kind"].lower()
    if kind and kind not in (ReportKind.LAPORAN, ReportKind.TEMUAN):
        row.errors.append(("kind", _("harus 'laporan' atau 'temuan', tertulis '%(v)s'.") % {"v": t["kind"]}))
    row.kind = kind or ReportKind.LAPORAN
    region_text = text(_value(values, mapping, "region"))
    region = _check(row, "region", lambda: resolver.region(region_text)) if region_text else None
    if not region_text:
        row.errors.append(("region", _("wajib diisi.")))
    occurred = _check(row, "occurred_on", lambda: parse_date(_value(values, mapping, "occurred_on"), "occurred_on"))
    row.received_on = _check(row, "received_on",
                             lambda: parse_date(_value(values, mapping, "received_on"), "received_on"))
    for key, day in (("occurred_on", occurred), ("received_on", row.received_on)):
        if day and day > today:
            row.errors.append((key, _("tanggal %(d)s belum terjadi.") % {"d": day.strftime("%d/%m/%Y")}))
    if occurred and row.received_on and row.received_on < occurred:
        row.errors.append(("received_on", _("tanggal diterima lebih awal dari tanggal kejadian.")))
    agency_text = t["respondent_agency"]
    agency = resolver.agency(agency_text)
    row.fields = {
        "region": region, "respondent_name": t["respondent_name"], "respondent_nip": nip,
        "respondent_position": t["respondent_position"], "respondent_agency": agency,
        "respondent_agency_text": "" if agency else agency_text, "occurred_on": occurred, "known_on": None,
        "place": t["place"], "description": t["description"], "links": "",
    }
    row.row_hash = _hash(row)
    return row


def _hash(row: ParsedRow) -> str:
    """What the row says, as the system reads it: a changed unmapped column or spacing is no change."""
    f = row.fields
    data = [row.reference, row.kind, row.reporter_name, str(row.received_on or ""), f["respondent_name"],
            f["respondent_nip"], f["respondent_position"], f["respondent_agency"].pk if f["respondent_agency"] else "",
            f["respondent_agency_text"], f["region"].code if f["region"] else "", str(f["occurred_on"] or ""),
            f["place"], f["description"]]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()
