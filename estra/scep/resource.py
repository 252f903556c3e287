"""SCEP (RFC 8894) front end: legacy devices enroll through the same RA pipeline.

Served on its own endpoint (plain HTTP is normal for SCEP: the messages are
signed and encrypted), at `/scep` and the NDES-compatible
`/certsrv/mscep/mscep.dll` and Cisco's `/cgi-bin/pkiclient.exe` (configurable);
`<path>/<label>` selects a profile as `/.well-known/est/<label>` does for EST.

A PKCSReq's challengePassword is checked per profile (a static password, a
one-time code from the store for the CSR's CN, or an operator's webhook)
under the failed-login budgets of estra.ra.throttle, shared with HTTP Basic: a
wrong challenge spends one, and once an address has spent them its requests
get FAILURE before any check; a RenewalReq is authenticated by its signer, a
certificate this RA issued, and so is a PKCSReq signed by one (certmonger's
resubmit and rekey): a renewal, its challenge neither needed nor spent.
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

Issue #17 (`ScepFrontEnd.operation`): cheap checks first, writing nothing; the
senderNonce looked up before any private-key work (the same bytes again get the
answer as it stands, other bytes with a seen nonce are a replay); one RSA
decryption, of the RA's own recipient info; the nonce, the message's SHA-256 and
how it was answered stored with the transaction; old nonces swept by a timer
(`nonce_sweeper`), never on a request's path.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from typing import Any, Callable, Sequence, TypeVar

from asn1crypto import cms
from attrs import evolve
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from twisted.internet.interfaces import IReactorTime
from twisted.application.internet import TimerService
from twisted.internet.defer import Deferred
from twisted.web.resource import Resource
from twisted.web.server import Request

from estra.asn1 import scep_message as sm
from estra.upstream import stepca_hooks as stepca
from estra.asn1 import wire
from estra.ra.auth import ISSUED, Identity, Peer
from estra.ra.challenges import binding_fits
from estra.upstream.intune import FAILURE, SUCCESS, IntuneValidator
from estra.upstream.intune import failure_fields as intune_failure
from estra.upstream.intune import success_fields as intune_success
from estra.config import NOTIFY_BACKOFF
from estra.scep.notifications import INTUNE, STEP_CA, Notifier
from estra.config import DEFAULT_PROFILE, Profile
from estra.errors import (BadRequest, EstError, Forbidden, Held, NotFound,
                          UpstreamUnavailable)
from estra.logging import SafeLogger
from estra.metrics import observe_request
from estra.web.http import (NotFoundResource, answer_error, log_request, read_body, respond,
                            run_async)
from estra.interfaces import IRequestedLifetime
from estra.ra import renewal
from estra.ra.policy import SCEP_ENROLL, SCEP_RENEW
from estra.ra.pipeline import RegistrationAuthority
from estra.store.database import SCEP_BEGUN, Store
from estra.store.scep import ScepSeen, ScepTransactionRow
from estra.tokens import TokenUnavailable, with_key
from estra.upstream.http import UpstreamHTTP

T = TypeVar("T")

__all__ = ["ScepFrontEnd", "scep_root", "CAPABILITIES", "nonce_sweeper", "NONCE_MEMORY"]

log = SafeLogger(namespace="estra.scep")
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
    """Answers SCEP operations for the RA; `signer` is the RA's SCEP certificate and key,
    which decrypts requests and signs CertReps -- unless a separate `signing` key signs
    them ([scep] signing_cert/signing_key)."""

    def __init__(self, ra: RegistrationAuthority, signer: sm.Signer,
                 webhooks: dict[str, UpstreamHTTP], previous: Sequence[sm.Signer] = (),
                 intune: dict[str, IntuneValidator] | None = None,
                 signing: sm.Signer | None = None, notifier: Notifier | None = None) -> None:
        self.ra, self.signer, self.webhooks, self.signing = ra, signer, webhooks, signing
        #: the RA certificates GetCACert lists before the CA's: encryption, then signing
        self.ra_certs = [signer.cert, *([signing.cert] if signing else [])]
        #: the Intune tenant of each profile with scep_challenge = "intune"
        self.intune = intune or {}
        #: where notifications of outcomes go (kept in the store until delivered)
        self.notifier = notifier or Notifier(ra.store, {}, webhooks, self.intune,
                                             NOTIFY_BACKOFF, 86400.0)
        #: RA keys rolled over ([scep] previous_cert/key): a message sealed for one of
        #: them is opened with it and answered signed by it (`_recipient`)
        self.signers = (signer, *previous)
        #: SHA-256 of each message being answered -> copies waiting for that answer
        self._answering: dict[str, list[Deferred[bytes | None]]] = {}
        #: profiles whose CA was found to take no lifetime (logged once each)
        self._lifetime_ignored: set[str] = set()

    # -- GetCACaps / GetCACert -------------------------------------------
    async def cacert(self, profile: Profile, user_agent: str = "") -> bytes:
        """GetCACert (RFC 8894 3.5.1): the RA certificate(s) and the profile's CA chain, a
        degenerate PKCS#7 -- except for a client of micromdm's Go SCEP library when a
        CA key is not RSA: the RA certificate(s) alone.  With a separate signing key
        the key usages tell clients which RA certificate to encrypt to.

        That library (its scepclient, MDM agents) encrypts to every certificate
        GetCACert returns unless told which one, and fails on any key but RSA;
        the RA certificate, which signs and decrypts every message, is all it
        needs. strongSwan and certmonger need the CA certificate here (pki
        --scepca writes nothing without one). GetCACertChain always has it all."""
        chain = await self.ra.cacerts(profile)
        if user_agent.startswith(GO_CLIENT) and not all(
                isinstance(c.public_key(), rsa.RSAPublicKey) for c in chain):
            return sm.degenerate(self.ra_certs)
        return sm.degenerate([*self.ra_certs, *chain])

    async def cacert_chain(self, profile: Profile) -> bytes:
        """GetCACertChain: the RA certificates and the profile's whole CA chain."""
        return sm.degenerate([*self.ra_certs, *await self.ra.cacerts(profile)])

    # -- PKIOperation ----------------------------------------------------
    async def operation(self, der: bytes, profile: Profile, address: str,
                        note: dict[str, str] | None = None) -> bytes:
        """A CertRep for one pkiMessage; unusable messages raise BadRequest (HTTP 400).
        `note` gets the "reason" of a FAILURE or PENDING answer (for the request's log
        line) and the name the message tried ("who").

        What costs nothing comes first and writes nothing: the size caps (`sm.parse`),
        a 16-byte senderNonce and a bounded transactionID (`sm.check_request`), the
        messageType, an RSA signer.  Then the senderNonce is looked up (`_answer`);
        copies of a message that is being answered wait for that answer."""
        try:
            message = sm.parse(der)
            sm.check_request(message)
        except sm.ScepError as e:
            raise BadRequest(f"not a usable SCEP pkiMessage: {e}") from e
        digest = hashlib.sha256(der).hexdigest()
        while digest in self._answering:         # None: that one failed, answer it here
            shared: Deferred[bytes | None] = Deferred()
            self._answering[digest].append(shared)
            if (reply := await shared) is not None:
                return reply
        self._answering[digest] = []
        answered: bytes | None = None
        try:
            answered = await self._answer(message, digest, profile, address,
                                          {} if note is None else note)
            return answered
        finally:
            for shared in self._answering.pop(digest):
                if not shared.called:            # not cancelled: its client is there
                    shared.callback(answered)

    async def _answer(self, message: sm.PkiMessage, digest: str, profile: Profile,
                      address: str, note: dict[str, str]) -> bytes:
        """The answer to a message that passed the cheap checks.

        A new senderNonce: the message is opened and decided, and how it was
        answered is remembered with it (a transaction begun, a certificate sent,
        a failure).  A nonce seen before, with the same bytes: the answer as it
        stands (the transaction's state, the certificate, the same failure); with
        other bytes, a replay.  Neither costs any private-key work."""
        new = False
        try:
            _answerable(message)
            seen = await self.ra.store.scep_seen(_nonce(message))
            new = seen is None
            status, certs = await (self._dispatch(message, digest, profile, address, note)
                                   if seen is None else
                                   self._again(seen, message, digest, profile, address))
            return await self._reply(message, status, certs=certs)
        except sm.ScepError as e:
            log.info("SCEP {tid} failed ({fail}): {reason}",
                     tid=message.transaction_id, fail=e.fail_info.name,
                     reason=str(e))
            cause = e.__cause__
            self._refused(message, profile, address, note, cause if isinstance(
                cause, EstError) else BadRequest(str(e)), f"FAILURE {e.fail_info.name}")
            if new:
                self._failed(profile, message, e.fail_info, str(e))
            return await self._failure(message, new and digest, e.fail_info, str(e))
        except Held as e:
            log.info("SCEP {tid} pending: {reason}", tid=message.transaction_id,
                     reason=e.reason)
            return await self._reply(message, sm.Status.PENDING)
        except TokenUnavailable:        # no CertRep can be signed: HTTP 503 + Retry-After
            raise
        except EstError as e:
            if e.status >= 500:         # CA unreachable: PENDING, the device polls again
                log.warn("SCEP {tid}: {reason}; answering PENDING",
                         tid=message.transaction_id, reason=e.reason)
                self._refused(message, profile, address, note, e, "PENDING")
                return await self._reply(message, sm.Status.PENDING)
            log.info("SCEP {tid} refused: {reason}", tid=message.transaction_id,
                     reason=e.reason)
            self._refused(message, profile, address, note, e, "FAILURE")
            fail = _FAIL.get(e.status, sm.FailInfo.badRequest)
            if new:
                self._failed(profile, message, fail, e.reason)
            return await self._failure(message, new and digest, fail, e.reason)

    def _failed(self, profile: Profile, message: sm.PkiMessage, fail: sm.FailInfo,
                text: str) -> None:
        """A request's FAILURE, notified (`_notify`) once: when its message is new."""
        if message.message_type in (sm.MessageType.PKCSReq, sm.MessageType.RenewalReq):
            self._notify(profile, message.transaction_id, None, fail_info=int(fail),
                         fail_text=text)

    def _refused(self, message: sm.PkiMessage, profile: Profile, address: str,
                 note: dict[str, str], error: EstError, answer: str) -> None:
        """A FAILURE (or a PENDING for trouble upstream) is a refused attempt."""
        note["reason"] = f"{answer}: {error.reason}"
        self.ra.attempts.refused("scep", message.message_type.name, profile.name, address,
                                 note.get("who", ""), error)

    async def _failure(self, message: sm.PkiMessage, remember: str | bool,
                       fail: sm.FailInfo, text: str) -> bytes:
        """FAILURE; for a new message (`remember`: its SHA-256), remembered so that
        the same bytes sent again get the same answer without being opened again."""
        if remember:
            await self.ra.store.scep_remember(_nonce(message), str(remember),
                                              f"{_FAILED}:{int(fail)}:{text}")
        return await self._reply(message, sm.Status.FAILURE, fail=fail, text=text)

    def _recipient(self, message: sm.PkiMessage) -> sm.Signer:
        """The RA key the message was sealed for: the current one, or a previous one its
        RecipientInfo names (a device that fetched GetCACert before an RA key rollover)."""
        return sm.recipient_named(message.enveloped, self.signers) \
            if len(self.signers) > 1 else self.signer

    async def _reply(self, message: sm.PkiMessage, status: sm.Status, *,
                     certs: Sequence[x509.Certificate] = (), fail: sm.FailInfo | None = None,
                     text: str | None = None) -> bytes:
        signer = self.signing or self._recipient(message)
        return await with_key(signer.key, lambda: sm.cert_rep(
            message, signer, status, certs=certs, fail_info=fail, fail_info_text=text,
            cipher=_cipher_of(message)))

    async def _open(self, message: sm.PkiMessage, parse: Callable[[bytes], T]) -> T:
        """The pkcsPKIEnvelope's content, parsed with the RA key it was sealed for
        (decrypted on that key's token, if it is on one: a token error there is an
        unreadable envelope like any other)."""
        signer = self._recipient(message)
        return await with_key(signer.key, lambda: message.open(signer, parse))

    async def _again(self, seen: ScepSeen, message: sm.PkiMessage, digest: str,
                     profile: Profile, address: str
                     ) -> tuple[sm.Status, list[x509.Certificate]]:
        """A message whose senderNonce was seen: the same bytes (a device retransmitting,
        maybe after a crash) get the answer as it stands; other bytes are a replay."""
        if not hmac.compare_digest(seen["message_sha256"], digest):
            raise sm.ScepError("replayed message (its senderNonce was seen before)",
                               sm.FailInfo.badMessageCheck)
        kind, _, rest = seen["outcome"].partition(":")
        if kind == _FAILED:
            fail, _, text = rest.partition(":")
            raise sm.ScepError(text, sm.FailInfo(int(fail)))
        owner = sm.key_sha256(message.signer.public_key())
        if kind == _SENT:
            return sm.Status.SUCCESS, [await self._certificate(rest, owner)]
        return await self._poll(await self._transaction(message, profile, owner), message,
                                profile, address)

    async def _transaction(self, message: sm.PkiMessage, profile: Profile,
                           owner: str) -> ScepTransactionRow:
        tx = await self.ra.store.scep_transaction(profile.name, message.transaction_id, owner)
        if tx is None:
            raise sm.ScepError(f"no transaction {message.transaction_id!r} of this signer",
                               sm.FailInfo.badCertId)
        return tx

    async def _dispatch(self, message: sm.PkiMessage, digest: str, profile: Profile,
                        address: str, note: dict[str, str]
                        ) -> tuple[sm.Status, list[x509.Certificate]]:
        """A new message: opened (the one private-key decryption), decided, and how it
        was answered remembered under its senderNonce; `note["who"]` the name it tried
        (the CSR's claimed subject, then the identity)."""
        kind, store = message.message_type, self.ra.store
        seen = (_nonce(message), digest)
        owner = sm.key_sha256(message.signer.public_key())
        if kind in (sm.MessageType.PKCSReq, sm.MessageType.RenewalReq):
            csr = await self._open(message, wire.load_csr)
            note["who"] = f"subject {csr.subject.rfc4514_string()}"
            renewal = kind == sm.MessageType.RenewalReq
            tx = await self._resent(message, csr, profile, owner, (SCEP_RENEW,) if renewal
                                    else (SCEP_ENROLL, SCEP_RENEW))
            if tx is not None:             # the same request again: answer it like a CertPoll
                await store.scep_remember(*seen, SCEP_BEGUN)
                return await self._poll(tx, message, profile, address, csr)
            renewer = await (self._renewer(message, profile, address) if renewal else
                             self._signed_by_issued(message, profile, address))
            operation = SCEP_RENEW if renewer is not None else SCEP_ENROLL
            identity, data = (renewer, {}) if renewer is not None else \
                await self._challenged(message, csr, profile, address)
            note["who"] = identity.principal
            named = _named(profile, csr, data)
            await store.scep_begin(
                profile.name, message.transaction_id, owner, identity.principal, identity.kind,
                operation, _stored(csr), seen=seen, names=named)
            return await self._enroll(operation, identity, _request(csr, named), profile,
                                      message.transaction_id, owner, csr)
        if kind == sm.MessageType.CertPoll:
            await self._open(message, sm.issuer_and_subject)     # must decrypt and parse
            tx = await self._transaction(message, profile, owner)
            await store.scep_remember(*seen, SCEP_BEGUN)
            return await self._poll(tx, message, profile, address)
        _, number = await self._open(message, sm.issuer_and_serial)
        serial = wire.serial_hex(number)
        cert = await self._certificate(serial, owner)
        await store.scep_remember(*seen, f"{_SENT}:{serial}")
        return sm.Status.SUCCESS, [cert]

    async def _resent(self, message: sm.PkiMessage, csr: x509.CertificateSigningRequest,
                      profile: Profile, owner: str, operations: tuple[str, ...]
                      ) -> ScepTransactionRow | None:
        """The signer's stored transaction when this PKCSReq/RenewalReq is the same
        request again under a new senderNonce (RFC 8894: a resend gets the same answer,
        the issued certificate included: it is not issued twice)."""
        tx = await self.ra.store.scep_transaction(profile.name, message.transaction_id, owner)
        if tx is None or tx["csr"] != _stored(csr) or tx["operation"] not in operations:
            return None
        return tx

    async def _poll(self, tx: ScepTransactionRow, message: sm.PkiMessage, profile: Profile,
                    address: str, csr: x509.CertificateSigningRequest | None = None
                    ) -> tuple[sm.Status, list[x509.Certificate]]:
        """The state of a stored transaction: its certificate, or the decision so far.

        A resent request brings its CSR as the device signed it (`csr`); a CertPoll
        goes on with the stored one, whose challengePassword was taken out."""
        if tx["serial"]:
            return sm.Status.SUCCESS, [await self._certificate(tx["serial"])]
        asked = csr or wire.load_stored_csr(base64.b64decode(tx["csr"]))
        if tx["operation"] == SCEP_RENEW:
            identity = await self._renewer(message, profile, address)
        else:
            identity = Identity.from_principal(tx["identity"], _peer(address))
        return await self._enroll(tx["operation"], identity,
                                  _request(asked, str(tx.get("names") or "")), profile,
                                  message.transaction_id, tx["signer_sha256"], asked)

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
                      transaction_id: str, owner: str,
                      asked: x509.CertificateSigningRequest | None = None
                      ) -> tuple[sm.Status, list[x509.Certificate]]:
        """Issue `csr` (`asked`, the device's own request, when a validator's data named
        it otherwise: what notifications show)."""
        asked = asked or csr
        # The SCEP challenge was this profile's proof of identity; the EST-only
        # rules that read challengePassword do not apply to SCEP requests.
        scep_profile = evolve(profile, require_code=False, require_channel_binding=False,
                              requested_lifetime=self._lifetime(profile, csr))
        # The transaction's serial commits with the enrollment record, or neither does:
        # a crash in between cannot leave an issued certificate a resend issues again.
        intune = self.intune.get(profile.name) if identity.kind == _INTUNE else None
        try:
            certs = list(await self.ra.enroll(
                operation, identity, csr, scep_profile,
                on_issued=self.ra.store.scep_issued(profile.name, transaction_id, owner)))
        except EstError as e:
            if intune is not None and e.status < 500 and not isinstance(e, Held):
                reason = e.reason
                self._tell_intune(profile, transaction_id, FAILURE, asked, lambda r: (
                    intune_failure(transaction_id, r, reason)), outcome="failure")
            raise
        self._notify(profile, transaction_id, asked, certificate=certs[0])
        if intune is not None:
            self._tell_intune(profile, transaction_id, SUCCESS, asked, lambda r: (
                intune_success(transaction_id, r, certs[0])), outcome="issued",
                serial=wire.serial_hex(certs[0].serial_number))
        return sm.Status.SUCCESS, certs

    def _lifetime(self, profile: Profile, csr: x509.CertificateSigningRequest) -> float:
        """The lifetime to ask of the CA so that the device renews inside its renewal
        window (estra/ra/renewal.py `scep_lifetime`); 0 (the CA's own) when the profile
        says nothing of its devices or the CA takes no lifetime (logged once)."""
        life = renewal.scep_lifetime(profile, self.ra.store.clock(), wire.csr_public_key(csr))
        if life and not IRequestedLifetime.providedBy(self.ra.ca_for(profile)):
            if profile.name not in self._lifetime_ignored:
                self._lifetime_ignored.add(profile.name)
                log.warn("profile {profile}: upstream {upstream} takes no lifetime; its SCEP "
                         "certificates live as it decides, and devices renew by that, not by "
                         "the renewal window", profile=profile.name, upstream=profile.upstream)
            return 0.0
        return life

    def _tell_intune(self, profile: Profile, transaction_id: str, action: str,
                     csr: x509.CertificateSigningRequest,
                     fields: Callable[[x509.CertificateSigningRequest], dict[str, Any]],
                     **about: Any) -> None:
        """Intune's `action` (success or failure notification) with the `fields` of
        a request, in the background and kept until delivered."""
        self.notifier.send(INTUNE, profile.name, transaction_id, action,
                           json.dumps(fields(csr)).encode(),
                           json.dumps(fields(_unchallenged(csr))).encode(), to="intune",
                           **about)

    def _notify(self, profile: Profile, transaction_id: str,
                csr: x509.CertificateSigningRequest | None, **outcome: Any) -> None:
        """step-ca's NOTIFYING webhook (`scep_notify`): the certificate issued, or the
        failInfo a request got; sent in the background (the device's answer does not
        wait for it) and kept until delivered (estra/scep/notifications.py)."""
        if not profile.scep_notify:
            return
        now = self.ra.store.clock()
        self.notifier.send(
            STEP_CA, profile.name, transaction_id, profile.scep_notify,
            stepca.request_body(now, profile.name, transaction_id, csr, **outcome),
            stepca.request_body(now, profile.name, transaction_id,
                                csr and _unchallenged(csr), **outcome),
            to=profile.scep_notify)

    async def _renewer(self, message: sm.PkiMessage, profile: Profile,
                       address: str) -> Identity:
        """RenewalReq: the signer must be a certificate this RA's CA issued."""
        peer = Peer(address, (message.signer,), None, None, tls=False)
        try:
            return await self.ra.authenticate(peer, profile)
        except EstError as e:
            raise sm.ScepError(f"renewal signer not accepted: {e.reason}",
                               sm.FailInfo.badRequest) from e

    async def _signed_by_issued(self, message: sm.PkiMessage, profile: Profile,
                                address: str) -> Identity | None:
        """PKCSReq signed with a certificate this RA's CA issued, which this profile
        accepts (as certmonger resubmits and rekeys): a renewal under the profile's
        renewal rules, its challengePassword not needed (nor spent).  Any other signer
        (self-signed, a manufacturer's, revoked): None, the challenge decides."""
        if message.signer.issuer == message.signer.subject:
            return None
        try:
            identity = await self._renewer(message, profile, address)
        except sm.ScepError:
            return None
        return identity if identity.kind == ISSUED else None

    async def _challenged(self, message: sm.PkiMessage, csr: x509.CertificateSigningRequest,
                          profile: Profile, address: str) -> tuple[Identity, dict[str, Any]]:
        """PKCSReq: who the challengePassword proves, never the CSR's own subject, and
        the data a step-ca validator answered with ({} for the others).

        A static password proves only "knows this profile's password" (no name:
        `{identity}` patterns cannot match); a one-time code proves the name it
        was issued for (`code:NAME`); a webhook may name the device.
        """
        raw = wire.challenge_password(csr)
        challenge = raw.decode("utf-8", "replace") if raw is not None else None
        mode = profile.scep_challenge
        if mode == "none":
            return Identity("scep-none", "", profile.name, _peer(address)), {}
        if challenge is None:
            raise Forbidden.because("scep-challenge", "the request carries no challengePassword")

        async def check() -> tuple[Identity, dict[str, Any]]:
            if mode == "codes":
                sans = wire.sans_of(csr)
                owner = await self.ra.store.consume_scep_code(
                    challenge, address, profile.name, lambda bound: binding_fits(bound, csr, sans))
                if owner is None:
                    raise Forbidden.because("scep-challenge", "the one-time code is unknown, "
                                            "expired, revoked, already used, of another "
                                            "profile or bound to another device")
                return Identity.from_principal(owner, _peer(address)), {}
            if mode == "intune":
                await self.intune[profile.name].validate(message.transaction_id, csr)
                return Identity(_INTUNE, "", profile.name, _peer(address)), {}
            if mode == "static":
                if not hmac.compare_digest(challenge.encode(), profile.scep_password.encode()):
                    raise Forbidden.because("scep-challenge", "the challengePassword is not valid "
                                    "(static)")
                return Identity("scep-static", "", profile.name, _peer(address)), {}
            name, data = await self._webhook(profile, challenge, message, csr, address)
            return Identity("scep-webhook", name, profile.name, _peer(address)), data
        # Wrong challenges spend the address's failed-login budget (shared with Basic):
        # past it, a FAILURE before any check, so a static password cannot be guessed
        # at wire speed.
        return await self.ra.authenticator.throttle.attempt(address, f"scep:{profile.name}",
                                                            check)

    async def _webhook(self, profile: Profile, challenge: str, message: sm.PkiMessage,
                       csr: x509.CertificateSigningRequest, address: str
                       ) -> tuple[str, dict[str, Any]]:
        """POST the request to the operator's service; it answers {"allow": bool} and
        may name the device ({"identity": "..."}); returns that name ("" if none).
        In step-ca's shape (`scep_webhook_format = "step-ca"`): its SCEPCHALLENGE call,
        whose answer's `data` comes back with the name ("")."""
        http = self.webhooks[profile.name]
        if profile.scep_webhook_format == "step-ca":
            body = stepca.request_body(self.ra.store.clock(), profile.name, message.transaction_id,
                                       csr, challenge=challenge)
            reply = await http.request("POST", profile.scep_webhook, data=body, headers=(
                stepca.signed(body, profile.scep_webhook_secret, stepca.webhook_id(profile))))
            _unavailable(reply.status, http)
            answer = stepca.verdict(reply.status, reply.body)
            if answer is None:
                raise Forbidden.because("scep-challenge", f"the challenge service answered "
                                        f"{reply.status} without a verdict")
            if not answer[0]:
                raise Forbidden.because("scep-challenge", "the challengePassword is not valid "
                                        "(webhook)")
            return "", answer[1]
        reply = await http.request("POST", profile.scep_webhook, json={
            "challenge": challenge, "transaction_id": message.transaction_id,
            "subject": csr.subject.rfc4514_string(), "profile": profile.name,
            "sans": [str(n.value) for n in wire.sans_of(csr)], "peer": address})
        _unavailable(reply.status, http)
        try:
            verdict = json.loads(reply.body) if reply.status == 200 else {}
        except ValueError:
            verdict = {}
        if not isinstance(verdict, dict) or "allow" not in verdict:
            raise Forbidden.because("scep-challenge", f"the challenge service answered "
                            f"{reply.status} without a verdict")
        if verdict["allow"] is not True:
            reason = verdict.get("reason")
            raise Forbidden.because(
                "scep-challenge", reason if isinstance(reason, str) and reason
                else "scep-challenge: the challengePassword is not valid (webhook)")
        name = verdict.get("identity", "")
        return name if isinstance(name, str) else "", {}


