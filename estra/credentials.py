"""Credentials estra presents to other services: a certificate with its key.

`AppCertificate`: an app registration's certificate credential, loaded and checked
once (the configuration does it at parse time, the Intune client when it signs), and
the JWT client assertions it signs for Microsoft Entra ID (estra/upstream/intune.py).
"""

from __future__ import annotations

import base64
import json
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from twisted.python.filepath import FilePath

__all__ = ["AppCertificate", "ASSERTION_LIFETIME"]

ASSERTION_LIFETIME = 600


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class AppCertificate:
    """The app's certificate credential: signs the client assertions Entra ID takes
    instead of a secret ("Microsoft identity platform certificate credentials")."""

    def __init__(self, cert: x509.Certificate, key: rsa.RSAPrivateKey) -> None:
        self.cert, self._key = cert, key

    @classmethod
    def load(cls, cert_path: FilePath | None, key_path: FilePath | None) -> AppCertificate:
        """From a PEM certificate and its unencrypted PEM RSA key (Entra ID takes RSA
        only); ValueError saying what is wrong."""
        if cert_path is None or key_path is None:
            raise ValueError("give intune_app_cert and intune_app_key together")
        try:
            cert = x509.load_pem_x509_certificate(cert_path.getContent())
            key = load_pem_private_key(key_path.getContent(), None)
        except (OSError, ValueError, TypeError) as e:
            raise ValueError(f"cannot load the app certificate or key: {e}") from None
        if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
            raise ValueError("the app key must be RSA of at least 2048 bits (Entra ID)")
        if key.public_key() != cert.public_key():
            raise ValueError("the app key does not belong to the app certificate")
        return cls(cert, key)

    def assertion(self, app_id: str, token_url: str, now: float) -> str:
        """A signed JWT (RS256) for `token_url`: header x5t and x5t#S256 (the
        certificate's SHA-1 and SHA-256 thumbprints), claims aud, iss = sub = the
        app id, a fresh jti, nbf, iat and exp."""
        header = {"alg": "RS256", "typ": "JWT",
                  "x5t": _b64url(self.cert.fingerprint(hashes.SHA1())),
                  "x5t#S256": _b64url(self.cert.fingerprint(hashes.SHA256()))}
        claims = {"aud": token_url, "iss": app_id, "sub": app_id, "jti": str(uuid.uuid4()),
                  "nbf": int(now), "iat": int(now), "exp": int(now) + ASSERTION_LIFETIME}
        signed = ".".join(_b64url(json.dumps(part, separators=(",", ":")).encode())
                          for part in (header, claims))
        signature = self._key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signed}.{_b64url(signature)}"
