"""The shape of the code: the stages depend on each other in one direction only.

Every import counts, at the top of a module or inside a function (an import inside a
function that closes a loop is a loop all the same).  The units are the modules of
``zinekit`` and its packages (``zinekit.markup``, ``zinekit.resolve`` …), so the test
fails on a loop between two stages as well as between two modules.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "zinekit"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every zinekit module ``path`` imports, anywhere in it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return {name for name in found if name.startswith("zinekit")}


def graph(unit) -> dict[str, set[str]]:
    """Imports between units, ``unit(module name)`` naming the unit a module is in."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {t for t in imports_of(path) if t in modules}
        edges.setdefault(unit(name), set()).update(unit(t) for t in targets)
    for source, targets in edges.items():
        targets.discard(source)
        # a package's __init__ importing its own modules is not a dependency on itself
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each loop found by a depth-first walk, as the units along it."""
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def stage(name: str) -> str:
    """``zinekit.resolve.catalog`` → ``zinekit.resolve``; a top-level module is its own."""
    return ".".join(name.split(".")[:2])


def test_no_import_loop_between_stages():
    assert cycles(graph(stage)) == []


def test_no_import_loop_between_modules():
    def own(name: str) -> str:
        # a package's __init__ may gather its modules' names; that is not a loop
        return name

    edges = graph(own)
    for name in list(edges):
        if (PACKAGE.parent / name.replace(".", "/") / "__init__.py").is_file():
            edges[name] = {t for t in edges[name] if not t.startswith(name + ".")}
    assert cycles(edges) == []


# --- registries and the docs that list them --------------------------------------------------


def test_the_docs_list_exactly_the_formats_of_the_registry():
    from zinekit.render.formats import DEFAULT_FORMATS, FORMATS

    doc = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Formats"):]
    rows = re.findall(r"^\| `([a-z]+)` \| ", section[:section.index("\n\n", section.index("| format"))],
                      re.MULTILINE)
    assert rows == list(FORMATS)
    assert "else `pdf`, `booklet` and `epub`" in section and DEFAULT_FORMATS == ("pdf", "booklet", "epub")


def test_the_docs_hold_the_declared_options():
    from zinekit.config import options_reference

    doc = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert options_reference().strip() in doc


def test_every_package_is_installed():
    """``pip install .`` installs the packages pyproject.toml lists: each folder of
    zinekit with an ``__init__.py`` must be one of them."""
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {module_name(p) for p in PACKAGE.rglob("__init__.py")}
    assert found - listed == set()
