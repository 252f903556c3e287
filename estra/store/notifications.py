"""Notifications of SCEP outcomes not delivered yet (estra/scep/notifications.py): kept
until delivered or given up, each held by the node sending it until `claimed_until`."""

from __future__ import annotations

import json
from typing import Any, TypedDict, cast

from estra.store.engine import StoreBase

__all__ = ["Notifications", "NotificationRow"]


class NotificationRow(TypedDict):
    """A row of `notifications` as `notifications_due` gives it (`about` decoded)."""

    id: int
    at: float                  # when it was first sent
    kind: str                  # "step-ca" | "intune"
    label: str                 # the profile
    transaction_id: str
    target: str                # the webhook URL, or Intune's action
    body: str                  # what is sent, without the challengePassword
    about: dict[str, Any]      # what the audit says of it if given up
    attempts: int
    due: float
    claimed_until: float
    last_error: str


class Notifications(StoreBase):
    """Notifications waiting for delivery, claimed by one node at a time."""

    async def notification_add(self, kind: str, label: str, transaction_id: str,
                               target: str, body: str, about: dict[str, Any],
                               lease: float) -> int:
        """Keep a notification until it is delivered; its id.  It is due now and held
        by the caller, who sends it at once, for `lease` seconds."""
        now = self.clock()
        return await self._write(
            "INSERT INTO notifications (at, kind, label, transaction_id, target, body, "
            "about, due, claimed_until) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id", now, kind,
            label, transaction_id, target, body, json.dumps(about, sort_keys=True), now,
            now + lease)

    async def notifications_due(self, lease: float, most: int = 50) -> list[NotificationRow]:
        """At most `most` notifications due and held by nobody, oldest due first, each
        now held by the caller for `lease` seconds: the rows the caller won (a row
        another node took between the look and the claim is left out)."""
        now = self.clock()
        rows = await self._rows("SELECT * FROM notifications WHERE due <= ? AND "
                                "claimed_until < ? ORDER BY due LIMIT ?", now, now, most)
        won: list[NotificationRow] = []
        for row in rows:
            if await self._write("UPDATE notifications SET claimed_until = ? WHERE id = ? "
                                 "AND claimed_until < ?", now + lease, row["id"], now) == 1:
                won.append(cast(NotificationRow, {**row, "about": json.loads(row["about"])}))
        return won

    async def notification_retry(self, notification_id: int, attempts: int, due: float,
                                 error: str) -> None:
        """A held notification failed: `attempts` so far, due again at `due`, held by
        nobody."""
        await self._write("UPDATE notifications SET attempts = ?, due = ?, claimed_until = 0, "
                          "last_error = ? WHERE id = ?", attempts, due, error[:500],
                          notification_id)

    async def notification_done(self, notification_id: int) -> None:
        """A notification delivered, or given up: forgotten."""
        await self._write("DELETE FROM notifications WHERE id = ?", notification_id)
