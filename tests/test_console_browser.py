"""The operator console in a real browser (Debian's Chromium driven by Playwright)
against a real estra (twistd) whose devices are curl and openssl.

Screenshots of every page go to the test's tmp dir and, when ESTRA_ARTIFACTS is
set, to $ESTRA_ARTIFACTS/console/.  Each page is checked with axe-core (from
the npm registry: ESTRA_AXE_CORE, default /opt/estra-npm/node_modules/axe-core/
axe.min.js as .ci/run installs it): no serious or critical violations.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from tests import pki
from tests.conftest import PASSWORD, Server, estra_cli, issued

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
AXE = os.environ.get("ESTRA_AXE_CORE", "/opt/estra-npm/node_modules/axe-core/axe.min.js")
CONFIG = """
[admin]
listen = "tcp:0:interface=127.0.0.1"

[console]

[profiles.manual]
approval = "manual"
approval_retry_after = 1

[profiles.codes]
require_code = true
"""
OPERATORS = (("ann", "approver"), ("vic", "viewer"), ("root", "admin"))


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Shots:
    """Screenshots (and axe checks) of each page visited."""

    def __init__(self, tmp: Path) -> None:
        self.dirs = [tmp / "screenshots"]
        if os.environ.get("ESTRA_ARTIFACTS"):
            self.dirs.append(Path(os.environ["ESTRA_ARTIFACTS"]) / "console")
        for d in self.dirs:
            d.mkdir(parents=True, exist_ok=True)
        self.axe = Path(AXE).read_text()
        self.checked: list[str] = []

    def __call__(self, page: Page, name: str) -> None:
        path = self.dirs[0] / f"{len(self.checked):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        for d in self.dirs[1:]:
            shutil.copy(path, d / path.name)
        # evaluate() runs over the DevTools protocol, outside the page's CSP, which
        # (rightly) refuses every injected <script>.
        page.evaluate(self.axe)
        result: Any = page.evaluate("axe.run(document).then(r => r.violations.map("
                                    "v => ({id: v.id, impact: v.impact, help: v.help, "
                                    "nodes: v.nodes.map(n => n.html).slice(0, 3)})))")
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        assert not bad, f"axe on {name} ({page.url}): {bad}"
        self.checked.append(name)


def admin_port(server: Server) -> int:
    return server.listener_port(r"estra admin ready \(TLS\)")


def login(browser: Browser, base: str, user: str) -> Page:
    page = browser.new_context(ignore_https_errors=True).new_page()
    page.goto(f"{base}/console/")
    assert page.url.endswith("/console/login")
    page.get_by_label("Operator name").fill(user)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/console/")
    return page


def with_operators(start_estra: Callable[..., Server], config: str = CONFIG
                   ) -> tuple[Server, str]:
    """estra with `config`, device user alice and the OPERATORS; the console's base URL."""
    server = start_estra(config)
    server.add_user("alice")
    for name, role in OPERATORS:
        done = estra_cli("--config", str(server.config), "--state-dir", str(server.state),
                         "operator", "add", name, "--role", role, "--password-stdin",
                         stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
    return server, f"https://127.0.0.1:{admin_port(server)}"


def csrf(page: Page) -> str:
    return page.locator('input[name="csrf"]').first.get_attribute("value") or ""


def test_console_in_chromium(start_estra: Callable[..., Server], tmp_path: Path,
                             browser: Browser) -> None:
    """Approve and reject held requests, issue a code, manage device users and revoke a
    certificate in the browser; the devices (curl) see each decision; viewers, forged and
    logged-out POSTs are refused; every page passes axe-core without serious or critical
    violations."""
    server, base = with_operators(start_estra)
    shot = Shots(tmp_path)

    # A device asks under the manual profile: 202, held.
    good = pki.csr(pki.ec_key(), pki.name("sensor-17"), pki.sans("sensor-17.example.net"))
    status, headers, _ = server.post("manual/simpleenroll", good)
    assert status == 202 and headers["retry-after"] == "1"
    bad = pki.csr(pki.ec_key(), pki.name("intruder"))
    assert server.post("manual/simpleenroll", bad)[0] == 202

    login_page = browser.new_context(ignore_https_errors=True).new_page()
    login_page.goto(f"{base}/console/login")
    shot(login_page, "login")
    ann = login(browser, base, "ann")
    shot(ann, "dashboard")
    ann.get_by_role("link", name="Pending").click()
    held = ann.get_by_role("link", name=re.compile(r"^Request \d+$"))
    assert held.count() == 2
    shot(ann, "pending")
    ann.get_by_role("row", name=re.compile("CN=sensor-17")).get_by_role("link").click()
    sensor = ann.locator("main")
    assert "DNS:sensor-17.example.net" in sensor.inner_text()
    assert "EC secp256r1 (256 bits)" in sensor.inner_text()
    assert "basic:alice" in sensor.inner_text() and "127.0.0.1" in sensor.inner_text()
    shot(ann, "pending-request")
    # Keyboard only: focus the approve button, press Enter.
    approve = ann.get_by_role("button", name=re.compile("Approve"))
    approve.focus()
    ann.keyboard.press("Enter")
    ann.wait_for_url(f"{base}/console/pending")
    assert re.match(r"Approved request \d+\.", ann.get_by_role("status").inner_text())

    # The device's retry gets its certificate.
    status, _, body = server.post("manual/simpleenroll", good)
    assert status == 200, body
    assert issued(body)[0].subject == pki.name("sensor-17")

    # Reject the other one, selected in the list, with a reason: the device gets 403
    # and the reason.
    ann.get_by_role("checkbox", name=re.compile(r"Select request \d+")).check()
    ann.get_by_label(re.compile("Reason")).fill("not one of our devices")
    ann.get_by_role("button", name="Reject selected").click()
    assert "CN=intruder" in ann.inner_text("main")          # what it acts on, to confirm
    shot(ann, "pending-reject-confirm")
    ann.get_by_role("button", name="Reject 1 request(s)").click()
    ann.wait_for_url(f"{base}/console/pending")
    assert "Rejected 1 request(s)." in ann.get_by_role("status").inner_text()
    assert "No request awaits a decision" in ann.inner_text("main")
    status, _, body = server.post("manual/simpleenroll", bad)
    assert status == 403 and b"not one of our devices" in body
    ann.get_by_role("link", name="Processed").click()
    assert "not one of our devices" in ann.inner_text("main")
    shot(ann, "pending-processed")
    ann.get_by_role("link", name="Attempts").click()
    shot(ann, "attempts")

    # Forged POSTs: no CSRF token; then the approver logged out.
    third = pki.csr(pki.ec_key(), pki.name("third"))
    assert server.post("manual/simpleenroll", third)[0] == 202
    ann.goto(f"{base}/console/pending")
    third_id = re.search(r"Request (\d+)", ann.get_by_role(
        "link", name=re.compile(r"^Request \d+$")).inner_text())
    assert third_id
    action = f"{base}/console/pending/{third_id.group(1)}"
    forged = ann.request.post(action, form={"action": "approve"}, max_redirects=0)
    assert forged.status == 403
    token = csrf(ann)

    # A viewer sees no buttons and cannot approve even with their own CSRF token.
    vic = login(browser, base, "vic")
    vic.goto(f"{base}/console/pending")
    assert vic.get_by_role("button", name=re.compile("Approve")).count() == 0
    refused = vic.request.post(action, form={"action": "approve", "csrf": csrf(vic)},
                               max_redirects=0)
    assert refused.status == 403

    ann.get_by_role("button", name="Log out").click()
    ann.wait_for_url(f"{base}/console/login")
    after = ann.request.post(action, form={"action": "approve", "csrf": token},
                             max_redirects=0)
    assert after.status == 403
    assert server.post("manual/simpleenroll", third)[0] == 202     # still held

    # An admin issues a code; the device uses the page's recipe, once.
    root = login(browser, base, "root")
    root.get_by_role("link", name="Codes").click()
    root.get_by_label(re.compile("Identity")).fill("basic:alice")
    root.get_by_role("button", name="Issue a code").click()
    code = root.locator("#new-code").inner_text()
    recipe = root.get_by_label("CSR recipe").inner_text()
    assert f"challengePassword = {code}" in recipe
    shot(root, "codes-issued")
    device = tmp_path / "device"
    device.mkdir()
    subprocess.run(["bash", "-euc", recipe], cwd=device, check=True, capture_output=True,
                   timeout=60)

    def enroll_with_code() -> tuple[int, bytes]:
        from tests.conftest import parse_http
        status, _, body = parse_http(server.curl(
            "codes/simpleenroll", "--user", f"alice:{PASSWORD}", "--data-binary",
            f"@{device / 'device.b64'}", "-H", "Content-Type: application/pkcs10").stdout)
        return status, body
    assert enroll_with_code()[0] == 200
    status, body = enroll_with_code()
    assert status == 403 and b"one-time-code" in body
    root.goto(f"{base}/console/codes")
    assert "used" in root.locator("table").inner_text()
    shot(root, "codes")

    # An admin adds a device user; curl enrolls with the password shown once; after the
    # admin removes the user the next enrollment is 401.  A viewer has no Users page.
    root.get_by_role("link", name="Users").click()
    root.get_by_label("User name").fill("meter-9")
    root.get_by_role("button", name="Add user or set password").click()
    password = root.locator("#new-password").inner_text()
    assert "meter-9" in root.get_by_role("table").inner_text()
    assert "$2" not in root.content()
    shot(root, "users-added")
    meter = pki.csr(pki.ec_key(), pki.name("meter-9"))
    status, _, body = server.post("simpleenroll", meter, "--user", f"meter-9:{password}")
    assert status == 200, body
    assert issued(body)[0].subject == pki.name("meter-9")
    root.get_by_role("button", name="Remove user meter-9").click()
    assert "Remove device user meter-9?" in root.inner_text("main")
    root.get_by_role("button", name="Remove user meter-9").click()       # confirmed
    root.wait_for_url(f"{base}/console/users")
    assert "Device user meter-9 removed." in root.get_by_role("status").inner_text()
    assert "meter-9" not in root.get_by_role("table").inner_text()
    shot(root, "users")
    assert server.post("simpleenroll", meter, "--user", f"meter-9:{password}")[0] == 401
    vic.goto(f"{base}/console/")
    assert vic.get_by_role("link", name="Users").count() == 0
    users = vic.goto(f"{base}/console/users")
    assert users is not None and users.status == 403
    refused = vic.request.post(f"{base}/console/users", max_redirects=0, form={
        "name": "mallory", "password": "x", "csrf": csrf(vic)})
    assert refused.status == 403
    root.goto(f"{base}/console/audit?kind=console-user-removed")
    assert "operator:root" in root.inner_text("main")
    assert password not in root.inner_text("main")

    # Search, detail, audit.
    root.goto(f"{base}/console/enrollments?identity=basic:alice&decision=issued")
    shot(root, "enrollments")
    root.get_by_role("link", name=re.compile("record")).first.click()
    assert "Download the certificate (PEM)" in root.inner_text("main")
    shot(root, "enrollment")

    # The admin revokes the code device's certificate there; its renewal is then 403.
    pem = root.request.get(root.url + ".pem")
    assert pem.status == 200
    (device / "device.pem").write_bytes(pem.body())
    record_url = root.url
    root.get_by_label("Revocation reason").select_option("keyCompromise")
    root.get_by_role("button", name="Revoke this certificate").click()
    assert "Reason: keyCompromise" in root.inner_text("main")     # confirm first
    shot(root, "enrollment-revoke-confirm")
    root.get_by_role("button", name=re.compile("^Revoke certificate")).click()
    root.wait_for_url(record_url)
    assert "recorded: re-enrollment refused" in root.get_by_role("status").inner_text()
    assert root.get_by_role("button", name="Revoke this certificate").count() == 0
    shot(root, "enrollment-revoked")
    from tests.conftest import parse_http
    status, _, body = parse_http(server.curl(
        "codes/simplereenroll", "--cert", str(device / "device.pem"), "--key",
        str(device / "device.key"), "--data-binary", f"@{device / 'device.b64'}",
        "-H", "Content-Type: application/pkcs10").stdout)
    assert status == 403 and b"was revoked (keyCompromise)" in body, (status, body)
    root.goto(f"{base}/console/audit?kind=console-approve")
    assert "operator:ann" in root.inner_text("main")
    shot(root, "audit")
    root.goto(f"{base}/console/")
    assert "issued" in root.locator("figcaption").inner_text()
    shot(root, "dashboard-after")
    assert len(shot.checked) == 17


PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_fleet_flows_in_chromium(start_estra: Callable[..., Server], tmp_path: Path,
                                 browser: Browser, viewport: ViewportSize) -> None:
    """At desktop and phone (390 px) width, as each role: find a device by its DNS name,
    read its page (first enrollment and renewal joined, the newest certificate valid,
    the older superseded), download its chain (openssl verifies it); sort and export a
    list; approve with the keyboard only; a page asked for after the session ended
    returns after logging in; the navigation and tables stay within the screen; axe
    finds nothing serious on any page."""
    server, base = with_operators(start_estra)
    shot = Shots(tmp_path)
    from tests.conftest import parse_http
    key = pki.ec_key()
    status, _, body = server.post("simpleenroll", pki.csr(key, pki.name("pump-3"),
                                                          pki.sans("pump-3.example.net")))
    assert status == 200, body
    first = issued(body)[0]
    cert, key_file = pki.write_pair(tmp_path, "pump", first, key)
    renewal = tmp_path / "renew.b64"
    renewal.write_bytes(pki.b64(pki.csr(key, pki.name("pump-3"),
                                        pki.sans("pump-3.example.net"))))
    status, _, body = parse_http(server.curl(
        "simplereenroll", "--cert", str(cert), "--key", str(key_file), "--data-binary",
        f"@{renewal}", "-H", "Content-Type: application/pkcs10").stdout)
    assert status == 200, body
    second = issued(body)[0]
    assert server.post("manual/simpleenroll", pki.csr(pki.ec_key(), pki.name("valve-1")))[0] \
        == 202

    def fits(page: Page, name: str) -> None:
        """Nothing wider than the window but the scrolling table boxes; then axe."""
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= viewport["width"], f"{name}: {wide} px wide"
        shot(page, name)

    for user in ("vic", "ann", "root"):
        page = login(browser, base, user)
        page.set_viewport_size(viewport)
        fits(page, f"{user}-dashboard")
        assert "UTC" in page.locator("figcaption").inner_text()
        page.get_by_role("link", name="Devices").click()
        page.get_by_label(re.compile("Find a device")).fill("PUMP-3.example.net")
        page.keyboard.press("Enter")
        page.get_by_role("link", name=re.compile("Device of record")).first.click()
        main = page.inner_text("main")
        from estra.asn1.wire import serial_hex
        assert f"superseded by {serial_hex(second.serial_number)}" in main
        assert "State: valid" in main and "basic:alice" in main and "issued:" in main
        fits(page, f"{user}-device")
        href = page.get_by_role("link", name=re.compile("with its chain")).get_attribute("href")
        chain = page.request.get(base + (href or ""))
        assert chain.status == 200
        bundle = tmp_path / f"{user}-chain.pem"
        bundle.write_bytes(chain.body())
        verified = subprocess.run(["openssl", "verify", "-CAfile", str(server.ca),
                                   "-untrusted", str(bundle), str(bundle)],
                                  capture_output=True, text=True, timeout=30)
        assert verified.returncode == 0, verified.stderr
        page.get_by_role("link", name="Enrollments").click()
        page.get_by_role("link", name="identity", exact=True).click()
        assert page.locator('th[aria-sort="ascending"]').count() == 1
        fits(page, f"{user}-enrollments-sorted")
        export = page.request.get(base + (page.get_by_role("link", name="Export CSV")
                                          .get_attribute("href") or ""))
        assert export.status == 200 and b"pump-3" in export.body()
        if user == "ann":              # keyboard only: Tab to the approve button, Enter
            page.goto(f"{base}/console/pending")
            page.get_by_role("link", name=re.compile(r"^Request \d+$")).first.focus()
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(r"/console/pending/\d+$"))
            for _ in range(60):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.textContent").startswith("Approve"):
                    break
            page.keyboard.press("Enter")
            page.wait_for_url(f"{base}/console/pending")
            assert "Approved request" in page.get_by_role("status").inner_text()
            fits(page, "ann-approved")
        if user == "root":             # the session ends; the page asked for comes back
            page.get_by_role("button", name="Log out").click()
            page.goto(f"{base}/console/enrollments?decision=issued")
            assert "/console/login?next=" in page.url
            page.get_by_label("Operator name").fill("root")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{base}/console/enrollments?decision=issued")
            fits(page, "root-back")


