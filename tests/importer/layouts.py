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


# --- notes at the foot of each page ------------------------------------------------------

SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def with_call(text: str, number: int) -> str:
    """The paragraph with the call of note ``number`` at the end of its first sentence."""
    end = text.index(".")
    return text[:end] + str(number).translate(SUP) + text[end:]


def pages_with_notes(paragraphs: list[str], notes: list[str], layout: Layout,
                     split_notes: bool = False) -> list[list[str]]:
    """The lines of each printed page, paragraph ``k`` calling note ``k + 1``, which is
    printed at the foot of the page of its call (one column).  With ``split_notes``, the
    last note of a page foot, if it runs over two lines or more and its last line does not
    start a sentence, ends at the top of the next page's foot (a paragraph and a note
    broken at one page end)."""
    body: list[tuple[str, int]] = []  # (line, number of the note it calls, or 0)
    for k, text in enumerate(paragraphs):
        lines = wrap(with_call(text, k + 1), layout.width, layout.hyphenate)
        called = next(i for i, line in enumerate(lines) if str(k + 1).translate(SUP) in line)
        body.extend((line, k + 1 if i == called else 0) for i, line in enumerate(lines))
        body.append(("", 0))
    printed: list[list[str]] = []
    start, carried = 0, []
    while start < len(body) or carried:
        size = layout.page_lines[len(printed) % len(layout.page_lines)]
        lines, start = body[start:start + size], start + size
        foot = carried + [line for n in (n for _, n in lines if n)
                          for line in wrap(f"{str(n).translate(SUP)} {notes[n - 1]}",
                                           layout.width, False) + [""]]
        carried = []
        if split_notes and len(foot) >= 3 and foot[-3] and not foot[-3].endswith("."):
            foot, carried = foot[:-2] + [""], foot[-2:]  # the note's last line: next page
        printed.append(_page([line for line, _ in lines] + [""] + foot, len(printed) + 1,
                             layout))
    return printed
