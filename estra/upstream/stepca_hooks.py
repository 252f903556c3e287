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
import ipaddress
import json
from typing import Any, Iterable, Sequence

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509.oid import NameOID

from estra.asn1 import wire
from estra.config import WEBHOOK_DATA_TARGETS, Profile

__all__ = ["request_body", "signed", "verdict", "names_of", "DATA_TARGETS", "webhook_id"]

#: what a validator's `data` may set (`scep_webhook_data`): the subject's commonName and
#: the subjectAltNames of each kind
DATA_TARGETS = WEBHOOK_DATA_TARGETS
_SAN_TYPES: dict[str, Any] = {"dns": x509.DNSName, "uri": x509.UniformResourceIdentifier,
                              "email": x509.RFC822Name}


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


def webhook_id(profile: Profile) -> str:
    """The X-Smallstep-Webhook-ID a profile's calls carry: its `scep_webhook_id`, or its
    name."""
    return profile.scep_webhook_id or profile.name


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


def _lookup(data: dict[str, Any], path: str) -> Any:
    """`data`'s value at the dotted `path` ("device.name"), None where there is none."""
    value: Any = data
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _texts(target: str, path: str, value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if not values or len(values) > 20 or not all(
            isinstance(v, str) and 0 < len(v) <= 255 and v.isprintable() for v in values):
        raise ValueError(f"data.{path} (for {target}): a string or a list of 1 to 20 "
                         "printable strings of at most 255 characters")
    if target == "cn" and len(values) != 1:
        raise ValueError(f"data.{path} (for cn): one string")
    return values


def names_of(data: dict[str, Any], mapping: Sequence[tuple[str, str]],
             csr_sans: Iterable[x509.GeneralName]
             ) -> tuple[str | None, list[x509.GeneralName] | None]:
    """The names a validator's `data` gives the certificate, per the profile's
    `scep_webhook_data` (target, dotted path in `data`): the commonName (None: the
    CSR's stays) and the subjectAltNames (None: the CSR's stay), where each SAN kind
    `data` names replaces the CSR's names of that kind.  ValueError (naming the key)
    for values that are no names."""
    common: str | None = None
    replaced: dict[str, list[x509.GeneralName]] = {}
    for target, path in mapping:
        value = _lookup(data, path)
        if value is None:
            continue
        texts = _texts(target, path, value)
        if target == "cn":
            common = texts[0]
        elif target == "ip":
            try:
                replaced[target] = [x509.IPAddress(ipaddress.ip_address(t)) for t in texts]
            except ValueError:
                raise ValueError(f"data.{path} (for ip): not an IP address") from None
        else:
            replaced[target] = [_SAN_TYPES[target](t) for t in texts]
    if not replaced:
        return common, None
    kinds = tuple(x509.IPAddress if t == "ip" else _SAN_TYPES[t] for t in replaced)
    kept = [n for n in csr_sans if not isinstance(n, kinds)]
    return common, kept + [n for names in replaced.values() for n in names]
