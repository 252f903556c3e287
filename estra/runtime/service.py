"""The service tree built from settings (`twistd estra`'s command line is
`estra.runtime.twistd`)."""

from __future__ import annotations

import re
import signal
import time
from typing import Any, Callable, Iterator, Mapping

from twisted.application.service import MultiService, Service
from twisted.internet.defer import Deferred, DeferredLock, succeed
from twisted.internet.task import LoopingCall
from twisted.logger import Logger
from twisted.python.filepath import FilePath
from twisted.python.threadpool import ThreadPool

from attrs import frozen

from estra import tokens
from estra.ra.auth import Authenticator, Htpasswd
from estra.ca.sync import CaFollower
from estra.ra.crls import RevocationLists
from estra.config import Profile, Settings, ThrottleSettings, reload_settings
from estra.runtime.reload import Generation, GenerationRoot, Holder, needs_restart
from estra.web.forwarded import TrustedBalancers
from estra.est.resource import est_root
from estra.web.listeners import Listeners, StartupError, bound, connection_limits, fit_descriptors
from estra.metrics import allow_labels
from estra.ra.throttle import LoginThrottle, StoreState
from estra.ra.policy import Policy
from estra.ra.pipeline import RegistrationAuthority
from estra.runtime.state import (BOOTSTRAP_USER, Prepared, StateError, StateLock, abandon_state,
                                 announce_password, check_files, open_state, os_reason, require_ca)
from estra.ca.revocation import crl_service, revoke
from estra.store.database import MIGRATIONS, NoStore, migrate_blocking, open_store, schema_version
from estra.store.upgrade import Legacy
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from estra.console.admin import admin_root
from estra.console import console_root
from estra.est.fullcmc import FullCmc
from estra.ra.attempts import Attempts, attempts_service
from estra.console.health import Certificates, file_certificate
from estra.scep.challenge_api import mount_api
from estra.ra.challenges import ChallengeIssuer
from estra.upstream.intune import IntuneValidator
from estra.scep.ndes import NdesAdminPage, mount_ndes
from estra.scep.resource import ScepFrontEnd, nonce_sweeper, scep_root
from estra.scep.notifications import Notifier, resumer
from estra.upstream.intune_revocation import IntuneRevocations, poller
from estra.asn1.scep_message import Signer
from estra.upstream import build_upstream
from estra.upstream.http import ClientTLSPolicy, UpstreamHTTP
from estra.upstream.issuers import UpstreamIssuers
from estra.ca.local import LocalCA
from estra.errors import EstError
from estra.store.files import write_private, write_public
from estra.web.tls import ServerTLS, TrustStore, load_pem_certs
from estra.interfaces import IClosable, IEstraReactor, installed_reactor

__all__ = ["build_service", "check_config", "StartupError", "bound",
           "connection_limits", "Reloader", "token_keys"]

log = Logger(namespace="estra.service")


class _Estra(MultiService):
    """The top service: holds the state lock, turns start-up failures into one line,
    and shows a new bootstrap password only once everything listens."""

    def __init__(self, settings: Settings, prepared: Prepared, announce: Any,
                 lock: bool = True) -> None:
        super().__init__()
        self.settings, self.prepared, self.announce = settings, prepared, announce
        self.tls: ServerTLS | None = None        # the EST listener's, once built
        # PostgreSQL: nodes may share a state directory; workers: the supervisor holds it.
        self.lock = (None if not lock or settings.store_url.startswith(
            ("postgresql://", "postgres://")) else StateLock(settings.state_dir))

    def privilegedStartService(self) -> None:
        try:
            if self.lock is not None:
                self.lock.acquire()
            super().privilegedStartService()
        except (StartupError, StateError) as e:
            self._abandon()
            raise SystemExit(f"estra: {e}") from None

    def startService(self) -> None:
        try:
            if self.lock is not None:       # runners that skip privilegedStartService (twist)
                self.lock.acquire()
            super().startService()
        except (StartupError, StateError) as e:
            self._abandon()
            raise SystemExit(f"estra: {e}") from None
        password = self.prepared.bootstrap_password
        if password is not None and self.announce is not None:
            announce_password(self.announce, self.settings, password)

    def stopService(self) -> Any:
        d = super().stopService()            # the lock is held until everything stopped
        if self.lock is not None:
            d.addBoth(self._release)
        return d

    def _release(self, result: Any) -> Any:
        if self.lock is not None:
            self.lock.release()
        return result

    def _abandon(self) -> None:
        self._release(None)
        abandon_state(self.settings, self.prepared)


