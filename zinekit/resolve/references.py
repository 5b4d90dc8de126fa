"""Resolving one target of a "see" clause against the catalog.

Steps of :func:`resolve` (numbered in the code):

1. an anchor alone ("#coping") is looked up in the current issue;
2. the series: the one named (by name or alias, else as the end of a longer phrase:
   "The Quiet Substations in Ember Tide"), else the current one; a name that is no
   series is read as a title;
3. the issues: those with the volume, chapter and number given;
4. the text: by anchor, by title (exact, then a unique prefix, then a unique
   containment; an issue's own title means the issue), or by page;
5. the page: checked against the issue's page labels;
6. the link and the locator the printed text lacks.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable

from zinekit.locale import ENGLISH
from zinekit.resolve.catalog import Catalog, CatalogIssue, Entry, Series
from zinekit.resolve.grammar import RefQuery, normalize_title

__all__ = ["RefContext", "Resolution", "resolve", "format_locator"]

RESOLVED, UNRESOLVED, AMBIGUOUS, OUT_OF_RANGE = "resolved", "unresolved", "ambiguous", "out-of-range"


@dataclass
class RefContext:
    """Where a reference is written: the current series and issue, its own anchors, and
    how to reach the PDF of another issue built alongside it (a relative href)."""

    series: Series | None = None
    issue: CatalogIssue | None = None
    local_anchors: dict[str, str] = field(default_factory=dict)
    pdf_href_for: Callable[[CatalogIssue], str | None] | None = None
    labels: Callable[[str], str] = ENGLISH  # "vol.", "p." printed in the issue's language


@dataclass(frozen=True)
class Resolution:
    """What a target resolved to.  ``page_index`` is the physical page (for links),
    ``page_label`` the printed one; ``locator`` is what the printed reference lacks
    (", Ember Tide vol.2, p.5" or ""), ``full_locator`` the whole of it."""

    status: str
    message: str = ""
    query: RefQuery | None = None
    series: Series | None = None
    issue: CatalogIssue | None = None
    entry: Entry | None = None
    page_label: str | None = None
    page_index: int | None = None
    href: str | None = None
    locator: str = ""
    full_locator: str = ""

    @property
    def ok(self) -> bool:
        return self.status == RESOLVED

    @property
    def title(self) -> str | None:
        """The title of what was found: the article, else the issue."""
        if self.entry is not None:
            return self.entry.title
        return self.issue.title if self.issue is not None else None


def format_locator(series_name: str | None, issue: CatalogIssue | None, page_label: str | None,
                   label: Callable[[str], str] = ENGLISH) -> str:
    """ "Ember Tide vol.2, p.5"; parts given as None are left out ("vol.2", "p.5", "pp.5–7").
    ``label`` gives the abbreviations in the citing issue's language ("S.5" in German)."""
    head = " ".join(p for p in (series_name, issue.designation(label) if issue else None) if p)
    page = ((label("pp.") if "–" in page_label else label("p.")) + page_label) if page_label else ""
    return ", ".join(p for p in (head, page) if p)


@dataclass(frozen=True)
class _Found:
    """A candidate target: an article (``entry``) or a whole issue (``entry`` None)."""

    issue: CatalogIssue | None
    entry: Entry | None
    title: str
    whole: bool = False  # the issue as a whole ("vol.3"), not its first page ("vol.3; Its Title")

    @functools.cached_property
    def normalized(self) -> str:
        return normalize_title(self.title)

    @property
    def page_index(self) -> int | None:
        if self.entry is not None:
            return self.entry.page_index
        if self.whole or self.issue is None:
            return None
        return 1 if self.issue.pages or self.issue.page_labels else None

    def describe(self, catalog: Catalog) -> str:
        series = catalog.series_of(self.issue) if self.issue else None
        label = self.entry.page_label if self.entry else (self.issue.label_of(1) if self.issue else None)
        where = format_locator(series.name if series else None, self.issue, label) or "this issue"
        return f'"{self.title}" ({where})'


def resolve(query: RefQuery, catalog: Catalog, context: RefContext | None = None) -> Resolution:
    """Resolve one target; never raises for any query."""
    context = context or RefContext()
    if query.is_empty:
        return Resolution(UNRESOLVED, "the reference names nothing to look up", query)
    if query.anchor and not (query.has_series or query.has_volume):  # 1.
        return _finish(query, context, context.series, _Found(context.issue, None, ""), anchor=query.anchor)
    series, query = _series_for(query, catalog, context)  # 2.
    if isinstance(series, Resolution):
        return series
    if series is not None and not (query.title or query.anchor or query.has_volume or query.has_page):
        return Resolution(RESOLVED, "", query, series, href=series.url, full_locator=series.name)
    if not query.has_volume and not query.has_series:
        return _resolve_unplaced(query, catalog, context, series)
    issues = _issues_for(query, series, catalog)  # 3.
    if isinstance(issues, Resolution):
        return issues
    return _resolve_in(query, catalog, context, series, issues)


