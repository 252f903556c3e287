"""Revocation through the RA (#11): the operator's request, the upstream, the CRL.

EST has no revoke operation.  `estra revoke SERIAL --reason NAME` looks up
the enrollment that issued SERIAL, records the request in the store (with
an audit event) and forwards it to the CA of the profile it was issued
under, where that kind has an API for it: a CA object may offer
`revoke(serial, cert, reason) -> str` (cfssl, vault, ejbca do).  Kinds
without one (adcs, scep, est) are recorded as "not-forwarded".

The embedded CA publishes a CRL instead: `CrlPublisher` signs one whenever
a revocation is newer than the stored CRL or half its lifetime has passed,
and keeps it in the store, so a restart and every node serve the same
bytes; `crl_service` serves it over plain HTTP at `[crl] url`'s path, and
the OCSP responder of estra/ca/ocsp.py at `[crl] ocsp_url`'s.

Whatever the outcome, a revoked certificate is no credential any more, for
any operation on any face (`estra.ra.auth`, via `Store.standing`).
"""

from __future__ import annotations

import argparse
import base64
import datetime
import json
import sys
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit

from attrs import asdict, frozen
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from twisted.application.internet import TimerService
from twisted.application.service import MultiService
from twisted.internet.defer import Deferred
from twisted.logger import Logger
from twisted.web.resource import Resource
from twisted.web.server import Request

from estra.asn1.wire import (REVOCATION_REASONS, authority_key_id, normalise_serial, public_key_id,
                             serial_hex)
from estra.config import Settings
from estra.errors import EstError
from estra.web.http import NotFoundResource, answer_error, respond, run_async
from estra.web.listeners import Listeners, bound
from estra.store.database import Store, StoreVersionError, open_store, require_current
from estra.store.revocations import RevocationRow
from estra.upstream import build_upstream
from estra.tokens import with_key
from estra.ca.local import LocalCA
from estra.interfaces import IClosable, IEstraReactor, IRevoker

__all__ = ["parse_serial", "sign_crl", "CRL_MAX_BODY", "published",
           "CrlPublisher", "crl_service", "revoke", "Revocation", "add_parser", "run"]

log = Logger(namespace="estra.revocation")

#: Outcomes after which the certificate is revoked where it can be.
DONE = ("revoked", "crl", "recorded")


def parse_serial(text: str) -> int:
    """A serial as operators paste it (estra.asn1.wire.normalise_serial), for argparse."""
    try:
        return int(normalise_serial(text), 16)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a hexadecimal serial number "
                                         "(as `openssl x509 -serial` prints it)") from None


def ca_key_id(ca: LocalCA) -> str:
    """The embedded CA's key identifier, as its certificates' AKI carries it."""
    return public_key_id(ca.key.public_key())


def _utc(when: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(when, datetime.timezone.utc)


def sign_crl(ca: LocalCA, revoked: Sequence[RevocationRow], number: int, now: float,
             next_update: float) -> bytes:
    """A DER CRL by `ca` listing the `revoked` rows (serial, at, reason), first wins."""
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(ca.cert.subject)
               .last_update(_utc(now)).next_update(_utc(next_update))
               .add_extension(x509.CRLNumber(number), False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   ca.key.public_key()), False))
    seen: set[str] = set()
    for row in revoked:
        if row["serial"] in seen:
            continue
        seen.add(row["serial"])
        entry = (x509.RevokedCertificateBuilder()
                 .serial_number(int(row["serial"], 16))
                 .revocation_date(_utc(float(row["at"]))))
        reason = REVOCATION_REASONS.get(str(row["reason"]), x509.ReasonFlags.unspecified)
        if reason is not x509.ReasonFlags.unspecified:   # RFC 5280: omit, not unspecified
            entry = entry.add_extension(x509.CRLReason(reason), False)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(ca.key, hashes.SHA256()).public_bytes(Encoding.DER)


