"""Microsoft AD CS web enrollment (certsrv) as the CA.

* `POST /certsrv/certfnsh.asp` (form: Mode=newreq, CertRequest=<PEM CSR>,
  CertAttrib=CertificateTemplate:<template>, TargetStoreFlags=0, SaveCert=yes,
  ThumbPrint=) submits; the same form with Mode=chkpnd, ReqID=N asks for a held
  request's disposition.  Either answers the page of the disposition: issued
  (certrsis), pending (certrspn), denied (certrsdn) or error (certrser).
* `GET /certsrv/certnew.cer?ReqID=N&Enc=b64` gives the PEM certificate.
* `GET /certsrv/certnew.p7b?ReqID=CACert&Renewal=-1&Enc=b64` gives the CA
  chain, a base64 PKCS#7 (AD CS armors it as CERTIFICATE; PKCS7 is accepted).
* `GET /certsrv/certcarc.asp` carries in its script the CA certificate's renewal
  index (`var nRenewals=N;`): the CA has certificates 0..N, each with its chain
  at `certnew.p7b?ReqID=CACert&Renewal=K&Enc=b64`.  `issuers()` (IAllIssuers)
  lists them all, so a device whose certificate an issuer before a CA renewal
  signed (a new key, maybe a new root above it) can still re-enroll.

Pages are read by their structure, never by their words (certsrv answers in
the server's UI language): the `certnew.cer?ReqID=N` link means issued; the
pending page's `locInfoNewReq`/`locInfoChkPnd` paragraphs and its script's
`nReqId = N` mean pending; `locDenied`/`locIssRev` mean denied; an HRESULT
(0x8009....) is the reason.  Template refusals (the RA's template is not on
this CA, or the RA may not enroll in it) are the RA's misconfiguration: 502.

Pending requests become 202 + Retry-After (`retry_after`).  The request id is
kept in the store by upstream and SHA-256 of the CSR's public key, so the
device retrying the same request (RFC 7030 4.2.3) on any node polls it
(chkpnd) instead of submitting again.

The template's rules (`template_file`: what `certutil -v -dstemplate NAME`
printed on a Windows host, estra.upstream.certutil) are the RA's issuing terms
(IIssuingTerms, estra/upstream/issuingterms.py `from_adcs_template`): /csrattrs
asks for them and a request AD CS would refuse is refused up front. The file is
read again after `[ca] sync_seconds`; a file that cannot be read then keeps the
last terms (one log line).

Authentication (`auth`): basic, ntlm, negotiate (Kerberos through SPNEGO from a
keytab or a credential cache, see estra.upstream.winauth), or certificate (the
TLS client certificate only).  NTLM and Negotiate carry a channel binding token
(Extended Protection) unless `channel_binding = false`.

enroll answers the leaf then the intermediates of the chain that issued it
(fetched afresh when the CA renewed since the chain was cached); self-signed
roots are left out (devices get them from /cacerts), as the local CA does.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from typing import Any, Callable, Protocol
from urllib.parse import urlencode

from attrs import frozen
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, pkcs7
from twisted.logger import Logger
from twisted.python.filepath import FilePath
from zope.interface import implementer

from estra.asn1 import wire
from estra.config import ConfigError, Profile, Upstream
from estra.errors import BadUpstream, Held
from estra.interfaces import (ICertificateAuthority, IClosable, IEstraReactor, IIssuingTerms,
                              Reply)
from estra.upstream import HeldRequests
from estra.upstream.certutil import MAX_TEMPLATE, TemplateValue, parse_template
from estra.upstream.http import CachedCerts, Refused, UpstreamHTTP, http_for
from estra.upstream.issuers import MAX_ISSUERS, IAllIssuers
from estra.upstream.issuingterms import (IssuingTerms, TermsCache, adcs_notes,
                                         from_adcs_template)

__all__ = ["AdcsCA", "from_config", "load_b64_certs", "read_page", "renewals", "Disposition",
           "AUTH", "read_template_file"]

log = Logger(namespace="estra.upstream.adcs")
AUTH = ("basic", "ntlm", "negotiate", "certificate")
_ISSUED = re.compile(r"certnew\.cer\?ReqID=(\d+)&")
_PENDING = re.compile(r"\bID=\"?locInfo(?:NewReq|ChkPnd)\b", re.I)
_DENIED = re.compile(r"\bID=\"?loc(?:Denied|IssRev)\b", re.I)
_REQ_ID = (re.compile(r"\bnReqId\s*=\s*(\d+)"),
           re.compile(r"Name=\"?ReqID\"?\s+Value=\"?(\d+)", re.I))
_HRESULT = re.compile(r"0x8[0-9a-f]{7}", re.I)
_QUOTED = re.compile(r'"([^"<>]*0x8[0-9a-fA-F]{7}[^"<>]*)"')
_RENEWALS = re.compile(r"\bnRenewals\s*=\s*(\d{1,9})\s*;")
_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)
#: HRESULTs that mean the RA is set up wrong, not that the device asked for too much
_RA_MISCONFIGURED = {0x80094800: "CERTSRV_E_UNSUPPORTED_CERT_TYPE: the template is not "
                                  "published on this CA",
                     0x80094012: "CERTSRV_E_TEMPLATE_DENIED: the RA's account may not "
                                  "enroll in the template",
                     0x80094801: "CERTSRV_E_NO_CERT_TYPE: no template in the request"}


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
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", fragment)).split())


@frozen
class Disposition:
    """What a certsrv page says, in any language: `state` is issued, pending,
    denied or error; `hresult` the first HRESULT on the page (0 if none)."""

    state: str
    req_id: int | None
    message: str
    hresult: int = 0


def read_page(page: str) -> Disposition | None:
    """The disposition a certfnsh.asp page shows, by structure; None if it is not one."""
    if m := _ISSUED.search(page):
        return Disposition("issued", int(m.group(1)), "")
    req_id = next((int(m.group(1)) for r in _REQ_ID if (m := r.search(page))), None)
    code = _HRESULT.search(page)
    hresult = int(code.group(0), 16) if code else 0
    if quoted := _QUOTED.search(page):
        message = _text(quoted.group(1))
    elif code:
        body = _text(page[max(0, code.start() - 300):code.end() + 200])
        message = body[-400:]
    else:
        message = ""
    if _PENDING.search(page) and not code:
        return Disposition("pending", req_id, message)
    if _DENIED.search(page):
        return Disposition("denied", req_id, message, hresult)
    if code:
        return Disposition("error", req_id, message, hresult)
    return None


def key_id(csr: x509.CertificateSigningRequest) -> str:
    """What a pending request is remembered by: SHA-256 of the CSR's public key."""
    spki = csr.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest()


