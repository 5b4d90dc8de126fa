"""Cross-references: "see" clauses in square brackets or inside editor's notes.

``[see Ember Tide vol.2 p.14]`` and ``[ed. – see The Quiet Substations]`` become
``xref_open`` … ``xref_close`` around the target; the words around it ("[see", "]")
stay as written.  Prose such as "we'll see how it goes" is never touched.  A core rule
then records each target's plain text and location for the resolve stage.  When
rendering, a resolved reference links to its target and gains the locator the printed
text lacks (see :class:`zinekit.model.XrefView`).
"""

from __future__ import annotations

import html
import re
from collections.abc import MutableMapping
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from zinekit.markup.brackets import SEE_OPEN, matching_bracket
from zinekit.markup.inline import plain_text, push_xref
from zinekit.markup.renderer import add_span_rule, matching_close, matching_open
from zinekit.model import CrossReference, Location, XrefView

#: The address a link to a sibling issue's PDF takes in print; the PDF stage turns it
#: into a remote go-to action (see :func:`zinekit.render.pdf.sibling_links`).
SIBLING_SCHEME = "zinekit-sibling:"


def xrefs_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.at("text", bounded_text)
    md.inline.ruler.before("link", "see_bracket", see_bracket)
    md.core.ruler.push("xref_collect", collect_xrefs)
    md.add_render_rule("xref_open", render_open)
    md.add_render_rule("xref_close", render_close)
    add_span_rule(md, "xref_open", render_replaced)


def bounded_text(state: StateInline, silent: bool) -> bool:
    """markdown-it's ``text`` rule, but stopping at ``posMax`` (clauses end mid-text)."""
    found = state.md.inline.terminator_re.search(state.src, state.pos, state.posMax)
    pos = found.start() if found else state.posMax
    if pos == state.pos:
        return False
    if not silent:
        state.append_pending(state.src[state.pos:pos])
    state.pos = pos
    return True


def see_bracket(state: StateInline, silent: bool) -> bool:
    """``[see …]`` outside editor's notes."""
    start = state.pos
    if state.src[start] != "[":
        return False
    opener = SEE_OPEN.match(state.src, start, state.posMax)
    if not opener:
        return False
    close = matching_bracket(state.src, start, state.posMax)
    if close < 0:
        return False
    if silent:
        state.pos = close + 1
        return True
    state.pending += state.src[start:opener.end()]
    clause_end = close
    while clause_end > opener.end() and state.src[clause_end - 1] in " \t\n,;:.":
        clause_end -= 1
    push_xref(state, opener.end(), clause_end, bracketed=True)
    state.pending += state.src[clause_end:close + 1]
    state.pos = close + 1
    return True


def collect_xrefs(state: StateCore) -> None:
    """Record every cross-reference with its text and location (core rule, last)."""
    found: list[CrossReference] = state.env.setdefault("zk_xrefs", [])
    for block in state.tokens:
        _collect_in(block.children or [], found, state.env)


def _collect_in(children: list[Token], found: list[CrossReference],
                env: MutableMapping[str, Any]) -> None:
    for i, token in enumerate(children):
        if token.type != "xref_open":
            continue
        depth, j = 1, i + 1
        while j < len(children) and depth:
            depth += children[j].nesting if children[j].type.startswith("xref_") else 0
            j += 1
        text = " ".join(plain_text(children[i + 1:j - 1]).split())
        counter = env.setdefault("zk_xref_counter", [0])
        counter[0] += 1
        token.meta["id"] = f"xref-{counter[0]}"
        token.meta["text"] = text
        where = Location(env.get("zk_path") or "", token.meta["line"], token.meta["col"])
        bracketed = token.meta["bracketed"]
        found.append(CrossReference(token.meta["id"], text, where, in_editor_note=not bracketed,
                                    bracketed=bracketed))


# --- rendering ---------------------------------------------------------------------------


def _view(self, token: Token) -> XrefView:
    return self.ctx.xrefs.get(token.meta.get("id", ""), XrefView())


def render_open(self, tokens, idx, options, env) -> str:
    view = _view(self, tokens[idx])
    cls = "xref" if view.resolved else "xref unresolved"
    cls += " xref-local" if view.local else ""
    href = _href(self, view)
    if href:
        title = f' title="{html.escape(view.title)}"' if view.title else ""
        return f'<a class="{cls}" href="{html.escape(href)}"{title}>'
    return f'<span class="{cls}">'


#: The page part of a locator (``p.5``, ``pp. 5–7``): the one part of a reference kept
#: on one line; the rest breaks like text.
PAGE_PART = re.compile(r"\bpp?\.\s?[\w\u2013-]+")


def locator_html(locator: str) -> str:
    """The locator's HTML, its page part in a span the print theme keeps together."""
    escaped = html.escape(locator)
    return PAGE_PART.sub(lambda m: f'<span class="xref-page">{m.group(0)}</span>', escaped)


def render_close(self, tokens, idx, options, env) -> str:
    view = _view(self, matching_open(tokens, idx, "xref_open"))
    shown = locator_html(view.locator) if self.ctx.mode == "print" else html.escape(view.locator)
    locator = f'<span class="xref-locator">{shown}</span>' if view.locator else ""
    closing = "</a>" if _href(self, view) else "</span>"
    return locator + closing


def render_replaced(self, tokens, idx, options, env) -> tuple[str, int] | None:
    """``[see #anchor]`` prints as the heading it names, not as the anchor."""
    view = self.ctx.xrefs.get(tokens[idx].meta.get("id", ""))
    if view is None or not view.replace_text:
        return None
    close = matching_close(tokens, idx, "xref_open")
    text = (render_open(self, tokens, idx, options, env) + html.escape(view.replace_text)
            + render_close(self, tokens, close, options, env))
    return text, close + 1


def _href(self, view: XrefView) -> str | None:
    """Where the reference links in this output, if anywhere.

    Paper has no links (only same-issue ones, for the page number); a sibling issue's
    PDF is reached by a relative path, which only PDFs and the web edition can follow."""
    href = view.href
    if not href or (self.ctx.print_edition and not view.local):
        return None
    if href.startswith("../"):
        if self.ctx.epub:
            return None
        if self.ctx.mode == "print":
            return SIBLING_SCHEME + href
    return href
