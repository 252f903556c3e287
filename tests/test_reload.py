"""SIGHUP reloads the whole configuration atomically, without dropping connections.

The SIGHUP tests share one running estra (module fixture, one xdist worker)."""

from __future__ import annotations

import http.client
import signal
import ssl
import threading
import time
from typing import Iterator

import pytest

from twisted.logger import capturedLogs, formatEvent
from twisted.python.filepath import FilePath
from twisted.trial.unittest import SynchronousTestCase

from estra import tokens
from estra.config import settings_from_string
from estra.errors import TokenUnavailable
from estra.testing import MemoryRA
from tests import pki
from tests.conftest import PASSWORD, Server

RSA_ONLY = '[profiles.default]\nkey_types = ["rsa"]\n'
EC_ONLY = '[profiles.default]\nkey_types = ["ec"]\n'


def reload(server: Server, config: str, outcome: str) -> None:
    """Write `config`, send SIGHUP and wait for one more `outcome` line in the log."""
    before = server.log.read_text().count(outcome)
    server.config.write_text(config)
    server.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 15
    while server.log.read_text().count(outcome) == before:
        assert time.monotonic() < deadline and server.alive(), server.log.read_text()
        time.sleep(0.05)


def ec_status(server: Server) -> int:
    return server.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("dev")))[0]


