"""An in-memory estra for tests, in the style of `treq.testing`.

`MemoryRA` builds the RA through the production wiring (`estra.runtime.service`:
the state directory, `build_generation` from a TOML configuration, the
listeners' `make_site`) with a `MemoryReactorClock` as reactor and clock, a
synchronous SQLite store in the state directory and the embedded CA; its EST,
SCEP and admin faces are real `Site`s driven by treq's `HTTPClient` over an
in-memory agent.  A device's TLS facts (client chain, tls-unique or
tls-exporter, peer address) are given per client as a `DeviceTLS`, which
`estra.est.resource.peer_of` reads through its `IPeerTLS` seam::

    ra = MemoryRA('[profiles.default]\\nallow_basic = true\\n')
    ra.add_user("alice", "pw")
    reply = ra.post("/.well-known/est/simpleenroll", csr_b64, user=("alice", "pw"))
    assert reply.code == 200

Nothing here starts a thread or opens a socket, and the clock reads the real time
only once, to start from it.
"""

from __future__ import annotations

import base64
import os
import sqlite3
import subprocess
import tempfile
import time
from typing import Any, AnyStr, Callable, Mapping, Sequence

from attrs import frozen
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from OpenSSL import SSL, crypto
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.defer import Deferred, fail, succeed
from twisted.internet.endpoints import TCP4ClientEndpoint
from twisted.internet.error import ConnectionRefusedError
from twisted.internet.interfaces import (IOpenSSLServerConnectionCreator, IProcessProtocol,
                                         IProcessTransport, IProtocolFactory, ISSLTransport)
from twisted.internet.testing import MemoryReactorClock
from twisted.logger import ILogObserver, formatEvent, globalLogPublisher
from twisted.protocols.tls import TLSMemoryBIOFactory
from twisted.python.failure import Failure
from twisted.python.filepath import FilePath
from twisted.test import iosim
from twisted.web.client import Agent
from twisted.web.http_headers import Headers
from twisted.web.iweb import IAgent
from twisted.web.server import Site
from zope.interface import directlyProvides, implementer

from treq.client import HTTPClient

from estra.interfaces import IEstraReactor
from estra.console.admin import admin_root
from estra.ra.attempts import Attempts
from estra.ra.auth import hash_password
from estra.config import Settings, settings_from_string
from estra.est.resource import IPeerTLS, ProfileResource
from estra.store.files import set_line
from estra.est.fullcmc import FullCmc
from estra.web.http import make_site
from estra.web.listeners import connection_limits
from estra.ra.pipeline import RegistrationAuthority
from estra.runtime.reload import Generation, GenerationRoot, Holder
from estra.asn1.scep_message import Signer
from estra.runtime.service import (IssuerSync, Reloader, Shared, admin_max_body,
                                   build_generation, console_tree, scep_signer)
from estra.runtime.state import Prepared, open_state
from estra.store.database import POSTGRES, SQLITE, Store, migrate_blocking
from estra.web.tls import ChannelBinding, ServerTLS, TrustStore
from estra.upstream.http import WholeBody
from estra.ca.local import LocalCA
from estra.ca.revocation import CRL_MAX_BODY, CrlPublisher, Revocation, published, revoke

__all__ = ["MemoryRA", "DeviceTLS", "Reply", "LogLines", "SyncPool", "SyncThreads",
           "PostgresSyncPool", "memory_store", "Upstreams", "tls_peer"]


class SyncPool:
    """adbapi's ConnectionPool interface over one SQLite connection, synchronously:
    each interaction runs and commits (or rolls back) before it returns."""

    def __init__(self, path: str = ":memory:") -> None:
        self.conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self.path = path
        if path != ":memory:":      # as estra's store: operator commands may share the file
            self.conn.execute("PRAGMA journal_mode=WAL")

    def runInteraction(self, fn: Callable[..., Any], *args: Any) -> Deferred[Any]:
        try:
            result = fn(self.conn.cursor(), *args)
        except Exception:  # noqa: BLE001 - the caller's Deferred gets the Failure
            self.conn.rollback()
            return fail()
        self.conn.commit()
        return succeed(result)

    def runQuery(self, sql: str, args: Any = ()) -> Deferred[Any]:
        return self.runInteraction(lambda c: c.execute(sql, args).fetchall())

    # what `estra.store.engine.run_blocking` asks of a pool: a connection of its own
    dbapi, connkw, openfun = sqlite3, {"check_same_thread": False, "timeout": 30}, None

    @property
    def connargs(self) -> tuple[str]:
        return (self.path,)

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass


