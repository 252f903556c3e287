"""The embedded CA's CRL: signed into the store, re-signed only when a revocation is newer
or half its lifetime has passed (a real SQLite store, a fake clock)."""

from __future__ import annotations

import shutil
import tempfile
from functools import wraps
from typing import Any, Callable, Coroutine

from cryptography import x509
from twisted.internet.defer import Deferred
from twisted.python.filepath import FilePath
from twisted.trial.unittest import TestCase

from estra.ca.revocation import CrlPublisher
from estra.store.database import migrate_blocking, open_store
from estra.ca.local import LocalCA

DAY = 86400.0


def deferred_test(f: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., Any]:
    @wraps(f)
    def run(*a: Any, **kw: Any) -> Deferred[None]:
        return Deferred.fromCoroutine(f(*a, **kw))
    return run


class CrlPublisherTests(TestCase):
    def setUp(self) -> None:
        self.now = 1_800_000_000.0
        state = FilePath(tempfile.mkdtemp(prefix="estra-crl-"))
        self.addCleanup(shutil.rmtree, state.path)
        self.store = open_store("", state, lambda: self.now)
        migrate_blocking(self.store)
        self.store.startService()
        self.addCleanup(self.store.stopService)
        self.ca = LocalCA.load_or_create(state.child("ca.pem"), state.child("ca.key"), 3650,
                                         lambda: self.now)
        self.crl = CrlPublisher(self.store, self.ca, lambda: self.now, 7 * DAY)

    async def crl_now(self) -> x509.CertificateRevocationList:
        return x509.load_der_x509_crl(await self.crl.current())

    @staticmethod
    def number(crl: x509.CertificateRevocationList) -> int:
        return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number

    @deferred_test
    async def test_first_crl_is_empty_and_kept(self) -> None:
        """The first CRL is number 1, empty, valid 7 days; asking again re-signs nothing."""
        first = await self.crl_now()
        self.assertEqual((self.number(first), len(first)), (1, 0))
        self.assertEqual(first.next_update_utc.timestamp() - first.last_update_utc.timestamp(),
                         7 * DAY)
        self.assertTrue(first.is_signature_valid(self.ca.cert.public_key()))
        self.now += 3 * DAY
        self.assertEqual(self.number(await self.crl_now()), 1)

    @deferred_test
    async def test_half_life_reissues(self) -> None:
        """After half the lifetime (3.5 days) the next request gets a new number."""
        await self.crl.current()
        self.now += 3.5 * DAY
        self.assertEqual(self.number(await self.crl_now()), 2)

    @deferred_test
    async def test_new_revocation_reissues(self) -> None:
        """A revocation recorded elsewhere (another node, the CLI) makes the next CRL list
        it; revocations of upstream CAs, or by another embedded CA (a node with its own
        state), are not this CA's to list."""
        await self.crl.current()
        mine = self.crl.issuer
        await self.store.record_revocation("1f", mine, "default", "local", "local",
                                           "superseded", "op", "crl")
        await self.store.record_revocation("2e", mine, "v", "vault", "vault",
                                           "keyCompromise", "op", "revoked")
        await self.store.record_revocation("3d", "00ff", "old", "local", "local",
                                           "superseded", "op", "crl")
        crl = await self.crl_now()
        self.assertEqual(self.number(crl), 2)
        self.assertEqual([r.serial_number for r in crl], [0x1F])
        entry = crl.get_revoked_certificate_by_serial_number(0x1F)
        assert entry is not None
        self.assertEqual(entry.extensions.get_extension_for_class(x509.CRLReason).value.reason,
                         x509.ReasonFlags.superseded)

    @deferred_test
    async def test_store_keeps_the_crl(self) -> None:
        """Another publisher on the same store (a restart, another node) serves the same."""
        der = await self.crl.current()
        other = CrlPublisher(self.store, self.ca, lambda: self.now, 7 * DAY)
        self.assertEqual(await other.current(), der)


class CrlConfigTests(TestCase):
    def test_defaults_and_values(self) -> None:
        """No [crl]: no CDP, no listener; values are read as given."""
        from estra.config import settings_from_string
        plain = settings_from_string("")
        self.assertEqual((plain.crl_listen, plain.crl_url, plain.crl_days), ("", "", 7))
        s = settings_from_string('[crl]\nlisten = "tcp:8081"\n'
                                 'url = "http://ra.example:8081/crl/ca.crl"\n'
                                 'next_update_days = 2\n')
        self.assertEqual((s.crl_listen, s.crl_url, s.crl_days),
                         ("tcp:8081", "http://ra.example:8081/crl/ca.crl", 2))

    def test_errors_name_the_key(self) -> None:
        """An https:// URL, or a listener without a URL, is a one-line error naming the key."""
        from estra.config import ConfigError, settings_from_string
        for text, where in (('[crl]\nurl = "https://ra.example/ca.crl"\n', "crl.url"),
                            ('[crl]\nlisten = "tcp:8081"\n', "crl.url"),
                            ('[crl]\nnext_update_days = 0\n', "crl.next_update_days"),
                            ('[crl]\nurl = "http://ra/c.crl"\nocsp_url = "http://ra/ocsp"\n',
                             "crl.ocsp_url")):
            with self.assertRaises(ConfigError) as caught:
                settings_from_string(text, "estra.toml")
            self.assertIn(f"estra.toml: {where}:", str(caught.exception))
