"""Letter rendering benchmark (and sample-letter previews).

    python bench/bench_letters.py            # print the figures
    python bench/bench_letters.py --docs     # also write docs/letters/<KIND>.png (pdftoppm)

``run()`` returns a list of ``{"name", "value", "unit", "target", "met"}``:
p50/p95 of 30 single RECOMMENDATION renders (target p50 <= 100 ms) and the
throughput of a 200-letter batch through ``render_many_pdf`` (target >= 10
letters/s per core; the batch runs in one process, i.e. one core).
"""
from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cases.letters.render import (
    LETTER_KINDS,
    harfbuzz_subset_available,
    render_letter_pdf,
    render_many_pdf,
)

SINGLE_RUNS = 30
BATCH_SIZE = 200
P50_TARGET_MS = 100.0
BATCH_TARGET = 10.0

ISSUERS = {
    "BAWASLU": {
        "name": "Badan Pengawas Pemilihan Umum Kabupaten Nabire", "short_name": "Bawaslu Nabire",
        "address": "Jalan Merdeka Nomor 12, Nabire, Papua Tengah 98811",
        "phone": "(0984) 21234", "website": "nabire.bawaslu.go.id",
    },
    "BKN": {
        "name": "Badan Kepegawaian Negara", "short_name": "BKN",
        "parent_name": "Republik Indonesia",
        "address": "Jalan Mayjen Sutoyo Nomor 12, Cililitan, Jakarta Timur 13640",
        "phone": "(021) 8093008", "website": "www.bkn.go.id",
    },
    "KEMENDAGRI": {
        "name": "Kementerian Dalam Negeri", "short_name": "Kemendagri",
        "parent_name": "Republik Indonesia",
        "address": "Jalan Medan Merdeka Utara Nomor 7, Jakarta Pusat 10110",
        "phone": "(021) 3450038", "website": "www.kemendagri.go.id",
    },
}

ADDRESSEES = {
    "PPK": {"position": "Bupati Nabire (selaku Pejabat Pembina Kepegawaian)", "place": "Nabire"},
    "BKN": {"position": "Kepala Badan Kepegawaian Negara", "place": "Jakarta"},
    "PRESIDENT": {"position": "Presiden Republik Indonesia", "place": "Jakarta"},
    "REPORTER": {"position": "Sdr. Yohanes Pigai", "place": "Nabire"},
}

KIND_SETUP = {
    # kind: (issuer, addressee, number)
    "RECEIPT": ("BAWASLU", "REPORTER", "045/PP.01.02/K.PT-05/11/2026"),
    "COMPLETION_REQUEST": ("BAWASLU", "REPORTER", "046/PP.01.02/K.PT-05/11/2026"),
    "STATUS_NOTICE": ("BAWASLU", "REPORTER", "051/PP.01.02/K.PT-05/11/2026"),
    "CLOSING_NOTICE": ("BAWASLU", "REPORTER", "077/PP.01.02/K.PT-05/12/2026"),
    "FORWARDING": ("BAWASLU", "BKN", "052/PM.01/K.PT-05/11/2026"),
    "RECOMMENDATION": ("BKN", "PPK", "R-12/BKN/11/2026"),
    "REMINDER": ("BKN", "PPK", "R-31/BKN/12/2026"),
    "BLOCK_REQUEST": ("BKN", "BKN", "B-40/BKN/12/2026"),
    "ESCALATION_WARNING": ("KEMENDAGRI", "PPK", "800.1.6/2291/OTDA"),
    "UNBLOCK_NOTICE": ("BKN", "PPK", "B-55/BKN/01/2027"),
    "PRESIDENT_REPORT": ("BKN", "PRESIDENT", "R-60/BKN/01/2027"),
}


