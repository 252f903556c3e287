"""An EST client (RFC 7030) on the pooled upstream HTTP layer, for `est` and the CLI."""

from __future__ import annotations

import base64
from http import HTTPStatus
from typing import Sequence

from cryptography import x509

from estra import __version__
from estra.asn1 import wire
from estra.errors import BadRequest, BadUpstream, EstError, Held
from estra.interfaces import Reply
from estra.upstream.http import UpstreamHTTP

__all__ = ["EstClient", "est_base", "ServerAnswer"]


class ServerAnswer(EstError):
    """A status other than 200 exactly as the EST server gave it (`EstClient(relay=True)`:
    the `estra` command speaking for a device, not an RA speaking to its upstream)."""

    def __init__(self, status: int, reason: str, retry_after: int | None = None) -> None:
        super().__init__(reason)
        self.status, self.retry_after = status, retry_after

    def __str__(self) -> str:
        try:
            phrase = f" {HTTPStatus(self.status).phrase}"
        except ValueError:
            phrase = ""
        return f"{self.status}{phrase}: {self.reason}"


def est_base(url: str) -> str:
    """`https://host:port` from a URL given with or without /.well-known/est."""
    url = url.rstrip("/")
    if url.endswith("/.well-known/est"):
        url = url[: -len("/.well-known/est")]
    return url


class EstClient:
    """Talks EST to one server, optionally under a CA label and with Basic credentials."""

    def __init__(self, http: UpstreamHTTP, url: str, label: str = "",
                 basic: tuple[str, str] | None = None, relay: bool = False) -> None:
        self.http, self.base, self.label, self.relay = http, est_base(url), label, relay
        # A User-Agent: estra answers a 202 or 401 without a body to clients that send
        # none (Bouncy Castle), and the reason is what the `estra` command shows.
        self._headers: dict[str, str] = {"User-Agent": f"estra/{__version__}"}
        if basic is not None:
            token = base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
            self._headers["Authorization"] = f"Basic {token}"

    def url(self, operation: str) -> str:
        label = f"/{self.label}" if self.label else ""
        return f"{self.base}/.well-known/est{label}/{operation}"

    async def cacerts(self) -> list[x509.Certificate]:
        reply = await self.http.request("GET", self.url("cacerts"), headers=self._headers)
        self.check(reply)
        return self._certs(reply, "cacerts")

    async def enroll(self, csr_der: bytes, reenroll: bool = False) -> list[x509.Certificate]:
        """simpleenroll (or simplereenroll); a 202 becomes `Held` with its Retry-After."""
        op = "simplereenroll" if reenroll else "simpleenroll"
        reply = await self.post(op, csr_der, "application/pkcs10")
        self.check(reply)
        return self._certs(reply, op)

    async def serverkeygen(self, csr_der: bytes) -> Reply:
        """serverkeygen: the server's multipart answer (key and certificate), as is."""
        reply = await self.post("serverkeygen", csr_der, "application/pkcs10")
        self.check(reply)
        return reply

    async def csrattrs(self) -> bytes | None:
        """DER CsrAttrs, or None when the server has none (204 or 404)."""
        reply = await self.http.request("GET", self.url("csrattrs"))
        if reply.status in (204, 404):
            return None
        self.check(reply)
        try:
            return wire.decode_body(reply.body, "csrattrs")
        except BadRequest as e:
            raise BadUpstream(f"upstream csrattrs unreadable: {e.reason}") from e

    async def post(self, operation: str, der: bytes, content_type: str) -> Reply:
        """POST a base64 body (64 columns, as RFC 7030 examples) and return the reply."""
        return await self.http.request(
            "POST", self.url(operation), data=wire.encode_base64(der, "wrapped"),
            headers={**self._headers, "Content-Type": content_type,
                     "Content-Transfer-Encoding": "base64"})

    def check(self, reply: Reply) -> None:
        """Pass a 200; a 202 becomes `Held` with its Retry-After; the rest refusals
        (with `relay`, every other status is a `ServerAnswer`)."""
        retry = reply.header("retry-after") or ""
        if self.relay and reply.status != 200:
            raise ServerAnswer(reply.status,
                               reply.body.decode("utf-8", "replace").strip()[:300]
                               or ("the server holds the request" if reply.status == 202
                                   else "no reason given"),
                               int(retry) if retry.isdigit() else None)
        if reply.status == 202:
            raise Held(f"upstream CA holds the request: "
                       f"{reply.body.decode('utf-8', 'replace').strip()[:200]}",
                       int(retry) if retry.isdigit() else self.http.retry_after)
        if reply.status != 200:
            raise self.http.refusal(reply)

    def _certs(self, reply: Reply, op: str) -> list[x509.Certificate]:
        try:
            certs: Sequence[x509.Certificate] = wire.load_certs_only(reply.body)
        except BadRequest as e:
            raise BadUpstream(f"upstream {op} answer is not a certs-only PKCS#7: "
                              f"{e.reason}") from e
        if not certs:
            raise BadUpstream(f"upstream {op} answer holds no certificate")
        return list(certs)
