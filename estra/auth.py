"""Who is asking: client certificates and HTTP Basic (htpasswd, bcrypt) -> Identity."""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import os
import secrets
from typing import Callable, Sequence

import bcrypt
from attrs import frozen
from cryptography import x509
from cryptography.x509.oid import NameOID
from twisted.internet.interfaces import IReactorFromThreads
from twisted.internet.threads import deferToThreadPool
from twisted.logger import Logger
from twisted.python.filepath import FilePath
from twisted.python.threadpool import ThreadPool

from estra.config import Profile
from estra.errors import Unauthorized
from estra.tls import ChannelBinding, TrustStore

__all__ = ["Identity", "Peer", "Htpasswd", "Authenticator", "hash_password"]

log = Logger()
BOOTSTRAP, ISSUED, BASIC = "bootstrap-certificate", "issued-certificate", "basic"
CMC_RA = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.28")


@frozen
class Peer:
    """What the transport and headers say about one request's client."""

    address: str
    chain: tuple[x509.Certificate, ...]
    binding: ChannelBinding | None
    authorization: bytes | None


@frozen
class Identity:
    """An authenticated requester."""

    name: str
    method: str                              # BOOTSTRAP, ISSUED or BASIC
    peer: Peer
    certificate: x509.Certificate | None = None
    expired_for: datetime.timedelta | None = None   # only set within grace

    @property
    def is_ra(self) -> bool:
        """A trusted certificate with id-kp-cmcRA: an RA forwarding for its devices."""
        if self.certificate is None or self.method == BASIC:
            return False
        try:
            ekus = self.certificate.extensions.get_extension_for_class(
                x509.ExtendedKeyUsage).value
        except (x509.ExtensionNotFound, ValueError):
            return False
        return CMC_RA in ekus


def hash_password(password: str, rounds: int = 10) -> str:
    """An Apache-compatible bcrypt ($2y$) htpasswd hash."""
    hashed = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode()
    return "$2y$" + hashed[4:]


def _cert_name(cert: x509.Certificate) -> str:
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(cns[0].value) if cns else cert.subject.rfc4514_string()


class Htpasswd:
    """An htpasswd file of bcrypt hashes, re-read when it changes.

    bcrypt runs on a thread pool so the reactor keeps serving; a successful
    check is remembered for `cache_seconds` under an HMAC of the credentials
    (keyed with a per-process secret) so repeat enrollments skip bcrypt.
    """

    def __init__(self, path: FilePath, pool: ThreadPool, reactor: IReactorFromThreads,
                 clock: Callable[[], float], cache_seconds: float = 300) -> None:
        self.path, self._pool, self._reactor, self._clock = path, pool, reactor, clock
        self._cache_seconds = cache_seconds
        self._stamp: tuple[float, int] | None = None
        self._hashes: dict[str, bytes] = {}
        self._key = secrets.token_bytes(32)
        self._good: dict[bytes, float] = {}

    def _entries(self) -> dict[str, bytes]:
        try:
            st = os.stat(self.path.path)
        except FileNotFoundError:
            self._hashes, self._stamp = {}, None
            return self._hashes
        stamp = (st.st_mtime, st.st_size)
        if stamp != self._stamp:
            hashes: dict[str, bytes] = {}
            for number, line in enumerate(self.path.getContent().decode("utf-8", "replace")
                                          .splitlines(), 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                user, sep, hashed = line.partition(":")
                if not sep or not hashed.startswith(("$2y$", "$2b$", "$2a$")):
                    log.warn("{path}:{line}: not a bcrypt htpasswd entry, ignored",
                             path=self.path.path, line=number)
                    continue
                hashes[user] = hashed.encode()
            self._hashes, self._stamp, self._good = hashes, stamp, {}
        return self._hashes

    async def check(self, user: str, password: str) -> bool:
        """True if `user` exists and `password` matches (constant-time compare)."""
        hashed = self._entries().get(user)
        token = hmac.new(self._key, f"{user}\0{password}".encode(), hashlib.sha256).digest()
        now = self._clock()
        if hashed is not None and self._good.get(token, 0) > now:
            return True
        # An unknown user still costs one bcrypt, so timing does not reveal users.
        target = hashed or b"$2b$10$" + b"." * 53
        ok: bool = await deferToThreadPool(self._reactor, self._pool, _checkpw,
                                           password.encode("utf-8"), target)
        if ok and hashed is not None:
            if len(self._good) > 10000:
                self._good.clear()
            self._good[token] = now + self._cache_seconds
            return True
        return False


def _checkpw(password: bytes, hashed: bytes) -> bool:
    """bcrypt.checkpw, False for what bcrypt refuses (a password over 72 bytes
    under bcrypt 5, a corrupt hash) instead of an exception."""
    try:
        return bool(bcrypt.checkpw(password, hashed))
    except ValueError:
        return False


def _basic(header: bytes) -> tuple[str, str] | None:
    scheme, _, value = header.strip().partition(b" ")
    if scheme.lower() != b"basic":
        return None
    try:
        user, sep, password = base64.b64decode(value.strip(), validate=True) \
            .decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


class Authenticator:
    """Client certificate first (issued by our CA, then bootstrap store), then Basic."""

    def __init__(self, issued: TrustStore, bootstrap: TrustStore, htpasswd: Htpasswd,
                 realm: str, clock: Callable[[], float]) -> None:
        self.issued, self.bootstrap, self.htpasswd = issued, bootstrap, htpasswd
        self.realm, self._clock = realm, clock

    async def authenticate(self, peer: Peer, profile: Profile) -> Identity:
        """The requester's identity, or `Unauthorized` (401 + Basic challenge)."""
        problems: list[str] = []
        if peer.chain:
            identity = self._by_certificate(peer, profile, problems)
            if identity is not None:
                return identity
        if peer.authorization is not None and profile.allow_basic:
            creds = _basic(peer.authorization)
            if creds is None:
                problems.append("malformed Basic credentials")
            elif await self.htpasswd.check(*creds):
                return Identity(creds[0], BASIC, peer)
            else:
                problems.append("wrong user name or password")
        if not problems:
            problems.append("authentication required")
        raise Unauthorized("; ".join(problems), self.realm)

    def _by_certificate(self, peer: Peer, profile: Profile,
                        problems: list[str]) -> Identity | None:
        leaf, rest = peer.chain[0], peer.chain[1:]
        now = datetime.datetime.fromtimestamp(self._clock(), datetime.timezone.utc)
        ours = self.issued.verify(leaf, rest, now)
        if ours.ok:
            return Identity(_cert_name(leaf), ISSUED, peer, leaf)
        if ours.expired_since is not None:
            if ours.expired_since.total_seconds() <= profile.reenroll_grace:
                return Identity(_cert_name(leaf), ISSUED, peer, leaf, ours.expired_since)
            problems.append("client certificate expired beyond the re-enrollment grace")
            return None
        theirs = self.bootstrap.verify(leaf, rest, now)
        if theirs.ok:
            return Identity(_cert_name(leaf), BOOTSTRAP, peer, leaf)
        problems.append(f"client certificate {ours.reason}; {theirs.reason}")
        return None


def trust_stores(ca_chain: Sequence[x509.Certificate],
                 bootstrap: Sequence[x509.Certificate]) -> tuple[TrustStore, TrustStore]:
    """The two stores: our CA's chain (re-enrollment) and bootstrap anchors."""
    return TrustStore("issuing CA", ca_chain), TrustStore("bootstrap", bootstrap)
