"""EST encodings (RFC 7030 4, RFC 8951): tolerant on input, conservative on output.

Input bodies may be base64 with or without line breaks (with or without a
Content-Transfer-Encoding header), PEM or raw DER.  Output is always base64,
either wrapped at 64 columns or on one line (see `choose_layout`).
"""

from __future__ import annotations

import base64
import binascii
import email
import re
from typing import Any, Callable, Iterable, Sequence

from asn1crypto import core
from asn1crypto import csr as asn1_csr
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7
from cryptography.x509.oid import AttributeOID, NameOID

from estra.errors import BadRequest, EstError, UnsupportedMediaType

__all__ = [
    "CERTS_ONLY", "PKCS7", "CSRATTRS", "decode_body", "load_csr",
    "check_content_type", "certs_only", "encode_base64", "choose_layout",
    "load_certs_only", "csrattrs_der", "challenge_password", "sans_of",
    "Layout", "certs_of_multipart", "csr_der", "csr_pem", "csr_without_challenge",
    "load_stored_csr", "csr_public_key", "serial_hex", "authority_key_id", "public_key_id",
    "REVOCATION_REASONS", "normalise_serial", "read_fields",
    "subject_of", "subject_text", "with_names",
]

CERTS_ONLY = "application/pkcs7-mime; smime-type=certs-only"
PKCS7 = "application/pkcs7-mime"
CSRATTRS = "application/csrattrs"

Layout = str  # "wrapped" (64 columns) or "single-line"
WRAPPED, SINGLE_LINE = "wrapped", "single-line"

_BASE64_TEXT = re.compile(rb"^[A-Za-z0-9+/=\s]*$")
_NOT_EST = re.compile("json|xml|html|multipart/|image/|audio/|video/")

#: RFC 5280 5.3.1 CRLReason names (removeFromCRL and aACompromise make no sense here).
REVOCATION_REASONS: dict[str, x509.ReasonFlags] = {
    "unspecified": x509.ReasonFlags.unspecified,
    "keyCompromise": x509.ReasonFlags.key_compromise,
    "cACompromise": x509.ReasonFlags.ca_compromise,
    "affiliationChanged": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessationOfOperation": x509.ReasonFlags.cessation_of_operation,
    "certificateHold": x509.ReasonFlags.certificate_hold,
    "privilegeWithdrawn": x509.ReasonFlags.privilege_withdrawn,
}


def authority_key_id(cert: x509.Certificate | None) -> str:
    """Hex key identifier of the CA that issued `cert` (its AKI), "" when unknown."""
    if cert is None:
        return ""
    try:
        aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    except (x509.ExtensionNotFound, ValueError):
        return ""
    return (aki.key_identifier or b"").hex()


def public_key_id(public_key: Any) -> str:
    """Hex key identifier of a CA's public key, as its certificates' AKI carries it."""
    return x509.SubjectKeyIdentifier.from_public_key(public_key).digest.hex()


def check_content_type(value: str | None, expected: str) -> None:
    """Refuse (415) only a Content-Type that is clearly not an EST body.

    Deployed clients send `application/pkcs10` in any case, with parameters,
    `application/x-pkcs10`, `application/octet-stream` or curl's default
    `application/x-www-form-urlencoded`; all of those are accepted.
    """
    if not value:
        return
    if _NOT_EST.search(value.lower()):
        raise UnsupportedMediaType(
            f"Content-Type {value.split(';')[0].strip()!r} is not an EST body; "
            f"send {expected}")


def decode_body(body: bytes, what: str = "request") -> bytes:
    """Return the DER inside `body`: base64 (any line layout), PEM or DER."""
    if body[:1] == b"\x30" and not _BASE64_TEXT.match(body):
        return body                   # raw DER: never strip, its last byte may be 0x20
    data = body.strip()
    if not data:
        raise BadRequest(f"empty {what} body")
    if data.startswith(b"-----BEGIN"):
        return _pem_to_der(data, what)
    if not _BASE64_TEXT.match(data):
        raise BadRequest(f"{what} body is neither base64, PEM nor DER")
    compact = b"".join(data.split())
    compact += b"=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError) as e:
        raise BadRequest(f"{what} body is not valid base64: {e}") from e


