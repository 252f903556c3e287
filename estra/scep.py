"""SCEP (RFC 8894) front end: legacy devices enroll through the same RA pipeline.

Served on its own endpoint (plain HTTP is normal for SCEP: the messages are
signed and encrypted), at `/scep` and the NDES-compatible
`/certsrv/mscep/mscep.dll` and Cisco's `/cgi-bin/pkiclient.exe` (configurable); `<path>/<label>` selects a profile
as `/.well-known/est/<label>` does for EST.

A PKCSReq's challengePassword is checked per profile (a static password, a
one-time code from the store for the CSR's CN, or an operator's webhook)
under the failed-login budgets of estra.throttle, shared with HTTP Basic: a
wrong challenge spends one, and once an address has spent them its requests
get FAILURE before any check; a RenewalReq is authenticated by its signer, a
certificate this RA issued.
Then the request runs through `RegistrationAuthority.enroll` like any EST
request: policy, records, manual approval (PENDING, polled with CertPoll
under the transactionID kept in the store) and the profile's CA.

Hardening (issue #9): every envelope that cannot be decrypted or read gets
one and the same FAILURE (`scep_message.UNREADABLE`), after the same work;
a transaction belongs to the key that signed its request (CertPoll and
GetCert answer only that key); its serial commits with the enrollment
record; a request that could not be answered (a non-RSA signer) is refused
before anything is spent; stored requests carry no challengePassword;
device-supplied values are escaped in logs and never become metric labels.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import time
from typing import Any, Sequence

from asn1crypto import cms
from attrs import evolve
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from twisted.web.resource import Resource
from twisted.web.server import Request

from estra import scep_message as sm
from estra import wire
from estra.auth import Identity, Peer
from estra.config import DEFAULT_PROFILE, Profile
from estra.errors import BadRequest, EstError, Forbidden, Held, NotFound
from estra.metrics import observe_request
from estra.http import (SafeLogger, NotFoundResource, answer_error, log_request, read_body,
                        respond, run_async)
from estra.policy import SCEP_ENROLL, SCEP_RENEW
from estra.ra import RegistrationAuthority
from estra.upstream.http import UpstreamHTTP

__all__ = ["ScepFrontEnd", "scep_root", "CAPABILITIES"]

log = SafeLogger()
#: What GetCACaps advertises: all of it is implemented.  strongSwan 5.9 picks
#: AES only when SHA-384 is listed too, hence SHA-384.  GetCACertChain is
#: answered but has no capability keyword (RFC 8894 3.5.2 defines none; certmonger
#: and strongSwan never ask for it).
CAPABILITIES = ("POSTPKIOperation", "Renewal", "SHA-1", "SHA-256", "SHA-384", "SHA-512",
                "AES", "DES3", "SCEPStandard")
PKI_MESSAGE = "application/x-pki-message"
#: The User-Agent of Go's net/http, which micromdm's SCEP library keeps.
GO_CLIENT = "Go-http-client/"
_OPERATIONS = frozenset({"GetCACaps", "GetCACert", "GetCACertChain", "PKIOperation"})
_FAIL = {400: sm.FailInfo.badRequest, 401: sm.FailInfo.badMessageCheck,
         403: sm.FailInfo.badRequest, 404: sm.FailInfo.badCertId}


class ScepFrontEnd:
    """Answers SCEP operations for the RA; `signer` is the RA's SCEP certificate and key."""

    def __init__(self, ra: RegistrationAuthority, signer: sm.Signer,
                 webhooks: dict[str, UpstreamHTTP]) -> None:
        self.ra, self.signer, self.webhooks = ra, signer, webhooks

    # -- GetCACaps / GetCACert -------------------------------------------
    async def cacert(self, profile: Profile, user_agent: str = "") -> bytes:
        """GetCACert (RFC 8894 3.5.1): the RA certificate and the profile's CA chain, a
        degenerate PKCS#7 -- except for a client of micromdm's Go SCEP library when a
        CA key is not RSA: the RA certificate alone.

        That library (its scepclient, MDM agents) encrypts to every certificate
        GetCACert returns unless told which one, and fails on any key but RSA;
        the RA certificate, which signs and decrypts every message, is all it
        needs. strongSwan and certmonger need the CA certificate here (pki
        --scepca writes nothing without one). GetCACertChain always has it all."""
        chain = await self.ra.cacerts(profile)
        if user_agent.startswith(GO_CLIENT) and not all(
                isinstance(c.public_key(), rsa.RSAPublicKey) for c in chain):
            return sm.degenerate([self.signer.cert])
        return sm.degenerate([self.signer.cert, *chain])

    async def cacert_chain(self, profile: Profile) -> bytes:
        """GetCACertChain: the RA certificate and the profile's whole CA chain."""
        return sm.degenerate([self.signer.cert, *await self.ra.cacerts(profile)])

    # -- PKIOperation ----------------------------------------------------
    async def operation(self, der: bytes, profile: Profile, address: str) -> bytes:
        """A CertRep for one pkiMessage; unusable messages raise BadRequest (HTTP 400)."""
        try:
            message = sm.parse(der)
        except sm.ScepError as e:
            raise BadRequest(f"not a usable SCEP pkiMessage: {e}") from e
        try:
            replayed = message.sender_nonce is None or not await self.ra.store.fresh_nonce(
                message.sender_nonce)
            status, certs = await self._dispatch(message, profile, address, replayed)
            return self._reply(message, status, certs=certs)
        except sm.ScepError as e:
            log.info("SCEP {tid} failed ({fail}): {reason}",
                     tid=message.transaction_id, fail=e.fail_info.name,
                     reason=str(e))
            return self._reply(message, sm.Status.FAILURE, fail=e.fail_info, text=str(e))
        except Held as e:
            log.info("SCEP {tid} pending: {reason}", tid=message.transaction_id,
                     reason=e.reason)
            return self._reply(message, sm.Status.PENDING)
        except EstError as e:
            if e.status >= 500:         # CA unreachable: PENDING, the device polls again
                log.warn("SCEP {tid}: {reason}; answering PENDING",
                         tid=message.transaction_id, reason=e.reason)
                return self._reply(message, sm.Status.PENDING)
            log.info("SCEP {tid} refused: {reason}", tid=message.transaction_id,
                     reason=e.reason)
            return self._reply(message, sm.Status.FAILURE,
                               fail=_FAIL.get(e.status, sm.FailInfo.badRequest), text=e.reason)

    def _reply(self, message: sm.PkiMessage, status: sm.Status, *,
               certs: Sequence[x509.Certificate] = (), fail: sm.FailInfo | None = None,
               text: str | None = None) -> bytes:
        return sm.cert_rep(message, self.signer, status, certs=certs, fail_info=fail,
                           fail_info_text=text, cipher=_cipher_of(message))

    async def _dispatch(self, message: sm.PkiMessage, profile: Profile, address: str,
                        replayed: bool) -> tuple[sm.Status, list[x509.Certificate]]:
        kind = message.message_type
        if kind not in _ANSWERED:
            _refuse_replay(replayed)
            raise sm.ScepError(f"{kind.name} is not offered (no CRL from this CA)",
                               sm.FailInfo.badRequest)
        _answerable(message)
        owner = sm.key_sha256(message.signer.public_key())
        if kind in (sm.MessageType.PKCSReq, sm.MessageType.RenewalReq):
            csr = message.open(self.signer, wire.load_csr)
            tx = await self._resent(message, csr, profile, owner)
            if tx is not None:             # an unchanged resend: answer it like a CertPoll
                return await self._poll(tx, message, profile, address, csr)
            _refuse_replay(replayed)
            renewal = kind == sm.MessageType.RenewalReq
            identity = await (self._renewer(message, profile, address) if renewal else
                              self._challenged(message, csr, profile, address))
            operation = SCEP_RENEW if renewal else SCEP_ENROLL
            await self.ra.store.scep_begin(
                profile.name, message.transaction_id, owner, identity.principal, identity.kind,
                operation, _stored(csr))
            return await self._enroll(operation, identity, csr, profile,
                                      message.transaction_id, owner)
        _refuse_replay(replayed)
        if kind == sm.MessageType.CertPoll:
            message.open(self.signer, sm.issuer_and_subject)     # must decrypt and parse
            tx = await self.ra.store.scep_transaction(profile.name, message.transaction_id,
                                                      owner)
            if tx is None:
                raise sm.ScepError(f"no transaction {message.transaction_id!r} of this signer",
                                   sm.FailInfo.badCertId)
            return await self._poll(tx, message, profile, address)
        _, serial = message.open(self.signer, sm.issuer_and_serial)
        return sm.Status.SUCCESS, [await self._certificate(wire.serial_hex(serial), owner)]

    async def _resent(self, message: sm.PkiMessage, csr: x509.CertificateSigningRequest,
                      profile: Profile, owner: str) -> dict[str, Any] | None:
        """The signer's stored, not yet issued transaction when this PKCSReq/RenewalReq is
        the same request again (micromdm's scepclient polls by resending it, senderNonce
        and all); once issued, a resend is a replay like any other."""
        tx = await self.ra.store.scep_transaction(profile.name, message.transaction_id, owner)
        if tx is None or tx["serial"] or tx["csr"] != _stored(csr):
            return None
        return tx

    async def _poll(self, tx: dict[str, Any], message: sm.PkiMessage, profile: Profile,
                    address: str, csr: x509.CertificateSigningRequest | None = None
                    ) -> tuple[sm.Status, list[x509.Certificate]]:
        """The state of a stored transaction: its certificate, or the decision so far.

        A resent request brings its CSR as the device signed it (`csr`); a CertPoll
        goes on with the stored one, whose challengePassword was taken out."""
        if tx["serial"]:
            return sm.Status.SUCCESS, [await self._certificate(tx["serial"])]
        csr = csr or wire.load_stored_csr(base64.b64decode(tx["csr"]))
        if tx["operation"] == SCEP_RENEW:
            identity = await self._renewer(message, profile, address)
        else:
            identity = Identity.from_principal(tx["identity"], _peer(address))
        return await self._enroll(tx["operation"], identity, csr, profile,
                                  message.transaction_id, tx["signer_sha256"])

    async def _certificate(self, serial: str, owner: str | None = None) -> x509.Certificate:
        """The issued certificate `serial`; with `owner`, only for a signer holding its key
        or owning the transaction it was issued to (else it is "not found" all the same)."""
        stored = await self.ra.store.certificate(serial)
        cert = x509.load_der_x509_certificate(base64.b64decode(stored)) if stored else None
        if cert is None or owner is not None and owner != sm.key_sha256(cert.public_key()) \
                and not await self.ra.store.scep_owns(serial, owner):
            raise sm.ScepError(f"no certificate with serial {serial} for this signer",
                               sm.FailInfo.badCertId)
        return cert

    async def _enroll(self, operation: str, identity: Identity,
                      csr: x509.CertificateSigningRequest, profile: Profile,
                      transaction_id: str, owner: str
                      ) -> tuple[sm.Status, list[x509.Certificate]]:
        # The SCEP challenge was this profile's proof of identity; the EST-only
        # rules that read challengePassword do not apply to SCEP requests.
        scep_profile = evolve(profile, require_code=False, require_channel_binding=False)
        # The transaction's serial commits with the enrollment record, or neither does:
        # a crash in between cannot leave an issued certificate a resend issues again.
        certs = list(await self.ra.enroll(
            operation, identity, csr, scep_profile,
            on_issued=self.ra.store.scep_issued(profile.name, transaction_id, owner)))
        return sm.Status.SUCCESS, certs

    async def _renewer(self, message: sm.PkiMessage, profile: Profile,
                       address: str) -> Identity:
        """RenewalReq: the signer must be a certificate this RA's CA issued."""
        peer = Peer(address, (message.signer,), None, None)
        try:
            return await self.ra.authenticate(peer, profile)
        except EstError as e:
            raise sm.ScepError(f"renewal signer not accepted: {e.reason}",
                               sm.FailInfo.badRequest) from e

    async def _challenged(self, message: sm.PkiMessage, csr: x509.CertificateSigningRequest,
                          profile: Profile, address: str) -> Identity:
        """PKCSReq: who the challengePassword proves, never the CSR's own subject.

        A static password proves only "knows this profile's password" (no name:
        `{identity}` patterns cannot match); a one-time code proves the name it
        was issued for (`code:NAME`); a webhook may name the device.
        """
        raw = wire.challenge_password(csr)
        challenge = raw.decode("utf-8", "replace") if raw is not None else None
        mode = profile.scep_challenge
        if mode == "none":
            return Identity("scep-none", "", profile.name, _peer(address))
        if challenge is None:
            raise Forbidden("scep-challenge: the request carries no challengePassword")

        async def check() -> Identity:
            if mode == "codes":
                owner = await self.ra.store.consume_scep_code(challenge, address)
                if owner is None:
                    raise Forbidden("scep-challenge: the one-time code is unknown, expired, "
                                    "revoked or already used")
                return Identity.from_principal(owner, _peer(address))
            if mode == "static":
                if not hmac.compare_digest(challenge.encode(), profile.scep_password.encode()):
                    raise Forbidden("scep-challenge: the challengePassword is not valid "
                                    "(static)")
                return Identity("scep-static", "", profile.name, _peer(address))
            name = await self._webhook(profile, challenge, message, csr, address)
            return Identity("scep-webhook", name, profile.name, _peer(address))
        # Wrong challenges spend the address's failed-login budget (shared with Basic):
        # past it, a FAILURE before any check, so a static password cannot be guessed
        # at wire speed.
        return await self.ra.authenticator.throttle.attempt(address, f"scep:{profile.name}",
                                                            check)

    async def _webhook(self, profile: Profile, challenge: str, message: sm.PkiMessage,
                       csr: x509.CertificateSigningRequest, address: str) -> str:
        """POST the request to the operator's service; it answers {"allow": bool} and
        may name the device ({"identity": "..."}); returns that name ("" if none)."""
        http = self.webhooks[profile.name]
        reply = await http.request("POST", profile.scep_webhook, json={
            "challenge": challenge, "transaction_id": message.transaction_id,
            "subject": csr.subject.rfc4514_string(), "profile": profile.name,
            "sans": [str(n.value) for n in wire.sans_of(csr)], "peer": address})
        try:
            verdict = json.loads(reply.body) if reply.status == 200 else {}
        except ValueError:
            verdict = {}
        if not isinstance(verdict, dict) or "allow" not in verdict:
            raise Forbidden(f"scep-challenge: the challenge service answered "
                            f"{reply.status} without a verdict")
        if verdict["allow"] is not True:
            reason = verdict.get("reason")
            raise Forbidden(f"scep-challenge: {reason}" if isinstance(reason, str) and reason
                            else "scep-challenge: the challengePassword is not valid (webhook)")
        name = verdict.get("identity", "")
        return name if isinstance(name, str) else ""


