"""Start-up as an operator meets it: `estra init`, the state lock, and one-line failures."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from tests.conftest import READY, Server, estra_cli, estra_env, twistd


def fails(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run `twistd -n estra ARGS`, which must fail; its one `estra:` line, no traceback."""
    done = subprocess.run(twistd(*args), capture_output=True, text=True, timeout=60,
                          env=env or estra_env(), cwd=cwd)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "Traceback" not in output, output
    # before logging starts the line is on stderr; after, twistd logs it as [stderr#error]
    lines = re.findall(r"^(?:\S+ \[stderr#error\] )?(estra: .*)$", output, re.MULTILINE)
    assert len(lines) == 1, output
    return str(lines[0])


def init(config: Path, *args: str, cwd: Path | None = None) -> str:
    """`estra -c CONFIG ARGS init` succeeds (run in `cwd`); its output."""
    done = subprocess.run([sys.executable, "-m", "estra.cli", "--config", str(config), *args,
                           "init"], capture_output=True, text=True, timeout=60,
                          env=estra_env(), cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_relative_state_dir_follows_the_config_file(tmp_path: Path) -> None:
    """A relative state_dir is resolved against the config file's directory, whatever
    the current directory (systemd starts in /): init and twistd find the same CA."""
    etc = tmp_path / "etc"
    etc.mkdir()
    config = etc / "estra.toml"
    config.write_text('[server]\nstate_dir = "state"\nlisten = "tcp:0:interface=127.0.0.1"\n')
    out = init(config, cwd=Path("/"))
    assert re.search(r"user 'estra', password: \S+", out), out
    assert (etc / "state" / "ca.pem").exists() and not (etc / "state" / "lock").exists()
    ca = (etc / "state" / "ca.pem").read_bytes()
    log = tmp_path / "estra.log"
    with open(log, "wb") as f:
        proc = subprocess.Popen(twistd("--config", str(config)), stdout=f,
                                stderr=subprocess.STDOUT, cwd="/", env=estra_env())
        try:
            wait_for(lambda: re.search(READY, log.read_text()) is not None, proc)
        finally:
            proc.terminate()
            proc.wait(15)
    assert (etc / "state" / "ca.pem").read_bytes() == ca
    assert "password" not in log.read_text()


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[bytes]) -> None:
    import time
    deadline = time.monotonic() + 30
    while not condition():
        assert proc.poll() is None and time.monotonic() < deadline, "estra did not start"
        time.sleep(0.05)


def test_missing_state_with_config_names_estra_init(tmp_path: Path) -> None:
    """With a config file, a missing state directory is one line telling the operator to
    run `estra init -c FILE`; nothing is created."""
    config = tmp_path / "estra.toml"
    config.write_text('[server]\nstate_dir = "nowhere"\n')
    line = fails("--config", str(config), cwd=Path("/"))
    assert line == (f"estra: {config}: server.state_dir: {tmp_path / 'nowhere'} does not "
                    f"exist; create it with `estra init -c {config}`")
    assert not (tmp_path / "nowhere").exists()
    assert os.listdir(tmp_path) == ["estra.toml"]


def test_init_makes_state_once(tmp_path: Path) -> None:
    """`estra init` makes CA, TLS certificate and htpasswd (password shown once) and
    refuses to run again over an existing CA."""
    config = tmp_path / "estra.toml"
    config.write_text("")
    state = tmp_path / "s"
    out = init(config, "--state-dir", str(state))
    assert out.count("password:") == 1
    assert {p.name for p in state.iterdir()} == {"ca.pem", "ca.key", "server.pem",
                                                "server.key", "htpasswd", "estra.db"}
    assert state.stat().st_mode & 0o077 == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    again = estra_cli("--config", str(config), "--state-dir", str(state), "init")
    assert again.returncode == 2 and "already holds a CA" in again.stderr
    assert "password" not in again.stdout + again.stderr


