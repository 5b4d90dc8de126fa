"""Plain text (copied from a library page, extracted from a PDF) → zinekit Markdown.

The steps, in order:

1. split the text into paragraphs, keeping each one's source line;
2. remove stray tags left by extraction (``<u>``), keeping their text;
3. read the header lines as front matter (:mod:`zinekit.importer.header`);
4. find note bodies and calls and join them into footnotes (:mod:`zinekit.importer.notes`);
5. read short stand-alone lines as headings;
6. rejoin paragraphs broken at a page end (the first half ends mid-sentence, the second
   opens in lower case, only notes between them), the notes moving after the paragraph;
7. write Markdown that prints the words as they were written.

Editor's notes (``[ed. – …]``) and "see" clauses are left exactly as written: zinekit's
markup reads them.
"""

from __future__ import annotations

import re

from zinekit.errors import SourceError
from zinekit.importer.document import Imported
from zinekit.importer.header import read_header
from zinekit.importer.notes import (
    NOTES_HEADING,
    Call,
    choose_style,
    join,
    mark_bodies,
    mark_calls,
    notes_section_start,
    split_note_lines,
)
from zinekit.importer.pages import (
    has_wrapped_lines,
    mend_hyphenation,
    page_markers,
    remove_page_furniture,
    Vocabulary,
)
from zinekit.importer.rejoin import FOOT_MATERIAL, rejoin
from zinekit.importer.report import Report
from zinekit.importer.textblocks import (
    Block,
    clean_tags,
    escape_block,
    is_terminated,
    split_blocks,
    starts_lower,
)

CHAPTER = re.compile(r"^(?:\d+\.?\s+)?[^\Wa-z]?[A-Z0-9][A-Z0-9 ,'’&:()\-]*$")


def import_plaintext(text: str, source: str) -> Imported:
    """Import one plain text; ``source`` names it in the report."""
    report = Report(source)
    paged = remove_page_furniture(text, report)
    blocks = split_blocks(paged.text)
    if not blocks:
        raise SourceError("file is empty: there is no text to import", source, 1, 1)
    clean_tags(blocks, report)
    vocabulary = Vocabulary(text)
    mend_hyphenation(blocks, vocabulary, report)
    header = read_header(blocks, report)
    body = split_note_lines(header.kept + blocks[header.body_start:])
    calls = find_notes(body, report)
    mark_headings(body, report)
    wrapped = paged.is_paged or has_wrapped_lines(body)
    body = rejoin(page_markers(body, paged.breaks), report, vocabulary, wrapped)
    return Imported(header.meta, render(body, calls), report, "text")


def find_notes(blocks: list[Block], report: Report) -> list[Call]:
    """Mark note bodies, replace calls by placeholders and join the two."""
    section = notes_section_start(blocks)
    style = choose_style(blocks, section)
    calls: list[Call] = []
    if style is None:
        return calls
    mark_bodies(blocks, style, section)
    mark_calls(blocks, style, section, calls)
    join(blocks, calls, style, report)
    if section < len(blocks) and all(b.kind in ("note", "continuation") and (b.label or
                                     b.kind == "continuation") for b in blocks[section:]):
        heading = blocks[section - 1]
        heading.kind = "dropped"
        report.note(f"heading {heading.text.strip()!r} left out: its notes are footnotes now",
                    heading.line, dropped=heading.text)
    return calls


# --- headings -----------------------------------------------------------------------------


def mark_headings(blocks: list[Block], report: Report) -> None:
    """Short stand-alone lines between finished paragraphs are headings; a run of more
    than two such lines is a list (a table of contents), not headings."""
    candidates = [i for i, b in enumerate(blocks) if b.kind == "body" and _heading_like(b.text)]
    runs: list[list[int]] = []
    for i in candidates:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    chosen = [i for run in runs if len(run) <= 2 for i in run if _stands_alone(blocks, i)]
    chapters = any(CHAPTER.match(blocks[i].text) for i in chosen)
    for i in chosen:
        block = blocks[i]
        block.kind = "heading"
        block.level = 1 if chapters and CHAPTER.match(block.text) or not chapters else 2
        report.note(f"read as a heading: {block.text!r}", block.line)
        report.count("headings")


def _heading_like(text: str) -> bool:
    words = text.split()
    return ("\n" not in text and "\0" not in text and 1 <= len(words) <= 12 and len(text) <= 90
            and not re.search(r"[.,;:!]['\"”’)]*$", text) and text[0].isalnum()
            and (text[0].isupper() or text[0].isdigit()) and not NOTES_HEADING.match(text))


def _stands_alone(blocks: list[Block], i: int) -> bool:
    after = blocks[i + 1] if i + 1 < len(blocks) else None
    before = blocks[i - 1] if i > 0 else None
    if after is None or starts_lower(after.text) or after.kind in FOOT_MATERIAL:
        return False
    return before is None or before.kind != "body" or is_terminated(before.text)


# --- Markdown -----------------------------------------------------------------------------


def render(blocks: list[Block], calls: list[Call]) -> str:
    parts: list[str] = []
    for block in blocks:
        if block.kind in ("dropped", "continuation", "page"):
            continue
        if block.kind == "heading":
            parts.append("#" * block.level + " " + block.text.strip())
        elif block.kind == "note":
            parts.append(_note(block))
        else:
            parts.append(escape_block(block.text))
    markdown = "\n\n".join(parts) + "\n"
    return re.sub(r"\0(\d+)\0", lambda m: _call(calls[int(m.group(1))]), markdown)


def _note(block: Block) -> str:
    paragraphs = [escape_block(block.text)] + [escape_block(b.text) for b in block.extra]
    indented = ["\n".join("    " + line for line in p.split("\n")) for p in paragraphs[1:]]
    return "\n\n".join([f"[^{block.label}]: {paragraphs[0]}"] + indented)


def _call(call: Call) -> str:
    return f"[^{call.label}]" if call.label else call.marker
