"""strongSwan's `pki --estca/--est` (a real EST client) against a running `twistd estra`.

strongSwan 5.9's pki speaks TLS 1.2, sends Basic without waiting for a 401,
cannot decode base64 with line breaks, and builds every request path as
`<path of --url>/.well-known/est/<operation>`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Callable, Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests import pki
from tests.conftest import PASSWORD, Server, parse_http

PKI = shutil.which("pki")
TIMEOUT = 60
USERPASS = ("--userpass", f"alice:{PASSWORD}")
# An explicit plugin list: without revocation and curl pki never fetches CRLs or
# OCSP; openssl (ECDSA, ECDH, AES-GCM for estra's EC CA and TLS) is marked
# critical so its absence is one clear error, not a cryptic TLS failure.
STRONGSWAN_CONF = """\
pki {
  load = pem pkcs1 pkcs8 x509 pkcs7 openssl! random nonce sha1 sha2 hmac
}
"""


def missing(reason: str) -> None:
    """In CI a missing client is a failure; on a developer machine, a skip."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def run(cmd: list[str], stdin: bytes | None = None) -> bytes:
    done = subprocess.run(cmd, input=stdin, capture_output=True, timeout=TIMEOUT)
    assert done.returncode == 0, f"{cmd[:2]} exited {done.returncode}: {done.stderr.decode()}"
    return done.stdout


class StrongSwan:
    """strongSwan's pki with its own strongswan.conf, working in one directory."""

    def __init__(self, workdir: Path) -> None:
        assert PKI is not None
        self.pki, self.dir = PKI, workdir
        conf = workdir / "strongswan.conf"
        conf.write_text(STRONGSWAN_CONF)
        self.env = {**os.environ, "STRONGSWAN_CONF": str(conf)}

    def run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([self.pki, *args], capture_output=True, cwd=self.dir, env=self.env,
                              timeout=TIMEOUT)

    def ok(self, *args: str) -> bytes:
        done = self.run(*args)
        assert done.returncode == 0, f"pki {args[0]} failed:\n{done.stderr.decode()}"
        return done.stdout

    def request(self, stem: str, dn: str, *sans: str, kind: str = "ecdsa",
                size: int = 256) -> tuple[Path, Path]:
        """A new key and a DER PKCS#10 request for it, both made by pki."""
        key, req = self.dir / f"{stem}.key.der", self.dir / f"{stem}.req.der"
        key.write_bytes(self.ok("--gen", "--type", kind, "--size", str(size)))
        alt = [arg for name in sans for arg in ("--san", name)]
        req.write_bytes(self.ok("--req", "--in", str(key), "--type", kind, "--dn", dn, *alt))
        return key, req

    def estca(self, at: str, server: Server, caout: str = "ca") -> subprocess.CompletedProcess[bytes]:
        return self.run("--estca", "--url", at, "--cacert", str(server.ca), "--caout", caout)

    def est(self, at: str, server: Server, req: Path, *auth: str) -> subprocess.CompletedProcess[bytes]:
        """pki --est; the certificate (DER) is on stdout.  Polling is bounded."""
        return self.run("--est", "--url", at, "--cacert", str(server.ca), "--in", str(req),
                        *auth, "--interval", "1", "--maxpolltime", "5")

    def enroll(self, server: Server, stem: str, dn: str, *sans: str, kind: str = "ecdsa",
               size: int = 256) -> tuple[Path, Path, x509.Certificate]:
        """Key, certificate file and certificate from a Basic simpleenroll."""
        key, req = self.request(stem, dn, *sans, kind=kind, size=size)
        done = self.est(url(server), server, req, *USERPASS)
        assert done.returncode == 0, done.stderr.decode()
        cert = self.dir / f"{stem}.der"
        cert.write_bytes(done.stdout)
        return key, cert, x509.load_der_x509_certificate(done.stdout)


