"""Fixtures: a real estra (twistd subprocess) on loopback TLS, and a test PKI."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

import base64

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7

from tests import pki

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse"
#: The line estra logs once it listens: the address bound (an IPv6 one in brackets).
READY = r"ready on https://(?:\[[^\]]+\]|[^:/\[]+):(\d+)/"
#: An estra with its SCEP front end on a free port: a static challenge, a manual
#: approval profile and a one-time-code profile.
SCEP_CONFIG = """
[scep]
listen = "tcp:0:interface=127.0.0.1"

[profiles.default]
scep_password = "sesame"

[profiles.manual]
scep_password = "sesame"
approval = "manual"
approval_retry_after = 1

[profiles.codes]
scep_challenge = "codes"
"""


def estra_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def twistd(*args: str) -> list[str]:
    return [sys.executable, "-c", "from twisted.scripts.twistd import run; run()",
            "-n", "--pidfile=", "estra", *args]


def estra_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "estra.cli", *args], input=stdin,
                          capture_output=True, text=True, env=estra_env(), timeout=60)


class Server:
    """A running `twistd -n estra` and what a test needs to talk to it."""

    def __init__(self, workdir: Path, config: str = "", args: tuple[str, ...] = (),
                 prefix: tuple[str, ...] = ()) -> None:
        """`prefix` runs twistd (and `curl`) under e.g. `ip netns exec NS`."""
        self.prefix, self.args = prefix, args
        self.workdir = workdir
        self.state = workdir / "state"
        self.log = workdir / "estra.log"
        self.config = workdir / "estra.toml"
        self.ca = self.state / "ca.pem"
        self.bootstrap_password: str | None = None
        self._start(config)

    def _start(self, config: str) -> None:
        self.config.write_text(config)
        if not self.state.exists():       # with a config file, the state is made explicitly
            done = estra_cli("--config", str(self.config), "--state-dir", str(self.state),
                             "init")
            assert done.returncode == 0, done.stderr
            found = re.search(r"password: (\S+)", done.stdout)
            self.bootstrap_password = found.group(1) if found else None
        cmd = twistd("--config", str(self.config), "--state-dir", str(self.state),
                     "--listen", "tcp:0:interface=127.0.0.1", *self.args)
        self._log_file = open(self.log, "wb")
        self.proc = subprocess.Popen([*self.prefix, *cmd], stdout=self._log_file,
                                     stderr=subprocess.STDOUT, cwd=self.workdir, env=estra_env())
        self.port = self._wait_for_port()
        self.base = f"https://localhost:{self.port}/.well-known/est"

    def restart(self, config: str) -> None:
        """Stop, then start again on the same state with `config` (a new port)."""
        self.stop()
        self._start(config)

    def _wait_for_port(self) -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            m = re.search(READY, self.log.read_text(errors="replace"))
            if m:
                return int(m.group(1))
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("estra did not start:\n" + self.log.read_text(errors="replace"))

    def add_user(self, name: str, password: str = PASSWORD) -> None:
        done = estra_cli("--state-dir", str(self.state), "user", "add", name,
                         "--password-stdin", stdin=password + "\n")
        assert done.returncode == 0, done.stderr

    def curl(self, path: str, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[bytes]:
        """curl -sS with the RA's CA, writing headers then body to stdout."""
        url = path if path.startswith("https:") else f"{self.base}/{path}"
        return subprocess.run([*self.prefix, "curl", "-sS", "-i", "--max-time", str(int(timeout)),
                               "--cacert", str(self.ca), *args, url],
                              capture_output=True, timeout=timeout + 5)

    def post(self, path: str, req: x509.CertificateSigningRequest,
             *auth: str) -> tuple[int, dict[str, str], bytes]:
        """POST a CSR (base64) as alice, or with the given curl auth arguments."""
        body = self.workdir / f"req-{pki.der(req)[-8:].hex()}.b64"
        body.write_bytes(pki.b64(req))
        return parse_http(self.curl(path, *(auth or ("--user", f"alice:{PASSWORD}")),
                                    "--data-binary", f"@{body}",
                                    "-H", "Content-Type: application/pkcs10").stdout)

    def ca_signer(self) -> pki.CA:
        return pki.CA.from_files(self.ca, self.state / "ca.key")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_log(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        """The first match of `pattern` in the log, once written: a listener's ready line
        or the bootstrap password can follow the EST ready line that start-up waits for."""
        deadline = time.monotonic() + timeout
        while not (found := re.search(pattern, self.log.read_text(errors="replace"))):
            assert time.monotonic() < deadline and self.alive(), self.log.read_text()
            time.sleep(0.05)
        return found

    def listener_port(self, ready: str) -> int:
        """The port of the listener whose ready line reads `<ready> on <scheme>://...`
        (`ready` a regular expression: "SCEP ready", r"estra admin ready \\(TLS\\)")."""
        return int(self.wait_log(rf"{ready} on https?://[^:]+:(\d+)/").group(1))

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_file.close()
        return self.log.read_text(errors="replace")


@pytest.hookimpl(tryfirst=True)       # before xdist reads the marks (--dist loadgroup)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests sharing one instance of a module- or session-scoped fixture of ours (a KDC,
    a compiled Java client, a module's RA whose state its tests build on) run in one
    xdist worker: made once, seen in order, as in a run without `-n`."""
    for item in items:
        group = shared_fixture(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


def shared_fixture(item: pytest.Item) -> str | None:
    """The name of the widest-scoped fixture of this project `item` uses, when wider than
    a function's: a session fixture by its name, a module fixture by its test module."""
    info = getattr(item, "_fixtureinfo", None)    # pytest keeps no public mapping
    if info is None:
        return None
    found: str | None = None
    for name in info.names_closure:
        defs = info.name2fixturedefs.get(name)
        if not defs or not defs[-1].func.__module__.startswith("tests."):
            continue
        if defs[-1].scope == "session":
            return name
        if defs[-1].scope == "module":
            found = item.nodeid.split("::")[0]
    return found


@pytest.fixture
def start_estra(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """A factory: start_estra(config_text, *twistd_args) -> Server, stopped after."""
    servers: list[Server] = []

    def start(config: str = "", *args: str, prefix: tuple[str, ...] = ()) -> Server:
        workdir = tmp_path / f"estra{len(servers)}"
        workdir.mkdir()
        servers.append(Server(workdir, config, args, prefix))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def ra_config(upstream_port: int, ra_dir: Path, upstream_extra: str = "", trust: str = "",
              profile_extra: str = "") -> str:
    """Config of an RA whose default profile forwards to an EST upstream at `upstream_port`,
    with the RA certificate `estra ra-cert` wrote to `ra_dir`."""
    return f"""
[upstreams.corp]
kind = "est"
url = "https://localhost:{upstream_port}"
trust = "{trust or ra_dir / 'upstream-ca.pem'}"
client_cert = "{ra_dir / 'ra.pem'}"
client_key = "{ra_dir / 'ra.key'}"
timeout = 5
{upstream_extra}

[profiles.default]
upstream = "corp"
{profile_extra}
"""


def estra_behind_estra(start_estra: Callable[..., Server], tmp_path: Path,
                       upstream_config: str = "", profile_extra: str = ""
                       ) -> tuple[Server, Server]:
    """(upstream, ra): an estra upstream that takes certificates only (no Basic), and an
    RA using an `estra ra-cert` certificate from it; the RA has user alice."""
    config = "[profiles.default]\nallow_basic = false\n" + upstream_config
    upstream = start_estra(config)
    done = estra_cli("--state-dir", str(upstream.state), "ra-cert", "estra RA",
                     "--out", str(tmp_path / "ra"))
    assert done.returncode == 0, done.stderr
    # The RA role comes only from ra_trust: the upstream pins the RA's certificate.
    upstream.restart(f'[tls]\nra_trust = ["{tmp_path / "ra" / "ra.pem"}"]\n' + config)
    ra = start_estra(ra_config(upstream.port, tmp_path / "ra", profile_extra=profile_extra))
    ra.add_user("alice")
    return upstream, ra


def issued(body: bytes) -> list[x509.Certificate]:
    """The certificates of a base64 certs-only PKCS#7 answer."""
    return pkcs7.load_der_pkcs7_certificates(base64.b64decode(body))


def openssl_verify(tmp: Path, cert: x509.Certificate, ca_file: str = "fake-ca.pem") -> None:
    """`openssl verify -CAfile tmp/ca_file` accepts `cert`."""
    (tmp / "leaf.pem").write_bytes(cert.public_bytes(pki.PEM))
    done = subprocess.run(["openssl", "verify", "-CAfile", str(tmp / ca_file),
                           str(tmp / "leaf.pem")], capture_output=True, timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr


def parse_http(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, headers lower-cased, body) of curl -i output (last response)."""
    blocks = raw.split(b"\r\n\r\n")
    # curl -i prints every response (e.g. 401 then 200 with --anyauth): take the last
    i = 0
    while i + 1 < len(blocks) and blocks[i + 1].startswith(b"HTTP/"):
        i += 1
    head, body = blocks[i], b"\r\n\r\n".join(blocks[i + 1:])
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, body


from tests.strongswan import strongswan_usable, sw  # noqa: E402,F401  (shared fixtures)
