"""The schema: numbered migrations, applied at start-up under a lock, and the checks
operator commands make before they touch a store (`require_current`).
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any, Callable

from cryptography import x509

from estra import __version__
from estra.asn1.wire import serial_hex
from estra.principals import issued_principal
from estra.store.engine import POSTGRES, Dialect, StoreBase, run_blocking
from estra.store.enrollments import record_names
from estra.store.upgrade import Legacy, carry_identities

__all__ = ["MIGRATIONS", "Step", "StoreVersionError", "apply_migrations",
           "attempts_from_refusals", "devices_from_records", "migrate_blocking",
           "require_current", "schema_version"]


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


def attempts_from_refusals(cursor: Any, dialect: Any) -> None:
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


def enrollment_hours(cursor: Any, dialect: Any) -> None:
    """Migration 20: the records counted per hour and decision (the dashboard's chart),
    from the records already stored (shard 0); from now on each Store's writer adds
    the records it inserts to rows of its own shard (`Enrollments._insert`), so the
    chart reads a few rows per hour, never the records of a day, and the writers of
    several nodes never wait on one another's row."""
    hour = ("CAST(FLOOR(at / 3600) AS BIGINT)" if dialect is POSTGRES
            else "CAST(at / 3600 AS INTEGER)")
    cursor.execute("CREATE TABLE enrollment_hours (hour BIGINT NOT NULL, decision TEXT NOT "
                   "NULL, shard BIGINT NOT NULL, count BIGINT NOT NULL, "
                   "PRIMARY KEY (hour, decision, shard))")
    cursor.execute("INSERT INTO enrollment_hours (hour, decision, shard, count) SELECT "
                   f"{hour}, decision, 0, COUNT(*) FROM enrollments GROUP BY {hour}, decision")


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


def devices_from_records(cursor: Any, dialect: Any) -> None:
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
        attempts_from_refusals,
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
        devices_from_records,
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
    [   # 20: records counted per hour and decision, kept by the writers (the dashboard)
        enrollment_hours,
    ],
    [   # 21: a rollover whose new CA key is on a token (estra/ca/sync.py): the key's URI
        # (token and label, no PIN source), which other nodes open on the shared token;
        # '' when the key is stored wrapped
        "ALTER TABLE ca_rollovers ADD COLUMN key_uri TEXT NOT NULL DEFAULT ''",
    ],
    [   # 22: two indexes no query walks, written with every record all the same:
        # enrollments (identity, at), whose lookups (identity, id) of migration 18 serves,
        # and device_names (enrollment); the device search walks (name, enrollment)
        "DROP INDEX enrollments_identity",
        "DROP INDEX device_names_enrollment",
    ],
    [   # 23: a SCEP request as its step-ca validator's data named it (scep_webhook_data):
        # the stored request to issue in place of the device's ('' for the device's own)
        "ALTER TABLE scep_transactions ADD COLUMN names TEXT NOT NULL DEFAULT ''",
    ],
    [   # 24: notifications of SCEP outcomes not delivered yet (estra/scep/notifications.py):
        # kept until delivered or given up, so a node that stops loses none; a node
        # sending one holds it until `claimed_until`, then any node may take it
        """CREATE TABLE notifications (
            id {id}, at DOUBLE PRECISION NOT NULL, kind TEXT NOT NULL, label TEXT NOT NULL,
            transaction_id TEXT NOT NULL, target TEXT NOT NULL, body TEXT NOT NULL,
            about TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
            due DOUBLE PRECISION NOT NULL, claimed_until DOUBLE PRECISION NOT NULL,
            last_error TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX notifications_due ON notifications (due)",
    ],
]


class StoreVersionError(ValueError):
    """The store's schema is not the one this release runs on (one line: what to do)."""


def _version(cursor: Any) -> int:
    cursor.execute("SELECT MAX(version) FROM schema_version")
    return int(cursor.fetchone()[0] or 0)


def _too_new(version: int) -> StoreVersionError:
    return StoreVersionError(
        f"the store is at schema {version}, newer than estra {__version__} knows "
        f"({len(MIGRATIONS)}): run the release that migrated it, or a newer one")


def _has_column(cursor: Any, dialect: Dialect, table: str, column: str) -> bool:
    if dialect is POSTGRES:
        cursor.execute("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = "
                       "current_schema() AND table_name = %s AND column_name = %s",
                       (table, column))
    else:
        cursor.execute("SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?",
                       (table, column))
    return bool(cursor.fetchone()[0])


def _renumbered(cursor: Any, dialect: Dialect, version: int) -> int:
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


def apply_migrations(cursor: Any, dialect: Dialect, legacy: Legacy | None = None,
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


def migrate_blocking(store: StoreBase, legacy: Legacy | None = None) -> int:
    """Migrate before the reactor runs (start-up, `estra migrate`), on a connection of
    its own; `legacy` tells how to carry identities of old releases forward."""
    version: int = run_blocking(store, lambda cursor, dialect: apply_migrations(cursor, dialect,
                                                                        legacy))
    return version


def schema_version(store: StoreBase) -> int:
    """The schema version the store records (0: a new, empty store); changes nothing."""
    def read(cursor: Any, dialect: Dialect) -> int:
        if dialect is POSTGRES:
            cursor.execute("SELECT to_regclass('schema_version') IS NOT NULL")
        else:
            cursor.execute("SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' "
                           "AND name = 'schema_version'")
        return _version(cursor) if cursor.fetchone()[0] else 0
    version: int = run_blocking(store, read)
    return version


def require_current(store: StoreBase) -> None:
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
