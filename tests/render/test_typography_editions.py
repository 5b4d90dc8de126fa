"""Typography, dates and list numbers as a reader sees them in every edition: the
reading PDF and the print edition read back with poppler, the EPUB's and the web
edition's text."""

from __future__ import annotations

import re
import textwrap
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import poppler_pages
from zinekit.cli import main

GERMAN = """\
---
title: "Die \\"Nachtschicht\\" schreibt kein Protokoll"
language: de
date: 2026-03-21
authors: [Anna O'Brien]
---

Sie sagte: "Wir nennen es 'die Runde'." Das war's -- und dann---nichts...

Die Regeln [sic] und [...] bleiben, `"wie getippt"`, auch https://example.org/a--b.

3. drittens
4. viertens
5. fünftens
"""


def build(root: Path, name: str, text: str, *formats: str) -> Path:
    (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(root / name), "--format", ",".join(formats)])
    assert result.exit_code == 0, result.output
    return root / "dist" / Path(name).stem


@pytest.fixture(scope="module")
def german(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("de"), "nacht.md", GERMAN,
                 "pdf", "booklet", "epub", "html")


def body_text(pages: list[str]) -> str:
    """The pages' text; in print "..." and "…" are one glyph (the face's ligature), so
    poppler reads both as whichever it met first: compare them as "...".  Hyphenated
    words are rejoined, and an address the line end broke after its ``://`` (print
    breaks addresses without a hyphen, see themes/base/css/base-print.css)."""
    text = re.sub("\u2010 ", "", " ".join(pages)).replace("…", "...")
    return text.replace(":// ", "://")


EXPECTED = ("„Wir nennen es ‚die Runde‘.“ Das war’s – und dann—nichts…",
            "Die Regeln [sic] und [...] bleiben,", '"wie getippt"', "https://example.org/a--b")


@pytest.mark.slow
def test_reading_pdf(german: Path):
    pages = poppler_pages(german / "nacht.pdf")
    assert "Die „Nachtschicht“ schreibt kein Protokoll" in pages[0]
    assert re.search(r"2 ?1\. März 2026", pages[0])
    assert "Anna O’Brien" in pages[0]
    for expected in EXPECTED:
        assert expected.replace("…", "...") in body_text(pages), expected
    assert "3. drittens 4. viertens 5. fünftens" in body_text(pages)


@pytest.mark.slow
def test_print_edition(german: Path):
    sheets = poppler_pages(next(german.glob("nacht-booklet-*.pdf")))
    text = body_text(sheets)
    for expected in ("„Wir nennen es ‚die Runde‘.“", "3. drittens 4. viertens 5. fünftens"):
        assert expected in text, expected


@pytest.mark.slow
def test_epub_and_web_edition(german: Path):
    book = zipfile.ZipFile(german / "nacht.epub")
    chapters = " ".join(re.sub(r"<[^>]+>", " ", book.read(n).decode("utf-8"))
                        for n in book.namelist() if n.endswith(".xhtml"))
    web = re.sub(r"<[^>]+>", " ", (german / "index.html").read_text(encoding="utf-8"))
    for text in (chapters, web):
        text = " ".join(text.replace("&quot;", '"').split())
        assert "Die „Nachtschicht“ schreibt kein Protokoll" in text
        assert "21. März 2026" in text
        for expected in EXPECTED:
            assert expected in text, expected
        assert '<ol start="3"' not in text  # the screen editions count from start themselves


@pytest.mark.slow
def test_typography_off_prints_what_was_typed(tmp_path):
    plain = GERMAN.replace("language: de", "language: de\ntypography: false")
    out = build(tmp_path, "plain.md", plain, "pdf")
    text = body_text(poppler_pages(out / "plain.pdf"))
    assert "Sie sagte: \"Wir nennen es 'die Runde'.\" Das war's -- und dann---nichts..." in text
    assert "3. drittens" in text


def test_lists_keep_their_start_in_print_only():
    from zinekit.markup import RenderContext, parse_markdown, render_html

    parsed = parse_markdown("3. three\n4. four\n", "t.md")
    printed, _ = render_html(parsed, RenderContext(mode="print", article_anchor="a"))
    screen, _ = render_html(parsed, RenderContext(mode="screen", article_anchor="a"))
    assert '<ol start="3" style="counter-reset: list-item 2">' in printed
    assert '<ol start="3">' in screen

