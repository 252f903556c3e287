"""Every RA policy rule's accept and reject path, on the in-memory RA (estra.testing:
the production wiring, with the device's client certificate, address and Basic
credentials injected per request)."""

from __future__ import annotations

import base64
import ipaddress
import json
import subprocess
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import AttributeOID, NameOID
from twisted.trial.unittest import SynchronousTestCase

from estra.ra.auth import Identity, Peer
from estra.config import Profile
from estra.errors import Forbidden
from estra.ra.policy import ENROLL, Policy
from estra.principals import BASIC
from estra.testing import DeviceTLS, LogLines, MemoryRA, Reply

from tests import pki
from tests.fuzzing import csr_info, extension, name_der, seq, sign_csr, tlv
from tests.conftest import PASSWORD, estra_cli, issued

CONFIG = """
[profiles.default]
reenroll_only_ours = true

[profiles.ec384]
key_types = ["ec"]
curves = ["secp384r1"]
signature_hashes = ["sha384"]

[profiles.rsa]
key_types = ["rsa"]
min_rsa_bits = 3072

[profiles.subject]
subject_required = ["CN", "O"]
subject_allowed = ["CN", "O"]
subject_patterns = { CN = "{identity}-*", O = "Acme" }

[profiles.san]
san_dns_suffixes = ["example.com"]
san_ip_networks = ["10.0.0.0/8"]
san_uri_patterns = ["urn:dev:{identity}:*"]
san_email_patterns = ["*@example.com"]
san_max = 3

[profiles.ext]
extensions_required = ["2.5.29.17"]
extensions_forbidden = ["2.5.29.19"]

[profiles.code]
require_code = true

[profiles.window]
renewal_window_days = 30
accept_issued_from = ["default"]

[profiles.changes]
reenroll_allow_changes = true
accept_issued_from = ["default"]

[profiles.anyissuer]
accept_issued_from = ["*"]

[profiles.rate]
rate_per_identity = "3/hour"

[profiles.rateip]
rate_per_address = "2/hour"

[profiles.idevid]
subject_patterns = { CN = "{cert.serialNumber}" }

[profiles.manual]
approval = "manual"
approval_retry_after = 5
"""


class Policed:
    """The module's RA (in memory), the IDevID maker it trusts, and every log line."""

    def __init__(self, workdir: Path) -> None:
        self.workdir, self.idevid = workdir, pki.CA("Manufacturer CA")
        self.logged = LogLines().start()
        self.ra = self.start(CONFIG)
        self.ra.add_user("alice", PASSWORD)
        self.ra.add_user("bob", PASSWORD)
        self.state = Path(self.ra.settings.state_dir.path)

    def start(self, config: str) -> MemoryRA:
        """An RA on the module's state directory (again: a restart)."""
        pem = self.idevid.cert.public_bytes(pki.PEM)
        return MemoryRA(f'[tls]\nclient_trust = ["{self.workdir / "idevid-ca.pem"}"]\n' + config,
                        state_dir=str(self.workdir), files={"idevid-ca.pem": pem})

    def log(self) -> str:
        return self.logged.text()

    def post(self, path: str, req: x509.CertificateSigningRequest,
             who: tuple[str, str] | DeviceTLS = ("alice", PASSWORD)) -> Reply:
        """POST a CSR (base64) from 127.0.0.1 as alice, as another user or as a TLS
        client certificate; the RA's clock first catches up with the operator commands'."""
        self.ra.advance(max(0.0, time.time() - self.ra.clock()))
        return self.ra.post(f"/.well-known/est/{path}", pki.b64(req),
                            headers={"Content-Type": "application/pkcs10"},
                            address="127.0.0.1",
                            **({"user": who} if isinstance(who, tuple) else {"tls": who}))

    def stop(self) -> str:
        return self.logged.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Policed]:
    s = Policed(tmp_path_factory.mktemp("policy"))
    yield s
    log = s.stop()
    assert PASSWORD not in log


def build(key: object, subject: x509.Name, alt: list[x509.GeneralName] | None = None,
          challenge: str | None = None, extensions: list[x509.ExtensionType] = (),
          digest: hashes.HashAlgorithm = hashes.SHA256()) -> x509.CertificateSigningRequest:
    b = x509.CertificateSigningRequestBuilder().subject_name(subject)
    if alt:
        b = b.add_extension(x509.SubjectAlternativeName(alt), False)
    for ext in extensions:
        b = b.add_extension(ext, ext.oid == x509.BasicConstraints.oid)
    if challenge is not None:
        b = b.add_attribute(AttributeOID.CHALLENGE_PASSWORD, challenge.encode())
    return b.sign(key, digest)


