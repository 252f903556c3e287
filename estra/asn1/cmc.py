"""Full CMC (RFC 5272 / RFC 6402, RFC 5273) as EST's /fullcmc (RFC 7030 4.3) carries it.

No I/O: build and parse the two CMS messages, with asn1crypto for the ASN.1
(it has CMS but no CMC, so the CMC types are defined here) and cryptography
for every signature and digest.

=========================  =============================================  ================
message                    form                                           functions
=========================  =============================================  ================
Full PKI Request           ContentInfo SignedData, eContentType            `build_request`,
                           id-cct-PKIData, signed by the requester         `parse_request`
RA-encapsulated request    the RA's own PKIData, the original signed       `wrap_request`
                           request in its cmsSequence, signed by the RA
Full PKI Response          ContentInfo SignedData, eContentType            `build_response`,
                           id-cct-PKIResponse, CMCStatusInfoV2 control,    `parse_response`,
                           certificates in SignedData.certificates         `read_response`
=========================  =============================================  ================

Only the ``tcr`` (PKCS#10) request form is served: ``crm`` (CRMF) and ``orm``
requests are parsed as far as their bodyPartID and listed in
`CmcRequest.unsupported` for the caller to refuse.  A request whose signature
does not verify is still returned (``verified`` False, ``verify_error`` says
why); structurally bad input raises `CmcError`, whose ``fail_info`` is the
CMCFailInfo a server answers with.
"""

from __future__ import annotations

import contextlib
import datetime
import enum
import secrets
from typing import Any, ContextManager, NamedTuple, Sequence, Union

from asn1crypto import cms, core, parser
from asn1crypto import csr as asn1_csr
from attrs import frozen
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import Encoding

from estra.asn1.cms import (HASHES, ID_DATA, OctetSet, SigningKey, Utf8Set, certificates_of,
                            digest_of, elements, key_ids, matches_sid, octets, reading, sign,
                            signed_data, spki, verify_signature)
from estra.errors import BadRequest
from estra.asn1.wire import load_csr

__all__ = ["CMCStatus", "CMCFailInfo", "CmcError", "TaggedCsr", "Control", "CmcRequest",
           "StatusInfo", "CmcResponse", "build_request", "parse_request", "wrap_request",
           "build_response", "parse_response", "read_response",
           "ID_CCT_PKIDATA", "ID_CCT_PKIRESPONSE", "CONTROLS",
           "PKIData", "PKIResponse", "TaggedAttribute", "TaggedRequest",
           "TaggedCertificationRequest", "TaggedContentInfo", "OtherMsg",
           "CMCStatusInfoV2", "CMCStatusInfo", "BodyPartReference", "PendInfo"]

ID_CCT_PKIDATA = "1.3.6.1.5.5.7.12.2"
ID_CCT_PKIRESPONSE = "1.3.6.1.5.5.7.12.3"
_ID_CMC = "1.3.6.1.5.5.7.7"
#: id-cmc-* control arc number -> name (RFC 5272, RFC 6402)
CONTROLS = {
    1: "status_info", 2: "identification", 3: "identity_proof", 4: "data_return",
    5: "transaction_id", 6: "sender_nonce", 7: "recipient_nonce", 8: "add_extensions",
    9: "encrypted_pop", 10: "decrypted_pop", 11: "lra_pop_witness", 15: "get_cert",
    16: "get_crl", 17: "revoke_request", 18: "reg_info", 19: "response_info",
    21: "query_pending", 22: "pop_link_random", 23: "pop_link_witness",
    24: "confirm_cert_acceptance", 25: "status_info_v2", 26: "trusted_anchors",
    27: "auth_data", 28: "batch_requests", 29: "batch_responses", 30: "publish_cert",
    31: "mod_cert_template", 32: "control_processed", 33: "pop_link_witness_v2",
    34: "identity_proof_v2", 35: "ra_identity_witness", 36: "change_subject_name",
    37: "response_body"}
_BODY_PART_MAX = 4294967295


class CMCStatus(enum.IntEnum):
    success = 0
    failed = 2
    pending = 3
    noSupport = 4
    confirmRequired = 5
    popRequired = 6
    partial = 7


class CMCFailInfo(enum.IntEnum):
    badAlg = 0
    badMessageCheck = 1
    badRequest = 2
    badTime = 3
    badCertId = 4
    unsupportedExt = 5
    mustArchiveKeys = 6
    badIdentity = 7
    popRequired = 8
    popFailed = 9
    noKeyReuse = 10
    internalCAError = 11
    tryLater = 12
    authDataFail = 13


