"""Refused and failed device attempts, aggregated per hour (estra/ra/attempts.py)."""

from __future__ import annotations

from typing import Any, Sequence, TypedDict

from estra.store.engine import StoreBase

__all__ = ["AttemptRow", "Attempts"]


class AttemptRow(TypedDict):
    """A row of `attempts`: the refusals of one hour with one (face, operation, profile,
    rule, name, address), or the hour's row of "others" past the per-hour cap."""

    id: int
    hour: int                  # hours since the epoch
    first_at: float
    last_at: float
    face: str                  # est | scep
    operation: str
    label: str
    rule: str
    name: str
    address: str
    reason: str                # the last one's
    count: int


class Attempts(StoreBase):
    """Attempt rows: one per hour and (face, operation, profile, rule, name, address)."""

    async def add_attempts(self, rows: Sequence[tuple[Any, int, float, float, str]],
                           per_hour: int, others: str) -> int:
        """Add counted attempts (key, count, first, last, reason) in one transaction: a
        key seen before this hour adds to its row; a new key gets a row while its hour
        has fewer than `per_hour`, else it adds to the hour's row of `others`."""
        def run(cursor: Any) -> int:
            room: dict[int, int] = {}
            for key, count, first, last, reason in rows:
                if self._add_attempt(cursor, key, count, last, reason):
                    continue
                if key.hour not in room:
                    cursor.execute(self.dialect.sql(
                        "SELECT COUNT(*) FROM attempts WHERE hour = ?"), (key.hour,))
                    room[key.hour] = per_hour - int(cursor.fetchone()[0])
                name, address = (key.name, key.address) if room[key.hour] > 0 else (
                    others, others)
                if (name, address) != (key.name, key.address) and self._add_attempt(
                        cursor, key, count, last, reason, name, address):
                    continue
                cursor.execute(self.dialect.sql(
                    "INSERT INTO attempts (hour, first_at, last_at, face, operation, label, "
                    "rule, name, address, reason, count) VALUES (?,?,?,?,?,?,?,?,?,?,?)"),
                    (key.hour, first, last, key.face, key.operation, key.label, key.rule,
                     name, address, reason, count))
                room[key.hour] -= 1
            return len(rows)
        result: int = await self._transact(run)
        return result

    def _add_attempt(self, cursor: Any, key: Any, count: int, last: float, reason: str,
                     name: str | None = None, address: str | None = None) -> bool:
        """Add to the row of `key` (with `name`, `address` when given); False if none."""
        cursor.execute(self.dialect.sql(
            "UPDATE attempts SET count = count + ?, last_at = ?, reason = ? WHERE hour = ? "
            "AND face = ? AND operation = ? AND label = ? AND rule = ? AND name = ? AND "
            "address = ?"), (count, last, reason, key.hour, key.face, key.operation,
                             key.label, key.rule, key.name if name is None else name,
                             key.address if address is None else address))
        return int(cursor.rowcount) > 0

    async def sweep_attempts(self, before: float, batch: int = 5000) -> int:
        """Forget at most `batch` attempt rows last seen before `before`."""
        return await self._write(
            "DELETE FROM attempts WHERE id IN (SELECT id FROM attempts WHERE last_at < ? "
            "LIMIT ?)", before, batch)

    async def failures_by_rule(self, since: float) -> list[tuple[str, str, int]]:
        """(rule, profile, attempts) refused or failed since `since`, most first."""
        rows = await self.query(
            "SELECT rule, label, SUM(count) AS n FROM attempts WHERE hour >= ? "
            "GROUP BY rule, label ORDER BY n DESC, rule, label", int(since // 3600))
        return [(str(r), str(p), int(n)) for r, p, n in rows]

    async def search_attempts(self, exact: dict[str, str], name: str = "",
                              since: float | None = None, until: float | None = None,
                              limit: int = 100, offset: int = 0) -> list[AttemptRow]:
        """Attempt rows, newest hour first: `exact` (rule, label, face, address), a
        substring of the name, a time range (of the last attempt)."""
        return await self._search("attempts", exact, ("name", name), since, until, limit,
                                  offset, "last_at")
