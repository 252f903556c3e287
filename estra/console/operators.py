"""Who may use the console, with which role, and how often they may fail to log in.

Operators log in with a password from their own htpasswd file (bcrypt, the
same format as the device file, `estra operator add`) whose role is a
"name:role" line in the roles file, or with a TLS client certificate from
`[console] operator_trust` whose common name `[console] cert_roles` maps to a
role.  Roles are ordered: viewer < approver (decide held requests) < admin
(also one-time codes and the HTTP Basic device users).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Callable

from attrs import frozen
from twisted.python.filepath import FilePath

from estra.config import CONSOLE_ROLES
from estra.state import set_line

__all__ = ["Operator", "Roles", "LoginThrottle", "set_role", "allows"]

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


class LoginThrottle:
    """Failed logins per key ("address:..." / "user:..."), in fixed windows.

    At most `max_keys` keys are remembered (the oldest are forgotten first),
    so a flood of addresses or names costs bounded memory.
    """

    def __init__(self, clock: Callable[[], float], failures: int = 5, window: float = 300,
                 max_keys: int = 10000) -> None:
        self._clock, self.failures, self.window, self.max_keys = clock, failures, window, max_keys
        self._seen: OrderedDict[str, tuple[float, int]] = OrderedDict()

    def blocked(self, *keys: str) -> float:
        """Seconds until every key may try again (0: not blocked)."""
        now, wait = self._clock(), 0.0
        for key in keys:
            start, count = self._seen.get(key, (now, 0))
            if now - start >= self.window:
                self._seen.pop(key, None)
            elif count >= self.failures:
                wait = max(wait, start + self.window - now)
        return wait

    def failed(self, *keys: str) -> None:
        now = self._clock()
        for key in keys:
            start, count = self._seen.pop(key, (now, 0))
            if now - start >= self.window:
                start, count = now, 0
            self._seen[key] = (start, count + 1)
            while len(self._seen) > self.max_keys:
                self._seen.popitem(last=False)

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._seen.pop(key, None)
