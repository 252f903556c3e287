"""An AD CS template exported with `certutil -v -dstemplate` as the RA's issuing terms
(issue #23, 3): the export parsed ([MS-CRTD] 3's example), the terms read from it,
/csrattrs and up-front refusals through the RA in memory, the file read again on
the upstream sync interval."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from attrs import evolve
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

from estra.asn1 import wire
from estra.config import ConfigError, Profile
from estra.ra.policy import csrattrs_for
from estra.testing import LogLines, MemoryRA, Reply
from estra.upstream.certutil import TemplateError, TemplateValue, parse_template
from estra.upstream.issuingterms import adcs_notes, from_adcs_template
from tests import pki

DATA = Path(__file__).parent / "data"
#: [MS-CRTD] 3 "Structure Example" (`certutil -v -dstemplate administrator`), as
#: published, up to the msPKI-Enrollment-Flag's flags
MSCRTD = (DATA / "mscrtd-administrator.txt").read_text()
#: a device template (WebServer-like, version 2) following [MS-CRTD] 2.x, with
#: certutil's [Version] section and closing line
DEVICE = (DATA / "webserver-device.txt").read_text()
SERVER, CLIENT = (ExtendedKeyUsageOID.SERVER_AUTH.dotted_string,
                  ExtendedKeyUsageOID.CLIENT_AUTH.dotted_string)
PASSWORD = "device-password"


def values(text: str) -> dict[str, tuple[str, ...]]:
    [attrs] = parse_template(text).values()
    return {k: v.values for k, v in attrs.items()}


def test_mscrtd_example() -> None:
    """Every form of the published example: continued quoted values joined,
    multi-values with their descriptions, notes, `*objectCategory`, flag lines (in
    parentheses: not set)."""
    [(name, attrs)] = parse_template(MSCRTD).items()
    assert name == "Administrator"
    assert attrs["objectClass"] == TemplateValue(("top", "pKICertificateTemplate"), ("", ""))
    assert attrs["distinguishedName"].values == (
        "CN=Administrator,CN=Certificate Templates,CN=Public Key Services,CN=Services,"
        "CN=Configuration,DC=contoso, DC=com",)
    assert attrs["whenCreated"] == TemplateValue(("19990212152445.0Z",),
                                                 ("2/12/1999 7:24 AM*",))
    assert attrs["uSNCreated"] == TemplateValue(("8221",), ("0x201d*",))
    assert attrs["objectCategory"].values == (
        "CN=PKI-Certificate-Template,CN=Schema,CN=Configuration,DC=contoso,DC=com",)
    assert attrs["flags"] == TemplateValue(("66106",), ("0x1023a**",), (
        ("CT_FLAG_MACHINE_TYPE", False), ("CT_FLAG_IS_CA", False),
        ("CT_FLAG_IS_CROSS_CA", False), ("CT_FLAG_IS_DEFAULT", True),
        ("CT_FLAG_IS_MODIFIED", False)))
    assert attrs["pKIKeyUsage"].values == ("a0 00",)
    assert attrs["pKIExpirationPeriod"].values == ("1 Years",)
    assert attrs["pKIExtendedKeyUsage"] == TemplateValue(
        ("1.3.6.1.4.1.311.10.3.1", "1.3.6.1.4.1.311.10.3.4", "1.3.6.1.5.5.7.3.4",
         "1.3.6.1.5.5.7.3.2"),
        ("Microsoft Trust List Signing", "Encrypting File System", "Secure Email",
         "Client Authentication"))
    assert attrs["pKIDefaultCSPs"].values == (
        "2,Microsoft Base Cryptographic Provider v1.0",
        "1,Microsoft Enhanced Cryptographic Provider v1.0")
    assert attrs["dSCorePropagationData"] == TemplateValue(("16010101000000.0Z",),
                                                           ("EMPTY*",))
    assert attrs["msPKI-RA-Signature"].number() == 0
    enrollment = attrs["msPKI-Enrollment-Flag"]
    assert enrollment.number() == 41 and enrollment.notes == ("0x29**",)
    assert [f for f, on in enrollment.flags if on] == [
        "CT_FLAG_INCLUDE_SYMMETRIC_ALGORITHMS", "CT_FLAG_PUBLISH_TO_DS",
        "CT_FLAG_AUTO_ENROLLMENT"]
    assert ("CT_FLAG_PEND_ALL_REQUESTS", False) in enrollment.flags
    assert len(attrs) == 25


def test_utf16_export(template: Path) -> None:
    """PowerShell's `certutil ... > file` writes UTF-16: read as well."""
    template.write_bytes(DEVICE.encode("utf-16"))
    ra = MemoryRA(config(template))
    assert csrattrs(ra) == expected_csrattrs(3072)


