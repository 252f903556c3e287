"""The authorization matrix: every operation x every authentication state x four profiles.

One estra in memory (estra.testing: the production wiring, the EST and SCEP
resources behind an in-memory agent) and a client that speaks EST as a device
with its TLS facts injected per connection (client certificate, tls-unique or
tls-exporter) and SCEP with estra's own message codec.  Each cell is the exact
answer expected:

  200 204 401 403   HTTP status (EST)
  ok / fail         /fullcmc: HTTP 200 carrying a CMC success / failed status
  S / F             SCEP CertRep SUCCESS / FAILURE

Profiles: `default` (permissive), `strict` (CN must be the identity's name),
`codes` (a one-time code in every request; SCEP one-time codes) and `cb`
(tls-unique channel binding).  The table is printed (`pytest -s`) and any
differing cell is shown as expected→actual.

States: only `basic` carries a valid code (codes) and channel binding (cb);
every other state carries neither, so the table shows which identities skip
those checks (only an RA from tls.ra_trust does).
"""

from __future__ import annotations

import base64
import datetime
import http.client
import json
import os
import sqlite3
import ssl
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import AttributeOID, ExtendedKeyUsageOID

from estra.asn1 import cmc
from estra.testing import DeviceTLS, LogLines, MemoryRA
from estra.asn1 import scep_message as sm
from estra.asn1.wire import serial_hex
from tests import pki
from tests.conftest import PASSWORD, Server, estra_cli

CMC_RA = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.28")
PROFILES = ("default", "strict", "codes", "cb")
EST_OPS = ("cacerts", "csrattrs", "simpleenroll", "simplereenroll", "serverkeygen", "fullcmc")
SCEP_OPS = ("PKCSReq", "RenewalReq", "CertPoll", "GetCert")
STATES = ("none", "wrong-password", "basic", "issued-here", "issued-other", "foreign-ca",
          "expired-grace", "expired-beyond", "bootstrap", "bootstrap-cmcra", "ra",
          "spent-code", "wrong-binding", "issued-revoked", "bootstrap-revoked", "ra-revoked",
          "server-eku")

