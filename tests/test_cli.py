"""The `estra` command (operations issue #10): --json everywhere, one-line failures without
state, users, reopening rejected requests, serials, and the EST client's behaviour."""

from __future__ import annotations

import json
import os
import pty
import select
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

import pytest
from cryptography import x509

from estra.cli.command import HELD
from estra.asn1.wire import serial_hex
from tests import pki
from tests.conftest import PASSWORD, ROOT, Server, estra_cli, estra_env, issued
from tests.memory import MemoryServer

CONFIG = """
[profiles.default]
san_dns_suffixes = ["example.com"]

[profiles.manual]
approval = "manual"
approval_retry_after = 1
"""


def cli(server: Server | MemoryServer, *args: str,
        stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return estra_cli("--state-dir", str(server.state), *args, stdin=stdin)


def as_json(server: Server | MemoryServer, *args: str, stdin: str | None = None) -> Any:
    """The command's JSON, the same with --json before and after the sub-command."""
    before = cli(server, "--json", *args, stdin=stdin)
    after = cli(server, *args, "--json", stdin=stdin)
    assert before.returncode == 0 and after.returncode == 0, before.stderr + after.stderr
    first, second = json.loads(before.stdout), json.loads(after.stdout)
    assert type(first) is type(second)
    return second


def one_line_failure(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("estra: "), done.stderr
    for text in expected:
        assert text in done.stderr, done.stderr


def write_csr(tmp: Path, cn: str, *dns: str) -> Path:
    key = pki.ec_key()
    path = tmp / f"{cn}.csr"
    path.write_bytes(pki.csr(key, pki.name(cn), [x509.DNSName(d) for d in dns])
                     .public_bytes(pki.PEM))
    return path


def client_args(server: Server) -> tuple[str, ...]:
    return ("--url", f"https://localhost:{server.port}", "--cacert", str(server.ca))


OPERATOR_COMMANDS = [("pending", "list"), ("approve", "1"), ("reject", "1", "--reason", "no"),
                     ("reopen", "1"), ("codes", "list"), ("enrollments", "list"),
                     ("user", "list"), ("user", "remove", "alice"), ("health",),
                     ("ra-cert", "x", "--out", "ra")]


def test_without_state_one_line_and_nothing_created(tmp_path: Path) -> None:
    """Every operator command in a directory without state fails with one line (plain and
    --json) and creates neither a state directory nor estra.db."""
    def run(commands: list[tuple[str, ...]]) -> list[subprocess.CompletedProcess[str]]:
        """All at once: each is a separate `estra` process."""
        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(lambda args: subprocess.run(
                [sys.executable, "-m", "estra.cli", *args], cwd=tmp_path, capture_output=True,
                text=True, env=estra_env(), timeout=60), commands))
    for done in run(OPERATOR_COMMANDS):
        one_line_failure(done, "estra-state")
    for done in run([("--json", *command) for command in OPERATOR_COMMANDS]):
        one_line_failure(done)
        assert "error" in json.loads(done.stdout)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "estra-state").mkdir()            # a state directory, but no store in it
    for done in run(OPERATOR_COMMANDS[:6]):
        one_line_failure(done, "estra.db")
    assert list((tmp_path / "estra-state").iterdir()) == []


def test_bad_config_one_line(tmp_path: Path) -> None:
    """A config file that does not exist or does not parse: one line, exit 2."""
    (tmp_path / "bad.toml").write_text("[profiles.default\n")
    for config, expected in (("missing.toml", "cannot read"), ("bad.toml", "not valid TOML")):
        done = estra_cli("--config", str(tmp_path / config), "pending", "list")
        one_line_failure(done, config, expected)
        assert done.returncode == 2


