"""Render official letters (naskah dinas) to PDF with WeasyPrint.

Pure with respect to the database: every function takes a plain ``dict`` and
returns ``str`` / ``bytes``.  Numbering, hashing and storage belong to the
caller.

Public API
----------
``LETTER_KINDS``                                 the kinds below
``render_letter_html(kind, context) -> str``     standalone HTML (CSS inlined)
``render_letter_pdf(kind, context, *, base_url=None) -> bytes``
``render_many_pdf([(kind, context), ...]) -> bytes``   one merged PDF
``qr_svg_data_uri(url) -> str``                  segno QR as ``data:image/svg+xml``
``safe_url_fetcher(url, timeout=10, ssl_context=None)``  allowlisting fetcher
``harfbuzz_subset_available() -> bool``

Context keys (all optional unless noted; dates may be ``date`` objects or ISO
strings, they are formatted here as "24 November 2026" before rendering)::

    number        "R-12/KASN/11/2026"                    letter number
    sifat         "Biasa" | "Segera" | "Sangat Segera" | "Rahasia"  (default Biasa)
    lampiran      "-" | "1 (satu) berkas"                (default "-")
    hal           subject; default per kind (DEFAULT_HAL)
    issued_on     date   -> issued_on_text
    place         "Jakarta"                               printed before the date
    issuer        {"name", "short_name", "parent_name", "address", "phone",
                   "website", "email", "letterhead_image"}
                  letterhead_image: path relative to static/ (e.g.
                  "letters/kop-bkn.png") replacing the drawn kop; only files under
                  static/letters and static/fonts can be loaded.
    addressee     {"position": "Bupati Nabire (selaku Pejabat Pembina Kepegawaian)",
                   "place": "Nabire"}
                  reporter letters default to "Sdr. <reporter.name>".
    signer        {"name", "position", "nip" ("" for non civil servants),
                   "electronic": bool}
    tembusan      ["Kepala Badan Kepegawaian Negara", ...]
    reference     "Surat Bawaslu ... Nomor ... tanggal ..."
    case          {"number", "election", "region"}
    respondents   [{"name", "nip", "position", "agency",
                    "violations": [str] (a str is accepted), "sanction", "facts",
                    "occurred_on": date, "occurred_place", "evidence": [str],
                    "ppk": str (PRESIDENT_REPORT column)}]
    legal_basis   [str] (cases.letters.context picks dated LegalBasis rows; none
                  is assumed here)
    deadline_text "14 (empat belas) hari kerja"; or deadline_days=14 (+
                  deadline_unit "hari kerja"/"hari kalender"); no default: a
                  letter without a rule names no deadline
    facts         what the case's record says happened (cases.letters.facts)
    due_date      date   -> due_date_text
    ppk           {"position": "Bupati Nabire"}; default: addressee.position (minus
                  " (selaku ...)") for letters to the PPK, else "Pejabat Pembina
                  Kepegawaian"
    reporter      {"name", "tracking_code"} (RECEIPT, COMPLETION_REQUEST,
                   STATUS_NOTICE, CLOSING_NOTICE)
    body_extra    free user text, printed escaped as "Catatan: ..."
    verify_url    "http://host/verify/abc123"  -> QR and printed text (no link)
    verify_code   "ABC1-23DE"
    void          bool: diagonal "BATAL" watermark on every page

    Kind-specific extras:
    RECEIPT            received_at (datetime), evidence [str], next_step
    COMPLETION_REQUEST missing_items [str], requirement_kind, consequence
    STATUS_NOTICE      status, status_reason, status_date
    CLOSING_NOTICE     outcome
    FORWARDING         clarification, conclusion
    RECOMMENDATION     conclusion_basis
    REMINDER / BLOCK_REQUEST / ESCALATION_WARNING / PRESIDENT_REPORT /
    UNBLOCK_NOTICE     recommendation_ref; UNBLOCK_NOTICE also decree_ref
    UNBLOCK_REQUEST    recommendation_ref, block_notice_ref, lift {"basis": decision | accepted | supervisor |
                       closed, "reason", "on"} (the event that ended the block's reason)

All values are autoescaped by Django templates; no value is ever treated as
HTML, CSS or a URL to fetch.  The PDF contains no JavaScript, no attachments and
no links; the only resources loaded are the shipped fonts, the emblem and
``data:`` URIs (the QR), through :func:`safe_url_fetcher`.
"""
from __future__ import annotations

