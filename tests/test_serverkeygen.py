"""serverkeygen (RFC 7030 4.4, RFC 8951): the in-memory RA (estra.testing, the production
wiring) with the device's client certificate injected, openssl as judge; the upstream
case over real TLS between two estra processes."""

from __future__ import annotations

import base64
import email
import subprocess
from pathlib import Path
from typing import Callable, Iterator

import pytest

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID

from estra.testing import DeviceTLS
from estra.asn1.wire import serial_hex
from tests import pki
from tests.conftest import Server, estra_behind_estra, estra_cli
from tests.memory import MemoryServer

ASYMMETRIC_DECRYPT_KEY_ID = x509.ObjectIdentifier("1.2.840.113549.1.9.16.2.54")
CONFIG = """
[profiles.rsa]
serverkeygen_key = "rsa-3072"
serverkeygen_follow_csr = false

[profiles.econly]
key_types = ["ec"]

[profiles.sealed]
serverkeygen_encrypt = true
accept_issued_from = ["default"]

[profiles.nokeys]
serverkeygen = "off"
"""


@pytest.fixture
def memory(tmp_path: Path) -> Iterator[MemoryServer]:
    m = MemoryServer(CONFIG, tmp_path)
    yield m
    m.stop()


def parts(headers: dict[str, str], body: bytes) -> list[tuple[str, bytes]]:
    """(content type, decoded payload) of each part; the body must end at the boundary."""
    boundary = headers["content-type"].split("boundary=")[1]
    assert body.endswith(f"--{boundary}--".encode()), body[-80:]
    message = email.message_from_bytes(
        f"Content-Type: {headers['content-type']}\r\n\r\n".encode() + body)
    out = []
    for part in message.get_payload():
        assert part["Content-Transfer-Encoding"] == "base64"
        out.append((part["Content-Type"], base64.b64decode(part.get_payload())))
    return out


def openssl(*args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=True,
                          timeout=30).stdout


def check_pair(tmp: Path, pkcs8: bytes, cert: x509.Certificate) -> None:
    """openssl: the private key's public half is the certificate's public key."""
    key_pub = openssl("pkey", "-inform", "DER", "-pubout", data=pkcs8)
    cert_pub = openssl("x509", "-pubkey", "-noout", data=cert.public_bytes(pki.PEM))
    assert key_pub == cert_pub


def test_key_and_certificate(memory: MemoryServer, tmp_path: Path) -> None:
    """multipart/mixed: a real PKCS#8 key that matches the issued certificate, which
    verifies to the CA; the key is in no log and no store."""
    server = memory
    placeholder = pki.csr(pki.ec_key(), pki.name("constrained"), pki.sans("c.example"))
    status, headers, body = server.post("serverkeygen", placeholder)
    assert status == 200, body
    (key_type, pkcs8), (cert_type, p7) = parts(headers, body)
    assert key_type == "application/pkcs8"
    assert cert_type == "application/pkcs7-mime; smime-type=certs-only"
    assert openssl("pkey", "-inform", "DER", "-noout", "-text", data=pkcs8)  # real PKCS#8
    cert = pkcs7.load_der_pkcs7_certificates(p7)[0]
    assert cert.subject == pki.name("constrained")
    assert cert.public_key() != placeholder.public_key()
    check_pair(tmp_path, pkcs8, cert)
    (tmp_path / "c.pem").write_bytes(cert.public_bytes(pki.PEM))
    assert openssl("verify", "-CAfile", str(server.ca), str(tmp_path / "c.pem")).endswith(b"OK\n")
    key_b64 = base64.b64encode(pkcs8)[:40]
    assert key_b64.decode() not in server.logged.text()
    assert pkcs8[-32:] not in server.ra.stored_bytes()
    rows = server.enrollments_json()
    assert '"operation": "serverkeygen"' in rows


def test_profile_key_type_and_off(memory: MemoryServer, tmp_path: Path) -> None:
    """The profile picks the key (RSA-3072 here); a profile may switch serverkeygen off (501)."""
    server = memory
    status, headers, body = server.post("rsa/serverkeygen",
                                 pki.csr(pki.ec_key(), pki.name("r")))
    assert status == 200, body
    cert = pkcs7.load_der_pkcs7_certificates(parts(headers, body)[1][1])[0]
    public = cert.public_key()
    assert isinstance(public, rsa.RSAPublicKey) and public.key_size == 3072
    status, _, body = server.post("nokeys/serverkeygen",
                           pki.csr(pki.ec_key(), pki.name("r")))
    assert status == 501 and b"disabled" in body


