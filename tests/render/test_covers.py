"""Covers: the front cover from an image or the theme's design, a back cover that is a
cover, and `build --format cover`, the full wrap of a perfect-bound copy."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.conftest import EXAMPLES, poppler_pages
from tests.render import long_texts
from zinekit.render.paper import parse_caliper

MM = 72 / 25.4
A5_WIDTH = 148.0
RED = (200, 30, 30)

COVERED = """\
---
title: Borrowed Light
series: Test Sheets
volume: 12
cover: art/front.png
license: Anti-copyright
contact: sheets@example.org
description: Notes on the lamps a street lends itself.
---

The lamp on the corner is nobody's, and everybody fixes it.[^1]

[^1]: Usually on a Sunday.
"""


def red_image(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (310, 440), RED).save(path)


def pixels(pdf: Path, page: int, resolution: int = 20) -> Image.Image:
    """Page ``page`` of ``pdf`` as poppler draws it: the MediaBox, bleed included."""
    prefix = pdf.parent / f"{pdf.stem}-p{page}"
    subprocess.run(["pdftoppm", "-png", "-r", str(resolution), "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(prefix)], check=True)
    return Image.open(f"{prefix}.png").convert("RGB")


def is_red(rgb: tuple[int, int, int]) -> bool:
    return abs(rgb[0] - RED[0]) < 30 and rgb[1] < 80 and rgb[2] < 80


@pytest.fixture(scope="module")
def covered(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("covered")
    (root / "lamps.md").write_text(COVERED, encoding="utf-8")
    red_image(root / "art" / "front.png")
    from click.testing import CliRunner

    from zinekit.cli import main

    result = CliRunner().invoke(main, ["build", str(root / "lamps.md"), "--format", "pdf,press"])
    assert result.exit_code == 0, result.output
    return root / "dist" / "test-sheets-vol-12"


@pytest.mark.slow
def test_cover_image_fills_the_page_to_the_trim(covered: Path):
    page = pixels(covered / "test-sheets-vol-12.pdf", 1, 40)  # a pixel is 0.6 mm
    w, h = page.size  # the last column and row are part pixels
    assert all(is_red(page.getpixel((x, y))) for x, y in ((0, 0), (w - 2, 0), (0, h - 2),
                                                         (w - 2, h - 2), (w // 2, h // 2)))
    # the title page follows the picture
    assert poppler_pages(covered / "test-sheets-vol-12.pdf")[1].startswith("Test Sheets · vol. 12 Borrowed Light")


@pytest.mark.slow
def test_cover_image_runs_into_the_bleed_of_the_press_pdf(covered: Path):
    pdf = covered / "test-sheets-vol-12-press.pdf"
    page = PdfReader(str(pdf)).pages[0]
    assert float(page.bleedbox.width) > float(page.trimbox.width) + 5 * MM
    drawn = pixels(pdf, 1, 40)  # 3 mm of bleed is ~5 px at 40 dpi
    w, h = drawn.size
    assert is_red(drawn.getpixel((1, 1))) and is_red(drawn.getpixel((w - 2, h - 2)))


@pytest.mark.slow
def test_back_cover_is_a_cover(covered: Path):
    pages = poppler_pages(covered / "test-sheets-vol-12.pdf")
    back = pages[-1]
    compact = back.replace(" ", "")  # the theme letter-spaces the series line
    assert compact.startswith("Notesonthelampsastreetlendsitself.")
    for words in ("TestSheets·vol.12", "Anti-copyright", "sheets@example.org"):
        assert words in compact
    assert str(len(pages)) not in back.split()  # no page number
    assert "Borrowed" not in back  # no running head, the title page not repeated
    assert "Anti-copyright" not in " ".join(pages[:-1])  # said once, on the back


@pytest.mark.slow
def test_series_download_address_on_the_back_cover(cli, tmp_path):
    run = cli("build", EXAMPLES / "ember-tide" / "vol7", "--format", "pdf", "--out", tmp_path)
    assert run.exit_code == 0, run.output
    back = poppler_pages(tmp_path / "ember-tide-vol-7" / "ember-tide-vol-7.pdf")[-1]
    assert back.endswith("Anti-copyright embertide@example.org https://example.org/embertide/")
    assert "10" not in back.split()  # no page number


# --- the full wrap --------------------------------------------------------------------


def wrap_boxes(pdf: Path) -> tuple[list[float], list[float]]:
    page = PdfReader(str(pdf)).pages[0]
    return ([float(v) / MM for v in page.trimbox], [float(v) / MM for v in page.bleedbox])


def spine_text(pdf: Path, trim_left: float, spine: float) -> str:
    """What poppler reads in the spine's strip of the wrap (72 dpi: 1 px = 1 pt)."""
    x = int((trim_left + A5_WIDTH) * MM)
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-r", "72", "-x", str(x), "-y", "0",
                           "-W", str(max(int(spine * MM), 1)), "-H", "700", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def spine_direction(pdf: Path, words: str) -> str:
    """Which way the line holding ``words`` runs on the page: its text direction in
    page space, (0, -1) downwards."""
    found: list[tuple[float, float]] = []

    def visit(text, cm, tm, font, size):
        if words in text:
            found.append((tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]))

    PdfReader(str(pdf)).pages[0].extract_text(visitor_text=visit)
    vertical = [dy for dx, dy in found if abs(dx) < 1e-6]
    assert vertical, f"{words!r} is not set upright anywhere"
    return "top-to-bottom" if vertical[0] < 0 else "bottom-to-top"


