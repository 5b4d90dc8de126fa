"""Where each page of the reading PDF begins, as a place in the issue's HTML.

The EPUB puts a page-break marker for page N where the reading PDF's page N begins
(see :mod:`zinekit.render.epub.pagebreaks`).  For each page this records the innermost
block with an id that holds the first text of the page's main flow (running heads, the
footnote area and margin notes do not count) and how many words of that block were
printed on the pages before: 0 for a heading or paragraph that starts on the page, more
for a paragraph that runs over onto it.  Blocks get their ids from the renderer
(``<article>.<n>``), the same in every output.  Plain data, ``(id, words)`` per page,
so that it can be kept with a build's manifest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from weasyprint.formatting_structure import boxes

from zinekit.reachins import page_box, placed_box

SKIPPED = (boxes.MarginBox, boxes.FootnoteAreaBox)
HYPHENS = ("\u2010", "-", "\u00ad")  # what WeasyPrint ends a hyphenated line with
WORD = re.compile(r"\S+")


@dataclass
class _Reading:
    """The text of each block read so far, in print order."""

    text: dict[str, list[str]] = field(default_factory=dict)
    line: dict[str, int] = field(default_factory=dict)  # id() of each block's last line
    first: tuple[str, int] | None = None  # this page's first block and its words before

    def add(self, block: str, text: str, line: Any) -> None:
        parts = self.text.setdefault(block, [])
        if self.first is None and text.strip():
            self.first = (block, len(WORD.findall(self.joined(block))))
        if parts and self.line.get(block) != id(line):  # a new line: a space, unless
            if parts[-1].rstrip().endswith(HYPHENS):      # the word was hyphenated
                parts[-1] = parts[-1].rstrip()[:-1]
            else:
                parts.append(" ")
        parts.append(text)
        self.line[block] = id(line)

    def joined(self, block: str) -> str:
        return "".join(self.text.get(block, []))


def page_starts(document: Any) -> list[tuple[str, int]]:
    """For each page, (id of the block it begins in, words of it on earlier pages);
    ``("", 0)`` for a page with no text."""
    reading = _Reading()
    starts: list[tuple[str, int]] = []
    for page in document.pages:
        reading.first = None
        _read(page_box(page), "", None, reading)
        starts.append(reading.first or ("", 0))
    return starts


def _read(box: Any, block: str, line: Any, reading: _Reading) -> None:
    """Add the text under ``box`` to the blocks it belongs to."""
    box = placed_box(box)
    if isinstance(box, SKIPPED) or _out_of_flow(box) or _repeated(box, reading):
        return
    if isinstance(box, boxes.TextBox):
        reading.add(block, box.text, line)
        return
    if isinstance(box, boxes.ReplacedBox):
        reading.add(block, "", line)
        if reading.first is None:
            reading.first = (block, len(WORD.findall(reading.joined(block))))
        return
    element = box.element
    if (element is not None and not isinstance(box, boxes.InlineLevelBox)
            and element.get("id") and box.element_tag not in ("html", "body")):
        block = element.get("id")
    line = box if isinstance(box, boxes.LineBox) else line
    for child in getattr(box, "children", ()):
        _read(child, block, line, reading)


def _repeated(box: Any, reading: _Reading) -> bool:
    """A table's head (or foot) printed again on a later page is not new text."""
    if not isinstance(box, boxes.TableRowGroupBox) or not (box.is_header or box.is_footer):
        return False
    rows = [row.element.get("id") for row in box.children if row.element is not None]
    return any(ident in reading.text for ident in rows if ident)


def _out_of_flow(box: Any) -> bool:
    """Notes (printed in the margin or at the page's foot) and list numbers are not
    text of the block around them."""
    if str(getattr(box, "element_tag", "")).endswith("::marker"):
        return True
    element = getattr(box, "element", None)
    return (element is not None and "footnote" in (element.get("class") or "").split()
            and not str(box.element_tag).endswith("::footnote-call"))
