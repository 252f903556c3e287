#!/usr/bin/env python3
"""Benchmark estra's EST simpleenroll: requests/s and p50/p99 latency.

Scenarios: the same P-256 CSR POSTed to /simpleenroll with HTTP Basic (non-200
counts as an error) over a new TLS connection per request (new-conn) or one
keep-alive connection per client (keep-alive), at 1 and 16 clients.  The same
run measures the TLS handshake ceiling: ``openssl s_server`` with estra's
server.pem/server.key (P-256) and the same client code doing handshake + close
at the same concurrency; estra's rate is shown as a multiple of it.  s_server
serves one connection at a time (round-trip bound at c>1), so "srv ms/req",
server CPU per request, compares the work as well.

Load: up to 2 worker processes of client threads (http.client + ssl); with 2+
CPUs the server is pinned to the first CPU and the clients to the rest.  Each
scenario stops after --requests requests or --seconds s (2000 / 10 s: about a
minute in all).  Only 127.0.0.1; needs stdlib, cryptography and openssl.

    python3 bench/enroll.py          # starts its own estra (temporary state dir)
    python3 bench/enroll.py --url https://127.0.0.1:8443 --cacert estra-state/ca.pem \\
        --user bench --password secret [--state-dir estra-state]

With --url, --state-dir lends s_server that estra's certificate and key (else it
uses a throwaway P-256 one).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import math
import multiprocessing as mp
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

REPO = Path(__file__).resolve().parent.parent
CPUS = sorted(os.sched_getaffinity(0))
SERVER_CPUS, CLIENT_CPUS = ({CPUS[0]}, set(CPUS[1:])) if len(CPUS) > 1 else (None, None)
CHILDREN: list = []          # subprocesses and worker processes, ended at exit


def make_csr() -> bytes:
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name.from_rfc4514_string("CN=bench"))
           .sign(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256()))
    return base64.b64encode(csr.public_bytes(serialization.Encoding.DER))


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def client(mode: str, job: dict, ctx: ssl.SSLContext, take, lat: list, errs: list) -> None:
    """One client: `handshake` (connect + close), `new-conn` or `keep-alive` POSTs."""
    conn = None
    while take():
        t0 = time.perf_counter()
        try:
            conn = conn or http.client.HTTPSConnection("127.0.0.1", job["port"],
                                                       context=ctx, timeout=10)
            ok, keep = True, False
            if mode == "handshake":
                conn.connect()
            else:
                conn.request("POST", "/.well-known/est/simpleenroll", job["body"],
                             job["headers"])
                resp = conn.getresponse()
                data = resp.read()
                ok, keep = resp.status == 200, mode == "keep-alive" and not resp.will_close
                if not ok:
                    errs.append(f"HTTP {resp.status}: {data[:500]!r}")
            if ok:
                lat.append(time.perf_counter() - t0)
        except (OSError, http.client.HTTPException) as e:
            errs.append(f"{type(e).__name__}: {e}")
            keep = False
        if conn and not keep:
            conn.close()
            conn = None
    if conn:
        conn.close()


def worker(mode: str, job: dict, threads: int, budget, start: float, deadline: float,
           results) -> None:
    """A load process: `threads` clients sharing the request budget and the deadline."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C: the parent ends us
    if CLIENT_CPUS:
        os.sched_setaffinity(0, CLIENT_CPUS)
    ctx = ssl.create_default_context(cafile=job["cafile"])

    def take() -> bool:
        with budget.get_lock():
            budget.value -= 1
            return budget.value >= 0 and time.monotonic() < deadline

    lat: list[float] = []
    errs: list[str] = []
    pool = [threading.Thread(target=client, args=(mode, job, ctx, take, lat, errs),
                             daemon=True) for _ in range(threads)]
    time.sleep(max(0.0, start - time.monotonic()))
    cpu0, t0 = time.process_time(), time.monotonic()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    results.put((lat, len(errs), errs[:1], t0, time.monotonic(), time.process_time() - cpu0))