def _named(profile: Profile, csr: x509.CertificateSigningRequest,
           data: dict[str, Any]) -> str:
    """The request a step-ca validator's `data` makes of the device's, per the profile's
    `scep_webhook_data` (stored form, base64; "" when the data names nothing): judged
    by the policy and issued in place of the device's.  Data that are no names: FAILURE
    badRequest (rule scep-webhook-data), logged."""
    if not profile.scep_webhook_data or not data:
        return ""
    try:
        common, sans = stepca.names_of(data, profile.scep_webhook_data, wire.sans_of(csr))
    except ValueError as e:
        log.warn("SCEP: the validator's data cannot name the certificate: {reason}",
                 reason=str(e))
        raise Forbidden.because("scep-webhook-data", f"the validator's data: {e}") from None
    if common is None and sans is None:
        return ""
    return base64.b64encode(wire.with_names(csr, common, sans)).decode()


def _request(csr: x509.CertificateSigningRequest, named: str
             ) -> x509.CertificateSigningRequest:
    """The request to judge and issue: the device's, or as its validator's data named it."""
    return wire.load_stored_csr(base64.b64decode(named)) if named else csr


def _unavailable(status: int, http: UpstreamHTTP) -> None:
    """A webhook's 5xx or 429 is the service's trouble, not the device's guess: PENDING
    ("try later"), and the failed-login budget gets its token back (LoginThrottle)."""
    if status >= 500 or status == 429:
        raise UpstreamUnavailable.because("scep-challenge", f"the challenge service "
                                          f"answered {status}", http.retry_after)


