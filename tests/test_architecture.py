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


def _requirement_name(requirement: str) -> str:
    name = re.match(r"[A-Za-z0-9._-]+", requirement).group(0)
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_library_the_code_imports_is_declared():
    """A library imported anywhere in zinekit (a function's import included) is one of
    the project's dependencies or of its ``import``, ``search`` and ``cluster`` extras:
    the test extras, which CI installs, would otherwise hide one ``pip install .`` lacks
    (the press PDF and the riso masters need pikepdf, preflight's ink numpy)."""
    import importlib.metadata
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    declared = {_requirement_name(r) for r in project["dependencies"]}
    declared |= {_requirement_name(r) for extra in ("import", "search", "cluster")
                 for r in extras[extra]}
    installed = importlib.metadata.packages_distributions()
    missing = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for top in {n.split(".")[0] for n in names} - set(sys.stdlib_module_names) - {"zinekit"}:
                distributions = {_requirement_name(d) for d in installed.get(top, [top])}
                if not distributions & declared:
                    missing[top] = str(path.relative_to(REPO))
    assert missing == {}


# --- docs/architecture.md, true to the tree ------------------------------------------------


def _section(title: str) -> str:
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    start = doc.index(f"## {title}\n")
    end = doc.find("\n## ", start + 1)
    return doc[start:end if end >= 0 else len(doc)]


def test_the_tree_lists_every_module_and_package_at_the_top():
    section = _section("The tree")
    listed = set(re.findall(r"^\| `([a-z_]+(?:\.py|/))` \|", section, re.MULTILINE))
    found = {p.name + ("/" if p.is_dir() else "") for p in PACKAGE.iterdir()
             if (p.suffix == ".py" and not p.name.startswith("__"))
             or (p.is_dir() and (p / "__init__.py").is_file())}
    assert listed == found
    assert sum(1 for name in found if name.endswith(".py")) <= 14


def test_the_tree_lists_the_modules_of_each_package():
    section = _section("The tree")
    for line in re.findall(r"^- `([a-z_/]+)/`: (.*)$", section, re.MULTILINE):
        package, modules = line
        listed = set(re.findall(r"`([a-z_0-9]+)`", modules))
        found = {p.stem for p in (PACKAGE / package).glob("*.py") if p.stem != "__init__"}
        assert listed == found, package
    packages = {m for m in re.findall(r"^- `([a-z_/]+)/`:", section, re.MULTILINE)}
    real = {p.parent.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("__init__.py")
            if p.parent != PACKAGE and any(q.stem != "__init__" for q in p.parent.glob("*.py"))}
    assert packages == real


def test_the_dependency_list_is_the_code_s():
    section = _section("Dependencies")
    listed = {}
    for name, rest in re.findall(r"^- `([a-z_.]+)` ← (.*)$", section, re.MULTILINE):
        listed[name] = set(re.findall(r"`([a-z_.]+)`", rest))
    edges = graph(stage)
    actual = {k.removeprefix("zinekit."): {t.removeprefix("zinekit.") for t in v
                                           if t not in ("zinekit", "zinekit.__main__")}
              for k, v in edges.items() if k not in ("zinekit", "zinekit.__main__")}
    assert listed == actual


def test_no_module_is_over_500_lines():
    long = [f"{p.relative_to(REPO)}: {n}" for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500]
    assert long == []
