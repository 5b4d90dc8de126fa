"""Citations: ``[@key]``, ``[@key, p. 12]``, ``[@a; @b]`` → one ``citation`` token.

The token keeps what was written (``content``) and the parsed items; the resolve stage
formats it against the issue's bibliography, and the renderer prints that (or, when it
did not resolve, the citation as written).
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from zinekit.markup.brackets import matching_bracket
from zinekit.markup.inline import locate
from zinekit.model import Citation, Location

KEY = r"[A-Za-z0-9_][\w:.#$%&+?<>~/-]*"
ITEM = re.compile(rf"^\s*(-?)@({KEY})\s*(?:,\s*(.*?))?\s*$", re.S)


def citations_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "citation", citation)
    md.add_render_rule("citation", render_citation)


def parse_citation(inner: str) -> list[tuple[str, str]] | None:
    """``"@a, p. 3; @b"`` → ``[("a", "p. 3"), ("b", "")]``; None if not a citation."""
    items = []
    for part in inner.split(";"):
        m = ITEM.match(part)
        if not m:
            return None
        items.append((m.group(2).rstrip(".,:"), (m.group(3) or "").strip()))
    return items or None


def citation(state: StateInline, silent: bool) -> bool:
    start = state.pos
    if not state.src.startswith("[@", start) and not state.src.startswith("[-@", start):
        return False
    close = matching_bracket(state.src, start, state.posMax)
    if close < 0:
        return False
    items = parse_citation(state.src[start + 1:close])
    if items is None:
        return False
    if not silent:
        line, col = locate(state, start)
        token = state.push("citation", "span", 0)
        token.content = state.src[start:close + 1]
        counter: list[int] = state.env.setdefault("zk_citation_counter", [0])
        counter[0] += 1
        token.meta = {"items": items, "line": line, "col": col, "id": f"cite-{counter[0]}"}
        found: list[Citation] = state.env.setdefault("zk_citations", [])
        found.append(Citation(token.meta["id"], tuple(items), token.content,
                              Location(state.env.get("zk_path") or "", line, col)))
    state.pos = close + 1
    return True


def render_citation(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    rendered = self.ctx.citations.get(token.meta["id"])
    if rendered is None:
        return f'<span class="citation unresolved">{html.escape(token.content)}</span>'
    return f'<span class="citation">{rendered}</span>'