class _ThreadPoolService(Service):
    def __init__(self, pool: ThreadPool) -> None:
        self.pool = pool

    def startService(self) -> None:
        super().startService()
        self.pool.start()

    def stopService(self) -> None:
        super().stopService()
        self.pool.stop()


class _Upstreams(Service):
    """Closes the current configuration's upstream connection pools on shutdown."""

    def __init__(self, holder: Holder) -> None:
        self.holder = holder

    def stopService(self) -> Any:
        super().stopService()
        return self.holder.current.close()


class IssuerSync(Service):
    """Keeps the re-enrollment trust store = embedded CA + every upstream's issuers.

    Devices re-enroll with certificates the upstream CAs issued, so their
    chains must verify; fetched at start and every `interval` seconds ([ca]
    sync_seconds) after, so an upstream's rollover certificates are trusted as
    soon as its cacerts (kept for the upstream's cacerts_refresh) show them.
    Each upstream is an `estra.upstream.issuers.UpstreamIssuers`: old issuers,
    the extra chain and the last good list (on disk) stay when it is down.
    """

    def __init__(self, reactor: IEstraReactor, store: TrustStore, local: Any, upstreams: list[Any],
                 interval: float) -> None:
        self.store, self.local, self.upstreams = store, local, upstreams
        self._loop = LoopingCall(lambda: Deferred.fromCoroutine(self.sync()))
        self._loop.clock = reactor
        self.interval = interval

    async def sync(self) -> None:
        anchors = list(self.local.anchors())
        for ca in self.upstreams:
            try:
                anchors.extend(await ca.cacerts())
            except EstError as e:
                log.warn("cannot fetch upstream CA certificates yet: {reason}", reason=e.reason)
        self.store.replace(anchors)

    def startService(self) -> None:
        super().startService()      # runs even without upstreams: a reload may add some
        self._loop.start(self.interval, now=True)

    def stopService(self) -> Any:
        super().stopService()
        if self._loop.running:
            self._loop.stop()


class _ReloadOnHangup(Service):
    """SIGHUP reloads the configuration (see `Reloader`) and the TLS certificate and key.

    Anything that cannot be loaded is one log line and the running configuration stays.
    """

    def __init__(self, reactor: IEstraReactor, reloader: Any) -> None:
        self.reactor, self.reloader = reactor, reloader
        self._previous: Any = None

    def startService(self) -> None:
        super().startService()
        self._previous = signal.signal(signal.SIGHUP, lambda *_: self.reactor.callFromThread(
            self.reloader.reload))

    def stopService(self) -> None:
        super().stopService()
        if self._previous is not None:
            signal.signal(signal.SIGHUP, self._previous)


def _announce(settings: Settings) -> Any:
    """What to log once the EST port listens: the CA to trust and a curl example."""
    def ready(port: Any) -> Any:
        where = f"{settings.server_names[0]}:{getattr(port.getHost(), 'port', '?')}"
        ca = settings.ca_cert.path
        log.info("estra EST RA ready on https://{bound}/.well-known/est/ ; devices "
                 "should trust {ca}", bound=bound(port), ca=ca)
        log.info("try: openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
                 "-nodes -keyout device.key -subj /CN=device1 -outform DER "
                 "| openssl base64 > device.b64 && curl --cacert {ca} --user {user} "
                 "--data-binary @device.b64 -H 'Content-Type: application/pkcs10' "
                 "https://{where}/.well-known/est/simpleenroll | openssl base64 -d "
                 "| openssl pkcs7 -inform DER -print_certs",
                 ca=ca, where=where, user=BOOTSTRAP_USER)
        return port
    return ready


