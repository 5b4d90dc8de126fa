"""Editor's notes: the zine convention of "[ed. – …]".

- inline: ``[ed. – text]`` (also ``-``, ``—`` or no dash) → ``ed_inline_open/close``;
- block: a paragraph opening with ``[ed. –`` whose matching ``]`` ends that paragraph or
  a later one → the run of blocks between ``ed_block_open/close``;
- ``::: ed`` … ``:::`` containers (see :mod:`zinekit.markup.containers`), printed as the
  block note is.

An editor's note that never closes is an error at the line where it opens.
"""

from __future__ import annotations

import html

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from zinekit.markup.brackets import ED_OPEN, bracket_depth, matching_bracket
from zinekit.markup.inline import locate, tokenize_with_see
from zinekit.markup.report import report

UNCLOSED = "editor's note '[ed.' is never closed with a matching ']'"


def ed_notes_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "ed_inline", ed_inline)
    md.core.ruler.after("block", "ed_blocks", ed_blocks)
    md.add_render_rule("ed_inline_open", render_inline_open)
    md.add_render_rule("ed_inline_close", render_inline_close)
    md.add_render_rule("ed_block_open", render_block_open)
    md.add_render_rule("ed_block_close", render_block_close)


def ed_inline(state: StateInline, silent: bool) -> bool:
    start = state.pos
    if state.src[start] != "[":
        return False
    opener = ED_OPEN.match(state.src, start, state.posMax)
    if not opener:
        return False
    close = matching_bracket(state.src, start, state.posMax)
    if close < 0:
        if not silent:
            line, col = locate(state, start)
            report(state.env, "error", UNCLOSED, line, col)
        return False
    if silent:
        state.pos = close + 1
        return True
    line, col = locate(state, start)
    token = state.push("ed_inline_open", "span", 1)
    token.markup = state.src[start:opener.end()]
    token.meta = {"line": line, "col": col}
    old_max = state.posMax
    tokenize_with_see(state, opener.end(), close)
    state.posMax = old_max
    closing = state.push("ed_inline_close", "span", -1)
    closing.markup = "]"
    state.pos = close + 1
    return True


def ed_blocks(state: StateCore) -> None:
    """Turn paragraph runs opened by "[ed. –" and closed by a final "]" into a block note."""
    tokens = state.tokens
    i = 0
    while i < len(tokens):
        end = _block_note_end(state, i)
        if end is None:
            i += 1
            continue
        _wrap_block_note(tokens, i - 1, end)
        i = end + 2
    state.tokens = tokens


def _block_note_end(state: StateCore, i: int) -> int | None:
    """If tokens[i] is an inline opening a block note, the index of its last inline."""
    tokens = state.tokens
    token = tokens[i]
    if token.type != "inline" or i == 0 or tokens[i - 1].type != "paragraph_open":
        return None
    if not ED_OPEN.match(token.content):
        return None
    depth, first_zero = bracket_depth(token.content)
    if first_zero >= 0:
        # closed inside this paragraph: a block note only if it closes at the very end
        return i if first_zero == len(token.content.rstrip()) - 1 else None
    level = tokens[i - 1].level
    for j in range(i + 1, len(tokens)):
        other = tokens[j]
        if other.type != "inline":
            if other.level < level:
                break
            continue
        depth, first_zero = bracket_depth(other.content, depth)
        if first_zero >= 0:
            at_end = first_zero == len(other.content.rstrip()) - 1
            same_level = tokens[j - 1].type == "paragraph_open" and tokens[j - 1].level == level
            return j if at_end and same_level and depth == 0 else None
    opening_map = tokens[i - 1].map
    line = (opening_map[0] + 1) if opening_map else 0
    col = _column_of_text(state, line, token.content[:4])
    report(state.env, "error", UNCLOSED, line, col)
    return None


def _column_of_text(state: StateCore, line: int, text: str) -> int:
    lines = state.env.get("zk_lines", [])
    if 0 < line <= len(lines):
        return max(lines[line - 1].find(text), 0) + 1
    return 1


def _wrap_block_note(tokens: list[Token], open_index: int, last_inline: int) -> None:
    first = tokens[open_index + 1]
    opener = ED_OPEN.match(first.content)
    assert opener is not None
    first.content = first.content[opener.end():]
    last = tokens[last_inline]
    stripped = last.content.rstrip()
    last.content = stripped[:-1].rstrip()
    close_index = last_inline + 1  # the paragraph_close after the last inline
    level = tokens[open_index].level
    note_open = Token("ed_block_open", "aside", 1)
    note_open.block = True
    note_open.markup = opener.group(0)
    note_open.map = tokens[open_index].map
    note_open.level = level
    note_close = Token("ed_block_close", "aside", -1)
    note_close.block = True
    note_close.markup = "]"
    note_close.level = level
    tokens.insert(close_index + 1, note_close)
    tokens.insert(open_index, note_open)


# --- rendering ---------------------------------------------------------------------------
# An editor's note is marked as a note for assistive technology in every output; the
# themes set it apart (a rule, a label, another face).


def render_inline_open(self, tokens, idx, options, env) -> str:
    mark = html.escape(tokens[idx].markup)
    return f'<span class="ed-note" role="note"><span class="ed-mark">{mark}</span>'


def render_inline_close(self, tokens, idx, options, env) -> str:
    return '<span class="ed-mark">]</span></span>'


def render_block_open(self, tokens, idx, options, env) -> str:
    label = self.ctx.labels
    name, mark = _attribute(label("editor's note")), html.escape(label("ed."))
    return ('<aside class="ed-note ed-block" role="note">'
            f'<span class="ed-label" aria-label="{name}">{mark}</span>\n')


def _attribute(text: str) -> str:
    return html.escape(text, quote=False).replace('"', "&quot;")


def render_block_close(self, tokens, idx, options, env) -> str:
    return "</aside>\n"
