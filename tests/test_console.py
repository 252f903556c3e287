"""The operator console in process: sessions, CSRF, roles, throttling, headers, pages.

A real Console resource on a loopback port (plain HTTP) over a real SQLite
store; treq as the browser, cookies handled by hand so each test sees them.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import tempfile
from functools import wraps
from typing import Any, Callable, Coroutine

from treq.client import HTTPClient
from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.internet.endpoints import TCP4ServerEndpoint
from twisted.logger import capturedLogs
from twisted.python.filepath import FilePath
from twisted.python.threadpool import ThreadPool
from twisted.trial.unittest import SynchronousTestCase, TestCase
from twisted.web.client import Agent, HTTPConnectionPool

from estra.asn1 import wire
from estra.ra.auth import Htpasswd
from estra.config import ConfigError, settings_from_string
from estra.console.csr import decode_csr
from estra.console.operators import Roles, set_role
from estra.console.resource import Console, csr_recipe
from estra.ra.htpasswd import set_user
from estra.web.http import make_site
from estra.store.database import open_store
from tests import pki
from tests.conftest import estra_cli

PASSWORD = "operator pass"


def temporary(test: SynchronousTestCase) -> FilePath:
    """A fresh directory outside the worktree, removed after `test`."""
    path = FilePath(tempfile.mkdtemp(prefix="estra-console-"))
    test.addCleanup(shutil.rmtree, path.path, True)
    return path


def deferred_test(f: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., Any]:
    @wraps(f)
    def run(*a: Any, **kw: Any) -> Deferred[None]:
        return Deferred.fromCoroutine(f(*a, **kw))
    return run


class Browser:
    """treq with one cookie jar entry and no redirects followed."""

    def __init__(self, http: HTTPClient, base: str) -> None:
        self.http, self.base, self.cookie = http, base, ""
        self.origin = ""

    async def go(self, method: str, path: str, **form: str) -> tuple[int, Any, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if self.origin:
            headers["Origin"] = self.origin
        response = await self.http.request(method, self.base + path, data=form or None,
                                           headers=headers, allow_redirects=False)
        body = (await response.content()).decode()
        for cookie in response.headers.getRawHeaders("set-cookie", []):
            value = cookie.split(";")[0]
            self.cookie = "" if value.endswith("=") else value
        return response.code, response.headers, body

    async def login(self, user: str, password: str = PASSWORD) -> int:
        code, _, _ = await self.go("POST", "/console/login", user=user, password=password)
        return code

    async def csrf(self, path: str = "/console/") -> str:
        _, _, body = await self.go("GET", path)
        m = re.search(r'name="csrf" value="([^"]+)"', body)
        assert m, body
        return m.group(1)


class ConsoleFixture(TestCase):
    """A Console on 127.0.0.1 with operators view (viewer), appr (approver) and boss
    (admin), and device user alice."""

    def setUp(self) -> None:
        self.now = [1_800_000_000.0]
        state = temporary(self)
        self.store = open_store("", state, lambda: self.now[0])
        self.store.startService()
        self.addCleanup(self.store.stopService)
        self.threads = ThreadPool(minthreads=0, maxthreads=2)
        self.threads.start()
        self.addCleanup(self.threads.stop)
        self.roles_file = state.child("operators.roles")
        for user, role in (("view", "viewer"), ("appr", "approver"), ("boss", "admin")):
            set_user(state.child("operators.htpasswd"), user, PASSWORD)
            set_role(self.roles_file, user, role)
        self.state, self.devices = state, state.child("htpasswd")
        set_user(self.devices, "alice", "device pass")
        self.console = Console(
            self.store, Htpasswd(state.child("operators.htpasswd"), self.threads, reactor,
                                 lambda: self.now[0]),
            Roles(self.roles_file, {}), lambda: self.now[0], secure=False,
            session_seconds=3600, devices=lambda: self.devices, pool=self.threads)
        pool = HTTPConnectionPool(reactor, persistent=False)
        self.http = HTTPClient(Agent(reactor, pool=pool))

    async def start(self) -> None:
        await self.store.migrate()
        from twisted.web.resource import Resource
        root = Resource()
        root.putChild(b"console", self.console)
        port = await TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1").listen(
            make_site(root, 16384))
        self.addCleanup(port.stopListening)
        self.base = f"http://127.0.0.1:{port.getHost().port}"

    def browser(self) -> Browser:
        return Browser(self.http, self.base)

    async def assert_refused(self, b: Browser, path: str, **form: str) -> str:
        """POSTing `form` to `path` is 403 and the held request stays pending."""
        code, _, body = await b.go("POST", path, **form)
        self.assertEqual(code, 403)
        self.assertEqual((await self.store.pending())[0]["status"], "pending")
        return body

    async def started_with_request(self, user: str) -> tuple[int, Browser]:
        """Start; hold one request; a browser logged in as `user`."""
        await self.start()
        pending = await self.held_request()
        b = self.browser()
        await b.login(user)
        return pending, b

    async def held_request(self) -> int:
        key = pki.ec_key()
        req = pki.csr(key, pki.name("dev-1"), pki.sans("dev-1.example.com"))
        return await self.store.hold("manual", "simpleenroll", "basic:alice", "k" * 64,
                                     "CN=dev-1", ["DNS:dev-1.example.com"],
                                     base64.b64encode(pki.der(req)).decode())


class ConsoleTests(ConsoleFixture):
    @deferred_test
    async def test_login_cookie_is_hardened(self) -> None:
        """A login sets an HttpOnly, SameSite=Strict cookie with a Max-Age on /console
        (Secure only over TLS) and redirects to the dashboard."""
        await self.start()
        b = self.browser()
        code, headers, _ = await b.go("POST", "/console/login", user="view", password=PASSWORD)
        self.assertEqual(code, 303)
        self.assertEqual(headers.getRawHeaders("location"), ["/console/"])
        cookie = headers.getRawHeaders("set-cookie")[0]
        for part in ("HttpOnly", "SameSite=strict", "Max-Age=3600", "Path=/console"):
            self.assertIn(part, cookie)
        self.assertNotIn("Secure", cookie)
        self.console.secure = True
        _, headers, _ = await self.browser().go("POST", "/console/login", user="view",
                                                password=PASSWORD)
        self.assertIn("Secure", headers.getRawHeaders("set-cookie")[0])

    @deferred_test
    async def test_security_headers(self) -> None:
        """Every page says CSP default-src 'self' with frame-ancestors 'none', no-store,
        nosniff and DENY; the pages contain no script."""
        await self.start()
        b = self.browser()
        _, headers, body = await b.go("GET", "/console/login")
        await b.login("boss")
        for path in ("/console/login", "/console/", "/console/pending", "/console/codes",
                     "/console/enrollments", "/console/audit", "/console/users"):
            code, headers, body = await b.go("GET", path)
            self.assertEqual(code, 200, path)
            csp = headers.getRawHeaders("content-security-policy")[0]
            self.assertIn("default-src 'self'", csp)
            self.assertIn("frame-ancestors 'none'", csp)
            self.assertEqual(headers.getRawHeaders("cache-control"), ["no-store"])
            self.assertEqual(headers.getRawHeaders("x-frame-options"), ["DENY"])
            self.assertEqual(headers.getRawHeaders("x-content-type-options"), ["nosniff"])
            self.assertNotIn("<script", body)
            self.assertNotIn(" style=", body)

    @deferred_test
    async def test_anonymous_is_sent_to_login_and_cannot_act(self) -> None:
        """Without a session a page redirects to the login form and a POST is refused."""
        await self.start()
        pending = await self.held_request()
        b = self.browser()
        code, headers, _ = await b.go("GET", "/console/pending")
        self.assertEqual((code, headers.getRawHeaders("location")),
                         (303, ["/console/login?next=%2Fconsole%2Fpending"]))
        code, headers, _ = await b.go("GET", "/console")
        self.assertEqual((code, headers.getRawHeaders("location")), (303, ["/console/"]))
        await self.assert_refused(b, f"/console/pending/{pending}", action="approve", csrf="x")

    @deferred_test
    async def test_wrong_password_is_401_and_audited(self) -> None:
        """A wrong password is 401; the audit log names the operator and the address."""
        await self.start()
        self.assertEqual(await self.browser().login("appr", "nope"), 401)
        self.assertEqual(await self.browser().login("nobody"), 401)
        events = await self.store.search_audit({"kind": "console-login-failed"})
        self.assertEqual({e["identity"] for e in events}, {"operator:appr", "operator:nobody"})
        self.assertEqual(json.loads(events[0]["detail"])["address"], "127.0.0.1")

    @deferred_test
    async def test_login_throttled(self) -> None:
        """After 5 failures from one address even the right password gets 429 with
        Retry-After, until the window passes."""
        await self.start()
        for _ in range(5):
            self.assertEqual(await self.browser().login("appr", "nope"), 401)
        code, headers, _ = await self.browser().go("POST", "/console/login", user="appr",
                                                   password=PASSWORD)
        self.assertEqual(code, 429)
        self.assertTrue(headers.getRawHeaders("retry-after"))
        self.now[0] += 301
        self.assertEqual(await self.browser().login("appr"), 303)

    @deferred_test
    async def test_csrf_token_required(self) -> None:
        """A POST without the session's CSRF token, or with another session's, is refused;
        with it the approval goes through and is audited with who and where."""
        await self.start()
        pending = await self.held_request()
        other = self.browser()
        await other.login("appr")
        b = self.browser()
        await b.login("appr")
        path = f"/console/pending/{pending}"
        await self.assert_refused(b, path, action="approve")
        await self.assert_refused(b, path, action="approve", csrf=await other.csrf())
        code, headers, _ = await b.go("POST", path, action="approve", csrf=await b.csrf())
        self.assertEqual(code, 303)
        self.assertEqual((await self.store.pending(None))[0]["status"], "approved")
        event = (await self.store.search_audit({"kind": "console-approve"}))[0]
        self.assertEqual(event["identity"], "operator:appr")
        self.assertEqual(json.loads(event["detail"])["address"], "127.0.0.1")

    @deferred_test
    async def test_csrf_only_from_the_form_body(self) -> None:
        """The CSRF token in the URL instead of the form body does not count."""
        pending, b = await self.started_with_request("appr")
        await self.assert_refused(b, f"/console/pending/{pending}?csrf={await b.csrf()}",
                                  action="approve")

    @deferred_test
    async def test_cross_origin_post_refused(self) -> None:
        """A POST whose Origin is another site is refused, even the login form."""
        await self.start()
        evil, same = self.browser(), self.browser()
        evil.origin, same.origin = "https://evil.example", self.base
        self.assertEqual(await evil.login("appr"), 403)
        self.assertEqual(await same.login("appr"), 303)

    @deferred_test
    async def test_reject_needs_reason(self) -> None:
        """Rejecting without a reason is 400; with one, the request is rejected with it
        once confirmed."""
        pending, b = await self.started_with_request("appr")
        csrf = await b.csrf()
        path = f"/console/pending/{pending}"
        self.assertEqual((await b.go("POST", path, action="reject", csrf=csrf))[0], 400)
        self.assertEqual((await b.go("POST", path, action="reject", csrf=csrf,
                                     reason="unknown device", confirm="yes"))[0], 303)
        row = (await self.store.pending(None))[0]
        self.assertEqual((row["status"], row["reason"], row["decided_by"]),
                         ("rejected", "unknown device", "operator:appr"))

    @deferred_test
    async def test_roles(self) -> None:
        """A viewer cannot decide; an approver cannot issue codes; an admin can."""
        await self.start()
        pending = await self.held_request()
        viewer, approver, admin = self.browser(), self.browser(), self.browser()
        for b, user in ((viewer, "view"), (approver, "appr"), (admin, "boss")):
            await b.login(user)
        body = await self.assert_refused(viewer, f"/console/pending/{pending}",
                                         action="approve", csrf=await viewer.csrf())
        self.assertIn("approver role", body)
        self.assertNotIn("Approve request", (await viewer.go("GET", "/console/pending"))[2])
        code, _, _ = await approver.go("POST", "/console/codes", principal="basic:alice",
                                       csrf=await approver.csrf())
        self.assertEqual(code, 403)
        self.assertEqual(await self.store.codes(), [])
        code, _, body = await admin.go("POST", "/console/codes", principal="basic:alice",
                                       hours="2", csrf=await admin.csrf())
        self.assertEqual(code, 200)
        shown = re.search(r'id="new-code">([^<]+)<', body)
        assert shown is not None
        self.assertNotIn(shown.group(1), (await admin.go("GET", "/console/codes"))[2])
        self.assertTrue(await self.store.consume_code(shown.group(1), "basic:alice", "t"))

    @deferred_test
    async def test_admin_revokes_code(self) -> None:
        """An admin revokes an unused code: it no longer enrolls, the list says revoked,
        and the audit log names the admin."""
        await self.start()
        code_id, code = await self.store.issue_code("basic:alice", 3600)
        b = self.browser()
        await b.login("boss")
        self.assertIn(f"Revoke code {code_id}", (await b.go("GET", "/console/codes"))[2])
        status, _, body = await b.go("POST", f"/console/codes/{code_id}/revoke",
                                     csrf=await b.csrf())
        self.assertEqual(status, 200)               # first: what it acts on, to confirm
        self.assertIn("<td>basic:alice</td>", body)
        self.assertEqual((await self.store.code(code_id) or {})["revoked"], 0)
        status, headers, _ = await b.go("POST", f"/console/codes/{code_id}/revoke",
                                        csrf=await b.csrf(), confirm="yes")
        self.assertEqual((status, headers.getRawHeaders("location")),
                         (303, ["/console/codes"]))
        page = (await b.go("GET", "/console/codes"))[2]
        self.assertIn(f'<p role="status" class="flash">Code {code_id} for basic:alice '
                      "revoked.</p>", page)
        self.assertNotIn('class="flash"', (await b.go("GET", "/console/codes"))[2])
        self.assertFalse(await self.store.consume_code(code, "basic:alice", "t"))
        event = (await self.store.search_audit({"kind": "console-code-revoked"}))[0]
        self.assertEqual(event["identity"], "operator:boss")

    @deferred_test
    async def test_dashboard_upstream_health_does_not_hang(self) -> None:
        """The dashboard lists each CA's health; a CA that never answers shows FAILED after
        the probe's deadline (probed in the background: the page never waits)."""
        from twisted.internet.defer import Deferred as D

        from estra.errors import UpstreamUnavailable

        class Silent:
            async def cacerts(self) -> list[Any]:
                await D()                   # never fires
                return []

        class Down:
            async def cacerts(self) -> list[Any]:
                raise UpstreamUnavailable("connection refused", 30)
        self.console.cas = {"silent": Silent(), "down": Down()}
        self.console.health.reactor, self.console.health.deadline = reactor, 0.2
        await self.start()
        await self.console.health.probe_all()
        b = self.browser()
        await b.login("view")
        code, _, body = await b.go("GET", "/console/")
        self.assertEqual(code, 200)
        self.assertIn("<td>upstream down</td><td><strong>FAILED 503: connection refused"
                      "</strong></td>", body)
        self.assertIn("<td>upstream silent</td><td><strong>FAILED: no answer within 0.2 s"
                      "</strong></td>", body)

    @deferred_test
    async def test_role_taken_away_ends_session(self) -> None:
        """Removing an operator's role ends their session at the next request."""
        await self.start()
        b = self.browser()
        await b.login("appr")
        self.assertEqual((await b.go("GET", "/console/"))[0], 200)
        set_role(self.roles_file, "appr", "viewer")
        _, _, body = await b.go("GET", "/console/")
        self.assertIn("appr (viewer)", body)
        self.roles_file.setContent(b"boss:admin\n")
        self.assertEqual((await b.go("GET", "/console/"))[0], 303)

    @deferred_test
    async def test_logout_and_expiry_end_the_session(self) -> None:
        """After logout the old cookie cannot act; a session expires after its time."""
        pending, b = await self.started_with_request("appr")
        csrf, cookie = await b.csrf(), b.cookie
        self.assertEqual((await b.go("POST", "/console/logout", csrf=csrf))[0], 303)
        b.cookie = cookie                     # a stolen or replayed cookie
        self.assertEqual((await b.go("POST", f"/console/pending/{pending}",
                                     action="approve", csrf=csrf))[0], 403)
        await b.login("appr")
        self.assertEqual((await b.go("GET", "/console/"))[0], 200)
        self.now[0] += 3601
        self.assertEqual((await b.go("GET", "/console/"))[0], 303)

    @deferred_test
    async def test_pending_page_shows_decoded_request(self) -> None:
        """The pending list links each request to its page, which shows subject, SANs,
        key type and size, signature algorithm and requested extensions of the CSR."""
        await self.start()
        pending = await self.held_request()
        b = self.browser()
        await b.login("view")
        _, _, body = await b.go("GET", "/console/pending")
        self.assertIn(f'href="/console/pending/{pending}"', body)
        _, _, body = await b.go("GET", f"/console/pending/{pending}")
        for text in ("CN=dev-1", "DNS:dev-1.example.com", "EC secp256r1 (256 bits)",
                     "ecdsa-with-SHA256", "subjectAltName (2.5.29.17)", "basic:alice",
                     "profile manual"):
            self.assertIn(text, body)

    @deferred_test
    async def test_enrollment_search_detail_and_pem(self) -> None:
        """Enrollments are searchable by identity and subject; a record's page links the
        certificate as PEM."""
        from estra.store.database import EnrollmentRecord
        await self.start()
        ca = pki.CA("test CA")
        key = pki.ec_key()
        cert = ca.issue(pki.name("found-me"), key.public_key())
        rid = await self.store.record(EnrollmentRecord(
            at=self.now[0], identity="basic:alice", method="basic", peer="10.0.0.7",
            label="default", operation="simpleenroll", csr_sha256="c", key_sha256="k",
            subject="CN=found-me", sans=[], decision="issued", rule="issued", reason="",
            serial=wire.serial_hex(cert.serial_number), not_after=None,
            certificate=base64.b64encode(pki.der(cert)).decode()))
        b = self.browser()
        await b.login("view")
        _, _, body = await b.go("GET", "/console/enrollments?subject=found&identity=basic:alice")
        self.assertIn(f"/console/enrollments/{rid}", body)
        # a serial as operators paste it: lower case, with colons (openssl x509 -serial)
        pasted = ":".join(f"{b:02x}" for b in cert.serial_number.to_bytes(20, "big")
                          .lstrip(b"\0"))
        for serial in (pasted, f"serial={cert.serial_number:X}"):
            _, _, body = await b.go("GET", "/console/enrollments?serial=" + serial)
            self.assertIn(f"/console/enrollments/{rid}", body, serial)
        _, _, body = await b.go("GET", "/console/enrollments?subject=nothere")
        self.assertNotIn(f"/console/enrollments/{rid}", body)
        _, _, body = await b.go("GET", f"/console/enrollments/{rid}")
        self.assertIn("10.0.0.7", body)
        code, headers, pem = await b.go("GET", f"/console/enrollments/{rid}.pem")
        self.assertEqual(code, 200)
        self.assertTrue(pem.startswith("-----BEGIN CERTIFICATE-----"))


    def device_htpasswd(self) -> Htpasswd:
        """The device file as the EST listener reads it (its own cache and stamp)."""
        return Htpasswd(self.devices, self.threads, reactor, lambda: self.now[0])

    @deferred_test
    async def test_admin_manages_device_users(self) -> None:
        """An admin adds a device user with a typed password, gives them a generated one
        (shown once), and removes them; a running Htpasswd sees each change at the next
        check; each is audited with operator and address; no hash or password is
        rendered, audited or stored."""
        await self.start()
        devices = self.device_htpasswd()
        self.assertFalse(await devices.check("printer", "typed pass 1"))
        b = self.browser()
        await b.login("boss")
        code, _, body = await b.go("GET", "/console/users")
        self.assertEqual(code, 200)
        self.assertIn("<td>alice</td>", body)
        self.assertNotIn("$2", body)
        with capturedLogs() as logged:
            code, _, body = await b.go("POST", "/console/users", name="printer",
                                       password="typed pass 1", csrf=await b.csrf())
        self.assertTrue(logged)
        self.assertNotIn("typed pass 1", repr(logged))
        self.assertEqual(code, 200)
        self.assertIn("<td>printer</td>", body)
        self.assertIn("The password of printer is set.", body)
        self.assertNotIn('id="new-password"', body)
        self.assertNotIn("typed pass 1", body)
        self.assertTrue(await devices.check("printer", "typed pass 1"))

        code, _, body = await b.go("POST", "/console/users", name="printer",
                                   password="typed pass 2", csrf=await b.csrf())
        self.assertEqual(code, 200)                 # replacing a password: confirm first
        self.assertIn("Replace the password of device user printer?", body)
        self.assertNotIn("typed pass 2", body)      # asked again, never sent back
        self.assertTrue(await devices.check("printer", "typed pass 1"))
        code, _, body = await b.go("POST", "/console/users", name="printer", password="",
                                   csrf=await b.csrf(), confirm="yes")
        self.assertEqual(code, 200)
        shown = re.search(r'id="new-password">([^<]+)<', body)
        assert shown is not None
        generated = shown.group(1)
        self.assertNotIn(generated, (await b.go("GET", "/console/users"))[2])
        self.assertFalse(await devices.check("printer", "typed pass 1"))
        self.assertTrue(await devices.check("printer", generated))

        code, _, body = await b.go("POST", "/console/users/remove", name="printer",
                                   csrf=await b.csrf())
        self.assertEqual(code, 200)                 # first: confirm
        self.assertIn("Remove device user printer?", body)
        self.assertTrue(await devices.check("printer", generated))
        code, headers, _ = await b.go("POST", "/console/users/remove", name="printer",
                                      csrf=await b.csrf(), confirm="yes")
        self.assertEqual((code, headers.getRawHeaders("location")), (303, ["/console/users"]))
        self.assertFalse(await devices.check("printer", generated))
        self.assertNotIn("<td>printer</td>", (await b.go("GET", "/console/users"))[2])
        self.assertEqual(self.devices.getContent().count(b"\n"), 1)      # alice kept

        kinds = ("console-user-set", "console-user-set", "console-user-removed")
        events = [e for e in reversed(await self.store.search_audit({}, "printer"))
                  if e["kind"].startswith("console-user")]
        self.assertEqual([e["kind"] for e in events], list(kinds))
        details = [json.loads(e["detail"]) for e in events]
        self.assertEqual({e["identity"] for e in events}, {"operator:boss"})
        self.assertEqual([(d["user"], d["address"]) for d in details],
                         [("printer", "127.0.0.1")] * 3)
        self.assertEqual([d.get("generated") for d in details[:2]], [False, True])
        for f in self.state.walk():
            if f.isfile() and f != self.devices:
                for secret in (b"typed pass 1", generated.encode()):
                    self.assertNotIn(secret, f.getContent(), f.path)

    @deferred_test
    async def test_device_users_are_admin_only(self) -> None:
        """Viewers and approvers see no Users entry and get 403 on the page and on
        every action, which changes nothing; an admin sees the entry."""
        await self.start()
        before = self.devices.getContent()
        for user in ("view", "appr"):
            b = self.browser()
            await b.login(user)
            self.assertNotIn("/console/users", (await b.go("GET", "/console/"))[2])
            code, _, body = await b.go("GET", "/console/users")
            self.assertEqual(code, 403)
            self.assertIn("admin role", body)
            csrf = await b.csrf()
            for path, form in (("/console/users", {"name": "mallory", "password": "x"}),
                               ("/console/users/remove", {"name": "alice"})):
                self.assertEqual((await b.go("POST", path, csrf=csrf, **form))[0], 403)
        self.assertEqual(self.devices.getContent(), before)
        admin = self.browser()
        await admin.login("boss")
        self.assertIn('href="/console/users"', (await admin.go("GET", "/console/"))[2])

    @deferred_test
    async def test_device_user_bad_input(self) -> None:
        """A bad name, an over-long password, an unknown user to remove or a missing CSRF
        token is a clear error with its status and changes nothing."""
        await self.start()
        before = self.devices.getContent()
        b = self.browser()
        await b.login("boss")
        csrf = await b.csrf()
        for form, status, text in (
                ({"name": "a:b", "password": "pw"}, 400, "without ':'"),
                ({"name": "two words", "password": "pw"}, 400, "spaces"),
                ({"name": "", "password": "pw"}, 400, "must be non-empty"),
                ({"name": "long", "password": "x" * 73}, 400, "72 bytes")):
            code, _, body = await b.go("POST", "/console/users", csrf=csrf, **form)
            self.assertEqual(code, status, form)
            self.assertIn(text, body)
            self.assertIn('role="alert"', body)
            self.assertNotIn("Traceback", body)
        code, _, body = await b.go("POST", "/console/users/remove", name="nobody", csrf=csrf)
        self.assertEqual(code, 404)
        self.assertIn("No user 'nobody'", body)
        self.assertEqual((await b.go("POST", "/console/users", name="eve", password="pw"))[0],
                         403)
        self.assertEqual((await b.go("POST", "/console/users/remove", name="alice"))[0], 403)
        self.assertEqual(self.devices.getContent(), before)
        refused = await self.store.search_audit({"kind": "console-csrf-refused"})
        self.assertEqual(len(refused), 2)


