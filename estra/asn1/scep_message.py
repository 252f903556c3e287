"""SCEP (RFC 8894) pkiMessages: build and parse both sides, no I/O.

A pkiMessage is CMS SignedData whose signed attributes carry the SCEP fields
(messageType, transactionID, senderNonce / recipientNonce, pkiStatus,
failInfo, failInfoText) and whose content, when there is one, is EnvelopedData
(RSA PKCS#1 v1.5 key transport; AES-CBC or DES-EDE3-CBC) encrypted to the peer:

=====================  ==========================================  =============
message                encrypted content                           built by
=====================  ==========================================  =============
PKCSReq / RenewalReq   the PKCS#10 request (DER)                   `pkcs_req`
CertPoll               IssuerAndSubject (GetCertInitial)           `cert_poll`
GetCert                IssuerAndSerialNumber                       `get_cert`
CertRep SUCCESS        degenerate PKCS#7 with the certificate(s)   `cert_rep`
CertRep FAILURE and PENDING carry no content
=====================  ==========================================  =============

`parse` checks the signature (and the messageDigest) and returns a
`PkiMessage`; its `open()` (and `csr()` / `issued()` / `issuer_and_subject()` /
`issuer_and_serial()`) decrypt the content with the recipient's key, every
failure to decrypt or read it one and the same `UNREADABLE` error.  A client
keeps the `Request` it sent and has `Request.check` match the CertRep to it.
Malformed, unverifiable or undecryptable messages raise `ScepError`, whose
`fail_info` is what a server answers with.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import hmac
import os
from typing import Any, Callable, ContextManager, Iterable, Sequence, TypeVar

from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from attrs import frozen
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import padding as block_padding
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

from estra.asn1.cms import (ID_DATA, OctetSet, Utf8Set, asn1_name, attribute, certificates_of,
                            digest_of, elements, issuer_serial, matches_sid, octets, reading, sign,
                            signed_data, spki, verify_signature)
from estra.asn1.wire import load_csr

__all__ = ["MessageType", "Status", "FailInfo", "ScepError", "Signer", "PkiMessage",
           "Request", "parse", "pkcs_req", "cert_poll", "get_cert", "cert_rep",
           "transaction_id", "key_sha256", "degenerate", "CIPHERS", "DIGESTS", "UNREADABLE",
           "enveloped_data", "pki_message", "issuer_and_subject", "issuer_and_serial",
           "check_request", "MAX_CERTIFICATES", "MAX_SIGNERS", "MAX_RECIPIENTS",
           "NONCE_SIZE", "MAX_TRANSACTION_ID", "recipient_named"]

T = TypeVar("T")

#: What one pkiMessage may carry, checked before any certificate is read or any key
#: used: a client needs one signer, its certificate (and perhaps a chain), and one
#: recipient info per certificate GetCACert gave it (micromdm encrypts to each).
MAX_CERTIFICATES = 16
MAX_SIGNERS = 4
MAX_RECIPIENTS = 8
#: RFC 8894 3.2.1.5: a senderNonce is 16 random bytes.
NONCE_SIZE = 16
#: Longest transactionID accepted (RFC 8894 suggests a hex SHA-256: 64 characters).
MAX_TRANSACTION_ID = 128


class MessageType(enum.IntEnum):
    CertRep = 3
    RenewalReq = 17
    PKCSReq = 19
    CertPoll = 20       # GetCertInitial in older drafts
    GetCert = 21
    GetCRL = 22


class Status(enum.IntEnum):
    SUCCESS = 0
    FAILURE = 2
    PENDING = 3


class FailInfo(enum.IntEnum):
    badAlg = 0
    badMessageCheck = 1
    badRequest = 2
    badTime = 3
    badCertId = 4


class ScepError(ValueError):
    """A pkiMessage that cannot be used; `fail_info` is the answer a server gives."""

    def __init__(self, reason: str, fail_info: FailInfo = FailInfo.badMessageCheck) -> None:
        super().__init__(reason)
        self.fail_info = fail_info


def _reading(what: str, fail_info: FailInfo = FailInfo.badRequest) -> ContextManager[None]:
    """Turn a parser's complaint into a ScepError about `what`."""
    return reading(what, lambda message: ScepError(message, fail_info), ScepError)


