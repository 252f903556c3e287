"""Certificate authorities estra can hand a request to (one module per kind)."""
