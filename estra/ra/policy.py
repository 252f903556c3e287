"""RA policy: may this identity have a certificate for this CSR under this profile?

`Policy.check` holds the rules that need nothing but the request (keys,
signature hash, subject, subjectAltName, extensions, channel binding,
re-enrollment); the rules that need the store (one-time codes, rate limits,
"only certificates we enrolled", manual approval) run in `ra.py`.  Every
refusal is a `Forbidden` whose reason starts with the rule's name, so the
device, the log and the audit record all say which rule decided.
"""

from __future__ import annotations

import datetime
import fnmatch
import ipaddress
import re
from typing import Any, Callable, Iterable, Sequence

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID

from estra.asn1 import wire
from estra.ra.auth import Identity
from estra.config import Profile
from estra.asn1.csrtemplate import (EXT_KEY_USAGE, ext_key_usage_der, extension_request_der,
                                     template_der)
from estra.errors import Forbidden
from estra.principals import ISSUED

__all__ = ["Policy", "ENROLL", "REENROLL", "SERVERKEYGEN", "SCEP_ENROLL", "SCEP_RENEW",
           "RENEWALS", "ATTRIBUTE_OIDS", "expand", "csrattrs_for"]

ENROLL, REENROLL, SERVERKEYGEN = "simpleenroll", "simplereenroll", "serverkeygen"
SCEP_ENROLL, SCEP_RENEW = "scep-pkcsreq", "scep-renewalreq"
RENEWALS = frozenset({REENROLL, SCEP_RENEW})     # judged by the re-enrollment rules
ATTRIBUTE_OIDS: dict[str, x509.ObjectIdentifier] = {
    "CN": NameOID.COMMON_NAME, "O": NameOID.ORGANIZATION_NAME,
    "OU": NameOID.ORGANIZATIONAL_UNIT_NAME, "C": NameOID.COUNTRY_NAME,
    "ST": NameOID.STATE_OR_PROVINCE_NAME, "L": NameOID.LOCALITY_NAME,
    "serialNumber": NameOID.SERIAL_NUMBER, "emailAddress": NameOID.EMAIL_ADDRESS,
    "DC": NameOID.DOMAIN_COMPONENT, "UID": NameOID.USER_ID, "title": NameOID.TITLE,
    "givenName": NameOID.GIVEN_NAME, "surname": NameOID.SURNAME,
    "pseudonym": NameOID.PSEUDONYM,
}
_NAMES = {oid: name for name, oid in ATTRIBUTE_OIDS.items()}
_PLACEHOLDER = re.compile(r"\{([A-Za-z.]+)\}")
_GLOB = re.compile(r"([*?\[])")


def _oid(name: str) -> x509.ObjectIdentifier:
    return ATTRIBUTE_OIDS.get(name) or x509.ObjectIdentifier(name)


def _attr_name(oid: x509.ObjectIdentifier) -> str:
    return _NAMES.get(oid, oid.dotted_string)


def placeholders(identity: Identity) -> dict[str, str]:
    """Values a pattern may use: {identity}, and {cert.CN}, {cert.serialNumber}..."""
    values = {"identity": identity.name} if identity.name else {}
    if identity.certificate is not None:
        for attr in identity.certificate.subject:
            values.setdefault(f"cert.{_attr_name(attr.oid)}", str(attr.value))
    return values


def expand(pattern: str, identity: Identity) -> str | None:
    """`pattern` with placeholders filled (glob characters in values escaped), or
    None when it names a value this identity does not have."""
    if "{" not in pattern:
        return pattern                   # nothing to fill (no need to read the identity)
    values = placeholders(identity)
    missing = [name for name in _PLACEHOLDER.findall(pattern) if name not in values]
    if missing:
        return None
    return _PLACEHOLDER.sub(lambda m: _GLOB.sub(r"[\1]", values[m.group(1)]), pattern)


def _matches(value: str, patterns: Iterable[str], identity: Identity) -> bool:
    return any((p := expand(pattern, identity)) is not None and fnmatch.fnmatchcase(value, p)
               for pattern in patterns)


CHALLENGE_PASSWORD = "1.2.840.113549.1.9.7"
_KEY_OIDS = {"ec": "1.2.840.10045.2.1", "rsa": "1.2.840.113549.1.1.1",
             "ed25519": "1.3.101.112", "ed448": "1.3.101.113"}
