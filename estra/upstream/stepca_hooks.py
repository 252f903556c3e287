"""Outbound SCEP webhooks in step-ca's shapes (issue #21), so a validator written for
step-ca's SCEP provisioner (its SCEPCHALLENGE and NOTIFYING webhooks) serves estra
unchanged.

Every request is a POST of JSON as step-ca's `webhook.RequestBody` has it::

    {"timestamp": RFC 3339, "provisionerName": PROFILE,
     "x509CertificateRequest": {"raw": base64 DER, "publicKey": base64 SPKI,
         "publicKeyAlgorithm": "RSA" | "ECDSA" | "Ed25519", "subject": {"commonName"},
         "dnsNames", "emailAddresses", "ipAddresses", "uris"},
     "scepChallenge": "...", "scepTransactionID": "...",          (validation)
     "x509Certificate": {"raw": base64 DER, ...},                  (success)
     "scepErrorCode": failInfo, "scepErrorDescription": "..."}     (failure)

signed as step-ca signs: `X-Smallstep-Signature` is the hex HMAC-SHA256 of the body
under the base64-decoded secret, `X-Smallstep-Webhook-ID` names the webhook.  The
answer is step-ca's `webhook.ResponseBody`, `{"allow": bool, "data": {...}}`.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509.oid import NameOID

from estra.asn1 import wire

__all__ = ["request_body", "signed", "verdict"]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _algorithm(key: Any) -> str:
    return ("RSA" if isinstance(key, rsa.RSAPublicKey) else "ECDSA"
            if isinstance(key, ec.EllipticCurvePublicKey) else "Ed25519"
            if isinstance(key, ed25519.Ed25519PublicKey) else "Unknown")


def _names(source: x509.Certificate | x509.CertificateSigningRequest) -> dict[str, Any]:
    """What x509util.CertificateRequest/Certificate give: raw, key, subject, SANs."""
    key = source.public_key()
    sans = wire.sans_of(source)
    common = [str(a.value) for a in source.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    return {
        "raw": _b64(source.public_bytes(Encoding.DER)),
        "publicKey": _b64(key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)),
        "publicKeyAlgorithm": _algorithm(key),
        "subject": {"commonName": common[0] if common else ""},
        "dnsNames": sorted(str(n.value) for n in sans if isinstance(n, x509.DNSName)),
        "emailAddresses": sorted(str(n.value) for n in sans if isinstance(n, x509.RFC822Name)),
        "ipAddresses": sorted(str(n.value) for n in sans if isinstance(n, x509.IPAddress)),
        "uris": sorted(str(n.value) for n in sans
                       if isinstance(n, x509.UniformResourceIdentifier))}


def request_body(now: float, profile: str, transaction_id: str,
                 csr: x509.CertificateSigningRequest | None = None, *,
                 challenge: str | None = None, certificate: x509.Certificate | None = None,
                 fail_info: int | None = None, fail_text: str = "") -> bytes:
    """The JSON step-ca sends for a SCEP request: a challenge to validate, or the
    notification of its certificate or its failure."""
    body: dict[str, Any] = {
        "timestamp": datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
        .isoformat().replace("+00:00", "Z"),
        "provisionerName": profile, "scepTransactionID": transaction_id}
    if csr is not None:
        body["x509CertificateRequest"] = _names(csr)
    if challenge is not None:
        body["scepChallenge"] = challenge
    if certificate is not None:
        body["x509Certificate"] = {
            **_names(certificate),
            "notBefore": certificate.not_valid_before_utc.isoformat().replace("+00:00", "Z"),
            "notAfter": certificate.not_valid_after_utc.isoformat().replace("+00:00", "Z")}
    if fail_info is not None:
        body["scepErrorCode"], body["scepErrorDescription"] = fail_info, fail_text
    return json.dumps(body).encode()


def signed(body: bytes, secret_b64: str, webhook_id: str) -> dict[str, str]:
    """The headers step-ca signs a webhook request with."""
    mac = hmac.new(base64.b64decode(secret_b64), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Smallstep-Signature": mac,
            "X-Smallstep-Webhook-ID": webhook_id}


def verdict(status: int, body: bytes) -> tuple[bool, dict[str, Any]] | None:
    """(allow, data) of a webhook's 200 answer; None if it is no ResponseBody."""
    try:
        answer = json.loads(body) if status == 200 else None
    except ValueError:
        return None
    if not isinstance(answer, dict) or not isinstance(answer.get("allow"), bool):
        return None
    data = answer.get("data")
    return answer["allow"], data if isinstance(data, dict) else {}
