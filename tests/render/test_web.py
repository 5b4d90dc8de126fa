"""The web edition (``--format html``) and the series' download page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from pypdf import PdfReader, PdfWriter

from zinekit.render.download_page import human_size
from zinekit.render.web import font_faces, inject, is_local_reference
from zinekit.themes_loader import load_theme

ISSUE = """\
---
title: Notes from the Laundrette
series: Spin Cycle
volume: 2
season: Summer 2026
---

The dryers run all night.[^1] See [the first rinse](#first-rinse).

![The folding table](images/table.svg)

![The sign by the door](../shared/sign.svg)

## First rinse {#first-rinse}

Soap, mostly.[^2]

[^1]: And so does the talk.
[^2]: ed. We counted the boxes.
"""

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
       '<rect width="40" height="20" fill="#888"/></svg>')


class References(HTMLParser):
    """Every src/href and every id of a document."""

    def __init__(self) -> None:
        super().__init__()
        self.references: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.references.append((tag, value))
            if name == "id" and value:
                self.ids.add(value)


def references_of(html: str) -> References:
    parser = References()
    parser.feed(html)
    return parser


def assert_self_contained(folder: Path) -> None:
    """Every local src/href of index.html, and every url() of its CSS, is inside folder."""
    html = (folder / "index.html").read_text(encoding="utf-8")
    found = references_of(html)
    for tag, value in found.references:
        if value.startswith("#"):
            assert value[1:] in found.ids, f"broken anchor {value}"
            continue
        assert is_local_reference(value), f"not a local reference: <{tag}> {value}"
        target = (folder / unquote(urlsplit(value).path)).resolve()
        assert target.is_relative_to(folder.resolve()) and target.is_file(), value
    for css in folder.rglob("*.css"):
        for url in re.findall(r"""url\(\s*['"]?([^'")]+)""", css.read_text(encoding="utf-8")):
            target = (css.parent / unquote(url)).resolve()
            assert target.is_relative_to(folder.resolve()) and target.is_file(), (css, url)


@pytest.fixture
def web_edition(cli, make_project) -> Path:
    root = make_project({
        "zinekit.toml": '[series]\nname = "Spin Cycle"\n\n'
                        '[[issues]]\nvolume = 2\nsource = "vol2"\n',
        "vol2/issue.md": ISSUE,
        "vol2/images/table.svg": SVG,
        "shared/sign.svg": SVG.replace("#888", "#c33"),
    })
    run = cli("build", "vol2/issue.md", "--format", "html", "--out", "site", cwd=root)
    assert run.exit_code == 0, run.output
    return root / "site" / "spin-cycle-vol-2"


def test_web_edition_is_self_contained(web_edition: Path):
    assert_self_contained(web_edition)
    names = {p.relative_to(web_edition).as_posix() for p in web_edition.rglob("*") if p.is_file()}
    assert {"index.html", "assets/css/web.css", "assets/css/base-screen.css",
            "assets/css/pamphlet-screen.css", "assets/css/fonts.css",
            "assets/files/images/table.svg", "assets/project/shared/sign.svg"} <= names


def test_web_edition_copies_fonts_with_their_licence(web_edition: Path):
    fonts = web_edition / "assets" / "fonts"
    assert (fonts / "LinLibertine-Regular.otf").is_file()
    assert (fonts / "LICENSE-LinuxLibertine.txt").is_file()
    css = (web_edition / "assets" / "css" / "fonts.css").read_text(encoding="utf-8")
    assert '@font-face' in css and 'url("../fonts/LinLibertine-Regular.otf")' in css


def test_web_edition_has_working_notes_and_links(web_edition: Path):
    html = (web_edition / "index.html").read_text(encoding="utf-8")
    found = references_of(html)
    calls = [v for t, v in found.references if v.startswith("#fn-")]
    assert len(calls) == 2 and all(c[1:] in found.ids for c in calls)
    backlinks = [v for t, v in found.references if v.startswith("#ref-fn-")]
    assert len(backlinks) == 2 and all(b[1:] in found.ids for b in backlinks)
    assert 'href="#first-rinse"' in html
    assert "ed-footnote" in html  # the editor's footnote is marked
    assert "<script>" in html and "zk-margin-notes" in html  # notes beside their call
    assert str(web_edition.parent.parent) not in html  # no path of the build machine


def test_files_outside_the_project_are_left_out(cli, make_project, tmp_path):
    root = make_project({"zine/notes.md": "---\ntitle: Outside\n---\n\n![x](../../secret.svg)\n"})
    (tmp_path.parent / "secret.svg").write_text(SVG, encoding="utf-8")
    try:
        run = cli("build", "zine/notes.md", "--format", "html", cwd=root)
    finally:
        (tmp_path.parent / "secret.svg").unlink()
    folder = root / "zine" / "dist" / "notes"
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "secret.svg" not in html
    assert not list(folder.rglob("secret.svg"))
    assert_self_contained(folder)
    assert "not a file inside the project" in run.output


def test_fonts_without_a_free_licence_are_not_published(tmp_path: Path):
    theme = tmp_path / "shop-theme"
    (theme / "css").mkdir(parents=True)
    (theme / "fonts").mkdir()
    (theme / "theme.toml").write_text('name = "shop"\nextends = "base"\n'
                                      '[stylesheets]\nprint = ["shop.css"]\n', encoding="utf-8")
    (theme / "css" / "shop.css").write_text(
        '@font-face { font-family: "Shop Sans"; src: url("../fonts/ShopSans.otf"); }\n'
        '@font-face { font-family: "Free Serif"; src: url("../fonts/FreeSerif.otf"); }\n',
        encoding="utf-8")
    (theme / "fonts" / "ShopSans.otf").write_bytes(b"font")
    (theme / "fonts" / "FreeSerif.otf").write_bytes(b"font")
    (theme / "fonts" / "LICENSE-ShopSans.txt").write_text("All rights reserved.", encoding="utf-8")
    (theme / "fonts" / "LICENSE-FreeSerif.txt").write_text(
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.",
        encoding="utf-8")
    faces = font_faces(load_theme("shop-theme", tmp_path))
    assert [list(f.files) for f in faces] == [["../fonts/FreeSerif.otf"]]


def test_inject_places_fragments():
    page = "<html><head><title>x</title></head><body class='a'><p>text</p></body></html>"
    out = inject(page, head="<link>", body_start="<div id=bar>", body_end="<script></script>")
    assert out == ("<html><head><title>x</title><link></head><body class='a'><div id=bar>"
                   "<p>text</p><script></script></body></html>")


@pytest.mark.parametrize("size, shown", [(0, "0 bytes"), (999, "999 bytes"), (1000, "1 kB"),
                                         (88_213, "88 kB"), (999_499, "999 kB"),
                                         (1_234_567, "1.2 MB"), (25_000_000, "25.0 MB")])
def test_human_size(size: int, shown: str):
    assert human_size(size) == shown


# --- the download page --------------------------------------------------------------------

SERIES = {
    "zinekit.toml": """\
        [series]
        name = "Spin Cycle"
        url = "https://example.org/spin/"

        [[issues]]
        volume = 1
        title = "The First Rinse"
        pdf = "back/vol1.pdf"
        url = "https://example.org/spin/vol1.pdf"

        [[issues]]
        volume = 2
        source = "vol2"

        [[issues]]
        volume = 3
        source = "vol3.md"
        """,
    "vol2/issue.md": """\
        ---
        title: Soap and Solidarity
        series: Spin Cycle
        volume: 2
        season: Spring 2026
        articles: [a.md, b.md]
        ---
        """,
    "vol2/a.md": "---\ntitle: The Change Machine\n---\n\nIt eats coins.\n",
    "vol2/b.md": "---\ntitle: Lost Socks\n---\n\nA census.\n",
    "vol3.md": "---\ntitle: Spin Dry\nseries: Spin Cycle\nvolume: 3\nseason: Summer 2026\n---\n\n"
               "Hot air.\n",
}


def download_links(page: str) -> dict[str, str]:
    """href → the text of its list item (label, pages, size)."""
    items = re.findall(r'<li class="zk-file-\w+"><a href="([^"]+)"[^>]*>(.*?)</a>\s*'
                       r'<span class="zk-meta">(.*?)</span>', page, re.S)
    return {href: f"{label} {meta}" for href, label, meta in items}


@pytest.fixture
def series(make_project) -> Path:
    from pypdf import PdfWriter

    root = make_project(SERIES)
    (root / "back").mkdir()
    writer = PdfWriter()
    writer.add_blank_page(width=420, height=595)
    writer.write(str(root / "back" / "vol1.pdf"))
    return root


def test_page_counts_read_back_and_a_damaged_pdf_has_none(tmp_path: Path):
    from zinekit.render.download_page import pdf_page_count

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=420, height=595)
    writer.write(str(tmp_path / "three.pdf"))
    assert pdf_page_count(tmp_path / "three.pdf") == 3
    (tmp_path / "torn.pdf").write_bytes((tmp_path / "three.pdf").read_bytes()[:200])
    assert pdf_page_count(tmp_path / "torn.pdf") is None
    assert pdf_page_count(tmp_path / "absent.pdf") is None


@pytest.mark.slow
def test_download_page_lists_what_exists(cli, series: Path):
    run = cli("build", "--format", "pdf,html", cwd=series)
    assert run.exit_code == 0, run.output
    dist = series / "dist"
    page = (dist / "index.html").read_text(encoding="utf-8")
    links = download_links(page)
    assert set(links) == {"spin-cycle-vol-2/spin-cycle-vol-2.pdf", "spin-cycle-vol-2/index.html",
                          "spin-cycle-vol-3/spin-cycle-vol-3.pdf", "spin-cycle-vol-3/index.html"}
    for href, text in links.items():
        target = dist / unquote(href)
        assert target.is_file()
        assert human_size(target.stat().st_size) in text
        if target.suffix == ".pdf":
            pages = len(PdfReader(str(target)).pages)
            assert f"{pages} page{'s' if pages != 1 else ''}," in text
    # newest first, with season, contents and covers
    assert page.index("Spin Dry") < page.index("Soap and Solidarity")
    assert "Spring 2026" in page and "The Change Machine" in page and "Lost Socks" in page
    for slug in ("spin-cycle-vol-2", "spin-cycle-vol-3"):
        cover = dist / slug / f"{slug}-cover.png"
        assert cover.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f'src="{slug}/{slug}-cover.png"' in page
    assert 'href="https://example.org/spin/vol1.pdf"' in page  # the back issue
    # the one script is the library's search box, a file of dist/ (docs/library.md)
    assert set(re.findall(r"<script[^>]*>", page)) <= {'<script src="library-search.js" defer>'}
    assert not re.search(r"(src|href)=\"(https?:)?//(?!example\.org)", page)

    # only what this build made is offered: not the PDFs an earlier build left, nor a
    # file that merely lies in the folder
    (dist / "spin-cycle-vol-2" / "spin-cycle-vol-2.epub").write_bytes(b"PK" + b"\0" * 2498)
    run = cli("build", "--format", "html", cwd=series)
    assert run.exit_code == 0, run.output
    links = download_links((dist / "index.html").read_text(encoding="utf-8"))
    assert set(links) == {"spin-cycle-vol-2/index.html", "spin-cycle-vol-3/index.html"}


def test_one_issue_build_writes_no_download_page(cli, series: Path):
    run = cli("build", "vol3.md", "--format", "html", cwd=series)
    assert run.exit_code == 0, run.output
    assert (series / "dist" / "spin-cycle-vol-3" / "index.html").is_file()
    assert not (series / "dist" / "index.html").exists()


@pytest.mark.slow
def test_covers_are_drawn_where_each_issue_is_rendered(cli, series: Path, monkeypatch):
    """The download page shows each cover its issue's build drew (on the worker that
    rendered it: the EPUB's cover design, zinekit/library/thumbnails.py) instead of
    drawing them all at the end, in one process."""
    import zinekit.library
    from zinekit.render import download_page

    drawn: list[object] = []
    draw = download_page.cover_thumbnail

    def spy(source, *args, **kwargs):
        drawn.append(source)
        return None

    monkeypatch.setattr(zinekit.library, "cover_thumbnail", spy)
    monkeypatch.setattr(zinekit.library, "epub_cover_thumbnail", spy)
    run = cli("build", "--format", "pdf", "--jobs", "2", cwd=series)
    assert run.exit_code == 0, run.output
    assert drawn == []  # none drawn afterwards from a file
    for slug in ("spin-cycle-vol-2", "spin-cycle-vol-3"):
        folder = series / "dist" / slug
        cover = (folder / f"{slug}-cover.png").read_bytes()
        assert cover[:8] == b"\x89PNG\r\n\x1a\n"
        assert cover != draw(folder / f"{slug}.pdf")  # the cover design, not the title page


def test_the_download_page_adds_no_numbers_to_titles_that_carry_their_own():
    from zinekit.render.download_page import Entry

    def entry(*titles: str) -> Entry:
        return Entry(title="T", line="", season="", description="", contents=list(titles))

    assert entry("1. INTRODUCTION", "2. STALINISM", "FURTHER READING").numbers_its_contents
    assert entry("IV. The Commons", "V. Transitions").numbers_its_contents
    assert not entry("The Fast and The Slow", "Demand 5: networks", "1984 and after").numbers_its_contents
