"""The page count of an issue before it is laid out: so an editor can fit a signature.

The estimate is calibrated on the issue itself, in its theme, page size and fonts:

1. every article is weighed: the characters a reader sees (text, headings, notes),
   plus :data:`BLOCK_CHARS` for each block (a paragraph's last line is part empty)
   and :data:`HEADING_CHARS` for each heading (its size and the space around it);
2. the fixed pages — title page, contents (as long as the issue's), the colophon,
   and the first page of each article (each starts on a new page) — are laid out for
   real, with every article emptied;
3. a sample is laid out: first, for each kind of text — the articles of one source
   file with their notes in one place (margin notes narrow the text) — its longest
   article of at most :data:`PIECE_PAGES` pages' worth (a short one is mostly its
   title), while the sample is under :data:`MAX_SAMPLE_PAGES` pages' worth; then
   more articles spread through the issue up to :data:`SAMPLE_PAGES` pages' worth
   (of a longer article, its first blocks, with the notes they call); the
   characters a page of each kind are measured on it (an article of p pages is
   counted as p − ½, its last page being half full on average);
4. each article then takes ⌈(weight + heading) ÷ characters a page of its kind⌉
   pages (of all the sample, for a kind it did not reach), the first of them being
   the one laid out in step 2.

An issue of under :data:`EXACT_PAGES` pages' worth is laid out whole instead.  Measured
against real builds of 12 to 121 pages (docs/anthology.md, "The page estimate") the
estimate is within 10 %.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from markdown_it.token import Token

from zinekit.errors import Diagnostics
from zinekit.markup import parse_markdown
from zinekit.markup.inline import plain_text
from zinekit.model import Article, Prepared

BLOCK_CHARS = 40
HEADING_CHARS = 120
GUESS_CHARS_PER_PAGE = 1800  # A5 in a book face: only to choose the sample's size
SAMPLE_PAGES = 12
MAX_SAMPLE_PAGES = 36  # while each kind of text is given its piece
PIECE_PAGES = 8  # the most of one article the sample takes
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
    return sum(_token_weight(token) for token in article.text.tokens)


def _token_weight(token: Token) -> int:
    if token.type == "inline":
        return len(plain_text(token.children or []))
    if token.nesting == 1 and token.block:
        return HEADING_CHARS if token.type == "heading_open" else BLOCK_CHARS
    return 0


def estimate_pages(prepared: Prepared) -> Estimate:
    """The issue's page count, estimated as the module says (nothing is written)."""
    articles = prepared.issue.articles
    weights = [weight(a) for a in articles]
    if sum(weights) <= EXACT_PAGES * GUESS_CHARS_PER_PAGE:
        pages = _lay_out(prepared, articles)
        return Estimate(pages, sum(weights) / max(pages, 1), pages, exact=True)
    fixed = _lay_out(prepared, [_emptied(a) for a in articles])  # 2.
    kinds = [_kind(a, prepared) for a in articles]
    pieces = _sample(articles, weights, kinds)  # 3.
    per_kind, overall, measured = _measure(prepared, pieces)
    pages = fixed + sum(math.ceil((w + HEADING_CHARS) / per_kind.get(k, overall)) - 1
                        for w, k in zip(weights, kinds))  # 4.
    return Estimate(pages, overall, measured)


def _kind(article: Article, prepared: Prepared) -> tuple[str, str]:
    """What sets an article's density: the file it comes from (its kind of text) and
    where its notes go (margin notes narrow the text)."""
    from zinekit.render.document import notes_placement

    return str(article.path), notes_placement(article, prepared.issue)


@dataclass
class _Piece:
    """An article, or the first blocks of one, laid out to measure its kind of text."""

    article: Article
    weight: int
    kind: tuple[str, str]


def _sample(articles: list[Article], weights: list[int], kinds: list[tuple[str, str]]) -> list[_Piece]:
    """Pieces spread through the issue, about SAMPLE_PAGES pages' worth, at most
    PIECE_PAGES' worth each; one of each kind of text first, while room is left."""
    order = _spread(len(articles))
    firsts = [_measurable(kind, kinds, weights, order) for kind in dict.fromkeys(kinds[i] for i in order)]
    chosen: list[_Piece] = []
    total, first = 0, set(firsts)
    for index in [*firsts, *[i for i in order if i not in first]]:
        if total >= (MAX_SAMPLE_PAGES if index in first else SAMPLE_PAGES) * GUESS_CHARS_PER_PAGE:
            continue
        article, size = _prefix(articles[index], weights[index])
        chosen.append(_Piece(article, size, kinds[index]))
        total += size
    return chosen


