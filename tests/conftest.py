"""Fixtures: a real estra (twistd subprocess) on loopback TLS, and a test PKI."""

from __future__ import annotations

import base64
import itertools
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from twisted.internet.interfaces import IProtocolFactory
from twisted.python.filepath import FilePath

from estra.config import load_settings
from estra.runtime.state import init_command
from estra.testing import LogLines, MemoryRA
from estra.ca.local import LocalCA
from tests import pki

if TYPE_CHECKING:
    from tests.fakeca import MemoryFake
    from tests.memory import MemoryServer

#: Debian's Bouncy Castle jars and the EST client the tests compile against them.
BC_JARS = [Path("/usr/share/java") / f"{name}.jar" for name in ("bcprov", "bcpkix", "bcutil")]
BC_CLIENT = Path(__file__).resolve().parent / "bc" / "EstraClient.java"
#: Fixtures for every test module: strongSwan's `sw` and `strongswan_usable`; the SCEP
#: clients' `scep` and `certmonger`; the MDM challenge client's `mdm` and `memory_ra`;
#: a SoftHSM2 token, `softhsm`.
pytest_plugins = ["tests.strongswan", "tests.test_scep_clients", "tests.test_ndes",
                  "tests.test_pkcs11"]

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql://postgres@127.0.0.1:5432"
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


def init_state_dir(config: Path, state: Path) -> str | None:
    """What `estra init` does, in this process (the CLI's own tests run the command):
    the state directory for `config`; returns the bootstrap password, if one was made.
    A configuration naming token keys runs the command: a PKCS#11 library reads its
    configuration (SOFTHSM2_CONF) once per process, and each test has its own token."""
    if "pkcs11:" in config.read_text():
        done = estra_cli("--config", str(config), "--state-dir", str(state), "init")
        assert done.returncode == 0, done.stderr
        found = re.search(r"password: (\S+)", done.stdout)
        return found.group(1) if found else None
    settings = load_settings(FilePath(str(config)), state_dir=str(state))
    made: dict[str, Any] = {}
    init_command(settings, lambda data, text: made.update(data))
    password = made.get("password")
    return None if password is None else str(password)


class Server:
    """A running `twistd -n estra` and what a test needs to talk to it."""

    def __init__(self, workdir: Path, config: str = "", args: tuple[str, ...] = (),
                 prefix: tuple[str, ...] = (), env: dict[str, str] | None = None) -> None:
        """`prefix` runs twistd (and `curl`) under e.g. `ip netns exec NS`; `env` is
        added to twistd's environment (not to `estra init`'s or curl's)."""
        self.prefix, self.args, self.env = prefix, args, env or {}
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
            self.bootstrap_password = init_state_dir(self.config, self.state)
        cmd = twistd("--config", str(self.config), "--state-dir", str(self.state),
                     "--listen", "tcp:0:interface=127.0.0.1", *self.args)
        self._log_file = open(self.log, "wb")
        self.proc = subprocess.Popen([*self.prefix, *cmd], stdout=self._log_file,
                                     stderr=subprocess.STDOUT, cwd=self.workdir,
                                     env={**estra_env(), **self.env})
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

    def curl(self, path: str, *args: str,
             timeout: float = 30) -> subprocess.CompletedProcess[bytes]:
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

    def get(self, path: str, *args: str) -> tuple[int, dict[str, str], bytes]:
        """GET `path` with curl (`args` its options): as `MemoryServer.get`."""
        return parse_http(self.curl(path, *args).stdout)

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


