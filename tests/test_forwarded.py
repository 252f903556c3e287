"""A TLS-terminating balancer's forwarded client chain and channel binding
(estra.web.forwarded): taken only from `server.trusted_proxies`, judged by the same
authentication as a chain estra received itself; the TLS 1.3 exporter derivation
checked against OpenSSL's own. haproxy in front of estra: tests/test_balancer.py."""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import AttributeOID, ExtendedKeyUsageOID
from OpenSSL import SSL
from OpenSSL._util import lib as _lib
from twisted.trial.unittest import SynchronousTestCase

from estra.config import ConfigError, settings_from_string
from estra.web.forwarded import TrustedBalancers, tls13_exporter
from estra.testing import DeviceTLS, LogLines, MemoryRA
from tests import pki
from tests.conftest import issued

BALANCER, DEVICE = "192.0.2.50", "198.51.100.7"
CSR = {"Content-Type": "application/pkcs10"}
CONFIG = """
[server]
trusted_proxies = ["192.0.2.48/29", "2001:db8:1::/64"]

[tls]
client_trust = ["{boot}"]

[profiles.default]
allow_basic = false

[profiles.cb]
allow_basic = false
require_channel_binding = true
"""


def csr_b64(key: object, cn: str, binding: bytes | None = None) -> bytes:
    builder = x509.CertificateSigningRequestBuilder().subject_name(pki.name(cn))
    if binding is not None:
        builder = builder.add_attribute(AttributeOID.CHALLENGE_PASSWORD,
                                        base64.b64encode(binding))
    return pki.b64(builder.sign(key, hashes.SHA256()))  # type: ignore[arg-type]


def forwarded(cert: x509.Certificate | None, protocol: str = "TLSv1.2",
              chain: tuple[x509.Certificate, ...] = (), unique: bytes = b"",
              exporter_secret: bytes = b"") -> dict[str, str]:
    """The headers haproxy's documented configuration sets (docs/balancers.rst)."""
    return {"X-Estra-TLS-Protocol": protocol,
            "X-Estra-Client-Cert": base64.b64encode(pki.der(cert)).decode() if cert else "",
            "X-Estra-Client-Chain": base64.b64encode(b"".join(pki.der(c) for c in chain))
            .decode(),
            "X-Estra-TLS-Unique": base64.b64encode(unique).decode(),
            "X-Estra-TLS-Exporter-Secret": exporter_secret.hex(), **CSR}


