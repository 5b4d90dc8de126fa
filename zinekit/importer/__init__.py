"""``zinekit import``: texts as editors receive them → zinekit Markdown with a report.

One module per source format (plain text, HTML, Jekyll/Hugo Markdown, Muse, docx and
odt); each returns an :class:`~zinekit.importer.document.Imported` (front matter, body,
report).  :mod:`zinekit.importer.write` writes one file or a folder issue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from zinekit.errors import SourceError, ZinekitError
from zinekit.importer.document import Imported
from zinekit.importer.source import read_text

#: Format name → the file endings that name it.
FORMATS: dict[str, tuple[str, ...]] = {
    "text": (".txt", ".text"),
    "html": (".html", ".htm", ".xhtml"),
    "jekyll": (".md", ".markdown", ".mdown"),
    "muse": (".muse",),
    "docx": (".docx",),
    "odt": (".odt",),
}
ALIASES = {"hugo": "jekyll", "markdown": "jekyll", "txt": "text", "plain": "text"}
FORMAT_NAMES = tuple(FORMATS) + tuple(ALIASES)


def detect_format(path: Path, given: str | None = None) -> str | None:
    """The format named by ``--from`` or by the file's ending; None if neither says."""
    if given:
        return ALIASES.get(given, given)
    suffix = path.suffix.lower()
    return next((name for name, endings in FORMATS.items() if suffix in endings), None)


def import_file(path: Path, fmt: str | None = None) -> Imported:
    """Import one file; raise :class:`ZinekitError` for input that cannot be read."""
    name = detect_format(path, fmt)
    if name is None:
        raise ZinekitError(f"{path}: cannot tell the format from the ending {path.suffix!r}; "
                           f"name it with --from ({', '.join(FORMATS)})")
    return _importer(name)(path)


def _importer(name: str) -> Callable[[Path], Imported]:
    if name == "text":
        from zinekit.importer.plaintext import import_plaintext

        return lambda path: import_plaintext(read_text(path), str(path))
    if name == "html":
        from zinekit.importer.html import import_html

        return lambda path: import_html(read_text(path), str(path))
    if name == "jekyll":
        from zinekit.importer.jekyll import import_jekyll

        return lambda path: import_jekyll(read_text(path), str(path))
    if name == "muse":
        from zinekit.importer.muse import import_muse

        return lambda path: import_muse(read_text(path), str(path))
    from zinekit.importer.office import import_office

    return lambda path: import_office(path, name)


__all__ = ["FORMATS", "Imported", "SourceError", "detect_format", "import_file"]
