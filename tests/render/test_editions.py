"""The print editions written by `zinekit build`: booklet and press."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import pdf_pages_text

ISSUE = """
---
title: Print Test
license: Anti-copyright
---

First page text with [a link](https://example.org/zine) and a note.[^1]

[^1]: The note.

## Second part

{filler}

## Third part

More words on a later page.
"""


def make(make_project) -> Path:
    filler = "\n\n".join(["Words that fill a page of the booklet, again and again. " * 10] * 12)
    return make_project({"p.md": ISSUE.replace("{filler}", filler)})


def halves(pdf: Path, number: int) -> tuple[str, str]:
    """Text on the left and right half of side ``number`` (1-based) of an imposed PDF."""
    page = PdfReader(str(pdf)).pages[number - 1]
    width, height = int(float(page.mediabox.width)), int(float(page.mediabox.height))
    out = []
    for x in (0, width // 2):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-r", "72",
                               "-x", str(x), "-y", "0", "-W", str(width // 2), "-H", str(height),
                               str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        out.append(" ".join(text.replace("\u2010\n", "").split()))
    return out[0], out[1]


def test_booklet_is_the_print_edition_imposed(cli, make_project):
    root = make(make_project)
    run = cli("build", "p.md", "--format", "pdf,booklet", cwd=root)
    assert run.exit_code == 0, run.output
    reading = root / "dist" / "p" / "p.pdf"
    booklet = root / "dist" / "p" / "p-booklet-a4.pdf"
    assert booklet.is_file()
    assert "saddle-stitched booklet" in run.output and "A4" in run.output
    pages = len(PdfReader(str(reading)).pages)
    sheets = PdfReader(str(booklet))
    assert len(sheets.pages) == 2 * ((pages + 3) // 4)
    # the outside of the first sheet: the back cover (last page) on the left, the title on the right
    left, right = halves(booklet, 1)
    assert right.startswith("Print Test")
    assert "Anti-copyright" in left  # the colophon is the back cover
    # the inside of the first sheet: page 2 on the left
    left, right = halves(booklet, 2)
    assert left.startswith("2 First page text")  # the page number, then the text
    # paper has no links: the address is printed after the link text
    text = " ".join(" ".join(halves(booklet, n)) for n in range(1, len(sheets.pages) + 1))
    assert "a link (https://example.org/zine)" in text
    uris = [a.get_object()["/A"].get("/URI") for p in sheets.pages for a in p.get("/Annots", []) or []
            if "/A" in a.get_object()]
    assert not [u for u in uris if u]
    # the reading edition keeps the live link and prints no address
    reading_text = " ".join(pdf_pages_text(reading))
    assert "(https://example.org/zine)" not in reading_text


def test_press_edition_has_bleed_and_boxes(cli, make_project):
    root = make(make_project)
    run = cli("build", "p.md", "--format", "press", cwd=root)
    assert run.exit_code == 0, run.output
    press = PdfReader(str(root / "dist" / "p" / "p-press.pdf"))
    page = press.pages[0]
    trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
    assert round(float(trim.width)) == 420 and round(float(trim.height)) == 595  # A5
    assert round(float(media.width) - float(trim.width)) == 17  # 3 mm each side
    assert float(bleed.width) > float(trim.width)
    intents = press.trailer["/Root"]["/OutputIntents"]
    assert intents[0]["/S"] == "/GTS_PDFX"
    assert press.pdf_header == "%PDF-1.6"


def test_booklet_settings_from_the_project(cli, make_project):
    root = make(make_project)
    (root / "zinekit.toml").write_text('[build]\nbooklet_sheet = "A3"\n', encoding="utf-8")
    run = cli("build", "p.md", "--format", "booklet", cwd=root)
    assert run.exit_code == 0, run.output
    assert (root / "dist" / "p" / "p-booklet-a3.pdf").is_file()


def test_bad_booklet_setting_is_located(cli, make_project):
    root = make(make_project)
    (root / "zinekit.toml").write_text('[build]\nbooklet_layout = "scroll"\n', encoding="utf-8")
    run = cli("build", "p.md", "--format", "booklet", cwd=root)
    assert run.exit_code == 1
    assert "zinekit.toml:2:1: error: [build] key 'booklet_layout' must be one of" in run.output
