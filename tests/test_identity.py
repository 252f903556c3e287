"""The identity model in process: principals, acceptance by profile, hostile certificates."""

from __future__ import annotations

import base64
import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.hazmat.primitives.serialization import Encoding
from twisted.internet.defer import Deferred
from twisted.trial.unittest import SynchronousTestCase

from estra.ra.auth import Authenticator, Identity, Peer
from estra.asn1 import wire
from estra.config import Profile
from estra.ra.crls import RevocationLists
from estra.errors import Forbidden, Unauthorized
from estra.principals import BASIC, ISSUED, RA, UNRECORDED, parse_principal
from estra.web.tls import TrustStore
from estra.store.database import Standing
from tests import pki
from tests.test_approvals import store_before

CMC_RA = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.28")


def run(coroutine: Any) -> Any:
    """The result of a coroutine that never waits (no store, no bcrypt here)."""
    d: Deferred[Any] = Deferred.fromCoroutine(coroutine)
    results: list[Any] = []
    d.addBoth(results.append)
    assert results, "the coroutine waited"
    return results[0]


class PrincipalTests(SynchronousTestCase):
    def test_kinds_never_compare_equal(self) -> None:
        """The same name proven in different ways gives different principals."""
        peer = Peer("192.0.2.1", (), None, None)
        names = {Identity(BASIC, "alice", "", peer).principal,
                 Identity(ISSUED, "alice", "default", peer).principal,
                 Identity(ISSUED, "alice", "strict", peer).principal,
                 Identity("bootstrap", "alice", "00ff", peer).principal,
                 Identity(RA, "alice", "00ff", peer).principal,
                 Identity("code", "alice", "", peer).principal}
        self.assertEqual(len(names), 6)

    def test_principal_round_trip(self) -> None:
        """A stored principal names the same identity again; malformed ones are refused."""
        peer = Peer("192.0.2.1", (), None, None)
        for identity in (Identity(ISSUED, "a:b", "default", peer),
                         Identity(BASIC, "alice", "", peer),
                         Identity("scep-static", "", "default", peer)):
            self.assertEqual(Identity.from_principal(identity.principal, peer), identity)
        for bad in ("alice", "root:alice", "issued:alice", "basic:", "code:"):
            self.assertRaises(ValueError, parse_principal, bad)


def duplicated_extensions(cert: x509.Certificate) -> x509.Certificate:
    """`cert` with its first extension twice: cryptography raises on reading them."""
    parsed = asn1_x509.Certificate.load(pki.der(cert))
    tbs = parsed["tbs_certificate"]
    extensions = list(tbs["extensions"])
    tbs["extensions"] = asn1_x509.Extensions([*extensions, extensions[0]])
    return x509.load_der_x509_certificate(parsed.dump(force=True))


