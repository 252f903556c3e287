"""Upstream connection pooling over real loopback sockets (issue #12): enrollments reuse
one upstream connection, and a pooled connection the upstream dropped is replaced."""

from __future__ import annotations

import base64
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7
from twisted.internet import reactor as _reactor
from twisted.internet.address import IPv4Address
from twisted.internet.endpoints import TCP4ServerEndpoint
from twisted.internet.interfaces import IProtocol
from twisted.internet.task import deferLater
from twisted.protocols.policies import WrappingFactory
from twisted.python.filepath import FilePath
from twisted.internet.defer import Deferred
from twisted.internet.testing import MemoryReactorClock
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request

from estra.upstream.client import EstClient
from estra.config import ConnectionLimits
from estra.errors import UpstreamUnavailable
from estra.web.http import make_site
from estra.web.tls import ServerTLS, TLSServerEndpoint
from estra.upstream.cfssl import CfsslCA
from estra.upstream.http import ClientTLSPolicy, UpstreamHTTP
from tests import pki

reactor: Any = _reactor


class Issuer(Resource):
    """An upstream CA: EST simpleenroll (certs-only, base64) and cfssl's /sign (JSON)."""

    isLeaf = True

    def __init__(self, ca: pki.CA) -> None:
        super().__init__()
        self.ca, self.served, self.drop, self.stall = ca, 0, 0, False

    def render_POST(self, request: Request) -> bytes | int:
        self.served += 1
        if self.drop:                       # close without an answer
            self.drop -= 1
            request.channel.transport.abortConnection()
            return NOT_DONE_YET
        if self.stall:                      # headers and half the body, then silence
            request.setHeader("Content-Length", "100")
            request.write(b"x" * 50)
            return NOT_DONE_YET
        body = request.content.read()
        if request.path.endswith(b"/sign"):
            csr = x509.load_pem_x509_csr(json.loads(body)["certificate_request"].encode())
            leaf = self.ca.issue(csr.subject, csr.public_key())
            return json.dumps({"success": True, "result": {
                "certificate": leaf.public_bytes(Encoding.PEM).decode()}}).encode()
        csr = x509.load_der_x509_csr(base64.b64decode(body))
        leaf = self.ca.issue(csr.subject, csr.public_key())
        request.setHeader("Content-Type", "application/pkcs7-mime; smime-type=certs-only")
        return base64.encodebytes(pkcs7.serialize_certificates([leaf], Encoding.DER))


class Counting(WrappingFactory):
    """Counts the connections the upstream accepted; `protocols` holds the open ones."""

    accepted = 0

    def buildProtocol(self, addr: IPv4Address) -> IProtocol | None:
        self.accepted += 1
        return super().buildProtocol(addr)


