"""EST as devices see it.  The classic openssl + curl recipe, chunked bodies and HTTP/1.0
run against a real `twistd estra` over loopback TLS with curl; the rest (errors, labels,
re-enrollment, body encodings, layouts) on the in-memory RA (estra.testing, the same
wiring), through `MemoryCurl`, which answers the curl command lines those tests give."""

from __future__ import annotations

import base64
import datetime
import subprocess
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7

from estra.testing import DeviceTLS, LogLines, MemoryRA
from tests import pki
from tests.conftest import PASSWORD, Server, parse_http

PKCS10 = ("-H", "Content-Type: application/pkcs10")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """One estra with several profiles, a manufacturer (IDevID) CA and users."""
    base = tmp_path_factory.mktemp("est")
    idevid_ca = pki.CA("Manufacturer IDevID CA")
    idevid_path = idevid_ca.write(base, "idevid-ca")
    # These tests mint re-enrollment certificates with the CA key directly (to
    # cover expiry), so "only certificates this RA enrolled" is off here, such
    # unrecorded certificates are accepted (accept_issued_from = "*"), and both
    # are tested in test_policy.py.
    config = f"""
[tls]
client_trust = ["{idevid_path}"]

[profiles.default]
reenroll_only_ours = false
accept_issued_from = ["*"]

[profiles.cb]
require_channel_binding = true

[profiles.attrs]
csrattrs = ["1.2.840.113549.1.9.7", {{ oid = "1.2.840.10045.2.1", values = ["1.3.132.0.34"] }}]

[profiles.grace]
reenroll_grace = 3600
reenroll_only_ours = false
accept_issued_from = ["*"]

[profiles.wrapped]
base64_layout = "wrapped"

[profiles.oneline]
base64_layout = "single-line"
"""
    (base / "srv").mkdir()
    server = Server(base / "srv", config)
    server.add_user("alice")
    logged = LogLines().start()
    memory = MemoryCurl(config, base / "memory")
    yield {"server": server, "idevid_ca": idevid_ca, "dir": base, "memory": memory}
    log = server.stop() + logged.stop()
    assert PASSWORD not in log, "a password reached the log"


@pytest.fixture
def server(world: dict[str, object]) -> Iterator[Server]:
    s = world["server"]
    assert isinstance(s, Server)
    yield s
    assert s.alive(), "estra died:\n" + s.log.read_text()


class MemoryCurl:
    """The in-memory RA of `config` with user alice, driven by the curl arguments the
    tests below give (`-sS -i`: the answer as curl prints it); no process, no socket."""

    port = 443

    def __init__(self, config: str, where: Path) -> None:
        self.ra = MemoryRA(config, state_dir=str(where))
        self.ra.add_user("alice", PASSWORD)
        self.ca = Path(self.ra.settings.state_dir.path) / "ca.pem"

    def ca_signer(self) -> pki.CA:
        return pki.CA("estra CA", self.ra.ca.key, self.ra.ca.cert)

    def alive(self) -> bool:
        return True

    def curl(self, path: str, *args: str) -> subprocess.CompletedProcess[bytes]:
        """What `curl -sS -i URL args` would print: --user, --data-binary @file (POST,
        curl's default Content-Type unless -H sets or removes it), -H, --cert/--key."""
        url = urlsplit(path) if path.startswith("https:") else None
        target = url.path if url else f"/.well-known/est/{path}"
        headers: dict[str, str] = {}
        body: bytes | None = None
        kw: dict[str, Any] = {}
        options = iter(args)
        for option in options:
            value = next(options)
            if option == "--user":
                kw["user"] = tuple(value.split(":", 1))
            elif option == "--data-binary":
                body = Path(value[1:]).read_bytes()
            elif option == "-H":
                name, _, text = value.partition(":")
                headers[name.strip()] = text.strip()
            elif option == "--cert":
                kw["tls"] = DeviceTLS(tuple(x509.load_pem_x509_certificates(
                    Path(value).read_bytes())))
            elif option != "--key":               # the key is the TLS stack's business
                raise ValueError(f"MemoryCurl does not know {option}")
        if body is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if headers.get("Content-Type") == "":       # curl -H "Name:" removes a header
            del headers["Content-Type"]
        headers.setdefault("User-Agent", "curl/8")
        reply = self.ra.request("GET" if body is None else "POST", target, body or b"",
                                headers=headers, **kw)
        head = f"HTTP/1.1 {reply.code} -\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in reply.headers.items())
        return subprocess.CompletedProcess([], 0, head.encode() + b"\r\n" + reply.body, b"")


