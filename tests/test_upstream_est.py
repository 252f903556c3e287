"""RA -> a second estra (a real twistd) as upstream EST CA, with client-certificate auth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterator

import pytest
from cryptography import x509

from tests import pki
from tests.conftest import (PASSWORD, Server, estra_behind_estra, estra_cli, issued, parse_http,
                            ra_config, starting_estra)
from tests.strongswan import StrongSwan

PKCS10 = ("-H", "Content-Type: application/pkcs10")


CSRATTRS = 'csrattrs = ["1.2.840.113549.1.9.7"]\n'


@pytest.fixture
def pair(start_estra: Callable[..., Server], tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    """(upstream, ra): the upstream accepts only certificates (no Basic); for the tests
    that stop the upstream."""
    yield estra_behind_estra(start_estra, tmp_path, CSRATTRS)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[Server, Server, Path]]:
    """`pair` once for the tests that only talk to it: (upstream, ra, the directory of
    the RA certificate `estra ra-cert` made)."""
    directory = tmp_path_factory.mktemp("pair")
    with starting_estra(directory) as start:
        yield (*estra_behind_estra(start, directory, CSRATTRS), directory / "ra")


def enroll(server: Server, req: x509.CertificateSigningRequest, *args: str,
           path: str = "simpleenroll") -> tuple[int, dict[str, str], bytes]:
    return server.post(path, req, *args)


def test_every_operation_through_the_ra(shared: tuple[Server, Server, Path],
                                        tmp_path: Path) -> None:
    """cacerts, csrattrs, simpleenroll and simplereenroll through the RA are the upstream's."""
    upstream, ra, _ = shared
    upstream_ca = x509.load_pem_x509_certificate(upstream.ca.read_bytes())
    status, _, body = parse_http(ra.curl("cacerts").stdout)
    assert status == 200 and issued(body) == [upstream_ca]
    status, headers, body = parse_http(ra.curl("csrattrs").stdout)
    assert status == 200 and headers["content-type"] == "application/csrattrs"

    key = pki.ec_key()
    status, _, body = enroll(ra, pki.csr(key, pki.name("dev-up"), pki.sans("dev.example")),
                             "--user", f"alice:{PASSWORD}")
    assert status == 200, body
    leaf = issued(body)[0]
    assert leaf.issuer == upstream_ca.subject
    leaf.verify_directly_issued_by(upstream_ca)

    cert, keyfile = pki.write_pair(tmp_path, "dev-up", leaf, key)
    renew = pki.csr(pki.ec_key(), pki.name("dev-up"), pki.sans("dev.example"))
    status, _, body = enroll(ra, renew, "--cert", str(cert), "--key", str(keyfile),
                             path="simplereenroll")
    assert status == 200, body
    assert issued(body)[0].issuer == upstream_ca.subject

    status, _, body = enroll(ra, pki.csr(key, pki.name("other")), "--cert", str(cert),
                             "--key", str(keyfile), path="simplereenroll")
    assert status == 403 and b"reenroll-subject" in body, body
    assert "upstream est corp POST" in ra.log.read_text()


def test_upstream_requires_the_ra_certificate(shared: tuple[Server, Server, Path],
                                              start_estra: Callable[..., Server]) -> None:
    """Devices cannot go to the upstream directly with Basic; an RA without its
    certificate is refused there, which the device sees as 502."""
    upstream, _, ra_dir = shared
    upstream.add_user("alice")
    status, _, _ = enroll(upstream, pki.csr(pki.ec_key(), pki.name("direct")),
                          "--user", f"alice:{PASSWORD}")
    assert status == 401
    config = ra_config(upstream.port, ra_dir).replace("client_cert", "#").replace(
        "client_key", "#")
    bare = start_estra(config)
    bare.add_user("alice")
    status, _, body = enroll(bare, pki.csr(pki.ec_key(), pki.name("d")),
                             "--user", f"alice:{PASSWORD}")
    assert status == 502 and b"rejected the RA's credentials" in body


