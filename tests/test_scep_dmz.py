"""Issue #17 on the SCEP front end: what a message may cost before it is known, in CPU
and in the store.  Cheap checks first and writing nothing, one RSA decryption at most
(only the RA's recipient info), replays and resends answered before any private-key
work, the senderNonce memory bounded and swept on a timer, and a challenge webhook's
own trouble never spending a device's failed-login budget.  In memory (tests/fuzzing.py
`World`), except the webhook, which is a real HTTP server on loopback."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import statistics
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from asn1crypto import cms as asn1_cms
from attrs import evolve
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from twisted.internet import reactor
from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred
from twisted.internet.task import Clock
from twisted.python.filepath import FilePath
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Site

from estra.asn1 import scep_message as sm
from estra.asn1.cms import ID_DATA, attribute, issuer_serial, sign
from estra.config import Profile, ThrottleSettings
from estra.errors import BadRequest
from estra.scep.resource import NONCE_MEMORY, ScepFrontEnd, nonce_sweeper
from estra.store.database import (MIGRATIONS, Store, _migrate, migrate_blocking, open_store,
                                  run_blocking)
from estra.ra.throttle import LoginThrottle
from estra.upstream.http import ClientTLSPolicy, UpstreamHTTP
from tests import pki
from tests.conftest import Server
from tests.fakeca import FakeHandler, FakeServer, serve
from tests.fuzzing import SCEP_PASSWORD, World, shared_world
from tests.test_scep import answer, http, ra_certificates, request_for, scep_url
from tests.test_scep import self_signed as scep_device
from tests.test_scep_security import issued_records, seal


def device(name: str, key: Any = None) -> sm.Signer:
    """A device's self-signed certificate and key (RSA unless `key`), as SCEP clients
    make them."""
    key = key or rsa.generate_private_key(65537, 1024)
    cert = (x509.CertificateBuilder().subject_name(pki.name(name)).issuer_name(pki.name(name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(pki.NOW).not_valid_after(pki.NOW + timedelta(days=2))
            .sign(key, hashes.SHA256()))
    return sm.Signer(cert, key)


def envelope(ra: x509.Certificate, content: bytes, strangers: int = 0) -> bytes:
    """EnvelopedData of `content` for `ra`, behind `strangers` recipient infos naming
    other keys by subjectKeyIdentifier (as a client encrypting to many would)."""
    key, iv = os.urandom(16), os.urandom(16)
    public = ra.public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    infos = [asn1_cms.RecipientInfo({"ktri": {
        "version": "v2", "rid": {"subject_key_identifier": os.urandom(20)},
        "key_encryption_algorithm": {"algorithm": "rsaes_pkcs1v15"},
        "encrypted_key": os.urandom(public.key_size // 8)}}) for _ in range(strangers)]
    infos.append(asn1_cms.RecipientInfo({"ktri": {
        "version": "v0", "rid": {"issuer_and_serial_number": issuer_serial(ra)},
        "key_encryption_algorithm": {"algorithm": "rsaes_pkcs1v15"},
        "encrypted_key": public.encrypt(key, padding.PKCS1v15())}}))
    return bytes(asn1_cms.ContentInfo({"content_type": "enveloped_data", "content": {
        "version": "v2" if strangers else "v0", "recipient_infos": infos,
        "encrypted_content_info": {
            "content_type": "data", "encrypted_content": seal(content, key, iv),
            "content_encryption_algorithm": {"algorithm": "aes128_cbc",
                                             "parameters": iv}}}}).dump())


def forge(signer: sm.Signer, content: bytes, *, kind: int = sm.MessageType.PKCSReq,
          tid: str = "T-DMZ", nonce: bytes | None = None,
          certificates: int = 0, signers: int = 1) -> bytes:
    """A signed pkiMessage around `content` with the given fields, as it is; with extra
    copies of the signer's certificate and of its SignerInfo."""
    fields = {"2.16.840.1.113733.1.9.2": str(int(kind)), "2.16.840.1.113733.1.9.7": tid,
              "2.16.840.1.113733.1.9.5": os.urandom(16) if nonce is None else nonce}
    der = sign(ID_DATA, content, signer.key, signer.cert,
               attributes=[attribute(oid, value) for oid, value in fields.items()],
               certificates=[signer.cert] * certificates)
    if signers == 1:
        return der
    info = asn1_cms.ContentInfo.load(der)
    info["content"]["signer_infos"] = list(info["content"]["signer_infos"]) * signers
    return bytes(info.dump(force=True))


