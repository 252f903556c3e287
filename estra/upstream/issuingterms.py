"""What an upstream CA says it will issue, read from its own profile (issue #23, 3).

An upstream that describes its issuing profile provides `IIssuingTerms`
(estra/interfaces.py) and returns `IssuingTerms`: the key types and sizes it
signs and the names it certifies. The RA then

* derives `/csrattrs` (and its RFC 9908 template) from the profile narrowed to
  those terms (`narrowed`) and the extended key usages the CA puts in
  (`asked_usages`), so a device asks for what the CA will sign;
* refuses up front (403, rule `upstream-terms`) a request the CA would refuse
  later, naming the CA's setting (`refusal`), before any rate, code or approval
  is spent on it.

Read today: HashiCorp Vault's PKI role (`GET /v1/:mount/roles/:name`,
estra/upstream/vault.py), CFSSL's profile as `POST /api/v1/cfssl/info` reports it
(estra/upstream/cfssl.py) and EJBCA's certificate profile
(`GET /v2/certificate/profile/{name}`, estra/upstream/ejbca.py) and an AD CS
template as the operator exported it with `certutil -v -dstemplate NAME`
(`template_file`, estra/upstream/adcs.py: its rules live in Active Directory,
which an RA in a DMZ should not bind to; docs/upstreams/adcs.rst).
An upstream reads its terms again after `[ca] sync_seconds` (`TermsCache`).
"""

from __future__ import annotations

import fnmatch
import ipaddress
from typing import Any, Awaitable, Callable, Mapping, Sequence

from attrs import define, evolve, field, frozen
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from twisted.logger import Logger

from estra.asn1 import wire
from estra.config import Profile
from estra.errors import EstError

__all__ = ["IssuingTerms", "TermsCache", "from_vault_role", "from_cfssl_info",
           "from_ejbca_profile", "ejbca_ca_refusal", "from_adcs_template", "adcs_notes"]

log = Logger()

_CURVE_BITS = {224: "secp224r1", 256: "secp256r1", 384: "secp384r1", 521: "secp521r1"}


