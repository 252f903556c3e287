#!/usr/bin/env python3
"""RA-added latency through pooled upstream CAs (issue #12): target <= 0.5 ms at p50.

Starts a second estra as EST CA (it trusts an `estra ra-cert` certificate as RA),
`cfssl serve` (Debian golang-cfssl), and an RA whose profiles forward to each
(default -> est, cf -> cfssl, local -> its embedded CA).  One client, one
keep-alive connection per target, the same P-256 CSR throughout; each round
sends one simpleenroll to every target in turn (interleaved, so noise hits all
alike):

* est direct: POST to the upstream as the RA does (its client certificate, base64);
* est via RA: POST to the RA with Basic, which forwards to that upstream;
* cfssl direct: POST {certificate_request: PEM, profile} to /api/v1/cfssl/sign;
* cfssl via RA: POST to the RA's `cf` label;
* local via RA: the RA's own cost (TLS, auth, policy, store, embedded CA);
* bare Twisted: bench/baseline_server.py answering the same request itself (TLS,
  HTTP, the CSR's signature check, signing; no store, no forwarding): the least
  any twisted.web hop costs a request, so the floor under RA-added.

RA-added = p50(via RA) - p50(direct), and for comparison the median of the
per-round differences.  With --before DIR (another source tree, e.g. main's), a
second RA running that code fronts the same upstreams and is measured in the same
interleaved rounds: "before" and "after" under the same noise.  The breakdown shows
the upstream call as the RA timed it (its log), the RA with its embedded CA, and the
RA's CPU per request.  Bounded: 600 rounds or 40 s (--quick: 150 or 5 s), whichever
ends first.  Only 127.0.0.1.

    python3 bench/upstream.py [--quick] [--before DIR]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import math
import os
import re
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from cryptography import x509

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (CHILDREN, CPUS, REPO, cpu_seconds, make_csr, spawn,
                     start_baseline)

sys.path.insert(0, str(REPO))
from tests import pki  # a throw-away CA for cfssl; no pytest needed

TARGET_MS = 0.5
USER, PASSWORD = "bench", "secret"
ENV = dict(os.environ, PYTHONPATH=str(REPO))
CFSSL_CONFIG = {"signing": {"default": {"expiry": "8760h"}, "profiles": {
    "device": {"expiry": "720h", "usages": ["digital signature", "client auth"]}}}}


class BenchError(Exception):
    """A server did not start or answered other than 200: no figures."""


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[max(0, math.ceil(q * len(s)) - 1)] * 1000 if s else math.nan


def start_cfssl(tmp: Path) -> tuple[int, int]:
    """`cfssl serve` on a free loopback port with a new CA: pid, port."""
    if shutil.which("cfssl") is None:
        raise BenchError("cfssl is missing: apt-get install golang-cfssl")
    ca = pki.CA("Bench CFSSL CA")
    (tmp / "ca.pem").write_bytes(ca.cert.public_bytes(pki.PEM))
    pki.write_key(tmp / "ca-key.pem", ca.key)
    (tmp / "config.json").write_text(json.dumps(CFSSL_CONFIG))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with open(tmp / "cfssl.log", "wb") as log:
        proc = spawn(["cfssl", "serve", "-address", "127.0.0.1", "-port", str(port),
                      "-ca", tmp / "ca.pem", "-ca-key", tmp / "ca-key.pem",
                      "-config", tmp / "config.json", "-loglevel", "3"],
                     stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return proc.pid, port
        if proc.poll() is not None or time.monotonic() > deadline:
            raise BenchError("cfssl did not start:\n" + (tmp / "cfssl.log").read_text()[-2000:])
        time.sleep(0.05)


def unpin(pid: int) -> None:
    """Let every thread of a server run on any CPU: `spawn` pins servers to the first
    CPU for throughput runs, where one sequential client measuring latency would
    queue behind whatever else is pinned there."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        os.sched_setaffinity(int(task.name), CPUS)


def estra_cli(workdir: Path, *args: str, stdin: str | None = None,
              env: dict[str, str] = ENV) -> None:
    subprocess.run([sys.executable, "-m", "estra.cli", "--state-dir", str(workdir / "state"),
                    *args], input=stdin, text=True, env=env, check=True, capture_output=True)


