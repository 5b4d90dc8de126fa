"""A book in one file, built: its level-1 headings are chapters in every format.

One series is built once: vol. 1 is a short book in a single Markdown file (an
introduction, three chapters, notes defined at the end of the file, chapters set to
open on right-hand pages); vol. 2 cites one of its chapters by title.
"""

from __future__ import annotations

import json
import re
import textwrap
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import poppler_pages
from zinekit.cli import main

pytestmark = pytest.mark.slow  # one series, built once for every test here

XHTML = "{http://www.w3.org/1999/xhtml}"

PORCH = (
    "The porch of the old print shop has a shelf, and the shelf has a tin. Anyone may "
    "take a packet of seeds from the tin, and anyone who grows something is asked to "
    "bring a packet back in the autumn. Nobody checks. The tin has been full every "
    "spring for six years, which says more about the street than any survey could.")
YARD = (
    "Behind the shop the yard takes the rain from three roofs. In a wet March it is a "
    "pond, and in a dry August it is a dust bowl, and in between it grows more than the "
    "allotments up the hill. The trick, if there is one, is that nobody owns the yard "
    "and so nobody has ever paved it.")
KEYS = (
    "The key to the yard gate hangs on a nail inside the porch. It used to be kept by "
    "the printer, then by the printer's daughter, then by whoever was last out. Losing "
    "it happens once a year; a spare is cut at the market the same week, and paid for "
    "out of the tin that sits beside the seed tin.")


def chapter(title: str, paragraph: str, notes: tuple[str, ...], repeat: int = 4) -> str:
    """A chapter: its heading, then ``repeat`` paragraphs, the first calling ``notes``."""
    calls = "".join(f"[^{n}]" for n in notes)
    paragraphs = [paragraph + calls] + [paragraph] * (repeat - 1)
    return f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n"


BOOK = (
    "---\ntitle: The Porch and the Yard\nseries: Small Rooms\nvolume: 1\n"
    "authors: [The Porch Collective]\nchapter_start: right\nlanguage: en-GB\n"
    "date: 2026-03-21\nlicense: Anti-copyright\n---\n\n"
    "What follows was written over one winter by the people who use the porch; the "
    "flood is in its own chapter [see #the-yard-in-march].\n\n"
    + chapter("The Seed Tin", PORCH, ("tin",), 7) + "\n"
    + chapter("The Yard in March", YARD, ("flood",), 20) + "\n"
    + chapter("The Printer's Key", KEYS, ("tin",), 3) + "\n"
    + "[^tin]: A biscuit tin, blue, with a dent in the lid.\n"
    + "[^flood]: The worst was in 2019, when the water reached the door.\n")

CITING = """\
---
title: Letters About Rooms
series: Small Rooms
volume: 2
---

A reader writes about the flooding [see The Yard in March] and asks for a pump, and
about the key [see The Printer's Key].
"""

SERIES = """\
[series]
name = "Small Rooms"

[[issues]]
volume = 1
source = "book.md"

[[issues]]
volume = 2
source = "letters.md"
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("book")
    for name, text in (("zinekit.toml", SERIES), ("book.md", BOOK), ("letters.md", CITING)):
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(root), "--format", "pdf,epub"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output, result.output
    return root / "dist"


@pytest.fixture(scope="module")
def pages(built: Path) -> list[str]:
    return poppler_pages(built / "small-rooms-vol-1" / "small-rooms-vol-1.pdf")


TITLES = ["The Seed Tin", "The Yard in March", "The Printer’s Key"]


def start_pages(pages: list[str]) -> dict[str, int]:
    """The page on which each chapter's title stands as a heading (1-based)."""
    return {title: next(n for n, text in enumerate(pages, start=1)
                        if re.search(rf"^(?:\d+ )?(?:Small Rooms · vol\. 1 )?{title} (?!\d)", text)
                        and "Contents" not in text)
            for title in TITLES}


def test_contents_page_lists_the_chapters_with_their_pages(pages):
    contents = next(text for text in pages if "Contents" in text)
    starts = start_pages(pages)
    entry = re.compile(rf"({'|'.join(TITLES)})[ .]*?(\d+)")
    listed = [(m.group(1), int(m.group(2))) for m in entry.finditer(contents)]
    assert listed == [(title, starts[title]) for title in TITLES]


