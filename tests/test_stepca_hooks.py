"""Outbound SCEP webhooks in step-ca's shapes (issue #21) against a real local HTTPS
server playing the validator (tests/fakeca.py): the SCEPCHALLENGE call with step-ca's
body and HMAC signature, the NOTIFYING calls with the certificate or the failInfo,
and what the device sees when the validator is down; micromdm scepclient enrolls
through it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from estra.asn1 import scep_message as sm
from tests import pki
from tests.conftest import MemoryScep, Server, StartMemoryScep, estra_cli
from tests.fakeca import FakeHandler, FakeServer, MemoryFake, in_memory, serve
from tests.strongswan import StrongSwan
from tests.test_scep import Device, answer, ra_certificates, request_for, self_signed
from tests.test_scep_clients import Certmonger, Scep, ScepClient

DER = Encoding.DER
SECRET = base64.b64encode(b"step-ca webhook secret, 32 bytes").decode()


class Validator(FakeHandler):
    """A step-ca webhook server: checks the signature and ID; /validate allows the
    challenge "let-me-in"; /notify records; state["down"] answers 503."""

    def do_POST(self) -> None:
        body = self.body()
        mac = hmac.new(base64.b64decode(SECRET), body, hashlib.sha256).hexdigest()
        good = hmac.compare_digest(mac, self.headers.get("X-Smallstep-Signature", "")) and \
            self.headers.get("X-Smallstep-Webhook-ID") == "hook-7"
        doc = json.loads(body)
        self.server.state.setdefault(self.path, []).append((good, doc))
        if not good:
            return self.reply_json(401, {"error": "bad signature"})
        if self.server.state.get("down"):
            return self.reply_json(503, {"error": "down"})
        if self.path == "/validate":
            data = self.server.state.get("data", {"role": "printer"})
            return self.reply_json(200, {"allow": doc.get("scepChallenge") == "let-me-in",
                                         "data": data})
        self.reply_json(200, {"allow": True})


@pytest.fixture
def validator(tmp_path: Path) -> Iterator[FakeServer]:
    """The validator on loopback, for `twistd estra` and real SCEP clients."""
    yield from serve(Validator, tmp_path)


@pytest.fixture
def memory_validator(tmp_path: Path) -> MemoryFake:
    """The validator in memory."""
    return in_memory(Validator, tmp_path, port=443)


def config(hook: FakeServer, tmp_path: Path, extra: str = "") -> str:
    base = f"https://localhost:{hook.server_address[1]}"
    return f"""
[scep]
listen = "tcp:0:interface=127.0.0.1"

