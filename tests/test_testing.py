"""estra.testing: the in-memory RA is the production wiring, and a device's TLS facts
(client chain, channel binding, address) reach the RA through `estra.est.resource.peer_of`."""

from __future__ import annotations

import base64

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import AttributeOID
from twisted.trial.unittest import SynchronousTestCase

from estra.runtime.service import build_generation
from estra.testing import DeviceTLS, MemoryRA
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
