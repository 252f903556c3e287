"""Upgrading a store made by an earlier release keeps every decision it holds.

The fixtures under tests/upgrade/<commit>/<store>/ were made by that release's
own twistd and CLI (tests/upgrade/make_fixtures.py), one per schema version, on
SQLite and on PostgreSQL (a `pg_dump`): a rejected, an approved and a pending
request, an unused one-time code, an issued certificate, over SCEP an issued
certificate and a held request.

`test_old_decisions_honoured_in_memory` checks every fixture: migrated in this
process by the code `estra migrate` runs, served by today's RA in memory
(`estra.testing.MemoryRA`: the production wiring, real resources; PostgreSQL
fixtures restored into a fresh database it opens), approvals made by the code
`estra approve` runs, the devices' requests those curl and scepclient send.
`test_old_decisions_honoured_by_a_real_server` makes the same checks with a real
twistd, curl, scepclient and `estra` processes, for what only they show, on
`real_server_fixtures()` only: per store the oldest fixture, the newest, and
those docs/upgrading.rst singles out (`SINGLED_OUT`): 3 to 30 s a case, by load,
against 0.6 (SQLite) to 1.6 s (PostgreSQL) in memory.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import sqlite3
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import (Encoding, PublicFormat,
                                                          load_pem_private_key, pkcs7)
from twisted.python.filepath import FilePath

from estra.store.database import (MIGRATIONS, SQLITE, Store, StoreVersionError, migrate_blocking,
                                  open_store, require_current, run_blocking, schema_version)
from estra.store.upgrade import Legacy, Unmappable
from estra.asn1 import scep_message as sm
from estra.asn1 import wire
from estra.asn1.scep_message import key_sha256
from estra.cli import command, operate
from estra.testing import DeviceTLS, LogLines, MemoryRA
from tests import pki
from tests.conftest import fresh_database
from tests.conftest import Server, estra_cli

FIXTURES = Path(__file__).resolve().parent / "upgrade"
OLD = FIXTURES / "bd5efed" / "sqlite"
BASIC_CODES = Legacy(code_kinds=("basic",))


def today_config(fixture: Path) -> str:
    """The fixture's profiles under today's configuration (codes: Basic users only)."""
    return (fixture / "estra.toml").read_text() + 'accept = ["basic"]\n'


CONFIG = today_config(OLD)


def old_state(tmp_path: Path, fixture: Path = OLD) -> Path:
    """A copy of the old release's state directory."""
    state = tmp_path / "state"
    shutil.copytree(fixture / "state", state)
    return state


def restore(dump: Path, url: str) -> None:
    """An old release's `pg_dump` into the (empty) database at `url`, by psql."""
    done = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f",
                           str(dump)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def fixtures() -> list[tuple[Path, dict[str, Any]]]:
    """Each fixture directory and its fixture.json, oldest schema first."""
    found = [(meta_file.parent, json.loads(meta_file.read_text()))
             for meta_file in FIXTURES.glob("*/*/fixture.json")]
    return sorted(found, key=lambda f: (f[1]["schema"], f[1]["commit"], f[1]["store"]))


def as_params(chosen: list[tuple[Path, dict[str, Any]]], *marks: Any) -> list[Any]:
    """`chosen` fixtures as parameters named schema-commit-store."""
    return [pytest.param(path, marks=marks, id=f"{meta['schema']}-{meta['commit']}-"
                         f"{meta['store']}") for path, meta in chosen]


def every_fixture() -> list[Any]:
    """Every fixture: what the in-memory RA checks."""
    return as_params(fixtures())


#: Fixtures docs/upgrading.rst singles out: a store numbered as on 71be18e's day, which
#: start-up records at 12 before migrating on (`_renumbered`, estra/store/schema.py).
SINGLED_OUT = ("71be18e",)


