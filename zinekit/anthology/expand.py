"""Anthologies: one issue collected from texts, or chapters of texts, of the library.

An anthology is written as a spec (``zinekit anthology reader.toml``)::

    [anthology]                 # any issue front-matter key: title, editors, theme …
    title = "Ovens and Gardens"

    [[texts]]
    source = "vol1"             # an issue of the library, relative to the spec
    chapters = ["bake"]         # optional: chapters by heading anchor or title

    [[texts]]
    text = "Tenants Rising"     # or any text the catalog knows, named as a "see" clause

or as an issue whose front matter lists ``include: [vol1#bake, "Tenants Rising"]``.
Each entry is a path (``path#chapter`` for a chapter), else a reference resolved
against the catalog.  Steps:

1. :func:`read_spec` (:mod:`zinekit.anthology.spec`): the spec as an issue (its
   settings and its ``include`` list), every value of the wrong type a located error;
2. :func:`expand`: each entry found in the library — a Markdown file or issue folder
   inside it, never itself, another anthology, or a text already included — and
   parsed again as an article of the anthology (one set of anchors, footnote and
   reference numbers for the whole book), with the typography of its own issue; a
   chapter is the heading's section (:mod:`zinekit.anthology.sections`), its
   footnotes with it, line numbers kept, so messages name the original file and line;
3. :func:`resolve_anthology`: each reference resolved where it was written (in its
   original issue); one that lands in an included text becomes a page reference inside
   the anthology; one to a text left out keeps its original locator (series, volume,
   page of the original);
4. :func:`estimate_pages` (:mod:`zinekit.anthology.estimate`): the page count before building.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from markdown_it.token import Token

from zinekit.anthology.sections import Outlines, overlap, section_lines, span_of
from zinekit.anthology.spec import MAX_ENTRIES, entry_lines, read_spec
from zinekit.config import ARTICLE_OPTIONS, IssueSettings, Settings, validate
from zinekit.errors import Diagnostics
from zinekit.safety.limits import not_regular
from zinekit.load import ISSUE_FILE
from zinekit.markup import parse_markdown
from zinekit.markup.structure import slugify, unique_id
from zinekit.markup.typography import typography_language
from zinekit.model import Article, Heading, Issue, Resolved
from zinekit.resolve.bibliography import resolve_citations
from zinekit.resolve.catalog import Catalog, CatalogIssue
from zinekit.resolve.grammar import normalize_title, parse_targets
from zinekit.resolve.references import Resolution, resolve
from zinekit.resolve.stage import PdfHref, context_for, xref_view

__all__ = ["Anthology", "Part", "expand", "find_part", "read_spec", "resolve_anthology"]
#: What an included file may be called: the Markdown files zinekit builds.
MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")


@dataclass
class Part:
    """One entry of the anthology: a whole issue, one article, or one chapter."""

    original: Issue
    article: Article | None = None  # None: the whole issue
    heading: Heading | None = None  # a chapter: this heading's section of ``article``


@dataclass
class Anthology:
    """The anthology as one issue, and where each of its texts came from."""

    issue: Issue
    parts: list[Part]
    origin: dict[str, Issue] = field(default_factory=dict)  # article anchor → original
    anchors: dict[tuple[str, str | None], str] = field(default_factory=dict)
    # (original issue's path, its anchor, or None for the issue itself) → anchor here
    outlines: Outlines = field(default_factory=dict)  # each text's headings (sections)
    #: the lines each file gives, with the entry (and its line) that took them
    taken: dict[Path, list[tuple[range, str, int]]] = field(default_factory=dict)


# --- 2. the texts ---------------------------------------------------------------------------


def expand(issue: Issue, load: Callable[[Path], Issue], catalog: Catalog,
           diagnostics: Diagnostics) -> Anthology:
    """The anthology ``issue`` lists, its articles parsed from the texts it includes."""
    anthology = Anthology(dataclasses.replace(issue, articles=[]), [])
    for entry, line in _bounded_entries(issue, diagnostics):
        where = (str(issue.source_file), line, 1)
        part = find_part(str(entry), issue, load, catalog, diagnostics, where)
        if part is not None and _not_taken(part, anthology, str(entry), where, diagnostics):
            anthology.parts.append(part)
    shared: dict[str, Any] = {}
    own = _typography(issue)
    for article in [a for a in issue.articles if a.text.tokens]:  # its own introduction
        anthology.issue.articles.append(_parsed(article, article.text.lines, article.meta,
                                                article.title, shared, diagnostics, issue,
                                                issue.source_file.parent, own))
    for part in anthology.parts:
        for article in _articles_of(part, shared, diagnostics, anthology):
            anthology.issue.articles.append(article)
            anthology.origin[article.anchor] = part.original
    return anthology


def _bounded_entries(issue: Issue, diagnostics: Diagnostics) -> list[tuple[str, int]]:
    """The ``include`` entries with their lines; none when there are more than
    :data:`MAX_ENTRIES` (one error, at the first one too many)."""
    entries = list(zip(issue.meta.typed.include, entry_lines(issue)))
    if len(entries) <= MAX_ENTRIES:
        return entries
    diagnostics.error(f"the anthology lists {len(entries):,} texts and chapters; at most "
                      f"{MAX_ENTRIES:,} are included", str(issue.source_file),
                      entries[MAX_ENTRIES][1], 1)
    return []


def _not_taken(part: Part, anthology: Anthology, entry: str, where: tuple[str, int, int],
               diagnostics: Diagnostics) -> bool:
    """Whether none of ``part``'s lines is in the anthology already (a text included
    twice, or a chapter of a text included whole, is an error); if so they are now."""
    pieces = [(article.path.resolve(), span) for article, _, span in _pieces(part, anthology.outlines)]
    for path, span in pieces:
        earlier = next((e for e in anthology.taken.get(path, []) if overlap(e[0], span)), None)
        if earlier is not None:
            diagnostics.error(f"include '{entry}': its text is already in the anthology "
                              f"(include '{earlier[1]}', line {earlier[2]}); each text is "
                              "included once", *where)
            return False
    for path, span in pieces:
        anthology.taken.setdefault(path, []).append((span, entry, where[1]))
    return True


def find_part(entry: str, issue: Issue, load: Callable[[Path], Issue], catalog: Catalog,
              diagnostics: Diagnostics, where: tuple[str, int, int]) -> Part | None:
    """The text an ``include`` entry names: ``path``, ``path#chapter`` or a reference."""
    path_text, _, chapter = entry.partition("#")
    path = (issue.source_file.parent / path_text).resolve() if path_text.strip() else None
    if path is None or not os.path.lexists(path):
        return _by_reference(entry, issue, load, catalog, diagnostics, where)
    problem = _not_includable(path, path_text, issue.root) \
        if path != issue.source_file.resolve() else "an anthology cannot include itself"
    if problem is not None:
        diagnostics.error(f"include '{entry}': {problem}", *where)
        return None
    folder_issue = _folder_issue_of(path, load)
    original = folder_issue or load(path)
    if _refused(original, issue, entry, path_text, diagnostics, where):
        return None
    if folder_issue is not None:  # an article file of a folder issue
        article = next(a for a in folder_issue.articles if a.path.resolve() == path)
        return Part(folder_issue, article) if not chapter else \
            _chapter(folder_issue, chapter, entry, diagnostics, where, within=article)
    return _chapter(original, chapter, entry, diagnostics, where) if chapter else Part(original)


