"""What every HTTP upstream shares: a pooled HTTP client, timeouts, retries, error mapping.

Connections persist (keep-alive, up to 16 idle per upstream) and the TLS
context for an upstream is built once, not per request: a pooled call costs a
fraction of a new TLS connection.  Requests go through treq's `HTTPClient`
over that pooled agent, with treq's own seams set for the RA: the body written
at once (`data_to_body_producer`), no cookies kept, redirects followed here.
With `proxy` every connection is a CONNECT tunnel through that HTTP proxy.

Redirects: 307/308 (any method, same method and body) and 301/302/303 (GET)
are followed at most `MAX_REDIRECTS` times, only to the same scheme and host
(credentials such as a Vault token must not travel elsewhere, nor over plain
HTTP); any other redirect is 502 naming where it pointed.

Retry rule: a request is retried (at most `retries` times) only when it
cannot have issued a certificate: idempotent GETs on any transport failure;
any request that was never sent (connection refused, or the pooled connection
found closed before the request was written); and a request on a reused
keep-alive connection that the upstream closed without a byte of answer (its
idle timeout racing our request, which curl and browsers repeat too).  Any
other POST that may have reached the CA (a timeout, a new connection closed
unanswered) is never repeated.

Mapping to the device, by cause (`UpstreamHTTP.refusal`, the one place):
- the RA is misconfigured: 401/403/407 (its own credentials), 404 (a wrong API
  path), or an adapter or the reason text naming an unknown role, profile,
  template, label or issuer: 502, the reason logged as an error; a device never
  sees these as 4xx, as if its own request were at fault;
- the upstream is overloaded (429, 503), unreachable, failing TLS or timing
  out: 503 + Retry-After (the upstream's own when it gives 1..3600 s);
- any other 4xx refuses the device's request: the same status and reason;
- a 5xx or an answer that cannot be parsed: 502.
"""

from __future__ import annotations

import json as _json
import math
import re
import time
from email.utils import parsedate_to_datetime
from functools import lru_cache
from urllib.parse import urljoin, urlsplit
from typing import Any, Awaitable, Callable, Mapping, Sequence, cast
from weakref import WeakSet

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from OpenSSL import SSL, crypto
from hyperlink import EncodedURL
from treq.client import HTTPClient
from treq.cookies import IndexableCookieJar
from twisted.internet import error as net_error
from twisted.internet import ssl
from twisted.internet.abstract import isIPAddress, isIPv6Address
from twisted.internet.defer import CancelledError, Deferred, succeed
from twisted.internet.endpoints import (HostnameEndpoint, TCP4ClientEndpoint, TCP6ClientEndpoint,
                                        connectProtocol, wrapClientTLS)
from twisted.internet.interfaces import IConsumer, IStreamClientEndpoint
from twisted.internet.protocol import Protocol, connectionDone
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web._newclient import RequestNotSent, RequestTransmissionFailed
from twisted.web.client import (URI, Agent, HTTPConnectionPool, ResponseDone,
                                ResponseNeverReceived)
from twisted.web.error import SchemeNotSupported
from twisted.web.http import PotentialDataLoss
from twisted.web.http_headers import Headers
from twisted.web.iweb import (IAgent, IAgentEndpointFactory, IBodyProducer, IPolicyForHTTPS,
                              IResponse)
from zope.interface import implementer

from estra import tokens
from estra.interfaces import IEstraReactor
from estra.errors import BadUpstream, EstError, UpstreamUnavailable
from estra.interfaces import Reply
from estra.metrics import observe_upstream

__all__ = ["UpstreamHTTP", "ClientTLSPolicy", "Refused", "http_for", "CachedCerts",
           "WholeBody"]

log = Logger(namespace="estra.upstream.http")
_RA_CREDENTIALS = (401, 403, 407)
_OVERLOAD = (429, 503)
_REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 3
# an upstream's refusal text saying the RA asked for something its CA does not have
_UNKNOWN_SETTING = re.compile(
    r"\b(unknown|no such|invalid|nonexistent|non-existent) (certificate |end entity )?"
    r"(role|profile|template|label|issuer|policy profile|mount)\b|"
    r"\b(role|profile|template|issuer)\b[^.;]{0,80}\b(not found|does not exist|"
    r"doesn't exist|is not configured)\b", re.IGNORECASE)