_CURVE_OIDS = {"secp256r1": "1.2.840.10045.3.1.7", "secp384r1": "1.3.132.0.34",
               "secp521r1": "1.3.132.0.35"}
_SIGNATURE_OIDS = {("ec", "sha256"): "1.2.840.10045.4.3.2", ("ec", "sha384"): "1.2.840.10045.4.3.3",
                   ("ec", "sha512"): "1.2.840.10045.4.3.4",
                   ("rsa", "sha256"): "1.2.840.113549.1.1.11",
                   ("rsa", "sha384"): "1.2.840.113549.1.1.12",
                   ("rsa", "sha512"): "1.2.840.113549.1.1.13"}


def csrattrs_for(profile: Profile, usages: Sequence[str] = ()
                 ) -> list[tuple[str, tuple[str | int, ...]] | bytes]:
    """What /csrattrs tells a device, generated from the profile's own rules.

    challengePassword when a one-time code or channel binding is required;
    the key type when the profile pins one (id-ecPublicKey with the allowed
    curves, rsaEncryption with the minimum size, or the EdDSA OID); the
    signature algorithm when one hash is allowed; the required extensions.
    When the profile pins the key (one EC curve, or RSA) the same is added in
    RFC 9908's template form (CertificationRequestInfoTemplate, with the
    required subject attributes and extensions), for clients that read it.
    `usages` (dotted OIDs: the extended key usages the upstream CA puts in its
    certificates, IssuingTerms.asked_usages) are asked for with their values, as an
    extensionRequest attribute and, in a template (made for them even without a
    pinned key), as an extension with its value.
    An explicit `csrattrs` list in the profile replaces all of this.
    """
    if profile.csrattrs:
        return [(a.oid, a.values) for a in profile.csrattrs]
    attrs: list[tuple[str, tuple[str | int, ...]] | bytes] = []
    if profile.require_code or profile.require_channel_binding:
        attrs.append((CHALLENGE_PASSWORD, ()))
    if len(profile.key_types) == 1:
        kind = profile.key_types[0]
        values: tuple[str | int, ...] = (
            tuple(_CURVE_OIDS[c] for c in profile.curves) if kind == "ec" else
            (profile.min_rsa_bits,) if kind == "rsa" else ())
        attrs.append((_KEY_OIDS[kind], values))
        if len(profile.signature_hashes) == 1 and (kind, profile.signature_hashes[0]) in \
                _SIGNATURE_OIDS:
            attrs.append((_SIGNATURE_OIDS[kind, profile.signature_hashes[0]], ()))
    given = {EXT_KEY_USAGE: ext_key_usage_der(usages)} if usages else {}
    attrs.extend((oid, ()) for oid in profile.extensions_required if oid not in given)
    if given:
        attrs.append(extension_request_der(given))
    pinned = _pinned_key(profile)
    if pinned is not None or given:
        attrs.append(template_der([_oid(a).dotted_string for a in profile.subject_required],
                                  pinned, list(profile.extensions_required), given))
    return attrs


def _pinned_key(profile: Profile) -> tuple[str, str | int] | None:
    if profile.key_types == ("ec",) and len(profile.curves) == 1:
        return "ec", profile.curves[0]
    if profile.key_types == ("rsa",):
        return "rsa", profile.min_rsa_bits
    return None


class _Rules:
    """What `Policy` derives from one profile, once (not per request): OIDs of the
    subject rules, lower-cased DNS suffixes, parsed IP networks."""

    def __init__(self, profile: Profile) -> None:
        self.key_types = frozenset(profile.key_types)
        self.curves = frozenset(profile.curves)
        self.hashes = frozenset(profile.signature_hashes)
        self.required = [(name, _oid(name)) for name in profile.subject_required]
        self.allowed = frozenset(_oid(name) for name in profile.subject_allowed) \
            if profile.subject_allowed else None
        self.patterns = [(name, _oid(name), pattern)
                         for name, pattern in profile.subject_patterns]
        self.dns_suffixes = tuple(s.lower().lstrip(".") for s in profile.san_dns_suffixes)
        self.ip_networks = tuple(ipaddress.ip_network(n, strict=False)
                                 for n in profile.san_ip_networks)


