"""The print edition's pages in the EPUB: page-break markers and the page list.

The reading PDF records, for each page, the block it begins in and how many of that
block's words the pages before it hold (``LaidOut.page_starts``, see
:mod:`zinekit.render.page_starts`); blocks have the same ids in every output.  Page N's
marker, ``<span epub:type="pagebreak" role="doc-pagebreak" id="page-N"
aria-label="N"/>``, goes before the first word printed on the page: inside a paragraph,
heading or list item, after the words the earlier pages hold (at its start when it
starts the page); just before a section, article or table.  A page whose block is not
in the EPUB (a page of the print contents' leaders) is marked where the next page is,
so the markers keep the print order.  The navigation's page list points at them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from zinekit.render.epub.xhtml import OPS, Page, h

# Blocks whose text takes the marker before a word; other elements get it before them.
INSIDE = {h(t) for t in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td",
                         "th", "pre", "figcaption")}
ROW = h("tr")
WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Marker:
    number: int  # the printed page
    page: str  # the EPUB file holding it
    block: str | None  # the element it goes in or before; None: the end of the last file
    words: int = 0  # the words of ``block`` it comes after


def marker_id(number: int) -> str:
    return f"page-{number}"


def plan_markers(starts: list[tuple[str, int]], known: dict[str, str],
                 last_page: str) -> list[Marker]:
    """Where each page's marker goes: ``starts`` are where the pages of the reading PDF
    begin (blocks named as the EPUB names them), ``known`` the file holding each id."""
    found: list[Marker] = []
    following: Marker | None = None
    for number in range(len(starts), 0, -1):
        ident, words = starts[number - 1]
        if ident in known:
            following = Marker(number, known[ident], ident, words)
        elif following is not None:  # where the next page's marker is
            following = Marker(number, following.page, following.block, following.words)
        found.append(following or Marker(number, last_page, None))
    return found[::-1]


def insert_markers(pages: list[Page], markers: list[Marker]) -> None:
    """Put each planned marker into its page, in page order."""
    by_name = {page.name: page for page in pages}
    for marker in markers:
        root = by_name[marker.page].root
        if marker.block is None:
            body = root.find(h("body"))
            (body if body is not None else root).append(_marker(marker.number))
        else:
            _insert(root, marker)


def _marker(number: int) -> ET.Element:
    return ET.Element(h("span"), {f"{{{OPS}}}type": "pagebreak", "role": "doc-pagebreak",
                                  "id": marker_id(number), "aria-label": str(number)})


def _insert(root: ET.Element, marker: Marker) -> None:
    target = next(el for el in root.iter() if el.get("id") == marker.block)
    if target.tag == ROW and len(target):
        target = target[0]
    span = _marker(marker.number)
    if target.tag in INSIDE:
        _insert_before_word(target, marker.words, span)
        return
    parents = {child: parent for parent in root.iter() for child in parent}
    parent = parents[target]
    parent.insert(list(parent).index(target), span)


def _insert_before_word(block: ET.Element, words: int, span: ET.Element) -> None:
    """Put ``span`` inside ``block`` before its word number ``words`` (0: at its very
    start; past its last word: at its end), after any marker already there."""
    if words == 0:
        _insert_at_start(block, span)
        return
    slots = _text_slots(block)
    starts = [m.start() for m in WORD.finditer("".join(value for _, _, value in slots))]
    if words >= len(starts):
        block.append(span)
        return
    at = starts[words]
    for owner, kind, value in slots:
        # at a slot boundary the marker goes into the later slot, after earlier markers
        if at < len(value) or (at == len(value) and kind == "tail" and _is_marker(owner)):
            _split(block, owner, kind, at, span)
            return
        at -= len(value)
    block.append(span)


def _insert_at_start(block: ET.Element, span: ET.Element) -> None:
    """``span`` first in ``block``, after the markers already at its start."""
    index, last = 0, None
    if not (block.text or "").strip():
        while index < len(block) and _is_marker(block[index]):
            last, index = block[index], index + 1
            if (last.tail or "").strip():
                break
    if last is None:
        span.tail, block.text = block.text, None
    else:
        span.tail, last.tail = last.tail, None
    block.insert(index, span)


def _is_marker(el: ET.Element) -> bool:
    return el.get(f"{{{OPS}}}type") == "pagebreak"


def _text_slots(block: ET.Element) -> list[tuple[ET.Element, str, str]]:
    """Every piece of text under ``block`` in reading order: (element, "text" or
    "tail", the text); a child's tail comes after its own subtree."""
    slots: list[tuple[ET.Element, str, str]] = []

    def visit(el: ET.Element) -> None:
        slots.append((el, "text", el.text or ""))
        for child in el:
            visit(child)
            slots.append((child, "tail", child.tail or ""))

    visit(block)
    return slots


def _split(block: ET.Element, owner: ET.Element, kind: str, at: int, span: ET.Element) -> None:
    """Insert ``span`` at character ``at`` of ``owner``'s text (as its first child) or
    of its tail (as its next sibling)."""
    if kind == "text":
        value = owner.text or ""
        owner.text, span.tail = value[:at] or None, value[at:] or None
        owner.insert(0, span)
        return
    value = owner.tail or ""
    owner.tail, span.tail = value[:at] or None, value[at:] or None
    parent = next(p for p in block.iter() if owner in list(p))
    parent.insert(list(parent).index(owner) + 1, span)


def page_list(markers: list[Marker], relative: str = "") -> list[dict[str, str]]:
    """The navigation's page list: each printed page's label and its marker."""
    return [{"label": str(m.number),
             "href": f"{relative}{m.page.removeprefix('text/')}#{marker_id(m.number)}"}
            for m in markers]