class SyncThreads:
    """A thread pool (and the reactor side of it) that runs the work right away:
    bcrypt for `estra.ra.auth.Htpasswd` without threads."""

    def callInThreadWithCallback(self, on_result: Callable[..., Any], f: Callable[..., Any],
                                 *args: Any) -> None:
        try:
            result = f(*args)
        except Exception:  # noqa: BLE001 - the caller gets the Failure, as from a thread
            on_result(False, Failure())
        else:
            on_result(True, result)

    def callFromThread(self, f: Callable[..., Any], *args: Any) -> None:
        f(*args)


# -- the configured store, synchronously ([store] url: SQLite or PostgreSQL) ----------

class PostgresSyncPool(SyncPool):
    """`SyncPool` over one PostgreSQL connection (and what `run_blocking` asks of a pool)."""

    def __init__(self, url: str) -> None:
        import psycopg
        self.conn = psycopg.connect(url)        # type: ignore[assignment]
        self.path, self.dbapi, self.connkw = url, psycopg, {}


def memory_store(settings: Settings, clock: Callable[[], float]) -> Store:
    """The store `settings` name (`[store] url`: a PostgreSQL database, else the state
    directory's SQLite file) over a synchronous pool, as `MemoryRA` serves it."""
    if settings.store_url.startswith(("postgresql://", "postgres://")):
        return Store(PostgresSyncPool(settings.store_url), POSTGRES, clock)  # type: ignore[arg-type]
    return Store(SyncPool(settings.state_dir.child("estra.db").path),  # type: ignore[arg-type]
                 SQLITE, clock)


@implementer(IEstraReactor)
class _Reactor(MemoryReactorClock):
    """A memory reactor whose `callFromThread` runs at once (nothing is threaded):
    everything estra's reactor is (`IEstraReactor`), in memory."""

    def callFromThread(self, callable: Callable[..., Any], *args: object,
                       **kwargs: object) -> None:
        callable(*args, **kwargs)

    def spawnProcess(self, processProtocol: IProcessProtocol, executable: bytes | str,
                     args: Sequence[bytes | str], env: Mapping[AnyStr, AnyStr] | None = None,
                     path: None | bytes | str = None, uid: int | None = None,
                     gid: int | None = None, usePTY: bool = False,
                     childFDs: Mapping[int, int | str] | None = None) -> IProcessTransport:
        """Worker processes are what a memory reactor never starts: use a real estra."""
        raise NotImplementedError("no processes in memory")


