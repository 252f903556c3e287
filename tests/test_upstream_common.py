"""What every HTTP upstream shares (issue #24): errors mapped by cause, 307/308 followed,
an HTTP proxy, the RA's whole client chain, and re-enrollment trust that keeps every
issuer of an upstream through rotations, outages and restarts."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from twisted.internet import reactor as _reactor
from twisted.internet.defer import Deferred
from twisted.internet.endpoints import TCP4ClientEndpoint, TCP4ServerEndpoint, connectProtocol
from twisted.internet.protocol import Factory, Protocol
from twisted.python.filepath import FilePath
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.resource import Resource
from twisted.web.server import Request, Site

from estra.config import ConfigError, Upstream
from estra.errors import BadUpstream, UpstreamUnavailable
from estra.upstream.http import ClientTLSPolicy, Refused, UpstreamHTTP
from tests import pki
from estra.testing import DeviceTLS
from tests.conftest import issued
from tests.fakeca import FakeHandler, FakeServer, MemoryFake, in_memory, serve
from tests.memory import MemoryServer

reactor: Any = _reactor


class Answers(Resource):
    """/<status>[?...]: answers that status; /echo: the method and body it got;
    /to/<path>: 307 to /<path> on the same host; /far: 307 to another host."""

    isLeaf = True

    def render(self, request: Request) -> bytes:
        path = request.path.decode()
        body = request.content.read()
        if path == "/echo":
            return json.dumps([request.method.decode(), body.decode()]).encode()
        if path.startswith("/to/"):
            request.setResponseCode(308 if "permanent" in path else 307)
            request.setHeader("Location", path[len("/to"):])
            return b""
        if path == "/loop":
            request.setResponseCode(307)
            request.setHeader("Location", "/loop")
            return b""
        if path == "/far":
            port = request.getHost().port
            request.setResponseCode(307)
            request.setHeader("Location", f"http://localhost:{port}/echo")
            return b""
        status, _, reason = path[1:].partition("/")
        request.setResponseCode(int(status))
        for header in request.args.get(b"retry", []):
            request.setHeader("Retry-After", header)
        return reason.replace("_", " ").encode()


class MappingTests(TestCase):
    """Upstream answers become the device-facing error their cause calls for."""

    timeout = 20

    async def http(self) -> tuple[UpstreamHTTP, str]:
        port = await TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1").listen(
            Site(Answers()))
        self.addCleanup(port.stopListening)
        http = UpstreamHTTP(reactor, "cfssl", "corp", ClientTLSPolicy(None), timeout=5,
                            retry_after=30)
        self.addCleanup(http.close)
        return http, f"http://127.0.0.1:{port.getHost().port}"

    async def error(self, path: str) -> Any:
        http, base = await self.http()
        reply = await http.request("POST", base + path, data=b"x")
        return http.refusal(reply)

    async def test_overload_is_503_with_the_upstreams_retry_after(self) -> None:
        """429 and 503 are 503 + the upstream's Retry-After when sane (else the RA's)."""
        for path, retry in (("/429/slow_down?retry=120", "120"), ("/503/busy?retry=5", "5"),
                            ("/429/x?retry=999999", "30"), ("/429/x?retry=soon", "30"),
                            ("/503/x", "30")):
            err = await self.error(path)
            self.assertIsInstance(err, UpstreamUnavailable, path)
            self.assertEqual((err.status, err.headers()["Retry-After"]), (503, retry), path)

    async def test_ra_misconfiguration_is_502_and_logged(self) -> None:
        """A wrong API path (404), the RA's own credentials, or an unknown role/profile/
        template are the operator's to fix: 502, never a 4xx blaming the device."""
        for path in ("/404/no_handler_for_route", "/401/bad_token", "/403/forbidden",
                     "/400/unknown_role_estra", "/400/Certificate_profile_devices_not_found",
                     "/400/unknown_template_EstraUser"):
            err = await self.error(path)
            self.assertIsInstance(err, BadUpstream, path)
            self.assertEqual(err.status, 502, path)

    async def test_device_refusal_keeps_its_status(self) -> None:
        """A refusal of the device's own request is relayed with its status and reason."""
        err = await self.error("/400/subject_not_allowed_by_CA_policy")
        self.assertIsInstance(err, Refused)
        self.assertEqual(err.status, 400)
        self.assertIn("subject not allowed", err.reason)

    async def test_temporary_redirect_on_post_is_followed(self) -> None:
        """307 and 308 on POST: the same method and body to the new place, same host."""
        http, base = await self.http()
        for path in ("/to/echo", "/to/permanent/../echo"):
            reply = await http.request("POST", base + path, json={"csr": "pem"})
            self.assertEqual(reply.status, 200, path)
            self.assertEqual(json.loads(reply.body), ["POST", '{"csr": "pem"}'])

    async def test_redirect_elsewhere_or_looping_is_502(self) -> None:
        """No redirect to another host (credentials stay home), none past the bound."""
        http, base = await self.http()
        for path in ("/far", "/loop"):
            with self.assertRaises(BadUpstream):
                await http.request("POST", base + path, data=b"x")


