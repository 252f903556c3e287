"""Keyfactor EJBCA's REST API as the CA (EJBCA REST Interface).

The RA authenticates by its TLS client certificate only (`client_cert` /
`client_key`), which EJBCA maps to an administrator role.

* "Certificate management": `POST {base}/v1/certificate/pkcs10enroll` with
  {certificate_request (PEM), certificate_profile_name,
  end_entity_profile_name, certificate_authority_name, username, password,
  include_chain}.  EJBCA creates or updates the end entity `username`; it is
  `username_prefix` + the CSR's common name (else the SHA-256 of its public
  key), so a device keeps one end entity across re-enrollments.  The
  password is random per request: the RA never reuses it.  201 (or 200)
  answers {certificate, serial_number, response_format: "DER",
  certificate_chain} with base64 DER certificates.
* "CA": `GET {base}/v1/ca` lists {certificate_authorities: [{name,
  subject_dn, ...}]}; `GET {base}/v1/ca/{subject_dn}/certificate/download`
  gives the CA's chain as PEM (issuing CA first).
* "Certificate management": `PUT {base}/v1/certificate/{issuer_dn}/
  {certificate_serial_number}/revoke?reason=KEY_COMPROMISE` (`estra revoke`;
  serial in hex) answers {issuer_dn, serial_number, revocation_reason,
  revocation_date, message, revoked}.
* Errors are {error_code, error_message} with that HTTP status.

`url` is the server (`https://ejbca.example:8443`); `{base}` is
`url/ejbca/ejbca-rest-api` unless `url` already ends in `ejbca-rest-api`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
from typing import Any, Callable
from urllib.parse import quote

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509.oid import NameOID
from zope.interface import implementer

from estra import wire
from estra.config import Profile, Upstream
from estra.errors import BadUpstream
from estra.interfaces import ICertificateAuthority
from estra.upstream.http import Reply, UpstreamHTTP, http_for
from estra.upstream.jsonapi import json_body, pem_certs

__all__ = ["EjbcaCA", "from_config", "username_for"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]+")
#: RFC 5280 reason names -> EJBCA's RevocationReasons.
_REASONS = {"unspecified": "UNSPECIFIED", "keyCompromise": "KEY_COMPROMISE",
            "cACompromise": "CA_COMPROMISE", "affiliationChanged": "AFFILIATION_CHANGED",
            "superseded": "SUPERSEDED", "cessationOfOperation": "CESSATION_OF_OPERATION",
            "certificateHold": "CERTIFICATE_HOLD", "privilegeWithdrawn": "PRIVILEGES_WITHDRAWN"}


def username_for(prefix: str, csr: x509.CertificateSigningRequest) -> str:
    """The end entity name: prefix + CSR common name, else + SHA-256 of the key."""
    cn = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if cn and str(cn[0].value).strip():
        return prefix + _UNSAFE.sub("_", str(cn[0].value).strip())
    spki = csr.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return prefix + hashlib.sha256(spki).hexdigest()


def _message(reply: Reply) -> str | None:
    """EJBCA's error_message, or None when the body is something else."""
    try:
        message = json.loads(reply.body).get("error_message")
    except (ValueError, AttributeError):
        return None
    return str(message) if message else None


