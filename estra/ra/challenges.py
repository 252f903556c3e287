"""One-time SCEP challenges for MDMs (issue #21): what replaces NDES's password cache.

A *challenge client* (an MDM connector: Jamf, Fleet, Intune's connector, a script)
authenticates with HTTP Basic against its own htpasswd file (`[challenges]
clients`, never the devices' one) and gets a fresh challenge per device, from
the NDES-compatible page (estra/scep/ndes.py) or the JSON API.  Each challenge:

- is bound to one profile: the principal "scep-challenge:PROFILE:CLIENT" is its
  owner in the store's `codes` table, so only that profile's SCEP face accepts it
  (`Store.consume_scep_code`), exactly once, whichever node is asked;
- lives `ttl` seconds and is kept only as a SHA-256 hash (`store.hash_code`);
- counts against its client's open challenges (`outstanding`, NDES's "password
  cache") and its hourly quota (`per_hour`, in the store's rate counters, shared
  by every node); every issue is an audit event naming the client and address.

A client does only what its roles (`[challenges] roles`) allow; wrong
credentials spend the same failed-login budgets as any Basic login.  A
challenge from the JSON API (estra/scep/challenge_api.py) may be *bound* to the
device it is for: an expected subject, subjectAltNames, device id
(`binding`); a request that does not show them cannot use it
(`binding_fits`, checked in the store's transaction that consumes it).
"""

from __future__ import annotations

import base64
import ipaddress
import json
import secrets
from typing import Any, Awaitable, Callable, Collection, Sequence

from attrs import frozen
from cryptography import x509
from cryptography.x509.oid import NameOID

from estra.ra.auth import Htpasswd, basic_credentials
from estra.config import ChallengeSettings
from estra.asn1 import wire
from estra.errors import BadRequest, EstError, Forbidden, NotFound, Unauthorized
from estra.store.codes import BoundCodeRow
from estra.store.database import Store
from estra.ra.throttle import LoginThrottle

__all__ = ["ChallengeIssuer", "Issued", "ChallengeQuota", "CacheFull", "KIND",
           "challenge_principal", "new_challenge", "ISSUE", "LIST", "REVOKE", "RETIRE",
           "binding", "binding_fits", "device_names", "RevokeSerial"]

KIND = "scep-challenge"
ISSUE, LIST, REVOKE, RETIRE = "issue", "list", "revoke", "retire"
_HOUR = 3600


def challenge_principal(profile: str, client: str) -> str:
    """The store principal owning `client`'s challenges for `profile`."""
    return f"{KIND}:{profile}:{client}"


def new_challenge() -> str:
    """128 random bits as NDES shapes a password: upper-case hex, 32 characters."""
    return secrets.token_hex(16).upper()


_SAN_KINDS: dict[type, str] = {x509.DNSName: "DNS", x509.IPAddress: "IP",
                                x509.UniformResourceIdentifier: "URI", x509.RFC822Name: "email"}


def _san_text(name: x509.GeneralName) -> str:
    """"DNS:host" (lower case), "IP:10.0.0.1", "URI:...", "email:..."; other kinds by
    type name (so they never equal a name a binding can give)."""
    value = name.value.lower() if isinstance(name, x509.DNSName) else name.value
    return f"{_SAN_KINDS.get(type(name), type(name).__name__)}:{value}"


def _normal_san(text: Any) -> str:
    kind, sep, value = text.partition(":") if isinstance(text, str) else ("", "", "")
    if not sep or not value or kind not in _SAN_KINDS.values():
        raise BadRequest(f"san {text!r}: write DNS:NAME, IP:ADDRESS, URI:URI or email:ADDRESS")
    if kind == "IP":
        try:
            value = str(ipaddress.ip_address(value))
        except ValueError:
            raise BadRequest(f"san {text!r}: not an IP address") from None
    return f"{kind}:{value.lower() if kind == 'DNS' else value}"


