"""estra: an EST (RFC 7030 / RFC 8951) registration authority on Twisted."""

#: The release (PEP 440), the one source of truth: pyproject reads it, `estra --version`
#: and `twistd estra --version` print it; CHANGELOG.rst names what changed in each.
__version__ = "0.3.0"
