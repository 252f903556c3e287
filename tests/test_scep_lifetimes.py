"""SCEP lifetimes that reflect renewal windows (issue #23; estra/ra/renewal.py): a SCEP
device has no renewal-info and renews by its certificate's lifetime (at a fraction
of it, as Intune's renewal threshold; or some time before its end, as certmonger), so
a profile that says how its devices renew gets SCEP certificates short enough that
that moment falls inside the profile's renewal window, and renewal-info and the
console show that window for them."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from attrs import evolve
from cryptography import x509
from zope.interface import implementer

from estra.asn1 import scep_message as sm
from estra.ca.local import LocalCA
from estra.config import ConfigError, Profile, settings_from_string
from estra.interfaces import ICertificateAuthority
from estra.ra import renewal
from estra.testing import LogLines
from tests import pki
from tests.conftest import MemoryScep, SCEP_CONFIG, issued
from tests.test_scep import ra_certificates, request_for, self_signed

DAY = 86400.0
V = 20 * DAY            # the profiles' validity_days (the test CA lives 30 days)
CONFIG = """
[scep]
listen = "tcp:0:interface=127.0.0.1"

[profiles.default]
scep_password = "sesame"
validity_days = 20
scep_renews_at = 0.8

[profiles.before]
scep_password = "sesame"
validity_days = 20
scep_renews_before = 345600

