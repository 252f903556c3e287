"""Server-steered renewal (estra/ra/renewal.py): /renewal-info windows per profile with a
per-certificate shift, the operator's advance (estra renewal advance, store), its
migration, and the hostile certIDs a device may send."""

from __future__ import annotations

import base64
import datetime
import json
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from cryptography import x509
from twisted.internet.defer import Deferred, ensureDeferred
from twisted.trial.unittest import SynchronousTestCase

from estra.config import ConfigError, settings_from_string
from estra.ra.renewal import cert_id, parse_cert_id
from estra.errors import BadRequest
from estra.store.database import MIGRATIONS
from estra.testing import DeviceTLS, MemoryRA
from estra.asn1.wire import serial_hex
from tests import pki
from tests.conftest import estra_cli, issued
from tests.fuzzing import World
from tests.test_approvals import store_before

CONFIG = """
[profiles.default]

[profiles.short]
renewal_info_window = [0.8, 0.9]
renewal_info_jitter = 0.05
renewal_info_retry_after = 3600
"""
ALICE = ("alice", "correct horse")
CSR = {"Content-Type": "application/pkcs10"}


def at(text: str) -> float:
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


class RenewalInfoTests(SynchronousTestCase):
    ra: MemoryRA
    where: Path

    @classmethod
    def setUpClass(cls) -> None:
        cls.where = Path(tempfile.mkdtemp(prefix="estra-renewal-"))
        cls.ra = MemoryRA(CONFIG, state_dir=str(cls.where))
        cls.ra.add_user(*ALICE)

    def enroll(self, label: str = "") -> x509.Certificate:
        reply = self.ra.post(f"/.well-known/est/{label}simpleenroll",
                             pki.b64(pki.csr(pki.ec_key(), pki.name("dev"))), headers=CSR,
                             user=ALICE)
        self.assertEqual(reply.code, 200, reply.text)
        return issued(reply.body)[0]

    def window(self, cert: x509.Certificate, label: str = "",
               **kw: Any) -> tuple[float, float]:
        reply = self.ra.get(f"/.well-known/est/{label}renewal-info/{cert_id(cert)}", **kw)
        self.assertEqual(reply.code, 200, reply.text)
        self.assertEqual(reply.headers["content-type"], "application/json")
        body = json.loads(reply.body)["suggestedWindow"]
        return at(body["start"]), at(body["end"])

    def test_window_is_the_profiles_fraction_of_the_lifetime(self) -> None:
        """The default window starts between 50 % and 60 % of the lifetime (10 % shift)
        and is 25 % wide; Retry-After is 6 hours."""
        cert = self.enroll()
        born = cert.not_valid_before_utc.timestamp()
        life = cert.not_valid_after_utc.timestamp() - born
        start, end = self.window(cert)
        self.assertTrue(born + 0.5 * life - 1 <= start <= born + 0.6 * life, (start, born))
        self.assertAlmostEqual(end - start, 0.25 * life, delta=2)
        reply = self.ra.get(f"/.well-known/est/renewal-info/{cert_id(cert)}")
        self.assertEqual(reply.headers["retry-after"], "21600")

    def test_profile_settings_apply(self) -> None:
        """A profile's own window, shift and Retry-After."""
        cert = self.enroll("short/")
        born = cert.not_valid_before_utc.timestamp()
        life = cert.not_valid_after_utc.timestamp() - born
        start, end = self.window(cert, "short/")
        self.assertTrue(born + 0.8 * life - 1 <= start <= born + 0.85 * life)
        reply = self.ra.get(f"/.well-known/est/short/renewal-info/{cert_id(cert)}")
        self.assertEqual(reply.headers["retry-after"], "3600")

    def test_shift_is_per_certificate_and_stable(self) -> None:
        """Asked twice, one certificate has one window; a fleet's windows differ."""
        certs = [self.enroll() for _ in range(6)]
        self.assertEqual(self.window(certs[0]), self.window(certs[0]))
        offsets = {round(self.window(c)[0] - c.not_valid_before_utc.timestamp()) for c in certs}
        self.assertGreater(len(offsets), 3)

    def test_presented_certificate_without_cert_id(self) -> None:
        """No certID: the TLS client certificate's window; neither: 400."""
        cert = self.enroll()
        reply = self.ra.get("/.well-known/est/renewal-info", tls=DeviceTLS((cert,)))
        self.assertEqual(reply.code, 200, reply.text)
        self.assertEqual(json.loads(reply.body)["suggestedWindow"]["start"],
                         json.loads(self.ra.get(
                             f"/.well-known/est/renewal-info/{cert_id(cert)}").body)
                         ["suggestedWindow"]["start"])
        self.assertEqual(self.ra.get("/.well-known/est/renewal-info").code, 400)

    def test_unknown_or_elsewhere_is_404(self) -> None:
        """A serial this RA never issued, another profile's certificate, another CA's key
        identifier: 404 text/plain."""
        cert = self.enroll()
        key_id = cert_id(cert).split(".")[0]
        for path in (f"renewal-info/{key_id}.AQIDBA", f"short/renewal-info/{cert_id(cert)}",
                     "renewal-info/" + "AAAA." + cert_id(cert).split(".")[1]):
            with self.subTest(path=path):
                reply = self.ra.get(f"/.well-known/est/{path}")
                self.assertEqual(reply.code, 404, reply.text)
                self.assertTrue(reply.headers["content-type"].startswith("text/plain"))

    def test_hostile_cert_ids_are_400(self) -> None:
        """Malformed certIDs are 400 with a reason; two path segments 404; POST 405."""
        for bad in ("nodot", ".", "a.", "!!.AQ", "AQ.gA", "AQ." + "AQ" * 30, "AQ.AA%00"):
            with self.subTest(bad=bad):
                reply = self.ra.get(f"/.well-known/est/renewal-info/{bad}")
                self.assertEqual(reply.code, 400, reply.text)
        self.assertEqual(self.ra.get("/.well-known/est/renewal-info/a.b/c").code, 404)
        self.assertEqual(self.ra.post("/.well-known/est/renewal-info/a.b", b"").code, 405)

    def test_advance_pulls_windows_forward_until_renewed(self) -> None:
        """After an advance of the profile, a certificate issued before it is due now;
        one issued after it keeps its own window; one serial alone can be advanced."""
        before, other = self.enroll("short/"), self.enroll("short/")
        self.ra.advance(1)
        self.ra.run(self.ra.store.advance_renewal("short", [], self.ra.clock() + 60,
                                                  "CA rollover", "operator:ann"))
        self.ra.advance(1)
        after = self.enroll("short/")
        start, end = self.window(before, "short/")
        self.assertLessEqual(start, self.ra.clock() + 60)
        self.assertGreater(end, start)
        self.assertGreater(self.window(after, "short/")[0], self.ra.clock() + 86400)
        self.assertLessEqual(self.window(other, "short/")[0], self.ra.clock() + 60)

    def test_advance_one_serial(self) -> None:
        """An advance naming a serial moves that certificate's window only."""
        mine, theirs = self.enroll(), self.enroll()
        self.ra.run(self.ra.store.advance_renewal(
            "default", [serial_hex(mine.serial_number)],
            self.ra.clock(), "key compromise", "operator:ann"))
        self.assertLessEqual(self.window(mine)[0], self.ra.clock())
        self.assertGreater(self.window(theirs)[0], self.ra.clock() + 86400)