def test_json_everywhere(start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """--json works before or after every sub-command and prints real JSON values."""
    server = start_estra(CONFIG)
    added = as_json(server, "user", "add", "alice", "--password-stdin", stdin=PASSWORD + "\n")
    assert added["user"] == "alice" and "password" not in added
    assert "alice" in as_json(server, "user", "list")
    health = as_json(server, "health")
    assert health and all(set(h) == {"name", "kind", "ok", "detail"} and h["ok"] is True
                          for h in health)
    assert as_json(server, "ra-cert", "ra1", "--out", str(tmp_path / "ra"))["cert"].endswith(
        "ra.pem")
    assert as_json(server, "cacerts", *client_args(server), "-o",
                   str(tmp_path / "ca.pem"))["certificates"] == 1
    csr = write_csr(tmp_path, "dev1", "dev1.example.com", "alt.example.com")
    enrolled = as_json(server, "enroll", *client_args(server), "--csr", str(csr),
                       "--user", "alice", "-o", str(tmp_path / "dev1.pem"),
                       stdin=PASSWORD + "\n")
    cert = x509.load_pem_x509_certificate((tmp_path / "dev1.pem").read_bytes())
    assert enrolled["serials"][0] == serial_hex(cert.serial_number)
    rows = as_json(server, "enrollments", "list")
    assert sorted(rows[0]["sans"]) == ["DNSName:alt.example.com", "DNSName:dev1.example.com"]
    codes = [as_json(server, "codes", "issue", "--identity", "basic:alice") for _ in "ab"]
    assert all(isinstance(c["id"], int) and c["code"] for c in codes)
    for code, before, after in ((codes[0], ["--json"], []), (codes[1], [], ["--json"])):
        done = cli(server, *before, "codes", "revoke", "--id", str(code["id"]), *after)
        assert json.loads(done.stdout) == {"id": code["id"], "revoked": True}
    revoked = {c["id"]: c["revoked"] for c in as_json(server, "codes", "list")}
    assert [revoked[c["id"]] for c in codes] == [1, 1]
    server.post("manual/simpleenroll", pki.csr(pki.ec_key(), pki.name("held"),
                                                [x509.DNSName("held.example.com")]))
    pending = as_json(server, "pending", "list")
    assert pending[0]["sans"] == ["DNSName:held.example.com"]
    approved = json.loads(cli(server, "approve", str(pending[0]["id"]), "--json").stdout)
    assert approved == {"id": pending[0]["id"], "status": "approved", "previous": "pending",
                        "by": "operator"}


def test_enrollments_by_serial(tmp_path: Path) -> None:
    """`enrollments list --serial` finds a certificate by its serial in any spelling; the
    table shows the serial as openssl does and the reason column."""
    server = MemoryServer(CONFIG, tmp_path)
    status, _, body = server.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("s1")))
    assert status == 200
    cert = issued(body)[0]
    shown = serial_hex(cert.serial_number)
    colons = ":".join(shown[i:i + 2] for i in range(0, len(shown), 2))
    for spelling in (shown, shown.lower(), shown.lstrip("0").lower(), colons):
        rows = as_json(server, "enrollments", "list", "--serial", spelling)
        assert [r["serial"] for r in rows] == [shown], spelling
    assert as_json(server, "enrollments", "list", "--serial", "01") == []
    server.post("simpleenroll", pki.csr(pki.ec_key(), pki.name("s2"),
                                        [x509.DNSName("a.evil.net")]))
    table = cli(server, "enrollments", "list").stdout
    assert "REASON" in table.splitlines()[0] and shown in table
    assert "san-dns: a.evil.net is outside example.com" in table
    log = server.stop()
    assert f"issued serial {shown}" in log


def test_user_list_and_remove(tmp_path: Path) -> None:
    """`user list` shows names only; `user remove` refuses an unknown name with one line
    and removes a known one (who then gets 401)."""
    server = MemoryServer(CONFIG, tmp_path)                 # alice
    assert cli(server, "user", "add", "bob", "--password-stdin",
               stdin=PASSWORD + "\n").returncode == 0
    listed = cli(server, "user", "list")
    assert listed.returncode == 0 and listed.stdout.split() == ["estra", "alice", "bob"]
    assert "$2" not in listed.stdout + json.dumps(as_json(server, "user", "list"))
    before = (server.state / "htpasswd").read_bytes()
    one_line_failure(cli(server, "user", "remove", "carol"), "no user 'carol'")
    assert (server.state / "htpasswd").read_bytes() == before
    assert cli(server, "user", "remove", "bob").returncode == 0
    assert cli(server, "user", "list").stdout.split() == ["estra", "alice"]
    req = pki.csr(pki.ec_key(), pki.name("bob"))
    assert server.send("simpleenroll", pki.b64(req), user=("bob", PASSWORD))[0] == 401
    assert server.post("simpleenroll", req)[0] == 200