import atexit
import contextlib
import ctypes.util
import datetime as _dt
import gc
import logging
import mimetypes
import os
import threading
import urllib.parse
import urllib.request
from functools import cache, lru_cache
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .dates import angka_terbilang, format_tanggal, format_waktu

logger = logging.getLogger(__name__)

BASE_DIR = Path(__file__).resolve().parents[2]
STATIC_DIR = BASE_DIR / "static"
TEMPLATES_DIR = BASE_DIR / "templates"
ALLOWED_DIRS = (STATIC_DIR / "fonts", STATIC_DIR / "letters")
STATIC_BASE_URL = STATIC_DIR.as_uri() + "/"
#: The shipped emblem, drawn as letters/emblem.svg and printed from a 260-pixel JPEG of it (2.2 cm at 300 dpi, as
#: uploaded emblems are, see cases.letters.context): WeasyPrint draws an SVG's shapes again in every letter (18 M of
#: 634 M instructions per recommendation letter) and embeds a JPEG's bytes as they are (~0). Made with
#: ``pdftocairo -png -r 1200`` of a 2.2 cm page showing the SVG, then Pillow: LANCZOS to 260 px, JPEG quality 90,
#: subsampling 0.
EMBLEM_SRC = "letters/emblem.jpg"

LETTER_KINDS = (
    "RECEIPT", "FORWARDING", "RECOMMENDATION", "REMINDER", "BLOCK_REQUEST",
    "ESCALATION_WARNING", "CLOSING_NOTICE", "STATUS_NOTICE", "COMPLETION_REQUEST",
    "UNBLOCK_NOTICE", "PRESIDENT_REPORT", "BLOCK_NOTICE", "ESCALATION_REQUEST", "UNBLOCK_REQUEST",
)
PPK_ADDRESSED_KINDS = frozenset({"RECOMMENDATION", "REMINDER", "ESCALATION_WARNING", "UNBLOCK_NOTICE", "BLOCK_NOTICE"})
REPORTER_KINDS = frozenset({"RECEIPT", "CLOSING_NOTICE", "STATUS_NOTICE", "COMPLETION_REQUEST"})

DEFAULT_HAL = {
    "RECEIPT": "Tanda Terima Laporan Dugaan Pelanggaran Netralitas Pegawai ASN",
    "FORWARDING": "Penerusan Dugaan Pelanggaran Netralitas Pegawai ASN",
    "RECOMMENDATION": "Rekomendasi atas Pelanggaran Netralitas Pegawai ASN",
    "REMINDER": "Pengingat Tindak Lanjut Rekomendasi atas Pelanggaran Netralitas Pegawai ASN",
    "BLOCK_REQUEST": "Permohonan Pemblokiran Data Kepegawaian",
    "ESCALATION_WARNING": "Peringatan atas Rekomendasi Netralitas Pegawai ASN yang Belum Ditindaklanjuti",
    "CLOSING_NOTICE": "Pemberitahuan Hasil Penanganan Laporan",
    "STATUS_NOTICE": "Pemberitahuan Status Laporan",
    "COMPLETION_REQUEST": "Permintaan Kelengkapan Laporan",
    "UNBLOCK_NOTICE": "Pembukaan Blokir Data Kepegawaian",
    "PRESIDENT_REPORT": "Laporan Pejabat Pembina Kepegawaian yang Tidak Menindaklanjuti Rekomendasi Netralitas Pegawai ASN",
    "BLOCK_NOTICE": "Pemblokiran Data Kepegawaian",
    "ESCALATION_REQUEST": "Permohonan Peringatan kepada Pejabat Pembina Kepegawaian yang Belum Menindaklanjuti Rekomendasi",
    "UNBLOCK_REQUEST": "Permohonan Pembukaan Blokir Data Kepegawaian",
}

