"""`workers = N`: N worker processes serving the same listening sockets.

The `twistd estra` process becomes a supervisor. It does what must happen once:
validate the configuration, make or open the state directory and hold its lock,
migrate the store, open every listening socket (so a busy port is still one
start-up line, systemd socket activation hands its socket to the supervisor, and
`tcp:0` is one port for all), and show a first-start password. It then spawns
`python -m estra.runtime.workers` N times; each worker adopts the sockets
(`reactor.adoptStreamPort`, the PROXY protocol wrapping re-applied) and serves
them with the whole RA. The supervisor never accepts a connection.

Shared: the listening sockets (the kernel hands each connection to one worker),
the store, the state directory, and the TLS session ticket keys (estra.web.tickets),
which the supervisor makes, sends down each worker's stdin and replaces every
`TICKET_KEY_SECONDS` (the previous key still decrypts): a session resumes on
any worker. Per worker: connection
limits, the login throttle, upstream connection pools. Worker 0 alone serves the
admin listener (/healthz, /metrics, console) and runs the CRL timer and listener;
/metrics sums every worker's metrics (prometheus_client's multiprocess mode in a
private temporary directory the supervisor removes at exit).

Workers write their own log lines, with the system "worker SLOT pid PID", to the
supervisor's log (text or JSON; standard output, which they share, or --logfile,
which every process appends to whole lines); the supervisor rotates that file
(its size counts every process's lines; SIGUSR1 or an external rename too) and
tells each worker to reopen it.  With a log estra cannot write to itself (syslog,
another --logger) workers send JSON events to the supervisor, which logs them. SIGHUP
to the supervisor is passed to every worker (each reloads); SIGTERM/SIGINT stop
every worker, then the supervisor. A worker that dies is replaced after a delay
that doubles (0.5 s up to 30 s) while replacements die young; a worker whose
stdin closes (the supervisor is gone) stops.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
from socket import AddressFamily
import sys
import tempfile
import time
from typing import Any, Callable, Sequence

from attrs import frozen
from twisted.application.service import Service
from twisted.internet.defer import Deferred, succeed
from twisted.internet.error import ProcessTerminated
from twisted.internet.interfaces import IReadDescriptor, IStreamServerEndpoint
from twisted.internet.protocol import Factory, ProcessProtocol
from twisted.internet.task import LoopingCall
from twisted.logger import (Logger, eventFromJSON, globalLogBeginner, globalLogPublisher,
                            jsonFileLogObserver)
from twisted.python.failure import Failure
from zope.interface import implementer

from estra.interfaces import IEstraReactor, installed_reactor
from estra.config import Settings, load_settings
from estra.logging import (LineObserver, SharedLogFile, log_target, printable,
                           shared_log_file)
from estra.web.listeners import (StartupError, bound, descriptions, endpoint, fit_descriptors,
                                 listen_problem, split_proxy)
from estra.runtime.service import Worker, build_service, open_migrated_store
from estra.runtime.state import (Prepared, StateError, StateLock, abandon_state, announce_password,
                                 open_state)
from estra.web.tickets import TICKET_KEY_BYTES, TicketKeys, new_ticket_key, ticket_keys_supported

__all__ = ["build_supervisor", "Supervisor", "AdoptedEndpoint", "worker_main",
           "TICKET_KEY_SECONDS"]

log = Logger(namespace="estra.workers")

#: How long one ticket key encrypts tickets before the supervisor sends a new one.
TICKET_KEY_SECONDS = 3600.0
_MAX_LINE = 1 << 20                 # a worker log line longer than this is dropped
_LOG_CHECK = 1.0                    # seconds between checks of the shared log file
_FIRST_DELAY, _MAX_DELAY, _HEALTHY = 0.5, 30.0, 60.0
_STOP_GRACE = 15.0


@frozen
class Socket:
    """A listening socket the supervisor opened for setting `key` (a worker builds
    the listener on it, PROXY header reading included, as estra.web.listeners does)."""

    key: str
    port: Any                       # the supervisor's Port, never reading
    family: int

    def argument(self, fd: int) -> str:
        return f"{self.key}={fd},{self.family}"


class _NoProtocol(Factory):
    """The supervisor's factory on a shared socket: never used, it never accepts."""

    noisy = False

    def logPrefix(self) -> str:
        return "estra supervisor (workers accept)"

    def buildProtocol(self, addr: Any) -> None:
        return None


