"""The store's engine: SQL dialects, the writer thread, connections, and the plumbing
every part of the Store shares (`StoreBase`).

twisted.enterprise.adbapi over SQLite (the embedded default, in the state
directory) or PostgreSQL (`[store] url = "postgresql://..."`, shared by
several estra nodes).  Reads run on adbapi's threads; every write transaction
runs on the store's one writer thread and connection (`Writer`), never on the
reactor.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from queue import SimpleQueue
from typing import Any, Callable, Sequence

from attrs import frozen
from twisted.application.service import Service
from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure
from twisted.python.filepath import FilePath

from estra.interfaces import IEstraReactor, installed_reactor

__all__ = ["Dialect", "SQLITE", "POSTGRES", "Writer", "Outcome", "fire", "StoreBase",
           "run_blocking", "fetch", "marks", "with_sans", "search_filter", "like_pattern",
           "filters", "NoStore", "open_pool", "sqlite_setup"]


class Dialect:
    def __init__(self, name: str, id_column: str, placeholder: str, bytewise: str = ""
                 ) -> None:
        self.name, self.id_column, self.placeholder = name, id_column, placeholder
        self.bytewise = bytewise        # the collation that orders text byte by byte

    def sql(self, query: str) -> str:
        return query.replace("?", self.placeholder) if self.placeholder != "?" else query


SQLITE = Dialect("sqlite", "INTEGER PRIMARY KEY AUTOINCREMENT", "?")
POSTGRES = Dialect("postgresql", "BIGSERIAL PRIMARY KEY", "%s", ' COLLATE "C"')


@frozen
class _Job:
    """`work(cursor, *args)` for the writer thread; with `each`, `args` is (items,)
    and `work(cursor, items)` returns one result per item."""

    work: Callable[..., Any]
    args: tuple[Any, ...]
    done: Deferred[Any]
    each: bool = False


#: What a job of items yields per item: (True, result) or (False, Failure).
Outcome = tuple[bool, Any]


class Writer:
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
                 ) -> Deferred[list[Outcome]]:
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

    def _loop(self) -> None:
        while (job := self._jobs.get()) is not None:
            if job.each:
                outcome: Outcome = (True, self._each(job.work, job.args[0]))
            else:
                outcome = self._one(job.work, *job.args)
            self._reactor.callFromThread(fire, job.done, *outcome)
        self._close()

    def _each(self, work: Callable[[Any, list[Any]], list[Any]], items: list[Any]
              ) -> list[Outcome]:
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

    def _one(self, work: Callable[..., Any], *args: Any) -> Outcome:
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


def fire(done: Deferred[Any], ok: bool, value: Any) -> None:
    """On the reactor: answer a caller (unless it left: a cancelled Deferred)."""
    if not done.called:
        if ok:
            done.callback(value)
        else:
            done.errback(value)


class StoreBase(Service):
    """The plumbing of `estra.store.database.Store`, which every per-record part
    (enrollments.py, pending.py, ...) builds on: a Service so the pool starts and
    stops with estra.

    Reads run on adbapi's pool; writes on `writer`, or on the pool without one
    (an in-memory pool that answers synchronously, as the fuzzer's)."""

    def __init__(self, pool: adbapi.ConnectionPool, dialect: Dialect,
                 clock: Callable[[], float], writer: Writer | None = None) -> None:
        self.pool, self.dialect, self.clock = pool, dialect, clock
        self._writer = writer

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

    async def _rows(self, sql: str, *args: Any) -> list[Any]:
        """The rows of a read-only query as dicts; the caller names their TypedDict."""
        def run(cursor: Any) -> list[Any]:
            return fetch(cursor, self.dialect, sql, *args)
        result: list[Any] = await self._run(run)
        return result

    async def rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        """The rows of a read-only query as dicts (`sans` as a list)."""
        return with_sans(await self._rows(sql, *args))

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

    async def _search(self, table: str, exact: dict[str, str], like: tuple[str, str],
                      since: float | None, until: float | None,
                      limit: int, offset: int = 0, at: str = "at") -> list[Any]:
        where, args = search_filter(exact, like, since, until, at)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return await self._rows(f"SELECT * FROM {table}{clause} ORDER BY id DESC "
                                "LIMIT ? OFFSET ?", *args, limit, offset)

    def _lock_identity(self, cursor: Any, identity: str) -> None:
        """Serialize the rest of this transaction with every other one locking
        `identity`, on every node: a PostgreSQL advisory lock held until commit; on
        SQLite the database's write lock, taken before the transaction reads (sqlite3
        would begin it only at the first write), for other processes on the file."""
        if self.dialect is POSTGRES:
            cursor.execute("SELECT pg_advisory_xact_lock(7031, hashtext(%s))", (identity,))
        elif not cursor.connection.in_transaction:
            cursor.execute("BEGIN IMMEDIATE")


def run_blocking(store: StoreBase, work: Callable[[Any, Any], Any]) -> Any:
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


def fetch(cursor: Any, dialect: Dialect, sql: str, *args: Any) -> list[Any]:
    """Rows of `sql` as dicts, on `cursor` (typed by the caller: the TypedDict of the
    record module that reads them)."""
    cursor.execute(dialect.sql(sql), args)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def marks(values: Sequence[Any]) -> str:
    """The placeholders of an IN list of `values`."""
    return ", ".join("?" * len(values))


def with_sans(rows: list[Any]) -> list[Any]:
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
    where, args = filters(**{k: v for k, v in exact.items() if v})
    if like[1]:
        where.append(f"LOWER({like[0]}) LIKE LOWER(?) ESCAPE '\\'")
        args.append(like_pattern(like[1]))
    for op, value in ((">=", since), ("<", until)):
        if value is not None:
            where.append(f"{at} {op} ?")
            args.append(value)
    return where, args


def like_pattern(text: str) -> str:
    """A LIKE pattern (ESCAPE '\\') matching `text` anywhere, its wildcards literal."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def filters(**conditions: Any) -> tuple[list[str], list[Any]]:
    where = [f"{name} = ?" for name, value in conditions.items() if value is not None]
    return where, [value for value in conditions.values() if value is not None]


class NoStore(Exception):
    """The SQLite database does not exist and the caller may not create it."""


def open_pool(url: str, state_dir: FilePath, create: bool = True
              ) -> tuple[adbapi.ConnectionPool, Dialect, Writer]:
    """The pool, dialect and writer of a Store for `url` (`estra.store.database.open_store`):
    "" or sqlite:///path (default state_dir/estra.db), or postgresql://.

    With `create` false (the `estra` operator commands) a missing SQLite file
    raises `NoStore`: only the server (or `estra init`) makes state.
    """
    if url.startswith(("postgresql://", "postgres://")):
        pool = _started_by_us(adbapi.ConnectionPool("psycopg", url, cp_min=1, cp_max=8,
                                                    cp_reconnect=True, cp_noisy=False))
        return pool, POSTGRES, _writer_for(pool)
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
        cp_noisy=False, cp_openfun=sqlite_setup))
    return pool, SQLITE, _writer_for(pool)


def _started_by_us(pool: adbapi.ConnectionPool) -> adbapi.ConnectionPool:
    """`pool`, started only when estra starts it (`Store.startService`, the CLI's
    `pool.start()`), not whenever the reactor next runs (adbapi's callWhenRunning): a
    store opened for blocking work only (migrations, `estra` commands, tests) must
    never leave pool threads behind, which keep the process from exiting."""
    if pool.startID is not None:          # the reactor is not running yet
        installed_reactor().removeSystemEventTrigger(pool.startID)
        pool.startID = None
    return pool


def _writer_for(pool: adbapi.ConnectionPool) -> Writer:
    """A writer making its connection as `pool` does, on the reactor adbapi uses."""
    return Writer(lambda: _connection(pool), installed_reactor())


def sqlite_setup(conn: Any) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    # Deleted rows are zeroed, not left in free pages (Debian builds do this by default):
    # migration 3 drops SCEP requests that still carried their challengePassword.
    conn.execute("PRAGMA secure_delete=ON")


_ = sqlite3  # the sqlite3 DB-API module is loaded by name by adbapi
