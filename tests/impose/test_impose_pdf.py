"""End to end: impose numbered PDFs and read back which number sits where."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject, NumberObject

from impose_helpers import A5, A6, A7, MM, boxes, halves, layout_of, upside_down
from zinekit.cli import main
from zinekit.impose import ImposeOptions, impose_file, impose_pdf

A4_LANDSCAPE = (841.89, 595.28)


def qpdf_check(pdf: Path) -> None:
    result = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_saddle_8_pages(numbered_pdf, tmp_path):
    out = tmp_path / "booklet.pdf"
    report = impose_file(numbered_pdf(8), out)
    assert halves(out) == [[8, 1], [2, 7], [6, 3], [4, 5]]
    for page in boxes(out):
        assert page["MediaBox"] == (0, 0, *A4_LANDSCAPE)
        width = page["TrimBox"][2] - page["TrimBox"][0]
        assert width == pytest.approx(2 * A5[0], abs=0.02)  # two A5 pages meeting at the fold
        assert page["BleedBox"] == page["TrimBox"]  # no bleed asked for
    assert (report.sheets, report.sides, report.sheet_name, report.blanks) == (2, 4, "A4", 0)
    qpdf_check(out)


def test_saddle_10_pages_pads_to_12_before_the_back_cover(numbered_pdf, tmp_path):
    out = tmp_path / "booklet.pdf"
    report = impose_file(numbered_pdf(10), out)
    assert halves(out) == [[10, 1], [2, None], [None, 3], [4, 9], [8, 5], [6, 7]]
    assert "2 blank pages added between page 9 and page 10 (the back cover)" in str(report)
    assert "3 sheets of A4 landscape (297 × 210 mm), 6 PDF pages" in str(report)
    assert "at 100 %" in str(report)


def test_blanks_at_the_end_when_asked(numbered_pdf, tmp_path):
    out = tmp_path / "booklet.pdf"
    impose_file(numbered_pdf(6), out, blanks="end")
    assert halves(out) == [[None, 1], [2, None], [6, 3], [4, 5]]


def test_perfect_8_page_signatures(numbered_pdf, tmp_path):
    out = tmp_path / "perfect.pdf"
    report = impose_file(numbered_pdf(16), out, layout="perfect", signature="8")
    assert halves(out) == [[8, 1], [2, 7], [6, 3], [4, 5], [16, 9], [10, 15], [14, 11], [12, 13]]
    assert "in 2 signatures of 8 pages" in str(report)


def test_perfect_signature_range_picks_fewest_blanks(numbered_pdf, tmp_path):
    out = tmp_path / "perfect.pdf"
    report = impose_file(numbered_pdf(24), out, layout="perfect", signature="16-24")
    assert report.signature_size == 24 and report.blanks == 0
    report = impose_file(numbered_pdf(40), out, layout="perfect", signature="16-24")
    assert report.signature_size == 20 and report.blanks == 0


def test_flip_long_turns_the_backs(numbered_pdf, tmp_path):
    out = tmp_path / "booklet.pdf"
    impose_file(numbered_pdf(8), out, flip="long")
    assert halves(out) == [[8, 1], [7, 2], [6, 3], [5, 4]]
    assert upside_down(out, 0) == {8: False, 1: False}
    assert upside_down(out, 1) == {7: True, 2: True}
    reader = PdfReader(str(out))
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/Duplex"] == "/DuplexFlipLongEdge"


def test_fourup(numbered_pdf, tmp_path):
    out = tmp_path / "fourup.pdf"
    report = impose_file(numbered_pdf(16, A6), out, layout="4up", sheet="A4")
    sides = layout_of(out, 2, 2)
    assert sides[0] == [[16, 1], [12, 5]]
    assert sides[2] == [[14, 3], [10, 7]]
    # a portrait sheet flipped on its short edge: the backs are turned 180°
    assert sides[1] == [[11, 6], [15, 2]]
    assert all(upside_down(out, 1).values())
    assert report.sheet_size[0] < report.sheet_size[1]


def test_onepagezine(numbered_pdf, tmp_path):
    out = tmp_path / "zine.pdf"
    report = impose_file(numbered_pdf(8, A7), out, layout="onepagezine")
    assert layout_of(out, 4, 2) == [[[5, 4, 3, 2], [6, 7, 8, 1]]]
    turned = upside_down(out, 0)
    assert [turned[n] for n in (5, 4, 3, 2)] == [True] * 4
    assert [turned[n] for n in (6, 7, 8, 1)] == [False] * 4
    assert report.sheet_name == "A4" and report.sides == 1
    assert "print single-sided" in str(report)


def test_topbound(numbered_pdf, tmp_path):
    out = tmp_path / "calendar.pdf"
    source = numbered_pdf(4, (A5[1], A5[0]))
    impose_file(source, out, layout="topbound", flip="long")
    assert layout_of(out, 1, 2) == [[[1], [4]], [[2], [3]]]  # heads of 1 and 4 meet at the fold
    assert upside_down(out, 0) == {1: True, 4: False}
    assert upside_down(out, 1) == {2: False, 3: False}
    # the default, flipping on the short edge of a portrait sheet, turns the backs
    impose_file(source, out, layout="topbound")
    assert layout_of(out, 1, 2) == [[[1], [4]], [[3], [2]]]
    assert upside_down(out, 1) == {2: True, 3: True}


def test_repeat_flyer(numbered_pdf, tmp_path):
    out = tmp_path / "flyers.pdf"
    report = impose_file(numbered_pdf(2, A6), out, layout="repeat", sheet="A4")
    sides = layout_of(out, 2, 2)
    assert sides == [[[1, 1], [1, 1]], [[2, 2], [2, 2]]]
    assert report.copies == 4


def test_bleed_and_marks(numbered_pdf, tmp_path):
    out = tmp_path / "bleed.pdf"
    source = numbered_pdf(8, bleed=3 * MM)
    report = impose_file(source, out, bleed="3mm", marks=True)
    assert report.sheet_name == "A3"  # A4 has no room for bleed and marks around two A5 pages
    for page in boxes(out):
        trim, bleed = page["TrimBox"], page["BleedBox"]
        assert trim[2] - trim[0] == pytest.approx(2 * A5[0], abs=0.02)
        assert bleed[0] == pytest.approx(trim[0] - 3 * MM, abs=0.02)
        assert bleed[3] == pytest.approx(trim[3] + 3 * MM, abs=0.02)
    content = PdfReader(str(out)).pages[0].get_contents().get_data().decode()
    assert "/CSAll CS" in content and "[3 2] 0 d" in content  # crop marks, dashed fold marks
    assert "3 mm bleed kept on the outer edges" in str(report)
    assert halves(out) == [[8, 1], [2, 7], [6, 3], [4, 5]]


def test_collation_marks_on_each_signature(numbered_pdf, tmp_path):
    out = tmp_path / "perfect.pdf"
    impose_file(numbered_pdf(24), out, layout="perfect", signature="8", marks=True, sheet="A3")
    reader = PdfReader(str(out))
    blocks = []
    for index in (0, 4, 8):  # fronts of the outer sheets of the three signatures
        content = reader.pages[index].get_contents().get_data().decode()
        (y,) = re.findall(r"cs 1 scn [\d.]+ ([\d.]+) 6 14 re f", content)
        blocks.append(float(y))
    assert blocks[0] > blocks[1] > blocks[2]  # a staircase down the spine
    assert "re f" not in reader.pages[2].get_contents().get_data().decode()  # inner sheet: none


def test_creep_moves_inner_pages_towards_the_spine(numbered_pdf, tmp_path):
    flat, crept = tmp_path / "flat.pdf", tmp_path / "creep.pdf"
    source = numbered_pdf(12)
    impose_file(source, flat)
    report = impose_file(source, crept, creep="0.2mm")
    innermost = 4  # sheet 3 front: [8 | 5]
    (a, b) = sorted(x for _, x, _ in _numbers(flat, innermost))
    (c, d) = sorted(x for _, x, _ in _numbers(crept, innermost))
    shift = 2 * 0.2 * MM * 3.14159 / 2
    assert c - a == pytest.approx(shift, abs=0.05) and b - d == pytest.approx(shift, abs=0.05)
    assert _numbers(flat, 0) == _numbers(crept, 0)  # outer sheet unchanged
    assert "innermost pages moved 0.63 mm towards the spine" in str(report)


def _numbers(pdf, index):
    from impose_helpers import numbers_on_page
    return numbers_on_page(pdf, index)


def test_cover_separate(numbered_pdf, tmp_path):
    out = tmp_path / "cover.pdf"
    report = impose_file(numbered_pdf(10), out, cover="separate")
    # the body (pages 3-8) is padded at its end, just before the inside back cover (9)
    assert halves(out) == [[10, 1], [2, 9], [None, 3], [4, None], [8, 5], [6, 7]]
    labels = PdfReader(str(out)).page_labels
    assert labels[:3] == ["cover front: 10 1", "cover back: 2 9", "sheet 1 front: blank 3"]
    assert "PDF pages 1–2 are the cover sheet" in str(report)


def test_forms_and_fonts_are_shared_not_copied(numbered_pdf, tmp_path):
    source, out = numbered_pdf(64), tmp_path / "booklet.pdf"
    impose_file(source, out)
    reader = PdfReader(str(out))
    forms, fonts = set(), set()
    for page in reader.pages:
        for ref in page["/Resources"]["/XObject"].values():
            forms.add(ref.idnum)
            fonts.add(ref.get_object()["/Resources"]["/Font"].raw_get("/F1").idnum)
    assert len(forms) == 64 and len(fonts) == 1
    assert out.stat().st_size < source.stat().st_size + 32 * 1500  # ~a few hundred bytes a side


def test_metadata_labels_and_printing_preferences(numbered_pdf, tmp_path):
    out = tmp_path / "booklet.pdf"
    impose_file(numbered_pdf(8), out)
    reader = PdfReader(str(out))
    assert reader.metadata["/Title"] == "Numbered test zine"
    assert reader.metadata["/Author"] == "Test Author"
    assert reader.page_labels == ["sheet 1 front: 8 1", "sheet 1 back: 2 7",
                                  "sheet 2 front: 6 3", "sheet 2 back: 4 5"]
    prefs = reader.trailer["/Root"]["/ViewerPreferences"]
    assert (prefs["/Duplex"], prefs["/PrintScaling"]) == ("/DuplexFlipShortEdge", "/None")


def test_same_input_same_bytes(numbered_pdf, tmp_path):
    source = numbered_pdf(12)
    impose_file(source, tmp_path / "a.pdf", marks=True, sheet="A3")
    impose_file(source, tmp_path / "b.pdf", marks=True, sheet="A3")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_scaled_down_and_said_so(numbered_pdf, tmp_path):
    report = impose_file(numbered_pdf(4), tmp_path / "small.pdf", sheet="A5")
    assert report.scale == pytest.approx(148 / 210, abs=1e-3)
    assert "SCALED DOWN to 70.5 % to fit the sheet" in str(report)


def test_mixed_page_sizes_are_centred_and_reported(numbered_pdf, tmp_path):
    sizes = [A5, A6, A5, A5]
    out = tmp_path / "mixed.pdf"
    report = impose_file(numbered_pdf(4, sizes=sizes), out)
    assert "the pages differ in size and each is centred" in str(report)
    (number, x, y), = [n for n in _numbers(out, 1) if n[0] == 2]  # A6 page 2, left half of the back
    assert x == pytest.approx(A4_LANDSCAPE[0] / 2 - A5[0] / 2, abs=3)
    assert y == pytest.approx(A4_LANDSCAPE[1] / 2, abs=25)


def test_rotated_source_pages_keep_their_orientation(tmp_path):
    from impose_helpers import make_numbered_pdf

    source = make_numbered_pdf(tmp_path / "rot.pdf", 4, (A5[1], A5[0]))  # landscape content …
    reader, writer = PdfReader(str(source)), PdfWriter()
    for page in reader.pages:  # … stored as portrait MediaBox with /Rotate 90 the other way
        writer.add_page(page)
    for page in writer.pages:
        page.rotate(90)
        page.transfer_rotation_to_content()
        page.rotate(-90)
    writer.write(tmp_path / "rotated.pdf")
    out = tmp_path / "out.pdf"
    impose_file(tmp_path / "rotated.pdf", out, layout="topbound", flip="long")
    assert layout_of(out, 1, 2) == [[[1], [4]], [[2], [3]]]
    assert upside_down(out, 1) == {2: False, 3: False}


def test_printable_annotations_are_drawn_and_links_dropped(numbered_pdf, tmp_path):
    source = numbered_pdf(4)
    writer = PdfWriter(clone_from=str(source))
    appearance = DecodedStreamObject()
    appearance.set_data(b"BT /F1 60 Tf 5 10 Td (77) Tj ET")
    appearance.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                       NameObject("/BBox"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(100), NumberObject(80)]),
                       NameObject("/Resources"): writer.pages[0]["/Resources"]})
    stamp = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Stamp"),
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (100, 100, 200, 180)]),
        NameObject("/F"): NumberObject(4), NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
    })
    link = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (0, 0, 50, 50)]), NameObject("/F"): NumberObject(4),
    })
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(stamp), writer._add_object(link)])
    writer.write(tmp_path / "annotated.pdf")
    out = tmp_path / "out.pdf"
    report = impose_file(tmp_path / "annotated.pdf", out)
    assert 77 in [n for n, _, _ in _numbers(out, 0)]
    assert "1 printable annotation (form fields, stamps) drawn into the pages" in str(report)
    assert all("/Annots" not in page for page in PdfReader(str(out)).pages)


def test_impose_pdf_takes_bytes_or_a_reader(numbered_pdf, tmp_path):
    source = numbered_pdf(8)
    options = ImposeOptions(layout="saddle")
    impose_pdf(source.read_bytes(), tmp_path / "a.pdf", options, label="issue.pdf")
    impose_pdf(PdfReader(str(source)), tmp_path / "b.pdf", options)
    assert halves(tmp_path / "a.pdf") == halves(tmp_path / "b.pdf") == [[8, 1], [2, 7], [6, 3], [4, 5]]


# ---------------------------------------------------------------------------------- CLI

def test_cli_perfect(numbered_pdf, tmp_path):
    source, out = numbered_pdf(10), tmp_path / "cli.pdf"
    result = CliRunner().invoke(main, ["impose", str(source), "-o", str(out),
                                       "--layout", "perfect", "--signature", "8"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {out}: perfect-bound book in 2 signatures of 8 pages")
    assert halves(out)[:2] == [[8, 1], [2, 7]]
    assert halves(out)[4:] == [[10, 9], [None, None], [None, None], [None, None]]


def test_cli_saddle_10(numbered_pdf, tmp_path):
    source, out = numbered_pdf(10), tmp_path / "cli.pdf"
    result = CliRunner().invoke(main, ["impose", str(source), "-o", str(out), "--sheet", "A4",
                                       "--creep", "0.1mm", "--marks"])
    assert result.exit_code == 0, result.output
    assert halves(out) == [[10, 1], [2, None], [None, 3], [4, 9], [8, 5], [6, 7]]
    assert "no room for crop marks" in result.output  # A4 is exactly two A5 wide


def test_bleed_asked_of_pages_without_any(numbered_pdf, tmp_path):
    report = impose_file(numbered_pdf(4), tmp_path / "out.pdf", bleed="3mm")
    assert "the source pages have no artwork outside their trim" in str(report)
    report = impose_file(numbered_pdf(4, bleed=3 * MM), tmp_path / "out.pdf", bleed="3mm", sheet="A4")
    assert "bleed cut to 0.0 mm at the sheet edges" in str(report)  # A4 is exactly two A5 wide


def test_page_with_several_content_streams(numbered_pdf, tmp_path):
    source = numbered_pdf(4)
    writer = PdfWriter(clone_from=str(source))
    page = writer.pages[0]
    first = page["/Contents"].get_object().get_data()
    head, tail = first[: len(first) // 2].rsplit(b"\n", 1)[0], None
    tail = first[len(head):]
    streams = ArrayObject()
    for part in (b"q", head, tail, b"Q"):
        stream = DecodedStreamObject()
        stream.set_data(part)
        streams.append(writer._add_object(stream))
    page[NameObject("/Contents")] = streams
    writer.write(tmp_path / "multi.pdf")
    out = tmp_path / "out.pdf"
    impose_file(tmp_path / "multi.pdf", out)
    assert halves(out) == [[4, 1], [2, 3]]
    qpdf_check(out)