class RequestIds(Protocol):
    """Where held request ids are kept: key_id(csr) -> the CA's request id."""

    async def upstream_request(self, upstream: str, key_sha256: str) -> str | None: ...

    async def keep_upstream_request(self, upstream: str, key_sha256: str,
                                    request_id: str) -> None: ...

    async def forget_upstream_request(self, upstream: str, key_sha256: str) -> None: ...


class MemoryRequestIds:
    """RequestIds for one process (`estra` commands, tests): the least recently
    asked for are forgotten past 10,000."""

    def __init__(self) -> None:
        self._ids: HeldRequests[tuple[str, str], str] = HeldRequests()

    async def upstream_request(self, upstream: str, key_sha256: str) -> str | None:
        found: str | None = self._ids.get((upstream, key_sha256))
        return found

    async def keep_upstream_request(self, upstream: str, key_sha256: str,
                                    request_id: str) -> None:
        self._ids[upstream, key_sha256] = request_id

    async def forget_upstream_request(self, upstream: str, key_sha256: str) -> None:
        self._ids.pop((upstream, key_sha256), None)


def renewals(page: str) -> int | None:
    """The CA certificate's renewal index certcarc.asp's script shows (None if none)."""
    found = _RENEWALS.search(page)
    return int(found.group(1)) if found else None


def _issued_by(leaf: x509.Certificate, chain: list[x509.Certificate]) -> bool:
    """Whether a certificate of `chain` signed `leaf`."""
    for ca in chain:
        try:
            leaf.verify_directly_issued_by(ca)
            return True
        except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
            continue
    return False


