"""The one builder of every listener (EST, SCEP, admin, CRL/OCSP).

Each listener is built the same way, so none can miss a cap or a deadline:

    endpoint (or the socket a worker adopted) -> `LimitedEndpoint` caps (and the
    PROXY header of a `haproxy:` description) -> optional TLS -> `make_site` with
    the configured deadlines -> `Listener`, whose failure to listen is one start-up
    line naming the setting, and which logs its ready line once it listens.

`fit_descriptors` checks at start that the caps fit the process's descriptor
limit (RLIMIT_NOFILE), raising the soft limit toward the hard one when needed.
"""

from __future__ import annotations

import errno
import os
import resource
from typing import Any, Callable, Mapping

from attrs import evolve, frozen
from twisted.application.internet import StreamServerEndpointService
from twisted.internet.endpoints import serverFromString
from twisted.internet.error import CannotListenError
from twisted.logger import Logger
from twisted.web.resource import Resource

from estra.config import ConnectionLimits, Settings
from estra.interfaces import IEstraReactor
from estra.web.http import make_site
from estra.web.limits import LimitedEndpoint
from estra.web.tls import ServerTLS, TLSServerEndpoint

__all__ = ["StartupError", "Listener", "Listeners", "listen_problem", "bound",
           "connection_limits", "descriptions", "split_proxy", "descriptors_needed",
           "fit_descriptors", "DESCRIPTOR_HEADROOM", "DESCRIPTORS_PER_UPSTREAM"]

log = Logger(namespace="estra.listeners")

#: Descriptors kept apart from the listeners' caps: the store's pool (PostgreSQL up to
#: 8, SQLite 1), log files, listening sockets, worker pipes, reloads reading files.
DESCRIPTOR_HEADROOM = 64
#: ... and per upstream CA or SCEP challenge webhook: its pool (16) and requests in flight.
DESCRIPTORS_PER_UPSTREAM = 32


class StartupError(Exception):
    """estra cannot start; the message is the one line naming the setting and problem."""


def descriptions(settings: Settings) -> dict[str, str]:
    """Every configured listen setting (key -> endpoint description)."""
    every = {"server.listen": settings.listen, "scep.listen": settings.scep_listen,
             "admin.listen": settings.admin_listen, "crl.listen": settings.crl_listen}
    return {key: value for key, value in every.items() if value}


def split_proxy(description: str) -> tuple[str, bool]:
    """(the endpoint description without `haproxy:`, whether PROXY headers are expected)."""
    if description.startswith("haproxy:"):
        return description[len("haproxy:"):], True
    return description, False


def listen_problem(error: BaseException) -> str:
    """What is wrong with a listen attempt, in the operator's words."""
    if isinstance(error, CannotListenError):
        code = getattr(error.socketError, "errno", None)
        if code == errno.EADDRINUSE:
            return f"port {error.port} is in use"
        if code == errno.EADDRNOTAVAIL:
            return f"address {error.interface} is not available on this machine"
        if code == errno.EACCES:
            return f"port {error.port} needs privileges (CAP_NET_BIND_SERVICE)"
        return f"cannot listen on {error.interface or '*'}:{error.port}: " + str(
            getattr(error.socketError, "strerror", None) or error.socketError)
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return f"{type(error).__name__}: {error}"


def endpoint(reactor: IEstraReactor, settings: Settings, key: str, description: str) -> Any:
    """serverFromString(`description`) for setting `key`, failing with the one line."""
    try:
        return serverFromString(reactor, description)
    except (KeyError, IndexError):
        raise StartupError(
            f"{settings.where(key)}: no such socket inherited from systemd (LISTEN_FDS="
            f"{os.environ.get('LISTEN_FDS', 'unset')}, LISTEN_FDNAMES="
            f"{os.environ.get('LISTEN_FDNAMES', 'unset')}); start estra from its .socket "
            "unit, or listen on tcp:PORT") from None
    except Exception as e:  # noqa: BLE001 - endpoint parsers raise anything
        raise StartupError(f"{settings.where(key)}: {listen_problem(e)}") from None


def bound(port: Any) -> str:
    """HOST:PORT actually bound (IPv6 in brackets), or the UNIX socket path."""
    address = port.getHost()
    host, number = getattr(address, "host", None), getattr(address, "port", None)
    if host is None or number is None:
        return str(getattr(address, "name", address))
    return f"[{host}]:{number}" if ":" in host else f"{host}:{number}"


