"""Rollovers recorded in the store and followed by every node (estra/ca/sync.py), in process:
two state directories share one SQLite store as two nodes would share PostgreSQL."""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path
from typing import Callable

from attrs import evolve
from cryptography import x509
from twisted.python.filepath import FilePath
from twisted.trial.unittest import SynchronousTestCase

from estra.cli import ca as ca_command
from estra.ca import sync as casync
from estra.config import ConfigError, Settings, load_settings, settings_from_string
from estra.ca.ocsp import OcspResponder
from estra.ca.revocation import CrlPublisher
from estra.ca.rollover import rollover
from estra.runtime.state import init_state, prepare_state
from estra.store.database import migrate_blocking, open_store, run_blocking
from estra.ca.local import LocalCA, generate_key
from estra.runtime.service import scep_signer
from tests import pki
from tests.conftest import Server, issued
from tests.test_pkcs11 import CA_URI, SoftHsm
from tests.test_rollover import ca_cli


def _args(action: str) -> argparse.Namespace:
    return argparse.Namespace(action=action, force=False, days=None, json=False)


class KeyWrapTests(SynchronousTestCase):
    """The new CA key in the store opens only with the previous CA key, for its own root."""

    def setUp(self) -> None:
        self.settings = load_settings(None, state_dir=self.mktemp())
        init_state(self.settings)
        self.old = LocalCA.load_or_create(self.settings.ca_cert, self.settings.ca_key, 1,
                                          time.time)
        self.new = rollover(self.settings)

    def test_round_trip(self) -> None:
        """The key sealed under the old key comes back, and is not stored in clear."""
        wrapped = casync.wrap_key(self.new, self.old.key)
        self.assertNotIn(b"PRIVATE KEY", wrapped.encode())
        key = casync.unwrap_key(wrapped, self.new.cert, self.old.key)
        self.assertEqual(key.public_key(), self.new.cert.public_key())

    def test_other_key_or_root_refused(self) -> None:
        """Another node's CA key, or the key presented for another root, is a ValueError."""
        wrapped = casync.wrap_key(self.new, self.old.key)
        self.assertRaises(ValueError, casync.unwrap_key, wrapped, self.new.cert, generate_key())
        self.assertRaises(ValueError, casync.unwrap_key, wrapped, self.old.cert, self.old.key)


class SyncSettingTests(SynchronousTestCase):
    """[ca] sync_seconds: how often a node reads the store's rollovers."""

    def test_default_and_refused(self) -> None:
        """60 s by default; zero is refused naming the key."""
        self.assertEqual(settings_from_string("", "estra.toml").ca_sync_seconds, 60)
        self.assertEqual(settings_from_string("[ca]\nsync_seconds = 2.5\n",
                                              "estra.toml").ca_sync_seconds, 2.5)
        with self.assertRaises(ConfigError) as caught:
            settings_from_string("[ca]\nsync_seconds = 0\n", "estra.toml")
        self.assertIn("sync_seconds", str(caught.exception))