def pkcs_req(front: ScepFrontEnd, who: sm.Signer, cn: str, strangers: int = 0,
             challenge: str = SCEP_PASSWORD, **fields: Any) -> bytes:
    """A PKCSReq from `who` for CN=`cn` (a new P-256 key), encrypted to the RA behind
    `strangers` recipient infos for others."""
    csr = pki.der(pki.csr(pki.ec_key(), pki.name(cn), challenge=challenge))
    return forge(who, envelope(front.signer.cert, csr, strangers),
                 tid=fields.pop("tid", sm.transaction_id(who.key.public_key())), **fields)


def outcome(front: ScepFrontEnd, der: bytes, profile: Profile) -> Any:
    """The CertRep (parsed) for `der`, or the exception the front end raised."""
    results: list[Any] = []
    Deferred.fromCoroutine(front.operation(der, profile, "192.0.2.7")).addBoth(results.append)
    assert results, "the in-memory RA did not answer at once"
    if isinstance(results[0], bytes):
        return sm.parse(results[0], [front.signer.cert])
    return results[0].value


def row_counts(world: World) -> dict[str, int]:
    """Rows per table of the World's store."""
    conn = world.store.pool.conn
    tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


class _Setup:
    """A front end on the shared World with a 2048-bit RA key (as `estra init` makes),
    counting the RSA decryptions of content keys (`scep_message._content_key`)."""

    world: World
    front: ScepFrontEnd
    profile: Profile
    decrypts: int
    patch: Any

    def make_front(self) -> None:
        self.world = shared_world()
        key = rsa.generate_private_key(65537, 2048)
        cert = self.world.ca.issue(pki.name("estra SCEP RA 2048"), key.public_key(), [], [], 30)
        self.front = ScepFrontEnd(self.world.ra, sm.Signer(cert, key), {})
        self.profile = self.world.profile
        self.decrypts = 0
        real = sm._content_key

        def counting(*args: Any) -> bytes:
            self.decrypts += 1
            return real(*args)
        self.patch(sm, "_content_key", counting)


class CpuTests(SynchronousTestCase, _Setup):
    """Finding 4: no message costs much more RA time than a normal one."""

    def setUp(self) -> None:
        self.make_front()

    def test_many_recipients_cost_no_more(self) -> None:
        """A message with 180 recipient infos is refused before any RSA work and costs
        no more than a normal enrollment (measured alike, in this run)."""
        def timed(strangers: int) -> tuple[float, Any]:
            der = pkcs_req(self.front, device("cost"), "cost.example.com", strangers)
            started = time.perf_counter()
            result = outcome(self.front, der, self.profile)
            return time.perf_counter() - started, result
        normal = [timed(0) for _ in range(5)]
        self.assertTrue(all(r.status == sm.Status.SUCCESS for _, r in normal), normal)
        before = self.decrypts
        many = [timed(180) for _ in range(5)]
        ratio = statistics.median(t for t, _ in many) / statistics.median(t for t, _ in normal)
        self.assertLess(ratio, 2.0, f"180 recipient infos cost {ratio:.1f}x a normal message")
        self.assertEqual(self.decrypts, before)
        for _, result in many:
            self.assertIsInstance(result, BadRequest)
            self.assertIn("recipient infos", result.reason)

    def test_only_the_ra_recipient_is_decrypted(self) -> None:
        """Of 8 recipient infos (7 naming other keys by subjectKeyIdentifier), only the
        one naming the RA certificate is decrypted: one RSA decryption, and it enrolls."""
        reply = outcome(self.front, pkcs_req(self.front, device("eight"), "eight", 7),
                        self.profile)
        self.assertEqual((reply.status, self.decrypts), (sm.Status.SUCCESS, 1))

    def test_caps_on_certificates_and_signers(self) -> None:
        """More certificates or signer infos than a client needs: 400 before any work."""
        who = device("caps")
        content = envelope(self.front.signer.cert, b"\x30\x00")
        for der, what in ((forge(who, content, certificates=sm.MAX_CERTIFICATES + 1),
                           "certificates"),
                          (forge(who, content, signers=sm.MAX_SIGNERS + 1), "signer infos")):
            result = outcome(self.front, der, self.profile)
            self.assertIsInstance(result, BadRequest)
            self.assertIn(what, result.reason)
        self.assertEqual(self.decrypts, 0)

    def test_resend_and_replay_before_decryption(self) -> None:
        """The same bytes again get the same answer, and other bytes with a senderNonce
        seen before are a replay, both without decrypting anything; a wrong challenge
        sent again is the same FAILURE, its budget spent once."""
        who = device("again")
        der = pkcs_req(self.front, who, "again")
        first = outcome(self.front, der, self.profile)
        self.assertEqual((first.status, self.decrypts), (sm.Status.SUCCESS, 1))
        again = outcome(self.front, der, self.profile)
        self.assertEqual((again.status, self.decrypts), (sm.Status.SUCCESS, 1))
        nonce = sm.parse(der).sender_nonce
        replay = outcome(self.front, pkcs_req(self.front, who, "other", nonce=nonce),
                         self.profile)
        self.assertEqual((replay.status, replay.fail_info), (sm.Status.FAILURE,
                                                             sm.FailInfo.badMessageCheck))
        self.assertIn("replay", replay.fail_info_text)
        wrong = pkcs_req(self.front, device("wrong"), "wrong", challenge="not-sesame")
        answers = [outcome(self.front, wrong, self.profile) for _ in range(3)]
        self.assertEqual({(a.status, a.fail_info_text) for a in answers},
                         {(sm.Status.FAILURE, answers[0].fail_info_text)})
        self.assertEqual(self.decrypts, 2)
        self.assertEqual(again.issued(who), first.issued(who))     # the device decrypts


