"""Revocations requested through the RA and the embedded CA's CRLs (estra/ca/revocation.py)."""

from __future__ import annotations

import base64
from typing import TypedDict

from estra.store.audit import Audit
from estra.store.engine import filters

__all__ = ["CrlRow", "RevocationRow", "Revocations"]


class RevocationRow(TypedDict):
    """A row of `revocations`: an operator's revocation and what the CA made of it."""

    id: int
    at: float
    serial: str                # serial_hex form
    issuer: str                # hex key identifier of the issuing CA (as in the AKI)
    label: str
    upstream: str
    kind: str                  # the upstream's kind ("local": the embedded CA)
    reason: str
    revoked_by: str
    outcome: str
    detail: str


class CrlRow(TypedDict):
    """A row of `crls`: a CRL the embedded CA signed."""

    issuer: str
    number: int
    at: float
    next_update: float
    last_revocation: int       # the id of the newest revocation it lists
    der: str                   # base64


class Revocations(Audit):
    """Operators' revocations, and the CRLs signed from them."""

    async def record_revocation(self, serial: str, issuer: str, label: str, upstream: str,
                                kind: str, reason: str, by: str, outcome: str,
                                detail: str = "") -> int:
        """Record an operator's revocation request and what the CA made of it (+ audit)."""
        revocation_id = await self._write(
            "INSERT INTO revocations (at, serial, issuer, label, upstream, kind, reason, "
            "revoked_by, outcome, detail) VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id",
            self.clock(), serial, issuer, label, upstream, kind, reason, by, outcome, detail)
        await self.audit("revoked", by, serial=serial, label=label, upstream=upstream,
                         reason=reason, outcome=outcome, revocation=revocation_id)
        return revocation_id

    async def revocation(self, serial: str) -> RevocationRow | None:
        """The first revocation recorded for `serial` (hex), or None."""
        rows: list[RevocationRow] = await self._rows(
            "SELECT * FROM revocations WHERE serial = ? ORDER BY id LIMIT 1", serial)
        return rows[0] if rows else None

    async def revocations(self, kind: str | None = None,
                          issuer: str | None = None) -> list[RevocationRow]:
        """Every recorded revocation (of upstreams of `kind`, by `issuer`), oldest first."""
        where, args = filters(kind=kind, issuer=issuer)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return await self._rows(f"SELECT * FROM revocations{clause} ORDER BY id", *args)

    async def latest_crl(self, issuer: str) -> CrlRow | None:
        """The newest CRL stored for `issuer`, or None."""
        rows: list[CrlRow] = await self._rows(
            "SELECT * FROM crls WHERE issuer = ? ORDER BY number DESC LIMIT 1", issuer)
        return rows[0] if rows else None

    async def crl_next_updates(self) -> list[tuple[str, float]]:
        """(issuer, next update of its newest CRL) of every issuer with a CRL here."""
        rows = await self.query("SELECT issuer, MAX(next_update) FROM crls GROUP BY issuer")
        return [(str(issuer), float(next_update)) for issuer, next_update in rows]

    async def add_crl(self, issuer: str, number: int, next_update: float,
                      last_revocation: int, der: bytes) -> bool:
        """Keep a newly signed CRL; False when another node stored that number first."""
        return await self._write(
            "INSERT INTO crls (issuer, number, at, next_update, last_revocation, der) VALUES "
            "(?,?,?,?,?,?) ON CONFLICT DO NOTHING", issuer, number, self.clock(), next_update,
            last_revocation, base64.b64encode(der).decode()) == 1
