"""Security issue #9 on the SCEP front end: no padding oracle, no challenge at rest,
transactions that belong to their signer and commit with their enrollment, nothing
spent on a request that cannot be answered, log lines and metric labels a client
cannot forge.  On the in-memory RA (estra.testing) except the challenge-at-rest and
forged-log-line tests, which read a running estra's files and log."""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
import tempfile
import time
from typing import Any, Callable, Iterator

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import padding as block_padding
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.x509.oid import AttributeOID
from twisted.python.filepath import FilePath
from twisted.trial.unittest import SynchronousTestCase

from estra.asn1 import scep_message as sm
from estra.asn1 import wire
from estra.asn1.cms import asn1_name
from estra.store.database import MIGRATIONS, SQLITE, _sqlite_setup, migrate_blocking, open_store
from tests import pki
from tests.conftest import SCEP_CONFIG as CONFIG
from tests.conftest import MemoryScep, Server, estra_cli
from tests.test_admin import fetch
from tests.test_scep import answer, http, ra_certificates, request_for, scep_url, self_signed
from tests.test_scep import fetch as scep_fetch


@pytest.fixture
def server(start_estra: Callable[..., Server]) -> Iterator[Server]:
    s = start_estra(CONFIG + '\n[admin]\nlisten = "tcp:0:interface=127.0.0.1"\n')
    yield s
    assert s.alive(), s.log.read_text()


# -- 1. one answer for every envelope that cannot be used ---------------------------------


def seal(plain: bytes, key: bytes, iv: bytes, pad: bool = True) -> bytes:
    """AES-CBC of `plain`, PKCS#7-padded unless `pad` is false (then it must fill blocks)."""
    if pad:
        padder = block_padding.PKCS7(128).padder()
        plain = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(plain) + encryptor.finalize()


def forged_envelopes(ra: x509.Certificate, csr: bytes) -> dict[str, bytes]:
    """EnvelopedData to the RA that each fail at a different step."""
    key, iv = os.urandom(16), os.urandom(16)
    public = ra.public_key()
    wrapped = public.encrypt(key, padding.PKCS1v15())
    unpadded = csr + b"\x00" * (-len(csr) % 16 or 16)            # last byte 0: bad padding
    not_a_csr = cms.IssuerAndSerialNumber({"issuer": asn1_name(pki.name("x")),
                                           "serial_number": 7}).dump()
    broken = bytearray(csr)
    broken[-3] ^= 0x55                                           # CSR signature byte
    cases = {
        "bad-rsa": (os.urandom(len(wrapped)), seal(csr, key, iv)),
        "short-key": (public.encrypt(b"k" * 5, padding.PKCS1v15()),
                      seal(csr, key, iv)),
        "bad-padding": (wrapped, seal(unpadded, key, iv, pad=False)),
        "garbage": (wrapped, seal(os.urandom(300), key, iv)),
        "wrong-asn1": (wrapped, seal(not_a_csr, key, iv)),
        "bad-csr-signature": (wrapped, seal(bytes(broken), key, iv)),
    }
    return {name: sm.enveloped_data(ra, encrypted_key, "aes128_cbc", iv, sealed)
            for name, (encrypted_key, sealed) in cases.items()}


def test_undecryptable_envelopes_answer_alike(memory: MemoryScep) -> None:
    """A bad RSA block, a wrong key length, bad CBC padding, good padding around garbage,
    around the wrong ASN.1 structure, or around a CSR whose signature fails: the same HTTP
    status, the same body length, the same CertRep status, failInfo and failInfoText."""
    ra, _ = ra_certificates(memory)
    device = self_signed("oracle")
    csr = pki.der(request_for(device, "oracle", "sesame"))
    seen: dict[str, tuple[Any, ...]] = {}
    for name, envelope in forged_envelopes(ra, csr).items():
        request = sm.pki_message(sm.MessageType.PKCSReq, envelope, "T-ORACLE", device)
        status, headers, body = scep_fetch(memory, "/scep" + "?operation=PKIOperation",
                                     request.der)
        reply = request.check(sm.parse(body, [ra]))
        seen[name] = (status, headers["Content-Type"], len(body), reply.status,
                      reply.fail_info, reply.fail_info_text)
    assert len(set(seen.values())) == 1, seen
    assert seen["bad-padding"][3:5] == (sm.Status.FAILURE, sm.FailInfo.badMessageCheck)
    for kind, content in ((sm.MessageType.CertPoll, b"\x30\x00"),
                          (sm.MessageType.GetCert, os.urandom(40))):
        key, iv = os.urandom(16), os.urandom(16)
        envelope = sm.enveloped_data(ra, ra.public_key().encrypt(
            key, padding.PKCS1v15()), "aes128_cbc", iv, seal(content, key, iv))
        request = sm.pki_message(kind, envelope, "T-ORACLE", device)
        reply = request.check(answer(memory, request.der, device))
        assert (reply.fail_info, reply.fail_info_text) == seen["garbage"][4:], kind


