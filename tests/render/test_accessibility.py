"""Accessible by default: the tagged reading PDF (PDF/UA-1), the EPUB that passes Ace
by DAISY, the web edition that passes axe-core, images that need a description.

The outputs are built once per module, from the examples and from a test issue that
holds what the examples lack (a Cyrillic author, a decorative image, a skipped heading
level, a table, margin notes).  The checkers themselves are found by
:mod:`tests.render.a11y_tools`.
"""

from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from tests.conftest import EXAMPLES, poppler_pages
from tests.render import a11y_tools as tools
from zinekit.cli import main

SOURCE_DATE_EPOCH = "1767225600"
XHTML = "{http://www.w3.org/1999/xhtml}"
OPS = "{http://www.idpf.org/2007/ops}"
OPF = "{http://www.idpf.org/2007/opf}"
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
       '<rect width="40" height="20"/></svg>\n')

TEST_ISSUE = {
    "plain/issue.md": """
        ---
        title: Reading Aloud
        series: Test Sheet
        volume: 4
        license: Anti-copyright
        contact: sheet@example.org
        articles: [one.md, two.md]
        ---
        """,
    "plain/one.md": """
        ---
        title: Voices
        authors: [Марина Ивановна]
        ---

        ## A first part

        Text with a note[^a] and a link to [the archive](https://example.org/archive).

        ![A black bar across the page](bar.svg)

        ![](bar.svg "decorative")

        #### Skipped a level

        | column one | column two |
        |---|---|
        | a | b |

        ::: pullquote
        Repeated words, printed large.
        :::

        [^a]: The note's own text.
        """,
    "plain/two.md": """
        ---
        title: Margins
        authors: [Ann Author]
        notes: side
        ---

        Text with a note in the margin.[^m]

        - one item
        - another item

        [^m]: Beside the line.
        """,
}


BOOK = {
    "book.md": """
        ---
        title: Two Rooms
        authors: [Cy Solo]
        cover: bar.svg
        ---

        A few words before the first chapter.

        # The first room

        Text of the first chapter, with a note.[^a]

        ## A part of it

        More text.

        # The second room

        Text of the second chapter.

        [^a]: The note.
        """,
}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    for folder in ("plain", "."):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "bar.svg").write_text(SVG, encoding="utf-8")
    return root


def build(target: Path, out: Path, formats: str, *extra: str) -> str:
    """Build; with ``--strict`` unless ``extra`` says otherwise (a theme whose layout
    moves a footnote warns about it)."""
    strict = [] if "--theme" in extra else ["--strict"]
    result = CliRunner().invoke(main, ["build", str(target), "--out", str(out), "--format",
                                       formats, *strict, *extra])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """Each issue's output folder: the two examples and the test issue."""
    project = write(tmp_path_factory.mktemp("project"), {**TEST_ISSUE, **BOOK})
    folders = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        out = tmp_path_factory.mktemp("examples")
        build(EXAMPLES / "ember-tide", out, "pdf,epub,html")
        folders["vol6"] = out / "ember-tide-vol-6"
        folders["vol7"] = out / "ember-tide-vol-7"
        out = tmp_path_factory.mktemp("plain")
        build(project / "plain", out, "pdf,booklet,press,epub,html")
        folders["plain"] = out / "test-sheet-vol-4"
        out = tmp_path_factory.mktemp("cutpaste")
        build(EXAMPLES / "ember-tide" / "vol6", out, "pdf,epub,html", "--theme", "cutpaste")
        folders["cutpaste"] = out / "ember-tide-vol-6"
        out = tmp_path_factory.mktemp("book")
        build(project / "book.md", out, "pdf,booklet,epub")
        folders["book"] = out / "book"
        out = tmp_path_factory.mktemp("alone")  # no layout, none recorded: no page list
        build(project / "book.md", out, "epub")
        folders["alone"] = out / "book"
    return folders


