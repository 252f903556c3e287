"""The operator endpoint: /healthz for load balancers, Prometheus /metrics."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

from tests import pki
from tests.conftest import Server


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return reply.status, reply.headers["Content-Type"], reply.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read().decode()


def test_healthz_and_metrics(start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """/healthz answers ok; /metrics counts EST requests by operation, profile and status,
    and upstream-free enrollments leave the upstream counters empty."""
    server = start_estra('[admin]\nlisten = "tcp:0:interface=127.0.0.1"\n')
    server.add_user("alice")
    base = f"http://127.0.0.1:{server.listener_port('estra admin ready')}"
    assert fetch(f"{base}/healthz")[:2] == (200, "text/plain; charset=utf-8")
    assert server.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("m")))[0] == 200
    assert server.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("m")),
                       "--user", "alice:wrong")[0] == 401
    status, ctype, text = fetch(f"{base}/metrics")
    assert status == 200 and ctype.startswith("text/plain")
    assert ('estra_requests_total{label="default",operation="simpleenroll",protocol="est",'
            'status="200"} 1.0') in text
    assert ('estra_requests_total{label="default",operation="simpleenroll",protocol="est",'
            'status="401"} 1.0') in text
    assert "estra_request_seconds_bucket" in text
    assert fetch(f"{base}/nope")[0] == 404
