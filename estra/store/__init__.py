"""Persistence: the SQLite / PostgreSQL store and its migrations, rows of
earlier releases carried forward, files of the state directory written
atomically.

database  The store: enrollments, pending approvals, one-time codes, rate counters, audit.
files     Files of the state directory, written atomically: a reader sees the old file or the
          new one, never a partial one.
upgrade   Carrying rows of earlier releases forward: old identities become principals.
"""

from __future__ import annotations

from estra.store.database import (EnrollmentRecord, MIGRATIONS, NoStore, PENDING_COLUMNS, POSTGRES,
                                  PROCESSED, SCEP_BEGUN, SQLITE, Standing, Store, StoreVersionError,
                                  migrate_blocking, open_store, require_current, run_blocking,
                                  schema_version)
from estra.store.files import replace_file, set_line, write_private, write_public
from estra.store.upgrade import Legacy, Unmappable

__all__ = ["EnrollmentRecord", "Legacy", "MIGRATIONS", "NoStore", "PENDING_COLUMNS", "POSTGRES",
           "PROCESSED", "SCEP_BEGUN", "SQLITE", "Standing", "Store", "StoreVersionError",
           "Unmappable", "migrate_blocking", "open_store", "replace_file", "require_current",
           "run_blocking", "schema_version", "set_line", "write_private", "write_public"]
