"""The zine dialect: CommonMark plus footnotes, editor's notes, cross-references,
citations, containers, heading anchors, tables, figures and definition lists.

:func:`make_parser` builds the markdown-it parser, one plugin per syntax; each plugin
parses its syntax and renders its tokens.  :func:`parse_markdown` runs the parser on
one file's body and returns a :class:`~zinekit.model.ParsedText`: the tokens and
everything the later stages need (headings, references, citations, images, footnotes,
diagnostics).  :func:`render_html` turns the tokens into HTML for one output.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from zinekit.markup.citations import citations_plugin
from zinekit.markup.containers import containers_plugin
from zinekit.markup.ed_notes import ed_notes_plugin
from zinekit.markup.endnotes import endnotes_plugin
from zinekit.markup.leftovers import leftovers_plugin
from zinekit.markup.lists import lists_plugin
from zinekit.markup.positions import mark_editor_footnotes, parse_inlines
from zinekit.markup.renderer import RenderContext, ZineRenderer
from zinekit.markup.report import report
from zinekit.markup.sanitize import sanitize_html
from zinekit.markup.structure import structure_plugin
from zinekit.markup.typography import typography_for, typography_plugin
from zinekit.markup.unsafe import parse_watching_links, unsafe_plugin
from zinekit.markup.xrefs import xrefs_plugin
from zinekit.model import ParsedText

__all__ = ["RenderContext", "make_parser", "parse_markdown", "render_html"]


@lru_cache(maxsize=4)
def make_parser(allow_html: bool = False) -> MarkdownIt:
    """The markdown-it parser with every zinekit rule; raw HTML only if allowed."""
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": False},
                    renderer_cls=ZineRenderer)
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(deflist_plugin)
    md.use(containers_plugin)
    md.core.ruler.at("inline", parse_inlines)
    md.use(endnotes_plugin)  # before the editor's: "{.endnote} ed. – …" is the editor's
    md.core.ruler.before("inline", "mark_editor_footnotes", mark_editor_footnotes)
    md.use(ed_notes_plugin)
    md.use(xrefs_plugin)
    md.use(citations_plugin)
    md.use(structure_plugin)
    md.use(unsafe_plugin)
    md.use(leftovers_plugin)
    md.use(typography_plugin)
    md.use(lists_plugin)
    _report_too_deep(md)
    assert isinstance(md.renderer, ZineRenderer)
    md.renderer.keep_own_rules()
    return md


def _report_too_deep(md: MarkdownIt) -> None:
    """markdown-it reads block quotes, lists and containers nested at most ``maxNesting``
    (20) levels deep and silently drops what is nested deeper (it would otherwise recurse
    without bound); report the first line it drops, so no text disappears unnoticed."""
    tokenize = md.block.tokenize
    limit = md.options.maxNesting

    def tokenize_or_report(state: Any, start: int, end: int) -> None:
        if state.level >= limit:
            line = state.skipEmptyLines(start)
            if line < end and state.sCount[line] >= state.blkIndent:
                at = state.bMarks[line] + state.tShift[line]
                col = at - (state.src.rfind("\n", 0, at) + 1) + 1
                report(state.env, "error", f"nested more than {limit} levels deep (block "
                       "quotes, lists and containers together); the text from here to the "
                       "end of the block is not printed", line + 1, col)
        tokenize(state, start, end)

    md.block.tokenize = tokenize_or_report  # type: ignore[method-assign,assignment]


def parse_markdown(text: str, path: str, *, allow_html: bool = False,
                   shared: dict[str, Any] | None = None,
                   typography: str | None = None) -> ParsedText:
    """Parse one file's Markdown body (front matter already blanked out).

    ``shared`` carries state that spans the files of one issue (used ids, counters).
    ``typography`` is the language whose quotation marks, dashes and ellipses the text
    takes (see :mod:`zinekit.markup.typography`); None leaves them as typed."""
    lines = text.split("\n")
    env: dict[str, Any] = {"zk_path": path, "zk_lines": lines,
                           "zk_typography": typography_for(typography)}
    if shared is not None:
        for key in ("zk_ids", "zk_xref_counter", "zk_citation_counter"):
            env[key] = shared.setdefault(key, set() if key == "zk_ids" else [0])
    tokens = parse_watching_links(make_parser(allow_html), text, env)
    return ParsedText(
        path=path, lines=lines, tokens=tokens, env=env,
        headings=env.pop("zk_headings", []), xrefs=env.pop("zk_xrefs", []),
        citations=env.pop("zk_citations", []), images=env.pop("zk_images", []),
        footnotes=env.pop("zk_footnotes", []), addresses=env.pop("zk_addresses", []),
        further_reading_at=env.pop("zk_further_reading", []),
        diagnostics=env.pop("zk_diagnostics", []),
    )


def render_html(text: ParsedText, ctx: RenderContext, allow_html: bool = False) -> tuple[str, str]:
    """Render one article's tokens; return (body HTML, notes HTML).

    Raw HTML reaches the output only when the project allows it, and then the whole
    article passes the sanitiser (an element may span several raw-HTML tokens)."""
    md = make_parser(allow_html)
    renderer = md.renderer
    assert isinstance(renderer, ZineRenderer)
    body, notes = renderer.fresh().render_article(text.tokens, md.options, text.env, ctx)
    if allow_html:
        body, notes = sanitize_html(body), sanitize_html(notes)
    return body, notes
