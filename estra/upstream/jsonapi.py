"""Helpers for CA REST APIs that answer JSON (CFSSL, Vault, EJBCA)."""

from __future__ import annotations

import json
from typing import Any

from cryptography import x509

from estra.errors import BadUpstream
from estra.interfaces import Reply
from estra.upstream.http import UpstreamHTTP

__all__ = ["json_body", "json_or_none", "pem_certs"]


def json_body(http: UpstreamHTTP, reply: Reply) -> Any:
    """The reply's JSON document, or 502 naming the upstream."""
    try:
        return json.loads(reply.body)
    except ValueError as e:
        raise BadUpstream(f"upstream {http.name} answered {reply.status} with "
                          f"something that is not JSON") from e


def json_or_none(reply: Reply) -> Any:
    """The reply's JSON document, or None (an error page of a proxy or load balancer
    in front of the CA: its status still tells the cause)."""
    try:
        return json.loads(reply.body)
    except ValueError:
        return None


def pem_certs(http: UpstreamHTTP, *pems: Any) -> list[x509.Certificate]:
    """Certificates from one or more PEM strings (or lists of them); 502 if unreadable."""
    certs: list[x509.Certificate] = []
    for pem in pems:
        for text in (pem if isinstance(pem, list) else [pem]):
            if not text:
                continue
            try:
                certs.extend(x509.load_pem_x509_certificates(str(text).encode()))
            except ValueError as e:
                raise BadUpstream(f"upstream {http.name} returned an unreadable "
                                  f"certificate: {e}") from e
    if not certs:
        raise BadUpstream(f"upstream {http.name} returned no certificate")
    return certs