IDLE = 3.0          # seconds: [console] idle_minutes = 0.05


def wait_idle(server: Server, operator: str) -> None:
    """Until the server's own clock has passed the idle timeout of `operator`'s
    session: its last use as the store recorded it, plus IDLE (bounded)."""
    with sqlite3.connect(server.state / "estra.db") as db:
        (seen,) = db.execute("SELECT MAX(last_seen) FROM console_sessions WHERE operator = ?",
                             (f"operator:{operator}",)).fetchone()
    assert seen is not None and time.time() - seen < 60
    time.sleep(max(0.0, seen + IDLE - time.time()) + 0.25)


def test_idle_timeout_in_chromium(start_estra: Callable[..., Server], tmp_path: Path,
                                  browser: Browser) -> None:
    """On the server's real clock with a 3 s idle timeout: an approver fills in the
    reject form of a held request and leaves it; sent once the session went idle, it
    leads to the login form saying nothing was done (the request stays held); logging
    in returns to the request's page, where the reject asks for confirmation (what it
    acts on, the reason), and once confirmed the list says so and the device is
    refused with the reason."""
    server, base = with_operators(start_estra, CONFIG.replace(
        "[console]\n", f"[console]\nidle_minutes = {IDLE / 60}\n"))
    shot = Shots(tmp_path)
    stray = pki.csr(pki.ec_key(), pki.name("stray-4"))
    assert server.post("manual/simpleenroll", stray)[0] == 202
    ann = login(browser, base, "ann")
    ann.get_by_role("link", name="Pending").click()
    ann.get_by_role("link", name=re.compile(r"^Request \d+$")).click()
    ann.wait_for_url(re.compile(r"/console/pending/\d+$"))
    request_url = ann.url
    rid = request_url.rpartition("/")[2]
    ann.get_by_label(re.compile("Reason for rejecting")).fill("not one of ours")
    wait_idle(server, "ann")
    ann.get_by_role("button", name=f"Reject request {rid}").click()
    ann.get_by_role("button", name="Log in").wait_for()
    assert "nothing was done" in ann.get_by_role("alert").inner_text()
    shot(ann, "idle-ended")
    assert server.post("manual/simpleenroll", stray)[0] == 202      # still held
    ann.get_by_label("Operator name").fill("ann")
    ann.get_by_label("Password").fill(PASSWORD)
    ann.get_by_role("button", name="Log in").click()
    ann.wait_for_url(request_url)                                  # back where it was
    ann.get_by_label(re.compile("Reason for rejecting")).fill("not one of ours")
    ann.get_by_role("button", name=f"Reject request {rid}").click()
    ann.get_by_role("heading", name=f"Reject request {rid}?").wait_for()
    main = ann.inner_text("main")
    assert "Reason: not one of ours" in main and "CN=stray-4" in main
    assert server.post("manual/simpleenroll", stray)[0] == 202      # not yet
    shot(ann, "reject-one-confirm")
    ann.get_by_role("button", name=f"Reject request {rid}").click()
    ann.wait_for_url(f"{base}/console/pending")
    assert ann.get_by_role("status").inner_text() == f"Rejected request {rid}."
    shot(ann, "rejected-one")
    status, _, body = server.post("manual/simpleenroll", stray)
    assert status == 403 and b"not one of ours" in body
