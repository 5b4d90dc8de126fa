"""A chapter of an anthology is its heading's section: from the heading to the next
heading of the same level or higher, wherever that heading is in the file — also in a
book in one file, whose level-1 headings each open a chapter of their own."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import poppler_pages

BOOK = """\
---
title: The Porch Book
series: Yard Notes
volume: 5
---

A word before the parts.

# Part A

Alpha of part A, "in quotes" -- and a dash.[^a]

## A sub

Alpha sub, the quiet one.

# Part B

Bravo of part B.

## B sub

Bravo sub, the loud one.

[^a]: The note of part A.
"""

SERIES = """\
[series]
name = "Yard Notes"

[[issues]]
volume = 5
source = "book.md"
"""


def reader(*chapters: str) -> str:
    listed = ", ".join(f'"{c}"' for c in chapters)
    return f'[anthology]\ntitle = "A Reader"\n\n[[texts]]\nsource = "book.md"\nchapters = [{listed}]\n'


def body_text(root: Path, slug: str) -> str:
    """The text of the anthology's pages after its title page."""
    pages = poppler_pages(root / "dist" / slug / f"{slug}.pdf")
    return " ".join(pages[1:])


def test_a_level_one_chapter_of_a_book_in_one_file_is_that_chapter_only(cli, make_project):
    root = make_project({"zinekit.toml": SERIES, "book.md": BOOK, "r.toml": reader("Part B")})
    run = cli("anthology", "r.toml", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.output
    text = body_text(root, "r")
    assert "Bravo of part B." in text and "Bravo sub, the loud one." in text
    assert "Alpha" not in text and "A word before" not in text and "note of part A" not in text


def test_a_level_two_chapter_ends_at_the_next_level_one_heading(cli, make_project):
    root = make_project({"zinekit.toml": SERIES, "book.md": BOOK, "r.toml": reader("A sub")})
    run = cli("anthology", "r.toml", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.output
    text = body_text(root, "r")
    assert "A sub Alpha sub, the quiet one." in text
    assert "Bravo" not in text and "Part B" not in text and "Alpha of part A" not in text


def test_a_chapter_keeps_the_reference_links_defined_elsewhere_in_the_file(make_project):
    root = make_project({"book.md": BOOK.replace("Bravo of part B.", "Bravo of part B, see [the yard][yard].")
                         + "\n[yard]: https://example.org/yard\n"})
    from zinekit.anthology.sections import section_lines

    lines = (root / "book.md").read_text(encoding="utf-8").split("\n")
    kept = [line for line in section_lines(lines, range(18, 25)) if line]
    assert kept == ["Bravo of part B, see [the yard][yard].", "## B sub", "Bravo sub, the loud one.",
                    "[yard]: https://example.org/yard"]


def test_a_whole_book_in_one_file_is_printed_once(cli, make_project):
    root = make_project({"zinekit.toml": SERIES, "book.md": BOOK,
                         "r.toml": '[anthology]\ntitle = "A Reader"\n\n[[texts]]\nsource = "book.md"\n'})
    run = cli("anthology", "r.toml", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.output
    text = body_text(root, "r")
    for line in ("A word before the parts.", "Alpha sub, the quiet one.", "Bravo of part B.",
                 "Bravo sub, the loud one.", "The note of part A."):
        assert text.count(line) == 1, (line, text)


def test_a_whole_book_is_credited_once_not_on_every_chapter(cli, make_project):
    """Its authors head its first article and the contents' first entry; where it first
    appeared ends its last chapter."""
    book = BOOK.replace("volume: 5\n", "volume: 5\nauthors: [Rook Hallam]\n")
    root = make_project({"zinekit.toml": SERIES, "book.md": book,
                         "r.toml": '[anthology]\ntitle = "A Reader"\n\n[[texts]]\nsource = "book.md"\n'})
    run = cli("anthology", "r.toml", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.output
    text = body_text(root, "r")
    assert text.count("Rook Hallam") == 2  # the contents' entry and the first article's head
    assert text.count("First published in") == 1
    assert text.index("Bravo sub, the loud one.") < text.index("First published in Yard Notes")


def test_a_chapter_keeps_the_typography_of_its_issue(cli, make_project):
    root = make_project({"zinekit.toml": SERIES, "book.md": BOOK, "r.toml": reader("Part A")})
    run = cli("anthology", "r.toml", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.output
    text = body_text(root, "r")
    assert "Alpha of part A, \u201cin quotes\u201d \u2013 and a dash." in text
    assert '"' not in text and "--" not in text


def test_a_german_text_keeps_its_quotes_in_an_english_anthology(cli, make_project):
    root = make_project({
        "tag.md": '---\ntitle: Am Zaun\nlanguage: de\n---\n\nSie sagte "morgen" -- und ging.\n',
        "r.toml": '[anthology]\ntitle = "A Reader"\n\n[[texts]]\nsource = "tag.md"\n'})
    run = cli("anthology", "r.toml", "--format", "pdf", cwd=root)
    assert run.exit_code == 0, run.output
    assert "Sie sagte \u201emorgen\u201c \u2013 und ging." in body_text(root, "r")


# --- the property: any heading tree, any chapter ---------------------------------------------


@st.composite
def heading_trees(draw):
    """(levels of the headings in order, whether a title heading opens the file, whether
    the file has front matter, which headings are written underlined, the chosen one)."""
    levels = draw(st.lists(st.integers(1, 6), min_size=1, max_size=9))
    titled = draw(st.booleans())
    front = draw(st.booleans()) or titled
    setext = draw(st.lists(st.booleans(), min_size=len(levels), max_size=len(levels)))
    chosen = draw(st.integers(0, len(levels) - 1 + int(titled)))
    return levels, titled, front, setext, chosen


def book_of(levels: list[int], titled: bool, front: bool, setext: list[bool]) -> str:
    """A book whose headings have the given levels; each heading has a paragraph (which
    calls a note defined at the end of the file) named after it."""
    lines = ["---", "title: The Book", "---", ""] if front else []
    lines += ["Para0 opens the book.", ""]
    if titled:
        lines += ["# The Book {#t0}", "", "Para00 under the title heading.", ""]
    for number, (level, underlined) in enumerate(zip(levels, setext), start=1):
        if underlined and level <= 2:
            lines += [f"Head{number} {{#h{number}}}", "=" * 3 if level == 1 else "-" * 3, ""]
        else:
            lines += [f"{'#' * level} Head{number} {{#h{number}}}", ""]
        lines += [f"Para{number} of this heading.[^n{number}]", ""]
    lines += [f"[^n{number}]: Note{number} of this heading." for number in range(1, len(levels) + 1)]
    return "\n".join(lines) + "\n"


def expected_section(levels: list[int], titled: bool, chosen: int) -> set[str]:
    """The markers of the chosen heading's section (``chosen`` 0 is the title heading)."""
    if titled and chosen == 0:
        end = next((n for n, level in enumerate(levels, 1) if level == 1), len(levels) + 1)
        return {"Para00"} | {m for n in range(1, end) for m in (f"Head{n}", f"Para{n}", f"Note{n}")}
    index = chosen if titled else chosen + 1
    level = levels[index - 1]
    end = next((n for n in range(index + 1, len(levels) + 1) if levels[n - 1] <= level), len(levels) + 1)
    inside = {m for n in range(index + 1, end) for m in (f"Head{n}", f"Para{n}", f"Note{n}")}
    return inside | {f"Para{index}", f"Note{index}"}


def anthology_markers(folder: Path, anchor: str) -> tuple[set[str], list[str]]:
    """The markers the anthology of the chapter ``anchor`` of book.md prints, and its
    articles' titles."""
    from zinekit.pipeline.build import BuildOptions, prepare_issue
    from zinekit.errors import Diagnostics
    from zinekit.project import open_project

    (folder / "reader.md").write_text(f"---\ntitle: A Reader\ninclude:\n  - book.md#{anchor}\n---\n",
                                      encoding="utf-8")
    project = open_project(folder / "reader.md", Diagnostics())
    prepared = prepare_issue(folder / "reader.md", project, BuildOptions())
    assert not prepared.diagnostics.errors, prepared.diagnostics.errors
    texts = [t.content for a in prepared.issue.articles for t in a.text.tokens if t.type == "inline"]
    markers = set(re.findall(r"(?:Para|Head|Note)\d+", " ".join(texts)))
    return markers, [a.title or "" for a in prepared.issue.articles]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heading_trees())
def test_a_chapter_is_exactly_its_headings_section(tree):
    levels, titled, front, setext, chosen = tree
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "book.md").write_text(book_of(levels, titled, front, setext), encoding="utf-8")
        anchor = "t0" if titled and chosen == 0 else f"h{chosen if titled else chosen + 1}"
        markers, titles = anthology_markers(Path(folder), anchor)
    number = anchor[1:]
    assert titles == ["The Book" if anchor == "t0" else f"Head{number}"]
    assert markers == expected_section(levels, titled, chosen)
