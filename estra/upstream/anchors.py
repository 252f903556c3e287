"""An EST upstream's TLS trust follows its Root CA Key Update (RFC 7030 4.1.3).

The RA trusts only the configured `trust` anchors for an upstream's TLS
certificate.  When that upstream rolls its root over, its /cacerts (fetched
over TLS the current anchors verified) carries the new root and NewWithOld:
the new root's subject and public key, signed by the old root.  A new root is
trusted only through such a link, issued by an anchor the RA already trusts and
valid now; then the RA keeps trusting the upstream after it retires its old
root, with no operator touching `trust`, as an EST client should.

Learned roots are kept with their links in the state directory
(``upstream-<name>-anchors.pem``, link then root, pair by pair) and, at start,
taken back only where each link still verifies under the configured anchors
or a root taken back before it: replacing `trust` with another CA drops them.
"""

from __future__ import annotations

import datetime
import re
from typing import Callable, Iterable, Sequence

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from twisted.logger import Logger
from twisted.python.filepath import FilePath

from estra.store.files import write_public
from estra.upstream.http import ClientTLSPolicy

__all__ = ["LearnedAnchors", "endorsed_roots", "anchors_file"]

log = Logger(namespace="estra.upstream.anchors")
Pair = tuple[x509.Certificate, x509.Certificate]     # (NewWithOld link, new root)


def anchors_file(state_dir: FilePath, upstream: str) -> FilePath:
    """Where the roots learned from `upstream` are kept."""
    return state_dir.child(f"upstream-{re.sub(r'[^A-Za-z0-9_.-]', '_', upstream)}-anchors.pem")


def _signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except Exception:  # noqa: BLE001 - name mismatch, bad signature, unsupported key
        return False
    return True


def _is_root(cert: x509.Certificate) -> bool:
    try:
        ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except (x509.ExtensionNotFound, ValueError):
        return False
    return ca and cert.subject == cert.issuer and _signed_by(cert, cert)


def _valid_at(cert: x509.Certificate, now: datetime.datetime) -> bool:
    return cert.not_valid_before_utc <= now <= cert.not_valid_after_utc


def endorsed_roots(certs: Sequence[x509.Certificate], anchors: Sequence[x509.Certificate],
                   now: datetime.datetime | None = None) -> list[Pair]:
    """(link, root) for each root in `certs` not among `anchors` that an anchor endorsed:
    a NewWithOld link in `certs` with the root's subject and public key, signed by an
    anchor; with `now`, the link and the root must both be valid then."""
    found: list[Pair] = []
    for root in certs:
        if root in anchors or not _is_root(root) or (now and not _valid_at(root, now)):
            continue
        for link in certs:
            if (link.subject == root.subject and link.issuer != link.subject
                    and link.public_key() == root.public_key()
                    and (now is None or _valid_at(link, now))
                    and any(_signed_by(link, anchor) for anchor in anchors)):
                found.append((link, root))
                break
    return found


def _chained(pairs: Iterable[Pair], anchors: Sequence[x509.Certificate]) -> list[Pair]:
    """The pairs whose links verify under `anchors` or a root taken before them."""
    pending, trusted = list(pairs), list(anchors)
    taken: list[Pair] = []
    while True:
        more = [p for p in pending if p[1] not in trusted and endorsed_roots(list(p), trusted)]
        if not more:
            return taken
        for pair in more:
            pending.remove(pair)
            taken.append(pair)
            trusted.append(pair[1])


class LearnedAnchors:
    """The roots one upstream rolled over to, added to its TLS trust (`policy`) and kept
    in `path` so they outlive a restart."""

    def __init__(self, name: str, policy: ClientTLSPolicy, path: FilePath,
                 clock: Callable[[], float]) -> None:
        self.name, self.policy, self.path, self._clock = name, policy, path, clock
        self.pairs: list[Pair] = []
        if path.exists():
            self._restore()

    def _restore(self) -> None:
        try:
            certs = x509.load_pem_x509_certificates(self.path.getContent())
        except (OSError, ValueError) as e:
            log.warn("upstream {name}: ignoring {path}: {problem}", name=self.name,
                     path=self.path.path, problem=e)
            return
        saved = list(zip(certs[0::2], certs[1::2], strict=False))  # an odd last one: unpaired
        self._trust(_chained(saved, self.policy.anchors))
        if len(self.pairs) < len(saved):
            log.warn("upstream {name}: {count} root(s) in {path} no longer chain to its "
                     "trust anchors and are not trusted", name=self.name,
                     count=len(saved) - len(self.pairs), path=self.path.path)

    def take(self, cacerts: Sequence[x509.Certificate]) -> None:
        """Trust (and keep) each new root an anchor endorsed in the upstream's /cacerts."""
        now = datetime.datetime.fromtimestamp(self._clock(), datetime.timezone.utc)
        found = endorsed_roots(cacerts, self.policy.anchors, now)
        if not found:
            return
        self._trust(found)
        write_public(self.path, b"".join(c.public_bytes(serialization.Encoding.PEM)
                                         for pair in self.pairs for c in pair))
        for link, root in found:
            log.info("upstream {name}: now trusting its new root {root} for TLS, endorsed "
                     "by {old} (RFC 7030 4.1.3); kept in {path}", name=self.name,
                     root=root.subject.rfc4514_string(), old=link.issuer.rfc4514_string(),
                     path=self.path.path)

    def _trust(self, pairs: list[Pair]) -> None:
        if pairs:
            self.pairs.extend(pairs)
            self.policy.add_anchors([root for _, root in pairs])
