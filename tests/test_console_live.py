"""Issue #17, the console findings against a real `twistd estra` over real sockets (curl):
no lockout of an operator from another address, and no forged or flooding log lines."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from tests.conftest import PASSWORD, Server, estra_cli, parse_http
from tests.test_console_browser import admin_port

CONFIG = '[admin]\nlisten = "tcp:0:interface=127.0.0.1"\n[console]\n'
FORGED = "2026-12-06T00:00:00+0000 [estra#info] forged: approved by root"


def console(start_estra: Callable[..., Server]) -> tuple[Server, Callable[..., int]]:
    """A running estra with operator root (admin), and login(name, password, source)."""
    server = start_estra(CONFIG)
    done = estra_cli("--config", str(server.config), "--state-dir", str(server.state),
                     "operator", "add", "root", "--role", "admin", "--password-stdin",
                     stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    url = f"https://localhost:{admin_port(server)}/console/login"

    def login(name: str, password: str, source: str = "127.0.0.1") -> int:
        return parse_http(server.curl(
            url, "-4", "--interface", source, "--resolve",
            f"localhost:{admin_port(server)}:127.0.0.1", "--data-urlencode", f"user={name}",
            "--data-urlencode", f"password={password}").stdout)[0]
    return server, login


def test_guesses_from_one_address_leave_the_operator_a_way_in(
        start_estra: Callable[..., Server]) -> None:
    """Twelve wrong passwords for root from 127.0.0.2 (429 after five); root logs in
    from 127.0.0.1 with the right one."""
    _, login = console(start_estra)
    codes = [login("root", "guess", "127.0.0.2") for _ in range(12)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}, codes
    assert login("root", PASSWORD) == 303


def test_login_names_cannot_forge_or_flood_the_log(start_estra: Callable[..., Server],
                                                   tmp_path: Path) -> None:
    """A 15 KiB name holding a newline and a forged log line, 40 times: the log file
    gains no forged line and at most a few kilobytes."""
    server, login = console(start_estra)
    name = "x\n" + FORGED + "\n" + "y" * 15000
    before = server.log.stat().st_size
    codes = [login(name, "guess") for _ in range(40)]
    assert set(codes[5:]) == {429}, codes
    log = server.log.read_text(errors="replace")
    grown = server.log.stat().st_size - before
    assert grown < 8 * 1024, grown
    # twistd's text log indents a continuation line with a tab: still a line of its own
    forged = [ln for ln in log.splitlines() if ln.lstrip().startswith(FORGED)]
    assert not forged, forged[:1]
    assert "\\n" + FORGED in log                       # escaped, on the refusal's line
