"""The RFC 9908 template form of /csrattrs: a CertificationRequestInfoTemplate.

RFC 9908 (which updates RFC 7030 4.5.2) adds a CsrAttrs attribute whose one
value is a partly filled-in PKCS#10 CertificationRequestInfo.  Clients that
understand it use it and ignore every other CsrAttrs element (RFC 9908 4);
older clients ignore it.  The ASN.1 used here (module CRITemplateModule,
implicit tags, as the LAMPS working group wrote it, with the OIDs RFC 9908 assigned):

    id-aa-certificationRequestInfoTemplate ::= { id-aa 61 }   -- 1.2.840.113549.1.9.16.2.61
    id-aa-extensionReqTemplate             ::= { id-aa 62 }   -- 1.2.840.113549.1.9.16.2.62

    CertificationRequestInfoTemplate ::= SEQUENCE {
        version       INTEGER { v1(0) } (v1, ... ),
        subject       NameTemplate OPTIONAL,
        subjectPKInfo [0] SubjectPublicKeyInfoTemplate {{ PKInfoAlgorithms }} OPTIONAL,
        attributes    [1] Attributes{{ CRIAttributes }} }

    NameTemplate ::= CHOICE { rdnSequence RDNSequenceTemplate }
    RDNSequenceTemplate ::= SEQUENCE OF RelativeDistinguishedNameTemplate
    RelativeDistinguishedNameTemplate ::= SET SIZE (1..MAX) OF SingleAttributeTemplate
    SingleAttributeTemplate ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY OPTIONAL }

    SubjectPublicKeyInfoTemplate ::= SEQUENCE {
        algorithm        AlgorithmIdentifier,
        subjectPublicKey BIT STRING OPTIONAL }

    ExtensionReqTemplate ::= ExtensionTemplates       -- value of id-aa-extensionReqTemplate
    ExtensionTemplates ::= SEQUENCE SIZE (1..MAX) OF ExtensionTemplate
    ExtensionTemplate ::= SEQUENCE {
        extnID    OBJECT IDENTIFIER,
        critical  BOOLEAN DEFAULT FALSE,
        extnValue OCTET STRING OPTIONAL }

Meaning (RFC 9908 3.4): an RDN or extension without a value is one the client
fills in; `subjectPKInfo` gives the key type (for EC the curve is the
algorithm's parameters) and carries `subjectPublicKey` only to give an RSA
size, as a dummy key of that modulus length; `subject` and `subjectPKInfo` are
absent when the server has no requirement on them.  `attributes` is not
OPTIONAL, so it is an empty SET when no extension is asked for.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from asn1crypto import core, keys
from asn1crypto import x509 as asn1_x509

__all__ = ["CSR_TEMPLATE", "EXTENSION_REQ_TEMPLATE", "EXTENSION_REQUEST", "EXT_KEY_USAGE",
           "template_der", "extension_request_der", "ext_key_usage_der",
           "CertificationRequestInfoTemplate", "TemplateAttribute"]

CSR_TEMPLATE = "1.2.840.113549.1.9.16.2.61"            # id-aa-certificationRequestInfoTemplate
EXTENSION_REQ_TEMPLATE = "1.2.840.113549.1.9.16.2.62"  # id-aa-extensionReqTemplate

EXTENSION_REQUEST = "1.2.840.113549.1.9.14"            # PKCS#9 extensionRequest
EXT_KEY_USAGE = "2.5.29.37"                            # id-ce-extKeyUsage

_EC = "1.2.840.10045.2.1"            # id-ecPublicKey
_RSA = "1.2.840.113549.1.1.1"        # rsaEncryption
_CURVES = {"secp256r1": "1.2.840.10045.3.1.7", "prime256v1": "1.2.840.10045.3.1.7",
           "secp384r1": "1.3.132.0.34", "secp521r1": "1.3.132.0.35"}
_OID = re.compile(r"^[0-2](\.(0|[1-9][0-9]*))+$")
_MIN_RSA_BITS, _MAX_RSA_BITS = 1024, 16384


class SingleAttributeTemplate(core.Sequence):
    _fields = [("type", core.ObjectIdentifier),
               ("value", core.Any, {"optional": True})]


class RelativeDistinguishedNameTemplate(core.SetOf):
    _child_spec = SingleAttributeTemplate


class RDNSequenceTemplate(core.SequenceOf):
    _child_spec = RelativeDistinguishedNameTemplate


class NameTemplate(core.Choice):
    _alternatives = [("rdn_sequence", RDNSequenceTemplate)]


class SubjectPublicKeyInfoTemplate(core.Sequence):
    _fields = [("algorithm", keys.PublicKeyAlgorithm),
               ("subject_public_key", core.OctetBitString, {"optional": True})]


class ExtensionTemplate(core.Sequence):
    _fields = [("extn_id", core.ObjectIdentifier),
               ("critical", core.Boolean, {"default": False}),
               ("extn_value", core.OctetString, {"optional": True})]


class ExtensionTemplates(core.SequenceOf):
    _child_spec = ExtensionTemplate


class _Values(core.SetOf):
    _child_spec = core.Any


class Attribute(core.Sequence):
    _fields = [("type", core.ObjectIdentifier), ("values", _Values)]


class Attributes(core.SetOf):
    _child_spec = Attribute


class CertificationRequestInfoTemplate(core.Sequence):
    _fields = [("version", core.Integer),
               ("subject", NameTemplate, {"optional": True}),
               ("subject_pk_info", SubjectPublicKeyInfoTemplate,
                {"implicit": 0, "optional": True}),
               ("attributes", Attributes, {"implicit": 1})]


class _TemplateValues(core.SetOf):
    _child_spec = CertificationRequestInfoTemplate


class TemplateAttribute(core.Sequence):
    """The CsrAttrs element: Attribute { id-aa-certificationRequestInfoTemplate, {template} }."""

    _fields = [("type", core.ObjectIdentifier), ("values", _TemplateValues)]


def _oid(value: str, what: str) -> str:
    if not isinstance(value, str) or not _OID.match(value):
        raise ValueError(f"{what}: {value!r} is not a dotted OID")
    return value


def _rsa_placeholder(bits: int) -> bytes:
    """DER RSAPublicKey of exactly `bits` bits: only its size means anything.

    RFC 9908 3.4 asks for a dummy public key of the desired RSA modulus length
    and does not say which; this is not a usable key (modulus 2^(bits-1) + 1).
    """
    der: bytes = keys.RSAPublicKey({"modulus": (1 << (bits - 1)) | 1,
                                    "public_exponent": 65537}).dump()
    return der


def _key_template(key: tuple[str, str | int]) -> SubjectPublicKeyInfoTemplate:
    kind, param = key
    if kind == "ec":
        if not isinstance(param, str):
            raise ValueError(f"EC curve: {param!r} is not a curve name or dotted OID")
        curve = _oid(_CURVES.get(param, param), "EC curve")
        algorithm = keys.PublicKeyAlgorithm({
            "algorithm": _EC, "parameters": keys.ECDomainParameters("named", curve)})
        return SubjectPublicKeyInfoTemplate({"algorithm": algorithm})
    if kind == "rsa":
        if isinstance(param, bool) or not isinstance(param, int) or \
                not _MIN_RSA_BITS <= param <= _MAX_RSA_BITS:
            raise ValueError(f"RSA size: {param!r} is not a bit length in "
                             f"{_MIN_RSA_BITS}..{_MAX_RSA_BITS}")
        algorithm = keys.PublicKeyAlgorithm({"algorithm": _RSA, "parameters": core.Null()})
        return SubjectPublicKeyInfoTemplate({"algorithm": algorithm,
                                             "subject_public_key": _rsa_placeholder(param)})
    raise ValueError(f"key type {kind!r}: only 'ec' and 'rsa' are supported")


def ext_key_usage_der(usages: Sequence[str]) -> bytes:
    """DER ExtKeyUsageSyntax (RFC 5280 4.2.1.12) of the dotted OIDs `usages`."""
    return bytes(core.SequenceOf(
        [core.ObjectIdentifier(_oid(u, "extended key usage")) for u in usages],
        spec=core.ObjectIdentifier).dump())


class _ExtensionValues(core.SetOf):
    _child_spec = asn1_x509.Extensions


class _ExtensionRequest(core.Sequence):
    _fields = [("type", core.ObjectIdentifier), ("values", _ExtensionValues)]


def extension_request_der(values: Mapping[str, bytes]) -> bytes:
    """DER of the CsrAttrs Attribute extensionRequest whose one value is Extensions
    with these extensions (OID -> DER extnValue, not critical): the values the CSR
    is to ask for, RFC 7030 4.5.2 as RFC 9908 clarifies it for clients that do not
    read the template."""
    extensions = asn1_x509.Extensions([asn1_x509.Extension({
        "extn_id": _oid(oid, "extension"), "critical": False,
        "extn_value": core.ParsableOctetString(value)}) for oid, value in values.items()])
    return bytes(_ExtensionRequest({"type": EXTENSION_REQUEST,
                                    "values": _ExtensionValues([extensions])}).dump())


def template_der(subject_attrs: Sequence[str], key: tuple[str, str | int] | None,
                 extensions: Sequence[str], values: Mapping[str, bytes] | None = None
                 ) -> bytes:
    """DER of one CsrAttrs Attribute carrying a CertificationRequestInfoTemplate.

    `subject_attrs`: attribute type OIDs the subject must have, each its own
    RDN with the value left to the client (none: no `subject`).  `key`:
    ("ec", curve name or OID) or ("rsa", modulus bits), or None for no key
    requirement.  `extensions`: extension OIDs the CSR must request, values
    left to the client, sent as one id-aa-extensionReqTemplate attribute
    (none: `attributes` is the empty SET). `values`: extensions (OID -> DER
    extnValue) the CSR must request with exactly that value, in the same attribute.
    """
    if isinstance(subject_attrs, str) or isinstance(extensions, str):
        raise TypeError("subject_attrs and extensions are lists of OIDs")
    fields: dict[str, object] = {"version": 0}
    if subject_attrs:
        rdns = [RelativeDistinguishedNameTemplate(
                    [SingleAttributeTemplate({"type": _oid(oid, "subject attribute")})])
                for oid in subject_attrs]
        fields["subject"] = NameTemplate("rdn_sequence", RDNSequenceTemplate(rdns))
    if key is not None:
        fields["subject_pk_info"] = _key_template(key)
    attributes = Attributes([])
    given = dict(values or {})
    if extensions or given:
        oids = [_oid(oid, "extension") for oid in extensions if oid not in given]
        oids += [_oid(oid, "extension") for oid in given]
        if len(set(oids)) != len(oids):
            raise ValueError("an extension is listed twice")
        wanted = ExtensionTemplates([ExtensionTemplate(
            {"extn_id": oid, **({"extn_value": given[oid]} if oid in given else {})})
            for oid in oids])
        attributes = Attributes([Attribute({"type": EXTENSION_REQ_TEMPLATE,
                                            "values": _Values([wanted])})])
    fields["attributes"] = attributes
    template = CertificationRequestInfoTemplate(fields)
    return bytes(TemplateAttribute({"type": CSR_TEMPLATE,
                                    "values": _TemplateValues([template])}).dump())