@frozen
class Worker:
    """How one worker process of `workers = N` differs from a lone estra (estra.runtime.workers):
    it serves sockets the supervisor opened and holds no state lock; only slot 0 runs
    the admin listener and the CRL timer and listener."""

    slot: int
    endpoints: Mapping[str, Any]          # setting key ("server.listen") -> adopted socket


def build_service(reactor: IEstraReactor, settings: Settings, announce: Any = None,
                  clock: Callable[[], float] = time.time, worker: Worker | None = None) -> _Estra:
    """The whole RA as one MultiService; `announce` gets the first-start password
    once the service listens. A state directory made here is removed if start-up fails."""
    prepared = open_state(settings, clock)
    try:
        return _build(reactor, settings, prepared, announce, clock, worker)
    except BaseException:
        abandon_state(settings, prepared)
        raise


def _build(reactor: IEstraReactor, settings: Settings, prepared: Prepared, announce: Any,
           clock: Callable[[], float], worker: Worker | None) -> _Estra:
    settings = fit_descriptors(settings)          # may lower a default max_connections
    top = _Estra(settings, prepared, announce, lock=worker is None)
    listeners = Listeners(reactor, settings, connection_limits(settings),
                          worker.endpoints if worker else {})
    singletons = worker is None or worker.slot == 0      # admin, CRL: one process
    allow_labels(settings.profiles)
    pool = ThreadPool(minthreads=0, maxthreads=4, name="estra-bcrypt")
    _ThreadPoolService(pool).setServiceParent(top)
    store = open_migrated_store(settings, clock)
    store.setServiceParent(top)
    prepared.ca.crl_url, prepared.ca.ocsp_url = settings.crl_url, settings.ocsp_url
    if settings.crl_url and singletons:
        crl_service(reactor, settings, store, prepared.ca, clock,
                    listeners).setServiceParent(top)
    attempts = Attempts(store, clock, settings.attempts_per_hour, settings.attempts_days)
    attempts_service(attempts, reactor).setServiceParent(top)
    shared = Shared(reactor, clock, prepared.ca, pool, store,
                     TrustStore("issuing CA", prepared.ca.anchors()), bool(settings.scep_listen),
                     attempts)
    holder = Holder(build_generation(shared, settings))
    _Upstreams(holder).setServiceParent(top)
    sync = IssuerSync(reactor, shared.issued, prepared.ca, holder.current.remote,
                       settings.ca_sync_seconds)
    sync.setServiceParent(top)
    tls = top.tls = ServerTLS(settings.tls_cert, settings.tls_key,
                              holder.current.client_ca_names)
    est = listeners.build("server.listen", "est", GenerationRoot(holder, lambda g: g.est),
                          settings.max_body, tls, _announce(settings))
    est.setName("est")
    est.setServiceParent(top)
    reloader = Reloader(shared, holder, tls, sync,
                        CaFollower(settings, store, prepared.ca, clock))
    _ReloadOnHangup(reactor, reloader).setServiceParent(top)
    _CaFollow(reactor, reloader, settings.ca_sync_seconds).setServiceParent(top)
    if settings.scep_listen:
        _scep_service(listeners, holder, tls).setServiceParent(top)
        if singletons:
            nonce_sweeper(reactor, store).setServiceParent(top)
            resumer(reactor, lambda: holder.current.notifier).setServiceParent(top)
            poller(reactor, lambda: holder.current.revocations, min([30, *(
                p.intune_revocation_interval for p in settings.profiles.values()
                if p.intune_revocation)])).setServiceParent(top)
    if settings.admin_listen and singletons:
        console = console_tree(shared, settings, holder)
        if console:
            console.health.service().setServiceParent(top)    # probes in the background
        operator_tls = None
        if settings.console and settings.console.tls:     # the console over the RA's cert
            operator_tls = ServerTLS(
                settings.tls_cert, settings.tls_key,
                [c for f in settings.console.operator_trust for c in load_pem_certs(f)])
        listeners.build("admin.listen", "admin",
                        admin_root(store, console or None,
                                   lambda: holder.current.cas.values()),
                        admin_max_body(console), operator_tls,
                        _admin_ready(operator_tls is not None)).setServiceParent(top)
    return top


