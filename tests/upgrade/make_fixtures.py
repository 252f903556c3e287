"""Make the fixture stores of earlier releases (run by hand; the output is committed).

    python3 tests/upgrade/make_fixtures.py [COMMIT ...]     (default: every one in COMMITS)

For each commit and each store (SQLite, PostgreSQL on 127.0.0.1:5432): its tree
(`git archive`, no worktree) in a temporary directory, ITS twistd and `estra`
CLI on a fresh state directory, and the decisions an operator of that release
makes: a rejected request, an approved one, a pending one, an unused one-time
code, an issued certificate; over SCEP (micromdm's scepclient) an issued
certificate and a request held for approval.  Saved under
tests/upgrade/<commit>/<store>/: the state directory (SQLite store, CA, TLS
pair, htpasswd: throw-away test keys), for PostgreSQL `dump.sql` (`pg_dump`,
plain SQL) of the database that release used, the config, the devices' keys
and certificate, and `fixture.json` (who is who, request ids, the code, the
schema version the release left).

Where releases differ, the recipe asks the release itself (feature detection):
`estra init` first where `estra --help` lists it; a release whose `codes issue`
refuses a bare name gets the whole principal.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Callable, Iterator

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tests import pki  # noqa: E402

PASSWORD = "correct horse"
#: held: manual approval; coded: a one-time code in the CSR; default: issues at once
CONFIG = """
[scep]
listen = "tcp:0:interface=127.0.0.1"

[profiles.default]
validity_days = 3650
scep_password = "sesame"

[profiles.held]
approval = "manual"
approval_retry_after = 1
scep_password = "sesame"