@implementer(ILogObserver)
class LogLines:
    """Every log event while started, as text and fields (what a log file would show,
    and more): a test asserts that no secret and no traceback is among them."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, event: dict[str, Any]) -> None:
        self.lines.append(f"{formatEvent(event)} {event!r}")

    def start(self) -> "LogLines":
        globalLogPublisher.addObserver(self)
        return self

    def stop(self) -> str:
        """Stop keeping events; everything kept, one event per line."""
        globalLogPublisher.removeObserver(self)
        return self.text()

    def text(self) -> str:
        return "\n".join(self.lines)


@implementer(IPeerTLS)
@frozen
class DeviceTLS:
    """The TLS facts of one in-memory device connection: the chain it presented
    (leaf first) and the channel-binding values of its session."""

    chain: tuple[x509.Certificate, ...] = ()
    tls_unique: bytes | None = None
    tls_exporter: bytes | None = None

    def peer_chain(self) -> list[x509.Certificate]:
        return list(self.chain)

    def channel_binding(self) -> ChannelBinding:
        return ChannelBinding(self.tls_unique, self.tls_exporter)


@frozen
class Reply:
    """An answer read whole: status, headers (names lower-cased, last value), body."""

    code: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@implementer(IAgent)
class _DeviceAgent:
    """An IAgent whose every connection reaches `site` in memory from `address`,
    carrying `tls` (None: plain HTTP) as treq.testing.RequestTraversalAgent does."""

    def __init__(self, site: Site, tls: DeviceTLS | None, address: str,
                 pumps: set[iosim.IOPump]) -> None:
        self._site, self._tls, self._address, self._pumps = site, tls, address, pumps
        self._reactor = MemoryReactorClock()
        self._agent = Agent.usingEndpointFactory(self._reactor, self)

    def endpointForURI(self, uri: Any) -> TCP4ClientEndpoint:
        return TCP4ClientEndpoint(self._reactor, uri.host, uri.port)

    def request(self, method: bytes, uri: bytes, headers: Headers | None = None,
                bodyProducer: Any = None) -> Deferred[Any]:
        response: Deferred[Any] = self._agent.request(method, uri, headers, bodyProducer)
        if response.called or not self._reactor.tcpClients:
            return response
        _, port, factory, _, _ = self._reactor.tcpClients.pop()
        kind = IPv6Address if ":" in self._address else IPv4Address
        server_address = IPv4Address("TCP", "127.0.0.1", port)
        client_address = kind("TCP", self._address, 40000 + len(self._pumps))
        server = self._site.buildProtocol(client_address)
        server_transport = iosim.FakeTransport(server, isServer=True,
                                               hostAddress=server_address,
                                               peerAddress=client_address)
        client = factory.buildProtocol(None)
        client_transport = iosim.FakeTransport(client, isServer=False,
                                               hostAddress=client_address,
                                               peerAddress=server_address)
        if self._tls is not None:
            tls = self._tls
            directlyProvides(server_transport, ISSLTransport)
            server_transport.getHandle = lambda: tls  # type: ignore[attr-defined]
        self._pumps.add(iosim.connect(server, server_transport, client, client_transport))
        return response


def _faces(holder: Holder) -> dict[str, Any]:
    return {"est": GenerationRoot(holder, lambda g: g.est),
            "scep": GenerationRoot(holder, lambda g: g.scep)}


@frozen
class _Face:
    site: Site
    url: str


class MemoryRA:
    """estra in memory, built from `config` (TOML) as `twistd estra` builds it.

    `state_dir` defaults to a new temporary directory (made by estra's own
    first start: CA, TLS and SCEP keys, htpasswd); `files` are written into it
    first, relative names, so the configuration can name them.  The clock is
    `reactor` (a MemoryReactorClock set to the real time once): `advance(s)`.
    With `[crl] listen`, the face "crl" serves the CRL (and OCSP) of `crl`.
    """

    def __init__(self, config: str = "", state_dir: str | None = None,
                 files: Mapping[str, bytes] | None = None, now: float | None = None,
                 upstreams: Mapping[str, IProtocolFactory | None] | None = None) -> None:
        """`upstreams`: the peers the RA's upstream adapters reach in memory, by
        "host:port" (see `Upstreams`); with them the re-enrollment trust follows the
        upstreams' issuers, fetched at the first flush and every [ca] sync_seconds on
        the clock, as `twistd estra` does."""
        self.reactor = _Reactor()
        self.upstreams = Upstreams(self.reactor, upstreams)
        self.reactor.advance(time.time() if now is None else now)
        self.clock = self.reactor.seconds
        where = FilePath(state_dir or tempfile.mkdtemp(prefix="estra-memory-"))
        for name, content in (files or {}).items():        # private: keys among them
            target = where.preauthChild(name)
            target.parent().makedirs(ignoreExistingDirectory=True)
            target.setContent(content)
            target.chmod(0o600)
        self.settings: Settings = settings_from_string(
            config, state_dir=where.child("state").path)
        self.prepared: Prepared = open_state(self.settings, self.clock)
        # as `twistd estra` does: the CA names its CRL and OCSP URLs in what it issues
        self.prepared.ca.crl_url = self.settings.crl_url
        self.prepared.ca.ocsp_url = self.settings.ocsp_url
        self.store = memory_store(self.settings, self.clock)
        migrate_blocking(self.store)
        self.threads = SyncThreads()
        self.shared = Shared(self.reactor, self.clock, self.prepared.ca, self.threads,  # type: ignore[arg-type]
                             self.store, TrustStore("issuing CA", self.prepared.ca.anchors()),
                             scep=True, attempts=Attempts(self.store, self.clock,
                                                          self.settings.attempts_per_hour,
                                                          self.settings.attempts_days))
        self.holder = Holder(build_generation(self.shared, self.settings))
        if upstreams is not None:       # the re-enrollment trust follows their issuers
            self.issuer_sync = IssuerSync(self.reactor, self.shared.issued, self.prepared.ca,
                                          self.holder.current.remote,
                                          self.settings.ca_sync_seconds)
            self.issuer_sync.startService()
        limits = connection_limits(self.settings)
        roots = _faces(self.holder)
        console = console_tree(self.shared, self.settings, self.holder)
        roots["admin"] = admin_root(self.store, console,   # /healthz asks the upstreams too
                                    lambda: self.holder.current.cas.values())
        bodies = {"est": self.settings.max_body, "scep": self.settings.max_body,
                  "admin": admin_max_body(console)}
        if self.settings.crl_listen:     # the `[crl] listen` listener: CRL and OCSP
            self.crl = CrlPublisher(self.store, self.ca, self.clock,
                                    self.settings.crl_days * 86400.0)
            roots["crl"] = published(self.settings, self.store, self.ca, self.clock, self.crl)
            bodies["crl"] = CRL_MAX_BODY
        self._faces = {name: _Face(make_site(root, bodies[name], limits, self.reactor, name),
                                   "https://" if name == "est" else "http://")
                       for name, root in roots.items()}
        self._pumps: set[iosim.IOPump] = set()

    # -- what tests drive -------------------------------------------------
    @property
    def generation(self) -> Generation:
        return self.holder.current

    @property
    def ca(self) -> LocalCA:
        """The embedded CA."""
        return self.prepared.ca

    def _est_tree(self) -> ProfileResource:
        tree = self.generation.est.children[b".well-known"].children[b"est"]
        assert isinstance(tree, ProfileResource)
        return tree

    @property
    def ra(self) -> RegistrationAuthority:
        """The current generation's RA pipeline (the one its resources call)."""
        return self._est_tree().ra

    @property
    def fullcmc(self) -> FullCmc | None:
        return self._est_tree().fullcmc

    @property
    def scep_signer(self) -> Signer:
        """The RA's SCEP certificate and key (from the state directory)."""
        return scep_signer(self.settings, self.ca)

    def reload(self, config: str) -> Deferred[None]:
        """SIGHUP with the configuration file now reading `config` (TOML): the production
        `Reloader` (CA files, token keys opened ahead, a new generation swapped in)."""
        reloader = Reloader(self.shared, self.holder,
                            ServerTLS(self.settings.tls_cert, self.settings.tls_key),
                            sync=getattr(self, "issuer_sync", None),   # with upstreams
                            read=lambda running: settings_from_string(
                                config, state_dir=running.state_dir.path))
        return reloader.reload()

    def add_user(self, name: str, password: str) -> None:
        """An htpasswd user (bcrypt at the lowest cost: tests, not secrets)."""
        set_line(self.settings.htpasswd, name, hash_password(password, rounds=4))

    def revoke(self, serial: int, reason: str, by: str = "operator") -> Revocation | str:
        """What `estra revoke SERIAL --reason REASON --by BY` does (the same function),
        on this RA's store and CA; a str is why nothing could be done."""
        done: Revocation | str = self.run(revoke(self.reactor, self.store, self.settings,
                                                 self.ca, serial, reason, by, self.clock))
        return done

    def stored_bytes(self) -> bytes:
        """The store's files as they lie on disk (database, then write-ahead log), read
        by another process: closing a descriptor of the file in this one would drop
        SQLite's POSIX locks, and an operator command would then delete the live log."""
        db = self.settings.state_dir.child("estra.db").path
        paths = [p for p in (db, db + "-wal") if os.path.exists(p)]
        return subprocess.run(["cat", *paths], capture_output=True, check=True,
                              timeout=30).stdout

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass on the RA's clock (and run what is due)."""
        self.reactor.advance(seconds)

    def client(self, face: str = "est", tls: DeviceTLS | None = DeviceTLS(),
               address: str = "192.0.2.1") -> HTTPClient:
        """A treq client whose connections reach `face` (est, scep, admin) in memory,
        from `address`, as a device with `tls` (None: plain HTTP); call `flush`."""
        return HTTPClient(_DeviceAgent(self._faces[face].site, tls, address, self._pumps),
                          data_to_body_producer=WholeBody)

    def flush(self) -> None:
        """Move every byte in flight until nothing moves (as StubTreq.flush), connecting
        the upstream adapters' new connections to their peers on the way."""
        while True:
            moved = self.upstreams.connect(self._pumps)
            if self.upstreams.peers:
                self.reactor.advance(0)         # what TLS sends a reactor turn later
            for pump in list(self._pumps):
                moved = pump.flush() or moved
                if pump.clientIO.disconnected and pump.serverIO.disconnected:
                    self._pumps.discard(pump)
            if not moved:
                break

    def result(self, d: Deferred[Any], wait: float = 0) -> Any:
        """What `d` fired with, after flushing and letting up to `wait` seconds pass on
        the clock while it waits (an upstream's timeout...); raises if it failed or
        never fired."""
        self.flush()
        out: list[Any] = []
        d.addBoth(out.append)
        self._let_time_pass(out, wait)
        if not out:
            raise AssertionError("no answer: the request is still waiting")
        if isinstance(out[0], Failure):
            out[0].raiseException()
        return out[0]

    def request(self, method: str, path: str, body: bytes = b"",
                headers: Mapping[str, str] | None = None, face: str = "est",
                tls: DeviceTLS | None = DeviceTLS(), address: str = "192.0.2.1",
                user: tuple[str, str] | None = None, wait: float = 0) -> Reply:
        """One request to `face`, read whole, from a client that names itself (as
        curl does: estra answers a nameless one's 401 and 202 without a body);
        `user` adds a Basic Authorization; up to `wait` seconds may pass (`result`)."""
        http = self.client(face, tls if face != "scep" else None, address)
        sent = {"User-Agent": "estra.testing", **(headers or {})}
        if user is not None:
            sent["Authorization"] = "Basic " + base64.b64encode(
                ":".join(user).encode()).decode()
        url = self._faces[face].url + "ra.test" + path
        response = self.result(http.request(method, url, data=body or None,
                                            headers=Headers({k: [v] for k, v in sent.items()})),
                               wait)
        content = self.result(response.content())
        return Reply(response.code, {k.decode().lower(): v[-1].decode("latin-1")
                                     for k, v in response.headers.getAllRawHeaders()},
                     content)

    def get(self, path: str, **kw: Any) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: bytes, **kw: Any) -> Reply:
        return self.request("POST", path, body, **kw)

    def run(self, coroutine: Any) -> Any:
        """The result of an `async def` call on the RA's objects (store, CA...)."""
        return self.result(Deferred.fromCoroutine(coroutine))

    def _let_time_pass(self, done: list[Any], wait: float) -> None:
        """Until `done` has the result: move the clock to the next timer due within
        `wait` seconds, run it and flush (bounded: timers within the budget)."""
        deadline = self.reactor.seconds() + wait
        for _ in range(10_000):
            due = [c.getTime() for c in self.reactor.getDelayedCalls() if c.getTime() <= deadline]
            if done or not due:
                return
            self.reactor.advance(max(0.0, min(due) - self.reactor.seconds()))
            self.flush()


