"""Server-side TLS: context, client-certificate trust, channel binding.

pyOpenSSL is used here and nowhere else.  The handshake accepts any client
certificate (or none): which certificates are trusted for what is decided per
request by `TrustStore`, so an untrusted device gets a clear HTTP answer
instead of a failed handshake, and a device without a certificate can still
use HTTP Basic.
"""

from __future__ import annotations

import base64
import datetime
from typing import Any, Sequence

from attrs import frozen
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from OpenSSL import SSL, crypto
from OpenSSL._util import lib as _lib
from twisted.internet.interfaces import (
    IOpenSSLServerConnectionCreator, IProtocolFactory, IStreamServerEndpoint)
from twisted.protocols.tls import TLSMemoryBIOFactory
from twisted.python.filepath import FilePath
from zope.interface import implementer

from estra.web.tickets import TicketKeys
from estra.tokens import OPENSSL_CONFIG, PROVIDER_KEY

__all__ = ["ServerTLS", "TLSServerEndpoint", "TrustStore", "Verified",
           "ChannelBinding", "channel_binding", "peer_chain", "load_pem_certs"]

_CIPHERS = (b"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
            b"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
            b"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305")
_CERT_HAS_EXPIRED = 10


def load_pem_certs(path: FilePath) -> list[x509.Certificate]:
    """Every certificate in a PEM file."""
    return x509.load_pem_x509_certificates(path.getContent())


def _accept_any(conn: SSL.Connection, cert: crypto.X509, errno: int,
                depth: int, ok: int) -> bool:
    return True


@implementer(IOpenSSLServerConnectionCreator)
class ServerTLS:
    """The server's pyOpenSSL context: TLS >= 1.2, tickets on, optional client cert.

    `getContext()` is what `TLSMemoryBIOFactory` asks for on every new
    connection; `reload()` swaps in a context built from the files again, so
    new connections use new certificates without a restart.
    """

    def __init__(self, cert: FilePath, key: FilePath,
                 client_ca_names: Sequence[x509.Certificate] = ()) -> None:
        self._cert, self._key, self._ca_names = cert, key, list(client_ca_names)
        self._ticket_keys: TicketKeys | None = None    # None: OpenSSL's own, per context
        self._context = self._build(self._ca_names)

    def _build(self, ca_names: Sequence[x509.Certificate]) -> SSL.Context:
        try:
            return self._context_from_files(ca_names)
        except SSL.Error as e:
            reasons = "; ".join(str(r[-1] or r[0]) for r in e.args[0]) if e.args else str(e)
            hint = (f" (a key on a token: start estra with OPENSSL_CONF="
                    f"{self._key.sibling(OPENSSL_CONFIG).path}, which loads pkcs11-provider)"
                    if self._key.basename() == PROVIDER_KEY else "")
            raise ValueError(f"TLS certificate {self._cert.path} / key {self._key.path} "
                             f"unusable: {reasons}{hint}") from e

    def _context_from_files(self, ca_names: Sequence[x509.Certificate]) -> SSL.Context:
        ctx = SSL.Context(SSL.TLS_SERVER_METHOD)
        ctx.set_min_proto_version(SSL.TLS1_2_VERSION)
        ctx.set_options(SSL.OP_NO_COMPRESSION | SSL.OP_CIPHER_SERVER_PREFERENCE)
        ctx.set_mode(SSL.MODE_RELEASE_BUFFERS)   # idle connections hold no 16 KB buffers
        ctx.set_cipher_list(_CIPHERS)
        ctx.use_certificate_chain_file(self._cert.path)
        ctx.use_privatekey_file(self._key.path)
        ctx.check_privatekey()
        ctx.set_verify(SSL.VERIFY_PEER, _accept_any)
        ctx.set_session_id(b"estra")      # resumption with client certs needs this
        ctx.set_session_cache_mode(SSL.SESS_CACHE_SERVER)
        if ca_names:
            ctx.set_client_ca_list([crypto.X509.from_cryptography(c).get_subject()
                                    for c in ca_names])
        if self._ticket_keys is not None:
            self._ticket_keys.install(ctx)
        return ctx

    def use_ticket_keys(self, keys: TicketKeys) -> None:
        """Take session ticket keys from `keys`, in this context and every context a
        reload builds (workers share them: estra.web.tickets)."""
        keys.install(self._context)
        self._ticket_keys = keys

    def reload(self, client_ca_names: Sequence[x509.Certificate] | None = None) -> None:
        """Re-read the certificate and key files, optionally with new client CA names
        (raises if they are unusable, and then nothing changed)."""
        names = self._ca_names if client_ca_names is None else list(client_ca_names)
        self.use(self.build(names), names)

    def build(self, client_ca_names: Sequence[x509.Certificate]) -> SSL.Context:
        """A context from the files as they are now (`reload` in two steps: with the key
        on a token, this runs on the token's worker); raises if they are unusable."""
        return self._build(client_ca_names)

    def use(self, context: SSL.Context, client_ca_names: Sequence[x509.Certificate]) -> None:
        """New connections get `context` (made by `build` with `client_ca_names`)."""
        self._context, self._ca_names = context, list(client_ca_names)

    def getContext(self) -> SSL.Context:
        return self._context

    def serverConnectionForTLS(self, protocol: object) -> SSL.Connection:
        return SSL.Connection(self._context, None)


