"""A layout pass that removes the two faults CSS cannot prevent in WeasyPrint: a word
split across a page turn (there is no ``hyphenate-limit-last``) and a runt page (the
last line or two of a text alone on a page).

Both are mended the way a compositor does, by running a page a line short or long:

- a page ending on a hyphenated word ends a line earlier: the paragraph it ends in
  gets one more ``widows`` line than it had on the next page (so the word moves over
  whole);
- a runt page's lines go back to the page before, which runs long: its bottom margin
  is made smaller by their height.  That page is addressed as the Nth page of its
  article, each such article being given a page name of its own
  (``@page :nth(N of zk-settle-…)``), so that mending one text moves no rule of another.

The rules are added as a stylesheet and the issue laid out again; the new layout is
kept only when it has fewer findings, no note moved off its page and no page more (a
mend that adds a page has left one half empty, where WeasyPrint carried a note over).
At most :data:`ROUNDS` layouts are added, and only to an issue that has one of these
faults.
"""

from __future__ import annotations

from statistics import median
from typing import Any, Callable

from zinekit.proof.detectors import Options, find
from zinekit.proof.layout import Page, read_pages

#: Layouts added at most: a mended page moves the text after it by a line, which now
#: and then ends another page on a hyphen; a second round takes that one too.
ROUNDS = 3
#: The smallest bottom margin a page run long keeps, in CSS pixels (6 mm).
MIN_MARGIN = 6 * 96 / 25.4
MENDED = ("ZK101", "ZK102")


def settle(document: Any, relayout: Callable[[str], Any],
           moved: Callable[[Any], int]) -> Any:
    """The document, or a layout of it with its page-turn hyphens and runt pages
    mended; ``relayout(css)`` lays the issue out again with ``css`` added,
    ``moved(document)`` counts the notes printed off their call's page."""
    pages = read_pages(document)
    best, best_score = document, _score(pages, moved(document))
    most = len(pages)
    rules: list[str] = []
    for _ in range(ROUNDS):
        new = [rule for rule in mending_rules(pages) if rule not in rules]
        if not new:
            break
        rules += new
        candidate = relayout("\n".join(rules))
        pages = read_pages(candidate)
        score = _score(pages, moved(candidate))
        if score >= best_score or len(pages) > most:
            break
        best, best_score = candidate, score
    return best


def needs_settling(document: Any) -> bool:
    """Whether the layout has a fault :func:`settle` mends (cheap: no layout)."""
    return any(f.code in MENDED for f in find(read_pages(document), Options()))


def _score(pages: list[Page], moved: int) -> tuple[int, int]:
    found = find(pages, Options())
    return (moved, sum(1 for f in found if f.code != "ZK106"))


def mending_rules(pages: list[Page]) -> list[str]:
    """CSS rules that mend the faults of this layout."""
    found = find(pages, Options())
    rules: list[str] = []
    pushed: dict[str, int] = {}  # lines each article's page-turn mends push on
    for finding in found:
        article = _article(pages[finding.page - 1])
        if finding.code == "ZK102":
            longer = _one_line_long(pages, finding.page)
            shorter = [] if longer else _end_a_line_earlier(pages, finding.page)
            pushed[article] = pushed.get(article, 0) + bool(shorter)
            rules += longer or shorter
        elif finding.code == "ZK101":
            runt = pages[finding.page - 1]
            rules += _run_long(pages, finding.page - 1, len(runt.lines) + pushed.get(article, 0))
    return rules


def _article(page: Page) -> str:
    return page.lines[-1].article if page.lines else ""


def _one_line_long(pages: list[Page], number: int) -> list[str]:
    """Page ``number`` ends on a hyphen: it takes the next line too, when that line
    ends on no hyphen and leaves its paragraph two lines at least over the page."""
    if number >= len(pages):
        return []
    page, after = pages[number - 1], pages[number]
    flow = [line for line in page.lines if not line.heading]
    following = [line for line in after.lines if not line.heading]
    if not flow or not following or following[0].hyphenated:
        return []
    block = following[0].block
    if sum(1 for line in following if line.block == block) < 3:
        return []
    return _run_long(pages, number, 1)


def _end_a_line_earlier(pages: list[Page], number: int) -> list[str]:
    """Page ``number`` ends on a hyphen: one more line of its last paragraph goes over."""
    page, after = pages[number - 1], pages[number] if number < len(pages) else None
    flow = [line for line in page.lines if not line.heading]
    if not flow or after is None:
        return []
    block = max(flow, key=lambda line: (line.column, line.bottom)).block
    if "." not in block:  # only a paragraph, an item … that the renderer numbered
        return []
    over = sum(1 for line in after.lines if line.block == block)
    return [f'[id="{block}"] {{ widows: {max(over, 1) + 1}; }}']


def _run_long(pages: list[Page], number: int, lines: int) -> list[str]:
    """Page ``number`` runs ``lines`` lines long: its own bottom margin is made smaller
    by their height.  It is addressed as the Nth page of its text's page group."""
    page = pages[number - 1] if number >= 1 else None
    if page is None or not page.lines or page.name not in ("text",) and \
            not page.name.startswith("zk-settle-"):
        return []
    article = page.lines[-1].article
    if not article:
        return []
    first = next(p.number for p in pages if article in p.articles)
    height = median(line.bottom - line.top for line in page.lines if not line.heading)
    margin = page.height - page.content_bottom - height * lines - 1
    if margin < MIN_MARGIN:
        return []
    name = f"zk-settle-{_ident(article)}"
    return [f'article[id="{article}"] {{ page: {name}; }}',
            f"@page :left:nth(1 of {name}) {{ @top-right {{ content: none; }} }}",
            f"@page :right:nth(1 of {name}) {{ @top-left {{ content: none; }} }}",
            f"@page :nth({number - first + 1} of {name}) {{ margin-bottom: {margin:.2f}px; }}"]


def _ident(anchor: str) -> str:
    """An anchor as a CSS identifier."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in anchor)
