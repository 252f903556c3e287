"""RA -> a fake Microsoft AD CS web enrollment (certsrv) over loopback HTTPS.

The fake follows "Microsoft AD CS Web Enrollment (certsrv)" as browsers and
certsrv clients use it: `POST /certsrv/certfnsh.asp` (Mode=newreq form) answers
an HTML page linking `certnew.cer?ReqID=N&amp;Enc=b64` when issued, a
"Certificate Pending" page with "Your Request Id is N." when a CA manager must
approve, or "The disposition message is "..."" when denied;
`GET /certsrv/certnew.cer?ReqID=N&Enc=b64` gives the PEM certificate
(application/pkix-cert) or an HTML page with "Disposition message:";
`GET /certsrv/certnew.p7b?ReqID=CACert&Renewal=K&Enc=b64` gives the chain of the
CA certificate K (-1: the current one) as a base64 PKCS#7 in CERTIFICATE armor, an
error page for a K the CA does not have; `GET /certsrv/certcarc.asp` ("Download a
CA certificate") carries the renewal index in its script (`var nRenewals=N;`).
IIS asks for credentials with 401 and WWW-Authenticate: Negotiate, NTLM, Basic.

The CA is an issuing CA under a root (fake-ca.pem, which also signs the fake's TLS
certificate), as AD CS enterprise CAs usually are; `renew_ca` renews it with a new
key (renewal index 1, 2, ...: the same name, a new key, AD CS's CA Version and
Previous CA Certificate Hash extensions, key identifiers on every certificate).

Pages carry the structure of the real ones (certfnsh.asp transfers to certrsis,
certrspn, certrsdn, certrser): element ids such as `locInfoNewReq` and
`locDenied`, the pending page's script `nReqId = N`, HRESULTs in messages; the
words are the server's UI language (English, German or French here).

`state["auth"]` = "ntlm" or "negotiate" makes the fake a hardened certsrv:
Basic is refused, NTLM is checked by pyspnego's acceptor (NTLM_USER_FILE),
Negotiate by GSSAPI against a real MIT KDC (tests/kdc.py), each handshake
authenticates its TCP connection only; with `state["epa"]` (Extended
Protection) a token without the tls-server-end-point binding of the fake's
certificate is refused.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import sqlite3
import subprocess
import textwrap
import time
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import spnego
import spnego.exceptions
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from spnego.channel_bindings import GssChannelBindings
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, pkcs7

from tests import pki
from tests.cluster import start_node
from tests.conftest import PASSWORD, Server, estra_cli, fresh_database, issued, parse_http
from tests.fakeca import FakeHandler, FakeServer, MemoryFake, in_memory, serve
from tests.memory import MemoryServer

USER, SECRET = "CORP\\svc-estra", "Adcs-Pa55"
PAGE = ('<HTML><Head><Meta HTTP-Equiv="Content-Type" Content="text/html; charset=UTF-8">'
        "<Title>Microsoft Active Directory Certificate Services</Title></Head>\r\n"
        "<Body>\r\n{}\r\n</Body></HTML>\r\n")
DENIAL = ("Denied by Policy Module  0x8009480f, The Domain Name System (DNS) name is "
          "unavailable and cannot be added to the Subject Alternate name.")
NO_TEMPLATE = ("Denied by Policy Module  0x80094800, The request was for a certificate "
               "template that is not supported by the Active Directory Certificate Services "
               "policy: Denied.")
#: The words of certrsis/certrspn/certrsdn in three UI languages; structure is shared.
WORDS = {
    "en": {"issued": "Certificate Issued", "pending": "Certificate Pending",
           "wait": "Your certificate request has been received. However, you must wait for "
                   "an administrator to issue the certificate you requested.",
           "still": "Your certificate request is still pending.",
           "id": "Your Request Id is {}.", "denied": "Certificate Request Denied",
           "was_denied": "Your certificate request was denied.",
           "message": 'The disposition message is "{}".', "download": "Download certificate",
           "carc": "Download a CA Certificate, Certificate Chain, or CRL",
           "current": "Current", "previous": "Previous"},
    "de": {"issued": "Zertifikat wurde ausgestellt", "pending": "Zertifikat ausstehend",
           "wait": "Ihre Zertifikatanforderung wurde empfangen. Sie müssen jedoch warten, "
                   "bis ein Administrator das angeforderte Zertifikat ausstellt.",
           "still": "Ihre Zertifikatanforderung steht noch aus.",
           "id": "Ihre Anforderungs-ID ist {}.", "denied": "Zertifikatanforderung verweigert",
           "was_denied": "Ihre Zertifikatanforderung wurde verweigert.",
           "message": 'Die Dispositionsmeldung ist "{}".', "download": "Zertifikat herunterladen",
           "carc": "Ein Zertifizierungsstellenzertifikat, eine Zertifikatkette oder eine "
                   "Sperrliste herunterladen", "current": "Aktuell", "previous": "Vorherig"},
    "fr": {"issued": "Certificat émis", "pending": "Certificat en attente",
           "wait": "Votre demande de certificat a été reçue. Cependant, vous devez attendre "
                   "qu&#39;un administrateur émette le certificat que vous avez demandé.",
           "still": "Votre demande de certificat est toujours en attente.",
           "id": "Votre ID de demande est {}.", "denied": "Demande de certificat refusée",
           "was_denied": "Votre demande de certificat a été refusée.",
           "message": "Le message de décision est « {} ».".replace("« ", '"').replace(" »", '"'),
           "download": "Télécharger le certificat",
           "carc": "Télécharger un certificat d&#39;autorité de certification, une chaîne de "
                   "certificats ou une liste de révocation des certificats",
           "current": "Actuel", "previous": "Précédent"},
}


def page(body: str) -> bytes:
    return PAGE.format(body).encode()


def issued_page(lang: str, req_id: int) -> bytes:
    w = WORDS[lang]
    return page(f"<P ID=locPageTitle> <B> {w['issued']} </B>\r\n"
                f'<A Href="certnew.cer?ReqID={req_id}&amp;Enc=b64">{w["download"]}</A>'
                f'<A Href="certnew.p7b?ReqID={req_id}&amp;Enc=b64">…</A>')


def pending_page(lang: str, req_id: int, new: bool) -> bytes:
    w = WORDS[lang]
    info = (f"<P ID=locInfoNewReq> {w['wait']} </P>" if new
            else f"<P ID=locInfoChkPnd> {w['still']} </P>")
    return page(f"<P ID=locPageTitle> <B> {w['pending']} </B>\r\n{info}\r\n"
                f"<P ID=locReqID> {w['id'].format(req_id)} </P>\r\n"
                '<Script Language="VBScript">\r\n\tSub postLoad\r\n\t\tDim nReqId\r\n'
                f"\t\tnReqId = {req_id}\r\n\tEnd Sub\r\n</Script>")


def denied_page(lang: str, req_id: int, message: str) -> bytes:
    w = WORDS[lang]
    return page(f"<P ID=locPageTitle> <B> {w['denied']} </B>\r\n"
                f"<P ID=locDenied> {w['was_denied']} </P>\r\n"
                f"<P ID=locReqID> {w['id'].format(req_id)} "
                f"{w['message'].format(message)} </P>")


def certcarc_page(lang: str, ca_name: str, renewals: int) -> bytes:
    """certcarc.asp: the renewal index in its script, one list entry per CA certificate."""
    w = WORDS[lang]
    options = "".join(
        f'<Option Value="{k}">{w["current"] if k == renewals else w["previous"]} '
        f'[{ca_name}{f"({k})" if k else ""}]\r\n' for k in range(renewals, -1, -1))
    return page('<Script Language="JavaScript">\r\n\tvar nRenewals=' f"{renewals};\r\n"
                "\tfunction handleLoad() { }\r\n</Script>\r\n"
                f"<P ID=locPageTitle> <B> {w['carc']} </B>\r\n"
                f"<Select Name=lbCaInstance ID=lbCaInstance Size=2>\r\n{options}</Select>")


def error_page(hresult: str) -> bytes:
    """certsrv's error page (certnew.p7b/.cer for something it does not have)."""
    return page("<P ID=locPageTitle>Certificate Services Error</P>\r\n"
                f"<P ID=locErrorMsg> {hresult} </P>")


