"""Intune as the SCEP challenge authority (issue #21) against a fake of Microsoft's
documented contract for third-party CAs (microsoft/Intune-Resource-Access): the Entra
ID token endpoint (client credentials), Graph service discovery, and the
ScepRequestValidationFEService's validateRequest, successNotification and
failureNotification with their headers and JSON, over loopback HTTPS.  The fake
refuses what the service refuses: a wrong client secret (401 invalid_client), a
client assertion not signed by a registered certificate, for another audience or
app, or out of its time range (401 invalid_client, AADSTS codes), a
missing or foreign token (401), a wrong api-version, an unknown challenge
(ChallengeDecryptionError), a notification for a transaction it never validated."""

from __future__ import annotations

import base64
import json
import re
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import AttributeOID, NameOID

from estra.asn1 import scep_message as sm
from estra.asn1.wire import serial_hex
from estra.config import ConfigError, settings_from_string
from estra.upstream.intune import ASSERTION_TYPE
from tests import pki
from tests.conftest import MemoryScep, Server, StartMemoryScep
from tests.fakeca import FakeHandler, FakeServer, MemoryFake, in_memory, serve
from tests.test_scep import answer, ra_certificates, request_for, self_signed
from tests.test_scep_clients import Scep, ScepClient

TENANT, APP, SECRET = "contoso.onmicrosoft.com", "5c1e9a0e-app", "app-secret-value"
INTUNE_APP = "0000000a-0000-0000-c000-000000000000"
SCOPES = {"https://graph.microsoft.com/.default": "graph",
          "https://api.manage.microsoft.com//.default": "intune"}
