"""twisted.web resources for /.well-known/est[/<label>]/<operation> (RFC 7030 3.2.2)."""

from __future__ import annotations

import base64
import time
from typing import Any, Awaitable, Callable

from cryptography import x509
from twisted.internet.interfaces import ISSLTransport
from twisted.web.resource import Resource
from twisted.web.server import Request
from zope.interface import Interface

from estra.asn1 import keygen, wire
from estra.ra import renewal
from estra.ra.auth import Identity, Peer
from estra.principals import BASIC
from estra.config import DEFAULT_PROFILE, Profile
from estra.errors import (BadRequest, EstError, MethodNotAllowed, NotFound,
                          NotImplementedOperation, Unauthorized)
from estra.web.forwarded import NO_BALANCERS, TrustedBalancers, forwarded_tls
from estra.est.fullcmc import CMC_RESPONSE, FullCmc
from estra.logging import SafeLogger
from estra.metrics import observe_request
from estra.web.http import (NotFoundResource, answer_error, log_request, read_body, respond,
                            run_async)
from estra.ra.policy import ENROLL, REENROLL
from estra.ra.pipeline import RegistrationAuthority
from estra.web.tls import ChannelBinding, channel_binding, peer_chain

__all__ = ["est_root", "peer_of", "IPeerTLS"]

log = SafeLogger(namespace="estra.est")
_B64 = {"Content-Transfer-Encoding": "base64"}
Handler = Callable[["Operation", Request, Profile, dict[str, Any]], Awaitable[None]]


class IPeerTLS(Interface):
    """What a TLS connection proved about its peer, for a connection that is not a
    pyOpenSSL one: estra.testing's in-memory device connections provide it."""

    def peer_chain() -> list[x509.Certificate]:
        """The client's certificate then the other certificates it sent."""

    def channel_binding() -> ChannelBinding:
        """The session's tls-unique / tls-exporter values."""


def peer_of(request: Request, with_binding: bool,
            balancers: TrustedBalancers = NO_BALANCERS) -> Peer:
    """Address, client chain, Authorization and (when asked, as it costs a TLS
    exporter call per request) the channel binding of a request: the device's own
    TLS session's, or what a trusted TLS-terminating balancer forwarded
    (estra.web.forwarded; the same headers from anyone else are refused)."""
    transport = request.channel.transport
    chain: Any = []
    binding = None
    forwarded = forwarded_tls(request, balancers, with_binding)
    if forwarded is not None:
        chain, binding = forwarded
    elif ISSLTransport.providedBy(transport):
        conn = transport.getHandle()  # type: ignore[attr-defined]
        if IPeerTLS.providedBy(conn):              # the seam estra.testing uses
            chain = conn.peer_chain()
            binding = conn.channel_binding() if with_binding else None
        else:
            chain = peer_chain(conn)
            binding = channel_binding(conn) if with_binding else None
    addr = request.getClientAddress()
    host = getattr(addr, "host", None)           # (no repr of the address made per request)
    return Peer(address=str(addr) if host is None else host, chain=tuple(chain),
                binding=binding, authorization=request.getHeader(b"authorization"))


class Operation(Resource):
    """One EST operation under one profile."""

    isLeaf = True

    def __init__(self, ra: RegistrationAuthority, profile: Profile, name: str,
                 method: bytes, handler: Handler, fullcmc: FullCmc | None = None,
                 balancers: TrustedBalancers = NO_BALANCERS) -> None:
        super().__init__()
        self.ra, self.profile, self.name, self.fullcmc = ra, profile, name, fullcmc
        self.method, self.handler, self.balancers = method, handler, balancers

    def peer(self, request: Request) -> Peer:
        """Who sent `request` (`peer_of`, with the binding when the profile needs it)."""
        return peer_of(request, self.profile.require_channel_binding, self.balancers)

    def render(self, request: Request) -> Any:
        return run_async(request, lambda: self._run(request))

    async def _run(self, request: Request) -> None:
        request.estra_logged = True  # type: ignore[attr-defined]  # log_request's line, not QuietSite's
        started = time.monotonic()
        event: dict[str, Any] = {"who": "-", "how": "anonymous", "reason": ""}
        status = 200
        try:
            if request.postpath and request.postpath != [b""] and (
                    self.name not in TAKES_PATH or len(request.postpath) > 1):
                raise NotFound(f"unknown EST operation path below {self.name}")
            if request.method != self.method and not (
                    self.method == b"GET" and request.method == b"HEAD"):
                raise MethodNotAllowed(
                    f"{self.name} takes {self.method.decode()}, not "
                    f"{request.method.decode('ascii', 'replace')}", [self.method.decode()])
            await self.handler(self, request, self.profile, event)
            status = request.code
        except Exception as e:  # noqa: BLE001 - answer_error decides
            err = answer_error(e, request)
            status = err.status if err else 499
            event["reason"] = err.reason if isinstance(err, EstError) else "client left"
            if isinstance(e, Unauthorized) and e.attempted is not None:
                event["who"], event["how"] = f"{BASIC}:{e.attempted}?", BASIC
            self.ra.attempts.refused("est", self.name, self.profile.name, str(getattr(
                request.getClientAddress(), "host", "?")), event["who"], e)
        observe_request("est", self.name, self.profile.name, status,
                        time.monotonic() - started)
        log_request(request, "est", self.name, self.profile.name, status, **event)


