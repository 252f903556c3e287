"""Certificate authorities estra can hand a request to, one module per kind.

Each module but `local` offers `from_config(reactor, upstream, clock)`
returning an `ICertificateAuthority` that also has `close()` (its pool).
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, TypeVar

from twisted.python.filepath import FilePath

from estra.config import Upstream
from estra.interfaces import ICertificateAuthority, IEstraReactor, IHealthChecked

__all__ = ["build_upstream", "health", "HeldRequests"]

K = TypeVar("K")
V = TypeVar("V")


class HeldRequests(dict[K, V]):
    """Requests an upstream CA holds, by key: past `limit` the least recently asked
    for are forgotten (a device that never comes back for its request must not cost
    memory for good; one that comes back after that just submits again)."""

    def __init__(self, limit: int = 10_000) -> None:
        super().__init__()
        self.limit = limit

    def get(self, key: K, default: Any = None) -> Any:
        """The entry for `key`, which becomes the newest (its device came back)."""
        if key not in self:
            return default
        value = self.pop(key)
        super().__setitem__(key, value)
        return value

    def __setitem__(self, key: K, value: V) -> None:
        self.pop(key, None)
        super().__setitem__(key, value)
        while len(self) > self.limit:
            del self[next(iter(self))]


def build_upstream(reactor: IEstraReactor, config: Upstream, local: ICertificateAuthority,
                   clock: Callable[[], float], state_dir: FilePath | None = None,
                   store: Any = None) -> ICertificateAuthority:
    """The CA object for one [upstreams.NAME] entry (`local` is the embedded CA).
    `state_dir` keeps an EST upstream's rolled-over roots (estra.upstream.anchors);
    `store` an AD CS upstream's held request ids (estra.upstream.adcs)."""
    if config.kind == "local":
        return local
    module = importlib.import_module(f"estra.upstream.{config.kind}")
    if config.kind == "est":
        ca: ICertificateAuthority = module.from_config(reactor, config, clock, state_dir)
    elif config.kind == "adcs":
        ca = module.from_config(reactor, config, clock, store)
    else:
        ca = module.from_config(reactor, config, clock)
    return ca


async def health(ca: ICertificateAuthority) -> str:
    """A one-line status of `ca`; raises the EstError the CA's failure maps to."""
    if IHealthChecked.providedBy(ca):
        status: str = await ca.health()
        return status
    certs = await ca.cacerts()
    return f"ok ({len(certs)} CA certificate(s), {certs[0].subject.rfc4514_string()})"
