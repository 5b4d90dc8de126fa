"""Headings in plain text: chapters the text's structure shows, and short lines that
stand alone between paragraphs.

1. chapter lines: numbered (``1. INTRODUCTION``, ``5. IDENTITY``) or in capitals
   (``FURTHER READING``); they are headings when the text has at least two of a kind,
   each followed by prose within two paragraphs, the numbers going up.  A table of
   contents (the same titles, one after the other, with no prose) is not;
2. other short stand-alone lines between a finished paragraph and the next are
   headings, one level below the chapters; a run of more than two is a list; a line
   that stops mid-sentence where a printed page ends is a paragraph broken off;
3. a heading followed by prose is reported as a ``note``; one that is not is a guess,
   a ``warning``;
4. the text's own table of contents (a "Contents" line, then entries most of which are
   the headings found) is left out with a note: the build prints its own.
"""

from __future__ import annotations

import bisect
import re
from typing import Sequence

from zinekit.importer.notes import NOTES_HEADING
from zinekit.importer.rejoin import FOOT_MATERIAL, MID_SENTENCE
from zinekit.importer.report import Report
from zinekit.importer.textblocks import Block, is_terminated, starts_lower

NUMBERED_CHAPTER = re.compile(r"^(\d{1,3})\.?\s+([^\W\d_a-z][^a-z]*)$")
CAPITALS_CHAPTER = re.compile(r"^[^\W\d_a-z][^a-z]*$")
PROSE = 150  # characters: a paragraph, not a title or a list entry
CONTENTS_LINE = re.compile(
    r"^(?:table of contents|contents|table des mati[eè]res|sommaire|inhalt|"
    r"inhaltsverzeichnis|[ií]ndice|sum[aá]rio|indice|spis tre[sś]ci|содержание|"
    r"оглавление|περιεχόμενα|i[cç]indekiler|目次|目录|目錄)\s*:?$", re.IGNORECASE)
ENTRY_NUMBER = re.compile(r"^(?:\d{1,3}|[ivxlc]{1,6})[.)]?\s+", re.IGNORECASE)
ENTRY_PAGE = re.compile(r"[\s.·…_-]*\d{1,4}$")
#: Most entries of a table of contents name a heading of the text.
CONTENTS_MATCHING = 0.6


def mark_headings(blocks: list[Block], report: Report, page_ends: Sequence[int] = ()) -> None:
    """Mark chapter lines, then short stand-alone lines, as headings; ``page_ends`` are
    the lines where printed pages end (a line there may be a paragraph broken off)."""
    chapters = chapter_lines(blocks)
    for i in chapters:
        _make_heading(blocks[i], 1, "a chapter heading", report)
    candidates = [i for i, b in enumerate(blocks) if b.kind == "body" and _heading_like(b.text)]
    runs: list[list[int]] = []
    for i in candidates:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    chosen = [i for run in runs if len(run) <= 2 for i in run if _stands_alone(blocks, i)
              and not _broken_at_page_end(blocks, i, page_ends)]
    for i in chosen:
        guess = not _prose_follows(blocks, i, 1)
        _make_heading(blocks[i], 2 if chapters else 1, "a heading", report, guess)


def drop_contents(blocks: list[Block], report: Report) -> None:
    """Leave out the text's own table of contents: a "Contents" line and the short lines
    after it, when most of them name a heading that comes later (the build prints its
    own contents, with page numbers that are right)."""
    for start, block in enumerate(blocks):
        if block.kind in ("body", "heading") and CONTENTS_LINE.match(block.text.strip()):
            break
    else:
        return
    entries: list[Block] = []
    for i in range(start + 1, len(blocks)):
        block = blocks[i]
        if block.kind not in ("body", "heading") or "\n" in block.text.strip() \
                or not _short(block.text.strip()) or _prose_follows(blocks, i, 1) \
                or _entry_key(block.text) in {_entry_key(e.text) for e in entries}:
            break  # the text itself begins: prose, or a title the contents named
        entries.append(block)
    later = {_entry_key(b.text) for b in blocks[start + 1 + len(entries):] if b.kind == "heading"}
    named = sum(1 for e in entries if _entry_key(e.text) in later)
    if len(entries) < 2 or named < CONTENTS_MATCHING * len(entries):
        return
    for dropped in [blocks[start], *entries]:
        if dropped.kind == "heading":
            report.counts["headings"] -= 1
        dropped.kind = "dropped"
    text = "\n".join(b.text.strip() for b in [blocks[start], *entries])
    report.note(f"the text's own table of contents left out ({len(entries)} entries, lines "
                f"{blocks[start].line}–{entries[-1].last_line}): the build prints its own",
                blocks[start].line, dropped=text)
    report.count("contents left out")


