"""Group commit of enrollment records (estra/store/enrollments.py `Enrollments.record`):
concurrent records share one transaction, each caller returns only after its record is
on disk, and a record that fails its transaction fails only its own caller."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from twisted.internet.defer import Deferred, gatherResults
from twisted.python.filepath import FilePath
from twisted.trial.unittest import TestCase

from estra.store.database import EnrollmentRecord, Store, open_store


def record(n: int, serial: str | None = None) -> EnrollmentRecord:
    return EnrollmentRecord(at=time.time(), identity=f"basic:dev{n}", method="basic",
                            peer="127.0.0.1", label="default", operation="simpleenroll",
                            csr_sha256="00", key_sha256="11", subject=f"CN=dev{n}", sans=[],
                            decision="issued" if serial else "rejected", rule="r",
                            reason="", serial=serial)


class CountingConnection:
    """A DB-API connection counting its commits into `counter.transactions`."""

    def __init__(self, conn: Any, counter: Any) -> None:
        self._conn, self._counter = conn, counter

    def commit(self) -> None:
        self._counter.transactions += 1
        self._conn.commit()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


class GroupCommitTests(TestCase):
    def setUp(self) -> Deferred[Any]:
        self.dir = FilePath(self.mktemp())
        self.dir.makedirs()
        self.store: Store = open_store("", self.dir, time.time)
        self.store.startService()
        self.addCleanup(self.store.stopService)
        self.transactions = 0                  # commits on the writer's connection
        writer = self.store._writer
        assert writer is not None
        connect = writer._connect

        def counting() -> Any:
            return CountingConnection(connect(), self)
        writer._connect = counting
        return Deferred.fromCoroutine(self.store.migrate())

    def on_disk(self) -> list[str]:
        """The subjects committed, read over a connection of its own."""
        conn = sqlite3.connect(self.dir.child("estra.db").path)
        try:
            return [row[0] for row in conn.execute("SELECT subject FROM enrollments")]
        finally:
            conn.close()

    def test_concurrent_records_share_transactions(self) -> Deferred[None]:
        """20 records made at once: fewer than 20 transactions, every caller gets its
        own id, and each record is committed when its caller resumes."""
        seen: list[bool] = []

        async def one(n: int) -> int:
            row_id = await self.store.record(record(n))
            seen.append(f"CN=dev{n}" in self.on_disk())
            return row_id

        async def run() -> None:
            self.transactions = 0
            ids = await gatherResults([Deferred.fromCoroutine(one(n)) for n in range(20)])
            self.assertEqual(len(set(ids)), 20)
            self.assertEqual(seen, [True] * 20)
            self.assertLess(self.transactions, 20)
            self.assertEqual(sorted(self.on_disk()), sorted(f"CN=dev{n}" for n in range(20)))
        return Deferred.fromCoroutine(run())

    def test_a_failing_record_fails_only_its_caller(self) -> Deferred[None]:
        """A hook raising inside a batch: that caller gets the error and its record is
        not stored; the others of the same batch are stored."""
        def broken(cursor: Any, serial: str) -> None:
            raise ValueError("hook failed")

        async def run() -> None:
            calls = [Deferred.fromCoroutine(self.store.record(record(n, f"0{n}"),
                                                              broken if n == 3 else None))
                     for n in range(6)]
            results = []
            for call in calls:
                try:
                    results.append(await call)
                except ValueError as e:
                    results.append(str(e))
            self.assertEqual(results[3], "hook failed")
            self.assertEqual(len({r for r in results if isinstance(r, int)}), 5)
            self.assertEqual(sorted(self.on_disk()),
                             sorted(f"CN=dev{n}" for n in range(6) if n != 3))
        return Deferred.fromCoroutine(run())


class WriterTests(TestCase):
    """The store's writer thread (estra/store/engine.py `Writer`): every write transaction
    on one connection, queued writes finished on stop, a lost connection replaced."""

    def setUp(self) -> Deferred[Any]:
        self.dir = FilePath(self.mktemp())
        self.dir.makedirs()
        self.store: Store = open_store("", self.dir, time.time)
        self.store.startService()
        self.addCleanup(lambda: self.store.running and self.store.stopService())
        self.transactions = 0
        writer = self.store._writer
        assert writer is not None
        self.writer = writer
        connect = writer._connect
        writer._connect = lambda: CountingConnection(connect(), self)
        return Deferred.fromCoroutine(self.store.migrate())

    def rows(self, table: str) -> int:
        conn = sqlite3.connect(self.dir.child("estra.db").path)
        try:
            return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        finally:
            conn.close()

    def test_writes_of_every_kind_on_the_writer(self) -> Deferred[None]:
        """Records, audit events and rate counters made at once all commit on the
        writer's connection; adbapi's pool runs none of them."""
        pooled: list[Any] = []
        run = self.store.pool.runInteraction

        def on_pool(*args: Any, **kw: Any) -> Any:
            pooled.append(args)
            return run(*args, **kw)
        self.store.pool.runInteraction = on_pool

        async def run_all() -> None:
            self.transactions = 0
            await gatherResults(
                [Deferred.fromCoroutine(self.store.record(record(n))) for n in range(10)]
                + [Deferred.fromCoroutine(self.store.audit("test", f"dev{n}"))
                   for n in range(10)]
                + [Deferred.fromCoroutine(self.store.hit("bucket", 60)) for _ in range(10)])
            self.assertEqual(pooled, [])
            self.assertGreaterEqual(self.transactions, 21)    # 10 + 10 alone, records shared
            self.assertEqual((self.rows("enrollments"), self.rows("audit")), (10, 10))
            self.assertEqual(await self.store.hit("bucket", 60), 11)
        return Deferred.fromCoroutine(run_all())

    def test_queued_records_are_written_before_stop_returns(self) -> Deferred[None]:
        """Records still queued when the store stops are committed by the time
        stopService returns, and their callers get their ids."""
        calls = [Deferred.fromCoroutine(self.store.record(record(n))) for n in range(30)]
        self.store.stopService()
        self.assertEqual(self.rows("enrollments"), 30)

        async def ids() -> None:
            self.assertEqual(len(set(await gatherResults(calls))), 30)
        return Deferred.fromCoroutine(ids())

    def test_a_lost_connection_is_opened_again(self) -> Deferred[None]:
        """When the writer's connection is gone, a later write opens a new one and
        commits."""
        async def run() -> None:
            await self.store.record(record(1))
            self.writer._conn.close()               # gone under the writer
            try:
                await self.store.record(record(2))
            except sqlite3.Error:
                pass                                 # that transaction may fail alone
            await self.store.record(record(3))
            self.assertIn(self.rows("enrollments"), (2, 3))
            self.assertEqual(await self.store.audit("test", "after"), None)
            self.assertEqual(self.rows("audit"), 1)
        return Deferred.fromCoroutine(run())
