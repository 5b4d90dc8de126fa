"""Source positions for inline tokens.

markdown-it gives block tokens a ``map`` of source lines; inline rules only know their
offset in the inline content.  The core rule :func:`parse_inlines` records which block
token is being parsed, and :func:`locate` turns an offset into a file line and column.
"""

from __future__ import annotations

from typing import Any

from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from zinekit.markup.brackets import ED_FOOTNOTE

ED_BLOCK_OPENERS = {"ed_block_open", "container_ed_open"}
ED_BLOCK_CLOSERS = {"ed_block_close", "container_ed_close"}


def locate(state: StateInline, pos: int) -> tuple[int, int]:
    """1-based (line, column) in the source file of offset ``pos`` of the inline text."""
    env = state.env
    parent: Token | None = env.get("zk_parent")
    first_line = parent.map[0] if parent is not None and parent.map else env.get("zk_last_line", 0)
    before = state.src[:pos]
    k = before.count("\n")
    line_index = first_line + k
    line_start = before.rfind("\n") + 1
    line_end = state.src.find("\n", pos)
    content_line = state.src[line_start:line_end if line_end >= 0 else len(state.src)]
    lines: list[str] = env.get("zk_lines", [])
    col = pos - line_start + 1
    if 0 <= line_index < len(lines):
        file_line = lines[line_index].rstrip()
        found = file_line.rfind(content_line.rstrip()) if content_line.strip() else -1
        if found >= 0:
            col = found + pos - line_start + 1
    return line_index + 1, col


def parse_inlines(state: StateCore) -> None:
    """Replacement for markdown-it's core ``inline`` rule that knows its context.

    It records the block token being parsed (for :func:`locate`) and whether it sits
    inside an editor's note (for "see" clauses), then parses as usual.
    """
    from zinekit.markup.xrefs import tokenize_with_see

    md = state.md
    ed_depth = 0
    for token in state.tokens:
        if token.type in ED_BLOCK_OPENERS or _is_editor_footnote(token):
            ed_depth += 1
        elif token.type in ED_BLOCK_CLOSERS or token.type == "footnote_reference_close" and token.meta.get("zk_ed"):
            ed_depth -= 1
        if token.map:
            state.env["zk_last_line"] = token.map[0]
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        state.env["zk_parent"] = token
        inline_state = StateInline(token.content, md, state.env, token.children)
        if ed_depth > 0:
            tokenize_with_see(inline_state, 0, len(token.content))
        else:
            md.inline.tokenize(inline_state)
        for rule in md.inline.ruler2.getRules(""):
            rule(inline_state)
    state.env["zk_parent"] = None


def _is_editor_footnote(token: Token) -> bool:
    """Footnote definitions whose text starts with "ed." are the editor's."""
    if token.type != "footnote_reference_open":
        return False
    return bool(token.meta.get("zk_ed"))


def mark_editor_footnotes(state: StateCore) -> None:
    """Core rule (before ``inline``): flag footnote definitions that start with "ed."."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "footnote_reference_open":
            continue
        first_inline = next((t for t in tokens[i + 1:] if t.type in ("inline", "footnote_reference_close")), None)
        if first_inline is not None and first_inline.type == "inline" and ED_FOOTNOTE.match(first_inline.content):
            token.meta["zk_ed"] = True
            labels: dict[str, Any] = state.env.setdefault("zk_ed_footnotes", {})
            labels[token.meta["label"]] = True
        # keep the definition's line for "defined but never called" reports
        lines = state.env.setdefault("zk_footnote_lines", {})
        lines[token.meta["label"]] = (token.map[0] + 1) if token.map else 0
