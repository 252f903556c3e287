"""In-process fuzzing of every parser that sees device bytes (security issue #9).

* `der` builds DER by hand (what cryptography's builders refuse to write);
* `World` is a whole RA in memory: embedded CA, Basic users, a synchronous
  in-memory SQLite store, the EST, /fullcmc and SCEP resources behind StubTreq;
* `TARGETS` names one fuzz target per parser boundary; each takes one input and
  raises `Finding` when the property breaks (an exception the boundary does not
  promise, an HTTP 500, an error logged, no answer);
* `Mutator` starts from real valid messages and flips, inserts and truncates
  bytes and ASN.1 lengths, splices subtrees from a dictionary of hostile
  elements, and re-signs mutated CSRs so mutations get past the signature check.

`bench/fuzz.py` runs long campaigns; tests/test_fuzz.py a short one and the corpus.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from functools import partial
from ipaddress import ip_address
import hashlib
import json
import random
import re
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from cryptography import x509
from cryptography.x509 import ocsp
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from twisted.internet.defer import Deferred
from twisted.python.filepath import FilePath
from twisted.logger import ILogObserver, LogLevel, globalLogPublisher
from zope.interface import provider

from estra.ra import auth, renewal
from estra.asn1 import cmc, keygen, wire
from estra.asn1 import scep_message as sm
from estra.ra.auth import Htpasswd, Identity, Peer, hash_password
from estra.errors import EstError
from estra.console.admin import admin_root
from estra.config import ThrottleSettings
from estra.console.operators import Roles
from estra.console.resource import COOKIE, Console, token_hash
from estra.web.http import make_site
from estra.ca.ocsp import OcspResource, OcspResponder
from estra.ra.policy import ENROLL
from estra.ra.pipeline import key_fingerprint
from estra.ca.revocation import CrlPublisher, CrlResource, Published, Revocation
from estra.testing import MemoryRA, SyncThreads
from estra.ra.throttle import LoginThrottle
from estra.ca.local import LocalCA
from tests import pki

CORPUS = Path(__file__).resolve().parent / "fuzz_corpus"
USER, PASSWORD = "alice", "fuzz horse"
SCEP_PASSWORD = "sesame"
#: the TLS-terminating balancer whose X-Estra-* headers estra takes (estra.web.forwarded)
BALANCER = "192.0.2.50"
CONFIG = f"""
[server]
trusted_proxies = ["{BALANCER}"]

[auth]                      # generous: the fuzzer reaches bcrypt, not 429s, for every input
address_failures = 1000000000
user_failures = 1000000000
max_pending_checks = 1000000000

[profiles.default]
scep_password = "{SCEP_PASSWORD}"

[profiles.strict]
scep_password = "{SCEP_PASSWORD}"
subject_required = ["CN"]
subject_patterns = {{ CN = "*" }}
san_dns_suffixes = ["example.com"]
san_ip_networks = ["10.0.0.0/8"]
san_uri_patterns = ["urn:dev:*"]
san_email_patterns = ["*@example.com"]
extensions_forbidden = ["2.5.29.19"]

[profiles.code]
require_code = true
scep_challenge = "codes"

[profiles.manual]
approval = "manual"
scep_challenge = "none"

[profiles.cb]
require_channel_binding = true
[challenges]                # the NDES page and the JSON API (estra/scep/ndes.py, challenge_api.py)
profile = "code"
outstanding = 1000000000
per_hour = 1000000000
[challenges.roles]
mdm = ["issue", "list", "revoke", "retire"]
"""


class Finding(Exception):
    """The no-500 / no-traceback / no-hang property broke for one input."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind            # "http500", "traceback" or "hang"


# -- DER by hand --------------------------------------------------------------------------


def der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag: int, *content: bytes) -> bytes:
    body = b"".join(content)
    return bytes([tag]) + der_length(len(body)) + body


def oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    out = bytearray([40 * parts[0] + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        while part > 0x7F:
            part >>= 7
            chunk.append(0x80 | (part & 0x7F))
        out += bytes(reversed(chunk))
    return tlv(0x06, bytes(out))


def seq(*items: bytes) -> bytes:
    return tlv(0x30, *items)


def name_der(*rdns: list[tuple[str, int, bytes]]) -> bytes:
    """A Name of RDNs, each a list of (attribute OID, string tag, value bytes)."""
    return seq(*(tlv(0x31, *(seq(oid(o), tlv(tag, v)) for o, tag, v in rdn)) for rdn in rdns))


def extension(oid_: str, value: bytes, critical: bool = False) -> bytes:
    return seq(oid(oid_), *([b"\x01\x01\xff"] if critical else []), tlv(0x04, value))


def spki_der(key: Any) -> bytes:
    return bytes(key.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo))


def csr_info(key: Any, subject: bytes | None = None, version: int = 0,
             extensions: list[bytes] | None = None, attributes: list[bytes] = (),
             spki: bytes | None = None) -> bytes:
    """A CertificationRequestInfo; `extensions` go in one extensionRequest attribute."""
    attrs = list(attributes)
    if extensions:
        attrs.append(seq(oid("1.2.840.113549.1.9.14"), tlv(0x31, seq(*extensions))))
    return seq(tlv(0x02, bytes([version])),
               subject if subject is not None else name_der([("2.5.4.3", 0x0C, b"dev1")]),
               spki or spki_der(key), tlv(0xA0, *attrs))


def sign_csr(info: bytes, key: Any) -> bytes:
    """A CertificationRequest over `info` as it is (any bytes), signed by `key`."""
    if isinstance(key, rsa.RSAPrivateKey):
        from cryptography.hazmat.primitives.asymmetric import padding
        sig = key.sign(info, padding.PKCS1v15(), hashes.SHA256())
        alg = seq(oid("1.2.840.113549.1.1.11"), b"\x05\x00")
    else:
        sig = key.sign(info, ec.ECDSA(hashes.SHA256()))
        alg = seq(oid("1.2.840.10045.4.3.2"))
    return seq(info, alg, tlv(0x03, b"\x00" + sig))


def challenge_attribute(value: bytes, tag: int = 0x0C) -> bytes:
    return seq(oid("1.2.840.113549.1.9.7"), tlv(0x31, tlv(tag, value)))


def split_csr(der: bytes) -> bytes:
    """The CertificationRequestInfo of a CSR."""
    return _children(der)[0]


def _children(der: bytes) -> list[bytes]:
    _, _, start, end = _header(der, 0)
    out, at = [], start
    while at < end:
        _, _, cstart, cend = _header(der, at)
        out.append(der[at:cend])
        at = cend
    return out


def _header(data: bytes, at: int) -> tuple[int, bool, int, int]:
    """(tag, constructed, content start, content end) of the element at `at` (ValueError)."""
    if at + 2 > len(data):
        raise ValueError("short")
    tag, first = data[at], data[at + 1]
    if tag & 0x1F == 0x1F:
        raise ValueError("high tag")
    at += 2
    if first < 0x80:
        length = first
    else:
        n = first & 0x7F
        if n == 0 or n > 4 or at + n > len(data):
            raise ValueError("length")
        length = int.from_bytes(data[at:at + n], "big")
        at += n
    if at + length > len(data):
        raise ValueError("overrun")
    return tag, bool(tag & 0x20), at, at + length


def nodes(data: bytes) -> list[tuple[int, int, int]]:
    """(start, content start, end) of every element of a well-formed DER prefix."""
    found: list[tuple[int, int, int]] = []

    def walk(at: int, end: int, depth: int) -> None:
        while at < end and depth < 40:
            try:
                tag, constructed, cstart, cend = _header(data, at)
            except ValueError:
                return
            if cend > end:
                return
            found.append((at, cstart, cend))
            if constructed or tag in (0x04, 0x03):
                walk(cstart + (1 if tag == 0x03 else 0), cend, depth + 1)
            at = cend
    walk(0, len(data), 0)
    return found


# -- hostile elements the mutator splices in --------------------------------------------

_BAD_CERT_VERSION = (b"\xa0\x03\x02\x01\x02", b"\xa0\x03\x02\x01\x0b")


def dictionary() -> list[bytes]:
    """Elements known to upset parsers: odd strings, names, SANs, versions, OIDs."""
    cn = "2.5.4.3"
    return [
        b"\x02\x01\x01", b"\x02\x01\x0b", b"\x02\x00", b"\x02\x09\x00" + b"\xff" * 8,
        b"\x31\x00", b"\x30\x00", b"\x05\x00", b"\x01\x01\x00", b"\x04\x00", b"\x03\x00",
        b"\x30\x80\x00\x00", b"\x0c\x02\xff\xfe", b"\x1e\x03\x00\x41\x00", b"\x13\x00",
        b"\x1c\x02\x00\x41", b"\x14\x03abc", b"\x16\x02\xc3\xa9", b"\x03\x02\x07\x80",
        name_der([]), name_der([(cn, 0x0C, b"")]), name_der([(cn, 0x02, b"\x01")]),
        name_der([(cn, 0x0C, b"\xff\xfe")]), name_der([("2.5.4.6", 0x13, b"ABCDE")]),
        name_der([("2.5.4.6", 0x0C, b"DE")]), name_der([(cn, 0x0C, b"x" * 200)]),
        name_der([(cn, 0x0C, b"a"), ("2.5.4.10", 0x0C, b"b")]),
        name_der([("2.5.4.45", 0x03, b"\x00\x01")]), name_der([("1.2.3.4", 0x04, b"x")]),
        oid("1.2.840.10045.2.9"), oid("1.2.840.113549.1.9.7"), oid("2.5.29.17"),
        oid("1.2.840.113549.1.9.14"), oid("1.3.101.112"), oid("1.2.3.4.5.6.7.8.9"),
        extension("2.5.29.17", seq(tlv(0xA3, seq()))),
        extension("2.5.29.17", seq(tlv(0x82, b"bad..name"))),
        extension("2.5.29.17", seq(tlv(0x82, b"-x.example.com"))),
        extension("2.5.29.17", seq(tlv(0x87, b"\x01\x02\x03"))),
        extension("2.5.29.17", seq(tlv(0xA0, oid("1.2.3"), tlv(0xA0, b"\x05\x00")))),
        extension("2.5.29.17", seq(tlv(0x81, b"\xff@example.com"))),
        extension("2.5.29.17", b"\x30\x00"), extension("2.5.29.19", b"\x30\x03\x01\x01\xff"),
        extension("2.5.29.15", b"\x03\x02\x00\x00"), extension("2.5.29.37", seq(oid("1.2"))),
        extension("2.5.29.14", b"\x04\x00"), extension("2.5.29.17", b"\x01\x01\x00"),
        challenge_attribute(b"\xff\xfe"), challenge_attribute(b"", 0x13),
        challenge_attribute(b"\x00\x41", 0x1E),
        seq(oid("1.2.840.113549.1.9.14"), tlv(0x31, seq())),
        seq(oid("1.2.840.113549.1.9.16.2.54"), tlv(0x31, b"\x05\x00")),
        seq(seq(oid("1.2.840.10045.2.9")), tlv(0x03, b"\x00\x04\x01")),
        seq(seq(oid("1.2.840.113549.1.1.1"), b"\x05\x00"), tlv(0x03, b"\x00\x30\x00")),
        seq(seq(oid("1.2.840.10045.2.1"), oid("1.2.3")), tlv(0x03, b"\x00\x04")),
        _BAD_CERT_VERSION[1],
    ]


class Mutator:
    """Byte and ASN.1 mutations of valid seeds; CSRs are often re-signed afterwards."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words = dictionary()

    def bytes_(self, data: bytes, pool: list[bytes] = ()) -> bytes:
        rng = self.rng
        for _ in range(rng.choice((1, 1, 1, 2, 3, 5))):
            data = self._one(data, list(pool))
        return data[:256 * 1024]

    def _one(self, data: bytes, pool: list[bytes]) -> bytes:
        rng = self.rng
        tree = nodes(data) if data else []
        choice = rng.randrange(14 if tree else 6)
        n = len(data)
        at = rng.randrange(n + 1)
        if choice == 0 and n:
            i = rng.randrange(n)
            return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:]
        if choice == 1:
            noise = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
            return data[:at] + noise + data[at:]
        if choice == 2 and n:
            return data[:at] + data[at + rng.randint(1, 16):]
        if choice == 3:
            return data[:at]
        if choice == 4 and n:
            i = rng.randrange(n)
            edge = rng.choice((0, 0x7F, 0x80, 0x81, 0xFF, 0x30, 0x31))
            return data[:i] + bytes([edge]) + data[i + 1:]
        if choice == 5 and pool:
            other = rng.choice(pool)
            j = rng.randrange(len(other) + 1)
            return data[:at] + other[j:j + rng.randint(1, 64)] + data[at:]
        if not tree:
            return data
        start, cstart, end = rng.choice(tree)
        node = data[start:end]
        if choice in (6, 7):           # a length byte: off by one, indefinite, long form
            lb = start + 1
            new = rng.choice((data[lb] + 1, data[lb] - 1, 0x80, 0x81, 0x84, 0xFF, 0))
            return data[:lb] + bytes([new & 0xFF]) + data[lb + 1:]
        if choice == 8:                # the tag
            return data[:start] + bytes([rng.choice((0x02, 0x04, 0x0C, 0x13, 0x16, 0x1E,
                                                     0x30, 0x31, 0xA0, 0xA3, 0x05,
                                                     data[start] ^ 0x20))]) + data[start + 1:]
        if choice == 9:                # drop or duplicate the element
            return data[:start] + data[end:] if rng.random() < .5 else \
                data[:end] + node + data[end:]
        if choice in (10, 11):         # replace with a hostile element
            word = rng.choice(self.words)
            return data[:start] + word + data[end:]
        if choice == 12:               # insert a hostile element inside a constructed one
            return data[:cstart] + rng.choice(self.words) + data[cstart:]
        # splice an element of another seed
        donor = rng.choice(pool) if pool else data
        picks = nodes(donor)
        if not picks:
            return data
        s2, _, e2 = rng.choice(picks)
        return data[:start] + donor[s2:e2] + data[end:]


def refit(der: bytes) -> bytes:
    """Fix the outer lengths of a mutated element so the damage is deeper inside."""
    try:
        tag, _, cstart, _ = _header(der + b"\x00" * 8, 0)
    except ValueError:
        return der
    return tlv(tag, der[cstart:]) if der else der


# -- the RA in memory ---------------------------------------------------------------------


def site_stub(root: Any, protocol: str, max_body: int = 64 * 1024) -> Any:
    """A StubTreq whose in-memory server is `make_site(root)`: estra's Site, requests
    and channel, as a listener serves them."""
    from treq.testing import StubTreq
    stub = StubTreq(root)
    agent = stub._agent
    agent._serverFactory = make_site(root, max_body, reactor=agent._memoryReactor,
                                     protocol=protocol)
    return stub


@provider(ILogObserver)
class ErrorLog:
    """Keeps the error (and critical, and failure) events logged while installed."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any]) -> None:
        level = event.get("log_level")
        if "log_failure" in event or level in (LogLevel.error, LogLevel.critical):
            self.events.append(event)

    def __enter__(self) -> "ErrorLog":
        globalLogPublisher.addObserver(self)
        return self

    def __exit__(self, *_: Any) -> None:
        globalLogPublisher.removeObserver(self)


class World:
    """One RA in memory (estra.testing.MemoryRA, the production wiring) with valid seed
    messages for every target."""

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="estra-fuzz-"))
        ca = pki.CA("estra fuzz CA")
        scep_key = rsa.generate_private_key(65537, 1024)   # 1024: four times the inputs/s
        scep_cert = LocalCA(ca.key, ca.cert, time.time).issue(
            pki.name("estra fuzz SCEP RA"), scep_key.public_key(), [], [], 30)
        self.memory = MemoryRA(CONFIG, state_dir=str(self.tmp), files={
            "state/ca.pem": ca.cert.public_bytes(pki.PEM), "state/ca.key": pki.key_pem(ca.key),
            "state/scep-ra.pem": scep_cert.public_bytes(pki.PEM),
            "state/scep-ra.key": pki.key_pem(scep_key),
            "state/challenge-clients.htpasswd":
                f"mdm:{hash_password(PASSWORD, rounds=4)}\n".encode()})
        self.memory.add_user(USER, PASSWORD)
        self.mdm = "Basic " + base64.b64encode(f"mdm:{PASSWORD}".encode()).decode()
        self.clock = self.memory.clock
        self.ca, self.store = self.memory.ca, self.memory.store
        self.profiles = self.memory.settings.profiles
        self.profile = self.profiles["default"]
        self.ra = self.memory.ra
        self.fullcmc = self.memory.fullcmc
        self.scep_signer = self.memory.scep_signer
        self.est = self.memory.client("est")
        self.balancer = self.memory.client("est", address=BALANCER)
        self.scep = self.memory.client("scep", tls=None)
        publisher = CrlPublisher(self.store, self.ca, self.clock, 86400.0)
        self.ocsp_responder = OcspResponder(self.store, self.ca, self.clock)
        published = Published("/crl/ca.crl", CrlResource(publisher))
        published.ocsp = ("/ocsp", OcspResource(self.ocsp_responder, "/ocsp"))
        self.crl = site_stub(published, "crl")
        self.console = self._console(SyncThreads())
        self.admin = site_stub(admin_root(self.store, self.console), "admin", 16384)
        self.identity = Identity(auth.BASIC, USER, "", Peer("192.0.2.1", (), None, None))
        self.basic = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        self._seeds()

    def _console(self, threads: Any) -> Console:
        """The console of the admin listener: operator boss (admin) with one open
        session (`console_cookie`, `csrf`), device users in a file of its own."""
        (self.tmp / "operators.htpasswd").write_text(
            f"boss:{hash_password(PASSWORD, rounds=4)}\n")
        (self.tmp / "operators.roles").write_text("boss:admin\n")
        devices = FilePath(str(self.tmp / "console-devices.htpasswd"))

        async def revoke(serial: int, reason: str, by: str) -> Revocation | str:
            return Revocation(f"{serial:X}", "default", "local", "local", reason, by, "crl",
                              "listed", 0)
        self.session_token, self.csrf = "fuzz-session", "fuzz-csrf"
        self.console_cookie = f"{COOKIE.decode()}={self.session_token}"
        return Console(
            self.store, Htpasswd(FilePath(str(self.tmp / "operators.htpasswd")), threads,
                                 threads, self.clock),
            Roles(FilePath(str(self.tmp / "operators.roles")), {}), self.clock, secure=False,
            session_seconds=10.0**9,
            throttle=LoginThrottle(ThrottleSettings(10**9, 1, 10**9, 1, 10**9), self.clock),
            devices=lambda: devices, revoke=revoke, profiles=lambda: self.profiles,
            idle_seconds=lambda: 10.0**9)

    def console_session(self) -> None:
        """Open (again: a fuzzed logout closes it) the console session of `console_cookie`."""
        key = token_hash(self.session_token)
        session = Deferred.fromCoroutine(self.store.session(key, 10.0**9))
        if self.resolve(session, "session") is None:
            self.resolve(Deferred.fromCoroutine(self.store.session_open(
                key, "operator:boss", self.csrf, "192.0.2.9", 10.0**9)), "session")

    def _seeds(self) -> None:
        self.key = pki.ec_key()
        self.rsa_key = rsa.generate_private_key(65537, 1024)
        sans = [x509.DNSName("dev1.example.com"), x509.IPAddress(ip_address("10.1.2.3")),
                x509.UniformResourceIdentifier("urn:dev:1"), x509.RFC822Name("a@example.com")]
        good = pki.csr(self.key, pki.name("dev1", serial="42"), sans, challenge=SCEP_PASSWORD)
        self.csrs = [pki.der(good), pki.der(pki.csr(self.key, pki.name("dev2"))),
                     sign_csr(csr_info(self.key, attributes=[challenge_attribute(b"x")],
                                       extensions=[extension("2.5.29.17", seq(
                                           tlv(0x82, b"a.example.com")))]), self.key)]
        self.csr_infos = [split_csr(d) for d in self.csrs]
        signer_cert = self.ca.issue(pki.name("dev1"), self.key.public_key(), [], [], 10)
        self.signer_cert = signer_cert
        self.cmcs = [cmc.build_request(good, self.key),
                     cmc.build_request(good, self.key, signer_cert),
                     cmc.wrap_request(cmc.build_request(good, self.key), self.key, signer_cert)]
        device = self._scep_device()
        req = pki.csr(device.key, pki.name("scep dev"), challenge=SCEP_PASSWORD)
        scep_ra = self.scep_signer.cert
        self.sceps = [sm.pkcs_req(req, device, scep_ra).der,
                      sm.cert_poll(self.ca.cert.subject, req.subject, "T1", device, scep_ra).der,
                      sm.get_cert(self.ca.cert.subject, 1, device, scep_ra).der]
        self.scep_device = device
        key_part = keygen.key_part(self.key, None)
        body, ctype = keygen.multipart([key_part, (wire.CERTS_ONLY, wire.certs_only(
            [signer_cert, self.ca.cert]))], "wrapped")
        self.multiparts = [ctype.encode() + b"\n" + body]
        self._ocsp_seeds()

    def _ocsp_seeds(self) -> None:
        """Real OCSP requests (SHA-1 and SHA-256 CertIDs, nonces of 16 and 32 bytes,
        none, another issuer), one with two certificates; pending requests for the console."""
        cert, root = self.signer_cert, self.ca.cert
        other = pki.CA("another CA")
        stranger = other.issue(pki.name("stranger"), self.key.public_key())
        requests = []
        for leaf, issuer, algorithm, nonce in (
                (cert, root, hashes.SHA1(), b"n" * 16), (cert, root, hashes.SHA256(), None),
                (cert, root, hashes.SHA256(), b"\x00" * 32),
                (stranger, other.cert, hashes.SHA1(), b"x")):
            builder = ocsp.OCSPRequestBuilder().add_certificate(leaf, issuer, algorithm)
            if nonce is not None:
                builder = builder.add_extension(x509.OCSPNonce(nonce), False)
            requests.append(builder.build().public_bytes(serialization.Encoding.DER))
        tbs = _children(requests[0])[0]
        one = _children(_children(tbs)[0])[0]
        requests.append(seq(seq(seq(one, one), *_children(tbs)[1:])))
        self.ocsp_requests = requests
        for n in range(3):
            self.resolve(Deferred.fromCoroutine(self.store.hold(
                "manual", "simpleenroll", "basic:alice", f"{n:064x}", f"CN=dev{n}", [],
                base64.b64encode(self.csrs[1]).decode())), "hold")

    def _scep_device(self) -> sm.Signer:
        key = rsa.generate_private_key(65537, 1024)
        subject = pki.name("scep dev")
        cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                .public_key(key.public_key()).serial_number(7)
                .not_valid_before(pki.NOW).not_valid_after(pki.NOW + timedelta(days=2))
                .sign(key, hashes.SHA256()))
        return sm.Signer(cert, key)

    def scep_wrap(self, csr_der: bytes, tid: str = "T1") -> bytes:
        """A PKCSReq whose envelope holds `csr_der` as it is (signed, encrypted: deep)."""
        return sm._request(sm.MessageType.PKCSReq, csr_der, tid, self.scep_device,
                           self.scep_signer.cert, "aes128_cbc", "sha256").der

    def cmc_wrap(self, csr_der: bytes, signed_by_cert: bool = False) -> bytes:
        """A Full PKI Request whose tcr is `csr_der` as it is, signed."""
        controls = seq(seq(tlv(0x02, b"\x02"), oid("1.3.6.1.5.5.7.7.5"),
                           tlv(0x31, tlv(0x02, b"\x05"))))
        reqs = seq(tlv(0xA0, tlv(0x02, b"\x01"), csr_der))
        pki_data = seq(controls, reqs, seq(), seq())
        return cmc._sign(cmc.ID_CCT_PKIDATA, pki_data, self.key,
                         self.signer_cert if signed_by_cert else None)

    def resolve(self, d: Deferred[Any], what: str) -> Any:
        """The result of `d`, which must have fired already (the world is synchronous)."""
        self.memory.flush()
        self.crl.flush()
        self.admin.flush()
        results: list[Any] = []
        d.addBoth(results.append)
        if not results:
            raise Finding("hang", f"{what}: no answer")
        result = results[0]
        from twisted.python.failure import Failure
        if isinstance(result, Failure):
            raise Finding("traceback", f"{what}: {result.getTraceback()}")
        return result


