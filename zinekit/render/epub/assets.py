"""What an EPUB carries besides its pages: images, the stylesheet, fonts.

Images are read only inside the project folder; a missing one is a located error.  The
stylesheet is the theme's ``epub`` stylesheets (or its ``screen`` ones) in one file;
fonts are embedded only when their licence allows it and only the faces the text uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from zinekit.errors import Diagnostics
from zinekit.render.asset_rules import (FONT_TYPES, IMAGE_TYPES, MAX_IMAGE_BYTES, css_urls,  # noqa: F401
                                        set_url, url_of)
from zinekit.safety.limits import irregular_kind, toml_loads
from zinekit.markup.sanitize import remote_removed
from zinekit.model import Article, Issue
from zinekit.themes_loader import Theme, checked_stylesheet
from zinekit.safety.names import existing_path



@dataclass
class Resource:
    """A file inside the EPUB's content folder."""

    name: str  # e.g. "images/seed-box.svg"
    media_type: str
    data: bytes
    properties: set[str] = field(default_factory=set)


class Resources:
    """The non-page files of the EPUB, each packed once under a unique name."""

    def __init__(self) -> None:
        self.items: dict[str, Resource] = {}
        self._by_source: dict[Path, str] = {}

    def add(self, name: str, media_type: str, data: bytes, properties: set[str] | None = None) -> str:
        self.items[name] = Resource(name, media_type, data, set(properties or ()))
        return name

    def add_file(self, path: Path, folder: str, media_type: str) -> str:
        """Pack ``path`` as ``folder/<its name>`` (numbered if the name is taken)."""
        path = path.resolve()
        if path in self._by_source:
            return self._by_source[path]
        stem, suffix = _safe_name(path.stem), path.suffix.lower()
        name, n = f"{folder}/{stem}{suffix}", 1
        while name in self.items:
            n += 1
            name = f"{folder}/{stem}-{n}{suffix}"
        self._by_source[path] = self.add(name, media_type, path.read_bytes())
        return name


def _safe_name(stem: str) -> str:
    """File names inside the EPUB: ASCII letters, digits and hyphens (epubcheck warns
    about characters some reading systems mishandle)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-") or "file"


# --- images ------------------------------------------------------------------------

class ImagePacker:
    """Finds, checks and packs the images one article refers to."""

    def __init__(self, issue: Issue, resources: Resources, diagnostics: Diagnostics) -> None:
        self.issue = issue
        self.resources = resources
        self.diagnostics = diagnostics
        self.root = issue.root.resolve()

    def for_article(self, article: Article | None):
        """A function from an ``img`` address to its packed name, or None."""
        return lambda src: self.pack(src, article)

    def pack(self, src: str, article: Article | None) -> str | None:
        base = (article.path if article else self.issue.source_file).parent
        where = self._where(src, article)
        if urlparse(src).scheme:
            # the same words as the PDF's warning, so one image gets one message
            if self.issue.build.typed.allow_network:
                self.diagnostics.warning(f"not packed in the EPUB: {src} (an EPUB carries only "
                                         "the project's own images)", *where)
            else:
                self.diagnostics.warning(f"not loaded: {src} (the network is off (set "
                                         "allow_network = true in [build]))", *where)
            return None
        return self.pack_path(base / unquote(src.split("#")[0].split("?")[0]), src, where)

    def pack_path(self, path: Path, written: str, where: tuple[str, int, int]) -> str | None:
        """Pack a project image; report, at ``where``, why it cannot be."""
        resolved = existing_path(path).resolve()
        if not resolved.is_relative_to(self.root):
            self.diagnostics.warning(f"not loaded: {written} (it is outside the project folder)",
                                     *where)
            return None
        kind = irregular_kind(resolved)
        if kind is not None:
            self.diagnostics.error(f"image is {kind}, not a regular file; not read: {written}",
                                   *where)
            return None
        if not resolved.is_file():
            self.diagnostics.error(f"image not found: {written}", *where)
            return None
        media_type = IMAGE_TYPES.get(resolved.suffix.lower())
        if media_type is None:
            self.diagnostics.error(f"image type not supported in EPUB: {written} (use PNG, "
                                   "JPEG, GIF, WebP or SVG)", *where)
            return None
        if resolved.stat().st_size > MAX_IMAGE_BYTES:
            self.diagnostics.error(f"image is larger than {MAX_IMAGE_BYTES // 2**20} MB: {written}",
                                   *where)
            return None
        return self.resources.add_file(resolved, "images", media_type)

    def remote_removed(self, article: Article | None):
        """A warning, at the address in ``article``, for a remote address taken out."""
        def warn(what: str, address: str) -> None:
            self.diagnostics.warning(remote_removed(what), *self._where(address, article))
        return warn

    def _where(self, src: str, article: Article | None) -> tuple[str, int, int]:
        if article is None:
            return str(self.issue.source_file), 0, 0
        for image in article.images:
            if image.src == src:
                return str(article.path), image.line, image.col
        for number, line in enumerate(article.lines, start=1):
            if src in line:  # not a Markdown image: raw HTML, say
                return str(article.path), number, line.index(src) + 1
        return str(article.path), 0, 0


# --- stylesheets -------------------------------------------------------------------

def epub_stylesheets(theme: Theme) -> list[Path]:
    """The theme's ``epub`` stylesheets, parents' first.

    Each theme in the ``extends`` chain contributes its ``[stylesheets] epub`` list, or,
    when it has none, its ``screen`` list: a theme written before EPUB support still
    looks like its web edition.
    """
    names: list[str] = []
    for folder in reversed(theme.folders):
        manifest = folder / "theme.toml"
        if not manifest.is_file():
            continue
        sheets = toml_loads(manifest.read_text(encoding="utf-8"), manifest).get("stylesheets", {})
        for name in sheets.get("epub", sheets.get("screen", [])):
            if name not in names:
                names.append(name)
    found = []
    for name in names:
        path = theme.find(f"css/{name}")
        if path is not None:
            found.append(checked_stylesheet(path))
    return found


def theme_file(css_file: Path, url: str, theme: Theme) -> Path | None:
    """A stylesheet's ``url()`` as a file inside the theme's folders, else None."""
    if not url or urlparse(url).scheme:
        return None
    path = (css_file.parent / unquote(url)).resolve()
    if any(path.is_relative_to(folder.resolve()) for folder in theme.folders) and path.is_file():
        return path
    return None
