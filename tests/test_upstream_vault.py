"""RA -> a fake HashiCorp Vault / OpenBao PKI secrets engine over loopback HTTPS.

The fake follows the Vault API docs (and, where they are silent, Vault's
builtin/logical/pki sources): "PKI secrets engine (API)" -> "Sign certificate"
(`POST /v1/:mount(/issuer/:issuer_ref)/sign/:name`), "Sign verbatim", "Read
role" (`GET /v1/:mount/roles/:name`), "List issuers" (`LIST /v1/:mount/issuers`),
"Read issuer certificate" (`GET /v1/:mount/issuer/:ref/json`, unauthenticated),
"Read CA certificate chain" (`ca_chain`, `ca/pem`), "Revoke certificate";
"Token auth method (API)" -> lookup-self, renew-self; "AppRole" and "TLS
certificate" auth -> login.  Errors are {"errors": [...]}.

It is as strict as the product: names come FROM THE CSR when the role has
use_csr_common_name / use_csr_sans (the defaults) and from the JSON fields
otherwise, checked against allowed_domains; tokens have a TTL in seconds on the
fake's clock, a max TTL that renew-self cannot pass, and expire (then 403);
with a namespace every request must carry X-Vault-Namespace (a login or token
outside it: 403, an unauthenticated path: 404); the mount has several issuers
(an intermediate under its root; `rotate` makes a new one the default).
"""

from __future__ import annotations

import datetime
import json
import re
import secrets
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from twisted.internet import reactor as _reactor
from twisted.internet.task import Clock
from twisted.trial.unittest import TestCase

from attrs import evolve

from estra.config import ConfigError, Profile, settings_from_string
from estra.errors import BadUpstream, UpstreamUnavailable
from estra.upstream import vault
from estra.upstream.http import http_for
from estra.testing import DeviceTLS
from tests import pki
from tests.conftest import Server, csrattrs_text, estra_cli, issued, openssl_verify
from tests.fakeca import FakeHandler, FakeServer, MemoryFake, in_memory, serve
from tests.memory import MemoryServer

reactor: Any = _reactor
TOKEN = "hvs.static-test-token"
ROLE_ID = "a4f6c1de-role"
SECRET_ID = "5e1f0b7a-secret"
NAMESPACE = "admin/team-a"


def allowed(name: str) -> bool:
    """The role: allowed_domains = ["example.com"], allow_subdomains = true."""
    return name.endswith(".example.com")


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(pki.PEM).decode()


def intermediate(root: pki.CA, cn: str) -> pki.CA:
    """A CA certificate for a new key, signed by `root` (pathlen 0)."""
    key = pki.ec_key()
    cert = (x509.CertificateBuilder().subject_name(pki.name(cn)).issuer_name(root.cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(pki.NOW - datetime.timedelta(days=1))
            .not_valid_after(pki.NOW + datetime.timedelta(days=20))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), True)
            .sign(root.key, hashes.SHA256()))
    return pki.CA(cn, key, cert)


def new_issuer(state: dict[str, Any], label: str) -> dict[str, Any]:
    """An issuer of the mount: an intermediate under its own root; the root is an
    issuer of the mount too (as after `pki/root/generate` + `pki/intermediate/set-signed`)."""
    root = pki.CA(f"Vault root {label}")
    inter = intermediate(root, f"Vault issuing {label}")
    chain = [pem(inter.cert), pem(root.cert)]
    for name, ca, ca_chain in ((f"root-{label}", root, chain[1:]),
                               (f"issuing-{label}", inter, chain)):
        state["issuers"][str(uuid.uuid4())] = {"name": name, "ca": ca, "chain": ca_chain}
    state["default"] = list(state["issuers"])[-1]
    issuer: dict[str, Any] = state["issuers"][state["default"]]
    return issuer


def fake_state(**extra: Any) -> dict[str, Any]:
    state: dict[str, Any] = {
        "now": time.monotonic, "namespace": "", "issuers": {}, "default": "",
        "tokens": {TOKEN: {"expires": float("inf"), "max": float("inf"), "ttl": 0,
                           "renewable": False}},
        "login_ttl": 1200, "login_max_ttl": 3600, "logins": 0, "cert_login": None,
        # what "Read role" returns for a role made with key_type=any (the fake signs
        # any key) and these names: Vault returns every field, defaults included
        "role": {"allowed_domains": ["example.com"], "allow_subdomains": True,
                 "allow_bare_domains": False, "allow_glob_domains": False,
                 "allow_any_name": False, "allow_localhost": True, "require_cn": True,
                 "key_type": "any", "key_bits": 0,
                 "use_csr_common_name": True, "use_csr_sans": True, "allow_ip_sans": True,
                 "allowed_uri_sans": [], "max_ttl": 0, "ttl": 0},
        "role_readable": True}
    new_issuer(state, "A")
    state.update(extra)
    return state