[profiles.coded]
scep_password = "sesame"
require_code = true
"""
USERS = ("alice", "dev-rejected", "dev-approved", "dev-pending", "carol")
#: the commit that last had each schema version as its head (docs/upgrading.rst says how
#: they were found; 00cd460: main when the fixtures were made); 2335164 and 71be18e
#: numbered migrations 9-11 differently from today
COMMITS = {"bd5efed": 2, "c3f79c4": 3, "2ea066c": 4, "b480064": 5, "15bff7d": 6,
           "24a651c": 7, "1079a4a": 8, "05a0e86": 9, "2335164": 10, "71be18e": 11,
           "5ef2dd1": 12, "45cd885": 13, "00cd460": 14, "f0caeac": 15,
           "123d7f2": 16, "c88e092": 19, "215360e": 20,
           "8ee6c3c": 21, "7d059d2": 22}
#: schema versions no commit of main ever left a store at: the console's three migrations
#: (17-19) were merged in one commit, and so were the notifications' two (23-24)
NEVER_NEWEST = {17, 18, 23}
STORES = ("sqlite", "postgresql")
PG = "postgresql://postgres@127.0.0.1:5432"


def make(commit: str, store: str) -> Path:
    """The fixture of `commit` on `store` (one of STORES), under tests/upgrade/."""
    out = HERE / commit / store
    with tempfile.TemporaryDirectory() as tmp, _database(store) as url:
        tree, work = Path(tmp) / "tree", Path(tmp) / "work"
        tree.mkdir()
        work.mkdir()
        archive = subprocess.run(["git", "-C", str(HERE.parent.parent), "archive", commit],
                                 capture_output=True, check=True).stdout
        tarfile.open(fileobj=io.BytesIO(archive)).extractall(tree)
        env = {**os.environ, "PYTHONPATH": str(tree)}
        state, config = work / "state", work / "estra.toml"
        (work / "profiles.toml").write_text(CONFIG)
        config.write_text(CONFIG + (f'\n[store]\nurl = "{url}"\n' if url else ""))

        def cli(*args: str, stdin: str | None = None, check: bool = True) -> str:
            done = subprocess.run([sys.executable, "-m", "estra.cli", "--config", str(config),
                                   "--state-dir", str(state), *args], input=stdin,
                                  capture_output=True, text=True, env=env, timeout=60,
                                  cwd=work)
            if check:
                assert done.returncode == 0, done.stderr
            return done.stdout if done.returncode == 0 else ""

        if re.search(r"\binit\b", cli("--help", check=False)):  # since 2ea066c: state first
            cli("init")
        log = work / "estra.log"
        with open(log, "wb") as sink:
            server = subprocess.Popen(
                [sys.executable, "-c", "from twisted.scripts.twistd import run; run()", "-n",
                 "--pidfile=", "estra", "--config", str(config), "--state-dir", str(state),
                 "--listen", "tcp:0:interface=127.0.0.1"], stdout=sink,
                stderr=subprocess.STDOUT, env=env, cwd=work)
            try:
                port = _port(log, server)
                for user in USERS:
                    cli("user", "add", user, "--password-stdin", stdin=PASSWORD + "\n")
                fixture = _decide(work, state, port, cli)
                fixture.update(_scep(work, log, cli))
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(30)
        fixture["schema"] = _schema(state, url)
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        shutil.copytree(state, out / "state",  # without the running server's files
                        ignore=shutil.ignore_patterns("*-wal", "*-shm", "lock", "*.lock"))
        if url:
            _dump(url, out / "dump.sql")
        shutil.copy(work / "profiles.toml", out / "estra.toml")
        for name in fixture["files"]:
            shutil.copy(work / name, out / name)
        for device in SCEP_DEVICES:
            shutil.copytree(work / device, out / device)
        (out / "fixture.json").write_text(json.dumps({"commit": commit, "store": store,
                                                      **fixture}, indent=2) + "\n")
    return out


@contextmanager
def _database(store: str) -> Iterator[str]:
    """"" for SQLite (the state directory's estra.db); a new PostgreSQL database's URL."""
    if store == "sqlite":
        yield ""
        return
    name = f"estra_fixture_{secrets.token_hex(6)}"
    _psql("postgres", f"CREATE DATABASE {name}")
    try:
        yield f"{PG}/{name}"
    finally:
        _psql("postgres", f"DROP DATABASE {name} WITH (FORCE)")


def _psql(database: str, sql: str) -> str:
    return subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d",
                           f"{PG}/{database}", "-c", sql], capture_output=True, text=True,
                          check=True, timeout=60).stdout


def _dump(url: str, path: Path) -> None:
    """Plain SQL of the whole database, restorable into any fresh one (`psql -f`)."""
    dump = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", "-d", url],
                          capture_output=True, text=True, check=True, timeout=60).stdout
    path.write_text(dump)


def _schema(state: Path, url: str) -> int:
    """The schema version the release left in its store."""
    query = "SELECT MAX(version) FROM schema_version"
    if url:
        return int(_psql(url.rsplit("/", 1)[1], query))
    with closing(sqlite3.connect(state / "estra.db")) as db:
        return int(db.execute(query).fetchone()[0])


def _port(log: Path, server: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        found = re.search(r"ready on https://[^:]+:(\d+)/", log.read_text(errors="replace"))
        if found:
            return int(found.group(1))
        time.sleep(0.1)
    raise RuntimeError("the old estra did not start:\n" + log.read_text(errors="replace"))


def _post(work: Path, state: Path, port: int, path: str, user: str, csr: object,
          *extra: str) -> tuple[int, bytes]:
    body = work / "req.b64"
    body.write_bytes(pki.b64(csr))
    done = subprocess.run(["curl", "-sS", "--max-time", "30", "--cacert", str(state / "ca.pem"),
                           "-o", str(work / "reply"), "-w", "%{http_code}", *extra,
                           *(("--user", f"{user}:{PASSWORD}") if user else ()),
                           "--data-binary", f"@{body}", "-H", "Content-Type: application/pkcs10",
                           f"https://localhost:{port}/.well-known/est/{path}"],
                          capture_output=True, timeout=40, check=True)
    return int(done.stdout), (work / "reply").read_bytes()


def _decide(work: Path, state: Path, port: int, run: Callable[..., str]) -> dict[str, object]:
    """The decisions the fixture records, through the old release's own interfaces."""
    files = []
    for user in USERS:
        pki.write_key(work / f"{user}.key", pki.ec_key())
        files.append(f"{user}.key")
    keys = {user: _load_key(work / f"{user}.key") for user in USERS}
    status, body = _post(work, state, port, "simpleenroll", "alice",
                         pki.csr(keys["alice"], pki.name("alice")))
    assert status == 200, (status, body)
    (work / "alice.p7").write_bytes(body)
    files.append("alice.p7")
    held = {}
    for user in ("dev-rejected", "dev-approved", "dev-pending"):
        status, body = _post(work, state, port, "held/simpleenroll", user,
                             pki.csr(keys[user], pki.name(user)))
        assert status == 202, (status, body)
        held[user] = int(re.search(rb"request (\d+)", body).group(1))
    run("reject", str(held["dev-rejected"]), "--reason", "not one of ours")
    run("approve", str(held["dev-approved"]))
    issued = json.loads(_issue_code(run, "carol"))
    return {"password": PASSWORD, "held": held, "code": issued["code"], "files": files}


def _issue_code(run: Callable[..., str], user: str) -> str:
    """`codes issue` for Basic user `user`: by name on releases before the identity model,
    as the principal `basic:NAME` on those that refuse a bare name."""
    issue = ("codes", "issue", "--ttl", "3650d", "--json", "--identity")
    return run(*issue, user, check=False) or run(*issue, f"basic:{user}")


SCEP_DEVICES = ("scep-issued", "scep-held")


def _scep(work: Path, log: Path, run: Callable[..., str]) -> dict[str, object]:
    """scepclient enrolls `scep-issued` (static password) and is held on `held`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    port = 0
    while not port:
        found = re.search(r"estra SCEP ready on http://[^:/]+:(\d+)/", log.read_text())
        port = int(found.group(1)) if found else 0
        time.sleep(0.1)
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    ra = x509.load_pem_x509_certificate((work / "state" / "scep-ra.pem").read_bytes())
    pick = ["-ca-fingerprint", ra.fingerprint(hashes.SHA256()).hex()]  # not the EC CA
    commands = {}
    for device in SCEP_DEVICES:
        (work / device).mkdir()
        (work / device / "dev.key").write_bytes(rsa.generate_private_key(65537, 2048)
                                                .private_bytes(  # scepclient: PKCS#1 only
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption()))
        label = "/held" if device == "scep-held" else ""
        commands[device] = ["scepclient", "-server-url", f"http://127.0.0.1:{port}/scep{label}",
                            "-private-key", str(work / device / "dev.key"), "-certificate",
                            str(work / device / "dev.pem"), *pick, "-challenge", "sesame",
                            "-cn", device]
    done = subprocess.run(commands["scep-issued"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr + log.read_text()
    held = subprocess.Popen(commands["scep-held"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            rows = [r for r in json.loads(run("pending", "list", "--json"))
                    if "CN=scep-held" in r["subject"]]
            if rows:
                return {"scep_held": rows[0]["id"]}
            time.sleep(0.3)
        raise RuntimeError("scepclient was not held: " + run("pending", "list", "--all")
                           + log.read_text()[-1500:])
    finally:
        held.kill()
        held.wait()


def _load_key(path: Path) -> object:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    return load_pem_private_key(path.read_bytes(), None)


if __name__ == "__main__":
    for commit in sys.argv[1:] or list(COMMITS):
        for store in STORES:
            print(make(commit, store))
