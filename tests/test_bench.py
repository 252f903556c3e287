"""bench/ works: wrk with bench/enroll.lua against bench/baseline_server.py gives
real enrollments, counts refused ones, and is bounded by its request cap."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from twisted.web.test.requesthelper import DummyRequest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.append(str(BENCH))     # last: a bench script never shadows a package

import harness  # noqa: E402
from baseline_server import Enroll, throwaway_pki  # noqa: E402


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """bench/baseline_server.py running with a throw-away PKI: (process, port, CSR file)."""
    tmp = tmp_path_factory.mktemp("bench")
    state = tmp / "state"
    state.mkdir()
    throwaway_pki(state)
    proc, port = harness.start_baseline(tmp, state, "bench", "secret")
    body = tmp / "csr.b64"
    body.write_bytes(harness.make_csr())
    yield proc, port, body
    harness.stop(proc)


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize("new_conn", [True, False])
def test_wrk_enrolls_against_the_baseline(baseline: tuple[subprocess.Popen[bytes], int, Path],
                                          new_conn: bool) -> None:
    """Every request of a short run is a 200 with a certificate; the cap holds."""
    proc, port, body = baseline
    result = harness.wrk(port, proc.pid, body, basic("bench", "secret"), new_conn,
                         seconds=2, max_requests=30, connections=2)
    assert result.requests > 0 and result.requests <= 40
    assert (result.status_errors, result.socket_errors) == (0, 0)
    assert result.cpu_ms > 0


def test_wrk_counts_refused_requests(baseline: tuple[subprocess.Popen[bytes], int, Path]) -> None:
    """Wrong credentials: every answer is counted as non-2xx."""
    proc, port, body = baseline
    result = harness.wrk(port, proc.pid, body, basic("bench", "wrong"), False,
                         seconds=2, max_requests=20, connections=1)
    assert result.requests > 0 and result.status_errors == result.requests


def test_baseline_answers_certs_only(tmp_path: Path) -> None:
    """The baseline does the work it is compared for: a CSR in, its certificate out."""
    _, _, ca_pem, ca_key = throwaway_pki(tmp_path)
    ca = x509.load_pem_x509_certificate(ca_pem.read_bytes())
    key = serialization.load_pem_private_key(ca_key.read_bytes(), None)
    resource = Enroll(key, ca, basic("u", "p").encode())
    request = DummyRequest([b""])
    request.method = b"POST"
    request.requestHeaders.setRawHeaders(b"authorization", [basic("u", "p").encode()])
    request.content = io.BytesIO(harness.make_csr())
    certs = pkcs7.load_der_pkcs7_certificates(base64.b64decode(resource.render_POST(request)))
    assert [c.subject.rfc4514_string() for c in certs] == ["CN=bench"]
    assert certs[0].issuer == ca.subject
    request.content = io.BytesIO(b"not a csr")
    assert resource.render_POST(request) == b"bad CSR\n"
    assert request.responseCode == 400
