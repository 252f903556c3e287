"""Full CMC (RFC 5272 / RFC 7030 /fullcmc): the estra.asn1.cmc codec, no network.

* Full PKI Requests built as a client builds them, parsed back and verified:
  self-signed (signer = the CSR key, SubjectKeyIdentifier), with a certificate,
  RSA and EC; tampering, wrong keys and garbage;
* openssl signing a PKIData (also BER streamed) and estra.asn1.cmc verifying it;
* Full PKI Responses (success, failure, pending, unsigned), parsed back, and
  `openssl cms -verify` / `openssl asn1parse` reading them;
* an RA wrapping a device's request (cmsSequence), and the upstream reading both;
* Bouncy Castle (Debian's jars, when there) reading ours and writing one we read.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms as asn1_cms
from asn1crypto import core
from asn1crypto import csr as asn1_csr
from asn1crypto import keys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7

from estra.asn1 import cmc
from tests import pki
from tests.conftest import BC_JARS, missing

Status, Fail = cmc.CMCStatus, cmc.CMCFailInfo


def openssl(*args: str, stdin: bytes | None = None) -> bytes:
    done = subprocess.run(["openssl", *args], input=stdin, capture_output=True, timeout=30)
    assert done.returncode == 0, f"openssl {args[0]}: {done.stderr.decode()}"
    return done.stdout


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, 2048)


def device(key: Any = None, cn: str = "device 1") -> tuple[Any, x509.CertificateSigningRequest]:
    key = key or pki.ec_key()
    return key, pki.csr(key, pki.name(cn), pki.sans("dev1.example"))


@pytest.fixture(scope="module")
def ca() -> pki.CA:
    return pki.CA("CMC Test CA")


@pytest.fixture(scope="module")
def ra(ca: pki.CA) -> tuple[Any, x509.Certificate]:
    """The RA's EC key and certificate, issued by the CA."""
    key = pki.ec_key()
    return key, ca.issue(pki.name("estra RA"), key.public_key())


def write(path: Path, obj: Any) -> Path:
    if isinstance(obj, bytes):
        path.write_bytes(obj)
    else:
        path.write_bytes(obj.public_bytes(serialization.Encoding.PEM))
    return path


# -- requests -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["ec", "rsa"])
def test_self_signed_request_round_trip(kind: str) -> None:
    key, csr = device(rsa_key() if kind == "rsa" else None)
    der = cmc.build_request(csr, key, body_part_id=7, transaction_id=1234,
                            sender_nonce=b"nonce-0123456789")
    req = cmc.parse_request(der)
    assert req.verified and req.verify_error is None
    assert req.transaction_id == 1234 and req.sender_nonce == b"nonce-0123456789"
    assert [(r.body_part_id, pki.der(r.csr)) for r in req.requests] == [(7, pki.der(csr))]
    body_part_id, parsed = req.requests[0]            # a (bodyPartID, CSR) pair too
    assert body_part_id == 7 and parsed.subject == csr.subject
    assert req.signer is None and req.signer_csr == 7 and req.signer_issuer_serial is None
    assert req.signer_key_id == x509.SubjectKeyIdentifier.from_public_key(key.public_key()).digest
    assert req.certificates == () and req.unsupported == () and req.nested == ()
    assert {c.name for c in req.controls} == {"transaction_id", "sender_nonce"}
    assert req.control("sender_nonce") is not None and req.unknown_controls() == ()
    ids = [c.body_part_id for c in req.controls] + [7]
    assert len(set(ids)) == 3 and 0 not in ids
    assert req.der == der
    info = asn1_cms.ContentInfo.load(der)["content"]
    assert info["version"].native == "v3"
    assert info["encap_content_info"]["content_type"].dotted == cmc.ID_CCT_PKIDATA
    assert info["signer_infos"][0]["sid"].name == "subject_key_identifier"


def test_request_uses_the_csrs_subject_key_identifier() -> None:
    key = pki.ec_key()
    ski = b"\x42" * 20
    csr = (x509.CertificateSigningRequestBuilder().subject_name(pki.name("with ski"))
           .add_extension(x509.SubjectKeyIdentifier(ski), False).sign(key, hashes.SHA256()))
    req = cmc.parse_request(cmc.build_request(csr, key))
    assert req.signer_key_id == ski and req.verified and req.signer_csr == 1