PAGE_NUMBER_CSS = """
@page { @bottom-right { content: "Halaman " counter(page) " dari " counter(pages); width: 4.5cm;
  text-align: right;
  font-family: "Letter Sans", sans-serif; font-size: 8.5pt; vertical-align: top;
  padding-top: 0.35cm; } }
"""

# --------------------------------------------------------------------------
# URL fetching: allowlist only
# --------------------------------------------------------------------------
#: Every URL WeasyPrint asked for (most recent last; trimmed to the last
#: _URL_LOG_MAX entries so a long-running worker does not grow).
REQUESTED_URLS: list[str] = []
#: Every URL that was refused (same trimming).  Tests assert on it.
REFUSED_URLS: list[str] = []
_URL_LOG_MAX = 2000


def _log_url(log: list, url: str) -> None:
    log.append(url)
    if len(log) > _URL_LOG_MAX:
        del log[: len(log) - _URL_LOG_MAX]

_file_cache: dict[tuple[Path, int], bytes] = {}  # allowlisted static files only


def _is_allowed_path(path: Path) -> bool:
    for root in ALLOWED_DIRS:
        try:
            if path.is_relative_to(root.resolve()):
                return True
        except (OSError, ValueError):  # pragma: no cover
            continue
    return False


def _refuse(url: str, why: str):
    _log_url(REFUSED_URLS, url)
    logger.warning("letters: refused to fetch %.200r (%s)", url, why)
    raise ValueError(f"letters: URL not allowed ({why}): {url[:200]}")


def safe_url_fetcher(url, timeout=10, ssl_context=None):
    """Fetch ``url`` for WeasyPrint, allowing only ``data:`` URIs and regular
    files under ``static/fonts`` and ``static/letters``.  Anything else raises
    ``ValueError`` and is recorded in :data:`REFUSED_URLS` and the logger.

    Returns a ``weasyprint.urls.URLFetcherResponse``.
    """
    from weasyprint.urls import URLFetcherResponse  # WeasyPrint loads lazily (see _Resources)

    url = str(url)
    _log_url(REQUESTED_URLS, url)
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        try:  # decode in-process with urllib's DataHandler: no opener, no network
            with urllib.request.DataHandler().data_open(urllib.request.Request(url)) as resp:
                body = resp.read()
                ctype = resp.headers.get("Content-Type", "text/plain")
        except (ValueError, OSError) as exc:  # malformed data: URI
            _refuse(url, f"bad data URI: {exc}")
        return URLFetcherResponse(url, body, {"Content-Type": ctype})
    if scheme != "file":
        _refuse(url, f"scheme {scheme or '(none)'!r}")
    parts = urllib.parse.urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        _refuse(url, "remote file host")
    try:
        path = Path(urllib.request.url2pathname(parts.path)).resolve()
    except (OSError, ValueError) as exc:  # pragma: no cover
        _refuse(url, f"bad path: {exc}")
    if not _is_allowed_path(path) or not path.is_file():
        _refuse(url, "outside static/fonts and static/letters")
    key = (path, path.stat().st_mtime_ns)
    body = _file_cache.get(key)
    if body is None:
        body = path.read_bytes()
        _file_cache[key] = body
    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix.lower() == ".ttf":
        ctype = "font/ttf"
    return URLFetcherResponse(path.as_uri(), body, {"Content-Type": ctype})


@cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher  # WeasyPrint loads lazily (see _Resources)

    class SafeURLFetcher(URLFetcher):
        """WeasyPrint 70 wants a ``URLFetcher`` instance; delegate to
        :func:`safe_url_fetcher`."""

        def __init__(self):
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)

        def fetch(self, url, headers=None):
            return safe_url_fetcher(url, timeout=self._timeout)

    return SafeURLFetcher


