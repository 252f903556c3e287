"""No device byte reaches an HTTP 500 (security issue #9): one regression test per
finding of the fuzzing review, over the whole RA in memory (tests/fuzzing.py),
and the RFC 5280 subject rule (finding 9)."""

from __future__ import annotations

import base64
from typing import Any

from cryptography import x509
from twisted.logger import LogLevel, globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase

from estra.asn1 import cmc, wire
from estra.asn1 import scep_message as sm
from estra.errors import BadRequest
from estra.web.http import answer_error
from tests import pki
from tests.fuzzing import (ErrorLog, challenge_attribute, csr_info, extension, name_der, oid,
                           seq, sign_csr, tlv)
from tests.fuzzing import shared_world as world

CN, C = "2.5.4.3", "2.5.4.6"
SAN = "2.5.29.17"



class _Case(SynchronousTestCase):
    def setUp(self) -> None:
        self.w = world()
        self.errors = ErrorLog().__enter__()
        self.addCleanup(self.errors.__exit__)

    def tearDown(self) -> None:
        self.assertEqual([e.get("log_format") for e in self.errors.events], [],
                         "an error was logged")

    def post(self, path: str, body: bytes, ctype: str = "application/pkcs10",
             auth: str | None = None, stub: Any = None) -> tuple[int, bytes]:
        w = self.w
        d = (stub or w.est).request("POST", f"http://ra.test{path}", data=body, headers={
            "Authorization": auth or w.basic, "Content-Type": ctype})
        response = w.resolve(d, path)
        return response.code, w.resolve(response.content(), path)

    def enroll(self, der: bytes, op: str = "simpleenroll") -> tuple[int, bytes]:
        return self.post(f"/.well-known/est/{op}", base64.b64encode(der))

    def assert400(self, der: bytes, op: str = "simpleenroll") -> bytes:
        code, body = self.enroll(der, op)
        self.assertEqual(code, 400, body)
        return body

    def csr(self, **kw: Any) -> bytes:
        return sign_csr(csr_info(self.w.key, **kw), self.w.key)

    def scep(self, message: bytes) -> tuple[int, bytes]:
        return self.post("/scep?operation=PKIOperation", message,
                         "application/x-pki-message", stub=self.w.scep)

    def fullcmc(self, request: bytes) -> cmc.CmcResponse:
        code, body = self.post("/.well-known/est/fullcmc", base64.b64encode(request),
                               "application/pkcs7-mime; smime-type=CMC-request")
        self.assertEqual(code, 200, body)
        return cmc.read_response(base64.b64decode(body))


class CsrVersionTests(_Case):
    def test_version_1_is_400(self) -> None:
        """A CSR whose version is not 0 (InvalidVersion, no ValueError) is a 400."""
        self.assertIn(b"not a valid CSR version", self.assert400(self.csr(version=1)))


class CsrSubjectTests(_Case):
    def test_not_utf8(self) -> None:
        """A CN UTF8String that is not UTF-8 is a 400, not a 500 when it is recorded."""
        self.assert400(self.csr(subject=name_der([(CN, 0x0C, b"\xff\xfe")])))

    def test_not_a_string(self) -> None:
        """A CN that is an INTEGER is a 400."""
        self.assert400(self.csr(subject=name_der([(CN, 0x02, b"\x01")])))

    def test_empty_rdn(self) -> None:
        """A subject with an empty RDN is a 400."""
        self.assert400(self.csr(subject=name_der([(CN, 0x0C, b"dev")], [])))

    def test_scep_subject_read_before_the_challenge(self) -> None:
        """A SCEP PKCSReq whose CSR subject cannot be read gets a SCEP answer, not a 500:
        the one answer every unusable envelope content gets (no padding oracle)."""
        bad = self.csr(subject=name_der([(CN, 0x0C, b"\xff\xfe")]),
                       attributes=[challenge_attribute(b"sesame")])
        code, body = self.scep(self.w.scep_wrap(bad, "SUBJ"))
        self.assertEqual(code, 200, body)
        reply = sm.parse(body, [self.w.scep_signer.cert])
        self.assertEqual((reply.status, reply.fail_info),
                         (sm.Status.FAILURE, sm.FailInfo.badMessageCheck))


class UnknownKeyAlgorithmTests(_Case):
    def test_scep_signer_with_unknown_key(self) -> None:
        """A SCEP message signed by a certificate with an unknown key algorithm is a 400."""
        w = self.w
        cert = w.scep_device.cert
        good = pki.der(cert)
        rsa_oid = oid("1.2.840.113549.1.1.1")
        odd = good.replace(rsa_oid, oid("1.2.840.113549.1.1.9"), 1)
        message = w.scep_wrap(pki.der(pki.csr(w.key, pki.name("d"))), "KEY")
        self.assertIn(good, message)
        code, body = self.scep(message.replace(good, odd))
        self.assertEqual(code, 400, body)

    def test_unsorted_csr_with_unknown_key(self) -> None:
        """A CSR with unsorted attributes (the strongSwan quirk) and an unknown key is a 400."""
        spki = seq(seq(oid("1.2.840.10045.2.9")), tlv(0x03, b"\x00\x04\x01\x02"))
        attrs = [challenge_attribute(b"x"), seq(oid("1.2.840.113549.1.9.14"),
                                                tlv(0x31, seq()))]
        self.assert400(self.csr(spki=spki, attributes=attrs))