def _open_store(settings: Settings, clock: Callable[[], float], create: bool = True) -> Any:
    """The store object; a path it cannot open or a missing driver is one line naming
    the setting (`create` false: a missing SQLite file is refused too)."""
    key = "store.url" if settings.store_url else "server.state_dir"
    try:
        return open_store(settings.store_url, settings.state_dir, clock, create=create)
    except OSError as e:
        raise StartupError(f"{settings.where(key)}: cannot open the store: {os_reason(e)}") \
            from None
    except ImportError as e:
        raise StartupError(f"{settings.where(key)}: PostgreSQL needs {e.name or 'psycopg'}: "
                           "pip install 'estra[postgresql]'") from None
    except NoStore as e:
        raise StartupError(f"{settings.where(key)}: {e}") from None


def open_migrated_store(settings: Settings, clock: Callable[[], float]) -> Any:
    """The store, its schema migrated; a failure is one clear start-up line."""
    store = _open_store(settings, clock)
    try:
        before = schema_version(store)
        if 0 < before < len(MIGRATIONS):
            log.warn("store at schema {before}, this release needs {head}: migrating it now "
                     "(keep a backup from before the upgrade: docs/upgrading.rst)",
                     before=before, head=len(MIGRATIONS))
        after = migrate_blocking(store, Legacy.from_settings(settings))
        if 0 < before < after:
            log.info("store migrated {before} \N{RIGHTWARDS ARROW} {after}", before=before,
                     after=after)
    except Exception as e:  # any driver error: one clear start-up line
        where = re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", settings.store_url) or "SQLite"
        raise ValueError(f"cannot open the store ({where}): {e}") from e
    return store


def check_config(settings: Settings) -> None:
    """Validate `settings` as start-up and SIGHUP would, listening on nothing and
    changing nothing: the state directory and its CA, the files it names, the TLS
    pair, the store's location and every per-configuration object (profiles,
    trust stores, upstream CAs, SCEP signer). Raises with the one line to show."""
    reactor = installed_reactor()
    require_ca(settings)
    check_files(settings)
    ca = LocalCA.of(settings, time.time)
    ServerTLS(settings.tls_cert, settings.tls_key, ca.anchors())
    connection_limits(settings)
    store = _open_store(settings, time.time, create=False)
    generation = build_generation(
        Shared(reactor, time.time, ca, ThreadPool(minthreads=0, maxthreads=1), store,
               TrustStore("issuing CA", ca.anchors()), bool(settings.scep_listen),
               Attempts(store, time.time, settings.attempts_per_hour, settings.attempts_days)),
        settings)
    for closable in generation.closables:
        Deferred.fromCoroutine(closable.close())


@frozen
class Shared:
    """What every configuration generation uses and a reload keeps."""

    reactor: IEstraReactor
    clock: Callable[[], float]
    ca: LocalCA
    pool: ThreadPool
    store: Any
    issued: TrustStore              # embedded CA + upstream chains, kept by IssuerSync
    scep: bool                      # this process serves SCEP (scep.listen is restart-only)
    attempts: Attempts              # refused attempts, counted across reloads


def admin_max_body(console: Any) -> int:
    """The admin listener's request body cap: the console's forms, or none of them."""
    return 16384 if console else 1024


def console_tree(shared: Shared, settings: Settings, holder: Holder) -> Any:
    """The operator console's resource tree (None without [console]); it acts on the
    generation `holder` has when a request comes (users, CAs, revocation)."""
    if not settings.console:
        return None
    reactor, store, clock, ca = shared.reactor, shared.store, shared.clock, shared.ca
    return console_root(
        reactor, settings.console, store, shared.pool, clock, _CurrentCAs(holder),
        lambda: holder.current.settings.htpasswd,
        lambda serial, reason, by: revoke(reactor, store, holder.current.settings,
                                          ca, serial, reason, by, clock),
        lambda: [*ca.anchors(), *ca.rollover, *shared.issued.anchors,
                 *(c for f in settings.client_trust for c in load_pem_certs(f))],
        health_certificates(shared, holder),
        lambda: holder.current.settings.profiles,
        lambda: holder.current.settings.console)


