"""Principals: how an identity is written wherever it is kept or compared.

A principal is "kind:realm:name" ("kind:name" for the kinds without a realm): the
store keys enrollments, held requests, codes and rate counters on it, the
operator types it, and `estra.ra.auth.Identity.principal` writes it.  Names of
different kinds never compare equal.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

__all__ = ["BASIC", "ISSUED", "BOOTSTRAP", "RA", "CODE", "SCEP_KINDS", "KINDS", "UNRECORDED",
           "principal_of", "parse_principal", "issued_realm", "issued_principal", "anchor_id",
           "cert_name"]

BASIC, ISSUED, BOOTSTRAP, RA, CODE = "basic", "issued", "bootstrap", "ra", "code"
#: "scep-challenge": a challenge bound to the profile (its realm) that a challenge
#: client (its name) was issued (estra/ra/challenges.py)
SCEP_KINDS = ("scep-static", "scep-webhook", "scep-none", "scep-challenge", "scep-intune")
#: every kind; those in `_REALMED` carry a realm in their principal
KINDS = (BASIC, ISSUED, BOOTSTRAP, RA, CODE, *SCEP_KINDS)
_REALMED = frozenset({ISSUED, BOOTSTRAP, RA, *SCEP_KINDS})
#: realm of a certificate our CA chain issued that the store has no record of
UNRECORDED = "(unrecorded)"


def principal_of(kind: str, realm: str, name: str) -> str:
    """"kind:realm:name" ("kind:name" for kinds without a realm): the whole identity."""
    return f"{kind}:{realm}:{name}" if kind in _REALMED else f"{kind}:{name}"


def parse_principal(principal: str) -> tuple[str, str, str]:
    """(kind, realm, name) of "kind:realm:name" / "kind:name"; ValueError if malformed."""
    kind, sep, rest = principal.partition(":")
    if not sep or kind not in KINDS:
        raise ValueError(f"{principal!r} is not KIND:NAME or KIND:REALM:NAME "
                         f"(kinds: {', '.join(KINDS)})")
    if kind not in _REALMED:
        realm, name = "", rest
    else:
        realm, sep, name = rest.partition(":")
        if not sep or not realm:
            raise ValueError(f"{principal!r}: a {kind} identity is {kind}:REALM:NAME")
    if not name and kind in (BASIC, CODE):
        raise ValueError(f"{principal!r}: the name is empty")
    return kind, realm, name


def issued_realm(label: str, enrolled_by: str) -> str:
    """The realm of a certificate issued under profile `label` to the principal
    `enrolled_by`: the label, then "@kind/realm" of whoever first enrolled (carried
    over re-enrollments), so same-named devices of two manufacturers (bootstrap
    anchors), RAs or SCEP profiles never share a principal.  Realm-less kinds
    (basic, code) keep the bare label, as before."""
    kind, _, rest = enrolled_by.partition(":")
    realm, sep, _ = rest.partition(":")
    origin = (realm.partition("@")[2] if kind == ISSUED else
              f"{kind}/{realm}" if kind in _REALMED and sep else "")
    return f"{label}@{origin}" if origin else label


def issued_principal(label: str, enrolled_by: str, cert: x509.Certificate) -> str:
    """The principal `cert`, issued under `label` to `enrolled_by`, authenticates as."""
    return f"{ISSUED}:{issued_realm(label, enrolled_by)}:{cert_name(cert)}"


def anchor_id(cert: x509.Certificate) -> str:
    """A trust anchor's realm name: the first 16 hex digits of its SHA-256 fingerprint."""
    return cert.fingerprint(hashes.SHA256()).hex()[:16]


def cert_name(cert: x509.Certificate) -> str:
    """The name a certificate authenticates as: its first CN, else its whole subject."""
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(cns[0].value) if cns else cert.subject.rfc4514_string()
