#!/usr/bin/env python3
"""The bare twisted.web baseline estra is measured against (issue #12).

One `Resource` doing the crypto work of an EST simpleenroll and nothing else:
check a fixed HTTP Basic header, decode the base64 body, parse the PKCS#10
request and verify its signature, sign a leaf certificate with a P-256 CA
(the same extensions estra's embedded CA puts in), answer base64 certs-only
PKCS#7.  TLS like estra's server context: TLS >= 1.2, the same ciphers,
session tickets and the server-side cache on, a client certificate asked for
but not required.  No store, no policy, no logging.

    python3 bench/baseline_server.py --state-dir estra-state  # estra's server + CA files
    python3 bench/baseline_server.py                          # throwaway P-256 server + CA

It prints `ready on https://127.0.0.1:PORT/` once listening (port 0: a free one).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime
import hmac
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID
from OpenSSL import SSL
from twisted.internet import reactor
from twisted.internet.endpoints import TCP4ServerEndpoint
from twisted.internet.interfaces import IOpenSSLServerConnectionCreator
from twisted.protocols.tls import TLSMemoryBIOFactory
from twisted.web.resource import Resource
from twisted.web.server import Request, Site
from zope.interface import implementer

CIPHERS = (b"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
           b"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
           b"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305")
HOUR = datetime.timedelta(hours=1)


class Enroll(Resource):
    """POST: base64 PKCS#10 in, base64 certs-only PKCS#7 out (400 on a bad CSR)."""

    isLeaf = True

    def __init__(self, ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate,
                 authorization: bytes) -> None:
        super().__init__()
        self.ca_key, self.ca_cert, self.authorization = ca_key, ca_cert, authorization
        self.aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key())

    def render_POST(self, request: Request) -> bytes:
        if not hmac.compare_digest(request.getHeader(b"authorization") or b"",
                                   self.authorization):
            request.setResponseCode(401)
            return b"unauthorized\n"
        assert request.content is not None
        try:
            csr = x509.load_der_x509_csr(base64.b64decode(request.content.read()))
            if not csr.is_signature_valid:
                raise ValueError("bad signature")
        except (ValueError, binascii.Error):
            request.setResponseCode(400)
            request.setHeader(b"content-type", b"text/plain")
            return b"bad CSR\n"
        now = datetime.datetime.now(datetime.timezone.utc)
        public_key = csr.public_key()
        cert = (x509.CertificateBuilder()
                .subject_name(csr.subject).issuer_name(self.ca_cert.subject)
                .public_key(public_key)
                .serial_number(int.from_bytes(secrets.token_bytes(19), "big") >> 1 | 1)
                .not_valid_before(now - HOUR).not_valid_after(now + 365 * 24 * HOUR)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
                .add_extension(x509.KeyUsage(True, False, False, False, False, False, False,
                                             False, False), True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(
                    public_key), False)
                .add_extension(self.aki, False)
                .sign(self.ca_key, hashes.SHA256()))
        request.setHeader(b"content-type", b"application/pkcs7-mime; smime-type=certs-only")
        request.setHeader(b"content-transfer-encoding", b"base64")
        return base64.encodebytes(pkcs7.serialize_certificates([cert],
                                                               serialization.Encoding.DER))


def _accept_any(*_: Any) -> bool:
    return True


def tls_context(cert: Path, key: Path) -> SSL.Context:
    """estra's server TLS settings (estra/web/tls.py), tickets and session cache on."""
    ctx = SSL.Context(SSL.TLS_SERVER_METHOD)
    ctx.set_min_proto_version(SSL.TLS1_2_VERSION)
    ctx.set_options(SSL.OP_NO_COMPRESSION | SSL.OP_CIPHER_SERVER_PREFERENCE)
    ctx.set_cipher_list(CIPHERS)
    ctx.use_certificate_chain_file(str(cert))
    ctx.use_privatekey_file(str(key))
    ctx.set_verify(SSL.VERIFY_PEER, _accept_any)
    ctx.set_session_id(b"baseline")
    ctx.set_session_cache_mode(SSL.SESS_CACHE_SERVER)
    return ctx


@implementer(IOpenSSLServerConnectionCreator)
class _Creator:
    """Every connection from one context (as estra/web/tls.py's ServerTLS)."""

    def __init__(self, ctx: SSL.Context) -> None:
        self.ctx = ctx

    def serverConnectionForTLS(self, protocol: object) -> SSL.Connection:
        return SSL.Connection(self.ctx, None)


class _QuietSite(Site):
    noisy = False

    def log(self, request: Any) -> None:
        """No access log: the baseline does no per-request I/O besides the socket."""


def throwaway_pki(where: Path) -> tuple[Path, Path, Path, Path]:
    """A P-256 CA and a P-256 server certificate for 127.0.0.1 signed by it."""
    now = datetime.datetime.now(datetime.timezone.utc)
    paths = []
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "baseline CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - HOUR).not_valid_after(now + 24 * HOUR)
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    server = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
              .issuer_name(ca_name).public_key(key.public_key())
              .serial_number(x509.random_serial_number())
              .not_valid_before(now - HOUR).not_valid_after(now + 24 * HOUR)
              .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), False)
              .sign(ca_key, hashes.SHA256()))
    for name, data in (
            ("server.pem", server.public_bytes(serialization.Encoding.PEM)),
            ("server.key", key.private_bytes(serialization.Encoding.PEM,
                                             serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())),
            ("ca.pem", ca.public_bytes(serialization.Encoding.PEM)),
            ("ca.key", ca_key.private_bytes(serialization.Encoding.PEM,
                                            serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))):
        (where / name).write_bytes(data)
        paths.append(where / name)
    return paths[0], paths[1], paths[2], paths[3]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--state-dir", type=Path,
                    help="an estra state dir: use its server.pem/.key and ca.pem/.key")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--user", default="bench")
    ap.add_argument("--password", default="secret")
    args = ap.parse_args()
    if args.state_dir:
        d = args.state_dir
        server, server_key, ca_pem, ca_key_path = (d / "server.pem", d / "server.key",
                                                   d / "ca.pem", d / "ca.key")
    else:
        server, server_key, ca_pem, ca_key_path = throwaway_pki(
            Path(tempfile.mkdtemp(prefix="baseline-")))
    ca_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        sys.exit(f"{ca_key_path}: the baseline signs with an EC (P-256) CA key")
    ca_cert = x509.load_pem_x509_certificate(ca_pem.read_bytes())
    basic = b"Basic " + base64.b64encode(f"{args.user}:{args.password}".encode())
    root = Resource()
    parent = root
    for segment in (b".well-known", b"est"):         # estra's path: the same URL parsing
        parent.putChild(segment, child := Resource())
        parent = child
    parent.putChild(b"simpleenroll", Enroll(ca_key, ca_cert, basic))
    site = _QuietSite(root)
    factory = TLSMemoryBIOFactory(_Creator(tls_context(server, server_key)), False, site)
    factory.noisy = False
    endpoint = TCP4ServerEndpoint(reactor, args.port, interface="127.0.0.1")

    def ready(port: Any) -> None:
        print(f"ready on https://127.0.0.1:{port.getHost().port}/ "
              f"(POST /.well-known/est/simpleenroll; CA {ca_pem})", flush=True)
    def failed(failure: Any) -> None:
        print(failure)
        reactor.stop()
    endpoint.listen(factory).addCallbacks(ready, failed)
    reactor.run()


if __name__ == "__main__":
    main()