def health_certificates(shared: Shared, holder: Holder) -> Callable[[], Certificates]:
    """The certificates the console's Health page watches for expiry, as the
    configuration in force names them each round: the CA, the TLS server, the SCEP RA
    (decryption and, when separate, signing) and each upstream's RA client certificate,
    whether their keys are in files or on a token."""
    def current() -> Certificates:
        settings = holder.current.settings
        found = {"CA": lambda: shared.ca.cert,
                 "TLS server": file_certificate(lambda: settings.tls_cert),
                 "SCEP RA": file_certificate(lambda: shared.scep and settings.scep_cert
                                             or None)}
        if shared.scep and settings.scep_signing_cert is not None:
            found["SCEP RA signing"] = file_certificate(lambda: settings.scep_signing_cert)
        for name, upstream in settings.upstreams.items():
            if upstream.client_cert is not None:
                found[f"upstream {name} RA client"] = _file_certificate(upstream.client_cert)
        return found
    return current


def _file_certificate(path: FilePath) -> Callable[[], x509.Certificate | None]:
    return file_certificate(lambda: path)


def build_generation(shared: Shared, settings: Settings) -> Generation:
    """Every per-configuration object, built from `settings`; raises if any file or
    upstream setting cannot be used (a reload then keeps the running generation)."""
    reactor, clock, ca = shared.reactor, shared.clock, shared.ca
    check_files(settings)             # state directory, TLS files, htpasswd: setting + reason
    bootstrap = [c for f in settings.client_trust for c in load_pem_certs(f)]
    htpasswd = Htpasswd(settings.htpasswd, shared.pool, reactor, clock)
    cas = {name: build_upstream(reactor, config, ca, clock, settings.state_dir, shared.store)
           for name, config in settings.upstreams.items()}
    ra_anchors = [c for f in settings.ra_trust for c in load_pem_certs(f)]
    throttling = ThrottleSettings(*settings.login_throttle)
    # Failed logins counted in the store: one budget whichever worker or node is asked
    throttle = LoginThrottle(throttling, reactor.seconds,
                             StoreState(shared.store, throttling, reactor.seconds))
    authenticator = Authenticator(shared.issued, TrustStore("bootstrap", bootstrap), htpasswd,
                                  settings.realm, clock, shared.store.standing,
                                  TrustStore("RA", ra_anchors, pinned_leaves=True), throttle,
                                  RevocationLists(settings.crls, clock))
    ra = RegistrationAuthority(authenticator, Policy(clock), cas, shared.store, clock,
                               shared.attempts)
    est = est_root(ra, settings.profiles, FullCmc(ra, (ca.key, ca.cert), clock),
                   TrustedBalancers.parse(settings.trusted_proxies))
    if settings.challenges is not None:
        issuer = ChallengeIssuer(settings.challenges, Htpasswd(
            settings.challenges.clients, shared.pool, reactor, clock), throttle, shared.store,
            settings.realm, [n for n, p in settings.profiles.items()
                             if p.scep_challenge == "codes"],
            lambda serial, reason, by: revoke(reactor, shared.store, settings, ca, serial,
                                              reason, by, clock))
        mount_ndes(est, NdesAdminPage(issuer, ra, settings.profiles[
            settings.challenges.profile], settings.profiles))
        mount_api(est, issuer)
    scep, webhooks, notifier, revocations = None, [], None, None
    if shared.scep:
        hooks = {name: UpstreamHTTP(reactor, "webhook", f"{name} challenge webhook",
                                    ClientTLSPolicy(load_pem_certs(p.scep_webhook_trust)
                                                    if p.scep_webhook_trust else None),
                                    timeout=p.scep_webhook_timeout,
                                    retries=2 if p.scep_webhook_format == "step-ca" or
                                    p.scep_notify else 0)
                 for name, p in settings.profiles.items()
                 if p.scep_challenge == "webhook" or p.scep_notify}
        intune = {name: IntuneValidator(UpstreamHTTP(
            reactor, "intune", f"{name} Intune", ClientTLSPolicy(
                load_pem_certs(p.intune_trust) if p.intune_trust else None),
            timeout=p.scep_webhook_timeout, retries=2), p)
            for name, p in settings.profiles.items() if p.scep_challenge == "intune"}
        notifier = Notifier(shared.store, settings.profiles, hooks, intune,
                            settings.scep_notify_backoff, settings.scep_notify_max_age)

        async def issuing_ca(profile: Profile) -> str:
            return (await ra.cacerts(profile))[0].subject.rfc4514_string()
        revocations = IntuneRevocations(shared.store, settings.profiles, intune, (
            lambda serial, reason, by: revoke(reactor, shared.store, settings, ca, serial,
                                              reason, by, clock)), issuing_ca) \
            if intune else None
        front = ScepFrontEnd(ra, scep_signer(settings, ca), hooks,
                             previous_scep_signers(settings), intune,
                             signing=scep_signing_signer(settings, ca), notifier=notifier)
        scep = scep_root(front, settings.profiles, settings.scep_paths)
        webhooks = [*hooks.values(), *(v.http for v in intune.values())]
    return Generation(settings, est, scep,
                      closables=[c for c in cas.values() if IClosable.providedBy(c)] + webhooks,
                      remote=[UpstreamIssuers(settings.upstreams[name], c, settings.state_dir,
                                              clock) for name, c in cas.items() if c is not ca],
                      client_ca_names=[*ca.anchors(), *bootstrap], cas=cas, notifier=notifier,
                      revocations=revocations)


