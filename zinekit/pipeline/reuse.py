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

3. a result store, ``dist/.zinekit/store/``: every build's outputs keyed by the hash of
   its inputs (content-addressed), so that a result built once — by this machine or any
   worker of a cluster writing to the same storage — is never rendered again while its
   inputs are the same: an output deleted, a change undone, a theme tried and changed
   back are restored from the store.  Files are kept once per content (hard links to
   the outputs where the file system allows); the store keeps the last
   :data:`KEPT_RESULTS` results of each issue.

The library's stamp and the download page's are in :mod:`zinekit.pipeline.stamps`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import unquote, urlsplit

from zinekit.pipeline import store as result_store
from zinekit.errors import Diagnostic, Diagnostics, display_path
from zinekit.filecache import FileCache
from zinekit.model import BuildManifest, Issue, LaidOut
from zinekit.safety.output import write_bytes
from zinekit.pipeline.store import MANIFEST_FOLDER
from zinekit.safety.trust import is_digest, output_name_ok, real_folder, regular_file, signed, verified

MANIFEST_FORMAT = "zinekit-build"
MANIFEST_VERSION = 2  # 2: signed (zinekit.safety.trust)
RENDERING_LIBRARIES = ("weasyprint", "pydyf", "pypdf", "pypdfium2", "markdown-it-py",
                       "mdit-py-plugins", "jinja2", "pybtex", "fonttools", "pillow")
_URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")

_digests: FileCache[str] = FileCache(lambda path: _sha256_of(path))
Warn = Callable[[str], None]


def _quiet(message: str) -> None:
    return None


def file_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes, remembered while its size and mtime stay the same."""
    return _digests.get(path)


def _sha256_of(path: str) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


def bytes_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- 1. what an issue's outputs depend on ---------------------------------------------------

_fingerprint: dict[str, Any] = {}


def zinekit_fingerprint() -> dict[str, Any]:
    """zinekit's version, a hash of its code, and the versions of the libraries it uses."""
    if not _fingerprint:
        from zinekit import __version__

        package = Path(__file__).resolve().parent
        code = hashlib.sha256()
        for path in sorted(package.rglob("*.py")):
            code.update(path.relative_to(package).as_posix().encode() + b"\0")
            code.update(path.read_bytes())
        libraries = library_versions(RENDERING_LIBRARIES)
        _fingerprint.update(version=__version__, code=code.hexdigest(), libraries=libraries)
    return dict(_fingerprint)


def library_versions(names: tuple[str, ...]) -> dict[str, str | None]:
    """The installed version of each library, read from the name of its ``.dist-info``
    folder on ``sys.path`` — what :mod:`importlib.metadata` reads, without loading it and
    searching every installed package (a tenth of a second at each start); a library
    not found that way is asked of :mod:`importlib.metadata`."""
    wanted = {_normal(name): name for name in names}
    found: dict[str, str | None] = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for item in listing:
            if item.endswith(".dist-info") and "-" in item:
                name, _, number = item[:-len(".dist-info")].partition("-")
                if _normal(name) in wanted:
                    found.setdefault(wanted[_normal(name)], number)
    for name in names:
        if name not in found:
            from importlib.metadata import PackageNotFoundError, version

            try:
                found[name] = version(name)
            except PackageNotFoundError:
                found[name] = None
    return {name: found[name] for name in names}


def _normal(name: str) -> str:
    """A distribution's name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def local_references(issue: Issue) -> set[str]:
    """Relative addresses the issue's Markdown uses: images, links, raw HTML src/href."""
    found: set[str] = set()
    for article in issue.articles:
        found.update(image.src for image in article.images)
        found.update(article.text.addresses)
    return {r for r in found if r.strip() and not r.startswith(("#", "/")) and not _URL_SCHEME.match(r)}