# -- 2. no challenge password at rest ------------------------------------------------------


def test_no_challenge_in_the_database(server: Server) -> None:
    """After PKCSReqs with the static password, with a one-time code and one held for
    manual approval, no column of any table holds either, raw or inside base64, nor does
    any byte of the database files."""
    ra, _ = ra_certificates(server)
    code = json.loads(estra_cli("--state-dir", str(server.state), "codes", "issue",
                                "--identity", "code:rest-code", "--json").stdout)["code"]
    secrets, requests = [b"sesame", code.encode()], []
    for cn, challenge, path, expected in (
            ("rest-static", "sesame", "/scep", sm.Status.SUCCESS),
            ("rest-code", code, "/scep/codes", sm.Status.SUCCESS),
            ("rest-held", "sesame", "/scep/manual", sm.Status.PENDING)):
        device = self_signed(cn)
        csr = request_for(device, cn, challenge)
        request = sm.pkcs_req(csr, device, ra)
        status, _, body = http(scep_url(server, path) + "?operation=PKIOperation", request.der)
        assert status == 200
        assert request.check(sm.parse(body, [ra])).status == expected, cn
        requests.append(base64.b64encode(pki.der(csr)))
    held = json.loads(estra_cli("--state-dir", str(server.state), "pending", "list",
                                "--json").stdout)
    assert [p["subject"] for p in held] == ["CN=rest-held"]
    db = sqlite3.connect(server.state / "estra.db")
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert "scep_transactions" in tables
    for table in tables:
        for row in db.execute(f"SELECT * FROM {table}"):     # our own table names
            for cell in row:
                raw = cell.encode() if isinstance(cell, str) else cell
                if not isinstance(raw, bytes):
                    continue
                for secret in [*secrets, *requests]:
                    assert secret not in raw, (table, cell)
                    assert secret not in _unbase64(raw), (table, cell)
    db.close()
    for file in server.state.glob("estra.db*"):
        data = file.read_bytes()
        assert not any(secret in data for secret in secrets), file


def _unbase64(raw: bytes) -> bytes:
    try:
        return base64.b64decode(raw, validate=True)
    except ValueError:
        return b""


class MigrationTests(SynchronousTestCase):
    """Migrations 3 and later on a database that SCEP used before them."""

    def test_old_requests_are_gone_from_the_file(self) -> None:
        """Transactions stored with their challengePassword are carried forward without
        it (owned by their request's key), and its bytes are not left behind in the
        SQLite file."""
        state = FilePath(tempfile.mkdtemp())      # trial's mktemp() would write into cwd
        self.addCleanup(shutil.rmtree, state.path)
        store = open_store("", state, time.time)
        self.addCleanup(store.pool.close)
        csr = base64.b64encode(pki.der(pki.csr(pki.ec_key(), pki.name("old"),
                                               challenge="sesame-old"))).decode()
        db = sqlite3.connect(state.child("estra.db").path)
        _sqlite_setup(db)
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for number, statements in enumerate(MIGRATIONS[:2], 1):
            for statement in statements:
                db.execute(statement.format(id=SQLITE.id_column))
            db.execute("INSERT INTO schema_version VALUES (?)", (number,))
        for n in range(50):
            db.execute("INSERT INTO scep_transactions VALUES (?,?,?,?,?,?,?,?)",
                       ("default", f"T{n}", 1.0, "old", "scep-static", "scep-pkcsreq", csr,
                        None))
        db.commit()
        db.close()
        self.assertEqual(migrate_blocking(store), len(MIGRATIONS))
        db = sqlite3.connect(state.child("estra.db").path)
        self.assertEqual(db.execute("SELECT COUNT(*), COUNT(DISTINCT signer_sha256), "
                                    "MIN(identity) FROM scep_transactions").fetchone(),
                         (50, 1, "scep-static:default:"))
        db.close()
        for file in state.globChildren("estra.db*"):
            self.assertNotIn(b"sesame-old", file.getContent(), file.path)