class ConsoleRevokeTests(ConsoleFixture):
    """Revoking a certificate from its enrollment page: what `estra revoke` does."""

    def setUp(self) -> None:
        super().setUp()
        from estra.ca.revocation import CrlPublisher, revoke
        from estra.ca.local import LocalCA
        self.ca = LocalCA.load_or_create(self.state.child("ca.pem"), self.state.child("ca.key"),
                                         3650, lambda: self.now[0])
        settings = settings_from_string('[crl]\nurl = "http://127.0.0.1:9/ca.crl"\n',
                                        state_dir=self.state.path)
        self.crl = CrlPublisher(self.store, self.ca, lambda: self.now[0], 86400.0)
        self.console.revoke = lambda serial, reason, by: revoke(
            reactor, self.store, settings, self.ca, serial, reason, by, lambda: self.now[0])

    async def issued_record(self) -> tuple[int, str]:
        """An enrollment record of a certificate the embedded CA issued: (id, serial)."""
        from estra.store.database import EnrollmentRecord
        from estra.asn1.wire import serial_hex
        cert = self.ca.issue(pki.name("lost-1"), pki.ec_key().public_key(), [], [], 30)
        serial = serial_hex(cert.serial_number)
        rid = await self.store.record(EnrollmentRecord(
            at=self.now[0], identity="basic:alice", method="basic", peer="10.0.0.7",
            label="default", operation="simpleenroll", csr_sha256="c", key_sha256="k",
            subject="CN=lost-1", sans=[], decision="issued", rule="issued", reason="",
            serial=serial, not_after=None,
            certificate=base64.b64encode(pki.der(cert)).decode()))
        return rid, serial

    @deferred_test
    async def test_admin_revokes_from_enrollment_page(self) -> None:
        """An admin revokes with a reason: the revocation is recorded by them, the CRL
        lists the serial with that reason, the page says so and offers no second revoke;
        the audit names the admin and address."""
        await self.start()
        rid, serial = await self.issued_record()
        b = self.browser()
        await b.login("boss")
        page = f"/console/enrollments/{rid}"
        form = (await b.go("GET", page))[2]
        self.assertIn("Revoke this certificate", form)
        self.assertIn('<option value="">Choose a reason</option>', form)   # none preselected
        self.assertNotIn("selected", form)
        code, _, body = await b.go("POST", f"{page}/revoke", reason="keyCompromise",
                                   csrf=await b.csrf())
        self.assertEqual(code, 200, body)           # first: what it acts on, to confirm
        self.assertIn(f"Revoke certificate {serial}?", body)
        self.assertIn("<td>CN=lost-1</td>", body)
        self.assertEqual(await self.store.revocations(), [])
        code, headers, _ = await b.go("POST", f"{page}/revoke", reason="keyCompromise",
                                      csrf=await b.csrf(), confirm="yes")
        self.assertEqual((code, headers.getRawHeaders("location")), (303, [page]))
        code, _, body = await b.go("GET", page)
        self.assertIn(f"Certificate {serial}: crl: listed on the CRL", body)
        self.assertNotIn("Revoke this certificate", body)
        self.assertIn("crl", body)
        row = await self.store.revocation(serial)
        assert row is not None
        self.assertEqual((row["revoked_by"], row["reason"]), ("operator:boss", "keyCompromise"))
        from cryptography import x509
        entry = x509.load_der_x509_crl(await self.crl.current()) \
            .get_revoked_certificate_by_serial_number(int(serial, 16))
        assert entry is not None
        self.assertEqual(entry.extensions.get_extension_for_class(x509.CRLReason).value.reason,
                         x509.ReasonFlags.key_compromise)
        event = (await self.store.search_audit({"kind": "console-certificate-revoke"}))[0]
        detail = json.loads(event["detail"])
        self.assertEqual((event["identity"], detail["address"], detail["serial"]),
                         ("operator:boss", "127.0.0.1", serial))
        code, headers, body = await b.go("POST", f"{page}/revoke", reason="superseded",
                                         csrf=await b.csrf(), confirm="yes")
        self.assertEqual((code, headers.getRawHeaders("location")), (303, [page]))
        self.assertIn("already revoked", (await b.go("GET", page))[2])
        self.assertEqual(len(await self.store.revocations()), 1)

    @deferred_test
    async def test_revoke_admin_only_and_bad_input(self) -> None:
        """Viewers and approvers see no Revoke and get 403; an unknown reason is 400 and
        an unknown record 404, each naming the problem; nothing is revoked."""
        await self.start()
        rid, _ = await self.issued_record()
        page = f"/console/enrollments/{rid}"
        for user in ("view", "appr"):
            b = self.browser()
            await b.login(user)
            self.assertNotIn("Revoke this certificate", (await b.go("GET", page))[2])
            self.assertEqual((await b.go("POST", f"{page}/revoke", reason="superseded",
                                         csrf=await b.csrf()))[0], 403)
        admin = self.browser()
        await admin.login("boss")
        csrf = await admin.csrf()
        code, _, body = await admin.go("POST", f"{page}/revoke", reason="bored", csrf=csrf)
        self.assertEqual(code, 400)
        self.assertIn("Choose a revocation reason: unspecified, keyCompromise", body)
        code, _, body = await admin.go("POST", "/console/enrollments/999/revoke",
                                       reason="superseded", csrf=csrf)
        self.assertEqual(code, 404)
        self.assertIn("No such certificate to revoke", body)
        self.assertEqual((await admin.go("POST", f"{page}/revoke", reason="superseded"))[0],
                         403)
        self.assertEqual(await self.store.revocations(), [])


