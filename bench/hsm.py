#!/usr/bin/env python3
"""Enrollments per second with the embedded CA's key on SoftHSM2 against the same kind
of key (ECDSA P-256) in a file, in one run (issue #22).

Two estras on their defaults (SQLite), one with `[ca] key = "pkcs11:..."` on a SoftHSM2
token this script initialises in a temporary SOFTHSM2_CONF directory.  Each takes the
same wrk load (bench/enroll.lua, keep-alive, bounded by --seconds and --requests), in
turn, --repeat times; of the runs of each, the one with the least server CPU per
request counts.  Printed: each rate, server CPU per enrollment, and the ratio
token / file of enrollments per second of server CPU (per core).

    python3 bench/hsm.py [--seconds 5] [--requests 20000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import base64
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from harness import WrkResult, figure, make_csr, start_estra, wrk  # noqa: E402

from estra.tokens import SOFTHSM2  # noqa: E402

USER, PASSWORD = "bench", "bench-secret"


def softhsm(tmp: Path) -> Path:
    """A token "estra" (PIN in tmp/pin) under tmp/softhsm2.conf, named in os.environ."""
    (tmp / "tokens").mkdir()
    conf = tmp / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp / 'tokens'}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "estra",
                    "--so-pin", "12345678", "--pin", "4711"], check=True, capture_output=True)
    pin = tmp / "pin"
    pin.write_text("4711\n")
    return pin


def best(port: int, pid: int, body: Path, seconds: float, requests: int) -> WrkResult:
    auth = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    return wrk(port, pid, body, auth, False, seconds, requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if not os.path.exists(SOFTHSM2):
        sys.exit(f"SoftHSM2 is not installed ({SOFTHSM2}): apt-get install softhsm2")
    with tempfile.TemporaryDirectory(prefix="estra-bench-pkcs11-") as name:
        tmp = Path(name)
        pin = softhsm(tmp)
        config = tmp / "token.toml"
        config.write_text(f'[pkcs11]\npin_file = "{pin}"\n\n[ca]\n'
                          'key = "pkcs11:token=estra;object=ca"\n')
        file_pid, file_port, _ = start_estra(tmp, USER, PASSWORD, name="file-")
        token_pid, token_port, _ = start_estra(tmp, USER, PASSWORD, config, name="token-")
        body = tmp / "csr.der"
        body.write_bytes(make_csr())
        runs: dict[str, list[WrkResult]] = {"file": [], "token": []}
        for _ in range(args.repeat):
            runs["file"].append(best(file_port, file_pid, body, args.seconds, args.requests))
            runs["token"].append(best(token_port, token_pid, body, args.seconds,
                                      args.requests))
        chosen = {kind: min(results, key=lambda r: r.cpu_ms) for kind, results in runs.items()}
        for kind, result in chosen.items():
            print(result.line(f"CA key in a {kind}" if kind == "file" else "CA key on SoftHSM2"))
            if result.status_errors or result.socket_errors:
                sys.exit(f"{kind}: errors during the run")
        ratio = chosen["file"].cpu_ms / chosen["token"].cpu_ms
        print(figure("enrollments per second of server CPU, SoftHSM2 / file", ratio, "x"))
        print(figure("enrollments per second (wall), SoftHSM2 / file",
                     chosen["token"].rps / chosen["file"].rps, "x"))


if __name__ == "__main__":
    main()