def _ski(key: Any) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(key)


def sign(issuer: pki.CA, subject: x509.Name, public_key: Any, extensions: list[Any],
         days: int = 10) -> x509.Certificate:
    """A certificate as AD CS makes them: key identifiers, then `extensions`
    ((extension, critical) pairs)."""
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer.cert.subject)
         .public_key(public_key).serial_number(x509.random_serial_number())
         .not_valid_before(pki.NOW - datetime.timedelta(days=1))
         .not_valid_after(pki.NOW + datetime.timedelta(days=days))
         .add_extension(_ski(public_key), False)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
             issuer.key.public_key()), False))
    for extension, critical in extensions:
        b = b.add_extension(extension, critical)
    return b.sign(issuer.key, hashes.SHA256())


CA_NAME = "Corp Issuing CA"


def issuing_ca(root: pki.CA, previous: x509.Certificate | None, index: int) -> pki.CA:
    """CA certificate `index` of the issuing CA, each with a new key (AD CS's CA Version
    is key index << 16 | certificate index; Previous CA Certificate Hash is SHA-1)."""
    key = ec.generate_private_key(ec.SECP256R1())
    version = (index << 16 | index).to_bytes(3, "big").lstrip(b"\0") or b"\0"
    extensions: list[Any] = [
        (x509.BasicConstraints(ca=True, path_length=0), True),
        (x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.311.21.1"),
                                    bytes([2, len(version)]) + version), False)]
    if previous is not None:
        digest = hashlib.sha1(previous.public_bytes(Encoding.DER)).digest()
        extensions.append((x509.UnrecognizedExtension(
            x509.ObjectIdentifier("1.3.6.1.4.1.311.21.2"), bytes([4, 20]) + digest), False))
    return pki.CA(CA_NAME, key, sign(root, pki.name(CA_NAME), key.public_key(), extensions,
                                     days=20))


def renew_ca(fake: FakeServer) -> pki.CA:
    """Renew the issuing CA with a new key: certsrv now issues under renewal index N+1."""
    cas = fake.state["cas"]
    renewed: pki.CA = issuing_ca(fake.ca, cas[-1].cert, len(cas))
    cas.append(renewed)
    return renewed


def end_point(cert_pem: bytes) -> bytes:
    """tls-server-end-point (RFC 5929) of the fake's ECDSA-SHA256 certificate."""
    return b"tls-server-end-point:" + x509.load_pem_x509_certificate(cert_pem).fingerprint(
        hashes.SHA256())