def test_request_signed_with_a_certificate(ca: pki.CA, tmp_path: Path) -> None:
    """Re-enrolment: the existing certificate's key signs, named by issuer and serial."""
    old_key = pki.ec_key()
    old = ca.issue(pki.name("device 1"), old_key.public_key())
    key, csr = device()
    der = cmc.build_request(csr, old_key, old)
    req = cmc.parse_request(der)
    assert req.verified and req.signer == old and req.signer_csr is None
    assert req.certificates == (old,)
    assert req.signer_issuer_serial == (old.issuer.public_bytes(), old.serial_number)
    # openssl verifies it, chain and all, and hands back the PKIData
    out = tmp_path / "pkidata.der"
    openssl("cms", "-verify", "-inform", "DER", "-in", str(write(tmp_path / "req.der", der)),
            "-CAfile", str(write(tmp_path / "ca.pem", ca.cert)), "-purpose", "any",
            "-out", str(out))
    assert out.read_bytes() == req.pki_data
    # the certificate left out of the message: verified only with it `known`
    info = asn1_cms.ContentInfo.load(der)
    signed_data = info["content"].copy()
    signed_data["certificates"] = None
    bare = bytes(asn1_cms.ContentInfo({"content_type": "signed_data",
                                       "content": signed_data}).dump())
    unknown = cmc.parse_request(bare)
    assert len(bare) < len(der) and not unknown.verified and unknown.verify_error
    assert unknown.verify_error.fail_info == Fail.badCertId
    known = cmc.parse_request(bare, known=[ca.cert, old])
    assert known.verified and known.signer == old and known.certificates == ()


def test_openssl_verifies_a_self_signed_request(tmp_path: Path) -> None:
    """No certificate exists yet: a throw-away one with the key and its SKI stands in."""
    key, csr = device()
    der = cmc.build_request(csr, key)
    now = datetime.datetime.now(datetime.timezone.utc)
    stand_in = (x509.CertificateBuilder().subject_name(csr.subject).issuer_name(csr.subject)
                .public_key(key.public_key()).serial_number(1)
                .not_valid_before(now - datetime.timedelta(hours=1))
                .not_valid_after(now + datetime.timedelta(hours=1))
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
                .sign(key, hashes.SHA256()))
    openssl("cms", "-verify", "-noverify", "-inform", "DER",
            "-in", str(write(tmp_path / "req.der", der)),
            "-certfile", str(write(tmp_path / "c.pem", stand_in)), "-out", os.devnull)
    text = openssl("asn1parse", "-inform", "DER", "-in", str(tmp_path / "req.der")).decode()
    assert "id-cct-PKIData" in text and "ecdsa-with-SHA256" in text


@pytest.mark.parametrize("stream", [False, True])
def test_openssl_signed_pkidata_verifies(ra: Any, tmp_path: Path, stream: bool) -> None:
    """A PKIData that openssl signs (DER, or BER of indefinite length with -stream)."""
    key, csr = device()
    pki_data = cmc.parse_request(cmc.build_request(csr, key, transaction_id=99)).pki_data
    ra_key, ra_cert = ra
    cert, keyfile = pki.write_pair(tmp_path, "ra", ra_cert, ra_key)
    out = tmp_path / "signed.der"
    openssl("cms", "-sign", "-econtent_type", cmc.ID_CCT_PKIDATA, "-nodetach", "-binary",
            *(["-stream"] if stream else []), "-in", str(write(tmp_path / "p.der", pki_data)),
            "-signer", str(cert), "-inkey", str(keyfile), "-outform", "DER", "-out", str(out))
    req = cmc.parse_request(out.read_bytes())
    assert req.verified and req.signer == ra_cert and req.transaction_id == 99
    assert req.pki_data == pki_data and req.requests[0].csr.subject == csr.subject


def test_tampering_is_not_verified(ra: Any) -> None:
    key, csr = device()
    der = bytearray(cmc.build_request(csr, key, sender_nonce=b"N" * 16))
    signature = bytearray(der)
    signature[-5] ^= 0x01                                    # inside the ECDSA signature
    req = cmc.parse_request(bytes(signature))
    assert not req.verified and req.verify_error is not None
    assert req.verify_error.fail_info == Fail.badMessageCheck
    assert req.requests[0].csr.subject == csr.subject      # still readable for the answer
    content = bytes(der).replace(b"N" * 16, b"M" * 16)     # the signed senderNonce
    req = cmc.parse_request(content)
    assert not req.verified and "messageDigest" in str(req.verify_error)
    # signed by somebody else's key, naming it by SKI: no CSR key verifies it
    other = pki.ec_key()
    req = cmc.parse_request(cmc.build_request(csr, other))
    assert not req.verified and req.signer_csr is None


