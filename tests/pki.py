"""Throw-away PKI for tests: CAs, certificates and CSRs made with cryptography."""

from __future__ import annotations

import base64
import datetime
import ipaddress
from pathlib import Path
from typing import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.x509.oid import AttributeOID, NameOID

NOW = datetime.datetime.now(datetime.timezone.utc)
PEM = serialization.Encoding.PEM
#: The keys the tests' CAs and devices have.
Key = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def name(cn: str, **extra: str) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if "serial" in extra:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, extra["serial"]))
    return x509.Name(attrs)


def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def sans(*names: str) -> list[x509.GeneralName]:
    out: list[x509.GeneralName] = []
    for n in names:
        try:
            out.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            out.append(x509.DNSName(n))
    return out


class CA:
    """A CA key and self-signed certificate."""

    def __init__(self, cn: str, key: Key | None = None,
                 cert: x509.Certificate | None = None) -> None:
        self.key: Key = key or ec_key()
        if cert is None:
            subject = name(cn)
            cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                    .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                    .not_valid_before(NOW - datetime.timedelta(days=1))
                    .not_valid_after(NOW + datetime.timedelta(days=30))
                    .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
                    .sign(self.key, hashes.SHA256()))
        self.cert = cert

    @classmethod
    def from_files(cls, cert: Path, key: Path) -> "CA":
        private = serialization.load_pem_private_key(key.read_bytes(), None)
        assert isinstance(private, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)), private
        return cls("", private, x509.load_pem_x509_certificate(cert.read_bytes()))

    def issue(self, subject: x509.Name, public_key: CertificatePublicKeyTypes,
              alt: Sequence[x509.GeneralName] = (),
              not_before: datetime.datetime | None = None,
              not_after: datetime.datetime | None = None,
              ekus: Sequence[x509.ObjectIdentifier] = ()) -> x509.Certificate:
        b = (x509.CertificateBuilder().subject_name(subject).issuer_name(self.cert.subject)
             .public_key(public_key).serial_number(x509.random_serial_number())
             .not_valid_before(not_before or NOW - datetime.timedelta(days=1))
             .not_valid_after(not_after or NOW + datetime.timedelta(days=10))
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), True))
        if alt:
            b = b.add_extension(x509.SubjectAlternativeName(list(alt)), False)
        if ekus:
            b = b.add_extension(x509.ExtendedKeyUsage(list(ekus)), False)
        return b.sign(self.key, hashes.SHA256())

    def write(self, directory: Path, stem: str) -> Path:
        path = directory / f"{stem}.pem"
        path.write_bytes(self.cert.public_bytes(PEM))
        return path


def csr(key: Key, subject: x509.Name, alt: Sequence[x509.GeneralName] = (),
        challenge: str | None = None) -> x509.CertificateSigningRequest:
    b = x509.CertificateSigningRequestBuilder().subject_name(subject)
    if alt:
        b = b.add_extension(x509.SubjectAlternativeName(list(alt)), False)
    if challenge is not None:
        b = b.add_attribute(AttributeOID.CHALLENGE_PASSWORD, challenge.encode())
    return b.sign(key, hashes.SHA256())


def der(obj: x509.Certificate | x509.CertificateSigningRequest) -> bytes:
    return obj.public_bytes(serialization.Encoding.DER)


def b64(obj: x509.Certificate | x509.CertificateSigningRequest, wrap: bool = True) -> bytes:
    text = base64.b64encode(der(obj))
    if not wrap:
        return text
    return b"".join(text[i:i + 64] + b"\n" for i in range(0, len(text), 64))


def key_pem(key: Key) -> bytes:
    """`key` as unencrypted PKCS#8 PEM."""
    return key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def write_key(path: Path, key: Key) -> Path:
    path.write_bytes(key_pem(key))
    return path


def write_pair(directory: Path, stem: str, cert: x509.Certificate,
               key: Key) -> tuple[Path, Path]:
    c = directory / f"{stem}.pem"
    c.write_bytes(cert.public_bytes(PEM))
    return c, write_key(directory / f"{stem}.key", key)
