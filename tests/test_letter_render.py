"""Letter renderer: every kind renders, carries its key facts, escapes user text,
never fetches outside static/fonts and static/letters, numbers long letters'
pages and marks void letters.  No database: the renderer takes plain dicts.

Works under pytest-django (project settings) and standalone (minimal settings).
"""
from __future__ import annotations

import datetime as dt
import io
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from django.conf import settings

if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(
        USE_I18N=True,
        INSTALLED_APPS=[],
        TEMPLATES=[{
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [str(ROOT / "templates")],
        }],
    )

from pypdf import PdfReader

from cases.letters import render as R
from cases.letters.dates import angka_terbilang, format_tanggal, terbilang
from cases.letters.render import LETTER_KINDS, render_letter_pdf

SANCTION = "hukuman disiplin berat berupa pembebasan dari jabatan menjadi jabatan pelaksana selama 12 (dua belas) bulan"
# Kinds that print the recommended sanction (the unblock notice prints the one the PPK's decree imposed).
SANCTION_KINDS = {"RECOMMENDATION", "REMINDER", "BLOCK_REQUEST", "BLOCK_NOTICE", "ESCALATION_REQUEST",
                  "ESCALATION_WARNING", "PRESIDENT_REPORT"}
REPORTER_KINDS = {"RECEIPT", "CLOSING_NOTICE", "STATUS_NOTICE", "COMPLETION_REQUEST"}

INJECTIONS = [
    "<b>x</b>",
    "url(file:///etc/passwd)",
    '<img src="file:///etc/passwd">',
    '<link href="http://evil">',
]


def respondent(i=0, **overrides):
    data = {
        "name": f"Yulianus Mote{'' if i == 0 else f' {i}'}",
        "nip": f"19800512 200604 1 {i:03d}",
        "position": "Kepala Bidang Pendidikan Dasar",
        "agency": "Pemerintah Kabupaten Nabire",
        "violations": ["Memasang baliho bakal calon di kantor dinas"],
        "sanction": SANCTION,
        "facts": "Terlapor memasang baliho bakal calon pada 3 Oktober 2026.",
    }
    data.update(overrides)
    return data


def make_context(kind="RECOMMENDATION", *, respondents=None, **overrides):
    ctx = {
        "number": "R-12/KASN/11/2026",
        "sifat": "Segera",
        "lampiran": "1 (satu) berkas",
        "issued_on": dt.date(2026, 11, 4),
        "place": "Jakarta",
        "issuer": {"name": "Badan Kepegawaian Negara", "short_name": "BKN",
                   "address": "Jalan Mayjen Sutoyo Nomor 12, Jakarta Timur",
                   "phone": "(021) 8093008", "website": "www.bkn.go.id", "letterhead_image": None},
        "addressee": {"position": "Bupati Nabire (selaku Pejabat Pembina Kepegawaian)", "place": "Nabire"},
        "signer": {"name": "Dr. Contoh Pejabat, M.Si.", "position": "Kepala Badan Kepegawaian Negara",
                   "nip": "19680411 199303 1 009"},
        "tembusan": ["Kepala Badan Kepegawaian Negara", "Ketua Bawaslu RI"],
        "reference": "Surat Bawaslu Kabupaten Nabire Nomor 052/PM.01/11/2026 tanggal 10 November 2026",
        "case": {"number": "NTR-2026-000123", "election": "Pilkada 2026", "region": "Kabupaten Nabire"},
        "respondents": respondents if respondents is not None else [respondent()],
        "legal_basis": ["Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara"],
        "deadline_text": "14 (empat belas) hari kerja",
        "due_date": dt.date(2026, 11, 24),
        "reporter": {"name": "Pelapor Contoh", "tracking_code": "LPR-7Q2K-9XHD"},
        "body_extra": "",
        "verify_url": "http://testserver/verify/abc123",
        "verify_code": "ABC1-23DE",
        "void": False,
    }
    ctx.update(overrides)
    return ctx