@pytest.fixture(scope="module")
def thick(tmp_path_factory) -> Path:
    """A book of twelve chapters on 200 g/m² paper: a spine wide enough to letter."""
    root = tmp_path_factory.mktemp("thick")
    for name, text in long_texts.book(12).items():
        if name.endswith("issue.md"):
            text = text.replace("volume: 3\n", "volume: 3\ncaliper: 200gsm-uncoated\n")
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    from click.testing import CliRunner

    from zinekit.cli import main

    result = CliRunner().invoke(main, ["build", str(root / "book"), "--format", "pdf,cover",
                                       "--out", str(root / "dist")])
    assert result.exit_code == 0, result.output
    assert "title on the spine top to bottom" in result.output
    return root / "dist" / "test-sheets-vol-3"


@pytest.mark.slow
def test_wrap_is_back_spine_front_with_bleed(thick: Path):
    pages = len(PdfReader(str(thick / "test-sheets-vol-3.pdf")).pages)
    spine = math.ceil((pages - 2) / 2) * 0.25  # 200 g/m² × 1.25 cm³/g, the covers set aside
    assert spine >= 6
    trim, bleed = wrap_boxes(thick / "test-sheets-vol-3-cover.pdf")
    assert abs((trim[2] - trim[0]) - (2 * A5_WIDTH + spine)) <= 0.5
    assert abs((trim[3] - trim[1]) - 210) <= 0.5
    for inner, outer, sign in zip(trim, bleed, (-1, -1, 1, 1)):
        assert abs(outer - (inner + sign * 3)) <= 0.05
    lettering = spine_text(thick / "test-sheets-vol-3-cover.pdf", trim[0], spine)
    compact = lettering.lower().replace(" ", "")  # small capitals read back in pieces
    assert "ashortbookofsharedthings" in compact and "testsheets·vol.3" in compact
    # the front cover (the theme's design, its lettering drawn) on the right, the back
    # (its colophon) on the left
    front = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-x", str(int((trim[0] + A5_WIDTH + spine) * MM)),
                            "-y", "0", "-W", "500", "-H", "700", "-r", "72",
                            str(thick / "test-sheets-vol-3-cover.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    back = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-x", "0", "-y", "0",
                           "-W", str(int((trim[0] + A5_WIDTH) * MM)), "-H", "700", "-r", "72",
                           str(thick / "test-sheets-vol-3-cover.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Anti-copyright" not in front and "Anti-copyright" in back
    assert spine_direction(thick / "test-sheets-vol-3-cover.pdf", "Test Sheets") == "top-to-bottom"


@pytest.mark.slow
def test_thin_wrap_has_a_plain_spine_and_says_so(cli, tmp_path):
    run = cli("build", EXAMPLES / "ember-tide" / "vol7", "--format", "cover", "--out", tmp_path)
    assert run.exit_code == 0, run.output
    assert ("warning: cover: the spine is 0.4 mm wide: a spine under 3 mm gets neither its colour "
            "band nor lettering") in run.output
    assert "a spine under 3 mm is left plain" in run.output
    assert "0.1 mm paper, assumed" in run.output
    pdf = tmp_path / "ember-tide-vol-7" / "ember-tide-vol-7-cover.pdf"
    trim, _ = wrap_boxes(pdf)
    spine = math.ceil((10 - 2) / 2) * 0.1
    assert abs((trim[2] - trim[0]) - (2 * A5_WIDTH + spine)) <= 0.5
    text = poppler_pages(pdf)
    assert "Seeds, Keys and Other Things We Share" not in text[0]  # no lettering on the spine
    assert "Anti-copyright" in text[0]  # the back cover
    # nothing prints inside the covers: the second page is blank
    assert len(text) == 2 and text[1] == ""


@pytest.mark.slow
def test_spine_turns_for_the_language(cli, make_project):
    body = "\n\n".join(["Ein Absatz über geteilte Dinge, der sich wiederholt. " * 12] * 120)
    root = make_project({"buch.md": "---\ntitle: Geteilte Dinge\nseries: Testhefte\nvolume: 1\n"
                                    "language: de\ncaliper: 0.5mm\n---\n\n" + body + "\n"})
    run = cli("build", "buch.md", "--format", "cover", cwd=root)
    assert run.exit_code == 0, run.output
    assert "title on the spine bottom to top" in run.output
    pdf = root / "dist" / "testhefte-vol-1" / "testhefte-vol-1-cover.pdf"
    assert spine_direction(pdf, "Testhefte") == "bottom-to-top"


# --- paper ----------------------------------------------------------------------------


@pytest.mark.parametrize("written, mm", [("0.1mm", 0.1), ("100um", 0.1), ("0.004in", 0.1016),
                                         ("80gsm-uncoated", 0.1), ("100gsm-silk", 0.095),
                                         ("130gsm-gloss", 0.104), ("20lb-bond", 0.094),
                                         ("60lb-text", 0.111)])
def test_caliper_values(written, mm):
    assert parse_caliper(written) == pytest.approx(mm, abs=0.001)


@pytest.mark.parametrize("written, message", [
    ("0.1", "is neither a thickness"), ("thick", "is neither a thickness"),
    ("80gsm-velvet", "finishes: uncoated"), ("3mm", "between 0.03 and 1 mm thick"),
])
def test_caliper_refuses(written, message):
    with pytest.raises(ValueError, match=message):
        parse_caliper(written)


@pytest.mark.slow
def test_booklet_cover_on_its_own_sheet(cli, make_project):
    body = "\n\n".join([f"Paragraph {n} of the text, which goes on for a while. " * 6 for n in range(40)])
    root = make_project({"zinekit.toml": '[build]\nbooklet_cover = "separate"\ncaliper = "0.1mm"\n',
                         "notes.md": "---\ntitle: Stock\nlicense: Anti-copyright\n---\n\n" + body + "\n"})
    run = cli("build", "notes.md", "--format", "booklet", cwd=root)
    assert run.exit_code == 0, run.output
    assert "PDF pages 1–2 are the cover sheet" in run.output
    assert "creep of 0.1 mm paper compensated" in run.output


@pytest.mark.slow
def test_wrap_is_reproducible(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    built = []
    for name in ("one", "two"):
        run = cli("build", EXAMPLES / "ember-tide" / "vol6", "--format", "cover", "--out", tmp_path / name)
        assert run.exit_code == 0, run.output
        built.append((tmp_path / name / "ember-tide-vol-6" / "ember-tide-vol-6-cover.pdf").read_bytes())
    assert built[0] == built[1]