_ANSWERED = (sm.MessageType.PKCSReq, sm.MessageType.RenewalReq, sm.MessageType.CertPoll,
             sm.MessageType.GetCert)


def _answerable(message: sm.PkiMessage) -> None:
    """Refuse up front, spending no code and issuing nothing, a request whose answer
    could not be sent: a SUCCESS CertRep is encrypted to the signer's RSA key (the
    digest and the content cipher were checked when the message was read)."""
    if not isinstance(message.signer.public_key(), rsa.RSAPublicKey):
        raise sm.ScepError("the signer's key is not RSA: no CertRep can be encrypted to it",
                           sm.FailInfo.badAlg)


def _stored(csr: x509.CertificateSigningRequest) -> str:
    """How a transaction keeps its request: base64 DER without the challengePassword."""
    return base64.b64encode(wire.csr_without_challenge(wire.csr_der(csr))).decode()


def _refuse_replay(replayed: bool) -> None:
    if replayed:
        raise sm.ScepError("replayed or nonce-less message (senderNonce seen before)",
                           sm.FailInfo.badMessageCheck)


def _peer(address: str) -> Peer:
    return Peer(address, (), None, None)


def _cipher_of(message: sm.PkiMessage) -> str:
    """Answer with the content cipher the client chose (AES unless it used 3DES/DES)."""
    try:
        info = cms.ContentInfo.load(message.enveloped or b"")
        name = info["content"]["encrypted_content_info"]["content_encryption_algorithm"][
            "algorithm"].native
    except (ValueError, TypeError, KeyError):
        return "aes128_cbc"
    return "tripledes_3key" if name in ("des", "tripledes_3key") else (
        name if name in sm.CIPHERS else "aes128_cbc")


