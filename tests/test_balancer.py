"""Debian's haproxy in front of estra, both ways a network deploys it (docs/balancers.rst):

* terminating: haproxy ends the device's TLS (conf/haproxy-terminating.cfg) and forwards
  the client certificate and channel-binding value in X-Estra-* headers from
  127.0.0.2, the one address in `server.trusted_proxies`;
* passthrough: haproxy in TCP mode with PROXY v2 (conf/haproxy.cfg) from 127.0.0.5:
  estra terminates TLS itself.

The device (a pyOpenSSL client with a manufacturer certificate) does the same in both:
enroll with a CSR bound to its own TLS session, re-enroll with what it got; another
session's binding is refused; headers it forges itself are refused.
"""

from __future__ import annotations

import base64
import re
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest
from attrs import frozen
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from OpenSSL import SSL

from tests import pki
from tests.conftest import ROOT, Server, issued, parse_http
from tests.strongswan import StrongSwan
from tests.test_bouncycastle import TIMEOUT as BC_TIMEOUT
from tests.test_channel_binding import Device, bound_csr
from tests.test_deploy import (DEVICE, HAPROXY_SOURCE, free_port, haproxy_config,
                               running_haproxy, tool)

PASSTHROUGH_SOURCE = "127.0.0.5"
CONFIG = """
[server]
trusted_proxies = ["{balancer}"]

[tls]
client_trust = ["{boot}"]

[profiles.default]
allow_basic = false

[profiles.cb]
allow_basic = false
require_channel_binding = true
"""
VERSIONS = {"tls1.2": SSL.TLS1_2_VERSION, "tls1.3": SSL.TLS1_3_VERSION}


def terminating_config(front: int, estra: Server, files: Path) -> str:
    """conf/haproxy-terminating.cfg on loopback with the test's files, in the foreground."""
    text = (ROOT / "conf" / "haproxy-terminating.cfg").read_text()
    replaced = {"192.0.2.10:443": f"127.0.0.1:{front}",
                "/etc/haproxy/estra/haproxy.pem": str(files / "haproxy.pem"),
                "/etc/haproxy/estra/clients.pem": str(files / "clients.pem"),
                "/etc/haproxy/estra/estra-ca.pem": str(estra.ca),
                "estra.example": "localhost",
                "10.0.0.11:8443": f"127.0.0.1:{estra.port}",
                "10.0.0.2": HAPROXY_SOURCE}
    for old, new in replaced.items():
        assert old in text, f"conf/haproxy-terminating.cfg has no {old}"
        text = text.replace(old, new)
    return re.sub(r"^\s*(user|group|chroot|log|daemon)\b.*\n", "", text, flags=re.M)