[profiles.plain]
scep_password = "sesame"
validity_days = 20
"""


def scep_enroll(memory: MemoryScep, label: str, cn: str) -> x509.Certificate:
    """A SCEP PKCSReq with the static challenge, answered SUCCESS: the certificate."""
    ra_cert, _ = ra_certificates(memory)
    device = self_signed(cn)
    request = sm.pkcs_req(request_for(device, cn, "sesame"), device, ra_cert)
    path = "/scep" if label == "default" else f"/scep/{label}"
    reply = memory.ra.post(path + "?operation=PKIOperation", request.der, face="scep",
                           headers={"Content-Type": "application/x-pki-message"})
    assert reply.code == 200, reply.body
    answer = request.check(sm.parse(reply.body, [ra_cert]))
    assert answer.status == sm.Status.SUCCESS, answer.fail_info_text
    return answer.issued(device)[0]


def lifetime(cert: x509.Certificate) -> float:
    return (cert.not_valid_after_utc - cert.not_valid_before_utc).total_seconds()


def served_window(memory: MemoryScep, label: str, cert: x509.Certificate) -> tuple[float, float]:
    """The window renewal-info answers for `cert` (POSIX seconds)."""
    prefix = "" if label == "default" else f"{label}/"
    reply = memory.ra.get(f"/.well-known/est/{prefix}renewal-info/{renewal.cert_id(cert)}")
    assert reply.code == 200, reply.body
    window = json.loads(reply.body)["suggestedWindow"]
    return tuple(datetime.datetime.strptime(window[k], "%Y-%m-%dT%H:%M:%S%z").timestamp()
                 for k in ("start", "end"))  # type: ignore[return-value]


@pytest.fixture
def memory(tmp_path: Path, scep_files: dict[str, bytes]) -> MemoryScep:
    return MemoryScep(CONFIG, tmp_path / "memory", scep_files)


def test_fraction_renewer_renews_inside_the_window(memory: MemoryScep) -> None:
    """With scep_renews_at = 0.8 (Intune's 20 % renewal threshold) a 20-day profile's
    SCEP certificate lives less than 100 days, and the moment 80 % of it has passed lies
    inside the renewal-info window served for it, which is the window a 20-day
    certificate of the profile would have (50-75 %, shifted up to 10 %)."""
    cert = scep_enroll(memory, "default", "fraction1")
    born = cert.not_valid_before_utc.timestamp()
    assert 0.75 * V < lifetime(cert) < 0.95 * V
    renews = born + 0.8 * lifetime(cert)
    start, end = served_window(memory, "default", cert)
    assert start < renews < end
    assert born + 0.5 * V - 1 <= start <= born + 0.6 * V + 1
    assert end - start == pytest.approx(0.25 * V, abs=2)


def test_time_before_end_renewer_renews_inside_the_window(memory: MemoryScep) -> None:
    """With scep_renews_before = 4 days (certmonger-style) the certificate ends 4 days
    after a moment inside its window."""
    cert = scep_enroll(memory, "before", "before1")
    renews = cert.not_valid_after_utc.timestamp() - 4 * DAY
    start, end = served_window(memory, "before", cert)
    assert start < renews < end
    assert lifetime(cert) < V


def test_fleet_enrolled_at_once_is_spread(memory: MemoryScep) -> None:
    """Devices enrolled in the same second get different lifetimes (the window's shift by
    each key), so they do not all renew at once."""
    lives = {round(lifetime(scep_enroll(memory, "default", f"fleet{i}"))) for i in range(4)}
    assert len(lives) == 4


def test_profile_saying_nothing_keeps_validity_days(memory: MemoryScep) -> None:
    """Without scep_renews_at / _before a SCEP certificate lives validity_days, as
    before, and its window is its own lifetime's."""
    cert = scep_enroll(memory, "plain", "plain1")
    assert lifetime(cert) == pytest.approx(V, abs=600)
    start, _ = served_window(memory, "plain", cert)
    born = cert.not_valid_before_utc.timestamp()
    assert born + 0.5 * lifetime(cert) - 1 <= start


def test_est_certificates_keep_validity_days(memory: MemoryScep) -> None:
    """EST devices ask renewal-info: an EST certificate of the same profile lives
    validity_days."""
    memory.ra.add_user("alice", "pw")
    reply = memory.ra.post("/.well-known/est/simpleenroll",
                           pki.b64(pki.csr(pki.ec_key(), pki.name("esty"))),
                           headers={"Content-Type": "application/pkcs10"}, user=("alice", "pw"))
    assert reply.code == 200, reply.body
    cert = issued(reply.body)[0]
    assert lifetime(cert) == pytest.approx(V, abs=600)


@pytest.mark.parametrize("table, problem", [
    ("scep_renews_at = 0.8\nscep_renews_before = 86400", "set one of scep_renews_at"),
    ("scep_renews_at = 1.2", "scep_renews_at: must be a fraction"),
    ("scep_renews_before = -1", "scep_renews_before"),
    ("requested_lifetime = 60", "requested_lifetime"),
])
def test_bad_settings_are_named(table: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        settings_from_string(SCEP_CONFIG.replace('[profiles.default]\n',
                                                 f'[profiles.default]\n{table}\n'))


@implementer(ICertificateAuthority)
class NoLifetimeCA:
    """An upstream that takes no lifetime (as EJBCA, AD CS, CFSSL): the embedded CA
    issuing validity_days whatever the RA asks."""

    def __init__(self, ca: LocalCA) -> None:
        self.ca = ca

    async def cacerts(self) -> list[x509.Certificate]:
        return await self.ca.cacerts()

    async def enroll(self, csr: x509.CertificateSigningRequest, identity: object,
                     profile: Profile) -> list[x509.Certificate]:
        return await self.ca.enroll(csr, identity, evolve(profile, requested_lifetime=0.0))

    reenroll = enroll


def test_upstream_without_lifetime_is_logged_once(memory: MemoryScep,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A CA that takes no lifetime issues its own (validity_days here), and the profile's
    SCEP devices renew by that: logged once per profile, not per request."""
    monkeypatch.setattr(memory.ra.ra, "ca_for", lambda profile: NoLifetimeCA(memory.ra.ca))
    lines = LogLines().start()
    try:
        certs = [scep_enroll(memory, "default", f"nolife{i}") for i in range(2)]
    finally:
        text = lines.stop()
    assert [round(lifetime(c) / 600) for c in certs] == [round(V / 600)] * 2
    assert text.count("profile default: upstream local takes no lifetime") == 1, text
