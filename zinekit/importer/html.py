"""A saved article page (HTML) → zinekit Markdown.

1. the page's metadata (title, authors, date, site) is read with trafilatura;
2. the article is the page's ``<article>``, else ``<main>``, else its ``<body>``;
3. the site's chrome is dropped (scripts, navigation, sign-up boxes, reading time,
   claps, recommendations), each drop reported with its line and text;
4. embeds (tweets, videos, frames) become a quoted block with their text and address;
5. HTML footnotes (``<sup><a href="#fn1">``) become Markdown footnotes;
6. figures become an image whose caption is its alt text (zinekit's figure);
7. the rest is converted by markdownify: headings, emphasis, links, lists with their
   start numbers, block quotes.
"""

from __future__ import annotations

import re
from typing import Any

from zinekit.errors import SourceError
from zinekit.importer.document import Imported
from zinekit.importer.htmldepth import flatten_deep, parser, shallow_source
from zinekit.importer.htmlparts import (
    drop_chrome,
    extract_footnotes,
    figures_as_images,
    replace_embeds,
    require,
)
from zinekit.importer.report import Report


#: Characters XML cannot hold (lxml refuses them in a new element): never words.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def without_controls(text: str, report: Report) -> str:
    """``text`` without the control characters XML cannot hold, reported with a count."""
    found = len(CONTROL.findall(text))
    if found:
        report.note(f"{found:,} control characters left out (they are not text)", 1, 1)
    return CONTROL.sub("", text) if found else text


def import_html(text: str, source: str) -> Imported:
    """Import one saved web page."""
    lxml_html = require("lxml.html", "lxml")
    report = Report(source)
    text = without_controls(text, report)
    try:
        tree = lxml_html.document_fromstring(shallow_source(text, report), parser=parser())
    except Exception as exc:  # lxml raises ParserError and ValueError for non-HTML
        raise SourceError(f"not an HTML page: {exc}", source, 1, 1) from exc
    meta = page_metadata(text, tree)
    root = article_root(tree)
    flatten_deep(root, report)
    report_outside(tree, root, report)
    drop_chrome(root, report, title=meta.get("title"))
    replace_embeds(root, report)
    notes = extract_footnotes(root, report)
    figures_as_images(root, report)
    body = to_markdown(lxml_html.tostring(root, encoding="unicode"))
    body = body.rstrip() + "\n\n" + "\n\n".join(f"[^{label}]: {to_markdown(html).strip()}"
                                               for label, html in notes)
    return Imported(meta, body.strip() + "\n", report, "html")


def page_metadata(text: str, tree: Any) -> dict[str, Any]:
    """Title, authors, date and site of the page, as trafilatura reads them."""
    trafilatura = require("trafilatura", "trafilatura")
    found = trafilatura.extract_metadata(tree)
    meta: dict[str, Any] = {}
    if found is None:
        return meta
    if found.title:
        meta["title"] = found.title
    if found.author:
        meta["authors"] = [with_initials(a.strip(), text) for a in
                           re.split(r";|,\s+and\s+|\s+and\s+", found.author) if a.strip()]
    if found.date:
        meta["date"] = found.date
    if found.url:
        meta["source"] = found.url
    elif found.sitename:
        meta["source"] = found.sitename
    return meta


def with_initials(name: str, page: str) -> str:
    """The name as the page writes it: trafilatura drops an initial's full stop
    (``R. Okonkwo-Bell`` → ``R Okonkwo-Bell``)."""
    parts = [re.escape(p) + (r"\.?" if len(p) == 1 else "") for p in name.split()]
    found = re.search(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", page)
    return " ".join(found.group(0).split()) if found else name


def article_root(tree: Any) -> Any:
    for path in ("//article", "//main", "//*[@role='main']", "//body"):
        found = tree.xpath(path)
        if found:
            return max(found, key=lambda el: len(el.text_content()))
    return tree


def report_outside(tree: Any, root: Any, report: Report) -> None:
    """Say which element was taken as the article and what of the page was left out."""
    if root is tree:
        return
    body = tree.find("body")
    outside = " ".join(body.text_content().split()) if body is not None else ""
    inside = " ".join(root.text_content().split())
    left = outside.replace(inside, " ").strip() if inside else outside
    if left and root.tag != "body":
        report.note(f"the article is the page's <{root.tag}>; the rest of the page (navigation, "
                    f"headers, footers, {len(left.split())} words) is left out",
                    root.sourceline or 0, dropped=left)


def to_markdown(html: str) -> str:
    """markdownify with zinekit's choices: ATX headings, ``*`` emphasis, no wrapping."""
    markdownify = require("markdownify", "markdownify")
    text = markdownify.markdownify(html, heading_style="ATX", bullets="-", escape_misc=False,
                                   strong_em_symbol="*", strip=["span", "font", "u"])
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
