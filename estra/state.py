"""The state directory: embedded CA, RA TLS certificate and htpasswd, made on first start.

Layout (README.rst documents it too)::

    ca.pem      the embedded CA certificate: what devices should trust
    ca.key      its private key (0600); never overwritten once made
    server.pem  the RA's TLS certificate (issued by ca.pem) then ca.pem
    server.key  its private key (0600)
    htpasswd    HTTP Basic users, bcrypt ($2y$), Apache `htpasswd -B` compatible
"""

from __future__ import annotations

import os
import secrets
import time
from typing import Callable

from attrs import frozen
from cryptography.hazmat.primitives import serialization
from twisted.python.filepath import FilePath

from estra.auth import hash_password
from estra.config import Settings
from estra.upstream.local import LocalCA, _pem_key, write_private, write_public

__all__ = ["prepare_state", "Prepared", "set_user", "set_line", "BOOTSTRAP_USER"]

BOOTSTRAP_USER = "estra"


@frozen
class Prepared:
    """What `prepare_state` found or made."""

    ca: LocalCA
    bootstrap_password: str | None     # set only when the htpasswd file was just made


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
        password = secrets.token_urlsafe(12)
        set_user(settings.htpasswd, BOOTSTRAP_USER, password)
    return Prepared(ca, password)


def set_user(htpasswd: FilePath, user: str, password: str) -> None:
    """Add `user` or change their password (bcrypt), keeping the other lines."""
    if not user or ":" in user or any(c.isspace() for c in user):
        raise ValueError(f"user name {user!r} must be non-empty, without ':' or spaces")
    set_line(htpasswd, user, hash_password(password))


def set_line(path: FilePath, name: str, value: str) -> None:
    """Set the "name:value" line of a private file, keeping the other lines."""
    lines = []
    if path.exists():
        lines = [ln for ln in path.getContent().decode("utf-8").splitlines()
                 if ln.partition(":")[0] != name]
    lines.append(f"{name}:{value}")
    write_private(path, ("\n".join(lines) + "\n").encode("utf-8"))
