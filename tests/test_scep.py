"""The SCEP front end: strongSwan's `pki --scepca/--scep` as the device over real HTTP
against `twistd estra`, and hand-made pkiMessages (estra.asn1.scep_message) for the
capabilities, malformed, replayed and wrongly encrypted cases on the in-memory RA
(estra.testing, the same wiring and resource)."""

from __future__ import annotations

import base64
import json
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import AttributeOID

from estra.asn1 import scep_message as sm
from tests import pki
from tests.conftest import SCEP_CONFIG as CONFIG
from tests.conftest import MemoryScep, Server, estra_cli
from tests.fakeca import FakeHandler, FakeServer, serve
from tests.strongswan import StrongSwan



def scep_url(server: Server, path: str = "/scep") -> str:
    """The SCEP listener's URL, once its ready line is logged (it may follow the EST one)."""
    return f"http://127.0.0.1:{server.listener_port('SCEP ready')}{path}"


def http(url: str, data: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, headers={
        "Content-Type": "application/x-pki-message"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def fetch(server: "Server | MemoryScep", path: str, data: bytes | None = None,
          user_agent: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """A SCEP request (POST when there is `data`) to a running estra or the in-memory
    one: (status, headers as urllib names them, body)."""
    if isinstance(server, Server):
        return http(scep_url(server, path), data)
    headers = {"Content-Type": "application/x-pki-message"} if data else {}
    reply = server.ra.request("POST" if data else "GET", path, data or b"", face="scep",
                              headers={**headers, "User-Agent": user_agent or "Python-urllib"})
    return reply.code, {k.title(): v for k, v in reply.headers.items()}, reply.body


@pytest.fixture
def server(start_estra: Callable[..., Server]) -> Iterator[Server]:
    s = start_estra(CONFIG)
    yield s
    assert s.alive(), s.log.read_text()
    assert "sesame" not in s.log.read_text()


class Device:
    """strongSwan's pki as a SCEP client, with the RA and CA certificates it fetched."""

    def __init__(self, sw: StrongSwan, server: Server, path: str = "/scep") -> None:
        self.sw, self.url = sw, scep_url(server, path)
        done = sw.run("--scepca", "--url", self.url, "--caout", "ca", "--raout", "ra")
        assert done.returncode == 0, done.stderr.decode()

    def key(self, stem: str) -> Path:
        path = self.sw.dir / f"{stem}.key"
        path.write_bytes(self.sw.ok("--gen", "--type", "rsa", "--size", "2048"))
        return path

    def scep(self, key: Path, dn: str, *extra: str,
             poll: int = 5) -> subprocess.CompletedProcess[bytes]:
        return self.sw.run("--scep", "--url", self.url, "--in", str(key), "--dn", dn,
                           "--cacert-enc", "ra.der", "--cacert-sig", "ra.der",
                           "--cacert", "ca.der", "--interval", "1", "--maxpolltime",
                           str(poll), *extra)


def test_capabilities_and_ca_certificates(memory: MemoryScep) -> None:
    """GetCACaps lists what is implemented; GetCACert has the RA (RSA, encipherment) and CA."""
    status, headers, body = fetch(memory, "/scep" + "?operation=GetCACaps")
    assert status == 200 and headers["Content-Type"] == "text/plain"
    assert set(body.decode().split()) >= {"POSTPKIOperation", "Renewal", "AES", "SHA-256",
                                          "SHA-384", "SCEPStandard"}
    status, headers, body = fetch(memory, "/scep" + "?operation=GetCACert")
    assert status == 200 and headers["Content-Type"] == "application/x-x509-ca-ra-cert"
    ra, ca = split(pkcs7.load_der_pkcs7_certificates(body))
    assert ca == x509.load_pem_x509_certificate(memory.ca.read_bytes())
    usage = ra.extensions.get_extension_for_class(x509.KeyUsage).value
    assert isinstance(ra.public_key(), rsa.RSAPublicKey)
    assert usage.key_encipherment and usage.digital_signature
    # micromdm's Go SCEP library encrypts to every certificate and fails on the
    # embedded CA's EC key: it gets the RA certificate alone; GetCACertChain has all.
    status, headers, body = fetch(memory, "/scep?operation=GetCACert",
                                  user_agent="Go-http-client/1.1")
    assert status == 200 and headers["Content-Type"] == "application/x-x509-ca-ra-cert"
    assert pkcs7.load_der_pkcs7_certificates(body) == [ra]
    status, headers, body = fetch(memory, "/scep" + "?operation=GetCACertChain")
    assert status == 200 and headers["Content-Type"] == "application/x-x509-ca-ra-cert-chain"
    assert split(pkcs7.load_der_pkcs7_certificates(body)) == (ra, ca)
    for path in ("/certsrv/mscep/mscep.dll", "/scep/manual", "/scep/pkiclient.exe"):
        assert fetch(memory, path + "?operation=GetCACaps")[0] == 200
    assert fetch(memory, "/scep/nolabel" + "?operation=GetCACaps")[0] == 404
    status, headers, body = fetch(memory, "/scep" + "?operation=Bogus")
    assert status == 400 and headers["Content-Type"].startswith("text/plain")


def test_strongswan_enroll_and_renew(server: Server, sw: StrongSwan, tmp_path: Path) -> None:
    """pki --scep enrolls with the challenge, then renews signed by the issued certificate;
    a wrong challenge is a FAILURE and the server stays up."""
    device = Device(sw, server)
    key = device.key("printer")
    done = device.scep(key, "CN=printer1", "--san", "printer1.example", "--password", "sesame")
    assert done.returncode == 0, done.stderr.decode()
    cert = x509.load_der_x509_certificate(done.stdout)
    (sw.dir / "printer.der").write_bytes(done.stdout)
    (tmp_path / "p.pem").write_bytes(cert.public_bytes(pki.PEM))
    verify = subprocess.run(["openssl", "verify", "-CAfile", str(server.ca),
                             str(tmp_path / "p.pem")], capture_output=True, timeout=30)
    assert verify.returncode == 0, verify.stdout
    renewed = device.scep(device.key("printer2"), "CN=printer1", "--san", "printer1.example",
                          "--cert", "printer.der", "--key", str(key))
    assert renewed.returncode == 0, renewed.stderr.decode()
    new = x509.load_der_x509_certificate(renewed.stdout)
    assert new.subject == cert.subject and new.serial_number != cert.serial_number
    wrong = device.scep(device.key("bad"), "CN=printer9", "--password", "guess")
    assert wrong.returncode != 0 and b"badRequest" in wrong.stderr
    rows = json.loads(estra_cli("--state-dir", str(server.state), "enrollments", "list",
                                "--json").stdout)
    assert {r["operation"] for r in rows} == {"scep-pkcsreq", "scep-renewalreq"}


def test_pending_approve_poll(server: Server, sw: StrongSwan) -> None:
    """Manual approval: PENDING, the operator approves, the device's CertPoll gets the cert."""
    device = Device(sw, server, "/scep/manual")
    result: list[subprocess.CompletedProcess[bytes]] = []
    key = device.key("held")
    polling = threading.Thread(target=lambda: result.append(
        device.scep(key, "CN=held-printer", "--password", "sesame", poll=40)))
    polling.start()
    deadline, pending = time.monotonic() + 30, []
    while not pending and time.monotonic() < deadline:
        time.sleep(0.3)
        pending = json.loads(estra_cli("--state-dir", str(server.state), "pending", "list",
                                       "--json").stdout)
    assert pending and pending[0]["subject"] == "CN=held-printer"
    assert estra_cli("--state-dir", str(server.state), "approve",
                     str(pending[0]["id"])).returncode == 0
    polling.join(60)
    assert result and result[0].returncode == 0, result and result[0].stderr.decode()
    assert x509.load_der_x509_certificate(result[0].stdout).subject.rfc4514_string() == \
        "CN=held-printer"


def test_one_time_code_challenge(server: Server, sw: StrongSwan) -> None:
    """scep_challenge = "codes": a code issued for the CSR's CN enrolls once."""
    code = json.loads(estra_cli("--state-dir", str(server.state), "codes", "issue",
                                "--identity", "code:router7", "--json").stdout)["code"]
    device = Device(sw, server, "/scep/codes")
    assert device.scep(device.key("r1"), "CN=router7", "--password", code).returncode == 0
    again = device.scep(device.key("r2"), "CN=router7", "--password", code)
    assert again.returncode != 0 and b"badRequest" in again.stderr


# -- hand-made messages --------------------------------------------------------------------


def split(certs: list[x509.Certificate]) -> tuple[x509.Certificate, x509.Certificate]:
    """(RA certificate, CA certificate) of a GetCACert answer, in any order."""
    ca = next(c for c in certs if c.subject == c.issuer)
    return next(c for c in certs if c is not ca), ca


def ra_certificates(server: "Server | MemoryScep") -> tuple[x509.Certificate, x509.Certificate]:
    return split(pkcs7.load_der_pkcs7_certificates(
        fetch(server, "/scep" + "?operation=GetCACert")[2]))


def self_signed(cn: str) -> sm.Signer:
    key = rsa.generate_private_key(65537, 2048)
    cert = (x509.CertificateBuilder().subject_name(pki.name(cn)).issuer_name(pki.name(cn))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(pki.NOW).not_valid_after(pki.NOW.replace(year=pki.NOW.year + 1))
            .sign(key, hashes.SHA256()))
    return sm.Signer(cert, key)


def request_for(signer: sm.Signer, cn: str, challenge: str) -> x509.CertificateSigningRequest:
    return (x509.CertificateSigningRequestBuilder().subject_name(pki.name(cn))
            .add_attribute(AttributeOID.CHALLENGE_PASSWORD, challenge.encode())
            .sign(signer.key, hashes.SHA256()))


def answer(server: "Server | MemoryScep", der: bytes, signer: sm.Signer,
           get: bool = False) -> sm.PkiMessage:
    if get:
        query = urllib.parse.quote(base64.b64encode(der).decode(), safe="")
        status, headers, body = fetch(server, "/scep" + f"?operation=PKIOperation&message={query}")
    else:
        status, headers, body = fetch(server, "/scep" + "?operation=PKIOperation", der)
    assert status == 200 and headers["Content-Type"] == "application/x-pki-message", body
    return sm.parse(body, ra_certificates(server)[:1])


def test_get_pki_operation_and_get_cert(memory: MemoryScep) -> None:
    """PKIOperation by GET (base64 message), then GetCert fetches the same certificate."""
    ra, _ = ra_certificates(memory)
    device = self_signed("getter")
    request = sm.pkcs_req(request_for(device, "getter", "sesame"), device, ra)
    reply = request.check(answer(memory, request.der, device, get=True))
    assert reply.status == sm.Status.SUCCESS
    issued = reply.issued(device)[0]
    fetch = sm.get_cert(issued.issuer, issued.serial_number, device, ra)
    again = fetch.check(answer(memory, fetch.der, device))
    assert again.status == sm.Status.SUCCESS and again.issued(device)[0] == issued


def cisco_message(der: bytes, escape_plus: bool = True) -> str:
    """The `message` parameter as Cisco IOS sends it: base64 in 64-character lines,
    '+', '/', '=' and the line breaks percent-escaped (or '+' left bare, which a
    form decoder reads as a space)."""
    text = base64.b64encode(der).decode()
    out = "".join(text[i:i + 64] + "\n" for i in range(0, len(text), 64))
    out = out.replace("/", "%2F").replace("=", "%3D").replace("\n", "%0A")
    return out.replace("+", "%2B") if escape_plus else out


def test_cisco_path_and_get_message(memory: MemoryScep) -> None:
    """/cgi-bin/pkiclient.exe answers by default; a GET PKIOperation whose message is
    escaped as Cisco IOS escapes it (%2B %2F %3D, %0A line breaks), or with '+' left
    bare, enrolls."""
    cisco = "/cgi-bin/pkiclient.exe"
    assert fetch(memory, cisco + "?operation=GetCACaps")[0] == 200
    status, headers, body = fetch(memory, cisco + "?operation=GetCACert")
    assert status == 200 and headers["Content-Type"] == "application/x-x509-ca-ra-cert"
    ra, _ = ra_certificates(memory)
    for n, escape_plus in enumerate((True, False)):
        device = self_signed(f"router{n}")
        request = sm.pkcs_req(request_for(device, f"router{n}", "sesame"), device, ra)
        message = cisco_message(request.der, escape_plus)
        assert "%0A" in message and "%2F" in message
        assert ("%2B" in message) == escape_plus and ("+" in message) != escape_plus
        status, headers, body = fetch(memory, cisco + "?operation=PKIOperation&message=" + message)
        assert status == 200 and headers["Content-Type"] == "application/x-pki-message", body
        reply = request.check(sm.parse(body, [ra]))
        assert reply.status == sm.Status.SUCCESS, reply
        assert reply.issued(device)[0].subject == pki.name(f"router{n}")


@pytest.mark.parametrize("body", [b"", b"garbage", b"\x30\x03\x02\x01\x01"],
                         ids=["empty", "garbage", "not-cms"])
def test_malformed_is_400(memory: MemoryScep, body: bytes) -> None:
    """What is not a signed pkiMessage gets 400 text/plain (no CertRep can be signed for it)."""
    status, headers, text = fetch(memory, "/scep" + "?operation=PKIOperation", body or b"\x00")
    assert status == 400 and headers["Content-Type"].startswith("text/plain"), text


def test_unsigned_tampered_is_400(memory: MemoryScep) -> None:
    """A pkiMessage whose signature does not verify is refused."""
    ra, _ = ra_certificates(memory)
    device = self_signed("tamper")
    der = bytearray(sm.pkcs_req(request_for(device, "tamper", "sesame"), device, ra).der)
    der[-5] ^= 0xFF
    status, _, text = fetch(memory, "/scep" + "?operation=PKIOperation", bytes(der))
    assert status == 400 and b"signature" in text


def with_nonce(request: sm.Request, nonce: bytes, signer: sm.Signer) -> sm.Request:
    """`request` signed again (its envelope re-encrypted: other bytes) with `nonce`."""
    message = sm.parse(request.der)
    der = sm._sign(signer, message.enveloped, {
        "scep_message_type": str(int(request.message_type)),
        "scep_transaction_id": request.transaction_id, "scep_sender_nonce": nonce}, "sha256")
    return sm.Request(der, request.message_type, request.transaction_id, nonce)


def test_wrongly_encrypted_and_replayed(memory: MemoryScep) -> None:
    """Encrypted to another certificate: FAILURE badMessageCheck; the same message sent
    again: the same answer (RFC 8894), the certificate issued once; another message with
    a senderNonce seen before: a replay, FAILURE badMessageCheck."""
    ra, _ = ra_certificates(memory)
    device = self_signed("enc")
    stranger = self_signed("stranger")
    wrong = sm.pkcs_req(request_for(device, "enc", "sesame"), device, stranger.cert)
    reply = wrong.check(answer(memory, wrong.der, device))
    assert reply.status == sm.Status.FAILURE and reply.fail_info == sm.FailInfo.badMessageCheck
    good = sm.pkcs_req(request_for(device, "enc", "sesame"), device, ra)
    first = good.check(answer(memory, good.der, device))
    again = good.check(answer(memory, good.der, device))
    assert again.status == first.status == sm.Status.SUCCESS
    assert again.issued(device)[0] == first.issued(device)[0]
    other = sm.pkcs_req(request_for(device, "enc2", "sesame"), device, ra)
    replay = with_nonce(other, good.sender_nonce, device)
    reply = replay.check(answer(memory, replay.der, device))
    assert reply.status == sm.Status.FAILURE and "replay" in (reply.fail_info_text or "")
    assert reply.fail_info == sm.FailInfo.badMessageCheck


def test_unknown_transaction_poll(memory: MemoryScep) -> None:
    """CertPoll for a transaction the RA never saw: FAILURE badCertId."""
    ra, ca = ra_certificates(memory)
    device = self_signed("poller")
    poll = sm.cert_poll(ca.subject, pki.name("poller"), "ABCDEF", device, ra)
    reply = poll.check(answer(memory, poll.der, device))
    assert reply.status == sm.Status.FAILURE and reply.fail_info == sm.FailInfo.badCertId


class Webhook(FakeHandler):
    """An operator's challenge service: allows the challenge "let-me-in" only."""

    def do_POST(self) -> None:
        doc = json.loads(self.body())
        self.server.state.setdefault("seen", []).append(doc)
        allowed = doc["challenge"] == "let-me-in"
        self.reply_json(200, {"allow": allowed, "reason": None if allowed else "unknown device"})


@pytest.fixture
def webhook(tmp_path: Path) -> Iterator[FakeServer]:
    yield from serve(Webhook, tmp_path)


def test_challenge_webhook(start_estra: Callable[..., Server], webhook: FakeServer,
                           tmp_path: Path) -> None:
    """scep_challenge = "webhook": the operator's service decides, with the request's details."""
    server = start_estra(f"""
[scep]
listen = "tcp:0:interface=127.0.0.1"

[profiles.default]
scep_challenge = "webhook"
scep_webhook = "https://localhost:{webhook.server_address[1]}/scep-challenge"
scep_webhook_trust = "{tmp_path / 'fake-ca.pem'}"
""")
    ra, _ = ra_certificates(server)
    device = self_signed("mdm-phone")
    for challenge, status in (("let-me-in", sm.Status.SUCCESS), ("nope", sm.Status.FAILURE)):
        request = sm.pkcs_req(request_for(device, "mdm-phone", challenge), device, ra)
        reply = request.check(answer(server, request.der, device))
        assert reply.status == status
    assert reply.fail_info_text and "unknown device" in reply.fail_info_text
    seen: list[dict[str, Any]] = webhook.state["seen"]
    assert seen[0]["subject"] == "CN=mdm-phone" and seen[0]["transaction_id"]
    assert "let-me-in" not in server.log.read_text()


@pytest.mark.parametrize("cipher, digest", [("tripledes_3key", "sha1"), ("aes256_cbc", "sha512")])
def test_old_and_strong_ciphers(memory: MemoryScep, cipher: str, digest: str) -> None:
    """A 3DES/SHA-1 client (old devices) and an AES-256/SHA-512 one both enroll; the
    CertRep comes back in the client's own cipher."""
    ra, _ = ra_certificates(memory)
    device = self_signed(f"dev-{cipher}")
    request = sm.pkcs_req(request_for(device, f"dev-{cipher}", "sesame"), device, ra,
                          cipher=cipher, digest=digest)
    reply = request.check(answer(memory, request.der, device))
    assert reply.status == sm.Status.SUCCESS and reply.digest == digest
    assert reply.issued(device)[0].subject == pki.name(f"dev-{cipher}")
    sealed = cms.ContentInfo.load(reply.enveloped or b"")["content"]["encrypted_content_info"]
    assert sealed["content_encryption_algorithm"]["algorithm"].native == cipher


def test_static_challenge_guessing_is_throttled(start_estra: Callable[..., Server],
                                                sw: StrongSwan) -> None:
    """Wrong static challengePasswords from one address: ten FAILUREs saying the password
    is not valid, then FAILURE "too many failed logins" for the next guess and even for
    the right password from there (the budget is spent, shared with HTTP Basic); a
    Basic login from that address is 429 as well.  (A token comes back every 600 s
    here, not every 6 s: a slow machine must not refill the budget mid-test.)"""
    server = start_estra("[auth]\naddress_refill_seconds = 600\n" + CONFIG)
    ra, _ = ra_certificates(server)
    texts = []
    for n in range(11):
        device = self_signed(f"guesser{n}")
        request = sm.pkcs_req(request_for(device, f"guesser{n}", f"guess{n}"), device, ra)
        reply = request.check(answer(server, request.der, device))
        assert reply.status == sm.Status.FAILURE, reply
        texts.append(reply.fail_info_text or "")
    assert all("not valid (static)" in t for t in texts[:10]), texts
    assert "too many failed logins from this address" in texts[10], texts
    device = self_signed("rightful")
    right = sm.pkcs_req(request_for(device, "rightful", "sesame"), device, ra)
    refused = right.check(answer(server, right.der, device))
    assert refused.status == sm.Status.FAILURE and "too many" in (refused.fail_info_text or "")
    device = Device(sw, server)
    done = device.scep(device.key("real"), "CN=real", "--password", "sesame")
    assert done.returncode != 0 and b"badRequest" in done.stderr, done.stderr
    server.add_user("alice")
    status, headers, _ = server.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("b")),
                                     "--user", "alice:wrong")
    assert status == 429 and int(headers["retry-after"]) >= 1
