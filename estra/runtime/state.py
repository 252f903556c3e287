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
import shutil
import sys
import time
from typing import Any, Callable, TextIO

from attrs import evolve, frozen
from cryptography.hazmat.primitives import serialization
from twisted.logger import Logger
from twisted.python.filepath import FilePath

from estra import tokens
from estra.config import Settings
from estra.store.database import migrate_blocking, open_store
from estra.store.upgrade import Legacy
from estra.store.files import write_private, write_public
from estra.ra.htpasswd import new_password, set_user
from estra.ca.local import LocalCA, pem_key

__all__ = ["prepare_state", "open_state", "init_state", "Prepared", "StateError", "StateLock",
           "init_command", "abandon_state", "BOOTSTRAP_USER", "require_ca", "check_files",
           "os_reason"]

BOOTSTRAP_USER = "estra"
log = Logger(namespace="estra.state")


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


def os_reason(error: OSError) -> str:
    """`path: reason` as the operating system says it (no errno, no traceback)."""
    return f"{error.filename}: {error.strerror}" if error.filename else str(error.strerror)


def require_ca(settings: Settings) -> None:
    """StateError unless the state directory holds a CA: an operator command never
    starts a second state directory next to the one the server uses."""
    if not settings.ca_cert.exists():
        raise StateError(f"no embedded CA in {settings.state_dir.path}: run "
                         f"`{_init_hint(settings)}` first, or give the --config/--state-dir "
                         "the server uses")


def _open_to_read(where: str, path: FilePath) -> None:
    try:
        with open(path.path, "rb"):
            pass
    except OSError as e:
        raise StateError(f"{where}: {os_reason(e)}") from None


def _enter(settings: Settings) -> None:
    try:
        os.listdir(settings.state_dir.path)
    except OSError as e:
        raise StateError(f"{settings.where('server.state_dir')}: {os_reason(e)}") from None


def check_files(settings: Settings) -> None:
    """StateError naming the setting and the OS's reason if this process cannot use a
    file of the state directory that start-up, a reload and `check-config` open."""
    _enter(settings)
    for key, path in (("tls.cert", settings.tls_cert), ("tls.key", settings.tls_key)):
        _open_to_read(settings.where(key), path)
    if settings.htpasswd.exists():
        _open_to_read(settings.where("auth.htpasswd"), settings.htpasswd)
    previous = ("scep.previous_cert", "scep.previous_key")
    for key, path in zip(previous, settings.scep_previous, strict=False):
        _open_to_read(settings.where(key), path)


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
    if settings.state_dir.exists():
        _enter(settings)            # not a new CA beside a directory we cannot read
    prepared = _make_or_complete(settings, clock)
    check_files(settings)
    return prepared


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
    ca = LocalCA.of(settings, clock)
    return Prepared(ca, prepared.bootstrap_password, created=True)


def init_store(settings: Settings) -> int:
    """Create the store (SQLite in the state directory, or the PostgreSQL schema) at this
    release's schema; returns the schema version."""
    store = open_store(settings.store_url, settings.state_dir, time.time)
    version: int = migrate_blocking(store, Legacy.from_settings(settings))
    return version


def init_command(settings: Settings, emit: Callable[[Any, str], None]) -> None:
    """`estra init`: make the state and the store; `emit(data, text)` the result, with the
    bootstrap password unless standard output is the journal. Raises StateError,
    OSError or ValueError (nothing is then left half made)."""
    prepared = init_state(settings)
    schema = init_store(settings)
    data: dict[str, Any] = {"state_dir": settings.state_dir.path, "ca": settings.ca_cert.path,
                            "schema": schema}
    text = (f"estra: state directory {settings.state_dir.path} is ready; devices should "
            f"trust {settings.ca_cert.path}")
    password = prepared.bootstrap_password
    if password is not None and not _journal(sys.stdout):
        data.update(user=BOOTSTRAP_USER, password=password)
        text += (f"\nestra: created {settings.htpasswd.path} with user {BOOTSTRAP_USER!r}, "
                 f"password: {password}\nestra: this password is shown only now; change it "
                 f"with `{_user_hint(settings)}`")
    elif password is not None:
        text += "\n" + _set_password_hint(settings)
    emit(data, text)


def _user_hint(settings: Settings) -> str:
    return _init_hint(settings).replace("estra init", "estra", 1) + f" user add {BOOTSTRAP_USER}"


def _set_password_hint(settings: Settings) -> str:
    return (f"estra: created {settings.htpasswd.path} with user {BOOTSTRAP_USER!r}; its "
            f"password is shown only on a terminal: set one with `{_user_hint(settings)}`")


def _journal(stream: Any) -> bool:
    """True if `stream` is systemd's journal (JOURNAL_STREAM names its device:inode)."""
    try:
        st = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return os.environ.get("JOURNAL_STREAM", "") == f"{st.st_dev}:{st.st_ino}"


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


def abandon_state(settings: Settings, prepared: Prepared) -> None:
    """Remove a state directory made by this start, which then failed."""
    if prepared.created:
        shutil.rmtree(settings.state_dir.path, ignore_errors=True)


def announce_password(out: TextIO, settings: Settings, password: str) -> None:
    """Show the bootstrap password, once, on `out` if it is a terminal (never the log
    or the journal); otherwise log how to set one."""
    if not out.isatty() or _journal(out):
        log.warn("{hint}", hint=_set_password_hint(settings))
        return
    out.write(f"estra: created {settings.htpasswd.path} with user {BOOTSTRAP_USER!r}, "
              f"password: {password}\n"
              f"estra: this password is shown only now; change it with `{_user_hint(settings)}`\n")
    out.flush()


def prepare_state(settings: Settings, clock: Callable[[], float] = time.time) -> Prepared:
    """Create whatever of the state directory is missing; keep what exists."""
    state = settings.state_dir
    if not state.exists():
        state.makedirs()
        os.chmod(state.path, 0o700)
    ca = LocalCA.of(settings, clock)
    for name, data in tokens.provider_files(tokens.openssl_uris(settings), settings.tls_key_uri,
                                            settings.pkcs11).items():
        write_private(settings.state_dir.child(name), data)   # 0600, replaced atomically
    if settings.tls_key_uri:
        _tls_on_token(settings, ca)
    elif not settings.tls_cert.exists() and not settings.tls_key.exists() and all(
            p.path.startswith(state.path + os.sep) for p in (settings.tls_cert, settings.tls_key)):
        # made only inside the state directory: a path of the operator's own that is
        # missing is a start-up error naming the setting, never a new key somewhere
        cert, key = ca.server_certificate(settings.server_names)
        write_private(settings.tls_key, pem_key(key))
        write_public(settings.tls_cert, cert.public_bytes(serialization.Encoding.PEM)
                     + ca.cert.public_bytes(serialization.Encoding.PEM))
    password = None
    if not settings.htpasswd.exists():
        password = new_password()
        set_user(settings.htpasswd, BOOTSTRAP_USER, password)
    return Prepared(ca, password)


def _tls_on_token(settings: Settings, ca: LocalCA) -> None:
    """[tls] key = "pkcs11:...": on first start the key made on the token (EC P-256)
    with a server certificate for it."""
    if settings.tls_cert.exists():
        return
    try:
        key = tokens.open_key(settings.tls_key_uri, settings.pkcs11)
    except LookupError:
        key = tokens.generate_key(settings.tls_key_uri, settings.pkcs11)
    cert, _ = ca.server_certificate(settings.server_names, key=key)
    write_public(settings.tls_cert, cert.public_bytes(serialization.Encoding.PEM)
                 + ca.cert.public_bytes(serialization.Encoding.PEM))
