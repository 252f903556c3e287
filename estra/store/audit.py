"""The audit trail: who did what, when (`Store.audit`, the console's audit search)."""

from __future__ import annotations

import json
from typing import Any, TypedDict

from estra.store.engine import StoreBase

__all__ = ["Audit", "AuditRow"]


class AuditRow(TypedDict):
    """A row of `audit`: one event; `detail` is JSON (sorted keys)."""

    id: int
    at: float
    kind: str
    identity: str
    detail: str


class Audit(StoreBase):
    """Audit events: written by every part of the Store that changes what an
    operator decides; searched by the console."""

    async def audit(self, kind: str, identity: str, **detail: Any) -> None:
        await self._write("INSERT INTO audit (at, kind, identity, detail) VALUES (?,?,?,?)",
                          self.clock(), kind, identity, json.dumps(detail, sort_keys=True))

    async def search_audit(self, exact: dict[str, str], text: str = "",
                           since: float | None = None, until: float | None = None,
                           limit: int = 100, offset: int = 0) -> list[AuditRow]:
        """Audit events, newest first: `exact` (kind, identity), a detail substring."""
        return await self._search("audit", exact, ("detail", text), since, until, limit,
                                  offset)
