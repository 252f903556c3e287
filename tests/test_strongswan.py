"""strongSwan's `pki --estca/--est` (a real EST client) against a running `twistd estra`.

strongSwan 5.9's pki speaks TLS 1.2, sends Basic without waiting for a 401,
cannot decode base64 with line breaks, and builds every request path as
`<path of --url>/.well-known/est/<operation>`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests import pki
from tests.conftest import PASSWORD, Server, parse_http
from tests.strongswan import USERPASS, StrongSwan, run

@pytest.fixture
def server(start_estra: Callable[..., Server]) -> Iterator[Server]:
    """A default estra with user alice."""
    s = start_estra()
    s.add_user("alice")
    yield s
    assert s.alive(), "estra died:\n" + s.log.read_text()


def url(server: Server, path: str = "") -> str:
    return f"https://localhost:{server.port}{path}"


def sans_of(cert: x509.Certificate) -> list[x509.GeneralName]:
    return list(cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)


def ca_cert(server: Server) -> x509.Certificate:
    return x509.load_pem_x509_certificate(server.ca.read_bytes())


def test_estca_writes_the_trust_anchor(server: Server, sw: StrongSwan) -> None:
    """pki --estca writes exactly one file, <caout>.der, holding the CA in ca.pem."""
    done = sw.estca(url(server), server)
    assert done.returncode == 0, done.stderr.decode()
    assert sorted(p.name for p in sw.dir.glob("ca*")) == ["ca.der"]
    assert x509.load_der_x509_certificate((sw.dir / "ca.der").read_bytes()) == ca_cert(server)


def test_enroll_with_basic(server: Server, sw: StrongSwan) -> None:
    """pki --est --userpass gets a certificate for its key, subject and SAN; openssl verifies it."""
    key, _, cert = sw.enroll(server, "dev", "CN=sw-dev", "sw-dev.example", "10.1.2.3")
    assert cert.subject == pki.name("sw-dev")
    assert sans_of(cert) == pki.sans("sw-dev.example", "10.1.2.3")
    private = serialization.load_der_private_key(key.read_bytes(), None)
    assert private.public_key() == cert.public_key()
    pem = sw.dir / "dev.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    assert run(["openssl", "verify", "-CAfile", str(server.ca), str(pem)]).strip().endswith(b"OK")


def test_reenroll_with_issued_certificate(server: Server, sw: StrongSwan) -> None:
    """pki --est --cert/--key renews with the same names and a new key; a changed subject is 403."""
    old_key, old_cert, old = sw.enroll(server, "old", "CN=sw-renew", "sw-renew.example")
    _, req = sw.request("new", "CN=sw-renew", "sw-renew.example")
    done = sw.est(url(server), server, req, "--cert", str(old_cert), "--key", str(old_key))
    assert done.returncode == 0, done.stderr.decode()
    new = x509.load_der_x509_certificate(done.stdout)
    assert (new.subject, sans_of(new)) == (old.subject, sans_of(old))
    assert new.serial_number != old.serial_number and new.public_key() != old.public_key()

    _, req = sw.request("other", "CN=someone-else", "sw-renew.example")
    done = sw.est(url(server), server, req, "--cert", str(old_cert), "--key", str(old_key))
    assert done.returncode != 0 and done.stdout == b""
    assert b"HTTP 403" in done.stderr
    assert "reenroll-subject" in server.log.read_text()
    assert parse_http(server.curl("cacerts").stdout)[0] == 200


def test_openssl_and_strongswan_share_one_server(server: Server, sw: StrongSwan,
                                                 tmp_path: Path) -> None:
    """Auto layout: one server gives curl|openssl 64 columns and pki one line, both over
    1024 chars."""
    # The README's recipe: curl | openssl base64 -d | openssl pkcs7 -print_certs.
    cacerts = run(["curl", "-sS", "--cacert", str(server.ca), f"{server.base}/cacerts"])
    assert max(len(line) for line in cacerts.splitlines()) == 64
    pem = run(["openssl", "pkcs7", "-inform", "DER", "-print_certs"],
              run(["openssl", "base64", "-d"], cacerts))
    assert x509.load_pem_x509_certificates(pem) == [ca_cert(server)]

    # An RSA-3072 certificate makes the answer longer than OpenSSL's 1024-character line limit.
    csr = run(["openssl", "req", "-new", "-newkey", "rsa:3072", "-nodes", "-keyout",
               str(tmp_path / "curl.key"), "-subj", "/CN=curl-dev", "-outform", "DER"])
    (tmp_path / "req.b64").write_bytes(run(["openssl", "base64"], csr))   # 64 columns
    answer = run(["curl", "-sS", "--fail", "--cacert", str(server.ca),
                  "--user", f"alice:{PASSWORD}", "-H", "Content-Type: application/pkcs10",
                  "--data-binary", f"@{tmp_path / 'req.b64'}", f"{server.base}/simpleenroll"])
    assert len(b"".join(answer.split())) > 1024
    assert max(len(line) for line in answer.splitlines()) == 64
    der = run(["openssl", "base64", "-d"], answer)
    pem = run(["openssl", "pkcs7", "-inform", "DER", "-print_certs"], der)
    assert x509.load_pem_x509_certificates(pem)[0].subject == pki.name("curl-dev")
    one_line = b"".join(answer.split()) + b"\n"
    assert run(["openssl", "base64", "-d"], one_line) != der, "OpenSSL decoded a 1024+ char line"

    # strongSwan against the same server, with an answer as long.
    done = sw.estca(url(server), server)
    assert done.returncode == 0, done.stderr.decode()
    _, _, cert = sw.enroll(server, "big", "CN=sw-big", "sw-big.example", kind="rsa", size=3072)
    assert cert.subject == pki.name("sw-big")
    assert len(cert.public_bytes(serialization.Encoding.DER)) * 4 // 3 > 1024


def test_label_url_is_not_reachable(server: Server, sw: StrongSwan) -> None:
    """pki appends /.well-known/est/<op> to --url, so an RFC 7030 label URL becomes a 404."""
    done = sw.estca(url(server, "/.well-known/est/any"), server)
    assert done.returncode != 0 and b"HTTP 404" in done.stderr
    assert re.search(r"est - \[-\] 404 for - \(anonymous\) from \S+: .* "
                     r"\(GET /\.well-known/est/any/\.well-known/est/cacerts\)",
                     server.log.read_text())


def test_wrapped_profile_defeats_pki(start_estra: Callable[..., Server], sw: StrongSwan) -> None:
    """pki cannot parse answers from a base64_layout = "wrapped" profile; an auto one works."""
    server = start_estra('[profiles.wrapped]\nbase64_layout = "wrapped"\n\n'
                         '[profiles.auto]\nbase64_layout = "auto"\n')
    server.add_user("alice")
    _, req = sw.request("dev", "CN=sw-label")

    def label(name: str, op: str) -> str:
        # A trailing '?' turns what pki appends into a query string estra ignores.
        return url(server, f"/.well-known/est/{name}/{op}?")

    for name, works in (("auto", True), ("wrapped", False)):
        for done in (sw.estca(label(name, "cacerts"), server, caout=name),
                     sw.est(label(name, "simpleenroll"), server, req, *USERPASS)):
            assert (done.returncode == 0) is works, done.stderr.decode()
            if not works:
                assert b"could not parse" in done.stderr
    log = server.log.read_text()
    for op in ("cacerts", "simpleenroll"):   # estra answered every request, on the label's profile
        assert log.count(f"{op} [wrapped] 200") == log.count(f"{op} [auto] 200") == 1
    assert server.alive()