def respondent(i: int = 0) -> dict:
    names = ["Drs. Markus Wonda, M.Si.", "Siti Rahmawati, S.Pd.", "Agus Salim Tebay, S.E.",
             "Maria Goreti Kotouki, S.Kep.", "Ir. Benny Yikwa"]
    return {
        "name": names[i % len(names)] + ("" if i < len(names) else f" ({i + 1})"),
        "nip": f"19{70 + i % 20:02d}0411 199{3 + i % 6}03 1 0{(9 + i) % 100:02d}",
        "position": "Kepala Dinas Pendidikan dan Kebudayaan" if i % 2 == 0 else "Guru Ahli Madya",
        "agency": "Pemerintah Kabupaten Nabire",
        "violations": ["Memasang spanduk/baliho bakal calon",
                       "Mengunggah foto bersama bakal calon dengan simbol dukungan di media sosial"][: 1 + i % 2],
        "sanction": "hukuman disiplin berat berupa penurunan jabatan setingkat lebih rendah selama 12 (dua belas) bulan"
        if i % 2 == 0 else "sanksi moral pernyataan secara terbuka",
        "facts": "Pada tanggal 3 Oktober 2026 terlapor memasang baliho bergambar bakal calon Bupati Nabire "
                 "di halaman kantor dinas dan mengunggah fotonya dengan gestur dukungan di akun Facebook pribadi.",
        "occurred_on": dt.date(2026, 10, 3), "occurred_place": "Kantor Dinas Pendidikan, Nabire",
        "evidence": ["Tangkapan layar unggahan Facebook", "Foto baliho"],
    }


def example_context(kind: str = "RECOMMENDATION", *, respondents: int = 1, seq: int = 1) -> dict:
    issuer_key, addressee_key, number = KIND_SETUP[kind]
    signer = {
        "BAWASLU": {"name": "Yustus Kegou, S.H.", "position": "Ketua Bawaslu Kabupaten Nabire", "nip": ""},
        "BKN": {"name": "Dr. Haryomo Dwi Putranto, S.T., M.T.", "position": "Kepala Badan Kepegawaian Negara",
                "nip": "19680411 199303 1 009"},
        "KEMENDAGRI": {"name": "Dr. Akmal Malik, M.Si.", "position": "Direktur Jenderal Otonomi Daerah",
                       "nip": "19700601 199003 1 002", "electronic": True},
    }[issuer_key]
    return {
        "number": number, "sifat": "Segera", "lampiran": "1 (satu) berkas",
        "issued_on": dt.date(2026, 11, 24), "place": "Nabire" if issuer_key == "BAWASLU" else "Jakarta",
        "issuer": ISSUERS[issuer_key], "addressee": ADDRESSEES[addressee_key], "signer": signer,
        "tembusan": ["Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
                     "Menteri Dalam Negeri", "Ketua Badan Pengawas Pemilihan Umum Republik Indonesia"],
        "reference": "Surat Ketua Bawaslu Kabupaten Nabire Nomor 052/PM.01/K.PT-05/11/2026 tanggal 10 November 2026",
        "recommendation_ref": "Surat Kepala BKN Nomor R-12/BKN/11/2026 tanggal 24 November 2026",
        "decree_ref": "Keputusan Bupati Nabire Nomor 800/112/BKPSDM/2027",
        "ppk": {"position": "Bupati Nabire"},
        "case": {"number": f"NTR-2026-{seq:06d}", "election": "Pilkada 2026", "region": "Kabupaten Nabire"},
        "respondents": [respondent(i) for i in range(respondents)],
        "legal_basis": [
            "Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara",
            "Undang-Undang Nomor 10 Tahun 2016 tentang Pemilihan Gubernur, Bupati, dan Wali Kota, Pasal 71 ayat (1)",
            "Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin Pegawai Negeri Sipil, Pasal 5 huruf n",
            "Keputusan Bersama Nomor 2 Tahun 2022 tentang Pedoman Pembinaan dan Pengawasan Netralitas Pegawai ASN",
        ],
        "deadline_text": "14 (empat belas) hari kerja", "due_date": dt.date(2026, 12, 14),
        "reporter": {"name": "Yohanes Pigai", "tracking_code": "LPR-7Q2K-9XHD"},
        "received_at": dt.datetime(2026, 11, 20, 9, 5), "time_zone": "WIT",
        "evidence": ["Tangkapan layar unggahan Facebook", "Foto baliho di halaman kantor"],
        "missing_items": ["Fotokopi KTP pelapor", "Uraian waktu dan tempat kejadian"],
        "status": "Diregistrasi", "status_reason": "Laporan memenuhi syarat formal dan materiel.",
        "outcome": "laporan terbukti dan telah diteruskan kepada Badan Kepegawaian Negara; "
                   "Pejabat Pembina Kepegawaian telah menjatuhkan sanksi.",
        "body_extra": "",
        "verify_url": f"https://netralitas.example.go.id/verify/{seq:08x}",
        "verify_code": f"{seq:04X}-23DE",
        "void": False,
    }


