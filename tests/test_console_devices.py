"""Issue #20: the console's device view.  One search box finds a device by any of its
names or by its serial in any printed form; the device page joins its first enrollment
and its renewals across identities, says where its certificate stands, and hands out
the certificate and its chain.  In process on `tests.fuzzing.World` (MemoryRA: the RA,
EST face and console over one SQLite store); the chain is checked by openssl."""

from __future__ import annotations

import base64
import html
import re
import subprocess
import tempfile
import time
import warnings
from ipaddress import ip_address
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from twisted.internet.defer import Deferred
from twisted.python.filepath import FilePath
from twisted.trial.unittest import SynchronousTestCase

from estra.asn1 import wire
from estra.principals import issued_principal
from estra.store.database import (MIGRATIONS, Store, _devices_from_records, _migrate,
                                  migrate_blocking, open_store, run_blocking)
from estra.store.enrollments import common_names, record_names
from estra.testing import DeviceTLS
from tests import pki
from tests.fuzzing import PASSWORD, USER, World

EST = "http://ra.test/.well-known/est"
NAMES = [x509.DNSName("dev-7.example.com"), x509.IPAddress(ip_address("10.7.7.7")),
         x509.UniformResourceIdentifier("urn:dev:7"), x509.RFC822Name("dev7@example.com")]


def colons(serial: str, lower: bool = False) -> str:
    """A serial as a browser shows it: pairs of hex digits joined by colons."""
    pairs = ":".join(re.findall("..", serial))
    return pairs.lower() if lower else pairs


