#!/usr/bin/env python3
"""What the operator console costs an enrollment (issue #13: "no noticeable cost").

Three estras on the same code, each with an [admin] listener: without the
console, with it on, and with it on while a logged-in operator reloads the
dashboard (24 h chart, pending count, upstream health) every second during the
load.  Each runs the same wrk load (keep-alive and new TLS connection per
request, runs interleaved, the least server CPU per request of each counts);
the figure is enrollments per second of server CPU relative to no console.

    python3 bench/console.py [--quick]

`--pages 10000,100000` instead times each console page (median of 5, in process,
no network) on a SQLite store seeded with that many enrollment records, 300 held
requests and one refused-attempt row per ten records (issue #20).

    python3 bench/console.py --pages 10000,100000
"""

from __future__ import annotations

import argparse
import base64
import http.client
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (CHILDREN, WrkResult, _env, figure, make_csr, start_estra,
                     stop, wrk)

__all__ = ["report"]

USER, PASSWORD, OPERATOR, OPERATOR_PASSWORD = "bench", "secret", "ops", "bench-operator-pw"
TARGET = 0.95          # per-core cost within 5 %: below this machine's run-to-run noise


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _config(tmp: Path, name: str, console: bool) -> tuple[Path, int]:
    port = _free_port()
    path = tmp / f"{name}.toml"
    path.write_text(f'[admin]\nlisten = "tcp:{port}:interface=127.0.0.1"\n'
                    + ("[console]\ntls = false\n" if console else ""))
    return path, port


def _login(admin_port: int) -> str:
    """Log the operator in: the session cookie header."""
    conn = http.client.HTTPConnection("127.0.0.1", admin_port, timeout=10)
    conn.request("POST", "/console/login", urllib.parse.urlencode(
        {"user": OPERATOR, "password": OPERATOR_PASSWORD}),
        {"Content-Type": "application/x-www-form-urlencoded"})
    reply = conn.getresponse()
    reply.read()
    cookie = reply.getheader("Set-Cookie") or ""
    if reply.status not in (302, 303) or not cookie:
        sys.exit(f"console login failed: {reply.status}")
    return cookie.split(";", 1)[0]


class Browsing:
    """An operator reloading the dashboard every second until stopped."""

    def __init__(self, admin_port: int, cookie: str) -> None:
        self.pages, self.failed, self._stop = 0, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, args=(admin_port, cookie),
                                        daemon=True)

    def _run(self, admin_port: int, cookie: str) -> None:
        while not self._stop.wait(1.0):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", admin_port, timeout=10)
                conn.request("GET", "/console/", headers={"Cookie": cookie})
                reply = conn.getresponse()
                reply.read()
                conn.close()
                self.pages += 1
                self.failed += reply.status != 200
            except OSError:
                self.failed += 1

    def __enter__(self) -> "Browsing":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(15)


def report(quick: bool = False) -> list[str]:
    """Console off / on / on with an operator browsing: per-core ratios."""
    seconds, repeat, cap = (2.0, 1, 4000) if quick else (6.0, 3, 40000)
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="estra-bench-console-") as name:
        tmp = Path(name)
        body = tmp / "csr.b64"
        body.write_bytes(make_csr())
        authorization = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        servers: dict[str, tuple[int, int]] = {}
        admin_ports: dict[str, int] = {}
        for label, console in (("off", False), ("on", True)):
            config, admin_ports[label] = _config(tmp, label, console)
            pid, port, state = start_estra(tmp, USER, PASSWORD, config, f"{label}-")
            servers[label] = (pid, port)
            if console:
                subprocess.run([sys.executable, "-m", "estra.cli", "--config", str(config),
                                "--state-dir", str(state), "operator", "add", OPERATOR,
                                "--role", "viewer", "--password-stdin"],
                               input=OPERATOR_PASSWORD + "\n", text=True, env=_env(),
                               check=True, capture_output=True)
        cookie = _login(admin_ports["on"])
        pages = failed = 0
        for mode, new_conn in (("keep-alive", False), ("new-conn", True)):
            runs: dict[str, list[WrkResult]] = {"off": [], "on": [], "browsing": []}
            for _ in range(repeat):
                for label in runs:
                    pid, port = servers["off" if label == "off" else "on"]
                    if label == "browsing":
                        with Browsing(admin_ports["on"], cookie) as browsing:
                            runs[label].append(wrk(port, pid, body, authorization, new_conn,
                                                   seconds, cap))
                        pages, failed = pages + browsing.pages, failed + browsing.failed
                    else:
                        runs[label].append(wrk(port, pid, body, authorization, new_conn,
                                               seconds, cap))
            best = {k: min(v, key=lambda r: (bool(r.status_errors or r.socket_errors),
                                             r.cpu_ms)) for k, v in runs.items()}
            lines.append(best["off"].line(f"console off, {mode}"))
            for label in ("on", "browsing"):
                lines.append(best[label].line(f"console {label}, {mode}"))
                lines.append(figure(f"console {label}/off {mode}, per core",
                                    best["off"].cpu_ms / best[label].cpu_ms, "x", TARGET))
        lines.append(f"dashboard pages served during the load: {pages} ({failed} failed)")
        for pid, _ in servers.values():
            for proc in [p for p in CHILDREN if p.pid == pid]:
                stop(proc)
    return lines


