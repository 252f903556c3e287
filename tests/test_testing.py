"""estra.testing: the in-memory RA is the production wiring, and a device's TLS facts
(client chain, channel binding, address) reach the RA through `estra.est.resource.peer_of`."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import AttributeOID
from twisted.trial.unittest import SynchronousTestCase
from twisted.web.resource import Resource
from twisted.web.server import Request, Site

from estra.runtime.service import build_generation
from estra.testing import DeviceTLS, LogLines, MemoryRA, Reply, tls_peer
from tests import pki
from tests.conftest import issued

CONFIG = """
[profiles.default]
scep_password = "sesame"

[profiles.cb]
require_channel_binding = true

[profiles.rateip]
rate_per_address = "1/hour"
"""
CSR = {"Content-Type": "application/pkcs10"}
ALICE = ("alice", "correct horse")


def bound_csr(key: object, binding: bytes) -> bytes:
    csr = (x509.CertificateSigningRequestBuilder().subject_name(pki.name("alice"))
           .add_attribute(AttributeOID.CHALLENGE_PASSWORD, base64.b64encode(binding))
           .sign(key, hashes.SHA256()))  # type: ignore[arg-type]
    return pki.b64(csr)


class MemoryRATests(SynchronousTestCase):
    """One MemoryRA per test class: its EST, SCEP and admin faces answer in memory."""

    ra: MemoryRA

    @classmethod
    def setUpClass(cls) -> None:
        cls.ra = MemoryRA(CONFIG)
        cls.ra.add_user(*ALICE)

    def enroll(self, path: str = "simpleenroll", **kw: object) -> x509.Certificate:
        csr = pki.b64(pki.csr(pki.ec_key(), pki.name("alice")))
        reply = self.ra.post(f"/.well-known/est/{path}", csr, headers=CSR, user=ALICE, **kw)
        self.assertEqual(reply.code, 200, reply.body)
        return issued(reply.body)[0]

    def test_the_generation_is_production_built(self) -> None:
        """The resources served are those `estra.runtime.service.build_generation` made."""
        self.assertIsInstance(self.ra.generation.settings.profiles["cb"].require_channel_binding,
                              bool)
        self.assertEqual(build_generation.__module__, "estra.runtime.service")
        self.assertIs(self.ra.ra.store, self.ra.store)

    def test_basic_enrolls_and_no_credentials_is_401(self) -> None:
        """Basic alice gets a certificate of the embedded CA; nobody gets a 401 challenge."""
        cert = self.enroll()
        self.assertEqual(cert.issuer, self.ra.ca.cert.subject)
        reply = self.ra.post("/.well-known/est/simpleenroll",
                             pki.b64(pki.csr(pki.ec_key(), pki.name("x"))), headers=CSR)
        self.assertEqual(reply.code, 401)
        self.assertTrue(reply.headers["www-authenticate"].startswith("Basic realm="))

    def test_client_chain_is_injected(self) -> None:
        """A certificate issued here, presented as the TLS client chain, re-enrolls;
        without it the same request is 401."""
        key = pki.ec_key()
        reply = self.ra.post("/.well-known/est/simpleenroll",
                             pki.b64(pki.csr(key, pki.name("alice"))), headers=CSR, user=ALICE)
        cert = issued(reply.body)[0]
        again = pki.b64(pki.csr(pki.ec_key(), pki.name("alice")))
        reply = self.ra.post("/.well-known/est/simplereenroll", again, headers=CSR,
                             tls=DeviceTLS((cert,)))
        self.assertEqual(reply.code, 200, reply.body)
        self.assertEqual(self.ra.post("/.well-known/est/simplereenroll", again,
                                      headers=CSR).code, 401)

    def test_channel_binding_is_injected(self) -> None:
        """A CSR carrying the session's tls-unique is accepted; another session's is 403."""
        key = pki.ec_key()
        session = DeviceTLS(tls_unique=b"u" * 12)
        ok = self.ra.post("/.well-known/est/cb/simpleenroll", bound_csr(key, b"u" * 12),
                          headers=CSR, user=ALICE, tls=session)
        self.assertEqual(ok.code, 200, ok.body)
        refused = self.ra.post("/.well-known/est/cb/simpleenroll", bound_csr(key, b"v" * 12),
                               headers=CSR, user=ALICE, tls=session)
        self.assertEqual(refused.code, 403, refused.body)
        exporter = DeviceTLS(tls_exporter=b"e" * 32)
        self.assertEqual(self.ra.post("/.well-known/est/cb/simpleenroll",
                                      bound_csr(key, b"e" * 32), headers=CSR, user=ALICE,
                                      tls=exporter).code, 200)

    def test_peer_address_is_injected(self) -> None:
        """The per-address budget counts the address the device connects from."""
        self.enroll("rateip/simpleenroll", address="198.51.100.7")
        reply = self.ra.post("/.well-known/est/rateip/simpleenroll",
                             pki.b64(pki.csr(pki.ec_key(), pki.name("alice"))), headers=CSR,
                             user=ALICE, address="198.51.100.7")
        self.assertEqual(reply.code, 429)
        self.assertIn("ip:198.51.100.7", reply.text)
        self.enroll("rateip/simpleenroll", address="2001:db8::7")

    def test_scep_and_admin_faces(self) -> None:
        """SCEP answers GetCACaps over plain HTTP; the admin face answers /healthz."""
        caps = self.ra.get("/scep?operation=GetCACaps", face="scep")
        self.assertEqual(caps.code, 200)
        self.assertIn(b"SHA-256", caps.body)
        self.assertEqual(self.ra.get("/healthz", face="admin").code, 200)

    def test_time_is_the_memory_clock(self) -> None:
        """`advance` moves the RA's clock: nothing reads the real time."""
        before = self.ra.clock()
        self.ra.advance(3600)
        self.assertEqual(self.ra.clock(), before + 3600)


