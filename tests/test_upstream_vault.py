"""RA -> a fake HashiCorp Vault / OpenBao PKI secrets engine over loopback HTTPS.

The fake follows the Vault API docs: "PKI secrets engine (API)" -> "Sign
certificate" (`POST /v1/:mount/sign/:name`), "Sign verbatim"
(`POST /v1/:mount/sign-verbatim(/:name)`), "Read issuer certificate" /
"Read CA certificate chain" (`GET /v1/:mount/ca/pem`, `GET /v1/:mount/ca_chain`,
unauthenticated, PEM text), "Revoke certificate" (`POST /v1/:mount/revoke` with
{serial_number} in colon-separated hex), and "AppRole auth method (API)" -> "Login with
AppRole" (`POST /v1/auth/:approle_mount/login`).  Errors are {"errors": [...]}.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from tests import pki
from tests.conftest import Server, estra_cli, issued, openssl_verify, parse_http
from tests.fakeca import FakeHandler, FakeServer, serve

TOKEN = "hvs.static-test-token"
ROLE_ID = "a4f6c1de-role"
SECRET_ID = "5e1f0b7a-secret"


def allowed(name: str) -> bool:
    """The role: allowed_domains = ["example.com"], allow_subdomains = true."""
    return name.endswith(".example.com")


class FakeVault(FakeHandler):
    """PKI engine at /v1/pki with role "device"; AppRole at /v1/auth/approle."""

    def do_GET(self) -> None:
        # "Read issuer certificate" / "Read CA certificate chain": bare PEM text.
        if self.path in ("/v1/pki/ca_chain", "/v1/pki/ca/pem"):
            self.reply(200, self.server.ca.cert.public_bytes(pki.PEM),
                       "application/pem-certificate-chain")
        else:
            self.reply_json(404, {"errors": []})

    def do_POST(self) -> None:
        doc: dict[str, Any] = json.loads(self.body() or b"{}")
        state = self.server.state
        if self.path == "/v1/auth/approle/login":
            if doc.get("role_id") != ROLE_ID or doc.get("secret_id") != SECRET_ID:
                return self.reply_json(400, {"errors": ["invalid role or secret ID"]})
            token = "hvs." + secrets.token_urlsafe(18)
            state["tokens"].add(token)
            state["logins"] += 1
            return self.reply_json(200, {
                "request_id": str(uuid.uuid4()), "lease_id": "", "renewable": False,
                "lease_duration": 0, "data": None, "warnings": None,
                "auth": {"client_token": token, "accessor": secrets.token_hex(8),
                         "policies": ["default", "pki-sign"], "token_policies":
                         ["default", "pki-sign"], "metadata": {"role_name": "estra"},
                         "lease_duration": 1200, "renewable": True}})
        m = re.fullmatch(r"/v1/pki/(sign|sign-verbatim)/device|/v1/pki/(revoke)", self.path)
        if m is None:
            return self.reply_json(404, {"errors": []})
        if self.headers.get("X-Vault-Token") not in state["tokens"]:
            return self.reply_json(403, {"errors": ["permission denied"]})
        if m.group(2) == "revoke":
            return self.revoke(doc)
        state["last"] = doc
        try:
            csr = x509.load_pem_x509_csr(doc["csr"].encode())
            assert csr.is_signature_valid and doc.get("format", "pem") == "pem"
        except (KeyError, ValueError, AssertionError):
            return self.reply_json(400, {"errors": ["certificate request could not be parsed"]})
        if m.group(1) == "sign-verbatim":
            subject = csr.subject
            try:
                alt = list(csr.extensions.get_extension_for_class(
                    x509.SubjectAlternativeName).value)
            except x509.ExtensionNotFound:
                alt = []
        else:
            cn = doc.get("common_name", "")
            names = [n for n in doc.get("alt_names", "").split(",") if n]
            for what, name in [("common name", cn)] + [("subject alternate name", n)
                                                       for n in names]:
                if not allowed(name):
                    return self.reply_json(400, {"errors": [
                        f"{what} {name} not allowed by this role"]})
            ips = [n for n in doc.get("ip_sans", "").split(",") if n]
            subject, alt = pki.name(cn), pki.sans(*dict.fromkeys([cn, *names, *ips]))
        cert = self.server.ca.issue(subject, csr.public_key(), alt)
        ca_pem = self.server.ca.cert.public_bytes(pki.PEM).decode()
        serial = cert.serial_number.to_bytes(20, "big").lstrip(b"\0")
        state.setdefault("issued", set()).add(":".join(f"{b:02x}" for b in serial))
        self.reply_json(200, {
            "request_id": str(uuid.uuid4()), "lease_id": "", "renewable": False,
            "lease_duration": 0, "wrap_info": None, "warnings": None, "auth": None,
            "data": {"certificate": cert.public_bytes(pki.PEM).decode(),
                     "issuing_ca": ca_pem, "ca_chain": [ca_pem],
                     "serial_number": ":".join(f"{b:02x}" for b in serial)}})


    def revoke(self, doc: dict[str, Any]) -> None:
        """Revoke certificate: by serial_number, colon- or hyphen-separated hex."""
        state = self.server.state
        state.setdefault("revoke_requests", []).append(doc)
        serial = str(doc.get("serial_number", "")).replace("-", ":").lower()
        if serial not in state.get("issued", set()):
            return self.reply_json(400, {"errors": [
                f"certificate with serial {serial} not found."]})
        state.setdefault("revoked", set()).add(serial)
        self.reply_json(200, {
            "request_id": str(uuid.uuid4()), "lease_id": "", "renewable": False,
            "lease_duration": 0, "wrap_info": None, "warnings": None, "auth": None,
            "data": {"revocation_time": 1433269787, "state": "revoked",
                     "revocation_time_rfc3339": "2015-06-02T18:29:47Z"}})


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeServer]:
    yield from serve(FakeVault, tmp_path, state={"tokens": {TOKEN}, "logins": 0})


@pytest.fixture
def ra(fake: FakeServer, start_estra: Callable[..., Server], tmp_path: Path) -> Server:
    (tmp_path / "secret-id").write_text(SECRET_ID + "\n")
    common = f"""kind = "vault"
