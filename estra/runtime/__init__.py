"""`twistd estra`: options, the service tree, worker processes,
configuration generations (SIGHUP) and the state directory.

reload   Configuration generations: what SIGHUP swaps without dropping a connection.
service  `twistd estra`: options, and the service tree built from settings.
state    The state directory: embedded CA, RA TLS certificate and htpasswd, made on first start.
workers  `workers = N`: N worker processes serving the same listening sockets.
"""

from __future__ import annotations

from estra.runtime.reload import Generation, GenerationRoot, Holder
from estra.runtime.service import (Shared, admin_max_body, build_generation, check_config,
                                   console_tree, scep_signer)
from estra.runtime.state import (Prepared, StateError, StateLock, init_command, open_state,
                                 os_reason, require_ca)

__all__ = ["Generation", "GenerationRoot", "Holder", "Prepared", "Shared", "StateError",
           "StateLock", "admin_max_body", "build_generation", "check_config", "console_tree",
           "init_command", "open_state", "os_reason", "require_ca", "scep_signer"]