def binding(subject: Any = None, sans: Any = None, device_id: Any = None) -> str:
    """What a request must show to use a challenge, as stored (JSON; '' for nothing):
    the subject (RFC 4514), exactly these subjectAltNames, a device id found as the
    subject's CN or serialNumber or after "://" in a URI subjectAltName
    (Intune's IntuneDeviceId://ID).  BadRequest for values that cannot be met."""
    wanted: dict[str, Any] = {}
    if subject is not None:
        try:
            wanted["subject"] = x509.Name.from_rfc4514_string(subject).rfc4514_string()
        except (ValueError, TypeError, AttributeError):
            raise BadRequest("subject: not an RFC 4514 distinguished name") from None
    if sans is not None:
        if not isinstance(sans, list) or not 1 <= len(sans) <= 20:
            raise BadRequest("sans: a list of 1 to 20 names")
        wanted["sans"] = sorted({_normal_san(s) for s in sans})
    if device_id is not None:
        if not isinstance(device_id, str) or not 1 <= len(device_id) <= 128 or \
                not device_id.isprintable():
            raise BadRequest("device_id: 1 to 128 printable characters")
        wanted["device_id"] = device_id
    return json.dumps(wanted, sort_keys=True) if wanted else ""


def binding_fits(bound: str, csr: x509.CertificateSigningRequest,
                 sans: Collection[x509.GeneralName]) -> bool:
    """Whether a request with this CSR (and its subjectAltNames) shows what `bound` asks."""
    if not bound:
        return True
    wanted = json.loads(bound)
    if "subject" in wanted and csr.subject.rfc4514_string() != wanted["subject"]:
        return False
    if "sans" in wanted and sorted({_san_text(n) for n in sans}) != wanted["sans"]:
        return False
    if "device_id" in wanted:
        return wanted["device_id"] in device_names(csr.subject, sans)
    return True


def device_names(subject: x509.Name, sans: Collection[x509.GeneralName]) -> set[str]:
    """The device ids a CSR or certificate names: its subject's CN and serialNumber, and
    what follows "://" in its URI subjectAltNames (Intune's IntuneDeviceId://ID)."""
    names = {str(a.value) for a in subject if a.oid in (NameOID.COMMON_NAME,
                                                         NameOID.SERIAL_NUMBER)}
    return names | {str(n.value).partition("://")[2] for n in sans
                    if isinstance(n, x509.UniformResourceIdentifier)}


class ChallengeQuota(EstError):
    """429: the client fetched its `per_hour` challenges this hour."""

    status = 429
    rule = "challenge-quota"

    def __init__(self, reason: str, retry_after: int) -> None:
        super().__init__(f"{self.rule}: {reason}", {"Retry-After": str(max(1, retry_after))})


class CacheFull(ChallengeQuota):
    """429: the client holds `outstanding` unused challenges (NDES: "the password
    cache is full") until some are used, revoked or expire."""

    rule = "challenge-cache-full"


@frozen
class Issued:
    """A challenge as issued: shown once, never stored in clear."""

    id: int
    challenge: str
    profile: str
    expires: float


#: what `estra revoke` does for one serial: (serial, reason, by) -> a Revocation or why not
RevokeSerial = Callable[[int, str, str], Awaitable[Any]]


