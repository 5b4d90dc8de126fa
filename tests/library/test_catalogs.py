"""The catalogs and the feed, made from records (no layout): OPDS 1.2 and the Atom feed
read by feedparser, OPDS 2.0 validated against the published JSON Schemas."""

from __future__ import annotations

import json

from lxml import etree

from tests.library.catalog_tools import (
    INFO,
    MEDIA_TYPES,
    acquisitions,
    feedparser_read,
    schema_errors,
    synthetic,
)
from zinekit.library import catalog_files, write_catalogs
from zinekit.library.records import LibraryInfo

ISSUES = synthetic(12)
FILES = catalog_files(ISSUES, INFO)


def test_opds_12_is_read_without_complaint_with_every_file_of_every_issue():
    parsed = feedparser_read(FILES["opds.xml"])
    assert len(parsed.entries) == len(ISSUES)
    by_title = {i.title: i for i in ISSUES}
    for entry in parsed.entries:
        issue = by_title[entry.title]
        found = acquisitions(entry)
        assert set(found) == MEDIA_TYPES
        assert sorted((link["href"], int(link["length"])) for links in found.values() for link in links) \
            == sorted((f.href, f.size) for f in issue.acquisitions)
        assert entry.dcterms_language == issue.language  # dc:language (OPDS: DC terms)
        assert [a.name for a in entry.authors] == list(issue.authors)
        assert [t.term for t in entry.tags] == list(issue.topics)
        assert entry.summary == issue.summary
        images = [link for link in entry.links if link["rel"] == "http://opds-spec.org/image"]
        assert images and images[0]["href"] == issue.cover


def test_opds_12_text_is_escaped_by_the_writer_not_pasted():
    root = etree.fromstring(FILES["opds.xml"])
    titles = root.findall("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title")
    assert titles[0].text.startswith("Issue ") and "<of> the tide & more" in titles[0].text
    assert b"&lt;of&gt; the tide &amp; more" in FILES["opds.xml"]


def test_navigation_by_author_topic_language_and_series():
    root = feedparser_read(FILES["opds.xml"]).feed
    related = {link["title"]: link["href"] for link in root.links if link["rel"] == "related"
               and "kind=navigation" in link["type"]}
    assert related == {"Authors": "opds/authors.xml", "Topics": "opds/topics.xml",
                       "Languages": "opds/languages.xml", "Series": "opds/series.xml"}
    facets = [link for link in root.links if link["rel"] == "http://opds-spec.org/facet"]
    assert {f["title"] for f in facets} >= {"Author 1", "Ольга Сергеевна", "topic 0", "English",
                                            "français", "العربية", "Ember Tide"}
    authors = feedparser_read(FILES["opds/authors.xml"])
    olga = next(e for e in authors.entries if e.title == "Ольга Сергеевна")
    href = olga.links[0]["href"]
    assert href == "author/ольга-сергеевна.xml"
    shelf = feedparser_read(FILES[f"opds/{href}"])
    assert len(shelf.entries) == sum("Ольга Сергеевна" in i.authors for i in ISSUES)
    epub = acquisitions(shelf.entries[0])["application/epub+zip"][0]["href"]
    assert epub.startswith("../../ember-tide-vol-")  # from opds/author/ back to dist/
    french = feedparser_read(FILES["opds/language/fr.xml"])
    assert {e.dcterms_language for e in french.entries} == {"fr"}


def test_opds_2_validates_against_the_published_schema():
    for name, data in FILES.items():
        if name.endswith(".json"):
            assert schema_errors(data) == [], name
    body = json.loads(FILES["opds.json"])
    assert body["metadata"]["numberOfItems"] == len(ISSUES)
    first = body["publications"][0]
    links = [link for link in first["links"] if link["rel"].endswith("/open-access")]
    assert {link["type"] for link in links} == MEDIA_TYPES
    assert all(isinstance(link["size"], int) and link["size"] > 0 for link in links)
    assert first["images"][0] == {"href": first["images"][0]["href"], "type": "image/png",
                                  "width": 360, "height": 509}
    assert [n["title"] for n in body["navigation"]] == ["Authors", "Topics", "Languages", "Series"]