SERVICE_PATH = "/ScepRequestValidationFEService/"
PKI_PATH = "/PkiConnectorFEService/"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class IntuneFake(FakeHandler):
    """login.microsoftonline.com, graph.microsoft.com and the Intune SCEP service in one."""

    def _deny(self, status: int, doc: dict[str, Any]) -> None:
        self.server.state.setdefault("denied", []).append((self.path, status))
        self.reply_json(status, doc)

    def _bearer(self, audience: str) -> bool:
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        return bool(self.server.state.get("tokens", {}).get(token) == audience)

    def do_POST(self) -> None:
        state, body = self.server.state, self.body()
        if self.path == f"/{TENANT}/oauth2/v2.0/token":
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            if form.get("grant_type") != "client_credentials":
                return self._deny(400, {"error": "unsupported_grant_type"})
            if "client_assertion" in form:
                refused = self._assertion_refused(form)
                if refused:
                    return self._deny(401, {"error": "invalid_client", "error_codes": [
                        int(refused[6:].partition(":")[0])], "error_description": refused})
            elif form.get("client_id") != APP or form.get("client_secret") != SECRET:
                return self._deny(401, {"error": "invalid_client", "error_description":
                                        "AADSTS7000215: Invalid client secret provided."})
            if form.get("scope") not in SCOPES:
                return self._deny(400, {"error": "invalid_scope"})
            token = uuid.uuid4().hex
            state.setdefault("tokens", {})[token] = SCOPES[form["scope"]]
            state.setdefault("token_requests", []).append(SCOPES[form["scope"]])
            return self.reply_json(200, {"token_type": "Bearer", "expires_in": 3599,
                                         "ext_expires_in": 3599, "access_token": token})
        if self.path.endswith("/token"):
            return self._deny(400, {"error": "invalid_request", "error_description":
                                    "AADSTS90002: Tenant not found."})
        revocations = re.fullmatch(PKI_PATH + r"CertificateAuthorityRequests/(\w+)",
                                   self.path)
        if revocations is not None:
            return self._revocations(revocations.group(1), body)
        match = re.fullmatch(SERVICE_PATH + r"ScepActions/(\w+)", self.path)
        if match is None:
            return self._deny(404, {"error": "not found"})
        if not self._bearer("intune"):
            return self._deny(401, {"Message": "Authorization has been denied for this request."})
        if self.headers.get("api-version") != "2018-02-20" or \
                self.headers.get("Content-Type") != "application/json":
            return self._deny(400, {"Message": "api-version 2018-02-20 and JSON are required"})
        uuid.UUID(self.headers["client-request-id"])            # must be a UUID
        doc, action = json.loads(body), match.group(1)
        wrapper = "request" if action == "validateRequest" else "notification"
        call = doc[wrapper]
        headers = {k.lower(): v for k, v in self.headers.items()}
        state.setdefault("calls", []).append((action, call, headers))
        if action == "validateRequest":
            csr = x509.load_der_x509_csr(base64.b64decode(call["certificateRequest"]))
            challenge = csr.attributes.get_attribute_for_oid(
                AttributeOID.CHALLENGE_PASSWORD).value.decode()
            expected = state.get("challenges", {}).get(challenge)
            if expected is None:
                return self.reply_json(200, {"code": "ChallengeDecryptionError",
                                             "errorDescription": "challenge not decryptable"})
            cn = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
            if cn != expected:
                return self.reply_json(200, {"code": "SubjectNameMismatch",
                                             "errorDescription": "subject does not match"})
            state.setdefault("validated", set()).add(call["transactionId"])
            return self.reply_json(200, {"code": "Success", "errorDescription": ""})
        if state.get("unavailable", 0):                 # the next N notifications: 503
            state["unavailable"] -= 1
            return self._deny(503, {"Message": "The service is unavailable."})
        if call["transactionId"] not in state.get("validated", set()):
            return self.reply_json(200, {"code": "Unknown",
                                         "errorDescription": "unknown transaction"})
        self.reply_json(200, {"code": "Success", "errorDescription": ""})

    def _revocations(self, action: str, body: bytes) -> None:
        """PkiConnectorFEService: downloadRevocationRequests answers the pending
        requests (state["revocations"]) of the issuer asked for; uploadRevocationResults
        takes a result per pending request (state["revocation_results"]) and answers
        true; state["upload_unavailable"]: that many uploads answered 503."""
        state = self.server.state
        if not self._bearer("intune"):
            return self._deny(401, {"Message": "Authorization has been denied for this request."})
        if self.headers.get("api-version") != "5019-05-05" or \
                self.headers.get("Content-Type") != "application/json" or \
                not self.headers.get("UserAgent"):
            return self._deny(400, {"Message": "api-version 5019-05-05, JSON and a UserAgent "
                                               "are required"})
        uuid.UUID(self.headers["client-request-id"])
        doc = json.loads(body)
        headers = {k.lower(): v for k, v in self.headers.items()}
        state.setdefault("revocation_calls", []).append((action, doc, headers))
        pending = state.setdefault("revocations", [])
        if action == "downloadRevocationRequests":
            wanted = doc.get("downloadParameters", {})
            most = wanted.get("maxRequests")
            if not isinstance(most, int) or not 1 <= most <= 500:
                return self._deny(400, {"Message": "maxRequests must be from 1 to 500"})
            issuer = wanted.get("issuerName")
            return self.reply_json(200, {"value": [
                r for r in pending if issuer in (None, r["issuerName"])][:most]})
        if action != "uploadRevocationResults":
            return self._deny(404, {"Message": "no such action"})
        results, known = doc.get("results"), {r["requestContext"]: r for r in pending}
        if not isinstance(results, list) or not results or not all(
                isinstance(r, dict) and r.get("requestContext") in known and
                isinstance(r.get("succeeded"), bool) and isinstance(r.get("errorCode"), int)
                and r["succeeded"] == (r["errorCode"] == 0) for r in results):
            return self._deny(400, {"Message": "results do not match the requests"})
        if state.get("upload_unavailable", 0):
            state["upload_unavailable"] -= 1
            return self._deny(503, {"Message": "The service is unavailable."})
        state.setdefault("revocation_results", []).extend(results)
        done = {r["requestContext"] for r in results}
        state["revocations"] = [r for r in pending if r["requestContext"] not in done]
        self.reply_json(200, {"value": True})

    def _assertion_refused(self, form: dict[str, str]) -> str:
        """Why Entra ID refuses this client assertion ("AADSTS...: ..."), or ""."""
        if form.get("client_assertion_type") != ASSERTION_TYPE or form.get("client_id") != APP:
            return "AADSTS700016: Application not found in the directory."
        try:
            head, claims_part, signature = form["client_assertion"].split(".")
            header, claims = (json.loads(_unb64(part)) for part in (head, claims_part))
        except ValueError:
            return "AADSTS50027: JWT token is invalid or malformed."
        registered = {_b64url(c.fingerprint(h)): c for c in self.server.state["app_certs"]
                      for h in (hashes.SHA1(), hashes.SHA256())}
        cert = registered.get(header.get("x5t#S256") or header.get("x5t"))
        if cert is None:
            return ("AADSTS700027: The certificate with identifier used to sign the client "
                    "assertion is not registered on application.")
        try:
            assert header.get("alg") == "RS256"
            cert.public_key().verify(_unb64(signature), f"{head}.{claims_part}".encode(),
                                     padding.PKCS1v15(), hashes.SHA256())
        except (AssertionError, InvalidSignature):
            return "AADSTS700027: Client assertion failed signature validation."
        base = f"https://localhost:{self.server.server_address[1]}"
        if claims.get("aud") != f"{base}/{TENANT}/oauth2/v2.0/token" or \
                claims.get("iss") != APP or claims.get("sub") != APP or not claims.get("jti"):
            return "AADSTS700021: Client assertion application identifier doesn't match."
        if not claims.get("nbf", 0) - 300 <= time.time() < claims.get("exp", 0):
            return "AADSTS700024: Client assertion is not within its valid time range."
        self.server.state.setdefault("assertions", []).append((header, claims))
        return ""

    def do_GET(self) -> None:
        if self.path != f"/v1.0/servicePrincipals/appId={INTUNE_APP}/endpoints":
            return self._deny(404, {"error": {"code": "Request_ResourceNotFound"}})
        if not self._bearer("graph"):
            return self._deny(401, {"error": {"code": "InvalidAuthenticationToken"}})
        base = f"https://localhost:{self.server.server_address[1]}"
        self.server.state["discoveries"] = self.server.state.get("discoveries", 0) + 1
        self.reply_json(200, {"value": [
            {"capability": "PkiConnector", "providerName": "PkiConnectorFEService",
             "uri": base + PKI_PATH},
            {"capability": "ScepRequestValidation",
             "providerName": "ScepRequestValidationFEService", "uri": base + SERVICE_PATH}]})


