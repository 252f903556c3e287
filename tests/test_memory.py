"""Memory (issue #12): idle TLS connections hold no OpenSSL buffers, closed
connections leave no object behind, abandoned held requests are forgotten."""

from __future__ import annotations

import gc
import shutil
import tempfile
from pathlib import Path
from typing import Any

from OpenSSL import SSL
from twisted.internet import reactor as _reactor
from twisted.internet.endpoints import TCP4ClientEndpoint, TCP4ServerEndpoint, \
    wrapClientTLS
from twisted.internet.protocol import Factory
from twisted.internet.ssl import Certificate, optionsForClientTLS
from twisted.internet.task import deferLater
from twisted.protocols.tls import TLSMemoryBIOProtocol
from twisted.python.filepath import FilePath
from twisted.trial.unittest import SynchronousTestCase, TestCase

from estra.config import ConnectionLimits
from estra.web.http import EstChannel, make_site
from estra.web.limits import LimitedEndpoint, LimitedFactory
from estra.web.tls import ServerTLS, TLSServerEndpoint
from estra.upstream import HeldRequests
from tests import pki
from tests.test_connections import Hello, RawClient

reactor: Any = _reactor
PER_CONNECTION = (EstChannel, TLSMemoryBIOProtocol, SSL.Connection, RawClient)


def server_tls(test: SynchronousTestCase) -> tuple[ServerTLS, bytes]:
    """A ServerTLS for "localhost" from a throw-away CA, and that CA's PEM."""
    tmp = Path(tempfile.mkdtemp())
    test.addCleanup(shutil.rmtree, tmp)
    ca, key = pki.CA("test CA"), pki.ec_key()
    cert = ca.issue(pki.name("localhost"), key.public_key(), pki.sans("localhost"))
    cert_file, key_file = pki.write_pair(tmp, "server", cert, key)
    return (ServerTLS(FilePath(str(cert_file)), FilePath(str(key_file))),
            ca.cert.public_bytes(pki.PEM))


def live(kinds: tuple[type, ...]) -> dict[str, int]:
    """How many objects of each kind are alive (after a full collection)."""
    gc.collect()
    alive = dict.fromkeys((k.__name__ for k in kinds), 0)
    for obj in gc.get_objects():
        for kind in kinds:
            if isinstance(obj, kind):
                alive[kind.__name__] += 1
    return alive


def connection_timers() -> list[Any]:
    """The reactor's pending calls of connection-level code (deadlines, idle timers),
    not the Site's once-a-second log clock."""
    return [call for call in reactor.getDelayedCalls()
            if getattr(call.func, "__module__", "").startswith(
                ("estra", "twisted.protocols", "twisted.web"))
            and getattr(call.func, "__name__", "") != "_updateLogDateTime"]


class ReleaseBuffersTests(SynchronousTestCase):
    def test_context_releases_buffers(self) -> None:
        """The server context frees OpenSSL's read and write buffers of idle
        connections (SSL_MODE_RELEASE_BUFFERS), also after a reload."""
        tls, _ = server_tls(self)
        self.assertTrue(tls.getContext().set_mode(0) & SSL.MODE_RELEASE_BUFFERS)
        tls.reload()
        self.assertTrue(tls.getContext().set_mode(0) & SSL.MODE_RELEASE_BUFFERS)


class ClosedConnectionsTests(TestCase):
    timeout = 60

    async def test_closed_connections_leave_nothing(self) -> None:
        """After many TLS connections (some answered, some closed halfway through
        their headers) are closed, no channel, TLS protocol or pyOpenSSL Connection
        of theirs is alive, the listener counts none, and no deadline or idle timer
        is left on the reactor."""
        tls, ca_pem = server_tls(self)
        limits = ConnectionLimits(max_per_address=100, header_timeout=30, idle_timeout=30)
        endpoint = TLSServerEndpoint(LimitedEndpoint(
            TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1"), limits, reactor.seconds,
            "test"), tls)
        port = await endpoint.listen(make_site(Hello(), 1024, limits, reactor))
        self.addCleanup(port.stopListening)
        factory: LimitedFactory = port.factory
        client_tls = optionsForClientTLS("localhost", Certificate.loadPEM(ca_pem))
        client_endpoint = wrapClientTLS(client_tls, TCP4ClientEndpoint(
            reactor, "127.0.0.1", port.getHost().port))
        clients_factory = Factory.forProtocol(RawClient)   # connectProtocol keeps a class
        before = live(PER_CONNECTION)

        clients = []
        for i in range(40):
            client = await client_endpoint.connect(clients_factory)
            clients.append(client)
            client.transport.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" if i % 2 else
                                   b"GET / HTTP/1.1\r\nHost: x\r\nX-Half: ")
        for _ in range(100):
            if sum(c.received.startswith(b"HTTP/1.1 200") for c in clients) == 20:
                break
            await deferLater(reactor, 0.05, lambda: None)
        self.assertEqual(factory.open, 40)
        self.assertEqual(live(PER_CONNECTION)["EstChannel"], before["EstChannel"] + 40)
        self.assertGreaterEqual(len(connection_timers()), 40)     # a deadline or idle timer
        for client in clients:
            client.transport.loseConnection()
        for client in clients:
            await client.closed
        for _ in range(100):
            if factory.open == 0:
                break
            await deferLater(reactor, 0.05, lambda: None)
        await deferLater(reactor, 0, lambda: None)     # let connectionLost calls finish
        del clients, client

        self.assertEqual((factory.open, factory.per_address), (0, {}))
        self.assertEqual(live(PER_CONNECTION), before)
        self.assertEqual(connection_timers(), [])


class HeldRequestsTests(SynchronousTestCase):
    def test_abandoned_held_requests_forgotten(self) -> None:
        """Requests an upstream holds for devices that never come back (AD CS request
        ids of a process without a store, SCEP transactions) are remembered up to the
        table's limit, oldest forgotten first; a device that comes back is the newest."""
        held: HeldRequests[str, int] = HeldRequests(limit=3)
        for i in range(4):
            held[f"device {i}"] = 100 + i
        self.assertEqual(list(held), ["device 1", "device 2", "device 3"])
        self.assertEqual(held.get("device 1"), 101)                 # comes back: kept
        held["device 4"] = 104
        self.assertEqual(list(held), ["device 3", "device 1", "device 4"])
        self.assertIsNone(held.get("device 0"))

    def test_default_limit(self) -> None:
        """Held-request tables keep at most 10,000 entries."""
        held: HeldRequests[int, int] = HeldRequests()
        for i in range(10_005):
            held[i] = i
        self.assertEqual((len(held), next(iter(held))), (10_000, 5))