def test_upstream_down_is_503_and_cacerts_cached(pair: tuple[Server, Server],
                                                 tmp_path: Path) -> None:
    """With the upstream stopped: enroll is 503 + Retry-After, cacerts comes from cache."""
    upstream, ra = pair
    assert parse_http(ra.curl("cacerts").stdout)[0] == 200
    upstream.stop()
    status, headers, body = enroll(ra, pki.csr(pki.ec_key(), pki.name("d")),
                                   "--user", f"alice:{PASSWORD}")
    assert status == 503 and headers["retry-after"] == "30", body
    assert b"refused the connection" in body
    assert parse_http(ra.curl("cacerts").stdout)[0] == 200


def test_wrong_trust_anchor_is_503(shared: tuple[Server, Server, Path],
                                   start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """An upstream whose TLS certificate does not chain to `trust` is never talked to."""
    upstream, _, ra_dir = shared
    wrong = pki.CA("Not the upstream").write(tmp_path, "wrong")
    ra = start_estra(ra_config(upstream.port, ra_dir, trust=str(wrong)))
    ra.add_user("alice")
    status, _, body = enroll(ra, pki.csr(pki.ec_key(), pki.name("d")),
                             "--user", f"alice:{PASSWORD}")
    assert status == 503 and b"TLS" in body, body
    assert parse_http(ra.curl("cacerts").stdout)[0] == 503


def test_strongswan_device_through_the_ra(shared: tuple[Server, Server, Path],
                                          sw: StrongSwan) -> None:
    """strongSwan's pki enrolls and re-enrolls through the RA; the upstream CA issues."""
    upstream, ra, _ = shared
    upstream_ca = x509.load_pem_x509_certificate(upstream.ca.read_bytes())
    done = sw.estca(f"https://localhost:{ra.port}", ra)
    assert done.returncode == 0, done.stderr.decode()
    assert x509.load_der_x509_certificate((sw.dir / "ca.der").read_bytes()) == upstream_ca
    key, cert_file, cert = sw.enroll(ra, "sw", "CN=sw-dev", "sw.example")
    cert.verify_directly_issued_by(upstream_ca)
    _, req = sw.request("sw2", "CN=sw-dev", "sw.example")
    done = sw.est(f"https://localhost:{ra.port}", ra, req, "--cert", str(cert_file),
                  "--key", str(key))
    assert done.returncode == 0, done.stderr.decode()
    renewed = x509.load_der_x509_certificate(done.stdout)
    assert renewed.subject == cert.subject and renewed.serial_number != cert.serial_number
    renewed.verify_directly_issued_by(upstream_ca)


def test_health_command(pair: tuple[Server, Server], tmp_path: Path) -> None:
    """`estra health` reports each CA; a dead upstream makes it fail with the reason."""
    upstream, ra = pair
    args = ("--config", str(ra.config), "--state-dir", str(ra.state), "health")
    done = estra_cli(*args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "corp (est): ok (1 CA certificate(s)" in done.stdout
    assert "local (local): ok" in done.stdout
    upstream.stop()
    done = estra_cli(*args)
    assert done.returncode == 1 and "corp (est): FAILED 503" in done.stdout


def test_upstream_approval_relayed(start_estra: Callable[..., Server], tmp_path: Path) -> None:
    """An upstream that holds the request: the device sees 202 + Retry-After through the
    RA, and after the upstream's operator approves, the device's retry gets the cert."""
    upstream, ra = estra_behind_estra(start_estra, tmp_path,
                                      'approval = "manual"\napproval_retry_after = 9\n')
    key = pki.ec_key()
    status, headers, body = enroll(ra, pki.csr(key, pki.name("held-up")),
                                   "--user", f"alice:{PASSWORD}")
    assert status == 202 and headers["retry-after"] == "9", body
    pending = json.loads(estra_cli("--state-dir", str(upstream.state), "pending", "list",
                                   "--json").stdout)
    held = pending[0]
    assert held["identity"].startswith("ra:") and held["identity"].endswith(":estra RA")
    assert held["subject"] == "CN=held-up"
    assert estra_cli("--state-dir", str(upstream.state), "approve",
                     str(pending[0]["id"])).returncode == 0
    status, _, body = enroll(ra, pki.csr(key, pki.name("held-up")),
                             "--user", f"alice:{PASSWORD}")
    assert status == 200, body
    assert issued(body)[0].subject == pki.name("held-up")
