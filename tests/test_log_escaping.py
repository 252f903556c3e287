"""Device-supplied strings reach estra's log as one escaped line, never a forged one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from twisted.logger import LogEvent, formatEventAsClassicLogText, globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase
from twisted.web.test.requesthelper import DummyRequest

from estra.ra import auth
from estra.est import resource as est, fullcmc
from estra.web import http
from estra.scep import resource as scep
from estra.web.http import QuietSite
from estra.logging import SafeLogger, printable
from estra.testing import MemoryRA

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


def test_real_requests_log_single_lines(tmp_path: Path) -> None:
    """Through estra's real faces (EST + SCEP, in memory), CR/LF smuggled into a SCEP
    label, an operation, an EST path and a Basic user name never start a line of their
    own in the log as twistd writes it (its classic text format, which would start a
    continuation with a tab)."""
    from tests.conftest import SCEP_CONFIG
    events: list[LogEvent] = []
    globalLogPublisher.addObserver(events.append)
    try:
        ra = MemoryRA(SCEP_CONFIG, state_dir=str(tmp_path / "memory"))
        ra.get("/scep/x%0d%0aFORGED1%20line?operation=Get%0aFORGED2", face="scep",
               headers={"User-Agent": "a\x1bb"})
        ra.get("/.well-known/est/x%0d%0aFORGED4", user=("eve\nFORGED3", "pw"))
        ra.post("/.well-known/est/simpleenroll", b"x", user=("eve\nFORGED3", "pw"),
                headers={"Content-Type": "application/pkcs10"})
    finally:
        globalLogPublisher.removeObserver(events.append)
    text = "".join(_lines(events))
    assert "FORGED1" in text and "FORGED2" in text, text
    for line in text.splitlines():
        # twistd indents a continuation line with a tab: still a line of its own
        if "FORGED" in line:
            assert re.match(r"\d{4}-\d\d-\d\dT", line), line
        assert "\x1b" not in line, line
