"""Challenges for MDMs (issue #21): the NDES-compatible page `/certsrv/mscep_admin/`
on the in-memory RA (estra.testing), scraped the way Fleet and Zentral scrape NDES;
the SCEP face consuming those challenges once, for their profile only; and real
SCEP clients (micromdm `scepclient`, strongSwan `pki --scep`) enrolling with a
challenge curl fetched from a running estra."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Callable, Mapping

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from estra.asn1 import scep_message as sm
from estra.ra.auth import hash_password
from estra.testing import MemoryRA
from estra.ca.local import LocalCA
from tests import pki
from tests.conftest import SCEP_CONFIG, Server
from tests.test_scep import MemoryScep, ra_certificates, request_for, self_signed
from tests.test_scep_clients import (Certmonger, Scep, ScepClient, certmonger,  # noqa: F401
                                     cn_of, load_cert, same_key)
from tests.strongswan import StrongSwan

CLIENT, PASSWORD = "jamf", "connector-secret"
CONFIG = SCEP_CONFIG + """
[profiles.codes2]
scep_challenge = "codes"

[challenges]
profile = "codes"
outstanding = 3
per_hour = 5
[challenges.roles]
jamf = ["issue"]
monitor = ["list"]
"""
#: How Fleet (server/service/scep_proxy.go) and Zentral (scep/microsoft_ca.py) read it
FLEET = re.compile(r"(?i)The enrollment challenge password is: <B> (?P<password>\S*)")
ZENTRAL = re.compile(r"challenge password is: <B> ([A-Z0-9]{16,32}) </B>")
PAGE = "/certsrv/mscep_admin/"


def clients_file() -> bytes:
    return "".join(f"{name}:{hash_password(PASSWORD, rounds=4)}\n"
                   for name in (CLIENT, "monitor")).encode()


def memory_ra(tmp_path: Path, config: str = CONFIG) -> MemoryScep:
    """The in-memory RA of `config` with an RSA SCEP RA key and the challenge clients
    jamf and monitor."""
    ca = pki.CA("estra local CA")
    key = rsa.generate_private_key(65537, 2048)
    cert = LocalCA(ca.key, ca.cert, time.time).issue(
        pki.name("estra SCEP RA"), key.public_key(), [], [], 825)
    return MemoryScep(config, tmp_path / "memory", {
        "state/ca.pem": ca.cert.public_bytes(pki.PEM), "state/ca.key": pki.key_pem(ca.key),
        "state/scep-ra.pem": cert.public_bytes(pki.PEM), "state/scep-ra.key": pki.key_pem(key),
        "state/challenge-clients.htpasswd": clients_file()})


@pytest.fixture
def memory(tmp_path: Path) -> MemoryScep:
    return memory_ra(tmp_path)


def fetch_page(ra: MemoryRA, path: str = PAGE, user: tuple[str, str] | None = (
        CLIENT, PASSWORD)) -> tuple[int, Mapping[str, str], str]:
    reply = ra.get(path, user=user)
    if reply.headers.get("content-type", "").startswith("text/html; charset=utf-16"):
        assert reply.body[:2] == b"\xff\xfe"         # a BOM, as NDES writes it
        return reply.code, reply.headers, reply.body.decode("utf-16")
    return reply.code, reply.headers, reply.body.decode("utf-8")


def challenge_of(ra: MemoryRA, path: str = PAGE) -> str:
    status, _, text = fetch_page(ra, path)
    assert status == 200, text
    found = FLEET.search(text)
    assert found is not None and ZENTRAL.search(text) is not None, text
    return found.group("password")


def test_page_as_ndes(memory: MemoryScep) -> None:
    """Every path variant answers a fresh 32-hex challenge in UTF-16 that Fleet's and
    Zentral's scrapers read; only its hash is stored; the issue is audited."""
    ra = memory.ra
    seen = {challenge_of(ra, path) for path in (
        "/certsrv/mscep_admin/", "/certsrv/mscep_admin", "/CertSrv/MSCEP_ADMIN/Default.asp")}
    assert len(seen) == 3 and all(re.fullmatch("[0-9A-F]{32}", c) for c in seen)
    stored = ra.stored_bytes()
    assert not any(c.encode() in stored for c in seen)
    events = ra.run(ra.store.search_audit({"kind": "code-issued"}))
    assert [e["identity"] for e in events] == ["scep-challenge:codes:jamf"] * 3
    assert all('"client": "jamf"' in e["detail"] and '"address": "192.0.2.1"' in e["detail"]
               for e in events)