class TwoNodeFollowTests(SynchronousTestCase):
    """Node A rolls over with `estra ca`; node B, with its own state directory and the
    same CA, follows from the store; then the retirement."""

    def setUp(self) -> None:
        base = os.path.abspath(self.mktemp())
        store_url = f"sqlite:///{base}-store.db"
        self.a = self._node(f"{base}-a", store_url)
        init_state(self.a)
        self.b = self._node(f"{base}-b", store_url)
        self.b.state_dir.makedirs()
        for name in ("ca.pem", "ca.key"):       # what an operator copies to a new node
            shutil.copy(self.a.state_dir.child(name).path, self.b.state_dir.child(name).path)
        prepare_state(self.b)                   # B's own server.pem, htpasswd
        self.b_ca = LocalCA.load_or_create(self.b.ca_cert, self.b.ca_key, 1, time.time)
        scep_signer(self.b, self.b_ca)           # B's own SCEP RA key and certificate
        self.store = open_store(store_url, self.a.state_dir, time.time)
        self.addCleanup(self.store.pool.close)    # no pool thread left when the reactor ran
        migrate_blocking(self.store)
        self.follower = casync.CaFollower(self.b, self.store, self.b_ca)

    def _node(self, state: str, store_url: str) -> Settings:
        settings = load_settings(None, state_dir=state)
        return evolve(settings, store_url=store_url,
                      scep_cert=settings.state_dir.child("scep-ra.pem"),
                      scep_key=settings.state_dir.child("scep-ra.key"))

    def _follow(self) -> bool:
        self.follower.catch_up(run_blocking(self.store, casync.recorded))
        return self.b_ca.reload(self.b.ca_cert, self.b.ca_key)

    def test_b_follows_rollover_and_retirement(self) -> None:
        """B gets A's new root and key and both links, re-issues its own TLS and SCEP RA
        certificates from the new CA (same SCEP key), and later retires the old root."""
        old_root = self.b_ca.cert
        old_scep = x509.load_pem_x509_certificate(self.b.scep_cert.getContent())
        self.assertEqual(ca_command.run(self.a, _args("rollover")), 0)
        a_new = x509.load_pem_x509_certificate(self.a.ca_cert.getContent())
        self.assertTrue(self._follow())
        self.assertEqual(self.b_ca.cert, a_new)
        self.assertEqual(self.b_ca.key.public_key(), a_new.public_key())
        self.assertEqual(self.b_ca.anchors(), [a_new, old_root])
        self.assertEqual(self.b.ca_cert.sibling("ca-newwithold.pem").getContent(),
                         self.a.ca_cert.sibling("ca-newwithold.pem").getContent())
        served = x509.load_pem_x509_certificates(self.b.tls_cert.getContent())
        self.assertEqual(served[0].issuer, a_new.subject)
        scep = x509.load_pem_x509_certificate(self.b.scep_cert.getContent())
        self.assertEqual((scep.issuer, scep.public_key()), (a_new.subject, old_scep.public_key()))
        self.assertFalse(self._follow())          # nothing new: nothing changes

        self.assertEqual(ca_command.run(self.a, _args("retire-old")), 0)
        self.assertTrue(self._follow())
        self.assertEqual(self.b_ca.anchors(), [a_new])
        self.assertFalse(self.b.ca_cert.sibling("ca-old.pem").exists())
        self.assertEqual(run_blocking(self.store, casync.recorded)[-1].wrapped_key, "")

    def test_crl_and_ocsp_follow_the_ca(self) -> None:
        """The CRL publisher and OCSP responder built at start name the CA in force after
        B picked the rollover up (the CA object changes in place)."""
        publisher = CrlPublisher(self.store, self.b_ca, time.time, 86400)
        responder = OcspResponder(self.store, self.b_ca, time.time)
        before = publisher.issuer
        self.assertEqual(ca_command.run(self.a, _args("rollover")), 0)
        self.assertTrue(self._follow())
        a_new = x509.load_pem_x509_certificate(self.a.ca_cert.getContent())
        expected = x509.SubjectKeyIdentifier.from_public_key(
            a_new.public_key()).digest.hex()
        self.assertNotEqual(before, expected)
        signers = [x509.SubjectKeyIdentifier.from_public_key(cert.public_key()).digest.hex()
                   for cert, _ in responder.ca.signers()]
        # the new CA answers OCSP, and so does the old one (with ca-old.key) until retired
        self.assertEqual((publisher.issuer, signers), (expected, [expected, before]))

    def test_node_behind_cannot_roll_over(self) -> None:
        """A rollover from a node that missed the store's last one is refused, files unchanged."""
        self.assertEqual(ca_command.run(self.a, _args("rollover")), 0)
        before = self.b.ca_cert.getContent()
        self.assertEqual(ca_command.run(self.b, _args("rollover")), 2)
        self.assertEqual(self.b.ca_cert.getContent(), before)
        self.assertEqual(len(run_blocking(self.store, casync.recorded)), 1)

    def test_foreign_ca_is_not_replaced(self) -> None:
        """A node whose CA is not on the store's path keeps its CA and says why."""
        self.assertEqual(ca_command.run(self.a, _args("rollover")), 0)
        other = load_settings(None, state_dir=self.mktemp())
        init_state(other)
        foreign = LocalCA.load_or_create(other.ca_cert, other.ca_key, 1, time.time)
        follower = casync.CaFollower(other, self.store, foreign)
        self.assertRaises(ValueError, follower.catch_up, run_blocking(self.store, casync.recorded))
        self.assertEqual(x509.load_pem_x509_certificate(other.ca_cert.getContent()), foreign.cert)


