"""Issue #20: console sessions end when idle, apart from their whole life; logging in
returns to the page asked for (only this site's console pages: no open redirect); a
form sent after the session ended says that nothing was done."""

from __future__ import annotations

import re
from urllib.parse import quote

from estra.config import ConfigError, settings_from_string
from tests.test_console import PASSWORD, ConsoleFixture, deferred_test


class SessionTests(ConsoleFixture):
    @deferred_test
    async def test_idle_timeout_apart_from_the_absolute_one(self) -> None:
        """A session used every 500 s lives on (idle limit 600 s); unused for 601 s it
        ends, though its 3600 s life has not; the page then sends to the login form
        with the way back."""
        await self.start()
        self.console.idle_seconds = lambda: 600.0
        b = self.browser()
        await b.login("view")
        for _ in range(3):
            self.now[0] += 500
            self.assertEqual((await b.go("GET", "/console/pending"))[0], 200)
        self.now[0] += 601
        code, headers, _ = await b.go("GET", "/console/enrollments?decision=issued")
        self.assertEqual((code, headers.getRawHeaders("location")), (
            303, ["/console/login?next=%2Fconsole%2Fenrollments%3Fdecision%3Dissued"]))

    @deferred_test
    async def test_a_short_idle_timeout_counts_every_click(self) -> None:
        """With a one-minute idle timeout, a session used every 50 s lives on: its last
        use is written often enough (a tenth of the idle timeout when that is under a
        minute), never a minute late."""
        await self.start()
        self.console.idle_seconds = lambda: 60.0
        b = self.browser()
        await b.login("view")
        for _ in range(5):
            self.now[0] += 50
            self.assertEqual((await b.go("GET", "/console/pending"))[0], 200)
        self.now[0] += 61
        self.assertEqual((await b.go("GET", "/console/pending"))[0], 303)

    @deferred_test
    async def test_login_returns_to_the_page_asked_for(self) -> None:
        """The login form carries the page (`next`); logging in goes there."""
        await self.start()
        b = self.browser()
        _, _, body = await b.go("GET", "/console/login?next=" + quote(
            "/console/enrollments?decision=issued", safe=""))
        self.assertIn('name="next" value="/console/enrollments?decision=issued"', body)
        code, headers, _ = await b.go("POST", "/console/login", user="view",
                                      password=PASSWORD,
                                      next="/console/enrollments?decision=issued")
        self.assertEqual((code, headers.getRawHeaders("location")),
                         (303, ["/console/enrollments?decision=issued"]))

    @deferred_test
    async def test_no_open_redirect(self) -> None:
        """A `next` that leaves the console (another host, a scheme, //host, a
        backslash, a header break, the login page itself) is replaced by the
        dashboard, in the form and after logging in."""
        await self.start()
        for target in ("https://evil.example/console/", "//evil.example/console/",
                       "/\\evil.example/console/", "javascript:alert(1)", "/consolex",
                       "/console/\r\nSet-Cookie: x=1", "http:/console/", "/console/login",
                       "\\\\evil.example\\console"):
            b = self.browser()
            _, _, body = await b.go("GET", "/console/login?next=" + quote(target, safe=""))
            self.assertEqual(re.findall(r'name="next" value="([^"]*)"', body),
                             ["/console/"], target)
            code, headers, _ = await b.go("POST", "/console/login", user="view",
                                          password=PASSWORD, next=target)
            self.assertEqual((code, headers.getRawHeaders("location")),
                             (303, ["/console/"]), target)

    @deferred_test
    async def test_a_decision_sent_after_the_session_ended_is_not_lost_silently(self) -> None:
        """Approving after the idle timeout: refused, the page says nothing was done
        and offers the login form that returns to the request; it stays pending."""
        pending, b = await self.started_with_request("appr")
        self.console.idle_seconds = lambda: 600.0
        csrf = await b.csrf(f"/console/pending/{pending}")
        self.now[0] += 601
        body = await self.assert_refused(b, f"/console/pending/{pending}", action="approve",
                                         csrf=csrf)
        self.assertIn("nothing was done", body)
        self.assertIn(f'name="next" value="/console/pending/{pending}"', body)
        code, headers, _ = await b.go("POST", "/console/login", user="appr",
                                      password=PASSWORD, next=f"/console/pending/{pending}")
        self.assertEqual(headers.getRawHeaders("location"), [f"/console/pending/{pending}"])


class IdleSettingTests(ConsoleFixture):
    def test_idle_minutes_parsed_and_bounded(self) -> None:
        """[console] idle_minutes: 30 by default, a positive number (a fraction too: 0.5
        is 30 seconds), at most session_minutes (ConfigError naming the key otherwise)."""
        base = '[admin]\nlisten = "tcp:0:interface=127.0.0.1"\n[console]\ntls = false\n'
        self.assertEqual(settings_from_string(base, state_dir=self.state.path)
                         .console.idle_minutes, 30)   # type: ignore[union-attr]
        self.assertEqual(settings_from_string(base + "idle_minutes = 5\n",
                                              state_dir=self.state.path)
                         .console.idle_minutes, 5)    # type: ignore[union-attr]
        self.assertEqual(settings_from_string(base + "idle_minutes = 0.5\n",
                                              state_dir=self.state.path)
                         .console.idle_minutes, 0.5)  # type: ignore[union-attr]
        for bad in ("idle_minutes = 0\n", "idle_minutes = 600\n", "idle_minutes = -0.5\n",
                    'idle_minutes = "5"\n'):
            with self.assertRaises(ConfigError) as e:
                settings_from_string(base + bad, state_dir=self.state.path)
            self.assertIn("idle_minutes", str(e.exception))
