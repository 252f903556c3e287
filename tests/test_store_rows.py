"""The typed rows of the store (estra/store/*.py): every query method returns rows with
exactly the columns its TypedDict names, each value of the declared type, so a
migration adding a column, or a query returning another shape, fails here."""

from __future__ import annotations

import types
from typing import Any, Coroutine, TypeVar, Union, get_args, get_origin, get_type_hints

from twisted.internet.defer import Deferred
from twisted.trial.unittest import SynchronousTestCase

from estra.ra.attempts import Attempt
from estra.store.attempts import AttemptRow
from estra.store.audit import AuditRow
from estra.store.codes import BoundCodeRow, CodeRow
from estra.store.console import SessionRow
from estra.store.database import SQLITE, EnrollmentRecord, Store, migrate_blocking
from estra.store.devices import DeviceStory
from estra.store.enrollments import EnrollmentRow, IssuedCertificate
from estra.store.pending import HeldRequest, PendingRow
from estra.store.renewal import CurrentCertificate, RenewalAdvance
from estra.store.revocations import CrlRow, RevocationRow
from estra.store.scep import ScepSeen, ScepTransactionRow
from estra.testing import SyncPool

T = TypeVar("T")
NOW = 1_800_000_000.0
KEY = "11" * 32


def conforms(value: object, hint: Any) -> bool:
    """Whether `value` is of the type `hint` (str, int, float, list[X], X | None)."""
    if get_origin(hint) in (Union, types.UnionType):
        return any(conforms(value, arg) for arg in get_args(hint))
    if get_origin(hint) is list:
        return isinstance(value, list) and all(conforms(v, get_args(hint)[0]) for v in value)
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, hint)


def record(decision: str, serial: str | None = None) -> EnrollmentRecord:
    return EnrollmentRecord(
        at=NOW, identity="basic:alice", method="basic", peer="192.0.2.7", label="default",
        operation="simpleenroll", csr_sha256="00" * 32, key_sha256=KEY,
        subject="CN=dev.example", sans=["DNSName:dev.example"], decision=decision,
        rule=decision, reason="held for approval" if decision == "held" else "",
        serial=serial, not_after=NOW + 86400 if serial else None,
        certificate="QUJD" if serial else None)


