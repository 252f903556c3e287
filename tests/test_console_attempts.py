"""Issue #20: every refused or failed device attempt is a bounded record, shown on the
console by rule and profile.  In process, on `tests.fuzzing.World` (the RA, EST and
SCEP faces and the console over one in-memory SQLite store); each test failed on
b8540e8 (no attempts table, no `Attempts`)."""

from __future__ import annotations

import base64
import re
import tempfile
import time
from typing import Any
from urllib.parse import urlencode

from twisted.internet.defer import Deferred
from twisted.internet.task import Clock
from twisted.logger import capturedLogs, formatEvent
from twisted.python.filepath import FilePath
from twisted.trial.unittest import SynchronousTestCase

from estra.asn1 import scep_message as sm
from estra.ra.attempts import OTHERS, Attempts, attempts_service
from estra.config import ThrottleSettings
from estra.store.database import (MIGRATIONS, Store, _attempts_from_refusals, _migrate,
                                  migrate_blocking, open_store, run_blocking)
from estra.ra.throttle import LoginThrottle
from tests import pki
from tests.fuzzing import PASSWORD, SCEP_PASSWORD, USER, World

EST = "http://ra.test/.well-known/est"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class AttemptsFixture(SynchronousTestCase):
    def setUp(self) -> None:
        self.world = World()

    def est(self, path: str, body: bytes, authorization: str | None = None,
            content_type: str = "application/pkcs10") -> int:
        headers = {"Content-Type": content_type}
        if authorization:
            headers["Authorization"] = authorization
        response = self.world.resolve(self.world.est.post(
            f"{EST}/{path}", data=body, headers=headers), path)
        self.world.resolve(response.content(), path)
        return int(response.code)

    def scep(self, der: bytes, label: str = "") -> tuple[int, bytes]:
        url = f"http://ra.test/scep{'/' + label if label else ''}?operation=PKIOperation"
        response = self.world.resolve(self.world.scep.post(
            url, data=der, headers={"Content-Type": "application/x-pki-message"}), "scep")
        return int(response.code), self.world.resolve(response.content(), "scep")

    def csr_b64(self, name: str = "dev1", challenge: str | None = None) -> bytes:
        return base64.b64encode(pki.der(pki.csr(pki.ec_key(), pki.name(name),
                                                challenge=challenge)))

    def flush(self, attempts: Attempts | None = None) -> int:
        written: int = self.world.resolve(Deferred.fromCoroutine(
            (attempts or self.world.ra.attempts).flush()), "flush")
        return written

    def rows(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.world.resolve(Deferred.fromCoroutine(
            self.world.store.search_attempts({}, limit=1000)), "attempts")
        return found

    def by_rule(self) -> dict[str, list[dict[str, Any]]]:
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in self.rows():
            grouped.setdefault(row["rule"], []).append(row)
        return grouped


class RecordedTests(AttemptsFixture):
    def test_est_refusals_before_the_ra_are_recorded_with_their_rule(self) -> None:
        """401 (wrong password, none), 400 (a bad CSR), 415 and 429 before the RA are
        attempts: rule, the name tried (never the password), address and profile."""
        self.assertEqual(self.est("simpleenroll", self.csr_b64(),
                                  basic("mallory", "secret-guess")), 401)
        self.assertEqual(self.est("simpleenroll", self.csr_b64()), 401)
        good = basic(USER, PASSWORD)
        self.assertEqual(self.est("strict/simpleenroll", b"not base64 !", good), 400)
        self.assertEqual(self.est("simpleenroll", self.csr_b64(), good, "text/html"), 415)
        self.world.ra.authenticator.throttle = LoginThrottle(
            ThrottleSettings(source_burst=1, source_refill=3600), time.time)
        codes = [self.est("simpleenroll", self.csr_b64(), basic(USER, "wrong"))
                 for _ in range(3)]
        self.assertEqual(codes[-1], 429)
        self.flush()
        rules = self.by_rule()
        self.assertEqual({r["name"] for r in rules["auth"]},
                         {"basic:mallory?", "", f"basic:{USER}?"})
        bad = rules["bad-request"]
        self.assertEqual({(r["label"], r["name"], r["operation"]) for r in bad},
                         {("strict", f"basic:{USER}", "simpleenroll"),
                          ("default", f"basic:{USER}", "simpleenroll")})
        self.assertEqual(sum(r["count"] for r in rules["throttled"]), codes.count(429))
        for row in self.rows():
            self.assertEqual(row["face"], "est")
            self.assertTrue(row["address"])
            self.assertNotIn("secret-guess", repr(row))
            self.assertNotIn("wrong", row["name"])

    def test_policy_refusal_and_fullcmc_failure_are_attempts(self) -> None:
        """A policy refusal (403) and a refusal answered inside a 200 CMC response both
        name their rule."""
        good = basic(USER, PASSWORD)
        self.assertEqual(self.est("strict/simpleenroll", base64.b64encode(pki.der(
            pki.csr(pki.ec_key(), pki.name("dev9"), [pki.x509.DNSName("evil.org")]))),
            good), 403)
        answer = self.world.resolve(Deferred.fromCoroutine(self.world.fullcmc.answer(
            self.world.identity, b"\x30\x03\x02\x01\x00", self.world.profile)), "cmc")
        self.assertIsInstance(answer, bytes)
        self.flush()
        rules = self.by_rule()
        self.assertEqual([(r["label"], r["name"]) for r in rules["san-dns"]],
                         [("strict", f"basic:{USER}")])
        self.assertEqual([(r["operation"], r["name"]) for r in rules["bad-request"]],
                         [("fullcmc", self.world.identity.principal)])

    def test_wrong_scep_challenge_is_an_attempt_and_logged_as_failure(self) -> None:
        """A PKCSReq with a wrong challengePassword: FAILURE (HTTP 200), an attempt of
        rule scep-challenge naming the subject the device claimed, and a request log
        line that says FAILURE, not a plain 200."""
        device = self.world.scep_device
        req = pki.csr(device.key, pki.name("printer-7"), challenge="not " + SCEP_PASSWORD)
        der = sm.pkcs_req(req, device, self.world.scep_signer.cert).der
        with capturedLogs() as events:
            code, body = self.scep(der)
        self.assertEqual(code, 200)
        reply = sm.parse(body, [self.world.scep_signer.cert])
        self.assertEqual(reply.status, sm.Status.FAILURE)
        lines = [formatEvent(e) for e in events if e.get("protocol") == "scep"]
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("FAILURE", lines[0])
        self.assertIn("scep-challenge", lines[0])
        self.assertEqual(self.scep(b"\x30\x00")[0], 400)
        self.flush()
        rules = self.by_rule()
        [row] = rules["scep-challenge"]
        self.assertEqual((row["face"], row["operation"], row["label"], row["name"]),
                         ("scep", "PKCSReq", "default", "subject CN=printer-7"))
        self.assertNotIn(SCEP_PASSWORD, repr(self.rows()))
        self.assertEqual([r["face"] for r in rules["bad-request"]], ["scep"])

    def test_unknown_paths_are_no_attempts(self) -> None:
        """404 (unknown label) and 405 are not device attempts of a profile."""
        self.assertEqual(self.est("nosuch/simpleenroll", b""), 404)
        self.flush()
        self.assertEqual(self.rows(), [])


class BoundedTests(AttemptsFixture):
    def test_repeats_are_one_row_with_a_count(self) -> None:
        """Fifty wrong passwords from one address for one name: one row, count 50,
        one write per flush."""
        for _ in range(50):
            self.est("simpleenroll", self.csr_b64(), basic("mallory", "x"))
        self.assertEqual(self.flush(), 1)
        [row] = self.rows()
        self.assertEqual((row["rule"], row["name"], row["count"]), ("auth", "basic:mallory?", 50))
        self.est("simpleenroll", self.csr_b64(), basic("mallory", "x"))
        self.flush()
        [row] = self.rows()
        self.assertEqual(row["count"], 51)

    def test_distinct_rows_per_hour_are_capped(self) -> None:
        """Past `per_hour` distinct rows in an hour (in memory and in the store), the
        attempts add to one row of name and address "*": every attempt still counted."""
        attempts = Attempts(self.world.store, time.time, per_hour=3)
        for n in range(5):
            attempts.note("est", "simpleenroll", "default", "auth", f"basic:u{n}?",
                          "192.0.2.1", "bad")
        self.flush(attempts)
        for n in range(5, 10):
            attempts.note("est", "simpleenroll", "default", "auth", f"basic:u{n}?",
                          "192.0.2.1", "bad")
        self.flush(attempts)
        rows = self.rows()
        self.assertEqual(sum(r["count"] for r in rows), 10)
        self.assertLessEqual(len(rows), 4)
        self.assertEqual([(r["name"], r["address"]) for r in rows
                          if r["name"] == OTHERS], [(OTHERS, OTHERS)])

    def test_old_rows_are_swept_after_the_retention(self) -> None:
        """Rows last seen more than `days` ago go; newer ones stay."""
        now = [time.time()]
        attempts = Attempts(self.world.store, lambda: now[0], days=2)
        attempts.note("est", "simpleenroll", "default", "auth", "old", "192.0.2.1", "x")
        self.flush(attempts)
        now[0] += 86400
        attempts.note("est", "simpleenroll", "default", "auth", "new", "192.0.2.1", "x")
        self.flush(attempts)
        now[0] += 1.5 * 86400
        self.world.resolve(Deferred.fromCoroutine(attempts.sweep()), "sweep")
        self.assertEqual([r["name"] for r in self.rows()], ["new"])

    def test_the_service_writes_each_second(self) -> None:
        """`attempts_service` writes the counts on its timer, not per request."""
        clock = Clock()
        attempts = Attempts(self.world.store, clock.seconds)
        service = attempts_service(attempts, clock)
        service.startService()
        self.addCleanup(service.stopService)
        attempts.note("est", "simpleenroll", "default", "auth", "a", "192.0.2.1", "x")
        self.assertEqual(self.rows(), [])
        clock.advance(1)
        self.assertEqual([r["name"] for r in self.rows()], ["a"])


class DashboardTests(AttemptsFixture):
    def page(self, path: str) -> tuple[int, str]:
        self.world.console_session()
        response = self.world.resolve(self.world.admin.get(
            f"http://ra.test{path}", headers={"Cookie": self.world.console_cookie}), path)
        return int(response.code), self.world.resolve(response.content(), path).decode()

    def test_failures_by_rule_and_profile_link_to_the_filtered_list(self) -> None:
        """The dashboard counts refused attempts by rule and profile; each count links
        to the list filtered by both; the list finds device X by name."""
        for _ in range(3):
            self.est("simpleenroll", self.csr_b64(), basic("device-x", "wrong"))
        self.est("strict/simpleenroll", b"!!", basic(USER, PASSWORD))
        self.flush()
        code, html = self.page("/console/")
        self.assertEqual(code, 200)
        links = dict(re.findall(r'<a href="(/console/attempts\?[^"]+)"[^>]*>(\d+)</a>', html))
        wanted = [link for link in links if "rule=auth" in link and "label=default" in link]
        self.assertEqual(len(wanted), 1, links)
        self.assertEqual(links[wanted[0]], "3")
        code, html = self.page(wanted[0].replace("&amp;", "&"))
        self.assertEqual(code, 200)
        self.assertIn("basic:device-x?", html)
        self.assertNotIn("bad-request", html.split("<tbody>")[1])
        code, html = self.page("/console/attempts?" + urlencode({"name": "DEVICE-X"}))
        self.assertEqual(code, 200)
        self.assertIn("basic:device-x?", html)
        self.assertIn("3", html.split("<tbody>")[1])


def check_attempts_migration(store: Store) -> None:
    """A store of the previous schema with rejected and failed enrollments migrates:
    they are attempts by rule and profile, issued ones are not."""
    at = 1_700_000_000.0

    def previous(cursor: Any, dialect: Any) -> None:
        _migrate(cursor, dialect, upto=next(   # the schema before the attempts table
            i for i, steps in enumerate(MIGRATIONS) if _attempts_from_refusals in steps))
        for decision, rule, seconds in (("rejected", "san-dns", 0), ("rejected", "san-dns", 60),
                                        ("failed", "UpstreamUnavailable", 0),
                                        ("issued", "issued", 0)):
            cursor.execute(dialect.sql(
                "INSERT INTO enrollments (at, identity, method, peer, label, operation, "
                "csr_sha256, key_sha256, subject, sans, decision, rule, reason) VALUES "
                "(?,?,?,?,?,?,?,?,?,?,?,?,?)"),
                (at + seconds, "basic::dev", "basic", "192.0.2.5", "strict",
                 "simpleenroll", "c", "k", "CN=dev", "[]", decision, rule, f"{rule}: why"))
    run_blocking(store, previous)
    assert migrate_blocking(store) == len(MIGRATIONS)

    def read(cursor: Any, dialect: Any) -> list[Any]:
        cursor.execute("SELECT hour, face, rule, label, name, address, count, first_at, "
                       "last_at FROM attempts ORDER BY rule")
        return [tuple(r) for r in cursor.fetchall()]
    assert run_blocking(store, read) == [
        (int(at // 3600), "est", "UpstreamUnavailable", "strict", "basic::dev",
         "192.0.2.5", 1, at, at),
        (int(at // 3600), "est", "san-dns", "strict", "basic::dev", "192.0.2.5", 2, at,
         at + 60)], run_blocking(store, read)


class MigrationTests(SynchronousTestCase):
    def test_refusals_recorded_before_become_attempts(self) -> None:
        """The attempts migration on SQLite (`test_attempts_migration_postgres` below)."""
        store = open_store("", FilePath(tempfile.mkdtemp()), time.time)
        self.addCleanup(store.pool.close)
        check_attempts_migration(store)


def test_attempts_migration_postgres(database: str) -> None:
    """The attempts migration on PostgreSQL."""
    check_attempts_migration(open_store(database, FilePath(tempfile.mkdtemp()), time.time))


class SettingsTests(SynchronousTestCase):
    def test_retention_settings_are_read_and_checked(self) -> None:
        """[store] attempts_per_hour and attempts_days: defaults, values, bad values named."""
        from estra.config import ConfigError, settings_from_string
        state = tempfile.mkdtemp()
        default = settings_from_string("", state_dir=state)
        self.assertEqual((default.attempts_per_hour, default.attempts_days), (2000, 30))
        given = settings_from_string("[store]\nattempts_per_hour = 50\nattempts_days = 7\n",
                                     state_dir=state)
        self.assertEqual((given.attempts_per_hour, given.attempts_days), (50, 7))
        with self.assertRaises(ConfigError) as caught:
            settings_from_string("[store]\nattempts_days = 0\n", state_dir=state)
        self.assertIn("store.attempts_days", str(caught.exception))
