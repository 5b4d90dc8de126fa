"""Printer's marks drawn on the sheet: crop marks, fold marks, collation marks.

All marks are stroked in the registration colour (``/Separation /All``) so they appear
on every printing plate.  Crop and fold marks sit in the paper outside the bleed; a
collation mark sits on the spine fold of each signature's outer sheet, one step lower
per signature, so a gathered book block shows a staircase down its spine (a missing or
repeated signature breaks the stair).
"""

from __future__ import annotations

from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
)

from zinekit.impose.geometry import MARK_LENGTH, MARK_OFFSET, SheetGeometry

COLOUR_SPACE = "/CSAll"
LINE_WIDTH = 0.3
MIN_MARK = 4.0  # shorter than this, a mark is left out
COLLATION_SIZE = (6.0, 14.0)  # width, height of a collation mark


def registration_colour_space() -> ArrayObject:
    """``[/Separation /All /DeviceCMYK f]`` with f(t) = (t, t, t, t)."""
    tint = DictionaryObject({
        NameObject("/FunctionType"): NumberObject(2),
        NameObject("/Domain"): ArrayObject([NumberObject(0), NumberObject(1)]),
        NameObject("/C0"): ArrayObject([NumberObject(0)] * 4),
        NameObject("/C1"): ArrayObject([NumberObject(1)] * 4),
        NameObject("/N"): NumberObject(1),
    })
    return ArrayObject([NameObject("/Separation"), NameObject("/All"),
                        NameObject("/DeviceCMYK"), tint])


def _f(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _span(edge: float, bleed: float, limit: float, direction: int) -> tuple[float, float] | None:
    """Where a mark goes beyond ``edge`` (trim line) outwards, or None if no room."""
    start = edge + direction * max(MARK_OFFSET, bleed + 2)
    end = edge + direction * max(MARK_OFFSET, bleed + 2) + direction * MARK_LENGTH
    end = min(end, limit - 1) if direction > 0 else max(end, limit + 1)
    if (end - start) * direction < MIN_MARK:
        return None
    return start, end


def _lines(geo: SheetGeometry, xs: list[float], ys: list[float]) -> list[str]:
    """Segments continuing vertical lines ``xs`` and horizontal lines ``ys`` into the margins."""
    x0, y0, x1, y1 = geo.trim_rect()
    out = []
    for direction, edge, limit in ((1, y1, geo.sheet.height), (-1, y0, 0.0)):
        span = _span(edge, geo.bleed_y, limit, direction)
        if span:
            out += [f"{_f(x)} {_f(span[0])} m {_f(x)} {_f(span[1])} l" for x in xs]
    for direction, edge, limit in ((1, x1, geo.sheet.width), (-1, x0, 0.0)):
        span = _span(edge, geo.bleed_x, limit, direction)
        if span:
            out += [f"{_f(span[0])} {_f(y)} m {_f(span[1])} {_f(y)} l" for y in ys]
    return out


def has_room(geo: SheetGeometry) -> bool:
    """Is there paper outside the bleed for crop marks on at least two sides?"""
    x0, y0, x1, y1 = geo.trim_rect()
    return bool(_span(y1, geo.bleed_y, geo.sheet.height, 1) or _span(x1, geo.bleed_x, geo.sheet.width, 1))


def sheet_marks(geo: SheetGeometry) -> str:
    """Crop marks at every trim line and dashed fold marks at every fold, as content ops."""
    crop = _lines(geo, *geo.trim_lines())
    fold = _lines(geo, *geo.fold_lines())
    if not crop and not fold:
        return ""
    ops = ["q", f"{COLOUR_SPACE} CS 1 SCN {_f(LINE_WIDTH)} w 0 J"]
    if crop:
        ops += crop + ["S"]
    if fold:
        ops += ["[3 2] 0 d"] + fold + ["S"]
    ops.append("Q")
    return "\n".join(ops)


def collation_mark(geo: SheetGeometry, signature: int, boundary: int = 1, row: int = 0) -> str:
    """A filled block on the spine fold, one step lower for each signature.

    The fold is the one left of column ``boundary`` in ``row`` (two signatures can
    share a sheet, each with its own fold).
    """
    if boundary not in geo.grid.fold_cols:
        return ""
    x, y0, _, y1 = geo.cell_rect(boundary, row)
    width, height = COLLATION_SIZE
    steps = max(1, int((y1 - y0 - 2 * MARK_OFFSET - height) // height))
    top = y1 - MARK_OFFSET - (signature % steps) * height
    return (f"q {COLOUR_SPACE} cs 1 scn {_f(x - width / 2)} {_f(top - height)} "
            f"{_f(width)} {_f(height)} re f Q")


def colour_resources() -> DictionaryObject:
    return DictionaryObject({NameObject(COLOUR_SPACE): registration_colour_space()})