_INTUNE = "scep-intune"


def _unchallenged(csr: x509.CertificateSigningRequest) -> x509.CertificateSigningRequest:
    """The request as the store may keep it: without its challengePassword."""
    return wire.load_stored_csr(wire.csr_without_challenge(wire.csr_der(csr)))


#: `scep_nonces.outcome` kinds besides SCEP_BEGUN: "fail:FAILINFO:TEXT", "cert:SERIAL"
_FAILED, _SENT = "fail", "cert"
_ANSWERED = (sm.MessageType.PKCSReq, sm.MessageType.RenewalReq, sm.MessageType.CertPoll,
             sm.MessageType.GetCert)


def _answerable(message: sm.PkiMessage) -> None:
    """Refuse up front, remembering, spending and issuing nothing, a message this RA does
    not answer (GetCRL, a CertRep) or whose answer could not be sent: a SUCCESS CertRep
    is encrypted to the signer's RSA key (the digest and the content cipher were
    checked when the message was read)."""
    if message.message_type not in _ANSWERED:
        raise sm.ScepError(f"{message.message_type.name} is not offered (no CRL from this CA)",
                           sm.FailInfo.badRequest)
    if not isinstance(message.signer.public_key(), rsa.RSAPublicKey):
        raise sm.ScepError("the signer's key is not RSA: no CertRep can be encrypted to it",
                           sm.FailInfo.badAlg)


