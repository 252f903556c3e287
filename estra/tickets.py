"""TLS session ticket keys shared by the worker processes of `workers = N`.

A ticket one worker issued must resume on any other, so all of them encrypt
tickets with the same key: the supervisor makes it (`new_ticket_key`, random,
kept in memory only), sends it down each worker's control pipe, and each worker
installs it in its SSL_CTX with `install_ticket_key`.

pyOpenSSL does not expose SSL_CTX_set_tlsext_ticket_keys, and cryptography's
binding (the OpenSSL pyOpenSSL uses) does not export SSL_CTX_ctrl: OpenSSL is
linked statically into cryptography's `_rust` extension. Calling the system
libssl on that SSL_CTX would corrupt it (another OpenSSL, another layout), so
the address of the static SSL_CTX_ctrl is taken from the extension's ELF
symbol table (relative to its exported PyInit__rust) and called with ctypes.
`ticket_keys_supported()` says whether that worked on this machine.
"""

from __future__ import annotations

import ctypes
import mmap
import secrets
import struct
from functools import lru_cache
from typing import Any, Callable

from OpenSSL import SSL
from OpenSSL._util import ffi as _ffi

__all__ = ["TICKET_KEY_BYTES", "new_ticket_key", "install_ticket_key", "installed_ticket_key",
           "ticket_keys_supported"]

#: name (16) + HMAC secret (32) + AES-256 key (32), OpenSSL's layout since 1.1.0
TICKET_KEY_BYTES = 80
_SET_TICKET_KEYS, _GET_TICKET_KEYS = 59, 58      # SSL_CTRL_SET/GET_TLSEXT_TICKET_KEYS
_SHT_SYMTAB, _STT_FUNC = 2, 2

_Ctrl = Callable[[int, int, int, Any], int]


def new_ticket_key() -> bytes:
    """A fresh random ticket key (never write it to disk or a log)."""
    return secrets.token_bytes(TICKET_KEY_BYTES)


def _elf_functions(path: str, wanted: set[str]) -> dict[str, int]:
    """{name: value} of the function symbols `wanted` in an ELF64 little-endian file."""
    found: dict[str, int] = {}
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        if m[:6] != b"\x7fELF\x02\x01":
            return found
        shoff, = struct.unpack_from("<Q", m, 0x28)
        entsize, count = struct.unpack_from("<HH", m, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", m, shoff + i * entsize)
                    for i in range(count)]
        for _, kind, _, _, offset, size, link, _, _, _ in sections:
            if kind != _SHT_SYMTAB:
                continue
            names = sections[link][4]
            for at in range(offset, offset + size, 24):
                name, info, _, _, value, _ = struct.unpack_from("<IBBHQQ", m, at)
                if info & 0xF != _STT_FUNC:
                    continue
                start = names + name
                text = m[start:m.find(b"\0", start)].decode("ascii", "replace")
                if text in wanted:
                    found[text] = value
    return found


@lru_cache(maxsize=1)
def _ssl_ctx_ctrl() -> _Ctrl | None:
    """SSL_CTX_ctrl of the OpenSSL inside cryptography's extension, or None."""
    from cryptography.hazmat.bindings import _rust
    path = _rust.__file__
    if path is None:
        return None
    try:
        symbols = _elf_functions(path, {"SSL_CTX_ctrl", "PyInit__rust"})
        library = ctypes.CDLL(path)                 # already loaded: the same copy
        exported = ctypes.cast(library.PyInit__rust, ctypes.c_void_p).value
    except (OSError, AttributeError, ValueError, struct.error):
        return None
    if exported is None or set(symbols) != {"SSL_CTX_ctrl", "PyInit__rust"}:
        return None
    base = exported - symbols["PyInit__rust"]
    prototype = ctypes.CFUNCTYPE(ctypes.c_long, ctypes.c_void_p, ctypes.c_int, ctypes.c_long,
                                 ctypes.c_void_p)
    ctrl: _Ctrl = prototype(base + symbols["SSL_CTX_ctrl"])
    return ctrl


def _context_pointer(context: SSL.Context) -> int:
    return int(_ffi.cast("uintptr_t", context._context))  # type: ignore[attr-defined]


def installed_ticket_key(context: SSL.Context) -> bytes:
    """The ticket key `context` uses now (tests compare it; never log it)."""
    ctrl = _ssl_ctx_ctrl()
    if ctrl is None:
        raise RuntimeError("SSL_CTX_ctrl is not reachable on this machine")
    buffer = ctypes.create_string_buffer(TICKET_KEY_BYTES)
    if ctrl(_context_pointer(context), _GET_TICKET_KEYS, TICKET_KEY_BYTES, buffer) != 1:
        raise RuntimeError("SSL_CTX_get_tlsext_ticket_keys failed")
    return buffer.raw


def install_ticket_key(context: SSL.Context, key: bytes) -> None:
    """Make `context` encrypt and decrypt session tickets with `key` (80 bytes)."""
    if len(key) != TICKET_KEY_BYTES:
        raise ValueError(f"a ticket key is {TICKET_KEY_BYTES} bytes, not {len(key)}")
    ctrl = _ssl_ctx_ctrl()
    if ctrl is None:
        raise RuntimeError("SSL_CTX_ctrl is not reachable on this machine: workers cannot "
                           "share TLS session tickets")
    buffer = ctypes.create_string_buffer(key, TICKET_KEY_BYTES)
    if ctrl(_context_pointer(context), _SET_TICKET_KEYS, TICKET_KEY_BYTES, buffer) != 1:
        raise RuntimeError("SSL_CTX_set_tlsext_ticket_keys failed")
    ctypes.memset(buffer, 0, TICKET_KEY_BYTES)


def ticket_keys_supported() -> bool:
    """Whether this machine's cryptography lets estra install ticket keys."""
    return _ssl_ctx_ctrl() is not None