def test_each_chapter_opens_on_a_right_hand_page_after_a_bare_blank(pages):
    starts = start_pages(pages)
    assert all(page % 2 == 1 for page in starts.values()), starts
    for page in starts.values():
        before = pages[page - 2]
        assert before.strip() == "" or before.rstrip().endswith(".") or "Contents" in before
    blanks = [n for n, text in enumerate(pages, start=1) if not text.strip()]
    assert blanks and all(n % 2 == 0 for n in blanks), blanks  # no head, no folio


def test_running_heads_carry_the_chapter_title(pages):
    starts = start_pages(pages)
    second_of_yard = pages[starts["The Yard in March"]]  # its second page, a left one
    third_of_yard = pages[starts["The Yard in March"] + 1]
    assert second_of_yard.startswith(f"{starts['The Yard in March'] + 1} Small Rooms · vol. 1")
    assert third_of_yard.startswith("The Yard in March ")


def test_notes_land_at_the_foot_of_the_page_of_their_call(pages):
    starts = start_pages(pages)
    first_of = {title: pages[starts[title] - 1] for title in TITLES}
    tin = "1. A biscuit tin, blue, with a dent in the lid."
    assert first_of["The Seed Tin"].rstrip().endswith(tin)
    assert first_of["The Yard in March"].rstrip().endswith(
        "1. The worst was in 2019, when the water reached the door.")
    # a note called from two chapters is printed in each of them
    assert first_of["The Printer’s Key"].rstrip().endswith(tin)


def test_the_title_page_prints_the_date_as_the_language_writes_it(pages):
    assert re.search(r"2 ?1 March 2026", pages[0])  # letter-spaced small capitals


def test_inventory_lists_each_chapter_with_its_page(built, pages):
    inventory = json.loads((built / "small-rooms-vol-1" / "small-rooms-vol-1.inventory.json")
                           .read_text(encoding="utf-8"))
    starts = start_pages(pages)
    assert [(a["title"], a["page"]) for a in inventory["articles"]] == [
        (title, starts[title]) for title in TITLES]


def test_another_issue_cites_a_chapter_by_its_title(built, pages):
    letters = " ".join(poppler_pages(built / "small-rooms-vol-2" / "small-rooms-vol-2.pdf"))
    starts = start_pages(pages)
    assert f"Small Rooms vol.1, p.{starts['The Yard in March']}]" in letters
    # typed with a straight apostrophe, the title printed with a curly one: still found
    key = starts["The Printer’s Key"]
    assert f"[see The Printer’s Key, Small Rooms vol.1, p.{key}]" in letters


def test_the_introduction_cites_a_chapter_by_its_anchor(pages):
    intro = next(text for text in pages if "What follows was written" in text)
    assert f"[see The Yard in March, p. {start_pages(pages)['The Yard in March']}]" in intro


def test_the_epub_has_one_document_per_chapter_and_the_navigation_lists_them(built):
    book = zipfile.ZipFile(built / "small-rooms-vol-1" / "small-rooms-vol-1.epub")
    names = [n for n in book.namelist() if re.search(r"text/(chapter|intro)", n)]
    assert names == ["EPUB/text/intro.xhtml", "EPUB/text/chapter-01.xhtml",
                     "EPUB/text/chapter-02.xhtml", "EPUB/text/chapter-03.xhtml"]
    nav = ET.fromstring(book.read("EPUB/text/nav.xhtml"))
    toc = next(el for el in nav.iter(f"{XHTML}nav") if el.get("id") == "toc")
    entries = [(a.text, a.get("href")) for a in toc.iter(f"{XHTML}a")]
    assert entries[1:4] == [(t, f"chapter-0{n}.xhtml") for n, t in enumerate(TITLES, start=1)]
    second = ET.fromstring(book.read("EPUB/text/chapter-02.xhtml"))
    heading = next(second.iter(f"{XHTML}h1"))
    assert "".join(heading.itertext()) == "The Yard in March"
    notes = [el for el in second.iter(f"{XHTML}aside") if "footnote" in (el.get("class") or "")]
    assert len(notes) == 1 and "reached the door" in "".join(notes[0].itertext())
