"""Letter rendering and signing benchmark.

    python bench/bench_letters.py            # print the figures

``run()`` returns a list of ``{"name", "value", "unit", "target", "met"}``:
p50/p95 of 30 single RECOMMENDATION renders (target p50 <= 100 ms); p50 of the same
renders followed by the PAdES signature every issued letter carries, and what signing
adds (target <= 30 ms); beside them, alternately, the floor: the same letter's words set by WeasyPrint as
plain paragraphs in the same font on the same pages (no kop, table, QR or footer), what any letter this long
costs on this machine at this moment; the throughput of a 200-letter batch through ``render_many_pdf``,
and of 50 letters each rendered and signed as ``letter_issue`` does (target >= 10
letters/s per core; one process, i.e. one core). Signing uses a throw-away TEST authority
in a temp dir (cases.letters.pki). The pictures in docs/letters/ come from letters issued
by the workflow (tests/test_letters_story.py with LETTERS_DOCS_DIR=docs/letters).
"""
from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cases.letters.render import (  # noqa: E402
    LETTER_KINDS,
    harfbuzz_subset_available,
    render_letter_pdf,
    render_many_pdf,
)

SINGLE_RUNS = 30
BATCH_SIZE = 200
SIGNED_BATCH_SIZE = 50
P50_TARGET_MS = 100.0
SIGN_ADDS_TARGET_MS = 30.0
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
    "MINISTER": {"position": "Menteri Dalam Negeri", "place": "Jakarta"},
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
    "BLOCK_NOTICE": ("BKN", "PPK", "S-41/BKN/12/2026"),
    "ESCALATION_REQUEST": ("BKN", "MINISTER", "S-45/BKN/12/2026"),
    "UNBLOCK_REQUEST": ("BKN", "BKN", "B-54/BKN/01/2027"),
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
    # as letter_issue signs every issued letter: the electronic-signature line (italic, a third font face)
    signer = {**signer, "electronic": True, "certificate": "Otoritas Sertifikat Uji (TEST \u2014 bukan sertifikat resmi)"}
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


def _test_signer():
    """A throw-away TEST authority and one agency certificate, loaded as pyHanko signs with it."""
    import tempfile

    from pyhanko.sign import signers

    from cases.letters import pki

    directory = Path(tempfile.mkdtemp(prefix="bench-pki-"))
    path = pki.agency_certificate_issue(directory, "BKN", "Badan Kepegawaian Negara")
    return signers.SimpleSigner.load_pkcs12(str(path), passphrase=None)


def _p50_p95(times):
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


FLOOR_CSS = """
@font-face { font-family: "Letter Sans"; src: url(fonts/LiberationSans-Regular.ttf) format("truetype"); }
@font-face { font-family: "Letter Sans"; font-weight: bold; src: url(fonts/LiberationSans-Bold.ttf) format("truetype"); }
@page { size: A4; margin: 2.5cm 2cm; }
html { font-family: "Letter Sans", sans-serif; font-size: 11.5pt; line-height: 1.3; }
p { margin: 0 0 0.45em 0; }
"""


def _floor_html(letter_html: str) -> str:
    """The letter's words as plain paragraphs (one per block of the letter), nothing else: no kop, table,
    list, QR, running footer or page number. What WeasyPrint must at least do to set this much text on
    the same pages in the same font."""
    import html as html_lib
    import re

    body = letter_html.split("<body", 1)[1].split(">", 1)[1]
    body = re.sub(r"<(?:/?(?:div|p|li|tr|ol|ul|table|br)\b)[^>]*>", "\n", body)
    body = re.sub(r"</t[dh]>", " ", body)
    lines = (html_lib.escape(html_lib.unescape(re.sub(r"<[^>]*>", "", line)).strip())
             for line in body.split("\n"))
    return "<html lang=id><body>" + "".join(f"<p>{line}</p>" for line in lines if line) + "</body></html>"


def _floor_renderer():
    from weasyprint import CSS, HTML

    from cases.letters import render

    res = render._resources()
    css = CSS(string=FLOOR_CSS, base_url=render.STATIC_BASE_URL, url_fetcher=res.fetcher,
              font_config=res.font_config)

    def floor_pdf(letter_html: str) -> bytes:
        doc = HTML(string=_floor_html(letter_html), base_url=render.STATIC_BASE_URL, url_fetcher=res.fetcher)
        return doc.render(stylesheets=[css], font_config=res.font_config).write_pdf()

    return floor_pdf