def harfbuzz_subset_available() -> bool:
    """True when libharfbuzz-subset is loadable (WeasyPrint then subsets fonts
    with HarfBuzz, much faster than fontTools)."""
    name = ctypes.util.find_library("harfbuzz-subset")
    if not name:
        return False
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


# --------------------------------------------------------------------------
# QR
# --------------------------------------------------------------------------
#: Every letter's QR uses this data mask. Any of the eight masks gives a valid code (a reader takes the mask
#: from the code's format information); segno's default scores all eight in Python to pick one, which was
#: ~4 of the ~6 ms a letter's QR cost, and every letter has its own URL, so nothing could be cached.
QR_MASK = 0


def _qr(url: str):
    import segno  # ~75 ms of CPU to import: loaded at the first QR code, not by every process

    return segno.make(url, error="m", micro=False, mask=QR_MASK)


@lru_cache(maxsize=256)
def qr_svg_data_uri(url: str) -> str:
    """QR code (segno, error level M, no quiet zone) as an SVG data URI."""
    return _qr(url).svg_data_uri(scale=4, border=0, dark="#000", xmldecl=False, svgns=True)


@lru_cache(maxsize=256)
def qr_png_data_uri(url: str) -> str:
    """Same QR as a 1-pixel-per-module PNG data URI.  The PDF uses this form
    (drawn with ``image-rendering: pixelated``, so it stays crisp): WeasyPrint
    re-parses and re-draws an SVG path of ~600 segments on every page, which
    costs ~10 ms per letter, whereas the PNG is embedded once."""
    return _qr(url).png_data_uri(scale=1, border=0)


# --------------------------------------------------------------------------
# Django
# --------------------------------------------------------------------------
def _ensure_django() -> None:
    """Configure a minimal Django for standalone use; no-op inside the project."""
    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        settings.configure(
            DEBUG=False,
            USE_I18N=True,
            USE_TZ=True,
            INSTALLED_APPS=[],
            TEMPLATES=[{
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [str(TEMPLATES_DIR)],
                "APP_DIRS": False,
                "OPTIONS": {},
            }],
        )
    if not apps.ready:
        django.setup()


# --------------------------------------------------------------------------
# Context
# --------------------------------------------------------------------------
def _is_safe_static_relpath(value: str) -> bool:
    """A plain relative path such as "letters/kop-bkn.png" (no scheme, no "..")."""
    if not value or ":" in value or value.startswith(("/", "\\")) or "\\" in value:
        return False
    return ".." not in Path(value).parts


def _as_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.datetime.fromisoformat(value) if "T" in value or " " in value.strip() \
                else _dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"letters: not an ISO date: {value!r}") from None
    raise TypeError(f"letters: expected a date, got {type(value).__name__}")


def _as_list(value) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, (str, dict)):
        return [value]
    return list(value)


