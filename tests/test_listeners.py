"""Every listener built one way (issue #17, 2 and 8): caps and deadlines on the CRL/OCSP
port too, PROXY-protocol caps per device, and descriptors that fit RLIMIT_NOFILE."""

from __future__ import annotations

import re
import resource
import socket
import ssl
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from twisted.internet.protocol import Factory, Protocol
from twisted.internet.testing import MemoryReactorClock, StringTransport
from twisted.trial.unittest import SynchronousTestCase
from twisted.web.resource import Resource

from estra.config import ConnectionLimits, settings_from_string
from estra.web.limits import LimitedEndpoint, LimitedFactory
from estra.web.listeners import (DESCRIPTOR_HEADROOM, Listeners, StartupError, connection_limits,
                                 descriptors_needed, fit_descriptors)
from estra.web.tls import TLSServerEndpoint
from tests.conftest import ROOT, Server, free_port
from tests.test_deploy import HAPROXY_SOURCE, haproxy_config, running_haproxy, tool
from tests.test_startup import fails, init

FOUR = """
[server]
{server}
[admin]
listen = "tcp:0:interface=127.0.0.1"
[scep]
listen = "tcp:0:interface=127.0.0.1"
[crl]
listen = "tcp:0:interface=127.0.0.1"
url = "http://crl.example/ca.crl"
[profiles.default]
scep_password = "x"
"""


def four(server: str = "") -> Any:
    """Settings with all four listeners."""
    return settings_from_string(FOUR.format(server=server), "estra.toml")


class Limits:
    """A fake RLIMIT_NOFILE: what getrlimit says and what setrlimit was asked."""

    def __init__(self, soft: int, hard: int) -> None:
        self.soft, self.hard, self.asked = soft, hard, []

    def get(self, which: int) -> tuple[int, int]:
        assert which == resource.RLIMIT_NOFILE
        return self.soft, self.hard

    def set(self, which: int, limits: tuple[int, int]) -> None:
        self.asked.append(limits)
        if limits[0] > self.hard:
            raise ValueError("not allowed to raise maximum limit")
        self.soft = limits[0]


