"""A build lays the issue out once: the booklet imposes the reading PDF's own pages when
the print edition's text is the same, and an EPUB alone takes the printed page numbers
from the last layout's record instead of laying the issue out."""

from __future__ import annotations

import re
import zipfile

import pytest
import weasyprint

from tests.conftest import poppler_pages

ISSUE = """\
---
title: Night Buses
license: Anti-copyright
---

## The last run {#last-run}

The depot closes at one and the drivers walk home together.[^1] {link}

## The first run

Nobody waits at the first stop but the driver stops anyway.[^2]

[^1]: Except on Sundays.
[^2]: It is written in the rota.
"""


@pytest.fixture
def layouts(monkeypatch) -> list[int]:
    """The page count of every WeasyPrint layout made while the test runs."""
    made: list[int] = []
    render = weasyprint.HTML.render

    def counting(self, *args, **kwargs):
        document = render(self, *args, **kwargs)
        made.append(len(document.pages))
        return document

    monkeypatch.setattr(weasyprint.HTML, "render", counting)
    return made


def project(make_project, link: str = ""):
    return make_project({"night.md": ISSUE.replace("{link}", link)})


def booklet_text(root) -> str:
    return " ".join(poppler_pages(next((root / "dist" / "night").glob("night-booklet-*.pdf"))))


def test_the_default_formats_lay_the_issue_out_once(cli, make_project, layouts):
    root = project(make_project)
    run = cli("build", "night.md", cwd=root)
    assert run.exit_code == 0, run.stderr
    assert len(layouts) == 1
    reading = poppler_pages(root / "dist" / "night" / "night.pdf")
    booklet = booklet_text(root)
    for page in reading:  # every page of the reading PDF is on the booklet's sheets
        assert page.split(" ", 3)[-1][:30] in booklet
    assert (root / "dist" / "night" / "night.epub").is_file()


def test_a_print_edition_that_prints_addresses_is_laid_out_on_its_own(cli, make_project,
                                                                       layouts):
    root = project(make_project, "See [the timetable](https://example.org/times).")
    run = cli("build", "night.md", cwd=root)
    assert run.exit_code == 0, run.stderr
    assert len(layouts) == 2
    assert "(https://example.org/times)" in booklet_text(root)
    reading = " ".join(poppler_pages(root / "dist" / "night" / "night.pdf"))
    assert "See the timetable." in reading and "example.org" not in reading


def page_list(epub) -> list[str]:
    nav = zipfile.ZipFile(epub).read("EPUB/text/nav.xhtml").decode("utf-8")
    found = re.search(r'<nav[^>]*epub:type="page-list".*?</nav>', nav, re.S)
    return re.findall(r">(\d+)</a>", found.group(0)) if found else []


def test_an_epub_alone_uses_the_last_layouts_page_numbers(cli, make_project, layouts):
    root = project(make_project)
    assert cli("build", "night.md", "--format", "pdf,epub", cwd=root).exit_code == 0
    epub = root / "dist" / "night" / "night.epub"
    with_layout = page_list(epub)
    assert with_layout and len(layouts) == 1
    epub.unlink()
    run = cli("build", "night.md", "--format", "epub", cwd=root)
    assert run.exit_code == 0, run.stderr
    assert len(layouts) == 1  # no layout for the EPUB alone
    assert page_list(epub) == with_layout
    assert "left out" not in run.stderr


def test_an_epub_alone_with_no_layout_recorded_goes_without_page_numbers(cli, make_project,
                                                                       layouts):
    root = project(make_project)
    assert cli("build", "night.md", "--format", "pdf", cwd=root).exit_code == 0
    (root / "night.md").write_text(ISSUE.replace("{link}", "Now with a change."))
    run = cli("build", "night.md", "--format", "epub", cwd=root)
    assert run.exit_code == 0, run.stderr
    assert len(layouts) == 1  # the PDF's, before the text changed
    assert ("night: the printed page numbers (the EPUB's page list, the pages other issues "
            "cite) are left out: no layout of this text is recorded; build its reading PDF "
            "once to have them") in run.stderr
    assert page_list(root / "dist" / "night" / "night.epub") == []


def test_the_pages_of_the_reading_pdf_are_read_without_its_structure_tree(
        cli, make_project, monkeypatch):
    """The booklet opens the reading PDF it imposes; its pages, their fonts, images and
    links lie outside the object stream that holds the (large) structure tree, so
    imposing it never parses that stream."""
    import pypdf
    from PIL import Image

    from zinekit.impose.engine import impose_pdf

    links = "See [the timetable](https://example.org/times) or [below](#last-run)."
    root = project(make_project, links + "\n\n![A bus](bus.png)\n\n![A map](map.svg)")
    Image.new("RGB", (40, 30), (200, 30, 30)).save(root / "bus.png")
    (root / "map.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" '
                                  'height="30"><rect width="40" height="30" fill="blue" '
                                  'opacity="0.5"/><text x="2" y="20">Map</text></svg>')
    assert cli("build", "night.md", "--format", "pdf", cwd=root).exit_code == 0
    pdf = root / "dist" / "night" / "night.pdf"
    reader = pypdf.PdfReader(pdf)
    in_stream = set(reader.xref_objStm)
    assert reader.trailer["/Root"].raw_get("/StructTreeRoot").idnum in in_stream
    assert reader.trailer["/Root"].raw_get("/Names").idnum in in_stream
    assert any("/XObject" in page["/Resources"] for page in reader.pages)
    assert any("/Annots" in page for page in reader.pages)

    parsed: list[int] = []
    read_from_stream = pypdf.PdfReader._get_object_from_stream

    def spy(self, reference):
        parsed.append(reference.idnum)
        return read_from_stream(self, reference)

    monkeypatch.setattr(pypdf.PdfReader, "_get_object_from_stream", spy)
    report = impose_pdf(pdf.read_bytes(), root / "booklet.pdf")
    assert report.sheets and parsed == []
    assert "The depot closes at one" in " ".join(poppler_pages(root / "booklet.pdf"))


def test_a_layout_is_called_with_room_on_the_data_stack():
    """The layout's calls get a piece of Python's data stack of their own (see
    ``reachins.with_stack_room``): what it returns and raises comes through unchanged, and a
    recursion as deep as the interpreter allows still runs inside it."""
    import sys

    from zinekit import reachins

    assert reachins.with_stack_room(lambda a, b: a + b, 2, 3) == 5
    with pytest.raises(ZeroDivisionError):
        reachins.with_stack_room(lambda: 1 / 0)

    def down(n: int) -> int:
        return 0 if n == 0 else 1 + down(n - 1)

    assert reachins.with_stack_room(down, sys.getrecursionlimit() - 50) == sys.getrecursionlimit() - 50
    if sys.version_info < (3, 14):
        assert reachins._roomy.__code__.co_stacksize == reachins.STACK_ROOM_SLOTS
