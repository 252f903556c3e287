"""Revocation through the RA with the embedded CA: `estra revoke`, the CRL over HTTP
(checked by `openssl verify -crl_check`), and re-enrollment refused after revocation."""

from __future__ import annotations

import base64
import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from cryptography import x509
from estra.asn1.wire import serial_hex
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp

from tests import pki
from tests.conftest import Server, estra_cli, free_port, issued


def revoke(server: Server, serial: str, *args: str) -> subprocess.CompletedProcess[str]:
    return estra_cli("--config", str(server.config), "--state-dir", str(server.state),
                     "revoke", serial, *args)


def enroll(server: Server, cn: str, *auth: str) -> tuple[x509.Certificate, Any]:
    key = pki.ec_key()
    status, _, body = server.post("simpleenroll" if not auth else "simplereenroll",
                                  pki.csr(key, pki.name(cn)), *auth)
    assert status == 200, body
    return issued(body)[0], key


def openssl_verify(tmp: Path, server: Server, cert: x509.Certificate,
                   *crl: str) -> subprocess.CompletedProcess[bytes]:
    leaf = tmp / f"leaf-{cert.serial_number:x}.pem"
    leaf.write_bytes(cert.public_bytes(pki.PEM))
    return subprocess.run(["openssl", "verify", "-crl_check", *crl, "-CAfile", str(server.ca),
                           str(leaf)], capture_output=True, timeout=30)


def fetch_crl(server: Server, port: int, path: str = "/crl/ca.crl") -> tuple[int, str, bytes]:
    done = subprocess.run(["curl", "-sS", "-o", "-", "-w", "\n%{http_code} %{content_type}",
                           f"http://127.0.0.1:{port}{path}"], capture_output=True, timeout=30)
    body, _, tail = done.stdout.rpartition(b"\n")
    status, _, ctype = tail.decode().partition(" ")
    return int(status), ctype, body


