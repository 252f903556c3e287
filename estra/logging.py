"""JSON-lines logging for log shippers: ``twistd -n --logger estra.logging.json_observer estra``.

twistd calls a ``--logger`` factory with no arguments and then ignores ``--logfile``;
`json_observer` honours it anyway: `makeService` (which twistd runs before it
starts logging) passes twistd's options to `remember_twistd`. Every event is one
JSON object on one line (twisted.logger's own JSON form, so its fields, e.g. a
request's ``protocol``, ``operation``, ``label``, ``status``, ``who``, ``how``,
``address``, ``reason``, ``method`` and ``path``, are keys), plus ``text``: the
line the text log would have had.
"""

from __future__ import annotations

import signal
import sys
from typing import IO, Any

from twisted.logger import ILogObserver, LogEvent, formatEvent, jsonFileLogObserver
from twisted.python import logfile
from zope.interface import provider

__all__ = ["json_observer", "remember_twistd"]

_twistd: dict[str, Any] = {}


def remember_twistd(options: Any) -> None:
    """Keep the twistd options `json_observer` needs (logfile, nodaemon)."""
    for name in ("logfile", "nodaemon"):
        try:
            _twistd[name] = options[name] if options is not None else None
        except KeyError:                      # `twist` has no such options
            _twistd[name] = None


def _output() -> IO[Any]:
    """Where twistd's text log would go: --logfile, else stdout under --nodaemon
    (twistd.log for a daemon), rotated on SIGUSR1 as twistd does for its own."""
    name = _twistd.get("logfile") or ""
    if name == "-" or (not name and _twistd.get("nodaemon", True)):
        return sys.stdout
    out = logfile.LogFile.fromFullPath(name or "twistd.log")
    if not signal.getsignal(signal.SIGUSR1):
        def rotate(signum: int, frame: Any) -> None:
            from twisted.internet import reactor
            reactor.callFromThread(out.rotate)  # type: ignore[attr-defined]
        signal.signal(signal.SIGUSR1, rotate)
    return out  # type: ignore[return-value]


def json_observer() -> ILogObserver:
    """A twistd ``--logger``: one JSON object per event, one event per line."""
    inner = jsonFileLogObserver(_output(), recordSeparator="")

    @provider(ILogObserver)
    def observe(event: LogEvent) -> None:
        inner({**event, "text": formatEvent(event)})

    return observe
