"""Requests held for an operator's decision: held, decided, claimed once, issued."""

from __future__ import annotations

import json
from typing import Any, Callable, Sequence, TypedDict

from estra.store.audit import Audit
from estra.store.engine import filters, marks, with_sans

__all__ = ["HeldRequest", "PENDING_COLUMNS", "PROCESSED", "PendingRequests", "PendingRow"]


#: held requests that were decided (the console's "processed" view)
PROCESSED = "p.status IN ('approved', 'issuing', 'issued', 'rejected')"
_HELD = ("(SELECT e.{0} FROM enrollments e WHERE e.key_sha256 = p.key_sha256 AND "
         "e.identity = p.identity AND e.decision = 'held' ORDER BY e.id DESC LIMIT 1)")
#: a held request with the address (`peer`) and reason (`held_reason`) of its newest
#: "held" record, on the index on enrollments (key_sha256, identity)
PENDING_COLUMNS = (f"p.*, {_HELD.format('peer')} AS peer, {_HELD.format('reason')} "
                   "AS held_reason")
_PENDING_SELECT = f"SELECT {PENDING_COLUMNS} FROM pending p"


class PendingRow(TypedDict):
    """A row of `pending` (`sans` as a list): a request held for an operator."""

    id: int
    at: float
    label: str
    operation: str
    identity: str
    key_sha256: str
    subject: str
    sans: list[str]
    csr: str                   # base64 DER
    status: str                # pending | approved | issuing | issued | rejected
    reason: str                # the operator's
    decided_by: str
    decided_at: float | None
    serial: str | None         # once issued
    claimed_at: float | None   # while issuing


class HeldRequest(PendingRow):
    """A held request with the address and reason of its newest "held" record
    (`PENDING_COLUMNS`); None when that record is gone."""

    peer: str | None
    held_reason: str | None


class PendingRequests(Audit):
    """Held requests and their decisions."""

    async def find_pending(self, label: str, identity: str, key_sha256: str
                           ) -> PendingRow | None:
        """The newest held request for this key and identity, whatever its status
        (pending, approved, issuing, issued, rejected)."""
        rows: list[PendingRow] = with_sans(await self._rows(
            "SELECT * FROM pending WHERE label = ? AND identity = ? AND key_sha256 = ? "
            "ORDER BY id DESC LIMIT 1", label, identity, key_sha256))
        return rows[0] if rows else None

    async def hold(self, label: str, operation: str, identity: str, key_sha256: str,
                   subject: str, sans: Sequence[str], csr_b64: str,
                   most: int | None = None) -> int | None:
        """Hold a request for an operator; its id, or None when `identity` already has
        `most` requests awaiting a decision (counted and inserted in one transaction,
        under a per-identity lock on PostgreSQL, so concurrent requests and nodes
        cannot pass the cap together)."""
        insert = self.dialect.sql(
            "INSERT INTO pending (at, label, operation, identity, key_sha256, subject, sans, "
            "csr, status) VALUES (?,?,?,?,?,?,?,?,'pending') RETURNING id")
        args = (self.clock(), label, operation, identity, key_sha256, subject,
                json.dumps(list(sans)), csr_b64)

        def run(cursor: Any) -> int | None:
            if most is not None:
                self._lock_identity(cursor, identity)
                cursor.execute(self.dialect.sql("SELECT COUNT(*) FROM pending WHERE "
                                                "identity = ? AND status = 'pending'"),
                               (identity,))
                if int(cursor.fetchone()[0]) >= most:
                    return None
            cursor.execute(insert, args)
            return int(cursor.fetchone()[0])
        held: int | None = await self._transact(run)
        return held

    async def claim(self, pending_id: int, stale_after: float) -> bool:
        """Take an approved request to issue it: True for exactly one caller (on every
        node), until `release` or the issuance is recorded.  A claim older than
        `stale_after` seconds (its node died while issuing) can be taken again."""
        now = self.clock()
        return await self._write(
            "UPDATE pending SET status = 'issuing', claimed_at = ? WHERE id = ? AND "
            "(status = 'approved' OR (status = 'issuing' AND claimed_at < ?))",
            now, pending_id, now - stale_after) == 1

    async def release(self, pending_id: int) -> None:
        """Give a claim back (the CA failed): the next retry may issue."""
        await self._write("UPDATE pending SET status = 'approved', claimed_at = NULL "
                          "WHERE id = ? AND status = 'issuing'", pending_id)

    def pending_issued(self, pending_id: int) -> Callable[[Any, str], None]:
        """The `record(on_issued=...)` hook that marks a claimed request issued with its
        serial, in the transaction that records the issuance."""
        sql = self.dialect.sql("UPDATE pending SET status = 'issued', serial = ? "
                               "WHERE id = ?")

        def update(cursor: Any, serial: str) -> None:
            cursor.execute(sql, (serial, pending_id))
        return update

    async def decide(self, pending_id: int, approve: bool, reason: str, by: str
                     ) -> str | None:
        """Approve a pending or rejected request, or reject a pending one; the status
        it had (audited with who decided), or None when it was in neither."""
        status = "approved" if approve else "rejected"
        return await self._change(pending_id, ("pending", "rejected") if approve
                                  else ("pending",), status, reason, by, status)

    async def reopen(self, pending_id: int, by: str) -> str | None:
        """A rejected request back to pending (the device's next retry is held again);
        "rejected", or None when it was not rejected."""
        return await self._change(pending_id, ("rejected",), "pending", "", by, "reopened")

    async def _change(self, pending_id: int, allowed: Sequence[str], status: str,
                      reason: str, by: str, event: str) -> str | None:
        def run(cursor: Any) -> str | None:
            cursor.execute(self.dialect.sql("SELECT status FROM pending WHERE id = ?"),
                           (pending_id,))
            row = cursor.fetchone()
            if row is None or row[0] not in allowed:
                return None
            cursor.execute(self.dialect.sql(       # unless another operator got there first
                "UPDATE pending SET status = ?, reason = ?, decided_by = ?, decided_at = ? "
                "WHERE id = ? AND status = ?"),
                (status, reason, by, self.clock(), pending_id, row[0]))
            return str(row[0]) if cursor.rowcount == 1 else None
        previous: str | None = await self._transact(run)
        if previous is not None:
            await self.audit(event, by, pending=pending_id, reason=reason, previous=previous)
        return previous

    async def pending(self, status: str | None = "pending") -> list[PendingRow]:
        """The held requests with this status (None: all), oldest first."""
        where, args = filters(status=status)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return with_sans(await self._rows(f"SELECT * FROM pending{clause} ORDER BY id",
                                           *args))

    async def held(self, identity: str, key_sha256: str) -> list[PendingRow]:
        """The held requests of this identity for this key, oldest first."""
        return with_sans(await self._rows(
            "SELECT * FROM pending WHERE identity = ? AND key_sha256 = ? ORDER BY id",
            identity, key_sha256))

    async def pending_request(self, pending_id: int) -> HeldRequest | None:
        """One held request, whatever its status, with the address (`peer`) and reason
        (`held_reason`) of its newest "held" record."""
        rows: list[HeldRequest] = with_sans(await self._rows(
            f"{_PENDING_SELECT} WHERE p.id = ?", pending_id))
        return rows[0] if rows else None

    async def pending_requests(self, ids: Sequence[int]) -> list[HeldRequest]:
        """The held requests with these ids (as `pending_request`), in id order."""
        if not ids:
            return []
        return with_sans(await self._rows(f"{_PENDING_SELECT} WHERE p.id IN ({marks(ids)}) "
                                           "ORDER BY p.id", *ids))
