"""Deployment: the systemd units, socket activation and the PROXY protocol behind haproxy.

The peers are Debian's `systemd` (`systemd-analyze`, `systemd-socket-activate`), `strace`,
`haproxy` and curl; `.ci/run` installs them, and a test fails (never skips) when
one is missing.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest
from cryptography import x509

from tests import pki
from tests.conftest import (PASSWORD, ROOT, Server, estra_cli, estra_env, free_port, issued,
                            parse_http, twistd)

CONF = ROOT / "conf"
#: Where conf/estra.service expects the install (docs/deployment.rst).
INSTALLED_TWISTD = "/opt/estra/bin/twistd"
INSTALLED_ESTRA = "/opt/estra/bin/estra"


def tool(name: str, package: str) -> str:
    """The path of a peer program, or a failure naming the Debian package to install."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin:/usr/bin:/bin")
    if found is None:
        pytest.fail(f"{name} is missing: apt-get install {package} (.ci/run does)")
    return found


def wait_for(predicate: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def this_twistd() -> str:
    """The twistd of the Python running the tests (the units name /opt/estra/bin/twistd)."""
    found = shutil.which("twistd", path=str(Path(sys.executable).parent)) or shutil.which("twistd")
    assert found, "twistd is not installed next to " + sys.executable
    return found


# -- the unit files -----------------------------------------------------------------

def verify(units: Path, *names: str) -> subprocess.CompletedProcess[str]:
    """`systemd-analyze verify` of `names` in `units`, whose drop-ins it reads too."""
    analyze = tool("systemd-analyze", "systemd")
    # The search path finds the drop-in; the trailing ':' appends the built-in path
    # (targets the units name). --recursive-errors=no: judge our units, not the host's.
    env = {**estra_env(), "SYSTEMD_UNIT_PATH": f"{units}:", "SYSTEMD_LOG_COLOR": "0"}
    return subprocess.run([analyze, "verify", "--man=no", "--recursive-errors=no",
                           *(str(units / name) for name in names)],
                          capture_output=True, text=True, env=env, timeout=60)


def install_units(units: Path, twistd_path: str, drop_in_twistd: str | None = None) -> None:
    """conf/'s units in `units`, ExecStart's /opt/estra/bin/twistd replaced by a real one."""
    (units / "estra.service.d").mkdir(parents=True)
    for name in ("estra.service", "estra.socket", "estra.service.d/socket.conf"):
        text = (CONF / name).read_text()
        if name != "estra.socket":
            assert f"ExecStart={INSTALLED_TWISTD} -n --pidfile= estra " in text, name
        replacement = drop_in_twistd if name.endswith(".conf") and drop_in_twistd else \
            twistd_path
        (units / name).write_text(text.replace(INSTALLED_TWISTD, replacement)
                                  .replace(INSTALLED_ESTRA, twistd_path))


def test_units_verify(tmp_path: Path) -> None:
    """`systemd-analyze verify` accepts estra.service, estra.socket and the socket drop-in
    without a single warning (only the install path of twistd is replaced by this one)."""
    install_units(tmp_path / "units", this_twistd())
    done = verify(tmp_path / "units", "estra.service", "estra.socket")
    assert done.returncode == 0 and not (done.stdout + done.stderr).strip(), \
        done.stdout + done.stderr


def test_service_exposure_is_low(tmp_path: Path) -> None:
    """`systemd-analyze security` rates estra.service's sandbox at most 2.0 ("OK")."""
    analyze = tool("systemd-analyze", "systemd")
    install_units(tmp_path / "units", this_twistd())
    done = subprocess.run([analyze, "security", "--offline=yes", "--man=no", "--threshold=20",
                           "--no-pager", str(tmp_path / "units" / "estra.service")],
                          capture_output=True, text=True, timeout=60,
                          env={**estra_env(), "SYSTEMD_LOG_COLOR": "0", "SYSTEMD_COLORS": "0"})
    assert done.returncode == 0, done.stdout + done.stderr
    level = re.search(r"Overall exposure level for estra.service: (\d+\.\d)", done.stdout)
    assert level and float(level.group(1)) <= 2.0, done.stdout


def test_drop_in_is_seen_by_verify(tmp_path: Path) -> None:
    """The verify test really reads the drop-in: a broken one is reported."""
    install_units(tmp_path / "units", this_twistd(), str(tmp_path / "no-such-twistd"))
    done = verify(tmp_path / "units", "estra.service")
    assert done.returncode != 0
    assert "no-such-twistd" in done.stdout + done.stderr


def syscalls_of(analyze: str, group: str) -> set[str]:
    """The system calls of a `SystemCallFilter=` group (e.g. @system-service), expanded."""
    if not group.startswith("@"):
        return {group}
    listed = subprocess.run([analyze, "syscall-filter", "--no-pager", group],
                            capture_output=True, text=True, timeout=30, check=True).stdout
    names: set[str] = set()
    for line in listed.splitlines()[1:]:
        item = line.strip()
        if item and not item.startswith("#"):
            names |= syscalls_of(analyze, item)
    return names


def unit_syscall_filter(analyze: str, unit: str) -> set[str]:
    """What the unit's SystemCallFilter= lines allow: the allow-lists minus the ~deny-lists."""
    allowed: set[str] = set()
    denied: set[str] = set()
    for line in unit.splitlines():
        if line.startswith("SystemCallFilter="):
            value = line.partition("=")[2]
            into = denied if value.startswith("~") else allowed
            for group in value.lstrip("~").split():
                into |= syscalls_of(analyze, group)
    assert allowed, "no SystemCallFilter= allow-list"
    return allowed - denied


@pytest.mark.parametrize("workers", [(), ("--workers", "2")])
def test_syscall_filter_allows_what_estra_does(start_estra: Callable[..., Server],
                                               tmp_path: Path, workers: tuple[str, ...]
                                               ) -> None:
    """Every system call estra makes (under strace) while it creates its state, serves an
    enrollment with Basic auth, reloads its certificate on SIGHUP and stops on SIGTERM is
    in estra.service's SystemCallFilter=: a call outside it would kill the service. With
    workers, the supervisor's (spawning, signalling) and the workers' calls too."""
    analyze = tool("systemd-analyze", "systemd")
    strace = tool("strace", "strace")
    trace = tmp_path / "trace"
    server = start_estra("", *workers, prefix=(strace, "-f", "-qq", "-o", str(trace)))
    server.add_user("alice")
    estra_pid = int(trace.read_text().split(None, 1)[0])
    req = tmp_path / "req.b64"
    req.write_bytes(pki.b64(pki.csr(pki.ec_key(), pki.name("filtered"))))
    # Not server.post: it would run curl under the same strace.
    done = subprocess.run(["curl", "-sS", "-i", "--cacert", str(server.ca), "--user",
                           f"alice:{PASSWORD}", "--data-binary", f"@{req}",
                           "-H", "Content-Type: application/pkcs10",
                           f"{server.base}/simpleenroll"], capture_output=True, timeout=60)
    assert parse_http(done.stdout)[0] == 200, done.stdout + done.stderr
    signal_and_wait = [(signal.SIGHUP, "TLS certificate and key reloaded"),
                       (signal.SIGTERM, "Server Shut Down.")]
    for signum, logged in signal_and_wait:
        os.kill(estra_pid, signum)
        wait_for(lambda logged=logged: logged in server.log.read_text(), logged)
    server.proc.wait(30)

    made = set(re.findall(r"^\d+ +([a-z0-9_]+)\(", trace.read_text(), flags=re.M))
    assert {"accept4", "epoll_wait", "futex", "openat"} <= made, sorted(made)
    outside = made - unit_syscall_filter(analyze, (CONF / "estra.service").read_text())
    if os.geteuid() == 0:
        # SQLite hands its journal to the database's owner only when running as root;
        # the service runs as estra.
        outside.discard("fchown")
    assert not outside, f"estra makes system calls estra.service forbids: {sorted(outside)}"


@pytest.mark.parametrize("unit", ["estra.service", "estra.service.d/socket.conf"])
def test_unit_command_line_parses(unit: str, tmp_path: Path) -> None:
    """The estra options in each ExecStart are ones `twistd estra` accepts."""
    line = [ln for ln in (CONF / unit).read_text().splitlines()
            if ln.startswith("ExecStart=/")][-1]
    args = line.split()[1:]
    assert args[:3] == ["-n", "--pidfile=", "estra"], line
    options = args[3:]
    assert options[:2] == ["-c", "/etc/estra/estra.toml"], line
    # The config file does not exist here: parse the rest with an empty one.
    (tmp_path / "estra.toml").write_text("")
    options[1] = str(tmp_path / "estra.toml")
    options = [o.replace("%S", str(tmp_path)) for o in options]
    from estra.runtime.twistd import Options
    parsed = Options()
    parsed.parseOptions(options)
    assert parsed["state-dir"] is None         # the config's state_dir, as for the CLI


def test_unit_config_and_commands_name_one_state_directory() -> None:
    """The shipped estra.toml names the directory the unit makes (StateDirectory=), no
    ExecStart overrides it, and ExecReload checks the same file before SIGHUP: so
    `estra -c /etc/estra/estra.toml CMD` works where the service does."""
    from twisted.python.filepath import FilePath

    from estra.config import load_settings
    unit = (CONF / "estra.service").read_text()
    made = re.search(r"^StateDirectory=(\S+)$", unit, re.MULTILINE)
    assert made, unit
    settings = load_settings(FilePath(str(CONF / "estra.toml")))
    assert settings.state_dir.path == f"/var/lib/{made.group(1)}"
    for name in ("estra.service", "estra.service.d/socket.conf"):
        for line in (CONF / name).read_text().splitlines():
            if line.startswith("ExecStart=/"):
                assert " -c /etc/estra/estra.toml" in line and "--state-dir" not in line \
                    and " -d " not in line, line
    reloads = [line.partition("=")[2] for line in unit.splitlines()
               if line.startswith("ExecReload=")]
    assert reloads == [f"{INSTALLED_ESTRA} -c /etc/estra/estra.toml check-config",
                       "/bin/kill -HUP $MAINPID"]


def test_reload_fails_visibly_on_a_bad_file(start_estra: Callable[..., Server]) -> None:
    """The unit's ExecReload lines, run in order as systemd does: a file estra would
    refuse stops at check-config (non-zero, one line naming the setting and the OS's
    reason) and no SIGHUP is sent; a good file is checked, then reloaded."""
    server = start_estra("")
    lines = [line.partition("=")[2].split() for line in
             (CONF / "estra.service").read_text().splitlines() if line.startswith("ExecReload=")]

    def reload() -> subprocess.CompletedProcess[str]:
        for argv in lines:
            argv = [str(server.config) if a == "/etc/estra/estra.toml" else
                    str(server.proc.pid) if a == "$MAINPID" else a for a in argv]
            if argv[0] == INSTALLED_ESTRA:
                argv = [sys.executable, "-m", "estra.cli", "--state-dir", str(server.state),
                        *argv[1:]]
            done = subprocess.run(argv, capture_output=True, text=True, env=estra_env(),
                                  timeout=60)
            if done.returncode != 0:
                return done
        return done
    server.config.write_text('[tls]\ncert = "server.pem"\nkey = "gone.key"\n')
    refused = reload()
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert refused.stderr == f"estra: {server.config}: tls.key: {server.state}/gone.key: " \
        "No such file or directory\n"
    time.sleep(0.5)
    assert not re.search(r"reload(ed| refused)", server.log.read_text())
    server.config.write_text("")
    assert reload().returncode == 0
    server.wait_log("configuration reloaded")


# -- socket activation ----------------------------------------------------------------

class ActivatedServer(Server):
    """`twistd -n estra --listen systemd:...` started by systemd-socket-activate on the
    first connection to `port`, as estra.socket does: `domain` INET listens on 127.0.0.1,
    INET6 on a dual-stack [::] socket like estra.socket's `ListenStream=443`."""

    def __init__(self, workdir: Path, port: int, domain: str) -> None:
        self.prefix = ()
        self.domain = domain
        self.workdir = workdir
        self.state = workdir / "state"
        self.log = workdir / "estra.log"
        self.config = workdir / "estra.toml"
        self.config.write_text("")
        activate = tool("systemd-socket-activate", "systemd")
        # systemd-socket-activate passes only the environment named with -E, and sets
        # LISTEN_FDNAMES only with --fdname; Twisted ignores inherited sockets without
        # it (ListenFDs wants as many names as descriptors), while systemd >= 227
        # always sets it for a .socket unit (FileDescriptorName=estra).
        where = f"127.0.0.1:{port}" if domain == "INET" else str(port)
        cmd = [activate, "-l", where, "--fdname=estra", "-E", "PYTHONPATH",
               *twistd("--config", str(self.config), "--state-dir", str(self.state),
                       "--listen", f"systemd:domain={domain}:name=estra")]
        self._log_file = open(self.log, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._log_file, stderr=subprocess.STDOUT,
                                     cwd=workdir, env=estra_env())
        self.ca = self.state / "ca.pem"
        self.port = port
        self.base = f"https://localhost:{port}/.well-known/est"


@pytest.fixture(params=["INET", "INET6"])
def activated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ActivatedServer]:
    # The state and users made before the first start, as the README's systemd recipe.
    assert estra_cli("--state-dir", str(tmp_path / "state"), "init").returncode == 0
    done = estra_cli("--state-dir", str(tmp_path / "state"), "user", "add", "alice",
                     "--password-stdin", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    server = ActivatedServer(tmp_path, free_port(), request.param)
    yield server
    server.stop()


def test_socket_activated_enrollment(activated: ActivatedServer, tmp_path: Path) -> None:
    """Under systemd-socket-activate, estra starts on the first connection, serves it on
    the inherited socket, announces the bound port, and a device enrolls over TLS."""
    wait_for(lambda: "Listening on" in activated.log.read_text(), "systemd-socket-activate")
    assert "ready on" not in activated.log.read_text(), "estra started before a connection"
    # The first connection is made while only systemd-socket-activate holds the socket;
    # it waits in the backlog until estra adopts the socket. The CA does not exist yet.
    first = subprocess.run(["curl", "-sS", "-i", "--insecure", "--max-time", "60",
                            f"{activated.base}/cacerts"], capture_output=True, timeout=65)
    assert first.returncode == 0, first.stderr + activated.log.read_bytes()
    assert parse_http(first.stdout)[0] == 200
    # The ready line shows the port systemd bound, not '?'.
    assert activated._wait_for_port() == activated.port
    key = pki.ec_key()
    status, headers, body = activated.post("simpleenroll", pki.csr(key, pki.name("socket1")))
    assert status == 200, body
    cert = issued(body)[0]
    assert cert.subject == pki.name("socket1")
    ca = x509.load_pem_x509_certificate(activated.ca.read_bytes())
    assert cert.issuer == ca.subject
    # On the dual-stack socket an IPv4 device is an IPv4-mapped IPv6 address.
    device = "127.0.0.1" if activated.domain == "INET" else "::ffff:127.0.0.1"
    assert f"simpleenroll [default] 200 for basic:alice (basic) from {device}:" in \
        activated.log.read_text()
    assert activated.alive(), activated.log.read_text()
    activated.proc.send_signal(signal.SIGTERM)
    activated.proc.wait(15)
    # twistd ends by re-raising the SIGTERM, which systemd counts as a clean stop.
    assert activated.proc.returncode in (0, -signal.SIGTERM), activated.log.read_text()
    assert "Server Shut Down." in activated.log.read_text()


# -- behind haproxy with the PROXY protocol -------------------------------------------

DEVICE, OTHER_DEVICE, HAPROXY_SOURCE = "127.0.0.3", "127.0.0.4", "127.0.0.2"


def haproxy_config(template: str, front: int, back: int, proxy: str) -> str:
    """conf/haproxy.cfg on loopback: the test's ports, one estra node (no health check:
    the test's estra has no admin endpoint) reached from haproxy's own address."""
    text = template.replace("192.0.2.10:443", f"127.0.0.1:{front}")
    text = re.sub(r"^\s*server estra2 .*\n", "", text, flags=re.M)
    text = re.sub(r"^(\s*server estra1) 10\.0\.0\.11:8443 send-proxy-v2 check port 9443$",
                  rf"\1 127.0.0.1:{back} {proxy} source {HAPROXY_SOURCE}", text,
                  flags=re.M)
    assert f"127.0.0.1:{back} {proxy} " in text, "conf/haproxy.cfg changed shape"
    # Run in the foreground as the test's user, logging nowhere.
    text = re.sub(r"^\s*(user|group|chroot|log|daemon|option httpchk)\b.*\n", "", text,
                  flags=re.M)
    return text


def test_haproxy_example_is_valid() -> None:
    """`haproxy -c` accepts conf/haproxy.cfg as shipped."""
    done = subprocess.run([tool("haproxy", "haproxy"), "-c", "-f", str(CONF / "haproxy.cfg")],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(params=["send-proxy-v2", "send-proxy"])
def behind_haproxy(request: pytest.FixtureRequest, start_estra: Callable[..., Server],
                   tmp_path: Path) -> Iterator[tuple[Server, int]]:
    """(estra listening on haproxy:tcp:..., haproxy's front port) with user alice; haproxy
    speaks PROXY protocol version 2 (binary) or 1 (text)."""
    haproxy = tool("haproxy", "haproxy")
    server = start_estra('[profiles.default]\nrate_per_address = "1/minute"\n',
                         "--listen", "haproxy:tcp:0:interface=127.0.0.1")
    server.add_user("alice")
    front = free_port()
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(haproxy_config((CONF / "haproxy.cfg").read_text(), front, server.port,
                                  request.param))
    check = subprocess.run([haproxy, "-c", "-f", str(cfg)], capture_output=True, text=True,
                           timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr
    with running_haproxy(haproxy, cfg, front, tmp_path / "haproxy.log"):
        yield server, front


@contextmanager
def running_haproxy(haproxy: str, cfg: Path, front: int, log: Path) -> Iterator[None]:
    """Debian's haproxy running `cfg` (logging to `log`) until the block ends, once its
    front port accepts connections."""
    with open(log, "wb") as out:
        proc = subprocess.Popen([haproxy, "-db", "-f", str(cfg)], stdout=out,
                                stderr=subprocess.STDOUT)

    def accepting() -> bool:
        assert proc.poll() is None, log.read_text()
        try:
            socket.create_connection(("127.0.0.1", front), timeout=1).close()
            return True
        except OSError:
            return False
    try:
        wait_for(accepting, "haproxy")
        yield
    finally:
        proc.terminate()
        proc.wait(15)


def test_proxied_client_address(behind_haproxy: tuple[Server, int]) -> None:
    """Through haproxy (send-proxy-v2, connecting to estra from 127.0.0.2), estra logs and
    rate-limits the device's own address: the second enrollment from one device is 429,
    another device through the same haproxy still enrolls."""
    server, front = behind_haproxy
    url = f"https://127.0.0.1:{front}/.well-known/est/simpleenroll"
    auth = ("--user", f"alice:{PASSWORD}")

    status, _, body = server.post(url, pki.csr(pki.ec_key(), pki.name("lb1")),
                                  *auth, "--interface", DEVICE)
    assert status == 200, body
    assert issued(body)[0].subject == pki.name("lb1")
    status, headers, body = server.post(url, pki.csr(pki.ec_key(), pki.name("lb2")),
                                        *auth, "--interface", DEVICE)
    assert status == 429, body
    assert "retry-after" in headers
    status, _, body = server.post(url, pki.csr(pki.ec_key(), pki.name("lb3")),
                                  *auth, "--interface", OTHER_DEVICE)
    assert status == 200, body

    log = server.log.read_text()
    assert re.search(rf"simpleenroll \[default\] 200 for basic:alice .* from {DEVICE}:", log), log
    assert re.search(rf"simpleenroll \[default\] 429 for basic:alice .* from {DEVICE}:", log), log
    assert re.search(rf"simpleenroll \[default\] 200 for basic:alice .* from {OTHER_DEVICE}:",
                     log), log
    assert f"from {HAPROXY_SOURCE}" not in log, log
    assert "Starting factory" not in log, log     # the PROXY wrapper is quiet too


def test_direct_connection_without_proxy_header_is_dropped(
        start_estra: Callable[..., Server]) -> None:
    """A client reaching a haproxy: endpoint directly (no PROXY header) gets no answer."""
    server = start_estra("", "--listen", "haproxy:tcp:0:interface=127.0.0.1")
    done = server.curl("cacerts", timeout=10)
    assert done.returncode != 0
    assert b"Failed to connect" not in done.stderr, done.stderr   # accepted, then dropped
    assert b"HTTP/" not in done.stdout
    assert server.alive()
