"""The JSON challenge API (issue #21) on the in-memory RA: issue (bound or not), list,
revoke, per client and role; bound challenges at the SCEP face; a real scepclient
enrolling with a challenge curl got from the API; the store migration adding
bindings."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Mapping, Sequence

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import AttributeOID

from estra.asn1 import scep_message as sm
from estra.asn1.wire import serial_hex
from tests import pki
from tests.test_ndes import CLIENT, CONFIG, PASSWORD, memory_ra
from tests.strongswan import StrongSwan
from tests.test_scep import Device, MemoryScep, ra_certificates, request_for, self_signed
from tests.test_scep_clients import Certmonger, Scep, ScepClient

API = "/api/v1/challenges"
JSON = {"Content-Type": "application/json"}


def call(memory: MemoryScep, method: str, path: str = API, body: Any = None,
         user: tuple[str, str] | None = (CLIENT, PASSWORD)
         ) -> tuple[int, Mapping[str, str], Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode() if body else b""
    reply = memory.ra.request(method, path, data, headers=JSON, user=user)
    is_json = reply.headers.get("content-type") == "application/json"
    return reply.code, reply.headers, json.loads(reply.body) if is_json else reply.body


def enroll(memory: MemoryScep, challenge: str, cn: str, sans: Sequence[x509.GeneralName] = (),
           path: str = "/scep/codes") -> sm.PkiMessage:
    ra_cert, _ = ra_certificates(memory)
    device = self_signed(cn)
    builder = (x509.CertificateSigningRequestBuilder().subject_name(pki.name(cn))
               .add_attribute(AttributeOID.CHALLENGE_PASSWORD, challenge.encode()))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    request = sm.pkcs_req(builder.sign(device.key, hashes.SHA256()), device, ra_cert)
    reply = memory.ra.post(path + "?operation=PKIOperation", request.der, face="scep",
                           headers={"Content-Type": "application/x-pki-message"})
    assert reply.code == 200, reply.body
    return request.check(sm.parse(reply.body, [ra_cert]))


@pytest.fixture
def api(tmp_path: Path) -> MemoryScep:
    """jamf may issue, list, revoke and retire; challenges live up to two hours."""
    return memory_ra(tmp_path, CONFIG.replace('jamf = ["issue"]',
                                              'jamf = ["issue", "list", "revoke", "retire"]')
                     .replace("per_hour = 5", "per_hour = 50\nttl = 7200"))


def test_issue_list_revoke(api: MemoryScep) -> None:
    """POST issues (201, shown once, for the asked profile and TTL); GET lists the client's
    own with their state and never the secret; DELETE revokes an unused one (204), then
    404; the revoked one no longer enrolls; each is audited."""
    status, headers, first = call(api, "POST", body={"ttl": 600})
    assert status == 201 and headers["cache-control"] == "no-store"
    assert first["profile"] == "codes" and len(first["challenge"]) == 32
    status, _, other = call(api, "POST", body={"profile": "codes2"})
    assert status == 201 and other["profile"] == "codes2"
    status, _, listed = call(api, "GET")
    assert status == 200 and [c["id"] for c in listed["challenges"]] == [other["id"],
                                                                          first["id"]]
    assert {c["state"] for c in listed["challenges"]} == {"open"}
    assert first["challenge"] not in json.dumps(listed)
    assert call(api, "DELETE", f"{API}/{first['id']}")[0] == 204
    assert call(api, "DELETE", f"{API}/{first['id']}")[0] == 404
    assert enroll(api, first["challenge"], "dev-a").fail_info == sm.FailInfo.badRequest
    assert enroll(api, other["challenge"], "dev-b", path="/scep/codes2").status == \
        sm.Status.SUCCESS
    states = {c["id"]: c["state"] for c in call(api, "GET")[2]["challenges"]}
    assert states == {first["id"]: "revoked", other["id"]: "used"}
    kinds = [e["kind"] for e in api.ra.run(api.ra.store.search_audit({}))]
    assert kinds.count("code-issued") == 2 and kinds.count("code-revoked") == 1


def test_roles_and_clients_apart(api: MemoryScep) -> None:
    """A client lacking a role gets 403 naming it; another client neither lists nor
    revokes the first one's challenges; no credentials, 401."""
    _, _, issued = call(api, "POST")
    assert call(api, "POST", user=("monitor", PASSWORD))[0] == 403
    status, _, listed = call(api, "GET", user=("monitor", PASSWORD))
    assert status == 200 and listed == {"challenges": []}
    assert call(api, "DELETE", f"{API}/{issued['id']}", user=("monitor", PASSWORD))[0] == 403
    status, headers, _ = call(api, "GET", user=None)
    assert status == 401 and headers["www-authenticate"].startswith("Basic")


