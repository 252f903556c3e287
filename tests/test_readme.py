"""The recipes of README.rst and docs/*.rst, run as written (with this test's host, port,
CA, passwords and `estra` command) against a real estra: the walkthrough (Basic
enrollment, renewal, /cacerts, strongSwan, a one-time code, a manual approval),
and the pages' req.der recipe."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Callable

from cryptography import x509

from tests.conftest import PASSWORD, Server, estra_env

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.rst"
DOCS = ROOT / "docs"


def block(containing: str, page: Path = README) -> str:
    """The literal block (indented under a "::" line) of `page` holding `containing`,
    dedented."""
    lines = page.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if containing in line)
    start = next(i for i in range(at, 0, -1) if lines[i - 1].rstrip().endswith("::"))
    indent = len(lines[start + 1]) - len(lines[start + 1].lstrip())
    end = at
    while end < len(lines) and (not lines[end].strip()
                                or len(lines[end]) - len(lines[end].lstrip()) >= indent):
        end += 1
    return textwrap.dedent("\n".join(lines[start:end])).strip() + "\n"


def heredoc(script: str) -> str:
    """The text of the (first) `<<'END'` here-document in `script`."""
    found = re.search(r"<<'END'\n(.*?)\nEND\n", script, re.S)
    assert found, script
    return found.group(1) + "\n"


def run(server: Server, script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`script` under bash -e -o pipefail, aimed at `server`: its CA, port, users'
    passwords, and the `estra` command on its configuration and state."""
    estra = shlex.join([sys.executable, "-m", "estra.cli", "--state-dir", str(server.state)])
    boot = server.bootstrap_password
    script = (script.replace("estra-state/ca.pem", str(server.ca))
              .replace("https://localhost:8443", f"https://localhost:{server.port}")
              .replace("--user alice ", f"--user 'alice:{PASSWORD}' ")
              .replace("--user estra ", f"--user 'estra:{boot}' ")
              .replace("estra:PASSWORD", f"'estra:{boot}'")
              .replace(".venv/bin/estra -c estra.toml", f"{estra} -c {server.config}")
              .replace(".venv/bin/estra", estra))
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd,
                          capture_output=True, text=True, timeout=60, env=estra_env())


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_walkthrough_enroll_renew_cacerts(start_estra: Callable[..., Server],
                                          tmp_path: Path) -> None:
    """Steps 2-4: enroll with the bootstrap user, renew with the certificate, read
    /cacerts, enroll with strongSwan's pki from a req.der made there."""
    server = start_estra()
    ok(run(server, block("est/simpleenroll || { cat device.p7"), tmp_path))
    device = x509.load_pem_x509_certificate((tmp_path / "device.pem").read_bytes())
    assert device.subject.rfc4514_string() == "CN=device1"
    ok(run(server, block("est/simplereenroll"), tmp_path))
    assert (tmp_path / "renewed.p7").stat().st_size > 0
    out = ok(run(server, block("localhost:8443/.well-known/est/cacerts")[:-1], tmp_path))
    assert "subject=" in out and "BEGIN CERTIFICATE" in out
    ok(run(server, block("pki --req --type ecdsa --in key.der --dn \"CN=device2\""), tmp_path))
    cert = x509.load_der_x509_certificate((tmp_path / "cert.der").read_bytes())
    assert cert.subject.rfc4514_string() == "CN=device2"


def test_walkthrough_failure_shows_the_reason(start_estra: Callable[..., Server],
                                              tmp_path: Path) -> None:
    """Step 2 with a wrong password fails and prints the RA's 401 reason."""
    server = start_estra()
    server.bootstrap_password = "wrong"
    done = run(server, block("est/simpleenroll || { cat device.p7"), tmp_path)
    assert done.returncode != 0
    assert "wrong user name or password" in done.stdout


def test_walkthrough_code_and_approval(start_estra: Callable[..., Server],
                                       tmp_path: Path) -> None:
    """Steps 6-8 on the walkthrough's own estra.toml: a code issued with the CLI line
    enrolls once at the codes URL; a request to the manual URL gets 202, shows in
    `pending list`, and after `approve` the same request gets its certificate."""
    config = block("cat > estra.toml")
    server = start_estra(heredoc(config))
    ok(run(server, config, tmp_path))             # writes estra.toml, as the reader does
    code = ok(run(server, block("codes issue --identity basic:estra"), tmp_path)).split()[-1]
    enroll = block("est/codes/simpleenroll").replace("THE-CODE", code)
    ok(run(server, enroll, tmp_path))
    assert b"BEGIN" not in (tmp_path / "coded.p7").read_bytes()   # base64 PKCS#7
    again = run(server, enroll, tmp_path)
    assert again.returncode != 0 and "one-time-code" in again.stdout

    assert ok(run(server, block("-w '%{http_code}\\n'"), tmp_path)).strip() == "202"
    listed = ok(run(server, block("pending list"), tmp_path))
    held = re.search(r"^(\d+)\s.*CN=device3", listed, re.M)
    assert held, listed
    out = ok(run(server, block("approve ID --by ann").replace(" ID ", f" {held.group(1)} "),
                 tmp_path))
    assert "subject=CN=device3" in out.replace(" ", "")


def test_docs_req_der_recipe(tmp_path: Path) -> None:
    """docs/est.rst: `pki --gen` + `pki --req ... --outform der` make a DER CSR."""
    script = block("pki --req --type ecdsa --in key.der --dn \"CN=device1\"", DOCS / "est.rst")
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    csr = x509.load_der_x509_csr((tmp_path / "req.der").read_bytes())
    assert csr.subject.rfc4514_string() == "CN=device1" and csr.is_signature_valid