class DescriptorTests(SynchronousTestCase):
    def test_needed(self) -> None:
        """Four listeners of 1,024 connections and the headroom."""
        self.assertEqual(descriptors_needed(four()), 4 * 1024 + DESCRIPTOR_HEADROOM)

    def test_soft_limit_raised(self) -> None:
        """A soft limit below the need is raised to it; the settings stay."""
        limits = Limits(1024, 1 << 20)
        settings = four()
        self.assertIs(fit_descriptors(settings, limits.get, limits.set), settings)
        self.assertEqual(limits.asked, [(descriptors_needed(settings), 1 << 20)])

    def test_enough_untouched(self) -> None:
        """A limit that fits is left alone."""
        limits = Limits(1 << 16, 1 << 16)
        fit_descriptors(four(), limits.get, limits.set)
        self.assertEqual(limits.asked, [])

    def test_default_lowered_to_fit(self) -> None:
        """A hard limit below the need: the default max_connections is lowered so the
        four listeners fit, after raising the soft limit to the hard one."""
        limits = Limits(1024, 2048)
        fitted = fit_descriptors(four(), limits.get, limits.set)
        self.assertEqual(limits.asked, [(2048, 2048)])
        self.assertEqual(fitted.max_connections, (2048 - DESCRIPTOR_HEADROOM) // 4)
        self.assertLessEqual(descriptors_needed(fitted), 2048)

    def test_soft_at_hard_not_raised(self) -> None:
        """Soft = hard (systemd's LimitNOFILE=N): no setrlimit call (the unit's
        SystemCallFilter=~@resources would kill the process for one)."""
        limits = Limits(2048, 2048)
        fit_descriptors(four(), limits.get, limits.set)
        self.assertEqual(limits.asked, [])

    def test_configured_refused(self) -> None:
        """A configured max_connections that cannot fit is one start-up line naming it."""
        limits = Limits(1024, 2048)
        with self.assertRaises(StartupError) as caught:
            fit_descriptors(four("max_connections = 1000"), limits.get, limits.set)
        self.assertEqual(str(caught.exception),
                         "estra.toml: server.max_connections = 1000 on 4 listener(s) needs "
                         f"{4000 + DESCRIPTOR_HEADROOM} open files, but the limit "
                         "(RLIMIT_NOFILE, LimitNOFILE= in the systemd unit) is 2048: raise "
                         "it or lower server.max_connections")

    def test_unit_fits_the_defaults(self) -> None:
        """conf/estra.service's LimitNOFILE holds four listeners at the default caps."""
        unit = (ROOT / "conf" / "estra.service").read_text()
        found = re.search(r"^LimitNOFILE=(\d+)(?::(\d+))?$", unit, re.M)
        assert found, "conf/estra.service sets no LimitNOFILE"
        self.assertGreaterEqual(int(found.group(1)), descriptors_needed(four()))


class BuilderTests(SynchronousTestCase):
    def test_every_listener_capped_with_the_deadlines(self) -> None:
        """EST, SCEP, admin and CRL listeners all get the [server] caps and deadlines."""
        settings = four("max_connections = 7\nheader_timeout = 3\nidle_timeout = 9\n")
        listeners = Listeners(MemoryReactorClock(), settings, connection_limits(settings), {})
        for key in ("server.listen", "scep.listen", "admin.listen", "crl.listen"):
            listener = listeners.build(key, key, Resource(), 1024)
            self.assertIsInstance(listener.endpoint, LimitedEndpoint)
            self.assertEqual(listener.endpoint._limits,
                             ConnectionLimits(7, 64, 3, 30, 9))
            self.assertEqual(listener.factory.timeOut, 9)
            self.assertEqual(listener.factory.protocol.header_timeout, 3)

    def test_tls_above_the_caps(self) -> None:
        """TLS wraps the capped endpoint (over-cap connections get no handshake)."""
        from tests import pki
        from estra.web.tls import ServerTLS
        from twisted.python.filepath import FilePath
        tmp = Path(self.mktemp())
        tmp.mkdir()
        ca, key = pki.CA("test CA"), pki.ec_key()
        cert, key_file = pki.write_pair(tmp, "server", ca.issue(
            pki.name("localhost"), key.public_key(), pki.sans("localhost")), key)
        settings = four()
        listeners = Listeners(MemoryReactorClock(), settings, connection_limits(settings), {})
        listener = listeners.build("server.listen", "est", Resource(), 1024,
                                   ServerTLS(FilePath(str(cert)), FilePath(str(key_file))))
        self.assertIsInstance(listener.endpoint, TLSServerEndpoint)


class Idle(Protocol):
    pass


class ProxyCapTests(SynchronousTestCase):
    """The per-address cap of a PROXY listener counts the address its header names."""

    def connect(self, factory: LimitedFactory, device: str) -> StringTransport:
        transport = StringTransport()
        protocol = factory.buildProtocol(transport.getPeer())
        assert protocol is not None
        protocol.makeConnection(transport)
        protocol.dataReceived(f"PROXY TCP4 {device} 192.0.2.200 4000 443\r\n".encode())
        return transport

    def test_devices_counted_apart(self) -> None:
        """Past max_per_address connections from one device (all from one balancer), the
        next one of that device is aborted; another device is still admitted."""
        factory = LimitedFactory(Factory.forProtocol(Idle), ConnectionLimits(max_per_address=2),
                                 lambda: 0.0, "test", proxy=True)
        held = [self.connect(factory, "198.51.100.1") for _ in range(2)]
        over = self.connect(factory, "198.51.100.1")
        other = self.connect(factory, "198.51.100.2")
        self.assertEqual([t.disconnecting for t in held], [False, False])
        self.assertTrue(over.disconnecting)
        self.assertFalse(other.disconnecting)
        self.assertEqual(factory.per_address, {"198.51.100.1": 2, "198.51.100.2": 1})

    def test_over_overall_cap_refused_at_accept(self) -> None:
        """Over max_connections no protocol is built: the port closes the socket."""
        factory = LimitedFactory(Factory.forProtocol(Idle), ConnectionLimits(max_connections=1),
                                 lambda: 0.0, "test", proxy=True)
        self.connect(factory, "198.51.100.1")
        self.assertIsNone(factory.buildProtocol(StringTransport().getPeer()))


# -- against a real twistd -------------------------------------------------------------

CRL = """
[server]
{server}
[crl]
listen = "tcp:0:interface=127.0.0.1"
url = "http://127.0.0.1/ca.crl"
"""
CRL_READY = r"CRL \(and OCSP\) ready"


def hold(port: int, count: int, first: bytes = b"", source: str = "") -> list[socket.socket]:
    """`count` open connections to `port`, each having sent `first`."""
    held = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5,
                                     source_address=(source, 0) if source else None)
        if first:
            s.sendall(first)
        held.append(s)
    return held


def closed_within(s: socket.socket, seconds: float) -> float:
    """Seconds until the server closes `s` (EOF or reset); fails after `seconds`."""
    started = time.monotonic()
    s.settimeout(seconds)
    try:
        while s.recv(4096):
            pass
    except ConnectionResetError:
        pass
    except socket.timeout:
        raise AssertionError(f"still open after {seconds} s") from None
    return time.monotonic() - started