class CertificateTests(SynchronousTestCase):
    def setUp(self) -> None:
        self.ca, self.ra_ca = pki.CA("our CA"), pki.CA("RA CA")
        self.recorded: dict[int, str] = {}                    # serial -> profile
        self.enrolled_by: dict[int, str] = {}                 # serial -> principal

        async def standing(cert: x509.Certificate) -> Standing:
            label = self.recorded.get(cert.serial_number)
            return Standing(label, None if label is None else self.enrolled_by.get(
                cert.serial_number, "basic:someone"))
        self.auth = Authenticator(TrustStore("issuing CA", [self.ca.cert]),
                                  TrustStore("bootstrap", [self.ca.cert]), None,  # type: ignore[arg-type]
                                  "estra", lambda: pki.NOW.timestamp(), standing,
                                  TrustStore("RA", [self.ra_ca.cert], pinned_leaves=True))

    def identify(self, cert: x509.Certificate, profile: Profile) -> Any:
        return run(self.auth.authenticate(Peer("192.0.2.1", (cert,), None, None), profile))

    def test_issued_under_this_profile_only(self) -> None:
        """A certificate recorded under profile A authenticates at A, not at B, unless B
        accepts A's certificates; an unrecorded one only where "*" is accepted."""
        cert = self.ca.issue(pki.name("dev"), pki.ec_key().public_key())
        self.recorded[cert.serial_number] = "a"
        identity = self.identify(cert, Profile("a"))
        self.assertEqual(identity.principal, "issued:a:dev")
        refused = self.identify(cert, Profile("b")).value
        self.assertIsInstance(refused, Unauthorized)
        self.assertIn("issued under profile 'a'", refused.reason)
        self.assertEqual(self.identify(cert, Profile("b", accept_issued_from=("a",))
                                       ).principal, "issued:a:dev")
        stranger = self.ca.issue(pki.name("dev"), pki.ec_key().public_key())
        self.assertIsInstance(self.identify(stranger, Profile("a")).value, Unauthorized)
        self.assertEqual(self.identify(stranger, Profile("a", accept_issued_from=("*",))
                                       ).realm, UNRECORDED)

    def test_same_name_from_two_manufacturers_never_collides(self) -> None:
        """Devices of two bootstrap anchors (or RAs, or SCEP profiles) with one CN are two
        principals after re-enrollment, and stay so over further re-enrollments;
        certificates enrolled by Basic users keep "issued:PROFILE:CN"."""
        principals = []
        for enrolled_by in ("bootstrap:aaaa:dev", "bootstrap:bbbb:dev", "ra:cccc:ra-1",
                            "scep-static:a:", "issued:a@bootstrap/aaaa:dev", "basic:alice"):
            cert = self.ca.issue(pki.name("dev"), pki.ec_key().public_key())
            self.recorded[cert.serial_number] = "a"
            self.enrolled_by[cert.serial_number] = enrolled_by
            identity = self.identify(cert, Profile("a"))
            self.assertEqual(self.identify(cert, Profile("b", accept_issued_from=("a",))
                                           ).principal, identity.principal)
            self.assertEqual(identity.name, "dev")              # what {identity} stands for
            principals.append(identity.principal)
        self.assertEqual(principals, [
            "issued:a@bootstrap/aaaa:dev", "issued:a@bootstrap/bbbb:dev",
            "issued:a@ra/cccc:dev", "issued:a@scep-static/a:dev",
            "issued:a@bootstrap/aaaa:dev", "issued:a:dev"])
        self.assertIsInstance(self.identify(cert, Profile("b")).value, Unauthorized)

    def test_ra_only_from_ra_trust(self) -> None:
        """id-kp-cmcRA makes an RA only under an ra_trust anchor (or a pinned leaf)."""
        key = pki.ec_key().public_key()
        device_ra = self.ca.issue(pki.name("sneaky"), key,
                                   ekus=[CMC_RA, ExtendedKeyUsageOID.CLIENT_AUTH])
        self.recorded[device_ra.serial_number] = "a"
        self.assertEqual(self.identify(device_ra, Profile("a")).kind, ISSUED)
        real = self.ra_ca.issue(pki.name("ra-1"), key, ekus=[CMC_RA])
        self.assertEqual(self.identify(real, Profile("a")).kind, RA)
        self.assertIsInstance(self.identify(real, Profile("a", accept=("basic", "issued"))
                                            ).value, Unauthorized)
        pinned = Authenticator(TrustStore("issuing CA", []), TrustStore("bootstrap", []),
                               None, "estra", lambda: pki.NOW.timestamp(),  # type: ignore[arg-type]
                               self.auth._standing,
                               TrustStore("RA", [real], pinned_leaves=True))
        peer = Peer("192.0.2.1", (real,), None, None)
        self.assertEqual(run(pinned.authenticate(peer, Profile("a"))).kind, RA)

    def test_unreadable_certificate_is_401(self) -> None:
        """A client certificate cryptography cannot read is no credential: 401, not 500."""
        hostile = duplicated_extensions(self.ra_ca.issue(
            pki.name("x"), pki.ec_key().public_key(), ekus=[CMC_RA],
            not_after=pki.NOW + datetime.timedelta(days=1)))
        self.assertRaises(x509.DuplicateExtension, lambda: hostile.extensions)
        refused = self.identify(hostile, Profile("a")).value
        self.assertIsInstance(refused, Unauthorized)
        self.assertIn("unreadable", refused.reason)


