"""Separate SCEP RA decryption and signing keys ([scep] signing_cert/signing_key).

Made on first start as files and on a SoftHSM2 token; strongSwan's pki and micromdm's
scepclient enroll, picking the RA certificate to encrypt to by its key usage; a request
encrypted to the signing certificate is answered like any undecryptable envelope."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import pkcs7

from estra import config
from estra.asn1 import scep_message as sm
from tests import pki
from tests.conftest import SCEP_CONFIG, Server
from tests.strongswan import StrongSwan
from tests.test_pkcs11 import SCEP_URI, SoftHsm
from tests.test_rollover import ca_cli, hangup
from tests.test_scep import Device, request_for, self_signed
from tests.test_scep import fetch as scep_fetch
from tests.test_scep_clients import Scep, ScepClient, cn_of
from tests.test_scep_security import forged_envelopes

SIGNING_CN = "estra SCEP RA signing"
FILES = '[scep]\nsigning_cert = "scep-ra-signing.pem"\nsigning_key = "scep-ra-signing.key"\n'


def ra_pair(server: Server) -> tuple[x509.Certificate, x509.Certificate]:
    """(encryption, signing) RA certificates of GetCACert, told apart by key usage."""
    certs = pkcs7.load_der_pkcs7_certificates(scep_fetch(server, "/scep?operation=GetCACert")[2])
    usages = {cn_of(c): c.extensions.get_extension_for_class(x509.KeyUsage).value
              for c in certs
              if not c.extensions.get_extension_for_class(x509.BasicConstraints).value.ca}
    assert len(usages) == 2, usages
    encrypt = next(c for c in certs if cn_of(c) == "estra SCEP RA")
    sign = next(c for c in certs if cn_of(c) == SIGNING_CN)
    assert usages["estra SCEP RA"].key_encipherment
    assert not usages["estra SCEP RA"].digital_signature
    assert usages[SIGNING_CN].digital_signature and not usages[SIGNING_CN].key_encipherment
    return encrypt, sign


def enroll_and_probe(server: Server, sw: StrongSwan, tmp_path: Path) -> None:
    """scepclient (stock: it encrypts to every certificate of GetCACert and checks the
    CertRep against them; -ca-fingerprint keeps one, and then cannot check a CertRep
    signed by the other) and strongSwan enroll, the CertReps signed by the signing key; an
    envelope to the signing certificate gets the undecryptable answer."""
    encrypt, sign = ra_pair(server)
    chain = pkcs7.load_der_pkcs7_certificates(
        scep_fetch(server, "/scep?operation=GetCACertChain")[2])
    assert {encrypt, sign} <= set(chain)          # a SET OF: encoding order
    scep = Scep(server)
    assert scep.ra == encrypt
    device = ScepClient(scep, tmp_path / "dev", fingerprint=False)
    done = device.run("-challenge", "sesame", "-cn", "dev", "-organization", "lab")
    assert done.returncode == 0, done.stdout + done.stderr
    scep.verify(device.cert)

    forger = self_signed("oracle")
    csr = request_for(forger, "oracle", "sesame")
    seen = set()
    envelopes = [*forged_envelopes(encrypt, pki.der(csr)).values(),
                 sm.pkcs_req(csr, forger, sign, tid="T-ORACLE").der]
    for n, envelope in enumerate(envelopes):
        request = envelope if n == len(envelopes) - 1 else sm.pki_message(
            sm.MessageType.PKCSReq, envelope, "T-ORACLE", forger).der
        status, _, body = scep_fetch(server, "/scep?operation=PKIOperation", request)
        reply = sm.parse(body, [sign])
        assert reply.signer == sign                       # signed by the signing key
        seen.add((status, len(body) // 16, reply.status, reply.fail_info,
                  reply.fail_info_text))
    assert len(seen) == 1 and next(iter(seen))[2:4] == (sm.Status.FAILURE,
                                                       sm.FailInfo.badMessageCheck), seen

    pki_device = Device(sw, server)             # --raout ra: ra.der, ra-2.der
    written = {x509.load_der_x509_certificate(p.read_bytes()): p.name
               for p in sw.dir.glob("ra*.der")}
    assert set(written) == {encrypt, sign}
    done_sw = sw.run("--scep", "--url", pki_device.url, "--in",
                     str(pki_device.key("printer")), "--dn", "CN=printer1",
                     "--password", "sesame", "--cacert-enc", written[encrypt],
                     "--cacert-sig", written[sign], "--cacert", "ca.der",
                     "--interval", "1", "--maxpolltime", "5")
    assert done_sw.returncode == 0, done_sw.stderr.decode()
    x509.load_der_x509_certificate(done_sw.stdout).verify_directly_issued_by(
        x509.load_pem_x509_certificate(server.ca.read_bytes()))


def test_two_ra_keys_in_files(start_estra: Callable[..., Server], sw: StrongSwan,
                              tmp_path: Path) -> None:
    """Both RA keys made as files on first start; clients enroll with them."""
    server = start_estra(FILES + SCEP_CONFIG.replace("[scep]\n", ""))
    assert (server.state / "scep-ra-signing.key").exists()
    enroll_and_probe(server, sw, tmp_path)


def test_two_ra_keys_on_token(start_estra: Callable[..., Server], softhsm: SoftHsm,
                              sw: StrongSwan, tmp_path: Path) -> None:
    """Both RA keys made on the token on first start; no key file written."""
    signing_uri = "pkcs11:token=estra;object=scep-ra-signing"
    server = start_estra(softhsm.config() + f'[scep]\nkey = "{SCEP_URI}"\nsigning_cert = '
                         f'"scep-ra-signing.pem"\nsigning_key = "{signing_uri}"\n'
                         + SCEP_CONFIG.replace("[scep]\n", ""))
    assert {"scep-ra", "scep-ra-signing"} <= softhsm.labels()
    assert not list(server.state.glob("scep-ra*.key"))
    enroll_and_probe(server, sw, tmp_path)


@pytest.mark.parametrize("text,problem", [
    ('[scep]\nsigning_cert = "s.pem"\n', "scep.signing_cert: signing_cert and signing_key go "
     "together"),
    ('[scep]\nsigning_key = "s.key"\n', "scep.signing_key: signing_cert and signing_key go "
     "together"),
    ('[scep]\nsigning_cert = "s.pem"\nsigning_key = "pkcs11:token=t;object=o?pin-value=9"\n',
     "scep.signing_key: pin-value is refused"),
])
def test_config_refuses(text: str, problem: str) -> None:
    """Half a signing pair, or a bad URI, is a one-line error naming the key."""
    with pytest.raises(config.ConfigError) as caught:
        config.settings_from_string(text, state_dir="/nonexistent")
    assert problem in str(caught.value) and "\n" not in str(caught.value)


def test_config_reads_signing_key() -> None:
    """Both set: the pair, relative to the state directory."""
    settings = config.settings_from_string(
        '[scep]\nsigning_cert = "s.pem"\nsigning_key = "s.key"\n', state_dir="/srv/estra")
    assert settings.scep_signing_cert is not None and settings.scep_signing_key is not None
    assert (settings.scep_signing_cert.basename(), settings.scep_signing_key.basename(),
            settings.scep_signing_key_uri) == ("s.pem", "s.key", "")


def test_ca_rollover_reissues_both_ra_certificates(start_estra: Callable[..., Server],
                                                   tmp_path: Path) -> None:
    """`estra ca rollover` certifies both RA keys again from the new CA, each keeping its
    key usage (the decryption certificate does not become a signing one); scepclient
    then enrolls."""
    server = start_estra(FILES + SCEP_CONFIG.replace("[scep]\n", ""))
    before = ra_pair(server)
    assert ca_cli(server, "rollover").returncode == 0
    hangup(server)
    new_root = x509.load_pem_x509_certificate(server.ca.read_bytes())
    after = ra_pair(server)                    # checks each one's key usage
    for old, new in zip(before, after, strict=True):
        assert new.issuer == new_root.subject and new.public_key() == old.public_key()
    device = ScepClient(Scep(server), tmp_path / "dev", fingerprint=False)
    done = device.run("-challenge", "sesame", "-cn", "dev", "-organization", "lab")
    assert done.returncode == 0, done.stdout + done.stderr


def test_scepclient_ca_fingerprint_cannot_pin_two_ra_keys(start_estra: Callable[..., Server],
                                                          tmp_path: Path) -> None:
    """micromdm scepclient's -ca-fingerprint keeps the one certificate it names both as
    the recipient of its envelope and as the only signer it accepts a CertRep from; with
    separate RA keys those are two certificates, so either fingerprint fails (as
    docs/scep.rst says): the decryption certificate's, at the CertRep's signature (estra
    issued, signing with the other key); the signing certificate's, at estra, which
    cannot decrypt with it (badMessageCheck).  Without -ca-fingerprint it enrolls."""
    server = start_estra(FILES + SCEP_CONFIG.replace("[scep]\n", ""))
    encrypt, sign = ra_pair(server)
    scep = Scep(server)
    outcomes = {}
    for name, pinned in (("decryption", encrypt), ("signing", sign)):
        scep.ra_fingerprint = pinned.fingerprint(hashes.SHA256()).hex()
        device = ScepClient(scep, tmp_path / name)
        done = device.run("-challenge", "sesame", "-cn", f"pin-{name}", "-organization", "lab")
        outcomes[name] = (done.returncode, done.stdout + done.stderr)
    assert outcomes["decryption"][0] != 0 and "pkcs7: No certificate for signer" in \
        outcomes["decryption"][1], outcomes
    assert outcomes["signing"][0] != 0 and "failInfo: badMessageCheck" in \
        outcomes["signing"][1], outcomes
    device = ScepClient(scep, tmp_path / "stock", fingerprint=False)
    done = device.run("-challenge", "sesame", "-cn", "stock", "-organization", "lab")
    assert done.returncode == 0, done.stdout + done.stderr
