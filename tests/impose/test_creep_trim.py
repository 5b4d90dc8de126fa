"""Creep, proven on paper: fold a 64-page saddle booklet of 0.1 mm paper, trim it, and
measure the outer margin of every page.

The folded booklet is modelled sheet by sheet (docs/imposition.md, "Creep"): the 16
sheets are nested, each folded round the ones inside it on a half circle whose radius is
the thickness of what it wraps (the innermost sheet's fold has a radius of half a sheet,
each sheet outside adds one thickness), all circles sharing one centre on the spine.  A
point of a leaf at distance ``s`` from the fold of the flat sheet lands, once folded, at
``x = centre + s − (π/2) r`` from the spine (the leaf first goes a quarter turn round
its fold, then straight), ``r`` the radius of its sheet's fold.  The booklet is trimmed
at one line, a little inside the shortest (outermost) leaf.

Each source page carries a mark 10 mm inside its fore-edge; its distance from the fold
is read back from the imposed PDF (pdftotext), so the test measures what zinekit
actually printed, not its formula.
"""

from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from impose_helpers import A5, HELVETICA, MM
from zinekit.impose import impose_file

PAGES = 64
PAPER = 0.1 * MM
MARK_INSET = 10 * MM  # the mark's outer end, from the page's fore-edge
TRIM = 3 * MM  # cut off the shortest leaf's fore-edge


def marked_pdf(path: Path) -> Path:
    """A5 pages; page n has the word Mnn ending (recto) or starting (verso) 10 mm from its fore-edge."""
    writer = PdfWriter()
    font = writer._add_object(HELVETICA)
    resources = writer._add_object(DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}))
    width, height = A5
    for number in range(1, PAGES + 1):
        page = writer.add_blank_page(width, height)
        word = f"M{number:02d}"
        advance = 8 * (833 + 2 * 556) / 1000  # Helvetica: M is 833 units wide, every digit 556
        recto = number % 2 == 1
        x = width - MARK_INSET - advance if recto else MARK_INSET
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 8 Tf {x:.3f} {height / 2:.3f} Td ({word}) Tj ET".encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = resources
    writer.write(path)
    return path


def mark_distances(pdf: Path) -> dict[int, float]:
    """Page number → distance of its mark's outer end from the fold, on the flat sheet."""
    reader = PdfReader(str(pdf))
    fold = float(reader.pages[0].mediabox.width) / 2
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    found = {}
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">M(\d+)</word>', html):
        x0, x1, number = float(m.group(1)), float(m.group(2)), int(m.group(3))
        found[number] = x1 - fold if number % 2 else fold - x0
    assert sorted(found) == list(range(1, PAGES + 1))
    return found


def sheet_of(number: int) -> int:
    """The sheet (0 = outermost) carrying page ``number`` of a saddle booklet."""
    return min(number, PAGES + 1 - number) - 1 >> 1


def folded_margins(distances: dict[int, float], page_width: float) -> dict[int, float]:
    """Outer margin of every page after folding and trimming the booklet (the model above)."""
    sheets = PAGES // 4
    radius = {k: (sheets - 1 - k) * PAPER + PAPER / 2 for k in range(sheets)}
    centre = radius[0] + PAPER / 2  # the outermost sheet's outside touches the spine

    def folded(s: float, k: int) -> float:
        quarter = math.pi / 2 * radius[k]
        assert s > quarter
        return centre + s - quarter

    edges = [folded(page_width, k) for k in range(sheets)]  # each leaf's fore-edge
    trim_line = min(edges) - TRIM
    return {n: trim_line - folded(s, sheet_of(n)) for n, s in distances.items()}


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    return marked_pdf(tmp_path_factory.mktemp("creep") / "marked.pdf")


def test_sheet_of_pages():
    assert [sheet_of(n) for n in (1, 2, 3, 4, 63, 64, 31, 32, 33, 34)] == [0, 0, 1, 1, 0, 0, 15, 15, 15, 15]


def test_creep_evens_the_trimmed_outer_margins(source, tmp_path):
    out = tmp_path / "booklet.pdf"
    report = impose_file(source, out, creep="0.1mm")
    margins = folded_margins(mark_distances(out), A5[0])
    spread = max(margins.values()) - min(margins.values())
    assert spread < 0.1 * MM, f"outer margins differ by {spread / MM:.3f} mm"
    assert min(margins.values()) == pytest.approx(MARK_INSET - TRIM, abs=0.1 * MM)
    assert report.max_shift / MM == pytest.approx(15 * 0.1 * math.pi / 2, abs=0.001)


def test_without_creep_the_inner_pages_lose_their_margin(source, tmp_path):
    """The same trim without compensation: the centre pages' margins are 2.4 mm narrower."""
    out = tmp_path / "booklet.pdf"
    impose_file(source, out)
    margins = folded_margins(mark_distances(out), A5[0])
    spread = max(margins.values()) - min(margins.values())
    assert spread / MM == pytest.approx(15 * 0.1 * math.pi / 2, abs=0.05)
    assert min(margins, key=margins.get) in (31, 32, 33, 34)  # the innermost sheet