class Refused(EstError):
    """The upstream CA refused the request; the device gets its status and reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@implementer(IPolicyForHTTPS)
class ClientTLSPolicy:
    """Client TLS to an upstream: only the configured anchors, optional client cert
    (sent with its intermediates: `chain` is the client_cert file, leaf first)."""

    def __init__(self, trust: Sequence[x509.Certificate] | None,
                 client: tuple[x509.Certificate, Any] | None = None,
                 chain: Sequence[x509.Certificate] = ()) -> None:
        self.anchors = list(trust or ())     # empty: the system's default trust store
        self._trust: Any = None
        self.add_anchors([])
        self._client = None
        self._chain = [crypto.X509.from_cryptography(c) for c in chain
                       if client is None or c != client[0]]
        if client is not None:
            cert, key = client
            pkey = key if isinstance(key, crypto.PKey) else crypto.PKey.from_cryptography_key(
                key)               # a PKey already: held by pkcs11-provider (a token key)
            self._client = ssl.PrivateCertificate.fromCertificateAndKeyPair(
                ssl.Certificate.loadPEM(cert.public_bytes(serialization.Encoding.PEM)),
                ssl.KeyPair(pkey))

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
            if self._chain:
                kwargs["extraCertificateOptions"] = {"extraCertChain": self._chain}
        return ssl.optionsForClientTLS(hostname.decode("ascii"), **kwargs)


class UpstreamHTTP:
    """A persistent connection pool to one upstream, with estra's failure rules."""

    def __init__(self, reactor: IEstraReactor, kind: str, name: str, policy: ClientTLSPolicy,
                 timeout: float = 30, connect_timeout: float = 10, retries: int = 2,
                 retry_after: int = 30, proxy: str = "",
                 agent: Callable[[Any, IAgentEndpointFactory], IAgent] | None = None) -> None:
        """`agent`: an agent of its own on the same endpoints (estra.upstream.winauth)."""
        self._reactor, self.kind, self.name = reactor, kind, name
        self.timeout, self.retries, self.retry_after = timeout, retries, retry_after
        self.pool, self.policy = _Pool(reactor), policy
        endpoints = _Endpoints(reactor, policy, connect_timeout, proxy)
        base: IAgent = (agent(reactor, endpoints) if agent is not None
                        else Agent.usingEndpointFactory(reactor, endpoints, pool=self.pool))
        self._jar = _NoCookies()
        self._client = HTTPClient(base, cookiejar=self._jar, data_to_body_producer=WholeBody)

    @property
    def reactor(self) -> Any:
        """The reactor its timeouts run on (for callers pacing their own retries)."""
        return self._reactor

    async def request(self, method: str, url: str, *, headers: Mapping[str, str] | None = None,
                      data: bytes | None = None, json: Any = None) -> Reply:
        """Send (retrying where safe, following redirects where allowed); raise the
        device-facing error on a transport failure."""
        sent = dict(headers or {})
        if json is not None:
            data = _json.dumps(json).encode()
            sent["Content-Type"] = "application/json"
        for _ in range(MAX_REDIRECTS + 1):
            reply = await self._retrying(method, url, sent, data)
            target = self._redirect(method, url, reply)
            if target is None:
                return reply
            url = target
        raise self._misconfigured(f"upstream {self.name} redirected more than "
                                  f"{MAX_REDIRECTS} times (last to {url})")

    def _redirect(self, method: str, url: str, reply: Reply) -> str | None:
        """Where to send the same request again, or None to answer with `reply`."""
        location = reply.header("location")
        if location is None or reply.status not in _REDIRECTS or (
                reply.status not in (307, 308) and method not in ("GET", "HEAD")):
            return None
        target = urljoin(url, location)
        was, now = urlsplit(url), urlsplit(target)
        if (was.scheme, was.hostname) != (now.scheme, now.hostname):
            raise self._misconfigured(f"upstream {self.name} redirected {method} {url} to "
                                      f"{target}: another scheme or host is not followed; "
                                      "set the upstream's url to it")
        return target

    async def _retrying(self, method: str, url: str, headers: dict[str, str],
                        data: bytes | None) -> Reply:
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._once(method, url, headers, data)
            except _Retryable as e:
                if attempt > self.retries or not (method == "GET" or e.unsent):
                    raise UpstreamUnavailable(str(e), self.retry_after) from None

    async def _once(self, method: str, url: str, headers: dict[str, str],
                    data: bytes | None) -> Reply:
        started = time.monotonic()
        status: int | str = "failed"
        try:
            d = self._client.request(method, _uri(url), headers=_headers(headers), data=data,
                                     cookies=self._jar, allow_redirects=False,
                                     unbuffered=True)
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
        except _ProxyRefused as e:
            raise _Retryable(f"upstream {self.name}: {e}", unsent=True) from e
        except (net_error.ConnectError, net_error.DNSLookupError) as e:
            raise _Retryable(f"upstream {self.name} unreachable: {e.__class__.__name__}") from e
        except (ResponseNeverReceived, RequestTransmissionFailed) as e:
            tls = any(f.check(SSL.Error) for f in e.reasons)
            what = ("TLS handshake failed (check the upstream trust anchor and the RA's client "
                    "certificate)" if tls else "connection closed before an answer")
            raise _Retryable(f"upstream {self.name}: {what}", unsent=isinstance(e, _Stale)) from e
        except Exception as e:  # partial bodies, protocol errors
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

    def refusal(self, reply: Reply, reason: str | None = None,
                ra_fault: bool | None = None) -> EstError:
        """The device-facing error for a non-2xx upstream reply, by cause (see the module
        docstring).  `ra_fault` True: the adapter knows the RA's configuration is at
        fault (an unknown role...); None: decided from the status and the reason text."""
        text = reason or reply.body.decode("utf-8", "replace").strip()[:300] or "no reason"
        if reply.status in _RA_CREDENTIALS:
            return self._misconfigured(f"upstream {self.name} rejected the RA's credentials "
                                       f"({reply.status}): {text}")
        if ra_fault or (ra_fault is None and 400 <= reply.status < 500
                        and (reply.status == 404 or _UNKNOWN_SETTING.search(text))):
            return self._misconfigured(f"upstream {self.name} cannot serve the RA as "
                                       f"configured ({reply.status}): {text}")
        if reply.status in _OVERLOAD:
            return UpstreamUnavailable(f"upstream {self.name} unavailable ({reply.status}): "
                                       f"{text}", self._retry_after(reply))
        if 400 <= reply.status < 500:
            return Refused(reply.status, f"upstream CA refused the request: {text}")
        return BadUpstream(f"upstream {self.name} failed ({reply.status}): {text}")

    def _misconfigured(self, reason: str) -> BadUpstream:
        """502 for a fault of the RA's own configuration; the operator reads it in the log."""
        log.error("{reason}: fix the RA's configuration of upstream {name}", reason=reason,
                  name=self.name)
        return BadUpstream(reason)

    def _retry_after(self, reply: Reply) -> int:
        """The upstream's Retry-After (seconds or an HTTP date) when 1..3600 s, else ours."""
        value = (reply.header("retry-after") or "").strip()
        seconds: float | None = None
        if value.isdigit():
            seconds = int(value)
        elif value:
            try:
                seconds = parsedate_to_datetime(value).timestamp() - self._reactor.seconds()
            except (TypeError, ValueError, OverflowError):
                seconds = None
        if seconds is None or not 1 <= seconds <= 3600:
            return self.retry_after
        return math.ceil(seconds)

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

    def __init__(self, reactor: IEstraReactor) -> None:
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
    connected to without a resolver round trip through the thread pool.  With a
    `proxy` ("http://host:port") each connection is tunnelled through it (CONNECT)."""

    def __init__(self, reactor: IEstraReactor, policy: IPolicyForHTTPS, timeout: float,
                 proxy: str = "") -> None:
        self._reactor, self._policy, self._timeout = reactor, policy, timeout
        self._proxy = urlsplit(proxy) if proxy else None
        self._made: dict[tuple[bytes, bytes, int], IStreamClientEndpoint] = {}

    def _tcp(self, host: str, port: int) -> IStreamClientEndpoint:
        return (TCP4ClientEndpoint(self._reactor, host, port, self._timeout)
                if isIPAddress(host) else
                TCP6ClientEndpoint(self._reactor, host, port, self._timeout)
                if isIPv6Address(host) else
                HostnameEndpoint(self._reactor, host.encode("idna"), port, self._timeout))

    def endpointForURI(self, uri: URI) -> IStreamClientEndpoint:
        key = (uri.scheme, uri.host, uri.port)
        if key not in self._made:
            if uri.scheme not in (b"http", b"https"):
                raise SchemeNotSupported(f"unsupported scheme: {uri.scheme!r}")
            host = uri.host.decode("ascii")
            endpoint = (self._tcp(host, uri.port) if self._proxy is None else
                        _Tunnel(self._tcp(self._proxy.hostname or "", self._proxy.port or 80),
                                uri.host, uri.port))
            if uri.scheme == b"https":
                endpoint = wrapClientTLS(self._policy.creatorForNetloc(uri.host, uri.port),
                                         endpoint)
            self._made[key] = endpoint
        return self._made[key]


class _ProxyRefused(net_error.ConnectError):
    """The HTTP proxy did not open the tunnel (its status line says why)."""


@implementer(IStreamClientEndpoint)
class _Tunnel:
    """A connection to host:port through an HTTP proxy's CONNECT (RFC 9110 9.3.6)."""

    def __init__(self, proxy: IStreamClientEndpoint, host: bytes, port: int) -> None:
        self._proxy = proxy
        self._authority = b"[%s]:%d" % (host, port) if b":" in host else b"%s:%d" % (host, port)

    def connect(self, factory: Any) -> Deferred[Any]:
        opening = _Connect(self._authority, factory)
        d: Deferred[Any] = connectProtocol(self._proxy, opening)
        return d.addCallback(lambda _: opening.ready)


