"""SCEP (RFC 8894): the pkiMessage codec, and the RA as a SCEP client.

* codec round trips without network, and openssl's CMS reading what we build;
* RA -> a fake SCEP RA/CA on loopback HTTPS built on the codec's server side
  (separate signing and encryption RA certificates as NDES has, no caps: GET
  PKIOperation, DES-EDE3 and SHA-1; PENDING then SUCCESS; FAILURE);
* RA -> micromdm's real `scepserver` (Debian `scep`), run with the RA and
  curl inside a network namespace of the test's own, since scepserver binds
  every address.
"""

from __future__ import annotations

import base64
import datetime
import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7

from estra.asn1 import scep_message as sm
from tests import pki
from tests.conftest import PASSWORD, Server, parse_http
from tests.fakeca import FakeHandler, FakeServer, serve

CHALLENGE = "sesame-1234"


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, 2048)


def signer(cn: str, issuer: pki.CA | None = None, *, sign: bool = True,
           encrypt: bool = True) -> sm.Signer:
    """An RSA certificate+key, self-signed or from `issuer`, with the given key usages."""
    key = rsa_key()
    cert = (x509.CertificateBuilder().subject_name(pki.name(cn))
            .issuer_name(issuer.cert.subject if issuer else pki.name(cn))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(pki.NOW - datetime.timedelta(days=1))
            .not_valid_after(pki.NOW + datetime.timedelta(days=10))
            .add_extension(x509.KeyUsage(sign, False, encrypt, False, False, False, False,
                                         False, False), True)
            .sign(issuer.key if issuer else key, hashes.SHA256()))
    return sm.Signer(cert, key)


@pytest.fixture(scope="module")
def parties() -> tuple[sm.Signer, sm.Signer, pki.CA]:
    """(client RA, server RA, CA): the RAs hold RSA keys, the CA is the test CA."""
    ca = pki.CA("SCEP Test CA")
    return signer("estra RA"), signer("SCEP RA", ca), ca


# -- the codec, no network ------------------------------------------------------------------


@pytest.mark.parametrize("cipher", ["aes128_cbc", "tripledes_3key"])
@pytest.mark.parametrize("digest", ["sha256", "sha1"])
def test_pkcs_req_round_trip(parties: Any, cipher: str, digest: str) -> None:
    """A PKCSReq parses on the server side: signer, transaction, nonce, CSR, digest."""
    client, server, _ = parties
    csr = pki.csr(pki.ec_key(), pki.name("dev"), challenge=CHALLENGE)
    request = sm.pkcs_req(csr, client, server.cert, cipher=cipher, digest=digest)
    msg = sm.parse(request.der)
    assert (msg.message_type, msg.signer, msg.digest) == (sm.MessageType.PKCSReq,
                                                          client.cert, digest)
    assert msg.transaction_id == request.transaction_id == sm.transaction_id(csr.public_key())
    assert msg.sender_nonce == request.sender_nonce and len(request.sender_nonce) == 16
    assert msg.csr(server) == csr
    with pytest.raises(sm.ScepError):
        msg.csr(client)                     # not addressed to the client
    renewal = sm.parse(sm.pkcs_req(csr, client, server.cert, renewal=True).der)
    assert renewal.message_type == sm.MessageType.RenewalReq


def test_cert_rep_statuses(parties: Any) -> None:
    """CertRep SUCCESS / PENDING / FAILURE built by a server parse as the client's answer."""
    client, server, ca = parties
    key = pki.ec_key()
    csr = pki.csr(key, pki.name("dev"))
    request = sm.pkcs_req(csr, client, server.cert)
    msg = sm.parse(request.der)
    leaf = ca.issue(csr.subject, key.public_key())

    success = request.check(sm.parse(sm.cert_rep(msg, server, sm.Status.SUCCESS,
                                                 certs=[leaf, ca.cert])))
    assert success.status == sm.Status.SUCCESS and success.signer == server.cert
    assert success.issued(client) == [leaf, ca.cert]
    pending = request.check(sm.parse(sm.cert_rep(msg, server, sm.Status.PENDING)))
    assert (pending.status, pending.enveloped) == (sm.Status.PENDING, None)
    failure = request.check(sm.parse(sm.cert_rep(
        msg, server, sm.Status.FAILURE, fail_info=sm.FailInfo.badCertId,
        fail_info_text="unknown certificate")))
    assert (failure.fail_info, failure.fail_info_text) == (sm.FailInfo.badCertId,
                                                           "unknown certificate")
    other = sm.parse(sm.pkcs_req(csr, client, server.cert).der)    # another nonce
    with pytest.raises(sm.ScepError, match="recipientNonce"):
        request.check(sm.parse(sm.cert_rep(other, server, sm.Status.PENDING)))


