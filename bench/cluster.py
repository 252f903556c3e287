#!/usr/bin/env python3
"""Scale-out figures: estra nodes on one PostgreSQL behind haproxy (PROXY protocol v2).

1. simpleenroll through haproxy with one node (the other in maintenance) and with two,
   driven by wrk (keep-alive, 16 connections, the same CSR); each node's rate and CPU
   per enrollment (from its /metrics and /proc), and the CPU haproxy and wrk took.  On a
   machine where the load generator and haproxy share the nodes' cores, two nodes cannot
   reach twice one node's rate; the per-enrollment CPU shows whether the nodes slow each
   other down (the shared store) or just share the cores.
2. node A SIGKILLed halfway through a bounded load of Python clients (new CSR each):
   every 200's serial in the store exactly once (tests/test_cluster.py asserts the same).
3. one node straight (no haproxy) on SQLite and on PostgreSQL (loopback): the cost of
   the shared store, PostgreSQL's own backend CPU included.

    python3 bench/cluster.py [--quick]      # about 60 s (--quick: about 20 s)

Needs haproxy, wrk, PostgreSQL on 127.0.0.1:5432 (trust) and psycopg; only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import base64
import re
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
import urllib.request
from pathlib import Path
from functools import partial
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from enroll import cpu_seconds, make_csr  # noqa: E402  (bench/enroll.py)

from tests.cluster import (Haproxy, Load, csrs, issued_serials,  # noqa: E402
                           start_node, wait_for, admin_port)
from tests.conftest import PASSWORD, Server, fresh_database  # noqa: E402

WRK = "/usr/bin/wrk"
CONNECTIONS = 16
ENROLLED = re.compile(r'^estra_requests_total\{(?=[^}]*operation="simpleenroll")'
                      r'(?=[^}]*status="200")[^}]*\} (\S+)$', re.M)


def cpu(pid: int) -> float:
    """cpu_seconds, 0 for a process that has just ended."""
    try:
        return cpu_seconds(pid)
    except FileNotFoundError:
        return 0.0


def enrolled(node: Server) -> float:
    """simpleenroll 200s the node has answered, from its /metrics."""
    url = f"http://127.0.0.1:{admin_port(node)}/metrics"
    with urllib.request.urlopen(url, timeout=10) as page:
        return sum(float(v) for v in ENROLLED.findall(page.read().decode()))


def wrk(port: int, seconds: float, tmp: Path) -> tuple[int, int, float]:
    """wrk POSTing one CSR to 127.0.0.1:`port` for `seconds`: (requests, non-2xx and
    socket errors, wrk's own CPU seconds)."""
    script = tmp / "enroll.lua"
    auth = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    script.write_text(f'wrk.method = "POST"\nwrk.body = "{make_csr().decode()}"\n'
                      'wrk.headers["Content-Type"] = "application/pkcs10"\n'
                      f'wrk.headers["Authorization"] = "Basic {auth}"\n')
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([WRK, "-t1", f"-c{CONNECTIONS}", f"-d{seconds:.0f}s", "-s", str(script),
                          f"https://127.0.0.1:{port}/.well-known/est/simpleenroll"],
                         capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = re.search(r"(\d+) requests in", out)
    assert total, out
    bad = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|connect|read|write|"
                                         r"timeout):? (\d+)", out))
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return int(total.group(1)), bad, cpu


def measure(nodes: list[Server], run: Callable[[], tuple[int, int, float]],
            others: Callable[[], list[int]] = list) -> dict:
    """Run the load once: overall rate, per node rate and CPU ms per enrollment, and the
    CPU of the processes `others()` lists (before and after: new ones count whole)."""
    counts = [enrolled(n) for n in nodes]
    cpus = [cpu_seconds(n.proc.pid) for n in nodes]
    other0 = {p: cpu(p) for p in others()}
    t0 = time.monotonic()
    requests, bad, load_cpu = run()
    wall = time.monotonic() - t0
    done = [enrolled(n) - c for n, c in zip(nodes, counts, strict=True)]
    used = [cpu_seconds(n.proc.pid) - c for n, c in zip(nodes, cpus, strict=True)]
    return {"rate": requests / wall, "bad": bad, "wall": wall,
            "rates": [d / wall for d in done],
            "ms": [1000 * u / d if d else float("nan") for u, d in zip(used, done, strict=True)],
            "busy": [u / wall for u in used],
            "others": sum(cpu(p) - other0.get(p, 0) for p in others()) / wall,
            "load": load_cpu / wall}


def line(name: str, value: str, ratio: float | None = None, target: float | None = None,
         below: bool = False) -> str:
    """`name: value  (ratio/target: met|NOT met)`; `below`: the ratio must not exceed it."""
    if ratio is None or target is None:
        return f"{name}: {value}"
    met = ratio <= target if below else ratio >= target
    return (f"{name}: {value}  ({ratio:.2f}/{'<=' if below else '>='}{target}: "
            f"{'met' if met else 'NOT met'})")


def nodes_line(label: str, m: dict) -> str:
    per = ", ".join(f"{chr(65 + i)} {r:.0f}/s {ms:.2f} ms CPU/enroll ({100 * b:.0f}% core)"
                    for i, (r, ms, b)
                    in enumerate(zip(m["rates"], m["ms"], m["busy"], strict=True)))
    return (f"  {label}: {per}; haproxy {100 * m['others']:.0f}%, wrk {100 * m['load']:.0f}%"
            f" of a core; errors {m['bad']}")


