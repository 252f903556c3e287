"""CMS (RFC 5652) pieces shared by SCEP (`estra.asn1.scep_message`) and CMC (`estra.asn1.cmc`).

No I/O and no protocol: walking DER elements, naming and finding a signer
(issuerAndSerialNumber or subjectKeyIdentifier), building a SignedData signed
over signed attributes, and checking such a signature.  asn1crypto for the
ASN.1, cryptography for keys, signatures and digests.

Nothing here raises a protocol error: parser complaints are ValueError,
a bad signature is InvalidSignature and a key that cannot make the signature
is a False result, for the caller to turn into its ScepError or CmcError
(`reading` does that for parser complaints, given the caller's error factory).
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator, Sequence, Union

from asn1crypto import cms, core, parser
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from estra.asn1.wire import read_fields

__all__ = ["ID_DATA", "HASHES", "SigningKey", "OctetSet", "Utf8Set", "OrderedCertificateSet",
           "reading", "elements", "octets", "spki", "subject_key_id", "key_ids", "asn1_name",
           "asn1_cert", "issuer_serial", "matches_sid", "certificates_of", "digest_of",
           "attribute", "signed_data", "verify_signature", "sign"]

ID_DATA = "1.2.840.113549.1.7.1"
#: digest algorithms: asn1crypto name -> cryptography hash (each protocol allows a subset)
HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "md5": hashes.MD5, "sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
    "sha384": hashes.SHA384, "sha512": hashes.SHA512, "sha3_256": hashes.SHA3_256,
    "sha3_384": hashes.SHA3_384, "sha3_512": hashes.SHA3_512}
SigningKey = Union[ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey]


class OctetSet(core.SetOf):
    _child_spec = core.OctetString


class Utf8Set(core.SetOf):
    _child_spec = core.UTF8String


class OrderedCertificateSet(cms.CertificateSet):
    """SignedData.certificates in the order given (issued certificate first), as
    OpenSSL and cryptography write them, instead of DER's sorted SET OF."""

    def _set_contents(self, force: bool = False) -> None:
        if self.children is None:
            self._parse_children()
        self._contents = b"".join(_as_loaded(child) for child in self)
        self._header = None
        self._trailer = b""


def _as_loaded(choice: Any) -> bytes:
    """A loaded certificate's DER as it came.  asn1crypto re-encodes an element
    whose long-form length ends in 0x80 (it takes it for indefinite), which fails
    on content it cannot parse, e.g. a device's subject value in an OCTET STRING."""
    value = choice.chosen
    if choice.name != "certificate" or value._header is None:
        return bytes(choice.dump())
    return bytes(value._header + value._contents + value._trailer)


# -- encoding -------------------------------------------------------------------------------


@contextlib.contextmanager
def reading(what: str, error: Callable[[str], Exception], own: type[Exception],
            catch: tuple[type[Exception], ...] = (Exception,)) -> Iterator[None]:
    """Turn a parser's complaint (`catch`: by default any, as asn1crypto and
    cryptography raise many kinds over device bytes) into
    ``error("unreadable <what>: ...")``; the caller's `own` errors pass unchanged."""
    try:
        yield
    except own:
        raise
    except catch as e:
        raise error(f"unreadable {what}: {e}") from e


def elements(data: bytes) -> list[bytes]:
    """The encoded elements that follow each other in `data`."""
    found = []
    while data:
        size = parser.peek(data)
        found.append(data[:size])
        data = data[size:]
    return found


def octets(encoded: bytes) -> bytes:
    """An OCTET STRING's value under any tag, also BER constructed (as Go's pkcs7 writes it)."""
    _, method, _, _, contents, _ = parser.parse(encoded)
    return contents if method == 0 else b"".join(map(octets, elements(contents)))


def spki(public_key: Any) -> bytes:
    """The DER SubjectPublicKeyInfo of `public_key`."""
    return bytes(public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))


def subject_key_id(public_key: Any) -> bytes:
    """RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING."""
    return x509.SubjectKeyIdentifier.from_public_key(public_key).digest


def key_ids(item: x509.Certificate | x509.CertificateSigningRequest, *,
            computed: bool = True) -> set[bytes]:
    """The key identifiers a SignerIdentifier may name `item`'s key by: its
    SubjectKeyIdentifier extension (a CSR's requested one) and, when `computed`,
    the RFC 5280 one."""
    ids = set()
    if computed:
        with contextlib.suppress(ValueError, UnsupportedAlgorithm):
            ids.add(subject_key_id(item.public_key()))
    with contextlib.suppress(x509.ExtensionNotFound, ValueError):
        ids.add(item.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest)
    return ids


def asn1_name(name: x509.Name) -> asn1_x509.Name:
    return asn1_x509.Name.load(name.public_bytes())


def asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def issuer_serial(cert: x509.Certificate) -> cms.IssuerAndSerialNumber:
    """The IssuerAndSerialNumber naming `cert`."""
    return cms.IssuerAndSerialNumber({"issuer": asn1_name(cert.issuer),
                                      "serial_number": cert.serial_number})


def matches_sid(sid: cms.SignerIdentifier | cms.RecipientIdentifier, cert: x509.Certificate,
                *, computed: bool = True) -> bool:
    """Whether the SignerIdentifier (or a KeyTransRecipientInfo's RecipientIdentifier,
    the same CHOICE) `sid` names `cert` (see `key_ids` for `computed`)."""
    if sid.name == "issuer_and_serial_number":
        return bool(issuer_serial(cert).dump() == sid.chosen.dump(force=True))
    return bytes(sid.chosen.native) in key_ids(cert, computed=computed)


