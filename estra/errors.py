"""One error tree: every error estra raises on purpose carries its HTTP answer."""

from __future__ import annotations

from typing import Any, TypeVar

__all__ = [
    "EstError", "BadRequest", "Unauthorized", "Forbidden", "NotFound",
    "MethodNotAllowed", "PayloadTooLarge", "UnsupportedMediaType",
    "NotImplementedOperation", "Held", "BadUpstream", "UpstreamUnavailable", "TokenUnavailable",
]


E = TypeVar("E", bound="EstError")


class EstError(Exception):
    """An error with the HTTP status and text/plain reason the client gets; a refusal
    by a named rule carries it in `rule` (records, metrics, the console key on it)."""

    status = 500
    rule = ""

    def __init__(self, reason: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.extra_headers = dict(headers or {})

    @classmethod
    def because(cls: type[E], rule: str, text: str, *args: Any, **kwargs: Any) -> E:
        """The error rule `rule` refuses with; the client reads "rule: text"."""
        error = cls(f"{rule}: {text}", *args, **kwargs)
        error.rule = rule
        return error

    def body(self) -> bytes:
        return (self.reason + "\n").encode("utf-8")

    def headers(self) -> dict[str, str]:
        return {"Content-Type": "text/plain; charset=utf-8", **self.extra_headers}


class BadRequest(EstError):
    status = 400


class Unauthorized(EstError):
    """401. `attempted` is the user name of Basic credentials that failed (for the
    request's log line); the password is never kept."""

    status = 401

    def __init__(self, reason: str, realm: str = "estra",
                 attempted: str | None = None) -> None:
        super().__init__(reason, {"WWW-Authenticate": f'Basic realm="{realm}"'})
        self.attempted = attempted


class Forbidden(EstError):
    status = 403


class NotFound(EstError):
    status = 404


class MethodNotAllowed(EstError):
    status = 405

    def __init__(self, reason: str, allowed: list[str]) -> None:
        super().__init__(reason, {"Allow": ", ".join(allowed)})


class PayloadTooLarge(EstError):
    status = 413


class UnsupportedMediaType(EstError):
    status = 415


class NotImplementedOperation(EstError):
    status = 501


class Held(EstError):
    """Accepted but not decided yet: 202 with Retry-After (RFC 7030 4.2.3)."""

    status = 202

    def __init__(self, reason: str, retry_after: int) -> None:
        super().__init__(reason, {"Retry-After": str(int(retry_after))})


class BadUpstream(EstError):
    status = 502


class UpstreamUnavailable(EstError):
    status = 503

    def __init__(self, reason: str, retry_after: int = 30) -> None:
        super().__init__(reason, {"Retry-After": str(int(retry_after))})


class TokenUnavailable(EstError):
    """503: the PKCS#11 token holding the key did not answer (busy, blocked, removed);
    nothing was signed or decrypted (estra/tokens.py)."""

    status = 503

    def __init__(self, reason: str, retry_after: int = 30) -> None:
        super().__init__(reason, {"Retry-After": str(int(retry_after))})


class StoreUnavailable(EstError):
    """503: the store (SQLite file, PostgreSQL) cannot be used just now; nothing was
    decided or recorded for this request, and the device should come back."""

    status = 503

    def __init__(self, reason: str = "the RA's store is unavailable; retry later",
                 retry_after: int = 30) -> None:
        super().__init__(reason, {"Retry-After": str(int(retry_after))})


def store_unavailable(error: BaseException) -> bool:
    """True for a DB-API error about the database's operation (unreachable, locked past
    the busy timeout, disk trouble, a dropped connection): not a bug of the request."""
    import sqlite3

    from twisted.enterprise.adbapi import ConnectionLost
    kinds: tuple[type[BaseException], ...] = (sqlite3.OperationalError,
                                              sqlite3.InterfaceError, ConnectionLost)
    try:
        import psycopg
        kinds += (psycopg.OperationalError, psycopg.InterfaceError)
    except ImportError:
        pass
    return isinstance(error, kinds)