_SHARED: list[World] = []


def shared_world() -> World:
    """One World per test process (making one costs three RSA keys)."""
    if not _SHARED:
        _SHARED.append(World())
    return _SHARED[0]


# -- targets ------------------------------------------------------------------------------

Target = Callable[[World, bytes], None]


def _guard(what: str, allowed: tuple[type[BaseException], ...], fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except allowed:
        return None
    except Finding:
        raise
    except Exception as e:  # that is the finding
        import traceback
        raise Finding("traceback", f"{what}: {type(e).__name__}: {e}\n"
                      + traceback.format_exc()) from e


def t_body(world: World, data: bytes) -> None:
    _guard("decode_body", (EstError,), lambda: wire.decode_body(data, "CSR"))


def read_csr_like_estra(world: World, csr: x509.CertificateSigningRequest) -> None:
    """Everything the RA, policy, SCEP and keygen read of an accepted CSR."""
    key_fingerprint(csr)
    csr.subject.rfc4514_string()
    sorted(f"{type(n).__name__}:{n.value}" for n in wire.sans_of(csr))
    cns = csr.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
    str(cns[0].value) if cns else None
    for profile in world.profiles.values():
        try:
            world.ra.policy.check(ENROLL, world.identity, csr, profile)
        except EstError:
            pass
    keygen.encryption_requested(csr)
    keygen.replacement_csr(csr, world.key)


def t_csr(world: World, data: bytes) -> None:
    csr = _guard("load_csr", (EstError,), lambda: wire.load_csr(data))
    if csr is not None:
        _guard("reading an accepted CSR", (EstError,), lambda: read_csr_like_estra(world, csr))


def t_cmc(world: World, data: bytes) -> None:
    request = _guard("parse_request", (cmc.CmcError,), lambda: cmc.parse_request(data))
    if request is not None:
        for tcr in request.requests:
            _guard("tcr", (EstError,), lambda csr=tcr.csr: read_csr_like_estra(world, csr))


def t_fullcmc(world: World, data: bytes) -> None:
    with ErrorLog() as errors:
        answer = world.resolve(Deferred.fromCoroutine(
            world.fullcmc.answer(world.identity, data, world.profile)), "fullcmc")
    if not isinstance(answer, bytes):
        raise Finding("traceback", f"fullcmc answered {answer!r}")
    _no_errors(errors, "fullcmc")


def t_scep(world: World, data: bytes) -> None:
    message = _guard("scep parse", (sm.ScepError,), lambda: sm.parse(data))
    if message is None:
        return
    for step in (message.csr, message.issuer_and_subject, message.issuer_and_serial):
        result = _guard(step.__name__, (sm.ScepError,), partial(step, world.scep_signer))
        if step == message.csr and result is not None:
            _guard("scep CSR", (EstError,), partial(read_csr_like_estra, world, result))


def t_multipart(world: World, data: bytes) -> None:
    ctype, _, body = data.partition(b"\n")
    _guard("certs_of_multipart", (EstError,), lambda: wire.certs_of_multipart(
        body, ctype.decode("latin-1")))


_FAST_HASH = hash_password("x", rounds=4).encode()


def t_auth(world: World, data: bytes) -> None:
    creds = _guard("basic_credentials", (), lambda: auth.basic_credentials(data))
    if creds is not None:
        _guard("checkpw", (), lambda: auth._checkpw(creds[1].encode("utf-8"), _FAST_HASH))


def _no_errors(errors: ErrorLog, what: str) -> None:
    if errors.events:
        from twisted.logger import formatEvent
        raise Finding("traceback", f"{what} logged an error: {formatEvent(errors.events[0])}")


def _http(world: World, stub: Any, data: bytes, what: str,
          fine: tuple[int, ...] = (501, 502, 503)) -> tuple[Any, bytes]:
    """Send one encoded request; a 5xx other than `fine`, or an error logged, is a
    finding.  The response and its body."""
    method, url, headers, body = decode_http(data)
    with ErrorLog() as errors:
        d = _guard(f"{what} HTTP parsing", (), lambda: stub.request(
            method, url, headers=headers, data=body))
        response = world.resolve(d, what)
        content = world.resolve(response.content(), what)
    if response.code >= 500 and response.code not in fine:
        raise Finding("http500", f"{what} {method} {url}: {response.code} {content[:200]!r}")
    _no_errors(errors, what)
    return response, content


def t_est_http(world: World, data: bytes) -> None:
    _http(world, world.est, data, "EST")


def t_forwarded(world: World, data: bytes) -> None:
    """EST with X-Estra-* headers: the first byte's low bit says whether the trusted
    balancer sends them (else a device); never a 5xx or an error logged."""
    if data:
        client = world.balancer if data[0] & 1 else world.est
        _http(world, client, data[1:], "forwarded TLS")


def t_scep_http(world: World, data: bytes) -> None:
    _http(world, world.scep, data, "SCEP")


def _answered(response: Any, content: bytes, what: str, ctype: str,
              read: Callable[[bytes], Any]) -> Any:
    """A 200 of `ctype` must be readable by `read`; every other answer text/plain."""
    got = (response.headers.getRawHeaders("content-type") or [""])[0]
    if response.code == 200 and got == ctype and content:      # (HEAD: no body)
        return _guard(f"{what}: reading the answer", (), lambda: read(content))
    if response.code not in (200, 204) and content and not got.startswith("text/plain"):
        raise Finding("traceback", f"{what}: {response.code} as {got}: {content[:200]!r}")
    return None


def t_ocsp(world: World, data: bytes) -> None:
    """OCSP over HTTP: no 5xx; a response parses; an echoed nonce is 1 to 32 bytes."""
    answer = _answered(*_http(world, world.crl, data, "OCSP", fine=()), "OCSP",
                       "application/ocsp-response", ocsp.load_der_ocsp_response)
    if answer is not None and answer.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL:
        for ext in answer.extensions:
            if isinstance(ext.value, x509.OCSPNonce) and not 1 <= len(ext.value.nonce) <= 32:
                raise Finding("traceback", f"OCSP echoed a {len(ext.value.nonce)}-byte nonce")


def t_crl(world: World, data: bytes) -> None:
    """The CRL listener over HTTP: no 5xx; a 200 is a CRL."""
    _answered(*_http(world, world.crl, data, "CRL", fine=()), "CRL",
              "application/pkix-crl", x509.load_der_x509_crl)


def t_console(world: World, data: bytes) -> None:
    """The admin listener's console forms: no 5xx, no error logged."""
    world.console_session()
    _http(world, world.admin, data, "console", fine=())


def t_challenges(world: World, data: bytes) -> None:
    """The NDES page and the JSON challenge API: no 5xx, no error logged; a 200 or 201
    is the page or JSON, every other answer with a body text/plain."""
    response, content = _http(world, world.est, data, "challenges", fine=())
    ctype = (response.headers.getRawHeaders("content-type") or [""])[0]
    if response.code in (200, 201) and ctype == "application/json" and content:  # (HEAD)
        _guard("challenges: reading the JSON", (), lambda: json.loads(content))
    elif response.code not in (200, 204) and content and not ctype.startswith("text/plain"):
        raise Finding("traceback", f"challenges: {response.code} as {ctype}: {content[:200]!r}")


def encode_http(method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
    head = "\n".join([f"{method} {path}"] + [f"{k}: {v}" for k, v in headers.items()])
    return head.encode("utf-8", "surrogatepass") + b"\n\n" + body


_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def decode_http(data: bytes) -> tuple[str, str, dict[bytes, list[bytes]], bytes]:
    head, _, body = data.partition(b"\n\n")
    lines = head.split(b"\n")
    method, _, path = lines[0].partition(b" ")
    headers: dict[bytes, list[bytes]] = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        k, v = k.strip(), v.strip()
        if _TOKEN.fullmatch(k) and b"\r" not in v and b"\0" not in v:
            headers.setdefault(k, []).append(v)
    method_s = method.decode("latin-1") if method.isalpha() and method.isupper() else "POST"
    path_s = "".join(chr(c) if 33 <= c < 127 else "%%%02X" % c for c in path) or "/"
    return method_s, "http://ra.test" + ("" if path_s.startswith("/") else "/") + path_s, \
        headers, body


TARGETS: dict[str, Target] = {
    "body": t_body, "csr": t_csr, "cmc": t_cmc, "fullcmc": t_fullcmc, "scep": t_scep,
    "multipart": t_multipart, "auth": t_auth, "est-http": t_est_http,
    "scep-http": t_scep_http, "ocsp": t_ocsp, "crl": t_crl, "console": t_console,
    "forwarded": t_forwarded,
    "challenges": t_challenges,
}


# -- inputs -------------------------------------------------------------------------------


class Generator:
    """Inputs for one target: mutated seeds, often rebuilt around a mutated re-signed CSR."""

    def __init__(self, world: World, target: str, seed: int) -> None:
        self.world, self.target, self.m = world, target, Mutator(seed)
        self.rng = self.m.rng
        self.corpus = load_corpus(target)

    def deep_csr(self) -> bytes:
        """A CSR whose CertificationRequestInfo was mutated and then re-signed."""
        w, rng = self.world, self.rng
        info = self.m.bytes_(rng.choice(w.csr_infos), w.csr_infos)
        if rng.random() < .7:
            info = refit(info)
        return sign_csr(info, w.key)

    def csr(self) -> bytes:
        return self.deep_csr() if self.rng.random() < .6 else \
            self.m.bytes_(self.rng.choice(self.world.csrs), self.world.csrs)

    def __call__(self) -> bytes:
        w, rng, m, t = self.world, self.rng, self.m, self.target
        if self.corpus and rng.random() < .05:
            return m.bytes_(rng.choice(self.corpus))
        if t == "body":
            der = self.csr()
            return rng.choice((der, base64.b64encode(der), wire.encode_base64(der, "wrapped"),
                               b"-----BEGIN CERTIFICATE REQUEST-----\n" + base64.encodebytes(der)
                               + b"-----END CERTIFICATE REQUEST-----\n",
                               m.bytes_(wire.encode_base64(der, "wrapped"))))
        if t == "csr":
            return self.csr()
        if t in ("cmc", "fullcmc"):
            if rng.random() < .5:
                return w.cmc_wrap(self.csr(), rng.random() < .3)
            return m.bytes_(rng.choice(w.cmcs), w.cmcs)
        if t == "scep":
            return self.scep()
        if t == "multipart":
            return m.bytes_(rng.choice(w.multiparts))
        if t == "auth":
            good = w.basic.encode()
            return m.bytes_(rng.choice((good, b"Basic " + base64.b64encode(
                b"alice:" + bytes(rng.randrange(256) for _ in range(rng.randint(0, 90)))))))
        if t == "est-http":
            return self.est_http()
        if t == "ocsp":
            return self.ocsp_http()
        if t == "crl":
            return self.crl_http()
        if t == "console":
            return self.console_http()
        if t == "forwarded":
            return self.forwarded_http()
        if t == "challenges":
            return self.challenges_http()
        return self.scep_http()

    def challenges_http(self) -> bytes:
        """The NDES page's path variants and the API's calls, with hostile JSON fields,
        ids and paths; the client's credentials mostly right."""
        w, rng, m = self.world, self.rng, self.m
        value = lambda: rng.choice(_HOSTILE + (None, 7, True, [], {}, ["DNS:a.example"]))  # noqa: E731
        method, path, body = rng.choice((
            ("GET", rng.choice(("/certsrv/mscep_admin/", "/CERTSRV/mscep_admin",
                                "/certsrv/mscep_admin/default.asp", "/certsrv/mscep_admin/x",
                                "/certsrv", "/certsrv/")), None),
            ("POST", "/api/v1/challenges", {k: value() for k in rng.sample(
                ("profile", "ttl", "subject", "sans", "device_id", "other"), rng.randint(0, 4))}),
            ("GET", "/api/v1/challenges", None),
            ("POST", rng.choice(("/api/v1/devices/revoke", "/api/v1/devices/x")), {
                k: value() for k in rng.sample(("device_id", "reason", "other"),
                                               rng.randint(0, 3))}),
            ("DELETE", f"/api/v1/challenges/{rng.choice(('1', '2') + _HOSTILE)}", None),
            ("GET", rng.choice(("/api", "/api/v1", "/api/v1/challenges/1/x")), None)))
        encoded = b"" if body is None else json.dumps(body).encode("utf-8", "surrogatepass")
        headers = {"Content-Type": "application/json"}
        if rng.random() < .9:
            headers["Authorization"] = w.mdm if rng.random() < .9 else rng.choice(
                (w.basic, "Basic " + rng.choice(_HOSTILE), rng.choice(_HOSTILE)))
        data = encode_http(self._method(method), path, headers, self._body(encoded))
        return m.bytes_(data) if rng.random() < .15 else data

    def _method(self, *usual: str) -> str:
        return self.rng.choice(usual * 40 + _ODD_METHODS)

    def _headers(self, ctype: str) -> dict[str, str]:
        """`ctype` mostly; sometimes one with a control character, or none."""
        rng = self.rng
        if rng.random() < .1:
            return {"Content-Type": ctype[:5] + rng.choice("\x0b\x0c\x1c\x85\t") + ctype[5:]}
        return {} if rng.random() < .05 else {"Content-Type": ctype}

    def _body(self, body: bytes) -> bytes:
        return body if self.rng.random() > .02 else b"x" * (64 * 1024 + 1)

    def ocsp_http(self) -> bytes:
        w, rng, m = self.world, self.rng, self.m
        der = rng.choice(w.ocsp_requests)
        if rng.random() < .7:
            der = m.bytes_(der, w.ocsp_requests)
            if rng.random() < .5:
                der = refit(der)
        if rng.random() < .4:
            encoded = base64.b64encode(der).decode()
            if rng.random() < .7:
                encoded = encoded.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
            data = encode_http(self._method("GET"), "/ocsp/" + encoded, {}, b"")
        else:
            data = encode_http(self._method("POST"), "/ocsp", self._headers(
                "application/ocsp-request"), self._body(der))
        return m.bytes_(data) if rng.random() < .1 else data

    def crl_http(self) -> bytes:
        rng, m = self.rng, self.m
        path = rng.choice(("/crl/ca.crl",) * 6 + ("/crl/ca.crl/x", "/crl", "/", "/ocsp",
                                                  "/crl/ca.crl?x=%00", "/%2e%2e/crl/ca.crl"))
        headers = self._headers(rng.choice(("text/plain", "application/pkix-crl")))
        if rng.random() < .3:
            headers[rng.choice(("Range", "If-Modified-Since", "Accept", "Cookie"))] = \
                rng.choice(_HOSTILE)
        body = self._body(bytes(rng.randrange(256) for _ in range(rng.choice((0, 0, 9)))))
        data = encode_http(self._method("GET", "HEAD"), path, headers, body)
        return m.bytes_(data) if rng.random() < .15 else data

    def console_http(self) -> bytes:
        """A console form: mutated fields, ids in odd digits and huge numbers, control
        characters; the session's cookie and CSRF token, mostly right."""
        w, rng, m = self.world, self.rng, self.m
        value = lambda: rng.choice(_HOSTILE)  # noqa: E731
        some_id = lambda: rng.choice(("1", "2", "3") + _HOSTILE)  # noqa: E731
        method, path, fields = rng.choice((
            ("POST", "login", {"user": "boss", "password": PASSWORD, "method": ""}),
            ("POST", f"pending/{some_id()}", {"action": "approve", "reason": ""}),
            ("POST", f"pending/{some_id()}", {"action": "reject", "reason": "no"}),
            ("POST", f"enrollments/{some_id()}/revoke", {"reason": "keyCompromise"}),
            ("POST", "users", {"name": "dev", "password": "pw"}),
            ("POST", "users/remove", {"name": "dev"}),
            ("POST", "codes", {"principal": "basic:alice", "hours": "24"}),
            ("POST", "renewals", {"profile": "default", "serials": "0A 1B", "hours": "0",
                                  "reason": "rollover"}),
            ("POST", f"codes/{some_id()}/revoke", {}),
            ("GET", "enrollments", {"serial": "", "since": "", "until": "", "subject": ""}),
            ("GET", "audit", {"kind": "", "text": "", "since": "2026-11-30T14:00"}),
            ("GET", f"enrollments/{some_id()}", {}), ("GET", f"enrollments/{some_id()}.pem", {}),
            ("GET", rng.choice(("", "pending", "codes", "users", "renewals", "nope",
                                "style.css")), {}),
            ("POST", "logout", {}),
        ))
        if method == "POST" and path != "login":
            fields["csrf"] = w.csrf
        for name in list(fields):
            if rng.random() < .3:
                fields[name] = value()
            elif rng.random() < .05:
                del fields[name]
        if rng.random() < .1:
            fields[value()] = value()
        form = "&".join(f"{quote(k)}={quote(v)}" for k, v in fields.items()).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if rng.random() < .9:
            headers["Cookie"] = w.console_cookie if rng.random() < .9 else \
                f"{COOKIE.decode()}={value()}"
        if rng.random() < .1:
            headers["Origin"] = rng.choice(("http://ra.test", "http://evil.test", value()))
        if method == "GET":
            target, body = f"/console/{path}?" + form.decode(), b""
        else:
            target, body = f"/console/{path}", self._body(form)
        data = encode_http(self._method(method), target, headers, body)
        return m.bytes_(data) if rng.random() < .05 else data

    def scep(self) -> bytes:
        w, rng = self.world, self.rng
        if rng.random() < .6:
            return w.scep_wrap(self.csr(), f"T{rng.randrange(50)}")
        return self.m.bytes_(rng.choice(w.sceps), w.sceps)

    def est_http(self) -> bytes:
        w, rng, m = self.world, self.rng, self.m
        label = rng.choice(("", "strict/", "code/", "manual/", "nope/"))
        op = rng.choice(("simpleenroll", "simpleenroll", "simplereenroll", "serverkeygen",
                         "fullcmc", "fullcmc", "cacerts", "csrattrs", "bogus",
                         "renewal-info", "renewal-info/" + self.cert_id()))
        der = w.cmc_wrap(self.csr()) if op == "fullcmc" and rng.random() < .7 else (
            m.bytes_(rng.choice(w.cmcs)) if op == "fullcmc" else self.csr())
        body = der if rng.random() < .2 else wire.encode_base64(der, "wrapped")
        headers = {"Authorization": w.basic, "Content-Type": "application/pkcs10"}
        data = encode_http(rng.choice(("POST", "POST", "GET")),
                           f"/.well-known/est/{label}{op}", headers, body)
        return m.bytes_(data) if rng.random() < .1 else data

    def cert_id(self) -> str:
        """A renewal-info certID: of a certificate issued here, or mangled."""
        good = renewal.cert_id(self.world.signer_cert)
        return good if self.rng.random() < .5 else \
            self.m.bytes_(good.encode()).decode("latin-1")

    def forwarded_http(self) -> bytes:
        """An EST request with the headers a balancer forwards, valid or mangled, sent
        by the balancer or by a device (the first byte)."""
        w, rng, m = self.world, self.rng, self.m
        cert = w.signer_cert.public_bytes(serialization.Encoding.DER)
        values = {"X-Estra-TLS-Protocol": rng.choice(("TLSv1.2", "TLSv1.3") * 4 + ("",)),
                  "X-Estra-Client-Cert": base64.b64encode(cert).decode(),
                  "X-Estra-Client-Chain": base64.b64encode(
                      cert + w.ca.cert.public_bytes(serialization.Encoding.DER)).decode(),
                  "X-Estra-TLS-Unique": base64.b64encode(b"u" * 12).decode(),
                  "X-Estra-TLS-Exporter-Secret": rng.choice(("ab" * 32, "cd" * 48))}
        for name in rng.sample(sorted(values), rng.randint(0, 3)):
            values[name] = rng.choice((rng.choice(_HOSTILE), base64.b64encode(
                m.bytes_(cert)).decode(), m.bytes_(values[name].encode()).decode("latin-1")))
        if rng.random() < .2:
            del values[rng.choice(sorted(values))]
        op = rng.choice(("simpleenroll", "simplereenroll", "cb/simpleenroll", "fullcmc",
                         "serverkeygen", "cacerts"))
        body = wire.encode_base64(self.csr(), "wrapped")
        data = encode_http("POST", f"/.well-known/est/{op}",
                           {"Content-Type": "application/pkcs10", **values}, body)
        return bytes([rng.randrange(2)]) + data

    def scep_http(self) -> bytes:
        rng = self.rng
        label = rng.choice(("", "/strict", "/manual", "/code"))
        message = self.scep()
        if rng.random() < .2:
            return encode_http("GET", f"/scep{label}?operation=PKIOperation&message="
                               + base64.b64encode(message).decode().replace("+", "%2B"), {}, b"")
        op = rng.choice(("PKIOperation",) * 6 + ("GetCACert", "GetCACaps", "x"))
        data = encode_http("POST", f"/scep{label}?operation={op}", {}, message)
        return self.m.bytes_(data) if rng.random() < .05 else data


_ODD_METHODS = ("PUT", "DELETE", "OPTIONS", "TRACE", "FOO", "HEAD", "PATCH", "CONNECT")
#: field values, ids and headers that upset parsers: Unicode digits, huge numbers,
#: control characters, lone surrogates (as UTF-8 would carry them), long strings
_HOSTILE = ("", "0", "-1", "\u0661\u0662\u0663", "\u00b2", "\U0001d7d9", "\u2167",
            "9" * 30, "9" * 400, "1e9", "0x10", " 1", "1\x00", "\x00", "\r\n", "\x1b[31m",
            "a\u202eb", "\udcff", "%", "%zz", "<script>", "x" * 5000, "2026-13-40T99:99",
            "-999999999-01-01T00:00", "approve", "keyCompromise", "operator:boss",
            "basic:", "code:\x7f", "\ufeff", "\u0085", "..", "a/b", "\\")


def quote(text: str) -> str:
    """Percent-encoding of `text` as UTF-8 (a lone surrogate as the bytes it would be)."""
    from urllib.parse import quote as _quote
    return _quote(text.encode("utf-8", "surrogatepass"), safe="")


def load_corpus(target: str) -> list[bytes]:
    folder = CORPUS / target
    return [p.read_bytes() for p in sorted(folder.iterdir())] if folder.is_dir() else []


def save_crash(target: str, data: bytes) -> Path:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"crash-{hashlib.sha256(data).hexdigest()[:16]}"
    path.write_bytes(data)
    return path


def run(world: World, target: str, runs: int, seed: int = 0, limit: float = 2.0,
        keep: bool = False, seconds: float | None = None,
        progress: Callable[[dict[str, Any]], None] | None = None,
        on_finding: Callable[[str, str], None] | None = None) -> dict[str, Any]:
    """Run `runs` generated inputs (or for `seconds`) through `target`; count findings.
    `progress` is called with the counts every 5,000 inputs, `on_finding` with the
    kind and detail of each finding as it happens.  A hang is an input that takes
    over `limit` seconds of CPU time, or gets no answer at all."""
    fn, gen = TARGETS[target], Generator(world, target, seed)
    counts = {"inputs": 0, "http500": 0, "traceback": 0, "hang": 0, "slowest": 0.0}
    first: dict[str, str] = {}
    started = time.monotonic()
    for _ in range(runs):
        if seconds is not None and time.monotonic() - started > seconds:
            break
        data = gen()
        t0 = time.process_time()       # CPU time: a loaded machine makes no false hangs
        try:
            fn(world, data)
            kind = None
        except Finding as f:
            kind, detail = f.kind, str(f)
        elapsed = time.process_time() - t0
        counts["slowest"] = max(counts["slowest"], elapsed)
        if kind is None and elapsed > limit:
            kind, detail = "hang", f"{elapsed:.2f} s"
        counts["inputs"] += 1
        if progress is not None and counts["inputs"] % 5000 == 0:
            progress({**counts, "seconds": round(time.monotonic() - started, 1)})
        if kind is not None:
            counts[kind] += 1
            first.setdefault(kind, detail)
            if keep:
                save_crash(target, data)
            if on_finding is not None:
                on_finding(kind, detail)
    counts["seconds"] = round(time.monotonic() - started, 1)
    counts["first"] = first
    return counts


__all__ = ["World", "TARGETS", "Finding", "run", "load_corpus", "save_crash", "Mutator"]
