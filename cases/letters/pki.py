"""A local TEST certification authority for `make run` and the tests: one CA and one certificate per agency.

Never used in production (LETTER_SIGNING_TEST_CA off): there each agency's PKCS#12 comes from its certification
authority (BSrE for government). Everything here is named "TEST — bukan sertifikat resmi" so no one mistakes a
test signature for a certified one. Files under LETTER_SIGNING_DIR:

    test-ca.pem / test-ca.key    the test authority (self-signed)
    test-ca.crl                  its revocation list (DER), rewritten by pki_revoke
    <AGENCY CODE>.p12            an agency's key and certificate (no passphrase), with the CA in the chain
"""
import datetime as dt
import re
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TEST_LABEL = "TEST \u2014 bukan sertifikat resmi"
CA_NAME = f"Otoritas Sertifikat Uji ({TEST_LABEL})"  # 55 characters: fits an X.509 O (64)
CRL_URL = "http://pki.netralitas.test/test-ca.crl"
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def p12_name(code: str) -> str:
    return _SAFE.sub("_", code) + ".p12"


def _now():
    return dt.datetime.now(dt.timezone.utc)


# The test authority's certificates and revocation list cover every day a letter of this system can bear, from KASN's
# first (UU 5/2014) on, whatever day the clock says when they are made: a demo story or a test that issues letters on
# past days (time_machine) may create them there, and its letters must verify today like any other. A real
# authority's certificate starts when it is issued.
TEST_VALID_FROM = dt.datetime(2014, 1, 15, tzinfo=dt.timezone.utc)
TEST_VALID_TO = dt.datetime(2049, 12, 31, tzinfo=dt.timezone.utc)


def _test_window(days: int) -> tuple[dt.datetime, dt.datetime]:
    return min(TEST_VALID_FROM, _now() - dt.timedelta(days=1)), max(TEST_VALID_TO, _now() + dt.timedelta(days=days))


def _fit(text: str, limit: int = 64) -> str:
    """Cut to the X.509 upper bound, which cryptography counts in UTF-8 bytes (an em dash is three)."""
    while len(text.encode("utf-8")) > limit:
        text = text[:-1]
    return text


def _name(common: str, org: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")]
    if org:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(org)))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, _fit(common)))
    return x509.Name(parts)


def ca_ensure(directory: Path):
    """The test CA's (certificate, key), created on first use."""
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "test-ca.pem", directory / "test-ca.key"
    if cert_path.exists() and key_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), None)
        return x509.load_pem_x509_certificate(cert_path.read_bytes()), key
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("Otoritas Sertifikat Uji (TEST)", CA_NAME)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_test_window(3650)[0]).not_valid_after(_test_window(3650)[1])
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    crl_write(directory, [])
    return cert, key


def agency_certificate_issue(directory: Path, code: str, name: str, *, valid_days: int = 825,
                             not_before: dt.datetime | None = None) -> Path:
    """Issue (or re-issue) an agency's test certificate and write its PKCS#12; returns the file's path."""
    ca_cert, ca_key = ca_ensure(directory)
    key = ec.generate_private_key(ec.SECP256R1())
    start, end = (not_before, not_before + dt.timedelta(days=valid_days)) if not_before else _test_window(valid_days)
    cert = (x509.CertificateBuilder().subject_name(_name(f"{name} ({TEST_LABEL})", name))
            .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            # Where the CRL would be published: validators match the supplied test-ca.crl to it (nothing is fetched).
            .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(CRL_URL)], relative_name=None, reasons=None,
                crl_issuer=None)]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    path = directory / p12_name(code)
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        name=code.encode(), key=key, cert=cert, cas=[ca_cert], encryption_algorithm=serialization.NoEncryption()))
    path.chmod(0o600)
    return path


def crl_write(directory: Path, serials: list[int]) -> Path:
    ca_cert = x509.load_pem_x509_certificate((directory / "test-ca.pem").read_bytes())
    ca_key = serialization.load_pem_private_key((directory / "test-ca.key").read_bytes(), None)
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca_cert.subject)
               .last_update(_now() - dt.timedelta(minutes=5)).next_update(_test_window(30)[1]))
    for serial in serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(_now() - dt.timedelta(minutes=1))
            .build())
    path = directory / "test-ca.crl"
    path.write_bytes(builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))
    return path


def pki_revoke(directory: Path, code: str) -> int:
    """Put an agency's current test certificate on the test CA's revocation list; returns its serial."""
    _key, cert, _cas = pkcs12.load_key_and_certificates((directory / p12_name(code)).read_bytes(), None)
    crl_path = directory / "test-ca.crl"
    serials = [r.serial_number for r in x509.load_der_x509_crl(crl_path.read_bytes())] if crl_path.exists() else []
    crl_write(directory, [*serials, cert.serial_number])
    return cert.serial_number