#: state -> profile -> the ten cells (EST_OPS then SCEP_OPS)
EXPECTED: dict[str, dict[str, str]] = {
    "none": {
        "default": "200 204 401 401 401 401 F F F F",
        "strict":  "200 204 401 401 401 401 F F F F",
        "codes":   "200 200 401 401 401 401 F F F F",
        "cb":      "200 200 401 401 401 401 F F F F"},
    "wrong-password": {
        "default": "200 204 401 401 401 401 F F F F",
        "strict":  "200 204 401 401 401 401 F F F F",
        "codes":   "200 200 401 401 401 401 F F F F",
        "cb":      "200 200 401 401 401 401 F F F F"},
    "basic": {      # a static SCEP password names no one: {identity} cannot match
        "default": "200 204 200 403 200 ok S F F F",
        "strict":  "200 204 200 403 200 ok F F F F",
        "codes":   "200 200 200 403 200 ok S F F F",
        "cb":      "200 200 200 403 200 ok S F F F"},
    # A PKCSReq signed by a certificate issued here is a renewal (certmonger's resubmit
    # and rekey): answered as a RenewalReq is, its challenge not looked at.
    "issued-here": {
        "default": "200 204 200 200 200 ok S S F F",
        "strict":  "200 204 200 200 200 ok S S F F",
        "codes":   "200 200 403 403 403 fail S S F F",
        "cb":      "200 200 403 403 403 fail S S F F"},
    "issued-other": {
        "default": "200 204 401 401 401 401 F F F F",
        "strict":  "200 204 401 401 401 401 F F F F",
        "codes":   "200 200 401 401 401 401 F F F F",
        "cb":      "200 200 401 401 401 401 F F F F"},
    "foreign-ca": {
        "default": "200 204 401 401 401 401 F F F F",
        "strict":  "200 204 401 401 401 401 F F F F",
        "codes":   "200 200 401 401 401 401 F F F F",
        "cb":      "200 200 401 401 401 401 F F F F"},
    "expired-grace": {
        "default": "200 204 403 200 403 fail S S F F",
        "strict":  "200 204 403 200 403 fail S S F F",
        "codes":   "200 200 403 403 403 fail S S F F",
        "cb":      "200 200 403 403 403 fail S S F F"},
    "expired-beyond": {
        "default": "200 204 401 401 401 401 F F F F",
        "strict":  "200 204 401 401 401 401 F F F F",
        "codes":   "200 200 401 401 401 401 F F F F",
        "cb":      "200 200 401 401 401 401 F F F F"},
    "bootstrap": {
        "default": "200 204 200 403 200 ok F F F F",
        "strict":  "200 204 200 403 200 ok F F F F",
        "codes":   "200 200 403 403 403 fail F F F F",
        "cb":      "200 200 403 403 403 fail F F F F"},
    "bootstrap-cmcra": {   # id-kp-cmcRA from a device store is not an RA
        "default": "200 204 200 403 200 ok F F F F",
        "strict":  "200 204 200 403 200 ok F F F F",
        "codes":   "200 200 403 403 403 fail F F F F",
        "cb":      "200 200 403 403 403 fail F F F F"},
    "ra": {                # an RA from tls.ra_trust: codes and binding are its business
        "default": "200 204 200 200 200 ok F S F F",
        "strict":  "200 204 200 200 200 ok F S F F",
        "codes":   "200 200 200 200 200 ok F S F F",
        "cb":      "200 200 200 200 200 ok F S F F"},
    "spent-code": {
        "default": "200 204 200 403 200 ok F F F F",
        "strict":  "200 204 200 403 200 ok F F F F",
        "codes":   "200 200 403 403 403 fail F F F F",
        "cb":      "200 200 403 403 403 fail F F F F"},
    "wrong-binding": {
        "default": "200 204 200 403 200 ok F F F F",
        "strict":  "200 204 200 403 200 ok F F F F",
        "codes":   "200 200 403 403 403 fail F F F F",
        "cb":      "200 200 403 403 403 fail F F F F"},
    # A revoked certificate authenticates nothing, whatever its kind (estra revoke;
    # [tls] crls): 403 "revoked:" on every operation, SCEP renewal FAILURE.
    "issued-revoked": {
        "default": "200 204 403 403 403 403 F F F F",
        "strict":  "200 204 403 403 403 403 F F F F",
        "codes":   "200 200 403 403 403 403 F F F F",
        "cb":      "200 200 403 403 403 403 F F F F"},
    "bootstrap-revoked": {
        "default": "200 204 403 403 403 403 F F F F",
        "strict":  "200 204 403 403 403 403 F F F F",
        "codes":   "200 200 403 403 403 403 F F F F",
        "cb":      "200 200 403 403 403 403 F F F F"},
    "ra-revoked": {
        "default": "200 204 403 403 403 403 F F F F",
        "strict":  "200 204 403 403 403 403 F F F F",
        "codes":   "200 200 403 403 403 403 F F F F",
        "cb":      "200 200 403 403 403 403 F F F F"},
    # Issued here with serverAuth only: no TLS client credential (client_eku), while
    # a SCEP renewal signed with it (not a TLS client) is fine.
    "server-eku": {
        "default": "200 204 401 401 401 401 S S F F",
        "strict":  "200 204 401 401 401 401 S S F F",
        "codes":   "200 200 401 401 401 401 S S F F",
        "cb":      "200 200 401 401 401 401 S S F F"},
}

CONFIG = """
[tls]
client_trust = ["{boot}"]
ra_trust = ["{ra}"]
crls = ["{boot_crl}", "{ra_crl}"]

[auth]
address_failures = 1000     # the matrix sends many wrong passwords from 127.0.0.1

[scep]
listen = "tcp:0:interface=127.0.0.1"

[profiles.default]
scep_password = "sesame"
reenroll_grace = 3600

[profiles.strict]
subject_patterns = {{ CN = "{{identity}}" }}
scep_password = "sesame"
reenroll_grace = 3600

[profiles.codes]
require_code = true
scep_challenge = "codes"
reenroll_grace = 3600

[profiles.cb]
require_channel_binding = true
scep_password = "sesame"
reenroll_grace = 3600
"""


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, 2048)


