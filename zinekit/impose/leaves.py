"""Page order of the layouts that fill the sheet with unfolded pieces: stab-bound leaves,
step-and-repeat copies and cut-and-stack cards.

The engine works out how many pieces fit on the sheet (``request.fill``, columns ×
rows) before calling these.  "Cut and stack": the pieces of every sheet are cut apart
through the whole pile at once, and the piles are laid one on the other, top-left
pile first; so piece ``i`` goes to sheet ``i mod S`` in place ``i div S`` (S sheets).
"""

from __future__ import annotations

from zinekit.impose.plan import (
    Grid,
    LayoutError,
    LayoutRequest,
    Plan,
    SheetPlan,
    Slot,
    need_pages,
    reading_order,
)

DEFAULT = LayoutRequest()


def _places(request: LayoutRequest) -> list[tuple[int, int]]:
    """(col, row) of every place on a side, in pile order: row by row, left to right."""
    cols, rows = request.fill
    if cols < 1 or rows < 1:
        raise LayoutError("a sheet needs at least one column and one row")
    return [(col, row) for row in range(rows) for col in range(cols)]


def _cut_and_stack(pieces: list[tuple[int | None, int | None]], request: LayoutRequest,
                   bound: tuple[str | None, str | None] = (None, None),
                   backs: bool = True) -> tuple[SheetPlan, ...]:
    """Lay (front page, back page) pieces out for cutting and stacking."""
    places = _places(request)
    cols = request.fill[0]
    count = -(-len(pieces) // len(places))  # sheets
    sheets = []
    for s in range(count):
        front, back = [], []
        for p, (col, row) in enumerate(places):
            i = p * count + s
            first, second = pieces[i] if i < len(pieces) else (None, None)
            front.append(Slot(first, col, row, bound=bound[0]))
            back.append(Slot(second, cols - 1 - col, row, bound=bound[1]))
        sheets.append(SheetPlan(tuple(front), tuple(back) if backs else None, outer=s == 0))
    return tuple(sheets)


def stab_order(count: int, request: LayoutRequest = DEFAULT) -> Plan:
    """Stab binding (side stitching): single leaves in reading order, stitched at the spine.

    Leaf k carries page 2k+1 on its front and page 2k+2 on its back; an odd page
    count gets a blank before the back cover (``request.blanks``).  The leaves are laid
    out cut-and-stack, as many to a side as fit (``request.fill``); the stitched edge of
    each page is ``bound`` (left on fronts, right on backs, for left-to-right binding).
    """
    sequence, flyleaves = reading_order(count, 2, request)
    pieces = [(sequence[2 * k], sequence[2 * k + 1]) for k in range(len(sequence) // 2)]
    cols, rows = request.fill
    sheets = _cut_and_stack(pieces, request, bound=("left", "right"))
    return Plan("stab", Grid(cols, rows), sheets, sequence, flyleaf_positions=flyleaves)


def repeat_order(count: int, request: LayoutRequest = DEFAULT) -> Plan:
    """Step and repeat (flyers, cards): each page fills a whole side, cols × rows times.

    Pages go in pairs, front and back: page 1 on the front of sheet 1, page 2 on its
    back, page 3 on the front of sheet 2 …  An odd last page gets no back.  Single-sided
    (``request.single_sided``), every page has a sheet of its own.
    """
    need_pages(count)
    places = _places(request)
    cols, rows = request.fill

    def side(page: int) -> tuple[Slot, ...]:
        return tuple(Slot(page, col, row) for col, row in places)

    step = 1 if request.single_sided else 2
    sheets = tuple(SheetPlan(side(i), side(i + 1) if step == 2 and i + 1 < count else None)
                   for i in range(0, count, step))
    duplex = count > 1 and not request.single_sided
    return Plan("repeat", Grid(cols, rows), sheets, tuple(range(count)), duplex=duplex)


def cutstack_order(count: int, request: LayoutRequest = DEFAULT) -> Plan:
    """Cut and stack (numbered cards, tickets, a pack of different flyers).

    Cards are pages 1-2, 3-4 … (front, back), or one page each when single-sided.  With
    S sheets, card i goes to sheet i mod S in place i div S, so cutting the pile and
    stacking the piles in place order gives the cards in order.  Empty places are only
    at the end of the last pile.
    """
    need_pages(count)
    if request.single_sided:
        pieces: list[tuple[int | None, int | None]] = [(page, None) for page in range(count)]
    else:
        pieces = [(page, page + 1 if page + 1 < count else None) for page in range(0, count, 2)]
    cols, rows = request.fill
    sheets = _cut_and_stack(pieces, request, backs=not request.single_sided)
    sequence = tuple(range(count)) if request.single_sided else tuple(p for piece in pieces for p in piece)
    return Plan("cutstack", Grid(cols, rows), sheets, sequence, duplex=not request.single_sided)
