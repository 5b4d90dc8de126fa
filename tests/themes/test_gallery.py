"""The gallery of docs/themes.md: every picture it shows exists, has the shape of a page
or a spread, and is the one scripts/gallery makes from the examples today."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from PIL import Image

from tests.conftest import REPO

DOC = REPO / "docs" / "themes.md"
GALLERY = REPO / "docs" / "images" / "gallery"


def _shown() -> list[str]:
    return re.findall(r"\(images/gallery/([\w-]+\.png)\)", DOC.read_text(encoding="utf-8"))


def test_every_theme_is_in_the_gallery():
    shown = set(_shown())
    for theme in ("pamphlet", "cutpaste", "photocopy", "minizine"):
        assert {f"{theme}-cover.png", f"{theme}-page.png", f"{theme}-spread.png"} <= shown, theme


def test_the_pictures_shown_exist_and_every_picture_is_shown():
    shown = set(_shown())
    assert shown == {p.name for p in GALLERY.glob("*.png")}


def test_a_spread_is_two_pages_side_by_side():
    for spread in GALLERY.glob("*-spread.png"):
        page = GALLERY / spread.name.replace("-spread", "-page")
        with Image.open(spread) as two, Image.open(page) as one:
            assert two.height == one.height
            assert abs(two.width - 2 * one.width) <= 4, spread.name
            assert one.height / one.width == pytest.approx(210 / 148, rel=0.02)  # A5, A7


@pytest.mark.slow
def test_the_gallery_is_current():
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "gallery"), "--check"],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