class CrlPublisher:
    """The embedded CA's current CRL, kept in the store and re-signed when due."""

    def __init__(self, store: Store, ca: LocalCA, clock: Callable[[], float],
                 lifetime: float) -> None:
        self.store, self.ca, self.clock, self.lifetime = store, ca, clock, lifetime

    @property
    def issuer(self) -> str:
        """The key identifier of the CA in force (a rollover changes it in place)."""
        return ca_key_id(self.ca)

    async def current(self, force: bool = False) -> bytes:
        """The DER CRL to serve: the stored one, or a new one when it is due."""
        latest = await self.store.latest_crl(self.issuer)
        rows = await self.store.query("SELECT MAX(id) FROM revocations WHERE kind = ? AND "
                                      "issuer = ?", "local", self.issuer)
        last = int(rows[0][0] or 0)
        now = self.clock()
        if latest is not None and not force and latest["last_revocation"] >= last \
                and now < float(latest["at"]) + self.lifetime / 2:
            return base64.b64decode(latest["der"])
        number = int(latest["number"]) + 1 if latest is not None else 1
        revoked = [r for r in await self.store.revocations("local", self.issuer)
                   if r["id"] <= last]
        ca = self.ca
        der = await with_key(ca.key, lambda: sign_crl(ca, revoked, number, now,
                                                      now + self.lifetime))
        if await self.store.add_crl(self.issuer, number, now + self.lifetime, last, der):
            log.info("signed CRL {number} ({count} revoked)", number=number,
                     count=len({r["serial"] for r in revoked}))
            return der
        stored = await self.store.latest_crl(self.issuer)  # another node signed it first
        return base64.b64decode(stored["der"]) if stored is not None else der

    async def refresh(self) -> None:
        """The timer's job: re-sign when due; a store outage is logged, not raised."""
        try:
            await self.current()
        except Exception as e:  # noqa: BLE001 - keep the timer alive
            log.error("cannot refresh the CRL: {error}", error=e)


class CrlResource(Resource):
    """GET the CRL: DER, application/pkix-crl."""

    isLeaf = True

    def __init__(self, publisher: CrlPublisher) -> None:
        super().__init__()
        self.publisher = publisher

    def render_GET(self, request: Request) -> Any:
        return run_async(request, lambda: self._answer(request))

    async def _answer(self, request: Request) -> None:
        try:
            der = await self.publisher.current()
        except Exception as e:  # noqa: BLE001 - the store is down: 500 without traceback
            answer_error(e, request)
            return
        respond(request, 200, der, {"Content-Type": "application/pkix-crl"})


class Published(Resource):
    """The revocation listener: the CRL at its path, the OCSP responder under its own."""

    isLeaf = True

    def __init__(self, crl_path: str, crl: Resource) -> None:
        super().__init__()
        self.crl = (crl_path, crl)
        self.ocsp: tuple[str, Resource] | None = None

    def render(self, request: Request) -> Any:
        path = (request.path or b"").decode("utf-8", "replace")
        if path == self.crl[0]:
            return self.crl[1].render(request)
        if self.ocsp is not None and (path == self.ocsp[0] or path.startswith(
                self.ocsp[0].rstrip("/") + "/")):
            return self.ocsp[1].render(request)
        return NotFoundResource(f"the CRL is at {self.crl[0]}").render(request)


def crl_service(reactor: IEstraReactor, settings: Settings, store: Store, ca: LocalCA,
                clock: Callable[[], float], listeners: Listeners) -> MultiService:
    """The CRL timer (re-sign when due) and, with `[crl] listen`, the HTTP listener
    `listeners` builds (the same caps and deadlines as every other listener)."""
    group = MultiService()
    publisher = CrlPublisher(store, ca, clock, settings.crl_days * 86400.0)
    timer = TimerService(min(60.0, settings.crl_days * 86400.0 / 8),
                         lambda: Deferred.fromCoroutine(publisher.refresh()))
    timer.clock = reactor
    timer.setServiceParent(group)
    if settings.crl_listen:
        listeners.build("crl.listen", "crl", published(settings, store, ca, clock, publisher),
                        CRL_MAX_BODY, ready=_crl_ready).setServiceParent(group)
    return group


#: The largest request body the CRL/OCSP listener reads (an OCSP request is small).
CRL_MAX_BODY = 64 * 1024


def published(settings: Settings, store: Store, ca: LocalCA, clock: Callable[[], float],
              publisher: CrlPublisher) -> Published:
    """What the `[crl] listen` listener serves: the CRL at the path of `[crl] url` and,
    with `ocsp_url`, the OCSP responder at its path."""
    root = Published(urlsplit(settings.crl_url).path or "/", CrlResource(publisher))
    if settings.ocsp_url:             # imported only when an OCSP responder is wanted
        from estra.ca.ocsp import OcspResource, OcspResponder
        ocsp_path = urlsplit(settings.ocsp_url).path or "/"
        root.ocsp = (ocsp_path, OcspResource(OcspResponder(store, ca, clock), ocsp_path))
    return root


def _crl_ready(port: Any) -> Any:
    log.info("estra CRL (and OCSP) ready on http://{bound}/", bound=bound(port))
    return port


@frozen
class Revocation:
    """What `estra revoke` did: the record, and the exit code."""

    serial: str
    label: str
    upstream: str
    kind: str
    reason: str
    by: str
    outcome: str          # revoked | crl | recorded | not-forwarded | failed | already
    detail: str
    code: int


