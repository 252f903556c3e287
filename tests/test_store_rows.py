"""The typed rows of the store (estra/store/*.py): every query method returns rows with
exactly the columns its TypedDict names, each value of the declared type, on SQLite and
PostgreSQL, so a migration adding a column, or a query returning another shape, fails
here."""

from __future__ import annotations

import types
from typing import Any, Coroutine, Iterator, TypeVar, Union, get_args, get_origin, get_type_hints

import pytest
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from estra.ra.attempts import Attempt
from estra.store.attempts import AttemptRow
from estra.store.audit import AuditRow
from estra.store.codes import BoundCodeRow, CodeRow
from estra.store.console import SessionRow
from estra.store.database import (POSTGRES, SQLITE, EnrollmentRecord, Store,
                                  migrate_blocking)
from estra.store.devices import DeviceStory
from estra.store.enrollments import EnrollmentRow, IssuedCertificate
from estra.store.notifications import NotificationRow
from estra.store.pending import HeldRequest, PendingRow
from estra.store.renewal import CurrentCertificate, RenewalAdvance
from estra.store.revocations import CrlRow, RevocationRow
from estra.store.scep import ScepSeen, ScepTransactionRow
from estra.testing import PostgresSyncPool, SyncPool

T = TypeVar("T")
NOW = 1_800_000_000.0
KEY = "11" * 32


def done(coroutine: Coroutine[Any, Any, T]) -> T:
    """The result of a store call (the pools here answer synchronously)."""
    results: list[Any] = []
    Deferred.fromCoroutine(coroutine).addBoth(results.append)
    if isinstance(results[0], Failure):
        results[0].raiseException()
    result: T = results[0]
    return result


def conforms(value: object, hint: Any) -> bool:
    """Whether `value` is of the type `hint` (str, int, float, list[X], dict, X | None)."""
    if get_origin(hint) in (Union, types.UnionType):
        return any(conforms(value, arg) for arg in get_args(hint))
    if get_origin(hint) is dict:
        return isinstance(value, dict)
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


def assert_rows(row_type: Any, rows: list[Any]) -> None:
    """Each row has exactly `row_type`'s keys, each value of its declared type."""
    assert rows, f"no {row_type.__name__} rows to check"
    hints = get_type_hints(row_type)
    for row in rows:
        assert sorted(row) == sorted(hints), row_type.__name__
        wrong = {k: v for k, v in row.items() if not conforms(v, hints[k])}
        assert wrong == {}, f"{row_type.__name__}: values of another type"


class Seeded:
    """A migrated store holding a held and an issued record and a held request."""

    def __init__(self, store: Store) -> None:
        self.store = store
        migrate_blocking(store)
        self.held_id = done(store.record(record("held")))
        self.issued_id = done(store.record(record("issued", "0A1B")))
        pending_id = done(store.hold("default", "simpleenroll", "basic:alice", KEY,
                                     "CN=dev.example", ["DNSName:dev.example"], "Q1NS"))
        assert pending_id is not None
        self.pending_id: int = pending_id


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Seeded]:
    if request.param == "sqlite":
        yield Seeded(Store(SyncPool(str(tmp_path / "estra.db")), SQLITE,  # type: ignore[arg-type]
                           lambda: NOW))
        return
    pool = PostgresSyncPool(request.getfixturevalue("database"))
    try:
        yield Seeded(Store(pool, POSTGRES, lambda: NOW))  # type: ignore[arg-type]
    finally:
        pool.conn.close()


def test_enrollment_rows(seeded: Seeded) -> None:
    """Every query of enrollment records returns `EnrollmentRow`s."""
    store = seeded.store
    assert_rows(EnrollmentRow, [
        *done(store.enrollments()),
        done(store.enrollment(seeded.held_id)),
        done(store.enrollment_of("0A1B")),
        *done(store.key_history("basic:alice", KEY)),
        *done(store.find_records("dev.ex", None, 10))])
    assert_rows(IssuedCertificate, done(store.issued_mentioning(("default",), "dev.example")))


def test_sans_always_a_list(seeded: Seeded) -> None:
    """`sans` is a list from every query, not JSON text from some (as `enrollment`,
    `enrollment_of`, `key_history`, `find_pending` and `held` returned it before)."""
    store = seeded.store
    for row in (done(store.enrollment(seeded.issued_id)),
                done(store.enrollment_of("0A1B")),
                done(store.key_history("basic:alice", KEY))[0],
                done(store.find_pending("default", "basic:alice", KEY)),
                done(store.held("basic:alice", KEY))[0],
                done(store.device(seeded.issued_id))["held"][0]):
        assert row is not None
        assert row["sans"] == ["DNSName:dev.example"]


