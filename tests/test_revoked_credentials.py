"""A revoked certificate is no credential (#17): for every operation (simpleenroll,
simplereenroll, serverkeygen, fullcmc, SCEP RenewalReq), every certificate kind
(issued by this RA and revoked with `estra revoke`; bootstrap and RA certificates
on a CRL of `[tls] crls`), over EST and SCEP, and on a second node.

One estra sees it all in memory (estra.testing: the client chain reaches the RA as a
device's TLS facts, the clock is advanced past the CRL files' re-check); two twistd
nodes on PostgreSQL show it across nodes."""

from __future__ import annotations

import base64
import datetime
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from estra.asn1 import cmc
from estra.asn1 import scep_message as sm
from estra.ca.revocation import Revocation
from estra.testing import DeviceTLS
from tests import pki
from tests.conftest import SCEP_CONFIG, MemoryScep, Server, issued
from tests.test_fullcmc import CMC_TYPE
from tests.test_revoke import revoke
from tests.test_scep import answer, ra_certificates
from tests.cluster import SHARED_STATE

CMC_RA = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.28")
OPERATIONS = ("simpleenroll", "simplereenroll", "serverkeygen", "fullcmc")


def write_crl(path: Path, ca: pki.CA, *revoked: x509.Certificate,
              next_update: datetime.timedelta = datetime.timedelta(days=1)) -> None:
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca.cert.subject)
               .last_update(pki.NOW - datetime.timedelta(hours=1))
               .next_update(datetime.datetime.now(datetime.timezone.utc) + next_update))
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(cert.serial_number)
            .revocation_date(pki.NOW - datetime.timedelta(minutes=5))
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), False).build())
    path.write_bytes(builder.sign(ca.key, hashes.SHA256()).public_bytes(pki.PEM))


class Holder:
    """A device holding a certificate and its (RSA: SCEP signs with it) key."""

    def __init__(self, tmp: Path, stem: str, cert: x509.Certificate, key: Any) -> None:
        self.cert, self.key, self.stem = cert, key, stem
        self.files = pki.write_pair(tmp, stem, cert, key)

    def tls(self) -> tuple[str, ...]:
        return ("--cert", str(self.files[0]), "--key", str(self.files[1]))

    def attempt(self, server: Server, tmp: Path, operation: str) -> tuple[int, bytes]:
        """`operation` with this certificate as the only credential, over real TLS:
        (status, body)."""
        status, _, body = server.post(operation, pki.csr(self.key, self.cert.subject),
                                      *self.tls())
        return status, body

    def attempt_in(self, memory: MemoryScep, operation: str) -> tuple[int, bytes]:
        """`operation` with this certificate as the only credential (the TLS client chain
        of an in-memory device): (status, body)."""
        csr = pki.csr(self.key, self.cert.subject)
        body, ctype = pki.b64(csr), "application/pkcs10"
        if operation == "fullcmc":
            body, ctype = base64.encodebytes(cmc.build_request(csr, self.key)), CMC_TYPE
        reply = memory.ra.post(f"/.well-known/est/{operation}", body,
                               headers={"Content-Type": ctype}, tls=DeviceTLS((self.cert,)))
        return reply.code, reply.body

    def scep_renewal(self, server: MemoryScep) -> sm.PkiMessage:
        """A RenewalReq signed with this certificate, for a new key (a new transaction:
        an identical resend would get the earlier answer again, RFC 8894)."""
        ra, _ = ra_certificates(server)
        signer = sm.Signer(self.cert, self.key)
        request = sm.pkcs_req(pki.csr(rsa_key(), self.cert.subject), signer, ra, renewal=True)
        return request.check(answer(server, request.der, signer))


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, 2048)


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Any]:
    """An estra trusting a manufacturer CA (bootstrap) and an RA CA, each with a CRL,
    and three holders: issued (by this RA), bootstrap, RA."""
    mfr, raca = pki.CA("Manufacturer CA"), pki.CA("RA CA")
    mfr.write(tmp_path, "mfr"), raca.write(tmp_path, "raca")
    write_crl(tmp_path / "mfr.crl", mfr)
    write_crl(tmp_path / "raca.crl", raca)
    memory = MemoryScep(f"""
[tls]
client_trust = ["{tmp_path}/mfr.pem"]
ra_trust = ["{tmp_path}/raca.pem"]
crls = ["{tmp_path}/mfr.crl", "{tmp_path}/raca.crl"]
""" + SCEP_CONFIG.replace("[profiles.default]\n", '[profiles.default]\n'
                                                   'accept_issued_from = ["*"]\n'),
        tmp_path / "memory", {})
    memory.ra.add_user("alice", "pw")
    key = rsa_key()
    reply = memory.ra.post("/.well-known/est/simpleenroll",
                           pki.b64(pki.csr(key, pki.name("dev-issued"))),
                           headers={"Content-Type": "application/pkcs10"}, user=("alice", "pw"))
    assert reply.code == 200, reply
    client = [ExtendedKeyUsageOID.CLIENT_AUTH]
    holders = {
        "issued": Holder(tmp_path, "issued", issued(reply.body)[0], key),
        "bootstrap": Holder(tmp_path, "bootstrap", mfr.issue(
            pki.name("dev-idevid"), (k := rsa_key()).public_key(), ekus=client), k),
        "ra": Holder(tmp_path, "ra", raca.issue(
            pki.name("ra-1"), (k := rsa_key()).public_key(), ekus=[CMC_RA, *client]), k),
    }
    return {"memory": memory, "holders": holders, "mfr": mfr, "raca": raca, "tmp": tmp_path}


