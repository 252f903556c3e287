"""estra.upstream.issuingterms: a Vault PKI role's "Read role" data, a CFSSL profile's /info and
an EJBCA certificate profile (documented fields) turned into the key, name and usage
rules the RA applies up front, and the narrowed profile /csrattrs is generated from;
the terms read again after [ca] sync_seconds."""

from __future__ import annotations

from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID
from twisted.internet.defer import ensureDeferred
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from estra.config import Profile, settings_from_string
from estra.errors import UpstreamUnavailable
from estra.upstream.issuingterms import (IssuingTerms, TermsCache, ejbca_ca_refusal,
                                         from_cfssl_info, from_ejbca_profile, from_vault_role)
from estra.ra.policy import csrattrs_for
from tests import pki

#: `GET /v1/pki/roles/device` `data` for a role made with key_type=ec key_bits=384
#: allowed_domains=example.com allow_subdomains=true (fields Vault returns)
ROLE: dict[str, Any] = {
    "allow_any_name": False, "allow_bare_domains": False, "allow_glob_domains": False,
    "allow_ip_sans": True, "allow_localhost": True, "allow_subdomains": True,
    "allowed_domains": ["example.com"], "allowed_uri_sans": [], "enforce_hostnames": True,
    "key_bits": 384, "key_type": "ec", "require_cn": True, "signature_bits": 0,
    "use_csr_common_name": True, "use_csr_sans": True, "ttl": 0, "max_ttl": 0}


def csr(key: Any, cn: str | None, *sans: str) -> x509.CertificateSigningRequest:
    return pki.csr(key, pki.name(cn) if cn else x509.Name([]), pki.sans(*sans))


class VaultRoleTests(SynchronousTestCase):
    def test_keys(self) -> None:
        """key_type ec / key_bits 384: P-384 passes; RSA and P-256 are refused naming
        the role's setting."""
        terms = from_vault_role("device", ROLE)
        self.assertIsNone(terms.refusal(csr(ec.generate_private_key(ec.SECP384R1()),
                                            "a.example.com")))
        self.assertEqual(terms.refusal(csr(rsa.generate_private_key(65537, 2048),
                                           "a.example.com")),
                         "Vault role device signs only key_type ec, not rsa")
        self.assertIn("P-384", terms.refusal(csr(pki.ec_key(), "a.example.com")) or "")

    def test_rsa_minimum_and_any(self) -> None:
        """key_type rsa: key_bits is a minimum; key_type any: every key."""
        terms = from_vault_role("r", {**ROLE, "key_type": "rsa", "key_bits": 3072})
        self.assertIn("key_bits 3072", terms.refusal(
            csr(rsa.generate_private_key(65537, 2048), "a.example.com")) or "")
        ed = x509.CertificateSigningRequestBuilder().subject_name(
            pki.name("a.example.com")).sign(ed25519.Ed25519PrivateKey.generate(), None)
        self.assertIsNone(from_vault_role("r", {**ROLE, "key_type": "any"}).refusal(ed))

    def test_names(self) -> None:
        """allowed_domains with allow_subdomains: subdomains pass, the bare domain and
        others do not (allow_bare_domains adds it); localhost passes (allow_localhost);
        allow_ip_sans false refuses IP SANs; require_cn refuses no CN; allow_any_name
        lifts the name rules."""
        key = ec.generate_private_key(ec.SECP384R1())
        terms = from_vault_role("device", ROLE)
        self.assertIsNone(terms.refusal(csr(key, "a.example.com", "b.a.example.com",
                                            "localhost", "192.0.2.1")))
        self.assertIn("'example.com'", terms.refusal(csr(key, "example.com")) or "")
        self.assertIn("'evil.org'", terms.refusal(csr(key, "a.example.com", "evil.org")) or "")
        self.assertIsNone(from_vault_role("d", {**ROLE, "allow_bare_domains": True}).refusal(
            csr(key, "example.com")))
        self.assertIn("allow_ip_sans", from_vault_role("d", {**ROLE, "allow_ip_sans": False})
                      .refusal(csr(key, "a.example.com", "192.0.2.1")) or "")
        self.assertIn("require_cn", terms.refusal(csr(key, None, "a.example.com")) or "")
        self.assertIsNone(from_vault_role("d", {**ROLE, "allow_any_name": True}).refusal(
            csr(key, "anything.org")))
        glob = from_vault_role("d", {**ROLE, "allow_glob_domains": True,
                                     "allow_subdomains": False,
                                     "allowed_domains": ["dev-*.example.com"]})
        self.assertIsNone(glob.refusal(csr(key, "dev-7.example.com")))
        self.assertIsNotNone(glob.refusal(csr(key, "web-7.example.com")))

    def test_narrowed_profile_drives_csrattrs(self) -> None:
        """The default profile (every key type) narrowed to the role asks /csrattrs for
        id-ecPublicKey on secp384r1 alone; a role of any key leaves the profile as is."""
        profile = Profile("default")
        narrowed = from_vault_role("device", ROLE).narrowed(profile)
        self.assertEqual((narrowed.key_types, narrowed.curves), (("ec",), ("secp384r1",)))
        self.assertIn(("1.2.840.10045.2.1", ("1.3.132.0.34",)), csrattrs_for(narrowed))
        self.assertIs(from_vault_role("d", {**ROLE, "key_type": "any"}).narrowed(profile),
                      profile)
        self.assertEqual(csrattrs_for(profile), [])


