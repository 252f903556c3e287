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
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from estra import config, tokens
from estra.console.health import HealthMonitor, standard_checks
from estra.errors import TokenUnavailable
from tests import pki
from twisted.internet import reactor
from twisted.internet.task import deferLater
from twisted.python.filepath import FilePath
from twisted.trial.unittest import TestCase

from estra.ca.local import LocalCA
from tests.conftest import Server, estra_cli, estra_env, issued, parse_http
from tests.strongswan import StrongSwan, missing
from tests.test_crl import deferred_test
from tests.test_revoke import fetch_crl, openssl_verify
from tests.test_rollover import ca_cli, hangup
from estra.asn1 import scep_message as sm
from tests.test_scep import Device, ra_certificates, request_for, self_signed
from tests.test_scep import fetch as scep_fetch
from tests.test_scep_security import forged_envelopes
from tests.test_scep_clients import RA_CN, Scep, ScepClient, cn_of, load_cert
from tests.test_upstream_cfssl import free_port

PIN = "estra-pin-4711"
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
    """Nothing in the state directory (the store included) holds a private key (only the
    URI wrapper) or the PIN."""
    for path in state.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"PRIVATE KEY-----" not in data and PIN.encode() not in data, path


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
    `openssl verify -crl_check` with the CRL the token's CA key signed, and `openssl
    ocsp` verifies the responder's answers (signed on the token) for both."""
    server = start_on_token(start_estra, softhsm, softhsm.config() + f"""
[ca]
key = "{CA_URI}"

[tls]
key = "{TLS_URI}"

[crl]
listen = "tcp:{crl_port}:interface=127.0.0.1"
url = "http://127.0.0.1:{crl_port}/crl/ca.crl"
ocsp_url = "http://127.0.0.1:{crl_port}/ocsp"
""")
    server.add_user("alice")
    assert softhsm.labels() == {"ca", "tls"}
    no_private_key_files(server.state)
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
    for cert, answer in ((by_curl, "revoked"), (by_strongswan, "good")):
        leaf = tmp_path / f"ocsp-{cert.serial_number:x}.pem"
        leaf.write_bytes(cert.public_bytes(pki.PEM))
        done = subprocess.run(["openssl", "ocsp", "-issuer", str(server.ca), "-cert", str(leaf),
                               "-CAfile", str(server.ca), "-url",
                               f"http://127.0.0.1:{crl_port}/ocsp"],
                              capture_output=True, text=True, timeout=30)
        assert "Response verify OK" in done.stderr + done.stdout, done.stderr
        assert f"{leaf}: {answer}" in done.stdout, done.stdout
    assert server.alive()
    assert PIN not in server.stop()
    no_private_key_files(server.state)        # the store too, after the enrollments


def test_scep_ra_key_on_token(start_estra: Callable[..., Server], softhsm: SoftHsm,
                              sw: StrongSwan, tmp_path: Path) -> None:
    """The SCEP RA key made on the token: scepclient and strongSwan's pki enroll (the
    request decrypted and the CertRep signed on the token); forged envelopes that fail
    at each step (the token refusing the RSA block among them) are answered alike."""
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

    # every envelope that cannot be used, decrypted on the token, gets the one answer
    ra, _ = ra_certificates(server)
    forger = self_signed("oracle")
    seen = set()
    for envelope in forged_envelopes(ra, pki.der(request_for(forger, "oracle", "sesame"))
                                     ).values():
        request = sm.pki_message(sm.MessageType.PKCSReq, envelope, "T-ORACLE", forger)
        status, _, body = scep_fetch(server, "/scep?operation=PKIOperation", request.der)
        reply = request.check(sm.parse(body, [ra]))
        seen.add((status, len(body), reply.status, reply.fail_info, reply.fail_info_text))
    assert len(seen) == 1 and next(iter(seen))[2:4] == (sm.Status.FAILURE,
                                                       sm.FailInfo.badMessageCheck), seen

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


def test_reload_with_a_hung_token_is_refused(start_estra: Callable[..., Server],
                                             softhsm: SoftHsm) -> None:
    """SIGHUP while the SCEP RA key's token does not answer: the reactor keeps serving
    (GetCACert answers at once) while the key is opened on the token's worker; at the
    timeout the reload is refused with one line naming the token and the running
    configuration serves on; with the token back, the next SIGHUP reloads."""
    from tests.conftest import SCEP_CONFIG
    config = softhsm.config(timeout=3) + f'[scep]\nkey = "{SCEP_URI}"\n' + \
        SCEP_CONFIG.replace("[scep]\n", "")
    server = start_estra(config)

    def lines(text: str) -> list[str]:
        return [ln for ln in server.log.read_text().splitlines() if text in ln]
    release = softhsm.hold()
    try:
        server.config.write_text(config + "# changed\n")
        server.proc.send_signal(signal.SIGHUP)
        started = time.monotonic()
        assert scep_fetch(server, "/scep?operation=GetCACert")[0] == 200
        assert time.monotonic() - started < 2
        deadline = time.monotonic() + 20
        while not lines("reload refused"):
            assert time.monotonic() < deadline and server.alive(), server.log.read_text()
            time.sleep(0.05)
    finally:
        release()
    refused = lines("reload refused")
    assert len(refused) == 1 and "token estra" in refused[0], refused
    assert scep_fetch(server, "/scep?operation=GetCACert")[0] == 200
    server.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 20
    while not lines("configuration reloaded from"):
        assert time.monotonic() < deadline and server.alive(), server.log.read_text()
        time.sleep(0.05)
    assert len(lines("reload refused")) == 1


def test_a_relabelled_key_never_signs_for_the_old_one(softhsm: SoftHsm) -> None:
    """A key opened as `ca`, then a rollover relabels it `ca-old` and another key `ca`
    (on this or a node sharing the token): the old key object refuses to sign (503,
    retry) rather than sign with the key now labelled `ca`; the new one signs."""
    said = softhsm.python(
        "from estra import tokens\n"
        "from estra.errors import TokenUnavailable\n"
        "from cryptography.hazmat.primitives import hashes\n"
        "from cryptography.hazmat.primitives.asymmetric import ec\n"
        f"s = tokens.TokenSettings(pin_file={str(softhsm.pin_file)!r})\n"
        f"old = tokens.generate_key({CA_URI!r}, s)\n"
        "old.sign(b'before', ec.ECDSA(hashes.SHA256()))\n"
        f"tokens.generate_key(tokens.labelled({CA_URI!r}, 'ca.next'), s)\n"
        f"tokens.relabel({CA_URI!r}, s, [('ca', 'ca-old'), ('ca.next', 'ca')])\n"
        f"new = tokens.open_key({CA_URI!r}, s)\n"
        "try:\n"
        "    old.sign(b'after', ec.ECDSA(hashes.SHA256()))\n"
        "    print('old signed')\n"
        "except TokenUnavailable as e:\n"
        "    print('refused', e.status, e.reason)\n"
        "sig = new.sign(b'new', ec.ECDSA(hashes.SHA256()))\n"
        "new.public_key().verify(sig, b'new', ec.ECDSA(hashes.SHA256()))\n"
        "print('new signed')\n")
    assert "refused 503 pkcs11:token=estra;object=ca names another key" in said, said
    assert "new signed" in said and "old signed" not in said


# -- the URI and configuration, no token needed ----------------------------------------


def test_uri_attributes() -> None:
    """RFC 7512 path and query attributes estra reads, percent-decoded; the rest refused
    by name, the PIN value refused without being echoed."""
    uri = tokens.parse_uri("pkcs11:token=my%20hsm;object=ca;id=%01%02;type=private"
                           "?pin-source=file:/etc/estra/pin&module-path=/opt/hsm.so")
    assert (uri.token, uri.object, uri.id, uri.pin_source, uri.module) == (
        "my hsm", "ca", b"\x01\x02", "file:/etc/estra/pin", "/opt/hsm.so")
    assert str(uri) == "pkcs11:token=my hsm;object=ca"
    for text, problem in (
            ("pkcs11:token=t;object=o?pin-value=123456", "pin-value is refused"),
            ("pkcs11:token=t;object=o;slot-id=3", "unsupported attribute 'slot-id'"),
            ("pkcs11:token=t;object=o;type=public", "type must be private"),
            ("pkcs11:token=t", "object= (or id=) are required"),
            ("pkcs11:token=t;object=o?pin-source=env:PIN", "pin-source must be file:"),
            ("/etc/estra/ca.key", "starts with pkcs11:")):
        with pytest.raises(ValueError, match=re.escape(problem)) as caught:
            tokens.parse_uri(text)
        assert "123456" not in str(caught.value)


def test_pin_from_file_or_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The URI's pin-source wins over [pkcs11] pin_file; pin_env is read when set; a
    missing PIN names where it was looked for, never a value."""
    (tmp_path / "a").write_text("1111\n")
    (tmp_path / "b").write_text("2222\r\n")
    uri = tokens.parse_uri(f"pkcs11:token=t;object=o?pin-source=file:{tmp_path / 'a'}")
    assert tokens.read_pin(uri, tokens.TokenSettings(pin_file=str(tmp_path / "b"))) == "1111"
    bare = tokens.parse_uri("pkcs11:token=t;object=o")
    assert tokens.read_pin(bare, tokens.TokenSettings(pin_file=str(tmp_path / "b"))) == "2222"
    monkeypatch.setenv("ESTRA_TEST_PIN", "3333")
    assert tokens.read_pin(bare, tokens.TokenSettings(pin_env="ESTRA_TEST_PIN")) == "3333"
    with pytest.raises(ValueError, match="ESTRA_NO_PIN .* is not set"):
        tokens.read_pin(bare, tokens.TokenSettings(pin_env="ESTRA_NO_PIN"))
    with pytest.raises(ValueError, match="no PIN"):
        tokens.read_pin(bare, tokens.TokenSettings())


@pytest.mark.parametrize("text,problem", [
    ('[ca]\nkey = "elsewhere.key"', "ca.key: a pkcs11: URI, or unset"),
    ('[tls]\nkey = "pkcs11:token=t"', "tls.key: token= and object="),
    ('[scep]\nkey = "pkcs11:token=t;object=o?pin-value=9"', "scep.key: pin-value is refused"),
    ('[pkcs11]\npin_file = "/p"\npin_env = "P"', "give pin_file or pin_env, not both"),
    ('[pkcs11]\ntimeout = 0', "pkcs11.timeout"),
    ('[upstreams.s]\nkind = "scep"\nurl = "http://ca.test/scep"\nclient_cert = "/etc/hostname"'
     '\nclient_key = "pkcs11:token=t;object=o"', "the SCEP client key must be a file"),
])
def test_config_refuses(text: str, problem: str) -> None:
    """A bad key setting or [pkcs11] is a configuration error naming the key."""
    with pytest.raises(config.ConfigError, match=re.escape(problem)):
        config.settings_from_string(text, state_dir="/nonexistent")


def test_config_reads_uris() -> None:
    """Each key setting may be a URI; the TLS key becomes the PEM-wrapped URI file."""
    settings = config.settings_from_string(
        '[pkcs11]\npin_env = "PIN"\ntimeout = 2\nqueue = 8\n'
        f'[ca]\nkey = "{CA_URI}"\n[tls]\nkey = "{TLS_URI}"\n[scep]\nkey = "{SCEP_URI}"\n',
        state_dir="/srv/estra")
    assert (settings.ca_key_uri, settings.tls_key_uri, settings.scep_key_uri) == (
        CA_URI, TLS_URI, SCEP_URI)
    assert settings.tls_key.path == "/srv/estra/" + tokens.PROVIDER_KEY
    assert settings.pkcs11 == tokens.TokenSettings(pin_env="PIN", timeout=2, queue=8)


def test_tls_key_on_token_needs_openssl_conf(softhsm: SoftHsm, tmp_path: Path) -> None:
    """Without OPENSSL_CONF naming the configuration estra wrote, OpenSSL cannot read the
    TLS key: check-config (as start-up) fails with the one line that says what to set;
    with it, check-config passes."""
    conf = tmp_path / "estra.toml"
    conf.write_text(softhsm.config() + f'[tls]\nkey = "{TLS_URI}"\n')
    state = tmp_path / "state"
    done = estra_cli("--config", str(conf), "--state-dir", str(state), "init")
    assert done.returncode == 0, done.stderr
    assert (state / tokens.OPENSSL_CONFIG).exists() and (state / tokens.PROVIDER_KEY).exists()
    refused = estra_cli("--config", str(conf), "--state-dir", str(state), "check-config")
    assert refused.returncode != 0
    assert f"OPENSSL_CONF={state / tokens.OPENSSL_CONFIG}" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr and PIN not in refused.stderr
    done = subprocess.run([sys.executable, "-m", "estra.cli", "--config", str(conf),
                           "--state-dir", str(state), "check-config"], capture_output=True,
                          text=True, timeout=60,
                          env={**estra_env(), "OPENSSL_CONF": str(state / tokens.OPENSSL_CONFIG)})
    assert done.returncode == 0, done.stderr


def test_ca_rollover_on_token(start_estra: Callable[..., Server], softhsm: SoftHsm,
                              tmp_path: Path) -> None:
    """`estra ca rollover` makes the new CA key on the token and relabels the old one
    `ca-old`; after SIGHUP new certificates come from the new root and verify through
    NewWithOld for a device trusting only the old root; retire-old relabels the old key
    `ca-retired-<time>`; no CA key file is ever written."""
    server = start_estra(softhsm.config() + f'[ca]\nkey = "{CA_URI}"\n')
    server.add_user("alice")
    old_root = tmp_path / "old-root.pem"
    old_root.write_bytes(server.ca.read_bytes())

    done = ca_cli(server, "rollover")
    assert done.returncode == 0, done.stderr
    assert softhsm.labels() == {"ca", "ca-old"}
    assert not (server.state / "ca.key").exists() and not (server.state / "ca-old.key").exists()
    hangup(server)
    new_root = x509.load_pem_x509_certificate(server.ca.read_bytes())
    assert new_root.subject.rfc4514_string() == "CN=estra local CA G2,O=estra"
    status, _, body = server.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("after")))
    assert status == 200, body
    leaf = issued(body)[0]
    leaf.verify_directly_issued_by(new_root)
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(pki.PEM))
    verify = subprocess.run(["openssl", "verify", "-CAfile", str(old_root), "-untrusted",
                             str(server.state / "ca-newwithold.pem"), str(tmp_path / "leaf.pem")],
                            capture_output=True, text=True, timeout=30)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    done = ca_cli(server, "retire-old")
    assert done.returncode == 0, done.stderr
    labels = softhsm.labels()
    assert "ca" in labels and "ca-old" not in labels and len(labels) == 2
    assert next(iter(labels - {"ca"})).startswith("ca-retired-")
    hangup(server)
    assert server.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("late")))[0] == 200
    assert not (server.state / "ca.key").exists()


# -- the worker: bounded, timed, recovering (no PKCS#11 call needed) --------------------


class TokenWorkerTests(TestCase):
    """One worker thread per token, a queue of one here, half a second to answer."""

    def setUp(self) -> None:
        self.token = tokens.Token(tokens.SOFTHSM2, "stuck", "", tokens.TokenSettings(
            timeout=0.5, queue=1))
        self.gate = threading.Event()
        self.addCleanup(self.gate.set)

    def hold(self, started: threading.Event) -> bool:
        """Token work that says it started, then does not finish until the gate opens."""
        started.set()
        return self.gate.wait()

    @deferred_test
    async def test_stuck_token_is_503_then_recovers(self) -> None:
        """A call the token does not finish: the next waits in the queue, one more is
        refused at once (busy, 503 + Retry-After); the first times out as 503 and marks
        the token down; the token answering again clears it."""
        started = threading.Event()
        first = self.token.call(lambda: self.hold(started))
        self.assertTrue(started.wait(10))
        queued = self.token.call(lambda: "queued")
        with self.assertRaises(TokenUnavailable) as busy:
            self.token.call(lambda: "refused")
        self.assertEqual((busy.exception.status, busy.exception.headers()["Retry-After"]),
                         (503, "5"))
        self.assertIn("busy", busy.exception.reason)
        for waiting in (first, queued):
            with self.assertRaises(TokenUnavailable) as late:
                await waiting
            self.assertEqual(late.exception.headers()["Retry-After"], "30")
        self.assertEqual(self.token.problem, "no answer within 0.5 s")
        self.gate.set()           # the worker goes on: past the abandoned call, then ours
        for _ in range(200):
            try:
                again = await self.token.call(lambda: "again")
                break
            except TokenUnavailable:         # the abandoned call still holds the slot
                await deferLater(reactor, 0.05, lambda: None)
        self.assertEqual((again, self.token.problem), ("again", ""))

    @deferred_test
    async def test_console_shows_a_stuck_token(self) -> None:
        """The console's health probes list each token; a stuck one is FAILED, saying it
        does not answer (the monitor's own deadline is not what ends it)."""
        started = threading.Event()
        self.token.call(lambda: self.hold(started)).addErrback(lambda _: None)
        self.assertTrue(started.wait(10))
        probes = standard_checks(None, dict, {}, time.time, tokens=lambda: [self.token])()
        name = "PKCS#11 token stuck"
        monitor = HealthMonitor(lambda: {name: probes[name]}, reactor, deadline=30)
        await monitor.probe_all()
        result = monitor.results[name]
        self.assertFalse(result.ok)
        self.assertIn("token stuck is not answering", result.status)
