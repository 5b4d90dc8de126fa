"""The page count of an issue before it is laid out: so an editor can fit a signature.

The estimate is calibrated on the issue itself, in its theme, page size and fonts:

1. every article is weighed: the characters a reader sees (text, headings, notes),
   plus :data:`BLOCK_CHARS` for each block (a paragraph's last line is part empty)
   and :data:`HEADING_CHARS` for each heading (its size and the space around it);
2. the fixed pages — title page, contents (as long as the issue's), the colophon,
   and the first page of each article (each starts on a new page) — are laid out for
   real, with every article emptied;
3. a sample of whole articles, spread through the issue, about :data:`SAMPLE_PAGES`
   pages' worth, is laid out; the characters of a page are measured on it (an
   article of p pages is counted as p − ½, its last page being half full on average);
4. each article then takes ⌈(weight + heading) ÷ characters a page⌉ pages, the first
   of them being the one laid out in step 2.

An issue of under :data:`EXACT_PAGES` pages' worth is laid out whole instead.  Measured
against real builds of 10 to 80 pages (``tests/test_anthology.py``) the estimate is
within 10 %.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from zinekit.errors import Diagnostics
from zinekit.markup import parse_markdown
from zinekit.markup.inline import plain_text
from zinekit.model import Article, Prepared
from zinekit.render.pdf import render_pdf

BLOCK_CHARS = 40
HEADING_CHARS = 120
GUESS_CHARS_PER_PAGE = 1800  # A5 in a book face: only to choose the sample's size
SAMPLE_PAGES = 12
EXACT_PAGES = 6
SIGNATURES = (4, 8, 16, 32)


@dataclass(frozen=True)
class Estimate:
    """How many pages an issue will have, and how it was found."""

    pages: int
    chars_per_page: float
    sample_pages: int  # pages laid out to measure (0 for none)
    exact: bool = False

    def lines(self) -> list[str]:
        how = ("laid out whole: an exact count" if self.exact else
               f"about ±10 %: {self.chars_per_page:,.0f} characters a page, measured on "
               f"{self.sample_pages} pages of its own text")
        fits = ", ".join(f"{size}: {math.ceil(self.pages / size)} ({math.ceil(self.pages / size) * size} pages)"
                         for size in SIGNATURES)
        return [f"estimated {self.pages} pages ({how})", f"signatures of {fits}"]


def weight(article: Article) -> int:
    """The characters an article sets, with its blocks and headings (step 1)."""
    total = 0
    for token in article.text.tokens:
        if token.type == "inline":
            total += len(plain_text(token.children or []))
        elif token.nesting == 1 and token.block:
            total += HEADING_CHARS if token.type == "heading_open" else BLOCK_CHARS
    return total


def estimate_pages(prepared: Prepared) -> Estimate:
    """The issue's page count, estimated as the module says (nothing is written)."""
    articles = prepared.issue.articles
    weights = [weight(a) for a in articles]
    if sum(weights) <= EXACT_PAGES * GUESS_CHARS_PER_PAGE:
        pages = _lay_out(prepared, articles)
        return Estimate(pages, sum(weights) / max(pages, 1), pages, exact=True)
    fixed = _lay_out(prepared, [_emptied(a) for a in articles])  # 2.
    chosen = _sample(weights)  # 3.
    per_page, measured = _measure(prepared, [articles[i] for i in chosen],
                                  [weights[i] for i in chosen])
    pages = fixed + sum(math.ceil((w + HEADING_CHARS) / per_page) - 1 for w in weights)  # 4.
    return Estimate(pages, per_page, measured)


def _sample(weights: list[int]) -> list[int]:
    """Indexes of whole articles spread through the issue, about SAMPLE_PAGES' worth."""
    wanted = SAMPLE_PAGES * GUESS_CHARS_PER_PAGE
    step = max(1, round(len(weights) * wanted / max(sum(weights), 1)))
    every = max(1, len(weights) // step) if step < len(weights) else 1
    chosen, total = [], 0
    for index in range(0, len(weights), every):
        chosen.append(index)
        total += weights[index]
        if total >= wanted:
            break
    return chosen


def _measure(prepared: Prepared, articles: list[Article], weights: list[int]) -> tuple[float, int]:
    """Characters a page, from the sample laid out (step 3), and the sample's pages."""
    end = _emptied(articles[-1], anchor="zk-estimate-end")
    laid = render_pdf(_with(prepared, [*articles, end]), with_bytes=False, diagnostics=Diagnostics())
    starts = [laid.anchor_pages.get(a.anchor, 0) for a in [*articles, end]]
    spans = [max(b - a, 1) for a, b in zip(starts, starts[1:])]
    per_page = sum(w + HEADING_CHARS for w in weights) / max(sum(s - 0.5 for s in spans), 0.5)
    return per_page, sum(spans)


def _lay_out(prepared: Prepared, articles: list[Article]) -> int:
    return render_pdf(_with(prepared, articles), with_bytes=False, diagnostics=Diagnostics()).pages


def _with(prepared: Prepared, articles: list[Article]) -> Prepared:
    issue = dataclasses.replace(prepared.issue, articles=articles)
    return dataclasses.replace(prepared, issue=issue, diagnostics=Diagnostics(), notes=[])


def _emptied(article: Article, anchor: str | None = None) -> Article:
    """The article with its title and no text (it still starts a page)."""
    text = parse_markdown("", str(article.path))
    return dataclasses.replace(article, text=text, anchor=anchor or article.anchor,
                               title=article.title or "—")
