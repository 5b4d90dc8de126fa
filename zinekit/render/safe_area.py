"""A vendor's safe area in the print edition: no text nearer the trim than it asks.

KDP and IngramSpark want text at least 0.25 in (6.35 mm) inside the trim, Lulu 0.5 in
(12.7 mm); a theme is drawn for a zine (11 mm margins, a folio in a tab at the page's
edge).  For such a vendor the print edition is laid out with one more stylesheet, after
the theme's and with the same weight, for the text pages:

- each page margin is at least the safe area, :data:`CLEARANCE_MM` and
  :data:`HEAD_ROOM_MM` (a line of running head or folio);
- each page-margin box the theme fills (running heads, folios) starts its text inside
  the safe area (and :data:`CLEARANCE_MM`) on its sides that face the trim: it moves
  away from the trim, keeping its shape, or, where it runs into the bleed (a folio
  tab), it is padded, so its background still runs off the page.

The theme's margins, and its margin boxes' margins and paddings, are read from a
two-page layout of its stylesheets (a right and a left text page).  Pages the theme
names (a title page, covers, a full-bleed picture, side-note pages) keep their own
rules, which are more specific.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Room, beyond the safe area, for a line of running head or folio in a margin.
HEAD_ROOM_MM = 8.0
#: Beyond the safe area: a face's capitals and accents can stand above a line box
#: set tight (``line-height: 1``).
CLEARANCE_MM = 1.0
PX_PER_MM = 96 / 25.4
SIDES = ("top", "right", "bottom", "left")
#: Each page-margin box and the sides of it that face the trim.
MARGIN_BOXES = {
    "top-left-corner": ("top", "left"), "top-left": ("top",), "top-center": ("top",),
    "top-right": ("top",), "top-right-corner": ("top", "right"),
    "right-top": ("right",), "right-middle": ("right",), "right-bottom": ("right",),
    "bottom-right-corner": ("bottom", "right"), "bottom-right": ("bottom",),
    "bottom-center": ("bottom",), "bottom-left": ("bottom",),
    "bottom-left-corner": ("bottom", "left"),
    "left-bottom": ("left",), "left-middle": ("left",), "left-top": ("left",),
}
PROBE = "<p>right</p><p style='break-before: page'>left</p>"


@dataclass
class PageMargins:
    """A text page as the theme sets it, in mm: its margins, and for each margin box it
    fills, the box's own margins and paddings."""

    margins: dict[str, float]
    boxes: dict[str, tuple[dict[str, float], dict[str, float]]] = field(default_factory=dict)


def safe_area_css(safe_mm: float, pages: dict[str, PageMargins]) -> str:
    """The stylesheet for ``safe_mm``, given a right and a left text page as the theme
    sets them (``{"right": …, "left": …}``)."""
    inside = safe_mm + CLEARANCE_MM
    rules = []
    for side_of_page, page in pages.items():
        widened = " ".join(f"margin-{side}: {max(page.margins[side], inside + HEAD_ROOM_MM):.2f}mm;"
                           for side in SIDES)
        boxes = []
        for name, (margin, padding) in page.boxes.items():
            moved = " ".join(filter(None, (_inside(side, margin[side], padding[side], inside)
                                           for side in MARGIN_BOXES[name])))
            if moved:
                boxes.append(f"@{name} {{ {moved} }}")
        rules.append(f"@page :{side_of_page} {{ {widened} {' '.join(boxes)} }}")
    return "\n".join(rules)


def _inside(side: str, margin: float, padding: float, inside: float) -> str:
    """The declaration that starts a margin box's text ``inside`` mm from the trim on
    ``side``: a box that runs into the bleed there is padded (its background still
    runs off the page), any other moves away from the trim, keeping its shape."""
    if margin + padding >= inside:
        return ""
    if margin < 0:
        return f"padding-{side}: {inside - margin:.2f}mm;"
    return f"margin-{side}: {inside - padding:.2f}mm;"


def theme_margins(render: Any) -> dict[str, PageMargins]:
    """A right and a left text page as ``render(html)`` (a WeasyPrint layout with the
    theme's stylesheets) sets them."""
    from zinekit.reachins import page_box

    pages = render(PROBE).pages
    found = {}
    for name, page in (("right", pages[0]), ("left", pages[1 % len(pages)])):
        box = page_box(page)
        found[name] = PageMargins(_mm(box, "margin"))
        for child in box.children:
            keyword = (getattr(child, "at_keyword", None) or "").lstrip("@")
            if keyword in MARGIN_BOXES:
                found[name].boxes[keyword] = (_mm(child, "margin"), _mm(child, "padding"))
    return found


def _mm(box: Any, what: str) -> dict[str, float]:
    return {side: (getattr(box, f"{what}_{side}") or 0) / PX_PER_MM for side in SIDES}
