"""README.rst's recipes, run as written (with this test's host, port and CA) against a
real estra: /cacerts with curl, req.der for strongSwan, a one-time code in a CSR."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path
from typing import Callable

from cryptography import x509

from tests.conftest import PASSWORD, Server, estra_cli

README = Path(__file__).resolve().parent.parent / "README.rst"


def block(containing: str) -> str:
    """The README literal block (indented after "::") holding `containing`, dedented."""
    lines = README.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if containing in line)
    start = at
    while lines[start - 1].strip():
        start -= 1
    end = at
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith("    ")):
        end += 1
    return textwrap.dedent("\n".join(lines[start:end]))


def run(server: Server, script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`script` under bash -e -o pipefail, aimed at `server`."""
    script = (script.replace("estra-state/ca.pem", str(server.ca))
              .replace("https://localhost:8443", f"https://localhost:{server.port}")
              .replace("--user alice ", f"--user 'alice:{PASSWORD}' "))
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_cacerts_recipe(start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """The README's curl | openssl line prints the CA certificate."""
    server = start_estra()
    done = run(server, block("localhost:8443/.well-known/est/cacerts"), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "subject=" in done.stdout and "BEGIN CERTIFICATE" in done.stdout


def test_strongswan_req_der_recipe(tmp_path: Path) -> None:
    """`pki --gen` + `pki --req ... --outform der` make a DER CSR for the given DN."""
    script = block("pki --req --type ecdsa")
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    csr = x509.load_der_x509_csr((tmp_path / "req.der").read_bytes())
    assert csr.subject.rfc4514_string() == "CN=device1" and csr.is_signature_valid


def test_one_time_code_recipe(start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """The README's openssl config puts a code issued by `estra codes issue` in the CSR
    and the curl line enrolls with it under `require_code = true`; used once."""
    server = start_estra("[profiles.default]\nrequire_code = true\n")
    server.add_user("alice")
    done = estra_cli("--state-dir", str(server.state), "codes", "issue",
                     "--identity", "basic:alice", "--json")
    assert done.returncode == 0, done.stderr
    code = json.loads(done.stdout)["code"]
    recipe = block("cat > device.cnf")
    assert "THE-CODE" in recipe and "-subj" not in recipe
    done = run(server, recipe.replace("THE-CODE", code), tmp_path)
    assert done.returncode == 0, done.stderr
    cert = x509.load_pem_x509_certificate((tmp_path / "device.pem").read_bytes())
    assert cert.subject.rfc4514_string() == "CN=device-1"
    again = run(server, recipe.replace("THE-CODE", code), tmp_path)   # consumed
    assert again.returncode != 0
    assert "one-time-code" in server.log.read_text()