@pytest.fixture
def memory(world: dict[str, object]) -> MemoryCurl:
    m = world["memory"]
    assert isinstance(m, MemoryCurl)
    return m


def enroll(server: Server | MemoryCurl, body: bytes, tmp: Path, *args: str,
           path: str = "simpleenroll") -> tuple[int, dict[str, str], bytes]:
    req = tmp / "req.b64"
    req.write_bytes(body)
    done = server.curl(path, "--data-binary", f"@{req}", *args)
    assert done.returncode == 0, done.stderr
    return parse_http(done.stdout)


def issued(body: bytes) -> list[x509.Certificate]:
    return pkcs7.load_der_pkcs7_certificates(base64.b64decode(body))


def basic(user: str = "alice", password: str = PASSWORD) -> tuple[str, str]:
    return ("--user", f"{user}:{password}")


def run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[bytes]:
    done: subprocess.CompletedProcess[bytes] = subprocess.run(  # type: ignore[call-overload]
        cmd, capture_output=True, timeout=60, check=True, **kw)
    return done


class TestOverRealHttp:
    def test_chunked_request_body(self, server: Server, tmp_path: Path) -> None:
        """A chunked request body is read whole."""
        status, _, resp = enroll(server, pki.b64(pki.csr(pki.ec_key(), pki.name("chunk"))),
                                 tmp_path, *basic(), *PKCS10,
                                 "-H", "Transfer-Encoding: chunked")
        assert status == 200, resp

    def test_http10_client_gets_http11_status_line(self, server: Server) -> None:
        """Responses always carry an HTTP/1.1 status line and Content-Length."""
        done = server.curl("cacerts", "--http1.0")
        assert done.stdout.startswith(b"HTTP/1.1 200")
        assert parse_http(done.stdout)[1]["content-length"]


