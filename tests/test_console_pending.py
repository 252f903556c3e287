"""Issue #20: the pending list at scale, in process (`tests.fuzzing.World`): one query
for a page of held requests, whatever the page holds, on an index (b8540e8 made one
more query per held request, scanning the identity's records)."""

from __future__ import annotations

import base64
import time
from typing import Any
from urllib.parse import urlencode

from twisted.internet.defer import Deferred
from twisted.trial.unittest import SynchronousTestCase

from estra.store.database import EnrollmentRecord
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
        self.assertIn("<td>manual</td><td>192.0.2.37</td>", html)
        self.assertIn("<td>approval: request 37 awaits an operator", html)

    def test_the_held_record_is_found_on_an_index(self) -> None:
        """SQLite's plan for the page's lookup of held records uses an index on the key."""
        rows = self.world.store.pool.conn.execute(  # type: ignore[attr-defined]
            "EXPLAIN QUERY PLAN SELECT e.peer FROM enrollments e WHERE e.key_sha256 = ? "
            "AND e.identity = ? AND e.decision = 'held' ORDER BY e.id DESC LIMIT 1",
            ("k", "i")).fetchall()
        plan = " ".join(str(r[-1]) for r in rows)
        self.assertIn("enrollments_key", plan)


class DecisionTests(PendingPageTests):
    def post(self, path: str, **form: Any) -> tuple[int, str, str]:
        """POST `form` (lists: repeated fields) as the logged-in admin: code, Location,
        body."""
        self.world.console_session()
        body = urlencode({"csrf": self.world.csrf, **form}, doseq=True).encode()
        response = self.world.resolve(self.world.admin.post(
            f"http://ra.test{path}", data=body, headers={
                "Cookie": self.world.console_cookie,
                "Content-Type": "application/x-www-form-urlencoded"},
            allow_redirects=False), path)
        text = self.world.resolve(response.content(), path).decode()
        return (int(response.code), (response.headers.getRawHeaders("location") or [""])[0],
                text)

    def get(self, path: str) -> str:
        response = self.world.resolve(self.world.admin.get(
            f"http://ra.test{path}", headers={"Cookie": self.world.console_cookie}), path)
        return str(self.world.resolve(response.content(), path).decode())

    def statuses(self) -> dict[int, str]:
        rows = self.world.resolve(Deferred.fromCoroutine(self.world.store.pending(None)), "p")
        return {int(r["id"]): str(r["status"]) for r in rows}

    def test_bulk_approve_and_reject_with_a_status_line(self) -> None:
        """Selected requests are approved (or, with a reason, rejected) at once; the page
        after says how many, and how many someone had decided already."""
        first, second, third = sorted(self.statuses())
        code, where, _ = self.post("/console/pending", id=[str(first), str(second)],
                                   action="approve")
        self.assertEqual((code, where), (303, "/console/pending"))
        self.assertIn('<p role="status" class="flash">Approved 2 request(s).</p>',
                      self.get(where))
        self.assertEqual(self.post("/console/pending", id=[str(third)], action="reject")[0],
                         400)
        code, _, body = self.post("/console/pending", id=[str(third), str(first)],
                                  action="reject", reason="not ours")
        self.assertEqual(code, 200)                 # a bulk reject is confirmed first
        self.assertIn("Reject 2 request(s)?", body)
        self.assertIn(f"<td>{third}</td>", body)
        self.assertEqual(self.statuses()[third], "pending")
        code, where, _ = self.post("/console/pending", id=[str(third), str(first)],
                                   action="reject", reason="not ours", confirm="yes")
        self.assertEqual((code, where), (303, "/console/pending"))
        self.assertIn("Rejected 1 request(s). 1 had been decided already", self.get(where))
        self.assertEqual(self.statuses(), {first: "approved", second: "approved",
                                           third: "rejected"})
        self.assertEqual(self.post("/console/pending", action="approve")[0], 400)

    def test_a_single_reject_is_confirmed_first(self) -> None:
        """Rejecting one request from its page shows what it acts on (request, subject,
        identity, the reason) and changes nothing; its button (confirm=yes, to the same
        page) rejects it, and the list says so; Cancel leads back to the request."""
        first = min(self.statuses())
        code, _, body = self.post(f"/console/pending/{first}", action="reject",
                                  reason="unknown device")
        self.assertEqual(code, 200)
        self.assertIn(f"<h1>Reject request {first}?</h1>", body)
        self.assertIn("<p>Reason: unknown device</p>", body)
        self.assertIn(f"<td>{first}</td><td>CN=dev0</td><td>basic:alice</td>", body)
        self.assertIn(f'action="/console/pending/{first}"', body)
        self.assertIn('<input type="hidden" name="confirm" value="yes"', body)
        self.assertIn(f'<a href="/console/pending/{first}">Cancel</a>', body)
        self.assertNotIn('name="id"', body)
        self.assertEqual(self.statuses()[first], "pending")
        code, where, _ = self.post(f"/console/pending/{first}", action="reject",
                                   reason="unknown device", confirm="yes")
        self.assertEqual((code, where), (303, "/console/pending"))
        self.assertIn(f'<p role="status" class="flash">Rejected request {first}.</p>',
                      self.get(where))
        self.assertEqual(self.statuses()[first], "rejected")
        self.assertEqual(self.post("/console/pending/999999", action="reject",
                                   reason="x")[0], 404)

    def test_a_rejected_request_is_reopened_from_its_page(self) -> None:
        """A rejected request's page offers Reopen; it puts the request back to pending
        (audited, a status line on its page); reopening a pending one is 409."""
        first = min(self.statuses())
        self.post(f"/console/pending/{first}", action="reject", reason="too soon",
                  confirm="yes")
        page = self.get(f"/console/pending/{first}")
        self.assertIn(f'action="/console/pending/{first}/reopen"', page)
        self.assertIn(f"Reopen request {first}", page)
        code, where, _ = self.post(f"/console/pending/{first}/reopen")
        self.assertEqual((code, where), (303, f"/console/pending/{first}"))
        page = self.get(where)
        self.assertIn(f"Reopened request {first}: it awaits a decision again.", page)
        self.assertNotIn("/reopen", page)
        self.assertIn(f"Approve request {first}", page)
        self.assertEqual(self.statuses()[first], "pending")
        code, _, body = self.post(f"/console/pending/{first}/reopen")
        self.assertEqual(code, 409)
        self.assertIn(f"Request {first} was not reopened (only a rejected request can be): "
                      "it is pending", body)
        self.assertEqual(self.post("/console/pending/999999/reopen")[0], 404)
        self.assertIn("<td>console-reopen</td><td>operator:boss</td>",
                      self.get("/console/audit?kind=console-reopen"))

    def test_a_single_approve_needs_no_confirmation(self) -> None:
        """Approving is not destructive: done at once, with a status line."""
        first = min(self.statuses())
        code, where, _ = self.post(f"/console/pending/{first}", action="approve")
        self.assertEqual((code, where), (303, "/console/pending"))
        self.assertIn(f"Approved request {first}.", self.get(where))
        self.assertEqual(self.statuses()[first], "approved")
        self.assertEqual(self.post("/console/pending/999999", action="approve")[0], 404)

    def test_a_conflict_says_who_decided_and_when(self) -> None:
        """Deciding a request someone decided first: 409 naming them and the time."""
        first = min(self.statuses())
        self.world.resolve(Deferred.fromCoroutine(self.world.store.decide(
            first, True, "", "operator:ann")), "decide")
        code, _, body = self.post(f"/console/pending/{first}", action="reject",
                                  reason="duplicate")
        self.assertEqual(code, 409)
        self.assertRegex(body, r"no longer pending: it was approved by operator:ann at "
                               r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC")

    def test_processed_view_lists_decisions(self) -> None:
        """`?view=processed` lists decided requests with who decided, when and why;
        the default list no longer holds them; another view is 400."""
        first = min(self.statuses())
        self.post(f"/console/pending/{first}", action="reject", reason="unknown device",
                  confirm="yes")
        processed = self.get("/console/pending?view=processed")
        self.assertIn(f'href="/console/pending/{first}"', processed)
        self.assertIn("<td>rejected</td><td>operator:boss</td>", processed)
        self.assertIn("unknown device", processed)
        self.assertNotIn(f'href="/console/pending/{first}"', self.get("/console/pending"))
        self.world.console_session()
        response = self.world.resolve(self.world.admin.get(
            "http://ra.test/console/pending?view=all",
            headers={"Cookie": self.world.console_cookie}), "view")
        self.assertEqual(response.code, 400)