class CsrWithoutChallengeTests(SynchronousTestCase):
    """wire.csr_without_challenge / wire.load_stored_csr."""

    def test_strips_only_the_challenge(self) -> None:
        """The stored form keeps subject, key and extensions and loses the password."""
        key = pki.ec_key()
        csr = pki.csr(key, pki.name("strip"), pki.sans("strip.example"), challenge="sesame")
        stored = wire.csr_without_challenge(pki.der(csr))
        self.assertNotIn(b"sesame", stored)
        loaded = wire.load_stored_csr(stored)
        self.assertIsNone(wire.challenge_password(loaded))
        self.assertEqual((loaded.subject, loaded.public_key(), wire.sans_of(loaded)),
                         (csr.subject, csr.public_key(), wire.sans_of(csr)))
        self.assertEqual(wire.csr_without_challenge(stored), stored)

    def test_without_challenge_unchanged(self) -> None:
        """A request with no challengePassword is stored byte for byte."""
        der = pki.der(pki.csr(pki.ec_key(), pki.name("plain")))
        self.assertEqual(wire.csr_without_challenge(der), der)


# -- 3a. a transaction is its signer's -----------------------------------------------------


def test_transaction_belongs_to_its_signer(memory: MemoryScep) -> None:
    """Another key reusing a transactionID starts its own transaction and gets its own
    certificate; CertPoll and GetCert by a stranger find nothing; the owner still gets
    the certificate it was issued."""
    ra, ca = ra_certificates(memory)
    owner, rival, stranger = self_signed("owner"), self_signed("rival"), self_signed("nosy")
    first = sm.pkcs_req(request_for(owner, "owner", "sesame"), owner, ra, tid="SHARED-TID")
    mine = first.check(answer(memory, first.der, owner)).issued(owner)[0]
    poll = sm.cert_poll(ca.subject, pki.name("owner"), "SHARED-TID", stranger, ra)
    reply = poll.check(answer(memory, poll.der, stranger))
    assert (reply.status, reply.fail_info) == (sm.Status.FAILURE, sm.FailInfo.badCertId)
    fetch_it = sm.get_cert(mine.issuer, mine.serial_number, stranger, ra)
    reply = fetch_it.check(answer(memory, fetch_it.der, stranger))
    assert (reply.status, reply.fail_info) == (sm.Status.FAILURE, sm.FailInfo.badCertId)
    takeover = sm.pkcs_req(request_for(rival, "rival", "sesame"), rival, ra, tid="SHARED-TID")
    theirs = takeover.check(answer(memory, takeover.der, rival)).issued(rival)[0]
    assert theirs.subject == pki.name("rival")
    poll = sm.cert_poll(ca.subject, pki.name("owner"), "SHARED-TID", owner, ra)
    assert poll.check(answer(memory, poll.der, owner)).issued(owner)[0] == mine


def test_get_cert_for_the_transaction_owner(memory: MemoryScep) -> None:
    """A signer whose key is not the certificate's gets it by GetCert when it owns the
    transaction that issued it (an RA-style signer)."""
    ra, _ = ra_certificates(memory)
    signer = self_signed("ra-style")
    device_key = rsa.generate_private_key(65537, 2048)
    csr = (x509.CertificateSigningRequestBuilder().subject_name(pki.name("behind-ra"))
           .add_attribute(AttributeOID.CHALLENGE_PASSWORD, b"sesame")
           .sign(device_key, hashes.SHA256()))
    request = sm.pkcs_req(csr, signer, ra)
    issued = request.check(answer(memory, request.der, signer)).issued(signer)[0]
    fetch_it = sm.get_cert(issued.issuer, issued.serial_number, signer, ra)
    assert fetch_it.check(answer(memory, fetch_it.der, signer)).issued(signer)[0] == issued


# -- 3b. the enrollment record and the transaction's serial commit together ---------------


def issued_records(server: "Server | MemoryScep", cn: str) -> list[dict[str, Any]]:
    rows = json.loads(estra_cli("--state-dir", str(server.state), "enrollments", "list",
                                "--json").stdout)
    return [r for r in rows if r["subject"] == f"CN={cn}" and r["decision"] == "issued"]