def real_server_fixtures() -> list[Any]:
    """What a real twistd, curl and scepclient check: per store the oldest fixture, the
    newest, and those SINGLED_OUT (every one of them in memory too)."""
    chosen, every = [], fixtures()
    for path, meta in every:
        of_store = [m for _, m in every if m["store"] == meta["store"]]
        if meta in (of_store[0], of_store[-1]) or meta["commit"] in SINGLED_OUT:
            chosen.append((path, meta))
    return as_params(chosen, pytest.mark.slow)


@pytest.fixture
def old_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store("", FilePath(str(old_state(tmp_path))), time.time, create=False)
    yield store
    store.pool.close()


def rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    def read(cursor: Any, dialect: Any) -> list[tuple[Any, ...]]:
        cursor.execute(sql)
        return [tuple(r) for r in cursor.fetchall()]
    result: list[tuple[Any, ...]] = run_blocking(store, read)
    return result


def test_fixture_is_schema_2(old_store: Store) -> None:
    """The fixture is what bd5efed left: schema 2, bare names."""
    assert schema_version(old_store) == 2
    assert ("dev-rejected", "rejected") in rows(old_store, "SELECT identity, status FROM pending")


def check_principals(store: Store) -> None:
    """The old decisions name the principals today's release computes."""
    assert rows(store, "SELECT identity, status FROM pending ORDER BY id") == [
        ("basic:dev-rejected", "rejected"), ("basic:dev-approved", "approved"),
        ("basic:dev-pending", "pending"), ("scep-static:held:", "pending")]
    assert rows(store, "SELECT identity FROM codes") == [("basic:carol",)]
    assert set(rows(store, "SELECT identity, method FROM enrollments")) == {
        (f"basic:{name}", "basic") for name in ("alice", "dev-rejected", "dev-approved",
                                                "dev-pending")} | {
        ("scep-static:default:", "scep-static"), ("scep-static:held:", "scep-static")}
    assert sorted(rows(store, "SELECT label, identity FROM scep_transactions")) == [
        ("default", "scep-static:default:"), ("held", "scep-static:held:")]


def test_old_identities_become_principals(old_store: Store) -> None:
    """Held requests, codes and records of bd5efed name basic principals after migrating."""
    assert migrate_blocking(old_store, BASIC_CODES) == len(MIGRATIONS)
    check_principals(old_store)


def test_unmappable_row_stops_with_one_line_and_changes_nothing(old_store: Store) -> None:
    """A code that could be for two kinds stops the migration, naming table, row and the
    answer; the store stays at schema 2 until the operator gives it."""
    with pytest.raises(Unmappable) as stopped:
        migrate_blocking(old_store, Legacy(code_kinds=("basic", "code")))
    line = str(stopped.value)
    assert "\n" not in line and "codes row 1" in line
    assert "estra migrate --principal 'carol=KIND:carol'" in line
    assert schema_version(old_store) == 2
    assert rows(old_store, "SELECT COUNT(*) FROM pending WHERE identity LIKE 'basic:%'") == [(0,)]
    migrate_blocking(old_store, Legacy(code_kinds=("basic", "code"),
                                       names={"carol": "basic:carol"}))
    check_principals(old_store)


def test_kinds_from_the_recorded_method(old_store: Store) -> None:
    """Certificates become issued:PROFILE (the profile their name was issued under) or
    bootstrap:ANCHOR; SCEP transactions of schema 2 come back owned by their request's
    key, without the challengePassword, and a code-proven one names code:NAME."""
    key = pki.ec_key()
    csr = pki.csr(key, pki.name("dev9"), challenge="the-old-code")
    db = sqlite3.connect(old_store.pool.connargs[0])
    for name, method in (("alice", "issued-certificate"), ("gw", "bootstrap-certificate")):
        db.execute("INSERT INTO enrollments (at, identity, method, peer, label, operation, "
                   "csr_sha256, key_sha256, subject, sans, decision, rule, reason) VALUES "
                   "(1, ?, ?, '::1', 'default', 'simplereenroll', 'x', 'y', 'CN=x', '[]', "
                   "'rejected', 'r', 'r')", (name, method))
    db.execute("INSERT INTO scep_transactions VALUES ('default', 'T1', 1, 'dev9', 'scep-codes', "
               "'scep-pkcsreq', ?, NULL)", (base64.b64encode(pki.der(csr)).decode(),))
    db.commit()
    db.close()
    migrate_blocking(old_store, Legacy(("0123456789abcdef",), ("basic",)))
    assert set(rows(old_store, "SELECT identity, method FROM enrollments WHERE "
                    "operation = 'simplereenroll'")) == {
        ("issued:default:alice", "issued"), ("bootstrap:0123456789abcdef:gw", "bootstrap")}
    [(identity, method, owner, stored)] = rows(
        old_store, "SELECT identity, method, signer_sha256, csr FROM scep_transactions "
        "WHERE transaction_id = 'T1'")
    assert (identity, method, owner) == ("code:dev9", "code", key_sha256(key.public_key()))
    assert wire.challenge_password(wire.load_stored_csr(base64.b64decode(stored))) is None


