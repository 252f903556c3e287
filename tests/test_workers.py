"""`workers = N`: a supervisor and N worker processes on one listening socket.

End to end (real twistd, curl, Python's ssl client) for what only real processes
show: both workers serve, a session resumes on another worker, a killed worker is
replaced, SIGHUP reaches every worker, SIGTERM leaves no process behind. The
ticket-key plumbing and the settings are tested in process.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterator

import pytest
from OpenSSL import SSL
from twisted.python.filepath import FilePath

from estra.config import ConfigError, settings_from_string
from estra.runtime.twistd import Options
from OpenSSL._util import lib as _lib
from estra.web.tickets import TicketKeys, new_ticket_key
from estra.web.tls import ServerTLS
from estra.runtime.workers import Supervisor, _WorkerProcess, parse_keys
from twisted.internet.testing import MemoryReactorClock
from tests import pki
from tests.conftest import Server, estra_env, free_port, parse_http, twistd
from tests.test_deploy import tool
from tests.test_startup import fails

SERVED = (r"\[worker (\d+) pid (\d+)\] est \S+ \[\S+\] (\d+) for .* from {source}: .*"
          r"\(GET {path}\)")
_nonce = itertools.count()


def wait(condition: Callable[[], object], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def served_by(server: Server | Path, path: str, source: str = r"\S+") -> tuple[int, int]:
    """(pid, status) of the worker whose request log names `path` (and `source`)."""
    log = server.log if isinstance(server, Server) else server
    pattern = SERVED.format(path=re.escape(path), source=source)
    found: list[re.Match[str]] = []
    wait(lambda: found.extend(re.finditer(pattern, log.read_text())) or found,
         f"the request log line of {path}")
    return int(found[0].group(2)), int(found[0].group(3))


def get(server: Server, label: str = "") -> tuple[int, int]:
    """GET a unique cacerts URL (curl, a new connection): (serving pid, status)."""
    path = f"/.well-known/est/{label + '/' if label else ''}cacerts?n={next(_nonce)}"
    status, _, _ = parse_http(server.curl(f"https://localhost:{server.port}{path}").stdout)
    pid, logged = served_by(server, path)
    assert logged == status
    return pid, status


def worker_pids(server: Server) -> set[int]:
    """The supervisor's live children."""
    children = Path(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children")
    return {int(p) for p in children.read_text().split()} if children.exists() else set()


def pids_serving(server: Server, want: int = 2, label: str = "", tries: int = 60,
                 ) -> dict[int, int]:
    """{pid: status} of GETs until `want` distinct workers answered (bounded)."""
    seen: dict[int, int] = {}
    for _ in range(tries):
        pid, status = get(server, label)
        seen[pid] = status
        if len(seen) >= want:
            break
    return seen


@pytest.fixture
def workers(start_estra: Callable[..., Server]) -> Iterator[Server]:
    server = start_estra('[admin]\nlisten = "tcp:0:interface=127.0.0.1"\n', "--workers", "2")
    wait(lambda: len(re.findall(r"\] estra EST RA ready", server.log.read_text())) == 2,
         "both workers to listen")
    yield server


def test_both_workers_enroll(workers: Server, tmp_path: Path) -> None:
    """Two worker PIDs answer on the one port, and enrollment over curl works on it."""
    workers.add_user("alice")
    seen = pids_serving(workers)
    assert len(seen) == 2 and set(seen.values()) == {200}, seen
    assert set(seen) == worker_pids(workers)
    assert workers.proc.pid not in seen                 # the supervisor never accepts
    for _ in range(4):
        status, _, body = workers.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("dev")))
        assert status == 200, body


def test_metrics_count_every_worker(workers: Server) -> None:
    """Worker 0 alone serves the admin port, and its /metrics counts the requests
    both workers answered."""
    seen: dict[int, int] = {}
    for _ in range(60):
        pid, _ = get(workers)
        seen[pid] = seen.get(pid, 0) + 1
        if len(seen) == 2:
            break
    admin = re.findall(r"\[worker (\d) pid \d+\] estra admin ready on http://([\d.:]+)/",
                       workers.log.read_text())
    assert [slot for slot, _ in admin] == ["0"], admin
    metrics = subprocess.run(["curl", "-sS", f"http://{admin[0][1]}/metrics"],
                             capture_output=True, text=True, timeout=30).stdout
    served = re.search(r'^estra_requests_total\{label="default",operation="cacerts",'
                       r'protocol="est",status="200"\} (\S+)$', metrics, re.MULTILINE)
    assert served and len(seen) == 2, (seen, metrics)
    assert float(served.group(1)) == sum(seen.values()), (seen, metrics)