class HtpasswdChangeTests(SynchronousTestCase):
    def test_change_within_one_mtime_tick_is_seen(self) -> None:
        """A new password of the same length written within the same mtime is still a
        new file (new inode) for a running Htpasswd."""
        import os
        path = temporary(self).child("htpasswd")
        set_user(path, "alice", "first")
        pool = ThreadPool(minthreads=0, maxthreads=1)
        htpasswd = Htpasswd(path, pool, reactor, lambda: 0.0)
        old = htpasswd._entries()["alice"]
        stamp = os.stat(path.path)
        set_user(path, "alice", "second")
        os.utime(path.path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
        self.assertEqual(os.stat(path.path).st_size, stamp.st_size)
        self.assertNotEqual(htpasswd._entries()["alice"], old)


class ConsoleConfigTests(SynchronousTestCase):
    def test_tls_off_only_on_loopback(self) -> None:
        """[console] tls = false is refused unless the admin listener is loopback-only."""
        for listen in ("tcp:9443:interface=127.0.0.1", r"tcp6:9443:interface=\\:\\:1"):
            settings = settings_from_string(f'[admin]\nlisten = "{listen}"\n'
                                            "[console]\ntls = false\n")
            assert settings.console is not None
            self.assertFalse(settings.console.tls)
        for listen in ("tcp:9443", "tcp:9443:interface=0.0.0.0", "unix:/run/estra.sock"):
            with self.assertRaises(ConfigError) as e:
                settings_from_string(f'[admin]\nlisten = "{listen}"\n[console]\ntls = false\n')
            self.assertIn("console.tls", str(e.exception))

    def test_console_needs_admin_listener(self) -> None:
        """A console without [admin] listen is a configuration error; no [console], none."""
        with self.assertRaises(ConfigError):
            settings_from_string("[console]\n")
        self.assertIsNone(settings_from_string('[admin]\nlisten = "tcp:1"\n').console)

    def test_bad_cert_role(self) -> None:
        with self.assertRaises(ConfigError):
            settings_from_string('[admin]\nlisten = "tcp:1"\n[console.cert_roles]\n'
                                 'ops = "root"\n')


class RecipeTests(SynchronousTestCase):
    def test_openssl_recipe_carries_the_code(self) -> None:
        """The console's CSR recipe, run by the shell, makes a CSR whose challengePassword
        is the code (OpenSSL drops config attributes when -subj is given, so the recipe
        must not use it)."""
        tmp = temporary(self)
        subprocess.run(["bash", "-euc", csr_recipe("basic:alice", "s3cr3t-C0de_x")],
                       cwd=tmp.path, check=True, capture_output=True, timeout=60)
        der = base64.b64decode(tmp.child("device.b64").getContent())
        from cryptography import x509
        from cryptography.x509.oid import AttributeOID
        csr = x509.load_der_x509_csr(der)
        self.assertEqual(csr.attributes.get_attribute_for_oid(
            AttributeOID.CHALLENGE_PASSWORD).value, b"s3cr3t-C0de_x")
        self.assertTrue(decode_csr(base64.b64encode(der).decode()).has_challenge_password)


class OperatorCommandTests(SynchronousTestCase):
    def test_operator_add(self) -> None:
        """`estra operator add NAME --role R` writes the operators' htpasswd and roles."""
        state = temporary(self).child("state")
        self.assertEqual(estra_cli("--state-dir", state.path, "init").returncode, 0)
        done = estra_cli("--state-dir", state.path, "operator", "add", "carol", "--role",
                         "approver", "--password-stdin", stdin="pw\n")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(state.child("operators.htpasswd").getContent().startswith(b"carol:$2y$"))
        self.assertEqual(Roles(state.child("operators.roles"), {}).role_of("operator:carol"),
                         "approver")
        bad = estra_cli("--state-dir", state.path, "operator", "add", "x", "--role", "root",
                        "--password-stdin", stdin="pw\n")
        self.assertNotEqual(bad.returncode, 0)

    def test_user_add_checks_before_touching_state(self) -> None:
        """`estra user add` refuses a bad name or an empty password with one line and
        creates no state directory; a good one is listed by the helpers the console uses."""
        from estra.ra.htpasswd import user_names
        state = temporary(self).child("state")
        for name, password in (("a:b", "pw"), ("carol", "")):
            done = estra_cli("--state-dir", state.path, "user", "add", name,
                             "--password-stdin", stdin=password + "\n")
            self.assertEqual(done.returncode, 2)
            self.assertEqual(len(done.stderr.splitlines()), 1, done.stderr)
            self.assertFalse(state.exists())
        self.assertEqual(estra_cli("--state-dir", state.path, "init").returncode, 0)
        done = estra_cli("--state-dir", state.path, "user", "add", "carol",
                         "--password-stdin", stdin="pw\n")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(user_names(state.child("htpasswd")), ["estra", "carol"])
