"""TLS facts a trusted TLS-terminating balancer forwards (docs/balancers.rst).

A balancer that terminates the device's TLS (haproxy in HTTP mode) hides the
device's client certificate and the session's channel-binding value from
estra. haproxy 2.6 can forward both as request headers::

    X-Estra-TLS-Protocol         %[ssl_fc_protocol]          TLSv1.2 / TLSv1.3
    X-Estra-Client-Cert          %[ssl_c_der,base64]         the device's certificate
    X-Estra-Client-Chain         %[ssl_c_chain_der,base64]   the others it sent (DER, concatenated)
    X-Estra-TLS-Unique           %[ssl_fc_unique_id,base64]  tls-unique (RFC 5929), TLS 1.2
    X-Estra-TLS-Exporter-Secret  %[ssl_fc_exporter_secret]   TLS 1.3 exporter_master_secret, hex

(haproxy 2.6 cannot compute an exporter value itself, so for TLS 1.3 it sends the
session's exporter secret, from which estra derives tls-exporter (RFC 9266) as RFC
8446 7.5 defines it; that secret derives exporter values only, never traffic keys,
and estra neither logs nor stores it.)

`forwarded_tls` reads them only from a connection whose socket peer (the
balancer itself, not the address a PROXY header names) is in
`server.trusted_proxies`; from anyone else they are refused (403) and the
refusal is logged like any other. What it returns replaces the connection's own
chain and binding in `estra.est.resource.peer_of`, so the forwarded chain is judged by the
same authentication (trust stores, CRLs, EKU, revocation) as a chain estra
received itself.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import struct
from typing import Any, Iterable, Iterator

from attrs import frozen
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from twisted.web.server import Request

from estra.errors import BadRequest, Forbidden
from estra.web.tls import ChannelBinding

__all__ = ["TrustedBalancers", "NO_BALANCERS", "FORWARDED_HEADERS", "forwarded_tls",
           "socket_host", "tls13_exporter"]

PROTOCOL, CERT, CHAIN = b"x-estra-tls-protocol", b"x-estra-client-cert", b"x-estra-client-chain"
UNIQUE, EXPORTER_SECRET = b"x-estra-tls-unique", b"x-estra-tls-exporter-secret"
#: Every header a balancer forwards TLS facts in (lower case).
FORWARDED_HEADERS = (PROTOCOL, CERT, CHAIN, UNIQUE, EXPORTER_SECRET)
#: Certificates at most in a forwarded chain (a device sends a few).
MAX_CHAIN = 8
_HASHES = {32: hashes.SHA256, 48: hashes.SHA384}   # TLS 1.3 secret length -> its hash


@frozen
class TrustedBalancers:
    """The networks (`server.trusted_proxies`) whose connections may forward TLS facts."""

    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> "TrustedBalancers":
        """From addresses or CIDR networks (raises ValueError on a bad one)."""
        return cls(tuple(ipaddress.ip_network(e, strict=False) for e in entries))

    def trusts(self, host: str | None) -> bool:
        if host is None or not self.networks:
            return False
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        mapped = getattr(address, "ipv4_mapped", None)   # ::ffff:a.b.c.d on a dual socket
        return any(address in net or (mapped is not None and mapped in net)
                   for net in self.networks)


NO_BALANCERS = TrustedBalancers()


def socket_host(transport: Any) -> str | None:
    """The address of the socket's other end: below TLS and a PROXY header, which
    only rename the peer (`getPeer` of the innermost transport)."""
    for _ in range(8):                    # socket <- caps/PROXY wrapper <- TLS <- HTTP
        inner = getattr(transport, "transport", None)
        if inner is None:
            break
        transport = inner
    host = getattr(transport.getPeer(), "host", None)
    return None if host is None else str(host)


def forwarded_tls(request: Request, balancers: TrustedBalancers, with_binding: bool
                  ) -> tuple[tuple[x509.Certificate, ...], ChannelBinding | None] | None:
    """(client chain, binding or None) a trusted balancer forwarded for `request`;
    None when it carries none of `FORWARDED_HEADERS`. Raises Forbidden when they come
    from anyone but a trusted balancer, BadRequest when they are malformed."""
    headers = request.requestHeaders
    if not any(headers.hasHeader(name) for name in FORWARDED_HEADERS):
        return None
    source = socket_host(request.channel.transport)
    if not balancers.trusts(source):
        raise Forbidden.because(
            "forwarded-tls", f"X-Estra-* TLS headers are taken only from a balancer in "
            f"server.trusted_proxies; {source or 'this connection'} is not one")
    protocol = _one(request, PROTOCOL)
    if protocol not in ("TLSv1.2", "TLSv1.3"):
        raise BadRequest("X-Estra-TLS-Protocol from the balancer is not TLSv1.2 or TLSv1.3")
    chain = _chain(_one(request, CERT), _one(request, CHAIN))
    if not with_binding:
        return chain, None
    if protocol == "TLSv1.3":
        secret = _hex(_one(request, EXPORTER_SECRET), "X-Estra-TLS-Exporter-Secret")
        return chain, ChannelBinding(None, tls13_exporter(secret) if secret else None)
    unique = _base64(_one(request, UNIQUE), "X-Estra-TLS-Unique")
    return chain, ChannelBinding(unique or None, None)


def _one(request: Request, name: bytes) -> str:
    """The header's only value, stripped ("" when absent or empty)."""
    values = request.requestHeaders.getRawHeaders(name) or []
    if len(values) > 1:
        raise BadRequest(f"{name.decode()} is repeated")
    return values[0].decode("latin-1").strip() if values else ""