@pytest.mark.parametrize("body,why", [
    (b"not json", b"not JSON"), (b"[1]", b"JSON object"), ({"colour": "red"}, b"unknown"),
    ({"profile": "default"}, b"takes no challenges"), ({"profile": 7}, b"profile must"),
    ({"ttl": 10}, b"ttl"), ({"ttl": 99999}, b"ttl"), ({"ttl": True}, b"ttl"),
    ({"subject": "not a dn"}, b"subject"), ({"sans": "DNS:x"}, b"sans"),
    ({"sans": ["FTP:x"]}, b"san"), ({"sans": ["IP:300.1.1.1"]}, b"IP"),
    ({"device_id": ""}, b"device_id"), ({"device_id": "a\nb"}, b"device_id")])
def test_bad_requests_are_400(api: MemoryScep, body: Any, why: bytes) -> None:
    """Bad bodies: 400 text/plain saying what is wrong; nothing issued."""
    status, headers, text = call(api, "POST", body=body)
    assert status == 400 and headers["content-type"].startswith("text/plain"), text
    assert why in text
    assert api.ra.run(api.ra.store.codes()) == []


def test_paths_and_methods(api: MemoryScep) -> None:
    """Unknown paths below /api are 404 text/plain; a method the path does not take 405."""
    for path in ("/api", "/api/v2/challenges", f"{API}/abc", f"{API}/1/x", "/api/v1/other",
                 f"{API}/%C2%B2", f"{API}/{'9' * 30}"):
        status, headers, _ = call(api, "GET", path)
        assert status in (404, 405) and headers["content-type"].startswith("text/plain"), path
    assert call(api, "PUT")[0] == 405
    assert call(api, "DELETE")[0] == 405
    assert call(api, "POST", f"{API}/1")[0] == 405
    assert call(api, "DELETE", f"{API}/%C2%B2")[0] == 404    # a Unicode digit: not an id


def test_bound_challenge(api: MemoryScep) -> None:
    """A challenge bound to a subject, SANs and a device id enrolls only a CSR showing
    them; one that does not fit is refused and leaves it usable."""
    _, _, issued = call(api, "POST", body={
        "subject": "CN=dev-7", "sans": ["DNS:Dev7.example", "URI:IntuneDeviceId://abc-7"],
        "device_id": "abc-7"})
    assert issued["bound"] == {"subject": "CN=dev-7", "device_id": "abc-7", "sans": [
        "DNS:dev7.example", "URI:IntuneDeviceId://abc-7"]}
    right = [x509.DNSName("dev7.example"), x509.UniformResourceIdentifier(
        "IntuneDeviceId://abc-7")]
    for cn, sans in (("dev-8", right), ("dev-7", right[:1]),
                     ("dev-7", [x509.DNSName("dev7.example"),
                                x509.UniformResourceIdentifier("IntuneDeviceId://abc-8")])):
        assert enroll(api, issued["challenge"], cn, sans).fail_info == sm.FailInfo.badRequest
    assert enroll(api, issued["challenge"], "dev-7", right).status == sm.Status.SUCCESS


def test_device_id_alone(api: MemoryScep) -> None:
    """A device id alone matches the CSR's CN."""
    _, _, issued = call(api, "POST", body={"device_id": "serial-42"})
    assert enroll(api, issued["challenge"], "serial-43").fail_info == sm.FailInfo.badRequest
    assert enroll(api, issued["challenge"], "serial-42").status == sm.Status.SUCCESS


def test_scepclient_with_api_challenge(mdm: Scep, tmp_path: Path) -> None:
    """micromdm scepclient enrolls with a challenge curl got from the JSON API."""
    device = ScepClient(mdm, tmp_path / "dev")
    run = device.run("-challenge", api_challenge(mdm, '{"device_id": "mdm-api-1"}'),
                     "-cn", "mdm-api-1", path="/scep/codes")
    assert run.returncode == 0, run.stdout + run.stderr
    mdm.verify(device.cert)


