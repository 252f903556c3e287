"""The embedded local CA: estra's default, so it runs out of the box."""

from __future__ import annotations

import datetime
import ipaddress
import secrets
from typing import Any, Callable, Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from twisted.logger import Logger
from twisted.python.filepath import FilePath
from zope.interface import implementer

from estra import tokens
from estra.asn1 import wire
from estra.config import EKUS, Profile, Settings
from estra.store.files import write_private, write_public
from estra.interfaces import ICertificateAuthority, IRequestedLifetime

__all__ = ["LocalCA", "generate_key", "pem_key", "key_usage", "ROLLOVER_FILES", "OLD_KEY"]

#: next to ca.pem after `estra ca rollover`, in RFC 7030 4.1.3 order; the old key is ca-old.key
ROLLOVER_FILES = ("ca-newwithold.pem", "ca-oldwithnew.pem", "ca-old.pem")
OLD_KEY = "ca-old.key"

log = Logger(namespace="estra.upstream.local")
_BACKDATE = datetime.timedelta(minutes=5)
Clock = Callable[[], float]


def generate_key() -> ec.EllipticCurvePrivateKey:
    """estra's own keys: ECDSA P-256, fast to sign and to handshake with."""
    return ec.generate_private_key(ec.SECP256R1())


def pem_key(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    """`key` as unencrypted PKCS#8 PEM: how estra writes its private keys."""
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _rollover_files(cert_path: FilePath) -> list[x509.Certificate]:
    """The rollover certificates next to `cert_path` that exist, in ROLLOVER_FILES order."""
    return [x509.load_pem_x509_certificate(f.getContent())
            for f in (cert_path.sibling(n) for n in ROLLOVER_FILES) if f.exists()]


def _old_key_uri(key_uri: str) -> str:
    """The URI of the old root's key on the token after a rollover (`<label>-old`)."""
    return tokens.labelled(key_uri, tokens.parse_uri(key_uri).object + tokens.OLD_LABEL)


def _token_old_key(key_uri: str, token_settings: tokens.TokenSettings) -> Any:
    """The old root's key on the token after a rollover (`<label>-old`), or None."""
    try:
        return tokens.open_key(_old_key_uri(key_uri), token_settings)
    except LookupError:
        return None


def _self_signed(key: Any, validity_days: int, clock: Clock) -> x509.Certificate:
    """A new root certificate for the CA key `key`."""
    now = datetime.datetime.fromtimestamp(clock(), datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "estra"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "estra local CA")])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    return (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _BACKDATE)
            .not_valid_after(now + datetime.timedelta(days=validity_days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .add_extension(key_usage(ca=True, encipher=False), True)
            .add_extension(ski, False)
            .sign(key, hashes.SHA256()))


def key_usage(ca: bool, encipher: bool) -> x509.KeyUsage:
    """The keyUsage of estra's certificates: a CA signs certificates and CRLs."""
    return x509.KeyUsage(digital_signature=True, content_commitment=False,
                         key_encipherment=encipher, data_encipherment=False,
                         key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


def _san_entry(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


@implementer(ICertificateAuthority, IRequestedLifetime)
class LocalCA:
    """A CA whose root key lives in the state directory and signs in process."""

    def __init__(self, key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
                 cert: x509.Certificate, clock: Clock, key_uri: str = "",
                 token_settings: tokens.TokenSettings = tokens.DEFAULT_TOKENS) -> None:
        self.key, self.cert, self._clock = key, cert, clock
        # [ca] key as a pkcs11: URI: the key lives on that token (estra/tokens.py)
        self.key_uri, self.token_settings = key_uri, token_settings
        self.crl_url = ""       # [crl] url: the CRL distribution point of issued certificates
        self.ocsp_url = ""      # [crl] ocsp_url: their authorityInfoAccess OCSP responder
        # after `estra ca rollover` (estra/ca/rollover.py): NewWithOld, OldWithNew, old root,
        # and the old root's key (ca-old.key) until retire-old
        self.rollover: list[x509.Certificate] = []
        self.old_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | None = None
        self._aki: tuple[object, x509.AuthorityKeyIdentifier] | None = None
        self._issuer: tuple[x509.Certificate, x509.Name] | None = None

    @classmethod
    def of(cls, settings: Settings, clock: Clock) -> "LocalCA":
        """The state directory's CA as `settings` name it (its key in a file or on a token)."""
        return cls.load_or_create(settings.ca_cert, settings.ca_key, settings.ca_validity_days,
                                  clock, settings.ca_key_uri, settings.pkcs11)

    @classmethod
    def load_or_create(cls, cert_path: FilePath, key_path: FilePath,
                       validity_days: int, clock: Clock, key_uri: str = "",
                       token_settings: tokens.TokenSettings = tokens.DEFAULT_TOKENS
                       ) -> "LocalCA":
        """Load the CA, or make it on first start; an existing CA is never replaced.
        With `key_uri`, the key is that token key (made on the token when it is not there)."""
        if key_uri:
            return cls._on_token(cert_path, validity_days, clock, key_uri, token_settings)
        if cert_path.exists() != key_path.exists():
            missing = key_path if cert_path.exists() else cert_path
            raise FileNotFoundError(
                f"{missing.path} is missing but its pair exists; refusing to make "
                "a new CA over it (restore the file or move both away)")
        if cert_path.exists():
            cert = x509.load_pem_x509_certificate(cert_path.getContent())
            key = serialization.load_pem_private_key(key_path.getContent(), None)
            if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)):
                raise ValueError(f"{key_path.path}: CA key must be EC or RSA")
            ca = cls(key, cert, clock)
            old_key = cert_path.sibling(OLD_KEY)
            ca._take_rollover(cert_path, lambda: serialization.load_pem_private_key(
                old_key.getContent(), None) if old_key.exists() else None)
            return ca
        key = generate_key()
        cert = _self_signed(key, validity_days, clock)
        write_private(key_path, pem_key(key))
        write_public(cert_path, cert.public_bytes(serialization.Encoding.PEM))
        log.info("created the embedded CA in {path}", path=cert_path.path)
        return cls(key, cert, clock)

    @classmethod
    def _on_token(cls, cert_path: FilePath, validity_days: int, clock: Clock, key_uri: str,
                  token_settings: tokens.TokenSettings) -> "LocalCA":
        """The CA whose key is the token key `key_uri`: the key made on the token and a
        new root written on first start, an existing root checked against the key."""
        try:
            key = tokens.open_key(key_uri, token_settings)
        except LookupError:
            if cert_path.exists():
                raise
            key = tokens.generate_key(key_uri, token_settings)
            log.info("made the embedded CA key on the token: {uri}",
                     uri=str(tokens.parse_uri(key_uri)))
        if cert_path.exists():
            cert = x509.load_pem_x509_certificate(cert_path.getContent())
            if cert.public_key() != key.public_key():
                raise ValueError(f"{cert_path.path} is not the certificate of the token key "
                                 f"{tokens.parse_uri(key_uri)}")
            ca = cls(key, cert, clock, key_uri, token_settings)
            ca._take_rollover(cert_path, lambda: _token_old_key(key_uri, token_settings))
            return ca
        cert = _self_signed(key, validity_days, clock)
        write_public(cert_path, cert.public_bytes(serialization.Encoding.PEM))
        log.info("created the embedded CA in {path}", path=cert_path.path)
        return cls(key, cert, clock, key_uri, token_settings)

    def _take_rollover(self, cert_path: FilePath, old_key: Callable[[], Any]) -> None:
        """The rollover certificates next to `cert_path` and, while all are there, the
        old root's key from `old_key()` when it is that root's."""
        self.rollover = _rollover_files(cert_path)
        if len(self.rollover) == len(ROLLOVER_FILES):
            loaded = old_key()
            if isinstance(loaded, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)) and \
                    loaded.public_key() == self.rollover[2].public_key():
                self.old_key = loaded

    def _same_files(self, cert_path: FilePath) -> bool:
        """True when ca.pem and the rollover files are the ones in force."""
        return (x509.load_pem_x509_certificate(cert_path.getContent()),
                _rollover_files(cert_path)) == (self.cert, self.rollover)

    def reload(self, cert_path: FilePath, key_path: FilePath) -> bool:
        """Take the CA from its files again, in place, so every holder of this object
        signs with it (after a rollover or retire-old); True when it changed."""
        if not cert_path.exists():
            raise FileNotFoundError(f"{cert_path.path} is missing; keeping the running CA")
        if self.key_uri and self._same_files(cert_path):
            return False        # a token key is opened again only for new files (from
            #                     the reactor: `refresh`, ahead on the token's worker)
        fresh = LocalCA.load_or_create(cert_path, key_path, 1, self._clock, self.key_uri,
                                       self.token_settings)
        changed = (fresh.cert, fresh.rollover) != (self.cert, self.rollover)
        self.key, self.cert, self.rollover = fresh.key, fresh.cert, fresh.rollover
        self.old_key = fresh.old_key
        return changed

    async def refresh(self, cert_path: FilePath, key_path: FilePath) -> bool:
        """`reload` from the reactor: a token key (and the old root's) opened first on the
        token's worker, under its timeout, so the reactor never waits on the token."""
        if not self.key_uri:
            return self.reload(cert_path, key_path)
        if cert_path.exists() and self._same_files(cert_path):
            return False
        wanted = [(tokens.KEY, self.key_uri)]
        if tokens.parse_uri(self.key_uri).object:
            wanted.append((tokens.KEY, _old_key_uri(self.key_uri)))
        with await tokens.open_ahead(wanted, self.token_settings):
            return self.reload(cert_path, key_path)

    def issue(self, subject: x509.Name, public_key: object,
              sans: Sequence[x509.GeneralName], ekus: Sequence[str],
              validity_days: float, usage: x509.KeyUsage | None = None
              ) -> x509.Certificate:
        """Sign a leaf certificate for `public_key`; `usage` replaces the default key usage
        (digitalSignature, and keyEncipherment for RSA)."""
        now = datetime.datetime.fromtimestamp(self._clock(), datetime.timezone.utc)
        not_after = min(now + datetime.timedelta(days=validity_days),
                        self.cert.not_valid_after_utc)
        is_rsa = isinstance(public_key, rsa.RSAPublicKey)
        builder = (x509.CertificateBuilder()
                   .subject_name(subject).issuer_name(self._issuer_name())
                   .public_key(public_key)  # type: ignore[arg-type]
                   .serial_number(int.from_bytes(secrets.token_bytes(19), "big") >> 1 | 1)
                   .not_valid_before(now - _BACKDATE).not_valid_after(not_after)
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
                   .add_extension(usage or key_usage(ca=False, encipher=is_rsa), True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(
                       public_key), False)  # type: ignore[arg-type]
                   .add_extension(self._authority_key_id(), False))
        if ekus:
            builder = builder.add_extension(x509.ExtendedKeyUsage(
                [ObjectIdentifier(EKUS.get(u, u)) for u in ekus]), False)
        if sans:
            builder = builder.add_extension(x509.SubjectAlternativeName(list(sans)), False)
        if self.crl_url:
            builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                [x509.UniformResourceIdentifier(self.crl_url)], None, None, None)]), False)
        if self.ocsp_url:
            builder = builder.add_extension(x509.AuthorityInformationAccess([
                x509.AccessDescription(x509.oid.AuthorityInformationAccessOID.OCSP,
                                       x509.UniformResourceIdentifier(self.ocsp_url))]), False)
        return builder.sign(self.key, hashes.SHA256())

    def _issuer_name(self) -> x509.Name:
        """The CA's subject (parsed anew at each `cert.subject`), once per CA certificate."""
        cached = self._issuer
        if cached is None or cached[0] is not self.cert:
            cached = self._issuer = (self.cert, self.cert.subject)
        return cached[1]

    def _authority_key_id(self) -> x509.AuthorityKeyIdentifier:
        """The AKI of what this CA signs, computed once per CA key (not per leaf)."""
        cached = self._aki
        if cached is None or cached[0] is not self.key:
            cached = self._aki = (self.key, x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self.key.public_key()))
        return cached[1]

    def server_certificate(self, names: Sequence[str], validity_days: int = 825,
                           key: Any = None) -> tuple[x509.Certificate, Any]:
        """A TLS server certificate for `names` (DNS names or IPs) and `key`, by default
        a fresh one."""
        key = key or generate_key()
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
        cert = self.issue(subject, key.public_key(), [_san_entry(n) for n in names],
                          [ExtendedKeyUsageOID.SERVER_AUTH.dotted_string], validity_days)
        return cert, key

    def lifetime_limit(self) -> float | None:
        """What its own certificate has left: no leaf outlives it (IRequestedLifetime)."""
        return max(self.cert.not_valid_after_utc.timestamp() - self._clock(), 0.0)

    def chain(self) -> list[x509.Certificate]:
        """Certificates between an issued leaf and the root (none: we are the root)."""
        return []

    def _current(self, certs: Sequence[x509.Certificate]) -> list[x509.Certificate]:
        now = datetime.datetime.fromtimestamp(self._clock(), datetime.timezone.utc)
        return [c for c in certs if c.not_valid_after_utc > now]

    def signers(self) -> list[tuple[x509.Certificate, Any]]:
        """(root, key) of each CA whose issued certificates are still current: this one
        and, after a rollover, the old root until it expires or retire-old (for OCSP)."""
        old = self._current(self.rollover[2:])
        return [(self.cert, self.key)] + ([(old[0], self.old_key)] if old and self.old_key
                                          else [])

    def anchors(self) -> list[x509.Certificate]:
        """The roots whose certificates may re-enroll: ours and, after a rollover,
        the old root until it expires (RFC 7030 4.1.3)."""
        return [self.cert, *self._current(self.rollover[2:])]

    async def cacerts(self) -> list[x509.Certificate]:
        """The root, then the Root CA Key Update certificates (RFC 7030 4.1.3):
        NewWithOld, OldWithNew, OldWithOld, each until it expires."""
        return [self.cert, *self._current(self.rollover)]

    async def enroll(self, csr: x509.CertificateSigningRequest, identity: object,
                     profile: Profile) -> list[x509.Certificate]:
        sans: list[x509.GeneralName] = []
        try:
            sans = list(csr.extensions.get_extension_for_class(
                x509.SubjectAlternativeName).value)
        except x509.ExtensionNotFound:
            pass
        subject, public_key = wire.subject_of(csr), wire.csr_public_key(csr)
        cert = await tokens.with_key(self.key, lambda: self.issue(
            subject, public_key, sans, profile.extended_key_usage, profile.lifetime() / 86400))
        return [cert, *self.chain()]

    reenroll = enroll
