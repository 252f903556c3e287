"""Connection limits and request deadlines over real loopback sockets (issue #9, 2)."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from twisted.internet import reactor as _reactor
from twisted.internet.defer import Deferred
from twisted.internet.endpoints import TCP4ClientEndpoint, TCP4ServerEndpoint, \
    connectProtocol, wrapClientTLS
from twisted.internet.protocol import Protocol, connectionDone
from twisted.internet.ssl import Certificate, optionsForClientTLS
from twisted.internet.task import LoopingCall, deferLater
from twisted.python.failure import Failure
from twisted.python.filepath import FilePath
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.resource import Resource
from twisted.web.server import Request

from estra.config import ConnectionLimits
from estra.web.http import make_site
from estra.web.limits import LimitedEndpoint
from estra.web.tls import ServerTLS, TLSServerEndpoint
from tests import pki

reactor: Any = _reactor


class Hello(Resource):
    isLeaf = True

    def render(self, request: Request) -> bytes:
        return b"hello"


class RawClient(Protocol):
    """Records what the server sends and when the connection ends."""

    def __init__(self) -> None:
        self.received = b""
        self.closed: Deferred[float] = Deferred()
        self.started = time.monotonic()
        self.open = False

    def connectionMade(self) -> None:
        self.open = True

    def dataReceived(self, data: bytes) -> None:
        self.received += data

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        self.open = False
        self.closed.callback(time.monotonic() - self.started)


class ConnectionLimitTests(TestCase):
    timeout = 30

    async def serve(self, limits: ConnectionLimits, tls: bool = False) -> int:
        endpoint: Any = LimitedEndpoint(TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1"),
                                        limits, reactor.seconds, "test")
        if tls:
            endpoint = TLSServerEndpoint(endpoint, self.server_tls())
        port = await endpoint.listen(make_site(Hello(), 1024, limits, reactor))
        self.addCleanup(port.stopListening)
        return int(port.getHost().port)

    def server_tls(self) -> ServerTLS:
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp)
        ca, key = pki.CA("test CA"), pki.ec_key()
        cert = ca.issue(pki.name("localhost"), key.public_key(), pki.sans("localhost"))
        cert_file, key_file = pki.write_pair(tmp, "server", cert, key)
        self.ca_pem = ca.cert.public_bytes(pki.PEM)
        return ServerTLS(FilePath(str(cert_file)), FilePath(str(key_file)))

    async def connect(self, port: int, tls: bool = False) -> RawClient:
        client = RawClient()
        endpoint: Any = TCP4ClientEndpoint(reactor, "127.0.0.1", port)
        if tls:
            endpoint = wrapClientTLS(optionsForClientTLS(
                "localhost", Certificate.loadPEM(self.ca_pem)), endpoint)
        await connectProtocol(endpoint, client)
        self.addCleanup(lambda: client.transport.abortConnection() if client.open else None)
        return client

    async def test_trickled_headers_closed_at_deadline(self) -> None:
        """A client trickling header bytes (each one would reset an idle timer) gets
        408 and is closed when the header deadline passes, not kept for the idle
        timeout."""
        port = await self.serve(ConnectionLimits(header_timeout=1, idle_timeout=60), tls=True)
        client = await self.connect(port, tls=True)
        client.transport.write(b"GET / HTTP/1.1\r\nHost: x\r\n")
        drip = LoopingCall(lambda: client.transport.write(b"X"))
        drip.clock = reactor
        drip.start(0.1)
        self.addCleanup(lambda: drip.stop() if drip.running else None)
        elapsed = await client.closed
        self.assertLess(elapsed, 4)
        self.assertGreater(elapsed, 0.8)
        self.assertTrue(client.received.startswith(b"HTTP/1.1 408 "), client.received[:80])

    async def test_silent_connection_to_tls_listener_closed_at_deadline(self) -> None:
        """A TCP connection that never starts the TLS handshake is closed at the
        header deadline (a 408 would wait for the handshake: it is aborted)."""
        port = await self.serve(ConnectionLimits(header_timeout=1, idle_timeout=60), tls=True)
        client = await self.connect(port)
        elapsed = await client.closed
        self.assertLess(elapsed, 3)
        self.assertEqual(client.received, b"")

    async def test_stalled_handshake_closed_at_deadline(self) -> None:
        """A client that sends half a ClientHello and stops is closed at the header
        deadline."""
        port = await self.serve(ConnectionLimits(header_timeout=1, idle_timeout=60), tls=True)
        client = await self.connect(port)
        client.transport.write(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
        self.assertLess(await client.closed, 3)

    async def test_trickled_body_closed_at_deadline(self) -> None:
        """A body trickled byte by byte is cut off at the body deadline."""
        port = await self.serve(ConnectionLimits(body_timeout=1, idle_timeout=60))
        client = await self.connect(port)
        client.transport.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
        drip = LoopingCall(lambda: client.transport.write(b"X"))
        drip.clock = reactor
        drip.start(0.1)
        self.addCleanup(lambda: drip.stop() if drip.running else None)
        self.assertLess(await client.closed, 4)

    async def test_keepalive_request_after_deadline_period_still_served(self) -> None:
        """A keep-alive client that sends its second request well after the first
        one's header deadline (but within the idle timeout) is answered."""
        port = await self.serve(ConnectionLimits(header_timeout=0.5, idle_timeout=60))
        client = await self.connect(port)
        client.transport.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await deferLater(reactor, 1.0, lambda: None)
        client.transport.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await deferLater(reactor, 0.3, lambda: None)
        self.assertEqual(client.received.count(b"HTTP/1.1 200"), 2, client.received)
        self.assertTrue(client.open)

    async def test_too_many_from_one_address_refused(self) -> None:
        """Past max_per_address open connections from one address, further ones are
        closed at once (before TLS); when one closes, a new one is accepted again."""
        port = await self.serve(ConnectionLimits(max_per_address=3, header_timeout=30),
                                tls=True)
        held = [await self.connect(port) for _ in range(3)]
        await deferLater(reactor, 0.2, lambda: None)
        refused = await self.connect(port)
        self.assertLess(await refused.closed, 1)
        self.assertTrue(all(c.open for c in held))
        held[0].transport.loseConnection()
        await held[0].closed
        await deferLater(reactor, 0.2, lambda: None)
        again = await self.connect(port, tls=True)
        again.transport.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await deferLater(reactor, 0.5, lambda: None)
        self.assertTrue(again.received.startswith(b"HTTP/1.1 200"), again.received)

    async def test_overall_cap(self) -> None:
        """Past max_connections open connections, the next one is closed at once."""
        port = await self.serve(ConnectionLimits(max_connections=2, header_timeout=30))
        held = [await self.connect(port) for _ in range(2)]
        await deferLater(reactor, 0.2, lambda: None)
        refused = await self.connect(port)
        self.assertLess(await refused.closed, 1)
        self.assertTrue(all(c.open for c in held))

    async def test_huge_header_line_over_tls_answered_at_once(self) -> None:
        """A header line over 16 KB over TLS gets 431 and a close right away, instead
        of being held until the idle timeout."""
        port = await self.serve(ConnectionLimits(header_timeout=30, idle_timeout=30), tls=True)
        client = await self.connect(port, tls=True)
        client.transport.write(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000)
        elapsed = await client.closed
        self.assertLess(elapsed, 3)
        self.assertTrue(client.received.startswith(b"HTTP/1.1 431 "), client.received[:80])

    async def test_huge_headers_total_over_tls_answered_at_once(self) -> None:
        """Many header lines adding up to over 16 KB get 400 and a close right away."""
        port = await self.serve(ConnectionLimits(header_timeout=30, idle_timeout=30), tls=True)
        client = await self.connect(port, tls=True)
        client.transport.write(b"GET / HTTP/1.1\r\n" + b"X-Many: " + b"b" * 1000 + b"\r\n" * 1
                               + b"".join(b"X-H%d: %s\r\n" % (i, b"c" * 1000)
                                          for i in range(20)))
        self.assertLess(await client.closed, 3)
        self.assertTrue(client.received.startswith(b"HTTP/1.1 400 "), client.received[:80])