def test_newer_store_refused(old_store: Store) -> None:
    """A store newer than this release knows: start-up and commands refuse in one line."""
    migrate_blocking(old_store, BASIC_CODES)
    run_blocking(old_store, lambda c, d: c.execute(
        f"INSERT INTO schema_version VALUES ({len(MIGRATIONS) + 1})"))
    for attempt in (lambda: migrate_blocking(old_store), lambda: require_current(old_store)):
        with pytest.raises(StoreVersionError, match=r"newer than estra \S+ knows"):
            attempt()


def test_operator_commands_never_migrate(tmp_path: Path) -> None:
    """`pending list` on an old store refuses, naming `estra migrate`; the store stays old;
    `estra migrate` migrates it and says so."""
    state = old_state(tmp_path)
    config = tmp_path / "estra.toml"
    config.write_text(CONFIG)
    common = ("--config", str(config), "--state-dir", str(state))
    listed = estra_cli(*common, "pending", "list")
    assert listed.returncode == 2
    assert listed.stderr.strip().count("\n") == 0 and "estra migrate" in listed.stderr
    store = open_store("", FilePath(str(state)), time.time, create=False)
    assert schema_version(store) == 2
    done = estra_cli(*common, "migrate", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"from": 2, "to": len(MIGRATIONS)}
    assert schema_version(store) == len(MIGRATIONS)
    assert estra_cli(*common, "pending", "list").returncode == 0


def test_postgres_store_of_schema_2(database: str, tmp_path: Path) -> None:
    """bd5efed's own PostgreSQL store (its pg_dump) migrates the same way."""
    restore(FIXTURES / "bd5efed" / "postgresql" / "dump.sql", database)
    store = open_store(database, FilePath(str(tmp_path)), time.time, create=False)
    try:
        assert SQLITE is not store.dialect and schema_version(store) == 2
        migrate_blocking(store, BASIC_CODES)
        check_principals(store)
    finally:
        store.pool.close()


# -- a real twistd of this release serves the migrated store ------------------------

def device_csr(fixture: Path, name: str, challenge: str | None = None) -> Any:
    key = load_pem_private_key((fixture / f"{name}.key").read_bytes(), None)
    return pki.csr(key, pki.name(name), challenge=challenge)