[profiles.default]
scep_challenge = "webhook"
scep_webhook_format = "step-ca"
scep_webhook = "{base}/validate"
scep_notify = "{base}/notify"
scep_webhook_secret = "{SECRET}"
scep_webhook_id = "hook-7"
scep_webhook_trust = "{tmp_path / 'fake-ca.pem'}"
scep_webhook_timeout = 5
{extra}
"""


def notifications(hook: FakeServer, count: int, memory: MemoryScep | None = None
                  ) -> list[dict[str, Any]]:
    """The first `count` notifications (sent in the background: waited for, or in
    `memory` delivered by flushing its connections)."""
    if memory is not None:
        memory.ra.flush()
    deadline = time.monotonic() + 30
    while len(hook.state.get("/notify", [])) < count:
        assert time.monotonic() < deadline, hook.state
        time.sleep(0.05)
    assert all(good for good, _ in hook.state["/notify"])
    return [doc for _, doc in hook.state["/notify"]]


def test_validation_and_notifications(start_memory_scep: StartMemoryScep,
                                      memory_validator: MemoryFake, tmp_path: Path) -> None:
    """A signed SCEPCHALLENGE call per new request with step-ca's fields; SUCCESS
    notified with the certificate, a refused challenge with failInfo badRequest (2);
    a validator answering 503 leaves the device PENDING, not failed."""
    validator = memory_validator
    server = start_memory_scep(config(validator, tmp_path), validator)
    ra, _ = ra_certificates(server)
    device = self_signed("hooked")
    csr = request_for(device, "hooked", "let-me-in")
    request = sm.pkcs_req(csr, device, ra)
    reply = request.check(answer(server, request.der, device))
    assert reply.status == sm.Status.SUCCESS
    good, asked = validator.state["/validate"][0]
    assert good and asked["scepChallenge"] == "let-me-in"
    assert asked["scepTransactionID"] == request.transaction_id
    assert asked["provisionerName"] == "default" and asked["timestamp"].endswith("Z")
    assert base64.b64decode(asked["x509CertificateRequest"]["raw"]) == \
        csr.public_bytes(DER)
    assert asked["x509CertificateRequest"]["publicKeyAlgorithm"] == "RSA"
    issued = reply.issued(device)[0]
    told = notifications(validator, 1, server)[0]
    assert base64.b64decode(told["x509Certificate"]["raw"]) == issued.public_bytes(DER)
    assert told["scepTransactionID"] == request.transaction_id and "scepChallenge" not in told

    wrong = sm.pkcs_req(request_for(device, "hooked", "nope"), device, ra)
    refused = wrong.check(answer(server, wrong.der, device))
    assert (refused.status, refused.fail_info) == (sm.Status.FAILURE, sm.FailInfo.badRequest)
    failed = notifications(validator, 2, server)[1]
    assert failed["scepErrorCode"] == 2 and "x509Certificate" not in failed
    assert failed["scepErrorDescription"]

    validator.state["down"] = True
    other = self_signed("hooked-later")
    later = sm.pkcs_req(request_for(other, "hooked-later", "let-me-in"), other, ra)
    assert later.check(answer(server, later.der, other)).status == sm.Status.PENDING
    assert "let-me-in" not in server.log() and SECRET not in server.log()


def test_scepclient_through_stepca_hook(start_estra: Callable[..., Server],
                                        validator: FakeServer, tmp_path: Path) -> None:
    """micromdm scepclient on defaults enrolls when the step-ca validator allows it."""
    scep = Scep(start_estra(config(validator, tmp_path)))
    device = ScepClient(scep, tmp_path / "dev")
    done = device.run("-challenge", "let-me-in", "-cn", "hooked-dev")
    assert done.returncode == 0, done.stdout + done.stderr
    assert x509.load_pem_x509_certificate(device.cert.read_bytes()).subject.rfc4514_string()\
        .startswith("CN=hooked-dev,")
    assert notifications(validator, 1)[0]["x509Certificate"]


NAMED = """
san_dns_suffixes = ["example.net"]
scep_webhook_data = { cn = "device.name", dns = "dnsNames", uri = "device.uri" }
"""


def test_validator_data_names_the_certificate(start_estra: Callable[..., Server],
                                              validator: FakeServer, tmp_path: Path) -> None:
    """With `scep_webhook_data`, the validator's data sets the certificate's CN and its
    DNS and URI names (the device asked for neither); data the policy refuses, or data
    that are no names, get FAILURE badRequest and are notified as failures."""
    server = start_estra(config(validator, tmp_path, NAMED))
    ra, _ = ra_certificates(server)
    validator.state["data"] = {"device": {"name": "printer-7", "uri": "IntuneDeviceId://abc-7"},
                               "dnsNames": ["printer-7.example.net"], "role": "printer"}
    device = self_signed("named")
    request = sm.pkcs_req(request_for(device, "asked-for", "let-me-in"), device, ra)
    reply = request.check(answer(server, request.der, device))
    assert reply.status == sm.Status.SUCCESS, reply.fail_info
    issued = reply.issued(device)[0]
    assert issued.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "printer-7"
    assert set(issued.extensions.get_extension_for_class(x509.SubjectAlternativeName).value) \
        == {x509.DNSName("printer-7.example.net"),
            x509.UniformResourceIdentifier("IntuneDeviceId://abc-7")}
    told = notifications(validator, 1)[0]       # the device's own request is notified
    assert told["x509CertificateRequest"]["subject"]["commonName"] == "asked-for"
    assert told["x509Certificate"]["subject"]["commonName"] == "printer-7"

    for data, why in (({"dnsNames": ["evil.example.com"]}, "san-dns"),
                      ({"device": {"name": ["a", "b"]}}, "scep-webhook-data")):
        validator.state["data"] = data
        other = self_signed("refused")
        wrong = sm.pkcs_req(request_for(other, "refused", "let-me-in"), other, ra)
        refused = wrong.check(answer(server, wrong.der, other))
        assert (refused.status, refused.fail_info) == (sm.Status.FAILURE,
                                                       sm.FailInfo.badRequest), why
        assert why in (refused.fail_info_text or ""), refused.fail_info_text
    assert [n.get("scepErrorCode") for n in notifications(validator, 3)[1:]] == [2, 2]
    assert "the validator's data cannot name the certificate" in server.log.read_text()


def test_validator_data_outlives_a_pending_request(start_estra: Callable[..., Server],
                                                  validator: FakeServer,
                                                  tmp_path: Path) -> None:
    """Under manual approval the operator sees, and the device's CertPoll gets, the
    request as the validator's data named it (kept with the SCEP transaction), and the
    validator is not asked again."""
    server = start_estra(config(validator, tmp_path, NAMED + 'approval = "manual"\n'))
    ra, ca = ra_certificates(server)
    validator.state["data"] = {"device": {"name": "held-7"}}
    device = self_signed("held")
    request = sm.pkcs_req(request_for(device, "asked-for", "let-me-in"), device, ra)
    assert request.check(answer(server, request.der, device)).status == sm.Status.PENDING
    pending = json.loads(estra_cli("--state-dir", str(server.state), "pending", "list",
                                   "--json").stdout)
    assert [p["subject"] for p in pending] == ["CN=held-7"]
    assert estra_cli("--state-dir", str(server.state), "approve",
                     str(pending[0]["id"])).returncode == 0
    poll = sm.cert_poll(ca.subject, pki.name("asked-for"), request.transaction_id, device, ra)
    reply = poll.check(answer(server, poll.der, device))
    assert reply.status == sm.Status.SUCCESS, reply.fail_info_text
    assert reply.issued(device)[0].subject.rfc4514_string() == "CN=held-7"
    assert len(validator.state["/validate"]) == 1


def test_validator_data_needs_the_embedded_ca() -> None:
    """`scep_webhook_data` on a profile whose CA is upstream (it would see a request the
    device did not sign), or without a step-ca validator: a configuration error."""
    from estra.config import ConfigError, settings_from_string
    hook = ('scep_challenge = "webhook"\nscep_webhook = "https://v.test/"\n'
            f'scep_webhook_format = "step-ca"\nscep_webhook_secret = "{SECRET}"\n'
            'scep_webhook_data = { cn = "name" }\n')
    upstream = '[upstreams.corp]\nkind = "est"\nurl = "https://ca.test/"\n'
    with pytest.raises(ConfigError, match="scep_webhook_data: only the embedded CA"):
        settings_from_string(f'{upstream}[profiles.default]\nupstream = "corp"\n{hook}',
                             state_dir="/nonexistent")
    with pytest.raises(ConfigError, match="scep_webhook_data"):
        settings_from_string(f'[profiles.default]\n{hook.replace("step-ca", "estra")}',
                             state_dir="/nonexistent")
    with pytest.raises(ConfigError, match="keys are cn, dns"):
        settings_from_string(f'[profiles.default]\n{hook.replace("cn =", "o =")}',
                             state_dir="/nonexistent")
    named = settings_from_string(f'[profiles.default]\n{hook}', state_dir="/nonexistent")
    assert named.profiles["default"].scep_webhook_data == (("cn", "name"),)


@pytest.mark.parametrize("secret", ["", "not base64!"])
def test_step_ca_hooks_need_a_base64_secret(secret: str) -> None:
    """step-ca-shaped webhooks without a usable secret: a configuration error naming it."""
    from estra.config import ConfigError, settings_from_string
    with pytest.raises(ConfigError, match="scep_webhook_secret"):
        settings_from_string(f'[profiles.default]\nscep_challenge = "webhook"\n'
                             f'scep_webhook = "https://v.test/"\nscep_webhook_format = '
                             f'"step-ca"\nscep_webhook_secret = "{secret}"\n',
                             state_dir="/nonexistent")


def test_strongswan_and_certmonger_through_stepca_hook(
        start_estra: Callable[..., Server], validator: FakeServer, sw: StrongSwan,
        certmonger: Certmonger, tmp_path: Path) -> None:
    """strongSwan pki --scep and certmonger's daemon enroll when the validator allows
    their challenge; each issue is notified."""
    server = start_estra(config(validator, tmp_path))
    device = Device(sw, server)
    done = device.scep(device.key("sw"), "CN=sw-hooked", "--password", "let-me-in")
    assert done.returncode == 0, done.stderr.decode()
    scep = Scep(server)
    certmonger.add_scep_ca("estra", scep.url)
    cert, key = tmp_path / "cm.pem", tmp_path / "cm.key"
    got = certmonger.getcert("request", "-c", "estra", "-I", "cm-hooked", "-f", str(cert),
                             "-k", str(key), "-L", "let-me-in", "-N", "CN=cm-hooked", "-w")
    assert got.returncode == 0, got.stdout + got.stderr + certmonger.log()
    scep.verify(cert)
    assert len(notifications(validator, 2)) == 2


def test_migration_keeps_scep_transactions(tmp_path: Path) -> None:
    """A store of the schema before `scep_transactions.names` migrates: a transaction
    begun before is the device's own request ('' names), and new ones keep theirs."""
    import sqlite3

    from twisted.python.filepath import FilePath

    from estra.store.database import MIGRATIONS, SQLITE, _migrate, open_store, run_blocking
    db = sqlite3.connect(tmp_path / "estra.db")
    _migrate(db.cursor(), SQLITE, upto=next(i for i, steps in enumerate(MIGRATIONS)
                                            if any("COLUMN names" in str(s) for s in steps)))
    db.execute("INSERT INTO scep_transactions (label, transaction_id, signer_sha256, at, "
               "identity, method, operation, csr) VALUES ('mdm', 'T1', 'K', 1, "
               "'scep-webhook:mdm:', 'scep-webhook', 'scep-pkcsreq', 'Q1NS')")
    db.commit()
    db.close()
    store = open_store("", FilePath(str(tmp_path)), lambda: 1000.0)
    assert run_blocking(store, _migrate) == len(MIGRATIONS)
    assert run_blocking(store, lambda c, d: c.execute(
        "SELECT csr, names FROM scep_transactions").fetchall()) == [("Q1NS", "")]
    sql = SQLITE.sql("INSERT INTO scep_transactions (label, transaction_id, signer_sha256, "
                     "at, identity, method, operation, csr, names) VALUES "
                     "('mdm', 'T2', 'K', 2, 'i', 'm', 'o', 'Q1NS', 'TkFNRUQ=')")
    run_blocking(store, lambda c, d: c.execute(sql))
    assert run_blocking(store, lambda c, d: c.execute(
        "SELECT names FROM scep_transactions WHERE transaction_id = 'T2'").fetchone()) == \
        ("TkFNRUQ=",)
