"""What every bench/ part shares: processes pinned to CPUs, estra and the
baseline started on loopback, wrk driven and read, CPU time from /proc.

Servers (`spawn`) run on the first CPU; load (wrk, Python clients) on the
others, so the load generator never competes with the server it measures.
Every process started here is ended when the interpreter exits.
"""

from __future__ import annotations

import atexit
import base64
import http.client
import os
import re
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

__all__ = ["REPO", "CPUS", "SERVER_CPUS", "CLIENT_CPUS", "make_csr", "cpu_seconds", "spawn",
           "start_estra", "enroll_once", "start_baseline", "stop", "wrk", "WrkResult", "figure"]

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
CPUS = sorted(os.sched_getaffinity(0))
SERVER_CPUS, CLIENT_CPUS = ({CPUS[0]}, set(CPUS[1:])) if len(CPUS) > 1 else (None, None)
CHILDREN: list[subprocess.Popen] = []          # ended at exit
ENROLL_PATH = "/.well-known/est/simpleenroll"


def make_csr() -> bytes:
    """A base64 DER P-256 PKCS#10 request for CN=bench."""
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name.from_rfc4514_string("CN=bench"))
           .sign(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256()))
    return base64.b64encode(csr.public_bytes(serialization.Encoding.DER))


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def spawn(cmd: Sequence[str | os.PathLike[str]], **kw: Any) -> subprocess.Popen[bytes]:
    """A server subprocess, pinned to the server CPU and ended at exit."""
    proc = subprocess.Popen(cmd, **kw)
    CHILDREN.append(proc)
    if SERVER_CPUS:
        os.sched_setaffinity(proc.pid, SERVER_CPUS)
    return proc


def stop(proc: subprocess.Popen, grace: float = 5) -> None:
    """End one process started here (TERM, then KILL after `grace` s)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc in CHILDREN:
        CHILDREN.remove(proc)


@atexit.register
def _end_children() -> None:
    for proc in reversed(list(CHILDREN)):
        stop(proc)


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p))


def _wait_ready(proc: subprocess.Popen, logfile: Path, what: str) -> int:
    deadline = time.monotonic() + 60
    while not (m := re.search(rb"ready on https://[^/]*:(\d+)/", logfile.read_bytes())):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            sys.exit(f"{what} did not start:\n" + logfile.read_text()[-3000:])
        time.sleep(0.1)
    return int(m.group(1))


def start_estra(tmp: Path, user: str, password: str, config: Path | None = None,
                name: str = "") -> tuple[int, int, Path]:
    """`twistd estra` on a free port with a new state dir, plus `user`: pid, port, dir.

    `config`: a TOML file (e.g. a PostgreSQL store); `name` prefixes the state
    dir and log file so one `tmp` can hold several."""
    state, logfile = tmp / f"{name}state", tmp / f"{name}estra.log"
    if config:                                 # a state dir with a config must exist
        subprocess.run([sys.executable, "-m", "estra.cli", "--config", str(config),
                        "--state-dir", state, "init"], env=_env(), check=True,
                       capture_output=True)
    with open(logfile, "wb") as log:          # a file, not a pipe: every request is logged
        proc = spawn([sys.executable, "-c", "from twisted.scripts.twistd import run; run()",
                      "-n", "--pidfile=", "estra", "--state-dir", state,
                      "--listen", "tcp:0:interface=127.0.0.1",
                      *(["--config", str(config)] if config else [])],
                     cwd=tmp, env=_env(), stdout=log, stderr=subprocess.STDOUT)
    port = _wait_ready(proc, logfile, "estra")
    subprocess.run([sys.executable, "-m", "estra.cli", "--state-dir", state,
                    *(["--config", str(config)] if config else []), "user", "add",
                    user, "--password-stdin"], input=password + "\n", text=True, env=_env(),
                   check=True, capture_output=True)
    deadline = time.monotonic() + 30          # until estra has read the new htpasswd
    while (status := enroll_once(port, state / "ca.pem", user, password)) != 200:
        if time.monotonic() > deadline:
            sys.exit(f"estra answers {status} to {user}'s enrollment:\n"
                     + logfile.read_text()[-3000:])
        time.sleep(0.2)
    return proc.pid, port, state


def enroll_once(port: int, cafile: Path, user: str, password: str) -> int:
    """The HTTP status of one simpleenroll (a new CSR) over a new TLS connection."""
    ctx = ssl.create_default_context(cafile=str(cafile))
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=30)
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    try:
        conn.request("POST", ENROLL_PATH, make_csr(), {
            "Content-Type": "application/pkcs10", "Authorization": f"Basic {auth}"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def start_baseline(tmp: Path, state: Path, user: str, password: str
                   ) -> tuple[subprocess.Popen, int]:
    """bench/baseline_server.py with `state`'s server and CA files: process, port."""
    logfile = tmp / "baseline.log"
    with open(logfile, "wb") as log:
        proc = spawn([sys.executable, str(BENCH / "baseline_server.py"), "--state-dir",
                      str(state), "--user", user, "--password", password],
                     env=_env(), stdout=log, stderr=subprocess.STDOUT)
    return proc, _wait_ready(proc, logfile, "the baseline server")


