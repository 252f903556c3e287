"""Notifications of SCEP outcomes, kept in the store until delivered (issue #21).

What a request became is told to whoever decided on its challenge: a step-ca
NOTIFYING webhook (`scep_notify`: the certificate, or the failInfo) and
Intune's successNotification / failureNotification.  The device never waits
for them.  Each one is written to the store's `notifications` table before it
is sent, held by the node sending it (`claimed_until`), and forgotten once
delivered, so a node that stops meanwhile loses none:

- the first try is made at once by the node that decided the request;
- a try that fails on the far side's trouble (unreachable, no answer, an HTTP
  5xx or 429: `UpstreamUnavailable`, any `EstError` of status 500 and up) makes
  it due again after the next delay of `[scep] notify_backoff`, held by nobody;
- `resumer` (a timer, on one process per node) takes due notifications held by
  nobody, or held past their lease by a node that stopped, from any node: each
  is claimed in the store by exactly one node (`Store.notifications_due`);
- given up, logged as an error and audited ("notification-undelivered", what
  it was about), when the far side refuses it for good (an HTTP 4xx, Intune's
  code other than Success), after 1 + len(notify_backoff) tries, or once older
  than `[scep] notify_max_age`, or when the profile no longer sends it.  What it
  reported stands: a certificate issued stays issued.

The store keeps the body without the device's challengePassword (a stored
request never carries one, `wire.csr_without_challenge`): the first try sends
the request as the device signed it, a later try the stored one.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Mapping

from twisted.application.internet import TimerService
from twisted.internet.defer import Deferred, gatherResults
from twisted.internet.interfaces import IReactorTime

from estra.config import Profile
from estra.errors import EstError, Forbidden, UpstreamUnavailable
from estra.logging import SafeLogger
from estra.store.database import Store
from estra.upstream import stepca_hooks as stepca
from estra.upstream.http import UpstreamHTTP
from estra.upstream.intune import IntuneValidator

__all__ = ["Notifier", "resumer", "STEP_CA", "INTUNE", "LEASE"]

log = SafeLogger(namespace="estra.scep")

#: the kinds of notification: a step-ca NOTIFYING webhook, an Intune notification
STEP_CA, INTUNE = "step-ca", "intune"
#: seconds a node holds a notification it is sending (a node that stops mid-send
#: leaves it to the others after this)
LEASE = 120.0


class Notifier:
    """One generation's way to send each kind of notification, over the store."""

    def __init__(self, store: Store, profiles: Mapping[str, Profile],
                 webhooks: Mapping[str, UpstreamHTTP],
                 intune: Mapping[str, IntuneValidator],
                 backoff: tuple[float, ...], max_age: float) -> None:
        self.store, self.profiles, self.webhooks, self.intune = store, profiles, webhooks, intune
        self.backoff, self.max_age = backoff, max_age

    def send(self, kind: str, label: str, transaction_id: str, target: str, body: bytes,
             stored: bytes, **about: Any) -> None:
        """Keep the notification (`stored`, its body without secrets) and try `body` now,
        in the background."""
        async def run() -> None:
            try:
                row = await self.store.notification_add(
                    kind, label, transaction_id, target, stored.decode(), about, LEASE)
            except Exception:  # noqa: BLE001 - a store outage: try once, unkept
                log.failure("SCEP {tid}: notification not kept", tid=transaction_id)
                row = None
            note = {"id": row, "kind": kind, "label": label, "transaction_id": transaction_id,
                    "target": target, "about": about, "attempts": 0,
                    "at": self.store.clock()}
            await self._try(note, body)
        Deferred.fromCoroutine(run()).addErrback(
            lambda failure: log.failure("SCEP {tid}: notification failed", failure,
                                        tid=transaction_id))

    async def resume(self, most: int = 50) -> int:
        """Try the notifications due (held by nobody), all those claimed at once: each
        is held for LEASE from its claim, so one far side that does not answer must
        not keep the others waiting past their lease (another node would send them
        again); how many were taken."""
        rows = await self.store.notifications_due(LEASE, most)
        await gatherResults([Deferred.fromCoroutine(self._try(row, str(row["body"]).encode()))
                             for row in rows], consumeErrors=True)
        return len(rows)

    async def _try(self, note: Mapping[str, Any], body: bytes) -> None:
        tid, attempts = str(note["transaction_id"]), int(note["attempts"]) + 1
        try:
            await self._deliver(str(note["kind"]), str(note["label"]), str(note["target"]),
                                body)
        except EstError as e:
            old = self.store.clock() - float(note["at"]) >= self.max_age
            if e.status < 500 or attempts > len(self.backoff) or old or note["id"] is None:
                await self._give_up(note, e.reason)
            else:
                log.info("SCEP {tid}: notification not delivered yet ({reason}); "
                         "tried {attempts} times", tid=tid, reason=e.reason,
                         attempts=attempts)
                await self.store.notification_retry(
                    int(note["id"]), attempts,
                    self.store.clock() + self.backoff[attempts - 1], e.reason)
            return
        except Exception:  # noqa: BLE001 - a bug: kept, tried again later
            log.failure("SCEP {tid}: notification failed", tid=tid)
            if note["id"] is not None:
                await self.store.notification_retry(
                    int(note["id"]), attempts,
                    self.store.clock() + self.backoff[min(attempts, len(self.backoff)) - 1],
                    "internal error")
            return
        if note["id"] is not None:
            await self.store.notification_done(int(note["id"]))

    async def _give_up(self, note: Mapping[str, Any], reason: str) -> None:
        log.error("SCEP {tid}: notification not delivered: {reason}",
                  tid=note["transaction_id"], reason=reason)
        await self.store.audit("notification-undelivered", "scep",
                               transaction=note["transaction_id"], reason=reason,
                               **note["about"])
        if note["id"] is not None:
            await self.store.notification_done(int(note["id"]))

    async def _deliver(self, kind: str, label: str, target: str, body: bytes) -> None:
        profile = self.profiles.get(label)
        if kind == STEP_CA and profile is not None and profile.scep_notify and \
                label in self.webhooks:
            http = self.webhooks[label]
            reply = await http.request("POST", target, data=body, headers=stepca.signed(
                body, profile.scep_webhook_secret, stepca.webhook_id(profile)))
            if reply.status >= 500 or reply.status == 429:
                raise UpstreamUnavailable.because("scep-notify", f"the notification webhook "
                                                  f"answered {reply.status}", http.retry_after)
            if reply.status >= 300:
                raise Forbidden.because("scep-notify", f"the notification webhook answered "
                                        f"{reply.status}")
            return
        if kind == INTUNE and label in self.intune:
            await self.intune[label].notify(target, json.loads(body))
            return
        raise Forbidden.because("scep-notify", f"profile {label!r} no longer sends {kind} "
                                "notifications")


def resumer(clock: IReactorTime, current: Callable[[], Notifier | None],
            interval: float = 2.0, batch: int = 50, batches: int = 20) -> TimerService:
    """A timer trying, every `interval` seconds, the notifications due (at most
    `batches` claims of `batch`), with the current generation's `Notifier`
    (`current`; None: no SCEP face)."""
    async def tick() -> None:
        notifier = current()
        try:
            for _ in range(batches):
                if notifier is None or await notifier.resume(batch) < batch:
                    return
        except Exception:  # noqa: BLE001 - a store outage: try again next time
            log.failure("SCEP notifications could not be resumed")

    def run() -> Awaitable[None]:
        return Deferred.fromCoroutine(tick())
    timer = TimerService(interval, run)
    timer.clock = clock
    return timer
