"""Persistence: the SQLite / PostgreSQL store and its migrations, rows of
earlier releases carried forward, files of the state directory written
atomically.

database           The Store: one class composed of the parts below, and open_store.
                   Each part types the rows its queries return (TypedDicts, exported here).
engine             Dialects, the writer thread (group commit), connections, StoreBase.
schema             Numbered migrations, migrate_blocking, schema_version, require_current.
audit              The audit trail.
enrollments        Enrollment records (group commit), a credential's Standing.
renewal            Issued certificates by serial, operators' renewal advances.
revocations        Operators' revocations and the embedded CA's CRLs.
scep               SCEP transactions and the senderNonces seen.
devices            The console's device view: records by name or serial, a device's story.
pending            Requests held for an operator: decided, claimed once, issued.
codes              One-time codes, kept as hashes.
attempts           Refused and failed attempts, aggregated per hour.
console            Console sessions, bounded counts for console pages.
upstream_requests  Request ids an upstream CA holds (AD CS pending approval).
rates              Rate counters per bucket and window.
notifications      SCEP notifications not delivered yet, claimed by one node at a time.
files              Files of the state directory, written atomically: a reader sees the old
                   file or the new one, never a partial one.
upgrade            Carrying rows of earlier releases forward: old identities become principals.
"""

from __future__ import annotations

from estra.store.database import (EnrollmentRecord, MIGRATIONS, NoStore, PENDING_COLUMNS, POSTGRES,
                                  PROCESSED, SCEP_BEGUN, SQLITE, Standing, Store, StoreVersionError,
                                  migrate_blocking, open_store, require_current, run_blocking,
                                  schema_version)
from estra.store.attempts import AttemptRow
from estra.store.audit import AuditRow
from estra.store.codes import BoundCodeRow, CodeRow
from estra.store.console import SessionRow
from estra.store.devices import DeviceStory
from estra.store.enrollments import EnrollmentRow, IssuedCertificate
from estra.store.files import replace_file, set_line, write_private, write_public
from estra.store.notifications import NotificationRow
from estra.store.pending import HeldRequest, PendingRow
from estra.store.renewal import CurrentCertificate, RenewalAdvance
from estra.store.revocations import CrlRow, RevocationRow
from estra.store.scep import ScepSeen, ScepTransactionRow
from estra.store.upgrade import Legacy, Unmappable

__all__ = ["EnrollmentRecord", "Legacy", "MIGRATIONS", "NoStore", "PENDING_COLUMNS", "POSTGRES",
           "PROCESSED", "SCEP_BEGUN", "SQLITE", "Standing", "Store", "StoreVersionError",
           "Unmappable", "migrate_blocking", "open_store", "replace_file", "require_current",
           "run_blocking", "schema_version", "set_line", "write_private", "write_public",
           # the rows the query methods return
           "AttemptRow", "AuditRow", "BoundCodeRow", "CodeRow", "CrlRow", "CurrentCertificate",
           "DeviceStory", "EnrollmentRow", "HeldRequest", "IssuedCertificate",
           "NotificationRow", "PendingRow",
           "RenewalAdvance", "RevocationRow", "ScepSeen", "ScepTransactionRow", "SessionRow"]
