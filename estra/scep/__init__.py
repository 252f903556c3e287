"""The SCEP face (RFC 8894) over the same RA pipeline as EST.

challenge_api  The JSON challenge API for MDMs that integrate by API (issue #21), on the EST
               listener beside the NDES page (estra/scep/ndes.py), for the same challenge
               clients:
ndes           The NDES-compatible challenge page: `/certsrv/mscep_admin/` for MDM connectors
               that scrape Microsoft NDES for a one-time password (issue #21).
notifications  Notifications of SCEP outcomes, kept in the store until delivered (issue #21).
resource       SCEP (RFC 8894) front end: legacy devices enroll through the same RA pipeline.
"""

from __future__ import annotations

from estra.scep.challenge_api import mount_api
from estra.scep.ndes import NdesAdminPage, mount_ndes
from estra.scep.notifications import Notifier, resumer
from estra.scep.resource import ScepFrontEnd, nonce_sweeper, scep_root

__all__ = ["NdesAdminPage", "Notifier", "ScepFrontEnd", "mount_api", "mount_ndes",
           "nonce_sweeper", "resumer", "scep_root"]
