"""`twistd estra`: options, and the service tree built from settings."""

from __future__ import annotations

import re
import signal
import sys
import time
from typing import Any, Callable

from twisted.application.internet import StreamServerEndpointService
from twisted.application.service import IService, MultiService, Service
from twisted.internet.defer import Deferred, DeferredList
from twisted.internet.endpoints import serverFromString
from twisted.internet.task import LoopingCall
from twisted.logger import Logger
from twisted.python import usage
from twisted.python.filepath import FilePath
from twisted.python.threadpool import ThreadPool

from estra.auth import Authenticator, Htpasswd, trust_stores
from estra.config import ConfigError, Settings, load_settings
from estra.est import est_root
from estra.http import make_site
from estra.policy import Policy
from estra.ra import RegistrationAuthority
from estra.state import BOOTSTRAP_USER, prepare_state
from estra.store import migrate_blocking, open_store
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from estra.admin import admin_root
from estra.console import console_root
from estra.fullcmc import FullCmc
from estra.scep import ScepFrontEnd, scep_root
from estra.scep_message import Signer
from estra.upstream import build_upstream
from estra.upstream.http import ClientTLSPolicy, UpstreamHTTP
from estra.upstream.local import LocalCA, write_private, write_public
from estra.errors import EstError
from estra.tls import ServerTLS, TLSServerEndpoint, TrustStore, load_pem_certs

__all__ = ["Options", "makeService", "build_service"]

log = Logger()


class Options(usage.Options):
    """Command line of `twistd estra`."""

    synopsis = "[--config=FILE] [--state-dir=DIR] [--listen=ENDPOINT]"
    optParameters = [
        ["config", "c", None, "TOML configuration file (default: built-in defaults)."],
        ["state-dir", "d", None, "State directory (default ./estra-state)."],
        ["listen", "l", None,
         "Twisted endpoint to listen on; estra adds TLS (default "
         "tcp:8443:interface=127.0.0.1)."],
    ]

    def postOptions(self) -> None:
        try:
            self["settings"] = load_settings(
                FilePath(self["config"]) if self["config"] else None,
                state_dir=self["state-dir"], listen=self["listen"])
        except ConfigError as e:
            # One line naming file, key and problem; twistd would add its usage text.
            raise SystemExit(f"estra: {e}") from None


def makeService(options: Options) -> IService:
    from twisted.internet import reactor
    try:
        return build_service(reactor, options["settings"], announce=sys.stderr)
    except (OSError, ValueError, ConfigError) as e:
        raise SystemExit(f"estra: cannot start: {e}") from e


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
    """Closes the upstreams' connection pools on shutdown."""

    def __init__(self, cas: list[Any]) -> None:
        self.cas = cas

    def stopService(self) -> Any:
        super().stopService()
        closing = [Deferred.fromCoroutine(ca.close()) for ca in self.cas
                   if hasattr(ca, "close")]
        return DeferredList(closing) if closing else None


class _IssuerSync(Service):
    """Keeps the re-enrollment trust store = embedded CA + every upstream's cacerts.

    Devices re-enroll with certificates the upstream CAs issued, so their
    chains must verify; fetched at start and every `interval` seconds after.
    """

    def __init__(self, reactor: Any, store: TrustStore, local: Any, upstreams: list[Any],
                 interval: float) -> None:
        self.store, self.local, self.upstreams = store, local, upstreams
        self._loop = LoopingCall(lambda: Deferred.fromCoroutine(self.sync()))
        self._loop.clock = reactor
        self.interval = interval

    async def sync(self) -> None:
        anchors = [self.local.cert]
        for ca in self.upstreams:
            try:
                anchors.extend(await ca.cacerts())
            except EstError as e:
                log.warn("cannot fetch upstream CA certificates yet: {reason}", reason=e.reason)
        self.store.replace(anchors)

    def startService(self) -> None:
        super().startService()
        if self.upstreams:
            self._loop.start(self.interval, now=True)

    def stopService(self) -> Any:
        super().stopService()
        if self._loop.running:
            self._loop.stop()


