"""The operator's endpoint, on its own port: /healthz, Prometheus /metrics, /console."""

from __future__ import annotations

from typing import Any, Callable, Iterable

from prometheus_client import CONTENT_TYPE_LATEST
from twisted.web.resource import Resource
from twisted.web.server import Request

from estra.web.http import NotFoundResource, answer_error, respond, run_async
from estra.errors import EstError, UpstreamUnavailable
from estra.logging import SafeLogger
from estra.metrics import exposition
from estra.store.database import Store
from estra.interfaces import IHealthChecked
from estra.tokens import TokenUnavailable, token_problems

__all__ = ["admin_root"]

log = SafeLogger(namespace="estra.admin")


class Health(Resource):
    """200 "ok" when the store answers and every upstream with its own authenticated
    `health()` (e.g. Vault: token and role) passes, else 503: what a load balancer checks."""

    isLeaf = True

    def __init__(self, store: Store, upstreams: Callable[[], Iterable[Any]] = tuple) -> None:
        super().__init__()
        self.store, self.upstreams = store, upstreams

    def render_GET(self, request: Request) -> Any:
        return run_async(request, lambda: self._check(request))

    async def _check(self, request: Request) -> None:
        try:
            await self.store.query("SELECT 1")
        except Exception as e:  # noqa: BLE001 - any store failure means unhealthy
            answer_error(UpstreamUnavailable(f"store not answering: {e.__class__.__name__}",
                                             10), request)
            return
        for problem in await token_problems():
            answer_error(TokenUnavailable(problem, 10), request)
            return
        for ca in self.upstreams():
            try:
                if IHealthChecked.providedBy(ca):
                    await ca.health()
            except EstError as e:
                answer_error(UpstreamUnavailable(f"upstream unhealthy: {e.reason}", 10),
                             request)
                return
        respond(request, 200, b"ok\n", {"Content-Type": "text/plain; charset=utf-8"})


class Metrics(Resource):
    """Prometheus text exposition of estra's registry (every worker's, with workers)."""

    isLeaf = True

    def render_GET(self, request: Request) -> bytes:
        request.setHeader("Content-Type", CONTENT_TYPE_LATEST)
        return exposition()


def admin_root(store: Store, console: Resource | None = None,
               upstreams: Callable[[], Iterable[Any]] = tuple) -> Resource:
    root = Resource()
    root.putChild(b"healthz", Health(store, upstreams))
    root.putChild(b"metrics", Metrics())
    if console is not None:            # the operators' console (estra/console/)
        root.putChild(b"console", console)
    where = "/healthz, /metrics or /console/" if console is not None else "/healthz or /metrics"
    root.getChild = lambda path, request: NotFoundResource(  # type: ignore[method-assign]
        f"admin endpoint: {where}")
    return root
