"""One-time SCEP challenges for MDMs (issue #21): what replaces NDES's password cache.

A *challenge client* (an MDM connector: Jamf, Fleet, Intune's connector, a script)
authenticates with HTTP Basic against its own htpasswd file (`[challenges]
clients`, never the devices' one) and gets a fresh challenge per device, from
the NDES-compatible page (estra/ndes.py) or the JSON API.  Each challenge:

- is bound to one profile: the principal "scep-challenge:PROFILE:CLIENT" is its
  owner in the store's `codes` table, so only that profile's SCEP face accepts it
  (`Store.consume_scep_code`), exactly once, whichever node is asked;
- lives `ttl` seconds and is kept only as a SHA-256 hash (`store.hash_code`);
- counts against its client's open challenges (`outstanding`, NDES's "password
  cache") and its hourly quota (`per_hour`, in the store's rate counters, shared
  by every node); every issue is an audit event naming the client and address.

A client does only what its roles (`[challenges] roles`) allow; wrong
credentials spend the same failed-login budgets as any Basic login.
"""

from __future__ import annotations

import secrets
from typing import Any

from attrs import frozen

from estra.auth import Htpasswd, basic_credentials
from estra.config import ChallengeSettings
from estra.errors import EstError, Forbidden, Unauthorized
from estra.store import Store
from estra.throttle import LoginThrottle

__all__ = ["ChallengeIssuer", "Issued", "ChallengeQuota", "CacheFull", "KIND",
           "challenge_principal", "new_challenge", "ISSUE", "LIST", "REVOKE"]

KIND = "scep-challenge"
ISSUE, LIST, REVOKE = "issue", "list", "revoke"
_HOUR = 3600


def challenge_principal(profile: str, client: str) -> str:
    """The store principal owning `client`'s challenges for `profile`."""
    return f"{KIND}:{profile}:{client}"


def new_challenge() -> str:
    """128 random bits as NDES shapes a password: upper-case hex, 32 characters."""
    return secrets.token_hex(16).upper()


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


class ChallengeIssuer:
    """Authenticates challenge clients and issues, per their roles and limits."""

    def __init__(self, settings: ChallengeSettings, clients: Htpasswd,
                 throttle: LoginThrottle, store: Store, realm: str) -> None:
        self.settings, self._clients, self._throttle = settings, clients, throttle
        self.store, self._realm = store, realm

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
                    **audited: Any) -> Issued:
        """A new challenge for `profile` (the configured one by default), within the
        client's hourly quota and open-challenge cap."""
        profile = profile or self.settings.profile
        principal = challenge_principal(profile, client)
        now = self.store.clock()
        if await self.store.hit(f"challenges:{client}", _HOUR) > self.settings.per_hour:
            raise ChallengeQuota(f"challenge client {client!r} fetched its "
                                 f"{self.settings.per_hour} challenges this hour",
                                 int(_HOUR - now % _HOUR))
        if await self.store.open_codes(principal) >= self.settings.outstanding:
            raise CacheFull(f"challenge client {client!r} holds {self.settings.outstanding} "
                            "unused challenges; use, revoke or let some expire",
                            self.settings.ttl)
        code_id, code = await self.store.issue_code(
            principal, self.settings.ttl, new_challenge, client=client, address=address,
            **audited)
        return Issued(code_id, code, profile, now + self.settings.ttl)