def open_listener(reactor: IEstraReactor, settings: Settings, key: str) -> Socket:
    """Listen on setting `key` without accepting; a failure is StartupError's one line."""
    inner, _ = split_proxy(descriptions(settings)[key])
    opened: list[Any] = []
    failed: list[Failure] = []
    endpoint(reactor, settings, key, inner).listen(_NoProtocol()).addCallbacks(
        opened.append, failed.append)
    if failed:
        problem = listen_problem(failed[0].value or Exception("cannot listen"))
        raise StartupError(f"{settings.where(key)}: {problem}")
    family = getattr(opened[0], "addressFamily", None) if opened else None
    if family is None or not hasattr(opened[0], "stopReading"):
        raise StartupError(f"{settings.where(key)}: this endpoint cannot be shared by "
                           "workers (use tcp:, tcp6:, unix: or systemd:)")
    port = opened[0]
    port.stopReading()              # the workers accept; this process never does
    return Socket(key, port, int(family))


@implementer(IStreamServerEndpoint)
class AdoptedEndpoint:
    """A listening socket inherited from the supervisor, as a server endpoint."""

    def __init__(self, reactor: IEstraReactor, fd: int, family: AddressFamily) -> None:
        self.reactor, self.fd, self.family = reactor, fd, family

    def listen(self, factory: Any) -> Deferred[Any]:
        port = self.reactor.adoptStreamPort(self.fd, self.family, factory)
        os.close(self.fd)                           # the port holds its own copy
        return succeed(port)