def _base64(value: str, header: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest(f"{header} from the balancer is not base64") from None


def _hex(value: str, header: str) -> bytes:
    try:
        secret = bytes.fromhex(value)
    except ValueError:
        raise BadRequest(f"{header} from the balancer is not hexadecimal") from None
    if secret and len(secret) not in _HASHES:
        raise BadRequest(f"{header} from the balancer is {len(secret)} bytes, not a "
                         "TLS 1.3 secret (32 or 48)")
    return secret


def _chain(cert: str, chain: str) -> tuple[x509.Certificate, ...]:
    """The leaf, then the other certificates the device sent (the leaf once)."""
    leaf_der = _base64(cert, "X-Estra-Client-Cert")
    if not leaf_der:
        return ()
    try:
        leaf = x509.load_der_x509_certificate(leaf_der)
        rest = [x509.load_der_x509_certificate(der)
                for der in _split_der(_base64(chain, "X-Estra-Client-Chain"))]
    except ValueError as e:
        raise BadRequest(f"a certificate the balancer forwarded is unreadable: {e}") from None
    return (leaf, *(c for c in rest if c != leaf))


def _split_der(data: bytes) -> Iterator[bytes]:
    """The DER values concatenated in `data` (at most MAX_CHAIN)."""
    at = count = 0
    while at < len(data):
        count += 1
        if count > MAX_CHAIN or len(data) - at < 2 or data[at] != 0x30:
            raise ValueError("not a sequence of at most 8 DER certificates")
        first = data[at + 1]
        if first < 0x80:
            size, header = first, 2
        else:
            octets = first & 0x7F
            if not 1 <= octets <= 3 or len(data) - at < 2 + octets:
                raise ValueError("bad DER length")
            size, header = int.from_bytes(data[at + 2:at + 2 + octets], "big"), 2 + octets
        end = at + header + size
        if end > len(data):
            raise ValueError("truncated DER certificate")
        yield data[at:end]
        at = end


def _expand_label(algorithm: hashes.HashAlgorithm, secret: bytes, label: bytes,
                  context: bytes, length: int) -> bytes:
    """HKDF-Expand-Label (RFC 8446 7.1)."""
    full = b"tls13 " + label
    info = struct.pack("!HB", length, len(full)) + full + bytes([len(context)]) + context
    return HKDFExpand(algorithm, length, info).derive(secret)


def tls13_exporter(secret: bytes, label: bytes = b"EXPORTER-Channel-Binding",
                   context: bytes = b"", length: int = 32) -> bytes:
    """TLS-Exporter(label, context, length) from a TLS 1.3 exporter_master_secret
    (RFC 8446 7.5); by default tls-exporter (RFC 9266)."""
    algorithm = _HASHES[len(secret)]()
    derived = _expand_label(algorithm, secret, label, _digest(algorithm, b""),
                            algorithm.digest_size)
    return _expand_label(algorithm, derived, b"exporter", _digest(algorithm, context), length)


def _digest(algorithm: hashes.HashAlgorithm, data: bytes) -> bytes:
    h = hashes.Hash(algorithm)
    h.update(data)
    return h.finalize()