# -- upstream peers in memory ---------------------------------------------------------


class Upstreams:
    """The peers the RA's upstream adapters reach in memory, by "host:port".

    An adapter connects through its own production path (its pooled agent, its
    endpoints, TLS with its client certificate and its verification of the
    server): the memory reactor keeps each `connectTCP` pending, and `connect`
    (run by `MemoryRA.flush`) joins it over `twisted.test.iosim` to the peer
    given for its address, a protocol factory as a real listener has it
    (`tls_peer` puts one behind TLS with its server certificate).  A host name
    reaches 127.0.0.1 (the memory reactor's resolver).  A peer of None refuses
    the connection; an address with no peer keeps it pending, as a host that
    never answers (the adapter's own timeouts run on the clock).
    """

    def __init__(self, reactor: MemoryReactorClock,
                 peers: Mapping[str, IProtocolFactory | None] | None = None) -> None:
        self._reactor = reactor
        self.peers: dict[str, IProtocolFactory | None] = dict(peers or {})
        #: every connection joined or refused, by address, in order (tests count them)
        self.connections: list[str] = []

    def connect(self, pumps: set[iosim.IOPump]) -> bool:
        """Join every pending connection that has a peer (or refuse it): True if any."""
        pending, joined, index = self._reactor.tcpClients, False, 0
        while index < len(pending):
            host, port, factory, _, _ = pending[index]
            address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
            if address not in self.peers:
                index += 1
                continue
            del pending[index]
            connector = self._reactor.connectors.pop(index)
            if connector.stoppedConnecting:     # given up (a timeout) before it connected
                continue
            self.connections.append(address)
            joined, peer = True, self.peers[address]
            if peer is None:
                factory.clientConnectionFailed(connector, Failure(
                    ConnectionRefusedError(f"nothing listens on {address}")))
            else:
                pumps.add(self._join(host, port, factory, peer))
        return joined

    def _join(self, host: str, port: int, factory: IProtocolFactory,
              peer: IProtocolFactory) -> iosim.IOPump:
        kind = IPv6Address if ":" in host else IPv4Address
        server_address = kind("TCP", host, port)
        client_address = kind("TCP", "::1" if ":" in host else "127.0.0.1",
                              50000 + len(self.connections))
        _on_clock(peer, self._reactor)
        _on_clock(factory, self._reactor)
        server = peer.buildProtocol(client_address)
        client = factory.buildProtocol(server_address)
        assert server is not None and client is not None
        pump: iosim.IOPump = iosim.connect(
            server, iosim.FakeTransport(server, isServer=True, hostAddress=server_address,
                                        peerAddress=client_address),
            client, iosim.FakeTransport(client, isServer=False, hostAddress=client_address,
                                        peerAddress=server_address), greet=False)
        return pump


