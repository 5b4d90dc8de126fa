"""The print edition's pages in the EPUB: page-break markers and the page list.

The reading PDF records, for each page, the block it begins in (``LaidOut.page_starts``,
see :mod:`zinekit.render.page_starts`); blocks have the same ids in every output.  Page
N's marker, ``<span epub:type="pagebreak" role="doc-pagebreak" id="page-N"
aria-label="N"/>``, goes at the start of that block: inside a paragraph, heading or list
item (before its first word), before a section, article or table.  A page that begins
in a paragraph running over from the page before is marked at the start of that
paragraph.  A page whose block is not in the EPUB (a blank page, a page of the print
contents' leaders) is marked where the next page is, so the markers keep the print
order.  The navigation's page list points at the markers.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from zinekit.render.epub.xhtml import OPS, Page, h

# Blocks whose text begins with the marker; other elements get it just before them.
INSIDE = {h(t) for t in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td",
                         "th", "pre", "figcaption", "blockquote")}
ROW = h("tr")


@dataclass(frozen=True)
class Marker:
    number: int  # the printed page
    page: str  # the EPUB file holding it
    block: str | None  # the element it goes at; None: the end of the last file


def marker_id(number: int) -> str:
    return f"page-{number}"


def plan_markers(starts: list[str], known: dict[str, str], last_page: str) -> list[Marker]:
    """Where each page's marker goes: ``starts`` are the blocks the pages of the reading
    PDF begin in (named as the EPUB names them), ``known`` the file holding each id."""
    targets = _targets(starts, known)
    return [Marker(number, known[ident] if ident else last_page, ident)
            for number, ident in enumerate(targets, start=1)]


def insert_markers(pages: list[Page], markers: list[Marker]) -> None:
    """Put each planned marker into its page."""
    by_name = {page.name: page for page in pages}
    placed: dict[str, int] = {}  # element id → markers already put at it
    for marker in markers:
        root = by_name[marker.page].root
        if marker.block is None:
            _append_at_end(root, marker.number)
            continue
        _insert(root, marker.block, marker.number, placed.get(marker.block, 0))
        placed[marker.block] = placed.get(marker.block, 0) + 1


def _targets(starts: list[str], known: dict[str, str]) -> list[str | None]:
    """Each page's block, or for a page whose block the EPUB lacks, the next page's."""
    targets: list[str | None] = [ident if ident in known else None for ident in starts]
    following: str | None = None
    for index in range(len(targets) - 1, -1, -1):
        if targets[index] is None:
            targets[index] = following
        following = targets[index]
    return targets


def _marker(number: int) -> ET.Element:
    return ET.Element(h("span"), {f"{{{OPS}}}type": "pagebreak", "role": "doc-pagebreak",
                                  "id": marker_id(number), "aria-label": str(number)})


def _insert(root: ET.Element, ident: str, number: int, already: int) -> None:
    parents = {child: parent for parent in root.iter() for child in parent}
    target = next(el for el in root.iter() if el.get("id") == ident)
    if target.tag == ROW and len(target):
        target = target[0]
    marker = _marker(number)
    if target.tag in INSIDE:
        marker.tail, target.text = target.text, None
        if already:  # after the markers already there
            marker.tail = target[already - 1].tail
            target[already - 1].tail = None
        target.insert(already, marker)
        return
    parent = parents[target]
    parent.insert(list(parent).index(target), marker)


def _append_at_end(root: ET.Element, number: int) -> None:
    body = root.find(h("body"))
    (body if body is not None else root).append(_marker(number))


def page_list(markers: list[Marker], relative: str = "") -> list[dict[str, str]]:
    """The navigation's page list: each printed page's label and its marker."""
    return [{"label": str(m.number),
             "href": f"{relative}{m.page.removeprefix('text/')}#{marker_id(m.number)}"}
            for m in markers]
