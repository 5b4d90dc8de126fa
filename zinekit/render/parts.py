"""A long issue laid out on several cores: its parts in worker processes, then joined.

An issue whose articles (an anthology's texts, a folder issue's articles, a one-file
book's chapters) each start on a new page is laid out as *parts*: the front matter
(covers, title page, contents), then each article with whatever follows it up to the
next.  Each part is the issue's own HTML and stylesheets, laid out with the other parts
hidden (``display: none``: every selector matches as in the whole), so a part's pages
are the whole issue's pages, set by these rules added to its stylesheets:

- its first page carries the number the whole issue gives it (``counter-reset: page``
  on ``@page :first``) and is on the same side (``break-before: recto`` or ``verso``
  on the root);
- the running strings in force where it starts (the issue's line and title from the
  title page, the last article's title for an article without one) are set on the
  root, and the footnote counter continues from the notes before it;
- a reference to another part's anchor (the contents, a cross-reference, a link) is
  made to a *stub*: an empty element on a page of its own after the part, numbered as
  the anchor's page is, and dropped from the file (:func:`zinekit.render.pdf_join.drop_pages`).

The page numbers a part starts at and refers to are those of the last layout of the
issue when one is recorded, else an estimate from the text's length; a part whose
numbers turn out otherwise is laid out again, once, with the mending rules its first
layout found (:mod:`zinekit.proof.settle`), so every part ends up mended by its own
rounds, in its own process.  The parts' tagged PDFs are joined by
:func:`zinekit.render.pdf_join.join`.

The whole issue is laid out in one process instead when the parts would not be the
whole issue's pages: an article that does not start a page, a theme that sets running
strings zinekit cannot carry over, notes set at their article's end for want of room
(``notes_overflow: end``), or an issue too short to gain (see :data:`MIN_CHARS`).
"""

from __future__ import annotations

import multiprocessing
import re
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html

from zinekit.errors import Diagnostics
from zinekit.model import READING, LaidOut, Prepared
from zinekit.proof import findings_note, findings_of
from zinekit.proof.detectors import Options
from zinekit.reachins import page_box, with_stack_room
from zinekit.render.page_budget import check_page_budget
from zinekit.render.page_starts import page_starts
from zinekit.render.pdf import edition_setup, edition_variant, render_document
from zinekit.render.pdf_join import drop_pages, join
from zinekit.render.pdf_write import pdf_bytes

#: Below this many characters of Markdown an issue is laid out whole: each part pays for
#: its stylesheets, and the parts for their join (about 25 A5 pages).
MIN_CHARS = 60_000
#: The running strings a part can be given where it starts, and the rules that set them.
STRING_RULES = {
    ".title-page h1": ("issue-title", "article-title"),
    ".title-page h1[data-running]": ("issue-title", "article-title"),
    ".title-page .series-line": ("issue-line",),
    ".article-title": ("article-title",),
    ".article-title[data-running]": ("article-title",),
}
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
    """The parts of an issue's print HTML: the front matter, then each article with
    what follows it up to the next."""
    body = lxml.html.document_fromstring(html).find("body")
    if body is None:
        return []
    groups: list[list[tuple[int, Any]]] = [[]]
    number = 0
    for child in body:
        if not isinstance(child.tag, str):
            continue  # a comment: no nth-child of its own
        number += 1
        if child.tag == "article" and "article" in (child.get("class") or "").split() \
                and child.get("id"):
            groups.append([])
        groups[-1].append((number, child))
    parts: list[Part] = []
    notes = 0
    strings: dict[str, str] = {}
    for group in groups:
        if not group:
            continue
        first = group[0][1]
        anchor = first.get("id") if first.tag == "article" and len(groups) > 1 and \
            group is not groups[0] else ""
        elements = [element for _, child in group for element in child.iter()
                    if isinstance(element.tag, str)]
        ids = frozenset(e.get("id") for e in elements if e.get("id"))
        refs = frozenset(e.get("href")[1:] for e in elements
                         if (e.get("href") or "").startswith("#") and len(e.get("href")) > 1)
        carried = tuple(sorted(strings.items()))
        if anchor and any("article-title" in (e.get("class") or "").split() for e in elements):
            carried = tuple((k, v) for k, v in carried if k != "article-title")
        text = sum(len(child.text_content()) for _, child in group)
        parts.append(Part(len(parts), tuple(n for n, _ in group), anchor or "", ids, refs,
                          notes, carried, text))
        notes += sum(1 for e in elements if {"footnote", "endnote-call"}
                     & set((e.get("class") or "").split()))
        strings.update(_strings_set(elements))
    return parts


def _strings_set(elements: list[Any]) -> dict[str, str]:
    """The running strings these elements set, in order (the rules of
    :data:`STRING_RULES`, as the built-in themes write them)."""
    found: dict[str, str] = {}
    for element in elements:
        classes = (element.get("class") or "").split()
        text = element.get("data-running") or " ".join(element.text_content().split())
        if element.tag == "h1" and _inside(element, "title-page"):
            found["issue-title"] = found["article-title"] = text
        elif "series-line" in classes and _inside(element, "title-page"):
            found["issue-line"] = " ".join(element.text_content().split())
        elif "article-title" in classes:
            found["article-title"] = text
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