def _not_includable(path: Path, shown: str, root: Path) -> str | None:
    """Why the file or folder at ``path`` cannot be included, or None: only Markdown
    files and issue folders of the library are."""
    if not path.is_relative_to(root.resolve()):
        return f"{shown} is outside the library folder; not read"
    if path.is_dir():
        issue_file = path / ISSUE_FILE
        if not os.path.lexists(issue_file):
            return f"{shown} is a folder with no {ISSUE_FILE}; an issue folder needs one"
        return not_regular(issue_file, f"{shown}/{ISSUE_FILE}")
    irregular = not_regular(path, shown)
    if irregular is not None:
        return irregular
    if path.suffix.lower() not in MARKDOWN_SUFFIXES:
        return (f"{shown} is not a Markdown file (.md) or an issue folder; only texts "
                "zinekit builds can be included")
    return None


def _refused(original: Issue, issue: Issue, entry: str, shown: str, diagnostics: Diagnostics,
             where: tuple[str, int, int]) -> bool:
    """An anthology includes neither itself nor another anthology (reported)."""
    if original.source_file.resolve() == issue.source_file.resolve():
        diagnostics.error(f"include '{entry}': an anthology cannot include itself", *where)
        return True
    if original.meta.typed.include:
        diagnostics.error(f"include '{entry}': {shown or original.title} is an anthology "
                          "itself; include its texts instead", *where)
        return True
    return False


def _folder_issue_of(path: Path, load: Callable[[Path], Issue]) -> Issue | None:
    """The folder issue whose ``articles:`` list the file at ``path``, if any."""
    folder = path.parent
    if not path.is_file() or path.name == ISSUE_FILE or not (folder / ISSUE_FILE).is_file():
        return None
    issue = load(folder)
    return issue if any(a.path.resolve() == path for a in issue.articles) else None


