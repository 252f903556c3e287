"""Configuration generations: what SIGHUP swaps without dropping a connection.

A `Generation` is every object built from one configuration that requests use
(profiles, policy, authenticator and its trust stores, upstream CAs, the EST
and SCEP resource trees). Both sites serve a `GenerationRoot`, which sends each
request to the generation current when the request arrived; a reload builds a
whole new generation first and swaps it in one assignment. A retired
generation closes its upstream pools once its last request has finished.
"""

from __future__ import annotations

from typing import Any, Callable

from attrs import define, field
from twisted.internet.defer import Deferred
from twisted.logger import Logger
from twisted.web.resource import Resource
from twisted.web.server import Request

from estra.config import Settings

__all__ = ["Generation", "Holder", "GenerationRoot", "RESTART_ONLY", "needs_restart"]

log = Logger(namespace="estra.reload")

#: Settings a reload cannot change: the running value stays until a restart.
RESTART_ONLY = {"listen": "server.listen", "state_dir": "server.state_dir",
                "max_body": "server.max_body", "store_url": "store.url",
                "admin_listen": "admin.listen", "scep_listen": "scep.listen",
                "scep_tls": "scep.tls", "workers": "server.workers",
                "ca_sync_seconds": "ca.sync_seconds", "crl_listen": "crl.listen",
                "attempts_per_hour": "store.attempts_per_hour",
                "attempts_days": "store.attempts_days", "ca_key_uri": "ca.key"}


def needs_restart(old: Settings, new: Settings) -> list[str]:
    """The restart-only settings (by their config key) that differ in `new`."""
    return [key for name, key in RESTART_ONLY.items()
            if getattr(old, name) != getattr(new, name)]


@define(eq=False)
class Generation:
    """The objects one configuration built; requests keep theirs to the end."""

    settings: Settings
    est: Resource
    scep: Resource | None
    closables: list[Any]                  # upstream CAs and webhooks with close()
    remote: list[Any]                     # upstream CAs whose cacerts devices chain to
    client_ca_names: list[Any]            # the TLS CertificateRequest's CA names
    cas: dict[str, Any] = field(factory=dict)   # upstream name -> CA (health, console)
    notifier: Any = None                  # SCEP notifications (estra/scep/notifications.py)
    revocations: Any = None               # Intune's (estra/upstream/intune_revocation.py)
    in_flight: int = 0
    _retired: bool = field(default=False, init=False)

    def enter(self, request: Request) -> None:
        """Count `request` until it finishes (or its client leaves)."""
        self.in_flight += 1
        request.notifyFinish().addBoth(self._leave)

    def _leave(self, result: Any) -> None:
        self.in_flight -= 1
        if self._retired and self.in_flight == 0:
            self._close()

    def retire(self) -> None:
        """No new requests come here; close the upstream pools after the last one."""
        self._retired = True
        if self.in_flight == 0:
            self._close()

    def close(self) -> Deferred[Any]:
        """Close every upstream pool now (at shutdown)."""
        from twisted.internet.defer import DeferredList
        return DeferredList([Deferred.fromCoroutine(c.close()) for c in self.closables],
                            consumeErrors=True)

    def _close(self) -> None:
        self.close().addCallback(lambda _: log.debug("retired configuration closed"))


@define(eq=False)
class Holder:
    """The one mutable reference to the current generation."""

    current: Generation

    def swap(self, new: Generation) -> Generation:
        old, self.current = self.current, new
        return old


class GenerationRoot(Resource):
    """A site's root: each request goes to the tree `pick` takes from the generation
    current when it arrives, so a reload applies to the next request on every
    connection, kept-alive ones included."""

    def __init__(self, holder: Holder, pick: Callable[[Generation], Resource | None]) -> None:
        super().__init__()
        self.holder, self.pick = holder, pick

    def _tree(self) -> tuple[Generation, Resource]:
        generation = self.holder.current
        tree = self.pick(generation)
        assert tree is not None, "a site for a face this configuration does not serve"
        return generation, tree

    def getChildWithDefault(self, path: bytes, request: Request) -> Resource:
        generation, tree = self._tree()
        generation.enter(request)
        child: Resource = tree.getChildWithDefault(path, request)
        return child

    def render(self, request: Request) -> Any:
        return self._tree()[1].render(request)
