"""A SCEP (RFC 8894) CA or RA -- Microsoft NDES, micromdm scepserver -- as the CA.

estra is the SCEP client.  The device's CSR, after estra's own checks, goes to
the CA byte for byte inside a PKCSReq that estra signs with the RA's key and
encrypts to the CA's RA certificate; the issued certificate is relayed.

* `GET <url>?operation=GetCACaps`: "POSTPKIOperation" makes PKIOperation a
  POST (else a GET with the base64 message); "AES" picks AES-128-CBC (else
  DES-EDE3-CBC) and "SHA-256" picks SHA-256 (else SHA-1); "SCEPStandard"
  implies both.  A server without GetCACaps is taken to have none.
* `GET <url>?operation=GetCACert`: application/x-x509-ca-cert (the CA
  certificate, DER) or application/x-x509-ca-ra-cert (degenerate PKCS#7 with
  RA certificates and the CA chain).  Requests are encrypted to an RSA RA
  certificate allowing keyEncipherment (else the CA's); a CertRep must be
  signed by one of these certificates.  Both answers are cached
  `chain_refresh` seconds; /cacerts gives the CA certificates, root last.
* CertRep SUCCESS gives the certificate; FAILURE gives the device 403 naming
  the failInfo (badRequest, badCertId), or 502 when the failInfo blames the
  RA's own message (badAlg, badMessageCheck, badTime); PENDING is polled
  with CertPoll every `poll_interval` seconds, at most `max_polls` times and
  within `timeout`, then the device gets 202 + Retry-After (`retry_after`).

The RA signs with `client_cert`/`client_key` (an RSA key: CertReps are
encrypted to it), else with a self-signed RSA certificate made at start; the
signer need not hold the CSR's key (NDES and micromdm accept an RA signer).
A simplereenroll is a PKCSReq too: a RenewalReq must be signed with the
device's own key, which the RA does not hold.

The challengePassword a SCEP CA may demand is an attribute of the PKCS#10,
covered by the device's signature: the RA cannot add one.  The device puts
it in its CSR (and the profile then cannot use that attribute for channel
binding or one-time codes), or the CA authorizes the RA by its signer
certificate or network position instead.

Pending transactions (transactionID and subject, keyed by SHA-256 of the CSR's
public key) live in memory: the device's retry resumes polling, a restart
forgets them and the retry sends a new PKCSReq.  Persistence comes later.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
from typing import Callable
from urllib.parse import quote, urlsplit

from attrs import frozen
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, pkcs7
from cryptography.x509.oid import NameOID
from twisted.internet.task import deferLater
from twisted.logger import Logger
from zope.interface import implementer

from estra.asn1 import scep_message as scep
from estra.config import ConfigError, Profile, Upstream
from estra.errors import BadUpstream, EstError, Held
from estra.interfaces import ICertificateAuthority, IClosable, IEstraReactor
from estra.upstream import HeldRequests
from estra.upstream.http import Refused, UpstreamHTTP, http_for

__all__ = ["ScepCA", "from_config"]

log = Logger(namespace="estra.upstream.scep")
_RA_FAULTS = (scep.FailInfo.badAlg, scep.FailInfo.badMessageCheck, scep.FailInfo.badTime)


@frozen
class _Server:
    """What GetCACaps and GetCACert said, and when."""

    caps: frozenset[str]
    ca: tuple[x509.Certificate, ...]          # issuing CA first, root last
    signers: tuple[x509.Certificate, ...]     # every certificate GetCACert gave
    recipient: x509.Certificate
    fetched: float

    @property
    def cipher(self) -> str:
        return "aes128_cbc" if self.caps & {"AES", "SCEPSTANDARD"} else "tripledes_3key"

    @property
    def digest(self) -> str:
        return "sha256" if self.caps & {"SHA-256", "SCEPSTANDARD"} else "sha1"


@frozen
class _Pending:
    transaction_id: str
    subject: x509.Name


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _can_encrypt(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_encipherment)
    except x509.ExtensionNotFound:
        return True


def _issuing_first(cas: list[x509.Certificate]) -> list[x509.Certificate]:
    """CA certificates ordered by how many issuers above them are in the set, most first."""
    def height(cert: x509.Certificate) -> int:
        seen = [cert]
        while cert.subject != cert.issuer:
            cert = next((c for c in cas if c.subject == cert.issuer and c not in seen), cert)
            if cert in seen:
                break
            seen.append(cert)
        return len(seen)
    return sorted(cas, key=height, reverse=True)


def key_id(csr: x509.CertificateSigningRequest) -> str:
    """What a pending transaction is remembered by: SHA-256 of the CSR's public key."""
    spki = csr.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest()