class _PrintableSet(core.SetOf):
    _child_spec = core.PrintableString


_ATTRS = {  # dotted OID -> (asn1crypto name, value set)
    "2.16.840.1.113733.1.9.2": ("scep_message_type", _PrintableSet),
    "2.16.840.1.113733.1.9.3": ("scep_pki_status", _PrintableSet),
    "2.16.840.1.113733.1.9.4": ("scep_fail_info", _PrintableSet),
    "2.16.840.1.113733.1.9.5": ("scep_sender_nonce", OctetSet),
    "2.16.840.1.113733.1.9.6": ("scep_recipient_nonce", OctetSet),
    "2.16.840.1.113733.1.9.7": ("scep_transaction_id", _PrintableSet),
    "1.3.6.1.5.5.7.24.1": ("scep_fail_info_text", Utf8Set),
}
for _oid, (_name, _spec) in _ATTRS.items():   # teach asn1crypto the SCEP attributes
    cms.CMSAttributeType._map.setdefault(_oid, _name)
    cms.CMSAttribute._oid_specs.setdefault(_name, _spec)
_OID = {name: oid for oid, (name, _) in _ATTRS.items()}


class _IssuerAndSubject(core.Sequence):
    _fields = [("issuer", asn1_x509.Name), ("subject", asn1_x509.Name)]


#: content-encryption algorithms: asn1crypto name -> (cryptography cipher, key bytes)
CIPHERS: dict[str, tuple[Any, int]] = {
    "aes128_cbc": (algorithms.AES, 16), "aes192_cbc": (algorithms.AES, 24),
    "aes256_cbc": (algorithms.AES, 32), "tripledes_3key": (TripleDES, 24),
    "des": (TripleDES, 8),               # single DES = 3DES with K1=K2=K3 (decrypt only)
}
#: message digests: asn1crypto name -> cryptography hash
DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "sha512": hashes.SHA512, "sha384": hashes.SHA384, "sha256": hashes.SHA256,
    "sha224": hashes.SHA224, "sha1": hashes.SHA1, "md5": hashes.MD5}