class StoreTests(SynchronousTestCase, _Setup):
    """Finding 5: what fails cheap checks writes nothing; the nonce memory is bounded."""

    def setUp(self) -> None:
        self.make_front()

    def test_refused_messages_write_nothing(self) -> None:
        """A 30 KB or 15-byte senderNonce, none, a 10 KB transactionID, a GetCRL, an EC
        signer, 180 recipient infos: refused, not a row written, nothing decrypted."""
        who, ec_signer = device("cheap"), device("ec", pki.ec_key())
        content = envelope(self.front.signer.cert, b"\x30\x00")
        before = row_counts(self.world)
        cases = {
            "30 KB nonce": forge(who, content, nonce=os.urandom(30_000)),
            "15-byte nonce": forge(who, content, nonce=os.urandom(15)),
            "10 KB transactionID": forge(who, content, tid="A" * 10_000),
            "GetCRL": forge(who, content, kind=sm.MessageType.GetCRL),
            "EC signer": forge(ec_signer, content),
            "180 recipients": pkcs_req(self.front, who, "cheap", 180),
        }
        for name, der in cases.items():
            result = outcome(self.front, der, self.profile)
            refused = isinstance(result, BadRequest) or result.status == sm.Status.FAILURE
            self.assertTrue(refused, (name, result))
        self.assertEqual(row_counts(self.world), before)
        self.assertEqual(self.decrypts, 0)

    def test_no_sweep_on_the_request_path(self) -> None:
        """Enrolling deletes no old senderNonce (no scan per request); the timer does,
        in batches, and only those older than a day."""
        conn = self.world.store.pool.conn
        now = self.world.clock()            # the store's clock (the World's, set once)
        conn.executemany("INSERT INTO scep_nonces (nonce, at) VALUES (?, ?)",
                         [(os.urandom(16).hex(), now - NONCE_MEMORY - 10) for _ in range(25)])
        conn.commit()
        old = "SELECT COUNT(*) FROM scep_nonces WHERE at < ?"
        reply = outcome(self.front, pkcs_req(self.front, device("sweep"), "sweep"),
                        self.profile)
        self.assertEqual(reply.status, sm.Status.SUCCESS)
        self.assertEqual(conn.execute(old, (now - NONCE_MEMORY,)).fetchone()[0], 25)
        fresh = conn.execute("SELECT COUNT(*) FROM scep_nonces").fetchone()[0] - 25
        clock = Clock()
        sweeper = nonce_sweeper(clock, self.world.store, batch=10, batches=2)
        sweeper.startService()                  # runs once now: two batches of ten
        self.addCleanup(sweeper.stopService)
        self.assertEqual(conn.execute(old, (now - NONCE_MEMORY,)).fetchone()[0], 5)
        clock.advance(60)
        self.assertEqual(conn.execute("SELECT COUNT(*) FROM scep_nonces").fetchone()[0], fresh)

    def test_sweep_walks_an_index(self) -> None:
        """The sweep's row selection uses the index on `at`, not a full scan."""
        conn = self.world.store.pool.conn
        plan = " ".join(str(row) for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT nonce FROM scep_nonces WHERE at < 1 LIMIT 10"))
        self.assertIn("scep_nonces_at", plan)


def check_nonce_migration(store: Store) -> None:
    """Migrate `store` made by the schema before the senderNonce change: a 16-byte nonce
    seen before is still a replay afterwards, whatever message brings it; the rows of
    nonces no message can carry now (not 16 bytes) are gone."""
    seen, long = os.urandom(16), os.urandom(1000)

    def previous(cursor: Any, dialect: Any) -> None:
        _migrate(cursor, dialect, upto=next(      # the schema before the nonce migration
            i for i, steps in enumerate(MIGRATIONS)
            if "CREATE INDEX scep_nonces_at ON scep_nonces (at)" in steps))
        for nonce in (seen, long):
            cursor.execute(dialect.sql("INSERT INTO scep_nonces (nonce, at) VALUES (?, ?)"),
                           (nonce.hex(), time.time()))
    run_blocking(store, previous)
    assert migrate_blocking(store) == len(MIGRATIONS)
    def read(cursor: Any, dialect: Any) -> list[Any]:
        cursor.execute("SELECT nonce, message_sha256, outcome FROM scep_nonces")
        return list(cursor.fetchall())
    rows = run_blocking(store, read)
    assert [tuple(r) for r in rows] == [(seen.hex(), "", "")], rows


class MigrationTests(SynchronousTestCase):
    """The senderNonce migration on SQLite (`test_nonce_migration_postgres` below)."""

    def test_old_nonces_keep_their_meaning(self) -> None:
        """A store of the previous schema migrates; its nonces stay replays."""
        state = FilePath(tempfile.mkdtemp())
        store = open_store("", state, time.time)
        self.addCleanup(store.pool.close)
        check_nonce_migration(store)
        world = shared_world()
        front = ScepFrontEnd(world.ra, world.scep_signer, {})
        conn = sqlite3.connect(state.child("estra.db").path)
        (nonce,) = conn.execute("SELECT nonce FROM scep_nonces").fetchone()
        conn.close()
        world.store.pool.conn.execute(
            "INSERT INTO scep_nonces (nonce, at) VALUES (?, ?)", (nonce, time.time()))
        reply = outcome(front, pkcs_req(front, device("legacy"), "legacy",
                                        nonce=bytes.fromhex(nonce)), world.profile)
        self.assertEqual(reply.status, sm.Status.FAILURE)
        self.assertIn("replay", reply.fail_info_text)


# -- the challenge webhook's own trouble ------------------------------------------------


class _Hook(Resource):
    isLeaf = True

    def __init__(self) -> None:
        super().__init__()
        self.status, self.silent = 200, False

    def render_POST(self, request: Any) -> Any:
        if self.silent:
            return NOT_DONE_YET                  # never answers
        request.setResponseCode(self.status)
        return json.dumps({"allow": True}).encode() if self.status == 200 else b"oops"


class WebhookBudgetTests(TestCase):
    """The SCEP challenge webhook answering 500, 502, 503 or 429, silent past its timeout,
    or refusing connections: PENDING (try later), the device's budget untouched.  On
    13fbe27 the 5xx answers spent it (a Forbidden); timeouts and refusals did not."""

    def setUp(self) -> None:
        self.world = World()
        self.hook = _Hook()
        port = reactor.listenTCP(0, Site(self.hook),
                                 interface="127.0.0.1")
        self.addCleanup(port.stopListening)
        address = port.getHost()
        assert isinstance(address, IPv4Address)
        self.url = f"http://127.0.0.1:{address.port}/hook"
        self.http = UpstreamHTTP(reactor, "webhook", "hook", ClientTLSPolicy(None),
                                 timeout=0.5, connect_timeout=0.5, retries=0)
        self.addCleanup(self.http.pool.closeCachedConnections)
        self.world.ra.authenticator.throttle = LoginThrottle(    # one failure, then 429
            ThrottleSettings(source_burst=1, source_refill=3600), time.time)
        self.profile = evolve(self.world.profile, scep_challenge="webhook",
                              scep_webhook=self.url)
        self.fine = self.profile
        self.front = ScepFrontEnd(self.world.ra, self.world.scep_signer,
                                  {self.profile.name: self.http})

    async def _check(self, status: int = 200, silent: bool = False) -> None:
        """A request while the webhook is in trouble gets PENDING; then one once it
        answers "allow" enrolls: the first did not spend the address's one failure."""
        replies, profile = [], self.profile
        self.hook.status, self.hook.silent = status, silent
        for n in range(2):
            der = pkcs_req(self.front, device(f"hook{n}"), f"hook{n}")
            replies.append(sm.parse(await self.front.operation(der, profile, "192.0.2.9"),
                                    [self.front.signer.cert]))
            self.hook.status, self.hook.silent, profile = 200, False, self.fine
            self.front.webhooks[self.profile.name] = self.http
        trouble, fine = replies
        self.assertEqual(trouble.status, sm.Status.PENDING, trouble.fail_info_text)
        self.assertEqual(fine.status, sm.Status.SUCCESS, fine.fail_info_text)

    def test_answer_500(self) -> Deferred[None]:
        return Deferred.fromCoroutine(self._check(500))

    def test_answer_502(self) -> Deferred[None]:
        return Deferred.fromCoroutine(self._check(502))

    def test_answer_503(self) -> Deferred[None]:
        return Deferred.fromCoroutine(self._check(503))

    def test_answer_429(self) -> Deferred[None]:
        return Deferred.fromCoroutine(self._check(429))

    def test_timeout(self) -> Deferred[None]:
        return Deferred.fromCoroutine(self._check(silent=True))

    def test_refused(self) -> Deferred[None]:
        """Nothing listens where the webhook should be: the connection is refused."""
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/hook"
        closed.close()
        self.front.webhooks[self.profile.name] = refused = UpstreamHTTP(
            reactor, "webhook", "hook", ClientTLSPolicy(None), timeout=0.5, retries=0)
        self.addCleanup(refused.pool.closeCachedConnections)
        self.profile = evolve(self.profile, scep_webhook=url)
        return Deferred.fromCoroutine(self._check())


def test_nonce_migration_postgres(database: str) -> None:
    """The senderNonce migration on PostgreSQL."""
    check_nonce_migration(open_store(database, FilePath(tempfile.mkdtemp()), time.time))


# -- a real crash: kill -9 while a request is being decided --------------------------------


class SlowWebhook(FakeHandler):
    """A challenge service that allows "sesame", once `state["go"]` is set."""

    def do_POST(self) -> None:
        doc = json.loads(self.body())
        self.server.state.setdefault("seen", []).append(doc["transaction_id"])
        self.server.state["go"].wait(30)
        self.reply_json(200, {"allow": doc["challenge"] == SCEP_PASSWORD})


@pytest.fixture
def slow_webhook(tmp_path: Path) -> Iterator[FakeServer]:
    state: dict[str, Any] = {"go": threading.Event()}
    try:
        yield from serve(SlowWebhook, tmp_path, state=state)
    finally:
        state["go"].set()


def test_kill_9_while_deciding_loses_nothing(start_estra: Callable[..., Server],
                                             slow_webhook: FakeServer, tmp_path: Path) -> None:
    """estra killed (SIGKILL) while the webhook decides a PKCSReq: nothing was issued,
    so the device's identical retransmission after the restart enrolls (on 13fbe27 its
    senderNonce was already committed: FAILURE "replay"); sent once more, it gets the
    same certificate, and one certificate is on record."""
    config = f"""
[scep]
listen = "tcp:0:interface=127.0.0.1"

[profiles.default]
scep_challenge = "webhook"
scep_webhook = "https://localhost:{slow_webhook.server_address[1]}/scep-challenge"
scep_webhook_trust = "{tmp_path / 'fake-ca.pem'}"
"""
    server = start_estra(config)
    ra, _ = ra_certificates(server)
    who = scep_device("crash-9")
    request = sm.pkcs_req(request_for(who, "crash-9", SCEP_PASSWORD), who, ra)
    def send() -> None:
        with contextlib.suppress(OSError):           # the server dies mid-request
            http(scep_url(server) + "?operation=PKIOperation", request.der)
    sent = threading.Thread(target=send, daemon=True)
    sent.start()
    deadline = time.monotonic() + 30
    while not slow_webhook.state.get("seen") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert slow_webhook.state.get("seen"), server.log.read_text()
    server.proc.kill()                                   # SIGKILL: no shutdown at all
    server.proc.wait(15)
    sent.join(30)
    slow_webhook.state["go"].set()
    server._start(config)
    first = request.check(answer(server, request.der, who))
    assert first.status == sm.Status.SUCCESS, first.fail_info_text
    again = request.check(answer(server, request.der, who))
    assert again.issued(who)[0] == first.issued(who)[0]
    assert len(issued_records(server, "crash-9")) == 1
