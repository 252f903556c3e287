"""Codecs, no I/O: EST bodies and X.509 helpers (wire), CMS, CMC, SCEP
pkiMessages, RFC 9908 csrattrs templates, server-generated keys.

cmc           Full CMC (RFC 5272 / RFC 6402, RFC 5273) as EST's /fullcmc (RFC 7030 4.3) carries
              it.
cms           CMS (RFC 5652) pieces shared by SCEP (`estra.asn1.scep_message`) and CMC
              (`estra.asn1.cmc`).
csrtemplate   The RFC 9908 template form of /csrattrs: a CertificationRequestInfoTemplate.
keygen        Server-side key generation (RFC 7030 4.4, RFC 8951): keys, CSRs, the multipart
              answer.
scep_message  SCEP (RFC 8894) pkiMessages: build and parse both sides, no I/O.
wire          EST encodings (RFC 7030 4, RFC 8951): tolerant on input, conservative on output.
"""

from __future__ import annotations

from estra.asn1.csrtemplate import template_der
from estra.asn1.scep_message import Signer, key_sha256
from estra.asn1.wire import (REVOCATION_REASONS, authority_key_id, normalise_serial, public_key_id,
                             serial_hex)

__all__ = ["REVOCATION_REASONS", "Signer", "authority_key_id", "key_sha256", "normalise_serial",
           "public_key_id", "serial_hex", "template_der"]