@implementer(IStreamServerEndpoint)
class TLSServerEndpoint:
    """Any stream endpoint (`tcp:`, `unix:`, systemd...) with TLS added on top."""

    def __init__(self, wrapped: IStreamServerEndpoint, tls: ServerTLS) -> None:
        self._wrapped, self._tls = wrapped, tls

    def listen(self, factory: IProtocolFactory) -> "Any":
        wrapper = TLSMemoryBIOFactory(self._tls, False, factory)
        wrapper.noisy = False                  # no "Starting factory" lines
        d: Any = self._wrapped.listen(wrapper)
        return d


@frozen
class Verified:
    """Outcome of checking a client certificate chain against a trust store."""

    ok: bool
    reason: str
    expired_since: datetime.timedelta | None = None
    anchor: x509.Certificate | None = None      # the trust anchor the chain ended at
    chain: tuple[x509.Certificate, ...] = ()    # leaf first, the anchor last


class TrustStore:
    """A set of trust anchors (plus intermediates) to verify client chains against."""

    def __init__(self, name: str, anchors: Sequence[x509.Certificate],
                 pinned_leaves: bool = False) -> None:
        """`pinned_leaves`: an end-entity certificate among `anchors` is trusted as
        itself (OpenSSL's partial-chain mode), as well as anything a CA among them signed."""
        self.name, self.anchors, self._partial = name, list(anchors), pinned_leaves
        self._store = self._make_store(None)

    def replace(self, anchors: Sequence[x509.Certificate]) -> None:
        """Trust exactly `anchors` from now on."""
        unique = list({c.fingerprint(hashes.SHA256()): c for c in anchors}.values())
        self.anchors = unique
        self._store = self._make_store(None)

    def _make_store(self, at: datetime.datetime | None) -> crypto.X509Store:
        store = crypto.X509Store()
        for cert in self.anchors:
            store.add_cert(crypto.X509.from_cryptography(cert))
        if at is not None:
            store.set_time(at)
        if self._partial:
            store.set_flags(crypto.X509StoreFlags.PARTIAL_CHAIN)
        return store

    def verify(self, leaf: x509.Certificate, intermediates: Sequence[x509.Certificate],
               now: datetime.datetime) -> Verified:
        """Verify `leaf` now; an expired leaf reports how long ago it expired."""
        if not self.anchors:
            return Verified(False, f"no {self.name} trust anchors configured")
        chain = [crypto.X509.from_cryptography(c) for c in intermediates]
        leaf_x = crypto.X509.from_cryptography(leaf)
        try:
            verified = crypto.X509StoreContext(self._store, leaf_x, chain).get_verified_chain()
            return _verified(True, "", None, leaf, verified)
        except crypto.X509StoreContextError as e:
            if e.errors[0] != _CERT_HAS_EXPIRED or leaf.not_valid_after_utc > now:
                return Verified(False, f"not trusted by the {self.name} store: {e.errors[2]}")
        # Expired: does the chain verify at the moment before it expired?
        at = leaf.not_valid_after_utc - datetime.timedelta(seconds=1)
        try:
            verified = crypto.X509StoreContext(self._make_store(at), leaf_x,
                                               chain).get_verified_chain()
        except crypto.X509StoreContextError as e:
            return Verified(False, f"not trusted by the {self.name} store: {e.errors[2]}")
        return _verified(False, "certificate has expired", now - leaf.not_valid_after_utc,
                         leaf, verified)


def _verified(ok: bool, reason: str, expired_since: datetime.timedelta | None,
              leaf: x509.Certificate, chain: Sequence[crypto.X509]) -> Verified:
    """The outcome with the verified chain (OpenSSL's own leaf is `leaf`)."""
    certs = (leaf, *(c.to_cryptography() for c in chain[1:]))
    return Verified(ok, reason, expired_since, certs[-1], certs)


def peer_chain(conn: SSL.Connection) -> list[x509.Certificate]:
    """The client's certificate then the other certificates it sent ([] if none).

    On the server side OpenSSL's peer chain may or may not hold the leaf,
    so the leaf is taken on its own and removed from the rest.
    """
    try:
        leaf = conn.get_peer_certificate(as_cryptography=True)
        if leaf is None:
            return []
        rest = conn.get_peer_cert_chain(as_cryptography=True) or []
        return [leaf, *(c for c in rest if c != leaf)]
    except Exception:  # noqa: BLE001 - a certificate cryptography cannot read is no credential
        return []


@frozen
class ChannelBinding:
    """The TLS session's channel-binding values (RFC 5929 / RFC 9266)."""

    tls_unique: bytes | None
    tls_exporter: bytes | None

    def matches(self, challenge: bytes) -> bool:
        """Whether a challengePassword carries one of the values, base64-encoded."""
        value = challenge.strip()
        return any(v is not None and value == base64.b64encode(v)
                   for v in (self.tls_unique, self.tls_exporter))


def channel_binding(conn: SSL.Connection) -> ChannelBinding:
    """tls-unique (TLS 1.2: first Finished message) and tls-exporter (TLS 1.3)."""
    if conn.get_protocol_version_name() == "TLSv1.3":
        return ChannelBinding(None, conn.export_keying_material(
            b"EXPORTER-Channel-Binding", 32, b""))
    resumed = bool(_lib.SSL_session_reused(conn._ssl))
    first = conn.get_finished() if resumed else conn.get_peer_finished()
    return ChannelBinding(first, None)
