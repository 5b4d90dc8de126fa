"""zinekit preflight: every check on a PDF made for it, located findings, exit status, JSON."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfWriter
from pypdf.generic import FloatObject

from pdfs import MM, embedded_font, form, helvetica, make_pdf, names, rgb_image
from zinekit.cli import main
from zinekit.preflight import PreflightOptions, preflight_file

FLYER_CONTENT = ("q 100 0 0 100 56.693 226.77 cm /Im1 Do Q\n"  # 100 px over 100 pt: 72 ppi
                 "BT /F1 24 Tf 28.35 340 Td (FLYER) Tj ET")


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def flyer(path: Path) -> Path:
    writer = PdfWriter()
    resources = names(Font=names(F1=writer._add_object(helvetica())),
                      XObject=names(Im1=writer._add_object(rgb_image(100, 100))))
    return make_pdf(path, [(FLYER_CONTENT, resources)], writer=writer)


def run(*args: str):
    return CliRunner().invoke(main, ["preflight", *args])


def test_flyer_with_an_unembedded_font_and_a_72_ppi_rgb_image_fails(workdir):
    flyer(workdir / "flyer.pdf")
    result = run("flyer.pdf")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "flyer.pdf: warning: no output intent: the file does not say which press condition (colour profile) "
        "it was made for",
        "flyer.pdf: page 1 (10.0, 19.6 mm from top left): error: font Helvetica is not embedded: the press "
        "would set the text in another font",
        "flyer.pdf: page 1 (20.0, 32.7 mm from top left): error: image of 100 × 100 pixels placed at "
        "35 × 35 mm is 72 ppi (print wants 300; below 150 it looks blocky)",
        "flyer.pdf: page 1 (20.0, 32.7 mm from top left): warning: RGB colour: a press printing CMYK converts "
        "it, and colours may shift (DeviceRGB, image)",
        "flyer.pdf: 1 page checked, 2 errors, 2 warnings",
    ]


def test_json_for_scripts(workdir):
    flyer(workdir / "flyer.pdf")
    result = run("flyer.pdf", "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert (data["file"], data["pages"], data["errors"], data["warnings"]) == ("flyer.pdf", 1, 2, 2)
    image = next(f for f in data["findings"] if f["check"] == "image-resolution")
    assert image == {"severity": "error", "check": "image-resolution", "page": 1, "x_mm": 20.0, "y_mm": 32.7,
                     "message": "image of 100 × 100 pixels placed at 35 × 35 mm is 72 ppi (print wants 300; "
                                "below 150 it looks blocky)"}
    assert data["checked_for"] == {"colour": "unknown", "pdfx": None, "min_ppi": 300}


def test_a_good_file_passes_and_warnings_alone_exit_0(workdir):
    writer = PdfWriter()
    resources = names(Font=names(F1=writer._add_object(embedded_font(writer))),
                      XObject=names(Im1=writer._add_object(rgb_image(600, 600, "/DeviceGray"))))
    make_pdf(workdir / "good.pdf", [("q 144 0 0 144 60 100 cm /Im1 Do Q BT /F1 12 Tf 30 300 Td (Fine) Tj ET",
                                     resources)], intent=True, writer=writer)
    result = run("good.pdf")
    assert (result.exit_code, result.output) == (0, "good.pdf: 1 page checked, no problems found\n")
    make_pdf(workdir / "rgb.pdf", [("1 0 0 rg 20 20 50 50 re f", names())], intent=True)
    result = run("rgb.pdf")
    assert result.exit_code == 0 and "0 errors, 1 warning" in result.output


# --------------------------------------------------------------- effective resolution

def ppi_of(path: Path, content: str, resources, writer: PdfWriter, **options) -> list[str]:
    make_pdf(path, [(content, resources)], intent=True, writer=writer)
    report = preflight_file(path, PreflightOptions(colour="any", **options))
    return [f.message for f in report.findings if f.check == "image-resolution"]


def test_effective_resolution_follows_the_ctm_into_forms(workdir):
    """A 400-pixel image drawn 1 in wide is 400 ppi; the same inside a form scaled 2×,
    after a cm scaling 1.5×, is 400 / 3 = 133 ppi: an error."""
    writer = PdfWriter()
    image = writer._add_object(rgb_image(400, 400, "/DeviceGray"))
    assert ppi_of(workdir / "a.pdf", "q 72 0 0 72 10 10 cm /Im Do Q", names(XObject=names(Im=image)), writer) == []
    writer = PdfWriter()
    image = writer._add_object(rgb_image(400, 400, "/DeviceGray"))
    inner = form(writer, "q 72 0 0 72 0 0 cm /Im Do Q", names(XObject=names(Im=image)), matrix=(2, 0, 0, 2, 0, 0))
    found = ppi_of(workdir / "b.pdf", "q 1.5 0 0 1.5 5 5 cm /Fm Do Q", names(XObject=names(Fm=inner)), writer)
    assert found == ["image of 400 × 400 pixels placed at 76 × 76 mm is 133 ppi (print wants 300; below 150 "
                     "it looks blocky)"]


def test_effective_resolution_of_a_turned_and_stretched_image(workdir):
    """Turned 90° and stretched: the lower of the two resolutions counts."""
    writer = PdfWriter()
    image = writer._add_object(rgb_image(600, 300, "/DeviceGray"))
    # 600 px along a 2 in edge (300 ppi), 300 px along a 1.25 in edge (240 ppi), turned a quarter
    found = ppi_of(workdir / "c.pdf", "q 0 144 -90 0 200 20 cm /Im Do Q", names(XObject=names(Im=image)), writer)
    assert found == ["image of 600 × 300 pixels placed at 51 × 32 mm is 240 ppi (print wants 300; below 150 "
                     "it looks blocky)"]
    report = preflight_file(workdir / "c.pdf", PreflightOptions(colour="any"))
    assert [f.severity for f in report.findings] == ["warning"]


def test_imposed_sheets_keep_the_source_resolution(workdir):
    """Preflight reads through the imposition's page forms: the same ppi as the source."""
    from zinekit.impose import impose_file

    writer = PdfWriter()
    image = writer._add_object(rgb_image(200, 200, "/DeviceGray"))
    pages = [("q 144 0 0 144 50 50 cm /Im Do Q", names(XObject=names(Im=image)))] * 4
    make_pdf(workdir / "src.pdf", pages, writer=writer)
    impose_file(workdir / "src.pdf", workdir / "sheets.pdf")
    report = preflight_file(workdir / "sheets.pdf", PreflightOptions(colour="any"))
    messages = {f.message for f in report.findings if f.check == "image-resolution"}
    assert messages == {"image of 200 × 200 pixels placed at 51 × 51 mm is 100 ppi (print wants 300; below "
                        "150 it looks blocky)"}
    assert sorted(f.page for f in report.findings if f.check == "image-resolution") == [1, 1, 2, 2]


