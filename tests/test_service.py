"""Starting estra the way an operator does: twistd plugin, first start, config errors, CLI."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Callable

from twisted.application.service import IServiceMaker
from twisted.plugin import getPlugins

import estra.runtime.service
import estra.runtime.twistd
from estra.config import DEFAULT_PROFILE
from tests import pki
from tests.conftest import PASSWORD, Server, estra_cli, estra_env, parse_http, twistd


def enroll_with(server: Server, tmp: Path, user: str, password: str) -> int:
    req = tmp / "req.b64"
    req.write_bytes(pki.b64(pki.csr(pki.ec_key(), pki.name("svc"))))
    done = server.curl("simpleenroll", "--user", f"{user}:{password}", "--data-binary",
                       f"@{req}", "-H", "Content-Type: application/pkcs10")
    return parse_http(done.stdout)[0]


def test_plugin_is_discoverable() -> None:
    """`twistd estra` is a registered IServiceMaker backed by estra.runtime.twistd.Options."""
    makers = {m.tapname: m for m in getPlugins(IServiceMaker)}
    assert "estra" in makers
    assert makers["estra"].options is estra.runtime.twistd.Options


def test_options_defaults_and_overrides(tmp_path: Path) -> None:
    """No options: built-in defaults; --state-dir and --listen override them."""
    options = estra.runtime.twistd.Options()
    options.parseOptions([])
    settings = options["settings"]
    assert settings.listen == "tcp:8443:interface=127.0.0.1"
    assert settings.state_dir.basename() == "estra-state"
    assert list(settings.profiles) == [DEFAULT_PROFILE]
    options = estra.runtime.twistd.Options()
    options.parseOptions(["--state-dir", str(tmp_path), "--listen", "tcp:9443"])
    assert options["settings"].listen == "tcp:9443"
    assert options["settings"].htpasswd.path == str(tmp_path / "htpasswd")


def test_first_start_prints_password_once(tmp_path: Path) -> None:
    """Zero-config `twistd -n estra` makes ./estra-state (CA, TLS cert, bootstrap user);
    logged to a file, it says how to set the password (tests/test_startup.py: shown on a
    terminal only); it enrolls with curl; a restart keeps the CA and says nothing."""
    server = ZeroConfig(tmp_path)
    try:
        server.wait_log(r"set one with `estra user add estra`")
        assert estra_cli("--state-dir", str(server.state), "user", "add", "estra",
                         "--password-stdin", stdin="first\n").returncode == 0
        log = server.log.read_text()
        assert "devices should trust" in log and "curl --cacert" in log
        assert {p.name for p in server.state.iterdir()} >= {"ca.pem", "ca.key", "server.pem",
                                                           "server.key", "htpasswd"}
        assert server.state.joinpath("ca.key").stat().st_mode & 0o077 == 0
        assert enroll_with(server, tmp_path, "estra", "first") == 200
        assert enroll_with(server, tmp_path, "estra", "wrong") == 401
        ca_before = server.ca.read_bytes()
    finally:
        server.stop()
    again = ZeroConfig(tmp_path)
    try:
        assert again.ca.read_bytes() == ca_before
        assert "password" not in again.log.read_text()
        assert enroll_with(again, tmp_path, "estra", "first") == 200
    finally:
        again.stop()


class ZeroConfig(Server):
    """`twistd -n estra --listen tcp:0:...` without --config or --state-dir, in `workdir`."""

    def __init__(self, workdir: Path) -> None:
        self.prefix, self.args = (), ()
        self.workdir, self.state = workdir, workdir / "estra-state"
        self.log, self.config = workdir / "estra.log", workdir / "unused.toml"
        self.ca = self.state / "ca.pem"
        self.bootstrap_password = None
        self._log_file = open(self.log, "wb")
        self.proc = subprocess.Popen(twistd("--listen", "tcp:0:interface=127.0.0.1"),
                                     stdout=self._log_file, stderr=subprocess.STDOUT,
                                     cwd=workdir, env=estra_env())
        self.port = self._wait_for_port()
        self.base = f"https://localhost:{self.port}/.well-known/est"


def test_missing_ca_key_is_not_replaced(tmp_path: Path) -> None:
    """With ca.pem present but ca.key gone, estra refuses to start rather than make a new CA."""
    state = tmp_path / "state"
    state.mkdir()
    state.joinpath("ca.pem").write_bytes(pki.CA("old").cert.public_bytes(pki.PEM))
    done = subprocess.run(twistd("--state-dir", str(state), "--listen", "tcp:0"),
                          capture_output=True, text=True, timeout=60, env=estra_env())
    assert done.returncode != 0
    assert "ca.key is missing" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not state.joinpath("ca.key").exists()


def test_config_error_is_one_line(tmp_path: Path) -> None:
    """A bad setting stops start-up naming the file, the key and the problem."""
    config = tmp_path / "bad.toml"
    config.write_text('[profiles.iot]\nbase64_layout = "sideways"\n')
    done = subprocess.run(twistd("--config", str(config)), capture_output=True, text=True,
                          timeout=60, env=estra_env(), cwd=tmp_path)
    assert done.returncode != 0
    assert f"{config}: profiles.iot.base64_layout: must be one of" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "estra-state").exists()


def test_unknown_key_and_bad_toml(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    for text, expected in (("[server]\nlisten = 8443\n", "server.listen: expected a string"),
                           ("[server]\nlisen = 'x'\n", "server.lisen: unknown setting"),
                           ("[server\n", "not valid TOML")):
        config.write_text(text)
        done = subprocess.run(twistd("--config", str(config)), capture_output=True, text=True,
                              timeout=60, env=estra_env(), cwd=tmp_path)
        assert done.returncode != 0 and expected in done.stderr, done.stderr


def test_user_add_and_apache_htpasswd(start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """`estra user add` and Apache `htpasswd -B` users both authenticate; changes apply live."""
    server = start_estra("")
    server.add_user("bob")
    assert enroll_with(server, tmp_path, "bob", PASSWORD) == 200
    subprocess.run(["htpasswd", "-bB", str(server.state / "htpasswd"), "carol", "apache pw"],
                   check=True, capture_output=True, timeout=30)
    assert enroll_with(server, tmp_path, "carol", "apache pw") == 200
    server.add_user("bob", "changed")
    assert enroll_with(server, tmp_path, "bob", PASSWORD) == 401
    assert enroll_with(server, tmp_path, "bob", "changed") == 200
    done = estra_cli("--state-dir", str(server.state), "user", "add", "dave", "--generate")
    generated = re.search(r"password: (\S+)", done.stdout)
    assert done.returncode == 0 and generated
    assert enroll_with(server, tmp_path, "dave", generated.group(1)) == 200
    assert "changed" not in server.stop() and "apache pw" not in server.log.read_text()


def test_cli_est_client(start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """`estra cacerts` and `estra enroll` (Basic, then re-enroll with the cert) work."""
    server = start_estra("")
    server.add_user("erin")
    common = ("--url", f"https://localhost:{server.port}", "--cacert", str(server.ca))
    done = estra_cli("cacerts", *common, "-o", str(tmp_path / "ca.pem"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "ca.pem").read_bytes() == server.ca.read_bytes()
    key = pki.ec_key()
    (tmp_path / "req.pem").write_bytes(pki.csr(key, pki.name("cli")).public_bytes(pki.PEM))
    done = estra_cli("enroll", *common, "--csr", str(tmp_path / "req.pem"), "--user", "erin",
                     "-o", str(tmp_path / "cert.pem"), stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    cert, keyfile = tmp_path / "cert.pem", pki.write_key(tmp_path / "dev.key", key)
    done = estra_cli("enroll", *common, "--csr", str(tmp_path / "req.pem"), "--reenroll",
                     "--cert", str(cert), "--key", str(keyfile), "-o", str(tmp_path / "new.pem"))
    assert done.returncode == 0, done.stderr
    done = estra_cli("enroll", *common, "--csr", str(tmp_path / "req.pem"), "--user", "erin",
                     "-o", str(tmp_path / "x.pem"), stdin="wrong\n")
    assert done.returncode == 1 and "401" in done.stderr


def test_example_configs_load(tmp_path: Path) -> None:
    """conf/estra.toml and every conf/upstreams/*.toml are valid (given their files)."""
    from twisted.python.filepath import FilePath

    from estra.config import load_settings
    root = Path(__file__).resolve().parent.parent / "conf"
    for example in [root / "estra.toml", *sorted((root / "upstreams").glob("*.toml"))]:
        state = tmp_path / example.stem
        state.mkdir()
        for name in re.findall(r'"([\w.-]+\.(?:pem|key|password|token|secret))"',
                               example.read_text()):
            (state / name).write_text("x\n")
        settings = load_settings(FilePath(str(example)), state_dir=str(state))
        assert settings.profiles["default"]


def served_subject(server: Server) -> str:
    done = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{server.port}",
                           "-servername", "localhost"], input=b"", capture_output=True,
                          timeout=30)
    cert = subprocess.run(["openssl", "x509", "-noout", "-subject"], input=done.stdout,
                          capture_output=True, timeout=30)
    return cert.stdout.decode().strip()


def test_sighup_reloads_tls_certificate(start_estra: Callable[..., Server]) -> None:
    """SIGHUP makes new connections use a replaced server certificate; an unusable file
    is refused and the old certificate stays in service."""
    import signal
    import time
    server = start_estra("")
    assert "CN = localhost" in served_subject(server)
    key = pki.ec_key()
    cert = server.ca_signer().issue(pki.name("renamed.example"), key.public_key(),
                                    pki.sans("renamed.example", "localhost"))
    pki.write_pair(server.state, "server", cert, key)
    server.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while "renamed.example" not in served_subject(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "renamed.example" in served_subject(server)
    (server.state / "server.key").write_text("not a key\n")
    server.proc.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    assert "renamed.example" in served_subject(server) and server.alive()
    assert "TLS reload failed" in server.log.read_text()


def test_unreachable_store_is_one_line(tmp_path: Path) -> None:
    """A PostgreSQL that does not answer stops start-up with one line, password hidden."""
    config = tmp_path / "pg.toml"
    config.write_text('[store]\nurl = "postgresql://estra:s3cret@127.0.0.1:9/estra"\n')
    (tmp_path / "s").mkdir()
    done = subprocess.run(twistd("--config", str(config), "--state-dir", str(tmp_path / "s")),
                          capture_output=True, text=True, timeout=60, env=estra_env())
    assert done.returncode != 0
    assert "cannot open the store (postgresql://estra:***@127.0.0.1:9/estra)" in done.stderr
    assert "s3cret" not in done.stderr + done.stdout and "Traceback" not in done.stderr


def test_broken_tls_files_are_one_line(tmp_path: Path) -> None:
    """An unusable server.pem stops start-up with one line naming the file."""
    state = tmp_path / "state"
    state.mkdir()
    (state / "server.pem").write_text("junk\n")
    (state / "server.key").write_text("junk\n")
    done = subprocess.run(twistd("--state-dir", str(state), "--listen", "tcp:0"),
                          capture_output=True, text=True, timeout=60, env=estra_env())
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert f"TLS certificate {state / 'server.pem'}" in done.stderr
