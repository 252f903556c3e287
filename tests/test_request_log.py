"""Operations issue #10, logs: one request line format for EST, SCEP, 404s and the
admin endpoint; the attempted user of a failed login (never the password); no
factory noise; a JSON-lines log for shippers (a real twistd writing a real log)."""

from __future__ import annotations

import json
import re
import stat
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

from tests import pki
from tests.conftest import SCEP_CONFIG, Server, estra_cli
from tests.test_logfile import start_with_logfile, stop

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


def test_json_lines_log(tmp_path: Path) -> None:
    """With --logger estra.logging.json_observer, twistd's --logfile holds one JSON
    object per line, a request's fields (operation, status, who, address...) as keys;
    the file is 0640 and holds no password."""
    log = tmp_path / "estra.json"
    proc = start_with_logfile(tmp_path, log, "--logger", "estra.logging.json_observer")
    try:
        events = [json.loads(line) for line in log.read_text().splitlines()]
        ready = next(e for e in events if "ready on https://" in e["text"])
        port = re.search(r"https://127\.0\.0\.1:(\d+)/", ready["text"])
        assert port, ready
        base = f"https://localhost:{port.group(1)}/.well-known/est"
        ca = str(tmp_path / "state" / "ca.pem")
        done = estra_cli("--state-dir", str(tmp_path / "state"), "user", "add", "alice",
                         "--password-stdin", stdin="correct horse\n")
        assert done.returncode == 0, done.stderr
        for args in (["--user", f"alice:{SECRET}", "--data-binary", "x",
                      "-H", "Content-Type: application/pkcs10", f"{base}/simpleenroll"],
                     [f"{base}/cacerts"]):
            subprocess.run(["curl", "-sS", "-o", "/dev/null", "--cacert", ca, *args],
                           check=True, timeout=30)
        time.sleep(0.5)
    finally:
        stop(proc)
    text = log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o640
    assert SECRET not in text
    lines = text.splitlines()
    events = [json.loads(line) for line in lines]     # every line parses on its own
    assert len(events) == len(lines) > 3
    requests = {e["operation"]: e for e in events if e.get("protocol") == "est"}
    cacerts, refused = requests["cacerts"], requests["simpleenroll"]
    assert (cacerts["status"], cacerts["who"], cacerts["address"]) == (200, "-", "127.0.0.1")
    assert (refused["status"], refused["who"], refused["how"]) == (401, "basic:alice?", "basic")
    assert refused["label"] == "default" and refused["path"] == "/.well-known/est/simpleenroll"
    assert refused["text"].startswith("est simpleenroll [default] 401 for basic:alice? ")
    assert all("Starting factory" not in e.get("text", "") for e in events)
    assert any(e.get("text") == "Server Shut Down." for e in events)


