"""An upstream EST CA that misbehaves: each fault gives its documented status and the RA
keeps serving other requests (the RA and the CA in memory, the timeouts on the clock;
one test shows a slow CA to `twistd estra` over loopback)."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

from tests import pki
from tests.conftest import Server
from tests.fakeca import FakeHandler, FakeServer, MemoryFake, in_memory, serve
from tests.memory import MemoryServer

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
        if fault == "slow" and self.server.state.get("stall"):
            self.server.requests.append(f"{self.command} {self.path}")
            return                  # in memory: an answer that never comes
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


def ra_toml(fake: FakeServer, tmp_path: Path) -> str:
    """An upstream and a profile per fault, each with a 1 s timeout and one retry."""
    return "\n".join(f"""
[upstreams.{fault}]
kind = "est"
url = "https://localhost:{fake.server_address[1]}"
label = "{fault}"
trust = "{tmp_path / 'fake-ca.pem'}"
timeout = 1
retries = 1

[profiles.{fault}]
upstream = "{fault}"
""" for fault in FAULTS)


@pytest.fixture
def fake(tmp_path: Path) -> MemoryFake:
    """The broken CA in memory; its slow label never answers."""
    return in_memory(BrokenEst, tmp_path, port=8443, state={"stall": True})


@pytest.fixture
def ra(fake: MemoryFake, tmp_path: Path) -> Iterator[MemoryServer]:
    """The RA in memory in front of `fake`, with user alice."""
    server = MemoryServer(ra_toml(fake, tmp_path), tmp_path, upstreams=fake.upstreams())
    yield server
    server.stop()


def enroll(ra: Server | MemoryServer, label: str) -> tuple[int, dict[str, str], bytes]:
    csr = pki.csr(pki.ec_key(), pki.name("f"))
    if isinstance(ra, MemoryServer):
        return ra.post(f"{label}/simpleenroll", csr, wait=30)
    return ra.post(f"{label}/simpleenroll", csr)


@pytest.mark.parametrize("label, status, text", [
    ("slow", 503, b"did not answer within 1 s"),
    ("html", 502, b"not a certs-only PKCS#7"),
    ("truncated", 502, b"not a certs-only PKCS#7"),
    ("empty", 502, b"PKCS#7"),
    ("reject", 400, b"subject not allowed by CA policy"),
    ("busy", 503, b"maintenance"),
])
def test_fault_maps_to_status(ra: MemoryServer, fake: FakeServer, tmp_path: Path,
                              label: str, status: int, text: bytes) -> None:
    """Timeout 503, garbage 502, refusal relayed with its reason; then the RA still serves."""
    started = ra.ra.clock()
    code, headers, body = enroll(ra, label)
    assert code == status, body
    assert text in body and headers["content-type"].startswith("text/plain")
    if status == 503:
        assert headers["retry-after"].isdigit()
    assert ra.ra.clock() - started < 10
    assert ra.get("cacerts")[0] == 200


def test_slow_ca_to_twistd(start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """The process path: `twistd estra` from a config file, TLS to a CA on loopback that
    answers after 3 s: 503 at the 1 s timeout, and the process serves on."""
    for fake in serve(BrokenEst, tmp_path):
        ra = start_estra(ra_toml(fake, tmp_path))
        ra.add_user("alice")
        started = time.monotonic()
        code, headers, body = enroll(ra, "slow")
        assert code == 503 and b"did not answer within 1 s" in body, body
        assert headers["retry-after"].isdigit() and time.monotonic() - started < 10
        assert ra.get("cacerts")[0] == 200
        assert ra.alive()


def test_slow_post_is_not_repeated(ra: MemoryServer, fake: FakeServer, tmp_path: Path) -> None:
    """A POST that may have reached the CA is sent once, never retried; GETs are retried."""
    for _ in range(10):                   # first let the RA's start-up cacerts fetches land
        ra.ra.flush()
        if sum("slow/cacerts" in r for r in fake.requests) >= 2:
            break
        ra.ra.advance(1)
    assert sum("slow/cacerts" in r for r in fake.requests) == 2, fake.requests
    fake.requests.clear()
    enroll(ra, "slow")
    assert sum("simpleenroll" in r for r in fake.requests) == 1
    fake.requests.clear()
    code, _, _ = ra.get("slow/cacerts", wait=30)
    assert code == 503
    assert sum("cacerts" in r for r in fake.requests) == 2
