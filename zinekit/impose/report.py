"""What an imposition did, in one paragraph for the person at the printer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from zinekit.errors import display_path
from zinekit.impose.options import MM

_SCHEMES = {
    "saddle": "saddle-stitched booklet",
    "topbound": "top-bound saddle-stitched booklet",
    "perfect": "perfect-bound book",
    "4up": "booklet printed two to a sheet (4-up)",
    "onepagezine": "one-page zine",
    "repeat": "step-and-repeat",
}

_FINISH = {
    "saddle": "fold the stack in half and staple on the fold",
    "topbound": "fold the stack in half across and staple on the fold",
    "perfect": "fold each signature, gather them in order and bind",
    "4up": ("cut every sheet across the middle, lay the stack of top halves on the stack of "
            "bottom halves, fold in half and staple"),
    "onepagezine": "fold and cut as a one-page zine",
    "repeat": "cut apart at the crop marks",
}


def _mm(points: float) -> str:
    return f"{points / MM:.0f}" if abs(points / MM - round(points / MM)) < 0.05 else f"{points / MM:.1f}"


def size_text(width: float, height: float) -> str:
    return f"{_mm(width)} × {_mm(height)} mm"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass
class ImposeReport:
    """The facts of one imposition; ``str()`` is the summary printed to the user."""

    output: Path
    layout: str
    pages: int  # source pages
    sheets: int
    sides: int  # output PDF pages
    sheet_name: str
    sheet_size: tuple[float, float]
    page_size: tuple[float, float]  # the cell: largest trimmed page
    blanks: int = 0
    blank_where: str = ""
    scale: float = 1.0
    mixed_sizes: bool = False
    signature_size: int = 0
    signatures: int = 0
    copies: int = 1  # repeat: copies per side
    duplex: bool = True
    flip: str = "short"
    cover_separate: bool = False
    creep: float = 0.0
    max_shift: float = 0.0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [self._what(), self._paper(), self._pages()]
        if self.blanks:
            parts.append(f"{_plural(self.blanks, 'blank page')} added {self.blank_where}")
        parts += self.notes
        parts.append(self._printing())
        return "; ".join(p for p in parts if p) + "."

    def _what(self) -> str:
        scheme = _SCHEMES.get(self.layout, self.layout)
        text = f"Wrote {display_path(self.output)}: {scheme}"
        if self.signature_size:
            text += f" in {_plural(self.signatures, 'signature')} of {self.signature_size} pages"
        return text

    def _paper(self) -> str:
        w, h = self.sheet_size
        shape = "landscape" if w > h else "portrait"
        text = (f"{_plural(self.sheets, 'sheet')} of {self.sheet_name} {shape} ({size_text(w, h)}), "
                f"{_plural(self.sides, 'PDF page')}")
        if self.cover_separate:
            text += " (PDF pages 1–2 are the cover sheet: print them on the cover stock)"
        return text

    def _pages(self) -> str:
        text = f"{_plural(self.pages, 'source page')} of {size_text(*self.page_size)}"
        if self.mixed_sizes:
            text += " (the largest; the pages differ in size and each is centred in a space that size)"
        if self.copies > 1:
            text += f", {self.copies} copies per side"
        if self.scale < 0.9995:
            text += f", SCALED DOWN to {self.scale * 100:.1f} % to fit the sheet"
        else:
            text += " at 100 %"
        return text

    def _printing(self) -> str:
        if not self.duplex:
            how = "print single-sided"
        else:
            how = f"print double-sided, flipping on the {self.flip} edge"
        text = f"{how}, at actual size (no fit-to-page), then {_FINISH.get(self.layout, 'finish')}"
        if self.creep:
            text += (f"; creep of {_mm(self.creep)} mm paper compensated "
                     f"(innermost pages moved {self.max_shift / MM:.2f} mm towards the spine)")
        return text


def describe_blanks(sequence: Sequence[int | None], labels: Sequence[str], covers: bool) -> str:
    """Where the blanks went, e.g. ``between page 9 and page 10 (the back cover)``."""
    runs, start = [], None
    for i, page in enumerate(list(sequence) + [0]):
        if page is None and start is None:
            start = i
        elif page is not None and start is not None:
            runs.append((start, i))
            start = None
    return " and ".join(_run_text(sequence, labels, a, b, covers) for a, b in runs)


def _run_text(sequence, labels, start: int, end: int, covers: bool) -> str:
    before = sequence[start - 1] if start > 0 else None
    after = sequence[end] if end < len(sequence) else None
    last = len(labels) - 1
    if before is None:
        return f"at the start, before page {labels[after]}"
    if after is None:
        return f"at the end, after page {labels[before]}"
    text = f"between page {labels[before]} and page {labels[after]}"
    if covers and after == last:
        text += " (the back cover)"
    elif covers and before == 0:
        text += " (the front cover)"
    return text