@pytest.fixture
def intune(tmp_path: Path) -> MemoryFake:
    """Entra ID, Graph and the Intune service in memory."""
    return in_memory(IntuneFake, tmp_path, port=443)


@pytest.fixture
def real_intune(tmp_path: Path) -> Iterator[FakeServer]:
    """The same on loopback, for `twistd estra` and a real SCEP client."""
    yield from serve(IntuneFake, tmp_path)


@pytest.fixture
def start_memory(start_memory_scep: StartMemoryScep, intune: MemoryFake
                 ) -> Callable[[str], MemoryScep]:
    """A factory: start_memory(config_text) -> an RA in memory in front of `intune`."""
    return lambda config: start_memory_scep(config, intune)


#: the notifications' retry delays `config` sets by default
BACKOFF = (1.0, 1.0, 1.0)


def config(fake: FakeServer, tmp_path: Path, secret: str = SECRET,
           credential: str = "", backoff: str = str(list(BACKOFF)), extra: str = "") -> str:
    """estra's configuration for the fake; `credential` replaces the client secret;
    `backoff`: the notifications' retry delays; `extra`: more of the profiles."""
    base = f"https://localhost:{fake.server_address[1]}"
    profile = f"""scep_challenge = "intune"
intune_tenant = "{TENANT}"
intune_app_id = "{APP}"
{credential or f'intune_app_secret = "{secret}"'}
intune_login_url = "{base}"
intune_graph_url = "{base}"
intune_trust = "{tmp_path / 'fake-ca.pem'}"
scep_webhook_timeout = 5
{extra}
"""
    return f"""
[scep]
listen = "tcp:0:interface=127.0.0.1"
notify_backoff = {backoff}

[profiles.default]
{profile}
[profiles.ec_only]
key_types = ["ec"]
{profile}"""