@implementer(ICertificateAuthority)
class EjbcaCA:
    """Issues through one EJBCA CA with fixed certificate and end entity profiles."""

    def __init__(self, http: UpstreamHTTP, url: str, ca_name: str, certificate_profile: str,
                 end_entity_profile: str, username_prefix: str = "estra-",
                 include_chain: bool = True) -> None:
        base = url.rstrip("/").removesuffix("/v1")
        if not base.endswith("ejbca-rest-api"):
            base += "/ejbca/ejbca-rest-api"
        self.http, self.base = http, base + "/v1"
        self.ca_name, self.certificate_profile = ca_name, certificate_profile
        self.end_entity_profile, self.prefix = end_entity_profile, username_prefix
        self.include_chain = include_chain
        self._subject_dn: str | None = None

    async def _get(self, path: str) -> Reply:
        reply = await self.http.request("GET", f"{self.base}/{path}")
        if reply.status != 200:
            raise self.http.refusal(reply, _message(reply))
        return reply

    def _der(self, text: Any) -> x509.Certificate:
        """One certificate as EJBCA gives it: base64 DER (PEM tolerated)."""
        try:
            if isinstance(text, str) and text.lstrip().startswith("-----BEGIN"):
                return x509.load_pem_x509_certificate(text.encode())
            return x509.load_der_x509_certificate(base64.b64decode(str(text), validate=True))
        except (ValueError, binascii.Error) as e:
            raise BadUpstream(f"upstream {self.http.name} returned an unreadable "
                              f"certificate: {e}") from e

    async def _ca_dn(self) -> str:
        """The subject DN of the CA named `ca_name`, from EJBCA's CA list (cached)."""
        if self._subject_dn is None:
            doc = json_body(self.http, await self._get("ca"))
            cas = doc.get("certificate_authorities") if isinstance(doc, dict) else None
            dn = next((c.get("subject_dn") for c in cas or []
                       if isinstance(c, dict) and c.get("name") == self.ca_name), None)
            if not dn:
                raise BadUpstream(f"upstream {self.http.name} has no CA named "
                                  f"{self.ca_name!r} visible to the RA")
            self._subject_dn = str(dn)
        return self._subject_dn

    async def cacerts(self) -> list[x509.Certificate]:
        dn = await self._ca_dn()
        reply = await self._get(f"ca/{quote(dn, safe='')}/certificate/download")
        return pem_certs(self.http, reply.body.decode("utf-8", "replace"))

    async def enroll(self, csr: x509.CertificateSigningRequest, identity: object,
                     profile: Profile) -> list[x509.Certificate]:
        reply = await self.http.request("POST", f"{self.base}/certificate/pkcs10enroll", json={
            "certificate_request": wire.csr_pem(csr),
            "certificate_profile_name": self.certificate_profile,
            "end_entity_profile_name": self.end_entity_profile,
            "certificate_authority_name": self.ca_name,
            "username": username_for(self.prefix, csr),
            "password": secrets.token_urlsafe(24),
            "include_chain": self.include_chain})
        if reply.status not in (200, 201):
            raise self.http.refusal(reply, _message(reply))
        doc = json_body(self.http, reply)
        if not isinstance(doc, dict) or not doc.get("certificate"):
            raise BadUpstream(f"upstream {self.http.name} returned no certificate")
        chain = doc.get("certificate_chain") if self.include_chain else None
        return [self._der(doc["certificate"]),
                *(self._der(c) for c in (chain if isinstance(chain, list) else []))]

    reenroll = enroll

    async def revoke(self, serial: int, cert: x509.Certificate | None, reason: str) -> str:
        """Revoke by issuer DN and hex serial; EJBCA publishes it in its CRL and OCSP."""
        issuer = cert.issuer.rfc4514_string() if cert is not None else await self._ca_dn()
        reply = await self.http.request(
            "PUT", f"{self.base}/certificate/{quote(issuer, safe='')}/{serial:X}/revoke"
            f"?reason={_REASONS[reason]}")
        if reply.status != 200:
            raise self.http.refusal(reply, _message(reply))
        doc = json_body(self.http, reply)
        if not isinstance(doc, dict) or doc.get("revoked") is not True:
            raise BadUpstream(f"upstream {self.http.name} did not confirm the revocation")
        return f"revoked by EJBCA at {doc.get('revocation_date')}: {doc.get('message')}"

    async def close(self) -> None:
        await self.http.close()


def from_config(reactor: Any, config: Upstream, clock: Callable[[], float]) -> EjbcaCA:
    o = config.options
    return EjbcaCA(http_for(reactor, config), config.url, o["ca_name"],
                   o["certificate_profile"], o["end_entity_profile"],
                   o["username_prefix"], o["include_chain"])