def test_cert_poll_and_get_cert(parties: Any) -> None:
    """CertPoll carries IssuerAndSubject and GetCert IssuerAndSerialNumber."""
    client, server, ca = parties
    poll = sm.cert_poll(ca.cert.subject, pki.name("dev"), "T-1", client, server.cert)
    msg = sm.parse(poll.der)
    assert (msg.message_type, msg.transaction_id) == (sm.MessageType.CertPoll, "T-1")
    assert msg.issuer_and_subject(server) == (ca.cert.subject.public_bytes(),
                                              pki.name("dev").public_bytes())
    msg = sm.parse(sm.get_cert(ca.cert.subject, 4242, client, server.cert).der)
    assert msg.message_type == sm.MessageType.GetCert
    assert msg.issuer_and_serial(server) == (ca.cert.subject.public_bytes(), 4242)


def test_tampering_detected(parties: Any) -> None:
    """A changed byte anywhere in the signed part fails verification."""
    client, server, _ = parties
    der = sm.pkcs_req(pki.csr(pki.ec_key(), pki.name("dev")), client, server.cert).der
    envelope = sm.parse(der).enveloped
    assert envelope is not None
    for where in (len(der) - 5, der.index(envelope) + len(envelope) - 1):  # signature, content
        bad = bytearray(der)
        bad[where] ^= 1
        with pytest.raises(sm.ScepError) as caught:
            sm.parse(bytes(bad))
        assert caught.value.fail_info == sm.FailInfo.badMessageCheck
    with pytest.raises(sm.ScepError):
        sm.parse(b"\x30\x03\x02\x01\x01")


def test_openssl_reads_pkcs_req(parties: Any, tmp_path: Path) -> None:
    """openssl cms verifies our SignedData and decrypts our EnvelopedData to the CSR."""
    client, server, _ = parties
    csr = pki.csr(pki.ec_key(), pki.name("dev"))
    (tmp_path / "req.der").write_bytes(sm.pkcs_req(csr, client, server.cert).der)
    recipient, key = pki.write_pair(tmp_path, "recipient", server.cert, server.key)

    def cms(*args: str) -> None:
        done = subprocess.run(["openssl", "cms", *args], capture_output=True, timeout=30)
        assert done.returncode == 0, done.stderr

    cms("-verify", "-noverify", "-inform", "DER", "-in", str(tmp_path / "req.der"),
        "-out", str(tmp_path / "env.der"))
    cms("-decrypt", "-inform", "DER", "-in", str(tmp_path / "env.der"),
        "-recip", str(recipient), "-inkey", str(key), "-out", str(tmp_path / "csr.der"))
    assert (tmp_path / "csr.der").read_bytes() == pki.der(csr)


# -- the RA as a SCEP client ---------------------------------------------------------------


@pytest.fixture
def scep_estra(start_estra: Callable[..., Server]) -> Callable[..., Server]:
    """start_estra (optionally under a command prefix) with user alice."""
    def start(config: str, prefix: tuple[str, ...] = ()) -> Server:
        ra = start_estra(config, prefix=prefix)
        ra.add_user("alice")
        return ra
    return start


def enroll(ra: Server, tmp: Path, key: Any, cn: str, challenge: str | None = None,
           prefix: tuple[str, ...] = ()) -> tuple[int, dict[str, str], bytes]:
    """simpleenroll by curl (run under `prefix`) with a fresh CSR for `key`."""
    req = tmp / f"{cn}.b64"
    req.write_bytes(pki.b64(pki.csr(key, pki.name(cn), pki.sans(f"{cn}.example"), challenge)))
    done = subprocess.run([*prefix, "curl", "-sS", "-i", "--max-time", "60", "--cacert",
                           str(ra.ca), "--user", f"alice:{PASSWORD}", "--data-binary",
                           f"@{req}", "-H", "Content-Type: application/pkcs10",
                           f"{ra.base}/simpleenroll"], capture_output=True, timeout=70)
    return parse_http(done.stdout)


def certs_of(body: bytes) -> list[x509.Certificate]:
    return pkcs7.load_der_pkcs7_certificates(base64.b64decode(body))


