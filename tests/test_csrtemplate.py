"""The RFC 9908 CertificationRequestInfoTemplate CsrAttrs attribute.

RFC 9908 gives its template example (section 3.4) as a dumpasn1 listing, not
as bytes; `_rfc_example` below transcribes that listing with a TLV helper
that does not use the module under test.
"""

from __future__ import annotations

import subprocess

import pytest
from asn1crypto import keys

from estra.asn1 import csrtemplate
from estra.asn1.csrtemplate import TemplateAttribute, template_der


def tlv(tag: int, *parts: bytes) -> bytes:
    body = b"".join(parts)
    n = len(body)
    length = bytes([n]) if n < 0x80 else bytes([0x81, n]) if n < 0x100 else \
        bytes([0x82, n >> 8, n & 0xFF])
    return bytes([tag]) + length + body


def seq(*parts: bytes) -> bytes:
    return tlv(0x30, *parts)


def set_(*parts: bytes) -> bytes:
    return tlv(0x31, *parts)


OID_TEMPLATE = bytes.fromhex("060b2a864886f70d010910023d")       # 1.2.840.113549.1.9.16.2.61
OID_EXT_TEMPLATE = bytes.fromhex("060b2a864886f70d010910023e")   # 1.2.840.113549.1.9.16.2.62
OID_CN = bytes.fromhex("0603550403")                              # commonName
OID_OU = bytes.fromhex("060355040b")                              # organizationalUnitName
EC_P256 = seq(bytes.fromhex("06072a8648ce3d0201"),                # ecPublicKey
              bytes.fromhex("06082a8648ce3d030107"))              # secp256r1
OID_SAN, OID_KU, OID_EKU = (bytes.fromhex(h) for h in
                            ("0603551d11", "0603551d0f", "0603551d25"))


def _attribute(template: bytes) -> bytes:
    return seq(OID_TEMPLATE, set_(template))


def _rfc_example() -> bytes:
    """RFC 9908 3.4: CN to fill in, OU=myDept and OU=myGroup given, a P-256 key,
    subjectAltName (dNSName www.myServer.com, an empty iPAddress to fill in),
    keyUsage critical digitalSignature+keyAgreement, extKeyUsage to fill in."""
    subject = seq(set_(seq(OID_CN)),
                  set_(seq(OID_OU, tlv(0x0C, b"myDept"))),
                  set_(seq(OID_OU, tlv(0x0C, b"myGroup"))))
    san = seq(OID_SAN, tlv(0x04, seq(tlv(0x82, b"www.myServer.com"), tlv(0x87))))
    ku = seq(OID_KU, bytes.fromhex("0101ff"), tlv(0x04, bytes.fromhex("03020388")))
    eku = seq(OID_EKU)
    attributes = tlv(0xA1, seq(OID_EXT_TEMPLATE, set_(seq(san, ku, eku))))
    return _attribute(seq(bytes.fromhex("020100"), subject, tlv(0xA0, EC_P256), attributes))


def test_matches_the_rfc_example_for_the_same_requirements() -> None:
    """The requirements of the RFC's example that carry no value (commonName,
    the P-256 key, extKeyUsage) encode exactly as the RFC shows them."""
    want = _attribute(seq(bytes.fromhex("020100"),
                          seq(set_(seq(OID_CN))),
                          tlv(0xA0, EC_P256),
                          tlv(0xA1, seq(OID_EXT_TEMPLATE, set_(seq(seq(OID_EKU)))))))
    assert template_der(["2.5.4.3"], ("ec", "secp256r1"), ["2.5.29.37"]) == want
    assert template_der(["2.5.4.3"], ("ec", "1.2.840.10045.3.1.7"), ["2.5.29.37"]) == want


def test_the_rfc_example_parses_with_the_module_types() -> None:
    der = _rfc_example()
    attr = TemplateAttribute.load(der)
    assert attr["type"].dotted == csrtemplate.CSR_TEMPLATE
    template = attr["values"][0]
    assert template["version"].native == 0
    rdns = template["subject"].chosen
    assert [r[0]["type"].dotted for r in rdns] == ["2.5.4.3", "2.5.4.11", "2.5.4.11"]
    assert rdns[0][0]["value"].native is None
    assert rdns[1][0]["value"].parsed.native == "myDept"
    algorithm = template["subject_pk_info"]["algorithm"]
    assert (algorithm["algorithm"].native, algorithm["parameters"].chosen.native) == \
        ("ec", "secp256r1")
    (inner,) = template["attributes"]
    assert inner["type"].dotted == csrtemplate.EXTENSION_REQ_TEMPLATE
    wanted = csrtemplate.ExtensionTemplates.load(inner["values"][0].dump())
    assert [(e["extn_id"].dotted, e["critical"].native, e["extn_value"].native is None)
            for e in wanted] == [("2.5.29.17", False, False), ("2.5.29.15", True, False),
                                 ("2.5.29.37", False, True)]
    assert attr.dump(force=True) == der


