"""Revocation through the RA with the embedded CA: `estra revoke`, the CRL over HTTP
(checked by `openssl verify -crl_check`), and re-enrollment refused after revocation.

What the CA, the store and the CRL/OCSP listener do is asserted in memory (MemoryRA:
its `revoke` is the function `estra revoke` runs, its "crl" face the `[crl] listen`
listener); a running twistd shows only what needs one: the `estra revoke` command
against it, openssl fetching the CRL from a certificate's CDP, the same CRL after a
restart, and nodes on PostgreSQL."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp

from estra.asn1.wire import serial_hex
from estra.ca.revocation import Revocation
from estra.testing import DeviceTLS, MemoryRA
from tests import pki
from tests.conftest import MemoryScep, Server, estra_cli, free_port, issued


def revoke(server: Server, serial: str, *args: str) -> subprocess.CompletedProcess[str]:
    return estra_cli("--config", str(server.config), "--state-dir", str(server.state),
                     "revoke", serial, *args)


def enroll(server: Server, cn: str, *auth: str) -> tuple[x509.Certificate, Any]:
    key = pki.ec_key()
    status, _, body = server.post("simpleenroll" if not auth else "simplereenroll",
                                  pki.csr(key, pki.name(cn)), *auth)
    assert status == 200, body
    return issued(body)[0], key


#: A `[crl]` listener (in memory: never bound) with its CRL and OCSP URLs.
CRL_CONFIG = """
[crl]
listen = "tcp:0:interface=127.0.0.1"
url = "http://127.0.0.1:8080/crl/ca.crl"
ocsp_url = "http://127.0.0.1:8080/ocsp"
"""
ALICE = ("alice", "correct horse")


@pytest.fixture
def memory_crl(tmp_path: Path) -> MemoryRA:
    """An in-memory estra with user alice and its CRL and OCSP listener (face "crl")."""
    ra = MemoryRA(CRL_CONFIG, state_dir=str(tmp_path / "memory"))
    ra.add_user(*ALICE)
    return ra


def enroll_in(ra: MemoryRA, cn: str, tls: DeviceTLS | None = None
              ) -> tuple[x509.Certificate, Any]:
    """A certificate for `cn` (alice's Basic, or re-enrolled over `tls`) and its key."""
    key = pki.ec_key()
    auth: dict[str, Any] = {"user": ALICE} if tls is None else {"tls": tls}
    reply = ra.post("/.well-known/est/simpleenroll" if tls is None else
                    "/.well-known/est/simplereenroll", pki.b64(pki.csr(key, pki.name(cn))),
                    headers={"Content-Type": "application/pkcs10"}, **auth)
    assert reply.code == 200, reply
    return issued(reply.body)[0], key


def revoked_in(ra: MemoryRA, cert: x509.Certificate, reason: str,
               by: str = "operator") -> Revocation:
    done = ra.revoke(cert.serial_number, reason, by)
    assert isinstance(done, Revocation) and done.code == 0, done
    return done


def verify_file(tmp: Path, ca: Path, cert: x509.Certificate,
                *crl: str) -> subprocess.CompletedProcess[bytes]:
    leaf = tmp / f"leaf-{cert.serial_number:x}.pem"
    leaf.write_bytes(cert.public_bytes(pki.PEM))
    return subprocess.run(["openssl", "verify", "-crl_check", *crl, "-CAfile", str(ca),
                           str(leaf)], capture_output=True, timeout=30)


def openssl_verify(tmp: Path, server: Server, cert: x509.Certificate,
                   *crl: str) -> subprocess.CompletedProcess[bytes]:
    return verify_file(tmp, server.ca, cert, *crl)


def fetch_crl(server: Server, port: int, path: str = "/crl/ca.crl") -> tuple[int, str, bytes]:
    done = subprocess.run(["curl", "-sS", "-o", "-", "-w", "\n%{http_code} %{content_type}",
                           f"http://127.0.0.1:{port}{path}"], capture_output=True, timeout=30)
    body, _, tail = done.stdout.rpartition(b"\n")
    status, _, ctype = tail.decode().partition(" ")
    return int(status), ctype, body


def test_crl_lists_the_revoked_certificate(memory_crl: MemoryRA, tmp_path: Path) -> None:
    """After a revocation (what `estra revoke` runs), the CRL the listener serves lists the
    certificate with its reason, signed by the CA, numbered, with an AKI; `openssl verify
    -crl_check -CRLfile` refuses the revoked certificate and accepts the other one."""
    ra = memory_crl
    revoked, _ = enroll_in(ra, "lost-device")
    kept, _ = enroll_in(ra, "good-device")
    cdp = revoked.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert cdp[0].full_name == [x509.UniformResourceIdentifier(
        "http://127.0.0.1:8080/crl/ca.crl")]
    done = revoked_in(ra, revoked, "keyCompromise", "carol")
    assert (done.outcome, done.upstream, done.label, done.by) == ("crl", "local", "default",
                                                                  "carol")
    reply = ra.get("/crl/ca.crl", face="crl", tls=None)
    assert (reply.code, reply.headers["content-type"]) == (200, "application/pkix-crl")
    crl = x509.load_der_x509_crl(reply.body)
    assert crl.is_signature_valid(ra.ca.cert.public_key())  # type: ignore[arg-type]
    entry = crl.get_revoked_certificate_by_serial_number(revoked.serial_number)
    assert entry is not None and entry.extensions.get_extension_for_class(
        x509.CRLReason).value.reason == x509.ReasonFlags.key_compromise
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number >= 1
    crl.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
    (tmp_path / "ca.crl").write_bytes(reply.body)
    ca = Path(ra.settings.ca_cert.path)
    crl_file = ("-CRLfile", str(tmp_path / "ca.crl"))
    bad = verify_file(tmp_path, ca, revoked, *crl_file)
    assert bad.returncode != 0 and b"certificate revoked" in bad.stdout + bad.stderr, bad
    good = verify_file(tmp_path, ca, kept, *crl_file)
    assert good.returncode == 0, good.stdout + good.stderr
    assert ra.get("/other", face="crl", tls=None).code == 404


def test_estra_revoke_against_a_running_estra(crl_server: Server, crl_port: int,
                                              tmp_path: Path) -> None:
    """`estra revoke` (any serial spelling, --json) against a running estra: openssl finds
    the certificate on the CRL it downloads from the certificate's CDP (-crl_download)
    and the other one verifies; a second revoke says "already"; an unknown serial is
    refused (1), an unknown reason is a usage error (2); after a restart estra serves
    the same stored CRL."""
    revoked, _ = enroll(crl_server, "lost-device")
    kept, _ = enroll(crl_server, "good-device")
    serial = ":".join(f"{b:02X}" for b in revoked.serial_number.to_bytes(20, "big").lstrip(b"\0"))
    done = revoke(crl_server, serial, "--reason", "keyCompromise", "--by", "carol", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["outcome"] == "crl" and answer["upstream"] == "local" and \
        answer["label"] == "default" and answer["by"] == "carol"
    status, ctype, der = fetch_crl(crl_server, crl_port)
    assert (status, ctype) == (200, "application/pkix-crl")
    assert x509.load_der_x509_crl(der).get_revoked_certificate_by_serial_number(
        revoked.serial_number) is not None
    downloaded = openssl_verify(tmp_path, crl_server, revoked, "-crl_download")
    assert b"certificate revoked" in downloaded.stdout + downloaded.stderr, downloaded
    assert openssl_verify(tmp_path, crl_server, kept, "-crl_download").returncode == 0
    assert fetch_crl(crl_server, crl_port, "/other")[0] == 404
    again = revoke(crl_server, f"{revoked.serial_number:X}", "--reason", "keyCompromise",
                   "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["outcome"] == "already"
    unknown = revoke(crl_server, "0bad", "--reason", "keyCompromise")
    assert unknown.returncode == 1 and "no certificate with serial" in unknown.stderr
    bad = revoke(crl_server, "01", "--reason", "bored")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    crl_server.restart(crl_server.config.read_text())
    assert fetch_crl(crl_server, crl_port)[2] == der


def test_revoked_certificate_cannot_reenroll(memory_crl: MemoryRA) -> None:
    """simplereenroll with a revoked client certificate is 403 "revoked:"; others renew."""
    ra = memory_crl
    revoked, revoked_key = enroll_in(ra, "dev-a")
    kept, _ = enroll_in(ra, "dev-b")
    revoked_in(ra, revoked, "superseded")
    reply = ra.post("/.well-known/est/simplereenroll",
                    pki.b64(pki.csr(revoked_key, pki.name("dev-a"))),
                    headers={"Content-Type": "application/pkcs10"}, tls=DeviceTLS((revoked,)))
    assert reply.code == 403 and reply.body.startswith(b"revoked:"), reply
    renewed, _ = enroll_in(ra, "dev-b", DeviceTLS((kept,)))
    assert renewed.subject == pki.name("dev-b")


def test_records_audit_and_already(memory_crl: MemoryRA) -> None:
    """The request is in `revocations` and `audit`; a second revoke says "already"; an
    unknown serial is refused."""
    ra = memory_crl
    cert, _ = enroll_in(ra, "dev-c")
    revoked_in(ra, cert, "cessationOfOperation", "dan")
    again = ra.revoke(cert.serial_number, "keyCompromise", "eve")
    assert isinstance(again, Revocation) and again.outcome == "already", again
    unknown = ra.revoke(0xBAD, "keyCompromise")
    assert isinstance(unknown, str) and "no certificate with serial" in unknown
    rows = ra.run(ra.store.query("SELECT serial, label, upstream, reason, revoked_by, outcome "
                                 "FROM revocations"))
    assert [tuple(r) for r in rows] == [(serial_hex(cert.serial_number), "default", "local",
                                         "cessationOfOperation", "dan", "crl")]
    audit = ra.run(ra.store.query("SELECT identity, detail FROM audit WHERE kind = 'revoked'"))
    assert audit[0][0] == "dan" and json.loads(audit[0][1])["serial"] == rows[0][0]


def test_which_kinds_forward() -> None:
    """cfssl, Vault and EJBCA offer `revoke`; AD CS, SCEP and EST upstreams do not (their
    revocations are recorded "not-forwarded"); the embedded CA publishes a CRL instead."""
    from estra.upstream import adcs, cfssl, ejbca, est, scep, vault
    assert all(callable(getattr(c, "revoke", None))
               for c in (cfssl.CfsslCA, vault.VaultCA, ejbca.EjbcaCA))
    assert not any(hasattr(c, "revoke") for c in (adcs.AdcsCA, scep.ScepCA, est.EstUpstream))


def test_two_nodes_serve_one_crl(database: str, start_estra: Callable[..., Server],
                                 tmp_path: Path) -> None:
    """Two nodes with one embedded CA and one PostgreSQL store: a certificate enrolled at
    node A and revoked with the CLI on node B's configuration is on the CRL both serve,
    byte for byte."""
    ports = free_port(), free_port()

    def config(port: int) -> str:
        return (f'[store]\nurl = "{database}"\n[crl]\nlisten = "tcp:{port}:interface='
                f'127.0.0.1"\nurl = "http://127.0.0.1:{ports[0]}/crl/ca.crl"\n')
    a = start_estra(config(ports[0]))
    a.add_user("alice")
    shared = tmp_path / "node-b"
    (shared / "state").mkdir(parents=True)
    for name in ("ca.pem", "ca.key"):
        (shared / "state" / name).write_bytes((a.state / name).read_bytes())
    b = Server(shared, config(ports[1]))
    try:
        cert, _ = enroll(a, "shared-dev")
        done = revoke(b, f"{cert.serial_number:x}", "--reason", "affiliationChanged")
        assert done.returncode == 0, done.stderr
        served = [fetch_crl(node, port)[2] for node, port in zip((a, b), ports, strict=True)]
        assert served[0] == served[1]
        crl = x509.load_der_x509_crl(served[0])
        assert crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None
    finally:
        b.stop()


def test_revoked_certificate_cannot_sign_scep_renewal(memory: MemoryScep) -> None:
    """A SCEP RenewalReq signed by a revoked certificate is a FAILURE naming rule
    "revoked"; before the revocation the same renewal succeeds."""
    from estra.asn1 import scep_message as sm
    from tests.test_scep import answer, ra_certificates, request_for, self_signed
    ra, _ = ra_certificates(memory)
    device = self_signed("renewer")
    first = sm.pkcs_req(request_for(device, "renewer", "sesame"), device, ra)
    cert = first.check(answer(memory, first.der, device)).issued(device)[0]
    holder = sm.Signer(cert, device.key)

    def renew() -> sm.PkiMessage:
        fresh = self_signed("renewer")
        request = sm.pkcs_req(request_for(fresh, "renewer", ""), holder, ra, renewal=True)
        return request.check(answer(memory, request.der, holder))
    assert renew().status == sm.Status.SUCCESS
    revoked_in(memory.ra, cert, "keyCompromise")
    refused = renew()
    assert refused.status == sm.Status.FAILURE, refused
    assert "revoked:" in (refused.fail_info_text or ""), refused


def memory_ocsp(tmp: Path, ra: MemoryRA, cert: x509.Certificate, issuer: Path | None = None,
                verified: bool = True) -> str:
    """What `openssl ocsp` says of the in-memory responder's answer for `cert` issued by
    `issuer` (the RA's CA), trusting that issuer alone: openssl makes the request (with
    a nonce), the "crl" face answers it, openssl reads the answer against its own
    request (`verified`: a successful answer whose signature verified)."""
    leaf, request, response = (tmp / f"ocsp-{cert.serial_number:x}.{ext}"
                               for ext in ("pem", "req", "resp"))
    leaf.write_bytes(cert.public_bytes(pki.PEM))
    ca = str(issuer or ra.settings.ca_cert.path)
    made = subprocess.run(["openssl", "ocsp", "-issuer", ca, "-cert", str(leaf),
                           "-reqout", str(request)], capture_output=True, timeout=30)
    assert made.returncode == 0, made
    reply = ra.post("/ocsp", request.read_bytes(), face="crl", tls=None,
                    headers={"Content-Type": "application/ocsp-request"})
    assert reply.code == 200, reply
    response.write_bytes(reply.body)
    done = subprocess.run(["openssl", "ocsp", "-issuer", ca, "-reqin", str(request),
                           "-respin", str(response), "-CAfile", ca, "-resp_text"],
                          capture_output=True, text=True, timeout=30)
    if not verified:
        return done.stdout + done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Response verify OK" in done.stderr + done.stdout, done
    assert "WARNING" not in done.stderr + done.stdout, done      # e.g. no nonce echoed
    return done.stdout


def test_ocsp_responder(memory_crl: MemoryRA, tmp_path: Path) -> None:
    """`openssl ocsp` (POST, nonce) gets a CA-signed "revoked" with the reason for a revoked
    certificate and "good" for another; GET with the base64 request works too; a serial
    this RA never issued is "unknown"; certificates carry the responder's URL (AIA)."""
    ra = memory_crl
    revoked, _ = enroll_in(ra, "ocsp-lost")
    kept, _ = enroll_in(ra, "ocsp-good")
    aia = kept.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert aia[0].access_location.value == "http://127.0.0.1:8080/ocsp"
    revoked_in(ra, revoked, "keyCompromise")
    out = memory_ocsp(tmp_path, ra, revoked)
    assert ": revoked" in out and "Reason: keyCompromise" in out, out
    assert ": good" in memory_ocsp(tmp_path, ra, kept)
    ca = ra.ca.cert
    stranger = pki.CA.from_files(Path(ra.settings.ca_cert.path), Path(ra.settings.ca_key.path)
                                 ).issue(pki.name("stranger"), pki.ec_key().public_key())
    for cert, status in ((kept, ocsp.OCSPCertStatus.GOOD),
                         (stranger, ocsp.OCSPCertStatus.UNKNOWN)):
        der = ocsp.OCSPRequestBuilder().add_certificate(cert, ca, hashes.SHA256()).build(
            ).public_bytes(Encoding.DER)
        reply = ra.get("/ocsp/" + quote(base64.b64encode(der).decode(), ""), face="crl",
                       tls=None)
        assert reply.code == 200, reply
        answer = ocsp.load_der_ocsp_response(reply.body)
        assert answer.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
        assert answer.certificate_status == status


def test_ocsp_answers_for_the_old_root_until_retired(memory_crl: MemoryRA,
                                                     tmp_path: Path) -> None:
    """After `estra ca rollover` the one responder URL answers for both roots, each signed
    by its own key (openssl ocsp verifies against that root alone): a revoked old-root
    certificate is "revoked", a kept one "good", a new-root one "good"; after retire-old
    the old root's requests are "unauthorized".  (The running CA takes the new files as
    on SIGHUP: `LocalCA.reload`, in place for every holder.)"""
    ra = memory_crl
    config = tmp_path / "estra.toml"
    config.write_text(CRL_CONFIG)

    def ca_cli(action: str) -> None:
        done = estra_cli("--config", str(config), "--state-dir", ra.settings.state_dir.path,
                         "ca", action)
        assert done.returncode == 0, done.stderr
        ra.ca.reload(ra.settings.ca_cert, ra.settings.ca_key)
    revoked, _ = enroll_in(ra, "old-lost")
    kept, _ = enroll_in(ra, "old-kept")
    old_root = tmp_path / "old-root.pem"
    old_root.write_bytes(ra.settings.ca_cert.getContent())
    ca_cli("rollover")
    fresh, _ = enroll_in(ra, "new-device")
    assert fresh.issuer != kept.issuer
    revoked_in(ra, revoked, "keyCompromise")
    out = memory_ocsp(tmp_path, ra, revoked, old_root)
    assert ": revoked" in out and "Reason: keyCompromise" in out, out
    assert ": good" in memory_ocsp(tmp_path, ra, kept, old_root)
    assert ": good" in memory_ocsp(tmp_path, ra, fresh)
    ca_cli("retire-old")
    refused = memory_ocsp(tmp_path, ra, kept, old_root, verified=False)
    assert "unauthorized" in refused, refused
    assert ": good" in memory_ocsp(tmp_path, ra, fresh)
