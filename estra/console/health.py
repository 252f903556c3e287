"""Health for the console, probed in the background (issue #20).

Upstream CAs, the store, the CRLs' next update and the expiry of the CA, TLS,
SCEP RA (and SCEP RA signing) and upstream RA client certificates are probed
every `interval` seconds by a timer, each under a hard deadline: at `deadline`
seconds a probe's result is "no answer", whether or not its cancellation ever
takes (an upstream client may retry, a driver may block).  A probe still
running is not started again.  Pages show the last result of each and when it
was taken; they never wait on a probe.
"""

from __future__ import annotations

import datetime
from typing import Any, Awaitable, Callable, Mapping, Sequence

from attrs import define, field, frozen
from cryptography import x509
from twisted.application.internet import TimerService
from twisted.internet.defer import Deferred, gatherResults
from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger

from estra.errors import EstError
from estra.tokens import Token
from estra.tokens import tokens as open_tokens
from estra.upstream import health

__all__ = ["Certificates", "Health", "HealthMonitor", "Probe", "certificate_check",
           "file_certificate", "standard_checks"]

log = Logger(namespace="estra.console.health")
#: a probe: its one-line status, or an exception (shown as FAILED)
Probe = Callable[[], Awaitable[str]]
#: name -> the certificate in force (None: none configured)
Certificates = Mapping[str, Callable[[], "x509.Certificate | None"]]
#: days before a certificate's notAfter from which its probe is a warning
EXPIRY_WARNING_DAYS = 30


@frozen
class Health:
    """The last result of one probe."""

    name: str
    status: str
    ok: bool
    at: float


@define(eq=False)
class HealthMonitor:
    """Runs `probes()` (name -> probe, read each round) under `deadline` seconds each;
    `results` holds the last result of each, newest round first."""

    probes: Callable[[], Mapping[str, Probe]]
    reactor: IReactorTime
    deadline: float = 5.0
    interval: float = 30.0
    results: dict[str, Health] = field(factory=dict)
    _running: set[str] = field(factory=set)

    def current(self) -> list[Health]:
        """The last result of every probe, by name."""
        return [self.results[name] for name in sorted(self.results)]

    def probe_all(self) -> Deferred[Any]:
        """One round: every probe not already running; fires by `deadline` s."""
        probes = self.probes()
        for gone in set(self.results) - set(probes):
            del self.results[gone]
        return gatherResults([Deferred.fromCoroutine(self._one(name, probe))
                              for name, probe in probes.items() if name not in self._running])

    async def _one(self, name: str, probe: Probe) -> None:
        self._running.add(name)
        answered: Deferred[tuple[str, bool]] = Deferred()

        def settle(outcome: tuple[str, bool]) -> None:
            if not answered.called:
                answered.callback(outcome)
        timer = self.reactor.callLater(self.deadline, settle, (
            f"FAILED: no answer within {self.deadline:g} s", False))
        running = Deferred.fromCoroutine(_status(probe))
        running.addCallback(settle)
        running.addBoth(lambda _: self._running.discard(name))
        status, ok = await answered
        if timer.active():
            timer.cancel()
        if not running.called:
            running.cancel()        # it may go on (retries): it is not waited for
        self.results[name] = Health(name, status, ok, self.reactor.seconds())

    def service(self) -> TimerService:
        """The timer that runs a round every `interval` seconds (the first at start)."""
        timer = TimerService(self.interval, self.probe_all)
        timer.clock = self.reactor
        return timer


async def _status(probe: Probe) -> tuple[str, bool]:
    try:
        said = await probe()
    except EstError as e:
        return f"FAILED {e.status}: {e.reason}", False
    except Exception as e:  # noqa: BLE001 - shown, not raised
        return f"FAILED: {type(e).__name__}: {e}", False
    return said, not said.startswith(("FAILED", "WARNING"))


def certificate_check(cert: Callable[[], x509.Certificate | None],
                      now: Callable[[], float]) -> Probe:
    """A probe of a certificate's expiry: valid until when, WARNING within
    `EXPIRY_WARNING_DAYS`, FAILED once expired."""
    async def check() -> str:
        certificate = cert()
        if certificate is None:
            return "none configured"
        until = certificate.not_valid_after_utc.timestamp()
        days = (until - now()) / 86400
        when = datetime.datetime.fromtimestamp(until, datetime.timezone.utc).strftime(
            "%Y-%m-%d %H:%M UTC")
        if days < 0:
            return f"FAILED: expired {when}"
        if days < EXPIRY_WARNING_DAYS:
            return f"WARNING: expires {when}, in {days:.0f} day(s)"
        return f"ok: valid until {when} ({days:.0f} days)"
    return check


def file_certificate(path: Callable[[], Any]) -> Callable[[], x509.Certificate | None]:
    """The first certificate of the PEM file `path()` names (None: no file set)."""
    def read() -> x509.Certificate | None:
        where = path()
        return None if where is None else x509.load_pem_x509_certificates(
            where.getContent())[0]
    return read


def standard_checks(store: Any, cas: Callable[[], Mapping[str, Any]],
                    certificates: Certificates | Callable[[], Certificates],
                    now: Callable[[], float],
                    tokens: Callable[[], Sequence[Token]] = open_tokens
                    ) -> Callable[[], dict[str, Probe]]:
    """The console's probes: each upstream CA, the store, each CRL's next update,
    the expiry of each of `certificates` (name -> the certificate in force; or a
    function giving them, asked each round: a reload may change them), and
    each PKCS#11 token a key was opened on."""
    async def store_ok() -> str:
        await store.query("SELECT 1")
        return "ok"

    async def crls() -> str:
        rows = await store.crl_next_updates()
        if not rows:
            return "no CRL published here"
        late = [issuer for issuer, next_update in rows if next_update < now()]
        soonest = min(next_update for _, next_update in rows)
        when = datetime.datetime.fromtimestamp(soonest, datetime.timezone.utc).strftime(
            "%Y-%m-%d %H:%M UTC")
        if late:
            return f"FAILED: {len(late)} CRL(s) past their next update ({when})"
        return f"ok: {len(rows)} CRL(s), next update by {when}"

    def probes() -> dict[str, Probe]:
        found: dict[str, Probe] = {"store": store_ok, "CRL next update": crls}
        for name, ca in cas().items():
            found[f"upstream {name}"] = _bound(health, ca)
        for name, cert in (certificates() if callable(certificates) else certificates).items():
            found[f"certificate {name}"] = certificate_check(cert, now)
        for token in tokens():
            found[f"PKCS#11 token {token.label}"] = token.status
        return found
    return probes


def _bound(check: Callable[[Any], Awaitable[str]], ca: Any) -> Probe:
    async def probe() -> str:
        return await check(ca)
    return probe