def _resume(port: int, ctx: ssl.SSLContext, session: ssl.SSLSession | None,
            path: str) -> tuple[ssl.SSLSession, bool]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
            ctx.wrap_socket(raw, server_hostname="localhost", session=session) as tls:
        tls.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .encode())
        while tls.recv(65536):        # reading the answer also reads the TLS 1.3 ticket
            pass
        return tls.session, tls.session_reused


def test_session_resumes_on_the_other_worker(workers: Server) -> None:
    """A session ticket one worker issued resumes a session on the other worker."""
    ctx = ssl.create_default_context(cafile=str(workers.ca))
    first = f"/.well-known/est/cacerts?n={next(_nonce)}"
    session, reused = _resume(workers.port, ctx, None, first)
    issuer, _ = served_by(workers, first)
    assert not reused
    resumed_on: dict[int, bool] = {}
    for _ in range(60):
        path = f"/.well-known/est/cacerts?n={next(_nonce)}"
        _, reused = _resume(workers.port, ctx, session, path)
        resumed_on[served_by(workers, path)[0]] = reused
        if len(resumed_on) == 2:
            break
    assert set(resumed_on) == {issuer, *resumed_on} and len(resumed_on) == 2, resumed_on
    assert all(resumed_on.values()), resumed_on


def test_killed_worker_is_replaced(workers: Server) -> None:
    """kill -9 of one worker: the other keeps serving, the supervisor lives on and
    starts a replacement that serves too, and resumes sessions from before."""
    ctx = ssl.create_default_context(cafile=str(workers.ca))
    session, _ = _resume(workers.port, ctx, None, "/.well-known/est/cacerts")
    before = worker_pids(workers)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    survivor, status = get(workers)
    assert status == 200 and survivor != victim
    wait(lambda: re.search(rf"worker \d \(pid {victim}\) was killed by signal 9; a new one "
                           r"starts in", workers.log.read_text()), "the death to be noticed")
    wait(lambda: len(worker_pids(workers) - {victim}) == 2, "a replacement worker")
    after = worker_pids(workers)
    assert victim not in after and workers.alive()
    assert set(pids_serving(workers)) == after
    replacement, resumed = (after - before).pop(), None
    for _ in range(60):
        path = f"/.well-known/est/cacerts?n={next(_nonce)}"
        _, reused = _resume(workers.port, ctx, session, path)
        if served_by(workers, path)[0] == replacement:
            resumed = reused
            break
    assert resumed is True, "the replacement worker did not resume a session from before"


def test_rotation_sends_the_new_and_the_previous_key(tmp_path: Path) -> None:
    """A rotation sends every worker the new key and the one before, as one line; a
    worker started later gets both too."""
    supervisor = Supervisor(MemoryReactorClock(), settings_from_string(
        "", state_dir=str(tmp_path)), None, None)
    sent: list[bytes] = []

    class Pipe:
        pid = 1

        def writeToChild(self, fd: int, data: bytes) -> None:
            assert fd == 0
            sent.append(data)

    def start_worker(slot: int) -> None:
        worker = _WorkerProcess(supervisor, slot, 0)
        worker.makeConnection(Pipe())
        supervisor.workers[slot] = worker
    start_worker(0)
    first = supervisor.ticket_keys[0]
    supervisor.rotate_key()
    start_worker(1)
    assert [parse_keys(line) for line in sent] == [
        [first], [supervisor.ticket_keys[0], first], [supervisor.ticket_keys[0], first]]
    assert supervisor.ticket_keys[0] != first and all(line.endswith(b"\n") for line in sent)


