"""photocopy's folio tabs run off the page: in the press edition, into the bleed."""

from __future__ import annotations

import subprocess

import pytest
from PIL import Image

from tests.conftest import EXAMPLES


def _edge_ink(png, side: str) -> float:
    """The share of black in the outermost two pixel columns of the page's top 15 %."""
    with Image.open(png) as image:
        grey = image.convert("L")
        columns = (0, 1) if side == "left" else (grey.width - 2, grey.width - 1)
        rows = range(int(grey.height * 0.15))
        values = [grey.getpixel((x, y)) for x in columns for y in rows]
    return sum(1 for v in values if v < 80) / len(values)


@pytest.mark.slow
def test_the_folio_tabs_run_into_the_bleed(cli, tmp_path):
    run = cli("build", EXAMPLES / "ember-tide" / "vol7", "--theme", "photocopy", "--format", "press",
              "--out", tmp_path)
    assert run.exit_code == 0, run.output
    press = next(tmp_path.rglob("*-press.pdf"))
    for page, side in ((4, "left"), (5, "right")):
        subprocess.run(["pdftoppm", "-gray", "-png", "-r", "72", "-f", str(page), "-l", str(page),
                        "-singlefile", str(press), str(tmp_path / f"p{page}")], check=True)
        assert _edge_ink(tmp_path / f"p{page}.png", side) > 0.15, (page, side)
        assert _edge_ink(tmp_path / f"p{page}.png", "right" if side == "left" else "left") == 0
