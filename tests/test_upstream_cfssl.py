"""RA -> a real `cfssl serve` (Debian's golang-cfssl) on 127.0.0.1: sign, authsign,
revoke (seen in cfssl's own certificate database, SQLite), and the profile's usages
read from /info and applied up front."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator
from urllib.request import urlopen

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests import pki
from tests.conftest import (Server, csrattrs_text, estra_cli, free_port, parse_http,
                            starting_estra)

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
#: cfssl's certdb schema for SQLite (cfssl: certdb/sqlite/migrations/001_CreateCertificates.sql).
CERTDB_SCHEMA = """
CREATE TABLE certificates (
  serial_number            blob NOT NULL,
  authority_key_identifier blob NOT NULL,
  ca_label                 blob,
  status                   blob NOT NULL,
  reason                   int,
  created_at               timestamp,
  expiry                   timestamp,
  revoked_at               timestamp,
  pem                      blob NOT NULL,
  PRIMARY KEY(serial_number, authority_key_identifier)
);
CREATE INDEX certificates_created_at ON certificates (created_at);
CREATE INDEX certificates_revoked_at ON certificates (revoked_at);
CREATE TABLE ocsp_responses (
  serial_number            blob NOT NULL,
  authority_key_identifier blob NOT NULL,
  body                     blob NOT NULL,
  expiry                   timestamp,
  PRIMARY KEY(serial_number, authority_key_identifier),
  FOREIGN KEY(serial_number, authority_key_identifier)
    REFERENCES certificates(serial_number, authority_key_identifier)
);
"""


@contextmanager
def running_cfssl(directory: Path) -> Iterator[tuple[int, pki.CA]]:
    """A running `cfssl serve` with its own CA and certificate database (directory /
    certs.db); yields (port, ca)."""
    if shutil.which("cfssl") is None:
        if os.environ.get("CI"):
            pytest.fail("cfssl (Debian golang-cfssl) is missing in CI")
        pytest.skip("cfssl not installed (apt-get install golang-cfssl)")
    ca = pki.CA("CFSSL Test CA")
    (directory / "ca.pem").write_bytes(ca.cert.public_bytes(pki.PEM))
    (directory / "ca-key.pem").write_bytes(ca.key.private_bytes(
        pki.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))
    (directory / "config.json").write_text(json.dumps(CFSSL_CONFIG))
    db = sqlite3.connect(directory / "certs.db")      # cfssl records what it signs here
    db.executescript(CERTDB_SCHEMA)
    db.close()
    (directory / "db.json").write_text(json.dumps(
        {"driver": "sqlite3", "data_source": str(directory / "certs.db")}))
    port = free_port()
    log = open(directory / "cfssl.log", "wb")
    proc = subprocess.Popen(["cfssl", "serve", "-address", "127.0.0.1", "-port", str(port),
                             "-ca", str(directory / "ca.pem"),
                             "-ca-key", str(directory / "ca-key.pem"),
                             "-config", str(directory / "config.json"),
                             "-db-config", str(directory / "db.json")],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError as e:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((directory / "cfssl.log").read_text()) from e
                time.sleep(0.05)
        yield port, ca
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


@pytest.fixture
def cfssl(tmp_path: Path) -> Iterator[tuple[int, pki.CA]]:
    """A `cfssl serve` of this test's own (its database is read)."""
    with running_cfssl(tmp_path) as running:
        yield running


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[int, pki.CA, Server]]:
    """One `cfssl serve` and one `twistd estra` in front of it (user alice) for the tests
    that enroll and read only: (port, ca, ra)."""
    directory = tmp_path_factory.mktemp("cfssl")
    with running_cfssl(directory) as (port, ca), starting_estra(directory) as start:
        ra = start(config(port))
        ra.add_user("alice")
        yield port, ca, ra


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
def test_enroll_through_cfssl(shared: tuple[int, pki.CA, Server], tmp_path: Path,
                              label: str) -> None:
    """simpleenroll through /sign and /authsign yields a certificate from cfssl's CA."""
    _, ca, ra = shared
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


def test_wrong_auth_key_refused(shared: tuple[int, pki.CA, Server]) -> None:
    """cfssl refusing a bad HMAC token reaches the device as an error with cfssl's reason."""
    _, _, ra = shared
    status, headers, body = enroll(ra, "badkey/simpleenroll", "bad")
    assert status in (400, 502), body
    assert headers["content-type"].startswith("text/plain") and b"upstream" in body
    assert enroll(ra, "simpleenroll", "still-ok")[0] == 200


