"""Where a PDF's text is, page by page, as pdfium lays it out.

pdfium knows each glyph's box in page space, through every form and text matrix, so
text near the trim is found from what would be printed rather than from guessing
glyph widths.  pdfium groups the characters of a page into runs of text on one line
(its "rects"); those are what is measured.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Union

import pypdfium2 as pdfium

Rect = tuple[float, float, float, float]


def text_rects(source: Union[str, Path, bytes], pages: Iterable[int]) -> dict[int, list[Rect]]:
    """Page number (1-based, of ``pages``) → the rectangles of its runs of text, in PDF
    points.

    A file pdfium cannot open gives no rectangles: the other checks still run, and the
    text check is simply not made.
    """
    try:
        document = pdfium.PdfDocument(str(source) if isinstance(source, Path) else source)
    except pdfium.PdfiumError:
        return {}
    found: dict[int, list[Rect]] = {}
    try:
        for number in pages:
            if not 1 <= number <= len(document):
                continue
            index = number - 1
            page = document[index]
            textpage = page.get_textpage()
            try:
                found[index + 1] = [tuple(textpage.get_rect(i)) for i in range(textpage.count_rects())]
            finally:
                textpage.close()
                page.close()
    finally:
        document.close()
    return found
