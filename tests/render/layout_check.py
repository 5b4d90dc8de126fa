"""Lay an issue out as the build does and measure its pages from WeasyPrint's boxes:
how full each page is, and which pages may be short (covers, contents, the last page of
an article)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from weasyprint.formatting_structure import boxes

from zinekit.pipeline.build import BuildOptions, prepare_issue
from zinekit.errors import Diagnostics
from zinekit.project import open_project
from zinekit.render.document import render_issue_html
from zinekit.render.fetcher import ProjectFetcher
from zinekit.render.pdf import render_document
from zinekit.themes_loader import builtin_themes_folder

#: Pages that are whole by design, whatever they hold.
SHORT_BY_DESIGN = ("front-cover", "title-page", "contents", "back-cover")


@dataclass
class LaidOutIssue:
    pages: list  # weasyprint Page objects
    fill: list[float]  # per page, 0 (empty) to 1 (full)
    may_be_short: set[int]  # 1-based pages allowed to be less than a third full
    diagnostics: Diagnostics


def lay_out(path: Path, theme: str) -> LaidOutIssue:
    """The reading PDF of the issue at ``path`` in ``theme``, laid out, not written."""
    diagnostics = Diagnostics()
    project = open_project(path, diagnostics)
    prepared = prepare_issue(path, project, BuildOptions(theme=theme))
    html = render_issue_html(prepared, mode="print")
    fetcher = ProjectFetcher([prepared.issue.root, *prepared.theme.folders, builtin_themes_folder()])
    document = render_document(html, prepared.issue, prepared.theme.stylesheets("print"), fetcher,
                               diagnostics)
    fill = [page_fill(page) for page in document.pages]
    anchors = [a.anchor for a in prepared.issue.articles]
    return LaidOutIssue(document.pages, fill, short_pages(document.pages, anchors), diagnostics)


def _walk(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _walk(child)


def page_fill(page) -> float:
    """The share of the page area's height holding ink: from its top to the bottom of
    the lowest line or picture of the text, plus the notes' area."""
    page_box = page._page_box
    top, height = page_box.content_box_y(), page_box.height
    lowest, notes = top, 0.0
    for child in page_box.children:
        if isinstance(child, boxes.FootnoteAreaBox):
            notes = child.margin_height() if child.children else 0.0
            continue
        if isinstance(child, boxes.MarginBox):
            continue
        for box in _walk(child):
            if isinstance(box, (boxes.LineBox, boxes.ReplacedBox)):
                lowest = max(lowest, box.position_y + box.margin_height())
    return min(1.0, (lowest - top + notes) / height)


def short_pages(pages, article_anchors: list[str]) -> set[int]:
    """Covers, title page, contents, and each article's last page (the page before the
    next article, the back cover, or the end)."""
    first_page: dict[str, int] = {}
    for number, page in enumerate(pages, start=1):
        for anchor in page.anchors:
            first_page.setdefault(anchor, number)
    starts = {first_page[a] for a in article_anchors if a in first_page}
    special = {first_page[a] for a in SHORT_BY_DESIGN if a in first_page}
    boundaries = starts | special | {len(pages) + 1}
    return special | {n - 1 for n in boundaries if n > 1}
