"""RA -> a fake Keyfactor EJBCA REST API over loopback HTTPS with client-certificate auth.

The fake follows the EJBCA REST Interface docs: "Certificate management" ->
`POST /ejbca/ejbca-rest-api/v1/certificate/pkcs10enroll` (201 with base64 DER
`certificate` and `certificate_chain`), "CA" -> `GET /ejbca/ejbca-rest-api/v1/ca`
(the CA list) and "CA certificate" ->
`GET /ejbca/ejbca-rest-api/v1/ca/{subject_dn}/certificate/download` (PEM), and
"Certificate management" -> `PUT /ejbca/ejbca-rest-api/v1/certificate/{issuer_dn}/
{certificate_serial_number}/revoke?reason=...` (hex serial; RevokeStatusRestResponse),
and v2 "Certificate management" -> `GET /ejbca/ejbca-rest-api/v2/certificate/profile/
{profile_name}` (CertificateProfileInfoRestResponseV2).
Errors are {"error_code", "error_message"} with that HTTP status.  Only a TLS
client certificate mapped to an administrator role is let in.

Strict as EJBCA is (read from ejbca-ce: CertificateRequestSessionBean.addOrEditUser,
EjbcaRestHelperSessionBean, the REST ExceptionHandler):
* a role's access rules are checked per request: Create Certificate and the CA for
  any enrollment, then Create End Entity when the username is new and Edit End
  Entity when it exists (a renewal); a missing rule is 403;
* with approvals on, pkcs10enroll is 400 "Single transaction enrollment request
  rejected since approvals are enabled ..." and nothing is kept (rolled back);
* an unknown CA, certificate profile or end entity profile is 404;
* the certificate profile's key algorithms, bit lengths and curves are checked at
  pkcs10enroll (400, as CertificateProfile.verifyKey refuses); its description is
  given to a role with View Certificate Profiles only (403 otherwise), shaped as
  RaCertificateProfileResponseV2 builds it: bit lengths [0] when neither RSA nor
  ANY_EC_CURVE, curves "No ECDSA curves available." without ECDSA;
* the issuing CA is an intermediate under a root; the chain download is the CA
  then its issuers; `rotate` renews the CA with a new key under the same DN.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import re
import subprocess
import time
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from twisted.internet.defer import Deferred
from twisted.python.filepath import FilePath

from estra.config import ConfigError, Upstream
from estra.interfaces import Reply
from estra.upstream.ejbca import EjbcaCA
from estra.upstream.issuers import UpstreamIssuers
from estra.testing import DeviceTLS
from tests import pki
from tests.conftest import Server, csrattrs_text, estra_cli, issued
from tests.fakeca import FakeHandler, FakeServer, MemoryFake, in_memory, serve
from tests.memory import MemoryServer

API = "/ejbca/ejbca-rest-api/v1"
API2 = "/ejbca/ejbca-rest-api/v2"
CA_NAME = "EstraIssuingCA"
CERT_PROFILE = "ESTRA_DEVICE"
EE_PROFILE = "ESTRA_EE"
CA_ID, EEP_ID, CP_ID = 1000, 1001, 1002
#: The access rules of an RA role as EJBCA's "RA Administrators" template grants them.
RA_RULES = frozenset({
    "/ca_functionality/create_certificate", f"/ca/{CA_ID}",
    "/ra_functionality/view_end_entity", "/ra_functionality/create_end_entity",
    "/ra_functionality/edit_end_entity", "/ra_functionality/revoke_end_entity",
    f"/endentityprofilesrules/{EEP_ID}/view_end_entity",
    f"/endentityprofilesrules/{EEP_ID}/create_end_entity",
    f"/endentityprofilesrules/{EEP_ID}/edit_end_entity",
    f"/endentityprofilesrules/{EEP_ID}/revoke_end_entity"})
VIEW_PROFILES = "/ca_functionality/view_certificate_profiles"
#: The RA role of these tests: it may read the certificate profile too.
RA_VIEWER = RA_RULES | {VIEW_PROFILES}
CREATE_ONLY = RA_RULES - {"/ra_functionality/edit_end_entity",
                          f"/endentityprofilesrules/{EEP_ID}/edit_end_entity"}
REASONS = ("NOT_REVOKED", "UNSPECIFIED", "KEY_COMPROMISE", "CA_COMPROMISE",
           "AFFILIATION_CHANGED", "SUPERSEDED", "CESSATION_OF_OPERATION", "CERTIFICATE_HOLD",
           "REMOVE_FROM_CRL", "PRIVILEGES_WITHDRAWN", "AA_COMPROMISE")


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(pki.der(cert)).hexdigest()


def signed(issuer: pki.CA, subject: x509.Name, public_key: Any, ca: bool) -> x509.Certificate:
    """A certificate as EJBCA's default profiles make it: with the issuer's key identifier
    (which tells a renewed CA's certificates apart: same DN, new key)."""
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer.cert.subject)
            .public_key(public_key).serial_number(x509.random_serial_number())
            .not_valid_before(pki.NOW - datetime.timedelta(days=1))
            .not_valid_after(issuer.cert.not_valid_after_utc - datetime.timedelta(days=ca))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                issuer.key.public_key()), False)
            .sign(issuer.key, hashes.SHA256()))


