"""strongSwan's pki as a real EST client: runner and fixtures shared by the tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509

from tests.conftest import PASSWORD, Server, missing

PKI = shutil.which("pki")
TIMEOUT = 60
USERPASS = ("--userpass", f"alice:{PASSWORD}")
# An explicit plugin list: without revocation pki never fetches CRLs or OCSP
# (curl is its HTTP fetcher for SCEP); openssl (ECDSA, ECDH, AES-GCM for estra's EC CA
# and TLS) is marked critical so its absence is one clear error, not a cryptic TLS failure.
STRONGSWAN_CONF = """\
pki {
  load = pem pkcs1 pkcs8 x509 pkcs7 openssl! random nonce sha1 sha2 hmac curl
}
"""


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

    def estca(self, at: str, server: Server,
              caout: str = "ca") -> subprocess.CompletedProcess[bytes]:
        return self.run("--estca", "--url", at, "--cacert", str(server.ca), "--caout", caout)

    def est(self, at: str, server: Server, req: Path,
            *auth: str) -> subprocess.CompletedProcess[bytes]:
        """pki --est; the certificate (DER) is on stdout.  Polling is bounded."""
        return self.run("--est", "--url", at, "--cacert", str(server.ca), "--in", str(req),
                        *auth, "--interval", "1", "--maxpolltime", "5")

    def enroll(self, server: Server, stem: str, dn: str, *sans: str, kind: str = "ecdsa",
               size: int = 256) -> tuple[Path, Path, x509.Certificate]:
        """Key, certificate file and certificate from a Basic simpleenroll."""
        key, req = self.request(stem, dn, *sans, kind=kind, size=size)
        done = self.est(f"https://localhost:{server.port}", server, req, *USERPASS)
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
