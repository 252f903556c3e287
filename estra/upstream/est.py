"""Another EST server as the CA (RFC 7030 3.7, the RA case).

The RA connects with its own client certificate (and optional Basic
credentials) and trusts only the configured anchor.  The upstream sees the
RA's TLS session, not the device's, so estra does the device-facing checks
(proof of possession, channel binding, re-enrollment subject/SAN) itself and
forwards under its own identity.  The upstream must trust the RA's
certificate for client authentication; an estra upstream treats a client
certificate carrying id-kp-cmcRA (made by `estra ra-cert` there) as an RA
whose requests it need not tie to the TLS identity.
"""

from __future__ import annotations

from typing import Any, Callable

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from twisted.logger import Logger
from twisted.python.filepath import FilePath
from zope.interface import implementer

from estra.upstream.client import EstClient
from estra.asn1 import cmc, wire
from estra import tokens
from estra.config import Profile, Upstream
from estra.interfaces import (ICertificateAuthority, IClosable, ICsrAttrsSource, IEstraReactor,
                              IFullCmc, IServerKeyGen, Reply)
from estra.upstream.anchors import LearnedAnchors, anchors_file
from estra.upstream.http import CachedCerts, UpstreamHTTP, http_for

__all__ = ["EstUpstream", "from_config"]

log = Logger(namespace="estra.upstream.est")


@implementer(ICertificateAuthority, IClosable, ICsrAttrsSource, IFullCmc, IServerKeyGen)
class EstUpstream:
    """Forwards enrollments to an EST server; caches its cacerts for `refresh` s."""

    def __init__(self, client: EstClient, clock: Callable[[], float], refresh: float,
                 ra_signer: tuple[Any, x509.Certificate] | None = None,
                 learned: LearnedAnchors | None = None) -> None:
        self.client, self.ra_signer, self.learned = client, ra_signer, learned
        self._cacerts = CachedCerts(client.http.name, self._fetch_cacerts, clock, refresh)

    async def _fetch_cacerts(self) -> list[x509.Certificate]:
        """The upstream's /cacerts; a new root its current one endorsed becomes trusted."""
        certs = await self.client.cacerts()
        if self.learned is not None:
            self.learned.take(certs)
        return certs

    async def cacerts(self) -> list[x509.Certificate]:
        return await self._cacerts.get()

    async def enroll(self, csr: x509.CertificateSigningRequest, identity: object,
                     profile: Profile) -> list[x509.Certificate]:
        return await self.client.enroll(wire.csr_der(csr))

    async def reenroll(self, csr: x509.CertificateSigningRequest, identity: object,
                       profile: Profile) -> list[x509.Certificate]:
        return await self.client.enroll(wire.csr_der(csr), reenroll=True)

    async def serverkeygen(self, csr: x509.CertificateSigningRequest) -> Reply:
        return await self.client.serverkeygen(wire.csr_der(csr))

    async def fullcmc(self, request: bytes) -> Reply:
        """Forward a device's Full PKI Request, wrapped and signed by the RA (RFC 5272 7)."""
        if self.ra_signer is not None:
            key, cert = self.ra_signer
            request = await tokens.with_key(key, lambda: cmc.wrap_request(request, key, cert))
        reply = await self.client.post("fullcmc", request,
                                       "application/pkcs7-mime; smime-type=CMC-request")
        self.client.check(reply)
        return reply

    async def csrattrs(self) -> bytes | None:
        return await self.client.csrattrs()

    async def close(self) -> None:
        await self.client.http.close()


def from_config(reactor: IEstraReactor, config: Upstream, clock: Callable[[], float],
                state_dir: FilePath | None = None) -> EstUpstream:
    """With `state_dir` and a `trust` anchor, the upstream's TLS trust follows its root
    rollovers (estra.upstream.anchors)."""
    http: UpstreamHTTP = http_for(reactor, config)
    learned = None
    if state_dir is not None and http.policy.anchors:
        learned = LearnedAnchors(config.name, http.policy, anchors_file(state_dir, config.name),
                                 clock)
    basic = (config.username, config.password) if config.username else None
    client = EstClient(http, config.url, config.options["label"], basic)
    signer = None
    if config.client_cert is not None and config.client_key is not None:
        key = serialization.load_pem_private_key(config.client_key.getContent(), None)
        signer = (key, x509.load_pem_x509_certificates(config.client_cert.getContent())[0])
    elif config.client_cert is not None and config.client_key_uri:
        signer = (tokens.open_key(config.client_key_uri, config.pkcs11),
                  x509.load_pem_x509_certificates(config.client_cert.getContent())[0])
    return EstUpstream(client, clock, config.options["cacerts_refresh"], signer, learned)
