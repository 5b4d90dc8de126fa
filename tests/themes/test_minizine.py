"""The mini zine: eight A7 pages on one side of one A4 sheet, and a text too long for
its sheets is a warning with the page count and the ways out."""

from __future__ import annotations

import shutil

import pytest
from pypdf import PdfReader

from tests.conftest import EXAMPLES
from zinekit.render.page_budget import budget_message, fitting_layout

POCKET = EXAMPLES / "pocket-library"
MM = 72 / 25.4


def test_the_ways_out_of_a_long_text():
    message = budget_message("onepagezine", 11, 8, 420)
    assert message == ("the text lays out to 11 pages, but a one-page zine (onepagezine) folds 8 from one "
                       "sheet: print 16 pages on two sheets (booklet_layout: twosheetzine), set it "
                       "smaller (a bigger page_size, such as A6 on an A3 sheet, or a smaller type in "
                       "the theme's stylesheet), or cut about 420 words")
    assert "twosheetzine" not in budget_message("onepagezine", 17, 8, 900)
    assert [fitting_layout(n) for n in (8, 9, 16, 17)] == ["onepagezine", "twosheetzine",
                                                             "twosheetzine", "saddle"]


@pytest.mark.slow
def test_the_example_prints_on_one_side_of_one_sheet(cli, tmp_path):
    run = cli("build", POCKET / "pocket-library.md", "--format", "pdf,booklet", "--out", tmp_path)
    assert run.exit_code == 0, run.output
    assert "warning" not in run.output
    reading = PdfReader(str(next(tmp_path.rglob("ember-tide-pocket-no-1.pdf"))))
    assert len(reading.pages) == 8
    width, height = (float(v) / MM for v in reading.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (74, 105)
    booklet = PdfReader(str(next(tmp_path.rglob("*-booklet-a4.pdf"))))
    assert len(booklet.pages) == 1  # one side of one sheet
    width, height = (float(v) / MM for v in booklet.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (297, 210)


@pytest.mark.slow
def test_a_text_too_long_for_one_sheet_is_a_warning_and_goes_on_two(cli, tmp_path):
    root = tmp_path / "long"
    root.mkdir()
    shutil.copy(POCKET / "cover.png", root / "cover.png")
    text = (POCKET / "pocket-library.md").read_text(encoding="utf-8")
    (root / "long.md").write_text(text + "\n\n## More\n\n" + "A paragraph that keeps going. " * 90,
                                  encoding="utf-8")
    run = cli("build", root / "long.md", "--format", "pdf,booklet", "--out", tmp_path / "out")
    assert run.exit_code == 0, run.output
    warning = next(line for line in run.output.splitlines() if "lays out to" in line)
    assert warning.startswith(f"{root / 'long.md'}:12:1: warning: the text lays out to ")
    assert "print 16 pages on two sheets (booklet_layout: twosheetzine)" in warning
    assert "or cut about" in warning and warning.endswith("the booklet is imposed as twosheetzine")
    booklet = PdfReader(str(next((tmp_path / "out").rglob("*-booklet-a4.pdf"))))
    assert len(booklet.pages) == 2  # two sheets, one side each


@pytest.mark.slow
def test_a_layout_the_editor_chose_is_kept(cli, tmp_path):
    root = tmp_path / "long"
    root.mkdir()
    (root / "zinekit.toml").write_text('[build]\nbooklet_layout = "onepagezine"\n', encoding="utf-8")
    (root / "long.md").write_text("---\ntitle: Long\ntheme: minizine\n---\n\n"
                                  + "A paragraph that keeps going. " * 700, encoding="utf-8")
    run = cli("build", root / "long.md", "--format", "pdf,booklet", "--out", tmp_path / "out")
    assert run.exit_code == 1
    assert "a one-page zine has 8 pages" in run.output
    assert "warning: the text lays out to" in run.output and "imposed as" not in run.output


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["cutpaste", "photocopy", "minizine"])
def test_every_edition_of_a_zine_with_a_cover_picture_builds(cli, tmp_path, theme):
    """The paste-up covers are the printed pages'; the EPUB and the web edition, which
    render the same templates without a layout, keep base's title page."""
    run = cli("build", POCKET / "pocket-library.md", "--theme", theme, "--strict", "--format",
              "pdf,booklet,epub,html", "--out", tmp_path)
    assert run.exit_code == 0, run.output
    web = next(tmp_path.rglob("index.html")).read_text(encoding="utf-8")
    assert 'class="title-page' in web and "cut-0" not in web and "data:image" not in web