def usage_csr(*usages: x509.ObjectIdentifier) -> x509.CertificateSigningRequest:
    return x509.CertificateSigningRequestBuilder().subject_name(pki.name("d")).add_extension(
        x509.ExtendedKeyUsage(list(usages)), False).sign(pki.ec_key(), hashes.SHA256())


#: `POST /api/v1/cfssl/info` {"profile": "device"} `result` (cfssl 1.2; certificate cut)
CFSSL_INFO = {"certificate": "-----BEGIN CERTIFICATE-----...",
              "usages": ["digital signature", "key encipherment", "client auth"],
              "expiry": "720h"}

#: EJBCA REST v2 `GET /v2/certificate/profile/device` (CertificateProfileInfoRestResponseV2)
EJBCA_PROFILE = {"certificate_profile_id": 1021, "available_key_algs": ["RSA", "ECDSA"],
                 "available_bit_lenghts": [256, 3072, 4096],
                 "available_ecdsa_curves": ["ANY_EC_CURVE"], "available_cas": ["DeviceCA"]}


class CfsslProfileTests(SynchronousTestCase):
    def test_usages(self) -> None:
        """The profile's extended key usages (key usages ignored) bound what a CSR may
        ask for; a CSR asking for none, or for a granted one, passes; "any" lifts it."""
        terms = from_cfssl_info("device", CFSSL_INFO)
        self.assertEqual(terms.usages, (ExtendedKeyUsageOID.CLIENT_AUTH.dotted_string,))
        self.assertIsNone(terms.refusal(csr(pki.ec_key(), "d")))
        self.assertIsNone(terms.refusal(usage_csr(ExtendedKeyUsageOID.CLIENT_AUTH)))
        self.assertEqual(
            terms.refusal(usage_csr(ExtendedKeyUsageOID.CLIENT_AUTH,
                                    ExtendedKeyUsageOID.CODE_SIGNING)),
            "CFSSL profile device puts only the extended key usages client auth in its "
            "certificates (usages), not code signing")
        self.assertIsNone(from_cfssl_info("d", {"usages": ["any"]}).refusal(
            usage_csr(ExtendedKeyUsageOID.CODE_SIGNING)))
        self.assertIsNone(from_cfssl_info("d", {}).refusal(
            usage_csr(ExtendedKeyUsageOID.CODE_SIGNING)))


class EjbcaProfileTests(SynchronousTestCase):
    def test_keys(self) -> None:
        """available_key_algs and available_bit_lenghts: RSA 3072 and P-256 pass; RSA
        2048, P-384 and Ed25519 are refused naming EJBCA's setting."""
        terms = from_ejbca_profile("device", EJBCA_PROFILE)
        self.assertIsNone(terms.refusal(csr(rsa.generate_private_key(65537, 3072), "d")))
        self.assertIsNone(terms.refusal(csr(pki.ec_key(), "d")))
        self.assertEqual(terms.refusal(csr(rsa.generate_private_key(65537, 2048), "d")),
                         "EJBCA certificate profile device signs only available_bit_lenghts "
                         "256, 3072, 4096, not 2048")
        self.assertIn("not 384", terms.refusal(csr(ec.generate_private_key(ec.SECP384R1()),
                                                   "d")) or "")
        ed = x509.CertificateSigningRequestBuilder().subject_name(pki.name("d")).sign(
            ed25519.Ed25519PrivateKey.generate(), None)
        self.assertEqual(terms.refusal(ed), "EJBCA certificate profile device signs only "
                                            "available_key_algs rsa, ec, not ed25519")

    def test_narrowed(self) -> None:
        """The default profile narrowed: RSA and EC only, RSA from 3072, P-256 alone."""
        narrowed = from_ejbca_profile("device", EJBCA_PROFILE).narrowed(Profile("default"))
        self.assertEqual((narrowed.key_types, narrowed.min_rsa_bits, narrowed.curves),
                         (("rsa", "ec"), 3072, ("secp256r1",)))
        ec_only = from_ejbca_profile("d", {**EJBCA_PROFILE, "available_key_algs": ["ECDSA"]})
        self.assertIn(("1.2.840.10045.2.1", ("1.2.840.10045.3.1.7",)),
                      csrattrs_for(ec_only.narrowed(Profile("default"))))


    def test_named_curves(self) -> None:
        """ECDSA on named curves (EJBCA then reports bit lengths [0]): the curve must be
        listed, under any of EJBCA's names for it; no size is checked."""
        terms = from_ejbca_profile("d", {"available_key_algs": ["ECDSA"],
                                         "available_bit_lenghts": [0],
                                         "available_ecdsa_curves": ["prime256v1"]})
        self.assertIsNone(terms.refusal(csr(pki.ec_key(), "d")))
        self.assertEqual(terms.refusal(csr(ec.generate_private_key(ec.SECP384R1()), "d")),
                         "EJBCA certificate profile d signs only available_ecdsa_curves "
                         "secp256r1, not secp384r1")
        self.assertEqual(terms.narrowed(Profile("default")).curves, ("secp256r1",))