def test_an_issue_without_a_file_to_take_is_no_publication():
    web_only = synthetic(2)
    for issue in web_only:
        issue.files = [f for f in issue.files if f.role == "web"]
    files = catalog_files(web_only, INFO)
    assert schema_errors(files["opds.json"]) == []
    assert "publications" not in json.loads(files["opds.json"])


def test_the_feed_is_newest_first_and_its_files_are_enclosures():
    parsed = feedparser_read(FILES["feed.xml"])
    dates = [e.published for e in parsed.entries]
    assert dates == sorted(dates, reverse=True)
    enclosures = parsed.entries[0].enclosures
    assert {e["type"] for e in enclosures} == MEDIA_TYPES
    assert all(int(e["length"]) > 0 for e in enclosures)


def test_the_feed_links_resolve_against_the_series_address():
    info = LibraryInfo(title="Ember Tide", identity="https://example.org/et/", base_url="https://example.org/et/")
    parsed = feedparser_read(catalog_files(ISSUES[:1], info)["feed.xml"])
    assert parsed.entries[0].enclosures[0]["href"].startswith("https://example.org/et/ember-tide-vol-1/")


def test_labels_follow_the_library_language():
    info = LibraryInfo(title="Marée", identity="x", language="fr")
    files = catalog_files(ISSUES[:2], info)
    parsed = feedparser_read(files["opds.xml"])
    titles = {link["title"] for link in parsed.entries[0].links if "title" in link}
    assert "EPUB (liseuses)" in titles and "Livret à imprimer et plier (A4)" in titles
    assert any(link.get("title") == "Auteurs" for link in parsed.feed.links)


def test_a_rewrite_with_nothing_changed_writes_nothing_and_a_shelf_gone_is_removed(tmp_path):
    warnings: list[str] = []
    written, _ = write_catalogs(ISSUES, INFO, tmp_path, warnings.append)
    assert tmp_path.joinpath("opds.xml").is_file() and len(written) > 10
    assert tmp_path.joinpath("library", "authors.html").is_file()
    again, _ = write_catalogs(ISSUES, INFO, tmp_path, warnings.append)
    assert again == []
    fewer = [i for i in ISSUES if "Ольга Сергеевна" not in i.authors]
    write_catalogs(fewer, INFO, tmp_path, warnings.append)
    assert not any(tmp_path.joinpath("opds", "author").glob("ольга*"))
    assert not any(tmp_path.joinpath("library", "author").glob("ольга*"))


def test_an_issue_named_like_a_library_folder_keeps_its_folder(tmp_path):
    clash = synthetic(1)
    clash[0].slug = "library"
    warnings: list[str] = []
    write_catalogs(clash, INFO, tmp_path, warnings.append)
    assert any("dist/library/" in w for w in warnings)
    assert not tmp_path.joinpath("library").exists()
    assert tmp_path.joinpath("opds.xml").is_file()


def test_the_search_index_is_made_beside_and_never_through_a_link(tmp_path):
    import pytest

    from zinekit.library.search import available
    from zinekit.safety.output import temporary_prefix

    if not available():
        pytest.skip("Pagefind is not installed (pip install 'zinekit[search]')")
    outside, dist = tmp_path / "outside", tmp_path / "dist"
    outside.mkdir()
    dist.mkdir()
    staged, old = (dist / f"{temporary_prefix()}pagefind-{kind}" for kind in ("new", "old"))
    staged.symlink_to(outside)  # where this process stages its index
    (dist / "pagefind").symlink_to(outside)
    issues = synthetic(2)
    for issue in issues:
        page = dist / issue.slug / "index.html"
        page.parent.mkdir()
        page.write_text(f"<html lang='en'><body><p>Seed swap number {issue.slug}</p></body></html>")
        issue.text_source = page
    _, search = write_catalogs(issues, INFO, dist, lambda message: None)
    assert search and list(outside.iterdir()) == []
    assert not (dist / "pagefind").is_symlink() and (dist / "pagefind" / "pagefind.js").is_file()
    assert not staged.exists() and not old.exists()


