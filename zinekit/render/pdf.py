"""HTML → PDF with WeasyPrint, reading only what the project allows.

:func:`render_pdf` lays out one PDF edition of a prepared issue: the reading PDF, or the
print edition the booklet and the press PDF are made from.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Callable

import PIL.Image
import weasyprint
from weasyprint.text.fonts import FontConfiguration

from zinekit.errors import Diagnostics
from zinekit.model import READING, Edition, Issue, LaidOut, Prepared
from zinekit.reachins import page_box, rendering, weasyprint_log, with_stack_room
from zinekit.render.document import render_issue_html
from zinekit.render.fetcher import ProjectFetcher, report_image, report_refusals
from zinekit.render.fonts import check_font_coverage, check_font_families
from zinekit.render.page_budget import check_page_budget
from zinekit.render.note_overflow import (NotePlacement, article_of, misplaced_footnotes,
                                          moved_note, placement_for, report_misplaced)
from zinekit.render.page_starts import page_starts
from zinekit.render.pdf_write import READING_VARIANT, pdf_bytes, variant_options
from zinekit.render.safe_area import safe_area_css, theme_margins
from zinekit.proof.settle import needs_settling, settle
from zinekit.themes_loader import builtin_themes_folder


def render_document(html: str, issue: Issue, stylesheets: list[Path],
                    fetcher: ProjectFetcher, diagnostics: Diagnostics,
                    variant: str | None = None,
                    placement: NotePlacement | None = None,
                    extra_css: str | None = None, mended: str | None = None,
                    kept: list[str] | None = None, first_page: int = 1) -> weasyprint.Document:
    """Lay out the issue once.  Footnotes sit at the foot of the page of their call
    (``footnote-policy: line``, with :mod:`zinekit.reachins`' fixes to WeasyPrint); a note
    still moved to the next page is reported where it is called.  The one exception to
    a single layout: a theme that sets text in columns, where WeasyPrint moves notes a
    page on in dense text, lays the articles concerned out again in one column (issues
    of at most 100 pages; see docs/performance.md, "Footnotes WeasyPrint moves").
    Then, with ``placement``, the notes of ``notes_overflow: end`` articles that still
    have no room under their call are set at their article's end, and the issue laid
    out again (see :mod:`zinekit.render.note_overflow`).  ``extra_css`` is laid out
    after the theme's stylesheets every time (a vendor's safe area).  ``mended``: the
    page-turn mending rules to lay out with, instead of finding them (a part laid out
    again, :mod:`zinekit.render.parts`); ``kept`` receives the rules found;
    ``first_page`` is the number of the first page (a part's) in what is reported."""
    with rendering(diagnostics.warning):
        return _settled(html, issue, stylesheets, fetcher, diagnostics, variant, placement,
                        extra_css, mended, kept, first_page)


def _settled(html: str, issue: Issue, stylesheets: list[Path], fetcher: ProjectFetcher,
             diagnostics: Diagnostics, variant: str | None,
             placement: NotePlacement | None, extra_css: str | None,
             mended: str | None = None, kept: list[str] | None = None,
             first_page: int = 1) -> weasyprint.Document:
    def css(*more: str | None) -> str | None:
        return " ".join(filter(None, (extra_css, *more))) or None

    document = _layout(html, issue, stylesheets, fetcher, diagnostics, variant, css(mended))
    misplaced = misplaced_footnotes(document)
    one_column = None
    if misplaced and has_columns(document) and len(document.pages) <= COLUMN_RETRY_MAX_PAGES:
        one_column = one_column_css(issue, misplaced)
        retry = _layout(html, issue, stylesheets, fetcher, Diagnostics(), variant,
                        css(one_column, mended))
        if len(misplaced_footnotes(retry)) < len(misplaced):
            document = retry
        else:
            one_column = None
    if placement is not None:
        document, html = placement.settle(document, html, lambda again: _layout(
            again, issue, stylesheets, fetcher, Diagnostics(), variant, css(one_column, mended)))
    if mended is None and needs_settling(document):  # page-turn hyphens, runt pages
        document = settle(document, lambda more: _layout(  # (zinekit/proof/settle.py)
            html, issue, stylesheets, fetcher, Diagnostics(), variant, css(one_column, more)),
            lambda d: Counter(article_of(note) for note in misplaced_footnotes(d)), kept)
    report_misplaced(document, issue, diagnostics, placement, first_page)
    return document


COLUMN_RETRY_MAX_PAGES = 100


def has_columns(document: weasyprint.Document) -> bool:
    """Whether any page sets text in columns."""
    def walk(box) -> bool:
        return getattr(box, "is_column", False) or any(
            walk(child) for child in getattr(box, "children", None) or ())
    return any(walk(page_box(page)) for page in document.pages)


def one_column_css(issue: Issue, misplaced: list[str]) -> str:
    """The first retry where there are columns: the articles whose notes WeasyPrint
    moved, set in one column.
    (Its columns estimate the notes' room from a trial layout and move the notes that
    the final one adds: a theme with columns, such as ``photocopy``, falls back to one
    column for an article with a note in most paragraphs.)"""
    anchors = [a.anchor for a in issue.articles
               if any(fid.startswith(f"fn-{a.anchor}-") for fid in misplaced)]
    return " ".join(f'article[id="{anchor}"] {{ columns: auto !important; }}' for anchor in anchors)


def _layout(html: str, issue: Issue, stylesheets: list[Path], fetcher: ProjectFetcher,
            diagnostics: Diagnostics, variant: str | None,
            extra_css: str | None = None) -> weasyprint.Document:
    """One WeasyPrint layout; its warnings about missing files become diagnostics."""
    with weasyprint_log() as collector, warnings.catch_warnings():
        # a huge image is reported where it is written
        warnings.simplefilter("ignore", PIL.Image.DecompressionBombWarning)
        document = _render(html, issue, stylesheets, fetcher, variant, extra_css)
    report_refusals(fetcher, issue, diagnostics)
    for message in collector.messages:
        image = re.search(r"Failed to load image at [\"']?([^\"'\s]+)", message)
        if image and "zinekit refused" not in message:
            report_image(image.group(1), issue, stylesheets, fetcher, diagnostics)
    return document


def _render(html: str, issue: Issue, stylesheets: list[Path], fetcher: ProjectFetcher,
            variant: str | None, extra_css: str | None) -> weasyprint.Document:
    """WeasyPrint's layout, every file seen at its address under the mounts."""
    fonts = FontConfiguration()
    css = [weasyprint.CSS(string=p.read_text(encoding="utf-8"), base_url=fetcher.url_for(p),
                          url_fetcher=fetcher, font_config=fonts) for p in stylesheets]
    if extra_css:
        css.append(weasyprint.CSS(string=extra_css, font_config=fonts))
    base_url = fetcher.url_for(issue.source_file.parent) + "/"
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        stylesheets=css, font_config=fonts, **variant_options(variant))


