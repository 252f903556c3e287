"""Sphinx configuration of estra's documentation (built with `sphinx-build -W docs ...`)."""

project = "estra"
author = "the estra authors"
copyright = "2026, the estra authors"
extensions: list[str] = []
root_doc = "index"
exclude_patterns = ["_build"]
html_theme = "alabaster"
# Pages are plain reStructuredText that tests read as files: no autodoc, no
# imports of estra here, so the site builds without estra's dependencies.