class TestClassicRecipe:
    def test_openssl_curl_enroll_then_reenroll(self, server: Server, tmp_path: Path) -> None:
        """openssl req -> base64 -> curl simpleenroll -> openssl verify; then
        re-enroll with curl --cert/--key using the issued certificate."""
        key, req = tmp_path / "dev.key", tmp_path / "req.b64"
        csr = run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                   "ec_paramgen_curve:P-256", "-nodes", "-keyout", str(key),
                   "-subj", "/CN=device-7", "-outform", "DER"]).stdout
        req.write_bytes(run(["openssl", "base64"], input=csr).stdout)
        done = server.curl("simpleenroll", "--user", f"alice:{PASSWORD}",
                           "--data-binary", f"@{req}", *PKCS10, "-o", str(tmp_path / "resp"),
                           "-D", str(tmp_path / "hdr"))
        assert done.returncode == 0, done.stderr
        headers = (tmp_path / "hdr").read_text()
        assert headers.startswith("HTTP/1.1 200")
        assert "application/pkcs7-mime; smime-type=certs-only" in headers
        assert "Content-Length:" in headers and "chunked" not in headers
        raw = (tmp_path / "resp").read_bytes()
        assert max(len(line) for line in raw.splitlines()) <= 64
        der = run(["openssl", "base64", "-d"], input=raw).stdout
        pem = run(["openssl", "pkcs7", "-inform", "DER", "-print_certs"], input=der).stdout
        cert = tmp_path / "dev.pem"
        cert.write_bytes(pem)
        verify = run(["openssl", "verify", "-CAfile", str(server.ca), str(cert)])
        assert verify.stdout.strip().endswith(b"OK")
        subject = run(["openssl", "x509", "-in", str(cert), "-noout", "-subject"]).stdout
        assert b"CN = device-7" in subject

        done = server.curl("simplereenroll", "--cert", str(cert), "--key", str(key),
                           "--data-binary", f"@{req}", *PKCS10)
        status, _, body = parse_http(done.stdout)
        assert status == 200, body
        renewed = issued(body)[0]
        assert renewed.subject.rfc4514_string() == "CN=device-7"
        assert renewed.serial_number != x509.load_pem_x509_certificate(pem).serial_number

    def test_cacerts_is_the_trust_anchor(self, server: Server) -> None:
        """cacerts returns application/pkcs7-mime holding the CA in ca.pem."""
        status, headers, body = parse_http(server.curl("cacerts").stdout)
        assert status == 200
        assert headers["content-type"] == "application/pkcs7-mime"
        assert headers["content-transfer-encoding"] == "base64"
        assert int(headers["content-length"]) == len(body)
        assert issued(body) == [x509.load_pem_x509_certificate(server.ca.read_bytes())]

    def test_challenge_then_credentials(self, server: Server, tmp_path: Path) -> None:
        """A client that sends Basic only after a 401 (like BC and libest) enrolls."""
        key = pki.ec_key()
        status, headers, body = enroll(server, pki.b64(pki.csr(key, pki.name("late"))),
                                       tmp_path, *basic(), "--anyauth", *PKCS10)
        assert status == 200, body
        assert issued(body)[0].subject == pki.name("late")


class TestInputTolerance:
    @pytest.fixture
    def server(self, memory: MemoryCurl) -> MemoryCurl:
        return memory

    @pytest.mark.parametrize("encoding", ["wrapped", "one-line", "pem", "der", "crlf"])
    def test_body_encodings(self, server: MemoryCurl, tmp_path: Path, encoding: str) -> None:
        """base64 with or without breaks, CRLF, PEM and DER bodies are all accepted."""
        req = pki.csr(pki.ec_key(), pki.name(f"enc-{encoding}"))
        body = {"wrapped": pki.b64(req), "one-line": pki.b64(req, wrap=False),
                "pem": req.public_bytes(pki.PEM), "der": pki.der(req),
                "crlf": pki.b64(req).replace(b"\n", b"\r\n")}[encoding]
        status, _, resp = enroll(server, body, tmp_path, *basic(),
                                 "-H", "Content-Transfer-Encoding: base64", *PKCS10)
        assert status == 200, resp
        assert issued(resp)[0].subject == pki.name(f"enc-{encoding}")

    @pytest.mark.parametrize("ctype", ["application/pkcs10", "Application/PKCS10; charset=utf-8",
                                       "application/x-www-form-urlencoded", None])
    def test_content_types_tolerated(self, server: MemoryCurl, tmp_path: Path,
                                     ctype: str | None) -> None:
        """Case, parameters, curl's default and a missing Content-Type are accepted."""
        args = ("-H", f"Content-Type: {ctype}") if ctype else ("-H", "Content-Type:")
        status, _, resp = enroll(server, pki.b64(pki.csr(pki.ec_key(), pki.name("ct"))),
                                 tmp_path, *basic(), *args)
        assert status == 200, resp

