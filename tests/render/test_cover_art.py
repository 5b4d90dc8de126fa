"""Cover pictures made ready for the copier (zinekit/render/cover_art.py): pure black and
white, the page's shape, a halftone whose dots grow with the darkness under them."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image

from zinekit.render.cover_art import DOTS_PER_MM, copier, cover_art_for, halftone, treated_cover


def _ramp(path: Path) -> Path:
    """A picture going from white at the left to black at the right."""
    image = Image.new("L", (400, 300))
    image.putdata([255 - int(255 * x / 399) for _ in range(300) for x in range(400)])
    image.save(path)
    return path


def _decoded(url: str) -> Image.Image:
    assert url.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))


def _black_share(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    part = image.crop(box).convert("L")
    return sum(1 for v in part.tobytes() if v < 128) / (part.width * part.height)


@pytest.mark.parametrize("treatment", ["copier", "halftone"])
def test_a_treated_cover_is_black_and_white_in_the_page_shape(tmp_path, treatment):
    art = _decoded(treated_cover(_ramp(tmp_path / "ramp.png"), treatment, 148, 210))
    assert art.mode == "1"
    assert art.size == (round(148 * DOTS_PER_MM), round(210 * DOTS_PER_MM))


def test_halftone_dots_grow_with_the_darkness():
    ramp = Image.new("L", (600, 200))
    ramp.putdata([255 - int(255 * x / 599) for _ in range(200) for x in range(600)])
    screen = halftone(ramp, cell=12)
    shares = [_black_share(screen, (x, 40, x + 60, 160)) for x in (30, 270, 510)]
    assert shares[0] < 0.25 < shares[1] < 0.75 < shares[2]


def test_copier_keeps_the_tone_as_a_share_of_black():
    grey = Image.new("L", (200, 200), 128)
    grey.paste(0, (0, 0, 100, 200))
    art = copier(grey)
    assert _black_share(art, (0, 0, 100, 200)) > 0.95


def test_a_picture_pillow_cannot_read_is_left_as_it_is(tmp_path):
    svg = tmp_path / "line-art.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8")
    assert treated_cover(svg, "halftone", 148, 210) is None
    assert treated_cover(_ramp(tmp_path / "r.png"), "sepia", 148, 210) is None
    assert cover_art_for(None, "copier", 148, 210) is None


def test_the_bleed_widens_the_picture(tmp_path):
    art = _decoded(cover_art_for(_ramp(tmp_path / "r.png"), "copier", 148, 210, "3mm"))
    assert art.size == (round(154 * DOTS_PER_MM), round(216 * DOTS_PER_MM))