class RevokedCredentialTests(SynchronousTestCase):
    """Revocation is decided where a certificate becomes an identity (estra.ra.auth)."""

    def setUp(self) -> None:
        from twisted.python.filepath import FilePath
        self.ca, self.mfr = pki.CA("our CA"), pki.CA("Manufacturer CA")
        self.tmp = FilePath(self.mktemp())
        self.tmp.makedirs()
        self.crl = self.tmp.child("mfr.crl")
        self.write_crl()
        self.now = pki.NOW.timestamp()
        self.standing: dict[int, Standing] = {}

        async def standing(cert: x509.Certificate) -> Standing:
            return self.standing.get(cert.serial_number, Standing("a", "basic:someone"))
        self.lists = RevocationLists([self.crl], lambda: self.now, recheck_seconds=0)
        self.auth = Authenticator(TrustStore("issuing CA", [self.ca.cert]),
                                  TrustStore("bootstrap", [self.mfr.cert]), None,  # type: ignore[arg-type]
                                  "estra", lambda: self.now, standing, crls=self.lists)

    def write_crl(self, *revoked: x509.Certificate, signer: Any = None,
                  next_update: datetime.timedelta = datetime.timedelta(days=1)) -> None:
        from cryptography.hazmat.primitives import hashes
        b = (x509.CertificateRevocationListBuilder().issuer_name(self.mfr.cert.subject)
             .last_update(pki.NOW - datetime.timedelta(hours=1))
             .next_update(pki.NOW + next_update))
        for cert in revoked:
            b = b.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(
                cert.serial_number).revocation_date(pki.NOW).build())
        self.crl.setContent(b.sign(signer or self.mfr.key, hashes.SHA256())
                            .public_bytes(pki.PEM))

    def identify(self, cert: x509.Certificate, tls: bool = True,
                 profile: Profile = Profile("a")) -> Any:
        return run(self.auth.authenticate(Peer("192.0.2.1", (cert,), None, None, tls=tls),
                                          profile))

    def test_store_revocation_is_403_for_every_use(self) -> None:
        """A certificate the store says was revoked authenticates nothing: 403 "revoked:"
        over TLS and as a SCEP signer alike; another one of the same CA still does."""
        cert = self.ca.issue(pki.name("dev"), pki.ec_key().public_key())
        self.standing[cert.serial_number] = Standing("a", "basic:someone", "keyCompromise")
        for tls in (True, False):
            refused = self.identify(cert, tls).value
            self.assertIsInstance(refused, Forbidden)
            self.assertTrue(refused.reason.startswith("revoked:"), refused.reason)
            self.assertIn("keyCompromise", refused.reason)
        other = self.ca.issue(pki.name("dev"), pki.ec_key().public_key())
        self.assertEqual(self.identify(other).kind, ISSUED)

    def test_crl_revocation_read_again_without_restart(self) -> None:
        """A bootstrap certificate put on its issuer's CRL (the file rewritten) is refused
        from the next request on; the CRL's signature must be its issuer's."""
        cert = self.mfr.issue(pki.name("idevid"), pki.ec_key().public_key())
        self.assertEqual(self.identify(cert).kind, "bootstrap")
        self.write_crl(cert)
        self.assertIn("revoked:", self.identify(cert).value.reason)
        self.write_crl(cert, signer=pki.ec_key())        # forged: does not verify
        forged = self.identify(cert).value
        self.assertIsInstance(forged, Unauthorized)
        self.assertIn("does not verify", forged.reason)

    def test_stale_or_unreadable_crl(self) -> None:
        """Past nextUpdate: revocation status unknown (refused); an unreadable file keeps
        the last CRL read from it."""
        cert = self.mfr.issue(pki.name("idevid"), pki.ec_key().public_key())
        self.write_crl(next_update=datetime.timedelta(hours=1))
        self.now += 7200
        self.assertIn("revocation status unknown", self.identify(cert).value.reason)
        self.now -= 7200
        self.crl.setContent(b"not a CRL")
        self.assertEqual(self.identify(cert).kind, "bootstrap")

    def test_crls_must_be_readable_at_start(self) -> None:
        """A configured CRL file that cannot be read refuses the start, naming it."""
        self.crl.setContent(b"garbage")
        with self.assertRaises(ValueError) as caught:
            RevocationLists([self.crl], lambda: self.now)
        self.assertIn(self.crl.path, str(caught.exception))

    def test_tls_client_needs_client_auth_eku(self) -> None:
        """Over TLS a certificate whose EKU lacks clientAuth is no credential unless the
        profile's client_eku allows it; no EKU at all, anyExtendedKeyUsage, and a SCEP
        signer (not TLS) are fine."""
        key = pki.ec_key().public_key()
        server_only = self.ca.issue(pki.name("srv"), key, ekus=[ExtendedKeyUsageOID.SERVER_AUTH])
        refused = self.identify(server_only).value
        self.assertIsInstance(refused, Unauthorized)
        self.assertIn("client_eku", refused.reason)
        self.assertEqual(self.identify(server_only, tls=False).kind, ISSUED)
        self.assertEqual(self.identify(server_only, profile=Profile(
            "a", client_eku=("serverAuth",))).kind, ISSUED)
        self.assertEqual(self.identify(server_only, profile=Profile("a", client_eku=())
                                       ).kind, ISSUED)
        for ekus in ([], [x509.ObjectIdentifier("2.5.29.37.0")],
                     [ExtendedKeyUsageOID.CLIENT_AUTH]):
            self.assertEqual(self.identify(self.ca.issue(pki.name("d"), key, ekus=ekus)).kind,
                             ISSUED)


