"""twisted.web plumbing shared by estra's HTTP front ends.

* `EstRequest` caps the body (413 later, without buffering what is too much);
* `EstChannel` always answers with an HTTP/1.1 status line;
* `respond` always sends Content-Length (never chunked: strongSwan and
  Bouncy Castle clients fail on chunked bodies);
* `answer_error` is the one place an exception becomes an HTTP answer;
* `EstRequest.render` is the one place a method a resource does not take becomes
  405 text/plain with Allow (never Twisted's HTML "405"/"501 Huh?" pages).
"""

from __future__ import annotations

import io
import re
import time
from typing import Any, Callable, Coroutine, Mapping, cast

from twisted.internet.defer import CancelledError, Deferred
from twisted.internet.protocol import connectionDone
from twisted.logger import LogLevel
from twisted.python.failure import Failure
from twisted.web.http import HTTPChannel
from twisted.web.error import UnsupportedMethod
from twisted.python.reflect import prefixedMethodNames
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request, Site

from estra.interfaces import IEstraReactor
from estra.config import ConnectionLimits
from estra.errors import (BadRequest, EstError, MethodNotAllowed, NotFound, PayloadTooLarge,
                          StoreUnavailable, store_unavailable)
from estra.web.limits import RateLimitedLog
from estra.logging import SafeLogger, emit_event, printable

__all__ = ["EstRequest", "EstChannel", "make_site", "respond", "answer_error",
           "run_async", "NotFoundResource", "read_body",
           "log_internal", "log_request", "REQUEST_FORMAT", "allowed_methods"]

log = SafeLogger(namespace="estra.http")
_store_down = RateLimitedLog(time.monotonic, logger=log)   # one line per 10 s in an outage
_BREAKS_EMAIL = re.compile(rb"[\n\r\v\f\x1c-\x1e\x85]")


def _canned(status: bytes, text: bytes) -> bytes:
    return (b"HTTP/1.1 " + status + b"\r\nConnection: close\r\nContent-Type: text/plain\r\n"
            b"Content-Length: " + str(len(text) + 1).encode() + b"\r\n\r\n" + text + b"\n")


_TOO_LARGE = _canned(b"431 Request Header Fields Too Large", b"request header fields too large")
_TIMED_OUT = _canned(b"408 Request Timeout", b"request not received in time")


