"""TLS session ticket keys shared by the worker processes of `workers = N`.

A ticket one worker issued must resume on any other, so all of them encrypt
tickets with the same key: the supervisor makes it (`new_ticket_key`, random,
kept in memory only), sends it down each worker's control pipe, and each worker
adds it to its `TicketKeys`. A new key encrypts from then on; the one before
still decrypts (the ticket is then renewed), so a rotation costs no full
handshakes.

pyOpenSSL does not expose OpenSSL's ticket key callback, and cryptography's
binding (the OpenSSL pyOpenSSL uses) does not export it: OpenSSL is linked
statically into cryptography's `_rust` extension. Calling the system libssl on
that SSL_CTX would corrupt it (another OpenSSL, another layout), so the
addresses of the few static functions needed are taken from the extension's
ELF symbol table (relative to its exported PyInit__rust) and called with
ctypes. `ticket_keys_supported()` says whether that worked on this machine.
"""

from __future__ import annotations

import ctypes
import mmap
import secrets
import struct
from functools import lru_cache
from typing import Any

from OpenSSL import SSL
from OpenSSL._util import ffi as _ffi
from twisted.logger import Logger

__all__ = ["TICKET_KEY_BYTES", "TicketKeys", "new_ticket_key", "ticket_keys_supported"]

log = Logger(namespace="estra.tickets")

#: name (16) + HMAC-SHA256 secret (32) + AES-256 key (32)
TICKET_KEY_BYTES = 80
_SHT_SYMTAB, _STT_FUNC = 2, 2
_UTF8_STRING, _OCTET_STRING, _UNMODIFIED = 4, 5, ctypes.c_size_t(-1).value
_P, _INT = ctypes.c_void_p, ctypes.c_int
_SIGNATURES: dict[str, tuple[Any, ...]] = {           # name: (result, *arguments)
    "SSL_CTX_set_tlsext_ticket_key_evp_cb": (_INT, _P, _P),
    "RAND_bytes": (_INT, _P, _INT),
    "EVP_aes_256_cbc": (_P,),
    "EVP_EncryptInit_ex": (_INT, _P, _P, _P, _P, _P),
    "EVP_DecryptInit_ex": (_INT, _P, _P, _P, _P, _P),
    "EVP_MAC_CTX_set_params": (_INT, _P, _P),
}
#: int cb(SSL *, unsigned char name[16], unsigned char *iv, EVP_CIPHER_CTX *,
#:        EVP_MAC_CTX *, int enc)
_CALLBACK = ctypes.CFUNCTYPE(_INT, _P, _P, _P, _P, _P, _INT)


class _Param(ctypes.Structure):
    """OpenSSL's OSSL_PARAM."""

    _fields_ = [("key", ctypes.c_char_p), ("data_type", ctypes.c_uint), ("data", _P),
                ("data_size", ctypes.c_size_t), ("return_size", ctypes.c_size_t)]


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
def _openssl() -> dict[str, Any] | None:
    """The functions of `_SIGNATURES` in cryptography's own OpenSSL, or None."""
    from cryptography.hazmat.bindings import _rust
    path = _rust.__file__
    if path is None:
        return None
    try:
        symbols = _elf_functions(path, {"PyInit__rust", *_SIGNATURES})
        exported = ctypes.cast(ctypes.CDLL(path).PyInit__rust, _P).value  # loaded already
    except (OSError, AttributeError, ValueError, struct.error):
        return None
    if exported is None or len(symbols) != len(_SIGNATURES) + 1:
        return None
    base = exported - symbols["PyInit__rust"]
    return {name: ctypes.CFUNCTYPE(*signature)(base + symbols[name])
            for name, signature in _SIGNATURES.items()}


def ticket_keys_supported() -> bool:
    """Whether this machine's cryptography lets estra install ticket keys."""
    return _openssl() is not None


class TicketKeys:
    """The ticket keys of every context it is installed in: the newest encrypts,
    it and the one before decrypt."""

    def __init__(self) -> None:
        self._keys: list[bytes] = []
        self._callback = _CALLBACK(self._ticket)       # kept alive with this object
        self._digest = ctypes.create_string_buffer(b"SHA256")

    def add(self, key: bytes) -> None:
        """Encrypt with `key` from now on; keep the previous key for decryption."""
        if len(key) != TICKET_KEY_BYTES:
            raise ValueError(f"a ticket key is {TICKET_KEY_BYTES} bytes, not {len(key)}")
        self._keys = [key, *self._keys[:1]]

    def install(self, context: SSL.Context) -> None:
        """Make `context` use these keys for session tickets."""
        functions = _openssl()
        if functions is None:
            raise RuntimeError("OpenSSL's ticket key callback is not reachable on this "
                               "machine: workers cannot share TLS session tickets")
        pointer = int(_ffi.cast("uintptr_t", context._context))
        if functions["SSL_CTX_set_tlsext_ticket_key_evp_cb"](pointer, self._callback) != 1:
            raise RuntimeError("SSL_CTX_set_tlsext_ticket_key_evp_cb failed")

    def _ticket(self, ssl: int, name: int, iv: int, cipher: int, mac: int, enc: int) -> int:
        """OpenSSL's callback: 1 (current key), 2 (previous key: renew the ticket), 0 (no
        ticket / unknown key: a full handshake), -1 (error)."""
        try:
            functions = _openssl()
            if functions is None or not self._keys:
                return 0
            if enc:
                key = self._keys[0]
                ctypes.memmove(name, key[:16], 16)
                if functions["RAND_bytes"](iv, 16) != 1:
                    return -1
                init, found = functions["EVP_EncryptInit_ex"], 1
            else:
                wanted = ctypes.string_at(name, 16)
                matches = [i for i, k in enumerate(self._keys) if k[:16] == wanted]
                if not matches:
                    return 0
                key, found = self._keys[matches[0]], 1 + matches[0]
                init = functions["EVP_DecryptInit_ex"]
            secret = ctypes.create_string_buffer(key[16:], 64)
            params = (_Param * 3)(
                _Param(b"digest", _UTF8_STRING, ctypes.cast(self._digest, _P), 6, _UNMODIFIED),
                _Param(b"key", _OCTET_STRING, ctypes.cast(secret, _P), 32, _UNMODIFIED),
                _Param(None, 0, None, 0, 0))
            aes = ctypes.cast(ctypes.byref(secret, 32), _P)
            ok = (functions["EVP_MAC_CTX_set_params"](mac, ctypes.cast(params, _P)) == 1
                  and init(cipher, functions["EVP_aes_256_cbc"](), None, aes, iv) == 1)
            ctypes.memset(secret, 0, 64)
            return found if ok else -1
        except Exception:  # noqa: BLE001 - never raise into OpenSSL: no ticket instead
            log.error("session ticket callback failed")
            return 0