class CmsCertificateTests(_Case):
    def _v12(self, message: bytes, cert: x509.Certificate) -> bytes:
        good = pki.der(cert)
        self.assertIn(good, message)
        return message.replace(good, good.replace(b"\xa0\x03\x02\x01\x02",
                                                  b"\xa0\x03\x02\x01\x0b", 1))

    def test_cmc_certificate_version_12(self) -> None:
        """/fullcmc with a version-12 certificate in SignedData: a CMC failure answer."""
        w = self.w
        request = cmc.build_request(pki.csr(w.key, pki.name("dev1")), w.key, w.signer_cert)
        answer = self.fullcmc(self._v12(request, w.signer_cert))
        self.assertEqual((answer.status, answer.fail_info),
                         (cmc.CMCStatus.failed, cmc.CMCFailInfo.badRequest))

    def test_scep_certificate_version_12(self) -> None:
        """SCEP with a version-12 signer certificate is a 400."""
        w = self.w
        message = w.scep_wrap(pki.der(pki.csr(w.key, pki.name("d"))), "V12")
        code, body = self.scep(self._v12(message, w.scep_device.cert))
        self.assertEqual(code, 400, body)


class CertificateSetTests(SynchronousTestCase):
    def test_length_ending_in_0x80(self) -> None:
        """A certificate whose DER length ends in 0x80 (asn1crypto takes that for
        indefinite and re-encodes) and whose subject asn1crypto cannot parse (a value
        in an OCTET STRING) is signed into CMS as it is (found by fuzzing /fullcmc)."""
        from cryptography.x509.name import _ASN1Type
        from cryptography.x509.oid import NameOID

        from estra.asn1 import cms
        ca, key = pki.CA("ca"), pki.ec_key()
        subject = x509.Name([
            x509.NameAttribute(NameOID.SERIAL_NUMBER, "42", _type=_ASN1Type.OctetString),
            x509.NameAttribute(NameOID.COMMON_NAME, "x")])
        for n in range(1, 1200):
            cert = ca.issue(subject, key.public_key(), [x509.DNSName("a" * n)])
            der = pki.der(cert)
            if der[1] == 0x82 and der[3] == 0x80:
                break
        self.assertEqual(der[3], 0x80)
        signed = cms.sign(cms.ID_DATA, b"x", key, None, certificates=[cert])
        self.assertIn(der, signed)


class SanTests(_Case):
    def test_x400_address(self) -> None:
        """An x400Address subjectAltName is a 400."""
        self.assert400(self.csr(extensions=[extension(SAN, seq(tlv(0xA3, seq())))]))

    def test_duplicated_san_extension(self) -> None:
        """Two subjectAltName extensions are a 400."""
        san = extension(SAN, seq(tlv(0x82, b"a.example.com")))
        self.assert400(self.csr(extensions=[san, san]))


class ServerKeygenTests(_Case):
    def test_challenge_password_not_utf8(self) -> None:
        """/serverkeygen with a non-UTF-8 challengePassword is a 400."""
        der = self.csr(attributes=[challenge_attribute(b"\xff\xfe")])
        self.assertIn(b"utf-8", self.assert400(der, "serverkeygen"))

    def test_internal_error_is_recorded(self) -> None:
        """A bug while issuing is recorded as decision "failed", rule "internal", and
        still raised."""
        w = self.w
        csr = pki.csr(w.key, pki.name("internal-1"))

        async def broken(*_: Any) -> list[x509.Certificate]:
            raise RuntimeError("boom")
        d = w.ra.enroll("simpleenroll", w.identity, csr, w.profile, issue=broken)
        self.failureResultOf(d, RuntimeError)
        rows = self.successResultOf(w.store.enrollments(decision="failed"))
        self.assertEqual([(r["rule"], r["subject"]) for r in rows
                          if r["subject"] == "CN=internal-1"],
                         [("internal", "CN=internal-1")])


class FullCmcTests(_Case):
    def test_tcr_subject_unreadable(self) -> None:
        """A tcr whose subject cannot be read gets a CMC failure, not an HTTP 500."""
        tcr = self.csr(subject=name_der([(CN, 0x0C, b"\xff\xfe")]))
        answer = self.fullcmc(self.w.cmc_wrap(tcr))
        self.assertEqual((answer.status, answer.fail_info),
                         (cmc.CMCStatus.failed, cmc.CMCFailInfo.badRequest))

    def test_garbage_is_a_cmc_failure(self) -> None:
        """DER that is no CMC at all still gets a Full PKI Response."""
        self.assertEqual(self.fullcmc(b"\x30\x03\x02\x01\x01").status, cmc.CMCStatus.failed)