class TestErrors:
    @pytest.fixture
    def server(self, memory: MemoryCurl) -> MemoryCurl:
        return memory

    def expect(self, result: tuple[int, dict[str, str], bytes], status: int,
               text: str) -> dict[str, str]:
        code, headers, body = result
        assert code == status, body
        assert headers["content-type"].startswith("text/plain")
        assert text in body.decode(), body
        assert b"Traceback" not in body
        return headers

    def test_no_credentials(self, server: MemoryCurl, tmp_path: Path) -> None:
        """No credentials: 401 with the Basic challenge."""
        headers = self.expect(enroll(server, pki.b64(pki.csr(pki.ec_key(), pki.name("x"))),
                                     tmp_path, *PKCS10), 401, "authentication required")
        assert headers["www-authenticate"] == 'Basic realm="estra"'

    def test_wrong_password(self, server: MemoryCurl, tmp_path: Path) -> None:
        """A wrong password or unknown user is 401, and says no more than that."""
        for user, password in (("alice", "nope"), ("mallory", PASSWORD)):
            self.expect(enroll(server, pki.b64(pki.csr(pki.ec_key(), pki.name("x"))),
                               tmp_path, *basic(user, password), *PKCS10),
                        401, "wrong user name or password")

    def test_untrusted_client_certificate(self, server: MemoryCurl, tmp_path: Path) -> None:
        """A client certificate from an unknown CA does not authenticate (401)."""
        rogue = pki.CA("Rogue CA")
        key = pki.ec_key()
        cert, keyfile = pki.write_pair(tmp_path, "rogue",
                                       rogue.issue(pki.name("r"), key.public_key()), key)
        self.expect(enroll(server, pki.b64(pki.csr(key, pki.name("r"))), tmp_path,
                           "--cert", str(cert), "--key", str(keyfile), *PKCS10),
                    401, "not trusted")

    def test_garbage_base64(self, server: MemoryCurl, tmp_path: Path) -> None:
        """A body that is not base64/PEM/DER is 400."""
        self.expect(enroll(server, b"this is %%% not base64", tmp_path, *basic(), *PKCS10),
                    400, "neither base64")

    def test_base64_of_not_a_csr(self, server: MemoryCurl, tmp_path: Path) -> None:
        """Valid base64 that is not a PKCS#10 request is 400."""
        self.expect(enroll(server, base64.b64encode(b"\x30\x03\x02\x01\x01"), tmp_path,
                           *basic(), *PKCS10), 400, "not a PKCS#10")

    def test_bad_signature(self, server: MemoryCurl, tmp_path: Path) -> None:
        """A CSR whose signature does not verify (no proof of possession) is 400."""
        der = pki.der(pki.csr(pki.ec_key(), pki.name("pop")))
        tampered = der[:-1] + bytes([der[-1] ^ 1])   # still DER, signature now wrong
        self.expect(enroll(server, base64.b64encode(tampered), tmp_path, *basic(), *PKCS10),
                    400, "CSR signature")

    def test_oversized_body(self, server: MemoryCurl, tmp_path: Path) -> None:
        """A body over 64 KiB is 413, and the server keeps serving."""
        self.expect(enroll(server, b"A" * (70 * 1024), tmp_path, *basic(), *PKCS10),
                    413, "limit")
        assert parse_http(server.curl("cacerts").stdout)[0] == 200

    def test_json_is_415(self, server: MemoryCurl, tmp_path: Path) -> None:
        """A Content-Type that is clearly not EST is 415."""
        self.expect(enroll(server, b"{}", tmp_path, *basic(),
                           "-H", "Content-Type: application/json"), 415, "not an EST body")

    @pytest.mark.parametrize("path", ["nosuchlabel/simpleenroll", "nosuchop",
                                      "simpleenroll/extra", "cb/nosuchop"])
    def test_unknown_paths_404(self, server: MemoryCurl, path: str) -> None:
        """Unknown labels and operations are 404."""
        self.expect(parse_http(server.curl(path).stdout), 404, "")

    def test_not_est_path_404(self, server: MemoryCurl) -> None:
        self.expect(parse_http(server.curl(f"https://localhost:{server.port}/").stdout), 404, "")

    def test_wrong_method_405(self, server: MemoryCurl, tmp_path: Path) -> None:
        """GET on simpleenroll and POST on cacerts are 405 with Allow."""
        headers = self.expect(parse_http(server.curl("simpleenroll").stdout), 405, "POST")
        assert headers["allow"] == "POST"
        headers = self.expect(enroll(server, b"x", tmp_path, path="cacerts"), 405, "GET")
        assert headers["allow"] == "GET"

    def test_serverkeygen_bad_body_400(self, server: MemoryCurl, tmp_path: Path) -> None:
        """serverkeygen checks its CSR like simpleenroll does."""
        self.expect(enroll(server, b"x", tmp_path, *basic(), path="serverkeygen"), 400, "")


