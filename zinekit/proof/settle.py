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
from typing import Any, Callable, Mapping

from zinekit.proof.detectors import Options, find
from zinekit.proof.layout import Page, read_pages

#: Layouts added at most: a mended page moves the text after it by a line, which now
#: and then ends another page on a hyphen; a second round takes that one too.
ROUNDS = 3
#: The smallest bottom margin a page run long keeps, in CSS pixels (6 mm).
MIN_MARGIN = 6 * 96 / 25.4
MENDED = ("ZK101", "ZK102")


def settle(document: Any, relayout: Callable[[str], Any],
           moved: Callable[[Any], Mapping[str, int]], kept: list[str] | None = None) -> Any:
    """The document, or a layout of it with its page-turn hyphens and runt pages
    mended; ``relayout(css)`` lays the issue out again with ``css`` added,
    ``moved(document)`` counts each article's notes printed off their call's page;
    ``kept`` receives the rules of the layout returned.

    Where every text starts a page of its own (no page holds two), each is mended for
    itself: a round's rules are kept for the texts they improve and dropped for the
    others, which are left as they were (laid out once more at the end when a round
    kept some and not others).  So a text comes out the same whether it is laid out
    with the others or alone (:mod:`zinekit.render.parts`).  Texts that share pages
    are mended together."""
    pages = read_pages(document)
    if any(len(page.articles) > 1 for page in pages):
        return _settle_together(document, pages, relayout, moved, kept)
    best = document
    score = _scores(pages, moved(document))
    most = _page_counts(pages)
    accepted: dict[str, list[str]] = {}
    done: set[str] = set()
    best_rules = ""  # the rules ``best`` was laid out with
    for _ in range(ROUNDS):
        new: dict[str, list[str]] = {}
        for article, rule in _rules_by_article(pages):
            if article not in done and rule not in accepted.get(article, ()) and \
                    rule not in new.get(article, ()):
                new.setdefault(article, []).append(rule)
        if not new:
            break
        candidate = relayout(_css(accepted, new))
        candidate_pages = read_pages(candidate)
        candidate_score = _scores(candidate_pages, moved(candidate))
        counts = _page_counts(candidate_pages)
        better = {a for a in new if candidate_score.get(a, NONE) < score.get(a, NONE)
                  and counts.get(a, 0) <= most.get(a, 0)}
        for article, rules in new.items():
            if article in better:
                accepted.setdefault(article, []).extend(rules)
                score[article] = candidate_score.get(article, NONE)
            else:
                done.add(article)
        pages = candidate_pages  # the next round reads the texts still being mended
        if better == set(new):
            best, best_rules = candidate, _css(accepted, {})
        candidate = None  # not held through the next layout (a layout is most of the memory)
        if not better:
            break
    if _css(accepted, {}) != best_rules:  # the texts the last rounds did not improve,
        best = None  # as they were
        best = relayout(_css(accepted, {}))
    if kept is not None:
        kept[:] = _css(accepted, {}).splitlines() if accepted else []
    return best


NONE = (0, 0)


def _css(accepted: dict[str, list[str]], new: dict[str, list[str]]) -> str:
    return "\n".join(rule for rules in (accepted, new) for group in rules.values()
                     for rule in group)


def _settle_together(document: Any, pages: list[Page], relayout: Callable[[str], Any],
                     moved: Callable[[Any], Mapping[str, int]],
                     kept: list[str] | None) -> Any:
    """Rounds over the whole issue, each kept only when the issue as a whole gains."""
    best, best_score = document, _score(pages, sum(moved(document).values()))
    most = len(pages)
    rules: list[str] = []
    for _ in range(ROUNDS):
        new = [rule for _, rule in _rules_by_article(pages) if rule not in rules]
        if not new:
            break
        rules += new
        candidate = relayout("\n".join(rules))
        pages = read_pages(candidate)
        score = _score(pages, sum(moved(candidate).values()))
        if score >= best_score or len(pages) > most:
            break
        best, best_score = candidate, score
        if kept is not None:
            kept[:] = rules
    return best


def _scores(pages: list[Page], moved: Mapping[str, int]) -> dict[str, tuple[int, int]]:
    """Each text's notes off their page and faults (as :func:`_score`)."""
    faults: dict[str, int] = {}
    for finding in find(pages, Options()):
        if finding.code != "ZK106":
            article = _article(pages[finding.page - 1])
            faults[article] = faults.get(article, 0) + 1
    return {a: (moved.get(a, 0), faults.get(a, 0)) for a in {*faults, *moved}}


def _page_counts(pages: list[Page]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for page in pages:
        for article in page.articles:
            counts[article] = counts.get(article, 0) + 1
    return counts


def needs_settling(document: Any) -> bool:
    """Whether the layout has a fault :func:`settle` mends (cheap: no layout)."""
    return any(f.code in MENDED for f in find(read_pages(document), Options()))


def _score(pages: list[Page], moved: int) -> tuple[int, int]:
    found = find(pages, Options())
    return (moved, sum(1 for f in found if f.code != "ZK106"))


def _rules_by_article(pages: list[Page]) -> list[tuple[str, str]]:
    """The rules that mend the faults of this layout, each with its text's anchor."""
    found = find(pages, Options())
    rules: list[tuple[str, str]] = []
    pushed: dict[str, int] = {}  # lines each article's page-turn mends push on
    for finding in found:
        article = _article(pages[finding.page - 1])
        if finding.code == "ZK102":
            longer = _one_line_long(pages, finding.page)
            shorter = [] if longer else _end_a_line_earlier(pages, finding.page)
            pushed[article] = pushed.get(article, 0) + bool(shorter)
            rules += [(article, rule) for rule in longer or shorter]
        elif finding.code == "ZK101":
            runt = pages[finding.page - 1]
            rules += [(article, rule) for rule in _run_long(
                pages, finding.page - 1, len(runt.lines) + pushed.get(article, 0))]
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