class StandingTests(SynchronousTestCase):
    def test_revocation_matches_serial_and_issuer(self) -> None:
        """Store.standing: the recorded profile, and a revocation of that serial by the
        same CA key; the same serial from another CA is not revoked."""
        from cryptography.hazmat.primitives.serialization import Encoding
        import base64
        from estra.testing import SyncPool
        from estra.store.database import SQLITE, Store, _migrate
        from estra.asn1.wire import authority_key_id, serial_hex
        pool = SyncPool()
        store = Store(pool, SQLITE, lambda: 0.0)  # type: ignore[arg-type]
        _migrate(pool.conn.cursor(), SQLITE)
        ours = pki.CA("ours")
        key = pki.ec_key().public_key()
        from cryptography.hazmat.primitives import hashes
        cert = (x509.CertificateBuilder().subject_name(pki.name("d"))
                .issuer_name(ours.cert.subject).public_key(key).serial_number(4711)
                .not_valid_before(pki.NOW).not_valid_after(pki.NOW + datetime.timedelta(days=1))
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    ours.key.public_key()), False).sign(ours.key, hashes.SHA256()))
        der = base64.b64encode(cert.public_bytes(Encoding.DER)).decode()
        serial = serial_hex(cert.serial_number)
        pool.conn.execute("INSERT INTO enrollments (at, identity, method, peer, label, "
                          "operation, csr_sha256, key_sha256, subject, sans, decision, rule, "
                          "reason, serial, certificate) VALUES (0,'basic:a','basic','-','p',"
                          "'simpleenroll','','','','[]','issued','issued','',?,?)",
                          (serial, der))
        self.assertEqual(run(store.standing(cert)), Standing("p", "basic:a"))
        pool.conn.execute("INSERT INTO revocations (at, serial, issuer, label, upstream, kind, "
                          "reason, revoked_by, outcome, detail) VALUES (0,?,?,'p','local',"
                          "'local','superseded','op','crl','')",
                          (serial, "00" * 20))
        self.assertEqual(run(store.standing(cert)).revoked, None)   # another CA's serial
        pool.conn.execute("INSERT INTO revocations (at, serial, issuer, label, upstream, kind, "
                          "reason, revoked_by, outcome, detail) VALUES (0,?,?,'p','local',"
                          "'local','keyCompromise','op','crl','')",
                          (serial, authority_key_id(cert)))
        self.assertEqual(run(store.standing(cert)), Standing("p", "basic:a", "keyCompromise"))


