#!/usr/bin/env python3
"""What the operator console costs an enrollment (issue #13: "no noticeable cost").

Three estras on the same code, each with an [admin] listener: without the
console, with it on, and with it on while a logged-in operator clicks through the
console during the load (`BROWSE`: dashboard, pending, a device search, a record
and its device, filtered and sorted lists; a page every `CLICK` seconds).  Each
runs the same wrk load (keep-alive and new TLS connection per request, runs
interleaved, the least server CPU per request of each counts); the figure is
enrollments per second of server CPU relative to no console.

    python3 bench/console.py [--quick]
    python3 bench/console.py --page-cpu     # the server CPU of each page browsed

`--pages 10000,100000` instead times each console page (median of 5, in process,
no network) on a store seeded by bulk SQL with that many enrollment records,
600 held requests and one refused-attempt row and audit event per ten records
(issue #20): SQLite, or PostgreSQL with `--postgres URL` (a database made and
dropped here).

    python3 bench/console.py --pages 10000,100000,1000000
    python3 bench/console.py --pages 1000000 --postgres postgresql://postgres@127.0.0.1:5432
"""

from __future__ import annotations

import argparse
import base64
import http.client
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (CHILDREN, WrkResult, _env, cpu_seconds, figure, make_csr,
                     start_estra, stop, wrk)

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


def _load(tmp: Path) -> tuple[Path, str]:
    """The enrollment wrk sends (a CSR file) and its Authorization header."""
    body = tmp / "csr.b64"
    body.write_bytes(make_csr())
    return body, "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


def _estra(tmp: Path, label: str, console: bool) -> tuple[int, int, int]:
    """An estra (with the console and its operator when `console`): pid, EST port and
    admin port."""
    config, admin = _config(tmp, label, console)
    pid, port, state = start_estra(tmp, USER, PASSWORD, config, f"{label}-")
    if console:
        subprocess.run([sys.executable, "-m", "estra.cli", "--config", str(config),
                        "--state-dir", str(state), "operator", "add", OPERATOR, "--role",
                        "viewer", "--password-stdin"], input=OPERATOR_PASSWORD + "\n",
                       text=True, env=_env(), check=True, capture_output=True)
    return pid, port, admin


def _get(admin_port: int, path: str, cookie: str) -> int:
    """GET a console page on a new connection, as the logged-in operator: its status."""
    conn = http.client.HTTPConnection("127.0.0.1", admin_port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie})
    reply = conn.getresponse()
    reply.read()
    conn.close()
    return reply.status


#: what the browsing operator clicks through, in a loop: the dashboard, the pending
#: list, a device search, a record and its device, lists with filters and a sort
BROWSE = ("/console/", "/console/pending", "/console/devices?q=bench",
          "/console/enrollments/1", "/console/devices/1",
          "/console/enrollments?decision=issued", "/console/attempts?rule=auth",
          "/console/enrollments?identity=basic%3Abench&sort=identity&dir=asc",
          "/console/audit?kind=console-login", "/console/pending?view=processed")
CLICK = 0.5            # seconds between an operator's clicks: busy, not a script


class Browsing:
    """A logged-in operator clicking through `BROWSE`, one page every `CLICK` seconds
    (a new connection each, as a browser's idle one times out), until stopped."""

    def __init__(self, admin_port: int, cookie: str, most: int = 10_000) -> None:
        self.pages, self.failed, self._stop = 0, 0, threading.Event()
        self.slowest = 0.0
        self._thread = threading.Thread(target=self._run, args=(admin_port, cookie, most),
                                        daemon=True)

    def _run(self, admin_port: int, cookie: str, most: int) -> None:
        for n in range(most):
            if self._stop.wait(CLICK):
                return
            begun = time.monotonic()
            try:
                self.failed += _get(admin_port, BROWSE[n % len(BROWSE)], cookie) != 200
                self.pages += 1
            except OSError:
                self.failed += 1
            self.slowest = max(self.slowest, time.monotonic() - begun)

    def __enter__(self) -> "Browsing":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(15)