def only(folder: Path, pattern: str) -> Path:
    found = sorted(p for p in folder.glob(pattern) if "booklet" not in p.name
                   and "press" not in p.name)
    assert len(found) == 1, found
    return found[0]


ISSUES = ["vol6", "vol7", "plain"]
# Ace also reads another theme's EPUB, a book in one file (a document per chapter) and
# an EPUB built alone with no layout to take page numbers from.
EPUBS = [*ISSUES, "cutpaste", "book", "alone"]
PAGED = [*ISSUES, "cutpaste", "book"]  # EPUBs made with the reading PDF's layout


# --- the reading PDF -------------------------------------------------------------------

@pytest.mark.parametrize("name", ISSUES)
def test_reading_pdf_passes_pdfua(built, name):
    findings = tools.pdfua_findings(only(built[name], "*.pdf"))
    assert [f"{f['rule_id']} {f['severity']}: {f['message']}" for f in findings
            if f["severity"] in ("error", "warning")] == []


class Tagged:
    """A tagged PDF read back with pypdf: catalog, structure elements in reading order,
    and the text each element's marked content shows."""

    def __init__(self, path: Path) -> None:
        self.reader = PdfReader(str(path))
        self.root = self.reader.trailer["/Root"]
        self.elements: list = []
        tree = self.root["/StructTreeRoot"].get_object()
        for kid in tree["/K"]:
            self._walk(kid.get_object())
        self.texts = self._marked_texts()

    def _walk(self, element) -> None:
        self.elements.append(element)
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get") \
                    and kid.get_object().get("/Type") != "/OBJR":
                self._walk(kid.get_object())

    def _marked_texts(self) -> dict[tuple[int, object], str]:
        """(page, MCID or "artifact") → the text shown there."""
        texts: dict[tuple[int, object], str] = {}
        for number, page in enumerate(self.reader.pages):
            current: list = [None]

            def before(op, args, cm, tm):
                if op == b"BDC" and args and args[0] == "/Artifact":
                    current[0] = "artifact"
                elif op == b"BDC" and len(args) > 1 and hasattr(args[1], "get"):
                    current[0] = args[1].get("/MCID")
                elif op == b"EMC":
                    current[0] = None

            def shown(text, *rest):
                if current[0] is not None:
                    key = (number, current[0])
                    texts[key] = texts.get(key, "") + text

            page.extract_text(visitor_operand_before=before, visitor_text=shown)
        return texts

    def tags(self) -> list[str]:
        return [str(e.get("/S")) for e in self.elements]

    def text_of(self, element) -> str:
        """The text under a structure element."""
        pages = {p.indirect_reference.idnum: n for n, p in enumerate(self.reader.pages)}
        parts = []
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):
                page = pages[element.raw_get("/Pg").idnum]
                parts.append(self.texts.get((page, kid), ""))
            elif hasattr(kid, "get_object") and kid.get_object().get("/Type") == "/StructElem":
                parts.append(self.text_of(kid.get_object()))
        return "".join(parts)

    def artifact_text(self) -> str:
        return " ".join(t for (page, key), t in self.texts.items() if key == "artifact")


@pytest.fixture(scope="module")
def tagged(built) -> dict[str, Tagged]:
    return {name: Tagged(only(built[name], "*.pdf")) for name in ISSUES}


def test_catalog_language_title_and_conformance_claim(tagged):
    root = tagged["vol6"].root
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfuaid:part=["\']1["\']|<pdfuaid:part>1</pdfuaid:part>', xmp)
    assert "The Night Shift Keeps No Minutes" in tagged["vol6"].reader.metadata.title


def test_structure_has_headings_paragraphs_lists_tables_figures_notes_links(tagged):
    tags = set(tagged["plain"].tags())
    for tag in ("/H1", "/H2", "/P", "/L", "/LI", "/Table", "/TH", "/TD", "/Figure", "/Note",
                "/Reference", "/Link"):
        assert tag in tags, tag
    assert {"/H1", "/H2", "/P", "/L", "/Table", "/Note", "/Link"} <= set(tagged["vol6"].tags())


