"""Serial numbers in one form everywhere, the one `openssl x509 -serial` prints; records
stored before (lower-case, odd length) are rewritten by a migration so they still match."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from twisted.python.filepath import FilePath

from estra.store import schema as store_module
from estra.store.database import Store, migrate_blocking, open_store
from estra.asn1.wire import normalise_serial, serial_hex
from tests import pki

#: (old form as estra stored it, the form openssl prints)
OLD_AND_NEW = [("a1b", "0A1B"), ("ff", "FF"), ("5ec3b7a6437fa4e0", "5EC3B7A6437FA4E0")]


def test_serial_hex_is_openssl_form(tmp_path: Path) -> None:
    """serial_hex prints what `openssl x509 -serial -noout` prints after "serial="."""
    assert [serial_hex(n) for n in (0, 0xA1B, 0xFF, 0x1F, -0x0A)] == [
        "00", "0A1B", "FF", "1F", "-0A"]
    for _ in range(8):          # random 159-bit serials: about half have an odd hex length
        cert = pki.CA("serials").issue(pki.name("leaf"), pki.ec_key().public_key())
        (tmp_path / "leaf.pem").write_bytes(cert.public_bytes(pki.PEM))
        shown = subprocess.run(["openssl", "x509", "-serial", "-noout", "-in",
                                str(tmp_path / "leaf.pem")], capture_output=True, text=True,
                               check=True, timeout=30).stdout.strip()
        assert shown == f"serial={serial_hex(cert.serial_number)}"


def test_normalise_serial_accepts_operator_spellings() -> None:
    """Any case, odd length, colons, "serial=" or "0x": all the same serial."""
    for text in ("a1b", "0a1b", "0A:1B", "serial=0A1B", "0x0a1b", " 0a 1b "):
        assert normalise_serial(text) == "0A1B", text
    with pytest.raises(ValueError):
        normalise_serial("xyz")


def seed_old_serials(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database at schema 3 holding serials in the old `f"{n:x}"` form, then migrated."""
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:3])
    assert migrate_blocking(store) == 3
    monkeypatch.undo()
    with _connection(store) as (conn, sql):
        cursor = conn.cursor()
        for n, (old, _) in enumerate(OLD_AND_NEW):
            cursor.execute(sql(
                "INSERT INTO enrollments (at, identity, method, peer, label, operation, "
                "csr_sha256, key_sha256, subject, sans, decision, rule, reason, serial) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
                (time.time(), "basic:alice", "basic", "127.0.0.1", "default", "simpleenroll",
                 "x", "y", f"CN=d{n}", "[]", "issued", "issued", "", old))
            cursor.execute(sql(
                "INSERT INTO pending (at, label, operation, identity, key_sha256, subject, "
                "sans, csr, status, serial) VALUES (?,?,?,?,?,?,?,?,?,?)"),
                (time.time(), "default", "simpleenroll", "basic:alice", f"k{n}", "CN=d",
                 "[]", "csr", "issued", old))
            cursor.execute(sql(
                "INSERT INTO scep_transactions (label, transaction_id, signer_sha256, at, "
                "identity, method, operation, csr, serial) VALUES (?,?,?,?,?,?,?,?,?)"),
                ("default", f"tx{n}", "s", time.time(), "code:x", "scep", "scep-pkcsreq",
                 "csr", old))
        conn.commit()
    assert migrate_blocking(store) == len(store_module.MIGRATIONS)


def stored_serials(store: Store) -> dict[str, list[str]]:
    with _connection(store) as (conn, _):
        cursor = conn.cursor()
        found = {}
        for table in ("enrollments", "pending", "scep_transactions"):
            cursor.execute(f"SELECT serial FROM {table} ORDER BY at")
            found[table] = [row[0] for row in cursor.fetchall()]
        return found


class _connection:
    def __init__(self, store: Store) -> None:
        pool = store.pool
        self.conn = pool.dbapi.connect(*pool.connargs, **pool.connkw)
        self.sql = store.dialect.sql

    def __enter__(self) -> tuple[Any, Any]:
        return self.conn, self.sql

    def __exit__(self, *exc: Any) -> None:
        self.conn.close()


def test_migration_rewrites_old_serials_sqlite(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Migration 4 rewrites enrollments, pending and scep_transactions serials (SQLite)."""
    check_migration_rewrites_serials(open_store("", FilePath(str(tmp_path)), time.time),
                                     monkeypatch)


def check_migration_rewrites_serials(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seed `store` with old-format serials, migrate, and find them rewritten everywhere."""
    try:
        seed_old_serials(store, monkeypatch)
        new = [new for _, new in OLD_AND_NEW]
        assert stored_serials(store) == {"enrollments": new, "pending": new,
                                         "scep_transactions": new}
    finally:
        store.pool.close()
