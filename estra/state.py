"""The state directory: embedded CA, RA TLS certificate and htpasswd, made on first start.

Layout (README.rst documents it too)::

    ca.pem      the embedded CA certificate: what devices should trust
    ca.key      its private key (0600); never overwritten once made
    server.pem  the RA's TLS certificate (issued by ca.pem) then ca.pem
    server.key  its private key (0600)
    htpasswd    HTTP Basic users, bcrypt ($2y$), Apache `htpasswd -B` compatible
    lock        held (flock) by the running server with a SQLite store; its PID

A missing state directory is made complete in a temporary sibling and renamed
into place, so a failed first start never leaves a half-made CA behind.
"""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
import shutil
import sys
import time
from typing import Callable, TextIO

from attrs import evolve, frozen
from cryptography.hazmat.primitives import serialization
from twisted.logger import Logger
from twisted.python.filepath import FilePath

from estra.auth import hash_password
from estra.config import Settings
from estra.upstream.local import LocalCA, _pem_key, write_private, write_public

__all__ = ["prepare_state", "open_state", "init_state", "Prepared", "StateError", "StateLock",
           "init_command", "set_user", "check_user", "new_password", "user_names", "remove_user", "set_line",
           "BOOTSTRAP_USER"]

BOOTSTRAP_USER = "estra"
log = Logger()


@frozen
class Prepared:
    """What `prepare_state` found or made."""

    ca: LocalCA
    bootstrap_password: str | None     # set only when the htpasswd file was just made
    created: bool = False              # the whole state directory was made just now


class StateError(Exception):
    """The state directory cannot be used; the message is the one line to show."""


def _init_hint(settings: Settings) -> str:
    command = "estra init"
    if settings.config_file is not None:
        command += f" -c {settings.config_file.path}"
    if settings.state_from_cli:
        command += f" --state-dir {settings.state_dir.path}"
    return command


def open_state(settings: Settings, clock: Callable[[], float] = time.time) -> Prepared:
    """The state for `twistd estra`: made on first start only without a config file.

    With a config file a missing state directory is an error naming
    `estra init`: a path resolved somewhere unexpected must not silently
    become a new CA and bootstrap password.
    """
    if not settings.state_dir.exists() and settings.config_file is not None:
        where = settings.where("server.state_dir")
        raise StateError(f"{where}: {settings.state_dir.path} does not exist; create it "
                         f"with `{_init_hint(settings)}`")
    return _make_or_complete(settings, clock)


def init_state(settings: Settings, clock: Callable[[], float] = time.time) -> Prepared:
    """`estra init`: make the state directory (or complete an empty one)."""
    if settings.ca_cert.exists():
        raise StateError(f"{settings.state_dir.path} already holds a CA ({settings.ca_cert.path}); "
                         "nothing changed")
    return _make_or_complete(settings, clock)


