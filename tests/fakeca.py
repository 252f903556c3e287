"""A loopback HTTPS server harness for CA products that cannot be installed here.

A fake speaks one product's documented API exactly; this module only gives it
a real TLS socket (server certificate from a throw-away CA, optional client
certificate requirement) and a thread to run in (`serve`), or the same in
memory (`in_memory`): a protocol factory behind TLS for `MemoryRA`'s
upstreams, each request handed to the handler whole.  Each fake is a subclass
of `FakeHandler` implementing `do_GET`/`do_POST` with the product's paths.
"""

from __future__ import annotations

import io
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Generator

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from OpenSSL import crypto
from twisted.internet.interfaces import IProtocolFactory
from twisted.internet.protocol import Factory, Protocol

from estra.testing import tls_peer
from tests import pki

__all__ = ["FakeHandler", "FakeServer", "serve", "in_memory"]


class FakeHandler(BaseHTTPRequestHandler):
    """Base handler: body reading, JSON/text replies, access to the fake's state."""

    protocol_version = "HTTP/1.1"
    server: "FakeServer"

    def log_message(self, format: str, *args: Any) -> None:
        self.server.requests.append(f"{self.command} {self.path}")

    def body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def reply(self, status: int, body: bytes, content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def reply_json(self, status: int, doc: Any) -> None:
        self.reply(status, json.dumps(doc).encode())

    def peer_certificate(self) -> x509.Certificate | None:
        der = self.connection.getpeercert(binary_form=True)
        return x509.load_der_x509_certificate(der) if der else None


class _Peer:
    """What a handler asks of its connection (`ssl.SSLSocket.getpeercert`), in memory."""

    def __init__(self, transport: Any) -> None:
        self._transport = transport

    def getpeercert(self, binary_form: bool = False) -> Any:
        cert = self._transport.getPeerCertificate()
        if cert is None:
            return None if binary_form else {}
        if binary_form:
            return crypto.dump_certificate(crypto.FILETYPE_ASN1, cert)
        subject = cert.to_cryptography().subject     # as the ssl module names its parts
        return {"subject": tuple(((_SSL_NAMES.get(a.oid, a.oid.dotted_string), a.value),)
                                 for a in subject)}


_SSL_NAMES = {NameOID.COMMON_NAME: "commonName", NameOID.ORGANIZATION_NAME: "organizationName",
              NameOID.COUNTRY_NAME: "countryName"}


class _HandlerProtocol(Protocol):
    """One connection to a fake in memory, with one handler (its state per connection,
    as an NTLM handshake's): each request, once whole (head and Content-Length body),
    is handled as `BaseHTTPRequestHandler.handle` handles one on a socket; the
    connection closes when the handler says so."""

    def __init__(self, handler: type[FakeHandler], server: "FakeServer") -> None:
        self._handler = handler.__new__(handler)
        self._handler.server, self._handler.client_address = server, ("127.0.0.1", 50000)
        self._buffer = b""

    def connectionMade(self) -> None:
        self._handler.connection = _Peer(self.transport)

    def dataReceived(self, data: bytes) -> None:
        self._buffer += data
        handler = self._handler
        while (request := self._whole()) is not None:
            handler.rfile, handler.wfile = io.BytesIO(request), io.BytesIO()
            handler.close_connection = True
            handler.handle_one_request()
            assert self.transport is not None
            self.transport.write(handler.wfile.getvalue())
            if handler.close_connection:
                self.transport.loseConnection()
                return

    def _whole(self) -> bytes | None:
        head, sep, rest = self._buffer.partition(b"\r\n\r\n")
        if not sep:
            return None
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if len(rest) < length:
            return None
        self._buffer = rest[length:]
        return head + sep + rest[:length]


class FakeServer(ThreadingHTTPServer):
    """The server object handlers see as `self.server`; `state` is the fake's own."""

    daemon_threads = True
    requests: list[str]
    ca: pki.CA
    state: dict[str, Any]


class MemoryFake(FakeServer):
    """A fake's server object with no socket, for `in_memory` handlers: `peer` is what
    MemoryRA's upstreams connect to at `address`."""

    peer: IProtocolFactory

    def __init__(self, port: int) -> None:         # no socket: nothing to bind
        self.server_address = ("127.0.0.1", port)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    def upstreams(self) -> dict[str, IProtocolFactory | None]:
        """MemoryRA's `upstreams` with this fake alone."""
        return {self.address: self.peer}


def _server_cert(ca: pki.CA, directory: Path) -> tuple[Path, Path]:
    key = pki.ec_key()
    cert = (x509.CertificateBuilder().subject_name(pki.name("localhost"))
            .issuer_name(ca.cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(pki.NOW).not_valid_after(ca.cert.not_valid_after_utc)
            .add_extension(x509.SubjectAlternativeName(pki.sans("localhost", "127.0.0.1")), False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
            .sign(ca.key, hashes.SHA256()))
    return pki.write_pair(directory, "fake-server", cert, key)


def serve(handler: type[FakeHandler], directory: Path, *, require_client_cert: Path | None = None,
          state: dict[str, Any] | None = None) -> Generator[FakeServer, None, None]:
    """Run `handler` on https://localhost:PORT until the generator is closed.

    The fake's CA (`server.ca`, also written to directory/fake-ca.pem) signs
    both the TLS certificate and, in the fakes, the certificates they issue.
    Use as a pytest fixture body: `yield from serve(...)`.
    """
    ca = pki.CA("Fake CA product root")
    ca.write(directory, "fake-ca")
    cert, key = _server_cert(ca, directory)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert), str(key))
    if require_client_cert is not None:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(str(require_client_cert))
    server = FakeServer(("127.0.0.1", 0), handler)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.requests, server.ca, server.state = [], ca, dict(state or {})
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def in_memory(handler: type[FakeHandler], directory: Path, *, port: int,
              require_client_cert: Path | None = None, state: dict[str, Any] | None = None
              ) -> MemoryFake:
    """`serve`'s fake in memory, for `MemoryRA(upstreams=fake.upstreams())`: the same
    files (directory/fake-ca.pem), certificates and client certificate rule; the fake
    answers at 127.0.0.1:`port` (and localhost)."""
    ca = pki.CA("Fake CA product root")
    ca.write(directory, "fake-ca")
    cert, key = _server_cert(ca, directory)
    server = MemoryFake(port)
    server.requests, server.ca, server.state = [], ca, dict(state or {})
    trust = (x509.load_pem_x509_certificates(require_client_cert.read_bytes())
             if require_client_cert is not None else [])
    factory = Factory.forProtocol(lambda: _HandlerProtocol(handler, server))
    private = serialization.load_pem_private_key(key.read_bytes(), None)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    server.peer = tls_peer(factory, x509.load_pem_x509_certificate(cert.read_bytes()),
                           private, client_trust=trust)
    return server
