# The `twistd estra` dropin; kept import-cheap because every twistd run scans it.
from twisted.application.service import ServiceMaker

from estra import __version__

estra = ServiceMaker("estra", "estra.runtime.twistd",
                     f"EST (RFC 7030) registration authority {__version__}", "estra")