class FakeVault(FakeHandler):
    """PKI engine at /v1/pki with role "device"; AppRole at /v1/auth/approle,
    TLS certificate auth at /v1/auth/cert."""

    @property
    def state(self) -> dict[str, Any]:
        return self.server.state

    def route(self) -> str | None:
        """The path inside the namespace, or None when the namespace is missing."""
        ns = self.state["namespace"]
        path = self.path[len("/v1/"):] if self.path.startswith("/v1/") else self.path
        sent = (self.headers.get("X-Vault-Namespace") or "").strip("/")
        return path if sent == ns else None

    def token(self) -> str | None:
        """The request's token when valid now, else None (Vault then answers 403)."""
        value = self.headers.get("X-Vault-Token") or ""
        entry = self.state["tokens"].get(value)
        if entry is None or self.state["now"]() >= entry["expires"]:
            return None
        return value

    def denied(self) -> None:
        self.reply_json(403, {"errors": ["permission denied"]})

    def do_GET(self) -> None:
        path = self.route()
        if path is None:
            if "X-Vault-Token" in self.headers:
                return self.denied()
            return self.reply_json(404, {"errors": [f"no handler for route {self.path!r}. "
                                                    "route entry not found."]})
        state, issuers = self.state, self.state["issuers"]
        default = issuers[state["default"]]
        if path in ("pki/ca_chain", "pki/ca/pem"):
            text = "".join(default["chain"] if path == "pki/ca_chain" else default["chain"][:1])
            return self.reply(200, text.encode(), "application/pem-certificate-chain")
        if path == "pki/issuers?list=true":
            return self.reply_json(200, {"data": {"keys": list(issuers), "key_info": {
                k: {"issuer_name": v["name"], "is_default": k == state["default"]}
                for k, v in issuers.items()}}})
        m = re.fullmatch(r"pki/issuer/([^/]+)/json", path)
        if m:
            found = self.issuer(m.group(1))
            if found is None:
                return self.reply_json(404, {"errors": ["unable to find issuer"]})
            ref, issuer = found
            return self.reply_json(200, {"data": {
                "certificate": pem(issuer["ca"].cert), "ca_chain": issuer["chain"],
                "issuer_id": ref, "issuer_name": issuer["name"]}})
        if self.token() is None:
            return self.denied()
        if path == "auth/token/lookup-self":
            entry = state["tokens"][self.token()]
            left = entry["expires"] - state["now"]()
            return self.reply_json(200, {"data": {
                "ttl": 0 if left == float("inf") else int(left),
                "renewable": entry["renewable"], "policies": ["default", "pki-sign"]}})
        if path == "pki/roles/device":
            if not state["role_readable"]:
                return self.denied()
            return self.reply_json(200, {"data": state["role"]})
        self.reply_json(404, {"errors": []})

    def issuer(self, ref: str) -> tuple[str, dict[str, Any]] | None:
        issuers = self.state["issuers"]
        ref = self.state["default"] if ref == "default" else ref
        for key, issuer in issuers.items():
            if ref in (key, issuer["name"]):
                return key, issuer
        return None

    def do_POST(self) -> None:
        doc: dict[str, Any] = json.loads(self.body() or b"{}")
        state, path = self.state, self.route()
        if path is None:
            return self.denied()
        if path in ("auth/approle/login", "auth/cert/login"):
            return self.login(path, doc)
        if self.token() is None:
            return self.denied()
        if path == "auth/token/renew-self":
            return self.renew()
        m = re.fullmatch(r"pki/(?:issuer/([^/]+)/)?(sign|sign-verbatim)/device|pki/(revoke)",
                         path)
        if m is None:
            return self.reply_json(404, {"errors": []})
        if m.group(3) == "revoke":
            return self.revoke(doc)
        state["last"], state["last_path"] = doc, path
        found = self.issuer(m.group(1) or "default")
        if found is None:
            return self.reply_json(400, {"errors": ["unable to find issuer"]})
        try:
            csr = x509.load_pem_x509_csr(doc["csr"].encode())
            assert csr.is_signature_valid and doc.get("format", "pem") == "pem"
        except (KeyError, ValueError, AssertionError):
            return self.reply_json(400, {"errors": ["certificate request could not be parsed"]})
        if m.group(2) == "sign-verbatim":
            subject, alt = csr.subject, csr_sans(csr)
        else:
            names = self.names(csr, doc)
            if isinstance(names, str):
                return self.reply_json(400, {"errors": [names]})
            subject, alt = names
        issuer = found[1]
        # ttl ("<n>s" or seconds) from now, the notBefore 30 s back (not_before_duration)
        ttl = str(doc.get("ttl", "")).removesuffix("s")
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = issuer["ca"].issue(subject, csr.public_key(), alt, *(
            (now - datetime.timedelta(seconds=30), now + datetime.timedelta(seconds=int(ttl)))
            if ttl.isdigit() else ()))
        serial = ":".join(f"{b:02x}" for b in cert.serial_number.to_bytes(20, "big").lstrip(b"\0"))
        state.setdefault("issued", set()).add(serial)
        self.reply_json(200, {
            "request_id": str(uuid.uuid4()), "lease_id": "", "renewable": False,
            "lease_duration": 0, "wrap_info": None, "warnings": None, "auth": None,
            "data": {"certificate": pem(cert), "issuing_ca": issuer["chain"][0],
                     "ca_chain": issuer["chain"], "serial_number": serial}})

    def names(self, csr: x509.CertificateSigningRequest,
              doc: dict[str, Any]) -> tuple[x509.Name, list[x509.GeneralName]] | str:
        """Subject and SANs as Vault's generateCreationBundle takes them, or the error."""
        role = self.state["role"]
        cn_attr = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        cn = str(cn_attr[0].value) if role["use_csr_common_name"] and cn_attr else ""
        cn = cn or doc.get("common_name", "")
        if not cn:
            return 'the common_name field is required, or must be provided in a CSR with ' \
                   '"use_csr_common_name" set to true'
        if role["use_csr_sans"]:
            dns = [str(n) for n in csr_sans(csr) if isinstance(n, x509.DNSName)]
            ips = [str(n.value) for n in csr_sans(csr) if isinstance(n, x509.IPAddress)]
            uris = [n.value for n in csr_sans(csr)
                    if isinstance(n, x509.UniformResourceIdentifier)]
            dns = [n.value for n in csr_sans(csr) if isinstance(n, x509.DNSName)]
        else:
            dns = [n for n in doc.get("alt_names", "").split(",") if n]
            ips = [n for n in doc.get("ip_sans", "").split(",") if n]
            uris = [n for n in doc.get("uri_sans", "").split(",") if n]
        key, want = csr.public_key(), role.get("key_type", "any")
        kind = "rsa" if isinstance(key, rsa.RSAPublicKey) else \
            "ec" if isinstance(key, ec.EllipticCurvePublicKey) else "ed25519"
        if want != "any" and kind != want:
            return f"role requires keys of type {want}"
        if kind == "ec" and want == "ec" and role.get("key_bits") and \
                key.curve.key_size != role["key_bits"]:       # type: ignore[union-attr]
            return f"role requires a key size of {role['key_bits']}"
        if not allowed(cn):
            return f"common name {cn} not allowed by this role"
        for name in dns:
            if not allowed(name):
                return f"subject alternate name {name} not allowed by this role"
        if ips and not role["allow_ip_sans"]:
            return "IP Subject Alternative Names are not allowed in this role"
        if uris and not role["allowed_uri_sans"]:
            return "URI Subject Alternative Names are not allowed in this role"
        return pki.name(cn), pki.sans(*dict.fromkeys([cn, *dns, *ips]))

    def login(self, path: str, doc: dict[str, Any]) -> None:
        state = self.state
        if path == "auth/approle/login":
            if doc.get("role_id") != ROLE_ID or doc.get("secret_id") != SECRET_ID:
                return self.reply_json(400, {"errors": ["invalid role or secret ID"]})
        elif state["cert_login"] is None or self.peer_certificate() != state["cert_login"] \
                or doc.get("name", "estra") != "estra":
            return self.reply_json(400, {"errors": ["invalid certificate or no client "
                                                    "certificate supplied"]})
        token = "hvs." + secrets.token_urlsafe(18)
        now = state["now"]()
        state["tokens"][token] = {"expires": now + state["login_ttl"], "renewable": True,
                                  "max": now + state["login_max_ttl"],
                                  "ttl": state["login_ttl"]}
        state["logins"] += 1
        self.reply_json(200, {
            "request_id": str(uuid.uuid4()), "lease_id": "", "renewable": False,
            "lease_duration": 0, "data": None, "warnings": None,
            "auth": {"client_token": token, "accessor": secrets.token_hex(8),
                     "policies": ["default", "pki-sign"], "metadata": {"role_name": "estra"},
                     "lease_duration": state["login_ttl"], "renewable": True}})

    def renew(self) -> None:
        """renew-self: a new TTL of the token's own ttl, capped at its max TTL."""
        state = self.state
        value = self.token()
        assert value is not None
        entry = state["tokens"][value]
        state["renewals"] = state.get("renewals", 0) + 1
        if not entry["renewable"]:
            return self.reply_json(400, {"errors": ["lease is not renewable"]})
        now = state["now"]()
        entry["expires"] = min(now + entry["ttl"], entry["max"])
        self.reply_json(200, {"auth": {"client_token": value, "renewable": True,
                                       "lease_duration": int(entry["expires"] - now)},
                              "warnings": None if entry["expires"] < entry["max"] else
                              ["TTL exceeded the effective max_ttl; TTL value is capped"]})

    def revoke(self, doc: dict[str, Any]) -> None:
        """Revoke certificate: by serial_number, colon- or hyphen-separated hex."""
        state = self.state
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


