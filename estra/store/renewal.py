"""Renewal windows: what this RA issued and when, and operators pulling renewals
forward (estra/ra/renewal.py)."""

from __future__ import annotations

from typing import Sequence, TypedDict

from estra.store.audit import Audit

__all__ = ["CurrentCertificate", "RenewalAdvance", "Renewals"]


class CurrentCertificate(TypedDict):
    """The newest certificate issued to a (profile, subject) (`current_certificates`)."""

    id: int
    label: str
    subject: str
    identity: str
    serial: str | None
    at: float
    not_after: float | None
    certificate: str           # base64 DER
    renewals: int              # how many renewals that subject ever had


class RenewalAdvance(TypedDict):
    """A row of `renewal_advances` as read back: for a profile (serial '') or one
    certificate, from `at` on, renew by `due`."""

    label: str
    serial: str
    due: float
    at: float


class Renewals(Audit):
    """Issued certificates by serial and profile, and operators' renewal advances."""

    async def issued_under(self, serial: str) -> tuple[str, str, float] | None:
        """(profile, base64 DER, when) of the certificate this RA issued with `serial`."""
        rows = await self.query("SELECT label, certificate, at FROM enrollments WHERE "
                                "serial = ? AND decision = 'issued' AND certificate IS NOT "
                                "NULL ORDER BY id DESC LIMIT 1", serial)
        return (str(rows[0][0]), str(rows[0][1]), float(rows[0][2])) if rows else None

    async def advance_renewal(self, label: str, serials: Sequence[str], due: float,
                              reason: str, by: str) -> int:
        """Certificates of profile `label` issued until now (only `serials` when given)
        are to be renewed by `due`; the number of rows recorded."""
        now = self.clock()
        for serial in serials or [""]:
            await self._write("INSERT INTO renewal_advances (at, label, serial, due, reason, "
                              "by_whom) VALUES (?,?,?,?,?,?)", now, label, serial, due,
                              reason[:300], by[:100])
        await self.audit("renewal-advance", by, profile=label, serials=list(serials),
                         due=due, reason=reason[:300])
        return len(serials) or 1

    async def current_certificates(self, limit: int) -> list[CurrentCertificate]:
        """The newest certificate issued to each (profile, subject), soonest to expire
        first, with how many renewals that subject ever had (`renewals`)."""
        return await self._rows(
            "SELECT e.id, e.label, e.subject, e.identity, e.serial, e.at, e.not_after, "
            "e.certificate, (SELECT COUNT(*) FROM enrollments r WHERE r.label = e.label AND "
            "r.subject = e.subject AND r.decision = 'issued' AND r.operation IN "
            "('simplereenroll', 'scep-renewalreq')) AS renewals FROM enrollments e WHERE "
            "e.decision = 'issued' AND e.certificate IS NOT NULL AND NOT EXISTS (SELECT 1 "
            "FROM enrollments n WHERE n.label = e.label AND n.subject = e.subject AND "
            "n.decision = 'issued' AND n.id > e.id) ORDER BY e.not_after LIMIT ?", limit)

    async def renewal_advances(self) -> list[RenewalAdvance]:
        """Every advance operators made (profile, serial or '', due, at)."""
        return await self._rows("SELECT label, serial, due, at FROM renewal_advances")

    async def renewal_due(self, label: str, serial: str, issued: float) -> float | None:
        """The earliest time an operator wants the certificate `serial` of profile
        `label`, issued at `issued`, renewed by (None: no advance covers it)."""
        rows = await self.query("SELECT MIN(due) FROM renewal_advances WHERE label = ? AND "
                                "serial IN ('', ?) AND at >= ?", label, serial, issued)
        return None if not rows or rows[0][0] is None else float(rows[0][0])