@pytest.fixture(scope="module")
def strongswan_usable(tmp_path_factory: pytest.TempPathFactory) -> None:
    """pki is installed and can make an ECDSA key (its openssl plugin loads)."""
    if PKI is None:
        missing("strongSwan's pki is not installed (apt-get install strongswan-pki)")
    probe = StrongSwan(tmp_path_factory.mktemp("probe")).run("--gen", "--type", "ecdsa")
    if probe.returncode != 0:
        missing("strongSwan's openssl plugin is missing (apt-get install "
                f"libstrongswan-standard-plugins): {probe.stderr.decode().strip()}")


@pytest.fixture
def sw(strongswan_usable: None, tmp_path: Path) -> StrongSwan:
    workdir = tmp_path / "strongswan"
    workdir.mkdir()
    return StrongSwan(workdir)


@pytest.fixture
def server(start_estra: Callable[..., Server]) -> Iterator[Server]:
    """A default estra with user alice."""
    s = start_estra()
    s.add_user("alice")
    yield s
    assert s.alive(), "estra died:\n" + s.log.read_text()


def url(server: Server, path: str = "") -> str:
    return f"https://localhost:{server.port}{path}"


def sans_of(cert: x509.Certificate) -> list[x509.GeneralName]:
    return list(cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)


def ca_cert(server: Server) -> x509.Certificate:
    return x509.load_pem_x509_certificate(server.ca.read_bytes())


def test_estca_writes_the_trust_anchor(server: Server, sw: StrongSwan) -> None:
    """pki --estca writes exactly one file, <caout>.der, holding the CA in ca.pem."""
    done = sw.estca(url(server), server)
    assert done.returncode == 0, done.stderr.decode()
    assert sorted(p.name for p in sw.dir.glob("ca*")) == ["ca.der"]
    assert x509.load_der_x509_certificate((sw.dir / "ca.der").read_bytes()) == ca_cert(server)


def test_enroll_with_basic(server: Server, sw: StrongSwan) -> None:
    """pki --est --userpass gets a certificate for its key, subject and SAN; openssl verifies it."""
    key, _, cert = sw.enroll(server, "dev", "CN=sw-dev", "sw-dev.example", "10.1.2.3")
    assert cert.subject == pki.name("sw-dev")
    assert sans_of(cert) == pki.sans("sw-dev.example", "10.1.2.3")
    assert serialization.load_der_private_key(key.read_bytes(), None).public_key() == cert.public_key()
    pem = sw.dir / "dev.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    assert run(["openssl", "verify", "-CAfile", str(server.ca), str(pem)]).strip().endswith(b"OK")


def test_reenroll_with_issued_certificate(server: Server, sw: StrongSwan) -> None:
    """pki --est --cert/--key renews with the same names and a new key; a changed subject is 403."""
    old_key, old_cert, old = sw.enroll(server, "old", "CN=sw-renew", "sw-renew.example")
    _, req = sw.request("new", "CN=sw-renew", "sw-renew.example")
    done = sw.est(url(server), server, req, "--cert", str(old_cert), "--key", str(old_key))
    assert done.returncode == 0, done.stderr.decode()
    new = x509.load_der_x509_certificate(done.stdout)
    assert (new.subject, sans_of(new)) == (old.subject, sans_of(old))
    assert new.serial_number != old.serial_number and new.public_key() != old.public_key()

    _, req = sw.request("other", "CN=someone-else", "sw-renew.example")
    done = sw.est(url(server), server, req, "--cert", str(old_cert), "--key", str(old_key))
    assert done.returncode != 0 and done.stdout == b""
    assert b"HTTP 403" in done.stderr
    assert "reenroll-subject" in server.log.read_text()
    assert parse_http(server.curl("cacerts").stdout)[0] == 200


