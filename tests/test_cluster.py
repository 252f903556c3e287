"""Two estra nodes on one PostgreSQL and one embedded CA behind haproxy (PROXY protocol
v2, health checks on /healthz): a bounded load runs through haproxy while one node is
killed with SIGKILL.

"Exactly once" here: every certificate a device got a 200 for is recorded once in the
store, and no serial is recorded twice.  The other direction cannot hold: the dead node
may have committed a record (and signed a certificate) whose answer it never sent; such
a request is one of the connection errors the devices saw, and they retry it.  So the
store may hold at most that many records no device saw.
"""

from __future__ import annotations

import base64
import http.client
import ssl
import threading
import time
from pathlib import Path
from typing import Iterator

import psycopg
import pytest
from cryptography.hazmat.primitives.serialization import pkcs7

from estra.asn1.wire import serial_hex
from tests.cluster import Haproxy, Load, csrs, issued_serials, start_node, together, wait_for
from tests.conftest import PASSWORD, ROOT, Server

REQUESTS, THREADS, SECONDS = 400, 8, 40
ENROLLED = "simpleenroll [default] 200 for basic:alice"


@pytest.fixture
def cluster(database: str, tmp_path: Path) -> Iterator[tuple[str, list[Server], Haproxy]]:
    """(store URL, [node A, node B], haproxy in front of both) on a fresh database."""
    config = f'[store]\nurl = "{database}"\n'
    nodes: list[Server] = []
    proxy = None
    try:
        nodes.append(start_node(tmp_path / "a", config))
        nodes.append(start_node(tmp_path / "b", config, like=nodes[0]))
        proxy = Haproxy(tmp_path, nodes)
        yield database, nodes, proxy
    finally:
        if proxy is not None:
            proxy.stop()
        for node in nodes:
            node.stop()


def test_node_killed_under_load(cluster: tuple[str, list[Server], Haproxy]) -> None:
    """Through haproxy both nodes enroll; node A is SIGKILLed halfway through a bounded
    load; node B keeps serving; every 200's serial is in the store exactly once, no serial
    twice, and the records no device saw are at most the requests that got no answer."""
    url, (a, b), proxy = cluster
    bodies = csrs(REQUESTS)
    load = Load(proxy.front, a.ca, bodies, THREADS, SECONDS).start()
    wait_for(lambda: load.answered >= REQUESTS // 2 or load.sent == REQUESTS, "half the load")
    a.proc.kill()
    a.proc.wait(10)
    killed_at = load.answered, time.monotonic()
    load.join()

    # Every request is accounted for: a 200, another status, or no answer at all.
    assert load.answered == load.sent == REQUESTS, (load.sent, load.statuses, load.errors)
    assert not load.statuses, f"statuses other than 200: {load.statuses}"
    # Only what was on A's connections at the kill is lost, at most one per client: a new
    # connection haproxy sends to the dead node is refused and redispatched to B.
    assert sum(load.errors.values()) <= THREADS, load.errors
    seen = [serial for _, serial in load.issued]
    assert len(set(seen)) == len(seen), "one serial answered twice"

    # Both nodes served before the kill; B alone after it, and haproxy took A out.
    assert a.log.read_text().count(ENROLLED) > 0
    assert b.log.read_text().count(ENROLLED) > 0
    after = [serial for at, serial in load.issued if at > killed_at[1]]
    assert len(after) >= (REQUESTS - killed_at[0]) // 2, (len(after), load.errors)
    assert b.alive()
    wait_for(lambda: proxy.states() == {"estra1": "DOWN", "estra2": "UP"},
             "haproxy to mark estra1 DOWN", proxy.log_path)

    # The store: each 200 recorded exactly once, nothing twice, extras only from lost answers.
    stored = issued_serials(url)
    assert not [s for s in seen if stored[s] != 1], "a 200 without exactly one record"
    assert max(stored.values()) == 1, "a serial recorded twice"
    unseen = set(stored) - set(seen)
    assert len(unseen) <= sum(load.errors.values()), (len(unseen), load.errors)


def test_docs_node_config() -> None:
    """docs/deployment.rst's "Scaling out" node configuration is valid: PROXY listener,
    PostgreSQL store, admin endpoint for haproxy's check on port 9443 as
    conf/haproxy.cfg expects."""
    from estra.config import settings_from_string
    from tests.test_readme import block
    settings = settings_from_string(block('url = "postgresql://estra@db.example/estra"',
                                          ROOT / "docs" / "deployment.rst"))
    assert settings.listen.startswith("haproxy:tcp:8443:")
    assert settings.admin_listen.startswith("tcp:9443:")
    assert settings.store_url.startswith("postgresql://")


def _enroll_together(ports: list[int], cafile: Path, body: bytes) -> list[tuple[int, str]]:
    """One POST of `body` per port, all sent at once (connected first, then a barrier):
    (status, serial or Retry-After) each."""
    ctx = ssl.create_default_context(cafile=str(cafile))
    auth = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    headers = {"Content-Type": "application/pkcs10", "Authorization": f"Basic {auth}"}
    barrier, answers = threading.Barrier(len(ports)), [(0, "")] * len(ports)

    def post(i: int) -> None:
        conn = http.client.HTTPSConnection("127.0.0.1", ports[i], context=ctx, timeout=30)
        try:
            conn.connect()
            barrier.wait(30)
            conn.request("POST", "/.well-known/est/manual/simpleenroll", body, headers)
            resp = conn.getresponse()
            data = resp.read()
            answers[i] = (resp.status, serial_hex(pkcs7.load_der_pkcs7_certificates(
                base64.b64decode(data))[0].serial_number) if resp.status == 200
                else resp.getheader("Retry-After", ""))
        finally:
            conn.close()
    together([lambda i=i: post(i) for i in range(len(ports))], 60)   # type: ignore[misc]
    return answers


def test_approved_request_issued_once_by_two_nodes(database: str, tmp_path: Path) -> None:
    """Two nodes on one PostgreSQL, one approved request, ten retries racing (five per
    node): one certificate is issued and recorded; every 200 carries it, the others
    are 202 with a short Retry-After; a later retry gets that same certificate."""
    config = (f'[store]\nurl = "{database}"\n\n[profiles.manual]\napproval = "manual"\n'
              'approval_retry_after = 60\n')
    listen = "tcp:0:interface=127.0.0.1"
    nodes = [start_node(tmp_path / "a", config, listen)]
    try:
        nodes.append(start_node(tmp_path / "b", config, listen, like=nodes[0]))
        body = csrs(1, "approved")[0]
        assert _enroll_together([nodes[0].port], nodes[0].ca, body)[0][0] == 202
        with psycopg.connect(database, autocommit=True) as db:
            assert db.execute("UPDATE pending SET status = 'approved'").rowcount == 1
        answers = _enroll_together([node.port for node in nodes] * 5, nodes[0].ca, body)
        serials = {value for status, value in answers if status == 200}
        assert len(serials) == 1, answers
        assert {a for a in answers if a[0] != 200} <= {(202, "5")}, answers
        assert _enroll_together([nodes[1].port], nodes[0].ca, body) == [(200, *serials)]
        assert list(issued_serials(database).values()) == [1]
    finally:
        for node in nodes:
            node.stop()
