#!/usr/bin/env python3
"""What one SCEP PKIOperation costs the reactor, by kind of message (issue #17).

In memory (tests/fuzzing.py `World`, a 2048-bit RA key as `estra init` makes):
a normal PKCSReq that enrolls, the same with 180 recipient infos naming other
keys, the identical bytes sent again, and another message replaying a senderNonce.
Each kind `--rounds` times: median milliseconds and RSA decryptions per message.

    PYTHONPATH=. python3 bench/scep_cost.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from estra.asn1 import scep_message as sm
from tests.test_scep_dmz import device, outcome, pkcs_req
from tests.test_scep_dmz import _Setup


class _Bench(_Setup):
    def patch(self, obj: Any, name: str, value: Any) -> None:
        setattr(obj, name, value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    bench = _Bench()
    bench.make_front()
    who = device("bench")
    sent = pkcs_req(bench.front, who, "bench")
    nonce = sm.parse(sent).sender_nonce
    kinds: dict[str, Callable[[], bytes]] = {
        "normal PKCSReq": lambda: pkcs_req(bench.front, device("b"), "bench.example.com"),
        "180 recipient infos": lambda: pkcs_req(bench.front, who, "bench", 180),
        "same bytes again": lambda: sent,
        "replayed senderNonce": lambda: pkcs_req(bench.front, who, "other", nonce=nonce),
    }
    outcome(bench.front, sent, bench.profile)
    for name, make in kinds.items():
        times, bench.decrypts = [], 0
        for _ in range(rounds):
            der = make()
            started = time.perf_counter()
            outcome(bench.front, der, bench.profile)
            times.append(time.perf_counter() - started)
        print(f"{name:24} {statistics.median(times) * 1000:7.2f} ms  "
              f"{bench.decrypts / rounds:6.1f} RSA decryptions")


if __name__ == "__main__":
    main()
