"""An OCSP responder (RFC 6960) for the embedded CA, beside its CRL.

Answers come from the same store records as the CRL: "revoked" for a
revocation of this CA's certificate, "good" for a certificate this CA
issued through the RA, "unknown" otherwise.  The CA signs its own
responses (RFC 6960 4.2.2.2: the issuer may); a request's nonce is echoed.
After a rollover the old root answers for the certificates it issued, with
its own key, until it expires or `estra ca retire-old` (one responder URL
serves both: a request names its issuer by hash).
Requests arrive as POST (application/ocsp-request) or as GET with the
base64 request in the path (RFC 6960 A.1).
"""

from __future__ import annotations

import base64
import binascii
import datetime
from typing import Any, Callable
from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509 import ocsp
from twisted.logger import Logger
from twisted.web.resource import Resource
from twisted.web.server import Request

from estra.http import read_body, respond, run_async
from estra.revocation import REASONS, key_id, public_key_id
from estra.wire import serial_hex
from estra.store import Store
from estra.upstream.local import LocalCA

__all__ = ["OcspResponder", "OcspResource"]

log = Logger()
CONTENT_TYPE = "application/ocsp-response"


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


class OcspResponder:
    """OCSP answers for one embedded CA from the store's records."""

    def __init__(self, store: Store, ca: LocalCA, clock: Callable[[], float],
                 validity: float = 3600.0) -> None:
        self.store, self.ca, self.clock = store, ca, clock
        self.validity = validity

    def _signer(self, request: ocsp.OCSPRequest) -> tuple[x509.Certificate, Any] | None:
        """The (root, key) of ours that the request names as issuer, if any."""
        algorithm = request.hash_algorithm
        for cert, key in self.ca.signers():        # read per request: rollovers swap them
            if (request.issuer_name_hash == _digest(algorithm, cert.subject.public_bytes())
                    and request.issuer_key_hash == _digest(algorithm, _key_bits(
                        cert.public_key()))):
                return cert, key
        return None

    async def respond(self, der: bytes) -> bytes:
        """The DER OCSPResponse for the DER OCSPRequest `der`."""
        try:
            request = ocsp.load_der_ocsp_request(der)
        except ValueError:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.MALFORMED_REQUEST).public_bytes(Encoding.DER)
        signer = self._signer(request)
        if signer is None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED).public_bytes(Encoding.DER)
        cert, key = signer
        status, revoked_at, reason = await self._status(request.serial_number,
                                                        public_key_id(cert.public_key()))
        now = datetime.datetime.fromtimestamp(self.clock(), datetime.timezone.utc)
        builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash, issuer_key_hash=request.issuer_key_hash,
            serial_number=request.serial_number, algorithm=request.hash_algorithm,
            cert_status=status, this_update=now,
            next_update=now + datetime.timedelta(seconds=self.validity),
            revocation_time=revoked_at, revocation_reason=reason,
        ).responder_id(ocsp.OCSPResponderEncoding.HASH, cert)
        for extension in request.extensions:
            if isinstance(extension.value, x509.OCSPNonce):
                builder = builder.add_extension(extension.value, False)
        return builder.sign(key, hashes.SHA256()).public_bytes(Encoding.DER)

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
            reason = REASONS.get(str(name), x509.ReasonFlags.unspecified)
            return (ocsp.OCSPCertStatus.REVOKED,
                    datetime.datetime.fromtimestamp(float(at), datetime.timezone.utc),
                    None if reason is x509.ReasonFlags.unspecified else reason)
        enrollment = await self.store.enrollment_of(key)
        stored = enrollment.get("certificate") if enrollment is not None else None
        if stored and key_id(x509.load_der_x509_certificate(
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
        return run_async(request, lambda: self._answer(request, read_body(request)))

    def render_GET(self, request: Request) -> Any:
        path = request.path or b""
        encoded = unquote(path[len(self.prefix):].decode("ascii", "replace"))
        try:
            der = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            der = b""
        return run_async(request, lambda: self._answer(request, der))

    async def _answer(self, request: Request, der: bytes) -> None:
        try:
            body = await self.responder.respond(der)
        except Exception as e:  # noqa: BLE001 - the store is down: OCSP's own tryLater
            log.error("OCSP request failed: {error}", error=e)
            body = ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.TRY_LATER).public_bytes(Encoding.DER)
        respond(request, 200, body, {"Content-Type": CONTENT_TYPE})
