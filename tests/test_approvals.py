"""Manual approval in process (security issue #17): one approval yields exactly one
certificate however many retries race, a retry after issuance gets that same
certificate, a CA failure gives the claim back, and one identity may hold only
`approval_max_open` requests.  The two-node PostgreSQL race is in test_cluster.py."""

from __future__ import annotations

import time
from typing import Any

from cryptography import x509
from twisted.internet.defer import Deferred, ensureDeferred
from twisted.trial.unittest import SynchronousTestCase

from estra.ra.auth import Identity, Peer
from estra.config import settings_from_string
from estra.errors import EstError
from estra.ra.policy import ENROLL, Policy
from estra.principals import BASIC
from estra.ra.pipeline import RegistrationAuthority
from estra.store.database import MIGRATIONS, SQLITE, Store, _migrate
from estra.ca.local import LocalCA
from tests import pki
from estra.testing import SyncPool

CONFIG = """
[profiles.manual]
approval = "manual"
approval_retry_after = 60
approval_max_open = 3
"""


class GatedCA:
    """The embedded CA, answering only when the test opens the gate (or failing)."""

    def __init__(self, ca: LocalCA) -> None:
        self.ca, self.calls = ca, 0
        self.waiting: list[tuple[Deferred[Any], x509.CertificateSigningRequest]] = []

    def enroll(self, csr: x509.CertificateSigningRequest, identity: object,
               profile: Any) -> Deferred[Any]:
        self.calls += 1
        d: Deferred[Any] = Deferred()
        self.waiting.append((d, csr))
        return d

    reenroll = enroll

    def open(self, fail: bool = False) -> None:
        waiting, self.waiting = self.waiting, []
        for d, csr in waiting:
            if fail:
                d.errback(EstError("upstream: the CA failed"))
            else:
                d.callback([self.ca.issue(csr.subject, csr.public_key(), [], ["clientAuth"],
                                          1)])


def rig(testcase: SynchronousTestCase) -> None:
    """An RA with a gated CA over an in-memory SQLite store (on `testcase`)."""
    signer = pki.CA("approvals test CA")
    testcase.profile = settings_from_string(CONFIG).profiles["manual"]
    testcase.ca = GatedCA(LocalCA(signer.key, signer.cert, time.time))
    pool = SyncPool()
    _migrate(pool.conn.cursor(), SQLITE)
    pool.conn.commit()
    testcase.store = Store(pool, SQLITE, time.time)
    testcase.ra = RegistrationAuthority(None, Policy(time.time),
                                        {"local": testcase.ca}, testcase.store, time.time)