def audit(server: Server | MemoryServer) -> list[tuple[str, str, dict[str, Any]]]:
    with sqlite3.connect(server.state / "estra.db") as db:
        return [(kind, who, json.loads(detail)) for kind, who, detail in
                db.execute("SELECT kind, identity, detail FROM audit ORDER BY id")]


def test_rejected_request_reopened_and_approved(tmp_path: Path) -> None:
    """A rejected request can be reopened (held again) or approved outright; each step is
    audited with who decided and the previous status."""
    server = MemoryServer(CONFIG, tmp_path)
    req = pki.csr(pki.ec_key(), pki.name("late"))
    assert server.post("manual/simpleenroll", req)[0] == 202
    held = as_json(server, "pending", "list")[0]["id"]
    assert cli(server, "reject", str(held), "--reason", "not in CMDB", "--by", "ann"
               ).returncode == 0
    assert server.post("manual/simpleenroll", req)[0] == 403
    one_line_failure(cli(server, "reject", str(held), "--reason", "again"), "not pending")
    reopened = cli(server, "reopen", str(held), "--by", "carl")
    assert reopened.returncode == 0 and "was rejected" in reopened.stdout
    assert server.post("manual/simpleenroll", req)[0] == 202
    one_line_failure(cli(server, "reopen", str(held)), "not rejected")
    assert cli(server, "reject", str(held), "--reason", "still no", "--by", "ann"
               ).returncode == 0
    approved = json.loads(cli(server, "approve", str(held), "--by", "dora", "--json").stdout)
    assert approved["previous"] == "rejected" and approved["status"] == "approved"
    assert server.post("manual/simpleenroll", req)[0] == 200
    one_line_failure(cli(server, "approve", str(held)), "not pending or rejected")
    events = [(kind, who, detail["previous"]) for kind, who, detail in audit(server)
              if "pending" in detail]
    assert events == [("rejected", "ann", "pending"), ("reopened", "carl", "rejected"),
                      ("rejected", "ann", "pending"), ("approved", "dora", "rejected")]


def test_enroll_relays_server_status_and_reason(start_estra: Callable[..., Server],
                                                tmp_path: Path) -> None:
    """`estra enroll` prints the server's own status and reason, not an RA's wording."""
    server = start_estra(CONFIG)
    server.add_user("alice")
    common = (*client_args(server), "--user", "alice", "-o", str(tmp_path / "x.pem"))
    done = estra_cli("enroll", *common, "--csr", str(write_csr(tmp_path, "e", "a.evil.net")),
                     stdin=PASSWORD + "\n")
    one_line_failure(done, "estra: 403 Forbidden: san-dns: a.evil.net is outside example.com")
    assert done.returncode == 1 and "upstream" not in done.stderr
    done = estra_cli("enroll", *common, "--csr", str(write_csr(tmp_path, "f")), stdin="nope\n")
    one_line_failure(done, "estra: 401 Unauthorized")
    assert "upstream" not in done.stderr and "RA's credentials" not in done.stderr


def test_enroll_held_exits_distinct_code(start_estra: Callable[..., Server],
                                         tmp_path: Path) -> None:
    """Without --wait a 202 is reported (with its reason and Retry-After in JSON) and the
    exit status is HELD, not 0 or 1."""
    server = start_estra(CONFIG)
    server.add_user("alice")
    done = estra_cli("enroll", *client_args(server), "--label", "manual", "--user", "alice",
                     "--csr", str(write_csr(tmp_path, "h")), "-o", str(tmp_path / "h.pem"),
                     "--json", stdin=PASSWORD + "\n")
    assert done.returncode == HELD == 3, done.stderr
    assert done.stderr.startswith("estra: 202 Accepted: approval: request")
    answer = json.loads(done.stdout)
    assert answer["status"] == 202 and answer["retry_after"] == 1
    assert not (tmp_path / "h.pem").exists()


