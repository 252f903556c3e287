"""An OCSP responder (RFC 6960) for the embedded CA, beside its CRL.

Answers come from the same store records as the CRL: "revoked" for a
revocation of this CA's certificate, "good" for a certificate this CA
issued through the RA, "unknown" otherwise.  The CA signs its own
responses (RFC 6960 4.2.2.2: the issuer may); a request's nonce is echoed when
it is 1 to 32 bytes (RFC 8954 2.1), any other nonce is a malformedRequest.
After a rollover the old root answers for the certificates it issued, with
its own key, until it expires or `estra ca retire-old` (one responder URL
serves both: a request names its issuer by hash).
Requests arrive as POST (application/ocsp-request) or as GET with the
base64 request in the path (RFC 6960 A.1).  What a device gets wrong in the
request is an OCSP refusal over 200 (malformedRequest: not DER, more than one
certificate, a negative serial, a bad nonce; unauthorized: an issuer or hash
this responder does not know), noted in the request's log line; what is wrong
at the HTTP level is answered by estra.web.http.answer_error (413, 400, 405).
"""

from __future__ import annotations

import base64
import binascii
import datetime
from typing import Any, Callable
from urllib.parse import unquote

from attrs import frozen
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509 import ocsp
from twisted.logger import Logger
from twisted.web.resource import Resource
from twisted.web.server import Request

from estra.errors import store_unavailable
from estra.web.http import answer_error, read_body, respond, run_async
from estra.web.limits import RateLimitedLog
from estra.logging import printable
from estra.asn1.wire import REVOCATION_REASONS, authority_key_id, public_key_id, serial_hex
from estra.store.database import Store
from estra.tokens import TokenUnavailable, with_key
from estra.ca.local import LocalCA

__all__ = ["OcspResponder", "OcspResource"]

log = Logger(namespace="estra.ocsp")
CONTENT_TYPE = "application/ocsp-response"
#: RFC 8954 2.1: a nonce is 1 to 32 bytes
NONCE_SIZES = range(1, 33)


