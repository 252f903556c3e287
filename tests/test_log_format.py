"""estra.logging.classic_line writes exactly the line twistd's text log would."""

from __future__ import annotations

import io
import os
import time

from twisted.logger import LogLevel, formatEventAsClassicLogText, formatTime, \
    textFileLogObserver
from twisted.python.failure import Failure

from estra.logging import LineObserver, classic_line

NOW = 1796062297.25


def _events() -> list[dict[str, object]]:
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        failure = Failure()
    base = {"log_time": NOW, "log_level": LogLevel.info, "log_namespace": "estra.http"}
    return [
        {**base, "log_format": "{request_line}", "request_line": "est x [default] 200"},
        {**base, "log_format": "a {x} b {y}", "x": 1, "y": b"bytes"},
        {**base, "log_format": "two\nlines {x}", "x": "and\r\nmore"},
        {**base, "log_format": "missing {nope}"},
        {**base, "log_format": "call {f()}", "f": lambda: "called"},
        {**base, "log_format": "attr {x.real} spec {y:>5} conv {z!r}", "x": 3, "y": 1,
         "z": "q"},
        {**base, "log_format": "{{escaped}} {x}", "x": 1},
        {**base, "log_format": "", "x": 1},
        {**base, "log_format": None},
        {**base, "log_format": b"bytes {x}", "x": 1},
        {**base, "log_format": "failed {x}", "x": 1, "log_failure": failure},
        {**base, "log_format": "system {x}", "x": 1, "log_system": "worker 0 pid 1"},
        {**base, "log_format": "system {x}", "x": 1, "log_system": 42},
        {"log_format": "no time, level or namespace"},
        {**base, "log_format": "unicode {x}", "x": "\u00e9\u4e2d\U0001f600"},
        {**base, "log_time": NOW + 0.999, "log_format": "end of second"},
        {**base, "log_time": int(NOW), "log_format": "an int time"},
    ]


def test_same_lines_as_twistd() -> None:
    twistd = textFileLogObserver(io.StringIO()).formatEvent
    for event in _events():
        assert classic_line(dict(event)) == twistd(dict(event)), event


def test_timestamp_follows_the_second() -> None:
    """The timestamp made once per second changes with the second (and back)."""
    for when in (NOW, NOW + 1, NOW + 1.5, NOW, time.time(), 0.0):
        event = {"log_time": when, "log_format": "x"}
        assert classic_line(event) == formatEventAsClassicLogText(event), when
        assert classic_line(event).startswith(formatTime(when))  # type: ignore[union-attr]


def test_line_observer_writes_whole_lines(tmp_path: object) -> None:
    """A worker's observer: one whole line per event with its system, appended."""
    path = os.path.join(str(tmp_path), "log")
    with open(path, "w") as f:
        f.write("first\n")
    observer = LineObserver("text", path, "worker 3 pid 9")
    observer({"log_time": NOW, "log_format": "hello {who}", "who": "a\nb"})
    os.rename(path, path + ".1")
    observer.reopen()
    observer({"log_time": NOW, "log_format": "again"})
    with open(path + ".1") as f:
        assert f.read() == f"first\n{formatTime(NOW)} [worker 3 pid 9] hello a\n\tb\n"
    with open(path) as f:
        assert f.read() == f"{formatTime(NOW)} [worker 3 pid 9] again\n"


def test_event_text_as_twisted() -> None:
    """The text of a JSON log's event, as twisted.logger's formatEvent."""
    from twisted.logger import formatEvent
    from estra.logging import event_text
    for event in _events():
        assert event_text(dict(event)) == formatEvent(dict(event)), event