@contextmanager
def old_node(fixture: Path, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A node directory holding a copy of the fixture's state and today's config, its
    store restored into a fresh database if the fixture is PostgreSQL's."""
    work = tmp_path / "node"
    work.mkdir()
    old_state(work, fixture)
    config = today_config(fixture)
    if not (fixture / "dump.sql").exists():
        yield work, config
        return
    with fresh_database() as url:
        restore(fixture / "dump.sql", url)
        yield work, config + f'\n[store]\nurl = "{url}"\n'


def test_a_fixture_per_schema_version() -> None:
    """Every schema version before this release's has a fixture on both stores, made by
    the commit make_fixtures.py names for it (10 and 11: the numbering of their day)."""
    from tests.upgrade.make_fixtures import COMMITS, NEVER_NEWEST, STORES
    made = {(meta["commit"], meta["store"], meta["schema"]) for meta in (
        json.loads(path.read_text()) for path in FIXTURES.glob("*/*/fixture.json"))}
    assert made == {(commit, store, schema) for commit, schema in COMMITS.items()
                    for store in STORES}
    assert set(COMMITS.values()) | NEVER_NEWEST >= set(range(2, len(MIGRATIONS)))


@pytest.mark.parametrize("fixture", real_server_fixtures())
def test_old_decisions_honoured_by_a_real_server(fixture: Path, tmp_path: Path) -> None:
    """A store of an earlier release, `estra migrate`d, served by today's twistd: the
    rejected device gets 403, the approved one 200; the pending one is approved with
    today's CLI and enrolls; the old code enrolls exactly once; the old certificate
    renews over EST; over SCEP the held device finishes and the old certificate renews."""
    meta = json.loads((fixture / "fixture.json").read_text())
    with old_node(fixture, tmp_path) as (work, config_text):
        config = work / "estra.toml"
        config.write_text(config_text)
        common = ("--config", str(config), "--state-dir", str(work / "state"))
        done = estra_cli(*common, "migrate", "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == {"from": meta["schema"], "to": len(MIGRATIONS)}
        server = Server(work, config_text)
        try:
            check_decisions(by_curl(server, fixture, meta), approve_with_cli(common), fixture,
                            meta)
            check_scep(server, approve_with_cli(common), fixture, tmp_path)
        finally:
            log = server.stop()
        assert "Traceback" not in log


#: An EST request of the checks: (path, Basic user or "", CSR, whether the old release's
#: certificate authenticates it) -> HTTP status.
Post = Callable[[str, str, Any, bool], int]


def old_certificate(fixture: Path) -> x509.Certificate:
    """The certificate the old release issued over EST (to alice)."""
    [cert] = pkcs7.load_der_pkcs7_certificates(base64.b64decode((fixture / "alice.p7")
                                                                .read_bytes()))
    return cert


def check_decisions(post: Post, approve: Callable[[int], None], fixture: Path,
                    meta: dict[str, Any]) -> None:
    """The EST decisions of the old release, against today's RA (a real server over curl,
    or in memory), `approve` being today's `estra approve`."""
    assert post("held/simpleenroll", "dev-rejected", device_csr(fixture, "dev-rejected"),
                False) == 403
    assert post("held/simpleenroll", "dev-approved", device_csr(fixture, "dev-approved"),
                False) == 200
    assert post("held/simpleenroll", "dev-pending", device_csr(fixture, "dev-pending"),
                False) == 202
    approve(meta["held"]["dev-pending"])
    assert post("held/simpleenroll", "dev-pending", device_csr(fixture, "dev-pending"),
                False) == 200
    coded = device_csr(fixture, "carol", meta["code"])
    assert post("coded/simpleenroll", "carol", coded, False) == 200
    assert post("coded/simpleenroll", "carol", coded, False) == 403
    assert post("simplereenroll", "", device_csr(fixture, "alice"), True) == 200


def by_curl(server: Server, fixture: Path, meta: dict[str, Any]) -> Post:
    """`Post` for `check_decisions` with curl to `server`."""
    def post(path: str, user: str, csr: Any, old_cert: bool) -> int:
        if old_cert:
            pem = pki.write_pair(server.workdir, "alice-old", old_certificate(fixture),
                                 load_pem_private_key((fixture / "alice.key").read_bytes(),
                                                      None))
            return server.post(path, csr, "--cert", str(pem[0]), "--key", str(pem[1]))[0]
        return server.post(path, csr, "--user", f"{user}:{meta['password']}")[0]
    return post


def approve_with_cli(common: tuple[str, ...]) -> Callable[[int], None]:
    """`approve` for `check_decisions` and `check_scep`: the `estra approve` command."""
    def approve(request_id: int) -> None:
        approved = estra_cli(*common, "approve", str(request_id))
        assert approved.returncode == 0, approved.stderr
    return approve


def check_scep(server: Server, approve: Callable[[int], None], fixture: Path,
               tmp_path: Path) -> None:
    """micromdm's scepclient: the device the old release held finishes once approved with
    today's CLI; the certificate the old release issued over SCEP renews (RenewalReq)."""
    from cryptography.hazmat.primitives import hashes
    url = f"http://127.0.0.1:{server.listener_port('SCEP ready')}/scep"
    ra = x509.load_pem_x509_certificate((server.state / "scep-ra.pem").read_bytes())

    def scepclient(device: str, label: str = "") -> Path:
        where = tmp_path / device
        shutil.copytree(fixture / device, where)
        done = subprocess.run(
            ["scepclient", "-server-url", url + label, "-private-key", str(where / "dev.key"),
             "-certificate", str(where / "dev.pem"), "-ca-fingerprint",
             ra.fingerprint(hashes.SHA256()).hex(), "-challenge", "sesame", "-cn", device],
            capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        return where / "dev.pem"
    approve(json.loads((fixture / "fixture.json").read_text())["scep_held"])
    assert scepclient("scep-held", "/held").exists()
    old = x509.load_pem_x509_certificate((fixture / "scep-issued" / "dev.pem").read_bytes())
    renewed = x509.load_pem_x509_certificate(scepclient("scep-issued").read_bytes())
    assert renewed.serial_number != old.serial_number and renewed.subject == old.subject


# -- today's RA in memory serves the migrated store: every fixture ------------------

def migrate_as_the_cli(common: tuple[str, ...], capsys: pytest.CaptureFixture[str]
                       ) -> dict[str, int]:
    """`estra migrate --json` in this process (`estra.cli.command.main`): its figures."""
    assert command.main([*common, "migrate", "--json"]) == 0
    figures: dict[str, int] = json.loads(capsys.readouterr().out)
    return figures


def approve_as_the_cli(memory: MemoryRA, request_id: int, monkeypatch: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str]) -> None:
    """`estra approve ID` as the CLI runs it (`estra.cli.operate.run`: its parser, the
    schema check, the store's decision), on the store `memory` serves: the one the CLI
    would open for the same configuration."""
    def open_store(url: str, state_dir: FilePath, clock: Any, create: bool = True) -> Store:
        assert (url, state_dir, create) == (memory.settings.store_url,
                                            memory.settings.state_dir, False)
        return memory.store
    monkeypatch.setattr(operate, "open_store", open_store)
    parser = argparse.ArgumentParser()
    operate.add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["approve", str(request_id)])
    assert operate.run(memory.settings, args, lambda work: memory.run(work(memory.reactor))) == 0
    assert capsys.readouterr().out == f"request {request_id} approved (was pending)\n"


@pytest.mark.parametrize("fixture", every_fixture())
def test_old_decisions_honoured_in_memory(fixture: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A store of an earlier release, migrated in process as `estra migrate` does it,
    served by today's RA in memory (production wiring, real resources): the same
    assertions as the real server's, every fixture (docs/upgrading.rst)."""
    meta = json.loads((fixture / "fixture.json").read_text())
    with old_node(fixture, tmp_path) as (work, config_text):
        config = work / "estra.toml"
        config.write_text(config_text)
        common = ("--config", str(config), "--state-dir", str(work / "state"))
        assert migrate_as_the_cli(common, capsys) == {"from": meta["schema"],
                                                       "to": len(MIGRATIONS)}
        logs = LogLines().start()
        memory = MemoryRA(config_text, state_dir=str(work))
        try:
            def approve(request_id: int) -> None:
                approve_as_the_cli(memory, request_id, monkeypatch, capsys)
            check_decisions(in_memory(memory, fixture, meta), approve, fixture, meta)
            check_scep_in_memory(memory, approve, fixture, meta)
        finally:
            memory.store.pool.conn.close()
            log = logs.stop()
    assert "Traceback" not in log and "log_failure" not in log


def in_memory(memory: MemoryRA, fixture: Path, meta: dict[str, Any]) -> Post:
    """`Post` for `check_decisions` to `memory` (the old certificate: the device's TLS
    chain)."""
    def post(path: str, user: str, csr: Any, old_cert: bool) -> int:
        reply = memory.post("/.well-known/est/" + path, pki.b64(csr),
                            tls=DeviceTLS((old_certificate(fixture),) if old_cert else ()),
                            headers={"Content-Type": "application/pkcs10"},
                            user=None if old_cert else (user, meta["password"]))
        return reply.code
    return post


def scepclient_tid(key: rsa.RSAPrivateKey) -> str:
    """The transaction ID micromdm's scepclient gives its requests: the RFC 7093 (method
    1) key identifier of its RSAPublicKey, in base64."""
    der = key.public_key().public_bytes(Encoding.DER, PublicFormat.PKCS1)
    return base64.b64encode(hashlib.sha256(der).digest()[:20]).decode()


def as_scepclient(memory: MemoryRA, device: Path, label: str = ""
                  ) -> tuple[sm.PkiMessage, sm.Signer, x509.CertificateSigningRequest]:
    """What scepclient sends from a fixture's `device` directory, and the RA's CertRep:
    the CSR it kept (csr.pem, with the challenge), signed with its issued dev.pem (a
    RenewalReq) or else its self-signed self.pem (a PKCSReq), sealed for the RA
    certificate of the state directory (the one its -ca-fingerprint names)."""
    key = load_pem_private_key((device / "dev.key").read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    csr = x509.load_pem_x509_csr((device / "csr.pem").read_bytes())
    issued = (device / "dev.pem").exists()
    signer = sm.Signer(x509.load_pem_x509_certificate(
        (device / ("dev.pem" if issued else "self.pem")).read_bytes()), key)
    ra = x509.load_pem_x509_certificate(memory.settings.state_dir.child("scep-ra.pem")
                                        .getContent())
    request = sm.pkcs_req(csr, signer, ra, renewal=issued, tid=scepclient_tid(key))
    reply = memory.post(f"/scep{label}?operation=PKIOperation", request.der, face="scep",
                        headers={"Content-Type": "application/x-pki-message"})
    assert reply.code == 200, reply.text
    return request.check(sm.parse(reply.body, [ra])), signer, csr


def check_scep_in_memory(memory: MemoryRA, approve: Callable[[int], None], fixture: Path,
                         meta: dict[str, Any]) -> None:
    """scepclient's messages: the device the old release held finishes once approved;
    the certificate the old release issued over SCEP renews (RenewalReq)."""
    approve(meta["scep_held"])
    held, signer, csr = as_scepclient(memory, fixture / "scep-held", "/held")
    assert held.status == sm.Status.SUCCESS, held.fail_info_text
    assert held.issued(signer)[0].subject == csr.subject
    renewal, signer, _ = as_scepclient(memory, fixture / "scep-issued")
    assert renewal.status == sm.Status.SUCCESS, renewal.fail_info_text
    old, renewed = signer.cert, renewal.issued(signer)[0]
    assert renewed.serial_number != old.serial_number and renewed.subject == old.subject


def test_start_up_migrates_and_says_so(tmp_path: Path) -> None:
    """Start-up on bd5efed's store suggests a backup, migrates, and logs `store migrated`."""
    work = tmp_path / "node"
    work.mkdir()
    old_state(work)
    log = Server(work, CONFIG).stop()
    assert "store at schema 2, this release needs" in log and "backup" in log
    assert f"store migrated 2 \N{RIGHTWARDS ARROW} {len(MIGRATIONS)}" in log


def test_version_is_pep440_everywhere() -> None:
    """One version: estra.__version__ (PEP 440), printed by `estra --version` and
    `twistd estra --version`."""
    from packaging.version import Version

    from estra import __version__
    from tests.conftest import estra_env, twistd
    assert str(Version(__version__)) == __version__
    assert estra_cli("--version").stdout.strip() == f"estra {__version__}"
    shown = subprocess.run(twistd("--version"), capture_output=True, text=True,
                           env=estra_env(), timeout=60)
    assert shown.stdout.strip() == f"estra {__version__}", shown.stderr
