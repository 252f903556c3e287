"""RA policy: may this identity have a certificate for this CSR under this profile?

Every refusal is a `Forbidden` whose reason starts with the rule's name, so the
device, the log and (later) the audit record all say which rule decided.
"""

from __future__ import annotations

from cryptography import x509

from estra import wire
from estra.auth import ISSUED, Identity
from estra.config import Profile
from estra.errors import Forbidden

__all__ = ["Policy", "ENROLL", "REENROLL"]

ENROLL, REENROLL = "simpleenroll", "simplereenroll"


class Policy:
    """The rules of issue 2: channel binding and RFC 7030 4.2.2 re-enrollment."""

    def check(self, operation: str, identity: Identity,
              csr: x509.CertificateSigningRequest, profile: Profile) -> None:
        """Return if the request may go on; raise `Forbidden` naming the rule.

        A downstream RA (id-kp-cmcRA certificate) has already tied the CSR to
        its device (RFC 7030 3.7), so the identity-bound rules do not apply.
        """
        if identity.is_ra:
            return
        if profile.require_channel_binding:
            self._channel_binding(identity, csr)
        if operation == REENROLL:
            self._reenroll(identity, csr)
        elif identity.expired_for is not None:
            raise Forbidden("expired-certificate: an expired certificate may only re-enroll")

    @staticmethod
    def _channel_binding(identity: Identity, csr: x509.CertificateSigningRequest) -> None:
        password = wire.challenge_password(csr)
        binding = identity.peer.binding
        if password is None:
            raise Forbidden("channel-binding: this profile requires the TLS session's "
                            "tls-unique (TLS 1.2) or tls-exporter (TLS 1.3) value, "
                            "base64, as the CSR challengePassword (RFC 7030 3.5)")
        if binding is None or not binding.matches(password):
            raise Forbidden("channel-binding: the CSR challengePassword does not carry "
                            "this TLS session's channel binding (RFC 7030 3.5)")

    @staticmethod
    def _reenroll(identity: Identity, csr: x509.CertificateSigningRequest) -> None:
        cert = identity.certificate
        if identity.method != ISSUED or cert is None:
            raise Forbidden("reenroll-certificate: re-enrollment requires a TLS client "
                            "certificate issued by this CA (RFC 7030 4.2.2)")
        if csr.subject != cert.subject:
            raise Forbidden("reenroll-subject: the CSR subject "
                            f"{csr.subject.rfc4514_string()!r} differs from the "
                            f"certificate's {cert.subject.rfc4514_string()!r}")
        if wire.sans_of(csr) != wire.sans_of(cert):
            raise Forbidden("reenroll-san: the CSR subjectAltName differs from "
                            "the certificate's (RFC 7030 4.2.2)")
