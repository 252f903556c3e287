"""The one pipeline EST and SCEP share: auth -> policy -> store -> CA.

`enroll` runs, in order: a held request for the same key and identity
(approved: claim it in the store and issue the stored request, exactly once
across nodes, 202 while another request issues it; issued: the same
certificate again for the same request; rejected: 403; still pending: 202),
the request-only rules of `Policy`, rate limits, "only certificates this RA
enrolled" for re-enrollment, the one-time code, manual approval (at most
`approval_max_open` held per identity), and finally the CA.  Every outcome is
recorded in the store and logged, with the rule that decided it.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any, Awaitable, Callable, Sequence

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from twisted.internet.defer import CancelledError
from twisted.logger import Logger

from estra.asn1 import wire
from estra.ra.attempts import Attempts
from estra.ra.auth import Authenticator, Identity, Peer
from estra.config import Profile
from estra.errors import EstError, Forbidden, Held
from estra.interfaces import (ICertificateAuthority, ICsrAttrsSource, IIssuingTerms,
                              IServerKeyGen, Reply)
from estra.upstream.issuingterms import IssuingTerms
from estra.asn1 import keygen
from estra.errors import BadRequest, BadUpstream, NotImplementedOperation
from estra.ra.policy import RENEWALS, SERVERKEYGEN, Policy, csrattrs_for
from estra.principals import ISSUED, UNRECORDED
from estra.store.database import EnrollmentRecord, Store
from estra.store.pending import PendingRow

__all__ = ["RegistrationAuthority", "TooManyRequests", "key_fingerprint"]

log = Logger(namespace="estra.ra")
#: Retry-After (at most) while another request issues the same approved request
ISSUING_RETRY_AFTER = 5
#: seconds after which a claim whose node never finished issuing can be taken again
CLAIM_STALE_AFTER = 600.0
Issuer = Callable[[str, x509.CertificateSigningRequest, Identity, Profile],
                  Awaitable[Sequence[x509.Certificate]]]


class TooManyRequests(EstError):
    status = 429

    def __init__(self, reason: str, retry_after: int) -> None:
        super().__init__(reason, {"Retry-After": str(retry_after)})


def key_fingerprint(csr: x509.CertificateSigningRequest) -> str:
    """SHA-256 of the CSR's SubjectPublicKeyInfo, hex: how held requests are matched."""
    spki = wire.csr_public_key(csr).public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest()


def _san_strings(names: frozenset[x509.GeneralName]) -> list[str]:
    return sorted(f"{type(n).__name__}:{n.value}" for n in names)


def _renews(identity: Identity) -> str | None:
    """The serial of the certificate of ours a renewal authenticated with (the device
    view follows a device through its renewals by it); None for other identities."""
    if identity.kind != ISSUED or identity.certificate is None:
        return None
    return wire.serial_hex(identity.certificate.serial_number)


def _same(held: PendingRow, operation: str, stored: bytes) -> bool:
    """Whether a request is the very one an operator approved (operation and bytes,
    challengePassword aside)."""
    return held["operation"] == operation and \
        stored == base64.b64decode(str(held["csr"]))


def _both(*hooks: Callable[[Any, str], None] | None) -> Callable[[Any, str], None] | None:
    """One `record(on_issued=...)` hook running each given hook, or None."""
    given = [h for h in hooks if h is not None]
    if not given:
        return None

    def run(cursor: Any, serial: str) -> None:
        for hook in given:
            hook(cursor, serial)
    return run