class Connect(Protocol):
    """A minimal HTTP CONNECT proxy on loopback that records what it was asked."""

    def __init__(self, seen: list[bytes], refuse: bool | str) -> None:
        self.seen, self.refuse, self.head, self.peer = seen, refuse, b"", None

    def dataReceived(self, data: bytes) -> None:
        if self.peer is not None:
            self.peer.transport.write(data)
            return
        self.head += data
        if b"\r\n\r\n" not in self.head:
            return
        line = self.head.split(b"\r\n", 1)[0]
        self.seen.append(line)
        if self.refuse == "silent":
            return
        if self.refuse:
            self.transport.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            self.transport.loseConnection()
            return
        host, port = line.split(b" ")[1].rsplit(b":", 1)
        out = Protocol()
        out.dataReceived = self.transport.write
        out.connectionLost = lambda reason: self.transport.loseConnection()
        self.peer = out
        self.transport.pauseProducing()
        d = connectProtocol(TCP4ClientEndpoint(reactor, "127.0.0.1", int(port)), out)
        d.addCallback(lambda _: (self.transport.write(b"HTTP/1.1 200 Connection established"
                                                      b"\r\n\r\n"),
                                 self.transport.resumeProducing()))

    def connectionLost(self, reason: Any = None) -> None:
        if self.peer is not None and self.peer.transport is not None:
            self.peer.transport.loseConnection()


class ProxyTests(TestCase):
    """`proxy = "http://host:port"`: every upstream connection is a CONNECT tunnel."""

    timeout = 20

    async def proxied(self, refuse: bool | str = False, timeout: float = 5
                      ) -> tuple[UpstreamHTTP, FakeServer, list[bytes]]:
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp)
        fake = serve(Cfssl, tmp, state={"issuer": pki.CA("Issuer")})
        server = next(fake)
        self.addCleanup(fake.close)
        seen: list[bytes] = []
        port = await TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1").listen(
            Factory.forProtocol(lambda: Connect(seen, refuse)))
        self.addCleanup(port.stopListening)
        http = UpstreamHTTP(reactor, "cfssl", "corp", ClientTLSPolicy([server.ca.cert]),
                            timeout=timeout, retries=0,
                            proxy=f"http://127.0.0.1:{port.getHost().port}")
        self.addCleanup(http.close)
        return http, server, seen

    async def test_https_upstream_through_connect(self) -> None:
        """TLS to the upstream runs inside the proxy's tunnel, verified as without one."""
        http, server, seen = await self.proxied()
        url = f"https://localhost:{server.server_address[1]}/api/v1/cfssl/info"
        for _ in range(2):
            reply = await http.request("POST", url, json={})
            self.assertEqual(reply.status, 200)
        self.assertEqual(seen, [f"CONNECT localhost:{server.server_address[1]} "
                                "HTTP/1.1".encode()])       # one tunnel, pooled

    async def test_proxy_refusing_the_tunnel_is_503(self) -> None:
        """A proxy that will not open the tunnel: 503 + Retry-After naming it."""
        http, server, seen = await self.proxied(refuse=True)
        url = f"https://localhost:{server.server_address[1]}/api/v1/cfssl/info"
        with self.assertRaises(UpstreamUnavailable) as caught:
            await http.request("POST", url, json={})
        self.assertIn("proxy refused CONNECT", caught.exception.reason)

    async def test_silent_proxy_times_out(self) -> None:
        """A proxy that never answers the CONNECT: 503 at the upstream's timeout."""
        http, server, seen = await self.proxied(refuse="silent", timeout=0.5)
        started = time.monotonic()
        with self.assertRaises(UpstreamUnavailable):
            await http.request("POST", f"https://localhost:{server.server_address[1]}/", data=b"")
        self.assertLess(time.monotonic() - started, 3)


