"""Citations and further reading: ``[@key]`` against the issue's BibTeX file, with pybtex.

Steps of :func:`resolve_citations` (numbered in the code):

1. find the bibliography: the issue's ``bibliography:`` (relative to the issue file),
   else ``refs.bib`` in the project folder; it must lie inside the project folder;
2. read it with pybtex's BibTeX parser (:mod:`zinekit.resolve.bibfile`); every problem
   is located in the ``.bib``;
3. check every cited key; number the works in the order they are first cited;
4. choose the works the further-reading list prints (``[build] further_reading``:
   the cited ones or all) and format each with a pybtex style through an HTML backend
   that writes XHTML, followed by its ``annote`` field;
5. format each citation, author-year "(Fisher 2009, p. 12)" or numeric "[1, p. 12]",
   linked to its entry when the issue prints the list exactly once.

The syntax, settings and messages are described in ``docs/citations.md``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # pybtex is loaded when an issue cites or lists works
    from pybtex.database import Entry
    from pybtex.exceptions import PybtexError

from zinekit.markup.structure import unique_id
from zinekit.errors import Diagnostics
from zinekit.locale import ENGLISH, labels
from zinekit.model import Citation, Issue, Resolved
from zinekit.resolve.bibfile import (DEFAULT_BIBLIOGRAPHY, Bibliography, find_bibliography,
                                     read_bibliography)

__all__ = ["resolve_citations", "find_bibliography", "read_bibliography", "Bibliography",
           "DEFAULT_BIBLIOGRAPHY", "FORMATTING_STYLE"]

FORMATTING_STYLE = "plain"  # pybtex's formatting style for the entries of the list
ANNOTE_FIELDS = ("annote", "annotation")
SAFE_URL = re.compile(r"^(https?:|mailto:)", re.I)

@lru_cache(maxsize=1)
def xhtml_backend() -> Any:
    """pybtex's HTML backend writing what XHTML (EPUB) accepts: characters instead of
    named entities, escaped link addresses, no script or relative links.  (Made on first
    use: finding pybtex's plugins reads every installed package's entry points.)"""
    from pybtex.plugin import find_plugin

    class XhtmlBackend(find_plugin("pybtex.backends", "html")):  # type: ignore[misc]
        symbols = {"ndash": "\u2013", "newblock": " ", "nbsp": "\u00a0"}

        def format_protected(self, text: str) -> str:
            return text

        def format_href(self, url: str, text: str, external: bool = False) -> str:
            if not text:
                return ""
            if not SAFE_URL.match(url.strip()):
                return text
            return f'<a href="{html.escape(url.strip(), quote=True)}">{text}</a>'

    return XhtmlBackend()


@dataclass
class Work:
    """One work of the list: its entry and how citations name it."""

    key: str
    entry: Entry
    anchor: str  # id of its list entry
    names: str = ""  # author-year: "Fisher", "Fisher and Mandel", "Fisher et al." (HTML)
    year: str = ""  # author-year: "2009", "2009a", "n.d." (HTML)
    number: int = 0  # numeric: 1, 2, 3 …


# --- 3. the cited works -------------------------------------------------------------------


def _cited_keys(citations: list[Citation], bib: Bibliography | None, named: bool,
                diagnostics: Diagnostics) -> list[str]:
    """Keys of the cited works, in the order first cited; unknown keys reported."""
    keys: list[str] = []
    for citation in citations:
        for key, _ in citation.items:
            entry_key = _known_key(key, bib)
            if entry_key is None:
                _report_missing(key, citation, bib, named, diagnostics)
            elif entry_key not in keys:
                keys.append(entry_key)
    return keys


def _known_key(key: str, bib: Bibliography | None) -> str | None:
    if bib is None or bib.get(key) is None:
        return None
    return next(k for k in bib.data.entries if k.casefold() == key.casefold())


def _report_missing(key: str, citation: Citation, bib: Bibliography | None, named: bool,
                    diagnostics: Diagnostics) -> None:
    where = (citation.where.path, citation.where.line, citation.where.col)
    if bib is None:
        if named:
            return  # the missing file is reported at its 'bibliography:' line
        diagnostics.error(f"citation key '{key}' has no bibliography to look in: name a .bib "
                          f"file with 'bibliography:' in the issue's front matter, or add "
                          f"{DEFAULT_BIBLIOGRAPHY} to the project folder", *where)
    else:
        diagnostics.error(f"citation key '{key}' is not in {bib.shown}", *where)


def _list_places(issue: Issue) -> list[tuple[str | None, int]]:
    """Where the issue prints its further-reading list: ``::: further-reading`` blocks
    and the issue's ``further_reading: true``."""
    places: list[tuple[str | None, int]] = []
    for article in issue.articles:
        places += [(str(article.path), line) for line in article.text.further_reading_at]
    if issue.meta.typed.further_reading:
        places.append((issue.meta.path, issue.meta.line_of("further_reading")))
    return places


# --- 4. the list ----------------------------------------------------------------------------


