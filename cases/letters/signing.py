"""Certified electronic signatures on issued letters (PAdES with pyHanko) and their verification.

Each agency signs with its own certificate: `<LETTER_SIGNING_DIR>/<AGENCY CODE>.p12`, issued in production by the
agency's certification authority (BSrE for government) and unlocked with LETTER_SIGNING_PASSPHRASE. With
LETTER_SIGNING_TEST_CA on (development and tests only) a missing certificate is issued by the local test authority
of cases.letters.pki. Verification trusts the roots in LETTER_SIGNING_TRUST_ROOTS (the test CA by default) and the
revocation lists LETTER_SIGNING_CRLS; nothing is fetched from the network.
"""
import asyncio
import concurrent.futures
import datetime as dt
import io
import logging
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

from cryptography.utils import CryptographyDeprecationWarning

# pyHanko imports cryptography's DSA types (for DSA signatures we never make); say so once, not on every start.
warnings.filterwarnings("ignore", message="DSA is deprecated", category=CryptographyDeprecationWarning)

from asn1crypto import crl as asn1_crl  # noqa: E402
from asn1crypto import pem  # noqa: E402
from asn1crypto import x509 as asn1_x509  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from pyhanko.sign.validation import async_validate_pdf_signature  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402

from cases.letters import pki  # noqa: E402

log = logging.getLogger(__name__)
SIGNATURE_BYTES = 12 * 1024
_lock = threading.Lock()
_signers: dict[tuple, signers.SimpleSigner] = {}


def _run(make_coro):
    """Run one of pyHanko's coroutines to completion from synchronous code, also where this thread already runs an
    event loop (an async caller, a browser driver in tests), where asyncio.run would refuse: then in a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coro())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coro())).result()


def signing_dir() -> Path:
    return Path(settings.LETTER_SIGNING_DIR)


def _p12_path(agency) -> Path:
    path = signing_dir() / pki.p12_name(agency.code)
    if not path.exists():
        if not settings.LETTER_SIGNING_TEST_CA:
            raise ImproperlyConfigured(
                f"No signing certificate for agency {agency.code}: put its PKCS#12 at {path} (LETTER_SIGNING_DIR)")
        with _lock:
            if not path.exists():
                pki.agency_certificate_issue(signing_dir(), agency.code, agency.name)
    return path


def signer_for(agency) -> signers.SimpleSigner:
    """The agency's signer, loaded once per file version (the PKCS#12 is re-read when it is replaced)."""
    path = _p12_path(agency)
    key = (str(path), path.stat().st_mtime_ns)
    signer = _signers.get(key)
    if signer is None:
        passphrase = settings.LETTER_SIGNING_PASSPHRASE.encode() if settings.LETTER_SIGNING_PASSPHRASE else None
        signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase)
        if signer is None:
            raise ImproperlyConfigured(f"The PKCS#12 file {path} could not be read (wrong LETTER_SIGNING_PASSPHRASE?)")
        _signers[key] = signer
    return signer


def certificate_authority(agency) -> str:
    """Who certified the agency's key, as the signature block names it ("Balai Besar Sertifikasi Elektronik")."""
    cert = signer_for(agency).signing_cert
    name = cert.issuer.native
    return name.get("organization_name") or name.get("common_name") or ""


def subject_label(cert) -> str:
    """"Badan Kepegawaian Negara" from the certificate's O (else CN)."""
    name = cert.subject.native
    return name.get("organization_name") or name.get("common_name") or cert.subject.human_friendly


def pdf_sign(pdf: bytes, agency, *, location: str = "") -> tuple[bytes, str, dt.datetime]:
    """The PDF with one invisible PAdES signature of the agency; (signed bytes, signer label, signing time)."""
    return pdf_sign_with(pdf, signer_for(agency), name=agency.name, location=location)


def pdf_sign_with(pdf: bytes, signer, *, name: str, location: str = "") -> tuple[bytes, str, dt.datetime]:
    when = dt.datetime.now(dt.timezone.utc)
    meta = signers.PdfSignatureMetadata(
        field_name="TandaTanganElektronik", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason="Naskah dinas diterbitkan secara elektronik", location=location or None, name=name)
    # A fixed reservation spares pyHanko a trial signature to size the field (27 -> 14-18 ms CPU per letter);
    # 12 KiB holds a certificate chain of a few RSA-4096 certificates.
    pdf_signer = signers.PdfSigner(meta, signer=signer)
    out = _run(lambda: pdf_signer.async_sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)),
                                                 bytes_reserved=SIGNATURE_BYTES))
    return out.getvalue(), subject_label(signer.signing_cert), when


# --- verification ----------------------------------------------------------------------------------------------

@dataclass
class SignatureCheck:
    signed: bool = False          # the file carries a signature at all
    intact: bool = False          # the signed bytes are unchanged and the signature matches the certificate
    trusted: bool = False         # the certificate chains to a trusted root and was valid when it signed
    covers_whole_file: bool = False
    revoked: bool = False
    expired: bool = False
    signer: str = ""
    signed_at: dt.datetime | None = None
    problem: str = ""

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted and self.covers_whole_file


def _trust() -> tuple[list, list]:
    roots = [Path(p) for p in settings.LETTER_SIGNING_TRUST_ROOTS] or [signing_dir() / "test-ca.pem"]
    crls = [Path(p) for p in settings.LETTER_SIGNING_CRLS] or [signing_dir() / "test-ca.crl"]
    return ([asn1_x509.Certificate.load(_der(p.read_bytes())) for p in roots if p.exists()],
            [asn1_crl.CertificateList.load(p.read_bytes()) for p in crls if p.exists()])


def _der(body: bytes) -> bytes:
    if body.lstrip().startswith(b"-----BEGIN"):
        return pem.unarmor(body)[2]
    return body


def pdf_verify(pdf: bytes) -> SignatureCheck:
    """Check the last signature of an uploaded PDF against the trusted roots and revocation lists (no network)."""
    check = SignatureCheck()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # pyHanko raises several types for a damaged file; the visitor only needs to know
        check.problem = f"unreadable: {type(exc).__name__}"
        return check
    if not signatures:
        return check
    sig = signatures[-1]
    check.signed = True
    roots, crls = _trust()
    context = ValidationContext(trust_roots=roots, crls=crls, allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = _run(lambda: async_validate_pdf_signature(sig, context))
    except Exception as exc:
        check.problem = f"invalid: {type(exc).__name__}"
        return check
    check.intact = bool(status.intact and status.valid)
    check.trusted = bool(status.trusted)
    check.revoked = bool(getattr(status, "revoked", False))
    check.expired = _expired(status)
    check.covers_whole_file = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    check.signer = subject_label(status.signing_cert) if status.signing_cert else ""
    check.signed_at = status.signer_reported_dt
    return check


def _expired(status) -> bool:
    cert, when = status.signing_cert, status.signer_reported_dt or dt.datetime.now(dt.timezone.utc)
    if cert is None:
        return False
    validity = cert["tbs_certificate"]["validity"]
    return not (validity["not_before"].native <= when <= validity["not_after"].native)
