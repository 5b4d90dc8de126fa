"""Muse (Amusewiki, The Anarchist Library) → zinekit Markdown, through pandoc's Muse reader.

Pandoc reads headings (``*``, ``**`` …), emphasis, ``<quote>``, ``<biblio>`` and footnotes
``[1]``, but it reads secondary notes ``{1}`` — the editor's — as ordinary notes and
silently drops a note that is never called.  So before pandoc runs, each ``{n}`` becomes
a primary note whose text opens with "ed." (zinekit's editor's footnote), and every
call and note is checked here, with its line; a note never called is kept as a
paragraph.
"""

from __future__ import annotations

import re
from typing import Any

from zinekit.importer.document import Imported
from zinekit.importer.pandoc import clean, count_notes, metadata, to_ast, to_markdown
from zinekit.importer.report import Report

CALL = re.compile(r"(?<!^)(\[(\d+)\]|\{(\d+)\})", re.M)
NOTE = re.compile(r"^(\[(\d+)\]|\{(\d+)\})(?=\s)", re.M)
LITERAL = re.compile(r"<(example|verbatim|src|code)\b.*?</\1>|\{\{\{.*?\}\}\}", re.S)
SECONDARY = 100_000
META_KEYS = {"title": "title", "subtitle": "subtitle", "author": "authors", "date": "date",
             "source": "source", "lang": "language", "notes": "x-muse-notes"}


def import_muse(text: str, source: str) -> Imported:
    """Import one Muse text."""
    report = Report(source)
    text = check_notes(text, report)
    ast = to_ast(text=primary_notes(text), reader="muse", source=source)
    ast["blocks"] = clean(ast["blocks"], report)
    report.count("footnotes", count_notes(ast["blocks"]))
    return Imported(_meta(metadata(ast)), to_markdown(ast), report, "muse")


def _meta(found: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key, value in found.items():
        name = META_KEYS.get(key, f"x-{key}")
        if name == "authors":
            value = value if isinstance(value, list) else re.split(r",\s*|\s+and\s+", value)
        meta[name] = value
    return meta


def _masked(text: str) -> str:
    """The text with literal regions blanked (same length), so markers there are ignored."""
    return LITERAL.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def check_notes(text: str, report: Report) -> str:
    """Report calls without notes and notes without calls; keep the latter as text."""
    masked = _masked(text)
    calls = {m.group(1) for m in CALL.finditer(masked)}
    notes = {m.group(1): m for m in NOTE.finditer(masked)}
    for m in CALL.finditer(masked):
        if m.group(1) not in notes:
            line, col = _position(text, m.start(1))
            report.warning(f"note call {m.group(1)} has no note; left as written", line, col)
    for marker, m in sorted(notes.items(), key=lambda kv: kv[1].start(), reverse=True):
        if marker not in calls:
            line, _ = _position(text, m.start())
            report.warning(f"note {marker} has no call; kept as a paragraph where it is", line)
            text = text[:m.start()] + f"<verbatim>{marker}</verbatim>" + text[m.end():]
    return text


def primary_notes(text: str) -> str:
    """``{n}`` calls and notes → primary notes whose text starts with "ed."."""
    masked = _masked(text)
    edits: list[tuple[int, int, str]] = []
    for m in NOTE.finditer(masked):
        if m.group(3):
            rest = text[m.end():].lstrip()
            prefix = "" if rest.lower().startswith("ed.") else " ed. –"
            edits.append((m.start(), m.end(), f"[{SECONDARY + int(m.group(3))}]{prefix}"))
    for m in CALL.finditer(masked):
        if m.group(3):
            edits.append((m.start(1), m.end(1), f"[{SECONDARY + int(m.group(3))}]"))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