def _pem_to_der(data: bytes, what: str) -> bytes:
    lines = data.splitlines()
    inner = [ln for ln in lines[1:] if not ln.startswith(b"-----")
             and b":" not in ln]
    try:
        return base64.b64decode(b"".join(b"".join(inner).split()), validate=True)
    except (binascii.Error, ValueError) as e:
        raise BadRequest(f"{what} PEM body is not valid: {e}") from e


def is_single_line(body: bytes) -> bool:
    """True when a base64 body came on one line (no breaks inside it)."""
    stripped = body.strip()
    return len(stripped) > 76 and b"\n" not in stripped and b"\r" not in stripped


def load_csr(der: bytes, *, pop: bool = True) -> x509.CertificateSigningRequest:
    """Parse a PKCS#10 request and check its proof of possession (400 if not).

    Total: any failure is a `BadRequest`, and every field estra reads later
    (subject, attributes, extensions, subjectAltName, public key, signature
    algorithm) has been read once here (`read_fields`), so nothing downstream
    meets an unreadable CSR.  `pop=False` leaves the signature to the caller
    (CMC answers a bad one with its own failInfo).

    Tolerant of one deployed quirk: attributes not in DER SET OF order
    (strongSwan's SCEP client sends challengePassword before extensionRequest).
    Such a request is re-encoded with sorted attributes after its signature
    was checked over the bytes the device signed; `csr_der` gives those
    original bytes back, so an upstream CA receives what the device signed.
    """
    try:
        csr = _load_csr(der, pop)
        read_fields(csr)
        _values(csr)["der"] = der            # what the device signed, for `csr_der`
    except EstError:
        raise
    except Exception as e:  # device bytes: any parser complaint is a 400
        raise BadRequest(f"body is not a usable PKCS#10 certificate request: {e}") from e
    return csr


def _load_csr(der: bytes, pop: bool) -> x509.CertificateSigningRequest:
    try:
        csr = x509.load_der_x509_csr(der)
    except ValueError as e:
        if "InvalidSetOrdering" not in str(e):
            raise BadRequest(f"body is not a PKCS#10 certificate request: {e}") from e
        return _load_unsorted_csr(der)
    if not pop:
        return csr
    try:
        valid = csr.is_signature_valid
    except Exception as e:  # unsupported key or signature algorithm
        raise BadRequest(f"CSR signature cannot be checked: {e}") from e
    if not valid:
        raise BadRequest("CSR signature does not verify (no proof of possession)")
    return csr


def read_fields(item: x509.Certificate | x509.CertificateSigningRequest) -> None:
    """Read every field of `item` that estra uses; ValueError naming the first
    that cannot be read (cryptography parses lazily and raises more than
    ValueError: InvalidVersion, UnsupportedAlgorithm, DuplicateExtension ...).
    A CSR's subject, its text, subjectAltNames, public key and challengePassword
    are kept (`subject_of`, `subject_text`, `sans_of` ...): the later stages of
    the request (policy, record, CA) reuse them instead of parsing again."""
    try:
        if isinstance(item, x509.CertificateSigningRequest):
            _read_csr(item)
            return
        names = [item.subject, item.issuer]
        _ = item.serial_number, item.not_valid_before_utc, item.not_valid_after_utc
        for name in names:
            name.rfc4514_string()
            for attr in name:
                str(attr.value)
        for ext in item.extensions:
            _ = ext.value
        _sans_of(item)
        item.public_key()
    except ValueError:
        raise
    except Exception as e:  # see the docstring
        raise ValueError(f"{type(e).__name__}: {e}") from e