def _on_clock(factory: Any, reactor: MemoryReactorClock) -> None:
    """TLS in `factory` (or the factories it wraps) on the memory reactor: a TLS
    connection gathers small writes and sends them a reactor turn later, on the
    global reactor unless told (as twisted's own agent tests arrange it)."""
    while factory is not None:
        if isinstance(factory, TLSMemoryBIOFactory):
            factory._clock = reactor
        factory = getattr(factory, "wrappedFactory", getattr(factory, "_wrappedFactory", None))


@implementer(IOpenSSLServerConnectionCreator)
class _ServerTLS:
    """The server side of TLS in memory, its context made once (as a listener's)."""

    def __init__(self, context: SSL.Context) -> None:
        self._context = context

    def serverConnectionForTLS(self, tlsProtocol: Any) -> SSL.Connection:
        return SSL.Connection(self._context, None)


def tls_peer(factory: IProtocolFactory, certificate: x509.Certificate,
             key: EllipticCurvePrivateKey | RSAPrivateKey,
             chain: Sequence[x509.Certificate] = (),
             client_trust: Sequence[x509.Certificate] = ()) -> IProtocolFactory:
    """`factory` behind TLS as a real listener has it: `certificate` (and `chain`) with
    `key`; with `client_trust`, a client certificate issued under one of those is
    required at the handshake."""
    context = SSL.Context(SSL.TLS_METHOD)
    context.use_certificate(certificate)
    context.use_privatekey(key)
    for extra in chain:
        context.add_extra_chain_cert(extra)
    if client_trust:
        store = context.get_cert_store()
        assert store is not None
        for anchor in client_trust:
            store.add_cert(crypto.X509.from_cryptography(anchor))
        context.set_session_id(b"estra.testing")
        context.set_verify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT)
    return TLSMemoryBIOFactory(_ServerTLS(context), False, factory)
