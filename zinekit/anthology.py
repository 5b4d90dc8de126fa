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

1. :func:`read_spec`: the spec as an issue (its settings and its ``include`` list);
2. :func:`expand`: each entry found in the library and parsed again as an article of
   the anthology (one set of anchors, footnote and reference numbers for the whole
   book); a chapter is the heading's section, its footnotes with it, line numbers
   kept, so messages name the original file and line;
3. :func:`resolve_anthology`: each reference resolved where it was written (in its
   original issue); one that lands in an included text becomes a page reference inside
   the anthology; one to a text left out keeps its original locator (series, volume,
   page of the original);
4. :func:`estimate_pages` (:mod:`zinekit.estimate`): the page count before building.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from markdown_it.token import Token

from zinekit.config import ARTICLE_OPTIONS, ISSUE_OPTIONS, Settings, toml_key_line, validate
from zinekit.errors import Diagnostics
from zinekit.limits import Problem, load_toml
from zinekit.load import issue_slug
from zinekit.markup import parse_markdown
from zinekit.markup.structure import slugify, unique_id
from zinekit.model import Article, Heading, Issue, Resolved
from zinekit.resolve.catalog import Catalog, CatalogIssue
from zinekit.resolve.grammar import normalize_title, parse_targets
from zinekit.resolve.references import Resolution, resolve
from zinekit.resolve.bibliography import resolve_citations
from zinekit.resolve.stage import PdfHref, context_for, xref_view

FOOTNOTE_CALL = re.compile(r"\[\^([^\]\s]+)\](?!:)")
FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")


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


# --- 1. the spec ----------------------------------------------------------------------------


def read_spec(path: Path, root: Path, build: Settings, diagnostics: Diagnostics) -> Issue:
    """``reader.toml`` as an issue with no text of its own and an ``include`` list;
    every problem is reported with its line."""
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = load_toml(text)
    except Problem as problem:
        diagnostics.error(f"not valid TOML: {problem.message}", str(path), problem.line, problem.col)
        data = {}
    for key in data:
        if key not in ("anthology", "texts") and not key.startswith("x-"):
            diagnostics.error(f"unknown table or key {key!r} (an anthology has [anthology] and "
                              "[[texts]])", str(path), toml_key_line(text, key), 1)
    table = data.get("anthology", {}) if isinstance(data.get("anthology"), dict) else {}
    lines = {key: toml_key_line(text, key, table="anthology") for key in table}
    table = {k: v for k, v in table.items() if k != "include"}
    entries, entry_lines = _spec_entries(data.get("texts", []), text, path, diagnostics)
    meta = validate(table, ISSUE_OPTIONS, lines, str(path), diagnostics, "[anthology]")
    meta.values["include"] = entries
    meta.lines["include"] = entry_lines[0] if entry_lines else 0
    meta.values["x-include-lines"] = entry_lines
    if not entries:
        diagnostics.error("the anthology lists no [[texts]]", str(path), 1, 1)
    return Issue(path=path, source_file=path, root=root, meta=meta, build=build, articles=[],
                 slug=issue_slug(meta, path))


def _spec_entries(texts: Any, text: str, path: Path,
                  diagnostics: Diagnostics) -> tuple[list[str], list[int]]:
    """``[[texts]]`` as include entries (``source#chapter`` or a reference), each with
    the line of its table."""
    headers = [n for n, line in enumerate(text.split("\n"), 1) if line.strip() == "[[texts]]"]
    entries, lines = [], []
    for index, item in enumerate(texts if isinstance(texts, list) else []):
        line = headers[index] if index < len(headers) else 0
        source, named = item.get("source"), item.get("text")
        chapters = item.get("chapters", [])
        if not isinstance(item, dict) or (source is None) == (named is None) \
                or not isinstance(source or named, str) or not isinstance(chapters, list):
            diagnostics.error("each [[texts]] needs source = \"path\" (with chapters = [...] if "
                              "wanted) or text = \"a reference\"", str(path), line, 1)
            continue
        for chapter in [str(c) for c in chapters] or [None]:
            entries.append(f"{source}#{chapter.lstrip('#')}" if source and chapter else source or named)
            lines.append(line)
    return entries, lines


# --- 2. the texts ---------------------------------------------------------------------------


