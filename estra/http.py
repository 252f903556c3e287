"""twisted.web plumbing shared by estra's HTTP front ends.

* `EstRequest` caps the body (413 later, without buffering what is too much);
* `EstChannel` always answers with an HTTP/1.1 status line;
* `respond` always sends Content-Length (never chunked: strongSwan and
  Bouncy Castle clients fail on chunked bodies);
* `answer_error` is the one place an exception becomes an HTTP answer.
"""

from __future__ import annotations

import io
import re
from typing import Any, Callable, Coroutine, Mapping

from twisted.internet.defer import CancelledError, Deferred
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.http import HTTPChannel
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request, Site

from estra.errors import BadRequest, EstError, NotFound, PayloadTooLarge

__all__ = ["EstRequest", "EstChannel", "make_site", "respond", "answer_error", "log_internal",
           "run_async", "NotFoundResource", "read_body"]

log = Logger()
_BREAKS_EMAIL = re.compile(rb"[\n\r\v\f\x1c-\x1e\x85]")
IDLE_TIMEOUT = 60   # seconds a connection may sit idle (also bounds stalled handshakes)


class EstRequest(Request):
    """A Request whose body is kept only up to `max_body` bytes."""

    max_body = 64 * 1024
    too_large = False
    bad_content_type = False

    content: io.BytesIO

    def requestReceived(self, command: bytes, path: bytes, version: bytes) -> None:
        # Twisted parses Content-Type with the email package, which raises (an
        # unhandled traceback, the connection dropped) on \v, \f, \x1c-\x1e or \x85
        # in it; such a header is dropped here and `read_body` answers 400.
        values = self.requestHeaders.getRawHeaders(b"content-type") or []
        if any(_BREAKS_EMAIL.search(value) for value in values):
            self.requestHeaders.removeHeader(b"content-type")
            self.bad_content_type = True
        super().requestReceived(command, path, version)

    def gotLength(self, length: int | None) -> None:
        self.content = io.BytesIO()
        if length is not None and length > self.max_body:
            self.too_large = True

    def handleContentChunk(self, data: bytes) -> None:
        if self.too_large:
            return
        if self.content.tell() + len(data) > self.max_body:
            self.too_large = True
            self.content = io.BytesIO()
            return
        self.content.write(data)


class EstChannel(HTTPChannel):
    """HTTPChannel that writes `HTTP/1.1` status lines to HTTP/1.0 clients too."""

    def writeHeaders(self, version: bytes, code: bytes, reason: bytes,
                     headers: Any) -> None:
        super().writeHeaders(b"HTTP/1.1", code, reason, headers)


class QuietSite(Site):
    """A Site that logs each request once: EST operations log their own structured
    event (operation, profile, status, who, how, reason, method, path), so the
    combined access log line (which cost ~14 % of a request's CPU on top of it)
    is written only for requests nothing else logged, such as 404s."""

    def log(self, request: Any) -> None:
        if getattr(request, "estra_logged", False):
            return
        log.info("{method} {path} {status} from {address}",
                 method=request.method.decode("ascii", "replace"),
                 path=request.uri.decode("ascii", "replace"), status=request.code,
                 address=getattr(request.getClientAddress(), "host", "?"))


def make_site(root: Resource, max_body: int) -> Site:
    """A Site with estra's request and channel classes and no tracebacks."""
    request_class = type("EstRequest", (EstRequest,), {"max_body": max_body})
    site = QuietSite(root, requestFactory=request_class)
    site.protocol = EstChannel  # type: ignore[assignment]
    site.displayTracebacks = False
    site.timeOut = IDLE_TIMEOUT            # Twisted's default is 12 hours
    return site


def read_body(request: Request) -> bytes:
    """The request body, or 413 when it was over the limit."""
    if getattr(request, "too_large", False):
        raise PayloadTooLarge(f"request body over the {request.max_body}-byte limit")  # type: ignore[attr-defined]
    if getattr(request, "bad_content_type", False):
        raise BadRequest("the Content-Type header has control characters")
    content = request.content
    assert content is not None
    content.seek(0)
    data: bytes = content.read()
    return data


def respond(request: Request, status: int, body: bytes,
            headers: Mapping[str, str]) -> None:
    """Write a whole response with Content-Length, if the client is still there."""
    if request.finished or request._disconnected:  # type: ignore[attr-defined]
        return
    request.setResponseCode(status)
    for name, value in headers.items():
        request.setHeader(name, value)
    if status != 204:                      # RFC 9110 8.6: no Content-Length on 204
        request.setHeader("Content-Length", str(len(body)))
    request.write(body)
    request.finish()


def log_internal(error: BaseException, where: str) -> None:
    """Log an unexpected exception as ONE error line; its traceback goes in a
    debug event's `traceback` field (in JSON logs, not in the text line)."""
    log.error("internal error on {where}: {error_type}: {error}", where=where,
              error_type=type(error).__name__, error=str(error))
    log.debug("traceback of the internal error on {where}", where=where,
              traceback=Failure(error).getTraceback())


def answer_error(error: BaseException, request: Request) -> EstError | None:
    """Turn an exception into its HTTP answer; anything unexpected is a logged 500."""
    if isinstance(error, CancelledError):
        return None                        # the client left; write nothing
    err = error
    if not isinstance(err, EstError):
        log_internal(error, request.path.decode("ascii", "replace"))
        err = EstError("internal error")
    body = err.body()
    if err.status in (202, 401) and not request.getHeader(b"user-agent"):
        # Bouncy Castle's EST client (it sends no User-Agent) reads only the headers
        # of a 401 challenge or a 202, closes, and fails on the unread bytes.
        body = b""
    respond(request, err.status, body, err.headers())
    return err


def run_async(request: Request,
              handler: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run `handler()` for `request`; cancel it if the client goes away."""
    d: Deferred[Any] = Deferred.fromCoroutine(handler())
    request.notifyFinish().addErrback(lambda _: d.cancel())
    d.addErrback(lambda f: None)  # handlers answer their own errors
    return NOT_DONE_YET


class NotFoundResource(Resource):
    """404 text/plain for every method and every path below."""

    isLeaf = True

    def __init__(self, reason: str = "not found") -> None:
        super().__init__()
        self.reason = reason

    def render(self, request: Request) -> bytes:
        err = NotFound(self.reason)
        request.setResponseCode(err.status)
        for name, value in err.headers().items():
            request.setHeader(name, value)
        return err.body()