def test_crl_port_capped_est_still_answers(start_estra: Callable[..., Server]) -> None:
    """With max_connections = 5, five idle connections fill the CRL port: the sixth is
    closed at once, and EST still answers."""
    server = start_estra(CRL.format(server="max_connections = 5\nheader_timeout = 30"))
    crl = server.listener_port(CRL_READY)
    held = hold(crl, 5)
    time.sleep(0.3)
    try:
        assert closed_within(hold(crl, 1)[0], 2) < 1
        assert server.curl("cacerts").stdout.startswith(b"HTTP/1.1 200")
    finally:
        for s in held:
            s.close()
    assert "Traceback" not in server.stop()


def test_crl_port_has_the_header_deadline(start_estra: Callable[..., Server]) -> None:
    """[server] header_timeout applies on the CRL port: a silent connection is closed
    after it (1 s), not after a built-in 10 s."""
    server = start_estra(CRL.format(server="header_timeout = 1"))
    silent = hold(server.listener_port(CRL_READY), 1)[0]
    assert 0.5 < closed_within(silent, 5) < 3


def test_busy_crl_port_is_one_line(tmp_path: Path, busy_port: int) -> None:
    """A CRL port in use is one start-up line naming [crl] listen, no traceback."""
    config = tmp_path / "estra.toml"
    listen = f"tcp:{busy_port}:interface=127.0.0.1"
    config.write_text(f'[server]\nstate_dir = "state"\nlisten = "tcp:0:interface=127.0.0.1"\n'
                      f'[crl]\nlisten = "{listen}"\nurl = "http://127.0.0.1/ca.crl"\n')
    init(config)
    line = fails("--config", str(config), cwd=tmp_path)
    assert line == f'estra: {config}: crl.listen: "{listen}": port {busy_port} is in use'


def test_proxy_listener_over_cap_closed(start_estra: Callable[..., Server]) -> None:
    """On a haproxy: listener, a connection over max_connections is closed at once (not
    kept without a protocol), and nothing is logged as a traceback."""
    server = start_estra("[server]\nmax_connections = 3\nheader_timeout = 30\n",
                         "--listen", "haproxy:tcp:0:interface=127.0.0.1")
    header = f"PROXY TCP4 192.0.2.1 127.0.0.1 4000 {server.port}\r\n".encode()
    held = hold(server.port, 3, header)
    time.sleep(0.3)
    try:
        assert closed_within(hold(server.port, 1, header)[0], 2) < 1
    finally:
        for s in held:
            s.close()
    log = server.stop()
    assert "Traceback" not in log and "Unhandled" not in log, log
    assert "refused a connection from 127.0.0.1: 3 connections open" in log, log


@pytest.fixture
def haproxy_front(start_estra: Callable[..., Server], tmp_path: Path
                  ) -> Iterator[tuple[Server, int]]:
    """(estra on haproxy:tcp:..., the front port of Debian's haproxy sending PROXY v2)."""
    haproxy = tool("haproxy", "haproxy")
    server = start_estra("[server]\nheader_timeout = 60\n",
                         "--listen", "haproxy:tcp:0:interface=127.0.0.1")
    front = free_port()
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(haproxy_config((ROOT / "conf" / "haproxy.cfg").read_text(), front,
                                  server.port, "send-proxy-v2"))
    with running_haproxy(haproxy, cfg, front, tmp_path / "haproxy.log"):
        yield server, front


def test_devices_behind_one_balancer(haproxy_front: tuple[Server, int]) -> None:
    """70 devices (more than max_connections_per_address = 64), each with a connection
    open at once through haproxy (every one reaching estra from the balancer's
    address), all get their answer: the cap counts the device address."""
    server, front = haproxy_front
    context = ssl.create_default_context(cafile=str(server.ca))
    tls = []
    try:
        for device in range(1, 71):
            raw = socket.create_connection(("127.0.0.1", front), timeout=20,
                                           source_address=(f"127.0.1.{device}", 0))
            tls.append(context.wrap_socket(raw, server_hostname="localhost"))
        for s in tls:
            s.sendall(b"GET /.well-known/est/cacerts HTTP/1.1\r\nHost: x\r\n"
                      b"Connection: close\r\n\r\n")
        answers = []
        for s in tls:
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
            answers.append(answer.split(b"\r\n", 1)[0])
    finally:
        for s in tls:
            s.close()
    assert answers == [b"HTTP/1.1 200 OK"] * 70
    log = server.stop()
    assert "from 127.0.1.70" in log and f"from {HAPROXY_SOURCE}" not in log, log