@pytest.fixture(scope="module")
def hup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One running estra with user alice for this module's SIGHUP tests: each test
    first reloads the configuration it starts from."""
    server = Server(tmp_path_factory.mktemp("hup"), RSA_ONLY)
    try:
        server.add_user("alice")
        yield server
    finally:
        server.stop()


def log_since(server: Server, offset: int) -> str:
    return server.log.read_text()[offset:]


def test_sighup_applies_a_changed_profile_rule(hup: Server) -> None:
    """After the config file changes and SIGHUP, the next request is judged by the new rule."""
    reload(hup, RSA_ONLY, "configuration reloaded from")
    assert ec_status(hup) == 403
    reload(hup, EC_ONLY, "configuration reloaded from")
    assert ec_status(hup) == 200


def test_invalid_config_is_refused_and_the_old_rule_stays(hup: Server) -> None:
    """A config that does not validate (or names a missing file) is refused with one log
    line; the running rule keeps applying."""
    reload(hup, EC_ONLY, "configuration reloaded from")
    start = len(hup.log.read_text())
    reload(hup, EC_ONLY.replace('"ec"', '"sideways"'), "reload refused")
    refused = [ln for ln in log_since(hup, start).splitlines() if "reload refused" in ln]
    assert len(refused) == 1 and "profiles.default.key_types: unknown value 'sideways'" \
        in refused[0], refused
    assert ec_status(hup) == 200
    reload(hup, RSA_ONLY + '[tls]\nclient_trust = ["missing.pem"]\n', "reload refused")
    assert "missing.pem does not exist" in log_since(hup, start)
    assert ec_status(hup) == 200 and hup.alive()
    assert "Traceback" not in hup.log.read_text()


def test_keep_alive_connection_survives_a_reload(hup: Server) -> None:
    """A keep-alive TLS connection opened before the reload keeps working after it, and
    its next request is judged by the new configuration."""
    server = hup
    reload(server, RSA_ONLY, "configuration reloaded from")
    context = ssl.create_default_context(cafile=str(server.ca))
    conn = http.client.HTTPSConnection("localhost", server.port, context=context, timeout=30)
    import base64
    auth = "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()

    def enroll() -> int:
        body = pki.b64(pki.csr(pki.ec_key(), pki.name("kept")))
        conn.request("POST", "/.well-known/est/simpleenroll", body,
                     {"Content-Type": "application/pkcs10", "Authorization": auth})
        response = conn.getresponse()
        response.read()
        return response.status
    assert enroll() == 403
    sock = conn.sock
    reload(server, EC_ONLY, "configuration reloaded from")
    assert enroll() == 200
    assert conn.sock is sock, "the connection was re-opened"
    conn.close()


class _Pool:
    closed = False

    async def close(self) -> None:
        self.closed = True


def test_retired_generation_closes_its_pools_after_the_last_request() -> None:
    """A retired generation keeps its upstream pools open until its in-flight requests
    finish, then closes them; the holder hands new requests the new generation."""
    from twisted.web.resource import Resource
    from twisted.web.test.requesthelper import DummyRequest

    from estra.config import settings_from_string
    from estra.runtime.reload import Generation, GenerationRoot, Holder

    def generation(pool: _Pool) -> Generation:
        tree = Resource()
        tree.putChild(b"x", Resource())
        return Generation(settings_from_string(""), tree, None, [pool], [], [])
    old_pool, new_pool = _Pool(), _Pool()
    holder = Holder(generation(old_pool))
    root = GenerationRoot(holder, lambda g: g.est)
    request = DummyRequest([b"x"])
    root.getChildWithDefault(b"x", request)
    old = holder.swap(generation(new_pool))
    old.retire()
    assert not old_pool.closed and old.in_flight == 1
    root.getChildWithDefault(b"x", DummyRequest([b"x"]))
    assert holder.current.in_flight == 1
    request.finish()
    assert old_pool.closed and not new_pool.closed


def test_restart_only_settings_are_named() -> None:
    """A reload that changes a listen address, max_body or the store URL names those
    settings (they take effect only after a restart); profile changes are not among them."""
    from estra.config import settings_from_string
    from estra.runtime.reload import needs_restart

    old = settings_from_string(EC_ONLY)
    new = settings_from_string('[server]\nlisten = "tcp:9443"\nmax_body = 10\n'
                               '[store]\nurl = "sqlite:///other.db"\n' + RSA_ONLY)
    assert needs_restart(old, new) == ["server.listen", "server.max_body", "store.url"]
    assert needs_restart(old, settings_from_string(RSA_ONLY)) == []


HUNG_KEY = "pkcs11:token=hung;object=sign"


class TokenReloadTests(SynchronousTestCase):
    """A reload opens the token keys it needs on the token's worker, never on the
    reactor: a token that never answers refuses the reload when [pkcs11] timeout runs
    out on the reactor's clock, with one log line, and the running generation serves on."""

    def setUp(self) -> None:
        self.ra = MemoryRA()
        pin = FilePath(self.mktemp())
        pin.setContent(b"1234\n")
        self.config = (f'[pkcs11]\npin_file = "{pin.path}"\ntimeout = 7\n'
                       f'[scep]\nsigning_cert = "sign.pem"\nsigning_key = "{HUNG_KEY}"\n')
        wanted = settings_from_string(self.config, state_dir=self.ra.settings.state_dir.path)
        token = tokens.token_of(HUNG_KEY, wanted.pkcs11)
        token.reactor = self.ra.reactor               # its timeout runs on the test's clock
        # the process's tokens outlive this test; a later one (any /healthz) must not
        # find this hung token bound to a reactor nobody advances
        self.addCleanup(tokens._TOKENS.pop, (token.module, token.label), None)
        gate, started = threading.Event(), threading.Event()
        self.addCleanup(gate.set)
        token.call(lambda: started.set() or gate.wait()).addErrback(lambda _: None)
        self.assertTrue(started.wait(10))             # the worker is stuck from now on

    def test_hung_token_refuses_the_reload_and_the_old_generation_serves(self) -> None:
        """The reload waits (the reactor does not), is refused at the timeout naming the
        token, once; GetCACert is still answered by the generation in force."""
        before = self.ra.generation
        with capturedLogs() as events:
            started = time.monotonic()
            reloading = self.ra.reload(self.config)
            self.assertLess(time.monotonic() - started, 5)
            self.assertNoResult(reloading)
            self.assertEqual(self.ra.get("/scep?operation=GetCACert", face="scep").code, 200)
            self.ra.reactor.advance(7)
            self.successResultOf(reloading)
        refused = [formatEvent(e) for e in events if "reload refused" in formatEvent(e)]
        self.assertEqual(len(refused), 1, refused)
        self.assertIn("token hung is not answering", refused[0])
        self.assertIs(self.ra.generation, before)
        self.assertEqual(self.ra.get("/scep?operation=GetCACert", face="scep").code, 200)

    def test_nothing_waits_on_a_token_inside_a_reload_build(self) -> None:
        """Inside `Ahead` (a reload's build on the reactor) a key not opened ahead, making
        a key and any other token call refuse at once instead of waiting."""
        with tokens.Ahead({}):
            started = time.monotonic()
            with self.assertRaises(TokenUnavailable):
                tokens.open_key(HUNG_KEY, tokens.TokenSettings())
            with self.assertRaisesRegex(ValueError, "a reload makes no token keys"):
                tokens.generate_key(HUNG_KEY, tokens.TokenSettings())
            self.assertLess(time.monotonic() - started, 5)
