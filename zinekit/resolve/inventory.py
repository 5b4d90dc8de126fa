"""An issue's inventory: its articles, anchors and the page of each in its reading PDF.

Other issues resolve their references against it (format: docs/catalog.md, §inventory).
"""

from __future__ import annotations


from zinekit.model import Inventory, InventoryAnchor, InventoryArticle, Issue
from zinekit.resolve.catalog import INVENTORY_FORMAT, INVENTORY_VERSION


def make_inventory(issue: Issue, anchor_pages: dict[str, int] | None, pages: int | None,
                   pdf_name: str | None) -> Inventory:
    """The inventory of a built issue; ``anchor_pages`` maps ids to 1-based pages.

    Without ``anchor_pages`` (an issue not laid out yet) pages are left empty: such a
    provisional inventory lets other issues find titles while the build is ordered.
    """
    known = anchor_pages or {}

    def page_of(anchor: str) -> tuple[int | None, str | None]:
        page = known.get(anchor)
        return page, (str(page) if page else None)

    articles: list[InventoryArticle] = []
    anchors: list[InventoryAnchor] = []
    for article in issue.articles:
        if article.title:
            page, label = page_of(article.anchor)
            articles.append({"title": article.title, "authors": article.authors,
                             "anchor": article.anchor, "page": page, "page_label": label})
        for heading in article.headings:
            page, label = page_of(heading.anchor)
            anchors.append({"id": heading.anchor, "title": heading.title, "level": heading.level,
                            "page": page, "page_label": label, "article": article.anchor})
    meta = issue.meta
    return {
        "format": INVENTORY_FORMAT,
        "version": INVENTORY_VERSION,
        "title": issue.title,
        "series": meta.typed.series,
        "volume": meta.typed.volume,
        "number": meta.typed.number,
        "chapter": meta.typed.chapter,
        "slug": issue.slug,
        "pdf": pdf_name,
        "url": meta.typed.url,
        "pages": pages,
        "page_labels": [str(n) for n in range(1, pages + 1)] if pages else None,
        "articles": articles,
        "anchors": anchors,
    }


def is_provisional(inventory: Inventory | None) -> bool:
    return inventory is None or inventory.get("pages") is None
