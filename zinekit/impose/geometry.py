"""Where things go on a sheet: sheet choice, cell rectangles, page matrices, clips, creep.

Pure arithmetic in PDF points (y upwards), no PDF objects.  A rectangle is
``(x0, y0, x1, y1)``; a matrix is PDF's ``(a, b, c, d, e, f)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

from zinekit.impose.plan import Grid, Slot
from zinekit.impose.options import SHEETS, Sheet

Rect = tuple[float, float, float, float]
Matrix = tuple[float, float, float, float, float, float]

#: A block may overflow its sheet by this much without being scaled down (0.35 mm):
#: two A5 pages rounded to whole points still go on A4 at 100 %.
TOLERANCE = 1.0
MARK_OFFSET = 6.0  # crop marks start this far outside the trim (or the bleed, if larger)
MARK_LENGTH = 14.0
MARK_ROOM = MARK_OFFSET + MARK_LENGTH


@dataclass(frozen=True)
class PageBox:
    """The boxes of one source page, in its own user space, and its /Rotate."""

    media: Rect
    trim: Rect
    bleed_limit: Rect  # how far the page's artwork goes: its BleedBox, else its CropBox
    rotate: int = 0  # clockwise, as in the PDF

    @property
    def size(self) -> tuple[float, float]:
        """Trimmed width and height as displayed (after /Rotate)."""
        w, h = self.trim[2] - self.trim[0], self.trim[3] - self.trim[1]
        return (h, w) if self.rotate % 180 else (w, h)


@dataclass(frozen=True)
class SheetGeometry:
    """A chosen sheet and how the layout's grid sits on it."""

    sheet: Sheet  # as oriented on the output page
    grid: Grid
    cell: tuple[float, float]  # unscaled cell (largest page) size
    scale: float
    bleed: float  # requested bleed, unscaled
    bleed_x: float  # outer bleed actually kept at the left/right edges, on the sheet
    bleed_y: float
    binding_margin: float = 0.0  # stab: part of the cell's width left blank on the bound edge
    needed: tuple[float, float] = (0.0, 0.0)  # the block with bleed and marks at 100 %

    # -- the block of cells -------------------------------------------------------
    @property
    def gutter(self) -> float:
        return 2 * self.bleed

    def block_size(self) -> tuple[float, float]:
        return block_size(self.grid, self.cell, self.bleed)

    def trim_rect(self) -> Rect:
        w, h = (v * self.scale for v in self.block_size())
        x0, y0 = (self.sheet.width - w) / 2, (self.sheet.height - h) / 2
        return (x0, y0, x0 + w, y0 + h)

    def bleed_rect(self) -> Rect:
        return grow(self.trim_rect(), self.bleed_x, self.bleed_y, self.bleed_x, self.bleed_y)

    def cell_rect(self, col: int, row: int) -> Rect:
        s, (cw, ch) = self.scale, self.cell
        x0, _, _, top = self.trim_rect()
        cuts_left = sum(1 for b in range(1, col + 1) if b not in self.grid.fold_cols)
        cuts_above = sum(1 for b in range(1, row + 1) if b not in self.grid.fold_rows)
        left = x0 + s * (col * cw + cuts_left * self.gutter)
        upper = top - s * (row * ch + cuts_above * self.gutter)
        return (left, upper - s * ch, left + s * cw, upper)

    # -- lines for marks ----------------------------------------------------------
    def trim_lines(self) -> tuple[list[float], list[float]]:
        """x of every vertical trim line and y of every horizontal one (cuts and edges)."""
        xs = {self.cell_rect(c, 0)[i] for c in range(self.grid.cols) for i in (0, 2)
              if not _on_fold(c, i, self.grid.cols, self.grid.fold_cols)}
        ys = {self.cell_rect(0, r)[i] for r in range(self.grid.rows) for i in (1, 3)
              if not _on_fold(r, 3 - i, self.grid.rows, self.grid.fold_rows)}
        return sorted(xs), sorted(ys)

    def fold_lines(self) -> tuple[list[float], list[float]]:
        xs = [self.cell_rect(b, 0)[0] for b in sorted(self.grid.fold_cols)]
        ys = [self.cell_rect(0, b)[3] for b in sorted(self.grid.fold_rows)]
        return xs, ys

    def margins(self) -> tuple[float, float]:
        """Free paper outside the bleed at the left/right and top/bottom edges."""
        x0, y0, _, _ = self.trim_rect()
        return x0 - self.bleed_x, y0 - self.bleed_y