class CmcError(ValueError):
    """A CMC message that cannot be used; `fail_info` is the answer a server gives."""

    def __init__(self, fail_info: CMCFailInfo, message: str) -> None:
        super().__init__(message)
        self.fail_info = fail_info
        self.message = message


def _reading(what: str, fail_info: CMCFailInfo = CMCFailInfo.badRequest) -> ContextManager[None]:
    """Turn a parser's complaint into a CmcError about `what`."""
    return reading(what, lambda message: CmcError(fail_info, message), CmcError)


# -- ASN.1 (RFC 5272 / RFC 6402 module EnrollmentMessageSyntax-2009, IMPLICIT TAGS) ---------


class BodyPartID(core.Integer):
    pass


class BodyPartPath(core.SequenceOf):
    _child_spec = BodyPartID


class BodyPartReference(core.Choice):
    _alternatives = [("body_part_id", BodyPartID), ("body_part_path", BodyPartPath)]


class _BodyPartReferences(core.SequenceOf):
    _child_spec = BodyPartReference


class _BodyPartIDs(core.SequenceOf):
    _child_spec = BodyPartID


class PendInfo(core.Sequence):
    _fields = [("pend_token", core.OctetString), ("pend_time", core.GeneralizedTime)]


class _ExtendedFailInfo(core.Sequence):
    _fields = [("fail_info_oid", core.ObjectIdentifier), ("fail_info_value", core.Any)]


class CMCStatusInfoV2(core.Sequence):
    """otherInfo is CHOICE {failInfo INTEGER, pendInfo SEQUENCE, extendedFailInfo
    SEQUENCE}: the two SEQUENCEs share a tag, so it is kept as Any (`_other_info`)."""

    _fields = [("cmc_status", core.Integer), ("body_list", _BodyPartReferences),
               ("status_string", core.UTF8String, {"optional": True}),
               ("other_info", core.Any, {"optional": True})]


class CMCStatusInfo(core.Sequence):
    """The RFC 2797 / RFC 5272 id-cmc-statusInfo, read from older servers."""

    _fields = [("cmc_status", core.Integer), ("body_list", _BodyPartIDs),
               ("status_string", core.UTF8String, {"optional": True}),
               ("other_info", core.Any, {"optional": True})]


class _ControlType(core.ObjectIdentifier):
    _map = {f"{_ID_CMC}.{n}": name for n, name in CONTROLS.items()}


class _AnySet(core.SetOf):
    _child_spec = core.Any


class _IntegerSet(core.SetOf):
    _child_spec = core.Integer


class _StatusV2Set(core.SetOf):
    _child_spec = CMCStatusInfoV2


class _StatusSet(core.SetOf):
    _child_spec = CMCStatusInfo


class TaggedAttribute(core.Sequence):
    _fields = [("body_part_id", BodyPartID), ("attr_type", _ControlType),
               ("attr_values", None)]
    _value_specs = {"transaction_id": _IntegerSet, "sender_nonce": OctetSet,
                    "recipient_nonce": OctetSet, "identification": Utf8Set,
                    "status_info_v2": _StatusV2Set, "status_info": _StatusSet}

    def _values_spec(self) -> type:
        return self._value_specs.get(self["attr_type"].native, _AnySet)

    _spec_callbacks = {"attr_values": _values_spec}


class TaggedCertificationRequest(core.Sequence):
    _fields = [("body_part_id", BodyPartID),
               ("certification_request", asn1_csr.CertificationRequest)]


class _CertRequest(core.Sequence):
    """CRMF CertRequest (RFC 4211), only as far as its certReqId (the bodyPartID)."""

    _fields = [("cert_req_id", core.Integer), ("cert_template", core.Any),
               ("controls", core.Any, {"optional": True})]


class _CertReqMsg(core.Sequence):
    _fields = [("cert_req", _CertRequest), ("popo", core.Any, {"optional": True}),
               ("reg_info", core.Any, {"optional": True})]


class _OtherReqMsg(core.Sequence):
    _fields = [("body_part_id", BodyPartID), ("request_message_type", core.ObjectIdentifier),
               ("request_message_value", core.Any)]


class TaggedRequest(core.Choice):
    _alternatives = [("tcr", TaggedCertificationRequest, {"implicit": 0}),
                     ("crm", _CertReqMsg, {"implicit": 1}),
                     ("orm", _OtherReqMsg, {"implicit": 2})]


class TaggedContentInfo(core.Sequence):
    _fields = [("body_part_id", BodyPartID), ("content_info", cms.ContentInfo)]


