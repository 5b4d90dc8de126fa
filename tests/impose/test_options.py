"""Option parsing and the geometry of sheets: sizes, default sheet, fit, creep."""

from __future__ import annotations

import math

import pytest

from zinekit.errors import ImposeError
from zinekit.impose.geometry import (
    PageBox,
    cell_size,
    choose_sheet,
    creep_shift,
    page_matrix,
    place,
    transform_rect,
)
from zinekit.impose.layouts import SIDE_GRID, Slot
from zinekit.impose.options import MM, ImposeOptions

A5 = (148 * MM, 210 * MM)
HALF_LETTER = (396.0, 612.0)


def parse(**kwargs) -> ImposeOptions:
    return ImposeOptions.parse(path="in.pdf", **kwargs)


@pytest.mark.parametrize("text, points", [
    ("0.1mm", 0.1 * MM), ("3 mm", 3 * MM), ("1cm", 10 * MM), (".125in", 9.0), ("9pt", 9.0), ("2MM", 2 * MM),
])
def test_lengths(text, points):
    assert parse(bleed=text).bleed == pytest.approx(points)


@pytest.mark.parametrize("option, value, message", [
    ("creep", "0.1", "--creep: '0.1' needs a unit: mm, cm, in or pt"),
    ("bleed", "3furlongs", "--bleed: unknown unit 'furlongs' (use mm, cm, in or pt)"),
    ("bleed", "lots", "--bleed: 'lots' is not a length such as 3mm, 0.125in or 9pt"),
    ("creep", "5mm", "--creep is the thickness of one sheet of paper; 5mm is too thick (at most 2mm)"),
    ("sheet", "B9", "--sheet: 'B9' is not a paper size"),
    ("sheet", "210x297", "--sheet: '210x297' needs a unit"),
    ("signature", "10", "--signature: 10 is not a multiple of 4"),
    ("signature", "17-19", "--signature: 17-19 holds no multiple of 4"),
    ("signature", "32-16", "--signature: range '32-16' goes downwards"),
    ("signature", "sixteen", "--signature: 'sixteen' is not a page count"),
    ("blanks", "middle", "--blanks: 'middle' is not one of before-back, end, after-front"),
])
def test_bad_values(option, value, message):
    layout = "perfect" if option == "signature" else "saddle"
    with pytest.raises(ImposeError) as info:
        parse(layout=layout, **{option: value})
    assert info.value.message.startswith(f"in.pdf: error: {message}")


def test_options_that_do_not_apply_to_the_layout():
    with pytest.raises(ImposeError, match="--signature applies to --layout perfect"):
        parse(layout="saddle", signature="16")
    with pytest.raises(ImposeError, match="--creep applies to folded booklets"):
        parse(layout="onepagezine", creep="0.1mm")
    with pytest.raises(ImposeError, match="--cover separate applies to saddle, perfect and topbound"):
        parse(layout="4up", cover="separate")


def test_sheets():
    assert parse(sheet="a4").sheet.name == "A4"
    sheet = parse(sheet="11x17in").sheet
    assert (sheet.width, sheet.height) == (792, 1224)
    sheet = parse(sheet="320 x 450 mm").sheet
    assert sheet.width == pytest.approx(320 * MM) and sheet.name == "320×450mm"


def test_signature_ranges():
    assert parse(layout="perfect", signature="16-32").signatures == (32, 28, 24, 20, 16)
    assert parse(layout="perfect", signature="16").signatures == (16,)
    assert parse(layout="perfect").signatures == (16, 12, 8, 4)


# -------------------------------------------------------------------------- geometry

def box(size, rotate=0) -> PageBox:
    rect = (0.0, 0.0, size[0], size[1])
    return PageBox(rect, rect, rect, rotate)


@pytest.mark.parametrize("page, bleed, marks, expected", [
    (A5, 0, False, "A4"),
    (HALF_LETTER, 0, False, "letter"),
    (A5, 3 * MM, True, "A3"),           # no room on A4 for bleed and marks
    ((420, 595), 0, False, "A4"),       # A5 rounded to whole points still fits A4
    ((105 * MM, 148 * MM), 0, False, "A4"),  # the home size, not A5
    ((210 * MM, 297 * MM), 0, False, "A3"),  # A4 pages: the next sheet up
    ((210 * MM, 297 * MM), 3 * MM, True, "SRA3"),  # A4 pages with bleed and marks
    ((612.0, 792.0), 0, False, "tabloid"),  # letter pages
])
def test_default_sheet(page, bleed, marks, expected):
    geo = choose_sheet(SIDE_GRID, page, bleed, marks, None)
    assert geo.sheet.name == expected
    assert geo.scale == 1
    assert geo.sheet.width > geo.sheet.height  # two pages side by side: landscape


@pytest.mark.parametrize("page, expected", [
    ((297 * MM, 420 * MM), "A4"),  # A3 pages: never A2 unless asked
    ((3000, 2000), "A4"),  # no family: A4 first
    ((11 * 72, 17 * 72), "letter"),  # tabloid pages: letter, scaled
])
def test_pages_too_large_for_every_default_go_on_the_home_size_scaled(page, expected):
    geo = choose_sheet(SIDE_GRID, page, 0, False, None)
    assert geo.sheet.name == expected and geo.scale < 0.75


def test_scaled_down_when_the_sheet_is_too_small():
    geo = choose_sheet(SIDE_GRID, A5, 0, False, parse(sheet="A5").sheet)
    # two A5 pages (296 × 210 mm) on a landscape A5 sheet (210 × 148 mm): the height limits
    assert geo.scale == pytest.approx(148 / 210)
    assert geo.sheet.width > geo.sheet.height


def test_cell_is_the_largest_page_as_displayed():
    assert cell_size([box(A5), box((600.0, 400.0), rotate=90)]) == (A5[0], 600.0)


def test_creep_formula():
    assert creep_shift(0, 0.1 * MM) == 0
    assert creep_shift(3, 0.1 * MM) == pytest.approx(3 * 0.1 * MM * math.pi / 2)


def test_pages_meet_at_the_fold_and_creep_moves_them_towards_it():
    geo = choose_sheet(SIDE_GRID, A5, 0, False, None)
    fold = geo.sheet.width / 2
    left, right = Slot(0, 0, 0, spine="right"), Slot(1, 1, 0, spine="left")
    _, clip_left = place(left, box(A5), geo)
    _, clip_right = place(right, box(A5), geo)
    assert clip_left[2] == pytest.approx(fold) and clip_right[0] == pytest.approx(fold)
    inner = Slot(0, 0, 0, spine="right", depth=2)
    matrix, clip = place(inner, box(A5), geo, thickness=0.1 * MM)
    shift = creep_shift(2, 0.1 * MM)
    assert transform_rect(matrix, (0, 0, *A5))[0] == pytest.approx(clip_left[0] + shift)
    assert clip[2] == pytest.approx(fold)  # never past the fold


def test_rotation_matrix_keeps_the_page_in_its_cell():
    matrix = page_matrix(box(A5), 180, 1.0, (100.0, 200.0))
    assert matrix[:4] == (-1, 0, 0, -1)
    rect = transform_rect(matrix, (0, 0, *A5))
    assert ((rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2) == pytest.approx((100, 200))