def test_unsigned_request_is_not_verified() -> None:
    key, csr = device()
    pki_data = cmc.parse_request(cmc.build_request(csr, key)).pki_data
    req = cmc.parse_request(cmc._sign(cmc.ID_CCT_PKIDATA, pki_data, None, None))
    assert not req.verified and req.verify_error is not None
    assert req.requests[0].body_part_id == 1


def _pki_data(*, requests: list[Any] | None = None, controls: list[Any] | None = None) -> bytes:
    return bytes(cmc.PKIData({"control_sequence": controls or [], "req_sequence": requests or [],
                              "cms_sequence": [], "other_msg_sequence": []}).dump())


def _tcr(body_part_id: int, csr: x509.CertificateSigningRequest, *,
         broken_key: bool = False) -> cmc.TaggedRequest:
    request = asn1_csr.CertificationRequest.load(pki.der(csr))
    if broken_key:
        request = request.copy()
        request["certification_request_info"]["subject_pk_info"]["public_key"] = \
            keys.ECPointBitString(b"\x04" + b"\x00" * 64)   # not on the curve
    return cmc.TaggedRequest(name="tcr", value=cmc.TaggedCertificationRequest({
        "body_part_id": body_part_id, "certification_request": request}))


def test_crm_requests_are_listed_unsupported() -> None:
    key, csr = device()
    crm = cmc.TaggedRequest(name="crm", value=cmc._CertReqMsg({
        "cert_req": {"cert_req_id": 9, "cert_template": core.Any.load(b"\x30\x00")}}))
    der = cmc._sign(cmc.ID_CCT_PKIDATA, _pki_data(requests=[_tcr(1, csr), crm]), key, None)
    req = cmc.parse_request(der)
    assert req.unsupported == (9,) and [r.body_part_id for r in req.requests] == [1]
    assert req.verified and req.transaction_id is None and req.sender_nonce is None


@pytest.mark.parametrize("case", ["random", "truncated", "trailing", "data", "enveloped",
                                  "not-pkidata", "no-content", "empty-content", "bad-pkidata",
                                  "bad-csr", "bad-key",
                                  "duplicate-id", "zero-id", "two-nonces-values"])
def test_garbage_is_bad_request(case: str) -> None:
    key, csr = device()
    good = cmc.build_request(csr, key)

    def signed(pki_data: bytes, content_type: str = cmc.ID_CCT_PKIDATA) -> bytes:
        return cmc._sign(content_type, pki_data, key, None)

    nonce = cmc._control(2, "sender_nonce", b"x")
    der = {
        "random": lambda: os.urandom(300),
        "truncated": lambda: good[:-10],
        "trailing": lambda: good + b"\x00\x00",
        "data": lambda: bytes(asn1_cms.ContentInfo({"content_type": "data",
                                                     "content": b"hello"}).dump()),
        "enveloped": lambda: bytes(asn1_cms.ContentInfo({
            "content_type": "enveloped_data", "content": asn1_cms.EnvelopedData({
                "version": "v0", "recipient_infos": [], "encrypted_content_info": {
                    "content_type": "data",
                    "content_encryption_algorithm": {"algorithm": "aes128_cbc",
                                                     "parameters": b"0" * 16}}})}).dump()),
        "not-pkidata": lambda: signed(_pki_data(), cmc.ID_CCT_PKIRESPONSE),
        "no-content": lambda: bytes(asn1_cms.ContentInfo({
            "content_type": "signed_data", "content": asn1_cms.SignedData({
                "version": "v3", "digest_algorithms": [], "signer_infos": [],
                "encap_content_info": {"content_type": cmc.ID_CCT_PKIDATA}})}).dump()),
        "empty-content": lambda: cmc._sign(cmc.ID_CCT_PKIDATA, b"", None, None),
        "bad-pkidata": lambda: signed(b"\x30\x03\x02\x01\x01"),
        # a tcr whose certificationRequest is SEQUENCE { INTEGER 1 }
        "bad-csr": lambda: signed(_pki_data(requests=[cmc.TaggedRequest.load(
            b"\xa0\x08\x02\x01\x01\x30\x03\x02\x01\x01")])),
        # one that asn1crypto takes and cryptography refuses (no valid key)
        "bad-key": lambda: signed(_pki_data(requests=[_tcr(1, csr, broken_key=True)])),
        "duplicate-id": lambda: signed(_pki_data(requests=[_tcr(2, csr)], controls=[nonce])),
        "zero-id": lambda: signed(_pki_data(requests=[_tcr(0, csr)])),
        "two-nonces-values": lambda: signed(_pki_data(controls=[cmc.TaggedAttribute({
            "body_part_id": 2, "attr_type": "sender_nonce", "attr_values": [b"a", b"b"]})])),
    }[case]()
    with pytest.raises(cmc.CmcError) as caught:
        cmc.parse_request(der)
    assert caught.value.fail_info == Fail.badRequest
    assert isinstance(caught.value, ValueError) and caught.value.message