class OtherMsg(core.Sequence):
    _fields = [("body_part_id", BodyPartID), ("other_msg_type", core.ObjectIdentifier),
               ("other_msg_value", core.Any)]


class _TaggedAttributes(core.SequenceOf):
    _child_spec = TaggedAttribute


class _TaggedRequests(core.SequenceOf):
    _child_spec = TaggedRequest


class _TaggedContentInfos(core.SequenceOf):
    _child_spec = TaggedContentInfo


class _OtherMsgs(core.SequenceOf):
    _child_spec = OtherMsg


class PKIData(core.Sequence):
    _fields = [("control_sequence", _TaggedAttributes), ("req_sequence", _TaggedRequests),
               ("cms_sequence", _TaggedContentInfos),
               ("other_msg_sequence", _OtherMsgs)]


class PKIResponse(core.Sequence):
    _fields = [("control_sequence", _TaggedAttributes),
               ("cms_sequence", _TaggedContentInfos),
               ("other_msg_sequence", _OtherMsgs)]


# -- results --------------------------------------------------------------------------------


class TaggedCsr(NamedTuple):
    """A tcr request: its bodyPartID and PKCS#10."""

    body_part_id: int
    csr: x509.CertificateSigningRequest


@frozen
class Control:
    """A TaggedAttribute of the controlSequence; `values` are the DER attrValues."""

    body_part_id: int
    oid: str
    name: str | None          # from CONTROLS, None when not a known id-cmc control
    values: tuple[bytes, ...]


BodyRef = Union[int, tuple[int, ...]]   # a bodyPartID, or a bodyPartPath into nested PKIData


@frozen
class CmcRequest:
    """A parsed Full PKI Request."""

    der: bytes                              # the ContentInfo as received
    pki_data: bytes                         # the PKIData (the signed eContent)
    transaction_id: int | None
    sender_nonce: bytes | None
    controls: tuple[Control, ...]
    requests: tuple[TaggedCsr, ...]         # the tcr (PKCS#10) requests
    unsupported: tuple[int, ...]            # bodyPartIDs of crm / orm requests
    nested: tuple[tuple[int, bytes], ...]   # cmsSequence: (bodyPartID, ContentInfo DER)
    other_msgs: tuple[tuple[int, str], ...]  # otherMsgSequence: (bodyPartID, type OID)
    certificates: tuple[x509.Certificate, ...]  # SignedData.certificates
    signer: x509.Certificate | None         # the certificate whose key signed (if any)
    signer_csr: int | None                  # or the bodyPartID of the tcr whose key signed
    signer_key_id: bytes | None             # SignerIdentifier subjectKeyIdentifier
    signer_issuer_serial: tuple[bytes, int] | None  # SignerIdentifier (issuer DER, serial)
    verified: bool                          # every SignerInfo (at least one) verified
    verify_error: CmcError | None           # why not, when not verified

    def control(self, name: str) -> Control | None:
        """The first control named `name` (a CONTROLS name or dotted OID)."""
        return next((c for c in self.controls if name in (c.name, c.oid)), None)

    def unknown_controls(self) -> tuple[Control, ...]:
        """Controls that are no id-cmc control this module knows of."""
        return tuple(c for c in self.controls if c.name is None)


@frozen
class StatusInfo:
    """One CMCStatusInfoV2 (or CMCStatusInfo) control of a response."""

    status: CMCStatus
    body_list: tuple[BodyRef, ...]
    status_string: str | None = None
    fail_info: CMCFailInfo | None = None
    extended_fail_info: str | None = None       # failInfoOID of extendedFailInfo
    pend_token: bytes | None = None
    pend_time: datetime.datetime | None = None


@frozen
class CmcResponse:
    """A parsed Full (or Simple) PKI Response."""

    status: CMCStatus                       # the first status that is not success, else success
    fail_info: CMCFailInfo | None
    certificates: tuple[x509.Certificate, ...]
    statuses: tuple[StatusInfo, ...]
    transaction_id: int | None
    sender_nonce: bytes | None
    recipient_nonce: bytes | None
    simple: bool                            # a Simple PKI Response (certs-only, no PKIResponse)
    signer: x509.Certificate | None
    verified: bool
    status_string: str | None = None

    def issued_for(self, public_key: Any) -> x509.Certificate | None:
        """The certificate among `certificates` for `public_key`, if any."""
        want = spki(public_key)
        for cert in self.certificates:
            with contextlib.suppress(ValueError, UnsupportedAlgorithm):
                if spki(cert.public_key()) == want:
                    return cert
        return None


# -- encoding helpers -----------------------------------------------------------------------