def calls(fake: FakeServer, count: int, memory: MemoryScep | None = None
          ) -> list[tuple[str, dict[str, Any], dict[str, str]]]:
    """The first `count` SCEP action calls (notifications arrive in the background: in
    `memory` once its connections are flushed)."""
    if memory is not None:
        memory.ra.flush()
        assert len(fake.state.get("calls", [])) >= count, fake.state
        return list(fake.state["calls"])
    deadline = time.monotonic() + 30
    while len(fake.state.get("calls", [])) < count:
        assert time.monotonic() < deadline, fake.state
        time.sleep(0.05)
    time.sleep(0.3)                                   # and no more than that
    return list(fake.state["calls"])


def test_scepclient_enrolls_through_intune(start_estra: Callable[..., Server],
                                           real_intune: FakeServer, tmp_path: Path) -> None:
    """micromdm scepclient on defaults enrolls with an Intune challenge: Intune sees one
    validateRequest and one successNotification with the documented fields and headers;
    one token per audience and one discovery serve both (the process path: `twistd
    estra`, TLS to the fake on loopback)."""
    intune = real_intune
    intune.state["challenges"] = {"intune-challenge-1": "intune-dev1"}
    scep = Scep(start_estra(config(intune, tmp_path)))
    device = ScepClient(scep, tmp_path / "dev")
    done = device.run("-challenge", "intune-challenge-1", "-cn", "intune-dev1")
    assert done.returncode == 0, done.stdout + done.stderr + scep.log()
    cert = x509.load_pem_x509_certificate(device.cert.read_bytes())
    (validate, asked, headers), (notify, told, _) = calls(intune, 2)
    assert (validate, notify) == ("validateRequest", "successNotification")
    assert told["transactionId"] == asked["transactionId"] and asked["callerInfo"]
    assert told["certificateThumbprint"] == cert.fingerprint(hashes.SHA1()).hex().upper()
    assert told["certificateSerialNumber"] == f"{cert.serial_number:X}"
    assert told["certificateExpirationDateUtc"].startswith(
        cert.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%S"))
    assert told["issuingCertificateAuthority"] == cert.issuer.rfc4514_string()
    assert told["certificateRequest"] == asked["certificateRequest"]
    assert headers["api-version"] == "2018-02-20" and headers["useragent"].startswith("estra/")
    assert sorted(intune.state["token_requests"]) == ["graph", "intune"]
    assert intune.state["discoveries"] == 1 and "denied" not in intune.state
    assert SECRET not in scep.log() and "intune-challenge-1" not in scep.log()


def test_refusals(start_memory: Callable[[str], MemoryScep], intune: FakeServer,
                  tmp_path: Path) -> None:
    """Intune's error code refuses the request (FAILURE badRequest naming it, nothing
    notified); a request Intune validated that the profile's policy refuses is notified
    as a failure (hResult E_FAIL)."""
    intune.state["challenges"] = {"good": "rsa-dev"}
    server = start_memory(config(intune, tmp_path))
    ra, _ = ra_certificates(server)
    device = self_signed("rsa-dev")
    wrong = sm.pkcs_req(request_for(device, "rsa-dev", "unknown"), device, ra)
    refused = wrong.check(answer(server, wrong.der, device))
    assert (refused.status, refused.fail_info) == (sm.Status.FAILURE, sm.FailInfo.badRequest)
    assert "ChallengeDecryptionError" in (refused.fail_info_text or "")
    policy = sm.pkcs_req(request_for(device, "rsa-dev", "good"), device, ra)
    from tests.test_scep import fetch
    status, _, body = fetch(server, "/scep/ec_only?operation=PKIOperation", policy.der)
    assert status == 200
    reply = policy.check(sm.parse(body, [ra]))
    assert reply.status == sm.Status.FAILURE
    seen = calls(intune, 3, server)
    assert [c[0] for c in seen] == ["validateRequest", "validateRequest",
                                    "failureNotification"]
    assert seen[2][1]["hResult"] == 0x80004005 and seen[2][1]["errorDescription"]
    assert seen[2][1]["transactionId"] == policy.transaction_id


def test_wrong_app_secret_is_pending(start_memory: Callable[[str], MemoryScep],
                                     intune: FakeServer, tmp_path: Path) -> None:
    """A secret Entra ID refuses (401 invalid_client): the device is told PENDING (try
    later), never FAILURE, and Intune's service is never called."""
    intune.state["challenges"] = {"good": "dev"}
    server = start_memory(config(intune, tmp_path, secret="not-the-app-secret-42"))
    ra, _ = ra_certificates(server)
    device = self_signed("dev")
    request = sm.pkcs_req(request_for(device, "dev", "good"), device, ra)
    assert request.check(answer(server, request.der, device)).status == sm.Status.PENDING
    assert intune.state["denied"][0][1] == 401 and "calls" not in intune.state
    assert "not-the-app-secret-42" not in server.log()


def test_expired_token_then_a_new_one(start_memory: Callable[[str], MemoryScep],
                                      intune: FakeServer, tmp_path: Path) -> None:
    """Intune refuses a token it no longer honours (401): that request is PENDING, the
    token is dropped, and the device's next try gets a new one and enrolls."""
    intune.state["challenges"] = {"good": "dev"}
    server = start_memory(config(intune, tmp_path))
    ra, _ = ra_certificates(server)
    first = self_signed("dev")
    request = sm.pkcs_req(request_for(first, "dev", "good"), first, ra)
    assert request.check(answer(server, request.der, first)).status == sm.Status.SUCCESS
    calls(intune, 2, server)
    intune.state["tokens"] = {}                       # every token revoked
    second = self_signed("dev")
    retry = sm.pkcs_req(request_for(second, "dev", "good"), second, ra)
    assert retry.check(answer(server, retry.der, second)).status == sm.Status.PENDING
    assert intune.state["denied"][-1][1] == 401
    again = sm.pkcs_req(request_for(second, "dev", "good"), second, ra)
    assert again.check(answer(server, again.der, second)).status == sm.Status.SUCCESS
    assert intune.state["token_requests"].count("intune") == 2


def app_certificate(tmp_path: Path, stem: str) -> tuple[x509.Certificate, str]:
    """A self-signed RSA app certificate and the config lines naming it and its key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = pki.CA(f"estra-intune-{stem}", key)
    cert, key_file = pki.write_pair(tmp_path, stem, ca.cert, key)
    return ca.cert, f'intune_app_cert = "{cert}"\nintune_app_key = "{key_file}"'


def enroll_with(start_memory: Callable[[str], MemoryScep], intune: FakeServer,
                tmp_path: Path, registered: x509.Certificate, credential: str
                ) -> tuple[MemoryScep, sm.Status]:
    """One device's PKCSReq to an estra holding `credential`, Entra ID knowing only
    the `registered` app certificate: the server and the status the device got."""
    intune.state.update(app_certs=[registered], challenges={"good": "dev"})
    server = start_memory(config(intune, tmp_path, credential=credential))
    ra, _ = ra_certificates(server)
    device = self_signed("dev")
    request = sm.pkcs_req(request_for(device, "dev", "good"), device, ra)
    status = request.check(answer(server, request.der, device)).status
    assert status is not None
    return server, status


def test_certificate_credential(start_memory: Callable[[str], MemoryScep],
                                intune: FakeServer, tmp_path: Path) -> None:
    """With intune_app_cert/intune_app_key, estra asks for its tokens with a client
    assertion signed by the app certificate's key (x5t, x5t#S256, aud = the token
    URL, iss = sub = the app id, a jti per assertion), which Entra ID (the fake)
    verifies against the registered certificate: the device enrolls."""
    registered, lines = app_certificate(tmp_path, "app")
    _, status = enroll_with(start_memory, intune, tmp_path, registered, lines)
    assert status == sm.Status.SUCCESS
    assert "denied" not in intune.state and sorted(intune.state["token_requests"]) == [
        "graph", "intune"]
    (first, claims), (_, other) = intune.state["assertions"]
    assert first["x5t#S256"] == _b64url(registered.fingerprint(hashes.SHA256()))
    assert claims["jti"] != other["jti"] and claims["exp"] - claims["nbf"] <= 600


def test_unregistered_certificate_is_pending(start_memory: Callable[[str], MemoryScep],
                                             intune: FakeServer, tmp_path: Path) -> None:
    """An assertion signed with a certificate the app does not have registered: Entra
    ID answers 401 invalid_client (AADSTS700027); the device gets PENDING and Intune's
    service is never called."""
    registered, _ = app_certificate(tmp_path, "registered")
    _, lines = app_certificate(tmp_path, "other")
    server, status = enroll_with(start_memory, intune, tmp_path, registered, lines)
    assert status == sm.Status.PENDING
    assert intune.state["denied"][0][1] == 401 and "calls" not in intune.state
    assert "AADSTS700027" in server.log()


def test_certificate_credential_checked(tmp_path: Path) -> None:
    """The configuration takes one credential, and a certificate only with its own
    RSA key: a secret and a certificate, a certificate without its key, a key of
    another certificate, or an EC key (Entra ID takes RSA only) are ConfigErrors."""
    _, good = app_certificate(tmp_path, "good")
    _, other = app_certificate(tmp_path, "other")
    ec = pki.CA("estra-intune-ec")
    ec_cert, ec_key = pki.write_pair(tmp_path, "ec", ec.cert, ec.key)
    head = f'[profiles.default]\nscep_challenge = "intune"\nintune_tenant = "{TENANT}"\n' \
           f'intune_app_id = "{APP}"\n'
    settings_from_string(head + good)
    mismatched = good.split("\n")[0] + "\n" + other.split("\n")[1]
    for bad, why in ((f'{good}\nintune_app_secret = "{SECRET}"', "one credential"),
                     (good.split("\n")[0], "together"),
                     (mismatched, "does not belong"),
                     (f'intune_app_cert = "{ec_cert}"\nintune_app_key = "{ec_key}"', "RSA")):
        with pytest.raises(ConfigError, match=why):
            settings_from_string(head + bad)


def undelivered(server: MemoryScep | Server) -> list[dict[str, Any]]:
    """The "notification-undelivered" audit events in `server`'s store."""
    db = sqlite3.connect(server.state / "estra.db", timeout=30)
    try:
        return [json.loads(d) for (d,) in db.execute(
            "SELECT detail FROM audit WHERE kind = 'notification-undelivered'")]
    finally:
        db.close()


