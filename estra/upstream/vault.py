"""HashiCorp Vault's (or OpenBao's) PKI secrets engine as the CA.

* `POST /v1/:mount/sign/:role` with {csr, common_name, alt_names, ip_sans,
  uri_sans, format: "pem", ttl}, or `POST /v1/:mount/sign-verbatim/:role`
  with {csr, format, ttl} when `sign_verbatim` is set; header
  `X-Vault-Token`.  The answer's `data` holds certificate, issuing_ca and
  ca_chain (PEM); errors come as {"errors": [...]}.
* `POST /v1/:mount/revoke` with {serial_number: "aa:bb:..."} (`estra revoke`;
  Vault takes no reason: it stays in estra's record).
* `GET /v1/:mount/ca_chain` (falling back to `ca/pem`) for /cacerts; both are
  unauthenticated and give PEM text, issuing CA first, root last.
* The token is either static (`token`) or from AppRole
  (`POST /v1/auth/:approle_mount/login` with {role_id, secret_id}), cached
  until shortly before its lease_duration ends.  A 403 from sign with an
  AppRole token means it was revoked or expired: log in again once and
  retry (a refused request cannot have issued a certificate).

enroll returns the leaf then the intermediates from ca_chain; self-signed
roots are left out (devices get them from /cacerts), as the local CA does.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from cryptography import x509
from cryptography.x509.oid import NameOID
from twisted.internet.defer import DeferredLock
from zope.interface import implementer

from estra import wire
from estra.config import ConfigError, Profile, Upstream
from estra.errors import BadUpstream
from estra.interfaces import ICertificateAuthority
from estra.upstream.http import Reply, UpstreamHTTP, http_for
from estra.upstream.jsonapi import json_body, pem_certs

__all__ = ["VaultCA", "from_config"]


def _errors(reply: Reply) -> str | None:
    """Vault's {"errors": [...]} joined, or None when the body is something else."""
    try:
        errors = json.loads(reply.body).get("errors")
    except (ValueError, AttributeError):
        return None
    if not isinstance(errors, list):
        return None
    return "; ".join(str(e) for e in errors) or None


def _sign_fields(csr: x509.CertificateSigningRequest) -> dict[str, str]:
    """common_name, alt_names (DNS and e-mail), ip_sans, uri_sans from the CSR."""
    fields: dict[str, str] = {}
    cn = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if cn:
        fields["common_name"] = str(cn[0].value)
    try:
        san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return fields
    for key, values in (
            ("alt_names", san.get_values_for_type(x509.DNSName)
             + san.get_values_for_type(x509.RFC822Name)),
            ("ip_sans", [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]),
            ("uri_sans", san.get_values_for_type(x509.UniformResourceIdentifier))):
        if values:
            fields[key] = ",".join(str(v) for v in values)
    return fields


