"""`twistd estra`: options, and the service tree built from settings."""

from __future__ import annotations

import sys
import time
from typing import Any

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
from estra.upstream import build_upstream
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


class _Announce(Service):
    """Logs where the CA certificate is and a ready-to-paste curl example."""

    def __init__(self, settings: Settings, est: StreamServerEndpointService) -> None:
        self.settings, self.est = settings, est

    def startService(self) -> None:
        super().startService()
        d = self.est._waitingForPort  # type: ignore[attr-defined]
        if d is not None:
            d.addCallback(self._ready)

    def _ready(self, port: Any) -> Any:
        host = port.getHost()
        where = f"{self.settings.server_names[0]}:{getattr(host, 'port', '?')}"
        ca = self.settings.ca_cert.path
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
    authenticator = Authenticator(issued, boot, htpasswd, settings.realm, clock)
    cas = {name: build_upstream(reactor, config, prepared.ca, clock)
           for name, config in settings.upstreams.items()}
    _Upstreams(list(cas.values())).setServiceParent(top)
    remote = [ca for ca in cas.values() if ca is not prepared.ca]
    _IssuerSync(reactor, issued, prepared.ca, remote, 300).setServiceParent(top)
    store = open_store(settings.store_url, settings.state_dir, clock)
    migrate_blocking(store)
    store.setServiceParent(top)
    ra = RegistrationAuthority(authenticator, Policy(clock), cas, store, clock)
    site = make_site(est_root(ra, settings.profiles), settings.max_body)
    tls = ServerTLS(settings.tls_cert, settings.tls_key, [prepared.ca.cert, *bootstrap])
    endpoint = TLSServerEndpoint(serverFromString(reactor, settings.listen), tls)
    est = StreamServerEndpointService(endpoint, site)
    est._raiseSynchronously = True
    est.setName("est")
    est.setServiceParent(top)
    _Announce(settings, est).setServiceParent(top)
    return top