def test_key_like_the_placeholder(memory: MemoryServer, tmp_path: Path) -> None:
    """An RSA-2048 placeholder (clients that reject a short EC key part) gets an RSA
    2048 key, an EC P-384 placeholder a P-384 key; a profile whose key rules refuse
    the placeholder's kind, or that does not follow the CSR, gets serverkeygen_key."""
    server = memory
    for path, placeholder, kind, size in (
            ("serverkeygen", rsa.generate_private_key(65537, 2048), "RSA", 2048),
            ("serverkeygen", ec.generate_private_key(ec.SECP384R1()), "EC", 384),
            ("econly/serverkeygen", rsa.generate_private_key(65537, 2048), "EC", 256),
            ("rsa/serverkeygen", rsa.generate_private_key(65537, 2048), "RSA", 3072)):
        status, headers, body = server.post(path, pki.csr(placeholder, pki.name("p")))
        assert status == 200, body
        (_, pkcs8), (_, p7) = parts(headers, body)
        text = openssl("pkey", "-inform", "DER", "-noout", "-text", data=pkcs8).decode()
        assert f"Private-Key: ({size} bit" in text, (path, text[:80])
        assert ("ASN1 OID" in text) == (kind == "EC"), (path, text[:200])
        cert = pkcs7.load_der_pkcs7_certificates(p7)[0]
        check_pair(tmp_path, pkcs8, cert)


def rsa_device(server: MemoryServer, tmp: Path) -> tuple[Path, Path, x509.Certificate]:
    """An RSA key-encipherment certificate enrolled through the RA, as files."""
    key = rsa.generate_private_key(65537, 2048)
    status, _, body = server.post("simpleenroll", pki.csr(key, pki.name("sealed-dev")))
    assert status == 200, body
    cert = pkcs7.load_der_pkcs7_certificates(base64.b64decode(body))[0]
    c, k = pki.write_pair(tmp, "sealed-dev", cert, key)
    return c, k, cert


def decrypt(tmp: Path, envelope: bytes, cert: Path, key: Path) -> bytes:
    """openssl cms -decrypt; the content is an AsymmetricKeyPackage with one key."""
    package = openssl("cms", "-decrypt", "-inform", "DER", "-recip", str(cert), "-inkey",
                      str(key), data=envelope)
    assert package[0] == 0x30              # SEQUENCE OF OneAsymmetricKey: take the one key
    if package[1] < 0x80:
        return package[2:2 + package[1]]
    width = package[1] & 0x7F
    return package[2 + width:2 + width + int.from_bytes(package[2:2 + width], "big")]


def test_encrypted_key_delivery(memory: MemoryServer, tmp_path: Path) -> None:
    """AsymmetricDecryptKeyIdentifier in the CSR, or a profile that demands it: the key
    arrives as CMS EnvelopedData to the TLS client certificate; openssl cms decrypts it."""
    server = memory
    cert_file, key_file, device = rsa_device(server, tmp_path)
    tls = DeviceTLS((device,))
    ski = device.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    asking = (x509.CertificateSigningRequestBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sealed-dev")]))
              .add_attribute(ASYMMETRIC_DECRYPT_KEY_ID, ski, _tag=_ASN1Type.OctetString)
              .sign(pki.ec_key(), hashes.SHA256()))
    for path, req in (("serverkeygen", asking),
                      ("sealed/serverkeygen", pki.csr(pki.ec_key(), pki.name("sealed-dev")))):
        status, headers, body = server.post(path, req, tls)
        assert status == 200, body
        (key_type, envelope), (_, p7) = parts(headers, body)
        assert key_type == "application/pkcs7-mime; smime-type=server-generated-key"
        pkcs8 = decrypt(tmp_path, envelope, cert_file, key_file)
        check_pair(tmp_path, pkcs8, pkcs7.load_der_pkcs7_certificates(p7)[0])
    status, _, body = server.post("sealed/serverkeygen",
                           pki.csr(pki.ec_key(), pki.name("x")))
    assert status == 400 and b"key-encipherment certificate" in body


def test_upstream_generates_the_key(start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """serverkeygen = "upstream": the RA judges and records, the upstream estra makes the key."""
    upstream, ra = estra_behind_estra(start_estra, tmp_path,
                                      profile_extra='serverkeygen = "upstream"')
    status, headers, body = ra.post("serverkeygen", pki.csr(pki.ec_key(), pki.name("u")))
    assert status == 200, body
    (_, pkcs8), (_, p7) = parts(headers, body)
    cert = pkcs7.load_der_pkcs7_certificates(p7)[0]
    check_pair(tmp_path, pkcs8, cert)
    assert cert.issuer == x509.load_pem_x509_certificate(upstream.ca.read_bytes()).subject
    rows = estra_cli("--state-dir", str(ra.state), "enrollments", "list", "--json").stdout
    assert f'"serial": "{serial_hex(cert.serial_number)}"' in rows
