"""The EPUB's pages are parsed by libxml2 when it reads them without a complaint, and by
the HTML5 parser otherwise; either way a page is the same tree.  Compared on every page
the EPUB renders for the examples and the long test texts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import tinyhtml5

import zinekit.render.epub as epub_package
from tests.render.long_texts import book, dense_notes, essay, report
from zinekit.render.epub import xhtml


def flat(root: ET.Element) -> list[tuple]:
    """Every element in order: tag, attributes, text and tail."""
    return [(el.tag, sorted(el.attrib.items()), el.text or "", el.tail or "")
            for el in root.iter() if isinstance(el.tag, str)]


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[str]:
    """The HTML of every page the EPUB of each text is made from."""
    from click.testing import CliRunner

    from tests.conftest import EXAMPLES
    from zinekit.cli import main

    folder = tmp_path_factory.mktemp("texts")
    for name, text in (("essay", essay()), ("report", report()), ("dense", dense_notes())):
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    for name, text in book().items():
        (folder / "book" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "book" / name).write_text(text, encoding="utf-8")
    seen: list[str] = []
    parse = epub_package.parse_page

    def keep(html: str) -> ET.Element:
        seen.append(html)
        return parse(html)

    epub_package.parse_page = keep
    try:
        targets = [EXAMPLES / "ember-tide", *(folder / f"{n}.md" for n in ("essay", "report", "dense")),
                   next(p.parent for p in (folder / "book").rglob("*.md"))]
        for target in targets:
            run = CliRunner().invoke(main, ["build", str(target), "--format", "epub", "-q",
                                            "--out", str(folder / "out")])
            assert run.exit_code == 0, run.output
    finally:
        epub_package.parse_page = parse
    return seen


def test_libxml2_reads_the_pages_as_the_html5_parser_does(pages):
    assert len(pages) > 20
    for html in pages:
        fast = xhtml._libxml2_tree(html)
        assert fast is not None  # the pages zinekit writes are read the fast way
        assert flat(fast) == flat(tinyhtml5.parse(html))


def test_a_page_with_svg_is_read_by_the_html5_parser():
    html = ('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
            '<svg viewBox="0 0 10 10"><rect width="10" height="10"/></svg></body></html>')
    assert xhtml._libxml2_tree(html) is None
    svg = xhtml.parse_page(html).find(f".//{{{xhtml.SVG}}}svg")
    assert svg is not None and svg.get("viewBox") == "0 0 10 10"


def test_a_page_too_deep_for_libxml2_keeps_its_text():
    html = ('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
            + "<div>" * 300 + "the innermost words" + "</div>" * 300 + "</body></html>")
    assert xhtml._libxml2_tree(html) is None  # libxml2 stops at 256 levels
    assert "the innermost words" in "".join(xhtml.parse_page(html).itertext())


def test_markup_libxml2_would_repair_goes_to_the_html5_parser():
    html = ('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
            '<p>one <b>two</p><p>three</b> four</p></body></html>')
    assert xhtml._libxml2_tree(html) is None
    tree = xhtml.parse_page(html)
    assert len(tree.findall(f".//{{{xhtml.XHTML}}}b")) == 2  # HTML5's way: bold in both
    assert "".join(tree.itertext()) == "tone twothree four"