@implementer(ICertificateAuthority, IClosable)
class ScepCA:
    """Enrolls through one SCEP server as its RA."""

    def __init__(self, http: UpstreamHTTP, url: str, signer: scep.Signer, reactor: IEstraReactor,
                 clock: Callable[[], float], *, poll_interval: float = 5, max_polls: int = 3,
                 budget: float = 30, refresh: float = 3600) -> None:
        self.http, self.url, self.signer = http, url, signer
        self._reactor, self._clock = reactor, clock
        self.poll_interval, self.max_polls = poll_interval, max_polls
        self.budget, self.refresh = budget, refresh
        self._server: _Server | None = None
        self.pending: HeldRequests[str, _Pending] = HeldRequests()

    def _bad(self, what: str) -> BadUpstream:
        return BadUpstream(f"upstream {self.http.name}: {what}")

    async def _server_info(self) -> _Server:
        """GetCACaps + GetCACert, cached `refresh` seconds."""
        now = self._clock()
        if self._server is not None and now - self._server.fetched < self.refresh:
            return self._server
        reply = await self.http.request("GET", f"{self.url}?operation=GetCACaps")
        caps = frozenset(reply.body.decode("utf-8", "replace").upper().split()
                         if reply.status == 200 else ())
        reply = await self.http.request("GET", f"{self.url}?operation=GetCACert")
        if reply.status != 200:
            raise self.http.refusal(reply)
        try:    # x-x509-ca-cert: one DER certificate; x-x509-ca-ra-cert: PKCS#7
            certs = [x509.load_der_x509_certificate(reply.body)]
        except ValueError:
            try:
                certs = pkcs7.load_der_pkcs7_certificates(reply.body)
            except ValueError as e:
                raise self._bad(f"GetCACert gave no certificate: {e}") from None
        ca = _issuing_first([c for c in certs if _is_ca(c)])
        recipient = min((c for c in certs if isinstance(c.public_key(), rsa.RSAPublicKey)),
                        key=lambda c: (not _can_encrypt(c), _is_ca(c)), default=None)
        if recipient is None:
            raise self._bad("GetCACert gave no RSA certificate to encrypt requests to")
        self._server = _Server(caps, tuple(ca or certs), tuple(certs), recipient, now)
        return self._server

    async def cacerts(self) -> list[x509.Certificate]:
        return list((await self._server_info()).ca)

    async def _operation(self, server: _Server, request: scep.Request) -> scep.PkiMessage:
        """Send one pkiMessage; its CertRep, checked against the request and GetCACert."""
        if "POSTPKIOPERATION" in server.caps:
            reply = await self.http.request(
                "POST", f"{self.url}?operation=PKIOperation", data=request.der,
                headers={"Content-Type": "application/x-pki-message"})
        else:
            message = quote(base64.b64encode(request.der).decode(), safe="")
            reply = await self.http.request(
                "GET", f"{self.url}?operation=PKIOperation&message={message}")
        if reply.status != 200:
            raise self.http.refusal(reply)
        try:
            answer = request.check(scep.parse(reply.body, server.signers))
            if answer.signer not in server.signers:
                raise scep.ScepError("signed by a certificate GetCACert did not give")
        except scep.ScepError as e:
            self._server = None         # the CA may have new certificates: ask again
            raise self._bad(f"unusable CertRep: {e}") from None
        return answer

    def _failure(self, answer: scep.PkiMessage) -> EstError:
        assert answer.fail_info is not None
        text = answer.fail_info.name + (f" ({answer.fail_info_text})"
                                        if answer.fail_info_text else "")
        if answer.fail_info in _RA_FAULTS:
            return self._bad(f"the CA rejected the RA's SCEP message: {text}")
        return Refused(403, f"upstream CA refused the request: {text}")

    async def enroll(self, csr: x509.CertificateSigningRequest, identity: object,
                     profile: Profile) -> list[x509.Certificate]:
        server = await self._server_info()
        key, deadline = key_id(csr), self._clock() + self.budget
        cipher, digest = server.cipher, server.digest
        pending = self.pending.get(key)

        def poll() -> scep.Request:
            assert pending is not None
            return scep.cert_poll(server.ca[0].subject, pending.subject,
                                  pending.transaction_id, self.signer, server.recipient,
                                  cipher=cipher, digest=digest)

        request = poll() if pending else scep.pkcs_req(
            csr, self.signer, server.recipient, cipher=cipher, digest=digest)
        pending = pending or _Pending(request.transaction_id, csr.subject)
        for polls in range(self.max_polls + 1):
            if polls:
                await deferLater(self._reactor, self.poll_interval)
                request = poll()
            answer = await self._operation(server, request)
            if answer.status != scep.Status.PENDING:
                break
            self.pending[key] = pending
            if self._clock() + self.poll_interval > deadline:
                break
        if answer.status == scep.Status.PENDING:
            log.info("SCEP transaction {tid} pending at {name}", tid=pending.transaction_id,
                     name=self.http.name)
            raise Held(f"upstream CA holds SCEP transaction {pending.transaction_id}; "
                       "retry the same request", self.http.retry_after)
        self.pending.pop(key, None)
        if answer.status == scep.Status.FAILURE:
            raise self._failure(answer)
        try:
            issued = answer.issued(self.signer)
        except scep.ScepError as e:
            raise self._bad(f"unusable CertRep: {e}") from None
        leaf = next((c for c in issued if c.public_key() == csr.public_key()), None)
        if leaf is None:
            raise self._bad("the CertRep holds no certificate for the request's key")
        return [leaf, *(c for c in server.ca if c.subject != c.issuer)]

    reenroll = enroll

    async def close(self) -> None:
        await self.http.close()


