"""RA -> a fake Keyfactor EJBCA REST API over loopback HTTPS with client-certificate auth.

The fake follows the EJBCA REST Interface docs: "Certificate management" ->
`POST /ejbca/ejbca-rest-api/v1/certificate/pkcs10enroll` (201 with base64 DER
`certificate` and `certificate_chain`), "CA" -> `GET /ejbca/ejbca-rest-api/v1/ca`
(the CA list) and "CA certificate" ->
`GET /ejbca/ejbca-rest-api/v1/ca/{subject_dn}/certificate/download` (PEM), and
"Certificate management" -> `PUT /ejbca/ejbca-rest-api/v1/certificate/{issuer_dn}/
{certificate_serial_number}/revoke?reason=...` (hex serial; RevokeStatusRestResponse).
Errors are {"error_code", "error_message"} with that HTTP status.  Only a TLS
client certificate mapped to an administrator role is let in.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from cryptography import x509

from tests import pki
from tests.conftest import Server, estra_cli, issued, parse_http
from tests.fakeca import FakeHandler, FakeServer, serve

API = "/ejbca/ejbca-rest-api/v1"
CA_NAME = "EstraIssuingCA"
CERT_PROFILE = "ESTRA_DEVICE"
EE_PROFILE = "ESTRA_EE"
REASONS = ("NOT_REVOKED", "UNSPECIFIED", "KEY_COMPROMISE", "CA_COMPROMISE",
           "AFFILIATION_CHANGED", "SUPERSEDED", "CESSATION_OF_OPERATION", "CERTIFICATE_HOLD",
           "REMOVE_FROM_CRL", "PRIVILEGES_WITHDRAWN", "AA_COMPROMISE")


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(pki.der(cert)).hexdigest()


class FakeEjbca(FakeHandler):
    """One CA (plus a ManagementCA), one certificate and one end entity profile."""

    def error(self, status: int, message: str) -> None:
        self.reply_json(status, {"error_code": status, "error_message": message})

    def authorized(self) -> bool:
        peer = self.peer_certificate()
        if peer is None or fingerprint(peer) not in self.server.state["admins"]:
            self.error(403, "Not authorized to resource /administrator.")
            return False
        return True

    def cas(self) -> dict[str, str]:
        """CA name -> subject DN."""
        return {CA_NAME: self.server.ca.cert.subject.rfc4514_string(),
                "ManagementCA": "CN=ManagementCA,O=EJBCA Sample,C=SE"}

    def do_GET(self) -> None:
        if not self.authorized():
            return
        if self.path == f"{API}/ca":
            return self.reply_json(200, {"certificate_authorities": [
                {"id": 1000 + i, "name": name, "subject_dn": dn, "issuer_dn": dn,
                 "expiration_date": "2035-01-01T00:00:00Z"}
                for i, (name, dn) in enumerate(self.cas().items())]})
        m = re.fullmatch(rf"{API}/ca/([^/]+)/certificate/download", self.path)
        if m is None or unquote(m.group(1)) != self.cas()[CA_NAME]:
            return self.error(404, "CA doesn't exist.")
        cert = self.server.ca.cert
        dn = cert.subject.rfc4514_string()
        self.reply(200, f"Subject: {dn}\nIssuer: {dn}\n".encode() + cert.public_bytes(pki.PEM),
                   "application/octet-stream",
                   {"Content-Disposition": "attachment; filename=EstraIssuingCA-chain.pem"})

    def do_POST(self) -> None:
        body = self.body()
        if not self.authorized():
            return
        if self.path != f"{API}/certificate/pkcs10enroll":
            return self.error(404, "Resource not found.")
        doc: dict[str, Any] = json.loads(body)
        self.server.state.setdefault("enrolls", []).append(doc)
        if doc.get("certificate_authority_name") not in self.cas():
            return self.error(404, f"CA with name {doc.get('certificate_authority_name')} "
                                   "doesn't exist.")
        if doc.get("certificate_profile_name") != CERT_PROFILE:
            return self.error(400, "Certificate profile "
                                   f"'{doc.get('certificate_profile_name')}' does not exist.")
        if doc.get("end_entity_profile_name") != EE_PROFILE:
            return self.error(400, "End entity profile "
                                   f"'{doc.get('end_entity_profile_name')}' does not exist.")
        if not doc.get("username") or not doc.get("password"):
            return self.error(400, "Username and password are required.")
        try:
            csr = x509.load_pem_x509_csr(doc["certificate_request"].encode())
            assert csr.is_signature_valid
        except (KeyError, ValueError, AssertionError):
            return self.error(400, "Invalid certificate request.")
        cert = self.server.ca.issue(csr.subject, csr.public_key())
        self.server.state.setdefault("issued", set()).add(cert.serial_number)
        chain = [self.server.ca.cert] if doc.get("include_chain") else []
        self.reply_json(201, {
            "certificate": base64.b64encode(pki.der(cert)).decode(),
            "serial_number": format(cert.serial_number, "X"),
            "response_format": "DER",
            "certificate_chain": [base64.b64encode(pki.der(c)).decode() for c in chain]})

    def do_PUT(self) -> None:
        self.body()
        if not self.authorized():
            return
        url = urlsplit(self.path)
        m = re.fullmatch(rf"{API}/certificate/([^/]+)/([^/]+)/revoke", url.path)
        if m is None:
            return self.error(404, "Resource not found.")
        state = self.server.state
        issuer, serial = unquote(m.group(1)), m.group(2)
        query = parse_qs(url.query)
        state.setdefault("revoke_requests", []).append((issuer, serial, query))
        reason = query.get("reason", ["UNSPECIFIED"])[0]
        if reason not in REASONS:
            return self.error(400, f"Invalid revocation reason: {reason}.")
        number = int(serial.removeprefix("0x"), 16)
        if issuer != self.cas()[CA_NAME] or number not in state.get("issued", set()):
            return self.error(404, "Certificate with the specified serial number "
                                   "and issuer DN does not exist.")
        if number in state.setdefault("revoked", {}):
            return self.error(409, "Certificate is already revoked.")
        state["revoked"][number] = reason
        self.reply_json(200, {"issuer_dn": issuer, "serial_number": serial,
                              "revocation_reason": reason,
                              "revocation_date": "2026-11-30T12:00:00Z",
                              "message": "Successfully revoked", "revoked": True})


@pytest.fixture
def admins(tmp_path: Path) -> dict[str, tuple[Path, Path]]:
    """Client certificates from the admin CA EJBCA trusts: "ra" is authorized, "other" not."""
    ca = pki.CA("EJBCA Admin CA")
    ca.write(tmp_path, "admin-ca")
    pairs = {}
    for who in ("ra", "other"):
        key = pki.ec_key()
        pairs[who] = pki.write_pair(tmp_path, who, ca.issue(pki.name(f"estra {who}"),
                                                            key.public_key()), key)
    return pairs


@pytest.fixture
def fake(tmp_path: Path, admins: dict[str, tuple[Path, Path]]) -> Iterator[FakeServer]:
    ra_cert = x509.load_pem_x509_certificate(admins["ra"][0].read_bytes())
    yield from serve(FakeEjbca, tmp_path, require_client_cert=tmp_path / "admin-ca.pem",
                     state={"admins": {fingerprint(ra_cert)}})


@pytest.fixture
def ra(fake: FakeServer, admins: dict[str, tuple[Path, Path]],
       start_estra: Callable[..., Server], tmp_path: Path) -> Server:
    def upstream(name: str, who: str | None = "ra", ee: str = EE_PROFILE,
                 extra: str = "") -> str:
        cert = (f'client_cert = "{admins[who][0]}"\nclient_key = "{admins[who][1]}"\n'
                if who else "")
        return f"""