#: (what, path) of the pages `page_timings` times
PAGES = (("dashboard", "/console/"), ("pending", "/console/pending"),
         ("enrollments", "/console/enrollments"),
         ("enrollments by identity", "/console/enrollments?identity=basic:dev7"),
         ("enrollments, last page", "/console/enrollments?page=200"),
         ("attempts", "/console/attempts"),
         ("attempts by name", "/console/attempts?name=dev7"),
         ("attempts by rule and profile", "/console/attempts?rule=auth&label=default"),
         ("audit", "/console/audit"))


def _seed(path: Path, records: int) -> None:
    """A migrated SQLite store with `records` enrollments (5 % rejected, 5 % held, of
    records/10 identities), 300 held requests and records/10 attempt rows."""
    import sqlite3
    import time

    from twisted.python.filepath import FilePath

    from estra.store import migrate_blocking, open_store
    migrate_blocking(open_store("", FilePath(str(path)), time.time))
    now, identities = time.time(), max(1, records // 10)
    conn = sqlite3.connect(path / "estra.db")
    conn.executemany(
        "INSERT INTO enrollments (at, identity, method, peer, label, operation, csr_sha256, "
        "key_sha256, subject, sans, decision, rule, reason, serial) VALUES "
        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        ((now - (records - i) * 0.5, f"basic:dev{i % identities}", "basic",
          f"10.0.{i % 250}.{i % 200}", "default", "simpleenroll", f"{i:064x}",
          f"{i % identities:064x}", f"CN=dev{i % identities}", "[]",
          ("issued", "rejected", "held")[min(2, (i % 20) // 18 * (1 + i % 2))],
          "issued", "", f"{i:016X}") for i in range(records)))
    conn.executemany(
        "INSERT INTO pending (at, label, operation, identity, key_sha256, subject, sans, "
        "csr, status) VALUES (?,?,?,?,?,?,?,?,?)",
        ((now, "default", "simpleenroll", f"basic:dev{i}", f"{i:064x}", f"CN=dev{i}", "[]",
          "", "pending") for i in range(300)))
    conn.executemany(
        "INSERT INTO attempts (hour, first_at, last_at, face, operation, label, rule, name, "
        "address, reason, count) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        ((int((now - i * 30) // 3600), now - i * 30, now - i * 30, "est", "simpleenroll",
          "default", ("auth", "bad-request", "san-dns")[i % 3], f"basic:dev{i}?",
          f"10.1.{i % 250}.{i // 250 % 250}", "wrong user name or password", 1 + i % 7)
         for i in range(records // 10)))
    conn.commit()
    conn.close()


def page_timings(records: int) -> list[str]:
    """Each console page's time (median of 5) on a store of `records` records."""
    import statistics
    import time

    from treq.testing import StubTreq
    from twisted.internet.defer import Deferred
    from twisted.python.filepath import FilePath

    from estra.auth import Htpasswd, hash_password
    from estra.console.operators import Roles
    from estra.console.resource import COOKIE, Console, token_hash
    from estra.store import SQLITE, Store

    class Pool:
        """adbapi's pool interface, synchronous, over one connection (no threads)."""

        def __init__(self, db: Path) -> None:
            import sqlite3
            self.conn = sqlite3.connect(db, check_same_thread=False)

        def runInteraction(self, fn: object, *args: object) -> Deferred[object]:
            from twisted.internet.defer import succeed
            result = fn(self.conn.cursor(), *args)  # type: ignore[operator]
            self.conn.commit()
            return succeed(result)

        def runQuery(self, sql: str, args: object = ()) -> Deferred[object]:
            from twisted.internet.defer import succeed
            return succeed(self.conn.execute(sql, args).fetchall())  # type: ignore[arg-type]

    with tempfile.TemporaryDirectory(prefix="estra-bench-pages-") as name:
        tmp = Path(name)
        started = time.perf_counter()
        _seed(tmp, records)
        seeded = time.perf_counter() - started
        store = Store(Pool(tmp / "estra.db"), SQLITE, time.time)  # type: ignore[arg-type]
        (tmp / "operators").write_text(f"ops:{hash_password('x', rounds=4)}\n")
        (tmp / "roles").write_text("ops:admin\n")
        console = Console(store, Htpasswd(FilePath(str(tmp / "operators")),
                                          None, None, time.time),  # type: ignore[arg-type]
                          Roles(FilePath(str(tmp / "roles")), {}), time.time, secure=False,
                          session_seconds=3600.0)
        Deferred.fromCoroutine(store.session_open(token_hash("t"), "operator:ops", "c",
                                                  "127.0.0.1", 3600.0))
        from twisted.web.resource import Resource
        root = Resource()
        root.putChild(b"console", console)
        http = StubTreq(root)
        lines = [f"{records} records seeded in {seeded:.1f} s (SQLite)"]
        for what, path in PAGES:
            took, codes = [], set()
            for _ in range(5):
                begun = time.perf_counter()
                got: list[object] = []
                http.get(f"http://ra.test{path}", headers={  # type: ignore[attr-defined]
                    "Cookie": f"{COOKIE.decode()}=t"}).addBoth(got.append)
                http.flush()
                codes.add(str(getattr(got[0], "code", got[0]))[:80])
                took.append(time.perf_counter() - begun)
            lines.append(f"  {what:32} {1000 * statistics.median(took):8.1f} ms  "
                         f"{' '.join(sorted(codes))}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="short runs (smoke test)")
    ap.add_argument("--pages", default="", help="time the console pages at these "
                    "record counts (comma-separated) instead")
    args = ap.parse_args()
    if args.pages:
        for records in args.pages.split(","):
            print(*page_timings(int(records)), sep="\n")
        return
    print(*report(args.quick), sep="\n")


if __name__ == "__main__":
    main()
