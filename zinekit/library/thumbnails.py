"""Each issue's thumbnail for the library: its cover as the EPUB shows it — the
front matter's ``cover:`` image, else the cover the theme draws (``epub/cover.svg``,
:mod:`zinekit.render.epub.cover`) — not the reading PDF's first page, which is the
title page and nearly blank at the size of a thumbnail.

An issue rendered in this build draws its thumbnail with its render (on its worker);
an issue found current keeps the one its last build wrote, or has it read back from its
EPUB's cover, else from its reading PDF's first page.
"""

from __future__ import annotations

import base64
import html
import io
import re
import zipfile
from pathlib import Path

from lxml import etree

from zinekit.library.epubfile import cover_image as epub_cover
from zinekit.model import Prepared
from zinekit.render.download_page import COVER_WIDTH_PX, cover_thumbnail
from zinekit.render.document import cover_image, issue_context
from zinekit.render.epub.cover import generated_cover

_SIZE = re.compile(rb'<svg[^>]*?\bwidth="([0-9.]+)"[^>]*?\bheight="([0-9.]+)"', re.S)


def design_thumbnail(prepared: Prepared, width: int = COVER_WIDTH_PX) -> bytes | None:
    """The PNG thumbnail of the issue's EPUB cover, ``width`` pixels wide."""
    issue = prepared.issue
    image = cover_image(issue)
    if image is not None:
        return image_thumbnail((issue.source_file.parent / image).read_bytes(), width)
    svg = generated_cover(prepared.theme, prepared.page, issue_context(issue))
    return svg_thumbnail(svg, width)


def image_thumbnail(data: bytes, width: int = COVER_WIDTH_PX) -> bytes | None:
    """A raster image (or an SVG) scaled to ``width`` pixels, as PNG."""
    if data.lstrip()[:5] in (b"<?xml", b"<svg ") or b"<svg" in data[:512]:
        return svg_thumbnail(data, width)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as opened:
            height = max(1, round(opened.height * width / opened.width))
            picture = opened.convert("RGB").resize((width, height))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def svg_thumbnail(svg: bytes, width: int = COVER_WIDTH_PX) -> bytes | None:
    """An SVG drawn to a PNG: WeasyPrint sets it on a page of its size, PDFium paints the
    page.  Nothing the SVG names outside itself is fetched.  Its ``<text>`` lines (the
    cover's words no theme font could letter, and words set right to left) are set as
    HTML over the picture: WeasyPrint's SVG text does not join Arabic letters nor order
    a line right to left, its HTML does."""
    import weasyprint

    from zinekit.render.fetcher import ProjectFetcher

    size = _SIZE.search(svg[:4096])
    w, h = (float(size.group(1)), float(size.group(2))) if size else (1200.0, 1697.0)
    picture, lines = _lift_text(svg)
    source = "data:image/svg+xml;base64," + base64.b64encode(picture).decode("ascii")
    page = (f"<style>@page {{ size: {w}px {h}px; margin: 0 }} body {{ margin: 0 }} "
            f"img {{ display: block; width: {w}px; height: {h}px }} "
            f"div {{ position: absolute; white-space: nowrap; line-height: 1 }}</style>"
            f'<img src="{source}" alt="">{lines}')
    try:
        fetcher = ProjectFetcher([])  # serves the data: address, refuses all else
        pdf = weasyprint.HTML(string=page, url_fetcher=fetcher).write_pdf()
    except Exception:  # noqa: BLE001 - no thumbnail rather than no library
        return None
    return cover_thumbnail(pdf, width)


SVG = "{http://www.w3.org/2000/svg}"
#: SVG ``text-anchor`` → where the HTML line stands around its x: (left offset in
#: widths of the box, text-align)
ANCHORS = {"start": (0.0, "left"), "middle": (0.5, "center"), "end": (1.0, "right")}
BOX = 4000.0  # px: wider than any cover line


def _lift_text(svg: bytes) -> tuple[bytes, str]:
    """The SVG without its ``<text>`` elements, and those lines as positioned HTML."""
    try:
        root = etree.fromstring(svg, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return svg, ""
    lines = []
    for text in list(root.iter(f"{SVG}text")):
        lines.append(_html_line(text))
        parent = text.getparent()
        if parent is not None:
            parent.remove(text)
    return etree.tostring(root), "".join(lines)


def _html_line(text: etree._Element) -> str:
    """One SVG ``<text>`` as an absolutely placed HTML line on the same baseline."""
    def number(name: str, default: float) -> float:
        try:
            return float(text.get(name) or default)
        except ValueError:
            return default

    x, y, size = number("x", 0), number("y", 0), number("font-size", 16)
    shift, align = ANCHORS.get(text.get("text-anchor") or "start", ANCHORS["start"])
    words = html.escape("".join(str(part) for part in text.itertext()))
    fill = html.escape(text.get("fill") or "#000")
    family = html.escape(text.get("font-family") or "serif")
    return (f'<div dir="auto" style="left: {x - shift * BOX:.1f}px; top: {y - 0.8 * size:.1f}px; '
            f"width: {BOX:.0f}px; text-align: {align}; font-size: {size:.1f}px; color: {fill}; "
            f'font-family: {family}">{words}</div>')


def epub_cover_thumbnail(epub: Path, width: int = COVER_WIDTH_PX) -> bytes | None:
    """The thumbnail of a built EPUB's cover image (the item marked ``cover-image``)."""
    try:
        with zipfile.ZipFile(epub) as book:
            data = epub_cover(book)
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None
    return image_thumbnail(data, width) if data else None