def token_keys(settings: Settings, scep: bool) -> list[tuple[str, str]]:
    """The token keys `build_generation` opens for `settings` (`scep`: this process
    serves SCEP), as (tokens.KEY or tokens.PROVIDER, URI): what a reload opens ahead."""
    wanted = [(tokens.KEY, uri) for uri in (settings.scep_key_uri,
                                            settings.scep_signing_key_uri) if scep and uri]
    for upstream in settings.upstreams.values():
        if upstream.client_cert is not None and upstream.client_key_uri:
            wanted.append((tokens.PROVIDER, upstream.client_key_uri))       # its TLS
            if upstream.kind == "est":
                wanted.append((tokens.KEY, upstream.client_key_uri))        # Full CMC
    return wanted


class Reloader:
    """Builds a whole new generation from the configuration file, then swaps it in;
    also brings in a rollover of the embedded CA (its files, or the store's record).

    It runs on the reactor and never waits on a token: the token keys a configuration
    names (and the TLS context, for a TLS key on a token) are opened on the tokens'
    workers first, under their timeout, and a token that does not answer refuses the
    reload with one line.  One reload (or rollover pick-up) at a time."""

    def __init__(self, shared: Shared, holder: Holder, tls: ServerTLS,
                 sync: "IssuerSync | None" = None, follower: CaFollower | None = None,
                 read: Callable[[Settings], Settings] = reload_settings) -> None:
        self.shared, self.holder, self.tls, self.sync = shared, holder, tls, sync
        self.follower, self.read = follower, read
        self._one = DeferredLock()

    def reload(self) -> Deferred[None]:
        """SIGHUP: the CA files and configuration now, then the store's rollovers."""
        return self._one.run(lambda: Deferred.fromCoroutine(self._reload()))

    def follow(self) -> Deferred[None]:
        """Serve a rollover another node recorded in the store, with the running settings."""
        return self._one.run(lambda: Deferred.fromCoroutine(self._follow()))

    async def _reload(self) -> None:
        running = self.holder.current.settings
        try:
            if await self.shared.ca.refresh(running.ca_cert, running.ca_key):
                self._serving()
            settings = self.read(running)
        except Exception as e:  # noqa: BLE001 - config or CA files: keep serving
            _refused(e)
        else:
            if await self._apply(settings):
                log.info("configuration reloaded from {source}; TLS certificate and key "
                         "reloaded", source=settings.source)
                for key in needs_restart(running, settings):
                    log.warn("{key} changed in {source}; it takes effect only after a "
                             "restart", key=key, source=settings.source)
        await self._follow()

    async def _follow(self) -> None:
        if self.follower is not None and await self.follower.follow() and \
                await self._apply(self.holder.current.settings):
            self._serving()

    def _serving(self) -> None:
        ca = self.shared.ca
        log.info("now serving the embedded CA {subject} with {links} rollover "
                 "certificate(s)", subject=ca.cert.subject.rfc4514_string(),
                 links=len(ca.rollover))

    async def _apply(self, settings: Settings) -> bool:
        try:
            ahead = await tokens.open_ahead(token_keys(settings, self.shared.scep),
                                            settings.pkcs11)
            with ahead:
                generation = build_generation(self.shared, settings)
        except Exception as e:  # noqa: BLE001 - config, file, token or upstream: keep serving
            _refused(e)
            return False
        names = generation.client_ca_names
        try:
            context = await (tokens.on_worker(settings.tls_key_uri, settings.pkcs11,
                                              lambda: self.tls.build(names))
                             if settings.tls_key_uri else succeed(self.tls.build(names)))
        except Exception as e:  # noqa: BLE001 - the old certificate stays in use
            _refused(e, "TLS reload failed, keeping the current certificate: ")
            for closable in generation.closables:
                Deferred.fromCoroutine(closable.close())
            return False
        self.tls.use(context, names)
        self.holder.swap(generation).retire()
        if self.sync is not None:
            self.sync.upstreams = generation.remote
            if self.sync.running:
                Deferred.fromCoroutine(self.sync.sync())
        return True