def _read_csr(csr: x509.CertificateSigningRequest) -> None:
    """`read_fields` of a CSR, in the same order, keeping what later stages ask for."""
    values = _values(csr)
    if "read" in values:
        return                            # this very CSR was read in full already
    subject = values["subject"] = csr.subject
    values["subject_text"] = subject.rfc4514_string()
    for attr in subject:
        str(attr.value)
    for ext in csr.extensions:
        _ = ext.value
    values["sans"] = _sans_of(csr)
    values["public_key"] = csr.public_key()
    _ = csr.signature_hash_algorithm
    for attribute in csr.attributes:
        _ = attribute.value
    password = values["challenge_password"] = _challenge_password(csr)
    if password is not None:
        password.decode("utf-8")
    values["read"] = True


#: id(csr) -> (csr, what was derived from it): per CSR object, so per request (nothing
#: carries over to another request, even one sending the same bytes)
_DERIVED: dict[int, tuple[x509.CertificateSigningRequest, dict[str, Any]]] = {}


def _values(csr: x509.CertificateSigningRequest) -> dict[str, Any]:
    entry = _DERIVED.get(id(csr))
    if entry is None or entry[0] is not csr:
        if len(_DERIVED) >= 256:
            _DERIVED.clear()
        entry = _DERIVED[id(csr)] = (csr, {})
    return entry[1]


def _derived(csr: x509.CertificateSigningRequest, what: str,
             compute: Callable[[x509.CertificateSigningRequest], Any]) -> Any:
    """`compute(csr)`, once per request rather than at every stage that asks (policy,
    record, CA): bounded to the requests in flight."""
    values = _values(csr)
    try:
        return values[what]
    except KeyError:
        value = values[what] = compute(csr)
        return value


def subject_of(csr: x509.CertificateSigningRequest) -> x509.Name:
    """`csr.subject` (cryptography builds a new Name at each access), once per request."""
    name: x509.Name = _derived(csr, "subject", _subject)
    return name


def _subject(csr: x509.CertificateSigningRequest) -> x509.Name:
    return csr.subject


def subject_text(csr: x509.CertificateSigningRequest) -> str:
    """The CSR subject as RFC 4514 text, once per request."""
    text: str = _derived(csr, "subject_text", lambda c: subject_of(c).rfc4514_string())
    return text


def csr_public_key(csr: x509.CertificateSigningRequest) -> Any:
    """`csr.public_key()` (decoding an EC point costs ~30 us), once per request."""
    return _derived(csr, "public_key", x509.CertificateSigningRequest.public_key)


_ORIGINAL: dict[bytes, bytes] = {}     # re-encoded DER -> the DER the device signed
_CHALLENGE_PASSWORD = AttributeOID.CHALLENGE_PASSWORD.dotted_string


def csr_der(csr: x509.CertificateSigningRequest) -> bytes:
    """The DER to forward for `csr`: what the device signed (see `load_csr`)."""
    entry = _DERIVED.get(id(csr))
    if entry is not None and entry[0] is csr and "der" in entry[1]:
        kept: bytes = entry[1]["der"]
        return kept
    der = csr.public_bytes(Encoding.DER)
    return _ORIGINAL.get(der, der)


def csr_pem(csr: x509.CertificateSigningRequest) -> str:
    """`csr_der` as PEM text, for CA REST APIs."""
    text = base64.encodebytes(csr_der(csr)).decode().replace("\n", "")
    lines = "\n".join(text[i:i + 64] for i in range(0, len(text), 64))
    return f"-----BEGIN CERTIFICATE REQUEST-----\n{lines}\n-----END CERTIFICATE REQUEST-----\n"


