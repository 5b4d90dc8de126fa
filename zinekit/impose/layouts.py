"""Page order of the folded layouts: saddle, topbound, perfect, 4up, onepagezine, twosheetzine.

Each is a pure function ``(count, request) → Plan`` (see ``plan.py`` for the data and
its conventions); ``leaves.py`` has the layouts of single leaves and cards, and
``registry.py`` names them all.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

from zinekit.impose.plan import (  # noqa: F401 - names the tests and older callers use
    BLANK_POLICIES,
    Grid,
    LayoutError,
    LayoutRequest,
    Plan,
    Quad,
    SheetPlan,
    Slot,
    apply_flip,
    backs_need_turning,
    bind_right_to_left,
    need_pages,
    nest,
    pad,
    reading_order,
    with_flyleaves,
)

DEFAULT = LayoutRequest()


def _side_bound(q: Quad, **flags) -> SheetPlan:
    """Bound on the left edge: outside [last | first], inside [second | second_last]."""
    d = q.depth
    return SheetPlan(
        front=(Slot(q.last, 0, 0, spine="right", depth=d), Slot(q.first, 1, 0, spine="left", depth=d)),
        back=(Slot(q.second, 0, 0, spine="right", depth=d), Slot(q.second_last, 1, 0, spine="left", depth=d)),
        **flags,
    )


def _top_bound(q: Quad, **flags) -> SheetPlan:
    """Bound on the top edge: outside has first (turned 180°) over last, heads at the fold."""
    d = q.depth
    return SheetPlan(
        front=(Slot(q.first, 0, 0, 180, spine="bottom", depth=d), Slot(q.last, 0, 1, spine="top", depth=d)),
        back=(Slot(q.second, 0, 0, spine="bottom", depth=d), Slot(q.second_last, 0, 1, spine="top", depth=d)),
        **flags,
    )


SIDE_GRID = Grid(2, 1, fold_cols=frozenset({1}))
TOP_GRID = Grid(1, 2, fold_rows=frozenset({1}))
FOURUP_GRID = Grid(2, 2, fold_cols=frozenset({1}))
ONEPAGE_GRID = Grid(4, 2, fold_cols=frozenset({1, 2, 3}), fold_rows=frozenset({1}))
#: perfect --up 2: two signatures side by side (folds at 1 and 3, a cut at 2) or one
#: above the other (a fold at 1, a cut between the rows).
ACROSS_GRID = Grid(4, 1, fold_cols=frozenset({1, 3}))
STACKED_GRID = FOURUP_GRID


# ------------------------------------------------------------------------ the layouts

def _nested(count: int, request: LayoutRequest, make: Callable[..., SheetPlan],
            grid: Grid, name: str) -> Plan:
    """All sheets nested in one signature (saddle, topbound), cover included or separate."""
    if request.cover == "separate":
        cover_quad, sequence, flyleaves = split_cover(count, 4, request)
        sheets = [make(cover_quad, cover=True, outer=True)]
        sheets += [make(quad) for quad in nest(sequence[2:-2], depth=1)]
        return Plan(name, grid, tuple(sheets), sequence, flyleaf_positions=flyleaves)
    sequence, flyleaves = reading_order(count, 4, request)
    nested = tuple(make(quad, outer=quad.depth == 0) for quad in nest(sequence))
    return Plan(name, grid, nested, sequence, flyleaf_positions=flyleaves)


def saddle_order(count: int, request: LayoutRequest = DEFAULT) -> Plan:
    """Saddle stitch: all sheets nested in one signature, folded once and stapled.

    8 pages: sheet 1 front [8|1] back [2|7], sheet 2 front [6|3] back [4|5].
    ``cover="separate"``: sheet 1 carries pages 1, 2, n-1, n; the other pages are
    padded on their own and nest inside it.
    """
    return _nested(count, request, _side_bound, SIDE_GRID, "saddle")


def topbound_order(count: int, request: LayoutRequest = DEFAULT) -> Plan:
    """Saddle stitch bound at the top (calendar fold): pages stacked, heads at the fold."""
    return _nested(count, request, _top_bound, TOP_GRID, "topbound")


def pick_signature(count: int, sizes: Sequence[int]) -> int:
    """The signature size leaving the fewest blank pages; ties go to the larger size."""
    if not sizes:
        raise LayoutError("no signature size to choose from")
    return min(sizes, key=lambda size: (-count % size, -size))


def perfect_order(count: int, request: LayoutRequest = DEFAULT) -> Plan:
    """Perfect binding: signatures of ``size`` pages, each a small saddle, stacked and glued.

    The size is picked from ``request.sizes`` by :func:`pick_signature` (flyleaves
    counted).  With ``cover="separate"`` pages 1, 2, n-1, n go on a cover sheet printed
    first and the rest is gathered in signatures.  With ``up=2`` two signatures share
    each sheet (:func:`two_up`).
    """
    need_pages(count)
    leaves = 4 * request.flyleaves
    if request.cover == "separate":
        size = pick_signature(max(count - 4 + leaves, 1), request.sizes)
        cover_quad, sequence, flyleaves = split_cover(count, size, request)
        body = sequence[2:-2]
        sheets = [_side_bound(cover_quad, cover=True, signature=-1)]
    else:
        size = pick_signature(count + leaves, request.sizes)
        sequence, flyleaves = reading_order(count, size, request)
        body, sheets = sequence, []
    for index in range(len(body) // size):
        chunk = body[index * size:(index + 1) * size]
        sheets += [_side_bound(quad, signature=index, outer=quad.depth == 0) for quad in nest(chunk)]
    plan = Plan("perfect", SIDE_GRID, tuple(sheets), sequence, signature_size=size,
                flyleaf_positions=flyleaves)
    return two_up(plan, request.across) if request.up == 2 else plan


def two_up(plan: Plan, across: bool) -> Plan:
    """Two signatures on each sheet: side by side (``across``) or one above the other.

    Sheet k of signature 2j goes on the left (top) half and sheet k of signature 2j+1
    on the right (bottom) half of one sheet; print, cut the sheets in two, and each
    half-stack is one signature.  Backs, seen after turning the sheet about its
    vertical axis, have the halves swapped when side by side.
    """
    grid = ACROSS_GRID if across else STACKED_GRID
    cover = [s for s in plan.sheets if s.cover]
    body = [s for s in plan.sheets if not s.cover]
    signatures = sorted({s.signature for s in body})
    sheets = [_pair(sheet, None, across) for sheet in cover]
    for first, second in zip(signatures[::2], signatures[1::2] + [None]):
        left = [s for s in body if s.signature == first]
        right = [s for s in body if s.signature == second] if second is not None else []
        for k, sheet in enumerate(left):
            sheets.append(_pair(sheet, right[k] if k < len(right) else None, across))
    return replace(plan, grid=grid, sheets=tuple(sheets))


def _pair(first: SheetPlan, second: SheetPlan | None, across: bool) -> SheetPlan:
    def moved(side: tuple[Slot, ...] | None, half: int) -> tuple[Slot, ...]:
        if across:
            return tuple(replace(s, col=s.col + 2 * half) for s in side or ())
        return tuple(replace(s, row=s.row + half) for s in side or ())

    other_front = moved(second.front, 1) if second else ()
    other_back = moved(second.back, 0 if across else 1) if second else ()
    front = moved(first.front, 0) + other_front
    back = moved(first.back, 1 if across else 0) + other_back
    return replace(first, front=front, back=back)


def fourup_order(count: int, request: LayoutRequest = DEFAULT) -> Plan:
    """Two 2-up booklet sheets on each sheet: print, cut across the middle, stack, fold.

    The booklet's half-sheets, outermost first, are the top halves of sheets 1…N, then
    the bottom halves of sheets 1…N.  8 pages fit one sheet: top [8|1]/[2|7], bottom
    [6|3]/[4|5].
    """
    sequence, flyleaves = reading_order(count, 8, request)
    halves = [_side_bound(quad) for quad in nest(sequence)]
    n = len(halves) // 2
    sheets: list[SheetPlan] = []
    for top, bottom in zip(halves[:n], halves[n:]):
        lower_front = tuple(replace(slot, row=1) for slot in bottom.front)
        lower_back = tuple(replace(slot, row=1) for slot in bottom.back or ())
        sheets.append(SheetPlan(top.front + lower_front, (top.back or ()) + lower_back, outer=not sheets))
    return Plan("4up", FOURUP_GRID, tuple(sheets), sequence, flyleaf_positions=flyleaves)


def onepagezine_order(count: int, request: LayoutRequest = DEFAULT) -> Plan:
    """The 8-page one-sheet mini zine: one side, 4 × 2 panels, top row turned 180°.

        top (180°):  5 4 3 2
        bottom:      6 7 8 1

    Fold in half lengthwise, cut the middle of the fold between the inner panels, fold
    into a booklet.  More than 8 pages is an error; fewer are padded.
    """
    need_pages(count)
    if count > 8:
        raise LayoutError(f"a one-page zine has 8 pages; this PDF has {count} (use --layout "
                          "twosheetzine for up to 16, or --layout saddle)")
    s = pad(range(count), 8, request.blanks)
    return Plan("onepagezine", ONEPAGE_GRID, (SheetPlan(_one_sheet(s), None),), s, duplex=False)


def twosheetzine_order(count: int, request: LayoutRequest = DEFAULT) -> Plan:
    """The 16-page mini zine from two sheets, each printed on one side and folded and
    cut as a one-page zine: the first holds pages 1–4 and 13–16, the second 5–12 and
    goes inside the first at its middle (between pages 4 and 13), then both are
    stapled or sewn through the fold.  More than 16 pages is an error."""
    need_pages(count)
    if count > 16:
        raise LayoutError(f"a two-sheet zine has 16 pages; this PDF has {count} (use --layout saddle)")
    s = pad(range(count), 16, request.blanks)
    outer = tuple(s[i] for i in (0, 1, 2, 3, 12, 13, 14, 15))
    inner = tuple(s[4:12])
    sheets = (SheetPlan(_one_sheet(outer), None, outer=True), SheetPlan(_one_sheet(inner), None))
    return Plan("twosheetzine", ONEPAGE_GRID, sheets, s, duplex=False)


def _one_sheet(pages: tuple[int | None, ...]) -> tuple[Slot, ...]:
    """Eight pages in the one-page zine's panels (see :func:`onepagezine_order`)."""
    top = [Slot(pages[i], col, 0, 180) for col, i in enumerate((4, 3, 2, 1))]
    bottom = [Slot(pages[i], col, 1) for col, i in enumerate((5, 6, 7, 0))]
    return tuple(top + bottom)


def split_cover(count: int, multiple: int, request: LayoutRequest
                ) -> tuple[Quad, tuple[int | None, ...], frozenset[int]]:
    """The cover sheet (pages 1, 2, n-1, n), the sequence with the body padded alone,
    and where the body's flyleaves are in that sequence."""
    if count < 4:
        raise LayoutError(f"a separate cover needs at least 4 pages; this PDF has {count}")
    # The body sits between the inside covers: its end is "before the back".
    policy = {"before-back": "end", "after-front": "start"}.get(request.blanks, request.blanks)
    inner = with_flyleaves(range(2, count - 2), request.flyleaves, covers=False)
    marked = tuple(-1 if p is None else p for p in inner)
    body = pad(marked, multiple, policy) if marked else ()
    sequence = (0, 1) + tuple(None if p == -1 else p for p in body) + (count - 2, count - 1)
    flyleaves = frozenset(i + 2 for i, p in enumerate(body) if p == -1)
    return Quad(0, 1, count - 2, count - 1), sequence, flyleaves