def _measurable(kind: tuple[str, str], kinds: list[tuple[str, str]], weights: list[int],
                order: list[int]) -> int:
    """The article of ``kind`` that measures it best: the longest of at most
    PIECE_PAGES' worth (a short one is mostly its title), else the shortest."""
    same = [i for i in order if kinds[i] == kind]
    limit = PIECE_PAGES * GUESS_CHARS_PER_PAGE
    under = [i for i in same if weights[i] <= limit]
    return max(under, key=lambda i: weights[i]) if under else min(same, key=lambda i: weights[i])


def _spread(count: int) -> list[int]:
    """0 … count-1 in an order that spreads through them: 0, n/2, n/4, 3n/4 …"""
    order: list[int] = []
    seen: set[int] = set()
    step = count
    while len(order) < count:
        for index in range(0, count, max(step, 1)):
            if index not in seen:
                seen.add(index)
                order.append(index)
        step //= 2
    return order


def _prefix(article: Article, size: int) -> tuple[Article, int]:
    """The article, or its first blocks (about PIECE_PAGES pages' worth) with the
    notes they call, and their weight."""
    limit = PIECE_PAGES * GUESS_CHARS_PER_PAGE
    if size <= limit * 1.5:
        return article, size
    tokens = article.text.tokens
    notes = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    cut, total = notes, 0
    for index, token in enumerate(tokens[:notes]):
        total += _token_weight(token)
        if token.level == 0 and token.nesting <= 0 and total >= limit:
            cut = index + 1
            break
    called = {c.meta["id"] for t in tokens[:cut] for c in (t.children or []) if c.type == "footnote_ref"}
    kept_notes = _notes_called(tokens[notes:], called)
    text = dataclasses.replace(article.text, tokens=[*tokens[:cut], *kept_notes])
    return dataclasses.replace(article, text=text), sum(_token_weight(t) for t in text.tokens)


def _notes_called(tokens: list[Token], called: set[int]) -> list[Token]:
    """The footnote block with only the notes in ``called``."""
    kept: list[Token] = []
    keep = True
    for token in tokens:
        if token.type == "footnote_open":
            keep = token.meta.get("id") in called
        if keep or token.type in ("footnote_block_open", "footnote_block_close"):
            kept.append(token)
        if token.type == "footnote_close":
            keep = True
    return kept


def _measure(prepared: Prepared, pieces: list[_Piece]) -> tuple[dict[tuple[str, str], float], float, int]:
    """Characters a page of each kind of text, and of all, from the sample laid out
    (step 3; an article of p pages counts as p − ½, its last page being half full on
    average), and the sample's pages."""
    articles = [p.article for p in pieces]
    end = _emptied(articles[-1], anchor="zk-estimate-end")
    from zinekit.render.pdf import render_pdf  # WeasyPrint: loaded for a layout only

    laid = render_pdf(_with(prepared, [*articles, end]), with_bytes=False, diagnostics=Diagnostics())
    starts = [laid.anchor_pages.get(a.anchor, 0) for a in [*articles, end]]
    spans = [max(b - a, 1) - 0.5 for a, b in zip(starts, starts[1:])]
    chars: dict[tuple[str, str], list[float]] = {}
    for piece, span in zip(pieces, spans):
        sums = chars.setdefault(piece.kind, [0.0, 0.0])
        sums[0] += piece.weight + HEADING_CHARS
        sums[1] += span
    overall = sum(c for c, _ in chars.values()) / max(sum(s for _, s in chars.values()), 0.5)
    return {k: c / s for k, (c, s) in chars.items()}, overall, round(sum(spans) + len(spans) / 2)


def _lay_out(prepared: Prepared, articles: list[Article]) -> int:
    from zinekit.render.pdf import render_pdf  # WeasyPrint: loaded for a layout only

    return render_pdf(_with(prepared, articles), with_bytes=False, diagnostics=Diagnostics()).pages


def _with(prepared: Prepared, articles: list[Article]) -> Prepared:
    issue = dataclasses.replace(prepared.issue, articles=articles)
    return dataclasses.replace(prepared, issue=issue, diagnostics=Diagnostics(), notes=[])


def _emptied(article: Article, anchor: str | None = None) -> Article:
    """The article with its title and no text (it still starts a page)."""
    text = parse_markdown("", str(article.path))
    return dataclasses.replace(article, text=text, anchor=anchor or article.anchor,
                               title=article.title or "—")
