"""JSON-lines logging for log shippers: ``twistd -n --logger estra.logging.json_observer estra``.

twistd calls a ``--logger`` factory with no arguments and then ignores ``--logfile``;
`json_observer` honours it anyway: `makeService` (which twistd runs before it
starts logging) passes twistd's options to `remember_twistd`. Every event is one
JSON object on one line (twisted.logger's own JSON form, so its fields, e.g. a
request's ``protocol``, ``operation``, ``label``, ``status``, ``who``, ``how``,
``address``, ``reason``, ``method`` and ``path``, are keys), plus ``text``: the
line the text log would have had.

The text log itself stays twistd's (``TIMESTAMP [SYSTEM] TEXT``), written by a
cheaper formatter (`classic_line`: the timestamp string made once per second,
simple formats by ``str.format_map``); `speed_up_text_log` puts it into twistd's
observer.  Workers (estra/runtime/workers.py) write their own lines to the same target
(`LineObserver`); a log file then is a `SharedLogFile` (appends, so every process
writes whole lines at the end, and the supervisor's rotation counts all of them).

Whatever a device sends reaches a log through `SafeLogger` (every field made one
bounded printable line by `printable`), never as a forged new line.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from typing import IO, Any, Callable, cast

from twisted.logger import (FileLogObserver, ILogObserver, LogEvent, Logger, LogLevel,
                            eventAsJSON, formatEvent, formatEventAsClassicLogText,
                            formatTime, globalLogPublisher, jsonFileLogObserver)
from twisted.python import logfile
from zope.interface import implementer, provider

from estra.interfaces import installed_reactor

__all__ = ["json_observer", "remember_twistd", "classic_line", "event_text",
           "speed_up_text_log",
           "LineObserver", "SharedLogFile", "log_target", "shared_log_file",
           "SafeLogger", "printable", "emit_event"]

_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(value: str, limit: int = 200) -> str:
    """`value` as one printable line for a log: backslash, CR, LF and tab escaped,
    other non-printable characters as \\xNN / \\uNNNN, cut after `limit`
    characters (the cut says how many more there were)."""
    if not isinstance(value, str):
        value = str(value)
    if len(value) <= limit and value.isprintable() and "\\" not in value:
        return value                      # the usual case: nothing to escape or cut
    head = value[:limit]
    if not (head.isprintable() and "\\" not in head):
        head = "".join(
            _ESCAPES.get(c) or (c if c.isprintable() else
                                f"\\x{ord(c):02x}" if ord(c) < 0x100 else
                                f"\\u{ord(c):04x}" if ord(c) < 0x10000 else
                                f"\\U{ord(c):08x}")
            for c in head)
    if len(value) > limit:
        head += f"...(+{len(value) - limit} chars)"
    return head


class SafeLogger(Logger):
    """A Logger whose string (and bytes) event fields are passed through `printable`:
    whatever a device sends (paths, user names, transaction IDs, User-Agent) reaches
    the log as one line, never as a forged new line."""

    field_limit = 1000

    def emit(self, level: Any, format: str | None = None, **kwargs: Any) -> None:
        for key, value in kwargs.items():
            if key.startswith("log_"):
                continue
            if isinstance(value, bytes):
                value = value.decode("utf-8", "replace")
            if isinstance(value, str):
                kwargs[key] = printable(value, self.field_limit)
        if level in _LEVELS:
            emit_event(self, level, format, kwargs)
        else:
            super().emit(level, format, **kwargs)     # logs the invalid level


_LEVELS = frozenset(LogLevel.iterconstants())


def emit_event(logger: Logger, level: LogLevel, format: str | None, event: dict[str, Any]
          ) -> None:
    """`Logger.emit` of a valid level, without its check of the level against every
    LogLevel constant (a generator and a sort per event)."""
    event.update(log_logger=logger, log_level=level, log_namespace=logger.namespace,
                 log_source=logger.source, log_format=format, log_time=time.time())
    if "log_trace" in event:
        event["log_trace"].append((logger, logger.observer))
    logger.observer(event)


_twistd: dict[str, Any] = {}
_outputs: list[SharedLogFile] = []       # the log files json_observer opened


def remember_twistd(options: Any) -> None:
    """Keep the twistd options `json_observer` needs (logfile, nodaemon)."""
    for name in ("logfile", "nodaemon", "logger", "syslog"):
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
    out: SharedLogFile = SharedLogFile.fromFullPath(name or "twistd.log")
    if not signal.getsignal(signal.SIGUSR1):
        def rotate(signum: int, frame: Any) -> None:
            installed_reactor().callFromThread(out.rotate)
        signal.signal(signal.SIGUSR1, rotate)
    _outputs.append(out)
    return cast("IO[Any]", out)             # a LogFile is file-like: write, flush


def json_observer() -> ILogObserver:
    """A twistd ``--logger``: one JSON object per event, one event per line."""
    inner = jsonFileLogObserver(_output(), recordSeparator="")

    @provider(ILogObserver)
    def observe(event: LogEvent) -> None:
        inner({**event, "text": event_text(event)})

    return cast(ILogObserver, observe)


# -- the text log, cheaper -----------------------------------------------------------

_SIMPLE_FIELD = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_simple_formats: dict[str, bool] = {}
_stamp: list[Any] = [None, "-"]          # [second, its formatted timestamp]


def _simple(format: str) -> bool:
    """True when `format` has only plain ``{name}`` fields (no call, attribute,
    index, conversion, spec or escaped brace): str.format_map gives exactly what
    twisted.logger's formatter would."""
    simple = _simple_formats.get(format)
    if simple is None:
        rest = _SIMPLE_FIELD.sub("", format)
        simple = "{" not in rest and "}" not in rest
        if len(_simple_formats) < 1024:
            _simple_formats[format] = simple
    return simple