class ForwardedTLSTests(SynchronousTestCase):
    """Balancer at 192.0.2.50 (trusted); devices with bootstrap certificates behind it."""

    ra: MemoryRA
    boot: pki.CA

    @classmethod
    def setUpClass(cls) -> None:
        cls.boot = pki.CA("IDevID CA")
        where = Path(tempfile.mkdtemp(prefix="estra-forwarded-"))
        cls.ra = MemoryRA(CONFIG.format(boot=cls.boot.write(where, "boot")))

    def device(self, cn: str) -> x509.Certificate:
        return self.boot.issue(pki.name(cn), pki.ec_key().public_key(),
                               ekus=[ExtendedKeyUsageOID.CLIENT_AUTH])

    def post(self, path: str, body: bytes, headers: dict[str, str],
             address: str = BALANCER, tls: DeviceTLS | None = None) -> tuple[int, str]:
        reply = self.ra.post(f"/.well-known/est/{path}", body, headers=headers,
                             address=address, tls=tls or DeviceTLS())
        return reply.code, reply.text

    def test_forwarded_bootstrap_certificate_enrolls(self) -> None:
        """A device certificate the balancer forwards is a bootstrap identity, exactly
        as if the device had presented it to estra; without the header: 401."""
        body = csr_b64(pki.ec_key(), "dev1")
        code, text = self.post("simpleenroll", body, forwarded(self.device("dev1")))
        self.assertEqual(code, 200, text)
        self.assertEqual(self.post("simpleenroll", body, forwarded(None))[0], 401)

    def test_forwarded_chain_reenrolls_issued_certificate(self) -> None:
        """A certificate issued here, forwarded by the balancer, re-enrolls."""
        key = pki.ec_key()
        code, text = self.post("simpleenroll", csr_b64(key, "dev2"),
                               forwarded(self.device("dev2")))
        cert = issued(text.encode())[0]
        code, text = self.post("simplereenroll", csr_b64(pki.ec_key(), "dev2"),
                               forwarded(cert, chain=(cert,)))
        self.assertEqual(code, 200, text)

    def test_untrusted_certificate_is_judged_as_if_presented(self) -> None:
        """A forwarded certificate from an unknown CA authenticates nothing (401), as
        when presented directly: the balancer vouches for nothing."""
        stranger = pki.CA("other").issue(pki.name("dev3"), pki.ec_key().public_key())
        code, _ = self.post("simpleenroll", csr_b64(pki.ec_key(), "dev3"),
                            forwarded(stranger))
        self.assertEqual(code, 401)

    def test_forwarded_headers_replace_the_connection_facts(self) -> None:
        """The balancer's own TLS client certificate (its connection to estra) proves
        nothing for the device whose facts it forwards."""
        code, _ = self.post("simpleenroll", csr_b64(pki.ec_key(), "dev4"), forwarded(None),
                            tls=DeviceTLS((self.device("balancer"),)))
        self.assertEqual(code, 401)

    def test_forwarded_tls_unique_binds(self) -> None:
        """TLS 1.2: a CSR bound to the device<->balancer session's tls-unique enrolls;
        one carrying another session's value is refused."""
        cert, key = self.device("dev5"), pki.ec_key()
        code, text = self.post("cb/simpleenroll", csr_b64(key, "dev5", b"u" * 12),
                               forwarded(cert, unique=b"u" * 12))
        self.assertEqual(code, 200, text)
        code, text = self.post("cb/simpleenroll", csr_b64(key, "dev5", b"u" * 12),
                               forwarded(cert, unique=b"v" * 12))
        self.assertEqual(code, 403, text)
        self.assertIn("channel-binding", text)

    def test_tls_unique_is_not_taken_for_tls13(self) -> None:
        """TLS 1.3 has no tls-unique: a forwarded one does not bind a TLS 1.3 session."""
        cert, key = self.device("dev6"), pki.ec_key()
        code, text = self.post("cb/simpleenroll", csr_b64(key, "dev6", b"u" * 12),
                               forwarded(cert, "TLSv1.3", unique=b"u" * 12))
        self.assertEqual(code, 403, text)

    def test_forwarded_exporter_secret_binds(self) -> None:
        """TLS 1.3: tls-exporter derived from the forwarded exporter secret binds; the
        secret is in no log line and not in the store."""
        cert, secret = self.device("dev7"), bytes(range(100, 148))
        logged = LogLines().start()
        try:
            code, text = self.post("cb/simpleenroll",
                                   csr_b64(pki.ec_key(), "dev7", tls13_exporter(secret)),
                                   forwarded(cert, "TLSv1.3", exporter_secret=secret))
            refused, _ = self.post("cb/simpleenroll", csr_b64(pki.ec_key(), "dev7", b"x"),
                                   forwarded(cert, "TLSv1.3", exporter_secret=secret))
        finally:
            log = logged.stop()
        self.assertEqual((code, refused), (200, 403), text)
        self.assertNotIn(secret.hex(), log.lower())
        self.assertNotIn(secret.hex().encode(), self.ra.stored_bytes().lower())

    def test_headers_from_anyone_else_are_refused_and_logged(self) -> None:
        """A device sending the headers itself gets 403 text/plain naming the rule,
        and the refusal is logged; the forged certificate is never judged."""
        logged = LogLines().start()
        try:
            reply = self.ra.post("/.well-known/est/simpleenroll",
                                 csr_b64(pki.ec_key(), "dev8"),
                                 headers=forwarded(self.device("dev8")), address=DEVICE)
        finally:
            log = logged.stop()
        self.assertEqual(reply.code, 403, reply.text)
        self.assertTrue(reply.headers["content-type"].startswith("text/plain"))
        self.assertIn("forwarded-tls", reply.text)
        self.assertIn(DEVICE, reply.text)
        self.assertRegex(log, rf"simpleenroll \[default\] 403 .*from {DEVICE}.*forwarded-tls")

    def test_one_header_alone_from_a_device_is_refused(self) -> None:
        """Any one of the headers (even empty) from an untrusted peer is refused."""
        code, _ = self.post("simpleenroll", csr_b64(pki.ec_key(), "dev9"),
                            {"X-Estra-TLS-Unique": "", **CSR}, address=DEVICE)
        self.assertEqual(code, 403)

    def test_malformed_forwarded_values_are_400(self) -> None:
        """Bad values from the balancer: 400 with a reason, never a 5xx."""
        cert = self.device("dev10")
        for change in ({"X-Estra-TLS-Protocol": "SSLv3"},
                       {"X-Estra-Client-Cert": "not base64!"},
                       {"X-Estra-Client-Cert": base64.b64encode(b"0\x03abc").decode()},
                       {"X-Estra-Client-Chain": base64.b64encode(b"\x30\x84" + b"\xff" * 8)
                        .decode()},
                       {"X-Estra-TLS-Unique": "%%%"},
                       {"X-Estra-TLS-Protocol": "TLSv1.3", "X-Estra-TLS-Exporter-Secret": "zz"},
                       {"X-Estra-TLS-Protocol": "TLSv1.3",
                        "X-Estra-TLS-Exporter-Secret": "ab" * 20}):
            with self.subTest(change=change):
                code, text = self.post("cb/simpleenroll", csr_b64(pki.ec_key(), "dev10"),
                                       {**forwarded(cert), **change})
                self.assertEqual(code, 400, text)

    def test_ipv6_balancer_network(self) -> None:
        """A balancer inside a configured IPv6 network is trusted."""
        code, text = self.post("simpleenroll", csr_b64(pki.ec_key(), "dev11"),
                               forwarded(self.device("dev11")), address="2001:db8:1::9")
        self.assertEqual(code, 200, text)


