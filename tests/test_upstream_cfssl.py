"""RA -> a real `cfssl serve` (Debian's golang-cfssl) on 127.0.0.1: sign and authsign."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7

from tests import pki
from tests.conftest import Server, parse_http

AUTH_KEY = "00112233445566778899aabbccddeeff"
CFSSL_CONFIG = {
    "signing": {
        "default": {"expiry": "8760h", "usages": ["digital signature", "client auth"]},
        "profiles": {
            "device": {"expiry": "720h", "usages": ["digital signature", "client auth"]},
            "authed": {"expiry": "720h", "usages": ["digital signature", "client auth"],
                       "auth_key": "k1"},
        },
    },
    "auth_keys": {"k1": {"type": "standard", "key": AUTH_KEY}},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def cfssl(tmp_path: Path) -> Iterator[tuple[int, pki.CA]]:
    """A running `cfssl serve` with its own CA; yields (port, ca)."""
    if shutil.which("cfssl") is None:
        if os.environ.get("CI"):
            pytest.fail("cfssl (Debian golang-cfssl) is missing in CI")
        pytest.skip("cfssl not installed (apt-get install golang-cfssl)")
    ca = pki.CA("CFSSL Test CA")
    (tmp_path / "ca.pem").write_bytes(ca.cert.public_bytes(pki.PEM))
    (tmp_path / "ca-key.pem").write_bytes(ca.key.private_bytes(  # type: ignore[attr-defined]
        pki.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))
    (tmp_path / "config.json").write_text(json.dumps(CFSSL_CONFIG))
    port = free_port()
    log = open(tmp_path / "cfssl.log", "wb")
    proc = subprocess.Popen(["cfssl", "serve", "-address", "127.0.0.1", "-port", str(port),
                             "-ca", str(tmp_path / "ca.pem"), "-ca-key", str(tmp_path / "ca-key.pem"),
                             "-config", str(tmp_path / "config.json")],
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError((tmp_path / "cfssl.log").read_text())
            time.sleep(0.05)
    yield port, ca
    proc.terminate()
    proc.wait(10)
    log.close()


def config(port: int) -> str:
    url = f"http://127.0.0.1:{port}"
    return f"""
[upstreams.cf]
kind = "cfssl"
url = "{url}"
profile = "device"

[upstreams.cf-auth]
kind = "cfssl"
url = "{url}"
profile = "authed"
auth_key = "{AUTH_KEY}"

[upstreams.cf-badkey]
kind = "cfssl"
url = "{url}"
profile = "authed"
auth_key = "{'ff' * 16}"

[profiles.default]
upstream = "cf"
[profiles.auth]
upstream = "cf-auth"
[profiles.badkey]
upstream = "cf-badkey"
"""


def enroll(ra: Server, path: str, cn: str) -> tuple[int, dict[str, str], bytes]:
    return ra.post(path, pki.csr(pki.ec_key(), pki.name(cn), pki.sans(f"{cn}.example")))


@pytest.mark.parametrize("label", ["", "auth/"], ids=["sign", "authsign"])
def test_enroll_through_cfssl(cfssl: tuple[int, pki.CA], start_estra: Callable[..., Server],
                              tmp_path: Path, label: str) -> None:
    """simpleenroll through /sign and /authsign yields a certificate from cfssl's CA."""
    port, ca = cfssl
    ra = start_estra(config(port))
    ra.add_user("alice")
    status, _, body = enroll(ra, f"{label}simpleenroll", "cf-dev")
    assert status == 200, body
    leaf = pkcs7.load_der_pkcs7_certificates(base64.b64decode(body))[0]
    leaf.verify_directly_issued_by(ca.cert)
    assert leaf.subject == pki.name("cf-dev")
    assert x509.DNSName("cf-dev.example") in leaf.extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value
    pem = tmp_path / "leaf.pem"
    pem.write_bytes(leaf.public_bytes(pki.PEM))
    (tmp_path / "cfssl-ca.pem").write_bytes(ca.cert.public_bytes(pki.PEM))
    verify = subprocess.run(["openssl", "verify", "-CAfile", str(tmp_path / "cfssl-ca.pem"),
                             str(pem)], capture_output=True, timeout=30)
    assert verify.returncode == 0, verify.stdout
    status, _, body = parse_http(ra.curl(f"{label}cacerts").stdout)
    assert status == 200
    assert pkcs7.load_der_pkcs7_certificates(base64.b64decode(body)) == [ca.cert]


def test_wrong_auth_key_refused(cfssl: tuple[int, pki.CA], start_estra: Callable[..., Server],
                                tmp_path: Path) -> None:
    """cfssl refusing a bad HMAC token reaches the device as an error with cfssl's reason."""
    port, _ = cfssl
    ra = start_estra(config(port))
    ra.add_user("alice")
    status, headers, body = enroll(ra, "badkey/simpleenroll", "bad")
    assert status in (400, 502), body
    assert headers["content-type"].startswith("text/plain") and b"upstream" in body
    assert enroll(ra, "simpleenroll", "still-ok")[0] == 200
