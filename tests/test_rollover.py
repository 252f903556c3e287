"""Embedded CA rollover (RFC 7030 4.1.3) against a real twistd, curl and openssl."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Callable, cast

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7

from twisted.internet.defer import Deferred
from twisted.trial.unittest import SynchronousTestCase

from estra.config import load_settings
from estra.ca.rollover import RolloverError, next_generation, rollover
from estra.runtime.state import init_state
from estra.ca.local import LocalCA
from tests import pki
from tests.conftest import (PASSWORD, SCEP_CONFIG, Server, estra_behind_estra, estra_cli,
                            issued, parse_http, ra_config)
from tests.strongswan import StrongSwan
from tests.test_bouncycastle import BC
from tests.test_reload import reload
from tests.test_scep_clients import Scep, ScepClient

PKCS10 = ("-H", "Content-Type: application/pkcs10")


def run(cmd: list[str], input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(cmd, input=input, capture_output=True, timeout=60)


def ca_cli(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    return estra_cli("--config", str(server.config), "--state-dir", str(server.state),
                     "ca", *args)


SERVING = "now serving the embedded CA"


class OldDevice:
    """A device enrolled (through `server`) before a rollover: its certificate, its key and
    the request it renews with, as files under `tmp`."""

    def __init__(self, server: Server, tmp: Path) -> None:
        key = pki.ec_key()
        request = pki.csr(key, pki.name("old-device"))
        status, _, body = server.post("simpleenroll", request)
        assert status == 200, body
        self.key, self.leaf = key, issued(body)[0]
        self.cert, self.key_file = pki.write_pair(tmp, "old-device", self.leaf, key)
        self.renewal = tmp / "renew.b64"
        self.renewal.write_bytes(pki.b64(request))

    def reenroll(self, server: Server, cert: Path | None = None
                 ) -> tuple[int, dict[str, str], bytes]:
        """simplereenroll with its certificate (or `cert`, one issued for the same key)."""
        return parse_http(server.curl("simplereenroll", "--cert", str(cert or self.cert),
                                      "--key", str(self.key_file), "--data-binary",
                                      f"@{self.renewal}", *PKCS10).stdout)


def hangup(server: Server) -> None:
    """SIGHUP `server` and wait until it says which CA it now serves."""
    reload(server, server.config.read_text(), SERVING)


def test_rollover_keeps_old_devices_working(start_estra: Callable[..., Server],
                                            tmp_path: Path) -> None:
    """After `estra ca rollover` and SIGHUP (no restart): /cacerts holds the new root, both links
    and the old root; new certificates come from the new CA and verify for a device that
    trusts only the old root through NewWithOld; an old device re-enrolls; retire-old
    leaves the new root alone."""
    server = start_estra("")
    server.add_user("alice")
    device = OldDevice(server, tmp_path)
    old_root = tmp_path / "old-root.pem"
    old_root.write_bytes(server.ca.read_bytes())
    old_subject = x509.load_pem_x509_certificate(old_root.read_bytes()).subject

    done = ca_cli(server, "rollover")
    assert done.returncode == 0, done.stderr
    again = ca_cli(server, "rollover")
    assert again.returncode == 2 and "in progress" in again.stderr
    hangup(server)

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

    status, _, body = device.reenroll(server)
    assert status == 200, body
    renewed = issued(body)[0]
    assert renewed.issuer == new_root.subject
    assert renewed.subject == device.leaf.subject

    done = ca_cli(server, "retire-old")
    assert done.returncode == 0, done.stderr
    assert not (server.state / "ca-old.pem").exists()
    served = x509.load_pem_x509_certificates((server.state / "server.pem").read_bytes())
    assert served[1:] == [new_root]       # the link leaves the TLS chain too
    hangup(server)
    status, _, body = parse_http(server.curl("cacerts").stdout)
    assert status == 200 and issued(body) == [new_root]
    assert device.reenroll(server)[0] != 200
    assert PASSWORD  # alice's password still enrolls after retiring
    status, _, _ = server.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("late-device")))
    assert status == 200


def test_strongswan_across_the_rollover(start_estra: Callable[..., Server], sw: StrongSwan,
                                        tmp_path: Path) -> None:
    """strongSwan's pki: after a rollover and SIGHUP, --estca reads /cacerts (the new root,
    trusted, to ca.der, the old root to ca-root-2.der, the two links as sub CAs), and
    --est re-enrolls with the certificate the old CA issued before the rollover."""
    server = start_estra("")
    server.add_user("alice")
    old_key, old_cert, old = sw.enroll(server, "old", "CN=sw-roll", "sw-roll.example")
    rolled = ca_cli(server, "rollover")
    assert rolled.returncode == 0, rolled.stderr
    hangup(server)
    done = sw.estca(f"https://localhost:{server.port}", server)
    assert done.returncode == 0, done.stderr.decode()
    assert sorted(p.name for p in sw.dir.glob("ca*")) == \
        ["ca-1.der", "ca-2.der", "ca-root-2.der", "ca.der"]
    new_root = x509.load_pem_x509_certificate(server.ca.read_bytes())
    assert x509.load_der_x509_certificate((sw.dir / "ca.der").read_bytes()) == new_root
    assert b"Root CA cert is trusted" in done.stderr
    old_root = x509.load_der_x509_certificate((sw.dir / "ca-root-2.der").read_bytes())
    assert old_root.subject.rfc4514_string() == "CN=estra local CA,O=estra"
    assert old.issuer == old_root.subject

    _, req = sw.request("new", "CN=sw-roll", "sw-roll.example")
    done = sw.est(f"https://localhost:{server.port}", server, req,
                  "--cert", str(old_cert), "--key", str(old_key))
    assert done.returncode == 0, done.stderr.decode()
    renewed = x509.load_der_x509_certificate(done.stdout)
    assert (renewed.subject, renewed.issuer) == (old.subject, new_root.subject)
    renewed.verify_directly_issued_by(new_root)


def test_bouncycastle_across_the_rollover(start_estra: Callable[..., Server],
                                          bc_classpath: str, tmp_path: Path) -> None:
    """The Bouncy Castle EST client: after a rollover and SIGHUP getCACerts returns all four
    certificates (new root, both links, old root), and a device that still trusts only the
    old root (TLS server through NewWithOld) re-enrolls its old-CA certificate over TLS
    client authentication for one of the new CA."""
    server = start_estra("")
    server.add_user("alice")
    (tmp_path / "bc").mkdir()
    bc = BC(bc_classpath, server, tmp_path / "bc")
    old_cert, old_key, old = bc.enroll("old", "bc-roll", "bc-roll.example")
    (tmp_path / "old-root.pem").write_bytes(server.ca.read_bytes())
    device = BC(bc_classpath, cast(Server, SimpleNamespace(
        port=server.port, ca=tmp_path / "old-root.pem")), bc.dir)
    assert ca_cli(server, "rollover").returncode == 0
    hangup(server)
    bc.ok("cacerts", "--out", str(bc.dir / "cacerts.pem"))
    got = x509.load_pem_x509_certificates((bc.dir / "cacerts.pem").read_bytes())
    expected = [x509.load_pem_x509_certificate((server.state / name).read_bytes())
                for name in ("ca.pem", "ca-newwithold.pem", "ca-oldwithnew.pem", "ca-old.pem")]
    assert len(got) == 4 and set(got) == set(expected)
    device.ok("reenroll", "--cert", str(old_cert), "--key", str(old_key),
              "--out", str(bc.dir / "new.pem"), "--out-key", str(bc.dir / "new.key"))
    new = x509.load_pem_x509_certificates((bc.dir / "new.pem").read_bytes())[0]
    assert (new.subject, new.issuer) == (old.subject, expected[0].subject)


def wait_for_line(server: Server, line: str, before: int = 0, timeout: float = 30) -> None:
    """Wait until `server`'s log holds `line` more than `before` times."""
    deadline = time.monotonic() + timeout
    while server.log.read_text().count(line) <= before:
        assert time.monotonic() < deadline and server.alive(), server.log.read_text()
        time.sleep(0.1)


