"""The files settings are written in: a text's front matter and ``zinekit.toml``, read
with every problem located (the values themselves are checked by :mod:`zinekit.config`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from zinekit.config import Settings, report_unknown, validate
from zinekit.config.options import BUILD_OPTIONS, PROJECT_CLUSTER_REFUSED, TOML_TABLES_OWNED_ELSEWHERE
from zinekit.errors import Diagnostics
from zinekit.safety.limits import Problem, load_toml, load_yaml, problem_text


# --- front matter ---------------------------------------------------------------------

FRONT_MATTER_FENCE = re.compile(r"^---[ \t]*$")


@dataclass
class FrontMatter:
    data: dict[str, Any]
    lines: dict[str, int]  # key -> 1-based line in the file
    body: str  # the Markdown after the front matter, front-matter lines blanked
    end_line: int  # number of lines the front matter took


def split_front_matter(text: str, path: str | None, diagnostics: Diagnostics) -> FrontMatter:
    """Separate YAML front matter from the Markdown body, keeping line numbers intact."""
    lines = text.split("\n")
    if not lines or not FRONT_MATTER_FENCE.match(lines[0].lstrip("\ufeff")):
        return FrontMatter({}, {}, text, 0)
    for end in range(1, len(lines)):
        if FRONT_MATTER_FENCE.match(lines[end]) or lines[end].rstrip() == "...":
            break
    else:
        diagnostics.error("front matter opened with '---' is never closed", path, 1, 1)
        return FrontMatter({}, {}, "", 0)
    yaml_text = "\n".join(lines[1:end])
    data, key_lines = parse_yaml_mapping(yaml_text, path, 1, diagnostics)
    body = "\n" * (end + 1) + "\n".join(lines[end + 1:])
    return FrontMatter(data, key_lines, body, end + 1)


def parse_yaml_mapping(text: str, path: str | None, first_line: int,
                       diagnostics: Diagnostics) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse YAML that must be a mapping; return it with each key's 1-based line."""
    try:
        data, node = load_yaml(text)
    except Problem as problem:
        diagnostics.error(f"front matter is refused: {problem.message}", path,
                          first_line + problem.line, problem.col)
        return {}, {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + 1 + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 1
        reason = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        diagnostics.error(f"front matter is not valid YAML: {reason}", path, line, col)
        return {}, {}
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        diagnostics.error("front matter must be a mapping of 'key: value' lines", path,
                          first_line + 1, 1)
        return {}, {}
    key_lines = {
        str(k.value): first_line + 1 + k.start_mark.line
        for k, _ in node.value if isinstance(k, yaml.ScalarNode)
    }
    return {str(k): v for k, v in data.items()}, key_lines


# --- zinekit.toml ----------------------------------------------------------------------

PROJECT_FILE = "zinekit.toml"


@dataclass
class ProjectFile:
    """The parsed ``zinekit.toml``: raw data for the catalog, validated ``[build]``."""

    path: Path
    text: str
    data: dict[str, Any]
    build: Settings


def find_project_file(start: Path) -> Path | None:
    """The nearest ``zinekit.toml`` in ``start`` or a parent folder, as git finds its repo."""
    folder = start if start.is_dir() else start.parent
    for candidate in [folder, *folder.resolve().parents]:
        found = candidate / PROJECT_FILE
        if found.is_file():
            return found
    return None


def load_project_file(path: Path, diagnostics: Diagnostics) -> ProjectFile:
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = load_toml(text)
    except Problem as problem:
        diagnostics.error(f"{PROJECT_FILE} {problem_text(problem, 'TOML')}", str(path),
                          problem.line, problem.col)
        data = {}
    build_raw = data.get("build", {})
    if not isinstance(build_raw, dict):
        diagnostics.error("[build] must be a table", str(path), toml_key_line(text, "build"), 1)
        build_raw = {}
    lines = toml_key_lines(text, table="build")
    build = validate(build_raw, BUILD_OPTIONS, lines, str(path), diagnostics, "[build]")
    if "cluster" in build_raw:  # its scheduler would run code here (docs/security.md)
        diagnostics.error(PROJECT_CLUSTER_REFUSED, str(path), lines["cluster"], 1)
        build.values.pop("cluster", None)
    known = {"build"} | TOML_TABLES_OWNED_ELSEWHERE
    top_lines = toml_key_lines(text)
    unknown = [(key, top_lines.get(key, 0)) for key in data
               if key not in known and not key.startswith("x-")]
    report_unknown(unknown, "table or key", str(path), diagnostics,
                   lambda key: f" in {PROJECT_FILE}")
    return ProjectFile(path, text, data, build)


def toml_key_lines(text: str, table: str | None = None) -> dict[str, int]:
    """The 1-based line of every key and table name at the top (or in ``[table]``), read
    in one pass (looking each key up alone was quadratic in the number of keys)."""
    found: dict[str, int] = {}
    in_table = table is None
    key_re = re.compile(r"^\s*(?:\"([^\"]*)\"|([^\"=\s]+))\s*=")
    header_re = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
    for number, line in enumerate(text.split("\n"), start=1):
        header = header_re.match(line)
        if header:
            if table is None:
                found.setdefault(header.group(1), number)
            in_table = table is not None and header.group(1) == table
        elif in_table and (key := key_re.match(line)):
            found.setdefault(key.group(1) if key.group(1) is not None else key.group(2), number)
    return found


def toml_key_line(text: str, key: str, table: str | None = None) -> int:
    """Best-effort 1-based line of ``key`` (inside ``[table]`` if given); 0 if not found."""
    return toml_key_lines(text, table).get(key, 0)
