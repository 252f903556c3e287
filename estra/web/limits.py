"""Connection limits for every listener (EST, SCEP, admin, CRL/OCSP).

`LimitedEndpoint` wraps any stream server endpoint, below TLS, so a connection
over the overall or per-address cap is closed at once: no handshake, no HTTP
parsing. On a PROXY-protocol listener (`haproxy:`) it reads the PROXY header
itself, as the outermost protocol, so a refused connection is closed by the
port like any other and the per-address cap counts the device the header names,
not the balancer every connection comes from. The per-request deadlines (headers,
body) live in `estra.web.http.EstChannel`; their numbers are here, in `ConnectionLimits`.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Callable, cast

from twisted.internet.interfaces import IAddress, IProtocol, IProtocolFactory, ITCPTransport, \
    IStreamServerEndpoint
from twisted.logger import Logger
from twisted.protocols.haproxy._exceptions import InvalidProxyHeader
from twisted.protocols.haproxy._v1parser import V1Parser
from twisted.protocols.haproxy._v2parser import V2Parser
from twisted.protocols.haproxy._wrapper import HAProxyProtocolWrapper
from twisted.protocols.policies import ProtocolWrapper, WrappingFactory
from zope.interface import implementer

from estra.config import ConnectionLimits

__all__ = ["LimitedFactory", "LimitedEndpoint", "RateLimitedLog", "source_key"]

log = Logger(namespace="estra.limits")  # fields are our own names and IP addresses


def source_key(address: str) -> str:
    """The throttling key of a client address: IPv4 as is, IPv6 by its /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip.ipv4_mapped or ip) if isinstance(ip, ipaddress.IPv6Address) else str(ip)


class RateLimitedLog:
    """Emits at most one event per `interval` seconds; says how many it held back."""

    def __init__(self, clock: Callable[[], float], interval: float = 10,
                 logger: Logger = log) -> None:
        self._clock, self._interval, self._log = clock, interval, logger
        self._next = float("-inf")
        self._held = 0

    def warn(self, format: str, **fields: Any) -> None:
        now = self._clock()
        if now < self._next:
            self._held += 1
            return
        self._log.warn(format + " ({held} similar events not logged)", held=self._held,
                       **fields)
        self._held, self._next = 0, now + self._interval


class _Counted(ProtocolWrapper):
    """A connection a `LimitedFactory` counts; `host` is the per-address key it was
    counted under (None: not yet, a PROXY header still to come)."""

    host: str | None = None


class _ProxyCounted(HAProxyProtocolWrapper):
    """A connection of a PROXY-protocol listener: counted per address only once its
    header names the device (the balancer's own address is every connection's)."""

    host: str | None = None

    def dataReceived(self, data: bytes) -> None:
        if self._proxyInfo is not None:
            return self.wrappedProtocol.dataReceived(data)
        if self._parser is None:            # Twisted's wrapper: v2 or v1 by the prefix
            if len(data) >= 16 and data[:12] == V2Parser.PREFIX and data[12] & 0xF0 == 0x20:
                self._parser = V2Parser()
            elif len(data) >= 8 and data[:5] == V1Parser.PROXYSTR:
                self._parser = V1Parser()
            else:
                return self._abort()
        try:
            info, remaining = self._parser.feed(data)
        except InvalidProxyHeader:
            return self._abort()
        if info is None:
            return None
        self._proxyInfo = info
        factory: LimitedFactory = self.factory
        if not factory.admit(self, self.getPeer()):
            return self._abort()
        if remaining:
            self.wrappedProtocol.dataReceived(remaining)

    def _abort(self) -> None:
        """Close at once, unanswered (the transport is a TCP one)."""
        cast(ITCPTransport, self.transport).abortConnection()


class LimitedFactory(WrappingFactory[Any]):
    """Refuses (closes at once) connections over the overall or per-address cap.

    With `proxy` it also reads the PROXY protocol header (v1 or v2) every connection
    starts with; the per-address cap then counts the address the header names."""

    protocol = _Counted
    noisy = False                              # no "Starting factory" lines

    def __init__(self, wrapped: IProtocolFactory, limits: ConnectionLimits,
                 clock: Callable[[], float], name: str, proxy: bool = False) -> None:
        super().__init__(wrapped)
        self.limits, self.name, self.proxy = limits, name, proxy
        self.open = 0
        self.per_address: dict[str, int] = {}
        self._refusals = RateLimitedLog(clock)

    def buildProtocol(self, addr: IAddress | None) -> Any:
        if self.open >= self.limits.max_connections:
            self._refusals.warn("{listener}: refused a connection from {address}: "
                                "{limit} connections open (max_connections)",
                                listener=self.name, address=_host(addr), limit=self.open)
            return None                        # the port closes the socket at once
        inner: IProtocol | None = self.wrappedFactory.buildProtocol(addr)
        if inner is None:
            return None
        wrapper = _ProxyCounted(self, inner) if self.proxy else _Counted(self, inner)
        if not self.proxy and not self.admit(wrapper, addr):
            return None
        self.open += 1
        return wrapper

    def admit(self, wrapper: Any, addr: IAddress | None) -> bool:
        """Count `wrapper` under its source address, or False: over the cap there."""
        host = _host(addr)
        if self.per_address.get(host, 0) >= self.limits.max_per_address:
            self._refusals.warn("{listener}: refused a connection from {address}: it has "
                                "{limit} open (max_connections_per_address)",
                                listener=self.name, address=host,
                                limit=self.per_address[host])
            return False
        wrapper.host = host
        self.per_address[host] = self.per_address.get(host, 0) + 1
        return True

    def registerProtocol(self, p: Any) -> None:
        pass                                   # counted in buildProtocol

    def unregisterProtocol(self, p: Any) -> None:
        self.open -= 1
        if p.host is None:
            return
        left = self.per_address.get(p.host, 1) - 1
        if left > 0:
            self.per_address[p.host] = left
        else:
            self.per_address.pop(p.host, None)


def _host(addr: IAddress | None) -> str:
    return source_key(str(getattr(addr, "host", "?")))


@implementer(IStreamServerEndpoint)
class LimitedEndpoint:
    """A stream server endpoint whose listening factory is a `LimitedFactory`."""

    def __init__(self, wrapped: IStreamServerEndpoint, limits: ConnectionLimits,
                 clock: Callable[[], float], name: str, proxy: bool = False) -> None:
        self._wrapped, self._limits, self._clock, self._name = wrapped, limits, clock, name
        self.proxy = proxy

    def listen(self, factory: IProtocolFactory) -> Any:
        return self._wrapped.listen(LimitedFactory(factory, self._limits, self._clock,
                                                   self._name, self.proxy))