url = "https://localhost:{fake.server_address[1]}"
trust = "{tmp_path / 'fake-ca.pem'}"
role = "device"
"""
    server = start_estra(f"""
[upstreams.static]
{common}token = "{TOKEN}"
ttl = "72h"

[upstreams.approle]
{common}approle_role_id = "{ROLE_ID}"
approle_secret_id_file = "{tmp_path / 'secret-id'}"

[upstreams.wrongtoken]
{common}token = "hvs.not-the-token"

[upstreams.verbatim]
{common}token = "{TOKEN}"
sign_verbatim = true

[profiles.default]
upstream = "static"
[profiles.approle]
upstream = "approle"
[profiles.wrongtoken]
upstream = "wrongtoken"
[profiles.verbatim]
upstream = "verbatim"
""")
    server.add_user("alice")
    return server


def enroll(ra: Server, path: str, cn: str,
           *alt: str) -> tuple[int, dict[str, str], bytes]:
    return ra.post(path, pki.csr(pki.ec_key(), pki.name(cn), pki.sans(*alt)))


def test_enroll_with_static_token(ra: Server, fake: FakeServer, tmp_path: Path) -> None:
    """Sign certificate with a static token: Vault's leaf verifies against its CA."""
    status, _, body = enroll(ra, "simpleenroll", "dev1.example.com",
                             "dev1.example.com", "www.dev1.example.com", "192.0.2.10")
    assert status == 200, body
    [leaf] = issued(body)     # the self-signed root stays out of the enroll answer
    openssl_verify(tmp_path, leaf)
    assert leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == \
        "dev1.example.com"
    assert set(leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value) \
        == set(pki.sans("dev1.example.com", "www.dev1.example.com", "192.0.2.10"))
    sent = fake.state["last"]
    assert (sent["common_name"], sent["alt_names"], sent["ip_sans"], sent["format"],
            sent["ttl"]) == ("dev1.example.com", "dev1.example.com,www.dev1.example.com",
                             "192.0.2.10", "pem", "72h")
    assert "POST /v1/pki/sign/device" in fake.requests


