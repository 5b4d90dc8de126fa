"""Numbered source PDFs (each page shows its number in huge Helvetica) and readers that
tell which number sits where on an imposed sheet."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Sequence

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

MM = 72 / 25.4
A5 = (148 * MM, 210 * MM)
A6 = (105 * MM, 148 * MM)
A7 = (74 * MM, 105 * MM)

HELVETICA = DictionaryObject({
    NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
    NameObject("/BaseFont"): NameObject("/Helvetica"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
})


def _box(x0: float, y0: float, x1: float, y1: float) -> ArrayObject:
    return ArrayObject([FloatObject(round(v, 3)) for v in (x0, y0, x1, y1)])


def page_content(number: int, width: float, height: float, bleed: float = 0.0) -> bytes:
    """A grey frame on the trim, a coloured bleed band, a big centred number, and a
    small 'head' label at the top so orientation can be checked."""
    text = str(number)
    size = min(width, height) * 0.45
    x = bleed + width / 2 - 0.278 * size * len(text)
    y = bleed + height / 2 - 0.35 * size
    ops = []
    if bleed:
        ops.append(f"0.55 0.75 0.95 rg 0 0 {width + 2 * bleed:.2f} {height + 2 * bleed:.2f} re f")
        ops.append(f"1 1 1 rg {bleed:.2f} {bleed:.2f} {width:.2f} {height:.2f} re f")
    ops += [
        f"0.6 G 2 w {bleed + 1:.2f} {bleed + 1:.2f} {width - 2:.2f} {height - 2:.2f} re S",
        f"0 g BT /F1 {size:.1f} Tf {x:.2f} {y:.2f} Td ({text}) Tj ET",
        f"0 g BT /F1 10 Tf {bleed + 10:.2f} {bleed + height - 20:.2f} Td (head of page {text}) Tj ET",
    ]
    return "\n".join(ops).encode("ascii")


def make_numbered_pdf(path: Path, count: int, size: tuple[float, float] = A5, *,
                      sizes: Sequence[tuple[float, float]] | None = None, bleed: float = 0.0,
                      title: str = "Numbered test zine") -> Path:
    """``count`` pages numbered 1…count; ``bleed`` makes the MediaBox larger with a TrimBox."""
    writer = PdfWriter()
    font = writer._add_object(HELVETICA)
    resources = writer._add_object(DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}))
    for number in range(1, count + 1):
        width, height = sizes[number - 1] if sizes else size
        page = writer.add_blank_page(width + 2 * bleed, height + 2 * bleed)
        stream = DecodedStreamObject()
        stream.set_data(page_content(number, width, height, bleed))
        page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
        page[NameObject("/Resources")] = resources
        if bleed:
            page[NameObject("/TrimBox")] = _box(bleed, bleed, bleed + width, bleed + height)
            page[NameObject("/BleedBox")] = _box(0, 0, width + 2 * bleed, height + 2 * bleed)
    writer.add_metadata({"/Title": title, "/Author": "Test Author"})
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


# ------------------------------------------------------------------------ reading back

_NUMBER = re.compile(r"^\d+$")


def numbers_on_page(pdf: Path, index: int) -> list[tuple[int, float, float]]:
    """(number, x centre, y centre from the top) of every big number on output page ``index``,
    read with ``pdftotext -bbox`` (so the positions are what a viewer shows)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(index + 1), "-l", str(index + 1), str(pdf), "-"],
        check=True, capture_output=True, text=True).stdout
    found = []
    for match in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html):
        x0, y0, x1, y1 = (float(v) for v in match.groups()[:4])
        word = match.group(5)
        if _NUMBER.match(word) and y1 - y0 > 30:  # the big numbers only
            found.append((int(word), (x0 + x1) / 2, (y0 + y1) / 2))
    return found


def layout_of(pdf: Path, cols: int = 2, rows: int = 1) -> list[list[list[int | None]]]:
    """For each output page: rows of columns holding the number shown there (None = blank)."""
    reader = PdfReader(str(pdf))
    out = []
    for index, page in enumerate(reader.pages):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        grid: list[list[int | None]] = [[None] * cols for _ in range(rows)]
        for number, x, y in numbers_on_page(pdf, index):
            col = min(int(x / width * cols), cols - 1)
            row = min(int(y / height * rows), rows - 1)
            assert grid[row][col] is None, f"two numbers in one cell on page {index + 1}"
            grid[row][col] = number
        out.append(grid)
    return out


def halves(pdf: Path) -> list[list[int | None]]:
    """For 2-up sheets: [left, right] number on each output page."""
    return [grid[0] for grid in layout_of(pdf, 2, 1)]


def upside_down(pdf: Path, index: int) -> dict[int, bool]:
    """For each page label 'head of page N' on output page ``index``: is it turned 180°?"""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(index + 1), "-l", str(index + 1), str(pdf), "-"],
        check=True, capture_output=True, text=True).stdout
    words = [(m.group(3), float(m.group(1)), float(m.group(2))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html)]
    found = {}
    for i in range(len(words) - 3):
        if [w[0] for w in words[i:i + 3]] == ["head", "of", "page"] and words[i + 3][0].isdigit():
            found[int(words[i + 3][0])] = words[i][1] > words[i + 2][1]
    return found


def boxes(pdf: Path) -> list[dict[str, tuple[float, ...]]]:
    """MediaBox, TrimBox and BleedBox of every output page."""
    out = []
    for page in PdfReader(str(pdf)).pages:
        out.append({name: tuple(round(float(v), 2) for v in page[f"/{name}"])
                    for name in ("MediaBox", "TrimBox", "BleedBox") if f"/{name}" in page})
    return out
