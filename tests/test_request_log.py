"""Operations issue #10, logs: one request line format for EST, SCEP, 404s and the
admin endpoint; the attempted user of a failed login (never the password); no
factory noise; a JSON-lines log for shippers (a real twistd writing a real log)."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from typing import Callable

from tests import pki
from tests.conftest import SCEP_CONFIG, Server

SECRET = "Wr0ng-Pa55word-xyzzy"
#: the text of every request line: protocol operation [label] status for who (how)
#: from address: reason (method path)
LINE = re.compile(r"^\S+ \[estra\.http#info\] (?P<protocol>est|scep|admin) (?P<operation>\S+) "
                  r"\[(?P<label>[^\]]+)\] (?P<status>\d{3}) for (?P<who>\S+) \((?P<how>[^)]+)\) "
                  r"from (?P<address>\S+): (?P<reason>.+) \((?P<method>[A-Z]+) (?P<path>\S+)\)$")


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            reply.read()
            return int(reply.status)
    except urllib.error.HTTPError as e:
        return e.code


def test_one_line_format_for_every_request(start_estra: Callable[..., Server]) -> None:
    """EST operations, a 404, SCEP and the admin endpoint each log one line with the
    same fields in the same order; a failed Basic login names the attempted user
    (never the password); no "Starting/Stopping factory" line, no double space."""
    server = start_estra(SCEP_CONFIG + '\n[admin]\nlisten = "tcp:0:interface=127.0.0.1"\n')
    server.add_user("alice")
    text = server.log.read_text()
    scep = re.search(r"SCEP ready on (http://[^/]+/scep)", text)
    admin = re.search(r"estra admin ready on (http://[^/]+)/", text)
    assert scep and admin, text
    assert server.curl("cacerts").returncode == 0
    assert server.curl("nothing-here").returncode == 0
    csr = pki.csr(pki.ec_key(), pki.name("logged"))
    assert server.post("simpleenroll", csr, "--user", f"alice:{SECRET}")[0] == 401
    assert server.post("simpleenroll", csr)[0] == 200
    assert fetch(scep.group(1) + "?operation=GetCACaps") == 200
    assert fetch(admin.group(1) + "/healthz") == 200
    assert fetch(admin.group(1) + "/no-such-page") == 404
    time.sleep(0.5)
    log = server.stop()

    requests = [m.groupdict() for m in map(LINE.match, log.splitlines()) if m]
    seen = {(r["protocol"], r["operation"], r["status"], r["path"]) for r in requests}
    assert {("est", "cacerts", "200", "/.well-known/est/cacerts"),
            ("est", "-", "404", "/.well-known/est/nothing-here"),
            ("est", "simpleenroll", "401", "/.well-known/est/simpleenroll"),
            ("est", "simpleenroll", "200", "/.well-known/est/simpleenroll"),
            ("scep", "GetCACaps", "200", "/scep?operation=GetCACaps"),
            ("admin", "-", "200", "/healthz"),
            ("admin", "-", "404", "/no-such-page")} <= seen, log
    # every request line of the log has the shape (none in another format)
    for line in log.splitlines():
        if " from 127.0.0.1" in line and "[estra.http#info]" in line:
            assert LINE.match(line), line
    assert "simpleenroll [default] 200 for basic:alice (basic) from 127.0.0.1: issued" in log
    assert ("est simpleenroll [default] 401 for basic:alice? (basic) from 127.0.0.1: "
            "wrong user name or password (POST /.well-known/est/simpleenroll)") in log, log
    assert "est - [-] 404 for - (anonymous) from 127.0.0.1: unknown EST operation" in log
    assert SECRET not in log
    assert "Starting factory" not in log and "Stopping factory" not in log, log
    for line in log.splitlines():
        if "[estra." in line:
            assert "  " not in line, line
