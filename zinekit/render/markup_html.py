"""Tokens → HTML for one article, in two modes.

``print`` (for WeasyPrint): each footnote's text is placed at its call as a
``float: footnote`` span, so it lands at the foot of the page where it is called.
``screen`` (HTML, EPUB, preview): a footnote call is a link to an ``aside`` after the
article, with a link back.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Sequence

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from zinekit.markup import make_parser
from zinekit.render.sanitize import sanitize_html

# Block tags that cannot sit inside a footnote's inline ``span`` in print mode.
BLOCK_TAGS = {"p", "ul", "ol", "li", "blockquote", "pre", "dl", "dt", "dd", "table", "h1",
              "h2", "h3", "h4", "h5", "h6", "figure", "hr", "div", "aside"}
SAFE_URL_SCHEMES = ("http:", "https:", "mailto:", "#")


@dataclass
class XrefView:
    """How one cross-reference prints: its link and the locator text it gains."""

    href: str | None = None
    locator: str = ""
    title: str = ""
    resolved: bool = False
    replace_text: str | None = None  # "#anchor" prints as the heading it names
    local: bool = False  # same issue: print edition shows the page via target-counter


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


class ZineRenderer(RendererHTML):
    """markdown-it's HTML renderer plus the zine tokens."""

    def __init__(self, parser: Any = None) -> None:
        super().__init__(parser)
        self.ctx = RenderContext("screen", "a")
        self.notes: dict[int, str] = {}
        self.ed_notes: set[int] = set()
        self.in_note = False
        # the container's token types have a hyphen no method name can have
        self.rules["container_further-reading_open"] = self.container_further_reading_open
        self.rules["container_further-reading_close"] = self.container_further_reading_close

    # --- the document ------------------------------------------------------------

    def render_article(self, tokens: Sequence[Token], options: Any, env: dict[str, Any],
                       ctx: RenderContext) -> tuple[str, str]:
        """Return (body HTML, notes HTML); notes are empty in print mode."""
        self.ctx = ctx
        body_tokens, note_tokens = _split_footnotes(tokens)
        self.ed_notes = {i for i, toks in note_tokens.items() if _is_ed_note(toks, env)}
        self.in_note = True
        self.notes = {i: self.render(toks, options, env) for i, toks in note_tokens.items()}
        self.in_note = False
        body = self.render(body_tokens, options, env)
        if self._floating:
            return body, ""
        return body, self._notes_section(env)

    @property
    def _floating(self) -> bool:
        """Print footnotes float to the foot of their page, unless gathered as endnotes."""
        return self.ctx.mode == "print" and not self.ctx.endnotes

    def _note_id(self, n: int) -> str:
        return f"fn-{self.ctx.article_anchor}-{n + 1}"

    def _notes_section(self, env: dict[str, Any]) -> str:
        if not self.notes:
            return ""
        heading = '<h2 class="notes-title">Notes</h2>\n' if self.ctx.endnotes else ""
        epub_type = ' epub:type="footnote"' if self.ctx.epub else ""
        items = []
        for n, text in self.notes.items():
            note_id = self._note_id(n)
            ed = " ed-footnote" if n in self.ed_notes else ""
            back = (f'<a class="backlink" href="#ref-{note_id}" role="doc-backlink" '
                    f'title="back to the text">↩</a>')
            items.append(f'<aside id="{note_id}" class="footnote{ed}"{epub_type} role="doc-footnote">'
                         f'<span class="note-number">{n + 1 + self.ctx.note_offset}.</span> '
                         f'{text}{back}</aside>')
        return '<section class="footnotes">\n' + heading + "\n".join(items) + "\n</section>"

    # --- block tokens ---------------------------------------------------------------

    def renderToken(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        if self.in_note and self._floating and token.tag in BLOCK_TAGS:
            if token.nesting == 1:
                return f'<span class="fn-{token.tag}">'
            if token.nesting == -1:
                return "</span>"
            return ""
        if token.type == "heading_open" or token.type == "heading_close":
            level = min(int(token.tag[1]) + self.ctx.heading_shift, 6)
            original, token.tag = token.tag, f"h{level}"
            try:
                return super().renderToken(tokens, idx, options, env)
            finally:
                token.tag = original
        return super().renderToken(tokens, idx, options, env)

    def ed_block_open(self, tokens, idx, options, env) -> str:
        return ('<aside class="ed-note ed-block" role="note">'
                '<span class="ed-label" aria-label="editor\'s note">ed.</span>\n')

    def ed_block_close(self, tokens, idx, options, env) -> str:
        return "</aside>\n"

    def container_ed_open(self, tokens, idx, options, env) -> str:
        return self.ed_block_open(tokens, idx, options, env)

    def container_ed_close(self, tokens, idx, options, env) -> str:
        return "</aside>\n"

    def container_pullquote_open(self, tokens, idx, options, env) -> str:
        if self.ctx.epub:
            return '<aside class="pullquote" epub:type="pullquote" role="doc-pullquote" aria-hidden="true">\n'
        return '<aside class="pullquote" role="doc-pullquote" aria-hidden="true">\n'

    def container_pullquote_close(self, tokens, idx, options, env) -> str:
        return "</aside>\n"

    def container_further_reading_open(self, tokens, idx, options, env) -> str:
        return '<section class="further-reading" role="doc-bibliography">\n'

    def container_further_reading_close(self, tokens, idx, options, env) -> str:
        return self.ctx.further_reading_html + "</section>\n"

    def figure_open(self, tokens, idx, options, env) -> str:
        return "<figure>"

    def figure_close(self, tokens, idx, options, env) -> str:
        return "</figure>\n"

    def footnote_block_open(self, tokens, idx, options, env) -> str:
        return ""

    footnote_block_close = footnote_block_open

    # --- inline tokens --------------------------------------------------------------

    def ed_inline_open(self, tokens, idx, options, env) -> str:
        mark = html.escape(tokens[idx].markup)
        return f'<span class="ed-note" role="note"><span class="ed-mark">{mark}</span>'

    def ed_inline_close(self, tokens, idx, options, env) -> str:
        return '<span class="ed-mark">]</span></span>'

    def xref_open(self, tokens, idx, options, env) -> str:
        view = self.ctx.xrefs.get(tokens[idx].meta.get("id", ""), XrefView())
        cls = "xref" if view.resolved else "xref unresolved"
        cls += " xref-local" if view.local else ""
        href = self._xref_href(view)
        if href:
            title = f' title="{html.escape(view.title)}"' if view.title else ""
            return f'<a class="{cls}" href="{html.escape(href)}"{title}>'
        return f'<span class="{cls}">'

    def xref_close(self, tokens, idx, options, env) -> str:
        opening = _matching_open(tokens, idx)
        view = self.ctx.xrefs.get(opening.meta.get("id", ""), XrefView())
        locator = f'<span class="xref-locator">{html.escape(view.locator)}</span>' if view.locator else ""
        closing = "</a>" if self._xref_href(view) else "</span>"
        return locator + closing

    def _xref_href(self, view: XrefView) -> str | None:
        """Where the reference links in this output, if anywhere.

        Paper has no links (only same-issue ones, for the page number); a sibling
        issue's PDF is reached by a relative path, which only PDFs and the web
        edition can follow."""
        href = view.href
        if not href or (self.ctx.print_edition and not view.local):
            return None
        if href.startswith("../"):
            if self.ctx.epub:
                return None
            if self.ctx.mode == "print":
                return "zinekit-sibling:" + href
        return href

    def render_xref_body(self, tokens: Sequence[Token], idx: int) -> str | None:
        view = self.ctx.xrefs.get(tokens[idx].meta.get("id", ""))
        return html.escape(view.replace_text) if view and view.replace_text else None

    def renderInline(self, tokens: Sequence[Token], options: Any, env: Any) -> str:
        """As markdown-it's, but a reference may replace what it wraps (``#anchor``)."""
        out = []
        skip_to = -1
        for i, token in enumerate(tokens):
            if i < skip_to:
                continue
            if token.type == "xref_open":
                replacement = self.render_xref_body(tokens, i)
                if replacement is not None:
                    close = _matching_close(tokens, i)
                    out.append(self.xref_open(tokens, i, options, env) + replacement
                               + self.xref_close(tokens, close, options, env))
                    skip_to = close + 1
                    continue
            if token.type in self.rules:
                out.append(self.rules[token.type](tokens, i, options, env))
            else:
                out.append(self.renderToken(tokens, i, options, env))
        return "".join(out)

    def citation(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        rendered = self.ctx.citations.get(token.meta["id"])
        if rendered is None:
            return f'<span class="citation unresolved">{html.escape(token.content)}</span>'
        return f'<span class="citation">{rendered}</span>'

    def footnote_ref(self, tokens, idx, options, env) -> str:
        n = tokens[idx].meta["id"]
        note_id = self._note_id(n)
        ed = " ed-footnote" if n in self.ed_notes else ""
        if self._floating:
            if tokens[idx].meta.get("subId", 0) > 0:  # a second call of the same note
                return f'<a class="footnote-again" href="#{note_id}"></a>'
            if self.ctx.sidenotes:
                number = n + 1 + self.ctx.note_offset
                return (f'<span class="fn-call-number">{number}</span>'
                        f'<span class="footnote side{ed}" id="{note_id}" data-n="{number}">'
                        f'{self.notes.get(n, "")}</span>')
            return (f'<span class="fn-call" id="call-{note_id}"></span>'
                    f'<span class="footnote{ed}" id="{note_id}">{self.notes.get(n, "")}</span>')
        epub_type = ' epub:type="noteref"' if self.ctx.epub else ""
        ref_id = f"ref-{note_id}" if tokens[idx].meta.get("subId", 0) == 0 else ""
        id_attr = f' id="{ref_id}"' if ref_id else ""
        return (f'<a class="noteref{ed}" href="#{note_id}"{id_attr}{epub_type} role="doc-noteref">'
                f"{n + 1 + self.ctx.note_offset}</a>")

    def footnote_anchor(self, tokens, idx, options, env) -> str:
        return ""

    def image(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], options, env)
        src = html.escape(token.attrGet("src") or "")
        title = token.attrGet("title")
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
        if self.ctx.print_edition and href.startswith(("http:", "https:", "mailto:")):
            return '<span class="print-link">'
        return self.renderToken(tokens, idx, options, env)

    def link_close(self, tokens, idx, options, env) -> str:
        opening = _matching_open(tokens, idx, "link_open")
        href = opening.attrGet("href") or ""
        if self.ctx.print_edition and href.startswith(("http:", "https:", "mailto:")):
            shown = href.removeprefix("mailto:")
            return f'</span><span class="print-url"> ({html.escape(shown)})</span>'
        return "</a>"


def _matching_open(tokens: Sequence[Token], idx: int, kind: str = "xref_open") -> Token:
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


def _matching_close(tokens: Sequence[Token], idx: int) -> int:
    depth = 0
    for j in range(idx, len(tokens)):
        depth += 1 if tokens[j].type == "xref_open" else -1 if tokens[j].type == "xref_close" else 0
        if depth == 0:
            return j
    return len(tokens) - 1


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
    from zinekit.markup.brackets import ED_FOOTNOTE

    first = next((t for t in tokens if t.type == "inline"), None)
    return bool(first is not None and ED_FOOTNOTE.match(first.content))


def render_tokens(tokens: Sequence[Token], env: dict[str, Any], ctx: RenderContext,
                  allow_html: bool = False) -> tuple[str, str]:
    """Render one article's tokens; return (body HTML, notes HTML).

    Raw HTML reaches the output only when the project allows it, and then the whole
    article passes the sanitiser (an element may span several raw-HTML tokens)."""
    md = make_parser(allow_html)
    renderer = ZineRenderer(md)
    body, notes = renderer.render_article(tokens, md.options, env, ctx)
    if allow_html:
        body, notes = sanitize_html(body), sanitize_html(notes)
    return body, notes
