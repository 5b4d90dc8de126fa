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
   0.4 pt rule for few): no stylesheet can rule it out.  The comparison is made with a
   tolerance of a millionth of a pixel.

2. **A note traded for a line.**  When the line that completes a paragraph's
   ``orphans`` does not fit at the foot of a page, WeasyPrint 69 and 70
   (``layout.block._linebox_layout``) move the page's last note to the next page to
   make room for that line, although moving the paragraph's first lines to the next
   page is allowed and keeps every note with its call.  The one line deciding it,
   ``report = … and not could_break_before``, is set to never trade a note: the
   paragraph's start moves instead (as WeasyPrint 68 did).

Each fix changes one line of WeasyPrint's own code, read from the installed package and
compiled again in its module; it is applied only when that code is the code it was
written against (checked by a digest of its source), so a WeasyPrint that changed it
keeps its own, and :data:`APPLIED` says which fixes are in place.  The build still
reports, where it is called, any note that ends up on a later page, or prints it at its
article's end with ``notes_overflow: end`` (``render/note_overflow.py``).
Both changes are what WeasyPrint itself should make (docs/performance.md, "Footnotes
WeasyPrint moves").
"""

from __future__ import annotations

import hashlib
import inspect
import textwrap
from types import FunctionType, ModuleType

from weasyprint import layout as layout_package
from weasyprint.layout import LayoutContext
from weasyprint.layout import block as block_layout

#: Rounding differences below this many CSS pixels are not an overflow.
TOLERANCE = 1e-6

#: SHA-256 of ``LayoutContext._update_footnote_area`` in WeasyPrint 66 to 70.
AREA_DIGESTS = frozenset({"2e317e4b066fb80cb369a41cd6f054a127722f9961c18ef4d6e1eef93673c4c1"})
AREA_LINE = "overflow = last_child_bottom > footnote_area_bottom"

#: SHA-256 of ``layout.block._linebox_layout`` in WeasyPrint 69 and 70.
LINEBOX_DIGESTS = frozenset({
    "14d5b38c34e49f8089f80bf11176fba3054001790ccb9f281c524a7e7b3d3efb",  # 69
    "e07bbe000974787ee370be1f419a01a21b327a1a1e3025a65afd47589060883d",  # 70
})
TRADE_LINE = "report = not context.in_column and can_break_now and not could_break_before"

APPLIED: set[str] = set()


def source_digest(function: FunctionType) -> str:
    return hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()


def recompiled(function: FunctionType, module: ModuleType, old: str, new: str,
               dedent: bool = False) -> FunctionType:
    """``function`` with the line ``old`` of its source replaced by ``new``, compiled in
    ``module``'s namespace (so it sees the names the original sees)."""
    source = inspect.getsource(function)
    if dedent:  # a method's source is indented in its class
        source = textwrap.dedent(source)
    assert source.count(old) == 1, f"{function.__name__}: the line to change is not there once"
    namespace = dict(vars(module))
    exec(compile(source.replace(old, new), module.__file__ or "<weasyprint>", "exec"), namespace)  # noqa: S102
    fixed = namespace[function.__name__]
    fixed._zinekit_fixed = True
    return fixed


def _fix(name: str, owner: object, attribute: str, module: ModuleType,
         digests: frozenset[str], old: str, new: str, dedent: bool = False) -> None:
    """Replace ``owner.attribute`` by itself with the line ``old`` made ``new``, if it
    is the code the fix was written against."""
    current = getattr(owner, attribute)
    if not getattr(current, "_zinekit_fixed", False):
        if source_digest(current) not in digests:
            return
        setattr(owner, attribute, recompiled(current, module, old, new, dedent))
    APPLIED.add(name)


def install() -> set[str]:
    """Apply the fixes that fit the installed WeasyPrint; the names of those applied."""
    _fix("rounding", LayoutContext, "_update_footnote_area", layout_package, AREA_DIGESTS,
         AREA_LINE, f"{AREA_LINE} + {TOLERANCE!r}", dedent=True)
    _fix("no-trade", block_layout, "_linebox_layout", block_layout, LINEBOX_DIGESTS,
         TRADE_LINE, "report = False")
    return set(APPLIED)
