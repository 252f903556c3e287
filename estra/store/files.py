"""Files of the state directory, written atomically: a reader sees the old file or
the new one, never a partial one.

Private files (keys, htpasswd) are readable by their owner only; certificates are
world-readable; a file replaced keeps its owner, group and mode.
"""

from __future__ import annotations

import os
import stat

from twisted.python.filepath import FilePath

__all__ = ["write_private", "write_public", "replace_file", "set_line"]


def write_private(path: FilePath, data: bytes) -> None:
    """Write `data` readable by the owner only, atomically (no partial file)."""
    tmp = path.siblingExtension(".tmp")
    fd = os.open(tmp.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp.path, path.path)


def write_public(path: FilePath, data: bytes) -> None:
    """Write a certificate file, world-readable (0644), atomically."""
    write_private(path, data)
    os.chmod(path.path, 0o644)


def set_line(path: FilePath, name: str, value: str) -> None:
    """Set the "name:value" line of a private file, keeping the other lines."""
    lines = []
    if path.exists():
        lines = [ln for ln in path.getContent().decode("utf-8").splitlines()
                 if ln.partition(":")[0] != name]
    lines.append(f"{name}:{value}")
    replace_file(path, ("\n".join(lines) + "\n").encode("utf-8"))


def replace_file(path: FilePath, data: bytes) -> None:
    """Write a private file atomically; a file it replaces keeps its owner, group and
    mode (`estra user add` run as root must not take the file from the service user)."""
    try:
        old = os.stat(path.path)
    except FileNotFoundError:
        write_private(path, data)
        return
    tmp = path.siblingExtension(".tmp")
    fd = os.open(tmp.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
                os.fchown(f.fileno(), old.st_uid, old.st_gid)
            os.fchmod(f.fileno(), stat.S_IMODE(old.st_mode))
            f.write(data)
        os.replace(tmp.path, path.path)
    except BaseException:
        if tmp.exists():
            tmp.remove()
        raise