def read_template_file(path: FilePath, template: str) -> tuple[IssuingTerms, list[str]]:
    """The terms of `template` in the certutil export at `path`, and the lines
    adcs_notes says about it; ValueError (its reason one line) when the file cannot be
    read, is not certutil's output, or holds other templates only."""
    try:
        with path.open() as f:
            data = f.read(MAX_TEMPLATE + 1)
    except OSError as e:
        raise ValueError(f"{path.path}: {e.strerror or e}") from e
    if len(data) > MAX_TEMPLATE:
        raise ValueError(f"{path.path}: larger than {MAX_TEMPLATE} bytes")
    # PowerShell 5's `>` writes UTF-16 with a BOM; cmd's, the ANSI code page
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    text = data.decode("utf-16" if utf16 else "utf-8-sig", errors="replace")
    try:
        sections = parse_template(text)
    except ValueError as e:
        raise ValueError(f"{path.path}: {e}") from e
    wanted = template.lower()
    found = [attrs for name, attrs in sections.items() if wanted in (
        name.lower(), *(v.lower() for v in attrs.get("cn", TemplateValue(())).values))]
    if not found:
        raise ValueError(f"{path.path}: no template {template!r} in it (found: "
                         f"{', '.join(sections)})")
    values = {key: value.values for key, value in found[0].items()}
    return from_adcs_template(template, values), adcs_notes(template, values)