class _ReloadOnHangup(Service):
    """SIGHUP re-reads the TLS certificate and key: new connections use them, no restart.

    A file that cannot be loaded is logged and the old certificate stays in use.
    """

    def __init__(self, reactor: Any, tls: ServerTLS) -> None:
        self.reactor, self.tls = reactor, tls
        self._previous: Any = None

    def startService(self) -> None:
        super().startService()
        self._previous = signal.signal(signal.SIGHUP, lambda *_: self.reactor.callFromThread(
            self.reload))

    def stopService(self) -> None:
        super().stopService()
        if self._previous is not None:
            signal.signal(signal.SIGHUP, self._previous)

    def reload(self) -> None:
        try:
            self.tls.reload()
        except Exception as e:  # noqa: BLE001 - keep serving with what works
            log.error("TLS reload failed, keeping the current certificate: {error}", error=e)
        else:
            log.info("TLS certificate and key reloaded")


class _OnListen(Service):
    """Calls `ready(port)` once `service` listens."""

    def __init__(self, service: StreamServerEndpointService, ready: Any) -> None:
        self.service, self.ready = service, ready

    def startService(self) -> None:
        super().startService()
        d = self.service._waitingForPort  # type: ignore[attr-defined]
        if d is not None:
            d.addCallback(self.ready)


def _announce(settings: Settings) -> Any:
    """What to log once the EST port listens: the CA to trust and a curl example."""
    def ready(port: Any) -> Any:
        where = f"{settings.server_names[0]}:{getattr(port.getHost(), 'port', '?')}"
        ca = settings.ca_cert.path
        log.info("estra EST RA ready on https://{where}/.well-known/est/ ; devices "
                 "should trust {ca}", where=where, ca=ca)
        log.info("try: openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
                 "-nodes -keyout device.key -subj /CN=device1 -outform DER "
                 "| openssl base64 > device.b64 && curl --cacert {ca} --user {user} "
                 "--data-binary @device.b64 -H 'Content-Type: application/pkcs10' "
                 "https://{where}/.well-known/est/simpleenroll | openssl base64 -d "
                 "| openssl pkcs7 -inform DER -print_certs",
                 ca=ca, where=where, user=BOOTSTRAP_USER)
        return port
    return ready


def build_service(reactor: Any, settings: Settings, announce: Any = None,
                  clock: Any = time.time) -> MultiService:
    """The whole RA as one MultiService; `announce` gets the first-start password."""
    prepared = prepare_state(settings, clock)
    if prepared.bootstrap_password is not None and announce is not None:
        announce.write(
            f"estra: created {settings.htpasswd.path} with user {BOOTSTRAP_USER!r}, "
            f"password: {prepared.bootstrap_password}\n"
            "estra: this password is shown only now; change it with "
            "`estra user add estra`\n")
        announce.flush()
    top = MultiService()
    pool = ThreadPool(minthreads=0, maxthreads=4, name="estra-bcrypt")
    _ThreadPoolService(pool).setServiceParent(top)
    bootstrap = [c for f in settings.client_trust for c in load_pem_certs(f)]
    issued, boot = trust_stores([prepared.ca.cert], bootstrap)
    htpasswd = Htpasswd(settings.htpasswd, pool, reactor, clock)
    cas = {name: build_upstream(reactor, config, prepared.ca, clock)
           for name, config in settings.upstreams.items()}
    _Upstreams(list(cas.values())).setServiceParent(top)
    remote = [ca for ca in cas.values() if ca is not prepared.ca]
    _IssuerSync(reactor, issued, prepared.ca, remote, 300).setServiceParent(top)
    store = open_store(settings.store_url, settings.state_dir, clock)
    try:
        migrate_blocking(store)
    except Exception as e:  # noqa: BLE001 - any driver error: one clear start-up line
        where = re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", settings.store_url) or "SQLite"
        raise ValueError(f"cannot open the store ({where}): {e}") from e
    store.setServiceParent(top)
    ra_anchors = [c for f in settings.ra_trust for c in load_pem_certs(f)]
    authenticator = Authenticator(issued, boot, htpasswd, settings.realm, clock,
                                  store.issuing_profile,
                                  TrustStore("RA", ra_anchors, pinned_leaves=True))
    ra = RegistrationAuthority(authenticator, Policy(clock), cas, store, clock)
    fullcmc = FullCmc(ra, (prepared.ca.key, prepared.ca.cert), clock)
    site = make_site(est_root(ra, settings.profiles, fullcmc), settings.max_body)
    tls = ServerTLS(settings.tls_cert, settings.tls_key, [prepared.ca.cert, *bootstrap])
    endpoint = TLSServerEndpoint(serverFromString(reactor, settings.listen), tls)
    est = StreamServerEndpointService(endpoint, site)
    est._raiseSynchronously = True
    est.setName("est")
    est.setServiceParent(top)
    _OnListen(est, _announce(settings)).setServiceParent(top)
    _ReloadOnHangup(reactor, tls).setServiceParent(top)
    if settings.scep_listen:
        _scep_service(reactor, settings, ra, prepared.ca, tls).setServiceParent(top)
    if settings.admin_listen:
        admin_endpoint: Any = serverFromString(reactor, settings.admin_listen)
        console = settings.console and console_root(reactor, settings.console, store, pool,
                                                    clock, cas)
        if settings.console and settings.console.tls:     # the console over the RA's cert
            admin_endpoint = TLSServerEndpoint(admin_endpoint, ServerTLS(
                settings.tls_cert, settings.tls_key,
                [c for f in settings.console.operator_trust for c in load_pem_certs(f)]))
        admin = StreamServerEndpointService(admin_endpoint, make_site(
            admin_root(store, console or None), 16384 if console else 1024))
        admin._raiseSynchronously = True
        admin.setServiceParent(top)
        _OnListen(admin, _admin_ready(bool(settings.console and settings.console.tls))
                  ).setServiceParent(top)
    return top