def csr_sans(csr: x509.CertificateSigningRequest) -> list[x509.GeneralName]:
    try:
        return list(csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
    except x509.ExtensionNotFound:
        return []


#: Where the in-memory fake answers.
PORT = 8200


def ra_toml(fake: FakeServer, tmp_path: Path) -> str:
    """Four Vault upstreams on `fake` (static token, AppRole, a wrong token, sign-verbatim)
    and a profile for each."""
    (tmp_path / "secret-id").write_text(SECRET_ID + "\n")
    common = f"""kind = "vault"
url = "https://localhost:{fake.server_address[1]}"
trust = "{tmp_path / 'fake-ca.pem'}"
role = "device"
"""
    return f"""
[ca]
sync_seconds = 1

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
"""


@pytest.fixture
def fake(tmp_path: Path) -> MemoryFake:
    """The fake Vault in memory (its token TTLs on the RA's clock once `ra` is made)."""
    return in_memory(FakeVault, tmp_path, port=PORT, state=fake_state())


@pytest.fixture
def ra(fake: MemoryFake, tmp_path: Path) -> Iterator[MemoryServer]:
    """The RA in memory in front of `fake`, with user alice."""
    server = MemoryServer(ra_toml(fake, tmp_path), tmp_path, upstreams=fake.upstreams())
    fake.state["now"] = server.ra.clock
    yield server
    server.stop()


@pytest.fixture
def real_fake(tmp_path: Path) -> Iterator[FakeServer]:
    yield from serve(FakeVault, tmp_path, state=fake_state())


@pytest.fixture
def twistd_ra(real_fake: FakeServer, start_estra: Callable[..., Server],
              tmp_path: Path) -> Server:
    """The process path: `twistd estra` from a config file, TLS to the fake on loopback."""
    server = start_estra(ra_toml(real_fake, tmp_path))
    server.add_user("alice")
    return server


def enroll(ra: Server | MemoryServer, path: str, cn: str,
           *alt: str) -> tuple[int, dict[str, str], bytes]:
    return ra.post(path, pki.csr(pki.ec_key(), pki.name(cn), pki.sans(*alt)))


def split(body: bytes) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """The leaf and the CA certificates of a certs-only answer (a SET: any order)."""
    certs = issued(body)
    [leaf] = [c for c in certs if not c.extensions.get_extension_for_class(
        x509.BasicConstraints).value.ca]
    return leaf, [c for c in certs if c is not leaf]


def verify_chain(tmp: Path, fake: FakeServer, body: bytes) -> x509.Certificate:
    """The enroll answer is the leaf + the issuing intermediate; it verifies to the root."""
    leaf, chain = split(body)
    issuer = fake.state["issuers"][fake.state["default"]]
    assert chain == [issuer["ca"].cert]
    (tmp / "vault-chain.pem").write_text("".join(issuer["chain"]))
    openssl_verify(tmp, leaf, "vault-chain.pem")
    return leaf


def test_enroll_from_the_csr(ra: MemoryServer, fake: FakeServer, tmp_path: Path) -> None:
    """The role takes names from the CSR (use_csr_common_name, use_csr_sans: Vault's
    defaults): only csr and ttl are sent, and the certificate carries the CSR's names."""
    status, _, body = enroll(ra, "simpleenroll", "dev1.example.com",
                             "dev1.example.com", "www.dev1.example.com", "192.0.2.10")
    assert status == 200, body
    leaf = verify_chain(tmp_path, fake, body)
    assert leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == \
        "dev1.example.com"
    assert set(leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value) \
        == set(pki.sans("dev1.example.com", "www.dev1.example.com", "192.0.2.10"))
    assert set(fake.state["last"]) == {"csr", "ttl"} and fake.state["last"]["ttl"] == "72h"
    assert "POST /v1/pki/sign/device" in fake.requests
    assert "GET /v1/pki/roles/device" in fake.requests


def test_role_with_json_names(fake: FakeServer, ra: MemoryServer, tmp_path: Path) -> None:
    """A role with use_csr_common_name = use_csr_sans = false gets the CSR's names as
    common_name, alt_names and ip_sans, and issues from those."""
    fake.state["role"].update(use_csr_common_name=False, use_csr_sans=False)
    status, _, body = enroll(ra, "approle/simpleenroll", "j.example.com",
                             "j.example.com", "192.0.2.11")
    assert status == 200, body
    sent = fake.state["last"]
    assert (sent["common_name"], sent["alt_names"], sent["ip_sans"]) == \
        ("j.example.com", "j.example.com", "192.0.2.11")
    assert set(sent) == {"csr", "common_name", "alt_names", "ip_sans"}


def test_enroll_with_approle_logs_in_once(ra: MemoryServer, fake: FakeServer,
                                          tmp_path: Path) -> None:
    """Login with AppRole happens once; its token serves two enrollments."""
    for cn in ("a.example.com", "b.example.com"):
        status, _, body = enroll(ra, "approle/simpleenroll", cn, cn)
        assert status == 200, body
        verify_chain(tmp_path, fake, body)
    assert fake.state["logins"] == 1
    assert fake.requests.count("POST /v1/auth/approle/login") == 1


def test_revoked_approle_token_logs_in_again(ra: MemoryServer, fake: FakeServer,
                                             tmp_path: Path) -> None:
    """A 403 on sign with an AppRole token means one fresh login and one retry."""
    assert enroll(ra, "approle/simpleenroll", "c.example.com")[0] == 200
    for token in [t for t in fake.state["tokens"] if t != TOKEN]:
        del fake.state["tokens"][token]                 # revoke the AppRole token
    status, _, body = enroll(ra, "approle/simpleenroll", "d.example.com")
    assert status == 200, body
    assert fake.state["logins"] == 2


def test_cacerts_are_the_signing_issuers_chain(ra: MemoryServer, fake: FakeServer) -> None:
    """/cacerts through the RA: the chain of the issuer that signs (the default), after a
    rotation the new one's; the RA's re-enrollment trust lists every issuer."""
    new = new_issuer(fake.state, "B")
    for path in ("cacerts", "approle/cacerts"):
        status, _, body = ra.get(path)
        assert status == 200, body
        assert new["ca"].cert in issued(body) and len(issued(body)) == 2
    assert "GET /v1/pki/issuer/default/json" in fake.requests


def test_name_the_role_forbids(ra: MemoryServer, fake: FakeServer, tmp_path: Path) -> None:
    """A name outside the role's allowed_domains is refused up front from the role
    estra read (403 upstream-terms naming the role's setting): Vault is not asked."""
    status, headers, body = enroll(ra, "simpleenroll", "evil.example.org")
    assert status == 403, body
    assert headers["content-type"].startswith("text/plain")
    assert b"upstream-terms: Vault role device does not allow the name " \
           b"'evil.example.org' (allowed_domains example.com)" in body
    assert "POST /v1/pki/sign/device" not in fake.requests


def test_name_vault_refuses_still_reaches_the_device(ra: MemoryServer, fake: FakeServer,
                                                     tmp_path: Path) -> None:
    """What estra does not judge from the role (URI SANs) Vault still refuses itself:
    the device gets 400 with Vault's reason."""
    status, _, body = ra.post("simpleenroll", pki.csr(pki.ec_key(), pki.name(
        "dev9.example.com"), [x509.UniformResourceIdentifier("urn:dev:9")]))
    assert status == 400, body
    assert b"URI Subject Alternative Names are not allowed in this role" in body


def test_wrong_token(ra: MemoryServer, tmp_path: Path) -> None:
    """Vault's 403 "permission denied" is the RA's misconfiguration: device gets 502."""
    status, _, body = enroll(ra, "wrongtoken/simpleenroll", "e.example.com")
    assert status == 502, body
    assert b"rejected the RA's credentials" in body and b"permission denied" in body


def test_sign_verbatim(ra: MemoryServer, fake: FakeServer, tmp_path: Path) -> None:
    """sign_verbatim = true posts the bare CSR to sign-verbatim/:name."""
    status, _, body = enroll(ra, "verbatim/simpleenroll", "v.example.com",
                             "v.example.com")
    assert status == 200, body
    verify_chain(tmp_path, fake, body)
    assert "POST /v1/pki/sign-verbatim/device" in fake.requests
    assert "POST /v1/pki/sign/device" not in fake.requests
    assert set(fake.state["last"]) == {"csr"}


def test_revoke_through_vault(twistd_ra: Server, real_fake: FakeServer) -> None:
    """`estra revoke` posts exactly {serial_number: "aa:bb:..."} to /v1/pki/revoke with
    the RA's token; the request is recorded with outcome "revoked"."""
    ra, fake = twistd_ra, real_fake
    status, _, body = enroll(ra, "simpleenroll", "r.example.com")
    assert status == 200, body
    leaf = split(body)[0]
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


def test_rotation_old_certificate_reenrolls(ra: MemoryServer, fake: FakeServer,
                                            tmp_path: Path) -> None:
    """Enroll under issuer A (an intermediate under root A), rotate (a new issuer B
    becomes the default), then re-enroll with the certificate from A: the RA's trust is
    every issuer of the mount, not only the default's ca_chain."""
    key = pki.ec_key()
    status, _, body = ra.post("approle/simpleenroll",
                              pki.csr(key, pki.name("rot.example.com"),
                                      pki.sans("rot.example.com")))
    assert status == 200, body
    old_leaf = verify_chain(tmp_path, fake, body)
    new = new_issuer(fake.state, "B")
    before = len(fake.requests)
    for _ in range(20):                                 # the sync runs every second
        if sum(r in ("GET /v1/pki/issuers?list=true", "GET /v1/pki/ca_chain")
               for r in fake.requests[before:]) >= 3:
            break
        ra.ra.advance(1)
        ra.ra.flush()
    assert sum(r in ("GET /v1/pki/issuers?list=true", "GET /v1/pki/ca_chain")
               for r in fake.requests[before:]) >= 3, fake.requests
    status, _, body = ra.post("approle/simplereenroll",
                              pki.csr(pki.ec_key(), pki.name("rot.example.com"),
                                      pki.sans("rot.example.com")),
                              tls=DeviceTLS((old_leaf,)))
    assert status == 200, body
    assert split(body)[1] == [new["ca"].cert]


def one_upstream(fake: FakeServer, tmp_path: Path, options: str) -> str:
    """An RA configuration with one Vault upstream (and the admin listener)."""
    return f"""
[admin]
listen = "tcp:0:interface=127.0.0.1"
[upstreams.vault]
kind = "vault"
url = "https://localhost:{fake.server_address[1]}"
trust = "{tmp_path / 'fake-ca.pem'}"
role = "device"
{options}
[profiles.default]
upstream = "vault"
"""


def test_healthz_is_red_when_the_token_is_invalid(fake: MemoryFake, tmp_path: Path) -> None:
    """/healthz asks Vault with the RA's token (lookup-self, read the role): a revoked
    token or an unreadable role turns it 503, not only an unreachable ca_chain."""
    ra = MemoryServer(one_upstream(fake, tmp_path, f'token = "{TOKEN}"'), tmp_path,
                      upstreams=fake.upstreams())

    def healthz() -> tuple[int, bytes]:
        status, _, body = ra.get("/healthz", face="admin")
        return status, body

    assert healthz() == (200, b"ok\n")
    fake.state["role_readable"] = False
    status, body = healthz()
    assert status == 503 and b"permission denied" in body, body
    fake.state["role_readable"] = True
    del fake.state["tokens"][TOKEN]
    status, body = healthz()
    assert status == 503 and b"rejected the RA's credentials" in body, body
    ra.stop()


def test_namespace_on_every_request(tmp_path: Path) -> None:
    """HCP Vault / Enterprise: with namespace set, the AppRole login, the role read,
    sign and the issuers all carry X-Vault-Namespace (the fake answers 403 outside)."""
    namespaced = in_memory(FakeVault, tmp_path, port=PORT,
                           state=fake_state(namespace=NAMESPACE))
    server = MemoryServer(one_upstream(namespaced, tmp_path, f"""namespace = "{NAMESPACE}"
approle_role_id = "{ROLE_ID}"
approle_secret_id = "{SECRET_ID}"
"""), tmp_path, upstreams=namespaced.upstreams())
    status, _, body = enroll(server, "simpleenroll", "ns.example.com")
    assert status == 200, body
    verify_chain(tmp_path, namespaced, body)
    status, _, body = server.get("cacerts")
    assert status == 200 and len(issued(body)) == 2, body
    server.stop()


# -- in-process: the token's life on a Clock -----------------------------------------


class _InProcess(TestCase):
    """The adapter in-process against the fake over loopback TLS; the token's TTL runs on
    a `Clock` shared by the adapter's timer and the fake."""

    timeout = 30

    def setUp(self) -> None:
        self.clock = Clock()
        self.dir = Path(self.mktemp()).resolve()
        self.dir.mkdir()
        self.fake = self._serve(fake_state(now=self.clock.seconds))

    def _serve(self, state: dict[str, Any], **kw: Any) -> FakeServer:
        running = serve(FakeVault, self.dir, state=state, **kw)
        server = next(running)
        self.addCleanup(running.close)
        return server

    def adapter(self, extra: str = "", top: str = "") -> vault.VaultCA:
        settings = settings_from_string(f"""{top}
[upstreams.v]
kind = "vault"
url = "https://localhost:{self.fake.server_address[1]}"
trust = "{self.dir / 'fake-ca.pem'}"
role = "device"
retries = 0
{extra}
""")
        config = settings.upstreams["v"]
        ca = vault.VaultCA(http_for(reactor, config), config.url, "pki", "device", self.clock,
                           token=config.options["token"], login=vault._login(config),
                           issuer_ref=config.options["issuer_ref"],
                           role_max_age=config.terms_max_age)
        self.addCleanup(lambda: ca.close())
        return ca

    def static(self, ttl: float = 0, max_ttl: float = 0, renewable: bool = True
               ) -> vault.VaultCA:
        """An adapter with the static token, its TTL `ttl` s (0: none) from now."""
        self.fake.state["tokens"][TOKEN] = {"expires": ttl or float("inf"),
                                            "max": max_ttl or float("inf"), "ttl": ttl,
                                            "renewable": renewable}
        return self.adapter(f'token = "{TOKEN}"')

    async def enroll(self, ca: vault.VaultCA, cn: str = "t.example.com") -> list[Any]:
        csr = pki.csr(pki.ec_key(), pki.name(cn))
        certs: list[Any] = await ca.enroll(csr, None, None)  # type: ignore[arg-type]
        return certs


class RequestedLifetimeTests(_InProcess):
    """A lifetime the RA asks (a SCEP certificate shortened to its renewal window,
    estra/ra/renewal.py) is sent as the sign request's ttl."""

    async def test_requested_lifetime_is_the_ttl(self) -> None:
        ca = self.static()
        profile = evolve(Profile("scep"), requested_lifetime=86400.0 * 3)
        csr = pki.csr(pki.ec_key(), pki.name("t.example.com"))
        cert = (await ca.enroll(csr, None, profile))[0]
        assert self.fake.state["last"]["ttl"] == "259200s"
        life = (cert.not_valid_after_utc - cert.not_valid_before_utc).total_seconds()
        assert life == 259200 + 30
        await ca.enroll(csr, None, Profile("est"))
        assert "ttl" not in self.fake.state["last"]


class TokenLifeTests(_InProcess):
    """Token lookup, renewal, re-login and expiry; issuer_ref; issuers; health."""

    async def test_static_token_renewed_at_half_life(self) -> None:
        """lookup-self at start; at half the TTL renew-self extends it; enrollments go on
        past the first TTL."""
        ca = self.static(100, 10_000)
        assert (await ca.health()).startswith("ok")
        assert "GET /v1/auth/token/lookup-self" in self.fake.requests
        self.clock.advance(49)
        await ca.token()
        assert self.fake.state.get("renewals", 0) == 0
        self.clock.advance(1)                     # half of 100 s: the timer's renew-self
        await ca.token()                          # waits for the renewal (one lock)
        assert self.fake.state["renewals"] == 1
        self.clock.advance(60)                    # past the first TTL
        assert len(await self.enroll(ca)) == 2

    async def test_role_read_again_after_sync_seconds(self) -> None:
        """The role's terms are kept [ca] sync_seconds (here 300), then read again: a
        role changed in Vault meanwhile applies after that."""
        self.fake.state["tokens"][TOKEN] = {"expires": float("inf"), "max": float("inf"),
                                            "ttl": 0, "renewable": True}
        ca = self.adapter(f'token = "{TOKEN}"', top="[ca]\nsync_seconds = 300\n")
        reads = lambda: self.fake.requests.count("GET /v1/pki/roles/device")  # noqa: E731
        assert (await ca.issuing_terms()).key_type is None           # type: ignore[union-attr]
        self.fake.state["role"].update(key_type="ec", key_bits=256)
        self.clock.advance(299)
        assert (await ca.issuing_terms()).key_type is None           # type: ignore[union-attr]
        assert reads() == 1
        self.clock.advance(2)
        assert (await ca.issuing_terms()).key_type == "ec"           # type: ignore[union-attr]
        assert reads() == 2

    async def test_static_token_at_max_ttl_turns_health_red_then_503(self) -> None:
        """A static token whose max TTL is reached: health is red before it expires;
        once expired, enrollments are 503 with a clear reason, without asking Vault."""
        ca = self.static(100, 100)
        assert (await ca.health()).startswith("ok")
        self.clock.advance(50)                    # the timer's renewal cannot extend
        await ca.token()
        with self.assertRaises(UpstreamUnavailable) as red:
            await ca.health()
        assert "cannot be renewed" in red.exception.reason
        assert len(await self.enroll(ca)) == 2    # still valid: enrollments go on
        self.clock.advance(51)
        signs = self.fake.requests.count("POST /v1/pki/sign/device")
        with self.assertRaises(UpstreamUnavailable) as late:
            await self.enroll(ca)
        assert "token expired" in late.exception.reason
        assert self.fake.requests.count("POST /v1/pki/sign/device") == signs

    async def test_unrenewable_static_token_turns_red(self) -> None:
        """A token that is not renewable: red at half its TTL, without a renew-self."""
        ca = self.static(40, 40, renewable=False)
        await ca.health()
        self.clock.advance(20)
        await ca.token()
        with self.assertRaises(UpstreamUnavailable):
            await ca.health()
        assert "POST /v1/auth/token/renew-self" not in self.fake.requests

    async def test_approle_at_max_ttl_logs_in_again(self) -> None:
        """An AppRole token is renewed at half life; at its max TTL estra logs in afresh."""
        self.fake.state.update(login_ttl=100, login_max_ttl=150)
        ca = self.adapter(f'approle_role_id = "{ROLE_ID}"\napprole_secret_id = "{SECRET_ID}"')
        await self.enroll(ca)
        assert self.fake.state["logins"] == 1
        self.clock.advance(50)                  # renewed, up to the max TTL (150)
        await ca.token()
        assert (self.fake.state["renewals"], self.fake.state["logins"]) == (1, 1)
        self.clock.advance(50)                  # capped: no longer extended -> login
        await ca.token()
        assert (self.fake.state["renewals"], self.fake.state["logins"]) == (2, 2)
        assert len(await self.enroll(ca)) == 2

    async def test_issuer_ref(self) -> None:
        """issuer_ref signs at /v1/pki/issuer/<ref>/sign/<role>, with that issuer."""
        old = self.fake.state["issuers"][self.fake.state["default"]]
        new_issuer(self.fake.state, "B")
        ca = self.adapter(f'token = "{TOKEN}"\nissuer_ref = "{old["name"]}"')
        leaf, inter = await self.enroll(ca)
        assert inter == old["ca"].cert
        assert f"POST /v1/pki/issuer/{old['name']}/sign/device" in self.fake.requests

    async def test_issuers_lists_every_issuer(self) -> None:
        """issuers (the re-enrollment trust): both issuers' chains (intermediates and
        roots), the default first; cacerts: the default issuer's chain only."""
        new_issuer(self.fake.state, "B")
        ca = self.static()
        subjects = [c.subject.rfc4514_string() for c in await ca.issuers()]
        assert subjects == ["CN=Vault issuing B", "CN=Vault root B", "CN=Vault root A",
                            "CN=Vault issuing A"]
        assert [c.subject.rfc4514_string() for c in await ca.cacerts()] == [
            "CN=Vault issuing B", "CN=Vault root B"]

    async def test_login_outside_the_namespace_is_refused(self) -> None:
        """The namespaced fake refuses a login without X-Vault-Namespace (403), as HCP
        Vault does: the RA's misconfiguration, 502."""
        self.fake.state["namespace"] = NAMESPACE
        ca = self.adapter(f'approle_role_id = "{ROLE_ID}"\napprole_secret_id = "{SECRET_ID}"')
        with self.assertRaises(BadUpstream) as refused:
            await self.enroll(ca)
        assert "(403)" in refused.exception.reason

    async def test_role_unreadable_is_red(self) -> None:
        """Health reads the role: a policy without read on pki/roles/<role> is red (502);
        enrollments still work, with the CSR's names sent as JSON as well."""
        ca = self.static()
        self.fake.state["role_readable"] = False
        with self.assertRaises(BadUpstream):
            await ca.health()
        assert len(await self.enroll(ca)) == 2
        assert self.fake.state["last"]["common_name"] == "t.example.com"


class CertLoginTests(_InProcess):
    """TLS certificate auth: the RA's client certificate logs in at auth/cert/login."""

    def setUp(self) -> None:
        self.clock = Clock()
        self.dir = Path(self.mktemp()).resolve()
        self.dir.mkdir()
        ra_ca = pki.CA("RA client CA")
        self.ra_cert = ra_ca.issue(pki.name("estra-ra"), (key := pki.ec_key()).public_key())
        pki.write_pair(self.dir, "ra", self.ra_cert, key)
        ra_ca.write(self.dir, "ra-ca")
        self.fake = self._serve(fake_state(now=self.clock.seconds, cert_login=self.ra_cert),
                                require_client_cert=self.dir / "ra-ca.pem")

    async def test_cert_login(self) -> None:
        """auth = "cert": POST auth/cert/login {name} over the RA's client certificate."""
        ca = self.adapter(f'auth = "cert"\ncert_role = "estra"\n'
                          f'client_cert = "{self.dir / "ra.pem"}"\n'
                          f'client_key = "{self.dir / "ra.key"}"')
        assert len(await self.enroll(ca)) == 2
        assert self.fake.requests.count("POST /v1/auth/cert/login") == 1


class AuthSettingTests(TestCase):
    """One auth method per upstream; mistakes name the key."""

    def login(self, options: str) -> Any:
        settings = settings_from_string(f"""
[upstreams.v]
kind = "vault"
url = "https://vault.example:8200"
role = "device"
{options}
""")
        return vault._login(settings.upstreams["v"])

    def test_methods(self) -> None:
        """token: no login; AppRole and cert: their login path and body."""
        self.assertIsNone(self.login('token = "t"'))
        self.assertEqual(self.login('approle_role_id = "r"\napprole_secret_id = "s"'),
                         ("auth/approle/login", {"role_id": "r", "secret_id": "s"}))

    def test_mistakes(self) -> None:
        """Unknown auth, cert without a client certificate, token with a login."""
        for options, key in (('auth = "ldap"\ntoken = "t"', "upstreams.v.auth"),
                             ('auth = "cert"', "upstreams.v.client_cert"),
                             ('token = "t"\napprole_role_id = "r"', "upstreams.v.token"),
                             ("", "upstreams.v.token")):
            with self.assertRaises(ConfigError) as e:
                self.login(options)
            self.assertIn(key, str(e.exception))


def test_role_keys_shape_csrattrs_and_refusals(ra: MemoryServer, fake: FakeServer) -> None:
    """A role signing only P-256 keys (key_type ec, key_bits 256): /csrattrs asks for
    id-ecPublicKey on prime256v1, in RFC 9908's template too; RSA and P-384 requests
    are refused up front naming the role's setting, and Vault is not asked to sign
    them; a P-256 request issues."""
    fake.state["role"].update(key_type="ec", key_bits=256)
    parsed = csrattrs_text(ra)
    assert "id-ecPublicKey" in parsed and "prime256v1" in parsed, parsed
    assert "secp384r1" not in parsed and "1.2.840.113549.1.9.16.2.61" in parsed, parsed
    for key, reason in ((rsa.generate_private_key(65537, 2048),
                         b"signs only key_type ec, not rsa"),
                        (ec.generate_private_key(ec.SECP384R1()),
                         b"signs only P-256 keys (key_bits), not secp384r1")):
        signed = len([r for r in fake.requests if r.startswith("POST /v1/pki/sign/")])
        status, _, body = ra.post("simpleenroll", pki.csr(key, pki.name("k.example.com")))
        assert status == 403 and b"upstream-terms: Vault role device " + reason in body, body
        assert len([r for r in fake.requests if r.startswith("POST /v1/pki/sign/")]) == signed
    status, _, body = enroll(ra, "simpleenroll", "k.example.com")
    assert status == 200, body