def revoke_all(world: dict[str, Any]) -> None:
    """Revoke each holder the way its issuer does: what `estra revoke` runs, or a new
    CRL file (read again by the running RA: no restart, no reload)."""
    tmp, holders = world["tmp"], world["holders"]
    done = world["memory"].ra.revoke(holders["issued"].cert.serial_number, "keyCompromise")
    assert isinstance(done, Revocation) and done.code == 0, done
    write_crl(tmp / "mfr.crl", world["mfr"], holders["bootstrap"].cert)
    write_crl(tmp / "raca.crl", world["raca"], holders["ra"].cert)


def test_revoked_certificates_authenticate_nothing(world: dict[str, Any]) -> None:
    """Before revocation each kind authenticates every operation; after it, each
    operation of each kind is 403 "revoked:" and SCEP renewal is FAILURE."""
    memory, holders = world["memory"], world["holders"]
    for kind, holder in holders.items():
        for operation in ("simpleenroll", "fullcmc"):
            status, body = holder.attempt_in(memory, operation)
            assert status == 200, (kind, operation, body)
    # SCEP renews only certificates this RA's CA issued (policy), so only "issued" can
    assert holders["issued"].scep_renewal(memory).status == sm.Status.SUCCESS
    revoke_all(world)
    memory.ra.advance(1.1)           # the CRL files are looked at again after 1 s
    for kind, holder in holders.items():
        for operation in OPERATIONS:
            status, body = holder.attempt_in(memory, operation)
            assert status == 403 and body.startswith(b"revoked:"), (kind, operation, body)
        reply = holder.scep_renewal(memory)
        assert reply.status == sm.Status.FAILURE and "revoked:" in (
            reply.fail_info_text or ""), (kind, reply.fail_info_text)


def test_stale_crl_fails_closed(world: dict[str, Any]) -> None:
    """A configured CRL past its nextUpdate makes its issuer's certificates no
    credential (revocation status unknown) until a fresh one is written."""
    memory, tmp, holders = world["memory"], world["tmp"], world["holders"]
    write_crl(tmp / "mfr.crl", world["mfr"], next_update=-datetime.timedelta(minutes=1))
    memory.ra.advance(1.1)
    status, body = holders["bootstrap"].attempt_in(memory, "simpleenroll")
    assert status == 401 and b"revocation status unknown" in body, body
    assert holders["issued"].attempt_in(memory, "simpleenroll")[0] == 200
    write_crl(tmp / "mfr.crl", world["mfr"])
    memory.ra.advance(1.1)
    assert holders["bootstrap"].attempt_in(memory, "simpleenroll")[0] == 200


def test_revocation_on_one_node_holds_on_another(start_estra: Callable[..., Server],
                                                 database: str, tmp_path: Path) -> None:
    """Two nodes on one PostgreSQL (B made from A's state, as docs/deployment.rst "Scaling out"
    says): a certificate revoked through node A is refused by node B at once."""
    config = f'[store]\nurl = "{database}"\n'
    a = start_estra(config)
    a.add_user("alice")
    key = pki.ec_key()
    status, _, body = a.post("simpleenroll", pki.csr(key, pki.name("dev-2n")))
    assert status == 200, body
    holder = Holder(tmp_path, "two-nodes", issued(body)[0], key)
    (tmp_path / "node-b" / "state").mkdir(parents=True)
    for name in SHARED_STATE:
        shutil.copy(a.state / name, tmp_path / "node-b" / "state" / name)
    b = Server(tmp_path / "node-b", config)
    try:
        assert holder.attempt(b, tmp_path, "simplereenroll")[0] == 200
        assert revoke(a, f"{holder.cert.serial_number:x}", "--reason",
                      "keyCompromise").returncode == 0
        for operation in ("simpleenroll", "simplereenroll"):
            status, body = holder.attempt(b, tmp_path, operation)
            assert status == 403 and body.startswith(b"revoked:"), (operation, body)
    finally:
        b.stop()
