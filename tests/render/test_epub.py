"""The EPUB edition, opened as a reading system and epubcheck would: package, pages, links."""

from __future__ import annotations

import io
import re
import shutil
import struct
import textwrap
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from tests import validators
from tests.conftest import EXAMPLES
from zinekit.cli import main

SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
XHTML = "{http://www.w3.org/1999/xhtml}"
OPS = "{http://www.idpf.org/2007/ops}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"


def tiny_png() -> bytes:
    """A 2×2 red PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = zlib.compress(b"\x00\xff\x00\x00\xff\x00\x00" * 2)
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


MINI = {
    "mini/issue.md": """
        ---
        title: Mini Issue
        series: Test Sheet
        volume: 2
        editors: [Ed One]
        date: 2026-03-01
        license: CC BY-SA 4.0
        description: Two short texts to test the EPUB.
        articles: [one.md, two.md]
        ---
        """,
    "mini/one.md": """
        ---
        title: First Things
        authors: [Ann Author]
        ---

        ## Opening {#opening}

        A claim[^a] and a remark.[^b] [ed. – an aside by the editors.] See [the site](https://example.org/mini).

        ![a red square](img/red.png)

        ::: pullquote
        A claim, repeated large.
        :::

        [^a]: The author's note.
        [^b]: ed. – The editors' note.
        """,
    "mini/two.md": """
        ---
        title: Second Things
        authors: [Bo Writer]
        ---

        As the first text says [see #opening], things come first.

        ::: ed
        A block note from the editors.
        :::
        """,
    "book.md": """
        ---
        title: A Book in One File
        authors: [Di Author]
        ---

        Before the first chapter.

        # The First Chapter

        A note.[^n] And a section:

        ## A Section

        Text.

        # The Second Chapter

        The same note again.[^n]

        [^n]: Defined once, at the end.
        """,
    "single.md": """
        ---
        title: One Sheet
        authors: [Cy Solo]
        cover: img/red.png
        ---

        Just one text, with a note.[^n]

        ## Then

        And a heading.

        [^n]: A note.
        """,
}


def write_project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    for folder in ("mini/img", "img"):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "red.png").write_bytes(tiny_png())
    return root


def build(target: Path, out: Path, *extra: str) -> tuple[int, str]:
    """The EPUB, with the reading PDF its printed page numbers come from."""
    result = CliRunner().invoke(main, ["build", str(target), "--out", str(out), "--format",
                                       "pdf,epub", *extra])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output + getattr(result, "stderr", "")


def only_epub(out: Path) -> Path:
    found = sorted(out.rglob("*.epub"))
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def epubs(tmp_path_factory) -> dict[str, Path]:
    """Every EPUB the tests read, built once, with a fixed SOURCE_DATE_EPOCH."""
    projects = write_project(tmp_path_factory.mktemp("projects"), MINI)
    targets = {
        "vol6": (EXAMPLES / "ember-tide" / "vol6", ()),
        "vol7": (EXAMPLES / "ember-tide" / "vol7", ()),
        "vol6-cutpaste": (EXAMPLES / "ember-tide" / "vol6", ("--theme", "cutpaste")),
        "mini": (projects / "mini", ()),
        "single": (projects / "single.md", ()),
        "book": (projects / "book.md", ()),
    }
    built = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        for name, (target, extra) in targets.items():
            out = tmp_path_factory.mktemp(name)
            code, output = build(target, out, *extra)
            assert code == 0, output
            built[name] = only_epub(out)
    return built


class Book:
    """An EPUB opened: its files, package document and parsed pages."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)
        self.opf = ET.fromstring(self.zip.read("EPUB/package.opf"))

    def pages(self) -> dict[str, ET.Element]:
        return {name.removeprefix("EPUB/"): ET.fromstring(self.zip.read(name))
                for name in self.zip.namelist() if name.endswith(".xhtml")}

    def page(self, name: str) -> ET.Element:
        return ET.fromstring(self.zip.read(f"EPUB/{name}"))

    def meta(self, prop: str) -> list[str]:
        return [m.text or "" for m in self.opf.iter(f"{OPF}meta") if m.get("property") == prop]

    def dc(self, name: str) -> list[str]:
        return [el.text or "" for el in self.opf.iter(f"{DC}{name}")]

    def manifest(self) -> dict[str, ET.Element]:
        return {item.get("href", ""): item for item in self.opf.iter(f"{OPF}item")}


@pytest.fixture(scope="module")
def books(epubs) -> dict[str, Book]:
    return {name: Book(path) for name, path in epubs.items()}


# --- epubcheck --------------------------------------------------------------------

@pytest.fixture(scope="module")
def epubcheck_reports(epubs, tmp_path_factory) -> dict[str, dict]:
    """epubcheck's JSON report for every EPUB."""
    return validators.epubcheck_reports(epubs, tmp_path_factory.mktemp("epubcheck"))


@pytest.mark.parametrize("name", ["vol6", "vol7", "vol6-cutpaste", "mini", "single", "book"])
def test_epubcheck_finds_no_errors_or_warnings(epubcheck_reports, name):
    assert validators.epubcheck_problems(epubcheck_reports[name]) == []


# --- the container ----------------------------------------------------------------

def test_output_path_and_mimetype_first_and_stored(epubs):
    assert epubs["vol7"].name == "ember-tide-vol-7.epub"
    assert epubs["vol7"].parent.name == "ember-tide-vol-7"
    first = zipfile.ZipFile(epubs["vol7"]).infolist()[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED and first.extra == b""
    assert epubs["vol7"].read_bytes()[30:58] == b"mimetypeapplication/epub+zip"


def test_same_input_same_bytes(epubs, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    projects = write_project(tmp_path / "again", MINI)
    code, output = build(projects / "mini", tmp_path / "out")
    assert code == 0, output
    assert only_epub(tmp_path / "out").read_bytes() == epubs["mini"].read_bytes()
    stamps = {info.date_time for info in zipfile.ZipFile(epubs["mini"]).infolist()}
    assert stamps == {(2026, 1, 1, 0, 0, 0)}


def test_fonts_deflated_once_make_the_same_zip_as_zipfile():
    """A font's deflated bytes are reused from one EPUB to the next; the zip is the one
    ``writestr`` makes, and it reads back whole."""
    from zinekit.render.epub import package

    font = (EXAMPLES.parent / "themes" / "pamphlet" / "fonts" / "LinLibertine-Regular.otf").read_bytes()
    files = [("EPUB/fonts/a.otf", font), ("EPUB/page.xhtml", b"<html/>" * 50)]
    package._deflated.cache_clear()
    first, again = package.zip_epub(files), package.zip_epub(files)
    assert package._deflated.cache_info().hits == 1
    reference = io.BytesIO()
    with zipfile.ZipFile(reference, "w") as archive:
        for name, data in [("mimetype", b"application/epub+zip"), *files]:
            method, level = package._compression(name)
            info = zipfile.ZipInfo(name, date_time=package.zip_time())
            info.compress_type, info.create_system, info.external_attr = method, 3, 0o644 << 16
            archive.writestr(info, data, compress_type=method, compresslevel=level)
    assert first == again == reference.getvalue()
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.testzip() is None
        assert archive.read("EPUB/fonts/a.otf") == font
        assert archive.getinfo("EPUB/fonts/a.otf").compress_size < len(font)


def test_every_page_is_well_formed_xhtml(books):
    for book in books.values():
        for name, root in book.pages().items():  # ET.fromstring refuses HTML-only entities
            assert root.tag == f"{XHTML}html", name
            assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en", name
            assert root.find(f"{XHTML}head/{XHTML}title").text, name


def test_one_page_per_article(books):
    spine = [book_item.get("idref") for book_item in books["vol7"].opf.iter(f"{OPF}itemref")]
    assert spine == ["item-text-cover-xhtml", "item-text-title-xhtml", "item-text-nav-xhtml",
                     "item-text-intro-xhtml", "item-text-article-01-xhtml",
                     "item-text-article-02-xhtml", "item-text-article-03-xhtml",
                     "item-text-colophon-xhtml"]
    titles = [text(books["vol7"].page(f"text/article-0{n}.xhtml").find(f".//{XHTML}h1"))
              for n in (1, 2, 3)]
    assert titles == ["The Seed Library in the Porch", "Mrs Adeyemi’s Key Box", "Letters"]


def test_a_book_in_one_file_has_a_page_per_chapter(books):
    book = books["book"]
    spine = [item.get("idref") for item in book.opf.iter(f"{OPF}itemref")]
    assert spine[3:6] == ["item-text-intro-xhtml", "item-text-chapter-01-xhtml",
                          "item-text-chapter-02-xhtml"]
    for n, title in ((1, "The First Chapter"), (2, "The Second Chapter")):
        page = book.page(f"text/chapter-0{n}.xhtml")
        assert text(page.find(f".//{XHTML}h1")) == title
        notes = [el for el in page.iter(f"{XHTML}aside") if "footnote" in el.get("class", "")]
        assert [text(el) for el in notes] == ["1. Defined once, at the end. ↩"]
    section = book.page("text/chapter-01.xhtml").find(f".//{XHTML}h2")
    assert text(section) == "A Section"  # written ##, printed as a section of the chapter


def text(el: ET.Element | None) -> str:
    assert el is not None
    return " ".join("".join(el.itertext()).split())


def by_id(root: ET.Element) -> dict[str, ET.Element]:
    return {el.get("id"): el for el in root.iter() if el.get("id")}


# --- notes, editor's notes, pull quotes ------------------------------------------------

def test_footnote_calls_pair_with_footnotes_that_link_back(books):
    pairs = 0
    for book in books.values():
        for name, root in book.pages().items():
            ids = by_id(root)
            for call in root.iter(f"{XHTML}a"):
                if call.get(f"{OPS}type") != "noteref":
                    continue
                note = ids[call.get("href", "#")[1:]]
                assert note.tag == f"{XHTML}aside" and note.get(f"{OPS}type") == "footnote", name
                assert note.get("role") == "doc-footnote"
                back = next(a for a in note.iter(f"{XHTML}a") if a.get("role") == "doc-backlink")
                if call.get("id"):
                    assert back.get("href") == f"#{call.get('id')}"
                pairs += 1
    assert pairs >= 10


def test_no_deprecated_endnote_roles(books):
    for book in books.values():
        for name, root in book.pages().items():
            roles = {el.get("role") for el in root.iter()} | {el.get(f"{OPS}type") for el in root.iter()}
            assert not roles & {"doc-endnote", "doc-endnotes", "endnote", "rearnote"}, name


def test_editors_notes_keep_their_classes(books):
    one = books["mini"].page("text/article-01.xhtml")
    two = books["mini"].page("text/article-02.xhtml")
    inline = [el for el in one.iter(f"{XHTML}span") if el.get("class") == "ed-note"]
    assert [text(el) for el in inline] == ["[ed. – an aside by the editors.]"]
    assert inline[0].get("role") == "note"
    blocks = [el for el in two.iter(f"{XHTML}aside") if el.get("class") == "ed-note ed-block"]
    assert len(blocks) == 1 and "A block note from the editors." in text(blocks[0])
    notes = {el.get("id"): el.get("class") for el in one.iter(f"{XHTML}aside")
             if el.get(f"{OPS}type") == "footnote"}
    assert notes == {"fn-first-things-1": "footnote", "fn-first-things-2": "footnote ed-footnote"}
    calls = [a.get("class") for a in one.iter(f"{XHTML}a") if a.get(f"{OPS}type") == "noteref"]
    assert calls == ["noteref", "noteref ed-footnote"]


def test_pull_quotes_are_hidden_from_assistive_technology(books):
    page = books["mini"].page("text/article-01.xhtml")
    quote = next(el for el in page.iter(f"{XHTML}aside") if "pullquote" in el.get("class", ""))
    assert quote.get("aria-hidden") == "true"
    assert quote.get(f"{OPS}type") == "pullquote"


# --- links -------------------------------------------------------------------------

def test_every_internal_link_reaches_an_existing_id(books):
    for book in books.values():
        pages = book.pages()
        for name, root in pages.items():
            folder = name.rsplit("/", 1)[0]
            for a in root.iter(f"{XHTML}a"):
                href = a.get("href")
                if href is None or href.startswith(("http:", "https:", "mailto:")):
                    continue
                file, _, fragment = href.partition("#")
                target = name if not file else _join(folder, file)
                assert target in pages, (book.path.name, name, href)
                if fragment:
                    assert unquote(fragment) in by_id(pages[target]), (book.path.name, name, href)


def _join(folder: str, href: str) -> str:
    parts = folder.split("/")
    for piece in href.split("/"):
        parts = parts[:-1] if piece == ".." else parts + [piece]
    return "/".join(parts)


def test_same_issue_reference_points_into_the_other_file_and_keeps_its_locator(books):
    page = books["mini"].page("text/article-02.xhtml")
    xref = next(a for a in page.iter(f"{XHTML}a") if "xref" in a.get("class", ""))
    assert xref.get("href") == "article-01.xhtml#opening"
    assert re.fullmatch(r"Opening, p\.\s\d+", text(xref))


def test_external_links_stay_links(books):
    page = books["mini"].page("text/article-01.xhtml")
    assert [a.get("href") for a in page.iter(f"{XHTML}a") if a.get("href", "").startswith("http")] \
        == ["https://example.org/mini"]


def test_reference_to_another_issue_keeps_its_printed_locator(books):
    intro = books["vol7"].page("text/intro.xhtml")
    xref = next(el for el in intro.iter() if "xref" in (el.get("class") or "").split())
    assert "Ember Tide vol.6" in text(xref)


# --- navigation ----------------------------------------------------------------------

def nav_lists(book: Book) -> dict[str, list[tuple[str, str]]]:
    nav = book.page("text/nav.xhtml")
    return {el.get(f"{OPS}type"): [(text(a), a.get("href")) for a in el.iter(f"{XHTML}a")]
            for el in nav.iter(f"{XHTML}nav")}


def test_contents_lists_articles_and_their_headings(books):
    toc = nav_lists(books["mini"])["toc"]
    assert toc[:3] == [("First Things", "article-01.xhtml"), ("Opening", "article-01.xhtml#opening"),
                       ("Second Things", "article-02.xhtml")]
    vol6 = nav_lists(books["vol6"])["toc"]
    assert vol6[0] == ("The Night Shift Keeps No Minutes", "article-01.xhtml")
    assert ("Three in the morning", "article-01.xhtml#three-in-the-morning") in vol6


def test_landmarks(books):
    marks = {label: href for label, href in nav_lists(books["vol7"])["landmarks"]}
    assert marks == {"Cover": "cover.xhtml", "Title page": "title.xhtml", "Contents": "#toc",
                     "Start of the text": "intro.xhtml"}
    types = [a.get(f"{OPS}type") for a in books["vol7"].page("text/nav.xhtml").iter(f"{XHTML}a")
             if a.get(f"{OPS}type")]
    assert types == ["cover", "titlepage", "toc", "bodymatter"]


def test_page_list_follows_the_reading_pdf(books):
    pages = nav_lists(books["vol7"])["page-list"]
    numbers = [int(label) for label, _ in pages]
    assert numbers == sorted(numbers) and numbers[0] == 1
    assert [label for label, _ in pages] == [str(n) for n in range(1, len(pages) + 1)]
    assert ("4", "article-01.xhtml#page-4") in pages
    assert books["vol7"].meta("schema:accessibilityFeature").count("pageBreakMarkers") == 1
    assert books["vol7"].meta("source-of") == ["pagination"]


def test_nav_is_in_the_reading_order_only_when_the_print_has_contents(books):
    def linear(book: Book) -> str | None:
        return next(i.get("linear") for i in book.opf.iter(f"{OPF}itemref")
                    if i.get("idref") == "item-text-nav-xhtml")

    assert linear(books["mini"]) is None
    assert linear(books["single"]) == "no"
    assert books["mini"].manifest()["text/nav.xhtml"].get("properties") == "nav"


# --- metadata ----------------------------------------------------------------------

def test_package_metadata(books):
    book = books["mini"]
    assert book.dc("title") == ["Mini Issue"]
    assert book.dc("creator") == ["Ann Author", "Bo Writer"]
    assert book.dc("contributor") == ["Ed One"]
    assert book.meta("role") == ["aut", "aut", "edt"]
    assert book.dc("language") == ["en"]
    assert book.dc("date") == ["2026-03-01"]
    assert book.dc("rights") == ["CC BY-SA 4.0"]
    assert book.dc("description") == ["Two short texts to test the EPUB."]
    assert book.meta("belongs-to-collection") == ["Test Sheet"]
    assert book.meta("collection-type") == ["series"]
    assert book.meta("group-position") == ["2"]
    assert book.meta("dcterms:modified") == ["2026-01-01T00:00:00Z"]
    (identifier,) = book.dc("identifier")
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", identifier)
    assert identifier != books["single"].dc("identifier")[0]


def test_accessibility_metadata(books):
    book = books["mini"]
    assert book.meta("schema:accessMode") == ["textual", "visual"]
    assert "textual" in book.meta("schema:accessModeSufficient")
    features = book.meta("schema:accessibilityFeature")
    for feature in ("tableOfContents", "readingOrder", "structuralNavigation", "alternativeText"):
        assert feature in features
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert book.meta("schema:accessibilitySummary")[0]


# --- cover, images, stylesheet, fonts --------------------------------------------------

def test_generated_cover_is_an_outlined_svg(books):
    manifest = books["mini"].manifest()
    assert manifest["images/cover.svg"].get("properties") == "cover-image"
    svg = ET.fromstring(books["mini"].zip.read("EPUB/images/cover.svg"))
    assert svg.find("{http://www.w3.org/2000/svg}title").text == "Mini Issue"
    assert len(list(svg.iter("{http://www.w3.org/2000/svg}path"))) >= 3  # lettering as outlines


def test_front_matter_cover_is_used(books):
    manifest = books["single"].manifest()
    assert manifest["images/red.png"].get("properties") == "cover-image"
    assert "images/cover.svg" not in manifest


def test_images_are_packed(books):
    assert "images/red.png" in books["mini"].manifest()
    imgs = [el.get("src") for el in books["mini"].page("text/article-01.xhtml").iter(f"{XHTML}img")]
    assert imgs == ["../images/red.png"]
    assert "images/seed-box.svg" in books["vol7"].manifest()


def test_stylesheet_is_reflowable(books):
    for book in books.values():
        css = book.zip.read("EPUB/css/epub.css").decode()
        assert "@page" not in css
        assert not re.search(r"\d(pt|mm|cm|in|pc)\b", css)


def test_only_used_and_licensed_faces_are_embedded(books):
    fonts = {href for href in books["vol7"].manifest() if href.startswith("fonts/")}
    assert "fonts/LinLibertine-Regular.otf" in fonts and "fonts/LinLibertine-Italic.otf" in fonts
    assert "fonts/LinLibertine-BoldItalic.otf" not in fonts  # no bold italic text in vol7
    cutpaste = {href for href in books["vol6-cutpaste"].manifest() if href.startswith("fonts/")}
    assert "fonts/BebasNeue-Bold.otf" in cutpaste and "fonts/CourierPrime-Regular.ttf" in cutpaste
    assert "fonts/AnonymousPro-Regular.ttf" in cutpaste  # the Cyrillic name in vol6
    css = books["vol7"].zip.read("EPUB/css/epub.css").decode()
    assert "LinLibertine-BoldItalic" not in css  # its @font-face went with it


def test_font_without_embedding_licence_is_left_out(make_project, tmp_path):
    root = make_project({
        "notes.md": """
            ---
            title: Font Test
            theme: mytheme
            ---

            Some text.
            """,
        "mytheme/theme.toml": 'name = "mytheme"\nextends = "pamphlet"\n[stylesheets]\nepub = ["my-epub.css"]\n',
        "mytheme/css/my-epub.css": '@font-face { font-family: "Mine"; src: url("../fonts/Mine.otf"); }\n'
                                   'body { font-family: "Mine", serif; }\n',
        "mytheme/fonts/LICENSE.txt": "Proprietary. All rights reserved.\n",
    })
    shutil.copy(EXAMPLES.parent / "themes" / "cutpaste" / "fonts" / "BebasNeue-Bold.otf",
                root / "mytheme" / "fonts" / "Mine.otf")
    code, output = build(root / "notes.md", tmp_path / "out")
    assert code == 0, output
    assert "warning: font Mine.otf is not embedded in the EPUB" in output
    book = Book(only_epub(tmp_path / "out"))
    assert "fonts/Mine.otf" not in book.manifest()
    assert "Mine.otf" not in book.zip.read("EPUB/css/epub.css").decode()


# --- errors ------------------------------------------------------------------------

def test_missing_image_is_a_located_error_and_nothing_is_written(tmp_path, cli):
    files = dict(MINI)
    files["mini/one.md"] = MINI["mini/one.md"].replace("img/red.png", "img/missing.png")
    root = write_project(tmp_path / "p", files)
    result = cli("build", "mini", "--out", "out", "--format", "epub", cwd=root)
    assert result.exit_code == 1
    assert "mini/one.md:10:1: error: image not found: img/missing.png" in result.output + result.stderr
    assert not list((root / "out").rglob("*.epub"))


def test_epub_stage_checks_images_itself(tmp_path):
    """Not only through the PDF's renderer: the EPUB checks each image it packs."""
    from zinekit.pipeline.build import BuildOptions, prepare_issue
    from zinekit.errors import Diagnostics
    from zinekit.project import open_project
    from zinekit.render.epub import build_epub

    files = dict(MINI)
    files["mini/one.md"] = MINI["mini/one.md"].replace(
        "![a red square](img/red.png)",
        "![gone](img/gone.png) ![outside](../../outside.png) ![remote](https://example.org/r.png)")
    root = write_project(tmp_path / "p", files)
    (tmp_path / "outside.png").write_bytes(tiny_png())
    prepared = prepare_issue(root / "mini", open_project(root / "mini", Diagnostics()),
                             BuildOptions(out_dir=tmp_path / "out"))
    data = build_epub(prepared, {})
    found = [str(d) for d in prepared.diagnostics]
    assert any(d.endswith("one.md:10:1: error: image not found: img/gone.png") for d in found), found
    assert any("one.md:10:23: warning: not loaded: ../../outside.png (it is outside the project "
               "folder)" in d for d in found), found
    assert any("one.md:10:53: warning: not loaded: https://example.org/r.png" in d for d in found), found
    page = ET.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("EPUB/text/article-01.xhtml"))
    assert list(page.iter(f"{XHTML}img")) == []  # each stands in as its text alternative
    assert "outside" in text(page)


def test_missing_cover_is_a_located_error(tmp_path, cli):
    files = {"single.md": MINI["single.md"].replace("img/red.png", "img/nope.png")}
    root = write_project(tmp_path / "p", files)
    result = cli("build", "single.md", "--out", "out", "--format", "epub", cwd=root)
    assert result.exit_code == 1
    assert "single.md:4:1: error: image not found: img/nope.png" in result.output + result.stderr
