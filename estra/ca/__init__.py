"""The embedded CA and its lifecycle: issuing, revocation and the CRL, OCSP,
Root CA Key Update (rollover) and rollovers followed across nodes.

local       The embedded local CA: estra's default, so it runs out of the box.
ocsp        An OCSP responder (RFC 6960) for the embedded CA, beside its CRL.
revocation  Revocation through the RA (#11): the operator's request, the upstream, the CRL.
rollover    `estra ca rollover` / `estra ca retire-old`: Root CA Key Update (RFC 7030 4.1.3).
sync        The embedded CA on several nodes: rollovers recorded in the store, followed by each
            node.
"""

from __future__ import annotations

from estra.ca.local import LocalCA, ROLLOVER_FILES, generate_key, pem_key
from estra.ca.revocation import DONE, Revocation, crl_service, revoke
from estra.ca.rollover import RolloverError, retire_old
from estra.ca.sync import CaFollower, SyncLock, record, record_retired

__all__ = ["CaFollower", "DONE", "LocalCA", "ROLLOVER_FILES", "Revocation", "RolloverError",
           "SyncLock", "crl_service", "generate_key", "pem_key", "record", "record_retired",
           "retire_old", "revoke"]