def request(key: Any, cn: str, challenge: str | bytes | None = None
            ) -> x509.CertificateSigningRequest:
    b = x509.CertificateSigningRequestBuilder().subject_name(pki.name(cn))
    if challenge is not None:
        value = challenge if isinstance(challenge, bytes) else challenge.encode()
        b = b.add_attribute(AttributeOID.CHALLENGE_PASSWORD, value)
    return b.sign(key, hashes.SHA256())


class Credential:
    """How one state authenticates: a client certificate, Basic, a CSR challenge."""

    def __init__(self, name: str, cert: x509.Certificate | None = None, key: Any = None,
                 password: str | None = None, challenge: Callable[[str], str | None] | None = None,
                 scep_challenge: Callable[[str], str | None] | None = None) -> None:
        self.name, self.cert, self.key, self.password = name, cert, key, password
        self.challenge = challenge or (lambda profile: None)
        self.scep_challenge = scep_challenge or (lambda profile: None)
        self.files: tuple[str, str] | None = None

    def signer(self) -> sm.Signer:
        """The SCEP signer: this certificate, or a self-signed one (password states)."""
        if self.cert is not None:
            return sm.Signer(self.cert, self.key)
        key = rsa_key()
        cert = (x509.CertificateBuilder().subject_name(pki.name(self.name))
                .issuer_name(pki.name(self.name)).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(pki.NOW - datetime.timedelta(minutes=5))
                .not_valid_after(pki.NOW + datetime.timedelta(days=1))
                .sign(key, hashes.SHA256()))
        return sm.Signer(cert, key)


