"""The store: one `Store` composed of a part per kind of record, and `open_store`.

One schema with numbered migrations (schema.py), applied at start-up under a
lock; the engine (engine.py): SQLite or PostgreSQL through adbapi, reads on
adbapi's threads, every write transaction on the store's one writer thread.
What each kind of record is and how it is queried lives in a module of its own
(enrollments.py, pending.py, codes.py, ...); `Store` is all of them, so a caller
holds one object whatever it reads or writes.

Nothing secret is stored in clear: one-time codes are kept as SHA-256 hashes
(they are random 100-bit values, so a plain hash is enough), passwords and
private keys never reach the store, and a SCEP transaction keeps its request
without the challengePassword (`wire.csr_without_challenge`).

The names other modules imported from here before the split are still here.
"""

from __future__ import annotations

from typing import Callable

from twisted.python.filepath import FilePath

from estra.store.attempts import Attempts
from estra.store.audit import Audit
from estra.store.codes import Codes, hash_code
from estra.store.console import ConsoleSessions
from estra.store.devices import Devices
from estra.store.engine import (POSTGRES, SQLITE, Dialect, NoStore, StoreBase, open_pool,
                                run_blocking, search_filter, sqlite_setup)
from estra.store.enrollments import EnrollmentRecord, Enrollments, Standing, record_names
from estra.store.notifications import Notifications
from estra.store.pending import PENDING_COLUMNS, PROCESSED, PendingRequests
from estra.store.rates import RateCounters
from estra.store.renewal import Renewals
from estra.store.revocations import Revocations
from estra.store.schema import (MIGRATIONS, StoreVersionError, apply_migrations,
                                attempts_from_refusals, devices_from_records, enrollment_hours,
                                migrate_blocking, require_current, schema_version)
from estra.store.scep import SCEP_BEGUN, ScepTransactions
from estra.store.upstream_requests import UpstreamRequests

__all__ = ["Store", "Standing", "EnrollmentRecord", "open_store", "NoStore", "hash_code",
           "MIGRATIONS", "SCEP_BEGUN", "migrate_blocking", "run_blocking", "search_filter",
           "StoreVersionError", "schema_version", "require_current", "PROCESSED",
           "PENDING_COLUMNS", "SQLITE", "POSTGRES", "Dialect", "apply_migrations",
           "attempts_from_refusals", "devices_from_records", "enrollment_hours",
           "record_names", "sqlite_setup"]


class Store(Enrollments, Renewals, Revocations, ScepTransactions, Devices, PendingRequests,
            Codes, Attempts, ConsoleSessions, UpstreamRequests, RateCounters, Audit,
            Notifications, StoreBase):
    """Async access to the database; a Service so the pool starts and stops with estra.

    Reads run on adbapi's pool; writes on `writer`, or on the pool without one
    (an in-memory pool that answers synchronously, as the fuzzer's)."""

    async def migrate(self) -> int:
        """Apply the migrations this database lacks; returns the schema version."""
        result: int = await self._transact(apply_migrations, self.dialect)
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


def open_store(url: str, state_dir: FilePath, clock: Callable[[], float],
               create: bool = True) -> Store:
    """A Store for `url`: "" or sqlite:///path (default state_dir/estra.db), or postgresql://.

    With `create` false (the `estra` operator commands) a missing SQLite file
    raises `NoStore`: only the server (or `estra init`) makes state.
    """
    pool, dialect, writer = open_pool(url, state_dir, create)
    return Store(pool, dialect, clock, writer)


# The private names tests imported before the split (defined here, not imported).
_migrate = apply_migrations
_attempts_from_refusals = attempts_from_refusals
_devices_from_records = devices_from_records
_sqlite_setup = sqlite_setup