class EstRequest(Request):
    """A Request whose body is kept only up to `max_body` bytes."""

    max_body = 64 * 1024
    too_large = False
    bad_content_type = False
    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        # No HTML form parsing of POST bodies into `args` (Site(parsePOSTFormSubmission=
        # False) in Twisted >= 25): no estra POST reads it (EST, SCEP and the console
        # read the body), and it runs every POST's Content-Type through the `email`
        # package (~10 % of an enrollment's CPU).
        self._parsePOSTFormSubmission = False

    content: io.BytesIO

    def render(self, resrc: Any) -> None:
        """Render `resrc` through `_MethodGuard`: every listener's one method check."""
        super().render(_MethodGuard(resrc))

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
    """HTTPChannel that writes `HTTP/1.1` status lines to HTTP/1.0 clients too, and
    holds each request to deadlines that trickled bytes do not reset:

    * the request line and headers must arrive within `header_timeout` seconds of
      the connection (so the TLS handshake counts too) or of the first byte of a
      later keep-alive request;
    * the body must arrive within `body_timeout` seconds of the headers.

    The idle timeout (`timeOut`) still bounds silence between requests. A line over
    `MAX_LENGTH` is answered 431 at once and the connection closed (Twisted's
    LineReceiver only called `transport.loseConnection()`, which TLS defers while
    the channel is registered as the transport's producer: the client waited for
    the idle timeout instead of getting an answer).
    """

    header_timeout: float = ConnectionLimits.header_timeout
    body_timeout: float = ConnectionLimits.body_timeout
    notices: RateLimitedLog | None = None     # set per Site by make_site
    _deadline: Any = None
    _closing = False
    _spoke = False                            # any request bytes (after TLS) seen

    def writeHeaders(self, version: bytes, code: bytes, reason: bytes,
                     headers: Any) -> None:
        super().writeHeaders(b"HTTP/1.1", code, reason, headers)

    def connectionMade(self) -> None:
        super().connectionMade()
        self._arm(self.header_timeout, "request line and headers")

    def dataReceived(self, data: bytes) -> None:
        if self._closing:
            return
        self._spoke = True
        if self._deadline is None and self.line_mode and not self._handlingRequest:
            self._arm(self.header_timeout, "request line and headers")
        super().dataReceived(data)

    def allHeadersReceived(self) -> None:
        self._disarm()
        super().allHeadersReceived()
        if self.length != 0:                  # a Content-Length body, or chunked
            self._arm(self.body_timeout, "request body")

    def allContentReceived(self) -> None:
        self._disarm()
        super().allContentReceived()

    def lineLengthExceeded(self, line: bytes) -> None:
        self._notice("{address}: request line or header over {limit} bytes: 431",
                     limit=self.MAX_LENGTH)
        self._close(_TOO_LARGE)

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        self._disarm()
        super().connectionLost(reason)

    def _arm(self, seconds: float, what: str) -> None:
        self._disarm()
        self._deadline = self.callLater(seconds, lambda: self._expired(seconds, what))

    def _disarm(self) -> None:
        if self._deadline is not None:
            if self._deadline.active():
                self._deadline.cancel()
            self._deadline = None

    def _expired(self, seconds: float, what: str) -> None:
        self._deadline = None
        if not self._spoke:
            # Nothing to answer (a TLS handshake never finished, or not a byte
            # sent); a write would also keep TLS waiting for that handshake.
            self._notice("{address}: no request within {seconds} s: closed",
                         seconds=seconds)
            self._closing = True
            cast(Any, self.transport).abortConnection()
            return
        self._notice("{address}: {what} not received within {seconds} s: 408",
                     what=what, seconds=seconds)
        self._close(_TIMED_OUT)

    def _close(self, answer: bytes) -> None:
        """Write a canned answer, close now (and abort if the client will not go)."""
        self._closing = True
        self._disarm()
        assert self.transport is not None
        self.transport.write(answer)
        self.loseConnection()                 # unregisters the producer: TLS closes now
        if self.abortTimeout is not None:
            self._abortingCall = self.callLater(self.abortTimeout, self.forceAbortClient)

    def _notice(self, format: str, **fields: Any) -> None:
        transport = self.transport
        address = str(getattr(transport.getPeer(), "host", "?")) if transport else "?"
        if self.notices is not None:
            self.notices.warn(format, address=address, **fields)


#: The one text format of a request's log line (EST, SCEP, 404s, admin): the
#: same fields in the same order, each also a key of the event (JSON logs).
REQUEST_FORMAT = ("{protocol} {operation} [{label}] {status} for {who} ({how}) "
                  "from {address}: {reason} ({method} {path})")


def log_request(request: Any, protocol: str, operation: str, label: str, status: int,
                who: str = "-", how: str = "anonymous", reason: str = "") -> None:
    """Log one finished request as ONE line in `REQUEST_FORMAT` (and mark it logged,
    so `QuietSite` does not log it again). An empty field is written "-": no
    double spaces, and every field has a value a log shipper can split on."""
    request.estra_logged = True
    limit = log.field_limit
    fields = {name: value if len(value) <= limit and value.isprintable()
              and "\\" not in value else printable(value, limit) for name, value in (
        ("protocol", protocol), ("operation", operation or "-"), ("label", label or "-"),
        ("who", who or "-"), ("how", how or "-"),
        ("address", str(getattr(request.getClientAddress(), "host", "?"))),
        ("reason", reason or "-"), ("method", request.method.decode("ascii", "replace")),
        ("path", request.uri.decode("ascii", "replace")))}
    # The line is rendered here by str.format (C), not by twisted.logger's pure-Python
    # formatter (half the cost of a request's log line); the fields stay keys of the
    # event for JSON logs.  They are printable already: no SafeLogger pass again.
    emit_event(log, LogLevel.info, "{request_line}", {
        "status": status, "request_line": REQUEST_FORMAT.format(status=status, **fields),
        **fields})