def _ms(seconds: float) -> float:
    return round(seconds * 1000.0, 1)


def run() -> list[dict]:
    ctx = example_context("RECOMMENDATION")
    render_letter_pdf("RECOMMENDATION", ctx)  # warm-up: fonts, stylesheet, templates
    times, cpu = [], []
    for i in range(SINGLE_RUNS):
        c = example_context("RECOMMENDATION", seq=i + 2)
        t0, c0 = time.perf_counter(), time.process_time()
        render_letter_pdf("RECOMMENDATION", c)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]

    kinds = list(LETTER_KINDS)
    items = [(kinds[i % len(kinds)], example_context(kinds[i % len(kinds)], seq=1000 + i))
             for i in range(BATCH_SIZE)]
    t0 = time.perf_counter()
    pdf = render_many_pdf(items)
    elapsed = time.perf_counter() - t0
    rate = BATCH_SIZE / elapsed

    results = [
        {"name": "letter_single_p50", "value": _ms(p50), "unit": "ms", "target": P50_TARGET_MS,
         "met": _ms(p50) <= P50_TARGET_MS},
        {"name": "letter_single_p95", "value": _ms(p95), "unit": "ms", "target": None, "met": True},
        # CPU time of the same renders: less sensitive to other load on the machine.
        {"name": "letter_single_cpu_p50", "value": _ms(statistics.median(cpu)), "unit": "ms",
         "target": None, "met": True},
        {"name": "letter_batch_rate", "value": round(rate, 1), "unit": "letters/s",
         "target": BATCH_TARGET, "met": rate >= BATCH_TARGET},
        {"name": "letter_batch_pdf_size", "value": round(len(pdf) / 1024.0, 1), "unit": "KiB",
         "target": None, "met": True},
        {"name": "harfbuzz_subset", "value": int(harfbuzz_subset_available()), "unit": "bool",
         "target": None, "met": True},
    ]
    for r in results:
        target = "" if r["target"] is None else f" (target {r['target']})"
        print(f"{r['name']:<24} {r['value']:>8} {r['unit']}{target}  {'OK' if r['met'] else 'MISSED'}")
    return results


def write_docs(out_dir: Path = ROOT / "docs" / "letters") -> list[Path]:
    """Render one sample per kind and write page 1 as ``docs/letters/<KIND>.png``
    (70 dpi, needs poppler's pdftoppm)."""
    import tempfile

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in LETTER_KINDS:
            pdf_path = Path(tmp) / f"{kind}.pdf"
            pdf_path.write_bytes(render_letter_pdf(kind, example_context(kind)))
            stem = out_dir / kind
            subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", str(pdf_path), str(stem)],
                           check=True)
            written.append(stem.with_suffix(".png"))
    return written


if __name__ == "__main__":
    if "--docs" in sys.argv:
        for path in write_docs():
            print("wrote", path.relative_to(ROOT))
    run()
