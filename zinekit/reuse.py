"""Reuse: skip rendering an issue whose inputs and outputs are what the last build left.

Each built issue gets a build manifest, ``dist/.zinekit/<slug>.build.json`` (beside the
issues' folders, not in them: those hold only what readers take away), holding

1. a fingerprint of every input that affects its outputs: its Markdown files, the local
   files they reference (images, linked files, the cover), its .bib, ``zinekit.toml``,
   the back-issue PDFs of the catalog, the theme's files, zinekit's version and code, the
   versions of the libraries that render, the formats, ``SOURCE_DATE_EPOCH``, and the
   inventories of the issues it cites (their pages are printed in its text);
2. the SHA-256 of every file the build wrote, the page count, and the diagnostics the
   render reported (so a reused build reports them again).

An issue is up to date when its fingerprint is the same and every output is still there
with the same hash.  Files are compared by content, not by modification time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import fields
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import unquote, urlsplit

from zinekit.errors import Diagnostic, Diagnostics
from zinekit.model import BuildManifest, Issue, LaidOut
from zinekit.output import write_bytes

MANIFEST_FOLDER = ".zinekit"  # in the output folder
MANIFEST_FORMAT = "zinekit-build"
MANIFEST_VERSION = 1
RENDERING_LIBRARIES = ("weasyprint", "pydyf", "pypdf", "pypdfium2", "markdown-it-py",
                       "mdit-py-plugins", "jinja2", "pybtex", "fonttools", "pillow")
_URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")

_digests: dict[str, tuple[int, int, str]] = {}  # path → (mtime_ns, size, sha256)


def file_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes, remembered while its size and mtime stay the same."""
    key = os.path.abspath(path)
    stat = os.stat(key)
    known = _digests.get(key)
    if known is not None and known[:2] == (stat.st_mtime_ns, stat.st_size):
        return known[2]
    with open(key, "rb") as file:
        digest = hashlib.sha256(file.read()).hexdigest()
    _digests[key] = (stat.st_mtime_ns, stat.st_size, digest)
    return digest


def bytes_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- 1. what an issue's outputs depend on ---------------------------------------------------

_fingerprint: dict[str, Any] = {}


def zinekit_fingerprint() -> dict[str, Any]:
    """zinekit's version, a hash of its code, and the versions of the libraries it uses."""
    if not _fingerprint:
        from importlib.metadata import PackageNotFoundError, version

        from zinekit import __version__

        package = Path(__file__).resolve().parent
        code = hashlib.sha256()
        for path in sorted(package.rglob("*.py")):
            code.update(path.relative_to(package).as_posix().encode() + b"\0")
            code.update(path.read_bytes())
        libraries: dict[str, str | None] = {}
        for name in RENDERING_LIBRARIES:
            try:
                libraries[name] = version(name)
            except PackageNotFoundError:
                libraries[name] = None
        _fingerprint.update(version=__version__, code=code.hexdigest(), libraries=libraries)
    return dict(_fingerprint)


def local_references(issue: Issue) -> set[str]:
    """Relative addresses the issue's Markdown uses: images, links, raw HTML src/href."""
    found: set[str] = set()
    for article in issue.articles:
        found.update(image.src for image in article.images)
        found.update(article.text.addresses)
    return {r for r in found if r.strip() and not r.startswith(("#", "/")) and not _URL_SCHEME.match(r)}


def input_files(issue: Issue, theme_folders: list[Path], project_file: Path | None,
                back_issues: Iterable[Path], bibliography: Path | None) -> dict[str, str]:
    """Every file the issue's build reads, named for the manifest, with its digest."""
    root = issue.root.resolve()
    files: dict[str, Path] = {}

    def add(path: Path, name: str | None = None, within: Path = root) -> None:
        if path.is_file():
            resolved = path.resolve()
            if not resolved.is_relative_to(within):
                return  # outside the project (or its theme): the build refuses to read it
            if name is None:
                name = resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) \
                    else str(resolved)
            files[name] = resolved

    for path in (issue.source_file, *(a.path for a in issue.articles), project_file,
                 bibliography, *back_issues):
        if path is not None:
            add(Path(path))
    bases = {issue.source_file.parent, *(a.path.parent for a in issue.articles)}
    relative = local_references(issue)
    if isinstance(issue.meta.get("cover"), str):
        relative.add(issue.meta["cover"])
    for reference in relative:
        target = unquote(urlsplit(reference).path)
        for base in bases:
            if target and "\0" not in target:
                add(base / target)
    digests = {name: file_digest(path) for name, path in files.items()}
    for index, folder in enumerate(theme_folders):
        digests.update(folder_digests(folder, f"theme{index}:{folder.name}/"))
    return dict(sorted(digests.items()))


def folder_digests(folder: Path, prefix: str = "") -> dict[str, str]:
    """The digest of every file under ``folder``, named ``prefix`` + its path there;
    hidden files, caches and links that lead out of the folder are left out (a build
    does not read them)."""
    real = os.path.realpath(folder)
    found = {}
    for place, folders, names in os.walk(folder):  # links to folders are not followed
        folders[:] = [f for f in folders if f != "__pycache__" and not f.startswith(".")]
        for name in names:
            full = os.path.join(place, name)
            if name.startswith(".") or not os.path.isfile(full) or (
                    os.path.islink(full) and os.path.commonpath([real, os.path.realpath(full)]) != real):
                continue
            found[prefix + os.path.relpath(full, folder).replace(os.sep, "/")] = file_digest(full)
    return found


# --- 2. the manifest ------------------------------------------------------------------------