# -- responses ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["ec", "rsa"])
def test_success_response(ca: pki.CA, tmp_path: Path, kind: str) -> None:
    key, csr = device()
    issued = ca.issue(csr.subject, csr.public_key())
    if kind == "ec":
        signer_key: Any = pki.ec_key()
    else:
        signer_key = rsa_key()
    signer_cert = ca.issue(pki.name(f"RA {kind}"), signer_key.public_key())
    req = cmc.parse_request(cmc.build_request(csr, key, body_part_id=3))
    der = cmc.build_response(Status.success, certificates=[issued, ca.cert],
                             body_part_ids=[r.body_part_id for r in req.requests],
                             transaction_id=req.transaction_id, recipient_nonce=req.sender_nonce,
                             signer_key=signer_key, signer_cert=signer_cert)
    assert cmc.parse_response(der) == (Status.success, None, [issued, ca.cert, signer_cert])
    full = cmc.read_response(der)
    assert full.verified and full.signer == signer_cert and not full.simple
    assert full.transaction_id == req.transaction_id and full.recipient_nonce == req.sender_nonce
    assert full.statuses[0].body_list == (3,) and full.issued_for(key.public_key()) == issued
    assert full.certificates[0] == issued                 # the order given is kept
    # openssl: the signature and the chain of the RA's certificate, then the PKIResponse
    resp = write(tmp_path / "resp.der", der)
    content = tmp_path / "content.der"
    openssl("cms", "-verify", "-noverify", "-inform", "DER", "-in", str(resp),
            "-out", str(content))
    openssl("cms", "-verify", "-inform", "DER", "-in", str(resp), "-purpose", "any",
            "-CAfile", str(write(tmp_path / "ca.pem", ca.cert)), "-out", os.devnull)
    openssl("cms", "-verify", "-noverify", "-inform", "DER", "-in", str(resp),
            "-certfile", str(write(tmp_path / "signer.pem", signer_cert)), "-nointern",
            "-out", os.devnull)
    text = openssl("asn1parse", "-inform", "DER", "-in", str(content), "-i").decode()
    assert "1.3.6.1.5.5.7.7.25" in text and "id-cmc-transactionId" in text
    assert "id-cmc-recipientNonce" in text
    outer = openssl("asn1parse", "-inform", "DER", "-in", str(resp)).decode()
    assert "id-cct-PKIResponse" in outer and "messageDigest" in outer
    certs = openssl("pkcs7", "-inform", "DER", "-in", str(resp), "-print_certs").decode()
    assert certs.count("BEGIN CERTIFICATE") == 3


def test_tampered_response_does_not_verify(ca: pki.CA, ra: Any, tmp_path: Path) -> None:
    ra_key, ra_cert = ra
    der = cmc.build_response(Status.failed, fail_info=Fail.badRequest, body_part_ids=[1],
                             status_string="Nope", signer_key=ra_key, signer_cert=ra_cert)
    bad = der.replace(b"Nope", b"Yes!")
    assert cmc.read_response(der).verified and not cmc.read_response(bad).verified
    done = subprocess.run(["openssl", "cms", "-verify", "-noverify", "-inform", "DER",
                           "-in", str(write(tmp_path / "bad.der", bad)), "-out", os.devnull],
                          capture_output=True)
    assert done.returncode != 0


def test_failure_response(ra: Any, tmp_path: Path) -> None:
    ra_key, ra_cert = ra
    der = cmc.build_response(Status.failed, fail_info=Fail.badIdentity, body_part_ids=[1, 2],
                             transaction_id=5, recipient_nonce=b"r" * 16, status_string="who?",
                             signer_key=ra_key, signer_cert=ra_cert)
    assert cmc.parse_response(der) == (Status.failed, Fail.badIdentity, [ra_cert])
    full = cmc.read_response(der)
    assert full.status_string == "who?" and full.statuses[0].body_list == (1, 2)
    assert full.issued_for(pki.ec_key().public_key()) is None
    content = tmp_path / "content.der"
    openssl("cms", "-verify", "-noverify", "-inform", "DER",
            "-in", str(write(tmp_path / "fail.der", der)), "-out", str(content))
    text = openssl("asn1parse", "-inform", "DER", "-in", str(content), "-i").decode()
    assert "UTF8STRING        :who?" in text
    assert "INTEGER           :07" in text               # failInfo badIdentity


