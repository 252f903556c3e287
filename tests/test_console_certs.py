"""Operators who log in to the console with a TLS client certificate from the operator CA."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from tests import pki
from tests.conftest import Server, parse_http
from tests.test_console_browser import admin_port


def test_certificate_login(start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """A certificate from [console] operator_trust whose CN has a cert_roles entry logs
    in; one from another CA, or with an unmapped CN, or none, does not."""
    ops, other = pki.CA("operator CA"), pki.CA("some other CA")
    ops_file = ops.write(tmp_path, "ops-ca")

    def client(ca: pki.CA, cn: str) -> tuple[str, str]:
        key = pki.ec_key()
        cert, key_file = pki.write_pair(tmp_path, cn.replace(" ", "-"),
                                        ca.issue(pki.name(cn), key.public_key()), key)
        return str(cert), str(key_file)
    server = start_estra(f'[admin]\nlisten = "tcp:0:interface=127.0.0.1"\n[console]\n'
                         f'operator_trust = ["{ops_file}"]\n'
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
    for args in (client(other, "Ann Ops"), client(ops, "Bob Ops")):
        assert login("--cert", args[0], "--key", args[1])[0] == 401
    assert login()[0] == 401