class _Connect(Protocol):
    """Asks the proxy for the tunnel, then hands the connection to `factory`'s protocol."""

    def __init__(self, authority: bytes, factory: Any) -> None:
        self._authority, self._factory = authority, factory
        self.ready: Deferred[Any] = Deferred(lambda _: self._abort())
        self._head, self._inner = b"", cast(Any, None)

    def _abort(self) -> None:
        """A proxy that never answers the CONNECT: the timeout closes the connection."""
        transport: Any = self.transport
        if transport is not None:
            transport.abortConnection()

    def connectionMade(self) -> None:
        assert self.transport is not None
        self.transport.write(b"CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n"
                             % (self._authority, self._authority))

    def dataReceived(self, data: bytes) -> None:
        if self._inner is not None:
            self._inner.dataReceived(data)
            return
        assert self.transport is not None
        self._head += data
        head, sep, rest = self._head.partition(b"\r\n\r\n")
        if not sep:
            if len(self._head) > 16384:
                self._fail(b"an answer header over 16 KiB")
            return
        line = head.split(b"\r\n", 1)[0]
        if line.split(b" ")[1:2] != [b"200"] or not line.startswith(b"HTTP/1."):
            self._fail(line[:200])
            return
        self._inner = self._factory.buildProtocol(self.transport.getPeer())
        self._inner.makeConnection(self.transport)
        self.ready.callback(self._inner)
        if rest:
            self._inner.dataReceived(rest)

    def _fail(self, why: bytes) -> None:
        self.ready.errback(_ProxyRefused(
            f"the proxy refused CONNECT {self._authority.decode()}: "
            f"{why.decode('latin-1')}"))
        self._abort()

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        if self._inner is not None:
            self._inner.connectionLost(reason)
        elif not self.ready.called:
            self.ready.errback(_ProxyRefused("the proxy closed the connection before "
                                             f"opening the tunnel to {self._authority.decode()}"))


