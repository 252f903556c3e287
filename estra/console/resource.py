"""/console on the admin listener: sessions, CSRF, roles, and the pages' actions.

Sessions live in the store (table console_sessions), so every estra node on
one PostgreSQL shares them and a node restart logs nobody out; the cookie
holds a random 256-bit token and the store only its SHA-256.  Each session
has its own CSRF token, required (constant-time compare) in every POST.  The
role is looked up again on every request, so taking it away takes effect at
once; a changed or removed password ends the operator's sessions on every node
(`_credential_kept`; `estra operator add` ends them in the store too).  Failed logins spend the
shared budgets of estra/ra/throttle.py (in the store, so every worker and node
counts them): per (address, operator name) first, then a larger one per address,
never one per name, which anyone could spend to lock an operator out.  Every log
field goes through `SafeLogger`, refusals through `RateLimitedLog`.  Every list
is shown a page (`PAGE_SIZE` rows) at a time.  Nothing here runs on the EST listener.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import re
import secrets
from typing import Any, Awaitable, Callable, Mapping, Sequence
from urllib.parse import parse_qs, urlencode, urlsplit
from weakref import WeakKeyDictionary

import attrs
from cryptography import x509
from cryptography.x509.oid import NameOID
from twisted.internet.defer import DeferredLock
from twisted.internet.interfaces import ISSLTransport
from twisted.internet.threads import deferToThreadPool
from twisted.python.filepath import FilePath
from twisted.python.threadpool import ThreadPool
from twisted.web.resource import Resource
from twisted.web.server import Request
from twisted.web.template import Tag, tags

from estra.ra import renewal
from estra.asn1 import wire
from estra.ra.auth import Htpasswd
from estra.config import ConsoleSettings, Profile
from estra.console import devices, lists, pages
from estra.console.devices import chain_of, load_record_certificate
from estra.console.csr import decode_csr
from estra.console.health import Certificates, HealthMonitor, standard_checks
from estra.console.operators import (CERTIFICATE, PASSWORD, Operator, Roles, allows,
                                     console_throttle, issues_devices)
from estra.errors import EstError
from estra.ra.htpasswd import new_password, remove_user, set_user, user_names
from estra.web.http import read_body, respond, run_async
from estra.interfaces import IEstraReactor, installed_reactor
from estra.web.limits import RateLimitedLog, source_key
from estra.logging import SafeLogger
from estra.principals import parse_principal
from estra.ca.revocation import DONE, Revocation
from estra.store.database import Store
from estra.store.enrollments import EnrollmentRow
from estra.store.pending import HeldRequest
from estra.ra.throttle import LoginThrottle, LoginsBusy, TooManyAttempts
from estra.web.tls import TrustStore, load_pem_certs, peer_chain

__all__ = ["Console", "console_root"]

log = SafeLogger(namespace="estra.console.resource")  # every field printable, one line, bounded
COOKIE = b"estra_console"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; "
                               "form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",     # "no-referrer" makes Chromium send Origin: null
    "Cache-Control": "no-store",
}
#: revoke(serial, reason, by): what `estra revoke` does (estra.ca.revocation.revoke, bound)
Revoke = Callable[[int, str, str], Awaitable[Revocation | str]]
#: (method, path pattern ("#" is a record id: 1 to 18 ASCII digits, so it fits a
#: BIGINT), handler, least role)
ROUTES = (
    ("GET", ("",), "_dashboard", "viewer"),
    ("GET", ("pending",), "_pending", "viewer"),
    ("POST", ("pending",), "_decide_many", "approver"),
    ("GET", ("pending", "#"), "_pending_request", "viewer"),
    ("POST", ("pending", "#"), "_decide", "approver"),
    ("POST", ("pending", "#", "reopen"), "_reopen", "approver"),
    ("GET", ("enrollments",), "_enrollments", "viewer"),
    ("GET", ("enrollments", "#"), "_enrollment", "viewer"),
    ("GET", ("enrollments", "#.pem"), "_enrollment", "viewer"),
    ("GET", ("enrollments", "#.chain.pem"), "_enrollment", "viewer"),
    ("GET", ("devices",), "_devices", "viewer"),
    ("GET", ("devices", "#"), "_device", "viewer"),
    ("POST", ("enrollments", "#", "revoke"), "_revoke_certificate", "admin"),
    ("GET", ("codes",), "_codes", "viewer"),
    ("POST", ("codes",), "_issue_code", "admin"),
    ("POST", ("codes", "#", "revoke"), "_revoke_code", "admin"),
    ("GET", ("users",), "_users", "admin"),
    ("POST", ("users",), "_set_user", "admin"),
    ("POST", ("users", "remove"), "_remove_user", "admin"),
    ("GET", ("renewals",), "_renewals", "viewer"),
    ("POST", ("renewals",), "_advance_renewals", "admin"),
    ("GET", ("audit",), "_audit_log", "viewer"),
    ("GET", ("attempts",), "_attempts", "viewer"),
    ("POST", ("logout",), "_logout", "viewer"),
)
_ID = "[0-9]{1,18}"
PAGE_SIZE = 50             # rows of any list a page shows
RENEWAL_ROWS = 1000        # current certificates the renewals page looks at (soonest first)
MAX_NAME = 128             # longest operator name tried (longer: a failed login, no bcrypt)
SEEN_EVERY = 60.0          # a session's last use is written at most once a minute
#: (or a tenth of the idle timeout, when shorter: a short one still counts every click)


def safe_return(target: str) -> str:
    """Where to go after logging in: `target` when it is a console page of this site
    (a path under /console/, no scheme, host or backslash: never an open redirect),
    else the dashboard."""
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/console/")
            or target.startswith("/console/login") or "\\" in target
            or any(ord(c) < 0x21 or ord(c) == 0x7f for c in target) or len(target) > 2000):
        return "/console/"
    return target


def _segment(pattern: str, part: str) -> bool:
    """Whether a path segment matches a route's: "#" a record id, else itself."""
    if "#" not in pattern:
        return pattern == part
    return re.fullmatch(re.escape(pattern).replace(re.escape("#"), _ID), part) is not None


