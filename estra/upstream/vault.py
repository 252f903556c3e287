"""HashiCorp Vault's (or OpenBao's) PKI secrets engine as the CA.

* `POST /v1/:mount/sign/:role` (or `/v1/:mount/issuer/:issuer_ref/sign/:role`
  when `issuer_ref` is set; `sign-verbatim` when `sign_verbatim` is set) with
  {csr, ttl}: ttl is the upstream's `ttl`, or the lifetime the RA asks for a SCEP
  certificate (`IRequestedLifetime`, capped by Vault at the role's max_ttl); the
  names come from the CSR when the role says so
  (use_csr_common_name, use_csr_sans; read from `/v1/:mount/roles/:role`);
  only the values the role takes from JSON (common_name, alt_names, ip_sans,
  uri_sans) are sent, taken from the CSR.  The answer's `data` holds
  certificate, issuing_ca and ca_chain (PEM); errors come as {"errors": [...]}.
* `POST /v1/:mount/revoke` with {serial_number: "aa:bb:..."} (`estra revoke`).
* /cacerts and re-enrollment trust: every issuer of the mount
  (`LIST /v1/:mount/issuers`, then `GET /v1/:mount/issuer/:id/json`), the
  default issuer's chain first, so certificates from an old issuer still
  verify after a rotation; Vaults before 1.11 fall back to `ca_chain`.
* Every request carries `X-Vault-Namespace` when `namespace` is set (HCP
  Vault, Enterprise, OpenBao namespaces), logins included.
* The token (`X-Vault-Token`) is a static `token`, or from a login: AppRole
  (`POST /v1/auth/:approle_mount/login` {role_id, secret_id}) or TLS
  certificate (`POST /v1/auth/:cert_mount/login` {name}, authenticated by
  the RA's client_cert).  It is looked up (`auth/token/lookup-self`) at start
  and renewed (`auth/token/renew-self`) at half its remaining TTL.  When it
  cannot be extended any more (not renewable, max TTL reached) estra logs in
  afresh where the method allows; a static token instead turns `health()`
  red then, and once it expired enrollments get 503 without asking Vault.
  A 403 with a login token means it was revoked: log in again once and
  retry (a refused request cannot have issued a certificate).

enroll returns the leaf then the intermediates from ca_chain; self-signed
roots are left out (devices get them from /cacerts), as the local CA does.
"""

from __future__ import annotations

import json
import math
from typing import Any

from attrs import define
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID
from twisted.internet.defer import Deferred, DeferredLock
from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.logger import Logger
from zope.interface import implementer

from estra.asn1 import wire
from estra.config import ConfigError, Profile, Upstream
from estra.errors import BadUpstream, EstError, UpstreamUnavailable
from estra.interfaces import (ICertificateAuthority, IClosable, IEstraReactor, IHealthChecked,
                              IIssuingTerms, IRequestedLifetime, IRevoker, Reply)
from estra.upstream.issuingterms import IssuingTerms, from_vault_role
from estra.upstream.http import Refused, UpstreamHTTP, http_for
from estra.upstream.issuers import IAllIssuers
from estra.upstream.jsonapi import json_body, pem_certs

__all__ = ["VaultCA", "from_config", "AUTH_METHODS"]

log = Logger(namespace="estra.upstream.vault")
AUTH_METHODS = ("token", "approle", "cert")
MIN_RENEW_DELAY = 1.0       # seconds: renewals of a nearly expired token are spaced at least so


def _errors(reply: Reply) -> str | None:
    """Vault's {"errors": [...]} joined, or None when the body is something else."""
    try:
        errors = json.loads(reply.body).get("errors")
    except (ValueError, AttributeError):
        return None
    if not isinstance(errors, list):
        return None
    return "; ".join(str(e) for e in errors) or None