def channel_bound(context: Any) -> bool:
    """MIT krb5 accepts an AP-REQ without bindings even when the acceptor has some
    (Windows with EPA does not): require GSS_C_CHANNEL_BOUND_FLAG (0x800, krb5 1.19+).
    NTLM needs no check here: pyspnego's acceptor refuses a missing binding itself."""
    for _ in range(3):          # pyspnego's SPNEGO -> its GSSAPI proxy -> gssapi's context
        context = getattr(context, "_context", None)
        flags = getattr(context, "actual_flags", None)
        if flags is not None:
            return any(int(flag) == 0x800 for flag in flags)
    return True


class FakeCertsrv(FakeHandler):
    """certsrv with templates EstDevice (issues), NeedsApproval (pends), Denied (denies),
    NotOnThisCa (not published: CERTSRV_E_UNSUPPORTED_CERT_TYPE)."""

    authenticated = False           # this TCP connection (NTLM/Negotiate)
    context: Any = None
    mutual: str | None = None

    def refuse(self, offers: list[str]) -> bool:
        body = page("<h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2>")
        self.send_response(401)
        for offer in offers:
            self.send_header("WWW-Authenticate", offer)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return False

    def end_headers(self) -> None:
        if self.mutual:             # Kerberos mutual authentication token on the answer
            self.send_header("WWW-Authenticate", f"Negotiate {self.mutual}")
            self.mutual = None
        super().end_headers()

    def authorized(self) -> bool:
        state = self.server.state
        mode = state.get("auth", "basic")
        header = self.headers.get("Authorization", "")
        if mode == "basic":
            token = base64.b64encode(f"{USER}:{SECRET}".encode()).decode()
            return header == f"Basic {token}" or self.refuse(
                ["Negotiate", "NTLM", 'Basic realm="ca.corp.example"'])
        if mode == "certificate":          # IIS client-certificate mapping; nothing else
            if header or not self.connection.getpeercert():
                state["refusals"].append(f"certificate mode, Authorization {header[:10]!r}")
                return self.refuse([])
            state["handshakes"].append(dict(x[0] for x in self.connection.getpeercert()[
                "subject"])["commonName"])
            return True
        if self.authenticated:
            return True
        scheme = "NTLM" if mode == "ntlm" else "Negotiate"
        name, _, data = header.partition(" ")
        if name.lower() != scheme.lower() or not data:
            self.context = None
            return self.refuse([scheme])            # Basic is not offered, nor taken
        if self.context is None:
            bindings = (GssChannelBindings(application_data=end_point(state["server_pem"]))
                        if state.get("epa") else None)
            self.context = spnego.server(protocol=mode, channel_bindings=bindings)
        try:
            out = self.context.step(base64.b64decode(data))
            if self.context.complete and state.get("epa") and not channel_bound(self.context):
                raise spnego.exceptions.BadBindingsError(context_msg="no channel binding")
        except spnego.exceptions.SpnegoError as e:
            state["refusals"].append(f"{type(e).__name__}: {e}")
            self.context = None
            return self.refuse([scheme])
        if not self.context.complete:
            return self.refuse([f"{scheme} {base64.b64encode(out or b'').decode()}"])
        self.authenticated = True
        state["handshakes"].append(str(self.context.client_principal))
        if out:
            self.mutual = base64.b64encode(out).decode()
        return True

    def issue(self, csr: x509.CertificateSigningRequest) -> x509.Certificate:
        try:
            alt = list(csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
        except x509.ExtensionNotFound:
            alt = []
        extensions = [(x509.BasicConstraints(ca=False, path_length=None), True)]
        if alt:
            extensions.append((x509.SubjectAlternativeName(alt), False))
        return sign(self.server.state["cas"][-1], csr.subject, csr.public_key(), extensions)

    def ca_chain(self, renewal: int) -> bytes:
        """certnew.p7b?ReqID=CACert: the chain of CA certificate `renewal` in CERTIFICATE
        armor, or certsrv's error page for an index the CA does not have."""
        cas = self.server.state["cas"]
        if not -1 <= renewal < len(cas):
            return error_page("The parameter is incorrect. 0x80070057 (WIN32: 87 "
                              "ERROR_INVALID_PARAMETER)")
        der = pkcs7.serialize_certificates([cas[renewal].cert, self.server.ca.cert],
                                           Encoding.DER)
        b64 = "\r\n".join(textwrap.wrap(base64.b64encode(der).decode(), 64))
        return (f"-----BEGIN CERTIFICATE-----\r\n{b64}\r\n"
                "-----END CERTIFICATE-----\r\n").encode()

    def do_GET(self) -> None:
        if self.server.state.get("down"):
            return self.reply(503, page("<h2>503 - Service Unavailable</h2>"), "text/html")
        if not self.authorized():
            return
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        state = self.server.state
        if url.path == "/certsrv/certcarc.asp" and not q:
            return self.reply(200, certcarc_page(state.get("lang", "en"), CA_NAME,
                                                 len(state["cas"]) - 1), "text/html")
        if url.path == "/certsrv/certnew.p7b" and set(q) == {"ReqID", "Renewal", "Enc"} \
                and q["ReqID"] == "CACert" and q["Enc"] == "b64" \
                and q["Renewal"].lstrip("-").isdigit():
            body = self.ca_chain(int(q["Renewal"]))
            return self.reply(200, body, "text/html" if body.startswith(b"<") else
                              "application/x-pkcs7-certificates")
        if url.path != "/certsrv/certnew.cer" or q.get("Enc") != "b64" \
                or not q.get("ReqID", "").isdigit():
            return self.reply(404, page("404 - File or directory not found."), "text/html")
        req_id = int(q["ReqID"])
        if req_id in state["issued"]:
            return self.reply(200, state["issued"][req_id].public_bytes(pki.PEM),
                              "application/pkix-cert")
        message = ("Taken Under Submission" if req_id in state["pending"]
                   else "The request ID is invalid.")
        self.reply(200, page(f"<P ID=locPageTitle>Certificate Services Error</P>\r\n<Table>"
                             f"<TR><TD>Request Id:</TD>\r\n\t\t<TD>{req_id}</TD></TR>\r\n"
                             f"<TR><TD>Disposition message:</TD>\r\n\t\t<TD>{message}</TD></TR>"
                             "</Table>"), "text/html")

    def do_POST(self) -> None:
        if not self.authorized():
            return
        state = self.server.state
        form = {k: v[0] for k, v in parse_qs(self.body().decode(),
                                             keep_blank_values=True).items()}
        if self.path != "/certsrv/certfnsh.asp" or self.headers.get("Content-Type") != \
                "application/x-www-form-urlencoded":
            return self.reply(404, page("404 - File or directory not found."), "text/html")
        lang = state.get("lang", "en")
        if form.get("Mode") == "chkpnd":
            req_id = int(form["ReqID"])
            if req_id in state["pending"] and req_id in state["approve"]:
                state["issued"][req_id] = self.issue(state["pending"].pop(req_id))
            if req_id in state["issued"]:
                return self.reply(200, issued_page(lang, req_id), "text/html")
            if req_id in state["pending"]:
                return self.reply(200, pending_page(lang, req_id, new=False), "text/html")
            return self.reply(200, denied_page(lang, req_id, DENIAL), "text/html")
        state["last"] = form
        state["submissions"] += 1
        if state.get("garbage"):
            return self.reply(200, b"<html><body><h1>Site under maintenance</h1></body></html>",
                              "text/html")
        csr = x509.load_pem_x509_csr(form["CertRequest"].encode())
        state["next_id"] += 1
        req_id, template = state["next_id"], form["CertAttrib"].removeprefix(
            "CertificateTemplate:")
        if template == "EstDevice":
            state["issued"][req_id] = self.issue(csr)
            return self.reply(200, issued_page(lang, req_id), "text/html")
        if template == "NeedsApproval":
            state["pending"][req_id] = csr
            return self.reply(200, pending_page(lang, req_id, new=True), "text/html")
        message = NO_TEMPLATE if template == "NotOnThisCa" else DENIAL
        self.reply(200, denied_page(lang, req_id, message), "text/html")


def certsrv_state(**state: Any) -> dict[str, Any]:
    return {"next_id": 122, "pending": {}, "issued": {}, "approve": set(), "submissions": 0,
            "handshakes": [], "refusals": [], **state}


def _issuing(server: FakeServer, directory: Path) -> FakeServer:
    server.state["server_pem"] = (directory / "fake-server.pem").read_bytes()
    server.state["cas"] = [issuing_ca(server.ca, None, 0)]
    return server


def certsrv(directory: Path, require_client_cert: Path | None = None,
            **state: Any) -> Iterator[FakeServer]:
    """Run a FakeCertsrv in `directory` (its CA in fake-ca.pem); with
    `require_client_cert` (CAs of the RA's certificate) IIS's "Require SSL client
    certificates" is on and auth = "certificate" maps the certificate to the user."""
    directory.mkdir(exist_ok=True)
    for server in serve(FakeCertsrv, directory, require_client_cert=require_client_cert,
                        state=certsrv_state(**state)):
        yield _issuing(server, directory)


def memory_certsrv(directory: Path, require_client_cert: Path | None = None,
                   **state: Any) -> MemoryFake:
    """`certsrv` in memory (for `MemoryServer(..., upstreams=fake.upstreams())`)."""
    directory.mkdir(exist_ok=True)
    fake = in_memory(FakeCertsrv, directory, port=443, require_client_cert=require_client_cert,
                     state=certsrv_state(**state))
    _issuing(fake, directory)
    return fake


@pytest.fixture
def fake(tmp_path: Path) -> MemoryFake:
    """certsrv in memory."""
    return memory_certsrv(tmp_path)


@pytest.fixture
def real_fake(tmp_path: Path) -> Iterator[FakeServer]:
    """certsrv on loopback, for `twistd estra` and `estra revoke`."""
    yield from certsrv(tmp_path)


def ra_toml(fake: FakeServer, tmp_path: Path) -> str:
    """Upstreams by template (issues, pends, denies, not on the CA) and a wrong password."""
    (tmp_path / "adcs-password").write_text(SECRET + "\n")
    common = f"""kind = "adcs"
url = "https://localhost:{fake.server_address[1]}/certsrv"
trust = "{tmp_path / 'fake-ca.pem'}"
username = '{USER}'
retry_after = 7
"""
    upstreams = {"device": "EstDevice", "approval": "NeedsApproval", "denied": "Denied",
                 "notonca": "NotOnThisCa"}
    return "".join(
        f'[upstreams.{name}]\n{common}template = "{template}"\n'
        f'password_file = "{tmp_path / "adcs-password"}"\n\n'
        for name, template in upstreams.items()) + f"""
[upstreams.wrongpw]
{common}template = "EstDevice"
password = "not-it"

[profiles.default]
upstream = "device"
""" + "".join(f'[profiles.{name}]\nupstream = "{name}"\n'
              for name in ("approval", "denied", "wrongpw", "notonca"))


@pytest.fixture
def ra(fake: MemoryFake, tmp_path: Path) -> Iterator[MemoryServer]:
    """The RA in memory in front of `fake`, with user alice."""
    server = MemoryServer(ra_toml(fake, tmp_path), tmp_path, upstreams=fake.upstreams())
    yield server
    server.stop()


@pytest.fixture
def twistd_ra(real_fake: FakeServer, start_estra: Callable[..., Server],
              tmp_path: Path) -> Server:
    """The process path: `twistd estra` from a config file, TLS to certsrv on loopback."""
    server = start_estra(ra_toml(real_fake, tmp_path))
    server.add_user("alice")
    return server


def new_csr(tmp: Path, cn: str) -> Path:
    req = tmp / f"{cn}.b64"
    req.write_bytes(pki.b64(pki.csr(pki.ec_key(), pki.name(cn), pki.sans(f"{cn}.corp.example"))))
    return req


def enroll(ra: Server | MemoryServer, path: str, req: Path
           ) -> tuple[int, dict[str, str], bytes]:
    """POST the CSR in `req` (base64) as alice."""
    if isinstance(ra, MemoryServer):
        return ra.send(path, req.read_bytes())
    return parse_http(ra.curl(path, "--user", f"alice:{PASSWORD}", "--data-binary", f"@{req}",
                              "-H", "Content-Type: application/pkcs10").stdout)


def verify_answer(tmp: Path, body: bytes) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """The leaf and CA certificates of an enroll answer; `openssl verify` builds the
    leaf's path to the root (fake-ca.pem) through the answer's intermediates only."""
    certs = issued(body)
    [leaf] = [c for c in certs if not c.extensions.get_extension_for_class(
        x509.BasicConstraints).value.ca]
    rest = [c for c in certs if c is not leaf]
    (tmp / "leaf.pem").write_bytes(leaf.public_bytes(pki.PEM))
    (tmp / "untrusted.pem").write_bytes(b"".join(c.public_bytes(pki.PEM) for c in rest))
    done = subprocess.run(["openssl", "verify", "-CAfile", str(tmp / "fake-ca.pem"),
                           "-untrusted", str(tmp / "untrusted.pem"), str(tmp / "leaf.pem")],
                          capture_output=True, timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr
    return leaf, rest


def spki(obj: Any) -> bytes:
    return bytes(obj.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))


def test_enroll_through_certfnsh(ra: MemoryServer, fake: FakeServer, tmp_path: Path) -> None:
    """certfnsh.asp newreq then certnew.cer: the answer is the leaf and the issuing CA
    (the self-signed root stays out), and it verifies to the AD CS root."""
    status, _, body = enroll(ra, "simpleenroll", new_csr(tmp_path, "dev1"))
    assert status == 200, body
    leaf, rest = verify_answer(tmp_path, body)
    assert rest == [fake.state["cas"][0].cert]
    assert leaf.subject == pki.name("dev1")
    form = fake.state["last"]
    assert {k: form[k] for k in ("Mode", "CertAttrib", "TargetStoreFlags", "SaveCert",
                                 "ThumbPrint")} == {
        "Mode": "newreq", "CertAttrib": "CertificateTemplate:EstDevice",
        "TargetStoreFlags": "0", "SaveCert": "yes", "ThumbPrint": ""}
    assert "GET /certsrv/certnew.cer?ReqID=123&Enc=b64" in fake.requests


def test_cacerts_is_the_adcs_chain(ra: MemoryServer, fake: FakeServer) -> None:
    """certnew.p7b (CACert, Renewal=-1, b64): /cacerts is the issuing CA and the root,
    fetched once per chain_refresh; the re-enrollment trust reads certcarc.asp."""
    p7b = "GET /certsrv/certnew.p7b?ReqID=CACert&Renewal={}&Enc=b64"
    ra.ra.flush()                        # the RA lists each upstream's issuers at start
    assert fake.requests.count(p7b.format(0)) >= 4, fake.requests  # wrongpw's: 401
    for _ in range(2):
        status, _, body = ra.get("cacerts")
        assert status == 200, body
        assert set(issued(body)) == {fake.state["cas"][0].cert, fake.ca.cert}
    assert fake.requests.count(p7b.format(-1)) == 1    # /cacerts of the default upstream
    assert fake.requests.count("GET /certsrv/certcarc.asp") == 5


def test_pending_then_approved(ra: MemoryServer, fake: FakeServer, tmp_path: Path) -> None:
    """Certificate Pending gives 202 + Retry-After; the device's retries poll request 123
    (certfnsh.asp chkpnd): exactly one submission, and after approval the same CSR gets
    the certificate."""
    req = new_csr(tmp_path, "dev2")
    for _ in range(2):
        status, headers, body = enroll(ra, "approval/simpleenroll", req)
        assert status == 202, body
        assert headers["retry-after"] == "7" and b"123" in body
    assert fake.state["submissions"] == 1
    fake.state["approve"].add(123)
    status, _, body = enroll(ra, "approval/simpleenroll", req)
    assert status == 200, body
    leaf, _ = verify_answer(tmp_path, body)
    assert spki(leaf) == spki(x509.load_der_x509_csr(base64.b64decode(req.read_bytes())))
    assert fake.state["submissions"] == 1
    assert "GET /certsrv/certnew.cer?ReqID=123&Enc=b64" in fake.requests


def test_denied_gives_403_with_disposition(ra: MemoryServer, tmp_path: Path) -> None:
    """A denied request reaches the device as 403 with AD CS's disposition message."""
    status, headers, body = enroll(ra, "denied/simpleenroll", new_csr(tmp_path, "dev3"))
    assert status == 403, body
    assert headers["content-type"].startswith("text/plain")
    assert b"Denied by Policy Module 0x8009480f, The Domain Name System (DNS) name" in body


def test_wrong_password(ra: MemoryServer, tmp_path: Path) -> None:
    """IIS's 401 (Negotiate, NTLM, Basic) is the RA's misconfiguration: the device gets 502."""
    status, _, body = enroll(ra, "wrongpw/simpleenroll", new_csr(tmp_path, "dev4"))
    assert status == 502, body
    assert b"rejected the RA's credentials (401)" in body


def test_unexpected_page(ra: MemoryServer, fake: FakeServer, tmp_path: Path) -> None:
    """An HTML page certsrv never sends (no id, no pending, no disposition) gives 502."""
    fake.state["garbage"] = True
    status, _, body = enroll(ra, "simpleenroll", new_csr(tmp_path, "dev5"))
    assert status == 502, body
    assert b"unexpected page" in body and b"Site under maintenance" in body


def test_revoke_is_not_forwarded(twistd_ra: Server, real_fake: FakeServer,
                                 tmp_path: Path) -> None:
    """AD CS web enrollment has no revocation API: `estra revoke` says so in one line,
    exits 1, sends certsrv nothing, and records the request as "not-forwarded"."""
    ra, fake = twistd_ra, real_fake
    status, _, body = enroll(ra, "simpleenroll", new_csr(tmp_path, "dev9"))
    assert status == 200, body
    leaf, _ = verify_answer(tmp_path, body)
    seen = list(fake.requests)
    done = estra_cli("--config", str(ra.config), "--state-dir", str(ra.state), "revoke",
                     f"{leaf.serial_number:x}", "--reason", "keyCompromise", "--by", "erin")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "estra: upstream device (adcs) has no revocation API: revoke it on the CA itself"]
    assert fake.requests == seen
    db = sqlite3.connect(ra.state / "estra.db")
    assert db.execute("SELECT upstream, kind, reason, revoked_by, outcome FROM revocations"
                      ).fetchall() == [("device", "adcs", "keyCompromise", "erin",
                                        "not-forwarded")]
    db.close()


