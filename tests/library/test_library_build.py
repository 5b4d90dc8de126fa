"""The readers' library a series build writes, as readers' software sees it: an OPDS
client on a real HTTP server, feedparser, the OPDS 2.0 schema, a browser with axe and
the search box; and the labels of a French issue, the direction of an Arabic one."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest

from tests.conftest import REPO, poppler_pages
from tests.library.catalog_tools import MEDIA_TYPES, acquisitions, feedparser_read, schema_errors

pytestmark = pytest.mark.slow

FORMATS = "pdf,booklet,press,epub,html"
PROJECT = {
    "zinekit.toml": """
        [series]
        name = "Low Tide"
        url = "https://example.org/lowtide/"

        [[issues]]
        volume = 1
        source = "fr"

        [[issues]]
        volume = 2
        source = "ar.md"

        [[issues]]
        volume = 3
        source = "en.md"
    """,
    "fr/issue.md": """
        ---
        title: Les jardins partagés
        language: fr
        authors: [Camille Roussel]
        topics: [jardins, entraide]
        description: Un numéro sur les jardins de quartier.
        date: 2026-03-21
        articles: [semer.md, recolter.md]
        ---
    """,
    "fr/semer.md": """
        ---
        title: Semer ensemble
        source: le bulletin du quartier
        ---

        Le potager commun a commencé par une lettre glissée sous les portes[^1].

        ::: ed
        Ce texte a été raccourci pour ce numéro.
        :::

        [^1]: Une lettre photocopiée, signée par trois voisines.
    """,
    "fr/recolter.md": """
        ---
        title: Récolter
        ---

        La récolte se partage le samedi, quand les courgettes débordent des cagettes.
    """,
    "ar.md": """
        ---
        title: حدائق الحي
        language: ar
        authors: [سلمى حداد]
        topics: [حدائق]
        date: 2026-04
        ---

        بدأت الحديقة المشتركة برسالة صغيرة تحت الأبواب، ثم صار الجيران يلتقون فيها كل أسبوع ليزرعوا ويتحدثوا ويتقاسموا الأدوات والبذور والماء.

        يتقاسم الجيران المحصول.
    """,
    "en.md": """
        ---
        title: Tool Library
        authors: [Camille Roussel, Sam Okafor]
        topics: [entraide]
        date: 2026-05-02
        ---

        The shelf of shared ladders began with a list pinned in the laundry room.
    """,
}


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """The series built as an editor builds it; its ``dist/``."""
    root = tmp_path_factory.mktemp("low-tide")
    for name, text in PROJECT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    run = zinekit("build", "--format", FORMATS, "--jobs", "2", cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    return root / "dist"


def zinekit(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "zinekit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def issue_folders(dist: Path) -> list[Path]:
    return sorted(p for p in dist.iterdir() if p.is_dir() and p.name.startswith("low-tide-"))


# --- catalogs and feed ---------------------------------------------------------------------

def test_every_built_issue_has_each_file_as_an_acquisition_link(library):
    parsed = feedparser_read((library / "opds.xml").read_bytes())
    assert len(parsed.entries) == len(issue_folders(library)) == 3
    for entry in parsed.entries:
        found = acquisitions(entry)
        assert set(found) == MEDIA_TYPES, entry.title
        hrefs = {unquote(link["href"]): int(link["length"]) for links in found.values() for link in links}
        slug = Path(next(iter(hrefs))).parent.name
        wanted = {f"{slug}/{slug}.epub", f"{slug}/{slug}.pdf", f"{slug}/{slug}-booklet-a4.pdf",
                  f"{slug}/{slug}-press.pdf"}
        assert set(hrefs) == wanted, entry.title
        for href, length in hrefs.items():
            assert (library / href).stat().st_size == length


def test_every_opds_2_feed_validates(library):
    feeds = [library / "opds.json", *sorted((library / "opds").rglob("*.json"))]
    assert len(feeds) > 5
    for path in feeds:
        assert schema_errors(path) == [], path


def test_the_feed_is_newest_first(library):
    parsed = feedparser_read((library / "feed.xml").read_bytes())
    assert [e.title for e in parsed.entries] == ["Tool Library", "حدائق الحي", "Les jardins partagés"]


def test_the_download_page_announces_the_feed_and_both_catalogs(library):
    page = (library / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<link rel="alternate" type="([^"]+)" href="([^"]+)"', page)
    assert links == [("application/atom+xml", "feed.xml"),
                     ("application/atom+xml;profile=opds-catalog;kind=acquisition", "opds.xml"),
                     ("application/opds+json", "opds.json")]


def test_pages_by_author_topic_and_language(library):
    authors = (library / "library" / "authors.html").read_text(encoding="utf-8")
    assert "Camille Roussel" in authors and "Sam Okafor" in authors and "سلمى حداد" in authors
    camille = (library / "library" / "author" / "camille-roussel.html").read_text(encoding="utf-8")
    assert camille.index("Tool Library") < camille.index("Les jardins partagés")
    mutual = (library / "library" / "topic" / "entraide.html").read_text(encoding="utf-8")
    assert "Tool Library" in mutual and "Les jardins partagés" in mutual and "حدائق" not in mutual
    arabic = (library / "library" / "language" / "ar.html").read_text(encoding="utf-8")
    assert "حدائق الحي" in arabic and "Tool Library" not in arabic


def test_the_thumbnail_is_the_epub_cover_not_the_title_page(library):
    from zinekit.library.thumbnails import epub_cover_thumbnail

    for folder in issue_folders(library):
        slug = folder.name
        png = (folder / f"{slug}-cover.png").read_bytes()
        assert png == epub_cover_thumbnail(folder / f"{slug}.epub")


# --- an OPDS client on a real server ---------------------------------------------------------

@pytest.fixture(scope="module")
def server(library):
    """``python -m http.server`` over ``dist/``, on a free loopback port."""
    process = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind",
                                "127.0.0.1", "--directory", str(library)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        port = re.search(r"port (\d+)", line).group(1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def fetch(url: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(url, timeout=20) as response:
        return response.read(), response.headers.get("Content-Type", "")


def test_an_opds_client_finds_and_downloads_an_epub(server, library):
    catalog, _ = fetch(urljoin(server, "opds.xml"))
    parsed = feedparser_read(catalog)
    # the client browses by language, as a reader looking for French texts does
    facet = next(link for link in parsed.feed.links
                 if link["rel"] == "http://opds-spec.org/facet" and link["title"] == "français")
    shelf_url = urljoin(urljoin(server, "opds.xml"), facet["href"])
    shelf = feedparser_read(fetch(shelf_url)[0])
    entry = shelf.entries[0]
    assert entry.title == "Les jardins partagés"
    link = acquisitions(entry)["application/epub+zip"][0]
    data, kind = fetch(urljoin(shelf_url, link["href"]))
    assert kind == "application/epub+zip"
    assert data[:4] == b"PK\x03\x04" and len(data) == int(link["length"])
    slug = "low-tide-vol-1"
    assert data == (library / slug / f"{slug}.epub").read_bytes()


def test_an_opds_2_client_finds_the_same_files(server):
    body = json.loads(fetch(urljoin(server, "opds.json"))[0])
    publication = next(p for p in body["publications"] if p["metadata"]["language"] == "ar")
    link = next(link for link in publication["links"] if link["type"] == "application/epub+zip")
    data, _ = fetch(urljoin(server, link["href"]))
    assert len(data) == link["size"]


# --- labels and direction ------------------------------------------------------------------

def test_a_french_issue_prints_its_labels_in_french(library):
    pages = poppler_pages(library / "low-tide-vol-1" / "low-tide-vol-1.pdf")
    text = "\n".join(pages)
    assert "Table des matières" in text.replace(" ", "") or "Tabledesmatières" in text.replace(" ", "")
    assert "N.d.É." in text
    assert "Première parution : le bulletin du quartier" in text
    import zipfile

    with zipfile.ZipFile(library / "low-tide-vol-1" / "low-tide-vol-1.epub") as book:
        nav = book.read("EPUB/text/nav.xhtml").decode("utf-8")
    assert '<h1 class="contents-title" id="toc-title">Table des matières</h1>' in nav


def test_an_arabic_issue_runs_right_to_left(library):
    pdfplumber = pytest.importorskip("pdfplumber")
    folder = library / "low-tide-vol-2"
    with pdfplumber.open(folder / "low-tide-vol-2.pdf") as pdf:
        page = next(p for p in pdf.pages if "المحصول" in (p.extract_text() or "")
                    or any(c["text"] == "ل" for c in p.chars))
        words = page.extract_words()
        width = page.width
    short = [w for w in words if w["top"] == max(x["top"] for x in words if x["x1"] > width * 0.6)]
    # the one-line paragraph starts at the right margin and stops short of the left one
    assert min(w["x0"] for w in short) > width * 0.3, short
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="ar"[^>]* dir="rtl"', html)
    import zipfile

    with zipfile.ZipFile(folder / "low-tide-vol-2.epub") as book:
        opf = book.read("EPUB/package.opf").decode("utf-8")
        pages = [n for n in book.namelist() if n.endswith(".xhtml")]
        assert all('dir="rtl"' in book.read(n).decode("utf-8") for n in pages)
    assert 'page-progression-direction="rtl"' in opf


# --- the search, in a browser -----------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from tests.render import a11y_tools as tools

    with tools.chromium(tmp_path_factory.mktemp("chromium-profile"), script_timeout=60) as driver:
        yield driver


def axe_violations(browser) -> list[str]:
    from tests.render import a11y_tools as tools

    browser.execute_script(tools.axe_script())
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations.map("
        "v => v.id + ': ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', '))))"
        ".catch(e => done(['axe failed: ' + e]));")


def search(browser, words: str) -> list[tuple[str, str]]:
    """Type ``words`` in the search box; the results as (title, address)."""
    from selenium.webdriver.common.by import By

    box = browser.find_element(By.ID, "zk-search-box")
    box.clear()
    box.send_keys(words)
    browser.find_element(By.CSS_SELECTOR, ".zk-search button").click()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = browser.execute_script(
            "const out = document.querySelector('.zk-search-results');"
            "return out.hasAttribute('data-count') ? [...out.querySelectorAll('li > a')]"
            ".map(a => [a.textContent, a.getAttribute('href')]) : null;")
        if found is not None:
            return [tuple(f) for f in found]
        time.sleep(0.2)
    raise AssertionError("the search gave no answer")


def test_the_download_page_with_its_search_passes_axe_and_finds_a_word(library, server, browser):
    browser.get(urljoin(server, "index.html"))
    assert axe_violations(browser) == []
    found = search(browser, "courgettes")
    assert [title for title, _ in found] == ["Les jardins partagés"]
    browser.get(urljoin(server, found[0][1]))
    assert "courgettes" in browser.page_source
    browser.get(urljoin(server, "index.html"))
    assert search(browser, "ladders")[0][0].startswith("Tool Library")
    assert axe_violations(browser) == []  # with its results shown


def test_the_pages_of_the_library_pass_axe(library, server, browser):
    for page in ("library/authors.html", "library/author/camille-roussel.html",
                 "library/language/ar.html"):
        browser.get(urljoin(server, page))
        assert axe_violations(browser) == [], page


# --- an unchanged rebuild -------------------------------------------------------------------

def test_an_unchanged_rebuild_rewrites_nothing_of_the_library(library):
    watched = [library / "opds.xml", library / "opds.json", library / "feed.xml",
               library / "index.html", library / "pagefind" / "pagefind.js"]
    before = {p: p.stat().st_mtime_ns for p in watched}
    run = zinekit("build", "--format", FORMATS, cwd=library.parent)
    assert run.returncode == 0, run.stderr
    assert {p: p.stat().st_mtime_ns for p in watched} == before


def test_the_epubs_with_their_labels_translated_pass_epubcheck(library, tmp_path):
    from tests import validators

    epubs = {folder.name: folder / f"{folder.name}.epub" for folder in issue_folders(library)}
    for name, report in validators.epubcheck_reports(epubs, tmp_path).items():
        assert validators.epubcheck_problems(report) == [], name