def input_files(issue: Issue, theme_folders: list[Path], project_file: Path | None,
                back_issues: Iterable[Path], bibliography: Path | None,
                folders_seen: dict[tuple[Path, str], dict[str, str]] | None = None) -> dict[str, str]:
    """Every file the issue's build reads, named for the manifest, with its digest.
    ``folders_seen`` keeps the theme folders' digests for the rest of a build: the issues
    of a library share their theme, and walking it again for each cost a millisecond or
    two an issue."""
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
    if isinstance(issue.meta.typed.cover, str):
        relative.add(issue.meta.typed.cover)
    for reference in relative:
        target = unquote(urlsplit(reference).path)
        for base in bases:
            if target and "\0" not in target:
                add(base / target)
    digests = {name: file_digest(path) for name, path in files.items()}
    folders_seen = {} if folders_seen is None else folders_seen
    for index, folder in enumerate(theme_folders):
        key = (folder, f"theme{index}:{folder.name}/")
        if key not in folders_seen:
            folders_seen[key] = folder_digests(*key)
        digests.update(folders_seen[key])
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
    return json.dumps(signed(as_json(data)), ensure_ascii=False, indent=1,
                      sort_keys=True).encode("utf-8") + b"\n"


def read_manifest(path: Path, warn: Warn = _quiet) -> BuildManifest | None:
    """The manifest at ``path`` if a build of this user's wrote it (signed, and every
    name in it a name: see :mod:`zinekit.safety.trust`); else None, and a warning when a file
    is there that this user's builds did not write."""
    if not regular_file(path):
        if os.path.lexists(path):
            warn(f"{display_path(path)}: warning: ignored: not a regular file; built again")
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and data.get("version") != MANIFEST_VERSION:
        return None  # written by another version of zinekit: build again
    found = _manifest_of(verified(data))
    if found is None:
        warn(f"{display_path(path)}: warning: ignored: not written by a build of yours "
             "(a received output folder?); built again")
    return found


def _manifest_of(data: dict[str, Any] | None) -> BuildManifest | None:
    try:
        if data is None or data.get("format") != MANIFEST_FORMAT or \
                not isinstance(data["inputs"], dict) or not isinstance(data["outputs"], dict):
            return None
        outputs = dict(data["outputs"])
        if not all(output_name_ok(name) and is_digest(digest) for name, digest in outputs.items()):
            return None
        diagnostics = [Diagnostic(*item) for item in data.get("diagnostics", [])]
        return BuildManifest(data["inputs"], outputs, int(data["pages"]), diagnostics)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def manifest_path(out: Path) -> Path:
    """The manifest of the issue whose outputs are in ``out`` (``dist/<slug>``)."""
    return out.parent / MANIFEST_FOLDER / f"{out.name}.build.json"


def reusable(out: Path, inputs: Mapping[str, Any], root: Path, warn: Warn = _quiet) -> BuildManifest | None:
    """The manifest of the last build in ``out`` if this user's build wrote it, with the
    same inputs, and every output it wrote is still there, a regular file inside the
    output folder with the same hash; else None.  ``root``: the project."""
    if not real_folder(manifest_path(out).parent, out.parent) or not real_folder(out, out.parent):
        return None
    manifest = read_manifest(manifest_path(out), warn)
    if manifest is None or manifest.inputs != as_json(inputs):
        return None
    for name, digest in manifest.outputs.items():
        path = out / name
        if not real_folder(path.parent, out) or not regular_file(path) or file_digest(path) != digest:
            return None
    manifest.diagnostics = [
        Diagnostic(d.severity, d.message, str(root / d.path), d.line, d.col)
        if d.path is not None and not os.path.isabs(d.path) else d for d in manifest.diagnostics]
    return manifest


def record(out: Path, inputs: Mapping[str, Any], written: dict[Path, bytes], pages: int,
           diagnostics: Diagnostics, root: Path) -> None:
    """Write the manifest of a build that has just written ``written``, and keep the
    result in the store."""
    outputs = {path.relative_to(out).as_posix(): bytes_digest(data)
               for path, data in written.items() if path.is_relative_to(out)}
    kept = [Diagnostic(d.severity, d.message, from_root(d.path, root), d.line, d.col)
            for d in diagnostics.items]
    manifest = BuildManifest(as_json(inputs), dict(sorted(outputs.items())), pages, kept)
    data = manifest_json(manifest)
    write_bytes(manifest_path(out), data, within=out.parent)
    store(out, manifest, data)


