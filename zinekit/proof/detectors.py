"""The proof's detectors: each finds one kind of fault a designer marks on a page.

A detector reads the pages (:mod:`.layout`) and yields :class:`Finding` s; each has a
code of its own (docs/proof.md has the table).  They know nothing of the sources: a
finding names the block (``<article>.<n>`` or a heading's id) it is about, and
:mod:`.locate` turns that into a file, line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterator

from zinekit.proof.layout import Line, Page

MM = 96 / 25.4  # CSS pixels in a millimetre


@dataclass
class Finding:
    code: str
    page: int
    block: str  # what it is about, for locating it in the sources
    message: str
    hint: str
    word: str = ""  # a word to find in the block's source, for a closer column
    file: str = ""
    line: int = 0
    column: int = 0

    def as_dict(self) -> dict:
        return {"code": self.code, "page": self.page, "file": self.file, "line": self.line,
                "column": self.column, "message": self.message, "hint": self.hint}


@dataclass(frozen=True)
class Options:
    """What the proof checks against: the edition proofed and its thresholds."""

    edition: str = "pdf"  # "pdf", "press" or "booklet"
    stretch_em: float = 1.2  # ZK104: widest word space of a justified line
    call_ratio: float = 0.6  # ZK106: a note call's size against its text's
    min_ppi: int = 150  # ZK112 (300 for the press)
    trim_mm: float = 3.0  # ZK113
    moved_notes: dict[str, tuple[int, int]] = field(default_factory=dict)  # ZK107

    @property
    def turns(self) -> Callable[[int], bool]:
        """Whether the reader turns the leaf after page N: after every page on screen,
        after each right-hand (odd) page of a folded booklet."""
        return (lambda n: n % 2 == 1) if self.edition == "booklet" else (lambda n: True)


Detector = Callable[[list[Page], Options], Iterator[Finding]]


def text_lines(page: Page) -> list[Line]:
    return [line for line in page.lines if not line.heading] if page.is_text_page else []


def runt_pages(pages: list[Page], options: Options) -> Iterator[Finding]:
    """ZK101: a page holding one or two lines of text and nothing else, the end of a
    text that began on an earlier page (a text of one line is not a runt)."""
    for page, before in zip(pages, [None, *pages]):
        lines = page.lines if page.is_text_page else []
        if not 1 <= len(lines) <= 2 or page.pictures or len(lines) != len(text_lines(page)):
            continue
        if before is not None and lines[0].article and lines[0].article in before.articles:
            first = lines[0]
            yield Finding("ZK101", page.number, first.block,
                          f"runt page: {len(lines)} line{'s' if len(lines) > 1 else ''} of text "
                          "on a page of its own", "shorten the text before it by a line or two, "
                          "or let the page before run a line long", first.first_word)


def page_turn_hyphens(pages: list[Page], options: Options) -> Iterator[Finding]:
    """ZK102: the last word of a page (of a spread, in a booklet) is hyphenated."""
    turns = options.turns
    for page in pages:
        flow = text_lines(page)
        if not flow or not turns(page.number) or page.number == len(pages):
            continue
        last = max(flow, key=lambda line: (line.column, line.bottom))
        if last.hyphenated:
            word = last.last_word.rstrip("".join(("\u2010", "-", "\u00ad")))
            yield Finding("ZK102", page.number, last.block,
                          f"the word '{word}-' is split across the page turn",
                          "rephrase the last line of the page, or mark the word with &shy; "
                          "elsewhere", word)


#: The hyphens a line end adds (WeasyPrint's hyphenate character, a soft hyphen).
ADDED_HYPHENS = ("\u2010", "\u00ad")
ADDRESS = re.compile(r"(?:[\w.+-]+@[\w-]+\.[\w.-]+|https?://|www\.|\w\.(?:org|com|net)\b)")


def hyphenated_addresses(pages: list[Page], options: Options) -> Iterator[Finding]:
    """ZK103: an e-mail address or web address broken at a line end with a hyphen."""
    for page in pages:
        lines = page.lines + page.notes
        for line, after in zip(lines, lines[1:] + [None]):
            if not line.hyphenated or not line.text.rstrip().endswith(ADDED_HYPHENS):
                continue  # an address's own hyphen may end a line
            joined = line.last_word[:-1] + (after.first_word if after is not None else "")
            if ADDRESS.search(joined) or ADDRESS.search(line.last_word):
                yield Finding("ZK103", page.number, line.block,
                              f"the address '{joined}' is broken with a hyphen",
                              "addresses must not be hyphenated: the theme should set them "
                              "with hyphens: none", line.last_word[:-1])


def stretched_lines(pages: list[Page], options: Options) -> Iterator[Finding]:
    """ZK104: a justified line whose word spaces are stretched past the limit."""
    for page in pages:
        for line in page.lines + page.notes:
            if line.justified and line.widest_gap > options.stretch_em:
                yield Finding("ZK104", page.number, line.block,
                              f"stretched line: word spaces of {line.widest_gap:.1f} em in "
                              f"'{_short(line.text)}'", "something on the next line could "
                              "not break (a long word, a reference kept together): let it "
                              "break, or rephrase", line.first_word)


def overfull_lines(pages: list[Page], options: Options) -> Iterator[Finding]:
    """ZK105: text beyond its measure or into the page's margin."""
    for page in pages:
        for line in page.lines + page.notes:
            over = max(line.right - line.measure_right, line.measure_left - line.left)
            if over > 1.0 and line.measure_right > line.measure_left:
                yield Finding("ZK105", page.number, line.block,
                              f"overfull line: '{_short(line.text)}' runs {over / MM:.1f} mm "
                              "beyond its measure", "a long word or address that cannot break: "
                              "allow a break in it, or shorten it", line.last_word)