class World:
    """The RA, its peers' PKI, and a client for both protocols."""

    def __init__(self, ra: MemoryRA, tmp: Path) -> None:
        self.ra, self.tmp = ra, tmp
        self._codes: list[str] = []

    # -- EST as a device over TLS (in memory) ----------------------------
    def _tls(self, profile: str, cred: Credential) -> DeviceTLS:
        """A new TLS session: TLS 1.2 (tls-unique) for `cb`, as the device did, else 1.3."""
        chain = (cred.cert,) if cred.cert is not None else ()
        if profile == "cb":
            return DeviceTLS(chain, tls_unique=os.urandom(12))
        return DeviceTLS(chain, tls_exporter=os.urandom(32))

    def est(self, profile: str, op: str, cred: Credential) -> str:
        tls = self._tls(profile, cred)
        headers = {"User-Agent": "matrix"}
        user = ("alice", cred.password) if cred.password is not None else None
        path = "/.well-known/est/" + ("" if profile == "default" else profile + "/") + op
        if op in ("cacerts", "csrattrs"):
            return str(self.ra.get(path, headers=headers, tls=tls, user=user).code)
        challenge: str | None = cred.challenge(profile)
        if profile == "cb" and cred.password is not None and challenge is None:
            assert tls.tls_unique is not None
            challenge = base64.b64encode(tls.tls_unique).decode()
        key = pki.ec_key()
        csr = request(key, cred.name, challenge)
        if op == "fullcmc":
            body = base64.b64encode(cmc.build_request(csr, key))
            headers["Content-Type"] = "application/pkcs7-mime; smime-type=CMC-request"
        else:
            body = pki.b64(csr)
            headers["Content-Type"] = "application/pkcs10"
        reply = self.ra.post(path, body, headers=headers, tls=tls, user=user)
        if op == "fullcmc" and reply.code == 200:
            status, _, _ = cmc.parse_response(base64.b64decode(reply.body))
            return "ok" if status == cmc.CMCStatus.success else "fail"
        return str(reply.code)

    def enroll(self, profile: str, cn: str, key: Any, challenge: str | None = None,
               cb: bool = False) -> x509.Certificate:
        """A certificate for `key` issued under `profile` to Basic alice."""
        tls = DeviceTLS(tls_unique=os.urandom(12))
        if cb:
            assert tls.tls_unique is not None
            challenge = base64.b64encode(tls.tls_unique).decode()
        path = "/.well-known/est/" + ("" if profile == "default" else profile + "/")
        reply = self.ra.post(path + "simpleenroll", pki.b64(request(key, cn, challenge)),
                             headers={"Content-Type": "application/pkcs10"}, tls=tls,
                             user=("alice", PASSWORD))
        assert reply.code == 200, reply.body
        return pkcs7.load_der_pkcs7_certificates(base64.b64decode(reply.body))[0]

    def code(self, principal: str) -> str:
        """A one-time code, as `estra codes issue --identity P` makes it (its store call)."""
        _, code = self.ra.run(self.ra.store.issue_code(principal, 3600))
        return str(code)

    def ca(self) -> x509.Certificate:
        return self.ra.ca.cert

    def ca_signer(self) -> pki.CA:
        return pki.CA("estra matrix CA", self.ra.ca.key, self.ra.ca.cert)

    # -- SCEP ------------------------------------------------------------
    def ra_cert(self) -> x509.Certificate:
        certs = pkcs7.load_der_pkcs7_certificates(
            self.ra.get("/scep?operation=GetCACert", face="scep").body)
        return next(c for c in certs if c.subject != c.issuer)

    def scep_answer(self, profile: str, message: sm.Request) -> bytes:
        path = "/scep" + ("" if profile == "default" else "/" + profile)
        reply = self.ra.post(path + "?operation=PKIOperation", message.der, face="scep",
                             headers={"Content-Type": "application/x-pki-message"})
        assert reply.code == 200, reply.body
        return reply.body

    def scep(self, profile: str, message: sm.Request) -> str:
        answer = message.check(sm.parse(self.scep_answer(profile, message), [self.ra_cert()]))
        return {sm.Status.SUCCESS: "S", sm.Status.FAILURE: "F",
                sm.Status.PENDING: "P"}[answer.status]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("matrix")
    logged = LogLines().start()
    boot, ra_ca = pki.CA("Maker IDevID CA"), pki.CA("Operator RA CA")
    # The RA's CA, made a day ago: certificates that expired minutes ago were issued
    # while it was valid (estra makes its CA with a few minutes' backdating only).
    ca = pki.CA("estra matrix CA")
    revoked = {"bootstrap-revoked": signed_by(boot, "idev-gone"),
               "ra-revoked": signed_by(ra_ca, "ra-gone", CMC_RA)}
    write_crl(tmp / "boot.crl", boot, revoked["bootstrap-revoked"].cert)
    write_crl(tmp / "ra-ca.crl", ra_ca, revoked["ra-revoked"].cert)
    config = CONFIG.format(boot=boot.write(tmp, "boot"), ra=ra_ca.write(tmp, "ra-ca"),
                           boot_crl=tmp / "boot.crl", ra_crl=tmp / "ra-ca.crl")
    (tmp / "estra.toml").write_text(config)            # for the operator commands
    ra = MemoryRA(config, state_dir=str(tmp / "srv"),
                  files={"state/ca.pem": ca.cert.public_bytes(pki.PEM),
                         "state/ca.key": pki.key_pem(ca.key)})
    ra.add_user("alice", PASSWORD)
    w = World(ra, tmp)
    w.boot, w.ra_ca, w.revoked = boot, ra_ca, revoked
    yield w
    log = logged.stop()
    assert "Traceback" not in log and PASSWORD not in log


def signed_by(issuer: pki.CA, cn: str, *ekus: x509.ObjectIdentifier,
              client: bool = True) -> Credential:
    """A credential of a certificate `issuer` signs (clientAuth unless not `client`)."""
    key = rsa_key()
    usages = [ExtendedKeyUsageOID.CLIENT_AUTH] if client else []
    return Credential(cn, issuer.issue(pki.name(cn), key.public_key(),
                                       ekus=[*usages, *ekus]), key)


def write_crl(path: Path, issuer: pki.CA, *revoked: x509.Certificate) -> None:
    builder = (x509.CertificateRevocationListBuilder().issuer_name(issuer.cert.subject)
               .last_update(pki.NOW - datetime.timedelta(hours=1))
               .next_update(pki.NOW + datetime.timedelta(days=1)))
    for cert in revoked:
        builder = builder.add_revoked_certificate(x509.RevokedCertificateBuilder()
                                                  .serial_number(cert.serial_number)
                                                  .revocation_date(pki.NOW).build())
    path.write_bytes(builder.sign(issuer.key, hashes.SHA256()).public_bytes(pki.PEM))