@contextmanager
def haproxy_running(config: str, workdir: Path, front: int) -> Iterator[None]:
    """Debian's haproxy running `config` (checked first) until the block ends."""
    haproxy = tool("haproxy", "haproxy")
    workdir.mkdir()
    cfg = workdir / "haproxy.cfg"
    cfg.write_text(config)
    check = subprocess.run([haproxy, "-c", "-f", str(cfg)], capture_output=True, text=True,
                           timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr
    with running_haproxy(haproxy, cfg, front, workdir / "haproxy.log"):
        yield


@pytest.fixture
def bootstrap() -> pki.CA:
    """The manufacturer CA of the devices' certificates (tls.client_trust)."""
    return pki.CA("IDevID CA")


@pytest.fixture
def estra(start_estra: Callable[..., Server], tmp_path: Path, bootstrap: pki.CA) -> Server:
    """estra on a PROXY-protocol listener, trusting 127.0.0.2 to forward TLS facts."""
    return start_estra(CONFIG.format(balancer=HAPROXY_SOURCE,
                                     boot=bootstrap.write(tmp_path, "boot")),
                       "--listen", "haproxy:tcp:0:interface=127.0.0.1")


@frozen
class Front:
    mode: str          # terminating, passthrough
    port: int          # where devices connect


@pytest.fixture(params=["terminating", "passthrough"])
def front(request: pytest.FixtureRequest, estra: Server, tmp_path: Path,
          bootstrap: pki.CA) -> Iterator[Front]:
    """haproxy in the mode under test in front of `estra`."""
    port = free_port()
    if request.param == "terminating":
        files = tmp_path / "haproxy-files"
        files.mkdir()
        (files / "haproxy.pem").write_bytes((estra.state / "server.pem").read_bytes()
                                            + (estra.state / "server.key").read_bytes())
        (files / "clients.pem").write_bytes(bootstrap.cert.public_bytes(pki.PEM)
                                            + estra.ca.read_bytes())
        config = terminating_config(port, estra, files)
    else:
        config = haproxy_config((ROOT / "conf" / "haproxy.cfg").read_text(), port,
                                estra.port, "send-proxy-v2").replace(
            f"source {HAPROXY_SOURCE}", f"source {PASSTHROUGH_SOURCE}")
    with haproxy_running(config, tmp_path / "haproxy", port):
        yield Front(request.param, port)


def bound_to(device: Device, cn: str, key: ec.EllipticCurvePrivateKey | None = None) -> bytes:
    """A CSR (base64) for CN=`cn` carrying `device`'s session binding."""
    return pki.b64(pki.csr(key or pki.ec_key(), pki.name(cn),
                           challenge=device.binding().decode()))


def identity(directory: Path, stem: str, ca: pki.CA) -> tuple[Path, Path]:
    """A client certificate of `ca` (clientAuth) and its key, as files."""
    key = pki.ec_key()
    cert = ca.issue(pki.name(stem), key.public_key(), ekus=[ExtendedKeyUsageOID.CLIENT_AUTH])
    return pki.write_pair(directory, stem, cert, key)


@pytest.mark.parametrize("version", VERSIONS.values(), ids=VERSIONS.keys())
def test_device_enrolls_and_reenrolls(estra: Server, front: Front, tmp_path: Path,
                                      bootstrap: pki.CA, version: int) -> None:
    """With its manufacturer certificate, a CSR bound to its session with haproxy (or
    estra) enrolls; presenting the certificate it got, it re-enrolls; estra logs the
    device's own address and identity."""
    key = pki.ec_key()
    device = Device(estra, version, port=front.port, source=DEVICE,
                    identity=identity(tmp_path, "dev1", bootstrap))
    status, body = device.post("cb/simpleenroll", bound_to(device, "dev1", key), auth=False)
    device.close()
    assert status == 200, body
    got = pki.write_pair(tmp_path, "dev1-issued", issued(body)[0], key)
    device = Device(estra, version, port=front.port, source=DEVICE, identity=got)
    status, body = device.post("cb/simplereenroll", bound_to(device, "dev1"), auth=False)
    device.close()
    assert status == 200, body
    log = estra.log.read_text()
    assert re.search(rf"simpleenroll \[cb\] 200 for bootstrap:.* from {DEVICE}:", log), log
    assert re.search(rf"simplereenroll \[cb\] 200 for issued:.* from {DEVICE}:", log), log


@pytest.mark.parametrize("version", VERSIONS.values(), ids=VERSIONS.keys())
def test_replayed_binding_refused(estra: Server, front: Front, tmp_path: Path,
                                  bootstrap: pki.CA, version: int) -> None:
    """A CSR bound to an earlier session, sent on a new one, is refused (403)."""
    who = identity(tmp_path, "dev3", bootstrap)
    first = Device(estra, version, port=front.port, source=DEVICE, identity=who)
    replayed = bound_csr(first.binding())
    first.close()
    device = Device(estra, version, port=front.port, source=DEVICE, identity=who)
    status, body = device.post("cb/simpleenroll", replayed, auth=False)
    device.close()
    assert status == 403 and b"channel-binding" in body, body


def test_headers_forged_through_the_balancer_are_not_believed(
        estra: Server, front: Front, tmp_path: Path, bootstrap: pki.CA) -> None:
    """A device without a certificate that sends another device's certificate in the
    headers: terminating haproxy overwrites them (401: no certificate); through the
    passthrough balancer, whose address is not trusted, they are refused (403)."""
    other = bootstrap.issue(pki.name("victim"), pki.ec_key().public_key(),
                            ekus=[ExtendedKeyUsageOID.CLIENT_AUTH])
    device = Device(estra, SSL.TLS1_2_VERSION, port=front.port, source=DEVICE)
    forged = {"X-Estra-TLS-Protocol": "TLSv1.2",
              "X-Estra-Client-Cert": base64.b64encode(pki.der(other)).decode(),
              "X-Estra-TLS-Unique": device.binding().decode()}
    status, body = device.post("cb/simpleenroll", bound_csr(device.binding()), auth=False,
                               headers=forged)
    device.close()
    if front.mode == "terminating":
        assert status == 401, body
    else:
        assert status == 403 and b"forwarded-tls" in body, body
    assert b"victim" not in estra.log.read_bytes()


def test_headers_forged_by_a_direct_client_are_refused(estra: Server, tmp_path: Path,
                                                       bootstrap: pki.CA) -> None:
    """A client reaching estra itself, even with a PROXY header naming the balancer's
    address, is not the balancer: its X-Estra-* headers are refused (403, logged)."""
    other = bootstrap.issue(pki.name("victim"), pki.ec_key().public_key(),
                            ekus=[ExtendedKeyUsageOID.CLIENT_AUTH])
    claim = f"PROXY TCP4 {HAPROXY_SOURCE} 127.0.0.1 40000 443\r\n".encode()
    device = Device(estra, SSL.TLS1_2_VERSION, proxy_header=claim)
    status, body = device.post("cb/simpleenroll", bound_csr(device.binding()), auth=False,
                               headers={"X-Estra-TLS-Protocol": "TLSv1.2",
                                        "X-Estra-Client-Cert":
                                            base64.b64encode(pki.der(other)).decode()})
    device.close()
    assert status == 403 and b"forwarded-tls" in body and b"127.0.0.1" in body, body
    estra.wait_log(r"simpleenroll \[cb\] 403 .*forwarded-tls")


def curl_enroll(estra: Server, front: Front, directory: Path, bootstrap: pki.CA,
                cn: str) -> tuple[Path, Path]:
    """curl enrolls CN=`cn` with a manufacturer certificate through haproxy: the files
    of the certificate it got and its key."""
    boot_cert, boot_key = identity(directory, f"{cn}-boot", bootstrap)
    key = pki.ec_key()
    request = directory / f"{cn}.b64"
    request.write_bytes(pki.b64(pki.csr(key, pki.name(cn))))
    status, _, body = parse_http(estra.curl(
        f"https://localhost:{front.port}/.well-known/est/simpleenroll", "--cert",
        str(boot_cert), "--key", str(boot_key), "--data-binary", f"@{request}",
        "-H", "Content-Type: application/pkcs10").stdout)
    assert status == 200, body
    return pki.write_pair(directory, f"{cn}-issued", issued(body)[0], key)


def test_curl_then_strongswan(estra: Server, front: Front, tmp_path: Path,
                              bootstrap: pki.CA, sw: StrongSwan) -> None:
    """curl enrolls with the manufacturer certificate, strongSwan's pki --est re-enrolls
    presenting the certificate curl got, each through haproxy."""
    cert_file, key_file = curl_enroll(estra, front, tmp_path, bootstrap, "dev4")
    _, req = sw.request("renew", "CN=dev4")
    done = sw.est(f"https://localhost:{front.port}", estra, req, "--cert", str(cert_file),
                  "--key", str(key_file))
    assert done.returncode == 0, done.stderr.decode()
    assert x509.load_der_x509_certificate(done.stdout).subject == pki.name("dev4")
    log = estra.log.read_text()
    assert re.search(r"simpleenroll \[default\] 200 for bootstrap:.* from 127\.0\.0\.1:", log), log
    assert re.search(r"simplereenroll \[default\] 200 for issued:.* from 127\.0\.0\.1:", log), log


def test_bouncycastle_reenrolls(estra: Server, front: Front, tmp_path: Path,
                                bootstrap: pki.CA, bc_classpath: str) -> None:
    """Bouncy Castle's EST client (tests/bc) re-enrolls through haproxy presenting the
    certificate curl enrolled with a manufacturer certificate."""
    cert_file, key_file = curl_enroll(estra, front, tmp_path, bootstrap, "dev6")
    done = subprocess.run(
        ["java", "-cp", bc_classpath, "EstraClient", "reenroll", "--server",
         f"localhost:{front.port}", "--ca", str(estra.ca), "--cert", str(cert_file),
         "--key", str(key_file), "--out", str(tmp_path / "bc.pem"),
         "--out-key", str(tmp_path / "bc.key")],
        capture_output=True, text=True, cwd=tmp_path, timeout=BC_TIMEOUT)
    assert done.returncode == 0, done.stderr
    renewed = x509.load_pem_x509_certificates((tmp_path / "bc.pem").read_bytes())[0]
    assert renewed.subject == pki.name("dev6")
    assert re.search(r"simplereenroll \[default\] 200 for issued:.* from 127\.0\.0\.1:",
                     estra.log.read_text())


def test_resumed_tls12_session(estra: Server, front: Front, tmp_path: Path,
                               bootstrap: pki.CA) -> None:
    """A device resuming its TLS 1.2 session (tls-unique is then the server's Finished)
    still authenticates with its certificate and binds its CSR."""
    who = identity(tmp_path, "dev7", bootstrap)
    first = Device(estra, SSL.TLS1_2_VERSION, port=front.port, source=DEVICE, identity=who)
    status, body = first.post("cb/simpleenroll", bound_to(first, "dev7"), auth=False)
    first.close()
    assert status == 200, body
    again = Device(estra, SSL.TLS1_2_VERSION, resume=first, port=front.port, source=DEVICE,
                   identity=who)
    assert again.resumed()
    status, body = again.post("cb/simpleenroll", bound_to(again, "dev7"), auth=False)
    again.close()
    assert status == 200, body