def small_note_calls(pages: list[Page], options: Options) -> Iterator[Finding]:
    """ZK106: note calls set below a share of their text's size (once per article)."""
    seen: set[str] = set()
    for page in pages:
        for call in page.calls:
            ratio = call.size / call.text_size if call.text_size else 1
            article = call.block.rsplit(".", 1)[0]
            if ratio < options.call_ratio and article not in seen:
                seen.add(article)
                yield Finding("ZK106", page.number, call.block,
                              f"note call set at {ratio:.0%} of its text's size "
                              f"({call.size * 0.75:.1f} pt on {call.text_size * 0.75:.1f} pt)",
                              "calls under 60 % vanish in print: give ::footnote-call a "
                              "font-size of 0.65em or more")


def moved_notes(pages: list[Page], options: Options) -> Iterator[Finding]:
    """ZK107: a footnote printed on a later page than its call."""
    for note, (call, printed) in sorted(options.moved_notes.items(), key=lambda i: i[1]):
        yield Finding("ZK107", call, note,
                      f"footnote {note.rsplit('-', 1)[-1]} is called on page {call} but "
                      f"starts on page {printed}", "no room for it under its call: shorten "
                      "it, or set notes_overflow: end in the front matter")


def stranded_headings(pages: list[Page], options: Options) -> Iterator[Finding]:
    """ZK108: a heading with no line of its text after it on its page."""
    for page in pages:
        if not page.is_text_page or page.number == len(pages):
            continue
        flow = sorted(page.lines, key=lambda line: (line.column, line.top))
        if flow and flow[-1].heading and (page.number < len(pages)):
            heading = flow[-1]
            yield Finding("ZK108", page.number, heading.block,
                          f"the heading '{_short(heading.text)}' ends the page: its text "
                          "starts on the next", "the theme should keep headings with their "
                          "text (break-after: avoid); shorten the page before")


def split_boxes(pages: list[Page], options: Options) -> Iterator[Finding]:
    """ZK109: an editor's slip, pull quote or figure split across pages or columns."""
    parts: dict[int, list] = {}
    for page in pages:
        for piece in page.pieces:
            if piece.kind != "table row":
                parts.setdefault(piece.element, []).append(piece)
    for pieces in parts.values():
        places = {(p.page, p.column) for p in pieces}
        if len(places) > 1 and not _taller_than_a_page(pieces, pages):
            first = pieces[0]
            across = "pages" if len({p.page for p in pieces}) > 1 else "columns"
            yield Finding("ZK109", first.page, first.block,
                          f"{first.kind} split across {across} "
                          f"({', '.join(str(p) for p in sorted({p.page for p in pieces}))})",
                          "keep it whole (break-inside: avoid), or shorten it")