def _layout(op: Operation, request: Request, body: bytes | None) -> str:
    ua = request.getHeader(b"user-agent")
    return wire.choose_layout(op.profile.base64_layout, body,
                              ua.decode("latin-1") if ua else None)


def _note(event: dict[str, Any], identity: Identity) -> None:
    event["who"], event["how"] = identity.principal, identity.kind


async def _cacerts(op: Operation, request: Request, profile: Profile,
                   event: dict[str, Any]) -> None:
    der = wire.certs_only(await op.ra.cacerts(profile))
    respond(request, 200, wire.encode_base64(der, _layout(op, request, None)),
            {"Content-Type": wire.PKCS7, **_B64})


async def _csrattrs(op: Operation, request: Request, profile: Profile,
                    event: dict[str, Any]) -> None:
    der = await op.ra.csrattrs(profile)
    if der is None:
        respond(request, 204, b"", {})
        return
    respond(request, 200, wire.encode_base64(der, _layout(op, request, None)),
            {"Content-Type": wire.CSRATTRS, **_B64})


async def _request_csr(op: Operation, request: Request, profile: Profile,
                       event: dict[str, Any]) -> tuple[Identity, bytes, Any]:
    """Authenticate first, then read and check the CSR (proof of possession)."""
    identity = await op.ra.authenticate(op.peer(request), profile)
    _note(event, identity)
    ctype = request.getHeader(b"content-type")
    wire.check_content_type(ctype.decode("latin-1") if ctype else None, "application/pkcs10")
    body = read_body(request)
    return identity, body, wire.load_csr(wire.decode_body(body, "CSR"))


def _enroller(operation: str) -> Handler:
    async def enroll(op: Operation, request: Request, profile: Profile,
                     event: dict[str, Any]) -> None:
        identity, body, csr = await _request_csr(op, request, profile, event)
        certs = await op.ra.enroll(operation, identity, csr, profile)
        event["reason"] = f"issued serial {wire.serial_hex(certs[0].serial_number)}"
        respond(request, 200,
                wire.encode_base64(wire.certs_only(certs), _layout(op, request, body)),
                {"Content-Type": wire.CERTS_ONLY, **_B64})
    return enroll


async def _serverkeygen(op: Operation, request: Request, profile: Profile,
                        event: dict[str, Any]) -> None:
    """RFC 7030 4.4: the RA (or the upstream) makes the key; multipart answer."""
    if profile.serverkeygen == "off":
        raise NotImplementedOperation("serverkeygen is disabled for this profile")
    identity, body, csr = await _request_csr(op, request, profile, event)
    if profile.serverkeygen == "upstream":
        reply = await op.ra.serverkeygen_upstream(identity, csr, profile)
        event["reason"] = "relayed the upstream's generated key"
        respond(request, 200, reply.body,
                {"Content-Type": reply.header("content-type") or "multipart/mixed"})
        return
    recipient = keygen.recipient_for(csr, identity.certificate, profile.serverkeygen_encrypt)
    key, certs = await op.ra.serverkeygen(identity, csr, profile)
    event["reason"] = f"generated a {keygen.key_spec(csr, profile)} key, issued serial " \
                      f"{wire.serial_hex(certs[0].serial_number)}"
    layout = _layout(op, request, body)
    payload, content_type = keygen.multipart(
        [keygen.key_part(key, recipient), (wire.CERTS_ONLY, wire.certs_only(certs))], layout)
    respond(request, 200, payload, {"Content-Type": content_type})


async def _fullcmc(op: Operation, request: Request, profile: Profile,
                   event: dict[str, Any]) -> None:
    """RFC 7030 4.3: a Full PKI Request in, always a Full PKI Response out."""
    if not profile.fullcmc or op.fullcmc is None:
        raise NotImplementedOperation("fullcmc is disabled for this profile")
    identity = await op.ra.authenticate(op.peer(request), profile)
    _note(event, identity)
    ctype = request.getHeader(b"content-type")
    wire.check_content_type(ctype.decode("latin-1") if ctype else None,
                            "application/pkcs7-mime; smime-type=CMC-request")
    body = read_body(request)
    answer = await op.fullcmc.answer(identity, wire.decode_body(body, "CMC request"), profile)
    respond(request, 200, wire.encode_base64(answer, _layout(op, request, body)),
            {"Content-Type": CMC_RESPONSE, **_B64})