# --- 2b. the record of the last layout ---------------------------------------------------------
# A build that lays the issue out keeps where its pages fell (the page count and the page
# of every anchor), keyed by what the layout depends on: all the inputs but the formats.
# A later build of formats that need no layout of their own (an EPUB, a web edition)
# takes the printed page numbers from it instead of laying the issue out again.

LAYOUT_FORMAT = "zinekit-layout"


def layout_path(out: Path) -> Path:
    return out.parent / MANIFEST_FOLDER / f"{out.name}.layout.json"


def layout_key(inputs: Mapping[str, Any]) -> str:
    kept = {k: v for k, v in inputs.items() if k != "formats"}
    return bytes_digest(json.dumps(as_json(kept), sort_keys=True).encode("utf-8"))


def record_layout(out: Path, inputs: Mapping[str, Any], laid_out: LaidOut) -> None:
    """Keep where the pages of this layout fell, for builds that need no layout."""
    record = {field.name: getattr(laid_out, field.name) for field in fields(laid_out)
              if field.name != "data"}
    data = {"format": LAYOUT_FORMAT, "version": MANIFEST_VERSION, "key": layout_key(inputs),
            "layout": record}
    write_bytes(layout_path(out), json.dumps(signed(as_json(data)), ensure_ascii=False,
                                             sort_keys=True).encode("utf-8"), within=out.parent)


def recorded_layout(out: Path, inputs: Mapping[str, Any] | None) -> LaidOut | None:
    """The last layout of the issue in ``out``, if it was made from these inputs
    (``None``: whatever it was made from, a guess at the next one's pages)."""
    try:
        if not regular_file(layout_path(out)):
            return None
        data = verified(json.loads(layout_path(out).read_text(encoding="utf-8")))
        if data is None or data.get("format") != LAYOUT_FORMAT or \
                inputs is not None and data.get("key") != layout_key(inputs):
            return None
        return LaidOut(data=b"", **data["layout"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def from_root(path: str | None, root: Path) -> str | None:
    """A diagnostic's file relative to the project folder (the manifest names no folder
    of the machine it was built on); read back relative to the working folder."""
    if path is None or not os.path.exists(path):
        return path
    resolved = Path(path).resolve()
    return resolved.relative_to(root.resolve()).as_posix() if resolved.is_relative_to(root.resolve()) \
        else path


def as_json(value: Mapping[str, Any]) -> dict[str, Any]:
    """``value`` as it reads back from JSON (tuples become lists, keys strings)."""
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def shared_files(issues: list[Path], project_file: Any) -> dict[str, str]:
    """Files every worker of a cluster must see as this machine does: ``zinekit.toml``
    and the front-matter files of ``issues`` (absolute path → SHA-256)."""
    paths = [Path(project_file.path)] if project_file is not None else []
    paths += [issue / "issue.md" if issue.is_dir() else issue for issue in issues]
    return {str(path.resolve()): file_digest(path) for path in paths if path.is_file()}


# --- 3. the result store (zinekit.pipeline.store) ---------------------------------------------------


def result_key(inputs: Mapping[str, Any]) -> str:
    """The content address of a result: the SHA-256 of its inputs."""
    return bytes_digest(json.dumps(as_json(inputs), sort_keys=True).encode("utf-8"))


def store(out: Path, manifest: BuildManifest, data: bytes) -> None:
    """Keep the outputs just written in ``out`` in the store (see :mod:`zinekit.pipeline.store`)."""
    result_store.keep(out, manifest, data, result_key(manifest.inputs))


def restore(out: Path, inputs: Mapping[str, Any], root: Path, warn: Warn = _quiet) -> BuildManifest | None:
    """The result of an earlier build with these inputs, written back into ``out``
    from the store; None when the store has none (or a file of it was changed)."""
    if not real_folder(out, out.parent):
        return None
    found = result_store.restore(out, result_key(inputs), lambda p: read_manifest(p, warn), warn)
    if found is None or found[0].inputs != as_json(inputs):
        return None
    write_bytes(manifest_path(out), manifest_json(found[0]), within=out.parent)
    return reusable(out, inputs, root, warn)


def prune_store(out_root: Path, warn: Warn = _quiet) -> None:
    """Keep the newest results of each issue and the files they name (:mod:`zinekit.pipeline.store`)."""
    result_store.prune(out_root, read_manifest, warn)
