"""An upstream EST CA that misbehaves: each fault gives its documented status and the RA
keeps serving other requests."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

from tests import pki
from tests.conftest import Server, parse_http
from tests.fakeca import FakeHandler, FakeServer, serve

FAULTS = ("slow", "html", "truncated", "reject", "busy", "empty")


class BrokenEst(FakeHandler):
    """/.well-known/est/<fault>/<op>: one misbehaviour per label."""

    def do_GET(self) -> None:
        self.answer()

    def do_POST(self) -> None:
        self.body()
        self.answer()

    def answer(self) -> None:
        fault = self.path.split("/")[3]
        good = base64.encodebytes(pkcs7.serialize_certificates([self.server.ca.cert], Encoding.DER))
        if fault == "slow":
            time.sleep(3)
            self.reply(200, good, "application/pkcs7-mime")
        elif fault == "html":
            self.reply(200, b"<html><body>Login to the portal</body></html>", "text/html")
        elif fault == "truncated":
            self.reply(200, good[: len(good) // 2], "application/pkcs7-mime")
        elif fault == "reject":
            self.reply(400, b"subject not allowed by CA policy", "text/plain")
        elif fault == "busy":
            self.reply(503, b"maintenance", "text/plain", {"Retry-After": "120"})
        else:
            self.reply(200, b"", "application/pkcs7-mime")


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeServer]:
    yield from serve(BrokenEst, tmp_path)


@pytest.fixture
def ra(fake: FakeServer, start_estra: Callable[..., Server], tmp_path: Path) -> Server:
    port = fake.server_address[1]
    sections = [f"""
[upstreams.{fault}]
kind = "est"
url = "https://localhost:{port}"
label = "{fault}"
trust = "{tmp_path / 'fake-ca.pem'}"
timeout = 1
retries = 1

[profiles.{fault}]
upstream = "{fault}"
""" for fault in FAULTS]
    server = start_estra("\n".join(sections))
    server.add_user("alice")
    return server


def enroll(ra: Server, label: str) -> tuple[int, dict[str, str], bytes]:
    return ra.post(f"{label}/simpleenroll", pki.csr(pki.ec_key(), pki.name("f")))


@pytest.mark.parametrize("label, status, text", [
    ("slow", 503, b"did not answer within 1 s"),
    ("html", 502, b"not a certs-only PKCS#7"),
    ("truncated", 502, b"not a certs-only PKCS#7"),
    ("empty", 502, b"PKCS#7"),
    ("reject", 400, b"subject not allowed by CA policy"),
    ("busy", 503, b"maintenance"),
])
def test_fault_maps_to_status(ra: Server, fake: FakeServer, tmp_path: Path,
                              label: str, status: int, text: bytes) -> None:
    """Timeout 503, garbage 502, refusal relayed with its reason; then the RA still serves."""
    started = time.monotonic()
    code, headers, body = enroll(ra, label)
    assert code == status, body
    assert text in body and headers["content-type"].startswith("text/plain")
    if status == 503:
        assert headers["retry-after"].isdigit()
    assert time.monotonic() - started < 10
    assert parse_http(ra.curl("cacerts").stdout)[0] == 200
    assert ra.alive()


def test_slow_post_is_not_repeated(ra: Server, fake: FakeServer, tmp_path: Path) -> None:
    """A POST that may have reached the CA is sent once, never retried; GETs are retried."""
    deadline = time.monotonic() + 10      # first let the RA's start-up cacerts fetches land
    while sum("slow/cacerts" in r for r in fake.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    fake.requests.clear()
    enroll(ra, "slow")
    assert sum("simpleenroll" in r for r in fake.requests) <= 1
    time.sleep(2.5)   # let the fake finish the stalled request before counting
    assert sum("simpleenroll" in r for r in fake.requests) == 1
    fake.requests.clear()
    code, _, _ = parse_http(ra.curl("slow/cacerts").stdout)
    assert code == 503
    time.sleep(3)
    assert sum("cacerts" in r for r in fake.requests) == 2
