"""estra: an EST (RFC 7030 / RFC 8951) registration authority on Twisted."""

__version__ = "0.1.0"