@implementer(ICertificateAuthority, IAllIssuers, IClosable, IIssuingTerms)
class AdcsCA:
    """Enrolls through certsrv under one certificate template."""

    def __init__(self, http: UpstreamHTTP, url: str, template: str,
                 basic: tuple[str, str] | None, clock: Callable[[], float],
                 chain_refresh: float, ids: RequestIds | None = None,
                 template_file: FilePath | None = None, terms_max_age: float = 60.0) -> None:
        self.http, self.template, self._clock = http, template, clock
        self.template_file = template_file
        self._terms = TermsCache(http.name, self._read_terms, clock, terms_max_age)
        self._notes: list[str] = []
        self.base = url.rstrip("/")
        if not self.base.endswith("/certsrv"):
            self.base += "/certsrv"
        self._chain = CachedCerts(http.name, self._fetch_chain, clock, chain_refresh)
        self._issuers = CachedCerts(http.name, self._fetch_issuers, clock, chain_refresh)
        self.ids: RequestIds = ids if ids is not None else MemoryRequestIds()
        self.closing: list[Callable[[], Any]] = []
        # certsrv picks Content-Types by browser: look like one, as certsrv clients do.
        self._headers = {"User-Agent": "Mozilla/5.0 (compatible; estra)"}
        if basic is not None:
            token = base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
            self._headers["Authorization"] = f"Basic {token}"

    async def _read_terms(self) -> IssuingTerms:
        assert self.template_file is not None
        try:
            terms, notes = read_template_file(self.template_file, self.template)
        except ValueError as e:
            raise BadUpstream(f"template_file {e}") from e
        if notes != self._notes:
            for note in notes:
                log.warn("upstream {name}: {note}", name=self.http.name, note=note)
            self._notes = notes
        return terms

    async def issuing_terms(self) -> IssuingTerms | None:
        """The template's rules from `template_file` (IIssuingTerms); None without one."""
        return await self._terms.get() if self.template_file is not None else None

    async def _get(self, path: str) -> Reply:
        reply = await self.http.request("GET", f"{self.base}/{path}", headers=self._headers)
        if reply.status != 200:
            raise self.http.refusal(reply)
        return reply

    def _bad(self, what: str, reply: Reply) -> BadUpstream:
        snippet = _text(reply.body.decode("utf-8", "replace"))
        return BadUpstream(f"upstream {self.http.name}: {what}: {snippet[:200] or 'empty'}")

    async def cacerts(self) -> list[x509.Certificate]:
        """certnew.p7b's chain (roots last), cached for `chain_refresh` seconds."""
        return await self._chain.get()

    async def issuers(self) -> list[x509.Certificate]:
        """The chains of every CA certificate certcarc.asp counts (renewal N, the
        current, first), cached for `chain_refresh` seconds (IAllIssuers)."""
        return await self._issuers.get()

    async def _fetch_chain(self, renewal: int = -1) -> list[x509.Certificate]:
        reply = await self._get(f"certnew.p7b?ReqID=CACert&Renewal={renewal}&Enc=b64")
        try:
            certs = load_b64_certs(reply.body)
        except ValueError:
            raise self._bad(f"certnew.p7b (renewal {renewal}) is not a base64 PKCS#7",
                            reply) from None
        certs.sort(key=lambda c: c.subject == c.issuer)
        return certs

    async def _fetch_issuers(self) -> list[x509.Certificate]:
        """Renewals N down to 0 (at most MAX_ISSUERS); an old one certsrv cannot give
        is left out (logged), the current one must come."""
        reply = await self._get("certcarc.asp")
        newest = renewals(reply.body.decode("utf-8", "replace"))
        if newest is None:
            raise self._bad("certcarc.asp shows no CA renewal index (nRenewals)", reply)
        certs = await self._fetch_chain(newest)
        for renewal in range(newest - 1, max(-1, newest - MAX_ISSUERS), -1):
            try:
                certs.extend(await self._fetch_chain(renewal))
            except (BadUpstream, Refused) as e:
                log.warn("upstream {name}: leaving out CA certificate renewal {renewal}: "
                         "{reason}", name=self.http.name, renewal=renewal, reason=e.reason)
        return certs

    async def _certfnsh(self, form: dict[str, str]) -> tuple[Disposition, Reply]:
        """POST certfnsh.asp; the page's disposition (502 if it shows none)."""
        reply = await self.http.request(
            "POST", f"{self.base}/certfnsh.asp", data=urlencode(form).encode(),
            headers={**self._headers, "Content-Type": "application/x-www-form-urlencoded"})
        if reply.status != 200:
            raise self.http.refusal(reply)
        found = read_page(reply.body.decode("utf-8", "replace"))
        if found is None:
            raise self._bad("certfnsh.asp answered an unexpected page", reply)
        return found, reply

    def _refusal(self, found: Disposition, req_id: int | None) -> Exception:
        """The device-facing error for a denied or failed request."""
        which = f"request {req_id}" if req_id is not None else "the request"
        reason = found.message or f"{found.state} (no reason given)"
        if found.hresult in _RA_MISCONFIGURED:
            return BadUpstream(f"upstream {self.http.name} refused {which} under template "
                               f"{self.template!r}: {_RA_MISCONFIGURED[found.hresult]} "
                               f"({reason})")
        if found.state == "denied":
            return Refused(403, f"upstream CA denied {which}: {reason}")
        return BadUpstream(f"upstream {self.http.name} failed {which}: {reason}")

    async def _leaf(self, req_id: int) -> x509.Certificate:
        reply = await self._get(f"certnew.cer?ReqID={req_id}&Enc=b64")
        try:
            return load_b64_certs(reply.body)[0]
        except ValueError:
            raise self._bad(f"certnew.cer gave no certificate for request {req_id}",
                            reply) from None

    async def enroll(self, csr: x509.CertificateSigningRequest, identity: object,
                     profile: Profile) -> list[x509.Certificate]:
        chain = await self.cacerts()        # fail before anything is issued
        key = key_id(csr)
        kept = await self.ids.upstream_request(self.http.name, key)
        if kept is None:
            found, reply = await self._certfnsh({
                "Mode": "newreq", "CertRequest": wire.csr_pem(csr),
                "CertAttrib": f"CertificateTemplate:{self.template}",
                "TargetStoreFlags": "0", "SaveCert": "yes", "ThumbPrint": ""})
        else:
            found, reply = await self._certfnsh({
                "Mode": "chkpnd", "ReqID": kept, "TargetStoreFlags": "0", "SaveCert": "yes"})
            found = Disposition(found.state, found.req_id or int(kept), found.message,
                                found.hresult)
        req_id = found.req_id
        if found.state == "pending":
            if req_id is None:
                raise self._bad("certfnsh.asp: a pending page without a request id", reply)
            await self.ids.keep_upstream_request(self.http.name, key, str(req_id))
            log.info("AD CS request {id} pending approval", id=req_id)
            raise Held(f"upstream CA holds request {req_id} for approval by a CA "
                       "manager; retry the same request", self.http.retry_after)
        if found.state != "issued" or req_id is None:
            if kept is not None:
                await self.ids.forget_upstream_request(self.http.name, key)
            raise self._refusal(found, req_id)
        # issued: keep the id until the certificate is collected (a failure in between
        # must not make the device's retry submit a second request)
        await self.ids.keep_upstream_request(self.http.name, key, str(req_id))
        leaf = await self._leaf(req_id)
        await self.ids.forget_upstream_request(self.http.name, key)
        if leaf.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo) \
                != csr.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo):
            raise BadUpstream(f"upstream {self.http.name}: request {req_id} issued a "
                              "certificate for another key")
        if not _issued_by(leaf, chain):     # the CA renewed since the chain was cached
            chain = await self._fetch_chain()
            if not _issued_by(leaf, chain):
                log.warn("upstream {name}: request {id} was issued by {issuer}, which is "
                         "not in its CA chain", name=self.http.name, id=req_id,
                         issuer=leaf.issuer.rfc4514_string())
        return [leaf, *(c for c in chain if c.subject != c.issuer)]

    reenroll = enroll

    async def close(self) -> None:
        await self.http.close()
        for close in self.closing:
            await close()