class ApprovedOnceTests(SynchronousTestCase):
    def setUp(self) -> None:
        rig(self)
        self.alice = Identity(BASIC, "alice", "", Peer("192.0.2.1", (), None, None))
        self.csr = pki.csr(pki.ec_key(), pki.name("held-device"))

    def enroll(self, csr: x509.CertificateSigningRequest | None = None,
               who: Identity | None = None) -> Deferred[Any]:
        return ensureDeferred(self.ra.enroll(ENROLL, who or self.alice, csr or self.csr,
                                             self.profile))

    def status(self, d: Deferred[Any]) -> tuple[int, str]:
        error = self.failureResultOf(d, EstError).value
        return error.status, error.headers().get("Retry-After", "")

    def approve(self) -> int:
        self.assertEqual(self.status(self.enroll())[0], 202)          # held
        held = self.successResultOf(ensureDeferred(self.store.pending()))
        self.successResultOf(ensureDeferred(self.store.decide(held[-1]["id"], True, "",
                                                              "operator:ann")))
        return int(held[-1]["id"])

    def test_concurrent_retries_issue_once(self) -> None:
        """Ten retries of one approved request in flight together: the CA is asked once,
        the nine others get 202 with a short Retry-After; retries afterwards get the
        same certificate, without the CA."""
        self.approve()
        retries = [self.enroll() for _ in range(10)]
        self.assertEqual(self.ca.calls, 1)
        self.assertEqual(sorted(self.status(d) for d in retries[1:]), [(202, "5")] * 9)
        self.ca.open()
        cert = self.successResultOf(retries[0])[0]
        for _ in range(3):
            again = self.successResultOf(self.enroll())
            self.assertEqual(again, [cert])
        self.assertEqual(self.ca.calls, 1)
        records = self.successResultOf(ensureDeferred(self.store.enrollments()))
        self.assertEqual([r["decision"] for r in records].count("issued"), 1)
        self.assertEqual([r["decision"] for r in records].count("resent"), 3)

    def test_ca_failure_releases_the_claim(self) -> None:
        """When the CA fails, the approved request is claimable again: the next retry
        issues."""
        pending_id = self.approve()
        failed = self.enroll()
        self.ca.open(fail=True)
        self.failureResultOf(failed, EstError)
        retry = self.enroll()
        self.assertEqual(self.ca.calls, 2)
        self.ca.open()
        self.successResultOf(retry)
        rows = self.successResultOf(ensureDeferred(self.store.pending(None)))
        self.assertEqual([(r["id"], r["status"]) for r in rows], [(pending_id, "issued")])

    def test_holds_per_identity_capped(self) -> None:
        """An identity may hold `approval_max_open` requests; the next key is refused with
        429 approval-holds, another identity still holds, and a decision frees a slot."""
        for _ in range(3):
            self.assertEqual(self.status(self.enroll(pki.csr(pki.ec_key(), pki.name("x")))),
                             (202, "60"))
        over = self.failureResultOf(self.enroll(pki.csr(pki.ec_key(), pki.name("x"))),
                                    EstError).value
        self.assertEqual(over.status, 429)
        self.assertTrue(over.reason.startswith("approval-holds: basic:alice "), over.reason)
        bob = Identity(BASIC, "bob", "", Peer("192.0.2.2", (), None, None))
        self.assertEqual(self.status(self.enroll(who=bob))[0], 202)
        first = self.successResultOf(ensureDeferred(self.store.pending()))[0]
        self.successResultOf(ensureDeferred(self.store.decide(first["id"], False, "no",
                                                              "operator:ann")))
        self.assertEqual(self.status(self.enroll(pki.csr(pki.ec_key(), pki.name("x"))))[0],
                         202)


def store_before(marker: str) -> tuple[Store, Any]:
    """An in-memory store at the schema before the first migration whose SQL or step
    name contains `marker` (so a renumbered merge still finds it; every migration
    when none does), and its cursor."""
    def named(step: Any) -> str:
        return str(step.__name__ if callable(step) else step)
    upto = next((i for i, steps in enumerate(MIGRATIONS)
                 if any(marker in named(step) for step in steps)), len(MIGRATIONS))
    pool = SyncPool()
    cursor = pool.conn.cursor()
    _migrate(cursor, SQLITE, upto=upto)
    return Store(pool, SQLITE, time.time), cursor


class ClaimMigrationTests(SynchronousTestCase):
    def test_previous_schema_keeps_its_approvals(self) -> None:
        """A store made by the schema before the claim migration: after migrating, its
        approved request is still approved, and claimable exactly once."""
        store, cursor = store_before("claimed_at")
        cursor.execute("INSERT INTO pending (at, label, operation, identity, key_sha256, "
                       "subject, sans, csr, status) VALUES (1, 'manual', 'simpleenroll', "
                       "'basic:alice', 'k', 'CN=x', '[]', '', 'approved')")
        cursor.connection.commit()
        self.assertEqual(self.successResultOf(ensureDeferred(store.migrate())),
                         len(MIGRATIONS))
        self.assertEqual(self.successResultOf(ensureDeferred(store.pending("approved")))[0]
                         ["claimed_at"], None)
        self.assertTrue(self.successResultOf(ensureDeferred(store.claim(1, 600))))
        self.assertFalse(self.successResultOf(ensureDeferred(store.claim(1, 600))))