def test_not_certutil_output() -> None:
    with pytest.raises(TemplateError, match="no template section"):
        parse_template("hello\n")
    with pytest.raises(TemplateError, match="line 2: not certutil's template output"):
        parse_template("[T]\n!!!\n")


def rsa_csr(bits: int, *extensions: x509.ExtensionType) -> x509.CertificateSigningRequest:
    builder = x509.CertificateSigningRequestBuilder().subject_name(pki.name("device-1"))
    for ext in extensions:
        builder = builder.add_extension(ext, False)
    return builder.sign(rsa.generate_private_key(65537, bits), hashes.SHA256())


KEY_LENGTH = ("AD CS template EstraDevice: The public key does not meet the minimum size "
              "required by the specified certificate template (CERTSRV_E_KEY_LENGTH: "
              "msPKI-Minimal-Key-Size 3072), not 2048")


def test_terms_of_a_device_template() -> None:
    """msPKI-Minimal-Key-Size refuses a 2048-bit key in AD CS's words; the application
    policies (server and client authentication) bound the EKUs asked for and pKIKeyUsage
    the key usage; the device supplies its subject and nothing is held: no notes."""
    attrs = values(DEVICE)
    terms = from_adcs_template("EstraDevice", attrs)
    assert (terms.key_bits, terms.usages, terms.key_usages, terms.blocked) == (
        3072, (SERVER, CLIENT), ("digital_signature", "key_encipherment"), None)
    assert terms.asked_usages() == (SERVER, CLIENT)
    assert terms.refusal(rsa_csr(2048)) == KEY_LENGTH
    assert terms.refusal(rsa_csr(3072, x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.CLIENT_AUTH]))) is None
    assert terms.refusal(rsa_csr(3072, x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.CODE_SIGNING]))) == (
        "AD CS template EstraDevice puts only the extended key usages server auth, client "
        "auth in its certificates (msPKI-Certificate-Application-Policy), not code signing")
    signing = x509.KeyUsage(True, False, False, False, False, True, False, False, False)
    assert terms.refusal(rsa_csr(3072, signing)) == (
        "AD CS template EstraDevice puts only the key usages digital_signature, "
        "key_encipherment in its certificates (pKIKeyUsage), not key_cert_sign")
    narrowed = terms.narrowed(Profile("default"))
    assert narrowed.min_rsa_bits == 3072
    assert adcs_notes("EstraDevice", attrs) == []


def test_version_1_template_notes() -> None:
    """The MS-CRTD example (version 1: no name flag, pKIExtendedKeyUsage): the EKUs are
    pKIExtendedKeyUsage's; AD builds the subject (a note, not a refusal); with
    CT_FLAG_PEND_ALL_REQUESTS every request is held (a note)."""
    attrs = values(MSCRTD)
    terms = from_adcs_template("Administrator", attrs)
    assert terms.usages_setting == "pKIExtendedKeyUsage" and terms.key_bits == 0
    assert terms.usages == ("1.3.6.1.4.1.311.10.3.1", "1.3.6.1.4.1.311.10.3.4",
                            "1.3.6.1.5.5.7.3.4", CLIENT)
    [subject] = adcs_notes("Administrator", attrs)
    assert "builds the certificate's subject and alternative names from the " \
           "requester's Active Directory object, the RA's account" in subject
    held = adcs_notes("Administrator", {**attrs, "msPKI-Enrollment-Flag": ("43",)})
    assert "holds every request for a CA manager (CT_FLAG_PEND_ALL_REQUESTS)" in held[1]


def config(template: Path, sync: int = 60) -> str:
    return f"""
[ca]
sync_seconds = {sync}

[upstreams.ad]
kind = "adcs"
url = "https://127.0.0.1:9/certsrv"
template = "EstraDevice"
template_file = "{template}"
username = "CORP\\\\svc-estra"
password = "ra-password"

[profiles.default]
allow_basic = true
upstream = "ad"
"""


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "EstraDevice.txt"
    path.write_text(DEVICE)
    return path


