"""`estra backup DIR` and `estra restore DIR`: the state directory and the store, together.

A backup directory holds::

    estra-backup.json   release, schema version, store kind, the files copied
    state/              every file of the state directory (CA, keys, htpasswd, ...), modes kept
    estra.db            SQLite: a copy made with SQLite's online backup API
    store.pgdump        PostgreSQL: `pg_dump --format=custom` (when pg_dump is on PATH)

The state files are copied under the CA sync lock (no rollover half copied) and
the SQLite copy is one consistent snapshot while the server keeps running.
`restore` needs the server stopped (it takes the state lock) and puts back the
state directory and the store as they were, removing files made since.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import time
from typing import Any

from twisted.python.filepath import FilePath

from estra import __version__
from estra.ca.sync import SyncLock
from estra.config import Settings
from estra.runtime.state import StateLock, require_ca
from estra.store.database import MIGRATIONS, Store, open_store, run_blocking, schema_version

__all__ = ["backup", "restore", "BackupError"]

MANIFEST = "estra-backup.json"
#: Never copied: locks (held by a running process) and the live SQLite files.
_SKIP = ("lock", "ca-sync.lock")
_PG_DUMP = "store.pgdump"


class BackupError(Exception):
    """The backup or restore cannot be made; the message is the one line to show."""


def _postgres(settings: Settings) -> bool:
    return settings.store_url.startswith(("postgresql://", "postgres://"))


def _sqlite_file(store: Store) -> str:
    path: str = store.pool.connargs[0]
    return path


def _tool(name: str, settings: Settings, what: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not on PATH: {what} the PostgreSQL store "
                          f"({_redacted(settings.store_url)}) as docs/operations.rst, "
                          "\"Backup and restore\", shows")
    return found


def _redacted(url: str) -> str:
    import re
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def backup(settings: Settings, target: FilePath) -> dict[str, Any]:
    """Copy the state directory and the store into `target` (new or empty); returns
    the manifest written there."""
    require_ca(settings)
    if target.exists() and target.listdir():
        raise BackupError(f"{target.path} is not empty; give a new directory")
    store = open_store(settings.store_url, settings.state_dir, time.time, create=False)
    schema = schema_version(store)
    files = target.child("state")
    files.makedirs(ignoreExistingDirectory=True)
    os.chmod(target.path, 0o700)
    ours = {settings.state_dir.preauthChild(n).path for n in ("estra.db", "estra.db-wal",
                                                               "estra.db-shm",
                                                               "estra.db-journal")}
    copied = []
    with SyncLock(settings):
        for child in sorted(settings.state_dir.children(), key=lambda c: c.path):
            name = child.basename()
            if (not child.isfile() or name in _SKIP or name.endswith(".tmp")
                    or child.path in ours):
                continue
            shutil.copy2(child.path, files.child(name).path)
            copied.append(name)
    if _postgres(settings):
        _run([_tool("pg_dump", settings, "dump"), "--format=custom", "--no-owner",
              "--file", target.child(_PG_DUMP).path, settings.store_url])
        kind = "postgresql"
    else:
        _sqlite_copy(_sqlite_file(store), target.child("estra.db").path)
        kind = "sqlite"
    manifest = {"release": __version__, "schema": schema, "store": kind, "files": copied,
                "at": time.time(), "state_dir": settings.state_dir.path}
    target.child(MANIFEST).setContent(json.dumps(manifest, indent=2).encode("utf-8"))
    return manifest


def _no_other_sessions(settings: Settings) -> None:
    """BackupError while anything else (an estra node, a worker) uses the database."""
    def count(cursor: Any, dialect: Any) -> int:
        cursor.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = "
                       "current_database() AND pid <> pg_backend_pid()")
        return int(cursor.fetchone()[0])
    others: int = run_blocking(open_store(settings.store_url, settings.state_dir, time.time),
                               count)
    if others:
        raise BackupError(f"the PostgreSQL store is in use by {others} other connection(s) "
                          "(an estra node?); stop every node first")


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{os.path.basename(command[0])} failed: {_redacted(said)}")


def _sqlite_copy(source: str, destination: str) -> None:
    """One consistent snapshot of `source` into `destination` (SQLite's backup API)."""
    fd = os.open(destination, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
    src, dst = sqlite3.connect(source, timeout=30), sqlite3.connect(destination)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def restore(settings: Settings, source: FilePath) -> dict[str, Any]:
    """Put the state directory and the store back as `source` holds them; the server
    must be stopped (with SQLite its state lock is taken). Returns the manifest."""
    try:
        manifest = json.loads(source.child(MANIFEST).getContent())
    except (OSError, ValueError) as e:
        raise BackupError(f"{source.path} is not an estra backup ({MANIFEST}: {e})") from None
    if manifest["schema"] > len(MIGRATIONS):
        raise BackupError(f"the backup's store is at schema {manifest['schema']}, newer than "
                          f"this release knows ({len(MIGRATIONS)}); restore it with its "
                          f"release, estra {manifest['release']}")
    if manifest["store"] != ("postgresql" if _postgres(settings) else "sqlite"):
        raise BackupError(f"the backup holds a {manifest['store']} store, the configuration "
                          "names another kind")
    state = settings.state_dir
    state.makedirs(ignoreExistingDirectory=True)
    os.chmod(state.path, 0o700)
    lock = StateLock(state)
    lock.acquire()                                  # no estra runs on this directory
    try:
        kept = set(manifest["files"])
        for child in state.children():
            if child.isfile() and child.basename() not in kept | set(_SKIP):
                child.remove()                      # made after the backup (live db too)
        for name in manifest["files"]:
            tmp = state.child(name + ".tmp")
            shutil.copy2(source.child("state").child(name).path, tmp.path)
            os.replace(tmp.path, state.child(name).path)
        if manifest["store"] == "postgresql":
            _no_other_sessions(settings)
            _run([_tool("pg_restore", settings, "restore"), "--clean", "--if-exists",
                  "--no-owner", "--single-transaction", "--dbname", settings.store_url,
                  source.child(_PG_DUMP).path])
        else:
            store = open_store(settings.store_url, state, time.time)
            _sqlite_copy(source.child("estra.db").path, _sqlite_file(store))
    finally:
        lock.release()
    result: dict[str, Any] = manifest
    return result