def accepts(server: Policed, tmp: Path, path: str, req: x509.CertificateSigningRequest,
            *auth: Any) -> x509.Certificate:
    reply = server.post(path, req, *auth)
    assert reply.code == 200, reply.body
    return issued(reply.body)[0]


def refuses(server: Policed, tmp: Path, path: str, req: x509.CertificateSigningRequest,
            rule: str, *auth: Any, status: int = 403) -> None:
    reply = server.post(path, req, *auth)
    assert reply.code == status, reply.body
    assert reply.text.startswith(f"{rule}:"), reply.body
    assert reply.headers["content-type"].startswith("text/plain")


CN = pki.name("dev")
BOB = ("bob", PASSWORD)


def test_key_rules(server: Policed, tmp_path: Path) -> None:
    """Key type, curve, RSA size and signature hash are each enforced."""
    p384 = ec.generate_private_key(ec.SECP384R1())
    accepts(server, tmp_path, "ec384/simpleenroll", build(p384, CN, digest=hashes.SHA384()))
    refuses(server, tmp_path, "ec384/simpleenroll", build(pki.ec_key(), CN, digest=hashes.SHA384()),
            "key-curve")
    refuses(server, tmp_path, "ec384/simpleenroll", build(p384, CN, digest=hashes.SHA256()),
            "signature-hash")
    rsa2048 = rsa.generate_private_key(65537, 2048)
    refuses(server, tmp_path, "ec384/simpleenroll", build(rsa2048, CN), "key-type")
    refuses(server, tmp_path, "rsa/simpleenroll", build(rsa2048, CN), "key-size")
    accepts(server, tmp_path, "rsa/simpleenroll", build(rsa.generate_private_key(65537, 3072), CN))


