"""Server-side key generation (RFC 7030 4.4, RFC 8951): keys, CSRs, the multipart answer.

A generated private key lives only in memory for its request: it is written
into the response and nowhere else (never logged, never stored).
"""

from __future__ import annotations

import secrets
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import AttributeOID

from estra.asn1 import wire
from estra.config import SERVER_KEYS, Profile, keygen_problem
from estra.errors import BadRequest, NotImplementedOperation

__all__ = ["generate", "key_spec", "replacement_csr", "key_part", "multipart", "SERVER_KEY",
           "ENCRYPTED_KEY", "encryption_requested"]

SERVER_KEY = "application/pkcs8"
ENCRYPTED_KEY = "application/pkcs7-mime; smime-type=server-generated-key"
DECRYPT_KEY_ID = x509.ObjectIdentifier("1.2.840.113549.1.9.16.2.37")
ASYMMETRIC_DECRYPT_KEY_ID = x509.ObjectIdentifier("1.2.840.113549.1.9.16.2.54")
_CURVES: dict[str, ec.EllipticCurve] = {"p256": ec.SECP256R1(), "p384": ec.SECP384R1(),
                                        "p521": ec.SECP521R1()}

PrivateKey = Any


def generate(spec: str) -> PrivateKey:
    """A new private key for a profile's `serverkeygen_key` ("ec-p384", "rsa-3072", ...)."""
    kind, _, size = spec.partition("-")
    if kind == "ec":
        return ec.generate_private_key(_CURVES[size])
    if kind == "rsa":
        return rsa.generate_private_key(65537, int(size))
    return ed25519.Ed25519PrivateKey.generate()


def key_spec(csr: x509.CertificateSigningRequest, profile: Profile) -> str:
    """The key to make: like the CSR's placeholder key when the profile follows it
    and its key rules allow that key, else the profile's `serverkeygen_key`."""
    if profile.serverkeygen_follow_csr:
        spec = _spec_of(csr.public_key())
        if spec in SERVER_KEYS and keygen_problem(profile, spec) is None:
            return spec
    return profile.serverkeygen_key


def _spec_of(key: Any) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return f"rsa-{key.key_size}"
    if isinstance(key, ec.EllipticCurvePublicKey):
        names = {curve.name: name for name, curve in _CURVES.items()}
        return f"ec-{names.get(key.curve.name, key.curve.name)}"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "ed25519"
    return type(key).__name__


def replacement_csr(csr: x509.CertificateSigningRequest, key: PrivateKey
                    ) -> x509.CertificateSigningRequest:
    """The device's request (subject, extensions, challengePassword) for `key`."""
    builder = x509.CertificateSigningRequestBuilder().subject_name(csr.subject)
    for ext in csr.extensions:
        builder = builder.add_extension(ext.value, ext.critical)
    password = wire.challenge_password(csr)
    if password is not None:
        builder = builder.add_attribute(AttributeOID.CHALLENGE_PASSWORD, password)
    digest = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(key, digest)


def encryption_requested(csr: x509.CertificateSigningRequest) -> str | None:
    """"asymmetric" or "symmetric" when the CSR asks for an encrypted key (4.4.2)."""
    oids = {attr.oid for attr in csr.attributes}
    if ASYMMETRIC_DECRYPT_KEY_ID in oids:
        return "asymmetric"
    if DECRYPT_KEY_ID in oids:
        return "symmetric"
    return None


def key_part(key: PrivateKey, encrypt_to: x509.Certificate | None) -> tuple[str, bytes]:
    """(content type, DER) of the key part: PKCS#8, or CMS EnvelopedData to a certificate.

    The enveloped content is an AsymmetricKeyPackage (RFC 5958) holding the
    one key, encrypted with AES-128-CBC to the certificate's RSA key.
    """
    pkcs8 = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    if encrypt_to is None:
        return SERVER_KEY, pkcs8
    if not isinstance(encrypt_to.public_key(), rsa.RSAPublicKey):
        raise BadRequest("encrypted key delivery needs an RSA key-encipherment certificate")
    package = b"\x30" + _der_length(len(pkcs8)) + pkcs8
    # Binary: without it the builder canonicalises "text" (LF -> CRLF), corrupting keys.
    envelope = (pkcs7.PKCS7EnvelopeBuilder().set_data(package).add_recipient(encrypt_to)
                .encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary]))
    return ENCRYPTED_KEY, envelope


def recipient_for(csr: x509.CertificateSigningRequest, client_cert: x509.Certificate | None,
                  profile_demands: bool) -> x509.Certificate | None:
    """The certificate to encrypt the key to, or None for a key over TLS only."""
    mode = encryption_requested(csr)
    if mode == "symmetric":
        raise NotImplementedOperation("symmetric key encryption (DecryptKeyIdentifier) is "
                                      "not supported; ask for asymmetric encryption")
    if mode is None and not profile_demands:
        return None
    if client_cert is None:
        raise BadRequest("encrypted key delivery needs the device's key-encipherment "
                         "certificate as its TLS client certificate")
    return client_cert


def multipart(parts: list[tuple[str, bytes]], layout: str) -> tuple[bytes, str]:
    """multipart/mixed of base64 parts (RFC 7030 4.4.2 as clarified by RFC 8951).

    Every part has its own Content-Type and Content-Transfer-Encoding, each
    boundary is preceded by CRLF, and nothing follows the closing boundary
    (Bouncy Castle's parser fails on trailing bytes).
    """
    boundary = f"estra-{secrets.token_hex(12)}"
    chunks = []
    for content_type, der in parts:
        text = wire.encode_base64(der, layout).replace(b"\n", b"\r\n")
        chunks.append(f"--{boundary}\r\nContent-Type: {content_type}\r\n"
                      "Content-Transfer-Encoding: base64\r\n\r\n".encode() + text)
    body = b"".join(chunks) + f"--{boundary}--".encode()
    return body, f"multipart/mixed; boundary={boundary}"


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


