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
* "Certificate management" v2: `GET {base}/v2/certificate/profile/{name}` gives
  the certificate profile's {certificate_profile_id, available_key_algs,
  available_bit_lenghts (sic), available_ecdsa_curves, available_cas}: the RA's
  issuing terms (estra/upstream/issuingterms.py), read again after `[ca] sync_seconds`.
  With it, `GET {base}/v2/endentity/profile/{name}` (EndEntityProfileResponse) for
  the end entity profile's `available_cas`: a `ca_name` not among them is refused
  up front (502, as EJBCA refuses every such enrollment: "Couldn't find CA (id)
  among End Entity Profiles Available CAs.").
  The RA's role needs View Certificate Profiles
  (/ca_functionality/view_certificate_profiles) to read it; without it (403), or
  on an EJBCA without the v2 resource (404), the RA checks nothing up front and
  logs why.
* Errors are {error_code, error_message} with that HTTP status.

What a deployed EJBCA refuses, and what the device sees (docs/upstreams/ejbca.rst):

* pkcs10enroll adds the end entity on a device's first enrollment and edits it
  on every later one, so the RA's role needs both "Create End Entity" and
  "Edit End Entity" on the end entity profile.  EJBCA's 403 (a role without
  one of them, or no role at all) is 502 naming the rights; so is a 404 (no
  such CA, certificate or end entity profile): the operator must fix those.
