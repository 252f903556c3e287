"""Operators who log in to the console with a TLS client certificate from the operator CA."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from cryptography import x509

from tests import pki
from tests.conftest import Server, init_state_dir, parse_http
from tests.test_console_browser import admin_port

OPERATOR_EKU = "1.3.6.1.4.1.99999.7"


def test_certificate_login(start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """A certificate from [console] operator_trust with the operator EKU whose CN has a
    cert_roles entry logs in; one from another CA, without the EKU, with an unmapped CN,
    or none, does not."""
    ops, other = pki.CA("operator CA"), pki.CA("some other CA")
    ops_file = ops.write(tmp_path, "ops-ca")

    def client(ca: pki.CA, cn: str, eku: bool = True) -> tuple[str, str]:
        key = pki.ec_key()
        ekus = [x509.ObjectIdentifier(OPERATOR_EKU)] if eku else []
        cert, key_file = pki.write_pair(tmp_path, f"{cn.replace(' ', '-')}-{eku}",
                                        ca.issue(pki.name(cn), key.public_key(), ekus=ekus),
                                        key)
        return str(cert), str(key_file)
    server = start_estra(f'[admin]\nlisten = "tcp:0:interface=127.0.0.1"\n[console]\n'
                         f'operator_trust = ["{ops_file}"]\noperator_eku = "{OPERATOR_EKU}"\n'
                         '[console.cert_roles]\n"Ann Ops" = "admin"\n')
    url = f"https://localhost:{admin_port(server)}/console/login"

    def login(*args: str) -> tuple[int, dict[str, str], bytes]:
        return parse_http(server.curl(url, *args, "--data", "method=certificate").stdout)
    ann = client(ops, "Ann Ops")
    status, headers, _ = login("--cert", ann[0], "--key", ann[1])
    assert status == 303 and "estra_console=" in headers.get("set-cookie", ""), headers
    cookie = headers["set-cookie"].split(";")[0]
    status, _, body = parse_http(server.curl(url.replace("login", ""), "-b", cookie).stdout)
    assert status == 200 and b"Ann Ops (admin)" in body
    for args in (client(other, "Ann Ops"), client(ops, "Bob Ops"),
                 client(ops, "Ann Ops", eku=False)):
        assert login("--cert", args[0], "--key", args[1])[0] == 401
    assert login()[0] == 401


def test_operator_trust_in_the_device_ca_refused(tmp_path: Path) -> None:
    """operator_trust naming the embedded CA (which signs any device's "CN=Ann Ops"):
    estra does not start, and says why in one line."""
    (tmp_path / "estra.toml").write_text("")
    init_state_dir(tmp_path / "estra.toml", tmp_path / "state")     # the CA to name
    config = (f'[admin]\nlisten = "tcp:0:interface=127.0.0.1"\n[console]\n'
              f'operator_trust = ["{tmp_path / "state" / "ca.pem"}"]\n'
              f'operator_eku = "{OPERATOR_EKU}"\n[console.cert_roles]\n"Ann Ops" = "admin"\n')
    with pytest.raises(RuntimeError, match="did not start") as e:
        Server(tmp_path, config)
    lines = [ln for ln in str(e.value).splitlines() if "operator_trust" in ln]
    assert len(lines) == 1 and "issues device certificates" in lines[0], str(e.value)
