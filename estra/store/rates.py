"""Rate counters: requests per bucket and fixed window, shared by every node.
"""

from __future__ import annotations

from estra.store.engine import StoreBase

__all__ = ["RateCounters"]


class RateCounters(StoreBase):
    """Fixed-window counters."""

    async def hit(self, bucket: str, window: int) -> int:
        """Count one request in `bucket`'s current window; returns the count so far."""
        start = int(self.clock() // window * window)
        return await self._write(
            "INSERT INTO rate_counters (bucket, window_start, hits) VALUES (?,?,1) "
            "ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + 1 "
            "RETURNING hits", bucket, start)