class Cfssl(FakeHandler):
    """cfssl's /info and /sign, issuing with `state["issuer"]`; `state["down"]`: 503."""

    def do_POST(self) -> None:
        doc = json.loads(self.body() or b"{}")
        issuer: pki.CA = self.server.state["issuer"]
        if self.server.state.get("down"):
            self.reply(503, b"maintenance", "text/plain")
        elif self.path == "/api/v1/cfssl/info":
            self.reply_json(200, {"success": True, "result": {
                "certificate": issuer.cert.public_bytes(pki.PEM).decode()}})
        elif self.path == "/api/v1/cfssl/sign":
            csr = x509.load_pem_x509_csr(doc["certificate_request"].encode())
            cert = issuer.issue(csr.subject, csr.public_key())
            self.reply_json(200, {"success": True, "result": {
                "certificate": cert.public_bytes(pki.PEM).decode()}})
        else:
            self.reply_json(404, {"success": False, "errors": [{"message": "not found"}]})


class FakeCA:
    """An upstream CA object listing `listed`, or failing as unreachable."""

    def __init__(self) -> None:
        self.listed: list[x509.Certificate] = []
        self.down = False

    async def cacerts(self) -> list[x509.Certificate]:
        if self.down:
            raise UpstreamUnavailable("down", 30)
        return self.listed


class IssuerMemoryTests(SynchronousTestCase):
    """estra.upstream.issuers: old, new, extra and last-good issuers of one upstream."""

    def test_issuers_accumulate_survive_outage_and_restart(self) -> None:
        """A rotated-away issuer stays until it expires; an outage or a restart during
        one keeps them all; the extra chain is always there."""
        from estra.upstream.issuers import UpstreamIssuers
        state = FilePath(self.mktemp())
        state.makedirs()
        old, new, extra = pki.CA("Old"), pki.CA("New"), pki.CA("Offline root")
        chain = state.child("extra.pem")
        chain.setContent(extra.cert.public_bytes(pki.PEM))
        config = Upstream(name="corp", kind="cfssl", url="https://ca.test",
                          extra_chain=chain)
        ca, now = FakeCA(), [time.time()]

        def sync(issuers: Any) -> set[str]:
            got = self.successResultOf(Deferred.fromCoroutine(issuers.cacerts()))
            return {c.subject.rfc4514_string() for c in got}
        issuers = UpstreamIssuers(config, ca, state, lambda: now[0])
        ca.listed = [old.cert]
        self.assertEqual(sync(issuers), {"CN=Old", "CN=Offline root"})
        ca.listed = [new.cert]
        self.assertEqual(sync(issuers), {"CN=Old", "CN=New", "CN=Offline root"})
        ca.down = True
        self.assertEqual(sync(issuers), {"CN=Old", "CN=New", "CN=Offline root"})
        restarted = UpstreamIssuers(config, ca, state, lambda: now[0])
        self.assertEqual(sync(restarted), {"CN=Old", "CN=New", "CN=Offline root"})
        ca.down, now[0] = False, now[0] + 31 * 86400      # both CAs expired by now
        self.assertEqual(sync(restarted), {"CN=Offline root"})
        chain.setContent(b"not PEM")
        with self.assertRaises(ConfigError):
            UpstreamIssuers(config, ca, state, lambda: now[0])
        elsewhere = UpstreamIssuers(Upstream(name="corp", kind="cfssl", url="https://other"),
                                    FakeCA(), state, lambda: now[0])
        self.assertEqual(elsewhere.known, [])            # kept for another CA: not taken


@pytest.fixture
def fake(tmp_path: Path) -> MemoryFake:
    """cfssl in memory, issuing with issuer A."""
    return in_memory(Cfssl, tmp_path, port=8888, state={"issuer": pki.CA("Issuer A")})


def cfssl_config(fake: FakeServer, tmp_path: Path, extra: str = "") -> str:
    return f"""
[ca]
sync_seconds = 1

[upstreams.cf]
kind = "cfssl"
url = "https://localhost:{fake.server_address[1]}"
trust = "{tmp_path / 'fake-ca.pem'}"
retries = 0
{extra}

[profiles.default]
upstream = "cf"
"""