def test_figures_have_their_alt_text_and_decorative_images_are_artifacts(tagged):
    figures = [e for e in tagged["plain"].elements if e.get("/S") == "/Figure"]
    assert [str(f["/Alt"]) for f in figures] == ["A black bar across the page"]


def test_notes_have_ids_and_follow_their_call(tagged):
    doc = tagged["vol6"]
    notes = [e for e in doc.elements if e.get("/S") == "/Note"]
    assert [str(n["/ID"]) for n in notes] == [f"fn-issue-{n}" for n in range(1, 5)]
    names = doc.root["/StructTreeRoot"]["/IDTree"]["/Names"]
    assert [str(x) for x in names[::2]] == [f"fn-issue-{n}" for n in range(1, 5)]
    first = notes[0]
    assert " ".join(doc.text_of(first).split()).startswith("1. The rota is published by an app")
    siblings = [k.get_object() for k in first["/P"].get_object()["/K"] if hasattr(k, "get_object")]
    before = siblings[siblings.index(first) - 1]
    assert before["/S"] == "/Reference" and doc.text_of(before) == "1"
    margin = [e for e in tagged["plain"].elements if e.get("/S") == "/Note"]
    assert [" ".join(tagged["plain"].text_of(n).split()) for n in margin] == [
        "1. The note’s own text.", "1. Beside the line."]


def test_running_heads_and_pull_quotes_are_artifacts(tagged):
    doc = tagged["vol6"]
    tagged_text = " ".join(doc.text_of(e) for e in doc.elements if e.get("/S") == "/P")
    assert "Nobody decided the shelter should be where" not in tagged_text
    assert "Nobody decided the shelter should be where" in doc.artifact_text()
    assert "Ember Tide" in doc.artifact_text()  # the running head
    plain = tagged["plain"]
    assert "Repeated words" in plain.artifact_text()
    assert all("Repeated words" not in plain.text_of(e) for e in plain.elements)


def test_text_in_another_script_has_its_language(tagged):
    doc = tagged["vol6"]
    marked = {doc.text_of(e).strip(): str(e["/Lang"]) for e in doc.elements if "/Lang" in e}
    assert marked.get("Ольга Сергеевна") == "ru"
    assert marked.get("Ζωή") == "el"
    author = {tagged["plain"].text_of(e).strip(): str(e["/Lang"]) for e in tagged["plain"].elements
              if "/Lang" in e}
    assert author.get("Марина Ивановна") == "ru"


def test_links_are_described(built):
    reader = PdfReader(str(only(built["vol6"], "*.pdf")))
    links = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])
             if a.get_object().get("/Subtype") == "/Link"]
    assert links and all(str(a.get("/Contents", "")).strip() for a in links)
    contents = [str(a["/Contents"]) for a in links]
    assert any(c.startswith("Ember Tide vol.3 pg5 (https://") for c in contents), contents
    assert any("Wires Under the Floor" in c for c in contents), contents


def test_headings_skip_no_level_and_none_is_empty(tagged):
    """(pdfua's empty-heading rule, UA-14-001, crashes on WeasyPrint's trees and is
    skipped: the same check is made here.)"""
    for name in ISSUES:
        headings = [e for e in tagged[name].elements
                    if re.fullmatch(r"/H[1-6]", str(e.get("/S")))]
        levels = [int(str(e["/S"])[2]) for e in headings]
        assert levels[0] == 1
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), (name, levels)
        assert all(tagged[name].text_of(e).strip() for e in headings), name


def test_table_headers_have_a_scope(tagged):
    headers = [e for e in tagged["plain"].elements if e.get("/S") == "/TH"]
    assert headers and all(h["/A"]["/Scope"] == "/Column" for h in headers)


