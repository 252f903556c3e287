"""Prometheus metrics: what every front end and upstream call counts.

One registry per process (not the client library's global one), so tests and
embedders can build several services without clashes. With `workers = N` the
supervisor sets PROMETHEUS_MULTIPROC_DIR (a private temporary directory) for its
workers: each keeps its values there and `exposition()` sums every worker's,
those of workers that died included, so counters never go back.

Every label value comes from a fixed set: the protocols and operations estra
knows, the profile names configured at start-up (`allow_labels`) and a fixed
set of HTTP statuses. Anything else a client sends (a junk `?operation=`, an
unknown SCEP path label) is counted as "other", so no request can add a time
series: /metrics stays the same size whatever devices send.
"""

from __future__ import annotations

import os
from typing import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from estra.config import DEFAULT_PROFILE, OPERATION_NAMES

__all__ = ["REGISTRY", "OTHER", "allow_labels", "observe_request", "observe_upstream",
           "exposition"]

OTHER = "other"
PROTOCOLS = frozenset({"est", "scep"})
OPERATIONS = frozenset({*OPERATION_NAMES, "GetCACaps", "GetCACert", "PKIOperation", "-"})
STATUSES = frozenset({200, 202, 204, 400, 401, 403, 404, 405, 406, 408, 409, 411, 413,
                      415, 429, 431, 499, 500, 501, 502, 503, 504})
_labels: set[str] = {DEFAULT_PROFILE}

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


def allow_labels(labels: Iterable[str]) -> None:
    """Profile labels that may appear as metric label values (the configured ones)."""
    _labels.update(labels)


def observe_request(protocol: str, operation: str, label: str, status: int,
                    seconds: float) -> None:
    """Count one answered request; values outside the known sets count as "other"."""
    protocol = protocol if protocol in PROTOCOLS else OTHER
    operation = operation if operation in OPERATIONS else OTHER
    label = label if label in _labels else OTHER
    code = str(status) if status in STATUSES else OTHER
    _REQUESTS.labels(protocol, operation, label, code).inc()
    _REQUEST_SECONDS.labels(protocol, operation).observe(seconds)


def observe_upstream(kind: str, name: str, outcome: str, seconds: float) -> None:
    _UPSTREAM.labels(kind, name, outcome).inc()
    _UPSTREAM_SECONDS.labels(kind, name).observe(seconds)


def exposition() -> bytes:
    """The Prometheus text of this process, or with workers of every worker."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        merged = CollectorRegistry()
        MultiProcessCollector(merged)
        return bytes(generate_latest(merged))
    return bytes(generate_latest(REGISTRY))