class RegistrationAuthority:
    """Authenticate, judge, record, and have the CA issue; one instance per process."""

    def __init__(self, authenticator: Authenticator, policy: Policy,
                 cas: dict[str, ICertificateAuthority], store: Store,
                 clock: Callable[[], float], attempts: Attempts | None = None) -> None:
        """`attempts`: where every face notes what it refused (estra/ra/attempts.py)."""
        self.authenticator, self.policy, self._cas = authenticator, policy, cas
        self.store, self._clock = store, clock
        self.attempts = attempts if attempts is not None else Attempts(store, clock)

    def ca_for(self, profile: Profile) -> ICertificateAuthority:
        """The CA a profile names (`cas` maps upstream names to CAs)."""
        return self._cas[profile.upstream]

    async def authenticate(self, peer: Peer, profile: Profile) -> Identity:
        return await self.authenticator.authenticate(peer, profile)

    async def enroll(self, operation: str, identity: Identity,
                     csr: x509.CertificateSigningRequest, profile: Profile,
                     keygen: Callable[[x509.CertificateSigningRequest],
                                      x509.CertificateSigningRequest] | None = None,
                     issue: Issuer | None = None,
                     on_issued: Callable[[Any, str], None] | None = None
                     ) -> Sequence[x509.Certificate]:
        """Judge `csr` under the profile, record the outcome, have the CA issue.

        With `keygen` (server-side key generation) the request is judged and
        held as the device sent it, and `keygen` turns it into the request
        for the generated key just before the CA sees it.  `issue` replaces
        the call to the profile's CA (the upstream serverkeygen relay).
        `on_issued(cursor, serial)` runs in the database transaction that records
        the issuance (the SCEP transaction's serial commits with it).
        """
        der = wire.csr_der(csr)
        stored = der if wire.challenge_password(csr) is None else \
            wire.csr_without_challenge(der)                   # never a secret at rest
        record = dict(at=self._clock(), identity=identity.principal, method=identity.kind,
                      peer=identity.peer.address, label=profile.name, operation=operation,
                      csr_sha256=hashlib.sha256(stored).hexdigest(),
                      key_sha256=key_fingerprint(csr), subject=csr.subject.rfc4514_string(),
                      sans=_san_strings(wire.sans_of(csr)), auth_serial=_renews(identity))
        claimed: int | None = None          # the approved request this call issues
        try:
            try:
                # Held requests exist only under manual approval: skip the lookup otherwise.
                held = await self.store.find_pending(profile.name, identity.principal,
                                                     str(record["key_sha256"])) \
                    if profile.approval == "manual" else None
                if held is not None and held["status"] == "issued":
                    if keygen is None and issue is None and _same(held, operation, stored):
                        return await self._resend(held, record, on_issued)
                    held = None             # a new request for a key issued before
                if held is not None:
                    csr = self._approved(held, profile, csr, stored)
                    claimed = await self._claim(held, profile)
                else:
                    await self._judge(operation, identity, csr, profile, record, stored)
                if keygen is not None:
                    csr = keygen(csr)
                    record["key_sha256"] = key_fingerprint(csr)
                certs = list(await (issue or self._issue)(operation, csr, identity, profile))
            except BaseException as e:
                await self._failed(e, record)
                raise
            serial = wire.serial_hex(certs[0].serial_number)
            await self.store.record(EnrollmentRecord(
                **record, decision="issued", rule="issued", reason="",  # type: ignore[arg-type]
                serial=serial, not_after=certs[0].not_valid_after_utc.timestamp(),
                certificate=base64.b64encode(certs[0].public_bytes(Encoding.DER)).decode()),
                _both(on_issued, None if claimed is None else
                      self.store.pending_issued(claimed)))
        except BaseException:
            if claimed is not None:         # not issued, or not recorded (so never sent)
                await self.store.release(claimed)
            raise
        return certs

    async def _failed(self, e: BaseException, record: dict[str, object]) -> None:
        """Record why an enrollment did not issue (a client that left decided nothing)."""
        if isinstance(e, EstError):
            decision = ("held" if e.status == 202 else
                        "rejected" if 400 <= e.status < 500 else "failed")
            await self.store.record(EnrollmentRecord(
                **record, decision=decision, rule=e.rule or type(e).__name__, reason=e.reason))  # type: ignore[arg-type]
        elif isinstance(e, Exception) and not isinstance(e, CancelledError):
            # a bug, not a decision: recorded all the same, then a 500
            await self.store.record(EnrollmentRecord(
                **record, decision="failed", rule="internal",  # type: ignore[arg-type]
                reason=f"internal error: {type(e).__name__}"))

    async def _claim(self, held: PendingRow, profile: Profile) -> int:
        """Claim an approved request for this call; 202 with a short Retry-After while
        another request (on any node) is issuing it."""
        if not await self.store.claim(int(held["id"]), CLAIM_STALE_AFTER):
            raise Held.because("approval", f"request {held['id']} is being issued",
                       min(ISSUING_RETRY_AFTER, profile.approval_retry_after))
        return int(held["id"])

    async def _resend(self, held: PendingRow, record: dict[str, object],
                      on_issued: Callable[[Any, str], None] | None
                      ) -> Sequence[x509.Certificate]:
        """The certificate an approved request was issued, again (a retry, as SCEP's
        resend): recorded as "resent" (with `on_issued`), never a second certificate."""
        der = await self.store.certificate(str(held["serial"]))
        if der is None:
            raise Forbidden.because("approval", f"request {held['id']} was issued, but its "
                            "certificate is not in the store")
        cert = x509.load_der_x509_certificate(base64.b64decode(der))
        await self.store.record(EnrollmentRecord(
            **record, decision="resent", rule="approval",  # type: ignore[arg-type]
            reason=f"request {held['id']} was issued before: the same certificate again",
            serial=str(held["serial"]), not_after=cert.not_valid_after_utc.timestamp()),
            on_issued)
        return [cert]

    async def _issue(self, operation: str, csr: x509.CertificateSigningRequest,
                     identity: Identity, profile: Profile) -> Sequence[x509.Certificate]:
        ca = self.ca_for(profile)
        certs: Sequence[x509.Certificate] = await (
            ca.reenroll if operation in RENEWALS else ca.enroll)(csr, identity, profile)
        return certs

    def _approved(self, held: PendingRow, profile: Profile,
                  csr: x509.CertificateSigningRequest, stored: bytes
                  ) -> x509.CertificateSigningRequest:
        """The request to issue once an operator approved it; else 202 or 403.

        What the operator saw is stored without its challengePassword: when the
        device sends that same request again, its own signed bytes are issued (an
        upstream CA checks the signature), otherwise the stored request."""
        if held["status"] == "pending":
            raise Held.because("approval", f"request {held['id']} awaits an operator's decision",
                       profile.approval_retry_after)
        if held["status"] == "rejected":
            raise Forbidden.because("approval",
                                    f"request {held['id']} was rejected: {held['reason']}")
        approved = base64.b64decode(str(held["csr"]))
        return csr if stored == approved else wire.load_stored_csr(approved)

    async def _judge(self, operation: str, identity: Identity,
                     csr: x509.CertificateSigningRequest, profile: Profile,
                     record: dict[str, object], stored: bytes) -> None:
        self.policy.check(operation, identity, csr, profile)
        terms = await self._terms(profile)
        if terms is not None and terms.blocked:
            raise BadUpstream(terms.blocked)
        refused = terms.refusal(csr) if terms is not None else None
        if refused is not None:
            raise Forbidden.because("upstream-terms", refused)
        for limit, bucket in ((profile.rate_per_identity, f"id:{identity.principal}"),
                              (profile.rate_per_address, f"ip:{identity.peer.address}")):
            if limit is not None:
                count, window = limit
                if await self.store.hit(f"{profile.name}:{bucket}", window) > count:
                    raise TooManyRequests.because("rate-limit", f"more than {count} requests per "
                                          f"{window} s for {bucket}", window)
        if operation in RENEWALS and profile.reenroll_only_ours and \
                identity.kind == ISSUED and identity.realm == UNRECORDED:
            raise Forbidden.because("reenroll-unknown", "the client certificate was not "
                            "enrolled through this RA")
        if profile.require_code and not identity.is_ra:
            code = wire.challenge_password(csr)
            if code is None:
                raise Forbidden.because("one-time-code", "this profile requires a one-time "
                                "enrollment code as the CSR challengePassword")
            if not await self.store.consume_code(code.decode("utf-8", "replace"),
                                                 identity.principal, identity.peer.address):
                raise Forbidden.because("one-time-code", "the code is unknown, expired, revoked, "
                                f"already used, or not issued for {identity.principal!r}")
        if profile.approval == "manual":
            pending_id = await self.store.hold(
                profile.name, operation, identity.principal, str(record["key_sha256"]),
                str(record["subject"]), list(record["sans"]),  # type: ignore[call-overload]
                base64.b64encode(stored).decode(), profile.approval_max_open)
            if pending_id is None:
                raise TooManyRequests.because(
                    "approval-holds", f"{identity.principal} already has "
                    f"{profile.approval_max_open} requests awaiting an operator's decision",
                    profile.approval_retry_after)
            raise Held.because("approval", f"request {pending_id} awaits an operator's decision",
                       profile.approval_retry_after)

    async def serverkeygen(self, identity: Identity, csr: x509.CertificateSigningRequest,
                           profile: Profile) -> tuple[Any, Sequence[x509.Certificate]]:
        """A key made here per the profile (like the CSR's placeholder when it
        allows that), and the certificates issued for it."""
        made: list[Any] = []

        def with_new_key(request: x509.CertificateSigningRequest
                         ) -> x509.CertificateSigningRequest:
            made.append(keygen.generate(keygen.key_spec(request, profile)))
            return keygen.replacement_csr(request, made[-1])
        certs = await self.enroll(SERVERKEYGEN, identity, csr, profile, with_new_key)
        return made[-1], certs

    async def serverkeygen_upstream(self, identity: Identity,
                                    csr: x509.CertificateSigningRequest,
                                    profile: Profile) -> Reply:
        """Judge and record the request here; the upstream EST server makes the key.

        The upstream's multipart answer is relayed as it is (the key never
        touches the store); its certificate is parsed only to be recorded.
        """
        upstream = self.ca_for(profile)
        if not IServerKeyGen.providedBy(upstream):
            raise NotImplementedOperation(f"upstream {profile.upstream} cannot generate keys")
        forward = upstream.serverkeygen
        replies: list[Reply] = []

        async def relay(operation: str, request: x509.CertificateSigningRequest,
                        *_: Any) -> Sequence[x509.Certificate]:
            reply: Reply = await forward(request)
            replies.append(reply)
            try:
                return wire.certs_of_multipart(reply.body, reply.header("content-type") or "")
            except BadRequest as e:
                raise BadUpstream(f"upstream serverkeygen answer unreadable: {e.reason}") from e
        await self.enroll(SERVERKEYGEN, identity, csr, profile, issue=relay)
        return replies[0]

    async def cacerts(self, profile: Profile) -> Sequence[x509.Certificate]:
        return list(await self.ca_for(profile).cacerts())

    async def _terms(self, profile: Profile) -> IssuingTerms | None:
        """What the profile's CA says it will issue (IIssuingTerms), if it says."""
        ca = self.ca_for(profile)
        if not IIssuingTerms.providedBy(ca):
            return None
        terms: IssuingTerms | None = await ca.issuing_terms()
        return terms

    async def csrattrs(self, profile: Profile) -> bytes | None:
        """DER CsrAttrs from the profile's policy (narrowed to what its CA says it
        issues), else the upstream's; None means 204."""
        terms = await self._terms(profile)
        attrs = csrattrs_for(terms.narrowed(profile), terms.asked_usages()) \
            if terms is not None else csrattrs_for(profile)
        if attrs:
            return wire.csrattrs_der(attrs)
        upstream = self.ca_for(profile)
        if not ICsrAttrsSource.providedBy(upstream):
            return None
        der: bytes | None = await upstream.csrattrs()
        return der
