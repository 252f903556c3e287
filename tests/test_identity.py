"""The identity model in process: principals, acceptance by profile, hostile certificates."""

from __future__ import annotations

import base64
import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from twisted.internet.defer import Deferred
from twisted.trial.unittest import SynchronousTestCase

from estra.auth import (BASIC, ISSUED, RA, UNRECORDED, Authenticator, Identity, Peer,
                        parse_principal)
from estra import wire
from estra.config import Profile
from estra.errors import Unauthorized
from estra.tls import TrustStore
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

        async def issuing_profile(cert: x509.Certificate) -> tuple[str, str] | None:
            label = self.recorded.get(cert.serial_number)
            return None if label is None else (
                label, self.enrolled_by.get(cert.serial_number, "basic:someone"))
        self.auth = Authenticator(TrustStore("issuing CA", [self.ca.cert]),
                                  TrustStore("bootstrap", [self.ca.cert]), None,  # type: ignore[arg-type]
                                  "estra", lambda: pki.NOW.timestamp(), issuing_profile,
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
        device_ra = self.ca.issue(pki.name("sneaky"), key, ekus=[CMC_RA])
        self.recorded[device_ra.serial_number] = "a"
        self.assertEqual(self.identify(device_ra, Profile("a")).kind, ISSUED)
        real = self.ra_ca.issue(pki.name("ra-1"), key, ekus=[CMC_RA])
        self.assertEqual(self.identify(real, Profile("a")).kind, RA)
        self.assertIsInstance(self.identify(real, Profile("a", accept=("basic", "issued"))
                                            ).value, Unauthorized)
        pinned = Authenticator(TrustStore("issuing CA", []), TrustStore("bootstrap", []),
                               None, "estra", lambda: pki.NOW.timestamp(),  # type: ignore[arg-type]
                               self.auth._issuing_profile,
                               TrustStore("RA", [real], pinned_leaves=True))
        peer = Peer("192.0.2.1", (real,), None, None)
        self.assertEqual(run(pinned.authenticate(peer, Profile("a"))).kind, RA)

    def test_unreadable_certificate_is_401(self) -> None:
        """A client certificate cryptography cannot read is no credential: 401, not 500."""
        hostile = duplicated_extensions(self.ra_ca.issue(
            pki.name("x"), pki.ec_key().public_key(), ekus=[CMC_RA],
            not_after=pki.NOW + datetime.timedelta(days=1)))
        self.assertRaises(Exception, lambda: hostile.extensions)
        refused = self.identify(hostile, Profile("a")).value
        self.assertIsInstance(refused, Unauthorized)
        self.assertIn("unreadable", refused.reason)


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
                             "estra", lambda: pki.NOW.timestamp(), self.store.issuing_profile)
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