class FakeScep(FakeHandler):
    """A SCEP RA in front of the fake's CA, on estra's own codec (server side).

    GetCACert gives a signing-only and an encryption-only RA certificate and
    the CA; CertReps are signed by the signing one.  A PKCSReq is PENDING and
    is issued on the `issue_after`-th CertPoll; the subject "deny" fails with
    badCertId.  No capabilities: PKIOperation comes as a GET.
    """

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        operation, state = query.get("operation", [""])[0], self.server.state
        if operation == "GetCACaps":
            self.reply(200, b"", "text/plain")
        elif operation == "GetCACert":
            certs = [state["sign"].cert, state["encrypt"].cert, self.server.ca.cert]
            self.reply(200, sm.degenerate(certs), "application/x-x509-ca-ra-cert")
        elif operation == "PKIOperation":
            self.pki_operation(base64.b64decode(query["message"][0]))
        else:
            self.reply(404, b"unknown operation", "text/plain")

    def pki_operation(self, der: bytes) -> None:
        state, ca = self.server.state, self.server.ca
        msg = sm.parse(der)
        state["seen"].append((msg.message_type, msg.signer, msg.digest))
        if msg.message_type == sm.MessageType.PKCSReq:
            state["csrs"][msg.transaction_id] = msg.csr(state["encrypt"])
        else:
            assert msg.issuer_and_subject(state["encrypt"])[0] == ca.cert.subject.public_bytes()
            state["polls"] += 1
        csr = state["csrs"][msg.transaction_id]
        if csr.subject == pki.name("deny"):
            answer = sm.cert_rep(msg, state["sign"], sm.Status.FAILURE,
                                 fail_info=sm.FailInfo.badCertId, fail_info_text="not here")
        elif state["polls"] >= state["issue_after"]:
            leaf = ca.issue(csr.subject, csr.public_key())
            answer = sm.cert_rep(msg, state["sign"], sm.Status.SUCCESS, certs=[leaf],
                                 cipher="tripledes_3key")
        else:
            answer = sm.cert_rep(msg, state["sign"], sm.Status.PENDING)
        self.reply(200, answer, "application/x-pki-message")


@pytest.fixture
def fake_scep(tmp_path: Path) -> Iterator[FakeServer]:
    run = serve(FakeScep, tmp_path, state={"seen": [], "csrs": {}, "polls": 0,
                                           "issue_after": 2})
    server = next(run)
    server.state["sign"] = signer("Fake SCEP RA signing", server.ca, encrypt=False)
    server.state["encrypt"] = signer("Fake SCEP RA encryption", server.ca, sign=False)
    yield server
    run.close()


def fake_config(server: FakeServer, tmp: Path) -> str:
    ra = signer("estra RA for the fake")
    cert, key = pki.write_pair(tmp, "scep-ra", ra.cert, ra.key)
    server.state["ra"] = ra.cert
    return f"""
[upstreams.ndes]
kind = "scep"
url = "https://localhost:{server.server_address[1]}/certsrv/mscep/mscep.dll"
trust = "{tmp / 'fake-ca.pem'}"
client_cert = "{cert}"
client_key = "{key}"
poll_interval = 0.2
max_polls = 1
retry_after = 7

[profiles.default]
upstream = "ndes"
"""


def test_pending_then_issued(fake_scep: FakeServer, scep_estra: Callable[..., Server],
                             tmp_path: Path) -> None:
    """PENDING is polled, then 202 + Retry-After; the device's retry resumes the poll."""
    ra = scep_estra(fake_config(fake_scep, tmp_path))
    key = rsa_key()
    status, headers, body = enroll(ra, tmp_path, key, "slow")
    assert status == 202, body
    assert headers["retry-after"] == "7"
    seen = fake_scep.state["seen"]
    assert [t for t, _, _ in seen] == [sm.MessageType.PKCSReq, sm.MessageType.CertPoll]
    assert all(s == fake_scep.state["ra"] and d == "sha1" for _, s, d in seen)

    status, _, body = enroll(ra, tmp_path, key, "slow")
    assert status == 200, body
    assert [t for t, _, _ in seen][2:] == [sm.MessageType.CertPoll]
    leaf, *chain = certs_of(body)
    leaf.verify_directly_issued_by(fake_scep.ca.cert)
    assert leaf.public_key() == key.public_key() and chain == []
    status, _, body = parse_http(ra.curl("cacerts").stdout)
    assert status == 200 and certs_of(body) == [fake_scep.ca.cert]


def test_failure_is_403(fake_scep: FakeServer, scep_estra: Callable[..., Server],
                        tmp_path: Path) -> None:
    """CertRep FAILURE reaches the device as 403 naming the failInfo."""
    ra = scep_estra(fake_config(fake_scep, tmp_path))
    status, headers, body = enroll(ra, tmp_path, rsa_key(), "deny")
    assert status == 403, body
    assert b"badCertId" in body and b"not here" in body


