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
from bisect import bisect_right
from typing import Any

from zinekit.importer.document import Imported
from zinekit.importer.pandoc import clean, count_notes, metadata, to_ast, to_markdown
from zinekit.importer.report import Report

CALL = re.compile(r"(?<!^)(\[(\d+)\]|\{(\d+)\})", re.M)
NOTE = re.compile(r"^(\[(\d+)\]|\{(\d+)\})(?=\s)", re.M)
LITERAL_OPEN = re.compile(r"<(example|verbatim|src|code)\b|\{\{\{")
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
    return Imported(_meta(metadata(ast)), to_markdown(ast, source), report, "muse")


def _meta(found: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key, value in found.items():
        name = META_KEYS.get(key, f"x-{key}")
        if name == "authors":
            value = value if isinstance(value, list) else re.split(r",\s*|\s+and\s+", value)
        meta[name] = value
    return meta


def _masked(text: str) -> str:
    """The text with literal regions blanked (same length), so markers there are ignored.
    A region runs from its opening to the next closing of its kind; one never closed is
    not literal (each closing is searched for once: an unclosed ``<example`` repeated
    was searched to the end of the text each time)."""
    parts, end = [], 0
    unclosed: set[str] = set()
    for m in LITERAL_OPEN.finditer(text):
        if m.start() < end:
            continue  # inside the region before
        closing = f"</{m.group(1)}>" if m.group(1) else "}}}"
        found = -1 if closing in unclosed else text.find(closing, m.end())
        if found == -1:
            unclosed.add(closing)
            continue
        parts += [text[end:m.start()], re.sub(r"[^\n]", " ", text[m.start():found + len(closing)])]
        end = found + len(closing)
    return "".join(parts) + text[end:]


def check_notes(text: str, report: Report) -> str:
    """Report calls without notes and notes without calls; keep the latter as text."""
    masked = _masked(text)
    lines = _line_starts(text)
    calls = {m.group(1) for m in CALL.finditer(masked)}
    notes = {m.group(1): m for m in NOTE.finditer(masked)}
    for m in CALL.finditer(masked):
        if m.group(1) not in notes:
            line, col = _position(lines, m.start(1))
            report.warning(f"note call {m.group(1)} has no note; left as written", line, col)
    edits = []
    for marker, m in sorted(notes.items(), key=lambda kv: kv[1].start()):
        if marker not in calls:
            report.warning(f"note {marker} has no call; kept as a paragraph where it is",
                           _position(lines, m.start())[0])
            edits.append((m.start(), m.end(), f"<verbatim>{marker}</verbatim>"))
    return _edited(text, edits)


def primary_notes(text: str) -> str:
    """``{n}`` calls and notes → primary notes whose text starts with "ed."."""
    masked = _masked(text)
    edits: list[tuple[int, int, str]] = []
    for m in NOTE.finditer(masked):
        if m.group(3):
            rest = text[m.end():m.end() + 40].lstrip()
            prefix = "" if rest.lower().startswith("ed.") else " ed. –"
            edits.append((m.start(), m.end(), f"[{SECONDARY + int(m.group(3))}]{prefix}"))
    for m in CALL.finditer(masked):
        if m.group(3):
            edits.append((m.start(1), m.end(1), f"[{SECONDARY + int(m.group(3))}]"))
    return _edited(text, sorted(edits))


def _edited(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, new)`` of ``edits`` (in order, not
    overlapping) made, in one pass (one copy of the text per edit was quadratic)."""
    parts, end = [], 0
    for start, stop, new in edits:
        parts += [text[end:start], new]
        end = stop
    return "".join(parts) + text[end:]


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _position(starts: list[int], offset: int) -> tuple[int, int]:
    line = bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1