class PoolTests(TestCase):
    timeout = 30

    async def upstream(self, idle_timeout: float = 60, tls: bool = True) -> str:
        """An upstream CA on 127.0.0.1 with estra's own HTTP server: its base URL."""
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp)
        self.ca, key = pki.CA("upstream CA"), pki.ec_key()
        cert = self.ca.issue(pki.name("upstream"), key.public_key(), pki.sans("127.0.0.1"))
        cert_file, key_file = pki.write_pair(tmp, "server", cert, key)
        self.issuer = Issuer(self.ca)
        limits = ConnectionLimits(idle_timeout=idle_timeout)
        self.factory = Counting(make_site(self.issuer, 64 * 1024, limits, reactor))
        endpoint: Any = TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1")
        if tls:
            endpoint = TLSServerEndpoint(endpoint, ServerTLS(FilePath(str(cert_file)),
                                                             FilePath(str(key_file))))
        port = await endpoint.listen(self.factory)
        self.addCleanup(port.stopListening)
        return f"{'https' if tls else 'http'}://127.0.0.1:{port.getHost().port}"

    def http(self, timeout: float = 5) -> UpstreamHTTP:
        http = UpstreamHTTP(reactor, "est", "corp", ClientTLSPolicy([self.ca.cert]),
                            timeout=timeout)
        self.addCleanup(lambda: http.pool.closeCachedConnections())
        return http

    def csr(self, cn: str) -> x509.CertificateSigningRequest:
        return pki.csr(pki.ec_key(), pki.name(cn))

    async def until_closed(self) -> None:
        """Wait (at most 5 s) until the upstream has no open connection."""
        deadline = time.monotonic() + 5
        while self.factory.protocols:
            self.assertLess(time.monotonic(), deadline, "the upstream kept the connection")
            await deferLater(reactor, 0.05)

    async def test_est_enrollments_share_one_connection(self) -> None:
        """Three EST enrollments in a row travel over one upstream TLS connection."""
        url = await self.upstream()
        client = EstClient(self.http(), url)
        for n in range(3):
            certs = await client.enroll(self.csr(f"dev{n}").public_bytes(Encoding.DER))
            self.assertEqual(certs[0].subject, pki.name(f"dev{n}"))
        self.assertEqual((self.issuer.served, self.factory.accepted), (3, 1))

    async def test_cfssl_enrollments_share_one_connection(self) -> None:
        """Three cfssl /sign calls in a row travel over one plain HTTP connection."""
        url = await self.upstream(tls=False)
        ca = CfsslCA(self.http(), url, "device", "", None)
        for n in range(3):
            certs = await ca.enroll(self.csr(f"dev{n}"), None, None)
            self.assertEqual(certs[0].subject, pki.name(f"dev{n}"))
        self.assertEqual((self.issuer.served, self.factory.accepted), (3, 1))

    async def test_upstream_closing_idle_connection_is_replaced(self) -> None:
        """When the upstream closes the pooled connection after its idle timeout, the
        next enrollment succeeds over a new connection (no 502 or 503)."""
        url = await self.upstream(idle_timeout=0.3)
        client = EstClient(self.http(), url)
        await client.enroll(self.csr("first").public_bytes(Encoding.DER))
        await self.until_closed()
        certs = await client.enroll(self.csr("second").public_bytes(Encoding.DER))
        self.assertEqual(certs[0].subject, pki.name("second"))
        self.assertEqual((self.issuer.served, self.factory.accepted), (2, 2))

    async def test_reused_connection_closed_without_answer_is_retried(self) -> None:
        """A pooled connection the upstream closes as the next POST arrives (its idle
        timeout racing our request) is not the CA's answer: the POST goes once more over
        a new connection and the enrollment succeeds."""
        url = await self.upstream()
        client = EstClient(self.http(), url)
        await client.enroll(self.csr("first").public_bytes(Encoding.DER))
        self.issuer.drop = 1
        certs = await client.enroll(self.csr("second").public_bytes(Encoding.DER))
        self.assertEqual(certs[0].subject, pki.name("second"))
        self.assertEqual((self.issuer.served, self.factory.accepted), (3, 2))

    async def test_new_connection_closed_without_answer_is_not_repeated(self) -> None:
        """A POST on a new connection that the upstream closes unanswered may have
        reached the CA: it is not sent again, the device gets 503."""
        url = await self.upstream()
        client = EstClient(self.http(), url)
        self.issuer.drop = 1
        with self.assertRaises(UpstreamUnavailable) as caught:
            await client.enroll(self.csr("once").public_bytes(Encoding.DER))
        self.assertIn("connection closed before an answer", caught.exception.reason)
        self.assertEqual(self.issuer.served, 1)

    async def test_stalled_answer_times_out_and_closes_the_connection(self) -> None:
        """An answer that stops halfway is a 503 after the timeout, and its connection
        is closed, never handed to the next request half-read."""
        url = await self.upstream()
        client = EstClient(self.http(timeout=0.5), url)
        self.issuer.stall = True
        with self.assertRaises(UpstreamUnavailable) as caught:
            await client.enroll(self.csr("stalled").public_bytes(Encoding.DER))
        self.assertIn("did not answer within", caught.exception.reason)
        await self.until_closed()
        self.issuer.stall = False
        await client.enroll(self.csr("next").public_bytes(Encoding.DER))
        self.assertEqual((self.issuer.served, self.factory.accepted), (2, 2))


class EndpointTests(SynchronousTestCase):
    def test_literal_addresses_connect_without_resolving(self) -> None:
        """An upstream given by IPv4 or IPv6 address is connected to at once (no name
        resolution through the thread pool), with the configured connect timeout."""
        reactor = MemoryReactorClock()
        http = UpstreamHTTP(reactor, "est", "corp", ClientTLSPolicy(None), connect_timeout=7)
        for url, host in (("https://127.0.0.1:8443/", "127.0.0.1"), ("http://[::1]:8888/", "::1")):
            Deferred.fromCoroutine(http.request("GET", url))
            self.assertEqual(reactor.tcpClients[-1][:2], (host, int(url.rsplit(":", 1)[1][:-1])))
            self.assertEqual(reactor.tcpClients[-1][3], 7)