def worth_parts(prepared: Prepared) -> bool:
    """Whether the issue may be laid out in parts, from its text alone (see the
    module's documentation): three articles at least, enough text, no notes set at
    their article's end for want of room, running strings zinekit can carry over."""
    issue = prepared.issue
    default = prepared.settings.typed.notes_overflow
    texts = {id(a.text): a.text for a in issue.articles}  # a book's chapters share one
    chars = sum(len(line) for text in texts.values() for line in text.lines)
    return (len(issue.articles) >= 3 and chars >= MIN_CHARS
            and all((a.meta.typed.notes_overflow or default) != "end" for a in issue.articles)
            and strings_carried_over(prepared.theme.stylesheets("print")))


# --- one part's layout -----------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    part: Part
    start: int  # the number of its first page
    pages: dict[str, int]  # the page of each anchor it refers to in other parts
    mended: str | None = None  # the mending rules of its first layout, to use as they are
    write: bool = True


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
        inner = "".join(f'<div id="{a}"></div>' for a in anchors)
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
_JOB: dict[str, Any] = {}


def lay_out(task: Task) -> Result:
    """Lay ``task``'s part out and write it (in a worker process)."""
    job = _JOB
    css, stubs = part_css(task)
    html = part_html(job["html"], task.part, stubs)
    diagnostics = Diagnostics()
    kept: list[str] = []
    extra = " ".join(filter(None, (job["extra_css"], css)))
    document = with_stack_room(render_document, html, job["issue"], job["stylesheets"],
                               job["fetcher"], diagnostics, job["variant"], job["placement"],
                               extra, task.mended, kept, task.start)
    dropped = stub_pages(task)
    pages = document.pages[:len(document.pages) - dropped]
    anchors: dict[str, int] = {}
    for number, page in enumerate(pages, start=task.start):
        for name in page.anchors:  # a box on several pages is an anchor on each
            anchors.setdefault(name, number)
    data = b""
    if task.write:
        data = drop_pages(with_stack_room(pdf_bytes, document, job["identity"], job["variant"]),
                          dropped)
    findings = len(findings_of(_Pages(pages), Options()))
    return Result(task.part.index, task.start, len(pages),
                  _break_before(page_box(pages[0]) if pages else None, task.part.anchor),
                  anchors, dict(task.pages), task.mended if task.mended is not None
                  else "\n".join(kept), data, page_starts(_Pages(pages)), findings, diagnostics)


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


# --- the whole issue -------------------------------------------------------------------------


@dataclass
class Joined:
    data: bytes
    pages: int
    anchor_pages: dict[str, int]
    starts: list[tuple[str, int]]
    findings: int
    diagnostics: list[Diagnostics]
    layouts: int  # parts laid out, the second layouts included


class NotInParts(Exception):
    """The parts are not the whole issue's pages (an article that does not start a page)."""


def lay_out_parts(parts: list[Part], jobs: int, job: dict[str, Any],
                  recorded: dict[str, int] | None) -> Joined:
    """Lay the parts out on ``jobs`` processes and join them; ``recorded``: the page of
    each anchor in the last layout of the issue, when there is one.

    A part is sent to a process when one is free, with the page numbers known then:
    the pages of the parts before it already laid out, a guess for the others (see
    :func:`_guess`).  The parts whose numbers turn out otherwise are laid out again."""
    _JOB.clear()
    _JOB.update(job)
    known: dict[int, Result] = {}
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        waiting, running = list(parts), {}  # type: list[Part], dict[Any, int]
        while waiting or running:
            while waiting and len(running) < jobs:
                part = waiting.pop(0)
                guess = _guess(parts, known, recorded)
                running[pool.submit(lay_out, Task(part, guess[_START + str(part.index)],
                                                  _refs(part, guess)))] = part.index
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                known[running.pop(future)] = future.result()
        results = [known[part.index] for part in parts]
        layouts = len(results)
        for _ in range(2):  # a second layout of the parts whose numbers moved
            starts, blanks = _starts(parts, results)
            anchors = {a: p for r in results for a, p in _shifted(r, starts).items()}
            again = [Task(part, starts[part.index], _refs(part, anchors), results[part.index].mended)
                     for part in parts
                     if starts[part.index] != results[part.index].start
                     or _refs(part, anchors) != results[part.index].refs]
            if not again:
                break
            for result in pool.map(lay_out, again):
                results[result.part] = result
            layouts += len(again)
    starts, blanks = _starts(parts, results)
    if any(r.start != starts[r.part] for r in results):
        raise NotInParts("page numbers did not settle")
    data = join([r.data for r in results], blanks) if job["with_bytes"] else b""
    anchor_pages: dict[str, int] = {}
    page_starts: list[tuple[str, int]] = []
    for result, blank in zip(results, blanks):
        for anchor, page in result.anchors.items():
            anchor_pages.setdefault(anchor, page)
        page_starts += [("", 0)] * blank + result.starts
    return Joined(data, len(page_starts), anchor_pages, page_starts,
                  sum(r.findings for r in results),
                  [r.diagnostics for r in results], layouts)