# ---------------------------------------------------------------------- colour

def colours(workdir: Path, content: str, **options) -> list[tuple[str, str]]:
    make_pdf(workdir / "c.pdf", [(content, names())], intent=True)
    report = preflight_file(workdir / "c.pdf", PreflightOptions(**options))
    return [(f.severity, f.message) for f in report.findings if f.check == "colour"]


def test_rgb_is_an_error_where_the_press_wants_cmyk(workdir):
    assert colours(workdir, "0.2 0.4 0.6 rg 10 10 20 20 re f", colour="cmyk") == [
        ("error", "RGB colour where the press prints CMYK (DeviceRGB, fill)")]
    assert colours(workdir, "0.2 0.4 0.6 rg 10 10 20 20 re f", colour="any") == []
    assert colours(workdir, "0 0 0 1 k 10 10 20 20 re f", colour="cmyk") == []


def test_a_grey_press_takes_black_ink_but_not_colour(workdir):
    assert colours(workdir, "0 0 0 0.8 k 10 10 20 20 re f 0.5 g 30 30 5 5 re f", colour="grey") == []
    assert colours(workdir, "0 0.5 0 0 K 2 w 10 10 m 50 50 l S", colour="grey") == [
        ("error", "colour where the press prints grey only (DeviceCMYK, stroke)")]


# ------------------------------------------------------------- transparency, lines

def test_transparency_only_matters_for_pdfx_1a(workdir):
    content = "/GS1 gs 0 0 0 1 k 10 10 20 20 re f"
    resources = names(ExtGState=names(GS1=names(ca=FloatObject(0.5))))
    make_pdf(workdir / "t.pdf", [(content, resources)], intent=True)
    assert preflight_file(workdir / "t.pdf").findings == []
    report = preflight_file(workdir / "t.pdf", PreflightOptions(pdfx="1a"))
    assert [(f.severity, f.message, report.position(f)) for f in report.findings] == [
        ("error", "transparency (fill opacity 0.5): PDF/X-1a allows none; flatten it", (3.5, 137.4))]


