"""Every imposition layout, once: its name, help, page order, grid and what applies to it.

The command line's ``--layout`` choices and help, the check of ``[build]
booklet_layout``, the options refused for a layout, the report's wording and the
table in docs/imposition.md all come from :data:`LAYOUTS`.  A new layout is one entry
here and its page-order function (``layouts.py``, ``leaves.py``).

This module imports no PDF library: the command line reads it to build its help.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from zinekit.impose import layouts, leaves
from zinekit.impose.plan import Grid, LayoutRequest, Plan

PageOrder = Callable[[int, LayoutRequest], Plan]

#: Options that only some layouts take, as the command line names them.
SPECIFIC_OPTIONS = ("signature", "creep", "cover", "blanks", "binding", "flyleaves",
                    "binding-margin", "up", "grain", "duplex-manual", "single-sided")


@dataclass(frozen=True)
class Layout:
    """One imposition scheme."""

    name: str
    help: str  # one line, for --help and the docs
    order: PageOrder  # (page count, request) → Plan
    grid: Grid | None  # None: as many pieces as fit the sheet (the engine counts them)
    scheme: str  # the report's "Wrote out.pdf: <scheme>"
    finish: str  # the report's "then <finish>"
    options: frozenset[str] = frozenset()  # which of SPECIFIC_OPTIONS apply
    folded: bool = False  # sheets folded and nested: creep applies
    covers: bool = True  # the first and last pages are the covers
    book: bool = True  # can be the build's booklet edition ([build] booklet_layout)

    def takes(self, option: str) -> bool:
        return option in self.options


_BOOK = frozenset({"blanks", "binding", "flyleaves", "duplex-manual"})

LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (
    Layout("saddle", "folded and stapled booklet, all sheets nested", layouts.saddle_order,
           layouts.SIDE_GRID, "saddle-stitched booklet",
           "fold the stack in half and staple on the fold",
           _BOOK | {"creep", "cover"}, folded=True),
    Layout("perfect", "signatures for glued (perfect) binding", layouts.perfect_order,
           layouts.SIDE_GRID, "perfect-bound book",
           "fold each signature, gather them in order and bind",
           _BOOK | {"signature", "creep", "cover", "up", "grain"}, folded=True),
    Layout("4up", "two booklets' sheets per sheet, cut and stacked (A6 zine on A4)",
           layouts.fourup_order, layouts.FOURUP_GRID, "booklet printed two to a sheet (4-up)",
           "cut every sheet across the middle, lay the stack of top halves on the stack of "
           "bottom halves, fold in half and staple", _BOOK | {"creep"}, folded=True),
    Layout("onepagezine", "8 pages on one side of one sheet, folded and cut",
           layouts.onepagezine_order, layouts.ONEPAGE_GRID, "one-page zine",
           "fold and cut as a one-page zine", frozenset({"blanks", "binding"})),
    Layout("twosheetzine", "16 pages on one side of two sheets, each folded and cut, one inside the other",
           layouts.twosheetzine_order, layouts.ONEPAGE_GRID, "two-sheet zine",
           "fold and cut each sheet as a one-page zine, put the second inside the first "
           "at its middle and staple through the fold", frozenset({"blanks", "binding"})),
    Layout("repeat", "each page N-up, as many as fit (flyers, cards)", leaves.repeat_order,
           None, "step-and-repeat", "cut apart at the crop marks",
           frozenset({"duplex-manual", "single-sided"}), covers=False, book=False),
    Layout("topbound", "booklet bound at the top (calendar fold)", layouts.topbound_order,
           layouts.TOP_GRID, "top-bound saddle-stitched booklet",
           "fold the stack in half across and staple on the fold",
           _BOOK | {"creep", "cover"}, folded=True),
    Layout("stab", "single leaves in reading order, stitched or stapled along the spine",
           leaves.stab_order, None, "stab-bound book of single leaves",
           "cut the sheets apart, lay the piles one on the other (top-left first, row by row), "
           "square the stack and stitch or staple through the binding margin",
           _BOOK | {"binding-margin"}),
    Layout("cutstack", "different cards N-up, ordered to cut the pile and stack",
           leaves.cutstack_order, None, "cut-and-stack cards",
           "cut the whole pile apart at once and lay the piles one on the other, top-left "
           "first, row by row", frozenset({"duplex-manual", "single-sided"}),
           covers=False, book=False),
)}

NAMES: tuple[str, ...] = tuple(LAYOUTS)
FOLDED: tuple[str, ...] = tuple(name for name, layout in LAYOUTS.items() if layout.folded)
BOOK_LAYOUTS: tuple[str, ...] = tuple(name for name, layout in LAYOUTS.items() if layout.book)


def taking(option: str) -> tuple[str, ...]:
    """The layouts that ``option`` applies to, in registry order."""
    return tuple(name for name, layout in LAYOUTS.items() if layout.takes(option))


def cli_help() -> str:
    """The ``--layout`` help: one clause per layout."""
    return "; ".join(f"{layout.name}: {layout.help}" for layout in LAYOUTS.values()) + "."
