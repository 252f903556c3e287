"""Fuzz estra's parsers in process: no device byte may reach an HTTP 500 (issue #9).

    PYTHONPATH=. python3 bench/fuzz.py --target all --runs 100000
    PYTHONPATH=. python3 bench/fuzz.py --target scep --target cmc --runs 5000 --seed 7

Per target it prints the inputs run, HTTP 500s, tracebacks (an exception the
parser boundary does not promise, or an error logged), hangs (an input over
--time-limit seconds of CPU time, or no answer at all) and the time taken; it exits 1 on
any finding.  With --keep each finding's input is written to
tests/fuzz_corpus/<target>/, which tests/test_fuzz.py replays.  Targets and
inputs are in tests/fuzzing.py.

With --engine atheris (``pip install atheris``) one target runs under
libFuzzer's coverage-guided mutator instead, seeded with 200 generated inputs;
it stops at the first finding (libFuzzer writes crash-<sha1> in the current
directory) or after --runs inputs:

    PYTHONPATH=. python3 bench/fuzz.py --engine atheris --target csr --runs 100000
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_NAMES = ["body", "csr", "cmc", "fullcmc", "scep", "multipart", "auth", "est-http",
                "scep-http", "ocsp", "crl", "console", "challenges"]


def _progress(target: str, counts: dict[str, Any]) -> None:
    print(f"  {target}: {counts['inputs']} inputs, {counts['http500']} HTTP 500, "
          f"{counts['traceback']} tracebacks, {counts['hang']} hangs, "
          f"{counts['seconds']} s", flush=True)


def _finding(target: str, kind: str, detail: str) -> None:
    print(f"  {target} {kind}: {detail[:3000]}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["mutate", "atheris"], default="mutate")
    parser.add_argument("--target", action="append", choices=[*TARGET_NAMES, "all"],
                        help="a target (repeatable), or all (the default)")
    parser.add_argument("--runs", type=int, default=10000, help="inputs per target")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=2.0,
                        help="seconds one input may take before it counts as a hang")
    parser.add_argument("--keep", action="store_true",
                        help="save findings under tests/fuzz_corpus/<target>/")
    args = parser.parse_args()
    targets = TARGET_NAMES if not args.target or "all" in args.target else args.target
    warnings.simplefilter("ignore")        # cryptography's deprecation notes on odd serials
    if args.engine == "atheris":
        return with_atheris(targets, args.runs, args.seed, args.time_limit)
    from tests.fuzzing import World, run
    world = World()
    bad = 0
    print(f"{'target':<10} {'inputs':>8} {'HTTP500':>8} {'traceback':>9} {'hang':>5} "
          f"{'seconds':>8} {'slowest':>8}", flush=True)
    started = time.monotonic()
    for target in targets:
        result = run(world, target, args.runs, seed=args.seed, limit=args.time_limit,
                     keep=args.keep, progress=partial(_progress, target),
                     on_finding=partial(_finding, target))
        found = result["http500"] + result["traceback"] + result["hang"]
        bad += found
        print(f"{target:<10} {result['inputs']:>8} {result['http500']:>8} "
              f"{result['traceback']:>9} {result['hang']:>5} {result['seconds']:>8} "
              f"{result['slowest']:>8.3f}", flush=True)
        for kind, detail in result["first"].items():
            print(f"  first {kind}: {detail[:2000]}", flush=True)
    print(f"total: {bad} findings in {time.monotonic() - started:.0f} s", flush=True)
    return 1 if bad else 0


def with_atheris(targets: list[str], runs: int, seed: int, limit: float) -> int:
    """One target under atheris (libFuzzer), estra's modules instrumented for coverage."""
    import tempfile

    import atheris
    if len(targets) != 1:
        sys.exit("--engine atheris takes exactly one --target")
    with atheris.instrument_imports(include=["estra"]):
        import estra.asn1.cmc, estra.est.resource, estra.scep.resource, estra.asn1.wire  # noqa: F401,E401
    from tests.fuzzing import TARGETS, Finding, Generator, World
    world = World()
    seeds = Path(tempfile.mkdtemp(prefix=f"estra-atheris-{targets[0]}-"))
    generate = Generator(world, targets[0], seed)
    for i in range(200):
        (seeds / f"seed-{i}").write_bytes(generate())
    target = TARGETS[targets[0]]

    def one(data: bytes) -> None:
        try:
            target(world, data)
        except Finding as f:
            raise RuntimeError(str(f)) from None

    atheris.Setup([sys.argv[0], f"-runs={runs}", f"-timeout={max(1, int(limit))}",
                   f"-seed={seed}", str(seeds)], one)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
