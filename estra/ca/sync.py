"""The embedded CA on several nodes: rollovers recorded in the store, followed by each node.

`estra ca rollover` records the new root, its links and the new CA key in
the store (table ``ca_rollovers``); every node sharing the store finds the
record, writes the new CA set into its own state directory (as the command
did on its node, estra/ca/rollover.py `install`) and serves it without a
restart.  `estra ca retire-old` marks the record retired and each node
retires its old root too.

The new key is stored encrypted (AES-256-GCM) under a key derived from the
previous CA key, which every node already holds in its state directory: the
store alone, e.g. a database reachable from the DMZ, yields no CA key.  That
adds no trust the rollover does not already place in the old key (it signs
NewWithOld), and retire-old erases the encrypted key, so the old key stops
mattering once it is retired.
"""

from __future__ import annotations

import base64
import fcntl
import os
import time
from typing import Any, Callable

from attrs import frozen
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from twisted.logger import Logger

from estra import tokens
from estra.config import Settings
from estra.ca.rollover import RolloverError, install, retire_old
from estra.store.database import POSTGRES, Store
from estra.ca.local import ROLLOVER_FILES, LocalCA, pem_key

__all__ = ["Rollover", "recorded", "record", "record_retired", "wrap_key", "unwrap_key",
           "CaFollower", "SyncLock"]

log = Logger(namespace="estra.casync")
_PEM = serialization.Encoding.PEM
_WRAP_INFO = b"estra ca_rollovers: the new CA key under the previous one"


def _wrapping(old_key: Any) -> AESGCM:
    secret = old_key.private_bytes(serialization.Encoding.DER,
                                   serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())
    return AESGCM(HKDF(hashes.SHA256(), 32, None, _WRAP_INFO).derive(secret))


def wrap_key(new: LocalCA, old_key: Any) -> str:
    """`new`'s key encrypted under `old_key`, bound to `new`'s certificate; base64."""
    nonce = os.urandom(12)
    sealed = _wrapping(old_key).encrypt(nonce, pem_key(new.key),
                                        new.cert.public_bytes(serialization.Encoding.DER))
    return base64.b64encode(nonce + sealed).decode("ascii")


def unwrap_key(wrapped: str, root: x509.Certificate, old_key: Any) -> Any:
    """The CA key of `root`; raises ValueError unless `old_key` sealed it for `root`."""
    try:
        raw = base64.b64decode(wrapped)
        pem = _wrapping(old_key).decrypt(raw[:12], raw[12:],
                                         root.public_bytes(serialization.Encoding.DER))
    except Exception as e:  # InvalidTag, bad base64: one reason
        raise ValueError("the stored CA key does not open with this node's CA key") from e
    key = serialization.load_pem_private_key(pem, None)
    if key.public_key() != root.public_key():
        raise ValueError("the stored CA key does not match its certificate")
    return key


@frozen
class Rollover:
    """One recorded rollover."""

    generation: int
    root: x509.Certificate
    links: list[x509.Certificate]      # NewWithOld, OldWithNew, the old root
    wrapped_key: str                   # "" once retired
    retired: bool


def recorded(cursor: Any, dialect: Any) -> list[Rollover]:
    """Every recorded rollover, oldest first (run in a store transaction)."""
    cursor.execute("SELECT generation, root, links, wrapped_key, retired_at "
                   "FROM ca_rollovers ORDER BY generation")
    return [Rollover(int(g), x509.load_pem_x509_certificate(root.encode("ascii")),
                     x509.load_pem_x509_certificates(links.encode("ascii")),
                     wrapped, retired is not None)
            for g, root, links, wrapped, retired in cursor.fetchall()]


def _pem(certs: list[x509.Certificate]) -> str:
    return b"".join(c.public_bytes(_PEM) for c in certs).decode("ascii")