class CfsslSite(Resource):
    """A Twisted `Resource` answering cfssl's /info and /sign with `issuer`."""

    isLeaf = True

    def __init__(self, issuer: pki.CA) -> None:
        super().__init__()
        self.issuer, self.paths = issuer, list[bytes]()

    def render_POST(self, request: Request) -> bytes:
        self.paths.append(request.path)
        request.setHeader("Content-Type", "application/json")
        cert = self.issuer.cert
        if request.path == b"/api/v1/cfssl/sign":
            assert request.content is not None
            csr = x509.load_pem_x509_csr(
                json.loads(request.content.read())["certificate_request"].encode())
            cert = self.issuer.issue(csr.subject, csr.public_key())
        return json.dumps({"success": True, "result": {
            "certificate": cert.public_bytes(pki.PEM).decode()}}).encode()


class UpstreamPeerTests(SynchronousTestCase):
    """MemoryRA's upstreams: an adapter's own connection path (pooled agent, TLS with
    server verification and client certificate) reaches a peer in memory by address."""

    def setUp(self) -> None:
        self.dir = Path(self.mktemp()).resolve()
        self.dir.mkdir(parents=True)
        self.tls_ca = pki.CA("upstream TLS root")
        key = pki.ec_key()
        self.tls_cert = self.tls_ca.issue(pki.name("localhost"), key.public_key(),
                                          pki.sans("localhost", "127.0.0.1"))
        self.tls_key = key
        self.site = CfsslSite(pki.CA("upstream issuer"))
        self.logged = LogLines().start()
        self.addCleanup(self.logged.stop)

    def memory(self, peer: str = "site", trust: pki.CA | None = None, client: str = "",
               client_trust: tuple[x509.Certificate, ...] = ()) -> MemoryRA:
        """An RA whose upstream cf (https://localhost:8888) is `peer`: "site" (the Site
        behind TLS, its timers on the RA's reactor), "refuse" or "none" (no peer)."""
        ra = MemoryRA(f"""
[upstreams.cf]
kind = "cfssl"
url = "https://localhost:8888"
trust = "{(trust or self.tls_ca).write(self.dir, "trust")}"
retries = 0
timeout = 5
{client}
[profiles.default]
upstream = "cf"
""", state_dir=str(self.dir / "ra"), upstreams={})
        if peer == "site":
            ra.upstreams.peers["127.0.0.1:8888"] = tls_peer(
                Site(self.site, reactor=ra.reactor), self.tls_cert, self.tls_key,
                client_trust=client_trust)
        elif peer == "refuse":
            ra.upstreams.peers["127.0.0.1:8888"] = None
        ra.add_user(*ALICE)
        return ra

    def enroll(self, ra: MemoryRA, wait: float = 0) -> Reply:
        return ra.post("/.well-known/est/simpleenroll",
                       pki.b64(pki.csr(pki.ec_key(), pki.name("dev"))), headers=CSR,
                       user=ALICE, wait=wait)

    def test_a_site_is_reached_over_tls_on_one_pooled_connection(self) -> None:
        """Two enrollments issue from the Site's CA over one TLS connection to
        127.0.0.1:8888 (localhost resolved in memory), kept in the adapter's pool."""
        ra = self.memory()
        ra.flush()                      # the start-up issuer sync (/info) first
        self.assertEqual(self.site.paths, [b"/api/v1/cfssl/info"])
        for _ in range(2):
            reply = self.enroll(ra)
            self.assertEqual(reply.code, 200, reply.body)
            self.assertEqual(issued(reply.body)[0].issuer, self.site.issuer.cert.subject)
        self.assertIn(b"/api/v1/cfssl/sign", self.site.paths)
        self.assertEqual(ra.upstreams.connections, ["127.0.0.1:8888"])

    def test_the_server_certificate_is_verified(self) -> None:
        """An upstream whose certificate the configured trust does not anchor: the TLS
        handshake fails in memory as on a socket (503), and the Site is never asked."""
        ra = self.memory(trust=pki.CA("someone else"))
        reply = self.enroll(ra)
        self.assertEqual(reply.code, 503, reply.body)
        self.assertIn(b"TLS handshake failed", reply.body)
        self.assertEqual(self.site.paths, [])

    def test_a_required_client_certificate(self) -> None:
        """A peer requiring a client certificate under its CA: without one the handshake
        fails (503); with the RA's client_cert the enrollment issues."""
        client_ca = pki.CA("RA client CA")
        key = pki.ec_key()
        cert, key_file = pki.write_pair(self.dir, "ra", client_ca.issue(
            pki.name("estra RA"), key.public_key()), key)
        self.assertEqual(self.enroll(self.memory(client_trust=(client_ca.cert,))).code, 503)
        ra = self.memory(client=f'client_cert = "{cert}"\nclient_key = "{key_file}"\n',
                         client_trust=(client_ca.cert,))
        reply = self.enroll(ra)
        self.assertEqual(reply.code, 200, reply.body)

    def test_a_refusing_and_a_silent_address(self) -> None:
        """A peer of None refuses the connection (503 once the host name's connection
        attempts are over, 0.3 s on the clock); an address with no peer never answers:
        the request waits until the adapter's timeout on the clock."""
        refused = self.enroll(self.memory("refuse"), wait=1)
        self.assertEqual(refused.code, 503, refused.body)
        self.assertIn(b"refused the connection", refused.body)
        ra = self.memory("none")
        self.assertRaises(AssertionError, self.enroll, ra)   # still waiting
        started = ra.clock()
        silent = self.enroll(ra, wait=60)
        self.assertEqual(silent.code, 503, silent.body)
        self.assertIn(b"did not answer within 5 s", silent.body)
        self.assertLess(ra.clock() - started, 60)