@frozen
class IssuingTerms:
    """The CA's own rules; None (or empty) where it sets none."""

    source: str                                   # e.g. "Vault role device"
    key_type: str | None = None                   # rsa | ec | ed25519; None: any
    key_bits: int = 0                             # rsa: at least; ec: the curve's size
    # several key types, and the exact sizes (RSA modulus, EC curve) signed (EJBCA)
    key_types: tuple[str, ...] | None = None      # None: key_type says
    key_sizes: tuple[int, ...] | None = None      # None: any size
    curves: tuple[str, ...] | None = None         # EC curves when named; None: by size
    types_setting: str = "key_type"               # the CA's names for those settings
    sizes_setting: str = "key_bits"
    # the CA's own words for a too short RSA key ("" : estra's), and its setting's name
    key_bits_refusal: str = ""
    # extended key usages (dotted OIDs) the CA puts in its certificates; None: unsaid
    usages: tuple[str, ...] | None = None
    usages_setting: str = "usages"
    # key usage names (x509.KeyUsage's attributes) the CA puts in; None: unsaid
    key_usages: tuple[str, ...] | None = None
    domains: tuple[str, ...] | None = None        # None: any DNS name
    subdomains: bool = False
    bare_domains: bool = False
    globs: bool = False
    ip_sans: bool = True
    require_cn: bool = False
    localhost: bool = True
    # why the CA refuses every request of the RA's (its own setup): 502 up front
    blocked: str | None = None

    def narrowed(self, profile: Profile) -> Profile:
        """`profile` with only the keys the CA signs (what /csrattrs then asks for)."""
        if self.key_types is not None:
            return self._narrowed_to_types(profile)
        if self.key_type is None and self.key_bits and "rsa" in profile.key_types:
            return evolve(profile, min_rsa_bits=max(profile.min_rsa_bits, self.key_bits))
        if self.key_type is None or self.key_type not in profile.key_types:
            return profile
        changes: dict[str, Any] = {"key_types": (self.key_type,)}
        if self.key_type == "rsa" and self.key_bits:
            changes["min_rsa_bits"] = max(profile.min_rsa_bits, self.key_bits)
        if self.key_type == "ec" and self.key_bits in _CURVE_BITS and \
                _CURVE_BITS[self.key_bits] in profile.curves:
            changes["curves"] = (_CURVE_BITS[self.key_bits],)
        return evolve(profile, **changes)

    def _narrowed_to_types(self, profile: Profile) -> Profile:
        kinds = tuple(k for k in profile.key_types if k in (self.key_types or ()))
        if not kinds:
            return profile              # nothing in common: the policy refuses for itself
        changes: dict[str, Any] = {"key_types": kinds}
        sizes = self.key_sizes or ()
        rsa_sizes = [b for b in sizes if b >= 1024]
        if rsa_sizes:
            changes["min_rsa_bits"] = max(profile.min_rsa_bits, min(rsa_sizes))
        curves = tuple(c for b, c in _CURVE_BITS.items() if c in profile.curves and (
            c in self.curves if self.curves is not None else b in sizes))
        if (sizes or self.curves is not None) and curves:
            changes["curves"] = curves
        return evolve(profile, **changes)

    def asked_usages(self) -> tuple[str, ...]:
        """The extended key usages (dotted OIDs) /csrattrs asks a CSR to carry: those the
        CA puts in its certificates, when it names them (not anyExtendedKeyUsage)."""
        if not self.usages or ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE.dotted_string \
                in self.usages:
            return ()
        return self.usages

    def refusal(self, csr: x509.CertificateSigningRequest) -> str | None:
        """Why the CA would refuse `csr` (naming its setting), or None."""
        return self._key_refusal(wire.csr_public_key(csr)) or self._name_refusal(csr) \
            or self._usage_refusal(csr) or self._key_usage_refusal(csr)

    def _key_refusal(self, key: Any) -> str | None:
        kind = ("rsa" if isinstance(key, rsa.RSAPublicKey) else
                "ec" if isinstance(key, ec.EllipticCurvePublicKey) else
                "ed25519" if isinstance(key, ed25519.Ed25519PublicKey) else
                "ed448" if isinstance(key, ed448.Ed448PublicKey) else "other")
        if self.key_types is not None:
            return self._listed_key_refusal(kind, key)
        if self.key_type is not None and kind != self.key_type:
            return f"{self.source} signs only key_type {self.key_type}, not {kind}"
        if kind == "rsa" and self.key_bits and key.key_size < self.key_bits and \
                self.key_bits_refusal:
            return f"{self.source}: {self.key_bits_refusal}, not {key.key_size}"
        if kind == "rsa" and self.key_bits and key.key_size < self.key_bits:
            return f"{self.source} needs RSA keys of key_bits {self.key_bits} or more, " \
                   f"not {key.key_size}"
        if kind == "ec" and self.key_type == "ec" and self.key_bits and \
                key.curve.key_size != self.key_bits:
            return f"{self.source} signs only P-{self.key_bits} keys (key_bits), not " \
                   f"{key.curve.name}"
        return None

    def _listed_key_refusal(self, kind: str, key: Any) -> str | None:
        if kind not in (self.key_types or ()):
            return f"{self.source} signs only {self.types_setting} " \
                   f"{', '.join(self.key_types or ()) or 'none'}, not {kind}"
        if kind == "ec" and self.curves is not None:
            if key.curve.name in self.curves:
                return None
            return f"{self.source} signs only available_ecdsa_curves " \
                   f"{', '.join(self.curves) or 'none'}, not {key.curve.name}"
        size = key.key_size if kind == "rsa" else key.curve.key_size if kind == "ec" else 0
        if size and self.key_sizes is not None and size not in self.key_sizes:
            return f"{self.source} signs only {self.sizes_setting} " \
                   f"{', '.join(map(str, self.key_sizes)) or 'none'}, not {size}"
        return None

    def _usage_refusal(self, csr: x509.CertificateSigningRequest) -> str | None:
        """A CSR asking for an extended key usage the CA does not put in: the CA
        would sign it without that usage, and the device would be left with a
        certificate that does not do what it asked for."""
        if self.usages is None or ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE.dotted_string \
                in self.usages:
            return None
        try:
            asked = csr.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            return None
        missing = [u.dotted_string for u in asked if u.dotted_string not in self.usages]
        if not missing:
            return None
        return f"{self.source} puts only the extended key usages " \
               f"{', '.join(_usage_name(u) for u in self.usages) or 'none'} in its " \
               f"certificates ({self.usages_setting}), not {_usage_name(missing[0])}"

    def _key_usage_refusal(self, csr: x509.CertificateSigningRequest) -> str | None:
        """A CSR asking for a key usage the CA does not put in (it puts its own)."""
        if self.key_usages is None:
            return None
        try:
            asked = csr.extensions.get_extension_for_class(x509.KeyUsage).value
        except x509.ExtensionNotFound:
            return None
        agreement = asked.key_agreement
        missing = [u for u in _KEY_USAGES if (agreement or u not in (
            "encipher_only", "decipher_only")) and getattr(asked, u) and
            u not in self.key_usages]
        if not missing:
            return None
        return f"{self.source} puts only the key usages " \
               f"{', '.join(self.key_usages) or 'none'} in its certificates (pKIKeyUsage), " \
               f"not {missing[0]}"

    def _name_refusal(self, csr: x509.CertificateSigningRequest) -> str | None:
        names = [str(a.value) for a in csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
        if self.require_cn and not names:
            return f"{self.source} requires a common name (require_cn)"
        sans = wire.sans_of(csr)
        if not self.ip_sans and any(isinstance(n, x509.IPAddress) for n in sans):
            return f"{self.source} does not allow IP SANs (allow_ip_sans)"
        if self.domains is None:
            return None
        for name in names + [str(n.value) for n in sans if isinstance(n, x509.DNSName)]:
            if not self._allowed(name):
                return f"{self.source} does not allow the name {name!r} (allowed_domains " \
                       f"{', '.join(self.domains) or 'none'})"
        return None

    def _allowed(self, name: str) -> bool:
        name = name.lower().rstrip(".")
        if self.localhost and name == "localhost":
            return True
        try:
            ipaddress.ip_address(name)
            return self.ip_sans                    # Vault takes an IP common name as an IP SAN
        except ValueError:
            pass
        for domain in (d.lower().rstrip(".") for d in self.domains or ()):
            if self.bare_domains and name == domain:
                return True
            if self.subdomains and name.endswith("." + domain.lstrip("*.")):
                return True
            if self.globs and ("*" in domain or "?" in domain) and \
                    fnmatch.fnmatchcase(name, domain):
                return True
        return False


def from_vault_role(role: str, data: Mapping[str, Any]) -> IssuingTerms:
    """The terms of a Vault PKI role, as `GET /v1/:mount/roles/:name` returns its
    `data` (Vault's documented fields; where one is missing, the value that refuses
    nothing unless Vault's default is known: rsa key_bits 2048, allow_ip_sans,
    allow_localhost and require_cn true)."""
    key_type = str(data.get("key_type") or "any")     # Vault always says; unsaid: any
    bits = data.get("key_bits")
    key_bits = bits if isinstance(bits, int) and not isinstance(bits, bool) else 0
    if key_type == "rsa" and not key_bits:
        key_bits = 2048
    any_name = data.get("allow_any_name") is True
    domains = data.get("allowed_domains") or []
    if isinstance(domains, str):
        domains = [d.strip() for d in domains.split(",") if d.strip()]
    return IssuingTerms(
        source=f"Vault role {role}",
        key_type=None if key_type == "any" else key_type,
        key_bits=0 if key_type in ("any", "ed25519") else key_bits,
        domains=None if any_name else tuple(str(d) for d in domains),
        subdomains=data.get("allow_subdomains") is True,
        bare_domains=data.get("allow_bare_domains") is True,
        globs=data.get("allow_glob_domains") is True,
        ip_sans=data.get("allow_ip_sans", True) is not False,
        localhost=data.get("allow_localhost", True) is not False,
        require_cn=data.get("require_cn", True) is not False
        and data.get("use_csr_common_name", True) is not False)


#: CFSSL's extended key usage names (cfssl config.ExtKeyUsage) -> dotted OIDs
CFSSL_USAGES = {
    "any": "2.5.29.37.0", "server auth": "1.3.6.1.5.5.7.3.1",
    "client auth": "1.3.6.1.5.5.7.3.2", "code signing": "1.3.6.1.5.5.7.3.3",
    "email protection": "1.3.6.1.5.5.7.3.4", "s/mime": "1.3.6.1.5.5.7.3.4",
    "ipsec end system": "1.3.6.1.5.5.7.3.5", "ipsec tunnel": "1.3.6.1.5.5.7.3.6",
    "ipsec user": "1.3.6.1.5.5.7.3.7", "timestamping": "1.3.6.1.5.5.7.3.8",
    "ocsp signing": "1.3.6.1.5.5.7.3.9", "microsoft sgc": "1.3.6.1.4.1.311.10.3.3",
    "netscape sgc": "2.16.840.1.113730.4.1"}


def _usage_name(oid: str) -> str:
    names = {v: k for k, v in reversed(CFSSL_USAGES.items())}
    return names.get(oid, oid)


def from_cfssl_info(profile: str, result: Mapping[str, Any]) -> IssuingTerms:
    """The terms of a CFSSL signing profile, as `POST /api/v1/cfssl/info` with
    {profile} reports them in `result`: its `usages` (key usage names, ignored,
    and extended key usage names). CFSSL does not copy a CSR's extended key
    usages: the profile's are what the certificate gets. The rest of a profile
    (name_whitelist, ca_constraint) is not reported: CFSSL refuses those itself."""
    usages = result.get("usages")
    if not isinstance(usages, list):
        return IssuingTerms(source=f"CFSSL profile {profile}")
    return IssuingTerms(source=f"CFSSL profile {profile}", usages=tuple(
        CFSSL_USAGES[str(u)] for u in usages if str(u) in CFSSL_USAGES))


#: EJBCA's key algorithm names (AlgorithmConstants.KEYALGORITHM_*) -> estra's key types
EJBCA_KEY_TYPES = {"RSA": "rsa", "ECDSA": "ec", "EC": "ec", "Ed25519": "ed25519",
                   "Ed448": "ed448"}
#: EJBCA's names of a curve (any alias it lists) -> the name `cryptography` gives it
EJBCA_CURVES = {"prime256v1": "secp256r1", "P-256": "secp256r1", "P-384": "secp384r1",
                "P-521": "secp521r1"}


def from_ejbca_profile(profile: str, doc: Mapping[str, Any]) -> IssuingTerms:
    """The terms of an EJBCA certificate profile, as REST v2 `GET
    /v2/certificate/profile/{name}` reports them: `available_key_algs` (other
    algorithms than RSA, ECDSA, EdDSA are kept by name: no CSR of estra's has them),
    `available_bit_lenghts` (sic), which EJBCA checks an RSA modulus against, and
    an EC key's size when `available_ecdsa_curves` is ["ANY_EC_CURVE"]; else the
    curve must be listed. EJBCA reports [0] as the bit lengths when they do not
    apply, and "No ECDSA curves available." without ECDSA."""
    algs = doc.get("available_key_algs")
    bits = doc.get("available_bit_lenghts")
    sizes = tuple(b for b in bits if isinstance(b, int) and not isinstance(b, bool) and b) \
        if isinstance(bits, list) else ()
    named = doc.get("available_ecdsa_curves")
    curves = None if not isinstance(named, list) or "ANY_EC_CURVE" in named else \
        tuple(EJBCA_CURVES.get(str(c), str(c)) for c in named
              if str(c) != "No ECDSA curves available.")
    return IssuingTerms(
        source=f"EJBCA certificate profile {profile}",
        key_types=tuple(EJBCA_KEY_TYPES.get(str(a), str(a)) for a in algs)
        if isinstance(algs, list) and algs else None,
        key_sizes=sizes or None, curves=curves,
        types_setting="available_key_algs", sizes_setting="available_bit_lenghts")


#: how EJBCA's REST API may name "any CA" (SecConst.ALLCAS) in a profile's available_cas
EJBCA_ANY_CA = frozenset({"ANY_CA", "ANYCA", "Any CA", "1"})


def ejbca_ca_refusal(profile: str, ca_name: str, doc: Mapping[str, Any]) -> str | None:
    """Why EJBCA refuses every enrollment to CA `ca_name` under the end entity profile
    `profile` that REST v2 `GET /v2/endentity/profile/{name}` describes in `doc`: the CA
    is not among its `available_cas` (EJBCA: "Couldn't find CA (id) among End Entity
    Profiles Available CAs."); None when it is, or when the profile does not say."""
    cas = doc.get("available_cas")
    if not isinstance(cas, list) or not cas:
        return None
    names = [str(c.get("name", c.get("id", c)) if isinstance(c, dict) else c) for c in cas]
    if ca_name in names or EJBCA_ANY_CA & set(names):
        return None
    return f"EJBCA end entity profile {profile} does not list CA {ca_name!r} in its " \
           f"available_cas ({', '.join(names)}): EJBCA refuses every enrollment; add the " \
           "CA to the profile or set ca_name to one of them"


#: x509.KeyUsage's attributes in bit order (RFC 5280 4.2.1.3): pKIKeyUsage's bytes
_KEY_USAGES = ("digital_signature", "content_commitment", "key_encipherment",
               "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign",
               "encipher_only", "decipher_only")
#: [MS-CRTD] 2.26 msPKI-Enrollment-Flag, 2.28 msPKI-Certificate-Name-Flag
CT_FLAG_PEND_ALL_REQUESTS = 0x2
CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT = 0x1
CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME = 0x00010000
#: what AD CS says for CERTSRV_E_KEY_LENGTH (0x80094811)
ADCS_KEY_LENGTH = "The public key does not meet the minimum size required by the " \
                  "specified certificate template"


def _adcs_number(attributes: Mapping[str, Sequence[str]], key: str) -> int:
    """A DWORD attribute (certutil prints it in signed decimal); 0 when absent."""
    values = attributes.get(key) or ()
    try:
        return int(values[0]) & 0xFFFFFFFF if values else 0
    except ValueError:
        return 0


def from_adcs_template(name: str, attributes: Mapping[str, Sequence[str]]) -> IssuingTerms:
    """The terms of an AD CS certificate template from its attributes ([MS-CRTD] 2.x,
    as `certutil -v -dstemplate` prints them, estra.upstream.certutil): the minimum
    RSA key size (msPKI-Minimal-Key-Size, refused with AD CS's CERTSRV_E_KEY_LENGTH
    text), the extended key usages (msPKI-Certificate-Application-Policy, which
    AD CS puts in a version 2+ template's certificates, else pKIExtendedKeyUsage;
    none: any purpose), the key usage (pKIKeyUsage, hex bytes), and whether a
    request needs enrollment agent signatures (msPKI-RA-Signature > 0: estra's
    certsrv requests carry none, so the CA refuses each: `blocked`)."""
    source = f"AD CS template {name}"
    bits = _adcs_number(attributes, "msPKI-Minimal-Key-Size")
    policies = [v for v in attributes.get("msPKI-Certificate-Application-Policy") or () if v]
    ekus = policies or [v for v in attributes.get("pKIExtendedKeyUsage") or () if v]
    signatures = _adcs_number(attributes, "msPKI-RA-Signature")
    return IssuingTerms(
        source=source, key_bits=bits,
        key_bits_refusal=f"{ADCS_KEY_LENGTH} (CERTSRV_E_KEY_LENGTH: msPKI-Minimal-Key-"
                         f"Size {bits})" if bits else "",
        usages=tuple(ekus) or None,
        usages_setting="msPKI-Certificate-Application-Policy" if policies
        else "pKIExtendedKeyUsage",
        key_usages=_adcs_key_usages(attributes.get("pKIKeyUsage")),
        blocked=f"{source} needs {signatures} enrollment agent signature(s) "
                "(msPKI-RA-Signature): estra's certsrv requests carry none and AD CS "
                "refuses every one" if signatures else None)


def _adcs_key_usages(values: Sequence[str] | None) -> tuple[str, ...] | None:
    """pKIKeyUsage ("a0 00": the KeyUsage BIT STRING's bytes) as x509.KeyUsage names."""
    try:
        octets = bytes.fromhex("".join(values or ()))
    except ValueError:
        return None
    if not octets:
        return None
    bits = int.from_bytes(octets[:2].ljust(2, b"\0"), "big")
    return tuple(u for i, u in enumerate(_KEY_USAGES) if bits & (0x8000 >> i))


def adcs_notes(name: str, attributes: Mapping[str, Sequence[str]]) -> list[str]:
    """What an AD CS template does that estra does not refuse, one line each: a
    subject built from Active Directory ([MS-WCCE] 3.2.2.6.2.1.4.5.9: without
    CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT the CA ignores the request's subject and takes
    the requester's, and the requester is the RA's account), every request held for
    a CA manager (CT_FLAG_PEND_ALL_REQUESTS: estra's pending relay answers 202)."""
    notes = []
    names = _adcs_number(attributes, "msPKI-Certificate-Name-Flag")
    if not names & CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT:
        what = "subject" if names & CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME else \
            "subject and alternative names"
        notes.append(f"AD CS template {name} builds the certificate's {what} from the "
                     "requester's Active Directory object, the RA's account "
                     "(msPKI-Certificate-Name-Flag without CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT): "
                     "what devices ask for there is not certified")
    if _adcs_number(attributes, "msPKI-Enrollment-Flag") & CT_FLAG_PEND_ALL_REQUESTS:
        notes.append(f"AD CS template {name} holds every request for a CA manager "
                     "(CT_FLAG_PEND_ALL_REQUESTS): devices are answered 202 with "
                     "Retry-After until it is issued")
    return notes


@define
class TermsCache:
    """An upstream's `IssuingTerms`, read by `read` and kept `max_age` seconds (the
    upstream sync interval, `[ca] sync_seconds`). A failed read keeps the last terms
    another `max_age` (and is logged once); with none yet the answer is None (the CA
    answers for itself) and the next request reads again."""

    name: str
    read: Callable[[], Awaitable[IssuingTerms]]
    clock: Callable[[], float]
    max_age: float
    _cached: tuple[float, IssuingTerms] | None = field(default=None, init=False)

    async def get(self) -> IssuingTerms | None:
        now = self.clock()
        if self._cached is not None and now - self._cached[0] < self.max_age:
            return self._cached[1]
        try:
            terms = await self.read()
        except EstError as e:
            log.warn("upstream {name}: its issuing profile could not be read ({reason})",
                     name=self.name, reason=e.reason)
            if self._cached is None:
                return None
            self._cached = (now, self._cached[1])   # the last terms: tried again after max_age
            return self._cached[1]
        self._cached = (now, terms)
        return terms