def test_notification_retried(start_estra: Callable[..., Server], real_intune: FakeServer,
                              tmp_path: Path) -> None:
    """Intune answers the first success notification 503: estra tries again after a
    pause and Intune gets it; nothing is audited as undelivered."""
    real_intune.state.update(challenges={"good": "dev"}, unavailable=1)
    server = start_estra(config(real_intune, tmp_path))
    ra, _ = ra_certificates(server)
    device = self_signed("dev")
    request = sm.pkcs_req(request_for(device, "dev", "good"), device, ra)
    assert request.check(answer(server, request.der, device)).status == sm.Status.SUCCESS
    assert [c[0] for c in calls(real_intune, 3)] == ["validateRequest", "successNotification",
                                                "successNotification"]
    assert real_intune.state["unavailable"] == 0 and undelivered(server) == []


def test_undelivered_notification_is_audited(start_estra: Callable[..., Server],
                                             real_intune: FakeServer, tmp_path: Path) -> None:
    """Intune never takes the success notification: estra tries it 1 + 3 times
    (notify_backoff), then gives up: the certificate stays issued (the device has it), the
    log has an error and the audit log (console) a "notification-undelivered"
    event naming the transaction and serial."""
    real_intune.state.update(challenges={"good": "dev"}, unavailable=100)
    server = start_estra(config(real_intune, tmp_path))
    ra, _ = ra_certificates(server)
    device = self_signed("dev")
    request = sm.pkcs_req(request_for(device, "dev", "good"), device, ra)
    reply = request.check(answer(server, request.der, device))
    assert reply.status == sm.Status.SUCCESS
    deadline = time.monotonic() + 90
    while not undelivered(server):
        assert time.monotonic() < deadline, real_intune.state
        time.sleep(0.5)
    [event] = undelivered(server)
    assert real_intune.state["unavailable"] == 100 - 4
    assert event["transaction"] == request.transaction_id and event["to"] == "intune"
    db = sqlite3.connect(server.state / "estra.db", timeout=30)
    issued = db.execute("SELECT COUNT(*) FROM enrollments WHERE serial = ? AND decision = "
                        "'issued'", (event["serial"],)).fetchone()[0]
    db.close()
    assert issued == 1
    assert "notification not delivered" in server.log.read_text()


