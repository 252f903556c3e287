"""The one pipeline EST (and later SCEP) share: auth -> policy -> CA."""

from __future__ import annotations

from typing import Sequence

from cryptography import x509
from twisted.logger import Logger

from estra import wire
from estra.auth import Authenticator, Identity, Peer
from estra.config import Profile
from estra.interfaces import ICertificateAuthority
from estra.policy import Policy

__all__ = ["RegistrationAuthority"]

log = Logger()


class RegistrationAuthority:
    """Authenticate, judge, and have the CA issue; one instance per process."""

    def __init__(self, authenticator: Authenticator, policy: Policy,
                 cas: dict[str, ICertificateAuthority]) -> None:
        self.authenticator, self.policy, self._cas = authenticator, policy, cas

    def ca_for(self, profile: Profile) -> ICertificateAuthority:
        return self._cas.get(profile.name) or self._cas["default"]

    async def authenticate(self, peer: Peer, profile: Profile) -> Identity:
        return await self.authenticator.authenticate(peer, profile)

    async def enroll(self, operation: str, identity: Identity,
                     csr: x509.CertificateSigningRequest,
                     profile: Profile) -> Sequence[x509.Certificate]:
        """Check `csr` against the profile's policy, then have its CA issue."""
        self.policy.check(operation, identity, csr, profile)
        ca = self.ca_for(profile)
        if operation == "simplereenroll":
            certs = await ca.reenroll(csr, identity, profile)
        else:
            certs = await ca.enroll(csr, identity, profile)
        return list(certs)

    async def cacerts(self, profile: Profile) -> Sequence[x509.Certificate]:
        return list(await self.ca_for(profile).cacerts())

    def csrattrs(self, profile: Profile) -> bytes | None:
        """DER CsrAttrs for the profile, or None when it asks for nothing (204)."""
        if not profile.csrattrs:
            return None
        return wire.csrattrs_der((a.oid, a.values) for a in profile.csrattrs)