def page_cpu(loads: int = 6, each: int = 20) -> list[str]:
    """The server CPU each `BROWSE` page costs (mean of `each`), on an estra whose
    store `loads` keep-alive wrk runs filled: what the browsing operator adds."""
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="estra-bench-console-") as name:
        tmp = Path(name)
        body, authorization = _load(tmp)
        pid, port, admin = _estra(tmp, "on", True)
        done = sum(wrk(port, pid, body, authorization, False, 6.0, 40000).requests
                   for _ in range(loads))
        lines.append(f"{done} records written, then each page {each} times:")
        cookie = _login(admin)
        for path in BROWSE:
            cpu = cpu_seconds(pid)
            for _ in range(each):
                if (status := _get(admin, path, cookie)) != 200:
                    sys.exit(f"{path}: {status}")
            lines.append(f"  {path:66} {1000 * (cpu_seconds(pid) - cpu) / each:6.1f} ms "
                         "server CPU")
        for proc in [p for p in CHILDREN if p.pid == pid]:
            stop(proc)
    return lines


def report(quick: bool = False) -> list[str]:
    """Console off / on / on with an operator browsing: per-core ratios."""
    seconds, repeat, cap = (2.0, 1, 4000) if quick else (6.0, 3, 40000)
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="estra-bench-console-") as name:
        tmp = Path(name)
        body, authorization = _load(tmp)
        servers: dict[str, tuple[int, int]] = {}
        admin_ports: dict[str, int] = {}
        for label, console in (("off", False), ("on", True)):
            pid, port, admin_ports[label] = _estra(tmp, label, console)
            servers[label] = (pid, port)
        cookie = _login(admin_ports["on"])
        pages = failed = 0
        slowest = 0.0
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
                        slowest = max(slowest, browsing.slowest)
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
        lines.append(f"console pages served during the load: {pages} ({failed} failed, "
                     f"slowest {1000 * slowest:.0f} ms), one every {CLICK} s through "
                     f"{len(BROWSE)} pages")
        for pid, _ in servers.values():
            for proc in [p for p in CHILDREN if p.pid == pid]:
                stop(proc)
    return lines


#: (what, path) of the pages `page_timings` times ({mid}: a cursor half-way down,
#: {record}: a record half-way down)
PAGES = (("dashboard", "/console/"), ("pending", "/console/pending"),
         ("pending, processed", "/console/pending?view=processed"),
         ("enrollments", "/console/enrollments"),
         ("enrollments, half-way down", "/console/enrollments?after={mid}"),
         ("enrollments by identity", "/console/enrollments?identity=basic%3Adev7"),
         ("enrollments rejected", "/console/enrollments?decision=rejected"),
         ("enrollments by identity, sorted", "/console/enrollments?sort=identity&dir=asc"),
         ("enrollments by profile, sorted", "/console/enrollments?sort=profile"),
         ("attempts", "/console/attempts"),
         ("attempts by name", "/console/attempts?name=dev7"),
         ("attempts by rule and profile", "/console/attempts?rule=auth&label=default"),
         ("attempts by count", "/console/attempts?sort=count"),
         ("audit", "/console/audit"),
         ("audit by who", "/console/audit?identity=operator%3Aops"),
         ("device search by name", "/console/devices?q=dev7"),
         ("device search by serial", "/console/devices?q=00%3A00%3A00%3A00%3A00%3A00%3A00%3A07"),
         ("device view", "/console/devices/{record}"))

#: per dialect: (a series of n rows named i, a number as 16 hex digits, integer division)
_SERIES = {"sqlite": ("WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s "
                      "WHERE i < {last}) ", "FROM s", "printf('%016X', {x})",
                      "printf('%064x', {x})", "({x}) / {y}"),
           "postgresql": ("", "FROM generate_series(0, {last}) AS s(i)",
                          "lpad(upper(to_hex({x})), 16, '0')",
                          "lpad(to_hex({x}), 64, '0')", "({x}) / {y}")}


