"""An EST client (RFC 7030) on treq: the `est` upstream and the `estra` CLI use it."""

from __future__ import annotations

import base64
from typing import Sequence

from cryptography import x509

from estra import wire
from estra.errors import BadRequest, BadUpstream, Held
from estra.upstream.http import Reply, UpstreamHTTP

__all__ = ["EstClient", "est_base"]


def est_base(url: str) -> str:
    """`https://host:port` from a URL given with or without /.well-known/est."""
    url = url.rstrip("/")
    if url.endswith("/.well-known/est"):
        url = url[: -len("/.well-known/est")]
    return url


class EstClient:
    """Talks EST to one server, optionally under a CA label and with Basic credentials."""

    def __init__(self, http: UpstreamHTTP, url: str, label: str = "",
                 basic: tuple[str, str] | None = None) -> None:
        self.http, self.base, self.label = http, est_base(url), label
        self._headers: dict[str, str] = {}
        if basic is not None:
            token = base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
            self._headers["Authorization"] = f"Basic {token}"

    def url(self, operation: str) -> str:
        label = f"/{self.label}" if self.label else ""
        return f"{self.base}/.well-known/est{label}/{operation}"

    async def cacerts(self) -> list[x509.Certificate]:
        reply = await self.http.request("GET", self.url("cacerts"))
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
        """Pass a 200; a 202 becomes `Held` with its Retry-After; the rest refusals."""
        if reply.status == 202:
            retry = reply.header("retry-after") or ""
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
