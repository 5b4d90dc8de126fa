"""Stage 2: resolve an issue's cross-references and citations.

Each "see" clause's targets are parsed (:mod:`grammar`), looked up in the series'
catalog (:mod:`references`), and turned into what the renderers print: a link and the
locator the printed text lacks.  A clause that names nothing known is a warning (an
error under ``--strict``); a page out of range or an ambiguous title is an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from zinekit.errors import Diagnostics
from zinekit.locale import labels
from zinekit.model import CrossReference, Issue, Resolved, Target, XrefView
from zinekit.resolve.bibliography import resolve_citations
from zinekit.resolve.catalog import Catalog, CatalogIssue
from zinekit.resolve.catalog_toml import load_catalog
from zinekit.resolve.grammar import parse_targets
from zinekit.resolve.references import RefContext, Resolution, resolve

PdfHref = Callable[[CatalogIssue], "str | None"]


def open_catalog(project_data: dict | None, root: Path, toml_path: Path | None,
                 diagnostics: Diagnostics) -> Catalog:
    """The series catalog of a project (an empty one for a lone Markdown file)."""
    if project_data is None:
        return Catalog.empty()
    return load_catalog(project_data, root, toml_path, diagnostics)


def local_anchors(issue: Issue) -> dict[str, str]:
    """Every anchor of the issue with its title: articles and headings."""
    anchors = {a.anchor: (a.title or issue.title) for a in issue.articles}
    for article in issue.articles:
        for heading in article.headings:
            anchors[heading.anchor] = heading.title
    return anchors


def context_for(issue: Issue, catalog: Catalog, pdf_href_for: PdfHref | None) -> RefContext:
    current = catalog.issue_for_source(issue.path) or catalog.issue_for_source(issue.source_file)
    series = catalog.series_of(current) if current is not None else None
    if series is None and issue.meta.typed.series:
        series = catalog.find_series(issue.meta.typed.series)
    return RefContext(series=series or catalog.home, issue=current,
                      local_anchors=local_anchors(issue), pdf_href_for=pdf_href_for,
                      labels=labels(issue.language))


def resolve_issue(issue: Issue, diagnostics: Diagnostics, catalog: Catalog | None = None,
                  pdf_href_for: PdfHref | None = None) -> Resolved:
    """Resolve every cross-reference and citation of ``issue``; report what does not
    resolve.  The issue is not changed: what it resolved to is in the result."""
    catalog = catalog or Catalog.empty()
    context = context_for(issue, catalog, pdf_href_for)
    resolved = Resolved()
    resolved.download_url = ((context.issue.url if context.issue else None)
                             or (context.series.url if context.series else None))
    for xref in issue.all_xrefs():
        results = [resolve(q, catalog, context) for q in parse_targets(xref.text)]
        resolved.xrefs[xref.id] = _view(xref, results, diagnostics)
        # A back issue's PDF is read when first cited: if it cannot be, the issue citing
        # it has that error too (a page it cites cannot be checked or linked).
        for result in results:
            if result.issue is not None and result.issue.pages is None and result.issue.problem:
                diagnostics.add(result.issue.problem)
    # Citations and the further-reading list (zinekit.resolve.bibliography).
    resolve_citations(issue, diagnostics, resolved)
    return resolved


def xref_view(xref: CrossReference, results: list[Resolution], diagnostics: Diagnostics) -> XrefView:
    """How a clause prints, from its targets' resolutions (an anthology changes some
    of them first); the targets that failed are reported."""
    return _view(xref, results, diagnostics)


def _view(xref: CrossReference, results: list[Resolution], diagnostics: Diagnostics) -> XrefView:
    """How the clause prints, after reporting each target that failed."""
    targets = tuple(_target(r) for r in results)
    if not results:
        _report(xref, "names no known text", diagnostics, "warning")
        return XrefView(targets=targets)
    for result in results:
        if result.status in ("ambiguous", "out-of-range"):
            _report(xref, result.message, diagnostics, "error")
        elif not result.ok:
            _report(xref, f"names no known text ({result.message})" if result.message
                    else "names no known text", diagnostics, "warning")
    good = [r for r in results if r.ok]
    if not good:
        return XrefView(targets=targets)
    first = good[0]
    local = bool(first.href and first.href.startswith("#"))
    anchor_only = xref.text.strip().startswith("#") and len(results) == 1
    return XrefView(
        href=first.href,
        locator=_joined_locators(good),
        title=_describe(first),
        resolved=len(good) == len(results),
        replace_text=(first.title or None) if anchor_only else None,
        local=local,
        targets=targets,
    )


def _target(result: Resolution) -> Target:
    return Target(
        status=result.status, message=result.message,
        series=result.series.name if result.series is not None else None,
        issue=result.issue.designation() if result.issue is not None else None,
        title=result.title, page=result.page_index, page_label=result.page_label,
        href=result.href, locator=result.full_locator,
    )


def _joined_locators(results: list[Resolution]) -> str:
    parts = [r.locator.lstrip(", ").strip() for r in results if r.locator.strip(", ")]
    return ", " + "; ".join(parts) if parts else ""


def _describe(result: Resolution) -> str:
    title = result.title or ""
    return f"{title} — {result.full_locator}" if title and result.full_locator else title or result.full_locator


def _report(xref: CrossReference, why: str, diagnostics: Diagnostics, severity: str) -> None:
    if severity == "error":
        message = f"cross-reference 'see {xref.text}': {why}"
        diagnostics.error(message, xref.where.path, xref.where.line, xref.where.col)
    else:
        message = f"cross-reference 'see {xref.text}' {why}; left as written"
        diagnostics.warning(message, xref.where.path, xref.where.line, xref.where.col)
