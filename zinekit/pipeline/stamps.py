"""Stamps that let a whole build be skipped: the library's and the download page's.

1. The library's stamp, in this machine's cache folder (``~/.cache/zinekit/``, one file
   per output folder): after a build of a whole series, every file of the project (size, modification time and digest), the options,
   zinekit's fingerprint, and each issue's manifest and outputs (size and modification
   time) with what its reuse reports.  A build whose project and outputs are those of
   the stamp has nothing to do: it reports each issue up to date, as the issue-by-issue
   check would, without loading one.  A file whose size or time changed is hashed again
   (saving a file unchanged changes nothing); anything else that differs, down to one
   output's time, takes the issue-by-issue way.

2. The download page's stamp (``dist/.zinekit/downloads.json``): what the series' page
   was written from; the page is written again only when that changes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from zinekit.errors import Diagnostic, Diagnostics
from zinekit.filecache import stamp_path
from zinekit.model import BuildManifest
from zinekit.pipeline.reuse import (as_json, bytes_digest, file_digest, folder_digests, from_root,
                                    manifest_json, manifest_path, read_manifest,
                                    zinekit_fingerprint)
from zinekit.pipeline.store import MANIFEST_FOLDER
from zinekit.reporter import Progress, Reporter, UpToDate
from zinekit.safety.output import write_bytes
from zinekit.safety.trust import real_folder, regular_file


# --- 4. the library's stamp -------------------------------------------------------------------

LIBRARY_FORMAT = "zinekit-library"


def _stamp_path(out_root: Path) -> Path:
    """The stamp of the build into ``out_root``: in this machine's cache folder, not in
    the outputs (it holds file times, which no two builds share)."""
    return stamp_path("libraries", out_root)


def library_inputs(root: Path, out_root: Path, options: dict[str, Any]) -> dict[str, Any]:
    """What the build of a whole project depends on: its files (each ``[size, mtime,
    sha256]``, hashed only when size or time differ from the last stamp's), the
    options, zinekit and its built-in themes."""
    from zinekit.themes_loader import builtin_themes_folder

    known = _read_stamp(out_root).get("inputs", {}).get("files", {})
    files: dict[str, list[Any]] = {}
    skip = os.path.realpath(out_root)
    for place, folders, names in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f != "__pycache__"
                            and os.path.realpath(os.path.join(place, f)) != skip)
        for name in sorted(names):
            full = os.path.join(place, name)
            if name.startswith(".") or not os.path.isfile(full):
                continue
            stat = os.stat(full)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            old = known.get(rel)
            same = old is not None and old[:2] == [stat.st_size, stat.st_mtime_ns]
            files[rel] = [stat.st_size, stat.st_mtime_ns, old[2] if same else file_digest(full)]
    themes = bytes_digest(json.dumps(folder_digests(builtin_themes_folder()), sort_keys=True).encode())
    return as_json({"zinekit": zinekit_fingerprint(), "themes": themes, "options": options,
                     "files": files})


def _read_stamp(out_root: Path) -> dict[str, Any]:
    try:
        data = json.loads(_stamp_path(out_root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("format") == LIBRARY_FORMAT else {}


def _stat(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def _digest_only(inputs: dict[str, Any]) -> dict[str, Any]:
    """The inputs as compared: each file by its digest (a touched file is the same)."""
    return {**inputs, "files": {name: found[2] for name, found in inputs["files"].items()}}


def unchanged_library(out_root: Path, inputs: dict[str, Any]) -> dict[str, Any] | None:
    """The last stamp, when the project's files, the options and every output are what
    it recorded: what to report (see :func:`record_library`); else None."""
    stamp = _read_stamp(out_root)
    if not stamp or _digest_only(stamp.get("inputs", {"files": {}})) != _digest_only(inputs):
        return None
    for issue in stamp.get("issues", []):
        for name, stat in issue["files"].items():
            if _stat(out_root / name) != stat:
                return None
    return stamp


def record_library(out_root: Path, inputs: dict[str, Any], issues: list[dict[str, Any]],
                   shown: bool, diagnostics: list[Diagnostic]) -> None:
    """Stamp a whole project's build: ``issues`` in build order, each ``{"name", "slug",
    "diagnostics"}``; its manifest and outputs are looked up and their stats kept."""
    for issue in issues:
        out = out_root / issue["slug"]
        manifest = read_manifest(manifest_path(out))
        if manifest is None:
            return
        named = [manifest_path(out), *(out / name for name in manifest.outputs)]
        issue["files"] = {p.relative_to(out_root).as_posix(): _stat(p) for p in named}
    data = {"format": LIBRARY_FORMAT, "version": 1, "inputs": inputs, "issues": issues,
            "shown": shown, "diagnostics": [[d.severity, d.message, d.path, d.line, d.col]
                                            for d in diagnostics]}
    write_bytes(_stamp_path(out_root), json.dumps(data, ensure_ascii=False, sort_keys=True).encode())


def stamped_issue(name: str, slug: str, diagnostics: Diagnostics, root: Path) -> dict[str, Any]:
    """One issue as :func:`record_library` keeps it: its name in messages, its slug and
    what its reuse reports (paths relative to the project)."""
    return {"name": name, "slug": slug, "diagnostics": [
        [d.severity, d.message, from_root(d.path, root), d.line, d.col] for d in diagnostics.items]}


def replay_library(stamp: dict[str, Any], root: Path, strict: bool, reporter: Reporter) -> bool:
    """Report an unchanged library as the issue-by-issue check would: each issue's
    progress line, findings and "up to date"; False (nothing reported) when something
    would fail the build (``--strict`` and a warning): the full check reports it."""
    issues = stamp.get("issues", [])
    found = [Diagnostics([_located(item, root) for item in issue["diagnostics"]]) for issue in issues]
    project = Diagnostics([_located(item, root) for item in stamp.get("diagnostics", [])])
    if any(d.failing(strict) for d in [*found, project]):
        return False
    for number, (issue, diagnostics) in enumerate(zip(issues, found), start=1):
        if stamp.get("shown"):
            reporter.emit(Progress(issue["name"], number, len(issues)))
        reporter.findings(diagnostics.shown(strict))
        reporter.emit(UpToDate(issue["slug"]))
    reporter.findings(project.shown(strict))
    return True


def _located(item: list[Any], root: Path) -> Diagnostic:
    severity, message, path, line, col = item
    if path is not None and not os.path.isabs(path):
        path = str(root / path)
    return Diagnostic(severity, message, path, line, col)


# --- 5. the series' download page -------------------------------------------------------------

PAGE_STAMP = f"{MANIFEST_FOLDER}/downloads.json"


def page_inputs(project_file: Path | None, issues: list[tuple[str, Path]],
                theme_folders: list[Path]) -> dict[str, Any]:
    """What ``dist/index.html`` shows: each issue's manifest (its sources and outputs),
    the files in its folder, ``zinekit.toml`` and the page's theme."""
    listed: dict[str, Any] = {}
    for slug, folder in issues:
        manifest = manifest_path(folder)
        names = sorted((p.name, p.stat().st_size) for p in folder.glob("*")
                       if p.is_file() and not p.name.startswith(".")
                       and not p.name.endswith("-cover.png")) if folder.is_dir() else []
        listed[slug] = {"manifest": file_digest(manifest) if manifest.is_file() else None,
                        "files": names}
    theme_files: dict[str, str] = {}
    for index, folder in enumerate(theme_folders):
        theme_files.update(folder_digests(folder, f"theme{index}:{folder.name}/"))
    return as_json({
        "zinekit": zinekit_fingerprint(),
        "project_file": file_digest(project_file) if project_file else None,
        "issues": listed,
        "theme": theme_files,
    })


def page_is_current(out_root: Path, inputs: dict[str, Any]) -> bool:
    stamp = read_manifest(out_root / PAGE_STAMP)
    return stamp is not None and stamp.inputs == inputs and all(
        regular_file(out_root / name) and real_folder((out_root / name).parent, out_root)
        and file_digest(out_root / name) == digest
        for name, digest in stamp.outputs.items())


def record_page(out_root: Path, inputs: dict[str, Any], page: Path) -> None:
    """Remember what the download page was made from, and the page and covers written."""
    written = [page, *sorted(out_root.glob("*/*-cover.png"))]
    outputs = {p.relative_to(out_root).as_posix(): file_digest(p) for p in written}
    write_bytes(out_root / PAGE_STAMP, manifest_json(BuildManifest(inputs, outputs)),
                within=out_root)