def _scep_service(reactor: Any, settings: Settings, ra: RegistrationAuthority,
                  ca: LocalCA, tls: ServerTLS) -> MultiService:
    """The SCEP front end on its own endpoint (plain HTTP unless [scep] tls = true)."""
    group = MultiService()
    signer = scep_signer(settings, ca)
    webhooks = {name: UpstreamHTTP(reactor, "webhook", f"{name} challenge webhook",
                                   ClientTLSPolicy(load_pem_certs(p.scep_webhook_trust)
                                                   if p.scep_webhook_trust else None),
                                   timeout=p.scep_webhook_timeout, retries=0)
                for name, p in settings.profiles.items() if p.scep_challenge == "webhook"}
    _Upstreams(list(webhooks.values())).setServiceParent(group)
    front = ScepFrontEnd(ra, signer, webhooks)
    site = make_site(scep_root(front, settings.profiles, settings.scep_paths),
                     settings.max_body)
    endpoint: Any = serverFromString(reactor, settings.scep_listen)
    if settings.scep_tls:
        endpoint = TLSServerEndpoint(endpoint, tls)
    scep = StreamServerEndpointService(endpoint, site)
    scep._raiseSynchronously = True
    scep.setServiceParent(group)
    scheme = "https" if settings.scep_tls else "http"

    def ready(port: Any) -> Any:
        log.info("estra SCEP ready on {scheme}://{host}:{port}{path}", scheme=scheme,
                 host=settings.server_names[0], port=getattr(port.getHost(), "port", "?"),
                 path=settings.scep_paths[0])
        return port
    _OnListen(scep, ready).setServiceParent(group)
    return group


def _admin_ready(tls: bool) -> Callable[[Any], Any]:
    def ready(port: Any) -> Any:
        host = port.getHost()
        # "(TLS)" keeps this line apart from the EST listener's "ready on https://"
        log.info("estra admin ready " + ("(TLS) on https" if tls else "on http") +
                 "://{host}:{port}/metrics and /healthz", host=getattr(host, "host", "?"),
                 port=getattr(host, "port", "?"))
        return port
    return ready


def scep_signer(settings: Settings, ca: LocalCA) -> Signer:
    """The RA's SCEP certificate and RSA key: from files, or made by the embedded CA."""
    cert_path, key_path = settings.scep_cert, settings.scep_key
    if cert_path is None or key_path is None:
        raise ValueError("[scep] cert and key must both be set")
    if not cert_path.exists() and not key_path.exists():
        key = rsa.generate_private_key(65537, 2048)
        cert = ca.issue(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "estra SCEP RA")]),
                        key.public_key(), [], [], 825)
        write_private(key_path, key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        write_public(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    loaded = serialization.load_pem_private_key(key_path.getContent(), None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError(f"{key_path.path}: the SCEP RA key must be RSA (clients encrypt to it)")
    return Signer(load_pem_certs(cert_path)[0], loaded)
