"""HTTP plumbing shared by every face: the one listener builder (caps,
deadlines, PROXY protocol, ready line), TLS and session tickets, and the
one place an exception becomes an HTTP answer.

forwarded  TLS facts a trusted TLS-terminating balancer forwards (docs/balancers.rst).
http       twisted.web plumbing shared by estra's HTTP front ends.
limits     Connection limits for every listener (EST, SCEP, admin, CRL/OCSP).
listeners  The one builder of every listener (EST, SCEP, admin, CRL/OCSP).
tickets    TLS session ticket keys shared by the worker processes of `workers = N`.
tls        Server-side TLS: context, client-certificate trust, channel binding.
"""

from __future__ import annotations

from estra.web.forwarded import NO_BALANCERS, TrustedBalancers, forwarded_tls
from estra.web.http import (NotFoundResource, answer_error, log_internal, log_request, make_site,
                            read_body, respond, run_async)
from estra.web.limits import RateLimitedLog, source_key
from estra.web.listeners import (Listeners, StartupError, bound, connection_limits, descriptions,
                                 endpoint, fit_descriptors, listen_problem, split_proxy)
from estra.web.tickets import TICKET_KEY_BYTES, TicketKeys, new_ticket_key, ticket_keys_supported
from estra.web.tls import (ChannelBinding, ServerTLS, TrustStore, Verified, channel_binding,
                           load_pem_certs, peer_chain)

__all__ = ["ChannelBinding", "Listeners", "NO_BALANCERS", "NotFoundResource", "RateLimitedLog",
           "ServerTLS", "StartupError", "TICKET_KEY_BYTES", "TicketKeys", "TrustStore",
           "TrustedBalancers", "Verified", "answer_error", "bound", "channel_binding",
           "connection_limits", "descriptions", "endpoint", "fit_descriptors", "forwarded_tls",
           "listen_problem", "load_pem_certs", "log_internal", "log_request", "make_site",
           "new_ticket_key", "peer_chain", "read_body", "respond", "run_async", "source_key",
           "split_proxy", "ticket_keys_supported"]
