"""Issue #17, the console findings, in process: lockout, log flood, ids, sessions, paging.

Each test here failed on 13fbe27.  The real-twistd halves (two source addresses
with curl, the log file, operator certificates) are in tests/test_console_live.py.
"""

from __future__ import annotations

import html
import re

from treq.client import HTTPClient
from twisted.internet import reactor
from twisted.internet.threads import deferToThread
from twisted.logger import capturedLogs, formatEvent
from twisted.trial.unittest import SynchronousTestCase
from twisted.web.client import Agent, HTTPConnectionPool

from estra.config import ConfigError, settings_from_string
from estra.ra.htpasswd import remove_user, set_user
from tests.conftest import estra_cli
from tests.test_console import Browser, ConsoleFixture, deferred_test, temporary


class ConsoleDmzTests(ConsoleFixture):
    def browser_from(self, address: str) -> Browser:
        """A browser whose connections come from `address` (a loopback alias)."""
        agent = Agent(reactor, pool=HTTPConnectionPool(reactor, persistent=False),
                      bindAddress=(address, 0))
        return Browser(HTTPClient(agent), self.base)

    @deferred_test
    async def test_wrong_passwords_elsewhere_do_not_lock_an_operator_out(self) -> None:
        """Twenty wrong passwords for boss from one address: that address is refused
        (429), boss from another address logs in."""
        await self.start()
        attacker = self.browser_from("127.0.0.2")
        codes = [await attacker.login("boss", "guess") for _ in range(20)]
        self.assertEqual(codes[:5], [401] * 5)
        self.assertEqual(codes[-1], 429)
        self.assertEqual(await self.browser().login("boss"), 303)

    @deferred_test
    async def test_shared_address_other_operator_still_logs_in(self) -> None:
        """Behind one bastion address, appr's typos do not lock view out."""
        await self.start()
        for _ in range(6):
            await self.browser().login("appr", "typo")
        self.assertEqual(await self.browser().login("view"), 303)

    @deferred_test
    async def test_throttled_logins_are_logged_escaped_and_rate_limited(self) -> None:
        """A flood of throttled logins with a 16 KiB name holding a newline: at most one
        log event, one line, of bounded length."""
        await self.start()
        name = "x\n2026-12-06T00:00:00+0000 [-] forged line" + "y" * 15000
        for _ in range(5):
            await self.browser().login(name, "guess")
        with capturedLogs() as events:
            codes = {await self.browser().login(name, "guess") for _ in range(30)}
        self.assertEqual(codes, {429})
        said = [formatEvent(e) for e in events if "console login" in formatEvent(e)]
        self.assertEqual(len(said), 1, said[:3])
        self.assertNotIn("\n", said[0])
        self.assertIn("\\n2026-12-06", said[0])
        self.assertLess(len(said[0]), 2000)

    @deferred_test
    async def test_bad_ids_are_404_or_400_never_500(self) -> None:
        """Unicode digits and numbers past 2**63 in ids: 404; in hours: 400."""
        await self.start()
        b = self.browser()
        await b.login("boss")
        csrf = await b.csrf("/console/codes")
        for ident in ("\u0663", "\u00b2", "9" * 19, str(2 ** 63), "1.pem.pem", "-1"):
            self.assertEqual((await b.go("GET", f"/console/enrollments/{ident}"))[0], 404)
            self.assertEqual((await b.go("GET", f"/console/enrollments/{ident}.pem"))[0], 404)
            for path in (f"/console/pending/{ident}", f"/console/codes/{ident}/revoke",
                         f"/console/enrollments/{ident}/revoke"):
                code, _, _ = await b.go("POST", path, csrf=csrf, action="approve",
                                        reason="keyCompromise")
                self.assertEqual(code, 404, path)
        for hours in ("\u00b2", "\u0663", "9" * 30):
            code, _, _ = await b.go("POST", "/console/codes", csrf=csrf, principal="code:x",
                                    hours=hours)
            self.assertEqual(code, 400)
        self.assertEqual((await b.go("GET", "/console/codes?page=\u0663"))[0], 400)
        for query in ("after=%5B1%2C%20%22x%22%5D", "before=%5B1%2C%20" + "9" * 30 + "%5D",
                      "after=%7B", "sort=subject", "dir=up", "label=nosuch", "format=xml",
                      "decision=granted", "since=yesterday"):   # lists: cursor, sort, choices
            for path in ("/console/pending", "/console/enrollments")[
                    "=granted" in query or "since" in query:]:
                self.assertEqual((await b.go("GET", f"{path}?{query}"))[0], 400, query)

    @deferred_test
    async def test_password_change_or_removal_ends_sessions(self) -> None:
        """Setting boss's password (as `estra operator add` does) ends boss's session;
        removing appr from the password file ends appr's; view's goes on."""
        await self.start()
        boss, appr, view = self.browser(), self.browser(), self.browser()
        for b, name in ((boss, "boss"), (appr, "appr"), (view, "view")):
            self.assertEqual(await b.login(name), 303)
        operators = self.state.child("operators.htpasswd")
        set_user(operators, "boss", "a new password")
        remove_user(operators, "appr")
        for b in (boss, appr):
            code, headers, _ = await b.go("GET", "/console/")
            self.assertEqual((code, headers.getRawHeaders("location")),
                             (303, ["/console/login"]))
        self.assertEqual((await view.go("GET", "/console/"))[0], 200)
        self.assertEqual(await boss.login("boss", "a new password"), 303)
        self.assertEqual((await boss.go("GET", "/console/"))[0], 200)

    @deferred_test
    async def test_pending_page_is_paged(self) -> None:
        """120 held requests: 50 a page by cursor (oldest first), the total, and
        First/Previous/Next links that walk the list both ways; the dashboard counts
        them all."""
        await self.start()
        ids = [await self.held_request() for _ in range(120)]
        b = self.browser()
        await b.login("view")

        def shown(body: str) -> list[int]:
            return [int(i) for i in re.findall(r'href="/console/pending/(\d+)"', body)]

        def link(body: str, text: str) -> str:
            found = re.findall(f'<a [^>]*href="([^"]+)"[^>]*>{text}</a>', body)
            return html.unescape(found[0]) if found else ""
        _, _, body = await b.go("GET", "/console/pending")
        self.assertEqual(shown(body), ids[:50])
        self.assertIn("120 row(s) match; 50 on this page.", body)
        self.assertEqual(link(body, "Previous page"), "")
        _, _, body = await b.go("GET", link(body, "Next page"))
        self.assertEqual(shown(body), ids[50:100])
        _, _, body = await b.go("GET", link(body, "Next page"))
        self.assertEqual(shown(body), ids[100:])
        self.assertEqual(link(body, "Next page"), "")
        _, _, body = await b.go("GET", link(body, "Previous page"))
        self.assertEqual(shown(body), ids[50:100])
        _, _, body = await b.go("GET", link(body, "Previous page"))
        self.assertEqual(shown(body), ids[:50])
        self.assertEqual(link(body, "Previous page"), "")
        self.assertIn("120 request(s) await", (await b.go("GET", "/console/"))[2])

    @deferred_test
    async def test_other_lists_are_paged(self) -> None:
        """Codes, the audit log and the device users come 50 at a time; a search
        keeps its filters in the page links."""
        await self.start()
        for i in range(60):
            await self.store.issue_code(f"code:dev-{i}", 3600)
        names = [f"u{i}" for i in range(60)]
        self.devices.setContent("".join(f"{n}:$2b$04$x\n" for n in names).encode())
        b = self.browser()
        await b.login("boss")
        _, _, body = await b.go("GET", "/console/codes")
        self.assertEqual(len(re.findall(r"Revoke code \d+", body)), 50)
        self.assertIn("Rows 1 to 50 of 60.", body)
        _, _, body = await b.go("GET", "/console/audit?kind=CODE-issued")
        self.assertIn("60 row(s) match; 50 on this page.", body)
        following = html.unescape(re.findall('<a [^>]*href="([^"]+)"[^>]*>Next page</a>', body)[0])
        self.assertIn("kind=CODE-issued", following)
        _, _, body = await b.go("GET", following)
        self.assertIn("60 row(s) match; 10 on this page.", body)
        _, _, body = await b.go("GET", "/console/users")
        self.assertEqual(len(re.findall(r"Remove user u\d+", body)), 50)