def record_as_issued(ra: MemoryRA, cert: x509.Certificate, profile: str) -> None:
    """Put `cert` in the store as issued under `profile` (certificates that are
    expired already cannot be enrolled for real)."""
    db = sqlite3.connect(ra.settings.state_dir.child("estra.db").path, timeout=30)
    with db:
        db.execute("INSERT INTO enrollments (at, identity, method, peer, label, operation, "
                   "csr_sha256, key_sha256, subject, sans, decision, rule, reason, serial, "
                   "not_after, certificate) VALUES (0, 'test', 'test', '-', ?, 'simpleenroll',"
                   " '', '', ?, '[]', 'issued', 'issued', '', ?, 0, ?)",
                   (profile, cert.subject.rfc4514_string(), serial_hex(cert.serial_number),
                    base64.b64encode(pki.der(cert)).decode()))
    db.close()


def credentials(w: World, profile: str) -> dict[str, Credential]:
    """Every state's credential as seen from `profile`."""
    ca = w.ca_signer()
    boot, ra_ca = w.boot, w.ra_ca

    def issued(under: str) -> Credential:
        cn = "alice" if under == "strict" else f"dev-{under}"    # strict: CN = {identity}
        key = rsa_key()
        challenge = w.code("basic:alice") if under == "codes" else None
        cert = w.enroll(under, cn, key, challenge, cb=under == "cb")
        return Credential(cn, cert, key)

    def expired(ago: datetime.timedelta, cn: str) -> Credential:
        key = rsa_key()
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = ca.issue(pki.name(cn), key.public_key(), not_before=now - 3 * ago,
                        not_after=now - ago)
        record_as_issued(w.ra, cert, profile)
        return Credential(cn, cert, key)

    def revoked_here() -> Credential:
        cred = issued(profile)
        assert cred.cert is not None
        done = estra_cli("--config", str(w.tmp / "estra.toml"), "--state-dir",
                         w.ra.settings.state_dir.path, "revoke", f"{cred.cert.serial_number:x}",
                         "--reason", "keyCompromise")
        assert done.returncode == 0, done.stderr
        return cred

    def server_only(cn: str) -> Credential:
        cred = signed_by(ca, cn, ExtendedKeyUsageOID.SERVER_AUTH, client=False)
        assert cred.cert is not None
        record_as_issued(w.ra, cred.cert, profile)
        return cred

    server_ca = w.ca()
    impostor_key = pki.ec_key()         # a CA of the same name as the RA's, not the RA's
    impostor = pki.CA("impostor", impostor_key, (
        x509.CertificateBuilder().subject_name(server_ca.subject).issuer_name(server_ca.subject)
        .public_key(impostor_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(pki.NOW - datetime.timedelta(days=1))
        .not_valid_after(pki.NOW + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(impostor_key, hashes.SHA256())))
    spent = w.code("basic:alice")
    assert w.enroll("codes", "alice", pki.ec_key(), spent).subject == pki.name("alice")
    other = "strict" if profile == "default" else "default"
    scep_code = w.code(f"code:scep-{profile}-dev") if profile == "codes" else None
    return {
        "none": Credential("anon"),
        "wrong-password": Credential("alice", password="not the password",
                                     scep_challenge=lambda p: "not the password"),
        "basic": Credential(
            "alice", password=PASSWORD,
            challenge=lambda p: w.code("basic:alice") if p == "codes" else None,
            scep_challenge=lambda p: scep_code if p == "codes" else "sesame"),
        "issued-here": issued(profile),
        "issued-other": issued(other),
        "foreign-ca": signed_by(impostor, "forged"),
        "expired-grace": expired(datetime.timedelta(minutes=10), f"late-{profile}"),
        "expired-beyond": expired(datetime.timedelta(hours=2), f"gone-{profile}"),
        "bootstrap": signed_by(boot, "idev-1"),
        "bootstrap-cmcra": signed_by(boot, "idev-ra", CMC_RA),
        "ra": signed_by(ra_ca, "ra-1", CMC_RA),
        "spent-code": Credential("alice", password=PASSWORD, challenge=lambda p: spent,
                                 scep_challenge=lambda p: spent),
        "wrong-binding": Credential("alice", password=PASSWORD,
                                    challenge=lambda p: base64.b64encode(b"x" * 12).decode(),
                                    scep_challenge=lambda p: base64.b64encode(b"x" * 12).decode()),
        "issued-revoked": revoked_here(),
        **w.revoked,
        "server-eku": server_only("alice" if profile == "strict" else f"srv-{profile}"),
    }


def victim(w: World, profile: str) -> tuple[str, x509.Certificate | None]:
    """A SCEP device's transactionID and certificate, for others to ask about."""
    ra = w.ra_cert()
    device = Credential(f"victim-{profile}").signer()
    secret = w.code(f"code:victim-{profile}") if profile == "codes" else "sesame"
    message = sm.pkcs_req(request(device.key, f"victim-{profile}", secret), device, ra)
    answer = message.check(sm.parse(w.scep_answer(profile, message), [ra]))
    certs = answer.issued(device) if answer.status == sm.Status.SUCCESS else []
    return message.transaction_id, (certs[0] if certs else None)


def scep_cells(w: World, profile: str, cred: Credential,
               target: tuple[str, x509.Certificate | None]) -> list[str]:
    ra, (tid, theirs) = w.ra_cert(), target
    signer = cred.signer()
    ca = w.ca()
    cn = cred.name
    new_key = rsa_key()
    pkcs = sm.pkcs_req(request(signer.key, cn, cred.scep_challenge(profile)), signer, ra)
    renewal = sm.pkcs_req(request(new_key, cn), signer, ra, renewal=True)
    poll = sm.cert_poll(ca.subject, pki.name(f"victim-{profile}"), tid, signer, ra)
    serial = theirs.serial_number if theirs is not None else 1
    get = sm.get_cert(ca.subject, serial, signer, ra)
    return [w.scep(profile, m) for m in (pkcs, renewal, poll, get)]


def render(rows: dict[tuple[str, str], list[str]], expected: bool) -> str:
    head = f"{'state':16} {'profile':8} " + " ".join(f"{op[:9]:>9}" for op in
                                                     (*EST_OPS, *SCEP_OPS))
    lines = [head]
    for (state, profile), cells in rows.items():
        want = EXPECTED[state][profile].split()
        shown = [c if c == e or expected else f"{e}→{c}" for c, e in zip(cells, want, strict=True)]
        lines.append(f"{state:16} {profile:8} " + " ".join(f"{c:>9}" for c in shown))
    return "\n".join(lines)


def test_authorization_matrix(world: World) -> None:
    """Every cell of the matrix is exactly the expected answer."""
    actual: dict[tuple[str, str], list[str]] = {}
    for profile in PROFILES:
        creds = credentials(world, profile)
        target = victim(world, profile)
        for state in STATES:
            cred = creds[state]
            cells = [world.est(profile, op, cred) for op in EST_OPS]
            actual[state, profile] = cells + scep_cells(world, profile, cred, target)
    print("\n" + render(actual, expected=True))
    wrong = {k: v for k, v in actual.items() if v != EXPECTED[k[0]][k[1]].split()}
    assert not wrong, "\n" + render(wrong, expected=False)
    assert world.ra.get("/healthz", face="admin").code == 200


def test_scep_owner_polls_and_fetches_its_own(world: World) -> None:
    """The signer that owns a transaction gets its certificate by CertPoll and GetCert."""
    ra = world.ra_cert()
    ca = world.ca()
    device = Credential("owner").signer()
    first = sm.pkcs_req(request(device.key, "owner", "sesame"), device, ra)
    assert world.scep("default", first) == "S"
    poll = sm.cert_poll(ca.subject, pki.name("owner"), first.transaction_id, device, ra)
    assert world.scep("default", poll) == "S"


def test_no_laundering_across_profiles(world: World) -> None:
    """A Basic user refused CN=admin by `strict` gets CN=admin from `default`, and that
    certificate does not authenticate at `strict` (issued under another profile)."""
    assert world.est("strict", "simpleenroll", Credential("admin", password=PASSWORD)) == "403"
    key = rsa_key()
    admin = world.enroll("default", "admin", key)
    assert world.est("strict", "simpleenroll", Credential("admin", admin, key)) == "401"
    assert world.est("strict", "simplereenroll", Credential("admin", admin, key)) == "401"
    assert world.est("default", "simplereenroll", Credential("admin", admin, key)) == "200"


def test_scep_password_names_no_one(world: World) -> None:
    """Over SCEP with the shared password, the CSR's CN is a claim: the `strict`
    profile's CN = {identity} refuses it whatever the CN is."""
    ra = world.ra_cert()
    for cn in ("alice", "admin"):
        device = Credential(cn).signer()
        message = sm.pkcs_req(request(device.key, cn, "sesame"), device, ra)
        assert world.scep("strict", message) == "F"


def test_bootstrap_cmcra_is_not_an_ra(world: World) -> None:
    """id-kp-cmcRA on a certificate from tls.client_trust gives no RA role: the records
    name it a bootstrap identity and the one-time code is still required."""
    creds = credentials(world, "codes")
    assert world.est("codes", "simpleenroll", creds["bootstrap-cmcra"]) == "403"
    assert world.est("codes", "simpleenroll", creds["ra"]) == "200"
    # what `estra enrollments list --label codes --json` prints (the same store call)
    rows = json.dumps(world.ra.run(world.ra.store.enrollments(label="codes", limit=50)), indent=2,
                      default=str)
    assert '"identity": "bootstrap:' in rows and ':idev-ra"' in rows
    assert '"identity": "ra:' in rows and ':ra-1"' in rows


def est_over_tls(server: Server, profile: str, op: str, cred: Credential, tmp: Path) -> str:
    """One EST cell against a real estra, with Python's `ssl` as the device (TLS 1.2
    for `cb`, whose binding is tls-unique)."""
    ctx = ssl.create_default_context(cafile=str(server.ca))
    if profile == "cb":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if cred.cert is not None:
        ctx.load_cert_chain(*pki.write_pair(tmp, f"cred-{cred.cert.serial_number}", cred.cert,
                                            cred.key))
    conn = http.client.HTTPSConnection("localhost", server.port, context=ctx, timeout=30)
    try:
        conn.connect()
        headers = {"User-Agent": "matrix"}
        if cred.password is not None:
            token = base64.b64encode(f"alice:{cred.password}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        path = "/.well-known/est/" + ("" if profile == "default" else profile + "/") + op
        if op in ("cacerts", "csrattrs"):
            conn.request("GET", path, headers=headers)
            return str(conn.getresponse().status)
        challenge = None
        if profile == "cb" and cred.password is not None:
            assert conn.sock is not None
            unique = conn.sock.get_channel_binding("tls-unique")
            challenge = base64.b64encode(unique).decode()
        key = pki.ec_key()
        conn.request("POST", path, body=pki.b64(request(key, cred.name, challenge)),
                     headers={**headers, "Content-Type": "application/pkcs10"})
        return str(conn.getresponse().status)
    finally:
        conn.close()


def test_smoke_rows_over_real_tls(world: World, start_estra: Callable[..., Server],
                                  tmp_path: Path) -> None:
    """The in-memory matrix reads TLS facts through the seam in `estra.est.resource.peer_of`; a
    real estra over real TLS gives the same cells where the facts come from pyOpenSSL:
    a client certificate (bootstrap, default) and tls-unique (basic, cb)."""
    config = (world.tmp / "estra.toml").read_text()
    server = start_estra(config)
    server.add_user("alice")
    boot = world.boot
    rows = {("bootstrap", "default"): signed_by(boot, "idev-smoke"),
            ("basic", "cb"): Credential("alice", password=PASSWORD),
            ("none", "cb"): Credential("anon")}
    ops = EST_OPS[:5]               # no fullcmc: its body needs no TLS fact the others do not
    for (state, profile), cred in rows.items():
        cells = [est_over_tls(server, profile, op, cred, tmp_path) for op in ops]
        assert cells == EXPECTED[state][profile].split()[:5], (state, profile, cells)
    log = server.stop()
    assert "Traceback" not in log and PASSWORD not in log