def _seed(cursor: object, dialect: str, records: int, now: float) -> None:
    """Bulk SQL (never the RA): `records` enrollments (5 % rejected, 5 % held) of
    records/10 devices, their counts per hour (enrollment_hours) and each device's
    names (device_names), 300 held requests,
    records/10 attempt rows and records/10 audit events."""
    head, series, hex16, hex64, div = _SERIES[dialect]
    identities = max(1, records // 10)

    def run(sql: str, n: int) -> None:
        cursor.execute(sql.replace("{head}", head.format(last=n - 1))  # type: ignore[attr-defined]
                       .replace("{series}", series.format(last=n - 1)))
    mod = f"(i % {identities})"
    run("INSERT INTO enrollments (at, identity, method, peer, label, operation, csr_sha256, "
        "key_sha256, subject, sans, decision, rule, reason, serial) {head}SELECT "
        f"{now} - ({records} - i) * 0.5, 'basic:dev' || {mod}, 'basic', '10.0.' || (i % 250)"
        f" || '.' || (i % 200), 'default', 'simpleenroll', {hex64.format(x='i')}, "
        f"{hex64.format(x=mod)}, 'CN=dev' || {mod}, '[]', CASE WHEN i % 20 = 18 THEN "
        "'rejected' WHEN i % 20 = 19 THEN 'held' ELSE 'issued' END, 'issued', '', "
        f"{hex16.format(x='i')} {{series}}", records)
    hour = ("CAST(FLOOR(at / 3600) AS BIGINT)" if dialect == "postgresql"  # as the writer
            else "CAST(at / 3600 AS INTEGER)")
    cursor.execute("INSERT INTO enrollment_hours (hour, decision, shard, count) SELECT "  # type: ignore[attr-defined]
                   f"{hour}, decision, 0, COUNT(*) FROM enrollments GROUP BY {hour}, decision")
    cursor.execute("INSERT INTO device_names (name, enrollment) SELECT LOWER(identity), id "  # type: ignore[attr-defined]
                   "FROM enrollments UNION ALL SELECT 'dev' || "
                   "SUBSTR(identity, 10), id FROM enrollments")
    run("INSERT INTO pending (at, label, operation, identity, key_sha256, subject, sans, csr, "
        f"status) {{head}}SELECT {now}, 'default', 'simpleenroll', 'basic:dev' || i, "
        f"{hex64.format(x='i')}, 'CN=dev' || i, '[]', '', CASE WHEN i % 2 = 0 THEN "
        "'pending' ELSE 'rejected' END {series}", 600)
    run("INSERT INTO attempts (hour, first_at, last_at, face, operation, label, rule, name, "
        f"address, reason, count) {{head}}SELECT {div.format(x=f'{int(now)} - i * 30', y=3600)}, "
        f"{now} - i * 30, {now} - i * 30, 'est', 'simpleenroll', 'default', CASE i % 3 "
        "WHEN 0 THEN 'auth' WHEN 1 THEN 'bad-request' ELSE 'san-dns' END, 'basic:dev' || i "
        "|| '?', '10.1.' || (i % 250) || '.' || (i / 250 % 250), 'wrong user name or "
        "password', 1 + i % 7 {series}", max(1, records // 10))
    run("INSERT INTO audit (at, kind, identity, detail) {head}SELECT "
        f"{now} - i, CASE i % 2 WHEN 0 THEN 'console-login' ELSE 'console-approve' END, "
        "CASE i % 3 WHEN 0 THEN 'operator:ops' ELSE 'operator:ann' END, '{}' {series}",
        max(1, records // 10))


class _SyncPool:
    """adbapi's pool interface, synchronous, over one DB-API connection (no threads)."""

    def __init__(self, conn: object) -> None:
        self.conn = conn

    def runInteraction(self, fn: object, *args: object) -> object:
        from twisted.internet.defer import succeed
        result = fn(self.conn.cursor(), *args)  # type: ignore[attr-defined, operator]
        self.conn.commit()  # type: ignore[attr-defined]
        return succeed(result)

    def runQuery(self, sql: str, args: object = ()) -> object:
        from twisted.internet.defer import succeed
        cursor = self.conn.cursor()  # type: ignore[attr-defined]
        cursor.execute(sql, args)
        rows = cursor.fetchall()
        self.conn.commit()  # type: ignore[attr-defined]
        return succeed(rows)


def page_timings(records: int, url: str = "", keep: str = "") -> list[str]:
    """Each console page's time (median of 5) on a store of `records` records seeded
    by bulk SQL: SQLite, or the PostgreSQL server of `url` (a database made and
    dropped here); `keep`: a directory whose SQLite store is seeded once and used
    again (migrated first) by later runs."""
    import statistics
    import time

    from treq.testing import StubTreq
    from twisted.internet.defer import Deferred
    from twisted.python.filepath import FilePath
    from twisted.web.resource import Resource

    from estra.ra.auth import Htpasswd, hash_password
    from estra.console.operators import Roles
    from estra.console.resource import COOKIE, Console, token_hash
    from estra.store.database import POSTGRES, SQLITE, Store, migrate_blocking, open_store

    with tempfile.TemporaryDirectory(prefix="estra-bench-pages-") as name:
        tmp = Path(keep) / str(records) if keep and not url else Path(name)
        tmp.mkdir(parents=True, exist_ok=True)
        seeded_before = (tmp / "seeded").exists()
        started = time.perf_counter()
        database = ""
        if url:
            import psycopg
            database = f"estra_bench_{int(time.time())}_{records}"
            with psycopg.connect(f"{url}/postgres", autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {database}")
        try:
            migrate_blocking(open_store(f"{url}/{database}" if url else "",
                                        FilePath(str(tmp)), time.time))
            if url:
                conn: object = psycopg.connect(f"{url}/{database}")
            else:
                import sqlite3
                conn = sqlite3.connect(tmp / "estra.db", check_same_thread=False)
            now = time.time()
            if not seeded_before:
                _seed(conn.cursor(), "postgresql" if url else "sqlite", records, now)  # type: ignore[attr-defined]
                conn.commit()  # type: ignore[attr-defined]
                (tmp / "seeded").write_text(f"{now}\n")
            else:
                now = float((tmp / "seeded").read_text())
            if url:
                conn.cursor().execute("ANALYZE")  # type: ignore[attr-defined]
                conn.commit()  # type: ignore[attr-defined]
            seeded = time.perf_counter() - started
            store = Store(_SyncPool(conn), POSTGRES if url else SQLITE, time.time)  # type: ignore[arg-type]
            (tmp / "operators").write_text(f"ops:{hash_password('x', rounds=4)}\n")
            (tmp / "roles").write_text("ops:admin\n")
            passwords = Htpasswd(FilePath(str(tmp / "operators")),
                                 None, None, time.time)  # type: ignore[arg-type]
            console = Console(store, passwords,
                              Roles(FilePath(str(tmp / "roles")), {}), time.time,
                              secure=False, session_seconds=3600.0)
            session = secrets.token_urlsafe(16)     # a new one: a kept store's has ended
            Deferred.fromCoroutine(store.session_open(token_hash(session), "operator:ops",
                                                      "c", "127.0.0.1", 3600.0))
            root = Resource()
            root.putChild(b"console", console)
            http = StubTreq(root)
            half = records // 2
            mid = urllib.parse.quote(f"[{half}, {half}]")
            how = "kept from an earlier run" if seeded_before else "seeded"
            lines = [f"{records} records {how} in {seeded:.1f} s "
                     f"({'PostgreSQL' if url else 'SQLite'})"]
            for what, path in PAGES:
                took, codes = [], set()
                for _ in range(5):
                    begun = time.perf_counter()
                    got: list[object] = []
                    http.get(  # type: ignore[attr-defined]
                        f"http://ra.test{path.format(mid=mid, record=half)}", headers={
                        "Cookie": f"{COOKIE.decode()}={session}"},
                        allow_redirects=False).addBoth(got.append)   # login: 303
                    http.flush()
                    codes.add(str(getattr(got[0], "code", got[0]))[:80])
                    took.append(time.perf_counter() - begun)
                ms = 1000 * statistics.median(took)
                lines.append(f"  {what:34} {ms:8.1f} ms  {' '.join(sorted(codes))}"
                             f"{'' if ms < 300 else '  OVER 300 ms'}")
            conn.close()  # type: ignore[attr-defined]
        finally:
            if url:
                with psycopg.connect(f"{url}/postgres", autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="short runs (smoke test)")
    ap.add_argument("--pages", default="", help="time the console pages at these "
                    "record counts (comma-separated) instead")
    ap.add_argument("--postgres", default="", help="with --pages: a PostgreSQL server "
                    "URL (e.g. postgresql://postgres@127.0.0.1:5432) instead of SQLite")
    ap.add_argument("--keep", default="", help="with --pages on SQLite: seed the stores "
                    "in this directory once and use them again")
    ap.add_argument("--page-cpu", action="store_true", help="the server CPU each page "
                    "of the browsing operator costs instead")
    args = ap.parse_args()
    if args.page_cpu:
        print(*page_cpu(), sep="\n")
        return
    if args.pages:
        for records in args.pages.split(","):
            print(*page_timings(int(records), args.postgres, args.keep), sep="\n",
                  flush=True)
        return
    print(*report(args.quick), sep="\n")


if __name__ == "__main__":
    main()
