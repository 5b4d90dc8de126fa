"""Ordered lists keep their first number in print.

A list written from ``3.`` is ``<ol start="3">``.  Browsers and e-readers count from
``start``; WeasyPrint resets every ``ol``'s ``list-item`` counter to 0 and ignores the
attribute, so in print the list also carries ``counter-reset: list-item 2`` (the
counter is incremented before the first item is numbered).
"""

from __future__ import annotations

from markdown_it import MarkdownIt


def lists_plugin(md: MarkdownIt) -> None:
    md.add_render_rule("ordered_list_open", render_ordered_list_open)


def render_ordered_list_open(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    start = token.attrGet("start")
    if self.ctx.mode != "print" or start is None:
        return self.renderToken(tokens, idx, options, env)
    token.attrSet("style", f"counter-reset: list-item {int(start) - 1}")
    try:
        return self.renderToken(tokens, idx, options, env)
    finally:  # the tokens are rendered again for the screen editions
        token.attrs.pop("style", None)