def test_pending_rows(seeded: Seeded) -> None:
    """Held requests: `PendingRow`, and with the held record's address and reason
    `HeldRequest`."""
    store = seeded.store
    assert_rows(PendingRow, [
        done(store.find_pending("default", "basic:alice", KEY)),
        *done(store.held("basic:alice", KEY)),
        *done(store.pending(None))])
    held = [done(store.pending_request(seeded.pending_id)),
            *done(store.pending_requests([seeded.pending_id]))]
    assert_rows(HeldRequest, held)
    assert {(r["peer"], r["held_reason"]) for r in held if r is not None} == {
        ("192.0.2.7", "held for approval")}


def test_device_story(seeded: Seeded) -> None:
    """A device's story: its records, held requests and revocations, each typed."""
    done(seeded.store.record_revocation("0A1B", "ab", "default", "local", "local",
                                        "keyCompromise", "operator", "revoked"))
    story: DeviceStory = done(seeded.store.device(seeded.held_id))
    assert sorted(story) == ["held", "records", "revoked"]
    assert_rows(EnrollmentRow, story["records"])
    assert_rows(PendingRow, story["held"])
    assert_rows(RevocationRow, story["revoked"])


def test_code_rows(seeded: Seeded) -> None:
    """Codes as shown (`CodeRow`), with their binding for a challenge client."""
    store = seeded.store
    code_id, _ = done(store.issue_code("code:printer", 600, bound='{"x": 1}'))
    assert_rows(CodeRow, [*done(store.codes()), done(store.code(code_id)),
                          *done(store.codes_page(10, 0))])
    assert_rows(BoundCodeRow, done(store.codes_of(("code:printer",))))


def test_revocation_and_crl_rows(seeded: Seeded) -> None:
    store = seeded.store
    done(store.record_revocation("0A1B", "ab", "default", "local", "local", "keyCompromise",
                                 "operator", "revoked"))
    done(store.add_crl("ab", 1, NOW + 3600, 1, b"crl"))
    assert_rows(RevocationRow, [done(store.revocation("0A1B")),
                                *done(store.revocations("local", "ab"))])
    assert_rows(CrlRow, [done(store.latest_crl("ab"))])


def test_scep_rows(seeded: Seeded) -> None:
    store = seeded.store
    nonce = bytes(range(16))
    done(store.scep_begin("default", "tx1", "5" * 64, "code:printer", "code", "scep-pkcsreq",
                          "Q1NS", (nonce, "d" * 64)))
    assert_rows(ScepTransactionRow, [done(store.scep_transaction("default", "tx1", "5" * 64))])
    assert_rows(ScepSeen, [done(store.scep_seen(nonce))])


def test_notification_rows(seeded: Seeded) -> None:
    """A notification is held by its sender; retried, it is due and claimed once."""
    store = seeded.store
    kept = done(store.notification_add("intune", "default", "tx1", "successNotification",
                                       "{}", {"to": "intune"}, 120))
    assert done(store.notifications_due(120)) == []
    done(store.notification_retry(kept, 1, NOW, "HTTP 503"))
    rows = done(store.notifications_due(120))
    assert_rows(NotificationRow, rows)
    assert rows[0]["about"] == {"to": "intune"} and rows[0]["attempts"] == 1
    assert done(store.notifications_due(120)) == []
    done(store.notification_done(kept))
    assert done(store.rows("SELECT id FROM notifications")) == []


def test_attempt_audit_session_renewal_rows(seeded: Seeded) -> None:
    store = seeded.store
    key = Attempt(int(NOW // 3600), "est", "simpleenroll", "default", "bad-key",
                  "basic:mallory", "192.0.2.9")
    done(store.add_attempts([(key, 2, NOW, NOW, "too small")], 10, "others"))
    assert_rows(AttemptRow, done(store.search_attempts({})))
    done(store.audit("login", "operator", address="192.0.2.1"))
    assert_rows(AuditRow, done(store.search_audit({})))
    done(store.session_open("t" * 64, "operator", "csrf", "192.0.2.1", 600))
    assert_rows(SessionRow, [done(store.session("t" * 64, 600))])
    done(store.advance_renewal("default", [], NOW + 60, "rollover", "operator"))
    assert_rows(RenewalAdvance, done(store.renewal_advances()))
    assert_rows(CurrentCertificate, done(store.current_certificates(10)))
