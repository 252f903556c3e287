"""Issue #20: the dashboard's chart (records per hour and decision) reads a summary the
writer keeps, a few rows per hour, never the records of a day (375 ms at a million
records on SQLite before).  Each test failed before migration 20 (no
`enrollment_hours`: the chart counted the enrollments)."""

from __future__ import annotations

import tempfile
import time
from typing import Any

from twisted.internet.defer import Deferred, DeferredList, ensureDeferred, succeed
from twisted.python.filepath import FilePath
from twisted.trial.unittest import SynchronousTestCase, TestCase

from estra.store.database import (MIGRATIONS, EnrollmentRecord, Store, apply_migrations,
                                  enrollment_hours, migrate_blocking, open_store,
                                  run_blocking)
from tests.test_console import deferred_test, temporary

HOUR = 3600 * 500_000              # an hour's start (1_800_000_000)


def record(at: float, decision: str, n: int = 0) -> EnrollmentRecord:
    return EnrollmentRecord(at, f"basic:dev{n}", "basic", "192.0.2.1", "default",
                            "simpleenroll", f"c{n}", f"k{n}", f"CN=dev{n}", [], decision,
                            decision, "")


def summary(store: Store) -> list[tuple[int, str, int]]:
    """enrollment_hours as stored, its shards added up."""
    def read(cursor: Any, dialect: Any) -> list[tuple[int, str, int]]:
        cursor.execute("SELECT hour, decision, SUM(count) FROM enrollment_hours "
                       "GROUP BY hour, decision ORDER BY hour, decision")
        return [(int(h), str(d), int(n)) for h, d, n in cursor.fetchall()]
    return list(run_blocking(store, read))


def shards(store: Store) -> int:
    def read(cursor: Any, dialect: Any) -> int:
        cursor.execute("SELECT COUNT(DISTINCT shard) FROM enrollment_hours")
        return int(cursor.fetchone()[0])
    return int(run_blocking(store, read))