@frozen
class Signer:
    """The certificate and RSA key one side signs with and decrypts replies with."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey


def recipient_named(enveloped: bytes | None, signers: Sequence[Signer]) -> Signer:
    """The first of `signers` (the RA's current key, then previous ones) whose
    certificate a key-transport RecipientInfo of `enveloped` names; the first one
    when none does or the envelope cannot be read (it then fails as UNREADABLE)."""
    try:
        infos = cms.ContentInfo.load(enveloped or b"")["content"]["recipient_infos"]
        if len(infos) <= MAX_RECIPIENTS:
            rids = [ri.chosen["rid"] for ri in infos if ri.name == "ktri"]
            return next((s for s in signers for rid in rids if matches_sid(rid, s.cert)),
                        signers[0])
    except Exception:  # noqa: BLE001 - device bytes; _open refuses them after the same work
        pass
    return signers[0]


def transaction_id(public_key: Any) -> str:
    """RFC 8894 3.2.1.1: hex SHA-256 of the request's SubjectPublicKeyInfo."""
    return key_sha256(public_key).upper()


def key_sha256(public_key: Any) -> str:
    """Lower-case hex SHA-256 of a SubjectPublicKeyInfo: who owns a transaction."""
    return hashlib.sha256(spki(public_key)).hexdigest()


def degenerate(certs: Sequence[x509.Certificate]) -> bytes:
    """A certs-only PKCS#7 (CertRep content, GetCACert with RA certificates)."""
    return pkcs7.serialize_certificates(list(certs), Encoding.DER)


def _envelope(content: bytes, recipient: x509.Certificate, cipher: str) -> bytes:
    """EnvelopedData (ContentInfo DER) of `content` for `recipient`'s RSA key."""
    algorithm, size = CIPHERS[cipher]
    key, iv = os.urandom(size), os.urandom(algorithm.block_size // 8)
    padder = block_padding.PKCS7(algorithm.block_size).padder()
    encryptor = Cipher(algorithm(key), modes.CBC(iv)).encryptor()
    sealed = encryptor.update(padder.update(content) + padder.finalize()) + encryptor.finalize()
    public = recipient.public_key()
    if not isinstance(public, rsa.RSAPublicKey):
        raise ScepError("the recipient certificate has no RSA key", FailInfo.badAlg)
    return enveloped_data(recipient, public.encrypt(key, padding.PKCS1v15()), cipher, iv,
                          sealed)


def enveloped_data(recipient: x509.Certificate, encrypted_key: bytes, cipher: str, iv: bytes,
                   sealed: bytes) -> bytes:
    """EnvelopedData (ContentInfo DER) from its parts, as they are (tests forge with it)."""
    ktri = cms.KeyTransRecipientInfo({
        "version": "v0", "rid": {"issuer_and_serial_number": issuer_serial(recipient)},
        "key_encryption_algorithm": {"algorithm": "rsaes_pkcs1v15"},
        "encrypted_key": encrypted_key})
    enveloped = cms.EnvelopedData({
        "version": "v0", "recipient_infos": [cms.RecipientInfo({"ktri": ktri})],
        "encrypted_content_info": {
            "content_type": "data", "encrypted_content": sealed,
            "content_encryption_algorithm": {"algorithm": cipher,
                                             "parameters": core.OctetString(iv)}}})
    return bytes(cms.ContentInfo({"content_type": "enveloped_data",
                                  "content": enveloped}).dump())


#: What every envelope that cannot be used is answered with, whatever went wrong:
#: RSA key transport, the content key's length, CBC padding, the plaintext's
#: structure.  One answer leaves no padding oracle (RFC 3218 2.3).
UNREADABLE = "the pkcsPKIEnvelope cannot be decrypted, or does not hold what the " \
             "messageType calls for"
#: Keys the content key of a failed RSA decryption (RFC 3218 2.3.2): the same
#: ciphertext gets the same wrong key within a process, so resending it shows nothing.
_REJECTION_SECRET = os.urandom(32)


def _unreadable() -> ScepError:
    return ScepError(UNREADABLE, FailInfo.badMessageCheck)


def _content_key(signer: Signer, encrypted_key: bytes, size: int) -> bytes:
    """The content-encryption key, or a wrong one derived from the ciphertext.

    OpenSSL 3.2+ already answers a bad PKCS#1 v1.5 block with a synthetic
    message (implicit rejection); only public checks (length, range) still
    raise.  Either way, and for a plaintext of the wrong length, the CBC
    decryption goes on with a key keyed by the ciphertext, so every failure
    surfaces at the same place, after the same work.
    """
    fallback = hmac.new(_REJECTION_SECRET, encrypted_key, hashlib.sha256).digest()[:size]
    try:
        key = signer.key.decrypt(encrypted_key, padding.PKCS1v15())
    except Exception:  # noqa: BLE001 - wrong length, not below the modulus...: same work
        modulus = signer.key.public_key().public_numbers().n
        try:
            signer.key.decrypt((int.from_bytes(encrypted_key, "big") % modulus).to_bytes(
                (signer.key.key_size + 7) // 8, "big"), padding.PKCS1v15())
        except Exception:  # noqa: BLE001 - only the work matters here
            pass
        key = fallback
    return key if len(key) == size else fallback


def _open(der: bytes, signer: Signer) -> tuple[bytes, bool]:
    """(plaintext, whether it unpadded) of an EnvelopedData addressed to `signer`.

    Every step runs whatever the previous one found; the caller raises
    `UNREADABLE` only once it has also parsed the plaintext.  An unsupported
    content cipher is badAlg: that is a public choice of the sender.
    """
    try:
        info = cms.ContentInfo.load(der)
        if info["content_type"].native != "enveloped_data":
            raise ValueError("not EnvelopedData")
        enveloped = info["content"]
        infos = enveloped["recipient_infos"]
        if len(infos) > MAX_RECIPIENTS:
            raise ValueError("too many recipient infos")
        keys = [ri.chosen for ri in infos if ri.name == "ktri"]
        # Only the recipient info naming the RA's certificate (issuerAndSerialNumber
        # or subjectKeyIdentifier) is tried, once; a lone one naming something else
        # too (a client that spells the RA's name its own way): one RSA decryption.
        mine = [k for k in keys if matches_sid(k["rid"], signer.cert)][:1] or \
            (keys if len(keys) == 1 else [])
        # EncryptedContentInfo by hand: asn1crypto rejects a definite-length
        # constructed encryptedContent, which Go's pkcs7 (micromdm) sends.
        fields = elements(enveloped["encrypted_content_info"].contents)
        algorithm = algos.EncryptionAlgorithm.load(fields[1])
        name = algorithm["algorithm"].native
        if name in CIPHERS:
            iv = algorithm.encryption_iv
        sealed = octets(fields[2]) if len(fields) > 2 else b""
        transported = [k["encrypted_key"].native for k in mine]
    except Exception:  # noqa: BLE001 - any parser complaint about device bytes
        raise _unreadable() from None
    if name not in CIPHERS:
        raise ScepError(f"unsupported content encryption {name}", FailInfo.badAlg)
    cipher, size = CIPHERS[name]
    found: tuple[bytes, bool] = (b"", False)
    for encrypted_key in transported or [b""]:
        key = _content_key(signer, encrypted_key, size)
        try:
            decryptor = Cipher(cipher(key * (24 // size) if cipher is TripleDES else key),
                               modes.CBC(iv)).decryptor()
            plain = decryptor.update(sealed) + decryptor.finalize()
        except Exception:  # noqa: BLE001 - bad IV, or not a whole number of blocks
            plain = sealed
        unpadder = block_padding.PKCS7(cipher.block_size).unpadder()
        try:
            result = (unpadder.update(plain) + unpadder.finalize(), True)
        except ValueError:
            result = (plain, False)
        if not found[1]:
            found = result
    return found


def _sign(signer: Signer, content: bytes | None, fields: dict[str, Any], digest: str) -> bytes:
    """SignedData (ContentInfo DER) over `content` with `fields` as signed attributes."""
    if digest not in DIGESTS:
        raise ScepError(f"unsupported digest {digest}", FailInfo.badAlg)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    attrs = [attribute("signing_time", cms.Time({"utc_time": now}))]
    attrs += [attribute(_OID.get(name, name), value)
              for name, value in fields.items() if value is not None]
    # PENDING/FAILURE carry an empty eContent, not none: OpenSSL's PKCS7_verify
    # (certmonger) takes absent content for detached and fails with "no content".
    return sign(ID_DATA, content or b"", signer.key, signer.cert, digest=digest,
                attributes=attrs)


@frozen
class PkiMessage:
    """A parsed pkiMessage whose signature checked out."""

    message_type: MessageType
    transaction_id: str
    signer: x509.Certificate
    digest: str                                   # what the sender hashed with
    sender_nonce: bytes | None = None
    recipient_nonce: bytes | None = None
    status: Status | None = None
    fail_info: FailInfo | None = None
    fail_info_text: str | None = None
    enveloped: bytes | None = None                # the still-encrypted pkcsPKIEnvelope
    certificates: tuple[x509.Certificate, ...] = ()

    def open(self, recipient: Signer, parse: Callable[[bytes], T]) -> T:
        """`parse` of the pkcsPKIEnvelope's plaintext, for the certificate+key it was sent to.

        Whatever fails -- no envelope, its structure, RSA, the content key,
        CBC padding, `parse` -- is the one ScepError `UNREADABLE`
        (badMessageCheck), raised after the same steps: no padding oracle.
        """
        plain, unpadded = _open(self.enveloped or b"", recipient)
        try:
            value = parse(plain)      # also on bad padding: the same work either way
        except Exception:             # noqa: BLE001 - any complaint is the same answer
            raise _unreadable() from None
        if not unpadded or self.enveloped is None:
            raise _unreadable()
        return value

    def decrypt(self, recipient: Signer) -> bytes:
        """The pkcsPKIEnvelope's plaintext, for the certificate+key it was sent to."""
        return self.open(recipient, bytes)

    def csr(self, recipient: Signer) -> x509.CertificateSigningRequest:
        """Server side: the PKCS#10 of a PKCSReq / RenewalReq, every field estra reads
        checked (`wire.load_csr`), its signature not (the server checks that)."""
        return self.open(recipient, lambda der: load_csr(der, pop=False))

    def issued(self, recipient: Signer) -> list[x509.Certificate]:
        """Client side: the certificates of a CertRep SUCCESS."""
        plain = self.decrypt(recipient)
        with _reading("degenerate PKCS#7", FailInfo.badMessageCheck):
            return pkcs7.load_der_pkcs7_certificates(plain)

    def issuer_and_subject(self, recipient: Signer) -> tuple[bytes, bytes]:
        """Server side: DER issuer and subject names of a CertPoll."""
        return self.open(recipient, issuer_and_subject)

    def issuer_and_serial(self, recipient: Signer) -> tuple[bytes, int]:
        """Server side: DER issuer name and serial number of a GetCert."""
        return self.open(recipient, issuer_and_serial)


def issuer_and_subject(der: bytes) -> tuple[bytes, bytes]:
    """DER issuer and subject names of an IssuerAndSubject (CertPoll); ValueError if not one."""
    value = _IssuerAndSubject.load(der)
    return value["issuer"].dump(), value["subject"].dump()


def issuer_and_serial(der: bytes) -> tuple[bytes, int]:
    """DER issuer name and serial number of an IssuerAndSerialNumber (GetCert)."""
    value = cms.IssuerAndSerialNumber.load(der)
    return value["issuer"].dump(), int(value["serial_number"].native)


def _find_signer(sid: cms.SignerIdentifier, certs: Iterable[x509.Certificate]
                 ) -> x509.Certificate:
    """The certificate `sid` names (a subjectKeyIdentifier by the SKI extension only)."""
    for cert in certs:
        if matches_sid(sid, cert, computed=False):
            return cert
    raise ScepError("the signer's certificate is not in the message")


def _verify(cert: x509.Certificate, signature: bytes, data: bytes, digest: str) -> None:
    public, algorithm = cert.public_key(), DIGESTS[digest]()
    try:
        if not verify_signature(public, signature, data, algorithm):
            raise ScepError("unsupported signer key", FailInfo.badAlg)
    except InvalidSignature:
        raise ScepError("the pkiMessage signature does not verify") from None


def parse(der: bytes, known: Sequence[x509.Certificate] = ()) -> PkiMessage:
    """Parse and verify a pkiMessage; the signer comes from the message or `known`.

    Verifying says the signer's key signed it; whether that signer is the
    right one (the CA, an RA) is the caller's decision.  Total: whatever goes
    wrong reading `der` is a ScepError.
    """
    with _reading("pkiMessage"):        # total over device bytes: any failure is a ScepError
        return _parse(der, known)


def _parse(der: bytes, known: Sequence[x509.Certificate]) -> PkiMessage:
    with _reading("pkiMessage"):
        outer = cms.ContentInfo.load(der)
        if outer["content_type"].native != "signed_data":
            raise ScepError("not CMS SignedData", FailInfo.badRequest)
        signed = outer["content"]
        content = signed["encap_content_info"]["content"]
        body = bytes(content.native) if content.native is not None else b""
        _bounded(signed, body)
        info = signed["signer_infos"][0]
        certs = certificates_of(signed)
        digest = info["digest_algorithm"]["algorithm"].native
        if digest not in DIGESTS:
            raise ScepError(f"unsupported digest {digest}", FailInfo.badAlg)
        attrs = {a["type"].native: a["values"][0].native for a in info["signed_attrs"]}
        signer = _find_signer(info["sid"], [*certs, *known])
        data = signed_data(info["signed_attrs"])
    if attrs.get("message_digest") != digest_of(digest, body):
        raise ScepError("messageDigest does not match the content")
    _verify(signer, info["signature"].native, data, digest)
    with _reading("SCEP attributes"):
        status, fail = attrs.get("scep_pki_status"), attrs.get("scep_fail_info")
        return PkiMessage(
            message_type=MessageType(int(attrs["scep_message_type"])),
            transaction_id=str(attrs["scep_transaction_id"]), signer=signer,
            digest=digest, sender_nonce=attrs.get("scep_sender_nonce"),
            recipient_nonce=attrs.get("scep_recipient_nonce"),
            status=None if status is None else Status(int(status)),
            fail_info=None if fail is None else FailInfo(int(fail)),
            fail_info_text=attrs.get("scep_fail_info_text"),
            enveloped=body or None, certificates=tuple(certs))


def _bounded(signed: cms.SignedData, body: bytes) -> None:
    """Refuse, before reading a certificate or using a key, a SignedData carrying more
    certificates, signer infos or (in its EnvelopedData) recipient infos than a client
    needs: each costs parsing or private-key work."""
    for what, items, most in (("certificates", signed["certificates"], MAX_CERTIFICATES),
                              ("signer infos", signed["signer_infos"], MAX_SIGNERS)):
        if items and len(items) > most:
            raise ScepError(f"more than {most} {what}", FailInfo.badRequest)
    try:
        inner = cms.ContentInfo.load(body)
        recipients = len(inner["content"]["recipient_infos"]) \
            if inner["content_type"].native == "enveloped_data" else 0
    except Exception:  # noqa: BLE001 - no EnvelopedData: opening it fails alike later
        recipients = 0
    if recipients > MAX_RECIPIENTS:
        raise ScepError(f"more than {MAX_RECIPIENTS} recipient infos", FailInfo.badRequest)


def check_request(message: PkiMessage) -> None:
    """Server side, before anything is stored or decrypted: a request's senderNonce is
    16 bytes and its transactionID of bounded length (ScepError otherwise)."""
    if message.sender_nonce is None or len(message.sender_nonce) != NONCE_SIZE:
        raise ScepError(f"the senderNonce must be {NONCE_SIZE} bytes (RFC 8894 3.2.1.5)",
                        FailInfo.badRequest)
    if not 0 < len(message.transaction_id) <= MAX_TRANSACTION_ID:
        raise ScepError(f"the transactionID must be 1 to {MAX_TRANSACTION_ID} characters",
                        FailInfo.badRequest)


@frozen
class Request:
    """A request a client sent, to match the CertRep against."""

    der: bytes
    message_type: MessageType
    transaction_id: str
    sender_nonce: bytes

    def check(self, reply: PkiMessage) -> PkiMessage:
        """`reply` if it is the CertRep to this request, else ScepError."""
        if reply.message_type != MessageType.CertRep or reply.status is None:
            raise ScepError(f"expected a CertRep, got {reply.message_type.name}")
        if reply.transaction_id != self.transaction_id:
            raise ScepError(f"CertRep for transaction {reply.transaction_id!r}, "
                            f"not {self.transaction_id!r}")
        if reply.recipient_nonce != self.sender_nonce:
            raise ScepError("CertRep recipientNonce is not our senderNonce")
        if reply.status == Status.FAILURE and reply.fail_info is None:
            raise ScepError("CertRep FAILURE without failInfo")
        return reply


def _request(message_type: MessageType, content: bytes, tid: str, signer: Signer,
             recipient: x509.Certificate, cipher: str, digest: str) -> Request:
    return pki_message(message_type, _envelope(content, recipient, cipher), tid, signer,
                       digest)


def pki_message(message_type: MessageType, envelope: bytes, tid: str, signer: Signer,
                digest: str = "sha256") -> Request:
    """A request pkiMessage around an EnvelopedData built already (`enveloped_data`)."""
    nonce = os.urandom(16)
    der = _sign(signer, envelope, {
        "scep_message_type": str(int(message_type)), "scep_transaction_id": tid,
        "scep_sender_nonce": nonce}, digest)
    return Request(der, message_type, tid, nonce)


def pkcs_req(csr: x509.CertificateSigningRequest, signer: Signer,
             recipient: x509.Certificate, *, renewal: bool = False,
             tid: str | None = None, cipher: str = "aes128_cbc",
             digest: str = "sha256") -> Request:
    """A PKCSReq (or RenewalReq) carrying `csr`, signed by `signer`, sealed for `recipient`."""
    return _request(MessageType.RenewalReq if renewal else MessageType.PKCSReq,
                    csr.public_bytes(Encoding.DER), tid or transaction_id(csr.public_key()),
                    signer, recipient, cipher, digest)


def cert_poll(issuer: x509.Name, subject: x509.Name, tid: str, signer: Signer,
              recipient: x509.Certificate, *, cipher: str = "aes128_cbc",
              digest: str = "sha256") -> Request:
    """A CertPoll (GetCertInitial) for the pending transaction `tid`."""
    content = _IssuerAndSubject({"issuer": asn1_name(issuer), "subject": asn1_name(subject)})
    return _request(MessageType.CertPoll, content.dump(), tid, signer, recipient,
                    cipher, digest)


def get_cert(issuer: x509.Name, serial: int, signer: Signer, recipient: x509.Certificate,
             *, cipher: str = "aes128_cbc", digest: str = "sha256") -> Request:
    """A GetCert for the certificate `serial` of `issuer`."""
    content = cms.IssuerAndSerialNumber({"issuer": asn1_name(issuer), "serial_number": serial})
    return _request(MessageType.GetCert, content.dump(), transaction_id(signer.cert.public_key()),
                    signer, recipient, cipher, digest)


def cert_rep(request: PkiMessage, signer: Signer, status: Status, *,
             certs: Sequence[x509.Certificate] = (), fail_info: FailInfo | None = None,
             fail_info_text: str | None = None, cipher: str = "aes128_cbc") -> bytes:
    """Server side: the CertRep answering `request`.

    SUCCESS seals `certs` (issued first) for the request's signer; FAILURE
    needs `fail_info`; PENDING and FAILURE carry no content.  The reply is
    hashed with the request's digest and echoes its transactionID and nonce.
    """
    if (status == Status.SUCCESS) != bool(certs) or \
            (status == Status.FAILURE) != (fail_info is not None):
        raise ValueError("SUCCESS needs certs and FAILURE a fail_info, and only they")
    content = _envelope(degenerate(certs), request.signer, cipher) if certs else None
    return _sign(signer, content, {
        "scep_message_type": str(int(MessageType.CertRep)),
        "scep_transaction_id": request.transaction_id,
        "scep_pki_status": str(int(status)),
        "scep_fail_info": None if fail_info is None else str(int(fail_info)),
        "scep_fail_info_text": fail_info_text,
        "scep_sender_nonce": os.urandom(16),
        "scep_recipient_nonce": request.sender_nonce}, request.digest)