# -- 2. the series --------------------------------------------------------------------------


def _series_for(query: RefQuery, catalog: Catalog, context: RefContext) -> tuple[Series | None | Resolution, RefQuery]:
    if query.series is None:
        if not query.has_volume and query.title:
            named = catalog.find_series(query.title)
            if named is not None:  # "Return Fire p.98" or "[see Return Fire]"
                return named, replace(query, series=query.title, title=None, has_series=True)
        return context.series or catalog.home, query
    named = catalog.find_series(query.series)
    if named is not None:
        return named, query
    split = _series_at_end(query.series, catalog)
    if split is not None:
        series, rest = split
        title = " ".join(t for t in (rest, query.title) if t) or None
        return series, replace(query, title=title, plain_title=None)
    if not query.has_volume:
        title = " ".join(t for t in (query.series, query.title) if t)
        return context.series or catalog.home, replace(query, series=None, has_series=False, title=title)
    known = ", ".join(n for s in catalog.series for n in s.names if n)
    message = f'no series "{query.series}" in the catalog' + (f" (known: {known})" if known else "")
    return Resolution(UNRESOLVED, message, query), query


def _series_at_end(text: str, catalog: Catalog) -> tuple[Series, str] | None:
    """ "The Quiet Substations in Ember Tide" → (Ember Tide, "the quiet substations")."""
    words = normalize_title(text).split()
    for cut in range(1, len(words)):  # the longest series name first
        series = catalog.find_series("".join(words[cut:]))
        if series is not None:
            rest = words[:cut]
            while rest and rest[-1] in ("in", "of", "from", "at", "the"):
                rest.pop()
            return series, " ".join(rest)
    return None


# -- 3. the issues --------------------------------------------------------------------------


def _asked_issue(query: RefQuery) -> str:
    numbers = (("vol.", query.volume), ("chap.", query.chapter), ("no.", query.number))
    return " ".join(f"{a}{n}" for a, n in numbers if n is not None) or query.text


def _series_label(series: Series | None) -> str:
    return f'series "{series.name}"' if series and series.name else "the catalog"


def _issues_for(query: RefQuery, series: Series | None, catalog: Catalog) -> list[CatalogIssue] | Resolution:
    issues = list(series.issues) if series else []
    if query.has_volume:
        wanted = {"volume": query.volume, "chapter": query.chapter, "number": query.number}
        issues = [i for i in issues if all(getattr(i, k) == v for k, v in wanted.items() if v is not None)]
        if not issues or all(v is None for v in wanted.values()):
            return Resolution(UNRESOLVED, f'no issue "{_asked_issue(query)}" in {_series_label(series)}', query, series)
    if not issues:
        return Resolution(UNRESOLVED, f"{_series_label(series)} lists no issues", query, series)
    return issues


# -- 4. the text ----------------------------------------------------------------------------


def _candidates(issues: Iterable[CatalogIssue]) -> list[_Found]:
    """Every issue and article of ``issues`` as a candidate target.  The list is kept
    while no issue's articles change: a library's references are resolved against the
    same catalog thousands of times."""
    issues = list(issues)
    found = _CANDIDATES.get(_key(issues)) if len(issues) > 1 else None  # one: not kept
    if found is None:
        found = _Candidates()
        for issue in issues:
            if issue.title:
                found.append(_Found(issue, None, issue.title))
            found.extend(_Found(issue, e, e.title) for e in issue.articles)
        for candidate in found:
            found.exact.setdefault(candidate.normalized, []).append(candidate)
        if len(issues) < 2:
            return found
        if len(_CANDIDATES) >= 4:
            _CANDIDATES.pop(next(iter(_CANDIDATES)))
        _CANDIDATES[_key(issues)] = found  # after reading back issues' PDFs
    return found  # shared: callers do not change it


def _key(issues: list[CatalogIssue]) -> tuple[int, ...]:
    """The same issues, none of whose articles changed since (any change anywhere
    makes a new key)."""
    ends = (id(issues[0]), id(issues[-1])) if issues else (0, 0)
    return (CatalogIssue.changes, len(issues), *ends)


