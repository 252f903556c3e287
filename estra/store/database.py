"""The store: enrollments, pending approvals, one-time codes, rate counters, audit.

twisted.enterprise.adbapi over SQLite (the embedded default, in the state
directory) or PostgreSQL (`[store] url = "postgresql://..."`, shared by
several estra nodes).  Reads run on adbapi's threads; every write transaction
runs on the store's one writer thread and connection (`_Writer`), never on the
reactor.
One schema with numbered migrations, applied at start-up under a lock.

Nothing secret is stored in clear: one-time codes are kept as SHA-256 hashes
(they are random 100-bit values, so a plain hash is enough), passwords and
private keys never reach the store, and a SCEP transaction keeps its request
without the challengePassword (`wire.csr_without_challenge`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import threading
from queue import SimpleQueue
from typing import Any, Callable, Sequence

from attrs import frozen
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from twisted.application.service import Service
from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure
from twisted.python.filepath import FilePath

from estra.interfaces import IEstraReactor, installed_reactor
from estra import __version__
from estra.principals import issued_principal
from estra.store.upgrade import Legacy, carry_identities
from estra.asn1.wire import authority_key_id, serial_hex

__all__ = ["Store", "Standing", "EnrollmentRecord", "open_store", "NoStore", "hash_code",
           "MIGRATIONS", "SCEP_BEGUN", "migrate_blocking", "run_blocking", "search_filter",

           "StoreVersionError", "schema_version", "require_current", "PROCESSED",
           "PENDING_COLUMNS"]

#: One migration step: SQL text, or a function run with (cursor, dialect) where
#: SQLite and PostgreSQL would need different SQL; a function marked `legacy` also
#: gets the `Legacy` the migration was started with.
Step = str | Callable[..., None]


def _serials_openssl_form(cursor: Any, dialect: Any) -> None:
    """Migration 4: stored serials from `f"{n:x}"` to `serial_hex` ("a1b" -> "0A1B"),
    so records made before still match lookups."""
    for table in ("enrollments", "pending", "scep_transactions"):
        cursor.execute(f"SELECT DISTINCT serial FROM {table} WHERE serial IS NOT NULL")
        for (old,) in cursor.fetchall():
            try:
                new = serial_hex(int(str(old), 16))
            except ValueError:
                continue                  # not hex: leave it as it is
            if new != old:
                cursor.execute(dialect.sql(f"UPDATE {table} SET serial = ? WHERE serial = ?"),
                               (new, old))


def _issued_principals_with_origin(cursor: Any, dialect: Any) -> None:
    """Migration 10: an issued certificate's principal carries the kind and realm of
    whoever first enrolled it (estra/ra/auth.py `issued_realm`).  Open held requests and
    unused codes of "issued:PROFILE:NAME" move to the new principal when the records
    show one origin for that name; with several (the collision this fixes) they stay,
    matching no certificate.  Basic and code origins keep their principals."""
    cursor.execute("SELECT label, identity, certificate FROM enrollments WHERE "
                   "decision = 'issued' AND certificate IS NOT NULL")
    moved: dict[str, set[str]] = {}
    for label, enrolled_by, der in cursor.fetchall():
        try:
            cert = x509.load_der_x509_certificate(base64.b64decode(der))
            new = issued_principal(str(label), str(enrolled_by), cert)
        except ValueError:
            continue
        moved.setdefault(issued_principal(str(label), "", cert), set()).add(new)
    for old, (new, *others) in moved.items():
        if others or new == old:
            continue
        for table, still_open in (("pending", "status != 'issued'"),
                                  ("codes", "used_at IS NULL")):
            cursor.execute(dialect.sql(f"UPDATE {table} SET identity = ? WHERE identity = ? "
                                       f"AND {still_open}"), (new, old))


def _set_aside_scep_transactions(cursor: Any, dialect: Any) -> None:
    """Migration 3 (first step): schema-2 transactions are set aside, not dropped; the
    identity migration (`estra.store.upgrade.carry_identities`) brings them back owned and
    without their challengePassword."""
    cursor.execute("ALTER TABLE scep_transactions RENAME TO scep_transactions_v2")
    if dialect is POSTGRES:                   # the new table's primary key takes this name
        cursor.execute("ALTER INDEX scep_transactions_pkey RENAME TO scep_transactions_v2_pkey")


def _attempts_from_refusals(cursor: Any, dialect: Any) -> None:
    """The refusals recorded as enrollments (rejected, failed) become attempt rows, one
    per hour and (operation, profile, rule, identity, address), so the failures shown
    by rule and profile include those from before the attempts table."""
    hour = "FLOOR(at / 3600)" if dialect is POSTGRES else "CAST(at / 3600 AS INTEGER)"
    cursor.execute(
        "INSERT INTO attempts (hour, first_at, last_at, face, operation, label, rule, name, "
        f"address, reason, count) SELECT {hour}, MIN(at), MAX(at), CASE WHEN operation "
        "LIKE 'scep-%' THEN 'scep' ELSE 'est' END, operation, label, rule, identity, peer, "
        "MAX(reason), COUNT(*) FROM enrollments WHERE decision IN ('rejected', 'failed') "
        f"GROUP BY {hour}, operation, label, rule, identity, peer")


def _device_names_table(cursor: Any, dialect: Any) -> None:
    """Migration 17 (first step): the names a device is searched by, compared byte by
    byte (PostgreSQL's "C" collation, SQLite's default), so a prefix is one index range."""
    cursor.execute(f"CREATE TABLE device_names (name TEXT{dialect.bytewise} NOT NULL, "
                   "enrollment BIGINT NOT NULL)")
    cursor.execute("CREATE INDEX device_names_name ON device_names (name, enrollment)")
    cursor.execute("CREATE INDEX device_names_enrollment ON device_names (enrollment)")


def _list_indexes(cursor: Any, dialect: Any) -> None:
    """Migration 18: an index for every filter and sort of the console's lists
    (estra/console/lists.py): (column, id) for a sort or a choice, (LOWER(column), id)
    for an any-case match, LOWER(column) in byte order for a "starts with" filter."""
    for table, columns in (("enrollments", ("identity", "label", "decision", "operation",
                                            "LOWER(rule)")),
                           ("audit", ("kind", "identity", "LOWER(kind)")),
                           ("attempts", ("count", "rule", "name", "face", "LOWER(rule)",
                                         "LOWER(label)")),
                           ("pending", ("status, identity", "status, label"))):
        for column in columns:
            name = f"{table}_{re.sub('[^a-z]+', '_', column.lower()).strip('_')}_id"
            cursor.execute(f"CREATE INDEX {name} ON {table} ({column}, id)")
    for table, column in (("enrollments", "identity"), ("audit", "identity"),
                          ("attempts", "address"), ("pending", "identity")):
        cursor.execute(f"CREATE INDEX {table}_{column}_lower ON {table} "
                       f"((LOWER({column}){dialect.bytewise}))")


def _devices_from_records(cursor: Any, dialect: Any) -> None:
    """Migration 17: every record's names (`device_names`), and for a renewal under an
    issued principal the serial of the certificate it authenticated with (`auth_serial`):
    the newest certificate issued before it whose issued principal (estra/principals.py) is
    the renewal's identity, read from the stored certificates."""
    from estra.principals import ISSUED, issued_principal
    write, last = cursor.connection.cursor(), 0
    while True:                     # in batches: a million records never sit in memory
        cursor.execute(dialect.sql("SELECT id, identity, subject, sans FROM enrollments "
                                   "WHERE id > ? ORDER BY id LIMIT 5000"), (last,))
        rows = cursor.fetchall()
        if not rows:
            break
        last = int(rows[-1][0])
        write.executemany(dialect.sql("INSERT INTO device_names (name, enrollment) VALUES "
                                      "(?, ?)"),
                          [(name, rid) for rid, identity, subject, sans in rows
                           for name in record_names(str(identity), str(subject),
                                                    json.loads(sans or "[]"))])
    cursor.execute("SELECT id, label, identity, serial, certificate FROM enrollments WHERE "
                   "decision = 'issued' AND certificate IS NOT NULL ORDER BY id")
    issued: dict[str, list[tuple[int, str]]] = {}
    for rid, label, enrolled_by, serial, der in cursor.fetchall():
        try:
            cert = x509.load_der_x509_certificate(base64.b64decode(der))
        except ValueError:
            continue
        issued.setdefault(issued_principal(str(label), str(enrolled_by), cert), []).append(
            (int(rid), str(serial)))
    cursor.execute(dialect.sql("SELECT id, identity FROM enrollments WHERE identity LIKE ?"),
                   (f"{ISSUED}:%",))
    for rid, identity in cursor.fetchall():
        earlier = [serial for cert_id, serial in issued.get(str(identity), []) if cert_id < rid]
        if earlier:
            cursor.execute(dialect.sql("UPDATE enrollments SET auth_serial = ? WHERE id = ?"),
                           (earlier[-1], rid))


