"""Challenges shared by two estra nodes on one PostgreSQL (issue #21): handed out by
both at once with one open-challenge cap, and consumed exactly once when devices race
to use one challenge on both nodes (real HTTP, hand-made SCEP messages)."""

from __future__ import annotations

import base64
import json
import re
import ssl
import urllib.request
from functools import partial
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7

from estra.asn1 import scep_message as sm
from tests.cluster import start_node, together
from tests.conftest import Server
from tests.test_ndes import CLIENT, CONFIG, FLEET, PASSWORD, clients_file
from tests.test_scep import request_for, scep_url, self_signed


def page(node: Server) -> str:
    """The NDES page's text from `node` (over TLS, as the connector)."""
    context = ssl.create_default_context(cafile=str(node.ca))
    request = urllib.request.Request(f"https://localhost:{node.port}/certsrv/mscep_admin/")
    request.add_header("Authorization", "Basic " + base64.b64encode(
        f"{CLIENT}:{PASSWORD}".encode()).decode())
    with urllib.request.urlopen(request, context=context, timeout=60) as reply:
        return str(reply.read().decode("utf-16"))


def api(node: Server, method: str, path: str = "") -> Any:
    """A JSON API call as the connector; its JSON (None for 204)."""
    context = ssl.create_default_context(cafile=str(node.ca))
    request = urllib.request.Request(
        f"https://localhost:{node.port}/api/v1/challenges{path}", method=method)
    request.add_header("Authorization", "Basic " + base64.b64encode(
        f"{CLIENT}:{PASSWORD}".encode()).decode())
    with urllib.request.urlopen(request, context=context, timeout=60) as reply:
        body = reply.read()
    return json.loads(body) if body else None


def ra_cert(node: Server) -> x509.Certificate:
    with urllib.request.urlopen(scep_url(node, "/scep/codes?operation=GetCACert"),
                                timeout=30) as reply:
        certs = pkcs7.load_der_pkcs7_certificates(reply.read())
    return next(c for c in certs if c.subject != c.issuer)


def test_two_nodes_hand_out_and_consume_once(database: str, tmp_path: Path) -> None:
    """A challenge fetched on node a is revoked through node b.  Twenty page requests at
    once, ten per node: exactly ten distinct challenges and ten "cache full" pages (the
    client's cap of 10, counted in the store, the revoked one not, holds across both
    nodes racing), and still full on both.  Ten devices racing with one challenge,
    five per node: exactly one
    SUCCESS, nine FAILURE badRequest; the challenge revoked on b: FAILURE badRequest
    on a."""
    clients = tmp_path / "clients.htpasswd"
    clients.write_bytes(clients_file())
    config = CONFIG.replace("outstanding = 3", "outstanding = 10").replace(
        "per_hour = 5", f'per_hour = 100\nclients = "{clients}"').replace(
        'jamf = ["issue"]', 'jamf = ["issue", "list", "revoke"]')
    config = f'[store]\nurl = "{database}"\n' + config
    nodes = [start_node(tmp_path / "a", config, "tcp:0:interface=127.0.0.1")]
    try:
        nodes.append(start_node(tmp_path / "b", config, "tcp:0:interface=127.0.0.1",
                                like=nodes[0]))
        revoked = FLEET.search(page(nodes[0]))              # fetched on a, revoked on b
        assert revoked is not None
        newest = api(nodes[1], "GET")["challenges"][0]["id"]
        assert api(nodes[1], "DELETE", f"/{newest}") is None
        texts = together([partial(page, n) for n in nodes * 10])
        challenges = [m.group("password") for t in texts if t and (m := FLEET.search(t))]
        assert len(challenges) == len(set(challenges)) == 10, texts
        assert sum("The password cache is full." in str(t) for t in texts) == 10, texts
        assert all("The password cache is full." in page(n) for n in nodes)

        recipients = [ra_cert(n) for n in nodes]
        attempts = []
        for i in range(10):
            node, recipient = nodes[i % 2], recipients[i % 2]
            device = self_signed(f"racer{i}")
            request = sm.pkcs_req(request_for(device, f"racer{i}", challenges[0]), device,
                                  recipient)
            attempts.append((node, recipient, request))

        def send(node: Server, recipient: x509.Certificate, request: sm.Request
                 ) -> sm.PkiMessage:
            post = urllib.request.Request(
                scep_url(node, "/scep/codes?operation=PKIOperation"), data=request.der,
                headers={"Content-Type": "application/x-pki-message"})
            with urllib.request.urlopen(post, timeout=60) as reply:
                return request.check(sm.parse(reply.read(), [recipient]))
        answers = [a for a in together([partial(send, *a) for a in attempts]) if a]
        device = self_signed("late")
        late = sm.pkcs_req(request_for(device, "late", revoked.group("password")), device,
                           recipients[0])
        assert send(nodes[0], recipients[0], late).fail_info == sm.FailInfo.badRequest
        statuses = sorted((a.status, a.fail_info) for a in answers)
        assert statuses == [(sm.Status.SUCCESS, None)] + [
            (sm.Status.FAILURE, sm.FailInfo.badRequest)] * 9, statuses
        for node in nodes:
            assert not re.search(challenges[0], node.log.read_text(errors="replace"))
    finally:
        for node in nodes:
            node.stop()