def test_crash_between_record_and_transaction(memory: MemoryScep) -> None:
    """When the transaction update fails after the certificate was issued (a crash), the
    enrollment record rolls back with it: the device's resend issues once, not twice;
    sent again, the same bytes or the same request under a new senderNonce get that
    certificate (RFC 8894), and nothing is issued a second time."""
    ra, _ = ra_certificates(memory)
    db = sqlite3.connect(memory.state / "estra.db")
    db.execute("CREATE TRIGGER crash BEFORE UPDATE OF serial ON scep_transactions "
               "BEGIN SELECT RAISE(ABORT, 'simulated crash'); END")
    db.commit()
    device = self_signed("crashy")
    csr = request_for(device, "crashy", "sesame")
    request = sm.pkcs_req(csr, device, ra)
    status, _, _ = scep_fetch(memory, "/scep" + "?operation=PKIOperation", request.der)
    assert status == 500
    db.execute("DROP TRIGGER crash")
    db.commit()
    db.close()
    reply = request.check(answer(memory, request.der, device))      # the very same message
    cert = reply.issued(device)[0]
    records = issued_records(memory, "crashy")
    assert [r["serial"] for r in records] == [wire.serial_hex(cert.serial_number)]
    again = request.check(answer(memory, request.der, device))
    assert again.status == sm.Status.SUCCESS and again.issued(device)[0] == cert
    resend = sm.pkcs_req(csr, device, ra)                            # a new senderNonce
    assert resend.sender_nonce != request.sender_nonce
    assert resend.check(answer(memory, resend.der, device)).issued(device)[0] == cert
    assert len(issued_records(memory, "crashy")) == 1


# -- 3c. refuse up front what cannot be answered ---------------------------------------------


def test_ec_signer_spends_nothing(memory: MemoryScep) -> None:
    """An EC signer is refused with badAlg before its one-time code is used or anything is
    issued; the code then still enrolls an RSA device."""
    ra, _ = ra_certificates(memory)
    code = json.loads(estra_cli("--state-dir", str(memory.state), "codes", "issue",
                                "--identity", "code:ec-device", "--json").stdout)["code"]
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(pki.name("ec-device"))
            .issuer_name(pki.name("ec-device")).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(pki.NOW)
            .not_valid_after(pki.NOW.replace(year=pki.NOW.year + 1))
            .sign(key, hashes.SHA256()))
    ec_signer = sm.Signer(cert, key)
    csr = (x509.CertificateSigningRequestBuilder().subject_name(pki.name("ec-device"))
           .add_attribute(AttributeOID.CHALLENGE_PASSWORD, code.encode())
           .sign(key, hashes.SHA256()))
    request = sm.pkcs_req(csr, ec_signer, ra)
    status, _, body = scep_fetch(memory, "/scep/codes" + "?operation=PKIOperation",
                           request.der)
    reply = request.check(sm.parse(body, [ra]))
    assert (status, reply.status, reply.fail_info) == (200, sm.Status.FAILURE,
                                                      sm.FailInfo.badAlg)
    assert issued_records(memory, "ec-device") == []
    device = self_signed("ec-device")
    request = sm.pkcs_req(request_for(device, "ec-device", code), device, ra)
    status, _, body = scep_fetch(memory, "/scep/codes" + "?operation=PKIOperation",
                           request.der)
    assert request.check(sm.parse(body, [ra])).status == sm.Status.SUCCESS


# -- 4. log lines and metric labels ------------------------------------------------------------


def test_log_and_metrics_cannot_be_forged(server: Server) -> None:
    """A newline in a transactionID or an operation does not start a log line of its own,
    and made-up operations and labels are counted as "other"."""
    ra, _ = ra_certificates(server)
    device = self_signed("forger")
    forged = "X\n2026-01-01T00:00:00+0000 [estra.scep#info] FORGED"
    request = sm.cert_poll(ra.subject, pki.name("forger"), forged, device, ra)
    assert request.check(answer(server, request.der, device)).status == sm.Status.FAILURE
    assert http(scep_url(server) + "?operation=Evil%0AFORGED%20too")[0] == 400
    assert http(scep_url(server, "/scep/made-up-label") + "?operation=GetCACaps")[0] == 404
    lines = server.log.read_text().splitlines()
    assert not [line for line in lines if "FORGED" in line and not line.startswith("20")]
    assert not [line for line in lines if line.startswith("2026-01-01")]
    metrics = fetch(f"http://127.0.0.1:{server.listener_port('estra admin ready')}/metrics")[2]
    series = [line for line in metrics.splitlines()
              if line.startswith('estra_requests_total{') and 'protocol="scep"' in line]
    assert series and all("FORGED" not in s and "made-up" not in s for s in series), series
    assert any('operation="other"' in s and 'label="default"' in s for s in series), series
    assert any('operation="GetCACaps"' in s and 'label="other"' in s for s in series), series
