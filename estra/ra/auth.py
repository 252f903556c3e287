"""Who is asking: an `Identity` that says how it was proven, not just a name.

An identity is proven in one of these ways, its *kind*:

=============  ==========================================  ==========================
kind           proven by                                   realm (namespace)
=============  ==========================================  ==========================
basic          HTTP Basic against the htpasswd file        (none: one user database)
issued         a certificate this RA's CA chain issued     the profile it was issued
                                                           under (`UNRECORDED` if the
                                                           store has no record of it),
                                                           then "@kind/realm" of whoever
                                                           first enrolled, if realmed
                                                           (`issued_realm`)
bootstrap      a certificate chaining to tls.client_trust  the anchor's fingerprint
ra             a certificate chaining to tls.ra_trust      the anchor's fingerprint
               that carries id-kp-cmcRA
code           a SCEP one-time code issued for a name      (none)
scep-static,   a SCEP profile's shared password, webhook   the profile
scep-webhook,  verdict, or nothing
scep-none
scep-challenge a one-time challenge a challenge client      the profile
               (MDM) fetched for this profile; the name
               is the client's
scep-intune    Intune's validation of the request          the profile
               (estra/upstream/intune.py)
=============  ==========================================  ==========================

`Identity.principal` ("kind:realm:name") is what codes, rate limits, held
requests and records key on, so names of different kinds or realms never
compare equal.  Each profile says which kinds it accepts (`accept`) and which
profiles' certificates (`accept_issued_from`, itself by default).  Device
bytes (a CSR subject, a SCEP transactionID) are claims, never identities.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import os
import secrets
from typing import Awaitable, Callable

import bcrypt
from attrs import frozen
from cryptography import x509
from twisted.internet.interfaces import IReactorFromThreads
from twisted.internet.threads import deferToThreadPool
from twisted.python.filepath import FilePath
from twisted.python.threadpool import ThreadPool

from estra.config import EKUS, Profile, ThrottleSettings
from estra.ra.crls import RevocationLists
from estra.logging import SafeLogger
from estra.principals import (BASIC, BOOTSTRAP, ISSUED, RA, UNRECORDED, anchor_id, cert_name,
                              issued_realm, parse_principal, principal_of)
from estra.errors import Forbidden, StoreUnavailable, Unauthorized
from estra.store.database import Standing
from estra.ra.throttle import LoginThrottle
from estra.web.tls import ChannelBinding, TrustStore, Verified

__all__ = ["Identity", "Peer", "Htpasswd", "Authenticator", "hash_password", "basic_credentials"]

log = SafeLogger(namespace="estra.auth")
CMC_RA = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.28")
ANY_EKU = x509.ObjectIdentifier("2.5.29.37.0")


@frozen
class Peer:
    """What the transport and headers say about one request's client."""

    address: str
    chain: tuple[x509.Certificate, ...]
    binding: ChannelBinding | None
    authorization: bytes | None
    tls: bool = True            # `chain` is the TLS client's (not a SCEP message signer's)


@frozen
class Identity:
    """An authenticated requester: how it was proven (`kind`, `realm`) and its name."""

    kind: str
    name: str
    realm: str
    peer: Peer
    certificate: x509.Certificate | None = None
    expired_for: datetime.timedelta | None = None   # only set within grace

    @property
    def principal(self) -> str:
        """"kind:realm:name" ("kind:name" for kinds without a realm): the whole identity."""
        return principal_of(self.kind, self.realm, self.name)

    @property
    def is_ra(self) -> bool:
        """An RA forwarding for its devices (only ever from tls.ra_trust)."""
        return self.kind == RA

    @classmethod
    def from_principal(cls, principal: str, peer: Peer) -> "Identity":
        """The identity a stored principal names (no certificate)."""
        kind, realm, name = parse_principal(principal)
        return cls(kind, name, realm, peer)


def hash_password(password: str, rounds: int = 10) -> str:
    """An Apache-compatible bcrypt ($2y$) htpasswd hash."""
    hashed = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode()
    return "$2y$" + hashed[4:]


