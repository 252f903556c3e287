"""Windows HTTP authentication to an upstream (IIS): NTLM and Negotiate, with EPA.

NTLM and Negotiate (RFC 4559) authenticate the TCP connection, not a request:
the challenge legs and the request that rides on them must use one connection.
`ConnectionAuthAgent` is an IAgent that does the whole exchange itself, each on
a connection of its own *lane* (a key of its own in a persistent
`HTTPConnectionPool`, so no other request can take the connection between two
legs), and keeps the authenticated connection for the lane's next request (IIS
does not ask again on it).

Extended Protection for Authentication (on by default for AD CS from Windows
Server 2025): the client puts a channel binding token in its NTLM AUTHENTICATE
message or Kerberos authenticator; IIS refuses one that does not match its TLS
certificate.  The token is tls-server-end-point (RFC 5929): the hash of the
certificate the connection actually presented, read after the TLS handshake of
that very connection.

Library: pyspnego (PyPI, maintained by the Ansible/pywinrm/smbprotocol authors):
NTLM in pure Python, Kerberos through python-gssapi on MIT krb5, SPNEGO
wrapping, and channel bindings for both, on the client and the server side.
"""

from __future__ import annotations

import base64
from typing import Any, Callable

import spnego
import spnego.exceptions
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from spnego.channel_bindings import GssChannelBindings
from twisted.internet import error as net_error
from twisted.internet.defer import Deferred
from twisted.logger import Logger
from twisted.web._newclient import Request, ResponseNeverReceived
from twisted.web.client import URI, HTTPConnectionPool, readBody
from twisted.web.http_headers import Headers
from twisted.web.iweb import IAgent, IAgentEndpointFactory, IBodyProducer, IResponse
from weakref import WeakSet
from zope.interface import implementer

from estra.interfaces import IEstraReactor

__all__ = ["ConnectionAuthAgent", "HandshakeFailed", "tls_server_end_point", "SCHEMES"]

log = Logger()
#: auth setting -> (WWW-Authenticate scheme, pyspnego protocol)
SCHEMES = {"ntlm": ("NTLM", "ntlm"), "negotiate": ("Negotiate", "negotiate")}
_MAX_LEGS = 4        # anonymous, NEGOTIATE/AP-REQ, AUTHENTICATE, one spare


class _Stale(Exception):
    """A reused connection closed before any answer (the keep-alive race)."""


class HandshakeFailed(Exception):
    """The server broke an authentication handshake (closed the connection between
    legs, or sent a token the context refuses)."""


def tls_server_end_point(cert: x509.Certificate) -> bytes:
    """RFC 5929 tls-server-end-point application data for `cert`: the certificate's
    signature hash (SHA-256 where that is MD5, SHA-1 or none) over its DER."""
    algorithm = cert.signature_hash_algorithm
    if algorithm is None or isinstance(algorithm, (hashes.MD5, hashes.SHA1)):
        algorithm = hashes.SHA256()
    return b"tls-server-end-point:" + cert.fingerprint(algorithm)


#: Builds a client context for (host, channel bindings or None).
ContextFactory = Callable[[str, "GssChannelBindings | None"], Any]


