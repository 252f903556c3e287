"""Several estra nodes sharing one PostgreSQL (127.0.0.1:5432): codes are consumed
exactly once under a race, and approvals made on one node are seen by the other."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Callable

import pytest

from tests import pki
from tests.conftest import PASSWORD, PG, Server, estra_cli, parse_http

def two_nodes(start_estra: Callable[..., Server], url: str, profile: str) -> tuple[Server, Server]:
    config = f'[store]\nurl = "{url}"\n\n[profiles.default]\n{profile}\n'
    nodes = start_estra(config), start_estra(config)
    for node in nodes:
        node.add_user("alice")
    return nodes


def enroll_command(node: Server, tmp: Path, n: int, challenge: str | None) -> list[str]:
    req = tmp / f"req{n}.b64"
    req.write_bytes(pki.b64(pki.csr(pki.ec_key(), pki.name(f"race{n}"), challenge=challenge)))
    return ["curl", "-sS", "-i", "--max-time", "60", "--cacert", str(node.ca), "--user",
            f"alice:{PASSWORD}", "--data-binary", f"@{req}", "-H",
            "Content-Type: application/pkcs10", f"{node.base}/simpleenroll"]


def test_code_race_across_two_nodes(database: str, start_estra: Callable[..., Server],
                                    tmp_path: Path) -> None:
    """20 devices send the same code at once to two nodes: exactly one enrolls."""
    a, b = two_nodes(start_estra, database, "require_code = true")
    done = estra_cli("--config", str(a.config), "--state-dir", str(a.state), "codes", "issue",
                     "--identity", "basic:alice", "--json")
    assert done.returncode == 0, done.stderr
    code = json.loads(done.stdout)["code"]
    procs = [subprocess.Popen(enroll_command((a, b)[n % 2], tmp_path, n, code),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for n in range(20)]
    statuses = []
    for proc in procs:
        out, err = proc.communicate(timeout=90)
        statuses.append(parse_http(out)[0])
    assert sorted(statuses) == [200] + [403] * 19, statuses
    assert a.alive() and b.alive()


def test_approval_seen_by_the_other_node(database: str, start_estra: Callable[..., Server],
                                        tmp_path: Path) -> None:
    """A request held by node A, approved with the CLI, is issued when the device retries at B."""
    a, b = two_nodes(start_estra, database, 'approval = "manual"')
    key = pki.ec_key()
    req = tmp_path / "held.b64"
    req.write_bytes(pki.b64(pki.csr(key, pki.name("shared"))))
    args = ("--user", f"alice:{PASSWORD}", "--data-binary", f"@{req}",
            "-H", "Content-Type: application/pkcs10")
    assert parse_http(a.curl("simpleenroll", *args).stdout)[0] == 202
    pending = json.loads(estra_cli("--config", str(b.config), "--state-dir", str(b.state),
                                   "pending", "list", "--json").stdout)
    assert [row["subject"] for row in pending] == ["CN=shared"]
    assert estra_cli("--config", str(b.config), "--state-dir", str(b.state), "approve",
                     str(pending[0]["id"])).returncode == 0
    status, _, body = parse_http(b.curl("simpleenroll", *args).stdout)
    assert status == 200, body


def test_rate_limit_counts_across_nodes(database: str, start_estra: Callable[..., Server],
                                        tmp_path: Path) -> None:
    """Rate-limit counters live in PostgreSQL: two nodes share one budget per identity."""
    a, b = two_nodes(start_estra, database, 'rate_per_identity = "3/hour"')
    statuses = []
    for n in range(4):
        out = subprocess.run(enroll_command((a, b)[n % 2], tmp_path, n, None),
                             capture_output=True, timeout=60).stdout
        statuses.append(parse_http(out)[0])
    assert statuses == [200, 200, 200, 429]


def test_migration_rewrites_old_serials_postgres(database: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Migration 4 rewrites stored serials to the openssl form on PostgreSQL too."""
    import time

    from twisted.python.filepath import FilePath

    from estra.store.database import open_store
    from tests.test_serials import check_migration_rewrites_serials
    check_migration_rewrites_serials(open_store(database, FilePath(str(tmp_path)), time.time),
                                     monkeypatch)


def test_failed_logins_count_across_nodes(database: str, start_estra: Callable[..., Server],
                                          tmp_path: Path) -> None:
    """Wrong passwords from one address alternate between two nodes: the 11th is refused
    with 429 (one budget in PostgreSQL, not ten per node), and alice still enrolls."""
    a, b = two_nodes(start_estra, database, "")
    req = tmp_path / "guess.b64"
    req.write_bytes(pki.b64(pki.csr(pki.ec_key(), pki.name("guess"))))
    args = ("--data-binary", f"@{req}", "-H", "Content-Type: application/pkcs10")
    statuses = [parse_http((a, b)[n % 2].curl("simpleenroll", "--user", f"alice:guess{n}",
                                              *args).stdout)[0] for n in range(11)]
    assert statuses == [401] * 10 + [429], statuses
    assert parse_http(b.curl("simpleenroll", "--interface", "127.0.0.2", "--user",
                             f"alice:{PASSWORD}", *args).stdout)[0] == 200


def test_store_outage_is_503_and_recovers(database: str, start_estra: Callable[..., Server],
                                          tmp_path: Path) -> None:
    """PostgreSQL refuses connections and the node's are cut: an enrollment gets 503 +
    Retry-After in text/plain (no 500, no traceback, the node stays up, one log line per
    10 s); once connections are allowed again the next enrollment gets 200."""
    import psycopg
    node = start_estra(f'[store]\nurl = "{database}"\n')
    node.add_user("alice")
    req = tmp_path / "r.b64"
    req.write_bytes(pki.b64(pki.csr(pki.ec_key(), pki.name("outage"))))
    args = ("--user", f"alice:{PASSWORD}", "--data-binary", f"@{req}",
            "-H", "Content-Type: application/pkcs10")
    assert parse_http(node.curl("simpleenroll", *args).stdout)[0] == 200
    name = database.rsplit("/", 1)[1]
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s", (name,))
        try:
            for _ in range(3):
                status, headers, body = parse_http(node.curl("simpleenroll", *args).stdout)
                assert (status, headers["content-type"]) == (503, "text/plain; charset=utf-8")
                assert int(headers["retry-after"]) > 0 and b"store is unavailable" in body
        finally:
            admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    statuses = [parse_http(node.curl("simpleenroll", *args).stdout)[0] for _ in range(3)]
    assert statuses[-1] == 200 and set(statuses) <= {200, 503}, statuses
    log = node.log.read_text()
    assert node.alive() and "Traceback" not in log and "internal error" not in log
    assert log.count("store unavailable, answered 503") == 1, log