def test_print_editions_are_not_tagged(built):
    """The booklet is untagged whether it imposes the print edition's own layout (an
    issue with a link prints its address) or the reading PDF's pages (the book)."""
    for name in ("plain", "book"):
        booklet = PdfReader(str(next(built[name].glob("*-booklet-*.pdf"))))
        assert "/StructTreeRoot" not in booklet.trailer["/Root"]
    press = PdfReader(str(next(built["plain"].glob("*-press.pdf"))))
    assert "/StructTreeRoot" not in press.trailer["/Root"]
    assert press.trailer["/Root"]["/OutputIntents"][0]["/S"] == "/GTS_PDFX"


def test_the_tagged_pdf_is_reproducible(built, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    build(EXAMPLES / "ember-tide" / "vol6", tmp_path, "pdf")
    again = only(tmp_path / "ember-tide-vol-6", "*.pdf").read_bytes()
    assert again == only(built["vol6"], "*.pdf").read_bytes()


# --- the EPUB --------------------------------------------------------------------------

class Epub:
    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        self.opf = ET.fromstring(self.zip.read("EPUB/package.opf"))

    def page(self, name: str) -> ET.Element:
        return ET.fromstring(self.zip.read(f"EPUB/text/{name}"))

    def spine(self) -> list[str]:
        hrefs = {i.get("id"): i.get("href") for i in self.opf.iter(f"{OPF}item")}
        return [hrefs[r.get("idref")].removeprefix("text/") for r in self.opf.iter(f"{OPF}itemref")]

    def meta(self, prop: str) -> list[str]:
        return [m.text or "" for m in self.opf.iter(f"{OPF}meta") if m.get("property") == prop]

    def page_list(self) -> list[tuple[str, str]]:
        nav = self.page("nav.xhtml")
        lists = {n.get(f"{OPS}type"): n for n in nav.iter(f"{XHTML}nav")}
        return [("".join(a.itertext()), a.get("href"))
                for a in lists["page-list"].iter(f"{XHTML}a")]


@pytest.fixture(scope="module")
def epubs(built) -> dict[str, Epub]:
    return {name: Epub(only(built[name], "*.epub")) for name in EPUBS}


@pytest.mark.parametrize("name", PAGED)
def test_every_printed_page_has_a_marker_the_page_list_points_at(built, epubs, name):
    book = epubs[name]
    pdf_pages = len(PdfReader(str(only(built[name], "*.pdf"))).pages)
    entries = book.page_list()
    assert [label for label, _ in entries] == [str(n) for n in range(1, pdf_pages + 1)]
    in_order = []
    for file in book.spine():
        for el in book.page(file).iter(f"{XHTML}span"):
            if el.get(f"{OPS}type") == "pagebreak":
                assert el.get("role") == "doc-pagebreak"
                assert el.get("aria-label") == el.get("id").removeprefix("page-")
                in_order.append(f"{file}#{el.get('id')}")
    assert in_order == [href for _, href in entries]


def _words_after_marker(book: Epub, href: str, count: int) -> str:
    """The first ``count`` words a reader meets after a page-break marker."""
    file, ident = href.split("#")
    root = book.page(file)
    for el in root.iter():
        if el.get(f"{OPS}type") == "pagebreak":
            el.text = f" @@{el.get('id')}@@ "
    body = root.find(f"{XHTML}body")
    text = " ".join("".join(body.itertext()).split())
    after = text.split(f"@@{ident}@@", 1)[1]
    return " ".join(re.sub(r"@@page-\d+@@", " ", after).split()[:count])


@pytest.mark.parametrize("name", PAGED)
def test_markers_stand_where_the_reading_pdf_pages_begin(built, epubs, name):
    """The words after page N's marker are printed on page N of the reading PDF."""
    printed = poppler_pages(only(built[name], "*.pdf"))
    for label, href in epubs[name].page_list():
        # the print contents page is the navigation document's contents, listed otherwise
        words = _words_after_marker(epubs[name], href, 1 if href.startswith("nav") else 3)
        # a blank page (the one left so that the first text opens on a right-hand page)
        # has no words: its marker stands with the next page's
        if words and printed[int(label) - 1].strip():
            # spaces set aside: poppler reads letter-spaced capitals letter by letter
            assert words.replace(" ", "") in printed[int(label) - 1].replace(" ", ""), (label, words)


def test_an_epub_without_a_layout_has_no_page_list_and_claims_none(epubs):
    book = epubs["alone"]
    nav = book.page("nav.xhtml")
    assert all(n.get(f"{OPS}type") != "page-list" for n in nav.iter(f"{XHTML}nav"))
    assert "pageBreakMarkers" not in book.meta("schema:accessibilityFeature")
    assert book.meta("pageBreakSource") == []


def test_package_claims_conformance_and_names_the_page_source(epubs):
    book = epubs["vol6"]
    assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert book.meta("pageBreakSource") == [
        "The Night Shift Keeps No Minutes (ember-tide-vol-6.pdf, the reading PDF)"]
    features = book.meta("schema:accessibilityFeature")
    assert {"pageBreakMarkers", "pageNavigation", "tableOfContents"} <= set(features)
    assert "printPageNumbers" not in features
    assert "alternativeText" in epubs["plain"].meta("schema:accessibilityFeature")


def test_colophon_and_pull_quotes_have_matching_roles(epubs):
    colophon = epubs["vol6"].page("colophon.xhtml").find(f".//{XHTML}section")
    assert colophon.get("role") == "doc-colophon" and colophon.get(f"{OPS}type") == "colophon"
    article = epubs["vol6"].page("article-01.xhtml")
    quotes = [el for el in article.iter(f"{XHTML}aside") if "pullquote" in el.get("class", "")]
    assert quotes and all(q.get("aria-hidden") == "true" and q.get("role") == "doc-pullquote"
                          for q in quotes)


def test_epub_headings_skip_no_level(epubs):
    for name, book in epubs.items():
        for file in book.spine():
            levels = [int(el.tag[-1]) for el in book.page(file).iter()
                      if isinstance(el.tag, str)
                      and re.fullmatch(rf"{re.escape(XHTML)}h[1-6]", el.tag)]
            assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), (name, file, levels)