def test_two_nodes_on_postgres_follow_a_rollover(database: str, tmp_path: Path) -> None:
    """Two nodes with their own state directories and one CA share PostgreSQL; `estra ca
    rollover` with node A's config, and node B (no restart, no SIGHUP) serves the new
    /cacerts, signs new enrollments with the new CA and re-enrolls an old-CA certificate."""
    config = f'[store]\nurl = "{database}"\n\n[ca]\nsync_seconds = 1\n'
    (tmp_path / "a").mkdir()
    a = Server(tmp_path / "a", config)
    try:
        (tmp_path / "b" / "state").mkdir(parents=True, mode=0o700)
        for name in ("ca.pem", "ca.key"):       # the operator gives node B the same CA
            (tmp_path / "b" / "state" / name).write_bytes((a.state / name).read_bytes())
        b = Server(tmp_path / "b", config)
    except BaseException:
        a.stop()
        raise
    try:
        for node in (a, b):
            node.add_user("alice")
        device = OldDevice(b, tmp_path)
        (tmp_path / "old-root.pem").write_bytes(a.ca.read_bytes())

        done = ca_cli(a, "rollover")
        assert done.returncode == 0, done.stderr
        new_root = x509.load_pem_x509_certificate(a.ca.read_bytes())
        for node in (a, b):
            wait_for_line(node, SERVING + " CN=estra local CA G2")
        assert "picked up the CA rollover" in b.log.read_text()
        assert x509.load_pem_x509_certificate(b.ca.read_bytes()) == new_root

        status, _, body = parse_http(b.curl("cacerts", "--cacert",
                                            str(tmp_path / "old-root.pem")).stdout)
        assert status == 200 and len(issued(body)) == 4 and new_root in issued(body)
        status, _, body = b.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("new-device")))
        assert status == 200 and issued(body)[0].issuer == new_root.subject, body
        status, _, body = device.reenroll(b)
        assert status == 200 and issued(body)[0].issuer == new_root.subject, body

        before = b.log.read_text().count(SERVING)
        assert ca_cli(a, "retire-old").returncode == 0
        wait_for_line(b, SERVING, before)
        assert not (b.state / "ca-old.pem").exists()
        status, _, body = parse_http(b.curl("cacerts").stdout)
        assert status == 200 and issued(body) == [new_root]
        assert "cannot follow" not in a.log.read_text() + b.log.read_text()
    finally:
        b.stop()
        a.stop()


