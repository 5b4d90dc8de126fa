"""The EPUB 3 edition, from the same prepared issue the reading PDF comes from.

    prepared issue → pages (theme templates, screen+EPUB markup) → XHTML
      → links across files, packed images, printed page numbers → navigation
      → stylesheet and fonts → cover → package document → zip

Layout of the file (inside ``EPUB/``): ``package.opf``; ``text/`` holds one XHTML page
each for the cover, the title page, the contents (the navigation document), every
article (``article-NN.xhtml``, or ``chapter-NN.xhtml`` for the chapters of a book in one
file), the further-reading list and the colophon; ``css/epub.css``; ``fonts/``;
``images/``.  See docs/epub.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from zinekit.locale import labels
from zinekit.model import Article, Edition, Issue, Prepared
from zinekit.render.document import article_context, build_date, issue_context, other_languages
from zinekit.render.languages import mark_languages
from zinekit.render.epub.assets import ImagePacker, Resources, epub_stylesheets
from zinekit.render.epub.cover import generated_cover
from zinekit.render.epub.fonts import pack_stylesheet
from zinekit.render.epub.pagebreaks import Marker, insert_markers, page_list, plan_markers
from zinekit.render.epub.package import (
    CONTENT_FOLDER,
    Accessibility,
    Item,
    SpineEntry,
    book_identifier,
    container_document,
    package_document,
    zip_epub,
)
from zinekit.render.epub.xhtml import (
    Page,
    add_locators,
    h,
    match_roles,
    id_locations,
    page_properties,
    parse_page,
    remove_remote,
    rewrite_images,
    rewrite_links,
    serialize,
)

NAV = "text/nav.xhtml"


@dataclass
class Source:
    """What one page is made from, for image lookups and the contents."""

    page: Page
    article: Article | None = None
    context: dict[str, Any] | None = None


def build_epub(prepared: Prepared, print_pages: dict[str, int] | None = None,
               page_starts: list[tuple[str, int]] | None = None) -> bytes:
    """The issue as an EPUB file; problems go to ``prepared.diagnostics``.
    ``print_pages`` and ``page_starts`` come from the laid-out reading PDF
    (:class:`~zinekit.model.LaidOut`): the page of each anchor, the block each page
    begins in."""
    issue, theme = prepared.issue, prepared.theme
    resources = Resources()
    images = ImagePacker(issue, resources, prepared.diagnostics)
    renderer = PageRenderer(prepared)
    cover = _cover(renderer, prepared, resources, images)
    sources = renderer.body_pages()
    pages = [cover, *(s.page for s in sources)]
    # 1. links across files, packed images, the printed locators of same-issue references
    for source in sources:
        rewrite_images(source.page, images.for_article(source.article))
    for source in [Source(cover), *sources]:  # nothing a reader's app fetches elsewhere
        remove_remote(source.page, images.remote_removed(source.article))
    where = id_locations(pages)
    rewrite_links(pages, where)
    print_pages = _known(print_pages or {}, where)
    for page in pages:
        add_locators(page, print_pages)
    # 2. the navigation document: contents, landmarks, the print edition's pages
    spine_names = [cover.name, sources[0].page.name, NAV, *(s.page.name for s in sources[1:])]
    markers = _page_markers(page_starts or [], where, spine_names, issue.is_multi_article)
    nav = renderer.nav(sources, cover, page_list(markers))
    spine = [cover, sources[0].page, nav, *(s.page for s in sources[1:])]
    insert_markers(spine, markers)
    for page in spine:
        match_roles(page)
    # 3. stylesheet with only the fonts the text uses; then the package
    css = pack_stylesheet(epub_stylesheets(theme), theme, spine, resources, prepared.diagnostics)
    resources.add("css/epub.css", "text/css", css)
    access = _accessibility(issue, sources, bool(markers))
    return _package(issue, spine, nav, resources, access, issue.is_multi_article,
                    prepared.source_date)


# --- pages -----------------------------------------------------------------------

class PageRenderer:
    """Renders the theme's ``epub/*.xhtml`` templates into parsed pages."""

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.issue = prepared.issue
        self.resolved = prepared.resolved
        self.env = prepared.theme.jinja_env()
        self.issue_ctx = issue_context(prepared.issue)
        self.label = labels(prepared.issue.language)

    def render(self, name: str, kind: str, template: str, title: str, body_type: str = "",
               **context: Any) -> Page:
        html = self.env.get_template(template).render(
            issue=self.issue_ctx, page_title=title, kind=kind, body_type=body_type,
            build_date=build_date(self.prepared.source_date), **self.label.template_globals(),
            **context)
        html = mark_languages(html, self.issue.language, other_languages(self.prepared))
        return Page(name=name, title=title, root=parse_page(html), kind=kind)

    def body_pages(self) -> list[Source]:
        """Title page, each article, further reading, colophon — in reading order."""
        issue = self.issue
        sources = [Source(self.render("text/title.xhtml", "title", "epub/title.xhtml",
                                      issue.title, "frontmatter titlepage"))]
        number = 0
        for article in issue.articles:
            ctx = article_context(article, self.prepared, "screen", Edition(epub=True))
            if article.is_intro:
                name, title = "text/intro.xhtml", issue.title
            else:  # the chapters of a book in one file are named so
                number += 1
                kind = "chapter" if article.chapter else "article"
                name, title = f"text/{kind}-{number:02d}.xhtml", article.title or issue.title
            page = self.render(name, "article", "epub/article.xhtml", title, "bodymatter",
                               article=ctx)
            sources.append(Source(page, article, ctx))
        if issue.meta.typed.further_reading and self.resolved.bibliography_html:
            sources.append(Source(self.render(
                "text/further-reading.xhtml", "further-reading", "epub/further-reading.xhtml",
                self.label("Further reading"), "backmatter", bibliography_html=self.resolved.bibliography_html)))
        colophon = self.render("text/colophon.xhtml", "colophon", "epub/colophon.xhtml",
                               self.label("Colophon"), "backmatter")
        body = colophon.root.find(h("body"))
        if body is not None and len(body):
            sources.append(Source(colophon))
        return sources

    def nav(self, sources: list[Source], cover: Page, page_list: list[dict[str, str]]) -> Page:
        label = self.label
        landmarks = [{"type": "cover", "href": _rel(cover.name), "label": label("Cover")},
                     {"type": "titlepage", "href": _rel(sources[0].page.name), "label": label("Title page")},
                     {"type": "toc", "href": "#toc", "label": label("Contents")}]
        first_text = next((s for s in sources if s.article is not None), None)
        if first_text is not None:
            landmarks.append({"type": "bodymatter", "href": _rel(first_text.page.name),
                              "label": label("Start of the text")})
        page = self.render(NAV, "nav", "epub/nav.xhtml", label("Contents"),
                           toc=_toc(sources, self.issue), landmarks=landmarks, page_list=page_list)
        page.properties.add("nav")
        return page


