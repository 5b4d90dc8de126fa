"""Total ink: how much ink a page puts on one spot of paper, at its heaviest.

A press lays its four inks on top of each other; past about 300 % (240 % on the
uncoated paper of print on demand) the ink does not dry, smears and sets off on the
facing page.  The total area coverage of a colour is C + M + Y + K in per cent; a page's
is the largest of every fill, stroke, text, shading and image pixel it paints.  RGB is
counted as the press would print it, through zinekit's conversion
(:func:`cmyk_of`, full grey-component replacement, which the press edition is drawn
with), grey as black
ink alone.
"""

from __future__ import annotations

import io
from typing import Any

from zinekit.preflight.walk import Colour

#: A neutral this dark prints as solid black: a 90 % black tint is screened, and small
#: type in a screen looks ragged.
NEAR_BLACK = 0.85
#: Channels closer than this are a neutral grey (black ink only).
NEUTRAL = 0.02
#: Images larger than this are measured on every n-th pixel (the heaviest area of a
#: picture is never one pixel wide).
MAX_PIXELS = 1_000_000


def colour_ink(colour: Colour) -> float:
    """Per cent of ink a colour takes (0 for one the walk could not read)."""
    values = colour.values
    if colour.kind == "cmyk" and len(values) == 4:
        return 100 * sum(min(max(v, 0.0), 1.0) for v in values)
    if colour.kind == "grey" and len(values) == 1:
        return 100 * (1 - min(max(values[0], 0.0), 1.0))
    if colour.kind == "rgb" and len(values) == 3:
        r, g, b = (min(max(v, 0.0), 1.0) for v in values)
        return 100 * sum(cmyk_of(r, g, b, limit=4.0))
    return 0.0


def image_ink(image: Any, colour: Colour) -> float:
    """Per cent of ink at the heaviest pixel of an image XObject (8 bits a component;
    0 when it cannot be decoded here)."""
    import numpy

    pixels = _pixels(image, colour)
    if pixels is None:
        return 0.0
    if pixels.size > MAX_PIXELS * pixels.shape[-1]:
        step = int((pixels.size / pixels.shape[-1] / MAX_PIXELS) ** 0.5) + 1
        pixels = pixels[::step, ::step]
    values = pixels.astype(numpy.float32) / 255.0
    if colour.kind == "cmyk":
        return float(values.sum(axis=-1).max() * 100)
    if colour.kind == "grey":
        return float((1 - values.min()) * 100)
    return float(cmyk_array(values, 4.0).sum(axis=-1).max() * 100)


def _pixels(image: Any, colour: Colour):
    """The image's samples as height × width × components, or None."""
    import numpy
    import PIL.Image

    components = {"cmyk": 4, "rgb": 3, "grey": 1}.get(colour.kind)
    if components is None or int(image.get("/BitsPerComponent", 8) or 8) != 8:
        return None
    try:
        width, height = int(image["/Width"]), int(image["/Height"])
        filters = image.get("/Filter")
        names = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)]
        if "/DCTDecode" in names:
            picture = PIL.Image.open(io.BytesIO(image.get_data()))
            array = numpy.asarray(picture)
        else:
            array = numpy.frombuffer(image.get_data(), dtype=numpy.uint8)
            array = array[:width * height * components]
        return array.reshape(height, width, components)
    except Exception:  # noqa: BLE001 - an image preflight cannot decode is not measured
        return None


# --- zinekit's conversion: the press edition draws its colour with it -----------------


def cmyk_of(r: float, g: float, b: float, limit: float = 3.0) -> tuple[float, float, float, float]:
    """sRGB (0–1) → CMYK (0–1) with full grey-component replacement: greys are black
    ink alone, near-black is solid black, and C + M + Y + K stays within ``limit``."""
    if max(r, g, b) - min(r, g, b) < NEUTRAL:
        k = 1 - (r + g + b) / 3
        return (0.0, 0.0, 0.0, 1.0 if k >= NEAR_BLACK else round(k, 4))
    k = 1 - max(r, g, b)
    c, m, y = ((1 - v - k) / (1 - k) for v in (r, g, b))
    total = c + m + y + k
    if total > limit:  # lighten the colour inks, keep the black
        scale = max(limit - k, 0) / (c + m + y)
        c, m, y = c * scale, m * scale, y * scale
    return tuple(round(v, 4) for v in (c, m, y, k))  # type: ignore[return-value]


def cmyk_array(rgb, limit: float):
    """:func:`cmyk_of` for an array of pixels (height × width × 3, 0–1)."""
    import numpy

    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    high, low = rgb.max(axis=-1), rgb.min(axis=-1)
    k = 1 - high
    room = numpy.where(k < 1, 1 - k, 1)
    c, m, y = ((1 - v - k) / room for v in (r, g, b))
    neutral = (high - low) < NEUTRAL
    grey_k = 1 - rgb.mean(axis=-1)
    grey_k = numpy.where(grey_k >= NEAR_BLACK, 1.0, grey_k)
    c, m, y = (numpy.where(neutral, 0, v) for v in (c, m, y))
    k = numpy.where(neutral, grey_k, k)
    colour = c + m + y
    over = (colour + k) > limit
    scale = numpy.where(over & (colour > 0), numpy.maximum(limit - k, 0) / numpy.maximum(colour, 1e-6), 1)
    return numpy.clip(numpy.stack([c * scale, m * scale, y * scale, k], axis=-1), 0, 1)
