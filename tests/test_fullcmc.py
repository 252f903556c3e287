"""/fullcmc (RFC 7030 4.3): Full PKI Requests in, signed Full PKI Responses out; on the
in-memory RA (estra.testing), the upstream relay between two estra processes."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path
from typing import Callable, Iterator

import pytest

from cryptography import x509

from estra.asn1 import cmc
from tests import pki
from tests.conftest import PASSWORD, Server, estra_behind_estra, parse_http
from tests.memory import MemoryServer

CMC_TYPE = "application/pkcs7-mime; smime-type=CMC-request"
CMC_REQUEST = ("-H", f"Content-Type: {CMC_TYPE}")
CONFIG = """
[profiles.ext]
extensions_required = ["2.5.29.17"]

[profiles.manual]
approval = "manual"

[profiles.nocmc]
fullcmc = false
"""


def send(server: Server, tmp: Path, path: str, der: bytes,
         *auth: str) -> tuple[int, dict[str, str], bytes]:
    body = tmp / "cmc.b64"
    body.write_bytes(base64.encodebytes(der))
    return parse_http(server.curl(path, *(auth or ("--user", f"alice:{PASSWORD}")),
                                  "--data-binary", f"@{body}", *CMC_REQUEST).stdout)


@pytest.fixture
def memory(tmp_path: Path) -> Iterator[MemoryServer]:
    m = MemoryServer(CONFIG, tmp_path)
    yield m
    m.stop()


def send_memory(server: MemoryServer, der: bytes, path: str = "fullcmc",
                anonymous: bool = False) -> tuple[int, dict[str, str], bytes]:
    """POST a CMC request (base64) to the in-memory RA as alice (or as nobody)."""
    return server.send(path, base64.encodebytes(der), CMC_TYPE,
                       user=None if anonymous else ("alice", PASSWORD))


def answer(status: int, headers: dict[str, str], body: bytes) -> cmc.CmcResponse:
    assert status == 200, body
    assert headers["content-type"] == "application/pkcs7-mime; smime-type=CMC-response"
    return cmc.read_response(base64.b64decode(body))


def test_enroll_signed_response(memory: MemoryServer, tmp_path: Path) -> None:
    """A PKCS#10 in a signed PKIData is issued; the response is signed by the RA and
    verifies with openssl cms against the CA."""
    server = memory
    key = pki.ec_key()
    request = cmc.build_request(pki.csr(key, pki.name("cmc-dev")), key, transaction_id=77)
    status, headers, body = send_memory(server, request)
    response = answer(status, headers, body)
    assert response.status == cmc.CMCStatus.success and response.verified
    issued = response.issued_for(key.public_key())
    assert issued is not None and issued.subject == pki.name("cmc-dev")
    (tmp_path / "resp.der").write_bytes(base64.b64decode(body))
    verify = subprocess.run(["openssl", "cms", "-verify", "-inform", "DER", "-in",
                             str(tmp_path / "resp.der"), "-CAfile", str(server.ca),
                             "-purpose", "any", "-out", "/dev/null"],
                            capture_output=True, timeout=30)
    assert verify.returncode == 0, verify.stderr
    rows = server.enrollments_json()
    assert '"operation": "fullcmc"' in rows


def test_failures_are_cmc_answers(memory: MemoryServer) -> None:
    """Policy refusal, bad signature, unparsable CMS and approval each get a CMC status,
    not an error page; a profile may switch fullcmc off (501)."""
    server = memory
    key = pki.ec_key()
    refused = answer(*send_memory(server, cmc.build_request(pki.csr(key, pki.name("x")), key),
                                  "ext/fullcmc"))
    assert refused.status == cmc.CMCStatus.failed
    assert refused.fail_info == cmc.CMCFailInfo.badRequest
    tampered = bytearray(cmc.build_request(pki.csr(key, pki.name("x")), key))
    tampered[-3] ^= 1
    bad = answer(*send_memory(server, bytes(tampered)))
    assert bad.status == cmc.CMCStatus.failed
    assert bad.fail_info == cmc.CMCFailInfo.badMessageCheck
    junk = answer(*send_memory(server, b"\x30\x03\x02\x01\x01"))
    assert junk.status == cmc.CMCStatus.failed
    held = answer(*send_memory(server, cmc.build_request(pki.csr(key, pki.name("h")), key),
                               "manual/fullcmc"))
    assert held.status == cmc.CMCStatus.pending
    status, _, body = send_memory(server, cmc.build_request(pki.csr(key, pki.name("x")), key),
                                  "nocmc/fullcmc")
    assert status == 501 and b"disabled" in body
    status, headers, _ = send_memory(server, b"x", anonymous=True)
    assert status == 401


def test_relayed_to_upstream_est(start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """With an EST upstream the RA wraps the signed request in its own (id-kp-cmcRA) and
    relays the upstream's CMC response; the certificate comes from the upstream CA."""
    upstream, ra = estra_behind_estra(start_estra, tmp_path)
    key = pki.ec_key()
    response = answer(*send(ra, tmp_path, "fullcmc",
                            cmc.build_request(pki.csr(key, pki.name("relayed")), key)))
    assert response.status == cmc.CMCStatus.success, response
    issued = response.issued_for(key.public_key())
    upstream_ca = x509.load_pem_x509_certificate(upstream.ca.read_bytes())
    assert issued is not None and issued.issuer == upstream_ca.subject
    issued.verify_directly_issued_by(upstream_ca)