class _Uri(EncodedURL):
    """A URL the RA built, already ASCII: treq's `to_uri()` (IDNA-encoding the host,
    which fails on an IPv6 literal, re-quoting the path) has nothing to do, and its
    `to_text()` is the text it was parsed from."""

    text = ""

    def to_uri(self) -> "_Uri":
        return self

    def to_text(self, with_password: bool = False) -> str:
        return self.text or super().to_text(with_password)


@lru_cache(maxsize=256)
def _uri(url: str) -> _Uri:
    """The parsed form of an upstream URL (the same few recur for every request)."""
    parsed = cast(_Uri, _Uri.from_text(url))
    parsed.text = url
    return parsed


def _headers(headers: Mapping[str, str]) -> Headers:
    return Headers({k: [v] for k, v in headers.items()})


class _NoCookies(IndexableCookieJar):
    """treq's cookie jar for an upstream: keeps nothing (one RA speaks for many devices)."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        pass

    def add_cookie_header(self, request: Any) -> None:
        pass


@implementer(IBodyProducer)
class WholeBody:
    """A request body written in one go (treq's FileBodyProducer would wait a reactor
    turn, on the global reactor's cooperator); `str` is sent as UTF-8."""

    def __init__(self, data: bytes | str) -> None:
        data = data.encode("utf-8") if isinstance(data, str) else data
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


#: What a body that ended cleanly reports (the default of `_Collect.connectionLost`).
_RESPONSE_DONE = Failure(ResponseDone())


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

    def connectionLost(self, reason: Failure = _RESPONSE_DONE) -> None:
        if self.done.called:
            return
        if reason.check(ResponseDone, PotentialDataLoss):   # no length: ended by close
            self.done.callback(b"".join(self._parts))
        else:
            self.done.errback(reason)


def http_for(reactor: IEstraReactor, config: Any,
             agent: Callable[[Any, IAgentEndpointFactory], IAgent] | None = None) -> UpstreamHTTP:
    """An `UpstreamHTTP` from an [upstreams.NAME] entry (estra.config.Upstream).

    Only `trust` is trusted for the upstream's TLS certificate when it is set;
    without it the system's default trust store is used.  The RA's client
    certificate goes with every intermediate in its client_cert file.
    """
    trust = x509.load_pem_x509_certificates(config.trust.getContent()) if config.trust else None
    client, chain = None, []
    if config.client_cert is not None:
        key = (tokens.provider_key(config.client_key_uri, config.pkcs11)
               if getattr(config, "client_key_uri", "") else
               serialization.load_pem_private_key(config.client_key.getContent(), None))
        chain = x509.load_pem_x509_certificates(config.client_cert.getContent())
        client = (chain[0], key)
    return UpstreamHTTP(reactor, config.kind, config.name,
                        ClientTLSPolicy(trust, client, chain),
                        timeout=config.timeout, connect_timeout=config.connect_timeout,
                        retries=config.retries, retry_after=config.retry_after,
                        proxy=config.proxy, agent=agent)
