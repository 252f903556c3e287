"""Enrollment records: every enrollment attempt and what was decided, written by
group commit (`Enrollments.record`), and what a certificate presented as a credential
stands for (`Standing`).
"""

from __future__ import annotations

import base64
import hmac
import json
import re
import secrets
from collections import Counter
from typing import Any, Callable, Sequence, TypedDict

from attrs import frozen
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred

from estra.asn1.wire import authority_key_id, serial_hex
from estra.store.engine import (Dialect, Outcome, StoreBase, Writer, filters, fire,
                                like_pattern, with_sans)

__all__ = ["EnrollmentRecord", "EnrollmentRow", "Enrollments", "IssuedCertificate", "Standing",
           "common_names", "record_names"]


@frozen
class Standing:
    """What the store knows of a certificate presented as a credential."""

    profile: str | None            # the profile this RA issued exactly it under
    enrolled_by: str | None = None  # the principal it was issued to
    revoked: str | None = None     # the reason an operator revoked it with (estra revoke)


@frozen
class EnrollmentRecord:
    """One enrollment attempt and what was decided."""

    at: float
    identity: str
    method: str
    peer: str
    label: str
    operation: str
    csr_sha256: str
    key_sha256: str
    subject: str
    sans: Sequence[str]
    decision: str          # issued | rejected | held | failed
    rule: str
    reason: str
    serial: str | None = None
    not_after: float | None = None
    certificate: str | None = None     # base64 DER of the issued certificate
    auth_serial: str | None = None     # serial of the certificate the requester presented


class EnrollmentRow(TypedDict):
    """A row of `enrollments` as every query method returns it (`sans` as a list): one
    enrollment attempt (`EnrollmentRecord` as stored) and its id."""

    id: int
    at: float
    identity: str
    method: str
    peer: str
    label: str
    operation: str
    csr_sha256: str
    key_sha256: str
    subject: str
    sans: list[str]
    decision: str              # issued | rejected | held | failed
    rule: str
    reason: str
    serial: str | None
    not_after: float | None
    certificate: str | None    # base64 DER of the issued certificate
    auth_serial: str | None    # serial of the certificate the requester presented


class IssuedCertificate(TypedDict):
    """An issued certificate found by `issued_mentioning`."""

    serial: str
    certificate: str | None    # base64 DER


#: Most enrollment records one transaction takes (group commit, `Store.record`).
_BATCH = 256


def record_names(identity: str, subject: str, sans: Sequence[str]) -> list[str]:
    """What a record is found by in the device search, lower-cased: the subject's common
    name, every subject alternative name's value ("DNSName:a.example" -> "a.example"),
    the identity and its name (what follows its last colon)."""
    found = [*common_names(subject), *(san.partition(":")[2] for san in sans), identity,
             identity.rpartition(":")[2]]
    return sorted({name.lower()[:256] for name in found if name})


#: attribute types `x509.Name.rfc4514_string` writes by name (cryptography's own list)
_RDN_TYPES = frozenset({"CN", "L", "ST", "O", "OU", "C", "STREET", "DC", "UID"})
#: lengths cryptography requires of these types' values
_RDN_LENGTHS = {"CN": (1, 64), "C": (2, 2)}
#: what only an escaped, multi-valued or hex-encoded RFC 4514 string holds
_RDN_SPECIAL = re.compile(r'[\\"#+;<>\x00]')


def common_names(subject: str) -> list[str]:
    """The common names of an RFC 4514 subject string, exactly as
    `x509.Name.from_rfc4514_string` finds them (none when it cannot parse the string).

    Every record written computes them (on the store's writer thread, holding the
    GIL), and cryptography's parser is pure Python (25 us for "CN=bench", 100 us for a
    subject with O, C and a DNS name's CN): a string as `rfc4514_string` writes it
    without escapes, of the attribute types it names, is split here instead; any other
    string (non-ASCII values too) goes to the parser."""
    if not _RDN_SPECIAL.search(subject):
        cns = []
        for pair in subject.split(","):
            kind, _, value = pair.partition("=")
            low, high = _RDN_LENGTHS.get(kind, (1, 1 << 30))
            if kind not in _RDN_TYPES or not value.isascii() or value[:1] == " " or \
                    value[-1:] == " " or not low <= len(value) <= high:
                break
            if kind == "CN":
                cns.append(value)
        else:
            return cns[::-1]                # the parser's order: RDNs come last first
    try:
        return [str(a.value) for a in x509.Name.from_rfc4514_string(subject)
                .get_attributes_for_oid(x509.NameOID.COMMON_NAME)]
    except ValueError:
        return []


