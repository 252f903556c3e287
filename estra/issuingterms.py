"""What an upstream CA says it will issue, read from its own profile (issue #23, 3).

An upstream that describes its issuing profile provides `IIssuingTerms`
(estra/interfaces.py) and returns `IssuingTerms`: the key types and sizes it
signs and the names it certifies. The RA then

* derives `/csrattrs` (and its RFC 9908 template) from the profile narrowed to
  those terms (`narrowed`), so a device asks for what the CA will sign;
* refuses up front (403, rule `upstream-terms`) a request the CA would refuse
  later, naming the CA's setting (`refusal`), before any rate, code or approval
  is spent on it.

Today HashiCorp Vault's PKI role (`GET /v1/:mount/roles/:name`, estra/upstream/vault.py)
is read; AD CS templates, EJBCA profiles and CFSSL profiles are not yet.
"""

from __future__ import annotations

import fnmatch
import ipaddress
from typing import Any, Mapping

from attrs import evolve, frozen
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from estra import wire
from estra.config import Profile

__all__ = ["IssuingTerms", "from_vault_role"]

_CURVE_BITS = {224: "secp224r1", 256: "secp256r1", 384: "secp384r1", 521: "secp521r1"}


@frozen
class IssuingTerms:
    """The CA's own rules; None (or empty) where it sets none."""

    source: str                                   # e.g. "Vault role device"
    key_type: str | None = None                   # rsa | ec | ed25519; None: any
    key_bits: int = 0                             # rsa: at least; ec: the curve's size
    domains: tuple[str, ...] | None = None        # None: any DNS name
    subdomains: bool = False
    bare_domains: bool = False
    globs: bool = False
    ip_sans: bool = True
    require_cn: bool = False
    localhost: bool = True

    def narrowed(self, profile: Profile) -> Profile:
        """`profile` with only the keys the CA signs (what /csrattrs then asks for)."""
        if self.key_type is None or self.key_type not in profile.key_types:
            return profile
        changes: dict[str, Any] = {"key_types": (self.key_type,)}
        if self.key_type == "rsa" and self.key_bits:
            changes["min_rsa_bits"] = max(profile.min_rsa_bits, self.key_bits)
        if self.key_type == "ec" and self.key_bits in _CURVE_BITS and \
                _CURVE_BITS[self.key_bits] in profile.curves:
            changes["curves"] = (_CURVE_BITS[self.key_bits],)
        return evolve(profile, **changes)

    def refusal(self, csr: x509.CertificateSigningRequest) -> str | None:
        """Why the CA would refuse `csr` (naming its setting), or None."""
        return self._key_refusal(wire.csr_public_key(csr)) or self._name_refusal(csr)

    def _key_refusal(self, key: Any) -> str | None:
        kind = ("rsa" if isinstance(key, rsa.RSAPublicKey) else
                "ec" if isinstance(key, ec.EllipticCurvePublicKey) else
                "ed25519" if isinstance(key, ed25519.Ed25519PublicKey) else "other")
        if self.key_type is not None and kind != self.key_type:
            return f"{self.source} signs only key_type {self.key_type}, not {kind}"
        if kind == "rsa" and self.key_bits and key.key_size < self.key_bits:
            return f"{self.source} needs RSA keys of key_bits {self.key_bits} or more, " \
                   f"not {key.key_size}"
        if kind == "ec" and self.key_type == "ec" and self.key_bits and \
                key.curve.key_size != self.key_bits:
            return f"{self.source} signs only P-{self.key_bits} keys (key_bits), not " \
                   f"{key.curve.name}"
        return None

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
