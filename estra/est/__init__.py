"""The EST face (RFC 7030, RFC 8951): /.well-known/est resources, /fullcmc.

fullcmc   /fullcmc (RFC 7030 4.3): Full PKI Requests through the RA pipeline.
resource  twisted.web resources for /.well-known/est[/<label>]/<operation> (RFC 7030 3.2.2).
"""

from __future__ import annotations

from estra.est.fullcmc import FullCmc
from estra.est.resource import IPeerTLS, ProfileResource, est_root

__all__ = ["FullCmc", "IPeerTLS", "ProfileResource", "est_root"]
