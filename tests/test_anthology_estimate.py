"""The page estimate: its sample takes each kind of text (each source file, margin notes
apart), and it is within 10 % of the real page count for an anthology of chapters of a
book in one file, a text with margin notes and a whole article."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_anthology import WORDS


def paragraph(seed: int, words: int) -> str:
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(words)).capitalize() + "."


def book(chapters: int, paragraphs: int) -> str:
    """A book in one file: level-1 chapters with level-2 sections, notes at the end."""
    lines = ["---", "title: The Long Book", "---", "", paragraph(1, 60), ""]
    notes = []
    for c in range(1, chapters + 1):
        lines += [f"# Chapter {c}", ""]
        for p in range(paragraphs):
            if p % 6 == 0:
                lines += [f"## Section {c}.{p // 6 + 1}", ""]
            call = f"[^c{c}p{p}]" if p % 4 == 0 else ""
            if call:
                notes.append(f"[^c{c}p{p}]: {paragraph(c + p, 20)}")
            lines += [paragraph(c * 31 + p, 30 + (p * 17) % 90) + call, ""]
    return "\n".join(lines + notes) + "\n"


def article(title: str, paragraphs: int, notes: str) -> str:
    body = [paragraph(p * 5, 40 + (p * 11) % 60) + (f"[^{p}]" if p % 3 == 0 else "") for p in range(paragraphs)]
    defs = [f"[^{p}]: {paragraph(p, 16)}" for p in range(0, paragraphs, 3)]
    return f"---\ntitle: {title}\nnotes: {notes}\n---\n\n" + "\n\n".join(body + defs) + "\n"


def library(folder: Path) -> Path:
    (folder / "book.md").write_text(book(8, 24), encoding="utf-8")
    (folder / "margins.md").write_text(article("In the Margins", 40, "side"), encoding="utf-8")
    (folder / "plain.md").write_text(article("A Plain Article", 30, "foot"), encoding="utf-8")
    include = ["book.md#Chapter 2", "book.md#Section 4.3", "book.md#Chapter 5", "book.md#Chapter 7",
               "margins.md", "plain.md"]
    listing = "".join(f"  - {entry}\n" for entry in include)
    reader = folder / "reader.md"
    reader.write_text(f"---\ntitle: A Reader\nlicense: Anti-copyright\ninclude:\n{listing}---\n", encoding="utf-8")
    return reader


def estimate_and_real(reader: Path) -> tuple[int, int, int]:
    """(estimated pages, real pages, pages the sample took) for the anthology ``reader``."""
    from zinekit.pipeline.build import BuildOptions, prepare_issue
    from zinekit.errors import Diagnostics
    from zinekit.anthology.estimate import estimate_pages
    from zinekit.project import open_project
    from zinekit.render.pdf import render_pdf

    project = open_project(reader, Diagnostics())
    prepared = prepare_issue(reader, project, BuildOptions())
    assert not prepared.diagnostics.errors, prepared.diagnostics.errors
    estimate = estimate_pages(prepared)
    return estimate.pages, render_pdf(prepared, with_bytes=False).pages, estimate.sample_pages


def test_the_sample_takes_each_kind_of_text(tmp_path):
    from zinekit.pipeline.build import BuildOptions, prepare_issue
    from zinekit.errors import Diagnostics
    from zinekit.anthology.estimate import _kind, _sample, _spread, weight
    from zinekit.project import open_project

    assert sorted(_spread(11)) == list(range(11)) and _spread(11)[:4] == [0, 5, 10, 2]
    reader = library(tmp_path)
    prepared = prepare_issue(reader, open_project(reader, Diagnostics()), BuildOptions())
    articles = prepared.issue.articles
    kinds = [_kind(a, prepared) for a in articles]
    pieces = _sample(articles, [weight(a) for a in articles], kinds)
    assert {p.kind for p in pieces} == set(kinds)
    assert ("side" in {k[1] for k in kinds}) and len(set(kinds)) == 3


@pytest.mark.slow
def test_the_estimate_of_chapters_of_a_book_is_within_ten_percent(tmp_path):
    # in a process of its own, as test_anthology's estimate test (its peak memory)
    library(tmp_path)
    code = ("import sys; from pathlib import Path; from tests.test_anthology_estimate import estimate_and_real; "
            "print(*estimate_and_real(Path(sys.argv[1])))")
    run = subprocess.run([sys.executable, "-c", code, str(tmp_path / "reader.md")], cwd=REPO,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    estimate, real, sample = (int(n) for n in run.stdout.split())
    assert real >= 30
    assert abs(estimate - real) <= 0.1 * real, (estimate, real)
    assert sample < real