async def _renewal_info(op: Operation, request: Request, profile: Profile,
                        event: dict[str, Any]) -> None:
    """The suggested renewal window (estra.ra.renewal) of the certificate the certID in the
    path names, or of the TLS client certificate presented."""
    if request.postpath and request.postpath[0]:
        key_id, number = renewal.parse_cert_id(request.postpath[0].decode("ascii", "replace"))
    else:
        chain = op.peer(request).chain
        if not chain:
            raise BadRequest("name the certificate: renewal-info/<certID> (RFC 9773 4.1), "
                             "or present it as the TLS client certificate")
        key_id, number = wire.authority_key_id(chain[0]), chain[0].serial_number
    serial = wire.serial_hex(number)
    found = await op.ra.store.issued_under(serial)
    cert = x509.load_der_x509_certificate(base64.b64decode(found[1])) if found else None
    if found is None or cert is None or found[0] != profile.name or \
            wire.authority_key_id(cert) != key_id:
        raise NotFound("no certificate with this certID was issued under this profile")
    window = renewal.suggested_window(
        profile, cert, await op.ra.store.renewal_due(profile.name, serial, found[2]))
    event["reason"] = f"window of serial {serial}"
    respond(request, 200, window.json(),
            {"Content-Type": renewal.RENEWAL_INFO_TYPE,
             "Retry-After": str(profile.renewal_info_retry_after)})


OPERATIONS: dict[str, tuple[bytes, Handler]] = {
    "cacerts": (b"GET", _cacerts),
    "simpleenroll": (b"POST", _enroller(ENROLL)),
    "simplereenroll": (b"POST", _enroller(REENROLL)),
    "csrattrs": (b"GET", _csrattrs),
    "serverkeygen": (b"POST", _serverkeygen),
    "fullcmc": (b"POST", _fullcmc),
    "renewal-info": (b"GET", _renewal_info),
}
#: operations that take one more path segment (renewal-info/<certID>)
TAKES_PATH = frozenset({"renewal-info"})


class ProfileResource(Resource):
    """The operations of one profile: /.well-known/est[/<label>]/<op>."""

    def __init__(self, ra: RegistrationAuthority, profile: Profile,
                 labels: dict[str, Profile] | None = None,
                 fullcmc: FullCmc | None = None,
                 balancers: TrustedBalancers = NO_BALANCERS) -> None:
        super().__init__()
        self.ra, self.profile, self.labels = ra, profile, labels or {}
        self.fullcmc = fullcmc
        # Operations and label trees hold no request state: made once, not per request
        self._operations = {name: Operation(ra, profile, name, method, handler, fullcmc,
                                            balancers)
                            for name, (method, handler) in OPERATIONS.items()}
        self._label_trees = {name: ProfileResource(ra, labelled, fullcmc=fullcmc,
                                                   balancers=balancers)
                             for name, labelled in self.labels.items()}

    def getChild(self, path: bytes, request: Request) -> Resource:
        name = path.decode("utf-8", "replace")
        if name in self._operations:
            return self._operations[name]
        if name in self._label_trees:
            return self._label_trees[name]
        what = "EST operation" if not self.labels else "EST operation or CA label"
        return NotFoundResource(f"unknown {what} {name!r}")

    def render(self, request: Request) -> bytes:
        return NotFoundResource("name an EST operation").render(request)


def est_root(ra: RegistrationAuthority, profiles: dict[str, Profile],
             fullcmc: FullCmc | None = None,
             balancers: TrustedBalancers = NO_BALANCERS) -> Resource:
    """The whole URL tree: / -> .well-known -> est -> [label ->] operation;
    `balancers` may forward their devices' TLS facts (estra.web.forwarded)."""
    labels = {n: p for n, p in profiles.items() if n != DEFAULT_PROFILE}
    est = ProfileResource(ra, profiles[DEFAULT_PROFILE], labels, fullcmc, balancers)
    well_known = Resource()
    well_known.putChild(b"est", est)
    root = Resource()
    root.putChild(b".well-known", well_known)
    root.getChild = lambda path, request: NotFoundResource(  # type: ignore[method-assign]
        "not an EST path; try /.well-known/est/cacerts")
    well_known.getChild = root.getChild  # type: ignore[method-assign]
    return root
