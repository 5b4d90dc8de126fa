"""Inline parsing that knows its context: which block is being parsed (for located
messages, see :func:`zinekit.markup.inline.locate`) and whether it sits inside an
editor's note (where "see" clauses are read without brackets).
"""

from __future__ import annotations

from typing import Any

from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from zinekit.markup.brackets import ED_FOOTNOTE
from zinekit.markup.inline import tokenize_with_see

ED_BLOCK_OPENERS = {"ed_block_open", "container_ed_open"}
ED_BLOCK_CLOSERS = {"ed_block_close", "container_ed_close"}


def parse_inlines(state: StateCore) -> None:
    """Replacement for markdown-it's core ``inline`` rule that knows its context.

    It records the block token being parsed (for :func:`locate`) and whether it sits
    inside an editor's note (for "see" clauses), then parses as usual.
    """
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
        # the next inline or the definition's end (no slice of the tokens: each copy of
        # the rest made a thousand notes quadratic)
        first_inline = next((tokens[j] for j in range(i + 1, len(tokens))
                             if tokens[j].type in ("inline", "footnote_reference_close")), None)
        if first_inline is not None and first_inline.type == "inline" and ED_FOOTNOTE.match(first_inline.content):
            token.meta["zk_ed"] = True
            labels: dict[str, Any] = state.env.setdefault("zk_ed_footnotes", {})
            labels[token.meta["label"]] = True
        # keep the definition's line for "defined but never called" reports
        lines = state.env.setdefault("zk_footnote_lines", {})
        lines[token.meta["label"]] = (token.map[0] + 1) if token.map else 0
