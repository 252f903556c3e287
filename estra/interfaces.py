"""The seams between estra's stages."""

from __future__ import annotations

from typing import Mapping

from attrs import frozen
from zope.interface import Interface

__all__ = ["ICertificateAuthority", "IClosable", "IRevoker", "IHealthChecked",
           "ICsrAttrsSource", "IServerKeyGen", "IFullCmc", "Reply"]


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

    async def cacerts() -> list:  # type: ignore[misc]
        """The CA certificates devices should trust (root last)."""

    async def enroll(csr, identity, profile) -> list:  # type: ignore[misc]
        """Issue a certificate for `csr`; returns the issued cert then its chain."""

    async def reenroll(csr, identity, profile) -> list:  # type: ignore[misc]
        """Renew or rekey the certificate `identity` authenticated with."""


class IClosable(Interface):
    """A CA holding connections (a pool) to close when its configuration goes."""

    async def close() -> None:  # type: ignore[misc]
        """Close the CA's connections."""


class IRevoker(Interface):
    """A CA with an API to forward an operator's revocation to (estra/revocation.py)."""

    async def revoke(serial, cert, reason) -> str:  # type: ignore[misc]
        """Revoke `serial` (`cert` may be None; `reason` an RFC 5280 name); what the CA
        said; raises an EstError when it refused."""


class IHealthChecked(Interface):
    """A CA with an authenticated health check of its own (without it, fetching
    `cacerts()` is the check): /healthz, the console, `estra upstreams check`."""

    async def health() -> str:  # type: ignore[misc]
        """A one-line status; raises the EstError the CA's failure maps to."""


class ICsrAttrsSource(Interface):
    """A CA that says itself what its requests should carry (RFC 7030 /csrattrs)."""

    async def csrattrs() -> bytes | None:  # type: ignore[misc]
        """DER CsrAttrs, or None when the CA has none (204)."""


class IServerKeyGen(Interface):
    """A CA that generates the key (EST serverkeygen relayed upstream)."""

    async def serverkeygen(csr):  # type: ignore[misc, no-untyped-def]
        """The CA's multipart answer (`Reply`) for `csr`."""


class IFullCmc(Interface):
    """A CA that takes Full PKI Requests itself (EST fullcmc relayed upstream)."""

    async def fullcmc(request):  # type: ignore[misc, no-untyped-def]
        """The CA's answer (`Reply`) to the DER PKIData `request`."""
