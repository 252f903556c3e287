"""Throttling of failed HTTP Basic logins (security issue #9, finding 3)."""

from __future__ import annotations

from typing import Any

from twisted.internet.defer import CancelledError, Deferred, succeed
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from estra.config import ThrottleSettings
from estra.web.limits import source_key
from estra.ra.throttle import LoginsBusy, LoginThrottle, TooManyAttempts

from tests.conftest import PASSWORD


class FakeHtpasswd:
    """User alice with PASSWORD; counts the (bcrypt) checks it is asked for."""

    def __init__(self) -> None:
        self.checks = 0
        self.good: set[tuple[str, str]] = set()
        self.hold: list[Deferred[bool]] | None = None

    def cached(self, user: str, password: str) -> bool:
        return (user, password) in self.good

    def check(self, user: str, password: str) -> Deferred[bool]:
        self.checks += 1
        ok = user == "alice" and password == PASSWORD
        if self.hold is not None:              # answered (and then cached) when fired
            d: Deferred[bool] = Deferred()
            self.hold.append(d)
            return d.addCallback(self._remember, user, password)
        return succeed(self._remember(ok, user, password))

    def _remember(self, ok: bool, user: str, password: str) -> bool:
        if ok:
            self.good.add((user, password))
        return ok


class LoginThrottleTests(SynchronousTestCase):
    def setUp(self) -> None:
        self.clock = Clock()
        self.htpasswd = FakeHtpasswd()
        self.throttle = LoginThrottle(ThrottleSettings(), self.clock.seconds)

    def attempt(self, address: str, user: str = "alice", password: str = "guess") -> Any:
        d = Deferred.fromCoroutine(self.throttle.check(address, user, password,
                                                       self.htpasswd))
        return d

    def login(self, address: str, user: str = "alice", password: str = "guess") -> bool:
        result: bool = self.successResultOf(self.attempt(address, user, password))
        return result

    def refused(self, address: str, password: str = "guess") -> TooManyAttempts:
        error = self.failureResultOf(self.attempt(address, password=password),
                                     TooManyAttempts).value
        assert isinstance(error, TooManyAttempts)
        return error

    def test_guessing_from_one_address_throttled(self) -> None:
        """After 10 failures from one address the next attempt is 429 with a
        Retry-After, and no bcrypt check runs for it."""
        for i in range(10):
            self.assertFalse(self.login("192.0.2.7", password=f"guess{i}"))
        error = self.refused("192.0.2.7")
        self.assertEqual(error.status, 429)
        self.assertEqual(error.headers()["Retry-After"], "6")
        self.assertEqual(self.htpasswd.checks, 10)

    def test_budget_refills_with_time(self) -> None:
        """One failed attempt is regained every 6 s: ~10 guesses a minute at most."""
        for _ in range(10):
            self.login("192.0.2.7")
        self.clock.advance(6)
        self.assertFalse(self.login("192.0.2.7"))
        self.refused("192.0.2.7")

    def test_successes_do_not_use_the_budget(self) -> None:
        """A client logging in right many times is never throttled."""
        for _ in range(50):
            self.htpasswd.good.clear()                 # no cache: bcrypt every time
            self.assertTrue(self.login("192.0.2.8", password=PASSWORD))

    def test_legitimate_user_from_another_address_logs_in(self) -> None:
        """Guessers on 40 addresses spend alice's per-user budget; they are refused
        for alice, while alice from her own address (never failed) still logs in."""
        for n in range(40):
            self.assertFalse(self.login(f"198.51.100.{n}"))
        error = self.refused("198.51.100.3")         # failed for alice before: 429
        self.assertIn("for this user", error.reason)
        self.assertTrue(self.login("203.0.113.5", password=PASSWORD))

    def test_cached_right_password_accepted_from_a_throttled_address(self) -> None:
        """Behind the same NAT address as a guesser, alice's recently checked
        password is accepted without bcrypt and without throttling."""
        self.assertTrue(self.login("192.0.2.9", password=PASSWORD))
        for _ in range(10):
            self.login("192.0.2.9")
        checks = self.htpasswd.checks
        self.assertTrue(self.login("192.0.2.9", password=PASSWORD))
        self.assertEqual(self.htpasswd.checks, checks)

    def test_bcrypt_queue_capped(self) -> None:
        """With 32 checks under way, the next (from any address) is 503 at once."""
        self.htpasswd.hold = []
        pending = [self.attempt(f"10.0.{n // 8}.{n}") for n in range(32)]
        for d in pending:
            self.assertNoResult(d)
        busy = self.failureResultOf(self.attempt("10.9.9.9"), LoginsBusy).value
        assert isinstance(busy, LoginsBusy)
        self.assertEqual((busy.status, busy.headers()["Retry-After"]), (503, "1"))
        self.assertEqual(self.htpasswd.checks, 32)
        held, self.htpasswd.hold = self.htpasswd.hold, None
        for d in held:
            d.callback(False)
        self.assertFalse(self.login("10.9.9.9"))

    def test_devices_behind_one_address_starting_together(self) -> None:
        """20 first logins with the same credentials from one address while the first is
        checked: one bcrypt, one answer for all, no 429 (each would otherwise take a
        token of the 10); different passwords from there still each take one."""
        self.htpasswd.hold = []
        same = [self.attempt("192.0.2.1", password=PASSWORD) for _ in range(20)]
        self.assertEqual(self.htpasswd.checks, 1)
        self.htpasswd.hold[0].callback(True)
        self.assertEqual([self.successResultOf(d) for d in same], [True] * 20)
        guesses = [self.attempt("192.0.2.2", password=f"guess{n}") for n in range(11)]
        self.failureResultOf(guesses[-1], TooManyAttempts)
        self.assertEqual(self.htpasswd.checks, 11)

    def test_a_shared_check_outlives_the_client_that_started_it(self) -> None:
        """The first of two same-credential attempts is cancelled (its client left): the
        second gets its own check and answer, not the cancellation."""
        self.htpasswd.hold = []
        first = self.attempt("192.0.2.1", password=PASSWORD)
        second = self.attempt("192.0.2.1", password=PASSWORD)
        first.cancel()
        self.failureResultOf(first, CancelledError)
        self.assertNoResult(second)
        self.htpasswd.hold[-1].callback(True)
        self.assertTrue(self.successResultOf(second))

    def test_memory_bounded_after_100000_addresses(self) -> None:
        """100,000 distinct addresses failing (for 100,000 user names) leave each
        table at most max_entries rows."""
        throttle = LoginThrottle(ThrottleSettings(max_entries=1000), self.clock.seconds)
        self.throttle = throttle
        for n in range(100_000):
            address = f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}"
            self.login(address, user=f"user{n}")
        sizes = throttle.sizes()
        self.assertLessEqual(max(sizes.values()), 1000, sizes)

    def test_ipv6_counted_by_64(self) -> None:
        """Addresses in one IPv6 /64 share a budget; IPv4-mapped ones count as IPv4."""
        self.assertEqual(source_key("2001:db8:1:2::1"), source_key("2001:db8:1:2:ffff::9"))
        self.assertNotEqual(source_key("2001:db8:1:2::1"), source_key("2001:db8:1:3::1"))
        self.assertEqual(source_key("::ffff:192.0.2.1"), "192.0.2.1")
        for n in range(10):
            self.login(f"2001:db8:1:2::{n + 1:x}")
        self.refused("2001:db8:1:2::99")