class Htpasswd:
    """An htpasswd file of bcrypt hashes, re-read when it changes.

    Every check stats the file; a change of inode, mtime (ns) or size is a
    new file, so a password set or a user removed by `estra user` or the
    console (both replace the file atomically, a new inode each time) counts
    from the next request on, even within one mtime tick.

    bcrypt runs on a thread pool so the reactor keeps serving; a successful
    check is remembered for `cache_seconds` under an HMAC of the credentials
    (keyed with a per-process secret) so repeat enrollments skip bcrypt.
    """

    def __init__(self, path: FilePath, pool: ThreadPool, reactor: IReactorFromThreads,
                 clock: Callable[[], float], cache_seconds: float = 300) -> None:
        self.path, self._pool, self._reactor, self._clock = path, pool, reactor, clock
        self._cache_seconds = cache_seconds
        self._stamp: tuple[int, int, int] | None = None
        self._hashes: dict[str, bytes] = {}
        self._key = secrets.token_bytes(32)
        self._good: dict[bytes, float] = {}

    def _entries(self) -> dict[str, bytes]:
        try:
            st = os.stat(self.path.path)
        except FileNotFoundError:
            self._hashes, self._stamp = {}, None
            return self._hashes
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        if stamp != self._stamp:
            try:
                content = self.path.getContent()
            except OSError as e:     # e.g. replaced by root with mode 0600: 503, never 500
                log.error("cannot read {path}: {reason}", path=self.path.path,
                          reason=e.strerror)
                raise StoreUnavailable("the RA cannot read its user database; retry "
                                       "later") from None
            hashes: dict[str, bytes] = {}
            for number, line in enumerate(content.decode("utf-8", "replace")
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

    def _token(self, user: str, password: str) -> bytes:
        return hmac.new(self._key, f"{user}\0{password}".encode(), hashlib.sha256).digest()

    def cached(self, user: str, password: str) -> bool:
        """True if these credentials checked out within `cache_seconds` (no bcrypt)."""
        return (self._entries().get(user) is not None
                and self._good.get(self._token(user, password), 0) > self._clock())

    def credential(self, user: str) -> str | None:
        """A digest of `user`'s current password hash (None: no such user): it changes
        when the password does, so a console session can be bound to it."""
        hashed = self._entries().get(user)
        return None if hashed is None else hashlib.sha256(hashed).hexdigest()

    async def check(self, user: str, password: str) -> bool:
        """True if `user` exists and `password` matches (constant-time compare)."""
        hashed = self._entries().get(user)
        token = self._token(user, password)
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


def basic_credentials(header: bytes) -> tuple[str, str] | None:
    """(user, password) of a Basic Authorization header; None if it is not one."""
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
    """Client certificate first (RA trust, our CA chain, bootstrap store), then Basic.

    A certificate that verifies but whose kind (or issuing profile) the
    profile does not accept is not a credential here: the request falls
    through to Basic and, failing that, gets 401 with the reason.
    """

    def __init__(self, issued: TrustStore, bootstrap: TrustStore, htpasswd: Htpasswd,
                 realm: str, clock: Callable[[], float],
                 standing: Callable[[x509.Certificate], Awaitable[Standing]],
                 ra: TrustStore | None = None, throttle: LoginThrottle | None = None,
                 crls: RevocationLists | None = None) -> None:
        self.issued, self.bootstrap, self.htpasswd = issued, bootstrap, htpasswd
        self.ra = ra or TrustStore("RA", [])
        self.realm, self._clock, self._standing = realm, clock, standing
        self.throttle = throttle or LoginThrottle(ThrottleSettings(), clock)
        self.crls = crls or RevocationLists((), clock)

    async def authenticate(self, peer: Peer, profile: Profile) -> Identity:
        """The requester's identity under `profile`, or `Unauthorized` (401)."""
        problems: list[str] = []
        attempted: str | None = None            # a Basic user name that did not log in
        revoked: list[str] = []         # why a presented certificate is revoked
        if peer.chain:
            identity = await self._by_certificate(peer, profile, problems, revoked)
            if identity is not None:
                return identity
        if peer.authorization is not None:
            creds = basic_credentials(peer.authorization)
            attempted = creds[0] if creds is not None else None
            if BASIC not in profile.accept:
                problems.append(f"HTTP Basic is not accepted by profile {profile.name!r}")
            elif creds is None:
                problems.append("malformed Basic credentials")
            elif await self.throttle.check(peer.address, *creds, self.htpasswd):
                return Identity(BASIC, creds[0], "", peer)
            else:
                problems.append("wrong user name or password")
        if revoked:            # a revoked certificate is refused as such, whatever else failed
            raise Forbidden.because("revoked", revoked[0])
        if not problems:
            problems.append("authentication required")
        raise Unauthorized("; ".join(problems), self.realm, attempted)

    async def _by_certificate(self, peer: Peer, profile: Profile, problems: list[str],
                              revoked: list[str]) -> Identity | None:
        """The identity a client certificate proves, or None + why not (in `revoked`
        when the certificate is revoked, else in `problems`).

        Every certificate credential (TLS client, SCEP renewal signer; every
        operation, face, node and worker) passes here: a certificate revoked
        through this RA (the store) or on a CRL of `[tls] crls` proves nothing."""
        now = datetime.datetime.fromtimestamp(self._clock(), datetime.timezone.utc)
        try:
            proven = self._verify(peer, profile, problems, now)
        except Exception as e:  # noqa: BLE001 - a client certificate is device bytes
            problems.append(f"client certificate unreadable ({type(e).__name__})")
            return None
        if proven is None:
            return None
        kind, verified = proven
        leaf = peer.chain[0]
        unusable = self.crls.problem(verified.chain, now)
        if unusable is not None:
            (revoked if unusable.revoked else problems).append(unusable.reason)
            return None
        realm = _realm(verified)
        if kind == ISSUED:
            standing = await self._standing(leaf)
            if standing.revoked is not None:
                revoked.append(f"the client certificate (serial {leaf.serial_number:X}) "
                               f"was revoked ({standing.revoked})")
                return None
            realm = UNRECORDED if standing.profile is None else issued_realm(
                standing.profile, standing.enrolled_by or "")
        if peer.tls and kind != RA and not _usable_for_tls_client(leaf, profile):
            problems.append(f"the client certificate's extended key usage has none of "
                            f"{', '.join(profile.client_eku)} (profile {profile.name!r} "
                            "client_eku)")
            return None
        return _accepted(Identity(kind, cert_name(leaf), realm, peer, leaf,
                                  verified.expired_since), profile, problems)

    def _verify(self, peer: Peer, profile: Profile, problems: list[str],
                now: datetime.datetime) -> tuple[str, Verified] | None:
        """(kind, verification) of the client chain, or None + why."""
        leaf, rest = peer.chain[0], peer.chain[1:]
        if self.ra.anchors and _has_cmc_ra(leaf):
            as_ra = self.ra.verify(leaf, rest, now)
            if as_ra.ok:
                return RA, as_ra
        ours = self.issued.verify(leaf, rest, now)
        if ours.ok or ours.expired_since is not None:
            if ours.expired_since is not None and \
                    ours.expired_since.total_seconds() > profile.reenroll_grace:
                problems.append("client certificate expired beyond the re-enrollment grace")
                return None
            return ISSUED, ours
        theirs = self.bootstrap.verify(leaf, rest, now)
        if theirs.ok:
            return BOOTSTRAP, theirs
        problems.append(f"client certificate {ours.reason}; {theirs.reason}")
        return None


def _usable_for_tls_client(cert: x509.Certificate, profile: Profile) -> bool:
    """Whether `cert` may authenticate a TLS client here: no EKU extension (any use,
    RFC 5280 4.2.1.12), anyExtendedKeyUsage, or one of the profile's `client_eku`."""
    if not profile.client_eku:
        return True
    try:
        ekus = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return True
    except ValueError:                  # unreadable extensions: no credential
        return False
    wanted = {x509.ObjectIdentifier(EKUS.get(u, u)) for u in profile.client_eku}
    return ANY_EKU in ekus or not wanted.isdisjoint(ekus)


def _realm(verified: Verified) -> str:
    return anchor_id(verified.anchor) if verified.anchor is not None else "?"


def _has_cmc_ra(cert: x509.Certificate) -> bool:
    try:
        ekus = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except (x509.ExtensionNotFound, ValueError):
        return False
    return CMC_RA in ekus


def _accepted(identity: Identity, profile: Profile, problems: list[str]) -> Identity | None:
    """`identity` if `profile` accepts its kind (and issuing profile), else None + why."""
    if identity.kind not in profile.accept:
        problems.append(f"{identity.kind} certificates are not accepted by profile "
                        f"{profile.name!r}")
        return None
    if identity.kind == ISSUED and not profile.accepts_issued_from(identity.realm):
        origin = ("an unrecorded certificate of the CA" if identity.realm == UNRECORDED
                  else f"a certificate issued under profile {identity.realm!r}")
        problems.append(f"{origin} does not authenticate for profile {profile.name!r} "
                        "(accept_issued_from)")
        return None
    return identity