def scale_out(tmp: Path, url: str, seconds: float, requests: int) -> list[str]:
    config = f'[store]\nurl = "{url}"\n'
    with ExitStack() as stack:
        a = start_node(tmp / "a", config)
        stack.callback(a.stop)
        b = start_node(tmp / "b", config, like=a)
        stack.callback(b.stop)
        proxy = Haproxy(tmp, [a, b])
        stack.callback(proxy.stop)
        Load(proxy.front, a.ca, csrs(4, "warm"), 4, 30).start().join()   # bcrypt cache
        run = lambda: wrk(proxy.front, seconds, tmp)   # noqa: E731
        proxy.command("disable server estra/estra2")
        wait_for(lambda: proxy.states().get("estra2") == "MAINT", "estra2 in maintenance")
        one = measure([a], run, lambda: [proxy.proc.pid])
        proxy.command("enable server estra/estra2")
        wait_for(lambda: proxy.states().get("estra2") == "UP", "estra2 up")
        two = measure([a, b], run, lambda: [proxy.proc.pid])
        out = [
            line("1 node via haproxy (wrk keep-alive c=16)",
                 f"{one['rate']:.0f} enroll/s; its CPU allows {1000 / one['ms'][0]:.0f}/s"),
            nodes_line("1 node", one),
            line("2 nodes via haproxy (same load)", f"{two['rate']:.0f} enroll/s",
                 two["rate"] / one["rate"], 1.8),
            nodes_line("2 nodes", two),
            line("2 nodes, CPU per enrollment vs 1 node (the store shared, not the cost)",
                 f"{sum(two['ms']) / 2:.2f} vs {one['ms'][0]:.2f} ms",
                 sum(two["ms"]) / 2 / one["ms"][0], 1.2, below=True),
            line("2 nodes, what their CPU allows (a core each: sum of 1/CPU per enroll)",
                 f"{sum(1000 / ms for ms in two['ms']):.0f} enroll/s")]
        return out + kill_check(url, a, b, proxy, requests)


def kill_check(url: str, a: Server, b: Server, proxy: Haproxy, requests: int) -> list[str]:
    """Node A SIGKILLed halfway through `requests` enrollments (8 Python clients)."""
    before = issued_serials(url)
    load = Load(proxy.front, a.ca, csrs(requests, "kill"), 8, 60).start()
    wait_for(lambda: load.answered >= requests // 2 or load.sent == requests, "half the load")
    a.proc.kill()
    load.join()
    stored = issued_serials(url) - before
    seen = [serial for _, serial in load.issued]
    once = len(set(seen)) == len(seen) and all(stored[s] == 1 for s in seen) \
        and max(stored.values(), default=1) == 1
    lost = sum(load.errors.values())
    unseen = len(set(stored) - set(seen))
    ok = once and unseen <= lost and not load.statuses and b.alive()
    return [f"node A SIGKILLed halfway through {requests} enrollments (8 Python clients): "
            f"{len(seen)} x 200, other statuses {dict(load.statuses)}, no answer {lost} "
            f"{dict(load.errors)}, {load.wall:.1f} s",
            f"  store: {sum(stored.values())} issued records; every 200 exactly once, "
            f"{unseen} recorded but never answered (<= no answer {lost}): "
            f"{'met' if ok else 'NOT met'}"]


def backends(url: str) -> list[int]:
    """PIDs of the PostgreSQL backends serving database `url`."""
    import psycopg
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url, connect_timeout=5) as db:
        rows = db.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s "
                          "AND pid <> pg_backend_pid()", (name,)).fetchall()
    return [int(r[0]) for r in rows]


def store_cost(tmp: Path, url: str, seconds: float) -> list[str]:
    """One node straight, SQLite then PostgreSQL."""
    direct = "tcp:0:interface=127.0.0.1"
    figures = {}
    for kind, config in (("SQLite", ""), ("PostgreSQL", f'[store]\nurl = "{url}"\n')):
        node = start_node(tmp / kind, config, listen=direct)
        try:
            Load(node.port, node.ca, csrs(2, "warm"), 2, 30).start().join()   # bcrypt
            pids = (lambda: backends(url)) if kind == "PostgreSQL" else list
            figures[kind] = measure([node], partial(wrk, node.port, seconds, tmp), pids)
        finally:
            node.stop()
    sq, pg = figures["SQLite"], figures["PostgreSQL"]
    pg_ms = 1000 * pg["others"] / pg["rate"]          # the backends' CPU per enrollment
    return [line("1 node straight, SQLite store (wrk keep-alive c=16)",
                 f"{sq['rate']:.0f} enroll/s, {sq['ms'][0]:.2f} ms CPU/enroll "
                 f"({100 * sq['busy'][0]:.0f}% core), errors {sq['bad']}"),
            line("1 node straight, PostgreSQL store (loopback)",
                 f"{pg['rate']:.0f} enroll/s, {pg['ms'][0]:.2f} ms CPU/enroll "
                 f"({100 * pg['busy'][0]:.0f}% core) + PostgreSQL {pg_ms:.2f} ms, errors "
                 f"{pg['bad']}", pg["rate"] / sq["rate"], 0.8)]


def report(quick: bool = False) -> list[str]:
    """The scale-out figures, one printed line each."""
    seconds, requests = (2, 200) if quick else (8, 600)
    with tempfile.TemporaryDirectory(prefix="estra-cluster-") as name, \
            fresh_database() as url:
        tmp = Path(name)
        out = scale_out(tmp, url, seconds, requests)
        return out + store_cost(tmp, url, seconds)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="short runs (about 20 s)")
    for text in report(ap.parse_args().quick):
        print(text, flush=True)


if __name__ == "__main__":
    main()
