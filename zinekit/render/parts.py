"""A long issue laid out on several cores: its parts in worker processes, then joined.

An issue whose articles (an anthology's texts, a folder issue's articles, a one-file
book's chapters) each start on a new page is laid out as *parts*: the front matter
(covers, title page, contents), then runs of articles, each with whatever follows it
up to the next (:func:`grouped`: a few parts to each process).  A part is the issue's
own HTML with the other parts' elements left empty and hidden (``display: none``:
every selector matches as in the whole), so its pages are the whole issue's pages,
set by these rules added to its stylesheets:

- its first page carries the number the whole issue gives it (``counter-reset: page``
  on ``@page :first``) and is on the same side (``break-before: recto`` or ``verso``
  on the root);
- the running strings the title page sets (the issue's line and title) are set on the
  root (a part starts with an article that has a title, which sets its own), and the
  footnote counter continues from the notes before it;
- a reference to another part's anchor (the contents, a cross-reference, a link) is
  made to a *stub*: an empty element on a page of its own after the part, numbered as
  the anchor's page is, and dropped from the file (:func:`zinekit.render.pdf_join.drop_pages`).

A part goes to a process as soon as one is free, with the page numbers known then (the
parts before it laid out, else the issue's last layout, else a guess from the text's
length); a part whose numbers turn out otherwise is laid out again, once, with the
mending rules its first layout found (:mod:`zinekit.proof.settle` mends each text for
itself, so a part is mended as it is in the whole issue), and the notes it set at their
article's end (``notes_overflow: end``) set there again.  The parts' tagged PDFs are
joined by :func:`zinekit.render.pdf_join.join`; :mod:`zinekit.render.in_parts` runs the processes.

The whole issue is laid out in one process instead when the parts would not be the
whole issue's pages (an article that does not start a page, a theme that sets running
strings zinekit cannot carry over) or an issue is too short to gain (:data:`MIN_CHARS`).
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field, replace
from html import escape as html_escape
from pathlib import Path
from typing import Any

import lxml.html

from zinekit.errors import Diagnostics
from zinekit.model import Prepared
from zinekit.proof import findings_of
from zinekit.proof.detectors import Options
from zinekit.reachins import page_box, with_stack_room
from zinekit.render.page_starts import page_starts
from zinekit.render.pdf import render_document
from zinekit.render.pdf_join import drop_pages
from zinekit.render.pdf_write import pdf_bytes

#: Below this many characters of Markdown an issue is laid out whole: each part pays for
#: its stylesheets, and the parts for their join (about 25 A5 pages).
MIN_CHARS = 60_000
#: The rules that set running strings (the built-in themes'), and the strings: a part
#: prints them as the whole issue does (see :func:`_strings_set`).
STRING_RULES = frozenset({".title-page h1", ".title-page h1[data-running]",
                          ".title-page .series-line", ".article-title",
                          ".article-title[data-running]"})
#: In one process, parts pay off on a long book (about 200 A5 pages): each part is
#: mended by laying out that part again, not the whole issue, at the cost of a subset
#: of the fonts in each part.
MIN_CHARS_ONE_PROCESS = 400_000
#: The least text of a part, in characters of its HTML (about 15 A5 pages): shorter
#: articles are laid out together, so that the fonts' subsets (one in each part) do
#: not swell the file; a longer one is a part of its own.
PART_CHARS = 30_000
#: A rough page of text, for the first guess of page numbers when no layout is recorded.
CHARS_PER_PAGE = 2200
FORCED = {"page", "left", "right", "recto", "verso"}


@dataclass(frozen=True)
class Part:
    index: int
    children: tuple[int, ...]  # the <body> elements it shows, as nth-child numbers
    anchor: str  # the article it starts with; "" for the front matter
    ids: frozenset[str]  # every id in it
    refs: frozenset[str]  # every #anchor it links or refers to
    notes_before: int  # footnotes numbered before it
    strings: tuple[tuple[str, str], ...]  # running strings in force where it starts
    chars: int  # its text's length


def split(html: str) -> list[Part]:
    """The parts of an issue's print HTML: the front matter, then each article that has
    a title, with what follows it up to the next (an article without a title stays
    with the part before it: the running head it prints is the title before it)."""
    body = lxml.html.document_fromstring(html).find("body")
    if body is None:
        return []
    groups: list[list[tuple[int, Any]]] = [[]]
    number = 0
    for child in body:
        if not isinstance(child.tag, str):
            continue  # a comment: no nth-child of its own
        number += 1
        if child.tag == "article" and "article" in _classes(child) and child.get("id") \
                and any("article-title" in _classes(e) for e in child.iter()
                        if isinstance(e.tag, str)):
            groups.append([])
        groups[-1].append((number, child))
    parts: list[Part] = []
    notes = 0
    strings: dict[str, str] = {}
    for group in groups:
        if not group:
            continue
        first = group[0][1]
        anchor = first.get("id") if group is not groups[0] else ""
        elements = [element for _, child in group for element in child.iter()
                    if isinstance(element.tag, str)]
        ids = frozenset(e.get("id") for e in elements if e.get("id"))
        refs = frozenset(e.get("href")[1:] for e in elements
                         if (e.get("href") or "").startswith("#") and len(e.get("href")) > 1)
        text = sum(len(child.text_content()) for _, child in group)
        parts.append(Part(len(parts), tuple(n for n, _ in group), anchor or "", ids, refs,
                          notes, tuple(sorted(strings.items())), text))
        notes += sum(1 for e in elements if {"footnote", "endnote-call"} & set(_classes(e)))
        strings.update(_strings_set(elements))
    return parts


def _classes(element: Any) -> list[str]:
    return (element.get("class") or "").split()


def grouped(parts: list[Part], least: int = PART_CHARS) -> list[Part]:
    """The articles' parts joined, in order, into runs of ``least`` characters at least
    (the front matter stays a part of its own, the last run may be shorter).  Each part
    embeds its own subset of the fonts, so short texts together make a smaller file;
    a long text stays a part of its own, which is mended by laying out only itself."""
    front = [p for p in parts if not p.anchor]
    groups: list[list[Part]] = []
    for part in (p for p in parts if p.anchor):
        if not groups or sum(p.chars for p in groups[-1]) >= least:
            groups.append([])
        groups[-1].append(part)
    joined = [g[0] if len(g) == 1 else
              Part(0, tuple(n for p in g for n in p.children), g[0].anchor,
                   frozenset().union(*(p.ids for p in g)), frozenset().union(*(p.refs for p in g)),
                   g[0].notes_before, g[0].strings, sum(p.chars for p in g)) for g in groups]
    return [replace(part, index=i) for i, part in enumerate([*front, *joined])]


def _strings_set(elements: list[Any]) -> dict[str, str]:
    """The running strings of the issue these elements set (the title page's, as the
    built-in themes set them: :data:`STRING_RULES`).  They are set again on every page
    of a part (WeasyPrint sets a string on each page a box is on, and the root is on
    all), which prints what the whole issue prints because nothing sets them again;
    ``article-title``, which each article sets, needs no carrying over: a part starts
    with an article that has a title."""
    found: dict[str, str] = {}
    for element in elements:
        if element.tag == "h1" and _inside(element, "title-page"):
            found["issue-title"] = element.get("data-running") or \
                " ".join(element.text_content().split())
        elif "series-line" in _classes(element) and _inside(element, "title-page"):
            found["issue-line"] = " ".join(element.text_content().split())
    return found


def _inside(element: Any, cls: str) -> bool:
    return any(cls in (e.get("class") or "").split() for e in element.iterancestors())


def strings_carried_over(stylesheets: list[Path]) -> bool:
    """Whether every ``string-set`` of the theme is one :data:`STRING_RULES` knows."""
    for sheet in stylesheets:
        text = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
        for selectors, body in re.findall(r"([^{}]*)\{([^{}]*)\}", text):
            if "string-set" not in body:
                continue
            for selector in selectors.split(","):
                if " ".join(selector.split()) not in STRING_RULES:
                    return False
    return True


def worth_parts(prepared: Prepared, jobs: int = 2) -> bool:
    """Whether the issue may be laid out in parts on ``jobs`` processes, from its text
    alone (see the module's documentation): three articles at least, enough text
    (in one process, a long book's worth: :data:`MIN_CHARS_ONE_PROCESS`), running
    strings zinekit can carry over."""
    issue = prepared.issue
    texts = {a.text.path: a.text for a in issue.articles}  # a book's chapters: one file
    chars = sum(len(line) for text in texts.values() for line in text.lines)
    return (len(issue.articles) >= 3
            and chars >= (MIN_CHARS if jobs > 1 else MIN_CHARS_ONE_PROCESS)
            and strings_carried_over(prepared.theme.stylesheets("print")))


# --- one part's layout -----------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    part: Part
    start: int  # the number of its first page
    pages: dict[str, int]  # the page of each anchor it refers to in other parts
    mended: str | None = None  # the mending rules of its first layout, to use as they are


@dataclass
class Result:
    part: int
    start: int
    pages: int
    break_before: str  # the computed break-before of its article
    anchors: dict[str, int]  # anchor → page number (the whole issue's)
    refs: dict[str, int]  # the pages it was laid out to refer to
    mended: str  # the mending rules it kept
    data: bytes
    starts: list[tuple[str, int]]
    findings: int  # the proof's findings on its pages
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    moved: list[str] = field(default_factory=list)  # notes set at their article's end


def part_css(task: Task) -> tuple[str, str]:
    """The stylesheet that makes the issue's HTML lay out as ``task``'s part, and the
    HTML of its stubs (to add at the end of ``<body>``)."""
    part = task.part
    hidden = "".join(f":not(:nth-child({n}))" for n in part.children)
    root = [f"break-before: {'recto' if task.start % 2 else 'verso'} !important",
            f"counter-reset: footnote {part.notes_before}"]
    if part.strings:
        root.append("string-set: " + ", ".join(f"{name} {_css_string(value)}"
                                               for name, value in part.strings))
    rules = [f"body > *{hidden}:not(.zk-part-stubs) {{ display: none !important; }}",
             "html { " + "; ".join(root) + "; }",
             f"@page :first {{ counter-reset: page {task.start}; }}"]
    by_page: dict[int, list[str]] = {}
    for anchor, page in sorted(task.pages.items()):
        by_page.setdefault(page, []).append(anchor)
    stubs = []
    for page, anchors in sorted(by_page.items()):
        rules.append(f"@page zk-part-stub-{page} {{ counter-reset: page {page}; }}")
        inner = "".join(f'<div id="{html_escape(a)}"></div>' for a in anchors)
        stubs.append(f'<div style="page: zk-part-stub-{page}; break-before: page">{inner}</div>')
    stub_html = f'<div class="zk-part-stubs">{"".join(stubs)}</div>' if stubs else ""
    return "\n".join(rules), stub_html


def _css_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def part_html(html: str, part: Part, stubs: str) -> str:
    """The issue's HTML with the elements of other parts left empty (their tags kept, so
    that every selector matches as in the whole: they are hidden by :func:`part_css`),
    and the stubs at the end: a part's layout styles only its own text."""
    document = lxml.html.document_fromstring(html)
    body = document.find("body")
    if body is None:
        return html
    number = 0
    for child in body:
        if not isinstance(child.tag, str):
            continue
        number += 1
        if number not in part.children:
            for grandchild in list(child):
                child.remove(grandchild)
            child.text = None
    if stubs:
        body.append(lxml.html.fragment_fromstring(stubs))
    return lxml.html.tostring(document, encoding="unicode",
                              doctype=getattr(document.getroottree().docinfo, "doctype", ""))


def stub_pages(task: Task) -> int:
    return len(set(task.pages.values()))


# The job the worker processes lay parts out for: set before the pool is made, so that
# the processes (forked) have it without sending it (WeasyPrint's and the issue's objects
# are not all picklable).
JOB: dict[str, Any] = {}


def lay_out(task: Task) -> Result:
    """Lay ``task``'s part out and write it (in a worker process)."""
    job = JOB
    css, stubs = part_css(task)
    html = part_html(job["html"], task.part, stubs)
    diagnostics = Diagnostics()
    kept: list[str] = []
    extra = " ".join(filter(None, (job["extra_css"], css)))
    whole = job["placement"]  # notes set at their article's end: the part's HTML again
    placement = replace(whole, moved=list(whole.moved), html_for=lambda at_end: part_html(
        whole.html_for(at_end), task.part, stubs))
    document = with_stack_room(render_document, html, job["issue"], job["stylesheets"],
                               job["fetcher"], diagnostics, job["variant"], placement,
                               extra, task.mended, kept, task.start)
    dropped = stub_pages(task)
    pages = document.pages[:len(document.pages) - dropped]
    anchors: dict[str, int] = {}
    for number, page in enumerate(pages, start=task.start):
        for name in page.anchors:  # a box on several pages is an anchor on each
            anchors.setdefault(name, number)
    data = b""
    if job["with_bytes"]:
        data = drop_pages(with_stack_room(pdf_bytes, document, job["identity"], job["variant"]),
                          dropped)
    result = Result(task.part.index, task.start, len(pages),
                    _break_before(page_box(pages[0]) if pages else None, task.part.anchor),
                    anchors, dict(task.pages), task.mended if task.mended is not None
                    else "\n".join(kept), data, page_starts(_Pages(pages)),
                    len(findings_of(_Pages(pages), Options())), diagnostics, placement.moved)
    del document, pages
    gc.collect()  # a layout's boxes hold cycles: freed before the process takes the next part
    return result


@dataclass
class _Pages:
    """A document's pages without its stubs, for what reads ``document.pages``."""

    pages: list[Any]


def _break_before(box: Any, anchor: str) -> str:
    """The computed ``break-before`` of the box of the element ``anchor``."""
    if box is None or not anchor:
        return "page"
    element = getattr(box, "element", None)
    if element is not None and element.get("id") == anchor and box.element_tag == "article":
        return str(box.style["break_before"])
    for child in getattr(box, "children", None) or ():
        found = _break_before(child, anchor)
        if found:
            return found
    return ""