class Policy:
    """The request-only rules; see the module docstring for the rest."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._rules: dict[int, tuple[Profile, _Rules]] = {}

    def rules(self, profile: Profile) -> _Rules:
        """The derived rules of `profile`, made at its first request (a reload makes
        new Profile objects, so new rules)."""
        entry = self._rules.get(id(profile))
        if entry is None or entry[0] is not profile:
            if len(self._rules) >= 256:
                self._rules.clear()
            entry = self._rules[id(profile)] = (profile, _Rules(profile))
        return entry[1]

    def check(self, operation: str, identity: Identity,
              csr: x509.CertificateSigningRequest, profile: Profile) -> None:
        """Return if the request may go on; raise `Forbidden` naming the rule.

        A downstream RA (id-kp-cmcRA certificate) has already tied the CSR to
        its device (RFC 7030 3.7), so the identity-bound rules do not apply to it.
        """
        rules = self.rules(profile)
        if operation != SERVERKEYGEN:       # that key is a placeholder; we make the real one
            self._key(csr, profile, rules)
        subject = wire.subject_of(csr)
        sans = wire.sans_of(csr)
        _rfc5280(subject, sans)
        self._subject(subject, profile, identity, rules)
        self._san(sans, profile, identity, rules)
        self._extensions(csr, profile)
        if identity.is_ra:
            return
        if profile.require_channel_binding:
            self._channel_binding(identity, csr)
        if operation in RENEWALS:
            self._reenroll(identity, csr, profile)
        elif identity.expired_for is not None:
            raise Forbidden.because("expired-certificate",
                                    "an expired certificate may only re-enroll")

    @staticmethod
    def _key(csr: x509.CertificateSigningRequest, profile: Profile, rules: _Rules) -> None:
        key = wire.csr_public_key(csr)
        kind = _KINDS.get(type(key)) or (
                "rsa" if isinstance(key, rsa.RSAPublicKey) else
                "ec" if isinstance(key, ec.EllipticCurvePublicKey) else
                "ed25519" if isinstance(key, ed25519.Ed25519PublicKey) else
                "ed448" if isinstance(key, ed448.Ed448PublicKey) else type(key).__name__)
        if kind in _KEY_OIDS:
            _KINDS[type(key)] = kind
        if kind not in rules.key_types:
            raise Forbidden.because("key-type", f"{kind} keys are not allowed here "
                            f"(allowed: {', '.join(profile.key_types)})")
        if kind == "rsa" and key.key_size < profile.min_rsa_bits:
            raise Forbidden.because("key-size", f"RSA {key.key_size} bits is below the minimum of "
                            f"{profile.min_rsa_bits}")
        if kind == "ec" and key.curve.name not in rules.curves:
            raise Forbidden.because("key-curve", f"curve {key.curve.name} is not allowed "
                            f"(allowed: {', '.join(profile.curves)})")
        hash_alg = csr.signature_hash_algorithm
        if hash_alg is not None and hash_alg.name not in rules.hashes:
            raise Forbidden.because("signature-hash", f"CSR signed with {hash_alg.name}; allowed: "
                            f"{', '.join(profile.signature_hashes)}")

    @staticmethod
    def _subject(subject: x509.Name, profile: Profile, identity: Identity,
                 rules: _Rules) -> None:
        if not (rules.required or rules.allowed is not None or rules.patterns):
            return
        present = {attr.oid for attr in subject}
        for name, oid in rules.required:
            if oid not in present:
                raise Forbidden.because("subject-required", f"the subject must contain {name}")
        if rules.allowed is not None:
            for oid in present - rules.allowed:
                raise Forbidden.because("subject-allowed",
                                        f"{_attr_name(oid)} is not allowed in the subject")
        for name, oid, pattern in rules.patterns:
            values = [str(a.value) for a in subject.get_attributes_for_oid(oid)]
            if not values or not all(_matches(v, [pattern], identity) for v in values):
                raise Forbidden.because("subject-pattern", f"{name} must match {pattern!r} for "
                                f"{identity.principal!r}")

    @staticmethod
    def _san(names: frozenset[x509.GeneralName], profile: Profile, identity: Identity,
             rules: _Rules) -> None:
        if len(names) > profile.san_max:
            raise Forbidden.because("san-max", f"{len(names)} subjectAltNames, at most "
                            f"{profile.san_max} allowed")
        for name in names:
            if isinstance(name, x509.DNSName) and profile.san_dns_suffixes:
                host = name.value.lower().rstrip(".")
                if not any(host == s or host.endswith("." + s) for s in rules.dns_suffixes):
                    raise Forbidden.because("san-dns", f"{name.value} is outside "
                                    f"{', '.join(profile.san_dns_suffixes)}")
            elif isinstance(name, x509.IPAddress) and profile.san_ip_networks:
                if not any(name.value in network for network in rules.ip_networks):
                    raise Forbidden.because("san-ip", f"{name.value} is outside "
                                    f"{', '.join(profile.san_ip_networks)}")
            elif isinstance(name, x509.UniformResourceIdentifier) and profile.san_uri_patterns:
                if not _matches(name.value, profile.san_uri_patterns, identity):
                    raise Forbidden.because("san-uri", f"{name.value} matches no allowed pattern")
            elif isinstance(name, x509.RFC822Name) and profile.san_email_patterns:
                if not _matches(name.value, profile.san_email_patterns, identity):
                    raise Forbidden.because("san-email", f"{name.value} matches no allowed pattern")

    @staticmethod
    def _extensions(csr: x509.CertificateSigningRequest, profile: Profile) -> None:
        try:
            present = {ext.oid.dotted_string for ext in csr.extensions}
        except ValueError as e:
            raise Forbidden.because("extensions", "the CSR's extension request cannot be "
                                    f"parsed: {e}") from e
        for oid in profile.extensions_required:
            if oid not in present:
                raise Forbidden.because("extension-required",
                                        f"the CSR must request extension {oid}")
        for oid in profile.extensions_forbidden:
            if oid in present:
                raise Forbidden.because("extension-forbidden",
                                        f"extension {oid} may not be requested")

    @staticmethod
    def _channel_binding(identity: Identity, csr: x509.CertificateSigningRequest) -> None:
        password = wire.challenge_password(csr)
        binding = identity.peer.binding
        if password is None:
            raise Forbidden.because("channel-binding", "this profile requires the TLS session's "
                            "tls-unique (TLS 1.2) or tls-exporter (TLS 1.3) value, "
                            "base64, as the CSR challengePassword (RFC 7030 3.5)")
        if binding is None or not binding.matches(password):
            raise Forbidden.because("channel-binding", "the CSR challengePassword does not carry "
                            "this TLS session's channel binding (RFC 7030 3.5)")

    def _reenroll(self, identity: Identity, csr: x509.CertificateSigningRequest,
                  profile: Profile) -> None:
        cert = identity.certificate
        if identity.kind != ISSUED or cert is None:
            raise Forbidden.because("reenroll-certificate", "re-enrollment requires a TLS client "
                            "certificate issued by this CA (RFC 7030 4.2.2)")
        if profile.renewal_window_days:
            now = datetime.datetime.fromtimestamp(self._clock(), datetime.timezone.utc)
            opens = cert.not_valid_after_utc - datetime.timedelta(days=profile.renewal_window_days)
            if now < opens:
                raise Forbidden.because("renewal-window",
                                        f"renewal opens {opens:%Y-%m-%d %H:%M} UTC, "
                                        f"{profile.renewal_window_days} days before expiry")
        if profile.reenroll_allow_changes:
            return
        if wire.subject_of(csr) != cert.subject:
            raise Forbidden.because("reenroll-subject", "the CSR subject "
                            f"{wire.subject_text(csr)!r} differs from the "
                            f"certificate's {cert.subject.rfc4514_string()!r}")
        if wire.sans_of(csr) != wire.sans_of(cert):
            raise Forbidden.because("reenroll-san", "the CSR subjectAltName differs from "
                            "the certificate's (RFC 7030 4.2.2)")


#: RFC 5280 appendix A (X.520) upper bounds, in characters, of subject attribute values
_UPPER_BOUNDS: dict[x509.ObjectIdentifier, int] = {
    NameOID.COMMON_NAME: 64, NameOID.ORGANIZATION_NAME: 64,
    NameOID.ORGANIZATIONAL_UNIT_NAME: 64, NameOID.LOCALITY_NAME: 128,
    NameOID.STATE_OR_PROVINCE_NAME: 128, NameOID.SERIAL_NUMBER: 64, NameOID.TITLE: 64,
    NameOID.EMAIL_ADDRESS: 255, NameOID.PSEUDONYM: 128, NameOID.DOMAIN_COMPONENT: 63,
    NameOID.GIVEN_NAME: 32768, NameOID.SURNAME: 32768, NameOID.INITIALS: 32768,
    NameOID.GENERATION_QUALIFIER: 32768, NameOID.POSTAL_CODE: 40,
}
#: the string types of X.520 attributes: DirectoryString's choices, IA5String
#: (emailAddress, domainComponent), NumericString and VisibleString
_STRING_TYPES = frozenset({"PrintableString", "UTF8String", "TeletexString", "T61String",
                           "UniversalString", "BMPString", "IA5String", "NumericString",
                           "VisibleString"})
_COUNTRIES = frozenset({NameOID.COUNTRY_NAME, NameOID.JURISDICTION_COUNTRY_NAME})
_KINDS: dict[type, str] = {}             # concrete key class -> its kind, filled as met
_PRINTABLE = re.compile(r"[A-Za-z0-9 '()+,\-./:=?]*\Z")
_LDH_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z")
#: C0 controls (NUL included), DEL and C1 controls: never in a name a CA certifies
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: RFC 3986 absolute URI: a scheme, a colon, then no space or control character
_ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20\x7f-\x9f]+\Z")


def _rfc5280(subject: x509.Name, sans: Iterable[x509.GeneralName]) -> None:
    """Refuse what RFC 5280 forbids a CA to certify, which a CA copying the
    subject verbatim would otherwise sign: empty RDNs or values, a countryName
    that is not two PrintableString characters, values over their X.520 upper
    bound, NUL or control characters in any subject value or name, dNSName
    entries that are no hostname (LDH labels, an optional leading "*."
    wildcard; internationalized names as A-labels), iPAddress entries that are
    not 4 or 16 bytes (cryptography reads 8 or 32 as a network), and URIs
    that are not absolute (no scheme).  Every face reaches it through
    `Policy.check`, whatever the profile says."""
    for rdn in subject.rdns:
        if not len(rdn):
            raise Forbidden.because("subject-syntax", "the subject has an empty RDN")
        for attr in rdn:
            value: Any = attr.value
            if isinstance(value, bytes):           # x500UniqueIdentifier: a BIT STRING
                continue
            oid, kind = attr.oid, attr._type.name
            if kind not in _STRING_TYPES:
                raise Forbidden.because("subject-syntax", f"{_attr_name(oid)} is a {kind}, not a "
                                "string type")
            if not value:
                raise Forbidden.because("subject-syntax", f"{_attr_name(oid)} is empty")
            if oid in _COUNTRIES and (
                    len(value) != 2 or not _PRINTABLE.match(value)
                    or kind != "PrintableString"):
                raise Forbidden.because("subject-syntax", f"{_attr_name(oid)} {value!r} is not a "
                                "two-letter PrintableString country code")
            bound = _UPPER_BOUNDS.get(oid)
            if bound is not None and len(value) > bound:
                raise Forbidden.because("subject-syntax", f"{_attr_name(oid)} is {len(value)} "
                                f"characters long, over its upper bound of {bound}")
            if _CONTROL.search(value):
                raise Forbidden.because("subject-control", f"{_attr_name(oid)} {value!r} contains"
                                        " a NUL or control character")
    for san in sans:
        if isinstance(san, x509.DNSName):
            host = san.value[2:] if san.value.startswith("*.") else san.value
            if len(san.value) > 253 or not all(_LDH_LABEL.match(label)
                                                for label in host.split(".")):
                raise Forbidden.because("san-syntax", f"DNS name {san.value!r} is not a valid "
                                "hostname (RFC 5280 4.2.1.6)")
        elif isinstance(san, x509.IPAddress):
            if not isinstance(san.value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
                raise Forbidden.because("san-ip-syntax", f"iPAddress {san.value} is a network; an "
                                "iPAddress name is 4 or 16 bytes (RFC 5280 4.2.1.6)")
        elif isinstance(san, x509.UniformResourceIdentifier):
            if not _ABSOLUTE_URI.match(san.value):
                raise Forbidden.because("san-uri-syntax", f"URI {san.value!r} is not an absolute"
                                        " URI with a scheme (RFC 5280 4.2.1.6)")
        elif isinstance(san, x509.DirectoryName):
            _rfc5280(san.value, ())
        elif isinstance(san, (x509.RFC822Name, x509.RegisteredID)) and \
                _CONTROL.search(str(san.value)):
            raise Forbidden.because("san-control", f"{type(san).__name__} {san.value!r} contains a "
                            "NUL or control character")