def expected_csrattrs(bits: int) -> bytes:
    profile = evolve(Profile("default", allow_basic=True, upstream="ad"), min_rsa_bits=bits)
    return wire.csrattrs_der(csrattrs_for(profile, (SERVER, CLIENT)))


def csrattrs(ra: MemoryRA) -> bytes:
    reply = ra.get("/.well-known/est/csrattrs")
    assert reply.code == 200, reply
    return base64.b64decode(reply.body)


def enroll(ra: MemoryRA, csr: x509.CertificateSigningRequest) -> Reply:
    return ra.post("/.well-known/est/simpleenroll",
                   base64.b64encode(csr.public_bytes(Encoding.DER)),
                   headers={"Content-Type": "application/pkcs10"},
                   user=("device", PASSWORD))


def test_csrattrs_and_refusal_in_memory(template: Path) -> None:
    """/csrattrs of an AD CS profile asks for RSA of 3072 bits and the template's EKUs;
    a 2048-bit key is refused 403 with AD CS's reason, certsrv never connected to."""
    ra = MemoryRA(config(template))
    ra.add_user("device", PASSWORD)
    assert csrattrs(ra) == expected_csrattrs(3072)
    before = len(ra.reactor.tcpClients)
    reply = enroll(ra, rsa_csr(2048))
    assert reply.code == 403, reply
    assert b"upstream-terms: " + KEY_LENGTH.encode() in reply.body
    assert len(ra.reactor.tcpClients) == before


def test_file_read_again_on_the_sync_interval(template: Path) -> None:
    """A re-export is read after [ca] sync_seconds without a restart; a file that then
    cannot be parsed keeps the last terms and says why in one log line per interval."""
    ra = MemoryRA(config(template, sync=300))
    assert csrattrs(ra) == expected_csrattrs(3072)
    template.write_text(DEVICE.replace('"3072" 0xc00', '"4096" 0x1000'))
    ra.advance(299)
    assert csrattrs(ra) == expected_csrattrs(3072)
    ra.advance(1)
    assert csrattrs(ra) == expected_csrattrs(4096)
    template.write_text("[EstraDevice]\n!!!\n")
    ra.advance(300)
    logged = LogLines().start()
    try:
        assert csrattrs(ra) == expected_csrattrs(4096)
        ra.advance(299)
        assert csrattrs(ra) == expected_csrattrs(4096)     # not read again: no new line
    finally:
        text = logged.stop()
    lines = [line for line in logged.lines if "issuing profile could not be read" in line]
    assert len(lines) == 1, text
    assert "line 2: not certutil's template output" in lines[0]


def test_subject_from_directory_logged_once(template: Path) -> None:
    """A template that builds the subject from AD is not refused (AD CS does not
    refuse it): one warning when the file is read, none when it is read unchanged."""
    template.write_text(DEVICE.replace('msPKI-Certificate-Name-Flag = "1" 0x1',
                                       'msPKI-Certificate-Name-Flag = "0"'))
    logged = LogLines().start()
    try:
        ra = MemoryRA(config(template))
        ra.add_user("device", PASSWORD)
        csrattrs(ra)
        ra.advance(60)
        csrattrs(ra)
        reply = enroll(ra, rsa_csr(2048))
    finally:
        logged.stop()
    assert b"upstream-terms" in reply.body                     # the key, not the subject
    lines = [line for line in logged.lines if "the RA's account" in line]
    assert len(lines) == 1 and "upstream ad: AD CS template EstraDevice builds the " \
        "certificate's subject and alternative names" in lines[0], lines


@pytest.mark.parametrize("text, reason", [
    ("nothing here\n", "no template section"),
    (DEVICE.replace("EstraDevice", "Other"), "no template 'EstraDevice' in it (found: Other)"),
    (DEVICE.replace('msPKI-RA-Signature = "0"', 'msPKI-RA-Signature = "1"'),
     "AD CS template EstraDevice needs 1 enrollment agent signature(s) "
     "(msPKI-RA-Signature): estra's certsrv requests carry none"),
])
def test_refused_at_start(template: Path, text: str, reason: str) -> None:
    """An unparsable export, one without the template, or a template that needs an
    enrollment agent's signature: a one-line configuration error at start."""
    template.write_text(text)
    with pytest.raises(ConfigError) as e:
        MemoryRA(config(template))
    message = str(e.value)
    assert message.startswith("upstreams.ad.template_file: ") and reason in message
    assert "\n" not in message
