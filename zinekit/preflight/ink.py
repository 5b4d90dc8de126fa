"""Total ink: how much ink a page puts on one spot of paper, at its heaviest.

A press lays its four inks on top of each other; past about 300 % (240 % on the
uncoated paper of print on demand) the ink does not dry, smears and sets off on the
facing page.  The total area coverage of a colour is C + M + Y + K in per cent; a page's
is the largest of every fill, stroke, text, shading and image pixel it paints.  RGB is
counted as the press would print it, through zinekit's conversion
(:func:`zinekit.render.press.cmyk_of`, full grey-component replacement), grey as black
ink alone.
"""

from __future__ import annotations

import io
from typing import Any

from zinekit.preflight.walk import Colour

#: Images larger than this are measured on every n-th pixel (the heaviest area of a
#: picture is never one pixel wide).
MAX_PIXELS = 1_000_000


def colour_ink(colour: Colour) -> float:
    """Per cent of ink a colour takes (0 for one the walk could not read)."""
    from zinekit.render.press import cmyk_of

    values = colour.values
    if colour.kind == "cmyk" and len(values) == 4:
        return 100 * sum(min(max(v, 0.0), 1.0) for v in values)
    if colour.kind == "grey" and len(values) == 1:
        return 100 * (1 - min(max(values[0], 0.0), 1.0))
    if colour.kind == "rgb" and len(values) == 3:
        return 100 * sum(cmyk_of(*(min(max(v, 0.0), 1.0) for v in values), limit=4.0))
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
    from zinekit.render.press import _cmyk_array

    return float(_cmyk_array(values, 4.0).sum(axis=-1).max() * 100)


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