def _listed_works(keys: list[str], bib: Bibliography, mode: str, numeric: bool) -> list[Work]:
    """The works of the list in print order, with the names citations give them."""
    if mode == "all":
        keys = keys + [k for k in bib.data.entries if k not in keys]
    works = [Work(k, bib.data.entries[k], "") for k in keys]
    used: set[str] = set()
    for number, work in enumerate(works, start=1):
        work.anchor = _anchor(work.key, used)
        work.number = number
        work.names, work.year = _names(work.entry), _year(work.entry)
    if numeric:
        return works
    works.sort(key=lambda w: (_sort_text(w.names), _sort_text(w.year), _sort_text(_title(w.entry))))
    _disambiguate(works)
    return works


def _anchor(key: str, used: set[str]) -> str:
    return unique_id("bib-" + (re.sub(r"[^A-Za-z0-9_.-]+", "-", key).strip("-") or "entry"), used)


def _latex(value: str) -> str:
    """A BibTeX field value (LaTeX) as escaped HTML text."""
    from pybtex.exceptions import PybtexError
    from pybtex.richtext import Text

    try:
        return Text.from_latex(value).render(xhtml_backend()).strip()
    except PybtexError:
        return html.escape(value.replace("{", "").replace("}", ""), quote=False)


def _names(entry: Entry) -> str:
    """How author-year citations name a work: authors, else editors, else the
    organisation, else the title."""
    for role in ("author", "editor"):
        persons = entry.persons.get(role) or []
        if persons:
            last = [_latex(" ".join(p.prelast_names + p.last_names) or str(p)) for p in persons]
            if len(last) > 2:
                return f"{last[0]} et al."
            return " and ".join(last)
    for name in ("organization", "institution"):
        if entry.fields.get(name):
            return _latex(entry.fields[name])
    return f"<em>{_title(entry)}</em>" if _title(entry) else "Anon."


def _title(entry: Entry) -> str:
    return _latex(entry.fields.get("title", ""))


def _year(entry: Entry) -> str:
    year = entry.fields.get("year") or str(entry.fields.get("date", ""))[:4]
    return _latex(year) if year else "n.d."


def _sort_text(value: str) -> str:
    plain = re.sub(r"<[^>]+>", "", html.unescape(value))
    decomposed = unicodedata.normalize("NFKD", plain)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _disambiguate(works: list[Work]) -> None:
    """Two works with the same names and year become 2009a and 2009b, in list order."""
    from pybtex.database import Entry

    groups: dict[tuple[str, str], list[Work]] = {}
    for work in works:
        groups.setdefault((_sort_text(work.names), work.year), []).append(work)
    for group in groups.values():
        if len(group) > 1 and group[0].year != "n.d.":
            for letter, work in zip("abcdefghijklmnopqrstuvwxyz", group):
                work.year += letter
                fields = list(work.entry.fields.items())
                fields = [(k, work.year if k.lower() == "year" else v) for k, v in fields]
                work.entry = Entry(work.entry.type, fields=fields, persons=work.entry.persons)


def _format_list(works: list[Work], bib: Bibliography, numeric: bool, linked: bool,
                 diagnostics: Diagnostics) -> str:
    if not works:
        return ""
    from pybtex.plugin import find_plugin

    style = find_plugin("pybtex.style.formatting", FORMATTING_STYLE)()
    tag = "ol" if numeric else "ul"
    kind = "numeric" if numeric else "author-year"
    items = [_format_entry(w, style, bib, numeric, linked, diagnostics) for w in works]
    return f'<{tag} class="bibliography {kind}">\n' + "".join(items) + f"</{tag}>\n"


def _format_entry(work: Work, style: Any, bib: Bibliography, numeric: bool, linked: bool,
                  diagnostics: Diagnostics) -> str:
    text = _entry_text(work, style, bib, diagnostics)
    label = f'<span class="bib-label">[{work.number}]</span> ' if numeric else ""
    anchor = f' id="{work.anchor}"' if linked else ""
    annote = next((work.entry.fields[f] for f in ANNOTE_FIELDS if work.entry.fields.get(f)), "")
    note = f'<p class="annote">{_latex(annote)}</p>' if annote else ""
    return f'<li class="bib-entry"{anchor}><p class="bib-text">{label}{text}</p>{note}</li>\n'


def _entry_text(work: Work, style: Any, bib: Bibliography, diagnostics: Diagnostics) -> str:
    """The entry formatted by the pybtex style; an entry lacking a field the style wants
    for its type is printed with the style's 'misc' template, with a warning."""
    from pybtex.style.template import FieldIsMissing

    where = (str(bib.path), bib.line_of(work.key), 1)
    context = {"entry": work.entry, "style": style, "bib_data": bib.data}
    # a type the style does not know (@online, @report …) prints as 'misc'
    template = getattr(style, f"get_{work.entry.type.lower()}_template", style.get_misc_template)
    text, problem = _render(lambda: template(work.entry).format_data(context))
    if isinstance(problem, FieldIsMissing):
        wanted = "'author' or 'editor'" if problem.field_name in ("author", "editor") \
            else f"'{problem.field_name}'"
        diagnostics.warning(f"entry '{work.key}' ({work.entry.type}) has no {wanted}, which "
                            f"the '{FORMATTING_STYLE}' style needs for that type; printed as "
                            "a plain entry", *where)
        text, problem = _render(lambda: style.get_misc_template(work.entry).format_data(context))
    if problem is not None:
        diagnostics.error(f"entry '{work.key}' cannot be formatted: {problem}", *where)
    return text if text is not None else html.escape(work.key)