def test_unsigned_responses(ca: pki.CA, tmp_path: Path) -> None:
    key, csr = device()
    issued = ca.issue(csr.subject, csr.public_key())
    der = cmc.build_response(Status.success, certificates=[issued, ca.cert], body_part_ids=[1])
    assert cmc.parse_response(der) == (Status.success, None, [issued, ca.cert])
    assert not cmc.read_response(der).verified
    signed_data = asn1_cms.ContentInfo.load(der)["content"]
    assert len(signed_data["signer_infos"]) == 0 and len(signed_data["digest_algorithms"]) == 0
    path = write(tmp_path / "unsigned.der", der)
    openssl("asn1parse", "-inform", "DER", "-in", str(path))
    printed = openssl("cms", "-cmsout", "-print", "-inform", "DER", "-in", str(path)).decode()
    assert "id-cct-PKIResponse" in printed
    # a body part of 0 (the whole PKIData) when none is named
    failed = cmc.build_response(Status.failed, fail_info=Fail.internalCAError)
    assert cmc.read_response(failed).statuses[0].body_list == (0,)
    assert cmc.parse_response(failed)[:2] == (Status.failed, Fail.internalCAError)


def test_pending_and_paths() -> None:
    when = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    der = cmc.build_response(Status.pending, pend_info=(b"token", when),
                             body_part_ids=[(1, 7), 2], sender_nonce=b"s" * 8)
    full = cmc.read_response(der)
    assert full.status == Status.pending and full.sender_nonce == b"s" * 8
    assert full.statuses[0].pend_token == b"token" and full.statuses[0].pend_time == when
    assert full.statuses[0].body_list == ((1, 7), 2)


def test_build_response_refuses_inconsistent_arguments(ra: Any) -> None:
    with pytest.raises(ValueError):
        cmc.build_response(Status.failed)
    with pytest.raises(ValueError):
        cmc.build_response(Status.success, fail_info=Fail.badAlg)
    with pytest.raises(ValueError):
        cmc.build_response(Status.pending)
    with pytest.raises(ValueError):
        cmc.build_response(Status.success, signer_key=ra[0])
    with pytest.raises(ValueError):   # the certificate is not for the key
        cmc.build_response(Status.success, signer_key=pki.ec_key(), signer_cert=ra[1])


def test_simple_pki_response(ca: pki.CA) -> None:
    """A certs-only SignedData (RFC 5272 4.1) from an upstream reads as success."""
    key, csr = device()
    issued = ca.issue(csr.subject, csr.public_key())
    der = pkcs7.serialize_certificates([issued, ca.cert], serialization.Encoding.DER)
    assert cmc.parse_response(der) == (Status.success, None, [issued, ca.cert])
    assert cmc.read_response(der).simple


def test_response_garbage() -> None:
    for der in (b"", os.urandom(64), cmc._sign(cmc.ID_CCT_PKIRESPONSE, b"\x30\x00", None, None),
                cmc._sign(cmc.ID_CCT_PKIRESPONSE, b"\x30\x06\x30\x00\x30\x00\x30\x00",
                          None, None)):
        with pytest.raises(cmc.CmcError):
            cmc.parse_response(der)


def test_v1_status_info_is_read() -> None:
    """id-cmc-statusInfo (RFC 2797) from older servers."""
    info = cmc.CMCStatusInfo({"cmc_status": 2, "body_list": [4],
                              "other_info": core.Integer(12)})
    control = cmc.TaggedAttribute({"body_part_id": 1, "attr_type": "status_info",
                                   "attr_values": [info]})
    response = cmc.PKIResponse({"control_sequence": [control], "cms_sequence": [],
                                "other_msg_sequence": []})
    der = cmc._sign(cmc.ID_CCT_PKIRESPONSE, response.dump(), None, None)
    assert cmc.parse_response(der) == (Status.failed, Fail.tryLater, [])


# -- an RA in between -----------------------------------------------------------------------