def _control(body_part_id: int, name: str, value: Any) -> TaggedAttribute:
    return TaggedAttribute({"body_part_id": body_part_id, "attr_type": name,
                            "attr_values": [value]})


def _nonce(value: bytes | None) -> bytes:
    return secrets.token_bytes(16) if value is None else value


def _transaction_id(value: int | None) -> int:
    return secrets.randbits(63) if value is None else value


# -- signing and verifying ------------------------------------------------------------------

_HASHES = {name: h for name, h in HASHES.items() if name != "md5"}


def _sign(content_type: str, econtent: bytes, key: SigningKey | None,
          cert: x509.Certificate | None, *, key_id: bytes | None = None,
          certificates: Sequence[x509.Certificate] = ()) -> bytes:
    """ContentInfo SignedData of `econtent` (SHA-256), signed by `key` when given.

    The signer is named by `cert` (issuerAndSerialNumber, and `cert` is added to
    the certificates) or else by `key_id` (subjectKeyIdentifier).
    """
    if key is not None and cert is not None and spki(cert.public_key()) != spki(key.public_key()):
        raise ValueError("the signer certificate is not for the signer key")
    return sign(content_type, econtent, key, cert, key_id=key_id, certificates=certificates)


def _verify_with(public: Any, info: cms.SignerInfo, data: bytes, digest: str) -> None:
    """Check `info`'s signature over `data` with `public`; CmcError if it fails."""
    algorithm = info["signature_algorithm"]
    signature = info["signature"].native
    try:
        kind = algorithm.signature_algo
        scheme: Any = None
        hash_algorithm: hashes.HashAlgorithm = _HASHES[digest]()
        if kind == "rsassa_pss":
            params = algorithm["parameters"]
            hash_name = params["hash_algorithm"]["algorithm"].native
            mgf_hash = params["mask_gen_algorithm"]["parameters"]["algorithm"].native
            if hash_name not in _HASHES or mgf_hash not in _HASHES:
                raise CmcError(CMCFailInfo.badAlg, f"unsupported PSS hash {hash_name}")
            scheme = padding.PSS(padding.MGF1(_HASHES[mgf_hash]()), params["salt_length"].native)
            hash_algorithm = _HASHES[hash_name]()
        if not verify_signature(public, signature, data, hash_algorithm, kind, scheme):
            raise CmcError(CMCFailInfo.badAlg, f"{kind} signature by another key type"
                           if kind in ("ed25519", "ed448")
                           else f"{kind} signature and a {type(public).__name__}")
    except InvalidSignature:
        raise CmcError(CMCFailInfo.badMessageCheck, "the signature does not verify") from None
    except CmcError:
        raise
    except (ValueError, KeyError, TypeError) as e:
        raise CmcError(CMCFailInfo.badAlg, f"unusable signature algorithm: {e}") from e


def _check_signer(info: cms.SignerInfo, content_type: str, econtent: bytes,
                  candidates: Sequence[Any]) -> Any:
    """The first of `candidates` (certificate or CSR) whose key made `info`."""
    digest = info["digest_algorithm"]["algorithm"].native
    if digest not in _HASHES:
        raise CmcError(CMCFailInfo.badAlg, f"unsupported digest algorithm {digest}")
    signed_attrs = info["signed_attrs"]
    if isinstance(signed_attrs, core.Void):
        # RFC 5652 5.3 wants signedAttrs unless the content is id-data; the
        # signature is then over the content itself, still a valid check.
        data = econtent
    else:
        with _reading("signed attributes", CMCFailInfo.badMessageCheck):
            types = [a["type"].native for a in signed_attrs]
            attrs = {a["type"].native: a["values"] for a in signed_attrs}
            if types.count("message_digest") != 1 or types.count("content_type") != 1 \
                    or len(attrs["message_digest"]) != 1 or len(attrs["content_type"]) != 1:
                raise CmcError(CMCFailInfo.badMessageCheck,
                               "signed attributes without one contentType and messageDigest")
            claimed_type = attrs["content_type"][0].dotted
            claimed_digest = attrs["message_digest"][0].native
        if claimed_type != content_type:
            raise CmcError(CMCFailInfo.badMessageCheck,
                           f"signed contentType {claimed_type} is not {content_type}")
        if claimed_digest != digest_of(digest, econtent):
            raise CmcError(CMCFailInfo.badMessageCheck, "messageDigest does not match")
        data = signed_data(signed_attrs)
    if not candidates:
        raise CmcError(CMCFailInfo.badCertId, "the signer's certificate or key is unknown")
    error: CmcError | None = None
    for candidate in candidates:
        try:
            try:
                public = candidate.public_key()
            except (ValueError, UnsupportedAlgorithm) as e:
                raise CmcError(CMCFailInfo.badAlg, f"unusable signer key: {e}") from e
            _verify_with(public, info, data, digest)
            return candidate
        except CmcError as e:
            error = error if error and error.fail_info == CMCFailInfo.badMessageCheck else e
    assert error is not None
    raise error