class RenewalCommandTests(SynchronousTestCase):
    """The operator command against an RA's store (its own RA: the command's clock is
    the real one, the RA's a memory reactor's)."""

    def test_cli_advance(self) -> None:
        """`estra renewal advance` records the advance the running RA then answers with;
        an unknown profile is exit code 2."""
        where = Path(tempfile.mkdtemp(prefix="estra-renewal-cli-"))
        ra = MemoryRA(CONFIG, state_dir=str(where))
        ra.add_user(*ALICE)
        reply = ra.post("/.well-known/est/simpleenroll",
                        pki.b64(pki.csr(pki.ec_key(), pki.name("dev"))), headers=CSR, user=ALICE)
        cert = issued(reply.body)[0]
        config = where / "estra.toml"
        config.write_text(CONFIG)
        state = ra.settings.state_dir.path
        done = estra_cli("--config", str(config), "--state-dir", state, "renewal", "advance",
                         "--profile", "default", "--within", "1h", "--reason", "rollover",
                         "--json")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(json.loads(done.stdout)["profile"], "default")
        window = json.loads(ra.get(f"/.well-known/est/renewal-info/{cert_id(cert)}").body)
        self.assertLessEqual(at(window["suggestedWindow"]["start"]), time.time() + 3600 + 60)
        done = estra_cli("--config", str(config), "--state-dir", state, "renewal", "advance",
                         "--profile", "nope", "--reason", "x")
        self.assertEqual(done.returncode, 2)
        self.assertIn("no profile 'nope'", done.stderr)


class CertIdTests(SynchronousTestCase):
    def test_round_trip_and_rfc9773_example(self) -> None:
        """RFC 9773 4.1's example: AKI 69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:
        DE:01:C8:D4 and serial 00:87:65:43:21 give aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE."""
        self.assertEqual(parse_cert_id("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE"),
                         ("69885b6b87464041e1b37b847ba0ae2cde01c8d4", 0x87654321))
        self.assertRaises(BadRequest, parse_cert_id, "x")

    def test_settings_checked(self) -> None:
        """renewal_info_window must be [start, end] fractions; the jitter below 1."""
        for bad in ("renewal_info_window = [0.8, 0.5]", "renewal_info_window = [0.5]",
                    "renewal_info_window = [0, 1.5]", "renewal_info_jitter = 1"):
            with self.subTest(bad=bad), self.assertRaises(ConfigError):
                settings_from_string(f"[profiles.default]\n{bad}\n")


