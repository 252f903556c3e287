"""CloudFlare CFSSL's REST API as the CA.

* `POST /api/v1/cfssl/sign` with {certificate_request, profile, label}, or
  `POST /api/v1/cfssl/authsign` with {token, request} when `auth_key` is set:
  request = the same JSON, base64; token = base64 HMAC-SHA256 over it with
  the hex-decoded key (cfssl auth "standard" provider).
* `POST /api/v1/cfssl/info` with {label, profile} for the CA certificate and the
  profile's `usages` and `expiry`: the extended key usages become the RA's
  issuing terms (estra/upstream/issuingterms.py), read again after `[ca] sync_seconds`.
* `POST /api/v1/cfssl/revoke` with {serial (decimal), authority_key_id (hex),
  reason} (`estra revoke`; needs `cfssl serve -db-config`).
Answers are {success, result, errors: [{code, message}], messages}.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any, Callable

from cryptography import x509
from zope.interface import implementer

from estra.asn1 import wire
from estra.config import ConfigError, Profile, Upstream
from estra.errors import EstError
from estra.interfaces import (ICertificateAuthority, IClosable, IEstraReactor, IIssuingTerms,
                              IRevoker)
from estra.upstream.issuingterms import IssuingTerms, TermsCache, from_cfssl_info
from estra.upstream.http import UpstreamHTTP, http_for
from estra.upstream.jsonapi import json_body, json_or_none, pem_certs

__all__ = ["CfsslCA", "from_config"]


@implementer(ICertificateAuthority, IClosable, IIssuingTerms, IRevoker)
class CfsslCA:
    """Signs through `cfssl serve` (or anything speaking its API)."""

    def __init__(self, http: UpstreamHTTP, url: str, profile: str, label: str,
                 auth_key: bytes | None, clock: Callable[[], float] = time.time,
                 terms_max_age: float = 60.0) -> None:
        self.http, self.url = http, url.rstrip("/")
        self.profile, self.label, self.auth_key = profile, label, auth_key
        self._terms = TermsCache(http.name, self._read_terms, clock, terms_max_age)

    async def _call(self, endpoint: str, payload: dict[str, Any]) -> Any:
        if endpoint == "sign" and self.auth_key is not None:
            request = json.dumps(payload).encode()
            token = hmac.new(self.auth_key, request, hashlib.sha256).digest()
            endpoint, payload = "authsign", {"token": base64.b64encode(token).decode(),
                                             "request": base64.b64encode(request).decode()}
        reply = await self.http.request("POST", f"{self.url}/api/v1/cfssl/{endpoint}",
                                        json=payload)
        doc = json_or_none(reply)
        if reply.status != 200 or not isinstance(doc, dict) or not doc.get("success"):
            errors = doc.get("errors") if isinstance(doc, dict) else None
            reason = "; ".join(str(e.get("message", e)) for e in errors or [] if e) or None
            if reply.status == 200:
                if doc is None:
                    json_body(self.http, reply)         # 502: not JSON
                reply = type(reply)(400, reply.headers, reply.body)
            raise self.http.refusal(reply, reason)
        return doc.get("result") or {}

    async def cacerts(self) -> list[x509.Certificate]:
        result = await self._call("info", {"label": self.label, "profile": self.profile})
        return pem_certs(self.http, result.get("certificate"))

    async def _read_terms(self) -> IssuingTerms:
        result = await self._call("info", {"label": self.label, "profile": self.profile})
        return from_cfssl_info(self.profile, result)

    async def issuing_terms(self) -> IssuingTerms | None:
        """The profile's usages as /info reports them (IIssuingTerms)."""
        return await self._terms.get()

    async def enroll(self, csr: x509.CertificateSigningRequest, identity: object,
                     profile: Profile) -> list[x509.Certificate]:
        result = await self._call("sign", {
            "certificate_request": wire.csr_pem(csr),
            "profile": self.profile, "label": self.label})
        return pem_certs(self.http, result.get("certificate"))

    reenroll = enroll

    async def revoke(self, serial: int, cert: x509.Certificate | None, reason: str) -> str:
        """Mark the certificate revoked in cfssl's certificate database.

        cfssl keys that database on (serial, AKI) as its signer recorded them,
        and cfssl builds of 2016 (Debian's golang-cfssl) record an empty AKI:
        "not found" under the certificate's AKI is asked once more with "".
        """
        for aki in dict.fromkeys([wire.authority_key_id(cert), ""]):
            try:
                await self._call("revoke", {"serial": str(serial), "authority_key_id": aki,
                                            "reason": reason})
            except EstError as e:
                if aki and "not found" in e.reason:
                    continue
                raise
            break
        return f"revoked in cfssl's certificate database ({reason})"

    async def close(self) -> None:
        await self.http.close()


def from_config(reactor: IEstraReactor, config: Upstream, clock: Callable[[], float]) -> CfsslCA:
    key = config.options["auth_key"]
    try:
        auth = bytes.fromhex(key) if key else None
    except ValueError as e:
        raise ConfigError(f"upstreams.{config.name}.auth_key: must be hex") from e
    return CfsslCA(http_for(reactor, config), config.url, config.options["profile"],
                   config.options["label"], auth, clock, config.terms_max_age)
