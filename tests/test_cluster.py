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

import time
from pathlib import Path
from typing import Iterator

import pytest

from tests.cluster import Haproxy, Load, csrs, issued_serials, start_node, wait_for
from tests.conftest import Server
from tests.test_store_postgres import database  # noqa: F401  (the fixture)

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


def test_readme_node_config() -> None:
    """README's "Scaling out" node configuration is valid: PROXY listener, PostgreSQL
    store, admin endpoint for haproxy's check on port 9443 as conf/haproxy.cfg expects."""
    from estra.config import settings_from_string
    from tests.test_readme import block
    settings = settings_from_string(block('url = "postgresql://estra@db.example/estra"'))
    assert settings.listen.startswith("haproxy:tcp:8443:")
    assert settings.admin_listen.startswith("tcp:9443:")
    assert settings.store_url.startswith("postgresql://")