def pending_notifications(server: Server) -> list[tuple[str, int, str]]:
    """(kind, attempts, body) of the notifications `server`'s store keeps."""
    db = sqlite3.connect(server.state / "estra.db", timeout=30)
    try:
        return list(db.execute("SELECT kind, attempts, body FROM notifications"))
    finally:
        db.close()


def test_notification_survives_a_restart(start_estra: Callable[..., Server],
                                         real_intune: FakeServer, tmp_path: Path) -> None:
    """A success notification Intune refused once (503) is kept in the store, without
    the challenge; the node stops before its retry; started again, it delivers it
    from the store, once, and forgets it; nothing is audited as undelivered."""
    real_intune.state.update(challenges={"good-challenge": "dev"}, unavailable=1)
    server = start_estra(config(real_intune, tmp_path, backoff="[6]"))
    ra, _ = ra_certificates(server)
    device = self_signed("dev")
    request = sm.pkcs_req(request_for(device, "dev", "good-challenge"), device, ra)
    assert request.check(answer(server, request.der, device)).status == sm.Status.SUCCESS
    deadline = time.monotonic() + 30
    while not [n for n in pending_notifications(server) if n[1] == 1]:
        assert time.monotonic() < deadline, real_intune.state
        time.sleep(0.05)
    server.stop()
    [(kind, attempts, body)] = pending_notifications(server)
    kept = x509.load_der_x509_csr(base64.b64decode(
        json.loads(body)["certificateRequest"]))
    assert (kind, attempts) == ("intune", 1) and "good-challenge" not in body
    assert AttributeOID.CHALLENGE_PASSWORD not in [a.oid for a in kept.attributes]
    assert [c[0] for c in calls(real_intune, 2)] == ["validateRequest", "successNotification"]
    server.restart(config(real_intune, tmp_path, backoff="[6]"))
    told = calls(real_intune, 3)
    assert [c[0] for c in told] == ["validateRequest", "successNotification",
                                    "successNotification"]
    assert told[2][1]["transactionId"] == request.transaction_id
    deadline = time.monotonic() + 30
    while pending_notifications(server):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert undelivered(server) == [] and len(real_intune.state["calls"]) == 3