@implementer(ICertificateAuthority)
class VaultCA:
    """Signs through a Vault/OpenBao PKI mount under one role."""

    def __init__(self, http: UpstreamHTTP, url: str, mount: str, role: str,
                 clock: Callable[[], float], *, verbatim: bool = False, ttl: str = "",
                 token: str = "", approle: tuple[str, str, str] | None = None) -> None:
        self.http, self.clock = http, clock
        self.base = f"{url.rstrip('/')}/v1/{mount.strip('/')}"
        self.login_url = (f"{url.rstrip('/')}/v1/auth/{approle[0].strip('/')}/login"
                          if approle else "")
        self.path = f"{'sign-verbatim' if verbatim else 'sign'}/{role}"
        self.verbatim, self.ttl, self.approle = verbatim, ttl, approle
        self._token, self._expires = token, float("inf")
        self._lock = DeferredLock()

    async def _login(self) -> str:
        """An AppRole client token, logging in when none is cached or it nearly expired."""
        assert self.approle is not None
        async with self._lock:
            if self._token and self.clock() < self._expires:
                return self._token
            _, role_id, secret_id = self.approle
            body = {"role_id": role_id, **({"secret_id": secret_id} if secret_id else {})}
            reply = await self.http.request("POST", self.login_url, json=body)
            if 400 <= reply.status < 500 and reply.status != 429:
                raise BadUpstream(f"upstream {self.http.name} refused the RA's AppRole "
                                  f"login ({reply.status}): {_errors(reply) or 'no reason'}")
            if reply.status != 200:
                raise self.http.refusal(reply, _errors(reply))
            doc = json_body(self.http, reply)
            auth = doc.get("auth") if isinstance(doc, dict) else None
            if not isinstance(auth, dict) or not auth.get("client_token"):
                raise BadUpstream(f"upstream {self.http.name}: AppRole login gave no token")
            lease = auth.get("lease_duration")
            lease = float(lease) if isinstance(lease, (int, float)) else 0.0
            self._token = str(auth["client_token"])
            self._expires = (self.clock() + lease - min(60.0, lease / 10)
                             if lease > 0 else float("inf"))
            return self._token

    async def _post(self, path: str, payload: dict[str, str]) -> dict[str, Any]:
        """POST with the RA's token; the answer's `data`."""
        for attempt in (1, 2):
            token = await self._login() if self.approle else self._token
            reply = await self.http.request("POST", f"{self.base}/{path}", json=payload,
                                            headers={"X-Vault-Token": token})
            if reply.status == 403 and self.approle and attempt == 1:
                if self._token == token:    # revoked or expired early: log in afresh
                    self._token = ""
                continue
            break
        if reply.status != 200:
            raise self.http.refusal(reply, _errors(reply))
        doc = json_body(self.http, reply)
        if not isinstance(doc, dict) or not isinstance(doc.get("data"), dict):
            raise BadUpstream(f"upstream {self.http.name} answered {path} without data")
        data: dict[str, Any] = doc["data"]
        return data

    async def cacerts(self) -> list[x509.Certificate]:
        for path in ("ca_chain", "ca/pem"):
            reply = await self.http.request("GET", f"{self.base}/{path}")
            if reply.status not in (200, 204):
                raise self.http.refusal(reply, _errors(reply))
            if reply.body.strip():
                return pem_certs(self.http, reply.body.decode("utf-8", "replace"))
        raise BadUpstream(f"upstream {self.http.name} has no CA certificate")

    async def enroll(self, csr: x509.CertificateSigningRequest, identity: object,
                     profile: Profile) -> list[x509.Certificate]:
        payload = {"csr": wire.csr_pem(csr), "format": "pem",
                   **({} if self.verbatim else _sign_fields(csr)),
                   **({"ttl": self.ttl} if self.ttl else {})}
        data = await self._post(self.path, payload)
        leaf, *_ = pem_certs(self.http, data.get("certificate"))
        chain = pem_certs(self.http, data.get("ca_chain") or data.get("issuing_ca"))
        return [leaf, *(c for c in chain if c.subject != c.issuer)]

    reenroll = enroll

    async def revoke(self, serial: int, cert: x509.Certificate | None, reason: str) -> str:
        """Revoke by serial ("aa:bb:..." as Vault writes it); Vault updates its CRL."""
        octets = serial.to_bytes(max(1, (serial.bit_length() + 7) // 8), "big")
        data = await self._post("revoke", {"serial_number": ":".join(f"{b:02x}" for b in octets)})
        when = data.get("revocation_time_rfc3339") or data.get("revocation_time")
        return f"revoked by Vault at {when}"

    async def close(self) -> None:
        await self.http.close()


def from_config(reactor: Any, config: Upstream, clock: Callable[[], float]) -> VaultCA:
    """A `VaultCA` from [upstreams.NAME]; exactly one of token or AppRole is required."""
    o = config.options
    where = f"upstreams.{config.name}"
    if o["token"] and o["approle_role_id"]:
        raise ConfigError(f"{where}.token: give token or approle_role_id, not both")
    if not (o["token"] or o["approle_role_id"]):
        raise ConfigError(f"{where}.token: kind = 'vault' needs token (or token_file) "
                          "or approle_role_id")
    if o["approle_secret_id"] and not o["approle_role_id"]:
        raise ConfigError(f"{where}.approle_secret_id: needs approle_role_id")
    approle = ((o["approle_mount"], o["approle_role_id"], o["approle_secret_id"])
               if o["approle_role_id"] else None)
    return VaultCA(http_for(reactor, config), config.url, o["mount"], o["role"], clock,
                   verbatim=o["sign_verbatim"], ttl=o["ttl"], token=o["token"],
                   approle=approle)
