"""Plain text (copied from a library page, extracted from a PDF) → zinekit Markdown.

The steps, in order:

1. remove what printed pages leave in extracted text: page numbers, running heads and
   feet (:mod:`zinekit.importer.pages`), keeping where each page ends;
2. split the text into paragraphs, keeping each one's source line;
3. remove stray tags left by extraction (``<u>``), keeping their text, and the site's
   sign-up lines and recommendations (:mod:`zinekit.importer.boilerplate`);
4. make whole the words hyphenated at line ends;
5. read the header lines as front matter, and a list of the authors later in the text
   (:mod:`zinekit.importer.header`);
6. find note bodies and calls and join them into footnotes (:mod:`zinekit.importer.notes`);
7. read chapter lines and short stand-alone lines as headings
   (:mod:`zinekit.importer.headings`);
8. join paragraphs broken at a page end to the one open paragraph that can take them
   (:mod:`zinekit.importer.rejoin`), the notes moving after the paragraph;
9. write Markdown that prints the words as they were written.

Editor's notes (``[ed. – …]``) and "see" clauses are left exactly as written: zinekit's
markup reads them.
"""

from __future__ import annotations

import re

from zinekit.errors import SourceError
from zinekit.importer.document import Imported
from zinekit.importer.boilerplate import drop_boilerplate
from zinekit.importer.header import drop_author_lines, read_header
from zinekit.importer.headings import drop_contents, mark_headings
from zinekit.importer.notes import (
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
from zinekit.importer.rejoin import rejoin
from zinekit.importer.report import Report
from zinekit.importer.textblocks import (
    Block,
    clean_tags,
    escape_block,
    split_blocks,
)



def import_plaintext(text: str, source: str) -> Imported:
    """Import one plain text; ``source`` names it in the report."""
    report = Report(source)
    paged = remove_page_furniture(text, report)
    blocks = split_blocks(paged.text)
    if not blocks:
        raise SourceError("file is empty: there is no text to import", source, 1, 1)
    clean_tags(blocks, report)
    drop_boilerplate(blocks, report)
    vocabulary = Vocabulary(text)
    mend_hyphenation(blocks, vocabulary, report)
    header = read_header(blocks, report)
    body = split_note_lines(header.kept + blocks[header.body_start:])
    drop_author_lines(body, header.meta, report)
    calls = find_notes(body, report)
    mark_headings(body, report, paged.breaks)
    drop_contents(body, report)
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