def _refused(e: Exception, what: str = "") -> None:
    log.error("reload refused, the running configuration stays in force: {what}{problem}",
              what=what, problem=str(e) or type(e).__name__)


class _CaFollow(Service):
    """Reads the store's CA rollovers every `interval` seconds (see estra/ca/sync.py)."""

    def __init__(self, reactor: IEstraReactor, reloader: Reloader, interval: float) -> None:
        self._loop = LoopingCall(reloader.follow)
        self._loop.clock = reactor
        self.interval = interval

    def startService(self) -> None:
        super().startService()
        self._loop.start(self.interval, now=True)     # a node started behind catches up

    def stopService(self) -> Any:
        super().stopService()
        if self._loop.running:
            self._loop.stop()


def _scep_service(listeners: Listeners, holder: Holder, tls: ServerTLS) -> Any:
    """The SCEP front end on its own endpoint (plain HTTP unless [scep] tls = true)."""
    settings = listeners.settings
    scheme = "https" if settings.scep_tls else "http"

    def ready(port: Any) -> Any:
        log.info("estra SCEP ready on {scheme}://{bound}{path}", scheme=scheme,
                 bound=bound(port), path=settings.scep_paths[0])
        return port
    return listeners.build("scep.listen", "scep", GenerationRoot(holder, lambda g: g.scep),
                           settings.max_body, tls if settings.scep_tls else None, ready)


def _admin_ready(tls: bool) -> Callable[[Any], Any]:
    def ready(port: Any) -> Any:
        # "(TLS)" keeps this line apart from the EST listener's "ready on https://"
        log.info("estra admin ready " + ("(TLS) on https" if tls else "on http") +
                 "://{bound}/metrics and /healthz", bound=bound(port))
        return port
    return ready


class _CurrentCAs(Mapping[str, Any]):
    """The upstream CAs of the configuration in force (a reload swaps them)."""

    def __init__(self, holder: Holder) -> None:
        self.holder = holder

    def __getitem__(self, name: str) -> Any:
        return self.holder.current.cas[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.holder.current.cas)

    def __len__(self) -> int:
        return len(self.holder.current.cas)