def test_failed_first_start_leaves_nothing(tmp_path: Path, busy_port: int) -> None:
    """Zero-config first start on a port in use: one line naming --listen, no state
    directory left behind and no bootstrap password printed."""
    listen = f"tcp:{busy_port}:interface=127.0.0.1"
    line = fails("--listen", listen, cwd=tmp_path)
    assert line == f"estra: --listen {listen}: port {busy_port} is in use"
    assert list(tmp_path.iterdir()) == []


def test_second_process_is_refused(start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """A second estra on the same (SQLite) state directory is refused naming the PID that
    holds the lock; operator commands still work beside the running server."""
    server = start_estra("")
    line = fails("--config", str(server.config), "--state-dir", str(server.state),
                 "--listen", "tcp:0:interface=127.0.0.1", cwd=tmp_path)
    assert f"is in use by another estra (PID {server.proc.pid}," in line
    assert (server.state / "lock").read_text().strip() == str(server.proc.pid)
    done = estra_cli("--config", str(server.config), "--state-dir", str(server.state),
                     "pending", "list")
    assert done.returncode == 0, done.stderr
    assert server.alive()
    server.stop()
    again = Server(server.workdir, server.config.read_text())
    again.stop()


def test_postgresql_nodes_share_a_state_directory(database: str, tmp_path: Path,
                                                  start_estra: Callable[..., Server]) -> None:
    """With a PostgreSQL store no lock is taken: a second process serves from the same
    state directory (several workers or nodes share the store)."""
    first = start_estra(f'[store]\nurl = "{database}"\n')
    log = tmp_path / "second.log"
    with open(log, "wb") as f:
        proc = subprocess.Popen(twistd("--config", str(first.config), "--state-dir",
                                       str(first.state), "--listen", "tcp:0:interface=127.0.0.1"),
                                stdout=f, stderr=subprocess.STDOUT, env=estra_env())
        try:
            wait_for(lambda: re.search(READY, log.read_text()) is not None, proc)
        finally:
            proc.terminate()
            proc.wait(15)
    assert first.alive() and not (first.state / "lock").exists()


@pytest.mark.parametrize("section", ["server", "scep", "admin"])
def test_port_in_use_names_the_setting(tmp_path: Path, busy_port: int, section: str) -> None:
    """A port in use is one line naming the file and key of the listen setting."""
    config = tmp_path / "estra.toml"
    listen = f"tcp:{busy_port}:interface=127.0.0.1"
    config.write_text(listen_config(section, listen))
    init(config)
    line = fails("--config", str(config), cwd=tmp_path)
    assert line == f'estra: {config}: {section}.listen: "{listen}": port {busy_port} is in use'


def listen_config(section: str, listen: str) -> str:
    """Config with `section`.listen = `listen` (the others on free loopback ports)."""
    text = '[server]\nstate_dir = "state"\n'
    if section == "server":
        text += f'listen = "{listen}"\n'
    else:
        text += 'listen = "tcp:0:interface=127.0.0.1"\n'
        text += f'[{section}]\nlisten = "{listen}"\n'
    if section == "scep":
        text += '[profiles.default]\nscep_password = "x"\n'
    return text


@pytest.mark.parametrize("section", ["server", "scep", "admin"])
def test_unavailable_address_names_the_setting(tmp_path: Path, section: str) -> None:
    """An interface this machine does not have is one line naming the setting."""
    config = tmp_path / "estra.toml"
    listen = "tcp:0:interface=10.255.255.1"
    config.write_text(listen_config(section, listen))
    init(config)
    line = fails("--config", str(config), cwd=tmp_path)
    assert line == (f'estra: {config}: {section}.listen: "{listen}": address 10.255.255.1 '
                    "is not available on this machine")


@pytest.mark.parametrize("section", ["server", "scep", "admin"])
def test_malformed_endpoint_names_the_setting(tmp_path: Path, section: str) -> None:
    """A malformed endpoint string is refused when the config loads, naming file and key."""
    config = tmp_path / "estra.toml"
    config.write_text(listen_config(section, "tcp:abc"))
    line = fails("--config", str(config), cwd=tmp_path)
    assert line.startswith(f'estra: {config}: {section}.listen: "tcp:abc": not a valid '
                           "endpoint (ValueError: ")
    assert not (tmp_path / "state").exists()


@pytest.mark.parametrize("listen, problem", [
    ("tcp:abc", "not a valid endpoint (ValueError: "),
    ("bogus:1", "not a valid endpoint (ValueError: Unknown endpoint type: 'bogus')"),
    ("tcp:1:colour=red", "not a valid endpoint (TypeError: "),
    ("systemd:domain=INET", "give exactly one of name= and index="),
])
def test_malformed_listen_option(tmp_path: Path, listen: str, problem: str) -> None:
    """A malformed --listen is one line naming the option."""
    line = fails("--listen", listen, cwd=tmp_path)
    assert line.startswith(f"estra: --listen {listen}: {problem}"), line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("extra_env", [{}, {"LISTEN_FDS": "1", "LISTEN_PID": "1"}])
def test_systemd_endpoint_without_socket(tmp_path: Path, extra_env: dict[str, str]) -> None:
    """`--listen systemd:...` with no inherited socket (or none named) is one line."""
    env = {k: v for k, v in estra_env().items() if not k.startswith("LISTEN_")}
    env.update(extra_env)
    listen = "systemd:domain=INET:name=estra"
    line = fails("--listen", listen, cwd=tmp_path, env=env)
    assert line.startswith(f"estra: --listen {listen}: no such socket inherited from systemd")
    assert list(tmp_path.iterdir()) == []


def test_ready_line_shows_the_bound_address(tmp_path: Path) -> None:
    """The ready line names the address bound, an IPv6 one in brackets, with its port."""
    config = tmp_path / "estra.toml"
    config.write_text('[server]\nstate_dir = "state"\nlisten = "tcp6:0:interface=\\\\:\\\\:1"\n')
    init(config)
    log = tmp_path / "estra.log"
    with open(log, "wb") as f:
        proc = subprocess.Popen(twistd("--config", str(config)), stdout=f,
                                stderr=subprocess.STDOUT, cwd=tmp_path, env=estra_env())
        try:
            wait_for(lambda: re.search(READY, log.read_text()) is not None, proc)
        finally:
            proc.terminate()
            proc.wait(15)
    found = re.search(READY, log.read_text())
    assert found and f"ready on https://[::1]:{found.group(1)}/" in log.read_text()
    assert int(found.group(1)) > 0


# -- issue #18: one state directory, files that stay usable, start-up errors -------------

def test_init_after_the_subcommand_creates_the_store(tmp_path: Path) -> None:
    """`estra init -c FILE` (options after the sub-command, as the start-up error
    advises) makes the state and the store: `codes issue` works right after."""
    config = tmp_path / "estra.toml"
    config.write_text('[server]\nstate_dir = "state"\n')
    made = estra_cli("init", "-c", str(config), "--json")
    assert made.returncode == 0, made.stderr
    out = json.loads(made.stdout)
    assert out["state_dir"] == str(tmp_path / "state") and out["password"]
    assert (tmp_path / "state" / "estra.db").exists()
    code = estra_cli("codes", "issue", "--identity", "basic:alice", "-c", str(config))
    assert code.returncode == 0 and "code 1 for basic:alice" in code.stdout, code.stderr


@pytest.mark.parametrize("config, expected", [
    ('[tls]\ncert = "server.pem"\nkey = "/nonexistent/x"\n',
     "{config}: tls.key: /nonexistent/x: No such file or directory"),
    ('[tls]\ncert = "/nonexistent/x.pem"\nkey = "/nonexistent/x"\n',
     "{config}: tls.cert: /nonexistent/x.pem: No such file or directory"),
    ('[store]\nurl = "sqlite:////nonexistent/estra.db"\n',
     "{config}: store.url: cannot open the store: /nonexistent/estra.db: No such file or "
     "directory"),
    ('[auth]\nhtpasswd = "users"\n', "{config}: auth.htpasswd: {state}/users: Is a directory"),
])
def test_startup_error_names_setting_and_reason(tmp_path: Path, config: str,
                                                expected: str) -> None:
    """A file start-up cannot use is one line with the setting and the OS's reason (and
    a TLS path of the operator's is never made up as a new key); check-config says the
    same."""
    state = tmp_path / "state"
    assert estra_cli("--state-dir", str(state), "init").returncode == 0
    (state / "users").mkdir()
    path = tmp_path / "estra.toml"
    path.write_text(config)
    line = fails("--config", str(path), "--state-dir", str(state), cwd=tmp_path)
    assert line == "estra: " + expected.format(config=path, state=state)
    assert not Path("/nonexistent").exists()
    checked = estra_cli("check-config", "-c", str(path), "-d", str(state))
    assert checked.returncode == 2 and len(checked.stderr.splitlines()) == 1, checked.stderr
    assert checked.stderr.startswith(line.partition(": cannot open the store")[0])


def test_psycopg_missing_names_the_extra(tmp_path: Path) -> None:
    """A PostgreSQL url without psycopg installed names the pip extra to install."""
    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / "psycopg.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'psycopg'\", name='psycopg')\n")
    state = tmp_path / "state"
    assert estra_cli("--state-dir", str(state), "init").returncode == 0
    config = tmp_path / "estra.toml"
    config.write_text('[store]\nurl = "postgresql://estra@127.0.0.1/none"\n')
    env = {**estra_env(), "PYTHONPATH": f"{stub}{os.pathsep}{estra_env()['PYTHONPATH']}"}
    line = fails("--config", str(config), "--state-dir", str(state), cwd=tmp_path, env=env)
    assert line == (f"estra: {config}: store.url: PostgreSQL needs psycopg: "
                    "pip install 'estra[postgresql]'")