_START = "\0start "


def _refs(part: Part, pages: dict[str, int]) -> dict[str, int]:
    """The page of every anchor ``part`` refers to that another part holds."""
    return {a: pages.get(a, 1) for a in sorted(part.refs - part.ids)}


def _guess(parts: list[Part], known: dict[int, Result],
           recorded: dict[str, int] | None) -> dict[str, int]:
    """Each part's first page (``_START + index``) and each anchor's page, as far as
    they are known: a part laid out has its pages; one not yet laid out starts where
    the last layout of the issue put it (``recorded``), else where the parts before it
    end, its length in pages guessed from its text's at the rate of the articles laid
    out so far (a front matter: a page for each of its blocks at least)."""
    articles = [known[p.index] for p in parts if p.anchor and p.index in known]
    chars = sum(parts[r.part].chars for r in articles)
    per_page = chars / sum(r.pages for r in articles) if articles else CHARS_PER_PAGE
    side = articles[-1].break_before if articles else "page"
    guess: dict[str, int] = {}
    page = 1
    for part in parts:
        result = known.get(part.index)
        wants = _odd(result.break_before if result else side) if part.index else None
        start = page + (wants is not None and (page % 2 == 1) != wants)
        if result is None and recorded and part.anchor in recorded:
            start = recorded[part.anchor]
        guess[_START + str(part.index)] = start
        if result is not None:
            guess.update(_shifted(result, {part.index: start}))
            page = start + result.pages
            continue
        for anchor in part.ids:
            guess[anchor] = (recorded or {}).get(anchor, start)
        length = round(part.chars / per_page) if part.anchor else \
            max(len(part.children), round(part.chars / per_page))
        page = start + max(1, length)
    return guess


def _odd(side: str) -> bool | None:
    """Whether a part that breaks ``side`` opens on an odd page (None: either)."""
    return {"right": True, "recto": True, "left": False, "verso": False}.get(side)


def _starts(parts: list[Part], results: list[Result]) -> tuple[dict[int, int], list[bool]]:
    """Each part's first page, from the page counts laid out, and whether a blank page
    comes before it (an article that opens on the other side)."""
    starts: dict[int, int] = {}
    blanks: list[bool] = []
    page = 1
    for part, result in zip(parts, results):
        side = result.break_before
        if part.anchor and side not in FORCED:
            raise NotInParts(f"{part.anchor} does not start a page")
        wants_odd = _odd(side)
        blank = part.index > 0 and wants_odd is not None and (page % 2 == 1) != wants_odd
        page += blank
        starts[part.index] = page
        blanks.append(blank)
        page += result.pages
    return starts, blanks


def _shifted(result: Result, starts: dict[int, int]) -> dict[str, int]:
    """The anchors of a part's layout, on the pages its true start puts them."""
    shift = starts[result.part] - result.start
    return {anchor: page + shift for anchor, page in result.anchors.items()}


def render_in_parts(prepared: Prepared, jobs: int, recorded: dict[str, int] | None,
                    with_bytes: bool = True) -> LaidOut | None:
    """The reading PDF laid out in parts on ``jobs`` processes, or None when the issue is
    laid out whole (see the module's documentation); ``recorded``: the page of each
    anchor in the issue's last layout.  The proof's findings are counted in the parts
    and noted as a build with one layout notes them (``zinekit.proof.noting_findings``)."""
    if multiprocessing.parent_process() is not None:  # a worker already: no pool of its own
        return None
    if not worth_parts(prepared):
        return None
    diagnostics = prepared.diagnostics
    stylesheets = prepared.theme.stylesheets("print")
    html, placement, fetcher = edition_setup(prepared, READING, diagnostics)
    parts = split(html)
    if sum(1 for part in parts if part.anchor) < 3:
        return None
    job = {"html": html, "issue": prepared.issue, "stylesheets": stylesheets,
           "fetcher": fetcher, "variant": edition_variant(None, READING),
           "placement": placement, "extra_css": None, "identity": html,
           "with_bytes": with_bytes}
    try:
        joined = lay_out_parts(parts, jobs, job, recorded)
    except NotInParts:
        return None
    for found in joined.diagnostics:  # what every part reports (a font, a fix) once
        for item in found.items:
            diagnostics.add(item)
    check_page_budget(prepared, joined.pages, diagnostics)
    note = findings_note(joined.findings)
    if note:
        prepared.notes.append(note)
    return LaidOut(joined.data, joined.pages, joined.anchor_pages, joined.starts)