def test_migration_adds_bindings(tmp_path: Path) -> None:
    """A store of the schema before bindings migrates: its unused code stays usable
    (bound to nothing), and new codes keep their binding."""
    from twisted.python.filepath import FilePath

    from estra.store.database import (MIGRATIONS, SQLITE, _migrate, hash_code, open_store,
                                      run_blocking)
    db = sqlite3.connect(tmp_path / "estra.db")
    cursor = db.cursor()
    _migrate(cursor, SQLITE, upto=next(i for i, steps in enumerate(MIGRATIONS)
                                       if any("bound" in str(s) for s in steps)))
    cursor.execute("INSERT INTO codes (code_sha256, identity, created, expires) VALUES "
                   "(?, 'code:router1', 1, 9999)", (hash_code("old-code"),))
    db.commit()
    db.close()
    store = open_store("", FilePath(str(tmp_path)), lambda: 1000.0)
    assert run_blocking(store, _migrate) == len(MIGRATIONS)
    assert run_blocking(store, lambda c, d: c.execute(
        "SELECT bound FROM codes").fetchone()[0]) == ""
    found = run_blocking(store, lambda c, d: c.execute(
        "SELECT identity FROM codes WHERE code_sha256 = ? AND bound = ''",
        (hash_code("old-code"),)).fetchone())
    assert found == ("code:router1",)


def test_retired_device_loses_its_certificates(api: MemoryScep) -> None:
    """POST /api/v1/devices/revoke revokes every certificate the challenge profiles issued
    naming the device (its CN, or a URI SAN's id), not another profile's; again: already;
    the revoked certificate no longer renews; a client without the retire role: 403."""
    ra_cert, _ = ra_certificates(api)
    issued = []
    for cn, sans in (("phone-9", []), ("laptop", [x509.UniformResourceIdentifier(
            "IntuneDeviceId://phone-9")]), ("phone-90", [])):
        _, _, challenge = call(api, "POST")
        device = self_signed(cn)
        builder = (x509.CertificateSigningRequestBuilder().subject_name(pki.name(cn))
                   .add_attribute(AttributeOID.CHALLENGE_PASSWORD,
                                  challenge["challenge"].encode()))
        if sans:
            builder = builder.add_extension(x509.SubjectAlternativeName(sans), False)
        request = sm.pkcs_req(builder.sign(device.key, hashes.SHA256()), device, ra_cert)
        reply = api.ra.post("/scep/codes?operation=PKIOperation", request.der, face="scep",
                            headers={"Content-Type": "application/x-pki-message"})
        issued.append((request.check(sm.parse(reply.body, [ra_cert])).issued(device)[0],
                       device))
    other = enroll(api, "sesame", "phone-9", path="/scep")      # the default profile
    assert other.status == sm.Status.SUCCESS
    assert call(api, "POST", "/api/v1/devices/revoke", {"device_id": "phone-9"},
                user=("monitor", PASSWORD))[0] == 403
    status, _, done = call(api, "POST", "/api/v1/devices/revoke", {"device_id": "phone-9"})
    serials = sorted(serial_hex(c.serial_number) for c, _ in issued[:2])
    assert status == 200 and sorted(done["revoked"]) == serials, done
    assert done["already"] == [] and done["failed"] == []
    again = call(api, "POST", "/api/v1/devices/revoke", {"device_id": "phone-9",
                                                          "reason": "keyCompromise"})[2]
    assert sorted(again["already"]) == serials and again["revoked"] == []
    cert, device = issued[0]
    renewal = enroll_signed(api, sm.Signer(cert, device.key), "phone-9")
    assert renewal.status == sm.Status.FAILURE
    for body in ({}, {"device_id": ""}, {"device_id": "x", "reason": "bored"},
                 {"device_id": "x", "extra": 1}, b"[]"):
        assert call(api, "POST", "/api/v1/devices/revoke", body)[0] == 400
    assert call(api, "POST", "/api/v1/devices/other", {"device_id": "x"})[0] == 404
    events = api.ra.run(api.ra.store.search_audit({"kind": "device-retired"}))
    assert len(events) == 2 and '"device_id": "phone-9"' in events[0]["detail"]