class RenewalMigrationTests(SynchronousTestCase):
    def test_previous_schema_keeps_its_enrollments(self) -> None:
        """A store made before the renewal_advances migration keeps its issued
        certificate after migrating, and advances apply to it."""
        store, cursor = store_before("renewal_advances")
        der = base64.b64encode(b"cert").decode()
        cursor.execute("INSERT INTO enrollments (at, identity, method, peer, label, "
                       "operation, csr_sha256, key_sha256, subject, sans, decision, rule, "
                       "reason, serial, not_after, certificate) VALUES (10, 'basic:a', "
                       "'basic', '192.0.2.1', 'default', 'simpleenroll', 'c', 'k', 'CN=a', "
                       "'[]', 'issued', '', '', '0A', 99, ?)", (der,))
        cursor.connection.commit()
        self.assertEqual(self.successResultOf(ensureDeferred(store.migrate())),
                         len(MIGRATIONS))
        self.assertEqual(self.successResultOf(ensureDeferred(store.issued_under("0A"))),
                         ("default", der, 10.0))
        self.successResultOf(ensureDeferred(store.advance_renewal("default", [], 50, "r", "b")))
        self.assertIsNotNone(self.successResultOf(ensureDeferred(
            store.renewal_due("default", "0A", 10.0))))


class ConsoleRenewalsTests(SynchronousTestCase):
    """/console/renewals on `tests.fuzzing.World`: devices due, overdue, never renewed;
    the admin's button pulls a profile's windows forward."""

    def setUp(self) -> None:
        self.world = World()
        self.world.console_session()

    def enroll(self, cn: str) -> None:
        headers: dict[bytes | str, bytes | str] = {
            "Content-Type": "application/pkcs10", "Authorization": self.world.basic}
        response = self.world.resolve(self.world.est.post(
            "http://ra.test/.well-known/est/simpleenroll",
            data=pki.b64(pki.csr(pki.ec_key(), pki.name(cn))), headers=headers), "enroll")
        self.assertEqual(response.code, 200)
        self.world.resolve(response.content(), "enroll")

    def sections(self) -> dict[str, str]:
        response = self.world.resolve(self.world.admin.get(
            "http://ra.test/console/renewals", headers={"Cookie": self.world.console_cookie}),
            "renewals")
        self.assertEqual(response.code, 200)
        html = self.world.resolve(response.content(), "renewals").decode()
        return {part.split("</caption>")[0]: part for part in html.split("<caption>")[1:]}

    def post(self, **form: str) -> tuple[int, str]:
        body = urlencode({"csrf": self.world.csrf, **form}).encode()
        response = self.world.resolve(self.world.admin.post(
            "http://ra.test/console/renewals", data=body, headers={
                "Cookie": self.world.console_cookie,
                "Content-Type": "application/x-www-form-urlencoded"},
            allow_redirects=False), "advance")
        return int(response.code), self.world.resolve(response.content(), "advance").decode()

    def test_lists_and_advance(self) -> None:
        """Fresh certificates are never renewed and not yet due; after the admin pulls
        the profile forward they are due; the advance is in the audit log."""
        self.enroll("rdev1")
        sections = self.sections()
        self.assertIn("CN=rdev1", sections["Never renewed"])
        self.assertNotIn("CN=rdev1", sections["Due (in their window)"])
        self.assertEqual(self.post(profile="default", hours="0", reason="CA rollover")[0], 303)
        sections = self.sections()
        self.assertIn("CN=rdev1", sections["Due (in their window)"])
        audit = self.world.resolve(Deferred.fromCoroutine(self.world.store.query(
            "SELECT kind, identity FROM audit WHERE kind = 'renewal-advance'")), "audit")
        self.assertEqual(audit, [("renewal-advance", "operator:boss")])

    def test_bad_advance_is_400(self) -> None:
        """No reason, an unknown profile, bad hours or serials: 400 with the reason."""
        for form, text in (({"profile": "default", "reason": ""}, "say why"),
                           ({"profile": "nope", "reason": "x"}, "no profile"),
                           ({"profile": "default", "reason": "x", "hours": "-1"}, "hours"),
                           ({"profile": "default", "reason": "x", "serials": "zz"},
                            "hexadecimal")):
            with self.subTest(form=form):
                code, html = self.post(**form)
                self.assertEqual(code, 400)
                self.assertIn(text, html)
