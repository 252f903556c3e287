"""Several estra nodes on one PostgreSQL behind haproxy (PROXY protocol), and a bounded
load of Python client threads: shared by tests/test_cluster.py and bench/cluster.py.

Node A is made with `estra init`; every other node gets a copy of A's state directory
(CA, TLS certificate, htpasswd), as docs/deployment.rst "Scaling out" says.  haproxy runs
conf/haproxy.cfg moved to loopback, health checking each node's [admin] /healthz, with a
stats socket to read and set server states.
"""

from __future__ import annotations

import base64
import http.client
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Callable, TypeVar

from cryptography.hazmat.primitives.serialization import pkcs7

from estra.asn1.wire import serial_hex
from tests import pki
from tests.conftest import PASSWORD, ROOT, Server

T = TypeVar("T")
ADMIN_READY = r"estra admin ready on http://127\.0\.0\.1:(\d+)/"
#: What a node copies from the first node's state directory; the rest is its own.
SHARED_STATE = ("ca.pem", "ca.key", "server.pem", "server.key", "htpasswd")


def together(calls: list[Callable[[], T]], timeout: float = 120) -> list[T | None]:
    """Run the calls in threads released at once (a barrier); their results in order
    (None for a call that did not finish within `timeout`)."""
    results: list[T | None] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i: int) -> None:
        start.wait(30)
        results[i] = calls[i]()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results
def issued_serials(url: str) -> Counter[str]:
    """How many 'issued' enrollment records the store at `url` holds per serial."""
    import psycopg
    with psycopg.connect(url, connect_timeout=5) as db:
        rows = db.execute("SELECT serial FROM enrollments WHERE decision = 'issued'")
        return Counter(str(row[0]) for row in rows)


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/sbin")
    if found is None:
        raise RuntimeError("haproxy is missing: apt-get install haproxy (.ci/run does)")
    return found


def start_node(workdir: Path, config: str, listen: str = "haproxy:tcp:0:interface=127.0.0.1",
               like: Server | None = None) -> Server:
    """`twistd estra` with `config` listening on `listen` (TLS inside), its admin endpoint
    on a free loopback port; with the state of node `like` (else `estra init`, user alice)."""
    workdir.mkdir(parents=True)
    if like is not None:
        (workdir / "state").mkdir(mode=0o700)
        for name in SHARED_STATE:
            shutil.copy2(like.state / name, workdir / "state" / name)
    admin = '\n[admin]\nlisten = "tcp:0:interface=127.0.0.1"\n'
    node = Server(workdir, config + admin, ("--listen", listen))
    if like is None:
        node.add_user("alice")
    return node


def admin_port(node: Server) -> int:
    """The node's admin port, once its ready line is written (it may follow EST's)."""
    return int(node.wait_log(ADMIN_READY).group(1))


def haproxy_config(template: str, front: int, nodes: list[Server], stats: Path) -> str:
    """conf/haproxy.cfg on loopback: the front port, one `server` per node (its estra
    port, health checked on its admin port every 300 ms), a stats socket, foreground."""
    text = template.replace("192.0.2.10:443", f"127.0.0.1:{front}")
    text, shipped = re.subn(r"^\s*server estra\d \S+ send-proxy-v2 check port 9443\n", "",
                            text, flags=re.M)
    assert shipped == 2, "conf/haproxy.cfg changed shape"
    lines = "".join(f"    server estra{i + 1} 127.0.0.1:{node.port} send-proxy-v2 check port "
                    f"{admin_port(node)}\n" for i, node in enumerate(nodes))
    text = re.sub(r"^(\s*default-server .*)inter \S+", r"\1inter 300ms", text, flags=re.M)
    assert "inter 300ms" in text, "conf/haproxy.cfg has no default-server inter"
    text = re.sub(r"^\s*(user|group|chroot|log|daemon)\b.*\n", "", text, flags=re.M)
    text = text.replace("global\n", f"global\n    stats socket {stats} level admin\n", 1)
    return text + lines


