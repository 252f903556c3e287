"""Issue #20: health probed in the background under a hard deadline; the dashboard
shows the last result and its time and never waits on a probe.  In process
(`tests.fuzzing.World`, a `Clock`); the first test failed on b8540e8 (the dashboard
waited on the upstream: with time standing still it never answered)."""

from __future__ import annotations

import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from twisted.internet.defer import CancelledError, Deferred
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from twisted.python.filepath import FilePath

from estra.console.health import HealthMonitor, standard_checks
from estra.runtime.service import health_certificates
from estra.testing import MemoryRA
from tests import pki
from tests.fuzzing import World


class Stuck:
    """An upstream that accepts and never answers, and retries when cancelled (what
    turned the 5 s health limit into 25 s)."""

    def __init__(self) -> None:
        self.calls = 0

    async def cacerts(self) -> list[Any]:
        self.calls += 1
        while True:
            try:
                await Deferred()
            except CancelledError:
                continue


def certificate(days: float) -> x509.Certificate:
    """A certificate valid until `days` days from now (negative: expired)."""
    ca = pki.CA("health CA")
    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder().subject_name(ca.cert.subject)
            .issuer_name(ca.cert.subject).public_key(ca.key.public_key()).serial_number(9)
            .not_valid_before(now - datetime.timedelta(days=400))
            .not_valid_after(now + datetime.timedelta(days=days))
            .sign(ca.key, hashes.SHA256()))


class HealthTests(SynchronousTestCase):
    def setUp(self) -> None:
        self.world, self.clock = World(), Clock()
        self.clock.advance(self.world.clock())
        self.stuck = Stuck()
        self.world.console.cas = {"stuck": self.stuck, "local": self.world.ca}
        self.world.console.reactor = self.clock       # main's health timeout used it
        self.world.console.health = HealthMonitor(standard_checks(
            self.world.store, lambda: self.world.console.cas,
            {"CA": lambda: certificate(400), "TLS server": lambda: certificate(10),
             "SCEP RA": lambda: certificate(-1)}, self.clock.seconds), self.clock)

    def dashboard(self) -> str:
        """The dashboard, which must answer without the clock moving."""
        self.world.console_session()
        d = self.world.admin.get("http://ra.test/console/",
                                 headers={"Cookie": self.world.console_cookie})
        response = self.world.resolve(d, "dashboard")
        self.assertEqual(response.code, 200)
        return str(self.world.resolve(response.content(), "dashboard").decode())

    def test_the_dashboard_never_waits_on_a_probe(self) -> None:
        """With an upstream that never answers, the dashboard answers at once, before a
        probe and while one runs; at the deadline the probe's result is FAILED with
        its time, though the upstream still retries."""
        self.assertIn("Not probed yet", self.dashboard())
        service = self.world.console.health.service()
        service.startService()
        self.addCleanup(service.stopService)
        self.assertIn("Health", self.dashboard())
        self.clock.advance(5)
        page = self.dashboard()
        self.assertIn("<td>upstream stuck</td><td><strong>FAILED: no answer within 5 s"
                      "</strong></td>", page)
        self.assertIn("<td>upstream local</td><td>ok (1 CA certificate(s)", page)
        stamp = datetime.datetime.fromtimestamp(self.clock.seconds(), datetime.timezone.utc)
        self.assertIn(stamp.strftime("%Y-%m-%d %H:%M:%S UTC"), page)

    def test_a_probe_still_running_is_not_started_again(self) -> None:
        """Rounds every 30 s do not pile up calls on an upstream that never answers."""
        service = self.world.console.health.service()
        service.startService()
        self.addCleanup(service.stopService)
        for _ in range(4):
            self.clock.advance(30)
        self.assertEqual(self.stuck.calls, 1)

    def test_store_crl_and_certificate_expiry(self) -> None:
        """The store, a CRL past its next update, and certificates valid, expiring in
        10 days (WARNING) and expired (FAILED), each shown with its status."""
        self.world.resolve(Deferred.fromCoroutine(self.world.store.add_crl(
            "ab" * 20, 1, self.clock.seconds() - 60, 0, b"0")), "crl")
        round_done = self.world.console.health.probe_all()
        self.clock.advance(5)                 # the stuck upstream's deadline
        self.world.resolve(round_done, "probe")
        results = {h.name: h for h in self.world.console.health.current()}
        self.assertEqual(results["store"].status, "ok")
        self.assertTrue(results["CRL next update"].status.startswith(
            "FAILED: 1 CRL(s) past their next update"), results["CRL next update"])
        self.assertTrue(results["certificate CA"].ok)
        self.assertTrue(results["certificate TLS server"].status.startswith(
            "WARNING: expires"), results["certificate TLS server"])
        self.assertFalse(results["certificate TLS server"].ok)
        self.assertTrue(results["certificate SCEP RA"].status.startswith("FAILED: expired"))