def test_page_refusals(memory: MemoryScep) -> None:
    """No or wrong credentials: 401 Basic; a client without the issue role: NDES's
    permission page; a path below the page: 404; wrong method: 405."""
    ra = memory.ra
    for user in (None, (CLIENT, "wrong"), ("nobody", PASSWORD)):
        reply = ra.get(PAGE, user=user)
        assert reply.code == 401 and reply.headers["www-authenticate"].startswith("Basic")
        assert reply.headers["content-type"].startswith("text/plain")
    status, _, text = fetch_page(ra, user=("monitor", PASSWORD))
    assert status == 200 and "You do not have sufficient permission to enroll with SCEP" \
        in text and FLEET.search(text) is None
    assert ra.get("/certsrv/mscep_admin/other.asp", user=(CLIENT, PASSWORD)).code == 404
    assert ra.get("/certsrv/other/", user=(CLIENT, PASSWORD)).code == 404
    assert ra.post(PAGE, b"x", user=(CLIENT, PASSWORD)).code == 405
    assert ra.request("HEAD", PAGE, user=(CLIENT, PASSWORD)).code == 405
    assert ra.run(ra.store.codes()) == []


def test_cache_full_then_quota(memory: MemoryScep) -> None:
    """Past `outstanding` unused challenges NDES's "password cache is full" page; a
    used one frees its place; past `per_hour` fetches, 429 with Retry-After."""
    ra = memory.ra
    first = challenge_of(ra)
    challenge_of(ra), challenge_of(ra)
    status, _, text = fetch_page(ra)
    assert status == 200 and "The password cache is full." in text and not FLEET.search(text)
    assert enroll(memory, first).status == sm.Status.SUCCESS
    challenge_of(ra)                                  # fetch 5 of 5 this hour
    reply = ra.get(PAGE, user=(CLIENT, PASSWORD))
    assert reply.code == 429 and int(reply.headers["retry-after"]) >= 1
    assert b"challenge-quota" in reply.body


def enroll(memory: MemoryScep, challenge: str, path: str = "/scep/codes",
           cn: str = "mdm-device") -> sm.PkiMessage:
    """A PKCSReq carrying `challenge` from a new device key; the CertRep."""
    ra_cert, _ = ra_certificates(memory)
    device = self_signed(cn)
    request = sm.pkcs_req(request_for(device, cn, challenge), device, ra_cert)
    reply = memory.ra.post(path + "?operation=PKIOperation", request.der, face="scep",
                           headers={"Content-Type": "application/x-pki-message"})
    assert reply.code == 200, reply.body
    return request.check(sm.parse(reply.body, [ra_cert]))


def test_scep_takes_a_challenge_once_for_its_profile(memory: MemoryScep) -> None:
    """A page challenge enrolls at its profile once; another profile, a second use, an
    expired or a revoked challenge get FAILURE badRequest."""
    ra = memory.ra
    challenge = challenge_of(ra)
    wrong = enroll(memory, challenge, "/scep/codes2")
    assert (wrong.status, wrong.fail_info) == (sm.Status.FAILURE, sm.FailInfo.badRequest)
    done = enroll(memory, challenge)                 # still unused: the other profile left it
    assert done.status == sm.Status.SUCCESS
    records = ra.run(ra.store.enrollments(decision="issued"))
    assert records[0]["identity"] == "scep-challenge:codes:jamf"
    again = enroll(memory, challenge, cn="other-device")
    assert (again.status, again.fail_info) == (sm.Status.FAILURE, sm.FailInfo.badRequest)
    expired = challenge_of(ra)
    ra.advance(3601)
    assert enroll(memory, expired).fail_info == sm.FailInfo.badRequest
    revoked = challenge_of(ra)
    code_id = max(c["id"] for c in ra.run(ra.store.codes()))
    assert ra.run(ra.store.revoke_code(code_id))
    assert enroll(memory, revoked).fail_info == sm.FailInfo.badRequest


def test_page_per_profile(memory: MemoryScep) -> None:
    """/certsrv/mscep_admin/<label>/ (any letter case, default.asp too) issues for that
    profile: its challenge enrolls there, not at the default one; a label that takes no
    challenges, or none at all, is 404 and issues nothing."""
    ra = memory.ra
    for path in ("/certsrv/mscep_admin/codes2/", "/CertSrv/mscep_admin/CODES2/Default.asp"):
        challenge = challenge_of(ra, path)
        wrong = enroll(memory, challenge)
        assert (wrong.status, wrong.fail_info) == (sm.Status.FAILURE, sm.FailInfo.badRequest)
        assert enroll(memory, challenge, "/scep/codes2").status == sm.Status.SUCCESS
    assert challenge_of(ra, "/certsrv/mscep_admin/codes") != ""
    events = ra.run(ra.store.search_audit({"kind": "code-issued"}))
    assert sorted(e["identity"] for e in events) == ["scep-challenge:codes2:jamf"] * 2 + [
        "scep-challenge:codes:jamf"]
    for path in ("/certsrv/mscep_admin/default/", "/certsrv/mscep_admin/nothing/",
                 "/certsrv/mscep_admin/codes2/other.asp"):
        assert ra.get(path, user=(CLIENT, PASSWORD)).code == 404, path
    assert len(ra.run(ra.store.codes())) == 3