async def revoke(reactor: IEstraReactor, store: Store, settings: Settings, local: LocalCA | None,
                 serial: int, reason: str, by: str,
                 clock: Callable[[], float]) -> Revocation | str:
    """Record and forward one revocation; a str is why nothing could be done."""
    key = serial_hex(serial)
    enrollment = await store.enrollment_of(key)
    if enrollment is None:
        return f"no certificate with serial {serial_hex(serial)} was issued through this RA"
    label = str(enrollment["label"])
    profile = settings.profiles.get(label)
    if profile is None or profile.upstream not in settings.upstreams:
        return (f"serial {serial_hex(serial)} was issued under profile {label!r}, which "
                "is no longer configured: cannot tell which CA to ask")
    config = settings.upstreams[profile.upstream]
    done = dict(serial=serial_hex(serial), label=label, upstream=config.name,
                kind=config.kind, reason=reason, by=by)
    prior = await store.query(
        "SELECT at, reason, revoked_by FROM revocations WHERE serial = ? AND outcome IN "
        f"({', '.join('?' * len(DONE))}) ORDER BY id LIMIT 1", key, *DONE)
    if prior:                  # a failed or not-forwarded attempt may be tried again
        at, was, who = prior[0]
        return Revocation(**done, outcome="already", code=0, detail=(
            f"already revoked {_utc(float(at)):%Y-%m-%d %H:%M:%S} UTC ({was}, by {who})"))
    stored = enrollment.get("certificate")
    cert = x509.load_der_x509_certificate(base64.b64decode(stored)) if stored else None
    issuer = authority_key_id(cert) or (ca_key_id(local) if local is not None and
                              config.kind == "local" else "")
    if config.kind == "local":
        outcome = "crl" if settings.crl_url else "recorded"
        await store.record_revocation(key, issuer, label, config.name, config.kind, reason,
                                      by, outcome)
        detail = "re-enrollment refused; no CRL is published ([crl] url is not set)"
        if settings.crl_url:
            detail = f"listed on the CRL at {settings.crl_url}"
            if local is not None:
                await CrlPublisher(store, local, clock, settings.crl_days * 86400.0
                                   ).current(force=True)
        return Revocation(**done, outcome=outcome, detail=detail, code=0)
    ca = build_upstream(reactor, config, local, clock,  # type: ignore[arg-type]
                        settings.state_dir)
    try:
        if not IRevoker.providedBy(ca):
            outcome, code = "not-forwarded", 1
            detail = (f"upstream {config.name} ({config.kind}) has no revocation API: "
                      "revoke it on the CA itself")
        else:
            try:
                outcome, code, detail = "revoked", 0, str(await ca.revoke(serial, cert, reason))
            except EstError as e:
                outcome, code, detail = "failed", 1, e.reason
    finally:
        if IClosable.providedBy(ca):
            await ca.close()
    await store.record_revocation(key, issuer, label, config.name, config.kind, reason,
                                  by, outcome, detail)
    return Revocation(**done, outcome=outcome, detail=detail, code=code)


def add_parser(commands: Any) -> None:
    """`estra revoke SERIAL --reason NAME [--by WHO] [--json]`."""
    cmd = commands.add_parser("revoke", help="revoke a certificate this RA enrolled")
    cmd.add_argument("serial", type=parse_serial, help="serial number, hexadecimal")
    cmd.add_argument("--reason", required=True, choices=list(REVOCATION_REASONS),
                     help="RFC 5280 reason")
    cmd.add_argument("--by", default="operator", help="who revokes (audit)")
    cmd.add_argument("--json", action="store_true", help="machine-readable output")


def run(settings: Settings, args: argparse.Namespace, react: Any,
        local: LocalCA | None, clock: Callable[[], float]) -> int:
    """Run `estra revoke` against the configured store and upstreams."""
    store = open_store(settings.store_url, settings.state_dir, clock)
    try:
        require_current(store)
    except StoreVersionError as e:
        print(f"estra: {e}", file=sys.stderr)
        return 2

    async def work(reactor: IEstraReactor) -> int:
        store.pool.start()
        try:
            done = await revoke(reactor, store, settings, local, args.serial, args.reason,
                                args.by, clock)
        finally:
            store.pool.close()
        if isinstance(done, str):
            print(f"estra: {done}", file=sys.stderr)
            return 1
        if args.json:
            print(json.dumps(asdict(done)))
        elif done.code:
            print(f"estra: {done.detail}", file=sys.stderr)
        else:
            print(f"serial {done.serial} ({done.label}, upstream {done.upstream}): "
                  f"{done.outcome}: {done.detail}")
        return done.code
    code: int = react(work)
    return code
