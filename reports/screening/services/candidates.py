"""An election's lexicon from the official candidate list (CSV or XLSX as the election commission publishes it).

One row per pair: region (empty for a national race), pair number, candidate, running mate, supporting parties
(or "perseorangan" for an independent pair). Every row is checked first; a file with any bad row writes nothing
(a half-imported candidate list would leave races without their names). The import is idempotent: a term
already in the lexicon is left as it is (a reviewer's deactivation or weight stays), and each new term keeps the
file and row it came from. First names, last names and pair names are derived as suggestions (inactive) for a
reviewer to accept or reject; a rejected suggestion stays rejected when the same list is imported again.
"""
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from cases.models import ElectionPeriod
from reports.screening.models import LexiconTerm, TermKind, TermOrigin
from reports.screening.services.common import ScreeningError, require_reviewer
from reports.screening.services.rows import LineError

MAX_ROWS = 20_000
# Header spellings accepted for each column (the commission's Indonesian ones and plain English).
COLUMNS = {
    "region": ("wilayah", "daerah", "dapil", "provinsi_kabupaten_kota", "region"),
    "number": ("nomor_urut", "no_urut", "nomor", "number", "pair_number"),
    "candidate": ("nama_calon", "calon", "nama_calon_kepala_daerah", "candidate", "name"),
    "running_mate": ("nama_wakil", "wakil", "nama_calon_wakil", "running_mate"),
    "parties": ("partai_pengusung", "partai", "parpol", "partai_politik", "parties", "party"),
}
INDEPENDENT = {"perseorangan", "independen", "independent", "jalur perseorangan", "-"}
# Honorifics and titles written before a name on official lists, and degrees written after a comma.
TITLES = {"h", "hj", "dr", "drs", "dra", "ir", "prof", "kh", "k.h", "hc", "habib", "tgh", "tuan", "guru"}
WEIGHTS = {"name": 0.6, "pair_name": 0.8, "paslon": 0.7, "nomor_urut": 0.6, "party": 0.4, "suggestion": 0.5}


@dataclass
class CandidateRow:
    line: int
    region: str
    number: int
    names: list
    parties: list
    independent: bool


@dataclass
class CandidateImport:
    """What an import did (or, in a dry run, would do): term rows by status, and the row errors."""

    terms: list = field(default_factory=list)  # (LexiconTerm unsaved or saved, "new" | "existing")
    errors: list = field(default_factory=list)
    pairs: int = 0
    dry_run: bool = True

    def count(self, status: str, suggestion: bool | None = None) -> int:
        return sum(1 for t, s in self.terms if s == status and (
            suggestion is None or (t.origin == TermOrigin.SUGGESTION) == suggestion))

    @property
    def summary(self) -> dict:
        return {"new_terms": self.count("new", False), "new_suggestions": self.count("new", True),
                "existing": self.count("existing")}


def _header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", (name or "").strip().lower()).strip("_")


def _columns(header: list) -> dict:
    """Column name → position; ScreeningError names the missing required columns and the spellings accepted."""
    keys = [_header_key(h) for h in header]
    found = {col: next((keys.index(a) for a in aliases if a in keys), None) for col, aliases in COLUMNS.items()}
    missing = [col for col in ("number", "candidate") if found[col] is None]
    if missing:
        raise ScreeningError(_("Kolom wajib tidak ada: %(cols)s. Kepala kolom yang diterima: %(accepted)s; "
                               "tertulis: %(got)s.") % {
            "cols": ", ".join(COLUMNS[c][0] for c in missing),
            "accepted": "; ".join(f"{COLUMNS[c][0]} ({', '.join(COLUMNS[c][1:])})" for c in COLUMNS),
            "got": ", ".join(str(h) for h in header if h) or "-"})
    return found


