"""CRLs the operator configures for the issuers of client certificates (`[tls] crls`).

A manufacturer's IDevID CA, an RA's CA or an upstream CA publishes a CRL;
the operator fetches it (a timer running curl, fetch-crl...) into a file and
names the file in `[tls] crls`.  `RevocationLists` reads each file (PEM or
DER) again when it changes and answers, for a verified chain, why it is no
credential:

* a certificate of the chain is on its issuer's CRL;
* its issuer has a CRL here that is past its nextUpdate (fail closed: an
  operator who configured a CRL wants revocation known, not guessed);
* the CRL that names its issuer does not verify under the issuer's key.

Chains whose issuers have no CRL here pass (the store's own revocations, of
certificates this RA enrolled, are checked in `estra.ra.auth` as well).
"""

from __future__ import annotations

import datetime
import itertools
import os
from typing import Callable, Sequence

from attrs import frozen
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from twisted.python.filepath import FilePath

from estra.logging import SafeLogger

__all__ = ["RevocationLists", "Unusable", "load_crl"]

log = SafeLogger(namespace="estra.crls")


@frozen
class Unusable:
    """Why a chain is no credential: revoked, or its revocation status unknown."""

    revoked: bool
    reason: str


def load_crl(data: bytes) -> x509.CertificateRevocationList:
    """A CRL from PEM or DER bytes (ValueError if neither)."""
    if b"-----BEGIN X509 CRL-----" in data:
        return x509.load_pem_x509_crl(data)
    return x509.load_der_x509_crl(data)


class _File:
    """One configured CRL file, re-read when its inode, mtime or size changes."""

    def __init__(self, path: FilePath) -> None:
        self.path = path
        self._stamp: tuple[int, int, int] | None = None
        self.crl: x509.CertificateRevocationList | None = None
        self.problem = f"{path.path} not read yet"
        self._verified: dict[bytes, bool] = {}   # issuer SPKI digest -> signature ok

    def refresh(self) -> None:
        """Read the file again if it changed; a file that cannot be read keeps the
        last CRL read from it (its nextUpdate still bounds how long it counts)."""
        try:
            st = os.stat(self.path.path)
            stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
            if stamp == self._stamp:
                return
            self._stamp = stamp
            crl = load_crl(self.path.getContent())
        except (OSError, ValueError) as e:
            problem = f"{self.path.path} is not a readable CRL ({type(e).__name__})"
            if problem != self.problem:
                log.error("[tls] crls: {problem}; the last CRL read from it stays in use "
                          "until its nextUpdate", problem=problem)
            self.problem = problem
            return
        self.crl, self._verified, self.problem = crl, {}, ""

    def signed_by(self, issuer: x509.Certificate) -> bool:
        assert self.crl is not None
        key = issuer.fingerprint(hashes.SHA256())
        if key not in self._verified:
            try:
                self._verified[key] = self.crl.is_signature_valid(
                    issuer.public_key())  # type: ignore[arg-type]
            except (TypeError, ValueError):
                self._verified[key] = False
        return self._verified[key]


class RevocationLists:
    """The CRLs of `[tls] crls`, checked against verified client chains."""

    def __init__(self, files: Sequence[FilePath], clock: Callable[[], float],
                 recheck_seconds: float = 1.0) -> None:
        """Raises ValueError naming the file if one cannot be read now."""
        self._files = [_File(f) for f in files]
        self._clock, self._recheck = clock, recheck_seconds
        self._checked = float("-inf")
        self._refresh()
        for f in self._files:
            if f.crl is None:
                raise ValueError(f"[tls] crls: {f.problem}")

    def _refresh(self) -> None:
        now = self._clock()
        if now - self._checked >= self._recheck:
            self._checked = now
            for f in self._files:
                f.refresh()

    def problem(self, chain: Sequence[x509.Certificate],
                now: datetime.datetime) -> Unusable | None:
        """Why the verified `chain` (leaf first, anchor last) is no credential, or None."""
        if not self._files:
            return None
        self._refresh()
        for cert, issuer in itertools.pairwise(chain):
            for f in self._files:
                if f.crl is None or f.crl.issuer != issuer.subject:
                    continue            # (every file was read once: at start)
                if not f.signed_by(issuer):
                    return Unusable(False, f"revocation status unknown: {f.path.path} "
                                    f"names {issuer.subject.rfc4514_string()} as issuer "
                                    "but does not verify under its key")
                if f.crl.next_update_utc is not None and f.crl.next_update_utc < now:
                    return Unusable(False, f"revocation status unknown: the CRL of "
                                    f"{issuer.subject.rfc4514_string()} expired at "
                                    f"{f.crl.next_update_utc:%Y-%m-%d %H:%M:%S} UTC "
                                    f"({f.path.path})")
                entry = f.crl.get_revoked_certificate_by_serial_number(cert.serial_number)
                if entry is not None:
                    return Unusable(True, f"the client certificate chain holds serial "
                                    f"{cert.serial_number:X}, revoked by "
                                    f"{issuer.subject.rfc4514_string()} ({_reason(entry)})")
        return None


def _reason(entry: x509.RevokedCertificate) -> str:
    """The RFC 5280 name of an entry's reason ("unspecified" when it has none)."""
    try:
        return str(entry.extensions.get_extension_for_class(x509.CRLReason).value.reason.value)
    except (x509.ExtensionNotFound, ValueError):
        return "unspecified"