def _on_fold(index: int, edge: int, count: int, folds: frozenset[int]) -> bool:
    """Is edge ``edge`` (0 = low side, 2 = high side) of cell ``index`` on a fold boundary?"""
    boundary = index if edge == 0 else index + 1
    return 0 < boundary < count and boundary in folds


def block_size(grid: Grid, cell: tuple[float, float], bleed: float) -> tuple[float, float]:
    """Unscaled size of the trimmed block: cells plus a 2×bleed gutter at every cut."""
    cuts_x = grid.cols - 1 - len(grid.fold_cols)
    cuts_y = grid.rows - 1 - len(grid.fold_rows)
    return (grid.cols * cell[0] + cuts_x * 2 * bleed, grid.rows * cell[1] + cuts_y * 2 * bleed)


def grow(rect: Rect, left: float, bottom: float, right: float, top: float) -> Rect:
    return (rect[0] - left, rect[1] - bottom, rect[2] + right, rect[3] + top)


def intersect(a: Rect, b: Rect) -> Rect:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return (x0, y0, max(x0, x1), max(y0, y1))


# ------------------------------------------------------------------- choosing a sheet

def cell_size(pages: Iterable[PageBox]) -> tuple[float, float]:
    """The cell every page is centred in: the largest trimmed width and height."""
    sizes = [page.size for page in pages]
    return max(w for w, _ in sizes), max(h for _, h in sizes)


def fit_scale(block: tuple[float, float], sheet: tuple[float, float]) -> float:
    """1 when the block fits (within :data:`TOLERANCE`), else the factor that makes it fit."""
    scale = 1.0
    for need, have in zip(block, sheet):
        if need > have + TOLERANCE:
            scale = min(scale, have / need)
    return scale


def orient(sheet: Sheet, block: tuple[float, float]) -> tuple[Sheet, float]:
    """The sheet turned the way that shows the block largest (ties: same shape as block)."""
    upright = Sheet(sheet.name, min(sheet.width, sheet.height), max(sheet.width, sheet.height))
    turned = Sheet(sheet.name, upright.height, upright.width)
    candidates = [(fit_scale(block, (s.width, s.height)), (s.width >= s.height) == (block[0] >= block[1]), s)
                  for s in (upright, turned)]
    scale, _, best = max(candidates, key=lambda c: (c[0], c[1]))
    return best, scale


def paper_family(size: tuple[float, float]) -> str | None:
    """``"iso"`` or ``"us"`` when a page is a standard size (A5, letter …), else None."""
    w, h = sorted(size)
    for name, (sw, sh) in SHEETS.items():
        if abs(w - sw) <= 2 and abs(h - sh) <= 2:
            return "iso" if name.startswith(("A", "SRA")) else "us"
    return None


#: The sheets a default is chosen from, smallest first: the home and office size of
#: the pages' paper family, then the copy shop's larger sheets.  A0-A2 and the like
#: are never chosen unless asked for with --sheet.
DEFAULT_SHEETS = {"iso": ("A4", "A3", "SRA3"), "us": ("letter", "tabloid", "tabloid-extra"),
                  None: ("A4", "letter", "A3", "tabloid", "SRA3", "tabloid-extra")}


def fits(need: tuple[float, float], sheet: tuple[float, float]) -> bool:
    """Does a block of size ``need`` go on ``sheet`` at 100 %, one way or the other?"""
    return fit_scale(need, sheet) == 1 or fit_scale(need, (sheet[1], sheet[0])) == 1