def test_template_not_on_the_ca_is_502(ra: MemoryServer, tmp_path: Path) -> None:
    """CERTSRV_E_UNSUPPORTED_CERT_TYPE (0x80094800) is the RA's misconfiguration: 502
    naming the template, not a 403 that blames the device."""
    status, _, body = enroll(ra, "notonca/simpleenroll", new_csr(tmp_path, "dev6"))
    assert status == 502, body
    assert b"CERTSRV_E_UNSUPPORTED_CERT_TYPE" in body and b"'NotOnThisCa'" in body


# -- localised certsrv ---------------------------------------------------------------


@pytest.fixture(params=["de", "fr"])
def lang_ra(request: Any, fake: FakeServer, ra: MemoryServer
            ) -> tuple[FakeServer, MemoryServer]:
    fake.state["lang"] = request.param
    return fake, ra


def test_localised_issued(lang_ra: tuple[FakeServer, MemoryServer], tmp_path: Path) -> None:
    """A German or French certsrv's issued page is recognised by its certnew.cer link."""
    fake, ra = lang_ra
    status, _, body = enroll(ra, "simpleenroll", new_csr(tmp_path, "dev7"))
    assert status == 200, body
    verify_answer(tmp_path, body)


def test_localised_pending_polls_one_request(lang_ra: tuple[FakeServer, MemoryServer],
                                             tmp_path: Path) -> None:
    """On a localised certsrv a pending request is held (202) by its structure, its id
    is kept and each retry polls it: the CA sees exactly one submission."""
    fake, ra = lang_ra
    req = new_csr(tmp_path, "dev8")
    for _ in range(3):
        status, headers, body = enroll(ra, "approval/simpleenroll", req)
        assert status == 202, body
        assert b"request 123" in body
    assert fake.state["submissions"] == 1
    fake.state["approve"].add(123)
    status, _, body = enroll(ra, "approval/simpleenroll", req)
    assert status == 200, body
    assert fake.state["submissions"] == 1


