"""Issue #20: the pending list at scale, in process (`tests.fuzzing.World`): one query
for a page of held requests, whatever the page holds, on an index (b8540e8 made one
more query per held request, scanning the identity's records)."""

from __future__ import annotations

import base64
import time
from typing import Any

from twisted.internet.defer import Deferred
from twisted.trial.unittest import SynchronousTestCase

from estra.store import EnrollmentRecord
from tests.fuzzing import World


class PendingPageTests(SynchronousTestCase):
    def setUp(self) -> None:
        self.world = World()
        self.calls = 0
        pool = self.world.store.pool
        run = pool.runInteraction

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return run(*args, **kwargs)
        pool.runInteraction = counted   # type: ignore[method-assign]

    def hold(self, n: int) -> None:
        """`n` more held requests, each with the "held" record its device left."""
        store = self.world.store
        for i in range(n):
            key = f"{i + 100:064x}"
            self.world.resolve(Deferred.fromCoroutine(store.hold(
                "manual", "simpleenroll", f"basic:dev{i}", key, f"CN=dev{i}", [],
                base64.b64encode(self.world.csrs[1]).decode())), "hold")
            self.world.resolve(Deferred.fromCoroutine(store.record(EnrollmentRecord(
                time.time(), f"basic:dev{i}", "basic", f"192.0.2.{i % 250}", "manual",
                "simpleenroll", "c", key, f"CN=dev{i}", [], "held", "approval",
                f"approval: request {i} awaits an operator's decision"))), "record")

    def page(self) -> tuple[int, str]:
        self.world.console_session()
        self.calls = 0
        response = self.world.resolve(self.world.admin.get(
            "http://ra.test/console/pending", headers={"Cookie": self.world.console_cookie}),
            "pending")
        return int(response.code), self.world.resolve(response.content(), "p").decode()

    def test_queries_per_page_do_not_grow_with_its_rows(self) -> None:
        """A page of 5 held requests and a page of 40 take the same number of store
        queries; each request shows its device's address and why it was held."""
        self.hold(2)
        code, html = self.page()
        self.assertEqual(code, 200)
        few = self.calls
        self.hold(38)
        code, html = self.page()
        self.assertEqual(code, 200)
        self.assertEqual(self.calls, few)
        self.assertIn("from 192.0.2.37 under profile manual", html)
        self.assertIn("Held because: approval: request 37 awaits", html)

    def test_the_held_record_is_found_on_an_index(self) -> None:
        """SQLite's plan for the page's lookup of held records uses an index on the key."""
        rows = self.world.store.pool.conn.execute(  # type: ignore[attr-defined]
            "EXPLAIN QUERY PLAN SELECT e.peer FROM enrollments e WHERE e.key_sha256 = ? "
            "AND e.identity = ? AND e.decision = 'held' ORDER BY e.id DESC LIMIT 1",
            ("k", "i")).fetchall()
        plan = " ".join(str(r[-1]) for r in rows)
        self.assertIn("enrollments_key", plan)
