"""EST encodings without a network: decoding leniency, layouts, CsrAttrs."""

from __future__ import annotations

import base64
import subprocess

import pytest

from estra.asn1 import wire
from estra.errors import BadRequest, UnsupportedMediaType
from tests import pki

CSR = pki.csr(pki.ec_key(), pki.name("wire"))
DER = pki.der(CSR)


@pytest.mark.parametrize("body", [
    DER, pki.b64(CSR), pki.b64(CSR, wrap=False), CSR.public_bytes(pki.PEM),
    b"  " + pki.b64(CSR).replace(b"\n", b"\r\n") + b"\r\n",
    pki.b64(CSR, wrap=False).rstrip(b"="),          # missing padding
], ids=["der", "wrapped", "one-line", "pem", "crlf", "unpadded"])
def test_decode_body_forms(body: bytes) -> None:
    """Every form deployed clients send decodes to the same DER."""
    assert wire.decode_body(body) == DER


@pytest.mark.parametrize("body", [b"", b"   \n", b"not base64!", b"-----BEGIN X-----\n!!\n"])
def test_decode_body_rejects(body: bytes) -> None:
    with pytest.raises(BadRequest):
        wire.decode_body(body)


def test_load_csr_checks_signature() -> None:
    with pytest.raises(BadRequest, match="proof of possession"):
        wire.load_csr(DER[:-1] + bytes([DER[-1] ^ 1]))
    assert wire.load_csr(DER).subject == CSR.subject


def test_layouts() -> None:
    """64-column lines by default; one line for strongSwan-like clients and one-line bodies."""
    text = wire.encode_base64(bytes(300), wire.choose_layout("auto", pki.b64(CSR), "curl/7"))
    assert [len(x) for x in text.splitlines()][:-1] == [64] * 6
    assert base64.b64decode(text) == bytes(300)
    assert wire.choose_layout("auto", None, None) == "single-line"
    assert wire.choose_layout("auto", pki.b64(CSR, wrap=False), "java") == "single-line"
    assert wire.choose_layout("wrapped", None, None) == "wrapped"
    assert wire.choose_layout("single-line", pki.b64(CSR), "curl") == "single-line"
    one = wire.encode_base64(bytes(3000), "single-line")
    assert one.count(b"\n") == 1


@pytest.mark.parametrize("ctype", ["application/json", "text/html; charset=x",
                                   "multipart/form-data; boundary=x"])
def test_clearly_wrong_content_type(ctype: str) -> None:
    with pytest.raises(UnsupportedMediaType):
        wire.check_content_type(ctype, "application/pkcs10")


def test_csrattrs_der_parses_with_openssl() -> None:
    """CsrAttrs is a SEQUENCE of OIDs and attributes (RFC 7030 4.5.2 example shape)."""
    der = wire.csrattrs_der([("1.2.840.113549.1.9.7", ()),
                             ("1.2.840.10045.2.1", ("1.3.132.0.34",)),
                             ("1.3.6.1.1.1.1.22", ())])
    out = subprocess.run(["openssl", "asn1parse", "-inform", "DER"], input=der,
                         capture_output=True, check=True, timeout=30).stdout.decode()
    for name in ("challengePassword", "id-ecPublicKey", "secp384r1", "1.3.6.1.1.1.1.22"):
        assert name in out
    assert wire.csrattrs_der([]) == b"\x30\x00"


@pytest.mark.parametrize("text, message", [
    ('[profiles.cacerts]\n', "cannot be named like an EST operation"),
    ('[profiles."a/b"]\n', "a label may hold only"),
    ('[profiles.x]\ncsrattrs = ["not-an-oid"]\n', "is not a dotted OID"),
    ('[profiles.x]\nextended_key_usage = ["bogus"]\n', "unknown usage"),
    ('[profiles.x]\nreenroll_grace = -1\n', "must not be negative"),
    ('[tls]\nclient_trust = ["/nonexistent.pem"]\n', "does not exist"),
    ('[server]\nmax_body = true\n', "got a boolean"),
])
def test_config_errors_name_key(text: str, message: str) -> None:
    """Config errors name the file and key and say what is wrong."""
    from estra.config import ConfigError, settings_from_string
    with pytest.raises(ConfigError, match="^f.toml: ") as caught:
        settings_from_string(text, "f.toml")
    assert message in str(caught.value)


def test_der_ending_in_whitespace_byte_is_kept() -> None:
    """A DER body whose last byte happens to be 0x20 or 0x0a is not stripped."""
    for last in (0x20, 0x0A, 0x0D, 0x09):
        der = DER[:-1] + bytes([last])
        assert wire.decode_body(der) == der


def test_with_names_renames_a_request() -> None:
    """`with_names`: the CN replaced where it stood (other attributes kept), the SANs
    replaced (other extensions kept), no challengePassword; an empty subject makes the
    SAN extension critical; None leaves each part as it was."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import AttributeOID, NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    usage = x509.KeyUsage(True, False, False, False, False, False, False, False, False)
    csr = (x509.CertificateSigningRequestBuilder().subject_name(x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "dev"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "o")]))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("a.example")]), False)
        .add_extension(usage, True)
        .add_attribute(AttributeOID.CHALLENGE_PASSWORD, b"secret").sign(key, hashes.SHA256()))
    uri = x509.UniformResourceIdentifier("IntuneDeviceId://X-7")
    named = wire.load_stored_csr(wire.with_names(csr, "new", [uri]))
    assert named.subject.rfc4514_string() == "O=o,CN=new"
    assert wire.sans_of(named) == {uri} and wire.challenge_password(named) is None
    assert named.extensions.get_extension_for_class(x509.KeyUsage).value == usage
    assert named.public_key() == csr.public_key()
    kept = wire.load_stored_csr(wire.with_names(csr, None, None))
    assert kept.subject == csr.subject and wire.sans_of(kept) == wire.sans_of(csr)
    only_cn = (x509.CertificateSigningRequestBuilder().subject_name(x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "dev")])).sign(key, hashes.SHA256()))
    empty = wire.load_stored_csr(wire.with_names(only_cn, "", [uri]))
    assert not list(empty.subject) and wire.sans_of(empty) == {uri}
    assert empty.extensions.get_extension_for_class(x509.SubjectAlternativeName).critical
