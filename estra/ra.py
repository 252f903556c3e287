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
        """The CA a profile names (`cas` maps upstream names to CAs)."""
        return self._cas[profile.upstream]

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

    async def csrattrs(self, profile: Profile) -> bytes | None:
        """DER CsrAttrs: the profile's, else the upstream's; None means 204."""
        if profile.csrattrs:
            return wire.csrattrs_der((a.oid, a.values) for a in profile.csrattrs)
        upstream = getattr(self.ca_for(profile), "csrattrs", None)
        if upstream is None:
            return None
        der: bytes | None = await upstream()
        return der
