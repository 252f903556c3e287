"""A loopback HTTPS server harness for CA products that cannot be installed here.

A fake speaks one product's documented API exactly; this module only gives it
a real TLS socket (server certificate from a throw-away CA, optional client
certificate requirement) and a thread to run in.  Each fake is a subclass of
`FakeHandler` implementing `do_GET`/`do_POST` with the product's paths.
"""

from __future__ import annotations

import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Generator

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests import pki

__all__ = ["FakeHandler", "FakeServer", "serve"]


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


class FakeServer(ThreadingHTTPServer):
    """The server object handlers see as `self.server`; `state` is the fake's own."""

    daemon_threads = True
    requests: list[str]
    ca: pki.CA
    state: dict[str, Any]


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
