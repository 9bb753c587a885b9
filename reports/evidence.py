"""Evidence files: type checked by content, size and image-bomb limits, SHA-256 while storing, stripped previews.

A refused file raises `EvidenceRejected` with a message naming the file and the rule;
nothing is stored for it, and the caller keeps the rest of the report.
"""
import hashlib
import io
import secrets
import warnings
from dataclasses import asdict, dataclass

import filetype
from PIL import Image, ImageOps
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import Evidence

ALLOWED_TYPES = {
    "image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP", "image/gif": "GIF",
    "application/pdf": "PDF",
    "video/mp4": "MP4", "video/quicktime": "MOV", "video/webm": "WebM", "video/x-matroska": "MKV", "video/3gpp": "3GP",
}
PROGRAM_TYPES = {
    "application/x-msdownload", "application/x-executable", "application/x-mach-binary", "application/x-sharedlib",
    "application/x-elf", "application/vnd.microsoft.portable-executable", "application/x-dosexec",
    "application/vnd.android.package-archive", "application/x-shockwave-flash",
}
HEADER_BYTES = 8192
PREVIEW_SIZE = (1280, 1280)


class EvidenceRejected(Exception):
    """A refused upload; str(exc) is the Indonesian message for the user."""


@dataclass(frozen=True)
class StoredFile:
    """An accepted original in private storage (not yet attached to a report)."""

    name: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    preview: str = ""

    def as_dict(self):
        return asdict(self)


def accepted_types_label() -> str:
    return ", ".join(dict.fromkeys(ALLOWED_TYPES.values()))


def _human(n: int) -> str:
    return filesizeformat(n).replace("\xa0", " ")


def _display_name(upload) -> str:
    name = (upload.name or "berkas").replace("\\", "/").rsplit("/", 1)[-1]
    return name[:255] or "berkas"


def _detect_type(upload, name: str) -> str:
    upload.seek(0)
    header = upload.read(HEADER_BYTES)
    upload.seek(0)
    kind = filetype.guess(header)
    if header.startswith(b"MZ") or header.startswith(b"\x7fELF") or (kind and kind.mime in PROGRAM_TYPES):
        raise EvidenceRejected(_(
            "Berkas «%(name)s» berisi program, bukan gambar, PDF, atau video. Jenis berkas diperiksa dari isinya, "
            "bukan dari namanya; yang diterima: %(types)s.") % {"name": name, "types": accepted_types_label()})
    if kind is None:
        raise EvidenceRejected(_(
            "Jenis berkas «%(name)s» tidak dikenali dari isinya. Yang diterima: %(types)s.")
            % {"name": name, "types": accepted_types_label()})
    if kind.mime not in ALLOWED_TYPES:
        raise EvidenceRejected(_(
            "Berkas «%(name)s» berjenis %(kind)s, yang tidak diterima sebagai bukti. Yang diterima: %(types)s.")
            % {"name": name, "kind": kind.extension.upper(), "types": accepted_types_label()})
    return kind.mime