class TrustedProxiesSettingTests(SynchronousTestCase):
    def test_parsed(self) -> None:
        """Addresses and networks, IPv4 and IPv6; an IPv4-mapped peer matches."""
        settings = settings_from_string('[server]\ntrusted_proxies = ["10.0.0.5", "fd00::/8"]\n')
        balancers = TrustedBalancers.parse(settings.trusted_proxies)
        self.assertTrue(balancers.trusts("10.0.0.5"))
        self.assertTrue(balancers.trusts("::ffff:10.0.0.5"))
        self.assertTrue(balancers.trusts("fd00::1"))
        self.assertFalse(balancers.trusts("10.0.0.6"))
        self.assertFalse(balancers.trusts(None))
        self.assertFalse(TrustedBalancers().trusts("10.0.0.5"))

    def test_bad_entry_names_key(self) -> None:
        """A value that is no address or network is a ConfigError naming the key."""
        with self.assertRaises(ConfigError) as caught:
            settings_from_string('[server]\ntrusted_proxies = ["balancer.example"]\n')
        self.assertIn("server.trusted_proxies", str(caught.exception))


class ExporterDerivationTests(SynchronousTestCase):
    """tls13_exporter against OpenSSL: a TLS 1.3 handshake in memory, the server's
    EXPORTER_SECRET from its key log (what haproxy's ssl_fc_exporter_secret gives)."""

    def handshake(self, cipher: bytes) -> tuple[SSL.Connection, bytes]:
        where = Path(tempfile.mkdtemp(prefix="estra-exporter-"))
        ca = pki.CA("test")
        key = pki.ec_key()
        cert, key_file = pki.write_pair(where, "server", ca.issue(
            pki.name("localhost"), key.public_key()), key)
        secrets: list[bytes] = []
        server_ctx = SSL.Context(SSL.TLS_SERVER_METHOD)
        server_ctx.use_certificate_file(str(cert))
        server_ctx.use_privatekey_file(str(key_file))
        server_ctx.set_keylog_callback(lambda conn, line: secrets.append(line))
        client_ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
        client_ctx.set_min_proto_version(SSL.TLS1_3_VERSION)
        _lib.SSL_CTX_set_ciphersuites(client_ctx._context, cipher)  # no pyOpenSSL call
        server, client = SSL.Connection(server_ctx), SSL.Connection(client_ctx)
        server.set_accept_state()
        client.set_connect_state()
        for _ in range(10):
            for one, other in ((client, server), (server, client)):
                try:
                    one.do_handshake()
                except SSL.WantReadError:
                    pass
                while True:
                    try:
                        other.bio_write(one.bio_read(65536))
                    except SSL.WantReadError:
                        break
        line = next(s for s in secrets if s.startswith(b"EXPORTER_SECRET "))
        return client, bytes.fromhex(line.split()[2].decode())

    def test_matches_openssl(self) -> None:
        """SHA-256 and SHA-384 suites: tls-exporter (and another label and context)
        equal what OpenSSL's SSL_export_keying_material gives the client."""
        for cipher in (b"TLS_AES_128_GCM_SHA256", b"TLS_AES_256_GCM_SHA384"):
            with self.subTest(cipher=cipher):
                client, secret = self.handshake(cipher)
                self.assertEqual(len(secret), 48 if b"384" in cipher else 32)
                self.assertEqual(tls13_exporter(secret), client.export_keying_material(
                    b"EXPORTER-Channel-Binding", 32, b""))
                self.assertEqual(tls13_exporter(secret, b"other", b"ctx", 20),
                                 client.export_keying_material(b"other", 20, b"ctx"))