def test_localised_denied(lang_ra: tuple[FakeServer, MemoryServer], tmp_path: Path) -> None:
    """A localised denial is a 403 carrying the HRESULT and the disposition message."""
    fake, ra = lang_ra
    status, _, body = enroll(ra, "denied/simpleenroll", new_csr(tmp_path, "dev9"))
    assert status == 403, body
    assert b"0x8009480f" in body


def test_pending_id_survives_a_restart(ra: MemoryServer, fake: FakeServer, tmp_path: Path) -> None:
    """The pending id is in the store: after the RA restarts, the retry still polls
    request 123 instead of submitting again."""
    req = new_csr(tmp_path, "dev10")
    status, _, body = enroll(ra, "approval/simpleenroll", req)
    assert status == 202, body
    ra.restart()
    status, _, body = enroll(ra, "approval/simpleenroll", req)
    assert status == 202 and b"123" in body, body
    assert fake.state["submissions"] == 1


# -- CA hierarchy and CA renewal -------------------------------------------------------


def test_renewed_ca_old_certificate_reenrolls(real_fake: FakeServer, tmp_path: Path) -> None:
    """The issuing CA renews with a new key after a device enrolled: the device re-enrolls
    with its old certificate (sending the leaf only) and gets one from the new CA, with
    the new CA in the answer: on the node that saw the old CA, on a node added after the
    renewal (which learns the old CA from certcarc.asp's renewal index), and on that node
    restarted while certsrv is down (the issuers kept on disk)."""
    fake = real_fake
    (tmp_path / "adcs-password").write_text(SECRET + "\n")
    with fresh_database() as url:
        config = f"""[store]
url = "{url}"
[upstreams.device]
kind = "adcs"
url = "https://localhost:{fake.server_address[1]}/certsrv"
trust = "{tmp_path / 'fake-ca.pem'}"
username = '{USER}'
password_file = "{tmp_path / 'adcs-password'}"
template = "EstDevice"
[profiles.default]
upstream = "device"
"""
        nodes: list[Server] = []
        try:
            nodes.append(start_node(tmp_path / "a", config, "tcp:0:interface=127.0.0.1"))
            key = pki.ec_key()
            status, _, body = nodes[0].post("simpleenroll", pki.csr(key, pki.name("dev-r")))
            assert status == 200, body
            old, [old_ca] = verify_answer(tmp_path, body)
            assert old_ca == fake.state["cas"][0].cert
            cert, keyfile = pki.write_pair(tmp_path, "old", old, key)
            new_ca = renew_ca(fake)

            def reenroll(node: Server) -> None:
                status, _, body = node.post("simplereenroll", pki.csr(key, pki.name("dev-r")),
                                            "--cert", str(cert), "--key", str(keyfile))
                assert status == 200, body
                leaf, rest = verify_answer(tmp_path, body)
                assert rest == [new_ca.cert]        # not the cached chain of the old CA
                leaf.verify_directly_issued_by(new_ca.cert)

            reenroll(nodes[0])
            nodes[0].stop()
            nodes.append(start_node(tmp_path / "b", config, "tcp:0:interface=127.0.0.1",
                                    like=nodes[0]))
            nodes[1].wait_log(r"trusting its issuer\(s\)")
            reenroll(nodes[1])
            fake.state["down"] = True
            nodes[1].restart(nodes[1].config.read_text())
            nodes[1].wait_log(r"keeping the 3 known")
            fake.state["down"] = False
            reenroll(nodes[1])
            status, _, body = parse_http(nodes[1].curl("cacerts").stdout)
            assert status == 200, body
            assert set(issued(body)) == {new_ca.cert, fake.ca.cert}
            assert "GET /certsrv/certnew.p7b?ReqID=CACert&Renewal=0&Enc=b64" in fake.requests
        finally:
            for node in nodes:
                node.stop()