def test_enroll_waits_for_approval(start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """`estra enroll --wait 30` polls the 202 (Retry-After 1) while an operator approves
    from another process, then writes the certificate."""
    server = start_estra(CONFIG)
    server.add_user("alice")
    out, password = tmp_path / "w.pem", tmp_path / "password"
    password.write_text(PASSWORD + "\n")
    with password.open() as stdin:
        device = subprocess.Popen(
            [sys.executable, "-m", "estra.cli", "enroll", *client_args(server), "--label",
             "manual", "--user", "alice", "--csr", str(write_csr(tmp_path, "w")), "-o",
             str(out), "--wait", "30"], stdin=stdin, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=estra_env())
    deadline = time.monotonic() + 20
    pending: list[dict[str, Any]] = []
    while not pending and time.monotonic() < deadline:
        time.sleep(0.3)
        pending = json.loads(cli(server, "pending", "list", "--json").stdout)
    assert pending, "the device's request was never held"
    time.sleep(1.5)                     # let the device poll at least once more
    assert cli(server, "approve", str(pending[0]["id"])).returncode == 0
    stdout, stderr = device.communicate(timeout=30)
    assert device.returncode == 0, stderr
    assert "202 Accepted" in stderr and "retrying in 1 s" in stderr
    assert x509.load_pem_x509_certificate(out.read_bytes()).subject == pki.name("w")


def test_enroll_prompts_without_echo_on_a_terminal(start_estra: Callable[..., Server],
                                                   tmp_path: Path) -> None:
    """On a terminal `estra enroll --user` asks for the password (getpass: no echo)."""
    server = start_estra(CONFIG)
    server.add_user("alice")
    argv = [sys.executable, "-m", "estra.cli", "enroll", *client_args(server), "--user",
            "alice", "--csr", str(write_csr(tmp_path, "t")), "-o", str(tmp_path / "t.pem")]
    pid, fd = pty.fork()
    if pid == 0:                                     # the child: the pty is its terminal
        os.chdir(ROOT)
        os.execve(sys.executable, argv, estra_env())
    seen = _read_until(fd, b"password for alice: ")
    os.write(fd, PASSWORD.encode() + b"\n")
    seen += _read_until(fd, b"")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, seen
    assert PASSWORD.encode() not in seen and b"estra: wrote" in seen
    assert (tmp_path / "t.pem").exists()


def _read_until(fd: int, marker: bytes, timeout: float = 30) -> bytes:
    """Read the pty until `marker` appears (b"": until the child closes it)."""
    got = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and (not marker or marker not in got):
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            got += chunk
    return got


# -- issue #18: one state directory, files that stay usable, one spelling per concept -----

def test_no_second_state_directory(tmp_path: Path) -> None:
    """`user add` and `operator add` where there is no CA refuse in one line naming
    `estra init`, and make nothing (no second state directory beside the server's)."""
    for command in (("user", "add", "bob", "--password-stdin"),
                    ("operator", "add", "ann", "--role", "admin", "--password-stdin")):
        done = subprocess.run([sys.executable, "-m", "estra.cli", *command], cwd=tmp_path,
                              input="secret\n", capture_output=True, text=True,
                              env=estra_env(), timeout=60)
        one_line_failure(done, f"no embedded CA in {tmp_path}/estra-state", "estra init")
    assert list(tmp_path.iterdir()) == []


def initialised(tmp_path: Path) -> Path:
    state = tmp_path / "state"
    assert estra_cli("--state-dir", str(state), "init").returncode == 0
    return state


def test_user_without_a_terminal_is_one_line(tmp_path: Path) -> None:
    """`user add NAME` with no terminal to prompt on says what to give instead."""
    state = initialised(tmp_path)
    done = subprocess.run([sys.executable, "-m", "estra.cli", "-d", str(state), "user", "add",
                           "bob"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=estra_env(), timeout=60)
    one_line_failure(done, "--password-stdin", "--generate")


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root")
def test_root_keeps_owner_group_and_mode(tmp_path: Path) -> None:
    """`user add/remove` and `operator add` run as root keep the owner, group and mode of
    the files they replace: the service user can still read them."""
    state = initialised(tmp_path)
    assert estra_cli("-d", str(state), "operator", "add", "ann", "--role", "admin",
                     "--password-stdin", stdin="pw\n").returncode == 0
    files = [state / "htpasswd", state / "operators.htpasswd", state / "operators.roles"]
    for path in files:
        os.chown(path, 65534, 65534)
        os.chmod(path, 0o640)
    for command in (("user", "add", "bob", "--password-stdin"), ("user", "remove", "bob"),
                    ("operator", "add", "ann", "--role", "viewer", "--password-stdin")):
        done = estra_cli("-d", str(state), *command, stdin="pw\n")
        assert done.returncode == 0, done.stderr
        for path in files:
            st = path.stat()
            assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (65534, 65534, 0o640), path
    assert "ann:viewer" in (state / "operators.roles").read_text()


def test_json_for_init_and_usage_errors(tmp_path: Path) -> None:
    """`init --json` is JSON (with the password, asked for), and so is a usage error."""
    done = estra_cli("init", "--json", "-d", str(tmp_path / "s"))
    made = json.loads(done.stdout)
    assert made["password"] and made["ca"] == str(tmp_path / "s" / "ca.pem")
    again = estra_cli("--json", "init", "-d", str(tmp_path / "s"))
    one_line_failure(again, "already holds a CA")
    assert "already holds a CA" in json.loads(again.stdout)["error"]
    wrong = estra_cli("--json", "codes", "frobnicate")
    assert wrong.returncode == 2 and "invalid choice" in json.loads(wrong.stdout)["error"]


def test_subcommand_help_and_one_spelling(start_estra: Callable[..., Server]) -> None:
    """`codes`, `pending`, `enrollments` have per-action help; ids are positional
    (`codes revoke ID`, `--id` still works) and `--profile` is the profile (`--label` an
    alias) in `enrollments list`, `enroll` and `cacerts`."""
    for command, expected in ((("codes", "issue"), "--identity"), (("codes", "revoke"), "id"),
                              (("pending", "list"), "--all"),
                              (("enrollments", "list"), "--profile")):
        done = estra_cli(*command, "--help")
        assert done.returncode == 0 and expected in done.stdout, done.stdout
    assert "--identity" not in estra_cli("codes", "revoke", "--help").stdout
    assert "--profile" in estra_cli("enroll", "--help").stdout
    server = start_estra(CONFIG)
    codes = [as_json(server, "codes", "issue", "--identity", "basic:alice") for _ in "ab"]
    assert as_json(server, "codes", "revoke", str(codes[0]["id"]))["revoked"] is True
    assert as_json(server, "codes", "revoke", "--id", str(codes[1]["id"]))["revoked"] is True
    server.add_user("alice")
    server.post("manual/simpleenroll", pki.csr(pki.ec_key(), pki.name("held"),
                                                [x509.DNSName("held.example.com")]))
    for flag in ("--profile", "--label"):
        rows = as_json(server, "enrollments", "list", flag, "manual")
        assert [r["label"] for r in rows] == ["manual"]


def test_unreadable_htpasswd_is_503(tmp_path: Path) -> None:
    """An htpasswd the running server cannot read answers 503 + Retry-After with a
    text/plain reason (never 500), and the next request after it is fixed enrolls."""
    server = MemoryServer(CONFIG, tmp_path)
    htpasswd = server.state / "htpasswd"
    kept = htpasswd.read_bytes()
    htpasswd.unlink()
    htpasswd.mkdir()                     # os.stat works, reading fails (as 0600 root's would)
    csr = pki.csr(pki.ec_key(), pki.name("dev"), [x509.DNSName("dev.example.com")])
    status, headers, body = server.post("simpleenroll", csr)
    assert status == 503 and headers.get("retry-after") and b"user database" in body, body
    assert headers["content-type"].startswith("text/plain"), headers
    assert "Traceback" not in server.stop()
    htpasswd.rmdir()
    htpasswd.write_bytes(kept)
    assert server.post("simpleenroll", csr)[0] == 200