def epub_with(path, text: str) -> None:
    """A small EPUB with one page of ``text`` (and a cover and a navigation page)."""
    import zipfile

    xhtml = ('<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
             "<head><title>t</title></head><body><p>{}</p></body></html>")
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        book.writestr("META-INF/container.xml",
                      '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
                      'version="1.0"><rootfiles><rootfile full-path="EPUB/package.opf" '
                      'media-type="application/oebps-package+xml"/></rootfiles></container>')
        book.writestr("EPUB/package.opf",
                      '<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><manifest>'
                      '<item id="c" href="text/cover.xhtml" media-type="application/xhtml+xml"/>'
                      '<item id="n" href="text/nav.xhtml" properties="nav" media-type="application/xhtml+xml"/>'
                      '<item id="a" href="text/article-01.xhtml" media-type="application/xhtml+xml"/>'
                      '</manifest><spine><itemref idref="c"/><itemref idref="n"/><itemref idref="a"/>'
                      "</spine></package>")
        book.writestr("EPUB/text/cover.xhtml", xhtml.format("cover words"))
        book.writestr("EPUB/text/nav.xhtml", xhtml.format("contents words"))
        book.writestr("EPUB/text/article-01.xhtml", xhtml.format(text))


def test_an_issue_without_a_web_edition_is_searched_in_its_epub(tmp_path):
    import gzip
    import json as json_lib

    import pytest

    from zinekit.library.search import available, epub_text

    issues = synthetic(1)
    issue = issues[0]
    issue.web = None
    issue.files = [f for f in issue.files if f.role != "web"]
    (tmp_path / issue.slug).mkdir()
    issue.text_source = tmp_path / issue.slug / f"{issue.slug}.epub"
    epub_with(issue.text_source, "The pantry opens at dawn.")
    page = epub_text(issue, issue.text_source)
    assert "The pantry opens at dawn." in page
    assert "cover words" not in page and "contents words" not in page
    if not available():
        pytest.skip("Pagefind is not installed (pip install 'zinekit[search]')")
    _, search = write_catalogs(issues, INFO, tmp_path, lambda message: None)
    assert search
    fragments = [json_lib.loads(gzip.decompress(f.read_bytes())[len(b"pagefind_dcd"):])
                 for f in (tmp_path / "pagefind" / "fragment").glob("*.pf_fragment")]
    assert [f["meta"].get("link") for f in fragments] == [f"index.html#{issue.slug}"]
    assert "pantry opens at dawn" in fragments[0]["content"]


def test_without_pagefind_the_library_is_written_without_search_and_says_how(tmp_path, monkeypatch):
    from zinekit.library import search

    monkeypatch.setattr(search, "available", lambda: False)
    issues = synthetic(1)
    page = tmp_path / issues[0].slug / "index.html"
    page.parent.mkdir()
    page.write_text("<html><body><p>Text.</p></body></html>")
    issues[0].text_source = page
    warnings: list[str] = []
    _, found = write_catalogs(issues, INFO, tmp_path, warnings.append)
    assert not found and not (tmp_path / "pagefind").exists()
    assert warnings == ["the library is written without its search: Pagefind is not installed "
                        "(pip install 'zinekit[search]')"]
    assert (tmp_path / "opds.xml").is_file() and not (tmp_path / "library-search.js").exists()
    assert "<form class=\"zk-search\"" not in (tmp_path / "library" / "authors.html").read_text(encoding="utf-8")