class IssuedOriginStoreTests(SynchronousTestCase):
    """The issued principal's origin as the store records it (in-memory SQLite)."""

    def setUp(self) -> None:
        self.ca = pki.CA("our CA")
        self.store, self.cursor = store_before("_issued_principals_with_origin")

    def issue(self, enrolled_by: str, label: str = "a") -> x509.Certificate:
        """A certificate with CN "dev", recorded as issued under `label` to `enrolled_by`."""
        cert = self.ca.issue(pki.name("dev"), pki.ec_key().public_key())
        self.cursor.execute(
            "INSERT INTO enrollments (at, identity, method, peer, label, operation, "
            "csr_sha256, key_sha256, subject, sans, decision, rule, reason, serial, "
            "certificate) VALUES (1, ?, 'x', '192.0.2.1', ?, 'simpleenroll', '', '', "
            "'CN=dev', '[]', 'issued', 'issued', '', ?, ?)",
            (enrolled_by, label, wire.serial_hex(cert.serial_number),
             base64.b64encode(cert.public_bytes(Encoding.DER)).decode()))
        self.cursor.connection.commit()
        return cert

    def principal(self, cert: x509.Certificate) -> str:
        self.successResultOf(Deferred.fromCoroutine(self.store.migrate()))
        auth = Authenticator(TrustStore("issuing CA", [self.ca.cert]),
                             TrustStore("bootstrap", []), None,  # type: ignore[arg-type]
                             "estra", lambda: pki.NOW.timestamp(), self.store.standing)
        identity = self.successResultOf(Deferred.fromCoroutine(auth.authenticate(
            Peer("192.0.2.1", (cert,), None, None), Profile("a"))))
        return str(identity.principal)

    def test_two_manufacturers_one_cn(self) -> None:
        """Two devices named "dev" bootstrapped under two anchors re-enroll as two
        principals; a Basic user's "dev" keeps issued:a:dev."""
        first, second = self.issue("bootstrap:aaaa:dev"), self.issue("bootstrap:bbbb:dev")
        basic = self.issue("basic:alice")
        self.assertEqual([self.principal(c) for c in (first, second, basic)],
                         ["issued:a@bootstrap/aaaa:dev", "issued:a@bootstrap/bbbb:dev",
                          "issued:a:dev"])

    def test_migration_moves_open_rows_of_one_origin(self) -> None:
        """Held requests and unused codes of "issued:a:dev" move to the new principal when
        one origin issued "dev" under a; with two origins ("b") they stay; decided and
        used rows are history and stay."""
        self.issue("bootstrap:aaaa:dev")
        self.issue("bootstrap:aaaa:dev", "b")
        self.issue("bootstrap:cccc:dev", "b")
        rows = [("issued:a:dev", "pending"), ("issued:a:dev", "issued"),
                ("issued:b:dev", "approved")]
        for identity, status in rows:
            self.cursor.execute("INSERT INTO pending (at, label, operation, identity, "
                                "key_sha256, subject, sans, csr, status) VALUES (1, 'a', "
                                "'simplereenroll', ?, 'k', 'CN=dev', '[]', '', ?)",
                                (identity, status))
        for n, used in enumerate((None, 5.0)):
            self.cursor.execute("INSERT INTO codes (code_sha256, identity, created, expires, "
                                "used_at) VALUES (?, 'issued:a:dev', 1, 2, ?)", (str(n), used))
        self.cursor.connection.commit()
        self.successResultOf(Deferred.fromCoroutine(self.store.migrate()))
        self.assertEqual(
            [r[0] for r in self.cursor.execute("SELECT identity FROM pending ORDER BY id")],
            ["issued:a@bootstrap/aaaa:dev", "issued:a:dev", "issued:b:dev"])
        self.assertEqual(
            [r[0] for r in self.cursor.execute("SELECT identity FROM codes ORDER BY id")],
            ["issued:a@bootstrap/aaaa:dev", "issued:a:dev"])