def whole(text: str, low: int, high: int) -> int | None:
    """`text` as a whole number from `low` to `high` in ASCII digits, else None (no
    Unicode digits, no huge numbers: both reached int() or the database before)."""
    if not re.fullmatch("[0-9]{1,9}", text) or not low <= int(text) <= high:
        return None
    return int(text)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


class Console(Resource):
    """Every /console/... request: one `async` handler per page or action."""

    isLeaf = True
    allowedMethods = (b"GET", b"HEAD", b"POST")   # others: 405 text/plain (estra.web.http)

    def __init__(self, store: Store, operators: Htpasswd, roles: Roles, clock: Callable[[], float],
                 secure: bool, session_seconds: float, cas: Mapping[str, Any] | None = None,
                 operator_trust: TrustStore | None = None,
                 throttle: LoginThrottle | None = None, reactor: IEstraReactor | None = None,
                 devices: Callable[[], FilePath] | None = None,
                 pool: ThreadPool | None = None, revoke: Revoke | None = None,
                 operator_eku: str = "",
                 device_cas: Callable[[], Sequence[x509.Certificate]] = list,
                 health: HealthMonitor | None = None,
                 profiles: Callable[[], Mapping[str, Profile]] = dict,
                 idle_seconds: Callable[[], float] = lambda: 1800.0) -> None:
        """`operator_eku`: the extended key usage an operator certificate must carry;
        `device_cas`: the CAs that issue device certificates now (never operators');
        `health`: the background probes the dashboard shows (by default: the CAs,
        the store and the CRLs, never started: `HealthMonitor.service`); `profiles`:
        the profiles in force (renewal windows, the lists' profile choices);
        `idle_seconds`: how long a session may go unused (apart from its whole life,
        `session_seconds`)."""
        super().__init__()
        self.store, self.operators, self.roles, self.clock = store, operators, roles, clock
        self.secure, self.session_seconds = secure, session_seconds
        self.cas = cas if cas is not None else {}     # live: a reload swaps the CAs
        self.operator_trust = operator_trust
        self.throttle = throttle or console_throttle(store, clock)
        self._refusals = RateLimitedLog(clock, logger=log)   # a flood: one line per 10 s
        self.operator_eku, self.device_cas = operator_eku, device_cas
        #: operator name -> digest of the password hash this node last saw for it
        self._credentials: dict[str, str] = {}
        self.reactor = reactor
        self.health = health or HealthMonitor(
            standard_checks(store, lambda: self.cas, {}, clock), reactor or installed_reactor())
        self.devices = devices                  # the device htpasswd of the config in force
        self.pool = pool                        # bcrypt off the reactor thread
        self._device_writes = DeferredLock()    # one change of the file at a time
        self.revoke = revoke                    # estra.ca.revocation.revoke, bound
        self.profiles = profiles
        self.listings = lists.standard_listings(lambda: sorted(profiles()))
        self.idle_seconds = idle_seconds          # the idle timeout in force
        #: the status line a request's page shows (taken from its session)
        self._flashes: WeakKeyDictionary[Request, str] = WeakKeyDictionary()

    # -- plumbing ----------------------------------------------------------------
    def render(self, request: Request) -> Any:
        return run_async(request, lambda: self._serve(request))

    async def _serve(self, request: Request) -> None:
        try:
            await self._route(request)
        except Exception:  # noqa: BLE001 - a page error is a 500 page, never a traceback
            log.failure("console error on {path}", path=request.path)
            await self._page(request, 500, pages.message_page("Error", "Internal error."))

    async def _page(self, request: Request, status: int, tag: Tag,
                    headers: Mapping[str, str] = {}) -> None:
        tag.fillSlots(flash=pages.flash(self._flashes.pop(request, "")))
        respond(request, status, await pages.render(tag),
                {**SECURITY_HEADERS, "Content-Type": "text/html; charset=utf-8", **headers})

    def _redirect(self, request: Request, to: str) -> None:
        respond(request, 303, b"", {**SECURITY_HEADERS, "Location": to})

    @staticmethod
    def _arg(request: Request, name: str, strip: bool = True) -> str:
        """A form field: from the body of a POST (never its URL), else the query."""
        if request.method == b"POST":
            try:
                body = read_body(request)
            except EstError:                # over the admin listener's body limit
                return ""
            fields = parse_qs(body.decode("utf-8", "replace"))
            value = (fields.get(name) or [""])[0]
            return value.strip() if strip else value
        values: list[bytes] = (request.args or {}).get(name.encode(), [b""])
        return values[0].decode("utf-8", "replace").strip()

    @staticmethod
    def _all(request: Request, name: str) -> list[str]:
        """Every value of a form field of a POST body (a list of checkboxes)."""
        try:
            body = read_body(request)
        except EstError:
            return []
        return parse_qs(body.decode("utf-8", "replace")).get(name, [])

    @staticmethod
    def _address(request: Request) -> str:
        addr = request.getClientAddress()
        return str(getattr(addr, "host", addr))

    @staticmethod
    def _same_origin(request: Request) -> bool:
        """A browser's Origin, when sent, names this host (login CSRF, defence in depth)."""
        origin = request.getHeader(b"origin")
        if origin is None:
            return True
        host = request.getHeader(b"host") or b""
        return urlsplit(origin.decode("ascii", "replace")).netloc == host.decode(
            "ascii", "replace")

    async def _audit(self, request: Request, who: Operator | str, action: str,
                     **detail: Any) -> None:
        principal = who.principal if isinstance(who, Operator) else who
        await self.store.audit(f"console-{action}", principal, address=self._address(request),
                               **detail)

    # -- routing -----------------------------------------------------------------
    async def _route(self, request: Request) -> None:
        path = [p.decode("utf-8", "replace") for p in request.postpath or []]
        path = path[:-1] if len(path) > 1 and path[-1] == "" else path
        method = request.method
        if not path:                                    # /console -> /console/
            self._redirect(request, "/console/")
            return
        if path == ["style.css"]:
            respond(request, 200, pages.CSS, {**SECURITY_HEADERS,
                                              "Content-Type": "text/css; charset=utf-8"})
            return
        if method == b"POST" and not self._same_origin(request):
            await self._page(request, 403, pages.message_page(
                "Refused", "The form was sent from another site."))
            return
        if path == ["login"]:
            if method == b"POST":
                await self._login(request)
            else:
                await self._page(request, 200, pages.login_page(
                    cert_login=self.operator_trust is not None,
                    back=safe_return(self._arg(request, "next"))))
            return
        session = await self._session(request)
        if session is None:
            if method == b"POST":       # nothing was done: say so, and where to go again
                back = self._form_page(path)
                await self._page(request, 403, pages.login_page(
                    "Your session ended (idle too long, expired or logged out) before this "
                    "form was sent: nothing was done. Log in, then do it again.",
                    self.operator_trust is not None, back))
            else:
                back = safe_return(request.uri.decode("ascii", "replace"))
                self._redirect(request, "/console/login" + (
                    "" if back == "/console/" else "?" + urlencode({"next": back})))
            return
        operator, csrf, token = session
        if method == b"POST" and not hmac.compare_digest(
                self._arg(request, "csrf").encode(), csrf.encode()):
            await self._audit(request, operator, "csrf-refused", path="/".join(path))
            await self._page(request, 403, pages.message_page(
                "Refused", "The form's CSRF token is missing or wrong; reload the page.",
                operator, csrf))
            return
        handler, needed = self._handler(method, path)
        if handler is None:
            await self._page(request, 404, pages.message_page(
                "Not found", "No such console page.", operator, csrf))
            return
        if not allows(operator.role, needed):
            await self._audit(request, operator, "forbidden", path="/".join(path))
            await self._page(request, 403, pages.message_page(
                "Not allowed", f"This needs the {needed} role; you are {operator.role}.",
                operator, csrf))
            return
        await handler(request, operator, csrf, path, token)

    def _handler(self, method: bytes, path: list[str]
                 ) -> tuple[Callable[..., Awaitable[None]] | None, str]:
        verb = "GET" if method == b"HEAD" else method.decode("ascii", "replace")
        for route_verb, pattern, name, role in ROUTES:
            if route_verb == verb and len(pattern) == len(path) and all(
                    _segment(p, part) for p, part in zip(pattern, path, strict=True)):
                return getattr(self, name), role
        return None, "admin"

    def _form_page(self, path: list[str]) -> str:
        """The page a form posted to `path` is on: the longest start of it that is a
        page (GET), so after logging in again the operator is back where they were."""
        for n in range(len(path), 0, -1):
            if self._handler(b"GET", path[:n])[0] is not None:
                return "/console/" + "/".join(path[:n])
        return "/console/"

    # -- sessions ------------------------------------------------------------------
    async def _session(self, request: Request) -> tuple[Operator, str, str] | None:
        token = (request.getCookie(COOKIE) or b"").decode("ascii", "replace")
        if not token:
            return None
        row = await self.store.session(token_hash(token), self.idle_seconds())
        if row is None:
            return None
        principal = str(row["operator"])
        role = self.roles.role_of(principal)
        if role is None or not await self._credential_kept(principal):
            return None
        shown = bool(row["flash"]) and request.method in (b"GET", b"HEAD")
        if shown:
            self._flashes[request] = str(row["flash"])
        if shown or self.clock() - float(row["last_seen"]) >= min(SEEN_EVERY,
                                                                   self.idle_seconds() / 10):
            await self.store.session_seen(token_hash(token), shown)
        return Operator(principal, role), str(row["csrf"]), token

    async def _done(self, request: Request, token: str, to: str, text: str) -> None:
        """After an action: its outcome is the status line of the page it redirects to
        (kept with the session, never in the URL, where a link could forge one)."""
        await self.store.session_flash(token_hash(token), text)
        self._redirect(request, to)

    async def _credential_kept(self, principal: str) -> bool:
        """False, with every session of `principal` ended in the store (so on every node),
        once this node's operator file no longer holds the password hash it held before
        (a new password, or the operator removed).  A certificate session is kept while
        its role is (checked on every request)."""
        kind, _, name = principal.partition(":")
        if kind != PASSWORD:
            return True
        current, seen = self.operators.credential(name), self._credentials.get(name)
        if current is not None and seen in (None, current):
            self._credentials[name] = current
            return True
        self._credentials.pop(name, None)
        if current is not None:
            self._credentials[name] = current       # sessions opened from now on are fine
        ended = await self.store.sessions_end(principal)
        log.info("console: the password of {operator} changed or was removed; {ended} "
                 "session(s) ended", operator=principal, ended=ended)
        return False

    async def _open_session(self, request: Request, principal: str) -> None:
        """Log in: a new session, then back to the page asked for (`next`, same site)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        await self._credential_kept(principal)      # ends sessions of an older password
        await self.store.session_open(token_hash(token), principal, csrf,
                                      self._address(request), self.session_seconds)
        request.addCookie(COOKIE, token.encode(), path=b"/console",
                          max_age=str(int(self.session_seconds)).encode(),
                          secure=self.secure, httpOnly=True, sameSite="strict")
        await self._audit(request, principal, "login")
        self._redirect(request, safe_return(self._arg(request, "next")))

    async def _login(self, request: Request) -> None:
        if self._arg(request, "method") == "certificate":
            await self._certificate_login(request)
            return
        user, password = self._arg(request, "user"), self._arg(request, "password")
        principal = f"{PASSWORD}:{user}"
        source = source_key(self._address(request))

        async def verify() -> bool:
            return (0 < len(user) <= MAX_NAME and await self.operators.check(user, password)
                    and self.roles.role_of(principal) is not None)
        try:        # budgets: this address for this name, then this address
            ok = await self.throttle.attempt(f"console {source}", f"{source} {user}", verify,
                                             queue=True)
        except (TooManyAttempts, LoginsBusy) as e:
            # logged (rate-limited), not audited: a flood must not grow the store
            self._refusals.warn("console login refused for {user} from {address}: {why}",
                                user=user, address=source, why=e.reason)
            await self._page(request, e.status, pages.login_page(
                f"Refused: {e.reason}; try again in {e.headers()['Retry-After']} seconds.",
                self.operator_trust is not None, safe_return(self._arg(request, "next"))),
                e.headers())
            return
        if ok:
            await self._open_session(request, principal)
            return
        await self._audit(request, f"{PASSWORD}:{user[:MAX_NAME]}", "login-failed")
        await self._page(request, 401, pages.login_page(
            "Unknown operator, wrong password, or no console role.",
            self.operator_trust is not None, safe_return(self._arg(request, "next"))))

    async def _certificate_login(self, request: Request) -> None:
        transport = request.channel.transport
        chain = (peer_chain(transport.getHandle())  # type: ignore[attr-defined]
                 if ISSLTransport.providedBy(transport) else [])
        principal, problem = "", "no client certificate was presented"
        if chain and self.operator_trust is not None:
            verified = self.operator_trust.verify(chain[0], chain[1:],
                                                  datetime.datetime.now(datetime.timezone.utc))
            cns = chain[0].subject.get_attributes_for_oid(NameOID.COMMON_NAME)
            principal = f"{CERTIFICATE}:{str(cns[0].value) if cns else ''}"
            problem = (verified.reason if not verified.ok
                       else self._not_operator(chain[0], verified.anchor)
                       or ("" if self.roles.role_of(principal)
                           else "the certificate has no console role"))
        if problem:
            await self._audit(request, principal or f"{CERTIFICATE}:", "login-failed",
                              reason=problem)
            await self._page(request, 401, pages.login_page(f"Certificate login: {problem}.",
                                                            True))
            return
        await self._open_session(request, principal)

    def _not_operator(self, cert: x509.Certificate, anchor: x509.Certificate | None) -> str:
        """Why a verified certificate is no operator's ("" when it is one): it must
        carry `operator_eku`, and come from no CA that issues device certificates."""
        if anchor is None or issues_devices([anchor], self.device_cas()):
            return "its CA issues device certificates"
        try:
            usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except (x509.ExtensionNotFound, ValueError):
            usages = x509.ExtendedKeyUsage([])
        if not self.operator_eku:
            return "no [console] operator_eku is configured"
        if x509.ObjectIdentifier(self.operator_eku) not in list(usages):
            return f"the certificate lacks the operator extended key usage {self.operator_eku}"
        return ""

    async def _logout(self, request: Request, operator: Operator, csrf: str, path: list[str],
                      token: str) -> None:
        await self.store.session_close(token_hash(token))
        request.addCookie(COOKIE, b"", path=b"/console", max_age=b"0", secure=self.secure,
                          httpOnly=True, sameSite="strict")
        await self._audit(request, operator, "logout")
        self._redirect(request, "/console/login")

    # -- pages -------------------------------------------------------------------
    async def _dashboard(self, request: Request, operator: Operator, csrf: str,
                         path: list[str], token: str) -> None:
        start = (self.clock() // 3600 - 23) * 3600
        counts = {(h, d): n for h, d, n in await self.store.outcomes_per_hour(start)}
        pending = await self.store.count("pending", ["status = ?"], ["pending"])
        await self._page(request, 200, pages.dashboard(
            operator, csrf, counts, start, pending, self.health.current(),
            await self.store.failures_by_rule(start)))

    async def _pending(self, request: Request, operator: Operator, csrf: str,
                       path: list[str], token: str) -> None:
        """Held requests awaiting a decision (or `?view=processed`: decided), a page
        at a time, with the outcome of the last decision (`?done=`) as a status line."""
        view = self._arg(request, "view")
        if view not in ("", "processed"):
            await self._page(request, 400, pages.message_page(
                "Bad request", "The view is the default or processed.", operator, csrf))
            return
        listing = self.listings["processed" if view else "pending"]
        listed = await self._listed(request, operator, csrf, listing)
        if listed is not None:
            query, items, pager = listed
            await self._page(request, 200, pages.pending_page(
                operator, csrf, items, allows(operator.role, "approver"), listing, query,
                pager=pager))

    async def _pending_request(self, request: Request, operator: Operator, csrf: str,
                               path: list[str], token: str) -> None:
        item = await self.store.pending_request(int(path[1]))
        if item is None:
            await self._page(request, 404, pages.message_page(
                "Not found", "No such held request.", operator, csrf))
            return
        await self._page(request, 200, pages.pending_request_page(
            operator, csrf, _decoded(item), allows(operator.role, "approver")))

    async def _page_number(self, request: Request, operator: Operator, csrf: str
                           ) -> int | None:
        """The ?page= of a list (1 when absent); a 400 page and None when it is bad."""
        text = self._arg(request, "page") or "1"
        number = whole(text, 1, 1_000_000)
        if number is None:
            await self._page(request, 400, pages.message_page(
                "Bad request", "The page number must be a whole number from 1.",
                operator, csrf))
        return number

    async def _decide(self, request: Request, operator: Operator, csrf: str,
                      path: list[str], token: str) -> None:
        """Approve or reject one request (a reject confirmed first, as a bulk one); 409
        saying who decided it, and when, if someone did first."""
        await self._decide_ids(request, operator, csrf, token, [int(path[1])], single=True)

    async def _decide_many(self, request: Request, operator: Operator, csrf: str,
                           path: list[str], token: str) -> None:
        """Approve or reject the selected requests (at most a page of them)."""
        ids = [int(i) for i in self._all(request, "id") if re.fullmatch(_ID, i)]
        await self._decide_ids(request, operator, csrf, token, ids, single=False)

    async def _decide_ids(self, request: Request, operator: Operator, csrf: str, token: str,
                          ids: list[int], single: bool) -> None:
        """The one way a decision is taken, from a request's page (`single`) or the
        list: a reject shows what it acts on and waits for confirm=yes; then each
        request is decided and audited, and the list says what happened."""
        decision = await self._decision(request, operator, csrf)
        if decision is None:
            return
        if not ids or len(ids) > PAGE_SIZE:
            await self._page(request, 400, pages.message_page(
                "Bad request", f"Select from 1 to {PAGE_SIZE} requests.", operator, csrf))
            return
        action, reason = decision
        confirmed = action == "approve" or self._arg(request, "confirm") == "yes"
        items = [] if confirmed and not single else await self.store.pending_requests(ids)
        if single and (not items or (not confirmed and items[0]["status"] != "pending")):
            await self._not_pending(request, operator, csrf, items)
            return
        if not confirmed:
            here = f"/console/pending/{ids[0]}" if single else "/console/pending"
            what = f"request {ids[0]}" if single else f"{len(items)} request(s)"
            await self._page(request, 200, pages.confirm_page(
                operator, csrf, f"Reject {what}?",
                [f"Reason: {reason}", "A rejected device is refused at its next retry "
                 "(Reopen, on a rejected request's page, puts it back to pending)."],
                pages.table("Requests to reject", ("request", "subject", "identity",
                                                   "profile", "status"),
                            [(str(i["id"]), i["subject"], i["identity"], i["label"],
                              i["status"]) for i in items]),
                here, [("action", "reject"), ("reason", reason), *(
                    [] if single else [("id", str(i["id"])) for i in items])],
                f"Reject {what}", here))
            return
        done = [await self._decide_one(request, operator, i, action, reason) for i in ids]
        if single and not done[0]:
            await self._not_pending(request, operator, csrf,
                                    await self.store.pending_requests(ids))
            return
        said = f"{'Approved' if action == 'approve' else 'Rejected'} " + (
            f"request {ids[0]}." if single else f"{sum(done)} request(s).")
        late = len(done) - sum(done)
        await self._done(request, token, "/console/pending", said + (
            f" {late} had been decided already (see Processed)." if late else ""))

    async def _reopen(self, request: Request, operator: Operator, csrf: str,
                      path: list[str], token: str) -> None:
        """A rejected request back to pending (what `estra reopen` does): the device's
        next retry is held again; 409 saying who decided it if it is not rejected."""
        pending_id = int(path[1])
        previous = await self.store.reopen(pending_id, operator.principal)
        await self._audit(request, operator, "reopen", pending=pending_id, changed=previous)
        if previous is None:
            await self._not_pending(request, operator, csrf,
                                    await self.store.pending_requests([pending_id]),
                                    "reopened (only a rejected request can be)")
            return
        await self._done(request, token, f"/console/pending/{pending_id}",
                         f"Reopened request {pending_id}: it awaits a decision again.")

    async def _not_pending(self, request: Request, operator: Operator, csrf: str,
                           items: list[HeldRequest], doing: str = "") -> None:
        """A request's page when it cannot be decided (or `doing`, e.g. reopened): 404
        when there is no such request, else 409 saying who decided it and when."""
        if not items:
            await self._page(request, 404, pages.message_page(
                "Not found", "No such held request.", operator, csrf))
            return
        item = items[0]
        by = (f" by {item['decided_by']} at {pages.when(item['decided_at'])}"
              if item["decided_by"] else "")
        said = (f"Request {item['id']} was not {doing}: it is {item['status']}{by}." if doing
                else f"Request {item['id']} is no longer pending: it was {item['status']}{by}.")
        await self._page(request, 409, pages.pending_request_page(
            operator, csrf, _decoded(item), allows(operator.role, "approver"), said))

    async def _decision(self, request: Request, operator: Operator, csrf: str
                        ) -> tuple[str, str] | None:
        """(action, reason) of a decision form; a 400 page and None when it is bad."""
        action, reason = self._arg(request, "action"), self._arg(request, "reason")[:200]
        if action not in ("approve", "reject") or (action == "reject" and not reason):
            await self._page(request, 400, pages.message_page(
                "Bad request", "Approve, or reject with a reason.", operator, csrf))
            return None
        return action, reason

    async def _decide_one(self, request: Request, operator: Operator, pending_id: int,
                          action: str, reason: str) -> bool:
        """Decide one request and audit it; whether it was still open to that decision."""
        changed = await self.store.decide(pending_id, action == "approve", reason,
                                          operator.principal)
        await self._audit(request, operator, action, pending=pending_id, reason=reason,
                          changed=changed)
        return changed is not None

    async def _enrollments(self, request: Request, operator: Operator, csrf: str,
                           path: list[str], token: str) -> None:
        await self._list(request, operator, csrf, self.listings["enrollments"])

    async def _audit_log(self, request: Request, operator: Operator, csrf: str,
                         path: list[str], token: str) -> None:
        await self._list(request, operator, csrf, self.listings["audit"])

    async def _attempts(self, request: Request, operator: Operator, csrf: str,
                        path: list[str], token: str) -> None:
        await self._list(request, operator, csrf, self.listings["attempts"])

    async def _list(self, request: Request, operator: Operator, csrf: str,
                    listing: lists.Listing) -> None:
        listed = await self._listed(request, operator, csrf, listing)
        if listed is not None:
            query, rows, pager = listed
            await self._page(request, 200, pages.list_page(listing, query, operator, csrf,
                                                           rows, pager))

    async def _listed(self, request: Request, operator: Operator, csrf: str,
                      listing: lists.Listing
                      ) -> tuple[lists.Query, list[dict[str, Any]], Tag] | None:
        """One page of `listing` (one query on an index from the cursor, a capped total)
        and its pager; None once it answered otherwise: the export of the current filter
        and sort (`?format=csv|json`, audited), or a 400 page."""
        try:
            query = lists.parse_query(listing, lambda name: self._arg(request, name))
        except lists.BadQuery as e:
            await self._page(request, 400, pages.message_page("Bad request", str(e),
                                                              operator, csrf))
            return None
        where, args = lists.conditions(listing, query, self.store.dialect.bytewise)
        fmt = self._arg(request, "format")
        if fmt:
            await self._export(request, operator, csrf, listing, query, where, args, fmt)
            return None
        total = await self.store.count(listing.source, where, args, lists.COUNT_CAP)
        sql, values, backwards = lists.page_sql(listing, query, where, args, PAGE_SIZE + 1)
        rows = await self.store.rows(sql, *values)
        more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
        if backwards:
            rows.reverse()
        return query, rows, pages.keyset_pager(listing, query, rows, total, more,
                                               lists.COUNT_CAP)

    async def _export(self, request: Request, operator: Operator, csrf: str,
                      listing: lists.Listing, query: lists.Query, where: list[str],
                      args: list[Any], fmt: str) -> None:
        """The rows of the current filter and sort as CSV or JSON (at most
        `lists.EXPORT_MAX`), audited: who exported which list, filter and how many."""
        if fmt not in lists.FORMATS:
            await self._page(request, 400, pages.message_page(
                "Bad request", "Export as csv or json.", operator, csrf))
            return
        first = attrs.evolve(query, after=None, before=None)
        sql, values, _ = lists.page_sql(listing, first, where, args, lists.EXPORT_MAX)
        rows = await self.store.rows(sql, *values)
        await self._audit(request, operator, "export", list=listing.name, format=fmt,
                          rows=len(rows), sort=query.sort,
                          filter={k: v for k, v in query.values.items() if v})
        body = (lists.to_csv if fmt == "csv" else lists.to_json)(listing, rows)
        respond(request, 200, body, {
            **SECURITY_HEADERS, "Content-Type": lists.FORMATS[fmt],
            "Content-Disposition": f'attachment; filename="{listing.name}.{fmt}"'})

    async def _enrollment(self, request: Request, operator: Operator, csrf: str,
                          path: list[str], token: str) -> None:
        ident, _, ext = path[1].partition(".")
        rec = await self.store.enrollment(int(ident))
        if rec is None or (ext and not rec.get("certificate")):
            await self._page(request, 404, pages.message_page(
                "Not found", "No such enrollment record.", operator, csrf))
            return
        if ext:                                 # "pem", or "chain.pem"
            cert = load_record_certificate(rec)
            assert cert is not None
            certs = chain_of(cert, self.device_cas()) if ext == "chain.pem" else [cert]
            respond(request, 200, devices.pem(certs), {
                **SECURITY_HEADERS, "Content-Type": "application/x-pem-file",
                "Content-Disposition": f'attachment; filename="{rec["serial"]}.{ext}"'})
            return
        await self._show_enrollment(request, operator, csrf, rec)

    async def _devices(self, request: Request, operator: Operator, csrf: str,
                       path: list[str], token: str) -> None:
        """The device search: records with a name starting with the term, or the serial."""
        term = self._arg(request, "q")
        search = devices.parse_search(term)
        rows = await self.store.find_records(search.prefix, search.serial, PAGE_SIZE) \
            if term else []
        await self._page(request, 200, pages.device_search_page(operator, csrf, term, rows,
                                                                PAGE_SIZE))

    async def _device(self, request: Request, operator: Operator, csrf: str,
                      path: list[str], token: str) -> None:
        """One device, from any of its records: certificates, state, timeline."""
        device = await self.store.device(int(path[1]))
        if not device["records"]:
            await self._page(request, 404, pages.message_page(
                "Not found", "No such enrollment record.", operator, csrf))
            return
        states = devices.certificate_states(device["records"], device["revoked"],
                                            self.clock())
        cert = load_record_certificate(states[-1].record) if states else None
        facts = devices.certificate_facts(cert) if cert is not None else []
        await self._page(request, 200, pages.device_page(operator, csrf, int(path[1]),
                                                         device, states, facts))

    async def _show_enrollment(self, request: Request, operator: Operator, csrf: str,
                               rec: EnrollmentRow, status: int = 200, notice: str = "",
                               error: str = "") -> None:
        history = await self.store.key_history(str(rec["identity"]), str(rec["key_sha256"]))
        held = await self.store.held(str(rec["identity"]), str(rec["key_sha256"]))
        revoked = await self.store.revocation(str(rec["serial"])) if rec["serial"] else None
        can_revoke = (self.revoke is not None and allows(operator.role, "admin")
                      and bool(rec.get("certificate"))
                      and (revoked is None or revoked["outcome"] not in DONE))
        await self._page(request, status, pages.enrollment_page(
            operator, csrf, rec, history, held, revoked, can_revoke, notice, error))

    async def _revoke_certificate(self, request: Request, operator: Operator, csrf: str,
                                  path: list[str], token: str) -> None:
        """What `estra revoke SERIAL --reason R` does, for the record's certificate."""
        reason = self._arg(request, "reason")
        rec = await self.store.enrollment(int(path[1]))
        if rec is None or not rec.get("certificate") or self.revoke is None:
            await self._page(request, 404, pages.message_page(
                "Not found", "No such certificate to revoke.", operator, csrf))
            return
        if reason not in wire.REVOCATION_REASONS:
            await self._show_enrollment(request, operator, csrf, rec, 400, error=(
                f"Choose a revocation reason: {', '.join(wire.REVOCATION_REASONS)}."))
            return
        serial = wire.serial_hex(x509.load_der_x509_certificate(
            base64.b64decode(str(rec["certificate"]))).serial_number)
        if self._arg(request, "confirm") != "yes":
            await self._page(request, 200, pages.confirm_page(
                operator, csrf, f"Revoke certificate {serial}?",
                [f"Reason: {reason}", "Revocation cannot be undone: the certificate stops "
                 "working as a credential here and is listed on the CA's CRL."],
                tags.table(*[tags.tr(tags.th(k, scope="row"), tags.td(v)) for k, v in (
                    ("Record", str(rec["id"])), ("Serial", serial),
                    ("Subject", rec["subject"]), ("Identity", rec["identity"]),
                    ("Profile", rec["label"]), ("Not after", pages.when(rec["not_after"])))]),
                f"/console/enrollments/{rec['id']}/revoke", [("reason", reason)],
                f"Revoke certificate {serial}", f"/console/enrollments/{rec['id']}"))
            return
        done = await self.revoke(int(serial, 16), reason, operator.principal)
        said = done if isinstance(done, str) else f"{done.outcome}: {done.detail}"
        await self._audit(request, operator, "certificate-revoke", serial=serial,
                          record=rec["id"], reason=reason, outcome=said)
        if isinstance(done, str):
            await self._show_enrollment(request, operator, csrf, rec, 409,
                                        error=f"Not revoked: {done}")
        elif done.code:             # the CA failed (502), or has no API (recorded only)
            await self._show_enrollment(request, operator, csrf, rec,
                                        502 if done.outcome == "failed" else 200,
                                        error=f"Certificate {serial}: {said}")
        else:
            await self._done(request, token, f"/console/enrollments/{rec['id']}",
                             f"Certificate {serial}: {said}")

    async def _codes(self, request: Request, operator: Operator, csrf: str,
                     path: list[str], token: str, new: tuple[str, str, str] | None = None,
                     error: str = "", status: int = 200) -> None:
        page = await self._page_number(request, operator, csrf)
        if page is None:
            return
        total = await self.store.count("codes")
        await self._page(request, status, pages.codes_page(
            operator, csrf, await self.store.codes_page(PAGE_SIZE, (page - 1) * PAGE_SIZE),
            self.clock(), new, allows(operator.role, "admin"), error,
            pages.pager("/console/codes", {}, page, total, PAGE_SIZE)))

    async def _issue_code(self, request: Request, operator: Operator, csrf: str,
                          path: list[str], token: str) -> None:
        principal, hours = self._arg(request, "principal"), self._arg(request, "hours") or "24"
        try:
            parse_principal(principal)
            if whole(hours, 1, 720) is None:
                raise ValueError("hours must be a whole number from 1 to 720")
        except ValueError as e:
            await self._codes(request, operator, csrf, path, token, error=str(e), status=400)
            return
        code_id, code = await self.store.issue_code(principal, int(hours) * 3600)
        await self._audit(request, operator, "code-issued", code=code_id, principal=principal,
                          hours=int(hours))
        await self._codes(request, operator, csrf, path, token,
                          new=(principal, code, csr_recipe(principal, code)))

    async def _revoke_code(self, request: Request, operator: Operator, csrf: str,
                           path: list[str], token: str) -> None:
        code = await self.store.code(int(path[1]))
        if code is None:
            await self._page(request, 404, pages.message_page(
                "Not found", "No such code.", operator, csrf))
            return
        if self._arg(request, "confirm") != "yes":
            await self._page(request, 200, pages.confirm_page(
                operator, csrf, f"Revoke code {code['id']}?",
                ["A revoked code can never be used; the device needs a new one."],
                tags.table(*[tags.tr(tags.th(k, scope="row"), tags.td(v)) for k, v in (
                    ("Code", str(code["id"])), ("Identity", code["identity"]),
                    ("Created", pages.when(code["created"])),
                    ("Expires", pages.when(code["expires"])))]),
                f"/console/codes/{code['id']}/revoke", [], f"Revoke code {code['id']}",
                "/console/codes"))
            return
        ok = await self.store.revoke_code(int(path[1]))
        await self._audit(request, operator, "code-revoked", code=path[1], changed=ok)
        await self._done(request, token, "/console/codes",
                         f"Code {code['id']} for {code['identity']} revoked." if ok else
                         f"Code {code['id']} was not revoked: it was used, expired or "
                         "revoked already.")

    async def _renewals(self, request: Request, operator: Operator, csrf: str,
                        path: list[str], token: str, error: str = "",
                        status: int = 200) -> None:
        """Devices overdue, due (estra.ra.renewal windows) and never renewed."""
        profiles, now = self.profiles(), self.clock()
        lists: dict[str, list[pages.RenewalRow]] = {"overdue": [], "due": [], "never": []}
        for current in await self.store.current_certificates(RENEWAL_ROWS):
            profile = profiles.get(current["label"])
            if profile is None:
                continue
            cert = x509.load_der_x509_certificate(base64.b64decode(current["certificate"]))
            row = pages.RenewalRow(**current, window=renewal.suggested_window(
                profile, cert, await self.store.renewal_due(
                    profile.name, str(current["serial"]), float(current["at"]))))
            state = row["window"].state(now)
            if state != "later":
                lists[state].append(row)
            if not row["renewals"]:
                lists["never"].append(row)
        await self._page(request, status, pages.renewals_page(
            operator, csrf, {k: v[:PAGE_SIZE] for k, v in lists.items()}, sorted(profiles),
            allows(operator.role, "admin"), error))

    async def _advance_renewals(self, request: Request, operator: Operator, csrf: str,
                                path: list[str], token: str) -> None:
        """Pull a profile's (or some serials') renewal windows forward."""
        profile, reason = self._arg(request, "profile"), self._arg(request, "reason")
        hours = self._arg(request, "hours") or "0"
        serials = [lists.stored_serial(s)
                   for s in self._arg(request, "serials").replace(",", " ").split()]
        problem = (f"no profile {profile!r}" if profile not in self.profiles() else
                   "say why: the audit log keeps the reason" if not reason else
                   "hours must be a whole number from 0 to 8760"
                   if whole(hours, 0, 8760) is None else
                   "serials are hexadecimal" if not all(re.fullmatch("[0-9A-F]{1,40}", s)
                                                         for s in serials) else "")
        if problem:
            await self._renewals(request, operator, csrf, path, token, problem, 400)
            return
        await self.store.advance_renewal(profile, serials, self.clock() + int(hours) * 3600,
                                         reason, operator.principal)
        self._redirect(request, "/console/renewals")

    async def _users(self, request: Request, operator: Operator, csrf: str,
                     path: list[str], token: str, new: tuple[str, str | None] | None = None,
                     error: str = "", status: int = 200) -> None:
        if self.devices is None:
            await self._page(request, 404, pages.message_page(
                "Not found", "No device user file here.", operator, csrf))
            return
        page = await self._page_number(request, operator, csrf)
        if page is None:
            return
        names = user_names(self.devices())
        await self._page(request, status, pages.users_page(
            operator, csrf, names[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], new, error,
            pages.pager("/console/users", {}, page, len(names), PAGE_SIZE)))

    async def _in_thread(self, f: Callable[..., Any], *args: Any) -> Any:
        """`f(*args)` on the pool (bcrypt, file I/O), one device-file change at a time."""
        await self._device_writes.acquire()
        try:
            if self.pool is None or self.reactor is None:
                return f(*args)
            return await deferToThreadPool(self.reactor, self.pool, f, *args)
        finally:
            self._device_writes.release()

    async def _set_user(self, request: Request, operator: Operator, csrf: str,
                        path: list[str], token: str) -> None:
        name, typed = self._arg(request, "name"), self._arg(request, "password", strip=False)
        if self.devices is None:
            await self._users(request, operator, csrf, path, token)
            return
        known = name in user_names(self.devices())
        if known and self._arg(request, "confirm") != "yes":
            await self._page(request, 200, pages.confirm_page(
                operator, csrf, f"Replace the password of device user {name}?",
                [f"Devices that log in as {name} with the old password are refused from "
                 "their next request on; certificates already issued stay valid.",
                 "Type the new password here (again), or leave it empty for a generated one."],
                tags.p(f"User: {name}"), "/console/users", [("name", name)],
                f"Replace the password of {name}", "/console/users",
                inputs=[tags.p(tags.label("New password ", tags.input(
                    name="password", type="password", autocomplete="new-password")))]))
            return
        password = typed or new_password()
        try:
            await self._in_thread(set_user, self.devices(), name, password)
        except ValueError as e:
            await self._users(request, operator, csrf, path, token, error=str(e), status=400)
            return
        await self._audit(request, operator, "user-set", user=name, created=not known,
                          generated=not typed)
        await self._users(request, operator, csrf, path, token,
                          new=(name, None if typed else password))

    async def _remove_user(self, request: Request, operator: Operator, csrf: str,
                           path: list[str], token: str) -> None:
        name = self._arg(request, "name")
        if self.devices is None:
            await self._users(request, operator, csrf, path, token)
            return
        if name in user_names(self.devices()) and self._arg(request, "confirm") != "yes":
            await self._page(request, 200, pages.confirm_page(
                operator, csrf, f"Remove device user {name}?",
                [f"Devices that log in as {name} with HTTP Basic are refused from their "
                 "next request on; certificates already issued stay valid."],
                tags.p(f"User: {name}"), "/console/users/remove", [("name", name)],
                f"Remove user {name}", "/console/users"))
            return
        removed = await self._in_thread(remove_user, self.devices(), name)
        await self._audit(request, operator, "user-removed", user=name, changed=removed)
        if not removed:
            await self._users(request, operator, csrf, path, token, status=404,
                              error=f"No user {name!r}; nothing changed.")
            return
        await self._done(request, token, "/console/users", f"Device user {name} removed.")