[upstreams.{name}]
kind = "ejbca"
url = "https://localhost:{fake.server_address[1]}"
trust = "{tmp_path / 'fake-ca.pem'}"
{cert}ca_name = "{CA_NAME}"
certificate_profile = "{CERT_PROFILE}"
end_entity_profile = "{ee}"
{extra}
[profiles.{name}]
upstream = "{name}"
"""
    server = start_estra("\n".join([
        upstream("default"), upstream("nochain", extra="include_chain = false"),
        upstream("wrongee", ee="NO_SUCH_EEP"), upstream("intruder", who="other"),
        upstream("anonymous", who=None, extra="retries = 0")]))
    server.add_user("alice")
    return server


def enroll(ra: Server, path: str, cn: str) -> tuple[int, dict[str, str], bytes]:
    return ra.post(path, pki.csr(pki.ec_key(), pki.name(cn)))


def test_enroll_verifies_against_ejbca_ca(ra: Server, fake: FakeServer, tmp_path: Path) -> None:
    """pkcs10enroll through the RA: the leaf verifies with openssl against EJBCA's CA."""
    status, _, body = enroll(ra, "simpleenroll", "dev1")
    assert status == 200, body
    leaf = issued(body)[0]
    assert leaf.subject == pki.name("dev1")
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(pki.PEM))
    done = subprocess.run(["openssl", "verify", "-CAfile", str(tmp_path / "fake-ca.pem"),
                           str(tmp_path / "leaf.pem")], capture_output=True, timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr
    sent = fake.state["enrolls"][-1]
    assert (sent["certificate_authority_name"], sent["certificate_profile_name"],
            sent["end_entity_profile_name"], sent["username"], sent["include_chain"]) == \
        (CA_NAME, CERT_PROFILE, EE_PROFILE, "estra-dev1", True)
    assert enroll(ra, "simpleenroll", "dev1")[0] == 200
    first, second = fake.state["enrolls"][-2:]
    assert first["username"] == second["username"] and first["password"] != second["password"]


def test_enroll_answer_holds_chain(ra: Server, fake: FakeServer, tmp_path: Path) -> None:
    """With include_chain the PKCS#7 holds leaf + certificate_chain; without, the leaf only."""
    status, _, body = enroll(ra, "simpleenroll", "dev2")
    assert status == 200, body
    leaf, *chain = issued(body)
    assert chain == [fake.ca.cert]
    leaf.verify_directly_issued_by(fake.ca.cert)
    status, _, body = enroll(ra, "nochain/simpleenroll", "dev3")
    assert status == 200, body
    assert len(issued(body)) == 1 and fake.state["enrolls"][-1]["include_chain"] is False


def test_cacerts_is_ejbca_ca(ra: Server, fake: FakeServer) -> None:
    """/cacerts comes from the CA list and the "CA certificate" download, DN URL-encoded."""
    status, _, body = parse_http(ra.curl("cacerts").stdout)
    assert status == 200, body
    assert issued(body) == [fake.ca.cert]
    assert f"GET {API}/ca" in fake.requests
    assert f"GET {API}/ca/CN%3DFake%20CA%20product%20root/certificate/download" in fake.requests


def test_wrong_end_entity_profile_is_502(ra: Server, tmp_path: Path) -> None:
    """EJBCA's 400 for an unknown end entity profile is the RA's misconfiguration: 502
    with EJBCA's message, never a 4xx blaming the device (issue #24)."""
    status, headers, body = enroll(ra, "wrongee/simpleenroll", "dev4")
    assert status == 502, body
    assert headers["content-type"].startswith("text/plain")
    assert b"End entity profile 'NO_SUCH_EEP' does not exist." in body


def test_unauthorized_ra_cert_is_502(ra: Server, tmp_path: Path) -> None:
    """A client certificate EJBCA maps to no role (403) is the RA's fault: 502."""
    status, _, body = enroll(ra, "intruder/simpleenroll", "dev5")
    assert status == 502, body
    assert b"Not authorized to resource /administrator." in body
    assert enroll(ra, "simpleenroll", "dev6")[0] == 200


def test_no_client_cert_is_503(ra: Server, fake: FakeServer, tmp_path: Path) -> None:
    """Without client_cert the TLS handshake fails: 503 with Retry-After, nothing enrolled."""
    status, headers, body = enroll(ra, "anonymous/simpleenroll", "dev7")
    assert status == 503, body
    assert headers.get("retry-after") == "30"
    assert "enrolls" not in fake.state


def test_revoke_through_ejbca(ra: Server, fake: FakeServer) -> None:
    """`estra revoke` sends PUT .../certificate/{issuer DN}/{hex serial}/revoke?reason=
    PRIVILEGES_WITHDRAWN; a second call for the same serial is "already" (no request);
    EJBCA's refusal is outcome "failed", exit 1, and may be retried."""
    status, _, body = enroll(ra, "simpleenroll", "gone")
    assert status == 200, body
    leaf = issued(body)[0]
    args = ("--config", str(ra.config), "--state-dir", str(ra.state), "revoke")
    done = estra_cli(*args, f"{leaf.serial_number:x}", "--reason", "privilegeWithdrawn",
                     "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outcome"] == "revoked"
    dn = fake.ca.cert.subject.rfc4514_string()
    assert fake.state["revoke_requests"] == [
        (dn, f"{leaf.serial_number:X}", {"reason": ["PRIVILEGES_WITHDRAWN"]})]
    assert fake.state["revoked"] == {leaf.serial_number: "PRIVILEGES_WITHDRAWN"}
    assert f"PUT {API}/certificate/{quote(dn, safe='')}/{leaf.serial_number:X}/revoke" \
        "?reason=PRIVILEGES_WITHDRAWN" in fake.requests
    again = estra_cli(*args, f"{leaf.serial_number:x}", "--reason", "keyCompromise")
    assert again.returncode == 0 and "already revoked" in again.stdout
    assert len(fake.state["revoke_requests"]) == 1
    status, _, body = enroll(ra, "simpleenroll", "twice")
    other = issued(body)[0]
    fake.state["revoked"][other.serial_number] = "SUPERSEDED"   # revoked on EJBCA already
    refused = estra_cli(*args, f"{other.serial_number:x}", "--reason", "superseded")
    assert refused.returncode == 1
    assert "Certificate is already revoked." in refused.stderr
    del fake.state["revoked"][other.serial_number]             # a failure may be retried
    retried = estra_cli(*args, f"{other.serial_number:x}", "--reason", "superseded")
    assert retried.returncode == 0 and ": revoked: " in retried.stdout, retried