def _self_signed(name: str) -> scep.Signer:
    """A throw-away RA signer: RSA-2048, self-signed, valid for a year."""
    key = rsa.generate_private_key(65537, 2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"estra SCEP RA {name}")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.KeyUsage(True, False, True, False, False, False, False,
                                         False, False), True)
            .sign(key, hashes.SHA256()))
    return scep.Signer(cert, key)


def from_config(reactor: IEstraReactor, config: Upstream, clock: Callable[[], float]) -> ScepCA:
    """A `ScepCA` from [upstreams.NAME]: url (+ cgi_path), client_cert/client_key."""
    o, where = config.options, f"upstreams.{config.name}"
    if o["poll_interval"] <= 0 or o["max_polls"] < 0:
        raise ConfigError(f"{where}.poll_interval: must be > 0, and max_polls >= 0")
    if config.client_cert is not None and config.client_key is not None:
        key = serialization.load_pem_private_key(config.client_key.getContent(), None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ConfigError(f"{where}.client_key: kind = 'scep' needs an RSA key "
                              "(CertReps are encrypted to it)")
        signer = scep.Signer(x509.load_pem_x509_certificates(
            config.client_cert.getContent())[0], key)
    else:
        signer = _self_signed(config.name)
    url = config.url.rstrip("/")
    if urlsplit(url).path in ("", "/"):
        url += "/" + o["cgi_path"].lstrip("/")
    return ScepCA(http_for(reactor, config), url, signer, reactor, clock,
                  poll_interval=o["poll_interval"], max_polls=o["max_polls"],
                  budget=config.timeout, refresh=o["chain_refresh"])
