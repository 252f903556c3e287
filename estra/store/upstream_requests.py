"""Requests an upstream CA holds (AD CS pending approval, estra/upstream/adcs.py): the
CA's request id by upstream and key, so a retry polls instead of submitting again.
"""

from __future__ import annotations

from typing import Any

from estra.store.engine import StoreBase

__all__ = ["UpstreamRequests"]


class UpstreamRequests(StoreBase):
    """Upstream request ids by (upstream, key SHA-256)."""

    async def upstream_request(self, upstream: str, key_sha256: str) -> str | None:
        """The request id `upstream` gave the CSR with this key, if one is kept."""
        rows = await self.query("SELECT request_id FROM upstream_requests WHERE upstream = ? "
                                "AND key_sha256 = ?", upstream, key_sha256)
        return str(rows[0][0]) if rows else None

    async def keep_upstream_request(self, upstream: str, key_sha256: str, request_id: str,
                                    keep: float = 30 * 86400) -> None:
        """Keep the id (ids older than `keep` seconds are forgotten: their device
        never came back, and would just submit again)."""
        now = self.clock()

        def run(cursor: Any) -> None:
            cursor.execute(self.dialect.sql("DELETE FROM upstream_requests WHERE at < ?"),
                           (now - keep,))
            cursor.execute(self.dialect.sql(
                "INSERT INTO upstream_requests (upstream, key_sha256, request_id, at) "
                "VALUES (?,?,?,?) ON CONFLICT (upstream, key_sha256) DO UPDATE SET "
                "request_id = excluded.request_id, at = excluded.at"),
                (upstream, key_sha256, request_id, now))
        await self._transact(run)

    async def forget_upstream_request(self, upstream: str, key_sha256: str) -> None:
        await self._write("DELETE FROM upstream_requests WHERE upstream = ? AND "
                          "key_sha256 = ?", upstream, key_sha256)