def test_a_decorative_image_has_an_empty_alt(epubs):
    images = list(epubs["plain"].page("article-01.xhtml").iter(f"{XHTML}img"))
    assert [img.get("alt") for img in images] == ["A black bar across the page", ""]


@pytest.mark.slow
@pytest.mark.parametrize("name", EPUBS)
def test_ace_by_daisy_passes(built, name, tmp_path):
    report = tools.ace_report(only(built[name], "*.epub"), tmp_path / "ace")
    assert tools.ace_violations(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"


# --- the web edition -------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with tools.chromium(tmp_path_factory.mktemp("chromium-profile"), window="1200,1000",
                        files=True, script_timeout=60) as driver:
        yield driver


@pytest.mark.slow
@pytest.mark.parametrize("name", ISSUES)
def test_web_edition_passes_axe(built, browser, name):
    browser.get((built[name] / "index.html").as_uri())
    browser.execute_script(tools.axe_script())
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations.map("
        "v => v.id + ': ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', '))))"
        ".catch(e => done(['axe failed: ' + e]));")
    assert result == [], "\n".join(result)


@pytest.mark.slow
def test_a_long_bare_address_does_not_widen_a_phone_page(make_project, cli, browser):
    """Text imported from a page keeps addresses as plain words; on a phone's width the
    web edition breaks them rather than scroll sideways."""
    address = ("https://archive.example.org/" + "/".join(["pathsegment"] * 5)
               + "/index.htm?ref=thirtytwocharactersofoneword")
    root = make_project({"notes.md": f"---\ntitle: Addresses\n---\n\nRead it at {address} today.\n"})
    assert cli("build", root / "notes.md", "--format", "html").exit_code == 0
    browser.set_window_size(360, 800)
    try:
        browser.get((root / "dist" / "notes" / "index.html").as_uri())
        widths = browser.execute_script("const h = document.documentElement;"
                                        "return [h.scrollWidth, h.clientWidth];")
    finally:
        browser.set_window_size(1200, 1000)
    assert widths[0] <= widths[1]


