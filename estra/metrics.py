"""Prometheus metrics: what every front end and upstream call counts.

One registry per process (not the client library's global one), so tests and
embedders can build several services without clashes.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

__all__ = ["REGISTRY", "observe_request", "observe_upstream"]

REGISTRY = CollectorRegistry(auto_describe=True)
_REQUESTS = Counter("estra_requests", "Requests answered, by protocol, operation, "
                    "profile and HTTP status", ["protocol", "operation", "label", "status"],
                    registry=REGISTRY)
_REQUEST_SECONDS = Histogram("estra_request_seconds", "Time to answer a request",
                             ["protocol", "operation"], registry=REGISTRY,
                             buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5,
                                      5, 10, 30))
_UPSTREAM = Counter("estra_upstream_requests", "Calls to upstream CAs, by kind, name and "
                    "outcome (HTTP status, timeout, failed, garbled)",
                    ["kind", "name", "outcome"], registry=REGISTRY)
_UPSTREAM_SECONDS = Histogram("estra_upstream_seconds", "Upstream call latency",
                              ["kind", "name"], registry=REGISTRY,
                              buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30))


def observe_request(protocol: str, operation: str, label: str, status: int,
                    seconds: float) -> None:
    _REQUESTS.labels(protocol, operation, label, str(status)).inc()
    _REQUEST_SECONDS.labels(protocol, operation).observe(seconds)


def observe_upstream(kind: str, name: str, outcome: str, seconds: float) -> None:
    _UPSTREAM.labels(kind, name, outcome).inc()
    _UPSTREAM_SECONDS.labels(kind, name).observe(seconds)