def test_enroll_with_approle_logs_in_once(ra: Server, fake: FakeServer, tmp_path: Path) -> None:
    """Login with AppRole happens once; its token serves two enrollments."""
    for cn in ("a.example.com", "b.example.com"):
        status, _, body = enroll(ra, "approle/simpleenroll", cn, cn)
        assert status == 200, body
        openssl_verify(tmp_path, issued(body)[0])
    assert fake.state["logins"] == 1
    assert fake.requests.count("POST /v1/auth/approle/login") == 1


def test_revoked_approle_token_logs_in_again(ra: Server, fake: FakeServer,
                                             tmp_path: Path) -> None:
    """A 403 on sign with an AppRole token means one fresh login and one retry."""
    assert enroll(ra, "approle/simpleenroll", "c.example.com")[0] == 200
    fake.state["tokens"].intersection_update({TOKEN})     # revoke the AppRole token
    status, _, body = enroll(ra, "approle/simpleenroll", "d.example.com")
    assert status == 200, body
    assert fake.state["logins"] == 2


def test_cacerts_is_vaults_ca(ra: Server, fake: FakeServer) -> None:
    """Read CA certificate chain: /cacerts through the RA is exactly Vault's CA."""
    for path in ("cacerts", "approle/cacerts"):
        status, _, body = parse_http(ra.curl(path).stdout)
        assert status == 200, body
        assert issued(body) == [fake.ca.cert]
    assert "GET /v1/pki/ca_chain" in fake.requests


def test_name_the_role_forbids(ra: Server, tmp_path: Path) -> None:
    """A name outside the role's allowed_domains: the device gets 400 with Vault's reason."""
    status, headers, body = enroll(ra, "simpleenroll", "evil.example.org")
    assert status == 400, body
    assert headers["content-type"].startswith("text/plain")
    assert b"common name evil.example.org not allowed by this role" in body


def test_wrong_token(ra: Server, tmp_path: Path) -> None:
    """Vault's 403 "permission denied" is the RA's misconfiguration: device gets 502."""
    status, _, body = enroll(ra, "wrongtoken/simpleenroll", "e.example.com")
    assert status == 502, body
    assert b"rejected the RA's credentials" in body and b"permission denied" in body


def test_sign_verbatim(ra: Server, fake: FakeServer, tmp_path: Path) -> None:
    """sign_verbatim = true posts the bare CSR to sign-verbatim/:name."""
    status, _, body = enroll(ra, "verbatim/simpleenroll", "v.example.com",
                             "v.example.com")
    assert status == 200, body
    openssl_verify(tmp_path, issued(body)[0])
    assert "POST /v1/pki/sign-verbatim/device" in fake.requests
    assert "POST /v1/pki/sign/device" not in fake.requests
    assert set(fake.state["last"]) == {"csr", "format"}


def test_revoke_through_vault(ra: Server, fake: FakeServer) -> None:
    """`estra revoke` posts exactly {serial_number: "aa:bb:..."} to /v1/pki/revoke with
    the RA's token; the request is recorded with outcome "revoked"."""
    status, _, body = enroll(ra, "simpleenroll", "r.example.com")
    assert status == 200, body
    leaf = issued(body)[0]
    done = estra_cli("--config", str(ra.config), "--state-dir", str(ra.state), "revoke",
                     f"{leaf.serial_number:x}", "--reason", "keyCompromise", "--json")
    assert done.returncode == 0, done.stderr
    octets = leaf.serial_number.to_bytes(20, "big").lstrip(b"\0")
    assert fake.state["revoke_requests"] == [{"serial_number": ":".join(
        f"{b:02x}" for b in octets)}]
    assert "POST /v1/pki/revoke" in fake.requests
    answer = json.loads(done.stdout)
    assert (answer["outcome"], answer["upstream"], answer["kind"]) == \
        ("revoked", "static", "vault")
    assert "2015-06-02T18:29:47Z" in answer["detail"]
