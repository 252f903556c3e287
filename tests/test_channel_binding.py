"""RFC 7030 3.5 channel binding over real TLS 1.2 (tls-unique) and 1.3 (tls-exporter).

The device here is a small pyOpenSSL client: it must read the binding value
off its own TLS session and put it into the CSR it sends on that session,
which curl cannot do.
"""

from __future__ import annotations

import base64
import socket
import struct
from pathlib import Path
from typing import Callable, Iterator, Mapping

import pytest
from OpenSSL import SSL
from OpenSSL._util import lib as _lib

from tests import pki
from tests.conftest import PASSWORD, Server

CONFIG = "[profiles.cb]\nrequire_channel_binding = true\n"


class Device:
    """One TLS connection to estra that speaks just enough HTTP/1.1."""

    def __init__(self, server: Server, max_version: int, resume: "Device | None" = None,
                 port: int | None = None, source: str = "127.0.0.1",
                 identity: tuple[Path, Path] | None = None, proxy_header: bytes = b""):
        """To `port` (default: estra's) from `source`, with the client certificate
        and key files `identity`; `proxy_header` is sent before the handshake."""
        if resume is not None:
            ctx = resume.conn.get_context()
        else:
            ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
            ctx.set_max_proto_version(max_version)
            ctx.load_verify_locations(str(server.ca))
            ctx.set_verify(SSL.VERIFY_PEER, lambda *a: bool(a[-1]))
            if identity is not None:
                ctx.use_certificate_file(str(identity[0]))
                ctx.use_privatekey_file(str(identity[1]))
        sock = socket.create_connection(("127.0.0.1", port or server.port), timeout=10,
                                        source_address=(source, 0))
        sock.sendall(proxy_header)
        sock.settimeout(None)   # pyOpenSSL wants a blocking socket; bound reads instead:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 10, 0))
        self.conn = SSL.Connection(ctx, sock)
        self.conn.set_tlsext_host_name(b"localhost")
        if resume is not None:
            self.conn.set_session(resume.conn.get_session())
        self.conn.set_connect_state()
        self.conn.do_handshake()

    def resumed(self) -> bool:
        return bool(_lib.SSL_session_reused(self.conn._ssl))

    def binding(self) -> bytes:
        """What RFC 7030 3.5 puts into challengePassword for this session."""
        if self.conn.get_protocol_version_name() == "TLSv1.3":
            value = self.conn.export_keying_material(b"EXPORTER-Channel-Binding", 32, b"")
        elif self.resumed():
            value = self.conn.get_peer_finished()
        else:
            value = self.conn.get_finished()
        return base64.b64encode(value)

    def post(self, path: str, body: bytes, auth: bool = True,
             headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
        """POST `body` as a CSR (as alice unless not `auth`): (status, body)."""
        creds = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
        extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        head = (f"POST /.well-known/est/{path} HTTP/1.1\r\nHost: localhost\r\n"
                "Content-Type: application/pkcs10\r\nUser-Agent: cb-test\r\n"
                f"Content-Length: {len(body)}\r\n" + extra
                + (f"Authorization: Basic {creds}\r\n" if auth else "") + "\r\n")
        self.conn.sendall(head.encode() + body)
        data = b""
        while b"\r\n\r\n" not in data:
            data += self.conn.recv(65536)
        head_bytes, _, rest = data.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head_bytes.split(b"\r\n")
                          if line.lower().startswith(b"content-length")))
        while len(rest) < length:
            rest += self.conn.recv(65536)
        return int(head_bytes.split()[1]), rest

    def close(self) -> None:
        self.conn.shutdown()
        self.conn.close()


@pytest.fixture
def server(start_estra: Callable[..., Server]) -> Iterator[Server]:
    s = start_estra(CONFIG)
    s.add_user("alice")
    yield s


def bound_csr(challenge: bytes | None) -> bytes:
    return pki.b64(pki.csr(pki.ec_key(), pki.name("bound"),
                           challenge=challenge.decode() if challenge else None))


@pytest.mark.parametrize("version", [SSL.TLS1_2_VERSION, SSL.TLS1_3_VERSION],
                         ids=["tls-unique", "tls-exporter"])
def test_bound_csr_accepted(server: Server, version: int) -> None:
    """A CSR carrying its own session's binding enrolls under a profile that requires it."""
    device = Device(server, version)
    status, body = device.post("cb/simpleenroll", bound_csr(device.binding()))
    device.close()
    assert status == 200, body


@pytest.mark.parametrize("version", [SSL.TLS1_2_VERSION, SSL.TLS1_3_VERSION],
                         ids=["tls-unique", "tls-exporter"])
def test_other_sessions_binding_refused(server: Server, version: int) -> None:
    """A binding value taken from another TLS session is refused (403)."""
    first = Device(server, version)
    stolen = first.binding()
    first.close()
    device = Device(server, version)
    status, body = device.post("cb/simpleenroll", bound_csr(stolen))
    device.close()
    assert status == 403 and b"channel-binding" in body


def test_missing_binding_refused_only_where_required(server: Server) -> None:
    """No challengePassword: 403 under the binding profile, 200 under the default."""
    device = Device(server, SSL.TLS1_2_VERSION)
    status, body = device.post("cb/simpleenroll", bound_csr(None))
    assert status == 403 and b"challengePassword" in body
    status, body = device.post("simpleenroll", bound_csr(None))
    assert status == 200, body
    device.close()


def test_resumed_tls12_session_binding(server: Server) -> None:
    """On a resumed TLS 1.2 session tls-unique is the server's Finished, and still matches."""
    first = Device(server, SSL.TLS1_2_VERSION)
    status, _ = first.post("cb/simpleenroll", bound_csr(first.binding()))
    first.close()
    assert status == 200
    again = Device(server, SSL.TLS1_2_VERSION, resume=first)
    assert again.resumed()
    assert again.binding() == base64.b64encode(again.conn.get_peer_finished())
    status, body = again.post("cb/simpleenroll", bound_csr(again.binding()))
    again.close()
    assert status == 200, body


def test_challenge_then_credentials_on_one_connection(server: Server) -> None:
    """401 first, then the same request with Basic on the same kept-alive connection."""
    device = Device(server, SSL.TLS1_3_VERSION)
    req = bound_csr(device.binding())
    status, body = device.post("cb/simpleenroll", req, auth=False)
    assert status == 401
    status, body = device.post("cb/simpleenroll", req)
    device.close()
    assert status == 200, body