def _rel(name: str) -> str:
    """A page's href as seen from the navigation document (both live in ``text/``)."""
    return name.removeprefix("text/")


def _toc(sources: list[Source], issue: Issue) -> list[dict[str, Any]]:
    """Contents entries: each article, with its top-level headings beneath it."""
    entries: list[dict[str, Any]] = []
    for source in sources:
        article, page = source.article, source.page
        if article is None:
            if source.page.kind in ("further-reading", "colophon"):
                entries.append({"label": page.title, "href": _rel(page.name), "children": []})
            continue
        top = min((hd.level for hd in article.headings), default=0)
        children: list[dict[str, Any]] = [{"label": hd.title, "href": f"{_rel(page.name)}#{hd.anchor}", "children": []}
                    for hd in article.headings if hd.level == top]
        if article.title:
            entries.append({"label": article.title, "href": _rel(page.name), "children": children})
        elif article.is_intro:
            label = labels(issue.language)
            entries.append({"label": label("Introduction"), "href": _rel(page.name), "children": []})
        else:  # the one text of a single-file issue
            entries.append({"label": issue.title, "href": _rel(page.name), "children": children})
    return entries


def _cover(renderer: PageRenderer, prepared: Prepared, resources: Resources,
           images: ImagePacker) -> Page:
    """The cover page: the front matter's ``cover:`` image, else one the theme draws."""
    issue = prepared.issue
    name = None
    if issue.meta.typed.cover:
        written = str(issue.meta.typed.cover)
        where = (str(issue.source_file), issue.meta.line_of("cover"), 1)
        name = images.pack_path(issue.source_file.parent / written, written, where)
    if name is None:
        svg = generated_cover(prepared.theme, prepared.page, issue_context(issue))
        name = resources.add("images/cover.svg", "image/svg+xml", svg)
    resources.items[name].properties.add("cover-image")
    label = labels(issue.language)
    alt = label("Cover: {title}", title=issue.title)
    return renderer.render("text/cover.xhtml", "cover", "epub/cover.xhtml",
                                         alt, "cover", cover_src=f"../{name}", cover_alt=alt)