def read_table(data: bytes, name: str) -> tuple[list, list]:
    """(header, [(line, [cells])]) from CSV (UTF-8) or XLSX bytes; ScreeningError for an unreadable file."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise ScreeningError(_("Berkas %(name)s bukan XLSX yang dapat dibaca.") % {"name": name})
        rows = [(i, ["" if c is None else str(c).strip() for c in row])
                for i, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)]
    elif suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ScreeningError(_("Berkas %(name)s bukan teks UTF-8 (byte ke-%(pos)d). Simpan ulang sebagai "
                                   "CSV UTF-8.") % {"name": name, "pos": exc.start + 1})
        try:
            rows = [(i, [c.strip() for c in row]) for i, row in enumerate(csv.reader(io.StringIO(text)), start=1)]
        except csv.Error as exc:
            raise ScreeningError(_("Berkas CSV rusak: %(e)s") % {"e": exc})
    else:
        raise ScreeningError(_("Berkas %(name)s: gunakan .csv atau .xlsx.") % {"name": name})
    rows = [(i, cells) for i, cells in rows if any(cells)]
    if not rows:
        raise ScreeningError(_("Berkas %(name)s kosong.") % {"name": name})
    if len(rows) > MAX_ROWS + 1:
        raise ScreeningError(_("Paling banyak %(n)d baris per berkas.") % {"n": MAX_ROWS})
    return rows[0][1], rows[1:]


def _cell(cells: list, pos: int | None) -> str:
    return cells[pos].strip() if pos is not None and pos < len(cells) and cells[pos] else ""


def _number(raw: str) -> int:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        value = 0
    if not raw or value != int(value) or not 1 <= value <= 99:
        raise ValueError(_("kolom nomor_urut harus bilangan bulat 1–99, tertulis '%(v)s'") % {"v": raw[:20]})
    return int(value)


def parse_candidate_rows(header: list, rows: list) -> tuple[list, list]:
    """(CandidateRow list, LineError list): every row is checked; the pair (region, number) must be unique."""
    cols = _columns(header)
    parsed, errors, seen = [], [], {}
    for line, cells in rows:
        try:
            number = _number(_cell(cells, cols["number"]))
            candidate = _cell(cells, cols["candidate"])
            if not candidate:
                raise ValueError(_("kolom nama_calon wajib diisi"))
            region = " ".join(_cell(cells, cols["region"]).split())
            parties_raw = _cell(cells, cols["parties"])
            independent = parties_raw.strip().lower() in INDEPENDENT
            parties = [] if independent else [p.strip() for p in re.split(r"[;,/\n]+", parties_raw) if p.strip()]
            names = [n for n in (candidate, _cell(cells, cols["running_mate"])) if n]
            key = (region.lower(), number)
            if key in seen:
                raise ValueError(_("pasangan nomor %(n)d di %(r)s sudah ada di baris %(l)d") % {
                    "n": number, "r": region or _("tingkat nasional"), "l": seen[key]})
            seen[key] = line
            parsed.append(CandidateRow(line, region, number, names, parties, independent))
        except ValueError as exc:
            errors.append(LineError(line, str(exc)))
    return parsed, errors


def plain_name(official: str) -> str:
    """'Dr. H. Budi Santoso, S.H., M.H.' → 'Budi Santoso': degrees after the first comma and leading titles go."""
    words = official.split(",")[0].split()
    while words and words[0].lower().rstrip(".") in TITLES:
        words = words[1:]
    return " ".join(words) or official.strip()


def _side(row: CandidateRow, plain: list) -> str:
    pair = f"{row.number:02d}-" + "-".join(slugify(p.split()[0]) for p in plain)
    return (f"{slugify(row.region)}:{pair}" if row.region else pair)[:80]


def _terms_of(row: CandidateRow, election: ElectionPeriod, source: str) -> list:
    plain = [plain_name(n) for n in row.names]
    side = _side(row, plain)
    where = f"{row.region} " if row.region else ""
    note = f"{where}nomor urut {row.number}: {' – '.join(row.names)}"  # stored data: Indonesian, not the UI language
    made = []

    def term(text, kind, weight, origin=TermOrigin.CANDIDATE_LIST, term_side=side):
        made.append(LexiconTerm(election=election, term=text[:200], kind=kind, side=term_side, weight=weight,
                                note=note[:300], origin=origin, active=origin != TermOrigin.SUGGESTION,
                                source_file=source[:200], source_row=row.line))

    for name in plain:
        term(name, TermKind.CANDIDATE, WEIGHTS["name"])
    if len(plain) == 2:
        term(f"{plain[0]}-{plain[1]}", TermKind.CANDIDATE, WEIGHTS["pair_name"])
    term(f"paslon {row.number:02d}", TermKind.PAIR_NUMBER, WEIGHTS["paslon"])
    term(f"nomor urut {row.number:02d}", TermKind.PAIR_NUMBER, WEIGHTS["nomor_urut"])
    for party in row.parties:
        term(party, TermKind.PARTY, WEIGHTS["party"], term_side=f"party:{party}"[:80])
    for suggestion in suggestions(plain):
        term(suggestion, TermKind.CANDIDATE, WEIGHTS["suggestion"], origin=TermOrigin.SUGGESTION)
    return made


def suggestions(plain: list) -> list:
    """Short forms people write: each first and last name (3+ letters), the pair by first names."""
    out = []
    for name in plain:
        words = name.split()
        if len(words) > 1:
            out += [w for w in (words[0], words[-1]) if len(w) >= 3]
    if len(plain) == 2:
        firsts = [p.split()[0] for p in plain]
        if len(plain[0].split()) > 1 or len(plain[1].split()) > 1:
            out.append(f"{firsts[0]}-{firsts[1]}")
    return list(dict.fromkeys(w for w in out if w not in plain))


def candidates_import(*, actor, election: ElectionPeriod, data: bytes, name: str, dry_run: bool = True) -> CandidateImport:
    """Check the whole list; unless a dry run and only if no row is bad, add the terms the lexicon lacks.
    `actor` None is the operator at the command line (manage.py screening_import_candidates)."""
    if actor is not None:
        require_reviewer(actor)
    header, rows = read_table(data, name)
    parsed, errors = parse_candidate_rows(header, rows)
    result = CandidateImport(errors=errors, pairs=len(parsed), dry_run=dry_run or bool(errors))
    wanted = {}
    for row in parsed:
        for term in _terms_of(row, election, Path(name).name):
            wanted.setdefault((term.term.lower(), term.kind, term.side), term)  # a party keeps its first row
    existing = {(t.term.lower(), t.kind, t.side): t for t in LexiconTerm.objects.filter(election=election)}
    result.terms = [(existing[k], "existing") if k in existing else (t, "new") for k, t in wanted.items()]
    if result.dry_run:
        return result
    with transaction.atomic():
        LexiconTerm.objects.bulk_create([t for t, status in result.terms if status == "new"], ignore_conflicts=True)
    return result


def suggestion_decide(*, actor, term: LexiconTerm, accept: bool) -> LexiconTerm:
    """A reviewer accepts (the term becomes active) or rejects (it stays inactive, and a re-import keeps it so)."""
    require_reviewer(actor)
    if term.origin != TermOrigin.SUGGESTION:
        raise ScreeningError(_("Istilah “%(t)s” bukan usulan.") % {"t": term.term})
    term.active, term.edited_by = accept, actor
    term.save(update_fields=["active", "edited_by", "updated_at"])
    return term
