"""From checked options and the source's page sizes to a plan laid on a sheet.

    1. choose the pages (--pages) and measure them: the cell is the largest page, plus
       the binding margin of stab-bound leaves;
    2. ask the layout's page-order function for the plan — first counting how many
       pieces fit the sheet for the layouts that fill it, and choosing how two
       signatures share a sheet (--up 2, --grain);
    3. bind right to left (a mirror image) when asked, choose and orient the sheet, and
       turn the backs for the way the sheet is flipped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from zinekit.impose.geometry import (
    MARK_ROOM,
    SheetGeometry,
    block_size,
    cell_size,
    choose_sheet,
    default_sheet,
    fit_scale,
    repeat_grid,
)
from zinekit.impose.layouts import ACROSS_GRID, STACKED_GRID
from zinekit.impose.options import ImposeOptions, Sheet, resolve_pages
from zinekit.impose.plan import (
    LayoutError,
    LayoutRequest,
    Plan,
    apply_flip,
    backs_need_turning,
    bind_right_to_left,
    select_pages,
)
from zinekit.impose.registry import LAYOUTS, Layout
from zinekit.impose.source import SourcePdf

Size = tuple[float, float]


@dataclass(frozen=True)
class Job:
    """Everything decided before a PDF object is made."""

    layout: Layout
    plan: Plan
    geo: SheetGeometry
    selection: tuple[int, ...]  # the source pages imposed, in order (0-based)
    page: Size  # the largest of them, trimmed


def arrange(pdf: SourcePdf, options: ImposeOptions) -> Job:
    """Plan the page order and fit the layout on its sheet (steps 1-3 above)."""
    layout = LAYOUTS[options.layout]
    selection = resolve_pages(options.pages, len(pdf), pdf.fail)
    page = cell_size(pdf.boxes[i] for i in selection)
    cell = (page[0] + options.binding_margin, page[1])
    request, chosen = _request(layout, cell, page, options)
    try:
        plan = layout.order(len(selection), request)
    except LayoutError as exc:
        raise pdf.fail(str(exc)) from None
    plan = select_pages(plan, selection)
    if options.binding == "rtl":
        plan = bind_right_to_left(plan)
    geo = choose_sheet(plan.grid, cell, options.bleed, options.marks, chosen or options.sheet, page,
                       options.binding_margin, keep_orientation=chosen is not None)
    landscape = geo.sheet.width >= geo.sheet.height
    plan = apply_flip(plan, plan.duplex and backs_need_turning(options.flip, landscape))
    return Job(layout, plan, geo, selection, page)


def _request(layout: Layout, cell: Size, page: Size,
             options: ImposeOptions) -> tuple[LayoutRequest, Sheet | None]:
    """The layout request, and the sheet (turned as it is to be used) when working the
    request out already chose one."""
    request = LayoutRequest(blanks=options.blanks, cover=options.cover,
                            sizes=options.signatures or LayoutRequest().sizes,
                            flyleaves=options.flyleaves, up=options.up,
                            single_sided=options.duplex == "none")
    if layout.grid is None:
        fill, sheet = fill_grid(cell, page, options)
        return replace(request, fill=fill), sheet
    if options.up == 2:
        across, sheet = two_up_arrangement(cell, page, options)
        return replace(request, across=across), sheet
    return request, None


def _margin(options: ImposeOptions) -> float:
    return options.bleed + (MARK_ROOM if options.marks else 0.0)


def fill_grid(cell: Size, page: Size, options: ImposeOptions) -> tuple[tuple[int, int], Sheet]:
    """As many pieces as fit on the sheet at 100 %, the sheet turned for the most.

    The default sheet is the home size when one piece fits it (A4 holds four A6
    cards), else the smallest larger sheet that holds one.  The sheet is returned
    turned the way the pieces were counted.
    """
    bleed, room = options.bleed, 2 * MARK_ROOM if options.marks else 0.0
    sheet = options.sheet or default_sheet(cell, _margin(options), page)
    best = (0, 0, 1, 1, sheet)
    for turned in (False, True):
        candidate = Sheet(sheet.name, sheet.height, sheet.width) if turned else sheet
        usable = Sheet(sheet.name, max(candidate.width - room, cell[0]), max(candidate.height - room, cell[1]))
        cols, rows = repeat_grid(usable, cell, bleed)
        shaped = (candidate.width >= candidate.height) == (cell[0] >= cell[1])
        best = max(best, (cols * rows, shaped, cols, rows, candidate), key=lambda b: b[:2])
    return (best[2], best[3]), best[4]


def two_up_arrangement(cell: Size, page: Size, options: ImposeOptions) -> tuple[bool, Sheet]:
    """Two signatures side by side (True) or one above the other, and the sheet turned.

    The folds run up the sheet as drawn, so they are parallel to its long edge when the
    sheet is portrait.  Folding with the grain gives a flat spine: ``--grain long``
    (grain along the long edge) keeps the arrangements whose sheet is portrait, ``short``
    those that are landscape.  Of those left, the one showing the pages largest wins,
    then one with room for the bleed and marks, then one above the other.
    """
    candidates = []
    for across, grid in ((True, ACROSS_GRID), (False, STACKED_GRID)):
        block = block_size(grid, cell, options.bleed)
        sheet = options.sheet or default_sheet(block, _margin(options), page)
        for turned in (False, True):
            candidate = Sheet(sheet.name, sheet.height, sheet.width) if turned else sheet
            along_long_edge = candidate.height >= candidate.width
            if options.grain and along_long_edge != (options.grain == "long"):
                continue
            size = (candidate.width, candidate.height)
            scale = fit_scale(block, size)
            room = fit_scale((block[0] + 2 * _margin(options), block[1] + 2 * _margin(options)), size) == 1
            candidates.append((scale, room, not across, across, candidate))
    if not candidates:  # a square sheet has no long edge: the grain cannot decide
        return two_up_arrangement(cell, page, replace(options, grain=None))
    *_, across, sheet = max(candidates, key=lambda c: c[:3])
    return across, sheet
