"""Operator console sessions (estra/console/), shared by every node, and the bounded
counts its pages show.
"""

from __future__ import annotations

from typing import Any, Sequence, TypedDict

from estra.store.engine import StoreBase

__all__ = ["ConsoleSessions", "SessionRow"]


class SessionRow(TypedDict):
    """A row of `console_sessions` (the token itself is never stored: its SHA-256)."""

    token_sha256: str
    operator: str
    csrf: str
    address: str
    created: float
    expires: float
    last_seen: float           # the idle timeout counts from here
    flash: str                 # the status message the next page shows


class ConsoleSessions(StoreBase):
    """Console sessions by token hash."""

    async def session_open(self, token_sha256: str, operator: str, csrf: str, address: str,
                           ttl: float) -> None:
        now = self.clock()
        await self._write("DELETE FROM console_sessions WHERE expires <= ?", now)
        await self._write("INSERT INTO console_sessions (token_sha256, operator, csrf, "
                          "address, created, expires, last_seen) VALUES (?,?,?,?,?,?,?)",
                          token_sha256, operator, csrf, address, now, now + ttl, now)

    async def session(self, token_sha256: str, idle: float) -> SessionRow | None:
        """The session with this token hash, unexpired and used within `idle` seconds,
        or None."""
        now = self.clock()
        rows: list[SessionRow] = await self._rows(
            "SELECT * FROM console_sessions WHERE token_sha256 = ? AND expires > ? AND "
            "last_seen > ?", token_sha256, now, now - idle)
        return rows[0] if rows else None

    async def session_seen(self, token_sha256: str, flash_taken: bool) -> None:
        """The session was used now (and its status message shown, when `flash_taken`)."""
        await self._write("UPDATE console_sessions SET last_seen = ?"
                          + (", flash = ''" if flash_taken else "") + " WHERE token_sha256 = ?",
                          self.clock(), token_sha256)

    async def session_flash(self, token_sha256: str, text: str) -> None:
        """The status message the session's next page shows (post/redirect/get)."""
        await self._write("UPDATE console_sessions SET flash = ? WHERE token_sha256 = ?",
                          text[:1000], token_sha256)

    async def session_close(self, token_sha256: str) -> None:
        await self._write("DELETE FROM console_sessions WHERE token_sha256 = ?", token_sha256)

    async def sessions_end(self, operator: str) -> int:
        """End every console session of `operator` (on every node); how many there were."""
        return await self._write("DELETE FROM console_sessions WHERE operator = ?", operator)

    async def count(self, table: str, where: Sequence[str] = (), args: Sequence[Any] = (),
                    cap: int = 10_000) -> int:
        """Rows of `table` matching every `where` condition, counted up to `cap` (a count
        of `cap` means "at least"): what a console page shows, at a bounded cost."""
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = await self.query(f"SELECT COUNT(*) FROM (SELECT 1 FROM {table}{clause} "
                                "LIMIT ?) AS capped", *args, cap)
        return int(rows[0][0])