def test_ra_wraps_the_device_request(ca: pki.CA, ra: Any, tmp_path: Path) -> None:
    key, csr = device()
    original = cmc.build_request(csr, key, body_part_id=1, transaction_id=77)
    ra_key, ra_cert = ra
    for request in (original, cmc.parse_request(original)):
        wrapped = cmc.wrap_request(request, ra_key, ra_cert, body_part_id=10)
        outer = cmc.parse_request(wrapped)
        assert outer.verified and outer.signer == ra_cert and outer.requests == ()
        assert outer.transaction_id == 77 and outer.sender_nonce is not None
        assert [part for part, _ in outer.nested] == [10]
        assert outer.nested[0][1] == original                # byte for byte
        inner = cmc.parse_request(outer.nested[0][1])
        assert inner.verified and inner.requests[0].csr.subject == csr.subject
    openssl("cms", "-verify", "-inform", "DER", "-in", str(write(tmp_path / "w.der", wrapped)),
            "-CAfile", str(write(tmp_path / "ca.pem", ca.cert)), "-purpose", "any",
            "-out", os.devnull)
    # an answer naming the inner request by its path
    answer = cmc.read_response(cmc.build_response(
        Status.success, body_part_ids=[(10, 1)], certificates=[ca.issue(csr.subject,
                                                                         key.public_key())]))
    assert answer.statuses[0].body_list == ((10, 1),)
    # a PKIData the RA wrote itself is just signed
    signed = cmc.parse_request(cmc.wrap_request(inner.pki_data, ra_key, ra_cert))
    assert signed.verified and signed.signer == ra_cert and signed.pki_data == inner.pki_data
    with pytest.raises(cmc.CmcError):
        cmc.wrap_request(b"\x30\x03\x02\x01\x01", ra_key, ra_cert)
    with pytest.raises(cmc.CmcError):   # a ContentInfo, but no Full PKI Request
        cmc.wrap_request(bytes(asn1_cms.ContentInfo({"content_type": "data",
                                                     "content": b"x"}).dump()), ra_key, ra_cert)


# -- Bouncy Castle --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bc(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """CmcCheck compiled against Debian's BC jars; runs it with arguments."""
    javac = shutil.which("javac")
    if not (javac and shutil.which("java")) or not all(j.exists() for j in BC_JARS):
        missing("java/javac or the Bouncy Castle jars (libbcpkix-java) are missing")
    out = tmp_path_factory.mktemp("cmc-bc")
    source = Path(__file__).resolve().parent / "bc" / "CmcCheck.java"
    classpath = os.pathsep.join([*map(str, BC_JARS), str(out)])
    done = subprocess.run([javac, "-nowarn", "-cp", classpath, "-d", str(out), str(source)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr

    def run(*args: str) -> str:
        done = subprocess.run(["java", "-cp", classpath, "CmcCheck", *args],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()
    return run


def test_bouncy_castle_reads_ours(bc: Any, ca: pki.CA, ra: Any, tmp_path: Path) -> None:
    key, csr = device(rsa_key())
    ra_key, ra_cert = ra
    request = cmc.build_request(csr, key, body_part_id=5)
    assert bc("request", str(write(tmp_path / "req.der", request))) == \
        "tcr=5, cms=0 signer=OK"
    wrapped = cmc.wrap_request(request, ra_key, ra_cert)
    assert bc("request", str(write(tmp_path / "wrapped.der", wrapped))) == \
        "tcr= cms=1 signer=OK"
    issued = ca.issue(csr.subject, csr.public_key())
    ok = cmc.build_response(Status.success, certificates=[issued, ca.cert], body_part_ids=[5],
                            transaction_id=1, signer_key=ra_key, signer_cert=ra_cert)
    assert bc("response", str(write(tmp_path / "ok.der", ok))) == \
        "status=0 fail=- bodies=[5,] certs=3 signer=OK"
    failed = cmc.build_response(Status.failed, fail_info=Fail.popFailed, body_part_ids=[5])
    assert bc("response", str(write(tmp_path / "failed.der", failed))) == \
        "status=2 fail=9 bodies=[5,] certs=0 signer=NONE"


def test_we_read_bouncy_castles_request(bc: Any, tmp_path: Path) -> None:
    path = tmp_path / "bc.der"
    bc("build", str(path))
    req = cmc.parse_request(path.read_bytes())
    assert req.verified and req.signer_csr == 7 and req.transaction_id == 4242
    assert req.sender_nonce == b"\x01\x02\x03\x04"
    assert req.requests[0].csr.subject == pki.name("bc device")
