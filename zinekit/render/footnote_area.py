"""A fix for WeasyPrint's footnote area: a note that fits is not sent to the next page.

WeasyPrint (up to at least 70) decides whether the notes of a page overflow their area
by comparing two sums of the same lengths added in a different order::

    last_child.position_y + last_child.margin_height() - last_child.margin_bottom
        > footnote_area.position_y + footnote_area.margin_height() - footnote_area.margin_bottom

When the two sums differ only by floating-point rounding (1e-13 px), the note is judged
too tall, moved to the next page and its line, with ``footnote-policy: line``, after it:
a page breaks after a few lines and the note lands pages later.  Whether it happens
depends only on the numbers — a 1.5 pt rule above the notes in ``cutpaste`` did it for
most notes, a 0.4 pt rule in ``pamphlet`` for few — so no stylesheet can rule it out.

:func:`install` replaces ``LayoutContext._update_footnote_area`` with the same code
comparing with a tolerance of a millionth of a pixel.  It does so only when the method
is the one this was written against (its source is checked), so a WeasyPrint that
changes it keeps its own; :data:`INSTALLED` says which happened.
"""

from __future__ import annotations

import hashlib
import inspect
from math import inf

from weasyprint.formatting_structure import build
from weasyprint.layout import LayoutContext
from weasyprint.layout.block import block_level_layout

#: Rounding differences below this many CSS pixels are not an overflow.
TOLERANCE = 1e-6

#: SHA-256 of the method's source as WeasyPrint 66 to 70 write it (and its main
#: branch, late 2025): the code :func:`_update_footnote_area` repeats.
KNOWN_DIGESTS = frozenset({"2e317e4b066fb80cb369a41cd6f054a127722f9961c18ef4d6e1eef93673c4c1"})

INSTALLED = False


def _update_footnote_area(self) -> bool:
    """Update the page bottom and the footnote area's height; True if the notes
    overflow their area (beyond rounding)."""
    area = self.current_footnote_area
    if area.height != "auto" and not self.in_column:
        self.page_bottom += area.margin_height()
    area.children = self.current_page_footnotes
    if not area.children:
        area.height = 0
        if not self.in_column:
            self.page_bottom -= area.margin_height()
        return False
    laid_out = build.create_anonymous_boxes(area.deepcopy())
    laid_out = block_level_layout(self, laid_out, -inf, None, area.page)[0]
    area.height = laid_out.height
    if not self.in_column:
        self.page_bottom -= laid_out.margin_height()
    last = laid_out.children[-1]
    last_bottom = last.position_y + last.margin_height() - last.margin_bottom
    area_bottom = laid_out.position_y + laid_out.margin_height() - laid_out.margin_bottom
    return last_bottom > area_bottom + TOLERANCE


def source_digest(function) -> str:
    return hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()


def install() -> bool:
    """Replace WeasyPrint's method if it is the known one; True when installed."""
    global INSTALLED
    current = LayoutContext._update_footnote_area
    if current is _update_footnote_area:
        return True
    if source_digest(current) not in KNOWN_DIGESTS:
        return False
    LayoutContext._update_footnote_area = _update_footnote_area
    INSTALLED = True
    return True
