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

A CA key on a token never leaves it: the record names the new key by its URI
(token and label, ``key_uri``) instead.  The nodes share the token (one HSM
seen by all, or an HSM cluster replicating its keys), where the node that rolled
over relabelled the keys; a following node checks that its own ``[ca] key``
names that key, that the key under that label is the new root's and the one
labelled ``<label>-old`` the old root's, and installs the files without
relabelling anything.  Its token work (opening the keys, certifying its TLS and
SCEP RA keys again) runs on the token's worker.
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
from twisted.internet.defer import succeed
from twisted.logger import Logger

from estra import tokens
from estra.config import Settings
from estra.ca.rollover import PublicOnly, RolloverError, install, retire_old
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
    wrapped_key: str                   # "" once retired, or with the key on a token
    retired: bool
    key_uri: str = ""                  # the new key on the (shared) token: token, label


def recorded(cursor: Any, dialect: Any) -> list[Rollover]:
    """Every recorded rollover, oldest first (run in a store transaction)."""
    cursor.execute("SELECT generation, root, links, wrapped_key, retired_at, key_uri "
                   "FROM ca_rollovers ORDER BY generation")
    return [Rollover(int(g), x509.load_pem_x509_certificate(root.encode("ascii")),
                     x509.load_pem_x509_certificates(links.encode("ascii")),
                     wrapped, retired is not None, key_uri)
            for g, root, links, wrapped, retired, key_uri in cursor.fetchall()]


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
        on_token = tokens.is_token_key(new.key)
        cursor.execute(dialect.sql(
            "INSERT INTO ca_rollovers (generation, at, root, links, wrapped_key, key_uri) "
            "VALUES (?, ?, ?, ?, ?, ?)"),
            (generation, at, _pem([new.cert]), _pem(links),
             "" if on_token else wrap_key(new, old.key),
             str(tokens.parse_uri(new.key_uri)) if on_token else ""))
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
        Problems are logged (the running CA stays), never raised.  With the CA key on a
        token, the catching up runs on the token's worker (the reactor never waits)."""
        try:
            done = await self.store.interact(recorded)
            if self._pending(done):
                uri = self.settings.ca_key_uri
                said = await (tokens.on_worker(uri, self.settings.pkcs11,
                                               lambda: self._catch_up_locked(done))
                              if uri else succeed(self._catch_up_locked(done)))
                for line in said:
                    log.info("{line}", line=line)
            return await self.ca.refresh(self.settings.ca_cert, self.settings.ca_key)
        except Exception as e:  # noqa: BLE001 - store, files or token: keep the running CA
            log.error("cannot follow the CA rollover recorded in the store: {problem}",
                      problem=str(e) or type(e).__name__)
            return False

    def _pending(self, done: list[Rollover]) -> bool:
        """True when the state directory is not yet where the store's rollovers lead."""
        if not done:
            return False
        latest, cert_path = done[-1], self.settings.ca_cert
        if not cert_path.exists() or x509.load_pem_x509_certificate(
                cert_path.getContent()) != latest.root:
            return True
        return latest.retired and cert_path.sibling(ROLLOVER_FILES[2]).exists()

    def _catch_up_locked(self, done: list[Rollover]) -> list[str]:
        with SyncLock(self.settings, wait=False) as held:
            return self.catch_up(done) if held else []

    def _on_disk(self) -> LocalCA:
        """The CA of the state directory (with the key on a token: its certificate and
        the key that certificate names, whatever its label now)."""
        if not self.settings.ca_cert.exists():
            raise FileNotFoundError(f"{self.settings.ca_cert.path} is missing")
        if not self.settings.ca_key_uri:
            return LocalCA.load_or_create(self.settings.ca_cert, self.settings.ca_key, 1,
                                          self.clock)
        cert = x509.load_pem_x509_certificate(self.settings.ca_cert.getContent())
        return LocalCA(PublicOnly(cert.public_key()), cert,  # type: ignore[arg-type]
                       self.clock, self.settings.ca_key_uri, self.settings.pkcs11)

    def _token_ca(self, step: Rollover, on_disk: LocalCA) -> LocalCA:
        """The new CA of `step`, its key on the token this node shares with the node that
        rolled over: named as this node names it, checked against both roots."""
        uri, subject = self.settings.ca_key_uri, step.root.subject.rfc4514_string()
        if not uri or not step.key_uri:
            raise ValueError(f"the rollover to {subject} "
                             + ("keeps its CA key on a token, this node's [ca] key is a "
                                "file" if step.key_uri else "relabelled the CA key on its "
                                "token; copy ca.pem and the ca-*.pem files from the node "
                                "that made it"))
        if str(tokens.parse_uri(uri)) != step.key_uri:
            raise ValueError(f"the rollover to {subject} made the CA key {step.key_uri}; "
                             f"this node's [ca] key names {tokens.parse_uri(uri)}: both "
                             "must name the one key on the shared token")
        label = tokens.parse_uri(uri).object
        new_key = tokens.open_key(uri, self.settings.pkcs11)
        try:
            old_key = tokens.open_key(tokens.labelled(uri, label + tokens.OLD_LABEL),
                                      self.settings.pkcs11)
        except LookupError:
            old_key = None
        if new_key.public_key() != step.root.public_key() or old_key is None or \
                old_key.public_key() != on_disk.cert.public_key():
            raise ValueError(f"the rollover to {subject}: the keys labelled {label} and "
                             f"{label}{tokens.OLD_LABEL} on this node's token are not yet "
                             "the new and old roots' (the node that rolled over relabels "
                             "them last; is the token shared with it?); trying again later")
        return LocalCA(new_key, step.root, self.clock, uri, self.settings.pkcs11)

    def catch_up(self, done: list[Rollover]) -> list[str]:
        """Apply each recorded rollover from the CA on disk on, then a recorded retirement;
        what was done, one line each (to log)."""
        if not done:
            return []
        said = []
        on_disk = self._on_disk()
        for step in done:
            if step.links[2] != on_disk.cert or step.root == on_disk.cert:
                continue
            if step.wrapped_key:
                new = LocalCA(unwrap_key(step.wrapped_key, step.root, on_disk.key), step.root,
                              self.clock)
            elif step.key_uri or self.settings.ca_key_uri:
                new = self._token_ca(step, on_disk)
            else:
                raise ValueError(f"the rollover to {step.root.subject.rfc4514_string()} "
                                 "is retired and its key erased; copy ca.pem and ca.key "
                                 "from a node that has it")
            install(self.settings, on_disk, new, step.links, relabel=False)
            said.append(f"picked up the CA rollover to {step.root.subject.rfc4514_string()} "
                        "from the store")
            on_disk = new
        latest = done[-1]
        if on_disk.cert != latest.root:
            raise ValueError(f"this node's CA {on_disk.cert.subject.rfc4514_string()} is "
                             f"not on the store's rollover path to "
                             f"{latest.root.subject.rfc4514_string()}")
        if latest.retired and self.settings.ca_cert.sibling(ROLLOVER_FILES[2]).exists():
            retire_old(self.settings, relabel=False)
            said.append("retired the old CA as recorded in the store")
        return said
