"""``zinekit import``: texts as editors receive them → zinekit Markdown with a report.

One module per source format (plain text, HTML, Jekyll/Hugo Markdown, Muse, docx and
odt); each returns an :class:`~zinekit.importer.document.Imported` (front matter, body,
report).  :mod:`zinekit.importer.write` writes one file or a folder issue.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from zinekit.errors import SourceError, display_path
from zinekit.importer.document import Imported
from zinekit.importer.source import read_text
from zinekit.safety.limits import irregular_kind

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


_FRONT_MATTER = re.compile(r"\A\ufeff?(---|\+\+\+)[ \t]*\r?\n(?:[^\n]*\n){0,80}?\1[ \t]*\r?$",
                           re.MULTILINE)
_FRONT_MATTER_KEY = re.compile(r"^[A-Za-z_][\w-]*[ \t]*[:=]", re.MULTILINE)
_HTML_START = re.compile(r"\A\ufeff?\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])",
                         re.IGNORECASE | re.DOTALL)


def sniff_text(text: str) -> str:
    """What a file named as plain text really holds: a Jekyll or Hugo post (it opens
    with front matter between ``---`` or ``+++`` lines), a saved web page (it opens
    with ``<!DOCTYPE html>`` or ``<html>``), or plain text."""
    head = text[:20_000]
    front = _FRONT_MATTER.match(head)
    if front and _FRONT_MATTER_KEY.search(front.group(0)):
        return "jekyll"
    if _HTML_START.match(head):
        return "html"
    return "text"


def import_file(path: Path, fmt: str | None = None) -> Imported:
    """Import one file; raise :class:`SourceError` for input that cannot be read.
    A ``.txt`` file (without ``--from``) is read as what it holds: a post that opens
    with front matter is a Jekyll/Hugo post, a saved page an HTML page."""
    kind = irregular_kind(path)
    if kind is not None:  # /dev/zero never ends, a named pipe may never start
        raise SourceError(f"{display_path(path)} is {kind}, not a regular file; not read",
                          str(path))
    name = detect_format(path, fmt)
    if name is None:
        raise SourceError(f"cannot tell the format from the ending {path.suffix!r}; "
                          f"name it with --from ({', '.join(FORMATS)})", str(path))
    if name in ("docx", "odt"):
        from zinekit.importer.office import import_office

        return import_office(path, name)
    text = read_text(path)
    held = sniff_text(text) if name == "text" and not fmt else name
    imported = _text_importer(held)(text, str(path))
    if held != name:
        kind = "a Jekyll/Hugo post" if held == "jekyll" else "an HTML page"
        imported.report.note(f"read as {kind} (what the file holds), not as plain text; "
                             f"--from text reads it as plain text", 1, 1)
    return imported


def _text_importer(name: str) -> Callable[[str, str], Imported]:
    """The importer of a format read as text: (text, source name) → Imported."""
    if name == "html":
        from zinekit.importer.html import import_html

        return import_html
    if name == "jekyll":
        from zinekit.importer.jekyll import import_jekyll

        return import_jekyll
    if name == "muse":
        from zinekit.importer.muse import import_muse

        return import_muse
    from zinekit.importer.plaintext import import_plaintext

    return import_plaintext


__all__ = ["FORMATS", "Imported", "SourceError", "detect_format", "import_file"]
