"""`estra backup` and `estra restore` (issue #18): a consistent copy of the state directory
and the store, taken while estra runs, put back, and served by a real twistd."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Callable


from tests import pki
from tests.conftest import PASSWORD, Server, estra_cli

CONFIG = """
[profiles.manual]
approval = "manual"
approval_retry_after = 1
"""


def cli(server: Server, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    done = estra_cli("-c", str(server.config), "-d", str(server.state), *args, stdin=stdin)
    return done


def ok(server: Server, *args: str, stdin: str | None = None) -> str:
    done = cli(server, *args, stdin=stdin)
    assert done.returncode == 0, done.stderr
    return done.stdout


def backup_change_restore(server: Server, tmp_path: Path) -> None:
    """Reject a held request and back up (server running); then approve it, add a user,
    stop, restore, start: the restored rejection and users are what is served."""
    server.add_user("alice")
    request = pki.csr(pki.ec_key(), pki.name("held"))
    assert server.post("manual/simpleenroll", request)[0] == 202
    held = json.loads(ok(server, "pending", "list", "--json"))[0]["id"]
    ok(server, "reject", str(held), "--reason", "not ours")
    made = json.loads(ok(server, "backup", str(tmp_path / "bk"), "--json"))
    assert {"ca.pem", "ca.key", "htpasswd"} <= set(made["files"]) and made["schema"] > 0
    assert (tmp_path / "bk").stat().st_mode & 0o077 == 0
    ok(server, "reopen", str(held))
    ok(server, "approve", str(held))
    server.add_user("bob")
    refused = cli(server, "restore", str(tmp_path / "bk"))
    assert refused.returncode == 2 and "in use by" in refused.stderr, refused.stderr
    server.stop()
    restored = json.loads(ok(server, "restore", str(tmp_path / "bk"), "--json"))
    assert restored["schema"] == made["schema"]
    server.restart(server.config.read_text())
    status, _, body = server.post("manual/simpleenroll", request)
    assert status == 403 and b"not ours" in body, body
    bob = server.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("b")),
                      "--user", f"bob:{PASSWORD}")
    assert bob[0] == 401
    assert server.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("a")))[0] == 200


def test_sqlite_backup_and_restore(start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """SQLite: the online backup API copies the store while estra serves."""
    server = start_estra(CONFIG)
    backup_change_restore(server, tmp_path)
    assert (tmp_path / "bk" / "estra.db").exists()


def test_postgresql_backup_and_restore(database: str, start_estra: Callable[..., Server],
                                       tmp_path: Path) -> None:
    """PostgreSQL: pg_dump / pg_restore of the shared store, with the state files."""
    server = start_estra(f'[store]\nurl = "{database}"\n{CONFIG}')
    backup_change_restore(server, tmp_path)
    assert (tmp_path / "bk" / "store.pgdump").exists()


def test_backup_refuses_without_state_and_into_a_full_directory(tmp_path: Path) -> None:
    """One line and nothing made: no CA to back up, or a target that is not empty."""
    done = estra_cli("-d", str(tmp_path / "none"), "backup", str(tmp_path / "bk"))
    assert done.returncode == 2 and "no embedded CA" in done.stderr
    assert not (tmp_path / "bk").exists() and not (tmp_path / "none").exists()
    state = tmp_path / "state"
    assert estra_cli("-d", str(state), "init").returncode == 0
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    done = estra_cli("-d", str(state), "backup", str(tmp_path / "full"))
    assert done.returncode == 2 and "is not empty" in done.stderr
    assert os.listdir(tmp_path / "full") == ["x"]
    done = estra_cli("-d", str(state), "restore", str(tmp_path / "full"))
    assert done.returncode == 2 and "not an estra backup" in done.stderr