class TestLabels:
    @pytest.fixture
    def server(self, memory: MemoryCurl) -> MemoryCurl:
        return memory

    def test_label_serves_its_profile(self, server: MemoryCurl) -> None:
        """A label's csrattrs come from that profile; the default has none (204)."""
        status, headers, body = parse_http(server.curl("attrs/csrattrs").stdout)
        assert status == 200
        assert headers["content-type"] == "application/csrattrs"
        parsed = run(["openssl", "asn1parse", "-inform", "DER"],
                     input=base64.b64decode(body)).stdout.decode()
        assert "challengePassword" in parsed and "secp384r1" in parsed
        status, headers, _ = parse_http(server.curl("csrattrs").stdout)
        assert status == 204 and "content-length" not in headers

    def test_label_enrolls(self, server: MemoryCurl, tmp_path: Path) -> None:
        status, _, body = enroll(server, pki.b64(pki.csr(pki.ec_key(), pki.name("lbl"))),
                                 tmp_path, *basic(), *PKCS10, path="attrs/simpleenroll")
        assert status == 200, body


class TestReenroll:
    @pytest.fixture
    def server(self, memory: MemoryCurl) -> MemoryCurl:
        return memory

    def device(self, server: MemoryCurl, tmp: Path, subject: str, alt: tuple[str, ...] = (),
               not_after: datetime.datetime | None = None) -> tuple[object, Path, Path]:
        """A key and a certificate for it issued by the RA's own CA."""
        key = pki.ec_key()
        cert = server.ca_signer().issue(pki.name(subject), key.public_key(), pki.sans(*alt),
                                        not_before=pki.NOW - datetime.timedelta(days=2),
                                        not_after=not_after)
        c, k = pki.write_pair(tmp, subject, cert, key)
        return key, c, k

    def reenroll(self, server: MemoryCurl, tmp: Path, cert: Path, key: Path,
                 req: x509.CertificateSigningRequest,
                 label: str = "") -> tuple[int, dict[str, str], bytes]:
        path = f"{label}/simplereenroll" if label else "simplereenroll"
        return enroll(server, pki.b64(req), tmp, "--cert", str(cert), "--key", str(key),
                      *PKCS10, path=path)

    def test_same_subject_and_san(self, server: MemoryCurl, tmp_path: Path) -> None:
        """Re-enrolling with the certificate's subject and SAN (and a new key) works."""
        key, cert, keyfile = self.device(server, tmp_path, "r1", ("r1.example", "10.0.0.1"))
        req = pki.csr(pki.ec_key(), pki.name("r1"), pki.sans("r1.example", "10.0.0.1"))
        status, _, body = self.reenroll(server, tmp_path, cert, keyfile, req)
        assert status == 200, body
        assert pki.sans("r1.example", "10.0.0.1") == list(
            issued(body)[0].extensions.get_extension_for_class(x509.SubjectAlternativeName).value)

    def test_changed_subject_403(self, server: MemoryCurl, tmp_path: Path) -> None:
        key, cert, keyfile = self.device(server, tmp_path, "r2")
        status, headers, body = self.reenroll(server, tmp_path, cert, keyfile,
                                              pki.csr(key, pki.name("someone-else")))
        assert status == 403 and b"reenroll-subject" in body

    def test_changed_san_403(self, server: MemoryCurl, tmp_path: Path) -> None:
        key, cert, keyfile = self.device(server, tmp_path, "r3", ("r3.example",))
        status, _, body = self.reenroll(server, tmp_path, cert, keyfile,
                                        pki.csr(key, pki.name("r3"), pki.sans("evil.example")))
        assert status == 403 and b"reenroll-san" in body

    def test_basic_cannot_reenroll(self, server: MemoryCurl, tmp_path: Path) -> None:
        status, _, body = enroll(server, pki.b64(pki.csr(pki.ec_key(), pki.name("b"))),
                                 tmp_path, *basic(), *PKCS10, path="simplereenroll")
        assert status == 403 and b"reenroll-certificate" in body

    def test_expired_within_grace(self, server: MemoryCurl, tmp_path: Path) -> None:
        """An expired certificate re-enrolls within the profile's grace, not after it."""
        # The embedded CA is backdated 5 min from the server's start; pki.NOW (import time)
        # may be older than that when the whole suite runs, so count from now.
        expired = (datetime.datetime.now(datetime.timezone.utc)
                   - datetime.timedelta(minutes=2))
        key, cert, keyfile = self.device(server, tmp_path, "r4", not_after=expired)
        req = pki.csr(key, pki.name("r4"))
        status, _, body = self.reenroll(server, tmp_path, cert, keyfile, req, label="grace")
        assert status == 200, body
        status, _, body = self.reenroll(server, tmp_path, cert, keyfile, req)
        assert status == 401 and b"grace" in body
        status, _, body = enroll(server, pki.b64(req), tmp_path, "--cert", str(cert),
                                 "--key", str(keyfile), *PKCS10, path="grace/simpleenroll")
        assert status == 403 and b"expired-certificate" in body

    def test_idevid_enrolls_but_cannot_reenroll(self, server: MemoryCurl, world: dict[str, object],
                                                tmp_path: Path) -> None:
        """A manufacturer certificate from the bootstrap store may enroll, not re-enroll."""
        ca = world["idevid_ca"]
        assert isinstance(ca, pki.CA)
        key = pki.ec_key()
        idevid = ca.issue(pki.name("sensor", serial="SN123"), key.public_key())
        cert, keyfile = pki.write_pair(tmp_path, "idevid", idevid, key)
        req = pki.b64(pki.csr(pki.ec_key(), pki.name("sensor")))
        status, _, body = enroll(server, req, tmp_path, "--cert", str(cert), "--key", str(keyfile),
                                 *PKCS10)
        assert status == 200, body
        status, _, body = enroll(server, req, tmp_path, "--cert", str(cert), "--key", str(keyfile),
                                 *PKCS10, path="simplereenroll")
        assert status == 403


