"""Texts laid out the way text extracted from printed pages comes: lines wrapped at a
width, words hyphenated at line ends, page numbers, a running head and foot on every
page, paragraphs broken across page ends, two columns one after the other.

The words are the project's own (a made-up story of a night ferry), so a test knows the
order they must come back in."""

from __future__ import annotations

import random
from dataclasses import dataclass

VOCABULARY = ("the ferry left harbour after midnight with lanterns swinging over crates of "
              "apples and letters bound for islands where nobody waited except keeper "
              "lighthouse who counted every passenger twice because tide tables were "
              "printed wrong that winter gulls circled above deck while cook slept below "
              "among sacks flour rope nets oars salt barrels a boy named rowan watched "
              "stars wheel slowly past mast his sister mended sails by candle lamp storm "
              "came from north east and rain hammered windows until morning broke grey "
              "quiet over water").split()


@dataclass
class Layout:
    """How the pages are printed."""

    width: int = 60
    page_lines: tuple[int, ...] = (14,)  # body lines on each page (cycled)
    head: str | None = "THE NIGHT FERRY"
    foot: str | None = "Printed by the Tidewater collective"
    hyphenate: bool = True
    columns: int = 1
    number_style: str = "{n}"


def sentence(rng: random.Random, length: int) -> str:
    words = [rng.choice(VOCABULARY) for _ in range(length)]
    return " ".join([words[0].capitalize()] + words[1:]) + "."


def paragraph(seed: int, sentences: int = 4) -> str:
    """A paragraph of made-up sentences, the same for the same seed."""
    rng = random.Random(seed)
    text = " ".join(sentence(rng, rng.randint(5, 16)) for _ in range(sentences))
    return text


def wrap(text: str, width: int, hyphenate: bool) -> list[str]:
    """Lines of at most ``width`` characters; with ``hyphenate``, a long word that does
    not fit is broken after its first half with a hyphen."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if len(line) + 1 + len(word) <= width or not line:
            line = f"{line} {word}".strip()
            continue
        cut = len(word) // 2
        if hyphenate and len(word) >= 6 and word[cut - 1].isalpha() and \
                len(line) + 2 + cut <= width:
            lines.append(f"{line} {word[:cut]}-")
            line = word[cut:]
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def paginate(paragraphs: list[str], layout: Layout) -> str:
    """The paragraphs printed on pages, as text extraction gives them back."""
    return "\n".join("\n".join(page) for page in pages(paragraphs, layout)) + "\n"


def pages(paragraphs: list[str], layout: Layout) -> list[list[str]]:
    """The lines of each printed page."""
    body: list[str] = []
    for text in paragraphs:
        body.extend(wrap(text, layout.width, layout.hyphenate) + [""])
    printed: list[list[str]] = []
    start, number = 0, 1
    while start < len(body):
        size = layout.page_lines[(number - 1) % len(layout.page_lines)]
        lines = body[start:start + size]
        start += size
        printed.append(_page(lines, number, layout))
        number += 1
    return printed


def _page(lines: list[str], number: int, layout: Layout) -> list[str]:
    out = [layout.head, ""] if layout.head else []
    if layout.columns == 2:
        half = (len(lines) + 1) // 2
        lines = lines[:half] + [""] + lines[half:]  # the left column, then the right one
    out += lines
    out += ["", layout.foot] if layout.foot else []
    out += ["", layout.number_style.format(n=number), ""]
    return out