def record_names(identity: str, subject: str, sans: Sequence[str]) -> list[str]:
    """What a record is found by in the device search, lower-cased: the subject's common
    name, every subject alternative name's value ("DNSName:a.example" -> "a.example"),
    the identity and its name (what follows its last colon)."""
    try:
        cns = [str(a.value) for a in x509.Name.from_rfc4514_string(subject)
               .get_attributes_for_oid(x509.NameOID.COMMON_NAME)]
    except ValueError:
        cns = []
    found = [*cns, *(san.partition(":")[2] for san in sans), identity,
             identity.rpartition(":")[2]]
    return sorted({name.lower()[:256] for name in found if name})


def _carry_identities(cursor: Any, dialect: Any, legacy: Legacy) -> None:
    """Rows of releases before the identity model name principals (estra/store/upgrade.py)."""
    carry_identities(cursor, dialect, legacy)


_carry_identities.legacy = True  # type: ignore[attr-defined]


# Each entry is one migration; {id} is the dialect's auto-increment key column.
# Append, never edit: a database remembers the number it reached.
MIGRATIONS: list[list[Step]] = [
    [
        """CREATE TABLE enrollments (
            id {id}, at DOUBLE PRECISION NOT NULL, identity TEXT NOT NULL,
            method TEXT NOT NULL, peer TEXT NOT NULL, label TEXT NOT NULL,
            operation TEXT NOT NULL, csr_sha256 TEXT NOT NULL, key_sha256 TEXT NOT NULL,
            subject TEXT NOT NULL, sans TEXT NOT NULL, decision TEXT NOT NULL,
            rule TEXT NOT NULL, reason TEXT NOT NULL, serial TEXT, not_after DOUBLE PRECISION)""",
        "CREATE INDEX enrollments_serial ON enrollments (serial)",
        "CREATE INDEX enrollments_identity ON enrollments (identity, at)",
        """CREATE TABLE pending (
            id {id}, at DOUBLE PRECISION NOT NULL, label TEXT NOT NULL,
            operation TEXT NOT NULL, identity TEXT NOT NULL, key_sha256 TEXT NOT NULL,
            subject TEXT NOT NULL, sans TEXT NOT NULL, csr TEXT NOT NULL,
            status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',
            decided_by TEXT NOT NULL DEFAULT '', decided_at DOUBLE PRECISION,
            serial TEXT)""",
        "CREATE INDEX pending_match ON pending (label, identity, key_sha256)",
        """CREATE TABLE codes (
            id {id}, code_sha256 TEXT NOT NULL UNIQUE, identity TEXT NOT NULL,
            created DOUBLE PRECISION NOT NULL, expires DOUBLE PRECISION NOT NULL,
            used_at DOUBLE PRECISION, used_by TEXT NOT NULL DEFAULT '',
            revoked INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE rate_counters (
            bucket TEXT NOT NULL, window_start BIGINT NOT NULL, hits INTEGER NOT NULL,
            PRIMARY KEY (bucket, window_start))""",
        """CREATE TABLE audit (
            id {id}, at DOUBLE PRECISION NOT NULL, kind TEXT NOT NULL,
            identity TEXT NOT NULL, detail TEXT NOT NULL)""",
    ],
    [   # 2: SCEP transactions, replay protection, issued certificates (SCEP GetCert)
        "ALTER TABLE enrollments ADD COLUMN certificate TEXT",
        """CREATE TABLE scep_transactions (
            label TEXT NOT NULL, transaction_id TEXT NOT NULL, at DOUBLE PRECISION NOT NULL,
            identity TEXT NOT NULL, method TEXT NOT NULL, operation TEXT NOT NULL,
            csr TEXT NOT NULL, serial TEXT, PRIMARY KEY (label, transaction_id))""",
        """CREATE TABLE scep_nonces (
            nonce TEXT PRIMARY KEY, at DOUBLE PRECISION NOT NULL)""",
    ],
    [   # 3: a SCEP transaction belongs to the key that signed it, and its stored CSR has
        # no challengePassword.  Rows from before have neither: they are set aside for
        # the identity migration, which carries them forward (they used to be dropped).
        _set_aside_scep_transactions,
        """CREATE TABLE scep_transactions (
            label TEXT NOT NULL, transaction_id TEXT NOT NULL, signer_sha256 TEXT NOT NULL,
            at DOUBLE PRECISION NOT NULL, identity TEXT NOT NULL, method TEXT NOT NULL,
            operation TEXT NOT NULL, csr TEXT NOT NULL, serial TEXT,
            PRIMARY KEY (label, transaction_id, signer_sha256))""",
        "CREATE INDEX scep_transactions_serial ON scep_transactions (serial, signer_sha256)",
    ],
    [   # 4: serial numbers as openssl prints them (upper-case hex, even length)
        _serials_openssl_form,
    ],
    [   # 5: revocations requested through the RA, and the embedded CA's CRLs
        # (issuer: hex key identifier of the issuing CA, as in the AKI)
        """CREATE TABLE revocations (
            id {id}, at DOUBLE PRECISION NOT NULL, serial TEXT NOT NULL,
            issuer TEXT NOT NULL, label TEXT NOT NULL, upstream TEXT NOT NULL,
            kind TEXT NOT NULL, reason TEXT NOT NULL, revoked_by TEXT NOT NULL,
            outcome TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX revocations_serial ON revocations (serial)",
        """CREATE TABLE crls (
            issuer TEXT NOT NULL, number BIGINT NOT NULL, at DOUBLE PRECISION NOT NULL,
            next_update DOUBLE PRECISION NOT NULL, last_revocation BIGINT NOT NULL,
            der TEXT NOT NULL, PRIMARY KEY (issuer, number))""",
    ],
    [   # 6: operator console sessions (estra/console/), shared by every node
        """CREATE TABLE console_sessions (
            token_sha256 TEXT PRIMARY KEY, operator TEXT NOT NULL, csrf TEXT NOT NULL,
            address TEXT NOT NULL, created DOUBLE PRECISION NOT NULL,
            expires DOUBLE PRECISION NOT NULL)""",
        "CREATE INDEX enrollments_at ON enrollments (at)",
        "CREATE INDEX audit_at ON audit (at)",
    ],
    [   # 7: embedded CA rollovers, so every node on one store follows them (estra/ca/sync.py):
        # root and links in PEM; the new key encrypted under the previous CA key, '' once retired
        """CREATE TABLE ca_rollovers (
            generation INTEGER PRIMARY KEY, at DOUBLE PRECISION NOT NULL,
            root TEXT NOT NULL, links TEXT NOT NULL, wrapped_key TEXT NOT NULL,
            retired_at DOUBLE PRECISION)""",
    ],
    [   # 8: failed-login token buckets (estra/ra/throttle.py StoreState), shared by every
        # worker and node: key = kind + SHA-256 of the source and/or user name
        """CREATE TABLE login_buckets (
            key TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL,
            stamp DOUBLE PRECISION NOT NULL)""",
        "CREATE INDEX login_buckets_stamp ON login_buckets (stamp)",
    ],
    [   # 9: identities of releases before the identity model become principals; SCEP
        # transactions set aside by migration 3 come back (estra/store/upgrade.py)
        _carry_identities,
    ],
    [   # 10: an approved request is claimed by the one request that issues it (status
        # 'issuing' since claimed_at); existing rows keep their status and have no claim
        "ALTER TABLE pending ADD COLUMN claimed_at DOUBLE PRECISION",
        "CREATE INDEX pending_open ON pending (identity, status)",
    ],
    [   # 11: issued principals carry the origin's kind and realm (estra/ra/auth.py)
        _issued_principals_with_origin,
    ],
    [   # 12: SCEP messages seen, by senderNonce (hex of 16 bytes): which message it was
        # (SHA-256 of its DER; '' for rows from before: any message with that nonce is a
        # replay, as it was) and how it was answered (`Store.scep_seen`).  Nonces that
        # are not 16 bytes can never be accepted again: their rows go.  The sweep
        # (`Store.scep_sweep`) walks the index on `at`.
        "DELETE FROM scep_nonces WHERE LENGTH(nonce) <> 32",
        "ALTER TABLE scep_nonces ADD COLUMN message_sha256 TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE scep_nonces ADD COLUMN outcome TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX scep_nonces_at ON scep_nonces (at)",
    ],
    [   # 13: requests an upstream CA holds (AD CS pending approval): the CA's request id by
        # upstream name and SHA-256 of the CSR's public key, so a device's retry polls it
        # instead of submitting again, whichever node or worker it reaches
        """CREATE TABLE upstream_requests (
            upstream TEXT NOT NULL, key_sha256 TEXT NOT NULL, request_id TEXT NOT NULL,
            at DOUBLE PRECISION NOT NULL, PRIMARY KEY (upstream, key_sha256))""",
        "CREATE INDEX upstream_requests_at ON upstream_requests (at)",
    ],
    [   # 14: refused and failed device attempts, aggregated per hour (estra/ra/attempts.py);
        # the refusals recorded before (rejected and failed enrollments) are carried in
        """CREATE TABLE attempts (
            id {id}, hour BIGINT NOT NULL, first_at DOUBLE PRECISION NOT NULL,
            last_at DOUBLE PRECISION NOT NULL, face TEXT NOT NULL, operation TEXT NOT NULL,
            label TEXT NOT NULL, rule TEXT NOT NULL, name TEXT NOT NULL, address TEXT NOT NULL,
            reason TEXT NOT NULL, count BIGINT NOT NULL,
            UNIQUE (hour, face, operation, label, rule, name, address))""",
        "CREATE INDEX attempts_last ON attempts (last_at)",
        "CREATE INDEX attempts_name ON attempts (name, hour)",
        "CREATE INDEX attempts_rule ON attempts (rule, label, hour)",
        # the held record of each pending request, found without scanning the identity's
        "CREATE INDEX enrollments_key ON enrollments (key_sha256, identity)",
        "CREATE INDEX pending_status ON pending (status, id)",
        _attempts_from_refusals,
    ],
    [   # 15: operators pulling renewal windows forward (estra/ra/renewal.py): for a profile
        # (serial '') or one certificate, from `at` on, renew by `due`
        """CREATE TABLE renewal_advances (
            id {id}, at DOUBLE PRECISION NOT NULL, label TEXT NOT NULL, serial TEXT NOT NULL,
            due DOUBLE PRECISION NOT NULL, reason TEXT NOT NULL, by_whom TEXT NOT NULL)""",
        "CREATE INDEX renewal_advances_label ON renewal_advances (label, serial)",
    ],
    [   # 16: a one-time code may be bound to the device it is for (estra/ra/challenges.py):
        # JSON of the expected subject, subjectAltNames, device id; '' binds nothing
        "ALTER TABLE codes ADD COLUMN bound TEXT NOT NULL DEFAULT ''",
    ],
    [   # 17: the console's device view (estra/console/devices.py): the names each record
        # is searched by, and a renewal's link to the certificate it authenticated with
        "ALTER TABLE enrollments ADD COLUMN auth_serial TEXT",
        "CREATE INDEX enrollments_auth_serial ON enrollments (auth_serial)",
        _device_names_table,
        _devices_from_records,
    ],
    [   # 18: the console's lists (estra/console/lists.py): an index per filter and sort
        _list_indexes,
    ],
    [   # 19: console sessions: when last used (the idle timeout; sessions from before
        # count from their creation) and the status message of the last action
        "ALTER TABLE console_sessions ADD COLUMN last_seen DOUBLE PRECISION NOT NULL "
        "DEFAULT 0",
        "UPDATE console_sessions SET last_seen = created",
        "ALTER TABLE console_sessions ADD COLUMN flash TEXT NOT NULL DEFAULT ''",
    ],
]


#: held requests that were decided (the console's "processed" view)
PROCESSED = "p.status IN ('approved', 'issuing', 'issued', 'rejected')"
_HELD = ("(SELECT e.{0} FROM enrollments e WHERE e.key_sha256 = p.key_sha256 AND "
         "e.identity = p.identity AND e.decision = 'held' ORDER BY e.id DESC LIMIT 1)")
#: a held request with the address (`peer`) and reason (`held_reason`) of its newest
#: "held" record, on the index on enrollments (key_sha256, identity)
PENDING_COLUMNS = (f"p.*, {_HELD.format('peer')} AS peer, {_HELD.format('reason')} "
                   "AS held_reason")
_PENDING_SELECT = f"SELECT {PENDING_COLUMNS} FROM pending p"

#: `scep_nonces.outcome` of a request whose transaction was stored: answer its state.
SCEP_BEGUN = "begun"


def hash_code(code: str) -> str:
    """How a one-time code is stored and looked up."""
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


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


#: Most enrollment records one transaction takes (group commit, `Store.record`).
_BATCH = 256


class _Dialect:
    def __init__(self, name: str, id_column: str, placeholder: str, bytewise: str = ""
                 ) -> None:
        self.name, self.id_column, self.placeholder = name, id_column, placeholder
        self.bytewise = bytewise        # the collation that orders text byte by byte

    def sql(self, query: str) -> str:
        return query.replace("?", self.placeholder) if self.placeholder != "?" else query


SQLITE = _Dialect("sqlite", "INTEGER PRIMARY KEY AUTOINCREMENT", "?")
POSTGRES = _Dialect("postgresql", "BIGSERIAL PRIMARY KEY", "%s", ' COLLATE "C"')


@frozen
class _Job:
    """`work(cursor, *args)` for the writer thread; with `each`, `args` is (items,)
    and `work(cursor, items)` returns one result per item."""

    work: Callable[..., Any]
    args: tuple[Any, ...]
    done: Deferred[Any]
    each: bool = False


#: What a job of items yields per item: (True, result) or (False, Failure).
_Outcome = tuple[bool, Any]


class _Writer:
    """The one thread and database connection every write transaction of a Store runs on.

    Jobs arrive on a SimpleQueue (the thread wakes at once) and each result goes
    back to the reactor with `callFromThread`: one hop each way per transaction,
    without adbapi's thread pool machinery.  With one writer per process, SQLite
    writes never wait on each other's locks inside estra (the busy timeout is
    for other processes).  The connection is opened on the thread, and again
    after a failed rollback (a dropped PostgreSQL connection: the transaction
    that found it fails, the next one reconnects, as adbapi's `cp_reconnect`).
    The thread starts with the first job and stops with the reactor (or
    `stop`), after the jobs queued before it.
    """

    def __init__(self, connect: Callable[[], Any], reactor: IEstraReactor) -> None:
        self._connect, self._reactor = connect, reactor
        self._jobs: SimpleQueue[_Job | None] = SimpleQueue()
        self._thread: threading.Thread | None = None
        self._trigger: Any = None
        self._conn: Any = None                   # the writer thread's alone

    def run(self, work: Callable[..., Any], *args: Any) -> Deferred[Any]:
        """`work(cursor, *args)` in a transaction of its own; its result once committed."""
        return self._submit(_Job(work, args, Deferred()))

    def run_each(self, work: Callable[[Any, list[Any]], list[Any]], items: list[Any]
                 ) -> Deferred[list[_Outcome]]:
        """`work(cursor, items)` in one transaction; if that fails, each item in a
        transaction of its own, so a bad item fails alone.  An outcome per item."""
        return self._submit(_Job(work, (items,), Deferred(), each=True))

    def _submit(self, job: _Job) -> Deferred[Any]:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="estra-store-writer",
                                            daemon=True)
            self._thread.start()
            self._trigger = self._reactor.addSystemEventTrigger("during", "shutdown",
                                                                self._shutdown)
        self._jobs.put(job)
        return job.done

    def stop(self) -> None:
        """Finish the queued jobs, close the connection, end the thread (blocking, as
        adbapi's pool does)."""
        if self._trigger is not None:
            self._reactor.removeSystemEventTrigger(self._trigger)
        self._shutdown()

    def _shutdown(self) -> None:
        thread, self._thread, self._trigger = self._thread, None, None
        if thread is not None:
            self._jobs.put(None)
            thread.join()

    # -- on the writer thread ---------------------------------------------
    def _loop(self) -> None:
        while (job := self._jobs.get()) is not None:
            if job.each:
                outcome: _Outcome = (True, self._each(job.work, job.args[0]))
            else:
                outcome = self._one(job.work, *job.args)
            self._reactor.callFromThread(_fire, job.done, *outcome)
        self._close()

    def _each(self, work: Callable[[Any, list[Any]], list[Any]], items: list[Any]
              ) -> list[_Outcome]:
        if len(items) > 1:
            try:
                return [(True, value) for value in self._transaction(work, items)]
            except Exception:  # noqa: BLE001 - each alone next: only the bad one fails
                pass
        outcomes = []
        for item in items:
            ok, value = self._one(work, [item])
            outcomes.append((ok, value[0] if ok else value))
        return outcomes

    def _one(self, work: Callable[..., Any], *args: Any) -> _Outcome:
        try:
            return True, self._transaction(work, *args)
        except Exception:  # noqa: BLE001 - the caller's Deferred gets the Failure
            return False, Failure()

    def _transaction(self, work: Callable[..., Any], *args: Any) -> Any:
        if self._conn is None:
            self._conn = self._connect()
        try:
            result = work(self._conn.cursor(), *args)
            self._conn.commit()
            return result
        except BaseException:
            try:
                self._conn.rollback()
            except BaseException:  # noqa: BLE001 - any: the first error is raised below
                self._close()               # a broken connection: a new one next time
            raise

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - a broken connection is dropped all the same
                pass


def _fire(done: Deferred[Any], ok: bool, value: Any) -> None:
    """On the reactor: answer a caller (unless it left: a cancelled Deferred)."""
    if not done.called:
        if ok:
            done.callback(value)
        else:
            done.errback(value)


class Store(Service):
    """Async access to the database; a Service so the pool starts and stops with estra.

    Reads run on adbapi's pool; writes on `writer`, or on the pool without one
    (an in-memory pool that answers synchronously, as the fuzzer's)."""

    def __init__(self, pool: adbapi.ConnectionPool, dialect: _Dialect,
                 clock: Callable[[], float], writer: _Writer | None = None) -> None:
        self.pool, self.dialect, self.clock = pool, dialect, clock
        self._writer = writer
        self._queue: list[tuple[EnrollmentRecord, Any, Deferred[int]]] = []
        self._writing = False                 # a batch of records is with the writer

    # -- plumbing ---------------------------------------------------------
    async def _run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """A read-only interaction on the pool."""
        return await self.pool.runInteraction(fn, *args)

    async def _transact(self, work: Callable[..., Any], *args: Any) -> Any:
        """`work(cursor, *args)` in one write transaction; its result once committed."""
        if self._writer is None:
            return await self.pool.runInteraction(work, *args)
        return await self._writer.run(work, *args)

    async def query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = await self.pool.runQuery(self.dialect.sql(sql), args)
        return rows

    async def _rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        def run(cursor: Any) -> list[dict[str, Any]]:
            return _fetch(cursor, self.dialect, sql, *args)
        result: list[dict[str, Any]] = await self._run(run)
        return result

    async def rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        """The rows of a read-only query as dicts (`sans` as a list)."""
        return _with_sans(await self._rows(sql, *args))

    async def _write(self, sql: str, *args: Any) -> int:
        """Run one statement; the number of rows it changed (or the RETURNING id)."""
        def run(cursor: Any) -> int:
            cursor.execute(self.dialect.sql(sql), args)
            if "RETURNING" in sql:
                return int(cursor.fetchone()[0])
            return int(cursor.rowcount)
        result: int = await self._transact(run)
        return result

    async def interact(self, work: Callable[[Any, Any], Any]) -> Any:
        """`work(cursor, dialect)` in one write transaction on the writer's thread."""
        return await self._transact(work, self.dialect)

    async def migrate(self) -> int:
        """Apply the migrations this database lacks; returns the schema version."""
        result: int = await self._transact(_migrate, self.dialect)
        return result

    def startService(self) -> None:
        super().startService()
        self.pool.start()

    def stopService(self) -> None:
        super().stopService()
        self.pool.close()
        if self._writer is not None:
            while self._queue:                # records not yet with the writer go too
                self._write_batch(self._writer)
            self._writer.stop()

    # -- enrollments and audit -------------------------------------------
    async def record(self, rec: EnrollmentRecord,
                     on_issued: Callable[[Any, str], None] | None = None) -> int:
        """Insert `rec`; `on_issued(cursor, serial)` runs in the same database transaction
        when `rec` has a serial, so both commit together or neither does.

        Group commit (`_Writer`): the records of concurrent requests share one
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

    def _write_batch(self, writer: _Writer) -> None:
        """Hand the queued records to the writer as one batch; the next batch goes
        once this one's callers were answered (under load, the records that came
        meanwhile: the round trip sizes the batches)."""
        batch, self._queue = self._queue[:_BATCH], self._queue[_BATCH:]
        self._writing = True

        def written(outcomes: list[_Outcome]) -> None:
            try:
                for (_, _, done), outcome in zip(batch, outcomes, strict=True):
                    _fire(done, *outcome)
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

    # -- renewal windows ---------------------------------------------------
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

    async def current_certificates(self, limit: int) -> list[dict[str, Any]]:
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

    async def renewal_advances(self) -> list[dict[str, Any]]:
        """Every advance operators made (profile, serial or '', due, at)."""
        return await self._rows("SELECT label, serial, due, at FROM renewal_advances")

    async def renewal_due(self, label: str, serial: str, issued: float) -> float | None:
        """The earliest time an operator wants the certificate `serial` of profile
        `label`, issued at `issued`, renewed by (None: no advance covers it)."""
        rows = await self.query("SELECT MIN(due) FROM renewal_advances WHERE label = ? AND "
                                "serial IN ('', ?) AND at >= ?", label, serial, issued)
        return None if not rows or rows[0][0] is None else float(rows[0][0])

    # -- revocation ------------------------------------------------------
    async def enrollment_of(self, serial: str) -> dict[str, Any] | None:
        """The issued enrollment record for `serial` (hex), newest first, or None."""
        rows = await self._rows("SELECT * FROM enrollments WHERE serial = ? AND decision = "
                                "'issued' ORDER BY id DESC LIMIT 1", serial)
        return rows[0] if rows else None

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

    async def revocation(self, serial: str) -> dict[str, Any] | None:
        """The first revocation recorded for `serial` (hex), or None."""
        rows = await self._rows("SELECT * FROM revocations WHERE serial = ? ORDER BY id "
                                "LIMIT 1", serial)
        return rows[0] if rows else None

    async def revocations(self, kind: str | None = None,
                          issuer: str | None = None) -> list[dict[str, Any]]:
        """Every recorded revocation (of upstreams of `kind`, by `issuer`), oldest first."""
        where, args = _filters(kind=kind, issuer=issuer)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return await self._rows(f"SELECT * FROM revocations{clause} ORDER BY id", *args)

    async def latest_crl(self, issuer: str) -> dict[str, Any] | None:
        rows = await self._rows("SELECT * FROM crls WHERE issuer = ? ORDER BY number DESC "
                                "LIMIT 1", issuer)
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

    # -- SCEP ------------------------------------------------------------
    async def scep_begin(self, label: str, transaction_id: str, signer_sha256: str,
                         identity: str, method: str, operation: str, csr_b64: str,
                         seen: tuple[bytes, str] | None = None) -> None:
        """Remember a SCEP request so CertPoll can find it.

        A transaction is the signer's own: keyed by label, transactionID and the
        SHA-256 of the signer's SubjectPublicKeyInfo, so another key reusing the
        transactionID starts a transaction of its own and never sees this one.
        Clients that derive the transactionID from the key reuse it when they
        renew: the newest request wins.  `csr_b64` must carry no challengePassword
        (`wire.csr_without_challenge`).  `seen`: the (senderNonce, message SHA-256)
        of the request, remembered as begun (`scep_seen`) in the same database
        transaction, so a crash leaves both or neither."""
        now = self.clock()
        begin = self.dialect.sql(
            "INSERT INTO scep_transactions (label, transaction_id, signer_sha256, at, "
            "identity, method, operation, csr) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (label, "
            "transaction_id, signer_sha256) DO UPDATE SET at = excluded.at, identity = "
            "excluded.identity, method = excluded.method, operation = excluded.operation, "
            "csr = excluded.csr, serial = NULL")

        def run(cursor: Any) -> None:
            cursor.execute(begin, (label, transaction_id, signer_sha256, now, identity,
                                   method, operation, csr_b64))
            if seen is not None:
                self._seen(cursor, seen[0], seen[1], SCEP_BEGUN, now)
        await self._transact(run)

    def scep_issued(self, label: str, transaction_id: str, signer_sha256: str
                    ) -> Callable[[Any, str], None]:
        """The `record(on_issued=...)` hook that gives the transaction its certificate's
        serial inside the database transaction recording the issuance."""
        sql = self.dialect.sql("UPDATE scep_transactions SET serial = ? WHERE label = ? AND "
                               "transaction_id = ? AND signer_sha256 = ?")

        def update(cursor: Any, serial: str) -> None:
            cursor.execute(sql, (serial, label, transaction_id, signer_sha256))
        return update

    async def scep_transaction(self, label: str, transaction_id: str, signer_sha256: str
                               ) -> dict[str, Any] | None:
        """The transaction `signer_sha256` owns under this transactionID, if any."""
        rows = await self._rows("SELECT * FROM scep_transactions WHERE label = ? AND "
                                "transaction_id = ? AND signer_sha256 = ?",
                                label, transaction_id, signer_sha256)
        return rows[0] if rows else None

    async def scep_owns(self, serial: str, signer_sha256: str) -> bool:
        """Whether a transaction of this signer was given the certificate `serial`."""
        rows = await self.query("SELECT 1 FROM scep_transactions WHERE serial = ? AND "
                                "signer_sha256 = ?", serial, signer_sha256)
        return bool(rows)

    async def scep_seen(self, nonce: bytes) -> dict[str, Any] | None:
        """The message seen with this senderNonce (`message_sha256`, '' when unknown) and
        how it was answered (`outcome`: `SCEP_BEGUN`, "cert:SERIAL" or
        "fail:FAILINFO:TEXT"), or None; one read by primary key."""
        rows = await self._rows("SELECT message_sha256, outcome FROM scep_nonces WHERE "
                                "nonce = ?", nonce.hex())
        return rows[0] if rows else None

    async def scep_remember(self, nonce: bytes, message_sha256: str, outcome: str) -> None:
        """Remember how the message with this senderNonce was answered (the first answer
        stays); the row is swept `keep` seconds later (`scep_sweep`)."""
        await self._transact(self._seen, nonce, message_sha256, outcome[:300], self.clock())

    def _seen(self, cursor: Any, nonce: bytes, message_sha256: str, outcome: str,
              now: float) -> None:
        cursor.execute(self.dialect.sql(
            "INSERT INTO scep_nonces (nonce, at, message_sha256, outcome) VALUES (?,?,?,?) "
            "ON CONFLICT DO NOTHING"), (nonce.hex(), now, message_sha256, outcome))

    async def scep_sweep(self, keep: float = 86400, batch: int = 250) -> int:
        """Forget at most `batch` senderNonces older than `keep` seconds (one short write
        transaction on the index on `at`); how many went."""
        return await self._write(
            "DELETE FROM scep_nonces WHERE nonce IN (SELECT nonce FROM scep_nonces WHERE "
            "at < ? LIMIT ?)", self.clock() - keep, batch)

    async def enrollments(self, identity: str | None = None, decision: str | None = None,
                          label: str | None = None, since: float | None = None,
                          limit: int = 100, serial: str | None = None
                          ) -> list[dict[str, Any]]:
        """Newest first; `serial` in `serial_hex` form; `sans` as a list."""
        where, args = _filters(identity=identity, decision=decision, label=label,
                               serial=serial)
        if since is not None:
            where.append("at >= ?")
            args.append(since)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return _with_sans(await self._rows(
            f"SELECT * FROM enrollments{clause} ORDER BY id DESC LIMIT ?", *args, limit))

    async def audit(self, kind: str, identity: str, **detail: Any) -> None:
        await self._write("INSERT INTO audit (at, kind, identity, detail) VALUES (?,?,?,?)",
                          self.clock(), kind, identity, json.dumps(detail, sort_keys=True))

    async def search_audit(self, exact: dict[str, str], text: str = "",
                           since: float | None = None, until: float | None = None,
                           limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Audit events, newest first: `exact` (kind, identity), a detail substring."""
        return await self._search("audit", exact, ("detail", text), since, until, limit,
                                  offset)

    async def _search(self, table: str, exact: dict[str, str], like: tuple[str, str],
                      since: float | None, until: float | None,
                      limit: int, offset: int = 0, at: str = "at") -> list[dict[str, Any]]:
        where, args = search_filter(exact, like, since, until, at)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return await self._rows(f"SELECT * FROM {table}{clause} ORDER BY id DESC "
                                "LIMIT ? OFFSET ?", *args, limit, offset)

    async def enrollment(self, record_id: int) -> dict[str, Any] | None:
        rows = await self._rows("SELECT * FROM enrollments WHERE id = ?", record_id)
        return rows[0] if rows else None

    async def key_history(self, identity: str, key_sha256: str) -> list[dict[str, Any]]:
        """Every record of this identity with this key, oldest first."""
        return await self._rows("SELECT * FROM enrollments WHERE identity = ? AND "
                                "key_sha256 = ? ORDER BY id LIMIT 200", identity, key_sha256)

    # -- the console's device view (estra/console/devices.py) ---------------------
    async def find_records(self, prefix: str, serial: str | None, limit: int,
                           scan: int = 1000) -> list[dict[str, Any]]:
        """Records, newest first, with a name (`record_names`) starting with `prefix`
        (lower case; among the first `scan` such names) or the certificate `serial` (of
        the record, or the one a renewal authenticated with): index ranges only."""
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else ""
        return _with_sans(await self._rows(
            "SELECT * FROM enrollments WHERE id IN (SELECT enrollment FROM (SELECT "
            "enrollment FROM device_names WHERE name >= ? AND name < ? LIMIT ?) AS n UNION "
            "SELECT id FROM enrollments WHERE serial = ? UNION SELECT id FROM enrollments "
            "WHERE auth_serial = ?) ORDER BY id DESC LIMIT ?",
            prefix, after, scan if prefix else 0, serial, serial, limit))

    async def device(self, record_id: int, most: int = 500) -> dict[str, list[dict[str, Any]]]:
        """A device's story from one of its records: every record linked to it, across
        identities (a renewal to the certificate it authenticated with, both ways; the
        same key under the same identity), at most `most`, oldest first; the held
        requests of those keys and identities, and the revocations of their serials."""
        def run(cursor: Any) -> dict[str, list[dict[str, Any]]]:
            found: dict[int, dict[str, Any]] = {}
            frontier = [record_id]
            while frontier and len(found) < most:
                rows = _fetch(cursor, self.dialect, "SELECT * FROM enrollments WHERE id IN "
                              f"({_marks(frontier)})", *frontier)
                found.update((int(r["id"]), r) for r in rows)
                serials = sorted({str(r["serial"]) for r in rows if r["serial"]})
                renewed = sorted({str(r["auth_serial"]) for r in rows if r["auth_serial"]})
                pairs = sorted({(str(r["key_sha256"]), str(r["identity"])) for r in rows})
                parts, args = [], []
                if renewed:
                    parts.append("SELECT id FROM enrollments WHERE decision = 'issued' AND "
                                 f"serial IN ({_marks(renewed)})")
                    args += renewed
                if serials:
                    parts.append(f"SELECT id FROM enrollments WHERE auth_serial IN "
                                 f"({_marks(serials)})")
                    args += serials
                for key, identity in pairs:
                    parts.append("SELECT id FROM enrollments WHERE key_sha256 = ? AND "
                                 "identity = ?")
                    args += [key, identity]
                linked = _fetch(cursor, self.dialect, " UNION ".join(parts), *args) \
                    if parts else []
                frontier = sorted({int(r["id"]) for r in linked} - set(found))[
                    :most - len(found)]
            records = sorted(found.values(), key=lambda r: int(r["id"]))
            pairs = sorted({(str(r["key_sha256"]), str(r["identity"])) for r in records})
            serials = sorted({str(r["serial"]) for r in records if r["serial"]})
            held = _fetch(cursor, self.dialect, " UNION ".join(
                ["SELECT * FROM pending WHERE key_sha256 = ? AND identity = ?"] * len(pairs)),
                *[v for pair in pairs for v in pair]) if pairs else []
            revoked = _fetch(cursor, self.dialect, "SELECT * FROM revocations WHERE serial IN "
                             f"({_marks(serials)}) ORDER BY id", *serials) if serials else []
            return {"records": _with_sans(records),
                    "held": sorted(held, key=lambda r: int(r["id"])), "revoked": revoked}
        result: dict[str, list[dict[str, Any]]] = await self._run(run)
        return result

    async def outcomes_per_hour(self, since: float) -> list[tuple[int, str, int]]:
        """(hours after `since`, decision, count) of the records since `since`."""
        hour = ("FLOOR((at - ?) / 3600)" if self.dialect is POSTGRES
                else "CAST((at - ?) / 3600 AS INTEGER)")
        rows = await self.query(f"SELECT {hour} AS h, decision, COUNT(*) FROM enrollments "
                                "WHERE at >= ? GROUP BY h, decision", since, since)
        return [(int(h), str(d), int(n)) for h, d, n in rows]

    # -- pending approvals -----------------------------------------------
    async def find_pending(self, label: str, identity: str, key_sha256: str
                           ) -> dict[str, Any] | None:
        """The newest held request for this key and identity, whatever its status
        (pending, approved, issuing, issued, rejected)."""
        rows = await self._rows(
            "SELECT * FROM pending WHERE label = ? AND identity = ? AND key_sha256 = ? "
            "ORDER BY id DESC LIMIT 1", label, identity, key_sha256)
        return rows[0] if rows else None

    async def hold(self, label: str, operation: str, identity: str, key_sha256: str,
                   subject: str, sans: Sequence[str], csr_b64: str,
                   most: int | None = None) -> int | None:
        """Hold a request for an operator; its id, or None when `identity` already has
        `most` requests awaiting a decision (counted and inserted in one transaction,
        under a per-identity lock on PostgreSQL, so concurrent requests and nodes
        cannot pass the cap together)."""
        insert = self.dialect.sql(
            "INSERT INTO pending (at, label, operation, identity, key_sha256, subject, sans, "
            "csr, status) VALUES (?,?,?,?,?,?,?,?,'pending') RETURNING id")
        args = (self.clock(), label, operation, identity, key_sha256, subject,
                json.dumps(list(sans)), csr_b64)

        def run(cursor: Any) -> int | None:
            if most is not None:
                self._lock_identity(cursor, identity)
                cursor.execute(self.dialect.sql("SELECT COUNT(*) FROM pending WHERE "
                                                "identity = ? AND status = 'pending'"),
                               (identity,))
                if int(cursor.fetchone()[0]) >= most:
                    return None
            cursor.execute(insert, args)
            return int(cursor.fetchone()[0])
        held: int | None = await self._transact(run)
        return held

    async def claim(self, pending_id: int, stale_after: float) -> bool:
        """Take an approved request to issue it: True for exactly one caller (on every
        node), until `release` or the issuance is recorded.  A claim older than
        `stale_after` seconds (its node died while issuing) can be taken again."""
        now = self.clock()
        return await self._write(
            "UPDATE pending SET status = 'issuing', claimed_at = ? WHERE id = ? AND "
            "(status = 'approved' OR (status = 'issuing' AND claimed_at < ?))",
            now, pending_id, now - stale_after) == 1

    async def release(self, pending_id: int) -> None:
        """Give a claim back (the CA failed): the next retry may issue."""
        await self._write("UPDATE pending SET status = 'approved', claimed_at = NULL "
                          "WHERE id = ? AND status = 'issuing'", pending_id)

    def pending_issued(self, pending_id: int) -> Callable[[Any, str], None]:
        """The `record(on_issued=...)` hook that marks a claimed request issued with its
        serial, in the transaction that records the issuance."""
        sql = self.dialect.sql("UPDATE pending SET status = 'issued', serial = ? "
                               "WHERE id = ?")

        def update(cursor: Any, serial: str) -> None:
            cursor.execute(sql, (serial, pending_id))
        return update

    async def decide(self, pending_id: int, approve: bool, reason: str, by: str
                     ) -> str | None:
        """Approve a pending or rejected request, or reject a pending one; the status
        it had (audited with who decided), or None when it was in neither."""
        status = "approved" if approve else "rejected"
        return await self._change(pending_id, ("pending", "rejected") if approve
                                  else ("pending",), status, reason, by, status)

    async def reopen(self, pending_id: int, by: str) -> str | None:
        """A rejected request back to pending (the device's next retry is held again);
        "rejected", or None when it was not rejected."""
        return await self._change(pending_id, ("rejected",), "pending", "", by, "reopened")

    async def _change(self, pending_id: int, allowed: Sequence[str], status: str,
                      reason: str, by: str, event: str) -> str | None:
        def run(cursor: Any) -> str | None:
            cursor.execute(self.dialect.sql("SELECT status FROM pending WHERE id = ?"),
                           (pending_id,))
            row = cursor.fetchone()
            if row is None or row[0] not in allowed:
                return None
            cursor.execute(self.dialect.sql(       # unless another operator got there first
                "UPDATE pending SET status = ?, reason = ?, decided_by = ?, decided_at = ? "
                "WHERE id = ? AND status = ?"),
                (status, reason, by, self.clock(), pending_id, row[0]))
            return str(row[0]) if cursor.rowcount == 1 else None
        previous: str | None = await self._transact(run)
        if previous is not None:
            await self.audit(event, by, pending=pending_id, reason=reason, previous=previous)
        return previous

    async def pending(self, status: str | None = "pending") -> list[dict[str, Any]]:
        where, args = _filters(status=status)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return _with_sans(await self._rows(f"SELECT * FROM pending{clause} ORDER BY id",
                                           *args))

    async def held(self, identity: str, key_sha256: str) -> list[dict[str, Any]]:
        """The held requests of this identity for this key, oldest first."""
        return await self._rows("SELECT * FROM pending WHERE identity = ? AND key_sha256 = ? "
                                "ORDER BY id", identity, key_sha256)

    # -- one-time codes --------------------------------------------------
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

    def _lock_identity(self, cursor: Any, identity: str) -> None:
        """Serialize the rest of this transaction with every other one locking
        `identity`, on every node: a PostgreSQL advisory lock held until commit; on
        SQLite the database's write lock, taken before the transaction reads (sqlite3
        would begin it only at the first write), for other processes on the file."""
        if self.dialect is POSTGRES:
            cursor.execute("SELECT pg_advisory_xact_lock(7031, hashtext(%s))", (identity,))
        elif not cursor.connection.in_transaction:
            cursor.execute("BEGIN IMMEDIATE")

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

    async def issued_mentioning(self, labels: tuple[str, ...], text: str,
                                limit: int = 1000) -> list[dict[str, Any]]:
        """Issued certificates of these profiles whose recorded subject or
        subjectAltNames contain `text` (case-insensitive): candidates the caller
        checks exactly; serial and certificate (base64 DER) of each."""
        if not labels:
            return []
        escaped = _contains(text)
        return await self._rows(
            "SELECT serial, certificate FROM enrollments WHERE decision = 'issued' AND serial "
            f"IS NOT NULL AND label IN ({','.join('?' * len(labels))}) AND (LOWER(subject) "
            "LIKE LOWER(?) ESCAPE '\\' OR LOWER(sans) LIKE LOWER(?) ESCAPE '\\') "
            "ORDER BY id LIMIT ?", *labels, escaped, escaped, limit)

    async def codes_of(self, owners: tuple[str, ...]) -> list[dict[str, Any]]:
        """The codes of these principals, newest first (never the codes themselves)."""
        if not owners:
            return []
        return await self._rows(
            "SELECT id, identity, created, expires, used_at, used_by, revoked, bound FROM "
            f"codes WHERE identity IN ({','.join('?' * len(owners))}) ORDER BY id DESC "
            "LIMIT 1000", *owners)

    async def codes(self) -> list[dict[str, Any]]:
        return await self._rows("SELECT id, identity, created, expires, used_at, used_by, "
                                "revoked FROM codes ORDER BY id")

    # -- requests an upstream CA holds (estra/upstream/adcs.py) ------------
    async def upstream_request(self, upstream: str, key_sha256: str) -> str | None:
        """The request id `upstream` gave the CSR with this key, if one is kept."""
        rows = await self.query("SELECT request_id FROM upstream_requests WHERE upstream = ? "
                                "AND key_sha256 = ?", upstream, key_sha256)
        return str(rows[0][0]) if rows else None

    async def keep_upstream_request(self, upstream: str, key_sha256: str, request_id: str,
                                    keep: float = 30 * 86400) -> None:
        """Keep the id (ids older than `keep` seconds are forgotten: their device
        never came back, and would just submit again)."""
        now = self.clock()

        def run(cursor: Any) -> None:
            cursor.execute(self.dialect.sql("DELETE FROM upstream_requests WHERE at < ?"),
                           (now - keep,))
            cursor.execute(self.dialect.sql(
                "INSERT INTO upstream_requests (upstream, key_sha256, request_id, at) "
                "VALUES (?,?,?,?) ON CONFLICT (upstream, key_sha256) DO UPDATE SET "
                "request_id = excluded.request_id, at = excluded.at"),
                (upstream, key_sha256, request_id, now))
        await self._transact(run)

    async def forget_upstream_request(self, upstream: str, key_sha256: str) -> None:
        await self._write("DELETE FROM upstream_requests WHERE upstream = ? AND "
                          "key_sha256 = ?", upstream, key_sha256)

    # -- rate limits -----------------------------------------------------
    async def hit(self, bucket: str, window: int) -> int:
        """Count one request in `bucket`'s current window; returns the count so far."""
        start = int(self.clock() // window * window)
        return await self._write(
            "INSERT INTO rate_counters (bucket, window_start, hits) VALUES (?,?,1) "
            "ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + 1 "
            "RETURNING hits", bucket, start)

    # -- console sessions (estra/console/) -------------------------------
    async def session_open(self, token_sha256: str, operator: str, csrf: str, address: str,
                           ttl: float) -> None:
        now = self.clock()
        await self._write("DELETE FROM console_sessions WHERE expires <= ?", now)
        await self._write("INSERT INTO console_sessions (token_sha256, operator, csrf, "
                          "address, created, expires, last_seen) VALUES (?,?,?,?,?,?,?)",
                          token_sha256, operator, csrf, address, now, now + ttl, now)

    async def session(self, token_sha256: str, idle: float) -> dict[str, Any] | None:
        """The session with this token hash, unexpired and used within `idle` seconds,
        or None."""
        now = self.clock()
        rows = await self._rows("SELECT * FROM console_sessions WHERE token_sha256 = ? AND "
                                "expires > ? AND last_seen > ?", token_sha256, now, now - idle)
        return rows[0] if rows else None

    async def session_seen(self, token_sha256: str, flash_taken: bool) -> None:
        """The session was used now (and its status message shown, when `flash_taken`)."""
        await self._write("UPDATE console_sessions SET last_seen = ?"
                          + (", flash = ''" if flash_taken else "") + " WHERE token_sha256 = ?",
                          self.clock(), token_sha256)

    async def session_flash(self, token_sha256: str, text: str) -> None:
        """The status message the session's next page shows (post/redirect/get)."""
        await self._write("UPDATE console_sessions SET flash = ? WHERE token_sha256 = ?",
                          text[:1000], token_sha256)

    async def session_close(self, token_sha256: str) -> None:
        await self._write("DELETE FROM console_sessions WHERE token_sha256 = ?", token_sha256)

    async def sessions_end(self, operator: str) -> int:
        """End every console session of `operator` (on every node); how many there were."""
        return await self._write("DELETE FROM console_sessions WHERE operator = ?", operator)

    async def count(self, table: str, where: Sequence[str] = (), args: Sequence[Any] = (),
                    cap: int = 10_000) -> int:
        """Rows of `table` matching every `where` condition, counted up to `cap` (a count
        of `cap` means "at least"): what a console page shows, at a bounded cost."""
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = await self.query(f"SELECT COUNT(*) FROM (SELECT 1 FROM {table}{clause} "
                                "LIMIT ?) AS capped", *args, cap)
        return int(rows[0][0])

    # -- refused attempts (estra/ra/attempts.py) ------------------------------------
    async def add_attempts(self, rows: Sequence[tuple[Any, int, float, float, str]],
                           per_hour: int, others: str) -> int:
        """Add counted attempts (key, count, first, last, reason) in one transaction: a
        key seen before this hour adds to its row; a new key gets a row while its hour
        has fewer than `per_hour`, else it adds to the hour's row of `others`."""
        def run(cursor: Any) -> int:
            room: dict[int, int] = {}
            for key, count, first, last, reason in rows:
                if self._add_attempt(cursor, key, count, last, reason):
                    continue
                if key.hour not in room:
                    cursor.execute(self.dialect.sql(
                        "SELECT COUNT(*) FROM attempts WHERE hour = ?"), (key.hour,))
                    room[key.hour] = per_hour - int(cursor.fetchone()[0])
                name, address = (key.name, key.address) if room[key.hour] > 0 else (
                    others, others)
                if (name, address) != (key.name, key.address) and self._add_attempt(
                        cursor, key, count, last, reason, name, address):
                    continue
                cursor.execute(self.dialect.sql(
                    "INSERT INTO attempts (hour, first_at, last_at, face, operation, label, "
                    "rule, name, address, reason, count) VALUES (?,?,?,?,?,?,?,?,?,?,?)"),
                    (key.hour, first, last, key.face, key.operation, key.label, key.rule,
                     name, address, reason, count))
                room[key.hour] -= 1
            return len(rows)
        result: int = await self._transact(run)
        return result

    def _add_attempt(self, cursor: Any, key: Any, count: int, last: float, reason: str,
                     name: str | None = None, address: str | None = None) -> bool:
        """Add to the row of `key` (with `name`, `address` when given); False if none."""
        cursor.execute(self.dialect.sql(
            "UPDATE attempts SET count = count + ?, last_at = ?, reason = ? WHERE hour = ? "
            "AND face = ? AND operation = ? AND label = ? AND rule = ? AND name = ? AND "
            "address = ?"), (count, last, reason, key.hour, key.face, key.operation,
                             key.label, key.rule, key.name if name is None else name,
                             key.address if address is None else address))
        return int(cursor.rowcount) > 0

    async def sweep_attempts(self, before: float, batch: int = 5000) -> int:
        """Forget at most `batch` attempt rows last seen before `before`."""
        return await self._write(
            "DELETE FROM attempts WHERE id IN (SELECT id FROM attempts WHERE last_at < ? "
            "LIMIT ?)", before, batch)

    async def failures_by_rule(self, since: float) -> list[tuple[str, str, int]]:
        """(rule, profile, attempts) refused or failed since `since`, most first."""
        rows = await self.query(
            "SELECT rule, label, SUM(count) AS n FROM attempts WHERE hour >= ? "
            "GROUP BY rule, label ORDER BY n DESC, rule, label", int(since // 3600))
        return [(str(r), str(p), int(n)) for r, p, n in rows]

    async def search_attempts(self, exact: dict[str, str], name: str = "",
                              since: float | None = None, until: float | None = None,
                              limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Attempt rows, newest hour first: `exact` (rule, label, face, address), a
        substring of the name, a time range (of the last attempt)."""
        return await self._search("attempts", exact, ("name", name), since, until, limit,
                                  offset, "last_at")

    async def pending_request(self, pending_id: int) -> dict[str, Any] | None:
        """One held request, whatever its status, with the address (`peer`) and reason
        (`held_reason`) of its newest "held" record."""
        rows = _with_sans(await self._rows(f"{_PENDING_SELECT} WHERE p.id = ?", pending_id))
        return rows[0] if rows else None

    async def pending_requests(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """The held requests with these ids (as `pending_request`), in id order."""
        if not ids:
            return []
        return _with_sans(await self._rows(f"{_PENDING_SELECT} WHERE p.id IN ({_marks(ids)}) "
                                           "ORDER BY p.id", *ids))

    async def code(self, code_id: int) -> dict[str, Any] | None:
        """One one-time code's row (never the code: only its hash is kept), or None."""
        rows = await self._rows("SELECT id, identity, created, expires, used_at, used_by, "
                                "revoked FROM codes WHERE id = ?", code_id)
        return rows[0] if rows else None

    async def codes_page(self, limit: int, offset: int) -> list[dict[str, Any]]:
        """One page of the one-time codes, newest first."""
        return await self._rows("SELECT id, identity, created, expires, used_at, used_by, "
                                "revoked FROM codes ORDER BY id DESC LIMIT ? OFFSET ?",
                                limit, offset)


class StoreVersionError(ValueError):
    """The store's schema is not the one this release runs on (one line: what to do)."""


def _version(cursor: Any) -> int:
    cursor.execute("SELECT MAX(version) FROM schema_version")
    return int(cursor.fetchone()[0] or 0)


def _too_new(version: int) -> StoreVersionError:
    return StoreVersionError(
        f"the store is at schema {version}, newer than estra {__version__} knows "
        f"({len(MIGRATIONS)}): run the release that migrated it, or a newer one")


def _has_column(cursor: Any, dialect: _Dialect, table: str, column: str) -> bool:
    if dialect is POSTGRES:
        cursor.execute("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = "
                       "current_schema() AND table_name = %s AND column_name = %s",
                       (table, column))
    else:
        cursor.execute("SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?",
                       (table, column))
    return bool(cursor.fetchone()[0])


def _renumbered(cursor: Any, dialect: _Dialect, version: int) -> int:
    """The version in today's numbering of a store that recorded `version`.

    From 2335164 to 71be18e (2026-12-06), before the identity migration took
    number 9, main numbered the pending claim 9, issued principals 10 and the
    SCEP nonce columns 11.  Its schema 10 is today's 11 less migration 9, which
    has nothing to carry in a store of principals (and 11 runs again harmlessly);
    its schema 11 is today's 12 in the same way, and applying 12 again would fail
    on the nonce columns it already has.  Such a store records 12."""
    if version == 11 and _has_column(cursor, dialect, "scep_nonces", "message_sha256"):
        cursor.execute(dialect.sql("INSERT INTO schema_version VALUES (?)"), (12,))
        return 12
    return version


def _migrate(cursor: Any, dialect: _Dialect, legacy: Legacy | None = None,
             upto: int | None = None) -> int:
    """Apply the migrations the database lacks, up to number `upto` (all by default;
    tests make stores of an earlier schema with it); the schema version reached.
    `legacy` tells how to carry identities of old releases forward."""
    wanted = MIGRATIONS[:upto]
    if dialect is POSTGRES:
        cursor.execute("SELECT pg_advisory_xact_lock(7030)")   # one node migrates at a time
    elif not cursor.connection.in_transaction:
        # sqlite3 would run DDL before the first INSERT outside any transaction: a
        # migration that stops half-way must leave nothing behind
        cursor.execute("BEGIN IMMEDIATE")
    cursor.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    current = _renumbered(cursor, dialect, _version(cursor))
    if current > len(MIGRATIONS):
        raise _too_new(current)
    for number, statements in enumerate(wanted[current:], current + 1):
        for statement in statements:
            if isinstance(statement, str):
                cursor.execute(statement.format(id=dialect.id_column))
            elif getattr(statement, "legacy", False):
                statement(cursor, dialect, legacy or Legacy())
            else:
                statement(cursor, dialect)
        cursor.execute(dialect.sql("INSERT INTO schema_version VALUES (?)"), (number,))
    return len(wanted)


def migrate_blocking(store: Store, legacy: Legacy | None = None) -> int:
    """Migrate before the reactor runs (start-up, `estra migrate`), on a connection of
    its own; `legacy` tells how to carry identities of old releases forward."""
    version: int = run_blocking(store, lambda cursor, dialect: _migrate(cursor, dialect,
                                                                        legacy))
    return version


def schema_version(store: Store) -> int:
    """The schema version the store records (0: a new, empty store); changes nothing."""
    def read(cursor: Any, dialect: _Dialect) -> int:
        if dialect is POSTGRES:
            cursor.execute("SELECT to_regclass('schema_version') IS NOT NULL")
        else:
            cursor.execute("SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' "
                           "AND name = 'schema_version'")
        return _version(cursor) if cursor.fetchone()[0] else 0
    version: int = run_blocking(store, read)
    return version


def require_current(store: Store) -> None:
    """For operator commands: a new store gets the schema, a current one is used as it is;
    an older or newer one is `StoreVersionError` (only `estra migrate` and start-up migrate)."""
    version = schema_version(store)
    if version == 0:
        migrate_blocking(store)
    elif version > len(MIGRATIONS):
        raise _too_new(version)
    elif version < len(MIGRATIONS):
        raise StoreVersionError(
            f"the store is at schema {version}, estra {__version__} needs "
            f"{len(MIGRATIONS)}: back it up, then run `estra migrate` (docs/upgrading.rst)")


def run_blocking(store: Store, work: Callable[[Any, Any], Any]) -> Any:
    """`work(cursor, dialect)` in one transaction on a connection of its own, without
    the reactor (start-up, CLI commands); committed when it returns."""
    conn = _connection(store.pool)
    try:
        result = work(conn.cursor(), store.dialect)
        conn.commit()
        return result
    finally:
        conn.close()


def _connection(pool: adbapi.ConnectionPool) -> Any:
    """A new connection as `pool` makes them (its DB-API module, arguments, setup)."""
    conn = pool.dbapi.connect(*pool.connargs, **pool.connkw)
    if pool.openfun is not None:
        pool.openfun(conn)
    return conn


def _fetch(cursor: Any, dialect: _Dialect, sql: str, *args: Any) -> list[dict[str, Any]]:
    """Rows of `sql` as dicts, on `cursor`."""
    cursor.execute(dialect.sql(sql), args)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _marks(values: Sequence[Any]) -> str:
    """The placeholders of an IN list of `values`."""
    return ", ".join("?" * len(values))


def _with_sans(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with their `sans` column (JSON text in the database) as a list."""
    for row in rows:
        if isinstance(row.get("sans"), str):
            row["sans"] = json.loads(row["sans"])
    return rows


def search_filter(exact: dict[str, str], like: tuple[str, str], since: float | None,
                  until: float | None, at: str = "at") -> tuple[list[str], list[Any]]:
    """WHERE conditions (and their arguments) of a search: `exact` column values (empty:
    any), a case-insensitive substring of column `like[0]`, a time range (of column
    `at`)."""
    where, args = _filters(**{k: v for k, v in exact.items() if v})
    if like[1]:
        where.append(f"LOWER({like[0]}) LIKE LOWER(?) ESCAPE '\\'")
        args.append(_contains(like[1]))
    for op, value in ((">=", since), ("<", until)):
        if value is not None:
            where.append(f"{at} {op} ?")
            args.append(value)
    return where, args


def _contains(text: str) -> str:
    """A LIKE pattern (ESCAPE '\\') matching `text` anywhere, its wildcards literal."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _filters(**conditions: Any) -> tuple[list[str], list[Any]]:
    where = [f"{name} = ?" for name, value in conditions.items() if value is not None]
    return where, [value for value in conditions.values() if value is not None]


class NoStore(Exception):
    """The SQLite database does not exist and the caller may not create it."""


def open_store(url: str, state_dir: FilePath, clock: Callable[[], float],
               create: bool = True) -> Store:
    """A Store for `url`: "" or sqlite:///path (default state_dir/estra.db), or postgresql://.

    With `create` false (the `estra` operator commands) a missing SQLite file
    raises `NoStore`: only the server (or `estra init`) makes state.
    """
    if url.startswith(("postgresql://", "postgres://")):
        pool = _started_by_us(adbapi.ConnectionPool("psycopg", url, cp_min=1, cp_max=8,
                                                    cp_reconnect=True, cp_noisy=False))
        return Store(pool, POSTGRES, clock, _writer_for(pool))
    path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ""
    db = FilePath(path) if path.startswith("/") else state_dir.preauthChild(
        path or "estra.db")
    if not create and not db.exists():
        where = f"no state directory {state_dir.path}" if not state_dir.exists() \
            else f"no store {db.path}"
        raise NoStore(f"{where}: start estra (or run estra init) there first, or give "
                      "--state-dir/--config")
    if not db.exists():                   # records are private: 0600 like ca.key
        os.close(os.open(db.path, os.O_WRONLY | os.O_CREAT, 0o600))
    # SQLite: one connection for reads, the writer's for writes (one writer per
    # process), busy timeout for the CLI and other workers beside it; WAL keeps
    # synchronous=FULL durability with one fsync per commit, and reads never block.
    pool = _started_by_us(adbapi.ConnectionPool(
        "sqlite3", db.path, check_same_thread=False, timeout=30, cp_min=1, cp_max=1,
        cp_noisy=False, cp_openfun=_sqlite_setup))
    return Store(pool, SQLITE, clock, _writer_for(pool))


def _started_by_us(pool: adbapi.ConnectionPool) -> adbapi.ConnectionPool:
    """`pool`, started only when estra starts it (`Store.startService`, the CLI's
    `pool.start()`), not whenever the reactor next runs (adbapi's callWhenRunning): a
    store opened for blocking work only (migrations, `estra` commands, tests) must
    never leave pool threads behind, which keep the process from exiting."""
    if pool.startID is not None:          # the reactor is not running yet
        installed_reactor().removeSystemEventTrigger(pool.startID)
        pool.startID = None
    return pool


def _writer_for(pool: adbapi.ConnectionPool) -> _Writer:
    """A writer making its connection as `pool` does, on the reactor adbapi uses."""
    return _Writer(lambda: _connection(pool), installed_reactor())


def _sqlite_setup(conn: Any) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    # Deleted rows are zeroed, not left in free pages (Debian builds do this by default):
    # migration 3 drops SCEP requests that still carried their challengePassword.
    conn.execute("PRAGMA secure_delete=ON")


_ = sqlite3  # the sqlite3 DB-API module is loaded by name by adbapi