class _Candidates(list):
    """Candidates, with those of each normalized title (for exact matches)."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.exact: dict[str, list[_Found]] = {}


_CANDIDATES: dict[tuple, _Candidates] = {}


def _local_candidates(context: RefContext) -> list[_Found]:
    issue = context.issue
    found = list(_candidates([issue])) if issue is not None else []  # extended below
    known = {f.entry.anchor for f in found if f.entry is not None and f.entry.anchor}
    found.extend(_Found(issue, Entry(t, anchor=a), t) for a, t in context.local_anchors.items() if a not in known)
    return found


def _dedupe(found: list[_Found]) -> list[_Found]:
    """One candidate per text: the same title at the same place is one text, and so are
    an issue's title and the text that opens the issue under that title (its first
    heading, say), which resolve to where the text starts."""
    seen, out = set(), []
    for f in found:
        key = (id(f.issue), f.page_index if f.page_index is not None else f.title, normalize_title(f.title))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return [f for f in out if not (f.entry is None and any(_opens(g, f) for g in out))]


def _opens(candidate: _Found, whole: _Found) -> bool:
    """Whether ``candidate`` is the text that opens ``whole``'s issue, under its title."""
    if candidate.entry is None or candidate.issue is not whole.issue or candidate.issue is None:
        return False
    if normalize_title(candidate.title) != normalize_title(whole.title):
        return False
    pages = [e.page_index for e in candidate.issue.articles if e.page_index is not None]
    if candidate.entry.page_index is None or not pages:
        return candidate.entry is candidate.issue.articles[0]
    return candidate.entry.page_index == min(pages)


def _match_title(query: RefQuery, found: list[_Found]) -> list[_Found]:
    """Exact normalized titles first, then prefixes, then containment (either way)."""
    variants = [v for v in dict.fromkeys(normalize_title(t) for t in (query.plain_title, query.title) if t) if v]
    index: dict[str, list[_Found]] | None = getattr(found, "exact", None)
    for wanted in variants if index is not None else ():
        if index and index.get(wanted):
            return _dedupe(list(index[wanted]))
    titled = [(f.normalized, f) for f in found]
    for wanted in variants if index is None else ():
        exact = [f for t, f in titled if t == wanted]
        if exact:
            return _dedupe(exact)
    wanted = variants[-1] if variants else ""
    if len(wanted) < 3:
        return []
    prefix = [f for t, f in titled if t.startswith(wanted + " ")]
    if prefix:
        return _dedupe(prefix)
    return _dedupe([f for t, f in titled if f" {wanted} " in f" {t} " or (" " in t and f" {t} " in f" {wanted} ")])


def _pick(query: RefQuery, catalog: Catalog, matches: list[_Found], where: str) -> _Found | Resolution:
    if len(matches) > 1 and query.has_page:  # the page decides: the article starting there, else the issue having it
        pages = [(m, m.issue.index_of(query.page_label or "") if m.issue else None) for m in matches]
        starting = [m for m, index in pages if index is not None and index == m.page_index]
        matches = starting or [m for m, index in pages if index is not None] or matches
    if len(matches) == 1:
        return matches[0]
    if not matches:
        return Resolution(UNRESOLVED, f'no article or issue titled "{query.title}" {where}', query)
    listed = ", ".join(m.describe(catalog) for m in matches[:5]) + (", …" if len(matches) > 5 else "")
    return Resolution(AMBIGUOUS, f'"{query.title}" matches {len(matches)} articles: {listed}', query)


def _resolve_unplaced(query: RefQuery, catalog: Catalog, context: RefContext, series: Series | None) -> Resolution:
    """A title or a page with no series or volume: this issue, this series, then all."""
    if not query.title:  # "see p.14": a page of this issue
        return _finish(query, context, context.series, _Found(context.issue, None, ""))
    tiers = [_local_candidates(context)]
    if not query.this_issue:
        tiers += [_candidates(series.issues if series else []), _candidates(catalog.issues())]
    for found in tiers:
        matches = _match_title(query, found)
        if matches:
            picked = _pick(query, catalog, matches, "")
            if isinstance(picked, Resolution):
                return picked
            owner = catalog.series_of(picked.issue) if picked.issue else context.series
            return _finish(query, context, owner, picked)
    where = "in this issue" if query.this_issue else "in the catalog"
    return Resolution(UNRESOLVED, f'no article or issue titled "{query.title}" {where}', query)


def _resolve_in(query: RefQuery, catalog: Catalog, context: RefContext, series: Series | None,
                issues: list[CatalogIssue]) -> Resolution:
    if query.anchor:
        found = [_Found(i, e, e.title) for i in issues for e in i.articles if e.anchor == query.anchor]
        if not found:
            message = f'no anchor "#{query.anchor}" in {_where(series, issues, query)}'
            return Resolution(UNRESOLVED, message, query, series)
        return _finish(query, context, series, found[0])
    if query.title:
        picked = _pick(query, catalog, _match_title(query, _candidates(issues)), f"in {_where(series, issues, query)}")
        if isinstance(picked, Resolution):
            return _explain_missing(picked, issues)
        return _finish(query, context, series, picked)
    if len(issues) > 1 and query.has_page:
        issues = [i for i in issues if i.index_of(query.page_label or "") is not None] or issues
    if len(issues) > 1:
        which = ", ".join(i.designation() for i in issues[:6])
        message = f"{_where(series, [], query)} is {len(issues)} issues ({which}); give the one meant"
        return Resolution(AMBIGUOUS, message, query, series)
    return _finish(query, context, series, _Found(issues[0], None, issues[0].title or "", whole=True))