def _make_or_complete(settings: Settings, clock: Callable[[], float]) -> Prepared:
    state = settings.state_dir
    if state.exists():
        return prepare_state(settings, clock)
    parent = state.parent()
    if not parent.exists():
        parent.makedirs()
    staging = parent.child(f".{state.basename()}.init-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging.path)

    def moved(path: FilePath) -> FilePath:
        return (staging.preauthChild("/".join(path.segmentsFrom(state)))
                if path.path.startswith(state.path + os.sep) else path)
    try:
        prepared = prepare_state(evolve(
            settings, state_dir=staging, tls_cert=moved(settings.tls_cert),
            tls_key=moved(settings.tls_key), htpasswd=moved(settings.htpasswd)), clock)
        os.rename(staging.path, state.path)
    except OSError as e:
        shutil.rmtree(staging.path, ignore_errors=True)
        if e.errno not in (errno.EEXIST, errno.ENOTEMPTY) or not state.exists():
            raise
        return prepare_state(settings, clock)      # another process made it first
    except BaseException:
        shutil.rmtree(staging.path, ignore_errors=True)
        raise
    log.info("made the state directory {path}", path=state.path)
    ca = LocalCA.load_or_create(settings.ca_cert, settings.ca_key,
                                settings.ca_validity_days, clock)
    return Prepared(ca, prepared.bootstrap_password, created=True)


def init_command(settings: Settings, out: TextIO) -> int:
    """`estra init`: make the state, show the bootstrap password once; 0, or 2 and why."""
    try:
        prepared = init_state(settings)
    except (StateError, OSError, ValueError) as e:
        print(f"estra: {e}", file=sys.stderr)
        return 2
    out.write(f"estra: state directory {settings.state_dir.path} is ready; devices should "
              f"trust {settings.ca_cert.path}\n")
    if prepared.bootstrap_password is not None:
        announce_password(out, settings, prepared.bootstrap_password)
    return 0


class StateLock:
    """An exclusive flock on `state_dir/lock`, which holds the owner's PID."""

    def __init__(self, state_dir: FilePath) -> None:
        self.path = state_dir.child("lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock (once; again is a no-op) or raise StateError naming its holder."""
        if self._fd is not None:
            return
        try:
            fd = os.open(self.path.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as e:
            raise StateError(f"cannot open the lock {self.path.path}: {e.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise StateError(f"{self.path.parent().path} is in use by another estra "
                             f"(PID {holder}, lock {self.path.path}); stop it first or "
                             "use another state directory") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)          # closing drops the flock; the file stays
            self._fd = None


def announce_password(out: TextIO, settings: Settings, password: str) -> None:
    """Show the bootstrap password, once, on `out` (a terminal, not the log)."""
    out.write(f"estra: created {settings.htpasswd.path} with user {BOOTSTRAP_USER!r}, "
              f"password: {password}\n"
              "estra: this password is shown only now; change it with "
              "`estra user add estra`\n")
    out.flush()


def prepare_state(settings: Settings, clock: Callable[[], float] = time.time) -> Prepared:
    """Create whatever of the state directory is missing; keep what exists."""
    state = settings.state_dir
    if not state.exists():
        state.makedirs()
        os.chmod(state.path, 0o700)
    ca = LocalCA.load_or_create(settings.ca_cert, settings.ca_key,
                                settings.ca_validity_days, clock)
    if not settings.tls_cert.exists() and not settings.tls_key.exists():
        cert, key = ca.server_certificate(settings.server_names)
        write_private(settings.tls_key, _pem_key(key))
        write_public(settings.tls_cert, cert.public_bytes(serialization.Encoding.PEM)
                     + ca.cert.public_bytes(serialization.Encoding.PEM))
    password = None
    if not settings.htpasswd.exists():
        password = new_password()
        set_user(settings.htpasswd, BOOTSTRAP_USER, password)
    return Prepared(ca, password)


def new_password() -> str:
    """A generated password (96 random bits, URL-safe): what a new user is given."""
    return secrets.token_urlsafe(12)


def set_user(htpasswd: FilePath, user: str, password: str) -> None:
    """Add `user` or change their password (bcrypt), keeping the other lines;
    ValueError (see `check_user`) changes nothing."""
    check_user(user, password)
    set_line(htpasswd, user, hash_password(password))


def check_user(user: str, password: str) -> None:
    """ValueError saying why, if `user` cannot be an htpasswd entry or bcrypt cannot
    take `password`."""
    if not user or ":" in user or user.startswith("#") or not user.isprintable() or any(
            c.isspace() for c in user):
        raise ValueError(f"user name {user!r} must be non-empty, printable, without ':', "
                         "spaces or a leading '#'")
    if not password:
        raise ValueError("empty password refused")
    if len(password.encode("utf-8")) > 72:
        raise ValueError("the password is longer than bcrypt's 72 bytes")


def _lines(htpasswd: FilePath) -> list[str]:
    return htpasswd.getContent().decode("utf-8").splitlines() if htpasswd.exists() else []


def _name(line: str) -> str | None:
    return line.partition(":")[0] if line.strip() and not line.startswith("#") else None


def user_names(htpasswd: FilePath) -> list[str]:
    """The user names in the htpasswd file, in file order (never their hashes)."""
    return [name for name in map(_name, _lines(htpasswd)) if name is not None]


def remove_user(htpasswd: FilePath, user: str) -> bool:
    """Remove `user`'s line, keeping the others; False (nothing changed) if absent."""
    lines = _lines(htpasswd)
    kept = [ln for ln in lines if _name(ln) != user]
    if len(kept) == len(lines):
        return False
    write_private(htpasswd, "".join(ln + "\n" for ln in kept).encode("utf-8"))
    return True


def set_line(path: FilePath, name: str, value: str) -> None:
    """Set the "name:value" line of a private file, keeping the other lines."""
    lines = []
    if path.exists():
        lines = [ln for ln in path.getContent().decode("utf-8").splitlines()
                 if ln.partition(":")[0] != name]
    lines.append(f"{name}:{value}")
    write_private(path, ("\n".join(lines) + "\n").encode("utf-8"))