#: [scep] key when signing_key is set: it only decrypts (RFC 8894 3.5.1: clients encrypt
#: to the RA certificate with keyEncipherment, and check CertReps with the signing one)
_DECRYPTION = x509.KeyUsage(digital_signature=False, content_commitment=False,
                            key_encipherment=True, data_encipherment=False,
                            key_agreement=False, key_cert_sign=False, crl_sign=False,
                            encipher_only=False, decipher_only=False)
_SIGNING = x509.KeyUsage(digital_signature=True, content_commitment=False,
                         key_encipherment=False, data_encipherment=False,
                         key_agreement=False, key_cert_sign=False, crl_sign=False,
                         encipher_only=False, decipher_only=False)


def _ra_key(settings: Settings, ca: LocalCA, cert_path: FilePath, key_path: FilePath,
            uri: str, cn: str, usage: x509.KeyUsage | None) -> Signer:
    """An RA certificate and RSA key from files or a token (a pkcs11: `uri`); with
    neither there, an RSA 2048 key made (on the token for a URI) and certified by the
    embedded CA as `cn` with `usage` (None: the default, sign and decrypt).  An
    existing certificate must be the key's."""
    key: Any = None
    if uri:
        try:
            key = tokens.open_key(uri, settings.pkcs11)
        except LookupError:
            if cert_path.exists():
                raise
            key = tokens.generate_key(uri, settings.pkcs11, kind="rsa")
        where = str(tokens.parse_uri(uri))
    elif not cert_path.exists() and not key_path.exists():
        key = rsa.generate_private_key(65537, 2048)
        write_private(key_path, key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        where = key_path.path
    else:
        key, where = serialization.load_pem_private_key(key_path.getContent(), None), \
            key_path.path
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{where}: the SCEP RA key must be RSA (clients encrypt to it)")
    if not cert_path.exists():
        cert = ca.issue(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]),
                        key.public_key(), [], [], 825, usage=usage)
        write_public(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    cert = load_pem_certs(cert_path)[0]
    if cert.public_key() != key.public_key():
        raise ValueError(f"{cert_path.path} is not the certificate of the key {where}")
    return Signer(cert, key)


def scep_signer(settings: Settings, ca: LocalCA) -> Signer:
    """The RA's SCEP certificate and RSA key ([scep] cert/key): from files or a token,
    or made by the embedded CA.  It decrypts requests, and signs CertReps unless
    `scep_signing_signer` gives a separate signing key (its certificate then has
    keyEncipherment only)."""
    cert_path, key_path = settings.scep_cert, settings.scep_key
    if cert_path is None or key_path is None:
        raise ValueError("[scep] cert and key must both be set")
    return _ra_key(settings, ca, cert_path, key_path, settings.scep_key_uri, "estra SCEP RA",
                   _DECRYPTION if settings.scep_signing_key else None)


def scep_signing_signer(settings: Settings, ca: LocalCA) -> Signer | None:
    """The RA's CertRep signing certificate and key ([scep] signing_cert/signing_key),
    made like `scep_signer`'s with digitalSignature only; None when not configured."""
    if settings.scep_signing_cert is None or settings.scep_signing_key is None:
        return None
    return _ra_key(settings, ca, settings.scep_signing_cert, settings.scep_signing_key,
                   settings.scep_signing_key_uri, "estra SCEP RA signing", _SIGNING)


def previous_scep_signers(settings: Settings) -> list[Signer]:
    """The RA certificate and key before a rollover ([scep] previous_cert/key), if set."""
    return [_load_signer(*settings.scep_previous)] if settings.scep_previous else []


def _load_signer(cert_path: FilePath, key_path: FilePath) -> Signer:
    loaded = serialization.load_pem_private_key(key_path.getContent(), None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError(f"{key_path.path}: the SCEP RA key must be RSA (clients encrypt to it)")
    return Signer(load_pem_certs(cert_path)[0], loaded)
