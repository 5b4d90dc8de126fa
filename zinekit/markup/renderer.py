"""Tokens → HTML for one article, in two modes.

``print`` (for WeasyPrint): each footnote's text is placed at its call as a
``float: footnote`` span, so it lands at the foot of the page where it is called.
``screen`` (HTML, EPUB, preview): a footnote call is a link to an ``aside`` after the
article, with a link back.

This module holds what every syntax shares: footnotes, headings, images and links.
Each zine syntax renders its own tokens: its plugin registers the rules with
``md.add_render_rule`` (see :mod:`zinekit.markup.ed_notes`), and a rule that prints a
whole run of tokens at once with :func:`add_span_rule`.  Rules read the article's
:class:`RenderContext` as ``self.ctx``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from zinekit.locale import ENGLISH
from zinekit.markup.brackets import ED_FOOTNOTE
from zinekit.markup.endnotes import marked_endnotes
from zinekit.model import XrefView

# Block tags that cannot sit inside a footnote's inline ``span`` in print mode.
BLOCK_TAGS = {"p", "ul", "ol", "li", "blockquote", "pre", "dl", "dt", "dd", "table", "h1",
              "h2", "h3", "h4", "h5", "h6", "figure", "hr", "div", "aside"}
SAFE_URL_SCHEMES = ("http:", "https:", "mailto:", "#")
# Blocks that get an id of their own with ``block_ids``: the reading PDF records the
# one each page starts in, and the EPUB puts its page-break markers before them.
ID_TAGS = {"p", "li", "blockquote", "table", "tr", "dt", "dd", "pre", "figure"}
#: An image whose Markdown says ``![](src "decorative")``: no description, none needed.
DECORATIVE = "decorative"
#: Links whose address the print edition prints after their text (paper has no links).
PRINTED_ADDRESSES = ("http:", "https:", "mailto:")
#: A note longer than this (in characters of text) may take a third of an A5 page or
#: more: print marks it ``long-note`` so the theme can let it go to the next page alone
#: when it does not fit under its call, rather than take the call's line (and the rest
#: of the page) with it; WeasyPrint does not continue a note on a later page
#: (docs/performance.md, "One layout per build").
LONG_NOTE_CHARACTERS = 800
TAG = re.compile(r"<[^>]+>")

#: A rule that renders the tokens from ``idx`` on and returns (HTML, next index).
SpanRule = Callable[[Any, Sequence[Token], int, Any, Any], "tuple[str, int] | None"]


@dataclass
class RenderContext:
    """What the renderer needs beyond the tokens."""

    mode: str  # "print" or "screen"
    article_anchor: str
    xrefs: dict[str, XrefView] = field(default_factory=dict)
    citations: dict[str, str] = field(default_factory=dict)  # id → HTML
    heading_shift: int = 0
    print_edition: bool = False  # paper: no live links, addresses printed as notes
    epub: bool = False
    further_reading_html: str = ""
    note_offset: int = 0  # notes of earlier articles, when notes are numbered per issue
    endnotes: bool = False  # print: notes gathered at the article's end, not at page feet
    sidenotes: bool = False  # print: notes floated into the outer margin beside their call
    #: print: the ids (``fn-<article>-<n>``) of the footnotes printed at the article's end
    #: because the layout found no room for them under their call (``notes_overflow``)
    end_notes: frozenset[str] = frozenset()
    block_ids: bool = False  # every block gets an id (``<article>.<n>``), the same in each output
    #: when given, filled with each block's and heading's id: its article's anchor and
    #: source line (the preview's page view)
    block_lines: dict[str, tuple[str, int]] | None = None
    labels: Callable[..., str] = ENGLISH  # the words printed, in the language
    outline_from: int = 0  # when set, the text's headings are renumbered from this level
                           # down, one level at a time (assistive technology's outline)


class ZineRenderer(RendererHTML):
    """markdown-it's HTML renderer with the zine's footnotes, headings and links; the
    syntax plugins add their own rules."""

    def __init__(self, parser: Any = None) -> None:
        super().__init__(parser)
        self.ctx = RenderContext("screen", "a")
        self.notes: dict[int, str] = {}
        self.ed_notes: set[int] = set()
        self.in_note = False
        self.at_end: set[int] = set()  # print: footnotes set at the article's end
        self.note_at_end = False  # the note being rendered is one of them
        self.span_rules: dict[str, Callable[..., tuple[str, int] | None]] = {}
        self.blocks = 0  # ids given to blocks so far (``block_ids``)
        self.levels: dict[int, int] = {}  # heading token (by id) → level (``outline_from``)

    #: Token types this renderer prints itself, whatever rules plugins such as
    #: mdit-py-plugins' footnotes register for them.
    OWN_RULES = ("footnote_ref", "footnote_anchor", "footnote_block_open",
                 "footnote_block_close", "image", "link_open", "link_close")

    def keep_own_rules(self) -> None:
        for name in self.OWN_RULES:
            self.rules[name] = getattr(self, name)

    def fresh(self) -> ZineRenderer:
        """A renderer of its own for one article, with the rules the plugins added to
        this one (the parser's, which is shared)."""
        renderer = type(self)()
        for name, rule in self.rules.items():
            func = getattr(rule, "__func__", None)
            if func is not None and getattr(rule, "__self__", None) is self:
                renderer.rules[name] = func.__get__(renderer)
        for name, span_rule in self.span_rules.items():
            renderer.span_rules[name] = span_rule.__func__.__get__(renderer)  # type: ignore[attr-defined]
        return renderer

    # --- the article ----------------------------------------------------------------

    def render_article(self, tokens: Sequence[Token], options: Any, env: dict[str, Any],
                       ctx: RenderContext) -> tuple[str, str]:
        """Return (body HTML, notes HTML); notes are empty when they float in print."""
        self.ctx = ctx
        body_tokens, note_tokens = _split_footnotes(tokens)
        self.ed_notes = {i for i, toks in note_tokens.items() if _is_ed_note(toks, env)}
        self.at_end = self._notes_at_end(tokens, env, note_tokens) if self.floating else set()
        self.in_note, self.notes = True, {}
        for i, toks in note_tokens.items():
            self.note_at_end = i in self.at_end
            self.notes[i] = self.render(toks, options, env)
        self.in_note = self.note_at_end = False
        self.levels = outline_levels(body_tokens, ctx.outline_from) if ctx.outline_from else {}
        body = self.render(body_tokens, options, env)
        if self.floating:
            return body, self._end_of_article_notes()
        return body, self._notes_section()

    def _notes_at_end(self, tokens: Sequence[Token], env: dict[str, Any],
                      note_tokens: dict[int, list[Token]]) -> set[int]:
        """Footnotes printed at the article's end: those marked ``{.endnote}`` and
        those the layout found no room for (``ctx.end_notes``)."""
        chosen = {i for i in note_tokens if self.note_id(i) in self.ctx.end_notes}
        return chosen | (marked_endnotes(tokens, env) & set(note_tokens))

    @property
    def floating(self) -> bool:
        """Print footnotes float to the foot of their page, unless gathered as endnotes."""
        return self.ctx.mode == "print" and not self.ctx.endnotes

    def label(self, message: str) -> str:
        """A word the renderer prints, in the issue's language."""
        return self.ctx.labels(message)

    @property
    def _back(self) -> str:
        return html.escape(self.label("back to the text"))

    @property
    def _notes(self) -> str:
        return html.escape(self.label("Notes"))

    def note_id(self, n: int) -> str:
        return f"fn-{self.ctx.article_anchor}-{n + 1}"

    def _end_of_article_notes(self) -> str:
        """Print: the footnotes set at the article's end, each number a link back to
        its call (whose page the theme prints after it)."""
        if not self.at_end:
            return ""
        items = []
        for n in sorted(self.at_end):
            note_id = self.note_id(n)
            ed = " ed-footnote" if n in self.ed_notes else ""
            items.append(f'<aside id="{note_id}" class="footnote endnote{ed}" role="doc-footnote">'
                         f'<a class="note-number backlink" href="#ref-{note_id}" '
                         f'role="doc-backlink" title="{self._back}">'
                         f'{n + 1 + self.ctx.note_offset}.</a> {self.notes.get(n, "")}</aside>')
        return (f'<section class="footnotes endnotes">\n<h2 class="notes-title">{self._notes}</h2>\n'
                + "\n".join(items) + "\n</section>")

    def _notes_section(self) -> str:
        if not self.notes:
            return ""
        heading = f'<h2 class="notes-title">{self._notes}</h2>\n' if self.ctx.endnotes else ""
        epub_type = ' epub:type="footnote"' if self.ctx.epub else ""
        items = []
        for n, text in self.notes.items():
            note_id = self.note_id(n)
            ed = " ed-footnote" if n in self.ed_notes else ""
            back = (f'<a class="backlink" href="#ref-{note_id}" role="doc-backlink" '
                    f'title="{self._back}">↩</a>')
            items.append(f'<aside id="{note_id}" class="footnote{ed}"{epub_type} role="doc-footnote">'
                         f'<span class="note-number">{n + 1 + self.ctx.note_offset}.</span> '
                         f'{text}{back}</aside>')
        return '<section class="footnotes">\n' + heading + "\n".join(items) + "\n</section>"

    # --- block tokens ---------------------------------------------------------------

    def renderToken(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        if self.in_note and self.floating and not self.note_at_end and token.tag in BLOCK_TAGS:
            if token.nesting == 1:
                return f'<span class="fn-{token.tag}">'
            if token.nesting == -1:
                return "</span>"
            return ""
        if self._wants_id(token):
            token.attrSet("id", self.next_block_id())
            self._record_line(token)
            try:
                return super().renderToken(tokens, idx, options, env)
            finally:
                del token.attrs["id"]
        if token.type == "heading_open" and not self.in_note:
            self._record_line(token)
        if token.type == "heading_open" or token.type == "heading_close":
            level = self.levels.get(id(token)) or min(int(token.tag[1]) + self.ctx.heading_shift, 6)
            original, token.tag = token.tag, f"h{level}"
            try:
                return super().renderToken(tokens, idx, options, env)
            finally:
                token.tag = original
        return super().renderToken(tokens, idx, options, env)

    def _record_line(self, token: Token) -> None:
        """Where the block with this id is written, when the page view asks."""
        ident = token.attrGet("id")
        if self.ctx.block_lines is not None and token.map and isinstance(ident, str):
            self.ctx.block_lines.setdefault(ident, (self.ctx.article_anchor, token.map[0] + 1))

    def _wants_id(self, token: Token) -> bool:
        return (self.ctx.block_ids and not self.in_note and token.nesting == 1
                and not token.hidden and token.tag in ID_TAGS and not token.attrGet("id"))

    def next_block_id(self) -> str:
        """The next block's id, ``<article anchor>.<n>``."""
        self.blocks += 1
        return f"{self.ctx.article_anchor}.{self.blocks}"

    def block_id_attribute(self) -> str:
        """`` id="…"`` for a block a plugin renders itself, when blocks get ids."""
        if not self.ctx.block_ids or self.in_note:
            return ""
        return f' id="{self.next_block_id()}"'

    def footnote_block_open(self, tokens, idx, options, env) -> str:
        return ""

    footnote_block_close = footnote_block_open

    # --- inline tokens --------------------------------------------------------------

    def renderInline(self, tokens: Sequence[Token], options: Any, env: Any) -> str:
        """As markdown-it's, but a span rule may print a run of tokens at once."""
        out = []
        skip_to = -1
        for i, token in enumerate(tokens):
            if i < skip_to:
                continue
            span_rule = self.span_rules.get(token.type)
            spanned = span_rule(tokens, i, options, env) if span_rule is not None else None
            if spanned is not None:
                out.append(spanned[0])
                skip_to = spanned[1]
            elif token.type in self.rules:
                out.append(self.rules[token.type](tokens, i, options, env))
            else:
                out.append(self.renderToken(tokens, i, options, env))
        return "".join(out)

    def footnote_ref(self, tokens, idx, options, env) -> str:
        n = tokens[idx].meta["id"]
        note_id = self.note_id(n)
        ed = " ed-footnote" if n in self.ed_notes else ""
        if self.floating and n in self.at_end:
            return self._end_note_call(tokens[idx], n, ed)
        if self.floating:
            if tokens[idx].meta.get("subId", 0) > 0:  # a second call of the same note
                return f'<a class="footnote-again" href="#{note_id}"></a>'
            if self.ctx.sidenotes:
                number = n + 1 + self.ctx.note_offset
                return (f'<span class="fn-call-number">{number}</span>'
                        f'<span class="footnote side{ed}" id="{note_id}" data-n="{number}">'
                        f'{self.notes.get(n, "")}</span>')
            text = self.notes.get(n, "")
            long = " long-note" if len(TAG.sub("", text)) > LONG_NOTE_CHARACTERS else ""
            return (f'<span class="fn-call" id="call-{note_id}"></span>'
                    f'<span class="footnote{ed}{long}" id="{note_id}">{text}</span>')
        epub_type = ' epub:type="noteref"' if self.ctx.epub else ""
        ref_id = f"ref-{note_id}" if tokens[idx].meta.get("subId", 0) == 0 else ""
        id_attr = f' id="{ref_id}"' if ref_id else ""
        return (f'<a class="noteref{ed}" href="#{note_id}"{id_attr}{epub_type} role="doc-noteref">'
                f"{n + 1 + self.ctx.note_offset}</a>")

    def _end_note_call(self, token: Token, n: int, ed: str) -> str:
        """Print: the call of a note set at the article's end, a link to it with the
        note's number; the first call counts in the theme's footnote counter, as the
        note would at the foot of the page."""
        note_id, number = self.note_id(n), n + 1 + self.ctx.note_offset
        if token.meta.get("subId", 0) > 0:
            return f'<a class="noteref endnote-again{ed}" href="#{note_id}">{number}</a>'
        return (f'<a class="noteref endnote-call{ed}" href="#{note_id}" id="ref-{note_id}" '
                f'role="doc-noteref">{number}</a>')

    def footnote_anchor(self, tokens, idx, options, env) -> str:
        return ""

    def image(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], options, env)
        src = html.escape(token.attrGet("src") or "")
        title = token.attrGet("title")
        if not alt and title == DECORATIVE:
            return f'<img src="{src}" alt="" />'
        img = f'<img src="{src}" alt="{html.escape(alt)}"'
        img += f' title="{html.escape(title)}"' if title else ""
        img += " />"
        parent_is_figure = idx == 0 and len(tokens) == 1
        if parent_is_figure and (alt or title):
            caption = self.renderInline(token.children or [], options, env) if alt else html.escape(title or "")
            return f"{img}<figcaption>{caption}</figcaption>"
        return img

    def link_open(self, tokens, idx, options, env) -> str:
        href = tokens[idx].attrGet("href") or ""
        if not href.startswith(SAFE_URL_SCHEMES) and ":" in href.split("/")[0]:
            tokens[idx].attrSet("href", "#")  # javascript:, file:, data: … are dropped
        if self.ctx.print_edition and href.startswith(PRINTED_ADDRESSES):
            return '<span class="print-link">'
        return self.renderToken(tokens, idx, options, env)

    def link_close(self, tokens, idx, options, env) -> str:
        opening = matching_open(tokens, idx, "link_open")
        href = str(opening.attrGet("href") or "")
        if self.ctx.print_edition and href.startswith(PRINTED_ADDRESSES):
            shown = href.removeprefix("mailto:")
            return f'</span><span class="print-url"> ({html.escape(shown)})</span>'
        return "</a>"


def add_span_rule(md: MarkdownIt, name: str, rule: Callable[..., tuple[str, int] | None]) -> None:
    """Register ``rule(self, tokens, idx, options, env)`` for tokens of type ``name``:
    it returns the HTML of the run starting at ``idx`` and the index after it, or None
    to let the token's ordinary rule print it."""
    renderer = md.renderer
    if isinstance(renderer, ZineRenderer):
        renderer.span_rules[name] = rule.__get__(renderer)


def matching_open(tokens: Sequence[Token], idx: int, kind: str) -> Token:
    """The ``kind`` (``…_open``) token that the closing token at ``idx`` closes."""
    depth = 0
    base = kind.rsplit("_", 1)[0]
    for j in range(idx, -1, -1):
        t = tokens[j]
        if t.type == f"{base}_close":
            depth += 1
        elif t.type == kind:
            depth -= 1
            if depth == 0:
                return t
    return tokens[idx]


def matching_close(tokens: Sequence[Token], idx: int, kind: str) -> int:
    """The index of the token closing the ``kind`` (``…_open``) token at ``idx``."""
    base = kind.rsplit("_", 1)[0]
    depth = 0
    for j in range(idx, len(tokens)):
        depth += 1 if tokens[j].type == kind else -1 if tokens[j].type == f"{base}_close" else 0
        if depth == 0:
            return j
    return len(tokens) - 1


def outline_levels(tokens: Sequence[Token], top: int) -> dict[int, int]:
    """Heading levels with none skipped: a heading is one level below the nearest
    heading before it of a higher level in the Markdown, ``top`` when there is none.
    Keyed by ``id()`` of the opening and closing tokens."""
    levels: dict[int, int] = {}
    above: list[tuple[int, int]] = []  # (level as written, level printed) of open sections
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        written = int(token.tag[1])
        while above and above[-1][0] >= written:
            above.pop()
        level = min(above[-1][1] + 1 if above else top, 6)
        above.append((written, level))
        levels[id(token)] = levels[id(tokens[matching_close(tokens, i, "heading_open")])] = level
    return levels


def _split_footnotes(tokens: Sequence[Token]) -> tuple[list[Token], dict[int, list[Token]]]:
    body: list[Token] = []
    notes: dict[int, list[Token]] = {}
    current: list[Token] | None = None
    for token in tokens:
        if token.type == "footnote_open":
            current = notes.setdefault(token.meta["id"], [])
            continue
        if token.type == "footnote_close":
            current = None
            continue
        if current is not None:
            current.append(token)
        else:
            body.append(token)
    return body, notes


def _is_ed_note(tokens: list[Token], env: dict[str, Any]) -> bool:
    first = next((t for t in tokens if t.type == "inline"), None)
    return bool(first is not None and ED_FOOTNOTE.match(first.content))
