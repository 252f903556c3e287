#!/usr/bin/env python3
"""Server CPU per enrollment of this tree against another one (a before/after
figure on a shared, noisy machine): both servers run side by side and the load
alternates between them, --reps times; best and median of each are printed.

* enroll: one estra process each (bench/harness.py), wrk keep-alive and new-conn.
* workers: workers=1 and workers=2 each (bench/workers.py, new-conn), CPU summed
  over supervisor and workers; scaling = 2 x CPU(workers=1) / CPU(workers=2).

    git archive OLD | tar -x -C /tmp/old
    python3 bench/compare.py /tmp/old enroll --reps 5 --seconds 3
    python3 bench/compare.py /tmp/old workers --reps 5 --seconds 3
"""

from __future__ import annotations

import argparse
import base64
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent


def _module(tree: Path, name: str, alias: str) -> ModuleType:
    sys.path.insert(0, str(tree / "bench"))
    try:
        spec = importlib.util.spec_from_file_location(alias, tree / "bench" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.pop(0)


def _summary(runs: dict[Any, list[float]], key: Any) -> tuple[float, float]:
    return min(runs[key]), statistics.median(runs[key])


def enroll(trees: dict[str, Path], reps: int, seconds: float) -> None:
    hs = {k: _module(t, "harness", f"harness_{k}") for k, t in trees.items()}
    auth = "Basic " + base64.b64encode(b"bench:secret").decode()
    servers = {}
    try:
        for k, h in hs.items():
            tmp = Path(tempfile.mkdtemp(prefix=f"compare-{k}-"))
            pid, port, _ = h.start_estra(tmp, "bench", "secret")
            body = tmp / "csr.b64"
            body.write_bytes(h.make_csr())
            servers[k] = (h, pid, port, body)
        runs: dict[tuple[str, str], list[float]] = {}
        for h, pid, port, body in servers.values():
            h.wrk(port, pid, body, auth, True, 1, 100000)              # warm up
        for rep in range(reps):
            for mode in ("keep-alive", "new-conn"):
                order = list(servers.items())[::1 if rep % 2 == 0 else -1]
                for k, (h, pid, port, body) in order:
                    result = h.wrk(port, pid, body, auth, mode == "new-conn", seconds, 10**6)
                    runs.setdefault((mode, k), []).append(result.cpu_ms)
        for mode in ("keep-alive", "new-conn"):
            (ob, om), (nb, nm) = _summary(runs, (mode, "old")), _summary(runs, (mode, "new"))
            print(f"{mode}: server CPU ms/enrollment old best {ob:.3f} median {om:.3f}, "
                  f"new best {nb:.3f} median {nm:.3f}; new/old {nb / ob:.3f} (best) "
                  f"{nm / om:.3f} (median)")
    finally:
        for h in hs.values():
            for proc in list(h.CHILDREN):
                h.stop(proc)


def workers(trees: dict[str, Path], reps: int, seconds: float) -> None:
    ws = {k: _module(t, "workers", f"workers_{k}") for k, t in trees.items()}
    servers = {}
    try:
        for k, w in ws.items():
            for n in (1, 2):
                tmp = Path(tempfile.mkdtemp(prefix=f"compare-{k}{n}-"))
                proc, port, _ = w.start(tmp, n)
                servers[k, n] = (w, tmp, proc, port)
        time.sleep(2)                             # the new user reaches every worker
        for w, tmp, proc, port in servers.values():
            for _ in range(5):                    # warm up
                try:
                    w.enroll_load(tmp, port, w.processes(proc), 1)
                    break
                except SystemExit:
                    time.sleep(1)
        runs: dict[tuple[str, int], list[float]] = {}
        sup: dict[str, list[float]] = {}
        for rep in range(reps):
            for (k, n), (w, tmp, proc, port) in list(servers.items())[::1 if rep % 2 == 0 else -1]:
                _, cpu, first = w.enroll_load(tmp, port, w.processes(proc), seconds)
                runs.setdefault((k, n), []).append(cpu)
                if n == 2:
                    sup.setdefault(k, []).append(first)
        for k in ("old", "new"):
            (b1, m1), (b2, m2) = _summary(runs, (k, 1)), _summary(runs, (k, 2))
            print(f"{k}: CPU ms/enrollment workers=1 best {b1:.3f} median {m1:.3f}, "
                  f"workers=2 best {b2:.3f} median {m2:.3f} (supervisor median "
                  f"{statistics.median(sup[k]):.3f}); CPU scaling {2 * b1 / b2:.2f} (best) "
                  f"{2 * m1 / m2:.2f} (median)")
    finally:
        for w, _, proc, _ in servers.values():
            w.stop(proc)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old", type=Path, help="the other tree (e.g. a git archive of main)")
    ap.add_argument("what", choices=("enroll", "workers"))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args()
    trees = {"old": args.old.resolve(), "new": HERE.parent}
    (enroll if args.what == "enroll" else workers)(trees, args.reps, args.seconds)


if __name__ == "__main__":
    main()
