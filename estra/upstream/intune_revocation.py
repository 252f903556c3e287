"""Intune's revocation requests for this CA (issue #21).

When a device leaves Intune (retired, wiped) or its SCEP profile is removed,
Intune asks the certification authority to revoke the certificates it had
issued there, as Microsoft documents for third-party CAs
(microsoft/Intune-Resource-Access, `IntuneRevocationClient`): the CA polls
Intune's "PkiConnectorFEService" (found through Graph like the SCEP service),

- `POST {uri}/CertificateAuthorityRequests/downloadRevocationRequests` with
  `{"downloadParameters": {"maxRequests": 1..500, "issuerName": ISSUER}}`,
  answered `{"value": [{"requestContext", "serialNumber", "issuerName",
  "caConfiguration"}, ...]}`;
- revokes each certificate, and
- `POST {uri}/CertificateAuthorityRequests/uploadRevocationResults` with
  `{"results": [{"requestContext", "succeeded", "errorCode", "errorMessage"}]}`
  (`errorCode`: Microsoft's CARequestErrorCodes, 0 on success), answered
  `{"value": true}`;

both with `api-version: 5019-05-05`, a Bearer token for Intune, a new
`client-request-id` and `UserAgent`.

For each profile with `scep_challenge = "intune"` and `intune_revocation = true`,
once per `intune_revocation_interval` seconds across all nodes (the store's rate
counter is the lease: the first node to count in a window polls), the requests
for certificates of the profile's issuing CA are fetched; a serial this RA issued
under that profile is revoked through estra's revocation path (`estra revoke`:
CRL and OCSP for the embedded CA, the upstream CA asked otherwise), as
cessationOfOperation, by "intune:PROFILE"; one revoked before counts as done.
A serial this RA did not issue under that profile is answered
CertificateNotFoundError (4004), never revoked (one another Intune profile issued
is left to that profile: profiles sharing a CA and a tenant see the same
requests); a revocation the CA could not do,
RetryableServiceException (4100).  Each poll that answered something is audited
("intune-revocations").  Verified only against the fake in tests/test_intune.py.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Mapping

from twisted.application.internet import TimerService
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IReactorTime

from estra.asn1 import wire
from estra.config import Profile
from estra.errors import EstError
from estra.logging import SafeLogger
from estra.store.database import Store
from estra.upstream.intune import IntuneValidator

__all__ = ["IntuneRevocations", "poller", "REASON", "NONE", "PARAMETER_INVALID",
           "NOT_FOUND", "RETRYABLE"]

log = SafeLogger(namespace="estra.upstream.intune")

#: Microsoft's CARequestErrorCodes this RA answers with
NONE, PARAMETER_INVALID, NOT_FOUND, RETRYABLE = 0, 4002, 4004, 4100
#: the RFC 5280 reason a revocation Intune asked for is recorded with
REASON = "cessationOfOperation"
#: requests fetched per poll (Intune takes 1 to 500)
MOST = 100
#: (serial, reason, by) -> a Revocation (its `outcome`), or why nothing was done
Revoke = Callable[[int, str, str], Awaitable[Any]]


class IntuneRevocations:
    """Polls each Intune profile's revocation requests and answers them."""

    def __init__(self, store: Store, profiles: Mapping[str, Profile],
                 intune: Mapping[str, IntuneValidator], revoke: Revoke,
                 issuer: Callable[[Profile], Awaitable[str]]) -> None:
        """`issuer(profile)`: the issuing CA's name as Intune was told it (the issuer of
        the certificates, RFC 4514)."""
        self.store, self.profiles, self.intune = store, profiles, intune
        self._revoke, self._issuer = revoke, issuer

    async def poll(self) -> int:
        """One round over the profiles whose turn it is; requests answered."""
        answered = 0
        for name, validator in self.intune.items():
            profile = self.profiles.get(name)
            if profile is None or not profile.intune_revocation:
                continue
            window = profile.intune_revocation_interval
            if await self.store.hit(f"intune-revocations:{name}", window) > 1:
                continue                      # another node (or tick) polls this window
            try:
                answered += await self._poll(profile, validator)
            except EstError as e:
                log.warn("Intune revocation requests of {profile}: {reason}",
                         profile=name, reason=e.reason)
        return answered

    async def _poll(self, profile: Profile, validator: IntuneValidator) -> int:
        issuer = await self._issuer(profile)
        requests = await validator.revocation_requests(MOST, issuer)
        answers = [answer for r in requests if r["issuerName"] in ("", issuer)
                   if (answer := await self._answer(profile, r)) is not None]
        if answers:
            await validator.revocation_results([result for _, result in answers])
            await self.store.audit(
                "intune-revocations", f"intune:{profile.name}", issuer=issuer,
                revoked=[serial for serial, r in answers if r["succeeded"]],
                refused=[f"{serial}: {r['errorCode']}" for serial, r in answers
                         if not r["succeeded"]])
        return len(answers)

    async def _answer(self, profile: Profile, request: dict[str, str]
                      ) -> tuple[str, dict[str, Any]] | None:
        """The serial asked for and the CARevocationResult of one request; None for a
        certificate another Intune profile issued (that profile answers it: profiles
        sharing a CA and a tenant see the same requests)."""
        def result(code: int, message: str = "") -> dict[str, Any]:
            return {"requestContext": request["requestContext"], "succeeded": code == NONE,
                    "errorCode": code, "errorMessage": message}
        try:
            serial = wire.normalise_serial(request["serialNumber"])
        except ValueError:
            return request["serialNumber"][:64], result(
                PARAMETER_INVALID, "the serial number is not hexadecimal")
        issued = await self.store.enrollment_of(serial)
        other = self.profiles.get(issued["label"]) if issued is not None else None
        if other is not None and other.name != profile.name and \
                other.scep_challenge == "intune":
            return None
        if issued is None or issued["label"] != profile.name:
            return serial, result(NOT_FOUND, "this CA issued no such certificate through "
                                  "Intune")
        done = await self._revoke(int(serial, 16), REASON, f"intune:{profile.name}")
        outcome = getattr(done, "outcome", "")
        if isinstance(done, str) or outcome in ("failed", "not-forwarded", ""):
            reason = done if isinstance(done, str) else str(getattr(done, "detail", ""))
            return serial, result(RETRYABLE, reason[:255] or "not revoked")
        return serial, result(NONE)


def poller(clock: IReactorTime, current: Callable[[], IntuneRevocations | None],
           interval: float = 30.0) -> TimerService:
    """A timer polling, every `interval` seconds, with the current generation's
    `IntuneRevocations` (None: no Intune profile); each profile polls Intune once per
    its `intune_revocation_interval`."""
    async def tick() -> None:
        revocations = current()
        try:
            if revocations is not None:
                await revocations.poll()
        except Exception:  # noqa: BLE001 - a store outage: try again next time
            log.failure("Intune revocation requests could not be polled")

    timer = TimerService(interval, lambda: Deferred.fromCoroutine(tick()))
    timer.clock = clock
    return timer