class TestLayout:
    @pytest.fixture
    def server(self, memory: MemoryCurl) -> MemoryCurl:
        return memory

    def test_profile_overrides(self, server: MemoryCurl, tmp_path: Path) -> None:
        """wrapped/single-line profiles force the layout whatever the client sends."""
        one = pki.b64(pki.csr(pki.ec_key(), pki.name("l1")), wrap=False)
        _, _, body = enroll(server, one, tmp_path, *basic(), *PKCS10, path="wrapped/simpleenroll")
        assert max(len(x) for x in body.splitlines()) == 64
        _, _, body = enroll(server, pki.b64(pki.csr(pki.ec_key(), pki.name("l2"))), tmp_path,
                            *basic(), *PKCS10, path="oneline/simpleenroll")
        assert len(body.strip().splitlines()) == 1

    def test_auto_mirrors_request(self, server: MemoryCurl, tmp_path: Path) -> None:
        """In auto mode a one-line request gets a one-line answer, a wrapped one 64 columns."""
        _, _, body = enroll(server, pki.b64(pki.csr(pki.ec_key(), pki.name("m1")), wrap=False),
                            tmp_path, *basic(), *PKCS10)
        assert len(body.strip().splitlines()) == 1
        _, _, body = enroll(server, pki.b64(pki.csr(pki.ec_key(), pki.name("m2"))),
                            tmp_path, *basic(), *PKCS10)
        assert max(len(x) for x in body.splitlines()) == 64