# --- printed page numbers --------------------------------------------------------

def _known(print_pages: dict[str, int], where: dict[str, str]) -> dict[str, int]:
    """The PDF's anchors that exist in the EPUB (a footnote call ``call-fn-…`` in print
    is the noteref ``ref-fn-…`` here, the contents page is the navigation's ``toc``)."""
    known = {}
    for anchor, number in print_pages.items():
        ident = "ref-" + anchor[5:] if anchor.startswith("call-fn-") else anchor
        ident = "toc" if ident == "contents" else ident  # the printed contents page
        if ident in where:
            known[ident] = number
    return known


def _page_markers(starts: list[tuple[str, int]], where: dict[str, str], spine: list[str],
                  has_contents: bool) -> list[Marker]:
    """Where the marker of each page of the reading PDF goes (see pagebreaks.py): the
    print contents page is the navigation document's contents."""
    known = dict(where)
    if has_contents:
        known["toc"] = NAV
    named = [("toc" if ident == "contents" else ident, words) for ident, words in starts]
    return plan_markers(named, known, spine[-1])


# --- package ---------------------------------------------------------------------

def _accessibility(issue: Issue, sources: list[Source], has_page_list: bool) -> Accessibility:
    """What the content offers.  An image is described when the Markdown gives it alt
    text or calls it decorative (``![](src "decorative")``, written ``alt=""``)."""
    imgs = [el for s in sources for el in s.page.elements() if el.tag == h("img")]
    written = [image for article in issue.articles for image in article.images]
    described = (all(el.get("alt") is not None for el in imgs)
                 and all(image.alt or image.decorative for image in written))
    source = f"{issue.title} ({issue.slug}.pdf, the reading PDF)" if has_page_list else None
    return Accessibility(has_images=bool(imgs), all_images_described=described,
                         has_page_list=has_page_list, source_of_pages=source)


def _package(issue: Issue, spine: list[Page], nav: Page, resources: Resources,
             access: Accessibility, multi: bool, source_date: datetime | None) -> bytes:
    items = []
    for page in spine:
        items.append(Item(page.name, "application/xhtml+xml", serialize(page.root),
                          page_properties(page)))
    for name in sorted(resources.items):
        res = resources.items[name]
        items.append(Item(name, res.media_type, res.data, res.properties))
    for item in items:
        item.id = "item-" + "".join(ch if ch.isalnum() else "-" for ch in item.href)
    # The contents page is in the reading order only when the printed issue has one;
    # otherwise it is a spine item outside it, so landmarks may still point at it.
    entries = [SpineEntry(page.name, linear=page is not nav or multi) for page in spine]
    identifier = book_identifier(issue)
    opf = package_document(issue, identifier, access, items, entries, source_date)
    files = [("META-INF/container.xml", container_document()),
             (f"{CONTENT_FOLDER}/package.opf", opf)]
    files += [(f"{CONTENT_FOLDER}/{item.href}", item.data) for item in items]
    return zip_epub(files, source_date)

