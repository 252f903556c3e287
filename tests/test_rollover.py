"""Embedded CA rollover (RFC 7030 4.1.3) against a real twistd, curl and openssl."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Callable

from cryptography import x509

from tests import pki
from tests.conftest import PASSWORD, Server, estra_cli, issued, parse_http

PKCS10 = ("-H", "Content-Type: application/pkcs10")


def run(cmd: list[str], input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(cmd, input=input, capture_output=True, timeout=60)


def ca_cli(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    return estra_cli("--config", str(server.config), "--state-dir", str(server.state),
                     "ca", *args)


def test_rollover_keeps_old_devices_working(start_estra: Callable[..., Server],
                                            tmp_path: Path) -> None:
    """After `estra ca rollover` and a restart: /cacerts holds the new root, both links
    and the old root; new certificates come from the new CA and verify for a device that
    trusts only the old root through NewWithOld; an old device re-enrolls; retire-old
    leaves the new root alone."""
    server = start_estra("")
    server.add_user("alice")
    key = pki.ec_key()
    req = pki.csr(key, pki.name("old-device"))
    status, _, body = server.post("simpleenroll", req)
    assert status == 200, body
    old_leaf = issued(body)[0]
    old_root = tmp_path / "old-root.pem"
    old_root.write_bytes(server.ca.read_bytes())
    old_subject = x509.load_pem_x509_certificate(old_root.read_bytes()).subject

    done = ca_cli(server, "rollover")
    assert done.returncode == 0, done.stderr
    again = ca_cli(server, "rollover")
    assert again.returncode == 2 and "in progress" in again.stderr
    server.restart("")

    new_root = x509.load_pem_x509_certificate(server.ca.read_bytes())
    assert new_root.subject.rfc4514_string() == "CN=estra local CA G2,O=estra"
    status, _, body = parse_http(server.curl("cacerts").stdout)
    assert status == 200
    der = run(["openssl", "base64", "-d"], input=body).stdout
    pem = run(["openssl", "pkcs7", "-inform", "DER", "-print_certs"], input=der).stdout
    assert pem.count(b"BEGIN CERTIFICATE") == 4
    certs = issued(body)        # a DER SET OF: the order on the wire is the encoding's
    assert new_root in certs
    new_with_old, = [c for c in certs if c.issuer != c.subject and c.subject == new_root.subject]
    old_with_new, = [c for c in certs if c.issuer != c.subject and c.issuer == new_root.subject]
    old, = [c for c in certs if c.issuer == c.subject != new_root.subject]
    assert (new_with_old.subject, new_with_old.issuer) == (new_root.subject, old_subject)
    assert new_with_old.public_key() == new_root.public_key()
    assert (old_with_new.subject, old_with_new.issuer) == (old_subject, new_root.subject)
    assert old.subject == old.issuer == old_subject

    # the TLS server too is reachable for a device that trusts only the old root
    status, _, body = parse_http(server.curl("cacerts", "--cacert", str(old_root)).stdout)
    assert status == 200

    status, _, body = server.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("new-device")))
    assert status == 200, body
    new_leaf = issued(body)[0]
    assert new_leaf.issuer == new_root.subject
    (tmp_path / "new-leaf.pem").write_bytes(new_leaf.public_bytes(pki.PEM))
    (tmp_path / "newwithold.pem").write_bytes(new_with_old.public_bytes(pki.PEM))
    verify = run(["openssl", "verify", "-CAfile", str(old_root), "-untrusted",
                  str(tmp_path / "newwithold.pem"), str(tmp_path / "new-leaf.pem")])
    assert verify.returncode == 0, verify.stdout + verify.stderr
    verify = run(["openssl", "verify", "-CAfile", str(server.ca), str(tmp_path / "new-leaf.pem")])
    assert verify.returncode == 0, verify.stdout + verify.stderr

    cert, key_file = pki.write_pair(tmp_path, "old-device", old_leaf, key)
    body_file = tmp_path / "renew.b64"
    body_file.write_bytes(pki.b64(req))
    done_curl = server.curl("simplereenroll", "--cert", str(cert), "--key", str(key_file),
                            "--data-binary", f"@{body_file}", *PKCS10)
    status, _, body = parse_http(done_curl.stdout)
    assert status == 200, body
    renewed = issued(body)[0]
    assert renewed.issuer == new_root.subject
    assert renewed.subject == old_leaf.subject

    done = ca_cli(server, "retire-old")
    assert done.returncode == 0, done.stderr
    assert not (server.state / "ca-old.pem").exists()
    server.restart("")
    status, _, body = parse_http(server.curl("cacerts").stdout)
    assert status == 200 and issued(body) == [new_root]
    done_curl = server.curl("simplereenroll", "--cert", str(cert), "--key", str(key_file),
                            "--data-binary", f"@{body_file}", *PKCS10)
    assert parse_http(done_curl.stdout)[0] != 200
    assert PASSWORD  # alice's password still enrolls after retiring
    status, _, _ = server.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("late-device")))
    assert status == 200
