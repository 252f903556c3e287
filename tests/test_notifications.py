"""Notifications of SCEP outcomes kept in the store (estra/scep/notifications.py, issue
#21): two nodes on one store (SQLite, in memory, a Clock) take each due one exactly
once, a node that stops mid-send leaves it to the others after its lease, and a
notification is given up (logged, audited) after its tries, past its age, or when
refused for good."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, cast

from twisted.internet.defer import Deferred
from twisted.internet.task import Clock
from twisted.python.filepath import FilePath
from twisted.trial.unittest import SynchronousTestCase

from estra.config import Profile
from estra.errors import Forbidden, UpstreamUnavailable
from estra.scep.notifications import INTUNE, LEASE, Notifier, resumer
from estra.store.database import (MIGRATIONS, SQLITE, Store, _migrate, migrate_blocking,
                                  open_store, run_blocking)
from estra.testing import SyncPool


class FakeIntune:
    """Intune's notify: answers as `answers` says, one per call ("ok", "down",
    "refuse", "hang"), and records each call."""

    def __init__(self, *answers: str) -> None:
        self.answers, self.calls = list(answers), list[tuple[str, dict[str, Any]]]()

    async def notify(self, action: str, fields: dict[str, Any]) -> None:
        self.calls.append((action, fields))
        answer = self.answers.pop(0) if self.answers else "ok"
        if answer == "down":
            raise UpstreamUnavailable("Intune answered HTTP 503")
        if answer == "refuse":
            raise Forbidden.because("intune", "Intune answered with Unknown")
        if answer == "hang":
            await Deferred()


class NotifierTests(SynchronousTestCase):
    def setUp(self) -> None:
        self.clock = Clock()
        self.clock.advance(1_000_000)
        self.store = Store(SyncPool(self.mktemp()), SQLITE,  # type: ignore[arg-type]
                           self.clock.seconds)
        migrate_blocking(self.store)

    def node(self, intune: FakeIntune, backoff: tuple[float, ...] = (1.0, 1.0, 1.0),
             max_age: float = 86400.0) -> Notifier:
        return Notifier(self.store, {"mdm": Profile("mdm")}, {},
                        {"mdm": cast(Any, intune)}, backoff, max_age)

    def send(self, node: Notifier) -> None:
        node.send(INTUNE, "mdm", "T-1", "successNotification", b'{"secret": "sent"}',
                  b'{"kept": true}', to="intune", serial="0A")

    def kept(self) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], self.successResultOf(Deferred.fromCoroutine(
            self.store.rows("SELECT * FROM notifications"))))

    def resume(self, node: Notifier) -> int:
        return cast(int, self.successResultOf(Deferred.fromCoroutine(node.resume())))

    def undelivered(self) -> list[dict[str, Any]]:
        rows = self.successResultOf(Deferred.fromCoroutine(self.store.rows(
            "SELECT detail FROM audit WHERE kind = 'notification-undelivered'")))
        return [json.loads(r["detail"]) for r in rows]

    def test_delivered_at_once_is_forgotten(self) -> None:
        """The first try sends the body as given; delivered, nothing is kept."""
        intune = FakeIntune("ok")
        self.send(self.node(intune))
        self.assertEqual(intune.calls, [("successNotification", {"secret": "sent"})])
        self.assertEqual(self.kept(), [])

    def test_each_retry_is_taken_by_one_node(self) -> None:
        """A failed try is kept without its secret and due after the backoff; of two
        nodes asking then, one takes it (and sends the stored body) while the other,
        asking during that send, gets nothing."""
        first, second = FakeIntune("down"), FakeIntune("hang")
        a, b = self.node(first), self.node(second)
        self.send(a)
        [row] = self.kept()
        self.assertEqual((row["attempts"], row["body"]), (1, '{"kept": true}'))
        self.assertEqual((self.resume(a), self.resume(b)), (0, 0))     # not due yet
        self.clock.advance(1)
        sending = Deferred.fromCoroutine(b.resume())
        self.assertEqual(second.calls, [("successNotification", {"kept": True})])
        self.assertEqual((self.resume(a), len(first.calls)), (0, 1))
        self.assertNoResult(sending)

    def test_claimed_ones_are_tried_together(self) -> None:
        """Two notifications due and claimed at once are both tried at once: one far
        side that never answers does not hold the other past its lease."""
        intune = FakeIntune("down", "down", "hang", "ok")
        node = self.node(intune)
        self.send(node)
        self.send(node)
        self.clock.advance(1)
        resuming = Deferred.fromCoroutine(node.resume())
        self.assertEqual(len(intune.calls), 4)              # the second not held back
        self.assertEqual(len(self.kept()), 1)               # delivered one forgotten
        self.assertNoResult(resuming)

    def test_a_stopped_node_leaves_it_after_the_lease(self) -> None:
        """A node that took a notification and never finished (it stopped) holds it
        for LEASE seconds; then another node takes it."""
        stuck, other = FakeIntune("down", "hang"), FakeIntune("ok")
        a, b = self.node(stuck), self.node(other)
        self.send(a)
        self.clock.advance(1)
        Deferred.fromCoroutine(a.resume())               # taken, never finished
        self.assertEqual(self.resume(b), 0)
        self.clock.advance(LEASE)
        self.assertEqual(self.resume(b), 0)
        self.clock.advance(0.5)
        self.assertEqual(self.resume(b), 1)
        self.assertEqual((len(other.calls), self.kept()), (1, []))

    def test_given_up_after_its_tries(self) -> None:
        """1 + len(backoff) tries, then given up: forgotten, audited with what it was
        about, logged as an error."""
        intune = FakeIntune(*["down"] * 10)
        node = self.node(intune)
        self.send(node)
        for _ in range(5):
            self.clock.advance(1)
            self.resume(node)
        self.assertEqual((len(intune.calls), self.kept()), (4, []))
        [event] = self.undelivered()
        self.assertEqual((event["transaction"], event["to"], event["serial"]),
                         ("T-1", "intune", "0A"))
        self.assertIn("503", event["reason"])

    def test_given_up_past_its_age(self) -> None:
        """A notification older than max_age when a try fails is given up, tries left
        or not."""
        intune = FakeIntune(*["down"] * 10)
        node = self.node(intune, backoff=(1.0,) * 10, max_age=2.5)
        self.send(node)
        for _ in range(5):
            self.clock.advance(1)
            self.resume(node)
        self.assertEqual((len(intune.calls), self.kept(), len(self.undelivered())),
                         (4, [], 1))

    def test_refused_for_good_is_not_tried_again(self) -> None:
        """A refusal (Intune's code other than Success, an HTTP 4xx) is given up at once;
        so is a notification whose profile no longer sends it."""
        intune = FakeIntune("refuse")
        self.send(self.node(intune))
        self.assertEqual((len(intune.calls), self.kept(), len(self.undelivered())),
                         (1, [], 1))
        gone = Notifier(self.store, {}, {}, {}, (1.0,), 86400.0)
        self.send(gone)
        self.assertEqual((self.kept(), len(self.undelivered())), ([], 2))

    def test_resumer_tries_due_ones_in_bounded_batches(self) -> None:
        """The timer takes what is due from the current notifier, `batch` at a time, at
        most `batches` times per tick; None (no SCEP face) does nothing."""
        intune = FakeIntune(*["down"] * 5)
        node = self.node(intune)
        for _ in range(5):
            self.send(node)
        self.clock.advance(1)
        current: list[Notifier | None] = [None]
        timer = resumer(self.clock, lambda: current[0], interval=1, batch=2, batches=2)
        timer.startService()
        self.addCleanup(timer.stopService)
        self.assertEqual(len(intune.calls), 5)
        current[0] = node
        self.clock.advance(1)
        self.assertEqual(len(intune.calls), 9)             # 2 batches of 2
        self.clock.advance(1)
        self.assertEqual((len(intune.calls), self.kept()), (10, []))


def test_migration_adds_notifications(tmp_path: Path) -> None:
    """A store of the schema before the notifications table migrates, and keeps one."""
    db = sqlite3.connect(tmp_path / "estra.db")
    _migrate(db.cursor(), SQLITE, upto=next(i for i, steps in enumerate(MIGRATIONS)
                                            if any("notifications" in str(s) for s in steps)))
    db.commit()
    db.close()
    store = open_store("", FilePath(str(tmp_path)), lambda: 1000.0)
    assert run_blocking(store, _migrate) == len(MIGRATIONS)
    run_blocking(store, lambda c, d: c.execute(
        "INSERT INTO notifications (at, kind, label, transaction_id, target, body, about, "
        "due, claimed_until) VALUES (1, 'intune', 'mdm', 'T', 'x', '{}', '{}', 1, 0)"))
    assert run_blocking(store, lambda c, d: c.execute(
        "SELECT attempts, last_error FROM notifications").fetchall()) == [(0, "")]


class FakeRevocationService:
    """Intune's PkiConnectorFEService as IntuneValidator calls it: one pending request,
    answered results recorded."""

    def __init__(self) -> None:
        self.downloads, self.uploads = 0, list[list[dict[str, Any]]]()

    async def revocation_requests(self, most: int, issuer: str | None) -> list[dict[str, str]]:
        self.downloads += 1
        return [{"requestContext": "ctx", "serialNumber": "0A", "issuerName": issuer or "",
                 "caConfiguration": ""}]

    async def revocation_results(self, results: list[dict[str, Any]]) -> None:
        self.uploads.append(results)


class IntuneRevocationTests(SynchronousTestCase):
    def test_one_node_polls_per_window(self) -> None:
        """Two nodes on one store: in each intune_revocation_interval only the first
        to ask polls Intune; a serial this RA never issued is CertificateNotFoundError
        and nothing is revoked."""
        from estra.upstream.intune_revocation import NOT_FOUND, IntuneRevocations
        clock = Clock()
        clock.advance(600 * 1000)
        store = Store(SyncPool(self.mktemp()), SQLITE,  # type: ignore[arg-type]
                      clock.seconds)
        migrate_blocking(store)
        service, revoked = FakeRevocationService(), list[int]()

        async def revoke(serial: int, reason: str, by: str) -> str:
            revoked.append(serial)
            return "revoked"

        async def issuer(profile: Profile) -> str:
            return "CN=estra CA"
        profiles = {"mdm": Profile("mdm", intune_revocation=True,
                                   intune_revocation_interval=600)}
        nodes = [IntuneRevocations(store, profiles, {"mdm": cast(Any, service)}, revoke,
                                   issuer) for _ in range(2)]
        polled = [self.successResultOf(Deferred.fromCoroutine(n.poll())) for n in nodes]
        self.assertEqual((polled, service.downloads), ([1, 0], 1))
        self.assertEqual(service.uploads, [[{"requestContext": "ctx", "succeeded": False,
                                             "errorCode": NOT_FOUND, "errorMessage": (
                                                 "this CA issued no such certificate "
                                                 "through Intune")}]])
        self.assertEqual(revoked, [])
        clock.advance(600)
        self.assertEqual(self.successResultOf(Deferred.fromCoroutine(nodes[1].poll())), 1)

        # issued under another Intune profile (same CA, same tenant): left to it
        from estra.store.database import EnrollmentRecord
        self.successResultOf(Deferred.fromCoroutine(store.record(EnrollmentRecord(
            at=clock.seconds(), identity="scep-intune:other:", method="scep-intune",
            peer="192.0.2.1", label="other", operation="scep-pkcsreq", csr_sha256="0" * 64,
            key_sha256="1" * 64, subject="CN=dev", sans=[], decision="issued",
            rule="issued", reason="", serial="0A", not_after=clock.seconds() + 86400))))
        profiles["other"] = Profile("other", scep_challenge="intune")
        clock.advance(600)
        self.assertEqual(self.successResultOf(Deferred.fromCoroutine(nodes[0].poll())), 0)
        self.assertEqual((len(service.uploads), revoked), (2, []))