def _windows_agent(config: Upstream, auth: str) -> Callable[[Any, Any], Any]:
    """The winauth agent factory for `auth` (ntlm/negotiate) from the options."""
    import spnego                                   # only when Windows auth is used

    from estra.upstream import winauth
    options = config.options
    keytab, ccache, spn = options["keytab"], options["ccache"], options["spn_host"]
    if keytab and ccache:
        raise ConfigError(f"upstreams.{config.name}: give keytab or ccache, not both")
    if auth == "ntlm" and (keytab or ccache):
        raise ConfigError(f"upstreams.{config.name}: keytab/ccache need auth = \"negotiate\"")
    if keytab:
        user: Any = spnego.KerberosKeytab(keytab=keytab, principal=config.username or None)
    elif ccache:
        user = spnego.KerberosCCache(ccache=ccache, principal=config.username or None)
    elif config.username:
        user = config.username
    else:
        user = None                                 # Negotiate from the default ccache
    if auth == "ntlm" and not (config.username and config.password):
        raise ConfigError(f"upstreams.{config.name}: auth = \"ntlm\" needs username and "
                          "password")
    password = config.password if not (keytab or ccache) else None
    scheme, protocol = winauth.SCHEMES[auth]

    def context(host: str, bindings: Any) -> Any:
        return spnego.client(user, password or None, hostname=spn or host, service="HTTP",
                             channel_bindings=bindings, protocol=protocol)

    def agent(reactor: IEstraReactor, endpoints: Any) -> Any:
        return winauth.ConnectionAuthAgent(reactor, endpoints, scheme, context,
                                           options["channel_binding"])
    return agent


def from_config(reactor: IEstraReactor, config: Upstream, clock: Callable[[], float],
                store: RequestIds | None = None) -> AdcsCA:
    """An `AdcsCA` from [upstreams.NAME]: url, template, auth and its credentials;
    `store` keeps held request ids (in memory without one)."""
    auth = config.options["auth"]
    if auth not in AUTH:
        raise ConfigError(f"upstreams.{config.name}.auth: must be one of {', '.join(AUTH)}")
    if auth == "certificate" and config.client_cert is None:
        raise ConfigError(f"upstreams.{config.name}: auth = \"certificate\" needs "
                          "client_cert and client_key")
    template_file = config.options.get("template_file") or None     # "": none given
    if template_file is not None:
        try:
            terms, _ = read_template_file(template_file, config.options["template"])
        except ValueError as e:
            raise ConfigError(f"upstreams.{config.name}.template_file: {e}") from e
        if terms.blocked:
            raise ConfigError(f"upstreams.{config.name}.template_file: {terms.blocked}")
    factory = _windows_agent(config, auth) if auth in ("ntlm", "negotiate") else None
    made: list[Any] = []

    def windows(reactor: IEstraReactor, endpoints: Any) -> Any:
        assert factory is not None
        made.append(factory(reactor, endpoints))
        return made[-1]
    http = http_for(reactor, config, windows if factory is not None else None)
    basic = (config.username, config.password) if auth == "basic" and config.username \
        else None
    ca = AdcsCA(http, config.url, config.options["template"], basic, clock,
                config.options["chain_refresh"], store, template_file, config.terms_max_age)
    ca.closing.extend(agent.close for agent in made)
    return ca