def manifest_json(manifest: BuildManifest) -> bytes:
    data = {
        "format": MANIFEST_FORMAT, "version": MANIFEST_VERSION, "inputs": manifest.inputs,
        "outputs": manifest.outputs, "pages": manifest.pages,
        "diagnostics": [[d.severity, d.message, d.path, d.line, d.col] for d in manifest.diagnostics],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8") + b"\n"


def read_manifest(path: Path) -> BuildManifest | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != MANIFEST_FORMAT or data.get("version") != MANIFEST_VERSION:
            return None
        diagnostics = [Diagnostic(*item) for item in data.get("diagnostics", [])]
        return BuildManifest(data["inputs"], dict(data["outputs"]), int(data["pages"]), diagnostics)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # no manifest, or not one this version reads: build again


def manifest_path(out: Path) -> Path:
    """The manifest of the issue whose outputs are in ``out`` (``dist/<slug>``)."""
    return out.parent / MANIFEST_FOLDER / f"{out.name}.build.json"


def reusable(out: Path, inputs: dict[str, Any], root: Path) -> BuildManifest | None:
    """The manifest of the last build in ``out`` if it had the same inputs and every
    output it wrote is still there, unchanged; else None.  ``root``: the project."""
    manifest = read_manifest(manifest_path(out))
    if manifest is None or manifest.inputs != _as_json(inputs):
        return None
    for name, digest in manifest.outputs.items():
        path = out / name
        if not path.is_file() or file_digest(path) != digest:
            return None
    manifest.diagnostics = [
        Diagnostic(d.severity, d.message, str(root / d.path), d.line, d.col)
        if d.path is not None and not os.path.isabs(d.path) else d for d in manifest.diagnostics]
    return manifest


def record(out: Path, inputs: dict[str, Any], written: dict[Path, bytes], pages: int,
           diagnostics: Diagnostics, root: Path) -> None:
    """Write the manifest of a build that has just written ``written``."""
    outputs = {path.relative_to(out).as_posix(): bytes_digest(data)
               for path, data in written.items() if path.is_relative_to(out)}
    kept = [Diagnostic(d.severity, d.message, _from_root(d.path, root), d.line, d.col)
            for d in diagnostics.items]
    manifest = BuildManifest(_as_json(inputs), dict(sorted(outputs.items())), pages, kept)
    write_bytes(manifest_path(out), manifest_json(manifest), within=out.parent)


# --- 2b. the record of the last layout ---------------------------------------------------------
# A build that lays the issue out keeps where its pages fell (the page count and the page
# of every anchor), keyed by what the layout depends on: all the inputs but the formats.
# A later build of formats that need no layout of their own (an EPUB, a web edition)
# takes the printed page numbers from it instead of laying the issue out again.

LAYOUT_FORMAT = "zinekit-layout"


def layout_path(out: Path) -> Path:
    return out.parent / MANIFEST_FOLDER / f"{out.name}.layout.json"


def layout_key(inputs: dict[str, Any]) -> str:
    kept = {k: v for k, v in inputs.items() if k != "formats"}
    return bytes_digest(json.dumps(_as_json(kept), sort_keys=True).encode("utf-8"))


def record_layout(out: Path, inputs: dict[str, Any], laid_out: LaidOut) -> None:
    """Keep where the pages of this layout fell, for builds that need no layout."""
    record = {field.name: getattr(laid_out, field.name) for field in fields(laid_out)
              if field.name != "data"}
    data = {"format": LAYOUT_FORMAT, "version": MANIFEST_VERSION, "key": layout_key(inputs),
            "layout": record}
    write_bytes(layout_path(out), json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def recorded_layout(out: Path, inputs: dict[str, Any]) -> LaidOut | None:
    """The last layout of the issue in ``out``, if it was made from these inputs."""
    try:
        data = json.loads(layout_path(out).read_text(encoding="utf-8"))
        if data.get("format") != LAYOUT_FORMAT or data.get("key") != layout_key(inputs):
            return None
        return LaidOut(data=b"", **data["layout"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _from_root(path: str | None, root: Path) -> str | None:
    """A diagnostic's file relative to the project folder (the manifest names no folder
    of the machine it was built on); read back relative to the working folder."""
    if path is None or not os.path.exists(path):
        return path
    resolved = Path(path).resolve()
    return resolved.relative_to(root.resolve()).as_posix() if resolved.is_relative_to(root.resolve()) \
        else path


def _as_json(value: dict[str, Any]) -> dict[str, Any]:
    """``value`` as it reads back from JSON (tuples become lists, keys strings)."""
    return json.loads(json.dumps(value, sort_keys=True, default=str))


# --- 3. the series' download page -------------------------------------------------------------

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
    return _as_json({
        "zinekit": zinekit_fingerprint(),
        "project_file": file_digest(project_file) if project_file else None,
        "issues": listed,
        "theme": theme_files,
    })


def page_is_current(out_root: Path, inputs: dict[str, Any]) -> bool:
    stamp = read_manifest(out_root / PAGE_STAMP)
    return stamp is not None and stamp.inputs == inputs and all(
        (out_root / name).is_file() and file_digest(out_root / name) == digest
        for name, digest in stamp.outputs.items())


def record_page(out_root: Path, inputs: dict[str, Any], page: Path) -> None:
    """Remember what the download page was made from, and the page and covers written."""
    written = [page, *sorted(out_root.glob("*/*-cover.png"))]
    outputs = {p.relative_to(out_root).as_posix(): file_digest(p) for p in written}
    write_bytes(out_root / PAGE_STAMP, manifest_json(BuildManifest(inputs, outputs)),
                within=out_root)
