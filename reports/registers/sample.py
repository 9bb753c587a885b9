"""Team-made sample registers (no third-party text): for the tests, `python -m bench.bench_import` and trying the pages.

Row i describes respondent i (a valid NIP made from i), an incident in one of a few Central Java regions, written
the way registers write it: Indonesian month names or dd/mm/yyyy, NIPs with spaces, region names or codes.
"""
import csv
import datetime as dt
import io

from openpyxl import Workbook

from cases.letters.dates import BULAN

NAMES = ("Agus Santoso", "Sri Wahyuni", "Bambang Prasetyo", "Dewi Lestari", "Joko Susilo", "Rina Marlina",
         "Hendra Gunawan", "Siti Aminah", "Eko Saputra", "Wulan Sari")
POSITIONS = ("Camat", "Kepala Desa (PNS)", "Guru SD", "Kepala Dinas", "Lurah", "Staf Kecamatan")
REGIONS = (("33.01", ("Kabupaten Cilacap", "Kab. Cilacap", "33.01", "Cilacap")),
           ("33.02", ("Kabupaten Banyumas", "Kab Banyumas", "3302", "Banyumas")),
           ("33.74", ("Kota Semarang", "kota semarang", "33.74", "Kota Semarang")))
ACTS = ("memasang baliho bakal calon di halaman kantor", "mengunggah foto bersama pasangan calon dengan simbol jari",
        "menghadiri deklarasi pasangan calon dan berpidato mendukung", "mengajak warga memilih calon dalam rapat desa")
BAWASLU_HEADERS = ("No. Register", "Nama Terlapor", "NIP", "Jabatan", "Instansi", "Kabupaten/Kota", "Tanggal Kejadian",
                   "Tanggal Diterima", "Tempat", "Uraian", "Jenis", "Pelapor")
LAPOR_HEADERS = ("ID Tiket", "Terlapor", "NIP Terlapor", "Unit Kerja", "Lokasi", "Waktu Kejadian", "Isi Laporan")
LAPOR_MAPPING = {"reference": "ID Tiket", "respondent_name": "Terlapor", "respondent_nip": "NIP Terlapor",
                 "respondent_agency": "Unit Kerja", "region": "Lokasi", "occurred_on": "Waktu Kejadian",
                 "description": "Isi Laporan"}
FIRST_DAY = dt.date(2024, 9, 2)


def nip(i: int, spaced: bool = False) -> str:
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=(i * 37) % 5000)
    value = f"{birth:%Y%m%d}{1995 + i % 20}{i % 12 + 1:02d}{1 + i % 2}{i % 999 + 1:03d}"
    return f"{value[:8]} {value[8:14]} {value[14]} {value[15:]}" if spaced else value


def occurred(i: int) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=i % 60)


def written_date(day: dt.date, style: int) -> str:
    if style % 3 == 0:
        return f"{day.day} {BULAN[day.month - 1]} {day.year}"
    if style % 3 == 1:
        return day.strftime("%d/%m/%Y")
    return day.isoformat()


def bawaslu_row(i: int, native_dates: bool = False) -> list:
    code, spellings = REGIONS[i % len(REGIONS)]
    day = occurred(i)
    agency = "Pemerintah Kabupaten Cilacap" if code == "33.01" else f"Pemda {spellings[0]}"
    return [f"REG-{i:05d}/PS.01/K.JT-{i % 35:02d}/2024", f"{NAMES[i % len(NAMES)]} {i}", nip(i, spaced=i % 2 == 0),
            POSITIONS[i % len(POSITIONS)], agency, spellings[i % len(spellings)],
            day if native_dates else written_date(day, i), day + dt.timedelta(days=2) if native_dates else
            written_date(day + dt.timedelta(days=2), i + 1), f"Desa Sukamaju {i % 40}",
            f"Terlapor {ACTS[i % len(ACTS)]} (kejadian nomor {i}).", "temuan" if i % 10 == 0 else "laporan",
            "" if i % 10 == 0 else f"Warga Pelapor {i}"]


def lapor_row(i: int) -> list:
    """Respondent i as LAPOR! would record it: another ticket number, region and date written another way."""
    code, spellings = REGIONS[i % len(REGIONS)]
    return [f"LAPOR-{9000 + i}", f"{NAMES[i % len(NAMES)]} {i}".upper(), nip(i, spaced=i % 2 == 1),
            f"Pemda {spellings[0]}", spellings[(i + 1) % len(spellings)], written_date(occurred(i), i + 2),
            f"Pengaduan: ASN {ACTS[i % len(ACTS)]}."]


def to_csv(headers, rows, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8")


def to_xlsx(headers, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