class AuthorizationTests(_Case):
    def test_password_over_72_bytes(self) -> None:
        """A Basic password bcrypt 5 refuses (over 72 bytes) is a 401, not a 500."""
        auth = "Basic " + base64.b64encode(b"alice:" + b"p" * 100).decode()
        code, _ = self.post("/.well-known/est/simpleenroll", b"", auth=auth)
        self.assertEqual(code, 401)


class ContentTypeTests(_Case):
    def test_control_character(self) -> None:
        """A Content-Type with a vertical tab (Twisted's email-based parser raised, an
        unhandled traceback) is a 400 (found by fuzzing)."""
        code, body = self.enroll_with_type("application/\x0bpkcs10")
        self.assertEqual(code, 400, body)

    def enroll_with_type(self, ctype: str) -> tuple[int, bytes]:
        return self.post("/.well-known/est/simpleenroll", b"MIIB", ctype)


class MultipartTests(_Case):
    def test_undecodable_part_header(self) -> None:
        """A multipart part whose Content-Type is an undecodable header is a BadRequest."""
        body = (b"--b\r\nContent-Type: =?utf-8?q?\xff?= smime-type=certs-only\r\n\r\nAA==\r\n"
                b"--b--")
        with self.assertRaises(BadRequest):
            wire.certs_of_multipart(body, "multipart/mixed; boundary=b")


class OneLineLogTests(SynchronousTestCase):
    def test_internal_error_logs_one_line(self) -> None:
        """An unexpected exception is one error line (no traceback in its text) and a 500."""
        from twisted.web.test.requesthelper import DummyRequest
        events: list[dict[str, Any]] = []
        globalLogPublisher.addObserver(events.append)
        self.addCleanup(globalLogPublisher.removeObserver, events.append)
        request = DummyRequest([b"x"])
        request._disconnected = False
        request.path = b"/x"
        err = answer_error(RuntimeError("boom"), request)
        assert err is not None
        self.assertEqual(err.status, 500)
        errors = [e for e in events if e["log_level"] == LogLevel.error]
        self.assertEqual(len(errors), 1)
        self.assertNotIn("log_failure", errors[0])
        from twisted.logger import formatEvent
        self.assertNotIn("\n", formatEvent(errors[0]))
        self.assertIn("RuntimeError: boom", formatEvent(errors[0]))


class Rfc5280SubjectTests(_Case):
    def forbidden(self, der: bytes) -> bytes:
        code, body = self.enroll(der)
        self.assertEqual(code, 403, body)
        return body

    def test_country_not_two_letters(self) -> None:
        """C=ABCDE is refused by rule subject-syntax."""
        body = self.forbidden(self.csr(subject=name_der([(CN, 0x0C, b"d")],
                                                        [(C, 0x13, b"ABCDE")])))
        self.assertTrue(body.startswith(b"subject-syntax:"), body)

    def test_country_not_printable_string(self) -> None:
        """C=DE as a UTF8String is refused (countryName is a PrintableString)."""
        self.forbidden(self.csr(subject=name_der([(C, 0x0C, b"DE")])))

    def test_value_not_a_string_type(self) -> None:
        """A serialNumber in an OCTET STRING is refused by rule subject-syntax."""
        body = self.forbidden(self.csr(subject=name_der([("2.5.4.5", 0x04, b"42")],
                                                        [(CN, 0x0C, b"d")])))
        self.assertIn(b"OctetString", body)

    def test_empty_common_name(self) -> None:
        """An empty CN is refused."""
        self.assertIn(b"CN is empty", self.forbidden(self.csr(subject=name_der([(CN, 0x0C, b"")]))))

    def test_over_upper_bound(self) -> None:
        """A 65-character CN is over ub-common-name (64)."""
        self.forbidden(self.csr(subject=name_der([(CN, 0x0C, b"x" * 65)])))

    def test_dns_san_not_a_hostname(self) -> None:
        """A dNSName that is no hostname is refused by rule san-syntax."""
        for bad in (b"bad..example.com", b"-x.example.com", b"a_b.example.com", b"*"):
            der = self.csr(extensions=[extension(SAN, seq(tlv(0x82, bad)))])
            self.assertTrue(self.forbidden(der).startswith(b"san-syntax:"), bad)

    def test_valid_subject_and_wildcard_issue(self) -> None:
        """C=DE (PrintableString), a 64-character CN and *.example.com are issued."""
        der = self.csr(subject=name_der([(C, 0x13, b"DE")], [(CN, 0x0C, b"x" * 64)]),
                       extensions=[extension(SAN, seq(tlv(0x82, b"*.example.com"),
                                                      tlv(0x82, b"xn--bcher-kva.de")))])
        code, body = self.enroll(der)
        self.assertEqual(code, 200, body)