@implementer(IAgent)
class ConnectionAuthAgent:
    """An IAgent that authenticates with `scheme` (NTLM or Negotiate) on a pinned,
    pooled connection; `context(host, bindings)` makes a pyspnego client context."""

    def __init__(self, reactor: IEstraReactor, endpoints: IAgentEndpointFactory, scheme: str,
                 context: ContextFactory, channel_binding: bool = True) -> None:
        self._endpoints, self.scheme, self._context = endpoints, scheme, context
        self._binding = channel_binding
        self.pool = HTTPConnectionPool(reactor, persistent=True)
        self.pool.maxPersistentPerHost = 1          # per lane
        self.pool.retryAutomatically = False
        self._free: list[int] = []
        self._lanes = 0
        self._used: WeakSet[Any] = WeakSet()

    def request(self, method: bytes, uri: bytes, headers: Headers | None = None,
                bodyProducer: IBodyProducer | None = None) -> Deferred[IResponse]:
        return Deferred.fromCoroutine(self._exchange(method, uri, headers or Headers(),
                                                     bodyProducer))

    def _lane(self) -> int:
        if self._free:
            return self._free.pop()
        self._lanes += 1
        return self._lanes

    async def _exchange(self, method: bytes, uri: bytes, headers: Headers,
                        body: IBodyProducer | None) -> IResponse:
        parsed = URI.fromBytes(uri)
        lanes = [self._lane()]
        try:
            try:
                return await self._on_lane(lanes[0], method, parsed, headers, body)
            except _Stale:              # once more, on a lane with a new connection
                self._lanes += 1
                lanes.append(self._lanes)
                return await self._on_lane(lanes[1], method, parsed, headers, body)
        except spnego.exceptions.SpnegoError as e:
            raise HandshakeFailed(f"{self.scheme} handshake failed: {e}") from e
        finally:
            self._free.extend(lanes)

    async def _on_lane(self, lane: int, method: bytes, uri: URI, headers: Headers,
                       body: IBodyProducer | None) -> IResponse:
        key = (uri.scheme, uri.host, uri.port, lane)
        endpoint = self._endpoints.endpointForURI(uri)
        headers = headers.copy()
        if not headers.hasHeader(b"host"):
            default = {b"http": 80, b"https": 443}.get(uri.scheme)
            headers.setRawHeaders(b"host", [uri.host if uri.port == default
                                            else b"%s:%d" % (uri.host, uri.port)])
        proto = await self.pool.getConnection(key, endpoint)
        response = await self._send(proto, method, uri, headers, body, retry_stale=True)
        context: Any = None
        for _ in range(_MAX_LEGS):
            if response.code != 401:
                break
            challenge = self._challenge(response)
            if challenge is None:                     # scheme not offered
                return response
            if context is None:
                context = self._context(uri.host.decode("ascii"), self._bindings(proto))
                token = context.step(None)
            elif challenge:
                token = context.step(challenge)
            else:                                     # bare scheme again: refused
                return response
            await readBody(response)                  # the connection back to its lane
            again = await self.pool.getConnection(key, endpoint)
            if again is not proto:
                raise HandshakeFailed(f"{self.scheme} handshake: the server closed the "
                                      "connection between two legs")
            sent = headers.copy()
            sent.setRawHeaders(b"authorization",
                               [f"{self.scheme} {base64.b64encode(token).decode()}".encode()])
            response = await self._send(proto, method, uri, sent, body, retry_stale=False)
        if context is not None and response.code != 401 and not context.complete:
            final = self._challenge(response)     # Kerberos mutual authentication
            if final:
                context.step(final)
        return response

    async def _send(self, proto: Any, method: bytes, uri: URI, headers: Headers,
                    body: IBodyProducer | None, retry_stale: bool) -> IResponse:
        reused = proto in self._used
        self._used.add(proto)
        try:
            response: IResponse = await proto.request(
                Request(method, uri.originForm, headers, body, persistent=True))
        except ResponseNeverReceived as e:
            # The keep-alive race (see estra.upstream.http): a reused connection the
            # server had closed, with no byte of answer: once more on a new one.
            if retry_stale and reused and \
                    all(f.check(net_error.ConnectionClosed) for f in e.reasons):
                raise _Stale() from e
            raise
        return response

    def _challenge(self, response: IResponse) -> bytes | None:
        """The server's token for our scheme (b"" for the bare scheme), None if the
        scheme is not offered."""
        for value in response.headers.getRawHeaders(b"www-authenticate", []):
            name, _, data = value.decode("latin-1").strip().partition(" ")
            if name.lower() == self.scheme.lower():
                try:
                    return base64.b64decode(data.strip(), validate=True) if data else b""
                except ValueError:
                    raise HandshakeFailed(f"{self.scheme} handshake: the server sent a "
                                          "token that is not base64") from None
        return None

    def _bindings(self, proto: Any) -> GssChannelBindings | None:
        """tls-server-end-point of the certificate this connection presented."""
        if not self._binding:
            return None
        peer = getattr(proto.transport, "getPeerCertificate", lambda: None)()
        if peer is None:                      # plain HTTP: nothing to bind to
            return None
        cert = peer.to_cryptography()
        return GssChannelBindings(application_data=tls_server_end_point(cert))

    async def close(self) -> None:
        await self.pool.closeCachedConnections()