def test_guessing_through_the_production_wiring_throttled() -> None:
    """Through estra's EST face (the production wiring, in memory), the 11th wrong
    password from one address gets 429 + Retry-After; alice from another source address
    (127.0.0.2) still enrolls."""
    from estra.testing import MemoryRA
    from tests import pki
    ra = MemoryRA()
    ra.add_user("alice", PASSWORD)
    req = pki.b64(pki.csr(pki.ec_key(), pki.name("t")))

    def post(password: str, address: str = "127.0.0.1") -> Any:
        return ra.post("/.well-known/est/simpleenroll", req, user=("alice", password),
                       address=address, headers={"Content-Type": "application/pkcs10"})
    statuses = [post(f"guess{i}").code for i in range(11)]
    assert statuses == [401] * 10 + [429], statuses
    refused = post("guess")
    assert refused.code == 429 and int(refused.headers["retry-after"]) >= 1
    assert post(PASSWORD, "127.0.0.2").code == 200


def _write(path: Any, data: bytes) -> Any:
    path.write_bytes(data)
    return path


def guesses_until_refused(server: Any, source: str, limit: int = 30) -> list[int]:
    """Wrong passwords for alice from `source`, each on a new connection, until a 429."""
    from tests import pki
    from tests.conftest import parse_http
    req = _write(server.workdir / "guess.b64", pki.b64(pki.csr(pki.ec_key(), pki.name("g"))))
    statuses: list[int] = []
    while len(statuses) < limit and 429 not in statuses:
        done = server.curl("simpleenroll", "--interface", source, "--user",
                           f"alice:guess{len(statuses)}", "--data-binary", f"@{req}",
                           "-H", "Content-Type: application/pkcs10")
        statuses.append(parse_http(done.stdout)[0])
    return statuses


def test_one_budget_across_workers(start_estra: Any) -> None:
    """workers = 2 share the failed-login budget through the store: from one address the
    11th wrong password gets 429 although both workers answered the first ten (per
    worker, the budget would have been twenty); the buckets hold no user name."""
    import re
    import sqlite3
    import time
    server = start_estra("", "--workers", "2")
    deadline = time.monotonic() + 30
    while len(re.findall(r"\] estra EST RA ready", server.log.read_text())) < 2:
        assert time.monotonic() < deadline, server.log.read_text()
        time.sleep(0.1)
    server.add_user("alice")
    spread = []
    for n in range(2, 8):                    # each source address is a fresh budget
        before = len(server.log.read_text())
        statuses = guesses_until_refused(server, f"127.0.0.{n}")
        assert statuses == [401] * 10 + [429], statuses
        lines = [ln for ln in server.log.read_text()[before:].splitlines() if " 401 " in ln]
        spread.append(len({re.search(r"\[worker (\d+)", ln).group(1)  # type: ignore[union-attr]
                           for ln in lines}))
        if spread[-1] == 2:
            break
    assert 2 in spread, f"the kernel gave every connection to one worker: {spread}"
    keys = [row[0] for row in sqlite3.connect(server.state / "estra.db").execute(
        "SELECT key FROM login_buckets")]
    assert keys and all(re.fullmatch(r"(source|user|pair):[0-9a-f]{64}", k) for k in keys)