def test_revoke_through_cfssl(cfssl: tuple[int, pki.CA], start_estra: Callable[..., Server],
                              tmp_path: Path) -> None:
    """`estra revoke` reaches cfssl's /revoke: its own database marks the certificate
    revoked with the reason code; the other certificate stays good."""
    port, _ = cfssl
    ra = start_estra(config(port))
    ra.add_user("alice")
    leaves = []
    for cn in ("cf-lost", "cf-kept"):
        status, _, body = enroll(ra, "simpleenroll", cn)
        assert status == 200, body
        leaves.append(pkcs7.load_der_pkcs7_certificates(base64.b64decode(body))[0])
    done = estra_cli("--config", str(ra.config), "--state-dir", str(ra.state), "revoke",
                     f"{leaves[0].serial_number:x}", "--reason", "keyCompromise", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outcome"] == "revoked"
    db = sqlite3.connect(tmp_path / "certs.db")
    rows = dict(db.execute("SELECT serial_number, status || ':' || reason FROM certificates"))
    db.close()
    assert rows == {str(leaves[0].serial_number): "revoked:1",
                    str(leaves[1].serial_number): "good:0"}


def usage_csr(cn: str, *usages: x509.ObjectIdentifier) -> x509.CertificateSigningRequest:
    """A CSR for `cn` asking for the extended key usages `usages`."""
    return x509.CertificateSigningRequestBuilder().subject_name(pki.name(cn)).add_extension(
        x509.ExtendedKeyUsage(list(usages)), False).sign(pki.ec_key(), hashes.SHA256())


def test_usage_the_profile_does_not_grant(shared: tuple[int, pki.CA, Server]) -> None:
    """cfssl's profile `device` grants client auth only and drops any other usage a CSR
    asks for (checked: cfssl signs it without serverAuth). estra reads the profile's
    usages from /info and refuses such a CSR up front with 403 naming the setting;
    a CSR asking for client auth is issued."""
    port, _, ra = shared
    server_auth = usage_csr("web", ExtendedKeyUsageOID.SERVER_AUTH)
    signed = json.loads(urlopen(f"http://127.0.0.1:{port}/api/v1/cfssl/sign", json.dumps(
        {"certificate_request": server_auth.public_bytes(pki.PEM).decode(),
         "profile": "device"}).encode(), timeout=30).read())
    dropped = x509.load_pem_x509_certificate(signed["result"]["certificate"].encode())
    assert list(dropped.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) \
        == [ExtendedKeyUsageOID.CLIENT_AUTH]
    status, headers, body = ra.post("simpleenroll", server_auth)
    assert status == 403, body
    assert headers["content-type"].startswith("text/plain")
    assert b"upstream-terms: CFSSL profile device puts only the extended key usages " \
           b"client auth in its certificates (usages), not server auth" in body
    status, _, body = ra.post("simpleenroll", usage_csr("dev", ExtendedKeyUsageOID.CLIENT_AUTH))
    assert status == 200, body


def test_profile_usages_in_csrattrs(shared: tuple[int, pki.CA, Server]) -> None:
    """The usages cfssl's profile `device` reports at /info (client auth) are what
    /csrattrs asks for: an extensionRequest attribute with extKeyUsage = clientAuth, and
    the same extension with that value in the RFC 9908 template; a CSR built as asked
    is issued with it."""
    _, _, ra = shared
    parsed = csrattrs_text(ra)
    client_auth = "300A06082B06010505070302"           # ExtKeyUsageSyntax { clientAuth }
    assert ":Extension Request" in parsed, parsed
    assert ":1.2.840.113549.1.9.16.2.61" in parsed and ":1.2.840.113549.1.9.16.2.62" in parsed
    assert parsed.count(":X509v3 Extended Key Usage") == 2, parsed
    assert parsed.count(f"[HEX DUMP]:{client_auth}") == 2, parsed
    status, _, body = ra.post("simpleenroll", usage_csr("asked", ExtendedKeyUsageOID.CLIENT_AUTH))
    assert status == 200, body
    leaf = pkcs7.load_der_pkcs7_certificates(base64.b64decode(body))[0]
    assert list(leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == \
        [ExtendedKeyUsageOID.CLIENT_AUTH]