class AskedUsagesTests(SynchronousTestCase):
    def test_named_usages_are_asked_any_is_not(self) -> None:
        """The CA's named extended key usages are what /csrattrs asks for; none, or
        anyExtendedKeyUsage among them, asks nothing."""
        client = ExtendedKeyUsageOID.CLIENT_AUTH.dotted_string
        assert from_cfssl_info("p", {"usages": ["client auth", "digital signature"]}
                               ).asked_usages() == (client,)
        assert from_cfssl_info("p", {"usages": ["any", "client auth"]}).asked_usages() == ()
        assert from_cfssl_info("p", {}).asked_usages() == ()
        attrs = csrattrs_for(Profile("p"), (client,))
        assert len([a for a in attrs if isinstance(a, bytes)]) == 2   # request + template


class EjbcaAvailableCasTests(SynchronousTestCase):
    def test_ca_not_listed_blocks(self) -> None:
        """The configured CA missing from the end entity profile's available_cas is
        EJBCA's refusal of every request: named with the CAs the profile lists."""
        reason = ejbca_ca_refusal("EE", "Issuing", {"available_cas": ["Root", "Other"]})
        assert reason is not None
        assert "EJBCA end entity profile EE does not list CA 'Issuing' in its " \
               "available_cas (Root, Other)" in reason

    def test_listed_any_or_unsaid_passes(self) -> None:
        for doc in ({"available_cas": ["Root", "Issuing"]}, {"available_cas": ["ANY_CA"]},
                    {"available_cas": [{"id": 3, "name": "Issuing"}]}, {},
                    {"available_cas": "Issuing"}):
            assert ejbca_ca_refusal("EE", "Issuing", doc) is None, doc


class TermsCacheTests(SynchronousTestCase):
    def test_read_again_after_max_age(self) -> None:
        """The terms are read once, kept max_age seconds, then read again; a failed
        read keeps the last terms; with none yet it is None."""
        clock, reads = Clock(), []
        answers: list[Any] = [UpstreamUnavailable("down"), IssuingTerms("a"),
                              IssuingTerms("b"), UpstreamUnavailable("down")]

        async def read() -> IssuingTerms:
            reads.append(clock.seconds())
            answer = answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer  # type: ignore[no-any-return]

        cache = TermsCache("ca", read, clock.seconds, 300)

        def source() -> str | None:
            terms = self.successResultOf(ensureDeferred(cache.get()))
            return terms.source if terms is not None else None
        self.assertIsNone(source())
        self.assertEqual(source(), "a")
        clock.advance(299)
        self.assertEqual(source(), "a")
        self.assertEqual(reads, [0, 0])
        clock.advance(1)
        self.assertEqual(source(), "b")
        clock.advance(300)
        self.assertEqual(source(), "b")
        self.assertEqual(reads, [0, 0, 300, 600])

    def test_sync_seconds_sets_the_interval(self) -> None:
        """[ca] sync_seconds is every upstream's terms_max_age (default 60)."""
        text = '[upstreams.cf]\nkind = "cfssl"\nurl = "http://127.0.0.1:1"\n' \
               'profile = "device"\n'
        self.assertEqual(settings_from_string(text).upstreams["cf"].terms_max_age, 60)
        synced = settings_from_string("[ca]\nsync_seconds = 900\n" + text)
        self.assertEqual(synced.upstreams["cf"].terms_max_age, 900)