def _sid(info: cms.SignerInfo) -> tuple[bytes | None, tuple[bytes, int] | None]:
    """(subjectKeyIdentifier, None) or (None, (issuer Name DER, serial)) of a SignerInfo."""
    sid = info["sid"]
    if sid.name == "subject_key_identifier":
        return bytes(sid.chosen.native), None
    return None, (bytes(sid.chosen["issuer"].dump()), int(sid.chosen["serial_number"].native))


def _verify_signers(infos: Sequence[cms.SignerInfo], content_type: str, econtent: bytes,
                    certs: Sequence[x509.Certificate],
                    requests: Sequence[TaggedCsr] = ()) -> tuple[Any, CmcError | None]:
    """(what made the first SignerInfo, why not all verified) for `infos`.

    A signer is a certificate matching the SignerIdentifier, else (subjectKeyIdentifier
    only) the key of a tcr request: the one whose key identifier matches, else any.
    """
    first: Any = None
    error: CmcError | None = None
    if not infos:
        error = CmcError(CMCFailInfo.badMessageCheck, "the message is not signed")
    for index, info in enumerate(infos):
        ski, _ = _sid(info)
        candidates: list[Any] = [c for c in certs if matches_sid(info["sid"], c)]
        if ski is not None and requests:
            by_id = [r.csr for r in requests if ski in key_ids(r.csr)]
            candidates += by_id or [r.csr for r in requests]
        try:
            found = _check_signer(info, content_type, econtent, candidates)
        except CmcError as e:
            error, found = error or e, None
        if index == 0:
            first = found
    return first, error


def _open_signed(der: bytes, what: str) -> tuple[cms.SignedData, str, bytes | None,
                                                   list[x509.Certificate]]:
    """(SignedData, eContentType, eContent, certificates) of a ContentInfo."""
    with _reading(what):
        outer = cms.ContentInfo.load(der, strict=True)
        if outer["content_type"].native != "signed_data":
            raise CmcError(CMCFailInfo.badRequest,
                           f"{what} is {outer['content_type'].native}, not SignedData")
        signed = outer["content"]
        encap = signed["encap_content_info"]
        content_type = encap["content_type"].dotted
        # eContent by hand: [0] EXPLICIT OCTET STRING (also BER constructed), or the
        # PKCS#7 form some v1 writers use, the content itself.
        econtent = None
        fields = elements(encap.contents)
        if len(fields) > 1:
            _, _, _, _, inner, _ = parser.parse(fields[1])
            item = elements(inner)[0]
            class_, _, tag, _, _, _ = parser.parse(item)
            econtent = octets(item) if (class_, tag) == (0, 4) else item
        certs = certificates_of(signed)
        _ = signed["signer_infos"].native    # parse them now: a bad one is malformed input
    return signed, content_type, econtent, certs


# -- requests -------------------------------------------------------------------------------


def build_request(csr: x509.CertificateSigningRequest, signer_key: SigningKey,
                  signer_cert: x509.Certificate | None = None, body_part_id: int = 1, *,
                  transaction_id: int | None = None, sender_nonce: bytes | None = None
                  ) -> bytes:
    """A Full PKI Request carrying `csr` as a tcr, as a client sends to /fullcmc.

    Controls: transactionId and senderNonce (random unless given).  Signed by
    `signer_key`; the SignerInfo names `signer_cert` (an existing certificate,
    re-enrolment) when given, else the subjectKeyIdentifier of the key (RFC 5272
    3.2.1: the request signed with the key being certified; the SKI is the CSR's
    SubjectKeyIdentifier extension if it has one, else the RFC 5280 SHA-1 one).
    """
    if not 0 < body_part_id <= _BODY_PART_MAX:
        raise ValueError("bodyPartID must be 1..4294967295")
    ids = [i for i in range(1, 4) if i != body_part_id][:2]
    pki_data = PKIData({
        "control_sequence": [
            _control(ids[0], "transaction_id", _transaction_id(transaction_id)),
            _control(ids[1], "sender_nonce", _nonce(sender_nonce))],
        "req_sequence": [TaggedRequest(name="tcr", value=TaggedCertificationRequest({
            "body_part_id": body_part_id,
            "certification_request": asn1_csr.CertificationRequest.load(
                csr.public_bytes(Encoding.DER))}))],
        "cms_sequence": [], "other_msg_sequence": []})
    key_id = None
    if signer_cert is None:
        if spki(csr.public_key()) == spki(signer_key.public_key()):
            with contextlib.suppress(x509.ExtensionNotFound, ValueError):
                key_id = csr.extensions.get_extension_for_class(
                    x509.SubjectKeyIdentifier).value.digest
    return _sign(ID_CCT_PKIDATA, pki_data.dump(), signer_key, signer_cert, key_id=key_id)


