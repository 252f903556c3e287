"""The `estra` command: operator tasks that do not need the running server.

backup   `estra backup DIR` and `estra restore DIR`: the state directory and the store,
         together.
ca       `estra ca rollover` and `estra ca retire-old`: the files of this node's state directory
         and the record in the store that every other node follows (estra/ca/sync.py).
command  The `estra` command: operator tasks that do not need the running server.
operate  Operator commands on the store: pending approvals, one-time codes, enrollments.
"""

from __future__ import annotations