def test_revocation_requests(start_estra: Callable[..., Server], real_intune: FakeServer,
                             tmp_path: Path) -> None:
    """With intune_revocation, estra polls Intune's PkiConnectorFEService for this CA's
    revocation requests (its issuer named), revokes the certificate it issued through
    Intune and uploads the results: success for it, CertificateNotFoundError (4004)
    for a serial it never issued, nothing for another issuer's request.  An upload
    Intune answers 503 is done again at the next poll (the certificate then revoked
    already: still a success)."""
    real_intune.state.update(challenges={"good": "leaver"}, upload_unavailable=1)
    server = start_estra(config(real_intune, tmp_path).replace(
        "[profiles.default]\n", "[profiles.default]\nintune_revocation = true\n"
        "intune_revocation_interval = 5\n"))
    ra, _ = ra_certificates(server)
    device = self_signed("leaver")
    request = sm.pkcs_req(request_for(device, "leaver", "good"), device, ra)
    reply = request.check(answer(server, request.der, device))
    assert reply.status == sm.Status.SUCCESS
    cert = reply.issued(device)[0]
    issuer = cert.issuer.rfc4514_string()
    real_intune.state["revocations"] = [
        {"requestContext": "ctx-1", "serialNumber": f"{cert.serial_number:X}",
         "issuerName": issuer, "caConfiguration": "estra"},
        {"requestContext": "ctx-2", "serialNumber": "0BADBEEF", "issuerName": issuer,
         "caConfiguration": "estra"},
        {"requestContext": "ctx-3", "serialNumber": "01", "issuerName": "CN=Other CA",
         "caConfiguration": "other"}]
    deadline = time.monotonic() + 60
    while len(real_intune.state.get("revocation_results", [])) < 2:
        assert time.monotonic() < deadline, real_intune.state.get("revocation_calls")
        time.sleep(0.2)
    results = {r["requestContext"]: r for r in real_intune.state["revocation_results"]}
    assert results["ctx-1"]["succeeded"] and results["ctx-1"]["errorCode"] == 0, results
    assert (results["ctx-2"]["succeeded"], results["ctx-2"]["errorCode"]) == (False, 4004)
    assert "ctx-3" not in results
    assert [r["requestContext"] for r in real_intune.state["revocations"]] == ["ctx-3"]
    calls_made = real_intune.state["revocation_calls"]
    downloads = [doc for action, doc, _ in calls_made
                 if action == "downloadRevocationRequests"]
    assert downloads[0] == {"downloadParameters": {"maxRequests": 100, "issuerName": issuer}}
    assert [a for a, _, _ in calls_made].count("uploadRevocationResults") == 2
    assert all(h["useragent"].startswith("estra/") for _, _, h in calls_made)
    db = sqlite3.connect(server.state / "estra.db", timeout=30)
    try:
        revoked = db.execute("SELECT revoked_by, reason FROM revocations WHERE serial = ?",
                             (serial_hex(cert.serial_number),)).fetchall()
    finally:
        db.close()
    assert revoked and revoked[0] == ("intune:default", "cessationOfOperation")