def parse_request(der: bytes, known: Sequence[x509.Certificate] = ()) -> CmcRequest:
    """Parse a Full PKI Request and check its signature(s).

    The signer's key is looked for among SignedData.certificates and `known`
    (by the SignerIdentifier), then among the tcr requests' keys (a request
    signed with the key being certified, SignerIdentifier a subjectKeyIdentifier).
    Verifying says only which key signed; whether that signer may enrol is the
    caller's decision.  Total over device bytes: whatever goes wrong is a CmcError.
    """
    with _reading("Full PKI Request"):
        return _parse_request(der, known)


def _parse_request(der: bytes, known: Sequence[x509.Certificate]) -> CmcRequest:
    signed, content_type, econtent, certs = _open_signed(der, "Full PKI Request")
    if content_type != ID_CCT_PKIDATA:
        raise CmcError(CMCFailInfo.badRequest,
                       f"eContentType {content_type} is not id-cct-PKIData")
    if econtent is None:
        raise CmcError(CMCFailInfo.badRequest, "the SignedData carries no PKIData")
    seen: set[int] = set()

    def identity(value: Any) -> int:
        part = int(value.native)
        if not 0 < part <= _BODY_PART_MAX or part in seen:
            raise CmcError(CMCFailInfo.badRequest,
                           f"bodyPartID {part} is reserved, out of range or repeated")
        seen.add(part)
        return part

    with _reading("PKIData"):
        data = PKIData.load(econtent, strict=True)
        controls, requests, unsupported, nested, others = [], [], [], [], []
        transaction_id = sender_nonce = None
        for attr in data["control_sequence"]:
            part = identity(attr["body_part_id"])
            name = attr["attr_type"].native
            values = attr["attr_values"]
            dumped = tuple(bytes(v.dump()) for v in values)
            if name == "transaction_id" and transaction_id is None:
                if len(values) != 1:
                    raise CmcError(CMCFailInfo.badRequest, "transactionId needs one value")
                transaction_id = int(values[0].native)
            elif name == "sender_nonce" and sender_nonce is None:
                if len(values) != 1:
                    raise CmcError(CMCFailInfo.badRequest, "senderNonce needs one value")
                sender_nonce = bytes(values[0].native)
            else:
                for value in values:
                    _ = value.native    # typed controls: malformed values are bad requests
            controls.append(Control(part, attr["attr_type"].dotted,
                                    name if name in CONTROLS.values() else None, dumped))
        for request in data["req_sequence"]:
            if request.name == "tcr":
                part = identity(request.chosen["body_part_id"])
                try:        # read whole; its signature is the caller's check (popFailed)
                    csr = load_csr(request.chosen["certification_request"].dump(), pop=False)
                except BadRequest as e:
                    raise CmcError(CMCFailInfo.badRequest,
                                   f"PKCS#10 of bodyPartID {part}: {e.reason}") from e
                requests.append(TaggedCsr(part, csr))
            elif request.name == "crm":
                unsupported.append(identity(request.chosen["cert_req"]["cert_req_id"]))
            else:
                unsupported.append(identity(request.chosen["body_part_id"]))
        for tagged in data["cms_sequence"]:
            nested.append((identity(tagged["body_part_id"]),
                           bytes(tagged["content_info"].dump())))
        for other in data["other_msg_sequence"]:
            others.append((identity(other["body_part_id"]), other["other_msg_type"].dotted))

    infos = list(signed["signer_infos"])
    key_id, issuer_serial = _sid(infos[0]) if infos else (None, None)
    found, verify_error = _verify_signers(infos, content_type, econtent, [*certs, *known],
                                          requests)
    signer = found if isinstance(found, x509.Certificate) else None
    signer_csr = next((r.body_part_id for r in requests if r.csr is found), None)
    return CmcRequest(
        der=bytes(der), pki_data=econtent, transaction_id=transaction_id,
        sender_nonce=sender_nonce, controls=tuple(controls), requests=tuple(requests),
        unsupported=tuple(unsupported), nested=tuple(nested), other_msgs=tuple(others),
        certificates=tuple(certs), signer=signer, signer_csr=signer_csr,
        signer_key_id=key_id, signer_issuer_serial=issuer_serial,
        verified=verify_error is None, verify_error=verify_error)


