"""Who may use the console, with which role, and how often they may fail to log in.

Operators log in with a password from their own htpasswd file (bcrypt, the
same format as the device file, `estra operator add`) whose role is a
"name:role" line in the roles file, or with a TLS client certificate from
`[console] operator_trust` (never a CA that issues device certificates) that
carries the `[console] operator_eku` extended key usage and whose common name
`[console] cert_roles` maps to a role.  Roles are ordered: viewer < approver (decide held
requests) < admin (also one-time codes and the HTTP Basic device users).
"""

from __future__ import annotations

import os
import time
from typing import Any, Callable, Iterable

from attrs import frozen
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from twisted.python.filepath import FilePath

from estra.config import CONSOLE_ROLES, ThrottleSettings
from estra.store.files import set_line
from estra.store.database import NoStore, migrate_blocking, open_store, run_blocking
from estra.ra.throttle import LoginThrottle, StoreState

__all__ = ["Operator", "Roles", "set_role", "allows", "CONSOLE_THROTTLE", "console_throttle",
           "issues_devices", "end_sessions"]

PASSWORD, CERTIFICATE = "operator", "operator-cert"


@frozen
class Operator:
    """A logged-in operator: principal ("operator:NAME" or "operator-cert:CN") and role."""

    principal: str
    role: str

    @property
    def name(self) -> str:
        return self.principal.partition(":")[2]


def allows(role: str, needed: str) -> bool:
    """Whether `role` is at least `needed` (viewer < approver < admin)."""
    return role in CONSOLE_ROLES and CONSOLE_ROLES.index(role) >= CONSOLE_ROLES.index(needed)


class Roles:
    """The roles file ("name:role" lines), re-read when it changes, plus certificate roles."""

    def __init__(self, path: FilePath | None, cert_roles: dict[str, str]) -> None:
        self.path, self.cert_roles = path, cert_roles
        self._stamp: tuple[float, int] | None = None
        self._roles: dict[str, str] = {}

    def _entries(self) -> dict[str, str]:
        if self.path is None:
            return {}
        try:
            st = os.stat(self.path.path)
        except FileNotFoundError:
            return {}
        if (st.st_mtime, st.st_size) != self._stamp:
            self._roles = read_roles(self.path)
            self._stamp = (st.st_mtime, st.st_size)
        return self._roles

    def role_of(self, principal: str) -> str | None:
        """The current role of a principal; None when it has none (any more)."""
        kind, _, name = principal.partition(":")
        role = (self._entries().get(name) if kind == PASSWORD
                else self.cert_roles.get(name) if kind == CERTIFICATE else None)
        return role if role in CONSOLE_ROLES else None


def read_roles(path: FilePath) -> dict[str, str]:
    roles = {}
    for line in path.getContent().decode("utf-8", "replace").splitlines():
        name, sep, role = line.strip().partition(":")
        if sep and not name.startswith("#"):
            roles[name] = role.strip()
    return roles


def set_role(path: FilePath, name: str, role: str) -> None:
    """Give `name` `role` in the roles file, keeping the other lines."""
    if role not in CONSOLE_ROLES:
        raise ValueError(f"role {role!r} must be one of {', '.join(CONSOLE_ROLES)}")
    set_line(path, name, role)


#: Failed console logins (estra/ra/throttle.py budgets, kept in the store): 5 per (address,
#: operator name), then one a minute; 30 per address (any names), then one per 10 s.
#: Never a budget per name alone, which anyone could spend to lock an operator out.
CONSOLE_THROTTLE = ThrottleSettings(source_burst=30, source_refill=10, user_burst=5,
                                    user_refill=60, max_pending=8)


def console_throttle(store: Any, clock: Callable[[], float]) -> LoginThrottle:
    """The console's failed-login budgets, in the store every worker and node shares."""
    return LoginThrottle(CONSOLE_THROTTLE, clock, StoreState(store, CONSOLE_THROTTLE, clock))


def _key_of(cert: x509.Certificate) -> bytes:
    return cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def issues_devices(certs: Iterable[x509.Certificate],
                   device_cas: Iterable[x509.Certificate]) -> x509.Certificate | None:
    """The first of `certs` with the key of a CA among `device_cas` (which issue device
    certificates, so a device could ask one for an operator's name), else None."""
    keys = {_key_of(c) for c in device_cas}
    return next((c for c in certs if _key_of(c) in keys), None)


def end_sessions(store_url: str, state_dir: FilePath, name: str) -> int | None:
    """End the console sessions of password operator `name` in the store (every node
    then refuses them): what a new password or a removal does, from the CLI.  The
    number ended; None when there is no store yet."""
    try:
        store = open_store(store_url, state_dir, time.time, create=False)
    except NoStore:
        return None
    migrate_blocking(store)

    def end(cursor: Any, dialect: Any) -> int:
        cursor.execute(dialect.sql("DELETE FROM console_sessions WHERE operator = ?"),
                       (f"{PASSWORD}:{name}",))
        return int(cursor.rowcount)
    ended: int = run_blocking(store, end)
    return ended
