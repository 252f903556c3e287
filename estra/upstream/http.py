"""What every HTTP upstream shares: a pooled HTTP client, timeouts, retries, error mapping.

Connections persist (keep-alive, up to 16 idle per upstream) and the TLS
context for an upstream is built once, not per request: a pooled call costs a
fraction of a new TLS connection.  Requests go to twisted.web's Agent directly,
with the body written at once, not through treq's per-request wrapping (URL
re-parsing, cookie jar, content decoding) which the RA has no use for.

Retry rule: a request is retried (at most `retries` times) only when it
cannot have issued a certificate: idempotent GETs on any transport failure;
any request that was never sent (connection refused, or the pooled connection
found closed before the request was written); and a request on a reused
keep-alive connection that the upstream closed without a byte of answer (its
idle timeout racing our request, which curl and browsers repeat too).  Any
other POST that may have reached the CA (a timeout, a new connection closed
unanswered) is never repeated.

Mapping to the device: the upstream refusing a request (4xx) gives the same
4xx with the upstream's reason, except 401/403/407, which mean the RA's own
credentials are wrong (502: the operator must fix it); unreachable, TLS
failure or timeout gives 503 + Retry-After; a 5xx or an answer that cannot
be parsed gives 502.
"""

from __future__ import annotations

import json as _json
import time
from typing import Any, Awaitable, Callable, Mapping, Sequence
from weakref import WeakSet

from attrs import frozen
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from OpenSSL import SSL
from twisted.internet import error as net_error
from twisted.internet import ssl
from twisted.internet.abstract import isIPAddress, isIPv6Address
from twisted.internet.defer import CancelledError, Deferred, succeed
from twisted.internet.endpoints import (HostnameEndpoint, TCP4ClientEndpoint, TCP6ClientEndpoint,
                                        wrapClientTLS)
from twisted.internet.interfaces import IConsumer, IStreamClientEndpoint
from twisted.internet.protocol import Protocol
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web._newclient import RequestNotSent, RequestTransmissionFailed
from twisted.web.client import (URI, Agent, HTTPConnectionPool, RedirectAgent, ResponseDone,
                                ResponseNeverReceived)
from twisted.web.error import SchemeNotSupported
from twisted.web.http import PotentialDataLoss
from twisted.web.http_headers import Headers
from twisted.web.iweb import (IAgent, IAgentEndpointFactory, IBodyProducer, IPolicyForHTTPS,
                              IResponse)
from zope.interface import implementer

from estra.errors import BadUpstream, EstError, UpstreamUnavailable
from estra.metrics import observe_upstream

__all__ = ["UpstreamHTTP", "Reply", "ClientTLSPolicy", "Refused", "http_for", "CachedCerts"]

log = Logger()
_RA_CREDENTIALS = (401, 403, 407)


class Refused(EstError):
    """The upstream CA refused the request; the device gets its status and reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@frozen
class Reply:
    """A whole upstream response."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@implementer(IPolicyForHTTPS)
class ClientTLSPolicy:
    """Client TLS to an upstream: only the configured anchors, optional client cert."""

    def __init__(self, trust: Sequence[x509.Certificate] | None,
                 client: tuple[x509.Certificate, Any] | None = None) -> None:
        self.anchors = list(trust or ())     # empty: the system's default trust store
        self._trust: Any = None
        self.add_anchors([])
        self._client = None
        if client is not None:
            cert, key = client
            pem = cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption())
            self._client = ssl.PrivateCertificate.loadPEM(pem)

    def add_anchors(self, certs: Sequence[x509.Certificate]) -> None:
        """Trust `certs` too, from the next connection on (an upstream's new root)."""
        self.anchors.extend(certs)
        self._trust = (ssl.trustRootFromCertificates(
            [ssl.Certificate.loadPEM(c.public_bytes(serialization.Encoding.PEM))
             for c in self.anchors]) if self.anchors else None)

    def creatorForNetloc(self, hostname: bytes, port: int) -> Any:
        kwargs: dict[str, Any] = {}
        if self._trust is not None:
            kwargs["trustRoot"] = self._trust
        if self._client is not None:
            kwargs["clientCertificate"] = self._client
        return ssl.optionsForClientTLS(hostname.decode("ascii"), **kwargs)


