"""The layer contract (docs/architecture.rst), read from the source with `ast`.

Every module of estra belongs to one layer; a module imports only from its own
layer or the ones below it (faces -> RA pipeline -> domain -> adapters and
infrastructure -> codecs -> foundation), the packages do not import each other
in a cycle, and no module imports another module's private (``_name``) names.
Imports inside functions count: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent / "estra"

#: Top to bottom: each layer's packages (and top-level modules), and the modules that
#: make up a package before it is one (a module and everything under it; the
#: longest match wins).  A module of package estra.NAME is in NAME's layer.
LAYERS: list[tuple[str, dict[str, list[str]]]] = [
    ("entry", {
        "cli": [
            "estra.cli.command",
            "estra.cli.operate",
            "estra.cli.backup",
            "estra.cli.ca",
        ],
        "runtime": [
            "estra.runtime.twistd",
            "estra.runtime.service",
            "estra.runtime.workers",
            "estra.runtime.reload",
            "estra.runtime.state",
        ],
        "testing": ["estra.testing"],
    }),
    ("faces", {
        "est": [
            "estra.est.resource",
            "estra.est.fullcmc",
        ],
        "scep": [
            "estra.scep.resource",
            "estra.scep.ndes",
            "estra.scep.challenge_api",
            "estra.scep.notifications",
        ],
        "console": [
            "estra.console",
            "estra.console.admin",
        ],
    }),
    ("pipeline", {
        "ra": [
            "estra.ra.pipeline",
            "estra.ra.policy",
            "estra.ra.auth",
            "estra.ra.crls",
            "estra.ra.throttle",
            "estra.ra.attempts",
            "estra.ra.htpasswd",
            "estra.ra.challenges",
            "estra.ra.renewal",
        ],
    }),
    ("domain", {
        "ca": [
            "estra.ca.local",
            "estra.ca.revocation",
            "estra.ca.ocsp",
            "estra.ca.rollover",
            "estra.ca.sync",
        ],
    }),
    ("adapters", {
        "upstream": [
            "estra.upstream",
            "estra.upstream.client",
            "estra.upstream.stepca_hooks",
            "estra.upstream.intune",
            "estra.upstream.intune_revocation",
            "estra.upstream.issuingterms",
            "estra.upstream.certutil",
        ],
    }),
    ("infrastructure", {
        "store": [
            "estra.store.database",
            "estra.store.engine",
            "estra.store.schema",
            "estra.store.audit",
            "estra.store.enrollments",
            "estra.store.renewal",
            "estra.store.revocations",
            "estra.store.scep",
            "estra.store.devices",
            "estra.store.pending",
            "estra.store.codes",
            "estra.store.attempts",
            "estra.store.console",
            "estra.store.upstream_requests",
            "estra.store.rates",
            "estra.store.notifications",
            "estra.store.upgrade",
            "estra.store.files",
        ],
        "web": [
            "estra.web.http",
            "estra.web.listeners",
            "estra.web.limits",
            "estra.web.tickets",
            "estra.web.tls",
            "estra.web.forwarded",
        ],
        "metrics": ["estra.metrics"],
    }),
    ("codecs", {
        "asn1": [
            "estra.asn1.wire",
            "estra.asn1.cms",
            "estra.asn1.cmc",
            "estra.asn1.csrtemplate",
            "estra.asn1.scep_message",
            "estra.asn1.keygen",
        ],
    }),
    ("foundation", {
        "config": ["estra.config"],
        "errors": ["estra.errors"],
        "interfaces": ["estra.interfaces"],
        "logging": ["estra.logging"],
        "principals": ["estra.principals"],
        "tokens": ["estra.tokens"],
        "credentials": ["estra.credentials"],
    }),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def place_of(module: str) -> tuple[int, str] | None:
    """(layer index, 0 the top; package) of `module`: by its longest listed prefix,
    else by the package estra.NAME it is in."""
    best: tuple[int, int, str] | None = None
    for index, (_, packages) in enumerate(LAYERS):
        for package, prefixes in packages.items():
            for prefix in prefixes:
                if (module == prefix or module.startswith(prefix + ".")) and \
                        (best is None or len(prefix) > best[0]):
                    best = (len(prefix), index, package)
    if best is not None:
        return best[1:]
    name = module.split(".")[1] if module.count(".") else ""
    return next(((index, name) for index, (_, packages) in enumerate(LAYERS)
                 if name in packages), None)


def layer_of(module: str) -> int | None:
    place = place_of(module)
    return None if place is None else place[0]


def _typing_only(tree: ast.AST) -> set[ast.AST]:
    """The statements under `if TYPE_CHECKING:`: imports for annotations only, which
    create no dependency at run time (import-linter's exclude_type_checking_imports)."""
    return {inner for node in ast.walk(tree) if isinstance(node, ast.If)
            and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
            for statement in node.body for inner in ast.walk(statement)}


def imports(module: str, runtime: bool = False) -> Iterator[tuple[str, str, int]]:
    """(imported module, imported name or "", line) for every estra import of `module`;
    `runtime`: leave out the imports for annotations only."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(), str(path))
    skip = _typing_only(tree) if runtime else set()
    for node in ast.walk(tree):
        if node in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("estra."):
                    yield alias.name, "", node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base != "estra" and not base.startswith("estra."):
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in MODULES:
                    yield submodule, "", node.lineno
                else:
                    yield base, alias.name, node.lineno


def component(module: str) -> str:
    """The package `module` is part of (cycles are checked between packages)."""
    place = place_of(module)
    return module if place is None else place[1]


def test_every_module_has_a_layer() -> None:
    """A new module is put in a layer on purpose, not by accident."""
    homeless = [m for m in MODULES if m != "estra" and layer_of(m) is None]
    assert not homeless, f"put these in a layer of LAYERS: {homeless}"


def test_no_import_upward() -> None:
    """A module imports only from its own layer or a lower one."""
    upward = set()
    for module in MODULES:
        here = layer_of(module)
        for target, _, line in imports(module, runtime=True):
            there = layer_of(target)
            if here is not None and there is not None and there < here:
                upward.add(f"{module}:{line} ({LAYERS[here][0]}) imports "
                           f"{target} ({LAYERS[there][0]})")
    assert not upward, "\n".join(sorted(upward))


def test_no_private_name_crosses_a_module() -> None:
    """``from estra.x import _name`` only inside estra.x itself."""
    crossing = {f"{module}:{line} imports {target}.{name}"
                for module in MODULES for target, name, line in imports(module)
                if name.startswith("_") and not name.startswith("__") and target != module}
    assert not crossing, "\n".join(sorted(crossing))


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in edges.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            members = []
            while True:
                member = stack.pop()
                members.append(member)
                if member == node:
                    break
            if len(members) > 1:
                found.append(sorted(members))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_cycle_between_packages() -> None:
    """Packages (and the flat modules beside them) do not import each other in a circle."""
    edges: dict[str, set[str]] = {}
    for module in MODULES:
        for target, _, _ in imports(module, runtime=True):
            if target != "estra" and component(target) != component(module):
                edges.setdefault(component(module), set()).add(component(target))
    found = cycles(edges)
    assert not found, "\n".join(" <-> ".join(members) for members in found)


def test_no_cycle_between_modules() -> None:
    """No two modules import each other in a circle, lazily or not (a package's
    ``__init__`` re-exporting its modules is not a cycle: it is where they are named)."""
    edges: dict[str, set[str]] = {}
    for module in MODULES:
        if MODULES[module].name == "__init__.py":
            continue
        for target, _, _ in imports(module, runtime=True):
            if target in MODULES and target != module and MODULES[target].name != "__init__.py":
                edges.setdefault(module, set()).add(target)
    found = cycles(edges)
    assert not found, "\n".join(" <-> ".join(members) for members in found)


def test_the_checks_see_a_violation() -> None:
    """The helpers above find an upward import, a private name and a cycle."""
    assert layer_of("estra.config") == len(LAYERS) - 1
    assert layer_of("estra.console.pages") == 1
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