# -- Windows authentication: NTLM and Negotiate (Kerberos), Extended Protection --------


def win_config(fake: FakeServer, directory: Path, name: str, extra: str) -> str:
    return f"""[upstreams.{name}]
kind = "adcs"
url = "https://localhost:{fake.server_address[1]}/certsrv"
trust = "{directory / 'fake-ca.pem'}"
template = "EstDevice"
{extra}
"""


@pytest.fixture
def ntlm_fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MemoryFake:
    users = tmp_path / "ntlm-users"
    users.write_text(f"CORP:svc-estra:{SECRET}\n")
    monkeypatch.setenv("NTLM_USER_FILE", str(users))
    return memory_certsrv(tmp_path / "ntlm", auth="ntlm", epa=True)


def test_ntlm_with_channel_binding(ntlm_fake: MemoryFake, tmp_path: Path) -> None:
    """A certsrv that refuses Basic and requires NTLM with Extended Protection: Basic
    is the RA's misconfiguration (502), NTLM without a channel binding is refused
    (502), NTLM with it enrolls; the handshake authenticates one connection, which
    later requests reuse."""
    d = tmp_path / "ntlm"
    user = f"username = '{USER}'\npassword = '{SECRET}'\n"
    ra = MemoryServer(
        win_config(ntlm_fake, d, "ntlm", user + 'auth = "ntlm"')
        + win_config(ntlm_fake, d, "basic", user)
        + win_config(ntlm_fake, d, "nocbt", user + 'auth = "ntlm"\nchannel_binding = false')
        + '[profiles.default]\nupstream = "ntlm"\n[profiles.basic]\nupstream = "basic"\n'
        + '[profiles.nocbt]\nupstream = "nocbt"\n', tmp_path, upstreams=ntlm_fake.upstreams())
    status, _, body = enroll(ra, "basic/simpleenroll", new_csr(tmp_path, "w1"))
    assert status == 502 and b"rejected the RA's credentials (401)" in body, body
    status, _, body = enroll(ra, "nocbt/simpleenroll", new_csr(tmp_path, "w2"))
    assert status == 502, body
    assert any("BadBindings" in r for r in ntlm_fake.state["refusals"])
    for cn in ("w3", "w4"):
        status, _, body = enroll(ra, "simpleenroll", new_csr(tmp_path, cn))
        assert status == 200, body
        verify_answer(d, body)
    assert ntlm_fake.state["submissions"] == 2
    # one handshake (at start, fetching the chain) authenticated the connection that
    # every later request of the upstream rode on
    assert ntlm_fake.state["handshakes"] == ["CORP\\svc-estra"]
    ra.stop()