def counted(store: Store) -> list[tuple[int, str, int]]:
    def read(cursor: Any, dialect: Any) -> list[tuple[int, str, int]]:
        cursor.execute("SELECT at, decision FROM enrollments")
        rows: dict[tuple[int, str], int] = {}
        for at, decision in cursor.fetchall():
            key = (int(float(at) // 3600), str(decision))
            rows[key] = rows.get(key, 0) + 1
        return [(h, d, n) for (h, d), n in sorted(rows.items())]
    return list(run_blocking(store, read))


class WriterTests(TestCase):
    @deferred_test
    async def test_the_writer_counts_each_record_in_its_hour(self) -> None:
        """Records written concurrently (group commit batches) across two hours and
        three decisions are counted per hour and decision, as a GROUP BY over the
        records would; the chart's query answers hours after the first one asked."""
        store = open_store("", temporary(self), time.time)
        store.startService()
        self.addCleanup(store.stopService)
        await store.migrate()
        plan = [(HOUR + 10, "issued")] * 5 + [(HOUR + 3599, "rejected")] * 2 + [
            (HOUR + 3600, "issued"), (HOUR + 7000, "held"), (HOUR + 7100, "issued")]
        await DeferredList([ensureDeferred(store.record(record(at, decision, i)))
                            for i, (at, decision) in enumerate(plan)], fireOnOneErrback=True)
        await store.record(record(HOUR + 20, "issued", 99))       # a batch of its own
        expected = [(HOUR // 3600, "issued", 6), (HOUR // 3600, "rejected", 2),
                    (HOUR // 3600 + 1, "held", 1), (HOUR // 3600 + 1, "issued", 2)]
        self.assertEqual(summary(store), expected)
        self.assertEqual(counted(store), expected)
        self.assertEqual(sorted(await store.outcomes_per_hour(HOUR + 1800)),
                         [(0, "issued", 6), (0, "rejected", 2), (1, "held", 1),
                          (1, "issued", 2)])
        self.assertEqual(sorted(await store.outcomes_per_hour(HOUR + 3600)),
                         [(0, "held", 1), (0, "issued", 2)])


class ChartQueryTests(SynchronousTestCase):
    def test_the_chart_reads_no_records(self) -> None:
        """SQLite's plan of the chart's query walks the summary's primary key, never
        the enrollments."""
        store = open_store("", FilePath(tempfile.mkdtemp()), time.time)
        self.addCleanup(store.pool.close)
        migrate_blocking(store)
        seen: list[str] = []

        class Spy:
            def runQuery(self, sql: str, args: Any = ()) -> Deferred[list[Any]]:
                seen.append(sql)
                return succeed([])
        spied = Store(Spy(), store.dialect, time.time)   # type: ignore[arg-type]
        self.successResultOf(ensureDeferred(spied.outcomes_per_hour(HOUR)))

        def plan(cursor: Any, dialect: Any) -> str:
            cursor.execute("EXPLAIN QUERY PLAN " + seen[0], (HOUR // 3600,))
            return " | ".join(str(row[-1]) for row in cursor.fetchall())
        self.assertEqual(len(seen), 1)
        self.assertNotIn("enrollments", seen[0])
        self.assertIn("enrollment_hours", run_blocking(store, plan))
        self.assertNotIn("SCAN", run_blocking(store, plan))


def check_chart_migration(store: Store) -> None:
    """A store of the previous schema with records in two hours migrates: the summary
    holds them per hour and decision."""
    def previous(cursor: Any, dialect: Any) -> None:
        apply_migrations(cursor, dialect, upto=next(   # the schema before the summary
            i for i, steps in enumerate(MIGRATIONS) if enrollment_hours in steps))
        for seconds, decision in ((0, "issued"), (1, "issued"), (3599.5, "rejected"),
                                  (3600, "issued"), (3700, "failed")):
            r = record(HOUR + seconds, decision)
            cursor.execute(dialect.sql(
                "INSERT INTO enrollments (at, identity, method, peer, label, operation, "
                "csr_sha256, key_sha256, subject, sans, decision, rule, reason) VALUES "
                "(?,?,?,?,?,?,?,?,?,?,?,?,?)"),
                (r.at, r.identity, r.method, r.peer, r.label, r.operation, r.csr_sha256,
                 r.key_sha256, r.subject, "[]", r.decision, r.rule, r.reason))
    run_blocking(store, previous)
    assert migrate_blocking(store) == len(MIGRATIONS)
    expected = [(HOUR // 3600, "issued", 2), (HOUR // 3600, "rejected", 1),
                (HOUR // 3600 + 1, "failed", 1), (HOUR // 3600 + 1, "issued", 1)]
    assert summary(store) == expected, summary(store)


class MigrationTests(SynchronousTestCase):
    def test_records_stored_before_are_counted(self) -> None:
        """The summary's migration on SQLite (`test_chart_migration_postgres` below)."""
        store = open_store("", FilePath(tempfile.mkdtemp()), time.time)
        self.addCleanup(store.pool.close)
        check_chart_migration(store)


def test_chart_migration_postgres(database: str) -> None:
    """The summary's migration on PostgreSQL."""
    check_chart_migration(open_store(database, FilePath(tempfile.mkdtemp()), time.time))


def check_two_writers(url: str) -> None:
    """Two Stores on one database (two nodes) each add to rows of their own (no writer
    waits on another's row); the chart adds them up."""
    state = FilePath(tempfile.mkdtemp())
    nodes = [open_store(url, state, time.time), open_store(url, state, time.time)]
    try:
        migrate_blocking(nodes[0])
        for node, one in zip(nodes * 2, (record(HOUR, "issued"), record(HOUR + 1, "issued"),
                                         record(HOUR + 4000, "held"),
                                         record(HOUR + 2, "issued")), strict=True):
            def write(cursor: Any, dialect: Any, node: Store = node,
                      one: EnrollmentRecord = one) -> list[int]:
                return node._insert(cursor, [(one, None)])
            run_blocking(node, write)
        assert summary(nodes[1]) == [(HOUR // 3600, "issued", 3),
                                     (HOUR // 3600 + 1, "held", 1)]
        assert shards(nodes[0]) == 2
    finally:
        for node in nodes:
            node.pool.close()


class NodesTests(SynchronousTestCase):
    def test_two_writers_keep_rows_of_their_own(self) -> None:
        """Two writers on one SQLite file (`test_two_writers_on_postgres` below)."""
        check_two_writers("")


def test_two_writers_on_postgres(database: str) -> None:
    """On PostgreSQL, two nodes' writers count in rows of their own (ON CONFLICT)."""
    check_two_writers(database)