def record(old: LocalCA, new: LocalCA, links: list[x509.Certificate],
           at: float) -> Callable[[Any, Any], int]:
    """A store transaction recording a rollover from `old` to `new`; refused when the
    store's current CA is not `old` (this node missed a rollover, or another node
    rolled over at the same time)."""
    def run(cursor: Any, dialect: Any) -> int:
        if dialect is POSTGRES:
            cursor.execute("SELECT pg_advisory_xact_lock(7031)")
        done = recorded(cursor, dialect)
        if done and done[-1].root != old.cert:
            raise RolloverError(
                f"the store's current CA is {done[-1].root.subject.rfc4514_string()}, not "
                f"this node's {old.cert.subject.rfc4514_string()}; let this node pick it "
                "up first (SIGHUP a running estra here)")
        generation = done[-1].generation + 1 if done else 1
        cursor.execute(dialect.sql(
            "INSERT INTO ca_rollovers (generation, at, root, links, wrapped_key) "
            "VALUES (?, ?, ?, ?, ?)"),
            (generation, at, _pem([new.cert]), _pem(links),
             "" if tokens.is_token_key(new.key) else wrap_key(new, old.key)))
        return generation
    return run


def record_retired(root: x509.Certificate, at: float) -> Callable[[Any, Any], bool]:
    """A store transaction marking the rollover to `root` retired, its key erased."""
    def run(cursor: Any, dialect: Any) -> bool:
        done = recorded(cursor, dialect)
        if not done or done[-1].root != root:
            return False
        cursor.execute(dialect.sql("UPDATE ca_rollovers SET retired_at = ?, wrapped_key = '' "
                                   "WHERE generation = ?"), (at, done[-1].generation))
        return True
    return run


class SyncLock:
    """An flock on `ca-sync.lock` in the state directory: one writer of the CA files."""

    def __init__(self, settings: Settings, wait: bool = True) -> None:
        self.path, self.wait = settings.ca_cert.sibling("ca-sync.lock").path, wait
        self._fd = -1

    def __enter__(self) -> bool:
        """True when held (always, when waiting)."""
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        return True

    def __exit__(self, *exc: Any) -> None:
        os.close(self._fd)


class CaFollower:
    """Brings this node's state directory, then its running CA, to the store's rollovers."""

    def __init__(self, settings: Settings, store: Store, ca: LocalCA,
                 clock: Callable[[], float] = time.time) -> None:
        self.settings, self.store, self.ca, self.clock = settings, store, ca, clock

    async def follow(self) -> bool:
        """Pick up what the store recorded; True when the running CA changed.
        Problems are logged (the running CA stays), never raised."""
        try:
            done = await self.store.interact(recorded)
            with SyncLock(self.settings, wait=False) as held:
                if held:
                    self.catch_up(done)
            return self.ca.reload(self.settings.ca_cert, self.settings.ca_key)
        except Exception as e:  # noqa: BLE001 - store or files: keep the running CA
            log.error("cannot follow the CA rollover recorded in the store: {problem}",
                      problem=str(e) or type(e).__name__)
            return False

    def catch_up(self, done: list[Rollover]) -> None:
        """Apply each recorded rollover from the CA on disk on, then a recorded retirement."""
        if not done:
            return
        if not self.settings.ca_cert.exists():
            raise FileNotFoundError(f"{self.settings.ca_cert.path} is missing")
        on_disk = LocalCA.load_or_create(self.settings.ca_cert, self.settings.ca_key, 1,
                                         self.clock)
        for step in done:
            if step.links[2] != on_disk.cert or step.root == on_disk.cert:
                continue
            if not step.wrapped_key and self.settings.ca_key_uri:
                raise ValueError(f"the rollover to {step.root.subject.rfc4514_string()} "
                                 "relabelled the CA key on its token; copy ca.pem and the "
                                 "ca-*.pem files from the node that made it")
            if not step.wrapped_key:
                raise ValueError(f"the rollover to {step.root.subject.rfc4514_string()} "
                                 "is retired and its key erased; copy ca.pem and ca.key "
                                 "from a node that has it")
            new = LocalCA(unwrap_key(step.wrapped_key, step.root, on_disk.key), step.root,
                          self.clock)
            install(self.settings, on_disk, new, step.links)
            log.info("picked up the CA rollover to {subject} from the store",
                     subject=step.root.subject.rfc4514_string())
            on_disk = new
        latest = done[-1]
        if on_disk.cert != latest.root:
            raise ValueError(f"this node's CA {on_disk.cert.subject.rfc4514_string()} is "
                             f"not on the store's rollover path to "
                             f"{latest.root.subject.rfc4514_string()}")
        if latest.retired and self.settings.ca_cert.sibling(ROLLOVER_FILES[2]).exists():
            retire_old(self.settings)
            log.info("retired the old CA as recorded in the store")
