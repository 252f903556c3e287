"""The htpasswd files of devices and operators: who may log in with which password.

bcrypt hashes (``$2y$``, Apache `htpasswd -B` compatible) made by
`estra.ra.auth.hash_password`, one "name:hash" line per user; the other lines of a
file are kept as they are when a user is added, changed or removed.
"""

from __future__ import annotations

import secrets

from twisted.python.filepath import FilePath

from estra.ra.auth import hash_password
from estra.store.files import replace_file, set_line

__all__ = ["new_password", "set_user", "check_user", "user_names", "remove_user"]


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
    replace_file(htpasswd, "".join(ln + "\n" for ln in kept).encode("utf-8"))
    return True