def test_client_certificate(tmp_path: Path) -> None:
    """A certsrv that requires a TLS client certificate mapped to the RA's account
    (auth = "certificate"): the RA sends its certificate and no Authorization header,
    and enrolls; without client_cert the configuration is refused at start."""
    d = tmp_path / "certauth"
    d.mkdir()
    ra_ca = pki.CA("Corp RA CA")
    key = pki.ec_key()
    cert = ra_ca.issue(pki.name("svc-estra"), key.public_key(),
                       ekus=[x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH])
    client, client_key = pki.write_pair(d, "ra-client", cert, key)
    fake = memory_certsrv(d, require_client_cert=ra_ca.write(d, "ra-ca"), auth="certificate")
    ra = MemoryServer(win_config(fake, d, "cert", f'auth = "certificate"\n'
                                 f'client_cert = "{client}"\nclient_key = "{client_key}"')
                      + '[profiles.default]\nupstream = "cert"\n', tmp_path,
                      upstreams=fake.upstreams())
    status, _, body = enroll(ra, "simpleenroll", new_csr(tmp_path, "c1"))
    assert status == 200, body
    verify_answer(d, body)
    assert fake.state["handshakes"] and set(fake.state["handshakes"]) == {"svc-estra"}
    assert fake.state["refusals"] == []
    ra.stop()
    from twisted.internet import reactor

    from estra.config import ConfigError, Upstream
    from estra.upstream import adcs
    options = {"template": "EstDevice", "chain_refresh": 3600, "auth": "certificate",
               "keytab": "", "ccache": "", "spn_host": "", "channel_binding": True}
    with pytest.raises(ConfigError, match='auth = "certificate" needs client_cert'):
        adcs.from_config(reactor, Upstream("cert", "adcs", "https://ca.test/certsrv",
                                           options=options), time.time)


