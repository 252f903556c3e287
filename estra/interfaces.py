"""The seams between estra's stages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cryptography import x509
from zope.interface import Interface

if TYPE_CHECKING:
    from estra.config import Profile
    from estra.upstream.http import Reply

__all__ = ["ICertificateAuthority", "IClosable", "IRevoker", "IHealthChecked",
           "ICsrAttrsSource", "IServerKeyGen", "IFullCmc"]


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
    """A CA with an API to forward an operator's revocation to (estra/revocation.py)."""

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


class IServerKeyGen(Interface):
    """A CA that generates the key (EST serverkeygen relayed upstream)."""

    async def serverkeygen(csr: x509.CertificateSigningRequest) -> Reply:
        """The CA's multipart answer (estra.upstream.http.Reply) for `csr`."""


class IFullCmc(Interface):
    """A CA that takes Full PKI Requests itself (EST fullcmc relayed upstream)."""

    async def fullcmc(request: bytes) -> Reply:
        """The CA's answer (estra.upstream.http.Reply) to the DER PKIData `request`."""
