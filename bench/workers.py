#!/usr/bin/env python3
"""Benchmark `workers = N`: workers=1 (one process) against workers=2.

* enrollments over a new TLS connection each (wrk, 16 connections, `Connection:
  close`): throughput, and server CPU per enrollment summed over every estra
  process (supervisor and workers).  CPU scaling = N x (CPU/enrollment with one
  process) / (CPU/enrollment with N workers): the throughput N workers reach
  when each has a core of its own.  On this 2-CPU machine wrk shares the cores
  with the servers, so the measured throughput ratio is lower, and noisy.
* TLS handshakes against workers=2 (Python ssl, one client): full, then resumed
  with a ticket from the first connection; every resumption must succeed,
  whichever worker takes it (the ticket key is shared).  Server CPU per handshake.

    python3 bench/workers.py [--quick]      # ~45 s, --quick ~15 s; 127.0.0.1 only

`report(quick)` returns the lines, for bench/enroll.py.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from enroll import cpu_seconds, make_csr, spawn, stop  # noqa: E402

USER, PASSWORD = "bench", "secret"
WRK = "/usr/bin/wrk"


def figure(name: str, value: float, unit: str = "", target: float | None = None,
           fmt: str = ".2f") -> str:
    """`name: value unit  (target >= T: met|NOT met)`."""
    text = f"{name}: {value:{fmt}}{' ' + unit if unit else ''}"
    if target is None:
        return text
    return f"{text}  (target >= {target:g}: {'met' if value >= target else 'NOT met'})"


def start(tmp: Path, workers: int) -> tuple[subprocess.Popen, int, Path]:
    """`twistd estra --workers N` (N=1: one process) on a free port: process, port, state."""
    state, logfile = tmp / f"state{workers}", tmp / f"estra{workers}.log"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    with open(logfile, "wb") as log:
        proc = spawn([sys.executable, "-c", "from twisted.scripts.twistd import run; run()",
                      "-n", "--pidfile=", "estra", "--state-dir", state, "--workers",
                      str(workers), "--listen", "tcp:0:interface=127.0.0.1"],
                     cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)
    os.sched_setaffinity(proc.pid, os.sched_getaffinity(0))   # unpinned: every CPU
    deadline = time.monotonic() + 60
    while len(re.findall(rb"ready on https://[^/]*:(\d+)/", logfile.read_bytes())) < workers:
        if proc.poll() is not None or time.monotonic() > deadline:
            sys.exit("estra did not start:\n" + logfile.read_text()[-3000:])
        time.sleep(0.1)
    port = int(re.findall(rb"ready on https://[^/]*:(\d+)/", logfile.read_bytes())[0])
    subprocess.run([sys.executable, "-m", "estra.cli", "--state-dir", state, "user", "add",
                    USER, "--password-stdin"], input=PASSWORD + "\n", text=True, env=env,
                   check=True, capture_output=True)
    return proc, port, state


def processes(proc: subprocess.Popen) -> list[int]:
    """The estra process and its children (the workers)."""
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    return [proc.pid, *map(int, children)]


def server_cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(p) for p in pids)


def enroll_load(tmp: Path, port: int, pids: list[int], seconds: float,
                connections: int = 16) -> tuple[float, float, float]:
    """wrk POSTing enrollments, a new TLS connection each: (req/s, server CPU ms each,
    of which the first process's: the supervisor's with workers)."""
    auth = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    script = tmp / "enroll.lua"
    script.write_text(f'wrk.method = "POST"\nwrk.body = "{make_csr().decode()}"\n'
                      'wrk.headers["Content-Type"] = "application/pkcs10"\n'
                      f'wrk.headers["Authorization"] = "Basic {auth}"\n'
                      'wrk.headers["Connection"] = "close"\n')
    cpu0, first0 = server_cpu(pids), cpu_seconds(pids[0])
    out = subprocess.run([WRK, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s",
                          "--timeout", "10s", "-s", str(script), f"https://127.0.0.1:{port}/.well-known/est/simpleenroll"],
                         capture_output=True, text=True, timeout=seconds + 60)
    cpu, first = server_cpu(pids) - cpu0, cpu_seconds(pids[0]) - first0
    total = re.search(r"(\d+) requests in", out.stdout)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)
    if out.returncode or not total or not rate or "Non-2xx" in out.stdout:
        sys.exit(f"wrk failed ({out.returncode}):\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    count = max(1, int(total.group(1)))
    return float(rate.group(1)), 1000 * cpu / count, 1000 * first / count


def handshakes(port: int, cafile: Path, pids: list[int], seconds: float,
               resume: bool) -> tuple[float, float, float]:
    """Connect + handshake + close in a loop (no request): (per s, server CPU ms each,
    share resumed)."""
    ctx = ssl.create_default_context(cafile=str(cafile))

    def connect(session: ssl.SSLSession | None, ask: bool = False) -> ssl.SSLSocket:
        tls = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10),
                              server_hostname="localhost", session=session)
        if ask:                      # read an answer, and with it the TLS 1.3 ticket
            tls.sendall(b"GET /.well-known/est/nothing HTTP/1.1\r\nHost: localhost\r\n"
                        b"Connection: close\r\n\r\n")
            while tls.recv(65536):
                pass
        return tls

    with connect(None, ask=True) as first:
        ticket = first.session if resume else None
    count = reused = 0
    cpu0, t0 = server_cpu(pids), time.monotonic()
    while time.monotonic() - t0 < seconds and count < 100000:
        with connect(ticket) as tls:
            reused += bool(tls.session_reused)
        count += 1
    wall, cpu = time.monotonic() - t0, server_cpu(pids) - cpu0
    return count / wall, 1000 * cpu / count, reused / count


def report(quick: bool = False) -> list[str]:
    """The figures, one line each (bench/enroll.py prints them)."""
    seconds = 1.0 if quick else 8.0
    lines, rate, cpu = [], {}, {}
    with tempfile.TemporaryDirectory(prefix="estra-workers-") as name:
        tmp = Path(name)
        for n in (1, 2):
            proc, port, state = start(tmp, n)
            try:
                pids = processes(proc)
                enroll_load(tmp, port, pids, 1, connections=1)  # warm-up: bcrypt cache
                rate[n], cpu[n], supervisor = enroll_load(tmp, port, pids, seconds)
                lines.append(figure(f"workers={n} new-conn enrollments", rate[n], "req/s"))
                lines.append(figure(f"workers={n} server CPU per enrollment", cpu[n], "ms"))
                if n > 1:
                    lines.append(figure(f"workers={n} of which the supervisor (log relay)",
                                        supervisor, "ms"))
                if n == 2:
                    full = handshakes(port, state / "ca.pem", pids, seconds / 2, False)
                    resumed = handshakes(port, state / "ca.pem", pids, seconds / 2, True)
            finally:
                stop(proc, 20)   # the supervisor ends its workers first
    lines += [
        figure("workers=2/workers=1 throughput (wrk on the same 2 CPUs)", rate[2] / rate[1],
               "x"),
        figure("workers=2 CPU scaling, 2 x CPU per enrollment ratio", 2 * cpu[1] / cpu[2],
               "x", 1.8),
        figure("full handshake across workers", full[0], "/s"),
        figure("full handshake server CPU", full[1], "ms"),
        figure("resumed handshake across workers", resumed[0], "/s"),
        figure("resumed handshake server CPU", resumed[1], "ms"),
        figure("resumptions that resumed (any worker)", 100 * resumed[2], "%", 99, ".0f"),
        figure("full/resumed handshake server CPU", full[1] / resumed[1], "x"),
    ]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="short runs (~15 s)")
    for line in report(ap.parse_args().quick):
        print(line, flush=True)


if __name__ == "__main__":
    main()