def _key_bits(key: Any) -> bytes:
    """The subjectPublicKey BIT STRING's bytes: what issuerKeyHash hashes."""
    if isinstance(key, ec.EllipticCurvePublicKey):
        return key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    if isinstance(key, rsa.RSAPublicKey):
        return key.public_bytes(Encoding.DER, PublicFormat.PKCS1)
    return bytes(key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def _digest(algorithm: hashes.HashAlgorithm, data: bytes) -> bytes:
    h = hashes.Hash(algorithm)
    h.update(data)
    return h.finalize()


@frozen
class _Question:
    """The fields of an OCSP request this responder reads, each read once."""

    serial: int
    name_hash: bytes
    key_hash: bytes
    algorithm: hashes.HashAlgorithm
    nonce: bytes | None


class _Refused(Exception):
    """The request gets an unsuccessful OCSPResponse with `status`; `reason` says why."""

    def __init__(self, status: ocsp.OCSPResponseStatus, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def _question(der: bytes) -> _Question:
    """The request in `der`, or _Refused: malformedRequest / unauthorized."""
    malformed = ocsp.OCSPResponseStatus.MALFORMED_REQUEST
    try:
        request = ocsp.load_der_ocsp_request(der)
        serial = request.serial_number
        nonces = [e.value.nonce for e in request.extensions
                  if isinstance(e.value, x509.OCSPNonce)]
        name_hash, key_hash = request.issuer_name_hash, request.issuer_key_hash
    except (ValueError, NotImplementedError) as e:   # not DER, a bad extension; two
        # or more certificates (NotImplementedError from cryptography)
        raise _Refused(malformed, f"malformedRequest: {printable(str(e), 100)}") from None
    try:
        algorithm = request.hash_algorithm
    except UnsupportedAlgorithm:
        raise _Refused(ocsp.OCSPResponseStatus.UNAUTHORIZED,
                       "unauthorized: unknown CertID hash algorithm") from None
    if serial < 0:
        raise _Refused(malformed, "malformedRequest: negative serial number")
    nonce = nonces[0] if nonces else None
    if nonce is not None and len(nonce) not in NONCE_SIZES:
        raise _Refused(malformed, f"malformedRequest: a nonce of {len(nonce)} bytes "
                                  "(RFC 8954: 1 to 32)")
    return _Question(serial, name_hash, key_hash, algorithm, nonce)


def _unsuccessful(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(Encoding.DER)


class OcspResponder:
    """OCSP answers for one embedded CA from the store's records."""

    def __init__(self, store: Store, ca: LocalCA, clock: Callable[[], float],
                 validity: float = 3600.0) -> None:
        self.store, self.ca, self.clock = store, ca, clock
        self.validity = validity
        self._store_down = RateLimitedLog(clock, logger=log)

    def _signer(self, question: _Question) -> tuple[x509.Certificate, Any] | None:
        """The (root, key) of ours that the request names as issuer, if any."""
        algorithm = question.algorithm
        for cert, key in self.ca.signers():        # read per request: rollovers swap them
            if (question.name_hash == _digest(algorithm, cert.subject.public_bytes())
                    and question.key_hash == _digest(algorithm, _key_bits(
                        cert.public_key()))):
                return cert, key
        return None

    async def respond(self, der: bytes) -> tuple[bytes, str]:
        """The DER OCSPResponse for the DER OCSPRequest `der`, and why it is not a
        successful one ("" when it is).  A store outage is tryLater (rate-limited
        warning); any other exception is the caller's."""
        try:
            return await self._respond(_question(der)), ""
        except _Refused as refused:
            return _unsuccessful(refused.status), refused.reason
        except TokenUnavailable as e:      # RFC 6960 2.3: the responder cannot answer now
            return _unsuccessful(ocsp.OCSPResponseStatus.TRY_LATER), f"tryLater: {e.reason}"
        except Exception as e:
            if not store_unavailable(e):
                raise
            self._store_down.warn("OCSP: store unavailable, answered tryLater: "
                                  "{error_type}: {error}", error_type=type(e).__name__,
                                  error=str(e))
            return _unsuccessful(ocsp.OCSPResponseStatus.TRY_LATER), "tryLater: store down"

    async def _respond(self, question: _Question) -> bytes:
        signer = self._signer(question)
        if signer is None:
            raise _Refused(ocsp.OCSPResponseStatus.UNAUTHORIZED,
                           "unauthorized: not an issuer this responder answers for")
        cert, key = signer
        status, revoked_at, reason = await self._status(question.serial,
                                                        public_key_id(cert.public_key()))
        now = datetime.datetime.fromtimestamp(self.clock(), datetime.timezone.utc)
        builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
            issuer_name_hash=question.name_hash, issuer_key_hash=question.key_hash,
            serial_number=question.serial, algorithm=question.algorithm,
            cert_status=status, this_update=now,
            next_update=now + datetime.timedelta(seconds=self.validity),
            revocation_time=revoked_at, revocation_reason=reason,
        ).responder_id(ocsp.OCSPResponderEncoding.HASH, cert)
        if question.nonce is not None:
            builder = builder.add_extension(x509.OCSPNonce(question.nonce), False)
        return await with_key(key, lambda: builder.sign(key, hashes.SHA256()).public_bytes(
            Encoding.DER))

    async def _status(self, serial: int, issuer: str) -> tuple[ocsp.OCSPCertStatus,
                                                               datetime.datetime | None,
                                                               x509.ReasonFlags | None]:
        """The status of `serial` among the certificates of the CA whose key id is `issuer`."""
        key = serial_hex(serial)
        rows = await self.store.query(
            "SELECT at, reason FROM revocations WHERE serial = ? AND kind = 'local' AND "
            "issuer = ? ORDER BY id LIMIT 1", key, issuer)
        if rows:
            at, name = rows[0]
            reason = REVOCATION_REASONS.get(str(name), x509.ReasonFlags.unspecified)
            return (ocsp.OCSPCertStatus.REVOKED,
                    datetime.datetime.fromtimestamp(float(at), datetime.timezone.utc),
                    None if reason is x509.ReasonFlags.unspecified else reason)
        enrollment = await self.store.enrollment_of(key)
        stored = enrollment.get("certificate") if enrollment is not None else None
        if stored and authority_key_id(x509.load_der_x509_certificate(
                base64.b64decode(stored))) == issuer:
            return ocsp.OCSPCertStatus.GOOD, None, None
        return ocsp.OCSPCertStatus.UNKNOWN, None, None


class OcspResource(Resource):
    """POST path (body) or GET path/BASE64 (RFC 6960 A.1) -> application/ocsp-response."""

    isLeaf = True

    def __init__(self, responder: OcspResponder, path: str) -> None:
        super().__init__()
        self.responder, self.prefix = responder, path.rstrip("/").encode() + b"/"

    def render_POST(self, request: Request) -> Any:
        return run_async(request, lambda: self._answer(request))

    render_GET = render_POST

    def _der(self, request: Request) -> bytes:
        """The DER request: the body of a POST (413/400 from read_body), the base64
        path of a GET (not base64: b"", a malformedRequest)."""
        if request.method == b"POST":
            return read_body(request)
        path = request.path or b""
        encoded = unquote(path[len(self.prefix):].decode("ascii", "replace"))
        try:
            return base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            return b""

    async def _answer(self, request: Request) -> None:
        try:
            body, refused = await self.responder.respond(self._der(request))
        except Exception as e:  # noqa: BLE001 - answer_error decides
            answer_error(e, request)
            return
        if refused:
            request.estra_reason = refused  # type: ignore[attr-defined]  # the request line
        respond(request, 200, body, {"Content-Type": CONTENT_TYPE})
