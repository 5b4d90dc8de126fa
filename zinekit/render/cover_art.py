"""The `cover:` picture made ready for a copier, as a theme asks in its manifest.

A photograph printed on a photocopier turns to grey mud: the copier cannot hold a
continuous tone.  Zines have always prepared their pictures for it, by pushing the
contrast until only black and white are left, or by screening them into dots.  A theme
says which in ``theme.toml``::

    cover_treatment = "copier"     # high contrast, then a fine error-diffusion grain
    cover_treatment = "halftone"   # a coarse screen of round dots at 45 degrees

The picture is made at build time with Pillow, in pure black and white (1 bit), and
handed to the templates as ``cover_art``, a ``data:`` address.  A picture Pillow cannot
read (an SVG drawing, which is already line art) is left as it is.
"""

from __future__ import annotations

import base64
import io
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps, UnidentifiedImageError

TREATMENTS = ("copier", "halftone")
#: Pixels per millimetre of the prepared picture: 320 dpi, a little over the 300 a press
#: asks for (preflight measures the picture as placed, which rounding can take below 300).
DOTS_PER_MM = 320 / 25.4
#: The halftone screen's cell, in millimetres: about 21 lines per inch, coarse enough to
#: survive a second generation of copying and to read as a screen from arm's length.
HALFTONE_CELL_MM = 1.2
#: Pillow decodes at most this many pixels of a cover before shrinking it.
MAX_SOURCE_PIXELS = 40_000_000


def treated_cover(picture: Path, treatment: str, width_mm: float, height_mm: float) -> str | None:
    """The picture cropped to the page's shape and treated, as a PNG ``data:`` address;
    None when Pillow cannot read it or the treatment is unknown."""
    if treatment not in TREATMENTS:
        return None
    try:
        with Image.open(picture) as source:
            if source.width * source.height > MAX_SOURCE_PIXELS:
                return None
            grey = ImageOps.exif_transpose(source).convert("L")
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
    size = (round(width_mm * DOTS_PER_MM), round(height_mm * DOTS_PER_MM))
    grey = ImageOps.fit(grey, size, Image.Resampling.LANCZOS)
    art = copier(grey) if treatment == "copier" else halftone(grey, HALFTONE_CELL_MM * DOTS_PER_MM)
    return _data_url(art)


def copier(grey: Image.Image) -> Image.Image:
    """Contrast pushed until the mid-tones go (the levels a copier on 'dark' gives),
    the rest diffused into a fine grain."""
    levelled = ImageOps.autocontrast(grey, cutoff=2)
    pushed = ImageEnhance.Contrast(levelled).enhance(1.8)
    return pushed.convert("1", dither=Image.Dither.FLOYDSTEINBERG)


def halftone(grey: Image.Image, cell: float, angle: float = 45.0) -> Image.Image:
    """An amplitude-modulated screen: one round dot per cell of a grid turned by
    ``angle``, its area the darkness of the picture under it."""
    levelled = ImageOps.autocontrast(grey, cutoff=1).filter(ImageFilter.BoxBlur(cell / 2))
    width, height = levelled.size
    out = Image.new("1", levelled.size, 1)
    draw = ImageDraw.Draw(out)
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    reach = math.hypot(width, height) / cell
    for row in range(-int(reach), int(reach) + 1):
        for col in range(-int(reach), int(reach) + 1):
            u, v = col * cell, row * cell
            x, y = u * cos - v * sin + width / 2, u * sin + v * cos + height / 2
            if -cell <= x < width + cell and -cell <= y < height + cell:
                _dot(draw, levelled, x, y, cell)
    return out


def _dot(draw: ImageDraw.ImageDraw, grey: Image.Image, x: float, y: float, cell: float) -> None:
    """One dot whose area is the share of black at (x, y)."""
    px = min(max(int(x), 0), grey.width - 1)
    py = min(max(int(y), 0), grey.height - 1)
    value = grey.getpixel((px, py))
    darkness = 1 - float(value if isinstance(value, (int, float)) else 255) / 255
    if darkness < 0.04:
        return
    radius = cell * math.sqrt(darkness / math.pi) * 1.05
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=0)


def cover_art_for(picture: Path | None, treatment: str | None, width_mm: float, height_mm: float,
                  bleed: str | None = None) -> str | None:
    """``treated_cover`` for a page with its print bleed (``"3mm"``) on every side."""
    if picture is None or not treatment:
        return None
    extra = 2 * _millimetres(bleed)
    return treated_cover(picture, str(treatment), width_mm + extra, height_mm + extra)


def _millimetres(length: str | None) -> float:
    text = str(length or "0").strip().lower()
    try:
        return float(text[:-2]) if text.endswith("mm") else float(text or 0)
    except ValueError:
        return 0.0


def _data_url(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