def csr_recipe(principal: str, code: str) -> str:
    """Shell commands that make a CSR carrying `code` as its challengePassword."""
    name = principal.rpartition(":")[2] or "device"
    return (f"cat > device.cnf <<'END'\n[req]\ndistinguished_name = dn\nattributes = attrs\n"
            f"prompt = no\n[dn]\nCN = {name}\n[attrs]\nchallengePassword = {code}\nEND\n"
            "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \\\n"
            "    -keyout device.key -config device.cnf -outform DER | base64 -w0 > device.b64\n"
            "# then POST device.b64 (Content-Type: application/pkcs10) to\n"
            "# /.well-known/est/<profile>/simpleenroll as that identity\n")


def console_root(reactor: IEstraReactor, settings: ConsoleSettings, store: Store,
                 pool: ThreadPool, clock: Callable[[], float],
                 cas: Mapping[str, Any] | None = None,
                 devices: Callable[[], FilePath] | None = None,
                 revoke: Revoke | None = None,
                 device_cas: Callable[[], Sequence[x509.Certificate]] = list,
                 certificates: Certificates | Callable[[], Certificates] = dict,
                 profiles: Callable[[], Mapping[str, Profile]] = dict,
                 current: Callable[[], ConsoleSettings | None] | None = None) -> Console:
    """The /console resource (a leaf that routes its own sub-paths) from [console];
    `certificates` (name -> the one in force) are probed for expiry with the CAs;
    `devices` gives the device htpasswd file in force (the Users page), `revoke` what
    `estra revoke` does (the enrollment page's Revoke), `device_cas` the CAs that issue
    device certificates: ValueError (estra does not start) if operator_trust holds one;
    `profiles` the profile names in force; `current` the [console] settings in force
    (a reload changes the idle timeout)."""
    assert settings.operators is not None
    anchors = []
    for path in settings.operator_trust:
        certs = load_pem_certs(path)
        found = issues_devices(certs, device_cas())
        if found is not None:
            raise ValueError(
                f"[console] operator_trust: {path.path} holds {found.subject.rfc4514_string()}"
                ", a CA that issues device certificates: a device could get an operator's "
                "name from it; give operators a CA of their own")
        anchors.extend(certs)
    cas = cas if cas is not None else {}
    return Console(store, Htpasswd(settings.operators, pool, reactor, clock),
                   Roles(settings.roles, dict(settings.cert_roles)), clock, settings.tls,
                   settings.session_minutes * 60.0, cas,
                   TrustStore("operator", anchors) if anchors else None, reactor=reactor,
                   devices=devices, pool=pool, revoke=revoke,
                   operator_eku=settings.operator_eku, device_cas=device_cas,
                   health=HealthMonitor(standard_checks(store, lambda: cas, certificates,
                                                        clock), reactor), profiles=profiles,
                   idle_seconds=lambda: ((current and current()) or settings).idle_minutes * 60.0)


def _decoded(item: HeldRequest) -> pages.DecodedRequest:
    """A held request with its stored CSR decoded (or why it cannot be)."""
    try:
        return pages.DecodedRequest(**item, decoded=decode_csr(item["csr"]))
    except (ValueError, TypeError) as e:
        return pages.DecodedRequest(**item, decoded=None, decode_error=str(e))
