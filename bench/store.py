#!/usr/bin/env python3
"""The store's write path alone: `Store.record` as one enrollment sees it.

Sequential records (each waits for its commit: the latency a lone enrollment
pays for the store, fsync included) and 16 concurrent callers (group commit),
each round repeated: p50 latency, CPU per record of this process (reactor and
writer thread), records per second.  SQLite in a new temporary directory by
default (synchronous=FULL, as estra runs), or `--url postgresql://...` (a
database estra may create its tables in).

    PYTHONPATH=. python3 bench/store.py [--url URL] [--rounds N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from twisted.internet import task
from twisted.internet.defer import Deferred, gatherResults
from twisted.python.filepath import FilePath

from estra.store.database import EnrollmentRecord, Store, open_store


def record(n: int) -> EnrollmentRecord:
    return EnrollmentRecord(at=time.time(), identity=f"basic:dev{n}", method="basic",
                            peer="127.0.0.1", label="default", operation="simpleenroll",
                            csr_sha256="00" * 32, key_sha256="11" * 32, subject=f"CN=dev{n}",
                            sans=["DNSName:dev.example"], decision="issued", rule="issued",
                            reason="", serial=f"{n:04X}", not_after=time.time() + 86400,
                            certificate="MII" + "A" * 600)


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def sequential(store: Store, count: int) -> tuple[float, float]:
    """p50 ms per record and CPU ms per record, one record at a time."""
    latencies, cpu0 = [], cpu()
    for n in range(count):
        t0 = time.perf_counter()
        await store.record(record(n))
        latencies.append(time.perf_counter() - t0)
    return statistics.median(latencies) * 1000, (cpu() - cpu0) / count * 1000


async def concurrent(store: Store, count: int, callers: int = 16) -> tuple[float, float]:
    """CPU ms per record and records per second, `callers` at a time."""
    async def caller() -> None:
        for n in range(count // callers):
            await store.record(record(n))
    cpu0, t0 = cpu(), time.perf_counter()
    await gatherResults([Deferred.fromCoroutine(caller()) for _ in range(callers)])
    return (cpu() - cpu0) / count * 1000, count / (time.perf_counter() - t0)


async def main(reactor: Any, url: str, rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="estra-bench-store-") as tmp:
        store = open_store(url, FilePath(tmp), time.time)
        store.startService()
        try:
            await store.migrate()
            await sequential(store, 50)                    # warm-up
            for i in range(rounds):
                p50, seq_cpu = await sequential(store, 300)
                conc_cpu, rate = await concurrent(store, 2000)
                print(f"round {i + 1}: lone record p50 {p50:.3f} ms, CPU {seq_cpu:.3f} ms/record;"
                      f" 16 callers CPU {conc_cpu:.3f} ms/record, {rate:.0f} records/s",
                      flush=True)
        finally:
            store.stopService()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="", help="store URL (default: SQLite in a temp dir)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    task.react(lambda reactor: Deferred.fromCoroutine(main(reactor, args.url, args.rounds)))