def build_template_context(kind: str, context: dict) -> dict:
    """Validate ``kind`` and turn the caller's dict into the template context
    (defaults, pre-formatted Indonesian dates as ``*_text`` keys)."""
    if kind not in LETTER_KINDS:
        raise ValueError(f"unknown letter kind {kind!r}; expected one of {LETTER_KINDS}")
    context = dict(context or {})
    ctx = dict(context)
    ctx["kind"] = kind
    ctx["hal"] = context.get("hal") or DEFAULT_HAL[kind]
    ctx["sifat"] = context.get("sifat") or "Biasa"
    ctx["lampiran"] = context.get("lampiran") or "-"
    ctx["has_attachment"] = ctx["lampiran"].strip() not in ("", "-")
    ctx["issued_on_text"] = format_tanggal(_as_date(context.get("issued_on")))
    ctx["due_date_text"] = format_tanggal(_as_date(context.get("due_date")))
    ctx["status_date_text"] = format_tanggal(_as_date(context.get("status_date")))
    received = _as_date(context.get("received_at"))
    ctx["received_at_text"] = format_waktu(received, context.get("time_zone", "")) if received else ""

    deadline = context.get("deadline_text")
    if not deadline and context.get("deadline_days"):
        deadline = f"{angka_terbilang(int(context['deadline_days']))} {context.get('deadline_unit', 'hari kerja')}"
    ctx["deadline_text"] = deadline or ""

    issuer = dict(context.get("issuer") or {})
    issuer.setdefault("name", "")
    head = issuer.get("letterhead_image")
    if head and not _is_safe_static_relpath(str(head)):
        _log_url(REFUSED_URLS, str(head))
        logger.warning("letters: ignoring letterhead_image %.200r (not a path under static/)", head)
        issuer["letterhead_image"] = None
    ctx["issuer"] = issuer
    reporter = dict(context.get("reporter") or {})
    ctx["reporter"] = reporter
    addressee = dict(context.get("addressee") or {})
    if not addressee.get("position") and kind in REPORTER_KINDS and reporter.get("name"):
        addressee["position"] = f"Sdr. {reporter['name']}"
    ctx["addressee"] = addressee
    ctx["signer"] = dict(context.get("signer") or {})
    ctx["case"] = dict(context.get("case") or {})
    ctx["tembusan"] = [t for t in _as_list(context.get("tembusan")) if t]
    ctx["evidence"] = _as_list(context.get("evidence"))
    ctx["missing_items"] = _as_list(context.get("missing_items"))

    ctx["legal_basis"] = _as_list(context.get("legal_basis"))
    ctx["facts"] = dict(context.get("facts") or {})

    respondents = []
    for r in _as_list(context.get("respondents")):
        r = dict(r)
        r["violations"] = _as_list(r.get("violations"))
        r["evidence"] = _as_list(r.get("evidence"))
        occurred = _as_date(r.get("occurred_on"))
        r["occurred_text"] = format_tanggal(occurred) if occurred else ""
        respondents.append(r)
    ctx["respondents"] = respondents
    ctx["respondent_count_text"] = angka_terbilang(len(respondents))

    ppk = context.get("ppk") or {}
    ppk_position = (ppk.get("position") if isinstance(ppk, dict) else str(ppk)) or ""
    if not ppk_position and kind in PPK_ADDRESSED_KINDS:
        # "Bupati Nabire (selaku Pejabat Pembina Kepegawaian)" -> "Bupati Nabire"
        ppk_position = (addressee.get("position") or "").split(" (selaku")[0]
    ppk_position = ppk_position or "Pejabat Pembina Kepegawaian"
    ctx["ppk_position"] = ppk_position

    verify_url = context.get("verify_url") or ""
    ctx["verify_url"] = verify_url
    ctx["qr_data_uri"] = ""  # set by _render_html: SVG for HTML, PNG for PDF
    ctx["emblem_src"] = EMBLEM_SRC
    ctx["void"] = bool(context.get("void"))
    ctx["body_extra"] = context.get("body_extra") or ""
    return ctx


def _render_html(kind: str, context: dict, *, inline_css: bool) -> str:
    _ensure_django()
    with translation.override("id"):  # an official letter is Indonesian, whatever language its issuer reads
        ctx = build_template_context(kind, context)
        ctx["inline_css"] = inline_css
        if ctx["verify_url"]:
            make_qr = qr_svg_data_uri if inline_css else qr_png_data_uri  # see qr_png_data_uri
            ctx["qr_data_uri"] = make_qr(ctx["verify_url"])
        return render_to_string(f"letters/{kind.lower()}.html", ctx)


def render_letter_html(kind: str, context: dict) -> str:
    """The letter as a standalone HTML document (stylesheet inlined)."""
    return _render_html(kind, context, inline_css=True)


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------
_local = threading.local()


