"""Two estra nodes on one PostgreSQL, each with its console: a session opened on one
console works on the other, an approval on one is seen by a device at the other,
and logging out on one ends the session on both."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from tests import pki
from tests.conftest import PASSWORD, Server, estra_cli, parse_http
from tests.test_console_browser import admin_port


def console(node: Server, jar: Path, path: str, *args: str) -> tuple[int, dict[str, str], str]:
    """curl the node's console as https://localhost, sharing one cookie jar."""
    url = f"https://localhost:{admin_port(node)}/console/{path}"
    status, headers, body = parse_http(node.curl(url, "-b", str(jar), "-c", str(jar), *args)
                                       .stdout)
    return status, headers, body.decode()


def test_console_across_two_nodes(database: str, start_estra: Callable[..., Server],
                                  tmp_path: Path) -> None:
    """Log in at A, see and approve B's held request from A; the device's retry at B is
    issued; the session works at B and logging out at B ends it at A."""
    config = (f'[store]\nurl = "{database}"\n[admin]\nlisten = "tcp:0:interface=127.0.0.1"\n'
              '[console]\n[profiles.default]\napproval = "manual"\n')
    a, b = start_estra(config), start_estra(config)
    for node in (a, b):
        node.add_user("alice")
        done = estra_cli("--config", str(node.config), "--state-dir", str(node.state),
                         "operator", "add", "ann", "--role", "approver", "--password-stdin",
                         stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
    req = pki.csr(pki.ec_key(), pki.name("shared-device"))
    assert b.post("simpleenroll", req)[0] == 202

    jar = tmp_path / "cookies"
    status, headers, _ = console(a, jar, "login", "--data-urlencode", "user=ann",
                                 "--data-urlencode", f"password={PASSWORD}")
    assert status == 303 and headers["location"] == "/console/"
    status, _, page = console(b, jar, "pending")             # A's session, at B
    assert status == 200 and "CN=shared-device" in page
    status, _, page = console(a, jar, "pending")
    pending = re.search(r'href="/console/pending/(\d+)"', page)
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert pending and token, page
    status, _, _ = console(a, jar, f"pending/{pending.group(1)}", "--data-urlencode",
                           "action=approve", "--data-urlencode", f"csrf={token.group(1)}")
    assert status == 303

    status, _, body = b.post("simpleenroll", req)           # the device's retry, at B
    assert status == 200, body
    status, _, page = console(a, jar, "")                   # PostgreSQL's hourly counts
    assert status == 200 and "1 issued, 0 rejected, 1 held" in page, page
    status, _, page = console(b, jar, "enrollments?subject=SHARED-dev&decision=issued")
    assert status == 200 and page.count('href="/console/enrollments/') == 1, page

    kept = tmp_path / "kept-cookies"                       # the cookie, replayed after logout
    kept.write_bytes(jar.read_bytes())
    assert console(b, jar, "logout", "--data-urlencode", f"csrf={token.group(1)}")[0] == 303
    status, headers, _ = console(a, kept, "")
    assert status == 303 and headers["location"] == "/console/login"
