"""The console's device view: find a device by any name or serial, and tell its story.

A device's records are spread over identities: it enrolls first as "basic:alice"
(or with a code, or a bootstrap certificate), then renews as "issued:...:NAME" with
the certificate it was given.  Each renewal records the serial of the certificate it
authenticated with (`enrollments.auth_serial`), so the store joins them
(`Store.device`); this module reads the certificates and says where the device
stands.
"""

from __future__ import annotations

import base64
import re
from typing import Sequence

from attrs import frozen
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding

from estra.asn1 import wire
from estra.console.csr import key_text, san_text
from estra.ca.revocation import DONE
from estra.store.enrollments import EnrollmentRow
from estra.store.revocations import RevocationRow

__all__ = ["Search", "parse_search", "CertificateState", "certificate_states",
           "certificate_facts", "chain_of", "load_record_certificate", "pem", "EXPIRING_DAYS"]

#: a certificate ending within this many days reads "expiring in N days"
EXPIRING_DAYS = 30
_OPENSSL_DECIMAL = re.compile(r"[0-9]+\s*\(0x([0-9a-fA-F]+)\)")


@frozen
class Search:
    """What one search box asks for: a name prefix (lower case) and/or a serial."""

    prefix: str
    serial: str | None


def parse_search(text: str) -> Search:
    """The search for `text`: any name starting with it (CN, SAN, identity or its name,
    case-insensitive), and the serial it spells in any form openssl or a browser prints
    ("0A:1B", "0a 1b", "serial=0A1B", "0x0a1b", "2587 (0xa1b)", leading zeros or not)."""
    text = text.strip()[:256]
    decimal = _OPENSSL_DECIMAL.fullmatch(text)
    try:
        serial = wire.normalise_serial(decimal.group(1) if decimal else text) if text else None
    except ValueError:
        serial = None
    return Search(text.lower(), serial)


def load_record_certificate(record: EnrollmentRow) -> x509.Certificate | None:
    """The certificate a record holds (base64 DER), or None."""
    if not record.get("certificate"):
        return None
    return x509.load_der_x509_certificate(base64.b64decode(str(record["certificate"])))


@frozen
class CertificateState:
    """Where one issued certificate of a device stands."""

    record: EnrollmentRow
    state: str         # valid | expiring | expired | revoked | superseded
    text: str          # what an operator reads, e.g. "expiring in 12 days"


def certificate_states(records: Sequence[EnrollmentRow],
                       revoked: Sequence[RevocationRow], now: float
                       ) -> list[CertificateState]:
    """Every certificate issued to the device, oldest first: revoked (an operator's
    revocation that took effect), superseded (a later one was issued), expired,
    expiring within `EXPIRING_DAYS`, or valid."""
    revocations = {str(r["serial"]): r for r in revoked if r["outcome"] in DONE}
    issued = [r for r in records if r["decision"] == "issued" and r.get("certificate")]
    states = []
    for n, record in enumerate(issued):
        ends = float(record["not_after"] or 0)
        days = int((ends - now) // 86400)
        gone = revocations.get(str(record["serial"]))
        if gone is not None:
            state, text = "revoked", f"revoked ({gone['reason']})"
        elif n < len(issued) - 1:
            state, text = "superseded", f"superseded by {issued[n + 1]['serial']}"
        elif ends <= now:
            state, text = "expired", f"expired {-days} day(s) ago"
        elif days < EXPIRING_DAYS:
            state, text = "expiring", f"valid, expiring in {days} day(s)"
        else:
            state, text = "valid", f"valid, {days} days left"
        states.append(CertificateState(record, state, text))
    return states


def certificate_facts(cert: x509.Certificate) -> list[tuple[str, str]]:
    """What an operator asks of a certificate: issuer, validity, key, usages, names,
    fingerprint."""
    try:
        ekus = [getattr(u, "_name", u.dotted_string) for u in
                cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value]
    except x509.ExtensionNotFound:
        ekus = []
    try:
        sans = [san_text(n) for n in
                cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value]
    except x509.ExtensionNotFound:
        sans = []
    fingerprint = cert.fingerprint(hashes.SHA256()).hex().upper()
    return [("Subject", cert.subject.rfc4514_string() or "(empty)"),
            ("Issuer", cert.issuer.rfc4514_string()),
            ("Serial", wire.serial_hex(cert.serial_number)),
            ("Not before", cert.not_valid_before_utc.strftime("%Y-%m-%d %H:%M:%S UTC")),
            ("Not after", cert.not_valid_after_utc.strftime("%Y-%m-%d %H:%M:%S UTC")),
            ("Key", key_text(cert.public_key())),
            ("Signature", str(getattr(cert.signature_algorithm_oid, "_name", ""))),
            ("Extended key usage", ", ".join(ekus) or "none"),
            ("Subject alternative names", ", ".join(sans) or "none"),
            ("SHA-256 fingerprint", ":".join(re.findall("..", fingerprint)))]


def chain_of(cert: x509.Certificate, cas: Sequence[x509.Certificate]) -> list[x509.Certificate]:
    """`cert` and the CA certificates among `cas` that signed it, up to a root or as
    far as `cas` go (each link checked by its signature)."""
    chain = [cert]
    while len(chain) < 8 and chain[-1].issuer != chain[-1].subject:
        issuer = next((ca for ca in cas if ca not in chain and _signed(chain[-1], ca)), None)
        if issuer is None:
            break
        chain.append(issuer)
    return chain


def _signed(cert: x509.Certificate, ca: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def pem(certs: Sequence[x509.Certificate]) -> bytes:
    """Certificates as one PEM bundle."""
    return b"".join(c.public_bytes(Encoding.PEM) for c in certs)