def _sign_fields(csr: x509.CertificateSigningRequest, cn: bool, sans: bool) -> dict[str, str]:
    """The names the role takes from JSON, from the CSR: common_name when `cn`,
    alt_names (DNS and e-mail), ip_sans, uri_sans when `sans`."""
    fields: dict[str, str] = {}
    names = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if cn and names:
        fields["common_name"] = str(names[0].value)
    try:
        san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return fields
    for key, values in (
            ("alt_names", san.get_values_for_type(x509.DNSName)
             + san.get_values_for_type(x509.RFC822Name)),
            ("ip_sans", [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]),
            ("uri_sans", san.get_values_for_type(x509.UniformResourceIdentifier))):
        if values and sans:
            fields[key] = ",".join(str(v) for v in values)
    return fields


@define(eq=False)
class _Token:
    """The RA's token as Vault described it: value, when it ends (clock seconds)."""

    value: str
    expires: float              # math.inf: no TTL (a root or periodic-free token)
    renewable: bool


@implementer(ICertificateAuthority, IAllIssuers, IClosable, IHealthChecked, IIssuingTerms,
             IRequestedLifetime, IRevoker)
class VaultCA:
    """Signs through a Vault/OpenBao PKI mount under one role."""

    def __init__(self, http: UpstreamHTTP, url: str, mount: str, role: str,
                 clock: IReactorTime, *, verbatim: bool = False, ttl: str = "",
                 token: str = "", login: tuple[str, dict[str, str]] | None = None,
                 namespace: str = "", issuer_ref: str = "",
                 role_max_age: float = 60.0) -> None:
        """`login` is (auth path, body) of the login method; without it `token` is used."""
        self.http, self.clock, self.role = http, clock, role
        self.api = f"{url.rstrip('/')}/v1"
        self.mount = mount.strip("/")
        self.issuer = issuer_ref or "default"
        issuer = f"issuer/{issuer_ref}/" if issuer_ref else ""
        self.path = f"{issuer}{'sign-verbatim' if verbatim else 'sign'}/{role}"
        self.verbatim, self.ttl, self.login = verbatim, ttl, login
        self.namespace = {"X-Vault-Namespace": namespace.strip("/")} if namespace else {}
        self._static = token
        self._token: _Token | None = None
        self._doomed = ""               # why the static token will expire unrenewed
        self._role_read: tuple[float, dict[str, Any]] | None = None    # (when, data)
        self.role_max_age = role_max_age        # [ca] sync_seconds
        self._lock = DeferredLock()
        self._renewal: IDelayedCall | None = None

    # -- HTTP: every request goes through _request (namespace) -------------------------
    async def _request(self, method: str, path: str, *, json: Any = None,
                       token: str | None = None) -> Reply:
        headers = dict(self.namespace)
        if token is not None:
            headers["X-Vault-Token"] = token
        return await self.http.request(method, f"{self.api}/{path}", json=json,
                                       headers=headers)

    def _data(self, reply: Reply, what: str, key: str = "data") -> dict[str, Any]:
        """The answer's `data` (or `auth`); a refusal becomes the device-facing error."""
        if reply.status != 200:
            raise self.http.refusal(reply, _errors(reply))
        doc = json_body(self.http, reply)
        if not isinstance(doc, dict) or not isinstance(doc.get(key), dict):
            raise BadUpstream(f"upstream {self.http.name} answered {what} without {key}")
        data: dict[str, Any] = doc[key]
        return data

    async def _authed(self, method: str, path: str, payload: Any = None) -> dict[str, Any]:
        """A request with the RA's token; a login token refused with 403 is renewed once."""
        for attempt in (1, 2):
            token = await self.token()
            reply = await self._request(method, path, json=payload, token=token)
            if reply.status == 403 and self.login and attempt == 1:
                if self._token is not None and self._token.value == token:
                    self._token = None          # revoked or expired early: log in afresh
                continue
            break
        return self._data(reply, path)

    # -- the token -------------------------------------------------------------------
    async def token(self) -> str:
        """The RA's current token: looked up or logged in once, renewed by a timer.

        A static token past its expiry is 503 here, without asking Vault."""
        async with self._lock:
            current = self._token
            if current is not None and self.clock.seconds() >= current.expires:
                if not self.login:
                    reason = (f"upstream {self.http.name}: the RA's Vault token expired "
                              f"({self._doomed or 'its TTL ran out'}); give estra a new token")
                    log.error("{reason}", reason=reason)
                    raise UpstreamUnavailable(reason, self.http.retry_after)
                current = None
            if current is None:
                current = await (self._log_in() if self.login else self._lookup(self._static))
            return current.value

    async def _lookup(self, value: str) -> _Token:
        """auth/token/lookup-self: the static token's TTL and renewability."""
        data = self._data(await self._request("GET", "auth/token/lookup-self", token=value),
                          "auth/token/lookup-self")
        return self._keep(value, data.get("ttl"), bool(data.get("renewable")))

    async def _log_in(self) -> _Token:
        assert self.login is not None
        path, body = self.login
        reply = await self._request("POST", path, json=body)
        if 400 <= reply.status < 500 and reply.status != 429:
            raise BadUpstream(f"upstream {self.http.name} refused the RA's login at "
                              f"{path} ({reply.status}): {_errors(reply) or 'no reason'}")
        auth = self._data(reply, path, "auth")
        if not auth.get("client_token"):
            raise BadUpstream(f"upstream {self.http.name}: login at {path} gave no token")
        log.info("upstream {name}: logged in at {path}", name=self.http.name, path=path)
        return self._keep(str(auth["client_token"]), auth.get("lease_duration"),
                          bool(auth.get("renewable")))

    def _keep(self, value: str, ttl: Any, renewable: bool) -> _Token:
        """Remember the token and schedule its renewal at half its remaining TTL."""
        seconds = float(ttl) if isinstance(ttl, (int, float)) and ttl > 0 else math.inf
        self._token = _Token(value, self.clock.seconds() + seconds, renewable)
        self._doomed = ""
        self._schedule()
        return self._token

    def _schedule(self) -> None:
        if self._renewal is not None and self._renewal.active():
            self._renewal.cancel()
        self._renewal = None
        if self._token is not None and self._token.expires < math.inf:
            delay = max(MIN_RENEW_DELAY, (self._token.expires - self.clock.seconds()) / 2)
            self._renewal = self.clock.callLater(delay, self._renew_later)

    def _renew_later(self) -> Deferred[None]:
        self._renewal = None
        return Deferred.fromCoroutine(self.renew())

    async def renew(self) -> None:
        """Extend the token (renew-self) or, when it cannot be, log in afresh or
        (static token) say so: health turns red before it expires."""
        async with self._lock:
            current = self._token
            if current is None:
                return
            try:
                if current.renewable:
                    reply = await self._request("POST", "auth/token/renew-self", json={},
                                                token=current.value)
                    if reply.status == 200:
                        auth = self._data(reply, "auth/token/renew-self", "auth")
                        ttl = auth.get("lease_duration")
                        if isinstance(ttl, (int, float)) and \
                                self.clock.seconds() + ttl > current.expires + 1:
                            self._keep(current.value, ttl, bool(auth.get("renewable")))
                            return
                why = ("its max TTL is reached" if current.renewable
                       else "it is not renewable")
                if self.login:
                    log.info("upstream {name}: the RA's token cannot be renewed ({why}); "
                             "logging in again", name=self.http.name, why=why)
                    await self._log_in()
                    return
                self._doomed = why
                log.error("upstream {name}: the RA's Vault token cannot be renewed ({why}) "
                          "and expires in {left:.0f} s; give estra a new token",
                          name=self.http.name, why=why,
                          left=current.expires - self.clock.seconds())
            except EstError as e:         # Vault unreachable: try again at half the rest
                log.warn("upstream {name}: token renewal failed: {reason}",
                         name=self.http.name, reason=e.reason)
                self._schedule()

    # -- the CA --------------------------------------------------------------------
    async def health(self) -> str:
        """Authenticated check: the token is valid (lookup-self) and will not expire
        unrenewed, and the role is readable."""
        value = await self.token()
        if self._doomed and not self.login:
            raise UpstreamUnavailable(f"upstream {self.http.name}: the RA's Vault token "
                                      f"cannot be renewed ({self._doomed}); give estra a "
                                      "new token before it expires", self.http.retry_after)
        data = self._data(await self._request("GET", "auth/token/lookup-self", token=value),
                          "auth/token/lookup-self")
        await self._role(refresh=True)
        ttl = data.get("ttl")
        namespace = self.namespace.get("X-Vault-Namespace") if self.namespace else None
        return (f"ok (token ttl {ttl or 'none'} s, role {self.role}"
                f"{', namespace ' + namespace if namespace else ''})")

    async def _role_data(self, refresh: bool = False) -> dict[str, Any]:
        """The role's `data` (`GET /v1/:mount/roles/:name`), read again when `refresh`
        or older than `role_max_age` seconds ([ca] sync_seconds: an operator may change
        the role)."""
        now = self.clock.seconds()
        if self._role_read is None or refresh or now - self._role_read[0] > self.role_max_age:
            self._role_read = (now, await self._authed("GET",
                                                       f"{self.mount}/roles/{self.role}"))
        return self._role_read[1]

    async def _role(self, refresh: bool = False) -> tuple[bool, bool]:
        """(use_csr_common_name, use_csr_sans) of the role (Vault's defaults: true, true)."""
        data = await self._role_data(refresh)
        return (data.get("use_csr_common_name", True) is not False,
                data.get("use_csr_sans", True) is not False)

    async def issuing_terms(self) -> IssuingTerms | None:
        """The role's key and name rules (IIssuingTerms); None with sign-verbatim (the
        role's rules do not apply) or when the role cannot be read."""
        if self.verbatim:
            return None
        try:
            return from_vault_role(self.role, await self._role_data())
        except EstError:
            return None             # the CA answers for itself at enrollment; health is red

    async def cacerts(self) -> list[x509.Certificate]:
        """The chain of the issuer that signs (`issuer_ref`, else the mount's default)."""
        reply = await self._request("GET", f"{self.mount}/issuer/{self.issuer}/json")
        if reply.status in (404, 405):
            return await self._ca_chain()           # before Vault 1.11: ca_chain
        data = self._data(reply, f"issuer/{self.issuer}")
        return pem_certs(self.http, data.get("ca_chain") or data.get("certificate"))

    async def issuers(self) -> list[x509.Certificate]:
        """Every issuer's chain in the mount, the default issuer's first (IAllIssuers:
        the re-enrollment trust keeps rotated issuers)."""
        listing = await self._request("GET", f"{self.mount}/issuers?list=true")
        if listing.status in (404, 405):
            return await self._ca_chain()           # before Vault 1.11 (or none): ca_chain
        keys = self._data(listing, "issuers").get("keys")
        if not isinstance(keys, list) or not keys:
            return await self._ca_chain()
        certs: dict[bytes, x509.Certificate] = {}
        for ref in ["default", *(str(k) for k in keys)]:
            data = self._data(await self._request("GET", f"{self.mount}/issuer/{ref}/json"),
                              f"issuer/{ref}")
            for cert in pem_certs(self.http, data.get("ca_chain") or data.get("certificate")):
                certs.setdefault(cert.fingerprint(hashes.SHA256()), cert)
        return list(certs.values())

    async def _ca_chain(self) -> list[x509.Certificate]:
        for path in ("ca_chain", "ca/pem"):
            reply = await self._request("GET", f"{self.mount}/{path}")
            if reply.status not in (200, 204):
                raise self.http.refusal(reply, _errors(reply))
            if reply.body.strip():
                return pem_certs(self.http, reply.body.decode("utf-8", "replace"))
        raise BadUpstream(f"upstream {self.http.name} has no CA certificate")

    def lifetime_limit(self) -> float | None:
        """Vault caps `ttl` at the role's max_ttl and the issuer's notAfter itself."""
        return None

    async def enroll(self, csr: x509.CertificateSigningRequest, identity: object,
                     profile: Profile) -> list[x509.Certificate]:
        asked = profile.requested_lifetime if profile is not None else 0
        ttl = f"{int(asked)}s" if asked else self.ttl
        payload = {"csr": wire.csr_pem(csr), **({"ttl": ttl} if ttl else {})}
        if not self.verbatim:
            try:
                use_cn, use_sans = await self._role()
            except (BadUpstream, Refused) as e:   # policy without read: health is red
                log.warn("upstream {name}: cannot read role {role} ({reason}); sending the "
                         "CSR's names as JSON too", name=self.http.name, role=self.role,
                         reason=e.reason)
                use_cn = use_sans = False
            payload.update(_sign_fields(csr, not use_cn, not use_sans))
        data = await self._authed("POST", f"{self.mount}/{self.path}", payload)
        leaf, *_ = pem_certs(self.http, data.get("certificate"))
        chain = pem_certs(self.http, data.get("ca_chain") or data.get("issuing_ca"))
        return [leaf, *(c for c in chain if c.subject != c.issuer)]

    reenroll = enroll

    async def revoke(self, serial: int, cert: x509.Certificate | None, reason: str) -> str:
        """Revoke by serial ("aa:bb:..." as Vault writes it); Vault updates its CRL."""
        octets = serial.to_bytes(max(1, (serial.bit_length() + 7) // 8), "big")
        data = await self._authed("POST", f"{self.mount}/revoke",
                                  {"serial_number": ":".join(f"{b:02x}" for b in octets)})
        when = data.get("revocation_time_rfc3339") or data.get("revocation_time")
        return f"revoked by Vault at {when}"

    def start(self) -> None:
        """Look the token up (or log in) now, so health knows its TTL from the start."""
        def failed(e: Any) -> None:
            log.warn("upstream {name}: cannot obtain the RA's Vault token yet: {reason}",
                     name=self.http.name, reason=getattr(e.value, "reason", e.value))
        Deferred.fromCoroutine(self.token()).addErrback(failed)

    async def close(self) -> None:
        if self._renewal is not None and self._renewal.active():
            self._renewal.cancel()
        self._renewal = None
        await self.http.close()


def _login(config: Upstream) -> tuple[str, dict[str, str]] | None:
    """(path, body) of the configured login method; None for a static token."""
    o, where = config.options, f"upstreams.{config.name}"
    method = o["auth"] or ("approle" if o["approle_role_id"] else "token")
    if method not in AUTH_METHODS:
        raise ConfigError(f"{where}.auth: must be one of {', '.join(AUTH_METHODS)}")
    if o["token"] and method != "token":
        raise ConfigError(f"{where}.token: give token or a login (auth = {method!r}), not both")
    if method == "token" and not o["token"]:
        raise ConfigError(f"{where}.token: kind = 'vault' needs token (or token_file), "
                          "approle_role_id, or auth = 'cert'")
    if o["approle_secret_id"] and not o["approle_role_id"]:
        raise ConfigError(f"{where}.approle_secret_id: needs approle_role_id")
    if method == "approle" and not o["approle_role_id"]:
        raise ConfigError(f"{where}.approle_role_id: required with auth = 'approle'")
    if method == "cert" and config.client_cert is None:
        raise ConfigError(f"{where}.client_cert: auth = 'cert' logs in with the RA's "
                          "client certificate (client_cert, client_key)")
    if method == "approle":
        return (f"auth/{o['approle_mount'].strip('/')}/login",
                {"role_id": o["approle_role_id"],
                 **({"secret_id": o["approle_secret_id"]} if o["approle_secret_id"] else {})})
    if method == "cert":
        return (f"auth/{o['cert_mount'].strip('/')}/login",
                {"name": o["cert_role"]} if o["cert_role"] else {})
    return None


def from_config(reactor: IEstraReactor, config: Upstream, clock: IReactorTime) -> VaultCA:
    """A `VaultCA` from [upstreams.NAME], its token looked up (or logged in) once the
    reactor runs; one auth method: token, AppRole or TLS certificate."""
    o = config.options
    ca = VaultCA(http_for(reactor, config), config.url, o["mount"], o["role"], reactor,
                 verbatim=o["sign_verbatim"], ttl=o["ttl"], token=o["token"],
                 login=_login(config), namespace=o["namespace"], issuer_ref=o["issuer_ref"],
                 role_max_age=config.terms_max_age)
    reactor.callWhenRunning(ca.start)
    return ca
