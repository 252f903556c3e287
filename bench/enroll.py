#!/usr/bin/env python3
"""Issue #12's figures in one run: estra's simpleenroll against a bare Twisted baseline.

Load: wrk (one thread, 16 connections, bench/enroll.lua) POSTs the same P-256
CSR with HTTP Basic, pinned to the second CPU; the server under test runs on
the first.  Scenarios, each run --repeat times (baseline and estra in turn),
each run bounded in time (--seconds) and requests (--requests); of the runs,
the one with the least server CPU per request counts (the least disturbed by
whatever else shares the machine).  The target is per core: enrollments per
second of server CPU, estra against the baseline:

* new-conn: `Connection: close`, a full TLS handshake per enrollment (wrk does
  not resume sessions); keep-alive: one TLS connection per wrk connection.
* baseline: bench/baseline_server.py (bare twisted.web, same crypto work, same
  server certificate and CA files, same TLS settings) against estra on its
  embedded defaults (SQLite store), then estra on PostgreSQL (a throwaway
  database on 127.0.0.1:5432, dropped afterwards).
* TLS resumption: estra's server CPU per resumed handshake against a full one
  (Python ssl with `session=`), checking the session really was resumed.

Every figure is printed as `name: value unit  (target: met|NOT met)`; then the
parts other modules own (bench/workers.py, upstream.py, memory.py, cluster.py)
print theirs via their `report(quick)`.  Needs wrk, openssl-capable Python,
and PostgreSQL for that part (skipped with a note when it is not reachable).

    python3 bench/enroll.py            # about four minutes, plus the parts
    python3 bench/enroll.py --quick    # a few seconds per scenario
"""

from __future__ import annotations

import argparse
import base64
import importlib
import os
import socket
import ssl
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterable

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from harness import (CHILDREN, CLIENT_CPUS, CPUS, REPO, WrkResult,  # noqa: E402
                     cpu_seconds, figure, make_csr, spawn, start_baseline, start_estra,
                     stop, wrk)

# What the part modules import from here (bench/harness.py holds them).
__all__ = ["make_csr", "cpu_seconds", "spawn", "start_estra", "CHILDREN", "CPUS", "REPO",
           "main"]

TARGET = 0.85
PARTS = ("workers", "upstream", "memory", "cluster", "console")
PG = "postgresql://postgres@127.0.0.1:5432/"


def handshake_cost(port: int, pid: int, cafile: str, count: int, seconds: float
                   ) -> tuple[float, float, int]:
    """Server CPU ms per full and per resumed TLS handshake (Python ssl client,
    handshake then close), and how many of the resumed ones really resumed."""
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = False

    def connect(session: ssl.SSLSession | None = None) -> ssl.SSLSocket:
        sock = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10),
                               session=session)
        return sock

    with connect() as first:          # TLS 1.3 sends its ticket after the handshake
        first.sendall(b"GET /.well-known/est/cacerts HTTP/1.1\r\nHost: x\r\n"
                      b"Connection: close\r\n\r\n")
        while first.recv(65536):
            pass
        session = first.session

    def loop(resume: bool) -> tuple[float, int]:
        cpu0, deadline, done, resumed = cpu_seconds(pid), time.monotonic() + seconds, 0, 0
        while done < count and time.monotonic() < deadline:
            with connect(session if resume else None) as sock:
                resumed += bool(sock.session_reused)
            done += 1
        time.sleep(0.05)              # let the server finish reading the last one
        return 1000 * (cpu_seconds(pid) - cpu0) / max(done, 1), resumed if resume else done
    full, _ = loop(False)
    again, resumed = loop(True)
    return full, again, resumed


def pg_database(action: str, name: str) -> str | None:
    """CREATE or DROP a database on the loopback PostgreSQL; None when it is not there."""
    try:
        import psycopg
        with psycopg.connect(PG + "postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"{action} DATABASE {'IF EXISTS ' if action == 'DROP' else ''}"
                         f"{name}")
    except Exception as e:  # noqa: BLE001 - reported, the rest of the bench goes on
        return f"{type(e).__name__}: {e}".strip()
    return None


def best(runs: Iterable[WrkResult]) -> WrkResult:
    """Of repeated runs, the one with the least server CPU per request: on a
    machine shared with other work, the run the others disturbed least."""
    return min(runs, key=lambda r: (bool(r.status_errors or r.socket_errors), r.cpu_ms))


def ratio_lines(label: str, estra: WrkResult, base: WrkResult, target: float | None
                ) -> list[str]:
    """estra's figures and its ratios to the baseline: per core (enrollments per
    second of server CPU, the target: robust when other work shares the core)
    and raw throughput (equal to it when both servers kept their core busy)."""
    ok = estra.requests and not estra.status_errors and not estra.socket_errors
    return [estra.line(f"estra {label}"),
            figure(f"estra/baseline {label}, per core", base.cpu_ms / estra.cpu_ms
                   if ok else 0.0, "x", target),
            figure(f"estra/baseline {label}, throughput", estra.rps / base.rps
                   if ok and base.rps else 0.0, "x")]