def _until(what: str, check: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_ra_relays_an_upstream_rollover(start_estra: Callable[..., Server],
                                        tmp_path: Path) -> None:
    """estra behind estra: the upstream rolls over; without a restart or SIGHUP of the RA,
    its /cacerts relays the upstream's new root, NewWithOld and OldWithNew, a device with a
    certificate of the old upstream CA re-enrolls through it, and so does the certificate
    it got (the RA's re-enrollment trust followed the upstream's new root).  Its TLS trust
    followed too: once the upstream retired its old root (its TLS chain no longer links
    to it), the RA, restarted with `trust` still naming only the old root, enrolls."""
    fast = "\n[ca]\nsync_seconds = 1\n"
    upstream, ra = estra_behind_estra(start_estra, tmp_path, fast)
    ra.restart(ra_config(upstream.port, tmp_path / "ra", "cacerts_refresh = 1") + fast)
    ra.add_user("alice")
    device = OldDevice(ra, tmp_path)

    assert ca_cli(upstream, "rollover").returncode == 0
    wait_for_line(upstream, SERVING)
    new_root = x509.load_pem_x509_certificate(upstream.ca.read_bytes())

    def relayed() -> list[x509.Certificate]:
        status, _, body = parse_http(ra.curl("cacerts").stdout)
        return issued(body) if status == 200 else []
    _until("the RA to relay the new CA set", lambda: len(relayed()) == 4)
    certs = relayed()
    assert new_root in certs
    assert [c for c in certs if c.subject == new_root.subject and c.issuer != c.subject]
    assert [c for c in certs if c.issuer == new_root.subject != c.subject]
    assert "its CA certificates changed, now 4" in ra.log.read_text()

    status, _, body = device.reenroll(ra)
    assert status == 200 and issued(body)[0].issuer == new_root.subject, body
    renewed, _ = pki.write_pair(tmp_path, "renewed", issued(body)[0], device.key)
    _until("the RA to accept the new upstream CA's certificate",
           lambda: device.reenroll(ra, renewed)[0] == 200, timeout=10)

    assert "upstream corp: now trusting its new root" in ra.log.read_text()
    assert ca_cli(upstream, "retire-old").returncode == 0
    upstream.restart(upstream.config.read_text())
    chain = (upstream.state / "server.pem").read_bytes()
    assert {c.issuer for c in x509.load_pem_x509_certificates(chain)} == {new_root.subject}
    ra.restart(ra_config(upstream.port, tmp_path / "ra", "cacerts_refresh = 1") + fast)
    status, _, body = ra.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("after-retire")))
    assert status == 200 and issued(body)[0].issuer == new_root.subject, body


def _scep_certs(port: str, operation: str) -> list[x509.Certificate]:
    done = run(["curl", "-sS", "--fail", "--max-time", "30",
                f"http://127.0.0.1:{port}/scep?operation={operation}"])
    assert done.returncode == 0, done.stderr
    return pkcs7.load_der_pkcs7_certificates(done.stdout)