SIGNING = '[scep]\nsigning_cert = "scep-ra-signing.pem"\nsigning_key = "scep-ra-signing.key"\n'


class WatchedCertificatesTests(SynchronousTestCase):
    """The Health page watches every certificate whose key estra uses (in a file or on a
    token): the separate SCEP RA signing certificate and each upstream's RA client
    certificate too, as the configuration in force names them."""

    def upstream(self) -> tuple[str, x509.Certificate]:
        """An [upstreams.corp] with an RA client certificate (expiring in 10 days)."""
        where = FilePath(self.mktemp())
        where.makedirs()
        key, ca = pki.ec_key(), pki.CA("upstream CA")
        cert = ca.issue(pki.name("estra RA"), key.public_key())
        where.child("ra.pem").setContent(cert.public_bytes(pki.PEM))
        where.child("ra.key").setContent(pki.key_pem(key))
        where.child("ca.pem").setContent(ca.cert.public_bytes(pki.PEM))
        return (f'[upstreams.corp]\nkind = "est"\nurl = "https://ca.test"\n'
                f'trust = "{where.child("ca.pem").path}"\n'
                f'client_cert = "{where.child("ra.pem").path}"\n'
                f'client_key = "{where.child("ra.key").path}"\n'), cert

    def test_scep_signing_and_upstream_client_certificates(self) -> None:
        """CA, TLS server, SCEP RA, SCEP RA signing and the upstream's RA client
        certificate are each probed, from their files; the client one warns (10 days)."""
        config, client = self.upstream()
        ra = MemoryRA(SIGNING + config)
        certificates = health_certificates(ra.shared, ra.holder)()
        self.assertEqual(set(certificates), {"CA", "TLS server", "SCEP RA", "SCEP RA signing",
                                             "upstream corp RA client"})
        signing = x509.load_pem_x509_certificate(
            ra.settings.state_dir.child("scep-ra-signing.pem").getContent())
        self.assertEqual(certificates["SCEP RA signing"](), signing)
        self.assertEqual(certificates["upstream corp RA client"](), client)
        monitor = HealthMonitor(standard_checks(ra.store, dict, health_certificates(
            ra.shared, ra.holder), ra.clock, tokens=list), ra.reactor)
        ra.result(monitor.probe_all())
        results = {h.name: h for h in monitor.current()}
        self.assertTrue(results["certificate SCEP RA signing"].status.startswith("ok: valid"))
        self.assertTrue(results["certificate upstream corp RA client"].status.startswith(
            "WARNING: expires"), results)

    def test_a_reload_adds_the_signing_certificate(self) -> None:
        """Without a signing key there is no signing certificate to watch; a reload that
        configures one adds it to the next round."""
        ra = MemoryRA()
        watched = health_certificates(ra.shared, ra.holder)
        self.assertNotIn("SCEP RA signing", watched())
        ra.result(ra.reload(SIGNING))
        self.assertIn("SCEP RA signing", watched())