class UpstreamHTTP:
    """A persistent connection pool to one upstream, with estra's failure rules."""

    def __init__(self, reactor: Any, kind: str, name: str, policy: ClientTLSPolicy,
                 timeout: float = 30, connect_timeout: float = 10, retries: int = 2,
                 retry_after: int = 30,
                 agent: Callable[[Any, IAgentEndpointFactory], IAgent] | None = None) -> None:
        self._reactor, self.kind, self.name = reactor, kind, name
        self.timeout, self.retries, self.retry_after = timeout, retries, retry_after
        self.pool, self.policy = _Pool(reactor), policy
        endpoints = _Endpoints(reactor, policy, connect_timeout)
        self._agent: IAgent = RedirectAgent(Agent.usingEndpointFactory(
            reactor, endpoints, pool=self.pool))
        if agent is not None:   # an agent of its own on the same endpoints (estra.upstream.winauth)
            self._agent = agent(reactor, endpoints)

    async def request(self, method: str, url: str, *, headers: Mapping[str, str] | None = None,
                      data: bytes | None = None, json: Any = None) -> Reply:
        """Send once (or retry where safe); raise the device-facing error on failure."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._once(method, url, headers, data, json)
            except _Retryable as e:
                if attempt > self.retries or not (method == "GET" or e.unsent):
                    raise UpstreamUnavailable(str(e), self.retry_after) from None

    async def _once(self, method: str, url: str, headers: Mapping[str, str] | None,
                    data: bytes | None, json: Any) -> Reply:
        started = time.monotonic()
        status: int | str = "failed"
        try:
            sent = Headers({k: [v] for k, v in (headers or {}).items()})
            if json is not None:
                data = _json.dumps(json).encode()
                sent.setRawHeaders("Content-Type", ["application/json"])
            d = self._agent.request(method.encode("ascii"), url.encode("ascii"), sent,
                                    None if data is None else _Body(data))
            d.addTimeout(self.timeout, self._reactor, onTimeoutCancel=self._timed_out)
            response = await d
            status = response.code
            body_d = _Collect.body(response)
            body_d.addTimeout(max(0.1, self.timeout - (time.monotonic() - started)),
                              self._reactor, onTimeoutCancel=self._timed_out)
            body: bytes = await body_d
        except (TimeoutError, CancelledError, net_error.TimeoutError) as e:
            status = "timeout"
            raise _Retryable(f"upstream {self.name} did not answer within "
                             f"{self.timeout:g} s") from e
        except net_error.ConnectionRefusedError as e:
            raise _Retryable(f"upstream {self.name} refused the connection", unsent=True) from e
        except RequestNotSent as e:
            raise _Retryable(f"upstream {self.name}: connection closed before the request "
                             "was sent", unsent=True) from e
        except (net_error.ConnectError, net_error.DNSLookupError) as e:
            raise _Retryable(f"upstream {self.name} unreachable: {e.__class__.__name__}") from e
        except (ResponseNeverReceived, RequestTransmissionFailed) as e:
            tls = any(f.check(SSL.Error) for f in e.reasons)
            what = "TLS handshake failed (check the upstream trust anchor and the RA's client certificate)" if tls \
                else "connection closed before an answer"
            raise _Retryable(f"upstream {self.name}: {what}", unsent=isinstance(e, _Stale)) from e
        except Exception as e:  # noqa: BLE001 - partial bodies, protocol errors
            status = "garbled"
            log.failure("upstream {name}: unreadable answer", name=self.name)
            raise BadUpstream(f"upstream {self.name} answered unreadably: "
                              f"{e.__class__.__name__}") from e
        finally:
            elapsed = time.monotonic() - started
            observe_upstream(self.kind, self.name, str(status), elapsed)
            log.info("upstream {kind} {name} {method} {url} -> {status} in {ms:.1f} ms",
                     kind=self.kind, name=self.name, method=method, url=url,
                     status=status, ms=elapsed * 1000)
        reply = Reply(response.code, {k.decode().lower(): v[-1].decode("latin-1")
                                      for k, v in response.headers.getAllRawHeaders()}, body)
        return reply

    @staticmethod
    def _timed_out(result: Any, timeout: float) -> Failure:
        """What a cancelled-by-timeout request becomes, whatever the agent made of it."""
        return Failure(TimeoutError(f"no answer within {timeout} s"))

    def refusal(self, reply: Reply, reason: str | None = None) -> EstError:
        """The device-facing error for a non-2xx upstream reply."""
        text = reason or reply.body.decode("utf-8", "replace").strip()[:300] or "no reason"
        if reply.status in _RA_CREDENTIALS:
            return BadUpstream(f"upstream {self.name} rejected the RA's credentials "
                               f"({reply.status}): {text}")
        if reply.status == 503:
            retry = reply.header("retry-after") or str(self.retry_after)
            return UpstreamUnavailable(f"upstream {self.name} unavailable: {text}",
                                       int(retry) if retry.isdigit() else self.retry_after)
        if 400 <= reply.status < 500:
            return Refused(reply.status, f"upstream CA refused the request: {text}")
        return BadUpstream(f"upstream {self.name} failed ({reply.status}): {text}")

    async def close(self) -> None:
        await self.pool.closeCachedConnections()


class CachedCerts:
    """An upstream's CA certificates, fetched by `fetch` and kept `refresh` seconds.

    When a refresh fails the last good copy is served (and the failure logged);
    with no copy yet the failure reaches the caller.
    """

    def __init__(self, name: str, fetch: Callable[[], Awaitable[list[x509.Certificate]]],
                 clock: Callable[[], float], refresh: float) -> None:
        self.name, self._fetch, self._clock, self._refresh = name, fetch, clock, refresh
        self._cached: tuple[float, list[x509.Certificate]] | None = None

    async def get(self) -> list[x509.Certificate]:
        now = self._clock()
        if self._cached is not None and now - self._cached[0] < self._refresh:
            return self._cached[1]
        try:
            certs = await self._fetch()
        except EstError as e:
            if self._cached is None:
                raise
            log.warn("upstream {name}: CA certificates refresh failed ({reason}); serving "
                     "the cached copy", name=self.name, reason=e.reason)
            return self._cached[1]
        if self._cached is not None and self._cached[1] != certs:
            log.info("upstream {name}: its CA certificates changed, now {count}: {subjects}",
                     name=self.name, count=len(certs),
                     subjects="; ".join(c.subject.rfc4514_string() for c in certs))
        self._cached = (now, certs)
        return certs


class _Retryable(Exception):
    def __init__(self, message: str, unsent: bool = False) -> None:
        super().__init__(message)
        self.unsent = unsent


class _Pool(HTTPConnectionPool):
    """Persistent connections; a request on a reused one is told apart (`_Reused`)."""

    retryAutomatically = False          # UpstreamHTTP decides what is safe to repeat

    def __init__(self, reactor: Any) -> None:
        super().__init__(reactor, persistent=True)
        self.maxPersistentPerHost = 16
        self._used: WeakSet[Any] = WeakSet()

    def getConnection(self, key: Any, endpoint: IStreamClientEndpoint) -> Deferred[Any]:
        return super().getConnection(key, endpoint).addCallback(self._mark)

    def _mark(self, protocol: Any) -> Any:
        reused = protocol in self._used
        self._used.add(protocol)
        return _Reused(protocol) if reused else protocol


class _Stale(ResponseNeverReceived):
    """A reused connection closed with no answer: the keep-alive race, not a CA fault."""


class _Reused:
    """A pooled connection used again; a plain close before any answer is `_Stale`."""

    def __init__(self, protocol: Any) -> None:
        self._protocol = protocol

    def request(self, request: Any) -> Deferred[Any]:
        d: Deferred[Any] = self._protocol.request(request)
        return d.addErrback(self._stale)

    @staticmethod
    def _stale(failure: Failure) -> Failure:
        e = failure.value
        if isinstance(e, ResponseNeverReceived) and \
                all(f.check(net_error.ConnectionClosed) for f in e.reasons):
            raise _Stale(e.reasons)
        return failure


@implementer(IAgentEndpointFactory)
class _Endpoints:
    """One endpoint per scheme, host and port, made once: the TLS context (anchors,
    client certificate) is built once per upstream, and a literal IP address is
    connected to without a resolver round trip through the thread pool."""

    def __init__(self, reactor: Any, policy: IPolicyForHTTPS, timeout: float) -> None:
        self._reactor, self._policy, self._timeout = reactor, policy, timeout
        self._made: dict[tuple[bytes, bytes, int], IStreamClientEndpoint] = {}

    def endpointForURI(self, uri: URI) -> IStreamClientEndpoint:
        key = (uri.scheme, uri.host, uri.port)
        if key not in self._made:
            if uri.scheme not in (b"http", b"https"):
                raise SchemeNotSupported(f"unsupported scheme: {uri.scheme!r}")
            host = uri.host.decode("ascii")
            endpoint: IStreamClientEndpoint = (
                TCP4ClientEndpoint(self._reactor, host, uri.port, self._timeout)
                if isIPAddress(host) else
                TCP6ClientEndpoint(self._reactor, host, uri.port, self._timeout)
                if isIPv6Address(host) else
                HostnameEndpoint(self._reactor, uri.host, uri.port, self._timeout))
            if uri.scheme == b"https":
                endpoint = wrapClientTLS(self._policy.creatorForNetloc(uri.host, uri.port),
                                         endpoint)
            self._made[key] = endpoint
        return self._made[key]


@implementer(IBodyProducer)
class _Body:
    """A request body written in one go (FileBodyProducer would wait a reactor turn)."""

    def __init__(self, data: bytes) -> None:
        self._data, self.length = data, len(data)

    def startProducing(self, consumer: IConsumer) -> Deferred[None]:
        consumer.write(self._data)
        return succeed(None)

    def pauseProducing(self) -> None:
        pass

    def resumeProducing(self) -> None:
        pass

    def stopProducing(self) -> None:
        pass


class _Collect(Protocol):
    """A whole response body; cancelling closes the connection (never back to the pool)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self.done: Deferred[bytes] = Deferred(self._cancel)

    @classmethod
    def body(cls, response: IResponse) -> Deferred[bytes]:
        collect = cls()
        response.deliverBody(collect)
        return collect.done

    def _cancel(self, _: Deferred[bytes]) -> None:
        producer: Any = self.transport      # twisted.web's TransportProxyProducer
        if producer is not None:
            producer.stopProducing()

    def dataReceived(self, data: bytes) -> None:
        self._parts.append(data)

    def connectionLost(self, reason: Failure = Failure(ResponseDone())) -> None:
        if self.done.called:
            return
        if reason.check(ResponseDone, PotentialDataLoss):   # no length: ended by close
            self.done.callback(b"".join(self._parts))
        else:
            self.done.errback(reason)


def http_for(reactor: Any, config: Any,
             agent: Callable[[Any, IAgentEndpointFactory], IAgent] | None = None) -> UpstreamHTTP:
    """An `UpstreamHTTP` from an [upstreams.NAME] entry (estra.config.Upstream).

    Only `trust` is trusted for the upstream's TLS certificate when it is set;
    without it the system's default trust store is used.
    """
    trust = x509.load_pem_x509_certificates(config.trust.getContent()) if config.trust else None
    client = None
    if config.client_cert is not None:
        key = serialization.load_pem_private_key(config.client_key.getContent(), None)
        chain = x509.load_pem_x509_certificates(config.client_cert.getContent())
        client = (chain[0], key)
    return UpstreamHTTP(reactor, config.kind, config.name, ClientTLSPolicy(trust, client),
                        timeout=config.timeout, connect_timeout=config.connect_timeout,
                        retries=config.retries, retry_after=config.retry_after, agent=agent)