def intermediate(root: pki.CA, cn: str) -> pki.CA:
    """A CA certificate for `cn` with a new key, signed by `root`."""
    key = pki.ec_key()
    return pki.CA(cn, key, signed(root, pki.name(cn), key.public_key(), ca=True))


def rotate(fake: FakeServer) -> pki.CA:
    """Renew the issuing CA with a new key (same DN, same root): the old one retires."""
    state = fake.state
    state["retired"].append(state["issuing"])
    issuing: pki.CA = intermediate(state["root"], "Estra Issuing CA")
    state["issuing"] = issuing
    return issuing


class FakeEjbca(FakeHandler):
    """An issuing CA under a root (plus a ManagementCA), one certificate and one end
    entity profile, roles with access rules, optional approvals."""

    def error(self, status: int, message: str) -> None:
        self.reply_json(status, {"error_code": status, "error_message": message})

    def rules(self) -> frozenset[str] | None:
        """The access rules of the role the client certificate maps to; 403 if none."""
        peer = self.peer_certificate()
        rules = self.server.state["admins"].get(fingerprint(peer)) if peer else None
        if rules is None:
            self.error(403, "Not authorized to resource /administrator.")
        return rules

    def cas(self) -> dict[str, tuple[str, str]]:
        """CA name -> (subject DN, issuer DN)."""
        issuing, root = self.server.state["issuing"].cert, self.server.state["root"].cert
        return {CA_NAME: (issuing.subject.rfc4514_string(), issuing.issuer.rfc4514_string()),
                "EJBCARootCA": (root.subject.rfc4514_string(), root.subject.rfc4514_string()),
                "ManagementCA": ("CN=ManagementCA,O=EJBCA Sample,C=SE",) * 2}

    def certificate_profile(self, rules: frozenset[str]) -> None:
        """CertificateProfileInfoRestResponseV2 of CERT_PROFILE (the access rule first)."""
        if VIEW_PROFILES not in rules:
            return self.error(403, f"Administrator is not authorized to resource "
                                   f"{VIEW_PROFILES}.")
        if self.path != f"{API2}/certificate/profile/{CERT_PROFILE}":
            return self.error(404, "Certificate profile "
                                   f"{unquote(self.path.rsplit('/', 1)[-1])} doesn't exist.")
        profile = self.server.state["profile"]
        algs, curves = profile["algs"], profile["curves"]
        self.reply_json(200, {
            "certificate_profile_id": CP_ID, "available_key_algs": algs,
            "available_bit_lenghts": profile["bits"] if "RSA" in algs or
            "ANY_EC_CURVE" in curves else [0],
            "available_ecdsa_curves": curves if "ECDSA" in algs else
            ["No ECDSA curves available."],
            "available_cas": [CA_NAME]})

    def end_entity_profile(self, rules: frozenset[str]) -> None:
        """REST v2 EndEntityProfileResponse, to a role that may view its end entities."""
        if f"/endentityprofilesrules/{EEP_ID}/view_end_entity" not in rules:
            return self.error(403, "Not authorized to view end entity profile.")
        if self.path != f"{API2}/endentity/profile/{EE_PROFILE}":
            return self.error(404, "Could not find end entity profile.")
        self.reply_json(200, {
            "end_entity_profile_id": EEP_ID, "end_entity_profile_name": EE_PROFILE,
            "subject_distinguished_name_fields": ["CN"],
            "subject_alternative_name_fields": ["DNSNAME"],
            "available_certificate_profiles": [CERT_PROFILE],
            "available_cas": self.server.state.get("ee_cas", [CA_NAME])})

    def key_refusal(self, csr: x509.CertificateSigningRequest) -> str | None:
        """What CertificateProfile.verifyKey says of the CSR's key, or None."""
        key, profile = csr.public_key(), self.server.state["profile"]
        alg = ("RSA" if isinstance(key, rsa.RSAPublicKey) else
               "ECDSA" if isinstance(key, ec.EllipticCurvePublicKey) else "Ed25519")
        if alg not in profile["algs"]:
            return f"Invalid key algorithm: {alg}"
        if isinstance(key, ec.EllipticCurvePublicKey) and \
                "ANY_EC_CURVE" not in profile["curves"]:
            return None if key.curve.name in profile["curves"] else \
                f"Invalid ECDSA curve: {key.curve.name}"
        size = key.key_size if isinstance(key, (rsa.RSAPublicKey,
                                                ec.EllipticCurvePublicKey)) else 0
        return None if not size or size in profile["bits"] else f"Illegal key length: {size}"

    def do_GET(self) -> None:
        rules = self.rules()
        if rules is None:
            return
        if self.path.startswith(f"{API2}/certificate/profile/"):
            return self.certificate_profile(rules)
        if self.path.startswith(f"{API2}/endentity/profile/"):
            return self.end_entity_profile(rules)
        if self.path == f"{API}/ca":
            return self.reply_json(200, {"certificate_authorities": [
                {"id": CA_ID + i, "name": name, "subject_dn": dn, "issuer_dn": issuer,
                 "expiration_date": "2035-01-01T00:00:00Z"}
                for i, (name, (dn, issuer)) in enumerate(self.cas().items())]})
        m = re.fullmatch(rf"{API}/ca/([^/]+)/certificate/download", self.path)
        state = self.server.state
        chains = {state["issuing"].cert.subject.rfc4514_string():
                  [state["issuing"].cert, state["root"].cert],
                  state["root"].cert.subject.rfc4514_string(): [state["root"].cert]}
        chain = chains.get(unquote(m.group(1))) if m else None
        if chain is None:
            return self.error(404, "CA doesn't exist.")
        pem = b"".join(f"Subject: {c.subject.rfc4514_string()}\nIssuer: "
                       f"{c.issuer.rfc4514_string()}\n".encode() + c.public_bytes(pki.PEM)
                       for c in chain)
        self.reply(200, pem, "application/octet-stream",
                   {"Content-Disposition": "attachment; filename=EstraIssuingCA-chain.pem"})

    def do_POST(self) -> None:
        body = self.body()
        rules = self.rules()
        if rules is None:
            return
        if self.path != f"{API}/certificate/pkcs10enroll":
            return self.error(404, "Resource not found.")
        doc: dict[str, Any] = json.loads(body)
        state = self.server.state
        state.setdefault("enrolls", []).append(doc)
        if doc.get("certificate_authority_name") != CA_NAME:
            return self.error(404, f'CA with name "{doc.get("certificate_authority_name")}" '
                                   "doesn't exist")
        if doc.get("certificate_profile_name") != CERT_PROFILE:
            return self.error(404, "Certificate profile with name "
                                   f'"{doc.get("certificate_profile_name")}" doesn\'t exist')
        if doc.get("end_entity_profile_name") == EE_PROFILE and \
                CA_NAME not in state.get("ee_cas", [CA_NAME]):
            # EndEntityProfile.doesUserFulfillEndEntityProfileWithoutPassword
            return self.error(400, f"Couldn't find CA ({CA_ID}) among End Entity Profiles "
                                   "Available CAs.")
        if doc.get("end_entity_profile_name") != EE_PROFILE:
            return self.error(404, "End entity profile with name "
                                   f'"{doc.get("end_entity_profile_name")}" not found.')
        if not doc.get("username") or not doc.get("password"):
            return self.error(400, "Username and password are required.")
        try:
            csr = x509.load_pem_x509_csr(doc["certificate_request"].encode())
            assert csr.is_signature_valid
        except (KeyError, ValueError, AssertionError):
            return self.error(400, "Invalid certificate request.")
        for rule in ("/ca_functionality/create_certificate", f"/ca/{CA_ID}"):
            if rule not in rules:
                return self.error(403, f"Administrator is not authorized to resource {rule}.")
        refusal = self.key_refusal(csr)
        if refusal:
            return self.error(400, refusal)
        users = state["end_entities"]
        action = "edit_end_entity" if doc["username"] in users else "create_end_entity"
        if not {f"/ra_functionality/{action}",
                f"/endentityprofilesrules/{EEP_ID}/{action}"} <= rules:
            return self.error(403, f"Administrator not authorized to end entity profile "
                                   f"{EEP_ID}.")
        if state["approvals"]:
            return self.error(400, "Single transaction enrollment request rejected since "
                                   f"approvals are enabled for this CA ({CA_ID}) or "
                                   f"Certificate Profile ({CP_ID}).")
        user = users.setdefault(doc["username"], {"edits": -1})
        user.update(dn=csr.subject.rfc4514_string(), edits=user["edits"] + 1)
        issuing = state["issuing"]
        cert = signed(issuing, csr.subject, csr.public_key(), ca=False)
        state.setdefault("issued", set()).add(cert.serial_number)
        chain = [issuing.cert, state["root"].cert] if doc.get("include_chain") else []
        self.reply_json(201, {
            "certificate": base64.b64encode(pki.der(cert)).decode(),
            "serial_number": format(cert.serial_number, "X"),
            "response_format": "DER",
            "certificate_chain": [base64.b64encode(pki.der(c)).decode() for c in chain]})

    def do_PUT(self) -> None:
        self.body()
        if self.rules() is None:
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
        if issuer != self.cas()[CA_NAME][0] or number not in state.get("issued", set()):
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
    """Client certificates from the admin CA EJBCA trusts: "ra" has an RA role, "creator"
    one without Edit End Entity, "other" none."""
    ca = pki.CA("EJBCA Admin CA")
    ca.write(tmp_path, "admin-ca")
    pairs = {}
    for who in ("ra", "creator", "other"):
        key = pki.ec_key()
        pairs[who] = pki.write_pair(tmp_path, who, ca.issue(pki.name(f"estra {who}"),
                                                            key.public_key()), key)
    return pairs