def _render(make_text: Callable[[], Any]) -> tuple[str | None, PybtexError | None]:
    """Run a pybtex formatting step; its rich text as HTML, or the problem it reported."""
    import pybtex.errors
    from pybtex.exceptions import PybtexError

    with pybtex.errors.capture() as reported:
        try:
            text = make_text().render(xhtml_backend())
        except PybtexError as exc:
            return None, exc
    return (None, reported[0]) if reported else (text, None)


# --- 5. the citations -------------------------------------------------------------------------


def _locator(text: str, label: Callable[[str], str] = ENGLISH) -> str:
    """ "12" or "p. 12" → "p. 12", "12-14" or "pp. 12--14" → "pp. 12–14" (no-break space,
    en dash; the abbreviation in the issue's language, ``label``); anything else as
    written."""
    text = text.strip()
    pages = re.fullmatch(r"(?:pp?\.?\s*)?(\d+)(?:\s*(?:-+|\u2013)\s*(\d+))?", text)
    if pages and pages.group(2):
        return f"{label('pp.').strip()}\u00a0{pages.group(1)}\u2013{pages.group(2)}"
    if pages:
        return f"{label('p.').strip()}\u00a0{pages.group(1)}"
    return html.escape(text, quote=False)


def format_citation(citation: Citation, works: dict[str, Work], numeric: bool,
                    linked: bool, label: Callable[[str], str] = ENGLISH) -> str:
    """One citation as HTML: "(Fisher 2009, p. 12; Mandel 2020)" or "[1, p. 12; 2]"."""
    parts = []
    for (written_key, locator), suppress in zip(citation.items, _suppressed(citation)):
        work = works[written_key.casefold()]
        if numeric:
            name = str(work.number)
        else:
            name = work.year if suppress else f"{work.names} {work.year}"
        if linked:
            name = f'<a class="cite-ref" href="#{work.anchor}">{name}</a>'
        parts.append(name + (f", {_locator(locator, label)}" if locator.strip() else ""))
    inner = "; ".join(parts)
    return f"[{inner}]" if numeric else f"({inner})"


def _suppressed(citation: Citation) -> list[bool]:
    """For each item, whether it was written ``-@key`` (the author is named in the
    running text).  Items are split on ";" as the markup stage splits them."""
    inner = citation.text[1:-1] if citation.text.startswith("[") else citation.text
    flags = [part.lstrip().startswith("-") for part in inner.split(";")]
    return flags + [False] * (len(citation.items) - len(flags))


# --- the stage ----------------------------------------------------------------------------------


def resolve_citations(issue: Issue, diagnostics: Diagnostics, resolved: Resolved) -> None:
    """Fill ``resolved.citations`` and ``resolved.bibliography_html`` for ``issue``."""
    citations = issue.all_citations()
    places = _list_places(issue)
    if not citations and not places and not issue.meta.typed.bibliography:
        return
    path = find_bibliography(issue, diagnostics)  # 1.
    bib = read_bibliography(path, issue.root, diagnostics) if path else None  # 2.
    keys = _cited_keys(citations, bib, bool(issue.meta.typed.bibliography), diagnostics)  # 3.
    if bib is None:
        _report_no_list(places, "there is no bibliography to list", diagnostics)
        return
    numeric = issue.build.typed.citation_style == "numeric"
    mode = issue.build.typed.further_reading_works
    works = _listed_works(keys, bib, mode, numeric)  # 4.
    linked = _check_places(places, diagnostics) and bool(works)
    resolved.bibliography_html = _format_list(works, bib, numeric, linked, diagnostics)
    if places and not works:
        _report_no_list(places, "the issue cites no work (set [build] further_reading = "
                        "\"all\" to list every entry of the bibliography)", diagnostics)
    by_key = {w.key.casefold(): w for w in works}
    for citation in citations:  # 5.
        if all(k.casefold() in by_key for k, _ in citation.items):
            resolved.citations[citation.id] = format_citation(citation, by_key, numeric, linked,
                                                              labels(issue.language))


def _check_places(places: list[tuple[str | None, int]], diagnostics: Diagnostics) -> bool:
    """Citations link to the list only when it is printed exactly once."""
    if len(places) <= 1:
        return len(places) == 1
    first = f"{Path(places[0][0] or '').name}:{places[0][1]}"
    for path, line in places[1:]:
        diagnostics.warning(f"the further-reading list is printed again here (first at {first}); "
                            "citations link to it only when it is printed once", path, line, 1)
    return False


def _report_no_list(places: list[tuple[str | None, int]], why: str,
                    diagnostics: Diagnostics) -> None:
    for path, line in places:
        diagnostics.warning(f"further reading: nothing to print: {why}", path, line, 1)