@pytest.mark.skipif(os.geteuid() != 0, reason="drops root's file capabilities with setpriv")
def test_state_directory_the_service_cannot_enter(tmp_path: Path) -> None:
    """A state directory the process may not enter is one line naming it and the reason,
    never a second CA made beside it."""
    state = tmp_path / "state"
    assert estra_cli("--state-dir", str(state), "init").returncode == 0
    os.chown(state, 65534, 65534)              # nobody's, mode 0700
    env = estra_env()
    done = subprocess.run(["setpriv", "--bounding-set=-dac_override,-dac_read_search",
                           *twistd("--state-dir", str(state), "--listen", "tcp:0")],
                          capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "Traceback" not in output, output
    assert f"estra: --state-dir {state}: {state}: Permission denied" in output, output


def test_bootstrap_password_never_in_the_log(tmp_path: Path) -> None:
    """A zero-config first start without a terminal logs how to set the bootstrap
    password and never the password itself."""
    log = tmp_path / "estra.log"
    with open(log, "wb") as f:
        proc = subprocess.Popen(twistd("--listen", "tcp:0:interface=127.0.0.1"), stdout=f,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=tmp_path, env=estra_env())
        try:
            wait_for(lambda: "user add estra" in log.read_text(), proc)
        finally:
            proc.terminate()
            proc.wait(15)
    text = log.read_text()
    assert "password: " not in text and (tmp_path / "estra-state" / "htpasswd").exists()
    assert "its password is shown only on a terminal: set one with `estra user add estra`" \
        in text, text


def test_bootstrap_password_on_a_terminal(tmp_path: Path) -> None:
    """On a terminal the first start shows the password there (and not in the log file)."""
    import pty
    import select
    import time
    leader, follower = pty.openpty()
    log = tmp_path / "estra.log"
    command = twistd("--listen", "tcp:0:interface=127.0.0.1")
    command.insert(command.index("estra"), f"--logfile={log}")
    proc = subprocess.Popen(command,
                            stdin=follower, stdout=follower, stderr=follower, cwd=tmp_path,
                            env=estra_env())
    os.close(follower)
    seen = b""
    try:
        deadline = time.monotonic() + 30
        while b"password: " not in seen and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.5)[0]:
                try:
                    seen += os.read(leader, 4096)
                except OSError:
                    break
    finally:
        proc.terminate()
        proc.wait(15)
        os.close(leader)
    assert re.search(rb"user 'estra', password: \S+", seen), seen
    assert "password: " not in log.read_text()
