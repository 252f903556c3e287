"""The operators' web console on the admin listener: sessions, pages, actions.

`console_root` is the resource tree (mounted at /console by estra/console/admin.py);
`operators` holds who may log in and with which role; `pages` renders HTML
with twisted.web.template; `csr` decodes a held request for display.
"""

from estra.console.resource import console_root

__all__ = ["console_root"]