def _taller_than_a_page(pieces: list, pages: list[Page]) -> bool:
    """Whether a box split over pages could not have been kept whole on one."""
    tallest: dict[tuple[int, int], float] = {}
    for p in pieces:
        place = (p.page, p.column)
        tallest[place] = max(tallest.get(place, 0.0), p.bottom - p.top)
    page = pages[pieces[0].page - 1]
    return sum(tallest.values()) >= page.content_bottom - page.content_top


def near_empty_pages(pages: list[Page], options: Options) -> Iterator[Finding]:
    """ZK110: a page under a quarter filled in the middle of an article."""
    for page, after in zip(pages, pages[1:]):
        if not page.is_text_page or not page.lines or not after.lines:
            continue
        article = page.articles[-1] if page.articles else ""
        if not article or article not in after.articles[:1]:
            continue
        height = page.content_bottom - page.content_top
        filled = page.filled_to - page.content_top
        if page.footnote_top is not None:
            filled += page.content_bottom - page.footnote_top
        if height > 0 and filled / height < 0.25 and len(text_lines(page)) > 2:
            yield Finding("ZK110", page.number, page.lines[-1].block,
                          f"page {filled / height:.0%} filled in the middle of a text",
                          "something that cannot break follows (a figure, a table, a long "
                          "note): make it smaller or move it")


def split_tables(pages: list[Page], options: Options) -> Iterator[Finding]:
    """ZK111: a table leaving one or two rows on a page."""
    rows: dict[int, dict[int, list]] = {}
    for page in pages:
        for piece in page.pieces:
            if piece.kind == "table row" and not piece.header:
                rows.setdefault(piece.table, {}).setdefault(page.number, []).append(piece)
    for by_page in rows.values():
        if len(by_page) < 2:
            continue
        number, pieces = min(by_page.items(), key=lambda item: (len(item[1]), item[0]))
        if len(pieces) <= 2:
            yield Finding("ZK111", number, pieces[0].block,
                          f"table split leaving {len(pieces)} row{'s' if len(pieces) > 1 else ''}"
                          " on this page", "keep short tables whole (break-inside: avoid) "
                          "or move the break by a few rows")


def low_resolution_images(pages: list[Page], options: Options) -> Iterator[Finding]:
    """ZK112: an image under the resolution its print needs."""
    for page in pages:
        for picture in page.pictures:
            inches = picture.printed[0] / 96
            if inches <= 0:
                continue
            ppi = picture.pixels[0] / inches
            if ppi < options.min_ppi:
                yield Finding("ZK112", page.number, picture.block,
                              f"image {picture.src or ''} printed at {ppi:.0f} ppi "
                              f"(under {options.min_ppi})".replace("image  ", "image "),
                              f"use a file of at least {picture.printed[0] / 96 * options.min_ppi:.0f} "
                              "pixels wide, or print it smaller", picture.src)


def near_trim(pages: list[Page], options: Options) -> Iterator[Finding]:
    """ZK113: text or a folio closer to the trim than the press can cut safely."""
    if options.edition != "press":
        return
    limit = options.trim_mm * MM
    for page in pages:
        if page.name in ("front-cover", "full-bleed"):
            continue
        for ink in page.ink:
            gap = min(ink.left, ink.top, page.width - ink.right, page.height - ink.bottom)
            if gap < limit:
                yield Finding("ZK113", page.number, ink.block,
                              f"'{_short(ink.text)}' is {max(gap, 0) / MM:.1f} mm from the trim",
                              f"keep text at least {options.trim_mm:g} mm inside the trim: "
                              "widen the page margins")
                break


DETECTORS: tuple[Detector, ...] = (
    runt_pages, page_turn_hyphens, hyphenated_addresses, stretched_lines, overfull_lines,
    small_note_calls, moved_notes, stranded_headings, split_boxes, near_empty_pages,
    split_tables, low_resolution_images, near_trim)


def find(pages: list[Page], options: Options) -> list[Finding]:
    """Every finding, in page order."""
    found = [finding for detector in DETECTORS for finding in detector(pages, options)]
    return sorted(found, key=lambda f: (f.page, f.code))


def _short(text: str, size: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else "…" + text[-size:]