def start_server(workdir: Path, config: str, env: dict[str, str] = ENV) -> tuple[int, int]:
    """`twistd -n estra` with `config` on the state `estra_cli` made in `workdir`: pid, port."""
    (workdir / "estra.toml").write_text(config)
    logfile = workdir / "estra.log"
    with open(logfile, "wb") as log:
        proc = spawn([sys.executable, "-c", "from twisted.scripts.twistd import run; run()",
                      "-n", "--pidfile=", "estra",
                      "--config", workdir / "estra.toml", "--state-dir", workdir / "state",
                      "--listen", "tcp:0:interface=127.0.0.1"],
                     cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not (m := re.search(rb"ready on https://[^/]*:(\d+)/", logfile.read_bytes())):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise BenchError("estra did not start:\n" + logfile.read_text()[-3000:])
        time.sleep(0.1)
    return proc.pid, int(m.group(1))


def start_servers(tmp: Path, before: Path | None = None) -> dict[str, Any]:
    """The upstream estra (EST CA), cfssl, and the RA in front of both (and, with
    `before`, a second RA from that source tree, with the same RA certificate)."""
    first = len(CHILDREN)
    up, ra = tmp / "upstream", tmp / "ra"
    up.mkdir()
    ra.mkdir()
    estra_cli(up, "init")
    estra_cli(up, "ra-cert", "estra RA", "--out", str(ra))
    estra_cli(ra, "init")
    estra_cli(ra, "user", "add", USER, "--password-stdin", stdin=PASSWORD + "\n")
    _, up_port = start_server(up, f'[tls]\nra_trust = ["{ra / "ra.pem"}"]\n'
                                  '[profiles.default]\nallow_basic = false\n')
    cf_dir = tmp / "cfssl"
    cf_dir.mkdir()
    _, cf_port = start_cfssl(cf_dir)
    ra_config = f"""
[upstreams.corp]
kind = "est"
url = "https://127.0.0.1:{up_port}"
trust = "{ra / 'upstream-ca.pem'}"
client_cert = "{ra / 'ra.pem'}"
client_key = "{ra / 'ra.key'}"

[upstreams.cf]
kind = "cfssl"
url = "http://127.0.0.1:{cf_port}"
profile = "device"

[profiles.default]
upstream = "corp"
[profiles.cf]
upstream = "cf"
[profiles.local]
upstream = "local"
"""
    ra_pid, ra_port = start_server(ra, ra_config)
    found: dict[str, Any] = {}
    if before is not None:
        old, env = tmp / "ra-before", dict(ENV, PYTHONPATH=str(before))
        old.mkdir()
        estra_cli(old, "init", env=env)
        estra_cli(old, "user", "add", USER, "--password-stdin", stdin=PASSWORD + "\n", env=env)
        found["before_pid"], found["before_port"] = start_server(old, ra_config, env)
        found["before_ca"] = str(old / "state" / "ca.pem")
    bare, bare_port = start_baseline(tmp, ra / "state", USER, PASSWORD)
    for proc in CHILDREN[first:]:
        unpin(proc.pid)
    return {**found, "bare_pid": bare.pid, "bare_port": bare_port, "up_port": up_port,
            "up_ca": str(up / "state" / "ca.pem"), "ra_dir": ra,
            "cf_port": cf_port, "ra_pid": ra_pid, "ra_port": ra_port,
            "ra_ca": str(ra / "state" / "ca.pem"), "ra_log": ra / "estra.log"}


class Target:
    """One keep-alive connection and the request it repeats."""

    def __init__(self, name: str, connect: Callable[[], http.client.HTTPConnection],
                 path: str, body: bytes, headers: dict[str, str],
                 pid: int | None = None) -> None:
        self.name, self._connect, self.path = name, connect, path
        self.body, self.headers, self.pid = body, headers, pid
        self.conn: http.client.HTTPConnection | None = None
        self.lat: list[float] = []
        self.cpu = 0.0              # CPU seconds of process `pid` while this target was asked
        self.reconnects = -1        # the first connect is not a reconnect

    def once(self) -> None:
        """One request, timed after any (re)connect; anything but 200 is an error."""
        if self.conn is None:
            self.conn, self.reconnects = self._connect(), self.reconnects + 1
            self.conn.connect()
        t0 = time.perf_counter()
        self.conn.request("POST", self.path, self.body, self.headers)
        resp = self.conn.getresponse()
        data = resp.read()
        elapsed = time.perf_counter() - t0
        if resp.status != 200:
            raise BenchError(f"{self.name}: HTTP {resp.status}: {data[:300]!r}")
        self.lat.append(elapsed)
        if resp.will_close:
            self.conn.close()
            self.conn = None


def targets(s: dict[str, Any]) -> list[Target]:
    csr_b64 = make_csr()
    csr_pem = x509.load_der_x509_csr(base64.b64decode(csr_b64)).public_bytes(pki.PEM)
    est_body = base64.encodebytes(base64.b64decode(csr_b64))    # 76 columns, like the RA's
    ra_ctx = ssl.create_default_context(cafile=s["ra_ca"])
    up_ctx = ssl.create_default_context(cafile=s["up_ca"])
    up_ctx.load_cert_chain(str(s["ra_dir"] / "ra.pem"), str(s["ra_dir"] / "ra.key"))
    basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    device = {"Content-Type": "application/pkcs10", "Authorization": f"Basic {basic}"}

    def tls(port: int, ctx: ssl.SSLContext) -> Callable[[], http.client.HTTPConnection]:
        return lambda: http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
    ra, pid = tls(s["ra_port"], ra_ctx), s["ra_pid"]
    old = []
    if "before_port" in s:
        was = tls(s["before_port"], ssl.create_default_context(cafile=s["before_ca"]))
        old = [Target(f"{kind} via RA before", was, f"/.well-known/est/{label}simpleenroll",
                      csr_b64, device, s["before_pid"]) for kind, label in (("est", ""),
                                                                            ("cfssl", "cf/"))]
    return old + [
        Target("est direct", tls(s["up_port"], up_ctx), "/.well-known/est/simpleenroll",
               est_body, {"Content-Type": "application/pkcs10",
                          "Content-Transfer-Encoding": "base64"}),
        Target("est via RA", ra, "/.well-known/est/simpleenroll", csr_b64, device, pid),
        Target("cfssl direct", lambda: http.client.HTTPConnection(
            "127.0.0.1", s["cf_port"], timeout=10), "/api/v1/cfssl/sign",
            json.dumps({"certificate_request": csr_pem.decode(), "profile": "device",
                        "label": ""}).encode(), {"Content-Type": "application/json"}),
        Target("cfssl via RA", ra, "/.well-known/est/cf/simpleenroll", csr_b64, device, pid),
        Target("local via RA", ra, "/.well-known/est/local/simpleenroll", csr_b64, device,
               pid),
        Target("bare Twisted", tls(s["bare_port"], ra_ctx), "/.well-known/est/simpleenroll",
               csr_b64, device, s["bare_pid"]),
    ]


def measure(ts: list[Target], rounds: int, seconds: float) -> None:
    """`rounds` interleaved rounds (order rotating) or until `seconds` pass."""
    deadline = time.monotonic() + seconds
    for i in range(rounds):
        if time.monotonic() > deadline:
            break
        for t in ts[i % len(ts):] + ts[:i % len(ts)]:
            if t.pid is None:
                t.once()
                continue
            cpu0 = cpu_seconds(t.pid)
            t.once()
            t.cpu += cpu_seconds(t.pid) - cpu0


def upstream_times(log: Path, offset: int) -> dict[str, list[float]]:
    """The RA's own timing of each upstream POST (its log lines), in s, by upstream kind."""
    found: dict[str, list[float]] = {"est": [], "cfssl": []}
    text = log.read_bytes()[offset:].decode(errors="replace")
    for kind, ms in re.findall(r"upstream (est|cfssl) \S+ POST \S+ -> 200 in ([\d.]+) ms", text):
        found[kind].append(float(ms) / 1000)
    return found


def lines_for(ts: list[Target], inside: dict[str, list[float]]) -> list[str]:
    """The printed figures: p50/p99 per target, RA-added per upstream, a breakdown."""
    by = {t.name: t for t in ts}
    out = []
    for t in ts:
        out.append(f"{t.name} p50/p99: {_pct(t.lat, .5):.2f}/{_pct(t.lat, .99):.2f} ms"
                   f"  (n={len(t.lat)}" + (f", server CPU {1000 * t.cpu / len(t.lat):.2f} "
                                            "ms/req" if t.pid else "")
                   + (f", {t.reconnects} reconnects" if t.reconnects else "") + ")")
    for kind in ("est", "cfssl"):
        direct, via = by[f"{kind} direct"], by[f"{kind} via RA"]
        added = _pct(via.lat, .5) - _pct(direct.lat, .5)
        ok = added <= TARGET_MS
        paired = statistics.median(
            v - d for v, d in zip(via.lat, direct.lat, strict=False)) * 1000
        out.append(f"{kind} RA-added p50: {added:.2f} ms  ({added / TARGET_MS:.2f}x of "
                   f"{TARGET_MS} ms target: {'met' if ok else 'NOT met'}; median of "
                   f"same-round differences {paired:.2f} ms)")
        if f"{kind} via RA before" in by:
            was = by[f"{kind} via RA before"]
            before = _pct(was.lat, .5) - _pct(direct.lat, .5)
            rounds = statistics.median(
                v - w for v, w in zip(via.lat, was.lat, strict=False)) * 1000
            out.append(f"  {kind} before: RA-added p50 {before:.2f}"
                       f" ms; after - before p50 {_pct(via.lat, .5) - _pct(was.lat, .5):+.2f} ms"
                       f" (median of same-round differences {rounds:+.2f}"
                       f" ms), RA CPU {1000 * (via.cpu - was.cpu) / max(1, len(via.lat)):+.2f}"
                       " ms/req")
        if not ok and inside[kind]:
            hop = _pct(inside[kind], .5)
            out.append(f"  {kind} breakdown: upstream call timed inside the RA p50 "
                       f"{hop:.2f} ms (hop over direct {hop - _pct(direct.lat, .5):+.2f} ms), "
                       f"RA around it {_pct(via.lat, .5) - hop:.2f} ms; RA alone (local CA) "
                       f"p50 {_pct(by['local via RA'].lat, .5):.2f} ms")
    bare = by["bare Twisted"]
    cpu = 1000 * bare.cpu / max(1, len(bare.lat))
    out.append(f"floor: bare twisted.web spends {cpu:.2f} ms CPU per request answering it "
               f"itself ({cpu / TARGET_MS:.2f}x the RA-added target): TLS, HTTP and the "
               "CSR check, which the RA does too before its record and the hop")
    return out


def report(quick: bool = False, before: Path | None = None) -> list[str]:
    """Start the upstreams and the RA, measure, stop them; the lines to print."""
    rounds, seconds = (150, 5.0) if quick else (600, 40.0)
    mine = len(CHILDREN)
    tmpdir = tempfile.TemporaryDirectory(prefix="estra-bench-upstream-")
    try:
        s = start_servers(Path(tmpdir.name), before)
        ts = targets(s)
        measure(ts, 5, 30)                       # warm-up: bcrypt, pools
        for t in ts:
            t.lat, t.cpu = [], 0.0
        offset = s["ra_log"].stat().st_size
        measure(ts, rounds, seconds)
        return lines_for(ts, upstream_times(s["ra_log"], offset))
    except (BenchError, OSError, http.client.HTTPException,
            subprocess.CalledProcessError) as e:
        return [f"upstream bench failed: {type(e).__name__}: {e}"]
    finally:
        for p in CHILDREN[mine:]:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
        del CHILDREN[mine:]
        tmpdir.cleanup()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="150 rounds / 5 s instead of 600 / 40 s")
    ap.add_argument("--before", type=Path, help="also measure an RA running this source tree")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))      # so `finally` runs
    for line in report(args.quick, args.before and args.before.resolve()):
        print(line, flush=True)


if __name__ == "__main__":
    main()
