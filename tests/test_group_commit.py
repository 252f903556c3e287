"""Group commit of enrollment records (estra/store.py `Store.record`): concurrent
records share one transaction, each caller returns only after its record is on
disk, and a record that fails its transaction fails only its own caller."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from twisted.internet.defer import Deferred, gatherResults
from twisted.python.filepath import FilePath
from twisted.trial.unittest import TestCase

from estra.store import EnrollmentRecord, Store, open_store


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
        writer._connect = counting  # type: ignore[method-assign]
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
