#!/usr/bin/env python3
"""Memory figures for estra (issue #12): RSS per idle TLS connection, and RSS over
many keep-alive enrollments.

Idle connections: estra (embedded defaults, its own temporary state dir) and a
bare twisted.web TLS server (Twisted's default CertificateOptions, estra's
certificate and key) each get --connections TLS connections; each does the
handshake and one GET, then stays open and idle.  Figure: the server's VmRSS
growth divided by the count, after a warm-up round of the same.  The count stays
under estra's default caps (1024 per listener, 64 per address): the clients
spread over 127.0.0.2-127.0.0.x, 60 each.

Enrollments: `wrk` (pinned to the last CPU, the server to the first) POSTs one
P-256 CSR with HTTP Basic over 4 keep-alive connections: --warmup enrollments,
then --enrollments in 8 rounds, VmRSS read after each.  Figures: RSS after the
warm-up, at the end, and the least-squares slope in KiB per 10,000 enrollments.
"Flat" is a slope under 200 KiB / 10k, i.e. 20 bytes an enrollment: less than
the smallest thing a leak could keep per request (a float in a list, 32 bytes).
Each wrk round stops after its count or 120 s.

    python3 bench/memory.py                       # 40-90 s: 1,000 conns, 15,000 enrollments
    python3 bench/memory.py --quick               # ~15 s: 200 conns, 1,000 enrollments
    python3 bench/memory.py --enrollments 100000  # issue #12's run (~3 min)

`report()` returns the same lines, for bench/enroll.py.
"""

from __future__ import annotations

import argparse
import base64
import re
import resource
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from enroll import CHILDREN, CPUS, make_csr, spawn, start_estra, stop

TARGET_KIB = 35           # issue #12: at most 35 KB per idle TLS connection
FLAT_KIB_PER_10K = 200    # see the module docstring
PER_ADDRESS = 60          # under estra's default max_connections_per_address (64)

BARE_SERVER = """
import sys
from twisted.internet import endpoints, reactor, ssl
from twisted.web import resource, server
class Hello(resource.Resource):
    isLeaf = True
    def render_GET(self, request): return b"hello"
pem = open(sys.argv[1]).read() + open(sys.argv[2]).read()
tls = ssl.PrivateCertificate.loadPEM(pem).options()
endpoints.SSL4ServerEndpoint(reactor, 0, tls, interface="127.0.0.1").listen(
    server.Site(Hello())).addCallback(lambda p: print(p.getHost().port, flush=True))
reactor.run()
"""

WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = "%(body)s"
wrk.headers["Content-Type"] = "application/pkcs10"
wrk.headers["Authorization"] = "Basic %(auth)s"
local done, bad = 0, 0
function response(status, headers, body)
  done = done + 1
  if status ~= 200 then bad = bad + 1 end
  if done >= %(count)d then      -- thread:stop() would still wait out -d
    io.write(string.format("enrolled %%d, %%d not 200\\n", done, bad))
    io.flush()
    os.exit(0)
  end
end
"""


def rss_kib(pid: int) -> int:
    """VmRSS of a process, in KiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]


def open_idle(port: int, cafile: str, count: int, path: str) -> list[ssl.SSLSocket]:
    """`count` TLS connections that each did the handshake and one GET `path`."""
    ctx = ssl.create_default_context(cafile=cafile)
    conns = []
    for i in range(count):
        raw = socket.socket()
        raw.bind((f"127.0.0.{2 + i // PER_ADDRESS}", 0))
        raw.settimeout(10)
        raw.connect(("127.0.0.1", port))
        conn = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += conn.recv(65536)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"GET {path}: {head[:200]!r}")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
        body = head.split(b"\r\n\r\n", 1)[1]
        while len(body) < length:
            body += conn.recv(65536)
        conns.append(conn)
    return conns


def per_connection(pid: int, port: int, cafile: str, count: int, path: str) -> float:
    """The server's RSS growth in KiB per idle connection (after a few warm-up ones:
    more would leave freed memory behind for the measured ones to reuse)."""
    for conn in open_idle(port, cafile, 20, path):
        conn.close()
    time.sleep(0.5)
    before = rss_kib(pid)
    conns = open_idle(port, cafile, count, path)
    time.sleep(0.5)
    grown = rss_kib(pid) - before
    for conn in conns:
        conn.close()
    return grown / count