def test_subject_rules(server: Policed, tmp_path: Path) -> None:
    """Required, allowed and identity-bound subject patterns."""
    key = pki.ec_key()

    def subject(*attrs: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
        return x509.Name([x509.NameAttribute(oid, value) for oid, value in attrs])
    good = subject((NameOID.COMMON_NAME, "alice-laptop"), (NameOID.ORGANIZATION_NAME, "Acme"))
    accepts(server, tmp_path, "subject/simpleenroll", build(key, good))
    refuses(server, tmp_path, "subject/simpleenroll",
            build(key, subject((NameOID.COMMON_NAME, "alice-x"))), "subject-required")
    refuses(server, tmp_path, "subject/simpleenroll",
            build(key, subject((NameOID.COMMON_NAME, "alice-x"),
                               (NameOID.ORGANIZATION_NAME, "Acme"),
                               (NameOID.LOCALITY_NAME, "Bern"))), "subject-allowed")
    refuses(server, tmp_path, "subject/simpleenroll", build(key, good),
            "subject-pattern", BOB)     # CN must start with bob-


def test_san_rules(server: Policed, tmp_path: Path) -> None:
    """DNS suffixes, IP networks, URI and e-mail patterns, and the SAN count."""
    key = pki.ec_key()
    good = [x509.DNSName("a.example.com"), x509.IPAddress(ipaddress.ip_address("10.1.2.3")),
            x509.UniformResourceIdentifier("urn:dev:alice:42")]
    accepts(server, tmp_path, "san/simpleenroll", build(key, CN, good))
    for bad, rule in (([x509.DNSName("example.com.evil.net")], "san-dns"),
                      ([x509.DNSName("notexample.com")], "san-dns"),
                      ([x509.IPAddress(ipaddress.ip_address("192.168.1.1"))], "san-ip"),
                      ([x509.UniformResourceIdentifier("urn:dev:bob:1")], "san-uri"),
                      ([x509.RFC822Name("a@evil.net")], "san-email"),
                      ([x509.DNSName(f"{i}.example.com") for i in range(4)], "san-max")):
        refuses(server, tmp_path, "san/simpleenroll", build(key, CN, bad), rule)


def test_extension_rules(server: Policed, tmp_path: Path) -> None:
    """Required and forbidden extensions in the CSR's extension request."""
    key = pki.ec_key()
    alt = [x509.DNSName("x.example.com")]
    accepts(server, tmp_path, "ext/simpleenroll", build(key, CN, alt))
    refuses(server, tmp_path, "ext/simpleenroll", build(key, CN), "extension-required")
    refuses(server, tmp_path, "ext/simpleenroll",
            build(key, CN, alt, extensions=[x509.BasicConstraints(ca=True, path_length=None)]),
            "extension-forbidden")


def test_one_time_code_used_once(server: Policed, tmp_path: Path) -> None:
    """A code enrolls once for its identity; reuse, wrong identity and absence are refused."""
    done = estra_cli("--state-dir", str(server.state), "codes", "issue",
                     "--identity", "basic:alice", "--ttl", "1h", "--json")
    assert done.returncode == 0, done.stderr
    code = json.loads(done.stdout)["code"]
    refuses(server, tmp_path, "code/simpleenroll", build(pki.ec_key(), CN), "one-time-code")
    refuses(server, tmp_path, "code/simpleenroll", build(pki.ec_key(), CN, challenge=code),
            "one-time-code", BOB)
    accepts(server, tmp_path, "code/simpleenroll", build(pki.ec_key(), CN, challenge=code))
    refuses(server, tmp_path, "code/simpleenroll", build(pki.ec_key(), CN, challenge=code),
            "one-time-code")
    assert code not in server.log()
    assert code.encode() not in server.ra.stored_bytes()
    listed = estra_cli("--state-dir", str(server.state), "codes", "list", "--json")
    assert json.loads(listed.stdout)[0]["used_by"] == "127.0.0.1"


def test_revoked_and_expired_codes(server: Policed, tmp_path: Path) -> None:
    """A revoked code and an expired code are refused."""
    issue = ["--state-dir", str(server.state), "codes", "issue", "--identity", "basic:alice",
             "--json"]
    revoked = json.loads(estra_cli(*issue).stdout)
    assert estra_cli("--state-dir", str(server.state), "codes", "revoke",
                     "--id", str(revoked["id"])).returncode == 0
    refuses(server, tmp_path, "code/simpleenroll",
            build(pki.ec_key(), CN, challenge=revoked["code"]), "one-time-code")
    expired = json.loads(estra_cli(*issue[:-1], "--ttl", "0", "--json").stdout)
    refuses(server, tmp_path, "code/simpleenroll",
            build(pki.ec_key(), CN, challenge=expired["code"]), "one-time-code")


def reenroll_args(tmp: Path, cert: x509.Certificate, key: object) -> DeviceTLS:
    """A TLS client presenting `cert` (the key is the device's business)."""
    return DeviceTLS((cert,))


def test_reenroll_rules(server: Policed, tmp_path: Path) -> None:
    """Only certificates this RA enrolled renew; the renewal window; allowed changes."""
    key = pki.ec_key()
    mine = accepts(server, tmp_path, "simpleenroll", build(key, CN))
    renewed = accepts(server, tmp_path, "simplereenroll", build(pki.ec_key(), CN),
                      reenroll_args(tmp_path, mine, key))
    assert renewed.subject == CN
    signer = pki.CA("estra CA", server.ra.ca.key, server.ra.ca.cert)
    stranger = signer.issue(CN, key.public_key())   # same CA, not enrolled here
    reply = server.post("simplereenroll", build(key, CN), reenroll_args(tmp_path, stranger, key))
    assert reply.code == 401 and b"unrecorded certificate" in reply.body, reply.body
    refuses(server, tmp_path, "anyissuer/simplereenroll", build(key, CN), "reenroll-unknown",
            reenroll_args(tmp_path, stranger, key))
    refuses(server, tmp_path, "window/simplereenroll", build(key, CN), "renewal-window",
            reenroll_args(tmp_path, mine, key))
    refuses(server, tmp_path, "simplereenroll", build(key, pki.name("other")), "reenroll-subject",
            reenroll_args(tmp_path, mine, key))
    changed = accepts(server, tmp_path, "changes/simplereenroll", build(key, pki.name("other")),
                      reenroll_args(tmp_path, mine, key))
    assert changed.subject == pki.name("other")


def test_rate_limit(server: Policed, tmp_path: Path) -> None:
    """The fourth request in the hour from one identity is 429 with Retry-After."""
    for _ in range(3):
        accepts(server, tmp_path, "rate/simpleenroll", build(pki.ec_key(), CN))
    reply = server.post("rate/simpleenroll", build(pki.ec_key(), CN))
    assert reply.code == 429 and reply.body.startswith(b"rate-limit:") and \
        reply.headers["retry-after"] == "3600"
    accepts(server, tmp_path, "rate/simpleenroll", build(pki.ec_key(), CN), BOB)


def test_rate_limit_per_address(server: Policed, tmp_path: Path) -> None:
    """The per-address budget is shared by every identity coming from that address."""
    accepts(server, tmp_path, "rateip/simpleenroll", build(pki.ec_key(), CN))
    accepts(server, tmp_path, "rateip/simpleenroll", build(pki.ec_key(), CN), BOB)
    reply = server.post("rateip/simpleenroll", build(pki.ec_key(), CN))
    assert reply.code == 429 and b"ip:127.0.0.1" in reply.body


def test_identity_placeholder_from_idevid(server: Policed, tmp_path: Path) -> None:
    """CN must equal the serialNumber of the device's manufacturer certificate."""
    maker = server.idevid
    key = pki.ec_key()
    idevid = maker.issue(pki.name("sensor", serial="SN-0042"), key.public_key())
    auth = reenroll_args(tmp_path, idevid, key)
    accepts(server, tmp_path, "idevid/simpleenroll", build(pki.ec_key(), pki.name("SN-0042")), auth)
    refuses(server, tmp_path, "idevid/simpleenroll", build(pki.ec_key(), pki.name("SN-9999")),
            "subject-pattern", auth)
    refuses(server, tmp_path, "idevid/simpleenroll", build(pki.ec_key(), pki.name("alice")),
            "subject-pattern")          # Basic identities have no certificate serialNumber


def test_manual_approval_round_trip(server: Policed, tmp_path: Path) -> None:
    """202 + Retry-After until an operator approves; the retry (new TLS session, same key)
    gets the certificate; a rejected request gets 403 with the operator's reason."""
    key = pki.ec_key()
    req = build(key, pki.name("held"))
    reply = server.post("manual/simpleenroll", req)
    assert reply.code == 202 and reply.headers["retry-after"] == "5", reply.body
    listed = json.loads(estra_cli("--state-dir", str(server.state), "pending", "list",
                                  "--json").stdout)
    mine = [row for row in listed if row["subject"] == "CN=held"]
    assert len(mine) == 1 and mine[0]["identity"] == "basic:alice"
    assert server.post("manual/simpleenroll", build(key, pki.name("held"))).code == 202
    table = estra_cli("--state-dir", str(server.state), "pending", "list").stdout
    assert "CN=held" in table and "IDENTITY" in table
    approved = estra_cli("--state-dir", str(server.state), "approve", str(mine[0]["id"]))
    assert approved.returncode == 0
    cert = accepts(server, tmp_path, "manual/simpleenroll", build(key, pki.name("held")))
    assert cert.subject == pki.name("held")

    other = pki.ec_key()
    assert server.post("manual/simpleenroll", build(other, pki.name("nope"))).code == 202
    pending = json.loads(estra_cli("--state-dir", str(server.state), "pending", "list",
                                   "--json").stdout)
    nope = next(row for row in pending if row["subject"] == "CN=nope")
    assert estra_cli("--state-dir", str(server.state), "reject", str(nope["id"]),
                     "--reason", "not on the asset list").returncode == 0
    refuses(server, tmp_path, "manual/simpleenroll", build(other, pki.name("nope")), "approval")
    reply = server.post("manual/simpleenroll", build(other, pki.name("nope")))
    assert b"not on the asset list" in reply.body


def test_enrollments_are_recorded_with_their_rule(server: Policed, tmp_path: Path) -> None:
    """Each decision is in the store with the rule that made it; the CLI lists them."""
    refuses(server, tmp_path, "ext/simpleenroll", build(pki.ec_key(), pki.name("audit")),
            "extension-required")
    rows = json.loads(estra_cli("--state-dir", str(server.state), "enrollments", "list",
                                "--label", "ext", "--decision", "rejected", "--json").stdout)
    assert rows[0]["rule"] == "extension-required" and rows[0]["subject"] == "CN=audit"
    assert rows[0]["identity"] == "basic:alice" and rows[0]["method"] == "basic"
    table = estra_cli("--state-dir", str(server.state), "enrollments", "list", "--since", "1h")
    assert "DECISION" in table.stdout and "issued" in table.stdout


def test_csrattrs_follow_policy(server: Policed) -> None:
    """csrattrs tells the device what the profile will accept."""
    reply = server.ra.get("/.well-known/est/ec384/csrattrs")
    assert reply.code == 200
    parsed = subprocess.run(["openssl", "asn1parse", "-inform", "DER"],
                            input=base64.b64decode(reply.body), capture_output=True,
                            timeout=30).stdout.decode()
    assert "id-ecPublicKey" in parsed and "secp384r1" in parsed and "ecdsa-with-SHA384" in parsed
    assert "1.2.840.113549.1.9.16.2.61" in parsed      # the RFC 9908 template form too
    reply = server.ra.get("/.well-known/est/code/csrattrs")
    assert reply.code == 200 and b"challengePassword" in subprocess.run(
        ["openssl", "asn1parse", "-inform", "DER"], input=base64.b64decode(reply.body),
        capture_output=True, timeout=30).stdout


# Keep last: it restarts the module's RA.
def test_store_survives_restart(server: Policed, tmp_path: Path) -> None:
    """Pending requests and records are still there after a restart."""
    key = pki.ec_key()
    assert server.post("manual/simpleenroll", build(key, pki.name("restart"))).code == 202
    server.ra = server.start(CONFIG)
    pending = json.loads(estra_cli("--state-dir", str(server.state), "pending", "list",
                                   "--json").stdout)
    held = next(row for row in pending if row["subject"] == "CN=restart")
    assert estra_cli("--state-dir", str(server.state), "approve",
                     str(held["id"])).returncode == 0
    accepts(server, tmp_path, "manual/simpleenroll", build(key, pki.name("restart")))


class DefaultPolicyNameTests(SynchronousTestCase):
    """`Policy.check` under a profile with no settings (in process): names a CA must
    never certify are refused with 403 and the rule's name, whatever the face."""

    def setUp(self) -> None:
        self.profile = Profile("default")
        self.identity = Identity(BASIC, "alice", "", Peer("192.0.2.1", (), None, None))
        self.policy = Policy(lambda: 0.0)
        self.key = pki.ec_key()

    def refused(self, csr_der: bytes, rule: str) -> None:
        with self.assertRaises(Forbidden) as caught:
            self.policy.check(ENROLL, self.identity, x509.load_der_x509_csr(csr_der),
                              self.profile)
        self.assertEqual(caught.exception.status, 403)
        self.assertTrue(caught.exception.reason.startswith(rule + ": "),
                        caught.exception.reason)

    def with_san(self, tag: int, value: bytes) -> bytes:
        return sign_csr(csr_info(self.key, extensions=[
            extension("2.5.29.17", seq(tlv(tag, value)))]), self.key)

    def test_eight_byte_ip_address_refused(self) -> None:
        """An 8-byte iPAddress (cryptography reads it as 10.0.0.0/24) is refused."""
        self.refused(self.with_san(0x87, bytes([10, 0, 0, 0, 255, 255, 255, 0])),
                     "san-ip-syntax")

    def test_thirty_two_byte_ip_address_refused(self) -> None:
        """A 32-byte iPAddress (an IPv6 network) is refused."""
        self.refused(self.with_san(0x87, bytes(16) + b"\xff" * 16), "san-ip-syntax")

    def test_four_and_sixteen_byte_ip_addresses_pass(self) -> None:
        """4- and 16-byte iPAddress names are what RFC 5280 asks for: accepted."""
        for raw in (bytes([10, 0, 0, 1]), bytes(15) + b"\x01"):
            self.policy.check(ENROLL, self.identity,
                              x509.load_der_x509_csr(self.with_san(0x87, raw)), self.profile)

    def test_scheme_less_uri_refused(self) -> None:
        """A URI SAN without a scheme ("//host/x", "device-1") is refused."""
        for uri in (b"device-1", b"//host.example/x", b":nothing"):
            self.refused(self.with_san(0x86, uri), "san-uri-syntax")

    def test_absolute_uri_passes(self) -> None:
        """"urn:dev:1" and "https://host/x" are absolute URIs: accepted."""
        for uri in (b"urn:dev:1", b"https://host.example/x"):
            self.policy.check(ENROLL, self.identity,
                              x509.load_der_x509_csr(self.with_san(0x86, uri)), self.profile)

    def test_nul_in_common_name_refused(self) -> None:
        """A NUL (or any control character) in the CN is refused."""
        for value in (b"good.example\x00evil", b"a\x1bb", b"a\x7fb"):
            self.refused(sign_csr(csr_info(self.key, subject=name_der(
                [("2.5.4.3", 0x0C, value)])), self.key), "subject-control")

    def test_control_characters_in_sans_refused(self) -> None:
        """A NUL in an rfc822Name or in a directoryName's attribute is refused."""
        self.refused(self.with_san(0x81, b"a@b\x00.example"), "san-control")
        self.refused(self.with_san(0xA4, name_der([("2.5.4.3", 0x0C, b"x\x00y")])),
                     "subject-control")
