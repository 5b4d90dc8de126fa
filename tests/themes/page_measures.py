"""What a designer measures on a proof, read back from a built PDF with pdfplumber:
lines of text per page, white bands, the size of note calls, and where a slip falls.

Running heads and folios are tagged artifacts in the reading PDF and are left out; the
covers (first and last page) are not pages of text.  Run it on a PDF to see the
figures: ``python -m tests.themes.page_measures FILE.pdf``.
"""

from __future__ import annotations

import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pypdf import PdfReader

#: A line is the characters whose tops lie within this many points.
LINE_TOLERANCE = 2.0


@dataclass
class Line:
    top: float
    bottom: float
    x0: float
    x1: float
    size: float  # the most common character size
    text: str


@dataclass
class PageMeasure:
    number: int  # 1-based
    height: float
    lines: list[Line]
    calls: list[float] = field(default_factory=list)  # each raised call's size / its line's

    @property
    def largest_gap(self) -> float:
        """The tallest white band between two lines of the page (points)."""
        tops = sorted(self.lines, key=lambda line: line.top)
        return max((b.top - a.bottom for a, b in zip(tops, tops[1:])), default=0.0)

    @property
    def filled(self) -> float:
        """From the first line's top to the last one's bottom, as a share of the page."""
        if not self.lines:
            return 0.0
        return (max(l.bottom for l in self.lines) - min(l.top for l in self.lines)) / self.height


def _lines(chars: list[dict]) -> list[Line]:
    found: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        for line in found:
            if abs(line[0]["top"] - char["top"]) <= LINE_TOLERANCE and _near(line, char):
                line.append(char)
                break
        else:
            found.append([char])
    return [Line(min(c["top"] for c in line), max(c["bottom"] for c in line),
                 min(c["x0"] for c in line), max(c["x1"] for c in line),
                 statistics.mode(round(c["size"], 1) for c in line),
                 "".join(c["text"] for c in sorted(line, key=lambda c: c["x0"])))
            for line in found]


def _near(line: list[dict], char: dict) -> bool:
    """In the same column: no more than 4 em from the line's characters."""
    gap = 4 * char["size"]
    return any(c["x0"] - gap <= char["x0"] <= c["x1"] + gap for c in line)


def _raised_calls(chars: list[dict]) -> list[float]:
    """Each superscript digit: its size over the size of the text on its line."""
    ratios = []
    for char in chars:
        if not char["text"].isdigit():
            continue
        line = [c for c in chars if abs(c["bottom"] - char["bottom"]) < char["size"] * 1.2
                and abs(c["x0"] - char["x0"]) < 60 and c is not char and c["text"].isalpha()]
        if not line:
            continue
        size = statistics.mode(round(c["size"], 1) for c in line)
        baseline = statistics.median(c["bottom"] for c in line)
        if char["size"] < size * 0.92 and baseline - char["bottom"] > size * 0.2:
            ratios.append(char["size"] / size)
    return ratios


def measure(pdf: Path) -> list[PageMeasure]:
    """Every page's lines (artifacts left out) and note calls."""
    pages = []
    with pdfplumber.open(str(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            chars = [c for c in page.chars if c.get("tag") != "Artifact" and c["text"].strip()]
            pages.append(PageMeasure(number, float(page.height), _lines(chars), _raised_calls(chars)))
    return pages


#: Pages that are whole by design, whatever they hold, by the id they carry.
SHORT_BY_DESIGN = ("front-cover", "title-page", "contents", "back-cover")


def article_starts(pdf: Path) -> set[int]:
    """The pages the outline's top-level entries open on (articles, chapters)."""
    reader = PdfReader(str(pdf))
    starts = set()
    for entry in reader.outline:
        if not isinstance(entry, list):
            starts.add(reader.get_destination_page_number(entry) + 1)
    return starts


def designed_pages(pdf: Path) -> set[int]:
    """The covers and the contents page, found by their named destinations."""
    reader = PdfReader(str(pdf))
    named = reader.named_destinations
    return {reader.get_destination_page_number(named[name]) + 1 for name in SHORT_BY_DESIGN
            if name in named}


@dataclass
class Verdict:
    runts: list[int]  # pages with one or two lines
    near_empty: list[int]  # pages inside an article less than a third full
    bands: list[tuple[int, float]]  # pages inside an article with a white band > 30 %
    smallest_call: float | None


def verdict(pdf: Path) -> Verdict:
    """The numbers of a proof: runt pages, near-empty pages and white bands inside an
    article (not its last page, not a cover), and the smallest note call."""
    pages = measure(pdf)
    last = len(pages)
    designed = designed_pages(pdf)
    starts = article_starts(pdf) | designed | {last}
    ends = {n - 1 for n in starts if n > 1} | {last} | designed
    inner = [p for p in pages if 1 < p.number < last and p.number not in designed]
    runts = [p.number for p in inner if 1 <= len(p.lines) <= 2]
    within = [p for p in inner if p.number not in ends and p.lines]
    near_empty = [p.number for p in within if p.filled < 1 / 3]
    bands = [(p.number, round(p.largest_gap / p.height, 2)) for p in within
             if p.largest_gap / p.height > 0.30]
    calls = [ratio for p in pages for ratio in p.calls]
    return Verdict(runts, near_empty, bands, min(calls) if calls else None)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(name, verdict(Path(name)))