class WrkResult:
    """One wrk run: rate, latency, errors and the server's CPU per request."""

    def __init__(self, requests: int, seconds: float, status_errors: int,
                 socket_errors: int, p50_ms: float, p99_ms: float, cpu_s: float) -> None:
        self.requests, self.seconds = requests, seconds
        self.status_errors, self.socket_errors = status_errors, socket_errors
        self.p50_ms, self.p99_ms = p50_ms, p99_ms
        self.rps = requests / seconds if seconds else 0.0
        self.cpu_ms = 1000 * cpu_s / requests if requests else float("nan")
        self.busy = cpu_s / seconds if seconds else 0.0      # of one core

    def line(self, name: str) -> str:
        return (f"{name}: {self.rps:.0f} req/s  (p50 {self.p50_ms:.1f} ms, p99 "
                f"{self.p99_ms:.1f} ms, server CPU {self.cpu_ms:.2f} ms/req, "
                f"{100 * self.busy:.0f}% busy, "
                f"non-2xx {self.status_errors}, socket errors {self.socket_errors}, "
                f"{self.requests} requests)")


def wrk(port: int, server_pid: int, body: Path, authorization: str, new_conn: bool,
        seconds: float, max_requests: int, connections: int = 16,
        path: str = ENROLL_PATH) -> WrkResult:
    """POST `body` with wrk (one thread) on the client CPUs for at most `seconds`
    and `max_requests`; `new_conn`: Connection: close, a new TLS connection each."""
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
           "--timeout", "10s", "-s", str(BENCH / "enroll.lua"),
           f"https://127.0.0.1:{port}{path}", "--", str(body), authorization,
           "close" if new_conn else "keep", str(max_requests)]
    if CLIENT_CPUS:
        cmd = ["taskset", "-c", ",".join(map(str, sorted(CLIENT_CPUS))), *cmd]
    cpu0 = cpu_seconds(server_pid)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    cpu = cpu_seconds(server_pid) - cpu0
    m = re.search(r"RESULT requests=(\d+) duration_us=(\d+) status_errors=(\d+) "
                  r"socket_errors=(\d+) p50_us=(\d+) p99_us=(\d+)", out.stdout)
    if out.returncode or not m:
        sys.exit(f"wrk failed ({out.returncode}):\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    n, us, status, sock, p50, p99 = map(int, m.groups())
    return WrkResult(n, us / 1e6, status, sock, p50 / 1000, p99 / 1000, cpu)


def figure(name: str, value: float, unit: str, target: float | None = None,
           higher_is_better: bool = True, fmt: str = ".2f") -> str:
    """`name: value unit  (target T: met|NOT met)`, the line format of every part."""
    text = f"{name}: {value:{fmt}}{' ' + unit if unit else ''}"
    if target is None:
        return text
    met = value >= target if higher_is_better else value <= target
    return f"{text}  (target {'>=' if higher_is_better else '<='} {target:g}: " \
           f"{'met' if met else 'NOT met'})"
