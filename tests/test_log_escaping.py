"""Device-supplied strings reach estra's log as one escaped line, never a forged one."""

from __future__ import annotations

from typing import Any

from twisted.logger import LogEvent, formatEventAsClassicLogText
from twisted.trial.unittest import SynchronousTestCase
from twisted.web.test.requesthelper import DummyRequest

from estra.ra import auth
from estra.est import resource as est, fullcmc
from estra.web import http
from estra.scep import resource as scep
from estra.web.http import QuietSite
from estra.logging import SafeLogger, printable

FORGED = "abc\r\n2026-11-30T00:00:00+0000 [estra.auth#info] admin logged in\x1b[2J"


def _lines(events: list[LogEvent]) -> list[str]:
    return [formatEventAsClassicLogText(e) or "" for e in events]


class PrintableTests(SynchronousTestCase):
    def test_control_characters_escaped(self) -> None:
        """CR, LF, tab, backslash and other non-printables come out as escapes."""
        self.assertEqual(printable("a\r\nb\t\\\x00\x1b\u2028"),
                         "a\\r\\nb\\t\\\\\\x00\\x1b\\u2028")

    def test_plain_text_unchanged(self) -> None:
        """Printable text (non-ASCII letters too) is returned as it was."""
        self.assertEqual(printable("Grüße CN=device-1"), "Grüße CN=device-1")

    def test_length_capped(self) -> None:
        """A long value is cut at the limit and says how much was dropped."""
        self.assertEqual(printable("x" * 250, 200), "x" * 200 + "...(+50 chars)")


class SafeLoggingTests(SynchronousTestCase):
    def test_modules_log_through_safe_logger(self) -> None:
        """The modules that log device-supplied strings use SafeLogger."""
        for module in (est, scep, auth, fullcmc):
            self.assertIsInstance(module.log, SafeLogger, module.__name__)

    def test_scep_transaction_id_is_one_line(self) -> None:
        """A SCEP transactionID with CR/LF is logged as one escaped line."""
        events: list[LogEvent] = []
        logger = SafeLogger(namespace="estra.scep", observer=events.append)
        logger.info("SCEP {tid} failed ({fail}): {reason}", tid=FORGED, fail=b"bad\nAlg",
                    reason="x")
        [line] = _lines(events)
        self.assertEqual(line.count("\n"), 1, line)   # the terminating newline only
        self.assertIn("abc\\r\\n2026", line)
        self.assertIn("bad\\nAlg", line)

    def test_access_log_path_and_address_one_line(self) -> None:
        """QuietSite's access line escapes a path and method holding CR/LF."""
        events: list[LogEvent] = []
        request: Any = DummyRequest([b""])
        request.uri = b"/.well-known/est/x\r\nforged: line"
        request.method = b"G\nET"
        request.code = 400
        site = QuietSite.__new__(QuietSite)
        original = http.log.observer
        http.log.observer = events.append
        self.addCleanup(setattr, http.log, "observer", original)
        site.log(request)
        [line] = _lines(events)
        self.assertEqual(line.count("\n"), 1, line)
        self.assertIn("x\\r\\nforged: line", line)


def test_real_requests_log_single_lines(start_estra: Any) -> None:
    """Against a running estra (EST + SCEP), CR/LF smuggled into a SCEP label, an
    operation, an EST path and a Basic user name never start a line of their own
    in the log (twistd would start it with a tab)."""
    import re
    import socket
    import time

    from tests.conftest import SCEP_CONFIG
    server = start_estra(SCEP_CONFIG)
    scep_port = int(re.search(r"SCEP ready on http://[^:]+:(\d+)/",
                              server.log.read_text()).group(1))
    with socket.create_connection(("127.0.0.1", scep_port)) as s:
        s.sendall(b"GET /scep/x%0d%0aFORGED1%20line?operation=Get%0aFORGED2 HTTP/1.1\r\n"
                  b"Host: x\r\nUser-Agent: a\x1bb\r\nConnection: close\r\n\r\n")
        while s.recv(65536):
            pass
    user = "eve\nFORGED3"
    server.curl("x%0d%0aFORGED4", "--user", f"{user}:pw")
    server.curl("simpleenroll", "--user", f"{user}:pw", "--data-binary", "x",
                "-H", "Content-Type: application/pkcs10")
    time.sleep(0.5)
    text = server.log.read_text(errors="replace")
    assert "FORGED1" in text and "FORGED2" in text, text
    for line in text.splitlines():
        # twistd indents a continuation line with a tab: still a line of its own
        if "FORGED" in line:
            assert re.match(r"\d{4}-\d\d-\d\dT", line), line
        assert "\x1b" not in line, line