def run(mode: str, conc: int, job: dict, requests: int, seconds: float,
        server_pid: int | None = None) -> dict:
    """One scenario (at most 2 processes, threads within); returns its figures."""
    procs, budget = min(conc, 2), mp.Value("l", requests)
    results: mp.Queue[tuple] = mp.Queue()
    start = time.monotonic() + 0.3
    workers = [mp.Process(target=worker, daemon=True, args=(
        mode, job, conc // procs + (i < conc % procs), budget, start, start + seconds,
        results)) for i in range(procs)]
    CHILDREN.extend(workers)
    for w in workers:
        w.start()
    time.sleep(max(0.0, start - time.monotonic()))
    srv = cpu_seconds(server_pid) if server_pid else 0.0
    out = [results.get(timeout=seconds + 60) for _ in workers]
    srv = cpu_seconds(server_pid) - srv if server_pid else 0.0
    for w in workers:
        w.join()
        CHILDREN.remove(w)
    lat = sorted(x for o in out for x in o[0])
    wall = max(o[4] for o in out) - min(o[3] for o in out)
    pct = lambda q: lat[max(0, math.ceil(q * len(lat)) - 1)] * 1000 if lat else math.nan
    return {"mode": mode, "c": conc, "n": len(lat), "errors": sum(o[1] for o in out),
            "first_error": next((e for o in out for e in o[2]), None),
            "rps": len(lat) / wall, "p50": pct(0.50), "p99": pct(0.99),
            "cli": f"{100 * sum(o[5] for o in out) / wall:.0f}%",
            "srv": f"{100 * srv / wall:.0f}%" if server_pid else "?",
            "ms": f"{1000 * srv / len(lat):.2f}" if server_pid and lat else "?"}


def spawn(cmd: list, **kw) -> subprocess.Popen:
    """A server subprocess, pinned to the server CPU and ended at exit."""
    proc = subprocess.Popen(cmd, **kw)
    CHILDREN.append(proc)
    if SERVER_CPUS:
        os.sched_setaffinity(proc.pid, SERVER_CPUS)
    return proc