def pdf_pages_text(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def pdf_text(pdf: bytes) -> str:
    return " ".join(pdf_pages_text(pdf))


# --------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------
def test_format_tanggal_indonesian_months_no_leading_zero():
    assert format_tanggal(dt.date(2026, 11, 24)) == "24 November 2026"
    assert format_tanggal(dt.date(2022, 5, 5)) == "5 Mei 2022"
    assert format_tanggal(dt.datetime(2024, 8, 17, 10, 0)) == "17 Agustus 2024"
    assert format_tanggal(None) == ""


@pytest.mark.parametrize("n,words", [
    (0, "nol"), (1, "satu"), (10, "sepuluh"), (11, "sebelas"), (14, "empat belas"),
    (20, "dua puluh"), (21, "dua puluh satu"), (100, "seratus"), (115, "seratus lima belas"),
    (250, "dua ratus lima puluh"), (1000, "seribu"), (1945, "seribu sembilan ratus empat puluh lima"),
    (2026, "dua ribu dua puluh enam"), (12_000_000, "dua belas juta"),
])
def test_terbilang(n, words):
    assert terbilang(n) == words


def test_angka_terbilang():
    assert angka_terbilang(14) == "14 (empat belas)"


# --------------------------------------------------------------------------
# every kind
# --------------------------------------------------------------------------
@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_every_kind_renders_key_facts(kind):
    pdf = render_letter_pdf(kind, make_context(kind))
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "R-12/KASN/11/2026" in text
    assert "Jakarta, 4 November 2026" in text          # place and Indonesian date, no leading zero
    assert "Yulianus Mote" in text
    assert "19800512 200604 1 000" in text
    assert "ABC1-23DE" in text
    assert "Dengan hormat," in text
    assert "Tembusan:" in text
    if kind in SANCTION_KINDS:
        assert SANCTION in text
    if kind in REPORTER_KINDS:
        assert "LPR-7Q2K-9XHD" in text
    if kind in ("RECOMMENDATION", "REMINDER", "ESCALATION_WARNING"):
        assert "14 (empat belas) hari kerja" in text
        assert "24 November 2026" in text                 # due date
    if len(pdf_pages_text(pdf)) == 1:
        assert "Halaman" not in text


def test_recommendation_follows_outline():
    text = pdf_text(render_letter_pdf("RECOMMENDATION", make_context()))
    for fragment in (
        "Rekomendasi atas Pelanggaran Netralitas Pegawai ASN",      # Hal
        "Yth. Bupati Nabire (selaku Pejabat Pembina Kepegawaian)",
        "Surat Bawaslu Kabupaten Nabire Nomor 052/PM.01/11/2026",   # 1. reference
        "Undang-Undang Nomor 20 Tahun 2023",                         # 2. legal basis
        "Kepala Bidang Pendidikan Dasar",                             # 3. facts
        "terbukti melakukan pelanggaran netralitas",                  # 4. conclusion
        "Merekomendasikan kepada Bupati Nabire",                      # 5. sanction
        "paling lambat 14 (empat belas) hari kerja",                  # 6. request
        "pemblokiran data kepegawaian",                               # 7. consequences
        "Demikian disampaikan, atas perhatian dan kerja samanya diucapkan terima kasih.",
        "NIP 19680411 199303 1 009",                                  # 8. signature
    ):
        assert fragment in text, fragment


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError):
        render_letter_pdf("LOVE_LETTER", make_context())


def test_dates_may_arrive_as_iso_strings():
    ctx = make_context(issued_on="2026-11-04", due_date="2026-11-24")
    text = pdf_text(render_letter_pdf("REMINDER", ctx))
    assert "Jakarta, 4 November 2026" in text and "24 November 2026" in text


# --------------------------------------------------------------------------
# injection and URL allowlist
# --------------------------------------------------------------------------
def _fetched_outside_allowlist():
    allowed = tuple(str(d.resolve()) for d in R.ALLOWED_DIRS)
    bad = []
    for url in R.REQUESTED_URLS:
        if url.startswith("data:"):
            continue
        path = url.removeprefix("file://")
        if not (url.startswith("file://") and path.startswith(allowed)):
            bad.append(url)
    return bad


def test_user_text_is_escaped_and_nothing_outside_static_is_fetched():
    R.REQUESTED_URLS.clear()
    R.REFUSED_URLS.clear()
    payload = " ".join(INJECTIONS)
    ctx = make_context(
        body_extra=payload,
        respondents=[respondent(name="Budi " + payload, facts=payload)],
        reporter={"name": payload, "tracking_code": "LPR-1"},
    )
    for kind in ("RECOMMENDATION", "FORWARDING", "RECEIPT"):
        html = R.render_letter_html(kind, ctx)
        assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
        assert '<img src="file:///etc/passwd">' not in html
        assert '<link href="http://evil">' not in html
        pdf = render_letter_pdf(kind, ctx)
        text = pdf_text(pdf)
        for snippet in INJECTIONS:
            assert " ".join(snippet.split()) in text, (kind, snippet)
        reader = PdfReader(io.BytesIO(pdf))
        assert "/JavaScript" not in str(reader.trailer["/Root"])
        assert "/OpenAction" not in reader.trailer["/Root"]
        assert "/Names" not in reader.trailer["/Root"]             # no embedded files
        for page in reader.pages:
            assert "/Annots" not in page                             # no links at all
    assert R.REFUSED_URLS == []
    assert _fetched_outside_allowlist() == []
    assert any(u.startswith("data:image/png") for u in R.REQUESTED_URLS)   # the QR went through it


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://evil/x.css",
    "https://example.org/font.ttf",
    "ftp://example.org/x",
    (R.STATIC_DIR / "letters" / ".." / ".." / "manage.py").as_uri(),
    (R.STATIC_DIR / "nope.css").as_uri(),
    "file://remotehost" + str(R.STATIC_DIR / "letters" / "emblem.svg"),
    "javascript:alert(1)",
])
def test_safe_url_fetcher_refuses_outside_allowlist(url):
    R.REFUSED_URLS.clear()
    with pytest.raises(ValueError):
        R.safe_url_fetcher(url)
    assert R.REFUSED_URLS == [url]