def fake_state(admins: dict[str, tuple[Path, Path]]) -> dict[str, Any]:
    """EJBCA with the roles of `admins`, a profile and an issuing CA under its root."""
    def role(who: str) -> str:
        return fingerprint(x509.load_pem_x509_certificate(admins[who][0].read_bytes()))
    root = pki.CA("EJBCA Root CA")
    return {"admins": {role("ra"): RA_VIEWER, role("creator"): CREATE_ONLY},
            "profile": {"algs": ["RSA", "ECDSA"], "curves": ["ANY_EC_CURVE"],
                        "bits": [256, 384, 2048, 3072, 4096]},
            "root": root, "issuing": intermediate(root, "Estra Issuing CA"),
            "retired": [], "approvals": False, "end_entities": {}}


@pytest.fixture
def fake(tmp_path: Path, admins: dict[str, tuple[Path, Path]]) -> MemoryFake:
    """The fake EJBCA in memory."""
    return in_memory(FakeEjbca, tmp_path, port=8443,
                     require_client_cert=tmp_path / "admin-ca.pem", state=fake_state(admins))


@pytest.fixture
def real_fake(tmp_path: Path, admins: dict[str, tuple[Path, Path]]) -> Iterator[FakeServer]:
    """The fake EJBCA on loopback, for `twistd estra` and `estra revoke`."""
    yield from serve(FakeEjbca, tmp_path, require_client_cert=tmp_path / "admin-ca.pem",
                     state=fake_state(admins))


