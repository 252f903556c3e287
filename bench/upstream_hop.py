#!/usr/bin/env python3
"""The client-side cost of one pooled upstream hop (`UpstreamHTTP.request`), in process.

A twisted.web Site on 127.0.0.1 answers a cfssl-like POST; one UpstreamHTTP sends
`--requests` of them over one keep-alive connection.  CPU per request (client and
server in one process) is the steady figure on a shared machine; wall time is
printed too.  With --before DIR the same loop runs with that source tree's estra
(e.g. main's), alternating runs, so both see the same noise.  Bounded: `--runs`
runs of `--requests` requests, only 127.0.0.1.

    python3 bench/upstream_hop.py [--before DIR] [--runs 4] [--requests 4000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


async def _loop(reactor: Any, n: int) -> tuple[float, float]:
    from twisted.internet.endpoints import TCP4ServerEndpoint
    from twisted.web.resource import Resource
    from twisted.web.server import Request, Site

    from estra.upstream.http import ClientTLSPolicy, UpstreamHTTP

    class Sign(Resource):
        isLeaf = True

        def render(self, request: Request) -> bytes:
            assert request.content is not None
            request.content.read()
            return b'{"success": true, "result": {"certificate": "x"}}'

    port = await TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1").listen(Site(Sign()))
    http = UpstreamHTTP(reactor, "cfssl", "bench", ClientTLSPolicy(None))
    url = f"http://127.0.0.1:{port.getHost().port}/api/v1/cfssl/sign"
    body = {"certificate_request": "x" * 600, "profile": "device"}
    for _ in range(200):                                   # warm-up
        await http.request("POST", url, json=body)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        await http.request("POST", url, json=body)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    await http.close()
    await port.stopListening()
    return wall / n, cpu / n


def child(n: int) -> None:
    """One run in this process: print "wall_s cpu_s" per request."""
    from twisted.internet import reactor
    from twisted.internet.defer import Deferred
    from twisted.logger import ILogObserver, LogEvent, globalLogBeginner
    from zope.interface import provider

    @provider(ILogObserver)
    def quiet(event: LogEvent) -> None:
        pass
    globalLogBeginner.beginLoggingTo([quiet], redirectStandardIO=False)
    result: list[tuple[float, float]] = []

    def run() -> None:
        d = Deferred.fromCoroutine(_loop(reactor, n))
        d.addCallback(result.append).addBoth(lambda _: reactor.stop())
    reactor.callWhenRunning(run)
    reactor.run()
    print(*result[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", type=Path, help="also run this source tree's estra")
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.requests)
        return
    trees = {"after": REPO, **({"before": args.before.resolve()} if args.before else {})}
    got: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
    for _ in range(max(1, min(args.runs, 20))):
        for name, tree in trees.items():
            out = subprocess.run([sys.executable, __file__, "--child", "--requests",
                                  str(min(args.requests, 20000))], capture_output=True,
                                 text=True, timeout=300, check=True,
                                 env=dict(os.environ, PYTHONPATH=str(tree)))
            wall, cpu = map(float, out.stdout.split())
            got[name].append((wall, cpu))
    for name, runs in got.items():
        print(f"{name}: CPU {statistics.median(c for _, c in runs) * 1e6:.0f} us/request, "
              f"wall {statistics.median(w for w, _ in runs) * 1e6:.0f} us/request "
              f"(median of {len(runs)} runs)")
    if args.before:
        diff = [a[1] - b[1] for a, b in zip(got["after"], got["before"], strict=True)]
        print(f"after - before: CPU {statistics.median(diff) * 1e6:+.0f} us/request "
              "(median of the paired runs)")


if __name__ == "__main__":
    main()
