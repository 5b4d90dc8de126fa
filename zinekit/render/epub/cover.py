"""The EPUB's cover: the issue's own ``cover:`` image, or one drawn from the title page.

A generated cover is an SVG written by the theme's ``epub/cover.svg`` template.  Its
lettering is set in the theme's fonts and turned into outlines with fontTools, so the
cover looks the same in every reading system and library view: an SVG used as an image
cannot load fonts, and no rasteriser is needed.  Text a theme font cannot draw falls
back to an SVG ``<text>`` in the reader's own font.

Drawing the outlines loads fontTools and reads each font's tables, the largest part of
a short issue's EPUB: the cover is kept in the user's cache
(:func:`zinekit.render.font_cache.remembered_file`) under the digest of everything it
is drawn from — the theme's templates and fonts, the title page's text, the page's
shape and this module — and drawn again only when one of them changes.
"""

from __future__ import annotations

import hashlib
import html
import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from zinekit.locale import labels
from zinekit.model import PageSize
from zinekit.render.epub.fonts import embedding_allowed
from zinekit.render.font_cache import remembered_file
from zinekit.themes_loader import Theme

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

COVER_WIDTH = 1200  # SVG user units; the height follows the reading PDF's page


@dataclass
class TextBlock:
    """Lines of text set on the cover; ``bottom`` is where the next block may start."""

    svg: Markup
    bottom: float
    lines: int


@lru_cache(maxsize=16)
def _open_font(path: str) -> TTFont | None:
    from fontTools.ttLib import TTFont, TTLibError

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
        try:
            return self._outlines(text, tt, size, x, y, width, anchor, leading, tracking,
                                  fill, max_lines)
        except Exception:  # noqa: BLE001 - fontTools raises anything from a damaged font
            return _text_fallback(text, size, x, y, width, anchor, leading, fill)

    def _outlines(self, text: str, tt: TTFont | None, size: float, x: float, y: float,
                  width: float | None, anchor: str, leading: float, tracking: float,
                  fill: str, max_lines: int) -> TextBlock:
        """The text as outlines of ``tt``; as SVG text when the font lacks a character
        or the script needs shaping (a damaged font raises, and gets the same fallback)."""
        if tt is None or needs_shaping(text) or \
                any(ord(ch) not in tt.getBestCmap() for ch in text if ch != " "):
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
        missing font, or one that does not open (the build reports a damaged font, naming
        the file; it is not read twice here, where a check of its tables would double the
        cover's time)."""
        path = self.theme.find(f"fonts/{name}") if name else None
        if path is None or not embedding_allowed(path)[0]:
            return None
        return _open_font(str(path))


def needs_shaping(text: str) -> bool:
    """Text set right to left (Arabic, Hebrew) or with combining marks: glyph by glyph
    outlines would print it unjoined and backwards, so the reader's renderer, which
    shapes it, sets it as ``<text>``."""
    return any(unicodedata.bidirectional(ch) in ("R", "AL") or unicodedata.combining(ch)
               for ch in text)


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
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.pens.transformPen import TransformPen

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
    """The cover SVG the theme's ``epub/cover.svg`` template draws for this issue: the
    one kept from an earlier build when nothing it is drawn from changed."""
    return remembered_file(cover_key(theme, page, issue_ctx), ".svg",
                           lambda: draw_cover(theme, page, issue_ctx))


#: Files larger than this in a theme's templates/ or fonts/ are not hashed for the key
#: (they are no template and no font a cover is drawn with).
MAX_KEYED_BYTES = 64 * 1024 * 1024


def cover_key(theme: Theme, page: PageSize, issue_ctx: dict[str, Any]) -> str:
    """The digest of everything the cover is drawn from."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(json.dumps([page.width, page.height, issue_ctx], sort_keys=True,
                             default=str).encode("utf-8"))
    for folder in theme.folders:
        for sub in ("templates", "fonts"):
            for path in sorted((folder / sub).rglob("*")) if (folder / sub).is_dir() else ():
                if path.is_file() and path.stat().st_size <= MAX_KEYED_BYTES:
                    digest.update(f"\0{folder}/{sub}/{path.relative_to(folder / sub)}\0".encode())
                    digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def draw_cover(theme: Theme, page: PageSize, issue_ctx: dict[str, Any]) -> bytes:
    """The cover SVG the theme's ``epub/cover.svg`` template draws for this issue."""
    env = theme.jinja_env()
    env.autoescape = True
    height = round(COVER_WIDTH * page.height / page.width)
    svg = env.get_template("epub/cover.svg").render(
        issue=issue_ctx, width=COVER_WIDTH, height=height, lettering=Lettering(theme),
        **labels(str(issue_ctx.get("language") or "en")).template_globals())
    return svg.encode("utf-8")