class _Resources:
    """Per-thread WeasyPrint state reused across letters: font configuration
    (fonts are loaded into fontconfig once), parsed stylesheets, URL fetcher."""

    def __init__(self):
        _ensure_django()
        from weasyprint import CSS  # heavy (seconds, ~100 MB): loaded at the first letter, not with every process
        from weasyprint.text.fonts import FontConfiguration

        self.font_config = FontConfiguration()
        self.fetcher = _fetcher_class()()
        css_text = render_to_string("letters/letter.css", {})
        self.css = CSS(string=css_text, base_url=STATIC_BASE_URL, url_fetcher=self.fetcher,
                       font_config=self.font_config)
        self.page_numbers_css = CSS(string=PAGE_NUMBER_CSS, base_url=STATIC_BASE_URL,
                                    url_fetcher=self.fetcher, font_config=self.font_config)


@atexit.register
def _drop_resources() -> None:
    # Free the main thread's FontConfiguration (and its temp dir) while modules
    # are still alive; otherwise its __del__ complains at interpreter exit.
    _local.__dict__.pop("resources", None)


def _resources() -> _Resources:
    res = getattr(_local, "resources", None)
    if res is None:
        res = _local.resources = _Resources()
    return res


def _drop_page_numbers(document) -> bool:
    """Remove the "Halaman X dari Y" margin box (@bottom-right) from a laid-out
    single-page document.  Returns False if WeasyPrint's internals changed."""
    for page in document.pages:
        page_box = getattr(page, "_page_box", None)
        children = getattr(page_box, "children", None)
        if children is None:
            return False
        page_box.children = [c for c in children if getattr(c, "at_keyword", None) != "@bottom-right"]
    return True


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic GC while WeasyPrint allocates its box trees (~8 %
    faster).  Only re-enables what it disabled, so concurrent renders and
    callers that run with GC disabled are left as they were."""
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _render_document(kind: str, context: dict, base_url=None):
    """Lay out one letter.  The layout always includes "Halaman X dari Y"; on a
    single-page letter that margin box is dropped again (cheaper than a second
    layout pass)."""
    from weasyprint import HTML  # loaded lazily (see _Resources)

    res = _resources()
    html = _render_html(kind, context, inline_css=False)
    doc_html = HTML(string=html, base_url=base_url or STATIC_BASE_URL, url_fetcher=res.fetcher)
    document = doc_html.render(stylesheets=[res.css, res.page_numbers_css],
                               font_config=res.font_config)
    if len(document.pages) == 1 and not _drop_page_numbers(document):  # pragma: no cover
        document = doc_html.render(stylesheets=[res.css], font_config=res.font_config)
    return document


def render_letter_pdf(kind: str, context: dict, *, base_url=None) -> bytes:
    """Render one letter to PDF bytes.  ``base_url`` defaults to the project's
    static/ directory; only static/fonts and static/letters can be read."""
    with _gc_paused():
        return _render_document(kind, context, base_url).write_pdf()


def render_many_pdf(items: list[tuple[str, dict]]) -> bytes:
    """Render several letters into one merged PDF (pages of the laid-out
    WeasyPrint documents combined with ``Document.copy``; no re-encoding)."""
    items = list(items)
    if not items:
        raise ValueError("render_many_pdf needs at least one letter")
    documents = []
    for kind, ctx in items:
        with _gc_paused():
            documents.append(_render_document(kind, ctx))
    pages = [page for doc in documents for page in doc.pages]
    with _gc_paused():
        return documents[0].copy(pages).write_pdf()


__all__ = [
    "DEFAULT_HAL",
    "LETTER_KINDS",
    "REFUSED_URLS",
    "REQUESTED_URLS",
    "build_template_context",
    "harfbuzz_subset_available",
    "qr_png_data_uri",
    "qr_svg_data_uri",
    "render_letter_html",
    "render_letter_pdf",
    "render_many_pdf",
    "safe_url_fetcher",
]
