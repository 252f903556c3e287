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

Where the buckets live is `state`: `MemoryState` (one process; each table an LRU
of at most `max_entries` rows) or `StoreState`, the store every worker and node
shares (the server's): a guesser's budget is then the same whatever process or
node takes each attempt, and a restart does not refill it.  The store is asked
only when bcrypt would run (credentials not in the password cache), so a
device whose password checked out costs it nothing.  The bcrypt queue stays per
process, as the bcrypt pool is.  The clock is injected.
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Protocol, TypeVar

from twisted.internet.defer import CancelledError, Deferred
from twisted.python.failure import Failure

from estra.config import ThrottleSettings
from estra.errors import EstError, Forbidden
from estra.web.limits import source_key

__all__ = ["LoginThrottle", "TooManyAttempts", "LoginsBusy", "MemoryState", "StoreState"]


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


class _Checker(Protocol):
    def cached(self, user: str, password: str) -> bool: ...

    def check(self, user: str, password: str) -> Awaitable[bool]: ...


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

    def add(self, key: str, amount: float) -> None:
        tokens = self.tokens(key) + amount
        if tokens >= self.burst:
            self._rows.pop(key, None)          # full again: forget it
            return
        self._rows[key] = (tokens, self._clock())
        self._rows.move_to_end(key)
        while len(self._rows) > self.max_entries:
            self._rows.popitem(last=False)


SOURCE, USER = "source", "user"        # the two kinds of bucket
T = TypeVar("T")


def _refill(settings: ThrottleSettings, kind: str) -> tuple[float, float]:
    """(burst, seconds per token) of a kind of bucket."""
    if kind == SOURCE:
        return float(settings.source_burst), settings.source_refill
    return float(settings.user_burst), settings.user_refill


class _State(Protocol):
    async def tokens(self, kind: str, key: str) -> float: ...

    async def add(self, kind: str, key: str, amount: float) -> float: ...

    async def failed(self, source: str, user: str) -> bool: ...

    async def set_failed(self, source: str, user: str, failed: bool) -> None: ...

    def sizes(self) -> dict[str, Any]: ...


class MemoryState:
    """The buckets in this process's memory, each table a bounded LRU."""

    def __init__(self, settings: ThrottleSettings, clock: Callable[[], float]) -> None:
        self.settings = settings
        self.buckets: dict[str, _Buckets] = {}
        for kind in (SOURCE, USER):
            burst, refill = _refill(settings, kind)
            self.buckets[kind] = _Buckets(int(burst), refill, settings.max_entries, clock)
        self.failed_pairs: OrderedDict[tuple[str, str], None] = OrderedDict()

    async def tokens(self, kind: str, key: str) -> float:
        return self.buckets[kind].tokens(key)

    async def add(self, kind: str, key: str, amount: float) -> float:
        self.buckets[kind].add(key, amount)
        return self.buckets[kind].tokens(key)

    async def failed(self, source: str, user: str) -> bool:
        return (source, user) in self.failed_pairs

    async def set_failed(self, source: str, user: str, failed: bool) -> None:
        if not failed:
            self.failed_pairs.pop((source, user), None)
            return
        self.failed_pairs[(source, user)] = None
        self.failed_pairs.move_to_end((source, user))
        while len(self.failed_pairs) > self.settings.max_entries:
            self.failed_pairs.popitem(last=False)

    def sizes(self) -> dict[str, Any]:
        return {"sources": len(self.buckets[SOURCE]), "users": len(self.buckets[USER]),
                "pairs": len(self.failed_pairs)}


def _row_key(kind: str, *parts: str) -> str:
    """A bucket's key in the store: a digest, so no user name (a password typed in the
    wrong field) is kept in clear text, and of bounded length."""
    return kind + ":" + hashlib.sha256("\0".join(parts).encode("utf-8", "replace")
                                       ).hexdigest()


class StoreState:
    """The buckets in the store's `login_buckets` table, shared by every process on it.

    Each change is one atomic statement (refill, add, and the new level back), so
    concurrent attempts in several processes never lose one another's failures.
    Rows a full refill would have emptied are deleted, at most once a minute.
    """

    def __init__(self, store: Any, settings: ThrottleSettings,
                 clock: Callable[[], float]) -> None:
        self.store, self.settings, self._clock = store, settings, clock
        self._horizon = max(settings.source_burst * settings.source_refill,
                            settings.user_burst * settings.user_refill)
        self._next_sweep = 0.0

    async def tokens(self, kind: str, key: str) -> float:
        burst, refill = _refill(self.settings, kind)
        rows = await self.store.query("SELECT tokens, stamp FROM login_buckets WHERE key = ?",
                                      _row_key(kind, key))
        if not rows:
            return burst
        tokens, stamp = rows[0]
        return min(burst, float(tokens) + (self._clock() - float(stamp)) / refill)

    async def add(self, kind: str, key: str, amount: float) -> float:
        burst, refill = _refill(self.settings, kind)
        now = self._clock()
        sweep = now >= self._next_sweep
        if sweep:
            self._next_sweep = now + 60

        def change(cursor: Any, dialect: Any) -> float:
            if sweep:
                cursor.execute(dialect.sql("DELETE FROM login_buckets WHERE stamp < ?"),
                               (now - self._horizon,))
            cursor.execute(dialect.sql(
                "INSERT INTO login_buckets (key, tokens, stamp) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET tokens = CASE WHEN login_buckets.tokens + "
                "(excluded.stamp - login_buckets.stamp) / ? >= ? THEN ? ELSE "
                "login_buckets.tokens + (excluded.stamp - login_buckets.stamp) / ? END + ?, "
                "stamp = excluded.stamp RETURNING tokens"),
                (_row_key(kind, key), burst + amount, now, refill, burst, burst, refill,
                 float(amount)))
            return float(cursor.fetchone()[0])
        level: float = await self.store.interact(change)
        return level

    async def failed(self, source: str, user: str) -> bool:
        rows = await self.store.query("SELECT stamp FROM login_buckets WHERE key = ? AND "
                                      "stamp >= ?", _row_key("pair", source, user),
                                      self._clock() - self._horizon)
        return bool(rows)

    async def set_failed(self, source: str, user: str, failed: bool) -> None:
        key, now = _row_key("pair", source, user), self._clock()

        def change(cursor: Any, dialect: Any) -> None:
            if failed:
                cursor.execute(dialect.sql(
                    "INSERT INTO login_buckets (key, tokens, stamp) VALUES (?, 0, ?) "
                    "ON CONFLICT (key) DO UPDATE SET stamp = excluded.stamp"), (key, now))
            else:
                cursor.execute(dialect.sql("DELETE FROM login_buckets WHERE key = ?"), (key,))
        await self.store.interact(change)

    def sizes(self) -> dict[str, Any]:
        return {"store": "login_buckets"}


class LoginThrottle:
    """Guards `Htpasswd.check` with per-source, per-user and queue limits."""

    def __init__(self, settings: ThrottleSettings, clock: Callable[[], float],
                 state: _State | None = None) -> None:
        self.settings = settings
        self.state = state or MemoryState(settings, clock)
        self.pending = 0
        self._checking: dict[tuple[str, str, str], list[Deferred[bool | None]]] = {}

    async def check(self, address: str, user: str, password: str,
                    htpasswd: _Checker) -> bool:
        """`htpasswd.check(user, password)` unless a limit says no first.

        Attempts from one source with the same credentials while one of them is
        checked wait for that one's answer (devices behind one address starting
        together cost one bcrypt and one token of the budget, not one each)."""
        if htpasswd.cached(user, password):
            return True
        source = source_key(address)
        key = (source, user, password)           # in memory while checked, never kept
        if key in self._checking:
            answer: Deferred[bool | None] = Deferred()
            self._checking[key].append(answer)
            shared = await answer
            if shared is None:                   # that client left mid-check: ask again
                return await self.check(address, user, password, htpasswd)
            return shared
        self._checking[key] = []
        try:
            ok = bool(await self.attempt(address, user, lambda: htpasswd.check(user, password),
                                         queue=True))
        except CancelledError:
            for waiting in self._checking.pop(key):
                waiting.callback(None)
            raise
        except BaseException:
            failure = Failure()
            for waiting in self._checking.pop(key):
                waiting.errback(failure)
            raise
        for waiting in self._checking.pop(key):
            waiting.callback(ok)
        return ok

    async def attempt(self, address: str, who: str, verify: Callable[[], Awaitable[T]],
                      queue: bool = False) -> T:
        """`verify()` (a password, a SCEP challenge) under the failure budgets of
        `address` and of `who`: 429 (`TooManyAttempts`) when spent, before it runs.
        A falsy result, or a `Forbidden` it raises, counts as a failure.  `queue`:
        counted against `max_pending` (bcrypt's pool), 503 past it."""
        source = source_key(address)
        left = await self.state.tokens(SOURCE, source)
        if left < 1:
            raise TooManyAttempts("too many failed logins from this address",
                                  self._wait(SOURCE, left))
        if await self.state.failed(source, who):
            left = await self.state.tokens(USER, who)
            if left < 1:
                raise TooManyAttempts("too many failed logins for this user",
                                      self._wait(USER, left))
        if queue and self.pending >= self.settings.max_pending:
            raise LoginsBusy("too many password checks under way; retry shortly")
        self.pending += queue
        try:
            # Reserved, given back on success; several attempts (processes) may have
            # passed the check above at once: the atomic take tells who went past it.
            if await self.state.add(SOURCE, source, -1) < 0:
                await self.state.add(SOURCE, source, 1)
                raise TooManyAttempts("too many failed logins from this address",
                                      self._wait(SOURCE, 0))
            try:
                result = await verify()
            except Forbidden:
                await self._failed(source, who)
                raise
            except EstError as e:
                if e.status >= 500:          # the checker's trouble, not the client's guess
                    await self.state.add(SOURCE, source, 1)
                raise
        finally:
            self.pending -= queue
        if not result:
            await self._failed(source, who)
            return result
        await self.state.add(SOURCE, source, 1)
        await self.state.set_failed(source, who, False)
        return result

    async def _failed(self, source: str, who: str) -> None:
        """A failed attempt: the source keeps its reserved token, `who` loses one."""
        await self.state.add(USER, who, -1)
        await self.state.set_failed(source, who, True)

    def _wait(self, kind: str, tokens: float) -> int:
        """Seconds until a bucket holding `tokens` has a whole token again."""
        return math.ceil((1 - tokens) * _refill(self.settings, kind)[1])

    def sizes(self) -> dict[str, Any]:
        """Rows held per table (for tests and metrics)."""
        return self.state.sizes()
