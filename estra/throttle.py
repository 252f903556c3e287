"""Throttling of HTTP Basic password guesses (security issue #9, finding 3).

Each bcrypt check costs ~30 ms of a 4-thread pool, so unthrottled guessing both
finds weak passwords and slows every legitimate login. `LoginThrottle` puts
three limits in front of bcrypt, none of which can lock the real user out:

* **per source** (an IPv4 address, or an IPv6 /64): a token bucket of
  `source_burst` attempts refilling one every `source_refill` seconds. An attempt
  takes a token before bcrypt runs and gives it back when the password was
  right, so only failures (and attempts still in flight) use the budget. An
  empty bucket answers 429 + Retry-After without running bcrypt.
* **per user name**: a slower bucket of failures across all sources. When it is
  empty, only sources that have *already failed for that user* are refused; a
  source that never failed for the user, or a client presenting the right
  password remembered by `Htpasswd`'s cache, still gets its check.
* **the bcrypt queue**: at most `max_pending` checks queued or running; more get
  503 + Retry-After at once, so a flood cannot starve the pool.

All state is in memory, keyed by source and user, each table an LRU of at most
`max_entries` rows, with the clock injected.
"""

from __future__ import annotations

import ipaddress
import math
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Protocol

from attrs import frozen

from estra.errors import EstError

__all__ = ["ThrottleSettings", "LoginThrottle", "TooManyAttempts", "LoginsBusy",
           "source_key"]


class TooManyAttempts(EstError):
    """429: too many failed logins from this source (or for this user from it)."""

    status = 429

    def __init__(self, reason: str, retry_after: int) -> None:
        super().__init__(reason, {"Retry-After": str(max(1, int(retry_after)))})


class LoginsBusy(EstError):
    """503: the password-check queue is full."""

    status = 503

    def __init__(self, reason: str) -> None:
        super().__init__(reason, {"Retry-After": "1"})


@frozen
class ThrottleSettings:
    """[auth] throttle numbers; the defaults allow a person's typos, not a guesser."""

    source_burst: int = 10           # failed attempts a source may make at once
    source_refill: float = 6         # seconds to regain one (10 a minute)
    user_burst: int = 20             # failures for one user, from all sources
    user_refill: float = 30          # seconds to regain one (2 a minute)
    max_pending: int = 32            # bcrypt checks queued or running
    max_entries: int = 10_000        # rows per table (sources, users, source+user)


class _Checker(Protocol):
    def cached(self, user: str, password: str) -> bool: ...

    def check(self, user: str, password: str) -> Awaitable[bool]: ...


def source_key(address: str) -> str:
    """The throttling key of a client address: IPv4 as is, IPv6 by its /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip.ipv4_mapped or ip) if isinstance(ip, ipaddress.IPv6Address) else str(ip)


class _Buckets:
    """Token buckets by key in an LRU of bounded size; a missing key is a full bucket."""

    def __init__(self, burst: int, refill: float, max_entries: int,
                 clock: Callable[[], float]) -> None:
        self.burst, self.refill, self.max_entries, self._clock = burst, refill, \
            max_entries, clock
        self._rows: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._rows)

    def tokens(self, key: str) -> float:
        row = self._rows.get(key)
        if row is None:
            return float(self.burst)
        tokens, stamp = row
        return min(float(self.burst), tokens + (self._clock() - stamp) / self.refill)

    def wait(self, key: str) -> int:
        """Seconds until `key` has a whole token again."""
        return math.ceil((1 - self.tokens(key)) * self.refill)

    def add(self, key: str, amount: float) -> None:
        tokens = self.tokens(key) + amount
        if tokens >= self.burst:
            self._rows.pop(key, None)          # full again: forget it
            return
        self._rows[key] = (tokens, self._clock())
        self._rows.move_to_end(key)
        while len(self._rows) > self.max_entries:
            self._rows.popitem(last=False)


class LoginThrottle:
    """Guards `Htpasswd.check` with per-source, per-user and queue limits."""

    def __init__(self, settings: ThrottleSettings, clock: Callable[[], float]) -> None:
        self.settings = settings
        self.sources = _Buckets(settings.source_burst, settings.source_refill,
                                settings.max_entries, clock)
        self.users = _Buckets(settings.user_burst, settings.user_refill,
                              settings.max_entries, clock)
        self.failed_pairs: OrderedDict[tuple[str, str], None] = OrderedDict()
        self.pending = 0

    async def check(self, address: str, user: str, password: str,
                    htpasswd: _Checker) -> bool:
        """`htpasswd.check(user, password)` unless a limit says no first."""
        if htpasswd.cached(user, password):
            return True
        source = source_key(address)
        if self.sources.tokens(source) < 1:
            raise TooManyAttempts("too many failed logins from this address",
                                  self.sources.wait(source))
        if (source, user) in self.failed_pairs and self.users.tokens(user) < 1:
            raise TooManyAttempts("too many failed logins for this user",
                                  self.users.wait(user))
        if self.pending >= self.settings.max_pending:
            raise LoginsBusy("too many password checks under way; retry shortly")
        self.sources.add(source, -1)           # reserved; given back on success
        self.pending += 1
        try:
            ok = await htpasswd.check(user, password)
        finally:
            self.pending -= 1
        if ok:
            self.sources.add(source, 1)
            self.failed_pairs.pop((source, user), None)
            return True
        self.users.add(user, -1)
        self.failed_pairs[(source, user)] = None
        self.failed_pairs.move_to_end((source, user))
        while len(self.failed_pairs) > self.settings.max_entries:
            self.failed_pairs.popitem(last=False)
        return False

    def sizes(self) -> dict[str, Any]:
        """Rows held per table (for tests and metrics)."""
        return {"sources": len(self.sources), "users": len(self.users),
                "pairs": len(self.failed_pairs)}