def _load_unsorted_csr(der: bytes) -> x509.CertificateSigningRequest:
    try:
        request = asn1_csr.CertificationRequest.load(der)
        info = request["certification_request_info"]
        signed = info.dump()                       # the bytes as the device signed them
        fixed = _reencoded(request, list(info["attributes"]), force=True)
        csr = x509.load_der_x509_csr(fixed)
        algorithm = csr.signature_hash_algorithm
        public = csr.public_key()
        signature = request["signature"].native
        if isinstance(public, rsa.RSAPublicKey) and algorithm is not None:
            public.verify(signature, signed, asym_padding.PKCS1v15(), algorithm)
        elif isinstance(public, ec.EllipticCurvePublicKey) and algorithm is not None:
            public.verify(signature, signed, ec.ECDSA(algorithm))
        else:
            raise BadRequest("CSR signature cannot be checked for this key type")
    except InvalidSignature:
        raise BadRequest("CSR signature does not verify (no proof of possession)") from None
    except (ValueError, TypeError, KeyError) as e:
        raise BadRequest(f"body is not a PKCS#10 certificate request: {e}") from e
    if len(_ORIGINAL) > 4096:
        _ORIGINAL.clear()
    _ORIGINAL[fixed] = der
    return csr


def _reencoded(request: asn1_csr.CertificationRequest, attributes: list[Any], *,
               force: bool = False, subject: Any = None) -> bytes:
    """`request` with `attributes` (put in DER SET OF order) and `subject` (None: its
    own), its signature as it was."""
    info = request["certification_request_info"]
    return bytes(asn1_csr.CertificationRequest({
        "certification_request_info": {
            "version": info["version"],
            "subject": info["subject"] if subject is None else subject,
            "subject_pk_info": info["subject_pk_info"],
            "attributes": sorted(attributes, key=lambda a: a.dump())},
        "signature_algorithm": request["signature_algorithm"],
        "signature": request["signature"]}).dump(force=force))


def csr_without_challenge(der: bytes) -> bytes:
    """The PKCS#10 request `der` without its challengePassword attribute, for storing.

    The signature is kept but no longer covers the bytes: check a request
    (`load_csr`) before stripping it, and read it back with `load_stored_csr`.
    A request without the attribute comes back unchanged.
    """
    try:
        request = asn1_csr.CertificationRequest.load(der)
        attributes = list(request["certification_request_info"]["attributes"])
        kept = [a for a in attributes if a["type"].dotted != _CHALLENGE_PASSWORD]
        return der if len(kept) == len(attributes) else _reencoded(request, kept)
    except (ValueError, TypeError, KeyError) as e:
        raise BadRequest(f"body is not a PKCS#10 certificate request: {e}") from e


_SAN_OID = "2.5.29.17"
_EXTENSION_REQUEST = "1.2.840.113549.1.9.14"


def with_names(csr: x509.CertificateSigningRequest, common_name: str | None,
               sans: Sequence[x509.GeneralName] | None) -> bytes:
    """The stored form (`csr_without_challenge`) of `csr` with its subject's commonName
    set to `common_name` (others kept) and its subjectAltNames replaced by `sans`
    (None: left as they are; an empty list removes them): the request a validator's
    data makes of a device's (issue #21), read back with `load_stored_csr`.  Like a
    stored request, its signature no longer covers its bytes: only a CA that takes
    the names from the request, not its signature (the embedded CA), can issue it."""
    request = asn1_csr.CertificationRequest.load(csr_without_challenge(csr_der(csr)))
    info = request["certification_request_info"]
    subject = info["subject"]
    if common_name is not None:
        cn = x509.NameAttribute(NameOID.COMMON_NAME, common_name) if common_name else None
        old = list(subject_of(csr))
        at = next((i for i, a in enumerate(old) if a.oid == NameOID.COMMON_NAME), len(old))
        kept = [a for a in old if a.oid != NameOID.COMMON_NAME]
        subject = asn1_x509.Name.load(x509.Name(
            kept[:at] + [cn] + kept[at:] if cn else kept).public_bytes())
    attributes = list(info["attributes"])
    if sans is not None:
        requested = [a for a in attributes if a["type"].dotted == _EXTENSION_REQUEST]
        extensions = [e for a in requested for v in a["values"] for e in v
                      if e["extn_id"].dotted != _SAN_OID]
        if sans:
            extensions.append(asn1_x509.Extension({
                "extn_id": _SAN_OID, "critical": not len(subject.chosen),
                "extn_value": asn1_x509.GeneralNames.load(
                    x509.SubjectAlternativeName(sans).public_bytes())}))
        attributes = [a for a in attributes if a["type"].dotted != _EXTENSION_REQUEST]
        if extensions:
            attributes.append(asn1_csr.CRIAttribute({
                "type": _EXTENSION_REQUEST, "values": [extensions]}))
    return _reencoded(request, attributes, subject=subject)