def default_sheet(block: tuple[float, float], margin: float, page: tuple[float, float] | None = None) -> Sheet:
    """The sheet a home printer or a copy shop expects for ``block`` plus ``margin`` all round.

    The pages' family's home size (A4 for A-series pages, letter for US pages) when the
    block fits it at 100 %, else the smallest of the larger sheets of that family that
    it fits (A3, SRA3; tabloid, tabloid-extra); when none does, the home size, and the
    pages are scaled down to fit it.
    """
    need = (block[0] + 2 * margin, block[1] + 2 * margin)
    names = DEFAULT_SHEETS[paper_family(page) if page else None]
    for name in names:
        if fits(need, SHEETS[name]):
            return Sheet(name, *SHEETS[name])
    return Sheet(names[0], *SHEETS[names[0]])


def sheet_for(need: tuple[float, float]) -> str:
    """The smallest standard sheet holding ``need`` at 100 % (any size), or W×H in mm."""
    fitting = [(w * h, name) for name, (w, h) in SHEETS.items() if fits(need, (w, h))]
    if fitting:
        return min(fitting)[1]
    w, h = (math.ceil(v / (72 / 25.4)) for v in need)
    return f"{w}x{h}mm"


def repeat_grid(sheet: Sheet, cell: tuple[float, float], bleed: float) -> tuple[int, int]:
    """How many copies of a cell fit (cols, rows) on the sheet as oriented, at least 1×1."""
    step_w, step_h = cell[0] + 2 * bleed, cell[1] + 2 * bleed
    cols = int((sheet.width + 2 * bleed + TOLERANCE) // step_w)
    rows = int((sheet.height + 2 * bleed + TOLERANCE) // step_h)
    return max(cols, 1), max(rows, 1)


def choose_sheet(grid: Grid, cell: tuple[float, float], bleed: float, marks: bool,
                 requested: Sheet | None, page: tuple[float, float] | None = None,
                 binding_margin: float = 0.0, keep_orientation: bool = False) -> SheetGeometry:
    """Orient (or pick, when none was requested) the sheet and fit the grid on it.

    ``cell`` includes any binding margin; ``page`` (the pages' own size) tells the
    paper family the default sheet comes from.  ``keep_orientation``: the sheet is
    already turned the way it is to be used (the pieces were counted on it).
    """
    block = block_size(grid, cell, bleed)
    margin = bleed + (MARK_ROOM if marks else 0)
    if requested is None:
        requested = default_sheet(block, margin, page or cell)
    if keep_orientation:
        sheet, scale = requested, fit_scale(block, (requested.width, requested.height))
    else:
        sheet, scale = orient(requested, block)
    w, h = (v * scale for v in block)
    room_x, room_y = (sheet.width - w) / 2, (sheet.height - h) / 2
    bleed_x = max(0.0, min(bleed * scale, room_x))
    bleed_y = max(0.0, min(bleed * scale, room_y))
    needed = (block[0] + 2 * margin, block[1] + 2 * margin)
    return SheetGeometry(sheet, grid, cell, scale, bleed, bleed_x, bleed_y, binding_margin, needed)


# -------------------------------------------------------------------- placing a page

def creep_shift(depth: int, thickness: float) -> float:
    """How far a page moves towards the spine: depth × thickness × π/2.

    A sheet wraps around the sheets inside it; each one adds one paper thickness to
    the radius of its fold, and a quarter turn of that radius (π/2 × thickness) to the
    paper its half-leaf spends going round the fold, so its fore-edge sticks out that
    much further than the sheet outside it.
    """
    return depth * thickness * math.pi / 2


def page_matrix(page: PageBox, angle: int, scale: float, centre: tuple[float, float]) -> Matrix:
    """Map the page's trim centre to ``centre``, turned ``angle``° anticlockwise, scaled."""
    theta = math.radians((angle - page.rotate) % 360)
    cos, sin = round(math.cos(theta)), round(math.sin(theta))  # multiples of 90° only
    a, b, c, d = scale * cos, scale * sin, -scale * sin, scale * cos
    tx, ty = (page.trim[0] + page.trim[2]) / 2, (page.trim[1] + page.trim[3]) / 2
    return (a, b, c, d, centre[0] - (a * tx + c * ty), centre[1] - (b * tx + d * ty))


def transform_rect(m: Matrix, rect: Rect) -> Rect:
    xs, ys = [], []
    for x, y in ((rect[0], rect[1]), (rect[2], rect[1]), (rect[0], rect[3]), (rect[2], rect[3])):
        xs.append(m[0] * x + m[2] * y + m[4])
        ys.append(m[1] * x + m[3] * y + m[5])
    return (min(xs), min(ys), max(xs), max(ys))


_SHIFT = {"left": (-1, 0), "right": (1, 0), "top": (0, 1), "bottom": (0, -1)}


def place(slot: Slot, page: PageBox, geo: SheetGeometry, thickness: float = 0.0) -> tuple[Matrix, Rect]:
    """Matrix for the page's form on the sheet and the rectangle to clip it to.

    1. Centre the page in its cell (pages smaller than the largest stay centred).
    2. Shift it towards the spine by the creep of its sheet.
    3. Clip to the cell, grown by the bleed on every edge that is not a fold, shifted
       with the page but never past the fold, and to the page's own artwork.
    """
    cell = geo.cell_rect(slot.col, slot.row)
    dx, dy = _SHIFT.get(slot.spine or "", (0, 0))
    shift = creep_shift(slot.depth, thickness)  # on the sheet: paper does not scale
    bx, by = _SHIFT.get(slot.bound or "", (0, 0))
    away = -geo.binding_margin * geo.scale / 2  # a bound page sits beside its margin
    centre = ((cell[0] + cell[2]) / 2 + dx * shift + bx * away,
              (cell[1] + cell[3]) / 2 + dy * shift + by * away)
    matrix = page_matrix(page, slot.rotation, geo.scale, centre)
    zone = _zone(slot, cell, geo)
    zone = (zone[0] + dx * shift, zone[1] + dy * shift, zone[2] + dx * shift, zone[3] + dy * shift)
    if slot.spine:
        zone = intersect(zone, _spine_half_plane(slot.spine, cell))
    if slot.bound:  # the margin stays blank: the page is cut at its own trim there
        strip = geo.binding_margin * geo.scale
        zone = intersect(zone, _spine_half_plane(slot.bound, grow(cell, *_strip(slot.bound, -strip))))
    b = geo.bleed
    artwork = intersect(grow(page.trim, b, b, b, b), page.bleed_limit)
    return matrix, intersect(zone, transform_rect(matrix, artwork))


def _strip(edge: str, amount: float) -> tuple[float, float, float, float]:
    """Left, bottom, right, top growth moving only the ``edge`` side by ``amount``."""
    return {"left": (amount, 0, 0, 0), "bottom": (0, amount, 0, 0),
            "right": (0, 0, amount, 0), "top": (0, 0, 0, amount)}[edge]


def _zone(slot: Slot, cell: Rect, geo: SheetGeometry) -> Rect:
    """The cell grown by the bleed: outer bleed at sheet edges, full bleed at cuts, 0 at folds."""
    grid, inner = geo.grid, geo.bleed * geo.scale

    def amount(index: int, edge: int, count: int, folds: frozenset[int], outer: float) -> float:
        boundary = index if edge == 0 else index + 1
        if boundary in (0, count):
            return outer
        return 0.0 if boundary in folds else inner

    left = amount(slot.col, 0, grid.cols, grid.fold_cols, geo.bleed_x)
    right = amount(slot.col, 2, grid.cols, grid.fold_cols, geo.bleed_x)
    top = amount(slot.row, 0, grid.rows, grid.fold_rows, geo.bleed_y)
    bottom = amount(slot.row, 2, grid.rows, grid.fold_rows, geo.bleed_y)
    return grow(cell, left, bottom, right, top)


def _spine_half_plane(spine: str, cell: Rect) -> Rect:
    """Everything on the page's side of its spine edge."""
    big = 1e6
    return {"left": (cell[0], -big, big, big), "right": (-big, -big, cell[2], big),
            "top": (-big, -big, big, cell[3]), "bottom": (-big, cell[1], big, big)}[spine]


def mixed_sizes(pages: Sequence[PageBox], tolerance: float = 0.5) -> bool:
    sizes = [page.size for page in pages]
    return any(abs(w - sizes[0][0]) > tolerance or abs(h - sizes[0][1]) > tolerance for w, h in sizes)