def wrap_request(request: bytes | CmcRequest, signer_key: SigningKey,
                 signer_cert: x509.Certificate, *, body_part_id: int = 1,
                 transaction_id: int | None = None, sender_nonce: bytes | None = None
                 ) -> bytes:
    """An RA's Full PKI Request encapsulating `request` (RFC 5272 section 7).

    The RA's own PKIData carries the original signed request, byte for byte, as
    the one TaggedContentInfo (bodyPartID `body_part_id`) of its cmsSequence, plus
    transactionId (the original's unless given) and a fresh senderNonce, and is
    signed by the RA.  The upstream sees both signatures; its answer refers to
    the inner requests by bodyPartPath [`body_part_id`, inner bodyPartID].
    `request` is a CmcRequest, a signed request (ContentInfo DER), or a bare
    PKIData the RA wrote itself, which is then just signed.
    """
    if isinstance(request, CmcRequest):
        inner, tid = request.der, request.transaction_id
    else:
        with _reading("request to wrap"):
            first = elements(parser.parse(bytes(request))[4])[0]
            if parser.parse(first)[2] != 6:     # SEQUENCE { SEQUENCE ... }: a PKIData
                _ = PKIData.load(bytes(request), strict=True).native
                return _sign(ID_CCT_PKIDATA, bytes(request), signer_key, signer_cert)
        inner = bytes(request)
        tid = parse_request(inner).transaction_id   # a request it cannot read is refused
    ids = [i for i in range(1, 4) if i != body_part_id][:2]
    pki_data = PKIData({
        "control_sequence": [
            _control(ids[0], "transaction_id", _transaction_id(
                transaction_id if transaction_id is not None else tid)),
            _control(ids[1], "sender_nonce", _nonce(sender_nonce))],
        "req_sequence": [],
        "cms_sequence": [TaggedContentInfo({"body_part_id": body_part_id,
                                            "content_info": cms.ContentInfo.load(inner)})],
        "other_msg_sequence": []})
    return _sign(ID_CCT_PKIDATA, pki_data.dump(), signer_key, signer_cert)


# -- responses ------------------------------------------------------------------------------


def _body_ref(ref: BodyRef) -> BodyPartReference:
    if isinstance(ref, int):
        return BodyPartReference(name="body_part_id", value=ref)
    return BodyPartReference(name="body_part_path", value=list(ref))


def build_response(status: CMCStatus, *, certificates: Sequence[x509.Certificate] = (),
                   fail_info: CMCFailInfo | None = None, body_part_ids: Sequence[BodyRef] = (),
                   transaction_id: int | None = None, recipient_nonce: bytes | None = None,
                   signer_key: SigningKey | None = None,
                   signer_cert: x509.Certificate | None = None,
                   status_string: str | None = None, sender_nonce: bytes | None = None,
                   pend_info: tuple[bytes, datetime.datetime] | None = None) -> bytes:
    """A Full PKI Response: PKIResponse in SignedData, certificates alongside.

    The controlSequence holds one CMCStatusInfoV2 whose bodyList is
    `body_part_ids` (bodyPartIDs or bodyPartPaths of the request; empty means 0,
    the request's PKIData as a whole), with `fail_info` (needed exactly when
    failed) or `pend_info` (token, time: needed when pending), then the
    transactionId and the request's senderNonce as recipientNonce when given.
    `certificates` (issued certificate first, then its chain) go into
    SignedData.certificates.  Signed (SHA-256; ECDSA or RSA PKCS#1 v1.5) when
    `signer_key` and `signer_cert` are given, else a SignedData without signerInfos.
    """
    status = CMCStatus(status)
    if (status == CMCStatus.failed) != (fail_info is not None):
        raise ValueError("a failInfo goes with status failed, and only with it")
    if (status == CMCStatus.pending) != (pend_info is not None):
        raise ValueError("a pendInfo goes with status pending, and only with it")
    if (signer_key is None) != (signer_cert is None):
        raise ValueError("signer_key and signer_cert go together")
    info: dict[str, Any] = {
        "cmc_status": int(status),
        "body_list": [_body_ref(ref) for ref in body_part_ids] or [_body_ref(0)]}
    if status_string is not None:
        info["status_string"] = status_string
    if fail_info is not None:
        info["other_info"] = core.Integer(int(CMCFailInfo(fail_info)))
    elif pend_info is not None:
        info["other_info"] = PendInfo({"pend_token": pend_info[0], "pend_time": pend_info[1]})
    controls = [_control(1, "status_info_v2", CMCStatusInfoV2(info))]
    if transaction_id is not None:
        controls.append(_control(len(controls) + 1, "transaction_id", transaction_id))
    if sender_nonce is not None:
        controls.append(_control(len(controls) + 1, "sender_nonce", sender_nonce))
    if recipient_nonce is not None:
        controls.append(_control(len(controls) + 1, "recipient_nonce", recipient_nonce))
    response = PKIResponse({"control_sequence": controls, "cms_sequence": [],
                            "other_msg_sequence": []})
    return _sign(ID_CCT_PKIRESPONSE, response.dump(), signer_key, signer_cert,
                 certificates=certificates)