class Enrollments(StoreBase):
    """Enrollment records: every attempt and what was decided, written by group commit."""

    def __init__(self, pool: adbapi.ConnectionPool, dialect: Dialect,
                 clock: Callable[[], float], writer: Writer | None = None) -> None:
        super().__init__(pool, dialect, clock, writer)
        self._queue: list[tuple[EnrollmentRecord, Any, Deferred[int]]] = []
        self._writing = False                 # a batch of records is with the writer
        #: this Store's rows of enrollment_hours (a node's writers never share a row)
        self._shard = 1 + secrets.randbelow(1 << 40)

    async def record(self, rec: EnrollmentRecord,
                     on_issued: Callable[[Any, str], None] | None = None) -> int:
        """Insert `rec`; `on_issued(cursor, serial)` runs in the same database transaction
        when `rec` has a serial, so both commit together or neither does.

        Group commit (`Writer`): the records of concurrent requests share one
        transaction (one commit, one fsync, one hop back to the reactor per
        batch).  At most one batch is written at a time; what arrives meanwhile
        forms the next one, and a record arriving while nothing is written goes
        at once.  This returns only once the transaction holding `rec`
        committed, so an enrollment answered 200 is on disk.  When a batch's
        transaction fails, its records are written one per transaction, so a
        bad record fails only its own caller."""
        if self._writer is None:
            ids: list[int] = await self.pool.runInteraction(self._insert, [(rec, on_issued)])
            return ids[0]
        done: Deferred[int] = Deferred()
        self._queue.append((rec, on_issued, done))
        if not self._writing:
            self._write_batch(self._writer)
        return await done

    def _write_batch(self, writer: Writer) -> None:
        """Hand the queued records to the writer as one batch; the next batch goes
        once this one's callers were answered (under load, the records that came
        meanwhile: the round trip sizes the batches)."""
        batch, self._queue = self._queue[:_BATCH], self._queue[_BATCH:]
        self._writing = True

        def written(outcomes: list[Outcome]) -> None:
            try:
                for (_, _, done), outcome in zip(batch, outcomes, strict=True):
                    fire(done, *outcome)
            finally:
                self._writing = False
                if self._queue:
                    self._write_batch(writer)
        writer.run_each(self._insert, [(rec, hook) for rec, hook, _ in batch]
                        ).addCallback(written)

    def _insert(self, cursor: Any, items: list[tuple[EnrollmentRecord, Any]]) -> list[int]:
        """Insert enrollment records (and run their hooks) in the current transaction."""
        sql, ids = self.dialect.sql(
            "INSERT INTO enrollments (at, identity, method, peer, label, operation, "
            "csr_sha256, key_sha256, subject, sans, decision, rule, reason, serial, "
            "not_after, certificate, auth_serial) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
            "RETURNING id"), []
        names: list[tuple[str, int]] = []
        for rec, on_issued in items:
            cursor.execute(sql, (
                rec.at, rec.identity, rec.method, rec.peer, rec.label, rec.operation,
                rec.csr_sha256, rec.key_sha256, rec.subject, json.dumps(list(rec.sans)),
                rec.decision, rec.rule, rec.reason, rec.serial, rec.not_after,
                rec.certificate, rec.auth_serial))
            ids.append(int(cursor.fetchone()[0]))
            names += [(n, ids[-1]) for n in record_names(rec.identity, rec.subject, rec.sans)]
            if on_issued is not None and rec.serial is not None:
                on_issued(cursor, rec.serial)
        cursor.executemany(self.dialect.sql(
            "INSERT INTO device_names (name, enrollment) VALUES (?, ?)"), names)
        hours = Counter((int(rec.at // 3600), rec.decision) for rec, _ in items)
        cursor.executemany(self.dialect.sql(
            "INSERT INTO enrollment_hours (hour, decision, shard, count) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (hour, decision, shard) DO UPDATE SET count = "
            "enrollment_hours.count + excluded.count"),
            [(h, d, self._shard, n) for (h, d), n in sorted(hours.items())])
        return ids

    async def standing(self, cert: x509.Certificate) -> Standing:
        """The profile this RA issued exactly `cert` under (None if it did not) and to
        whom, and the reason of an operator's revocation of it (by serial and issuing CA key),
        in one query: every certificate credential is looked up here."""
        der = base64.b64encode(cert.public_bytes(Encoding.DER)).decode()
        serial = serial_hex(cert.serial_number)
        rows = await self.query(
            "SELECT 'e', label, certificate, identity FROM enrollments WHERE serial = ? AND "
            "decision = 'issued' UNION ALL SELECT 'r', reason, issuer, '' FROM revocations "
            "WHERE serial = ?", serial, serial)
        issuer = authority_key_id(cert)
        issued: tuple[str | None, str | None] = next(
            ((str(label), str(by)) for what, label, stored, by in rows
             if what == "e" and stored is not None and hmac.compare_digest(str(stored), der)),
            (None, None))
        revoked = next((str(reason) for what, reason, by, _ in rows
                        if what == "r" and (not by or not issuer or by == issuer)), None)
        return Standing(issued[0], issued[1], revoked)

    async def certificate(self, serial: str) -> str | None:
        """The base64 DER of the certificate this RA issued with `serial` (hex)."""
        rows = await self.query("SELECT certificate FROM enrollments WHERE serial = ? AND "
                                "decision = 'issued' AND certificate IS NOT NULL", serial)
        return str(rows[0][0]) if rows else None

    async def enrollment_of(self, serial: str) -> EnrollmentRow | None:
        """The issued enrollment record for `serial` (hex), newest first, or None."""
        rows: list[EnrollmentRow] = with_sans(await self._rows(
            "SELECT * FROM enrollments WHERE serial = ? AND decision = 'issued' ORDER BY id "
            "DESC LIMIT 1", serial))
        return rows[0] if rows else None

    async def enrollments(self, identity: str | None = None, decision: str | None = None,
                          label: str | None = None, since: float | None = None,
                          limit: int = 100, serial: str | None = None
                          ) -> list[EnrollmentRow]:
        """Newest first; `serial` in `serial_hex` form."""
        where, args = filters(identity=identity, decision=decision, label=label,
                               serial=serial)
        if since is not None:
            where.append("at >= ?")
            args.append(since)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return with_sans(await self._rows(
            f"SELECT * FROM enrollments{clause} ORDER BY id DESC LIMIT ?", *args, limit))

    async def enrollment(self, record_id: int) -> EnrollmentRow | None:
        """The record with this id, or None."""
        rows: list[EnrollmentRow] = with_sans(await self._rows(
            "SELECT * FROM enrollments WHERE id = ?", record_id))
        return rows[0] if rows else None

    async def key_history(self, identity: str, key_sha256: str) -> list[EnrollmentRow]:
        """Every record of this identity with this key, oldest first."""
        return with_sans(await self._rows(
            "SELECT * FROM enrollments WHERE identity = ? AND key_sha256 = ? ORDER BY id "
            "LIMIT 200", identity, key_sha256))

    async def outcomes_per_hour(self, since: float) -> list[tuple[int, str, int]]:
        """(hours after the one holding `since`, decision, count) of the records from
        that hour on: from `enrollment_hours`, a few rows per hour whatever the rate."""
        first = int(since // 3600)
        rows = await self.query("SELECT hour, decision, SUM(count) FROM enrollment_hours "
                                "WHERE hour >= ? GROUP BY hour, decision", first)
        return [(int(h) - first, str(d), int(n)) for h, d, n in rows]

    async def issued_mentioning(self, labels: tuple[str, ...], text: str,
                                limit: int = 1000) -> list[IssuedCertificate]:
        """Issued certificates of these profiles whose recorded subject or
        subjectAltNames contain `text` (case-insensitive): candidates the caller
        checks exactly; serial and certificate (base64 DER) of each."""
        if not labels:
            return []
        escaped = like_pattern(text)
        return await self._rows(
            "SELECT serial, certificate FROM enrollments WHERE decision = 'issued' AND serial "
            f"IS NOT NULL AND label IN ({','.join('?' * len(labels))}) AND (LOWER(subject) "
            "LIKE LOWER(?) ESCAPE '\\' OR LOWER(sans) LIKE LOWER(?) ESCAPE '\\') "
            "ORDER BY id LIMIT ?", *labels, escaped, escaped, limit)