def test_sighup_reaches_every_worker(workers: Server) -> None:
    """After SIGHUP to the supervisor a profile added to the file is served by both."""
    assert set(pids_serving(workers, 1, "fresh").values()) == {404}
    workers.config.write_text("[profiles.fresh]\n")
    workers.proc.send_signal(signal.SIGHUP)
    wait(lambda: workers.log.read_text().count("configuration reloaded") == 2, "two reloads")
    seen = pids_serving(workers, label="fresh")
    assert len(seen) == 2 and set(seen.values()) == {200}, seen


def test_sigterm_leaves_no_process(workers: Server) -> None:
    """SIGTERM to the supervisor stops every worker first, then itself (as twistd
    does, it ends by the signal it got)."""
    children = worker_pids(workers)
    assert len(children) == 2
    log = workers.stop()
    assert workers.proc.returncode == -signal.SIGTERM
    assert "Traceback" not in log and "did not stop in time" not in log
    for pid in children:
        assert not Path(f"/proc/{pid}").exists(), f"worker {pid} is left"


def test_socket_activated_workers_read_proxy_headers(tmp_path: Path) -> None:
    """systemd's socket goes to the supervisor, both workers serve it, and each reads
    the PROXY header of a haproxy: endpoint (the device address it names is logged)."""
    activate = tool("systemd-socket-activate", "systemd")
    port, log = free_port(), tmp_path / "estra.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [activate, "-l", f"127.0.0.1:{port}", "--fdname=estra", "-E", "PYTHONPATH",
             *twistd("--state-dir", str(tmp_path / "state"), "--workers", "2", "--listen",
                     "haproxy:systemd:domain=INET:name=estra")],
            stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path, env=estra_env())
    try:
        wait(lambda: "Listening on" in log.read_text(), "systemd-socket-activate")
        ctx = ssl.create_default_context()
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE   # no CA before start
        pids = set()

        def one(device: int) -> int:
            path = f"/.well-known/est/cacerts?n={next(_nonce)}"
            with socket.create_connection(("127.0.0.1", port), timeout=60) as raw:
                raw.sendall(f"PROXY TCP4 192.0.2.{device} 127.0.0.1 4000 {port}\r\n".encode())
                with ctx.wrap_socket(raw) as tls:
                    tls.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                "\r\n".encode())
                    while tls.recv(65536):
                        pass
            pid, status = served_by(log, path, re.escape(f"192.0.2.{device}"))
            assert status == 200
            return pid

        pids.add(one(1))        # the first connection starts estra: let both workers start
        wait(lambda: log.read_text().count("] estra EST RA ready") == 2, "both workers to listen")
        # Connections in parallel: an idle worker takes one while the other is busy
        # (one client's connections in sequence may all wake the same idle worker first).
        with ThreadPoolExecutor(8) as pool:
            for first in range(2, 200, 8):
                pids.update(pool.map(one, range(first, first + 8)))
                if len(pids) == 2:
                    break
        assert len(pids) == 2 and proc.pid not in pids, log.read_text()
    finally:
        proc.terminate()
        proc.wait(30)


