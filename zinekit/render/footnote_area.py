"""Two fixes to WeasyPrint's footnotes, so that a note stays on the page of its call.

1. **Rounding.**  WeasyPrint (66 to 70 at least) decides whether the notes of a page
   overflow their area by comparing two sums of the same lengths added in a different
   order (``LayoutContext._update_footnote_area``)::

       last_note.position_y + last_note.margin_height() - last_note.margin_bottom
           > area.position_y + area.margin_height() - area.margin_bottom

   When they differ only by rounding (1e-13 px) a note that fits is judged too tall:
   it moves to the next page and, with ``footnote-policy: line``, its line with it, so
   the page breaks after a few lines.  Whether it happens depends on the numbers alone
   (``cutpaste``'s 1.5 pt rule above the notes hit it for most notes, ``pamphlet``'s
   0.4 pt rule for few): no stylesheet can rule it out.  The method is replaced by the
   same code comparing with a tolerance of a millionth of a pixel.

2. **A note traded for a line.**  When the line that completes a paragraph's
   ``orphans`` does not fit at the foot of a page, WeasyPrint 69 and 70
   (``layout.block._linebox_layout``) move the page's last note to the next page to
   make room for that line, although moving the paragraph's first lines to the next
   page is allowed and keeps every note with its call.  The one line deciding it,
   ``report = … and not could_break_before``, is set to never trade a note: the
   paragraph's start moves instead (as WeasyPrint 68 did).

Each fix is applied only when the code it changes is the code it was written against
(checked by a digest of its source); a WeasyPrint that changed it keeps its own, and
:data:`APPLIED` says which fixes are in place.  The build still reports, where it is
called, any note that ends up on a later page (``render/pdf.py``).
"""

from __future__ import annotations

import hashlib
import inspect
from math import inf

from weasyprint.formatting_structure import build
from weasyprint.layout import LayoutContext
from weasyprint.layout import block as block_layout
from weasyprint.layout.block import block_level_layout

#: Rounding differences below this many CSS pixels are not an overflow.
TOLERANCE = 1e-6

#: SHA-256 of ``LayoutContext._update_footnote_area`` in WeasyPrint 66 to 70.
AREA_DIGESTS = frozenset({"2e317e4b066fb80cb369a41cd6f054a127722f9961c18ef4d6e1eef93673c4c1"})

#: SHA-256 of ``layout.block._linebox_layout`` in WeasyPrint 69 and 70.
LINEBOX_DIGESTS = frozenset({
    "14d5b38c34e49f8089f80bf11176fba3054001790ccb9f281c524a7e7b3d3efb",  # 69
    "e07bbe000974787ee370be1f419a01a21b327a1a1e3025a65afd47589060883d",  # 70
})
TRADE_LINE = "report = not context.in_column and can_break_now and not could_break_before"

APPLIED: set[str] = set()


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


def _fix_rounding() -> None:
    current = LayoutContext._update_footnote_area
    if current is _update_footnote_area or source_digest(current) in AREA_DIGESTS:
        LayoutContext._update_footnote_area = _update_footnote_area
        APPLIED.add("rounding")


def _fix_trade() -> None:
    """Recompile ``_linebox_layout`` with the one line changed, in its own module."""
    current = block_layout._linebox_layout
    if getattr(current, "_zinekit_fixed", False):
        APPLIED.add("no-trade")
        return
    if source_digest(current) not in LINEBOX_DIGESTS:
        return
    source = inspect.getsource(current).replace(TRADE_LINE, "report = False")
    namespace = dict(vars(block_layout))
    exec(compile(source, block_layout.__file__, "exec"), namespace)  # noqa: S102
    fixed = namespace["_linebox_layout"]
    fixed._zinekit_fixed = True
    block_layout._linebox_layout = fixed
    APPLIED.add("no-trade")


def install() -> set[str]:
    """Apply the fixes that fit the installed WeasyPrint; the names of those applied."""
    _fix_rounding()
    _fix_trade()
    return set(APPLIED)
