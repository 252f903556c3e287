"""OCSP/CRL answers and HTTP methods on every listener (issue #17, finding 3), in
memory through estra's own Site (tests/fuzzing.py `World`, `make_site`): HTTP-level
problems are 413/400/405 text/plain, a device's OCSP mistakes are OCSP refusals over
200, nothing is logged as an error, and no face answers Twisted's HTML pages."""

from __future__ import annotations

import sqlite3
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from twisted.logger import LogLevel, capturedLogs
from twisted.trial.unittest import SynchronousTestCase

from estra.ca.ocsp import OcspResponder
from tests.fuzzing import _children, oid, seq, tlv
from tests.fuzzing import shared_world as world

MALFORMED = ocsp.OCSPResponseStatus.MALFORMED_REQUEST
OCSP_REQUEST = {"Content-Type": "application/ocsp-request"}


class _Case(SynchronousTestCase):
    def setUp(self) -> None:
        self.w = world()

    def call(self, method: str, path: str, body: bytes = b"", stub: Any = None,
             headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
        """(status, headers, body); fails if anything was logged at warn or above."""
        with capturedLogs() as events:
            d = (stub or self.w.crl).request(method, "http://ra.test" + path, data=body,
                                             headers=headers or {})
            response = self.w.resolve(d, path)
            content = self.w.resolve(response.content(), path)
        loud = [e.get("log_format") for e in events if e["log_level"] >= LogLevel.warn]
        self.assertEqual(loud, [], f"{method} {path}: logged")
        return response.code, response.headers, content

    def ask(self, der: bytes) -> ocsp.OCSPResponse:
        """POST `der` to the responder: a 200 application/ocsp-response."""
        code, headers, body = self.call("POST", "/ocsp", der, headers=OCSP_REQUEST)
        self.assertEqual((code, headers.getRawHeaders("content-type")),
                         (200, ["application/ocsp-response"]), body)
        return ocsp.load_der_ocsp_response(body)

    def request(self, nonce: bytes | None = None,
                algorithm: hashes.HashAlgorithm = hashes.SHA256()) -> bytes:
        builder = ocsp.OCSPRequestBuilder().add_certificate(
            self.w.signer_cert, self.w.ca.cert, algorithm)
        if nonce is not None:
            builder = builder.add_extension(x509.OCSPNonce(nonce), False)
        return builder.build().public_bytes(Encoding.DER)

    def cert_id(self, serial: bytes, hash_oid: str = "2.16.840.1.101.3.4.2.1") -> bytes:
        """A one-certificate OCSPRequest by hand: our CA's hashes, any serial INTEGER."""
        ours = _children(_children(_children(_children(self.request())[0])[0])[0])[0]
        _, name_hash, key_hash, _ = _children(ours)
        return seq(seq(seq(seq(seq(seq(oid(hash_oid), b"\x05\x00"), name_hash, key_hash,
                                   tlv(0x02, serial))))))


class OcspHttpTests(_Case):
    def test_body_over_the_limit_is_413(self) -> None:
        """A POST body over 64 KiB is 413 text/plain, not a 500 with a traceback."""
        code, headers, body = self.call("POST", "/ocsp", b"0" * (64 * 1024 + 1),
                                        headers=OCSP_REQUEST)
        self.assertEqual((code, headers.getRawHeaders("content-type")),
                         (413, ["text/plain; charset=utf-8"]))
        self.assertIn(b"65536-byte limit", body)

    def test_control_character_in_content_type_is_400(self) -> None:
        """A Content-Type with a control character is 400 text/plain."""
        code, headers, body = self.call("POST", "/ocsp", self.request(), headers={
            "Content-Type": "application/ocsp\x0brequest"})
        self.assertEqual((code, headers.getRawHeaders("content-type")),
                         (400, ["text/plain; charset=utf-8"]))
        self.assertIn(b"control characters", body)


class OcspRefusalTests(_Case):
    def test_two_certificates_are_malformed(self) -> None:
        """A request for two certificates is malformedRequest, logged as no error."""
        tbs = _children(self.request())[0]
        one = _children(_children(tbs)[0])[0]
        self.assertEqual(self.ask(seq(seq(seq(one, one)))).response_status, MALFORMED)

    def test_unknown_hash_is_unauthorized(self) -> None:
        """A CertID hashed with an algorithm the responder does not know is unauthorized."""
        self.assertEqual(self.ask(self.cert_id(b"\x01", "1.2.840.113549.1.1.1")
                                  ).response_status, ocsp.OCSPResponseStatus.UNAUTHORIZED)

    def test_negative_serial_is_malformed(self) -> None:
        """A negative serial number is malformedRequest; serial 1 is answered."""
        self.assertEqual(self.ask(self.cert_id(b"\xff")).response_status, MALFORMED)
        self.assertEqual(self.ask(self.cert_id(b"\x01")).response_status,
                         ocsp.OCSPResponseStatus.SUCCESSFUL)

    def test_nonce_sizes(self) -> None:
        """RFC 8954: a nonce of 1 to 32 bytes is echoed; an empty one or one of 33 bytes
        is malformedRequest, never echoed."""
        for size in (1, 32):
            answer = self.ask(self.request(b"n" * size))
            self.assertEqual(answer.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
            self.assertEqual(answer.extensions.get_extension_for_class(
                x509.OCSPNonce).value.nonce, b"n" * size)
        for size in (0, 33, 1000):
            self.assertEqual(self.ask(self.request(b"n" * size)).response_status, MALFORMED)

    def test_refusal_reason_in_the_request_line(self) -> None:
        """The request's one log line (info) says why the request was refused."""
        with capturedLogs() as events:
            self.ask(self.request(b"n" * 33))
        lines = [e["request_line"] for e in events if "request_line" in e]
        self.assertEqual(len(lines), 1)
        self.assertIn("200 for - (anonymous)", lines[0])
        self.assertIn("malformedRequest: a nonce of 33 bytes (RFC 8954: 1 to 32)", lines[0])

    def test_get_with_the_same_checks(self) -> None:
        """GET /ocsp/BASE64 goes through the same checks (a long nonce is refused)."""
        from base64 import b64encode
        from urllib.parse import quote
        code, _, body = self.call("GET", "/ocsp/" + quote(b64encode(
            self.request(b"n" * 40)).decode(), ""))
        self.assertEqual((code, ocsp.load_der_ocsp_response(body).response_status),
                         (200, MALFORMED))

    def test_store_outage_is_try_later_with_one_warning(self) -> None:
        """With the store down every request is tryLater, and the log gets one warning
        (rate-limited), not an error per request."""
        class DownStore:
            async def query(self, *_: Any) -> Any:
                raise sqlite3.OperationalError("database is locked")
        responder = OcspResponder(DownStore(), self.w.ca, lambda: 1000.0)  # type: ignore[arg-type]
        from twisted.internet.defer import Deferred
        with capturedLogs() as events:
            answers = [self.w.resolve(Deferred.fromCoroutine(responder.respond(
                self.request())), "tryLater") for _ in range(5)]
        self.assertEqual({ocsp.load_der_ocsp_response(body).response_status
                          for body, _ in answers}, {ocsp.OCSPResponseStatus.TRY_LATER})
        self.assertEqual([e["log_level"] for e in events], [LogLevel.warn])


class MethodTests(_Case):
    METHODS = ("PUT", "DELETE", "OPTIONS", "TRACE", "FOO", "PATCH")

    def faces(self) -> list[tuple[Any, str, str]]:
        w = self.w
        return [(w.crl, "/ocsp", "POST, GET, HEAD"), (w.crl, "/crl/ca.crl", "GET, HEAD"),
                (w.admin, "/healthz", "GET, HEAD"), (w.admin, "/metrics", "GET, HEAD"),
                (w.admin, "/console/login", "GET, HEAD, POST"),
                (w.scep, "/scep?operation=GetCACaps", "GET, HEAD, POST"),
                (w.est, "/.well-known/est/simpleenroll", "POST")]

    def test_unsupported_methods_are_405_text_plain(self) -> None:
        """On every listener a method the resource does not take is 405 text/plain with
        Allow: never Twisted's HTML "501 Huh?" or "405 Method Not Allowed" page."""
        for stub, path, allow in self.faces():
            for method in self.METHODS:
                code, headers, body = self.call(method, path, stub=stub)
                self.assertEqual((code, headers.getRawHeaders("content-type"),
                                  headers.getRawHeaders("allow")),
                                 (405, ["text/plain; charset=utf-8"], [allow]),
                                 f"{method} {path}: {body[:80]!r}")
                self.assertNotIn(b"<html", body)

    def test_wrong_known_method_is_405_text_plain(self) -> None:
        """POST where only GET is served is 405 text/plain too (Twisted: an HTML page)."""
        code, headers, _ = self.call("POST", "/crl/ca.crl")
        self.assertEqual((code, headers.getRawHeaders("allow")), (405, ["GET, HEAD"]))
        code, headers, _ = self.call("POST", "/metrics", stub=self.w.admin)
        self.assertEqual((code, headers.getRawHeaders("content-type")),
                         (405, ["text/plain; charset=utf-8"]))

    def test_node_without_a_page_is_404(self) -> None:
        """A path that ends at an inner node (/.well-known) is 404 text/plain for every
        method (it was an HTML 405 for GET and a 500 for HEAD)."""
        for method in ("GET", "HEAD", "POST", "PUT"):
            code, headers, _ = self.call(method, "/.well-known", stub=self.w.est)
            self.assertEqual((code, headers.getRawHeaders("content-type")),
                             (404, ["text/plain; charset=utf-8"]), method)

    def test_served_methods_unchanged(self) -> None:
        """GET and HEAD of the CRL, GET of SCEP GetCACaps and of /healthz still answer 200."""
        for method, stub, path in (("GET", self.w.crl, "/crl/ca.crl"),
                                   ("HEAD", self.w.crl, "/crl/ca.crl"),
                                   ("GET", self.w.scep, "/scep?operation=GetCACaps"),
                                   ("GET", self.w.admin, "/healthz")):
            self.assertEqual(self.call(method, path, stub=stub)[0], 200, f"{method} {path}")


class ConsoleIdTests(_Case):
    def test_ids_in_other_digits_or_too_long_are_404(self) -> None:
        """A console record id in Unicode digits ("²") or of 30 digits is 404, not a 500."""
        self.w.console_session()
        for ident in ("%C2%B2", "9" * 30, "%D9%A1"):
            code, _, _ = self.call("GET", f"/console/enrollments/{ident}", stub=self.w.admin,
                                   headers={"Cookie": self.w.console_cookie})
            self.assertEqual(code, 404, ident)