def edition_setup(prepared: Prepared, edition: Edition,
                  diagnostics: Diagnostics) -> tuple[str, NotePlacement, ProjectFetcher]:
    """What a layout of an edition starts from: its HTML, where its notes go when they
    have no room, the fetcher that reads only what the project allows; the theme's
    fonts checked against the text."""
    issue, theme = prepared.issue, prepared.theme
    html = render_issue_html(prepared, mode="print", edition=edition)
    placement = placement_for(prepared, lambda end_notes: render_issue_html(
        prepared, mode="print", edition=replace(edition, end_notes=end_notes)),
        edition.end_notes)
    fetcher = ProjectFetcher([issue.root, *theme.folders, builtin_themes_folder()],
                             allow_network=issue.build.typed.allow_network,
                             mounts=[issue.root, builtin_themes_folder()])
    check_font_coverage(issue, theme.fonts(), diagnostics)
    check_font_families(theme.stylesheets("print"), diagnostics)
    return html, placement, fetcher


def edition_variant(variant: str | None, edition: Edition) -> str | None:
    """The variant asked for; by default PDF/UA-1 for the reading PDF, none for paper."""
    if variant is not None or edition.print_edition:
        return variant
    return READING_VARIANT


def render_pdf(prepared: Prepared, variant: str | None = None, with_bytes: bool = True,
               diagnostics: Diagnostics | None = None,
               on_layout: Callable[[weasyprint.Document], None] | None = None,
               keep_document: list[tuple[weasyprint.Document, str]] | None = None,
               edition: Edition = READING) -> LaidOut:
    """Lay out a PDF edition (by default the reading PDF, tagged PDF/UA-1): its bytes,
    page count, the page of every anchor and where each page begins; problems go to
    ``diagnostics`` (the issue's by default).
    ``with_bytes=False`` lays it out for its pages only: writing a 1,000-page PDF is
    about a sixth of the time it takes.  ``end_notes`` (the ids of footnotes to print at
    their article's end, e.g. those the reading PDF moved) start the print edition
    where the reading PDF ended (:mod:`zinekit.render.note_overflow`).  ``on_layout`` is
    handed WeasyPrint's document (the preview's page view reads where blocks landed);
    ``keep_document`` receives ``(document, html)``, to draw the same layout again (the
    print editions)."""
    issue, theme = prepared.issue, prepared.theme
    diagnostics = prepared.diagnostics if diagnostics is None else diagnostics
    variant = edition_variant(variant, edition)
    html, placement, fetcher = edition_setup(prepared, edition, diagnostics)
    with warnings.catch_warnings(), rendering(diagnostics.warning):
        warnings.simplefilter("ignore", PIL.Image.DecompressionBombWarning)  # reported later
        extra_css = None
        if edition.safe_mm is not None:  # the vendor's safe area (zinekit/render/safe_area.py)
            margins = theme_margins(lambda body: _render(
                f"<html><body>{body}</body></html>", issue, theme.stylesheets("print"), fetcher,
                variant, None))
            extra_css = safe_area_css(edition.safe_mm, margins)
        document = with_stack_room(render_document, html, issue, theme.stylesheets("print"),
                                   fetcher, diagnostics, variant, placement, extra_css)
        data = with_stack_room(pdf_bytes, document, html, variant) if with_bytes else b""
    if on_layout is not None:
        on_layout(document)
    if keep_document is not None:
        keep_document.append((document, html))
    report = moved_note(prepared, placement)
    if report and not edition.print_edition:  # the print edition moves the same
        prepared.notes.append(report)
    if edition == READING:  # the reading PDF: does it fit the sheets the theme folds it from?
        check_page_budget(prepared, len(document.pages), diagnostics)
    anchor_pages: dict[str, int] = {}
    for number, laid_out in enumerate(document.pages, start=1):
        for anchor in laid_out.anchors:
            anchor_pages.setdefault(anchor, number)
    return LaidOut(data, len(document.pages), anchor_pages, page_starts(document))

