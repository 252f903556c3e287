"""Every issuer of an upstream CA, old and new, for re-enrollment trust.

A device re-enrolls with a certificate its upstream CA issued, maybe under an
issuer the CA has since renewed or replaced.  So the RA trusts, per upstream:
- what the CA lists now (`cacerts()`, or `issuers()` where the adapter provides
  `IAllIssuers`: an API listing retired issuers too);
- every issuer it listed before, until that certificate expires;
- the operator's `extra_chain` file (issuers the API cannot list, a root above
  an intermediate-only chain).

What the CA listed is kept in the state directory
(``upstream-<name>-issuers.pem``), so an upstream down at a sync, or at a start,
does not take its devices' trust away.  The file names the upstream's kind and
URL: pointed at another CA, the RA starts afresh.  To stop trusting an issuer
before it expires, delete it from the file and reload (SIGHUP).
"""

from __future__ import annotations

import datetime
import re
from typing import Any, Callable, Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from twisted.logger import Logger
from twisted.python.filepath import FilePath
from zope.interface import Interface

from estra.config import ConfigError, Upstream
from estra.errors import EstError
from estra.store.files import write_public

__all__ = ["IAllIssuers", "UpstreamIssuers", "issuers_file"]

log = Logger(namespace="estra.upstream.issuers")
MAX_ISSUERS = 64        # kept per upstream (current listing first): a bound, not a policy


class IAllIssuers(Interface):
    """An optional capability of an upstream CA: list all its issuers, retired ones too
    (Vault's /issuers, an AD CS renewal index, EJBCA's renewed CA certificates)."""

    async def issuers() -> list[x509.Certificate]:
        """Every issuer certificate the CA has, current first."""


def issuers_file(state_dir: FilePath, upstream: str) -> FilePath:
    """Where the issuers an upstream listed are kept."""
    return state_dir.child(f"upstream-{re.sub(r'[^A-Za-z0-9_.-]', '_', upstream)}-issuers.pem")


def _unique(certs: Sequence[x509.Certificate]) -> list[x509.Certificate]:
    return list({c.fingerprint(hashes.SHA256()): c for c in certs}.values())


def _extra_chain(config: Upstream) -> list[x509.Certificate]:
    """The CA certificates of `extra_chain`; ConfigError naming the key when the file
    holds none, or a certificate that is no CA's (basicConstraints cA)."""
    if config.extra_chain is None:
        return []
    where = f"upstreams.{config.name}.extra_chain: {config.extra_chain.path}"
    try:
        certs = x509.load_pem_x509_certificates(config.extra_chain.getContent())
    except (OSError, ValueError) as e:
        raise ConfigError(f"{where}: no PEM certificates ({e})") from e
    for cert in certs:
        try:
            is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except (x509.ExtensionNotFound, ValueError):
            is_ca = False
        if not is_ca:
            raise ConfigError(f"{where}: {cert.subject.rfc4514_string()} is not a CA "
                              "certificate (basicConstraints cA)")
    return certs


class UpstreamIssuers:
    """One upstream's issuers for the re-enrollment trust store; `cacerts()` (as
    estra.runtime.service.IssuerSync calls it) never fails once anything is known."""

    def __init__(self, config: Upstream, ca: Any, state_dir: FilePath | None,
                 clock: Callable[[], float]) -> None:
        self.name, self.ca, self._clock = config.name, ca, clock
        self._source = f"# estra: issuers of upstream {config.name} ({config.kind} {config.url})\n"
        self.extra = _extra_chain(config)
        self.path = issuers_file(state_dir, config.name) if state_dir is not None else None
        self.known: list[x509.Certificate] = self._restore()

    def _restore(self) -> list[x509.Certificate]:
        if self.path is None or not self.path.exists():
            return []
        try:
            content = self.path.getContent()
            certs = x509.load_pem_x509_certificates(content)
        except (OSError, ValueError) as e:
            log.warn("upstream {name}: ignoring {path}: {problem}", name=self.name,
                     path=self.path.path, problem=e)
            return []
        if not content.startswith(self._source.encode()):
            log.warn("upstream {name}: {path} was kept for another CA; starting afresh",
                     name=self.name, path=self.path.path)
            return []
        return certs

    def _current(self, certs: Sequence[x509.Certificate]) -> list[x509.Certificate]:
        now = datetime.datetime.fromtimestamp(self._clock(), datetime.timezone.utc)
        return [c for c in certs if c.not_valid_after_utc >= now]

    async def cacerts(self) -> list[x509.Certificate]:
        """What the CA lists now, what it listed before (unexpired) and the extra chain;
        an upstream that cannot be asked leaves the last good list in place."""
        try:
            listed = await (self.ca.issuers() if IAllIssuers.providedBy(self.ca)
                            else self.ca.cacerts())
        except EstError as e:
            log.warn("upstream {name}: cannot fetch its CA certificates ({reason}); keeping "
                     "the {count} known", name=self.name, reason=e.reason,
                     count=len(self.known))
        else:
            self._keep(_unique(self._current([*listed, *self.known]))[:MAX_ISSUERS])
        return _unique([*self.known, *self.extra])

    def _keep(self, certs: list[x509.Certificate]) -> None:
        if certs == self.known:
            return
        added = [c for c in certs if c not in self.known]
        self.known = certs
        if added:
            log.info("upstream {name}: trusting its issuer(s) {subjects} for re-enrollment",
                     name=self.name, subjects="; ".join(c.subject.rfc4514_string()
                                                         for c in added))
        if self.path is not None:
            write_public(self.path, self._source.encode() + b"".join(
                c.public_bytes(serialization.Encoding.PEM) for c in certs))
