"""The EPUB's cover: the issue's own ``cover:`` image, or one drawn from the title page.

A generated cover is an SVG written by the theme's ``epub/cover.svg`` template.  Its
lettering is set in the theme's fonts and turned into outlines with fontTools, so the
cover looks the same in every reading system and library view: an SVG used as an image
cannot load fonts, and no rasteriser is needed.  Text a theme font cannot draw falls
back to an SVG ``<text>`` in the reader's own font.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont, TTLibError
from markupsafe import Markup

from zinekit.pages import PageSize
from zinekit.render.epub.fonts import embedding_allowed
from zinekit.render.fonts import font_problem
from zinekit.themes_loader import Theme

COVER_WIDTH = 1200  # SVG user units; the height follows the reading PDF's page


@dataclass
class TextBlock:
    """Lines of text set on the cover; ``bottom`` is where the next block may start."""

    svg: Markup
    bottom: float
    lines: int


@lru_cache(maxsize=16)
def _open_font(path: str) -> TTFont | None:
    try:
        return TTFont(path)
    except (TTLibError, OSError):
        return None


class Lettering:
    """Sets text in a theme font as SVG outlines: ``lettering(text, "Font.otf", size, …)``
    in a cover template."""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme

    def __call__(self, text: Any, font: str, size: float, x: float, y: float,
                 width: float | None = None, anchor: str = "start", leading: float = 1.2,
                 tracking: float = 0.0, upper: bool = False, fill: str = "#000",
                 max_lines: int = 0) -> TextBlock:
        text = " ".join(str(text or "").split())
        if upper:
            text = text.upper()
        if not text:
            return TextBlock(Markup(""), y, 0)
        tt = self._font(font)
        if tt is None or any(ord(ch) not in tt.getBestCmap() for ch in text if ch != " "):
            return _text_fallback(text, size, x, y, width, anchor, leading, fill)
        while True:
            lines = _wrap(text, tt, size, tracking, width)
            if not max_lines or len(lines) <= max_lines or size < 12:
                break
            size *= 0.9
        paths = [_line_path(line, tt, size, x, y + i * size * leading, anchor, tracking, fill)
                 for i, line in enumerate(lines)]
        bottom = y + (len(lines) - 1) * size * leading + size * 0.3
        return TextBlock(Markup("\n".join(paths)), bottom, len(lines))

    def _font(self, name: str) -> TTFont | None:
        """The theme's font ``name``; None (text in the reader's font) for no name, a
        missing font, or a damaged one (the build reports it, naming the file)."""
        path = self.theme.find(f"fonts/{name}") if name else None
        if path is None or font_problem(str(path)) is not None or not embedding_allowed(path)[0]:
            return None
        return _open_font(str(path))


def _advance(line: str, tt: TTFont, tracking: float) -> float:
    """Width of ``line`` in font units."""
    cmap, hmtx = tt.getBestCmap(), tt["hmtx"]
    upm = tt["head"].unitsPerEm
    widths = [hmtx[cmap[ord(ch)]][0] if ord(ch) in cmap else upm / 3 for ch in line]
    return sum(widths) + tracking * upm * max(len(line) - 1, 0)


def _wrap(text: str, tt: TTFont, size: float, tracking: float, width: float | None) -> list[str]:
    if width is None:
        return [text]
    limit = width * tt["head"].unitsPerEm / size
    lines: list[str] = []
    for word in text.split(" "):
        if lines and _advance(f"{lines[-1]} {word}", tt, tracking) <= limit:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _line_path(line: str, tt: TTFont, size: float, x: float, baseline: float, anchor: str,
               tracking: float, fill: str) -> str:
    cmap, hmtx, glyphs = tt.getBestCmap(), tt["hmtx"], tt.getGlyphSet()
    upm = tt["head"].unitsPerEm
    pen = SVGPathPen(glyphs, ntos=lambda v: str(round(v)))
    cursor = 0.0
    for ch in line:
        name = cmap.get(ord(ch))
        if name is None:
            cursor += upm / 3
            continue
        glyphs[name].draw(TransformPen(pen, (1, 0, 0, 1, cursor, 0)))
        cursor += hmtx[name][0] + tracking * upm
    scale = size / upm
    width = (cursor - tracking * upm) * scale
    left = x - {"middle": width / 2, "end": width}.get(anchor, 0)
    return (f'<path transform="translate({left:.1f} {baseline:.1f}) scale({scale:.5f} {-scale:.5f})" '
            f'fill="{html.escape(fill)}" d="{pen.getCommands()}"/>')


def _text_fallback(text: str, size: float, x: float, y: float, width: float | None,
                   anchor: str, leading: float, fill: str) -> TextBlock:
    per_line = max(int((width or 1e9) / (size * 0.55)), 1)
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    svg = [f'<text x="{x:.1f}" y="{y + i * size * leading:.1f}" font-size="{size:.1f}" '
           f'font-family="serif" text-anchor="{html.escape(anchor)}" fill="{html.escape(fill)}">'
           f"{html.escape(line)}</text>" for i, line in enumerate(lines)]
    return TextBlock(Markup("\n".join(svg)), y + (len(lines) - 1) * size * leading + size * 0.3,
                     len(lines))


def generated_cover(theme: Theme, page: PageSize, issue_ctx: dict[str, Any]) -> bytes:
    """The cover SVG the theme's ``epub/cover.svg`` template draws for this issue."""
    env = theme.jinja_env()
    env.autoescape = True
    height = round(COVER_WIDTH * page.height / page.width)
    svg = env.get_template("epub/cover.svg").render(
        issue=issue_ctx, width=COVER_WIDTH, height=height, lettering=Lettering(theme))
    return svg.encode("utf-8")

