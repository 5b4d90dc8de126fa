"""Where things are: the project folder, its ``zinekit.toml``, and what PATH names."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from zinekit.config import (
    ProjectFile,
    Settings,
    builtin_settings,
    find_project_file,
    load_project_file,
)
from zinekit.errors import Diagnostics, SourceError, display_path
from zinekit.safety.limits import irregular_kind
from zinekit.load import ISSUE_FILE
from zinekit.safety.names import output_path


@dataclass
class Project:
    """A series folder with ``zinekit.toml``, or the folder of a lone Markdown file."""

    root: Path
    file: ProjectFile | None
    build: Settings

    @property
    def out_dir(self) -> Path:
        return self.root / self.build.typed.out

    def output_folder(self, named: Path | None = None) -> Path:
        """Where a build writes: ``--out`` as the user names it on the command line
        (anywhere), else ``[build] out`` (default ``dist``), which must stay inside the
        project folder, links included: a cloned project cannot write elsewhere."""
        if named is not None:
            return named
        out = self.build.typed.out
        where = (str(self.file.path), self.build.line_of("out"), 1) \
            if self.file is not None and self.build.explicit("out") else (None, 0, 0)
        root = self.root.resolve()
        if os.path.isabs(out) or not Path(os.path.normpath(root / out)).is_relative_to(root):
            raise SourceError(f"[build] out = {out!r} is outside the project folder; nothing is "
                              "written there (name an outside folder on the command line: "
                              "--out DIR)", *where)
        resolved = (root / out).resolve()
        if not resolved.is_relative_to(root):
            raise SourceError(f"the output folder {out} leads to {resolved} through a link, "
                              "outside the project folder; nothing is written there (remove "
                              "the link, or name the folder on the command line: --out DIR)",
                              where[0] or str(root / out), where[1], where[2])
        return output_path(self.root / out)

    def relative(self, path: Path) -> str:
        """``vol7/issue.md``: a path as messages name it, relative to the project."""
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)

    def catalog_sources(self) -> list[tuple[Path, int]]:
        """The issues the catalog says zinekit builds, with their ``source =`` lines."""
        if self.file is None:
            return []
        from zinekit.config import toml_key_line

        found = []
        issues = self.file.data.get("issues", [])
        if not isinstance(issues, list):
            return []
        for index, entry in enumerate(issues):
            if isinstance(entry, dict) and isinstance(entry.get("source"), str):
                line = _nth_key_line(self.file.text, "source", entry["source"]) or \
                    toml_key_line(self.file.text, "issues")
                found.append((self.root / entry["source"], line))
        return found


def _nth_key_line(text: str, key: str, value: str) -> int:
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith(key) and value in stripped:
            return number
    return 0


def open_project(path: Path, diagnostics: Diagnostics) -> Project:
    """The project PATH belongs to: the nearest ``zinekit.toml`` upward, else PATH's folder."""
    found = find_project_file(path.resolve())
    if found is None:
        root = path.resolve() if path.is_dir() else path.resolve().parent
        return Project(root=root, file=None, build=builtin_settings())
    project_file = load_project_file(found, diagnostics)
    return Project(root=found.parent, file=project_file, build=project_file.build)


def is_issue(path: Path) -> bool:
    return path.is_file() or (path / ISSUE_FILE).is_file()


def issues_at(path: Path, project: Project) -> list[Path]:
    """PATH as a list of issues: itself, or every zinekit-built issue of the series."""
    if is_issue(path):
        if path.is_file() and path.suffix.lower() not in (".md", ".markdown", ".txt"):
            raise SourceError(f"not a Markdown file: expected .md (got {path.suffix or 'no suffix'})",
                              str(path))
        return [path]
    if project.file is not None and path.resolve() == project.root:
        sources = project.catalog_sources()
        missing = [(p, line) for p, line in sources if not is_issue(p)]
        if missing:
            p, line = missing[0]
            raise SourceError(f"issue source not found: {p.relative_to(project.root)}",
                              str(project.file.path), line, 1)
        if not sources:
            raise SourceError("the catalog lists no issue with 'source =' to build",
                              str(project.file.path), 1, 1)
        return [p for p, _ in sources]
    kind = irregular_kind(path)
    if kind is not None and kind != "a folder":  # /dev/zero, a named pipe: never read
        raise SourceError(f"{display_path(path)} is {kind}, not a regular file; not read",
                          str(path))
    raise SourceError("nothing to build here: expected a .md file, an issue folder with "
                      f"{ISSUE_FILE}, or a series folder with zinekit.toml", str(path))