def _where(series: Series | None, issues: list[CatalogIssue], query: RefQuery) -> str:
    if len(issues) == 1:
        return format_locator(series.name if series else None, issues[0], None)
    name = series.name if series and series.name else ""
    return " ".join(p for p in (name, _asked_issue(query) if query.has_volume else "") if p) or "the catalog"


def _explain_missing(result: Resolution, issues: list[CatalogIssue]) -> Resolution:
    if result.status == UNRESOLVED and len(issues) == 1 and not issues[0].articles:
        return replace(result, message=result.message + " (it has no outline, articles table or inventory)")
    return result


# -- 5. and 6. the page, the link, the locator ----------------------------------------------------


def _page(query: RefQuery, found: _Found) -> tuple[str | None, int | None, str | None]:
    """(printed label, physical page, the page asked for that the issue lacks)."""
    issue = found.issue
    if not query.has_page:
        if found.entry is not None:
            return found.entry.page_label, found.entry.page_index, None
        index = found.page_index
        return (issue.label_of(index) if issue and index else None), index, None
    label = query.page_label or ""
    if issue is None:
        return label, None, None
    index = issue.index_of(label)
    end = issue.index_of(query.page_end_label) if query.page_end_label else index
    known_extent = issue.pages is not None or issue.page_labels is not None
    if (index is None or end is None) and known_extent:
        return label, None, (label if index is None else query.page_end_label)
    return label, index, None


def _href(context: RefContext, found: _Found, index: int | None, anchor: str | None) -> str | None:
    issue = found.issue
    if issue is None or issue is context.issue:
        anchor = (found.entry.anchor if found.entry else None) or anchor
        return f"#{anchor}" if anchor else None
    base = issue.url or (context.pdf_href_for(issue) if context.pdf_href_for else None)
    if not base:
        return None
    return f"{base.split('#')[0]}#page={index}" if index else base


def _finish(query: RefQuery, context: RefContext, series: Series | None, found: _Found,
            anchor: str | None = None) -> Resolution:
    if anchor is not None:
        local = _local_anchor(context, anchor)
        if local is None:
            return Resolution(UNRESOLVED, f'no anchor "#{anchor}" in this issue', query)
        found = local
    label, index, missing = _page(query, found)
    series_name = series.name if series and series.name else None
    if missing and found.issue is not None:
        where = format_locator(series_name, found.issue, None) or "this issue"
        message = f"page {missing} is outside {where} ({found.issue.page_range_text()})"
        return Resolution(OUT_OF_RANGE, message, query, series, found.issue, found.entry, label)
    printed = f"{label}–{query.page_end_label}" if query.page_end_label and label else label
    locator, full = _locators(query, context, series_name, found, printed)
    href = _href(context, found, index, anchor)
    return Resolution(RESOLVED, "", query, series, found.issue, found.entry, label, index, href, locator, full)


def _local_anchor(context: RefContext, anchor: str) -> _Found | None:
    for found in _local_candidates(context):
        if found.entry is not None and found.entry.anchor == anchor:
            return found
    folded = {a.casefold(): a for a in context.local_anchors}
    if anchor.casefold() in folded:
        real = folded[anchor.casefold()]
        return _Found(context.issue, Entry(context.local_anchors[real], anchor=real), context.local_anchors[real])
    return None


def _locators(query: RefQuery, context: RefContext, series_name: str | None, found: _Found,
              printed: str | None) -> tuple[str, str]:
    """(what the printed reference lacks, the complete locator)."""
    issue = found.issue
    label = context.labels
    full = format_locator(series_name, issue, printed, label)
    if issue is None or issue is context.issue:
        lacking = format_locator(None, None, printed if not query.has_page else None, label)
        return (f", {lacking}" if lacking else ""), full
    named_by_title = found.entry is None and all(n is None for n in (issue.volume, issue.number, issue.chapter))
    need_issue = not query.has_volume and not named_by_title
    need_series = need_issue and not query.has_series
    lacking = format_locator(
        series_name if need_series else None, issue if need_issue else None, None if query.has_page else printed,
        label)
    return (f", {lacking}" if lacking else ""), full