def connection_limits(settings: Settings) -> ConnectionLimits:
    """The [server] connection limits, applied to every listener."""
    return ConnectionLimits(settings.max_connections, settings.max_connections_per_address,
                            settings.header_timeout, settings.body_timeout,
                            settings.idle_timeout)


class Listener(StreamServerEndpointService):
    """A listening service whose failure is one line naming its setting, and which
    calls `ready(port)` (its ready line) once it listens."""

    def __init__(self, endpoint: Any, factory: Any, where: str,
                 ready: Callable[[Any], Any] | None = None) -> None:
        super().__init__(endpoint, factory)
        self._raiseSynchronously = True
        self.where, self.ready = where, ready

    def privilegedStartService(self) -> None:
        try:
            super().privilegedStartService()
        except Exception as e:  # noqa: BLE001 - any listen failure: one line
            raise StartupError(f"{self.where}: {listen_problem(e)}") from None
        if self.ready is not None and self._waitingForPort is not None:
            self._waitingForPort.addCallback(self.ready)


@frozen
class Listeners:
    """Builds this process's listeners, all with the same caps and deadlines."""

    reactor: IEstraReactor
    settings: Settings
    limits: ConnectionLimits
    adopted: Mapping[str, Any]         # setting key -> socket a worker adopted

    def build(self, key: str, name: str, root: Resource, max_body: int,
              tls: ServerTLS | None = None,
              ready: Callable[[Any], Any] | None = None) -> Listener:
        """The listener of setting `key` (e.g. "crl.listen"), serving `root`; `name`
        is its face in log lines (est, scep, admin, crl)."""
        inner, proxy = split_proxy(descriptions(self.settings)[key])
        raw = self.adopted.get(key) or endpoint(self.reactor, self.settings, key, inner)
        where: Any = LimitedEndpoint(raw, self.limits, self.reactor.seconds, name, proxy)
        if tls is not None:
            where = TLSServerEndpoint(where, tls)
        site = make_site(root, max_body, self.limits, self.reactor, name)
        return Listener(where, site, self.settings.where(key), ready)


def descriptors_needed(settings: Settings) -> int:
    """Descriptors the configured caps can open: max_connections per listener, plus
    headroom for the store, logs and each upstream or webhook."""
    upstreams = sum(1 for u in settings.upstreams.values() if u.kind != "local") + sum(
        1 for p in settings.profiles.values() if p.scep_challenge == "webhook")
    return (len(descriptions(settings)) * settings.max_connections + DESCRIPTOR_HEADROOM
            + DESCRIPTORS_PER_UPSTREAM * upstreams)


def fit_descriptors(settings: Settings,
                    getrlimit: Callable[[int], tuple[int, int]] = resource.getrlimit,
                    setrlimit: Callable[[int, tuple[int, int]], None] = resource.setrlimit
                    ) -> Settings:
    """`settings` whose caps fit RLIMIT_NOFILE, raising the soft limit toward the
    hard one when they need more. Still short: a `max_connections` left at its
    default is lowered to fit (one warning); a configured one is a StartupError."""
    need = descriptors_needed(settings)
    soft, hard = getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < need and (
            hard == resource.RLIM_INFINITY or hard > soft):
        raised = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (OSError, ValueError) as e:
            log.warn("cannot raise the open-file limit from {soft} to {raised}: {error}",
                     soft=soft, raised=raised, error=e)
    if soft == resource.RLIM_INFINITY or soft >= need:
        return settings
    listeners = len(descriptions(settings))
    fits = (soft - (need - listeners * settings.max_connections)) // listeners
    key = "server.max_connections"
    if key in settings.origins or fits < 1:
        raise StartupError(
            f"{settings.where(key)} = {settings.max_connections} on {listeners} "
            f"listener(s) needs {need} open files, but the limit (RLIMIT_NOFILE, "
            f"LimitNOFILE= in the systemd unit) is {soft}: raise it or lower {key}")
    log.warn("the open-file limit ({soft}) is below what {listeners} listener(s) of "
             "{default} connections need ({need}): max_connections is {fits} per listener",
             soft=soft, listeners=listeners, default=settings.max_connections, need=need,
             fits=fits)
    return evolve(settings, max_connections=fits)