def start_bare(tmp: Path, state: Path) -> tuple[subprocess.Popen, int]:
    """The bare Twisted TLS server with estra's certificate and key: process, port."""
    proc = spawn([sys.executable, "-c", BARE_SERVER, str(state / "server.pem"),
                  str(state / "server.key")], cwd=tmp, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


def wrk_round(port: int, script: Path, fields: dict, count: int, seconds: float) -> int:
    """One wrk run of about `count` enrollments (or `seconds`); how many it made."""
    script.write_text(WRK_SCRIPT % {**fields, "count": count})
    pin = ["taskset", "-c", str(CPUS[-1])] if len(CPUS) > 1 else []
    out = subprocess.run([*pin, "wrk", "-t1", "-c4", f"-d{seconds:.0f}s", "-s", str(script),
                          f"https://127.0.0.1:{port}/.well-known/est/simpleenroll"],
                         capture_output=True, text=True, timeout=seconds + 30).stdout
    made = (re.search(r"enrolled (\d+), 0 not 200", out)       # the count reached
            or re.search(r"(\d+) requests in", out))              # -d ran out first
    if not made or re.search(r"Non-2xx|Socket errors|[1-9]\d* not 200", out):
        raise RuntimeError(f"wrk failed:\n{out}")
    return int(made.group(1))


def slope(points: list[tuple[int, int]]) -> float:
    """Least-squares slope of (enrollments, KiB), in KiB per 10,000 enrollments."""
    n = len(points)
    mx, my = sum(x for x, _ in points) / n, sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return 10_000 * sum((x - mx) * (y - my) for x, y in points) / sxx


def verdict(value: float, target: float) -> str:
    return f"({value / target:.2f} of target {target:g}: {'met' if value <= target else 'NOT met'})"


def report(quick: bool = False, connections: int | None = None,
           enrollments: int | None = None, warmup: int | None = None) -> list[str]:
    """Run both measurements; the printed lines, one figure each."""
    connections = connections or (200 if quick else 1000)
    enrollments = enrollments or (1000 if quick else 15_000)
    warmup = warmup or (300 if quick else 3000)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4 * connections)), hard))
    user, password = "bench", "secret"
    lines, spawned = [], len(CHILDREN)
    with tempfile.TemporaryDirectory(prefix="estra-memory-") as name:
        tmp = Path(name)
        try:
            pid, port, state = start_estra(tmp, user, password)
            cafile = str(state / "ca.pem")
            estra_kib = per_connection(pid, port, cafile, connections, "/.well-known/est/cacerts")
            bare, bare_port = start_bare(tmp, state)
            bare_kib = per_connection(bare.pid, bare_port, cafile, connections, "/")
            lines += [f"idle TLS connection, estra: {estra_kib:.1f} KiB  "
                      f"{verdict(estra_kib, TARGET_KIB)}",
                      f"idle TLS connection, bare Twisted: {bare_kib:.1f} KiB  "
                      f"(estra = {estra_kib / bare_kib:.2f}x bare; {connections} connections)"]
            fields = {"body": make_csr().decode(),
                      "auth": base64.b64encode(f"{user}:{password}".encode()).decode()}
            script = tmp / "enroll.lua"
            done = wrk_round(port, script, fields, warmup, 120)
            points = [(done, rss_kib(pid))]
            for _ in range(8):
                done += wrk_round(port, script, fields, enrollments // 8, 120)
                points.append((done, rss_kib(pid)))
            growth = slope(points)
            lines += [f"RSS after {points[0][0]} warm-up enrollments: "
                      f"{points[0][1] / 1024:.1f} MiB",
                      f"RSS after {done} enrollments: {points[-1][1] / 1024:.1f} MiB",
                      f"RSS growth: {growth:.0f} KiB per 10k enrollments  " + (
                          "(quick: warm-up too short to judge flatness)" if quick else
                          verdict(max(growth, 0), FLAT_KIB_PER_10K))]
        finally:
            for proc in CHILDREN[spawned:]:          # the servers started here
                stop(proc)
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller counts (~15 s)")
    ap.add_argument("--connections", type=int, help="idle connections (max 1000)")
    ap.add_argument("--enrollments", type=int, help="enrollments after the warm-up")
    ap.add_argument("--warmup", type=int, help="warm-up enrollments")
    args = ap.parse_args()
    for line in report(args.quick, args.connections, args.enrollments, args.warmup):
        print(line, flush=True)


if __name__ == "__main__":
    main()
