"""The plan of an imposition: which source page goes where on which sheet side.

Pure data and pure functions, no PDF here.  A page-order function (``layouts.py``,
``leaves.py``) turns a page count and a :class:`LayoutRequest` into a :class:`Plan`: a
list of sheets, each with a front and (unless single-sided) a back side, each side a
tuple of :class:`Slot` (source page index or ``None`` for a blank, grid position,
rotation, and which edge of the slot lies on the binding).

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
* Layouts are worked out for left-to-right binding; :func:`bind_right_to_left` makes the
  mirror image, the same book bound on its right edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import NamedTuple, Sequence

BLANK_POLICIES = ("before-back", "end", "after-front")


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
    bound: str | None = None  # edge of a single leaf that is stitched (binding margin)


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
class LayoutRequest:
    """What a page-order function is asked for, beyond the page count."""

    blanks: str = "before-back"  # where padding goes: before-back, end, after-front
    cover: str = "included"  # or "separate": pages 1, 2, n-1, n on a sheet of their own
    sizes: tuple[int, ...] = (16, 12, 8, 4)  # perfect: candidate signature sizes
    flyleaves: int = 0  # blank leaves inside the front and the back cover
    fill: tuple[int, int] = (1, 1)  # columns, rows of layouts that fill the sheet
    up: int = 1  # perfect: signatures printed side by side on one sheet
    across: bool = True  # up 2: side by side (True) or one above the other (False)
    single_sided: bool = False  # repeat, cutstack: every page on a front, backs blank


@dataclass(frozen=True)
class Plan:
    """The whole imposition: sheets in print order, and the padded reading order."""

    layout: str
    grid: Grid
    sheets: tuple[SheetPlan, ...]
    sequence: tuple[int | None, ...]
    signature_size: int = 0  # perfect binding: pages per signature
    duplex: bool = True
    flyleaf_positions: frozenset[int] = field(default=frozenset())  # in ``sequence``

    @property
    def blanks(self) -> int:
        """Blank pages added as padding (flyleaves not counted)."""
        return sum(1 for i, page in enumerate(self.sequence)
                   if page is None and i not in self.flyleaf_positions)


# ------------------------------------------------------------------- reading order

def pad(source_pages: Sequence[int | None], multiple: int,
        policy: str = "before-back") -> tuple[int | None, ...]:
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


def with_flyleaves(pages: Sequence[int | None], leaves: int,
                   covers: bool = True) -> tuple[int | None, ...]:
    """``leaves`` blank leaves (2 pages each) inside the front and the back cover.

    With ``covers`` the first two pages (outside and inside front cover) and the last
    two stay outside the flyleaves; without (a body inside a separate cover) the
    flyleaves open and close the pages.
    """
    blank: tuple[int | None, ...] = (None,) * (2 * leaves)
    pages = tuple(pages)
    if not leaves:
        return pages
    if not covers:
        return blank + pages + blank
    if len(pages) < 4:
        raise LayoutError(f"--flyleaves go inside the covers (pages 1-2 and the last two); "
                          f"this PDF has only {len(pages)} page{'s' if len(pages) != 1 else ''}")
    return pages[:2] + blank + pages[2:-2] + blank + pages[-2:]


def reading_order(count: int, multiple: int, request: LayoutRequest) -> tuple[tuple[int | None, ...], frozenset[int]]:
    """Pages 0…count-1 with flyleaves, padded to ``multiple``; and where the flyleaves are."""
    need_pages(count)
    tagged = with_flyleaves(range(count), request.flyleaves) if request.flyleaves else tuple(range(count))
    marked = tuple(-1 if p is None else p for p in tagged)  # flyleaves: -1 until padded
    padded = pad(marked, multiple, request.blanks)
    flyleaves = frozenset(i for i, p in enumerate(padded) if p == -1)
    return tuple(None if p == -1 else p for p in padded), flyleaves


def need_pages(count: int) -> None:
    if count < 1:
        raise LayoutError("there are no pages to impose")


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


# ------------------------------------------------------------------------- transforms

_OPPOSITE = {"left": "right", "right": "left", "top": "bottom", "bottom": "top", None: None}
_MIRROR = {"left": "right", "right": "left", "top": "top", "bottom": "bottom", None: None}


def turn_side(side: Sequence[Slot], grid: Grid) -> tuple[Slot, ...]:
    """A side turned 180° on the sheet: positions mirrored both ways, pages rotated."""
    return tuple(
        replace(slot, col=grid.cols - 1 - slot.col, row=grid.rows - 1 - slot.row,
                rotation=(slot.rotation + 180) % 360, spine=_OPPOSITE[slot.spine],
                bound=_OPPOSITE[slot.bound])
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


def mirror_side(side: Sequence[Slot], grid: Grid) -> tuple[Slot, ...]:
    """A side reflected left to right: columns reversed, left and right edges swapped.

    Pages are never reflected: a page turned 90° is turned 270° in the mirror image.
    """
    return tuple(
        replace(slot, col=grid.cols - 1 - slot.col, rotation=(-slot.rotation) % 360,
                spine=_MIRROR[slot.spine], bound=_MIRROR[slot.bound])
        for slot in side
    )


def bind_right_to_left(plan: Plan) -> Plan:
    """The mirror image of a left-to-right plan: the same book with its spine on the right.

    Saddle, 8 pages: the first side reads [1 | 8] instead of [8 | 1].  Fronts and backs
    are both reflected, so each leaf keeps its two pages back to back.
    """
    sheets = tuple(replace(sheet, front=mirror_side(sheet.front, plan.grid),
                           back=None if sheet.back is None else mirror_side(sheet.back, plan.grid))
                   for sheet in plan.sheets)
    return replace(plan, sheets=sheets)


def select_pages(plan: Plan, pages: Sequence[int]) -> Plan:
    """A plan made for ``len(pages)`` pages, showing source pages ``pages`` instead.

    ``pages[i]`` is the source page standing in place ``i`` (``--pages 3-18,21``).
    """
    def source(index: int | None) -> int | None:
        return None if index is None else pages[index]

    def side(slots: tuple[Slot, ...] | None) -> tuple[Slot, ...] | None:
        return None if slots is None else tuple(replace(s, page=source(s.page)) for s in slots)

    sheets = tuple(replace(sheet, front=side(sheet.front) or (), back=side(sheet.back))
                   for sheet in plan.sheets)
    return replace(plan, sheets=sheets, sequence=tuple(source(p) for p in plan.sequence))


def placed_pages(plan: Plan) -> list[int | None]:
    """Every slot's page, sheet by sheet, side by side (for checks and tests)."""
    return [slot.page for sheet in plan.sheets for side in sheet.sides() for slot in side]