def _timestamp(when: float) -> str:
    """twisted.logger's RFC 3339 timestamp (one-second resolution), formatted once
    per second rather than once per line."""
    second = int(when // 1)
    if second != _stamp[0]:
        _stamp[0], _stamp[1] = second, formatTime(float(second))
    text: str = _stamp[1]
    return text


def _time(when: float | None) -> str:
    return "-" if when is None else _timestamp(when)


def _simple_text(event: LogEvent) -> str | None:
    """The event's text by str.format_map when that gives what twisted.logger's
    formatter would (a str format of plain fields, all present); else None."""
    format = event.get("log_format")
    if type(format) is not str or "log_flattened" in event or not _simple(format):
        return None
    try:
        return format.format_map(event)
    except Exception:  # noqa: BLE001 - twisted.logger says what it could not format
        return None


def event_text(event: LogEvent) -> str:
    """twisted.logger's `formatEvent`, cheaper for the usual formats."""
    text = _simple_text(event)
    return formatEvent(event) if text is None else text


def classic_line(event: LogEvent) -> str | None:
    """The line twistd's text log writes for `event` (formatEventAsClassicLogText
    with its RFC 3339 timestamps), for a fraction of the cost."""
    when = event.get("log_time")
    text = None if "log_failure" in event or not (when is None or type(when) is float) \
        else _simple_text(event)
    if text is None:
        return formatEventAsClassicLogText(event, formatTime=_time)
    if not text:
        return None
    system = event.get("log_system")
    if system is None:
        level = event.get("log_level")
        system = f"{event.get('log_namespace', '-')}#{'-' if level is None else level.name}"
    elif type(system) is not str:
        try:
            system = str(system)
        except Exception:  # noqa: BLE001 - as twisted.logger does
            system = "UNFORMATTABLE"
    if "\n" in text:
        text = text.replace("\n", "\n\t")
    return f"{_time(when)} [{system}] {text}\n"


def _is_twistd_text_observer(observer: Any) -> bool:
    return isinstance(observer, FileLogObserver) and getattr(
        observer.formatEvent, "__qualname__", "") == "textFileLogObserver.<locals>.formatEvent"


def _twistd_text_observer() -> Any:
    for observer in list(getattr(globalLogPublisher, "_observers", ())):
        if _is_twistd_text_observer(observer):
            return observer
    return None


def speed_up_text_log() -> None:
    """Give twistd's text log observer `classic_line` (same lines, less CPU)."""
    observer = _twistd_text_observer()
    if observer is not None:
        observer.formatEvent = classic_line


def shared_log_file(path: str) -> SharedLogFile | None:
    """The `SharedLogFile` this process logs to at `path`, taking twistd's text log
    over when it logs there (same file, rotation size and mode, now appending);
    None when this process's log cannot be found."""
    for opened in _outputs:
        if os.path.abspath(opened.path) == path:
            return opened
    observer = _twistd_text_observer()
    old = getattr(observer, "_outFile", None)
    if not isinstance(old, logfile.LogFile) or os.path.abspath(old.path) != path:
        return None
    out: SharedLogFile = SharedLogFile.fromFullPath(path, rotateLength=old.rotateLength,
                                     defaultMode=old.defaultMode,
                                     maxRotatedFiles=old.maxRotatedFiles)
    globalLogPublisher.addObserver(FileLogObserver(cast("IO[Any]", out), classic_line))
    globalLogPublisher.removeObserver(observer)
    old.close()
    _outputs.append(out)
    return out


def log_target() -> tuple[str, str | None] | None:
    """Where and how this twistd logs, for workers that write their own lines:
    ("text" or "json", the log file's path or None for standard output), or None
    when it is something else (syslog, another --logger): workers then relay."""
    if _twistd.get("syslog"):
        return None
    factory = _twistd.get("logger")
    if factory is not None and factory is not json_observer:
        return None
    name = _twistd.get("logfile") or ""
    path = None if name == "-" or (not name and _twistd.get("nodaemon", True)) \
        else os.path.abspath(name or "twistd.log")
    return ("json" if factory is json_observer else "text"), path


class SharedLogFile(logfile.LogFile):
    """twisted's rotating LogFile, opened for appending: lines other processes
    append to the same file are never overwritten, and `refresh` makes the size
    it rotates on the file's real size (every writer's lines)."""

    def _openFile(self) -> None:
        self.closed = False
        mask = os.umask(0o777) if self.defaultMode is not None else None
        try:
            self._file = open(self.path, "ab", 0)
        finally:
            if mask is not None:
                os.umask(mask)
        if self.defaultMode is not None:
            try:
                os.chmod(self.path, self.defaultMode)
            except OSError:
                pass
        self.size = os.fstat(self._file.fileno()).st_size

    def refresh(self) -> bool:
        """Take the file's real size; True when `path` is no longer this file
        (moved by an external rotation): then reopen it."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self.reopen()
            return True
        if st.st_ino != os.fstat(self._file.fileno()).st_ino:
            self.reopen()
            return True
        self.size = st.st_size
        return False


@implementer(ILogObserver)
class LineObserver:
    """A worker's log: each event one whole line, one write(2), on standard
    output or appended to the log file (`reopen` after the file was rotated);
    text in twistd's format or JSON as `json_observer`'s, with `system` as the
    events' log_system."""

    def __init__(self, format: str, path: str | None, system: str) -> None:
        self.path, self.system = path, system
        self.render: Callable[[LogEvent], str | None] = (
            self._json if format == "json" else classic_line)
        self.fd = 1
        if path is not None:
            self.reopen()

    def reopen(self) -> None:
        if self.path is None:
            return
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        old, self.fd = self.fd, fd
        if old != 1:
            os.close(old)

    @staticmethod
    def _json(event: LogEvent) -> str:
        return eventAsJSON({**event, "text": event_text(event)}) + "\n"

    def __call__(self, event: LogEvent) -> None:
        event["log_system"] = self.system
        line = self.render(event)
        if line:
            data = line.encode("utf-8", "replace")
            while data:
                try:
                    data = data[os.write(self.fd, data):]
                except InterruptedError:
                    continue
                except OSError:
                    return                    # a full disk or a closed stdout: drop it