def test_revocation_needs_intune() -> None:
    """intune_revocation on a profile that does not delegate to Intune: refused."""
    with pytest.raises(ConfigError, match="intune_revocation: needs"):
        settings_from_string('[profiles.default]\nintune_revocation = true\n')


def test_notification_retried_once_by_two_nodes(database: str,
                                                start_estra: Callable[..., Server],
                                                real_intune: FakeServer, tmp_path: Path) -> None:
    """Two nodes on one PostgreSQL: a success notification Intune refused once is
    retried by exactly one of them (both look for due notifications every 2 s), then
    forgotten."""
    real_intune.state.update(challenges={"good": "dev"}, unavailable=1)
    text = config(real_intune, tmp_path, backoff="[1]") + f'\n[store]\nurl = "{database}"\n'
    a, b = start_estra(text), start_estra(text)
    ra, _ = ra_certificates(a)
    device = self_signed("dev")
    request = sm.pkcs_req(request_for(device, "dev", "good"), device, ra)
    assert request.check(answer(a, request.der, device)).status == sm.Status.SUCCESS
    calls(real_intune, 3)
    import psycopg
    deadline = time.monotonic() + 30
    with psycopg.connect(database, autocommit=True) as db:
        while db.execute("SELECT COUNT(*) FROM notifications").fetchone() != (0,):
            assert time.monotonic() < deadline
            time.sleep(0.1)
    assert [c[0] for c in real_intune.state["calls"]] == [
        "validateRequest", "successNotification", "successNotification"]
    assert a.alive() and b.alive()