def _stored(csr: x509.CertificateSigningRequest) -> str:
    """How a transaction keeps its request: base64 DER without the challengePassword."""
    return base64.b64encode(wire.csr_without_challenge(wire.csr_der(csr))).decode()


def _nonce(message: sm.PkiMessage) -> bytes:
    """The senderNonce of a message `sm.check_request` let through."""
    assert message.sender_nonce is not None
    return message.sender_nonce


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
    allowedMethods = (b"GET", b"HEAD", b"POST")   # RFC 8894 4.1; others: 405 (estra.web.http)

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
        note: dict[str, str] = {}
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
                reply = await self.front.operation(_message(request), profile, address, note)
                reason = note.get("reason", "")
                respond(request, 200, reply, {"Content-Type": PKI_MESSAGE})
            else:
                raise BadRequest(f"unknown SCEP operation {operation!r} (GetCACaps, "
                                 "GetCACert, GetCACertChain, PKIOperation)")
        except Exception as e:  # noqa: BLE001 - answer_error decides
            err = answer_error(e, request)
            status, reason = (err.status, err.reason) if err else (499, "client left")
            self.front.ra.attempts.refused(
                "scep", operation if operation in _OPERATIONS else "other", label, address,
                "-", e)
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


#: How long a senderNonce is remembered (replays refused, resends answered alike).
NONCE_MEMORY = 86400.0


def nonce_sweeper(clock: IReactorTime, store: Store, interval: float = 60.0,
                  keep: float = NONCE_MEMORY, batch: int = 250,
                  batches: int = 400) -> TimerService:
    """A timer forgetting senderNonces older than `keep`: every `interval` seconds at
    most `batches` deletes of `batch` rows, each its own short write transaction (the
    writer commits enrollments in between), never on a request's path."""
    async def sweep() -> None:
        try:
            for _ in range(batches):
                if await store.scep_sweep(keep, batch) < batch:
                    return
        except Exception:  # noqa: BLE001 - a store outage: try again next time
            log.failure("SCEP senderNonce sweep failed")

    timer = TimerService(interval, lambda: Deferred.fromCoroutine(sweep()))
    timer.clock = clock
    return timer


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