class LimitSettingsTests(TestCase):
    def test_defaults(self) -> None:
        """No [server] limits configured: 1024 connections, 64 per address, 10 s for
        headers, 30 s for a body, 60 s idle."""
        from estra.config import settings_from_dict
        from estra.runtime.service import connection_limits
        self.assertEqual(connection_limits(settings_from_dict({})),
                         ConnectionLimits(1024, 64, 10, 30, 60))

    def test_configured(self) -> None:
        """[server] max_connections, max_connections_per_address and the three
        timeouts are read; a zero is a configuration error naming the key."""
        from estra.config import ConfigError, settings_from_dict
        from estra.runtime.service import connection_limits
        server = {"max_connections": 10, "max_connections_per_address": 2,
                  "header_timeout": 2.5, "body_timeout": 5, "idle_timeout": 7}
        self.assertEqual(connection_limits(settings_from_dict({"server": server})),
                         ConnectionLimits(10, 2, 2.5, 5, 7))
        with self.assertRaises(ConfigError) as caught:
            settings_from_dict({"server": {"max_connections_per_address": 0}})
        self.assertIn("server.max_connections_per_address", str(caught.exception))


class RateLimitedLogTests(SynchronousTestCase):
    def test_one_event_per_interval(self) -> None:
        """Refusal notices are logged at most once per interval; the next one says
        how many were held back."""
        from twisted.logger import Logger

        from estra.web.limits import RateLimitedLog
        clock, events = Clock(), []
        notices = RateLimitedLog(clock.seconds, 10, Logger(observer=events.append))
        for _ in range(100):
            notices.warn("refused {address}", address="192.0.2.1")
        clock.advance(10)
        notices.warn("refused {address}", address="192.0.2.1")
        self.assertEqual([e["held"] for e in events], [0, 99])