class ScepResource(Resource):
    """`<path>[/<label>][/pkiclient.exe]?operation=...`"""

    isLeaf = True
    allowedMethods = (b"GET", b"HEAD", b"POST")   # RFC 8894 4.1; others: 405 (estra.http)

    def __init__(self, front: ScepFrontEnd, profiles: dict[str, Profile]) -> None:
        super().__init__()
        self.front, self.profiles = front, profiles

    def render(self, request: Request) -> Any:
        return run_async(request, lambda: self._run(request))

    def _profile(self, request: Request) -> Profile:
        parts = [p.decode("utf-8", "replace") for p in request.postpath or [] if p]
        if parts and parts[-1].lower() == "pkiclient.exe":
            parts.pop()
        if not parts:
            return self.profiles[DEFAULT_PROFILE]
        if len(parts) == 1 and parts[0] in self.profiles:
            return self.profiles[parts[0]]
        raise NotFound(f"unknown SCEP CA label {'/'.join(parts)!r}")

    async def _run(self, request: Request) -> None:
        request.estra_logged = True  # type: ignore[attr-defined]  # our event, not the access log
        started = time.monotonic()
        operation = (request.args.get(b"operation") or [b""])[0].decode("ascii", "replace")
        address = getattr(request.getClientAddress(), "host", "?")
        status, reason, label = 200, "", "other"
        try:
            profile = self._profile(request)
            label = profile.name
            if operation == "GetCACaps":
                respond(request, 200, "\n".join(CAPABILITIES).encode() + b"\n",
                        {"Content-Type": "text/plain"})
            elif operation == "GetCACert":
                agent = request.getHeader(b"user-agent") or b""
                respond(request, 200, await self.front.cacert(
                    profile, agent.decode("latin-1")),
                        {"Content-Type": "application/x-x509-ca-ra-cert"})
            elif operation == "GetCACertChain":
                respond(request, 200, await self.front.cacert_chain(profile),
                        {"Content-Type": "application/x-x509-ca-ra-cert-chain"})
            elif operation == "PKIOperation":
                reply = await self.front.operation(_message(request), profile, address)
                respond(request, 200, reply, {"Content-Type": PKI_MESSAGE})
            else:
                raise BadRequest(f"unknown SCEP operation {operation!r} (GetCACaps, "
                                 "GetCACert, GetCACertChain, PKIOperation)")
        except Exception as e:  # noqa: BLE001 - answer_error decides
            err = answer_error(e, request)
            status, reason = (err.status, err.reason) if err else (499, "client left")
        # Metric labels come from fixed sets: a client cannot mint new time series.
        observe_request("scep", operation if operation in _OPERATIONS else "other", label,
                        status, time.monotonic() - started)
        log_request(request, "scep", operation, label, status, "-", "scep", reason)