def part_reports(quick: bool) -> list[str]:
    """The report lines of every part module present in bench/."""
    lines = []
    for name in PARTS:
        lines.append(f"--- bench/{name}.py")
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            lines.append("(part not present)")
            continue
        lines.extend(module.report(quick=quick))
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="short scenarios (smoke test)")
    ap.add_argument("--seconds", type=float, help="time cap per scenario (default 10, quick 2)")
    ap.add_argument("--requests", type=int, help="request cap per scenario (default 40000)")
    ap.add_argument("--repeat", type=int, help="runs per scenario, the least CPU per "
                    "request counts (default 3, quick 1)")
    ap.add_argument("--no-parts", action="store_true", help="only this module's figures")
    ap.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL store")
    args = ap.parse_args()
    seconds = args.seconds or (2.0 if args.quick else 8.0)
    repeat = args.repeat or (1 if args.quick else 3)
    max_requests = args.requests or (4000 if args.quick else 40000)
    user, password = "bench", "secret"
    authorization = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    if CLIENT_CPUS:
        os.sched_setaffinity(0, CLIENT_CPUS)      # our own Python clients stay off CPU 0
    tmpdir = tempfile.TemporaryDirectory(prefix="estra-bench-")
    tmp = Path(tmpdir.name)
    body = tmp / "csr.b64"
    body.write_bytes(make_csr())
    out: list[str] = [f"(servers on CPU {CPUS[0]}, wrk and clients on "
                      f"{','.join(map(str, sorted(CLIENT_CPUS or CPUS)))}; {seconds:g} s or "
                      f"{max_requests} requests per run, best of {repeat} runs, 16 "
                      "connections)"]

    def show(*lines: str) -> None:
        out.extend(lines)
        print(*lines, sep="\n", flush=True)

    def load(port: int, pid: int, new_conn: bool) -> WrkResult:
        return wrk(port, pid, body, authorization, new_conn, seconds, max_requests)

    try:
        estra_pid, estra_port, state = start_estra(tmp, user, password)
        base_proc, base_port = start_baseline(tmp, state, user, password)
        base: dict[str, WrkResult] = {}
        for mode, new_conn in (("new-conn", True), ("keep-alive", False)):
            if mode == "new-conn":                            # warm both up
                load(base_port, base_proc.pid, new_conn)
                load(estra_port, estra_pid, new_conn)
            runs = [(load(base_port, base_proc.pid, new_conn),
                     load(estra_port, estra_pid, new_conn)) for _ in range(repeat)]
            base[mode] = best(b for b, _ in runs)
            show(base[mode].line(f"baseline {mode}"),
                 *ratio_lines(f"{mode} (SQLite)", best(e for _, e in runs), base[mode],
                              TARGET))
        stop(base_proc)

        full, resumed, reused = handshake_cost(estra_port, estra_pid, str(state / "ca.pem"),
                                               200 if args.quick else 1000, seconds)
        show(figure("TLS full handshake, estra server CPU", full, "ms"),
             figure("TLS resumed handshake, estra server CPU", resumed, "ms"),
             figure("resumed/full handshake CPU", resumed / full if full else 0.0, "x"),
             f"resumed handshakes that really resumed: {reused}"
             f"  ({'met' if reused else 'NOT met'}: session tickets on)")

        if args.no_postgres:
            show("PostgreSQL store: skipped (--no-postgres)")
        else:
            db = f"estra_bench_{os.getpid()}"
            if (err := pg_database("CREATE", db)) is not None:
                show(f"PostgreSQL store: not measured ({err})")
            else:
                try:
                    config = tmp / "pg.toml"
                    config.write_text(f'[store]\nurl = "{PG}{db}"\n')
                    pg_pid, pg_port, _ = start_estra(tmp, user, password, config, "pg-")
                    load(pg_port, pg_pid, True)                      # warm up
                    for mode, new_conn in (("new-conn", True), ("keep-alive", False)):
                        show(*ratio_lines(f"{mode} (PostgreSQL)", best(
                            load(pg_port, pg_pid, new_conn) for _ in range(repeat)),
                            base[mode], TARGET))
                finally:
                    for proc in [p for p in CHILDREN if p.pid == locals().get("pg_pid")]:
                        stop(proc)
                    pg_database("DROP", db)
        if not args.no_parts:
            show(*part_reports(args.quick))
    except KeyboardInterrupt:
        sys.exit("interrupted")
    finally:
        for proc in list(CHILDREN):
            stop(proc)
        tmpdir.cleanup()


if __name__ == "__main__":
    main()