class ChallengeIssuer:
    """Authenticates challenge clients and issues, per their roles and limits."""

    def __init__(self, settings: ChallengeSettings, clients: Htpasswd,
                 throttle: LoginThrottle, store: Store, realm: str,
                 profiles: Sequence[str], revoke: RevokeSerial | None = None) -> None:
        self.settings, self._clients, self._throttle = settings, clients, throttle
        self.store, self._realm, self._revoke = store, realm, revoke
        #: the profiles that take challenges (scep_challenge = "codes")
        self.profiles = tuple(profiles)

    async def client(self, authorization: bytes | None, address: str, role: str) -> str:
        """The authenticated client's name: 401 without good Basic credentials, 403
        (rule challenge-role) when it lacks `role`."""
        creds = basic_credentials(authorization) if authorization else None
        if creds is None:
            raise Unauthorized("challenge clients authenticate with HTTP Basic", self._realm)
        if not await self._throttle.check(address, *creds, self._clients):
            raise Unauthorized("wrong challenge client name or password", self._realm,
                               creds[0])
        if role not in self.settings.roles_of(creds[0]):
            raise Forbidden.because("challenge-role",
                                    f"challenge client {creds[0]!r} lacks the role {role!r}")
        return creds[0]

    async def issue(self, client: str, address: str, profile: str | None = None,
                    bound: str = "", ttl: int | None = None, **audited: Any) -> Issued:
        """A new challenge for `profile` (the configured one by default), living `ttl`
        seconds (at most the configured TTL), bound to what `bound` (`binding`) says,
        within the client's hourly quota and open-challenge cap."""
        profile = profile or self.settings.profile
        if profile not in self.profiles:
            raise BadRequest(f"profile {profile!r} takes no challenges (profiles with "
                             f'scep_challenge = "codes": {", ".join(self.profiles)})')
        ttl = ttl or self.settings.ttl
        if not 60 <= ttl <= self.settings.ttl:
            raise BadRequest(f"ttl: from 60 to {self.settings.ttl} seconds")
        principal = challenge_principal(profile, client)
        now = self.store.clock()
        if await self.store.hit(f"challenges:{client}", _HOUR) > self.settings.per_hour:
            raise ChallengeQuota(f"challenge client {client!r} fetched its "
                                 f"{self.settings.per_hour} challenges this hour",
                                 int(_HOUR - now % _HOUR))
        issued = await self.store.issue_code_within(
            principal, ttl, self.settings.outstanding, new_challenge, bound, client=client,
            address=address, **audited)
        if issued is None:
            raise CacheFull(f"challenge client {client!r} holds {self.settings.outstanding} "
                            "unused challenges; use, revoke or let some expire",
                            self.settings.ttl)
        code_id, code = issued
        return Issued(code_id, code, profile, now + ttl)

    def _owners(self, client: str) -> tuple[str, ...]:
        return tuple(challenge_principal(p, client) for p in self.profiles)

    async def issued(self, client: str) -> list[BoundCodeRow]:
        """The client's challenges (the latest 1000), newest first, without the secrets."""
        return await self.store.codes_of(self._owners(client))

    async def revoke(self, client: str, challenge_id: int, address: str) -> bool:
        """Revoke one of the client's unused challenges; False if it has no such one."""
        done = await self.store.revoke_code(challenge_id, self._owners(client))
        if done:
            await self.store.audit("code-revoked", f"challenge-client:{client}",
                                   code=challenge_id, address=address)
        return done

    async def retire(self, client: str, device_id: str, reason: str,
                     address: str) -> dict[str, list[str]]:
        """Revoke every certificate issued under the challenge profiles that names
        `device_id` (`device_names`): serials by outcome ("revoked", "already",
        "failed")."""
        if self._revoke is None:
            raise NotFound("revocation is not available here")
        outcome: dict[str, list[str]] = {"revoked": [], "already": [], "failed": []}
        for row in await self.store.issued_mentioning(self.profiles, device_id):
            cert = x509.load_der_x509_certificate(base64.b64decode(row["certificate"])) \
                if row["certificate"] else None
            if cert is None or device_id not in device_names(cert.subject, wire.sans_of(cert)):
                continue
            done = await self._revoke(cert.serial_number, reason, f"challenge-client:{client}")
            kind = getattr(done, "outcome", "failed")
            outcome["already" if kind == "already" else "failed" if isinstance(done, str) or
                    kind in ("failed", "not-forwarded") else "revoked"].append(row["serial"])
        await self.store.audit("device-retired", f"challenge-client:{client}",
                               device_id=device_id, address=address, reason=reason, **outcome)
        return outcome