class DeviceViewTests(SynchronousTestCase):
    """dev-7 enrolls as basic:alice, then renews twice with the certificate it holds
    (as issued:...:dev-7); dev-8 enrolls once, as basic:alice too."""

    def setUp(self) -> None:
        self.world = World()
        self.world.console.device_cas = lambda: [self.world.ca.cert]
        key = pki.ec_key()
        self.certs = [self.enroll("simpleenroll", pki.csr(key, pki.name("dev-7"), NAMES))]
        for _ in range(2):
            self.certs.append(self.enroll("simplereenroll",
                                          pki.csr(pki.ec_key(), pki.name("dev-7"), NAMES),
                                          DeviceTLS((self.certs[-1],))))
        self.other = self.enroll("simpleenroll", pki.csr(pki.ec_key(), pki.name("dev-8")))
        self.serials = [wire.serial_hex(c.serial_number) for c in self.certs]

    def enroll(self, operation: str, csr: x509.CertificateSigningRequest,
               tls: DeviceTLS | None = None) -> x509.Certificate:
        client = self.world.memory.client("est", tls=tls or DeviceTLS())
        headers: dict[bytes | str, bytes | str] = {"Content-Type": "application/pkcs10"}
        if tls is None:
            headers["Authorization"] = "Basic " + base64.b64encode(
                f"{USER}:{PASSWORD}".encode()).decode()
        response = self.world.resolve(client.post(f"{EST}/{operation}", data=pki.b64(csr),
                                                  headers=headers), operation)
        body = self.world.resolve(response.content(), operation)
        self.assertEqual(response.code, 200, body)
        return wire.load_certs_only(body)[0]

    def page(self, path: str) -> tuple[int, str, bytes]:
        self.world.console_session()
        response = self.world.resolve(self.world.admin.get(
            f"http://ra.test{path}", headers={"Cookie": self.world.console_cookie}), path)
        body = self.world.resolve(response.content(), path)
        kind = (response.headers.getRawHeaders("content-type") or [""])[0]
        return int(response.code), kind, body

    def search(self, term: str) -> str:
        code, _, body = self.page(f"/console/devices?q={term}")
        self.assertEqual(code, 200)
        return html.unescape(body.decode())

    def record_ids(self) -> list[int]:
        rows = self.world.resolve(Deferred.fromCoroutine(
            self.world.store.enrollments(limit=100)), "records")
        return sorted(int(r["id"]) for r in rows if r["subject"] == "CN=dev-7")

    def test_any_name_finds_the_device(self) -> None:
        """The CN, each SAN (DNS, IP, URI, email), the identity or its start, in any
        case, find dev-7's records and not dev-8's."""
        for term in ("DEV-7", "dev-7.EXAMPLE.com", "10.7.7.7", "urn:dev:7", "Dev7@example.com",
                     "basic:alice", "issued:", "dev-"):
            page = self.search(term.replace(":", "%3A").replace("@", "%40"))
            self.assertIn("CN=dev-7", page, term)
            if term != "dev-" and term != "basic:alice":
                self.assertNotIn("CN=dev-8", page, term)
        self.assertIn("0 record(s) found", self.search("nothing-like-it"))

    def test_any_serial_form_finds_the_certificate(self) -> None:
        """A serial as openssl prints it (upper case, `serial=`, or `N (0xHEX)`), as a
        browser does (colon pairs, lower case, spaces) or with leading zeros finds the
        record of that certificate (and the renewal that used it)."""
        serial = self.serials[0]
        number = self.certs[0].serial_number
        for term in (serial, f"serial={serial}", colons(serial, lower=True),
                     colons(serial).replace(":", " "), "00" + serial.lower(),
                     f"{number} (0x{number:x})"):
            page = self.search(term.replace(":", "%3A").replace(" ", "+").replace("=", "%3D")
                               .replace("(", "%28").replace(")", "%29"))
            self.assertIn(serial, page, term)
            self.assertIn("simplereenroll", page, term)   # renewed with that certificate

    def test_device_view_joins_enrollment_and_renewals(self) -> None:
        """From any of its records, the device page lists all three certificates (two
        superseded, the newest valid), across basic:alice and the issued identity, with
        the newest certificate's details."""
        ids = self.record_ids()
        self.assertEqual(len(ids), 3)
        for rid in (ids[0], ids[-1]):
            code, _, body = self.page(f"/console/devices/{rid}")
            self.assertEqual(code, 200)
            page = html.unescape(body.decode())
            for serial in self.serials:
                self.assertIn(serial, page)
            self.assertEqual(page.count("superseded by"), 2)
            self.assertIn(f"superseded by {self.serials[1]}", page)
            self.assertIn("State: valid,", page)
            self.assertIn("basic:alice", page)
            self.assertIn("issued:default:dev-7", page)
            newest = self.certs[-1]
            fingerprint = colons(newest.fingerprint(hashes.SHA256()).hex().upper())
            for fact in (fingerprint, "EC secp256r1 (256 bits)", "DNS:dev-7.example.com",
                         "IP:10.7.7.7", "URI:urn:dev:7", "email:dev7@example.com",
                         newest.issuer.rfc4514_string(),
                         newest.not_valid_before_utc.strftime("%Y-%m-%d %H:%M:%S UTC")):
                self.assertIn(fact, page)
            self.assertNotIn("CN=dev-8", page)
        self.assertEqual(self.page("/console/devices/999999")[0], 404)

    def test_state_expiring_expired_revoked(self) -> None:
        """The newest certificate reads expiring in N days near its end, expired after
        it, and revoked once an operator's revocation took effect."""
        rid = self.record_ids()[0]
        ends = self.certs[-1].not_valid_after_utc.timestamp()

        def state() -> str:
            page = html.unescape(self.page(f"/console/devices/{rid}")[2].decode())
            return str(re.findall("State: ([^<]*)<", page)[0])
        self.world.memory.advance(ends - 5 * 86400 - 10 - self.world.clock())
        self.assertEqual(state(), "valid, expiring in 5 day(s)")
        self.world.memory.advance(86400 * 6)
        self.assertEqual(state(), "expired 1 day(s) ago")
        self.world.resolve(Deferred.fromCoroutine(self.world.store.record_revocation(
            self.serials[-1], "", "default", "local", "local", "keyCompromise", "operator:boss",
            "crl")), "revoke")
        self.assertEqual(state(), "revoked (keyCompromise)")

    def test_record_queries_walk_an_index(self) -> None:
        """Every query on the records and their names that the device search, the device
        page, an identity's records and a key's history run (migration 22 dropped the
        indexes no query walked) searches an index, never scans a table."""
        conn = self.world.store.pool.conn  # type: ignore[attr-defined]
        first = self.record_ids()[0]
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        try:
            self.search("dev-7")
            self.search(self.serials[0])
            code, _, _ = self.page(f"/console/devices/{first}")
            self.assertEqual(code, 200)
            store = self.world.store
            for work in (store.enrollments(identity="basic:default:alice"),
                         store.key_history("basic:default:alice", "00" * 32)):
                self.world.resolve(Deferred.fromCoroutine(work), "records")
        finally:
            conn.set_trace_callback(None)
        walked = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")
                  and re.search(r"\b(enrollments|device_names)\b", sql)]
        self.assertGreaterEqual(len(walked), 5)
        for sql in walked:
            plan = " | ".join(str(row[-1]) for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
            self.assertIsNone(re.search(r"SCAN (enrollments|device_names)\b(?! USING)",
                                        plan), f"{sql}: {plan}")

    def test_certificate_and_chain_download(self) -> None:
        """The certificate downloads as PEM; the chain holds the certificate and the CA
        that signed it, which openssl verifies."""
        rid = self.record_ids()[-1]
        code, kind, body = self.page(f"/console/enrollments/{rid}.pem")
        self.assertEqual((code, kind), (200, "application/x-pem-file"))
        self.assertEqual(body, self.certs[-1].public_bytes(Encoding.PEM))
        code, kind, chain = self.page(f"/console/enrollments/{rid}.chain.pem")
        self.assertEqual(code, 200)
        certs = x509.load_pem_x509_certificates(chain)
        self.assertEqual(certs, [self.certs[-1], self.world.ca.cert])
        where = Path(tempfile.mkdtemp(prefix="estra-chain-"))
        (where / "ca.pem").write_bytes(certs[1].public_bytes(Encoding.PEM))
        (where / "leaf.pem").write_bytes(certs[0].public_bytes(Encoding.PEM))
        verified = subprocess.run(["openssl", "verify", "-CAfile", str(where / "ca.pem"),
                                   str(where / "leaf.pem")], capture_output=True, text=True,
                                  timeout=30)
        self.assertEqual(verified.returncode, 0, verified.stderr)


def check_device_migration(store: Store) -> None:
    """A store of the previous schema with a first enrollment and a renewal migrates:
    the renewal links to the certificate it renewed, and both are found by name."""
    ca, key = pki.CA("migration CA"), pki.ec_key()
    first = ca.issue(pki.name("dev-9"), key.public_key(), pki.sans("dev-9.example.com"))
    second = ca.issue(pki.name("dev-9"), key.public_key(), pki.sans("dev-9.example.com"))
    renewer = issued_principal("default", "basic:bob", first)

    def previous(cursor: Any, dialect: Any) -> None:
        _migrate(cursor, dialect, upto=next(   # the schema before the device view
            i for i, steps in enumerate(MIGRATIONS) if _devices_from_records in steps) - 1)
        for n, (identity, cert) in enumerate((("basic:bob", first), (renewer, second))):
            cursor.execute(dialect.sql(
                "INSERT INTO enrollments (at, identity, method, peer, label, operation, "
                "csr_sha256, key_sha256, subject, sans, decision, rule, reason, serial, "
                "not_after, certificate) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
                (1_700_000_000.0 + n, identity, identity.partition(":")[0], "192.0.2.9",
                 "default", ["simpleenroll", "simplereenroll"][n], "c", "k", "CN=dev-9",
                 '["DNSName:dev-9.example.com"]', "issued", "issued", "",
                 wire.serial_hex(cert.serial_number),
                 cert.not_valid_after_utc.timestamp(),
                 base64.b64encode(cert.public_bytes(Encoding.DER)).decode()))
    run_blocking(store, previous)
    assert migrate_blocking(store) == len(MIGRATIONS)

    def read(cursor: Any, dialect: Any) -> tuple[list[Any], list[Any]]:
        cursor.execute("SELECT identity, auth_serial FROM enrollments ORDER BY id")
        links = [tuple(r) for r in cursor.fetchall()]
        cursor.execute("SELECT n.name, e.identity FROM device_names n JOIN enrollments e ON "
                       "e.id = n.enrollment ORDER BY e.id, n.name")
        return links, [tuple(r) for r in cursor.fetchall()]
    links, names = run_blocking(store, read)
    assert links == [("basic:bob", None), (renewer, wire.serial_hex(first.serial_number))]
    assert names == [(n, "basic:bob") for n in ("basic:bob", "bob", "dev-9",
                                                "dev-9.example.com")] + [
        (n, renewer) for n in sorted({"dev-9", "dev-9.example.com", renewer.lower()})], names


def parsed_common_names(subject: str) -> list[str]:
    """The common names cryptography's RFC 4514 parser finds (none if it cannot parse)."""
    try:
        return [str(a.value) for a in x509.Name.from_rfc4514_string(subject)
                .get_attributes_for_oid(x509.NameOID.COMMON_NAME)]
    except ValueError:
        return []


def attribute(oid: x509.ObjectIdentifier, value: str) -> x509.NameAttribute[str]:
    """An attribute even of a length cryptography refuses to parse (without its warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return x509.NameAttribute(oid, value, _validate=False)


class RecordNamesTests(SynchronousTestCase):
    """The names a record is searched by come from its subject string without
    cryptography's pure-Python RFC 4514 parser when the string needs none, with the
    very same common names."""

    OID = x509.NameOID
    NAMES = [
        x509.Name([attribute(OID.COMMON_NAME, "dev-7.example.com")]),
        x509.Name([attribute(OID.COUNTRY_NAME, "US"), attribute(OID.ORGANIZATION_NAME,
                   "Example=Org"), attribute(OID.COMMON_NAME, "dev 7")]),
        x509.Name([attribute(OID.COMMON_NAME, "a"), attribute(OID.COMMON_NAME, "b"),
                   attribute(OID.DOMAIN_COMPONENT, "example"), attribute(OID.USER_ID, "7")]),
        x509.Name([attribute(OID.COMMON_NAME, "comma, plus+ quote\" back\\ <>;")]),
        x509.Name([attribute(OID.COMMON_NAME, " lead"), attribute(OID.COMMON_NAME, "#h")]),
        x509.Name([attribute(OID.COMMON_NAME, "trail ")]),
        x509.Name([attribute(OID.COMMON_NAME, "x" * 64)]),
        x509.Name([attribute(OID.COMMON_NAME, "x" * 65)]),
        x509.Name([attribute(OID.COMMON_NAME, "caf\u00e9 \u00fcber")]),
        x509.Name([attribute(OID.COUNTRY_NAME, "USA"), attribute(OID.COMMON_NAME, "c")]),
        x509.Name([attribute(OID.EMAIL_ADDRESS, "d@example.com"),
                   attribute(OID.COMMON_NAME, "mail")]),
        x509.Name([attribute(OID.SERIAL_NUMBER, "42"), attribute(OID.COMMON_NAME, "sn")]),
        x509.Name([x509.RelativeDistinguishedName([attribute(OID.COMMON_NAME, "m"),
                                                   attribute(OID.ORGANIZATION_NAME, "v")])]),
        x509.Name([]),
    ]
    WRITTEN = ["CN=", "CN=a,CN=", "O=x", "CN", "cn=lower", "CN=a,,CN=b", "CN=a, O=b",
               "2.5.4.3=oid", "OID.2.5.4.3=oid", "FOO=bar,CN=x", "CN=a=b=c", "C=,CN=x",
               "CN=tab\there", "CN=\x7f"]

    def test_same_common_names_as_the_parser(self) -> None:
        """Subjects as estra stores them (`rfc4514_string`) and as anyone could write
        them: escaped values, multi-valued RDNs, dotted and unknown types, lengths
        cryptography refuses, non-ASCII values, malformed strings."""
        subjects = [name.rfc4514_string() for name in self.NAMES] + self.WRITTEN
        for subject in subjects:
            self.assertEqual(common_names(subject), parsed_common_names(subject), subject)

    def test_a_plain_subject_is_not_parsed(self) -> None:
        """A subject without escapes (what devices send) costs no parser run on the
        store's writer thread."""
        def refuse(subject: str) -> x509.Name:
            raise AssertionError(f"parsed {subject!r}")
        self.patch(x509.Name, "from_rfc4514_string", staticmethod(refuse))
        self.assertEqual(
            record_names("basic:default:alice", "C=US,O=Example,CN=Dev-7.example.com",
                         ["DNSName:dev-7.example.com", "IPAddress:10.7.7.7"]),
            ["10.7.7.7", "alice", "basic:default:alice", "dev-7.example.com"])


class RecordIndexTests(SynchronousTestCase):
    def test_indexes_written_per_record(self) -> None:
        """What each record costs the writer beyond its row: an index per lookup that
        walks one (`test_record_queries_walk_an_index`, the console's list plans), none
        twice (no (identity, at) beside (identity, id), no device_names (enrollment))."""
        store = open_store("", FilePath(tempfile.mkdtemp()), time.time)
        migrate_blocking(store)
        found = run_blocking(store, lambda cursor, _: sorted(
            (str(table), str(name)) for table, name in cursor.execute(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND "
                "tbl_name IN ('enrollments', 'device_names') AND sql IS NOT NULL")))
        self.assertEqual(found, sorted(
            [("device_names", "device_names_name")] + [("enrollments", f"enrollments_{n}")
             for n in ("at", "auth_serial", "decision_id", "identity_id", "identity_lower",
                       "key", "label_id", "lower_rule_id", "operation_id", "serial")]))


class DeviceMigrationTests(SynchronousTestCase):
    def test_device_migration_sqlite(self) -> None:
        """The device-view migration on SQLite (PostgreSQL: below)."""
        check_device_migration(open_store("", FilePath(tempfile.mkdtemp()), time.time))


def test_device_migration_postgres(database: str) -> None:
    """The device-view migration on PostgreSQL."""
    check_device_migration(open_store(database, FilePath(tempfile.mkdtemp()), time.time))
