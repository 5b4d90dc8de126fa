"""End to end, the options binders ask for: numbered pages read back from every sheet side."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from impose_helpers import A5, A6, A7, MM, halves, layout_of, numbers_on_page, upside_down
from zinekit.impose import impose_file

LETTER = (612.0, 792.0)


def sheet_size(pdf: Path) -> tuple[float, float]:
    box = PdfReader(str(pdf)).pages[0].mediabox
    return round(float(box.width), 1), round(float(box.height), 1)


# ------------------------------------------------------------------------ binding rtl

def test_rtl_saddle(numbered_pdf, tmp_path):
    out = tmp_path / "rtl.pdf"
    report = impose_file(numbered_pdf(8), out, binding="rtl")
    assert halves(out) == [[1, 8], [7, 2], [3, 6], [5, 4]]
    assert "bound on the right (right to left)" in str(report)


def test_rtl_perfect_and_4up_and_onepagezine(numbered_pdf, tmp_path):
    out = tmp_path / "rtl.pdf"
    impose_file(numbered_pdf(16), out, layout="perfect", signature="8", binding="rtl")
    assert halves(out) == [[1, 8], [7, 2], [3, 6], [5, 4], [9, 16], [15, 10], [11, 14], [13, 12]]
    impose_file(numbered_pdf(8, A6), out, layout="4up", binding="rtl", flip="long")
    assert layout_of(out, 2, 2) == [[[1, 8], [3, 6]], [[7, 2], [5, 4]]]
    impose_file(numbered_pdf(8, A7), out, layout="onepagezine", binding="rtl")
    assert layout_of(out, 4, 2) == [[[2, 3, 4, 5], [1, 8, 7, 6]]]
    assert all(upside_down(out, 0)[n] for n in (2, 3, 4, 5))


# ----------------------------------------------------------------- pages, flyleaves

def test_page_ranges(numbered_pdf, tmp_path):
    out = tmp_path / "part.pdf"
    report = impose_file(numbered_pdf(24), out, pages="3-18,21")
    sides = halves(out)
    assert sides[0] == [21, 3] and sides[1] == [4, None]  # 17 pages: 3 blanks before the back
    assert sorted(n for side in sides for n in side if n) == [*range(3, 19), 21]
    assert "17 pages of the source's 24 (3-18,21)" in str(report)
    assert "3 blank pages added between page 18 and page 21 (the back cover)" in str(report)


def test_flyleaves_are_a_blank_sheet_inside_the_cover(numbered_pdf, tmp_path):
    out = tmp_path / "fly.pdf"
    report = impose_file(numbered_pdf(8), out, flyleaves="1")
    assert halves(out) == [[8, 1], [2, 7], [None, None], [None, None], [6, 3], [4, 5]]
    assert "1 flyleaf (a blank leaf) inside the front cover and as many inside the back cover" in str(report)
    assert report.blanks == 0


def test_flyleaves_in_a_perfect_book(numbered_pdf, tmp_path):
    out = tmp_path / "fly.pdf"
    report = impose_file(numbered_pdf(12), out, layout="perfect", signature="16", flyleaves="1")
    assert report.blanks == 0 and report.signature_size == 16
    assert halves(out)[:2] == [[12, 1], [2, 11]]


# ---------------------------------------------------------------------------- stab

def test_stab_leaves_two_to_a_sheet(numbered_pdf, tmp_path):
    out = tmp_path / "stab.pdf"
    report = impose_file(numbered_pdf(10), out, layout="stab")
    assert halves(out) == [[1, 7], [8, 2], [3, 9], [10, 4], [5, None], [None, 6]]
    assert report.sheet_name == "A4" and report.copies == 2
    assert "stitch or staple through the binding margin" in str(report)


def _x_of(pdf: Path, index: int) -> dict[int, float]:
    return {n: x for n, x, _ in numbers_on_page(pdf, index)}


@pytest.mark.parametrize("binding, front, back", [("ltr", 1, -1), ("rtl", -1, 1)])
def test_stab_binding_margin_is_on_the_stitched_edge(numbered_pdf, tmp_path, binding, front, back):
    plain, margin = tmp_path / "plain.pdf", tmp_path / "margin.pdf"
    source = numbered_pdf(2)
    common = dict(layout="stab", sheet="170x220mm", flip="long", binding=binding)  # one leaf a side
    impose_file(source, plain, **common)
    report = impose_file(source, margin, binding_margin="10mm", **common)
    half = 5 * MM  # the leaf grows by 10 mm; the page sits beside the strip
    assert _x_of(margin, 0)[1] - _x_of(plain, 0)[1] == pytest.approx(front * half, abs=0.2)
    assert _x_of(margin, 1)[2] - _x_of(plain, 1)[2] == pytest.approx(back * half, abs=0.2)
    assert "a 10 mm binding margin added on the stitched edge" in str(report)


# ------------------------------------------------------------------------ cutstack

def test_cutstack_cards(numbered_pdf, tmp_path):
    out = tmp_path / "cards.pdf"
    report = impose_file(numbered_pdf(12, A6), out, layout="cutstack", flip="long")
    assert layout_of(out, 2, 2) == [[[1, 5], [9, None]], [[6, 2], [None, 10]],
                                    [[3, 7], [11, None]], [[8, 4], [None, 12]]]
    assert report.copies == 4 and "2 places left empty at the end of the last pile" in str(report)


def test_single_sided_cutstack_and_repeat(numbered_pdf, tmp_path):
    out = tmp_path / "cards.pdf"
    report = impose_file(numbered_pdf(6, A6), out, layout="cutstack", duplex="none")
    assert layout_of(out, 2, 2) == [[[1, 3], [5, None]], [[2, 4], [6, None]]]
    assert "print single-sided" in str(report)
    impose_file(numbered_pdf(3, A6), out, layout="repeat", duplex="none")
    assert layout_of(out, 2, 2) == [[[n, n], [n, n]] for n in (1, 2, 3)]


# -------------------------------------------------------------- two signatures a sheet

def test_two_signatures_one_above_the_other(numbered_pdf, tmp_path):
    out = tmp_path / "two.pdf"
    report = impose_file(numbered_pdf(16), out, layout="perfect", signature="8", up="2", flip="long")
    assert report.sheet_name == "A3" and sheet_size(out)[0] < sheet_size(out)[1]
    assert layout_of(out, 2, 2) == [[[8, 1], [16, 9]], [[2, 7], [10, 15]],
                                    [[6, 3], [14, 11]], [[4, 5], [12, 13]]]
    assert "two signatures one above the other on each sheet, folds along the sheet's long edge" in str(report)
    assert "cut every sheet in two between its signatures" in str(report)


def test_two_signatures_side_by_side_for_short_grain(numbered_pdf, tmp_path):
    out = tmp_path / "two.pdf"
    report = impose_file(numbered_pdf(16, A6), out, layout="perfect", signature="8", up="2", grain="short")
    assert report.sheet_name == "A3" and report.scale == 1
    assert layout_of(out, 4, 1) == [[[8, 1, 16, 9]], [[10, 15, 2, 7]], [[6, 3, 14, 11]], [[12, 13, 4, 5]]]
    assert "folds along the sheet's short edge" in str(report)


# ------------------------------------------------------------------ manual duplex

def test_manual_duplex_writes_fronts_and_backs(numbered_pdf, tmp_path):
    out = tmp_path / "zine.pdf"
    report = impose_file(numbered_pdf(8), out, duplex="manual")
    fronts, backs = tmp_path / "zine-fronts.pdf", tmp_path / "zine-backs.pdf"
    assert not out.exists()
    assert halves(fronts) == [[8, 1], [6, 3]]
    # the backs, last sheet first, turned for a stack turned over like the page of a book
    assert halves(backs) == [[5, 4], [7, 2]]
    assert all(upside_down(backs, 0).values()) and all(upside_down(backs, 1).values())
    assert report.outputs == [fronts, backs]
    text = str(report)
    assert f"print {fronts} single-sided" in text
    assert "(it starts with the back of the last sheet)" in text
    for pdf in (fronts, backs):
        assert PdfReader(str(pdf)).trailer["/Root"]["/ViewerPreferences"]["/Duplex"] == "/Simplex"


def test_manual_duplex_short_flip_and_a_sheet_with_no_back(numbered_pdf, tmp_path):
    out = tmp_path / "flyers"
    impose_file(numbered_pdf(3, A6), out, layout="repeat", duplex="manual", flip="short")
    backs = tmp_path / "flyers-backs.pdf"
    labels = PdfReader(str(backs)).page_labels
    assert labels == ["sheet 2 back: blank", "sheet 1 back: 2 ×4"]  # the stack stays in step
    assert layout_of(backs, 2, 2)[1] == [[2, 2], [2, 2]]


# ------------------------------------------------------------------ default sheets

def test_one_page_zine_of_letter_pages_goes_on_letter_scaled(numbered_pdf, tmp_path):
    out = tmp_path / "zine.pdf"
    report = impose_file(numbered_pdf(8, LETTER), out, layout="onepagezine")
    assert report.sheet_name == "letter" and sheet_size(out) == (792.0, 612.0)
    assert "SCALED DOWN to 32.4 % to fit the sheet (at 100 % they need 863.6 × 558.8 mm: --sheet A0)" \
        in str(report)


@pytest.mark.parametrize("size, layout, sheet", [
    (A6, "saddle", "A4"), (A5, "saddle", "A4"), ((210 * MM, 297 * MM), "saddle", "A3"),
    (LETTER, "saddle", "tabloid"), ((396.0, 612.0), "saddle", "letter"), (A7, "onepagezine", "A4"),
    (A5, "repeat", "A4"), ((210 * MM, 297 * MM), "repeat", "A4"), (LETTER, "repeat", "letter"),
])
def test_default_sheets(numbered_pdf, tmp_path, size, layout, sheet):
    report = impose_file(numbered_pdf(4, size), tmp_path / "out.pdf", layout=layout)
    assert (report.sheet_name, report.scale) == (sheet, 1.0)


# ------------------------------------------------------------------- encrypted files

def test_owner_locked_by_qpdf_imposes(numbered_pdf, tmp_path):
    locked = tmp_path / "locked.pdf"
    subprocess.run(["qpdf", "--encrypt", "", "owner", "256", "--", str(numbered_pdf(8)), str(locked)],
                   check=True)
    report = impose_file(locked, tmp_path / "out.pdf")
    assert halves(tmp_path / "out.pdf") == [[8, 1], [2, 7], [6, 3], [4, 5]] and report.sheets == 2