def _other_info(value: core.Any) -> dict[str, Any]:
    """StatusInfo fields of an otherInfo CHOICE."""
    raw = value.dump()
    class_, _, tag, _, contents, _ = parser.parse(raw)
    if (class_, tag) == (0, 2):
        return {"fail_info": CMCFailInfo(core.Integer.load(raw).native)}
    if (class_, tag) == (0, 16) and parser.parse(elements(contents)[0])[2] == 4:
        pend = PendInfo.load(raw)
        return {"pend_token": pend["pend_token"].native, "pend_time": pend["pend_time"].native}
    if (class_, tag) == (0, 16):
        return {"extended_fail_info": _ExtendedFailInfo.load(raw)["fail_info_oid"].dotted}
    raise ValueError(f"otherInfo of tag {tag}")


def _status_info(value: Any, v2: bool) -> StatusInfo:
    body: list[BodyRef] = []
    for ref in value["body_list"]:
        if not v2 or ref.name == "body_part_id":
            body.append(int((ref.chosen if v2 else ref).native))
        else:
            body.append(tuple(int(p.native) for p in ref.chosen))
    other = value["other_info"]
    extra = {} if isinstance(other, core.Void) else _other_info(other)
    return StatusInfo(status=CMCStatus(value["cmc_status"].native), body_list=tuple(body),
                      status_string=value["status_string"].native, **extra)


def read_response(der: bytes, known: Sequence[x509.Certificate] = ()) -> CmcResponse:
    """Parse a Full PKI Response (or a Simple one: certs-only SignedData).

    `verified` says the (first) SignerInfo verified with a certificate from the
    message or `known`, and `signer` is that certificate; whether it is the CA
    or RA expected is the caller's decision.
    """
    signed, content_type, econtent, certs = _open_signed(der, "PKI Response")
    found, error = _verify_signers(list(signed["signer_infos"]), content_type,
                                   econtent or b"", [*certs, *known])
    signer, verified = found, error is None
    if content_type == ID_DATA and not econtent:
        return CmcResponse(status=CMCStatus.success, fail_info=None,
                           certificates=tuple(certs), statuses=(), transaction_id=None,
                           sender_nonce=None, recipient_nonce=None, simple=True,
                           signer=signer, verified=verified)
    if content_type != ID_CCT_PKIRESPONSE or econtent is None:
        raise CmcError(CMCFailInfo.badRequest,
                       f"eContentType {content_type} is not id-cct-PKIResponse")
    statuses: list[StatusInfo] = []
    echoed: dict[str, Any] = {}
    with _reading("PKIResponse"):
        response = PKIResponse.load(econtent, strict=True)
        for attr in response["control_sequence"]:
            name, values = attr["attr_type"].native, attr["attr_values"]
            if name in ("status_info_v2", "status_info"):
                statuses += [_status_info(v, name == "status_info_v2") for v in values]
            elif name in ("transaction_id", "sender_nonce", "recipient_nonce") and values:
                echoed.setdefault(name, values[0].native)
    if not statuses:
        raise CmcError(CMCFailInfo.badRequest, "the PKIResponse has no CMCStatusInfo")
    first = next((s for s in statuses if s.status != CMCStatus.success), statuses[0])
    return CmcResponse(
        status=first.status, fail_info=first.fail_info, certificates=tuple(certs),
        statuses=tuple(statuses), transaction_id=echoed.get("transaction_id"),
        sender_nonce=echoed.get("sender_nonce"), recipient_nonce=echoed.get("recipient_nonce"),
        simple=False, signer=signer, verified=verified, status_string=first.status_string)


def parse_response(der: bytes) -> tuple[CMCStatus, CMCFailInfo | None, list[x509.Certificate]]:
    """(status, failInfo, SignedData.certificates) of a Full or Simple PKI Response."""
    response = read_response(der)
    return response.status, response.fail_info, list(response.certificates)
