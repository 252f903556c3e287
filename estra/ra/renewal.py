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
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json

from attrs import frozen
from cryptography import x509

from estra.config import Profile
from estra.errors import BadRequest
from estra.asn1.wire import authority_key_id

__all__ = ["Window", "suggested_window", "cert_id", "parse_cert_id", "RENEWAL_INFO_TYPE"]

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


def _jitter(serial: int) -> float:
    """A fraction in [0, 1) fixed by the serial number."""
    digest = hashlib.sha256(str(serial).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64


def suggested_window(profile: Profile, cert: x509.Certificate,
                     advanced_to: float | None = None) -> Window:
    """The profile's window for `cert`, pulled forward to `advanced_to` if earlier."""
    born = cert.not_valid_before_utc.timestamp()
    dies = cert.not_valid_after_utc.timestamp()
    life = max(dies - born, 1.0)
    first, last = profile.renewal_info_window
    start = born + life * (first + profile.renewal_info_jitter * _jitter(cert.serial_number))
    width = life * (last - first)
    start, end = min(start, dies), min(start + width, dies)
    if advanced_to is not None and advanced_to < start:
        start, end = advanced_to, min(end, advanced_to + width)
    return Window(start, max(end, start + 1))


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
