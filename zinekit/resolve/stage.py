"""Stage 2: resolve an issue's cross-references and citations.

Fills a :class:`~zinekit.render.document.Resolved` that the renderers read: a link and a
locator for each "see" clause, formatted text for each citation.
"""

from __future__ import annotations

from zinekit.errors import Diagnostics
from zinekit.model import CrossReference, Issue
from zinekit.render.document import Resolved
from zinekit.render.markup_html import XrefView


def local_anchors(issue: Issue) -> dict[str, str]:
    """Every anchor of the issue with its title: articles and headings."""
    anchors = {a.anchor: (a.title or issue.title) for a in issue.articles}
    for article in issue.articles:
        for heading in article.headings:
            anchors[heading.anchor] = heading.title
    return anchors


def resolve_issue(issue: Issue, diagnostics: Diagnostics) -> Resolved:
    resolved = Resolved()
    anchors = local_anchors(issue)
    for xref in issue.all_xrefs():
        view = _resolve_local(xref, anchors)
        if view is None:
            _unresolved(xref, "names no known text", diagnostics)
            continue
        resolved.xrefs[xref.id] = view
    return resolved


def _resolve_local(xref: CrossReference, anchors: dict[str, str]) -> XrefView | None:
    text = xref.text.strip()
    if not text.startswith("#"):
        return None
    anchor = text[1:].strip()
    if anchor not in anchors:
        return None
    return XrefView(href=f"#{anchor}", title=anchors[anchor], resolved=True,
                    replace_text=anchors[anchor], local=True)


def _unresolved(xref: CrossReference, why: str, diagnostics: Diagnostics) -> None:
    diagnostics.warning(f"cross-reference 'see {xref.text}' {why}; left as written",
                        xref.where.path, xref.where.line, xref.where.col)
