"""Page order: which source page goes where on which sheet, for every layout.

Pure functions of the page count and a few options — no PDF here.  A layout returns a
:class:`Plan`: a list of sheets, each with a front and (unless single-sided) a back side,
each side a tuple of :class:`Slot` (source page index or ``None`` for a blank, grid
position, rotation, and which edge of the slot lies on the binding fold).

Conventions
-----------
* Page indices are 0-based; the reading order after padding is ``Plan.sequence``.
* ``row`` 0 is the top row of a side, ``col`` 0 the left column.
* The back side is given *as seen after turning the sheet over about its vertical
  axis* (like turning the page of a book).  :func:`apply_flip` turns backs 180° for a
  printer that flips the other way.
* ``rotation`` is counter-clockwise, in degrees.
* ``depth`` counts the sheets folded *around* this one in its signature (0 = outermost);
  the placement engine turns it into creep.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, NamedTuple, Sequence


class LayoutError(ValueError):
    """A page count or option that a layout cannot honour."""


@dataclass(frozen=True)
class Slot:
    """One page position on one side of a sheet."""

    page: int | None  # 0-based source page; None = blank
    col: int
    row: int
    rotation: int = 0  # counter-clockwise degrees
    spine: str | None = None  # edge on the binding fold: left, right, top, bottom
    depth: int = 0  # sheets folded around this one (creep)


@dataclass(frozen=True)
class SheetPlan:
    """A sheet: its front side and its back side (``None`` when printed single-sided)."""

    front: tuple[Slot, ...]
    back: tuple[Slot, ...] | None
    signature: int = 0  # index of the signature this sheet belongs to
    outer: bool = False  # outermost sheet of its signature (carries the collation mark)
    cover: bool = False  # the separately printed cover

    def sides(self) -> tuple[tuple[Slot, ...], ...]:
        return (self.front,) if self.back is None else (self.front, self.back)


@dataclass(frozen=True)
class Grid:
    """How a sheet side is divided: columns × rows, and which boundaries are folds.

    Boundaries are numbered 1 … cols-1 (between columns) and 1 … rows-1 (rows).  A fold
    boundary has the pages meet exactly; any other boundary is a cut, which gets a
    gutter of twice the bleed when bleed is asked for.
    """

    cols: int
    rows: int
    fold_cols: frozenset[int] = frozenset()
    fold_rows: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Plan:
    """The whole imposition: sheets in print order, and the padded reading order."""

    layout: str
    grid: Grid
    sheets: tuple[SheetPlan, ...]
    sequence: tuple[int | None, ...]
    signature_size: int = 0  # perfect binding: pages per signature
    duplex: bool = True

    @property
    def blanks(self) -> int:
        return sum(1 for page in self.sequence if page is None)


# ---------------------------------------------------------------------------- padding

def pad(source_pages: Sequence[int], multiple: int, policy: str = "before-back") -> tuple[int | None, ...]:
    """``pages`` padded with blanks (``None``) to a multiple of ``multiple``.

    ``before-back`` puts the blanks just before the last page, so it stays the outside
    back cover; ``after-front`` just after the first page; ``end`` after the last page.
    With fewer than two pages there is no separate back cover, so blanks go at the end.
    """
    pages: list[int | None] = list(source_pages)
    total = max(multiple, -(-len(pages) // multiple) * multiple)
    blanks: list[int | None] = [None] * (total - len(pages))
    if policy == "start":  # used for the body inside a separate cover
        return tuple(blanks + pages)
    if policy == "end" or len(pages) < 2:
        return tuple(pages + blanks)
    if policy == "after-front":
        return tuple(pages[:1] + blanks + pages[1:])
    if policy == "before-back":
        return tuple(pages[:-1] + blanks + pages[-1:])
    raise LayoutError(f"unknown blank placement {policy!r}")


class Quad(NamedTuple):
    """The four pages of one folded sheet (reading order) and its depth in the signature."""

    first: int | None
    second: int | None
    second_last: int | None
    last: int | None
    depth: int = 0


def nest(sequence: Sequence[int | None], depth: int = 0) -> list[Quad]:
    """Split a folded signature (a multiple of 4 pages) into nested sheets, outermost first.

    Sheet *k* carries pages 2k+1, 2k+2, n-2k-1 and n-2k (1-based) of the signature.
    """
    n = len(sequence)
    if n % 4:
        raise LayoutError(f"a folded signature needs a multiple of 4 pages, not {n}")
    return [Quad(sequence[2 * k], sequence[2 * k + 1], sequence[n - 2 - 2 * k], sequence[n - 1 - 2 * k],
                 depth + k) for k in range(n // 4)]


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


# ------------------------------------------------------------------------ the layouts

def saddle_order(count: int, blanks: str = "before-back", cover: str = "included",
                 *, top: bool = False) -> Plan:
    """Saddle stitch: all sheets nested in one signature, folded once and stapled.

    8 pages: sheet 1 front [8|1] back [2|7], sheet 2 front [6|3] back [4|5].
    ``cover="separate"``: sheet 1 carries pages 1, 2, n-1, n; the other pages are
    padded on their own and nest inside it.
    """
    make: Callable[..., SheetPlan] = _top_bound if top else _side_bound
    grid, name = (TOP_GRID, "topbound") if top else (SIDE_GRID, "saddle")
    _need_pages(count)
    if cover == "separate":
        cover_quad, sequence = _split_cover(count, 4, blanks)
        sheets = [make(cover_quad, cover=True, outer=True)]
        sheets += [make(quad) for quad in nest(sequence[2:-2], depth=1)]
        return Plan(name, grid, tuple(sheets), sequence)
    sequence = pad(range(count), 4, blanks)
    return Plan(name, grid, tuple(make(quad, outer=quad.depth == 0) for quad in nest(sequence)), sequence)


def topbound_order(count: int, blanks: str = "before-back", cover: str = "included") -> Plan:
    """Saddle stitch bound at the top (calendar fold): pages stacked, heads at the fold."""
    return saddle_order(count, blanks, cover, top=True)


def pick_signature(count: int, sizes: Sequence[int]) -> int:
    """The signature size leaving the fewest blank pages; ties go to the larger size."""
    if not sizes:
        raise LayoutError("no signature size to choose from")
    return min(sizes, key=lambda size: (-count % size, -size))


def perfect_order(count: int, sizes: Sequence[int] = (16, 12, 8, 4), blanks: str = "before-back",
                  cover: str = "included") -> Plan:
    """Perfect binding: signatures of ``size`` pages, each a small saddle, stacked and glued.

    The size is picked from ``sizes`` by :func:`pick_signature`.  With
    ``cover="separate"`` pages 1, 2, n-1, n go on a cover sheet printed first and the
    rest is gathered in signatures.
    """
    _need_pages(count)
    if cover == "separate":
        size = pick_signature(max(count - 4, 1), sizes)
        cover_quad, sequence = _split_cover(count, size, blanks)
        body = sequence[2:-2]
        sheets = [_side_bound(cover_quad, cover=True, signature=-1)]
    else:
        size = pick_signature(count, sizes)
        sequence = body = pad(range(count), size, blanks)
        sheets = []
    for index in range(len(body) // size):
        chunk = body[index * size:(index + 1) * size]
        sheets += [_side_bound(quad, signature=index, outer=quad.depth == 0) for quad in nest(chunk)]
    return Plan("perfect", SIDE_GRID, tuple(sheets), sequence, signature_size=size)


def fourup_order(count: int, blanks: str = "before-back") -> Plan:
    """Two 2-up booklet sheets on each sheet: print, cut across the middle, stack, fold.

    The booklet's half-sheets, outermost first, are the top halves of sheets 1…N, then
    the bottom halves of sheets 1…N.  8 pages fit one sheet: top [8|1]/[2|7], bottom
    [6|3]/[4|5].
    """
    _need_pages(count)
    sequence = pad(range(count), 8, blanks)
    halves = [_side_bound(quad) for quad in nest(sequence)]
    n = len(halves) // 2
    sheets: list[SheetPlan] = []
    for top, bottom in zip(halves[:n], halves[n:]):
        lower_front = tuple(replace(slot, row=1) for slot in bottom.front)
        lower_back = tuple(replace(slot, row=1) for slot in bottom.back or ())
        sheets.append(SheetPlan(top.front + lower_front, (top.back or ()) + lower_back, outer=not sheets))
    grid = Grid(2, 2, fold_cols=frozenset({1}))
    return Plan("4up", grid, tuple(sheets), sequence)


def onepagezine_order(count: int, blanks: str = "before-back") -> Plan:
    """The 8-page one-sheet mini zine: one side, 4 × 2 panels, top row turned 180°.

        top (180°):  5 4 3 2
        bottom:      6 7 8 1

    Fold in half lengthwise, cut the middle of the fold between the inner panels, fold
    into a booklet.  More than 8 pages is an error; fewer are padded.
    """
    _need_pages(count)
    if count > 8:
        raise LayoutError(f"a one-page zine has 8 pages; this PDF has {count} (use --layout saddle)")
    s = pad(range(count), 8, blanks)
    top = [Slot(s[i], col, 0, 180) for col, i in enumerate((4, 3, 2, 1))]
    bottom = [Slot(s[i], col, 1) for col, i in enumerate((5, 6, 7, 0))]
    grid = Grid(4, 2, fold_cols=frozenset({1, 2, 3}), fold_rows=frozenset({1}))
    return Plan("onepagezine", grid, (SheetPlan(tuple(top + bottom), None),), s, duplex=False)


def repeat_order(count: int, cols: int, rows: int) -> Plan:
    """Step and repeat (flyers, cards): each page fills a whole side, ``cols`` × ``rows`` times.

    Pages go in pairs, front and back: page 1 on the front of sheet 1, page 2 on its
    back, page 3 on the front of sheet 2 …  An odd last page gets no back.
    """
    _need_pages(count)
    if cols < 1 or rows < 1:
        raise LayoutError("a repeat needs at least one column and one row")

    def side(page: int) -> tuple[Slot, ...]:
        return tuple(Slot(page, col, row) for row in range(rows) for col in range(cols))

    sheets = tuple(SheetPlan(side(i), side(i + 1) if i + 1 < count else None)
                   for i in range(0, count, 2))
    return Plan("repeat", Grid(cols, rows), sheets, tuple(range(count)), duplex=count > 1)


# ------------------------------------------------------------------------- transforms

_OPPOSITE = {"left": "right", "right": "left", "top": "bottom", "bottom": "top", None: None}


def turn_side(side: Sequence[Slot], grid: Grid) -> tuple[Slot, ...]:
    """A side turned 180° on the sheet: positions mirrored both ways, pages rotated."""
    return tuple(
        replace(slot, col=grid.cols - 1 - slot.col, row=grid.rows - 1 - slot.row,
                rotation=(slot.rotation + 180) % 360, spine=_OPPOSITE[slot.spine])
        for slot in side
    )


def apply_flip(plan: Plan, turn_backs: bool) -> Plan:
    """Turn every back side 180° when the printer flips the sheet the other way."""
    if not turn_backs:
        return plan
    sheets = tuple(sheet if sheet.back is None else replace(sheet, back=turn_side(sheet.back, plan.grid))
                   for sheet in plan.sheets)
    return replace(plan, sheets=sheets)


def backs_need_turning(flip: str, sheet_is_landscape: bool) -> bool:
    """Backs are laid out for turning about the vertical axis of the sheet as drawn.

    That axis is the short edge of a landscape sheet and the long edge of a portrait
    one; a printer flipping on the other edge needs the backs turned 180°.
    """
    natural = "short" if sheet_is_landscape else "long"
    return flip != natural


def plan_layout(layout: str, count: int, *, sizes: Sequence[int] = (16, 12, 8, 4),
                blanks: str = "before-back", cover: str = "included",
                repeat_grid: tuple[int, int] = (1, 1)) -> Plan:
    """The plan of ``layout`` for ``count`` pages (``repeat_grid`` is used by ``repeat``)."""
    if layout == "saddle":
        return saddle_order(count, blanks, cover)
    if layout == "topbound":
        return topbound_order(count, blanks, cover)
    if layout == "perfect":
        return perfect_order(count, sizes, blanks, cover)
    if layout == "4up":
        return fourup_order(count, blanks)
    if layout == "onepagezine":
        return onepagezine_order(count, blanks)
    if layout == "repeat":
        return repeat_order(count, *repeat_grid)
    raise LayoutError(f"unknown layout {layout!r}")


LAYOUT_GRIDS = {"saddle": SIDE_GRID, "perfect": SIDE_GRID, "topbound": TOP_GRID,
                "4up": Grid(2, 2, fold_cols=frozenset({1})),
                "onepagezine": Grid(4, 2, fold_cols=frozenset({1, 2, 3}), fold_rows=frozenset({1}))}


def _need_pages(count: int) -> None:
    if count < 1:
        raise LayoutError("there are no pages to impose")


def _split_cover(count: int, multiple: int, blanks: str) -> tuple[Quad, tuple[int | None, ...]]:
    """The cover sheet (pages 1, 2, n-1, n) and the sequence with the body padded alone."""
    if count < 4:
        raise LayoutError(f"a separate cover needs at least 4 pages; this PDF has {count}")
    # The body sits between the inside covers: its end is "before the back".
    policy = {"before-back": "end", "after-front": "start"}.get(blanks, blanks)
    body = pad(range(2, count - 2), multiple, policy) if count > 4 else ()
    sequence = (0, 1) + tuple(body) + (count - 2, count - 1)
    return Quad(0, 1, count - 2, count - 1), sequence