def load_stored_csr(der: bytes) -> x509.CertificateSigningRequest:
    """A request this RA checked when it arrived and stored (`csr_without_challenge`):
    parsed only, its signature not checked again (it does not cover the stored bytes)."""
    try:
        return x509.load_der_x509_csr(der)
    except ValueError as e:
        raise BadRequest(f"the stored request cannot be read: {e}") from e


def challenge_password(csr: x509.CertificateSigningRequest) -> bytes | None:
    """The CSR's challengePassword attribute value, if it has one."""
    value: bytes | None = _derived(csr, "challenge_password", _challenge_password)
    return value


def _challenge_password(csr: x509.CertificateSigningRequest) -> bytes | None:
    try:
        return csr.attributes.get_attribute_for_oid(
            AttributeOID.CHALLENGE_PASSWORD).value
    except x509.AttributeNotFound:
        return None
    except Exception as e:  # a device's attributes
        raise BadRequest(f"CSR attributes cannot be parsed: {e}") from e


def sans_of(source: x509.Certificate | x509.CertificateSigningRequest
            ) -> frozenset[x509.GeneralName]:
    """The set of subjectAltName entries of a certificate or a CSR (a CSR's once
    per request)."""
    if isinstance(source, x509.CertificateSigningRequest):
        names: frozenset[x509.GeneralName] = _derived(source, "sans", _sans_of)
        return names
    return _sans_of(source)


def _sans_of(source: x509.Certificate | x509.CertificateSigningRequest
             ) -> frozenset[x509.GeneralName]:
    try:
        ext = source.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return frozenset()
    except Exception as e:  # DuplicateExtension, UnsupportedGeneralNameType ...
        raise BadRequest(f"extensions cannot be parsed: {e}") from e
    return frozenset(ext.value)


def serial_hex(serial: int) -> str:
    """A serial number as `openssl x509 -serial` prints it: upper-case hex, an even
    number of digits (0x0A1B -> "0A1B").  The one form in the log, the store and
    the CLI."""
    if serial < 0:
        return "-" + serial_hex(-serial)
    digits = f"{serial:X}"
    return digits if len(digits) % 2 == 0 else "0" + digits


def normalise_serial(text: str) -> str:
    """An operator's serial ("a1b", "0A:1B", "serial=0A1B", "0x0a1b") in `serial_hex`
    form; ValueError when it is not hexadecimal."""
    digits = re.sub(r"[\s:]", "", text.strip())
    for prefix in ("serial=", "0x", "0X"):
        if digits.lower().startswith(prefix.lower()):
            digits = digits[len(prefix):]
    if not re.fullmatch(r"-?[0-9A-Fa-f]+", digits):
        raise ValueError(f"{text!r} is not a hexadecimal serial number")
    return serial_hex(int(digits, 16))


def certs_only(certs: Sequence[x509.Certificate]) -> bytes:
    """A degenerate PKCS#7 SignedData (certs-only) holding `certs`, as DER."""
    return pkcs7.serialize_certificates(list(certs), Encoding.DER)


def load_certs_only(body: bytes) -> list[x509.Certificate]:
    """Parse a certs-only PKCS#7 body (base64, PEM or DER) into certificates."""
    der = decode_body(body, "PKCS#7")
    try:
        return pkcs7.load_der_pkcs7_certificates(der)
    except Exception as e:  # any parser complaint is a 400
        raise BadRequest(f"not a certs-only PKCS#7: {e}") from e


