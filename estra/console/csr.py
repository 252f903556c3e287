"""A held request, decoded for an operator to read."""

from __future__ import annotations

import base64

from attrs import frozen
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import AttributeOID

__all__ = ["DecodedCsr", "decode_csr", "key_text", "san_text"]


@frozen
class DecodedCsr:
    subject: str
    sans: tuple[str, ...]
    key: str                      # e.g. "EC secp256r1 (256 bits)"
    signature: str                # e.g. "ecdsa-with-SHA256" (checked when it arrived)
    extensions: tuple[str, ...]   # "name (OID)[, critical]"
    has_challenge_password: bool


def key_text(public: object) -> str:
    if isinstance(public, rsa.RSAPublicKey):
        return f"RSA {public.key_size} bits"
    if isinstance(public, ec.EllipticCurvePublicKey):
        return f"EC {public.curve.name} ({public.curve.key_size} bits)"
    if isinstance(public, ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(public, ed448.Ed448PublicKey):
        return "Ed448"
    if isinstance(public, dsa.DSAPublicKey):
        return f"DSA {public.key_size} bits"
    return type(public).__name__


def san_text(name: x509.GeneralName) -> str:
    kind = {x509.DNSName: "DNS", x509.IPAddress: "IP", x509.RFC822Name: "email",
            x509.UniformResourceIdentifier: "URI"}.get(type(name), type(name).__name__)
    return f"{kind}:{name.value}"


def decode_csr(csr_b64: str) -> DecodedCsr:
    """The operator-relevant facts of a base64 DER PKCS#10 request (ValueError if broken).

    The signature is not checked again: the RA checked it on arrival, and a stored
    request may have had its challengePassword removed, which the signature covered."""
    csr = x509.load_der_x509_csr(base64.b64decode(csr_b64))
    try:
        sans = tuple(san_text(n) for n in csr.extensions.get_extension_for_class(
            x509.SubjectAlternativeName).value)
    except x509.ExtensionNotFound:
        sans = ()
    extensions = tuple(
        f"{ext.oid._name} ({ext.oid.dotted_string}){', critical' if ext.critical else ''}"
        for ext in csr.extensions)
    try:
        csr.attributes.get_attribute_for_oid(AttributeOID.CHALLENGE_PASSWORD)
        challenge = True
    except x509.AttributeNotFound:
        challenge = False
    return DecodedCsr(subject=csr.subject.rfc4514_string() or "(empty)", sans=sans,
                      key=key_text(csr.public_key()),
                      signature=csr.signature_algorithm_oid._name, extensions=extensions,
                      has_challenge_password=challenge)