def test_safe_url_fetcher_allows_static_letters_fonts_and_data():
    emblem = R.safe_url_fetcher((R.STATIC_DIR / "letters" / "emblem.svg").as_uri())
    assert emblem.read().lstrip().startswith(b"<svg")
    font = R.safe_url_fetcher((R.STATIC_DIR / "fonts" / "LiberationSans-Regular.ttf").as_uri())
    assert len(font.read()) > 10_000
    data = R.safe_url_fetcher("data:text/plain;base64,aGVsbG8=")
    assert data.read() == b"hello"


def test_letterhead_image_outside_allowlist_is_not_loaded():
    R.REQUESTED_URLS.clear()
    R.REFUSED_URLS.clear()
    for bad in ("../../etc/passwd", "file:///etc/passwd", "/etc/passwd", "http://evil/kop.png"):
        ctx = make_context()
        ctx["issuer"] = dict(ctx["issuer"], letterhead_image=bad)
        pdf = render_letter_pdf("RECOMMENDATION", ctx)
        assert pdf.startswith(b"%PDF-")
        assert bad in R.REFUSED_URLS
    assert _fetched_outside_allowlist() == []


def test_letterhead_image_inside_static_letters_is_used():
    R.REFUSED_URLS.clear()
    ctx = make_context()
    ctx["issuer"] = dict(ctx["issuer"], letterhead_image="letters/emblem.svg")
    assert render_letter_pdf("RECOMMENDATION", ctx).startswith(b"%PDF-")
    assert R.REFUSED_URLS == []


# --------------------------------------------------------------------------
# pages, watermark, QR, batch
# --------------------------------------------------------------------------
def test_long_letter_has_page_numbers_on_every_page():
    ctx = make_context(respondents=[respondent(i) for i in range(30)])
    pages = pdf_pages_text(render_letter_pdf("RECOMMENDATION", ctx))
    n = len(pages)
    assert n >= 3
    for i, text in enumerate(pages, start=1):
        assert f"Halaman {i} dari {n}" in text
        assert "ABC1-23DE" in text                                   # footer on every page
    assert "19800512 200604 1 029" in " ".join(pages)


def test_short_letter_has_no_page_number():
    ctx = make_context(legal_basis=[], tembusan=[])
    pages = pdf_pages_text(render_letter_pdf("STATUS_NOTICE", ctx))
    assert len(pages) == 1
    assert "Halaman" not in pages[0]


def test_void_letter_shows_watermark():
    assert "BATAL" not in pdf_text(render_letter_pdf("REMINDER", make_context()))
    assert "BATAL" in pdf_text(render_letter_pdf("REMINDER", make_context(void=True)))


def test_qr_data_uri_encodes_the_verify_url():
    uri = R.qr_svg_data_uri("http://testserver/verify/abc123")
    assert uri.startswith("data:image/svg+xml")
    assert R.qr_png_data_uri("http://testserver/verify/abc123").startswith("data:image/png;base64,")


def test_render_many_pdf_merges_letters():
    items = [(kind, make_context(kind, number=f"R-{i}/KASN/11/2026"))
             for i, kind in enumerate(("RECEIPT", "RECOMMENDATION", "REMINDER"))]
    pdf = R.render_many_pdf(items)
    text = pdf_text(pdf)
    for i in range(3):
        assert f"R-{i}/KASN/11/2026" in text
    singles = sum(len(PdfReader(io.BytesIO(render_letter_pdf(k, c))).pages) for k, c in items)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == singles


def test_harfbuzz_subset_probe_returns_bool():
    assert isinstance(R.harfbuzz_subset_available(), bool)