def test_openssl_and_strongswan_share_one_server(server: Server, sw: StrongSwan,
                                                 tmp_path: Path) -> None:
    """Auto layout: one server gives curl|openssl 64 columns and pki one line, both over 1024 chars."""
    # The README's recipe: curl | openssl base64 -d | openssl pkcs7 -print_certs.
    cacerts = run(["curl", "-sS", "--cacert", str(server.ca), f"{server.base}/cacerts"])
    assert max(len(line) for line in cacerts.splitlines()) == 64
    pem = run(["openssl", "pkcs7", "-inform", "DER", "-print_certs"],
              run(["openssl", "base64", "-d"], cacerts))
    assert x509.load_pem_x509_certificates(pem) == [ca_cert(server)]

    # An RSA-3072 certificate makes the answer longer than OpenSSL's 1024-character line limit.
    csr = run(["openssl", "req", "-new", "-newkey", "rsa:3072", "-nodes", "-keyout",
               str(tmp_path / "curl.key"), "-subj", "/CN=curl-dev", "-outform", "DER"])
    (tmp_path / "req.b64").write_bytes(run(["openssl", "base64"], csr))   # 64 columns
    answer = run(["curl", "-sS", "--fail", "--cacert", str(server.ca),
                  "--user", f"alice:{PASSWORD}", "-H", "Content-Type: application/pkcs10",
                  "--data-binary", f"@{tmp_path / 'req.b64'}", f"{server.base}/simpleenroll"])
    assert len(b"".join(answer.split())) > 1024
    assert max(len(line) for line in answer.splitlines()) == 64
    der = run(["openssl", "base64", "-d"], answer)
    pem = run(["openssl", "pkcs7", "-inform", "DER", "-print_certs"], der)
    assert x509.load_pem_x509_certificates(pem)[0].subject == pki.name("curl-dev")
    one_line = b"".join(answer.split()) + b"\n"
    assert run(["openssl", "base64", "-d"], one_line) != der, "OpenSSL decoded a 1024+ char line"

    # strongSwan against the same server, with an answer as long.
    done = sw.estca(url(server), server)
    assert done.returncode == 0, done.stderr.decode()
    _, _, cert = sw.enroll(server, "big", "CN=sw-big", "sw-big.example", kind="rsa", size=3072)
    assert cert.subject == pki.name("sw-big")
    assert len(cert.public_bytes(serialization.Encoding.DER)) * 4 // 3 > 1024


def test_label_url_is_not_reachable(server: Server, sw: StrongSwan) -> None:
    """pki appends /.well-known/est/<op> to --url, so an RFC 7030 label URL becomes a 404."""
    done = sw.estca(url(server, "/.well-known/est/any"), server)
    assert done.returncode != 0 and b"HTTP 404" in done.stderr
    assert '"GET /.well-known/est/any/.well-known/est/cacerts HTTP/1.1" 404' in server.log.read_text()


def test_wrapped_profile_defeats_pki(start_estra: Callable[..., Server], sw: StrongSwan) -> None:
    """pki cannot parse answers from a base64_layout = "wrapped" profile; an auto one works."""
    server = start_estra('[profiles.wrapped]\nbase64_layout = "wrapped"\n\n'
                         '[profiles.auto]\nbase64_layout = "auto"\n')
    server.add_user("alice")
    _, req = sw.request("dev", "CN=sw-label")

    def label(name: str, op: str) -> str:
        # A trailing '?' turns what pki appends into a query string estra ignores.
        return url(server, f"/.well-known/est/{name}/{op}?")

    for name, works in (("auto", True), ("wrapped", False)):
        for done in (sw.estca(label(name, "cacerts"), server, caout=name),
                     sw.est(label(name, "simpleenroll"), server, req, *USERPASS)):
            assert (done.returncode == 0) is works, done.stderr.decode()
            if not works:
                assert b"could not parse" in done.stderr
    log = server.log.read_text()
    for op in ("cacerts", "simpleenroll"):   # estra answered every request, on the label's profile
        assert log.count(f"{op} [wrapped] 200") == log.count(f"{op} [auto] 200") == 1
    assert server.alive()