def certs_of_multipart(body: bytes, content_type: str) -> list[x509.Certificate]:
    """The certificates in the certs-only part of a serverkeygen multipart answer."""
    try:
        message = email.message_from_bytes(
            f"Content-Type: {content_type}\r\n\r\n".encode("utf-8", "replace") + body)
        for part in message.walk() if message.is_multipart() else []:
            if "smime-type=certs-only" in str(part.get("Content-Type", "")).replace(" ", ""):
                payload = part.get_payload(decode=False)
                return load_certs_only(payload.encode("utf-8", "replace")
                                       if isinstance(payload, str) else b"")
    except EstError:
        raise
    except Exception as e:  # the email parser over a peer's bytes
        raise BadRequest(f"multipart answer cannot be parsed: {e}") from e
    raise BadRequest("no certs-only part in the multipart answer")


def encode_base64(der: bytes, layout: Layout) -> bytes:
    """Base64 of `der`: 64-column lines, or one line, always ending in CRLF-free LF."""
    text = base64.b64encode(der)
    if layout == SINGLE_LINE:
        return text + b"\n"
    return b"".join(text[i:i + 64] + b"\n" for i in range(0, len(text), 64))


def choose_layout(override: str, body: bytes | None, user_agent: str | None) -> Layout:
    """Pick the response base64 layout for one request.

    OpenSSL's base64 decoder garbles lines of 1024+ characters, while
    strongSwan 5.9's `pki` cannot decode line breaks at all.  `override` is
    the profile's setting: "wrapped", "single-line" or "auto"; in auto mode a
    request whose own base64 body came on one line, or a client known to need
    it gets one line; everyone else gets 64 columns.  strongSwan's `pki` and
    Bouncy Castle's EST client send no User-Agent (both decode one line), while
    the clients that pipe into OpenSSL (curl, wget, libest) always name themselves.
    """
    if override in (WRAPPED, SINGLE_LINE):
        return override
    if not user_agent or "strongswan" in user_agent.lower():
        return SINGLE_LINE
    if body is not None and is_single_line(body):
        return SINGLE_LINE
    return WRAPPED


class _AnySet(core.SetOf):
    _child_spec = core.Any


class _Attribute(core.Sequence):
    _fields = [("type", core.ObjectIdentifier), ("values", _AnySet)]


class _CsrAttrs(core.SequenceOf):
    _child_spec = core.Any


def csrattrs_der(entries: Iterable[tuple[str, Sequence[str | int]] | bytes]) -> bytes:
    """DER CsrAttrs (RFC 7030 4.5.2, RFC 9908): an OID alone, or an attribute.

    Each entry is (oid, values): with no values it is the bare OID
    (AttrOrOID.oid); with values it is an Attribute whose values are OIDs
    (strings) or INTEGERs, e.g. ("1.2.840.10045.2.1", ["1.3.132.0.34"]) asks
    for a P-384 EC key and ("1.2.840.113549.1.1.1", [3072]) for RSA-3072.
    A `bytes` entry is an Attribute in DER, added as it is (the RFC 9908 template).
    """
    items = []
    for entry in entries:
        if isinstance(entry, bytes):
            items.append(core.Any.load(entry))
            continue
        oid, values = entry
        if not values:
            items.append(core.Any.load(core.ObjectIdentifier(oid).dump()))
            continue
        encoded = sorted((core.Integer(v) if isinstance(v, int) else core.ObjectIdentifier(v))
                         .dump() for v in values)            # DER orders a SET OF
        attribute = _Attribute({"type": oid,
                                "values": _AnySet([core.Any.load(e) for e in encoded])})
        items.append(core.Any.load(attribute.dump()))
    return bytes(_CsrAttrs(items).dump())