def test_busy_port_is_one_line(tmp_path: Path) -> None:
    """With workers, a port in use is still the one start-up line naming --listen."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        line = fails("--workers", "2", "--listen", f"tcp:{port}:interface=127.0.0.1",
                     cwd=tmp_path)
    assert line == f"estra: --listen tcp:{port}:interface=127.0.0.1: port {port} is in use"


# -- in process -----------------------------------------------------------------------

def test_workers_option() -> None:
    """`--workers N` wins over the file; anything but a count is one line, no usage."""
    options = Options()
    options.parseOptions(["--workers", "3"])
    assert options["settings"].workers == 3 and options["settings"].overrides["workers"] == 3
    with pytest.raises(SystemExit, match=r"^estra: --workers two: expected a number of "
                                         r"processes$"):
        Options().parseOptions(["--workers", "two"])


def test_workers_setting() -> None:
    """server.workers: a count; 0 is one per CPU; negative or text is refused."""
    assert settings_from_string("").workers == 1
    assert settings_from_string("[server]\nworkers = 3\n").workers == 3
    assert settings_from_string("[server]\nworkers = 0\n").workers == len(
        os.sched_getaffinity(0))
    assert settings_from_string("[server]\nworkers = 3\n", workers=2).workers == 2
    with pytest.raises(ConfigError, match="server.workers: must not be negative"):
        settings_from_string("[server]\nworkers = -1\n")
    with pytest.raises(ConfigError, match="server.workers: expected an integer"):
        settings_from_string('[server]\nworkers = "two"\n')


def _pump(source: SSL.Connection, sink: SSL.Connection) -> None:
    try:
        sink.bio_write(source.bio_read(1 << 16))
    except SSL.WantReadError:
        pass


def _client(version: int) -> SSL.Context:
    context = SSL.Context(SSL.TLS_CLIENT_METHOD)
    context.set_max_proto_version(version)
    return context


def _handshake(server: ServerTLS, client_context: SSL.Context,
               session: SSL.Session | None = None) -> tuple[SSL.Session, bool]:
    """An in-memory handshake, a new connection: (the client's session, whether resumed)."""
    client, peer = SSL.Connection(client_context, None), SSL.Connection(server.getContext(), None)
    client.set_connect_state()
    peer.set_accept_state()
    if session is not None:
        client.set_session(session)
    for _ in range(10):                  # handshake, then the TLS 1.3 ticket after it
        for end in (client, peer):
            try:
                end.do_handshake()
                end.recv(1)
            except (SSL.WantReadError, SSL.ZeroReturnError):
                pass
        _pump(client, peer)
        _pump(peer, client)
    client.shutdown()                    # a session closed without close_notify is dropped
    return client.get_session(), bool(_lib.SSL_session_reused(client._ssl))


@pytest.fixture
def server_files(tmp_path: Path) -> tuple[FilePath, FilePath]:
    ca, server_key = pki.CA("ticket CA"), pki.ec_key()
    cert, key = pki.write_pair(tmp_path, "server", ca.issue(
        pki.name("localhost"), server_key.public_key()), server_key)
    return FilePath(str(cert)), FilePath(str(key))


def _worker_tls(files: tuple[FilePath, FilePath], *keys: bytes) -> tuple[ServerTLS, TicketKeys]:
    """A worker's ServerTLS whose ticket keys got `keys` in turn."""
    ticket_keys = TicketKeys()
    for key in keys:
        ticket_keys.add(key)
    tls = ServerTLS(*files)
    tls.use_ticket_keys(ticket_keys)
    return tls, ticket_keys


@pytest.mark.parametrize("version", [SSL.TLS1_2_VERSION, SSL.TLS1_3_VERSION])
def test_shared_key_resumes_in_another_context(server_files: tuple[FilePath, FilePath],
                                               version: int) -> None:
    """A ticket from one context resumes in another with the same key (after its
    reload too), and not in one with OpenSSL's own key."""
    key, client = new_ticket_key(), _client(version)
    issuer, _ = _worker_tls(server_files, key)
    other, _ = _worker_tls(server_files, key)
    session, resumed = _handshake(issuer, client)
    assert not resumed
    assert _handshake(other, client, session)[1]
    other.reload()
    assert _handshake(other, client, session)[1]
    assert not _handshake(ServerTLS(*server_files), client, session)[1]


@pytest.mark.parametrize("version", [SSL.TLS1_2_VERSION, SSL.TLS1_3_VERSION])
def test_previous_key_still_decrypts(server_files: tuple[FilePath, FilePath],
                                     version: int) -> None:
    """After one rotation a ticket under the previous key resumes; after two it does not."""
    old, client = new_ticket_key(), _client(version)
    issuer, _ = _worker_tls(server_files, old)
    session, _ = _handshake(issuer, client)
    rotated, keys = _worker_tls(server_files, old, new_ticket_key())
    assert _handshake(rotated, client, session)[1]
    keys.add(new_ticket_key())
    assert not _handshake(rotated, client, session)[1]


def test_bad_ticket_keys_are_refused() -> None:
    """A key of the wrong size is an error; a control line that is not keys is ignored."""
    with pytest.raises(ValueError, match="80 bytes"):
        TicketKeys().add(b"short")
    new, old = new_ticket_key(), new_ticket_key()
    assert parse_keys(b"keys " + new.hex().encode() + b" " + old.hex().encode() + b"\n") \
        == [new, old]
    for junk in (b"", b"keys", b"keys zz", b"keys " + new[:40].hex().encode(),
                 b"nope " + new.hex().encode(), b"keys" + 3 * (b" " + new.hex().encode())):
        assert parse_keys(junk) == []


def _start_logging_to(tmp_path: Path, log: Path, *twistd_args: str
                      ) -> tuple[subprocess.Popen[bytes], int]:
    """twistd --logfile LOG [args] estra --workers 2, once both workers listen."""
    cmd = ["python3", "-c", "from twisted.scripts.twistd import run; run()", "-n",
           "--pidfile=", "--logfile", str(log), *twistd_args, "estra", "--state-dir",
           str(tmp_path / "state"), "--workers", "2", "--listen", "tcp:0:interface=127.0.0.1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            cwd=tmp_path, env=estra_env())
    wait(lambda: proc.poll() is not None or (log.exists() and sum(
        "estra EST RA ready" in line for line in log.read_text().splitlines()) >= 2),
        "both workers to listen")
    port = re.search(r"ready on https://127\.0\.0\.1:(\d+)/", log.read_text())
    assert proc.poll() is None and port, log.read_text()
    return proc, int(port.group(1))


def _get_cacerts(port: int, count: int, tag: str) -> None:
    for n in range(count):
        subprocess.run(["curl", "-sk", "-o", "/dev/null", "--max-time", "20",
                        f"https://127.0.0.1:{port}/.well-known/est/cacerts?{tag}={n}"],
                       timeout=30, check=True)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(20)


def test_workers_append_to_the_log_file_and_reopen_it(tmp_path: Path) -> None:
    """With --logfile each worker appends its own lines to the supervisor's file
    (the supervisor appends too: no line overwritten); SIGUSR1 rotates the file and
    the workers then write to the new one; so after an external rename."""
    log = tmp_path / "estra.log"
    proc, port = _start_logging_to(tmp_path, log)
    try:
        _get_cacerts(port, 6, "before")
        wait(lambda: log.read_text().count("?before=") == 6, "six request lines")
        proc.send_signal(signal.SIGUSR1)
        wait(lambda: (tmp_path / "estra.log.1").exists(), "the rotation")
        time.sleep(0.3)                       # the workers hear "reopen"
        _get_cacerts(port, 6, "after")
        wait(lambda: log.read_text().count("?after=") == 6, "six lines in the new file")
        log.rename(tmp_path / "moved.log")    # an external rotation tool
        wait(lambda: log.exists(), "the supervisor to reopen its log")
        time.sleep(0.3)
        _get_cacerts(port, 4, "moved")
        wait(lambda: log.read_text().count("?moved=") == 4, "four lines in the reopened file")
    finally:
        _stop(proc)
    old = (tmp_path / "estra.log.1").read_text()
    assert old.count("?before=") == 6 and "?after=" not in old
    assert len(set(re.findall(r"\[(worker \d pid \d+)\]", old))) == 2, old
    assert "estra supervisor (pid" in old and "Traceback" not in old
    for text in (old, log.read_text(), (tmp_path / "moved.log").read_text()):
        for line in text.splitlines():           # whole lines, each with its timestamp
            assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} \[[^\]]+\] ", line), line
    assert "Server Shut Down." in log.read_text()


def test_json_workers_log_events_to_the_file(tmp_path: Path) -> None:
    """Under --logger estra.logging.json_observer the workers' lines are JSON events
    with their system and the text line."""
    log = tmp_path / "estra.json"
    proc, port = _start_logging_to(tmp_path, log, "--logger", "estra.logging.json_observer")
    try:
        _get_cacerts(port, 4, "json")
        wait(lambda: log.read_text().count('"path": "/.well-known/est/cacerts?json=') == 4,
             "four request events")
    finally:
        _stop(proc)
    events = [json.loads(line) for line in log.read_text().splitlines()]
    requests = [e for e in events if e.get("operation") == "cacerts"]
    assert len(requests) == 4
    for event in requests:
        assert re.fullmatch(r"worker \d pid \d+", event["log_system"]), event
        assert event["status"] == 200 and event["text"].startswith("est cacerts [default] 200")