def _chapter(original: Issue, wanted: str, entry: str, diagnostics: Diagnostics,
             where: tuple[str, int, int], within: Article | None = None) -> Part | None:
    """The article or heading of ``original`` (of its article ``within``) named by
    anchor or title."""
    articles = [within] if within is not None else original.articles
    for article in articles if within is None else []:
        if wanted in (article.anchor,) or (article.title and _same(article.title, wanted)):
            return Part(original, article)
    for article in articles:
        for heading in article.headings:
            if heading.anchor == wanted or _same(heading.title, wanted):
                return Part(original, article, heading)
    known = [a.anchor for a in articles if a.title and within is None] + \
        [h.anchor for a in articles for h in a.headings]
    listed = ", ".join(known[:8]) + (", …" if len(known) > 8 else "")
    diagnostics.error(f"include '{entry}': no chapter '{wanted}' in {original.title}"
                      + (f" (it has: {listed})" if listed else " (it has no headings)"), *where)
    return None


def _same(title: str, wanted: str) -> bool:
    return normalize_title(title) == normalize_title(wanted)


def _by_reference(entry: str, issue: Issue, load: Callable[[Path], Issue], catalog: Catalog,
                  diagnostics: Diagnostics, where: tuple[str, int, int]) -> Part | None:
    """An entry that is no file: a text the catalog knows, as a "see" clause names it."""
    queries = parse_targets(entry)
    result = resolve(queries[0], catalog, context_for(issue, catalog, None)) if queries else None
    target = result.issue if result is not None and result.ok else None
    if result is None or target is None or target.source is None:
        why = result.message if result is not None and result.message else "no such file"
        if target is not None:
            why = f"{target.designation()} exists only as a PDF; only texts zinekit builds can be included"
        diagnostics.error(f"include '{entry}' names no text of the library ({why})", *where)
        return None
    original = load(target.source)
    if _refused(original, issue, entry, "", diagnostics, where):
        return None
    if result.entry is None or not result.entry.anchor:
        return Part(original)
    return _chapter(original, result.entry.anchor, entry, diagnostics, where)


def _pieces(part: Part, outlines: Outlines) -> list[tuple[Article, Heading | None, range]]:
    """Each article ``part`` brings, with the chapter heading and the lines it takes."""
    original = part.original
    chosen = [(a, None) for a in original.articles] if part.article is None \
        else [(part.article, part.heading)]
    return [(article, heading, span_of(article, heading, original, outlines))
            for article, heading in chosen]


def _articles_of(part: Part, shared: dict[str, Any], diagnostics: Diagnostics,
                 anthology: Anthology) -> list[Article]:
    """The articles ``part`` brings into the anthology, parsed again with the
    anthology's numbering and the typography of its own issue; each original anchor
    is mapped to its new one."""
    original = part.original
    key = str(original.path.resolve())
    typography = _typography(original)
    made = []
    pieces = _pieces(part, anthology.outlines)
    # a one-file book included whole is one text: its authors head its first article,
    # where it first appeared ends its last (not every chapter)
    one_text = part.article is None and any(a.chapter for a, _, _ in pieces)
    for index, (article, heading, span) in enumerate(pieces):
        title = heading.title if heading is not None else article.title or original.title
        meta = _article_meta(article, original, title, heading is not None,
                             authors=not one_text or index == 0,
                             source=not one_text or index == len(pieces) - 1)
        new = _parsed(article, section_lines(article.text.lines, span), meta, title, shared,
                      diagnostics, original, anthology.issue.source_file.parent, typography,
                      chapter=article.chapter and heading is None)
        new.origin = original.path
        anthology.anchors[(key, article.anchor if heading is None else heading.anchor)] = new.anchor
        if part.article is None and index == 0:
            anthology.anchors[(key, None)] = new.anchor
        olds = [h for h in article.headings if h.where.line in span]
        for old, renamed in zip(olds, new.headings):
            anthology.anchors[(key, old.anchor)] = renamed.anchor
        made.append(new)
    return made


def _typography(issue: Issue) -> str | None:
    """The language whose quotation marks and dashes ``issue``'s own text takes."""
    return typography_language(IssueSettings(issue.meta, issue.build))