# --- images need a description -----------------------------------------------------------

def test_an_image_without_a_description_is_a_located_warning(make_project, cli):
    root = make_project({"notes.md": "---\ntitle: Pictures\n---\n\nSee this:\n\n![](bar.svg)\n",
                         "bar.svg": SVG})
    run = cli("check", root / "notes.md")
    assert run.exit_code == 0
    assert ('notes.md:7:1: warning: image has no description: write what it shows, '
            '![…](bar.svg), or mark an ornament ![](bar.svg "decorative")') in run.output
    strict = cli("check", root / "notes.md", "--strict")
    assert strict.exit_code == 1
    assert "notes.md:7:1: error: image has no description" in strict.output


def test_described_and_decorative_images_need_nothing_more(make_project, cli):
    root = make_project({"notes.md": "---\ntitle: Pictures\n---\n\n![A bar](bar.svg)\n\n"
                                     "![](bar.svg \"decorative\")\n", "bar.svg": SVG})
    run = cli("check", root / "notes.md", "--strict")
    assert run.exit_code == 0, run.output
    assert "description" not in run.output


# --- the pieces, on their own ------------------------------------------------------------

def test_runs_of_another_script_get_a_language():
    from zinekit.render.languages import mark_languages

    page = ('<title>Ζωή</title><p>from Ольга Сергеевна, who</p>'
            '<h2 id="q">Ζωή&#x27;s question</h2><p>«Η νυχτερινή βάρδια» – and</p>')
    assert mark_languages(page, "en") == (
        '<title>Ζωή</title><p>from <span lang="ru">Ольга Сергеевна</span>, who</p>'
        '<h2 id="q"><span lang="el">Ζωή</span>&#x27;s question</h2>'
        '<p>«<span lang="el">Η νυχτερινή βάρδια</span>» – and</p>')
    assert mark_languages("<p>Марина, John</p>", "en", ("uk",)) == (
        '<p><span lang="uk">Марина</span>, John</p>')
    assert mark_languages("<p>Привет, John</p>", "ru") == "<p>Привет, John</p>"


def test_headings_are_renumbered_without_a_skipped_level():
    from zinekit.markup.renderer import outline_levels
    from zinekit.markup import parse_markdown

    tokens = parse_markdown("## a\n\n#### b\n\n#### c\n\n### d\n\n## e\n", "t.md").tokens
    levels = outline_levels(tokens, 2)
    assert [levels[id(t)] for t in tokens if t.type == "heading_open"] == [2, 3, 3, 3, 2]


def test_a_page_whose_block_is_not_in_the_epub_takes_the_next_pages_place():
    from zinekit.render.epub.pagebreaks import plan_markers

    known = {"title-page": "text/title.xhtml", "a.1": "text/article-01.xhtml"}
    markers = plan_markers([("title-page", 0), ("leaders", 0), ("a.1", 0), ("a.1", 120),
                            ("", 0)], known, "text/colophon.xhtml")
    assert [(m.number, m.page, m.block, m.words) for m in markers] == [
        (1, "text/title.xhtml", "title-page", 0), (2, "text/article-01.xhtml", "a.1", 0),
        (3, "text/article-01.xhtml", "a.1", 0), (4, "text/article-01.xhtml", "a.1", 120),
        (5, "text/colophon.xhtml", None, 0)]


