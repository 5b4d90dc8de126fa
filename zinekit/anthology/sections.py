"""What an anthology takes of a text: the lines of a whole article, or of a chapter.

A chapter is a heading's section: the lines after its heading up to the next heading,
anywhere later in the same file, of the same level or higher (``#`` is higher than
``##``), or the end of the file.  Headings are read from the whole file, so a ``##``
chapter of a book in one file ends at the next ``#`` even though that heading opens
another chapter (another :class:`~zinekit.model.Article`); and the level-1 chapters of
such a book, each an article already, are cut from the file the same way.  Only
headings outside block quotes, lists and containers end a section, as only they
open a chapter of a book.

The lines taken keep their numbers (the others are blanked), so what a message names
is the original file's line; a footnote comes along when the section calls it,
wherever it is defined, and a definition inside the section that only other sections
call stays behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zinekit.markup import parse_markdown
from zinekit.model import Article, Heading, Issue

FOOTNOTE_CALL = re.compile(r"\[\^([^\]\s]+)\](?!:)")
FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
#: ``[label]: address`` — a link's definition, anywhere in the file; it prints nothing
LINK_DEFINITION = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:\s*\S")


@dataclass(frozen=True)
class OutlineHeading:
    """A heading outside any block of a file: its first line, the line after it (a
    title underlined with ``===`` takes two) and its level."""

    first: int
    after: int
    level: int


Outlines = dict[str, list[OutlineHeading]]  # by file path


def outline(article: Article, allow_html: bool, known: Outlines) -> list[OutlineHeading]:
    """The headings outside any block of ``article``'s file (parsed once, then kept in
    ``known``)."""
    key = str(article.path)
    if key not in known:
        parsed = parse_markdown("\n".join(article.text.lines), key, allow_html=allow_html)
        known[key] = [OutlineHeading(t.map[0] + 1, t.map[1] + 1, int(t.tag[1]))
                      for t in parsed.tokens if t.type == "heading_open" and t.level == 0 and t.map]
    return known[key]


def span_of(article: Article, heading: Heading | None, original: Issue,
            known: Outlines) -> range:
    """The lines (1-based) an anthology takes of ``article``: the section of
    ``heading``, else the article's own lines (for a chapter of a book in one file,
    its section; for the book's introduction, what precedes the first chapter)."""
    last = len(article.text.lines) + 1
    headings = outline(article, original.build.typed.allow_html, known)
    if heading is None and not article.chapter:
        if article.is_intro and any(a.chapter and a.path == article.path for a in original.articles):
            return range(1, min((h.first for h in headings if h.level == 1), default=last))
        return range(1, last)
    first, level = (heading.where.line, heading.level) if heading is not None \
        else (article.meta.line_of("title"), 1)
    start = next((h.after for h in headings if h.first == first), first + 1)
    end = min((h.first for h in headings if h.first > first and h.level <= level), default=last)
    return range(start, max(start, end))


def section_lines(lines: list[str], span: range) -> list[str]:
    """``lines`` with everything outside ``span`` blanked, except the footnotes it
    calls; definitions inside it that it does not call are blanked: line numbers stay."""
    if span == range(1, len(lines) + 1):
        return list(lines)
    keep = set(span)
    definitions = {number: _definition_lines(lines, number) for number, line
                   in enumerate(lines, start=1) if FOOTNOTE_DEFINITION.match(line)}
    for first, lines_of_note in definitions.items():  # notes defined inside, called elsewhere
        keep.difference_update(lines_of_note)
    called = {m.group(1) for n in keep for m in FOOTNOTE_CALL.finditer(lines[n - 1])}
    for first, lines_of_note in definitions.items():
        label = FOOTNOTE_DEFINITION.match(lines[first - 1])
        if label is not None and label.group(1) in called:
            keep.update(lines_of_note)
    keep.update(n for n, line in enumerate(lines, start=1) if LINK_DEFINITION.match(line))
    return [line if number in keep else "" for number, line in enumerate(lines, start=1)]


def _definition_lines(lines: list[str], first: int) -> range:
    """The lines of the footnote definition starting on line ``first``: it goes on
    while lines are indented, or blank before an indented line."""
    last = first
    for number in range(first + 1, len(lines) + 1):
        line = lines[number - 1]
        if line.startswith(("    ", "\t")):
            last = number
        elif line.strip() or FOOTNOTE_DEFINITION.match(line):
            break
    return range(first, last + 1)


def overlap(one: range, other: range) -> bool:
    return one.start < other.stop and other.start < one.stop