class Haproxy:
    """haproxy in the foreground in front of `nodes`; `front` is where devices connect."""

    def __init__(self, workdir: Path, nodes: list[Server]) -> None:
        binary = haproxy_binary()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.front: int = s.getsockname()[1]
        self.stats = workdir / "haproxy.sock"
        cfg = workdir / "haproxy.cfg"
        cfg.write_text(haproxy_config((ROOT / "conf" / "haproxy.cfg").read_text(), self.front,
                                      nodes, self.stats))
        self.log_path = workdir / "haproxy.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([binary, "-db", "-f", str(cfg)], stdout=self._log,
                                     stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: self.states() == {f"estra{i + 1}": "UP" for i in range(len(nodes))},
                     "haproxy to see every node UP", self.log_path)
        except BaseException:
            self.stop()
            raise

    def command(self, line: str) -> str:
        """One command on the stats socket (e.g. "disable server estra/estra2")."""
        assert self.proc.poll() is None, self.log_path.read_text()
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(str(self.stats))
            s.sendall(line.encode() + b"\n")
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
        return answer.decode()

    def states(self) -> dict[str, str]:
        """Each server's status as haproxy's health checks see it: UP, DOWN, MAINT ..."""
        try:
            rows = self.command("show stat").splitlines()
        except OSError:
            return {}
        head = rows[0].lstrip("# ").split(",") if rows else []
        out = {}
        for row in rows[1:]:
            cells = dict(zip(head, row.split(","), strict=False))
            if cells.get("pxname") == "estra" and cells.get("svname", "").startswith("estra"):
                out[cells["svname"]] = cells["status"].split()[0]
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(15)
        self._log.close()


def wait_for(predicate: Callable[[], bool], what: str, log: Path | None = None,
             timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}"
                                 + (":\n" + log.read_text()[-2000:] if log else ""))
        time.sleep(0.05)


def csrs(count: int, prefix: str = "device") -> list[bytes]:
    """`count` base64 CSRs, each with its own P-256 key and CN=<prefix>-<n>."""
    return [pki.b64(pki.csr(pki.ec_key(), pki.name(f"{prefix}-{n}"))) for n in range(count)]


class Load:
    """Bounded enrollments through 127.0.0.1:`port`: `threads` keep-alive clients, at most
    one request per CSR and `seconds` in all.  Each 200's certificate serial is kept with
    when it was answered, other statuses are counted, and so are requests that got no
    answer (connection refused, reset or closed: `errors`, by exception name)."""

    def __init__(self, port: int, cafile: Path, bodies: list[bytes], threads: int,
                 seconds: float, user: str = "alice", password: str = PASSWORD) -> None:
        self._port, self._bodies, self._deadline_in = port, bodies, seconds
        self._ctx = ssl.create_default_context(cafile=str(cafile))
        auth = base64.b64encode(f"{user}:{password}".encode()).decode()
        self._headers = {"Content-Type": "application/pkcs10", "Authorization": f"Basic {auth}"}
        self._lock = threading.Lock()
        self._next = 0
        self.issued: list[tuple[float, str]] = []
        self.statuses: Counter[int] = Counter()
        self.errors: Counter[str] = Counter()
        self._threads = [threading.Thread(target=self._client, daemon=True)
                         for _ in range(threads)]

    @property
    def sent(self) -> int:
        """Requests taken so far (each ends as a 200, another status or an error)."""
        return min(self._next, len(self._bodies))

    @property
    def answered(self) -> int:
        return len(self.issued) + sum(self.statuses.values()) + sum(self.errors.values())

    def start(self) -> "Load":
        self.started = time.monotonic()
        self._deadline = self.started + self._deadline_in
        for t in self._threads:
            t.start()
        return self

    def join(self) -> "Load":
        for t in self._threads:
            t.join(self._deadline_in + 60)
        self.wall = time.monotonic() - self.started
        return self

    def _take(self) -> bytes | None:
        with self._lock:
            if self._next >= len(self._bodies) or time.monotonic() > self._deadline:
                return None
            self._next += 1
            return self._bodies[self._next - 1]

    def _client(self) -> None:
        conn: http.client.HTTPSConnection | None = None
        while (body := self._take()) is not None:
            try:
                conn = conn or http.client.HTTPSConnection("127.0.0.1", self._port,
                                                           context=self._ctx, timeout=30)
                conn.request("POST", "/.well-known/est/simpleenroll", body, self._headers)
                resp = conn.getresponse()
                data = resp.read()
                serial = serial_hex(pkcs7.load_der_pkcs7_certificates(
                    base64.b64decode(data))[0].serial_number) if resp.status == 200 else None
                with self._lock:
                    if serial is None:
                        self.statuses[resp.status] += 1
                    else:
                        self.issued.append((time.monotonic(), serial))
                if resp.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as e:
                with self._lock:
                    self.errors[type(e).__name__] += 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()
