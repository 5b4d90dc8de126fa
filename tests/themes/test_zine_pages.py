"""The zine themes' pages as a designer proofs them, measured from the built PDFs
(pdfplumber, tests/themes/page_measures.py): on the examples, on the seeds as
``zinekit import`` gives them, and on texts made here with many slips, lists and notes.

- no runt page (a page of one or two lines);
- no page inside an article less than a third full, and no band of white across more
  than 30 % of such a page;
- note calls at least 65 % of the size of the text they are in;
- no short editor's slip cut across two columns or two pages;
- the numbers of a numbered list inside the text block.

Seed 000 is a zine article with long notes and editor's notes, seed 004 a post with
side notes.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLES
from tests.importer.helpers import seed
from tests.themes.page_measures import verdict
from zinekit.cli import main

THEMES = ("cutpaste", "photocopy", "minizine")
COLUMNS = {"cutpaste": 1, "photocopy": 2, "minizine": 1}
#: Each theme on the texts it is made for (a minizine holds a short text).
CASES = [(text, theme) for theme in ("cutpaste", "photocopy") for text in ("vol6", "vol7", "slips", "seed000")]
CASES += [("pocket", "minizine"), ("slips", "minizine"), ("vol6", "minizine")]
CASES += [("seed004", theme) for theme in THEMES]  # side notes (on an A7 page, at the foot)
FILLER = ("The copy shop opens at eight and the queue is already out of the door, mostly people "
          "with a single sheet each and a look of having decided something overnight. ")


def slips_text() -> str:
    """Paragraphs of many lengths between short slips (each opens on SlipNNa and closes
    on SlipNNz), a long editor's note, a numbered list of twelve, and notes."""
    parts = ["---\ntitle: Slips and Lists\nauthors: [the test desk]\n---\n"]
    for n in range(14):
        parts.append(FILLER * (2 + (n * 5) % 7) + (f"A counted remark.[^n{n}]" if n % 3 == 0 else ""))
        words = " ".join(["taped"] * (6 + (n * 7) % 30))
        parts.append(f"::: ed\nSlip{n:02d}a {words} Slip{n:02d}z\n:::")
        if n == 6:
            parts.append("\n".join(f"{i}. item {i} of the list, long enough to run to a second line "
                                   "in a narrow column of type" for i in range(1, 13)))
        if n == 9:
            parts.append("::: ed\n" + "A long word from the editors, set in the text face. " * 14 + "\n:::")
    notes = [f"[^n{n}]: " + ("A note of some length, as notes in zines run on. " * (1 + n // 3))
             for n in range(0, 14, 3)]
    return "\n\n".join(parts + notes) + "\n"


def _texts(root: Path) -> dict[str, Path]:
    (root / "slips.md").write_text(slips_text(), encoding="utf-8")
    texts = {"vol6": EXAMPLES / "ember-tide" / "vol6", "vol7": EXAMPLES / "ember-tide" / "vol7",
             "pocket": EXAMPLES / "pocket-library" / "pocket-library.md", "slips": root / "slips.md"}
    for prefix in ("000", "004"):
        source = seed(prefix)
        if source is not None:
            target = root / f"seed{prefix}.md"
            result = CliRunner().invoke(main, ["import", str(source), "-o", str(target), "--force"])
            assert result.exit_code == 0, result.output
            texts[f"seed{prefix}"] = target
    return texts


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every text in every zine theme: its reading PDF."""
    root = tmp_path_factory.mktemp("zines")
    pdfs = {}
    texts = _texts(root)
    for name, theme in CASES:
        if name in texts:
            source = texts[name]
            out = root / f"out-{name}-{theme}"
            result = CliRunner().invoke(main, ["build", str(source), "--theme", theme, "--format", "pdf",
                                               "--out", str(out)])
            assert result.exit_code == 0, result.output
            pdfs[name, theme] = next(out.rglob("*.pdf"))
    return pdfs


def _pdf(built, text: str, theme: str) -> Path:
    if (text, theme) not in built:
        pytest.skip(f"{text} is not on this machine (the shared seeds)")
    return built[text, theme]


#: A known fault, kept visible: seed 000's fifth note runs a whole page; in the photocopy
#: theme's one-column retry the line calling it is left above a third of a page of white
#: (the next line calls a note that no longer fits).  docs/proof.md, "What is left".
KNOWN = {("seed000", "photocopy"): "a page-long note leaves a band of white above it"}


@pytest.mark.slow
@pytest.mark.parametrize("text, theme", [
    pytest.param(*case, marks=pytest.mark.xfail(reason=KNOWN[case], strict=True)) if case in KNOWN
    else case for case in CASES])
def test_proof_numbers(built, text, theme):
    found = verdict(_pdf(built, text, theme))
    assert found.runts == [], f"runt pages: {found.runts}"
    assert found.near_empty == [], f"pages less than a third full: {found.near_empty}"
    assert found.bands == [], f"bands of white (page, share): {found.bands}"
    if found.smallest_call is not None:
        assert found.smallest_call >= 0.65, f"a note call at {found.smallest_call:.0%} of its text"


def _words(pdf: Path) -> list[list[dict]]:
    with pdfplumber.open(str(pdf)) as document:
        return [page.extract_words() for page in document.pages]


@pytest.mark.slow
@pytest.mark.parametrize("theme", THEMES)
def test_no_slip_is_cut(built, theme):
    """Each short slip's first and last words are on one page, in one column."""
    where: dict[str, tuple[int, int]] = {}
    with pdfplumber.open(str(_pdf(built, "slips", theme))) as document:
        for page in document.pages:
            words = page.extract_words()
            middle = float(page.width) / 2
            columns = COLUMNS[theme] == 2 and _has_two_columns(words, middle)
            for word in words:
                if re.fullmatch(r"Slip\d\d[az]", word["text"]):
                    where[word["text"]] = (page.page_number, int(columns and word["x0"] >= middle))
    assert len(where) == 28
    cut = [(n, where[f"Slip{n:02d}a"], where[f"Slip{n:02d}z"]) for n in range(14)
           if where[f"Slip{n:02d}a"] != where[f"Slip{n:02d}z"]]
    assert cut == [], f"slips cut in two (slip, (page, column) of its start and its end): {cut}"


def _has_two_columns(words: list[dict], middle: float) -> bool:
    """Whether lines start right of the middle: a word there with no word just before it
    on its line (a single column's words follow each other a space apart)."""
    return any(w["x0"] > middle - 10 and not any(abs(o["top"] - w["top"]) < 2 and 0 <= w["x0"] - o["x1"] < 12
                                                  for o in words if o is not w)
               for w in words)


@pytest.mark.slow
@pytest.mark.parametrize("theme", THEMES)
def test_list_numbers_stay_inside_the_text_block(built, theme):
    """A number of a numbered list starts at or right of the edge where the text's lines
    start (on pages of the same side: left and right pages have their own margins)."""
    pages = _words(_pdf(built, "slips", theme))
    edges: dict[int, list[int]] = {}
    for side in (0, 1):
        starts = Counter(round(w["x0"]) for words in pages[side::2] for w in words if w["text"][:1].isalpha())
        edges[side] = [x for x, count in starts.items() if count >= 12]
    numbers = 0
    for index, words in enumerate(pages):
        for word in words:
            if re.fullmatch(r"\d{1,2}\.", word["text"]):
                numbers += 1
                assert any(-1 <= word["x0"] - edge < 40 for edge in edges[index % 2]), \
                    f"{word['text']} at x={word['x0']:.1f}, the text starts at {sorted(edges[index % 2])}"
    assert numbers >= 12


@pytest.mark.slow
@pytest.mark.parametrize("text, theme", [("seed000", "cutpaste"), ("seed000", "photocopy"),
                                         ("vol6", "photocopy")])
def test_notes_run_at_most_about_75_characters_a_line(built, text, theme):
    """Lines in the notes' size (spaces counted): a long line of small type is hard to
    follow back to its start."""
    longest = 0
    with pdfplumber.open(str(_pdf(built, text, theme))) as document:
        for page in document.pages:
            lines = page.extract_text_lines()
            body = Counter(round(c["size"], 1) for line in lines for c in line["chars"]).most_common(1)
            for line in lines:
                size = Counter(round(c["size"], 1) for c in line["chars"]).most_common(1)[0][0]
                if body and size < 0.9 * body[0][0]:
                    longest = max(longest, len(line["text"]))
    assert 0 < longest <= 80