@contextmanager
def starting_estra(directory: Path) -> Iterator[Callable[..., Server]]:
    """A factory: start(config_text, *twistd_args) -> Server in `directory`, every
    server stopped at the end (for fixtures of any scope)."""
    servers: list[Server] = []

    def start(config: str = "", *args: str, prefix: tuple[str, ...] = (),
              env: dict[str, str] | None = None, state: Path | None = None) -> Server:
        """`state`: a state directory made beforehand, moved in as the server's."""
        workdir = directory / f"estra{len(servers)}"
        workdir.mkdir()
        if state is not None:
            state.rename(workdir / "state")
        servers.append(Server(workdir, config, args, prefix, env))
        return servers[-1]

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def start_estra(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """A factory: start_estra(config_text, *twistd_args) -> Server, stopped after."""
    with starting_estra(tmp_path) as start:
        yield start


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
    made = tmp_path / "upstream-state"          # made first: ra-cert needs its CA
    (tmp_path / "upstream.toml").write_text(config)
    init_state_dir(tmp_path / "upstream.toml", made)
    done = estra_cli("--state-dir", str(made), "ra-cert", "estra RA",
                     "--out", str(tmp_path / "ra"))
    assert done.returncode == 0, done.stderr
    # The RA role comes only from ra_trust: the upstream pins the RA's certificate.
    upstream = start_estra(f'[tls]\nra_trust = ["{tmp_path / "ra" / "ra.pem"}"]\n' + config,
                           state=made)
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


def csrattrs_text(server: "Server | MemoryServer", path: str = "csrattrs") -> str:
    """`openssl asn1parse` of the server's /csrattrs answer (asserted 200)."""
    status, _, body = server.get(path)
    assert status == 200, body
    return subprocess.run(["openssl", "asn1parse", "-inform", "DER"],
                          input=base64.b64decode(body), capture_output=True,
                          timeout=30).stdout.decode()


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listened on a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def missing(reason: str) -> None:
    """In CI a missing client is a failure; on a developer machine, a skip."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@contextmanager
def fresh_database() -> Iterator[str]:
    """The URL of a new PostgreSQL database on 127.0.0.1:5432, dropped afterwards."""
    import psycopg
    admin = psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5)
    name = f"estra_test_{secrets.token_hex(6)}"
    admin.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{PG}/{name}"
    finally:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
        admin.close()


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh database for this test, dropped afterwards."""
    try:
        import psycopg
        psycopg.connect(f"{PG}/postgres", connect_timeout=5).close()
    except Exception as e:  # noqa: BLE001 - any failure means no usable server
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL on 127.0.0.1:5432 is required in CI: {e}")
        pytest.skip(f"no PostgreSQL on 127.0.0.1:5432: {e}")
    with fresh_database() as url:
        yield url


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port on 127.0.0.1 someone else listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


@pytest.fixture
def crl_port() -> int:
    """The port of `crl_server`'s CRL/OCSP listener."""
    return free_port()


@pytest.fixture
def crl_server(start_estra: Callable[..., Server], crl_port: int) -> Server:
    """An estra with user alice and its CRL and OCSP listener on `crl_port`."""
    server = start_estra(f"""
[crl]
listen = "tcp:{crl_port}:interface=127.0.0.1"
url = "http://127.0.0.1:{crl_port}/crl/ca.crl"
ocsp_url = "http://127.0.0.1:{crl_port}/ocsp"
""")
    server.add_user("alice")
    return server


@pytest.fixture(scope="session")
def bc_classpath(tmp_path_factory: pytest.TempPathFactory) -> str:
    """EstraClient compiled once against Debian's BC jars: the classpath to run it."""
    javac = shutil.which("javac")
    if not (javac and shutil.which("java")):
        missing("java/javac not found (apt-get install default-jdk-headless)")
    absent = [str(j) for j in BC_JARS if not j.exists()]
    if absent:
        missing(f"Bouncy Castle jars missing: {', '.join(absent)} "
                "(apt-get install libbcprov-java libbcpkix-java libbcutil-java)")
    out = tmp_path_factory.mktemp("bc-classes")
    classpath = os.pathsep.join(str(j) for j in BC_JARS)
    done = subprocess.run([str(javac), "-nowarn", "-cp", classpath, "-d", str(out),
                           str(BC_CLIENT)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return classpath + os.pathsep + str(out)


class MemoryScep:
    """The in-memory RA (estra.testing) of `config`: SCEP over its real resource; its
    upstream adapters reach `upstreams` (MemoryRA's)."""

    def __init__(self, config: str, where: Path, files: dict[str, bytes],
                 upstreams: Mapping[str, IProtocolFactory | None] | None = None,
                 logged: LogLines | None = None) -> None:
        """`logged`: where its log is kept (`log()`)."""
        self.logged = logged
        self.ra = MemoryRA(config, state_dir=str(where), files=files, upstreams=upstreams)
        self.state = Path(self.ra.settings.state_dir.path)
        self.ca = self.state / "ca.pem"

    def log(self) -> str:
        assert self.logged is not None, "made without a log"
        return self.logged.text()


@pytest.fixture(scope="module")
def scep_files() -> dict[str, bytes]:
    """A CA and the RA's SCEP certificate and key, made once (RSA keys cost)."""
    ca = pki.CA("estra local CA")
    key = rsa.generate_private_key(65537, 2048)
    cert = LocalCA(ca.key, ca.cert, time.time).issue(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "estra SCEP RA")]),
        key.public_key(), [], [], 825)
    return {"state/ca.pem": ca.cert.public_bytes(pki.PEM), "state/ca.key": pki.key_pem(ca.key),
            "state/scep-ra.pem": cert.public_bytes(pki.PEM), "state/scep-ra.key": pki.key_pem(key)}


@pytest.fixture
def memory(tmp_path: Path, scep_files: dict[str, bytes]) -> MemoryScep:
    return MemoryScep(SCEP_CONFIG, tmp_path / "memory", scep_files)


StartMemoryScep = Callable[[str, "MemoryFake"], MemoryScep]


@pytest.fixture
def start_memory_scep(tmp_path: Path, scep_files: dict[str, bytes]
                      ) -> Iterator[StartMemoryScep]:
    """A factory: start_memory_scep(config_text, fake) -> a SCEP RA in memory whose
    upstream adapters (challenge validators, webhooks) reach the in-memory `fake`; its
    log is kept while the test runs."""
    logged, made = LogLines().start(), itertools.count()

    def start(config: str, fake: "MemoryFake") -> MemoryScep:
        return MemoryScep(config, tmp_path / f"memory{next(made)}", scep_files,
                          fake.upstreams(), logged)

    yield start
    logged.stop()
