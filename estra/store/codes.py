"""One-time codes: issued, used exactly once, revoked.  Only their SHA-256 is kept (they
are random 100-bit values, so a plain hash is enough).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, Callable, TypedDict

from estra.store.audit import Audit

__all__ = ["BoundCodeRow", "CodeRow", "Codes", "hash_code"]


class CodeRow(TypedDict):
    """A row of `codes` as shown (never the code, nor even its hash)."""

    id: int
    identity: str              # the principal it was issued for
    created: float
    expires: float
    used_at: float | None
    used_by: str               # the address that used it; '' while unused
    revoked: int               # 0 or 1


class BoundCodeRow(CodeRow):
    """A code's row with what a request using it must show (estra/ra/challenges.py)."""

    bound: str                 # JSON of the expected subject, SANs, device id; '' for none


def hash_code(code: str) -> str:
    """How a one-time code is stored and looked up."""
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


class Codes(Audit):
    """One-time codes, by their hash."""

    async def issue_code(self, identity: str, ttl: float,
                         make: Callable[[], str] = lambda: secrets.token_urlsafe(15),
                         bound: str = "", **audited: Any) -> tuple[int, str]:
        """A new one-time code for `identity`: (id, code); only the hash is stored.
        `make` draws the code (120 random bits by default); `bound` is what the
        request using it must show (estra/ra/challenges.py); `audited` goes into the audit
        event with the id and TTL."""
        issued = await self.issue_code_within(identity, ttl, None, make, bound, **audited)
        assert issued is not None                       # no cap, always issued
        return issued

    async def issue_code_within(self, identity: str, ttl: float, most: int | None,
                                make: Callable[[], str] = lambda: secrets.token_urlsafe(15),
                                bound: str = "", **audited: Any) -> tuple[int, str] | None:
        """`issue_code`, or None when `identity` already holds `most` open codes
        (unused, unrevoked, unexpired): counted and inserted in one transaction under
        the identity's lock (`_lock_identity`), so concurrent calls on any node cannot
        pass the cap together."""
        code, now = make(), self.clock()

        def run(cursor: Any) -> int | None:
            if most is not None:
                self._lock_identity(cursor, identity)
                cursor.execute(self.dialect.sql(
                    "SELECT COUNT(*) FROM codes WHERE identity = ? AND used_at IS NULL AND "
                    "revoked = 0 AND expires > ?"), (identity, now))
                if int(cursor.fetchone()[0]) >= most:
                    return None
            cursor.execute(self.dialect.sql(
                "INSERT INTO codes (code_sha256, identity, created, expires, bound) VALUES "
                "(?,?,?,?,?) RETURNING id"), (hash_code(code), identity, now, now + ttl, bound))
            return int(cursor.fetchone()[0])
        code_id: int | None = await self._transact(run)
        if code_id is None:
            return None
        await self.audit("code-issued", identity, code=code_id, ttl=ttl, **audited)
        return code_id, code

    async def consume_code(self, code: str, identity: str, used_by: str) -> bool:
        """Use a code issued for the principal `identity` exactly once: True only for
        the one caller that wins it."""
        return await self._consume(code, used_by,
                                   lambda owner, _: owner == identity) is not None

    async def consume_scep_code(self, code: str, used_by: str, profile: str,
                                fits: Callable[[str], bool] = lambda bound: not bound
                                ) -> str | None:
        """Use a SCEP code exactly once at `profile`: one issued for a "code:NAME"
        principal, or a challenge bound to this profile ("scep-challenge:PROFILE:CLIENT",
        estra/ra/challenges.py) whose binding `fits` the request; that principal.  A
        challenge of another profile, or that does not fit, is left unused."""
        mine = f"scep-challenge:{profile}:"
        return await self._consume(code, used_by, lambda owner, bound: owner.startswith(
            ("code:", mine)) and fits(bound))

    async def _consume(self, code: str, used_by: str,
                       owned: Callable[[str, str], bool]) -> str | None:
        """`owned(principal, bound)` says whether this caller may use the code."""
        def run(cursor: Any) -> str | None:
            now = self.clock()
            cursor.execute(self.dialect.sql(
                "SELECT id, identity, bound FROM codes WHERE code_sha256 = ? AND used_at IS "
                "NULL AND revoked = 0 AND expires > ?"), (hash_code(code), now))
            row = cursor.fetchone()
            if row is None or not owned(str(row[1]), str(row[2])):
                return None
            cursor.execute(self.dialect.sql(        # the one caller that wins it
                "UPDATE codes SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL"),
                (now, used_by, row[0]))
            return str(row[1]) if cursor.rowcount == 1 else None
        result: str | None = await self._transact(run)
        return result

    async def revoke_code(self, code_id: int, owners: tuple[str, ...] = ()) -> bool:
        """Revoke an unused code (again: still True, as operators expect); with
        `owners`, only one of theirs not revoked yet (a client's second DELETE is 404)."""
        among = f" AND revoked = 0 AND identity IN ({','.join('?' * len(owners))})" \
            if owners else ""
        return await self._write("UPDATE codes SET revoked = 1 WHERE id = ? AND used_at IS "
                                 f"NULL{among}", code_id, *owners) == 1

    async def codes_of(self, owners: tuple[str, ...]) -> list[BoundCodeRow]:
        """The codes of these principals, newest first (never the codes themselves)."""
        if not owners:
            return []
        return await self._rows(
            "SELECT id, identity, created, expires, used_at, used_by, revoked, bound FROM "
            f"codes WHERE identity IN ({','.join('?' * len(owners))}) ORDER BY id DESC "
            "LIMIT 1000", *owners)

    async def codes(self) -> list[CodeRow]:
        return await self._rows("SELECT id, identity, created, expires, used_at, used_by, "
                                "revoked FROM codes ORDER BY id")

    async def code(self, code_id: int) -> CodeRow | None:
        """One one-time code's row (never the code: only its hash is kept), or None."""
        rows: list[CodeRow] = await self._rows(
            "SELECT id, identity, created, expires, used_at, used_by, revoked FROM codes "
            "WHERE id = ?", code_id)
        return rows[0] if rows else None

    async def codes_page(self, limit: int, offset: int) -> list[CodeRow]:
        """One page of the one-time codes, newest first."""
        return await self._rows("SELECT id, identity, created, expires, used_at, used_by, "
                                "revoked FROM codes ORDER BY id DESC LIMIT ? OFFSET ?",
                                limit, offset)
