"""Where each page of the reading PDF begins, as an element of the issue's HTML.

The EPUB puts a page-break marker for page N before the element the reading PDF's
page N begins in (see :mod:`zinekit.render.epub.pagebreaks`).  That element is the
innermost block with an id holding the first text or image of the page's main flow
(running heads and the footnote area do not count): a heading or paragraph that starts
on the page, or the paragraph that runs over onto it from the page before.  Blocks get
their ids from the renderer (``<article>.<n>``), the same in every output.
"""

from __future__ import annotations

from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder

SKIPPED = (boxes.MarginBox, boxes.FootnoteAreaBox)


def page_starts(document: Any) -> list[str]:
    """For each page, the id of the block it begins in ("" for a page with no text)."""
    return [_first_block(page._page_box, "") or "" for page in document.pages]


def _first_block(box: Any, block: str) -> str | None:
    """The id of the innermost block with an id around the first text under ``box``;
    None when ``box`` holds no text."""
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    if isinstance(box, SKIPPED):
        return None
    if isinstance(box, boxes.TextBox):
        return block if box.text.strip() else None
    if isinstance(box, boxes.ReplacedBox):
        return block
    element = box.element
    if element is not None and not isinstance(box, boxes.InlineLevelBox) and element.get("id"):
        if not box.element_tag.startswith(("html", "body")):
            block = element.get("id")
    for child in getattr(box, "children", ()):
        found = _first_block(child, block)
        if found is not None:
            return found
    return None
