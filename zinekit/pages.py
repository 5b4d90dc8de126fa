"""Page sizes by name or by measure."""

from __future__ import annotations

import re

from zinekit.config import MM
from zinekit.model import PageSize

UNITS = {"mm": MM, "cm": 10 * MM, "in": 72.0, "pt": 1.0, "px": 0.75}

NAMED_SIZES_MM = {
    "a3": (297, 420), "a4": (210, 297), "a5": (148, 210), "a6": (105, 148), "a7": (74, 105),
    "b5": (176, 250), "b6": (125, 176),
    "letter": (215.9, 279.4), "legal": (215.9, 355.6), "tabloid": (279.4, 431.8),
    "half-letter": (139.7, 215.9), "quarter-letter": (107.95, 139.7),
}
MEASURE = re.compile(r"^\s*([\d.]+)\s*(mm|cm|in|pt|px)?\s*[x×*\s]\s*([\d.]+)\s*(mm|cm|in|pt|px)?\s*$", re.I)


def parse_page_size(text: str) -> PageSize:
    """``A5``, ``half-letter``, ``148x210mm``, ``5.5in x 8.5in`` → a PageSize.

    Raises ValueError with a message fit for a user.
    """
    key = text.strip().lower().replace("_", "-").replace(" ", "-")
    key = {"halfletter": "half-letter", "quarterletter": "quarter-letter",
           "us-letter": "letter"}.get(key, key)
    if key in NAMED_SIZES_MM:
        w, h = NAMED_SIZES_MM[key]
        return PageSize(key.upper() if key[0] in "ab" and key[1:].isdigit() else key, w * MM, h * MM)
    m = MEASURE.match(text)
    if m:
        unit_w = (m.group(2) or m.group(4) or "mm").lower()
        unit_h = (m.group(4) or m.group(2) or "mm").lower()
        w, h = float(m.group(1)) * UNITS[unit_w], float(m.group(3)) * UNITS[unit_h]
        if w >= 36 and h >= 36 and w <= 14400 and h <= 14400:
            return PageSize(f"{m.group(1)}x{m.group(3)}{unit_h}", w, h)
        raise ValueError(f"page size {text!r} is out of range (0.5in to 200in a side)")
    names = ", ".join(sorted(NAMED_SIZES_MM))
    raise ValueError(f"unknown page size {text!r}: use one of {names}, or W×H with a unit "
                     "(e.g. 148x210mm, 5.5x8.5in)")
