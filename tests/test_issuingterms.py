"""estra.issuingterms: a Vault PKI role's "Read role" data (documented fields) turned
into the key and name rules the RA applies up front, and the narrowed profile
/csrattrs is generated from."""

from __future__ import annotations

from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from twisted.trial.unittest import SynchronousTestCase

from estra.config import Profile
from estra.issuingterms import from_vault_role
from estra.policy import csrattrs_for
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
