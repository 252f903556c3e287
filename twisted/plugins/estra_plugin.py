# The `twistd estra` dropin; kept import-cheap because every twistd run scans it.
from twisted.application.service import ServiceMaker

estra = ServiceMaker("estra", "estra.service",
                     "EST (RFC 7030) registration authority", "estra")
