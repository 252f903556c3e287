"""The revocation listener of a real twistd against real peers (issue #17, finding 3):
curl with a body over the limit and odd methods, `openssl ocsp` with a nonce longer
than RFC 8954 allows; the log gets no traceback and no error."""

from __future__ import annotations

import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp

from tests.conftest import Server


def curl(port: int, path: str, *args: str) -> tuple[int, str, bytes]:
    """(status, headers, body) of one curl request to the revocation listener."""
    done = subprocess.run(["curl", "-sS", "-D", "-", "-o", "-", *args,
                           f"http://127.0.0.1:{port}{path}"], capture_output=True, timeout=30)
    head, _, body = done.stdout.partition(b"\r\n\r\n")
    return int(head.split()[1]), head.decode("latin-1").lower(), body


def test_oversize_body_and_methods_with_curl(crl_server: Server, crl_port: int,
                                             tmp_path: Path) -> None:
    """curl POSTing 70 KB to /ocsp gets 413 text/plain; PUT/OPTIONS/TRACE on the OCSP
    and CRL paths get 405 text/plain with Allow (not Twisted's HTML "501 Huh?")."""
    big = tmp_path / "big.der"
    big.write_bytes(b"0" * 70_000)
    status, headers, body = curl(crl_port, "/ocsp", "--data-binary", f"@{big}", "-H",
                                 "Content-Type: application/ocsp-request")
    assert (status, "content-type: text/plain" in headers) == (413, True), (headers, body)
    for method in ("PUT", "OPTIONS", "TRACE"):
        for path, allow in (("/ocsp", "post, get, head"), ("/crl/ca.crl", "get, head")):
            status, headers, body = curl(crl_port, path, "-X", method)
            assert status == 405 and f"allow: {allow}" in headers, (method, path, headers)
            assert b"<html" not in body
    log = crl_server.log.read_text(errors="replace")
    assert "Traceback" not in log and "[crl#error]" not in log and "Huh" not in log, log


def test_openssl_long_nonce_is_malformed(crl_server: Server, crl_port: int,
                                         tmp_path: Path) -> None:
    """`openssl ocsp -reqin` with a 40-byte nonce gets malformedRequest and no echo; the
    same request with a 16-byte nonce is answered, its nonce echoed."""
    ca = x509.load_pem_x509_certificate(crl_server.ca.read_bytes())
    for size, expected in ((40, "malformedrequest"), (16, "Status: successful")):
        request = tmp_path / f"req-{size}.der"
        request.write_bytes(ocsp.OCSPRequestBuilder().add_certificate(ca, ca, hashes.SHA1())
                            .add_extension(x509.OCSPNonce(b"n" * size), False).build()
                            .public_bytes(Encoding.DER))
        done = subprocess.run(["openssl", "ocsp", "-reqin", str(request), "-CAfile",
                               str(crl_server.ca), "-url", f"http://127.0.0.1:{crl_port}/ocsp",
                               "-resp_text"], capture_output=True, text=True, timeout=30)
        out = done.stdout + done.stderr
        assert expected in out, out
        assert ("6E" * size in out.replace(":", "").upper()) == (size == 16), out
    log = crl_server.log.read_text(errors="replace")
    assert "Traceback" not in log and "error" not in log.lower().replace(
        "malformedrequest", ""), log
