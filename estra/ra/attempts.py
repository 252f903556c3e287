"""Refused and failed device attempts: one aggregated, bounded record (issue #20).

Every face (EST, fullcmc, SCEP) hands each request it refuses or fails to
`Attempts.refused`, the one place that names the rule (`auth`, `bad-request`,
`throttled`, `scep-challenge`, a policy rule such as `san-dns` ...), the name
that was tried (an identity's principal, the user name of failed Basic
credentials, a SCEP request's claimed subject; never a password), the address
and the profile.  A flood cannot fill the disk:

* repeats within an hour are one row with a count (counted in memory and
  written once a second by `attempts_service`, so a flood of 401s costs one
  upsert per distinct row per second, not a write per request);
* at most `per_hour` distinct rows an hour are kept per node; the rest go to one
  row per (rule, profile, operation) with name and address "*";
* rows last seen more than `days` days ago are swept.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from attrs import define, field, frozen
from twisted.internet.interfaces import IReactorTime
from twisted.application.internet import TimerService
from twisted.internet.defer import Deferred
from twisted.logger import Logger

from estra.errors import EstError, Unauthorized
from estra.ra.throttle import LoginsBusy, TooManyAttempts

__all__ = ["Attempt", "Attempts", "attempts_service", "rule_for", "OTHERS"]

log = Logger(namespace="estra.attempts")
#: name and address of the row that takes an hour's attempts past the cap
OTHERS = "*"
#: longest name, address and reason kept (longer ones are cut)
_NAME, _ADDRESS, _REASON = 128, 64, 300
#: statuses that are no device attempt of a profile (unknown path, wrong method)
_NOT_ATTEMPTS = (404, 405)


@frozen
class Attempt:
    """One refused or failed request, as recorded (a key of the hour's counts)."""

    hour: int
    face: str           # est | scep
    operation: str
    label: str
    rule: str
    name: str
    address: str


def rule_for(error: BaseException) -> str:
    """The rule that refused a request: `auth`, `throttled`, `bad-request`, else the
    rule an error's reason starts with ("san-dns: ..."), else its kind."""
    if isinstance(error, Unauthorized):
        return "auth"
    if isinstance(error, (TooManyAttempts, LoginsBusy)):
        return "throttled"
    if not isinstance(error, EstError):
        return "internal"
    if error.status in (400, 413, 415):
        return "bad-request"
    head = error.reason.split(":", 1)[0]
    return head if head and " " not in head else type(error).__name__


def attempted_name(error: BaseException, who: str) -> str:
    """The name a request tried: `who` (a principal, a claimed subject), else the user
    name of Basic credentials that failed, marked with "?"."""
    if not who or who == "-":
        attempted = getattr(error, "attempted", None)
        return f"basic:{attempted}?" if attempted else ""
    return who


@define(eq=False)
class Attempts:
    """Counts refused attempts in memory, writes them to the store (`flush`)."""

    store: Any
    clock: Callable[[], float]
    per_hour: int = 2000        # distinct rows an hour (per node)
    days: float = 30.0          # retention
    _counts: dict[Attempt, list[Any]] = field(factory=dict)   # -> [count, first, last, reason]

    def refused(self, face: str, operation: str, label: str, address: str, who: str,
                error: BaseException) -> None:
        """Note a request `error` refused or failed (no attempt for 404, 405, 2xx);
        `who` is the principal or claimed name ("" or "-" when none is known)."""
        status = error.status if isinstance(error, EstError) else 500
        if status < 400 or status in _NOT_ATTEMPTS:
            return
        reason = error.reason if isinstance(error, EstError) else type(error).__name__
        self.note(face, operation, label, rule_for(error), attempted_name(error, who),
                  address, reason)

    def note(self, face: str, operation: str, label: str, rule: str, name: str,
             address: str, reason: str) -> None:
        """Count one attempt (in memory; `flush` writes the counts)."""
        now = self.clock()
        key = Attempt(int(now // 3600), face, operation[:32], label[:64], rule[:64],
                      name[:_NAME], address[:_ADDRESS])
        if key not in self._counts and len(self._counts) >= self.per_hour:
            key = Attempt(key.hour, face, key.operation, key.label, key.rule, OTHERS, OTHERS)
        seen = self._counts.setdefault(key, [0, now, now, ""])
        seen[0] += 1
        seen[2], seen[3] = now, reason[:_REASON]

    async def flush(self) -> int:
        """Write the counts so far (one transaction); how many rows were touched."""
        counts, self._counts = self._counts, {}
        if not counts:
            return 0
        try:
            return int(await self.store.add_attempts(
                [(k, *v) for k, v in counts.items()], self.per_hour, OTHERS))
        except Exception as e:  # noqa: BLE001 - counts of a store outage are lost, logged
            log.warn("could not record {rows} refused-attempt row(s): {error_type}: {error}",
                     rows=len(counts), error_type=type(e).__name__, error=str(e))
            return 0

    async def sweep(self) -> int:
        """Forget rows last seen more than `days` days ago; how many went."""
        return int(await self.store.sweep_attempts(self.clock() - self.days * 86400))


def attempts_service(attempts: Attempts, clock: IReactorTime, interval: float = 1.0,
                     sweep_every: float = 600.0) -> TimerService:
    """Writes `attempts` every `interval` seconds, sweeps old rows every `sweep_every`."""
    last = [-math.inf]

    async def tick() -> None:
        await attempts.flush()
        if clock.seconds() - last[0] >= sweep_every:
            last[0] = clock.seconds()
            try:
                await attempts.sweep()
            except Exception as e:  # noqa: BLE001 - the next sweep tries again
                log.warn("could not sweep refused attempts: {error_type}: {error}",
                         error_type=type(e).__name__, error=str(e))
    timer = TimerService(interval, lambda: Deferred.fromCoroutine(tick()))
    timer.clock = clock
    return timer