def upstream(fake: FakeServer, admins: dict[str, tuple[Path, Path]], tmp_path: Path,
             name: str, who: str | None = "ra", ee: str = EE_PROFILE, extra: str = "") -> str:
    """An [upstreams.NAME] for the fake and the [profiles.NAME] that uses it."""
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


def ra_toml(fake: FakeServer, admins: dict[str, tuple[Path, Path]], tmp_path: Path) -> str:
    """Upstreams on the fake: the RA role, no chain, a wrong end entity profile, a
    certificate of no role, a role without Edit End Entity, no client certificate."""
    def up(name: str, **kw: Any) -> str:
        return upstream(fake, admins, tmp_path, name, **kw)
    return "\n".join([
        up("default"), up("nochain", extra="include_chain = false"),
        up("wrongee", ee="NO_SUCH_EEP"), up("intruder", who="other"),
        up("creator", who="creator"), up("anonymous", who=None, extra="retries = 0")])


@pytest.fixture
def ra(fake: MemoryFake, admins: dict[str, tuple[Path, Path]],
       tmp_path: Path) -> Iterator[MemoryServer]:
    """The RA in memory in front of `fake`, with user alice."""
    server = MemoryServer(ra_toml(fake, admins, tmp_path), tmp_path, upstreams=fake.upstreams())
    yield server
    server.stop()


@pytest.fixture
def twistd_ra(real_fake: FakeServer, admins: dict[str, tuple[Path, Path]],
              start_estra: Callable[..., Server], tmp_path: Path) -> Server:
    """The process path: `twistd estra` from a config file, TLS with the RA's client
    certificate to the fake on loopback."""
    server = start_estra(ra_toml(real_fake, admins, tmp_path))
    server.add_user("alice")
    return server


def leaf_of(body: bytes) -> x509.Certificate:
    """The issued certificate of a certs-only answer (its SET OF certificates is sorted)."""
    leaves = [c for c in issued(body)
              if not c.extensions.get_extension_for_class(x509.BasicConstraints).value.ca]
    assert len(leaves) == 1, leaves
    return leaves[0]


def enroll(ra: Server | MemoryServer, path: str, cn: str) -> tuple[int, dict[str, str], bytes]:
    return ra.post(path, pki.csr(pki.ec_key(), pki.name(cn)))


