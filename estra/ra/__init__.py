"""The registration authority pipeline every face shares: authenticate
(identities, htpasswd, CRLs of client certificates, login throttling),
judge (policy), record and issue; refused attempts.

attempts    Refused and failed device attempts: one aggregated, bounded record (issue #20).
auth        Who is asking: an `Identity` that says how it was proven, not just a name.
challenges  One-time SCEP challenges for MDMs (issue #21): what replaces NDES's password cache.
crls        CRLs the operator configures for the issuers of client certificates (`[tls] crls`).
htpasswd    The htpasswd files of devices and operators: who may log in with which password.
pipeline    The one pipeline EST and SCEP share: auth -> policy -> store -> CA.
policy      RA policy: may this identity have a certificate for this CSR under this profile?
renewal     Server-steered renewal (issue #23; draft-ietf-lamps-est-renewal-info).
throttle    Throttling of HTTP Basic password guesses (security issue #9, finding 3).
"""

from __future__ import annotations

from estra.ra.attempts import Attempts, attempts_service
from estra.ra.auth import Authenticator, Htpasswd, ISSUED, Identity, Peer, hash_password
from estra.ra.challenges import (CacheFull, ChallengeIssuer, ISSUE, LIST, RETIRE, REVOKE, binding,
                                 binding_fits)
from estra.ra.crls import RevocationLists
from estra.ra.htpasswd import check_user, new_password, remove_user, set_user, user_names
from estra.ra.pipeline import RegistrationAuthority
from estra.ra.policy import ENROLL, Policy, REENROLL, SCEP_ENROLL, SCEP_RENEW
from estra.ra.throttle import LoginThrottle, LoginsBusy, StoreState, TooManyAttempts

__all__ = ["Attempts", "Authenticator", "CacheFull", "ChallengeIssuer", "ENROLL", "Htpasswd",
           "ISSUE", "ISSUED", "Identity", "LIST", "LoginThrottle", "LoginsBusy", "Peer", "Policy",
           "REENROLL", "RETIRE", "REVOKE", "RegistrationAuthority", "RevocationLists",
           "SCEP_ENROLL", "SCEP_RENEW", "StoreState", "TooManyAttempts", "attempts_service",
           "binding", "binding_fits", "check_user", "hash_password", "new_password", "remove_user",
           "set_user", "user_names"]
