"""The documentation cannot drift from the code: every configuration key the parser
reads is in docs/configuration.rst with the parser's default and reload behaviour,
nothing there names a key the parser does not read, and the Sphinx site builds
without a warning."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from estra import config
from estra.runtime.reload import RESTART_ONLY

DOCS = Path(__file__).resolve().parent.parent / "docs"

#: A configuration that makes the parser read every key it knows: every section, an
#: upstream of each kind, a profile, the console, SCEP and MDM challenges turned on.
EVERYTHING = "\n".join([
    '[admin]\nlisten = "tcp:0:interface=127.0.0.1"',
    '[console]',
    '[scep]\nlisten = "tcp:0:interface=127.0.0.1"',
    '[profiles.default]\nscep_password = "x"',
    '[profiles.mdm]\nscep_challenge = "codes"',
    '[challenges]\nprofile = "mdm"',
    *(f'[upstreams.{kind}x]\nkind = "{kind}"\n' + "\n".join(
        f'{key} = "{"https://ca.test" if key == "url" else "x"}"'
        for key in config._REQUIRED.get(kind, ())) for kind in config.KIND_OPTIONS),
])


def parser_keys() -> dict[str, Any]:
    """Every key `estra.config` reads, as ``section.key`` (``profiles.*.key``,
    ``upstreams.*.key``), with the default it uses when the key is absent."""
    read: dict[str, Any] = {}
    original = config._Table.get

    def get(table: config._Table, key: str, kind: Any, default: Any, check: Any = None) -> Any:
        parts = table.path.split(".")
        if parts[0] in ("profiles", "upstreams"):
            parts[1:2] = ["*"]
        read.setdefault(".".join([*parts, key]), default)
        return original(table, key, kind, default, check)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(config._Table, "get", get)
        config.settings_from_string(EVERYTHING, state_dir="/nonexistent")
    return read


def toml_value(value: Any) -> str:
    """`value` as TOML writes it (the form the reference gives defaults in)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


#: An entry of the reference: ``key`` at the start of a line, then an indented line
#: "default ``VALUE``; reload|restart. ..."
ENTRY = re.compile(r"^``([a-z0-9_.*]+)``\n +default ``(.*?)``;\s+(reload|restart)\b", re.M)


def documented() -> Iterator[tuple[str, str, str]]:
    """(key, default, reload behaviour) of every entry in docs/configuration.rst."""
    for m in ENTRY.finditer((DOCS / "configuration.rst").read_text()):
        yield m.group(1), m.group(2), m.group(3)


def test_every_key_is_documented_with_its_default() -> None:
    """Each key the parser reads has an entry giving the parser's own default."""
    docs = {key: default for key, default, _ in documented()}
    missing = [key for key in parser_keys() if key not in docs]
    assert not missing, f"not in docs/configuration.rst: {missing}"
    wrong = {key: (docs[key], toml_value(default)) for key, default in parser_keys().items()
             if docs[key] != toml_value(default)}
    assert not wrong, f"documented default differs from the parser's (doc, parser): {wrong}"


def test_no_documented_key_is_unknown() -> None:
    """Every entry names a key the parser reads (no stale or misspelt keys)."""
    unknown = [key for key, _, _ in documented() if key not in parser_keys()]
    assert not unknown, f"docs/configuration.rst documents keys estra does not read: {unknown}"


def test_reload_behaviour_matches_the_code() -> None:
    """"restart" exactly for the settings a reload cannot change (estra/runtime/reload.py)."""
    says = {key: how for key, _, how in documented()}
    wrong = {key: how for key, how in says.items()
             if (how == "restart") != (key in RESTART_ONLY.values())}
    assert not wrong, f"reload behaviour wrong in docs/configuration.rst: {wrong}"


def test_site_builds_without_warnings(tmp_path: Path) -> None:
    """`sphinx-build -W` (as .ci/run runs it): no broken reference, table or toctree."""
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html",
                           str(DOCS), str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
