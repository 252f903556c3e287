"""Server-steered renewal (issue #23; draft-ietf-lamps-est-renewal-info).

`GET /.well-known/est[/<label>]/renewal-info/<certID>` tells a device when to
renew the certificate `certID` names: a suggested window and, in Retry-After,
when to ask again. The answer has the shape of ACME Renewal Information (RFC
9773 4.2), which the EST draft follows::

    {"suggestedWindow": {"start": "2027-03-01T10:00:00Z", "end": "2027-03-20T10:00:00Z"}}

certID is RFC 9773's: base64url(authority key identifier) "." base64url(serial
number DER content), without padding. Without a certID the window is that of the
TLS client certificate the device presents (or its balancer forwards).

A profile's window is a fraction of each certificate's lifetime
(`renewal_window`), its start shifted per certificate by up to `renewal_jitter`
of the lifetime, by a hash of the serial: deterministic, so every node and every
ask give one answer, and spread, so a fleet enrolled at once does not renew at
once. An operator pulls windows forward (`estra renewal advance`, before a CA
rollover or after a key compromise): certificates issued before the advance get
a window starting no later than its due time.

SCEP devices have no such resource: they renew by their certificate's lifetime,
at a fixed fraction of it (Intune's renewal threshold: 20 % left by default) or a
fixed time before its end (certmonger). With `scep_renews_at` or
`scep_renews_before` set, a SCEP certificate is shortened (`scep_lifetime`) so
that moment falls in the middle of the window a certificate of the profile's
full `validity_days` would have, shifted by a hash of its public key rather
than its serial (known before the CA signs). That window (`nominal_window`) is
then the certificate's renewal-info window and the console's, so a device that
renews as it was told is never counted overdue. A CA that takes no lifetime
(`IRequestedLifetime`) issues as it decides; its SCEP certificates keep their own
windows.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json

from attrs import frozen
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from estra.config import Profile
from estra.errors import BadRequest
from estra.asn1.wire import authority_key_id

__all__ = ["Window", "suggested_window", "scep_lifetime", "nominal_window", "cert_id",
           "parse_cert_id", "RENEWAL_INFO_TYPE"]

RENEWAL_INFO_TYPE = "application/json"


@frozen
class Window:
    """When to renew: from `start` to `end` (POSIX seconds)."""

    start: float
    end: float

    def state(self, now: float) -> str:
        """"overdue" (past the window), "due" (in it) or "later"."""
        return "overdue" if now >= self.end else "due" if now >= self.start else "later"

    def json(self) -> bytes:
        return json.dumps({"suggestedWindow": {"start": _rfc3339(self.start),
                                               "end": _rfc3339(self.end)}}).encode()


def _rfc3339(when: float) -> str:
    return datetime.datetime.fromtimestamp(int(when), datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def _jitter(seed: bytes) -> float:
    """A fraction in [0, 1) fixed by `seed` (a serial number's text, or a public key)."""
    digest = hashlib.sha256(seed).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64


def _window(profile: Profile, born: float, dies: float, life: float, shift: float,
            advanced_to: float | None) -> Window:
    """The profile's window over `life` seconds from `born`, ending by `dies`."""
    first, last = profile.renewal_info_window
    start = born + life * (first + profile.renewal_info_jitter * shift)
    width = life * (last - first)
    start, end = min(start, dies), min(start + width, dies)
    if advanced_to is not None and advanced_to < start:
        start, end = advanced_to, min(end, advanced_to + width)
    return Window(start, max(end, start + 1))


def suggested_window(profile: Profile, cert: x509.Certificate,
                     advanced_to: float | None = None) -> Window:
    """The profile's window for `cert`, pulled forward to `advanced_to` if earlier: that of
    its full validity (`nominal_window`) when it was shortened for a SCEP device."""
    born = cert.not_valid_before_utc.timestamp()
    dies = cert.not_valid_after_utc.timestamp()
    if _shortened_for_scep(profile, cert, born, dies):
        return nominal_window(profile, born, _spki(cert.public_key()), advanced_to)
    life = max(dies - born, 1.0)
    return _window(profile, born, dies, life, _jitter(str(cert.serial_number).encode()),
                   advanced_to)


def _spki(public_key: object) -> bytes:
    return public_key.public_bytes(  # type: ignore[attr-defined, no-any-return]
        Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def nominal_window(profile: Profile, born: float, spki: bytes,
                   advanced_to: float | None = None) -> Window:
    """The window of a certificate of the profile's full validity born at `born`,
    shifted by a hash of its public key (DER SubjectPublicKeyInfo)."""
    life = profile.validity_days * 86400.0
    return _window(profile, born, born + life, life, _jitter(spki), advanced_to)


def scep_lifetime(profile: Profile, born: float, public_key: object) -> float:
    """Seconds a SCEP certificate for `public_key` issued at `born` should live so that
    its device, renewing at `scep_renews_at` of the lifetime or `scep_renews_before`
    its end, renews mid-window; 0 when the profile says neither. Never longer than
    validity_days: a device renewing later than the window even then is documented."""
    if not (profile.scep_renews_at or profile.scep_renews_before):
        return 0.0
    window = nominal_window(profile, born, _spki(public_key))
    target = (window.start + window.end) / 2 - born
    life = target / profile.scep_renews_at if profile.scep_renews_at else \
        target + profile.scep_renews_before
    return float(min(max(round(life), 60), profile.validity_days * 86400))


def _shortened_for_scep(profile: Profile, cert: x509.Certificate, born: float,
                        dies: float) -> bool:
    """Whether `cert` lives what `scep_lifetime` asks (within a CA's backdating of
    its notBefore: 10 minutes)."""
    if not (profile.scep_renews_at or profile.scep_renews_before):
        return False
    asked = scep_lifetime(profile, born, cert.public_key())
    return asked < profile.validity_days * 86400 and abs((dies - born) - asked) <= 600


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _serial_bytes(serial: int) -> bytes:
    """The content octets of the DER INTEGER `serial` (two's complement, minimal)."""
    return serial.to_bytes(serial.bit_length() // 8 + 1, "big", signed=True)


def cert_id(cert: x509.Certificate) -> str:
    """RFC 9773's certID of `cert`."""
    return f"{_b64url(bytes.fromhex(authority_key_id(cert)))}." \
           f"{_b64url(_serial_bytes(cert.serial_number))}"


def _unb64url(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def parse_cert_id(text: str) -> tuple[str, int]:
    """(authority key identifier, hex; serial number) of a certID, or 400."""
    aki, dot, serial = text.partition(".")
    try:
        if not dot or not aki or not serial:
            raise ValueError
        key_id, number = _unb64url(aki), _unb64url(serial)
    except (ValueError, binascii.Error):
        raise BadRequest("the renewal-info certID must be base64url(authority key "
                         "identifier) '.' base64url(serial number), RFC 9773 4.1") from None
    if not 0 < len(number) <= 20 or number[0] & 0x80:
        raise BadRequest("the certID's serial number is not a positive integer of at "
                         "most 20 octets")
    return key_id.hex(), int.from_bytes(number, "big")
