"""/console on the admin listener: sessions, CSRF, roles, and the pages' actions.

Sessions live in the store (table console_sessions), so every estra node on
one PostgreSQL shares them and a node restart logs nobody out; the cookie
holds a random 256-bit token and the store only its SHA-256.  Each session
has its own CSRF token, required (constant-time compare) in every POST.  The
role is looked up again on every request, so taking it away takes effect at
once.  Nothing here runs on the EST listener.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import secrets
from typing import Any, Awaitable, Callable, Mapping
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from twisted.internet.defer import Deferred, DeferredLock, gatherResults
from twisted.internet.interfaces import ISSLTransport
from twisted.internet.threads import deferToThreadPool
from twisted.logger import Logger
from twisted.python.filepath import FilePath
from twisted.python.threadpool import ThreadPool
from twisted.web.resource import Resource
from twisted.web.server import Request
from twisted.web.template import Tag

from estra import wire
from estra.auth import Htpasswd, parse_principal
from estra.config import ConsoleSettings
from estra.console import pages
from estra.console.csr import decode_csr
from estra.console.operators import (CERTIFICATE, PASSWORD, LoginThrottle, Operator, Roles,
                                     allows)
from estra.errors import EstError
from estra.http import read_body, respond, run_async
from estra.revocation import DONE, REASONS, Revocation
from estra.state import new_password, remove_user, set_user, user_names
from estra.store import Store
from estra.tls import TrustStore, load_pem_certs, peer_chain
from estra.upstream import health

__all__ = ["Console", "console_root"]

log = Logger()
COOKIE = b"estra_console"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; "
                               "form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",     # "no-referrer" makes Chromium send Origin: null
    "Cache-Control": "no-store",
}
ENROLLMENT_COLUMNS = ("identity", "serial", "decision", "rule", "label")
#: revoke(serial, reason, by): what `estra revoke` does (estra.revocation.revoke, bound)
Revoke = Callable[[int, str, str], Awaitable[Revocation | str]]
HEALTH_CACHE = 30.0
HEALTH_TIMEOUT = 5.0
#: (method, path pattern ("*" matches one segment), handler, least role)
ROUTES = (
    ("GET", ("",), "_dashboard", "viewer"),
    ("GET", ("pending",), "_pending", "viewer"),
    ("POST", ("pending", "*"), "_decide", "approver"),
    ("GET", ("enrollments",), "_enrollments", "viewer"),
    ("GET", ("enrollments", "*"), "_enrollment", "viewer"),
    ("POST", ("enrollments", "*", "revoke"), "_revoke_certificate", "admin"),
    ("GET", ("codes",), "_codes", "viewer"),
    ("POST", ("codes",), "_issue_code", "admin"),
    ("POST", ("codes", "*", "revoke"), "_revoke_code", "admin"),
    ("GET", ("users",), "_users", "admin"),
    ("POST", ("users",), "_set_user", "admin"),
    ("POST", ("users", "remove"), "_remove_user", "admin"),
    ("GET", ("audit",), "_audit_log", "viewer"),
    ("POST", ("logout",), "_logout", "viewer"),
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


class Console(Resource):
    """Every /console/... request: one `async` handler per page or action."""

    isLeaf = True
    allowedMethods = (b"GET", b"HEAD", b"POST")   # others: 405 text/plain (estra.http)

    def __init__(self, store: Store, operators: Htpasswd, roles: Roles, clock: Callable[[], float],
                 secure: bool, session_seconds: float, cas: Mapping[str, Any] | None = None,
                 operator_trust: TrustStore | None = None,
                 throttle: LoginThrottle | None = None, reactor: Any = None,
                 devices: Callable[[], FilePath] | None = None,
                 pool: ThreadPool | None = None, revoke: Revoke | None = None) -> None:
        super().__init__()
        self.store, self.operators, self.roles, self.clock = store, operators, roles, clock
        self.secure, self.session_seconds = secure, session_seconds
        self.cas = cas if cas is not None else {}     # live: a reload swaps the CAs
        self.operator_trust = operator_trust
        self.throttle = throttle or LoginThrottle(clock)
        self.reactor = reactor                  # IReactorTime for health timeouts
        self._health: tuple[float, list[tuple[str, str]]] = (-HEALTH_CACHE, [])
        self.devices = devices                  # the device htpasswd of the config in force
        self.pool = pool                        # bcrypt off the reactor thread
        self._device_writes = DeferredLock()    # one change of the file at a time
        self.revoke = revoke                    # estra.revocation.revoke, bound

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
        values = (request.args or {}).get(name.encode(), [b""])
        return values[0].decode("utf-8", "replace").strip()

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
                    cert_login=self.operator_trust is not None))
            return
        session = await self._session(request)
        if session is None:
            if method == b"POST":
                await self._page(request, 403, pages.message_page(
                    "Not logged in", "Your session has ended; log in again."))
            else:
                self._redirect(request, "/console/login")
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
                    p in ("*", part) for p, part in zip(pattern, path)):
                return getattr(self, name), role
        return None, "admin"

    # -- sessions ------------------------------------------------------------------
    async def _session(self, request: Request) -> tuple[Operator, str, str] | None:
        token = (request.getCookie(COOKIE) or b"").decode("ascii", "replace")
        if not token:
            return None
        row = await self.store.session(token_hash(token))
        if row is None:
            return None
        role = self.roles.role_of(str(row["operator"]))
        if role is None:
            return None
        return Operator(str(row["operator"]), role), str(row["csrf"]), token

    async def _open_session(self, request: Request, principal: str) -> None:
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        await self.store.session_open(token_hash(token), principal, csrf,
                                      self._address(request), self.session_seconds)
        request.addCookie(COOKIE, token.encode(), path=b"/console",
                          max_age=str(int(self.session_seconds)).encode(),
                          secure=self.secure, httpOnly=True, sameSite="strict")
        await self._audit(request, principal, "login")
        self._redirect(request, "/console/")

    async def _login(self, request: Request) -> None:
        if self._arg(request, "method") == "certificate":
            await self._certificate_login(request)
            return
        user, password = self._arg(request, "user"), self._arg(request, "password")
        keys = (f"address:{self._address(request)}", f"user:{user}")
        wait = self.throttle.blocked(*keys)
        if wait:        # logged, not audited: a flood must not grow the store
            log.warn("console login throttled for {user} from {address}", user=user,
                     address=keys[0])
            await self._page(request, 429, pages.login_page(
                f"Too many failed logins; try again in {int(wait) + 1} seconds."),
                {"Retry-After": str(int(wait) + 1)})
            return
        principal = f"{PASSWORD}:{user}"
        if user and await self.operators.check(user, password) and self.roles.role_of(principal):
            self.throttle.succeeded(keys[1])
            await self._open_session(request, principal)
            return
        self.throttle.failed(*keys)
        await self._audit(request, principal, "login-failed")
        await self._page(request, 401, pages.login_page(
            "Unknown operator, wrong password, or no console role.",
            self.operator_trust is not None))

    async def _certificate_login(self, request: Request) -> None:
        transport = request.channel.transport  # type: ignore[attr-defined]
        chain = (peer_chain(transport.getHandle())  # type: ignore[attr-defined]
                 if ISSLTransport.providedBy(transport) else [])
        principal, problem = "", "no client certificate was presented"
        if chain and self.operator_trust is not None:
            verified = self.operator_trust.verify(chain[0], chain[1:],
                                                  datetime.datetime.now(datetime.timezone.utc))
            cns = chain[0].subject.get_attributes_for_oid(NameOID.COMMON_NAME)
            principal = f"{CERTIFICATE}:{str(cns[0].value) if cns else ''}"
            problem = verified.reason if not verified.ok else (
                "" if self.roles.role_of(principal) else "the certificate has no console role")
        if problem:
            await self._audit(request, principal or f"{CERTIFICATE}:", "login-failed",
                              reason=problem)
            await self._page(request, 401, pages.login_page(f"Certificate login: {problem}.",
                                                            True))
            return
        await self._open_session(request, principal)

    async def _logout(self, request: Request, operator: Operator, csrf: str, path: list[str],
                      token: str) -> None:
        await self.store.session_close(token_hash(token))
        request.addCookie(COOKIE, b"", path=b"/console", max_age=b"0", secure=self.secure,
                          httpOnly=True, sameSite="strict")
        await self._audit(request, operator, "logout")
        self._redirect(request, "/console/login")

    # -- pages -------------------------------------------------------------------
    async def _upstream_health(self) -> list[tuple[str, str]]:
        """Each CA's health, checked at once (at most HEALTH_TIMEOUT s) and kept a while."""
        checked, statuses = self._health
        if self.clock() - checked < HEALTH_CACHE:
            return statuses

        async def one(ca: Any) -> str:
            d: Deferred[str] = Deferred.fromCoroutine(health(ca))
            if self.reactor is not None:
                d.addTimeout(HEALTH_TIMEOUT, self.reactor)
            try:
                return await d
            except EstError as e:
                return f"FAILED {e.status}: {e.reason}"
            except Exception as e:  # noqa: BLE001 - shown, not raised
                return f"FAILED: {e.__class__.__name__}"
        names = sorted(self.cas)
        results = await gatherResults([Deferred.fromCoroutine(one(self.cas[n]))
                                       for n in names])
        self._health = (self.clock(), list(zip(names, results)))
        return self._health[1]

    async def _dashboard(self, request: Request, operator: Operator, csrf: str,
                         path: list[str], token: str) -> None:
        start = (self.clock() // 3600 - 23) * 3600
        counts = {(h, d): n for h, d, n in await self.store.outcomes_per_hour(start)}
        pending = len(await self.store.pending())
        await self._page(request, 200, pages.dashboard(
            operator, csrf, counts, start, pending, await self._upstream_health()))

    async def _pending(self, request: Request, operator: Operator, csrf: str,
                       path: list[str], token: str) -> None:
        items = []
        for row in await self.store.pending():
            item = dict(row)
            try:
                item["decoded"] = decode_csr(str(row["csr"]))
            except (ValueError, TypeError) as e:
                item["decoded"], item["decode_error"] = None, str(e)
            records = await self.store.key_history(str(row["identity"]), str(row["key_sha256"]))
            held = [r for r in records if r["decision"] == "held"]
            if held:
                item["peer"], item["held_reason"] = held[-1]["peer"], held[-1]["reason"]
            items.append(item)
        await self._page(request, 200, pages.pending_page(
            operator, csrf, items, allows(operator.role, "approver")))

    async def _decide(self, request: Request, operator: Operator, csrf: str,
                      path: list[str], token: str) -> None:
        action, reason = self._arg(request, "action"), self._arg(request, "reason")[:200]
        if _record_id(path[1]) is None or action not in ("approve", "reject") or (
                action == "reject" and not reason):
            await self._page(request, 400, pages.message_page(
                "Bad request", "Approve, or reject with a reason.", operator, csrf))
            return
        approve = action == "approve"
        changed = await self.store.decide(int(path[1]), approve, reason, operator.principal)
        await self._audit(request, operator, action, pending=int(path[1]), reason=reason,
                          changed=changed)
        if not changed:
            await self._page(request, 409, pages.message_page(
                "Already decided", f"Request {path[1]} is no longer pending.", operator, csrf))
            return
        self._redirect(request, "/console/pending")

    async def _enrollments(self, request: Request, operator: Operator, csrf: str,
                           path: list[str], token: str) -> None:
        async def find(values: dict[str, str], since: float | None,
                       until: float | None) -> list[dict[str, Any]]:
            exact = {k: values[k].lower() if k == "serial" else values[k]
                     for k in ENROLLMENT_COLUMNS}
            return await self.store.search_enrollments(exact, values["subject"], since, until)
        await self._search(request, operator, csrf, pages.ENROLLMENTS, find)

    async def _audit_log(self, request: Request, operator: Operator, csrf: str,
                         path: list[str], token: str) -> None:
        async def find(values: dict[str, str], since: float | None,
                       until: float | None) -> list[dict[str, Any]]:
            return await self.store.search_audit(
                {"kind": values["kind"], "identity": values["identity"]}, values["text"],
                since, until, 200)
        await self._search(request, operator, csrf, pages.AUDIT, find)

    async def _search(self, request: Request, operator: Operator, csrf: str,
                      search: pages.Search, find: Callable[..., Awaitable[list[dict[str, Any]]]]
                      ) -> None:
        values = {name: self._arg(request, name) for name, _, _ in search.filters}
        try:
            since, until = _time(values["since"]), _time(values["until"])
        except ValueError:
            await self._page(request, 400, pages.search_page(
                search, operator, csrf, values, [], "Times look like 2026-11-30T14:00."))
            return
        rows = await find(values, since, until)
        await self._page(request, 200, pages.search_page(search, operator, csrf, values, rows))

    async def _enrollment(self, request: Request, operator: Operator, csrf: str,
                          path: list[str], token: str) -> None:
        ident, _, ext = path[1].partition(".")
        record = _record_id(ident)
        rec = await self.store.enrollment(record) if record is not None else None
        if rec is None or ext not in ("", "pem") or (ext and not rec.get("certificate")):
            await self._page(request, 404, pages.message_page(
                "Not found", "No such enrollment record.", operator, csrf))
            return
        if ext == "pem":
            der = base64.b64decode(str(rec["certificate"]))
            pem = x509.load_der_x509_certificate(der).public_bytes(Encoding.PEM)
            respond(request, 200, pem, {
                **SECURITY_HEADERS, "Content-Type": "application/x-pem-file",
                "Content-Disposition": f'attachment; filename="{rec["serial"]}.pem"'})
            return
        await self._show_enrollment(request, operator, csrf, rec)

    async def _show_enrollment(self, request: Request, operator: Operator, csrf: str,
                               rec: dict[str, Any], status: int = 200, notice: str = "",
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
        record = _record_id(path[1])
        rec = await self.store.enrollment(record) if record is not None else None
        if rec is None or not rec.get("certificate") or self.revoke is None:
            await self._page(request, 404, pages.message_page(
                "Not found", "No such certificate to revoke.", operator, csrf))
            return
        if reason not in REASONS:
            await self._show_enrollment(request, operator, csrf, rec, 400, error=(
                f"Choose a revocation reason: {', '.join(REASONS)}."))
            return
        serial = wire.serial_hex(x509.load_der_x509_certificate(
            base64.b64decode(str(rec["certificate"]))).serial_number)
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
            await self._show_enrollment(request, operator, csrf, rec,
                                        notice=f"Certificate {serial}: {said}")

    async def _codes(self, request: Request, operator: Operator, csrf: str,
                     path: list[str], token: str, new: tuple[str, str, str] | None = None,
                     error: str = "", status: int = 200) -> None:
        await self._page(request, status, pages.codes_page(
            operator, csrf, await self.store.codes(), self.clock(), new,
            allows(operator.role, "admin"), error))

    async def _issue_code(self, request: Request, operator: Operator, csrf: str,
                          path: list[str], token: str) -> None:
        principal, hours = self._arg(request, "principal"), self._arg(request, "hours") or "24"
        try:
            parse_principal(principal)
            if not hours.isdigit() or not 1 <= int(hours) <= 720:
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
        code = _record_id(path[1])
        ok = code is not None and await self.store.revoke_code(code)
        await self._audit(request, operator, "code-revoked", code=path[1], changed=ok)
        self._redirect(request, "/console/codes")

    async def _users(self, request: Request, operator: Operator, csrf: str,
                     path: list[str], token: str, new: tuple[str, str | None] | None = None,
                     error: str = "", status: int = 200) -> None:
        if self.devices is None:
            await self._page(request, 404, pages.message_page(
                "Not found", "No device user file here.", operator, csrf))
            return
        await self._page(request, status, pages.users_page(
            operator, csrf, user_names(self.devices()), new, error))

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
        password = typed or new_password()
        known = name in user_names(self.devices())
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
        removed = await self._in_thread(remove_user, self.devices(), name)
        await self._audit(request, operator, "user-removed", user=name, changed=removed)
        if not removed:
            await self._users(request, operator, csrf, path, token, status=404,
                              error=f"No user {name!r}; nothing changed.")
            return
        self._redirect(request, "/console/users")


def _record_id(text: str) -> int | None:
    """A row id from a URL: ASCII digits that fit a 63-bit integer, else None (str.isdigit
    takes "²", which int() refuses, and any length, which the store refuses)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _time(value: str) -> float | None:
    """A datetime-local form value (UTC) as a timestamp; None when empty."""
    if not value:
        return None
    parsed = datetime.datetime.fromisoformat(value)
    return parsed.replace(tzinfo=parsed.tzinfo or datetime.timezone.utc).timestamp()


def csr_recipe(principal: str, code: str) -> str:
    """Shell commands that make a CSR carrying `code` as its challengePassword."""
    name = principal.rpartition(":")[2] or "device"
    return (f"cat > device.cnf <<'END'\n[req]\ndistinguished_name = dn\nattributes = attrs\n"
            f"prompt = no\n[dn]\nCN = {name}\n[attrs]\nchallengePassword = {code}\nEND\n"
            "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \\\n"
            "    -keyout device.key -config device.cnf -outform DER | base64 -w0 > device.b64\n"
            "# then POST device.b64 (Content-Type: application/pkcs10) to\n"
            "# /.well-known/est/<profile>/simpleenroll as that identity\n")


def console_root(reactor: Any, settings: ConsoleSettings, store: Store,
                 pool: ThreadPool, clock: Callable[[], float],
                 cas: Mapping[str, Any] | None = None,
                 devices: Callable[[], FilePath] | None = None,
                 revoke: Revoke | None = None) -> Resource:
    """The /console resource (a leaf that routes its own sub-paths) from [console];
    `devices` gives the device htpasswd file in force (the Users page), `revoke` what
    `estra revoke` does (the enrollment page's Revoke)."""
    assert settings.operators is not None
    anchors = [c for f in settings.operator_trust for c in load_pem_certs(f)]
    return Console(store, Htpasswd(settings.operators, pool, reactor, clock),
                   Roles(settings.roles, dict(settings.cert_roles)), clock, settings.tls,
                   settings.session_minutes * 60.0, cas,
                   TrustStore("operator", anchors) if anchors else None, reactor=reactor,
                   devices=devices, pool=pool, revoke=revoke)