def run() -> list[dict]:
    from cases.letters.render import render_letter_html
    from cases.letters.signing import pdf_sign_with

    ctx = example_context("RECOMMENDATION")
    signer = _test_signer()
    pdf_sign_with(render_letter_pdf("RECOMMENDATION", ctx), signer, name="BKN")  # warm-up: fonts, templates, key
    floor_pdf = _floor_renderer()
    floor_pdf(render_letter_html("RECOMMENDATION", ctx))
    times, cpu, signed_times, sign_cpu, floor_cpu = [], [], [], [], []
    for i in range(SINGLE_RUNS):
        c = example_context("RECOMMENDATION", seq=i + 2)
        # the floor, measured alternately with the letter so both see the same load on the machine
        letter_html = render_letter_html("RECOMMENDATION", c)
        c0 = time.process_time()
        floor_pdf(letter_html)
        floor_cpu.append(time.process_time() - c0)
        t0, c0 = time.perf_counter(), time.process_time()
        pdf = render_letter_pdf("RECOMMENDATION", c)
        t1 = time.perf_counter()
        times.append(t1 - t0)
        cpu.append(time.process_time() - c0)
        c1 = time.process_time()
        pdf_sign_with(pdf, signer, name="BKN")
        signed_times.append(time.perf_counter() - t0)
        sign_cpu.append(time.process_time() - c1)
    p50, p95 = _p50_p95(times)
    signed_p50, _ = _p50_p95(signed_times)
    sign_adds = statistics.median(s - r for s, r in zip(signed_times, times))

    kinds = list(LETTER_KINDS)
    items = [(kinds[i % len(kinds)], example_context(kinds[i % len(kinds)], seq=1000 + i))
             for i in range(BATCH_SIZE)]
    t0, c0 = time.perf_counter(), time.process_time()
    pdf = render_many_pdf(items)
    rate, cpu_rate = BATCH_SIZE / (time.perf_counter() - t0), BATCH_SIZE / (time.process_time() - c0)
    t0, c0 = time.perf_counter(), time.process_time()
    for kind, c in items[:SIGNED_BATCH_SIZE]:
        pdf_sign_with(render_letter_pdf(kind, c), signer, name="BKN")
    signed_rate = SIGNED_BATCH_SIZE / (time.perf_counter() - t0)
    signed_cpu_rate = SIGNED_BATCH_SIZE / (time.process_time() - c0)

    results = [
        {"name": "letter_single_p50", "value": _ms(p50), "unit": "ms", "target": P50_TARGET_MS,
         "met": _ms(p50) <= P50_TARGET_MS},
        {"name": "letter_single_p95", "value": _ms(p95), "unit": "ms", "target": None, "met": True},
        # CPU time of the same renders: less sensitive to other load on the machine.
        {"name": "letter_single_cpu_p50", "value": _ms(statistics.median(cpu)), "unit": "ms",
         "target": None, "met": True},
        {"name": "letter_floor_cpu_p50", "value": _ms(statistics.median(floor_cpu)), "unit": "ms",
         "target": P50_TARGET_MS, "met": _ms(statistics.median(floor_cpu)) <= P50_TARGET_MS},
        # the letter's cost in floors: steadier than either figure when other work shares the cores
        {"name": "letter_over_floor", "value": round(statistics.median(cpu) / statistics.median(floor_cpu), 2),
         "unit": "x", "target": None, "met": True},
        {"name": "letter_signed_p50", "value": _ms(signed_p50), "unit": "ms", "target": None, "met": True},
        {"name": "letter_sign_adds_p50", "value": _ms(sign_adds), "unit": "ms", "target": SIGN_ADDS_TARGET_MS,
         "met": _ms(sign_adds) <= SIGN_ADDS_TARGET_MS},
        {"name": "letter_sign_cpu_p50", "value": _ms(statistics.median(sign_cpu)), "unit": "ms", "target": None,
         "met": True},
        {"name": "letter_batch_rate", "value": round(rate, 1), "unit": "letters/s",
         "target": BATCH_TARGET, "met": rate >= BATCH_TARGET},
        {"name": "letter_batch_signed_rate", "value": round(signed_rate, 1), "unit": "letters/s",
         "target": BATCH_TARGET, "met": signed_rate >= BATCH_TARGET},
        # the same batches per CPU second of this process (one core), whatever else runs on the machine
        {"name": "letter_batch_cpu_rate", "value": round(cpu_rate, 1), "unit": "letters/cpu-s",
         "target": BATCH_TARGET, "met": cpu_rate >= BATCH_TARGET},
        {"name": "letter_batch_signed_cpu_rate", "value": round(signed_cpu_rate, 1), "unit": "letters/cpu-s",
         "target": BATCH_TARGET, "met": signed_cpu_rate >= BATCH_TARGET},
        {"name": "letter_batch_pdf_size", "value": round(len(pdf) / 1024.0, 1), "unit": "KiB",
         "target": None, "met": True},
        {"name": "harfbuzz_subset", "value": int(harfbuzz_subset_available()), "unit": "bool",
         "target": None, "met": True},
    ]
    for r in results:
        target = "" if r["target"] is None else f" (target {r['target']})"
        print(f"{r['name']:<28} {r['value']:>8} {r['unit']}{target}  {'OK' if r['met'] else 'MISSED'}")
    return results


if __name__ == "__main__":
    run()