class StoreRowsTests(SynchronousTestCase):
    def setUp(self) -> None:
        self.store = Store(SyncPool(self.mktemp()), SQLITE,  # type: ignore[arg-type]
                           lambda: NOW)
        migrate_blocking(self.store)
        self.held_id = self.done(self.store.record(record("held")))
        self.issued_id = self.done(self.store.record(record("issued", "0A1B")))
        pending_id = self.done(self.store.hold(
            "default", "simpleenroll", "basic:alice", KEY, "CN=dev.example",
            ["DNSName:dev.example"], "Q1NS"))
        assert pending_id is not None
        self.pending_id: int = pending_id

    def done(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """The result of a store call (the pool answers synchronously)."""
        return self.successResultOf(Deferred.fromCoroutine(coroutine))

    def assertRows(self, row_type: Any, rows: list[Any]) -> None:
        """Each row has exactly `row_type`'s keys, each value of its declared type."""
        self.assertTrue(rows, f"no {row_type.__name__} rows to check")
        hints = get_type_hints(row_type)
        for row in rows:
            self.assertEqual(sorted(row), sorted(hints), row_type.__name__)
            wrong = {k: v for k, v in row.items() if not conforms(v, hints[k])}
            self.assertEqual(wrong, {}, f"{row_type.__name__}: values of another type")

    def test_enrollment_rows(self) -> None:
        """Every query of enrollment records returns `EnrollmentRow`s."""
        store = self.store
        self.assertRows(EnrollmentRow, [
            *self.done(store.enrollments()),
            self.done(store.enrollment(self.held_id)),
            self.done(store.enrollment_of("0A1B")),
            *self.done(store.key_history("basic:alice", KEY)),
            *self.done(store.find_records("dev.ex", None, 10))])
        self.assertRows(IssuedCertificate,
                        self.done(store.issued_mentioning(("default",), "dev.example")))

    def test_sans_always_a_list(self) -> None:
        """`sans` is a list from every query, not JSON text from some (as `enrollment`,
        `enrollment_of`, `key_history`, `find_pending` and `held` returned it before)."""
        store = self.store
        for row in (self.done(store.enrollment(self.issued_id)),
                    self.done(store.enrollment_of("0A1B")),
                    self.done(store.key_history("basic:alice", KEY))[0],
                    self.done(store.find_pending("default", "basic:alice", KEY)),
                    self.done(store.held("basic:alice", KEY))[0],
                    self.done(store.device(self.issued_id))["held"][0]):
            assert row is not None
            self.assertEqual(row["sans"], ["DNSName:dev.example"])

    def test_pending_rows(self) -> None:
        """Held requests: `PendingRow`, and with the held record's address and reason
        `HeldRequest`."""
        store = self.store
        self.assertRows(PendingRow, [
            self.done(store.find_pending("default", "basic:alice", KEY)),
            *self.done(store.held("basic:alice", KEY)),
            *self.done(store.pending(None))])
        held = [self.done(store.pending_request(self.pending_id)),
                *self.done(store.pending_requests([self.pending_id]))]
        self.assertRows(HeldRequest, held)
        self.assertEqual({(r["peer"], r["held_reason"]) for r in held if r is not None},
                         {("192.0.2.7", "held for approval")})

    def test_device_story(self) -> None:
        """A device's story: its records, held requests and revocations, each typed."""
        self.done(self.store.record_revocation("0A1B", "ab", "default", "local", "local",
                                               "keyCompromise", "operator", "revoked"))
        story: DeviceStory = self.done(self.store.device(self.held_id))
        self.assertEqual(sorted(story), ["held", "records", "revoked"])
        self.assertRows(EnrollmentRow, story["records"])
        self.assertRows(PendingRow, story["held"])
        self.assertRows(RevocationRow, story["revoked"])

    def test_code_rows(self) -> None:
        """Codes as shown (`CodeRow`), with their binding for a challenge client."""
        store = self.store
        code_id, _ = self.done(store.issue_code("code:printer", 600, bound='{"x": 1}'))
        self.assertRows(CodeRow, [*self.done(store.codes()), self.done(store.code(code_id)),
                                  *self.done(store.codes_page(10, 0))])
        self.assertRows(BoundCodeRow, self.done(store.codes_of(("code:printer",))))

    def test_revocation_and_crl_rows(self) -> None:
        store = self.store
        self.done(store.record_revocation("0A1B", "ab", "default", "local", "local",
                                          "keyCompromise", "operator", "revoked"))
        self.done(store.add_crl("ab", 1, NOW + 3600, 1, b"crl"))
        self.assertRows(RevocationRow, [self.done(store.revocation("0A1B")),
                                        *self.done(store.revocations("local", "ab"))])
        self.assertRows(CrlRow, [self.done(store.latest_crl("ab"))])

    def test_scep_rows(self) -> None:
        store = self.store
        nonce = bytes(range(16))
        self.done(store.scep_begin("default", "tx1", "5" * 64, "code:printer", "code",
                                   "scep-pkcsreq", "Q1NS", (nonce, "d" * 64)))
        self.assertRows(ScepTransactionRow,
                        [self.done(store.scep_transaction("default", "tx1", "5" * 64))])
        self.assertRows(ScepSeen, [self.done(store.scep_seen(nonce))])

    def test_attempt_audit_session_renewal_rows(self) -> None:
        store = self.store
        key = Attempt(int(NOW // 3600), "est", "simpleenroll", "default", "bad-key",
                      "basic:mallory", "192.0.2.9")
        self.done(store.add_attempts([(key, 2, NOW, NOW, "too small")], 10, "others"))
        self.assertRows(AttemptRow, self.done(store.search_attempts({})))
        self.done(store.audit("login", "operator", address="192.0.2.1"))
        self.assertRows(AuditRow, self.done(store.search_audit({})))
        self.done(store.session_open("t" * 64, "operator", "csrf", "192.0.2.1", 600))
        self.assertRows(SessionRow, [self.done(store.session("t" * 64, 600))])
        self.done(store.advance_renewal("default", [], NOW + 60, "rollover", "operator"))
        self.assertRows(RenewalAdvance, self.done(store.renewal_advances()))
        self.assertRows(CurrentCertificate, self.done(store.current_certificates(10)))