def _message(request: Request) -> bytes:
    """The pkiMessage of a POST body (DER, or base64) or a GET `message` parameter."""
    if request.method == b"POST":
        body = read_body(request)
        return body if body[:1] == b"\x30" else wire.decode_body(body, "pkiMessage")
    # As devices send it: URL-escaped or not, '+' possibly read as ' ' (form
    # encoding), in lines (Cisco IOS: %0A every 64 characters).
    raw = b"".join((request.args.get(b"message") or [b""])[0].replace(b" ", b"+").split())
    try:
        return base64.b64decode(raw + b"=" * (-len(raw) % 4))
    except (binascii.Error, ValueError) as e:
        raise BadRequest(f"message parameter is not base64: {e}") from e


def scep_root(front: ScepFrontEnd, profiles: dict[str, Profile],
              paths: Sequence[str]) -> Resource:
    """A Resource tree serving the SCEP resource at each of `paths`."""
    root = Resource()
    leaf = ScepResource(front, profiles)
    for path in paths:
        node = root
        segments = [s for s in path.strip("/").split("/") if s]
        for segment in segments[:-1]:
            child = node.children.get(segment.encode())
            if child is None:
                child = Resource()
                child.getChild = _not_found  # type: ignore[method-assign]
                node.putChild(segment.encode(), child)
            node = child
        node.putChild(segments[-1].encode(), leaf)
    root.getChild = _not_found  # type: ignore[method-assign]
    return root


def _not_found(path: bytes, request: Request) -> Resource:
    return NotFoundResource("not a SCEP path")
