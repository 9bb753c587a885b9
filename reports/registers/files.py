"""Reading an uploaded register file (CSV or XLSX) with tablib: headers and rows, each with its spreadsheet row number.

A file that cannot be read as a table is refused here with a message saying what is wrong and what to do; nothing
of it is stored. Blank rows are kept as blank (and skipped later) so row numbers are those a spreadsheet shows.
"""
import csv
from dataclasses import dataclass
from pathlib import Path

import tablib
from django.utils.translation import gettext as _
from tablib.formats import registry
from tablib.formats._csv import CSVFormat

MAX_FILE_BYTES = 20 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")


class RegisterFileError(Exception):
    """The file as a whole cannot be imported (type, encoding, layout); str() is the message for the uploader."""


class NumberedCSVFormat(CSVFormat):
    """tablib's CSV format, keeping blank records (tablib drops them) so the n-th data row is spreadsheet row n+1,
    and refusing a record longer than the header with its row number instead of tablib's bare InvalidDimensions."""

    title = "register_csv"
    extensions = ()

    @classmethod
    def import_set(cls, dset, in_stream, headers=True, skip_lines=0, **kwargs):
        dset.wipe()
        for i, row in enumerate(csv.reader(in_stream, **kwargs)):
            if i == 0:
                dset.headers = row
                continue
            if len(row) > dset.width and any(cell.strip() for cell in row[dset.width:]):
                raise RegisterFileError(_(
                    "Baris %(row)d memuat %(cells)d sel, lebih banyak dari %(width)d kolom judul; periksa tanda koma "
                    "atau tanda kutip di baris itu.") % {"row": i + 1, "cells": len(row), "width": dset.width})
            dset.append((row + [""] * dset.width)[:dset.width])


registry.register(NumberedCSVFormat.title, NumberedCSVFormat())


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, dict]]  # (spreadsheet row number, {header: value})


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        raise RegisterFileError(_("Berkas %(name)s bukan berkas CSV (berisi data biner). Unggah CSV atau XLSX.")
                                % {"name": name})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegisterFileError(_(
            "Berkas %(name)s bukan teks UTF-8: byte ke-%(pos)d tidak sah. Di Excel pilih Simpan Sebagai → "
            "\"CSV UTF-8\", atau unggah berkas XLSX.") % {"name": name, "pos": exc.start + 1})


def _delimiter(text: str) -> str:
    """Indonesian spreadsheets often save CSV with semicolons (the decimal comma): follow the header line."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def _load(data: bytes, name: str) -> tablib.Dataset:
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise RegisterFileError(_("Berkas %(name)s bukan lembar kerja: unggah berkas .csv atau .xlsx.") % {"name": name})
    if len(data) > MAX_FILE_BYTES:
        raise RegisterFileError(_("Berkas lebih besar dari %(mb)d MB; bagi menjadi beberapa berkas.")
                                % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
    if suffix == ".csv":
        text = _decode(data, name)
        return tablib.Dataset().load(text, format=NumberedCSVFormat.title, delimiter=_delimiter(text))
    try:
        return tablib.Dataset().load(data, format="xlsx")
    except Exception as exc:  # openpyxl raises many kinds (BadZipFile, KeyError, InvalidFileException...) on junk
        raise RegisterFileError(_("Berkas %(name)s bukan berkas XLSX yang dapat dibaca (%(why)s). Simpan ulang dari "
                                  "Excel sebagai .xlsx, atau unggah CSV.") % {"name": name, "why": type(exc).__name__})


def _header(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def read_table(data: bytes, name: str) -> Table:
    """Headers and rows of the file; RegisterFileError if it is not a table with named columns and at least one row."""
    dataset = _load(data, name)
    headers = [_header(h) for h in (dataset.headers or [])]
    named = [h for h in headers if h]
    if not named:
        raise RegisterFileError(_("Berkas %(name)s tidak memiliki baris judul kolom di baris pertama.") % {"name": name})
    duplicates = sorted({h for h in named if named.count(h) > 1})
    if duplicates:
        raise RegisterFileError(_("Judul kolom ganda: %(cols)s. Beri setiap kolom judul yang berbeda.")
                                % {"cols": ", ".join(duplicates)})
    rows = [(number, {h: value for h, value in zip(headers, row) if h})
            for number, row in enumerate(dataset, start=2)]
    if not any(_filled(values) for _n, values in rows):
        raise RegisterFileError(_("Berkas %(name)s tidak memuat satu baris data pun.") % {"name": name})
    return Table(headers=named, rows=rows)


def _filled(values: dict) -> bool:
    return any(v is not None and str(v).strip() for v in values.values())


def is_blank(values: dict) -> bool:
    return not _filled(values)