def test_markers_go_before_the_word_a_page_begins_with_in_page_order():
    from zinekit.render.epub.pagebreaks import Marker, insert_markers
    from zinekit.render.epub.xhtml import Page, parse_page, serialize

    root = parse_page('<html><body><p id="b">One two <em>three</em> four five</p></body></html>')
    page = Page("text/a.xhtml", "a", root, "article")
    insert_markers([page], [Marker(1, page.name, "b", 0), Marker(2, page.name, "b", 0),
                            Marker(3, page.name, "b", 2), Marker(4, page.name, "b", 3)])
    text = serialize(root).decode()
    marks = re.sub(r'<span epub:type="pagebreak"[^>]*id="page-(\d)"[^>]*/>', r"[\1]", text)
    assert "<p id=\"b\">[1][2]One two [3]<em>three</em> [4]four five</p>" in marks


EVERYTHING = {
    "zinekit.toml": '[series]\nname = "Test Sheet"\n\n[build]\nallow_html = true\n',
    "all/issue.md": """
        ---
        title: Everything Once
        series: Test Sheet
        volume: 9
        articles: [one.md, two.md, three.md]
        ---
        """,
    "all/one.md": """
        ---
        title: Lists and Tables
        authors: [Ζωή Παππά]
        ---

        - one
          - inner one
          - inner two
        - two

        1. first
        2. second

        Term
        : its meaning

        <table><tr><th scope="row">row head</th><td rowspan="2">spans two rows</td></tr>
        <tr><th scope="row">another</th></tr></table>

        > A quotation with a note.[^q]

            code block, kept as written

        An ![inline bar](bar.svg) image and [ed. – an editor's aside].

        [^q]: The quotation's source.
        """,
    "all/two.md": """
        ---
        title: Notes at the End
        notes: end
        ---

        Text with an endnote.[^e] And another.[^f]

        [^e]: The first endnote.
        [^f]: The second endnote.
        """,
    "all/three.md": """
        ---
        title: A Long Note
        ---

        A long note begins here.[^long]

        PARAGRAPHS

        ::: pullquote
        Words repeated.
        :::

        [^long]: LONGNOTE
        """,
}


def test_every_page_of_a_varied_issue_is_paired_and_passes(tmp_path, monkeypatch):
    """Lists in lists, a definition list, raw HTML tables with row headers and spans, a
    quotation, code, inline images, endnotes, a long note: the
    finisher pairs every page's boxes with WeasyPrint's elements (none is left as
    WeasyPrint made it) and the PDF passes pdfua."""
    from zinekit.render import tagging

    files = dict(EVERYTHING)
    words = "the shelter was there before me and it is still there " * 12
    files["all/three.md"] = (textwrap.dedent(files["all/three.md"])
                             .replace("PARAGRAPHS", "\n\n".join([words] * 9))
                             .replace("LONGNOTE", words * 3))
    project = write(tmp_path, files)
    (project / "all" / "bar.svg").write_text(SVG, encoding="utf-8")
    pages: list = []
    original = tagging.pair_pages

    def recording(document, tree):
        for page in original(document, tree):
            pages.append(page)
            yield page

    monkeypatch.setattr(tagging, "pair_pages", recording)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    build(project / "all", tmp_path / "out", "pdf")
    assert pages and [p.number for p in pages if not p.complete] == []
    pdf = only(tmp_path / "out" / "test-sheet-vol-9", "*.pdf")
    findings = tools.pdfua_findings(pdf)
    assert [f["rule_id"] for f in findings if f["severity"] in ("error", "warning")] == []
    doc = Tagged(pdf)
    notes = [e for e in doc.elements if e.get("/S") == "/Note"]
    long_note = [n for n in notes if "the shelter was there" in doc.text_of(n)]
    assert len(long_note) == 1, [doc.text_of(n)[:60] for n in notes]
    headers = [e for e in doc.elements if e.get("/S") == "/TH"]
    assert {str(h["/A"]["/Scope"]) for h in headers} == {"/Row"}