class OperatorCommandSessionTests(ConsoleFixture):
    @deferred_test
    async def test_operator_add_ends_sessions_in_the_store(self) -> None:
        """`estra operator add boss` (a new password) deletes boss's sessions from the
        store at once, so no node (whatever its operator file says) accepts them."""
        await self.start()
        boss, view = self.browser(), self.browser()
        self.assertEqual(await boss.login("boss"), 303)
        self.assertEqual(await view.login("view"), 303)
        made = await deferToThread(estra_cli, "--state-dir", self.state.path, "init")
        self.assertEqual(made.returncode, 0, made.stderr)     # operator add needs a CA there
        done = await deferToThread(
            estra_cli, "--state-dir", self.state.path, "operator", "add", "boss", "--role",
            "admin", "--password-stdin", stdin="another password\n")
        self.assertEqual(done.returncode, 0, done.stderr)
        rows = await self.store.query("SELECT operator FROM console_sessions")
        self.assertEqual(rows, [("operator:view",)])


class OperatorCertificateConfigTests(SynchronousTestCase):
    def test_operator_trust_needs_an_operator_eku(self) -> None:
        """operator_trust without operator_eku (a CN alone) is refused, naming the key;
        a malformed OID too."""
        ca = temporary(self).child("ops.pem")
        ca.setContent(b"")
        head = (f'[admin]\nlisten = "tcp:0:interface=127.0.0.1"\n[console]\n'
                f'operator_trust = ["{ca.path}"]\n')
        with self.assertRaises(ConfigError) as e:
            settings_from_string(head)
        self.assertIn("operator_eku", str(e.exception))
        with self.assertRaises(ConfigError):
            settings_from_string(head + 'operator_eku = "1.3.6.x"\n')
        settings = settings_from_string(head + 'operator_eku = "1.3.6.1.4.1.99999.1"\n')
        assert settings.console is not None
        self.assertEqual(settings.console.operator_eku, "1.3.6.1.4.1.99999.1")
