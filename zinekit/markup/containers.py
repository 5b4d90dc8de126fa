"""Fenced containers: ``::: ed``, ``::: pullquote`` and ``::: further-reading``.

- ``::: ed`` … ``:::`` is a block editor's note, printed as the bracketed one is;
- ``::: pullquote`` is printed large; it repeats words of the text, so it is hidden
  from assistive technology and from the EPUB's reading order;
- ``::: further-reading`` prints the issue's bibliography (see
  :mod:`zinekit.resolve.bibliography`) after whatever the container holds;
- ``::: full-bleed`` around a picture prints it on a page of its own, out to the
  print editions' bleed (``<div class="full-bleed">``; docs/themes.md).

A container that reaches the end of its parent without a closing ``:::`` is an error at
the line where it opens.
"""

from __future__ import annotations

from typing import Any, Callable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.container import container_plugin

from zinekit.markup.ed_notes import render_block_close, render_block_open
from zinekit.markup.report import report

CONTAINERS = ("ed", "pullquote", "further-reading", "full-bleed")


def containers_plugin(md: MarkdownIt) -> None:
    for name in CONTAINERS:
        md.use(container_plugin, name, validate=_validator(name))
    md.core.ruler.after("block", "container_check", container_check)
    md.core.ruler.push("further_reading_places", further_reading_places)
    md.add_render_rule("container_ed_open", render_block_open)
    md.add_render_rule("container_ed_close", render_block_close)
    md.add_render_rule("container_pullquote_open", render_pullquote_open)
    md.add_render_rule("container_pullquote_close", render_close)
    md.add_render_rule("container_further-reading_open", render_further_reading_open)
    md.add_render_rule("container_further-reading_close", render_further_reading_close)


def _validator(name: str) -> Callable[..., bool]:
    def validate(params: str, *args: Any) -> bool:
        return params.strip().split(" ", 1)[0] == name

    return validate


def container_check(state: StateCore) -> None:
    """A container that reaches the end of its parent without a closing ``:::``."""
    lines = state.env.get("zk_lines", [])
    for token in state.tokens:
        if not token.type.startswith("container_") or not token.type.endswith("_open"):
            continue
        if not token.map:
            continue
        close_line = token.map[1]
        fence = lines[close_line].lstrip(" \t>") if close_line < len(lines) else ""
        if not fence.startswith(":::"):
            name = token.info.strip() or token.type[len("container_"):-len("_open")]
            report(state.env, "error", f"'::: {name}' is never closed with ':::'",
                   token.map[0] + 1, 1)


def further_reading_places(state: StateCore) -> None:
    """The lines of ``::: further-reading`` blocks: where the bibliography is printed."""
    state.env["zk_further_reading"] = [
        (token.map[0] + 1) if token.map else 0 for token in state.tokens
        if token.type == "container_further-reading_open"]


# --- rendering -------------------------------------------------------------------------


def render_pullquote_open(self, tokens, idx, options, env) -> str:
    if self.ctx.epub:
        return '<aside class="pullquote" epub:type="pullquote" role="doc-pullquote" aria-hidden="true">\n'
    return '<aside class="pullquote" role="doc-pullquote" aria-hidden="true">\n'


def render_close(self, tokens, idx, options, env) -> str:
    return "</aside>\n"


def render_further_reading_open(self, tokens, idx, options, env) -> str:
    return '<section class="further-reading" role="doc-bibliography">\n'


def render_further_reading_close(self, tokens, idx, options, env) -> str:
    return self.ctx.further_reading_html + "</section>\n"