def test_hairlines(workdir):
    make_pdf(workdir / "h.pdf", [("0.1 w 10 10 m 100 10 l S 0 w 10 20 m 100 20 l S 2 0 0 2 0 0 cm "
                                  "0.2 w 10 30 m 40 30 l S", names())], intent=True)
    report = preflight_file(workdir / "h.pdf")
    assert [f.message for f in report.findings] == [
        "a line 0.10 pt wide: lines thinner than 0.25 pt may not print",
        "a zero-width line (the thinnest the device can draw): lines thinner than 0.25 pt may not print",
    ]  # 0.2 pt scaled 2× is 0.4 pt: fine


# ------------------------------------------------------------------------ boxes

def boxes(workdir: Path, **kwargs) -> list[tuple[str, str]]:
    make_pdf(workdir / "b.pdf", [("", names())], intent=True, **kwargs)
    report = preflight_file(workdir / "b.pdf", PreflightOptions(pdfx=kwargs.pop("pdfx", None)))
    return [(f.severity, f.message) for f in report.findings]


def test_missing_and_inconsistent_boxes(workdir):
    assert boxes(workdir, trim=None) == [
        ("warning", "no TrimBox: the press cannot tell where the page is trimmed")]
    make_pdf(workdir / "b.pdf", [("", names())], intent=True, trim=None)
    report = preflight_file(workdir / "b.pdf", PreflightOptions(pdfx="4"))
    assert [(f.severity, f.message) for f in report.findings] == [
        ("error", "no TrimBox: the press cannot tell where the page is trimmed (PDF/X needs one)")]
    assert boxes(workdir, trim=(5, 5, 200, 300), bleed=(10, 10, 290, 410)) == [
        ("error", "the BleedBox [3.5, 3.5, 102.3, 144.6] mm does not contain the TrimBox [1.8, 1.8, 70.6, 105.8] mm")]
    assert (
        "error", "the TrimBox [-1.8, 0.0, 70.6, 105.8] mm reaches outside the MediaBox [0.0, 0.0, 105.0, 148.0] mm"
    ) in boxes(workdir, trim=(-5, 0, 200, 300), bleed=(-5, 0, 200, 300))
    assert boxes(workdir, trim=(8.5, 8.5, 289, 411)) == [
        ("warning", "no BleedBox: the press does not know how much of the artwork outside the trim is bleed")]


def test_output_intent_is_an_error_for_pdfx(workdir):
    make_pdf(workdir / "o.pdf", [("", names())])
    report = preflight_file(workdir / "o.pdf", PreflightOptions(pdfx="4"))
    assert [(f.severity, f.message) for f in report.findings] == [
        ("error", "no output intent: the file does not say which press condition (colour profile) it was made "
                  "for (PDF/X-4 needs one)")]


# -------------------------------------------------------------------- text at the trim

def test_text_closer_than_3mm_to_the_trim(workdir):
    writer = PdfWriter()
    resources = names(Font=names(F1=writer._add_object(embedded_font(writer))))
    content = ("BT /F1 10 Tf 5.67 200 Td (Left) Tj ET "  # 2 mm from the left edge
               "BT /F1 10 Tf 100 200 Td (Middle) Tj ET "
               "BT /F1 10 Tf -100 200 Td (Slug) Tj ET")  # outside the trim: not the page's text
    make_pdf(workdir / "t.pdf", [(content, resources)], intent=True, writer=writer)
    report = preflight_file(workdir / "t.pdf")
    (finding,) = report.findings
    assert finding.severity == "warning" and finding.check == "text-near-trim"
    assert finding.message.startswith("text is 2.") and finding.message.endswith(
        " mm from the trim on the left edge; keep text at least 3 mm inside the trim")
    x, y = report.position(finding)
    assert x == pytest.approx(2.0, abs=0.3) and y == pytest.approx(148 - 200 / MM - 3.5, abs=1.5)


def test_text_crossing_the_trim(workdir):
    writer = PdfWriter()
    resources = names(Font=names(F1=writer._add_object(embedded_font(writer))))
    make_pdf(workdir / "t.pdf", [("BT /F1 10 Tf 100 415 Td (Cut) Tj ET", resources)], intent=True, writer=writer)
    (finding,) = preflight_file(workdir / "t.pdf").findings
    assert finding.message == "text crosses the trim and will be cut on the top edge; keep text at least 3 mm " \
                              "inside the trim"


# ------------------------------------------------------------------------- bad files

@pytest.mark.parametrize("data, message", [
    (b"", "x.pdf: error: the file is empty, not a PDF"),
    (b"notes\n", "x.pdf: error: not a PDF file (it does not start with %PDF-)"),
    (b"%PDF-1.7\n" + bytes(range(256)) * 4,
     "x.pdf: error: the PDF is damaged and cannot be read (Stream has ended unexpectedly)"),
])
def test_bad_files(workdir, data, message):
    (workdir / "x.pdf").write_bytes(data)
    result = run("x.pdf")
    assert (result.exit_code, result.output) == (1, message + "\n")


