"""The seams between estra's stages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from attrs import frozen
from cryptography import x509
from twisted.internet.interfaces import (IReactorCore, IReactorFDSet, IReactorFromThreads,
                                         IReactorPluggableNameResolver, IReactorProcess,
                                         IReactorSocket, IReactorTCP, IReactorTime)
from zope.interface import Interface

if TYPE_CHECKING:
    from estra.config import Profile
    from estra.upstream.issuingterms import IssuingTerms

__all__ = ["IEstraReactor", "installed_reactor", "ICertificateAuthority", "IClosable",
           "IRevoker", "IHealthChecked", "ICsrAttrsSource", "IIssuingTerms", "IServerKeyGen",
           "IFullCmc", "IRequestedLifetime", "Reply"]


class IEstraReactor(IReactorCore, IReactorTime, IReactorTCP, IReactorPluggableNameResolver,
                    IReactorFromThreads, IReactorFDSet, IReactorSocket, IReactorProcess):
    """The reactor estra runs on, as one type (treq's `_ITreqReactor` does the same):
    start-up and shutdown triggers, time, TCP and name resolution for upstreams,
    answers from the store's and the password checks' threads, the workers' control
    pipe (FD set), adopted sockets and spawned worker processes.  Code that takes a
    reactor takes this, so mypy checks every call on it; code that only tells time
    takes `IReactorTime`."""


def installed_reactor() -> IEstraReactor:
    """Twisted's global reactor (installed by twistd or at first import), typed."""
    from twisted.internet import reactor
    return cast(IEstraReactor, reactor)


@frozen
class Reply:
    """A whole response of a CA reached over HTTP, as `IServerKeyGen` and `IFullCmc`
    return it for the RA to pass on."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class ICertificateAuthority(Interface):
    """Something that issues certificates: the embedded CA or an upstream one.

    What only some CAs can do is a separate interface below, checked with
    `providedBy` (never `getattr`): a new capability is a new interface.
    """

    async def cacerts() -> list[x509.Certificate]:
        """The CA certificates devices should trust (root last)."""

    async def enroll(csr: x509.CertificateSigningRequest, identity: object,
                     profile: Profile) -> list[x509.Certificate]:
        """Issue a certificate for `csr`; returns the issued cert then its chain."""

    async def reenroll(csr: x509.CertificateSigningRequest, identity: object,
                       profile: Profile) -> list[x509.Certificate]:
        """Renew or rekey the certificate `identity` authenticated with."""


class IClosable(Interface):
    """A CA holding connections (a pool) to close when its configuration goes."""

    async def close() -> None:
        """Close the CA's connections."""


class IRevoker(Interface):
    """A CA with an API to forward an operator's revocation to (estra/ca/revocation.py)."""

    async def revoke(serial: int, cert: x509.Certificate | None, reason: str) -> str:
        """Revoke `serial` (`cert` may be None; `reason` an RFC 5280 name); what the CA
        said; raises an EstError when it refused."""


class IHealthChecked(Interface):
    """A CA with an authenticated health check of its own (without it, fetching
    `cacerts()` is the check): /healthz, the console, `estra upstreams check`."""

    async def health() -> str:
        """A one-line status; raises the EstError the CA's failure maps to."""


class ICsrAttrsSource(Interface):
    """A CA that says itself what its requests should carry (RFC 7030 /csrattrs)."""

    async def csrattrs() -> bytes | None:
        """DER CsrAttrs, or None when the CA has none (204)."""


class IIssuingTerms(Interface):
    """A CA that describes what it will issue (estra/upstream/issuingterms.py): the RA derives
    /csrattrs from it and refuses up front what the CA would refuse."""

    async def issuing_terms() -> IssuingTerms | None:
        """The CA's current `IssuingTerms` (read again after `[ca] sync_seconds`),
        or None when it cannot say."""


class IRequestedLifetime(Interface):
    """A CA that issues for the lifetime the RA asks (`Profile.requested_lifetime`,
    seconds: a SCEP certificate shortened so its device renews inside its renewal
    window, estra/ra/renewal.py); the others' certificates live as the CA decides."""

    def lifetime_limit() -> float | None:
        """The longest lifetime in seconds the CA grants from now, None when it does
        not say (it may still cap what is asked, as a Vault role's max_ttl does)."""


class IServerKeyGen(Interface):
    """A CA that generates the key (EST serverkeygen relayed upstream)."""

    async def serverkeygen(csr: x509.CertificateSigningRequest) -> Reply:
        """The CA's multipart answer (`Reply`) for `csr`."""


class IFullCmc(Interface):
    """A CA that takes Full PKI Requests itself (EST fullcmc relayed upstream)."""

    async def fullcmc(request: bytes) -> Reply:
        """The CA's answer (`Reply`) to the DER PKIData `request`."""