class QuietSite(Site):
    """A Site that logs each request once, in `REQUEST_FORMAT`: EST and SCEP
    operations call `log_request` themselves (with who and why), so this logs
    only requests nothing else logged, such as 404s and the admin endpoint
    (Twisted's combined access line cost ~14 % of a request's CPU on top)."""

    noisy = False                             # no "Starting factory" lines
    protocol_name = "http"                    # the {protocol} of the lines it logs

    def log(self, request: Any) -> None:
        if getattr(request, "estra_logged", False):
            return
        log_request(request, self.protocol_name, "-", "-", request.code,
                    reason=getattr(request, "estra_reason", ""))


def make_site(root: Resource, max_body: int,
              limits: ConnectionLimits = ConnectionLimits(), reactor: IEstraReactor | None = None,
              protocol: str = "http") -> Site:
    """A Site with estra's request and channel classes, deadlines and no tracebacks;
    `protocol` names its face in the request lines it logs (est, scep, admin...)."""
    request_class = type("EstRequest", (EstRequest,), {"max_body": max_body})
    site = QuietSite(root, requestFactory=request_class, reactor=reactor)
    site.protocol_name = protocol
    site.protocol = type("EstChannel", (EstChannel,), {  # type: ignore[method-assign]
        "header_timeout": limits.header_timeout, "body_timeout": limits.body_timeout,
        "notices": RateLimitedLog(site.reactor.seconds, logger=log)})
    site.displayTracebacks = False
    site.timeOut = limits.idle_timeout     # Twisted's default is 12 hours
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
    if request.finished or request._disconnected:
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
        where = request.path.decode("ascii", "replace")
        if store_unavailable(error):
            _store_down.warn("{where}: store unavailable, answered 503: {error_type}: {error}",
                             where=where, error_type=type(error).__name__, error=str(error))
            err = StoreUnavailable()
        else:
            log_internal(error, where)
            err = EstError("internal error")
    request.estra_reason = err.reason  # type: ignore[attr-defined]  # for the request line
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


def allowed_methods(resource: Any) -> tuple[bytes, ...] | None:
    """The methods `resource` takes: its `allowedMethods` when it declares them, else
    its `render_*` methods (HEAD with GET); None when its own `render` takes any."""
    declared = getattr(resource, "allowedMethods", None)
    if declared is not None:
        return tuple(declared)
    if getattr(type(resource), "render", None) is not Resource.render:
        return None
    return _with_head([name.encode("ascii") for name in
                       prefixedMethodNames(type(resource), "render_")])


def _with_head(methods: list[bytes]) -> tuple[bytes, ...]:
    own = [m for m in methods if m != b"HEAD"]   # every Resource has render_HEAD
    return tuple(own + [b"HEAD"] * (b"GET" in own))


class _MethodGuard:
    """Renders a resource, or answers what Twisted would answer with an HTML page:
    a method the resource does not take is 405 text/plain with Allow, a node with
    nothing to render (a plain `Resource` on the way to the leaves) is 404."""

    def __init__(self, resource: Any) -> None:
        self.resource = resource

    def render(self, request: Request) -> Any:
        allowed = allowed_methods(self.resource)
        try:
            if allowed is None or request.method in allowed:
                return self.resource.render(request)
        except UnsupportedMethod as e:     # from a resource another one delegated to
            if request.method == b"HEAD" and b"GET" in e.allowedMethods:
                raise                      # Twisted answers HEAD through GET
            allowed = _with_head(list(e.allowedMethods))
        if not allowed:
            return NotFoundResource().render(request)
        names = [m.decode("ascii", "replace") for m in allowed]
        method = printable(request.method.decode("latin-1"), 20)
        answer_error(MethodNotAllowed(f"{method} is not allowed here; "
                                      f"use {', '.join(names)}", names), request)
        return NOT_DONE_YET


class NotFoundResource(Resource):
    """404 text/plain for every method and every path below."""

    isLeaf = True

    def __init__(self, reason: str = "not found") -> None:
        super().__init__()
        self.reason = reason

    def render(self, request: Request) -> bytes:
        err = NotFound(self.reason)
        request.estra_reason = self.reason  # type: ignore[attr-defined]  # for the request line
        request.setResponseCode(err.status)
        for name, value in err.headers().items():
            request.setHeader(name, value)
        return err.body()
