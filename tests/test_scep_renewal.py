"""SCEP renewal (issue #21) on the in-memory RA: a PKCSReq signed with a certificate
this RA issued renews under the profile's renewal rules, without spending a
challenge; any other signer still needs the challenge (certmonger, which renews
with such PKCSReqs, is in tests/test_ndes.py).  An RA key rollover with strongSwan's
`pki --scep` as the device."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from cryptography import x509

from estra.asn1 import scep_message as sm
from tests import pki
from tests.test_ndes import challenge_of, memory_ra
from tests.conftest import SCEP_CONFIG, Server
from tests.strongswan import StrongSwan
from tests.test_scep import (Device, MemoryScep, ra_certificates, request_for, scep_url,
                             self_signed)


def send(memory: MemoryScep, csr: x509.CertificateSigningRequest, signer: sm.Signer,
         path: str = "/scep/codes") -> sm.PkiMessage:
    ra_cert, _ = ra_certificates(memory)
    request = sm.pkcs_req(csr, signer, ra_cert)
    reply = memory.ra.post(path + "?operation=PKIOperation", request.der, face="scep",
                           headers={"Content-Type": "application/x-pki-message"})
    assert reply.code == 200, reply.body
    return request.check(sm.parse(reply.body, [ra_cert]))


def test_pkcsreq_signed_by_issued_certificate_renews(tmp_path: Path) -> None:
    """Enrolled with a one-time challenge, the device renews with a PKCSReq signed by
    its certificate carrying the used challenge again: SUCCESS, recorded as a renewal
    of its identity; the same from a foreign CA's certificate is refused."""
    memory = memory_ra(tmp_path)
    device = self_signed("renewing")
    first = send(memory, request_for(device, "renewing", challenge_of(memory.ra)), device)
    assert first.status == sm.Status.SUCCESS
    issued = first.issued(device)[0]
    holder = sm.Signer(issued, device.key)
    new_key = self_signed("renewing")
    renewed = send(memory, request_for(new_key, "renewing", "used-or-anything"), holder)
    assert renewed.status == sm.Status.SUCCESS, renewed.fail_info_text
    assert renewed.issued(holder)[0].subject == issued.subject
    records = memory.ra.run(memory.ra.store.enrollments(decision="issued"))
    assert [r["operation"] for r in records] == ["scep-renewalreq", "scep-pkcsreq"]
    assert records[0]["identity"].startswith("issued:codes")
    foreign = pki.CA("someone else's CA")
    stranger = self_signed("renewing")
    outsider = sm.Signer(foreign.issue(pki.name("renewing"), stranger.key.public_key()),
                         stranger.key)
    refused = send(memory, request_for(stranger, "renewing", "nope"), outsider)
    assert (refused.status, refused.fail_info) == (sm.Status.FAILURE, sm.FailInfo.badRequest)


# -- RA key rollover -----------------------------------------------------------------


def test_ra_key_rollover_with_strongswan(start_estra: Callable[..., Server],
                                         sw: StrongSwan) -> None:
    """After the RA's SCEP key is rolled over ([scep] previous_cert/key name the old
    pair, a new one made), a device still holding the old RA certificate enrolls (its
    envelope opened with the old key, the answer signed with it), and a device that
    fetched the new one enrolls too; GetCACert offers only the new one."""
    server = start_estra(SCEP_CONFIG)
    old_device = Device(sw, server)                   # writes ra.der: the old RA cert
    old_ra = x509.load_der_x509_certificate((sw.dir / "ra.der").read_bytes())
    server.stop()
    for suffix in ("pem", "key"):
        (server.state / f"scep-ra.{suffix}").rename(server.state / f"scep-ra-old.{suffix}")
    server.restart(SCEP_CONFIG.replace("[scep]\n", '[scep]\nprevious_cert = "scep-ra-old.pem"'
                                       '\nprevious_key = "scep-ra-old.key"\n'))
    old_device.url = scep_url(server)                 # the same device, the new port
    done = old_device.scep(old_device.key("old"), "CN=before-rollover", "--password", "sesame")
    assert done.returncode == 0, done.stderr.decode()
    new_dir = sw.dir / "new"
    new_dir.mkdir()
    new_device = Device(StrongSwan(new_dir), server)
    new_ra = x509.load_der_x509_certificate((new_dir / "ra.der").read_bytes())
    assert new_ra.public_key() != old_ra.public_key()
    done = new_device.scep(new_device.key("new"), "CN=after-rollover", "--password", "sesame")
    assert done.returncode == 0, done.stderr.decode()
    assert x509.load_der_x509_certificate(done.stdout).subject.rfc4514_string() == \
        "CN=after-rollover"