* With approvals on for the CA or certificate profile, pkcs10enroll answers 400
  ("Single transaction enrollment request rejected since approvals are
  enabled ...") and rolls the approval request back: there is nothing to poll,
  so the answer is 502 with that reason, never a hold a device would retry for
  nothing.
* /cacerts is the CA's current chain, cached `chain_refresh` seconds, the
  last good copy served while EJBCA cannot be reached.  Re-enrollment trust
  keeps the CA certificates an earlier download showed (after a CA renewal
  with new keys, certificates of the old key still verify) and the upstream's
  `extra_chain`, as for every upstream (estra/upstream/issuers.py).

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
import time
from typing import Any, Callable
from urllib.parse import quote

from attrs import evolve
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509.oid import NameOID
from twisted.logger import Logger
from zope.interface import implementer

from estra.asn1 import wire
from estra.config import Profile, Upstream
from estra.errors import BadUpstream, EstError
from estra.interfaces import (ICertificateAuthority, IClosable, IEstraReactor, IIssuingTerms,
                              IRevoker, Reply)
from estra.upstream.issuingterms import (IssuingTerms, TermsCache, ejbca_ca_refusal,
                                        from_ejbca_profile)
from estra.upstream.http import CachedCerts, UpstreamHTTP, http_for
from estra.upstream.jsonapi import json_body, pem_certs

__all__ = ["EjbcaCA", "from_config", "username_for"]

log = Logger(namespace="estra.upstream.ejbca")

#: CA certificates an earlier chain download showed, kept at most (newest kept).

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


@implementer(ICertificateAuthority, IClosable, IIssuingTerms, IRevoker)
class EjbcaCA:
    """Issues through one EJBCA CA with fixed certificate and end entity profiles."""

    def __init__(self, http: UpstreamHTTP, url: str, ca_name: str, certificate_profile: str,
                 end_entity_profile: str, username_prefix: str = "estra-",
                 include_chain: bool = True, clock: Callable[[], float] = time.time,
                 chain_refresh: float = 3600, terms_max_age: float = 60.0) -> None:
        base = url.rstrip("/").removesuffix("/v1")
        if not base.endswith("ejbca-rest-api"):
            base += "/ejbca/ejbca-rest-api"
        self.http, self.base = http, base + "/v1"
        self.ca_name, self.certificate_profile = ca_name, certificate_profile
        self.end_entity_profile, self.prefix = end_entity_profile, username_prefix
        self.include_chain = include_chain
        self._subject_dn: str | None = None
        self._chain = CachedCerts(http.name, self._fetch_chain, clock, chain_refresh)
        self._terms = TermsCache(http.name, self._read_terms, clock, terms_max_age)

    async def _get(self, path: str, version: str = "v1") -> Reply:
        base = self.base.removesuffix("/v1") + "/" + version
        reply = await self.http.request("GET", f"{base}/{path}")
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

    async def _ca_dn(self, fresh: bool = False) -> str:
        """The subject DN of the CA named `ca_name`, from EJBCA's CA list (cached)."""
        if self._subject_dn is None or fresh:
            doc = json_body(self.http, await self._get("ca"))
            cas = doc.get("certificate_authorities") if isinstance(doc, dict) else None
            dn = next((c.get("subject_dn") for c in cas or []
                       if isinstance(c, dict) and c.get("name") == self.ca_name), None)
            if not dn:
                raise BadUpstream(f"upstream {self.http.name} has no CA named "
                                  f"{self.ca_name!r} visible to the RA")
            self._subject_dn = str(dn)
        return self._subject_dn

    async def _fetch_chain(self) -> list[x509.Certificate]:
        """The CA's current chain (issuing CA first), its DN read again from the CA list."""
        dn = await self._ca_dn(fresh=True)
        reply = await self._get(f"ca/{quote(dn, safe='')}/certificate/download")
        return pem_certs(self.http, reply.body.decode("utf-8", "replace"))

    async def cacerts(self) -> list[x509.Certificate]:
        """The CA's current chain (issuing CA first); see the module docstring."""
        return list(await self._chain.get())

    async def _read_terms(self) -> IssuingTerms:
        reply = await self._get(f"certificate/profile/{quote(self.certificate_profile, '')}",
                                "v2")
        doc = json_body(self.http, reply)
        if not isinstance(doc, dict):
            raise BadUpstream(f"upstream {self.http.name} described no certificate profile")
        terms = from_ejbca_profile(self.certificate_profile, doc)
        return evolve(terms, blocked=await self._ca_refusal())

    async def _ca_refusal(self) -> str | None:
        """Why the end entity profile refuses `ca_name` (its available_cas), or None; a
        profile the RA's role may not view is logged and checks nothing."""
        try:
            reply = await self._get(
                f"endentity/profile/{quote(self.end_entity_profile, '')}", "v2")
        except EstError as e:
            log.warn("upstream {name}: end entity profile {profile} could not be read "
                     "({reason}); its available CAs are not checked", name=self.http.name,
                     profile=self.end_entity_profile, reason=e.reason)
            return None
        doc = json_body(self.http, reply)
        return ejbca_ca_refusal(self.end_entity_profile, self.ca_name, doc) \
            if isinstance(doc, dict) else None

    async def issuing_terms(self) -> IssuingTerms | None:
        """The certificate profile's keys (IIssuingTerms); see the module docstring."""
        return await self._terms.get()

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
            raise self._refusal(reply)
        doc = json_body(self.http, reply)
        if not isinstance(doc, dict) or not doc.get("certificate"):
            raise BadUpstream(f"upstream {self.http.name} returned no certificate")
        chain = doc.get("certificate_chain") if self.include_chain else None
        return [self._der(doc["certificate"]),
                *(self._der(c) for c in (chain if isinstance(chain, list) else []))]

    reenroll = enroll

    def _refusal(self, reply: Reply) -> EstError:
        """pkcs10enroll's refusal: the RA's own setup (rights, approvals, names) is 502
        with the reason and what to change; the rest as `UpstreamHTTP.refusal`."""
        message = _message(reply) or reply.body.decode("utf-8", "replace").strip()[:300]
        name = self.http.name
        if reply.status == 202 or (reply.status == 400 and "approval" in message.lower()):
            return BadUpstream(
                f"upstream {name}: EJBCA requires an approval for this enrollment "
                f"({message}); pkcs10enroll cannot wait for one: exempt CA "
                f"{self.ca_name!r} and certificate profile {self.certificate_profile!r} "
                "from approvals (estra's own hold can stand in for them)")
        if reply.status in (401, 403):
            return BadUpstream(
                f"upstream {name}: EJBCA denied the RA's role ({message}); on end entity "
                f"profile {self.end_entity_profile!r} it needs Create End Entity (a "
                "device's first enrollment) and Edit End Entity (every renewal), plus "
                f"Create Certificate and access to CA {self.ca_name!r}")
        if reply.status == 404:
            return BadUpstream(f"upstream {name}: EJBCA does not know what the RA asks "
                               f"for ({message}): check ca_name, certificate_profile and "
                               "end_entity_profile")
        return self.http.refusal(reply, message or None)

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


def from_config(reactor: IEstraReactor, config: Upstream, clock: Callable[[], float]) -> EjbcaCA:
    """An `EjbcaCA` from [upstreams.NAME]."""
    o = config.options
    return EjbcaCA(http_for(reactor, config), config.url, o["ca_name"],
                   o["certificate_profile"], o["end_entity_profile"],
                   o["username_prefix"], o["include_chain"], clock, o["chain_refresh"],
                   config.terms_max_age)