def test_a_device_and_a_locked_file(workdir):
    result = run("/dev/zero")
    assert (result.exit_code, result.output) == (
        1, "/dev/zero: error: is not a regular file (a device, a pipe or a socket); give a PDF file\n")
    flyer(workdir / "flyer.pdf")
    subprocess.run(["qpdf", "--encrypt", "user", "owner", "256", "--", "flyer.pdf", "locked.pdf"], check=True)
    result = run("locked.pdf")
    assert result.exit_code == 1 and "encrypted with a password" in result.output
    subprocess.run(["qpdf", "--encrypt", "", "owner", "256", "--", "flyer.pdf", "owner.pdf"], check=True)
    result = run("owner.pdf")
    assert result.exit_code == 1 and "font Helvetica is not embedded" in result.output


def test_a_page_whose_content_is_broken_is_an_error_not_a_crash(workdir):
    make_pdf(workdir / "p.pdf", [("q 1 0 0 1 0 0 cm /Nothing Do BT /F9 12 Tf (x) Tj ET Q Q Q", names())],
             intent=True)
    report = preflight_file(workdir / "p.pdf")
    assert report.errors == []  # unknown resources and unbalanced Q are passed over, as viewers do


def test_many_pages_fold_repeats(workdir):
    writer = PdfWriter()
    resources = names(Font=names(F1=writer._add_object(helvetica())))
    make_pdf(workdir / "m.pdf", [("BT /F1 12 Tf 100 100 Td (x) Tj ET", resources)] * 8, intent=True, writer=writer)
    result = run("m.pdf")
    lines = result.output.splitlines()
    assert len(lines) == 7
    assert lines[5] == "m.pdf: error: ... and 3 more pages like: font Helvetica is not embedded: the press would " \
                       "set the text in another font"
    assert lines[6] == "m.pdf: 8 pages checked, 8 errors, 0 warnings"


@pytest.mark.slow
def test_zinekits_own_press_pdf_passes(make_project):
    root = make_project({"notes.md": """
        ---
        title: A Small Pamphlet
        volume: 2
        ---

        Some text with a note.[^1] A [link](https://example.org/) and *emphasis*.

        ## A heading

        More text for a second paragraph.

        [^1]: The note.
        """})
    build = CliRunner().invoke(main, ["build", str(root / "notes.md"), "--format", "press"])
    assert build.exit_code == 0, build.output
    assert "press PDF" not in build.output  # the build's own check found nothing
    (press,) = (root / "dist").rglob("*-press.pdf")
    result = run(str(press))
    assert result.exit_code == 0, result.output
    assert " 0 errors" in result.output or "no problems found" in result.output
    report = preflight_file(press, PreflightOptions(pdfx="4", colour="any"))
    assert report.findings == []


def test_the_build_hook_turns_findings_into_warnings(workdir):
    from types import SimpleNamespace

    from zinekit.errors import Diagnostics
    from zinekit.render.editions import preflight_press

    data = flyer(workdir / "flyer.pdf").read_bytes()
    diagnostics = Diagnostics()
    prepared = SimpleNamespace(issue=SimpleNamespace(slug="vol-2", source_file=workdir / "notes.md"),
                               diagnostics=diagnostics,
                               settings=SimpleNamespace(typed=SimpleNamespace(vendor=None)))
    preflight_press(prepared, data)  # type: ignore[arg-type]
    assert [(d.severity, d.message) for d in diagnostics] == [
        ("warning", "press PDF: no output intent: the file does not say which press condition (colour profile) "
                    "it was made for (PDF/X-4 needs one) (zinekit preflight)"),
        ("warning", "press PDF: the file is not PDF/X: a press takes PDF/X-4 (or PDF/X-1a) (zinekit preflight)"),
        ("warning", "press PDF, page 1: bleed of 0.0 mm where a press wants 3.00 mm on every side "
                    "(zinekit preflight)"),
        ("warning", "press PDF, page 1 (10.0, 19.6 mm from top left): font Helvetica is not embedded: the press "
                    "would set the text in another font (zinekit preflight)"),
        ("warning", "press PDF, page 1 (20.0, 32.7 mm from top left): image of 100 × 100 pixels placed at "
                    "35 × 35 mm is 72 ppi (print wants 300; below 150 it looks blocky) (zinekit preflight)"),
        ("warning", "press PDF, page 1 (20.0, 32.7 mm from top left): RGB colour: a press printing CMYK "
                    "converts it, and colours may shift (DeviceRGB, image) (zinekit preflight)"),
    ]