def certificates_of(signed: cms.SignedData) -> list[x509.Certificate]:
    """The X.509 certificates among SignedData.certificates, each read whole
    (`wire.read_fields`): ValueError if one cannot be, whatever cryptography raised."""
    certs = []
    for choice in signed["certificates"] or []:
        if choice.name == "certificate":
            try:
                cert = x509.load_der_x509_certificate(choice.chosen.dump())
            except Exception as e:  # InvalidVersion is no ValueError
                raise ValueError(f"certificate: {e}") from e
            read_fields(cert)
            certs.append(cert)
    return certs


def digest_of(name: str, data: bytes) -> bytes:
    """The `name` (a `HASHES` key) digest of `data`."""
    h = hashes.Hash(HASHES[name]())
    h.update(data)
    return h.finalize()


def attribute(type_: str, value: Any) -> cms.CMSAttribute:
    """A CMS attribute of one value."""
    return cms.CMSAttribute({"type": type_, "values": [value]})


def signed_data(signed_attrs: cms.CMSAttributes) -> bytes:
    """What a signature over signed attributes covers: signed as SET OF, sent as [0]."""
    return b"\x31" + bytes(signed_attrs.dump())[1:]


# -- signatures -----------------------------------------------------------------------------


def verify_signature(public: Any, signature: bytes, data: bytes,
                     hash_algorithm: hashes.HashAlgorithm, kind: str | None = None,
                     rsa_padding: Any = None) -> bool:
    """Check `signature` over `data` with `public`: InvalidSignature if it does not verify.

    `kind` is the signature algorithm (asn1crypto's ``signature_algo``); None
    means RSA PKCS#1 v1.5 or ECDSA, whichever `public` is.  `rsa_padding` is for
    RSASSA-PSS (PKCS#1 v1.5 when None).  False when `public` cannot make such
    a signature.
    """
    if isinstance(public, rsa.RSAPublicKey) and kind in (None, "rsassa_pkcs1v15", "rsassa_pss"):
        public.verify(signature, data, rsa_padding or padding.PKCS1v15(), hash_algorithm)
    elif isinstance(public, ec.EllipticCurvePublicKey) and kind in (None, "ecdsa"):
        public.verify(signature, data, ec.ECDSA(hash_algorithm))
    elif isinstance(public, dsa.DSAPublicKey) and kind == "dsa":
        public.verify(signature, data, hash_algorithm)
    elif isinstance(public, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)) \
            and kind in ("ed25519", "ed448"):
        public.verify(signature, data)
    else:
        return False
    return True


def sign(content_type: str, econtent: bytes | None, key: SigningKey | None,
         cert: x509.Certificate | None, *, digest: str = "sha256",
         attributes: Sequence[cms.CMSAttribute] = (), key_id: bytes | None = None,
         certificates: Sequence[x509.Certificate] = ()) -> bytes:
    """ContentInfo SignedData of `econtent` (none when None), signed by `key` when given.

    The signed attributes are contentType, messageDigest (`digest`, a `HASHES`
    key) and `attributes`; the signature is ECDSA or RSA PKCS#1 v1.5.  The
    signer is named by `cert` (issuerAndSerialNumber, and `cert` is added to
    `certificates`) or else by `key_id` (subjectKeyIdentifier, the RFC 5280 one
    of the key when None).  The certificates keep their order.
    """
    certs = list(certificates)
    if cert is not None and cert not in certs:
        certs.append(cert)
    infos = []
    if key is not None:
        attrs = cms.CMSAttributes([attribute("content_type", content_type),
                                   attribute("message_digest",
                                             digest_of(digest, econtent or b"")),
                                   *attributes])
        to_sign, hash_algorithm = attrs.dump(), HASHES[digest]()
        if isinstance(key, ec.EllipticCurvePrivateKey):
            signature = key.sign(to_sign, ec.ECDSA(hash_algorithm))
            algorithm: dict[str, Any] = {"algorithm": f"{digest}_ecdsa"}
        elif isinstance(key, rsa.RSAPrivateKey):
            signature = key.sign(to_sign, padding.PKCS1v15(), hash_algorithm)
            algorithm = {"algorithm": "rsassa_pkcs1v15", "parameters": core.Null()}
        else:
            raise TypeError(f"cannot sign CMS with a {type(key).__name__}")
        if cert is not None:
            sid: dict[str, Any] = {"issuer_and_serial_number": issuer_serial(cert)}
        else:
            sid = {"subject_key_identifier": key_id or subject_key_id(key.public_key())}
        infos.append(cms.SignerInfo({
            "version": "v1" if cert is not None else "v3", "sid": sid,
            "digest_algorithm": {"algorithm": digest}, "signed_attrs": attrs,
            "signature_algorithm": algorithm, "signature": signature}))
    encap: dict[str, Any] = {"content_type": content_type}
    if econtent is not None:
        encap["content"] = econtent
    # RFC 5652 5.1: v1 for id-data signed by issuerAndSerialNumber only, else v3
    v1 = content_type == ID_DATA and all(i["version"].native == "v1" for i in infos)
    signed: dict[str, Any] = {
        "version": "v1" if v1 else "v3",
        "digest_algorithms": [{"algorithm": digest}] if infos else [],
        "encap_content_info": encap, "signer_infos": infos}
    if certs:
        signed["certificates"] = OrderedCertificateSet([asn1_cert(c) for c in certs])
    return bytes(cms.ContentInfo({"content_type": "signed_data",
                                  "content": cms.SignedData(signed)}).dump())