def test_revoked_certificate_fails_crl_check(crl_server: Server, crl_port: int,
                                             tmp_path: Path) -> None:
    """After `estra revoke`, openssl finds the certificate on the CRL fetched over HTTP from
    estra (-CRLfile and -crl_download via the certificate's CDP); the other one verifies."""
    revoked, _ = enroll(crl_server, "lost-device")
    kept, _ = enroll(crl_server, "good-device")
    cdp = revoked.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert cdp[0].full_name == [x509.UniformResourceIdentifier(
        f"http://127.0.0.1:{crl_port}/crl/ca.crl")]
    done = revoke(crl_server, f"{revoked.serial_number:X}", "--reason", "keyCompromise",
                  "--by", "carol", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["outcome"] == "crl" and answer["upstream"] == "local" and \
        answer["label"] == "default" and answer["by"] == "carol"
    status, ctype, der = fetch_crl(crl_server, crl_port)
    assert (status, ctype) == (200, "application/pkix-crl")
    crl = x509.load_der_x509_crl(der)
    assert crl.is_signature_valid(crl_server.ca_signer().cert.public_key())  # type: ignore[arg-type]
    entry = crl.get_revoked_certificate_by_serial_number(revoked.serial_number)
    assert entry is not None and entry.extensions.get_extension_for_class(
        x509.CRLReason).value.reason == x509.ReasonFlags.key_compromise
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number >= 1
    crl.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
    (tmp_path / "ca.crl").write_bytes(der)
    crl_file = ("-CRLfile", str(tmp_path / "ca.crl"))
    bad = openssl_verify(tmp_path, crl_server, revoked, *crl_file)
    assert bad.returncode != 0 and b"certificate revoked" in bad.stdout + bad.stderr, bad
    good = openssl_verify(tmp_path, crl_server, kept, *crl_file)
    assert good.returncode == 0, good.stdout + good.stderr
    downloaded = openssl_verify(tmp_path, crl_server, revoked, "-crl_download")
    assert b"certificate revoked" in downloaded.stdout + downloaded.stderr, downloaded
    assert openssl_verify(tmp_path, crl_server, kept, "-crl_download").returncode == 0
    assert fetch_crl(crl_server, crl_port, "/other")[0] == 404


def test_revoked_certificate_cannot_reenroll(crl_server: Server, tmp_path: Path) -> None:
    """simplereenroll with a revoked client certificate is 403 "revoked:"; others renew."""
    revoked, revoked_key = enroll(crl_server, "dev-a")
    kept, kept_key = enroll(crl_server, "dev-b")
    assert revoke(crl_server, f"{revoked.serial_number:x}", "--reason", "superseded"
                  ).returncode == 0
    c, k = pki.write_pair(tmp_path, "revoked", revoked, revoked_key)
    status, _, body = crl_server.post("simplereenroll", pki.csr(revoked_key, pki.name("dev-a")),
                                  "--cert", str(c), "--key", str(k))
    assert status == 403 and body.startswith(b"revoked:"), body
    c, k = pki.write_pair(tmp_path, "kept", kept, kept_key)
    renewed, _ = enroll(crl_server, "dev-b", "--cert", str(c), "--key", str(k))
    assert renewed.subject == pki.name("dev-b")


def test_records_audit_and_restart(crl_server: Server, crl_port: int) -> None:
    """The request is in `revocations` and `audit`; a second revoke says "already"; an
    unknown serial is refused; after a restart estra serves the same stored CRL."""
    cert, _ = enroll(crl_server, "dev-c")
    serial = ":".join(f"{b:02X}" for b in cert.serial_number.to_bytes(20, "big").lstrip(b"\0"))
    assert revoke(crl_server, serial, "--reason", "cessationOfOperation", "--by", "dan"
                  ).returncode == 0
    again = revoke(crl_server, serial, "--reason", "keyCompromise", "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["outcome"] == "already"
    unknown = revoke(crl_server, "0bad", "--reason", "keyCompromise")
    assert unknown.returncode == 1 and "no certificate with serial" in unknown.stderr
    bad = revoke(crl_server, "01", "--reason", "bored")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    db = sqlite3.connect(crl_server.state / "estra.db")
    rows = db.execute("SELECT serial, label, upstream, reason, revoked_by, outcome FROM "
                      "revocations").fetchall()
    assert rows == [(serial_hex(cert.serial_number), "default", "local", "cessationOfOperation",
                     "dan", "crl")]
    audit = db.execute("SELECT identity, detail FROM audit WHERE kind = 'revoked'").fetchall()
    assert audit[0][0] == "dan" and json.loads(audit[0][1])["serial"] == rows[0][0]
    db.close()
    before = fetch_crl(crl_server, crl_port)[2]
    crl_server.restart(crl_server.config.read_text())
    assert fetch_crl(crl_server, crl_port)[2] == before


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


def test_revoked_certificate_cannot_sign_scep_renewal(start_estra: Callable[..., Server]
                                                     ) -> None:
    """A SCEP RenewalReq signed by a revoked certificate is a FAILURE naming rule
    "revoked"; before the revocation the same renewal succeeds."""
    from estra.asn1 import scep_message as sm
    from tests.conftest import SCEP_CONFIG
    from tests.test_scep import answer, ra_certificates, request_for, self_signed
    server = start_estra(SCEP_CONFIG)
    ra, _ = ra_certificates(server)
    device = self_signed("renewer")
    first = sm.pkcs_req(request_for(device, "renewer", "sesame"), device, ra)
    cert = first.check(answer(server, first.der, device)).issued(device)[0]
    holder = sm.Signer(cert, device.key)

    def renew() -> sm.PkiMessage:
        fresh = self_signed("renewer")
        request = sm.pkcs_req(request_for(fresh, "renewer", ""), holder, ra, renewal=True)
        return request.check(answer(server, request.der, holder))
    assert renew().status == sm.Status.SUCCESS
    assert revoke(server, f"{cert.serial_number:x}", "--reason", "keyCompromise"
                  ).returncode == 0
    refused = renew()
    assert refused.status == sm.Status.FAILURE, refused
    assert "revoked:" in (refused.fail_info_text or ""), refused


def openssl_ocsp(tmp: Path, server: Server, port: int, cert: x509.Certificate,
                 issuer: Path | None = None, verified: bool = True) -> str:
    """`openssl ocsp` for `cert` issued by `issuer` (the server's CA), trusting that issuer;
    its output (`verified`: a successful answer whose signature verified)."""
    leaf = tmp / f"ocsp-{cert.serial_number:x}.pem"
    leaf.write_bytes(cert.public_bytes(pki.PEM))
    ca = str(issuer or server.ca)
    done = subprocess.run(["openssl", "ocsp", "-issuer", ca, "-cert", str(leaf),
                           "-CAfile", ca, "-url", f"http://127.0.0.1:{port}/ocsp"],
                          capture_output=True, text=True, timeout=30)
    if not verified:
        return done.stdout + done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Response verify OK" in done.stderr + done.stdout, done
    assert "WARNING" not in done.stderr + done.stdout, done      # e.g. no nonce echoed
    return done.stdout


def test_ocsp_responder(crl_server: Server, crl_port: int, tmp_path: Path) -> None:
    """`openssl ocsp` (POST, nonce) gets a CA-signed "revoked" with the reason for a revoked
    certificate and "good" for another; GET with the base64 request works too; a serial
    this RA never issued is "unknown"; certificates carry the responder's URL (AIA)."""
    revoked, _ = enroll(crl_server, "ocsp-lost")
    kept, _ = enroll(crl_server, "ocsp-good")
    aia = kept.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert aia[0].access_location.value == f"http://127.0.0.1:{crl_port}/ocsp"
    assert revoke(crl_server, f"{revoked.serial_number:x}", "--reason", "keyCompromise"
                  ).returncode == 0
    out = openssl_ocsp(tmp_path, crl_server, crl_port, revoked)
    assert ": revoked" in out and "Reason: keyCompromise" in out, out
    assert ": good" in openssl_ocsp(tmp_path, crl_server, crl_port, kept)
    ca = crl_server.ca_signer().cert
    stranger = crl_server.ca_signer().issue(pki.name("stranger"), pki.ec_key().public_key())
    for cert, status in ((kept, ocsp.OCSPCertStatus.GOOD),
                         (stranger, ocsp.OCSPCertStatus.UNKNOWN)):
        der = ocsp.OCSPRequestBuilder().add_certificate(cert, ca, hashes.SHA256()).build(
            ).public_bytes(Encoding.DER)
        url = f"http://127.0.0.1:{crl_port}/ocsp/" + quote(base64.b64encode(der).decode(), "")
        got = subprocess.run(["curl", "-sS", "--fail", url], capture_output=True, timeout=30)
        answer = ocsp.load_der_ocsp_response(got.stdout)
        assert answer.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
        assert answer.certificate_status == status


def test_ocsp_answers_for_the_old_root_until_retired(crl_server: Server, crl_port: int,
                                                     tmp_path: Path) -> None:
    """After `estra ca rollover` the one responder URL answers for both roots, each signed
    by its own key (openssl ocsp verifies against that root alone): a revoked old-root
    certificate is "revoked", a kept one "good", a new-root one "good"; after retire-old
    the old root's requests are "unauthorized"."""
    from tests.test_rollover import ca_cli, hangup
    revoked, _ = enroll(crl_server, "old-lost")
    kept, _ = enroll(crl_server, "old-kept")
    old_root = tmp_path / "old-root.pem"
    old_root.write_bytes(crl_server.ca.read_bytes())
    assert ca_cli(crl_server, "rollover").returncode == 0
    hangup(crl_server)
    fresh, _ = enroll(crl_server, "new-device")
    assert fresh.issuer != kept.issuer
    assert revoke(crl_server, f"{revoked.serial_number:x}", "--reason", "keyCompromise"
                  ).returncode == 0
    out = openssl_ocsp(tmp_path, crl_server, crl_port, revoked, old_root)
    assert ": revoked" in out and "Reason: keyCompromise" in out, out
    assert ": good" in openssl_ocsp(tmp_path, crl_server, crl_port, kept, old_root)
    assert ": good" in openssl_ocsp(tmp_path, crl_server, crl_port, fresh)
    assert ca_cli(crl_server, "retire-old").returncode == 0
    hangup(crl_server)
    refused = openssl_ocsp(tmp_path, crl_server, crl_port, kept, old_root, verified=False)
    assert "unauthorized" in refused, refused
    assert ": good" in openssl_ocsp(tmp_path, crl_server, crl_port, fresh)