@pytest.fixture(scope="module")
def realm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from tests.kdc import Realm
    r = Realm.start(tmp_path_factory.mktemp("kdc"), ("HTTP/localhost", "svc-estra"))
    yield r
    r.stop()


@pytest.fixture
def kerberos_fake(realm: Any, tmp_path: Path,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    monkeypatch.setenv("KRB5_CONFIG", str(realm.krb5_conf))
    monkeypatch.setenv("KRB5_KTNAME", str(realm.keytab("HTTP/localhost")))
    monkeypatch.setenv("KRB5CCNAME", f"FILE:{tmp_path / 'ra-ccache'}")
    yield from certsrv(tmp_path / "krb", auth="negotiate", epa=True)


def test_negotiate_kerberos(kerberos_fake: FakeServer, realm: Any,
                            start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """Negotiate against a real MIT KDC: the RA authenticates as svc-estra from a keytab,
    or from a credential cache made by kinit, with the channel binding EPA requires."""
    d = tmp_path / "krb"
    keytab = realm.keytab("svc-estra")
    ccache = tmp_path / "kinit-ccache"
    subprocess.run(["kinit", "-k", "-t", str(keytab), "-c", str(ccache), "svc-estra"],
                   env=realm.env, check=True, timeout=30)
    ra = start_estra(
        win_config(kerberos_fake, d, "keytab", f'auth = "negotiate"\nkeytab = "{keytab}"\n'
                   f"username = 'svc-estra@{realm.name}'")
        + win_config(kerberos_fake, d, "ccache", f'auth = "negotiate"\nccache = "{ccache}"')
        + win_config(kerberos_fake, d, "nocbt", f'auth = "negotiate"\nccache = "{ccache}"\n'
                     "channel_binding = false")
        + '[profiles.default]\nupstream = "keytab"\n[profiles.ccache]\nupstream = "ccache"\n'
        + '[profiles.nocbt]\nupstream = "nocbt"\n')
    ra.add_user("alice")
    status, _, body = enroll(ra, "nocbt/simpleenroll", new_csr(tmp_path, "k0"))
    assert status == 502, body
    for path, cn in (("simpleenroll", "k1"), ("ccache/simpleenroll", "k2")):
        status, _, body = enroll(ra, path, new_csr(tmp_path, cn))
        assert status == 200, body
        verify_answer(d, body)
    assert set(kerberos_fake.state["handshakes"]) == {f"svc-estra@{realm.name}"}


def test_migration_adds_upstream_requests(tmp_path: Path) -> None:
    """A store made by the previous schema migrates: its rows stay, and the new table
    takes held request ids (the store methods are used by the restart test above)."""
    from twisted.python.filepath import FilePath

    from estra.store.database import MIGRATIONS, SQLITE, _migrate, open_store, run_blocking
    db = sqlite3.connect(tmp_path / "estra.db")
    cursor = db.cursor()
    _migrate(cursor, SQLITE, upto=next(i for i, steps in enumerate(MIGRATIONS)
                                       if any("upstream_requests" in str(s) for s in steps)))
    cursor.execute("INSERT INTO audit (at, kind, identity, detail) VALUES (1, 'x', 'y', '{}')")
    db.commit()
    db.close()
    store = open_store("", FilePath(str(tmp_path)), lambda: 1000.0)
    assert run_blocking(store, _migrate) == len(MIGRATIONS)
    assert run_blocking(store, lambda c, d: c.execute(
        "SELECT COUNT(*) FROM audit").fetchone()[0]) == 1
    assert run_blocking(store, lambda c, d: c.execute(
        "INSERT INTO upstream_requests VALUES ('corp', 'k', '7', 1) RETURNING request_id"
    ).fetchone()[0]) == "7"


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_certcarc_read_by_structure(lang: str) -> None:
    """certcarc.asp's renewal index is read from its script in any UI language; a page
    without one (an error page, a login page) is no index."""
    from estra.upstream.adcs import renewals
    assert renewals(certcarc_page(lang, CA_NAME, 3).decode()) == 3
    assert renewals(error_page("0x80070057").decode()) is None