class _WorkerProcess(ProcessProtocol):
    """One worker as the supervisor sees it: its log lines, its control pipe."""

    def __init__(self, supervisor: "Supervisor", slot: int, started: float) -> None:
        self.supervisor, self.slot, self.started = supervisor, slot, started
        self.pid = 0
        self._lines = {1: b"", 2: b""}

    def connectionMade(self) -> None:
        self.pid = self.transport.pid            # type: ignore[union-attr]
        self.send_keys(self.supervisor.ticket_keys)

    def send_keys(self, keys: list[bytes]) -> None:
        """The ticket keys, newest first, as one line on the worker's stdin."""
        line = b" ".join([b"keys", *(k.hex().encode("ascii") for k in keys)]) + b"\n"
        self.transport.writeToChild(0, line)     # type: ignore[union-attr]

    def reopen_log(self) -> None:
        """Tell the worker the log file was rotated."""
        try:
            self.transport.writeToChild(0, b"reopen\n")  # type: ignore[union-attr]
        except Exception:  # noqa: BLE001 - it has just exited: processEnded follows
            pass

    def signal(self, name: str) -> None:
        try:
            self.transport.signalProcess(name)   # type: ignore[union-attr]
        except Exception:  # noqa: BLE001 - it has just exited: processEnded follows
            pass

    def childDataReceived(self, fd: int, data: bytes) -> None:
        lines = (self._lines.get(fd, b"") + data).split(b"\n")
        rest = lines.pop()
        self._lines[fd] = rest if len(rest) <= _MAX_LINE else b""
        for line in lines:
            if fd == 1 and self.supervisor.log is None:
                self._relay(line)
            elif line.strip():
                log.warn("worker {slot} (pid {pid}) said: {line}", slot=self.slot,
                         pid=self.pid, line=printable(line.decode("utf-8", "replace"), 2000))

    def _relay(self, line: bytes) -> None:
        try:
            event = eventFromJSON(line.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            log.warn("worker {slot} (pid {pid}) wrote a line that is not a log event",
                     slot=self.slot, pid=self.pid)
            return
        event["log_system"] = f"worker {self.slot} pid {self.pid}"
        globalLogPublisher(event)

    def processEnded(self, reason: Failure) -> None:
        self.supervisor.ended(self, reason)


def _how(reason: Failure) -> str:
    value = reason.value
    if isinstance(value, ProcessTerminated) and value.signal is not None:
        return f"was killed by signal {value.signal}"
    return f"exited with status {getattr(value, 'exitCode', '?')}"


class Supervisor(Service):
    """Holds the lock and the sockets; keeps `settings.workers` workers running."""

    def __init__(self, reactor: IEstraReactor, settings: Settings, prepared: Prepared,
                 announce: Any) -> None:
        self.reactor, self.settings, self.prepared, self.announce = (
            reactor, settings, prepared, announce)
        self.lock = (None if settings.store_url.startswith(("postgresql://", "postgres://"))
                     else StateLock(settings.state_dir))
        self.ticket_keys = [new_ticket_key()]        # newest first; memory only
        self.sockets: list[Socket] = []
        self.workers: dict[int, _WorkerProcess] = {}
        self._delays: dict[int, float] = {}
        self._respawns: dict[int, Any] = {}
        self._rotation = LoopingCall(self.rotate_key)
        self._rotation.clock = reactor
        self._stopped: Deferred[None] | None = None
        self.metrics_dir = ""
        self._previous_hup: Any = None
        #: ("text" | "json", log file path or None: standard output) when workers
        #: write their own lines; None: they relay events through this process
        self.log: tuple[str, str | None] | None = None
        self.log_file: SharedLogFile | None = None
        self._log_check = LoopingCall(self.check_log)
        self._log_check.clock = reactor

    def privilegedStartService(self) -> None:
        super().privilegedStartService()
        self._open()

    def _open(self) -> None:
        if self.sockets:
            return
        try:
            if self.lock is not None:
                self.lock.acquire()
            self.sockets = [open_listener(self.reactor, self.settings, key)
                            for key in descriptions(self.settings)]
            self.metrics_dir = tempfile.mkdtemp(prefix="estra-metrics-")   # 0700
        except (StartupError, StateError) as e:
            self._close()
            abandon_state(self.settings, self.prepared)
            raise SystemExit(f"estra: {e}") from None

    def startService(self) -> None:
        self._open()                               # runners that skip the privileged step
        super().startService()
        if not ticket_keys_supported():
            log.warn("this cryptography build hides SSL_CTX_ctrl: each worker keeps its "
                     "own TLS session tickets (a session resumes only on the same worker)")
        self._direct_log()
        for slot in range(self.settings.workers):
            self.spawn(slot)
        self._rotation.start(TICKET_KEY_SECONDS, now=False)
        self._previous_hup = signal.signal(
            signal.SIGHUP, lambda *_: self.reactor.callFromThread(self.hangup))
        log.info("estra supervisor (pid {pid}): {count} workers serving {where}",
                 pid=os.getpid(), count=self.settings.workers,
                 where=", ".join(f"{s.key} {bound(s.port)}" for s in self.sockets))
        password = self.prepared.bootstrap_password
        if password is not None and self.announce is not None:
            announce_password(self.announce, self.settings, password)

    def _direct_log(self) -> None:
        """Workers write to our log target themselves when it is stdout or a file."""
        target = log_target()
        if target is not None and target[1] is not None:
            self.log_file = shared_log_file(target[1])
            if self.log_file is None:
                target = None
            else:
                self._log_check.start(_LOG_CHECK, now=False)
                if signal.getsignal(signal.SIGUSR1):
                    signal.signal(signal.SIGUSR1, lambda *_: self.reactor.callFromThread(
                        self.rotate_log))
        self.log = target

    def check_log(self) -> None:
        """Rotate the shared log at its size (every process's lines count), and have
        the workers reopen it once it was rotated or moved away."""
        out = self.log_file
        if out is None:
            return
        if out.refresh():
            self._reopen_logs()
        elif out.rotateLength and out.size >= out.rotateLength:
            self.rotate_log()

    def rotate_log(self) -> None:
        """SIGUSR1 (or the size): rotate the log file, then every worker reopens it."""
        if self.log_file is not None:
            self.log_file.rotate()
            self._reopen_logs()

    def _reopen_logs(self) -> None:
        for worker in self.workers.values():
            worker.reopen_log()

    def spawn(self, slot: int) -> None:
        """Start the worker for `slot`, handing it every listening socket."""
        self._respawns.pop(slot, None)
        child_fds: dict[int, Any] = {0: "w", 1: "r", 2: "r"}
        args = [sys.executable, "-m", "estra.runtime.workers", "--slot", str(slot)]
        if self.log is not None:
            args += ["--log", self.log[0]]
            if self.log[1] is None:
                child_fds[1] = 1                # our standard output, written directly
            else:
                args += ["--log-file", self.log[1]]
        for fd, sock in enumerate(self.sockets, start=3):
            child_fds[fd] = sock.port.fileno()
            args += ["--socket", sock.argument(fd)]
        config = self.settings.config_file
        if config is not None:
            args += ["--config", config.path]
        for name, value in self.settings.overrides.items():     # as on our command line
            if value is not None:
                args += ["--" + name.replace("_", "-"), str(value)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("LISTEN_")}
        env["PROMETHEUS_MULTIPROC_DIR"] = self.metrics_dir
        worker = _WorkerProcess(self, slot, self.reactor.seconds())
        self.workers[slot] = worker
        try:
            self.reactor.spawnProcess(worker, sys.executable, args, env=env,
                                      childFDs=child_fds)
        except OSError as e:             # e.g. out of processes or descriptors: try later
            del self.workers[slot]
            log.error("cannot start worker {slot}: {problem}; trying again in {delay} s",
                      slot=slot, problem=e.strerror or str(e), delay=_MAX_DELAY)
            self._respawns[slot] = self.reactor.callLater(_MAX_DELAY, self.spawn, slot)

    def ended(self, worker: _WorkerProcess, reason: Failure) -> None:
        if self.workers.get(worker.slot) is worker:
            del self.workers[worker.slot]
        if not self.running:
            if not self.workers and self._stopped is not None:
                self._stopped.callback(None)
            return
        young = self.reactor.seconds() - worker.started < _HEALTHY
        delay = min(_MAX_DELAY, self._delays.get(worker.slot, _FIRST_DELAY / 2) * 2) \
            if young else _FIRST_DELAY
        self._delays[worker.slot] = delay
        log.warn("worker {slot} (pid {pid}) {how}; a new one starts in {delay} s",
                 slot=worker.slot, pid=worker.pid, how=_how(reason), delay=delay)
        self._respawns[worker.slot] = self.reactor.callLater(delay, self.spawn, worker.slot)

    def rotate_key(self) -> None:
        """A new ticket key for every worker; the one before still decrypts."""
        self.ticket_keys = [new_ticket_key(), self.ticket_keys[0]]
        for worker in self.workers.values():
            worker.send_keys(self.ticket_keys)

    def hangup(self) -> None:
        """SIGHUP: every worker reloads its configuration."""
        log.info("SIGHUP: asking {count} workers to reload", count=len(self.workers))
        for worker in self.workers.values():
            worker.signal("HUP")

    def stopService(self) -> Deferred[None]:
        super().stopService()
        if self._previous_hup is not None:
            signal.signal(signal.SIGHUP, self._previous_hup)
        if self._rotation.running:
            self._rotation.stop()
        if self._log_check.running:
            self._log_check.stop()
        for call in self._respawns.values():
            call.cancel()
        self._respawns.clear()
        self._stopped = Deferred()
        if not self.workers:
            self._stopped.callback(None)
        for worker in list(self.workers.values()):
            worker.signal("TERM")
        kill = self.reactor.callLater(_STOP_GRACE, self._kill)

        def stopped(result: None) -> None:
            if kill.active():
                kill.cancel()
            self._close()
        return self._stopped.addBoth(stopped)

    def _kill(self) -> None:
        for worker in list(self.workers.values()):
            log.warn("worker {slot} (pid {pid}) did not stop in time; killing it",
                     slot=worker.slot, pid=worker.pid)
            worker.signal("KILL")

    def _close(self) -> None:
        for sock in self.sockets:
            sock.port.stopListening()
        self.sockets = []
        if self.metrics_dir:
            shutil.rmtree(self.metrics_dir, ignore_errors=True)
            self.metrics_dir = ""
        if self.lock is not None:
            self.lock.release()


def build_supervisor(reactor: IEstraReactor, settings: Settings, announce: Any = None,
                     clock: Callable[[], float] = time.time) -> Supervisor:
    """The supervisor of `settings.workers` workers; start-up problems raise before
    any worker starts (StartupError, StateError, ValueError: one line)."""
    settings = fit_descriptors(settings)   # workers inherit the raised limit
    prepared = open_state(settings, clock)
    try:
        open_migrated_store(settings, clock)
    except BaseException:
        abandon_state(settings, prepared)
        raise
    return Supervisor(reactor, settings, prepared, announce)


# -- the worker process --------------------------------------------------------------

@implementer(IReadDescriptor)
class _Control:
    """The worker's stdin: ticket keys from the supervisor; end of file: it is gone."""

    def __init__(self, reactor: IEstraReactor, keys: TicketKeys, log: LineObserver | None = None
                 ) -> None:
        self.reactor, self.keys, self.log = reactor, keys, log
        self._buffer = b""
        os.set_blocking(0, False)

    def fileno(self) -> int:
        return 0

    def logPrefix(self) -> str:
        return "control"

    def doRead(self) -> Any:
        try:
            data = os.read(0, 4096)
        except BlockingIOError:
            return None
        if not data:
            return self.connectionLost(None)
        *lines, self._buffer = (self._buffer + data).split(b"\n")
        for line in lines:
            if line.strip() == b"reopen":
                if self.log is not None:
                    self.log.reopen()
            else:
                _add_keys(self.keys, line)
        self._buffer = self._buffer[-4096:]
        return None

    def connectionLost(self, reason: Any) -> None:
        self.reactor.removeReader(self)
        if self.reactor.running:
            log.info("the supervisor is gone; stopping")
            self.reactor.stop()


def parse_keys(line: bytes) -> list[bytes]:
    """The keys of a "keys HEX [HEX]" line, newest first ([] if it is not one)."""
    verb, *values = line.split() or [b""]
    try:
        keys = [bytes.fromhex(v.decode("ascii")) for v in values]
    except ValueError:
        return []
    ok = verb == b"keys" and 0 < len(keys) <= 2 and all(
        len(k) == TICKET_KEY_BYTES for k in keys)
    return keys if ok else []


def _add_keys(keys: TicketKeys, line: bytes) -> None:
    for key in reversed(parse_keys(line)):      # oldest first: the newest ends current
        keys.add(key)


def _first_line() -> bytes:
    """The first line of stdin, read byte by byte (nothing read ahead of it)."""
    line = b""
    while not line.endswith(b"\n") and len(line) < 1024:
        byte = os.read(0, 1)
        if not byte:
            break
        line += byte
    return line


def _socket_argument(reactor: IEstraReactor, value: str) -> tuple[str, AdoptedEndpoint]:
    key, _, rest = value.partition("=")
    fd, family = rest.split(",")
    return key, AdoptedEndpoint(reactor, int(fd), AddressFamily(int(family)))


def worker_main(argv: Sequence[str]) -> None:
    """`python -m estra.runtime.workers --slot N --socket KEY=FD,FAMILY,PROXY ...` (the
    supervisor runs this; not a command for operators)."""
    parser = argparse.ArgumentParser(prog="estra.runtime.workers")
    parser.add_argument("--slot", type=int, required=True)
    parser.add_argument("--socket", action="append", default=[])
    parser.add_argument("--config")
    parser.add_argument("--state-dir")
    parser.add_argument("--listen")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--log", choices=("text", "json"))
    parser.add_argument("--log-file")
    args = parser.parse_args(argv)
    reactor = installed_reactor()
    lines = None if args.log is None else \
        LineObserver(args.log, args.log_file, f"worker {args.slot} pid {os.getpid()}")
    globalLogBeginner.beginLoggingTo(
        [lines or jsonFileLogObserver(sys.stdout, recordSeparator="")],
        redirectStandardIO=False)
    from twisted.python.filepath import FilePath
    try:
        settings = load_settings(FilePath(args.config) if args.config else None,
                                 state_dir=args.state_dir, listen=args.listen,
                                 workers=args.workers)
        endpoints = dict(_socket_argument(reactor, s) for s in args.socket)
        service = build_service(reactor, settings, worker=Worker(args.slot, endpoints))
        keys = TicketKeys()
        _add_keys(keys, _first_line())
        if ticket_keys_supported() and service.tls is not None:
            service.tls.use_ticket_keys(keys)
        service.privilegedStartService()
    except SystemExit as e:
        sys.exit(f"{e.code} (worker {args.slot})")
    except Exception as e:  # noqa: BLE001 - one line to the supervisor, never a traceback
        sys.exit(f"estra: worker {args.slot} cannot start: {e}")
    reactor.callWhenRunning(service.startService)
    reactor.callWhenRunning(signal.signal, signal.SIGINT, signal.SIG_IGN)
    reactor.addSystemEventTrigger("before", "shutdown", service.stopService)
    reactor.addReader(_Control(reactor, keys, lines))
    reactor.run()


if __name__ == "__main__":
    worker_main(sys.argv[1:])
