"""Keys that never leave a token (issue #22), against SoftHSM2 initialised by each test.

The embedded CA key and the TLS server key on the token: curl and strongSwan's pki
enroll over TLS that OpenSSL's pkcs11-provider signs, and the certificates and the CRL
the token's CA key signed pass `openssl verify -crl_check`.  The SCEP RA key on the
token: micromdm scepclient and strongSwan enroll.  The token made unavailable while
requests run (another process holds the token's file locks, as SoftHSM2's own tools
do while they write): 503 + Retry-After, /healthz 503, and 200 again once released.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from estra import tokens
from tests import pki
from twisted.python.filepath import FilePath

from estra.upstream.local import LocalCA
from tests.conftest import PASSWORD, Server, estra_cli, estra_env, issued, parse_http
from tests.strongswan import StrongSwan, missing, sw, strongswan_usable  # noqa: F401
from tests.test_revoke import fetch_crl, openssl_verify
from tests.test_scep import Device
from tests.test_scep_clients import RA_CN, Scep, ScepClient, cn_of, load_cert
from tests.test_upstream_cfssl import free_port

PIN = "4711"
CA_URI = "pkcs11:token=estra;object=ca"
TLS_URI = "pkcs11:token=estra;object=tls"
SCEP_URI = "pkcs11:token=estra;object=scep-ra"
RA_URI = "pkcs11:token=estra;object=ra-client"


class SoftHsm:
    """A SoftHSM2 token "estra" in its own SOFTHSM2_CONF directory, PIN in a file."""

    def __init__(self, directory: Path) -> None:
        if shutil.which("softhsm2-util") is None or not os.path.exists(tokens.SOFTHSM2):
            missing("SoftHSM2 is not installed (apt-get install softhsm2)")
        self.tokens = directory / "tokens"
        self.tokens.mkdir(parents=True)
        self.conf = directory / "softhsm2.conf"
        self.conf.write_text(f"directories.tokendir = {self.tokens}\n"
                             "objectstore.backend = file\nlog.level = ERROR\n")
        self.pin_file = directory / "pin"
        self.pin_file.write_text(PIN + "\n")
        os.chmod(self.pin_file, 0o600)
        done = subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "estra",
                               "--so-pin", "12345678", "--pin", PIN],
                              env={**os.environ, "SOFTHSM2_CONF": str(self.conf)},
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr

    def config(self, timeout: float = 5) -> str:
        return f'[pkcs11]\npin_file = "{self.pin_file}"\ntimeout = {timeout}\n'

    def python(self, script: str) -> str:
        """Run `script` in a new process on this token (a module initialised in this
        process would keep the first test's SOFTHSM2_CONF); its stdout."""
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env={**estra_env(), "SOFTHSM2_CONF": str(self.conf)},
                              timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def labels(self) -> set[str]:
        """The labels of the private keys on the token."""
        return set(self.python(
            "import pkcs11\n"
            f"token = pkcs11.lib({tokens.SOFTHSM2!r}).get_token(token_label='estra')\n"
            f"with token.open(user_pin={PIN!r}) as s:\n"
            "    print('\\n'.join(o.label for o in s.get_objects("
            "{pkcs11.Attribute.CLASS: pkcs11.ObjectClass.PRIVATE_KEY})))").split())

    def make_key(self, uri: str) -> Any:
        """A new EC key on the token (as estra makes them); its public key."""
        return serialization.load_pem_public_key(self.python(
            "from estra import tokens\nfrom cryptography.hazmat.primitives import "
            "serialization as s\n"
            f"key = tokens.generate_key({uri!r}, tokens.TokenSettings(pin_file="
            f"{str(self.pin_file)!r}))\n"
            "print(key.public_key().public_bytes(s.Encoding.PEM, "
            "s.PublicFormat.SubjectPublicKeyInfo).decode())").encode())

    def hold(self) -> Callable[[], None]:
        """Another process takes the token's file locks (fcntl, as SoftHSM2 does) until
        the returned function is called: the token stops answering."""
        files = [self.tokens / d / n for d in os.listdir(self.tokens)
                 for n in os.listdir(self.tokens / d)]
        holder = subprocess.Popen(
            ["python3", "-c", "import fcntl, sys\nfs = [open(p, 'r+b') for p in sys.argv[1:]]\n"
             "[fcntl.lockf(f, fcntl.LOCK_EX) for f in fs]\nprint('held', flush=True)\n"
             "sys.stdin.read()", *map(str, files)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"

        def release() -> None:
            assert holder.stdin is not None
            holder.stdin.close()
            holder.wait(10)
        return release


@pytest.fixture
def softhsm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SoftHsm:
    hsm = SoftHsm(tmp_path / "softhsm")
    monkeypatch.setenv("SOFTHSM2_CONF", str(hsm.conf))     # estra init, twistd, the CLI
    return hsm


def no_private_key_files(state: Path) -> None:
    """Nothing in the state directory holds a private key (only the URI wrapper)."""
    for path in state.rglob("*"):
        if path.is_file():
            assert b"PRIVATE KEY-----" not in path.read_bytes(), path


def start_on_token(start_estra: Callable[..., Server], softhsm: SoftHsm, config: str,
                   **kw: Any) -> Server:
    """estra with `config`; twistd started with OPENSSL_CONF naming the configuration
    estra init wrote (relative: twistd runs in the directory holding `state`)."""
    return start_estra(config, env={"OPENSSL_CONF": "state/" + tokens.OPENSSL_CONFIG}, **kw)


@pytest.fixture
def crl_port() -> int:
    return free_port()


def test_ca_and_tls_keys_on_token(start_estra: Callable[..., Server], softhsm: SoftHsm,
                                  sw: StrongSwan, crl_port: int, tmp_path: Path) -> None:
    """estra init makes the CA and TLS keys on the token; curl and strongSwan enroll over
    TLS signed on the token; a revoked certificate fails and a good one passes
    `openssl verify -crl_check` with the CRL the token's CA key signed."""
    server = start_on_token(start_estra, softhsm, softhsm.config() + f"""
[ca]
key = "{CA_URI}"

[tls]
key = "{TLS_URI}"

[crl]
listen = "tcp:{crl_port}:interface=127.0.0.1"
url = "http://127.0.0.1:{crl_port}/crl/ca.crl"
""")
    server.add_user("alice")
    assert softhsm.labels() == {"ca", "tls"}
    no_private_key_files(server.state)
    assert PIN not in server.log.read_text()
    ca = x509.load_pem_x509_certificate(server.ca.read_bytes())
    tls = x509.load_pem_x509_certificate((server.state / "server.pem").read_bytes())
    tls.verify_directly_issued_by(ca)

    key = pki.ec_key()
    status, _, body = server.post("simpleenroll", pki.csr(key, pki.name("curl-dev")))
    assert status == 200, body
    by_curl = issued(body)[0]
    _, _, by_strongswan = sw.enroll(server, "sw", "CN=sw-dev")
    for cert in (by_curl, by_strongswan):
        cert.verify_directly_issued_by(ca)

    done = estra_cli("--config", str(server.config), "--state-dir", str(server.state),
                     "revoke", f"{by_curl.serial_number:x}", "--reason", "keyCompromise")
    assert done.returncode == 0, done.stderr
    status, _, der = fetch_crl(server, crl_port)
    assert status == 200
    crl = tmp_path / "ca.crl.pem"
    crl.write_bytes(x509.load_der_x509_crl(der).public_bytes(pki.PEM))
    revoked = openssl_verify(tmp_path, server, by_curl, "-CRLfile", str(crl))
    assert revoked.returncode != 0 and b"certificate revoked" in revoked.stdout + revoked.stderr
    good = openssl_verify(tmp_path, server, by_strongswan, "-CRLfile", str(crl))
    assert good.returncode == 0, good.stdout + good.stderr
    assert server.alive()
    assert PIN not in server.stop()


def test_scep_ra_key_on_token(start_estra: Callable[..., Server], softhsm: SoftHsm,
                              sw: StrongSwan, tmp_path: Path) -> None:
    """The SCEP RA key made on the token: scepclient and strongSwan's pki enroll (the
    request decrypted and the CertRep signed on the token)."""
    from tests.conftest import SCEP_CONFIG
    server = start_estra(softhsm.config() + f'[scep]\nkey = "{SCEP_URI}"\n' +
                         SCEP_CONFIG.replace("[scep]\n", ""))
    scep = Scep(server)
    assert "scep-ra" in softhsm.labels()
    assert not (server.state / "scep-ra.key").exists()
    assert cn_of(scep.ra) == RA_CN

    device = ScepClient(scep, tmp_path / "dev1")
    done = device.run("-challenge", "sesame", "-cn", "scep-dev1", "-organization", "lab")
    assert done.returncode == 0, done.stdout + done.stderr
    scep.verify(device.cert)
    assert cn_of(load_cert(device.cert)) == "scep-dev1"

    pki_device = Device(sw, server)
    done_sw = pki_device.scep(pki_device.key("printer"), "CN=printer1", "--password", "sesame")
    assert done_sw.returncode == 0, done_sw.stderr.decode()
    x509.load_der_x509_certificate(done_sw.stdout).verify_directly_issued_by(
        x509.load_pem_x509_certificate(server.ca.read_bytes()))


def test_token_unavailable_mid_load_is_503_then_200(start_estra: Callable[..., Server],
                                                    softhsm: SoftHsm) -> None:
    """Enrollments run while another process takes the token's locks: each request that
    needs the CA key answers 503 + Retry-After within the timeout, /healthz says 503
    naming the token; released, enrollments and /healthz are 200 again."""
    admin = free_port()
    server = start_estra(softhsm.config(timeout=1) + f"""
[ca]
key = "{CA_URI}"

[admin]
listen = "tcp:{admin}:interface=127.0.0.1"
""")
    server.add_user("alice")

    def enroll(n: int) -> tuple[int, dict[str, str], bytes]:
        return server.post("simpleenroll", pki.csr(pki.ec_key(), pki.name(f"load-{n}")))

    def healthz() -> tuple[int, dict[str, str], bytes]:
        done = subprocess.run(["curl", "-sS", "-i", "--max-time", "20",
                               f"http://127.0.0.1:{admin}/healthz"],
                              capture_output=True, timeout=30)
        return parse_http(done.stdout)

    assert enroll(0)[0] == 200 and healthz()[0] == 200
    with ThreadPoolExecutor(4) as pool:
        before = list(pool.map(enroll, range(1, 5)))
        release = softhsm.hold()
        try:
            during = list(pool.map(enroll, range(5, 13)))
            health = healthz()
        finally:
            release()
    assert [s for s, _, _ in before] == [200] * 4
    assert [s for s, _, _ in during] == [503] * 8, [b for _, _, b in during]
    assert all(h.get("retry-after") for _, h, _ in during)
    assert b"token estra" in during[0][2]
    assert health[0] == 503 and b"token estra" in health[2], health
    assert enroll(20)[0] == 200
    assert healthz()[0] == 200
    assert server.alive()


def test_ra_client_key_on_token(start_estra: Callable[..., Server], softhsm: SoftHsm,
                                tmp_path: Path) -> None:
    """The RA authenticates to an upstream estra (certificates only) with a client key on
    the token, through pkcs11-provider: a device's enrollment is issued upstream."""
    upstream_only = "[profiles.default]\nallow_basic = false\n"
    upstream = start_estra(upstream_only)
    ra_cert = LocalCA.load_or_create(
        FilePath(str(upstream.ca)), FilePath(str(upstream.state / "ca.key")), 1, time.time).issue(
        pki.name("estra RA"), softhsm.make_key(RA_URI), [], ["clientAuth", "cmcRA"], 30)
    ra_pem = tmp_path / "ra.pem"
    ra_pem.write_bytes(ra_cert.public_bytes(pki.PEM))
    upstream.restart(f'[tls]\nra_trust = ["{ra_pem}"]\n' + upstream_only)
    ra = start_on_token(start_estra, softhsm, softhsm.config() + f"""
[upstreams.corp]
kind = "est"
url = "https://localhost:{upstream.port}"
trust = "{upstream.ca}"
client_cert = "{ra_pem}"
client_key = "{RA_URI}"
timeout = 5

[profiles.default]
upstream = "corp"
""")
    ra.add_user("alice")
    assert (ra.state / tokens.OPENSSL_CONFIG).exists()
    status, _, body = ra.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("via-ra")))
    assert status == 200, body + ra.log.read_text().encode()
    cert = issued(body)[0]
    cert.verify_directly_issued_by(x509.load_pem_x509_certificate(upstream.ca.read_bytes()))
