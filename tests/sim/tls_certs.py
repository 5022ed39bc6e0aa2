"""Throwaway certificate authorities and certificates for TLS tests (``cryptography``).

``make_pki(directory)`` writes a lab CA, a certificate for 127.0.0.1 signed by it (IP and DNS
subjectAltNames, usable as server and client certificate, as libprocess uses one for both),
a second, unrelated CA with its own certificate (the "untrusted" one), a key that matches
neither certificate and a file that is not PEM at all.
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALIDITY = datetime.timedelta(days=1)
CA_KEY_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=True,
    crl_sign=True,
    encipher_only=False,
    decipher_only=False,
)


@dataclass(frozen=True)
class Pki:
    """Paths of the generated files."""

    ca: Path
    cert: Path
    key: Path
    other_ca: Path
    other_cert: Path
    other_key: Path
    stray_key: Path
    not_pem: Path
    name_only_cert: Path
    name_only_key: Path


def _key() -> rsa.RSAPrivateKey:
    # RSA, like the lab's certificates: Mesos's default cipher list has RSA key exchange only.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _write_key(path: Path, key: rsa.RSAPrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _ca(common: str) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    key = _key()
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(_name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(CA_KEY_USAGE, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _leaf(
    ca: tuple[x509.Certificate, rsa.RSAPrivateKey],
    common: str,
    names: list[x509.GeneralName],
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    ca_cert, ca_key = ca
    key = _key()
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def make_pki(directory: Path) -> Pki:
    """Generate every file under ``directory`` (which must exist)."""
    loopback = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
    lab = _ca("mesos-lab test CA")
    other = _ca("some other CA")
    pki = Pki(
        ca=directory / "ca.pem",
        cert=directory / "cert.pem",
        key=directory / "key.pem",
        other_ca=directory / "other-ca.pem",
        other_cert=directory / "other-cert.pem",
        other_key=directory / "other-key.pem",
        stray_key=directory / "stray-key.pem",
        not_pem=directory / "not-pem.txt",
        name_only_cert=directory / "name-only-cert.pem",
        name_only_key=directory / "name-only-key.pem",
    )
    _write_cert(pki.ca, lab[0])
    cert, key = _leaf(lab, "127.0.0.1", loopback)
    _write_cert(pki.cert, cert)
    _write_key(pki.key, key)
    _write_cert(pki.other_ca, other[0])
    cert, key = _leaf(other, "127.0.0.1", loopback)
    _write_cert(pki.other_cert, cert)
    _write_key(pki.other_key, key)
    _write_key(pki.stray_key, _key())
    pki.not_pem.write_text("this is not a certificate\n")
    cert, key = _leaf(lab, "mesos.invalid", [x509.DNSName("mesos.invalid")])
    _write_cert(pki.name_only_cert, cert)
    _write_key(pki.name_only_key, key)
    return pki
