"""/fullcmc (RFC 7030 4.3): Full PKI Requests through the RA pipeline.

The PKCS#10 (tcr) inside the signed PKIData is judged and issued like a
simpleenroll; the answer is always a Full PKI Response (CMCStatusInfoV2)
signed with the RA's key: success with the certificates, pending when held
for approval, failed with a failInfo naming why (never a bare error page).
With an EST upstream the RA forwards instead (RFC 7030 3.7, RFC 5272 7): it
wraps the device's signed request in its own signed PKIData and relays the
upstream's CMC response.  An estra upstream accepts such a wrapped request
from an RA certificate (id-kp-cmcRA) and answers for the nested body part.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any, Callable, Sequence

from cryptography import x509

from estra.asn1 import cmc, wire
from estra.ra.auth import Identity
from estra.config import Profile
from estra.errors import BadRequest, BadUpstream, EstError, Held
from estra.web.http import log_internal
from estra.logging import SafeLogger
from estra.ra.pipeline import RegistrationAuthority
from estra.interfaces import IFullCmc, Reply

__all__ = ["FullCmc", "FULLCMC", "CMC_RESPONSE"]

log = SafeLogger(namespace="estra.fullcmc")
FULLCMC = "fullcmc"
CMC_RESPONSE = "application/pkcs7-mime; smime-type=CMC-response"
_FAIL = {401: cmc.CMCFailInfo.badIdentity, 403: cmc.CMCFailInfo.badRequest,
         400: cmc.CMCFailInfo.badRequest, 429: cmc.CMCFailInfo.tryLater,
         503: cmc.CMCFailInfo.tryLater}


class FullCmc:
    """Answers Full PKI Requests; `signer` is the RA's (key, certificate)."""

    def __init__(self, ra: RegistrationAuthority, signer: tuple[Any, x509.Certificate],
                 clock: Callable[[], float]) -> None:
        self.ra, self.signer, self._clock = ra, signer, clock

    async def answer(self, identity: Identity, der: bytes, profile: Profile) -> bytes:
        """The DER Full PKI Response for one request (always a CMC answer)."""
        try:
            request = cmc.parse_request(der)
        except cmc.CmcError as e:
            self._refused(identity, profile, BadRequest(e.message))
            return self._respond(None, (), cmc.CMCStatus.failed, e.fail_info, e.message)
        refs: Sequence[cmc.BodyRef] = [t.body_part_id for t in request.requests]
        try:
            if not request.verified:
                raise cmc.CmcError(cmc.CMCFailInfo.badMessageCheck,
                                   f"the request's signature does not verify: "
                                   f"{request.verify_error}")
            inner, path = self._tcr(request, identity)
            refs = [path]
            upstream = self.ra.ca_for(profile)
            if IFullCmc.providedBy(upstream):
                return await self._relay(upstream.fullcmc, identity, request, inner.csr,
                                         profile)
            certs = await self.ra.enroll(FULLCMC, identity, inner.csr, profile)
        except cmc.CmcError as e:
            self._refused(identity, profile, BadRequest(e.message))
            return self._respond(request, refs, cmc.CMCStatus.failed, e.fail_info, e.message)
        except Held as e:
            wait = int(e.extra_headers.get("Retry-After", "300"))
            return self._respond(request, refs, cmc.CMCStatus.pending, None, e.reason,
                                 pend=(hashlib.sha256(der).digest()[:16], wait))
        except EstError as e:
            self._refused(identity, profile, e)
            return self._respond(request, refs, cmc.CMCStatus.failed,
                                 _FAIL.get(e.status, cmc.CMCFailInfo.internalCAError),
                                 e.reason)
        except Exception as e:  # noqa: BLE001 - a CMC client always gets a CMC answer
            log_internal(e, FULLCMC)
            self._refused(identity, profile, e)
            return self._respond(request, refs, cmc.CMCStatus.failed,
                                 cmc.CMCFailInfo.internalCAError, "internal error")
        return self._respond(request, refs, cmc.CMCStatus.success, None, None, certs=certs)

    def _refused(self, identity: Identity, profile: Profile, error: BaseException) -> None:
        """A CMC failure answered in a 200 response: a refused attempt all the same."""
        self.ra.attempts.refused("est", FULLCMC, profile.name, identity.peer.address,
                                 identity.principal, error)

    def _tcr(self, request: cmc.CmcRequest, identity: Identity
             ) -> tuple[cmc.TaggedCsr, cmc.BodyRef]:
        """The one PKCS#10 to issue, and how the response refers to it."""
        if request.unsupported:
            raise cmc.CmcError(cmc.CMCFailInfo.badRequest,
                               "only PKCS#10 (tcr) requests are supported, not CRMF")
        if not request.requests and request.nested and identity.is_ra:
            outer_id, content = request.nested[0]      # an RA's wrapped device request
            inner = cmc.parse_request(content)
            if not inner.verified:
                raise cmc.CmcError(cmc.CMCFailInfo.badMessageCheck,
                                   "the nested request's signature does not verify")
            tcr, ref = self._tcr(inner, identity)
            return tcr, (outer_id, *(ref if isinstance(ref, tuple) else (ref,)))
        if len(request.requests) != 1:
            raise cmc.CmcError(cmc.CMCFailInfo.badRequest,
                               "send exactly one PKCS#10 request per Full PKI Request")
        tcr = request.requests[0]
        try:
            valid = tcr.csr.is_signature_valid
        except Exception as e:  # an algorithm cryptography cannot check
            raise cmc.CmcError(cmc.CMCFailInfo.badAlg,
                               f"the PKCS#10 signature cannot be checked: {e}") from e
        if not valid:
            raise cmc.CmcError(cmc.CMCFailInfo.popFailed, "the PKCS#10 signature does not verify")
        return tcr, tcr.body_part_id

    async def _relay(self, forward: Any, identity: Identity, request: cmc.CmcRequest,
                     csr: x509.CertificateSigningRequest, profile: Profile) -> bytes:
        """Judge and record here, forward the wrapped request, relay the CMC answer."""
        answers: list[bytes] = []

        async def issue(operation: str, csr: x509.CertificateSigningRequest,
                        *_: Any) -> list[x509.Certificate]:
            reply: Reply = await forward(request.der)
            try:
                answers.append(wire.decode_body(reply.body, "CMC response"))
                status, fail, certs = cmc.parse_response(answers[-1])
            except (cmc.CmcError, ValueError, EstError) as e:
                raise BadUpstream(f"upstream CMC response unreadable: {e}") from e
            if status != cmc.CMCStatus.success:
                raise _Relayed(status, fail)
            issued = [c for c in certs if c.public_key() == csr.public_key()]
            return issued + [c for c in certs if c not in issued]
        try:
            await self.ra.enroll(FULLCMC, identity, csr, profile, issue=issue)
        except _Relayed as e:       # recorded as refused; the device gets the CA's own answer
            self._refused(identity, profile, e)
        return answers[0]

    def _respond(self, request: cmc.CmcRequest | None, refs: Sequence[cmc.BodyRef],
                 status: cmc.CMCStatus, fail: cmc.CMCFailInfo | None, text: str | None, *,
                 certs: Sequence[x509.Certificate] = (),
                 pend: tuple[bytes, int] | None = None) -> bytes:
        if status != cmc.CMCStatus.success:
            log.info("fullcmc answered {status}: {text}", status=status.name, text=text)
        key, cert = self.signer
        when = None if pend is None else (
            pend[0], datetime.datetime.fromtimestamp(self._clock() + pend[1],
                                                     datetime.timezone.utc))
        return cmc.build_response(
            status, certificates=certs, fail_info=fail, body_part_ids=refs,
            transaction_id=request.transaction_id if request else None,
            recipient_nonce=request.sender_nonce if request else None,
            signer_key=key, signer_cert=cert, status_string=text, pend_info=when)


class _Relayed(EstError):
    """The upstream CA answered the CMC request with something other than success."""

    status = 403

    def __init__(self, status: cmc.CMCStatus, fail: cmc.CMCFailInfo | None) -> None:
        super().__init__(f"upstream-cmc: the CA answered {status.name}"
                         + (f" ({fail.name})" if fail is not None else ""))