def _entry_key(text: str) -> str:
    """A contents entry or a heading as the two are compared: no number before it, no
    page number or leader after it, case and spacing folded."""
    text = ENTRY_PAGE.sub("", ENTRY_NUMBER.sub("", text.strip()))
    return " ".join(text.split()).casefold()


def chapter_lines(blocks: list[Block]) -> list[int]:
    """Indexes of the chapter lines, if the text has chapters."""
    numbered = [i for i, b in enumerate(blocks) if b.kind == "body" and _short(b.text)
                and NUMBERED_CHAPTER.match(b.text) and _prose_follows(blocks, i, 2)]
    numbers = [int(NUMBERED_CHAPTER.match(blocks[i].text).group(1)) for i in numbered]  # type: ignore[union-attr]
    if len(numbered) < 2 or numbers != sorted(set(numbers)):
        numbered = []
    capitals = [i for i, b in enumerate(blocks) if b.kind == "body" and _short(b.text)
                and i not in numbered and CAPITALS_CHAPTER.match(b.text)
                and re.search(r"[^\W\d_]{2}", b.text) and _prose_follows(blocks, i, 2)]
    if len(capitals) + len(numbered) < 2 or not numbered and len(capitals) < 2:
        capitals = []
    return sorted(numbered + capitals)


def _short(text: str) -> bool:
    return "\n" not in text and len(text) <= 90 and len(text.split()) <= 12 \
        and not re.search(r"[.,;:!]['\"”’)]*$", text)


def _prose_follows(blocks: list[Block], i: int, within: int) -> bool:
    """Prose comes after block ``i``, at most ``within`` paragraphs on."""
    for block in blocks[i + 1:i + 1 + within]:
        if block.kind == "body" and len(block.text) >= PROSE:
            return True
        if block.kind == "body" and not _short(block.text):
            return False
    return False


def _make_heading(block: Block, level: int, what: str, report: Report,
                  guess: bool = False) -> None:
    block.kind, block.level = "heading", level
    if guess:
        report.warning(f"read as {what}, a guess (no paragraph of prose follows it): "
                       f"{block.text!r}", block.line)
    else:
        report.note(f"read as {what}: {block.text!r}", block.line)
    report.count("headings")


def _heading_like(text: str) -> bool:
    words = text.split()
    return ("\n" not in text and "\0" not in text and 1 <= len(words) <= 12 and len(text) <= 90
            and not re.search(r"[.,;:!]['\"”’)]*$", text) and text[0].isalnum()
            and (text[0].isupper() or text[0].isdigit()) and not NOTES_HEADING.match(text))


def _broken_at_page_end(blocks: list[Block], i: int, page_ends: Sequence[int]) -> bool:
    """The line is the start of a paragraph cut off by a page end: a page ends right
    after it and it stops on a word in lower case or a comma."""
    if i + 1 >= len(blocks) or not MID_SENTENCE.match(blocks[i].text.split()[-1]):
        return False
    at = bisect.bisect_right(page_ends, blocks[i].last_line)
    return at < len(page_ends) and page_ends[at] < blocks[i + 1].line


def _stands_alone(blocks: list[Block], i: int) -> bool:
    after = blocks[i + 1] if i + 1 < len(blocks) else None
    before = blocks[i - 1] if i > 0 else None
    if after is None or starts_lower(after.text) or after.kind in FOOT_MATERIAL:
        return False
    return before is None or before.kind != "body" or is_terminated(before.text)
