"""Connection limits for every listener (EST, SCEP, admin).

`LimitedEndpoint` wraps any stream server endpoint, below TLS, so a connection
over the overall or per-address cap is closed at once: no handshake, no HTTP
parsing. The per-request deadlines (headers, body) live in `estra.http.EstChannel`;
their numbers are here, in `ConnectionLimits`.
"""

from __future__ import annotations

from typing import Any, Callable

from attrs import frozen
from twisted.internet.interfaces import IAddress, IProtocol, IProtocolFactory, \
    IStreamServerEndpoint
from twisted.logger import Logger
from twisted.protocols.haproxy._wrapper import HAProxyWrappingFactory
from twisted.protocols.policies import ProtocolWrapper, WrappingFactory
from zope.interface import implementer

from estra.throttle import source_key

__all__ = ["ConnectionLimits", "LimitedFactory", "LimitedEndpoint", "RateLimitedLog",
           "quiet_endpoint"]

log = Logger()        # fields are our own names and IP addresses


@frozen
class ConnectionLimits:
    """How many connections a listener takes and how long a client may take."""

    max_connections: int = 1024          # open connections on one listener
    max_per_address: int = 64            # open connections from one address (IPv6: /64)
    header_timeout: float = 10           # request line + headers, from connect / first byte
    body_timeout: float = 30             # the body, from the end of the headers
    idle_timeout: float = 60             # silence between keep-alive requests


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
    host = "?"


class LimitedFactory(WrappingFactory[_Counted]):
    """Refuses (closes at once) connections over the overall or per-address cap."""

    protocol = _Counted
    noisy = False                              # no "Starting factory" lines

    def __init__(self, wrapped: IProtocolFactory, limits: ConnectionLimits,
                 clock: Callable[[], float], name: str) -> None:
        super().__init__(wrapped)
        self.limits, self.name = limits, name
        self.open = 0
        self.per_address: dict[str, int] = {}
        self._refusals = RateLimitedLog(clock)

    def buildProtocol(self, addr: IAddress | None) -> Any:
        host = source_key(str(getattr(addr, "host", "?")))
        if self.open >= self.limits.max_connections:
            self._refusals.warn("{listener}: refused a connection from {address}: "
                                "{limit} connections open (max_connections)",
                                listener=self.name, address=host, limit=self.open)
            return None
        if self.per_address.get(host, 0) >= self.limits.max_per_address:
            self._refusals.warn("{listener}: refused a connection from {address}: it has "
                                "{limit} open (max_connections_per_address)",
                                listener=self.name, address=host,
                                limit=self.per_address[host])
            return None
        inner: IProtocol | None = self.wrappedFactory.buildProtocol(addr)
        if inner is None:
            return None
        counted = _Counted(self, inner)
        counted.host = host
        self.open += 1
        self.per_address[host] = self.per_address.get(host, 0) + 1
        return counted

    def registerProtocol(self, p: Any) -> None:
        pass                                   # counted in buildProtocol

    def unregisterProtocol(self, p: Any) -> None:
        self.open -= 1
        left = self.per_address.get(p.host, 1) - 1
        if left > 0:
            self.per_address[p.host] = left
        else:
            self.per_address.pop(p.host, None)


@implementer(IStreamServerEndpoint)
class LimitedEndpoint:
    """A stream server endpoint whose listening factory is a `LimitedFactory`."""

    def __init__(self, wrapped: IStreamServerEndpoint, limits: ConnectionLimits,
                 clock: Callable[[], float], name: str) -> None:
        self._wrapped, self._limits, self._clock, self._name = wrapped, limits, clock, name

    def listen(self, factory: IProtocolFactory) -> Any:
        return self._wrapped.listen(LimitedFactory(factory, self._limits, self._clock,
                                                   self._name))


class _QuietHAProxyFactory(HAProxyWrappingFactory):
    noisy = False                              # no "Starting factory" lines


def quiet_endpoint(endpoint: Any) -> Any:
    """`endpoint`, its PROXY-protocol wrapping factory (a `haproxy:` endpoint) made
    quiet: no "Starting factory"/"Stopping factory" lines."""
    if getattr(endpoint, "_wrapperFactory", None) is HAProxyWrappingFactory:
        endpoint._wrapperFactory = _QuietHAProxyFactory
    return endpoint