def jamf_event(kind: str, udid: str, serial: str) -> dict[str, Any]:
    """A Jamf Pro webhook body as Jamf documents it (developer.jamf.com, webhooks)."""
    return {"event": {"bluetoothMacAddress": "", "deviceName": "iPad", "icciID": "",
                      "imei": "", "ipAddress": "10.0.0.9", "jssID": 42, "model": "iPad",
                      "modelDisplay": "iPad", "osBuild": "21A", "osVersion": "17.0",
                      "product": "", "room": "", "serialNumber": serial, "udid": udid,
                      "userDirectoryID": "-1", "username": "", "version": "17.0",
                      "wifiMacAddress": "", "managementId": "m-1"},
            "webhook": {"eventTimestamp": 1553550275590, "id": 7, "name": "estra retire",
                        "webhookEvent": kind}}


def test_jamf_unenrolled_webhook_retires(api: MemoryScep) -> None:
    """Jamf Pro's MobileDeviceUnEnrolled webhook body, sent as it is with Basic
    credentials, revokes the certificates naming the device's UDID or its serial
    number; another Jamf event is 400 and revokes nothing."""
    ra_cert, _ = ra_certificates(api)
    issued = []
    for cn in ("UDID-7", "SERIAL-7", "UDID-8"):
        _, _, challenge = call(api, "POST")
        device = self_signed(cn)
        request = sm.pkcs_req(request_for(device, cn, challenge["challenge"]), device, ra_cert)
        reply = api.ra.post("/scep/codes?operation=PKIOperation", request.der, face="scep",
                            headers={"Content-Type": "application/x-pki-message"})
        issued.append(request.check(sm.parse(reply.body, [ra_cert])).issued(device)[0])
    status, _, done = call(api, "POST", "/api/v1/devices/revoke",
                           jamf_event("ComputerCheckIn", "UDID-7", "SERIAL-7"))
    assert status == 400
    status, _, done = call(api, "POST", "/api/v1/devices/revoke",
                           jamf_event("MobileDeviceUnEnrolled", "UDID-7", "SERIAL-7"))
    assert status == 200 and done["device_ids"] == ["UDID-7", "SERIAL-7"], done
    assert sorted(done["revoked"]) == sorted(serial_hex(c.serial_number) for c in issued[:2])
    assert call(api, "POST", "/api/v1/devices/revoke", jamf_event(
        "MobileDeviceUnEnrolled", "", ""))[0] == 400
    events = api.ra.run(api.ra.store.search_audit({"kind": "device-retired"}))
    assert len(events) == 2


def enroll_signed(memory: MemoryScep, signer: sm.Signer, cn: str) -> sm.PkiMessage:
    """A PKCSReq for a new key signed with `signer` (a renewal), without a challenge."""
    ra_cert, _ = ra_certificates(memory)
    fresh = self_signed(cn)
    csr = (x509.CertificateSigningRequestBuilder().subject_name(pki.name(cn))
           .sign(fresh.key, hashes.SHA256()))
    request = sm.pkcs_req(csr, signer, ra_cert)
    reply = memory.ra.post("/scep/codes?operation=PKIOperation", request.der, face="scep",
                           headers={"Content-Type": "application/x-pki-message"})
    return request.check(sm.parse(reply.body, [ra_cert]))


def test_strongswan_and_certmonger_with_api_challenges(
        mdm: Scep, sw: StrongSwan, certmonger: Certmonger, tmp_path: Path) -> None:
    """strongSwan pki --scep and certmonger's daemon enroll with challenges from the API."""
    device = Device(sw, mdm.server, "/scep/codes")
    done = device.scep(device.key("sw"), "CN=sw-api", "--password", api_challenge(mdm))
    assert done.returncode == 0, done.stderr.decode()
    certmonger.add_scep_ca("estra", mdm.base + "/scep/codes")
    cert, key = tmp_path / "cm.pem", tmp_path / "cm.key"
    got = certmonger.getcert("request", "-c", "estra", "-I", "cm-api", "-f", str(cert),
                             "-k", str(key), "-L", api_challenge(mdm), "-N", "CN=cm-api",
                             "-w")
    assert got.returncode == 0, got.stdout + got.stderr + certmonger.log()
    mdm.verify(cert)


def api_challenge(mdm: Scep, body: str = "{}") -> str:
    """A challenge from the JSON API over real TLS, as the MDM gets it (curl)."""
    server = mdm.server
    done = server.curl(f"https://localhost:{server.port}{API}", "--user",
                       f"{CLIENT}:{PASSWORD}", "-H", "Content-Type: application/json",
                       "--data", body)
    head, _, answer = done.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 201"), done.stdout
    return str(json.loads(answer)["challenge"])