class TokenRecordTests(SynchronousTestCase):
    """A rollover whose new CA key is on a token is recorded by the key's URI; a node
    follows it only when its own [ca] key names that same key (on the shared token)."""

    def test_other_key_named_is_refused_without_touching_a_token(self) -> None:
        """The record names pkcs11:token=estra;object=ca, this node's [ca] key another
        label: catch_up refuses, naming both, and the files stay."""
        settings = load_settings(None, state_dir=self.mktemp())
        init_state(settings)
        on_disk = LocalCA.load_or_create(settings.ca_cert, settings.ca_key, 1, time.time)
        new = LocalCA.load_or_create(FilePath(self.mktemp()), FilePath(self.mktemp()), 1,
                                     time.time)
        step = casync.Rollover(1, new.cert, [new.cert, on_disk.cert, on_disk.cert], "", False,
                               "pkcs11:token=estra;object=ca")
        node = evolve(settings, ca_key_uri="pkcs11:token=estra;object=other-ca")
        with self.assertRaises(ValueError) as caught:
            casync.CaFollower(node, None, on_disk).catch_up([step])
        self.assertIn("made the CA key pkcs11:token=estra;object=ca; this node's [ca] key "
                      "names pkcs11:token=estra;object=other-ca", str(caught.exception))
        self.assertEqual(x509.load_pem_x509_certificate(settings.ca_cert.getContent()),
                         on_disk.cert)
        self.assertFalse(settings.ca_cert.sibling("ca-old.pem").exists())


def _wait_for(server: Server, text: str, count: int = 1) -> None:
    """Until `server`'s log holds `text` `count` times (bounded)."""
    deadline = time.monotonic() + 30
    while server.log.read_text().count(text) < count:
        assert time.monotonic() < deadline and server.alive(), server.log.read_text()
        time.sleep(0.05)


def test_token_rollover_is_followed_by_another_node(start_estra: Callable[..., Server],
                                                    softhsm: SoftHsm, tmp_path: Path) -> None:
    """Two nodes share a store and the token holding the CA key: `estra ca rollover` on A
    records the new key's URI; B picks the rollover up on its own (no SIGHUP, no file
    copied), issues from the new root with the new key, re-issues its TLS certificate,
    relabels nothing; A's retire-old is followed too."""
    common = softhsm.config() + f"""
[ca]
key = "{CA_URI}"
sync_seconds = 1

[store]
url = "sqlite:///{tmp_path / 'shared.db'}"
"""
    a = start_estra(common)
    node_b = tmp_path / "node-b"
    (node_b / "state").mkdir(parents=True, mode=0o700)
    shutil.copy(a.ca, node_b / "state" / "ca.pem")    # what an operator copies to a new node
    b = Server(node_b, common)
    try:
        b.add_user("alice")
        old_root = x509.load_pem_x509_certificate(b.ca.read_bytes())
        done = ca_cli(a, "rollover")
        assert done.returncode == 0, done.stderr
        _wait_for(b, "picked up the CA rollover to CN=estra local CA G2")
        _wait_for(b, "now serving the embedded CA CN=estra local CA G2")
        assert "cannot follow" not in b.log.read_text(), b.log.read_text()
        assert b.ca.read_bytes() == a.ca.read_bytes()
        new_root = x509.load_pem_x509_certificate(b.ca.read_bytes())
        assert new_root.public_key() != old_root.public_key()
        assert softhsm.labels() == {"ca", "ca-old"}
        status, _, body = b.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("on-b")))
        assert status == 200, body
        issued(body)[0].verify_directly_issued_by(new_root)
        served = x509.load_pem_x509_certificates((b.state / "server.pem").read_bytes())
        served[0].verify_directly_issued_by(new_root)
        assert not (b.state / "ca.key").exists() and not (b.state / "ca-old.key").exists()

        done = ca_cli(a, "retire-old")
        assert done.returncode == 0, done.stderr
        _wait_for(b, "retired the old CA as recorded in the store")
        assert not (b.state / "ca-old.pem").exists()
        labels = softhsm.labels()
        assert "ca" in labels and len(labels) == 2 and "ca-old" not in labels, labels
        assert b.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("late")))[0] == 200
        assert "Traceback" not in b.log.read_text()
    finally:
        b.stop()