def test_utf8_page(tmp_path: Path) -> None:
    """page_encoding = "utf-8": the same page, UTF-8, no BOM."""
    ra = MemoryRA(CONFIG.replace("per_hour = 5", 'per_hour = 5\npage_encoding = "utf-8"'),
                  state_dir=str(tmp_path / "ra"),
                  files={"state/challenge-clients.htpasswd": clients_file()})
    reply = ra.get(PAGE, user=(CLIENT, PASSWORD))
    assert reply.code == 200 and reply.headers["content-type"] == "text/html; charset=utf-8"
    assert ZENTRAL.search(reply.body.decode("utf-8"))


# -- real SCEP clients, the challenge fetched with curl ---------------------------------


@pytest.fixture
def mdm(start_estra: Callable[..., Server], tmp_path: Path) -> Scep:
    clients = tmp_path / "clients.htpasswd"
    clients.write_bytes(clients_file())
    return Scep(start_estra(CONFIG.replace('profile = "codes"',
                                           f'profile = "codes"\nclients = "{clients}"')))


def curl_challenge(server: Server) -> str:
    """The challenge from the NDES page over real TLS, as a connector would fetch it."""
    done = server.curl(f"https://localhost:{server.port}{PAGE}", "--user",
                       f"{CLIENT}:{PASSWORD}")
    assert done.returncode == 0, done.stderr
    head, _, body = done.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    found = FLEET.search(body.decode("utf-16"))
    assert found is not None
    return found.group("password")


def test_scepclient_with_page_challenge(mdm: Scep, tmp_path: Path) -> None:
    """micromdm scepclient on defaults enrolls with a page challenge; the same challenge
    again is refused."""
    challenge = curl_challenge(mdm.server)
    device = ScepClient(mdm, tmp_path / "dev1")
    done = device.run("-challenge", challenge, "-cn", "mdm-dev1", path="/scep/codes")
    assert done.returncode == 0, done.stdout + done.stderr
    mdm.verify(device.cert)
    second = ScepClient(mdm, tmp_path / "dev2")
    refused = second.run("-challenge", challenge, "-cn", "mdm-dev2", path="/scep/codes")
    assert refused.returncode != 0 and not second.cert.exists()
    assert challenge not in mdm.log()


def test_strongswan_with_page_challenge(mdm: Scep, sw: StrongSwan) -> None:
    """strongSwan `pki --scep` enrolls with a page challenge."""
    from tests.test_scep import Device
    device = Device(sw, mdm.server, "/scep/codes")
    done = device.scep(device.key("r1"), "CN=mdm-router", "--password",
                       curl_challenge(mdm.server))
    assert done.returncode == 0, done.stderr.decode()
    assert x509.load_der_x509_certificate(done.stdout).subject.rfc4514_string() == \
        "CN=mdm-router"


def test_certmonger_with_page_challenge_then_rekeys(mdm: Scep, certmonger: Certmonger,  # noqa: F811
                                                    tmp_path: Path) -> None:
    """certmonger's daemon enrolls with a page challenge; its rekey, a PKCSReq signed
    with the certificate it holds and carrying the spent challenge again, renews."""
    certmonger.add_scep_ca("estra", mdm.base + "/scep/codes")
    cert, key = tmp_path / "cm.pem", tmp_path / "cm.key"
    done = certmonger.getcert("request", "-c", "estra", "-I", "mdm-cm", "-f", str(cert),
                              "-k", str(key), "-L", curl_challenge(mdm.server),
                              "-N", "CN=mdm-cm", "-w", "-v")
    assert done.returncode == 0, done.stdout + done.stderr + certmonger.log()
    first = load_cert(cert)
    mdm.verify(cert)
    done = certmonger.getcert("rekey", "-i", "mdm-cm", "-w", "-v")
    assert done.returncode == 0, done.stdout + done.stderr + certmonger.log()
    second = load_cert(cert)
    mdm.verify(cert)
    assert cn_of(second) == "mdm-cm" and same_key(second, key)
    assert second.serial_number != first.serial_number
    assert [r["operation"] for r in mdm.enrollments("mdm-cm") if r["decision"] == "issued"] \
        == ["scep-renewalreq", "scep-pkcsreq"]