def sync(ra: MemoryServer, fake: FakeServer, count: int = 2) -> None:
    """Let the RA's sync loop (every second on its clock) ask the fake's /info `count`
    more times."""
    before = sum("info" in r for r in fake.requests)
    for _ in range(count):
        ra.ra.flush()
        ra.ra.advance(1)
    ra.ra.flush()
    assert sum("info" in r for r in fake.requests) >= before + count, "the RA stopped syncing"


def test_old_issuer_trusted_through_outage_restart_and_rotation(
        fake: MemoryFake, tmp_path: Path) -> None:
    """A device's certificate from the upstream's issuer A authenticates re-enrollment
    while the upstream is down (at a sync, then across a restart: 503, not 401), and
    after the upstream rotated to issuer B (200, issued by B)."""
    ra = MemoryServer(cfssl_config(fake, tmp_path), tmp_path, upstreams=fake.upstreams())
    key = pki.ec_key()
    status, _, body = ra.post("simpleenroll", pki.csr(key, pki.name("dev1")))
    assert status == 200, body
    device = DeviceTLS((issued(body)[0],))

    def reenroll() -> tuple[int, bytes]:
        status, _, body = ra.post("simplereenroll", pki.csr(pki.ec_key(), pki.name("dev1")),
                                  tls=device)
        return status, body
    fake.state["down"] = True
    sync(ra, fake)
    assert reenroll()[0] == 503          # authenticated; only the signing waits
    ra.restart()
    sync(ra, fake)
    assert reenroll()[0] == 503
    fake.state.update(down=False, issuer=pki.CA("Issuer B"))
    sync(ra, fake)
    status, body = reenroll()
    assert status == 200, body
    assert issued(body)[0].issuer == pki.name("Issuer B")
    ra.stop()


def test_client_chain_sent_to_an_upstream_requiring_it(tmp_path: Path) -> None:
    """An upstream trusting only the root of the RA's certificate accepts the RA, which
    sends its intermediate from the client_cert file along with its leaf."""
    root, middle = pki.CA("RA root"), pki.CA("RA intermediate")
    middle.cert = (x509.CertificateBuilder().subject_name(middle.cert.subject)
                   .issuer_name(root.cert.subject).public_key(middle.key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(middle.cert.not_valid_before_utc)
                   .not_valid_after(middle.cert.not_valid_after_utc)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=0), True)
                   .sign(root.key, hashes.SHA256()))
    ra_key = pki.ec_key()
    leaf = middle.issue(pki.name("estra RA"), ra_key.public_key())
    cert_file, key_file = pki.write_pair(tmp_path, "ra", leaf, ra_key)
    cert_file.write_bytes(leaf.public_bytes(pki.PEM) + middle.cert.public_bytes(pki.PEM))
    fake = in_memory(Cfssl, tmp_path, port=8888,
                     require_client_cert=root.write(tmp_path, "ra-root"),
                     state={"issuer": pki.CA("Issuer")})
    ra = MemoryServer(cfssl_config(fake, tmp_path, f'client_cert = "{cert_file}"\n'
                                                   f'client_key = "{key_file}"'),
                      tmp_path, upstreams=fake.upstreams())
    status, _, body = ra.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("dev2")))
    assert status == 200, body
    ra.stop()


class SettingsTests(SynchronousTestCase):
    """`proxy` and `extra_chain` are generic [upstreams.NAME] settings, checked at load."""

    def test_proxy_must_be_an_http_proxy_url(self) -> None:
        """Only http://host:port is a proxy; anything else names the key."""
        from estra.config import ConfigError, settings_from_string
        base = '[upstreams.cf]\nkind = "cfssl"\nurl = "http://ca.test:8888"\n'
        ok = settings_from_string(base + 'proxy = "http://proxy.test:3128"\n')
        self.assertEqual(ok.upstreams["cf"].proxy, "http://proxy.test:3128")
        for bad in ("https://proxy.test:3128", "http://proxy.test", "http://u:p@proxy:1",
                    "proxy.test:3128", "http://proxy.test:99999"):
            with self.assertRaises(ConfigError) as caught:
                settings_from_string(base + f'proxy = "{bad}"\n')
            self.assertIn("upstreams.cf.proxy", str(caught.exception))