def start_estra(tmp: Path, user: str, password: str) -> tuple[int, int, Path]:
    """`twistd estra` on a free port with a new state dir, plus `user`: pid, port, dir."""
    state, logfile = tmp / "state", tmp / "estra.log"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p))
    with open(logfile, "wb") as log:          # a file, not a pipe: every request is logged
        proc = spawn([sys.executable, "-c", "from twisted.scripts.twistd import run; run()",
                      "-n", "--pidfile=", "estra", "--state-dir", state,
                      "--listen", "tcp:0:interface=127.0.0.1"],
                     cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not (m := re.search(rb"ready on https://[^/]*:(\d+)/", logfile.read_bytes())):
        if proc.poll() is not None or time.monotonic() > deadline:
            sys.exit("estra did not start:\n" + logfile.read_text()[-3000:])
        time.sleep(0.1)
    subprocess.run([sys.executable, "-m", "estra.cli", "--state-dir", state, "user", "add",
                    user, "--password-stdin"], input=password + "\n", text=True, env=env,
                   check=True, capture_output=True)
    return proc.pid, int(m.group(1)), state


def start_s_server(tmp: Path, state: Path | None) -> tuple[subprocess.Popen, int, str]:
    """`openssl s_server` with estra's certificate and key: process, port, CA file."""
    if state is not None:
        cert, key, ca = state / "server.pem", state / "server.key", state / "ca.pem"
        extra = ["-cert_chain", ca, "-CAfile", ca, "-verify", "1"]   # chain + cert request
    else:
        cert = ca = tmp / "ceiling.pem"
        key, extra = tmp / "ceiling.key", []
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1",
                        "-keyout", key, "-out", cert], check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = spawn(["openssl", "s_server", "-quiet", "-www", "-accept", f"127.0.0.1:{port}",
                  "-cert", cert, "-key", key, *extra], stdin=subprocess.DEVNULL,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        time.sleep(0.05)
        with socket.socket() as probe:
            if proc.poll() is None and probe.connect_ex(("127.0.0.1", port)) == 0:
                return proc, port, str(ca)
    sys.exit("openssl s_server did not start")


def report(rows: list[dict]) -> None:
    """The summary table, then one sentence per new-conn scenario."""
    if first := next((r for r in rows if r["first_error"]), None):
        print(f"first error ({first['mode']} c={first['c']}): {first['first_error']}")
    ceiling = {r["c"]: r["rps"] for r in rows if r["mode"] == "handshake"}
    print(f"\n{'scenario':<18}{'conc':>5}{'requests':>9}{'errors':>7}{'req/s':>9}{'p50 ms':>8}"
          f"{'p99 ms':>8}{'x ceiling':>10}{'cli CPU':>8}{'srv CPU':>8}{'srv ms/req':>11}")
    for r in rows:
        handshake = r["mode"] == "handshake"
        r["x"] = f"{r['rps'] / ceiling[r['c']]:.2f}" if ceiling.get(r["c"]) else "?"
        print(f"{'openssl handshake' if handshake else r['mode']:<18}{r['c']:>5}{r['n']:>9}"
              f"{r['errors']:>7}{r['rps']:>9.1f}{r['p50']:>8.2f}{r['p99']:>8.2f}"
              f"{'-' if handshake else r['x']:>10}{r['cli']:>8}{r['srv']:>8}{r['ms']:>11}")
    print(f"(CPU in % of one core; {len(CPUS)} CPUs"
          + (": servers started here on the first, clients on the rest)" if SERVER_CPUS else ")"))
    for r in rows:
        if r["mode"] == "new-conn":
            print(f"new-conn c={r['c']}: {r['rps']:.0f} req/s = {r['x']} x openssl "
                  "handshake ceiling")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="a running estra, https://127.0.0.1:PORT (default: start one)")
    ap.add_argument("--cacert", help="CA file to trust (with --url)")
    ap.add_argument("--state-dir", help="that estra's state dir, for s_server (with --url)")
    ap.add_argument("--user", default="bench")
    ap.add_argument("--password", default="secret")
    ap.add_argument("--requests", type=int, default=2000, help="cap per scenario")
    ap.add_argument("--seconds", type=float, default=10, help="time cap per scenario")
    ap.add_argument("--concurrency", default="1,16", help="client counts, comma-separated")
    args = ap.parse_args()
    signal.signal(signal.SIGINT, signal.default_int_handler)     # even if inherited ignored
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))      # so `finally` runs
    tmpdir = tempfile.TemporaryDirectory(prefix="estra-bench-")
    tmp = Path(tmpdir.name)
    try:
        if args.url:
            url = urlsplit(args.url)
            if url.scheme != "https" or url.hostname != "127.0.0.1" or not args.cacert:
                sys.exit("--url must be https://127.0.0.1:PORT, with --cacert")
            pid, port, cafile = None, url.port or 443, args.cacert
            state = Path(args.state_dir) if args.state_dir else None
        else:
            pid, port, state = start_estra(tmp, args.user, args.password)
            cafile = str(state / "ca.pem")
        auth = base64.b64encode(f"{args.user}:{args.password}".encode()).decode()
        job = {"port": port, "cafile": cafile, "body": make_csr(),
               "headers": {"Content-Type": "application/pkcs10",
                           "Authorization": f"Basic {auth}"}}
        if (warm := run("keep-alive", 1, job, 1, 30))["n"] != 1:   # also caches bcrypt
            sys.exit(f"warm-up enrollment failed: {warm['first_error']}")
        rows, concs = [], [int(c) for c in args.concurrency.split(",")]
        ssl_proc, ssl_port, ssl_ca = start_s_server(tmp, state)
        for c in concs:
            rows.append(run("handshake", c, {**job, "port": ssl_port, "cafile": ssl_ca},
                            args.requests, args.seconds, ssl_proc.pid))
            print(f"... openssl handshake c={c}: {rows[-1]['rps']:.0f}/s", flush=True)
        ssl_proc.terminate()
        ssl_proc.wait()
        for mode in ("new-conn", "keep-alive"):
            for c in concs:
                rows.append(run(mode, c, job, args.requests, args.seconds, pid))
                print(f"... {mode} c={c}: {rows[-1]['rps']:.0f} req/s", flush=True)
        report(rows)
    except KeyboardInterrupt:
        sys.exit("interrupted")
    finally:
        for p in reversed(CHILDREN):
            if isinstance(p, mp.Process):
                p.kill()
            elif p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
        tmpdir.cleanup()


if __name__ == "__main__":
    main()
