"""estra's requests leave POST bodies alone: no HTML form parsing into `args`
(Twisted's runs every POST's Content-Type through the `email` package)."""

from __future__ import annotations

from typing import Any

from twisted.internet.address import IPv4Address
from twisted.internet.testing import MemoryReactorClock, StringTransport
from twisted.trial.unittest import SynchronousTestCase
from twisted.web.resource import Resource
from twisted.web.server import Request

from estra.web.http import make_site


class Echo(Resource):
    """Answers with what the request parsed: its args and its body."""

    isLeaf = True

    def render_POST(self, request: Request) -> bytes:
        assert request.content is not None
        return repr((request.args, request.content.read())).encode()


class FormBodyTests(SynchronousTestCase):
    def post(self, content_type: bytes, body: bytes) -> bytes:
        site = make_site(Echo(), 1024, reactor=MemoryReactorClock())
        channel: Any = site.buildProtocol(IPv4Address("TCP", "127.0.0.1", 1))
        transport = StringTransport()
        channel.makeConnection(transport)
        channel.dataReceived(b"POST /x?q=1 HTTP/1.1\r\nHost: x\r\nContent-Type: " +
                             content_type + b"\r\nContent-Length: " +
                             str(len(body)).encode() + b"\r\n\r\n" + body)
        written: bytes = transport.value()
        return written

    def test_form_body_is_not_parsed(self) -> None:
        """curl's default form type: the body stays as sent, only the query is in args."""
        answer = self.post(b"application/x-www-form-urlencoded", b"a=b&operation=c")
        self.assertIn(b"200 OK", answer)
        self.assertTrue(answer.endswith(repr(({b"q": [b"1"]}, b"a=b&operation=c")).encode()))

    def test_multipart_body_is_not_parsed(self) -> None:
        """A multipart/form-data body reaches the resource as is, its fields not in args."""
        body = (b'--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n'
                b"--zz--\r\n")
        answer = self.post(b"multipart/form-data; boundary=zz", body)
        self.assertIn(b"200 OK", answer)
        self.assertTrue(answer.endswith(repr(({b"q": [b"1"]}, body)).encode()))