def _check_image(upload, name: str) -> None:
    """Refuse decompression bombs and broken images before anything is stored."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise EvidenceRejected(_(
            "Gambar «%(name)s» ditolak: ukurannya melebihi %(pixels)s piksel (perlindungan terhadap "
            "gambar «bom dekompresi»). Kirim gambar dengan resolusi lebih kecil.")
            % {"name": name, "pixels": f"{Image.MAX_IMAGE_PIXELS:,}".replace(",", ".")})
    except Exception:  # Pillow raises many types for a broken file
        raise EvidenceRejected(_("Gambar «%(name)s» rusak atau tidak dapat dibaca.") % {"name": name})
    finally:
        upload.seek(0)


def check_upload(upload) -> str:
    """Check one upload without storing it; return its content type or raise EvidenceRejected."""
    name = _display_name(upload)
    limit = settings.EVIDENCE_MAX_BYTES
    if not upload.size:
        raise EvidenceRejected(_("Berkas «%(name)s» kosong (0 bita). Pilih berkas yang berisi bukti.") % {"name": name})
    if upload.size > limit:
        raise EvidenceRejected(_(
            "Berkas «%(name)s» berukuran %(size)s, melebihi batas %(limit)s per berkas.")
            % {"name": name, "size": _human(upload.size), "limit": _human(limit)})
    content_type = _detect_type(upload, name)
    if content_type.startswith("image/"):
        _check_image(upload, name)
    return content_type


class _HashingFile(File):
    """Hands the upload to the storage chunk by chunk, hashing and counting on the way."""

    def __init__(self, upload, limit, name):
        super().__init__(upload, name=name)
        self.upload, self.limit, self.display_name = upload, limit, name
        self.sha256, self.seen = hashlib.sha256(), 0

    def chunks(self, chunk_size=None):
        self.upload.seek(0)
        for chunk in self.upload.chunks(chunk_size):
            self.seen += len(chunk)
            if self.seen > self.limit:
                raise EvidenceRejected(_("Berkas «%(name)s» melebihi batas %(limit)s per berkas.")
                                       % {"name": self.display_name, "limit": _human(self.limit)})
            self.sha256.update(chunk)
            yield chunk

    def multiple_chunks(self, chunk_size=None):
        return True


def _new_name(folder: str, suffix: str = "") -> str:
    return f"evidence/{folder}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{suffix}"


def _make_preview(stored_name: str) -> str:
    """A resized copy with every metadata block (EXIF, GPS, XMP, comments) left behind."""
    try:
        with default_storage.open(stored_name, "rb") as fh, Image.open(fh) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail(PREVIEW_SIZE)
            clean = Image.new("RGB", image.size, "white")
            clean.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
            out = io.BytesIO()
            clean.save(out, "JPEG", quality=85)
    except Exception:  # a preview is a convenience; the original stays authoritative
        return ""
    return default_storage.save(_new_name("previews", ".jpg"), ContentFile(out.getvalue()))


def store_upload(upload) -> StoredFile:
    """Check an upload and store the original untouched in private storage."""
    content_type = check_upload(upload)
    name = _display_name(upload)
    target = _new_name("originals")
    hashing = _HashingFile(upload, settings.EVIDENCE_MAX_BYTES, name)
    try:
        stored_name = default_storage.save(target, hashing)
    except EvidenceRejected:
        default_storage.delete(target)
        raise
    preview = _make_preview(stored_name) if content_type.startswith("image/") else ""
    return StoredFile(stored_name, name, content_type, hashing.seen, hashing.sha256.hexdigest(), preview)


def discard(stored: StoredFile) -> None:
    """Remove a pending upload the reporter took back before submitting."""
    for name in (stored.name, stored.preview):
        if name and name.startswith("evidence/"):
            default_storage.delete(name)


def purge_abandoned_uploads(*, older_than_hours: int = 48) -> int:
    """Delete stored originals and previews that no Evidence row references (drafts never submitted)."""
    cutoff = timezone.now() - timezone.timedelta(hours=older_than_hours)
    referenced = set(Evidence.objects.values_list("file", flat=True)) | set(
        Evidence.objects.exclude(preview="").values_list("preview", flat=True))
    removed = 0
    for folder in ("evidence/originals", "evidence/previews"):
        for name in _walk(folder):
            if name not in referenced and default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
                removed += 1
    return removed


def _walk(folder: str):
    if not default_storage.exists(folder):
        return
    dirs, files = default_storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in dirs:
        yield from _walk(f"{folder}/{sub}")


def store_all(files) -> tuple[list, list]:
    """(stored files, messages): every file checked and stored, or none kept when one is refused (the caller keeps
    its form's text and shows the messages)."""
    stored, errors = [], []
    for upload in files:
        try:
            stored.append(store_upload(upload))
        except EvidenceRejected as exc:
            errors.append(str(exc))
    if errors:
        for item in stored:
            discard(item)
        stored = []
    return stored, errors