def test_absent_parts() -> None:
    """No subject, no key: those fields are absent; no extension: attributes is
    the empty [1] SET (it is not OPTIONAL)."""
    assert template_der([], None, []) == _attribute(seq(bytes.fromhex("020100a100")))
    assert template_der([], None, ["2.5.29.17"]) == _attribute(seq(
        bytes.fromhex("020100"), tlv(0xA1, seq(OID_EXT_TEMPLATE, set_(seq(seq(OID_SAN)))))))


OID_CLIENT_AUTH = bytes.fromhex("06082b06010505070302")           # id-kp-clientAuth
EKU_CLIENT_AUTH = seq(OID_CLIENT_AUTH)                            # ExtKeyUsageSyntax


def test_extension_with_its_value() -> None:
    """An extension the CA fixes (extKeyUsage clientAuth, from a CFSSL profile) is an
    ExtensionTemplate with its extnValue, as the RFC 9908 3.4 example gives keyUsage;
    after the extensions whose values the client fills in."""
    value = csrtemplate.ext_key_usage_der(["1.3.6.1.5.5.7.3.2"])
    assert value == EKU_CLIENT_AUTH
    assert template_der([], None, ["2.5.29.17"], {"2.5.29.37": value}) == _attribute(seq(
        bytes.fromhex("020100"), tlv(0xA1, seq(OID_EXT_TEMPLATE, set_(seq(
            seq(OID_SAN), seq(OID_EKU, tlv(0x04, EKU_CLIENT_AUTH))))))))


def test_extension_request_attribute() -> None:
    """The same for clients that do not read the template: PKCS#9 extensionRequest
    whose one value is Extensions { extKeyUsage, not critical, clientAuth }."""
    oid_ext_req = bytes.fromhex("06092a864886f70d01090e")         # 1.2.840.113549.1.9.14
    assert csrtemplate.extension_request_der({"2.5.29.37": EKU_CLIENT_AUTH}) == seq(
        oid_ext_req, set_(seq(seq(OID_EKU, tlv(0x04, EKU_CLIENT_AUTH)))))


def test_rsa_size_is_a_placeholder_key() -> None:
    """RSA: rsaEncryption with NULL parameters and a dummy key of that modulus length."""
    template = TemplateAttribute.load(template_der([], ("rsa", 3072), []))["values"][0]
    spki = template["subject_pk_info"]
    assert spki["algorithm"]["algorithm"].native == "rsa"
    assert spki["algorithm"]["parameters"].dump() == b"\x05\x00"
    key = keys.RSAPublicKey.load(spki["subject_public_key"].native)
    assert key["modulus"].native.bit_length() == 3072
    assert key["public_exponent"].native == 65537


def test_openssl_parses_it_inside_csrattrs() -> None:
    attr = template_der(["2.5.4.3", "2.5.4.5"], ("ec", "secp384r1"), ["2.5.29.17", "2.5.29.37"])
    der = seq(bytes.fromhex("06092a864886f70d010907"), attr)      # challengePassword, template
    out = subprocess.run(["openssl", "asn1parse", "-inform", "DER"], input=der,
                         capture_output=True, check=True, timeout=30).stdout.decode()
    for text in ("challengePassword", "1.2.840.113549.1.9.16.2.61", "commonName",
                 "serialNumber", "cont [ 0 ]", "id-ecPublicKey", "secp384r1", "cont [ 1 ]",
                 "1.2.840.113549.1.9.16.2.62", "X509v3 Subject Alternative Name",
                 "X509v3 Extended Key Usage"):
        assert text in out, text
    rsa = template_der([], ("rsa", 2048), [])
    subprocess.run(["openssl", "asn1parse", "-inform", "DER"], input=rsa,
                   capture_output=True, check=True, timeout=30)


@pytest.mark.parametrize("args, error", [
    ((["CN"], None, []), "not a dotted OID"),
    (([], None, ["2.5.29.17", "2.5.29.17"]), "listed twice"),
    (([], ("ed25519", ""), []), "only 'ec' and 'rsa'"),
    (([], ("ec", "brainpool"), []), "not a dotted OID"),
    (([], ("ec", 256), []), "not a curve name"),
    (([], ("rsa", 512), []), "not a bit length"),
    (([], ("rsa", True), []), "not a bit length"),
    (([], ("rsa", "3072"), []), "not a bit length"),
])
def test_refuses(args: tuple, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        template_der(*args)