def _article_meta(article: Article, original: Issue, title: str | None, chapter: bool,
                  authors: bool = True, source: bool = True) -> Settings:
    """An included text's article settings: its own, with its title and, when it does
    not say and ``authors``/``source`` ask for them, the original issue's authors and
    where it first appeared."""
    values = {k: v for k, v in article.meta.values.items() if k in ARTICLE_OPTIONS}
    if chapter:  # the article's subtitle is not the chapter's
        values.pop("subtitle", None)
    values["title"] = title
    if authors and not values.get("authors") and original.meta.typed.authors:
        values["authors"] = list(original.meta.typed.authors)
    if source and not values.get("source"):
        values["source"] = _designation(original)
    return validate(values, ARTICLE_OPTIONS, dict(article.meta.lines), article.meta.path,
                    Diagnostics(), "article front matter")


def _designation(issue: Issue) -> str:
    """ "Cinder Post vol.1, Ovens": the original issue as the anthology credits it."""
    numbers = " ".join(f"{label}{value}" for value, label in
                       zip(issue.meta.typed.numbering, ("vol.", "no.", "chap."))
                       if value is not None)
    head = " ".join(p for p in (issue.meta.typed.series, numbers) if p)
    return ", ".join(p for p in (head, issue.title) if p)


def _parsed(article: Article, lines: list[str], meta: Settings, title: str | None,
            shared: dict[str, Any], diagnostics: Diagnostics, original: Issue,
            anthology_folder: Path, typography: str | None, chapter: bool = False) -> Article:
    """``lines`` (the article's file, lines left out blanked) parsed as an article of
    the anthology: ids and numbers follow on from the articles before it."""
    allow_html = original.build.typed.allow_html
    text = parse_markdown("\n".join(lines), str(article.path), allow_html=allow_html, shared=shared,
                          typography=typography)
    diagnostics.extend(text.diagnostics)
    _rebase_addresses(text.tokens, article.path.parent, anthology_folder)
    used: set[str] = shared.setdefault("zk_ids", set())
    wanted = slugify(title or article.path.stem)
    return Article(path=article.path, meta=meta, text=text, anchor=unique_id(wanted, used),
                   title=title, is_intro=False, chapter=chapter)


def _rebase_addresses(tokens: list[Token], folder: Path, base: Path) -> None:
    """Images and links to local files, written relative to the text's own folder, made
    relative to the anthology's (the folder its pages are laid out from)."""
    if folder.resolve() == base.resolve():
        return
    for token in tokens:
        name = "src" if token.type == "image" else "href" if token.type == "link_open" else None
        address = str(token.attrGet(name) or "") if name else ""
        if name and address and not address.startswith(("#", "/")) and not urlsplit(address).scheme:
            token.attrSet(name, Path(os.path.relpath(folder.resolve() / address,
                                                     base.resolve())).as_posix())
        if token.children:
            _rebase_addresses(token.children, folder, base)


# --- 3. references ----------------------------------------------------------------------------


def resolve_anthology(anthology: Anthology, catalog: Catalog, href: PdfHref | None,
                      diagnostics: Diagnostics) -> Resolved:
    """Every reference resolved as it was in its original issue, then pointed inside
    the anthology when its target is included (see the module's steps)."""
    resolved = Resolved()
    for article in anthology.issue.articles:
        original = anthology.origin.get(article.anchor, anthology.issue)
        context = context_for(original, catalog, href)
        for xref in article.xrefs:
            results = [_inside(resolve(q, catalog, context), original, context.issue, anthology, href)
                       for q in parse_targets(xref.text)]
            resolved.xrefs[xref.id] = xref_view(xref, results, diagnostics)
    resolve_citations(anthology.issue, diagnostics, resolved)
    return resolved


def _inside(result: Resolution, original: Issue, current: CatalogIssue | None,
            anthology: Anthology, href: PdfHref | None) -> Resolution:
    """``result`` as the anthology prints it."""
    if not result.ok:
        return result
    same = result.issue is None or result.issue is current
    source = original.path if same or result.issue is None else result.issue.source
    anchor = result.entry.anchor if result.entry is not None else None
    if source is not None and not (anchor is None and result.query and result.query.has_page):
        here = anthology.anchors.get((str(Path(source).resolve()), anchor))
        if here is not None:
            return dataclasses.replace(result, href=f"#{here}", locator="")
    if same:  # its own issue, left out of the anthology: a locator of the original
        return dataclasses.replace(result, href=_original_href(result, current, href),
                                   locator=f", {result.full_locator}" if result.full_locator else "")
    if result.query is not None and not result.query.has_series and result.full_locator:
        return dataclasses.replace(result, locator=f", {result.full_locator}")
    return result


def _original_href(result: Resolution, issue: CatalogIssue | None, href: PdfHref | None) -> str | None:
    if issue is None:
        return None
    base = issue.url or (href(issue) if href else None)
    if not base:
        return None
    return f"{base.split('#')[0]}#page={result.page_index}" if result.page_index else base