def test_scep_serves_the_rolled_over_chain(start_estra: Callable[..., Server],
                                           tmp_path: Path) -> None:
    """After a rollover and SIGHUP, SCEP GetCACert and GetCACertChain hold the RA
    certificate, re-issued by the new CA for the same key, the new root, both links and
    the old root; a client trusting only the old root verifies the RA certificate through
    NewWithOld; after retire-old only the RA certificate and the new root remain."""
    server = start_estra(SCEP_CONFIG)
    old_root = x509.load_pem_x509_certificate(server.ca.read_bytes())
    (tmp_path / "old-root.pem").write_bytes(server.ca.read_bytes())
    port = str(server.listener_port("SCEP ready"))
    ra_before, = [c for c in _scep_certs(port, "GetCACert") if c != old_root]
    assert ca_cli(server, "rollover").returncode == 0
    hangup(server)
    new_root = x509.load_pem_x509_certificate(server.ca.read_bytes())
    for operation in ("GetCACert", "GetCACertChain"):
        certs = _scep_certs(port, operation)
        assert len(certs) == 5 and new_root in certs and old_root in certs
        ra, = [c for c in certs if not c.extensions.get_extension_for_class(
            x509.BasicConstraints).value.ca]
        assert ra.issuer == new_root.subject and ra.public_key() == ra_before.public_key()
    (tmp_path / "ra.pem").write_bytes(ra.public_bytes(pki.PEM))
    verify = run(["openssl", "verify", "-CAfile", str(tmp_path / "old-root.pem"), "-untrusted",
                  str(server.state / "ca-newwithold.pem"), str(tmp_path / "ra.pem")])
    assert verify.returncode == 0, verify.stdout + verify.stderr

    assert ca_cli(server, "retire-old").returncode == 0
    hangup(server)
    for operation in ("GetCACert", "GetCACertChain"):
        certs = _scep_certs(port, operation)     # a SET OF: encoding order
        assert len(certs) == 2 and set(certs) == {ra, new_root}


def test_scepclient_renews_across_the_rollover(start_estra: Callable[..., Server],
                                               tmp_path: Path) -> None:
    """micromdm's scepclient enrolls from the old CA; after a rollover and SIGHUP it renews
    (RenewalReq signed with the old certificate) against the re-issued RA certificate and
    gets a certificate of the new CA."""
    server = start_estra(SCEP_CONFIG)
    device = ScepClient(Scep(server), tmp_path / "dev")
    done = device.run("-challenge", "sesame", "-cn", "scep-roll", "-organization", "lab")
    assert done.returncode == 0, done.stdout + done.stderr
    old = x509.load_pem_x509_certificate(device.cert.read_bytes())
    assert ca_cli(server, "rollover").returncode == 0
    hangup(server)
    device.scep = Scep(server)                   # GetCACert again: the re-issued RA certificate
    new_root = x509.load_pem_x509_certificate(server.ca.read_bytes())
    assert device.scep.ra.issuer == new_root.subject
    done = device.run("-cn", "scep-roll", "-organization", "lab")
    assert done.returncode == 0, done.stdout + done.stderr
    renewed = x509.load_pem_x509_certificate(device.cert.read_bytes())
    assert renewed.serial_number != old.serial_number and old.issuer != new_root.subject
    assert (renewed.subject, renewed.issuer) == (old.subject, new_root.subject)
    device.scep.verify(device.cert)


class RolloverUnitTests(SynchronousTestCase):
    """estra/ca/rollover.py in process, with an injected clock."""

    def setUp(self) -> None:
        self.now = time.time()
        self.settings = load_settings(None, state_dir=self.mktemp())
        init_state(self.settings, lambda: self.now)

    def test_generation_suffix(self) -> None:
        """The common name gets " G2", then " G3"; other attributes stay."""
        first = next_generation(pki.name("estra local CA"))
        self.assertEqual(first, pki.name("estra local CA G2"))
        self.assertEqual(next_generation(first), pki.name("estra local CA G3"))

    def test_force_rolls_again(self) -> None:
        """A second rollover is refused, then done with force; the files stay consistent."""
        rollover(self.settings, clock=lambda: self.now)
        self.assertRaises(RolloverError, rollover, self.settings, clock=lambda: self.now)
        new = rollover(self.settings, force=True, clock=lambda: self.now)
        loaded = LocalCA.load_or_create(self.settings.ca_cert, self.settings.ca_key, 1,
                                        lambda: self.now)
        self.assertEqual(loaded.cert, new.cert)
        self.assertEqual(loaded.key.public_key(), new.cert.public_key())
        self.assertEqual(new.cert.subject, next_generation(loaded.rollover[2].subject))
        self.assertFalse([p for p in self.settings.state_dir.listdir() if "rollover" in p])

    def test_old_root_leaves_once_expired(self) -> None:
        """/cacerts and the re-enrollment anchors drop the old root and links after it expires."""
        rollover(self.settings, clock=lambda: self.now)
        ca = LocalCA.load_or_create(self.settings.ca_cert, self.settings.ca_key, 1,
                                    lambda: self.now)
        self.assertEqual(len(self.successResultOf(Deferred.fromCoroutine(ca.cacerts()))), 4)
        self.assertEqual(len(ca.anchors()), 2)
        self.now = ca.rollover[2].not_valid_after_utc.timestamp() + 1
        self.assertEqual(self.successResultOf(Deferred.fromCoroutine(ca.cacerts())), [ca.cert])
        self.assertEqual(ca.anchors(), [ca.cert])
