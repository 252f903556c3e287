"""Microsoft AD CS web enrollment (certsrv) as the CA, with Basic credentials.

* `POST /certsrv/certfnsh.asp` (form: Mode=newreq, CertRequest=<PEM CSR>,
  CertAttrib=CertificateTemplate:<template>, TargetStoreFlags=0, SaveCert=yes,
  ThumbPrint=) answers an HTML page: a `certnew.cer?ReqID=N` link when issued,
  "Certificate Pending ... Your Request Id is N." when a CA manager must
  approve, "The disposition message is "..."" when denied.
* `GET /certsrv/certnew.cer?ReqID=N&Enc=b64` gives the PEM certificate once
  issued, an HTML page (with "Disposition message:") while pending or denied.
* `GET /certsrv/certnew.p7b?ReqID=CACert&Renewal=-1&Enc=b64` gives the CA
  chain, a base64 PKCS#7 (AD CS armors it as CERTIFICATE; PKCS7 is accepted).

Pending requests become 202 + Retry-After (`retry_after`).  The request id is
remembered per CSR public key (SHA-256 of its SubjectPublicKeyInfo), so the
device retrying the same request (RFC 7030 4.2.3) collects it with certnew.cer
instead of submitting again.  The id is also kept between submission and
collection of an issued certificate, so an upstream failure in between does
not lose it.  The table lives in memory only: a restart forgets pending ids
(the device's next retry submits afresh); persistence comes later.

enroll answers the leaf then the chain's intermediates; self-signed roots
are left out (devices get them from /cacerts), as the local CA does.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from typing import Any, Callable
from urllib.parse import urlencode

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, pkcs7
from twisted.logger import Logger
from zope.interface import implementer

from estra import wire
from estra.config import Profile, Upstream
from estra.errors import BadUpstream, Held
from estra.interfaces import ICertificateAuthority, IClosable
from estra.upstream import HeldRequests
from estra.upstream.http import CachedCerts, Refused, Reply, UpstreamHTTP, http_for

__all__ = ["AdcsCA", "from_config", "load_b64_certs"]

log = Logger()
_ISSUED = re.compile(r"certnew\.cer\?ReqID=(\d+)&")
_PENDING_ID = re.compile(r"Your Request Id is (\d+)")
_DENIED = re.compile(r'The disposition message is "([^"]+)')
_DISPOSITION = re.compile(r"Disposition message:(?:\s|<[^>]*>)*([^<\r\n]+)")
_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)


def load_b64_certs(body: bytes) -> list[x509.Certificate]:
    """Certificates from PEM blocks (CERTIFICATE or PKCS7 armor, holding a
    certificate or a PKCS#7) or from bare base64; ValueError if none."""
    blobs = [m.group(2) for m in _PEM.finditer(body)] or [body]
    certs: list[x509.Certificate] = []
    for blob in blobs:
        der = base64.b64decode(b"".join(blob.split()), validate=True)
        try:
            certs.append(x509.load_der_x509_certificate(der))
        except ValueError:
            certs.extend(pkcs7.load_der_pkcs7_certificates(der))
    if not certs:
        raise ValueError("no certificate")
    return certs


def _text(fragment: str) -> str:
    return " ".join(html.unescape(fragment).split())


def key_id(csr: x509.CertificateSigningRequest) -> str:
    """What a pending request is remembered by: SHA-256 of the CSR's public key."""
    spki = csr.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest()


@implementer(ICertificateAuthority, IClosable)
class AdcsCA:
    """Enrolls through certsrv under one certificate template."""

    def __init__(self, http: UpstreamHTTP, url: str, template: str,
                 basic: tuple[str, str] | None, clock: Callable[[], float],
                 chain_refresh: float) -> None:
        self.http, self.template, self._clock = http, template, clock
        self.base = url.rstrip("/")
        if not self.base.endswith("/certsrv"):
            self.base += "/certsrv"
        self._chain = CachedCerts(http.name, self._fetch_chain, clock, chain_refresh)
        self.pending: HeldRequests[str, int] = HeldRequests()   # key_id(csr) -> request id
        # certsrv picks Content-Types by browser: look like one, as certsrv clients do.
        self._headers = {"User-Agent": "Mozilla/5.0 (compatible; estra)"}
        if basic is not None:
            token = base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
            self._headers["Authorization"] = f"Basic {token}"

    async def _get(self, path: str) -> Reply:
        reply = await self.http.request("GET", f"{self.base}/{path}", headers=self._headers)
        if reply.status != 200:
            raise self.http.refusal(reply)
        return reply

    def _bad(self, what: str, reply: Reply) -> BadUpstream:
        snippet = _text(re.sub(r"<[^>]*>", " ", reply.body.decode("utf-8", "replace")))
        return BadUpstream(f"upstream {self.http.name}: {what}: {snippet[:200] or 'empty'}")

    async def cacerts(self) -> list[x509.Certificate]:
        """certnew.p7b's chain (roots last), cached for `chain_refresh` seconds."""
        return await self._chain.get()

    async def _fetch_chain(self) -> list[x509.Certificate]:
        reply = await self._get("certnew.p7b?ReqID=CACert&Renewal=-1&Enc=b64")
        try:
            certs = load_b64_certs(reply.body)
        except ValueError:
            raise self._bad("certnew.p7b is not a base64 PKCS#7", reply) from None
        certs.sort(key=lambda c: c.subject == c.issuer)
        return certs

    async def _submit(self, csr: x509.CertificateSigningRequest) -> tuple[int, bool]:
        """POST certfnsh.asp: (request id, issued?); raises Refused when denied."""
        form = urlencode({"Mode": "newreq", "CertRequest": wire.csr_pem(csr),
                          "CertAttrib": f"CertificateTemplate:{self.template}",
                          "TargetStoreFlags": "0", "SaveCert": "yes", "ThumbPrint": ""})
        reply = await self.http.request(
            "POST", f"{self.base}/certfnsh.asp", data=form.encode(),
            headers={**self._headers, "Content-Type": "application/x-www-form-urlencoded"})
        if reply.status != 200:
            raise self.http.refusal(reply)
        page = reply.body.decode("utf-8", "replace")
        if m := _ISSUED.search(page):
            return int(m.group(1)), True
        if "Certificate Pending" in page and (m := _PENDING_ID.search(page)):
            return int(m.group(1)), False
        if m := _DENIED.search(page):
            raise Refused(403, f"upstream CA denied the request: {_text(m.group(1))}")
        raise self._bad("certfnsh.asp answered an unexpected page", reply)

    async def _collect(self, key: str, req_id: int) -> x509.Certificate:
        """GET certnew.cer for `req_id`: the certificate, or Held / Refused / 502."""
        reply = await self._get(f"certnew.cer?ReqID={req_id}&Enc=b64")
        try:
            leaf = load_b64_certs(reply.body)[0]
        except ValueError:
            pass
        else:
            self.pending.pop(key, None)
            return leaf
        m = _DISPOSITION.search(reply.body.decode("utf-8", "replace"))
        message = _text(m.group(1)) if m else ""
        if "under submission" in message.lower() or "pending" in message.lower():
            raise Held(f"upstream CA holds request {req_id}: {message}", self.http.retry_after)
        self.pending.pop(key, None)
        if "denied" in message.lower():
            raise Refused(403, f"upstream CA denied request {req_id}: {message}")
        raise self._bad(f"certnew.cer gave no certificate for request {req_id}", reply)

    async def enroll(self, csr: x509.CertificateSigningRequest, identity: object,
                     profile: Profile) -> list[x509.Certificate]:
        chain = await self.cacerts()        # fail before anything is issued
        key = key_id(csr)
        req_id = self.pending.get(key)
        if req_id is None:
            req_id, issued = await self._submit(csr)
            self.pending[key] = req_id
            if not issued:
                log.info("AD CS request {id} pending approval", id=req_id)
                raise Held(f"upstream CA holds request {req_id} for approval by a CA "
                           "manager; retry the same request", self.http.retry_after)
        leaf = await self._collect(key, req_id)
        if leaf.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo) \
                != csr.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo):
            raise BadUpstream(f"upstream {self.http.name}: request {req_id} issued a "
                              "certificate for another key")
        return [leaf, *(c for c in chain if c.subject != c.issuer)]

    reenroll = enroll

    async def close(self) -> None:
        await self.http.close()


def from_config(reactor: Any, config: Upstream, clock: Callable[[], float]) -> AdcsCA:
    """An `AdcsCA` from [upstreams.NAME]: url, template, username/password."""
    basic = (config.username, config.password) if config.username else None
    return AdcsCA(http_for(reactor, config), config.url, config.options["template"], basic,
                  clock, config.options["chain_refresh"])
