"""The seams between estra's stages."""

from __future__ import annotations

from zope.interface import Interface


class ICertificateAuthority(Interface):
    """Something that issues certificates: the embedded CA or an upstream one.

    Optional methods a provider may add, looked up with getattr:
    `csrattrs() -> bytes | None` (the CA's own /csrattrs), `serverkeygen(csr)`
    (the CA makes the key; EST upstreams), `close()` (its connection pool),
    `health() -> str` (raise an EstError when unhealthy; without it,
    fetching `cacerts()` is the health check), and `revoke(serial, cert,
    reason) -> str` (forward an operator's revocation; `cert` may be None,
    `reason` an RFC 5280 name; estra/revocation.py).
    """

    async def cacerts() -> list:  # type: ignore[misc]
        """The CA certificates devices should trust (root last)."""

    async def enroll(csr, identity, profile) -> list:  # type: ignore[misc]
        """Issue a certificate for `csr`; returns the issued cert then its chain."""

    async def reenroll(csr, identity, profile) -> list:  # type: ignore[misc]
        """Renew or rekey the certificate `identity` authenticated with."""