def entry_lines(issue: Issue) -> list[int]:
    """The line of each ``include`` entry (a block list in front matter: one a line)."""
    known = issue.meta.get("x-include-lines")
    if known:
        return list(known)
    first, count = issue.meta.line_of("include"), len(issue.meta.get("include", []))
    try:
        key_line = issue.source_file.read_text(encoding="utf-8").split("\n")[first - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        key_line = ""
    if not first or key_line.partition(":")[2].strip():  # include: [a, b] or include: a
        return [first] * count
    return [first + 1 + i for i in range(count)]


def expand(issue: Issue, load: Callable[[Path], Issue], catalog: Catalog,
           diagnostics: Diagnostics) -> Anthology:
    """The anthology ``issue`` lists, its articles parsed from the texts it includes."""
    parts = []
    for entry, line in zip(issue.meta.get("include", []), entry_lines(issue)):
        where = (str(issue.source_file), line, 1)
        part = find_part(str(entry), issue, load, catalog, diagnostics, where)
        if part is not None:
            parts.append(part)
    shared: dict[str, Any] = {}
    anthology = Anthology(dataclasses.replace(issue, articles=[]), parts)
    for article in [a for a in issue.articles if a.text.tokens]:  # its own introduction
        anthology.issue.articles.append(_parsed(article, article.text.lines, article.meta,
                                                article.title, shared, diagnostics, issue,
                                                issue.source_file.parent))
    for part in parts:
        for article in _articles_of(part, shared, diagnostics, anthology):
            anthology.issue.articles.append(article)
            anthology.origin[article.anchor] = part.original
    return anthology


def find_part(entry: str, issue: Issue, load: Callable[[Path], Issue], catalog: Catalog,
              diagnostics: Diagnostics, where: tuple[str, int, int]) -> Part | None:
    """The text an ``include`` entry names: ``path``, ``path#chapter`` or a reference."""
    base = issue.source_file.parent
    path_text, _, chapter = entry.partition("#")
    path = (base / path_text).resolve() if path_text else None
    if path is not None and path.exists():
        if not path.is_relative_to(issue.root.resolve()):
            diagnostics.error(f"include '{entry}': {path_text} is outside the library folder; "
                              "not read", *where)
            return None
        if path in (issue.path.resolve(), issue.source_file.resolve()):
            diagnostics.error(f"include '{entry}': an anthology cannot include itself", *where)
            return None
        folder_issue = _folder_issue_of(path, load)
        if folder_issue is not None:  # an article file of a folder issue
            article = next(a for a in folder_issue.articles if a.path.resolve() == path)
            return Part(folder_issue, article) if not chapter else \
                _chapter(folder_issue, chapter, entry, diagnostics, where, within=article)
        original = load(path)
        if original.meta.get("include"):
            diagnostics.error(f"include '{entry}': {path_text} is an anthology itself; "
                              "include its texts instead", *where)
            return None
        return _chapter(original, chapter, entry, diagnostics, where) if chapter else Part(original)
    return _by_reference(entry, issue, load, catalog, diagnostics, where)


def _folder_issue_of(path: Path, load: Callable[[Path], Issue]) -> Issue | None:
    """The folder issue whose ``articles:`` list the file at ``path``, if any."""
    folder = path.parent
    if not path.is_file() or path.name == "issue.md" or not (folder / "issue.md").is_file():
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
    if target is None or target.source is None:
        why = result.message if result is not None and result.message else "no such file"
        if target is not None:
            why = f"{target.designation()} exists only as a PDF; only texts zinekit builds can be included"
        diagnostics.error(f"include '{entry}' names no text of the library ({why})", *where)
        return None
    original = load(target.source)
    if result.entry is None or not result.entry.anchor:
        return Part(original)
    return _chapter(original, result.entry.anchor, entry, diagnostics, where)


def _articles_of(part: Part, shared: dict[str, Any], diagnostics: Diagnostics,
                 anthology: Anthology) -> list[Article]:
    """The articles ``part`` brings into the anthology, parsed again with the
    anthology's numbering; each original anchor is mapped to its new one."""
    original = part.original
    key = str(original.path.resolve())
    if part.article is None:
        chosen = [(a, a.text.lines, a.title or original.title) for a in original.articles]
    elif part.heading is None:
        chosen = [(part.article, part.article.text.lines, part.article.title or original.title)]
    else:
        chosen = [(part.article, chapter_lines(part.article, part.heading), part.heading.title)]
    made = []
    for index, (article, lines, title) in enumerate(chosen):
        meta = _article_meta(article, original, title, part.heading is not None)
        new = _parsed(article, lines, meta, title, shared, diagnostics, original,
                      anthology.issue.source_file.parent)
        anthology.anchors[(key, article.anchor if part.heading is None else part.heading.anchor)] = new.anchor
        if part.article is None and index == 0:
            anthology.anchors[(key, None)] = new.anchor
        olds = [h for h in article.headings if part.heading is None
                or _within(h, part.heading, article)]
        for old, renamed in zip(olds, new.headings):
            anthology.anchors[(key, old.anchor)] = renamed.anchor
        made.append(new)
    return made


def _article_meta(article: Article, original: Issue, title: str | None, chapter: bool) -> Settings:
    """An included text's article settings: its own, with its title, authors and where
    it first appeared (the original issue) when it does not say."""
    values = {k: v for k, v in article.meta.values.items() if k in ARTICLE_OPTIONS}
    if chapter:  # the article's subtitle is not the chapter's
        values.pop("subtitle", None)
    values["title"] = title
    if not values.get("authors") and original.meta.get("authors"):
        values["authors"] = list(original.meta.get("authors"))
    if not values.get("source"):
        values["source"] = _designation(original)
    return validate(values, ARTICLE_OPTIONS, dict(article.meta.lines), article.meta.path,
                    Diagnostics(), "article front matter")


def _designation(issue: Issue) -> str:
    """ "Cinder Post vol.1, Ovens": the original issue as the anthology credits it."""
    numbers = " ".join(f"{label}{issue.meta.get(key)}" for key, label in
                       (("volume", "vol."), ("number", "no."), ("chapter", "chap."))
                       if issue.meta.get(key) is not None)
    head = " ".join(p for p in (issue.meta.get("series"), numbers) if p)
    return ", ".join(p for p in (head, issue.title) if p)


def _parsed(article: Article, lines: list[str], meta: Settings, title: str | None,
            shared: dict[str, Any], diagnostics: Diagnostics, original: Issue,
            anthology_folder: Path) -> Article:
    """``lines`` (the article's file, lines left out blanked) parsed as an article of
    the anthology: ids and numbers follow on from the articles before it."""
    allow_html = bool(original.build.get("allow_html"))
    text = parse_markdown("\n".join(lines), str(article.path), allow_html=allow_html, shared=shared)
    diagnostics.extend(text.diagnostics)
    _rebase_addresses(text.tokens, article.path.parent, anthology_folder)
    used: set[str] = shared.setdefault("zk_ids", set())
    wanted = slugify(title or article.path.stem)
    return Article(path=article.path, meta=meta, text=text, anchor=unique_id(wanted, used),
                   title=title, is_intro=False)


def _rebase_addresses(tokens: list[Token], folder: Path, base: Path) -> None:
    """Images and links to local files, written relative to the text's own folder, made
    relative to the anthology's (the folder its pages are laid out from)."""
    if folder.resolve() == base.resolve():
        return
    for token in tokens:
        name = "src" if token.type == "image" else "href" if token.type == "link_open" else None
        address = str(token.attrGet(name) or "") if name else ""
        if address and not address.startswith(("#", "/")) and not urlsplit(address).scheme:
            token.attrSet(name, Path(os.path.relpath(folder.resolve() / address,
                                                     base.resolve())).as_posix())
        if token.children:
            _rebase_addresses(token.children, folder, base)


def _within(heading: Heading, chapter: Heading, article: Article) -> bool:
    """Whether ``heading`` lies inside ``chapter``'s section (after its heading)."""
    end = _section_end(article, chapter)
    return chapter.where.line < heading.where.line < end


def _section_end(article: Article, chapter: Heading) -> int:
    """The line after ``chapter``'s section: the next heading of its level or higher."""
    later = [h.where.line for h in article.headings
             if h.where.line > chapter.where.line and h.level <= chapter.level]
    return min(later, default=len(article.text.lines) + 1)


def chapter_lines(article: Article, chapter: Heading) -> list[str]:
    """The article's lines with everything but ``chapter``'s section (after its heading,
    which becomes the title) and the footnotes it calls blanked: line numbers stay."""
    lines = article.text.lines
    start, end = chapter.where.line + 1, _section_end(article, chapter)
    keep = set(range(start, end))
    definitions = {number: _definition_lines(lines, number) for number, line
                   in enumerate(lines, start=1) if FOOTNOTE_DEFINITION.match(line)}
    for first, span in definitions.items():  # notes defined inside, called elsewhere
        keep.difference_update(span)
    called = {m.group(1) for n in keep for m in FOOTNOTE_CALL.finditer(lines[n - 1])}
    for first, span in definitions.items():
        if FOOTNOTE_DEFINITION.match(lines[first - 1]).group(1) in called:
            keep.update(span)
    return [line if number in keep else "" for number, line in enumerate(lines, start=1)]


def _definition_lines(lines: list[str], first: int) -> range:
    """The lines of the footnote definition starting on line ``first``: it goes on
    while lines are indented, or blank before an indented line."""
    last = first
    for number in range(first + 1, len(lines) + 1):
        line = lines[number - 1]
        if line.startswith(("    ", "\t")):
            last = number
        elif line.strip() or FOOTNOTE_DEFINITION.match(line):
            break
    return range(first, last + 1)


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
    source = original.path if same else result.issue.source
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