# -- against micromdm's scepserver -----------------------------------------------------------


def need(ok: bool, what: str) -> None:
    """Skip without `what`, but fail in CI, which must provide it."""
    if not ok:
        if os.environ.get("CI"):
            pytest.fail(f"{what} (CI must provide it)")
        pytest.skip(what)


class ScepServer:
    """micromdm scepserver in its own network namespace on 127.0.0.1:8080 there."""

    def __init__(self, workdir: Path) -> None:
        self.netns = f"estra-scep-{secrets.token_hex(4)}"
        self.prefix = ("ip", "netns", "exec", self.netns)
        self.depot = workdir / "depot"
        self.log = workdir / "scepserver.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Its namespace with loopback up, a new CA in its depot, scepserver answering."""
        subprocess.run([*self.prefix, "ip", "link", "set", "lo", "up"], check=True)
        subprocess.run(["scepserver", "ca", "-init", "-depot", str(self.depot),
                        "-keySize", "2048", "-organization", "estra test"],
                       check=True, capture_output=True, timeout=60)
        self.ca = x509.load_pem_x509_certificate((self.depot / "ca.pem").read_bytes())
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [*self.prefix, "scepserver", "-depot", str(self.depot), "-port", "8080",
                 "-challenge", CHALLENGE, "-allowrenew", "0"],
                stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while self._caps() != "200":
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(self.log.read_text())
            time.sleep(0.1)

    def _caps(self) -> str:
        return subprocess.run(
            [*self.prefix, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
             "http://127.0.0.1:8080/scep?operation=GetCACaps"],
            capture_output=True, text=True, timeout=10).stdout

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def close(self) -> None:
        self.stop()
        subprocess.run(["ip", "netns", "del", self.netns], capture_output=True)


@pytest.fixture
def scepserver(tmp_path: Path) -> Iterator[ScepServer]:
    need(os.geteuid() == 0, "network namespaces need root")
    need(shutil.which("ip") is not None, "ip (Debian iproute2) is missing")
    need(shutil.which("scepserver") is not None, "scepserver (Debian scep) is missing")
    server = ScepServer(tmp_path)
    made = subprocess.run(["ip", "netns", "add", server.netns], capture_output=True, text=True)
    need(made.returncode == 0, f"cannot create a network namespace: {made.stderr.strip()}")
    try:
        server.start()
        yield server
    finally:
        server.close()


SCEPSERVER_CONFIG = """
[upstreams.mdm]
kind = "scep"
url = "http://127.0.0.1:8080/scep"
retry_after = 11

[profiles.default]
upstream = "mdm"
"""


def test_enroll_through_scepserver(scepserver: ScepServer, scep_estra: Callable[..., Server],
                                   tmp_path: Path) -> None:
    """The device's CSR reaches scepserver under the RA's signature; the leaf verifies."""
    ra = scep_estra(SCEPSERVER_CONFIG, scepserver.prefix)
    key = rsa_key()
    status, _, body = enroll(ra, tmp_path, key, "scep-dev", CHALLENGE, scepserver.prefix)
    assert status == 200, body
    leaf, *chain = certs_of(body)
    assert leaf.public_key() == key.public_key() and chain == []
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(pki.PEM))
    verify = subprocess.run(["openssl", "verify", "-CAfile", str(scepserver.depot / "ca.pem"),
                             str(tmp_path / "leaf.pem")], capture_output=True, timeout=30)
    assert verify.returncode == 0, verify.stdout
    status, _, body = parse_http(subprocess.run(
        [*scepserver.prefix, "curl", "-sS", "-i", "--cacert", str(ra.ca),
         f"{ra.base}/cacerts"], capture_output=True, timeout=30).stdout)
    assert status == 200 and certs_of(body) == [scepserver.ca]
    assert "POST http://127.0.0.1:8080/scep?operation=PKIOperation -> 200" in ra.log.read_text()


def test_scepserver_refusals(scepserver: ScepServer, scep_estra: Callable[..., Server],
                             tmp_path: Path) -> None:
    """Wrong challenge: 403 badRequest; scepserver gone: 503 + Retry-After."""
    ra = scep_estra(SCEPSERVER_CONFIG, scepserver.prefix)
    status, _, body = enroll(ra, tmp_path, rsa_key(), "wrong", "guess", scepserver.prefix)
    assert status == 403, body
    assert b"badRequest" in body
    scepserver.stop()
    status, headers, body = enroll(ra, tmp_path, rsa_key(), "late", CHALLENGE,
                                   scepserver.prefix)
    assert status == 503, body
    assert headers["retry-after"] == "11"