def test_enroll_verifies_against_ejbca_ca(ra: MemoryServer, fake: FakeServer,
                                          tmp_path: Path) -> None:
    """pkcs10enroll through the RA: the leaf verifies with openssl against EJBCA's root
    through the issuing CA; the second enrollment of a device edits its end entity."""
    status, _, body = enroll(ra, "simpleenroll", "dev1")
    assert status == 200, body
    leaf = leaf_of(body)
    assert leaf.subject == pki.name("dev1")
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(pki.PEM))
    fake.state["root"].write(tmp_path, "ejbca-root")
    (tmp_path / "ejbca-sub.pem").write_bytes(fake.state["issuing"].cert.public_bytes(pki.PEM))
    done = subprocess.run(["openssl", "verify", "-CAfile", str(tmp_path / "ejbca-root.pem"),
                           "-untrusted", str(tmp_path / "ejbca-sub.pem"),
                           str(tmp_path / "leaf.pem")], capture_output=True, timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr
    sent = fake.state["enrolls"][-1]
    assert (sent["certificate_authority_name"], sent["certificate_profile_name"],
            sent["end_entity_profile_name"], sent["username"], sent["include_chain"]) == \
        (CA_NAME, CERT_PROFILE, EE_PROFILE, "estra-dev1", True)
    assert enroll(ra, "simpleenroll", "dev1")[0] == 200
    first, second = fake.state["enrolls"][-2:]
    assert first["username"] == second["username"] and first["password"] != second["password"]
    assert fake.state["end_entities"]["estra-dev1"]["edits"] == 1


def test_enroll_answer_holds_chain(ra: MemoryServer, fake: FakeServer, tmp_path: Path) -> None:
    """With include_chain the PKCS#7 holds leaf + certificate_chain (issuing CA, root);
    without, the leaf only."""
    status, _, body = enroll(ra, "simpleenroll", "dev2")
    assert status == 200, body
    leaf = leaf_of(body)
    chain = [c for c in issued(body) if c != leaf]
    assert set(chain) == {fake.state["issuing"].cert, fake.state["root"].cert}  # a SET OF
    assert fake.state["enrolls"][-1]["include_chain"] is True
    leaf.verify_directly_issued_by(fake.state["issuing"].cert)
    status, _, body = enroll(ra, "nochain/simpleenroll", "dev3")
    assert status == 200, body
    assert len(issued(body)) == 1 and fake.state["enrolls"][-1]["include_chain"] is False


def test_cacerts_is_ejbca_ca(ra: MemoryServer, fake: FakeServer) -> None:
    """/cacerts comes from the CA list and the "CA certificate" download, DN URL-encoded:
    the issuing CA then its root."""
    status, _, body = ra.get("cacerts")
    assert status == 200, body
    assert set(issued(body)) == {fake.state["issuing"].cert, fake.state["root"].cert}
    assert f"GET {API}/ca" in fake.requests
    assert f"GET {API}/ca/CN%3DEstra%20Issuing%20CA/certificate/download" in fake.requests


def test_wrong_end_entity_profile_is_502(ra: MemoryServer, tmp_path: Path) -> None:
    """EJBCA's 404 for an unknown end entity profile is the RA's misconfiguration: 502
    with EJBCA's message and the settings to check, not a 404 the device cannot fix."""
    status, headers, body = enroll(ra, "wrongee/simpleenroll", "dev4")
    assert status == 502, body
    assert headers["content-type"].startswith("text/plain")
    assert b'End entity profile with name "NO_SUCH_EEP" not found.' in body
    assert b"end_entity_profile" in body


def test_unauthorized_ra_cert_is_502(ra: MemoryServer, tmp_path: Path) -> None:
    """A client certificate EJBCA maps to no role (403) is the RA's fault: 502."""
    status, _, body = enroll(ra, "intruder/simpleenroll", "dev5")
    assert status == 502, body
    assert b"Not authorized to resource /administrator." in body
    assert enroll(ra, "simpleenroll", "dev6")[0] == 200


def test_no_client_cert_is_503(ra: MemoryServer, fake: FakeServer, tmp_path: Path) -> None:
    """Without client_cert the TLS handshake fails: 503 with Retry-After, nothing enrolled."""
    status, headers, body = enroll(ra, "anonymous/simpleenroll", "dev7")
    assert status == 503, body
    assert headers.get("retry-after") == "30"
    assert "enrolls" not in fake.state


def test_revoke_through_ejbca(twistd_ra: Server, real_fake: FakeServer) -> None:
    """`estra revoke` sends PUT .../certificate/{issuer DN}/{hex serial}/revoke?reason=
    PRIVILEGES_WITHDRAWN; a second call for the same serial is "already" (no request);
    EJBCA's refusal is outcome "failed", exit 1, and may be retried."""
    ra, fake = twistd_ra, real_fake
    status, _, body = enroll(ra, "simpleenroll", "gone")
    assert status == 200, body
    leaf = leaf_of(body)
    args = ("--config", str(ra.config), "--state-dir", str(ra.state), "revoke")
    done = estra_cli(*args, f"{leaf.serial_number:x}", "--reason", "privilegeWithdrawn",
                     "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outcome"] == "revoked"
    dn = fake.state["issuing"].cert.subject.rfc4514_string()
    assert fake.state["revoke_requests"] == [
        (dn, f"{leaf.serial_number:X}", {"reason": ["PRIVILEGES_WITHDRAWN"]})]
    assert fake.state["revoked"] == {leaf.serial_number: "PRIVILEGES_WITHDRAWN"}
    assert f"PUT {API}/certificate/{quote(dn, safe='')}/{leaf.serial_number:X}/revoke" \
        "?reason=PRIVILEGES_WITHDRAWN" in fake.requests
    again = estra_cli(*args, f"{leaf.serial_number:x}", "--reason", "keyCompromise")
    assert again.returncode == 0 and "already revoked" in again.stdout
    assert len(fake.state["revoke_requests"]) == 1
    status, _, body = enroll(ra, "simpleenroll", "twice")
    other = leaf_of(body)
    fake.state["revoked"][other.serial_number] = "SUPERSEDED"   # revoked on EJBCA already
    refused = estra_cli(*args, f"{other.serial_number:x}", "--reason", "superseded")
    assert refused.returncode == 1
    assert "Certificate is already revoked." in refused.stderr
    del fake.state["revoked"][other.serial_number]             # a failure may be retried
    retried = estra_cli(*args, f"{other.serial_number:x}", "--reason", "superseded")
    assert retried.returncode == 0 and ": revoked: " in retried.stdout, retried


def reenroll(server: MemoryServer, cn: str, cert: x509.Certificate
             ) -> tuple[int, dict[str, str], bytes]:
    """simplereenroll for `cn` with a new key, authenticated by the certificate `cert`."""
    return server.post("simplereenroll", pki.csr(pki.ec_key(), pki.name(cn)),
                       tls=DeviceTLS((cert,)))


def enrolled(server: MemoryServer, cn: str) -> x509.Certificate:
    """A device `cn` enrolled with Basic auth: its certificate."""
    status, _, body = server.post("simpleenroll", pki.csr(pki.ec_key(), pki.name(cn)))
    assert status == 200, body
    return leaf_of(body)


def until_reenrolls(server: MemoryServer, cn: str, cert: x509.Certificate) -> bytes:
    """Re-enroll until the RA's trust store (synced every second on its clock) takes
    `cert`; bounded."""
    for _ in range(20):
        status, _, body = reenroll(server, cn, cert)
        if status == 200:
            return body
        server.ra.advance(1)
        server.ra.flush()
    raise AssertionError(body)


def test_renewal_without_edit_right_is_502_naming_it(ra: MemoryServer, fake: FakeServer) -> None:
    """A role with Create End Entity but not Edit End Entity enrolls a device once; its
    renewal edits the end entity, which EJBCA refuses (403): 502 naming the right."""
    assert enroll(ra, "creator/simpleenroll", "dev8")[0] == 200
    status, headers, body = enroll(ra, "creator/simpleenroll", "dev8")
    assert status == 502, body
    assert headers["content-type"].startswith("text/plain")
    assert f"Administrator not authorized to end entity profile {EEP_ID}.".encode() in body
    assert b"Edit End Entity (every renewal)" in body
    assert fake.state["end_entities"]["estra-dev8"]["edits"] == 0
    assert enroll(ra, "simpleenroll", "dev8")[0] == 200        # the RA role may edit


def test_key_the_certificate_profile_refuses(ra: MemoryServer, fake: FakeServer) -> None:
    """A certificate profile of ECDSA on secp384r1 only, read from EJBCA's v2 profile
    resource: /csrattrs asks for id-ecPublicKey on secp384r1; RSA and P-256 requests
    are refused up front (403 upstream-terms naming EJBCA's setting) and EJBCA is not
    asked; a P-384 request issues."""
    fake.state["profile"].update(algs=["ECDSA"], curves=["secp384r1"])
    parsed = csrattrs_text(ra)
    assert "id-ecPublicKey" in parsed and "secp384r1" in parsed, parsed
    assert "prime256v1" not in parsed and "rsaEncryption" not in parsed, parsed
    for key, reason in ((rsa.generate_private_key(65537, 2048),
                         b"signs only available_key_algs ec, not rsa"),
                        (pki.ec_key(),
                         b"signs only available_ecdsa_curves secp384r1, not secp256r1")):
        status, headers, body = ra.post("simpleenroll", pki.csr(key, pki.name("k")))
        assert status == 403, body
        assert headers["content-type"].startswith("text/plain")
        assert b"upstream-terms: EJBCA certificate profile ESTRA_DEVICE " + reason in body
    assert "enrolls" not in fake.state
    key = ec.generate_private_key(ec.SECP384R1())
    assert ra.post("simpleenroll", pki.csr(key, pki.name("k")))[0] == 200
    assert f"GET {API2}/certificate/profile/{CERT_PROFILE}" in fake.requests


def test_ca_not_in_the_end_entity_profile_is_refused_up_front(ra: MemoryServer,
                                                              fake: FakeServer) -> None:
    """An end entity profile whose available_cas (REST v2 EndEntityProfileResponse)
    lack the configured CA: every enrollment is 502 up front naming the profile, the CA
    and the CAs it lists, and EJBCA is not asked (it would refuse, as the fake does)."""
    fake.state["ee_cas"] = ["OtherCA"]
    status, headers, body = enroll(ra, "simpleenroll", "dev-ca")
    assert status == 502, body
    assert headers["content-type"].startswith("text/plain")
    assert (f"EJBCA end entity profile {EE_PROFILE} does not list CA '{CA_NAME}' in its "
            "available_cas (OtherCA)").encode() in body, body
    assert "enrolls" not in fake.state
    assert f"GET {API2}/endentity/profile/{EE_PROFILE}" in fake.requests


def test_fake_refuses_a_ca_the_end_entity_profile_lacks(
        real_fake: FakeServer, admins: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    """The fake refuses pkcs10enroll to a CA its end entity profile does not list, with
    EJBCA's message (EndEntityProfile: "Couldn't find CA (id) among End Entity Profiles
    Available CAs.")."""
    fake = real_fake
    fake.state["ee_cas"] = ["OtherCA"]
    cert, key = admins["ra"]
    done = subprocess.run(
        ["curl", "-s", "--cacert", str(tmp_path / "fake-ca.pem"), "--cert", str(cert),
         "--key", str(key), "-H", "Content-Type: application/json", "--data",
         json.dumps({"certificate_request": "", "certificate_profile_name": CERT_PROFILE,
                     "end_entity_profile_name": EE_PROFILE,
                     "certificate_authority_name": CA_NAME}),
         f"https://localhost:{fake.server_address[1]}{API}/certificate/pkcs10enroll"],
        capture_output=True, timeout=30)
    doc = json.loads(done.stdout)
    assert doc == {"error_code": 400, "error_message": f"Couldn't find CA ({CA_ID}) among "
                   "End Entity Profiles Available CAs."}, doc


def test_profile_hidden_from_the_role_leaves_ejbca_to_refuse(ra: MemoryServer,
                                                             fake: FakeServer) -> None:
    """A role without View Certificate Profiles gets 403 on the profile: nothing is
    checked up front (logged), and EJBCA's own refusal of the key reaches the device."""
    fake.state["profile"].update(algs=["ECDSA"])
    key = rsa.generate_private_key(65537, 2048)
    status, headers, body = ra.post("creator/simpleenroll", pki.csr(key, pki.name("k")))
    assert status == 400 and headers["content-type"].startswith("text/plain"), body
    assert b"upstream CA refused the request: Invalid key algorithm: RSA" in body, body
    assert f"GET {API2}/certificate/profile/{CERT_PROFILE}" in fake.requests
    ra.wait_log(r"its issuing profile could not be read .*view_certificate_profiles")


def test_approvals_are_502_with_the_reason(ra: MemoryServer, fake: FakeServer) -> None:
    """With approvals on, EJBCA rejects pkcs10enroll (400) and keeps nothing to approve:
    502 with its reason and what to change, not a 400 the device would take as its own."""
    fake.state["approvals"] = True
    status, headers, body = enroll(ra, "simpleenroll", "dev9")
    assert status == 502, body
    assert "retry-after" not in headers
    assert b"approvals are enabled for this CA" in body
    assert f"exempt CA '{CA_NAME}' and certificate profile '{CERT_PROFILE}'".encode() in body
    assert fake.state["end_entities"] == {}
    fake.state["approvals"] = False
    assert enroll(ra, "simpleenroll", "dev9")[0] == 200


def rotating_config(fake: FakeServer, admins: dict[str, tuple[Path, Path]], tmp_path: Path,
                    extra: str = "") -> str:
    """An RA on the fake that re-reads EJBCA's chain and syncs its trust every second."""
    return "[ca]\nsync_seconds = 1\n" + upstream(
        fake, admins, tmp_path, "default", extra="chain_refresh = 1\n" + extra)


def test_ca_renewal_keeps_old_certificates_reenrolling(
        fake: MemoryFake, admins: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    """Enroll; EJBCA renews its issuing CA with a new key; once the RA trusts the new CA
    (a device of it re-enrolls), the device holding a certificate of the old CA still
    re-enrolls, and gets one of the new CA; /cacerts is the new chain."""
    server = MemoryServer(rotating_config(fake, admins, tmp_path), tmp_path,
                          upstreams=fake.upstreams())
    old_cert = enrolled(server, "dev10")
    old_ca, new_ca = fake.state["issuing"], rotate(fake)
    new_leaf = enrolled(server, "dev11")
    new_leaf.verify_directly_issued_by(new_ca.cert)
    until_reenrolls(server, "dev11", new_leaf)
    status, _, body = reenroll(server, "dev10", old_cert)
    assert status == 200, body
    leaf_of(body).verify_directly_issued_by(new_ca.cert)
    status, _, body = server.get("cacerts")
    assert set(issued(body)) == {new_ca.cert, fake.state["root"].cert}
    assert old_ca.cert not in issued(body)
    server.stop()


def test_restart_after_renewal_keeps_the_old_ca_trusted(
        fake: MemoryFake, admins: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    """An RA restarted after the CA renewal (EJBCA lists only the new chain) still lets a
    certificate of the old CA re-enroll: the issuers it saw are kept in the state
    directory (estra/upstream/issuers.py), and expire with their certificates."""
    server = MemoryServer(rotating_config(fake, admins, tmp_path), tmp_path,
                          upstreams=fake.upstreams())
    old_cert = enrolled(server, "dev12")
    rotate(fake)
    new_cert = enrolled(server, "dev13")
    until_reenrolls(server, "dev13", new_cert)              # the new chain is trusted
    server.restart()
    until_reenrolls(server, "dev12", old_cert)
    server.stop()


def test_extra_chain_holds_ca_certificates_only(tmp_path: Path) -> None:
    """extra_chain naming a device certificate is a configuration error naming the key."""
    ca = pki.CA("Some CA")
    leaf = ca.issue(pki.name("not a CA"), pki.ec_key().public_key())
    (tmp_path / "chain.pem").write_bytes(ca.cert.public_bytes(pki.PEM)
                                         + leaf.public_bytes(pki.PEM))

    def issuers(path: Path) -> UpstreamIssuers:
        config = Upstream("x", "ejbca", extra_chain=FilePath(str(path)))
        return UpstreamIssuers(config, None, None, time.time)
    with pytest.raises(ConfigError, match=r"upstreams.x.extra_chain: .*CN=not a CA is "
                                          r"not a CA certificate"):
        issuers(tmp_path / "chain.pem")
    assert issuers(ca.write(tmp_path, "ca")).extra == [ca.cert]


class ChainOnlyHTTP:
    """Answers EJBCA's CA list and chain download from `chain` (in process, no socket)."""

    name = "stub"

    def __init__(self, chain: list[x509.Certificate]) -> None:
        self.chain = chain

    async def request(self, method: str, url: str, **kw: Any) -> Reply:
        if url.endswith("/v1/ca"):
            dn = self.chain[0].subject.rfc4514_string()
            doc = {"certificate_authorities": [{"name": CA_NAME, "subject_dn": dn}]}
            return Reply(200, {}, json.dumps(doc).encode())
        return Reply(200, {}, b"".join(c.public_bytes(pki.PEM) for c in self.chain))


def test_cacerts_is_the_current_chain_cached() -> None:
    """/cacerts is EJBCA's current chain, read again after chain_refresh seconds."""
    root = pki.CA("EJBCA Root CA")
    first, second = intermediate(root, "Issuing"), intermediate(root, "Issuing")
    now = [pki.NOW.timestamp()]
    http = ChainOnlyHTTP([first.cert, root.cert])
    ca = EjbcaCA(http, "https://ejbca.test", CA_NAME, CERT_PROFILE,  # type: ignore[arg-type]
                 EE_PROFILE, clock=lambda: now[0], chain_refresh=60)

    def cacerts() -> list[x509.Certificate]:
        done: list[Any] = []
        Deferred.fromCoroutine(ca.cacerts()).addBoth(done.append)   # no I/O: done at once
        assert isinstance(done[0], list), done
        return done[0]

    assert cacerts() == [first.cert, root.cert]
    http.chain = [second.cert, root.cert]
    assert cacerts() == [first.cert, root.cert]                      # cached for 60 s
    now[0] += 61
    assert cacerts() == [second.cert, root.cert]
